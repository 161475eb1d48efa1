"""``warraq export`` when things go wrong: a full disk, a damaged store file.

A failed write is one line naming the file and the problem, a non-zero exit, and no output
file torn or half-made (the old one, if any, is left as it was). A damaged store file is
named and stops the export unless ``--skip-damaged``: "exported 0 annotations from 4
articles" with exit 0 used to hide it.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli.export as export_cli
from store.records import EntitySpan
from store.store import Store
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
PUTIN = (AR.index("بوتين"), AR.index("بوتين") + len("بوتين"))


def _make_store(root: Path, n: int = 5, repeat: int = 1) -> Path:
    text = " ".join([AR] * repeat)
    with Store.open(root, annotator="t") as store:
        for i in range(n):
            article_id = f"a{i}"
            store.attach(article_id, text, {"title": article_id})
            store.add_entity(article_id, EntitySpan(*PUTIN, "بوتين", "PERS"))
    return root


def _damage(root: Path, article_id: str, how: str) -> Path:
    from store.store import article_filename

    path = root / "articles" / article_filename(article_id)
    if how == "json":  # does not parse at all
        path.write_text("{", encoding="utf-8")
    else:  # parses, but a record does not hold together
        data = json.loads(path.read_text(encoding="utf-8"))
        data["article"]["1"]["status"] = "bogus"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullAfter:
    """A writable file that takes ``budget`` characters, then fails as a full disk does."""

    def __init__(self, handle: object, budget: list[int]) -> None:
        self._handle = handle
        self._budget = budget

    def write(self, text: str) -> int:
        if self._budget[0] < len(text):
            _enospc()
        self._budget[0] -= len(text)
        return self._handle.write(text)  # type: ignore[attr-defined]

    def __enter__(self) -> _FullAfter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._handle, name)


def _one_error_line(err: str, needle: str) -> str:
    lines = [line for line in err.splitlines() if "No space left" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("warraq: ") and needle in lines[0], err
    assert "Traceback" not in err
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "doccano", "labelstudio"])
def test_full_disk_while_writing_a_file_is_one_line_and_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fmt: str) -> None:
    store = _make_store(tmp_path / "store")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "gold.out"
    out.write_text("the previous export\n", encoding="utf-8")
    real_fdopen = os.fdopen
    budget = [200]  # some of the output goes out before the disk fills
    monkeypatch.setattr(export_cli.os, "fdopen",
                        lambda *a, **k: _FullAfter(real_fdopen(*a, **k), budget))
    rc = main(["export", "-f", fmt, "--out", str(out), "--store", str(store)])
    monkeypatch.undo()
    assert rc != 0
    _one_error_line(capsys.readouterr().err, str(out))
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert _leftovers(out_dir) == []


@pytest.mark.parametrize("fmt", ["brat", "webanno"])
def test_full_disk_while_writing_a_folder_leaves_no_torn_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fmt: str) -> None:
    from store.formats.registry import FORMATS

    store = _make_store(tmp_path / "store")
    out = tmp_path / "gold"
    module, _ = FORMATS[fmt]
    real_open = open
    budget = [250]  # two or three articles, then the disk is full
    monkeypatch.setattr(module, "open",
                        lambda *a, **k: _FullAfter(real_open(*a, **k), budget), raising=False)
    rc = main(["export", "-f", fmt, "--out", str(out), "--store", str(store)])
    monkeypatch.undo()
    assert rc != 0
    _one_error_line(capsys.readouterr().err, str(out))
    assert not out.exists()  # nothing half-made where the user looks
    assert _leftovers(tmp_path) == []


def test_failed_rename_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    store = _make_store(tmp_path / "store")
    out = tmp_path / "gold.jsonl"
    monkeypatch.setattr(export_cli.os, "replace", _enospc)
    rc = main(["export", "-f", "jsonl", "--out", str(out), "--store", str(store)])
    monkeypatch.undo()
    assert rc != 0
    _one_error_line(capsys.readouterr().err, str(out))
    assert not out.exists() and _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_stdout_on_a_full_device_is_one_line(tmp_path: Path) -> None:
    store = _make_store(tmp_path / "store", n=20, repeat=20)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "export", "-f", "jsonl", "--store", str(store)],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert done.returncode != 0
    line = _one_error_line(done.stderr, "stdout")
    assert done.stderr.strip() == line  # no "Exception ignored" after it either


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 64 KB tmpfs, or a skip where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_export_onto_a_real_full_disk(tiny_disk: Path, tmp_path: Path, fmt: str) -> None:
    store = _make_store(tmp_path / "store", n=20, repeat=20)
    out = tiny_disk / ("gold.jsonl" if fmt == "jsonl" else "gold")
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "-f", fmt, "--out", str(out),
         "--store", str(store)],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode != 0
    _one_error_line(done.stderr, str(out))
    assert not out.exists() and list(tiny_disk.iterdir()) == []


@pytest.mark.parametrize("how", ["json", "record"])
def test_a_damaged_file_is_named_and_stops_the_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    store = _make_store(tmp_path / "store")
    damaged = _damage(store, "a2", how)
    out = tmp_path / "gold.jsonl"
    rc = main(["export", "-f", "jsonl", "--out", str(out), "--store", str(store)])
    err = capsys.readouterr().err
    assert rc != 0
    assert str(damaged) in err and "--skip-damaged" in err, err
    assert "exported" not in err
    assert not out.exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("how", ["json", "record"])
def test_skip_damaged_exports_the_rest_and_still_names_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    store = _make_store(tmp_path / "store")
    damaged = _damage(store, "a2", how)
    out = tmp_path / "gold.jsonl"
    rc = main(["export", "-f", "jsonl", "--out", str(out), "--store", str(store),
               "--skip-damaged"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert str(damaged) in err
    assert "exported 4 annotations from 4 articles" in err and "1 damaged" in err
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["a0", "a1", "a3", "a4"]
    assert damaged.read_bytes()  # left untouched


def test_skip_damaged_is_in_help_and_readme(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--skip-damaged" in capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = next(line for line in readme.splitlines() if "warraq export --format F" in line)
    assert "--skip-damaged" in usage

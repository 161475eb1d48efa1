"""A full disk (or any failing write) never tears a file, never loses what was saved, and
never leaves memory or the undo stack claiming an action the disk does not hold.

The fault is injected at each step of the atomic write (the temp file's write, its fsync,
the rename), and once for real on a 64 KB tmpfs when this process may mount one (root).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import store.storage as storage
from store.errors import StoreError
from store.records import ArticleStatus, EntitySpan, Highlight
from store.store import Store, article_filename

TEXT = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
PUTIN = (TEXT.index("بوتين"), TEXT.index("بوتين") + len("بوتين"))
ASSAD = (TEXT.index("الأسد"), TEXT.index("الأسد") + len("الأسد"))
ROOT = Path(__file__).resolve().parent.parent


def _span(bounds: tuple[int, int], label: str = "PERS") -> EntitySpan:
    return EntitySpan(bounds[0], bounds[1], TEXT[bounds[0]:bounds[1]], label)


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullHandle:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, handle):
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def write(self, _text):
        _enospc()

    def __getattr__(self, name):
        return getattr(self._handle, name)


@contextlib.contextmanager
def disk_full(monkeypatch: pytest.MonkeyPatch, where: str):
    """Make the storage write path fail with ENOSPC at ``where`` until the block ends."""
    with monkeypatch.context() as patch:
        if where == "write":
            real = os.fdopen
            patch.setattr(storage.os, "fdopen", lambda *a, **k: _FullHandle(real(*a, **k)))
        elif where == "fsync":
            # The file's data sync (fdatasync where there is one) and the folder's fsync.
            patch.setattr(storage.os, "fsync", _enospc)
            if hasattr(storage.os, "fdatasync"):
                patch.setattr(storage.os, "fdatasync", _enospc)
        elif where == "replace":
            patch.setattr(storage.os, "replace", _enospc)
        elif where == "mkstemp":
            patch.setattr(storage.tempfile, "mkstemp", _enospc)
        else:  # pragma: no cover - test typo
            raise AssertionError(where)
        yield


def _disk_state(store: Store, article_id: str) -> dict:
    path = store.articles_dir / article_filename(article_id)
    return json.loads(path.read_text(encoding="utf-8"))


def _memory_matches_disk(store: Store, article_id: str) -> None:
    """What the session shows for the article is exactly what its file holds."""
    data = _disk_state(store, article_id)
    on_disk = sorted((e["start"], e["end"], e["label"], e["status"])
                     for e in data["entities"].values())
    ann = store.annotations(article_id)
    in_memory = sorted((e.start, e.end, e.label, str(e.status)) for e in ann.entities)
    assert in_memory == on_disk
    assert sorted(h["id"] for h in data["highlights"].values()) == sorted(
        h.id for h in ann.highlights)
    head = data["article"]["1"]
    assert head["status"] == ann.status.value
    assert head["annotators"] == ann.annotators


def _no_temp_files(store: Store) -> None:
    assert [p.name for p in store.articles_dir.iterdir() if p.name.endswith(".tmp")] == []


WHERE = ["write", "fsync", "replace", "mkstemp"]


@pytest.mark.parametrize("where", WHERE)
def test_failed_save_keeps_file_memory_and_undo_stack(tmp_path, monkeypatch, where):
    s = Store.open(tmp_path / "store")
    s.attach("a", TEXT, {"title": "خبر"})
    first = s.add_entity("a", _span(PUTIN))
    path = s.articles_dir / article_filename("a")
    before = path.read_bytes()
    with disk_full(monkeypatch, where), pytest.raises(StoreError) as info:
        s.add_entity("a", _span(ASSAD))
    message = str(info.value)
    assert str(path) in message and "No space left on device" in message
    assert "\n" not in message
    assert path.read_bytes() == before  # the previous file, byte for byte
    _no_temp_files(s)
    _memory_matches_disk(s, "a")
    assert [e.id for e in s.annotations("a").entities] == [first.id]
    # The failed action is not on the undo stack: undo removes the first entity.
    undone = s.undo()
    assert undone is not None and undone.kind == "add_entity"
    assert s.annotations("a").entities == []
    assert not s.can_undo
    _memory_matches_disk(s, "a")
    # With space again, work goes on as if nothing happened.
    s.redo()
    s.add_entity("a", _span(ASSAD))
    assert len(s.annotations("a").entities) == 2
    _memory_matches_disk(s, "a")
    s.close()


def test_failed_first_save_creates_nothing_and_status_stays_new(tmp_path, monkeypatch):
    s = Store.open(tmp_path / "store")
    s.attach("new", TEXT, {})
    with disk_full(monkeypatch, "fsync"), pytest.raises(StoreError):
        s.add_entity("new", _span(PUTIN))
    assert not (s.articles_dir / article_filename("new")).exists()
    ann = s.annotations("new")
    assert ann.entities == [] and ann.status == ArticleStatus.NEW and ann.annotators == []
    assert not s.can_undo
    _no_temp_files(s)
    s.close()


@pytest.mark.parametrize("direction", ["undo", "redo"])
def test_failed_undo_or_redo_changes_nothing(tmp_path, monkeypatch, direction):
    s = Store.open(tmp_path / "store")
    s.attach("a", TEXT, {})
    s.add_entity("a", _span(PUTIN))
    s.add_highlight("a", Highlight(ASSAD[0], ASSAD[1], TEXT[ASSAD[0]:ASSAD[1]]))
    if direction == "redo":
        s.undo()
    path = s.articles_dir / article_filename("a")
    before = path.read_bytes()
    memory = (len(s.annotations("a").entities), len(s.annotations("a").highlights))
    with disk_full(monkeypatch, "write"), pytest.raises(StoreError, match="No space left"):
        getattr(s, direction)()
    assert path.read_bytes() == before
    assert (len(s.annotations("a").entities), len(s.annotations("a").highlights)) == memory
    _memory_matches_disk(s, "a")
    # The step is still where it was: retrying with space succeeds.
    assert getattr(s, direction)() is not None
    _memory_matches_disk(s, "a")
    s.close()


def test_failed_batch_rolls_back_only_what_was_not_written(tmp_path, monkeypatch):
    s = Store.open(tmp_path / "store")
    for art in ("a", "b"):
        s.attach(art, TEXT, {})
    s.add_entity("a", _span(PUTIN))
    real = storage.atomic_write_text

    def fail_for_b(path, text, **kwargs):
        if path.name == article_filename("b"):
            _enospc()
        return real(path, text, **kwargs)

    monkeypatch.setattr("store.persistence.atomic_write_text", fail_for_b)
    with pytest.raises(StoreError, match="No space left"), s.batch("import"):
        s.add_entity("a", _span(ASSAD))
        s.add_entity("b", _span(PUTIN))
        s.add_entity("b", _span(ASSAD))
    monkeypatch.undo()
    # "a" was written and keeps the batch's entity; "b" has nothing, in memory and on disk.
    assert len(s.annotations("a").entities) == 2
    assert s.annotations("b").entities == [] and s.annotations("b").status == "new"
    assert not (s.articles_dir / article_filename("b")).exists()
    _memory_matches_disk(s, "a")
    # The undo step holds only what was saved: undoing it leaves "a" with one entity.
    s.undo()
    assert len(s.annotations("a").entities) == 1
    _memory_matches_disk(s, "a")
    s.close()


def test_open_on_a_full_disk_is_one_line(tmp_path, monkeypatch):
    with disk_full(monkeypatch, "fsync"), pytest.raises(StoreError) as info:
        Store.open(tmp_path / "store")
    assert "warraq-store.json" in str(info.value) and "\n" not in str(info.value)
    # The lock went with the failed open: a later open writes normally.
    s = Store.open(tmp_path / "store", require_write=True)
    assert not s.read_only
    s.close()


# --------------------------------------------------------------------------- a real tmpfs


@pytest.fixture
def tiny_disk(tmp_path):
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


def test_real_full_tmpfs_keeps_last_good_file(tiny_disk):
    s = Store.open(tiny_disk / "store")
    long_text = (TEXT + "\n") * 60  # ~10 KB of UTF-8 per copy; a few copies fill the disk
    s.attach("a", long_text, {})
    saved = 0
    error: StoreError | None = None
    step = len(TEXT) + 1
    for n in range(10_000):
        start = (n % 60) * step + PUTIN[0]
        try:
            s.add_entity("a", EntitySpan(start, start + 5, long_text[start:start + 5], "PERS"))
        except StoreError as exc:
            error = exc
            break
        saved += 1
    assert error is not None, "the 64 KB disk never filled"
    assert "No space left on device" in str(error) and "\n" not in str(error)
    assert saved >= 1
    path = s.articles_dir / article_filename("a")
    assert len(_disk_state(s, "a")["entities"]) == saved  # parses: not torn
    _memory_matches_disk(s, "a")
    _no_temp_files(s)
    # Undo frees space (a smaller file): the session recovers without a restart.
    s.undo()
    assert len(_disk_state(s, "a")["entities"]) == saved - 1
    _memory_matches_disk(s, "a")
    s.close()
    assert json.loads(path.read_text(encoding="utf-8"))


def test_cli_import_onto_a_full_tmpfs_is_one_line(tiny_disk, tmp_path):
    gold = tmp_path / "gold.jsonl"
    text = (TEXT + " ") * 200
    records = [
        {"id": f"doc{i}", "text": text + str(i),
         "entities": [{"start": PUTIN[0], "end": PUTIN[1], "text": "بوتين", "label": "PERS"}]}
        for i in range(20)
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    store_dir = tiny_disk / "store"
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", str(gold), "--format", "jsonl",
         "--as", "gold", "--store", str(store_dir)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "No space left" in line]
    assert errors and all(line.startswith("warraq: ") for line in errors)
    # Every article file that exists parses (none torn).
    for path in (store_dir / "articles").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))

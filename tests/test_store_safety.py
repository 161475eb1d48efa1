"""Lock and read-only mode, stale locks, damaged files, format versions, store location."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store.errors import StoreError
from store.paths import default_store_dir, resolve_store_dir
from store.records import ArticleStatus, EntitySpan
from store.store import Store, article_filename

TEXT = "التقى بوتين الأسد في موسكو"


def seeded(root: Path, ids: list[str]) -> None:
    with Store.open(root) as s:
        for i in ids:
            s.attach(i, TEXT, {})
            s.add_entity(i, EntitySpan(6, 11, "بوتين", "PERS"))


def test_second_opener_is_read_only_with_a_reason(tmp_path: Path) -> None:
    first = Store.open(tmp_path)
    second = Store.open(tmp_path)
    assert not first.read_only and second.read_only
    assert f"pid {os.getpid()}" in second.read_only_reason
    second.attach("a", TEXT, {})
    with pytest.raises(StoreError, match="not saved: Read-only"):
        second.add_entity("a", EntitySpan(6, 11, "بوتين", "PERS"))
    assert not (tmp_path / "articles" / article_filename("a")).exists()
    locked = rf"store is locked by another Warraq \(pid {os.getpid()}\)"
    with pytest.raises(StoreError, match=locked):
        Store.open(tmp_path, require_write=True)
    first.close()
    third = Store.open(tmp_path, require_write=True)
    assert not third.read_only
    third.close()
    second.close()


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    code = ("import sys,time; from store.store import Store; s=Store.open(sys.argv[1]);"
            " print('ready', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        blocked = Store.open(tmp_path)
        assert blocked.read_only and f"pid {child.pid}" in blocked.read_only_reason
        blocked.close()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert (tmp_path / ".lock").exists()  # the file stays; the OS lock went with the process
    s = Store.open(tmp_path, require_write=True)
    assert not s.read_only
    s.close()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (lambda raw: b"", "empty"),
        (lambda raw: b"\xff\xfe garbage", "not UTF-8"),
        (lambda raw: raw.replace(b'"format_version": 1', b'"format_version": 7'),
         "written by a newer Warraq"),
        (lambda raw: raw.replace(b'"format_version": 1', b'"format_version": "x"'),
         "unknown article format version"),
        (lambda raw: raw.replace("بوتين".encode(), "بوتن".encode(), 1), "sha256"),
        (lambda raw: b"[1, 2]", "expected a JSON object"),
    ],
)
def test_damaged_file_is_isolated_and_never_overwritten(tmp_path: Path, damage, words) -> None:
    seeded(tmp_path, ["good", "bad"])
    bad_path = tmp_path / "articles" / article_filename("bad")
    broken = damage(bad_path.read_bytes())
    bad_path.write_bytes(broken)
    s = Store.open(tmp_path)
    assert not s.read_only
    assert s.article_ids() == ["good"]
    [err] = s.errors
    assert str(bad_path) in str(err) and words in str(err) and "\n" not in str(err)
    assert s.error_for("bad") is err and s.error_for("good") is None
    assert s.status_of("bad") == ArticleStatus.NEW
    assert s.annotations("bad").entities == []
    with pytest.raises(StoreError):
        s.get("bad")
    art = s.attach("bad", TEXT, {})
    assert art.error is err and art.text == TEXT
    with pytest.raises(StoreError, match=words):
        s.add_entity("bad", EntitySpan(0, 5, "التقى", "OCC"))
    with pytest.raises(StoreError):
        s.set_status("bad", ArticleStatus.DONE)
    # The good one still works, and the bad file is byte-for-byte untouched.
    s.add_entity("good", EntitySpan(0, 5, "التقى", "OCC"))
    assert [e.label for e in s.annotations("good").entities] == ["PERS", "OCC"]
    assert bad_path.read_bytes() == broken
    s.close()


def test_newer_store_format_opens_read_only_and_explains(tmp_path: Path) -> None:
    seeded(tmp_path, ["a"])
    store_file = tmp_path / "warraq-store.json"
    data = json.loads(store_file.read_text(encoding="utf-8"))
    data["store"]["1"]["format_version"] = 2
    store_file.write_text(json.dumps(data), encoding="utf-8")
    before = store_file.read_bytes()
    s = Store.open(tmp_path)
    assert s.read_only and "newer Warraq" in s.read_only_reason
    assert "version 2" in str(s.errors[0])
    assert [e.text for e in s.annotations("a").entities] == ["بوتين"]  # still readable
    s.close()
    with pytest.raises(StoreError, match="newer Warraq"):
        Store.open(tmp_path, require_write=True)
    assert store_file.read_bytes() == before


def test_store_file_records_schema_snapshot(tmp_path: Path) -> None:
    s = Store.open(tmp_path)
    data = json.loads((tmp_path / "warraq-store.json").read_text(encoding="utf-8"))
    assert data["store"]["1"]["format"] == "warraq-store"
    [snap] = data["schemas"].values()
    assert snap["hash"] == s.schema.hash and snap["schema"]["entity"][0]["label"] == "PERS"
    s.close()


def test_leftover_temp_files_are_cleaned(tmp_path: Path) -> None:
    seeded(tmp_path, ["a"])
    junk = tmp_path / "articles" / f".{article_filename('a')}.abc123.tmp"
    junk.write_text('{"trunc', encoding="utf-8")
    s = Store.open(tmp_path)
    assert not junk.exists() and s.errors == [] and s.article_ids() == ["a"]
    s.close()


def test_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARRAQ_STORE", str(tmp_path / "env"))
    assert resolve_store_dir(None) == tmp_path / "env"
    assert resolve_store_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    monkeypatch.delenv("WARRAQ_STORE")
    default = resolve_store_dir(None)
    assert default == default_store_dir() and default.parts[-2:] == ("warraq", "store")
    assert default.is_absolute()
    import store as package

    inside = Path(package.__file__).parent / "mystore"
    with pytest.raises(StoreError, match="inside the installed package"):
        resolve_store_dir(str(inside))
    monkeypatch.setenv("WARRAQ_STORE", str(tmp_path / "env2"))
    s = Store.open()
    assert s.root == tmp_path / "env2" and (s.root / "warraq-store.json").exists()
    s.close()


def test_read_only_store_sees_files_but_does_not_create_anything(tmp_path: Path) -> None:
    seeded(tmp_path, ["a"])
    holder = Store.open(tmp_path)
    before = sorted(p.name for p in (tmp_path / "articles").iterdir())
    ro = Store.open(tmp_path)
    assert ro.read_only and ro.article_ids() == ["a"]
    with pytest.raises(StoreError):
        ro.undo()
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == before
    ro.close()
    holder.close()

"""Issue 14, item 15: small things a new user trips over."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from store.errors import WarraqError
from store.records import EntitySpan
from store.safe_json import BadJSON, loads
from store.store import Store
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_a_mistyped_corpus_or_store_creates_no_store(tmp_path: Path, capsys,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.app import prepare_app

    monkeypatch.setenv("WARRAQ_STORE", str(tmp_path / "store"))
    with pytest.raises(WarraqError, match="no such file"):
        prepare_app(str(tmp_path / "nonexistent"))
    assert not (tmp_path / "store").exists()
    assert main(["export", "--store", str(tmp_path / "typo"), "--format", "jsonl"]) != 0
    assert "no store here" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()
    (tmp_path / "notastore").mkdir()
    (tmp_path / "notastore" / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["export", "--store", str(tmp_path / "notastore"), "--format", "jsonl"]) != 0
    assert "not a Warraq store" in capsys.readouterr().err


def test_exports_get_the_usual_file_mode_and_no_local_paths(tmp_path: Path) -> None:
    store_dir = tmp_path / "s"
    with Store.open(store_dir, annotator="a") as store:
        store.attach("x", "زار بوتين موسكو.", {"title": "x", "path": "/home/amal/secret/x.txt"})
        store.add_entity("x", EntitySpan(4, 9, "بوتين", "PERS"))
    out = tmp_path / "a.jsonl"
    old = os.umask(0o022)
    try:
        assert main(["export", "--store", str(store_dir), "--format", "jsonl",
                     "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["metadata"]["path"] == "x.txt"


def test_json_errors_say_at_once() -> None:
    with pytest.raises(BadJSON) as caught:
        loads('{"a": "\x01"}')
    assert "at at" not in str(caught.value.reason) and "at column" in caught.value.reason


async def test_read_only_is_said_once(tmp_path: Path) -> None:
    from tui.widgets.status_bar import StatusBar

    bar = StatusBar()
    bar.read_only = "Read-only: another Warraq (pid 1) is writing this store"
    assert str(bar.render()).count("ead-only") + str(bar.render()).count("EAD-ONLY") == 1

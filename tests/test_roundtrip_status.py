"""Round trips that used to lose things (issue 14, item 5): article status through native
JSONL."""

from __future__ import annotations

from pathlib import Path

from store.records import ArticleStatus, EntitySpan
from store.store import Store
from tui.cli import main

TEXT = "التقى بوتين الأسد في موسكو."


def test_native_jsonl_round_trip_keeps_done(tmp_path: Path, capsys) -> None:
    src, dst = tmp_path / "a", tmp_path / "b"
    with Store.open(src, annotator="amal") as store:
        for article_id, status in (("x", ArticleStatus.DONE), ("y", ArticleStatus.IN_PROGRESS)):
            store.attach(article_id, f"{TEXT} ({article_id})", {"title": article_id})
            store.add_entity(article_id, EntitySpan(6, 11, "بوتين", "PERS"))
            store.set_status(article_id, status)
    out = tmp_path / "gold.jsonl"
    assert main(["export", "--store", str(src), "--format", "jsonl", "--out", str(out)]) == 0
    assert main(["import", str(out), "--format", "jsonl", "--as", "gold",
                 "--store", str(dst)]) == 0
    with Store.open(dst, annotator="amal") as store:
        assert store.annotations("x").status == ArticleStatus.DONE
        assert store.annotations("y").status == ArticleStatus.IN_PROGRESS
    done = tmp_path / "done.jsonl"
    assert main(["export", "--store", str(dst), "--format", "jsonl", "--only-done",
                 "--out", str(done)]) == 0
    assert '"id": "x"' in done.read_text(encoding="utf-8")
    assert "from 1 articles" in capsys.readouterr().err

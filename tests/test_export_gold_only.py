"""Only articles a person worked on are gold (issue 14, item 2).

After ``warraq suggest`` (or a corpus propagation) every article has a store file with pending
machine spans; exporting those untouched articles as gold wrote every token of them as "O" —
a false negative for each entity the machine missed. By default they are left out, counted
in one line; ``--all`` and ``--only-done`` are explicit choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.records import ArticleAnnotations, ArticleStatus, EntitySpan, SpanStatus
from store.store import Store
from tui.cli import main

AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
PUTIN = (AR.index("بوتين"), AR.index("بوتين") + len("بوتين"))


def _suggested_store(root: Path) -> None:
    with Store.open(root, annotator="t") as store:
        for i in range(4):
            store.attach(f"a{i}", AR, {"title": f"a{i}"})
            store.add_entity(f"a{i}", EntitySpan(*PUTIN, "بوتين", "PERS", origin="gazetteer",
                                                 status=SpanStatus.PENDING))


def _conll_docs(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("-DOCSTART-")


def test_untouched_articles_are_not_exported_as_gold(tmp_path: Path, capsys) -> None:
    root = tmp_path / "store"
    _suggested_store(root)
    out = tmp_path / "gold.conll"
    assert main(["export", "--store", str(root), "--format", "conll", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "from 0 articles" in err and "left out 4 articles" in err and "--all" in err
    # One decision (accepting the suggestion) makes that article gold, and only that one.
    with Store.open(root, annotator="ann") as store:
        span = store.get("a2").annotations.entities[0]
        store.update_entity("a2", span.id, status=SpanStatus.ACCEPTED)
    assert main(["export", "--store", str(root), "--format", "jsonl", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "from 1 articles" in err and "left out 3 articles" in err
    assert '"id": "a2"' in out.read_text(encoding="utf-8")
    assert main(["export", "--store", str(root), "--format", "jsonl", "--all",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "from 4 articles" in err and "left out" not in err


def test_only_done_and_all_cannot_be_combined(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--store", str(tmp_path), "--format", "jsonl", "--all", "--only-done"])


@pytest.mark.parametrize(("status", "records", "decided"), [
    (ArticleStatus.NEW, {}, False),
    (ArticleStatus.IN_PROGRESS, {}, True),
    (ArticleStatus.DONE, {}, True),
    (ArticleStatus.SKIPPED, {"doc_labels": ["POLITICS"]}, False),
    (ArticleStatus.NEW, {"doc_labels": ["POLITICS"]}, True),
    (ArticleStatus.NEW, {"entities": [EntitySpan(0, 3, "abc", "PERS")]}, True),
    (ArticleStatus.NEW, {"entities": [EntitySpan(0, 3, "abc", "PERS", origin="propagation",
                                                 status=SpanStatus.PENDING)]}, False),
])
def test_what_counts_as_a_person_s_decision(status, records, decided) -> None:
    assert ArticleAnnotations(status=status, **records).decided_by_a_person() is decided

"""``warraq import --as gold`` over a store after ``warraq suggest`` decides the suggestions
on the same words instead of stacking a second span beside them (found by the long scripted
session: re-importing a session's export into the post-suggest store left the pending GPE
on موسكو beside the imported FAC, and بالأسد PERS beside a pending الأسد).

A gold span on a pending suggestion's words (same offsets, or the same words with or without
a proclitic) accepts that suggestion with the file's label and boundaries, keeping its guess
as the original; on the same decision it is a duplicate; on another accepted label it is a
conflict, reported with the line and not imported."""

from __future__ import annotations

import json
from pathlib import Path

from store.records import EntitySpan, SpanStatus
from store.store import Store
from tui.cli import main

TEXT = "رحب الرئيس بالأسد في موسكو ثم زار الكرملين."


def _at(word: str) -> tuple[int, int]:
    return TEXT.index(word), TEXT.index(word) + len(word)


def _store(root: Path, *spans: tuple[str, str, SpanStatus]) -> None:
    with Store.open(root, annotator="t") as store:
        store.attach("a", TEXT, {"title": "a"})
        for word, label, status in spans:
            store.add_entity("a", EntitySpan(*_at(word), word, label, origin="gazetteer",
                                             status=status))


def _gold(path: Path, *spans: tuple[str, str]) -> Path:
    label = [[*_at(word), lab] for word, lab in spans]
    path.write_text(json.dumps({"id": "a", "text": TEXT, "label": label},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _live(root: Path) -> list[EntitySpan]:
    with Store.open(root, annotator="t") as store:
        return [e for e in store.annotations("a").entities if e.status != SpanStatus.REJECTED]


def test_gold_decides_the_suggestion_on_the_same_words(tmp_path: Path) -> None:
    root = tmp_path / "s"
    _store(root, ("موسكو", "GPE", SpanStatus.PENDING), ("الأسد", "PERS", SpanStatus.PENDING),
           ("الكرملين", "FAC", SpanStatus.PENDING))
    gold = _gold(tmp_path / "g.jsonl", ("موسكو", "FAC"), ("بالأسد", "PERS"),
                 ("الكرملين", "FAC"))
    assert main(["import", str(gold), "--format", "doccano", "--store", str(root)]) == 0
    live = _live(root)
    got = sorted((e.start, e.end, e.label, str(e.status)) for e in live)
    assert got == sorted([(*_at("موسكو"), "FAC", "accepted"), (*_at("بالأسد"), "PERS", "accepted"),
                          (*_at("الكرملين"), "FAC", "accepted")])
    moscow = next(e for e in live if e.text == "موسكو")
    assert moscow.original is not None and moscow.original.label == "GPE"
    # Importing the same file again changes nothing.
    assert main(["import", str(gold), "--format", "doccano", "--store", str(root)]) == 0
    assert len(_live(root)) == 3


def test_gold_against_another_accepted_label_is_a_reported_conflict(tmp_path: Path,
                                                                       capsys) -> None:
    root = tmp_path / "s"
    _store(root, ("موسكو", "GPE", SpanStatus.ACCEPTED))
    gold = _gold(tmp_path / "g.jsonl", ("موسكو", "FAC"), ("الكرملين", "FAC"))
    assert main(["import", str(gold), "--format", "doccano", "--store", str(root)]) != 0
    err = capsys.readouterr().err
    assert "g.jsonl:1" in err and "already accepted on these words" in err
    assert sorted((e.text, e.label) for e in _live(root)) == [("الكرملين", "FAC"),
                                                              ("موسكو", "GPE")]

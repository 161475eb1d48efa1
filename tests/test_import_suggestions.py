"""``warraq import --as suggestions``: other tools' predictions end to end into the store as
pending spans of their source, under the same "already decided" rule as ``warraq suggest``:
re-imports add nothing, and nothing a human rejected or corrected comes back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from store.store import Store
from store.suggest import SuggestCounts, suggest_article
from tui import cli

TEXT = "استقبل بوتين الأسد في الكرملين بموسكو. وقال الرئيس السوري إن سوريا تشكر روسيا."
ART = "art-1"


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


PREDICTIONS = [  # (word, label, score): what a model said
    ("بوتين", "PERS", 0.97),
    ("الأسد", "PERS", 0.91),
    ("الكرملين", "FAC", 0.55),   # a human rejects this one (as a gazetteer suggestion)
    ("بموسكو", "GPE", 0.88),     # a human corrects the gazetteer's GPE to LOC
    ("روسيا", "GPE", 0.80),      # new: no other source found it... (the gazetteer does)
    ("الرئيس", "OCC", 0.60),     # new: the gazetteer has no OCC
]


def _open(root: Path) -> Store:
    return Store.open(root, Schema.load(None), annotator="tester", require_write=True)


@pytest.fixture
def decided_store(tmp_path: Path) -> Path:
    """A store where the gazetteer suggested, and a human rejected, corrected, accepted."""
    root = tmp_path / "store"
    st = _open(root)
    suggest_article(st, ART, TEXT, {"title": "t"}, _gazetteer())
    by_text = {e.text: e for e in st.annotations(ART).entities}
    st.update_entity(ART, by_text["الكرملين"].id, status=SpanStatus.REJECTED)
    st.update_entity(ART, by_text["بموسكو"].id, label="LOC")
    st.update_entity(ART, by_text["بوتين"].id, status=SpanStatus.ACCEPTED)
    st.close()
    return root


def _gazetteer():  # type: ignore[no-untyped-def]
    from store.gazetteer import Gazetteer

    return Gazetteer.default()


def _entities(root: Path) -> list[EntitySpan]:
    st = Store.open(root, Schema.load(None), annotator="tester")
    try:
        return list(st.annotations(ART).entities)
    finally:
        st.close()


# --------------------------------------------------------------------------- the files


def _native(path: Path) -> Path:
    ents = []
    for word, label, score in PREDICTIONS:
        s, e = _at(word)
        ents.append({"id": f"T{s}", "start": s, "end": e, "text": word, "label": label,
                     "origin": "mymodel", "status": "pending", "score": score})
    rec = {"id": ART, "text": TEXT, "entities": ents}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _doccano(path: Path) -> Path:
    spans = [[*_at(word), label] for word, label, _ in PREDICTIONS]
    rec = {"id": ART, "text": TEXT, "label": spans}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _labelstudio(path: Path) -> Path:
    results = []
    for k, (word, label, score) in enumerate(PREDICTIONS):
        s, e = _at(word)
        results.append({"id": f"r{k}", "from_name": "label", "to_name": "text",
                        "type": "labels", "score": score,
                        "value": {"start": s, "end": e, "text": word, "labels": [label]}})
    task = {"id": 7, "data": {"text": TEXT, "article_id": ART},
            "predictions": [{"model_version": "mymodel-v2", "score": 0.8,
                             "result": results}]}
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    return path


WRITERS = {"jsonl": _native, "doccano": _doccano, "labelstudio": _labelstudio}


def _import(root: Path, path: Path, fmt: str, source: str = "mymodel") -> int:
    return cli.main(["import", str(path), "--format", fmt, "--as", "suggestions",
                     "--source", source, "--store", str(root)])


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_predictions_into_empty_store_are_pending_with_source(tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "store"
    path = WRITERS[fmt](tmp_path / f"pred.{fmt}")
    assert _import(root, path, fmt) == 0
    ents = _entities(root)
    got = {(e.start, e.end, e.label) for e in ents}
    assert got == {(*_at(w), lab) for w, lab, _ in PREDICTIONS}
    assert all(e.status == SpanStatus.PENDING and e.origin == "mymodel" for e in ents)
    assert all(e.text == TEXT[e.start:e.end] for e in ents)
    if fmt != "doccano":  # doccano carries no scores
        scores = {e.text: e.score for e in ents}
        assert scores["بوتين"] == pytest.approx(0.97)
    # the same file again adds nothing
    assert _import(root, path, fmt) == 0
    assert len(_entities(root)) == len(ents)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_import_respects_human_decisions(decided_store: Path, tmp_path: Path, fmt: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = {e.id: e for e in _entities(decided_store)}
    path = WRITERS[fmt](tmp_path / f"pred.{fmt}")
    assert _import(decided_store, path, fmt) == 0
    after = _entities(decided_store)
    keys = [(e.start, e.end, e.label) for e in after]
    assert len(keys) == len(set(keys)), "a span was duplicated"
    # The rejected suggestion stays rejected and alone.
    kremlin = [e for e in after if e.text == "الكرملين"]
    assert [(e.status, e.origin) for e in kremlin] == [(SpanStatus.REJECTED, "gazetteer")]
    # The corrected one is not suggested again with the label the human corrected away.
    moscow = [e for e in after if e.text == "بموسكو"]
    assert [(e.label, e.status) for e in moscow] == [("LOC", SpanStatus.ACCEPTED)]
    assert moscow[0].original is not None and moscow[0].original.label == "GPE"
    # Decided spans are untouched; only the OCC span is new.
    for e in after:
        if e.id in before:
            assert e.to_dict() == before[e.id].to_dict()
    new = [e for e in after if e.id not in before]
    assert [(e.text, e.label, e.origin, e.status) for e in new] == [
        ("الرئيس", "OCC", "mymodel", SpanStatus.PENDING)]
    capsys.readouterr()


def test_gazetteer_after_import_does_not_duplicate(tmp_path: Path) -> None:
    """Another source's pending span blocks the gazetteer's identical one (and back)."""
    root = tmp_path / "store"
    assert _import(root, _doccano(tmp_path / "p.jsonl"), "doccano") == 0
    st = _open(root)
    try:
        counts = SuggestCounts()
        suggest_article(st, ART, TEXT, {}, _gazetteer(), counts)
        ents = st.annotations(ART).entities
    finally:
        st.close()
    keys = [(e.start, e.end, e.label) for e in ents]
    assert len(keys) == len(set(keys))
    assert counts.already >= 4
    assert {e.origin for e in ents} <= {"mymodel", "gazetteer"}


def test_rejected_predictions_in_the_file_are_not_imported(tmp_path: Path) -> None:
    """A Label Studio file's rejected predictions ("rejected:<source>") stay out."""
    root = tmp_path / "store"
    s, e = _at("بوتين")
    task = {"data": {"text": TEXT, "article_id": ART}, "predictions": [
        {"model_version": "rejected:mymodel", "result": [
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s, "end": e, "text": "بوتين", "labels": ["PERS"]}}]}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    assert _import(root, path, "labelstudio") == 0
    assert _entities(root) == []

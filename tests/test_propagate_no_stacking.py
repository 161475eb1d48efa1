"""``P`` and ``A`` never stack a second span on the same words (issue 14, item 1).

(a) PERS on the stem الأسد of بالأسد (14–19), then ``P`` from a later mention used to add the
whole token بالأسد (13–19) beside it. (b) After ``warraq suggest``, relabelling الكرملين
FAC→ORG, ``P`` and then ``A`` left FAC (accepted, gazetteer) and ORG (accepted, propagated)
on the same offsets. Decisions are now made on the suggestion already there."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.propagate import propagate_in_article, same_stretch
from store.records import EntitySpan, SpanStatus
from store.store import Store
from tui.services.article_session import AnnotationError, ArticleSession

TEXT = ("رحب الرئيس بالأسد في الكرملين. وقال الأسد إن الكرملين مهم. "
        "ثم غادر الأسد الكرملين.")


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def _no_two_on_same_words(store: Store, article_id: str, *, pending: bool = True) -> None:
    kept = {SpanStatus.ACCEPTED, SpanStatus.PENDING} if pending else {SpanStatus.ACCEPTED}
    live = [e for e in store.annotations(article_id).entities if e.status in kept]
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            assert not same_stretch(TEXT, (a.start, a.end), (b.start, b.end)), (a, b)


def test_same_stretch_is_same_words_clitics_aside() -> None:
    assert same_stretch(TEXT, _at("بالأسد"), _at("الأسد"))
    assert not same_stretch(TEXT, _at("الأسد"), _at("الأسد", 1))
    assert not same_stretch("الرئيس بشار الأسد", (0, 17), (12, 17))  # nesting, not clitics


def test_stem_decision_then_propagation_from_another_mention(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="ann") as store:
        store.attach("a", TEXT, {"title": "a"})
        stem = _at("بالأسد")[0] + 1, _at("بالأسد")[1]  # v [ 1 : الأسد inside بالأسد
        store.add_entity("a", EntitySpan(*stem, TEXT[stem[0]:stem[1]], "PERS"))
        later = store.add_entity("a", EntitySpan(*_at("الأسد", 2), "الأسد", "PERS"))
        propagate_in_article(store, "a", TEXT, later, lexicon=None)
        _no_two_on_same_words(store, "a")
        spans = {(e.start, e.end) for e in store.annotations("a").entities}
        assert _at("بالأسد") not in spans and stem in spans


def test_stem_convention_is_followed_by_propagation(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="ann") as store:
        store.attach("a", TEXT, {"title": "a"})
        stem = _at("بالأسد")[0] + 1, _at("بالأسد")[1]
        decided = store.add_entity("a", EntitySpan(*stem, TEXT[stem[0]:stem[1]], "PERS"))
        added = propagate_in_article(store, "a", TEXT, decided, lexicon=None)
        assert {(e.start, e.end) for e in added} == {_at("الأسد", 1), _at("الأسد", 2)}


def test_relabel_propagate_accept_all_leaves_one_label_per_stretch(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="ann") as store:
        store.attach("a", TEXT, {"title": "a"})
        for nth in range(3):  # what `warraq suggest` leaves: FAC on every الكرملين
            store.add_entity("a", EntitySpan(*_at("الكرملين", nth), "الكرملين", "FAC",
                                             origin="gazetteer", status=SpanStatus.PENDING))
        session = ArticleSession(store, store.schema, "a", TEXT)
        first = _at("الكرملين")
        session.label(*first, "ORG", selection=False)  # `2`: FAC → ORG
        decided = session.exact_entity(*first)
        assert decided is not None and decided.label == "ORG"
        propagate_in_article(store, "a", TEXT, decided, lexicon=None)  # `P`
        assert [e for e in store.annotations("a").entities
                if e.status == SpanStatus.PENDING] == []
        with pytest.raises(AnnotationError):  # `A`: nothing left to accept, nothing stacked
            session.accept_all()
        _no_two_on_same_words(store, "a")
        labels = {(e.start, e.end): e for e in store.annotations("a").entities}
        for nth in range(3):
            span = labels[_at("الكرملين", nth)]
            assert span.label == "ORG" and span.status == SpanStatus.ACCEPTED
            assert span.original is not None and span.original.label == "FAC"


def test_accept_all_never_accepts_a_second_label_on_the_same_words(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="ann") as store:
        store.attach("a", TEXT, {"title": "a"})
        where = _at("الكرملين")
        store.add_entity("a", EntitySpan(*where, "الكرملين", "ORG"))
        store.add_entity("a", EntitySpan(*where, "الكرملين", "FAC", origin="gazetteer",
                                         status=SpanStatus.PENDING))
        store.add_entity("a", EntitySpan(*_at("الكرملين", 1), "الكرملين", "FAC",
                                         origin="gazetteer", status=SpanStatus.PENDING))
        said = ArticleSession(store, store.schema, "a", TEXT).accept_all()
        assert "accepted 1 suggestions" in said and "1 left pending" in said
        _no_two_on_same_words(store, "a", pending=False)

"""A trim never stacks a second span on words that already carry one (found by the long
scripted session, tests/ui/test_long_session.py).

After ``warraq suggest`` موسكو carries a pending GPE. Labelling "موسكو ونحن" FAC and then
``]`` (no selection: the span's end moves in by one word) left FAC 41–46 beside the pending
GPE 41–46: two spans on the same words, and ``A`` or an export with pending suggestions then
had a contradiction. A trim that lands on a suggestion's words now decides that suggestion
(one undo step); one that lands on another decision is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.records import EntitySpan, SpanStatus
from store.span_policy import same_stretch
from store.store import Store
from tui.services.article_session import AnnotationError, ArticleSession

TEXT = "أنا سعيد برؤيتكم في موسكو ونحن على اتصال دائم مع الكرملين."
MOSCOW = (TEXT.index("موسكو"), TEXT.index("موسكو") + len("موسكو"))
TWO = (MOSCOW[0], TEXT.index("ونحن") + len("ونحن"))


def _live(store: Store) -> list[EntitySpan]:
    return [e for e in store.annotations("a").entities if e.status != SpanStatus.REJECTED]


def _session(tmp_path: Path, status: SpanStatus) -> tuple[Store, ArticleSession]:
    store = Store.open(tmp_path / "s", annotator="ann")
    store.attach("a", TEXT, {"title": "a"})
    store.add_entity("a", EntitySpan(*MOSCOW, "موسكو", "GPE", origin="gazetteer",
                                     status=status))
    return store, ArticleSession(store, store.schema, "a", TEXT)


def test_trim_onto_a_suggestion_decides_it(tmp_path: Path) -> None:
    store, session = _session(tmp_path, SpanStatus.PENDING)
    with store:
        session.label(*TWO, "FAC", selection=True)  # v ← 5 : "موسكو ونحن" FAC
        event = session.add_event(TEXT.index("اتصال"), TEXT.index("اتصال") + 5, "MEET")
        fac = session.exact_entity(*TWO)
        session.set_argument(event.id, "SOURCE", fac.id)
        said = session.adjust(fac, 0, -1)  # ] : the end moves in by one word
        assert "decides the GPE suggestion" in said
        (only,) = _live(store)
        assert (only.start, only.end, only.label, only.status) == (*MOSCOW, "FAC",
                                                                    SpanStatus.ACCEPTED)
        assert only.original is not None and only.original.label == "GPE"
        # The event's argument moved to the span that stays.
        (arg,) = store.annotations("a").events[0].arguments
        assert arg.entity_id == only.id
        store.undo()  # one step: the FAC span and the pending GPE are back
        spans = {(e.start, e.end, e.label, e.status) for e in _live(store)}
        assert spans == {(*TWO, "FAC", SpanStatus.ACCEPTED),
                         (*MOSCOW, "GPE", SpanStatus.PENDING)}
        assert store.annotations("a").events[0].arguments[0].entity_id == fac.id


def test_trim_onto_another_decision_is_refused(tmp_path: Path) -> None:
    store, session = _session(tmp_path, SpanStatus.ACCEPTED)
    with store:
        session.label(*TWO, "FAC", selection=True)
        fac = session.exact_entity(*TWO)
        with pytest.raises(AnnotationError, match="already on these words"):
            session.adjust(fac, 0, -1)
        live = _live(store)
        assert len(live) == 2
        assert not same_stretch(TEXT, (live[0].start, live[0].end),
                                (live[1].start, live[1].end))

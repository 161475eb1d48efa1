"""Drift: corpus text changed under stored annotations."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from store.drift import reanchor
from store.records import EntitySpan, Event, Highlight
from store.store import Store

OLD = "استقبل بوتين الأسد في الكرملين. وقال بوتين إن بوتين سعيد."
NEW = "موسكو (سانا) - " + OLD.replace("في الكرملين", "في قصر الكرملين") + " تعليقات"


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return i, i + len(word)


def test_reanchor_moves_unique_and_context_disambiguated_spans() -> None:
    s, e = at(OLD, "الأسد")
    assert reanchor(OLD, NEW, s, e, "الأسد") == NEW.index("الأسد")
    # "بوتين" occurs three times: context picks the second one.
    s, e = at(OLD, "بوتين", 1)
    assert reanchor(OLD, NEW, s, e, "بوتين") == at(NEW, "بوتين", 1)[0]
    assert reanchor(OLD, NEW, *at(OLD, "بوتين", 2), "بوتين") == at(NEW, "بوتين", 2)[0]
    # Gone from the new text: no guess.
    assert reanchor(OLD, NEW.replace("الأسد", "الرئيس"), s, e, "الأسد") is None


def test_ambiguous_span_is_stale_not_moved() -> None:
    old = "قال بوتين."
    new = "قال بوتين. قال بوتين."  # the sentence now appears twice, context and all
    assert reanchor(old, new, *at(old, "بوتين"), "بوتين") is None


def test_store_reconcile_on_attach(tmp_path: Path) -> None:
    root = tmp_path / "st"
    with Store.open(root) as s:
        s.attach("a", OLD, {})
        s_ = s.add_entity("a", EntitySpan(*at(OLD, "الأسد"), "الأسد", "PERS"))
        k = s.add_entity("a", EntitySpan(*at(OLD, "الكرملين"), "الكرملين", "FAC"))
        p = s.add_entity("a", EntitySpan(*at(OLD, "بوتين", 1), "بوتين", "PERS"))
        h = s.add_highlight("a", Highlight(*at(OLD, "سعيد"), "سعيد"))
        ev = s.add_event("a", Event("MEET", *at(OLD, "استقبل"), "استقبل"))
    changed = NEW.replace("سعيد", "مسرور")
    with Store.open(root) as s:
        art = s.attach("a", changed, {"title": "x"})
        assert art.drifted and art.drift is not None
        assert art.drift.moved == 4 and art.drift.stale == 1
        assert art.drift.stale_ids == [h.id]
        ents = {e.id: e for e in s.annotations("a").entities}
        for ent in ents.values():
            assert changed[ent.start:ent.end] == ent.text and not ent.stale
        assert ents[p.id].start == at(changed, "بوتين", 1)[0]
        assert ents[k.id].text == "الكرملين" and ents[s_.id].text == "الأسد"
        hl = s.annotations("a").highlights[0]
        assert hl.stale is True and (hl.start, hl.end) == (h.start, h.end)  # not moved
        event = s.annotations("a").events[0]
        assert changed[event.trigger_start:event.trigger_end] == "استقبل" and event.id == ev.id
        assert not s.can_undo
    with Store.open(root) as s:  # the re-anchored state was saved with the new snapshot
        art = s.get("a")
        assert art.text == changed and not art.drifted
        assert art.annotations.highlights[0].stale is True
        import json
        head = json.loads(art.path.read_text(encoding="utf-8"))["article"]["1"]
        assert head["drift"]["moved"] == 4 and head["drift"]["stale"] == 1


def test_same_text_is_not_drift(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        s.attach("a", OLD, {})
        s.add_entity("a", EntitySpan(*at(OLD, "الأسد"), "الأسد", "PERS"))
        report = s.reconcile("a", OLD)
        assert not report.drifted and report.moved == report.stale == 0


words = st.sampled_from(["بوتين", "الأسد", "موسكو", "قال", "في", "و", "دمشق", "."])


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=30), st.lists(words, max_size=8),
       st.lists(words, max_size=8), st.data())
def test_reanchor_never_moves_a_span_onto_other_text(body, prefix, suffix, data) -> None:
    old = " ".join(body)
    new = " ".join(prefix + body + suffix)
    i = data.draw(st.integers(0, len(body) - 1))
    start = len(" ".join(body[:i])) + (1 if i else 0)
    word = body[i]
    got = reanchor(old, new, start, start + len(word), word)
    if got is not None:
        assert new[got:got + len(word)] == word
    if new.count(word) == 1:
        assert got == new.index(word)

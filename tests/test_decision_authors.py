"""Decisions on suggestions carry their author (issue 14, item 6): accepting, rejecting,
relabelling or re-bounding a suggestion records the annotator, so ``warraq stats`` credits
the person instead of ``—``."""

from __future__ import annotations

from pathlib import Path

from store.records import EntitySpan, SpanStatus
from store.stats import compute_stats, summarize_store
from store.store import Store
from tui.widgets.reader import Reader

TEXT = "استقبل الرئيس بوتين الرئيس الأسد في الكرملين بموسكو"
FIRST = "000_016fc75d937698ad"


def _span(text: str, word: str, label: str, **kw) -> EntitySpan:
    start = text.index(word)
    return EntitySpan(start, start + len(word), word, label, **kw)


def _pending(text: str, word: str, label: str) -> EntitySpan:
    return _span(text, word, label, origin="gazetteer", status=SpanStatus.PENDING)


def test_every_decision_on_a_suggestion_records_who_made_it(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="huda") as store:
        store.attach("a", TEXT)
        ids = [store.add_entity("a", _pending(TEXT, w, lab)).id
               for w, lab in (("بوتين", "PERS"), ("الأسد", "PERS"), ("الكرملين", "GPE"),
                              ("بموسكو", "PERS"))]
        assert all(e.annotator is None for e in store.annotations("a").entities)
        store.update_entity("a", ids[0], status=SpanStatus.ACCEPTED)
        store.update_entity("a", ids[1], status=SpanStatus.REJECTED)
        store.update_entity("a", ids[2], label="FAC")  # a correction accepts it
        start = TEXT.index("بموسكو")
        store.update_entity("a", ids[3], start=start + 1, label="GPE")
        assert [e.annotator for e in store.annotations("a").entities] == ["huda"] * 4
    stats = compute_stats(summarize_store(tmp_path / "s"), ["a"])
    assert stats.by_annotator["huda"]["entities"] == 3
    assert "—" not in stats.by_annotator


def test_a_human_span_keeps_its_author_when_someone_else_edits_it(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="huda") as store:
        store.attach("a", TEXT)
        span = store.add_entity("a", _span(TEXT, "بوتين", "PERS"))
        assert span.annotator == "huda"
    with Store.open(tmp_path / "s", annotator="omar") as store:
        store.update_entity("a", span.id, label="ORG")
        assert store.annotations("a").entities[0].annotator == "huda"
        # Going back to pending is no decision: nobody is credited for it.
        other = store.add_entity("a", _pending(TEXT, "الأسد", "PERS"))
        store.update_entity("a", other.id, label="ORG", status=SpanStatus.PENDING)
        assert store.annotations("a").entities[1].annotator is None


async def test_accept_reject_in_the_app_credits_the_annotator_in_stats(tmp_path, capsys
                                                                        ) -> None:
    from tui.app import prepare_app
    from tui.cli import main

    store_dir = tmp_path / "store"
    app = prepare_app(None, store_dir=str(store_dir), annotator="zaynab")
    text = app.corpus.load(FIRST).text
    app.store.attach(FIRST, text, {})
    with app.store.batch("seed suggestions"):
        for word, label in (("بوتين", "PERS"), ("موسكو", "GPE"), ("اتصال", "ORG")):
            app.store.add_entity(FIRST, _pending(text, word, label))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(Reader)
        await pilot.press("a", "full_stop", "4", "full_stop", "x")  # accept, correct, reject
        await pilot.pause()
    by_text = {e.text: e for e in Store.open(store_dir).annotations(FIRST).entities}
    assert {w: (e.status, e.annotator) for w, e in by_text.items()} == {
        "بوتين": (SpanStatus.ACCEPTED, "zaynab"), "موسكو": (SpanStatus.ACCEPTED, "zaynab"),
        "اتصال": (SpanStatus.REJECTED, "zaynab")}
    assert main(["stats", "--store", str(store_dir)]) == 0
    rows = [line.split("│") for line in capsys.readouterr().out.splitlines() if "│" in line]
    names = {r[1].strip(): [c.strip() for c in r[2:]] for r in rows if len(r) > 2}
    assert "—" not in names and names["zaynab"][:3] == ["1", "0", "2"]

"""The article list at scale: sort orders, label filter, normalized and incremental search,
and the app's entries built from index columns and store summaries (growth and the
columns themselves: tests/test_list_model.py)."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult

from store.arabic import normalize
from tui.widgets.article_list import SORT_ORDERS, ArticleList, Entries, Entry

ENTRIES = [
    Entry("a", "بوتين يستقبل الأسد في موسكو", "2021-09-14", "سانا", "done", {"PERS": 2}),
    Entry("b", "قمة في الكرملين", None, "الجزيرة نت", "new", {}),
    Entry("c", "إيران تُرحِّب بالاتفاق", "2024-10-18", None, "in_progress", {"GPE": 1}),
    Entry("d", "مباحثات روسية سورية", "2019-01-02", "روسيا اليوم", "skipped", {"PERS": 1,
                                                                            "ORG": 0}),
    Entry("e", "المدرسة القديمة", "2024-10-18", "سانا", "new", {"ORG": 3}),
]


class ListApp(App[None]):
    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        yield ArticleList(self.entries, id="list")


def _ids(widget: ArticleList) -> list[str]:
    return [widget.entries[i].id for i in widget.shown]


async def test_sort_orders_cycle_with_o():
    app = ListApp([Entry(e.id, e.title, e.date, e.source, e.status, dict(e.counts))
                   for e in ENTRIES])
    async with app.run_test() as pilot:
        widget = app.query_one(ArticleList)
        widget.focus()
        seen = {}
        for _ in SORT_ORDERS:
            seen[widget.sort_by] = _ids(widget)
            await pilot.press("o")
        assert widget.sort_by == "corpus"  # a full cycle
        assert seen["corpus"] == ["a", "b", "c", "d", "e"]
        assert seen["date_desc"] == ["c", "e", "a", "d", "b"]  # ties in corpus order, undated last
        assert seen["date_asc"] == ["d", "a", "c", "e", "b"]
        assert seen["source"] == ["b", "d", "a", "e", "c"]  # by name, then date; none last
        assert seen["status"] == ["b", "e", "c", "a", "d"]


async def test_label_filter_keeps_articles_with_an_accepted_span():
    app = ListApp([Entry(e.id, e.title, e.date, e.source, e.status, dict(e.counts))
                   for e in ENTRIES])
    async with app.run_test() as pilot:
        widget = app.query_one(ArticleList)
        widget.focus()
        assert widget.labels == ["GPE", "ORG", "PERS"]  # ORG 0 in "d" does not count
        await pilot.press("l")
        assert widget.label_filter == "GPE" and _ids(widget) == ["c"]
        await pilot.press("l")
        assert _ids(widget) == ["e"]
        await pilot.press("l")
        assert _ids(widget) == ["a", "d"]
        widget.status_filter = "done"
        assert _ids(widget) == ["a"]
        await pilot.press("l")
        assert widget.label_filter is None


async def test_search_ignores_harakat_alef_forms_and_ta_marbuta():
    app = ListApp([Entry(e.id, e.title, e.date, e.source, e.status, dict(e.counts))
                   for e in ENTRIES])
    async with app.run_test():
        widget = app.query_one(ArticleList)
        widget.query = "ايران ترحب"  # no hamza, no harakat
        assert _ids(widget) == ["c"]
        widget.query = "المدرسه"  # ta marbuta typed as ha
        assert _ids(widget) == ["e"]
        widget.query = "الأسد"
        assert _ids(widget) == ["a"]
        widget.sort_by = "date_desc"
        widget.query = ""
        assert _ids(widget) == ["c", "e", "a", "d", "b"]


def test_incremental_search_equals_a_fresh_filter():
    rng = random.Random(7)
    words = ["بوتين", "الأسد", "موسكو", "قمة", "إيران", "سوريا", "روسيا", "الكرملين"]
    entries = [Entry(str(i), " ".join(rng.choice(words) for _ in range(4)),
                     f"2020-01-{rng.randint(1, 28):02d}", None,
                     rng.choice(["new", "done"]), {"PERS": rng.randint(0, 1)})
               for i in range(400)]
    widget = ArticleList(entries)
    fresh = ArticleList(entries)
    for _ in range(60):
        word = rng.choice(words)
        status = rng.choice([None, "new", "done"])
        label = rng.choice([None, "PERS"])
        sort = rng.choice(SORT_ORDERS)
        for end in range(1, len(word) + 1):  # typing the word one letter at a time
            got = widget.filtered(word[:end], status, label, sort)
            fresh.model.forget()
            assert got == fresh.filtered(word[:end], status, label, sort)
            key = normalize(word[:end])
            assert all(key in entries[i].key for i in got)


def test_update_entry_resets_the_key_and_orders():
    widget = ArticleList([Entry(e.id, e.title, e.date, e.source, e.status, dict(e.counts))
                          for e in ENTRIES])
    assert widget.filtered("قمة", None, None, "corpus") == [1]
    widget.update_entry("b", title="خبر آخر", date="2030-01-01")
    assert widget.filtered("قمة", None, None, "corpus") == []
    assert widget.filtered("", None, None, "date_desc")[0] == 1


def test_app_entries_come_from_index_columns_and_store_summary(tmp_path):
    from store.records import EntitySpan
    from store.store import Store
    from store.synthetic import write_corpus
    from tui.app import prepare_app

    corpus = write_corpus(tmp_path / "c.jsonl", 40, "jsonl", seed=1)
    store_dir = tmp_path / "store"
    with Store.open(store_dir, annotator="t") as store:
        store.attach("a000003", "بوتين في موسكو")
        store.add_entity("a000003", EntitySpan(0, 5, "بوتين", "PERS"))
        store.set_status("a000003", "done")
    app = prepare_app(corpus, store_dir=str(store_dir), annotator="t")
    try:
        entries = app.workspace.entries()
        assert app.corpus.index is not None and app.corpus.index.mode == "built"
        assert isinstance(entries, Entries) and len(entries) == 40
        assert entries.keys is not None  # search keys come ready from the index
        assert entries.counts == {3: {"PERS": 1}}  # only the annotated article has counts
        third = entries[3]
        assert third.status == "done" and third.counts == {"PERS": 1}
        assert entries[0].status == "new" and entries[0].counts == {}
        assert entries[5].title == app.corpus.meta("a000005").title
    finally:
        app.store.close()

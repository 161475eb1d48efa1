"""The article list's columns (``Entries``) and a list that grows and changes while the
corpus is indexed: rows appended or corrected keep the cursor on its article and the
filter, search and sort what a fresh list would show."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from textual.app import App, ComposeResult

from store.arabic import normalize
from tui.services.list_model import SORT_ORDERS, Entries, Entry, normalize_titles, site_names
from tui.widgets.article_list import RESORT_DELAY, ArticleList

WORDS = ["بوتين", "الأسد", "موسكو", "قمة", "إيران", "سوريا", "روسيا", "الكرملين", "مدرسة"]
SOURCES = ["سانا", "الجزيرة نت", None, "روسيا اليوم"]
STATUSES = ["new", "in_progress", "done", "skipped"]


@dataclass
class Summary:
    status: str = "new"
    labels: dict[str, int] = field(default_factory=dict)


def columns(n: int, seed: int = 1, start: int = 0):
    rng = random.Random(seed)
    ids = [f"a{i:05d}" for i in range(start, start + n)]
    titles = [" ".join(rng.choice(WORDS) for _ in range(3)) for _ in range(n)]
    dates = [rng.choice([None, f"2020-01-{rng.randint(1, 28):02d}"]) for _ in range(n)]
    sources = [rng.choice(SOURCES) for _ in range(n)]
    return ids, titles, dates, sources


def summaries_for(ids: list[str], seed: int = 2) -> dict[str, Summary]:
    rng = random.Random(seed)
    return {aid: Summary(rng.choice(STATUSES), rng.choice([{}, {"PERS": 1}, {"GPE": 2}]))
            for aid in ids if rng.random() < 0.3}


def fresh_shown(entries: Entries, query: str, status, label, sort) -> list[str]:
    """What the list should show, as ids, worked out the plain way (one normalize per
    title, one sort with tuple keys), independently of the list's own machinery."""
    rows = list(entries)
    key = normalize(query.strip())
    passing = [i for i, e in enumerate(rows)
               if key in normalize(e.title) and (status is None or e.status == status)
               and (label is None or e.counts.get(label))]
    if sort in ("date_desc", "date_asc"):
        dated = [i for i in passing if rows[i].date]
        dated.sort(key=lambda i: rows[i].date, reverse=sort == "date_desc")
        passing = dated + [i for i in passing if not rows[i].date]
    elif sort == "source":
        passing.sort(key=lambda i: (rows[i].source is None, rows[i].source or "",
                                    rows[i].date or ""))
    elif sort == "status":
        passing.sort(key=lambda i: ["new", "in_progress", "done", "skipped"].index(
            rows[i].status))
    return [rows[i].id for i in passing]


def shown_ids(widget: ArticleList) -> list[str]:
    return [widget.entries.ids[i] for i in widget.shown]


# ---------------------------------------------------------------------- Entries
def test_from_columns_takes_statuses_and_counts_from_summaries_only_for_annotated():
    ids, titles, dates, sources = columns(50)
    summaries = {"a00003": Summary("done", {"PERS": 2}), "a00007": Summary("skipped", {}),
                 "gone": Summary("done", {"ORG": 1})}  # not in the corpus: ignored
    entries = Entries.from_columns(ids, titles, dates, sources, summaries=summaries)
    assert len(entries) == 50
    assert entries.statuses.count("new") == 48
    assert entries[3].status == "done" and entries[3].counts == {"PERS": 2}
    assert entries[7].status == "skipped" and entries[7].counts == {}
    assert entries.counts == {3: {"PERS": 2}}  # sparse: only annotated rows
    assert entries[-1].id == "a00049" and entries[5].title == titles[5]
    assert entries.labels() == ["PERS"]


def test_from_columns_copies_so_the_caller_can_keep_appending():
    ids, titles, dates, sources = columns(10)
    entries = Entries.from_columns(ids, titles, dates, sources)
    ids.append("late")
    titles.append("late")
    titles[0] = "changed"
    assert len(entries) == 10 and entries.titles[0] != "changed"
    # A caller mid-append (ids longer than titles): only complete rows are taken.
    ids2, titles2, dates2, sources2 = columns(10)
    ids2.append("half-written")
    assert len(Entries.from_columns(ids2, titles2, dates2, sources2)) == 10
    assert len(Entries.from_columns(ids2, titles2, dates2, sources2, n=4)) == 4


def test_search_keys_are_made_lazily_in_one_pass():
    ids, titles, dates, sources = columns(30)
    entries = Entries.from_columns(ids, titles, dates, sources)
    assert entries.keys is None  # nothing normalized at start-up
    keys = entries.search_keys()
    assert keys == [normalize(t) for t in titles] and entries.keys is keys
    assert entries[4].key == normalize(titles[4])
    assert normalize_titles(["a\x00b", "c"]) == [normalize("a\x00b"), "c"]  # separator inside
    assert normalize_titles([None, "قمّة"]) == ["", normalize("قمّة")]


def test_from_entries_round_trips_and_snapshots_do_not_write_back():
    rows = [Entry("x", "قمة", "2020-01-01", "سانا", "done", {"PERS": 1}),
            Entry("y", "خبر", None, None)]
    entries = Entries.from_entries(rows)
    assert list(entries) == rows and entries[0:1] == rows[:1]
    snapshot = entries[0]
    snapshot.status = "new"
    snapshot.counts["GPE"] = 3
    assert entries[0].status == "done" and entries[0].counts == {"PERS": 1}
    assert entries.position("y") == 1 and entries.position("nope") is None


def test_site_names_derive_sources_from_urls_only_where_missing():
    assert site_names(["https://www.sana.sy/x", "http://a.b/c"], ["سانا", None]) == [
        "سانا", "a.b"]
    given = ["a", "b"]
    assert site_names([None, None], given) is given  # every article has one: no copy


# ---------------------------------------------------------------------- the widget
def test_normalized_search_finds_a_title_with_harakat_and_tatweel():
    entries = Entries.from_columns(["h", "p"], ["إيـرانُ تُرَحِّبُ بالاتفاقِ", "خبر آخر"],
                                   [None, None], [None, None])
    widget = ArticleList(entries)
    assert widget.filtered("ايران ترحب", None, None, "corpus") == [0]
    assert widget.filtered("الاتفاق", None, None, "date_desc") == [0]


def test_extend_keeps_cursor_filter_search_and_sort_like_a_fresh_list():
    rng = random.Random(5)
    ids, titles, dates, sources = columns(200)
    summaries = summaries_for(ids + columns(400, start=200)[0])
    widget = ArticleList(Entries.from_columns(ids, titles, dates, sources,
                                              summaries=summaries))
    for round_ in range(12):
        widget.query = rng.choice(["", "بوت", "الأ", "قمة موسكو"])
        widget.status_filter = rng.choice([None, "new", "done"])
        widget.label_filter = rng.choice([None, None, "PERS"])
        widget.sort_by = rng.choice(SORT_ORDERS)
        if widget.shown:
            widget.cursor = rng.randrange(len(widget.shown))
        before = widget.current_id
        more = columns(rng.randint(1, 40), seed=round_ + 10, start=len(widget.entries))
        added = widget.extend_entries(*more, summaries=summaries)
        assert list(added) == list(range(len(widget.entries) - len(more[0]),
                                         len(widget.entries)))
        settings = (widget.query, widget.status_filter, widget.label_filter, widget.sort_by)
        assert shown_ids(widget) == fresh_shown(widget.entries, *settings), settings
        if before is not None:
            assert widget.current_id == before
        for aid in more[0]:
            found = summaries.get(aid)
            row = widget.entries.position(aid)
            assert widget.entries.statuses[row] == (found.status if found else "new")


def test_sorted_views_of_few_and_of_most_rows_match_the_plain_answer():
    # A match of under half the rows is sorted by rank, one of most rows is the order
    # with the others cut out, a match made from the last one's rows is picked out of the
    # order: all must be the plain answer, after growth too.
    ids, titles, dates, sources = columns(600, seed=4)
    summaries = summaries_for(ids)
    widget = ArticleList(Entries.from_columns(ids, titles, dates, sources,
                                              summaries=summaries))
    for sort in SORT_ORDERS:
        for query in ["ا", "ال", "الأ", "قمة", "قمة م", "", "ك"]:
            for status in [None, "new"]:
                got = [widget.entries.ids[i] for i in widget.filtered(query, status, None, sort)]
                assert got == fresh_shown(widget.entries, query, status, None, sort), (
                    sort, query, status)
        widget.extend_entries(*columns(50, seed=len(widget.entries), start=len(widget.entries)))


def test_extend_in_corpus_order_appends_without_touching_what_is_shown():
    ids, titles, dates, sources = columns(100)
    widget = ArticleList(Entries.from_columns(ids, titles, dates, sources))
    widget.query = "بوتين"
    first = list(widget.shown)
    widget.cursor = len(first) // 2
    chosen = widget.current_id
    more = columns(50, seed=9, start=100)
    widget.extend_entries(*more)
    assert widget.shown[:len(first)] == first
    assert all(i >= 100 for i in widget.shown[len(first):])
    assert widget.current_id == chosen
    # A search typed after the growth still sees every row (incremental search included).
    widget.query = "بوتين موسكو"
    assert shown_ids(widget) == fresh_shown(widget.entries, "بوتين موسكو", None, None, "corpus")


def test_update_rows_refilters_search_and_resorts_keeping_the_cursor():
    n = 120
    ids = [f"p{i:03d}" for i in range(n)]
    placeholder = [f"page-{i}.txt" for i in range(n)]  # file names first, titles later
    widget = ArticleList(Entries.from_columns(ids, placeholder, [None] * n, [None] * n))
    widget.sort_by = "date_desc"
    widget.query = "قمة"
    assert widget.shown == []
    _, titles, dates, sources = columns(n, seed=3)
    widget.update_rows(range(0, 60), titles[:60], dates[:60], sources[:60])
    assert shown_ids(widget) == fresh_shown(widget.entries, "قمة", None, None, "date_desc")
    widget.cursor = len(widget.shown) - 1
    chosen = widget.current_id
    widget.update_rows(range(60, n), titles[60:], dates[60:], sources[60:])
    assert shown_ids(widget) == fresh_shown(widget.entries, "قمة", None, None, "date_desc")
    assert widget.current_id == chosen
    # Only dates change: the order follows, the cursor stays on its article.
    widget.query = ""
    chosen = widget.current_id
    later = [f"2030-01-{i % 28 + 1:02d}" for i in range(0, n, 2)]
    widget.update_rows(range(0, n, 2), dates=later)
    assert shown_ids(widget) == fresh_shown(widget.entries, "", None, None, "date_desc")
    assert widget.current_id == chosen
    assert widget.entries.search_keys()[0] == normalize(titles[0])


def test_update_entry_moves_nothing_until_the_next_filter_change():
    ids, titles, dates, sources = columns(30)
    widget = ArticleList(Entries.from_columns(ids, titles, dates, sources))
    widget.sort_by = "status"
    shown = list(widget.shown)
    widget.update_entry("a00004", status="done", counts={"PERS": 1})
    assert widget.shown == shown
    assert widget.entries[4].status == "done" and widget.labels == ["PERS"]
    widget.status_filter = "done"
    assert shown_ids(widget) == ["a00004"]
    widget.update_entry("a00004", counts={})
    assert 4 not in widget.entries.counts


def test_set_entries_keeps_the_cursor_on_the_same_article():
    ids, titles, dates, sources = columns(80)
    widget = ArticleList(Entries.from_columns(ids, titles, dates, sources))
    widget.sort_by = "source"
    widget.cursor = 30
    chosen = widget.current_id
    # The final list: one article fewer, the rest in the same corpus order.
    keep = [i for i in range(80) if ids[i] != ids[3]]
    widget.set_entries(Entries.from_columns([ids[i] for i in keep], [titles[i] for i in keep],
                                            [dates[i] for i in keep],
                                            [sources[i] for i in keep]))
    assert widget.current_id == chosen
    assert shown_ids(widget) == fresh_shown(widget.entries, "", None, None, "source")


# ---------------------------------------------------------------------- mounted (Pilot)
class ListApp(App[None]):
    def __init__(self, entries: Entries) -> None:
        super().__init__()
        self.entries = entries
        self.announced: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(self.entries, id="list")

    def on_article_list_filter_changed(self, event: ArticleList.FilterChanged) -> None:
        self.announced.append((event.shown, event.total))


async def test_mounted_list_grows_under_a_search_and_a_date_sort():
    ids, titles, dates, sources = columns(400)
    app = ListApp(Entries.from_columns(ids, titles, dates, sources))
    async with app.run_test(size=(60, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.focus()
        widget.sort_by = "date_desc"
        widget.query = "الأسد"
        await pilot.pause()
        for _ in range(4):
            await pilot.press("j")
        await pilot.press("pagedown")
        chosen = widget.current_id
        line = widget.cursor * 2 - widget.scroll_offset.y
        count = len(widget.shown)
        for batch in range(3):
            start = len(widget.entries)
            widget.extend_entries(*columns(150, seed=20 + batch, start=start))
            # At once: new matches are shown (at the end until re-sorted), nothing moves.
            assert widget.current_id == chosen
            assert len(widget.shown) > count
            assert all(row >= start for row in widget.shown[count:])
            count = len(widget.shown)
            await pilot.pause()
        assert app.announced[-1] == (len(widget.shown), 850)
        await pilot.pause(RESORT_DELAY * 2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_ids(widget) == fresh_shown(widget.entries, "الأسد", None, None, "date_desc")
        assert widget.current_id == chosen
        assert widget.cursor * 2 - widget.scroll_offset.y == line  # same line of the view
        # Typing on: the search extends over the grown list.
        widget.query = "الأسد قمة"
        await pilot.pause()
        assert shown_ids(widget) == fresh_shown(widget.entries, "الأسد قمة", None, None,
                                                "date_desc")
        assert widget.show_vertical_scrollbar and not widget.show_horizontal_scrollbar


async def test_scrollbar_thumb_follows_big_moves_and_skips_invisible_ones():
    from textual.geometry import Region

    ids, titles, dates, sources = columns(3000)
    app = ListApp(Entries.from_columns(ids, titles, dates, sources))
    async with app.run_test(size=(60, 24)) as pilot:
        widget = app.query_one(ArticleList)
        widget.focus()
        await pilot.pause()
        bar = widget.vertical_scrollbar
        assert widget.show_vertical_scrollbar

        def lines() -> list[str]:
            crop = Region(0, 0, bar.size.width, bar.size.height)
            return [repr(list(strip)) for strip in bar.render_lines(crop)]

        top = lines()
        await pilot.press("pagedown")  # 11 of 3,000 rows: the thumb stays in its eighth
        assert lines() == top
        await pilot.press("end")
        await pilot.pause()
        bottom = lines()
        assert bottom != top
        await pilot.press("home")
        await pilot.pause()
        assert lines() == top

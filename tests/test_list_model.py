"""The article list's model without a screen (``tui.services.list_columns`` and
``tui.services.list_model``): column building, sort orders and their ranks, the byte masks
a search is worked out with, and ``ListModel``'s answers, checked against the plain way of
working them out (one normalize per title, one sort with tuple keys). No Textual: these
run in well under a second."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from store.arabic import normalize
from tui.services.list_model import (
    REMEMBERED,
    SORT_ORDERS,
    Entries,
    Entry,
    ListModel,
    Match,
    both,
    drop_rows,
    in_order,
    mask_of,
    rows_of,
    search_key,
    without,
)

WORDS = ["بوتين", "الأسد", "موسكو", "قمة", "إيران", "سوريا", "روسيا", "الكرملين", "مدرسة"]
SOURCES = ["سانا", "الجزيرة نت", None, "روسيا اليوم"]
STATUSES = ["new", "in_progress", "done", "skipped"]
STATUS_RANK = {"new": 0, "in_progress": 1, "done": 2, "skipped": 3}


@dataclass
class Summary:
    status: str = "new"
    labels: dict[str, int] = field(default_factory=dict)


def make_entries(n: int, seed: int = 1) -> Entries:
    """``n`` rows of random titles, dates (some missing), sources, statuses and counts."""
    rng = random.Random(seed)
    return Entries.from_entries(
        Entry(f"a{i:04d}", " ".join(rng.choice(WORDS) for _ in range(3)),
              rng.choice([None, f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]),
              rng.choice(SOURCES), rng.choice(STATUSES),
              rng.choice([{}, {}, {"PERS": 1}, {"GPE": 2}, {"PERS": 0}]))
        for i in range(n))


def plain_order(entries: Entries, sort: str) -> list[int]:
    rows = list(entries)
    index = range(len(rows))
    if sort in ("date_desc", "date_asc"):
        dated = sorted((i for i in index if rows[i].date), key=lambda i: rows[i].date or "",
                       reverse=sort == "date_desc")
        return dated + [i for i in index if not rows[i].date]
    if sort == "source":
        return sorted(index, key=lambda i: (rows[i].source is None, rows[i].source or "",
                                            rows[i].date or ""))
    if sort == "status":
        return sorted(index, key=lambda i: STATUS_RANK.get(rows[i].status, 9))
    return list(index)


def plain_shown(entries: Entries, query: str, status: str | None, label: str | None,
                sort: str) -> list[int]:
    key = normalize(query.strip())
    return [i for i in plain_order(entries, sort)
            if key in normalize(entries.titles[i])
            and (status is None or entries.statuses[i] == status)
            and (label is None or entries.counts.get(i, {}).get(label))]


# ---------------------------------------------------------------------- columns
def test_from_columns_takes_statuses_and_counts_only_for_summarized_rows():
    summaries = {"b": Summary("done", {"PERS": 2}), "c": Summary("new", {})}
    entries = Entries.from_columns(["a", "b", "c"], ["t1", "t2", "t3"], [None, "2020", None],
                                   ["s", None, "s"], summaries=summaries)
    assert entries.statuses == ["new", "done", "new"]
    assert entries.counts == {1: {"PERS": 2}}
    assert entries.keys is None  # made when a search first needs them
    assert entries.search_keys() == [normalize(t) for t in ("t1", "t2", "t3")]
    assert entries.position("c") == 2 and entries.position("zz") is None


def test_from_columns_stops_at_n_and_copies():
    ids, titles = ["a", "b", "c"], ["x", "y", "z"]
    entries = Entries.from_columns(ids, titles, [None] * 3, [None] * 3, n=2)
    ids.append("d")
    titles[0] = "changed"
    assert entries.ids == ["a", "b"] and entries.titles == ["x", "y"]


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        Entries(["a", "b"], ["only one title"])


def test_extend_appends_rows_and_keeps_made_keys_current():
    entries = Entries.from_columns(["a"], ["قمة"], [None], [None])
    entries.search_keys()
    added = entries.extend(["b", "c"], ["مُوسْكُو", "x"], ["2020", None], [None, "s"],
                           summaries={"c": Summary("skipped", {"GPE": 1})})
    assert added == range(1, 3)
    assert entries.keys == [normalize("قمة"), normalize("مُوسْكُو"), "x"]
    assert entries.statuses == ["new", "new", "skipped"] and entries.counts == {2: {"GPE": 1}}
    assert entries.position("c") == 2


def test_set_rows_reports_what_changed_and_renews_keys():
    entries = make_entries(10)
    entries.search_keys()
    changed, retitled = entries.set_rows([3, 1], titles=["موسكو", entries.titles[1]],
                                         dates=["1999-01-01", entries.dates[1]])
    assert changed == [3] and retitled == [3]
    assert entries.keys is not None and entries.keys[3] == normalize("موسكو")
    with pytest.raises(ValueError):
        entries.set_rows([1, 2], titles=["one"])


def test_update_changes_one_row_and_refuses_unknown_fields():
    entries = make_entries(5)
    assert entries.update(2, status="done", counts={"ORG": 1}) >= {"counts"}
    assert entries[2].status == "done" and entries[2].counts == {"ORG": 1}
    assert entries.update(2, counts={}) == {"counts"} and 2 not in entries.counts
    with pytest.raises(TypeError):
        entries.update(2, id="other")


def test_labels_are_those_with_a_positive_count():
    entries = Entries.from_entries([Entry("a", "t", counts={"PERS": 0}),
                                    Entry("b", "t", counts={"GPE": 1, "ORG": 2})])
    assert entries.labels() == ["GPE", "ORG"]


# ---------------------------------------------------------------------- sorts and ranks
@pytest.mark.parametrize("sort", SORT_ORDERS)
def test_every_sort_order_equals_the_plain_sort_and_its_rank_inverts_it(sort):
    entries = make_entries(300)
    order = entries.order(sort)
    assert order == plain_order(entries, sort)
    assert entries.order(sort) is order  # cached
    if sort != "corpus":
        rank = entries.rank(sort)
        assert rank is not None
        assert [rank[row] for row in order] == list(range(len(order)))


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError):
        make_entries(3).order("by mood")


def test_an_order_goes_stale_when_its_columns_change_and_partial_when_rows_are_added():
    entries = make_entries(50)
    entries.order("date_desc")
    entries.order("status")
    entries.update(0, date="1900-01-01")
    _, _, current = entries.cached_order("date_desc")
    assert not current and entries.rank("date_desc") is None
    assert entries.cached_order("status")[2]  # statuses did not change
    entries.extend(["new1"], ["t"], [None], [None])
    _rows, covered, current = entries.cached_order("status")
    assert covered == 50 and not current
    assert entries.order("date_desc") == plain_order(entries, "date_desc")
    assert entries.cached_order("corpus") is None  # never asked for


# ---------------------------------------------------------------------- masks
@pytest.mark.parametrize("density", [0.01, 0.5, 1.0])
def test_rows_of_and_mask_of_are_inverse(density):
    rng = random.Random(3)
    rows = sorted(i for i in range(2_000) if rng.random() < density)
    mask = mask_of(rows, 2_000)
    assert rows_of(mask) == rows
    assert rows_of(mask_of([15, 17], 10, start=10), start=10) == [15, 17]


def test_without_both_and_drop_rows():
    assert without([5, 3, 9, 1, 7], [0, 2, 4]) == [3, 1]
    assert without([5, 3], []) == [5, 3]
    assert both(b"\x01\x01\x00\x01", b"\x00\x01\x01\x01") == b"\x00\x01\x00\x01"
    assert drop_rows([4, 0, 2, 3], [0, 3], 5) == [4, 2]


def test_a_match_converts_between_rows_and_mask_and_grows():
    by_rows = Match("k", None, None, 6, 1, rows_=[1, 4])
    assert bytes(by_rows.mask) == b"\x00\x01\x00\x00\x01\x00"
    by_mask = Match("k", None, None, 6, 1, mask_=b"\x00\x01\x00\x00\x01\x00")
    assert by_mask.rows == [1, 4] and by_mask.count() == 2
    assert by_mask.excluded() == [0, 2, 3, 5]
    assert by_mask.tail(2) == [4] and by_rows.tail(2) == [4]
    grown = by_mask.grown([7], 8)
    assert grown.n == 8 and grown.rows == [1, 4, 7] and grown.epoch == 1
    every = Match("", None, None, 3, 2, every=True)
    assert every.rows == [0, 1, 2] and every.excluded() == [] and every.tail(1) == [1, 2]
    assert every.grown([9], 5).every  # nothing filters: still every row


def test_in_order_picks_the_matching_rows_out_of_a_longer_order():
    order = [3, 0, 5, 1, 4, 2]
    assert in_order(order, Match("k", None, None, 6, 1, rows_=[0, 2, 4])) == [0, 4, 2]
    # An order made after rows were added: rows past the match's ``n`` are left out.
    assert in_order(order, Match("", None, None, 4, 1, every=True)) == [3, 0, 1, 2]
    assert in_order(order, Match("k", None, None, 4, 1, rows_=[1, 3])) == [3, 1]


# ---------------------------------------------------------------------- the model
def test_search_key_normalizes_and_strips():
    assert search_key("  ") == ""
    assert search_key(" مُوسْـكو ") == normalize("مُوسْـكو")


def test_filtered_equals_the_plain_answer_for_random_settings():
    entries = make_entries(400)
    model = ListModel(entries)
    rng = random.Random(5)
    for _ in range(150):
        query = rng.choice(["", *WORDS, "ال", "و", "موسكو قمة"])[:rng.randint(1, 8)]
        status = rng.choice([None, *STATUSES])
        label = rng.choice([None, None, "PERS", "GPE"])
        sort = rng.choice(SORT_ORDERS)
        assert model.filtered(query, status, label, sort) == plain_shown(
            entries, query, status, label, sort), (query, status, label, sort)


def test_typing_and_backspacing_equal_fresh_answers_and_reuse_remembered_ones():
    entries = make_entries(600, seed=9)
    model = ListModel(entries)
    word = "الكرملين"
    typed = []
    for end in range(1, len(word) + 1):
        shown = model.filtered(word[:end], None, None, "date_asc")
        assert shown == ListModel(entries).filtered(word[:end], None, None, "date_asc")
        typed.append(shown)
    for end in range(len(word) - 1, 0, -1):  # backspacing: answered from memory
        assert model.filtered(word[:end], None, None, "date_asc") is typed[end - 1]


def test_remembered_answers_are_bounded():
    model = ListModel(make_entries(20))
    for i in range(REMEMBERED + 10):
        model.filtered(f"q{i}", None, None, "corpus")
    assert len(model.results) == REMEMBERED


@pytest.mark.parametrize("query", ["قمة", "ا"])  # few rows pass / most rows pass
def test_display_by_rank_and_by_cutting_the_order_agree_with_a_walk(query):
    entries = make_entries(500, seed=11)
    model = ListModel(entries)
    for sort in SORT_ORDERS:
        entries.order(sort)
        entries.rank(sort)
        match = model.match(search_key(query), None, None, sort)
        assert model.display(match, sort) == in_order(entries.order(sort), match)
        assert model.display(match, sort) == plain_shown(entries, query, None, None, sort)


def test_a_stale_order_is_used_with_new_rows_at_its_end_only_if_the_resort_is_deferred():
    entries = make_entries(30)
    asked: list[bool] = []
    deferring = ListModel(entries, defer_sort=lambda: asked.append(True) or True)
    stale = list(entries.order("date_desc"))
    entries.extend(["late"], ["موسكو"], ["2999-01-01"], [None])
    assert deferring.order_now("date_desc") == [*stale, 30] and asked == [True]
    exact = ListModel(entries)  # no one to re-sort later: sorted now
    assert exact.order_now("date_desc")[0] == 30


def test_grown_rows_extend_the_last_match():
    entries = make_entries(100, seed=4)
    model = ListModel(entries)
    model.filtered("موسكو", None, None, "corpus")
    added = entries.extend(["n1", "n2"], ["موسكو اليوم", "لا شيء"], [None, None], [None, None])
    key = search_key("موسكو")
    assert model.grown(added, key, None, None) == [100]
    assert model.is_last(key, None, None)
    assert model.filtered("موسكو", None, None, "corpus") == plain_shown(
        entries, "موسكو", None, None, "corpus")
    every = model.grown(entries.extend(["n3"], ["x"], [None], [None]), "", None, None)
    assert every == [102] and model.last is None  # the last match was for another search


def test_retitled_rows_come_in_and_go_out_of_the_search():
    entries = make_entries(50, seed=6)
    model = ListModel(entries)
    key = search_key("قمة")
    before = model.filtered("قمة", None, None, "corpus")
    out = before[0]
    into = next(i for i in range(50) if i not in before)
    entries.set_rows([min(out, into), max(out, into)],
                     titles=["قمة" if r == into else "خبر" for r in sorted((out, into))])
    added, removed = model.retitled(sorted((out, into)), key, None, None)
    assert added == [into] and removed == [out]
    assert model.last is not None and model.last.rows == sorted(set(before) - {out} | {into})
    assert model.retitled([0], search_key("غيره"), None, None) is None  # not the last search


def test_a_scope_limits_every_answer_and_grows_with_the_rows():
    """An annotator's own queue (a set of ids) under every search, filter and sort: the
    plain answer restricted to the scope; rows appended later are in it by id."""
    entries = make_entries(400, seed=3)
    rng = random.Random(8)
    scope = {f"a{i:04d}" for i in range(400) if rng.random() < 0.3}
    model = ListModel(entries)
    model.filtered("", None, None, "corpus")  # an answer from before the scope
    model.set_scope(scope)
    for _ in range(120):
        query = rng.choice(["", *WORDS, "ال"])[:rng.randint(1, 8)]
        status = rng.choice([None, *STATUSES])
        label = rng.choice([None, None, "PERS", "GPE"])
        sort = rng.choice(SORT_ORDERS)
        expected = [i for i in plain_shown(entries, query, status, label, sort)
                    if entries.ids[i] in scope]
        assert model.filtered(query, status, label, sort) == expected, (query, status, sort)
    assert model.filtered("", None, None, "corpus") == sorted(
        i for i in range(400) if entries.ids[i] in scope)
    scope.add("late-in")  # the scope is the live queue: ids not listed yet may come later
    added = entries.extend(["late-in", "late-out"], ["قمة", "قمة"], [None, None], [None, None])
    assert model.grown(added, "", None, None) == [400]
    model.set_scope(None)
    assert model.filtered("", None, None, "corpus") == list(range(402))


def test_reset_forgets_answers_and_never_reuses_an_epoch():
    model = ListModel(make_entries(10))
    first = model.match("", "done", None, "corpus")
    model.reset([Entry("x", "t")])
    assert model.last is None and not model.results and len(model.entries) == 1
    assert model.match("", "done", None, "corpus").epoch > first.epoch


def test_the_model_imports_no_textual():
    code = ("import sys, tui.services.list_model; "
            "sys.exit(any(m == 'textual' or m.startswith(('textual.', 'rich')) "
            "for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0

"""Which of the article list's rows are shown, and in what order: search and filter masks,
incremental search, remembered answers, and display order from the sort ranks.

Search matches Arabic-normalized titles (harakat, tatweel and letter variants ignored); a
status filter, a label filter (articles with at least one accepted span of that label) and
a sort order (corpus, date, source, status) change which rows are shown and in what order,
never the rows themselves (``Entries``, in ``tui.services.list_columns``, re-exported here).

At 100,000 articles every keystroke of a search must answer within 50 ms, so: search keys
come from the corpus index, or are normalized in one pass over all titles when a search
first needs them (not at startup); which rows match is worked out in corpus order, walking
the columns front to back in C (walking them in a sorted order costs several times as much
here: every row is a cache miss), and only then put in display order: up to half the rows
by their rank in the order, more as the order with the others cut out; a query that
extends the previous one filters only the rows the previous one kept (when they are few),
and recent answers are remembered so that backspacing costs nothing.

A *scope* (``ListModel.set_scope``: a set of article ids, an annotator's own queue in a
team store) limits every answer to its rows, under whatever search, filters and sort.

``ListModel`` keeps that state (the last match, recent answers) for one ``Entries``; the
widget (``tui.widgets.article_list``) owns one and asks it what to show. No Textual here,
so the model is tested and benchmarked without a screen.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import compress, islice, repeat

from store.arabic import normalize
from tui.services.list_columns import (
    SORT_NAMES,
    SORT_ORDERS,
    STATUS_FILTERS,
    STATUS_MARKS,
    STATUS_NAMES,
    Entries,
    Entry,
    as_entries,
    normalize_titles,
    site_names,
)

__all__ = [
    "SORT_NAMES", "SORT_ORDERS", "STATUS_FILTERS", "STATUS_MARKS", "STATUS_NAMES",
    "Entries", "Entry", "ListModel", "Match", "as_entries", "both", "in_order", "mask_of",
    "normalize_titles", "rows_of", "search_key", "site_names", "without",
]

# How many answers (by search key, status, label and sort) are remembered.
REMEMBERED = 64

# (search key, status filter, label filter, sort order): what one answer is for.
Settings = tuple[str, str | None, str | None, str]

_FLIP = bytes([1, 0]) + bytes(254)  # translate table: 0/1 mask → its complement


def search_key(query: str) -> str:
    """What a title's search key must contain for ``query`` ("" when there is no search):
    the query normalized as the titles are."""
    query = query.strip()
    return normalize(query) if query else ""


# ---------------------------------------------------------------------- masks and rows
def rows_of(mask: bytes | bytearray, start: int = 0) -> list[int]:
    """The indexes of the set bytes of ``mask``, plus ``start``, ascending."""
    if mask.count(1) * 16 < len(mask):  # few: jump from one to the next, in C
        rows, find = [], mask.find
        i = find(1)
        while i >= 0:
            rows.append(start + i)
            i = find(1, i + 1)
        return rows
    return list(compress(range(start, start + len(mask)), mask))


def mask_of(rows: Iterable[int], size: int, start: int = 0) -> bytearray:
    """A byte per row from ``start`` to ``start + size``: 1 for ``rows``."""
    mask = bytearray(size)
    deque(map(mask.__setitem__, map((-start).__add__, rows) if start else rows, repeat(1)),
          maxlen=0)
    return mask


def without(order: list[int], positions: list[int]) -> list[int]:
    """``order`` without the items at ``positions`` (ascending): slices copied in C."""
    out: list[int] = []
    previous = 0
    for position in positions:
        if position > previous:
            out += order[previous:position]
        previous = position + 1
    out += order[previous:]
    return out


def both(a: bytes | bytearray, b: bytes | bytearray) -> bytes:
    """Bytewise AND of two 0/1 masks of one length (as big integers: one C operation)."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


def drop_rows(shown: list[int], rows: Iterable[int], size: int) -> list[int]:
    """``shown`` (rows below ``size``, in any order) without ``rows``, order kept."""
    gone = mask_of(rows, size)
    return list(compress(shown, map(operator.not_, map(gone.__getitem__, shown))))


@dataclass(slots=True, eq=False)
class Match:
    """Which of the first ``n`` rows pass a filter: ``every`` one, or those in ``rows_``
    (ascending) and ``mask_`` (a byte per row, 1 = passes). A search over all rows makes
    whichever the view needs (a sorted view: the mask; corpus order: the rows); the other
    is made from it when first needed. ``epoch`` is kept while rows are only appended,
    renewed on any other change: a re-sort made from one match can be used with a later
    one of the same epoch."""

    key: str
    status: str | None
    label: str | None
    n: int
    epoch: int
    every: bool = False
    rows_: list[int] | None = None
    mask_: bytes | bytearray | None = None

    @property
    def rows(self) -> list[int]:
        if self.every:
            return list(range(self.n))
        if self.rows_ is None:
            self.rows_ = rows_of(self.mask_ or b"")
        return self.rows_

    @property
    def mask(self) -> bytes | bytearray:
        if self.every:
            return b"\x01" * self.n
        if self.mask_ is None:
            self.mask_ = mask_of(self.rows_ or (), self.n)
        return self.mask_

    def count(self) -> int:
        if self.every:
            return self.n
        return len(self.rows_) if self.rows_ is not None else (self.mask_ or b"").count(1)

    def grown(self, new_rows: list[int] | None, stop: int) -> Match:
        """This match with rows ``n`` to ``stop`` appended (``new_rows``: those of them
        that pass; None: no filter)."""
        if self.every or new_rows is None:
            return Match(self.key, self.status, self.label, stop, self.epoch, every=True)
        rows = self.rows_ + new_rows if self.rows_ is not None else None
        mask = (bytes(self.mask_) + mask_of(new_rows, stop - self.n, self.n)
                if self.mask_ is not None else None)
        return Match(self.key, self.status, self.label, stop, self.epoch, False, rows, mask)

    def excluded(self) -> list[int]:
        """The rows that do not pass, ascending."""
        return [] if self.every else rows_of(self.mask.translate(_FLIP))

    def tail(self, start: int) -> list[int]:
        """Passing rows from ``start`` on."""
        if self.every:
            return list(range(start, self.n))
        if self.rows_ is not None:
            return self.rows_[bisect_left(self.rows_, start):]
        return rows_of((self.mask_ or b"")[start:], start)


def in_order(order: list[int], match: Match) -> list[int]:
    """The rows of ``match`` in the order of ``order`` (a permutation of at least
    ``match.n`` rows): one walk of the order against a byte mask, in C."""
    n = match.n
    if match.every:
        return order if len(order) == n else list(compress(order, map(n.__gt__, order)))
    if match.rows_ is not None and len(match.rows_) == len(order):
        return order
    mask = match.mask
    if len(mask) < len(order):
        mask = bytes(mask) + bytes(len(order) - len(mask))
    return list(compress(order, map(mask.__getitem__, order)))


# ---------------------------------------------------------------------- the model
class ListModel:
    """What the list shows for given settings, over one ``Entries``, with what makes the
    next keystroke cheap: the last match (``last``, for a query that extends it and for
    rows appended) and recent answers (``results``, for backspacing).

    ``defer_sort`` is asked when a sort order is stale (rows arrived or changed since it
    was made): if it returns True, the caller re-sorts later (the widget, in a worker
    thread) and the stale order is used meanwhile, newer rows at its end; otherwise (the
    default, and for a list not on screen) the rows are sorted at once.
    """

    def __init__(self, entries: Entries | Iterable[Entry] | None = None,
                 defer_sort: Callable[[], bool] | None = None) -> None:
        self.entries: Entries = as_entries(entries)
        self.defer_sort = defer_sort
        self.epoch = 0
        self.last: Match | None = None
        self.results: dict[Settings, tuple[Match, list[int]]] = {}
        # Only these article ids are ever shown (None: all); a byte per row, made lazily.
        self.scope: AbstractSet[str] | None = None
        self._scope_mask: bytes | None = None

    def set_scope(self, ids: AbstractSet[str] | None) -> None:
        """Show only the rows of these article ids from now on (None: every row)."""
        self.scope = ids
        self._scope_mask = None
        self.epoch += 1
        self.forget()

    def scope_mask(self) -> bytes | None:
        """A byte per row, 1 for rows in the scope (None: no scope); rows appended since
        the last call are added to it."""
        if self.scope is None:
            return None
        n = len(self.entries)
        mask = self._scope_mask or b""
        if len(mask) < n:
            mask += bytes(map(self.scope.__contains__, islice(self.entries.ids, len(mask), n)))
            self._scope_mask = mask
        return mask[:n] if len(mask) > n else mask

    def reset(self, entries: Entries | Iterable[Entry]) -> None:
        """Answer for other entries from now on. The epoch goes on counting, so that a
        match made for the old entries is never taken for one of the new."""
        self.entries = as_entries(entries)
        self._scope_mask = None
        self.epoch += 1
        self.forget()

    def forget(self) -> None:
        """Drop the last match and the remembered answers: rows changed in a way no
        increment follows (a status or a label count)."""
        self.last = None
        self.results.clear()

    def is_last(self, key: str, status: str | None, label: str | None) -> bool:
        """Whether ``last`` is the match of these filters over all the current rows."""
        last = self.last
        return (last is not None and (last.key, last.status, last.label) == (key, status, label)
                and last.n == len(self.entries))

    # ------------------------------------------------------------------ answering
    def filtered(self, query: str, status: str | None, label: str | None, sort: str
                 ) -> list[int]:
        """Entry indexes shown for these settings, in display order."""
        key = search_key(query)
        remembered = self.results.get((key, status, label, sort))
        if remembered is not None:
            self.last, shown = remembered
            return shown
        match = self.match(key, status, label, sort)
        shown = self.display(match, sort)
        if len(self.results) >= REMEMBERED:
            self.results.pop(next(iter(self.results)))
        self.results[(key, status, label, sort)] = (match, shown)
        return shown

    def current_match(self, key: str, status: str | None, label: str | None, sort: str
                      ) -> Match:
        """The match of these settings: the last one if it still holds, else made now."""
        if self.is_last(key, status, label):
            assert self.last is not None
            return self.last
        return self.match(key, status, label, sort)

    def match(self, key: str, status: str | None, label: str | None, sort: str) -> Match:
        """Rows passing these filters (``key`` already normalized); becomes ``last``."""
        entries = self.entries
        n = len(entries)
        last = self.last
        self.epoch += 1
        if (last is not None and key and last.key and last.key in key and last.n == n
                and (last.status, last.label) == (status, label) and not last.every
                and (last.rows_ is not None or last.count() * 4 <= n)):
            # The query grew: only what the last one kept can match.
            match = Match(key, status, label, n, self.epoch,
                          rows_=self.with_key(last.rows, key))
        elif not key and status is None and label is None and self.scope is None:
            match = Match(key, status, label, n, self.epoch, every=True)
        elif label is None and (sort != "corpus" or (not key and status is None)):
            # A sorted view wants a mask: one pass in corpus order per filter, in C.
            mask: bytes | None = self.scope_mask()
            if status is not None:
                found = bytes(map(operator.eq, entries.statuses, repeat(status)))
                mask = found if mask is None else both(mask, found)
            if key:
                found = bytes(map(operator.contains, entries.search_keys(), repeat(key)))
                mask = found if mask is None else both(mask, found)
            match = Match(key, status, label, n, self.epoch, mask_=mask)
        else:
            match = Match(key, status, label, n, self.epoch,
                          rows_=self.matching(key, status, label, None))
        self.last = match
        return match

    def matching(self, key: str, status: str | None, label: str | None,
                 candidates: Iterable[int] | None, start: int = 0, stop: int | None = None
                 ) -> list[int] | None:
        """The rows among ``candidates`` (ascending; None: rows ``start`` to ``stop``)
        that pass; None when nothing filters (every row passes)."""
        scope = self.scope_mask()
        if not key and status is None and label is None and scope is None:
            return None if candidates is None else list(candidates)
        entries = self.entries
        stop = len(entries) if stop is None else stop
        rows = None if candidates is None else list(candidates)
        if scope is not None:  # the scope first: usually the smallest share
            rows = (rows_of(scope[start:stop], start) if rows is None
                    else list(compress(rows, map(scope.__getitem__, rows))))
        if label is not None:  # counts are sparse: start from them
            labelled = [i for i, c in entries.counts.items() if c.get(label)]
            if rows is None:
                rows = sorted(i for i in labelled if start <= i < stop)
            else:
                has = set(labelled)
                rows = list(compress(rows, map(has.__contains__, rows)))
        if status is not None:
            statuses = entries.statuses
            if rows is None:
                rows = list(compress(range(start, stop), map(
                    operator.eq, islice(statuses, start, stop), repeat(status))))
            else:
                rows = list(compress(rows, map(
                    operator.eq, map(statuses.__getitem__, rows), repeat(status))))
        if key:
            if rows is None:
                keys = entries.search_keys()
                rows = list(compress(range(start, stop), map(
                    operator.contains, islice(keys, start, stop), repeat(key))))
            else:
                rows = self.with_key(rows, key)
        return rows

    def with_key(self, rows: list[int], key: str) -> list[int]:
        """Those of ``rows`` whose title's search key contains ``key``, order kept."""
        keys = self.entries.search_keys()
        return list(compress(rows, map(operator.contains, map(keys.__getitem__, rows),
                                       repeat(key))))

    def display(self, match: Match, sort: str) -> list[int]:
        """The matching rows in display order: up to half of them are sorted by their
        rank in the order (30,000 of 100,000: 7 ms here); more are picked out of the order
        in one walk (20 ms)."""
        if sort == "corpus":
            return match.rows
        order = self.order_now(sort)
        if not match.every:
            cached = self.entries.cached_order(sort)
            rank = self.entries.rank(sort) if cached is not None and cached[0] is order else None
            if rank is not None:
                if match.count() * 2 < len(order):
                    return sorted(match.rows, key=rank.__getitem__)
                # Most rows pass: cut the few that do not out of the order.
                return without(order, sorted(map(rank.__getitem__, match.excluded())))
        return in_order(order, match)

    def order_now(self, sort: str) -> list[int]:
        """Every row in ``sort`` order, at once: while rows arrive or change, the last
        permutation made with newer rows at its end, if ``defer_sort`` takes the re-sort
        on; else (or when nothing was sorted yet) sorted now, exactly."""
        entries = self.entries
        cached = entries.cached_order(sort)
        if cached is None:
            return entries.order(sort)
        rows, covered, current = cached
        if current:
            return rows
        if self.defer_sort is None or not self.defer_sort():
            return entries.order(sort)
        n = len(entries)
        return rows + list(range(covered, n)) if covered < n else rows

    # ------------------------------------------------------------------ changes
    def grown(self, added: range, key: str, status: str | None, label: str | None
              ) -> list[int]:
        """Rows ``added`` were appended to the entries: those of them that pass these
        filters (ascending), the last match extended to them when it was for these."""
        self.results.clear()
        new_rows = self.matching(key, status, label, None, added.start, added.stop)
        last = self.last
        if (last is not None and (last.key, last.status, last.label) == (key, status, label)
                and last.n == added.start):
            self.last = last.grown(new_rows, added.stop)
        else:
            self.last = None
        return list(added) if new_rows is None else new_rows

    def retitled(self, rows: list[int], key: str, status: str | None, label: str | None
                 ) -> tuple[list[int], list[int]] | None:
        """The titles of ``rows`` (ascending) changed while searching for ``key``: (rows
        that match now and did not, rows that matched and no longer do), ``last`` updated
        to match. None when ``last`` is not the match of these filters: then nothing
        short of filtering afresh tells what is shown."""
        self.results.clear()
        if not self.is_last(key, status, label):
            self.last = None
            return None
        last = self.last
        assert last is not None
        before = last.mask
        now = set(self.matching(key, status, label, rows) or ())
        added = [row for row in rows if row in now and not before[row]]
        removed = [row for row in rows if before[row] and row not in now]
        if added or removed:
            mask = bytearray(before)
            for row in added:
                mask[row] = 1
            for row in removed:
                mask[row] = 0
            self.epoch += 1
            self.last = Match(key, status, label, last.n, self.epoch, mask_=mask)
        return added, removed

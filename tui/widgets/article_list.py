"""The article list: two rows per article (shaped title; status · date · source), virtualised.

Built on the Line API like the reader, so only visible rows are drawn however long the
corpus is; titles go through the same layout engine as the article text. Search matches
Arabic-normalized titles (harakat, tatweel and letter variants ignored); a status filter, a
label filter (articles with at least one accepted span of that label) and a sort order
(corpus, date, source, status) change which entries are shown and in what order, never the
entries themselves.

The entries are columns (``Entries``: one list per field, label counts only for annotated
articles), not one object per article: 100,000 articles are a handful of lists, built in a
few ms from the corpus index, and the garbage collector has almost nothing to scan.
``Entry`` is a snapshot of one row, for callers and tests.

At 100,000 articles every keystroke of a search must answer within 50 ms, so: search keys
come from the corpus index, or are normalized in one pass over all titles when a search
first needs them (not at startup); which rows match is worked out in corpus order, walking
the columns front to back in C (walking them in a sorted order costs several times as much
here: every row is a cache miss), and only then put in display order: up to half the rows
by their rank in the order, more as the order with the others cut out; each sort order and
its ranks are computed once, in a thread after start-up; a query that extends the previous
one filters only the rows the previous one kept (when they are few), and recent answers
are remembered so that backspacing costs nothing.

The list can grow while the corpus is still being indexed (``extend_entries``) and rows can
be corrected in place (``update_rows``), on the UI thread, at a cost proportional to the
batch, not to the list: new matching rows are appended to what is shown; in a sorted view
they wait at the end, in corpus order, until a re-sort in a worker thread (at most every
``RESORT_DELAY`` seconds) puts them in place. The cursor stays on its article throughout,
and at the same height in the view.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from math import ceil
from typing import Any, overload

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from store.arabic import normalize, normalize_many
from store.corpus import site_name
from tui.rtl.layout import BaseDirection, article_direction, layout_paragraph
from tui.rtl.visual_text import visual_line

ROWS_PER_ENTRY = 2

STATUS_MARKS = {"new": "·", "in_progress": "◐", "done": "✓", "skipped": "↷", "damaged": "✗"}
STATUS_NAMES = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped",
                "damaged": "damaged"}  # damaged: the store file is unreadable (app-crash)
STATUS_FILTERS: tuple[str | None, ...] = (None, "new", "in_progress", "done", "skipped")


SORT_ORDERS: tuple[str, ...] = ("corpus", "date_desc", "date_asc", "source", "status")
SORT_NAMES = {"corpus": "corpus order", "date_desc": "date ↓ (newest)",
              "date_asc": "date ↑ (oldest)", "source": "source", "status": "status"}
_STATUS_RANK = {"new": 0, "in_progress": 1, "done": 2, "skipped": 3}
# The columns each sort order reads: a change in one of them makes that order stale.
_SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "corpus": (), "date_desc": ("dates",), "date_asc": ("dates",),
    "source": ("sources", "dates"), "status": ("statuses",),
}
_FIELDS = {"title": "titles", "date": "dates", "source": "sources", "status": "statuses"}
_REMEMBERED = 64
# Seconds after mounting before the sort orders are computed in a thread.
WARM_DELAY = 0.5
# Idle seconds after a repaint before the neighbouring pages are drawn ahead, and how many
# strips are drawn per turn of the event loop meanwhile.
DRAW_AHEAD_DELAY = 0.05
DRAW_AHEAD_SLICE = 6
# Seconds a sorted view waits before re-sorting rows that arrived (or changed) meanwhile:
# batches that come faster are sorted together.
RESORT_DELAY = 0.25


@dataclass(slots=True)
class Entry:
    """One article as the list knows it: enough to draw and filter, not its text.

    ``Entries[i]`` makes one as a snapshot: changing it does not change the list (use
    ``ArticleList.update_entry``). ``counts`` is accepted spans per label (for the label
    filter). ``key``, the normalized title, is computed on first use.
    """

    id: str
    title: str
    date: str | None = None
    source: str | None = None
    status: str = "new"
    counts: dict[str, int] = field(default_factory=dict)
    _key: str | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = normalize(self.title)
        return self._key

    # What the list shows as the source: ``source``, else the site of ``url`` (the corpus
    # index stores it per article; this is for articles read without one).
    source_of = staticmethod(site_name)


def site_names(urls: Sequence[str | None], sources: Sequence[str | None]) -> list[str | None]:
    """``Entry.source_of`` for whole columns; ``sources`` itself (as a list) when every
    article has one, which is a single pass in C."""
    if all(sources):
        return sources if isinstance(sources, list) else list(sources)
    return list(map(Entry.source_of, urls, sources))


# Search keys of many titles in one pass (the corpus index makes them the same way).
normalize_titles = normalize_many


def _cut(column: Sequence[Any], n: int) -> list[Any]:
    """The first ``n`` cells of ``column`` as a new list (the caller may keep its own)."""
    return column[:n] if isinstance(column, list) else list(islice(column, n))


class Entries(Sequence[Entry]):
    """The list's articles as columns: ``ids``, ``titles``, ``dates``, ``sources``,
    ``statuses`` (plain lists, one cell per article, in corpus order), ``counts`` (accepted
    spans per label, only for rows that have some: ``{row: {label: n}}``) and ``keys``
    (normalized titles for search, or None until a search first needs them; then made in
    one pass). Rows are addressed by their index; ``position(id)`` finds one by article id
    (the id → row map is built on first use and extended as rows are added).

    Reading is safe from any thread; changes (``extend``, ``set_rows``, ``update``) are
    made on one thread (the UI's). Sort permutations (``order``) are cached with the number
    of rows and the version of the columns they were made from, so one computed in a
    thread while rows are added or changed is recognised as partial or stale, never
    mistaken for the current one.
    """

    def __init__(self, ids: list[str] | None = None, titles: list[str] | None = None,
                 dates: list[str | None] | None = None, sources: list[str | None] | None = None,
                 statuses: list[str] | None = None, counts: dict[int, dict[str, int]] | None = None,
                 keys: list[str] | None = None) -> None:
        """Takes the lists given as its own columns (no copy): see ``from_columns`` for
        columns that their owner keeps using."""
        self.ids: list[str] = ids if ids is not None else []
        n = len(self.ids)
        self.titles: list[str] = titles if titles is not None else [""] * n
        self.dates: list[str | None] = dates if dates is not None else [None] * n
        self.sources: list[str | None] = sources if sources is not None else [None] * n
        self.statuses: list[str] = statuses if statuses is not None else ["new"] * n
        self.counts: dict[int, dict[str, int]] = counts if counts is not None else {}
        self.keys: list[str] | None = keys
        columns = [self.titles, self.dates, self.sources, self.statuses]
        if keys is not None:
            columns.append(keys)
        if any(len(column) != n for column in columns):
            raise ValueError("Entries columns differ in length")
        self._positions: dict[str, int] = {}
        self._positioned = 0  # rows [0, _positioned) are in _positions
        # sort -> (rows in that order, number of rows sorted, column versions used)
        self._orders: dict[str, tuple[list[int], int, tuple[int, ...]]] = {}
        # sort -> (the order list it inverts, position of each row in it)
        self._ranks: dict[str, tuple[list[int], array[int]]] = {}
        self._versions = {"dates": 0, "sources": 0, "statuses": 0}

    # ------------------------------------------------------------------ building
    @classmethod
    def from_columns(cls, ids: Sequence[str], titles: Sequence[str],
                     dates: Sequence[str | None], sources: Sequence[str | None],
                     keys: Sequence[str] | None = None,
                     summaries: Mapping[str, Any] | None = None, *, n: int | None = None
                     ) -> Entries:
        """Entries for the first ``n`` rows of these columns (default: as many rows as the
        shortest column has), copied: the caller may keep appending to its lists, from
        another thread too. ``sources`` are what the list shows (see ``site_names``).
        ``summaries`` maps article id → an object with ``.status`` and ``.labels``
        (``StoreSummary.articles``); only annotated articles need be in it, the others are
        "new" with no counts. 100,000 rows: a few ms (copies and one pass in C)."""
        if n is None:
            n = min(len(ids), len(titles), len(dates), len(sources),
                    len(keys) if keys is not None else len(ids))
        id_list = _cut(ids, n)
        statuses = ["new"] * n
        entries = cls(id_list, _cut(titles, n), _cut(dates, n), _cut(sources, n), statuses, {},
                      _cut(keys, n) if keys is not None else None)
        if summaries:
            entries._summarize(id_list, statuses, 0, summaries)
        return entries

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> Entries:
        rows = list(entries)
        keys = [e._key for e in rows]
        return cls([e.id for e in rows], [e.title for e in rows], [e.date for e in rows],
                   [e.source for e in rows], [e.status for e in rows],
                   {i: dict(e.counts) for i, e in enumerate(rows) if e.counts},
                   keys if all(k is not None for k in keys) else None)  # type: ignore[arg-type]

    def _summarize(self, ids: list[str], statuses: list[str], offset: int,
                   summaries: Mapping[str, Any]) -> None:
        """Statuses and counts of the annotated articles among ``ids`` (rows ``offset``…):
        the rows are found in one pass in C, then only they are visited (100,000 articles,
        5,000 of them annotated: ~20 ms here; a loop over all rows took ten times that)."""
        counts = self.counts
        for j in compress(range(len(ids)), map(summaries.__contains__, ids)):
            found = summaries[ids[j]]
            if found.status != "new":
                statuses[j] = str(found.status)
            if found.labels:
                counts[offset + j] = dict(found.labels)

    def extend(self, ids: Sequence[str], titles: Sequence[str], dates: Sequence[str | None],
               sources: Sequence[str | None], keys: Sequence[str] | None = None, *,
               summaries: Mapping[str, Any] | None = None, n: int | None = None) -> range:
        """Append rows (copied, as ``from_columns``); returns their indexes. Search keys,
        if already made, are extended (from ``keys`` or by normalizing the new titles)."""
        if n is None:
            n = min(len(ids), len(titles), len(dates), len(sources),
                    len(keys) if keys is not None else len(ids))
        start = len(self.ids)
        new_ids = _cut(ids, n)
        statuses = ["new"] * n
        if summaries:
            self._summarize(new_ids, statuses, start, summaries)
        new_titles = _cut(titles, n)
        self.titles.extend(new_titles)
        self.dates.extend(_cut(dates, n))
        self.sources.extend(_cut(sources, n))
        self.statuses.extend(statuses)
        if self.keys is not None:
            self.keys.extend(_cut(keys, n) if keys is not None else normalize_titles(new_titles))
        # Ids last: a thread that reads len(ids) first never sees a row without its cells.
        self.ids.extend(new_ids)
        return range(start, start + n)

    # ------------------------------------------------------------------ changing
    def set_rows(self, indexes: Iterable[int], titles: Sequence[str] | None = None,
                 dates: Sequence[str | None] | None = None,
                 sources: Sequence[str | None] | None = None,
                 keys: Sequence[str] | None = None) -> tuple[list[int], list[int]]:
        """Change metadata of existing rows (a None column is left as it is). Returns (rows
        that changed, rows whose title changed), each ascending. Compares and writes in C
        (5,000 rows: ~2 ms)."""
        indexes = list(indexes)
        changed: set[int] = set()
        retitled: list[int] = []
        for name, values in (("titles", titles), ("dates", dates), ("sources", sources)):
            if values is None:
                continue
            values = list(values)
            if len(values) != len(indexes):
                raise ValueError(f"{len(indexes)} rows but {len(values)} {name}")
            column = getattr(self, name)
            differ = list(map(operator.ne, map(column.__getitem__, indexes), values))
            if not any(differ):
                continue
            rows = list(compress(indexes, differ))
            deque(map(column.__setitem__, rows, compress(values, differ)), maxlen=0)
            changed.update(rows)
            if name == "titles":
                retitled = sorted(rows)
                if self.keys is not None:
                    new_keys = (list(compress(keys, differ)) if keys is not None
                                else normalize_titles(list(compress(values, differ))))
                    deque(map(self.keys.__setitem__, rows, new_keys), maxlen=0)
            elif name in self._versions:
                self._versions[name] += 1  # after the change: see ``order``
        return sorted(changed), retitled

    def update(self, index: int, **changes: Any) -> set[str]:
        """Change fields of one row (``title``, ``date``, ``source``, ``status``,
        ``counts``); returns the names of those that changed."""
        changed: set[str] = set()
        for name, value in changes.items():
            if name == "counts":
                value = dict(value or {})
                if value != self.counts.get(index, {}):
                    if value:
                        self.counts[index] = value
                    else:
                        self.counts.pop(index, None)
                    changed.add(name)
                continue
            column_name = _FIELDS.get(name)
            if column_name is None:
                raise TypeError(f"an entry has no field {name!r} that can change")
            column = getattr(self, column_name)
            if column[index] != value:
                column[index] = value
                changed.add(name)
                if column_name in self._versions:
                    self._versions[column_name] += 1
                if name == "title" and self.keys is not None:
                    self.keys[index] = normalize(value or "")
        return changed

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        counts = self.counts.get(index)
        keys = self.keys
        return Entry(self.ids[index], self.titles[index], self.dates[index],
                     self.sources[index], self.statuses[index],
                     dict(counts) if counts else {}, keys[index] if keys is not None else None)

    def __iter__(self) -> Iterator[Entry]:
        for i in range(len(self.ids)):
            yield self[i]

    def position(self, article_id: str) -> int | None:
        """The row of ``article_id`` (the last one if an id repeats), or None."""
        n = len(self.ids)
        if self._positioned < n:
            start = self._positioned
            self._positions.update(zip(self.ids[start:n], range(start, n), strict=True))
            self._positioned = n
        return self._positions.get(article_id)

    def search_keys(self) -> list[str]:
        """Normalized titles, made in one pass over all of them the first time a search
        runs (from the corpus index they come ready)."""
        if self.keys is None:
            self.keys = normalize_titles(self.titles)
        return self.keys

    def labels(self) -> list[str]:
        """Labels with at least one accepted span in some article."""
        found: set[str] = set()
        for counts in self.counts.values():
            found.update(label for label, n in counts.items() if n)
        return sorted(found)

    # ------------------------------------------------------------------ sorting
    def _stamp(self, sort: str) -> tuple[int, ...]:
        return tuple(self._versions[name] for name in _SORT_COLUMNS[sort])

    def order(self, sort: str) -> list[int]:
        """All rows in ``sort`` order (stable: ties keep corpus order), sorted now if the
        cached permutation is missing, partial or stale. Safe in a worker thread."""
        n = len(self.ids)
        stamp = self._stamp(sort)  # read before the columns: a later change shows as stale
        cached = self._orders.get(sort)
        if cached is not None and cached[1] == n and cached[2] == stamp:
            return cached[0]
        result = self._sorted(sort, n)
        if sort != "corpus":
            self._ranks[sort] = (result, _rank_of(result))
        self._orders[sort] = (result, n, stamp)
        return result

    def cached_order(self, sort: str) -> tuple[list[int], int, bool] | None:
        """(rows in ``sort`` order, how many rows that covers, whether it is current), from
        the cache only; None if that order was never computed."""
        cached = self._orders.get(sort)
        if cached is None:
            return None
        rows, n, stamp = cached
        return rows, n, n == len(self.ids) and stamp == self._stamp(sort)

    def rank(self, sort: str) -> Sequence[int] | None:
        """Each row's position in the current ``sort`` order (made with the order, in C),
        to put a few matching rows in order without walking all of them; None while that
        order is partial or stale. Safe in a worker thread."""
        cached = self.cached_order(sort)
        if cached is None or not cached[2]:
            return None
        order = cached[0]
        made = self._ranks.get(sort)
        if made is not None and made[0] is order:
            return made[1]
        rank = _rank_of(order)
        self._ranks[sort] = (order, rank)
        return rank

    def _sorted(self, sort: str, n: int) -> list[int]:
        rows = range(n)
        # Sort keys go into plain lists first so the sort calls a C-level __getitem__ per
        # comparison instead of a Python lambda: 100,000 titles sort in a few tens of ms.
        if sort in ("date_desc", "date_asc"):
            dates = self.dates[:n]
            result = list(compress(rows, dates))
            result.sort(key=dates.__getitem__, reverse=sort == "date_desc")
            result.extend(compress(rows, map(operator.not_, dates)))  # undated last
            return result
        if sort == "source":
            # One string per entry (no source sorts last), cheaper to compare than tuples.
            keys = [("\x00" + s if s else "\x01") + "\x00" + (d or "")
                    for s, d in zip(self.sources[:n], self.dates[:n], strict=True)]
            return sorted(rows, key=keys.__getitem__)
        if sort == "status":
            ranks = list(map(_STATUS_RANK.get, self.statuses[:n], repeat(9)))
            return sorted(rows, key=ranks.__getitem__)
        if sort != "corpus":
            raise ValueError(f"unknown sort order {sort!r}")
        return list(rows)


def _rank_of(order: list[int]) -> array[int]:
    """The inverse permutation: ``rank[row]`` is the row's position in ``order`` (a
    machine-int array: 0.8 MB per 100,000 rows and nothing for the collector to scan)."""
    rank = array("q", bytes(8 * len(order)))
    deque(map(rank.__setitem__, order, range(len(order))), maxlen=0)
    return rank


def _as_entries(entries: Entries | Iterable[Entry] | None) -> Entries:
    if entries is None:
        return Entries()
    if isinstance(entries, Entries):
        return entries
    return Entries.from_entries(entries)


_FLIP = bytes([1, 0]) + bytes(254)  # translate table: 0/1 mask → its complement


def _rows_of(mask: bytes | bytearray, start: int = 0) -> list[int]:
    """The indexes of the set bytes of ``mask``, plus ``start``, ascending."""
    if mask.count(1) * 16 < len(mask):  # few: jump from one to the next, in C
        rows, find = [], mask.find
        i = find(1)
        while i >= 0:
            rows.append(start + i)
            i = find(1, i + 1)
        return rows
    return list(compress(range(start, start + len(mask)), mask))


def _mask_of(rows: Iterable[int], size: int, start: int = 0) -> bytearray:
    """A byte per row from ``start`` to ``start + size``: 1 for ``rows``."""
    mask = bytearray(size)
    deque(map(mask.__setitem__, map((-start).__add__, rows) if start else rows, repeat(1)),
          maxlen=0)
    return mask


def _without(order: list[int], positions: list[int]) -> list[int]:
    """``order`` without the items at ``positions`` (ascending): slices copied in C."""
    out: list[int] = []
    previous = 0
    for position in positions:
        if position > previous:
            out += order[previous:position]
        previous = position + 1
    out += order[previous:]
    return out


def _both(a: bytes | bytearray, b: bytes | bytearray) -> bytes:
    """Bytewise AND of two 0/1 masks of one length (as big integers: one C operation)."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")


@dataclass(slots=True, eq=False)
class _Match:
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
            self.rows_ = _rows_of(self.mask_ or b"")
        return self.rows_

    @property
    def mask(self) -> bytes | bytearray:
        if self.every:
            return b"\x01" * self.n
        if self.mask_ is None:
            self.mask_ = _mask_of(self.rows_ or (), self.n)
        return self.mask_

    def count(self) -> int:
        if self.every:
            return self.n
        return len(self.rows_) if self.rows_ is not None else (self.mask_ or b"").count(1)

    def grown(self, new_rows: list[int] | None, stop: int) -> _Match:
        """This match with rows ``n`` to ``stop`` appended (``new_rows``: those of them
        that pass; None: no filter)."""
        if self.every or new_rows is None:
            return _Match(self.key, self.status, self.label, stop, self.epoch, every=True)
        rows = self.rows_ + new_rows if self.rows_ is not None else None
        mask = (bytes(self.mask_) + _mask_of(new_rows, stop - self.n, self.n)
                if self.mask_ is not None else None)
        return _Match(self.key, self.status, self.label, stop, self.epoch, False, rows, mask)

    def excluded(self) -> list[int]:
        """The rows that do not pass, ascending."""
        return [] if self.every else _rows_of(self.mask.translate(_FLIP))

    def tail(self, start: int) -> list[int]:
        """Passing rows from ``start`` on."""
        if self.every:
            return list(range(start, self.n))
        if self.rows_ is not None:
            return self.rows_[bisect_left(self.rows_, start):]
        return _rows_of((self.mask_ or b"")[start:], start)


def _in_order(order: list[int], match: _Match) -> list[int]:
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


class _QuietScrollBar(ScrollBar):
    """A scrollbar that repaints when its thumb moves on screen, not on every scroll: at
    100,000 articles a page down moves the thumb an eighth of a cell every few pages, and
    repainting every cell of the bar each time was a quarter of the key's cost."""

    position: reactive[float] = reactive(0.0, repaint=False)

    def watch_position(self, old: float, new: float) -> None:
        if self._thumb(old) != self._thumb(new):
            self.refresh()

    def _thumb(self, position: float) -> tuple[int, int]:
        """Where ``ScrollBarRender.render_bar`` puts the thumb, in eighths of a cell."""
        size = self.size.height if self.vertical else self.size.width
        virtual = ceil(self.window_virtual_size)
        window = ceil(self.window_size) if self.window_size < self.window_virtual_size else 0
        if not (window and size and virtual and size != virtual):
            return 0, 0
        steps = len(ScrollBarRender.VERTICAL_BARS)
        thumb = max(1, window / (virtual / size))
        start = int((size - thumb) * (position / (virtual - window)) * steps)
        return start, start + ceil(thumb * steps)


class ArticleList(ScrollView, can_focus=True):
    _bidi = "app"
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "edge(-1)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
        Binding("enter", "open", "Open"),
        Binding("f", "cycle_filter", "Filter status"),
        Binding("o", "cycle_sort", "Sort", show=False),
        Binding("l", "cycle_label", "Filter label", show=False),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--meta",
        "article-list--done",
        "article-list--empty",
    }

    # Rows are cut to the width: never a horizontal scrollbar (with the vertical one, the
    # virtual width was one column wider than the view and one showed, repainted per key).
    DEFAULT_CSS = """
    ArticleList { overflow-x: hidden; }
    ArticleList > .article-list--cursor { background: $accent 40%; }
    ArticleList:focus > .article-list--cursor { background: $accent 70%; text-style: bold; }
    ArticleList > .article-list--meta { color: $text-muted; }
    ArticleList > .article-list--done { color: $text-success; }
    ArticleList > .article-list--empty { color: $text-muted; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, repaint=False)
    status_filter: reactive[str | None] = reactive(None)
    label_filter: reactive[str | None] = reactive(None)
    sort_by: reactive[str] = reactive("corpus")
    query: reactive[str] = reactive("")

    class Selected(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class FilterChanged(Message):
        """What the list shows changed: posted on every filter, search or sort change, and
        when rows are added or changed so that the count shown changes. ``total`` is the
        number of articles in the list (it grows while the corpus is being indexed)."""

        def __init__(self, shown: int, total: int, status: str | None, query: str,
                     label: str | None = None, sort: str = "corpus") -> None:
            super().__init__()
            self.shown, self.total, self.status, self.query = shown, total, status, query
            self.label, self.sort = label, sort

        @property
        def view(self) -> str:
            """The sort and label filter in words, for the list's title."""
            parts = [] if self.sort == "corpus" else [f"by {SORT_NAMES[self.sort]}"]
            if self.label:
                parts.append(f"label {self.label}")
            return " · ".join(parts)

    def __init__(self, entries: Entries | list[Entry] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: Entries = _as_entries(entries)
        self.shown: list[int] = list(range(len(self.entries)))
        # Drawn rows by (row, part, width, selected, focused): a row draws the same
        # wherever it is shown, so sorting, filtering and growth keep them.
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._frame: tuple[int, int, bool] | None = None
        self._epoch = 0
        self._announced: tuple[int, int] | None = None
        self._resort_timer: Any = None
        self._resorting = False
        self._resort_again = False
        # Rows of the pages above and below the view, drawn ahead in idle moments.
        self._ahead: deque[int] = deque()
        self._ahead_top: int | None = None
        self._ahead_timer: Any = None
        self._reset_derived()

    def _reset_derived(self) -> None:
        # The last filter's matching rows, for incremental search and for growth.
        self._last: _Match | None = None
        # Recent results by (key, status, label, sort): backspacing returns to queries
        # already answered, which would otherwise each be a full scan.
        self._results: dict[tuple[str, str | None, str | None, str],
                            tuple[_Match, list[int]]] = {}
        self._cache.clear()

    # ------------------------------------------------------------------ data
    def set_entries(self, entries: Entries | list[Entry]) -> None:
        """Show other entries (the final list once indexing is done): the cursor stays on
        the same article if it is still there, at the same height in the view."""
        article_id = self.current_id
        self.entries = _as_entries(entries)
        self._reset_derived()
        shown = self.filtered(self.query, self.status_filter, self.label_filter, self.sort_by)
        row = self.entries.position(article_id) if article_id is not None else None
        self._replace_shown(shown, row)
        self._announce(force=True)
        if self.is_mounted:
            self._warm_orders()

    def extend_entries(self, ids: Sequence[str], titles: Sequence[str],
                       dates: Sequence[str | None], sources: Sequence[str | None],
                       keys: Sequence[str] | None = None, *,
                       summaries: Mapping[str, Any] | None = None, n: int | None = None
                       ) -> range:
        """Append articles (just indexed) and show those that pass the current filter and
        search; returns their rows. Columns are copied (see ``Entries.from_columns`` for
        ``n`` and ``summaries``: statuses and counts of the new articles come from
        ``summaries``, "new" otherwise). The cursor and the view do not move. In corpus
        order the new rows are in place at once; in another order they are shown at the
        end until a re-sort in a worker thread (within ``RESORT_DELAY``) puts them in
        place. Call on the UI thread. Posts ``FilterChanged`` with the new total."""
        added = self.entries.extend(ids, titles, dates, sources, keys, summaries=summaries, n=n)
        if added:
            self._grown(added)
        return added

    def update_rows(self, indexes: Iterable[int], titles: Sequence[str] | None = None,
                    dates: Sequence[str | None] | None = None,
                    sources: Sequence[str | None] | None = None,
                    keys: Sequence[str] | None = None) -> None:
        """Change the metadata of rows already listed (a folder's pages are listed by file
        name first, then get their real titles): ``titles[k]`` etc. are for row
        ``indexes[k]``; a None column is left as it is; ``keys``, the normalized titles, are
        computed if not given. A search sees the new titles at once; a sorted view re-sorts
        in a worker thread. The cursor stays on its article. Call on the UI thread."""
        changed, retitled = self.entries.set_rows(indexes, titles, dates, sources, keys)
        if not changed:
            return
        if len(changed) > 64:
            self._cache.clear()
        else:
            for row in changed:
                self._forget(row)
        self._results.clear()
        key, status, label, sort = self._settings()
        last = self._last
        current = (last is not None and (last.key, last.status, last.label) == (key, status, label)
                   and last.n == len(self.entries))
        added: list[int] = []
        if retitled and key:
            if not current or last is None:
                self._last = None
                self._replace_shown(self.filtered(self.query, status, label, sort))
                self._announce()
                return
            # Only the retitled rows can have come in or gone out of the search.
            before = last.mask
            now = set(self._matching(key, status, label, retitled) or ())
            added = [row for row in retitled if row in now and not before[row]]
            removed = [row for row in retitled if before[row] and row not in now]
            if added or removed:
                mask = bytearray(before)
                for row in added:
                    mask[row] = 1
                for row in removed:
                    mask[row] = 0
                self._epoch += 1
                self._last = _Match(key, status, label, last.n, self._epoch, mask_=mask)
                if sort == "corpus":
                    shown = self._last.rows
                else:  # out go the removed; the added wait at the end for the re-sort
                    shown = self.shown
                    if removed:
                        gone = _mask_of(removed, len(self.entries))
                        shown = list(compress(shown, map(operator.not_,
                                                         map(gone.__getitem__, shown))))
                    shown = shown + added
                self._replace_shown(shown)
                self._announce()
        if sort != "corpus":
            cached = self.entries.cached_order(sort)
            if added or (cached is not None and not cached[2]):
                self._schedule_resort()
        if self._visible_rows() & set(changed):
            self.refresh()

    def update_entry(self, article_id: str, **changes) -> None:
        """Change one article's fields (status and counts after an annotation); what is
        shown is not filtered again until the filter, search or sort next changes."""
        index = self.entries.position(article_id)
        if index is None:
            return
        changed = self.entries.update(index, **changes)
        if not changed:
            return
        self._forget(index)
        self._last = None
        self._results.clear()
        position = self.position_of(index)
        if position is not None:
            self.refresh_lines(position * ROWS_PER_ENTRY, ROWS_PER_ENTRY)

    @property
    def current_id(self) -> str | None:
        row = self._cursor_row()
        return None if row is None else self.entries.ids[row]

    def _cursor_row(self) -> int | None:
        if not self.shown:
            return None
        return self.shown[min(self.cursor, len(self.shown) - 1)]

    def position_of(self, row: int) -> int | None:
        """Where entry ``row`` is in ``shown`` (None: filtered out). At once in corpus
        order with no filter, else one scan of ``shown`` in C."""
        shown = self.shown
        if row < len(shown) and shown[row] == row:
            return row
        try:
            return shown.index(row)
        except ValueError:
            return None

    def select_id(self, article_id: str) -> None:
        index = self.entries.position(article_id)
        if index is None:
            return
        position = self.position_of(index)
        if position is not None:
            self.cursor = position

    @property
    def labels(self) -> list[str]:
        """Labels with at least one accepted span in some article, for the label filter."""
        return self.entries.labels()

    def watch_status_filter(self) -> None:
        self._apply_filter()

    def watch_label_filter(self) -> None:
        self._apply_filter()

    def watch_sort_by(self) -> None:
        self._apply_filter()

    def watch_query(self) -> None:
        self._apply_filter()

    def search_keys(self) -> list[str]:
        """Normalized titles, made in one pass over all of them the first time a search runs."""
        return self.entries.search_keys()

    def on_mount(self) -> None:
        # "app": titles shaped and reordered here; "terminal": left to the terminal's bidi.
        self._bidi = str(getattr(self.app, "bidi", "app"))
        # The sorts are warmed once the first frame is out: a thread sorting 100,000 rows
        # holds the interpreter lock long enough to delay it by ~150 ms.
        self.set_timer(WARM_DELAY, self._warm_orders)

    def _warm_orders(self) -> None:
        """Sort a large list in every order once, off the event loop, so the first ``o``
        or the first search in a new order does not pay for the sort (36 ms per 100,000
        titles here). Results land in the entries' cache; a race only repeats a sort."""
        if len(self.entries) < 5_000:
            return
        entries = self.entries

        def warm() -> None:
            for sort in SORT_ORDERS:
                if self.entries is not entries:
                    return
                entries.order(sort)
                if sort != "corpus":
                    entries.rank(sort)

        self.run_worker(warm, thread=True, exclusive=True, group="warm-orders")

    def order(self, sort: str) -> list[int]:
        """Entry indexes in ``sort`` order (stable: ties keep corpus order)."""
        return self.entries.order(sort)

    # ------------------------------------------------------------------ filtering
    def _settings(self) -> tuple[str, str | None, str | None, str]:
        query = self.query.strip()
        return (normalize(query) if query else "", self.status_filter, self.label_filter,
                self.sort_by)

    def filtered(self, query: str, status: str | None, label: str | None, sort: str
                 ) -> list[int]:
        """Entry indexes shown for these settings, in display order."""
        key = normalize(query.strip()) if query.strip() else ""
        remembered = self._results.get((key, status, label, sort))
        if remembered is not None:
            self._last, shown = remembered
            return shown
        match = self._match(key, status, label, sort)
        shown = self._display(match, sort)
        if len(self._results) >= _REMEMBERED:
            self._results.pop(next(iter(self._results)))
        self._results[(key, status, label, sort)] = (match, shown)
        return shown

    def _match(self, key: str, status: str | None, label: str | None, sort: str) -> _Match:
        """Rows passing these filters; becomes ``_last``."""
        entries = self.entries
        n = len(entries)
        last = self._last
        self._epoch += 1
        if (last is not None and key and last.key and last.key in key and last.n == n
                and (last.status, last.label) == (status, label) and not last.every
                and (last.rows_ is not None or last.count() * 4 <= n)):
            # The query grew: only what the last one kept can match.
            match = _Match(key, status, label, n, self._epoch,
                           rows_=self._with_key(last.rows, key))
        elif not key and status is None and label is None:
            match = _Match(key, status, label, n, self._epoch, every=True)
        elif label is None and sort != "corpus":
            # A sorted view wants a mask: one pass in corpus order per filter, in C.
            mask: bytes | None = None
            if status is not None:
                mask = bytes(map(operator.eq, entries.statuses, repeat(status)))
            if key:
                found = bytes(map(operator.contains, entries.search_keys(), repeat(key)))
                mask = found if mask is None else _both(mask, found)
            match = _Match(key, status, label, n, self._epoch, mask_=mask)
        else:
            match = _Match(key, status, label, n, self._epoch,
                           rows_=self._matching(key, status, label, None))
        self._last = match
        return match

    def _matching(self, key: str, status: str | None, label: str | None,
                  candidates: Iterable[int] | None, start: int = 0, stop: int | None = None
                  ) -> list[int] | None:
        """The rows among ``candidates`` (ascending; None: rows ``start`` to ``stop``)
        that pass; None when nothing filters (every row passes)."""
        if not key and status is None and label is None:
            return None if candidates is None else list(candidates)
        entries = self.entries
        stop = len(entries) if stop is None else stop
        rows = None if candidates is None else list(candidates)
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
                rows = self._with_key(rows, key)
        return rows

    def _with_key(self, rows: list[int], key: str) -> list[int]:
        keys = self.entries.search_keys()
        return list(compress(rows, map(operator.contains, map(keys.__getitem__, rows),
                                       repeat(key))))

    def _display(self, match: _Match, sort: str) -> list[int]:
        """The matching rows in display order: up to half of them are sorted by their
        rank in the order (30,000 of 100,000: 7 ms here); more are picked out of the order
        in one walk (20 ms)."""
        if sort == "corpus":
            return match.rows
        order = self._order_now(sort)
        if not match.every:
            cached = self.entries.cached_order(sort)
            rank = self.entries.rank(sort) if cached is not None and cached[0] is order else None
            if rank is not None:
                if match.count() * 2 < len(order):
                    return sorted(match.rows, key=rank.__getitem__)
                # Most rows pass: cut the few that do not out of the order.
                return _without(order, sorted(map(rank.__getitem__, match.excluded())))
        return _in_order(order, match)

    def _order_now(self, sort: str) -> list[int]:
        """Every row in ``sort`` order, at once: while rows arrive or change, the last
        permutation made, with newer rows at the end, and a re-sort is scheduled. Exact
        when nothing was sorted yet, or when the list is not mounted (no worker)."""
        entries = self.entries
        cached = entries.cached_order(sort)
        if cached is None or not self.is_mounted:
            return entries.order(sort)
        rows, covered, current = cached
        if current:
            return rows
        self._schedule_resort()
        n = len(entries)
        return rows + list(range(covered, n)) if covered < n else rows

    def _apply_filter(self) -> None:
        current = self._cursor_row()
        status, label, sort = self.status_filter, self.label_filter, self.sort_by
        self.shown = self.filtered(self.query, status, label, sort)
        self._sized()
        self.cursor = 0
        if current is not None:
            position = self.position_of(current)
            if position is not None:
                self.cursor = position
        self.refresh()
        self._announce(force=True)

    def _announce(self, force: bool = False) -> None:
        """Post ``FilterChanged`` (only if a count changed, unless ``force``). The list
        sets its pane's ``border_subtitle`` (sort and label in words), never its title."""
        counts = (len(self.shown), len(self.entries))
        if not force and counts == self._announced:
            return
        self._announced = counts
        status, label, sort = self.status_filter, self.label_filter, self.sort_by
        message = self.FilterChanged(counts[0], counts[1], status, self.query, label, sort)
        if self.parent is not None and hasattr(self.parent, "border_subtitle"):
            self.parent.border_subtitle = message.view
        self.post_message(message)

    # ------------------------------------------------------------------ growth
    def _grown(self, added: range) -> None:
        """Rows ``added`` were appended to the entries: show those that pass."""
        self._results.clear()
        key, status, label, sort = self._settings()
        new_rows = self._matching(key, status, label, None, added.start, added.stop)
        last = self._last
        if (last is not None and (last.key, last.status, last.label) == (key, status, label)
                and last.n == added.start):
            self._last = last.grown(new_rows, added.stop)
        else:
            self._last = None
        tail = list(added) if new_rows is None else new_rows
        if tail:
            before = len(self.shown)
            self.shown = self.shown + tail
            self._sized()
            if sort != "corpus":
                self._schedule_resort()
            if before * ROWS_PER_ENTRY < self.scroll_offset.y + self.size.height:
                self.refresh()  # the new rows are in view
        self._announce()

    def _schedule_resort(self) -> None:
        """Put rows that arrived or changed in a sorted view in place: in a worker thread,
        within ``RESORT_DELAY`` (at once when the list is not mounted)."""
        if not self.is_mounted:
            self._resort_now()
        elif self._resorting:
            self._resort_again = True
        elif self._resort_timer is None:
            self._resort_timer = self.set_timer(RESORT_DELAY, self._start_resort)

    def _current_match(self) -> tuple[str, _Match]:
        """The sort and the match of the current settings (the last one if still valid)."""
        key, status, label, sort = self._settings()
        last = self._last
        if not (last is not None and (last.key, last.status, last.label) == (key, status, label)
                and last.n == len(self.entries)):
            last = self._match(key, status, label, sort)
        return sort, last

    def _resort_now(self) -> None:
        if self._settings()[3] == "corpus":
            return
        sort, last = self._current_match()
        self._results.clear()
        self._replace_shown(_in_order(self.entries.order(sort), last))

    def _start_resort(self) -> None:
        self._resort_timer = None
        if self._settings()[3] == "corpus":
            return
        sort, match = self._current_match()
        entries = self.entries
        self._resorting = True

        def work() -> None:
            try:
                shown: list[int] | None = _in_order(entries.order(sort), match)
            except Exception:  # the view keeps its last order; a worker never crashes the app
                shown = None
            with suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._resorted, entries, sort, match, shown)

        self.run_worker(work, thread=True, group="article-list-resort", exit_on_error=False)

    def _resorted(self, entries: Entries, sort: str, match: _Match,
                  shown: list[int] | None) -> None:
        """Back from the worker: use its order if the view still shows the same thing (rows
        added since go after, as before), else drop it."""
        self._resorting = False
        again, self._resort_again = self._resort_again, False
        current = self._last
        if (shown is None or entries is not self.entries or sort != self.sort_by
                or current is None or current.epoch != match.epoch):
            if again:
                self._schedule_resort()
            return
        tail = current.tail(match.n)
        self._results.clear()
        self._replace_shown(shown + tail if tail else shown)
        cached = entries.cached_order(sort)
        if again or tail or cached is None or not cached[2]:
            self._schedule_resort()

    def _replace_shown(self, shown: list[int], row: int | None = -1) -> None:
        """Show ``shown`` with the cursor on ``row`` (default: the row under the cursor
        now) if it is there, on the same line of the view as before."""
        if row == -1:
            row = self._cursor_row()
        line = self.cursor * ROWS_PER_ENTRY - self.scroll_offset.y
        self.shown = shown
        self._sized()
        position = self.position_of(row) if row is not None else None
        if position is None:
            position = min(self.cursor, max(0, len(shown) - 1))
        if position != self.cursor:
            self.set_reactive(ArticleList.cursor, position)
            if self.is_mounted:
                self.scroll_to(y=max(0, position * ROWS_PER_ENTRY - line), animate=False,
                               immediate=True)
        self.refresh()

    def _visible_rows(self) -> set[int]:
        first = self.scroll_offset.y // ROWS_PER_ENTRY
        count = self.size.height // ROWS_PER_ENTRY + 2
        return set(self.shown[first:first + count])

    def _sized(self) -> None:
        size = Size(self.size.width, max(1, len(self.shown)) * ROWS_PER_ENTRY)
        if size == self.virtual_size:
            return
        if not self.is_mounted:
            self.virtual_size = size
            return
        # As Textual does for a size that needs no layout (Widget._size_updated): the
        # list's height comes from its container, not from its rows, so a new row count
        # only updates the scrollbar (a layout happens if the scrollbar appears or goes).
        # A layout per growth batch repainted the whole screen: 15-50 ms.
        self.set_reactive(ArticleList.virtual_size, size)
        self._scroll_update(size)

    # ------------------------------------------------------------------ drawing
    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, made as Textual makes it, but quiet (``_QuietScrollBar``)."""
        if self._vertical_scrollbar is None:
            bar = _QuietScrollBar(vertical=True, name="vertical",
                                  thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def on_resize(self) -> None:
        self._cache.clear()
        self._sized()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _forget(self, row: int) -> None:
        """Drop the drawn strips of ``row`` (its data changed)."""
        width = self.scrollable_content_region.width if self.is_mounted else 0
        for part in range(ROWS_PER_ENTRY):
            for selected in (False, True):
                for focused in (False, True):
                    self._cache.discard((row, part, width, selected, focused))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Scroll offset, width and focus once per frame, not once per line.
        self._frame = (self.scroll_offset.y, self.scrollable_content_region.width,
                       self.has_focus)
        try:
            return super().render_lines(crop)
        finally:
            if self._ahead_top != self._frame[0] and self.is_mounted:
                self._ahead_top = self._frame[0]
                if self._ahead_timer is not None:
                    self._ahead_timer.stop()
                self._ahead_timer = self.set_timer(DRAW_AHEAD_DELAY, self._draw_ahead)
            self._frame = None

    def visible_rows(self) -> list[int]:
        """Rows (entry indexes) of the articles on screen, top to bottom."""
        top = self.scroll_offset.y // ROWS_PER_ENTRY
        per_page = self.scrollable_content_region.height // ROWS_PER_ENTRY + 1
        return self.shown[top:top + per_page]

    def _draw_ahead(self) -> None:
        """Draw the rows of the next and the previous page into the strip cache, a few per
        turn of the event loop: a page of new titles costs ~20 ms to lay out (more than a
        frame), so ``pgdn``/``pgup`` after a pause find them drawn; a key that comes
        meanwhile waits for a few rows at most (~3 ms)."""
        self._ahead_timer = None
        per_page = max(1, self.scrollable_content_region.height // ROWS_PER_ENTRY)
        top = self.scroll_offset.y // ROWS_PER_ENTRY
        below = range(top + per_page, top + 2 * per_page)
        above = range(max(0, top - per_page), top)
        self._ahead = deque([*below, *reversed(above)])
        self._draw_ahead_step()

    def _draw_ahead_step(self) -> None:
        shown, ahead = self.shown, self._ahead
        width = self.scrollable_content_region.width
        focused = self.has_focus
        drawn = 0
        while ahead and drawn < DRAW_AHEAD_SLICE:
            position = ahead.popleft()
            if position >= len(shown):
                continue
            index, selected = shown[position], position == self.cursor
            for part in range(ROWS_PER_ENTRY):
                key = (index, part, width, selected, focused)
                if self._cache.get(key) is None:
                    self._cache.set(key, self._draw(index, part, width, selected))
                    drawn += 1
        if ahead:
            self.call_later(self._draw_ahead_step)

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            frame = (self.scroll_offset.y, self.scrollable_content_region.width,
                     self.has_focus)
        scroll_y, width, focused = frame
        row = scroll_y + y
        position, part = divmod(row, ROWS_PER_ENTRY)
        shown = self.shown
        if not shown:
            if row == 0:
                style = self.get_component_rich_style("article-list--empty")
                text = "no article matches" if self.entries else "no articles"
                return Strip([Segment(text[:width].ljust(width), style)], width)
            return Strip.blank(width, self.rich_style)
        if position >= len(shown):
            return Strip.blank(width, self.rich_style)
        index = shown[position]
        selected = position == self.cursor
        key = (index, part, width, selected, focused)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(index, part, width, selected)
            self._cache.set(key, strip)
        return strip

    def _draw(self, index: int, part: int, width: int, selected: bool) -> Strip:
        entries = self.entries
        base = self.rich_style
        if selected:
            base = base + self.get_component_rich_style("article-list--cursor")
        if part == 0:
            return self._title_strip(entries.titles[index], width, base)
        status = entries.statuses[index]
        meta = self.get_component_rich_style("article-list--meta")
        mark_style = meta
        if status == "done":
            mark_style = self.get_component_rich_style("article-list--done")
        parts = [entries.dates[index] or "—"]
        source = entries.sources[index]
        if source:
            parts.append(source)
        counts = entries.counts.get(index)
        total = sum(counts.values()) if counts else 0
        if total:
            parts.append(f"{total} entit{'y' if total == 1 else 'ies'}")
        text = " · ".join(parts)
        mark = STATUS_MARKS.get(status, "?")
        # Sources are often Arabic names: lay the row out like any other text.
        body = " " + visual_line(text, max(1, width - 3), mode=self._bidi)
        segments = [
            Segment(f" {mark}", base + mark_style),
            Segment(body, base + meta),
        ]
        used = 2 + cell_len(body)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width).crop(0, width)

    def _title_strip(self, title: str, width: int, style: Style) -> Strip:
        avail = max(1, width - 2)
        direction = article_direction(title) if title else BaseDirection.RTL
        lines = layout_paragraph(title or "(untitled)", avail, direction, self._bidi)
        line = lines[0]
        text = line.text
        cells = line.cell_width
        if len(lines) > 1:
            # The title goes on past this line: mark where reading would continue.
            if line.rtl:
                text, cells = "…" + text, cells + 1
            else:
                text, cells = text + "…", cells + 1
            if cells > avail:
                text, cells = (text[1:], cells - 1) if line.rtl else (text[:-1], cells - 1)
        pad = max(0, avail - cells)
        # RTL titles sit against the right edge, as the reader aligns them.
        content = " " * (pad + 1) + text + " " if line.rtl else " " + text + " " * (pad + 1)
        return Strip([Segment(content, style)], width).crop(0, width)

    # ------------------------------------------------------------------ movement
    def watch_cursor(self, old: int, new: int) -> None:
        if not self.is_mounted:  # a list used as a model (tests, benchmarks): no view
            return
        # Cached strips are keyed by row and selection: nothing to invalidate here.
        self.refresh_lines(old * ROWS_PER_ENTRY, ROWS_PER_ENTRY)
        self.refresh_lines(new * ROWS_PER_ENTRY, ROWS_PER_ENTRY)
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        first = new * ROWS_PER_ENTRY
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif first + ROWS_PER_ENTRY > top + height:
            self.scroll_to(y=first + ROWS_PER_ENTRY - height, animate=False, immediate=True)

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.shown:
            self.cursor = max(0, min(self.cursor + delta, len(self.shown) - 1))

    def action_page(self, direction: int) -> None:
        per_page = max(1, self.scrollable_content_region.height // ROWS_PER_ENTRY)
        self.action_move(direction * per_page)

    def action_edge(self, direction: int) -> None:
        if self.shown:
            self.cursor = 0 if direction < 0 else len(self.shown) - 1

    def action_open(self) -> None:
        article_id = self.current_id
        if article_id is not None:
            self.post_message(self.Selected(article_id))

    def action_cycle_filter(self) -> None:
        position = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(position + 1) % len(STATUS_FILTERS)]

    def action_cycle_sort(self) -> None:
        position = SORT_ORDERS.index(self.sort_by)
        self.sort_by = SORT_ORDERS[(position + 1) % len(SORT_ORDERS)]

    def action_cycle_label(self) -> None:
        """Next label that some article has (then back to all articles)."""
        choices: list[str | None] = [None, *self.labels]
        if self.label_filter not in choices:
            choices.append(self.label_filter)
        position = choices.index(self.label_filter)
        self.label_filter = choices[(position + 1) % len(choices)]
        if self.label_filter is None and len(choices) == 1:
            self.notify("No article has an accepted entity yet: nothing to filter by label.")

    def on_click(self, event) -> None:
        position = (self.scroll_offset.y + event.y) // ROWS_PER_ENTRY
        if 0 <= position < len(self.shown):
            if position == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = position

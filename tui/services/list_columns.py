"""The article list's columns: ``Entries`` (one list per field, in corpus order) and
``Entry`` (a snapshot of one row), with the statuses and sort orders the list knows.

The entries are columns, not one object per article: 100,000 articles are a handful of
lists, built in a few ms from the corpus index, and the garbage collector has almost
nothing to scan. Each sort order is a permutation of the rows, computed once (in a thread
after start-up) and cached with the number of rows and the version of the columns it was
made from, with its inverse (``rank``) to put a few rows in order without walking all of
them. Which rows a search or filter keeps is ``tui.services.list_model``'s business.

No Textual here: the app, the command palette, tests and benchmarks use the columns
without a screen.
"""

from __future__ import annotations

import operator
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from typing import Any, overload

from store.arabic import normalize, normalize_many
from store.corpus import site_name

# The list's counts hold accepted spans per label and, under this key (no label is
# written so), the article's pending suggestions: both shown on its second row.
PENDING = "…pending"


def pending_of(summary: Any) -> int:
    """Pending suggestions of a stored article, from its summary's suggestion outcomes."""
    quality = getattr(summary, "quality", None) or {}
    return sum(n for key, n in quality.items() if key.endswith("\tpending"))


# "damaged": the article's store file cannot be read (it is shown, never overwritten).
STATUS_MARKS = {"new": "·", "in_progress": "◐", "done": "✓", "skipped": "↷", "damaged": "✗"}
STATUS_NAMES = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped",
                "damaged": "damaged"}
STATUS_FILTERS: tuple[str | None, ...] = (None, "new", "in_progress", "done", "skipped")

SORT_ORDERS: tuple[str, ...] = ("corpus", "date_desc", "date_asc", "source", "status",
                                 "uncertainty")
SORT_NAMES = {"corpus": "corpus order", "date_desc": "date ↓ (newest)",
              "date_asc": "date ↑ (oldest)", "source": "source", "status": "status",
              "uncertainty": "model least sure first"}
_STATUS_RANK = {"new": 0, "in_progress": 1, "done": 2, "skipped": 3}
# The columns each sort order reads: a change in one of them makes that order stale.
_SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "corpus": (), "date_desc": ("dates",), "date_asc": ("dates",),
    "source": ("sources", "dates"), "status": ("statuses",), "uncertainty": ("uncertainty",),
}
_FIELDS = {"title": "titles", "date": "dates", "source": "sources", "status": "statuses"}


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
        self._versions = {"dates": 0, "sources": 0, "statuses": 0, "uncertainty": 0}
        # Row → how unsure the learning suggester is of the article (active learning).
        self.uncertainty: dict[int, float] = {}

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
            pending = pending_of(found)
            if found.labels or pending:
                counts[offset + j] = dict(found.labels)
                if pending:
                    counts[offset + j][PENDING] = pending

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
            found.update(label for label, n in counts.items() if n and label != PENDING)
        return sorted(found)

    # ------------------------------------------------------------------ sorting
    def _stamp(self, sort: str) -> tuple[int, ...]:
        """The versions of the columns ``sort`` reads (an unknown order is a ValueError,
        as in ``_sorted``, not a KeyError from here)."""
        columns = _SORT_COLUMNS.get(sort)
        if columns is None:
            raise ValueError(f"unknown sort order {sort!r}")
        return tuple(self._versions[name] for name in columns)

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
        if sort == "uncertainty":
            # The articles the model is least sure of first (it ranked only unopened ones);
            # the rest after them, in corpus order.
            scores = self.uncertainty  # one snapshot: a new ranking replaces the dict
            scored = sorted((row for row in scores if row < n),
                            key=lambda row: (-scores[row], row))
            seen = set(scored)
            return scored + [row for row in rows if row not in seen]
        if sort != "corpus":
            raise ValueError(f"unknown sort order {sort!r}")
        return list(rows)

    def set_uncertainty(self, by_id: dict[str, float]) -> None:
        """The latest model's ranking (article id → 1 − its least likely sentence)."""
        rows = {}
        for article_id, value in by_id.items():
            row = self.position(article_id)
            if row is not None:
                rows[row] = value
        if rows != self.uncertainty:
            self.uncertainty = rows
            self._versions["uncertainty"] += 1


def _rank_of(order: list[int]) -> array[int]:
    """The inverse permutation: ``rank[row]`` is the row's position in ``order`` (a
    machine-int array: 0.8 MB per 100,000 rows and nothing for the collector to scan)."""
    rank = array("q", bytes(8 * len(order)))
    deque(map(rank.__setitem__, order, range(len(order))), maxlen=0)
    return rank


def as_entries(entries: Entries | Iterable[Entry] | None) -> Entries:
    """``entries`` as columns: the same object when it already is ``Entries`` (the list
    and its owner then share one set of columns), else a copy of the rows given."""
    if entries is None:
        return Entries()
    if isinstance(entries, Entries):
        return entries
    return Entries.from_entries(entries)


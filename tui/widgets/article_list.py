"""The article list: two rows per article (shaped title; status · date · source), virtualised.

Built on the Line API like the reader, so only visible rows are drawn however long the
corpus is (``tui.widgets.list_drawing`` draws a row). Which rows are shown, and in what
order, is the model's (``tui.services.list_model.ListModel``, over the columns of
``tui.services.list_columns.Entries``); this widget keeps the cursor, the scrolling, the
strip cache and the threads: each sort order and its ranks are computed once, in a worker
after start-up (``WARM_DELAY``), and the pages above and below the view are drawn ahead in
idle moments.

The list can grow while the corpus is still being indexed (``extend_entries``) and rows can
be corrected in place (``update_rows``), on the UI thread, at a cost proportional to the
batch, not to the list: new matching rows are appended to what is shown; in a sorted view
they wait at the end, in corpus order, until a re-sort in a worker thread (at most every
``RESORT_DELAY`` seconds) puts them in place. The cursor stays on its article throughout,
and at the same height in the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import suppress
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from tui.services.list_model import (
    SORT_NAMES,
    SORT_ORDERS,
    STATUS_FILTERS,
    Entries,
    Entry,
    ListModel,
    Match,
    drop_rows,
    in_order,
    search_key,
)
from tui.widgets.list_drawing import (
    ROWS_PER_ENTRY,
    EntryRows,
    details_strip,
    details_text,
    title_strip,
)

# Seconds after mounting before the sort orders are computed in a thread.
WARM_DELAY = 0.5
# Seconds a sorted view waits before re-sorting rows that arrived (or changed) meanwhile:
# batches that come faster are sorted together.
RESORT_DELAY = 0.25


class ArticleList(EntryRows, can_focus=True):
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

    def __init__(self, entries: Entries | list[Entry] | None = None, *,
                 scope: AbstractSet[str] | None = None,
                 marks: Callable[[str], str | None] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        # What is shown for the filters, search and sort (and the caches that make the
        # next keystroke cheap); stale sort orders are re-sorted by this widget's worker.
        self.model = ListModel(entries, self._defer_sort)
        # A team store's own queue: only these ids are listed (None: all); ``marks`` says
        # what a row shows besides its date (who else annotates a shared article).
        self.model.set_scope(scope)
        self.marks = marks
        self.shown = (list(range(len(self.entries))) if scope is None
                      else self.filtered("", None, None, "corpus"))
        self._announced: tuple[int, int] | None = None
        self._resort_timer: Any = None
        self._resorting = False
        self._resort_again = False

    @property
    def scoped(self) -> bool:
        """Whether the list shows only its scope (an annotator's own queue)."""
        return self.model.scope is not None

    def set_scope(self, ids: AbstractSet[str] | None) -> None:
        """List only these article ids (None: every article), under the same search,
        filters and sort; the cursor stays on its article if it is still listed."""
        self.model.set_scope(ids)
        self._apply_filter()

    @property
    def entries(self) -> Entries:
        """The list's articles, as columns (the model's)."""
        return self.model.entries

    # ------------------------------------------------------------------ data
    def set_entries(self, entries: Entries | list[Entry]) -> None:
        """Show other entries (the final list once indexing is done): the cursor stays on
        the same article if it is still there, at the same height in the view."""
        article_id = self.current_id
        self.model.reset(entries)
        self._cache.clear()
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
        self.model.results.clear()
        key, status, label, sort = self._settings()
        added: list[int] = []
        if retitled and key:
            # Only the retitled rows can have come in or gone out of the search.
            moved = self.model.retitled(retitled, key, status, label)
            if moved is None:
                self._replace_shown(self.filtered(self.query, status, label, sort))
                self._announce()
                return
            added, removed = moved
            if added or removed:
                if sort == "corpus":
                    assert self.model.last is not None
                    shown = self.model.last.rows
                else:  # out go the removed; the added wait at the end for the re-sort
                    shown = self.shown
                    if removed:
                        shown = drop_rows(shown, removed, len(self.entries))
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
        self.model.forget()
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
        return search_key(self.query), self.status_filter, self.label_filter, self.sort_by

    def filtered(self, query: str, status: str | None, label: str | None, sort: str
                 ) -> list[int]:
        """Entry indexes shown for these settings, in display order (the model's answer)."""
        return self.model.filtered(query, status, label, sort)

    def _defer_sort(self) -> bool:
        """The model met a stale sort order: on screen, re-sort in a worker (meanwhile the
        model uses the stale order); not mounted (a list used as a model in tests and
        benchmarks), no worker: the model sorts at once."""
        if not self.is_mounted:
            return False
        self._schedule_resort()
        return True

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
        key, status, label, sort = self._settings()
        tail = self.model.grown(added, key, status, label)
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

    def _current_match(self) -> tuple[str, Match]:
        """The sort and the match of the current settings (the last one if still valid)."""
        key, status, label, sort = self._settings()
        return sort, self.model.current_match(key, status, label, sort)

    def _resort_now(self) -> None:
        if self._settings()[3] == "corpus":
            return
        sort, last = self._current_match()
        self.model.results.clear()
        self._replace_shown(in_order(self.entries.order(sort), last))

    def _start_resort(self) -> None:
        self._resort_timer = None
        if self._settings()[3] == "corpus":
            return
        sort, match = self._current_match()
        entries = self.entries
        self._resorting = True

        def work() -> None:
            try:
                shown: list[int] | None = in_order(entries.order(sort), match)
            except Exception:  # the view keeps its last order; a worker never crashes the app
                shown = None
            with suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._resorted, entries, sort, match, shown)

        self.run_worker(work, thread=True, group="article-list-resort", exit_on_error=False)

    def _resorted(self, entries: Entries, sort: str, match: Match,
                  shown: list[int] | None) -> None:
        """Back from the worker: use its order if the view still shows the same thing (rows
        added since go after, as before), else drop it."""
        self._resorting = False
        again, self._resort_again = self._resort_again, False
        current = self.model.last
        if (shown is None or entries is not self.entries or sort != self.sort_by
                or current is None or current.epoch != match.epoch):
            if again:
                self._schedule_resort()
            return
        tail = current.tail(match.n)
        self.model.results.clear()
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

    def _empty_text(self) -> str:
        if self.scoped and not self.query and self.status_filter is None \
                and self.label_filter is None:
            return "your queue is empty here (M: all articles)"
        return "no article matches" if self.entries else "no articles"

    def _draw(self, index: int, part: int, width: int, selected: bool) -> Strip:
        """Row ``part`` of entry ``index`` in this list's styles (``list_drawing``)."""
        entries = self.entries
        base = self.rich_style
        if selected:
            base = base + self.get_component_rich_style("article-list--cursor")
        if part == 0:
            return title_strip(entries.titles[index], width, base, self._bidi)
        status = entries.statuses[index]
        meta = self.get_component_rich_style("article-list--meta")
        mark_style = meta
        if status == "done":
            mark_style = self.get_component_rich_style("article-list--done")
        shared = self.marks(entries.ids[index]) if self.marks is not None else None
        text = details_text(entries.dates[index], entries.sources[index],
                            entries.counts.get(index))
        return details_strip(status, text, width, base, meta, mark_style, self._bidi, shared)

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

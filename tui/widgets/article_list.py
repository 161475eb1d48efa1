"""The article list: two rows per article (shaped title; status · date · source), virtualised.

Built on the Line API like the reader, so only visible rows are drawn however long the
corpus is; titles go through the same layout engine as the article text. Search matches
Arabic-normalized titles (harakat, tatweel and letter variants ignored); a status filter, a
label filter (articles with at least one accepted span of that label) and a sort order
(corpus, date, source, status) change which entries are shown and in what order, never the
entries themselves.

At 100,000 articles every keystroke of a search must answer within 50 ms, so: search keys
are normalized in one pass over all titles, only when a search first needs them (not at
startup); the sort permutation is computed once per sort order; and a query that extends
the previous one filters only the entries the previous one kept, and recent answers are
remembered so that backspacing costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlparse

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.arabic import normalize
from tui.layout import BaseDirection, article_direction, layout_paragraph
from tui.visual_text import visual_line

ROWS_PER_ENTRY = 2

STATUS_MARKS = {"new": "·", "in_progress": "◐", "done": "✓", "skipped": "↷"}
STATUS_NAMES = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_FILTERS: tuple[str | None, ...] = (None, "new", "in_progress", "done", "skipped")


SORT_ORDERS: tuple[str, ...] = ("corpus", "date_desc", "date_asc", "source", "status")
SORT_NAMES = {"corpus": "corpus order", "date_desc": "date ↓ (newest)",
              "date_asc": "date ↑ (oldest)", "source": "source", "status": "status"}
_STATUS_RANK = {"new": 0, "in_progress": 1, "done": 2, "skipped": 3}
# Joins titles for one-pass normalization; never produced by normalize() or in a title.
_SEP = "\x00"
_REMEMBERED = 64


@dataclass(slots=True)
class Entry:
    """What the list knows of an article: enough to draw and filter, not its text.

    ``counts`` is accepted spans per label (for the label filter). ``key``, the normalized
    title, is computed on first use: normalizing 100,000 titles one by one at startup cost
    more than a second.
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

    @staticmethod
    def source_of(url: str | None, source: str | None) -> str | None:
        if source:
            return source
        if url:
            return _site_of(url.split("/", 3)[2] if "://" in url else url.split("/", 1)[0])
        return None


@lru_cache(maxsize=4096)
def _site_of(netloc: str) -> str | None:
    """The site name of a URL's authority part. A corpus has few sites and many URLs, so
    this is cached by authority; ``urlparse`` per URL cost 0.7 s for 100,000 articles."""
    if not netloc or any(c.isspace() for c in netloc) or "." not in netloc:
        return None
    host = urlparse(f"//{netloc}").hostname or ""
    return host.removeprefix("www.") or None


class ArticleList(ScrollView, can_focus=True):
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

    DEFAULT_CSS = """
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

    def __init__(self, entries: list[Entry] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: list[Entry] = entries or []
        self.shown: list[int] = list(range(len(self.entries)))
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._reset_derived()

    def _reset_derived(self) -> None:
        self._positions: dict[str, int] = {e.id: i for i, e in enumerate(self.entries)}
        self._orders: dict[str, list[int]] = {}
        self._keys: list[str] | None = None
        # (key, status, label, sort, shown) of the last filter, for incremental search.
        self._last: tuple[str, str | None, str | None, str, list[int]] | None = None
        # Recent results by (key, status, label, sort): backspacing returns to queries
        # already answered, which would otherwise each be a full scan.
        self._results: dict[tuple[str, str | None, str | None, str], list[int]] = {}

    # ------------------------------------------------------------------ data
    def set_entries(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._reset_derived()
        self._apply_filter()
        if self.is_mounted:
            self._warm_orders()

    def update_entry(self, article_id: str, **changes) -> None:
        index = self._positions.get(article_id)
        if index is None:
            return
        entry = self.entries[index]
        changed = {key for key, value in changes.items() if getattr(entry, key) != value}
        for key in changed:
            setattr(entry, key, changes[key])
        if "title" in changed:
            entry._key = None
            if self._keys is not None:
                self._keys[index] = entry.key
        if changed & {"date", "source", "status"}:
            # Only a changed sort key invalidates the sorts (each costs ~36 ms at 100k).
            self._orders.clear()
        self._last = None
        self._results.clear()
        self._cache.clear()
        try:
            position = self.shown.index(index)
        except ValueError:
            return
        self.refresh_lines(position * ROWS_PER_ENTRY, ROWS_PER_ENTRY)

    @property
    def current_id(self) -> str | None:
        if not self.shown:
            return None
        return self.entries[self.shown[min(self.cursor, len(self.shown) - 1)]].id

    def select_id(self, article_id: str) -> None:
        index = self._positions.get(article_id)
        if index is None:
            return
        try:
            self.cursor = self.shown.index(index)
        except ValueError:
            return

    @property
    def labels(self) -> list[str]:
        """Labels with at least one accepted span in some article, for the label filter."""
        found: set[str] = set()
        for entry in self.entries:
            if entry.counts:
                found.update(label for label, n in entry.counts.items() if n)
        return sorted(found)

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
        if self._keys is None and all(e._key is not None for e in self.entries):
            self._keys = [e._key for e in self.entries]  # type: ignore[misc]
        if self._keys is None:
            titles = [e.title for e in self.entries]
            joined = _SEP.join(titles)
            keys = normalize(joined).split(_SEP) if titles else []
            if len(keys) != len(titles):  # a title held the separator: do it one by one
                keys = [normalize(t) for t in titles]
            self._keys = keys
            for entry, key in zip(self.entries, keys, strict=True):
                entry._key = key
        return self._keys

    def on_mount(self) -> None:
        self._warm_orders()

    def _warm_orders(self) -> None:
        """Sort a large list in every order once, off the event loop, so the first ``o``
        or the first search in a new order does not pay for the sort (36 ms per 100,000
        titles here). Results land in ``_orders``; a race only repeats a sort."""
        if len(self.entries) < 5_000:
            return
        entries = self.entries

        def warm() -> None:
            for sort in SORT_ORDERS:
                if self.entries is not entries:
                    return
                self.order(sort)

        self.run_worker(warm, thread=True, exclusive=True, group="warm-orders")

    def order(self, sort: str) -> list[int]:
        """Entry indexes in ``sort`` order (stable: ties keep corpus order)."""
        cached = self._orders.get(sort)
        if cached is not None:
            return cached
        entries = self.entries
        indexes = range(len(entries))
        # Sort keys go into plain lists first so the sort calls a C-level __getitem__ per
        # comparison instead of a Python lambda: 100,000 titles sort in a few ms.
        if sort in ("date_desc", "date_asc"):
            dates = [e.date or "" for e in entries]
            dated = [i for i in indexes if dates[i]]
            dated.sort(key=dates.__getitem__, reverse=sort == "date_desc")
            result = dated + [i for i in indexes if not dates[i]]
        elif sort == "source":
            # One string per entry (no source sorts last), cheaper to compare than tuples.
            keys = [("\x00" + e.source if e.source else "\x01") + "\x00" + (e.date or "")
                    for e in entries]
            result = sorted(indexes, key=keys.__getitem__)
        elif sort == "status":
            ranks = [_STATUS_RANK.get(e.status, 9) for e in entries]
            result = sorted(indexes, key=ranks.__getitem__)
        else:
            result = list(indexes)
        self._orders[sort] = result
        return result

    def filtered(self, query: str, status: str | None, label: str | None, sort: str
                 ) -> list[int]:
        """Entry indexes shown for these settings, in display order."""
        key = normalize(query.strip()) if query.strip() else ""
        remembered = self._results.get((key, status, label, sort))
        if remembered is not None:
            self._last = (key, status, label, sort, remembered)
            return remembered
        last = self._last
        if (last is not None and key and last[0] and last[0] in key
                and last[1:4] == (status, label, sort)):
            candidates = last[4]  # the query grew: only what the last one kept can match
        else:
            candidates = self.order(sort)
        entries = self.entries
        result = candidates
        if status is not None:
            result = [i for i in result if entries[i].status == status]
        if label is not None:
            result = [i for i in result if entries[i].counts.get(label)]
        if key:
            keys = self.search_keys()
            result = [i for i in result if key in keys[i]]
        elif result is candidates:
            result = list(candidates)
        self._last = (key, status, label, sort, result)
        if len(self._results) >= _REMEMBERED:
            self._results.pop(next(iter(self._results)))
        self._results[(key, status, label, sort)] = result
        return result

    def _apply_filter(self) -> None:
        current = self.current_id
        status, label, sort = self.status_filter, self.label_filter, self.sort_by
        self.shown = self.filtered(self.query, status, label, sort)
        self.virtual_size = Size(self.size.width, max(1, len(self.shown)) * ROWS_PER_ENTRY)
        self._cache.clear()
        self.cursor = 0
        if current is not None:
            self.select_id(current)
        self.refresh()
        message = self.FilterChanged(len(self.shown), len(self.entries), status, self.query,
                                     label, sort)
        if self.parent is not None and hasattr(self.parent, "border_subtitle"):
            self.parent.border_subtitle = message.view
        self.post_message(message)

    # ------------------------------------------------------------------ drawing
    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self.shown)) * ROWS_PER_ENTRY)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        row = scroll_y + y
        width = self.scrollable_content_region.width
        position, part = divmod(row, ROWS_PER_ENTRY)
        if not self.shown:
            if row == 0:
                style = self.get_component_rich_style("article-list--empty")
                text = "no article matches" if self.entries else "no articles"
                return Strip([Segment(text[:width].ljust(width), style)], width)
            return Strip.blank(width, self.rich_style)
        if position >= len(self.shown):
            return Strip.blank(width, self.rich_style)
        selected = position == self.cursor
        key = (position, part, width, selected, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            entry = self.entries[self.shown[position]]
            strip = self._draw(entry, part, width, selected)
            self._cache[key] = strip
        return strip

    def _draw(self, entry: Entry, part: int, width: int, selected: bool) -> Strip:
        base = self.rich_style
        if selected:
            base = base + self.get_component_rich_style("article-list--cursor")
        if part == 0:
            return self._title_strip(entry.title, width, base)
        meta = self.get_component_rich_style("article-list--meta")
        mark_style = meta
        if entry.status == "done":
            mark_style = self.get_component_rich_style("article-list--done")
        parts = [entry.date or "—"]
        if entry.source:
            parts.append(entry.source)
        total = sum(entry.counts.values())
        if total:
            parts.append(f"{total} entit{'y' if total == 1 else 'ies'}")
        text = " · ".join(parts)
        mark = STATUS_MARKS.get(entry.status, "?")
        # Sources are often Arabic names: lay the row out like any other text.
        body = " " + visual_line(text, max(1, width - 3))
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
        lines = layout_paragraph(title or "(untitled)", avail, direction)
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
        # Cached strips are keyed by position and selection: nothing to invalidate here.
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

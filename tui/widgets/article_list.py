"""The article list: two rows per article (shaped title; status · date · source), virtualised.

Built on the Line API like the reader, so only visible rows are drawn however long the
corpus is; titles go through the same layout engine as the article text. Search matches
Arabic-normalized titles (harakat, tatweel and letter variants ignored) and a status filter
narrows the list; both only change which entries are shown, never the corpus order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class Entry:
    """What the list knows of an article: enough to draw and filter, not its text."""

    id: str
    title: str
    date: str | None = None
    source: str | None = None
    status: str = "new"
    counts: dict[str, int] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        self.key = normalize(self.title)

    @staticmethod
    def source_of(url: str | None, source: str | None) -> str | None:
        if source:
            return source
        if url:
            host = urlparse(url).hostname or ""
            return host.removeprefix("www.") or None
        return None


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
    query: reactive[str] = reactive("")

    class Selected(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class FilterChanged(Message):
        def __init__(self, shown: int, total: int, status: str | None, query: str) -> None:
            super().__init__()
            self.shown, self.total, self.status, self.query = shown, total, status, query

    def __init__(self, entries: list[Entry] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: list[Entry] = entries or []
        self.shown: list[int] = list(range(len(self.entries)))
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)

    # ------------------------------------------------------------------ data
    def set_entries(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._apply_filter()

    def update_entry(self, article_id: str, **changes) -> None:
        for index, entry in enumerate(self.entries):
            if entry.id == article_id:
                for key, value in changes.items():
                    setattr(entry, key, value)
                self._cache.clear()
                if index in self.shown:
                    self.refresh_lines(self.shown.index(index) * ROWS_PER_ENTRY, ROWS_PER_ENTRY)
                return

    @property
    def current_id(self) -> str | None:
        if not self.shown:
            return None
        return self.entries[self.shown[min(self.cursor, len(self.shown) - 1)]].id

    def select_id(self, article_id: str) -> None:
        for position, index in enumerate(self.shown):
            if self.entries[index].id == article_id:
                self.cursor = position
                return

    def watch_status_filter(self) -> None:
        self._apply_filter()

    def watch_query(self) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        current = self.current_id
        key = normalize(self.query.strip()) if self.query.strip() else ""
        status = self.status_filter
        self.shown = [
            i
            for i, entry in enumerate(self.entries)
            if (status is None or entry.status == status) and (not key or key in entry.key)
        ]
        self.virtual_size = Size(self.size.width, max(1, len(self.shown)) * ROWS_PER_ENTRY)
        self._cache.clear()
        self.cursor = 0
        if current is not None:
            self.select_id(current)
        self.refresh()
        self.post_message(
            self.FilterChanged(len(self.shown), len(self.entries), status, self.query)
        )

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
            parts.append(f"{total} ann.")
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
        self._cache.clear()
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

    def on_click(self, event) -> None:
        position = (self.scroll_offset.y + event.y) // ROWS_PER_ENTRY
        if 0 <= position < len(self.shown):
            if position == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = position

"""How the article list draws: one article is two rows (its shaped title; status mark ·
date · source · entity count), each turned into a ``Strip`` of the list's width;
``EntryRows``, the scrolling view of such rows with its strip cache and drawing ahead; and
its scrollbar, which repaints only when its thumb moves on screen.

Kept apart from the widget (``tui.widgets.article_list``) so that what a row looks like can
be read, and changed, without the list's scrolling, caching and growth around it. Titles
and sources go through the same layout engine (``tui.rtl``) as the article text.
"""

from __future__ import annotations

from collections import deque
from math import ceil
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from tui.rtl.layout import BaseDirection, article_direction, layout_paragraph
from tui.rtl.visual_text import visual_line
from tui.services.list_columns import PENDING
from tui.services.list_model import STATUS_MARKS

# Screen rows per article: the title, then the details.
ROWS_PER_ENTRY = 2
# Idle seconds after a repaint before the neighbouring pages are drawn ahead, and how many
# strips are drawn per turn of the event loop meanwhile.
DRAW_AHEAD_DELAY = 0.05
DRAW_AHEAD_SLICE = 6


def details_text(date: str | None, source: str | None, counts: dict[str, int] | None) -> str:
    """The second row's words: date (or a dash), source if known, accepted entities per
    label and the pending suggestions waiting for a decision."""
    parts = [date or "—"]
    if source:
        parts.append(source)
    counts = dict(counts or {})
    pending = counts.pop(PENDING, 0)
    # Per label, most frequent first (three at most: the row is narrow), then the rest.
    ranked = sorted(((n, label) for label, n in counts.items() if n), reverse=True)
    shown = [f"{label} {n}" for n, label in ranked[:3]]
    rest = sum(n for n, _ in ranked[3:])
    if rest:
        shown.append(f"+{rest}")
    if shown:
        parts.append(" ".join(shown))
    if pending:
        parts.append(f"{pending} pending")
    return " · ".join(parts)


def details_strip(status: str, text: str, width: int, base: Style, meta: Style,
                  mark_style: Style, bidi: str, shared: str | None = None) -> Strip:
    """The second row: the status mark, ``shared`` (an article of a team's overlap: who
    else annotates it) beside it, then ``text`` laid out like any other text (sources
    are often Arabic names, which would carry a mark inside the text to the far side)."""
    mark = STATUS_MARKS.get(status, "?")
    lead = f" {mark}" + (f" {shared}" if shared else "")
    body = " " + visual_line(text, max(1, width - 1 - cell_len(lead)), mode=bidi)
    segments = [
        Segment(f" {mark}", base + mark_style),
        *([Segment(f" {shared}", base + mark_style + Style(bold=True))] if shared else []),
        Segment(body, base + meta),
    ]
    used = cell_len(lead) + cell_len(body)
    if used < width:
        segments.append(Segment(" " * (width - used), base))
    return Strip(segments, width).crop(0, width)


def title_strip(title: str, width: int, style: Style, bidi: str) -> Strip:
    """The first row: the title's first visual line, an ellipsis where it goes on, RTL
    titles against the right edge as the reader aligns them."""
    avail = max(1, width - 2)
    direction = article_direction(title) if title else BaseDirection.RTL
    lines = layout_paragraph(title or "(untitled)", avail, direction, bidi)
    line = lines[0]
    text = line.text
    cells = line.cell_width
    if len(lines) > 1:
        # The title goes on past this line: mark where reading would continue.
        # In display order an RTL line goes on at its left end; in logical order (the
        # terminal lays it out) the ellipsis is last, and the terminal puts it there.
        at_left = line.rtl and bidi == "app"
        if at_left:
            text, cells = "…" + text, cells + 1
        else:
            kept = text.rstrip(" ")  # the space the line broke at is not part of it
            text, cells = kept + "…", cells - (len(text) - len(kept)) + 1
        if cells > avail:
            # One cell less, the ellipsis kept: the cell beside it goes.
            text, cells = ("…" + text[2:] if at_left else text[:-2] + "…"), cells - 1
    pad = max(0, avail - cells)
    content = " " * (pad + 1) + text + " " if line.rtl else " " + text + " " * (pad + 1)
    return Strip([Segment(content, style)], width).crop(0, width)


class QuietScrollBar(ScrollBar):
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


class EntryRows(ScrollView):
    """A ScrollView on the Line API whose content is ``shown`` (entry indexes), each entry
    ``ROWS_PER_ENTRY`` rows drawn by ``_draw``: only the rows on screen are drawn, however
    many entries there are, and drawn strips are cached by (row, part, width, selected,
    focused), so that a row draws the same wherever sorting, filtering or growth puts it.
    After a pause the pages above and below the view are drawn ahead, a few strips per
    turn of the event loop. The subclass (``ArticleList``) says what is shown, where the
    cursor is (``cursor``), and how an entry looks (``_draw``, ``_empty_text``)."""

    # The component class of the line shown when no entry is.
    EMPTY_COMPONENT = "article-list--empty"

    cursor: int  # a reactive of the subclass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: list[int] = []
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._frame: tuple[int, int, bool] | None = None
        # Rows of the pages above and below the view, drawn ahead in idle moments.
        self._ahead: deque[int] = deque()
        self._ahead_top: int | None = None
        self._ahead_timer: Any = None

    def _draw(self, index: int, part: int, width: int, selected: bool) -> Strip:
        """Row ``part`` of entry ``index``, ``width`` cells wide: the subclass's drawing
        (``ArticleList``); this base holds only the cache and scrolling around it."""
        raise NotImplementedError

    def _empty_text(self) -> str:
        """The line shown when no entry is."""
        return "nothing to show"

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
        self.set_reactive(EntryRows.virtual_size, size)
        self._scroll_update(size)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, made as Textual makes it, but quiet (``QuietScrollBar``)."""
        if self._vertical_scrollbar is None:
            bar = QuietScrollBar(vertical=True, name="vertical",
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
                style = self.get_component_rich_style(self.EMPTY_COMPONENT)
                text = self._empty_text()
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

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()


"""The reader: an article shaped and laid out right-to-left, drawn one visible line at a time.

A ScrollView on Textual's Line API (as Toolong's log view): ``render_line`` asks the
document layout for the row under each screen line, so only visible lines are shaped and
reordered, and rendered strips are kept in an LRU cache keyed by what they show. A cursor
move repaints just the rows it leaves and enters.

The cursor sits on a word (the default target of a label) and moves *as seen on screen*:
← goes to the word drawn to the left, which in an Arabic paragraph is the next word read.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.rtl import navigation
from tui.rtl.document import SPACER, DocumentLayout
from tui.rtl.layout import BaseDirection
from tui.services.article_session import Decoration
from tui.widgets.reader_trims import TRIM_BINDINGS, bad_bounds, kept_trims


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Reader(ScrollView, can_focus=True):
    """Scrollable, cursor-driven view of one article."""

    BINDINGS = [
        Binding("left", "move_word(-1)", "Word ←", show=False),
        Binding("right", "move_word(1)", "Word →", show=False),
        Binding("up", "move_line(-1)", "Line up", show=False),
        Binding("down", "move_line(1)", "Line down", show=False),
        Binding("home,ctrl+home", "article_edge(-1)", "Article start", show=False),
        Binding("end,ctrl+end", "article_edge(1)", "Article end", show=False),
        Binding("pageup", "move_page(-1)", "Page up", show=False),
        Binding("pagedown,space", "move_page(1)", "Page down", show=False),
        Binding("v", "toggle_select", "Select"),
        Binding("shift+left", "extend_word(-1)", "Extend ←", show=False),
        Binding("shift+right", "extend_word(1)", "Extend →", show=False),
        Binding("shift+up", "extend_line(-1)", "Extend up", show=False),
        Binding("shift+down", "extend_line(1)", "Extend down", show=False),
        Binding("escape", "clear_selection", "Clear", show=False),
        *TRIM_BINDINGS,
        *[
            Binding(str(k), f"annotate('label','{k}')", f"Label {k}", show=False)
            for k in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)
        ],
        Binding("l", "annotate('pick_label')", "Label…", show=False),
        Binding("h", "annotate('highlight')", "Highlight"),
        Binding("N", "annotate('note')", "Note", show=False),
        Binding("C", "annotate('category')", "Highlight colour", show=False),
        Binding("e", "annotate('event')", "Event"),
        Binding("a", "annotate('accept')", "Accept", show=False),
        Binding("x", "annotate('reject')", "Reject", show=False),
        Binding("X", "annotate('reject_all_alike')", "Reject look-alikes", show=False),
        Binding("A", "annotate('accept_all')", "Accept all", show=False),
        Binding("full_stop", "annotate('next_pending',1)", "Next suggestion", show=False),
        Binding("comma", "annotate('next_pending',-1)", "Prev suggestion", show=False),
        Binding("P", "annotate('propagate')", "Propagate", show=False),
        Binding("delete,backspace", "annotate('delete')", "Remove", show=False),
        Binding("G", "annotate('guidelines')", "Guidelines", show=False),
    ]

    COMPONENT_CLASSES = {
        "reader--title",
        "reader--cursor",
        "reader--cursor-on-span",
        "reader--selection",
        "reader--control",
        "reader--stale",
    }

    DEFAULT_CSS = """
    Reader { background: $surface; padding: 0 1; }
    Reader > .reader--title { text-style: bold; color: $text-accent; }
    Reader > .reader--cursor { background: $accent 45%; text-style: bold; }
    Reader > .reader--cursor-on-span { text-style: bold underline; }
    Reader > .reader--selection { background: $primary 55%; }
    Reader > .reader--control { color: $text-warning; text-style: dim; }
    """

    class CursorMoved(Message):
        """The cursor word (and selection) changed: the side pane follows it.

        ``article_id`` is the article the offsets belong to: a message still queued when
        another article is opened is about the old text and is dropped by the screen."""

        def __init__(self, reader: Reader, word: Span | None, selection: Span | None) -> None:
            super().__init__()
            self.reader = reader
            self.article_id = reader.article_id
            self.word = word
            self.selection = selection

    class Annotate(Message):
        """An annotation key on a target span; the screen applies it through the store.

        Carries the ``article_id`` the target's offsets refer to, so a key typed just
        before ``n`` opened the next article never lands on that one."""

        def __init__(self, reader: Reader, action: str, arg: Any, target: Span | None,
                     selection: bool) -> None:
            super().__init__()
            self.reader = reader
            self.article_id = reader.article_id
            self.action = action
            self.arg = arg
            self.target = target
            self.selection = selection

    def __init__(
        self,
        *,
        bidi: str = "app",
        direction: BaseDirection | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.bidi = bidi
        self.forced_direction = direction
        self.article_id: str | None = None
        self.text = ""
        self.base = BaseDirection.RTL
        self.doc: DocumentLayout | None = None
        self._word = 0  # index of the cursor word in doc.words
        self._anchor: int | None = None  # word index where the selection started
        self._line_cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._title_para = 0
        self._trim = (0, 0)  # character trims of the selection's start and end
        self._decorations: list[Decoration] = []
        self._deco_starts: list[int] = []
        self._deco_longest = 0
        self._deco_version = 0
        self._styles: dict[tuple[str, str], Style] = {}
        # Per repaint: (scroll offset, content width, base style), not looked up per line.
        self._frame: tuple[int, int, int, Style] | None = None

    # ------------------------------------------------------------------ loading / layout
    def load(self, article_id: str, text: str) -> None:
        """Show an article with the cursor on its first word."""
        from tui.rtl.layout import article_direction

        self.article_id = article_id
        self.text = text
        self.base = self.forced_direction or article_direction(text)
        self._word = 0
        self._anchor = None
        self._trim = (0, 0)
        self.doc = None
        self._decorations = []
        self._deco_starts = []
        self._line_cache.clear()
        self._relayout()
        self.scroll_to(0, 0, animate=False)
        self._post_cursor()

    def _content_width(self) -> int:
        return max(8, self.scrollable_content_region.width)

    def _relayout(self) -> None:
        width = self._content_width()
        self.doc = DocumentLayout(self.text, width, self.base, self.bidi)
        self._title_para = next((r.para for r in self.doc.rows if r.end > r.start), 0)
        self._line_cache.clear()
        self.virtual_size = Size(width, len(self.doc.rows))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.doc is not None and self.doc.width != self._content_width():
            self._relayout()
            self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    # ------------------------------------------------------------------ state helpers
    @property
    def word_span(self) -> Span | None:
        if self.doc is None or not self.doc.words:
            return None
        start, end = self.doc.words[self._word]
        return Span(start, end)

    @property
    def selection(self) -> Span | None:
        """The selected logical span: from the anchor word to the cursor word, whichever
        comes first in the text, however the two lie on screen."""
        if self._anchor is None or self.doc is None or not self.doc.words:
            return None
        a = self.doc.words[self._anchor]
        b = self.doc.words[self._word]
        start, end = min(a[0], b[0]) + self._trim[0], max(a[1], b[1]) + self._trim[1]
        return Span(start, end) if start < end else Span(start, start + 1)

    @property
    def target(self) -> Span | None:
        """What an action applies to: the selection, else the word under the cursor."""
        return self.selection or self.word_span

    def _rows_of(self, span: Span | None) -> range:
        if span is None or self.doc is None:
            return range(0)
        first = self.doc.row_of_offset(span.start)
        last = self.doc.row_of_offset(max(span.start, span.end - 1))
        return range(first, last + 1)

    def _cursor_row(self) -> int:
        span = self.word_span
        return 0 if span is None or self.doc is None else self.doc.row_of_offset(span.start)

    # ------------------------------------------------------------------ decorations
    def set_decorations(self, decorations: list[Decoration]) -> None:
        """Show the article's annotations; the visible rows repaint, others when drawn."""
        self._decorations = sorted(decorations, key=lambda d: (d.start, d.end))
        self._deco_starts = [d.start for d in self._decorations]
        self._deco_longest = max((d.end - d.start for d in self._decorations), default=0)
        self._deco_version += 1
        self._line_cache.clear()
        self.refresh()

    def decorations_between(self, start: int, end: int) -> list[Decoration]:
        """Decorations overlapping [start, end), found by bisection, not a scan."""
        if not self._decorations:
            return []
        lo = bisect_left(self._deco_starts, start - self._deco_longest)
        hi = bisect_left(self._deco_starts, end)
        return [d for d in self._decorations[lo:hi] if d.end > start and d.start < end]

    def _deco_style(self, kind: str, colour: str) -> Style:
        key = (kind, colour)
        style = self._styles.get(key)
        if style is None:
            if kind == "entity":
                style = Style(bgcolor=colour, color="#101010")
            elif kind == "suggestion":
                style = Style(color=colour, italic=True, underline=True)
            elif kind == "highlight":
                style = Style(bgcolor=colour, color="#101010")
            else:  # event trigger
                style = Style(color=colour, bold=True, underline=True)
            self._styles[key] = style
        return style

    def _glyph_style(self, base: Style, decos: list[Decoration], a: int, b: int) -> Style:
        style = base
        covering = [d for d in decos if d.start < b and a < d.end]
        if not covering:
            return style
        entities = 0
        for kind in ("highlight", "suggestion", "entity", "trigger"):
            # Outer spans first so the innermost entity's colour shows (nesting).
            for d in sorted((d for d in covering if d.kind == kind),
                            key=lambda d: d.start - d.end):
                style = style + self._deco_style(kind, d.colour)
                if kind == "entity":
                    entities += 1
        if entities > 1:
            style = style + Style(underline=True, bold=True)
        return style

    # ------------------------------------------------------------------ rendering
    def render_lines(self, crop: Region) -> list[Strip]:
        # The base style walks every ancestor's styles: once per repaint, not per line.
        scroll_x, scroll_y = self.scroll_offset
        self._frame = (scroll_x, scroll_y, self.scrollable_content_region.width,
                       self.rich_style)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            scroll_x, scroll_y = self.scroll_offset
            frame = (scroll_x, scroll_y, self.scrollable_content_region.width,
                     self.rich_style)
        scroll_x, scroll_y, width, base_style = frame
        row = scroll_y + y
        if self.doc is None or row >= len(self.doc.rows):
            return Strip.blank(width, base_style)
        word = self.word_span
        selection = self.selection
        doc_row = self.doc.rows[row]
        key_word = None
        if word and word.start < doc_row.end and word.end > doc_row.start:
            key_word = (word.start, word.end)
        key_sel = None
        if selection and selection.start < doc_row.end and selection.end > doc_row.start:
            key_sel = (max(selection.start, doc_row.start), min(selection.end, doc_row.end))
        key = (row, self.doc.width, key_word, key_sel, self._anchor is not None,
               self._deco_version)
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._render_row(
                row, word if key_word else None, selection if key_sel else None, base_style
            )
            self._line_cache[key] = strip
        return strip.crop(scroll_x, scroll_x + width)

    def _render_row(self, row: int, word: Span | None, selection: Span | None,
                    base_style: Style) -> Strip:
        assert self.doc is not None
        doc = self.doc
        width = doc.width
        doc_row = doc.rows[row]
        if doc_row.para == SPACER or doc_row.end == doc_row.start:
            return Strip.blank(width, base_style)
        line = doc.line(row)
        p_start = doc.paragraphs[doc_row.para][0]
        text_style = base_style
        if doc_row.para == self._title_para:
            text_style = base_style + self.get_component_rich_style("reader--title")
        cursor_style = self.get_component_rich_style("reader--cursor")
        # On a span or inside a selection the cursor keeps the colour under it (the label,
        # the selection, a trimmed letter left out of it) and only underlines and bolds.
        cursor_on_span = self.get_component_rich_style("reader--cursor-on-span").without_color
        selecting = self._anchor is not None
        selection_style = self.get_component_rich_style("reader--selection")
        control_style = self.get_component_rich_style("reader--control")

        decos = self.decorations_between(doc_row.start, max(doc_row.end, doc_row.start + 1))
        segments: list[Segment] = []
        pad = doc.padding(row)
        if pad:
            segments.append(Segment(" " * pad, base_style))
        run_text: list[str] = []
        run_style: Style | None = None
        for g, (glyph, (s, e)) in enumerate(zip(line.glyphs, line.spans, strict=True)):
            a, b = p_start + s, p_start + e
            style = self._glyph_style(text_style, decos, a, b) if decos and e > s else text_style
            if g in line.controls:
                style = style + control_style
            if selection is not None and a < selection.end and selection.start < b:
                style = style + selection_style
            if word is not None and a < word.end and word.start < b and not glyph.isspace():
                on_span = selecting or any(d.start < b and a < d.end for d in decos)
                style = style + (cursor_on_span if on_span else cursor_style)
            if style != run_style and run_text:
                segments.append(Segment("".join(run_text), run_style))
                run_text = []
            run_style = style
            run_text.append(glyph)
        if run_text:
            segments.append(Segment("".join(run_text), run_style))
        used = pad + line.cell_width
        if used < width:
            segments.append(Segment(" " * (width - used), base_style))
        return Strip(segments, max(width, used))

    # ------------------------------------------------------------------ cursor movement
    def _set_word(self, index: int, *, extend: bool = False, notify: bool = True) -> None:
        if self.doc is None or not self.doc.words:
            return
        if extend and self._anchor is None:
            self._anchor = self._word
        old_edges = self._edge_words()
        old_rows = set(self._rows_of(self.word_span)) | set(self._rows_of(self.selection))
        self._word = max(0, min(index, len(self.doc.words) - 1))
        self._keep_trims(old_edges)
        new_rows = set(self._rows_of(self.word_span)) | set(self._rows_of(self.selection))
        self._scroll_cursor_into_view()
        self._refresh_rows(old_rows | new_rows)
        if notify:
            self._post_cursor()

    def _edge_words(self) -> tuple[int, int] | None:
        """The words at the selection's start and end (None without a selection)."""
        if self._anchor is None:
            return None
        return min(self._anchor, self._word), max(self._anchor, self._word)

    def _keep_trims(self, old_edges: tuple[int, int] | None) -> None:
        """After the cursor moved: trims on edges that stayed are kept; one dropped is
        said, never silent (reader_trims.kept_trims)."""
        self._trim, dropped = kept_trims(self._trim, old_edges, self._edge_words())
        if dropped:
            self.notify(f"Trim of the selection's {' and '.join(dropped)} dropped: that edge "
                        "moved to another word ([ ] { } trim again).", timeout=4)

    def _refresh_rows(self, rows: set[int]) -> None:
        if not rows:
            return
        if len(rows) > 8 or max(rows) - min(rows) > 8:
            lo, hi = min(rows), max(rows)
            visible_lo = self.scroll_offset.y
            visible_hi = visible_lo + self.size.height
            lo, hi = max(lo, visible_lo), min(hi, visible_hi)
            if lo <= hi:
                self.refresh_lines(lo, hi - lo + 1)
            return
        for row in rows:
            self.refresh_line(row)

    def _scroll_cursor_into_view(self) -> None:
        if self.doc is None:
            return
        row = self._cursor_row()
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _post_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self.word_span, self.selection))

    def _neighbour_word(self, direction: int) -> int | None:
        """The word drawn next to the cursor word in ``direction`` (-1 left, +1 right)."""
        if self.doc is None:
            return None
        return navigation.neighbour_word(self.doc, self._cursor_row(), self._word, direction,
                                         bidi=self.bidi, base=str(self.base))

    def _cursor_column(self) -> int:
        doc = self.doc
        span = self.word_span
        if doc is None or span is None:
            return 0
        return navigation.word_column(doc, self._cursor_row(), span.start, span.end)

    def _line_target(self, delta: int) -> int | None:
        if self.doc is None:
            return None
        return navigation.line_target(self.doc, self._cursor_row(), self._word,
                                      self._cursor_column(), delta)

    def action_move_word(self, direction: int) -> None:
        target = self._neighbour_word(direction)
        if target is not None:
            self._set_word(target, extend=self._anchor is not None)

    def action_extend_word(self, direction: int) -> None:
        if self._anchor is None:
            self._anchor = self._word
        self.action_move_word(direction)

    def action_move_line(self, delta: int) -> None:
        target = self._line_target(delta)
        if target is not None:
            self._set_word(target, extend=self._anchor is not None)

    def action_extend_line(self, delta: int) -> None:
        if self._anchor is None:
            self._anchor = self._word
        self.action_move_line(delta)

    def action_move_page(self, direction: int) -> None:
        if self.doc is None:
            return
        height = max(1, self.scrollable_content_region.height - 1)
        target = self._line_target(direction * height)
        if target is None:
            self.action_article_edge(direction)
            return
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, immediate=True)
        self._set_word(target, extend=self._anchor is not None)

    def action_article_edge(self, direction: int) -> None:
        if self.doc is None or not self.doc.words:
            return
        self._set_word(0 if direction < 0 else len(self.doc.words) - 1,
                       extend=self._anchor is not None)

    def action_toggle_select(self) -> None:
        rows = set(self._rows_of(self.selection))
        self._anchor = None if self._anchor is not None else self._word
        self._trim = (0, 0)
        self._refresh_rows(rows | set(self._rows_of(self.word_span)))
        self._post_cursor()

    def action_clear_selection(self) -> None:
        if self._anchor is None:
            return
        rows = set(self._rows_of(self.selection))
        self._anchor = None
        self._trim = (0, 0)
        self._refresh_rows(rows)
        self._post_cursor()

    def end_selection(self) -> None:
        """After an action consumed the selection (a label applied, a trigger made)."""
        self.action_clear_selection()

    def action_trim(self, d_start: int, d_end: int) -> None:
        """``[``/``]`` move the selection's start/end one character inwards, ``{``/``}``
        outwards: how a stem-only span (بموسكو → موسكو) is made. With no selection the key
        adjusts the entity under the cursor instead (the screen does that)."""
        if self._anchor is None:
            self.post_message(self.Annotate(self, "adjust", (d_start, d_end), self.word_span,
                                            False))
            return
        before = self.selection
        start_trim, end_trim = self._trim[0] + d_start, self._trim[1] + d_end
        a = self.doc.words[self._anchor] if self.doc else (0, 0)
        b = self.doc.words[self._word] if self.doc else (0, 0)
        start, end = min(a[0], b[0]) + start_trim, max(a[1], b[1]) + end_trim
        problem = bad_bounds(self.text, start, end)
        if problem is not None:
            self.app.bell()
            self.notify(problem[0].upper() + problem[1:] + ".", severity="warning", timeout=3)
            return
        self._trim = (start_trim, end_trim)
        self._refresh_rows(set(self._rows_of(before)) | set(self._rows_of(self.selection)))
        self._post_cursor()

    def action_annotate(self, action: str, arg: Any = None) -> None:
        self.post_message(
            self.Annotate(self, action, arg, self.target, self.selection is not None)
        )

    def move_to_offset(self, offset: int, *, notify: bool = True) -> None:
        """Put the cursor on the word at an article offset (from the tagging pane or search)."""
        if self.doc is None:
            return
        if self._anchor is not None:
            self.action_clear_selection()
        index = self.doc.word_at(offset)
        if index is not None:
            self._set_word(index, notify=notify)

    # ------------------------------------------------------------------ mouse
    def _word_at_screen(self, x: int, y: int) -> int | None:
        doc = self.doc
        if doc is None:
            return None
        row = self.scroll_offset.y + y
        if not 0 <= row < len(doc.rows) or doc.rows[row].para == SPACER:
            return None
        line = doc.line(row)
        glyph = line.glyph_at_x(x - doc.padding(row))
        if glyph is None:
            return None
        s, _e = line.spans[glyph]
        p_start = doc.paragraphs[doc.rows[row].para][0]
        index = doc.word_at(p_start + s)
        if index is None:
            return None
        ws, we = doc.words[index]
        return index if ws <= p_start + s < we else None

    def _content_offset(self, event: events.MouseEvent) -> tuple[int, int]:
        region: Region = self.scrollable_content_region
        return event.x - (region.x - self.region.x), event.y - (region.y - self.region.y)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        x, y = self._content_offset(event)
        index = self._word_at_screen(x, y)
        if index is None:
            return
        self.focus()
        if self._anchor is not None:
            self.action_clear_selection()
        self._set_word(index)
        self._drag_from = index
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        # A drag is a move between our mouse-down and mouse-up (the mouse is captured
        # meanwhile); terminals differ in whether moves report the held button.
        start = getattr(self, "_drag_from", None)
        if start is None:
            return
        x, y = self._content_offset(event)
        index = self._word_at_screen(x, y)
        if index is not None and index != self._word:
            if self._anchor is None:
                self._anchor = start
            self._set_word(index, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag_from = None
        self.release_mouse()

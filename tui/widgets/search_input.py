"""A text field that shows Arabic as the rest of the app does: shaped and right-to-left.

Textual's ``Input`` writes its value in logical order, one letter form per code point, left
to right; in a terminal without bidi an Arabic query reads reversed and unjoined. With
``--bidi app`` (the default) ``SearchInput`` draws the value through the layout engine
(tui.rtl.layout) instead: the direction is the one the list titles get
(``article_direction``), an RTL value sits against the right edge, letters are shaped, and the
cursor and the selection land on the cells that show their logical offsets. A value wider
than the field is cropped to a window that keeps the cursor in view.

Editing stays logical and Textual's: ``value``, ``cursor_position``, ``selection``, typing,
deleting and the messages (``Input.Changed`` …) are untouched. Only the drawing, the
cursor's cell (``_cursor_offset``, which also places the terminal's cursor for input methods),
the click → offset map (``_cell_offset_to_index``) and the arrows change:

* the cursor is a block on the glyph that shows the character after it, as in ``Input``; a
  lam-alef or a letter with its harakat is one glyph, so every offset inside it shows there.
  At the logical end the cursor is one cell past the text: left of it when RTL.
* ``left``/``right`` step by glyph (a lam-alef or a letter with harakat is one step) and, in
  an RTL value, ``left`` goes onward (logically forward) and ``right`` back, as the reader's
  arrows do; ``ctrl+left``/``ctrl+right`` likewise by words. ``home``/``end`` are the
  logical start (right edge when RTL) and end. Inside a Latin word or a number of an RTL
  value the arrows therefore move against the letters on screen (they follow the logical
  order there too).

With ``--bidi terminal`` the terminal does bidi and the field is a plain ``Input``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets._input import Selection

from tui.rtl.layout import VisualLine, article_direction, layout_paragraph

# Wide enough for any query to stay on one line (the layout only wraps).
_ONE_LINE = 1 << 20


@dataclass(frozen=True, slots=True)
class _View:
    """The value laid out on a canvas of ``width`` cells: the glyphs, plus the end cell."""

    line: VisualLine
    rtl: bool
    # Column where glyph 0 starts: 1 when RTL (the end cell is column 0), else 0.
    origin: int
    width: int  # the glyphs' cells + 1 for the end cell

    def cursor_column(self, position: int) -> int:
        line = self.line
        if position >= line.end:
            return 0 if self.rtl else self.width - 1
        return self.origin + line.glyph_x(line.glyph_for_offset(max(0, position)))


def _view(value: str) -> _View:
    # A newline (only ever set from code) would start a paragraph: keep it as a space.
    text = value.replace("\n", " ")
    line = layout_paragraph(text, _ONE_LINE, article_direction(text), "app")[0]
    return _View(line, line.rtl, 1 if line.rtl else 0, line.cell_width + 1)


class SearchInput(Input):
    """``Input`` whose value is shown shaped and in visual order (see the module docstring).

    ``bidi`` is "app" or "terminal"; by default the app's ``bidi`` attribute (WarraqApp),
    else "app".
    """

    def __init__(self, *args: Any, bidi: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bidi = bidi
        # Window over a canvas wider than the field: how many cells are hidden on the
        # value's start side (the right when RTL), kept while the cursor stays in view.
        self._hidden = 0

    @property
    def bidi(self) -> str:
        if self._bidi is not None:
            return self._bidi
        return getattr(self.app, "bidi", "app") if self.is_attached else "app"

    def _laid_out(self) -> bool:
        """True when this widget draws the value itself (app bidi, a value, no password)."""
        return bool(self.value) and not self.password and self.bidi == "app"

    # ------------------------------------------------------------------ geometry
    def _window(self, view: _View, width: int) -> int:
        """Canvas column shown at the field's column 0 (negative: padding on the left)."""
        if view.width <= width:
            self._hidden = 0
            return view.width - width if view.rtl else 0
        column = view.cursor_column(self.cursor_position)
        # Measured from the start side, so a value growing at its end keeps the window still.
        from_start = view.width - 1 - column if view.rtl else column
        hidden = min(self._hidden, view.width - width)
        if from_start < hidden:
            hidden = from_start
        elif from_start >= hidden + width:
            hidden = from_start - width + 1
        self._hidden = hidden
        return view.width - width - hidden if view.rtl else hidden

    @property
    def _field_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    @property
    def _cursor_offset(self) -> int:
        if not self._laid_out():
            return super()._cursor_offset
        view = _view(self.value)
        left = self._window(view, self._field_width)
        # Input adds the scroll offset back (cursor_screen_offset, scroll_to_region): we never
        # scroll, so hand it a column that is always in view.
        return self.scroll_offset.x + view.cursor_column(self.cursor_position) - left

    def _cell_offset_to_index(self, offset: int) -> int:
        if not self._laid_out():
            return super()._cell_offset_to_index(offset)
        view = _view(self.value)
        line = view.line
        column = offset + self._window(view, self._field_width) - view.origin
        glyph = line.glyph_at_x(column)
        if glyph is None:
            before = column < 0  # left of the glyphs
            return line.end if before == view.rtl else 0
        return line.spans[glyph][0]

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        if y != 0 or not self._laid_out():
            return super().render_line(y)
        width = self._field_width
        view = _view(self.value)
        line = view.line
        left = self._window(view, width)

        plain = Style()
        selected_style = cursor_style = None
        cursor_glyph = -1
        start = end = 0
        if self.has_focus:
            if not self.selection.is_empty:
                start, end = sorted(self.selection)
                selected_style = self.get_component_rich_style("input--selection")
            if self._cursor_visible:
                cursor_style = self.get_component_rich_style("input--cursor")
                position = self.cursor_position
                cursor_glyph = line.glyph_for_offset(position) if position < line.end else -2

        def glyph_style(index: int) -> Style:
            a, b = line.spans[index]
            style = plain
            if selected_style is not None and a < end and b > start:
                style = selected_style
            if index == cursor_glyph and cursor_style is not None:
                style = style + cursor_style
            return style

        end_cell = Segment(" ", cursor_style if cursor_glyph == -2 and cursor_style else plain)
        segments: list[Segment] = [end_cell] if view.rtl else []
        for index, glyph in enumerate(line.glyphs):
            segments.append(Segment(glyph, glyph_style(index)))
        if not view.rtl:
            segments.append(end_cell)
        strip = Strip(Segment.simplify(segments), view.width)
        if left < 0:
            strip = Strip([Segment(" " * -left, plain), *strip], width)
        else:
            strip = strip.crop(left, left + width)
        strip = strip.extend_cell_length(width)
        return strip.apply_style(self.rich_style)

    # ------------------------------------------------------------------ arrows
    def _glyph_step(self, position: int, onward: bool) -> int:
        """The next glyph boundary after ``position`` (before it when not ``onward``)."""
        line = _view(self.value).line
        bounds = sorted({a for a, _ in line.spans} | {line.end})
        if onward:
            return next((b for b in bounds if b > position), line.end)
        return next((b for b in reversed(bounds) if b < position), 0)

    def _step(self, onward: bool, select: bool) -> None:
        start, end = self.selection
        if select:
            self.selection = Selection(start, self._glyph_step(end, onward))
        elif self.selection.is_empty:
            self.cursor_position = self._glyph_step(end, onward)
        else:
            self.cursor_position = max(start, end) if onward else min(start, end)

    def _rtl(self) -> bool:
        return _view(self.value).rtl

    def action_cursor_left(self, select: bool = False) -> None:
        if not self._laid_out():
            return super().action_cursor_left(select)
        self._step(onward=self._rtl(), select=select)

    def action_cursor_right(self, select: bool = False) -> None:
        if not self._laid_out() or (self.cursor_at_end and self._suggestion):
            return super().action_cursor_right(select)
        self._step(onward=not self._rtl(), select=select)

    def action_cursor_left_word(self, select: bool = False) -> None:
        if self._laid_out() and self._rtl():
            return super().action_cursor_right_word(select)
        return super().action_cursor_left_word(select)

    def action_cursor_right_word(self, select: bool = False) -> None:
        if self._laid_out() and self._rtl():
            return super().action_cursor_left_word(select)
        return super().action_cursor_right_word(select)

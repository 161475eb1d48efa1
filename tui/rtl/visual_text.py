"""A Rich renderable that shows Arabic correctly wherever Rich draws text.

Rich and Textual do no shaping or bidi, so any Arabic outside the reader (titles in the side
pane, annotation texts in the tagging pane, help) goes through the same layout engine here,
at whatever width Rich offers. Control characters come out as visible placeholders.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style, StyleType

from tui.rtl.layout import BaseDirection, article_direction, layout_paragraph


class VisualText:
    """Text laid out per paragraph; RTL paragraphs right-aligned unless ``align_rtl`` is off."""

    def __init__(
        self,
        text: str,
        style: StyleType = "",
        *,
        mode: str = "app",
        base: BaseDirection | None = None,
        align_rtl: bool = True,
    ) -> None:
        self.text = text
        self.style = style
        self.mode = mode
        self.base = base
        self.align_rtl = align_rtl

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        style = console.get_style(self.style) if isinstance(self.style, str) else self.style
        style = style or Style()
        base = self.base or article_direction(self.text)
        for paragraph in self.text.split("\n"):
            for line in layout_paragraph(paragraph, width, base, self.mode):
                pad = width - line.cell_width if (line.rtl and self.align_rtl) else 0
                if pad > 0:
                    yield Segment(" " * pad)
                yield Segment(line.text, style)
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(p) for p in self.text.split("\n")), default=1)
        return Measurement(min(8, options.max_width), min(max(1, longest), options.max_width))


def visual_line(text: str, width: int, *, mode: str = "app",
                base: BaseDirection | None = None) -> str:
    """One line of ``text`` laid out for display in ``width`` cells, cut with … if longer.
    ``base``: the paragraph direction (default: guessed from the text itself; give it when
    lines shown one under another must read the same way)."""
    if width < 1 or not text:
        return ""
    base = base or article_direction(text)
    lines = layout_paragraph(text.replace("\n", " "), width, base, mode)
    line = lines[0]
    if len(lines) == 1:
        return line.text
    shown = line.text
    at_left = line.rtl and mode == "app"  # logical order (terminal mode): "…" goes last
    if line.cell_width >= width:
        shown = shown[1:] if at_left else shown[:-1]
    return "…" + shown if at_left else shown + "…"


def visual_lines(text: str, width: int, *, mode: str = "app",
                 base: BaseDirection | None = None) -> list[str]:
    """``text`` wrapped at ``width`` cells by the layout engine, each line in visual order,
    first line first. Wrapping text that is already in visual order (as Rich or an
    OptionList would) puts an Arabic paragraph's lines in the wrong order; this does not."""
    if width < 1 or not text:
        return []
    base = base or article_direction(text)
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(line.text for line in layout_paragraph(paragraph, width, base, mode))
    return out

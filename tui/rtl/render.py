"""``warraq render``: print an article exactly as the reader lays it out.

Like ``bat`` or ``less`` for Arabic news, and the way layout is tested from outside: one
visual line per output line, a blank line between paragraphs, RTL lines right-aligned to the
width. Colour (bold title, dim control placeholders) only when the output is a terminal;
never a control byte from the article itself, whatever the output.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.rtl.document import SPACER, DocumentLayout
from tui.rtl.layout import BaseDirection, article_direction

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render_lines(
    text: str,
    width: int,
    *,
    title: str | None = None,
    base: BaseDirection | None = None,
    mode: str = "app",
    color: bool = False,
) -> Iterator[str]:
    """Yield the article's visual lines. ``title`` is printed first when the text does not
    already start with it (JSONL articles keep their title outside the text)."""
    direction = base or article_direction(text)
    title_inside = not title or text.startswith(title.strip())
    if not title_inside:
        yield from _layout_lines(title or "", width, direction, mode, color, bold_first=True)
        yield ""
    yield from _layout_lines(text, width, direction, mode, color, bold_first=title_inside)


def _layout_lines(
    text: str, width: int, base: BaseDirection, mode: str, color: bool, bold_first: bool
) -> Iterator[str]:
    doc = DocumentLayout(text, width, base, mode)
    first_para = next((r.para for r in doc.rows if r.end > r.start), None)
    for index, row in enumerate(doc.rows):
        if row.para == SPACER or row.end == row.start:
            yield ""
            continue
        line = doc.line(index)
        pad = " " * doc.padding(index)
        if not color:
            yield pad + line.text.rstrip() if not line.rtl else pad + line.text
            continue
        parts = []
        for g, glyph in enumerate(line.glyphs):
            parts.append(f"{DIM}{glyph}{RESET}" if g in line.controls else glyph)
        body = "".join(parts)
        if bold_first and row.para == first_para:
            body = f"{BOLD}{body}{RESET}"
        yield pad + body

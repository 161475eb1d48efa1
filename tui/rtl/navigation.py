"""Moving through a laid-out article as the user sees it: which word is drawn next to
another, which word sits under a column on another row.

Arrow keys move by what is on screen, not by logical order: in an RTL line the word to the
left is the next one read, and at a line's end reading continues on the next row. Kept
apart from the reader widget so this geometry is pure and can be tested (and extended for
terminals that reorder on their own) without Textual.
"""

from __future__ import annotations

from tui.rtl.document import SPACER, DocumentLayout


def screen_words(doc: DocumentLayout, row: int, bidi: str = "app") -> list[tuple[int, int, int]]:
    """Words of a row left to right as the user sees them. In ``--bidi terminal`` mode
    the terminal itself reverses an RTL line we send in logical order, so our buffer
    order is mirrored on screen."""
    words = doc.row_words(row)
    if bidi == "terminal" and doc.rows[row].para != SPACER and doc.line(row).rtl:
        words.reverse()
    return words


def neighbour_word(doc: DocumentLayout, row: int, word: int, direction: int, *,
                   bidi: str = "app", base: str = "rtl") -> int | None:
    """The word drawn next to ``word`` (on ``row``) in ``direction`` (-1 left, +1 right),
    continuing on the following row in reading order when the line ends."""
    if not doc.words:
        return None
    words = screen_words(doc, row, bidi)
    position = next((i for i, (w, _, _) in enumerate(words) if w == word), None)
    if position is not None:
        neighbour = position + direction
        while 0 <= neighbour < len(words):
            if words[neighbour][0] != word:
                return words[neighbour][0]
            neighbour += direction
    # Off the end of the line: onward reading continues below for the side the
    # paragraph reads towards (left in RTL), backward continues above.
    rtl = doc.line(row).rtl if doc.rows[row].para != SPACER else base != "ltr"
    onward = (direction < 0) == rtl
    step = 1 if onward else -1
    r = row + step
    while 0 <= r < len(doc.rows):
        row_words = [w for w in screen_words(doc, r, bidi) if w[0] != word]
        if row_words:
            line_rtl = doc.line(r).rtl
            # Entering a row onward lands on its first word read; backward on its last.
            first_read = row_words[-1] if line_rtl else row_words[0]
            last_read = row_words[0] if line_rtl else row_words[-1]
            return (first_read if onward else last_read)[0]
        r += step
    return None


def word_near_column(doc: DocumentLayout, row: int, column: int) -> int | None:
    """The word of ``row`` drawn over ``column``, else the nearest one."""
    best: tuple[int, int] | None = None
    for w, _g0, _g1 in doc.row_words(row):
        ws, we = doc.words[w]
        cols = doc.glyph_columns(row, ws, we)
        if cols is None:
            continue
        x0, x1 = cols
        distance = 0 if x0 <= column < x1 else min(abs(column - x0), abs(column - (x1 - 1)))
        if best is None or distance < best[0]:
            best = (distance, w)
    return None if best is None else best[1]


def word_column(doc: DocumentLayout, row: int, start: int, end: int) -> int:
    """The middle column of the text ``start:end`` as drawn on ``row`` (0 if not there)."""
    cols = doc.glyph_columns(row, start, end)
    return 0 if cols is None else (cols[0] + cols[1]) // 2


def line_target(doc: DocumentLayout, row: int, word: int, column: int, delta: int
                ) -> int | None:
    """The word ``delta`` rows up or down from ``row`` nearest ``column`` (rows without
    words, and ``word`` itself, are passed over)."""
    if not doc.words:
        return None
    r = row + delta
    step = 1 if delta > 0 else -1
    while 0 <= r < len(doc.rows):
        w = word_near_column(doc, r, column)
        if w is not None and w != word:
            return w
        r += step
    return None

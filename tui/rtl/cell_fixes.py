"""Per-terminal fixes to visual lines, for terminals that redraw what Warraq sends.

Warraq's ``--bidi app`` lines are in display order, one shaped letter per cell. Two
terminals were seen to move letters after that (issue 13, under Xvfb, DejaVu Sans Mono):

- **kitty** hands each run of cells drawn with one font (cut at blanks, box drawing and
  bold/italic changes) to HarfBuzz, which guesses the run's direction from its first letter
  of a real script. An Arabic run is laid out right-to-left, so the letters Warraq already put
  in display order come out backwards, word by word, and mirrored brackets flip. Sending
  each such run reversed, brackets swapped, makes HarfBuzz's reversal give back Warraq's
  order. Cell styles stay where they are: kitty moves glyphs, not colours.
- **alacritty** draws a combining mark one cell right of the cell that holds it (seen with
  Latin and Arabic letters alike), so every haraka lands on the letter right of its own.
  Attaching each mark to the cell left of its letter puts it back on it.

Both functions work on lists of cells (a base character with its combining marks), so the
cell count — and so every column Textual computed — is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style

from tui.rtl.bidi import MIRRORS

__all__ = [
    "Cell", "alacritty_marks", "cells_of", "fix_lines", "fix_segments", "kitty_runs",
    "runs_reversed_by_shaper",
]

Cell = str  # one base character followed by its zero-width marks

# Code points HarfBuzz gives a right-to-left script (Arabic, Hebrew, Syriac, Thaana, NKo and
# their presentation forms), less those Unicode puts in Common or Inherited (Arabic comma,
# semicolon, question mark, tatweel, harakat), which do not decide a run's direction.
_RTL_RANGES = (
    (0x0590, 0x08FF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0x10800, 0x10FFF),
    (0x1E800, 0x1EFFF),
)
_NOT_DECIDING = frozenset("\u060c\u061b\u061f\u0640") | frozenset(
    chr(c) for c in range(0x064B, 0x0660)
) | frozenset("\u0670")


def _direction(ch: str) -> str | None:
    """'R' or 'L' for a character of a script with a direction, None for Common/Inherited
    (digits, punctuation, symbols, marks), as HarfBuzz's script guess sees it."""
    code = ord(ch)
    if ch in _NOT_DECIDING:
        return None
    for low, high in _RTL_RANGES:
        if low <= code <= high:
            return "R" if unicodedata.category(ch)[0] in "LMN" else None
    if unicodedata.category(ch)[0] == "L":
        return "L"
    return None


def cells_of(text: str) -> list[Cell]:
    """``text`` cut into cells: each base character with the zero-width marks after it."""
    cells: list[Cell] = []
    for ch in text:
        if cells and (unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me")):
            cells[-1] += ch
        else:
            cells.append(ch)
    return cells


def _breaks_run(cell: Cell) -> bool:
    """Cells kitty draws apart from any run: blanks and box drawing / block elements."""
    base = cell[0]
    return base.isspace() or "\u2500" <= base <= "\u259f"


def runs_reversed_by_shaper(cells: Sequence[Cell],
                            faces: Sequence[object] | None = None) -> list[tuple[int, int]]:
    """The ``[start, end)`` cell ranges kitty's shaper lays out right-to-left.

    ``faces`` (one per cell, e.g. (bold, italic)) cut runs where the font face changes."""
    found: list[tuple[int, int]] = []
    start = None
    for index in range(len(cells) + 1):
        at_end = index == len(cells)
        cut = at_end or _breaks_run(cells[index]) or (
            faces is not None and start is not None and faces[index] != faces[start])
        if cut and start is not None:
            direction = next((d for c in cells[start:index] if (d := _direction(c[0]))), None)
            if direction == "R" and index - start > 1:
                found.append((start, index))
            start = None
        if not at_end and not _breaks_run(cells[index]) and start is None:
            start = index
    return found


def _mirrored(cell: Cell) -> Cell:
    return MIRRORS.get(cell[0], cell[0]) + cell[1:]


def kitty_runs(cells: Sequence[Cell], faces: Sequence[object] | None = None) -> list[Cell]:
    """Cells in the order kitty must receive them to draw ``cells`` as given."""
    out = list(cells)
    for start, end in runs_reversed_by_shaper(cells, faces):
        out[start:end] = [_mirrored(c) for c in reversed(cells[start:end])]
    return out


def alacritty_marks(cells: Sequence[Cell]) -> list[Cell]:
    """Cells with each combining mark moved onto the cell to the left of its letter
    (alacritty draws a mark one cell right of the cell holding it); a mark on the first
    cell stays where it is."""
    bases = [c[0] for c in cells]
    marks = [c[1:] for c in cells]
    moved = ["" for _ in cells]
    for index, mark in enumerate(marks):
        if not mark:
            continue
        target = index - 1 if index > 0 else index
        moved[target] += mark
    return [b + m for b, m in zip(bases, moved, strict=True)]


FIXES: dict[str, Callable[[Sequence[Cell]], list[Cell]]] = {
    "kitty": kitty_runs,
    "alacritty": alacritty_marks,
}


_SGR = re.compile("(\x1b\\[[0-9;]*m)")


def fix_line(text: str, fix: Callable[[Sequence[Cell]], list[Cell]]) -> str:
    """A line of ``warraq render`` or ``doctor`` with ``fix`` applied; colour sequences stay
    in place and cut the line into stretches fixed one by one (a style change is a new run
    in kitty too, when it changes the face)."""
    pieces = _SGR.split(text)
    return "".join(piece if index % 2 else "".join(fix(cells_of(piece)))
                   for index, piece in enumerate(pieces))


def fix_lines(lines: Iterable[str], terminal: str) -> Iterable[str]:
    """Lines as ``terminal`` must receive them; unchanged for terminals that need nothing."""
    fix = FIXES.get(terminal)
    if fix is None:
        yield from lines
        return
    for line in lines:
        yield fix_line(line, fix)


# Lines with nothing a fix could change are passed through untouched (the common case).
_NEEDS_LOOK = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u0300-\u036f\U00010800-\U00010fff]"
)


def fix_segments(segments: Sequence[Segment], terminal: str) -> list[Segment] | None:
    """Rich segments of one screen row (or a piece of one) as ``terminal`` must receive them,
    or None when nothing changes. Each cell keeps the style of its column; control segments
    (cursor moves) end a stretch, since what follows is drawn elsewhere."""
    fix = FIXES.get(terminal)
    if fix is None or not any(_NEEDS_LOOK.search(s.text) for s in segments if not s.control):
        return None
    out: list[Segment] = []
    cells: list[Cell] = []
    styles: list[Style | None] = []

    def flush() -> None:
        if not cells:
            return
        faces = [(bool(s and s.bold), bool(s and s.italic)) for s in styles]
        fixed = kitty_runs(cells, faces) if fix is kitty_runs else fix(cells)
        text, style = "", styles[0]
        for cell, cell_style in zip(fixed, styles, strict=True):
            if cell_style != style:
                out.append(Segment(text, style))
                text, style = "", cell_style
            text += cell
        out.append(Segment(text, style))
        cells.clear()
        styles.clear()

    for segment in segments:
        if segment.control:
            flush()
            out.append(segment)
            continue
        for ch in segment.text:
            zero_width = unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me")
            if cells and zero_width:
                cells[-1] += ch
            else:
                cells.append(ch)
                styles.append(segment.style)
    flush()
    return out


RLI, FSI, PDI = "\u2067", "\u2068", "\u2069"


def _isolate_opener(text: str) -> str:
    """RLI when RTL letters outnumber Latin ones (the base direction rule the app uses for
    articles, so punctuation ends up where a browser puts it), else FSI."""
    rtl = sum(1 for ch in text if _direction(ch) == "R")
    ltr = sum(1 for ch in text if _direction(ch) == "L")
    return RLI if rtl > ltr else FSI


def isolate_segments(segments: Sequence[Segment]) -> list[Segment] | None:
    """One pane's piece of a row for ``--bidi terminal``: its text between the first and last
    non-blank cell wrapped in an isolate (RLI or FSI … PDI), so a terminal that reorders
    whole rows (VTE, Konsole) reorders each pane's text in place and never swaps panes.
    None when the piece has no RTL letter (nothing for the terminal to reorder)."""
    texts = [s.text for s in segments if not s.control]
    joined = "".join(texts)
    if not any(_direction(ch) == "R" for ch in joined):
        return None
    inside = [i for i, ch in enumerate(joined) if not _breaks_run(ch)]
    if not inside:
        return None
    # Borders, scroll bars and blanks stay outside: only the pane's text is reordered.
    first, last = inside[0], inside[-1] + 1
    stripped = joined[first:last]
    opener = _isolate_opener(stripped)
    out: list[Segment] = []
    position = 0
    for segment in segments:
        if segment.control:
            out.append(segment)
            continue
        text, start, end = segment.text, position, position + len(segment.text)
        if start <= first < end or (first == end and not text):
            cut = first - start
            text = text[:cut] + opener + text[cut:]
        if start < last <= end:
            cut = last - start + (len(text) - len(segment.text))
            text = text[:cut] + PDI + text[cut:]
        out.append(Segment(text, segment.style))
        position = end
    return out

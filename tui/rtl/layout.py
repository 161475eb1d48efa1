"""RTL layout of one paragraph: wrap, reorder, shape, and map cursor offsets both ways.

Terminals mostly neither shape Arabic nor reorder bidirectional text, so the reader does both
(DESIGN §7). Per paragraph: levels are resolved once for the whole paragraph (tui.rtl.bidi),
words are shaped in logical order into one glyph per cluster (tui.rtl.shaping), lines are
wrapped greedily in logical order by terminal cells, and each line is reordered (L1–L4).
Every glyph keeps the logical span it came from, so a highlight stored as code point offsets
lands on the right cells and a click lands on the right offset.

``line_breaks`` is the fast path: the same wrapping without bidi, shaping of glyph forms
or maps, so a 50,000-character article can be measured for scrolling without laying it
all out. It and ``layout_paragraph`` share the wrapping code, so they cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from rich.cells import get_character_cell_size

from tui.rtl.bidi import (
    bidi_classes,
    char_class,
    line_levels,
    mirror,
    paragraph_level,
    resolve_levels,
    visual_order,
)
from tui.rtl.glyphs import is_control, visible_text
from tui.rtl.shaping import shape_word

__all__ = [
    "GIANT_PARAGRAPH",
    "BaseDirection",
    "VisualLine",
    "article_direction",
    "layout_paragraph",
    "line_breaks",
    "visible_text",
]

MODES = ("app", "terminal")
# Where a line may break: ordinary spaces (not the no-break ones, which glue numbers to units).
_SPACES = " \u1680\u2000-\u200a\u205f"
_TOKENS = re.compile(f"[{_SPACES}]+|[^{_SPACES}]+")
_SPACE_SET = frozenset(" \u1680\u205f" + "".join(chr(c) for c in range(0x2000, 0x200B)))


class BaseDirection(StrEnum):
    RTL = "rtl"
    LTR = "ltr"
    AUTO = "auto"


def article_direction(text: str) -> BaseDirection:
    """RTL when right-to-left letters outnumber left-to-right ones near the start.

    An Arabic article quoting an English name is still right-to-left throughout, as a
    browser shows a page with ``dir=rtl``; deciding per paragraph (P2) would flip a
    paragraph that happens to start with "Reuters".
    """
    rtl = ltr = 0
    for ch in text[:2000]:
        cls = unicodedata.bidirectional(ch)
        if cls == "L":
            ltr += 1
        elif cls == "AL" or cls == "R":
            rtl += 1
    return BaseDirection.RTL if rtl > ltr else BaseDirection.LTR


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One screen line of a paragraph, glyphs in visual order (left to right)."""

    start: int
    end: int
    glyphs: tuple[str, ...]
    widths: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    levels: tuple[int, ...]
    controls: frozenset[int]
    rtl: bool
    # Derived maps: column where each glyph starts (plus the total), filled in
    # __post_init__, and the glyph index of every offset in [start, end), built on first use
    # (printing a line never needs it).
    _columns: tuple[int, ...] = field(default=(), repr=False, compare=False)
    _glyph_of: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._columns:
            columns = [0]
            for w in self.widths:
                columns.append(columns[-1] + w)
            object.__setattr__(self, "_columns", tuple(columns))

    def _offset_map(self) -> tuple[int, ...]:
        if not self._glyph_of and self.end > self.start:
            glyph_of = [0] * (self.end - self.start)
            for index, (a, b) in enumerate(self.spans):
                for offset in range(a - self.start, b - self.start):
                    glyph_of[offset] = index
            object.__setattr__(self, "_glyph_of", tuple(glyph_of))
        return self._glyph_of

    @property
    def text(self) -> str:
        return "".join(self.glyphs)

    @property
    def cell_width(self) -> int:
        return self._columns[-1]

    def glyph_for_offset(self, offset: int) -> int:
        """Index of the glyph showing paragraph offset ``offset`` (in [start, end))."""
        if not self.start <= offset < self.end:
            raise IndexError(f"offset {offset} is not on line [{self.start}, {self.end})")
        return self._offset_map()[offset - self.start]

    def glyph_x(self, index: int) -> int:
        """Column (0-based, before any right-alignment padding) where glyph ``index`` starts;
        ``index == len(glyphs)`` gives the line's width."""
        return self._columns[index]

    def glyph_at_x(self, x: int) -> int | None:
        """Glyph covering column ``x``, or None past either end."""
        if x < 0 or x >= self._columns[-1]:
            return None
        return bisect_right(self._columns, x) - 1

    def words(self) -> list[tuple[int, int]]:
        """Visual index ranges [a, b) of runs of non-space glyphs, left to right."""
        runs: list[tuple[int, int]] = []
        start = -1
        for index, glyph in enumerate(self.glyphs):
            if glyph == "" or glyph.isspace():
                if start >= 0:
                    runs.append((start, index))
                    start = -1
            elif start < 0:
                start = index
        if start >= 0:
            runs.append((start, len(self.glyphs)))
        return runs


# --- Wrapping (shared by the fast and the full path) ------------------------------------------


@lru_cache(maxsize=65536)
def _word_width(word: str, shape: bool) -> int:
    return sum(shape_word(word, shape)[2])


def _wrap(text: str, width: int, shape: bool) -> list[tuple[int, int]]:
    """Greedy line breaks in logical order; spaces at a break stay on the line they end.

    Spaces never push a line over the width: those that do not fit hang at its end (the
    full path shows them as one zero-width glyph). A word wider than the whole line is cut
    between clusters; a single cluster wider than the line gets a line of its own.
    """
    if width < 1:
        raise ValueError(f"layout width must be at least 1, got {width}")
    lines: list[tuple[int, int]] = []
    line_start = 0
    used = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        pos = match.start()
        if token[0] in _SPACE_SET:
            used += min(len(token), max(0, width - used))
            continue
        w = _word_width(token, shape)
        if used + w <= width:
            used += w
            continue
        if pos > line_start:
            lines.append((line_start, pos))
            line_start = pos
            used = 0
            if w <= width:
                used = w
                continue
        # Cut the word by clusters.
        starts, _glyphs, widths = shape_word(token, shape)
        for k, cw in enumerate(widths):
            if used + cw > width and used > 0:
                cut = pos + starts[k]
                lines.append((line_start, cut))
                line_start = cut
                used = 0
            used += cw
    lines.append((line_start, len(text)))
    return lines




def line_breaks(text: str, width: int, mode: str = "app") -> list[tuple[int, int]]:
    """(start, end) of every line ``layout_paragraph`` would make, without laying them out."""
    _check_mode(mode)
    if len(text) > GIANT_PARAGRAPH:
        if width < 1:
            raise ValueError(f"layout width must be at least 1, got {width}")
        breaks: list[tuple[int, int]] = []
        for a, b in paragraph_chunks(text):
            breaks.extend((a + s, a + e) for s, e in _small_breaks(text[a:b], width, mode))
        return breaks
    return _small_breaks(text, width, mode)


def _small_breaks(text: str, width: int, mode: str) -> list[tuple[int, int]]:
    shape = mode == "app"
    if width >= 1 and _is_simple(text):
        return _wrap_simple(text, width, shape)
    return _wrap(text, width, shape)


# --- Giant paragraphs -------------------------------------------------------------------------

#: Paragraphs longer than this (code points) are laid out chunk by chunk, lazily. A scraped
#: page can be one 10 MB line; resolving bidi and shaping all of it before the first frame
#: took over a minute and a gigabyte. Chunks end after a space, so a chunk boundary is only a
#: forced line break; bidi is resolved per chunk (a number right after a boundary may then
#: take its direction from its own chunk only, the one visible difference).
GIANT_PARAGRAPH = 20_000
_CHUNK = 4_000
# Chunks laid out and kept per giant paragraph: a screen needs one or two.
_CHUNKS_KEPT = 16
_LAM_ALEFS = frozenset("\u0622\u0623\u0625\u0627")


def _chunk_cut(text: str, start: int) -> int:
    """Where the chunk beginning at ``start`` ends: after the last space run in its second
    half, else (no space in 2,000 characters) between two clusters."""
    limit = start + _CHUNK
    space = text.rfind(" ", start + _CHUNK // 2, limit)
    n = len(text)
    if space >= 0:
        cut = space + 1
        while cut < n and text[cut] in _SPACE_SET:
            cut += 1
        return cut
    cut = limit
    while cut < n and (
        unicodedata.category(text[cut])[0] == "M"
        or text[cut] in "\u200c\u200d"
        or (text[cut] in _LAM_ALEFS and text[cut - 1] == "\u0644")
    ):
        cut += 1
    return cut


@lru_cache(maxsize=64)
def paragraph_chunks(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the independently laid-out chunks of a giant paragraph."""
    n = len(text)
    chunks: list[tuple[int, int]] = []
    start = 0
    while n - start > _CHUNK + _CHUNK // 2:
        cut = _chunk_cut(text, start)
        chunks.append((start, cut))
        start = cut
    if start < n or not chunks:
        chunks.append((start, n))
    return tuple(chunks)


def _first_strong_base(text: str) -> str:
    """P2 over the whole paragraph without building a class list of its length."""
    for ch in text:
        cls = char_class(ch)
        if cls == "L":
            return "ltr"
        if cls == "R" or cls == "AL":
            return "rtl"
    return "ltr"


class _ChunkedLines(Sequence[VisualLine]):
    """The visual lines of a giant paragraph, laid out a chunk at a time when first asked for.

    Behaves as the tuple ``layout_paragraph`` returns for other paragraphs (index, len,
    iterate); offsets are paragraph-relative as usual.
    """

    def __init__(self, text: str, width: int, base: str, mode: str) -> None:
        self._text = text
        self._width = width
        self._base = _first_strong_base(text) if base == "auto" else base
        self._mode = mode
        self._chunks = paragraph_chunks(text)
        first = [0]
        for a, b in self._chunks:
            first.append(first[-1] + len(_small_breaks(text[a:b], width, mode)))
        self._first = first
        self._kept: OrderedDict[int, tuple[VisualLine, ...]] = OrderedDict()

    def __len__(self) -> int:
        return self._first[-1]

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("line index out of range")
        chunk = bisect_right(self._first, index) - 1
        return self._chunk_lines(chunk)[index - self._first[chunk]]

    def _chunk_lines(self, chunk: int) -> tuple[VisualLine, ...]:
        lines = self._kept.get(chunk)
        if lines is not None:
            self._kept.move_to_end(chunk)
            return lines
        a, b = self._chunks[chunk]
        local = _layout(self._text[a:b], self._width, self._base, self._mode, cached=False)
        lines = tuple(
            replace(
                line,
                start=line.start + a,
                end=line.end + a,
                spans=tuple((s + a, e + a) for s, e in line.spans),
                # Both maps are relative to the line, so they carry over unchanged.
                _columns=line._columns,
                _glyph_of=line._glyph_of,
            )
            for line in local
        )
        self._kept[chunk] = lines
        if len(self._kept) > _CHUNKS_KEPT:
            self._kept.popitem(last=False)
        return lines


def _build_simple() -> tuple[re.Pattern[str], re.Pattern[str], dict[int, None]]:
    plain: list[str] = [" "]
    marks: list[str] = []
    ranges = [(0x21, 0x300), (0x300, 0x370), (0x600, 0x700), (0x2010, 0x205F), (0x20A0, 0x20C0)]
    for low, high in ranges:
        for code in range(low, high):
            ch = chr(code)
            if is_control(ch) or ch in _SPACE_SET:
                continue
            size = get_character_cell_size(ch)
            if unicodedata.category(ch)[0] == "M":
                if size == 0:
                    marks.append(ch)
            elif size == 1:
                plain.append(ch)
    mark_class = "".join(re.escape(m) for m in marks)
    plain_class = "".join(re.escape(c) for c in plain)
    simple = re.compile(f"[{plain_class}{mark_class}]*")
    orphan = re.compile(f"(?:^| )[{mark_class}]")
    zero = re.compile(f"[{mark_class}]")
    return simple, orphan, zero


_SIMPLE, _ORPHAN_MARK, _ZERO_CELL = _build_simple()
_LAM_ALEF = re.compile("\u0644[\u0622\u0623\u0625\u0627]")


def _is_simple(text: str) -> bool:
    """One-cell letters, zero-cell marks with a base, ASCII spaces: widths by counting."""
    return _SIMPLE.fullmatch(text) is not None and _ORPHAN_MARK.search(text) is None


def _wrap_simple(text: str, width: int, shape: bool) -> list[tuple[int, int]]:
    """``_wrap`` for simple text, a line at a time with string operations instead of a word
    at a time: a slice's cells are its length less its zero-cell characters (marks, and the
    alef of a lam-alef), whose positions one regex scan finds."""
    n = len(text)
    zero = [m.start() for m in _ZERO_CELL.finditer(text)]
    if shape and "\u0644" in text:
        zero.extend(m.start() + 1 for m in _LAM_ALEF.finditer(text))
        zero.sort()
    zero_set = set(zero)

    def cells(a: int, b: int) -> int:
        if not zero:
            return b - a
        return (b - a) - (bisect_left(zero, b) - bisect_left(zero, a))

    lines: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(n, start + width)
        used = cells(start, end)
        while used < width and end < n:
            end += width - used
            end = min(n, end)
            used = cells(start, end)
        # Take the zero-cell characters that belong to the last cluster.
        while end in zero_set:
            end += 1
        if end >= n:
            lines.append((start, n))
            return lines
        if text[end] == " ":
            while end < n and text[end] == " ":
                end += 1
            if end >= n:
                lines.append((start, n))
                return lines
        else:
            space = text.rfind(" ", start, end)
            if space >= 0:
                end = space + 1
        lines.append((start, end))
        start = end


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"layout mode must be 'app' or 'terminal', got {mode!r}")


# --- Full layout ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Paragraph:
    """Clusters of a paragraph in logical order, with their resolved level and bidi class."""

    starts: list[int]
    glyphs: list[str]
    widths: list[int]
    levels: list[int]
    classes: list[str]
    spaces: list[bool]
    controls: list[bool]
    para_level: int


@lru_cache(maxsize=512)
def _analyse(text: str, base: str, mode: str) -> _Paragraph:
    shape = mode == "app"
    starts: list[int] = []
    glyphs: list[str] = []
    widths: list[int] = []
    spaces: list[bool] = []
    for match in _TOKENS.finditer(text):
        token = match.group()
        pos = match.start()
        if token[0] in _SPACE_SET:
            for k, ch in enumerate(token):
                starts.append(pos + k)
                glyphs.append(ch)
                widths.append(1)
                spaces.append(True)
            continue
        word_starts, word_glyphs, word_widths = shape_word(token, shape)
        starts.extend(pos + s for s in word_starts)
        glyphs.extend(word_glyphs)
        widths.extend(word_widths)
        spaces.extend([False] * len(word_starts))
    controls = [is_control(text[s]) for s in starts]
    if shape:
        char_levels, para, char_classes = resolve_levels(text, base)
        levels = [char_levels[s] for s in starts]
        classes = [char_classes[s] for s in starts]
    else:
        # The terminal reorders: logical order, every glyph at the paragraph level.
        para = 1 if base == "rtl" or (base == "auto" and _auto_rtl(text)) else 0
        levels = [para] * len(starts)
        classes = ["WS" if sp else "ON" for sp in spaces]
    return _Paragraph(starts, glyphs, widths, levels, classes, spaces, controls, para)


def _auto_rtl(text: str) -> bool:
    return paragraph_level(bidi_classes(text), "auto") == 1


def _line(p: _Paragraph, text_len: int, start: int, end: int, width: int, app: bool) -> VisualLine:
    first = bisect_right(p.starts, start) - 1 if p.starts else 0
    last = bisect_right(p.starts, end - 1) if end > start else first
    idx = list(range(first, last))
    bounds = [p.starts[k] for k in idx] + [end]
    # Spaces that do not fit hang at the end as one zero-width glyph (see _wrap).
    used = 0
    hang = len(idx)
    for n, k in enumerate(idx):
        if p.spaces[k] and used + 1 > width:
            hang = n
            break
        used += p.widths[k]
    glyphs = [p.glyphs[k] for k in idx[:hang]]
    widths = [p.widths[k] for k in idx[:hang]]
    spans = [(bounds[n], bounds[n + 1]) for n in range(hang)]
    levels = [p.levels[k] for k in idx[:hang]]
    classes = [p.classes[k] for k in idx[:hang]]
    controls = [p.controls[k] for k in idx[:hang]]
    if hang < len(idx):
        glyphs.append("")
        widths.append(0)
        spans.append((bounds[hang], end))
        levels.append(p.para_level)
        classes.append("WS")
        controls.append(False)
    if app:
        levels = line_levels(levels, classes, p.para_level)
        order = visual_order(levels)
    else:
        order = list(range(len(glyphs)))
    out_glyphs = []
    for n in order:
        glyph = glyphs[n]
        if levels[n] & 1 and app and glyph:
            mirrored = mirror(glyph[0])
            if mirrored != glyph[0]:
                glyph = mirrored + glyph[1:]
        out_glyphs.append(glyph)
    return VisualLine(
        start=start,
        end=end,
        glyphs=tuple(out_glyphs),
        widths=tuple(widths[n] for n in order),
        spans=tuple(spans[n] for n in order),
        levels=tuple(levels[n] for n in order),
        controls=frozenset(v for v, n in enumerate(order) if controls[n]),
        rtl=p.para_level == 1,
    )


@lru_cache(maxsize=4096)
def layout_paragraph(
    text: str, width: int, base: BaseDirection = BaseDirection.RTL, mode: str = "app"
) -> Sequence[VisualLine]:
    """Visual lines of one paragraph (text between newlines) at ``width`` cells.

    ``base`` is the paragraph direction ("rtl", "ltr" or "auto" for the first strong
    letter); ``mode`` "app" shapes and reorders, "terminal" leaves both to the terminal
    (logical order, stored letters, controls still made visible). A tuple, except for a
    paragraph over ``GIANT_PARAGRAPH`` characters: a lazy sequence laid out by chunks.
    """
    _check_mode(mode)
    base = BaseDirection(base)
    if width < 1:
        raise ValueError(f"layout width must be at least 1, got {width}")
    if len(text) > GIANT_PARAGRAPH:
        return _ChunkedLines(text, width, str(base), mode)
    return _layout(text, width, str(base), mode, cached=True)


def _layout(text: str, width: int, base: str, mode: str, *, cached: bool
            ) -> tuple[VisualLine, ...]:
    breaks = _small_breaks(text, width, mode)
    analyse = _analyse if cached else _analyse.__wrapped__
    paragraph = analyse(text, base, mode)
    return tuple(
        _line(paragraph, len(text), start, end, width, mode == "app") for start, end in breaks
    )

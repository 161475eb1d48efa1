"""Properties of the layout maps on random mixed text (hypothesis).

The reader trusts these maps for every highlight and every click: lines partition the
paragraph, glyphs partition their line, offsets and glyphs map both ways, and nothing raw
that a terminal would interpret ever appears in a glyph.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.rtl.layout import BaseDirection, layout_paragraph, line_breaks

_GROUPS = (
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءةىئؤ"),
    ["لا", "لأ", "لإ", "لآ", "ل", "ـ"],
    list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"),
    list("abcXYZ0123456789٠١٢٣٤٥٦٧٨٩"),
    [" ", " ", " ", "  ", "\u00a0"],
    list(".,;:!?،؛؟-+/%٪$€#@…\"'“”"),
    list("()[]{}<>«»‹›"),
    ["😀", "👍\ufe0f", "中", "🇸🇾", "e\u0301"],
    # Controls, bidi controls, zero-width, a lone surrogate, a tag, an unassigned code point.
    ["\t", "\x1b", "\x00", "\x7f", "\x85", "\u202e", "\u2067", "\u2069", "\u200e"],
    ["\u200f", "\u061c", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\ud800"],
    ["\U000e0001", "\u0378"],
)
PIECES = [piece for group in _GROUPS for piece in group]

paragraphs = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
widths = st.integers(min_value=1, max_value=30)
bases = st.sampled_from(list(BaseDirection))
modes = st.sampled_from(["app", "terminal"])


@settings(max_examples=200, deadline=None)
@given(paragraphs, widths, bases, modes)
def test_lines_and_glyphs_partition_the_paragraph(text, width, base, mode) -> None:
    lines = layout_paragraph(text, width, base, mode)
    assert lines[0].start == 0 and lines[-1].end == len(text)
    for before, after in pairwise(lines):
        assert before.end == after.start and before.end > before.start
    assert line_breaks(text, width, mode) == [(line.start, line.end) for line in lines]
    for line in lines:
        n = len(line.glyphs)
        assert len(line.widths) == len(line.spans) == len(line.levels) == n
        covered = sorted(line.spans)
        position = line.start
        for a, b in covered:
            assert a == position and b > a
            position = b
        assert position == line.end
        for offset in range(line.start, line.end):
            a, b = line.spans[line.glyph_for_offset(offset)]
            assert a <= offset < b
        if mode == "terminal":
            assert list(line.spans) == covered


@settings(max_examples=200, deadline=None)
@given(paragraphs, widths, bases, modes)
def test_widths_fit_and_columns_round_trip(text, width, base, mode) -> None:
    for line in layout_paragraph(text, width, base, mode):
        for glyph, w in zip(line.glyphs, line.widths, strict=True):
            assert w == (cell_len(glyph) if glyph else 0)
        total = sum(line.widths)
        assert line.cell_width == total
        if total > width:
            assert sum(1 for w in line.widths if w) == 1, line
        x = 0
        for index, w in enumerate(line.widths):
            assert line.glyph_x(index) == x
            if w:
                assert line.glyph_at_x(x) == index
                assert line.glyph_at_x(x + w - 1) == index
            x += w
        assert line.glyph_x(len(line.glyphs)) == total
        assert line.glyph_at_x(total) is None and line.glyph_at_x(-1) is None


@settings(max_examples=200, deadline=None)
@given(paragraphs, widths, bases, modes)
def test_nothing_invisible_or_raw_reaches_the_screen(text, width, base, mode) -> None:
    for line in layout_paragraph(text, width, base, mode):
        for index, glyph in enumerate(line.glyphs):
            for ch in glyph:
                assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")
            if index in line.controls:
                assert len(glyph) == 1 and line.widths[index] == 1
        for a, b in line.words():
            assert all(line.glyphs[i].strip() for i in range(a, b))


@settings(max_examples=150, deadline=None)
@given(paragraphs, bases)
def test_app_mode_keeps_every_character_visible_in_order(text, base) -> None:
    """Unwrapped, reading the glyphs back through their spans gives every offset once, and
    the glyphs' logical spans in visual order are a permutation made by reversing runs."""
    (line,) = layout_paragraph(text, 10**6, base)
    starts = [a for a, _b in line.spans]
    assert sorted(starts) == sorted(set(starts))
    rtl = [lvl % 2 == 1 for lvl in line.levels]
    # Adjacent glyphs at the same even level read left to right, at odd levels right to left.
    for i in range(len(starts) - 1):
        if line.levels[i] == line.levels[i + 1] and line.glyphs[i] and line.glyphs[i + 1]:
            if rtl[i]:
                assert starts[i] > starts[i + 1]
            else:
                assert starts[i] < starts[i + 1]


_PLAIN = [
    *"ابتجحدرسعفقكلمنهويةىء",
    *("لا", "لأ", "ل", "ا"),
    *"\u064e\u064f\u0650\u0651\u0652",
    *"ab12٣٤.,()«»",
    *(" ", " ", "   "),
]
plain_paragraphs = st.lists(st.sampled_from(_PLAIN), max_size=120).map("".join)


@settings(max_examples=200, deadline=None)
@given(plain_paragraphs, widths, modes)
def test_fast_path_agrees_with_full_layout_on_plain_text(text, width, mode) -> None:
    """Plain news text takes the string-level fast path: it must wrap exactly as the
    cluster-by-cluster layout does."""
    from tui.rtl.layout import _is_simple

    lines = layout_paragraph(text, width, BaseDirection.RTL, mode)
    assert line_breaks(text, width, mode) == [(line.start, line.end) for line in lines]
    for line in lines:
        assert line.cell_width <= width or sum(1 for w in line.widths if w) == 1
    if _is_simple(text):
        assert all(line.cell_width <= width for line in lines)

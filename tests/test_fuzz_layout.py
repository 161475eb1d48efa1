"""Fuzzing the layout engine with any text, and the chunked layout of giant paragraphs.

Any code point sequence (C0/C1 controls, escapes, bidi overrides and isolates, lone
surrogates, unassigned code points, marks without a base) lays out without an exception,
with no character a terminal would interpret in any glyph, and with maps that stay valid.
``render_lines`` (``warraq render``) writes no control byte of the text, only its own
colour codes when asked for colour.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.rtl.document import DocumentLayout
from tui.rtl.layout import (
    GIANT_PARAGRAPH,
    BaseDirection,
    layout_paragraph,
    line_breaks,
    paragraph_chunks,
)
from tui.rtl.render import BOLD, DIM, RESET, render_lines

# Everything a terminal could act on or that occupies no cell unpredictably. Private-use
# characters (Co) are shown as themselves: glyphs of the user's font, not controls.
_RAW = frozenset(("Cc", "Cf", "Cs", "Cn", "Zl", "Zp"))
HOSTILE = (
    [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    + list("\u200b\u200c\u200d\u2060\ufeff\u00ad\u2028\u2029\ud800\U000e0001\u0378\ue000")
    + ["\x1b[2J", "\x1b]0;owned\x07", "\x1b]8;;http://x\x1b\\", "\u064e", "\u0651"]
)
ARABIC = [*list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءةىئؤ"), "لا", "بوتين", "الأسد", " ", " "]
OTHER = [*list("abc 0123 ٠١٢ ().,«»[]"), "😀", "中", "é"]

hostile_text = st.one_of(
    st.text(max_size=80),  # any code points hypothesis likes, surrogates excluded
    st.lists(st.sampled_from(HOSTILE + ARABIC + OTHER), max_size=50).map("".join),
)
widths = st.integers(min_value=1, max_value=40)
bases = st.sampled_from(list(BaseDirection))
modes = st.sampled_from(["app", "terminal"])


def _assert_no_raw(glyphs) -> None:
    for glyph in glyphs:
        for ch in glyph:
            assert unicodedata.category(ch) not in _RAW, (glyph, hex(ord(ch)))


def _assert_valid(text: str, lines, width: int) -> None:
    assert lines[0].start == 0 and lines[-1].end == len(text)
    for a, b in pairwise(lines):
        assert a.end == b.start
    for line in lines:
        _assert_no_raw(line.glyphs)
        covered = sorted(line.spans)
        if line.end > line.start:
            assert covered[0][0] == line.start and covered[-1][1] == line.end
            for (_s0, e0), (s1, _e1) in pairwise(covered):
                assert e0 == s1
        for offset in range(line.start, line.end):
            g = line.glyph_for_offset(offset)
            s, e = line.spans[g]
            assert s <= offset < e or s == e


@settings(max_examples=300, deadline=None)
@given(hostile_text, widths, bases, modes)
def test_any_text_lays_out_with_valid_maps_and_no_raw_controls(text, width, base, mode):
    lines = layout_paragraph(text, width, base, mode)
    _assert_valid(text, lines, width)
    assert line_breaks(text, width, mode) == [(line.start, line.end) for line in lines]


@settings(max_examples=100, deadline=None)
@given(st.lists(hostile_text, max_size=6).map("\n".join), widths, st.booleans())
def test_render_writes_no_control_of_the_text(text, width, color):
    out = "\n".join(render_lines(text, width, title="\x1b]0;t\x07عنوان", color=color))
    if color:
        out = out.replace(BOLD, "").replace(DIM, "").replace(RESET, "")
    for ch in out:
        if ch != "\n":
            assert unicodedata.category(ch) not in _RAW, hex(ord(ch))


# --------------------------------------------------------------------------- giant paragraphs

AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري (بشار الأسد) في الكرملين 2024. "


def _giant(unit: str) -> str:
    return unit * (GIANT_PARAGRAPH // max(len(unit), 1) + 2)


@pytest.mark.parametrize("base", list(BaseDirection))
@pytest.mark.parametrize("mode", ["app", "terminal"])
def test_giant_paragraph_is_a_lazy_sequence_of_valid_lines(base, mode):
    text = _giant(AR + "\x1b[31m\u202e")
    assert len(text) > GIANT_PARAGRAPH
    lines = layout_paragraph(text, 57, base, mode)
    assert not isinstance(lines, tuple)  # chunked, laid out on demand
    assert line_breaks(text, 57, mode) == [(line.start, line.end) for line in lines]
    _assert_valid(text, lines, 57)
    assert lines[-1] == lines[len(lines) - 1] and lines[1:3] == (lines[1], lines[2])
    with pytest.raises(IndexError):
        lines[len(lines)]
    # Within one chunk the lines are exactly those of the chunk laid out alone, shifted.
    chunks = paragraph_chunks(text)
    assert len(chunks) > 1 and chunks[0][0] == 0 and chunks[-1][1] == len(text)
    a, b = chunks[1]
    alone = layout_paragraph(text[a:b], 57, "rtl" if base == "auto" else base, mode)
    mine = [line for line in lines if a <= line.start < b]
    assert [line.text for line in mine] == [line.text for line in alone]
    assert [line.spans for line in mine] == [
        tuple((s + a, e + a) for s, e in line.spans) for line in alone]
    for _start, end in chunks:  # chunks end after a space: only a forced line break
        assert end == len(text) or text[end - 1] == " "
        assert any(line.end == end for line in lines)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE + ARABIC + OTHER), min_size=1, max_size=12)
       .map("".join), widths)
def test_giant_paragraph_of_any_text_is_valid(unit, width):
    text = _giant(unit)
    lines = layout_paragraph(text, width, BaseDirection.RTL)
    assert line_breaks(text, width) == [(line.start, line.end) for line in lines]
    # Spot-check lines across the paragraph (all of them is slow for no gain).
    picks = sorted({0, len(lines) // 3, len(lines) // 2, len(lines) - 1})
    for k in picks:
        line = lines[k]
        _assert_no_raw(line.glyphs)
        for offset in range(line.start, line.end):
            s, e = line.spans[line.glyph_for_offset(offset)]
            assert s <= offset < e
    for (_s0, e0), (s1, _e1) in pairwise(line_breaks(text, width)):
        assert e0 == s1


def test_giant_paragraph_without_spaces_is_cut_between_clusters():
    text = _giant("بِّ" + "لا" + "e\u0301")  # no space anywhere; marks and lam-alef
    chunks = paragraph_chunks(text)
    assert len(chunks) > 1
    for start, _end in chunks[1:]:
        assert unicodedata.category(text[start])[0] != "M"
        assert not (text[start] == "ا" and text[start - 1] == "ل")


def test_document_of_a_giant_line_renders_rows_lazily():
    text = "عنوان\n\n" + _giant(AR)
    doc = DocumentLayout(text, 80, BaseDirection.RTL)
    last = len(doc.rows) - 1
    line = doc.line(last)  # only the last chunk is laid out
    assert line.end + doc.paragraphs[doc.rows[last].para][0] == len(text)
    assert re.search("[\x00-\x1f]", line.text) is None

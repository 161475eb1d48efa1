"""Unit behaviour of the layout engine that a reader would notice first when it breaks."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from tui.rtl.glyphs import DOTTED_CIRCLE, visible_text
from tui.rtl.layout import (
    BaseDirection,
    _is_simple,
    article_direction,
    layout_paragraph,
    line_breaks,
)

ROOT = Path(__file__).resolve().parent.parent
FATHA, SHADDA = "\u064e", "\u0651"


def one_line(text: str, base: str = "rtl", mode: str = "app"):
    (line,) = layout_paragraph(text, 10**6, base, mode)
    return line


def test_harakat_follow_their_letter_in_visual_output() -> None:
    line = one_line("س" + FATHA + "ل" + SHADDA + FATHA + "م")
    # Visual order is meem, lam, seen (right to left reversed); each glyph is the shaped
    # letter followed by its marks in stored order, so the terminal puts them on it.
    assert line.glyphs == ("\ufee2", "\ufee0" + SHADDA + FATHA, "\ufeb3" + FATHA)
    assert line.spans == ((5, 6), (2, 5), (0, 2))
    assert line.glyph_for_offset(3) == line.glyph_for_offset(4) == 1


def test_lam_alef_is_one_glyph_covering_both_code_points() -> None:
    line = one_line("لا")
    assert line.glyphs == ("\ufefb",) and line.widths == (1,) and line.spans == ((0, 2),)
    assert line.glyph_for_offset(0) == line.glyph_for_offset(1) == 0
    joined = one_line("سلام")  # lam joins the seen before it: final ligature form
    assert "\ufefc" in joined.text and len(joined.glyphs) == 3
    for alef, iso in (("أ", "\ufef7"), ("إ", "\ufef9"), ("آ", "\ufef5")):
        assert one_line("ل" + alef).glyphs == (iso,)
    # A haraka between lam and alef prevents the ligature (as in FriBidi).
    assert len(one_line("ل" + FATHA + "ا").glyphs) == 2


def test_brackets_mirror_in_rtl_and_not_in_ltr() -> None:
    assert one_line("(نص)").text == "(ﺺﻧ)"
    assert one_line("[نص]").text == "[ﺺﻧ]"
    assert one_line("«نص»").text == "«ﺺﻧ»"
    assert one_line("(text)", "ltr").text == "(text)"


def test_numbers_and_latin_read_left_to_right_inside_rtl() -> None:
    text = one_line("في عام 2023 زار Vladimir Putin دمشق ٣٤٥").text
    assert "2023" in text and "Vladimir Putin" in text and "٣٤٥" in text
    assert text.index("Vladimir") < text.index("2023")  # later in logical order: further left
    assert one_line("15/03/2023 في").text.endswith("15/03/2023")


def test_wrapping_a_long_paragraph_at_width_40() -> None:
    corpus = (ROOT / "sample_corpus" / "003_c87f54859ced196b.txt").read_text(encoding="utf-8")
    para = max(corpus.split("\n"), key=len)
    assert len(para) > 200
    lines = layout_paragraph(para, 40)
    assert len(lines) >= len(para) // 40
    assert "".join(para[line.start : line.end] for line in lines) == para
    for line, after in pairwise(lines):
        assert line.cell_width <= 40 and line.rtl
        # Greedy: the next line's first word would not have fitted.
        next_word = para[after.start :].split(" ")[0]
        trailing = len(para[line.start : line.end]) - len(para[line.start : line.end].rstrip())
        assert line.cell_width - trailing + 1 + len(next_word) > 40 or trailing == 0
        # Trailing spaces stay on the line they end and sit at its left edge (L1).
        if trailing:
            assert line.glyphs[0] in (" ", "")
    assert line_breaks(para, 40) == [(line.start, line.end) for line in lines]


def test_terminal_mode_is_logical_order_unshaped() -> None:
    text = "قال (بوتين) 2023 لا"
    line = one_line(text, mode="terminal")
    assert line.text == text
    assert [a for a, _b in line.spans] == sorted(a for a, _b in line.spans)
    assert line.rtl and set(line.levels) == {1}
    # Without the ligature lam and alef are two cells; line breaks follow the same widths.
    assert line_breaks("لا", 1, "terminal") == [(0, 1), (1, 2)]
    assert line_breaks("لا", 1) == [(0, 2)]


def test_controls_are_shown_not_obeyed() -> None:
    line = one_line("abc\u202edef\x1b[0m", "ltr")
    assert line.text == "abc" + visible_text("\u202e") + "def" + "\u241b[0m"
    assert {line.glyphs[i] for i in line.controls} == {"\u21cc", "\u241b"}
    assert visible_text("\t") == "\u2409" and visible_text("\x7f") == "\u2421"
    assert visible_text("\x9b") != "\x9b" and visible_text("a") == "a"


def test_orphan_mark_gets_a_dotted_circle() -> None:
    line = one_line(FATHA + "ب " + SHADDA)
    assert line.glyphs[0] == DOTTED_CIRCLE + SHADDA
    assert line.glyphs[-1] == DOTTED_CIRCLE + FATHA


def test_spaces_that_do_not_fit_hang_as_one_zero_width_glyph() -> None:
    lines = layout_paragraph("abcd      ef", 5, BaseDirection.LTR)
    first = lines[0]
    assert (first.start, first.end) == (0, 10)
    assert first.glyphs == ("a", "b", "c", "d", " ", "")
    assert first.spans[-1] == (5, 10) and first.cell_width == 5
    assert first.glyph_for_offset(7) == 5 and first.words() == [(0, 4)]


def test_visual_line_maps_and_words() -> None:
    line = one_line("قال Putin اليوم")
    assert [("".join(line.glyphs[a:b])) for a, b in line.words()][1] == "Putin"
    assert line.glyph_at_x(line.cell_width) is None
    with pytest.raises(IndexError):
        line.glyph_for_offset(line.end)


def test_empty_paragraph_and_bad_arguments() -> None:
    (empty,) = layout_paragraph("", 10)
    assert (empty.start, empty.end, empty.glyphs, empty.cell_width) == (0, 0, (), 0)
    assert line_breaks("", 10) == [(0, 0)]
    with pytest.raises(ValueError):
        layout_paragraph("x", 0)
    with pytest.raises(ValueError):
        layout_paragraph("x", 10, mode="bogus")


def test_article_direction() -> None:
    assert article_direction("قال الرئيس السوري Vladimir Putin") is BaseDirection.RTL
    assert article_direction("The president said مرحبا") is BaseDirection.LTR
    assert article_direction("") is BaseDirection.LTR


def test_auto_base_follows_first_strong_letter() -> None:
    assert not layout_paragraph("Reuters: قال", 100, "auto")[0].rtl
    assert layout_paragraph("١٢ قال Reuters", 100, "auto")[0].rtl


def test_layout_is_cached() -> None:
    assert layout_paragraph("نص", 10) is layout_paragraph("نص", 10)


def test_corpus_paragraphs_take_the_fast_path() -> None:
    paras = [
        p
        for path in (ROOT / "sample_corpus").glob("*.txt")
        for p in path.read_text(encoding="utf-8").split("\n")
    ]
    assert sum(map(_is_simple, paras)) >= 0.95 * len(paras)

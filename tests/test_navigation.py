"""Arrow-key geometry of the reader without Textual: left is onward in Arabic, lines wrap in
reading order, up/down keep the column, and mixed Latin runs are walked as drawn."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui.rtl import navigation
from tui.rtl.document import DocumentLayout
from tui.rtl.layout import BaseDirection


def _word_of(doc: DocumentLayout, text: str, needle: str) -> int:
    start = text.index(needle)
    return next(i for i, (s, _) in enumerate(doc.words) if s == start)


def _row_of(doc: DocumentLayout, word: int) -> int:
    return doc.row_of_offset(doc.words[word][0])


def test_left_is_onward_in_arabic_and_right_goes_back():
    text = "زار بوتين دمشق أمس"
    doc = DocumentLayout(text, 40, BaseDirection.RTL)
    first = _word_of(doc, text, "زار")
    second = navigation.neighbour_word(doc, 0, first, -1)
    assert doc.words[second] == (4, 9)  # بوتين
    assert navigation.neighbour_word(doc, 0, second, +1) == first


def test_latin_inside_arabic_is_walked_as_drawn():
    text = "قال Vladimir Putin اليوم"
    doc = DocumentLayout(text, 40, BaseDirection.RTL)
    qal = _word_of(doc, text, "قال")
    # The Latin run is drawn left-to-right inside the RTL line: the word left of قال on
    # screen is "Putin" (the end of the run), then "Vladimir", then اليوم.
    seen = [qal]
    while (nxt := navigation.neighbour_word(doc, 0, seen[-1], -1)) is not None:
        seen.append(nxt)
    assert [text[slice(*doc.words[w])] for w in seen] == ["قال", "Putin", "Vladimir", "اليوم"]


def test_onward_at_the_end_of_a_line_continues_on_the_next_row():
    text = " ".join(["كلمة"] * 12)
    doc = DocumentLayout(text, 20, BaseDirection.RTL)
    assert len(doc.rows) > 1
    row0 = [w for w, _, _ in navigation.screen_words(doc, 0)]
    last_read_on_row0 = row0[0]  # leftmost on screen is read last in RTL
    nxt = navigation.neighbour_word(doc, 0, last_read_on_row0, -1)
    assert nxt is not None and _row_of(doc, nxt) == 1
    # ...and it is the first word read on row 1 (its rightmost).
    assert nxt == navigation.screen_words(doc, 1)[-1][0]


def test_terminal_mode_mirrors_the_order_of_an_rtl_row():
    text = "زار بوتين دمشق"
    doc = DocumentLayout(text, 40, BaseDirection.RTL, mode="terminal")
    app_order = [w for w, _, _ in navigation.screen_words(doc, 0, "app")]
    assert [w for w, _, _ in navigation.screen_words(doc, 0, "terminal")] == app_order[::-1]


def test_down_keeps_the_column():
    text = " ".join(["ا" * 3] * 20)
    doc = DocumentLayout(text, 16, BaseDirection.RTL)
    word = navigation.screen_words(doc, 0)[0][0]  # leftmost word of row 0
    column = navigation.word_column(doc, 0, *doc.words[word])
    below = navigation.line_target(doc, 0, word, column, +1)
    assert below is not None and _row_of(doc, below) == 1
    assert below == navigation.screen_words(doc, 1)[0][0]  # also the leftmost
    assert navigation.line_target(doc, 0, word, column, -1) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["سلام", "على", "الأسد", "Putin", "2024", "،", "بوتين"]),
                min_size=1, max_size=30),
       st.integers(min_value=8, max_value=50))
def test_walking_onward_visits_every_word_once_in_reading_order(words, width):
    text = " ".join(words)
    doc = DocumentLayout(text, width, BaseDirection.RTL)
    assume(doc.words)
    # A row may hold only punctuation (no word): start on the first row that has one.
    row = next(r for r in range(len(doc.rows)) if navigation.screen_words(doc, r))
    current = navigation.screen_words(doc, row)[-1][0]  # the first word read: rightmost
    seen = [current]
    for _ in range(len(doc.words) + 2):
        nxt = navigation.neighbour_word(doc, row, current, -1)
        if nxt is None:
            break
        row = _row_of(doc, nxt)
        current = nxt
        seen.append(current)
    assert sorted(seen) == list(range(len(doc.words)))

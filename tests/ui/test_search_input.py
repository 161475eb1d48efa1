"""The list's title search field (SearchInput) through the real app.

With ``--bidi app`` the query is shown as the layout engine lays it out (shaped, in visual
order, right-aligned when RTL) with the cursor and selection on the cells of their logical
offsets; with ``--bidi terminal`` it is Textual's plain Input. Arrow keys: they step by
glyph, and in an RTL query ``left`` goes onward (logically forward), ``right`` back, as in
the reader.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events

from tui.rtl.layout import article_direction, layout_paragraph
from tui.widgets.article_list import ArticleList
from tui.widgets.search_input import SearchInput

SIZE = (120, 40)


async def open_search(pilot, *keys: str) -> SearchInput:
    await pilot.press("slash")
    await pilot.pause()
    search = pilot.app.screen.query_one("#search", SearchInput)
    search.cursor_blink = False  # a blink would hide the cursor at random
    await pilot.press(*keys)
    await pilot.pause()
    return search


def engine_line(value: str):
    lines = layout_paragraph(value, 1000, article_direction(value), "app")
    assert len(lines) == 1
    return lines[0]


def styled_columns(search: SearchInput, component: str) -> list[int]:
    """Columns (in the field's content) of the cells drawn in ``component``'s colours."""
    wanted = search.get_component_rich_style(component).bgcolor
    columns: list[int] = []
    x = 0
    for segment in search.render_line(0):
        width = cell_len(segment.text)
        if segment.style is not None and segment.style.bgcolor == wanted:
            columns.extend(range(x, x + width))
        x += width
    return columns


def cursor_column(search: SearchInput) -> int:
    columns = styled_columns(search, "input--cursor")
    assert len(columns) == 1, columns
    return columns[0]


def expected_column(search: SearchInput, position: int) -> int:
    """Where the engine puts the logical cursor ``position`` of an RTL query that fits:
    right-aligned glyphs, the end cell just left of them."""
    line = engine_line(search.value)
    assert line.rtl
    pad = search.scrollable_content_region.width - (line.cell_width + 1)
    if position == len(search.value):
        return pad
    return pad + 1 + line.glyph_x(line.glyph_for_offset(position))


async def test_arabic_query_is_shaped_right_to_left_with_the_cursor_on_its_cells(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        search = await open_search(pilot)
        # Pilot cannot press harakat (it looks keys up by Unicode name): paste, as a
        # terminal sends pasted text.
        search.post_message(events.Paste("السَّلامُ عليكم"))
        await pilot.pause()
        value = search.value
        assert value == "السَّلامُ عليكم"
        line = engine_line(value)
        width = search.scrollable_content_region.width
        text = search.render_line(0).text
        # The engine's visual line, against the right edge (like the list titles).
        assert text == " " * (width - line.cell_width) + line.text
        assert "ﻼ" in text and value not in text  # shaped (lam-alef), not logical
        assert cell_len(text) == width  # harakat ride on their letters' cells
        # Typing leaves the cursor at the logical end: the cell left of the query.
        assert search.cursor_position == len(value)
        assert cursor_column(search) == expected_column(search, len(value)) == width - 12
        # The terminal's own cursor (input methods) is on that cell too.
        assert app.cursor_position.x == search.content_region.x + width - 12

        # home: the logical start, the rightmost cell.
        await pilot.press("home")
        assert search.cursor_position == 0
        assert cursor_column(search) == width - 1
        # left goes onward in RTL, one glyph at a time: ا, ل, سَّ (3 code points), لا (2).
        steps = []
        for _ in range(4):
            await pilot.press("left")
            steps.append((search.cursor_position, cursor_column(search)))
        assert steps == [(1, width - 2), (2, width - 3), (5, width - 4), (7, width - 5)]
        assert all(column == expected_column(search, p) for p, column in steps)
        # right goes back over the lam-alef as one step.
        await pilot.press("right")
        assert (search.cursor_position, cursor_column(search)) == (5, width - 4)
        # end: back at the left edge.
        await pilot.press("end")
        assert cursor_column(search) == width - 12


async def test_lam_alef_cursor_and_selection(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        search = await open_search(pilot, *"الأسد")
        line = engine_line("الأسد")
        assert line.glyphs == ("ﺪ", "ﺳ", "ﻷ", "ﺍ")
        width = search.scrollable_content_region.width
        assert search.render_line(0).text == " " * (width - 4) + "ﺪﺳﻷﺍ"
        assert cursor_column(search) == width - 5
        # right (back): onto the last letter, the leftmost glyph.
        await pilot.press("right")
        assert (search.cursor_position, cursor_column(search)) == (4, width - 4)
        # Both offsets of the lam-alef (the lam, the alef with hamza) show on its one cell.
        for position in (1, 2):
            search.cursor_position = position
            await pilot.pause()
            assert cursor_column(search) == width - 2 == expected_column(search, position)
        # shift+left from the start selects onward: ا then لأ, the cells on the right.
        await pilot.press("home", "shift+left", "shift+left")
        assert tuple(search.selection) == (0, 3)
        assert search.selected_text == "الأ"
        assert styled_columns(search, "input--selection") == [width - 2, width - 1]
        assert cursor_column(search) == width - 3  # on س, where the selection ends


async def test_click_puts_the_cursor_on_the_clicked_glyph(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        search = await open_search(pilot, *"الأسد")
        width = search.scrollable_content_region.width
        left = search.content_region.x - search.region.x  # the field's padding
        # Cells of ﺪ ﺳ ﻷ ﺍ: width-4 … width-1; the end cell and the padding left of them.
        for column, position in [(width - 1, 0), (width - 2, 1), (width - 3, 3),
                                 (width - 4, 4), (width - 5, 5), (2, 5)]:
            await pilot.click(search, offset=(left + column, 0))
            await pilot.pause()
            assert search.cursor_position == position, column
            assert cursor_column(search) == expected_column(search, position)


async def test_long_query_is_cropped_around_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        query = "بوتين يستقبل الأسد في موسكو ويبحث معه الحرب"
        search = await open_search(pilot, *query)
        width = search.scrollable_content_region.width
        line = engine_line(query)
        assert line.cell_width + 1 > width  # too wide for the field
        text = search.render_line(0).text
        assert cell_len(text) == width
        # At the end (typing): the query's end is shown, the cursor at the left edge.
        assert cursor_column(search) == 0
        assert text == " " + line.text[: width - 1]
        # home: the start is shown, the cursor on the rightmost cell.
        await pilot.press("home")
        assert cursor_column(search) == width - 1
        assert search.render_line(0).text == line.text[-width:]
        # Moving a little keeps the window where it is.
        await pilot.press("left", "left")
        assert search.render_line(0).text == line.text[-width:]
        assert cursor_column(search) == width - 3


async def test_latin_query_stays_left_to_right(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        search = await open_search(pilot, *"Putin")
        text = search.render_line(0).text
        assert text.startswith("Putin ")
        assert cursor_column(search) == 5
        await pilot.press("left")  # LTR: left goes back, as in any field
        assert (search.cursor_position, cursor_column(search)) == (4, 4)


async def test_terminal_bidi_is_the_plain_input(make_app):
    app = make_app(bidi="terminal")
    async with app.run_test(size=SIZE) as pilot:
        search = await open_search(pilot, *"الأسد")
        # Logical order, stored letters: the terminal does the rest.
        assert search.render_line(0).text.startswith("الأسد ")
        assert cursor_column(search) == 5
        await pilot.press("left")  # Textual's own keys: one code point back
        assert (search.cursor_position, cursor_column(search)) == (4, 4)


async def test_search_still_filters_the_list(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        articles = app.screen.query_one(ArticleList)
        await pilot.pause()
        before = len(articles.shown)
        search = await open_search(pilot, *"قمة")
        assert search.value == "قمة"
        assert 0 < len(articles.shown) < before
        await pilot.press("escape")
        await pilot.pause()
        assert len(articles.shown) == before


"""Pilot sessions in the real app on the sample corpus: open, move as seen, select."""

from __future__ import annotations

from tui.screens.help_screen import HelpScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader

FIRST = "000_016fc75d937698ad"


def word(reader: Reader) -> str:
    span = reader.word_span
    assert span is not None
    return reader.text[span.start : span.end]


async def open_first(pilot) -> Reader:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen.query_one(Reader)


async def test_list_shows_every_sample_article(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert len(articles.entries) == 5
        assert articles.has_focus
        assert articles.current_id == FIRST
        assert all(entry.title for entry in articles.entries)


async def test_enter_opens_article_with_cursor_on_first_word(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        assert reader.article_id == FIRST
        assert reader.has_focus
        assert word(reader) == "بوتين"
        assert reader.word_span.start == 0


async def test_left_is_onward_in_arabic_across_line_wraps(make_app):
    """← moves to the word drawn to the left: in an RTL paragraph, the next word read, and
    at the left end of a line, the first word of the line below."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        reader = await open_first(pilot)
        doc = reader.doc
        assert doc is not None
        title_words = [
            i for i, (s, _e) in enumerate(doc.words) if s < doc.paragraphs[0][1]
        ]
        rows_seen = set()
        for expected in title_words[1:]:
            await pilot.press("left")
            assert reader._word == expected, reader.text[slice(*doc.words[reader._word])]
            rows_seen.add(doc.row_of_offset(doc.words[reader._word][0]))
        assert len(rows_seen) > 1, "the title should wrap at this width"
        await pilot.press("right")
        assert reader._word == title_words[-2]


async def test_down_and_up_move_between_lines(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        reader = await open_first(pilot)
        doc = reader.doc
        start_row = doc.row_of_offset(reader.word_span.start)
        await pilot.press("down")
        row = doc.row_of_offset(reader.word_span.start)
        assert row > start_row
        await pilot.press("up")
        assert doc.row_of_offset(reader.word_span.start) == start_row


async def test_end_and_home_reach_the_article_edges_and_scroll(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("end")
        assert reader._word == len(reader.doc.words) - 1
        assert reader.scroll_offset.y > 0
        await pilot.press("home")
        assert reader._word == 0
        assert reader.scroll_offset.y == 0


async def test_v_selects_words_and_escape_clears(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("v", "left", "left")
        selection = reader.selection
        assert selection is not None
        assert reader.text[selection.start : selection.end] == "بوتين مرحباً بالأسد"
        await pilot.press("escape")
        assert reader.selection is None
        await pilot.press("shift+left")
        assert reader.selection is not None


async def test_n_and_p_go_through_articles(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("n")
        assert reader.article_id == "001_924c621b7ea87b2a"
        await pilot.press("n", "n")
        assert reader.article_id == "003_c87f54859ced196b"
        await pilot.press("p")
        assert reader.article_id == "002_d2e71cb321c96b8c"


async def test_help_lists_the_keys_of_the_focused_pane(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert type(app.screen.focused_widget).__name__ == "Reader"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_search_matches_normalized_titles_and_filter_cycles(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        await pilot.press("slash")
        search = app.screen.query_one("#search")
        assert search.has_focus
        search.value = "قمه"  # ta marbuta written as ha, as people type
        await pilot.pause()
        assert [articles.entries[i].id for i in articles.shown] == ["001_924c621b7ea87b2a",
                                                                   "003_c87f54859ced196b"]
        await pilot.press("escape")
        assert len(articles.shown) == 5
        await pilot.press("f")
        assert articles.status_filter == "new"
        assert len(articles.shown) == 5
        await pilot.press("f")
        assert articles.status_filter == "in_progress"
        assert articles.shown == []


async def test_mouse_click_puts_cursor_on_a_word(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        doc = reader.doc
        # Click the middle of the second word of the title, wherever it is drawn.
        ws, we = doc.words[1]
        row = doc.row_of_offset(ws)
        x0, x1 = doc.glyph_columns(row, ws, we)
        region = reader.scrollable_content_region
        await pilot.click(offset=(region.x + (x0 + x1) // 2, region.y + row))
        assert reader._word == 1


async def test_terminal_bidi_mode_sends_logical_unshaped_text(make_app):
    """--bidi terminal: the reader leaves shaping and reordering to the terminal."""
    app = make_app(bidi="terminal")
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        first_row = reader.doc.line(0).text
        assert first_row.startswith("بوتين مرحباً")  # logical order, base letters
        assert word(reader) == "بوتين"
        await pilot.press("left")
        assert word(reader) == "مرحباً"


async def test_mouse_drag_selects_words(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        doc = reader.doc
        region = reader.scrollable_content_region

        def at(word_index: int) -> tuple[int, int]:
            ws, we = doc.words[word_index]
            row = doc.row_of_offset(ws)
            x0, x1 = doc.glyph_columns(row, ws, we)
            return region.x + (x0 + x1) // 2, region.y + row

        await pilot.mouse_down(offset=at(0))
        await pilot.hover(offset=at(2))
        await pilot.mouse_up(offset=at(2))
        await pilot.pause()
        selection = reader.selection
        assert selection is not None
        assert reader.text[selection.start : selection.end] == "بوتين مرحباً بالأسد"

"""The command palette's query is drawn like every other Arabic field (issue 14, item 11):
shaped and right to left, while the palette still filters and runs commands."""

from __future__ import annotations

from rich.console import Console
from textual.command import CommandInput, CommandList, CommandPalette

from tui.rtl.layout import article_direction, layout_paragraph
from tui.screens.command_palette import ShapedCommandInput
from tui.screens.main_screen import MainScreen

SIZE = (120, 40)
QUERY = "قمة بوتين"  # the start of the second sample article's title
SECOND = "001_924c621b7ea87b2a"


def screen_text(app) -> str:
    console = Console(width=app.size.width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def open_palette(pilot, *keys: str) -> CommandInput:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert CommandPalette.is_open(pilot.app)
    field = pilot.app.screen.query_one(CommandInput)
    field.cursor_blink = False
    await pilot.press(*keys)
    await pilot.pause(0.5)  # the providers search in the background
    return field


async def test_arabic_query_is_shaped_right_to_left_and_still_finds_the_article(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = await open_palette(pilot, *[k if k != " " else "space" for k in QUERY])
        assert isinstance(field, ShapedCommandInput)
        assert field.value == QUERY
        visual = layout_paragraph(QUERY, 1000, article_direction(QUERY), "app")[0]
        assert visual.rtl
        drawn = field.render_line(0).text
        # The engine's visual line against the right edge: shaped forms, not the logical
        # letters Textual's Input would draw left to right.
        assert drawn.rstrip().endswith(visual.text) and drawn.startswith(" ")
        assert QUERY not in drawn and visual.text in screen_text(app)
        # The query still filters: the article whose title starts with it is offered.
        results = app.screen.query_one(CommandList)
        assert results.option_count >= 1
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.current_id == SECOND


async def test_latin_commands_still_run_from_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = await open_palette(pilot, *"Filter list: done")
        assert isinstance(field, ShapedCommandInput)
        assert "Filter list: done" in field.render_line(0).text  # Latin stays left to right
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#articles").status_filter == "done"

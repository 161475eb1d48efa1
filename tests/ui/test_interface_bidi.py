"""Arabic in the interface's own strings (issue 14, item 11): notifications lay out the Arabic
inside a Latin message as an isolated run, and every field where Arabic is typed (note,
pickers' filters) shows it shaped and right-to-left."""

from __future__ import annotations

from tui.app import notice_text
from tui.widgets.search_input import SearchInput


def test_arabic_inside_latin_messages_is_isolated() -> None:
    shown = notice_text("GPE «موسكو»: 15 suggestions", "app")
    # The name is shaped and in display order; the number stays after it, in the sentence.
    assert shown == "GPE «ﻮﻜﺳﻮﻣ»: 15 suggestions"
    assert notice_text("GPE «موسكو»: 15 suggestions", "terminal") == (
        "GPE «موسكو»: 15 suggestions")
    assert notice_text("no Arabic here", "app") == "no Arabic here"
    assert notice_text("بوتين في الكرملين", "app") == "ﻦﻴﻠﻣﺮﻜﻟﺍ ﻲﻓ ﻦﻴﺗﻮﺑ"


async def test_notifications_show_it_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.notify("GPE «موسكو»: 15 suggestions")
        await pilot.pause()
        assert list(app._notifications)[-1].message == "GPE «ﻮﻜﺳﻮﻣ»: 15 suggestions"


async def test_note_and_filters_are_shaped_inputs(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h", "N")  # highlight the word, then a note on it
        await pilot.pause()
        field = app.screen.query_one(SearchInput)
        field.value = "ملاحظة"
        await pilot.pause()
        drawn = "".join(seg.text for seg in field.render_line(0))
        assert "ﺔﻈﺣﻼﻣ" in drawn  # shaped, in display order
        await pilot.press("escape", "l")
        await pilot.pause()
        assert isinstance(app.screen.query_one("#filter"), SearchInput)

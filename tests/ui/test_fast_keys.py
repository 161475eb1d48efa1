"""Keys faster than the app: two Enters in a dialog answer it once (issue 17, item 4).

A dialog closes on a message its widgets post; keys that arrive before the first one is
handled used to close it twice, and the second close popped the screen under it
(``ScreenStackError: Can't pop screen``). Keys are posted here all at once, with no pause
between them, as a terminal delivers a burst; the tmux test sends them in one
``send-keys``.
"""

from __future__ import annotations

import time

import pytest
from textual import events

from tests_support import TmuxSession, require_tool
from tui.screens.event_screens import EventEditor
from tui.screens.main_screen import MainScreen

FIRST = "000_016fc75d937698ad"


def _burst(app, *keys: str) -> None:
    for key in keys:
        app.post_message(events.Key(key, "\r" if key == "enter" else None))


async def _settle(pilot) -> None:
    for _ in range(6):
        await pilot.pause()


@pytest.mark.parametrize(("opener", "burst", "stack"), [
    ("e", ["enter", "enter"], [MainScreen, EventEditor]),
    ("e", ["enter", "enter", "enter", "enter"], [MainScreen, EventEditor]),
    ("l", ["enter", "enter"], [MainScreen]),
    ("l", ["enter", "enter", "enter"], [MainScreen]),
    ("N", ["enter", "enter"], [MainScreen]),
    ("N", ["escape", "enter", "escape"], [MainScreen]),
])
async def test_a_burst_of_keys_in_a_dialog_answers_it_once(make_app, opener, burst, stack):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", opener)
        await pilot.pause()
        _burst(app, *burst)
        await _settle(pilot)
        assert [type(s) for s in app.screen_stack] == stack
        if opener == "e":
            assert len(app.store.annotations(FIRST).events) == 1
        if opener == "l":
            assert len(app.store.annotations(FIRST).entities) == 1


async def test_a_burst_of_changes_to_the_event_type_closes_only_the_picker(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EventEditor)
        await pilot.press("t")
        await pilot.pause()
        _burst(app, "enter", "enter")
        await _settle(pilot)
        # The second Enter went to the editor, which is still open over the main screen.
        assert [type(s) for s in app.screen_stack] == [MainScreen, EventEditor]


def test_enter_twice_in_one_send_keys_in_a_real_terminal(tmp_path):
    import shlex
    import sys
    from pathlib import Path

    require_tool("tmux")
    root = Path(__file__).resolve().parents[2]
    env = {"WARRAQ_STORE": str(tmp_path / "store"), "WARRAQ_ANNOTATOR": "tester",
           "TERM": "xterm-256color"}
    session = TmuxSession(f"{shlex.quote(sys.executable)} -m tui.cli", env=env, cwd=str(root))
    try:
        session.wait_for("Articles (5)")
        session.keys("Enter")
        session.wait_for("Reader · 000_016fc75d937698ad")
        for opener, marker in (("e", "Event on"), ("l", "Label"), ("N", "Note on")):
            session.keys(opener)
            session.wait_for(marker)
            session.keys("Enter", "Enter", "Enter")
            time.sleep(1.0)
            screen = session.screen()
            assert "Traceback" not in screen and "ScreenStackError" not in screen, screen
            session.keys("Escape")
            time.sleep(0.5)
        session.wait_for("Reader · 000_016fc75d937698ad")
        session.keys("q")
    finally:
        session.close()

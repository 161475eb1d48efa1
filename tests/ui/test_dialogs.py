"""Dialogs: drawn over the dimmed reader, and a save that fails inside one is one line."""

from __future__ import annotations

import errno
import os

from textual.screen import ModalScreen

from tui.app import prepare_app
from tui.screens.event_screens import ChoicePicker, EventEditor, NoteDialog
from tui.screens.help_screen import HelpScreen
from tui.screens.modal import WarraqModal
from tui.widgets.reader import Reader

FIRST = "000_016fc75d937698ad"


async def _event_on_first_word(store_dir: str) -> None:
    """An article with a PERS entity and a MEET event on its first word, saved."""
    app = prepare_app(None, store_dir=store_dir, annotator="one")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "1", "e")
        await pilot.pause()
        await pilot.press("enter")  # the first event type
        await pilot.pause()
        assert isinstance(app.screen, EventEditor)
        await pilot.press("escape")
        await pilot.pause()
    app.store.close()
    events = app.store.annotations(FIRST).events
    assert len(events) == 1 and events[0].arguments == []


async def _fill_first_role(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("e")  # on the event's trigger: its editor
    await pilot.pause()
    assert isinstance(app.screen, EventEditor)
    await pilot.press("enter")  # the first role → the entities
    await pilot.pause()
    await pilot.press("enter")  # the first entity fills it
    await pilot.pause()


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_every_dialog_is_a_warraq_modal_over_a_dimmed_visible_screen(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "l")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoicePicker) and isinstance(picker, WarraqModal)
        # Translucent: the reader behind is drawn, dimmed, not blanked.
        assert 0 < picker.styles.background.a < 1
        await pilot.press("escape", "N")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.styles.background.a < 1
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and isinstance(app.screen, ModalScreen)
        assert app.screen.styles.background.a < 1
        # The screen behind is still drawn under it.
        assert app.screen_stack[0].query_one(Reader).article_id == FIRST


async def test_filling_a_role_in_a_read_only_second_app_is_one_line(tmp_path):
    store_dir = str(tmp_path / "store")
    await _event_on_first_word(store_dir)
    first = prepare_app(None, store_dir=store_dir, annotator="one")
    second = prepare_app(None, store_dir=store_dir, annotator="two")
    try:
        assert second.store.read_only
        async with second.run_test(size=(140, 40)) as pilot:
            await _fill_first_role(second, pilot)
            assert isinstance(second.screen, EventEditor)  # still open, no traceback
            assert any(m.startswith("Not saved:") or "read-only" in m.lower()
                       for m in _messages(second))
            assert all("\n" not in m for m in _messages(second))
        assert second.store.annotations(FIRST).events[0].arguments == []
    finally:
        second.store.close()
        first.store.close()


async def test_filling_a_role_on_a_full_disk_is_one_line_and_loses_nothing(make_app, tmp_path,
                                                                         monkeypatch):
    await _event_on_first_word(str(tmp_path / "store"))
    app = make_app()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    async with app.run_test(size=(140, 40)) as pilot:
        monkeypatch.setattr("store.persistence.atomic_write_text", full)
        await _fill_first_role(app, pilot)
        assert isinstance(app.screen, EventEditor)
        assert any(m.startswith("Not saved:") and "No space" in m for m in _messages(app))
        monkeypatch.undo()
        # What was saved before is all there; the dialog still works afterwards.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EventEditor)
    app.store.close()
    events = prepare_app(None, store_dir=str(tmp_path / "store")).store.annotations(FIRST).events
    assert len(events) == 1

"""Document labels have keys that collide with nothing (issue 14, item 10): ``D`` opens a
dialog where their letters mean only labels; the tagging pane, whose letters also toggle
them, says so in the status bar while it has the focus."""

from __future__ import annotations

from tui.screens.doc_labels_screen import DocLabelsScreen
from tui.widgets.side_pane import TagList
from tui.widgets.status_bar import StatusBar

FIRST = "000_016fc75d937698ad"


async def test_doc_label_dialog_letters_mean_only_labels(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DocLabelsScreen)
        await pilot.press("p", "d", "s")  # POLITICS, DIPLOMACY, SECURITY: not prev/done/skip
        await pilot.pause()
        labels = app.store.annotations(FIRST).doc_labels
        assert set(labels) == {"POLITICS", "DIPLOMACY", "SECURITY"}
        assert str(app.store.annotations(FIRST).status) == "in_progress"  # not done/skipped
        await pilot.press("d")  # again: off
        await pilot.pause()
        assert "DIPLOMACY" not in app.store.annotations(FIRST).doc_labels
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DocLabelsScreen)
        app.store.undo()  # each toggle is an undo step
        assert "DIPLOMACY" in app.store.annotations(FIRST).doc_labels


async def test_tagging_pane_mode_is_shown(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        assert bar.mode == ""
        app.screen.query_one(TagList).focus()
        await pilot.pause()
        assert "document labels" in bar.mode and "TAGGING PANE" in str(bar.render())
        app.screen.query_one("Reader").focus()
        await pilot.pause()
        assert bar.mode == ""


async def _burst(app, pilot, keys: list[str]) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before the first is
    handled (tmux send-keys "e meet enter"), then wait until they are all handled."""
    from textual import events

    chars = {"enter": "\r", "escape": "\x1b", "left": None, "down": None}
    for key in keys:
        app.post_message(events.Key(key, chars.get(key, key)))
    for _ in range(100):
        await pilot.pause(0.05)
        if not app.__dict__.get("_held_keys") and not app.__dict__.get("_key_in_flight"):
            break


async def test_keys_typed_ahead_reach_the_dialogs_they_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await _burst(app, pilot, ["enter", "1", "left", "left", "1", "down", "down", "left",
                                  "e", "m", "e", "e", "t", "enter"])
        events = app.store.annotations(FIRST).events
        assert [(e.type, e.trigger_text) for e in events] == [("MEET", "المحادثات")]
        await _burst(app, pilot, ["escape", "D", "p", "d", "enter"])
        assert set(app.store.annotations(FIRST).doc_labels) == {"POLITICS", "DIPLOMACY"}
        assert str(app.store.annotations(FIRST).status) == "in_progress"  # d: a label here


async def test_the_whole_session_typed_as_one_burst_fills_every_role(make_app) -> None:
    # README's session, every key queued at once (as `tmux send-keys` delivers it): the
    # burst takes longer than the one-second safety valve, which used to force keys into
    # the event editor while it was still answering the previous one (TARGET was lost).
    app = make_app()
    # A valve shorter than this burst but longer than a key's longest settling: it must
    # never fire while keys are moving along.
    app.HOLD_SECONDS = app.SETTLE_MAX_SECONDS + 0.4
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await _burst(app, pilot, [
            "enter", "1", "left", "left", "1", "down", "down", "left", "e", "m", "e", "e",
            "t", "enter", "enter", "enter", "down", "enter", "down", "enter", "escape", "D",
            "p", "d", "enter", "d", "n"])
        ann = app.store.annotations(FIRST)
        assert [(e.type, [a.role for a in e.arguments]) for e in ann.events] == [
            ("MEET", ["SOURCE", "TARGET"])]
        assert set(ann.doc_labels) == {"POLITICS", "DIPLOMACY"}
        assert str(ann.status) == "done"

"""The adjudication screen: one disagreement at a time, every annotator's version laid out
right-to-left, one key to decide (``warraq adjudicate``)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.services.adjudicating import AdjudicationSession
from tui.widgets.reader_trims import TRIM_BINDINGS


class AdjudicationScreen(Screen[None]):
    DEFAULT_CSS = """
    AdjudicationScreen { layout: vertical; }
    #adj-head { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    #adj-body { padding: 1 2; height: 1fr; }
    #adj-context { border: round $primary; padding: 0 1; height: auto; text-align: right; }
    #adj-versions { height: auto; padding: 0 1; }
    #adj-words { height: auto; padding: 0 1; text-align: right; text-style: bold; color: $warning; }
    #adj-edit { height: auto; padding: 0 1; text-align: right; color: $success;
                text-style: bold; }
    #adj-said { height: 1; color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        *[Binding(str(n), f"take('{n}')", f"take {n}", show=1 <= n <= 2)
          for n in range(10)],
        Binding("b", "take('b')", "take all (nested)"),
        Binding("x", "take('x')", "take none"),
        Binding("e", "edit", "edit"),
        *TRIM_BINDINGS,
        Binding("enter", "save_edit", "save edit", show=False),
        Binding("full_stop", "move(1)", "next"),
        Binding("comma", "move(-1)", "previous"),
        Binding("u", "undo", "undo"),
        Binding("ctrl+r", "redo", "redo", show=False),
        Binding("q", "leave", "quit"),
        Binding("escape", "escape", "give up edit / quit", show=False),
    ]

    def __init__(self, session: AdjudicationSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="adj-head")
        with Vertical(id="adj-body"):
            yield Static(id="adj-context")
            yield Static(id="adj-words")
            yield Static(id="adj-versions")
            yield Static(id="adj-edit")
        yield Static(id="adj-said")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        width = max(20, self.size.width - 10)
        shown = self.session.shown(width, str(getattr(self.app, "bidi", "app")))
        head = self.query_one("#adj-head", Static)
        versions = self.query_one("#adj-versions", Static)
        if shown is None:
            head.update("No disagreement left: the curated layer is complete.")
            self.query_one("#adj-context", Static).update("")
            self.query_one("#adj-words", Static).update("")
            versions.update("")
            self.query_one("#adj-edit", Static).update("")
            return
        head.update(f"{shown.position} · article {shown.article_id}")
        self.query_one("#adj-context", Static).update(_escape(shown.context))
        self.query_one("#adj-words", Static).update(_escape(shown.words))
        # One widget updated in place: mounting a row per version on every key cost more
        # than the rest of the frame.
        versions.update("\n".join(f"[b]{key}[/b] {_escape(name)}:  {_escape(said)}"
                                   for key, name, said in shown.versions))
        self.query_one("#adj-edit", Static).update(
            "" if shown.editing is None else f"your version:  {_escape(shown.editing)}")

    def _say(self, message: str) -> None:
        self.query_one("#adj-said", Static).update(_escape(message))
        self.refresh_view()

    def action_take(self, key: str) -> None:
        if self.session.editing is not None and key.isdigit():
            self._say(self.session.edit_label(key))  # while editing a digit is a label
            return
        self._say(self.session.take_key(key))

    def action_edit(self) -> None:
        self._say(self.session.start_edit())

    def action_trim(self, d_start: int, d_end: int) -> None:
        self._say(self.session.edit_trim(d_start, d_end))

    def action_save_edit(self) -> None:
        self._say(self.session.commit_edit())

    def action_escape(self) -> None:
        if self.session.editing is not None:
            self._say(self.session.cancel_edit())
        else:
            self.app.exit()

    def action_move(self, step: int) -> None:
        self.session.move(step)
        self.refresh_view()

    def action_undo(self) -> None:
        self._say(self.session.undo())

    def action_redo(self) -> None:
        self._say(self.session.redo())

    def action_leave(self) -> None:
        self.app.exit()


def _escape(text: Any) -> str:
    return str(text).replace("[", "\\[")

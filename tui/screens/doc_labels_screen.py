"""``D``: the document labels of the open article, toggled in a dialog of their own.

Document labels used to be toggled by letters in the tagging pane, the same letters that
mean "done", "skip", "event", "highlight", "previous" everywhere else (issue 14): a key
typed with the wrong pane focused did the other thing. Inside this dialog the letters mean
only labels, and the dialog itself is the mode: it says so, and closes with enter or esc.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui.screens.modal import WarraqModal


class DocLabelsScreen(WarraqModal[None]):
    DEFAULT_CSS = """
    DocLabelsScreen { align: center middle; }
    DocLabelsScreen > Vertical {
        width: 60; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    DocLabelsScreen .doc-label-row { height: 1; }
    DocLabelsScreen .doc-label-row.-cursor { background: $accent 40%; }
    DocLabelsScreen #doc-labels-help { color: $text-muted; height: auto; }
    """

    BINDINGS = [
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("up,k", "move(-1)", "Previous", show=False),
        Binding("space", "toggle_cursor", "Toggle", show=False),
        Binding("enter,escape,D", "close", "Close"),
    ]

    def __init__(self, labels: Sequence[tuple[str, str, str]], chosen: set[str],
                 toggle: Callable[[str], bool]) -> None:
        """``labels``: (name, key, title) in schema order; ``toggle(name)`` applies one
        change to the store and returns whether the label is now on."""
        super().__init__()
        self.labels = list(labels)
        self.chosen = set(chosen)
        self.toggle = toggle
        self.cursor = 0

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Document labels"
            for index in range(len(self.labels)):
                yield Static(self._row(index), classes="doc-label-row", id=f"doc-label-{index}")
            yield Static("letters toggle (here only) · ↑↓ space · enter/esc close",
                         id="doc-labels-help")

    def on_mount(self) -> None:
        self._paint()

    def _row(self, index: int) -> str:
        name, key, title = self.labels[index]
        mark = "[x]" if name in self.chosen else "[ ]"
        shown = f" — {title}" if title and title != name else ""
        return f"{mark} {key or ' '}  {name}{shown}".replace("[", "\\[")

    def _paint(self) -> None:
        for index in range(len(self.labels)):
            row = self.query_one(f"#doc-label-{index}", Static)
            row.update(self._row(index))
            row.set_class(index == self.cursor, "-cursor")

    def _flip(self, index: int) -> None:
        name = self.labels[index][0]
        if self.toggle(name):
            self.chosen.add(name)
        else:
            self.chosen.discard(name)
        self.cursor = index
        self._paint()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if not self.accepting:
            return
        for index, (_name, key, _title) in enumerate(self.labels):
            if key and event.character == key:
                event.stop()
                event.prevent_default()
                self._flip(index)
                return

    def action_move(self, step: int) -> None:
        if self.labels:
            self.cursor = (self.cursor + step) % len(self.labels)
            self._paint()

    def action_toggle_cursor(self) -> None:
        if self.labels:
            self._flip(self.cursor)

    def action_close(self) -> None:
        self.dismiss(None)

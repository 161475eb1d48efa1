"""``!`` (or the palette): every problem met since start — load notices (damaged store
files, unreadable corpus records, a read-only store) and articles that could not be
opened — kept in a list instead of only a 10-second toast (issue 14, item 12)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.rtl.glyphs import printable
from tui.screens.modal import WarraqModal


class ProblemsScreen(WarraqModal[None]):
    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 80%;
        border: round $warning; background: $panel; padding: 0 1;
    }
    ProblemsScreen .problem { height: auto; margin-bottom: 1; }
    """

    BINDINGS = [Binding("escape,enter,q,exclamation_mark", "close", "Close")]

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__()
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Problems ({len(self.problems)})"
            if not self.problems:
                yield Static("No problem so far.", classes="problem")
            for problem in self.problems:
                # Paths and messages quote whatever the files hold: signs, never markup.
                yield Static(printable(problem).replace("[", "\\\\["), classes="problem")

    def action_close(self) -> None:
        self.dismiss(None)

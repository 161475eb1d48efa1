"""The Agreement screen (the palette, in a team store with two layers or more): what
``warraq agree`` reports, with bar charts, inside the app (issue 15).

The numbers are ``store.team_agreement.team_report``'s, the function ``warraq agree`` calls,
so the screen and the command line never differ; the drawing is
``tui.services.agreement_view``'s. Loading the layers and computing take seconds on a big
store, so both run in a worker thread: the screen opens at once saying it is computing, no
key waits, and each report is kept once made. With three annotators or more, ``]``/``[``
go through every pair after "all annotators". Escape closes.
"""

from __future__ import annotations

import itertools
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

from rich.console import Group
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from tui.screens.modal import WarraqModal
from tui.services.agreement_view import agreement_renderables, selection_title

Selection = tuple[str, ...] | None  # None: every annotator


class AgreementScreen(WarraqModal[None]):
    CSS_PATH = "agreement_screen.tcss"

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("right_square_bracket,n", "choose(1)", "Next pair"),
        Binding("left_square_bracket,p", "choose(-1)", "Previous pair"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, team_root: Path, schema: Any, names: list[str]) -> None:
        super().__init__()
        self.team_root = team_root
        self.schema = schema
        self.names = names
        pairs: list[Selection] = list(itertools.combinations(names, 2))
        # A pair selector only with three annotators or more (two: the pair is everyone).
        self.choices: list[Selection] = [None, *pairs] if len(names) >= 3 else [None]
        self.chosen = 0
        self.reports: dict[Selection, dict[str, Any] | str] = {}
        self.problems: dict[Selection, list[str]] = {}  # files left out, per choice
        self.report: dict[str, Any] | None = None  # the one shown
        self.shown: list[Any] = []  # its renderables (tests read them)
        self._team: Any = None
        self._loading = threading.Lock()  # workers for two choices load the layers once

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="agree-box") as box:
            box.border_title = "Agreement between annotators"
            box.border_subtitle = "Esc close" + (" · [ ] pair" if len(self.choices) > 1
                                                 else "")
            yield Static(id="agree-head")
            yield Static(id="agree-body")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    @property
    def choice(self) -> Selection:
        return self.choices[self.chosen]

    @property
    def computing(self) -> bool:
        return self.choice not in self.reports

    def _show(self) -> None:
        selection = self.choice
        head = self.query_one("#agree-head", Static)
        body = self.query_one("#agree-body", Static)
        place = (f"  ({self.chosen + 1}/{len(self.choices)})"
                 if len(self.choices) > 1 else "")
        head.update(f"[b]{_escape(selection_title(selection, self.names))}[/b]{place}")
        found = self.reports.get(selection)
        if found is None:
            self.report, self.shown = None, []
            body.update(f"computing agreement over {len(selection or self.names)} layers…")
            self._compute(selection)
        elif isinstance(found, str):
            self.report, self.shown = None, []
            body.update(_escape(found))
        else:
            self.report = found
            self.shown = agreement_renderables(found, str(getattr(self.app, "bidi", "app")),
                                               self.problems.get(selection, []))
            body.update(Group(*self.shown))

    def _compute(self, selection: Selection) -> None:
        """Load the layers (once) and make the report in a worker thread."""
        from store.errors import WarraqError
        from store.team_agreement import load_team, team_report

        doc_labels = [d.name for d in self.schema.doc_labels]

        def work() -> None:
            result: dict[str, Any] | str
            try:
                with self._loading:
                    if self._team is None:
                        self._team = load_team(self.team_root, self.schema, self.names)
                    team = self._team
                chosen = list(selection or ()) or None
                self.problems[selection] = team.all_problems(chosen)
                result = team_report(team, doc_labels, chosen)
            except (WarraqError, ValueError, OSError) as error:
                result = f"No agreement: {error}"
            with suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._computed, selection, result)

        self.run_worker(work, thread=True, group=f"agreement-{selection}",
                        exit_on_error=False)

    def _computed(self, selection: Selection, result: dict[str, Any] | str) -> None:
        self.reports[selection] = result
        if selection == self.choice and self.is_attached:
            self._show()

    def action_choose(self, step: int) -> None:
        if len(self.choices) > 1:
            self.chosen = (self.chosen + step) % len(self.choices)
            self._show()

    def action_reload(self) -> None:
        """Read the layers again (after a git pull) and recompute what is shown."""
        self._team = None
        self.reports.clear()
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)


def _escape(text: str) -> str:
    return str(text).replace("[", "\\[")

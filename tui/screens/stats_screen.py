"""``S``: the stats of ``warraq stats --suggestions`` inside the app, for the open corpus.

Counts come from the store's summary cache (only article files changed since the last look
are re-read), so opening the screen on a large store costs little and always reflects what
is saved, which is everything: every action is saved at once.
"""

from __future__ import annotations

from rich.console import Group
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.stats import Stats, StoreSummary, compute_stats, summarize_store
from tui.screens.modal import WarraqModal
from tui.services.stats_view import stats_renderables
from tui.services.workspace import Workspace


class StatsScreen(WarraqModal[None]):
    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,S", "dismiss", "Close"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> StatsScreen:
        """Stats of the workspace's store over its corpus."""
        return cls(current_stats(workspace))

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Statistics (r reload · Esc close)"
            yield Static(self._body(), id="stats-body")

    def _body(self) -> Group:
        return Group(*stats_renderables(self.stats, suggestions=True))

    def action_reload(self) -> None:
        self.stats = current_stats(self.app.workspace)  # type: ignore[attr-defined]
        self.query_one("#stats-body", Static).update(self._body())


def current_stats(workspace: Workspace) -> Stats:
    store = workspace.store
    corpus = workspace.corpus
    if store is None:
        return compute_stats(StoreSummary(), corpus.ids if corpus is not None else None)
    summary = summarize_store(store.root)
    return compute_stats(summary, corpus.ids if corpus is not None else None)

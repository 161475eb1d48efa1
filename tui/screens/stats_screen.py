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
from textual.screen import ModalScreen
from textual.widgets import Static

from store.stats import Stats, StoreSummary, compute_stats, summarize_store
from tui.cli_stats import stats_renderables


class StatsScreen(ModalScreen[None]):
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
    def for_app(cls, app) -> StatsScreen:
        """Stats of the app's store over the app's corpus."""
        return cls(current_stats(app))

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Statistics (r reload · Esc close)"
            yield Static(self._body(), id="stats-body")

    def _body(self) -> Group:
        return Group(*stats_renderables(self.stats, suggestions=True))

    def action_reload(self) -> None:
        self.stats = current_stats(self.app)
        self.query_one("#stats-body", Static).update(self._body())


def current_stats(app) -> Stats:
    store = getattr(app, "store", None)
    corpus = getattr(app, "corpus", None)
    if store is None:
        return compute_stats(StoreSummary(), corpus.ids if corpus is not None else None)
    summary = summarize_store(store.root)
    return compute_stats(summary, corpus.ids if corpus is not None else None)

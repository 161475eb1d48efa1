"""The main screen: article list │ reader │ side pane, a status bar and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from tui.screens.help_screen import HelpScreen
from tui.widgets.article_list import STATUS_NAMES, ArticleList, Entry
from tui.widgets.reader import Reader
from tui.widgets.side_pane import SidePane
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import WarraqApp


class MainScreen(Screen[None]):
    CSS_PATH = "main_screen.tcss"

    BINDINGS = [
        Binding("n", "next_article", "Next"),
        Binding("p", "previous_article", "Prev"),
        Binding("slash", "search", "Search"),
        Binding("ctrl+b", "toggle_list", "List", show=False),
    ]

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries
        self.current_id: str | None = None

    @property
    def warraq(self) -> WarraqApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.warraq
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Input(placeholder="search titles…", id="search")
                yield ArticleList(self.entries, id="articles")
            yield Reader(bidi=app.bidi, direction=app.direction, id="reader")
            yield SidePane(bidi=app.bidi, id="side")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        app = self.warraq
        status = self.query_one(StatusBar)
        status.store = app.store_label
        status.annotator = app.annotator
        status.read_only = app.read_only_reason
        articles = self.query_one(ArticleList)
        self.query_one("#list-pane").border_title = f"Articles ({len(self.entries)})"
        self.query_one(Reader).border_title = "Reader"
        self.query_one(SidePane).border_title = "Article"
        articles.focus()
        for message in app.startup_notices:
            self.notify(message, severity="warning", timeout=8)

    # ------------------------------------------------------------------ list → reader
    @on(ArticleList.Selected)
    def _open_selected(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article_id)
        self.query_one(Reader).focus()

    def open_article(self, article_id: str) -> None:
        app = self.warraq
        try:
            article = app.corpus.load(article_id)
        except Exception as error:  # a file changed or vanished since the list was built
            self.notify(str(error), severity="error", timeout=8)
            return
        self.current_id = article_id
        reader = self.query_one(Reader)
        reader.load(article_id, article.text)
        reader.border_title = f"Reader · {article_id}"
        articles = self.query_one(ArticleList)
        articles.select_id(article_id)
        meta: dict[str, Any] = {
            "id": article.meta.id,
            "title": article.meta.title,
            "date": article.meta.date,
            "time": article.meta.time,
            "date_raw": article.meta.date_raw,
            "source": article.meta.source,
            "url": article.meta.url,
            "author": article.meta.author,
            "chars": len(article.text),
            "direction": str(reader.base),
            "status": STATUS_NAMES.get(app.status_of(article_id), "new"),
            "notices": app.attach_article(article),
        }
        self.query_one(SidePane).show_article(meta)

    @on(Reader.CursorMoved)
    def _cursor_moved(self, event: Reader.CursorMoved) -> None:
        target = event.selection or event.word
        if target is None:
            return
        reader = self.query_one(Reader)
        self.query_one(SidePane).show_target(
            target.start,
            target.end,
            reader.text[target.start : target.end],
            selection=event.selection is not None,
        )

    # ------------------------------------------------------------------ list filter/search
    @on(ArticleList.FilterChanged)
    def _filter_changed(self, event: ArticleList.FilterChanged) -> None:
        label = f"Articles ({event.shown}/{event.total})" if event.shown != event.total else (
            f"Articles ({event.total})"
        )
        if event.status:
            label += f" · {STATUS_NAMES[event.status]}"
        self.query_one("#list-pane").border_title = label

    def set_filter(self, status: str | None) -> None:
        self.query_one(ArticleList).status_filter = status

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_one(ArticleList).query = event.value

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(ArticleList).focus()

    def on_key(self, event) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            search.value = ""
            search.remove_class("visible")
            self.query_one(ArticleList).focus()
            event.stop()

    # ------------------------------------------------------------------ navigation
    def _step(self, delta: int, *, skip_done: bool) -> None:
        articles = self.query_one(ArticleList)
        shown = [articles.entries[i] for i in articles.shown]
        if not shown:
            return
        ids = [e.id for e in shown]
        here = ids.index(self.current_id) if self.current_id in ids else (-1 if delta > 0 else 0)
        for step in range(1, len(shown) + 1):
            candidate = shown[(here + delta * step) % len(shown)]
            if not skip_done or candidate.status != "done":
                self.open_article(candidate.id)
                return
        self.notify("Every article in the list is done.")

    def action_next_article(self) -> None:
        self._step(1, skip_done=True)

    def action_previous_article(self) -> None:
        self._step(-1, skip_done=False)

    def action_toggle_list(self) -> None:
        pane = self.query_one("#list-pane")
        pane.display = not pane.display
        if not pane.display:
            self.query_one(Reader).focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.app.focused, extra=HELP_EXTRA))


HELP_EXTRA = [
    ("ctrl+p", "command palette: open an article by title, filters, actions"),
    ("tab,shift+tab", "next / previous pane"),
    ("mouse", "click a word to put the cursor on it; drag to select"),
]

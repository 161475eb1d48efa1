"""The main screen: article list │ reader │ side pane, a status bar and the footer.

This file lays out the panes, opens articles, follows the list (filters, search) and the
background index, and moves between articles; the annotation actions it inherits live in
``tui.screens.annotating``."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from tui.rtl.glyphs import printable
from tui.screens.annotating import AnnotatingScreen
from tui.services.article_session import ArticleSession
from tui.services.list_model import STATUS_NAMES, Entries, Entry
from tui.services.store_watch import STORE_WATCH_SECONDS, StoreWatch
from tui.services.workspace import damage_notice
from tui.widgets.article_list import ArticleList
from tui.widgets.key_hints import KeyHints
from tui.widgets.reader import Reader
from tui.widgets.side_pane import SidePane, TagList
from tui.widgets.status_bar import StatusBar

# Seconds the side pane waits before following the cursor (one frame at 60 Hz is 0.017).
CURSOR_FOLLOW_DELAY = 0.02
# How often rows indexed in the background are brought into the list.
INDEX_PULL_SECONDS = 0.25


class MainScreen(AnnotatingScreen):
    # Styles: main_screen.tcss, loaded by WarraqApp (this is its default screen).
    # The list has focus from the first frame (else the hidden search field takes it
    # first, and the hand-over restyles and repaints the screen once more).
    AUTO_FOCUS = "#articles"

    BINDINGS = [
        Binding("n", "next_article", "Next"),
        Binding("p", "previous_article", "Prev"),
        Binding("slash", "search", "Search"),
        Binding("ctrl+b", "toggle_list", "List", show=False),
        Binding("ctrl+o", "toggle_side", "Side pane", show=False),
        Binding("S", "stats", "Stats", show=False),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("d", "mark('done')", "Done"),
        Binding("s", "mark('skipped')", "Skip", show=False),
        Binding("D", "doc_labels", "Doc labels", show=False),
        Binding("exclamation_mark", "problems", "Problems", show=False),
        Binding("M", "toggle_queue", "My queue", show=False),
    ]

    def __init__(self, entries: Entries | list[Entry]) -> None:
        super().__init__()
        # What the list starts with; the list's own (ArticleList.entries) grow while the
        # corpus is indexed and may be replaced: read those.
        self.entries = entries
        self.current_id: str | None = None
        self.session: ArticleSession | None = None
        self._meta: dict[str, Any] = {}
        self._busy: str | None = None  # a background job that owns the store
        self._pending_cursor: Reader.CursorMoved | None = None
        self._cursor_timer = None
        # Articles whose text could not be read this session (id -> why): n/p pass them.
        self._unreadable: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        app = self.warraq
        yield StatusBar(id="status")
        yield KeyHints()
        with Vertical(id="list-pane"):
            # The search field (#search) is made on first use: see action_search.
            queue = app.queue
            # A team store with a plan naming this annotator: their own queue first.
            yield ArticleList(self.entries, scope=queue.ids if queue else None,
                              marks=queue.mark if queue else None, id="articles")
        yield Reader(bidi=app.bidi, direction=app.direction, id="reader")
        yield SidePane(bidi=app.bidi, id="side")

    def on_mount(self) -> None:
        app = self.warraq
        status = self.query_one(StatusBar)
        status.store = app.store_label
        status.annotator = app.annotator
        status.read_only = app.read_only_reason
        articles = self.query_one(ArticleList)
        self.query_one("#list-pane").border_title = (
            f"My queue ({len(articles.shown):,})" if articles.scoped
            else f"Articles ({len(articles.entries):,})")
        self._show_queue(counted=False)
        self.query_one(Reader).border_title = "Reader"
        self.query_one(SidePane).border_title = "Article"
        articles.focus()
        self.call_after_refresh(self._resume)
        if app.startup_notices:
            self.query_one(StatusBar).info = (
                f"{len(app.startup_notices)} problem"
                f"{'s' if len(app.startup_notices) != 1 else ''} at start: ! lists them")
        for message in app.startup_notices:
            self.notify(message, severity="warning", timeout=8)
        if app.store is not None:  # follow git pulls and other tools: _watch_store
            self._store_watch = StoreWatch(app)
            self.set_interval(STORE_WATCH_SECONDS, self._watch_store)
            self._start_retraining(app.store)
        if app.indexing is not None:
            app.indexing.start()
            self._index_timer = self.set_interval(INDEX_PULL_SECONDS, self._pull_index)
            self._show_list_title()

    # ------------------------------------------------------------------ list → reader
    @on(ArticleList.Selected)
    def _open_selected(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article_id)
        self.query_one(Reader).focus()

    def open_article(self, article_id: str, *, quiet: bool = False) -> bool:
        """Show an article; False when its text cannot be read (said in a notification
        unless ``quiet``: ``n``/``p`` report the articles they passed over themselves)."""
        app = self.warraq
        try:
            article = app.corpus.load(article_id)
        except Exception as error:  # a file changed or vanished since the list was built
            self._unreadable[article_id] = str(error)
            if not quiet:
                self.notify(str(error), severity="error", timeout=8)
            return False
        self._unreadable.pop(article_id, None)
        self.current_id = article_id
        self._cursor_offset = 0
        reader = self.query_one(Reader)
        reader.load(article_id, article.text)
        reader.border_title = f"Reader · {printable(article_id)}"
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
            "notices": app.attach_article(article),
        }
        # After attaching: that is when the store has read (or failed to read) its file.
        damage = app.damage_of(article_id)
        meta["status"] = STATUS_NAMES.get(app.status_name(article_id), "new")
        self._meta = meta
        self.query_one(SidePane).show_article(meta)
        store = app.store
        self.session = None
        if store is not None:
            self.session = ArticleSession(store, store.schema, article_id, article.text)
            tags = self.query_one(TagList)
            tags.doc_label_keys = {d.key: d.name for d in store.schema.doc_labels if d.key}
        self._repaint_annotations()
        status = self.query_one(StatusBar)
        if damage is not None:
            status.info = "this article's store file is damaged: nothing is saved to it"
            self.notify(damage_notice(damage), severity="error", timeout=12)
        elif status.info.startswith("this article's store file"):
            status.info = ""
        self._remember_place()  # a crash later still reopens this article
        return True

    @on(Reader.CursorMoved)
    def _cursor_moved(self, event: Reader.CursorMoved) -> None:
        """The side pane follows the cursor a moment later, in its own small repaint: the
        compositor repaints the box around all dirty regions, and a reader row plus a card
        across the screen would make that box most of the screen on every keypress."""
        self._pending_cursor = event
        if event.word is not None and event.article_id == self.current_id:
            self._cursor_offset = event.word.start  # where to reopen (session memory)
        if self._cursor_timer is None:
            self._cursor_timer = self.set_timer(CURSOR_FOLLOW_DELAY, self._follow_cursor)

    def _follow_cursor(self) -> None:
        self._cursor_timer = None
        event, self._pending_cursor = self._pending_cursor, None
        if event is None:
            return
        target = event.selection or event.word
        reader = self.query_one(Reader)
        if target is None or event.article_id != reader.article_id:
            return  # about an article no longer shown
        self.query_one(SidePane).show_target(
            target.start,
            target.end,
            reader.text[target.start : target.end],
            selection=event.selection is not None,
        )
        tags = self.query_one(TagList)
        if not tags.has_focus:
            tags.select_offset(target.start, target.end)

    # ------------------------------------------------------------------ store changed on disk
    def _start_retraining(self, store: Any) -> None:
        """The learning suggester retrains in a background process every N decisions
        (tui/services/retraining.py); the status bar shows its held-out F1."""
        from tui.services.retraining import Retrainer, retrain_every

        every = retrain_every()
        if every <= 0 or getattr(store, "read_only", False):
            return
        self._retrainer = Retrainer(store, every)
        self._show_model()
        self.set_interval(1.0, self._tick_model)

    def _show_model(self) -> None:
        status = self._retrainer.status()
        self.query_one(StatusBar).model = status.label() if status else ""

    def _tick_model(self) -> None:
        said = self._retrainer.poll()
        if said:
            self._show_model()
            self.notify(said, timeout=4)

    def open_most_uncertain(self) -> None:
        """Palette: open the unopened article the model is least sure of."""
        retrainer = getattr(self, "_retrainer", None)
        article_id = retrainer.most_uncertain(self.current_id) if retrainer else None
        if article_id is None:
            self.notify("No model ranking yet: it comes with the first retraining", timeout=4)
            return
        self.open_article(article_id)

    def on_unmount(self) -> None:
        self._remember_place()
        retrainer = getattr(self, "_retrainer", None)
        if retrainer is not None:
            retrainer.stop()

    def _watch_store(self) -> None:
        """The store folder changed under the app (tui/services/store_watch.py): the
        list's rows and the open article follow, with one notice."""
        if self._busy:
            return  # a background job owns the store until it is done
        update = self._store_watch.poll(self.current_id)
        if update is None:
            return
        articles = self.query_one(ArticleList)
        for article_id, (status, counts) in update.rows.items():
            articles.update_entry(article_id, status=status, counts=counts)
        if update.rows:
            self._show_queue(counted=False)
        if update.open_reloaded and self.session is not None:
            self._repaint_annotations()
        if update.notice:
            self.notify(update.notice, severity=update.severity, timeout=6)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ own queue (team)
    def action_toggle_queue(self) -> None:
        """``M``: the annotator's own queue (the assignment plan's) or every article."""
        queue = self.warraq.queue
        if queue is None:
            self.notify("No assignment plan names you here (warraq assign … --annotators): "
                        "the list shows every article.", timeout=5)
            return
        articles = self.query_one(ArticleList)
        articles.set_scope(None if articles.scoped else queue.ids)

    def open_agreement(self) -> None:
        """Palette: the Agreement screen over the team store's layers (two or more)."""
        app = self.warraq
        names = app.team_layers()
        if app.team_root is None or len(names) < 2 or app.store is None:
            self.notify("Agreement needs a team store with two annotator layers or more.",
                        timeout=5)
            return
        from tui.screens.agreement_screen import AgreementScreen

        self.app.push_screen(AgreementScreen(app.team_root, app.store.schema, names))

    def _show_queue(self, *, counted: bool = True) -> None:
        """The status bar's "queue k/n done" (nothing without a plan naming this
        annotator); ``counted=False`` counts the queue's done articles again first."""
        queue = self.warraq.queue
        if queue is not None:
            if not counted:
                queue.count_done(self.query_one(ArticleList).entries)
            self.query_one(StatusBar).queue = queue.label()

    def _update_entry(self, article_id: str) -> None:
        super()._update_entry(article_id)
        queue = self.warraq.queue
        if queue is not None and article_id in queue.ids:
            entries = self.query_one(ArticleList).entries
            row = entries.position(article_id)
            if row is not None:
                queue.note(article_id, entries.statuses[row])
                self._show_queue()

    # ------------------------------------------------------------------ list filter/search
    @on(ArticleList.FilterChanged)
    def _filter_changed(self, event: ArticleList.FilterChanged) -> None:
        if self.query_one(ArticleList).scoped:
            label = f"My queue ({event.shown:,})"
        else:
            label = (f"Articles ({event.shown:,}/{event.total:,})"
                     if event.shown != event.total else f"Articles ({event.total:,})")
        if event.status:
            label += f" · {STATUS_NAMES[event.status]}"
        if event.view:
            label += f" · {event.view}"
        self._list_label = label
        self._show_list_title()

    def _show_list_title(self) -> None:
        label = getattr(self, "_list_label", None) or (
            f"Articles ({len(self.query_one(ArticleList).entries):,})")
        indexing = self.warraq.indexing
        if indexing is not None and indexing.running:
            count = len(self.query_one(ArticleList).entries)
            build = indexing.build
            if build.phase == "checking":
                label += " …"  # the pane is narrow: the status bar says what it is
                info = f"indexing: looking at {count:,} pages"
            elif build.kind == "folder":
                label += f" · {indexing.fraction:.0%}"  # the pane is narrow: more below
                info = (f"indexing: {build.done:,} of {build.total:,} pages read; the others "
                        "are listed by file name until then")
            else:
                label += f" · {indexing.fraction:.0%}"
                info = (f"indexing: {indexing.fraction:.0%} of the file read, {count:,} "
                        "articles so far; search, sorting and filters cover those")
            self.query_one(StatusBar).info = info
        pane = self.query_one("#list-pane")
        if pane.border_title != label:  # each change repaints the whole pane
            pane.border_title = label

    # ------------------------------------------------------------------ background index
    def _pull_index(self) -> None:
        """Bring rows the background index finished into the list (a few times a second:
        each pull re-filters the list once, however many chunks came in)."""
        indexing = self.warraq.indexing
        if indexing is None:
            return
        done = indexing.finished.is_set()
        pulled = indexing.pull()
        articles = self.query_one(ArticleList)
        summaries = self.warraq.summary.articles if self.warraq.summary is not None else None
        columns = indexing.build.corpus.articles.columns  # type: ignore[attr-defined]
        if pulled.appended:
            rows = pulled.appended
            articles.extend_entries(
                columns["id"][rows.start:rows.stop], columns["title"][rows.start:rows.stop],
                columns["date"][rows.start:rows.stop], columns["site"][rows.start:rows.stop],
                columns["key"][rows.start:rows.stop], summaries=summaries)
            self._show_queue(counted=False)  # rows of the queue came in, some done
        if pulled.updated:
            rows = pulled.updated
            articles.update_rows(rows, [columns["title"][i] for i in rows],
                                 [columns["date"][i] for i in rows],
                                 [columns["site"][i] for i in rows],
                                 [columns["key"][i] for i in rows])
        if done:
            self._index_finished(indexing)
        elif indexing.build.kind == "folder":
            # Pages on screen still listed by file name are read next.
            indexing.build.prioritize(articles.visible_rows())
        self._show_list_title()

    def _index_finished(self, indexing: Any) -> None:
        self._index_timer.stop()
        app = self.warraq
        app.indexing = None
        self.query_one(StatusBar).info = ""
        if indexing.error is not None:
            self.notify(f"Indexing the corpus failed: {indexing.error}", severity="error",
                        timeout=15)
            return
        final = indexing.result
        if final is not None and final is not app.corpus:
            # Pages that turned out unreadable leave the list: swap in the final rows.
            app.corpus = final
            self.query_one(ArticleList).set_entries(app.entries())
        corpus = app.corpus
        report = indexing.build.report
        if report.mode == "fresh":
            return  # a folder checked against its index: nothing changed, nothing to say
        if report.mode == "updated" and indexing.build.kind == "folder":
            message = (f"Index updated in {indexing.seconds:.1f} s: {report.reread:,} pages "
                       f"read again, {report.removed:,} gone.")
        else:
            message = f"Indexed {len(corpus):,} articles in {indexing.seconds:.1f} s."
        problems = len(corpus.errors)
        if problems:
            message += f" {problems:,} could not be read; first: {corpus.errors[0]}"
        self.notify(message, severity="warning" if problems else "information", timeout=8)

    def set_filter(self, status: str | None) -> None:
        self.query_one(ArticleList).status_filter = status

    async def action_search(self) -> None:
        found = self.query("#search")
        if found:
            search = found.first(Input)
        else:
            # Made on first use: hidden at start-up, it still cost its styles and layout.
            from tui.widgets.search_input import SearchInput

            search = SearchInput(placeholder="search titles…", id="search")
            await self.query_one("#list-pane").mount(search, before=0)
        search.add_class("visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_one(ArticleList).query = event.value

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(ArticleList).focus()

    def on_descendant_focus(self, event) -> None:  # type: ignore[no-untyped-def]
        """The tagging pane is a mode where letters toggle document labels: say so while it
        has the focus (elsewhere the same letters mean done, skip, event …)."""
        from tui.widgets.side_pane import TagList

        if isinstance(event.widget, TagList) and event.widget.doc_label_keys:
            keys = " ".join(sorted(event.widget.doc_label_keys))
            self.query_one(StatusBar).mode = f"TAGGING PANE: {keys} toggle document labels"

    def on_descendant_blur(self, event) -> None:  # type: ignore[no-untyped-def]
        from tui.widgets.side_pane import TagList

        if isinstance(event.widget, TagList):
            self.query_one(StatusBar).mode = ""

    def on_key(self, event) -> None:
        search = self.focused
        if event.key == "escape" and isinstance(search, Input) and search.id == "search":
            search.value = ""
            search.remove_class("visible")
            self.query_one(ArticleList).focus()
            event.stop()

    # ------------------------------------------------------------------ navigation
    def _step(self, delta: int, *, skip_done: bool) -> None:
        articles = self.query_one(ArticleList)
        entries, shown = articles.entries, articles.shown
        if not shown:
            return
        row = entries.position(self.current_id) if self.current_id is not None else None
        here = articles.position_of(row) if row is not None else None
        if here is None:
            here = -1 if delta > 0 else 0
        # An article whose text cannot be read (a refused JSONL record, a page gone since
        # the list was made) is passed over: stopping on it would leave n stuck there.
        passed: list[str] = []
        for step in range(1, len(shown) + 1):
            candidate = shown[(here + delta * step) % len(shown)]
            if skip_done and entries.statuses[candidate] in self._passed_statuses():
                continue
            article_id = entries.ids[candidate]
            if self.open_article(article_id, quiet=True):
                if passed:
                    self._passed_over(passed)
                return
            passed.append(article_id)
        if passed:
            self._passed_over(passed)
        else:
            self.notify("Every article in the list is done.")

    def _passed_over(self, passed: list[str]) -> None:
        first = self._unreadable.get(passed[0], passed[0])
        more = f" (and {len(passed) - 1:,} more)" if len(passed) > 1 else ""
        self.notify(f"Passed over {len(passed):,} unreadable article"
                    f"{'s' if len(passed) > 1 else ''}: {first}{more}",
                    severity="warning", timeout=8)

    @staticmethod
    def _passed_statuses() -> tuple[str, ...]:
        from tui.services.session_memory import next_skips_skipped

        return ("done", "skipped") if next_skips_skipped() else ("done",)

    def action_mark(self, status: str) -> None:
        super().action_mark(status)
        if status == "skipped" and self.session is not None and str(
                self.session.annotations.status) == "skipped":
            self.action_next_article()  # `s` skips and goes on

    def _remember_place(self) -> None:
        store = self.warraq.store
        if store is None or self.current_id is None or getattr(store, "read_only", False):
            return
        from tui.services.session_memory import Place, remember

        remember(store.root, self.warraq.annotator,
                 Place(self.current_id, getattr(self, "_cursor_offset", 0)))

    def _resume(self) -> None:
        """Reopen where this annotator left off (the article and the cursor)."""
        store = self.warraq.store
        if store is None:
            return
        from tui.services.session_memory import remembered

        place = remembered(store.root, self.warraq.annotator)
        if place is None or self.query_one(ArticleList).entries.position(place.article_id) is None:
            return
        if self.open_article(place.article_id, quiet=True):
            self.query_one(Reader).move_to_offset(place.offset)

    def action_next_article(self) -> None:
        self._step(1, skip_done=True)

    def action_previous_article(self) -> None:
        self._step(-1, skip_done=False)

    # Below these widths the panes give way to the reader (issue 14: at 100×30 the reader
    # got 28 of 100 columns): narrower list and side pane, then the side pane folded away
    # (ctrl+o shows it over the reader's width).
    NARROW, NARROWER = 120, 100

    def on_resize(self) -> None:
        width = self.size.width
        self.set_class(width < self.NARROW, "-narrow")
        self.set_class(width < self.NARROWER, "-narrower")

    def problems(self) -> list[str]:
        """What went wrong since start: load notices, then articles that would not open."""
        found = list(self.warraq.startup_notices)
        found += [f"{article_id}: {error}" for article_id, error in self._unreadable.items()]
        return found

    def action_problems(self) -> None:
        from tui.screens.problems_screen import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.problems()))

    def action_toggle_side(self) -> None:
        self.toggle_class("-side-shown")

    def action_toggle_list(self) -> None:
        pane = self.query_one("#list-pane")
        pane.display = not pane.display
        if not pane.display:
            self.query_one(Reader).focus()

    def action_help(self) -> None:
        from tui.screens.help_screen import HelpScreen

        descriptions: dict[str, str] = {}
        store = self.warraq.store
        if store is not None:
            for kind in store.schema.entity_types:
                if kind.key:
                    descriptions[f"annotate('label','{kind.key}')"] = (
                        f"Label {kind.name} ({kind.title})"
                    )
        self.app.push_screen(HelpScreen(self.app.focused, extra=HELP_EXTRA,
                                        descriptions=descriptions))

    def action_stats(self) -> None:
        from tui.screens.stats_screen import StatsScreen

        self.app.push_screen(StatsScreen.for_workspace(self.warraq))


HELP_EXTRA = [
    ("ctrl+p", "command palette: open an article by title, filters, actions"),
    ("tab,shift+tab", "next / previous pane"),
    ("mouse", "click a word to put the cursor on it; drag to select"),
]

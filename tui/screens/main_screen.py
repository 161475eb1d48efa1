"""The main screen: article list │ reader │ side pane, a status bar and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input

from store.errors import WarraqError
from store.records import ArticleStatus, SpanStatus
from tui.rtl.glyphs import printable
from tui.rtl.visual_text import visual_line
from tui.services.article_session import AnnotationError, ArticleSession, label_counts
from tui.widgets.article_list import STATUS_NAMES, ArticleList, Entries, Entry
from tui.widgets.key_hints import KeyHints
from tui.widgets.reader import Reader, Span
from tui.widgets.side_pane import SidePane, TagList
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.services.workspace import Workspace


# Seconds the side pane waits before following the cursor (one frame at 60 Hz is 0.017).
CURSOR_FOLLOW_DELAY = 0.02
# How often rows indexed in the background are brought into the list.
INDEX_PULL_SECONDS = 0.25


def clock() -> str:
    """Wall-clock time shown with "saved" (tests replace it to keep screens stable)."""
    from datetime import datetime

    return f"{datetime.now():%H:%M:%S}"


class MainScreen(Screen[None]):
    # Styles: main_screen.tcss, loaded by WarraqApp (this is its default screen).
    # The list has focus from the first frame (else the hidden search field takes it
    # first, and the hand-over restyles and repaints the screen once more).
    AUTO_FOCUS = "#articles"

    BINDINGS = [
        Binding("n", "next_article", "Next"),
        Binding("p", "previous_article", "Prev"),
        Binding("slash", "search", "Search"),
        Binding("ctrl+b", "toggle_list", "List", show=False),
        Binding("S", "stats", "Stats", show=False),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("d", "mark('done')", "Done"),
        Binding("s", "mark('skipped')", "Skip", show=False),
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

    @property
    def warraq(self) -> Workspace:
        """What this screen works on (corpus, store, settings): the app's workspace."""
        return self.app.workspace  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        app = self.warraq
        yield StatusBar(id="status")
        yield KeyHints()
        with Vertical(id="list-pane"):
            # The search field (#search) is made on first use: see action_search.
            yield ArticleList(self.entries, id="articles")
        yield Reader(bidi=app.bidi, direction=app.direction, id="reader")
        yield SidePane(bidi=app.bidi, id="side")

    def on_mount(self) -> None:
        app = self.warraq
        status = self.query_one(StatusBar)
        status.store = app.store_label
        status.annotator = app.annotator
        status.read_only = app.read_only_reason
        articles = self.query_one(ArticleList)
        self.query_one("#list-pane").border_title = f"Articles ({len(articles.entries):,})"
        self.query_one(Reader).border_title = "Reader"
        self.query_one(SidePane).border_title = "Article"
        articles.focus()
        for message in app.startup_notices:
            self.notify(message, severity="warning", timeout=8)
        if app.indexing is not None:
            app.indexing.start()
            self._index_timer = self.set_interval(INDEX_PULL_SECONDS, self._pull_index)
            self._show_list_title()

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
            "status": STATUS_NAMES.get(app.status_of(article_id), "new"),
            "notices": app.attach_article(article),
        }
        self._meta = meta
        self.query_one(SidePane).show_article(meta)
        store = app.store
        self.session = None
        if store is not None:
            self.session = ArticleSession(store, store.schema, article_id, article.text)
            tags = self.query_one(TagList)
            tags.doc_label_keys = {d.key: d.name for d in store.schema.doc_labels if d.key}
        self._repaint_annotations()

    # ------------------------------------------------------------------ annotations
    def _repaint_annotations(self) -> None:
        session = self.session
        reader = self.query_one(Reader)
        pane = self.query_one(SidePane)
        if session is None:
            reader.set_decorations([])
            return
        reader.set_decorations(session.decorations())
        annotations = session.annotations
        labels = [(d.name, d.key, d.title) for d in session.schema.doc_labels]
        pane.show_annotations(session.pane_items(), labels, set(annotations.doc_labels))
        self._update_entry(session.article_id)

    def _update_entry(self, article_id: str) -> None:
        app = self.warraq
        if app.store is None:
            return
        status = str(app.store.status_of(article_id))
        counts = label_counts(app.store.annotations(article_id))
        if article_id == self.current_id and self._meta.get("status") != STATUS_NAMES[status]:
            self._meta["status"] = STATUS_NAMES[status]
            self.query_one(SidePane).query_one("ArticleCard").show(self._meta)
        # The list's entries are columns: this changes the article's row in place.
        self.query_one(ArticleList).update_entry(article_id, status=status, counts=counts)

    def _saved(self, message: str) -> None:
        status = self.query_one(StatusBar)
        status.saved = f"saved {clock()}"
        status.info = visual_line(message, 60)

    def _act(self, message_of) -> bool:
        """Run one annotation action: saved at once, repainted, errors shown, never raised."""
        if self.session is None:
            self.notify("Open an article first (enter in the list).", severity="warning")
            return False
        if self._busy:
            self.notify(f"Wait: {self._busy} is still running.", severity="warning", timeout=3)
            return False
        try:
            message = message_of(self.session)
        except AnnotationError as error:
            self.notify(str(error), severity="warning", timeout=3)
            return False
        except (WarraqError, OSError) as error:
            self.notify(f"Not saved: {error}", severity="error", timeout=10)
            self._repaint_annotations()
            return False
        self._repaint_annotations()
        if message:
            self._saved(message)
        return True

    @on(Reader.Annotate)
    def _annotate(self, event: Reader.Annotate) -> None:
        target: Span | None = event.target
        reader = event.reader
        action, arg = event.action, event.arg
        if target is None and action not in ("accept_all", "next_pending"):
            return
        if action == "label":
            if self._act(lambda s: s.label(target.start, target.end, str(arg),
                                           selection=event.selection)):
                reader.end_selection()
        elif action == "pick_label" and self.session is not None:
            from tui.screens.event_screens import LabelPicker  # modal screens load on first use

            selection = event.selection

            def picked(label: str | None) -> None:
                if label and self._act(lambda s: s.label(target.start, target.end, label,
                                                         selection=selection)):
                    reader.end_selection()

            self.app.push_screen(
                LabelPicker(self.session.schema, reader.text[target.start : target.end]), picked
            )
        elif action == "highlight":
            if self._act(lambda s: f"highlight «{s.highlight(target.start, target.end).text}»"):
                reader.end_selection()
        elif action == "note":
            self._edit_note(target, event.selection)
        elif action == "category":
            self._act(lambda s: self._cycle_category(s, target))
        elif action == "event":
            self._event(target, event.selection)
        elif action == "accept":
            self._act(lambda s: s.accept(target.start, target.end))
        elif action == "reject":
            self._act(lambda s: s.reject(target.start, target.end))
        elif action == "accept_all":
            self._act(lambda s: s.accept_all())
        elif action == "next_pending":
            self._next_pending(int(arg))
        elif action == "delete":
            if self._act(lambda s: s.delete_at(target.start, target.end,
                                               selection=event.selection)):
                reader.end_selection()
        elif action == "adjust":
            d_start, d_end = arg
            self._act(lambda s: self._adjust(s, target, d_start, d_end))
        elif action == "propagate":
            self._act(lambda s: self._propagate(s, target))
        elif action == "reject_all_alike":
            self._act(lambda s: self._reject_alike(s, target))

    @staticmethod
    def _cycle_category(session: ArticleSession, target: Span) -> str:
        mark = session.highlight_at(target.start, target.end)
        if mark is None:
            raise AnnotationError("no highlight under the cursor")
        return f"highlight colour {session.cycle_highlight_category(mark)}"

    @staticmethod
    def _adjust(session: ArticleSession, target: Span, d_start: int, d_end: int) -> str:
        covering = session.entities_at(target.start, target.end)
        if not covering:
            raise AnnotationError("select with v first, or put the cursor on an entity")
        return session.adjust(covering[0], d_start, d_end)

    @staticmethod
    def _propagate(session: ArticleSession, target: Span) -> str:
        covering = session.entities_at(target.start, target.end, pending=False)
        if not covering:
            raise AnnotationError("put the cursor on a labelled entity to propagate it")
        try:
            from store.propagate import propagate_in_article
        except ImportError as error:  # pragma: no cover - shipped together
            raise AnnotationError(f"propagation unavailable: {error}") from None
        added = propagate_in_article(session.store, session.article_id, session.text,
                                     covering[0])
        return f"{covering[0].label} «{covering[0].text}» applied to {len(added)} more mentions"

    def propagate_to_corpus(self) -> None:
        """Offer the entity under the cursor to every article of the corpus as pending
        suggestions (origin "propagation"), in a worker thread; annotation waits meanwhile
        because the store has one writer."""
        session = self.session
        reader = self.query_one(Reader)
        target = reader.target
        if session is None or target is None:
            self.notify("Open an article and put the cursor on an entity.", severity="warning")
            return
        covering = session.entities_at(target.start, target.end, pending=False)
        if not covering or self._busy:
            self.notify("Put the cursor on a labelled entity first." if not covering
                        else f"Wait: {self._busy} is still running.", severity="warning")
            return
        if self.warraq.indexing is not None:  # it would miss the articles not yet read
            self.notify("Wait: the corpus is still being indexed.", severity="warning")
            return
        decided = covering[0]
        self._busy = f"propagating «{decided.text}»"
        status = self.query_one(StatusBar)

        def progress(done: int, total: int) -> bool:
            self.app.call_from_thread(
                setattr, status, "info", visual_line(f"{self._busy}: {done}/{total}", 60)
            )
            return True

        def job() -> None:
            from store.propagate import propagate_to_corpus

            try:
                count = propagate_to_corpus(self.warraq.store, self.warraq.corpus, decided,
                                            progress)
                message = f"{decided.label} «{decided.text}»: {count} suggestions in the corpus"
                self.app.call_from_thread(self._propagated, message, None)
            except Exception as error:  # reported, never lost in the thread
                self.app.call_from_thread(self._propagated, None, error)

        self.run_worker(job, thread=True, exclusive=True, group="propagate")

    def _propagated(self, message: str | None, error: Exception | None) -> None:
        self._busy = None
        if error is not None:
            self.notify(f"Propagation failed: {error}", severity="error", timeout=10)
            return
        # Propagation adds pending suggestions only: no article changes status or accepted
        # counts (what the list shows), so there is no row to update but the open one.
        if self.current_id is not None:
            self._update_entry(self.current_id)
        self._repaint_annotations()
        self._saved(message or "")

    @staticmethod
    def _reject_alike(session: ArticleSession, target: Span) -> str:
        """``X``: reject the suggestion under the cursor and its look-alikes in the article
        (same name, same label) as one undo step."""
        from store.propagate import reject_in_article

        pending = [e for e in session.entities_at(target.start, target.end)
                   if e.status == SpanStatus.PENDING]
        if not pending:
            raise AnnotationError("no suggestion under the cursor")
        span = pending[0]
        with session.store.batch(f"reject «{span.text}» everywhere"):
            session.store.update_entity(session.article_id, span.id, status=SpanStatus.REJECTED)
            others = reject_in_article(session.store, session.article_id, session.text,
                                       session.store.get(session.article_id).entity(span.id))
        return f"rejected {span.label} «{span.text}» and {len(others)} look-alikes"

    def _edit_note(self, target: Span, selection: bool) -> None:
        session = self.session
        if session is None:
            return
        mark = None if selection else session.highlight_at(target.start, target.end)
        if mark is None:
            if not self._act(lambda s: f"highlight «{s.highlight(target.start, target.end).text}»"):
                return
            mark = session.highlight_at(target.start, target.end)
            self.query_one(Reader).end_selection()
        if mark is None:
            return
        mark_id, quoted, note = mark.id, mark.text, mark.note
        from tui.screens.event_screens import NoteDialog

        def save(value: str | None) -> None:
            if value is not None:
                self._act(lambda s: (s.set_note(mark_id, value), f"note on «{quoted}»")[1])

        self.app.push_screen(NoteDialog(quoted, note), save)

    def _event(self, target: Span, selection: bool) -> None:
        session = self.session
        if session is None:
            return
        existing = None if selection else session.event_at(target.start, target.end)
        if existing is not None:
            self._open_event_editor(existing.id)
            return
        trigger = session.text[target.start : target.end]
        from tui.screens.event_screens import EventTypePicker

        def chosen(event_type: str | None) -> None:
            if not event_type:
                return
            made: list[str] = []

            def add(s: ArticleSession) -> str:
                event = s.add_event(target.start, target.end, event_type)
                made.append(event.id)
                return f"event {event_type} «{trigger}»"

            if self._act(add):
                self.query_one(Reader).end_selection()
                self._open_event_editor(made[0])

        self.app.push_screen(EventTypePicker(session.schema, trigger), chosen)

    def _open_event_editor(self, event_id: str) -> None:
        session = self.session
        if session is None:
            return
        reader = self.query_one(Reader)
        from tui.screens.event_screens import EventEditor

        def changed(offset: int | None) -> None:
            if offset is not None:
                reader.move_to_offset(offset, notify=False)
            else:
                self._repaint_annotations()
                self._saved("event updated")

        self.app.push_screen(EventEditor(session, event_id, changed))

    def _next_pending(self, direction: int) -> None:
        session = self.session
        reader = self.query_one(Reader)
        if session is None or reader.word_span is None:
            return
        here = reader.word_span.start
        pending = session.pending()
        if direction > 0:
            ahead = [p for p in pending if p.start > here]
            target = ahead[0] if ahead else (pending[0] if pending else None)
        else:
            behind = [p for p in pending if p.start < here]
            target = behind[-1] if behind else (pending[-1] if pending else None)
        if target is None:
            self.notify("No pending suggestions in this article.", timeout=3)
            return
        reader.move_to_offset(target.start)

    @on(TagList.Moved)
    def _pane_moved(self, event: TagList.Moved) -> None:
        self.query_one(Reader).move_to_offset(event.item.start)

    @on(TagList.Remove)
    def _pane_remove(self, event: TagList.Remove) -> None:
        item = event.item
        store_call = {
            "entity": "remove_entity", "suggestion": "remove_entity",
            "highlight": "remove_highlight", "event": "remove_event",
        }[item.kind]
        self._act(lambda s: (getattr(s.store, store_call)(s.article_id, item.id),
                             f"removed {item.label} «{item.text}»")[1])

    @on(TagList.ToggleDocLabel)
    def _toggle_doc_label(self, event: TagList.ToggleDocLabel) -> None:
        self._act(lambda s: f"{event.label} {'on' if s.toggle_doc_label(event.label) else 'off'}")

    def action_mark(self, status: str) -> None:
        self._act(lambda s: f"article {STATUS_NAMES[str(s.toggle_status(ArticleStatus(status)))]}")

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        store = self.warraq.store
        if store is None:
            return
        try:
            action = store.undo() if which == "undo" else store.redo()
        except (WarraqError, OSError) as error:
            self.notify(f"Not saved: {error}", severity="error", timeout=10)
            return
        if action is None:
            self.notify(f"Nothing to {which}.", timeout=2)
            return
        for article_id in getattr(action, "article_ids", None) or [action.article_id]:
            if article_id:
                self._update_entry(article_id)
        self._repaint_annotations()
        self._saved(f"{which}: {getattr(action, 'description', '')}")

    @on(Reader.CursorMoved)
    def _cursor_moved(self, event: Reader.CursorMoved) -> None:
        """The side pane follows the cursor a moment later, in its own small repaint: the
        compositor repaints the box around all dirty regions, and a reader row plus a card
        across the screen would make that box most of the screen on every keypress."""
        self._pending_cursor = event
        if self._cursor_timer is None:
            self._cursor_timer = self.set_timer(CURSOR_FOLLOW_DELAY, self._follow_cursor)

    def _follow_cursor(self) -> None:
        self._cursor_timer = None
        event, self._pending_cursor = self._pending_cursor, None
        if event is None:
            return
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
        tags = self.query_one(TagList)
        if not tags.has_focus:
            tags.select_offset(target.start, target.end)

    # ------------------------------------------------------------------ list filter/search
    @on(ArticleList.FilterChanged)
    def _filter_changed(self, event: ArticleList.FilterChanged) -> None:
        label = f"Articles ({event.shown:,}/{event.total:,})" if event.shown != event.total else (
            f"Articles ({event.total:,})"
        )
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
        for step in range(1, len(shown) + 1):
            candidate = shown[(here + delta * step) % len(shown)]
            if not skip_done or entries.statuses[candidate] != "done":
                self.open_article(entries.ids[candidate])
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

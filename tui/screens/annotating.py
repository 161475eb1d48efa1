"""The annotating half of the main screen: what the reader and the tagging pane ask for
(label, accept, reject, highlight, note, event, propagate, delete, undo/redo, status),
turned into store actions through the open article's session, saved at once and repainted.

A base class of ``MainScreen`` rather than part of it so that each file reads in one
sitting: the main screen lays out the panes, opens articles and follows the list and the
index; this holds the annotation work. It relies on the main screen's panes (``Reader``,
``SidePane``, ``TagList``, ``StatusBar``, ``ArticleList``) and on ``self.session``,
``self.current_id`` and ``self.warraq``, which the main screen sets.

Requests carry the id of the article they were made on (the reader's and the pane's
messages, a dialog's answer): one that arrives after another article was opened is
dropped, never applied to the article now open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.screen import Screen

from store.errors import WarraqError
from store.records import ArticleStatus, SpanStatus
from tui.rtl.visual_text import visual_line
from tui.services.article_session import AnnotationError, ArticleSession, label_counts
from tui.services.list_model import STATUS_NAMES
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader, Span
from tui.widgets.side_pane import SidePane, TagList
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.services.workspace import Workspace


def clock() -> str:
    """Wall-clock time shown with "saved" (tests replace it to keep screens stable)."""
    from datetime import datetime

    return f"{datetime.now():%H:%M:%S}"


def not_saved(error: BaseException) -> str:
    """One line for a refused save, saying "not saved" once (a store error that already
    says it, e.g. a read-only store, is not prefixed again)."""
    text = str(error)
    return text if "not saved" in text.lower() else f"Not saved: {text}"

class AnnotatingScreen(Screen[None]):
    """Annotation actions of the main screen (see the module docstring)."""

    session: ArticleSession | None
    current_id: str | None
    _meta: dict[str, Any]
    _busy: str | None

    @property
    def warraq(self) -> Workspace:
        """What this screen works on (corpus, store, settings): the app's workspace."""
        return self.app.workspace  # type: ignore[attr-defined]

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
        pane.show_annotations(session.pane_items(), labels, set(annotations.doc_labels),
                              session.article_id)
        self._update_entry(session.article_id)

    def _update_entry(self, article_id: str) -> None:
        app = self.warraq
        if app.store is None:
            return
        status = app.status_name(article_id)
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

    def _stale(self, article_id: str | None) -> bool:
        """True (and said) when a request was made on another article than the open one."""
        if article_id is None or article_id == self.current_id:
            return False
        self.notify("Not applied: it was meant for the article open before.",
                    severity="warning", timeout=3)
        return True

    def _act(self, message_of, article_id: str | None = None) -> bool:
        """Run one annotation action: saved at once, repainted, errors shown, never raised.
        With ``article_id`` (the article the request was made on) it runs only if that is
        still the open article."""
        if self.session is None:
            self.notify("Open an article first (enter in the list).", severity="warning")
            return False
        if self._stale(article_id) or (article_id is not None
                                       and self.session.article_id != article_id):
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
            self.notify(not_saved(error), severity="error", timeout=10)
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
        if target is None and action not in ("accept_all", "next_pending", "guidelines"):
            return
        if self._stale(event.article_id):
            return
        article_id = event.article_id
        if action == "label":
            if self._act(lambda s: s.label(target.start, target.end, str(arg),
                                           selection=event.selection)):
                reader.end_selection()
        elif action == "pick_label" and self.session is not None:
            from tui.screens.event_screens import LabelPicker  # modal screens load on first use

            selection = event.selection

            def picked(label: str | None) -> None:
                if label and self._act(lambda s: s.label(target.start, target.end, label,
                                                         selection=selection), article_id):
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
        elif action == "guidelines":
            self.action_guidelines()

    def action_guidelines(self) -> None:
        """The schema's label descriptions and role types (``G``, or the palette)."""
        from store.schema import Schema
        from tui.screens.guidelines_screen import GuidelineScreen  # loads on first use

        store = self.warraq.store
        self.app.push_screen(GuidelineScreen(store.schema if store else Schema.default()))

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
        article_id = session.article_id
        from tui.screens.event_screens import NoteDialog

        def save(value: str | None) -> None:
            if value is not None:
                self._act(lambda s: (s.set_note(mark_id, value), f"note on «{quoted}»")[1],
                          article_id)

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
        article_id = session.article_id
        from tui.screens.event_screens import EventTypePicker

        def chosen(event_type: str | None) -> None:
            if not event_type:
                return
            made: list[str] = []

            def add(s: ArticleSession) -> str:
                event = s.add_event(target.start, target.end, event_type)
                made.append(event.id)
                return f"event {event_type} «{trigger}»"

            if self._act(add, article_id):
                self.query_one(Reader).end_selection()
                self._open_event_editor(made[0])

        self.app.push_screen(EventTypePicker(session.schema, trigger), chosen)

    def _open_event_editor(self, event_id: str) -> None:
        session = self.session
        if session is None:
            return
        reader = self.query_one(Reader)
        article_id = session.article_id
        from tui.screens.event_screens import EventEditor

        def show_offset(offset: int) -> None:
            if self.current_id == article_id:
                reader.move_to_offset(offset, notify=False)

        self.app.push_screen(EventEditor(
            session, event_id, lambda change: self._act(change, article_id), show_offset))

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
        if event.article_id in (None, self.current_id):
            self.query_one(Reader).move_to_offset(event.item.start)

    @on(TagList.Remove)
    def _pane_remove(self, event: TagList.Remove) -> None:
        if self._stale(event.article_id):
            return
        item = event.item
        store_call = {
            "entity": "remove_entity", "suggestion": "remove_entity",
            "highlight": "remove_highlight", "event": "remove_event",
        }[item.kind]
        self._act(lambda s: (getattr(s.store, store_call)(s.article_id, item.id),
                             f"removed {item.label} «{item.text}»")[1], event.article_id)

    @on(TagList.ToggleDocLabel)
    def _toggle_doc_label(self, event: TagList.ToggleDocLabel) -> None:
        self._act(lambda s: f"{event.label} {'on' if s.toggle_doc_label(event.label) else 'off'}",
                  event.article_id)

    def action_doc_labels(self) -> None:
        """``D``: the document labels in a dialog where their letters mean nothing else."""
        from tui.screens.doc_labels_screen import DocLabelsScreen

        session = self.session
        if session is None:
            self.notify("Open an article first (enter in the list).", severity="warning")
            return
        if not session.schema.doc_labels:
            self.notify("The schema has no document labels.", severity="warning")
            return
        article_id = session.article_id
        labels = [(d.name, d.key, d.title) for d in session.schema.doc_labels]

        def toggle(name: str) -> bool:
            def act(s: ArticleSession) -> str:
                return f"{name} {'on' if s.toggle_doc_label(name) else 'off'}"

            self._act(act, article_id)  # saved at once, an undo step, errors shown
            return self.session is not None and name in self.session.annotations.doc_labels

        self.app.push_screen(DocLabelsScreen(labels, set(session.annotations.doc_labels),
                                             toggle))

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
            self.notify(not_saved(error), severity="error", timeout=10)
            return
        if action is None:
            self.notify(f"Nothing to {which}.", timeout=2)
            return
        for article_id in getattr(action, "article_ids", None) or [action.article_id]:
            if article_id:
                self._update_entry(article_id)
        self._repaint_annotations()
        self._saved(f"{which}: {getattr(action, 'description', '')}")


"""Actions, undo/redo and batches: the layer that turns edits into saved, undoable steps.

Every mutation of ``store.store.Store`` runs inside ``_action``: it collects the action's
record-level changes (``store.history.Change``), applies them to the article in memory,
saves the article once (``StoreFiles._save``) and pushes the action on the undo stack; if
the save fails the changes are rolled back, so memory and the undo stack never claim what
the disk does not hold. Undo and redo replay an action's ``before`` or ``after`` side the
same way. A batch defers the saves to one write per article and one undo step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from store.article_files import RECORD_CLASS
from store.disk_changes import ArticleReloaded
from store.errors import StoreError
from store.history import Action, Change, History
from store.persistence import StoreFiles
from store.records import ArticleStatus
from store.schema import Schema
from store.stored_article import StoredArticle

# Actions that are annotation work: the first one by a person moves a new article to
# "in progress" (accepting or rejecting a suggestion counts; machine suggestions do not).
_ANNOTATING = {
    "add_entity", "update_entity", "remove_entity",
    "add_highlight", "update_highlight", "remove_highlight",
    "add_event", "update_event", "remove_event",
    "toggle_doc_label", "set_doc_labels",
}


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than
    ``copy.deepcopy``, which a suggestion run called for every span it added."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(json_copy(v) for v in value)
    return value


def _suggestions_only(changes: list[Change]) -> bool:
    """True when an action only adds or changes pending suggestions (machine work)."""
    return bool(changes) and all(
        c.table == "entities" and isinstance(c.after, dict) and c.after.get("status") == "pending"
        for c in changes
    )


class _Pending:
    """An action being built: its changes, and the articles it touched."""

    def __init__(self, kind: str, article_id: str | None, description: str):
        self.action = Action(kind, article_id, description)
        self.articles: dict[str, StoredArticle] = {}


class UndoableStore(StoreFiles):
    """``StoreFiles`` plus the action machinery, undo/redo and batches."""

    # Annotating actions a person made since the store opened (not machine suggestions).
    human_decisions = 0

    def __init__(self, root: Path, schema: Schema, annotator: str):
        super().__init__(root, schema, annotator)
        self._history = History()
        # The undo step a batch is building (None: no batch open).
        self._batch_action: _Pending | None = None

    # ================================================================== undo/redo
    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    def undo(self) -> Action | None:
        """Revert the last action and save at once; returns it (None: nothing to undo)."""
        return self._step(undo=True)

    def redo(self) -> Action | None:
        """Apply the last undone action again and save; returns it (None: nothing to redo)."""
        return self._step(undo=False)

    def _step(self, *, undo: bool) -> Action | None:
        """One undo or redo: the action moves to the other stack only once it is saved; a
        failed save puts it back where it was."""
        self._check_writable()
        history = self._history
        action = history.pop_undo() if undo else history.pop_redo()
        if action is None:
            return None
        back, forth = (history.done, history.undone) if undo else (history.undone, history.done)
        try:
            self._replay(action, undo=undo)
        except ArticleReloaded:
            raise  # hook: the reload dropped this article's history, the step included
        except BaseException:
            back(action)
            raise
        forth(action)
        return action

    def _replay(self, action: Action, *, undo: bool) -> None:
        """Apply one side of an action and save every article it touched; on a failed
        save, put memory (and the files already written) back as they were."""
        changes = list(reversed(action.changes)) if undo else action.changes
        touched: dict[str, StoredArticle] = {}
        for change in changes:
            art = self._writable_article(change.article_id, replay=True)
            touched[art.id] = art
        applied: list[Change] = []
        saved: list[StoredArticle] = []
        try:
            for change in changes:
                art = touched[change.article_id]
                self._apply_change(art, change, change.before if undo else change.after)
                applied.append(change)
            for art in touched.values():
                self._save(art)
                saved.append(art)
        except BaseException:
            for change in reversed(applied):
                art = touched[change.article_id]
                self._apply_change(art, change, change.after if undo else change.before)
            for art in saved:  # put back what an earlier file of this step already holds
                with contextlib.suppress(StoreError):
                    self._save(art)
            raise

    # ================================================================== memory
    def release(self, article_ids: Iterable[str]) -> None:
        """Let go of articles this process is done with (a suggestion run over a large
        corpus): they leave the cache, and their undo steps the history, since a step
        must not replay onto a copy that is no longer the one in memory. A later read
        loads them from their files again. Articles with unsaved changes (an open batch,
        a write group not yet flushed) raise ``StoreError``."""
        ids = set(article_ids)
        self._forget_articles(ids)
        self._history.forget_all(ids)

    @property
    def cached_articles(self) -> int:
        """How many articles are held in memory (bounded during a large run)."""
        return len(self._cache)

    # ================================================================== batch
    @contextlib.contextmanager
    def batch(self, description: str = "batch", *, undoable: bool = True) -> Iterator[None]:
        """Group many mutations (an import, a suggestion run) into one write per article
        and one undo step. Files are written when the block exits, even on error.
        ``undoable=False`` writes without an undo step: work done *for* the annotator in
        the background (refreshed model suggestions), which ``u`` must not take back in
        place of their own last action."""
        if self._batch is not None:
            yield
            return
        self._check_writable()
        self._batch = {}
        self._batch_action = _Pending("batch", None, description)
        # A batch kept off the undo history is machine work throughout, removals of stale
        # suggestions included: it neither starts an article nor counts as a decision.
        self._machine_batch = not undoable
        try:
            yield
        finally:
            self._machine_batch = False
            dirty, self._batch = self._batch, None
            pending, self._batch_action = self._batch_action, None
            self._finish_batch(dirty, pending, record=undoable)

    def _finish_batch(self, dirty: dict[str, StoredArticle], pending: _Pending | None, *,
                      record: bool = True) -> None:
        """Write every article the batch touched. An article whose save fails (disk full…)
        gets its batch changes undone in memory and left out of the undo step, so memory and
        the undo stack never claim what the disk does not hold; the first error is raised
        after the others were written."""
        failed: dict[str, StoreError] = {}
        for art in dirty.values():
            try:
                self._save(art)
            except StoreError as exc:
                failed[art.id] = exc
        changes = pending.action.changes if pending is not None else []
        if failed:
            for change in reversed(changes):
                if change.article_id in failed:
                    self._apply_change(dirty[change.article_id], change, change.before)
            changes[:] = [c for c in changes if c.article_id not in failed]
        if pending is not None and changes and record:
            ids = pending.action.article_ids
            pending.action.article_id = ids[0] if len(ids) == 1 else None
            self._history.push(pending.action)
        if failed:
            raise next(iter(failed.values()))

    # ================================================================== actions
    @contextlib.contextmanager
    def _action(self, kind: str, art: StoredArticle, description: str) -> Iterator[_Pending]:
        """Collect one action's changes; then save (or defer to the batch) and record it.
        If the save fails the in-memory article is rolled back, so memory never claims
        what the disk does not hold."""
        pending = _Pending(kind, art.id, description)
        pending.articles[art.id] = art
        try:
            yield pending
        except BaseException:
            for change in reversed(pending.action.changes):
                self._apply_change(pending.articles[change.article_id], change, change.before)
            raise
        # Only a person's work starts an article and credits the annotator: pending
        # suggestions from a gazetteer, a model or an import leave it "new", unclaimed.
        machine_only = (_suggestions_only(pending.action.changes)
                        or (self._batch is not None and getattr(self, "_machine_batch", False)))
        if kind in _ANNOTATING and not machine_only and pending.action.changes:
            self.human_decisions += 1  # what the app's background retraining counts
        if (kind in _ANNOTATING and art.annotations.status == ArticleStatus.NEW
                and not machine_only):
            self._change_value(pending, art, "status", ArticleStatus.IN_PROGRESS.value)
        if not pending.action.changes:
            return
        new_annotator = not machine_only and self.annotator not in art.annotations.annotators
        if new_annotator:
            art.annotations.annotators.append(self.annotator)
        if self._batch is not None and self._batch_action is not None:
            self._batch[art.id] = art
            self._batch_action.action.changes.extend(pending.action.changes)
            return
        stamps = (art.created, art.modified)
        try:
            self._save(art)
        except BaseException:
            for change in reversed(pending.action.changes):
                self._apply_change(pending.articles[change.article_id], change, change.before)
            if new_annotator:
                art.annotations.annotators.remove(self.annotator)
            art.created, art.modified = stamps
            raise
        self._history.push(pending.action)

    def _change_record(self, pending: _Pending, art: StoredArticle, table: str,
                       record_id: str, data: dict[str, Any] | None, record: Any = None
                       ) -> None:
        before = art._docs[table].get(record_id)
        # A record is in ``_docs`` exactly when it is in the list: a new one needs no scan.
        index = art.find(table, record_id) if before is not None else None
        change = Change(art.id, table, record_id, before, data,
                        index if index is not None else len(getattr(art.annotations, table)))
        pending.action.changes.append(change)
        self._apply_record(art, table, record_id, data, index, record)

    def _change_value(self, pending: _Pending, art: StoredArticle, table: str,
                      value: Any) -> None:
        before = (art.annotations.status.value if table == "status"
                  else list(art.annotations.doc_labels))
        if before == value:
            return
        change = Change(art.id, table, None, before, value)
        pending.action.changes.append(change)
        self._apply_change(art, change, value)

    def _apply_change(self, art: StoredArticle, change: Change, value: Any) -> None:
        if change.table == "status":
            art.annotations.status = ArticleStatus(value)
        elif change.table == "doc_labels":
            art.annotations.doc_labels = list(value)
        else:
            index = art.find(change.table, change.record_id)  # type: ignore[arg-type]
            self._apply_record(art, change.table, change.record_id,  # type: ignore[arg-type]
                               value, index if index is not None else change.index)

    def _apply_record(self, art: StoredArticle, table: str, record_id: str,
                      data: dict[str, Any] | None, index: int | None, record: Any = None
                      ) -> None:
        """Set (``data``) or drop (None) one record in memory: both the record object and
        the raw document ``_save`` writes, keeping its TinyDB id (a new one gets the next).
        ``record``: the record object ``data`` was just made from (and shares nothing
        with), kept as it is instead of being rebuilt from a copy of ``data``."""
        records = getattr(art.annotations, table)
        pos = art.find(table, record_id) if record_id in art._docs[table] else None
        if data is None:
            if pos is not None:
                del records[pos]
            art._docs[table].pop(record_id, None)
            return
        rec = record if record is not None else RECORD_CLASS[table].from_dict(json_copy(data))
        if pos is not None:
            records[pos] = rec
        else:
            at = len(records) if index is None else min(index, len(records))
            records.insert(at, rec)
        if record_id not in art._doc_ids[table]:
            art._doc_ids[table][record_id] = art.next_doc_key(table)
        art._docs[table][record_id] = data

"""Undo/redo of annotation actions within a session.

An action is a list of record-level changes (before and after, as the dicts written to the
file), so undoing is applying the ``before`` side and redoing the ``after`` side; both are
saved at once like any other edit. One keypress, one action: removing an entity that event
arguments point to, or the automatic "new → in progress" on a first annotation, are part of
the action that caused them and are undone with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_ACTIONS = 10_000


@dataclass
class Change:
    """One record (or the status / doc-label list) of one article, before and after.

    ``table`` is ``entities``, ``highlights``, ``events``, ``status`` or ``doc_labels``;
    ``before``/``after`` are ``None`` when the record did not / does not exist; ``index`` is
    the record's position so an undone removal comes back where it was.
    """

    article_id: str
    table: str
    record_id: str | None
    before: Any
    after: Any
    index: int | None = None


@dataclass
class Action:
    """What :meth:`Store.undo` / :meth:`Store.redo` return, for the status bar."""

    kind: str
    article_id: str | None
    description: str
    changes: list[Change] = field(default_factory=list)
    seq: int = 0

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(c.article_id for c in self.changes))


class History:
    def __init__(self) -> None:
        self._undo: list[Action] = []
        self._redo: list[Action] = []
        self._seq = 0

    def push(self, action: Action) -> None:
        if not action.changes:
            return
        self._seq += 1
        action.seq = self._seq
        self._undo.append(action)
        if len(self._undo) > MAX_ACTIONS:
            del self._undo[: len(self._undo) - MAX_ACTIONS]
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def pop_undo(self) -> Action | None:
        return self._undo.pop() if self._undo else None

    def pop_redo(self) -> Action | None:
        return self._redo.pop() if self._redo else None

    def done(self, action: Action) -> None:
        """Back on the undo stack after a redo (without clearing the redo stack)."""
        self._undo.append(action)

    def undone(self, action: Action) -> None:
        self._redo.append(action)

    def forget(self, article_id: str) -> None:
        """Drop actions touching an article whose offsets were re-anchored: their stored
        before/after states refer to the old text and must not be replayed."""
        self.forget_all({article_id})

    def forget_all(self, article_ids: set[str]) -> None:
        """``forget`` for many articles in one pass over the stacks."""
        if not article_ids or not (self._undo or self._redo):
            return
        self._undo = [a for a in self._undo if article_ids.isdisjoint(a.article_ids)]
        self._redo = [a for a in self._redo if article_ids.isdisjoint(a.article_ids)]

"""Following a store folder that changes under the running app (git pull, checkout, a
second Warraq, a script), without Textual: the main screen calls :meth:`StoreWatch.poll`
on a timer and applies what it returns (list rows, a repaint, one notice).

The store does the work (``Store.sync_with_disk``, store/disk_changes.py): files that
changed are read again and articles in memory reloaded. Here those changes become what the
screen shows: each changed article's list row (status, label counts), whether the open
article must be repainted, and a short notice saying what happened. Polling a stat of the
folder and of the open article's file costs microseconds, so no file-watching library or
thread is needed; the folder is listed again only when its own stat changed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from store.errors import StoreError
from store.stats import ArticleSummary
from tui.rtl.glyphs import printable
from tui.services.article_session import label_counts

# How often the main screen looks at the store folder.
STORE_WATCH_SECONDS = 1.0


@dataclass
class StoreUpdate:
    """What the screen does after a change on disk."""

    # Article id -> (status, accepted spans per label) for the list's rows.
    rows: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)
    open_reloaded: bool = False
    notice: str = ""
    severity: str = "information"


class StoreWatch:
    """Turns the store's view of its folder into screen updates (see the module doc)."""

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace
        self._names: dict[str, str] | None = None  # file name -> id, from the summary
        store = workspace.store
        if store is not None and not store.closed:
            # The first look lists the folder: what later looks compare with.
            with contextlib.suppress(StoreError, OSError):
                store.sync_with_disk()

    def poll(self, open_id: str | None) -> StoreUpdate | None:
        """Look once; None when nothing changed (or there is no store to look at)."""
        store = self.workspace.store
        if store is None or store.closed:
            return None
        try:
            changes = store.sync_with_disk([open_id] if open_id is not None else [])
        except (StoreError, OSError) as error:
            return StoreUpdate(notice=f"Could not look at the store folder: {error}",
                               severity="warning")
        if not changes:
            return None
        update = StoreUpdate()
        ids = list(changes.ids)
        ids.extend(i for i in map(self._id_of_file, changes.removed_files) if i is not None)
        for article_id in dict.fromkeys(ids):
            status = str(store.status_of(article_id))
            counts = label_counts(store.annotations(article_id))
            update.rows[article_id] = (status, counts)
            self._remember(article_id, status, counts)
        update.open_reloaded = open_id is not None and open_id in update.rows
        update.notice, update.severity = self._describe(changes, open_id, update)
        return update

    def _describe(self, changes: Any, open_id: str | None, update: StoreUpdate
                  ) -> tuple[str, str]:
        parts = []
        others = len([i for i in update.rows if i != open_id])
        if update.open_reloaded:
            parts.append("The open article changed on disk (git? another tool?) and was "
                         "reloaded; its undo history is cleared.")
        if others:
            noun = "article" if others == 1 else "articles"
            parts.append(f"{others:,} other {noun} changed in the store folder.")
        severity = "information"
        if changes.damaged:
            severity = "warning"
            first = printable(str(changes.damaged[0]))
            more = f" (and {len(changes.damaged) - 1:,} more)" if len(changes.damaged) > 1 \
                else ""
            parts.append(f"Damaged on disk, will not be overwritten: {first}{more}")
        return " ".join(parts), severity

    def _id_of_file(self, name: str) -> str | None:
        """The article a removed file held, when the store never read it: from the
        start-up summary's ids (file names are a function of the id)."""
        if self._names is None:
            from store.store import article_filename

            summary = self.workspace.summary
            ids = summary.articles if summary is not None else {}
            self._names = {article_filename(i): i for i in ids}
        return self._names.get(name)

    def _remember(self, article_id: str, status: str, counts: dict[str, int]) -> None:
        """Keep the start-up summary in step, since the list is rebuilt from it when the
        background index finishes."""
        summary = self.workspace.summary
        if summary is None:
            return
        known = summary.articles.get(article_id)
        if known is None:
            summary.articles[article_id] = ArticleSummary(id=article_id, status=status,
                                                          labels=dict(counts))
        else:
            known.status, known.labels = status, dict(counts)

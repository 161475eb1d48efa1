"""The annotation store: one small TinyDB JSON file per annotated article.

Layout of a store folder (see store/FORMAT.md for the file contents)::

    warraq-store.json          store format version, label schema snapshots
    articles/<slug>-<hash>.json one TinyDB database per annotated article
    .lock                      held (OS lock) by the one process allowed to write

Every mutation is durable before it returns (one atomic file replace of that article's file
only, so a save costs the same however large the store is), is recorded for undo, and raises
``StoreError`` when the store or that article cannot be written; inside
``grouped_writes`` (a run over a whole corpus) saves are made durable a group at a time
instead (store/group_writes.py), and inside ``writes_synced_later`` (machine suggestions the
app swaps in while a person works) a group is synced in another thread and renamed into place
later, a person's own save of such an article superseding it. Reads are cached: after the
first ``get`` an article lives in memory for the session, unless ``release`` lets it go (with
its undo steps).

This module is the public face: ``Store`` and the names callers import from here. The class
is built in layers, each in its own module, bottom up:

- ``store.article_files``: file names, format constants, the article-file check;
- ``store.stored_article``: ``StoredArticle`` and building one from a file;
- ``store.persistence`` (``StoreFiles``): the folder, the lock, read-only handling, reading
  and atomically writing article files;
- ``store.undo`` (``UndoableStore``): actions, undo/redo, batches;
- ``store.annotating`` (``AnnotatingStore``): the annotation API;
- here (``Store``): reading articles, attaching corpus text, re-anchoring drifted spans.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from store.annotating import AnnotatingStore
from store.article_files import (
    ARTICLE_FORMAT,
    ARTICLES_DIR,
    FORMAT_VERSION,
    RECORD_TABLES,
    STORE_FILE,
    STORE_FORMAT,
    article_filename,
    check_article_file,
    text_sha256,
)
from store.disk_changes import DiskChanges
from store.drift import DriftReport, reanchor
from store.errors import StoreError
from store.history import Action, Change
from store.records import ArticleAnnotations, ArticleStatus, now_iso
from store.stored_article import StoredArticle

# The old private name, for code written before the split (store.stats used it).
_check_article_file = check_article_file

__all__ = [
    "ARTICLES_DIR",
    "ARTICLE_FORMAT",
    "FORMAT_VERSION",
    "RECORD_TABLES",
    "STORE_FILE",
    "STORE_FORMAT",
    "Action",
    "Change",
    "Store",
    "StoreError",
    "StoredArticle",
    "article_filename",
    "check_article_file",
    "text_sha256",
]


class Store(AnnotatingStore):
    """A folder of annotation files; see the module docstring and store/FORMAT.md."""

    # ================================================================== read API
    def article_ids(self) -> list[str]:
        """Ids of every readable stored article (damaged files are in ``errors``)."""
        if not self._scanned:
            self.scan()
        ids = {i for i, art in self._cache.items() if art.exists}
        for data in self._raw.values():
            ids.add(data["article"]["1"]["id"])
        return sorted(ids)

    def get(self, article_id: str) -> StoredArticle | None:
        """The stored article or None; raises StoreError when its file is damaged."""
        return self._load(article_id)

    def error_for(self, article_id: str) -> StoreError | None:
        """The damage preventing this article's file from being read, if any."""
        name = self._file_for(article_id)
        if name not in self._damaged and name in self._files and name not in self._raw \
                and article_id not in self._cache:
            self._parse_file(name)
        return self._damaged.get(name)

    def status_of(self, article_id: str) -> ArticleStatus:
        """Cheap: no disk access for articles never stored; NEW for damaged ones."""
        art = self._cache.get(article_id)
        if art is not None:
            return art.annotations.status
        name = self._file_for(article_id)
        data = self._raw.get(name)
        if data is None:
            if name not in self._files or name in self._damaged:
                return ArticleStatus.NEW
            data = self._parse_file(name)
            if data is None:
                return ArticleStatus.NEW
        try:
            return ArticleStatus(data["article"]["1"].get("status", "new"))
        except ValueError:
            return ArticleStatus.NEW

    def annotations(self, article_id: str) -> ArticleAnnotations:
        """The article's annotations; empty when it is not stored (or damaged)."""
        try:
            art = self._load(article_id)
        except StoreError:
            return ArticleAnnotations()
        return art.annotations if art is not None else ArticleAnnotations()

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every readable stored article, in id order (for export and stats)."""
        for article_id in self.article_ids():
            try:
                art = self._load(article_id)
            except StoreError:
                continue
            if art is not None and art.exists:
                yield art

    def attach(self, article_id: str, text: str, meta: dict[str, Any] | None = None
               ) -> StoredArticle:
        """Bind an article's corpus text. Runs the drift check when it is stored; the file
        is created on the first write. A damaged article comes back with ``error`` set."""
        self._disk.attached(article_id, text)  # hook: a reload is re-anchored onto it
        try:
            art = self._load(article_id)
        except StoreError as exc:
            return StoredArticle(id=article_id, text=text, sha256=text_sha256(text),
                                 meta=dict(meta or {}), annotations=ArticleAnnotations(),
                                 path=self.articles_dir / self._file_for(article_id),
                                 exists=True, error=exc)
        if art is None:
            art = StoredArticle(id=article_id, text=text, sha256=text_sha256(text),
                                meta=dict(meta or {}), annotations=ArticleAnnotations(),
                                path=self.articles_dir / article_filename(article_id))
            self._cache[article_id] = art
            return art
        if meta:
            art.meta = {**art.meta, **meta}
        if art.text != text:
            self.reconcile(article_id, text)
        return art

    # ================================================================== drift
    def sync_with_disk(self, open_ids: list[str] | tuple[str, ...] = ()) -> DiskChanges:
        """Follow changes made to the store folder by git or another tool: changed files
        are read again, articles in memory reloaded (``open_ids``' files are looked at
        on every call, the folder when it changed). See store/disk_changes.py."""
        return self._disk.poll(open_ids)

    def reconcile(self, article_id: str, corpus_text: str) -> DriftReport:
        """Re-anchor a stored article's spans onto changed corpus text.

        Each span moves only to its single candidate position (its text, then its context
        in the old snapshot); the others are marked ``stale``. The result is saved when the
        store is writable (not an undoable action; earlier undo steps on this article are
        dropped since their offsets refer to the old text).
        """
        art = self._load(article_id)
        if art is None:
            raise StoreError(f"article {article_id!r} is not in the store")
        old_text = art.text
        report = DriftReport(article_id, art.sha256, text_sha256(corpus_text))
        if old_text == corpus_text:
            return report
        for table in RECORD_TABLES:
            for i, rec in enumerate(getattr(art.annotations, table)):
                if table == "events":
                    start, end, covered = rec.trigger_start, rec.trigger_end, rec.trigger_text
                else:
                    start, end, covered = rec.start, rec.end, rec.text
                trusted = None if rec.stale else old_text
                new_start = reanchor(trusted, corpus_text, start, end, covered)
                data = dict(art._docs[table][rec.id])
                if new_start is None:
                    report.stale += 1
                    report.stale_ids.append(rec.id)
                    data["stale"] = True
                else:
                    if new_start == start and not rec.stale:
                        report.unchanged += 1
                    else:
                        report.moved += 1
                    key_s, key_e = ("trigger_start", "trigger_end") if table == "events" \
                        else ("start", "end")
                    data[key_s] = new_start
                    data[key_e] = new_start + len(covered)
                    data.pop("stale", None)
                self._apply_record(art, table, rec.id, data, i)
        art.text = corpus_text
        art.sha256 = report.new_sha256
        art.drifted = True
        art.drift = report
        art._extra["drift"] = {**report.to_dict(), "reconciled": now_iso()}
        self._history.forget(article_id)
        if art.exists and not self.read_only and art.error is None:
            self._save(art)
        return report

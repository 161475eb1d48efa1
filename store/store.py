"""The annotation store: one small TinyDB JSON file per annotated article.

Layout of a store folder (see store/FORMAT.md for the file contents)::

    warraq-store.json          store format version, label schema snapshots
    articles/<slug>-<hash>.json one TinyDB database per annotated article
    .lock                      held (OS lock) by the one process allowed to write

Every mutation is durable before it returns (one atomic file replace of that article's file
only, so a save costs the same however large the store is), is recorded for undo, and raises
``StoreError`` when the store or that article cannot be written. Reads are cached: after the
first ``get`` an article lives in memory for the session.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.disk_changes import ArticleReloaded, DiskChanges, DiskTracker
from store.drift import DriftReport, reanchor
from store.errors import StoreError
from store.history import Action, Change, History
from store.lock import StoreLock
from store.paths import resolve_store_dir
from store.records import (
    HUMAN,
    ArticleAnnotations,
    ArticleStatus,
    Correction,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
    now_iso,
)
from store.schema import Schema
from store.storage import TEMP_SUFFIX, atomic_write_text, dumps, read_json

STORE_FORMAT = "warraq-store"
ARTICLE_FORMAT = "warraq-article"
FORMAT_VERSION = 1
STORE_FILE = "warraq-store.json"
ARTICLES_DIR = "articles"

RECORD_TABLES = ("entities", "highlights", "events")
_RECORD_CLASS: dict[str, type[Any]] = {
    "entities": EntitySpan,
    "highlights": Highlight,
    "events": Event,
}
# Actions that are annotation work: the first one by a person moves a new article to
# "in progress" (accepting or rejecting a suggestion counts; machine suggestions do not).
_ANNOTATING = {
    "add_entity", "update_entity", "remove_entity",
    "add_highlight", "update_highlight", "remove_highlight",
    "add_event", "update_event", "remove_event",
    "toggle_doc_label", "set_doc_labels",
}


def text_sha256(text: str) -> str:
    """SHA-256 of the canonical text's UTF-8 bytes (same definition as store.text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_filename(article_id: str) -> str:
    """A file name safe on every OS for any id (``/``, Arabic, ``..``, 1,000 chars...).

    A readable slug of the id (letters and digits of any script, NFC, at most 40) plus 12
    hex digits of its SHA-256, so distinct ids never share a file, even on case-insensitive
    filesystems, and the same id always maps to the same file.
    """
    nfc = unicodedata.normalize("NFC", article_id)
    slug = re.sub(r"[^\w]+", "_", nfc, flags=re.UNICODE).strip("_.")[:40].strip("_")
    digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]
    return f"{slug or 'article'}-{digest}.json"


def _suggestions_only(changes: list[Change]) -> bool:
    """True when an action only adds or changes pending suggestions (machine work)."""
    return bool(changes) and all(
        c.table == "entities" and isinstance(c.after, dict) and c.after.get("status") == "pending"
        for c in changes
    )


@dataclass
class StoredArticle:
    """One article as the store holds it: text snapshot, metadata, annotations.

    Records in ``annotations`` are the store's own objects: read them freely, change them
    only through the Store's mutation methods (which save and record undo).
    ``error`` is set when the article's file is damaged: it is then shown without
    annotations and every write to it is refused, so the file is never overwritten.
    """

    id: str
    text: str
    sha256: str
    meta: dict[str, Any]
    annotations: ArticleAnnotations
    path: Path
    drifted: bool = False
    drift: DriftReport | None = None
    created: str | None = None
    modified: str | None = None
    exists: bool = False
    error: StoreError | None = None
    _docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    _doc_ids: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for table in RECORD_TABLES:
            self._docs.setdefault(table, {})
            self._doc_ids.setdefault(table, {})

    @property
    def status(self) -> ArticleStatus:
        return self.annotations.status

    def find(self, table: str, record_id: str) -> int | None:
        for i, rec in enumerate(getattr(self.annotations, table)):
            if rec.id == record_id:
                return i
        return None

    def entity(self, entity_id: str) -> EntitySpan | None:
        i = self.find("entities", entity_id)
        return None if i is None else self.annotations.entities[i]


class _Pending:
    """An action being built: its changes, and the articles it touched."""

    def __init__(self, kind: str, article_id: str | None, description: str):
        self.action = Action(kind, article_id, description)
        self.articles: dict[str, StoredArticle] = {}


class Store:
    """A folder of annotation files; see the module docstring and store/FORMAT.md."""

    def __init__(self, root: Path, schema: Schema, annotator: str):
        self.root = root
        self.schema = schema
        self.annotator = annotator
        self.read_only = False
        self.read_only_reason: str | None = None
        self.errors: list[StoreError] = []
        self.last_saved_at: datetime | None = None
        self.articles_dir = root / ARTICLES_DIR
        self._lock = StoreLock(root)
        self._history = History()
        self._cache: dict[str, StoredArticle] = {}
        self._raw: dict[str, dict[str, Any]] = {}  # file name -> parsed, not yet built
        self._files: set[str] = set()
        self._damaged: dict[str, StoreError] = {}
        self._id_to_file: dict[str, str] = {}
        self._scanned = False
        self._dir_fd: int | None = None
        self._batch: dict[str, StoredArticle] | None = None
        self._batch_action: _Pending | None = None
        self._pending: _Pending | None = None
        self.closed = False
        # Hook (store/disk_changes.py): what each article file was when read or written,
        # so a file changed by git or another tool is reloaded, never overwritten.
        self._disk = DiskTracker(self, _build_article)

    # ================================================================== opening
    @classmethod
    def open(cls, root: Path | str | None = None, schema: Schema | None = None, *,
             annotator: str | None = None, require_write: bool = False,
             scan: bool = True) -> Store:
        """Open (creating if needed) the store at ``root`` (None: :func:`resolve_store_dir`).

        A second process gets a read-only store (``read_only``, ``read_only_reason``)
        unless ``require_write``, which raises ``StoreError`` instead (for the CLI). With
        ``scan`` every article file is parsed now, so damaged files are in ``errors`` at once.
        """
        root = resolve_store_dir(None) if root is None else Path(root).expanduser().absolute()
        schema = schema or Schema.default()
        annotator = annotator or os.environ.get("WARRAQ_ANNOTATOR") or _login_name()
        store = cls(root, schema, annotator)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create store folder: {exc.strerror or exc}", root) from None
        try:
            locked = store._lock.acquire()
        except OSError as exc:  # a read-only folder or file system: reading still works
            if require_write:
                raise StoreError(f"cannot write here: {exc.strerror or exc}",
                                 store._lock.path) from None
            store._set_read_only(f"Read-only: cannot write the store folder"
                                 f" ({exc.strerror or exc})")
            locked = True
        if not locked:
            pid = store._lock.holder_pid()
            who = f"pid {pid}" if pid else "pid unknown"
            if require_write:
                raise StoreError(f"store is locked by another Warraq ({who})", root)
            store._set_read_only(f"Read-only: another Warraq ({who}) is writing this store")
        store._open_store_file(require_write)
        if not store.read_only:
            try:
                store.articles_dir.mkdir(exist_ok=True)
            except OSError as exc:
                store.close()
                raise StoreError(f"cannot create folder: {exc.strerror or exc}",
                                 store.articles_dir) from None
            store._clean_temp_files()
            with contextlib.suppress(OSError):
                store._dir_fd = os.open(store.articles_dir, os.O_RDONLY)
        store._list_files()
        if scan:
            store.scan()
        return store

    def _set_read_only(self, reason: str) -> None:
        if not self.read_only:
            self.read_only = True
            self.read_only_reason = reason

    def _open_store_file(self, require_write: bool) -> None:
        path = self.root / STORE_FILE
        if not path.exists():
            if not self.read_only:
                self._write_store_file(path, {})
            return
        try:
            data = read_json(path)
            head = (data.get("store") or {}).get("1") if isinstance(data, dict) else None
            if not isinstance(head, dict) or head.get("format") != STORE_FORMAT:
                raise StoreError("not a Warraq store file (no 'store' table with format"
                                 f" {STORE_FORMAT!r}); left untouched", path)
            version = head.get("format_version")
            if not isinstance(version, int) or version < 1:
                raise StoreError(f"unknown store format version {version!r}; left untouched",
                                 path)
            if version > FORMAT_VERSION:
                raise StoreError(
                    f"store format version {version} was written by a newer Warraq; this one"
                    f" reads version {FORMAT_VERSION} — upgrade Warraq to edit it", path)
        except StoreError as exc:
            if require_write:
                raise
            self.errors.append(exc)
            self._set_read_only(f"Read-only: {exc}")
            return
        if not self.read_only:
            schemas = data.get("schemas") or {}
            if not any(isinstance(d, dict) and d.get("hash") == self.schema.hash
                       for d in schemas.values()):
                self._write_store_file(path, data)

    def _write_store_file(self, path: Path, data: dict[str, Any]) -> None:
        data = dict(data)
        head = dict((data.get("store") or {}).get("1") or {})
        head.setdefault("created", now_iso())
        head.update(format=STORE_FORMAT, format_version=FORMAT_VERSION)
        data["store"] = {"1": head}
        schemas = dict(data.get("schemas") or {})
        if not any(d.get("hash") == self.schema.hash for d in schemas.values()):
            next_id = max((int(k) for k in schemas), default=0) + 1
            schemas[str(next_id)] = {"hash": self.schema.hash, "first_used": now_iso(),
                                     "schema": self.schema.to_dict()}
        data["schemas"] = schemas
        try:
            atomic_write_text(path, dumps(data))
        except OSError as exc:
            self.close()
            raise StoreError(f"could not save: {exc.strerror or exc}", path) from None

    def _clean_temp_files(self) -> None:
        """Temporary files left by a writer killed mid-save; safe to drop under the lock."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.articles_dir):
                if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def _list_files(self) -> None:
        self._files = set()
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.articles_dir):
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    self._files.add(entry.name)

    def scan(self) -> None:
        """Parse every article file (not yet built into records), collecting errors."""
        for name in sorted(self._files):
            if name in self._raw or name in self._damaged:
                continue
            self._parse_file(name)
        self._scanned = True

    # ================================================================== reading files
    def _parse_file(self, name: str) -> dict[str, Any] | None:
        path = self.articles_dir / name
        try:
            data = self._disk.read_json(name)  # hook: remembers the file's identity
            head = _check_article_file(data, path)
        except StoreError as exc:
            self._damaged[name] = exc
            self.errors.append(exc)
            return None
        self._raw[name] = data
        self._id_to_file.setdefault(head["id"], name)
        return data

    def _file_for(self, article_id: str) -> str:
        return self._id_to_file.get(article_id) or article_filename(article_id)

    def _load(self, article_id: str) -> StoredArticle | None:
        """The cached article, or build it from its file; None when not stored."""
        art = self._cache.get(article_id)
        if art is not None:
            return art
        name = self._file_for(article_id)
        if name in self._damaged:
            raise self._damaged[name]
        data = self._raw.pop(name, None)
        if data is None:
            if name not in self._files:
                if not (self.articles_dir / name).exists():
                    return None
                self._files.add(name)
            data = self._parse_file(name)
            if data is None:
                raise self._damaged[name]
            self._raw.pop(name, None)
        try:
            art = _build_article(data, self.articles_dir / name)
        except StoreError as exc:
            self._damaged[name] = exc
            self.errors.append(exc)
            raise
        if art.id != article_id:
            # The file named for this id holds another article (renamed by hand).
            self._raw[name] = data
            return None
        self._cache[article_id] = art
        return art

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

    # ================================================================== undo/redo
    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    def undo(self) -> Action | None:
        """Revert the last action and save at once; returns it (None: nothing to undo)."""
        self._check_writable()
        action = self._history.pop_undo()
        if action is None:
            return None
        try:
            self._replay(action, undo=True)
        except ArticleReloaded:
            raise  # hook: the reload dropped this article's history, the step included
        except BaseException:
            self._history.done(action)
            raise
        self._history.undone(action)
        return action

    def redo(self) -> Action | None:
        self._check_writable()
        action = self._history.pop_redo()
        if action is None:
            return None
        try:
            self._replay(action, undo=False)
        except ArticleReloaded:
            raise  # hook: the reload dropped this article's history, the step included
        except BaseException:
            self._history.undone(action)
            raise
        self._history.done(action)
        return action

    def _replay(self, action: Action, *, undo: bool) -> None:
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

    # ================================================================== batch
    @contextlib.contextmanager
    def batch(self, description: str = "batch") -> Iterator[None]:
        """Group many mutations (an import, a suggestion run) into one write per article
        and one undo step. Files are written when the block exits, even on error."""
        if self._batch is not None:
            yield
            return
        self._check_writable()
        self._batch = {}
        self._batch_action = _Pending("batch", None, description)
        try:
            yield
        finally:
            dirty, self._batch = self._batch, None
            pending, self._batch_action = self._batch_action, None
            self._finish_batch(dirty, pending)

    def _finish_batch(self, dirty: dict[str, StoredArticle], pending: _Pending | None) -> None:
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
        if pending is not None and changes:
            ids = pending.action.article_ids
            pending.action.article_id = ids[0] if len(ids) == 1 else None
            self._history.push(pending.action)
        if failed:
            raise next(iter(failed.values()))

    # ================================================================== mutations
    def add_entity(self, article_id: str, span: EntitySpan) -> EntitySpan:
        """Store a new entity span (human or suggestion); returns the stored record."""
        art = self._writable_article(article_id)
        if self.schema.entity(span.label) is None:
            raise StoreError(f"unknown entity label {span.label!r} (not in schema"
                             f" {self.schema.name})")
        self._check_span(art, span.start, span.end, span.text, "entity")
        if not span.text:
            span.text = art.text[span.start:span.end]
        if span.annotator is None and span.origin == HUMAN:
            span.annotator = self.annotator
        if art.find("entities", span.id) is not None:
            raise StoreError(f"entity id {span.id!r} already exists in {article_id!r}")
        with self._action("add_entity", art, f"add {span.label} «{span.text}»") as act:
            self._change_record(act, art, "entities", span.id, span.to_dict())
        return art.annotations.entities[art.find("entities", span.id)]  # type: ignore[index]

    def _edited(self, art: Any, kind: str, record_id: str, record_type: Any,
                changes: dict[str, Any], noun: str) -> tuple[dict[str, Any], Any]:
        """(the stored record, a copy with ``changes`` set): every ``update_*`` starts so;
        an unknown field (or the id) is refused."""
        old = self._record(art, kind, record_id)
        rec = record_type.from_dict(copy.deepcopy(old))
        for key, value in changes.items():
            if key == "id" or not hasattr(rec, key):
                raise StoreError(f"cannot set {key!r} on {noun}")
            setattr(rec, key, value)
        return old, rec

    def _save_edit(self, action: str, art: Any, kind: str, record_id: str, rec: Any,
                   description: str) -> Any:
        """Store an edited record as one undoable action; returns it as stored."""
        with self._action(action, art, description) as act:
            self._change_record(act, art, kind, record_id, rec.to_dict())
        return getattr(art.annotations, kind)[art.find(kind, record_id)]

    def update_entity(self, article_id: str, entity_id: str, **changes: Any) -> EntitySpan:
        """Change fields of an entity (label, start/end, status, ...).

        Moving the boundaries recomputes ``text``. When a human changes the label or the
        boundaries of a suggestion, what the suggestion said is kept in ``original``.
        """
        art = self._writable_article(article_id)
        old, rec = self._edited(art, "entities", entity_id, EntitySpan, changes, "an entity")
        if "label" in changes and self.schema.entity(rec.label) is None:
            raise StoreError(f"unknown entity label {rec.label!r}")
        if ("start" in changes or "end" in changes) and "text" not in changes:
            rec.text = art.text[rec.start:rec.end]
        self._check_span(art, rec.start, rec.end, rec.text, "entity")
        boundary_or_label = any(k in changes for k in ("label", "start", "end"))
        if boundary_or_label and old.get("origin", HUMAN) != HUMAN and rec.original is None:
            rec.original = Correction(old["label"], old["start"], old["end"], old["text"],
                                      old.get("origin", HUMAN))
            if "status" not in changes:
                rec.status = SpanStatus.ACCEPTED
        rec.status = SpanStatus(rec.status)
        rec.modified = now_iso()
        if changes.get("stale") is None and boundary_or_label:
            rec.stale = None
        return self._save_edit("update_entity", art, "entities", entity_id, rec,
                               f"edit {rec.label} «{rec.text}»")

    def remove_entity(self, article_id: str, entity_id: str) -> None:
        """Remove an entity and every event argument that points to it (one action)."""
        art = self._writable_article(article_id)
        old = self._record(art, "entities", entity_id)
        with self._action("remove_entity", art, f"remove {old['label']} «{old['text']}»") as act:
            for event in list(art.annotations.events):
                if any(a.entity_id == entity_id for a in event.arguments):
                    data = copy.deepcopy(art._docs["events"][event.id])
                    data["arguments"] = [a for a in data["arguments"]
                                         if a["entity_id"] != entity_id]
                    self._change_record(act, art, "events", event.id, data)
            self._change_record(act, art, "entities", entity_id, None)

    def add_highlight(self, article_id: str, highlight: Highlight) -> Highlight:
        art = self._writable_article(article_id)
        if self.schema.highlight_category(highlight.category) is None:
            raise StoreError(f"unknown highlight category {highlight.category!r}")
        self._check_span(art, highlight.start, highlight.end, highlight.text, "highlight")
        if not highlight.text:
            highlight.text = art.text[highlight.start:highlight.end]
        if highlight.annotator is None:
            highlight.annotator = self.annotator
        if art.find("highlights", highlight.id) is not None:
            raise StoreError(f"highlight id {highlight.id!r} already exists")
        with self._action("add_highlight", art, f"highlight «{highlight.text}»") as act:
            self._change_record(act, art, "highlights", highlight.id, highlight.to_dict())
        return art.annotations.highlights[art.find("highlights", highlight.id)]  # type: ignore[index]

    def update_highlight(self, article_id: str, highlight_id: str, **changes: Any) -> Highlight:
        art = self._writable_article(article_id)
        _, rec = self._edited(art, "highlights", highlight_id, Highlight, changes,
                              "a highlight")
        if self.schema.highlight_category(rec.category) is None:
            raise StoreError(f"unknown highlight category {rec.category!r}")
        if ("start" in changes or "end" in changes) and "text" not in changes:
            rec.text = art.text[rec.start:rec.end]
        self._check_span(art, rec.start, rec.end, rec.text, "highlight")
        rec.modified = now_iso()
        return self._save_edit("update_highlight", art, "highlights", highlight_id, rec,
                               f"edit highlight «{rec.text}»")

    def remove_highlight(self, article_id: str, highlight_id: str) -> None:
        art = self._writable_article(article_id)
        old = self._record(art, "highlights", highlight_id)
        with self._action("remove_highlight", art, f"remove highlight «{old['text']}»") as act:
            self._change_record(act, art, "highlights", highlight_id, None)

    def add_event(self, article_id: str, event: Event) -> Event:
        """Store an event; ACE subtype, CAMEO code and attribute defaults come from the
        schema when the record leaves them empty."""
        art = self._writable_article(article_id)
        self._check_event(art, event)
        etype = self.schema.event(event.type)
        assert etype is not None
        if event.ace is None:
            event.ace = etype.ace
        if event.cameo is None:
            event.cameo = etype.cameo
        for attr, value in etype.defaults.items():
            event.attributes.setdefault(attr, value)
        if not event.trigger_text:
            event.trigger_text = art.text[event.trigger_start:event.trigger_end]
        if event.annotator is None and event.origin == HUMAN:
            event.annotator = self.annotator
        if art.find("events", event.id) is not None:
            raise StoreError(f"event id {event.id!r} already exists")
        with self._action("add_event", art, f"add {event.type} «{event.trigger_text}»") as act:
            self._change_record(act, art, "events", event.id, event.to_dict())
        return art.annotations.events[art.find("events", event.id)]  # type: ignore[index]

    def update_event(self, article_id: str, event_id: str, **changes: Any) -> Event:
        art = self._writable_article(article_id)
        if "arguments" in changes:
            changes["arguments"] = [a if isinstance(a, EventArgument)
                                    else EventArgument.from_dict(a)
                                    for a in changes["arguments"]]
        _, rec = self._edited(art, "events", event_id, Event, changes, "an event")
        if ("trigger_start" in changes or "trigger_end" in changes) \
                and "trigger_text" not in changes:
            rec.trigger_text = art.text[rec.trigger_start:rec.trigger_end]
        if "type" in changes:
            etype = self.schema.event(rec.type)
            if etype is not None:
                rec.ace = changes.get("ace", etype.ace)
                rec.cameo = changes.get("cameo", etype.cameo)
        rec.status = SpanStatus(rec.status)
        self._check_event(art, rec)
        rec.modified = now_iso()
        return self._save_edit("update_event", art, "events", event_id, rec,
                               f"edit {rec.type} «{rec.trigger_text}»")

    def remove_event(self, article_id: str, event_id: str) -> None:
        art = self._writable_article(article_id)
        old = self._record(art, "events", event_id)
        with self._action("remove_event", art,
                          f"remove {old['type']} «{old['trigger_text']}»") as act:
            self._change_record(act, art, "events", event_id, None)

    def toggle_doc_label(self, article_id: str, label: str) -> bool:
        """Add or remove one document label; returns whether it is now set."""
        art = self._writable_article(article_id)
        self._check_doc_label(label)
        labels = list(art.annotations.doc_labels)
        now_set = label not in labels
        labels = [*labels, label] if now_set else [x for x in labels if x != label]
        verb = "label" if now_set else "unlabel"
        with self._action("toggle_doc_label", art, f"{verb} article {label}") as act:
            self._change_value(act, art, "doc_labels", labels)
        return now_set

    def set_doc_labels(self, article_id: str, labels: list[str]) -> None:
        art = self._writable_article(article_id)
        for label in labels:
            self._check_doc_label(label)
        labels = list(dict.fromkeys(labels))
        with self._action("set_doc_labels", art, f"labels {', '.join(labels) or '—'}") as act:
            self._change_value(act, art, "doc_labels", labels)

    def set_status(self, article_id: str, status: ArticleStatus | str) -> None:
        art = self._writable_article(article_id)
        status = ArticleStatus(status)
        with self._action("set_status", art, f"mark {status.value.replace('_', ' ')}") as act:
            self._change_value(act, art, "status", status.value)

    def sync_with_disk(self, open_ids: list[str] | tuple[str, ...] = ()) -> DiskChanges:
        """Follow changes made to the store folder by git or another tool: changed files
        are read again, articles in memory reloaded (``open_ids``' files are looked at
        on every call, the folder when it changed). See store/disk_changes.py."""
        return self._disk.poll(open_ids)

    def close(self) -> None:
        """Release the lock. Everything is already saved; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        self._lock.release()
        if self._dir_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._dir_fd)
            self._dir_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ================================================================== internals
    def _check_writable(self) -> None:
        if self.closed:
            raise StoreError("store is closed", self.root)
        if self.read_only:
            raise StoreError(f"not saved: {self.read_only_reason}", self.root)

    def _writable_article(self, article_id: str, *, replay: bool = False) -> StoredArticle:
        self._check_writable()
        art = self._load(article_id)  # raises the file's error when damaged
        if art is None:
            raise StoreError(f"article {article_id!r} is not attached; call attach(id, text,"
                             " meta) before annotating it")
        if art.error is not None:
            raise art.error
        # Hook (store/disk_changes.py): a file changed on disk is reloaded first (or, for
        # an undo/redo, the step refused); a file now damaged raises.
        self._disk.check_before_write(art, replay=replay)
        return art

    def _record(self, art: StoredArticle, table: str, record_id: str) -> dict[str, Any]:
        data = art._docs[table].get(record_id)
        if data is None:
            raise StoreError(f"no {table[:-1]} {record_id!r} in article {art.id!r}")
        return data

    def _check_span(self, art: StoredArticle, start: int, end: int, text: str,
                    what: str) -> None:
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise StoreError(f"{what} offsets must be integers")
        if not 0 <= start < end <= len(art.text):
            raise StoreError(f"{what} [{start}, {end}) is outside the article"
                             f" ({len(art.text)} characters)")
        if text and art.text[start:end] != text:
            raise StoreError(f"{what} text {text!r} does not match the article at"
                             f" [{start}, {end}) ({art.text[start:end]!r})")

    def _check_event(self, art: StoredArticle, event: Event) -> None:
        etype = self.schema.event(event.type)
        if etype is None:
            raise StoreError(f"unknown event type {event.type!r} (not in schema"
                             f" {self.schema.name})")
        self._check_span(art, event.trigger_start, event.trigger_end, event.trigger_text,
                         "event trigger")
        for arg in event.arguments:
            if arg.role not in etype.roles:
                raise StoreError(f"event {event.type}: unknown role {arg.role!r}"
                                 f" (allowed: {', '.join(etype.roles)})")
            if art.find("entities", arg.entity_id) is None:
                raise StoreError(f"event {event.type}: argument {arg.role} points to missing"
                                 f" entity {arg.entity_id!r}")
        for attr, value in event.attributes.items():
            spec = self.schema.attributes.get(attr)
            if spec is None or value not in spec.values:
                raise StoreError(f"event {event.type}: bad attribute {attr}={value!r}")

    def _check_doc_label(self, label: str) -> None:
        if self.schema.doc_label(label) is None:
            raise StoreError(f"unknown document label {label!r}")

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
        machine_only = _suggestions_only(pending.action.changes)
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
                       record_id: str, data: dict[str, Any] | None) -> None:
        before = art._docs[table].get(record_id)
        index = art.find(table, record_id)
        change = Change(art.id, table, record_id, before, data,
                        index if index is not None else len(getattr(art.annotations, table)))
        pending.action.changes.append(change)
        self._apply_record(art, table, record_id, data, index)

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
                      data: dict[str, Any] | None, index: int | None) -> None:
        records = getattr(art.annotations, table)
        pos = art.find(table, record_id)
        if data is None:
            if pos is not None:
                del records[pos]
            art._docs[table].pop(record_id, None)
            return
        rec = _RECORD_CLASS[table].from_dict(copy.deepcopy(data))
        if pos is not None:
            records[pos] = rec
        else:
            at = len(records) if index is None else min(index, len(records))
            records.insert(at, rec)
        if record_id not in art._doc_ids[table]:
            art._doc_ids[table][record_id] = max(art._doc_ids[table].values(), default=0) + 1
        art._docs[table][record_id] = data

    def _save(self, art: StoredArticle) -> None:
        if self._batch is not None:
            self._batch[art.id] = art
            return
        stamp = now_iso()
        art.created = art.created or stamp
        art.modified = stamp
        head = {
            **art._extra,
            "format": ARTICLE_FORMAT,
            "format_version": FORMAT_VERSION,
            "id": art.id,
            "text": art.text,
            "sha256": art.sha256,
            "meta": art.meta,
            "status": art.annotations.status.value,
            "doc_labels": list(art.annotations.doc_labels),
            "annotators": list(art.annotations.annotators),
            "created": art.created,
            "modified": art.modified,
            "schema_hash": self.schema.hash,
        }
        layout: dict[str, Any] = {"article": {"1": head}}
        for table in RECORD_TABLES:
            ids = art._doc_ids[table]
            layout[table] = {str(ids[rid]): data for rid, data in art._docs[table].items()}
        text = dumps(layout)
        self._disk.check_before_save(art)  # hook: never overwrite a file changed on disk
        try:
            atomic_write_text(art.path, text, dir_fd=self._dir_fd)
        except OSError as exc:
            raise StoreError(f"could not save: {exc.strerror or exc}", art.path) from None
        self._disk.saved(art, text)  # hook: remember what is on disk now
        art.exists = True
        self._files.add(art.path.name)
        self._id_to_file.setdefault(art.id, art.path.name)
        self.last_saved_at = datetime.now(UTC)


# ====================================================================== file parsing
_HEAD_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str, "text": str, "sha256": str, "meta": dict, "status": str,
    "doc_labels": list, "annotators": list,
}


def _check_article_file(data: Any, path: Path) -> dict[str, Any]:
    """Validate an article file's header; returns it. Raises a StoreError naming the file."""
    if not isinstance(data, dict):
        raise StoreError("not a Warraq article file (expected a JSON object); left untouched",
                         path)
    docs = data.get("article")
    if not isinstance(docs, dict) or len(docs) != 1 or not isinstance(
            head := next(iter(docs.values())), dict):
        raise StoreError("not a Warraq article file (no single 'article' record); left"
                         " untouched", path)
    if head.get("format") != ARTICLE_FORMAT:
        raise StoreError(f"not a Warraq article file (format {head.get('format')!r});"
                         " left untouched", path)
    version = head.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(f"unknown article format version {version!r}; left untouched", path)
    if version > FORMAT_VERSION:
        raise StoreError(f"article format version {version} was written by a newer Warraq"
                         f" (this one reads {FORMAT_VERSION}); left untouched — upgrade"
                         " Warraq to edit it", path)
    for key, typ in _HEAD_TYPES.items():
        if key in head and not isinstance(head[key], typ):
            raise StoreError(f"article field {key!r} has the wrong type; left untouched", path)
    for key in ("id", "text", "sha256"):
        if key not in head:
            raise StoreError(f"article record lacks {key!r}; left untouched", path)
    if text_sha256(head["text"]) != head["sha256"]:
        raise StoreError("text snapshot does not match its sha256 (edited by hand?);"
                         " left untouched", path)
    for table in RECORD_TABLES:
        if not isinstance(data.get(table, {}), dict):
            raise StoreError(f"table {table!r} is not a JSON object; left untouched", path)
    if "1" not in docs:
        data["article"] = {"1": head}
    return head


def _build_article(data: dict[str, Any], path: Path) -> StoredArticle:
    head = data["article"]["1"]
    known = {"format", "format_version", "id", "text", "sha256", "meta", "status",
             "doc_labels", "annotators", "created", "modified", "schema_hash"}
    try:
        status = ArticleStatus(head.get("status", "new"))
    except ValueError:
        raise StoreError(f"unknown article status {head.get('status')!r}; left untouched",
                         path) from None
    art = StoredArticle(
        id=head["id"], text=head["text"], sha256=head["sha256"], meta=head.get("meta", {}),
        annotations=ArticleAnnotations(status=status,
                                       doc_labels=list(head.get("doc_labels", [])),
                                       annotators=list(head.get("annotators", []))),
        path=path, created=head.get("created"), modified=head.get("modified"), exists=True,
    )
    art._extra = {k: v for k, v in head.items() if k not in known}
    for table in RECORD_TABLES:
        cls = _RECORD_CLASS[table]
        records = getattr(art.annotations, table)
        items = sorted(data.get(table, {}).items(), key=lambda kv: _doc_key(kv[0]))
        for doc_id, doc in items:
            try:
                rec = cls.from_dict(dict(doc))  # freshly parsed: no deep copy needed
                if not isinstance(rec.id, str):
                    raise TypeError("id is not a string")
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise StoreError(f"{table} record {doc_id} is malformed ({exc}); left"
                                 " untouched", path) from None
            records.append(rec)
            art._docs[table][rec.id] = doc
            art._doc_ids[table][rec.id] = _doc_key(doc_id)
    return art


def _doc_key(doc_id: str) -> int:
    try:
        return int(doc_id)
    except ValueError:
        return 0


def _login_name() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        try:
            return getpass.getuser()
        except Exception:
            return "annotator"

"""The store folder on disk: opening it, reading article files, writing them atomically.

``StoreFiles`` is the bottom layer of ``store.store.Store`` (see its module docstring for
the folder layout). It owns everything that touches the disk: the lock and read-only
handling, the store file's format check, listing and lazily parsing article files (a
damaged one is remembered and never written), the article cache, and ``_save``, the one
place an article file is written. The layers above only change articles in memory and
call ``_save``; while a batch is open (``_batch`` is a dict) saves are deferred to it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from store.article_files import (
    ARTICLES_DIR,
    FORMAT_VERSION,
    STORE_FILE,
    STORE_FORMAT,
    article_filename,
    check_article_file,
)
from store.disk_changes import DiskTracker
from store.errors import StoreError
from store.group_writes import DEFAULT_GROUP, GroupWriter, fsync_folder
from store.lock import StoreLock
from store.paths import annotator_root, resolve_store_dir
from store.records import now_iso
from store.schema import Schema
from store.storage import TEMP_SUFFIX, atomic_write_text, dumps, read_json
from store.stored_article import StoredArticle, article_document, build_article


class StoreFiles:
    """A store folder's files and what is cached of them; no annotation logic here."""

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
        self._cache: dict[str, StoredArticle] = {}
        self._raw: dict[str, dict[str, Any]] = {}  # file name -> parsed, not yet built
        self._files: set[str] = set()
        self._damaged: dict[str, StoreError] = {}
        self._id_to_file: dict[str, str] = {}
        self._scanned = False
        self._dir_fd: int | None = None
        # Articles whose save is deferred until the open batch ends (None: no batch).
        self._batch: dict[str, StoredArticle] | None = None
        # Saves waiting for one group commit (None: each save is durable at once).
        self._group: GroupWriter | None = None
        # Groups written by ``writes_synced_later``, not yet placed (``place_synced``).
        self._unsynced: list[GroupWriter] = []
        self.closed = False
        # Hook (store/disk_changes.py): what each article file was when read or written,
        # so a file changed by git or another tool is reloaded, never overwritten.
        self._disk = DiskTracker(self, build_article)

    # ================================================================== opening
    @classmethod
    def open(cls, root: Path | str | None = None, schema: Schema | None = None, *,
             annotator: str | None = None, require_write: bool = False,
             scan: bool = True) -> Self:
        """Open (creating if needed) the store at ``root`` (None: :func:`resolve_store_dir`).

        A second process gets a read-only store (``read_only``, ``read_only_reason``)
        unless ``require_write``, which raises ``StoreError`` instead (for the CLI). With
        ``scan`` every article file is parsed now, so damaged files are in ``errors`` at once.
        """
        root = resolve_store_dir(None) if root is None else Path(root).expanduser().absolute()
        schema = schema or Schema.default()
        annotator = annotator or os.environ.get("WARRAQ_ANNOTATOR") or _login_name()
        # In a team store each annotator works in a layer of their own (store/team.py).
        root = annotator_root(root, annotator)
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

    def discard_temp_files(self) -> None:
        """Remove temporary files no save will name (a suggestion run's worker stopped
        mid-file); only when no group write is waiting for its own."""
        waiting = self._unsynced + ([self._group] if self._group is not None else [])
        if any(len(group) for group in waiting):
            raise StoreError("temporary files are waiting for a group commit; not removed")
        if not self.read_only and not self.closed:
            self._clean_temp_files()

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
            head = check_article_file(data, path)
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
            art = build_article(data, self.articles_dir / name)
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

    # ================================================================== closing
    def close(self) -> None:
        """Release the lock. Everything is already saved; safe to call twice."""
        if self.closed:
            return
        for group in list(self._unsynced):  # machine work queued by the app: finish it
            with contextlib.suppress(StoreError):
                self.place_synced(group, group.sync())
        self.closed = True
        self._lock.release()
        if self._dir_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._dir_fd)
            self._dir_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ================================================================== writing
    def _check_writable(self) -> None:
        """Refuse a write before anything changes in memory (closed or read-only store)."""
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

    def _save(self, art: StoredArticle) -> None:
        """Write the whole article file atomically (or defer it to the open batch).

        Raises StoreError when the disk refuses; the caller rolls memory back.
        """
        if self._batch is not None:
            self._batch[art.id] = art
            return
        stamp = now_iso()
        art.created = art.created or stamp
        art.modified = stamp
        text = dumps(article_document(art, self.schema.hash))
        if self._group is not None:  # group commit: renamed at the next flush_writes(),
            self._group.add(art, text)  # which looks at the file on disk right before
            return
        self._disk.check_before_save(art)  # hook: never overwrite a file changed on disk
        for group in self._unsynced:  # this save has the queued change and is durable now
            group.discard(art.path.name)
        try:
            atomic_write_text(art.path, text, dir_fd=self._dir_fd)
        except OSError as exc:
            raise StoreError(f"could not save: {exc.strerror or exc}", art.path) from None
        self._saved(art, text)

    def _saved(self, art: StoredArticle, text: str) -> None:
        """``text`` is now ``art``'s file on disk."""
        self._disk.saved(art, text)  # hook: remember what is on disk now
        art.exists = True
        self._files.add(art.path.name)
        self._id_to_file.setdefault(art.id, art.path.name)
        self.last_saved_at = datetime.now(UTC)

    def _created(self, path: Path) -> None:
        """A new article file was placed by a group commit without the article ever
        being in memory (``adopt_written``): it is on disk now."""
        self._files.add(path.name)
        self.last_saved_at = datetime.now(UTC)

    # ================================================================== large runs
    def known_articles(self) -> tuple[frozenset[str], frozenset[str]]:
        """(the article files in the folder, the ids in memory or mapped to a file): what
        a suggestion run must leave to the store, since only the store can merge into
        them. Any other article is new, and its file may be written whole elsewhere
        (store/suggest_fresh.py, ``adopt_written``)."""
        files = self._files | {art.path.name for art in self._cache.values()}
        return frozenset(files), frozenset(self._cache.keys() | self._id_to_file.keys())

    def adopt_written(self, article_id: str, tmp: str) -> None:
        """Inside ``grouped_writes``: ``tmp``, a temporary file beside the article files
        holding the whole first file of ``article_id`` (not stored, not in memory), takes
        the article's file name at the next flush, synced with the group; a file of that
        name appearing meanwhile is never replaced (the article then fails)."""
        self._check_writable()
        if self._group is None:
            raise StoreError("adopt_written outside grouped_writes")
        self._group.adopt(article_id, tmp, self.articles_dir / article_filename(article_id))

    @contextlib.contextmanager
    def grouped_writes(self, max_files: int = DEFAULT_GROUP) -> Iterator[GroupWriter]:
        """Save article files by group commit (store/group_writes.py: one file-system sync
        per group instead of two syncs per file; a crash still leaves every file whole,
        old or new). A save inside the block is on disk after the next
        :meth:`flush_writes` — call it when ``writes_queued`` reaches ``max_files`` — or
        when the block ends, where a file that could not be written raises its error."""
        if self._group is not None:
            yield self._group
            return
        self._check_writable()
        group = self._group = GroupWriter(self, max_files)
        try:
            yield group
        finally:
            try:
                failed = self.flush_writes()
            finally:
                self._group = None
            if failed:
                raise next(iter(failed.values()))

    @contextlib.contextmanager
    def writes_synced_later(self) -> Iterator[GroupWriter]:
        """Saves inside the block write their temporary files only; the caller makes them
        durable later without holding this thread: ``group.sync()`` in another thread (it
        touches only those files), then :meth:`place_synced` back in this one. Until then
        memory is ahead of the disk, as if the saves had not happened yet — for work done
        for the annotator in the background (the app's refreshed model suggestions), so a
        sync of several milliseconds never delays a keypress. A normal save of one of these
        articles meanwhile supersedes its queued file; ``close`` finishes the rest."""
        if self._group is not None:
            raise StoreError("writes_synced_later inside grouped_writes")
        self._check_writable()
        group = self._group = GroupWriter(self)
        try:
            yield group
        finally:
            self._group = None
            self._unsynced.append(group)

    def place_synced(self, group: GroupWriter, error: OSError | None = None, *,
                     sync_folder: bool = True) -> dict[str, StoreError]:
        """Rename a ``writes_synced_later`` group's files into place once ``group.sync()``
        returned ``error``; the articles that failed leave memory (see ``flush_writes``)."""
        if group in self._unsynced:
            self._unsynced.remove(group)
        failed = group.place(error, sync_folder=sync_folder)
        if failed:
            self._forget_articles(failed)
        return failed

    def sync_folder(self) -> None:
        """Make the renames in the articles folder durable; safe in any thread (after
        ``place_synced(..., sync_folder=False)``)."""
        fsync_folder(self._dir_fd, self.articles_dir)

    @property
    def writes_queued(self) -> int:
        return len(self._group) if self._group is not None else 0

    def flush_writes(self) -> dict[str, StoreError]:
        """Make the queued saves durable (see :meth:`grouped_writes`); the articles whose
        file could not be written, by id. Those leave memory (and their undo steps the
        history), so nothing claims what the disk does not hold."""
        if self._group is None:
            return {}
        failed = self._group.flush()
        if failed:
            self._forget_articles(failed)
        return failed

    def _forget_articles(self, article_ids: Iterable[str]) -> None:
        """Drop articles from memory: the next read builds them from their files again.
        Articles changed in an open batch or waiting in a write group are refused."""
        ids = set(article_ids)
        pending = set(self._batch or ()) | (self._group.queued_ids() if self._group else set())
        busy = ids & pending
        if busy:
            raise StoreError(f"article {sorted(busy)[0]!r} has unsaved changes; not released")
        for article_id in ids:
            art = self._cache.pop(article_id, None)
            name = art.path.name if art is not None else self._file_for(article_id)
            for group in self._unsynced:
                group.discard(name)
            self._raw.pop(name, None)
            self._disk.forget(article_id, name)
            if self._id_to_file.get(article_id) == article_filename(article_id):
                del self._id_to_file[article_id]  # the default name: nothing to remember


def _login_name() -> str:
    """Who annotates when neither --annotator nor WARRAQ_ANNOTATOR says (no tty: the
    user database; neither: a placeholder rather than failing to open)."""
    try:
        return os.getlogin()
    except OSError:
        import getpass

        try:
            return getpass.getuser()
        except Exception:
            return "annotator"

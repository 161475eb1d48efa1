"""Never overwrite an article file that changed on disk behind the store's back.

A store can live in git, so ``git pull``, ``git checkout`` or another tool (a second
Warraq, an editor, a script) may replace an article file while this process holds the
article in memory. Saving from memory then would silently drop the colleague's work. So the
store remembers, for every article file it read or wrote, the file's identity at that
moment (device, inode, size, mtime and ctime in nanoseconds, and a SHA-256 of the bytes for
files up to ``HASH_CHECK_LIMIT``), and:

* before an action changes an article, :meth:`DiskTracker.check_before_write` compares
  the file on disk with that identity; when it differs the article is reloaded from disk
  (in place, so every holder of the object sees it), its undo history is dropped (its
  before/after states describe a file that no longer exists) and the action then runs on
  the new content, with the store's usual checks: a span whose offsets do not fit the
  text is refused, an update or removal of a record the other side deleted is refused
  ("no entity …"). An undo or redo is refused instead, since its recorded states are
  exactly what was replaced. A file that turned damaged is never written;
* right before the write (:meth:`DiskTracker.check_before_save`) the file is compared
  again, bytes included, so a change in the moment between is refused, not overwritten;
* :meth:`DiskTracker.poll` lets the app follow a store that changes under it: the list's
  statuses and the open article's annotations.

The stat fields alone are not enough: timestamps tick coarsely (a few milliseconds on
ext4, a second or two on FAT and some network file systems), so an in-place rewrite of the
same size can keep them; the hash closes that gap. A file whose stat changed but whose
bytes did not (``touch``, git rewriting an identical file) is not a change.

The one window left is between the last check and the atomic rename of the save (a few
microseconds); closing it would need every other tool to take Warraq's lock, and git does
not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat as stat_module
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.errors import StoreError
from store.records import ArticleAnnotations
from store.regular_files import kind_of
from store.storage import parse_json_bytes

if TYPE_CHECKING:  # only for type hints: store.store imports this module at run time
    from collections.abc import Callable, Iterable

# Files up to this size are fingerprinted by content as well as by stat (reading and
# hashing 8 MiB takes a few milliseconds, less than writing it back).
HASH_CHECK_LIMIT = 8 * 1024 * 1024
# The open article's file is also compared by content on every poll up to this size.
POLL_HASH_LIMIT = 1024 * 1024
_READ_RETRIES = 3


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when the store last read or wrote it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    sha256: str | None = None

    @classmethod
    def of(cls, st: os.stat_result, sha256: str | None = None) -> FileIdentity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, sha256)

    def same_stat(self, st: os.stat_result) -> bool:
        return (self.device, self.inode, self.size, self.mtime_ns, self.ctime_ns) == (
            st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def stat_key(st: os.stat_result | None) -> tuple[int, int, int, int] | None:
    """The parts of a stat that change when a file is replaced or rewritten."""
    if st is None:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _sha256(raw: bytes) -> str | None:
    return hashlib.sha256(raw).hexdigest() if len(raw) <= HASH_CHECK_LIMIT else None


def read_with_identity(path: Path) -> tuple[bytes, FileIdentity]:
    """The file's bytes and its identity, consistent with each other: the stat is taken
    on the open descriptor before and after reading, and a file rewritten meanwhile is read
    again. Only a regular file is read, never blocking (as store.regular_files does: a FIFO
    named ``*.json`` would block forever)."""
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_CLOEXEC", 0))
    for _ in range(_READ_RETRIES):
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise StoreError(f"cannot read store file: {exc.strerror or exc}", path) from None
        try:
            before = os.fstat(fd)
            if not stat_module.S_ISREG(before.st_mode):
                raise StoreError("cannot read store file: not a regular file"
                                 f" ({kind_of(before.st_mode)}); left untouched", path)
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            after = os.fstat(fd)
        except OSError as exc:
            raise StoreError(f"cannot read store file: {exc.strerror or exc}", path) from None
        finally:
            os.close(fd)
        raw = b"".join(chunks)
        if FileIdentity.of(before).same_stat(after) and len(raw) == after.st_size:
            return raw, FileIdentity.of(after, _sha256(raw))
    return raw, FileIdentity.of(after, _sha256(raw))


class ArticleReloaded(StoreError):
    """An undo or redo met an article file changed on disk: the article was reloaded and
    its undo history dropped, so the step is refused rather than replayed on new content."""


@dataclass
class DiskChanges:
    """What one :meth:`DiskTracker.poll` found, by article id."""

    reloaded: list[str] = field(default_factory=list)  # articles in memory, reloaded
    changed: list[str] = field(default_factory=list)  # other files changed or new
    removed: list[str] = field(default_factory=list)  # files gone (known ids)
    removed_files: list[str] = field(default_factory=list)  # files gone, id never read
    damaged: list[StoreError] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return list(dict.fromkeys([*self.reloaded, *self.changed, *self.removed]))

    def __bool__(self) -> bool:
        return bool(self.ids or self.removed_files or self.damaged)


_UNKNOWN: Any = object()


class DiskTracker:
    """The store's memory of its article files on disk (see the module docstring).

    It works on the store's internals (the parsed-file and article caches, the undo
    history): ``store`` is the :class:`store.store.Store` that owns it, and ``build`` turns
    a parsed file into a ``StoredArticle`` (passed in, since store.store imports this
    module and an import back would be a cycle).
    """

    def __init__(self, store: Any, build: Callable[[dict[str, Any], Path], Any]) -> None:
        self._store = store
        self._build = build
        # File name -> identity when last read or written; None: known to be absent.
        self.identities: dict[str, FileIdentity | None] = {}
        # Article id -> the corpus text it was attached with (to re-anchor a reload).
        self._corpus_text: dict[str, str] = {}
        # The folder as last listed (name -> stat key), and the folder's own stat then.
        self._listing: dict[str, tuple[int, int, int, int]] | None = None
        self._dir_stamp: tuple[int, int, int] | None = None
        self._dir_before_save: tuple[int, int, int] | None = None
        # Articles reloaded on the way to a write, not yet reported by poll().
        self._unreported: list[str] = []

    # ------------------------------------------------------------------ reading, writing
    def read_json(self, name: str) -> Any:
        """Parse an article file and remember its identity (the store's only reader of
        article files)."""
        path = self._store.articles_dir / name
        try:
            raw, identity = read_with_identity(path)
        except StoreError:
            self.identities.pop(name, None)
            raise
        self.identities[name] = identity
        return parse_json_bytes(raw, path)

    def attached(self, article_id: str, text: str) -> None:
        """Remember the corpus text an article is shown with: a reloaded file whose text
        snapshot differs is re-anchored onto it, as when the article is opened."""
        self._corpus_text[article_id] = text

    def forget(self, article_id: str, name: str) -> None:
        """An article leaves memory (``Store.release``): its next read starts afresh."""
        self.identities.pop(name, None)
        self._corpus_text.pop(article_id, None)

    def check_before_write(self, art: Any, *, replay: bool = False) -> None:
        """Reload ``art`` when its file changed on disk; raises when the file is now
        damaged (never written), and for an undo/redo (``replay``) after a reload."""
        batch = self._store._batch
        if batch is not None and art.id in batch:
            return  # changed in this batch already: the save's own check guards it
        if self._unchanged(art, full=True):
            return
        error = self.reload(art)
        self._unreported.append(art.id)
        if error is not None:
            raise error
        if replay:
            raise ArticleReloaded("not replayed: the article's file changed on disk (git? "
                                  "another tool?); reloaded it, its undo history is "
                                  "cleared", art.path)

    def check_before_save(self, art: Any) -> None:
        """The last look before an article file is replaced: refuse if it changed."""
        self._dir_before_save = self._dir_key()
        if not self._unchanged(art, full=True):
            raise StoreError("not saved: the file changed on disk since it was read (git? "
                             "another tool?); nothing was overwritten, it will be reloaded",
                             art.path)

    def saved(self, art: Any, text: str) -> None:
        """Remember the identity of the file just written (its bytes are ``text``)."""
        name = art.path.name
        st = _stat(art.path)
        if st is None:
            self.identities.pop(name, None)
            return
        digest = None
        if len(text) <= HASH_CHECK_LIMIT:
            digest = _sha256(text.encode("utf-8"))
        self.identities[name] = FileIdentity.of(st, digest)
        if self._listing is not None:
            self._listing[name] = stat_key(st)  # type: ignore[assignment]
        if self._dir_stamp is not None and self._dir_stamp == self._dir_before_save:
            # Nothing but this save changed the folder since it was last listed.
            self._dir_stamp = self._dir_key()

    # ------------------------------------------------------------------ comparing
    def _unchanged(self, art: Any, *, full: bool, hash_limit: int = HASH_CHECK_LIMIT
                   ) -> bool:
        """Is the file on disk still the one ``art`` was read from (or last saved to)?"""
        name, path = art.path.name, art.path
        known = self.identities.get(name, _UNKNOWN)
        try:
            st = _stat(path)
        except OSError:
            return False
        if known is _UNKNOWN:  # never read nor written by this store
            return st is None and not art.exists
        if known is None:
            return st is None
        if st is None:
            return False
        if known.same_stat(st):
            if not full or known.sha256 is None or st.st_size > hash_limit:
                return True
            return self._same_bytes(name, path, known, keep=False)
        if known.sha256 is not None and st.st_size == known.size:
            # A touch, or git writing back identical bytes, is not a change.
            return self._same_bytes(name, path, known, keep=True)
        return False

    def _same_bytes(self, name: str, path: Path, known: FileIdentity, *, keep: bool
                    ) -> bool:
        try:
            _, now = read_with_identity(path)
        except StoreError:
            return False
        if now.sha256 is None or now.sha256 != known.sha256:
            return False
        if keep:
            self.identities[name] = now
        return True

    def _dir_key(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self._store.articles_dir)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)

    # ------------------------------------------------------------------ reloading
    def reload(self, art: Any) -> StoreError | None:
        """Replace ``art``'s content (in place) with its file's; returns the file's damage
        instead when it cannot be read (the article then leaves memory, so every later read
        or write meets the damage and nothing overwrites the file)."""
        store = self._store
        name = art.path.name
        store._raw.pop(name, None)
        store._damaged.pop(name, None)
        store._history.forget(art.id)
        if _stat(art.path) is None:  # deleted (a checkout of a branch without it)
            self.identities[name] = None
            store._files.discard(name)
            self._reset(art)
            return None
        store._files.add(name)
        data = store._parse_file(name)
        if data is None:
            return self._damage(art, store._damaged[name])
        store._raw.pop(name, None)
        try:
            fresh = self._build(data, art.path)
        except StoreError as exc:
            store._damaged[name] = exc
            store.errors.append(exc)
            return self._damage(art, exc)
        if fresh.id != art.id:
            store._raw[name] = data
            return self._damage(art, StoreError(
                f"the file now holds another article ({fresh.id!r}); left untouched",
                art.path))
        for spec in fields(fresh):
            if spec.name == "annotations":
                vars(art.annotations).update(vars(fresh.annotations))
            else:
                setattr(art, spec.name, getattr(fresh, spec.name))
        corpus_text = self._corpus_text.get(art.id)
        if corpus_text is not None and art.text != corpus_text:
            store.reconcile(art.id, corpus_text)
        return None

    @staticmethod
    def _reset(art: Any) -> None:
        """An article whose file is gone: not stored, no annotations (the text stays)."""
        vars(art.annotations).update(vars(ArticleAnnotations()))
        for table in art._docs:
            art._docs[table] = {}
            art._doc_ids[table] = {}
        art._extra = {}
        art._rejected, art.rejected = {}, []
        art.exists = False
        art.created = art.modified = None
        art.error = None
        art.drifted, art.drift = False, None

    def _damage(self, art: Any, error: StoreError) -> StoreError:
        self._reset(art)
        art.exists = True
        art.error = error
        self._store._cache.pop(art.id, None)
        return error

    # ------------------------------------------------------------------ following the folder
    def poll(self, hot_ids: Iterable[str] = ()) -> DiskChanges:
        """Bring the store in line with its folder; what changed, by article id.

        Cheap when nothing changed: one stat of the folder and of the ``hot_ids``' files
        (the open article, compared by content too when small). The folder is listed
        again only when its own stat changed, which every rename (git's way of writing,
        and the store's) and every new or deleted file does.
        """
        store = self._store
        changed: set[str] = set()
        stamp = self._dir_key()
        if stamp != self._dir_stamp:
            listing = self._list()
            old = self._listing
            if old is None:  # first look: compare with what the store read
                old = {n: stat_key_of(i) for n, i in self.identities.items()
                       if i is not None}
                changed |= {n for n in old if n not in listing}
                changed |= {n for n in listing if n in old and listing[n] != old[n]}
            else:
                changed |= {n for n in old.keys() | listing.keys()
                            if old.get(n) != listing.get(n)}
            self._listing, self._dir_stamp = listing, stamp
        cached = {art.path.name: art for art in store._cache.values()}
        for article_id in hot_ids:
            art = store._cache.get(article_id)
            if art is not None and not self._unchanged(art, full=True,
                                                       hash_limit=POLL_HASH_LIMIT):
                changed.add(art.path.name)
        result = DiskChanges(reloaded=list(dict.fromkeys(self._unreported)))
        self._unreported.clear()
        for name in sorted(changed):
            self._apply(name, cached.get(name), result)
        return result

    def _list(self) -> dict[str, tuple[int, int, int, int]]:
        listing: dict[str, tuple[int, int, int, int]] = {}
        with contextlib.suppress(OSError):
            for entry in os.scandir(self._store.articles_dir):
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    with contextlib.suppress(OSError):
                        listing[entry.name] = stat_key(entry.stat())  # type: ignore[assignment]
        return listing

    def _apply(self, name: str, art: Any, result: DiskChanges) -> None:
        """One file that changed: reload the article in memory, or forget what was parsed
        of it so the next look reads it again."""
        store = self._store
        if art is not None:
            batch = store._batch
            if (batch is not None and art.id in batch) or self._unchanged(art, full=True):
                return
            error = self.reload(art)
            if error is not None:
                result.damaged.append(error)
            if art.id not in result.reloaded:
                result.reloaded.append(art.id)
            return
        old = store._raw.pop(name, None)
        old_id = old["article"]["1"]["id"] if old is not None else None
        if old_id is None:
            old_id = next((i for i, n in store._id_to_file.items() if n == name), None)
        store._damaged.pop(name, None)
        self.identities.pop(name, None)
        if _stat(store.articles_dir / name) is None:
            store._files.discard(name)
            if old_id is not None:
                result.removed.append(old_id)
            else:
                result.removed_files.append(name)
            return
        store._files.add(name)
        data = store._parse_file(name)
        if data is None:
            result.damaged.append(store._damaged[name])
            if old_id is not None:
                result.changed.append(old_id)
            return
        new_id = data["article"]["1"]["id"]
        result.changed.extend(i for i in (old_id, new_id) if i is not None)
        text = self._corpus_text.get(new_id)
        if text is not None and new_id not in store._cache:
            # An article shown before (its file was damaged or gone): back in memory,
            # re-anchored onto the text on screen, as when it is opened.
            with contextlib.suppress(StoreError):
                store.attach(new_id, text)


def stat_key_of(identity: FileIdentity) -> tuple[int, int, int, int]:
    """An identity in the shape of a folder listing's entries."""
    return (identity.inode, identity.size, identity.mtime_ns, identity.ctime_ns)

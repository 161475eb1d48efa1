"""Group commit: many article files made durable with one file-system sync, not one each.

A single save (``storage.atomic_write_text``) writes a temporary file, fsyncs it, renames
it over the article file and fsyncs the folder: two syncs per file, which capped a
suggestion run over a large corpus at about a hundred articles a second. Inside
``StoreFiles.grouped_writes`` a save instead writes its temporary file without syncing
and is queued here; :meth:`GroupWriter.flush` (every ``max_files`` saves and at the end)
then makes the whole group durable:

1. one ``syncfs`` of the store's file system puts every queued temporary file's bytes on
   disk (where ``syncfs`` is missing, each temporary file is fdatasync'ed instead);
2. each temporary file is renamed over its article file (``os.replace``, atomic), after the
   same "changed on disk?" check a single save makes (``DiskTracker.check_before_save``);
3. one fsync of the folder makes the renames durable.

A suggestion run's workers write the first file of an article the store does not hold
themselves (store/suggest_fresh.py); :meth:`GroupWriter.adopt` queues such a temporary
file with the group, synced by the same step 1, and in step 2 it takes its name by a
hard link, which refuses a name already taken (a file git or another tool put there
meanwhile is never replaced), then loses its temporary name.

Why a crash leaves every article file old or new, never torn: an article file's name only
ever changes by an atomic rename (or, for a new article, an atomic hard link), and only to
a temporary file whose bytes were already synced (step 1 precedes step 2). Killed before
step 2, the old files are untouched and the temporary files are left over (removed by
the next writer under the lock, ``StoreFiles._clean_temp_files``); killed during step 2,
some files are new and the others old; after a power cut before step 3 some renames may
be lost, which again leaves whole old files. What a crash can lose is the group not yet
flushed, which is why a caller that records progress (``warraq suggest``'s resume
journal) records it only after ``flush`` returns.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.storage import TEMP_SUFFIX

DEFAULT_GROUP = 1000


@dataclass
class _Queued:
    """One article file waiting for the group's sync and rename."""

    art: Any  # StoredArticle
    tmp: str  # the temporary file, written, not yet synced
    text: str


@dataclass
class _Adopted:
    """A new article's file written by someone else (a suggestion run's worker,
    store/suggest_fresh.py), waiting for the group's sync and its name."""

    article_id: str
    tmp: str
    path: Path


_COUNTER = itertools.count()


def write_temp(path: Path, text: str) -> str:
    """Create and write (without syncing) a temporary file beside ``path``; its path.

    Named ``.<file>.<pid>-<n>.tmp`` (what ``StoreFiles._clean_temp_files`` removes) and
    created exclusively with the umask's mode: the same file ``mkstemp`` plus ``fchmod``
    gave, in two system calls fewer."""
    data = text.encode("utf-8")
    while True:
        tmp = f"{path.parent}/.{path.name}.{os.getpid()}-{next(_COUNTER)}{TEMP_SUFFIX}"
        try:
            fd = os.open(tmp, _CREATE, 0o666)
            break
        except FileExistsError:  # left by a killed writer of the same pid: next number
            continue
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


_CREATE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
           | getattr(os, "O_NOFOLLOW", 0))


def _syncfs_function() -> Any:
    """libc's ``syncfs`` (Linux), or None."""
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs  # the process's own libc
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


_SYNCFS: Any = False  # looked up at the first flush (finding libc can run ldconfig)


def _sync_files(folder_fd: int | None, paths: list[str]) -> None:
    """Put the bytes of ``paths`` on disk: one ``syncfs`` when there is one, else one
    fdatasync per file."""
    global _SYNCFS
    if _SYNCFS is False:
        _SYNCFS = _syncfs_function()
    if _SYNCFS is not None and folder_fd is not None and _SYNCFS(folder_fd) == 0:
        return
    sync = getattr(os, "fdatasync", os.fsync)
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # discarded meanwhile (GroupWriter.discard): not needed;
            continue  # a file that should be there fails at its rename instead
        try:
            sync(fd)
        finally:
            os.close(fd)


class GroupWriter:
    """The article files saved since the last flush (see the module docstring)."""

    def __init__(self, store: Any, max_files: int = DEFAULT_GROUP) -> None:
        self._store = store
        self.max_files = max(1, max_files)
        self._queued: dict[str, _Queued] = {}  # article file name -> its newest save
        self._adopted: list[_Adopted] = []
        self.files_written = 0

    def __len__(self) -> int:
        return len(self._queued) + len(self._adopted)

    def queued_ids(self) -> set[str]:
        return {q.art.id for q in self._queued.values()}

    def add(self, art: Any, text: str) -> None:
        """Write ``art``'s temporary file now (no sync); renamed at the next flush.
        (A background thread for this was tried: slower, the GIL hand-offs cost more
        than the file creation it overlapped.)"""
        try:
            tmp = write_temp(art.path, text)
        except OSError as exc:
            raise StoreError(f"could not save: {exc.strerror or exc}", art.path) from None
        older = self._queued.pop(art.path.name, None)
        if older is not None:  # saved twice in one group: only the newest counts
            with contextlib.suppress(OSError):
                os.unlink(older.tmp)
        self._queued[art.path.name] = _Queued(art, tmp, text)

    def adopt(self, article_id: str, tmp: str, path: Path) -> None:
        """Queue a temporary file written elsewhere (not synced) as the first file of an
        article the store does not hold: at the next flush it is synced with the group
        and takes the name ``path``, unless a file of that name appeared meanwhile."""
        self._adopted.append(_Adopted(article_id, tmp, path))

    def full(self) -> bool:
        return len(self) >= self.max_files

    def discard(self, name: str) -> None:
        """Forget the queued save of the article file ``name`` (a newer save of that
        article was made durable by other means), removing its temporary file."""
        older = self._queued.pop(name, None)
        if older is not None:
            with contextlib.suppress(OSError):
                os.unlink(older.tmp)

    def flush(self) -> dict[str, StoreError]:
        """Sync, rename and sync the folder for every queued file; the articles that could
        not be written (the disk refused, or the file changed on disk meanwhile), by id.
        Their temporary files are removed; the caller drops them from memory."""
        error = self.sync()
        return self.place(error)

    def sync(self) -> OSError | None:
        """Step 1 alone: put the queued temporary files' bytes on disk. Touches nothing
        but those files, so it may run in another thread while the store's own thread
        goes on (a discarded file's removal meanwhile is no error); the error, if any,
        for :meth:`place`."""
        tmps = [q.tmp for q in list(self._queued.values())] + [a.tmp for a in self._adopted]
        if not tmps:
            return None
        try:
            _sync_files(self._store._dir_fd, tmps)
        except OSError as exc:
            return exc
        return None

    def place(self, error: OSError | None = None, *, sync_folder: bool = True,
              ) -> dict[str, StoreError]:
        """Steps 2 and 3, in the store's thread, after :meth:`sync` returned ``error``:
        rename every queued file over its article's (never onto a file changed on disk)
        and, unless ``sync_folder`` is off (the caller syncs the folder later, see
        :func:`fsync_folder`), make the renames durable."""
        queued, self._queued = list(self._queued.values()), {}
        adopted, self._adopted = self._adopted, []
        if not queued and not adopted:
            return {}
        store = self._store
        failed: dict[str, StoreError] = {}
        if error is not None:
            failure = StoreError(f"could not save: {error.strerror or error}",
                                 store.articles_dir)
            for article_id, tmp in [(q.art.id, q.tmp) for q in queued] + [
                    (a.article_id, a.tmp) for a in adopted]:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                failed[article_id] = failure
            return failed
        renamed = False
        for q in queued:
            try:
                store._disk.check_before_save(q.art)
                os.replace(q.tmp, q.art.path)
            except (StoreError, OSError) as exc:
                with contextlib.suppress(OSError):
                    os.unlink(q.tmp)
                failed[q.art.id] = exc if isinstance(exc, StoreError) else StoreError(
                    f"could not save: {exc.strerror or exc}", q.art.path)
                continue
            renamed = True
            store._saved(q.art, q.text)
        for a in adopted:
            try:
                _place_new(a.tmp, a.path)
            except (StoreError, OSError) as exc:
                with contextlib.suppress(OSError):
                    os.unlink(a.tmp)
                failed[a.article_id] = exc if isinstance(exc, StoreError) else StoreError(
                    f"could not save: {exc.strerror or exc}", a.path)
                continue
            renamed = True
            store._created(a.path)
        if renamed and sync_folder:
            fsync_folder(store._dir_fd, store.articles_dir)
        self.files_written += len(queued) + len(adopted) - len(failed)
        return failed


def _place_new(tmp: str, path: Path) -> None:
    """Give a synced temporary file the name ``path``, which no file may hold: a hard
    link refuses an existing name atomically (the check and the naming are one step),
    then the temporary name goes. Where there are no hard links (FAT, some network file
    systems) the name is checked, then the file renamed over it."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise StoreError(_APPEARED, path) from None
    except OSError:
        if os.path.lexists(path):
            raise StoreError(_APPEARED, path) from None
        os.replace(tmp, path)
        return
    with contextlib.suppress(OSError):  # left over, it is removed at the next open
        os.unlink(tmp)


_APPEARED = ("not saved: a file for this article appeared on disk during the run (git? "
             "another tool?); nothing was overwritten")


def fsync_folder(dir_fd: int | None, folder: Path) -> None:
    if dir_fd is not None:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
        return
    from store.storage import fsync_dir

    fsync_dir(folder)

"""One writer per store: an OS lock on ``<store>/.lock``.

``fcntl.flock`` (or ``msvcrt.locking`` on Windows) is released by the kernel when the holder
dies, so a Warraq killed with ``kill -9`` never leaves a stale lock behind; the file itself
stays and only records the holder's pid for the message another opener shows.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_NAME = ".lock"
# Locks held by this process, for the fork hook below.
_HELD: weakref.WeakSet[StoreLock] = weakref.WeakSet()


def _forget_in_child() -> None:
    """A forked child (an indexing worker) closes its copy of every lock descriptor, without
    unlocking: else the lock would outlive the parent in the child, and a killed Warraq
    would leave its store locked for as long as a worker lingered."""
    for lock in list(_HELD):
        fd, lock._fd = lock._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class StoreLock:
    """A non-blocking exclusive lock; :meth:`acquire` says whether we got it."""

    def __init__(self, root: Path):
        self.path = Path(root) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        _HELD.add(self)
        return True

    def holder_pid(self) -> int | None:
        """The pid written by the current holder, if it can be read."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _HELD.discard(self)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

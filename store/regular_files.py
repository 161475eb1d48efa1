"""Reading a file only if it is a regular file, without ever blocking.

A FIFO, socket or device can sit in a corpus folder or a store's ``articles/`` under a
name that looks like data (``x.json``); reading a FIFO with no writer blocks forever, a
device can stream without end. Opening with ``O_NONBLOCK`` returns at once whatever the
file is, and ``fstat`` on the open descriptor (not the name, which can be swapped between
a check and the open) says what it is before any byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


class NotRegularFile(OSError):
    """The path names something other than a regular file; ``strerror`` says what."""


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words, for an error line."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_regular_bytes(path: Path | str) -> bytes:
    """The whole content of ``path``; raises ``NotRegularFile`` (an ``OSError`` whose
    ``strerror`` names the kind) for anything but a regular file, and never blocks."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = kind_of(mode)
            raise NotRegularFile(0, f"not a regular file ({what})", str(path))
        # Back to blocking reads: a regular file never blocks, and a short read from a
        # non-blocking descriptor would otherwise need its own loop.
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            return handle.read()
    finally:
        if fd >= 0:
            os.close(fd)

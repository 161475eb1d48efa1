"""Terminal modes Warraq sets around the app.

In ``--bidi app`` mode Warraq itself shapes and reorders, so a terminal that also applies
the bidi algorithm (implicit mode) would reverse our visual lines again. ECMA-48's BDSM
(mode 8) tells terminals that honour it to stop: ``CSI 8 l`` (explicit) on start, ``CSI 8 h``
(implicit, the default) on exit. Terminals that ignore it just ignore the bytes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BDSM_EXPLICIT = "\x1b[8l"
BDSM_IMPLICIT = "\x1b[8h"


def _terminal_stream():
    for stream in (sys.__stderr__, sys.__stdout__):
        if stream is not None and stream.isatty():
            return stream
    return None


@contextmanager
def bidi_mode(mode: str) -> Iterator[None]:
    """Hold BDSM explicit for the app's lifetime in app mode; restore on any exit."""
    stream = _terminal_stream() if mode == "app" else None
    if stream is not None and os.environ.get("WARRAQ_NO_BDSM") is None:
        stream.write(BDSM_EXPLICIT)
        stream.flush()
    try:
        yield
    finally:
        if stream is not None and os.environ.get("WARRAQ_NO_BDSM") is None:
            stream.write(BDSM_IMPLICIT)
            stream.flush()

"""Building hundreds of thousands of small objects at once (a corpus index, the article
list) without the garbage collector's generational scans, which otherwise run every few
hundred allocations and made those builds two to four times slower (measured: 100,000 list
entries in 300–580 ms with the collector, 100–150 ms without)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic collector for the block; reference counting still frees everything
    the block drops. Nesting is safe: only the outermost block turns it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

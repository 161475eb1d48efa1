"""Opening a corpus from the command line: through the index kept beside the store, with a
progress bar on the terminal while it is built (the app instead indexes behind its list)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from store.corpus import Corpus
from store.corpus_index import cache_dir_for, open_corpus


def open_indexed(path: str | Path, store_root: Path) -> Corpus:
    """The corpus at ``path``, its index in ``store_root``'s cache brought up to date."""
    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not sys.stderr.isatty() or total <= 0:
            return
        if not bar:
            from rich.console import Console
            from rich.progress import Progress

            bar["progress"] = Progress(console=Console(stderr=True), transient=True)
            bar["progress"].start()
            bar["task"] = bar["progress"].add_task("Indexing the corpus", total=total)
        bar["progress"].update(bar["task"], completed=done, total=total)

    try:
        return open_corpus(path, cache_dir_for(store_root), progress=progress)
    finally:
        if bar:
            bar["progress"].stop()

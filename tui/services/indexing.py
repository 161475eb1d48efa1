"""Indexing a large corpus while the app is already up.

A first open of 100,000 articles cannot be indexed in two seconds (the cleaning and JSON
reading alone take several), but the user should not stare at a progress bar: the app opens
at once with what is known, a thread runs the :class:`store.corpus_index.IndexBuild` (whose
worker processes were forked before Textual started), and the main screen pulls finished
rows a few times a second into the list. Nothing here touches Textual: the thread only
queues batches, and the screen decides when to draw them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from store.corpus import Corpus
from store.corpus_index import Batch, IndexBuild


@dataclass
class Pulled:
    """Rows finished since the last pull: ``appended`` is the new rows' range (JSONL),
    ``updated`` the rows filled in place (a folder's placeholders), in row order."""

    appended: range | None = None
    updated: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.appended) or bool(self.updated)


class BackgroundIndex:
    """One build, one thread; ``stop`` cancels it and waits while it saves what it did."""

    def __init__(self, build: IndexBuild) -> None:
        self.build = build
        self._batches: deque[Batch] = deque()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.finished = threading.Event()
        self.result: Corpus | None = None
        self.error: BaseException | None = None
        self.started = 0.0
        self.seconds = 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and not self.finished.is_set()

    @property
    def fraction(self) -> float:
        total = self.build.total
        return min(1.0, self.build.done / total) if total else 1.0

    def start(self) -> None:
        if self._thread is not None:
            return
        self.started = time.perf_counter()
        # A daemon thread: if saving ever hangs, quitting still ends the process.
        self._thread = threading.Thread(target=self._run, name="warraq-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self.build.run(self._batches.append, cancel=self._cancel)
        except BaseException as exc:  # reported by the screen, never lost in the thread
            self.error = exc
        finally:
            self.seconds = time.perf_counter() - self.started
            self.finished.set()

    def pull(self) -> Pulled:
        """Everything reported since the last call, merged (safe from any thread)."""
        pulled = Pulled()
        first = last = None
        updated: set[int] = set()
        while self._batches:
            batch = self._batches.popleft()
            if batch.appended:
                if batch.rows:
                    first = batch.rows[0] if first is None else first
                    last = batch.rows[-1]
            else:
                updated.update(batch.rows)
        if first is not None and last is not None:
            pulled.appended = range(first, last + 1)
        pulled.updated = sorted(updated)
        return pulled

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel and wait for the build to save what it finished (the next open goes on
        from there)."""
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout)
        else:  # the app never got to start it: let its worker processes go
            self.build.discard()

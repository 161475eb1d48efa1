"""An index build under way: the corpus usable now, the work left, and what it reports.

``store.index_folder`` and ``store.index_jsonl`` make an :class:`IndexBuild` (filling in its
``_work`` and ``_parallel`` and calling ``_progress`` as chunks merge: they are its two
halves), and its users — the command line's ``open_corpus``, the app's background indexer
in ``tui.services.indexing`` — only ``run``, ``prioritize``, ``discard`` and read
``corpus``, ``report``, ``done`` and ``total``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from store.corpus import Corpus
from store.index_workers import Workers, make_workers

Progress = Callable[[int, int], None]


@dataclass
class IndexReport:
    """What an open did: ``mode`` is ``fresh`` (index used as is), ``updated`` (some files
    re-read), ``appended`` (JSONL grew), ``built`` (no usable index) or ``rebuilt`` (the
    index file was damaged or of another version; ``problem`` says why)."""

    path: Path | None
    mode: str = "built"
    reread: int = 0
    reused: int = 0
    removed: int = 0
    seconds: float = 0.0
    problem: str | None = None
    saved: bool = False
    cancelled: bool = False


@dataclass
class Batch:
    """Rows a build step changed: ``appended`` rows ``rows`` (a range) are new at the end,
    otherwise ``rows`` (a list) were updated in place. ``done``/``total`` is progress."""

    rows: Sequence[int]
    appended: bool
    done: int
    total: int


@dataclass
class IndexBuild:
    """An open corpus and the indexing work it still needs (see ``store.corpus_index``)."""

    corpus: Corpus
    report: IndexReport
    total: int = 0
    done: int = 0
    # "checking" while a folder's pages are compared with the index, then "reading".
    phase: str = "reading"
    kind: str = "jsonl"  # or "folder": ``done``/``total`` count bytes or pages
    _work: Callable[..., Corpus] | None = field(default=None, repr=False)
    _started: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def pending(self) -> bool:
        return self._work is not None

    @property
    def large(self) -> bool:
        """Enough work to want worker processes (and, in the app, to run in the
        background instead of before the first frame)."""
        return self._work is not None and self._parallel

    _executor: Workers | None = field(default=None, repr=False)
    _wanted: deque[int] = field(default_factory=deque, repr=False)
    _parallel: bool = field(default=False, repr=False)

    def start_workers(self, workers: int | None = None) -> None:
        """Start the worker processes now, if the work is big enough to want them. Call it
        while the process has one thread (before the app starts) so they can be forked."""
        if self._work is not None and self._executor is None:
            self._executor = make_workers(self._parallel, workers)

    def run(self, on_batch: Callable[[Batch], None] | None = None,
            cancel: threading.Event | None = None, workers: int | None = None) -> Corpus:
        """Do the work, write the index, and return the finished corpus (``self.corpus``
        when nothing had to be dropped). Batches are reported from the calling thread."""
        if self._work is None:
            return self.corpus
        work, self._work = self._work, None
        if self._executor is None:
            self._executor = make_workers(self._parallel, workers)
        executor, self._executor = self._executor, None
        try:
            final = work(on_batch, cancel or threading.Event(), executor)
        finally:
            executor.close()
            self.report.seconds = time.perf_counter() - self._started
        self.corpus = final
        return final

    def discard(self) -> None:
        """Give up the work not started (stops worker processes already started)."""
        self._work = None
        if self._executor is not None:
            self._executor.close()
            self._executor = None

    def prioritize(self, rows: Iterable[int]) -> None:
        """Read these rows next (a folder's pages still listed by file name that are on
        screen). Safe from any thread; rows already read or not waiting are ignored."""
        self._wanted.extend(rows)

    def _progress(self, on_batch: Callable[[Batch], None] | None, rows: Sequence[int],
                  appended: bool, done: int) -> None:
        self.done = done
        if on_batch is not None:
            on_batch(Batch(rows, appended, done, self.total))


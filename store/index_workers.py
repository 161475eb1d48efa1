"""Where an index build's chunks run: worker processes, or the calling thread.

A first build of 100,000 articles is CPU work (cleaning pages, scanning JSONL lines) that
would take the app's frames if it ran in its process; worker processes do it at low
priority and end when the app ends. Small builds run inline: starting processes would cost
more than the work. Both kinds have the same two calls (``submit`` and ``close``), and a
submitted chunk's ``result(cancel)`` raises ``Cancelled`` when the build is cancelled while
it waits.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from typing import Any

# The modules whose functions the workers run (``store.index_folder._index_pages``,
# ``store.index_jsonl._scan_range``): a fork server imports them once, so each worker it
# starts has them already. Named, not imported: they import this module.
_WORKER_MODULES = ["store.index_folder", "store.index_jsonl"]


def _worker_start(parent: int) -> None:
    """Worker processes yield the CPU to the app they index for (its frames come first),
    and end when it does, even if it was killed and could not stop them."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)

    # Forked workers are the app's children; a fork server's (or spawned) workers are the
    # server's, so for them "the app ended" means its process id is gone, not a new parent.
    forked = os.getppid() == parent

    def app_alive() -> bool:
        if forked:
            return os.getppid() == parent
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch() -> None:
        while app_alive():
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="warraq-parent-watch", daemon=True).start()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Cancelled(Exception):
    """The build was cancelled while it waited for a chunk."""


class _ProcessWorkers:
    """Worker processes, all started when made (see ``_pool``); ``close`` stops them at
    once, finished or not (a cancelled build does not wait for chunks it will not use)."""

    def __init__(self, count: int, context: Any) -> None:
        self._pool = context.Pool(count, initializer=_worker_start, initargs=(os.getpid(),))

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Waiting:
        return _Waiting(self._pool.apply_async(fn, args))

    def close(self) -> None:
        self._pool.terminate()


class _Waiting:
    def __init__(self, pending: Any) -> None:
        self._pending = pending

    def result(self, cancel: threading.Event | None = None) -> Any:
        import multiprocessing

        while True:
            try:
                return self._pending.get(timeout=0.1)
            except multiprocessing.TimeoutError:
                if cancel is not None and cancel.is_set():
                    raise Cancelled from None


class _InlineWorkers:
    """Each chunk runs in the calling thread when its result is asked for (small corpora,
    tests)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Deferred:
        return _Deferred(fn, args)

    def close(self) -> None:
        pass


class _Deferred:
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._fn, self._args = fn, args

    def result(self, cancel: threading.Event | None = None) -> Any:
        if cancel is not None and cancel.is_set():
            raise Cancelled
        return self._fn(*self._args)


Workers = _ProcessWorkers | _InlineWorkers


def make_workers(parallel: bool, workers: int | None = None) -> Workers:
    """Worker processes (``workers`` of them, one per usable CPU by default) for work big
    enough to want them (``parallel``) on a machine with more than one CPU; otherwise
    the calling thread."""
    count = _cpus() if workers is None else workers
    return _pool(count) if count > 1 and parallel else _InlineWorkers()


def _pool(workers: int) -> _ProcessWorkers:
    """Worker processes, all started now.

    Forked when this process has a single thread (the command line, or the app before
    Textual starts: see ``IndexBuild.start_workers``): nothing to re-import, and no other
    thread can hold a lock at the fork. Otherwise a fork server, which imports the main
    module in its children (scripts need the ``if __name__ == "__main__"`` guard).
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_WORKER_MODULES)
    else:
        context = multiprocessing.get_context("spawn")
    return _ProcessWorkers(workers, context)


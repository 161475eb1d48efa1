"""A suggestion run over a whole corpus in bounded memory, fast, durable and resumable.

``warraq suggest`` on 100,000 articles must not keep them all: the store caches every
article it touches, and the run touches each once. So the run works in groups
(``group`` articles, 1,000 by default):

* the articles' suggestions are computed in ``workers`` processes beside this one
  (reading an article and matching the gazetteer needs no store). An article the store
  does not hold yet — most of a first run — is finished there: the worker builds its
  whole file and writes it to a temporary file (store/suggest_fresh.py), and this process
  only hands it to the group commit (``Store.adopt_written``). So does a stored article
  on which nothing is new (a re-run). The others are added to the store here, one action
  per article (``Store.add_entities``);
* their files are made durable by group commit (``Store.grouped_writes``, see
  store/group_writes.py: one file-system sync per group, every file whole, old or new,
  whatever the moment of a crash; a new article's file never replaces one that appeared
  meanwhile);
* when the group is flushed, its articles are durable: their ids are appended to the
  run's journal (:class:`RunJournal`) and the articles the store loaded leave memory
  (``Store.release``).

Memory therefore stays flat (one group of articles plus the worker results in flight:
at most two windows of ``WINDOW`` ids), and an interrupted run resumes: the next run with
the same corpus and suggesters skips the articles the journal lists (temporary files of
an interrupted run are removed). Skipping is only an optimisation: a run is safe to
repeat anyway (``store.suggest`` never adds a span twice). The journal is deleted when a
run ends normally.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from store.errors import StoreError, WarraqError
from store.group_writes import DEFAULT_GROUP
from store.suggest import Candidate, SuggestCounts, add_pending, run_suggester
from store.suggest_fresh import (
    NewArticles,
    Written,
    check_stored_article,
    write_new_article,
)

JOURNAL_PREFIX = ".suggest-progress-"
WINDOW = 1024  # article ids handed to the workers at a time (two windows in flight)

Suggester = tuple[str, Callable[[str], Iterable[Any]]]


class RunJournal:
    """The ids of the articles an unfinished run has made durable, one JSON string a line.

    Lives in the store folder (``.suggest-progress-<key>``, the key naming the corpus and
    the suggesters), is appended and fsynced after each group flush, and removed when the
    run ends normally. A line cut short by a crash is ignored (its articles are redone).
    """

    def __init__(self, store_root: Path, key: str) -> None:
        self.path = store_root / f"{JOURNAL_PREFIX}{key}"
        self._handle: Any = None

    @staticmethod
    def key_for(corpus_path: Path | str, origins: Sequence[str], extra: Sequence[str] = ()
                ) -> str:
        ident = json.dumps([str(Path(corpus_path).absolute()), list(origins), list(extra)])
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]

    def done(self) -> set[str]:
        """Ids recorded by an interrupted run (empty when there is none)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return set()
        except OSError:
            return set()
        ids: set[str] = set()
        lines = raw.split(b"\n")
        for line in lines[:-1]:  # the last piece has no newline: cut short, or empty
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, str):
                    ids.add(value)
        return ids

    def record(self, article_ids: Iterable[str]) -> None:
        lines = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in article_ids)
        if not lines:
            return
        if self._handle is None:
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        self._handle.write(lines)
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self, *, finished: bool) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if finished:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


class Prepared(NamedTuple):
    """One article read and run through every suggester (in a worker or here); a named
    tuple so that it crosses from a worker process cheaply."""

    article_id: str
    text: str = ""
    meta: dict[str, Any] | None = None
    error: str | None = None  # the article could not be read
    results: tuple[tuple[str, list[Candidate] | str], ...] = ()
    invalid: int = 0
    warnings: tuple[str, ...] = ()


def meta_dict(meta: Any) -> dict[str, Any]:
    keys = ("title", "date", "url", "source")
    return {k: getattr(meta, k) for k in keys if getattr(meta, k, None) is not None}


def prepare(corpus: Any, suggesters: Sequence[Suggester], article_id: str,
            new: NewArticles | None = None) -> Prepared | Written:
    """Read one article and collect every suggester's candidates (no store involved);
    when the article is ``new`` to the store, write its whole file too
    (store/suggest_fresh.py) and say so instead."""
    try:
        article = corpus.load(article_id)
    except WarraqError as error:
        return Prepared(article_id, error=str(error))
    counts = SuggestCounts()
    results: list[tuple[str, list[Candidate] | str]] = []
    for name, fn in suggesters:
        try:
            results.append((name, run_suggester(name, fn, article.text, article_id, counts)))
        except WarraqError as error:
            results.append((name, str(error)))
    meta = meta_dict(article.meta)
    if new is not None and not any(isinstance(result, str) for _, result in results):
        found: list[tuple[str, list[Candidate]]] = results  # type: ignore[assignment]
        if new.is_new(article_id):
            with contextlib.suppress(StoreError):  # the disk refused: the store's way says
                return write_new_article(new, article_id, article.text, meta, found,
                                         counts.invalid, tuple(counts.warnings))
        elif new.on_disk_only(article_id):
            done = check_stored_article(new, article_id, article.text, found,
                                        counts.invalid, tuple(counts.warnings))
            if done is not None:
                return done
    return Prepared(article_id, article.text, meta, None, tuple(results), counts.invalid,
                    tuple(counts.warnings))


# The worker processes' corpus, suggesters and new-article target, inherited by fork
# (set before the pool).
_WORK: tuple[Any, Sequence[Suggester], NewArticles | None] | None = None


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle (it writes what is done, then stops the pool)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(article_id: str) -> Prepared | Written:
    assert _WORK is not None
    return prepare(_WORK[0], _WORK[1], article_id, _WORK[2])


def _windows(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), WINDOW):
        yield ids[start:start + WINDOW]


def prepared_articles(corpus: Any, suggesters: Sequence[Suggester], ids: Sequence[str],
                      workers: int, new: NewArticles | None = None
                      ) -> Iterator[Prepared | Written]:
    """Every id's ``Prepared`` (or ``Written``, see :func:`prepare`), in order; with
    ``workers`` computed by that many forked processes, two windows of ids in flight so
    they never run far ahead of the store."""
    global _WORK
    if workers < 1 or len(ids) < 2 * WINDOW or "fork" not in _start_methods():
        for article_id in ids:
            yield prepare(corpus, suggesters, article_id, new)
        return
    import multiprocessing

    _WORK = (corpus, suggesters, new)
    # What the workers inherit (the corpus index, the gazetteer) stays shared with this
    # process only while nobody writes to its pages, and a garbage collection in a worker
    # writes to every object it visits: frozen, they are never visited (the gc module's
    # own advice before a fork).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, _quiet_worker) as pool:
            windows = _windows(ids)
            current = pool.imap(_work, next(windows), chunksize=32)
            for window in (*windows, None):
                following = pool.imap(_work, window, chunksize=32) if window else None
                yield from current
                if following is None:
                    break
                current = following
    finally:
        _WORK = None
        gc.unfreeze()


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


@dataclass
class RunReport:
    """What the caller shows: the counts, plus the resume figures."""

    counts: SuggestCounts
    resumed: int = 0  # articles skipped because an interrupted run had done them
    journal: Path | None = None
    peak_cached: int = 0  # most articles held in the store's memory at once


def suggest_corpus(
    store: Any, corpus: Any, suggesters: Sequence[Suggester], ids: Sequence[str], *,
    journal: RunJournal | None = None, workers: int = 0, group: int = DEFAULT_GROUP,
    on_article: Callable[[], None] | None = None, on_warning: Callable[[str], None] = print,
    new_files: bool = True,
) -> RunReport:
    """Add every suggester's pending spans to the articles ``ids`` (see the module
    docstring); per-article problems go to ``on_warning`` and the counts. With
    ``new_files`` the articles the store does not hold yet get their whole file written
    by the worker (store/suggest_fresh.py); without, every article goes through the
    store."""
    counts = SuggestCounts()
    report = RunReport(counts, journal=journal.path if journal else None)
    done = journal.done() if journal is not None else set()
    # Each id once: a worker writes a new article's file whole, so a second mention of
    # the same id would meet its own file (the store merges; the ids of a corpus are
    # unique anyway).
    unique = list(dict.fromkeys(ids))
    todo = [i for i in unique if i not in done]
    report.resumed = len(unique) - len(todo)
    if on_article is not None:
        for _ in range(report.resumed):
            on_article()
    finished = False
    held: list[str] = []  # articles in memory since the last flush
    good: list[str] = []  # articles done since the last flush
    since = 0  # articles met since the last flush
    try:
        with store.grouped_writes(group):
            new = None
            if new_files:
                files, known_ids = store.known_articles()
                new = NewArticles(store.articles_dir, store.schema, files, known_ids)
            items = prepared_articles(corpus, suggesters, todo, workers, new)
            try:
                with contextlib.closing(items):  # interrupted: the workers stop first
                    for item in items:
                        if isinstance(item, Written):
                            _adopt(store, item, counts, on_warning, good)
                        else:
                            _add(store, item, counts, on_warning, good)
                            held.append(item.article_id)
                        since += 1
                        if since >= group:
                            _flush(store, held, good, journal, counts, on_warning, report)
                            since = 0
                        if on_article is not None:
                            on_article()
            finally:  # interrupted too: what was done is written and journalled
                _flush(store, held, good, journal, counts, on_warning, report)
                if new is not None:  # a worker stopped mid-file leaves a temporary one
                    store.discard_temp_files()
        finished = True
    finally:
        if journal is not None:
            journal.close(finished=finished)
    return report


def _adopt(store: Any, item: Written, counts: SuggestCounts,
           on_warning: Callable[[str], None], good: list[str]) -> None:
    """A new article whose file a worker wrote: its counts, and its file into the group."""
    counts.added += item.added
    counts.already += item.already
    counts.unknown_label += item.unknown_label
    counts.invalid += item.invalid
    for warning in item.warnings:
        on_warning(warning)
    if item.tmp is not None:
        store.adopt_written(item.article_id, item.tmp)
    counts.articles += 1
    good.append(item.article_id)


def _add(store: Any, item: Prepared, counts: SuggestCounts,
         on_warning: Callable[[str], None], good: list[str]) -> None:
    """Store one prepared article's suggestions; counts it as done or failed."""
    if item.error is not None:
        counts.failed += 1
        on_warning(item.error)
        return
    failed = False
    attached = False
    for name, result in item.results:
        if isinstance(result, str):
            failed = True
            on_warning(result)
            continue
        try:
            if not attached:
                store.attach(item.article_id, item.text, item.meta)
                attached = True
            add_pending(store, item.article_id, item.text, result, name, counts)
        except WarraqError as error:
            failed = True
            on_warning(f"{error}")
    counts.invalid += item.invalid
    for warning in item.warnings:
        on_warning(warning)
    if failed:
        counts.failed += 1
    else:
        counts.articles += 1
        good.append(item.article_id)


def _flush(store: Any, held: list[str], good: list[str], journal: RunJournal | None,
           counts: SuggestCounts, on_warning: Callable[[str], None], report: RunReport
           ) -> None:
    """Make the group durable, journal it, and let its articles go."""
    report.peak_cached = max(report.peak_cached, store.cached_articles)
    failed = store.flush_writes()
    for article_id, error in failed.items():
        on_warning(f"{error}")
        if article_id in good:
            counts.failed += 1
            counts.articles -= 1
    if journal is not None:
        journal.record(i for i in good if i not in failed)
    store.release(i for i in held if i not in failed)  # failed ones are gone already
    held.clear()
    good.clear()

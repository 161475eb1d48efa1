"""Indexing a folder of ``.txt`` pages: per page its name, size, mtime, cleaned metadata.

Cleaning a scraped page is the expensive part of opening a folder (seconds per thousand
pages), so the index keeps each page's cleaned title and metadata with the size and mtime
(nanoseconds) it had and its cleaned text's SHA-256; a later open re-cleans only pages whose
size or mtime changed, drops deleted ones and adds new ones. Until a page is read it is
listed under its file name, so the list is complete from the first frame.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
import threading
from collections import deque
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.arabic import normalize_many
from store.corpus import TEXT_SUFFIX, Corpus, read_page, site_name
from store.errors import CorpusError
from store.index_build import Batch, IndexBuild, IndexReport
from store.index_format import META_COLUMNS, Columns, new_columns, read_index, write_index
from store.index_metas import IndexedMetas
from store.index_workers import Cancelled, Workers

# A page's name among NUL-joined names: not hidden, ending in .txt in any case.
_PAGE_NAME = re.compile(r"(?:^|\x00)([^.\x00][^\x00]*\.[tT][xX][tT])(?=\x00|\Z)")
# Work is cut into chunks so the list can grow while the rest is read.
_CHUNK_PAGES = 200
# Chunks handed to the workers ahead of the one being merged: enough to keep every worker
# busy, few enough that rows asked for on screen are read within about a chunk.
_IN_FLIGHT = 4
# Fewer pages than this are read in the calling thread: starting worker processes costs more.
_PARALLEL_PAGES = 400


def _index_page(path: str) -> tuple[str, Any]:
    """Clean one page: ("ok", (metadata row, sha256)) or ("error", reason)."""
    try:
        article = read_page(Path(path))
    except CorpusError as exc:
        return "error", exc.reason
    meta = article.meta
    row = [getattr(meta, name) for name in META_COLUMNS]
    return "ok", (row, site_name(meta.url, meta.source), article.sha256)


def _index_pages(paths: list[str]) -> list[tuple[str, Any]]:
    """A chunk of pages (in a worker); their search keys made in one pass."""
    results = [_index_page(p) for p in paths]
    titles = [r[1][0][1] for r in results if r[0] == "ok"]
    keys = iter(normalize_many(titles))
    return [(kind, (*value, next(keys)) if kind == "ok" else value)
            for kind, value in results]


def _list_pages(folder: Path) -> list[str]:
    """The folder's page names, sorted. Names only: whether each is a regular file, and its
    size and mtime, are checked by the build (100,000 ``stat`` calls cost 0.4 s here)."""
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise CorpusError(f"cannot list folder ({exc.strerror or exc})", folder) from None
    # One regular-expression pass over all names (no name holds a NUL): 100,000 names in
    # a few ms instead of a Python test per name.
    pages = _PAGE_NAME.findall("\x00".join(names))
    pages.sort()
    return pages


def _folder_corpus(folder: Path, columns: MutableMapping[str, Any], errors: list[CorpusError],
                   report: IndexReport) -> Corpus:
    metas = IndexedMetas(columns, lambda i: str(folder / columns["name"][i]),
                         extra_of=lambda i: {"sha256": columns["sha256"][i]})
    return Corpus(folder, metas, errors, index=report)  # type: ignore[arg-type]


def _folder_errors(folder: Path, meta: Mapping[str, Any]) -> list[CorpusError]:
    """Unreadable pages in name order, then duplicate ids: the same list on every open."""
    return ([CorpusError(reason, folder / name) for name, _, _, reason in meta["errors"]]
            + [CorpusError(reason, folder / name) for name, reason in meta["duplicates"]])


@dataclass
class _FolderPlan:
    """Which pages are rows (name order), which are duplicates or known to be unreadable,
    and the columns to start from (the index's, or new ones with stand-in rows)."""

    rows: list[str]
    duplicates: list[list[str]]
    unreadable: list[list[Any]]
    columns: MutableMapping[str, Any]


def _plan_folder(names: list[str], old_columns: Columns | None, old_meta: Mapping[str, Any]
                 ) -> _FolderPlan:
    known_errors = {row[0]: row for row in old_meta.get("errors", [])}
    duplicates: list[list[str]] = []
    cut = len(TEXT_SUFFIX)
    stems = [n[:-cut] for n in names]
    if len(set(stems)) == len(names):
        rows = names
    else:  # "a.txt" and "a.TXT": one article id, the first name keeps it
        seen = {n[:-cut]: n for n in reversed(names)}
        rows = [n for n in names if seen[n[:-cut]] == n]
        duplicates = [[n, f"duplicate article id {n[:-cut]!r} (also {seen[n[:-cut]]}); "
                          "skipped"] for n in names if seen[n[:-cut]] != n]
    unreadable = [known_errors[n] for n in rows if n in known_errors]
    if unreadable:
        rows = [n for n in rows if n not in known_errors]
    if old_columns is not None and list(old_columns["name"]) == rows:
        return _FolderPlan(rows, duplicates, unreadable, old_columns)
    old_lists = old_columns.as_lists() if old_columns is not None else {}
    where = {n: i for i, n in enumerate(old_lists.get("name", []))}
    found = [where.get(n) for n in rows]
    if not any(i is not None for i in found):  # a first open: every row a stand-in, in C
        ids = [n[:-cut] for n in rows]
        count = len(rows)
        columns: dict[str, list[Any]] = {name: [None] * count for name in META_COLUMNS}
        columns.update(id=ids, title=list(ids), site=[None] * count, key=normalize_many(ids),
                       name=list(rows), size=[-1] * count, mtime_ns=[-1] * count,
                       sha256=[None] * count)
        return _FolderPlan(rows, duplicates, unreadable, columns)
    columns = new_columns("name", "size", "mtime_ns", "sha256")
    fresh_stems: list[str] = []
    for name, i in zip(rows, found, strict=True):
        if i is not None:
            for column in columns:
                columns[column].append(old_lists[column][i])
            continue
        stem = name[:-cut]
        for column in META_COLUMNS:
            columns[column].append(None)
        columns["id"][-1] = columns["title"][-1] = stem
        fresh_stems.append(stem)
        columns["site"].append(None)
        columns["key"].append(None)
        columns["name"].append(name)
        columns["size"].append(-1)  # never a real size: the build reads this page
        columns["mtime_ns"].append(-1)
        columns["sha256"].append(None)
    keys = iter(normalize_many(fresh_stems))
    columns["key"] = [k if k is not None else next(keys) for k in columns["key"]]
    return _FolderPlan(rows, duplicates, unreadable, columns)


def start_folder(folder: Path, index_path: Path) -> IndexBuild:
    """Rows for every page at once. With an index, its rows are shown as they are (not
    even the folder is listed yet); without one, every page is listed under its file name.
    The build then lists the folder, checks every page's size and mtime, and re-cleans
    only new and changed pages. If pages came or went, the rows are swapped for the new
    set when the build ends (no row-by-row reports: the shown rows are the old set)."""
    report = IndexReport(index_path)
    old, report.problem = read_index(index_path, "folder", folder)
    old_meta: dict[str, Any] = {"errors": [], "duplicates": []}
    old_columns: Columns | None = None
    if old is not None:
        old_columns, old_meta = old
        shown = _FolderPlan(list(old_columns["name"]), old_meta.get("duplicates", []),
                            old_meta.get("errors", []), old_columns)
        listed: list[str] | None = None
    else:
        listed = _list_pages(folder)
        if not listed:
            raise CorpusError("no .txt articles in this folder", folder)
        shown = _plan_folder(listed, None, old_meta)
    errors = _folder_errors(folder, {"errors": shown.unreadable,
                                     "duplicates": shown.duplicates})
    corpus = _folder_corpus(folder, shown.columns, errors, report)
    build = IndexBuild(corpus, report, phase="checking", kind="folder")

    def work(on_batch: Callable[[Batch], None] | None, cancel: threading.Event,
             executor: Workers) -> Corpus:
        names = listed if listed is not None else _list_pages(folder)
        if not names:
            raise CorpusError("no .txt articles in this folder", folder)
        plan = shown if listed is not None else _plan_folder(names, old_columns, old_meta)
        # Row-by-row reports only while the rows are the ones shown.
        report_rows = plan.columns is shown.columns
        rows, duplicates, unreadable, columns = (plan.rows, plan.duplicates, plan.unreadable,
                                                 plan.columns)
        removed = len(set(old_columns["name"]) - set(rows)) if old_columns is not None else 0
        removed += sum(1 for row in old_meta.get("errors", []) if row[0] not in set(names))
        sizes, mtimes = columns["size"], columns["mtime_ns"]
        stale: list[tuple[int | None, str, int, int]] = []  # (row or None, name, size, mtime)
        gone: set[int] = set()
        for row, name in enumerate(rows):
            try:
                st = os.stat(folder / name)
            except OSError:
                gone.add(row)
                continue
            if not stat.S_ISREG(st.st_mode):
                gone.add(row)
            elif sizes[row] != st.st_size or mtimes[row] != st.st_mtime_ns:
                stale.append((row, name, st.st_size, st.st_mtime_ns))
        error_rows: list[list[Any]] = []
        for name, size, mtime, reason in unreadable:
            try:
                st = os.stat(folder / name)
            except OSError:
                continue
            if (st.st_size, st.st_mtime_ns) == (size, mtime):
                error_rows.append([name, size, mtime, reason])
            elif stat.S_ISREG(st.st_mode):
                stale.append((None, name, st.st_size, st.st_mtime_ns))  # try it again
        build.total, build.phase = len(stale), "reading"
        report.reread = len(stale)
        report.removed = removed + len(gone)
        failed: set[int] = set()
        recovered: list[tuple[str, int, int, Any]] = []
        finished = 0
        paths = [str(folder / name) for _, name, _, _ in stale]
        # Pages are read in name order, except that rows someone asked for (those on
        # screen: ``IndexBuild.prioritize``) go first; a few chunks are in flight at once.
        order: deque[int] = deque(range(len(stale)))
        taken = bytearray(len(stale))
        where = {row: k for k, (row, *_) in enumerate(stale) if row is not None}

        def next_chunk() -> list[int]:
            chunk: list[int] = []
            for queue, lookup in ((build._wanted, where.get), (order, None)):
                while queue and len(chunk) < _CHUNK_PAGES:
                    item = queue.popleft()
                    k = lookup(item) if lookup is not None else item
                    if k is not None and not taken[k]:
                        taken[k] = 1
                        chunk.append(k)
            return chunk

        in_flight: deque[tuple[list[int], Any]] = deque()
        while True:
            while len(in_flight) < _IN_FLIGHT and (chunk := next_chunk()):
                in_flight.append((chunk, executor.submit(_index_pages,
                                                         [paths[k] for k in chunk])))
            if not in_flight:
                break
            chunk, pending = in_flight.popleft()  # a result is let go once merged
            try:
                results = pending.result(cancel)
            except Cancelled:
                report.cancelled = True
                break
            updated = []
            for (row, name, size, mtime), (kind, value) in zip([stale[k] for k in chunk],
                                                               results, strict=True):
                if kind == "error":
                    error_rows.append([name, size, mtime, value])
                    if row is not None:
                        failed.add(row)
                    continue
                if row is None:
                    recovered.append((name, size, mtime, value))
                    continue
                meta_row, site, sha, key = value
                for column, cell in zip(META_COLUMNS[1:], meta_row[1:], strict=True):
                    columns[column][row] = cell
                columns["site"][row], columns["sha256"][row] = site, sha
                columns["key"][row] = key
                sizes[row], mtimes[row] = size, mtime
                updated.append(row)
            finished += len(results)
            build._progress(on_batch, updated if report_rows else [], False, finished)
        # Rows not reached (cancelled) keep their old size and mtime (-1 for new pages), so
        # the next open reads them again; rows that vanished or failed leave the list.
        drop = failed | gone
        final = columns
        if drop or recovered:
            final = {name: [v for i, v in enumerate(columns[name]) if i not in drop]
                     for name in columns}
            for name, size, mtime, (meta_row, site, sha, key) in recovered:
                at = bisect.bisect(final["name"], name)
                cells = dict(zip(META_COLUMNS, meta_row, strict=True))
                cells.update(id=name[: -len(TEXT_SUFFIX)], site=site, key=key, name=name,
                             size=size, mtime_ns=mtime, sha256=sha)
                for column in final:
                    final[column].insert(at, cells[column])
        done_meta = {"errors": sorted(error_rows), "duplicates": duplicates}
        report.mode = _mode(old is not None, report)
        if report.mode != "fresh" or done_meta != {
                "errors": old_meta.get("errors", []),
                "duplicates": old_meta.get("duplicates", [])}:
            report.saved = write_index(index_path, "folder", folder, final, done_meta)
        errors[:] = _folder_errors(folder, done_meta)
        if final is shown.columns:
            return corpus
        return _folder_corpus(folder, final, errors, report)

    build._work = work
    build._parallel = len(shown.rows) >= _PARALLEL_PAGES
    return build


def _mode(had_index: bool, report: IndexReport) -> str:
    if not had_index:
        return "rebuilt" if report.problem else "built"
    return "updated" if report.reread or report.removed else "fresh"


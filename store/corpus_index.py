"""A lazy on-disk index of a corpus, so 100,000 articles open in well under two seconds.

Opening a corpus by reading every article costs seconds per thousand scraped pages (each is
cleaned) and a full JSON parse of every JSONL line. The list needs only ids, titles, dates,
sources and where each text lives, so that is what the index keeps, one file per corpus in
the store's cache folder (``<store>/.warraq-cache/``, ignored by git), together with each
title's search key (``store.arabic.normalize``) and the site name the list shows, so the
list's first search and first frame do no per-title work.

**Building without waiting.** ``start_index`` returns at once with an :class:`IndexBuild`:
a corpus usable now (what the old index still vouches for; for a folder every file, the
ones not yet read standing in under their file names) and the work left. ``run`` does that
work in chunks on worker processes (at low priority, so the app they serve keeps its
frames), merges each chunk in file order into the corpus, reports it to ``on_batch``, and
writes the index at the end; cancelled, it writes what it finished so the next open goes on
from there. ``open_corpus`` is both steps at once, for the command line.

This module is the public face; the parts are
``store.index_format`` (the file: location, columns, reading and writing),
``store.index_metas`` (``Corpus.articles`` backed by columns),
``store.index_workers`` (worker processes or the calling thread),
``store.index_build`` (``IndexBuild``, ``IndexReport``, ``Batch``),
``store.index_folder`` (folders of pages) and ``store.index_jsonl`` (JSONL files).
"""

from __future__ import annotations

from pathlib import Path

from store.corpus import JSONL_SUFFIX, Corpus
from store.errors import CorpusError
from store.index_build import Batch, IndexBuild, IndexReport, Progress
from store.index_folder import start_folder
from store.index_format import (
    CACHE_DIR,
    INDEX_FORMAT,
    INDEX_VERSION,
    Columns,
    cache_dir_for,
    ensure_cache_dir,
    index_file,
    read_index,
    write_index,
)
from store.index_jsonl import scan_jsonl_line, start_jsonl
from store.index_metas import IndexedMetas

__all__ = [
    "CACHE_DIR",
    "INDEX_FORMAT",
    "INDEX_VERSION",
    "Batch",
    "Columns",
    "IndexBuild",
    "IndexReport",
    "IndexedMetas",
    "Progress",
    "cache_dir_for",
    "ensure_cache_dir",
    "index_file",
    "open_corpus",
    "read_index",
    "scan_jsonl_line",
    "start_index",
    "write_index",
]


def start_index(path: str | Path, cache_dir: str | Path) -> IndexBuild:
    """Open a folder or ``.jsonl`` corpus through its index in ``cache_dir``: returns at
    once with what can be shown now; ``run()`` the build for the rest (nothing to do when
    the index was fresh). A single page opens directly."""
    source = Path(path).expanduser().absolute()
    if not source.exists():
        raise CorpusError("no such file or folder", source)
    target = index_file(Path(cache_dir), source)
    if source.is_dir():
        return start_folder(source, target)
    if source.is_file() and source.suffix.lower() == JSONL_SUFFIX:
        return start_jsonl(source, target)
    corpus = Corpus.open(source)
    return IndexBuild(corpus, IndexReport(None, mode="fresh"))


def open_corpus(path: str | Path, cache_dir: str | Path, *, progress: Progress | None = None,
                workers: int | None = None) -> Corpus:
    """Open through the index and finish any indexing before returning (the command line's
    way). ``progress(done, total)`` is called only while articles are being read, so a
    caller can show a bar just then. ``corpus.index`` is the :class:`IndexReport`."""
    build = start_index(path, cache_dir)
    if not build.pending:
        return build.corpus
    on_batch = None
    if progress is not None:
        def on_batch(batch: Batch) -> None:
            progress(batch.done, batch.total)
    corpus = build.run(on_batch, workers=workers)
    if progress is not None:
        progress(build.total, build.total)
    return corpus

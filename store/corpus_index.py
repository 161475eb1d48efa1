"""A lazy on-disk index of a corpus, so 100,000 articles open in well under two seconds.

Opening a corpus by reading every article costs seconds per thousand scraped pages (each is
cleaned) and a full JSON parse of every JSONL line. The list needs only ids, titles, dates,
sources and where each text lives, so that is what the index keeps, one file per corpus in
the store's cache folder (``<store>/.warraq-cache/``, ignored by git):

* a folder of ``.txt`` pages: per file its name, size and mtime (nanoseconds), the cleaned
  title and metadata and the cleaned text's SHA-256; a later open re-cleans only files whose
  size or mtime changed, drops deleted ones and adds new ones;
* a ``.jsonl`` file: per record its line number, byte offset and metadata. The file's size
  and mtime say whether anything changed; when the file only grew (its first 64 KiB and its
  last indexed line are unchanged), only the appended lines are read. Records are not parsed
  in full even on a first build: the ``text`` value is located and skipped, and only the
  small rest of the line goes through the JSON parser (``scan_jsonl_line``);
* both: each title's search key (``store.arabic.normalize``) and the site name the list
  shows, so the list's first search and first frame do no per-title work.

**File layout.** One JSON header line (format and cleaning versions, the corpus it
describes, a CRC-32 of the body, and where each column lies in the body), then the columns
back to back: strings joined by NUL (a JSON list instead when a value holds a NUL), integers
as raw 64-bit arrays. Loading is a read, a checksum and, per column *when first used*, one
``decode`` and one ``split``: parsing 1.1 million JSON strings cost 0.45 s, the columns the
list needs now cost a few tens of milliseconds. The index is a cache and never trusted
blindly: any mismatch (truncated write, edited file, older Warraq) means a rebuild, never a
wrong list.

**Building without waiting.** ``start_index`` returns at once with an :class:`IndexBuild`:
a corpus usable now (what the old index still vouches for; for a folder every file, the
ones not yet read standing in under their file names) and the work left. ``run`` does that
work in chunks on worker processes (at low priority, so the app they serve keeps its
frames), merges each chunk in file order into the corpus, reports it to ``on_batch``, and
writes the index at the end; cancelled, it writes what it finished so the next open goes on
from there. ``open_corpus`` is both steps at once, for the command line.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import threading
import time
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from store.arabic import normalize_many
from store.bulk import paused_gc
from store.corpus import (
    BOM,
    JSONL_SUFFIX,
    TEXT_SUFFIX,
    ArticleMeta,
    Corpus,
    _parse_record,
    read_page,
    record_meta,
    site_name,
)
from store.errors import CorpusError
from store.versions import CLEANING_VERSION

INDEX_FORMAT = "warraq-corpus-index"
INDEX_VERSION = 3  # 3: column blobs, site names, resumable builds
CACHE_DIR = ".warraq-cache"
_HEAD_BYTES = 65_536
# Metadata columns shared by both kinds of corpus.
_META_COLUMNS = ("id", "title", "date", "time", "date_raw", "url", "source", "author")
_DERIVED = ("site", "key")
_INT_COLUMNS = frozenset({"line", "offset", "size", "mtime_ns"})
# Columns of one kind of corpus only: where each article's text is.
_KIND_COLUMNS = {"jsonl": ("line", "offset"), "folder": ("name", "size", "mtime_ns", "sha256")}
_TEXT_KEY = re.compile(rb'"text"\s*:\s*"')
_BLANK_ESCAPES = re.compile(rb"(?:\\[nrt]|\s)+")
_SEP, _NONE = "\x00", "\x01"
# A page's name among NUL-joined names: not hidden, ending in .txt in any case.
_PAGE_NAME = re.compile(r"(?:^|\x00)([^.\x00][^\x00]*\.[tT][xX][tT])(?=\x00|\Z)")
# Work is cut into chunks so the list can grow while the rest is read: about this many
# bytes of JSONL, or this many pages, per chunk.
_CHUNK_BYTES = 4 * 1024 * 1024
_CHUNK_PAGES = 200
# Chunks handed to the workers ahead of the one being merged: enough to keep every worker
# busy, few enough that rows asked for on screen are read within about a chunk.
_IN_FLIGHT = 4
# Less work than this is done in the calling thread: starting worker processes costs more.
_PARALLEL_BYTES = 24 * 1024 * 1024
_PARALLEL_PAGES = 400

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


def cache_dir_for(store_root: str | Path) -> Path:
    return Path(store_root) / CACHE_DIR


def ensure_cache_dir(folder: Path) -> None:
    """Make a cache folder, with a ``.gitignore`` so a store kept in git leaves it out."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Warraq caches: rebuilt when missing\n*\n", encoding="utf-8")


def index_file(cache_dir: Path, corpus_path: Path) -> Path:
    """One index per corpus location (absolute path), named so a person can tell them apart."""
    where = str(corpus_path.expanduser().resolve())
    digest = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    stem = re.sub(r"[^\w.-]+", "_", corpus_path.name)[:40] or "corpus"
    return cache_dir / f"corpus-{stem}-{digest}.json"


# ====================================================================== columns
def _encode_column(name: str, values: Sequence[Any]) -> tuple[dict[str, Any], bytes]:
    if name in _INT_COLUMNS:
        return {"enc": "q"}, array("q", values).tobytes()
    count = len(values)
    if count:
        has_none = any(v is None for v in values)
        mapped = [_NONE if v is None else v for v in values] if has_none else values
        try:
            joined = _SEP.join(mapped)
        except TypeError:  # not all strings
            joined = None
        # NUL-joined only when no value holds a NUL or is the None marker itself.
        if (joined is not None and joined.count(_SEP) == count - 1
                and list(values).count(_NONE) == 0):
            return {"enc": "sep", "none": has_none}, joined.encode("utf-8", "surrogatepass")
    return {"enc": "json"}, json.dumps(list(values), ensure_ascii=False).encode(
        "utf-8", "surrogatepass")


def _decode_column(spec: Mapping[str, Any], blob: bytes) -> Any:
    enc = spec["enc"]
    if enc == "q":
        column = array("q")
        column.frombytes(blob)
        return column
    text = blob.decode("utf-8", "surrogatepass")
    if enc == "json":
        return json.loads(text)
    values = text.split(_SEP) if spec["count"] else []
    if spec.get("none"):
        values = [None if v == _NONE else v for v in values]
    return values


class Columns(MutableMapping[str, Any]):
    """An index's columns, each decoded from the file when first asked for: opening 100,000
    articles decodes the four the list shows and leaves URLs, authors or raw dates alone."""

    def __init__(self, blob: bytes | memoryview = b"", specs: Mapping[str, Any] | None = None
                 ) -> None:
        self._blob = blob
        self._specs = dict(specs or {})
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Any:
        try:
            return self._loaded[name]
        except KeyError:
            pass
        spec = self._specs[name]  # KeyError for an unknown column, as a dict would
        with self._lock:
            if name not in self._loaded:
                blob = bytes(self._blob[spec["start"]: spec["start"] + spec["length"]])
                self._loaded[name] = _decode_column(spec, blob)
            return self._loaded[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._loaded[name] = value

    def __delitem__(self, name: str) -> None:
        self._loaded.pop(name, None)
        self._specs.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._specs

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self._specs if name not in self._loaded)

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._specs))

    def as_lists(self) -> dict[str, list[Any]]:
        """Every column decoded into a list (to append to or edit)."""
        return {name: list(self[name]) for name in self}


# ====================================================================== index file I/O
def read_index(path: Path, kind: str, source: Path
               ) -> tuple[tuple[Columns, dict[str, Any]] | None, str | None]:
    """((columns, meta), None) for a sound index of this corpus; (None, reason) otherwise.

    ``meta`` holds the JSONL file's size, mtime and tail hashes, the error list and counts.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read index ({exc.strerror or exc})"
    head_end = raw.find(b"\n")
    try:
        head = json.loads(raw[:head_end]) if head_end > 0 else None
    except (ValueError, UnicodeDecodeError):
        head = None
    if not isinstance(head, dict) or head.get("format") != INDEX_FORMAT:
        return None, "index file is damaged (no header)"
    expect = {"version": INDEX_VERSION, "cleaning_version": CLEANING_VERSION, "kind": kind,
              "source": str(source), "byteorder": sys.byteorder}
    for key, value in expect.items():
        if head.get(key) != value:
            return None, f"index was made for another {key} ({head.get(key)!r})"
    body = memoryview(raw)[head_end + 1:]
    if len(body) != head.get("length") or zlib.crc32(body) != head.get("crc32"):
        return None, "index file is damaged (checksum mismatch)"
    specs, meta, count = head.get("columns"), head.get("meta"), head.get("count")
    if not (isinstance(specs, dict) and isinstance(meta, dict) and isinstance(count, int)
            and all(isinstance(s, dict) and s.get("count") == count for s in specs.values())
            and all(name in specs for name in (*_META_COLUMNS, *_DERIVED, *_KIND_COLUMNS[kind]))
            and isinstance(meta.get("errors", []), list)):
        return None, "index file is damaged (inconsistent columns)"
    return (Columns(body, specs), meta), None


def write_index(path: Path, kind: str, source: Path, columns: Mapping[str, Sequence[Any]],
                meta: dict[str, Any]) -> bool:
    """Write atomically (temp file + rename); a cache, so no fsync. False if not writable.

    Each column is encoded and written to a scratch file at once, so at most one column's
    bytes are in memory (an app that just indexed 100,000 articles stays under its memory
    target); the header, which needs every column's place and the checksum, goes first in
    the final file, followed by a copy of the scratch file."""
    specs: dict[str, Any] = {}
    start = crc = 0
    count = len(columns["id"])
    tag = f"{os.getpid()}.{threading.get_ident()}"
    tmp = path.with_name(f".{path.name}.{tag}.tmp")
    body = path.with_name(f".{path.name}.{tag}.body")
    try:
        ensure_cache_dir(path.parent)
        with body.open("w+b") as scratch:
            for name in columns:
                values = columns[name]
                spec, blob = _encode_column(name, values)
                spec.update(start=start, length=len(blob), count=len(values))
                specs[name] = spec
                scratch.write(blob)
                start += len(blob)
                crc = zlib.crc32(blob, crc)
                del blob
            head = {"format": INDEX_FORMAT, "version": INDEX_VERSION,
                    "cleaning_version": CLEANING_VERSION, "kind": kind, "source": str(source),
                    "byteorder": sys.byteorder, "count": count, "length": start,
                    "crc32": crc, "columns": specs, "meta": meta}
            scratch.seek(0)
            with tmp.open("wb") as handle:
                handle.write(json.dumps(head, ensure_ascii=True).encode("ascii") + b"\n")
                shutil.copyfileobj(scratch, handle, 1 << 20)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    finally:
        with contextlib.suppress(OSError):
            body.unlink()
    return True


class IndexedMetas(Sequence[ArticleMeta]):
    """``Corpus.articles`` backed by index columns: an ``ArticleMeta`` is made when asked
    for, so opening 100,000 articles builds none (the list reads ``columns`` directly).

    While a build is still appending, only the first ``count()`` rows are complete and
    only they are shown.
    """

    def __init__(self, columns: MutableMapping[str, Any], path_of: Callable[[int], str],
                 jsonl: bool = False, extra_of: Callable[[int], dict[str, Any]] | None = None,
                 count: Callable[[], int] | None = None) -> None:
        self.columns = columns
        self._path_of, self._jsonl, self._extra_of = path_of, jsonl, extra_of
        self._count = count

    @property
    def ids(self) -> Sequence[str]:
        return self.columns["id"]

    def __len__(self) -> int:
        return self._count() if self._count is not None else len(self.columns["id"])

    @overload
    def __getitem__(self, i: int) -> ArticleMeta: ...
    @overload
    def __getitem__(self, i: slice) -> list[ArticleMeta]: ...
    def __getitem__(self, i: int | slice) -> ArticleMeta | list[ArticleMeta]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        c = self.columns
        return ArticleMeta(
            c["id"][i], c["title"][i], c["date"][i], c["time"][i], c["date_raw"][i],
            c["url"][i], c["source"][i], c["author"][i], self._path_of(i),
            c["line"][i] if self._jsonl else None,
            c["offset"][i] if self._jsonl else None,
            self._extra_of(i) if self._extra_of else {},
        )

    def __iter__(self) -> Iterator[ArticleMeta]:
        for i in range(len(self)):
            yield self[i]


def _new_columns(*more: str) -> dict[str, list[Any]]:
    return {name: [] for name in (*_META_COLUMNS, *_DERIVED, *more)}


# ====================================================================== workers
def _worker_start(parent: int) -> None:
    """Worker processes yield the CPU to the app they index for (its frames come first),
    and end when it does, even if it was killed and could not stop them."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="warraq-parent-watch", daemon=True).start()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Cancelled(Exception):
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
                    raise _Cancelled from None


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
            raise _Cancelled
        return self._fn(*self._args)


_Workers = _ProcessWorkers | _InlineWorkers


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
        context.set_forkserver_preload(["store.corpus_index"])
    else:
        context = multiprocessing.get_context("spawn")
    return _ProcessWorkers(workers, context)


# ====================================================================== the build
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
    """An open corpus and the indexing work it still needs (see the module docstring)."""

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

    _executor: _Workers | None = field(default=None, repr=False)
    _wanted: deque[int] = field(default_factory=deque, repr=False)
    _parallel: bool = field(default=False, repr=False)

    def start_workers(self, workers: int | None = None) -> None:
        """Start the worker processes now, if the work is big enough to want them. Call it
        while the process has one thread (before the app starts) so they can be forked."""
        if self._work is not None and self._executor is None:
            count = _cpus() if workers is None else workers
            self._executor = _pool(count) if count > 1 and self._parallel else _InlineWorkers()

    def run(self, on_batch: Callable[[Batch], None] | None = None,
            cancel: threading.Event | None = None, workers: int | None = None) -> Corpus:
        """Do the work, write the index, and return the finished corpus (``self.corpus``
        when nothing had to be dropped). Batches are reported from the calling thread."""
        if self._work is None:
            return self.corpus
        work, self._work = self._work, None
        if self._executor is None:
            count = _cpus() if workers is None else workers
            self._executor = _pool(count) if count > 1 and self._parallel else _InlineWorkers()
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


# ====================================================================== folders of pages
def _index_page(path: str) -> tuple[str, Any]:
    """Clean one page: ("ok", (metadata row, sha256)) or ("error", reason)."""
    try:
        article = read_page(Path(path))
    except CorpusError as exc:
        return "error", exc.reason
    meta = article.meta
    row = [getattr(meta, name) for name in _META_COLUMNS]
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
        columns: dict[str, list[Any]] = {name: [None] * count for name in _META_COLUMNS}
        columns.update(id=ids, title=list(ids), site=[None] * count, key=normalize_many(ids),
                       name=list(rows), size=[-1] * count, mtime_ns=[-1] * count,
                       sha256=[None] * count)
        return _FolderPlan(rows, duplicates, unreadable, columns)
    columns = _new_columns("name", "size", "mtime_ns", "sha256")
    fresh_stems: list[str] = []
    for name, i in zip(rows, found, strict=True):
        if i is not None:
            for column in columns:
                columns[column].append(old_lists[column][i])
            continue
        stem = name[:-cut]
        for column in _META_COLUMNS:
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


def _start_folder(folder: Path, index_path: Path) -> IndexBuild:
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
             executor: _Workers) -> Corpus:
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
            except _Cancelled:
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
                for column, cell in zip(_META_COLUMNS[1:], meta_row[1:], strict=True):
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
                cells = dict(zip(_META_COLUMNS, meta_row, strict=True))
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


# ====================================================================== JSONL
def _text_value(raw: bytes) -> tuple[int, int] | None:
    """Byte range of the top-level ``"text"`` string's contents, found without parsing."""
    pos = 0
    while True:
        match = _TEXT_KEY.search(raw, pos)
        if match is None:
            return None
        slashes, k = 0, match.start() - 1
        while k >= 0 and raw[k] == 0x5C:
            slashes, k = slashes + 1, k - 1
        if slashes % 2 == 0:
            break
        pos = match.start() + 1
    start = end = match.end()
    while True:
        end = raw.find(b'"', end)
        if end < 0:
            return None
        slashes, k = 0, end - 1
        while raw[k] == 0x5C and k >= start:
            slashes, k = slashes + 1, k - 1
        if slashes % 2 == 0:
            return start, end
        end += 1


def scan_jsonl_line(raw: bytes, path: Path, line: int, offset: int) -> ArticleMeta:
    """An article's metadata from one JSONL line, without parsing or normalizing its text.

    The ``text`` string is cut out and only the rest of the record is parsed; it is checked
    not to be blank, while bad escapes or invalid UTF-8 inside it are reported when the
    article is opened (``Corpus.load``), not here. Anything unusual (no ``text`` string
    found, no id or title so they must come from the text, a nested ``text`` key) takes the
    full parse of ``store.corpus``, which also gives the exact error for a bad record.
    """
    span = _text_value(raw)
    if span is not None:
        start, end = span
        body = raw[start:end]
        try:
            record = json.loads(raw[:start] + raw[end:])
        except ValueError:
            record = None
        if (isinstance(record, dict) and record.get("text") == ""
                and _BLANK_ESCAPES.fullmatch(body) is None and body):
            meta = record_meta(record, path, line, offset, None)
            if meta is not None:
                return meta
    return _parse_record(raw, path, line, offset)[0]


def _hash_head(file: Path, size: int) -> str:
    with file.open("rb") as handle:
        return hashlib.sha256(handle.read(min(size, _HEAD_BYTES))).hexdigest()


def _read_slice(file: Path, start: int, end: int) -> bytes:
    with file.open("rb") as handle:
        handle.seek(start)
        return handle.read(max(0, end - start))


def _scan_range(path: str, start: int, stop: int | None) -> dict[str, Any]:
    """Index the lines starting in ``[start, stop)`` (in a worker). Line numbers count from
    1 at ``start``; the caller, which merges chunks in order, shifts them and settles
    duplicate ids."""
    file = Path(path)
    rows = _new_columns("line", "offset")
    errors: list[list[Any]] = []
    records = number = 0
    last_start, complete, offset = None, True, start
    bom = BOM.encode()
    with paused_gc(), file.open("rb") as handle:
        handle.seek(start)
        for raw in handle:
            if stop is not None and offset >= stop:
                break
            number += 1
            line_start, offset = offset, offset + len(raw)
            last_start, complete = line_start, raw.endswith(b"\n")
            stripped = raw.strip()
            if not stripped or (line_start == 0 and stripped == bom):
                continue
            records += 1
            try:
                meta = scan_jsonl_line(raw, file, number, line_start)
            except CorpusError as exc:
                errors.append([number, exc.reason])
                continue
            for name in _META_COLUMNS:
                rows[name].append(getattr(meta, name))
            rows["site"].append(site_name(meta.url, meta.source))
            rows["line"].append(number)
            rows["offset"].append(line_start)
    rows["key"] = normalize_many(rows["title"])
    return {"columns": rows, "errors": errors, "records": records, "number": number,
            "end": offset, "last_start": last_start, "complete": complete}


def _chunk_bounds(file: Path, start: int, size: int) -> list[tuple[int, int | None]]:
    """Line-aligned ``[start, stop)`` ranges of about ``_CHUNK_BYTES`` each."""
    bounds: list[tuple[int, int | None]] = []
    with file.open("rb") as handle:
        while start < size:
            if size - start <= _CHUNK_BYTES * 3 // 2:
                bounds.append((start, None))
                break
            handle.seek(start + _CHUNK_BYTES)
            handle.readline()
            stop = handle.tell()
            if stop >= size:
                bounds.append((start, None))
                break
            bounds.append((start, stop))
            start = stop
    return bounds or [(start, None)]


def _jsonl_corpus(file: Path, columns: MutableMapping[str, Any], errors: list[CorpusError],
                  report: IndexReport, count: Callable[[], int] | None = None) -> Corpus:
    path_str = str(file)
    metas = IndexedMetas(columns, lambda i: path_str, jsonl=True, count=count)
    return Corpus(file, metas, errors, index=report)  # type: ignore[arg-type]


def _start_jsonl(file: Path, index_path: Path) -> IndexBuild:
    report = IndexReport(index_path)
    try:
        st = file.stat()
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
    old, report.problem = read_index(index_path, "jsonl", file)
    meta: dict[str, Any] = {"errors": [], "records": 0, "end": 0, "lines": 0}
    columns: MutableMapping[str, Any] = _new_columns("line", "offset")
    if old is not None:
        old_columns, old_meta = old
        if old_meta.get("size") == st.st_size and old_meta.get("mtime_ns") == st.st_mtime_ns:
            report.mode, report.reused = "fresh", len(old_columns["id"])
            errors = [CorpusError(reason, file, line) for line, reason in old_meta["errors"]]
            return IndexBuild(_jsonl_corpus(file, old_columns, errors, report), report)
        if st.st_size > old_meta.get("end", 0) and _appended(file, old_meta):
            report.mode = "appended"
            meta, columns = old_meta, old_columns.as_lists()
        else:
            report.mode = "updated"
    else:
        report.mode = "rebuilt" if report.problem else "built"
    report.reused = len(columns["id"])
    errors = [CorpusError(reason, file, line) for line, reason in meta["errors"]]
    published = [report.reused]
    corpus = _jsonl_corpus(file, columns, errors, report, count=lambda: published[0])
    start = meta["end"]
    # Progress over the whole file: a build that goes on from a cancelled one starts there.
    build = IndexBuild(corpus, report, total=st.st_size, done=start)

    def work(on_batch: Callable[[Batch], None] | None, cancel: threading.Event,
             executor: _Workers) -> Corpus:
        first_line: dict[str, int] = dict(zip(columns["id"], columns["line"], strict=True))
        try:
            chunks = deque(executor.submit(_scan_range, str(file), a, b)
                           for a, b in _chunk_bounds(file, start, st.st_size))
            while chunks:
                pending = chunks.popleft()  # a chunk's result is let go once merged
                try:
                    part = pending.result(cancel)
                except _Cancelled:
                    report.cancelled = True
                    break
                before = published[0]
                _merge_chunk(columns, meta, part, first_line, errors, file)
                published[0] = len(columns["id"])
                build._progress(on_batch, range(before, published[0]), True, meta["end"])
        except OSError as exc:
            raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
        report.reread = published[0] - report.reused
        if meta["records"] == 0 and not report.cancelled:
            raise CorpusError("empty JSONL file, no records", file)
        meta["errors"].sort(key=lambda e: e[0])
        errors[:] = [CorpusError(reason, file, line) for line, reason in meta["errors"]]
        tail = _read_slice(file, meta.get("tail_offset", 0), meta["end"])
        # An unfinished last line (a writer still appending) is indexed, but the next open
        # must not take it as the append point: no tail hash means "re-read everything".
        meta["tail"] = hashlib.sha256(tail).hexdigest() if meta.get("complete", True) else None
        finished = meta["end"] >= st.st_size
        meta.update(size=st.st_size if finished else meta["end"],
                    mtime_ns=st.st_mtime_ns if finished else None,
                    head=_hash_head(file, meta["end"]))
        report.saved = write_index(index_path, "jsonl", file, columns, meta)
        return corpus

    build._work = work
    build._parallel = st.st_size - start >= _PARALLEL_BYTES
    return build


def _merge_chunk(columns: MutableMapping[str, Any], meta: dict[str, Any], part: dict[str, Any],
                 first_line: dict[str, int], errors: list[CorpusError], file: Path) -> None:
    """Append one chunk's rows (in file order), numbering its lines after those before it."""
    shift = meta["lines"]
    rows = part["columns"]
    lines = rows["line"]
    for number, reason in part["errors"]:
        meta["errors"].append([number + shift, reason])
        errors.append(CorpusError(reason, file, number + shift))
    keep: list[int] = []
    for i, article_id in enumerate(rows["id"]):
        number = lines[i] + shift
        if article_id in first_line:
            reason = (f"duplicate id {article_id!r} (first at line {first_line[article_id]}); "
                      "skipped")
            meta["errors"].append([number, reason])
            errors.append(CorpusError(reason, file, number))
            continue
        first_line[article_id] = number
        keep.append(i)
    rows["line"] = [n + shift for n in lines]
    # Every column but "id" first: a reader sees a row once its id is there.
    for name in sorted(rows, key=lambda n: n == "id"):
        values = rows[name]
        columns[name].extend(values if len(keep) == len(values) else
                             [values[i] for i in keep])
    meta["records"] += part["records"]
    meta["lines"] = shift + part["number"]
    if part["last_start"] is not None:
        meta["tail_offset"] = part["last_start"]
    meta["end"], meta["complete"] = part["end"], part["complete"]


def _appended(file: Path, old: dict[str, Any]) -> bool:
    """The file only grew past what was indexed: same first bytes (up to 64 KiB of the
    indexed part), same last indexed line."""
    try:
        if _hash_head(file, old["end"]) != old["head"]:
            return False
        if not old.get("tail"):
            return False
        tail = _read_slice(file, old.get("tail_offset", 0), old["end"])
        return hashlib.sha256(tail).hexdigest() == old["tail"]
    except (OSError, KeyError, TypeError):
        return False


# ====================================================================== entry points
def start_index(path: str | Path, cache_dir: str | Path) -> IndexBuild:
    """Open a folder or ``.jsonl`` corpus through its index in ``cache_dir``: returns at
    once with what can be shown now; ``run()`` the build for the rest (nothing to do when
    the index was fresh). A single page opens directly."""
    source = Path(path).expanduser().absolute()
    if not source.exists():
        raise CorpusError("no such file or folder", source)
    target = index_file(Path(cache_dir), source)
    if source.is_dir():
        return _start_folder(source, target)
    if source.is_file() and source.suffix.lower() == JSONL_SUFFIX:
        return _start_jsonl(source, target)
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

"""A lazy on-disk index of a corpus, so 100,000 articles open in well under two seconds.

Opening a corpus by reading every article costs seconds per thousand scraped pages (each is
cleaned) and a full JSON parse of every JSONL line. The list needs only ids, titles, dates,
sources and where each text lives, so that is what the index keeps, one file per corpus in
the store's cache folder (``<store>/.warraq-cache/``, ignored by git):

* a folder of ``.txt`` pages: per file its name, size and mtime (nanoseconds), the cleaned
  title and metadata and the cleaned text's SHA-256; a later open re-cleans only files whose
  size or mtime changed, drops deleted ones and adds new ones. Cleaning runs on every core
  when many pages need it.
* both: each title's search key (``store.arabic.normalize``), so the list's first search
  does not normalize 100,000 titles while the user waits;
* a ``.jsonl`` file: per record its line number, byte offset and metadata. The file's size
  and mtime say whether anything changed; when the file only grew (its first 64 KiB and its
  last indexed line are unchanged), only the appended lines are read. Records are not parsed
  in full even on a first build: the ``text`` value is located and skipped, and only the
  small rest of the line goes through the JSON parser (``scan_jsonl_line``).

The index is a cache and never trusted blindly: a header line carries the format version,
the cleaning version and a SHA-256 of the body, and any mismatch (truncated write, edited
file, older Warraq) means a rebuild, never a wrong list.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from store.arabic import normalize
from store.bulk import paused_gc
from store.cleaning import CLEANING_VERSION
from store.corpus import (
    BOM,
    JSONL_SUFFIX,
    TEXT_SUFFIX,
    ArticleMeta,
    Corpus,
    _parse_record,
    read_page,
    record_meta,
)
from store.errors import CorpusError

INDEX_FORMAT = "warraq-corpus-index"
INDEX_VERSION = 2  # 2: normalized title keys for search
CACHE_DIR = ".warraq-cache"
# Fewer pages than this are cleaned in-process: a worker pool costs more than it saves.
_PARALLEL_MIN = 400
_HEAD_BYTES = 65_536
# JSONL files larger than this are indexed by two processes on a first build.
_PARALLEL_BYTES = 32 * 1024 * 1024
# Metadata columns shared by both kinds of corpus (one JSON list each in the index body).
_META_COLUMNS = ("id", "title", "date", "time", "date_raw", "url", "source", "author")
_TEXT_KEY = re.compile(rb'"text"\s*:\s*"')
_BLANK_ESCAPES = re.compile(rb"(?:\\[nrt]|\s)+")

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


@dataclass
class _Entries:
    """Column store of indexed articles; far smaller than 100,000 dicts, and fast to load."""

    columns: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _META_COLUMNS:
            self.columns.setdefault(name, [])

    def append(self, meta: ArticleMeta, **more: Any) -> None:
        for name in _META_COLUMNS:
            self.columns[name].append(getattr(meta, name))
        self.columns.setdefault("key", []).append(normalize(meta.title))
        for name, value in more.items():
            self.columns.setdefault(name, []).append(value)

    def __len__(self) -> int:
        return len(self.columns["id"])


def cache_dir_for(store_root: str | Path) -> Path:
    return Path(store_root) / CACHE_DIR


def index_file(cache_dir: Path, corpus_path: Path) -> Path:
    """One index per corpus location (absolute path), named so a person can tell them apart."""
    where = str(corpus_path.expanduser().resolve())
    digest = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    stem = re.sub(r"[^\w.-]+", "_", corpus_path.name)[:40] or "corpus"
    return cache_dir / f"corpus-{stem}-{digest}.json"


# ====================================================================== index file I/O
def read_index(path: Path, kind: str, source: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(body, None) for a sound index of this corpus; (None, reason) otherwise."""
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
    body_bytes = raw[head_end + 1:]
    expect = {"version": INDEX_VERSION, "cleaning_version": CLEANING_VERSION, "kind": kind,
              "source": str(source)}
    for key, value in expect.items():
        if head.get(key) != value:
            return None, f"index was made for another {key} ({head.get(key)!r})"
    if hashlib.sha256(body_bytes).hexdigest() != head.get("sha256"):
        return None, "index file is damaged (checksum mismatch)"
    try:
        with paused_gc():  # 100,000 records of small strings: see store/bulk.py
            body = json.loads(body_bytes)
    except (ValueError, UnicodeDecodeError):
        return None, "index file is damaged (body does not parse)"
    if not _sound_body(body):
        return None, "index file is damaged (inconsistent columns)"
    return body, None


def _sound_body(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("columns"), dict):
        return False
    columns = body["columns"]
    lengths = {len(v) for v in columns.values() if isinstance(v, list)}
    if len(lengths) > 1 or len([v for v in columns.values() if isinstance(v, list)]) != len(
            columns):
        return False
    return all(name in columns for name in (*_META_COLUMNS, "key")) and isinstance(
        body.get("errors", []), list)


def write_index(path: Path, kind: str, source: Path, body: dict[str, Any]) -> bool:
    """Write atomically (temp file + rename); a cache, so no fsync. False if not writable."""
    body_bytes = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = {"format": INDEX_FORMAT, "version": INDEX_VERSION,
            "cleaning_version": CLEANING_VERSION, "kind": kind, "source": str(source),
            "count": len(body["columns"]["id"]), "sha256": hashlib.sha256(body_bytes).hexdigest()}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Warraq caches: rebuilt when missing\n*\n", encoding="utf-8")
        with tmp.open("wb") as handle:
            handle.write(json.dumps(head).encode("ascii") + b"\n" + body_bytes)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


class IndexedMetas(Sequence[ArticleMeta]):
    """``Corpus.articles`` backed by index columns: an ``ArticleMeta`` is made when asked
    for, so opening 100,000 articles builds none (the list reads ``columns`` directly)."""

    def __init__(self, columns: dict[str, list[Any]], path_of: Callable[[int], str],
                 lines: list[int] | None = None, offsets: list[int] | None = None,
                 extra_of: Callable[[int], dict[str, Any]] | None = None) -> None:
        self.columns = columns
        self.ids: list[str] = columns["id"]
        self._path_of, self._lines, self._offsets = path_of, lines, offsets
        self._extra_of = extra_of

    def __len__(self) -> int:
        return len(self.ids)

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
            self._lines[i] if self._lines else None,
            self._offsets[i] if self._offsets else None,
            self._extra_of(i) if self._extra_of else {},
        )

    def __iter__(self) -> Iterator[ArticleMeta]:
        for i in range(len(self)):
            yield self[i]


# ====================================================================== folders of pages
def _index_page(path: str) -> tuple[str, Any]:
    """Clean one page (in a worker process): ("ok", fields) or ("error", reason)."""
    try:
        article = read_page(Path(path))
    except CorpusError as exc:
        return "error", exc.reason
    meta = article.meta
    return "ok", ([getattr(meta, name) for name in _META_COLUMNS], article.sha256)


def _clean_pages(paths: list[str], progress: Progress | None, workers: int | None
                 ) -> list[tuple[str, Any]]:
    total = len(paths)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    results: list[tuple[str, Any]] = []
    if workers > 1 and total >= _PARALLEL_MIN:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_index_page, paths, chunksize=64):
                results.append(result)
                if progress and len(results) % 256 == 0:
                    progress(len(results), total)
    else:
        for path in paths:
            results.append(_index_page(path))
            if progress and len(results) % 64 == 0:
                progress(len(results), total)
    if progress:
        progress(total, total)
    return results


def _list_pages(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            files = [e for e in entries
                     if e.name.lower().endswith(TEXT_SUFFIX) and not e.name.startswith(".")
                     and e.is_file()]
    except OSError as exc:
        raise CorpusError(f"cannot list folder ({exc.strerror or exc})", folder) from None
    files.sort(key=lambda e: e.name)
    return files


def _open_folder(folder: Path, index_path: Path, progress: Progress | None,
                 workers: int | None) -> Corpus:
    started = time.perf_counter()
    report = IndexReport(index_path)
    files = _list_pages(folder)
    if not files:
        raise CorpusError("no .txt articles in this folder", folder)
    old, report.problem = read_index(index_path, "folder", folder)
    known: dict[str, tuple[int, int, list[Any], str | None, str | None]] = {}
    if old is not None:
        cols = old["columns"]
        for i, name in enumerate(cols["name"]):
            known[name] = (cols["size"][i], cols["mtime_ns"][i],
                           [cols[c][i] for c in _META_COLUMNS], cols["sha256"][i], None)
        for name, size, mtime, reason in old.get("errors", []):
            known[name] = (size, mtime, [], None, reason)
    stats: list[tuple[str, int, int]] = []
    stale: list[str] = []
    for entry in files:
        try:
            st = entry.stat()
        except OSError:
            continue
        stats.append((entry.name, st.st_size, st.st_mtime_ns))
        hit = known.get(entry.name)
        if hit is None or hit[0] != st.st_size or hit[1] != st.st_mtime_ns:
            stale.append(entry.name)
    fresh = dict(zip(stale, _clean_pages([str(folder / n) for n in stale], progress, workers),
                     strict=True)) if stale else {}
    entries = _Entries({"name": [], "size": [], "mtime_ns": [], "sha256": []})
    errors: list[list[Any]] = []
    corpus_errors: list[CorpusError] = []
    seen: dict[str, str] = {}
    for name, size, mtime in stats:
        if name in fresh:
            kind, value = fresh[name]
            row, sha, reason = (value[0], value[1], None) if kind == "ok" else ([], None, value)
        else:
            _, _, row, sha, reason = known[name]
        if reason is not None:
            errors.append([name, size, mtime, reason])
            corpus_errors.append(CorpusError(reason, folder / name))
            continue
        stem = name[: -len(TEXT_SUFFIX)]
        if stem in seen:
            corpus_errors.append(CorpusError(
                f"duplicate article id {stem!r} (also {seen[stem]}); skipped", folder / name))
            continue
        seen[stem] = name
        for column, value in zip(_META_COLUMNS, row, strict=True):
            entries.columns[column].append(value)
        entries.columns["id"][-1] = stem
        entries.columns.setdefault("key", []).append(normalize(row[1]))
        for column, value in (("name", name), ("size", size), ("mtime_ns", mtime),
                              ("sha256", sha)):
            entries.columns[column].append(value)
    report.reread = len(stale)
    report.reused = len(stats) - len(stale)
    report.removed = len(set(known) - {s[0] for s in stats})
    body = {"columns": entries.columns, "errors": errors}
    report.mode = _mode(old, report)
    if report.mode != "fresh":
        report.saved = write_index(index_path, "folder", folder, body)
    names, shas = entries.columns["name"], entries.columns["sha256"]
    metas = IndexedMetas(entries.columns, lambda i: str(folder / names[i]),
                         extra_of=lambda i: {"sha256": shas[i]})
    report.seconds = time.perf_counter() - started
    return Corpus(folder, metas, corpus_errors, index=report)


def _mode(old: dict[str, Any] | None, report: IndexReport) -> str:
    if old is None:
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
    full parse of
    ``store.corpus``, which also gives the exact error for a bad record.
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


def _open_jsonl(file: Path, index_path: Path, progress: Progress | None) -> Corpus:
    started = time.perf_counter()
    report = IndexReport(index_path)
    try:
        st = file.stat()
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
    old, report.problem = read_index(index_path, "jsonl", file)
    body: dict[str, Any] | None = None
    if old is not None:
        if old["size"] == st.st_size and old["mtime_ns"] == st.st_mtime_ns:
            body, report.mode = old, "fresh"
        elif st.st_size > old["size"] and _appended(file, old, st.st_size):
            body, report.mode = old, "appended"
        else:
            report.mode = "updated"
    else:
        report.mode = "rebuilt" if report.problem else "built"
    if body is None:
        body = {"columns": _Entries({"line": [], "offset": []}).columns, "errors": [],
                "records": 0, "end": 0, "lines": 0}
    if report.mode != "fresh":
        report.reused = len(body["columns"]["id"])
        _scan_jsonl(file, body, st.st_size, progress)
        body.update(size=st.st_size, mtime_ns=st.st_mtime_ns,
                    head=_hash_head(file, st.st_size))
        report.reread = len(body["columns"]["id"]) - report.reused
        if body["records"] == 0:
            raise CorpusError("empty JSONL file, no records", file)
        report.saved = write_index(index_path, "jsonl", file, body)
    cols = body["columns"]
    lines, offsets = cols["line"], cols["offset"]
    path_str = str(file)
    metas = IndexedMetas(cols, lambda i: path_str, lines, offsets)
    errors = [CorpusError(reason, file, line) for line, reason in body["errors"]]
    report.seconds = time.perf_counter() - started
    return Corpus(file, metas, errors, index=report)


def _appended(file: Path, old: dict[str, Any], size: int) -> bool:
    """The file only grew: same first 64 KiB, same last indexed line, a newline before."""
    try:
        if _hash_head(file, old["size"]) != old["head"]:
            return False
        if not old.get("tail"):
            return False
        tail = _read_slice(file, old.get("tail_offset", 0), old["end"])
        return hashlib.sha256(tail).hexdigest() == old["tail"]
    except (OSError, KeyError, TypeError):
        return False


def _scan_range(path: str, start: int, stop: int | None, number: int) -> dict[str, Any]:
    """Index the lines starting in ``[start, stop)`` (line numbers after ``number``).

    Runs in a worker process for half of a large file; duplicates are settled by the caller,
    which sees every half in order.
    """
    file = Path(path)
    rows = _Entries({"line": [], "offset": []})
    errors: list[list[Any]] = []
    records = 0
    last_start, complete, offset = None, True, start
    bom = BOM.encode()
    with file.open("rb") as handle:
        handle.seek(start)
        for raw in handle:
            if stop is not None and offset >= stop:
                break
            number += 1
            line_start, offset = offset, offset + len(raw)
            last_start, complete = line_start, raw.endswith(b"\n")
            stripped = raw.strip()
            if not stripped or (number == 1 and stripped == bom):
                continue
            records += 1
            try:
                meta = scan_jsonl_line(raw, file, number, line_start)
            except CorpusError as exc:
                errors.append([number, exc.reason])
                continue
            rows.append(meta, line=number, offset=line_start)
    return {"columns": rows.columns, "errors": errors, "records": records, "number": number,
            "end": offset, "last_start": last_start, "complete": complete}


def _split_point(file: Path, start: int, size: int) -> int | None:
    """A line start near the middle of ``[start, size)``; None when not worth splitting."""
    if size - start < _PARALLEL_BYTES or (os.cpu_count() or 1) < 2:
        return None
    with file.open("rb") as handle:
        handle.seek(start + (size - start) // 2)
        handle.readline()
        middle = handle.tell()
    return middle if start < middle < size else None


def _scan_jsonl(file: Path, body: dict[str, Any], size: int, progress: Progress | None) -> None:
    """Index the lines from ``body["end"]`` to the end of the file into ``body``.

    A large file is read in two halves by two processes (the first build of a 100,000-line
    corpus is the one open that cannot use an index); line numbers of the second half are
    shifted once the first half's count is known.
    """
    start = body["end"]
    middle = _split_point(file, start, size)
    try:
        if middle is None:
            parts = [_scan_range(str(file), start, None, body["lines"])]
        else:
            with ProcessPoolExecutor(max_workers=2) as pool:
                first = pool.submit(_scan_range, str(file), start, middle, body["lines"])
                second = pool.submit(_scan_range, str(file), middle, None, 0)
                parts = [first.result(), second.result()]
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
    cols = body["columns"]
    first_line: dict[str, int] = dict(zip(cols["id"], cols["line"], strict=True))
    shift = 0
    for part in parts:
        rows = part["columns"]
        rows["line"] = [n + shift for n in rows["line"]]
        for number, reason in part["errors"]:
            body["errors"].append([number + shift, reason])
        for i, article_id in enumerate(rows["id"]):
            number = rows["line"][i]
            if article_id in first_line:
                body["errors"].append([number, f"duplicate id {article_id!r} (first at line "
                                               f"{first_line[article_id]}); skipped"])
                continue
            first_line[article_id] = number
            for name, column in rows.items():
                cols.setdefault(name, []).append(column[i])
        body["records"] += part["records"]
        shift += part["number"]
        if part["last_start"] is not None:
            body["tail_offset"] = part["last_start"]
        if progress:
            progress(part["end"], size)
    body["errors"].sort(key=lambda e: e[0])
    body["end"], body["lines"] = parts[-1]["end"], shift
    # An unfinished last line (a writer still appending) is indexed, but the next open must
    # not take it as the append point: no tail hash means "re-read everything".
    complete = parts[-1]["complete"]
    tail = _read_slice(file, body.get("tail_offset", 0), body["end"])
    body["tail"] = hashlib.sha256(tail).hexdigest() if complete else None


# ====================================================================== entry point
def open_corpus(path: str | Path, cache_dir: str | Path, *, progress: Progress | None = None,
                workers: int | None = None) -> Corpus:
    """Open a folder or ``.jsonl`` corpus through its index in ``cache_dir`` (built or brought
    up to date as needed); a single page opens directly. ``progress(done, total)`` is
    called only while articles are being read, so a caller can show a bar just then.
    ``corpus.index`` is the :class:`IndexReport`."""
    source = Path(path).expanduser().absolute()
    if not source.exists():
        raise CorpusError("no such file or folder", source)
    target = index_file(Path(cache_dir), source)
    if source.is_dir():
        return _open_folder(source, target, progress, workers)
    if source.is_file() and source.suffix.lower() == JSONL_SUFFIX:
        return _open_jsonl(source, target, progress)
    return Corpus.open(source)

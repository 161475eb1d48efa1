"""Indexing a ``.jsonl`` corpus: per record its line number, byte offset and metadata.

The file's size and mtime say whether anything changed; when the file only grew (its first
64 KiB and its last indexed line are unchanged), only the appended lines are read. Records
are not parsed in full even on a first build: the ``text`` value is located and skipped, and
only the small rest of the line goes through the JSON parser (``scan_jsonl_line``). The file
is cut into line-aligned chunks scanned in parallel and merged in file order, which is where
line numbers are settled and duplicate ids are found.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import deque
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from store import safe_json
from store.arabic import normalize_many
from store.bulk import paused_gc
from store.corpus import BOM, ArticleMeta, Corpus, _parse_record, record_meta, site_name
from store.errors import CorpusError
from store.index_build import Batch, IndexBuild, IndexReport
from store.index_format import META_COLUMNS, new_columns, read_index, write_index
from store.index_metas import IndexedMetas
from store.index_workers import Cancelled, Workers

_HEAD_BYTES = 65_536
_TEXT_KEY = re.compile(rb'"text"\s*:\s*"')
_BLANK_ESCAPES = re.compile(rb"(?:\\[nrt]|\s)+")
# Work is cut into chunks of about this many bytes, so the list can grow while the rest
# is read.
_CHUNK_BYTES = 4 * 1024 * 1024
# Less than this is read in the calling thread: starting worker processes costs more.
_PARALLEL_BYTES = 24 * 1024 * 1024


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
            record = safe_json.loads(raw[:start] + raw[end:])
        except safe_json.BadJSON:
            record = None  # the full parse below reports it
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
    rows = new_columns("line", "offset")
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
            for name in META_COLUMNS:
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


def start_jsonl(file: Path, index_path: Path) -> IndexBuild:
    report = IndexReport(index_path)
    try:
        st = file.stat()
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
    old, report.problem = read_index(index_path, "jsonl", file)
    meta: dict[str, Any] = {"errors": [], "records": 0, "end": 0, "lines": 0}
    columns: MutableMapping[str, Any] = new_columns("line", "offset")
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
             executor: Workers) -> Corpus:
        first_line: dict[str, int] = dict(zip(columns["id"], columns["line"], strict=True))
        try:
            chunks = deque(executor.submit(_scan_range, str(file), a, b)
                           for a, b in _chunk_bounds(file, start, st.st_size))
            while chunks:
                pending = chunks.popleft()  # a chunk's result is let go once merged
                try:
                    part = pending.result(cancel)
                except Cancelled:
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


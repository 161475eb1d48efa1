"""The corpus index's file: where it lives, its columns and how they are stored on disk.

The index is a cache in the store's cache folder (``<store>/.warraq-cache/``, ignored by
git), one file per corpus location. **File layout.** One JSON header line (format and
cleaning versions, the corpus it describes, a CRC-32 of the body, and where each column lies
in the body), then the columns back to back: strings joined by NUL (a JSON list instead when
a value holds a NUL), integers as raw 64-bit arrays. Loading is a read, a checksum and, per
column *when first used*, one ``decode`` and one ``split``: parsing 1.1 million JSON strings
cost 0.45 s, the columns the list needs now cost a few tens of milliseconds. The index is
never trusted blindly: any mismatch (truncated write, edited file, older Warraq) makes
``read_index`` give a reason instead of columns, and the caller rebuilds, never shows a
wrong list.

Nothing here knows how a corpus is read: building and updating are in ``store.index_folder``
and ``store.index_jsonl``, the public face is ``store.corpus_index``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import zlib
from array import array
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from store.versions import CLEANING_VERSION

INDEX_FORMAT = "warraq-corpus-index"
INDEX_VERSION = 3  # 3: column blobs, site names, resumable builds
CACHE_DIR = ".warraq-cache"
# Metadata columns shared by both kinds of corpus.
META_COLUMNS = ("id", "title", "date", "time", "date_raw", "url", "source", "author")
# Columns made from the metadata so the list does no per-title work: site name, search key.
DERIVED_COLUMNS = ("site", "key")
_INT_COLUMNS = frozenset({"line", "offset", "size", "mtime_ns"})
# Columns of one kind of corpus only: where each article's text is.
_KIND_COLUMNS = {"jsonl": ("line", "offset"), "folder": ("name", "size", "mtime_ns", "sha256")}
_SEP, _NONE = "\x00", "\x01"


def cache_dir_for(store_root: str | Path) -> Path:
    """The cache folder inside a store: caches live with the store they serve."""
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

def new_columns(*more: str) -> dict[str, list[Any]]:
    """Empty columns: the metadata, the derived ones and ``more`` (one kind's own)."""
    return {name: [] for name in (*META_COLUMNS, *DERIVED_COLUMNS, *more)}


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
            and all(name in specs
                    for name in (*META_COLUMNS, *DERIVED_COLUMNS, *_KIND_COLUMNS[kind]))
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

"""What a store folder's files are called and what makes one valid (store/FORMAT.md).

Kept apart from the ``Store`` class because more than the store reads these files:
``store.stats`` summarizes article files without opening a store, and the benchmarks write
them directly. Nothing here touches the disk except through the paths it is given.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.records import EntitySpan, Event, Highlight

STORE_FORMAT = "warraq-store"
ARTICLE_FORMAT = "warraq-article"
FORMAT_VERSION = 1
STORE_FILE = "warraq-store.json"
ARTICLES_DIR = "articles"

# The record tables of an article file, in the order they are written, and the record
# class each one's documents parse into.
RECORD_TABLES = ("entities", "highlights", "events")
RECORD_CLASS: dict[str, type[Any]] = {
    "entities": EntitySpan,
    "highlights": Highlight,
    "events": Event,
}

# Header fields whose JSON type is checked before anything is built from them.
_HEAD_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str, "text": str, "sha256": str, "meta": dict, "status": str,
    "doc_labels": list, "annotators": list,
}


def text_sha256(text: str) -> str:
    """SHA-256 of the canonical text's UTF-8 bytes (same definition as store.text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4096)  # a suggestion run asks three times per article
def article_filename(article_id: str) -> str:
    """A file name safe on every OS for any id (``/``, Arabic, ``..``, 1,000 chars...).

    A readable slug of the id (letters and digits of any script, NFC, at most 40) plus 12
    hex digits of its SHA-256, so distinct ids never share a file, even on case-insensitive
    filesystems, and the same id always maps to the same file.
    """
    nfc = unicodedata.normalize("NFC", article_id)
    slug = re.sub(r"[^\w]+", "_", nfc, flags=re.UNICODE).strip("_.")[:40].strip("_")
    digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]
    return f"{slug or 'article'}-{digest}.json"


def check_article_file(data: Any, path: Path) -> dict[str, Any]:
    """Validate an article file's header; returns it. Raises a StoreError naming the file.

    A file that fails here is never built or written: the store shows the error and leaves
    the bytes as they are, so a newer Warraq's or a person's file is not destroyed.
    """
    if not isinstance(data, dict):
        raise StoreError("not a Warraq article file (expected a JSON object); left untouched",
                         path)
    docs = data.get("article")
    if not isinstance(docs, dict) or len(docs) != 1 or not isinstance(
            head := next(iter(docs.values())), dict):
        raise StoreError("not a Warraq article file (no single 'article' record); left"
                         " untouched", path)
    if head.get("format") != ARTICLE_FORMAT:
        raise StoreError(f"not a Warraq article file (format {head.get('format')!r});"
                         " left untouched", path)
    version = head.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(f"unknown article format version {version!r}; left untouched", path)
    if version > FORMAT_VERSION:
        raise StoreError(f"article format version {version} was written by a newer Warraq"
                         f" (this one reads {FORMAT_VERSION}); left untouched — upgrade"
                         " Warraq to edit it", path)
    for key, typ in _HEAD_TYPES.items():
        if key in head and not isinstance(head[key], typ):
            raise StoreError(f"article field {key!r} has the wrong type; left untouched", path)
    for key in ("id", "text", "sha256"):
        if key not in head:
            raise StoreError(f"article record lacks {key!r}; left untouched", path)
    if text_sha256(head["text"]) != head["sha256"]:
        raise StoreError("text snapshot does not match its sha256 (edited by hand?);"
                         " left untouched", path)
    for table in RECORD_TABLES:
        if not isinstance(data.get(table, {}), dict):
            raise StoreError(f"table {table!r} is not a JSON object; left untouched", path)
    if "1" not in docs:
        data["article"] = {"1": head}
    return head


def doc_key(doc_id: str) -> int:
    """A TinyDB document id as a number (0 when it is not one), for ordering records."""
    try:
        return int(doc_id)
    except ValueError:
        return 0

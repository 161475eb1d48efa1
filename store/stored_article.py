"""One article as the store holds it, and how a checked article file becomes one.

The record (``StoredArticle``) is what callers of ``Store.get``/``Store.attach`` hold; the
builder lives beside it because it is the only place that fills the private bookkeeping
(the raw documents and their TinyDB ids) that ``Store`` writes back on save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article_files import ARTICLE_FORMAT, FORMAT_VERSION, RECORD_CLASS, RECORD_TABLES, doc_key
from store.drift import DriftReport
from store.errors import StoreError
from store.records import ArticleAnnotations, ArticleStatus, EntitySpan, Event

# Header fields the store writes itself; any other key is kept in ``_extra`` and written
# back untouched, so a newer Warraq's fields survive an older one's save.
_KNOWN_HEAD = frozenset({
    "format", "format_version", "id", "text", "sha256", "meta", "status",
    "doc_labels", "annotators", "created", "modified", "schema_hash",
})


@dataclass
class StoredArticle:
    """One article as the store holds it: text snapshot, metadata, annotations.

    Records in ``annotations`` are the store's own objects: read them freely, change them
    only through the Store's mutation methods (which save and record undo).
    ``error`` is set when the article's file is damaged: it is then shown without
    annotations and every write to it is refused, so the file is never overwritten.
    """

    id: str
    text: str
    sha256: str
    meta: dict[str, Any]
    annotations: ArticleAnnotations
    path: Path
    drifted: bool = False
    drift: DriftReport | None = None
    created: str | None = None
    modified: str | None = None
    exists: bool = False
    error: StoreError | None = None
    _docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    _doc_ids: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # Records of the file whose span does not fit the text (out of range, reversed, text
    # not the slice): kept as they are and written back on save, never used or exported.
    _rejected: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict, repr=False)
    rejected: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for table in RECORD_TABLES:
            self._docs.setdefault(table, {})
            self._doc_ids.setdefault(table, {})

    @property
    def status(self) -> ArticleStatus:
        return self.annotations.status

    def next_doc_key(self, table: str) -> int:
        """The file key for a new record: past every key in use, rejected records' too."""
        used = self._doc_ids.get(table, {}).values()
        kept = self._rejected.get(table, {}).keys()
        return max(max(used, default=0), max(kept, default=0)) + 1

    def find(self, table: str, record_id: str) -> int | None:
        for i, rec in enumerate(getattr(self.annotations, table)):
            if rec.id == record_id:
                return i
        return None

    def entity(self, entity_id: str) -> EntitySpan | None:
        i = self.find("entities", entity_id)
        return None if i is None else self.annotations.entities[i]


def build_article(data: dict[str, Any], path: Path) -> StoredArticle:
    """The article of a file already passed by ``check_article_file``.

    Raises a StoreError naming the file when a record in it cannot be parsed; the caller
    then treats the whole file as damaged (shown, never written).
    """
    head = data["article"]["1"]
    try:
        status = ArticleStatus(head.get("status", "new"))
    except ValueError:
        raise StoreError(f"unknown article status {head.get('status')!r}; left untouched",
                         path) from None
    art = StoredArticle(
        id=head["id"], text=head["text"], sha256=head["sha256"], meta=head.get("meta", {}),
        annotations=ArticleAnnotations(status=status,
                                       doc_labels=list(head.get("doc_labels", [])),
                                       annotators=list(head.get("annotators", []))),
        path=path, created=head.get("created"), modified=head.get("modified"), exists=True,
    )
    art._extra = {k: v for k, v in head.items() if k not in _KNOWN_HEAD}
    for table in RECORD_TABLES:
        cls = RECORD_CLASS[table]
        records = getattr(art.annotations, table)
        items = sorted(data.get(table, {}).items(), key=lambda kv: doc_key(kv[0]))
        for doc_id, doc in items:
            try:
                rec = cls.from_dict(dict(doc))  # freshly parsed: no deep copy needed
                if not isinstance(rec.id, str):
                    raise TypeError("id is not a string")
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise StoreError(f"{table} record {doc_id} is malformed ({exc}); left"
                                 " untouched", path) from None
            problem = span_problem(rec, art.text)
            if problem is not None:
                art._rejected.setdefault(table, {})[doc_key(doc_id)] = doc
                art.rejected.append(f"{table} record {doc_id}: {problem}; kept in the file,"
                                    " not used or exported")
                continue
            records.append(rec)
            art._docs[table][rec.id] = doc
            art._doc_ids[table][rec.id] = doc_key(doc_id)
    return art


def article_document(art: StoredArticle, schema_hash: str) -> dict[str, Any]:
    """What ``art``'s file holds (the inverse of :func:`build_article`), ready for
    ``storage.dumps``: the store's save, and a suggestion run writing a new article's file
    in a worker process (store/suggest_fresh.py), both build the file here, so the two
    can never write different files for the same article."""
    head = {
        **art._extra,
        "format": ARTICLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "id": art.id,
        "text": art.text,
        "sha256": art.sha256,
        "meta": art.meta,
        "status": art.annotations.status.value,
        "doc_labels": list(art.annotations.doc_labels),
        "annotators": list(art.annotations.annotators),
        "created": art.created,
        "modified": art.modified,
        "schema_hash": schema_hash,
    }
    layout: dict[str, Any] = {"article": {"1": head}}
    for table in RECORD_TABLES:
        ids = art._doc_ids[table]
        layout[table] = {str(ids[rid]): data for rid, data in art._docs[table].items()}
        for key, data in art._rejected.get(table, {}).items():
            layout[table].setdefault(str(key), data)  # kept as found, never dropped
    return layout


def span_problem(rec: Any, text: str) -> str | None:
    """Why a record's span cannot stand on ``text`` (None: it can). A hand edit, a merge
    or another tool can leave offsets that are negative, reversed, past the end, or that
    no longer cover the quoted text; such a span would be drawn and exported wrong."""
    if isinstance(rec, Event):
        start, end, quoted, what = rec.trigger_start, rec.trigger_end, rec.trigger_text, "trigger"
    else:
        start, end, quoted, what = rec.start, rec.end, rec.text, "span"
    if getattr(rec, "stale", False):
        # Drift could not re-anchor it: kept on its old offsets, marked, never exported.
        ok = 0 <= start < end
        return None if ok else f"{what} [{start}, {end}) is empty or reversed"
    if not 0 <= start < end <= len(text):
        if start >= end:
            return f"{what} [{start}, {end}) is empty or reversed"
        return f"{what} [{start}, {end}) is outside the text of {len(text)} characters"
    if quoted != text[start:end]:
        return f"{what} [{start}, {end}) says {quoted!r} but the text there is {text[start:end]!r}"
    return None

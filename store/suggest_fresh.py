"""A new article's whole file, built and written by a suggestion run's worker process.

Most articles a large ``warraq suggest`` run meets are not in the store yet: nothing is
decided on them, nothing can be undone, and their file will hold exactly the text, the
metadata and the pending suggestions. Building that file through the store (records, an
undo step thrown away at the next group, the JSON) cost the one writing process about
1.5 ms an article, so the run was as slow as that process. For such an article the
worker that matched it now also builds its file and writes it to a temporary file beside
its final name (not synced); the writing process only makes it durable by group commit
(``GroupWriter.adopt``: one ``syncfs`` for the group, then each temporary file takes its
name without replacing anything, then one sync of the folder). The file is the one the
store would write: the same spans (``store.suggest.pending_spans``) in the same document
(``store.stored_article.article_document``), the same bytes (``storage.dumps``).

An article the store knew when the run started (a file of that name, or in memory) goes
the ordinary way, through ``Store.add_entities``, and so does one a suggester failed on.
Except one case, which is all of a re-run over a finished corpus: the worker reads the
stored file (read only) and finds that no suggestion is new and the text is the corpus's
(:func:`check_stored_article`); nothing would be written, so the store need not load it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from store.article_files import article_filename, check_article_file, text_sha256
from store.errors import StoreError
from store.group_writes import write_temp
from store.records import ArticleAnnotations, EntitySpan, SpanStatus, new_id, now_iso
from store.regular_files import read_regular_bytes
from store.span_policy import policy_of
from store.storage import dumps, parse_json_bytes
from store.stored_article import StoredArticle, article_document, build_article
from store.suggest import Candidate, SuggestCounts, fit_candidates, pending_spans


@dataclass(frozen=True)
class NewArticles:
    """Where a run may write new articles' files itself, and which articles are not new:
    the store's article files and the ids it held when the run started (a snapshot, so
    that a worker process can tell on its own)."""

    articles_dir: Path
    schema: Any
    known_files: frozenset[str]
    known_ids: frozenset[str]

    def is_new(self, article_id: str) -> bool:
        return (article_id not in self.known_ids
                and article_filename(article_id) not in self.known_files)

    def on_disk_only(self, article_id: str) -> bool:
        """Stored in its own file and not in the store's memory: what a worker may read."""
        return (article_id not in self.known_ids
                and article_filename(article_id) in self.known_files)


class Written(NamedTuple):
    """An article done by a worker: its temporary file (None when no suggestion was new,
    and so no file is due, as in the store) and what its counts add."""

    article_id: str
    tmp: str | None
    added: int
    already: int
    unknown_label: int
    invalid: int
    warnings: tuple[str, ...]


def write_new_article(target: NewArticles, article_id: str, text: str,
                      meta: dict[str, Any] | None,
                      results: Sequence[tuple[str, list[Candidate]]], invalid: int = 0,
                      warnings: tuple[str, ...] = ()) -> Written:
    """Build the file of an article the store does not hold, with every suggester's
    pending spans, and write it to a temporary file (not synced); raises ``StoreError``
    when the disk refuses (the caller then goes the ordinary way, which reports it).

    The spans are those ``pending_spans`` gives on an article without annotations (fitted
    to the schema's boundaries, a label the schema lacks or a span seen already left out
    and counted, each suggester after the other), written as the records
    ``EntitySpan.to_dict`` makes (:func:`_pending_record`): no record objects, which
    were a fifth of a worker's time."""
    path = target.articles_dir / article_filename(article_id)
    art = StoredArticle(id=article_id, text=text, sha256=text_sha256(text),
                        meta=dict(meta or {}), annotations=ArticleAnnotations(), path=path)
    counts = SuggestCounts()
    docs, keys = art._docs["entities"], art._doc_ids["entities"]
    schema = target.schema
    labels = set(schema.entity_labels) if schema is not None else None
    policy = policy_of(schema)
    seen: set[tuple[int, int, str]] = set()
    stamp = now_iso()
    size = len(text)
    for origin, candidates in results:
        for c in fit_candidates(policy, text, candidates):
            if labels is not None and c.label not in labels:
                counts.unknown_label += 1
                continue
            key = (c.start, c.end, c.label)
            if key in seen:
                counts.already += 1
                continue
            seen.add(key)
            if not 0 <= c.start < c.end <= size:
                raise StoreError(f"entity [{c.start}, {c.end}) is outside the article"
                                 f" ({size} characters)")
            span_id = new_id("T")
            while span_id in docs:  # 48 random bits: never seen, but never twice either
                span_id = new_id("T")
            docs[span_id] = _pending_record(c, text, span_id, origin, stamp)
            keys[span_id] = len(keys) + 1
    tmp = None
    if docs:
        art.created = art.modified = stamp
        try:
            tmp = write_temp(path, dumps(article_document(art, schema.hash)))
        except OSError as exc:
            raise StoreError(f"could not save: {exc.strerror or exc}", path) from None
    return Written(article_id, tmp, len(docs), counts.already, counts.unknown_label,
                   invalid, warnings)


# The fields every pending suggestion's record has besides those set per span: what
# ``EntitySpan.to_dict`` writes for the dataclass's other defaults (none today).
_PER_SPAN = frozenset({"start", "end", "text", "label", "id", "origin", "status",
                       "created", "score"})
_SCALARS = (str, int, float, bool, type(None))


@functools.cache
def _pending_defaults() -> tuple[tuple[str, Any], ...]:
    probe = EntitySpan(start=0, end=1, text="x", label="x", origin="x",
                       status=SpanStatus.PENDING, created="x", score=None).to_dict()
    return tuple((k, v) for k, v in probe.items() if k not in _PER_SPAN)


def _pending_record(c: Candidate, text: str, span_id: str, origin: str, stamp: str
                    ) -> dict[str, Any]:
    """``EntitySpan(..., status=PENDING, ...).to_dict()`` for one candidate, as
    ``pending_spans`` builds it (tests/test_suggest_fresh.py holds the two equal)."""
    record: dict[str, Any] = {k: copy.deepcopy(v) for k, v in _pending_defaults()}
    record.update(start=c.start, end=c.end, text=text[c.start:c.end], label=c.label,
                  id=span_id, origin=origin, status=SpanStatus.PENDING.value,
                  created=stamp)
    if c.score is not None:
        record["score"] = c.score
    if c.extra:
        for k, v in c.extra.items():
            record.setdefault(k, v if isinstance(v, _SCALARS) else copy.deepcopy(v))
    return record


def check_stored_article(target: NewArticles, article_id: str, text: str,
                         results: Sequence[tuple[str, list[Candidate]]], invalid: int = 0,
                         warnings: tuple[str, ...] = ()) -> Written | None:
    """Done without the store when the article's stored file is whole, holds the
    corpus text, and every candidate is already decided or left out (what
    ``add_pending`` would find): nothing is due. None when the store must look (a new
    suggestion, another text to re-anchor onto, a file it cannot read: the store's way
    adds, re-anchors or reports). Reads only; a file changed a moment later is the
    store's to notice on its next read, as ever."""
    path = target.articles_dir / article_filename(article_id)
    try:
        data = parse_json_bytes(read_regular_bytes(path), path)
        check_article_file(data, path)
        art = build_article(data, path)
    except (StoreError, OSError):
        return None
    if art.id != article_id or art.text != text:
        return None
    counts = SuggestCounts()
    for origin, candidates in results:
        if pending_spans(target.schema, text, art.annotations, candidates, origin, counts):
            return None
    return Written(article_id, None, 0, counts.already, counts.unknown_label, invalid,
                  warnings)

"""``warraq import``: merge another tool's gold data or predictions into the store.

A file is read into ``GoldDoc`` values (each bad record reported as FILE:LINE: problem, the
rest kept); each article is found in the store by id, text hash or — for formats that lose
spacing — by its non-space characters, unknown articles are added from their text, and spans
are merged without ever losing or duplicating what is there and without resurrecting a span
a human rejected.
"""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from store.errors import ImportFormatError, StoreError, WarraqError
from store.formats.common import (
    GoldDoc,
    ImportReport,
    align_by_skeleton,
    progress_iter,
    remap_doc,
    skeleton,
    text_sha256,
)
from store.formats.registry import FORMATS
from store.records import HUMAN, EntitySpan, SpanStatus
from store.span_policy import decision_changes, same_stretch
from store.suggest import SeenSpans, fit_spans
from tui.cli.options import EXIT_PARTIAL, add_store_options, open_store, progress_enabled
from tui.rtl.glyphs import warn


def register(subparsers: argparse._SubParsersAction) -> None:
    names = ", ".join(FORMATS)
    imp = subparsers.add_parser(
        "import", help="merge gold data or predictions from another tool",
        description=f"Import annotations. Formats: {names}.")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--format", "-f", required=True, choices=list(FORMATS))
    imp.add_argument("--as", dest="as_", choices=("gold", "suggestions"), default="gold",
                     help="gold: accepted spans; suggestions: pending spans to review")
    imp.add_argument("--source", default=None,
                     help="origin recorded on suggestions (default: the format name)")
    add_store_options(imp)
    imp.set_defaults(run=run_import)


@dataclass
class MergeStats:
    articles_new: int = 0
    articles_matched: int = 0
    entities_added: int = 0
    entities_accepted: int = 0
    duplicates: int = 0
    kept_rejected: int = 0
    events_added: int = 0
    highlights_added: int = 0
    problems: list[tuple[int | None, str]] = field(default_factory=list)


class _ArticleIndex:
    """Finds stored articles by id, text hash or non-space skeleton (built on first need)."""

    def __init__(self, store: Any):
        self.store = store
        self._by_sha: dict[str, str] | None = None
        self._by_skeleton: dict[str, str] | None = None

    def _build(self) -> None:
        self._by_sha, self._by_skeleton = {}, {}
        for art in self.store.iter_articles():
            self._by_sha.setdefault(art.sha256, art.id)
            self._by_skeleton.setdefault(text_sha256(skeleton(art.text)), art.id)

    def add(self, art_id: str, text: str) -> None:
        if self._by_sha is not None and self._by_skeleton is not None:
            self._by_sha.setdefault(text_sha256(text), art_id)
            self._by_skeleton.setdefault(text_sha256(skeleton(text)), art_id)

    def find(self, doc: GoldDoc) -> tuple[str | None, GoldDoc | None, str | None]:
        """(stored id, doc placed on that article's text, problem)."""
        stored = self.store.get(doc.id)
        if stored is not None and stored.text == doc.text:
            return stored.id, doc, None
        if self._by_sha is None:
            self._build()
        assert self._by_sha is not None and self._by_skeleton is not None
        sha = text_sha256(doc.text)
        if sha in self._by_sha:
            return self._by_sha[sha], doc, None
        candidates = []
        if stored is not None:
            candidates.append(stored.id)
        sk = self._by_skeleton.get(text_sha256(skeleton(doc.text)))
        if sk is not None:
            candidates.append(sk)
        for cand in candidates:
            art = self.store.get(cand)
            remap = align_by_skeleton(doc.text, art.text) if art is not None else None
            if remap is not None:
                return cand, remap_doc(doc, art.text, remap), None
        if stored is not None:
            return None, None, (f"article {doc.id!r} is in the store with a different text; "
                                "not merged (offsets would not fit)")
        return None, doc, None


def merge_doc(store: Any, index: _ArticleIndex, doc: GoldDoc, as_gold: bool, source: str,
              stats: MergeStats) -> str | None:
    """Merge one imported document; returns a problem sentence or None."""
    art_id, placed, problem = index.find(doc)
    if problem is not None or placed is None:
        return problem
    if art_id is None:
        art_id = doc.id
        if store.get(art_id) is not None:  # an id collision with another text
            art_id = f"{doc.id}-{text_sha256(doc.text)[:8]}"
        store.attach(art_id, placed.text, placed.meta)
        index.add(art_id, placed.text)
        stats.articles_new += 1
    else:
        stats.articles_matched += 1
    existing = store.annotations(art_id)
    by_key: dict[tuple[int, int, str], EntitySpan] = {
        (e.start, e.end, e.label): e for e in existing.entities}
    taken_ids = {e.id for e in existing.entities}
    # Live spans by end offset: spans on the same words (clitics aside) end together.
    by_end: dict[int, list[EntitySpan]] = {}
    for known in existing.entities:
        if known.status != SpanStatus.REJECTED:
            by_end.setdefault(known.end, []).append(known)
    # Suggestions follow `warraq suggest`'s rule (store.suggest.SeenSpans): what a human
    # corrected a suggestion away from is decided too and never comes back.
    decided = SeenSpans(existing)
    id_map: dict[str, str] = {}
    entities = placed.annotations.entities
    if not as_gold:  # suggestions follow the schema's span_boundary, like every producer
        entities, left_out = fit_spans(store.schema, placed.text, entities, existing)
        stats.duplicates += left_out
    for e in entities:
        key = (e.start, e.end, e.label)
        if as_gold:
            status, origin = e.status, e.origin
        else:
            if e.status == SpanStatus.REJECTED:
                continue
            status, origin = SpanStatus.PENDING, source
            if key not in by_key and key in decided:
                stats.kept_rejected += 1
                continue
        old = by_key.get(key)
        if old is None and as_gold and status != SpanStatus.REJECTED:
            there = _on_same_words(by_end, placed.text, e)
            if there is not None:  # never a second span on the same words
                was = (there.start, there.end, there.label)
                decided_id = _decide_there(store, art_id, doc, there, e, status, stats)
                if decided_id is not None:
                    id_map[e.id] = decided_id
                    if by_key.get(was) is there:  # decided: known by its new key
                        del by_key[was]
                        by_key[(there.start, there.end, there.label)] = there
                continue
        if old is not None:
            id_map[e.id] = old.id
            if (as_gold and status == SpanStatus.ACCEPTED
                    and old.status == SpanStatus.PENDING):
                if _safely(stats, doc, store.update_entity, art_id, old.id,
                           status=SpanStatus.ACCEPTED) is not None:
                    stats.entities_accepted += 1
            elif old.status == SpanStatus.REJECTED and status != SpanStatus.REJECTED:
                stats.kept_rejected += 1
            else:
                stats.duplicates += 1
            continue
        new = replace(e, status=status, origin=origin, extra=dict(e.extra))
        if new.id in taken_ids:
            new.id = EntitySpan(start=0, end=1, text="", label="").id
        if origin == HUMAN and getattr(store, "annotator", None) and not new.annotator:
            new.annotator = store.annotator
        added = _safely(stats, doc, store.add_entity, art_id, new)
        if added is None:
            continue
        added_id = getattr(added, "id", new.id)
        taken_ids.add(added_id)
        id_map[e.id] = added_id
        by_key[key] = added if isinstance(added, EntitySpan) else new
        if status != SpanStatus.REJECTED:
            by_end.setdefault(new.end, []).append(by_key[key])
        stats.entities_added += 1
    ev_keys = {(v.type, v.trigger_start, v.trigger_end) for v in existing.events}
    for ev in placed.annotations.events:
        if (ev.type, ev.trigger_start, ev.trigger_end) in ev_keys:
            stats.duplicates += 1
            continue
        if not as_gold and ev.status == SpanStatus.REJECTED:
            continue
        args = [replace(a, entity_id=id_map[a.entity_id]) for a in ev.arguments
                if a.entity_id in id_map]
        new_ev = replace(ev, arguments=args, extra=dict(ev.extra))
        if not as_gold:
            new_ev.status, new_ev.origin = SpanStatus.PENDING, source
        if _safely(stats, doc, store.add_event, art_id, new_ev) is None:
            continue
        ev_keys.add((ev.type, ev.trigger_start, ev.trigger_end))
        stats.events_added += 1
    if as_gold:
        hl_keys = {(h.start, h.end, h.category) for h in existing.highlights}
        for h in placed.annotations.highlights:
            if (h.start, h.end, h.category) not in hl_keys:
                if _safely(stats, doc, store.add_highlight, art_id,
                           replace(h, extra=dict(h.extra))) is None:
                    continue
                hl_keys.add((h.start, h.end, h.category))
                stats.highlights_added += 1
        labels = list(existing.doc_labels)
        new_labels = [lab for lab in placed.annotations.doc_labels if lab not in labels]
        if new_labels:
            _safely(stats, doc, store.set_doc_labels, art_id, labels + new_labels)
        # The article's status comes back too (a native export of finished work imports as
        # finished), but never moves an article backwards.
        wanted = placed.annotations.status
        now = store.annotations(art_id).status
        if _STATUS_RANK.get(str(wanted), 0) > _STATUS_RANK.get(str(now), 0):
            _safely(stats, doc, store.set_status, art_id, wanted)
    return None


def _on_same_words(by_end: dict[int, list[EntitySpan]], text: str, span: EntitySpan
                   ) -> EntitySpan | None:
    """A live stored span on the same words as ``span`` (clitics aside), if any."""
    for known in by_end.get(span.end, ()):
        if same_stretch(text, (known.start, known.end), (span.start, span.end)):
            return known
    return None


def _decide_there(store: Any, art_id: str, doc: GoldDoc, there: EntitySpan,
                  span: EntitySpan, status: SpanStatus, stats: MergeStats) -> str | None:
    """Gold for words that already carry a span: a pending suggestion there is decided
    (label and boundaries from the file, its own guess kept as the original), as in the
    app; the same decision already stored is a duplicate; another accepted label there is
    a conflict, reported and not imported. Returns the id the span's events point to."""
    if there.status == SpanStatus.PENDING and status == SpanStatus.ACCEPTED:
        changes = decision_changes(there, span.label, span.start, span.end)
        if _safely(stats, doc, store.update_entity, art_id, there.id, **changes) is None:
            return None
        there.start, there.status = span.start, SpanStatus.ACCEPTED  # as now stored
        there.label = span.label
        stats.entities_accepted += 1
        return there.id
    if there.label == span.label or status == SpanStatus.PENDING:
        stats.duplicates += 1
        return there.id
    stats.problems.append((doc.line, (
        f"{span.label} «{span.text}» at {span.start}–{span.end} not imported: "
        f"{there.label} «{there.text}» is already accepted on these words")))
    return None


_STATUS_RANK = {"new": 0, "in_progress": 1, "skipped": 1, "done": 2}


def _safely(stats: MergeStats, doc: GoldDoc, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one store mutation; a record the store refuses (unknown event type, role,
    attribute, document label) is reported against the record's line, the rest goes on."""
    try:
        result = fn(*args, **kwargs)
    except StoreError as exc:
        stats.problems.append((doc.line, exc.reason))
        return None
    return True if result is None else result


def read_file(fmt: str, path: Path, known_labels: set[str] | None) -> ImportReport:
    module, _ = FORMATS[fmt]
    if not path.exists():
        raise WarraqError("no such file or folder", path)
    if not path.is_dir() and not path.is_file():
        # A FIFO or device would block the read or never end: refuse before opening it.
        from store.regular_files import kind_of

        raise WarraqError(f"not a regular file ({kind_of(path.stat().st_mode)})", path)
    try:
        return module.read(path, known_labels=known_labels)
    except UnicodeDecodeError as exc:
        raise WarraqError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from exc
    except IsADirectoryError as exc:
        raise WarraqError(f"is a folder; --format {fmt} reads a file", path) from exc
    except OSError as exc:
        raise WarraqError(f"cannot read ({exc.strerror or exc})", path) from exc


def import_report(store: Any, report: ImportReport, as_gold: bool, source: str,
                  progress: bool = False) -> MergeStats:
    stats = MergeStats()
    index = _ArticleIndex(store)
    batch = getattr(store, "batch", None)
    ctx = batch() if callable(batch) else contextlib.nullcontext()
    with ctx:
        for doc in progress_iter(report.docs, len(report.docs), "importing", progress):
            problem = merge_doc(store, index, doc, as_gold, source, stats)
            if problem:
                stats.problems.append((doc.line, problem))
    return stats


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    store = open_store(args, write=True)
    try:
        known = set(store.schema.entity_labels) if store.schema is not None else None
        report = read_file(args.format, path, known)
        for problem in report.problems:
            warn(problem)
        source = args.source or args.format
        stats = import_report(store, report, args.as_ == "gold", source, progress_enabled())
    finally:
        store.close()
    for line, reason in stats.problems:
        warn(ImportFormatError(reason, path, line))
    warn(f"imported {stats.entities_added} entities, {stats.events_added} events, "
         f"{stats.highlights_added} highlights into {stats.articles_matched} stored and "
         f"{stats.articles_new} new articles ({stats.duplicates} duplicates skipped, "
         f"{stats.entities_accepted} suggestions accepted, {stats.kept_rejected} rejected "
         f"kept rejected, {len(report.problems) + len(stats.problems)} problems)")
    if report.problems or stats.problems:
        return EXIT_PARTIAL
    return 0

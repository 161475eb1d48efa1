"""Store summaries and statistics: progress, label counts, annotators, suggestion quality.

The article list needs every article's status and label counts at startup, and ``warraq
stats`` needs them for the whole store. Building every stored article's records takes about
a second per 5,000 articles, so each article file is summarized once into a few counters and
the summaries are cached in ``<store>/.warraq-cache/summary.json`` keyed by file name, size
and mtime: a later open re-reads only the files that changed (saved by this session, edited
by hand, merged from git). The cache is advisory; it is rebuilt when missing or damaged, and
the article files stay the only truth. Saving an annotation does not touch it, so saves stay
as cheap as before.

Suggestion quality, for each suggestion source and label, counts what humans did with the
suggestions: ``accepted`` as they were, ``corrected`` (accepted after a change of label or
boundaries: the span keeps the suggestion in ``original``), ``rejected``, still ``pending``.
Precision is accepted / decided (decided = accepted + corrected + rejected; a corrected
suggestion was wrong as suggested). Recall is the share of human-final spans (every accepted
span, whatever its origin) that came from suggestions, accepted or corrected. Labels of a
suggestion are the suggested ones for precision, the final ones for recall.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.article_files import ARTICLES_DIR, check_article_file
from store.corpus_index import CACHE_DIR, ensure_cache_dir
from store.errors import StoreError
from store.records import HUMAN
from store.storage import read_json

# Origins that are people's decisions, never suggestions (propagation repeats a human one).
HUMAN_ORIGINS = frozenset({HUMAN, "human-propagated"})

SUMMARY_FORMAT = "warraq-store-summary"
SUMMARY_VERSION = 2  # 2: a file is known by size, mtime, ctime and inode
SUMMARY_FILE = "summary.json"
OUTCOMES = ("accepted", "corrected", "rejected", "pending")
STATUSES = ("new", "in_progress", "done", "skipped")


@dataclass
class ArticleSummary:
    """One stored article in counters: what the list and the stats need, nothing more."""

    id: str
    status: str = "new"
    labels: dict[str, int] = field(default_factory=dict)  # accepted entities per label
    annotators: list[str] = field(default_factory=list)
    by_annotator: dict[str, int] = field(default_factory=dict)  # accepted entities per name
    events: int = 0
    highlights: int = 0
    # "origin\tlabel\toutcome" -> suggestions (suggested label), and "origin\tlabel\tfound"
    # -> accepted spans that came from that source (final label).
    quality: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "labels": self.labels,
                "annotators": self.annotators, "by_annotator": self.by_annotator,
                "events": self.events, "highlights": self.highlights, "quality": self.quality}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleSummary:
        return cls(**data)


def summarize_article(data: dict[str, Any]) -> ArticleSummary:
    """Counters of one parsed article file (already checked by the store's validator)."""
    head = data["article"]["1"]
    summary = ArticleSummary(id=head["id"], status=str(head.get("status", "new")),
                             annotators=[str(a) for a in head.get("annotators", [])])
    labels: Counter[str] = Counter()
    people: Counter[str] = Counter()
    quality: Counter[str] = Counter()
    for span in (data.get("entities") or {}).values():
        if not isinstance(span, dict):
            continue
        label = str(span.get("label"))
        status = span.get("status", "accepted")
        origin = str(span.get("origin") or HUMAN)
        original = span.get("original") if isinstance(span.get("original"), dict) else None
        if status == "accepted":
            labels[label] += 1
            people[str(span.get("annotator") or "—")] += 1
        source = str(original.get("origin", origin)) if original else origin
        if source in HUMAN_ORIGINS:
            # A human decision, also when propagated by a key: not a suggestion to score.
            continue
        suggested = str(original.get("label", label)) if original else label
        if status == "accepted":
            outcome = "corrected" if original else "accepted"
            quality[f"{source}\t{label}\tfound"] += 1
        else:
            outcome = "rejected" if status == "rejected" else "pending"
        quality[f"{source}\t{suggested}\t{outcome}"] += 1
    summary.labels, summary.by_annotator, summary.quality = dict(labels), dict(people), \
        dict(quality)
    summary.events = len(data.get("events") or {})
    summary.highlights = len(data.get("highlights") or {})
    return summary


@dataclass
class StoreSummary:
    """Every stored article's summary (by id) plus the files that could not be read."""

    articles: dict[str, ArticleSummary] = field(default_factory=dict)
    errors: list[StoreError] = field(default_factory=list)
    reread: int = 0
    reused: int = 0


def summarize_store(root: str | Path, *, use_cache: bool = True) -> StoreSummary:
    """Summaries of every article file in the store at ``root`` (cache-assisted)."""
    root = Path(root)
    articles_dir = root / ARTICLES_DIR
    cache_path = root / CACHE_DIR / SUMMARY_FILE
    cached = _read_cache(cache_path) if use_cache else {}
    files: dict[str, list[Any]] = {}
    result = StoreSummary()
    try:
        entries = list(os.scandir(articles_dir))
    except FileNotFoundError:
        entries = []
    except OSError as exc:
        raise StoreError(f"cannot list store articles ({exc.strerror or exc})",
                         articles_dir) from None
    for entry in sorted(entries, key=lambda e: e.name):
        if not entry.name.endswith(".json") or entry.name.startswith("."):
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        hit = cached.get(entry.name)
        # ctime cannot be set back by hand (git, `touch -r`, a restored mtime): with the inode
        # it tells a same-size rewrite from the file the cache summarized.
        stamp = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        if hit is not None and hit[0] == st.st_size and hit[1] == stamp:
            record = hit
            result.reused += 1
        else:
            path = articles_dir / entry.name
            try:
                data = read_json(path)
                check_article_file(data, path)
                record = [st.st_size, stamp, summarize_article(data).to_dict(), None]
            except StoreError as exc:
                record = [st.st_size, stamp, None, exc.reason]
            result.reread += 1
        files[entry.name] = record
        if record[3] is not None:
            result.errors.append(StoreError(record[3], articles_dir / entry.name))
            continue
        summary = ArticleSummary.from_dict(record[2])
        result.articles.setdefault(summary.id, summary)
    if use_cache and (result.reread or len(files) != len(cached)):
        _write_cache(cache_path, files)
    return result


def _read_cache(path: Path) -> dict[str, list[Any]]:
    try:
        raw = path.read_bytes()
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        if (meta.get("format") != SUMMARY_FORMAT or meta.get("version") != SUMMARY_VERSION
                or meta.get("sha256") != hashlib.sha256(body).hexdigest()):
            return {}
        files = json.loads(body)
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_cache(path: Path, files: dict[str, list[Any]]) -> None:
    body = json.dumps(files, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = json.dumps({"format": SUMMARY_FORMAT, "version": SUMMARY_VERSION,
                       "sha256": hashlib.sha256(body).hexdigest()}).encode("ascii")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        ensure_cache_dir(path.parent)
        tmp.write_bytes(head + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


# ====================================================================== statistics
@dataclass
class Quality:
    """What humans did with one source's (or one label's) suggestions."""

    accepted: int = 0
    corrected: int = 0
    rejected: int = 0
    pending: int = 0
    found: int = 0  # accepted spans that came from suggestions (final label)
    gold: int = 0  # all accepted spans (final label), the recall denominator

    @property
    def decided(self) -> int:
        return self.accepted + self.corrected + self.rejected

    @property
    def precision(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None


@dataclass
class Stats:
    """Everything ``warraq stats`` and the stats screen show."""

    articles: int = 0
    stored: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_label: dict[str, int] = field(default_factory=dict)
    # name -> {"articles": n, "entities": n, "done": n}
    by_annotator: dict[str, dict[str, int]] = field(default_factory=dict)
    events: int = 0
    highlights: int = 0
    by_source: dict[str, Quality] = field(default_factory=dict)
    by_label_quality: dict[str, Quality] = field(default_factory=dict)
    overall: Quality = field(default_factory=Quality)
    errors: list[str] = field(default_factory=list)


def compute_stats(summary: StoreSummary, corpus_ids: Iterable[str] | None = None) -> Stats:
    """Aggregate summaries: over the corpus's articles when ids are given (an article the
    store never saw counts as new), else over every stored article."""
    stats = Stats(errors=[str(e) for e in summary.errors])
    by_status: Counter[str] = Counter({s: 0 for s in STATUSES})
    if corpus_ids is None:
        chosen = list(summary.articles.values())
        stats.articles = len(chosen)
    else:
        chosen = []
        for article_id in corpus_ids:
            stats.articles += 1
            found = summary.articles.get(article_id)
            if found is None:
                by_status["new"] += 1
            else:
                chosen.append(found)
    stats.stored = len(chosen)
    labels: Counter[str] = Counter()
    people: dict[str, Counter[str]] = {}
    gold = Counter()
    for art in chosen:
        by_status[art.status] += 1
        labels.update(art.labels)
        gold.update(art.labels)
        stats.events += art.events
        stats.highlights += art.highlights
        for name in art.annotators:
            row = people.setdefault(name, Counter())
            row["articles"] += 1
            row["done"] += art.status == "done"
        for name, count in art.by_annotator.items():
            people.setdefault(name, Counter())["entities"] += count
        for key, count in art.quality.items():
            source, label, outcome = key.split("\t")
            for quality in (stats.by_source.setdefault(source, Quality()),
                            stats.by_label_quality.setdefault(label, Quality()),
                            stats.overall):
                setattr(quality, outcome, getattr(quality, outcome) + count)
    total_gold = sum(gold.values())
    for quality in stats.by_source.values():
        quality.gold = total_gold
    for label, quality in stats.by_label_quality.items():
        quality.gold = gold.get(label, 0)
    stats.overall.gold = total_gold
    stats.by_status = dict(by_status)
    stats.by_label = dict(labels.most_common())
    stats.by_annotator = {name: {"articles": c["articles"], "entities": c["entities"],
                                 "done": c["done"]}
                          for name, c in sorted(people.items())}
    return stats

"""Inter-annotator agreement over annotator layers (issue 15).

Gold is made by several people: each article annotated twice or more, agreement measured,
disagreements adjudicated. This module measures, for every pair of annotators and overall,
on the articles both annotated with the same text:

- entity spans: F1 exact (offsets and label), overlap (same label, overlapping, one to one)
  and *clitic-tolerant* (same label, same words once a proclitic at the start is set aside:
  ``بالأسد`` vs ``الأسد``, ``store.propagate.same_stretch``), the last an Arabic-specific
  source of disagreement that is counted and listed on its own;
- tokens: each token's IOB2 tag from each annotator's accepted spans (outermost span), then
  Cohen's kappa per pair, Fleiss' kappa over the articles every annotator did, and
  Krippendorff's alpha (nominal, via the ``krippendorff`` package) over every token two or
  more annotators tagged;
- events: trigger F1 (trigger offsets and type), argument F1 (role and the argument's
  offsets), type agreement on matched triggers, CAMEO-code kappa on matched triggers;
- document labels: kappa per label (present or not), averaged;
- a confusion matrix of token labels and the most frequent disagreement patterns, with
  examples.

Only accepted spans and events are an annotator's decision; pending suggestions are not.
- Krippendorff's unitizing alpha (store/unitizing.py) over the characters of every article
  two or more annotators did: how each cut the text into labelled spans and gaps, so a
  boundary one letter off costs a letter, not a token.

An article whose text differs between two layers is left out of that pair and counted.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from store.arabic import tokenize
from store.bulk import paused_gc
from store.propagate import same_stretch
from store.records import ArticleAnnotations, SpanStatus
from store.unitizing import Unit, unitizing_alpha

JSON_VERSION = 1
OUTSIDE = "O"

Span = tuple[int, int, str]


@dataclass
class Layer:
    """One annotator's decisions: article id → (text, annotations)."""

    name: str
    articles: dict[str, tuple[str, ArticleAnnotations]] = field(default_factory=dict)


@dataclass
class Counts:
    """Matches for one F1: ``both`` matched, ``only_a``/``only_b`` unmatched."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0

    def add(self, other: Counts) -> None:
        self.both += other.both
        self.only_a += other.only_a
        self.only_b += other.only_b

    @property
    def f1(self) -> float | None:
        total = 2 * self.both + self.only_a + self.only_b
        return None if total == 0 else 2 * self.both / total

    def as_dict(self) -> dict[str, Any]:
        return {"f1": _round(self.f1), "matched": self.both, "only_a": self.only_a,
                "only_b": self.only_b}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def accepted_spans(annotations: ArticleAnnotations) -> list[Span]:
    return sorted({(e.start, e.end, e.label) for e in annotations.entities
                   if e.status == SpanStatus.ACCEPTED})


def _match(a: Sequence[Span], b: Sequence[Span], same: Any) -> tuple[int, list[Span], list[Span]]:
    """One-to-one greedy matching in text order; returns (matched, unmatched a, unmatched b)."""
    left = list(b)
    matched, only_a = 0, []
    for span in a:
        hit = next((other for other in left if same(span, other)), None)
        if hit is None:
            only_a.append(span)
        else:
            left.remove(hit)
            matched += 1
    return matched, only_a, left


def span_counts(text: str, a: Sequence[Span], b: Sequence[Span]) -> dict[str, Counts]:
    """Exact, overlap and clitic-tolerant counts for one article, overall. Spans equal in
    both are matched first (they match under every rule); the rest are paired one to one."""
    def overlap(x: Span, y: Span) -> bool:
        return x[2] == y[2] and x[0] < y[1] and y[0] < x[1]

    def clitic(x: Span, y: Span) -> bool:
        return x[2] == y[2] and same_stretch(text, (x[0], x[1]), (y[0], y[1]))

    set_b = set(b)
    same = [x for x in a if x in set_b]
    rest_a = [x for x in a if x not in set_b]
    set_a = set(a)
    rest_b = [y for y in b if y not in set_a]
    out = {"exact": Counts(len(same), len(rest_a), len(rest_b))}
    for name, rule in (("overlap", overlap), ("clitic_tolerant", clitic)):
        matched, only_a, only_b = _match(rest_a, rest_b, rule)
        out[name] = Counts(len(same) + matched, len(only_a), len(only_b))
    return out


def token_tags(text: str, spans: Sequence[Span], tokens: Sequence[Any] | None = None
               ) -> list[str]:
    """Each token's IOB2 tag from the outermost span covering it (longest first)."""
    tokens = tokenize(text) if tokens is None else tokens
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    tags = [OUTSIDE] * len(tokens)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        # Tokens overlapping [start, end): ends after start, starts before end.
        first, last = bisect_right(ends, start), bisect_left(starts, end)
        inside = range(first, last)
        if not inside or any(tags[i] != OUTSIDE for i in inside):
            continue
        tags[first] = f"B-{label}"
        for i in inside[1:]:
            tags[i] = f"I-{label}"
    return tags


class _Tags:
    """Each (annotator, article)'s token tags, computed once per report (the pairs, the
    patterns and the token tables all need them; tokenizing dominates the cost)."""

    def __init__(self) -> None:
        self._tokens: dict[str, list[Any]] = {}
        self._tags: dict[tuple[str, str], list[str]] = {}

    def tokens(self, article_id: str, text: str) -> list[Any]:
        found = self._tokens.get(article_id)
        if found is None:
            found = self._tokens[article_id] = tokenize(text)
        return found

    def of(self, layer: Layer, article_id: str) -> list[str]:
        key = (layer.name, article_id)
        found = self._tags.get(key)
        if found is None:
            text, ann = layer.articles[article_id]
            found = self._tags[key] = token_tags(text, accepted_spans(ann),
                                                 self.tokens(article_id, text))
        return found


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equal-length label sequences (None when undefined)."""
    n = len(a)
    if n == 0 or n != len(b):
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(table: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa: ``table`` holds, per item, the labels of its raters (same count for
    every item, at least two)."""
    items = [row for row in table if len(row) >= 2]
    if not items:
        return None
    raters = len(items[0])
    if any(len(row) != raters for row in items):
        raise ValueError("Fleiss' kappa needs the same number of raters for every item")
    n_items = len(items)
    totals: Counter[str] = Counter()
    squares = 0
    # Rows repeat (most tokens are O for everyone): count each distinct row once.
    # (rows come as tuples from the token tables; lists are turned into tuples)
    for row, times in Counter(row if type(row) is tuple else tuple(row)
                              for row in items).items():
        counts = Counter(row)
        for label, c in counts.items():
            totals[label] += c * times
        squares += sum(c * c for c in counts.values()) * times
    p_bar = (squares - n_items * raters) / (n_items * raters * (raters - 1))
    p_e = sum((c / (n_items * raters)) ** 2 for c in totals.values())
    if p_e == 1:
        return 1.0 if p_bar == 1 else None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(table: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) with the ``krippendorff`` package; ``table`` is raters
    × items, None where a rater did not see an item."""
    try:
        import krippendorff
        import numpy as np
    except ImportError:  # an optional figure: the rest of the report stands without it
        return None
    values = sorted({v for row in table for v in row if v is not None})
    if len(values) < 2:
        return 1.0 if values else None
    index = {v: float(i) for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else index[v] for v in row] for row in table])
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _events(annotations: ArticleAnnotations) -> list[Any]:
    return [e for e in annotations.events if e.status == SpanStatus.ACCEPTED]


def _arguments(annotations: ArticleAnnotations) -> set[tuple[int, int, str, int, int]]:
    entities = {e.id: e for e in annotations.entities}
    out = set()
    for event in _events(annotations):
        for arg in event.arguments:
            entity = entities.get(arg.entity_id)
            if entity is not None:
                out.add((event.trigger_start, event.trigger_end, arg.role,
                         entity.start, entity.end))
    return out


@dataclass
class PairReport:
    a: str
    b: str
    articles: int = 0
    spans: dict[str, Counts] = field(default_factory=lambda: {
        "exact": Counts(), "overlap": Counts(), "clitic_tolerant": Counts()})
    by_label: dict[str, Counts] = field(default_factory=dict)
    tags_a: list[str] = field(default_factory=list)
    tags_b: list[str] = field(default_factory=list)
    triggers: Counts = field(default_factory=Counts)
    arguments: Counts = field(default_factory=Counts)
    type_same: int = 0
    type_pairs: int = 0
    cameo_a: list[str] = field(default_factory=list)
    cameo_b: list[str] = field(default_factory=list)
    doc_a: list[str] = field(default_factory=list)
    doc_b: list[str] = field(default_factory=list)
    clitic_only: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "articles": self.articles,
            "spans": {k: v.as_dict() for k, v in self.spans.items()},
            "labels": {k: v.as_dict() for k, v in sorted(self.by_label.items())},
            "token_kappa": _round(cohen_kappa(self.tags_a, self.tags_b)),
            "events": {
                "trigger": self.triggers.as_dict(),
                "argument": self.arguments.as_dict(),
                "type_agreement": _round(self.type_same / self.type_pairs
                                         if self.type_pairs else None),
                "cameo_kappa": _round(cohen_kappa(self.cameo_a, self.cameo_b)),
            },
            "doc_label_kappa": _round(cohen_kappa(self.doc_a, self.doc_b)),
            "clitic_only_disagreements": len(self.clitic_only),
        }


def compare_pair(a: Layer, b: Layer, doc_labels: Iterable[str] = (),
                 cache: _Tags | None = None) -> tuple[PairReport, int]:
    """The pair's report, and how many shared articles were left out (texts differ)."""
    cache = cache or _Tags()
    report = PairReport(a.name, b.name)
    differing = 0
    labels = sorted(set(doc_labels))
    for article_id in sorted(set(a.articles) & set(b.articles)):
        text, ann_a = a.articles[article_id]
        text_b, ann_b = b.articles[article_id]
        if text != text_b:
            differing += 1
            continue
        report.articles += 1
        sa, sb = accepted_spans(ann_a), accepted_spans(ann_b)
        for name, counts in span_counts(text, sa, sb).items():
            report.spans[name].add(counts)
        set_a, set_b = set(sa), set(sb)
        for span in set_a | set_b:  # exact F1 per label: set membership is enough
            counts = report.by_label.setdefault(span[2], Counts())
            if span in set_a and span in set_b:
                counts.both += 1
            elif span in set_a:
                counts.only_a += 1
            else:
                counts.only_b += 1
        exact_only_a = [s for s in sa if s not in sb]
        for span in exact_only_a:
            other = next((o for o in sb if o[2] == span[2] and o != span
                          and same_stretch(text, (o[0], o[1]), (span[0], span[1]))), None)
            if other is not None:
                report.clitic_only.append({"article": article_id,
                                           a.name: text[span[0]:span[1]],
                                           b.name: text[other[0]:other[1]], "label": span[2]})
        report.tags_a += cache.of(a, article_id)
        report.tags_b += cache.of(b, article_id)
        ta = {(e.trigger_start, e.trigger_end, e.type) for e in _events(ann_a)}
        tb = {(e.trigger_start, e.trigger_end, e.type) for e in _events(ann_b)}
        report.triggers.add(Counts(len(ta & tb), len(ta - tb), len(tb - ta)))
        arg_a, arg_b = _arguments(ann_a), _arguments(ann_b)
        report.arguments.add(Counts(len(arg_a & arg_b), len(arg_a - arg_b), len(arg_b - arg_a)))
        by_place_b = {(e.trigger_start, e.trigger_end): e for e in _events(ann_b)}
        for event in _events(ann_a):
            other = by_place_b.get((event.trigger_start, event.trigger_end))
            if other is None:
                continue
            report.type_pairs += 1
            report.type_same += event.type == other.type
            report.cameo_a.append(event.cameo or "—")
            report.cameo_b.append(other.cameo or "—")
        for label in labels:
            report.doc_a.append(str(label in ann_a.doc_labels))
            report.doc_b.append(str(label in ann_b.doc_labels))
    return report, differing


def _patterns(pairs: Sequence[PairReport], layers: Mapping[str, Layer], cache: _Tags,
              limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent token-label disagreements (``PERS`` vs ``O`` …) with examples."""
    counter: Counter[tuple[str, ...]] = Counter()
    examples: dict[tuple[str, ...], list[str]] = {}
    for pair in pairs:
        a, b = layers[pair.a], layers[pair.b]
        for article_id in sorted(set(a.articles) & set(b.articles)):
            text = a.articles[article_id][0]
            if b.articles[article_id][0] != text:
                continue
            tokens = cache.tokens(article_id, text)
            for token, x, y in zip(tokens, cache.of(a, article_id), cache.of(b, article_id),
                                   strict=True):
                if x == y:
                    continue
                key = tuple(sorted((x.split("-", 1)[-1], y.split("-", 1)[-1])))
                if key[0] == key[1]:
                    continue
                counter[key] += 1
                if len(found := examples.setdefault(key, [])) < 3:
                    found.append(token.text)
    return [{"labels": list(key), "tokens": n, "examples": examples.get(key, [])}
            for key, n in counter.most_common(limit)]


def agreement(layers: Sequence[Layer], doc_labels: Iterable[str] = ()) -> dict[str, Any]:
    """The whole report (the stable JSON of ``warraq agree --format json``)."""
    with paused_gc():  # millions of small tuples and lists: generational scans were half
        return _agreement(layers, list(doc_labels))


def _agreement(layers: Sequence[Layer], doc_labels: list[str]) -> dict[str, Any]:
    by_name = {layer.name: layer for layer in layers}
    pairs: list[PairReport] = []
    excluded = 0
    cache = _Tags()
    for a, b in itertools.combinations(layers, 2):
        pair, differing = compare_pair(a, b, doc_labels, cache)
        pairs.append(pair)
        excluded += differing
    overall = {name: Counts() for name in ("exact", "overlap", "clitic_tolerant")}
    labels: dict[str, Counts] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    for pair in pairs:
        for name, counts in pair.spans.items():
            overall[name].add(counts)
        for label, counts in pair.by_label.items():
            labels.setdefault(label, Counts()).add(counts)
        for x, y in zip(pair.tags_a, pair.tags_b, strict=True):
            confusion[(x.split("-", 1)[-1], y.split("-", 1)[-1])] += 1
    fleiss_rows, alpha_rows, continua = _token_tables(layers, cache)
    unitizing = unitizing_alpha(continua)
    return {
        "version": JSON_VERSION,
        "annotators": [layer.name for layer in layers],
        "pairs": [p.as_dict() for p in pairs],
        "labels": {k: v.as_dict() for k, v in sorted(labels.items())},
        "metrics": {
            "spans": {k: v.as_dict() for k, v in overall.items()},
            "fleiss_kappa": _round(fleiss_kappa(fleiss_rows)),
            "krippendorff_alpha": _round(krippendorff_alpha(alpha_rows)),
            "unitizing_alpha": _round(unitizing.alpha),
            "unitizing_set_aside": unitizing.set_aside,
            "excluded_articles": excluded,
        },
        "confusion": [{"a": a, "b": b, "tokens": n}
                      for (a, b), n in sorted(confusion.items())],
        "patterns": _patterns(pairs, by_name, cache),
        "clitic_only": [d for p in pairs for d in p.clitic_only][:50],
    }


def _token_tables(layers: Sequence[Layer], cache: _Tags
                  ) -> tuple[list[tuple[str, ...]], list[list[str | None]],
                                list[tuple[int, list[list[Unit]]]]]:
    """Fleiss rows (tokens of articles every annotator did), the Krippendorff table
    (annotators × tokens of every article two or more did, None where one did not) and
    the continua for unitizing alpha (each such article's length and every annotator's
    accepted spans)."""
    ids = sorted({i for layer in layers for i in layer.articles})
    fleiss: list[tuple[str, ...]] = []
    alpha: list[list[str | None]] = [[] for _ in layers]
    continua: list[tuple[int, list[list[Unit]]]] = []
    for article_id in ids:
        having = [layer for layer in layers if article_id in layer.articles]
        if len(having) < 2:
            continue
        text = having[0].articles[article_id][0]
        if any(layer.articles[article_id][0] != text for layer in having):
            continue
        tags = {layer.name: cache.of(layer, article_id) for layer in having}
        continua.append((len(text), [[(label, start, end) for start, end, label
                                      in accepted_spans(layer.articles[article_id][1])]
                                     for layer in having]))
        n = len(cache.tokens(article_id, text))
        if len(having) == len(layers):
            fleiss.extend(zip(*(tags[layer.name] for layer in layers), strict=True))
        for row, layer in zip(alpha, layers, strict=True):
            row.extend(tags[layer.name] if layer.name in tags else [None] * n)
    return fleiss, alpha, continua

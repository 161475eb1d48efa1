"""Precision, recall and F1 of predicted entity spans against gold, per label and overall.

Why three ways of matching: annotation guides disagree on where an Arabic name starts. Warraq
(like ANERcorp and Wojood) tags whole tokens, clitics included (``والصين``); other corpora
leave the conjunction or preposition outside (``و`` + ``الصين``). Counting only exact spans
would punish a suggester for a house style, counting any overlap would reward half-names, so
all three are reported:

* **exact**: same start, end and label;
* **tolerant**: same label, and each boundary is either equal or differs only by a clitic
  inside the same word (proclitics ``و ف ب ل ك`` at the start, pronoun suffixes ``ه ها هم``…
  at the end);
* **overlap**: same label and at least one shared character.

Each gold span is matched to at most one prediction (exact pairs first, then the looser
ones), so precision and recall share the same true-positive count. Figures are
micro-averaged over the labels evaluated. Pure: no store, no files (the CLI,
``tui/cli/evaluate.py``, reads gold through ``store.formats`` and runs suggesters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MODES = ("exact", "tolerant", "overlap")
OVERALL = "ALL"

# What may lie between two boundaries of a tolerant match: one word's proclitics at the
# start (و ف, then ب ل ك, ``لل`` = ل + the article's lam), a pronoun suffix at the end.
_PROCLITIC = re.compile(r"[وف]?(?:[بلك]|لل)?")
_ENCLITIC = re.compile(r"ه|ها|هم|هما|هن|ك|كم|كما|كن|نا|ي")


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span of one document (end-exclusive code point offsets)."""

    start: int
    end: int
    label: str


@dataclass
class Counts:
    """True positives, predicted and gold spans of one label under one matching mode."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold


@dataclass
class Evaluation:
    """Counts per mode and label (``OVERALL`` = micro average over ``labels``)."""

    labels: list[str]
    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)
    documents: int = 0

    def get(self, mode: str, label: str = OVERALL) -> Counts:
        return self.counts.setdefault(mode, {}).setdefault(label, Counts())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures (``warraq evaluate --format json``)."""
        out: dict[str, Any] = {"documents": self.documents, "labels": self.labels}
        for mode in MODES:
            out[mode] = {
                label: {"precision": round(c.precision, 4), "recall": round(c.recall, 4),
                        "f1": round(c.f1, 4), "tp": c.tp, "predicted": c.predicted,
                        "gold": c.gold}
                for label in [*self.labels, OVERALL]
                for c in [self.get(mode, label)]
            }
        return out


def _within_word(text: str, a: int, b: int, pattern: re.Pattern[str]) -> bool:
    piece = text[a:b]
    return bool(piece) and pattern.fullmatch(piece) is not None


def clitic_tolerant(gold: Span, pred: Span, text: str) -> bool:
    """Same label and boundaries equal or apart by a clitic of the same word."""
    if gold.label != pred.label:
        return False
    lo, hi = sorted((gold.start, pred.start))
    if lo != hi and not (_within_word(text, lo, hi, _PROCLITIC) and hi < len(text)
                         and not text[hi].isspace()):
        return False
    lo, hi = sorted((gold.end, pred.end))
    return lo == hi or (_within_word(text, lo, hi, _ENCLITIC) and lo > 0
                        and not text[lo - 1].isspace())


def overlapping(gold: Span, pred: Span, text: str) -> bool:
    return gold.label == pred.label and gold.start < pred.end and pred.start < gold.end


def _exact(gold: Span, pred: Span, text: str) -> bool:
    return gold == pred


_TESTS = {"exact": _exact, "tolerant": clitic_tolerant, "overlap": overlapping}


def match_count(gold: Sequence[Span], pred: Sequence[Span], text: str, mode: str
                ) -> dict[str, int]:
    """True positives per label: each gold span pairs with at most one prediction, exact
    pairs first so a looser pair never takes a prediction an exact one needed."""
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    tp: dict[str, int] = {}
    passes = ["exact"] if mode == "exact" else ["exact", mode]
    for name in passes:
        test = _TESTS[name]
        for gi, g in enumerate(gold):
            if gi in used_gold:
                continue
            for pi, p in enumerate(pred):
                if pi not in used_pred and test(g, p, text):
                    used_gold.add(gi)
                    used_pred.add(pi)
                    tp[g.label] = tp.get(g.label, 0) + 1
                    break
    return tp


def evaluate(documents: Iterable[tuple[str, Iterable[Span], Iterable[Span]]],
             labels: Iterable[str] | None = None) -> Evaluation:
    """Score ``(text, gold spans, predicted spans)`` per document.

    ``labels`` limits both sides to those labels (default: every gold label); spans of
    other labels are ignored, not counted as errors.
    """
    docs = [(text, list(gold), list(pred)) for text, gold, pred in documents]
    if labels is None:
        wanted = sorted({s.label for _, gold, _ in docs for s in gold})
    else:
        wanted = list(dict.fromkeys(labels))
    keep = set(wanted)
    result = Evaluation(labels=wanted, documents=len(docs))
    for text, gold_all, pred_all in docs:
        gold = sorted({s for s in gold_all if s.label in keep}, key=_order)
        pred = sorted({s for s in pred_all if s.label in keep}, key=_order)
        for mode in MODES:
            tps = match_count(gold, pred, text, mode)
            for label in wanted:
                c = Counts(tps.get(label, 0), sum(p.label == label for p in pred),
                           sum(g.label == label for g in gold))
                result.get(mode, label).add(c)
                result.get(mode, OVERALL).add(c)
    return result


def _order(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def spans_of(items: Iterable[Any]) -> list[Span]:
    """Spans from suggester output: ``(start, end, label[, score])`` tuples, dicts or
    objects with ``start``/``end``/``label``; anything else is skipped."""
    out: list[Span] = []
    for item in items:
        if isinstance(item, dict):
            start, end, label = item.get("start"), item.get("end"), item.get("label")
        elif isinstance(item, tuple | list):
            if len(item) < 3:
                continue
            start, end, label = item[0], item[1], item[2]
        else:
            start, end, label = (getattr(item, "start", None), getattr(item, "end", None),
                                 getattr(item, "label", None))
        if isinstance(start, int) and isinstance(end, int) and isinstance(label, str) \
                and 0 <= start < end:
            out.append(Span(start, end, label))
    return out


def table_rows(result: Evaluation) -> list[list[str]]:
    """Header plus one row per label and mode: label, mode, P, R, F1, tp, predicted, gold."""
    rows = [["label", "match", "P", "R", "F1", "tp", "pred", "gold"]]
    for label in [*result.labels, OVERALL]:
        for mode in MODES:
            c = result.get(mode, label)
            rows.append([label, mode, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}",
                         str(c.tp), str(c.predicted), str(c.gold)])
    return rows

"""Krippendorff's unitizing alpha (uα) for labelled spans on a text.

Token kappas judge every token's tag, so they are blind to a boundary inside a word (a
proclitic in or out of the span) and cannot weigh a long span a word short against a short
one missed altogether. Unitizing alpha (Krippendorff, Mathet, Bouvry and
Fleischmann, "On the reliability of unitizing textual continua: further developments",
Quality & Quantity 50, 2016) compares how each annotator cut the text itself into labelled
units and unlabelled gaps, measured in characters:

* every annotator's spans and the gaps between them partition the text (a *continuum*);
* observed coincidences: for every ordered pair of annotators of a continuum and every
  pair of their segments, the length of the overlap is added to the cell (value of the
  first, value of the second), divided by the annotators of that continuum minus one;
* expected coincidences follow from the totals, where a unit can only pair with itself as
  a whole (its length squared is taken out) and a gap as single characters (its length);
* with the nominal difference, ``uα = 1 - (l.. - Σ o_cc) / (l.. - Σ e_cc)``.

Several articles are one continuum laid end to end: segments of different articles never
overlap, and the totals are shared. Only the text's characters count; no library computes
this coefficient (the ``krippendorff`` package is for values per item), so it is written
here and checked against hand-computed cases and against the authors' example in
``tests/test_unitizing.py``.

A partition cannot hold nested spans: each annotator's outermost spans are used, and the
spans set aside (nested, or overlapping an earlier one) are counted for the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GAP = None  # the value of a stretch no unit covers

Unit = tuple[str, int, int]  # (label, start, end), end exclusive


@dataclass
class UnitizingReport:
    alpha: float | None
    characters: int = 0  # l..: characters counted over every annotator
    set_aside: int = 0  # nested or overlapping spans a partition cannot hold
    observed: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)


def outermost(units: Iterable[Unit]) -> tuple[list[Unit], int]:
    """A partition's units: the outermost span wins; a span inside or across an earlier
    one is set aside (counted)."""
    kept: list[Unit] = []
    dropped = 0
    for unit in sorted(units, key=lambda u: (u[1], -u[2], u[0])):
        if unit[1] >= unit[2] or (kept and unit[1] < kept[-1][2]):
            dropped += 1
        else:
            kept.append(unit)
    return kept, dropped


def partition(units: Sequence[Unit], length: int) -> list[tuple[str | None, int, int]]:
    """Units (sorted, not overlapping) and the gaps around them, covering ``[0, length)``."""
    out: list[tuple[str | None, int, int]] = []
    at = 0
    for label, start, end in units:
        start, end = max(start, at), min(end, length)
        if start >= end:
            continue
        if start > at:
            out.append((GAP, at, start))
        out.append((label, start, end))
        at = end
    if at < length:
        out.append((GAP, at, length))
    return out


def _overlaps(first: Sequence[tuple[str | None, int, int]],
              second: Sequence[tuple[str | None, int, int]], weight: float,
              into: Counter[tuple[str | None, str | None]]) -> None:
    """Both orders of a pair of partitions of one continuum, by a sweep of the two (written
    for speed: 100,000 spans per annotator sweep in well under a second)."""
    i = j = 0
    n_first, n_second = len(first), len(second)
    get = into.get
    while i < n_first and j < n_second:
        va, sa, ea = first[i]
        vb, sb, eb = second[j]
        low = sa if sa > sb else sb
        high = ea if ea < eb else eb
        if high > low:
            amount = (high - low) * weight
            key = (va, vb)
            into[key] = get(key, 0) + amount
            key = (vb, va)
            into[key] = get(key, 0) + amount
        if ea <= eb:
            i += 1
        else:
            j += 1


def unitizing_alpha(continua: Iterable[tuple[int, Sequence[Sequence[Unit]]]]
                    ) -> UnitizingReport:
    """uα over ``continua``: each is (text length, one list of units per annotator who
    did it). A continuum with fewer than two annotators has no pairs and is skipped."""
    set_aside = 0

    def partitions() -> Iterable[list[list[tuple[str | None, int, int]]]]:
        nonlocal set_aside
        for length, coders in continua:
            if len(coders) < 2 or length <= 0:
                continue
            parts = []
            for units in coders:
                kept, dropped = outermost(units)
                set_aside += dropped
                parts.append(partition(kept, length))
            yield parts

    report = alpha_of_partitions(partitions())
    report.set_aside = set_aside
    return report


def alpha_of_partitions(continua: Iterable[Sequence[Sequence[tuple[str | None, int, int]]]]
                        ) -> UnitizingReport:
    """uα from each continuum's segments per annotator (units and gaps, as cut)."""
    observed: Counter[tuple[str | None, str | None]] = Counter()
    self_pairs: Counter[str | None] = Counter()  # Σ l² per unit value, Σ l for gaps
    for parts in continua:
        if len(parts) < 2:
            continue
        for part in parts:
            for value, start, end in part:
                size = end - start
                self_pairs[value] += size if value is GAP else size * size
        weight = 1 / (len(parts) - 1)
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                _overlaps(parts[a], parts[b], weight, observed)
    total = sum(observed.values())
    report = UnitizingReport(None, round(total), 0, observed)
    if total <= 0:
        return report
    margin: Counter[str | None] = Counter()
    for (value, _), amount in observed.items():
        margin[value] += amount
    denominator = total * total - sum(self_pairs.values())
    if denominator <= 0:
        return report
    expected_same = sum(total * (margin[v] * margin[v] - self_pairs[v]) / denominator
                        for v in margin)
    observed_same = sum(amount for (a, b), amount in observed.items() if a == b)
    d_expected = total - expected_same
    d_observed = total - observed_same
    if d_expected <= 0:
        report.alpha = 1.0 if d_observed <= 1e-9 else None
    else:
        report.alpha = 1 - d_observed / d_expected
    return report

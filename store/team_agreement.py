"""A team store's agreement report, as ``warraq agree --format json`` prints it and the app's
Agreement screen shows it: one function makes the numbers for both, so they never differ.

Layers are loaded one by one (``load_team``) so that a report over a subset of annotators
(a pair chosen in the app, ``--annotators a,b`` on the command line) counts exactly the
damaged files of those layers. ``team_report`` adds to ``store.agreement.agreement``'s
report what both views need beyond it: the damaged-file count and, per label, the overlap
and clitic-tolerant counts beside the exact ones (``labels[L]["overlap"]``,
``labels[L]["clitic_tolerant"]``, the same in each pair's ``labels``), computed with the
same matching (``span_counts``) on each label's spans alone: a label's counts sum to the
overall ones, since spans of different labels never match.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.agreement import Counts, Layer, accepted_spans, agreement, span_counts
from store.schema import Schema
from store.team import load_layers

RULES = ("exact", "overlap", "clitic_tolerant")


@dataclass
class TeamLayers:
    """The layers read from a team store, and per annotator the files left out (one line
    each: named, never counted)."""

    layers: dict[str, Layer] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.layers)

    def all_problems(self, names: Iterable[str] | None = None) -> list[str]:
        chosen = self.problems if names is None else {n: self.problems.get(n, []) for n in names}
        return [line for lines in chosen.values() for line in lines]


def annotator_layers(root: Path) -> list[str]:
    """The annotators' layers of a team store: every layer but the curated one (the
    adjudicated result is no annotator; name it explicitly to compare against it)."""
    from store.adjudication import CURATED
    from store.paths import layer_names

    return [name for name in layer_names(root) if name != CURATED]


def load_team(root: Path, schema: Schema, names: Sequence[str] | None = None) -> TeamLayers:
    """Every chosen layer (default: the annotators', ``annotator_layers``), each loaded on
    its own so its problems stay its own. A layer that cannot be opened at all is named in
    ``problems`` and left out."""
    team = TeamLayers()
    for name in names or annotator_layers(root):
        loaded = load_layers(root, schema, [name])
        team.problems[name] = list(loaded.problems)
        for layer in loaded.layers:
            team.layers[layer.name] = layer
    return team


def label_rule_counts(a: Layer, b: Layer) -> dict[str, dict[str, Counts]]:
    """Per label, exact, overlap and clitic-tolerant counts of one pair over the articles
    both did with the same text (those ``compare_pair`` compares). Spans equal in both
    match under every rule (most of them, and counted at once); only the rest goes
    through ``span_counts``, label by label."""
    out: dict[str, dict[str, Counts]] = {}

    def of(label: str) -> dict[str, Counts]:
        found = out.get(label)
        if found is None:
            found = out[label] = {rule: Counts() for rule in RULES}
        return found

    for article_id in sorted(set(a.articles) & set(b.articles)):
        text, ann_a = a.articles[article_id]
        text_b, ann_b = b.articles[article_id]
        if text != text_b:
            continue
        sa, sb = accepted_spans(ann_a), accepted_spans(ann_b)
        set_a, set_b = set(sa), set(sb)
        for span in set_a & set_b:
            for counts in of(span[2]).values():
                counts.both += 1
        rest_a = [s for s in sa if s not in set_b]
        rest_b = [s for s in sb if s not in set_a]
        for label in {s[2] for s in rest_a} | {s[2] for s in rest_b}:
            counts = span_counts(text, [s for s in rest_a if s[2] == label],
                                 [s for s in rest_b if s[2] == label])
            mine = of(label)
            for rule in RULES:
                mine[rule].add(counts[rule])
    return out


def team_report(team: TeamLayers, doc_labels: Iterable[str] = (),
                names: Sequence[str] | None = None) -> dict[str, Any]:
    """The report over ``names`` (default: every loaded layer, in the store's order); at
    least two layers. Raises ValueError with fewer."""
    chosen = [team.layers[n] for n in (names or team.names) if n in team.layers]
    if len(chosen) < 2:
        raise ValueError("agreement needs two layers or more")
    report = agreement(chosen, list(doc_labels))
    report["metrics"]["damaged_files"] = len(team.all_problems([c.name for c in chosen]))
    overall: dict[str, dict[str, Counts]] = {}
    for pair, (a, b) in zip(report["pairs"], itertools.combinations(chosen, 2), strict=True):
        per_label = label_rule_counts(a, b)
        for label, rules in per_label.items():
            entry = pair["labels"].get(label)
            if entry is not None:
                entry.update({rule: rules[rule].as_dict() for rule in RULES[1:]})
            mine = overall.setdefault(label, {rule: Counts() for rule in RULES})
            for rule in RULES:
                mine[rule].add(rules[rule])
    for label, rules in overall.items():
        entry = report["labels"].get(label)
        if entry is not None:
            entry.update({rule: rules[rule].as_dict() for rule in RULES[1:]})
    return report

"""Who annotates what in a team store (issue 15): ``warraq assign`` writes the plan.

Every article goes to one annotator, in turn over a seeded shuffle, so the load is even;
a share (``overlap``) goes to a second annotator too, the next in turn, so agreement can be
measured on it. The plan is a file of the team store (``assignments.json``), committed with
it: everyone's clone has the same plan, and the same seed gives the same plan again.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from store.errors import StoreError
from store.storage import atomic_write_text, read_json

FILE = "assignments.json"
VERSION = 1


@dataclass
class Assignment:
    annotators: list[str]
    overlap: float
    seed: int
    articles: dict[str, list[str]] = field(default_factory=dict)  # id → annotators

    def queue(self, annotator: str) -> list[str]:
        return [i for i, names in self.articles.items() if annotator in names]

    def shared(self) -> list[str]:
        return [i for i, names in self.articles.items() if len(names) > 1]


def make_assignment(ids: Sequence[str], annotators: Sequence[str], overlap: float,
                    seed: int = 0) -> Assignment:
    if len(annotators) < 1 or len(set(annotators)) != len(annotators):
        raise ValueError("--annotators: one name or more, each once")
    if not 0 <= overlap <= 1:
        raise ValueError("--overlap is a share between 0 and 1")
    if overlap > 0 and len(annotators) < 2:
        raise ValueError("an overlap needs two annotators or more")
    order = list(ids)
    random.Random(seed).shuffle(order)
    n_shared = round(len(order) * overlap)
    plan = Assignment(list(annotators), overlap, seed)
    k = len(annotators)
    for index, article_id in enumerate(order):
        first = annotators[index % k]
        names = [first]
        if index < n_shared:
            names.append(annotators[(index + 1) % k])
        plan.articles[article_id] = names
    # Back in corpus order: the queue reads like the corpus.
    plan.articles = {i: plan.articles[i] for i in ids}
    return plan


def save(root: Path, plan: Assignment) -> Path:
    path = root / FILE
    data = {"version": VERSION, "annotators": plan.annotators, "overlap": plan.overlap,
            "seed": plan.seed, "articles": plan.articles}
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def load(root: Path) -> Assignment | None:
    path = root / FILE
    if not path.exists():
        return None
    data = read_json(path)  # a damaged file: one StoreError naming it
    try:
        if data.get("version") != VERSION:
            raise StoreError(f"assignment plan version {data.get('version')!r} is not "
                             f"{VERSION}; left untouched", path)
        articles = {str(k): [str(n) for n in v] for k, v in data["articles"].items()}
        return Assignment([str(n) for n in data["annotators"]], float(data["overlap"]),
                          int(data["seed"]), articles)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"assignment plan is damaged ({exc}); left untouched", path) from None

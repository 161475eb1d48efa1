"""Grouping several annotators' items (spans, event triggers) where they overlap: what
adjudication decides one group at a time (store/adjudication.py, adjudication_events.py)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass
class Group(Generic[T]):
    start: int
    end: int
    versions: dict[str, frozenset[T]]  # every annotator, empty when they had nothing here


def overlap_groups(by_annotator: dict[str, list[T]], bounds: Callable[[T], tuple[int, int]]
                   ) -> list[Group[T]]:
    """Items of all annotators grouped where they overlap (chains join), in text order."""
    tagged = sorted(((*bounds(item), name, item) for name, items in by_annotator.items()
                     for item in items), key=lambda t: (t[0], t[1], t[2]))
    out: list[Group[T]] = []
    current: list[tuple[int, int, str, T]] = []
    end = -1
    for entry in tagged:
        if current and entry[0] >= end:
            out.append(_group(current, by_annotator))
            current = []
        current.append(entry)
        end = max(end, entry[1]) if len(current) > 1 else entry[1]
    if current:
        out.append(_group(current, by_annotator))
    return out


def _group(entries: list[tuple[int, int, str, T]], by_annotator: dict[str, list[T]]
           ) -> Group[T]:
    versions: dict[str, set[T]] = {name: set() for name in by_annotator}
    for _, _, name, item in entries:
        versions[name].add(item)
    return Group(min(e[0] for e in entries), max(e[1] for e in entries),
                 {k: frozenset(v) for k, v in versions.items()})


def most_said(versions: dict[str, frozenset[T]]) -> tuple[frozenset[T], list[str]]:
    """The version most annotators gave (ties: the one with more items) and who gave it."""
    counts: dict[frozenset[T], list[str]] = {}
    for name, version in versions.items():
        counts.setdefault(version, []).append(name)
    best, names = max(counts.items(), key=lambda kv: (len(kv[1]), len(kv[0])))
    return best, sorted(names)

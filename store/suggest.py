"""Running the gazetteer over articles into a store as pending suggestions.

Suggestions are silver data for a human to accept or reject, so a run must be safe to
repeat: a span already present with the same start, end and label — in any status, or as
the original of a span a human corrected — is never added again. That is what keeps a
rejected suggestion from coming back on the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from store.gazetteer import Gazetteer, Match
from store.records import EntitySpan, SpanStatus

ORIGIN = "gazetteer"


class _Store(Protocol):  # the part of store.store.Store used here
    schema: Any

    def attach(self, article_id: str, text: str, meta: dict[str, Any] | None = None) -> Any: ...
    def annotations(self, article_id: str) -> Any: ...
    def add_entity(self, article_id: str, span: EntitySpan) -> EntitySpan: ...
    def batch(self, description: str = ...) -> Any: ...


@dataclass
class SuggestCounts:
    """What a run did, for the CLI's summary line."""

    articles: int = 0
    added: int = 0
    already: int = 0  # present in some status (or as a corrected original)
    unknown_label: int = 0  # the schema lacks the gazetteer's label
    failed: int = 0


def known_spans(annotations: Any) -> set[tuple[int, int, str]]:
    """(start, end, label) of every entity and of every corrected entity's original."""
    seen: set[tuple[int, int, str]] = set()
    for span in annotations.entities:
        seen.add((span.start, span.end, span.label))
        if span.original is not None:
            seen.add((span.original.start, span.original.end, span.original.label))
    return seen


def new_suggestions(
    text: str, annotations: Any, gazetteer: Gazetteer, labels: set[str] | None = None,
    counts: SuggestCounts | None = None,
) -> list[Match]:
    """The gazetteer matches in ``text`` not already in ``annotations``; pure, no store."""
    counts = counts if counts is not None else SuggestCounts()
    seen = known_spans(annotations)
    fresh: list[Match] = []
    for match in gazetteer.match(text):
        if labels is not None and match.label not in labels:
            counts.unknown_label += 1
        elif (match.start, match.end, match.label) in seen:
            counts.already += 1
        else:
            seen.add((match.start, match.end, match.label))
            fresh.append(match)
    return fresh


def suggest_article(
    store: _Store, article_id: str, text: str, meta: Mapping[str, Any] | None,
    gazetteer: Gazetteer, counts: SuggestCounts | None = None,
) -> int:
    """Add the gazetteer's pending suggestions for one article; returns how many were new.

    All additions of one article are one write and one undo step.
    """
    counts = counts if counts is not None else SuggestCounts()
    store.attach(article_id, text, dict(meta or {}))
    labels = set(store.schema.entity_labels) if store.schema is not None else None
    fresh = new_suggestions(text, store.annotations(article_id), gazetteer, labels, counts)
    if fresh:
        with store.batch(f"gazetteer suggestions for {article_id}"):
            for m in fresh:
                store.add_entity(
                    article_id,
                    EntitySpan(
                        start=m.start, end=m.end, text=m.text, label=m.label,
                        origin=ORIGIN, status=SpanStatus.PENDING, score=round(m.score, 3),
                        extra={"entry": m.entry},
                    ),
                )
    counts.articles += 1
    counts.added += len(fresh)
    return len(fresh)

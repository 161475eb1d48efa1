"""What the event editor offers to fill a role: one choice per entity, not per mention.

An article names Putin twenty times; the editor lists him once ("PERS بوتين ×20") and fills
the role with the mention nearest the event's trigger, which is the one the sentence is
about. Whether a label fits a role is the schema's ``[role_types]``; the editor warns on a
misfit and still lets the annotator decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from store.arabic import normalize
from store.records import EntitySpan, SpanStatus
from store.schema import Schema


@dataclass(frozen=True)
class EntityChoice:
    """One entity of the article: a label and a text, with all its mentions counted."""

    label: str
    text: str
    span_id: str  # the mention that fills a role: the one nearest the trigger
    start: int  # where that mention is (the reader shows it while browsing)
    mentions: int
    pending: bool  # every mention is still a suggestion
    search: str  # what the filter matches: label and normalized text


def entity_choices(entities: Iterable[EntitySpan], trigger_start: int) -> list[EntityChoice]:
    """Live entities grouped by (label, normalized text), in order of first mention.

    The representative mention is an accepted one where there is one (a pending suggestion
    is not gold yet), then the one nearest ``trigger_start``."""
    groups: dict[tuple[str, str], list[EntitySpan]] = {}
    for span in sorted(entities, key=lambda e: (e.start, e.end)):
        if span.status == SpanStatus.REJECTED or span.stale:
            continue
        groups.setdefault((span.label, normalize(span.text.strip())), []).append(span)
    out: list[EntityChoice] = []
    for (label, key), spans in groups.items():
        best = min(spans, key=lambda e: (e.status == SpanStatus.PENDING,
                                         abs(e.start - trigger_start), e.start))
        out.append(EntityChoice(
            label=label, text=best.text, span_id=best.id, start=best.start,
            mentions=len(spans),
            pending=all(e.status == SpanStatus.PENDING for e in spans),
            search=f"{label} {key}".casefold(),
        ))
    return out


def filter_choices(choices: list[EntityChoice], query: str) -> list[EntityChoice]:
    """Choices whose label or text contains the query (Arabic-normalized, any case)."""
    q = normalize(query.strip())
    return [c for c in choices if not q or q in c.search]


def misfit(schema: Schema, role: str, label: str) -> str | None:
    """A one-line warning when ``label`` does not fit ``role`` in the schema, else None."""
    if schema.role_fits(role, label):
        return None
    allowed = ", ".join(schema.role_types.get(role, ()))
    return f"{role} takes {allowed}, not {label}"

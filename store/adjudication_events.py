"""Adjudication of events: the same policy as for spans (store/adjudication.py), with an
event's *version* being its trigger, type and arguments (role, and the argument's offsets
and label), so two annotators agree on an event only when they agree on all of it.

Events are grouped where their triggers overlap. Taking a version writes the event into the
curated layer with its arguments pointing at the curated layer's own entity on the same
offsets and label — added (accepted, ``origin="adjudicated"``) when the curated layer does
not have it yet, since an accepted event's argument is gold too. "None" and the versions not
taken are recorded as rejected events, so the group counts as decided and the decision
survives a restart, git and undo like any other record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from store.records import EntitySpan, Event, EventArgument, SpanStatus

ORIGIN = "adjudicated"

Argument = tuple[str, int, int, str]  # role, entity start, end, label


@dataclass(frozen=True)
class EventVersion:
    start: int
    end: int
    type: str
    arguments: tuple[Argument, ...]

    def said(self, text: str) -> str:
        args = "  ".join(f"{role}: «{text[s:e]}»" for role, s, e, _ in self.arguments)
        return f"{self.type} «{text[self.start:self.end]}»" + (f"  {args}" if args else "")


def versions_of(annotations: Any) -> list[tuple[EventVersion, Event]]:
    """An annotator's accepted events as versions (and the records they come from)."""
    entities = {e.id: e for e in annotations.entities}
    out = []
    for event in annotations.events:
        if event.status != SpanStatus.ACCEPTED:
            continue
        args = []
        for arg in event.arguments:
            entity = entities.get(arg.entity_id)
            if entity is not None:
                args.append((arg.role, entity.start, entity.end, entity.label))
        out.append((EventVersion(event.trigger_start, event.trigger_end, event.type,
                                 tuple(sorted(args))), event))
    return out


def decided(curated_events: Sequence[Event], start: int, end: int) -> bool:
    """Whether the curated layer holds a decision on events whose triggers meet [start, end)."""
    return any(e.trigger_start < end and start < e.trigger_end and e.origin == ORIGIN
               for e in curated_events)


def write_event(store: Any, article_id: str, text: str, version: EventVersion,
                names: list[str], source: Event | None, status: SpanStatus) -> None:
    """One event into the curated layer (inside the caller's batch): accepted with its
    arguments on the curated layer's entities (added when missing), or rejected bare."""
    arguments: list[EventArgument] = []
    if status == SpanStatus.ACCEPTED:
        for role, s, e, label in version.arguments:
            arguments.append(EventArgument(role, _entity_id(store, article_id, text,
                                                            (s, e, label), names)))
    store.add_event(article_id, Event(
        version.type, version.start, version.end, text[version.start:version.end],
        arguments=arguments,
        attributes=dict(source.attributes) if source is not None else {},
        ace=source.ace if source is not None else None,
        cameo=source.cameo if source is not None else None,
        origin=ORIGIN, status=status, extra={"agreed_by": list(names)}))


def _entity_id(store: Any, article_id: str, text: str, span: tuple[int, int, str],
               names: list[str]) -> str:
    start, end, label = span
    for entity in store.annotations(article_id).entities:
        if ((entity.start, entity.end, entity.label) == span
                and entity.status == SpanStatus.ACCEPTED):
            return entity.id
    added = store.add_entity(article_id, EntitySpan(
        start, end, text[start:end], label, origin=ORIGIN, status=SpanStatus.ACCEPTED,
        extra={"agreed_by": list(names)}))
    return added.id

"""What each annotation key does to the open article, written against the store alone.

The reader only knows spans on screen; this module turns "label this span with key 3",
"accept the suggestion under the cursor" or "make this word an event trigger" into store
calls, so every action is saved at once and undoable, and can be tested without a screen.
No Textual import: the main screen calls it and repaints from what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.errors import StoreError
from store.records import (
    HUMAN,
    ArticleAnnotations,
    ArticleStatus,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)
from store.schema import Schema
from store.span_policy import (
    IsName,
    SpanPolicy,
    decision_changes,
    gazetteer_names,
    policy_of,
    same_stretch,
)


@dataclass(frozen=True)
class Decoration:
    """One thing the reader draws under the text."""

    start: int
    end: int
    kind: str  # "entity" | "suggestion" | "highlight" | "trigger"
    label: str
    colour: str
    id: str


@dataclass(frozen=True)
class PaneItem:
    """One row of the tagging pane, in reading order."""

    start: int
    end: int
    kind: str  # "entity" | "suggestion" | "highlight" | "event"
    id: str
    label: str
    colour: str
    text: str
    detail: str = ""
    status: str = ""  # entities: accepted / pending; "" for other kinds
    origin: str = ""  # entities: what made the span (human, gazetteer, an import…)
    annotator: str = ""  # entities: who made or last decided it, where recorded


class AnnotationError(Exception):
    """An action that cannot apply here (nothing under the cursor, unknown key…)."""


class ArticleSession:
    """The open article's annotations and the actions on them."""

    def __init__(self, store: Any, schema: Schema, article_id: str, text: str) -> None:
        self.store = store
        self.schema = schema
        self.article_id = article_id
        self.text = text
        self.policy: SpanPolicy = policy_of(schema)
        self._lexicon_names: IsName | None = None

    # ------------------------------------------------------------------ span policy
    def _is_name(self, key: str) -> bool:
        """Under the stem policy: the names a proclitic may be cut from — the article's
        accepted spans, then the built-in gazetteer (loaded on first use)."""
        from store.arabic import normalize

        if any(normalize(e.text) == key for e in self.annotations.entities
               if e.status == SpanStatus.ACCEPTED):
            return True
        if self._lexicon_names is None:
            self._lexicon_names = gazetteer_names()
        return self._lexicon_names(key)

    def fit(self, start: int, end: int) -> tuple[int, int]:
        """The schema's ``span_boundary`` applied to a span a person made."""
        return self.policy.fit(self.text, start, end,
                               self._is_name if self.policy.stem else None)

    def _policy_note(self, asked: tuple[int, int], got: tuple[int, int]) -> str:
        if asked == got:
            return ""
        return (" (whole words: span_boundary = token)" if not self.policy.stem
                else " (clitic left out: span_boundary = stem)")

    # ------------------------------------------------------------------ reading
    @property
    def annotations(self) -> ArticleAnnotations:
        return self.store.annotations(self.article_id)

    def colour_of(self, label: str) -> str:
        entity = self.schema.entity(label)
        return entity.colour if entity else "#888888"

    def highlight_colour(self, category: str) -> str:
        found = self.schema.highlight_category(category)
        return found.colour if found else "#ffd75f"

    def decorations(self) -> list[Decoration]:
        ann = self.annotations
        out: list[Decoration] = []
        for span in ann.entities:
            if span.status == SpanStatus.REJECTED or span.stale:
                continue
            kind = "suggestion" if span.status == SpanStatus.PENDING else "entity"
            out.append(
                Decoration(span.start, span.end, kind, span.label, self.colour_of(span.label),
                           span.id)
            )
        for mark in ann.highlights:
            if mark.stale:
                continue
            out.append(
                Decoration(mark.start, mark.end, "highlight", mark.category,
                           self.highlight_colour(mark.category), mark.id)
            )
        for event in ann.events:
            if event.stale:
                continue
            out.append(
                Decoration(event.trigger_start, event.trigger_end, "trigger", event.type,
                           "#ff79c6", event.id)
            )
        out.sort(key=lambda d: (d.start, -(d.end - d.start)))
        return out

    def pane_items(self) -> list[PaneItem]:
        """Every annotation in reading order, with the links an annotator checks."""
        ann = self.annotations
        entities = {e.id: e for e in ann.entities}
        items: list[PaneItem] = []
        for span in ann.entities:
            if span.status == SpanStatus.REJECTED:
                continue
            pending = span.status == SpanStatus.PENDING
            detail = f"suggested by {span.origin}" if pending else ""
            if span.original is not None and not pending:
                detail = f"corrected from {span.original.label}"
            if span.stale:
                detail = "stale: text changed"
            items.append(
                PaneItem(span.start, span.end, "suggestion" if pending else "entity", span.id,
                         span.label, self.colour_of(span.label), span.text, detail,
                         str(span.status), span.origin, span.annotator or "")
            )
        for mark in ann.highlights:
            items.append(
                PaneItem(mark.start, mark.end, "highlight", mark.id, mark.category,
                         self.highlight_colour(mark.category), mark.text, mark.note or "")
            )
        for event in ann.events:
            roles = []
            for arg in event.arguments:
                target = entities.get(arg.entity_id)
                roles.append(f"{arg.role}={target.text if target else '?'}")
            codes = " · ".join(
                x for x in (event.ace and f"ACE {event.ace}",
                            event.cameo and f"CAMEO {event.cameo}") if x
            )
            detail = "  ".join(x for x in (codes, ", ".join(roles)) if x)
            items.append(
                PaneItem(event.trigger_start, event.trigger_end, "event", event.id,
                         event.type, "#ff79c6", event.trigger_text, detail)
            )
        items.sort(key=lambda i: (i.start, -(i.end - i.start), i.kind))
        return items

    def entities_at(self, start: int, end: int | None = None, *,
                    pending: bool = True) -> list[EntitySpan]:
        """Entity spans under [start, end) (or the offset), innermost first: those covering
        it, else those overlapping it (a stem-only span inside the cursor's word)."""
        end = start + 1 if end is None else end
        live = [
            e
            for e in self.annotations.entities
            if e.status != SpanStatus.REJECTED and (pending or e.status != SpanStatus.PENDING)
        ]
        found = [e for e in live if e.start <= start and end <= e.end]
        if not found:
            found = [e for e in live if e.start < end and start < e.end]
        found.sort(key=lambda e: e.end - e.start)
        return found

    def exact_entity(self, start: int, end: int) -> EntitySpan | None:
        for e in self.annotations.entities:
            if e.start == start and e.end == end and e.status != SpanStatus.REJECTED:
                return e
        return None

    def highlight_at(self, start: int, end: int | None = None) -> Highlight | None:
        end = start + 1 if end is None else end
        found = [h for h in self.annotations.highlights if h.start <= start and end <= h.end]
        found.sort(key=lambda h: h.end - h.start)
        return found[0] if found else None

    def event_at(self, start: int, end: int | None = None) -> Event | None:
        end = start + 1 if end is None else end
        for event in self.annotations.events:
            if event.trigger_start <= start and end <= event.trigger_end:
                return event
        return None

    def pending(self) -> list[EntitySpan]:
        return sorted(
            (e for e in self.annotations.entities if e.status == SpanStatus.PENDING),
            key=lambda e: (e.start, e.end),
        )

    # ------------------------------------------------------------------ entities
    def label(self, start: int, end: int, key: str, *, selection: bool) -> str:
        """Digit key: relabel the span under the cursor, or create one on the target.

        With a selection the selection is labelled (a new span, or the span with exactly
        those boundaries relabelled), so a nested span is one ``v`` away; without one the
        innermost span under the cursor is relabelled, else the word becomes a span.
        """
        entity_type = self.schema.entity_for_key(key) or self.schema.entity(key)
        if entity_type is None:
            raise AnnotationError(f"no entity type on key {key}")
        label = entity_type.name
        existing = self.exact_entity(start, end)
        if existing is None and not selection:
            covering = self.entities_at(start, end)
            existing = covering[0] if covering else None
        if existing is not None:
            return self._relabel(existing, label)
        asked = (start, end)
        start, end = self.fit(start, end)
        note = self._policy_note(asked, (start, end))
        # Never a second span on the same words (clitics aside): decide the one there.
        there = self.exact_entity(start, end) or self._on_stretch(start, end)
        if there is not None:
            if (there.start, there.end) != (start, end):
                return self._rebound(there, label, start, end) + note
            return self._relabel(there, label) + note
        span = EntitySpan(start=start, end=end, text=self.text[start:end], label=label)
        self.store.add_entity(self.article_id, span)
        return f"{label} «{span.text}»{note}"

    def _on_stretch(self, start: int, end: int, *, besides: str | None = None
                    ) -> EntitySpan | None:
        """A live span on the same words as [start, end) (clitics aside), other than
        the span ``besides``."""
        for e in self.annotations.entities:
            if e.status != SpanStatus.REJECTED and e.id != besides and same_stretch(
                    self.text, (e.start, e.end), (start, end)):
                return e
        return None

    def _rebound(self, span: EntitySpan, label: str, start: int, end: int) -> str:
        """Move a span on the same words to the policy's boundaries with the label given
        (a suggestion: a correction, its original kept)."""
        self.store.update_entity(self.article_id, span.id, label=label, start=start, end=end,
                                 status=SpanStatus.ACCEPTED)
        return f"{label} «{self.text[start:end]}»"

    def _relabel(self, span: EntitySpan, label: str) -> str:
        changes: dict[str, Any] = {"label": label}
        if span.status == SpanStatus.PENDING:
            changes["status"] = SpanStatus.ACCEPTED
        if span.label == label and span.status != SpanStatus.PENDING:
            return f"already {label} «{span.text}»"
        self.store.update_entity(self.article_id, span.id, **changes)
        verb = "corrected" if span.status == SpanStatus.PENDING else "relabelled"
        return f"{verb} «{span.text}» → {label}"

    def _accept_changes(self, span: EntitySpan) -> dict[str, Any]:
        """Accepting a suggestion also puts it on the policy's boundaries (a suggestion
        from before the policy, or from a source with another convention)."""
        changes: dict[str, Any] = {"status": SpanStatus.ACCEPTED}
        start, end = self.fit(span.start, span.end)
        if (start, end) != (span.start, span.end):
            changes.update(start=start, end=end)
        return changes

    def accept(self, start: int, end: int) -> str:
        span = self._pending_at(start, end)
        for other in self.annotations.entities:
            if (other.status == SpanStatus.ACCEPTED and other.id != span.id and same_stretch(
                    self.text, (other.start, other.end), (span.start, span.end))):
                raise AnnotationError(
                    f"{other.label} «{other.text}» is already accepted on these words: "
                    f"relabel it with a digit, or reject this {span.label} suggestion (x)")
        done = self.store.update_entity(self.article_id, span.id, **self._accept_changes(span))
        return f"accepted {span.label} «{done.text}»"

    def reject(self, start: int, end: int) -> str:
        span = self._pending_at(start, end)
        self.store.update_entity(self.article_id, span.id, status=SpanStatus.REJECTED)
        return f"rejected {span.label} «{span.text}»"

    def _pending_at(self, start: int, end: int) -> EntitySpan:
        for span in self.entities_at(start, end):
            if span.status == SpanStatus.PENDING:
                return span
        raise AnnotationError("no suggestion under the cursor")

    def accept_all(self) -> str:
        pending = self.pending()
        if not pending:
            raise AnnotationError("no pending suggestions in this article")
        # Never two decisions on the same words: a suggestion on a stretch that already has
        # an accepted span (or one accepted just before it here), clitics aside, stays
        # pending for the annotator to look at.
        taken = [(e.start, e.end) for e in self.store.annotations(self.article_id).entities
                 if e.status == SpanStatus.ACCEPTED]
        chosen: list[EntitySpan] = []
        for span in sorted(pending, key=lambda e: (e.start, e.end)):
            if any(same_stretch(self.text, t, (span.start, span.end)) for t in taken):
                continue
            chosen.append(span)
            taken.append((span.start, span.end))
        held = len(pending) - len(chosen)
        if chosen:
            with self.store.batch(f"accept {len(chosen)} suggestions"):
                for span in chosen:
                    self.store.update_entity(self.article_id, span.id,
                                             **self._accept_changes(span))
        said = f"accepted {len(chosen)} suggestions"
        if held:
            said += (f"; {held} left pending: another decision is on the same words "
                     "(decide them one by one)")
        return said

    def adjust(self, entity: EntitySpan, d_start: int, d_end: int) -> str:
        """A trim of the span under the cursor: one character under the stem policy, one
        whole word under the token policy."""
        start, end = entity.start + d_start, entity.end + d_end
        if not 0 <= start < end <= len(self.text):
            raise AnnotationError("a span cannot be empty or leave the text")
        start, end = self.policy.step(self.text, entity.start, entity.end, d_start, d_end)
        if (start, end) == (entity.start, entity.end):
            raise AnnotationError(
                "the span cannot move that way: it would be empty, start or end on a space"
                + (", or cut a word (span_boundary = token)" if not self.policy.stem else ""))
        if self.text[start].isspace() or self.text[end - 1].isspace():
            raise AnnotationError("a span cannot start or end with a space")
        there = self._on_stretch(start, end, besides=entity.id)
        if there is not None:  # never a second span on the same words
            if there.status != SpanStatus.PENDING:
                raise AnnotationError(
                    f"{there.label} «{there.text}» is already on these words: "
                    "remove one of the two first (delete)")
            return self._take_over(entity, there, start, end)
        self.store.update_entity(self.article_id, entity.id, start=start, end=end)
        return f"{entity.label} «{self.text[start:end]}»"

    def _take_over(self, entity: EntitySpan, there: EntitySpan, start: int, end: int) -> str:
        """A trim that lands on the words of a pending suggestion decides that suggestion
        (the trimmed span's label; the suggestion's own guess kept as its original) and
        the trimmed span gives way to it, its event arguments moved over: one undo step."""
        text = self.text[start:end]
        with self.store.batch(f"{entity.label} «{text}» decides the suggestion there"):
            self.store.update_entity(self.article_id, there.id,
                                     **decision_changes(there, entity.label, start, end))
            for event in self.annotations.events:
                if any(a.entity_id == entity.id for a in event.arguments):
                    moved = [EventArgument(role=a.role, entity_id=there.id
                                           if a.entity_id == entity.id else a.entity_id)
                             for a in event.arguments]
                    self.store.update_event(self.article_id, event.id, arguments=moved)
            self.store.remove_entity(self.article_id, entity.id)
        return f"{entity.label} «{text}» (decides the {there.label} suggestion on these words)"

    # ------------------------------------------------------------------ highlights
    def highlight(self, start: int, end: int, category: str | None = None) -> Highlight:
        category = category or (
            self.schema.highlight_categories[0].name if self.schema.highlight_categories
            else "default"
        )
        mark = Highlight(start=start, end=end, text=self.text[start:end], category=category)
        return self.store.add_highlight(self.article_id, mark)

    def set_note(self, highlight_id: str, note: str | None) -> None:
        self.store.update_highlight(self.article_id, highlight_id, note=note or None)

    def cycle_highlight_category(self, mark: Highlight) -> str:
        names = [c.name for c in self.schema.highlight_categories] or ["default"]
        position = names.index(mark.category) if mark.category in names else -1
        category = names[(position + 1) % len(names)]
        self.store.update_highlight(self.article_id, mark.id, category=category)
        return category

    # ------------------------------------------------------------------ events
    def add_event(self, start: int, end: int, event_type: str) -> Event:
        kind = self.schema.event(event_type)
        if kind is None:
            raise AnnotationError(f"unknown event type {event_type}")
        attributes = {name: attr.default for name, attr in self.schema.attributes.items()}
        attributes.update(kind.defaults)
        event = Event(
            type=event_type,
            trigger_start=start,
            trigger_end=end,
            trigger_text=self.text[start:end],
            attributes=attributes,
            ace=kind.ace,
            cameo=kind.cameo,
        )
        return self.store.add_event(self.article_id, event)

    def event(self, event_id: str) -> Event:
        for event in self.annotations.events:
            if event.id == event_id:
                return event
        raise AnnotationError("the event is gone")

    def set_argument(self, event_id: str, role: str, entity_id: str | None) -> None:
        """Fill ``role`` with an entity (None empties it). One filler per role."""
        event = self.event(event_id)
        arguments = [a for a in event.arguments if a.role != role]
        if entity_id is not None:
            arguments.append(EventArgument(role=role, entity_id=entity_id))
        filler = next((e for e in self.store.annotations(self.article_id).entities
                       if e.id == entity_id), None)
        with self.store.batch(f"{role} of {event.type}"):
            # Naming a suggestion as an argument is deciding that it is an entity: it
            # becomes gold with the event, so no export has an argument without its entity.
            if filler is not None and filler.status != SpanStatus.ACCEPTED:
                self.store.update_entity(self.article_id, filler.id,
                                         status=SpanStatus.ACCEPTED)
            self.store.update_event(self.article_id, event_id, arguments=arguments)

    def cycle_attribute(self, event_id: str, name: str) -> str:
        event = self.event(event_id)
        attribute = self.schema.attributes[name]
        current = event.attributes.get(name, attribute.default)
        values = list(attribute.values)
        value = values[(values.index(current) + 1) % len(values)] if current in values else (
            values[0]
        )
        self.store.update_event(self.article_id, event_id,
                                attributes={**event.attributes, name: value})
        return value

    def set_event_type(self, event_id: str, event_type: str) -> None:
        kind = self.schema.event(event_type)
        if kind is None:
            raise AnnotationError(f"unknown event type {event_type}")
        event = self.event(event_id)
        arguments = [a for a in event.arguments if a.role in kind.roles]
        self.store.update_event(self.article_id, event_id, type=event_type, ace=kind.ace,
                                cameo=kind.cameo, arguments=arguments)

    # ------------------------------------------------------------------ removal, labels
    def delete_at(self, start: int, end: int, *, selection: bool) -> str:
        """Remove what is under the cursor: the innermost entity, else a highlight, else
        an event (by its trigger)."""
        entity = self.exact_entity(start, end) if selection else None
        if entity is None:
            covering = self.entities_at(start, end)
            entity = covering[0] if covering else None
        if entity is not None:
            self.store.remove_entity(self.article_id, entity.id)
            return f"removed {entity.label} «{entity.text}»"
        mark = self.highlight_at(start, end)
        if mark is not None:
            self.store.remove_highlight(self.article_id, mark.id)
            return f"removed highlight «{mark.text}»"
        event = self.event_at(start, end)
        if event is not None:
            self.store.remove_event(self.article_id, event.id)
            return f"removed event {event.type} «{event.trigger_text}»"
        raise AnnotationError("nothing to remove under the cursor")

    def toggle_doc_label(self, label: str) -> bool:
        return self.store.toggle_doc_label(self.article_id, label)

    def set_status(self, status: ArticleStatus) -> None:
        self.store.set_status(self.article_id, status)

    def toggle_status(self, status: ArticleStatus) -> ArticleStatus:
        """``d``/``s`` twice returns the article to work in progress."""
        current = self.store.status_of(self.article_id)
        new = ArticleStatus.IN_PROGRESS if current == status else status
        self.store.set_status(self.article_id, new)
        return new


def label_counts(annotations: ArticleAnnotations) -> dict[str, int]:
    """Accepted entity spans per label: what the article list filters and counts by (the
    same shape the store summary gives it at start-up)."""
    from tui.services.list_columns import PENDING

    counts: dict[str, int] = {}
    for span in annotations.entities:
        if span.status == SpanStatus.ACCEPTED:
            counts[span.label] = counts.get(span.label, 0) + 1
        elif span.status == SpanStatus.PENDING:
            counts[PENDING] = counts.get(PENDING, 0) + 1
    return counts


__all__ = [
    "HUMAN",
    "AnnotationError",
    "ArticleSession",
    "Decoration",
    "PaneItem",
    "StoreError",
    "label_counts",
]

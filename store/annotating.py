"""The annotation API: entities, highlights, events, document labels and status.

Each public method here checks its input against the article text and the schema, refuses
a closed, read-only or damaged store before anything changes, and then makes its change
as one undoable action (``UndoableStore._action``), saved before it returns. The checks
live beside the methods that need them; how a change is saved and undone is one layer down
(``store.undo``), and the disk two (``store.persistence``).
"""

from __future__ import annotations

import copy
from typing import Any

from store.errors import StoreError
from store.records import (
    HUMAN,
    ArticleStatus,
    Correction,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
    now_iso,
)
from store.stored_article import StoredArticle
from store.undo import UndoableStore


class AnnotatingStore(UndoableStore):
    """``UndoableStore`` plus the mutations callers use (one method, one undo step)."""

    # ================================================================== mutations
    def add_entity(self, article_id: str, span: EntitySpan) -> EntitySpan:
        """Store a new entity span (human or suggestion); returns the stored record."""
        art = self._writable_article(article_id)
        if self.schema.entity(span.label) is None:
            raise StoreError(f"unknown entity label {span.label!r} (not in schema"
                             f" {self.schema.name})")
        self._check_span(art, span.start, span.end, span.text, "entity")
        if not span.text:
            span.text = art.text[span.start:span.end]
        if span.annotator is None and span.origin == HUMAN:
            span.annotator = self.annotator
        if art.find("entities", span.id) is not None:
            raise StoreError(f"entity id {span.id!r} already exists in {article_id!r}")
        with self._action("add_entity", art, f"add {span.label} «{span.text}»") as act:
            self._change_record(act, art, "entities", span.id, span.to_dict())
        return art.annotations.entities[art.find("entities", span.id)]  # type: ignore[index]

    def add_entities(self, article_id: str, spans: list[EntitySpan],
                     description: str | None = None) -> list[EntitySpan]:
        """Store many new entity spans of one article as one action (one save, one undo
        step), with ``add_entity``'s checks on each: a suggestion run adds dozens per
        article, and one action instead of one per span keeps its cost linear (the span
        lookups, undo records and file writes of ``add_entity`` grow with the article).
        Every span is checked before anything changes; one bad span refuses them all.
        The given span objects become the stored records: pass fresh ones."""
        art = self._writable_article(article_id)
        taken = {rec.id for rec in art.annotations.entities}
        for span in spans:
            if self.schema.entity(span.label) is None:
                raise StoreError(f"unknown entity label {span.label!r} (not in schema"
                                 f" {self.schema.name})")
            self._check_span(art, span.start, span.end, span.text, "entity")
            if span.id in taken:
                raise StoreError(f"entity id {span.id!r} already exists in {article_id!r}")
            taken.add(span.id)
        if not spans:
            return []
        for span in spans:
            if not span.text:
                span.text = art.text[span.start:span.end]
            if span.annotator is None and span.origin == HUMAN:
                span.annotator = self.annotator
        first = len(art.annotations.entities)
        what = description or f"add {len(spans)} entities"
        key = art.next_doc_key("entities")  # once, not once per span (it scans them all)
        for n, span in enumerate(spans):
            art._doc_ids["entities"][span.id] = key + n
        with self._action("add_entity", art, what) as act:
            for span in spans:
                # The span itself becomes the stored record (to_dict copied every value).
                self._change_record(act, art, "entities", span.id, span.to_dict(), span)
        return art.annotations.entities[first:first + len(spans)]

    def _edited(self, art: Any, kind: str, record_id: str, record_type: Any,
                changes: dict[str, Any], noun: str) -> tuple[dict[str, Any], Any]:
        """(the stored record, a copy with ``changes`` set): every ``update_*`` starts so;
        an unknown field (or the id) is refused."""
        old = self._record(art, kind, record_id)
        rec = record_type.from_dict(copy.deepcopy(old))
        for key, value in changes.items():
            if key == "id" or not hasattr(rec, key):
                raise StoreError(f"cannot set {key!r} on {noun}")
            setattr(rec, key, value)
        return old, rec

    def _save_edit(self, action: str, art: Any, kind: str, record_id: str, rec: Any,
                   description: str) -> Any:
        """Store an edited record as one undoable action; returns it as stored."""
        with self._action(action, art, description) as act:
            self._change_record(act, art, kind, record_id, rec.to_dict())
        return getattr(art.annotations, kind)[art.find(kind, record_id)]

    def update_entity(self, article_id: str, entity_id: str, **changes: Any) -> EntitySpan:
        """Change fields of an entity (label, start/end, status, ...).

        Moving the boundaries recomputes ``text``. When a human changes the label or the
        boundaries of a suggestion, what the suggestion said is kept in ``original``.
        """
        art = self._writable_article(article_id)
        old, rec = self._edited(art, "entities", entity_id, EntitySpan, changes, "an entity")
        if "label" in changes and self.schema.entity(rec.label) is None:
            raise StoreError(f"unknown entity label {rec.label!r}")
        if ("start" in changes or "end" in changes) and "text" not in changes:
            rec.text = art.text[rec.start:rec.end]
        self._check_span(art, rec.start, rec.end, rec.text, "entity")
        boundary_or_label = any(k in changes for k in ("label", "start", "end"))
        if boundary_or_label and old.get("origin", HUMAN) != HUMAN and rec.original is None:
            rec.original = Correction(old["label"], old["start"], old["end"], old["text"],
                                      old.get("origin", HUMAN))
            if "status" not in changes:
                rec.status = SpanStatus.ACCEPTED
        rec.status = SpanStatus(rec.status)
        if "annotator" not in changes and self._decides(old, rec, boundary_or_label):
            rec.annotator = self.annotator
        rec.modified = now_iso()
        if changes.get("stale") is None and boundary_or_label:
            rec.stale = None
        return self._save_edit("update_entity", art, "entities", entity_id, rec,
                               f"edit {rec.label} «{rec.text}»")

    @staticmethod
    def _decides(old: dict[str, Any], rec: EntitySpan, boundary_or_label: bool) -> bool:
        """Whether this edit is a person's decision on a suggestion (accept, reject,
        relabel, re-bound), so its author is recorded: a suggestion has none of its own,
        and ``warraq stats`` credits accepted spans to their ``annotator``. A human span
        keeps the person who made it; it only gains one when it had none."""
        status_changed = str(old.get("status", SpanStatus.ACCEPTED)) != str(rec.status)
        if not (status_changed or boundary_or_label) or rec.status == SpanStatus.PENDING:
            return False
        return old.get("origin", HUMAN) != HUMAN or not old.get("annotator")

    def remove_entity(self, article_id: str, entity_id: str) -> None:
        """Remove an entity and every event argument that points to it (one action)."""
        art = self._writable_article(article_id)
        old = self._record(art, "entities", entity_id)
        with self._action("remove_entity", art, f"remove {old['label']} «{old['text']}»") as act:
            for event in list(art.annotations.events):
                if any(a.entity_id == entity_id for a in event.arguments):
                    data = copy.deepcopy(art._docs["events"][event.id])
                    data["arguments"] = [a for a in data["arguments"]
                                         if a["entity_id"] != entity_id]
                    self._change_record(act, art, "events", event.id, data)
            self._change_record(act, art, "entities", entity_id, None)

    def remove_entities(self, article_id: str, entity_ids: list[str],
                        description: str | None = None) -> None:
        """Remove many entities of one article as one action (and the event arguments that
        point to them): swapping a model's suggestions for a newer model's drops dozens."""
        art = self._writable_article(article_id)
        olds = [self._record(art, "entities", entity_id) for entity_id in entity_ids]
        if not olds:
            return
        gone = set(entity_ids)
        what = description or f"remove {len(olds)} entities"
        with self._action("remove_entity", art, what) as act:
            for event in list(art.annotations.events):
                if any(a.entity_id in gone for a in event.arguments):
                    data = copy.deepcopy(art._docs["events"][event.id])
                    data["arguments"] = [a for a in data["arguments"]
                                         if a["entity_id"] not in gone]
                    self._change_record(act, art, "events", event.id, data)
            for entity_id in entity_ids:
                self._change_record(act, art, "entities", entity_id, None)

    def add_highlight(self, article_id: str, highlight: Highlight) -> Highlight:
        art = self._writable_article(article_id)
        if self.schema.highlight_category(highlight.category) is None:
            raise StoreError(f"unknown highlight category {highlight.category!r}")
        self._check_span(art, highlight.start, highlight.end, highlight.text, "highlight")
        if not highlight.text:
            highlight.text = art.text[highlight.start:highlight.end]
        if highlight.annotator is None:
            highlight.annotator = self.annotator
        if art.find("highlights", highlight.id) is not None:
            raise StoreError(f"highlight id {highlight.id!r} already exists")
        with self._action("add_highlight", art, f"highlight «{highlight.text}»") as act:
            self._change_record(act, art, "highlights", highlight.id, highlight.to_dict())
        return art.annotations.highlights[art.find("highlights", highlight.id)]  # type: ignore[index]

    def update_highlight(self, article_id: str, highlight_id: str, **changes: Any) -> Highlight:
        art = self._writable_article(article_id)
        _, rec = self._edited(art, "highlights", highlight_id, Highlight, changes,
                              "a highlight")
        if self.schema.highlight_category(rec.category) is None:
            raise StoreError(f"unknown highlight category {rec.category!r}")
        if ("start" in changes or "end" in changes) and "text" not in changes:
            rec.text = art.text[rec.start:rec.end]
        self._check_span(art, rec.start, rec.end, rec.text, "highlight")
        rec.modified = now_iso()
        return self._save_edit("update_highlight", art, "highlights", highlight_id, rec,
                               f"edit highlight «{rec.text}»")

    def remove_highlight(self, article_id: str, highlight_id: str) -> None:
        art = self._writable_article(article_id)
        old = self._record(art, "highlights", highlight_id)
        with self._action("remove_highlight", art, f"remove highlight «{old['text']}»") as act:
            self._change_record(act, art, "highlights", highlight_id, None)

    def add_event(self, article_id: str, event: Event) -> Event:
        """Store an event; ACE subtype, CAMEO code and attribute defaults come from the
        schema when the record leaves them empty."""
        art = self._writable_article(article_id)
        self._check_event(art, event)
        etype = self.schema.event(event.type)
        assert etype is not None
        if event.ace is None:
            event.ace = etype.ace
        if event.cameo is None:
            event.cameo = etype.cameo
        for attr, value in etype.defaults.items():
            event.attributes.setdefault(attr, value)
        if not event.trigger_text:
            event.trigger_text = art.text[event.trigger_start:event.trigger_end]
        if event.annotator is None and event.origin == HUMAN:
            event.annotator = self.annotator
        if art.find("events", event.id) is not None:
            raise StoreError(f"event id {event.id!r} already exists")
        with self._action("add_event", art, f"add {event.type} «{event.trigger_text}»") as act:
            self._change_record(act, art, "events", event.id, event.to_dict())
        return art.annotations.events[art.find("events", event.id)]  # type: ignore[index]

    def update_event(self, article_id: str, event_id: str, **changes: Any) -> Event:
        art = self._writable_article(article_id)
        if "arguments" in changes:
            changes["arguments"] = [a if isinstance(a, EventArgument)
                                    else EventArgument.from_dict(a)
                                    for a in changes["arguments"]]
        _, rec = self._edited(art, "events", event_id, Event, changes, "an event")
        if ("trigger_start" in changes or "trigger_end" in changes) \
                and "trigger_text" not in changes:
            rec.trigger_text = art.text[rec.trigger_start:rec.trigger_end]
        if "type" in changes:
            etype = self.schema.event(rec.type)
            if etype is not None:
                rec.ace = changes.get("ace", etype.ace)
                rec.cameo = changes.get("cameo", etype.cameo)
        rec.status = SpanStatus(rec.status)
        self._check_event(art, rec)
        rec.modified = now_iso()
        return self._save_edit("update_event", art, "events", event_id, rec,
                               f"edit {rec.type} «{rec.trigger_text}»")

    def remove_event(self, article_id: str, event_id: str) -> None:
        art = self._writable_article(article_id)
        old = self._record(art, "events", event_id)
        with self._action("remove_event", art,
                          f"remove {old['type']} «{old['trigger_text']}»") as act:
            self._change_record(act, art, "events", event_id, None)

    def toggle_doc_label(self, article_id: str, label: str) -> bool:
        """Add or remove one document label; returns whether it is now set."""
        art = self._writable_article(article_id)
        self._check_doc_label(label)
        labels = list(art.annotations.doc_labels)
        now_set = label not in labels
        labels = [*labels, label] if now_set else [x for x in labels if x != label]
        verb = "label" if now_set else "unlabel"
        with self._action("toggle_doc_label", art, f"{verb} article {label}") as act:
            self._change_value(act, art, "doc_labels", labels)
        return now_set

    def set_doc_labels(self, article_id: str, labels: list[str]) -> None:
        art = self._writable_article(article_id)
        for label in labels:
            self._check_doc_label(label)
        labels = list(dict.fromkeys(labels))
        with self._action("set_doc_labels", art, f"labels {', '.join(labels) or '—'}") as act:
            self._change_value(act, art, "doc_labels", labels)

    def set_status(self, article_id: str, status: ArticleStatus | str) -> None:
        art = self._writable_article(article_id)
        status = ArticleStatus(status)
        with self._action("set_status", art, f"mark {status.value.replace('_', ' ')}") as act:
            self._change_value(act, art, "status", status.value)

    # ================================================================== checks
    def _record(self, art: StoredArticle, table: str, record_id: str) -> dict[str, Any]:
        """The stored document of one record (what updates start from and undo restores)."""
        data = art._docs[table].get(record_id)
        if data is None:
            raise StoreError(f"no {table[:-1]} {record_id!r} in article {art.id!r}")
        return data

    def _check_span(self, art: StoredArticle, start: int, end: int, text: str,
                    what: str) -> None:
        """Offsets are integers inside the text, and a given ``text`` is what they cover:
        a span that disagrees with its article is refused rather than stored."""
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise StoreError(f"{what} offsets must be integers")
        if not 0 <= start < end <= len(art.text):
            raise StoreError(f"{what} [{start}, {end}) is outside the article"
                             f" ({len(art.text)} characters)")
        if text and art.text[start:end] != text:
            raise StoreError(f"{what} text {text!r} does not match the article at"
                             f" [{start}, {end}) ({art.text[start:end]!r})")

    def _check_event(self, art: StoredArticle, event: Event) -> None:
        etype = self.schema.event(event.type)
        if etype is None:
            raise StoreError(f"unknown event type {event.type!r} (not in schema"
                             f" {self.schema.name})")
        self._check_span(art, event.trigger_start, event.trigger_end, event.trigger_text,
                         "event trigger")
        for arg in event.arguments:
            if arg.role not in etype.roles:
                raise StoreError(f"event {event.type}: unknown role {arg.role!r}"
                                 f" (allowed: {', '.join(etype.roles)})")
            if art.find("entities", arg.entity_id) is None:
                raise StoreError(f"event {event.type}: argument {arg.role} points to missing"
                                 f" entity {arg.entity_id!r}")
        for attr, value in event.attributes.items():
            spec = self.schema.attributes.get(attr)
            if spec is None or value not in spec.values:
                raise StoreError(f"event {event.type}: bad attribute {attr}={value!r}")

    def _check_doc_label(self, label: str) -> None:
        if self.schema.doc_label(label) is None:
            raise StoreError(f"unknown document label {label!r}")

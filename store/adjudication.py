"""Adjudication: the curated layer made from several annotators' layers (issue 15).

What the annotators agree on is merged automatically, by a policy: ``unanimous`` (every
annotator of the article), ``majority`` (more than half) or ``threshold:N`` (at least N).
The rest are *disagreements*, one per cluster of overlapping spans, each with every
annotator's version, for a person to decide: take one annotator's version, take all
(nested), take none. Decisions are records in the curated layer (``layers/curated``, an
ordinary layer, so undo, git and export work as everywhere): taken spans are accepted with
``origin="adjudicated"`` and ``extra.agreed_by`` naming who said so; "none" leaves the
versions as rejected records, so the cluster counts as decided. Events are adjudicated the
same way, an event's version being its trigger, type and arguments together
(store/adjudication_events.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from store.adjudication_events import EventVersion, versions_of, write_event
from store.agreement import Layer, Span, accepted_spans
from store.overlap_groups import Group, most_said, overlap_groups
from store.records import EntitySpan, Event, SpanStatus

CURATED = "curated"
ORIGIN = "adjudicated"
POLICIES = ("unanimous", "majority")


def parse_policy(text: str) -> tuple[str, int]:
    """``unanimous``, ``majority`` or ``threshold:N``; raises ValueError with one line."""
    if text in POLICIES:
        return text, 0
    if text.startswith("threshold:") and text.split(":", 1)[1].isdigit():
        n = int(text.split(":", 1)[1])
        if n >= 1:
            return "threshold", n
    raise ValueError(f"unknown policy {text!r}: unanimous, majority or threshold:N")


def _needed(policy: tuple[str, int], annotators: int) -> int:
    kind, n = policy
    if kind == "unanimous":
        return annotators
    if kind == "majority":
        return annotators // 2 + 1
    return n


@dataclass
class Disagreement:
    """One cluster of overlapping spans on which the annotators differ."""

    article_id: str
    start: int
    end: int
    versions: dict[str, list[Span]] = field(default_factory=dict)
    kind: str = "entity"  # or "event": then ``events`` holds the versions
    events: dict[str, list[EventVersion]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.events if self.kind == "event" else self.versions)


def clusters(article_layers: dict[str, list[Span]]) -> list[Group[Span]]:
    """Spans of all annotators grouped where they overlap (chains join), in text order."""
    return overlap_groups(article_layers, lambda span: (span[0], span[1]))


@dataclass
class Plan:
    """What adjudication starts from: the agreed spans per article and the disagreements."""

    agreed: dict[str, list[tuple[Span, list[str]]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    left_out: int = 0  # articles whose texts differ between layers
    agreed_events: dict[str, list[tuple[EventVersion, list[str]]]] = field(default_factory=dict)
    agreed_doc_labels: dict[str, list[str]] = field(default_factory=dict)
    # (article, label, who set it, who did not): no policy majority either way
    doc_label_disagreements: list[tuple[str, str, list[str], list[str]]] = field(
        default_factory=list)
    # (article, annotator, version) → the annotator's record (attributes, CAMEO code)
    event_sources: dict[tuple[str, str, EventVersion], Event] = field(default_factory=dict)


def plan(layers: Sequence[Layer], policy: tuple[str, int]) -> Plan:
    """Agreed spans and disagreements over every article two or more layers hold."""
    out = Plan()
    ids = sorted({i for layer in layers for i in layer.articles})
    for article_id in ids:
        having = [layer for layer in layers if article_id in layer.articles]
        if len(having) < 2:
            continue
        text = having[0].articles[article_id][0]
        if any(layer.articles[article_id][0] != text for layer in having):
            out.left_out += 1
            continue
        out.texts[article_id] = text
        spans = {layer.name: accepted_spans(layer.articles[article_id][1]) for layer in having}
        need = _needed(policy, len(having))
        agreed: list[tuple[Span, list[str]]] = []
        for cluster in clusters(spans):
            best, names = most_said(cluster.versions)
            if len(names) >= need:  # agreed, possibly on "no span here"
                agreed.extend((span, names) for span in sorted(best))
            else:
                out.disagreements.append(Disagreement(
                    article_id, cluster.start, cluster.end,
                    {k: sorted(v) for k, v in cluster.versions.items()}))
        out.agreed[article_id] = agreed
        _plan_events(out, article_id, having, need, {span for span, _ in agreed})
        _plan_doc_labels(out, article_id, having, need)
    return out


def _plan_doc_labels(out: Plan, article_id: str, having: Sequence[Layer], need: int) -> None:
    """A document label goes into the curated layer when the policy's share of annotators
    set it; when neither its setters nor the others reach that share it is a disagreement,
    listed for the adjudicator (who sets it on the curated layer in the app: ``D``)."""
    sets = {layer.name: set(layer.articles[article_id][1].doc_labels) for layer in having}
    agreed = []
    for label in sorted(set().union(*sets.values())):
        yes = sorted(name for name, labels in sets.items() if label in labels)
        no = sorted(name for name in sets if name not in yes)
        if len(yes) >= need:
            agreed.append(label)
        elif len(no) < need:
            out.doc_label_disagreements.append((article_id, label, yes, no))
    if agreed:
        out.agreed_doc_labels[article_id] = agreed


def _plan_events(out: Plan, article_id: str, having: Sequence[Layer], need: int,
                 agreed_spans: set[Span]) -> None:
    """Events agreed by the policy go in at once, unless an argument is an entity still in
    dispute: writing it would settle that entity disagreement silently, so the event waits
    as a disagreement of its own, decided after (or with) the entity."""
    by_annotator: dict[str, list[EventVersion]] = {}
    for layer in having:
        found = versions_of(layer.articles[article_id][1])
        by_annotator[layer.name] = [v for v, _ in found]
        for version, event in found:
            out.event_sources[(article_id, layer.name, version)] = event
    agreed: list[tuple[EventVersion, list[str]]] = []
    for group in overlap_groups(by_annotator, lambda v: (v.start, v.end)):
        best, names = most_said(group.versions)
        settled = all((s, e, label) in agreed_spans
                      for v in best for _, s, e, label in v.arguments)
        if len(names) >= need and settled:
            agreed.extend((v, names) for v in sorted(best, key=_event_key))
        else:
            out.disagreements.append(Disagreement(
                article_id, group.start, group.end, kind="event",
                events={k: sorted(v, key=_event_key) for k, v in group.versions.items()}))
    if agreed:
        out.agreed_events[article_id] = agreed


def _event_key(version: EventVersion) -> tuple[Any, ...]:
    return (version.start, version.end, version.type, version.arguments)


def decided(curated_entities: Sequence[EntitySpan], start: int, end: int) -> bool:
    """Whether the curated layer already holds a decision on [start, end)."""
    return any(e.start < end and start < e.end and e.origin == ORIGIN
               for e in curated_entities)


def write_agreed(store: Any, result: Plan, metas: dict[str, dict[str, Any]] | None = None
                 ) -> int:
    """Add the agreed spans to the curated layer ``store`` (idempotent); returns how many."""
    added = 0
    for article_id, agreed in result.agreed.items():
        text = result.texts[article_id]
        store.attach(article_id, text, (metas or {}).get(article_id, {"title": article_id}))
        ann = store.annotations(article_id)
        have = {(e.start, e.end, e.label) for e in ann.entities}
        new = [(span, names) for span, names in agreed if span not in have]
        have_events = {version for version, _ in versions_of(ann)}
        events = [(v, names) for v, names in result.agreed_events.get(article_id, [])
                  if v not in have_events]
        labels = [x for x in result.agreed_doc_labels.get(article_id, [])
                  if x not in ann.doc_labels]
        if not new and not events and not labels:
            continue
        with store.batch(f"agreed spans of {article_id}"):
            if labels:
                store.set_doc_labels(article_id, [*ann.doc_labels, *labels])
                added += len(labels)
            for (start, end, label), names in new:
                store.add_entity(article_id, EntitySpan(
                    start, end, text[start:end], label, origin=ORIGIN,
                    status=SpanStatus.ACCEPTED, extra={"agreed_by": names}))
                added += 1
            for version, names in events:
                source = result.event_sources.get((article_id, names[0], version))
                write_event(store, article_id, text, version, names, source,
                            SpanStatus.ACCEPTED)
                added += 1
    return added


def resolve_events(store: Any, result: Plan, item: Disagreement, take: Sequence[str]
                   ) -> int:
    """Decide an event disagreement: the versions of the annotators in ``take`` are
    accepted (with their arguments), the others recorded rejected. One undo step."""
    text = result.texts[item.article_id]
    chosen: dict[EventVersion, list[str]] = {}
    for name in take:
        for version in item.events.get(name, []):
            chosen.setdefault(version, []).append(name)
    refused = {v for versions in item.events.values() for v in versions} - set(chosen)
    with store.batch(f"adjudicate events {item.article_id} {item.start}–{item.end}"):
        for version, names in sorted(chosen.items(), key=lambda kv: _event_key(kv[0])):
            source = result.event_sources.get((item.article_id, names[0], version))
            write_event(store, item.article_id, text, version, sorted(names), source,
                        SpanStatus.ACCEPTED)
        for version in sorted(refused, key=_event_key):
            write_event(store, item.article_id, text, version, [], None,
                        SpanStatus.REJECTED)
    return len(chosen)


def resolve(store: Any, text: str, item: Disagreement, take: Sequence[str]) -> int:
    """Decide ``item`` in the curated layer: the versions of the annotators in ``take`` are
    accepted (all of them: nested when they differ), the others' spans recorded rejected.
    One undo step; returns the number of spans accepted."""
    chosen: dict[Span, list[str]] = {}
    for name in take:
        for span in item.versions.get(name, []):
            chosen.setdefault(span, []).append(name)
    _write_decision(store, text, item, chosen, "")
    return len(chosen)


def resolve_edited(store: Any, text: str, item: Disagreement, span: Span) -> None:
    """Decide ``item`` with a span the adjudicator drew (boundaries and label of their own):
    it is accepted, marked ``edited``, crediting the annotators who had exactly it; every
    version's other spans are recorded rejected. One undo step."""
    had = [name for name, spans in item.versions.items() if span in spans]
    _write_decision(store, text, item, {span: had}, " (edited)", {"edited": True})


def _write_decision(store: Any, text: str, item: Disagreement, chosen: dict[Span, list[str]],
                    what: str, extra: dict[str, Any] | None = None) -> None:
    """The chosen spans accepted (``agreed_by`` who had them), every other version's spans
    recorded rejected, so the cluster counts as decided: one undo step."""
    refused = {s for spans in item.versions.values() for s in spans} - set(chosen)
    with store.batch(f"adjudicate {item.article_id} {item.start}–{item.end}{what}"):
        for (start, end, label), names in sorted(chosen.items()):
            store.add_entity(item.article_id, EntitySpan(
                start, end, text[start:end], label, origin=ORIGIN, status=SpanStatus.ACCEPTED,
                extra={"agreed_by": sorted(names), **(extra or {})}))
        for start, end, label in sorted(refused):
            store.add_entity(item.article_id, EntitySpan(
                start, end, text[start:end], label, origin=ORIGIN,
                status=SpanStatus.REJECTED, extra={"agreed_by": []}))

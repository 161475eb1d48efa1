"""doccano JSONL for sequence labelling, with UTF-16 offsets as doccano's browser UI counts
them (JavaScript string indexes).

Export writes the ``label`` variant (``{"text", "label": [[start, end, LABEL]]}``) or, with
``variant="entities"``, the relation variant where event triggers are entities labelled with
the event type and event arguments are relations typed by role. Import reads both. doccano
has no status field, so only the exported statuses' spans go out and all come back as given
(no negative examples).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    Utf16Map,
    check_span,
    imported_span,
    read_jsonl,
    select,
    text_sha256,
)
from store.records import ArticleAnnotations, Event, EventArgument

VARIANTS = ("label", "entities")


def export(docs: Iterable[GoldDoc], out: TextIO, options: ExportOptions,
           variant: str = "label") -> int:
    if variant not in VARIANTS:
        raise ValueError(f"unknown doccano variant {variant!r}")
    mapper = options.mapper
    count = 0
    for doc in docs:
        chosen = select(doc, options, mapper)
        ann = chosen.annotations
        u16 = Utf16Map(doc.text)
        rec: dict[str, Any] = {"id": doc.id, "text": doc.text,
                               "text_sha256": text_sha256(doc.text)}
        ents = sorted(ann.entities, key=lambda e: (e.start, e.end, e.label))
        if variant == "label":
            rec["label"] = [[u16.to_utf16(e.start), u16.to_utf16(e.end), e.label] for e in ents]
            count += len(ents)
        else:
            entities, relations = [], []
            num: dict[str, int] = {}
            for e in ents:
                num[e.id] = len(entities) + 1
                entities.append({"id": num[e.id], "label": e.label,
                                 "start_offset": u16.to_utf16(e.start),
                                 "end_offset": u16.to_utf16(e.end)})
            for ev in ann.events:
                trig = len(entities) + 1
                entities.append({"id": trig, "label": ev.type,
                                 "start_offset": u16.to_utf16(ev.trigger_start),
                                 "end_offset": u16.to_utf16(ev.trigger_end)})
                for arg in ev.arguments:
                    relations.append({"id": len(relations) + 1, "from_id": trig,
                                      "to_id": num[arg.entity_id], "type": arg.role})
            rec["entities"], rec["relations"] = entities, relations
            count += len(ents) + len(ann.events)
        if doc.meta:
            rec["meta"] = doc.meta
        out.write(json.dumps(rec, ensure_ascii=False))
        out.write("\n")
    return count


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    return read_jsonl(path, _record, known_labels)


def _record(rec: Any, path: Path, lineno: int, report: ImportReport,
            known_labels: set[str] | None) -> GoldDoc | None:
    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not rec["text"]:
        report.problem(path, lineno, "record has no text")
        return None
    text = rec["text"]
    art_id = rec.get("id")
    art_id = str(art_id) if art_id not in (None, "") else text_sha256(text)[:16]
    u16 = Utf16Map(text)
    ann = ArticleAnnotations()

    def to_cp(value: Any) -> Any:
        if not isinstance(value, int):
            return value
        try:
            return u16.to_codepoint(value)
        except ValueError:
            return -1

    if "entities" in rec:
        items = rec.get("entities") or []
        rels = rec.get("relations") or []
        triggers = {r.get("from_id") for r in rels if isinstance(r, dict)}
        by_num: dict[Any, str] = {}
        trig_events: dict[Any, Event] = {}
        for item in items:
            if not isinstance(item, dict):
                report.problem(path, lineno, "an entity is not an object")
                continue
            s, e = to_cp(item.get("start_offset")), to_cp(item.get("end_offset"))
            is_trigger = item.get("id") in triggers
            if not check_span(report, path, lineno, text, s, e, item.get("label"), None,
                              None if is_trigger else known_labels):
                continue
            if is_trigger:
                trig_events[item.get("id")] = Event(
                    type=item["label"], trigger_start=s, trigger_end=e, trigger_text=text[s:e])
                continue
            span = imported_span(s, e, text, item["label"])
            by_num[item.get("id")] = span.id
            ann.entities.append(span)
        for r in rels:
            if not isinstance(r, dict):
                continue
            ev, target = trig_events.get(r.get("from_id")), by_num.get(r.get("to_id"))
            if ev is None or target is None:
                report.problem(path, lineno, f"relation {r.get('id')} joins unknown entities")
                continue
            ev.arguments.append(EventArgument(role=str(r.get("type")), entity_id=target))
        ann.events.extend(trig_events.values())
    else:
        labels = rec.get("label") or []
        if not isinstance(labels, list):
            report.problem(path, lineno, "label is not a list")
            labels = []
        for item in labels:
            if not (isinstance(item, list) and len(item) == 3):
                report.problem(path, lineno, f"label entry {item!r} is not [start, end, LABEL]")
                continue
            s, e = to_cp(item[0]), to_cp(item[1])
            if check_span(report, path, lineno, text, s, e, item[2], None, known_labels):
                ann.entities.append(imported_span(s, e, text, item[2]))
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    return GoldDoc(id=art_id, text=text, meta=dict(meta), annotations=ann, line=lineno)

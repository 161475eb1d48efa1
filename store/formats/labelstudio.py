"""Label Studio JSON tasks: ``data.text``, human work in ``annotations[].result[]``, pending
suggestions as ``predictions`` (``model_version`` = the suggestion source).

Offsets: Label Studio's text regions originally stored JavaScript (UTF-16) indexes; its
frontend was changed to store code points (label-studio-frontend PR 308, "Fix offsets in
Text with emoji", reported merged 2022). Export writes code points by default
(``offsets="utf16"`` for old instances); import checks each region's ``value.text`` against
both readings, so files from either generation load. Arabic text without emoji is the same
either way.

Regions: entities use ``from_name="label"``, event triggers ``"trigger"``, highlights
``"highlight"`` (note in the region's ``meta.text``); event arguments are relations from
the trigger to the entity labelled with the role; event attributes are per-region
``choices`` sharing the trigger's id; document labels are a ``choices`` result
``"doc_labels"``. Rejected suggestions (negative examples, when exported) go in a
prediction whose ``model_version`` is ``"rejected:<source>"``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from store import safe_json
from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    Utf16Map,
    check_span,
    guarded_record,
    select,
    text_sha256,
)
from store.records import (
    ArticleAnnotations,
    ArticleStatus,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)

REJECTED_PREFIX = "rejected:"
OFFSET_UNITS = ("codepoint", "utf16")


def _region(rid: str, from_name: str, start: int, end: int, text: str, labels: list[str],
            conv: Any) -> dict[str, Any]:
    return {"id": rid, "from_name": from_name, "to_name": "text", "type": "labels",
            "value": {"start": conv(start), "end": conv(end), "text": text, "labels": labels}}


def _results(ents: list[EntitySpan], events: list[Event], conv: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in ents:
        r = _region(e.id, "label", e.start, e.end, e.text, [e.label], conv)
        if e.score is not None:
            r["score"] = e.score
        out.append(r)
    for ev in events:
        out.append(_region(ev.id, "trigger", ev.trigger_start, ev.trigger_end,
                           ev.trigger_text, [ev.type], conv))
        for key, value in sorted(ev.attributes.items()):
            out.append({"id": ev.id, "from_name": f"event_{key}", "to_name": "text",
                        "type": "choices",
                        "value": {"start": conv(ev.trigger_start), "end": conv(ev.trigger_end),
                                  "text": ev.trigger_text, "choices": [value]}})
        for arg in ev.arguments:
            out.append({"from_id": ev.id, "to_id": arg.entity_id, "type": "relation",
                        "direction": "right", "labels": [arg.role]})
    return out


def doc_to_task(doc: GoldDoc, options: ExportOptions, offsets: str = "codepoint",
                mapper: Any = None) -> tuple[dict[str, Any], int]:
    chosen = select(doc, options, mapper)
    ann = chosen.annotations
    conv = Utf16Map(doc.text).to_utf16 if offsets == "utf16" else int
    gold_e = [e for e in ann.entities if e.status == SpanStatus.ACCEPTED]
    gold_v = [v for v in ann.events if v.status == SpanStatus.ACCEPTED]
    result = _results(gold_e, gold_v, conv)
    for h in ann.highlights:
        r = _region(h.id, "highlight", h.start, h.end, h.text, [h.category], conv)
        if h.note:
            r["meta"] = {"text": [h.note]}
        result.append(r)
    if ann.doc_labels:
        result.append({"id": "doc_labels", "from_name": "doc_labels", "to_name": "text",
                       "type": "choices", "value": {"choices": list(ann.doc_labels)}})
    groups: dict[str, tuple[list[EntitySpan], list[Event]]] = defaultdict(lambda: ([], []))
    for e in ann.entities:
        if e.status != SpanStatus.ACCEPTED:
            key = e.origin if e.status == SpanStatus.PENDING else REJECTED_PREFIX + e.origin
            groups[key][0].append(e)
    for v in ann.events:
        if v.status != SpanStatus.ACCEPTED:
            key = v.origin if v.status == SpanStatus.PENDING else REJECTED_PREFIX + v.origin
            groups[key][1].append(v)
    by_id = {e.id: e for e in ann.entities}
    predictions = []
    for version in sorted(groups):
        ents, evs = groups[version]
        # A relation points inside its own result list: a predicted event's arguments that
        # are elsewhere (accepted, another source) are repeated here as regions.
        have = {e.id for e in ents}
        ents = list(ents)
        for v in evs:
            for a in v.arguments:
                if a.entity_id in by_id and a.entity_id not in have:
                    have.add(a.entity_id)
                    ents.append(by_id[a.entity_id])
        pred: dict[str, Any] = {"model_version": version, "result": _results(ents, evs, conv)}
        scores = [e.score for e in ents if e.score is not None]
        if scores:
            pred["score"] = sum(scores) / len(scores)
        predictions.append(pred)
    task = {
        "data": {"text": doc.text, "article_id": doc.id, "text_sha256": text_sha256(doc.text),
                 "meta": doc.meta},
        "meta": {"status": str(ann.status), "annotators": list(ann.annotators),
                 "offsets": offsets},
        "annotations": [{"result": result, "ground_truth": False}] if result else [],
        "predictions": predictions,
    }
    return task, len(ann.entities) + len(ann.events) + len(ann.highlights)


def export(docs: Iterable[GoldDoc], out: TextIO, options: ExportOptions,
           offsets: str = "codepoint") -> int:
    """Write a JSON array of tasks, streamed (one task a line inside the array)."""
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"unknown offset unit {offsets!r}")
    mapper = options.mapper
    count = 0
    out.write("[")
    first = True
    for doc in docs:
        task, n = doc_to_task(doc, options, offsets, mapper)
        count += n
        out.write("\n" if first else ",\n")
        out.write(json.dumps(task, ensure_ascii=False))
        first = False
    out.write("\n]\n")
    return count


def labeling_config(entity_labels: Iterable[str], event_types: Iterable[str] = (),
                    doc_labels: Iterable[str] = (), roles: Iterable[str] = (),
                    attributes: dict[str, Iterable[str]] | None = None,
                    highlight_categories: Iterable[str] = ("default",)) -> str:
    """A Label Studio labelling interface for exactly what the export writes: every
    ``from_name`` of the tasks has its control, so an edit in Label Studio keeps event
    attributes (per-region choices on the trigger) and highlight categories instead of
    dropping what the interface does not know."""
    def tags(names: Iterable[str], tag: str) -> str:
        return "".join(f"\n    <{tag} value={quoteattr(n)}/>" for n in names)

    attribute_controls = "".join(
        f'  <Choices name={quoteattr("event_" + name)} toName="text" perRegion="true" '
        f'choice="single" showInline="true">{tags(values, "Choice")}\n  </Choices>\n'
        for name, values in sorted((attributes or {}).items()))
    return (
        "<View>\n"
        f'  <Labels name="label" toName="text">{tags(entity_labels, "Label")}\n  </Labels>\n'
        f'  <Labels name="trigger" toName="text">{tags(event_types, "Label")}\n  </Labels>\n'
        f'  <Labels name="highlight" toName="text">{tags(highlight_categories, "Label")}\n'
        "  </Labels>\n"
        f'  <Relations>{tags(roles, "Relation")}\n  </Relations>\n'
        '  <Text name="text" value="$text"/>\n'
        f"{attribute_controls}"
        f'  <Choices name="doc_labels" toName="text" choice="multiple">'
        f'{tags(doc_labels, "Choice")}\n  </Choices>\n'
        "</View>\n"
    )


def schema_config(schema: Any) -> str:
    """``labeling_config`` for a Warraq schema (``warraq export … --config OUT.xml``)."""
    roles = sorted({r for e in schema.event_types for r in e.roles})
    return labeling_config(
        [e.name for e in schema.entity_types], [e.name for e in schema.event_types],
        [d.name for d in schema.doc_labels], roles,
        {a.name: a.values for a in schema.attributes.values()},
        [h.name for h in schema.highlight_categories] or ["default"])


# --------------------------------------------------------------------------- import


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    """Read a JSON array of tasks (or JSONL, one task a line). Line numbers are those where
    each task starts in the file."""
    report = ImportReport()
    raw = Path(path).read_text(encoding="utf-8-sig")
    stripped = raw.lstrip()
    tasks: list[tuple[int, Any]] = []
    if stripped.startswith("["):
        pos = raw.index("[") + 1
        while True:
            while pos < len(raw) and raw[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(raw) or raw[pos] == "]":
                break
            lineno = raw.count("\n", 0, pos) + 1
            try:
                obj, pos = safe_json.decode_at(raw, pos)
            except safe_json.BadJSON as exc:
                where = lineno if exc.line is None else exc.line
                report.problem(path, where, f"bad JSON: {exc.reason}")
                if exc.end is None:
                    break  # not JSON: nothing after it can be trusted
                pos = exc.end  # JSON we refuse: skip just that task
                continue
            tasks.append((lineno, obj))
    else:
        for lineno, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    tasks.append((lineno, safe_json.loads(line)))
                except safe_json.BadJSON as exc:
                    report.problem(path, lineno, f"bad JSON: {exc.reason}")
    for lineno, task in tasks:
        doc = guarded_record(_task, task, path, lineno, report, known_labels)
        if doc is not None:
            report.docs.append(doc)
    return report


def _resolve(text: str, u16: Utf16Map, value: dict[str, Any], prefer: str) -> tuple[Any, Any]:
    """Offsets as code points: the reading (code points or UTF-16) whose slice equals
    ``value.text``, trying the file's declared unit first."""
    s, e, quoted = value.get("start"), value.get("end"), value.get("text")
    if not (isinstance(s, int) and isinstance(e, int)):
        return s, e

    def as_cp() -> tuple[int, int]:
        return s, e

    def as_u16() -> tuple[int, int]:
        return u16.to_codepoint(s), u16.to_codepoint(e)

    readings = [as_u16, as_cp] if prefer == "utf16" else [as_cp, as_u16]
    for reading in readings:
        try:
            cs, ce = reading()
        except ValueError:
            continue
        if 0 <= cs < ce <= len(text) and (quoted is None or text[cs:ce] == quoted):
            return cs, ce
    return s, e


def _task(task: Any, path: Path, lineno: int, report: ImportReport,
          known_labels: set[str] | None) -> GoldDoc | None:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        report.problem(path, lineno, "task has no data.text")
        return None
    text = data["text"]
    u16 = Utf16Map(text)
    art_id = data.get("article_id") or data.get("id") or task.get("id")
    art_id = str(art_id) if art_id not in (None, "") else text_sha256(text)[:16]
    tmeta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    ann = ArticleAnnotations()
    try:
        ann.status = ArticleStatus(tmeta.get("status", "new"))
    except ValueError:
        report.problem(path, lineno, f"unknown article status {tmeta.get('status')!r}")
    ann.annotators = [str(a) for a in tmeta.get("annotators", []) if a]
    prefer = str(tmeta.get("offsets", "codepoint"))
    for block in task.get("annotations") or []:
        if isinstance(block, dict) and not block.get("was_cancelled"):
            _results_into(block.get("result") or [], ann, text, u16, SpanStatus.ACCEPTED,
                          "human", None, path, lineno, report, known_labels, prefer)
    for pred in task.get("predictions") or []:
        if not isinstance(pred, dict):
            continue
        version = str(pred.get("model_version") or "prediction")
        status = SpanStatus.PENDING
        if version.startswith(REJECTED_PREFIX):
            status, version = SpanStatus.REJECTED, version[len(REJECTED_PREFIX):]
        _results_into(pred.get("result") or [], ann, text, u16, status, version,
                      pred.get("score"), path, lineno, report, known_labels, prefer)
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return GoldDoc(id=art_id, text=text, meta=dict(meta), annotations=ann, line=lineno)


def _results_into(results: list[Any], ann: ArticleAnnotations, text: str, u16: Utf16Map,
                  status: SpanStatus, origin: str, score: Any, path: Path, lineno: int,
                  report: ImportReport, known_labels: set[str] | None,
                  prefer: str = "codepoint") -> None:
    ents: dict[str, EntitySpan] = {}
    events: dict[str, Event] = {}
    attrs: list[dict[str, Any]] = []
    rels: list[dict[str, Any]] = []
    for r in results:
        if not isinstance(r, dict):
            report.problem(path, lineno, "a result item is not an object")
            continue
        rtype, name = r.get("type"), r.get("from_name")
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        if rtype == "relation":
            rels.append(r)
            continue
        if rtype == "choices":
            if name == "doc_labels":
                ann.doc_labels.extend(c for c in value.get("choices", [])
                                      if c not in ann.doc_labels)
            else:
                attrs.append(r)
            continue
        if rtype not in ("labels", "hypertextlabels") or not value.get("labels"):
            continue
        s, e = _resolve(text, u16, value, prefer)
        label = value["labels"][0]
        labels = known_labels if name not in ("trigger", "highlight") else None
        if not check_span(report, path, lineno, text, s, e, label, value.get("text"), labels,
                          "region"):
            continue
        rid = str(r.get("id") or "")
        if name == "trigger":
            ev = Event(type=label, trigger_start=s, trigger_end=e, trigger_text=text[s:e],
                       origin=origin, status=status)
            if rid:
                ev.id = rid
            events[rid or ev.id] = ev
        elif name == "highlight":
            notes = (r.get("meta") or {}).get("text") or []
            h = Highlight(start=s, end=e, text=text[s:e], category=label,
                          note=notes[0] if notes else None)
            if rid:
                h.id = rid
            ann.highlights.append(h)
        else:
            span = EntitySpan(start=s, end=e, text=text[s:e], label=label, origin=origin,
                              status=status)
            sc = r.get("score", score if status == SpanStatus.PENDING else None)
            if isinstance(sc, int | float):
                span.score = float(sc)
            if rid:
                span.id = rid
            ents[rid or span.id] = span
    for r in attrs:
        ev = events.get(str(r.get("id")))
        key = str(r.get("from_name", ""))
        choices = (r.get("value") or {}).get("choices") or []
        if ev is not None and key.startswith("event_") and choices:
            ev.attributes[key[len("event_"):]] = str(choices[0])
    for r in rels:
        ev, target = events.get(str(r.get("from_id"))), ents.get(str(r.get("to_id")))
        if ev is None or target is None:
            report.problem(path, lineno, f"relation {r.get('from_id')}→{r.get('to_id')} does "
                                         "not join a trigger to an entity")
            continue
        role = (r.get("labels") or ["ARG"])[0]
        ev.arguments.append(EventArgument(role=role, entity_id=target.id))
    # A region already read from another result list with the same id (an entity repeated
    # in a prediction so its relation has a region to point at) is that entity, not a
    # second one.
    known = {x.id for x in ann.entities}
    ann.entities.extend(x for x in ents.values() if x.id not in known)
    ann.events.extend(events.values())

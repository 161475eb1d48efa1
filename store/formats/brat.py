"""brat standoff: one ``ID.txt`` (the exact canonical text) and ``ID.ann`` per article in a
folder, plus ``annotation.conf`` generated from the schema and the exported labels.

brat's server is Python and indexes the ``.txt`` as a unicode string, so offsets are code
points, the same unit Warraq stores. A span that crosses a newline is written as fragments
(``start end;start end``) split at the newlines, as brat itself writes them.

Lines written: ``T`` for entities, event triggers and highlights (label ``Highlight``),
``E`` for events (``TYPE:Ttrigger Role:Targ …``, a repeated role numbered ``Role2`` the brat
way), ``A`` for attributes (event attributes; ``Status`` for pending/rejected spans;
``Origin`` for suggestion sources; ``Category`` of highlights) and ``#`` AnnotatorNotes for
highlight notes. brat has no document labels; they are not carried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    check_span,
    safe_stem,
    select,
)
from store.records import (
    HUMAN,
    ArticleAnnotations,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)

IDS_FILE = "warraq-ids.tsv"
HIGHLIGHT = "Highlight"


def _frag_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    pos = start
    for piece in text[start:end].split("\n"):
        if piece:
            parts.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return parts or [(start, end)]


def _t_line(tid: str, label: str, text: str, start: int, end: int) -> str:
    frags = _frag_list(text, start, end)
    where = ";".join(f"{a} {b}" for a, b in frags)
    return f"{tid}\t{label} {where}\t{' '.join(text[a:b] for a, b in frags)}"


def doc_to_ann(doc: GoldDoc) -> str:
    """The ``.ann`` text of one (already selected) document."""
    text, ann = doc.text, doc.annotations
    lines: list[str] = []
    t_of: dict[str, str] = {}
    counters = {"T": 0, "E": 0, "A": 0, "#": 0}

    def nxt(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def status_attrs(target: str, status: SpanStatus, origin: str) -> None:
        if status != SpanStatus.ACCEPTED:
            lines.append(f"{nxt('A')}\tStatus {target} {status}")
        if origin != HUMAN:
            lines.append(f"{nxt('A')}\tOrigin {target} {origin.replace(' ', '_')}")

    for e in sorted(ann.entities, key=lambda s: (s.start, s.end, s.label)):
        tid = nxt("T")
        t_of[e.id] = tid
        lines.append(_t_line(tid, e.label, text, e.start, e.end))
        status_attrs(tid, e.status, e.origin)
    for ev in ann.events:
        tid = nxt("T")
        lines.append(_t_line(tid, ev.type, text, ev.trigger_start, ev.trigger_end))
        eid = nxt("E")
        seen: dict[str, int] = {}
        args = []
        for arg in ev.arguments:
            seen[arg.role] = seen.get(arg.role, 0) + 1
            role = arg.role if seen[arg.role] == 1 else f"{arg.role}{seen[arg.role]}"
            args.append(f"{role}:{t_of[arg.entity_id]}")
        lines.append(f"{eid}\t{' '.join([f'{ev.type}:{tid}', *args])}")
        for key, value in sorted(ev.attributes.items()):
            lines.append(f"{nxt('A')}\t{key} {eid} {value}")
        status_attrs(eid, ev.status, ev.origin)
    for h in ann.highlights:
        tid = nxt("T")
        lines.append(_t_line(tid, HIGHLIGHT, text, h.start, h.end))
        lines.append(f"{nxt('A')}\tCategory {tid} {h.category}")
        if h.note:
            note = h.note.replace("\n", " ").replace("\t", " ")
            lines.append(f"{nxt('#')}\tAnnotatorNotes {tid}\t{note}")
    return "".join(line + "\n" for line in lines)


def annotation_conf(docs_labels: set[str], event_roles: dict[str, set[str]],
                    attributes: dict[str, set[str]], schema: Any | None = None) -> str:
    """brat's ``annotation.conf``: entity labels, event types with their roles, attributes
    with their values, and an ``<OVERLAP>`` rule allowing nested/crossing entities."""
    entity_names = [getattr(t, "name", None) for t in getattr(schema, "entity_types", []) or []]
    entities = [n for n in entity_names if n] + sorted(docs_labels - set(entity_names))
    for et in getattr(schema, "event_types", []) or []:
        event_roles.setdefault(et.name, set()).update(getattr(et, "roles", []) or [])
    out = ["[entities]", *entities, HIGHLIGHT, "", "[relations]",
           "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for name in sorted(event_roles):
        roles = ", ".join(f"{r}*:<ENTITY>" for r in sorted(event_roles[name]))
        out.append(f"{name}\t{roles}" if roles else name)
    out += ["", "[attributes]"]
    for key in sorted(attributes):
        arg = {"Category": HIGHLIGHT, "Status": "<ENTITY>|<EVENT>",
               "Origin": "<ENTITY>|<EVENT>"}.get(key, "<EVENT>")
        out.append(f"{key}\tArg:{arg}, Value:{'|'.join(sorted(attributes[key]))}")
    return "\n".join(out) + "\n"


def export(docs: Iterable[GoldDoc], out_dir: Path, options: ExportOptions) -> int:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    mapper = options.mapper
    labels: set[str] = set()
    roles: dict[str, set[str]] = {}
    attrs: dict[str, set[str]] = {}
    renamed: list[tuple[str, str]] = []
    count = 0
    for doc in docs:
        chosen = select(doc, options, mapper)
        ann = chosen.annotations
        stem = safe_stem(doc.id)
        if stem != doc.id:
            renamed.append((stem, doc.id))
        with open(out_dir / f"{stem}.txt", "w", encoding="utf-8", newline="") as fh:
            fh.write(doc.text)
        with open(out_dir / f"{stem}.ann", "w", encoding="utf-8", newline="") as fh:
            fh.write(doc_to_ann(chosen))
        count += len(ann.entities) + len(ann.events) + len(ann.highlights)
        labels.update(e.label for e in ann.entities)
        for e in ann.entities:
            if e.status != SpanStatus.ACCEPTED:
                attrs.setdefault("Status", set()).add(str(e.status))
            if e.origin != HUMAN:
                attrs.setdefault("Origin", set()).add(e.origin.replace(" ", "_"))
        for ev in ann.events:
            roles.setdefault(ev.type, set()).update(a.role for a in ev.arguments)
            for k, v in ev.attributes.items():
                attrs.setdefault(k, set()).add(v)
        for h in ann.highlights:
            attrs.setdefault("Category", set()).add(h.category)
    (out_dir / "annotation.conf").write_text(
        annotation_conf(labels, roles, attrs, options.schema), encoding="utf-8")
    if renamed:
        (out_dir / IDS_FILE).write_text(
            "".join(f"{stem}\t{aid}\n" for stem, aid in renamed), encoding="utf-8")
    return count


# --------------------------------------------------------------------------- import

# Offsets of at most 18 digits: a longer number is a malformed line, not a huge int.
_T = re.compile(r"^(T\d+)\t(\S+) (\d{1,18} \d{1,18}(?:;\d{1,18} \d{1,18})*)\t(.*)$")


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    """Read a folder of ``.txt``/``.ann`` pairs (or one ``.ann`` file next to its ``.txt``)."""
    report = ImportReport()
    path = Path(path)
    anns = sorted(path.glob("*.ann")) if path.is_dir() else [path.with_suffix(".ann")]
    ids: dict[str, str] = {}
    ids_file = (path if path.is_dir() else path.parent) / IDS_FILE
    id_lines = _read_text(ids_file, report) if ids_file.exists() else None
    if id_lines is not None:
        for line in id_lines.splitlines():
            if "\t" in line:
                stem, aid = line.split("\t", 1)
                ids[stem] = aid
    for ann_path in anns:
        txt_path = ann_path.with_suffix(".txt")
        if not txt_path.exists():
            report.problem(ann_path, None, f"no text file {txt_path.name} beside it")
            continue
        text = _read_text(txt_path, report)
        ann_text = _read_text(ann_path, report) if text is not None else None
        if text is None or ann_text is None:
            continue  # reported; the other documents still import
        doc = GoldDoc(id=ids.get(ann_path.stem, ann_path.stem), text=text, line=1)
        _parse_ann(ann_path, ann_text, text, doc.annotations, report, known_labels)
        report.docs.append(doc)
    return report


def _read_text(path: Path, report: ImportReport) -> str | None:
    """A file of the collection as text, or None with the problem reported (one document
    that is not UTF-8 or cannot be read must not stop the others)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        report.problem(path, None, f"not valid UTF-8 (byte {exc.start})")
    except OSError as exc:
        report.problem(path, None, f"cannot read ({exc.strerror or exc})")
    return None


def _parse_ann(path: Path, ann_text: str, text: str, ann: ArticleAnnotations,
               report: ImportReport, known_labels: set[str] | None) -> None:
    spans: dict[str, tuple[int, int, str, int]] = {}
    event_lines: list[tuple[int, str, list[str]]] = []
    attr_lines: list[tuple[int, str, str, str]] = []
    notes: dict[str, str] = {}
    lines = ann_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("T"):
            m = _T.match(line)
            if not m:
                report.problem(path, lineno, "malformed T line")
                continue
            frags = [tuple(map(int, f.split())) for f in m.group(3).split(";")]
            start, end = frags[0][0], frags[-1][1]
            if not check_span(report, path, lineno, text, start, end, m.group(2), None, None):
                continue
            shown = " ".join(text[a:b] for a, b in frags)
            if m.group(4) not in (shown, shown.replace("\n", " ")):
                report.problem(path, lineno, f"span text mismatch at [{start}, {end}): file "
                                             f"says {m.group(4)!r}, text has {shown!r}")
                continue
            spans[m.group(1)] = (start, end, m.group(2), lineno)
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) < 2 or not parts[1].split():
                report.problem(path, lineno, "malformed E line")
                continue
            event_lines.append((lineno, parts[0], parts[1].split()))
        elif line.startswith("A") or line.startswith("M"):
            parts = line.split("\t")
            fields = parts[1].split() if len(parts) > 1 else []
            if len(fields) < 2:
                report.problem(path, lineno, "malformed A line")
                continue
            value = fields[2] if len(fields) > 2 else "true"
            attr_lines.append((lineno, fields[0], fields[1], value))
        elif line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1].startswith("AnnotatorNotes "):
                notes[parts[1].split()[1]] = parts[2]
        elif line[0] in "RN*":
            continue  # relations, normalizations, equivalences: not part of Warraq's model
        else:
            report.problem(path, lineno, f"unknown annotation line kind {line[:1]!r}")
    triggers: set[str] = set()
    events: dict[str, Event] = {}
    for lineno, eid, fields in event_lines:
        head, _, trig = fields[0].partition(":")
        if trig not in spans:
            report.problem(path, lineno, f"event {eid} trigger {trig} is not a T line")
            continue
        triggers.add(trig)
        s, e, _, _ = spans[trig]
        events[eid] = Event(type=head, trigger_start=s, trigger_end=e, trigger_text=text[s:e])
        events[eid].extra["_args"] = fields[1:]
        events[eid].extra["_line"] = lineno
    attrs: dict[str, dict[str, str]] = {}
    for lineno, key, target, value in attr_lines:
        if target not in spans and target not in events:
            report.problem(path, lineno, f"attribute {key} targets unknown {target}")
            continue
        attrs.setdefault(target, {})[key] = value
    entity_ids: dict[str, str] = {}
    for tid, (s, e, label, lineno) in spans.items():
        if tid in triggers:
            continue
        a = attrs.get(tid, {})
        if label == HIGHLIGHT:
            ann.highlights.append(Highlight(start=s, end=e, text=text[s:e],
                                            category=a.get("Category", "default"),
                                            note=notes.get(tid)))
            continue
        if known_labels is not None and label not in known_labels:
            report.problem(path, lineno, f"unknown label {label!r} for span [{s}, {e})")
            continue
        try:
            status = SpanStatus(a.get("Status", SpanStatus.ACCEPTED))
        except ValueError:
            report.problem(path, lineno, f"unknown Status {a.get('Status')!r} on {tid}")
            continue
        span = EntitySpan(start=s, end=e, text=text[s:e], label=label,
                          origin=a.get("Origin", HUMAN), status=status)
        entity_ids[tid] = span.id
        ann.entities.append(span)
    for eid, ev in events.items():
        args = ev.extra.pop("_args")
        lineno = ev.extra.pop("_line")
        previous: list[str] = []
        for field in args:
            role, _, target = field.partition(":")
            base = re.sub(r"\d+$", "", role)
            if base != role and base in previous:
                role = base
            previous.append(role)
            if target not in entity_ids:
                report.problem(path, lineno, f"event {eid} argument {role} points at "
                                             f"{target}, which is not an entity")
                continue
            ev.arguments.append(EventArgument(role=role, entity_id=entity_ids[target]))
        a = dict(attrs.get(eid, {}))
        try:
            ev.status = SpanStatus(a.pop("Status", SpanStatus.ACCEPTED))
        except ValueError:
            report.problem(path, lineno, f"unknown Status on event {eid}")
            continue
        ev.origin = a.pop("Origin", HUMAN)
        ev.attributes = a
        ann.events.append(ev)

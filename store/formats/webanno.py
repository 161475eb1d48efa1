"""WebAnno TSV 3.3 (INCEpTION's TSV), one ``.tsv`` per article in a folder.

Layout as the format's description gives it: a header (``#FORMAT=WebAnno TSV 3.3`` and one
``#T_SP=`` line for the span layer, here DKPro's ``NamedEntity`` with its ``value``
feature), two blank lines, then per sentence its ``#Text=`` line(s) and one line a token:
``sent-tok<TAB>begin-end<TAB>token<TAB>value<TAB>``. Offsets are UTF-16 code units, as the
format (a Java/UIMA one) counts them. An annotation over several tokens, or stacked with
another on the same token, carries a ``[n]`` id; stacked values are joined by ``|``;
``_`` is empty. Reserved characters are backslash-escaped.

Tokens are Warraq's CoNLL tokens, additionally split where an entity boundary falls inside
one (a stem-only span), so every span is exact. Only entities are carried: events,
highlights, statuses and document labels have no place in this layer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    Utf16Map,
    check_span,
    imported_span,
    safe_stem,
    select,
    sentences,
    split_tokens,
    tokenize,
)

HEADER = "#FORMAT=WebAnno TSV 3.3"
LAYER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
IDS_FILE = "warraq-ids.txt"

_ESCAPES = [("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("|", "\\|"), ("_", "\\_"),
            ("->", "\\->"), (";", "\\;"), ("\t", "\\t"), ("\n", "\\n"), ("*", "\\*")]


_NEEDS_ESCAPE = re.compile(r"[\\\[\]|_;\t\n*]|->")


def escape(value: str) -> str:
    if not _NEEDS_ESCAPE.search(value):
        return value
    for raw, esc in _ESCAPES:
        value = value.replace(raw, esc)
    return value


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            if value.startswith("->", i + 1):
                out.append("->")
                i += 3
                continue
            out.append({"t": "\t", "n": "\n"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def doc_to_tsv(doc: GoldDoc) -> str:
    """The TSV text of one (already selected) document."""
    text = doc.text
    u16 = Utf16Map(text)
    ents = sorted(doc.annotations.entities, key=lambda e: (e.start, -e.end, e.label))
    cuts = [p for e in ents for p in (e.start, e.end)]
    toks = split_tokens(tokenize(text), cuts, text)
    tok_at = {t.start: k for k, t in enumerate(toks)}
    tok_end = {t.end: k for k, t in enumerate(toks)}
    cells: list[list[tuple[str, int]]] = [[] for _ in toks]  # (label, annotation no.)
    seen: set[tuple[int, int, str]] = set()
    number = 0
    for e in ents:
        if (e.start, e.end, e.label) in seen or e.start not in tok_at or e.end not in tok_end:
            continue
        seen.add((e.start, e.end, e.label))
        number += 1
        for k in range(tok_at[e.start], tok_end[e.end] + 1):
            cells[k].append((e.label, number))
    width = Counter(n for c in cells for _, n in c)
    multi = {n for c in cells if len(c) > 1 for _, n in c} | {n for n, w in width.items()
                                                               if w > 1}
    lines = [HEADER, f"#T_SP={LAYER}|value", "", ""]
    index = {id(t): k for k, t in enumerate(toks)}
    for si, sent in enumerate(sentences(text, toks, [(e.start, e.end) for e in ents]), 1):
        if si > 1:
            lines.append("")
        body = text[sent[0].start : sent[-1].end]
        lines.extend("#Text=" + escape(part) for part in body.split("\n"))
        for ti, tok in enumerate(sent, 1):
            cell = cells[index[id(tok)]]
            value = "|".join(escape(label) + (f"[{n}]" if n in multi else "")
                             for label, n in cell) or "_"
            lines.append(f"{si}-{ti}\t{u16.to_utf16(tok.start)}-{u16.to_utf16(tok.end)}\t"
                         f"{escape(tok.text)}\t{value}\t")
    return "\n".join(lines) + "\n"


def export(docs: Iterable[GoldDoc], out_dir: Path, options: ExportOptions) -> int:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    mapper = options.mapper
    renamed: list[str] = []
    count = 0
    for doc in docs:
        chosen = select(doc, options, mapper)
        count += len(chosen.annotations.entities)
        stem = safe_stem(doc.id)
        if stem != doc.id:
            renamed.append(f"{stem}\t{doc.id}\n")
        with open(out_dir / f"{stem}.tsv", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(doc_to_tsv(chosen))
    if renamed:
        (out_dir / IDS_FILE).write_text("".join(renamed), encoding="utf-8")
    return count


# --------------------------------------------------------------------------- import

_TOKEN = re.compile(r"^\d+-\d+(?:\.\d+)?$")
_SPLIT = re.compile(r"(?<!\\)\|")
_NUMBERED = re.compile(r"^(.*?)(?:\[(\d+)\])?$", re.S)


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    report = ImportReport()
    path = Path(path)
    files = sorted(path.glob("*.tsv")) if path.is_dir() else [path]
    ids: dict[str, str] = {}
    ids_file = (path if path.is_dir() else path.parent) / IDS_FILE
    if ids_file.exists():
        for line in ids_file.read_text(encoding="utf-8").splitlines():
            stem, _, aid = line.partition("\t")
            if aid:
                ids[stem] = aid
    for f in files:
        doc = _read_file(f, report, known_labels)
        if doc is not None:
            doc.id = ids.get(f.stem, f.stem)
            report.docs.append(doc)
    return report


def _value_column(path: Path, header: list[str], report: ImportReport) -> int | None:
    """Column (0-based, in the whole row) of the named-entity value feature."""
    col = 3
    for line in header:
        kind, _, spec = line.partition("=")
        parts = spec.split("|")
        feats = parts[1:]
        if kind == "#T_SP" and ("NamedEntity" in parts[0] or "webanno.custom" in parts[0]):
            return col + (feats.index("value") if "value" in feats else 0)
        col += len(feats) + (1 if kind == "#T_RL" else 0)
    report.problem(path, 2, "no NamedEntity (or custom span) layer in the header")
    return None


def _read_file(path: Path, report: ImportReport, known_labels: set[str] | None
               ) -> GoldDoc | None:
    with open(path, encoding="utf-8-sig") as fh:
        lines = fh.read().split("\n")
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        report.problem(path, 1, "not a WebAnno TSV 3 file (no #FORMAT=WebAnno TSV 3.x)")
        return None
    header = [ln for ln in lines if ln.startswith("#T_")]
    col = _value_column(path, header, report)
    if col is None:
        return None
    units: list[str] = []  # the text rebuilt in UTF-16 positions, one piece per code unit run
    u16_len = 0
    sentence_text: list[str] = []
    placed = False
    rows: list[tuple[int, int, int, str]] = []  # (line, begin16, end16, cell)
    for lineno, line in enumerate(lines, start=1):
        if line.startswith("#Text="):
            if placed:
                sentence_text, placed = [], False
            sentence_text.append(unescape(line[len("#Text="):]))
            continue
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3 or not _TOKEN.match(fields[0]):
            report.problem(path, lineno, "malformed token line")
            continue
        try:
            b16, e16 = (int(x) for x in fields[1].split("-"))
        except ValueError:
            report.problem(path, lineno, f"bad offsets {fields[1]!r}")
            continue
        if not placed and sentence_text:
            if b16 < u16_len:
                report.problem(path, lineno, "sentence starts before the previous one ends")
                return None
            gap = b16 - u16_len
            units.append(("\n" + " " * (gap - 1)) if gap else "")
            body = "\n".join(sentence_text)
            units.append(body)
            u16_len = b16 + _u16(body)
            placed = True
        rows.append((lineno, b16, e16, fields[col] if col < len(fields) else "_"))
    text = "".join(units)
    conv = Utf16Map(text)
    doc = GoldDoc(id=path.stem, text=text, line=1, offsets_exact=False)
    open_spans: dict[str, list] = {}
    for lineno, b16, e16, cell in rows:
        try:
            b, e = conv.to_codepoint(b16), conv.to_codepoint(e16)
        except ValueError as exc:
            report.problem(path, lineno, str(exc))
            continue
        if cell in ("_", "*", ""):
            continue
        for part in _SPLIT.split(cell):
            m = _NUMBERED.match(part)
            label, num = unescape(m.group(1)), m.group(2)
            if num is None:
                open_spans[f"single{lineno}:{label}"] = [b, e, label, lineno]
            elif num in open_spans:
                open_spans[num][1] = max(open_spans[num][1], e)
            else:
                open_spans[num] = [b, e, label, lineno]
    for s, e, label, lineno in open_spans.values():
        if check_span(report, path, lineno, text, s, e, label, None, known_labels):
            doc.annotations.entities.append(imported_span(s, e, text, label))
    return doc


def _u16(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)

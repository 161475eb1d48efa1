"""CoNLL IOB2, the way ANERcorp and Wojood lay it out: one whitespace token a line (clitics
included, punctuation split off), ``token TAG [TAG …]`` separated by spaces, a blank line
between sentences and a ``-DOCSTART-`` line before each article.

Nested entities go to extra tag columns, the outermost layer in the *last* column, where
single-layer readers (spaCy's ``convert -c ner``, CoNLL-2003 tools) look; inner layers come
before it. Every row of a file has the same number of columns. ``--tagset anercorp`` gives
exactly ANERcorp's nine tags in one column (inner nested spans are dropped, ANERcorp being
flat).

A span whose boundary falls inside a whitespace token (a stem-only span such as لبنان in
بلبنان) is widened to the whole token: the token carries the tag. CoNLL does not carry the
text's exact spacing, so imports come back with ``offsets_exact=False`` and the importer
re-anchors them on the stored article whose non-space characters match.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    imported_span,
    layers,
    select,
    sentences,
    text_sha256,
    tokenize,
)
from store.records import EntitySpan

DOCSTART = "-DOCSTART-"


@dataclass
class _Tagged:
    tokens: list[str]
    tags: list[list[str]]  # per token, one tag per layer
    breaks: list[int]  # token indexes where a sentence starts


def token_spans(doc: GoldDoc) -> tuple[list, list[EntitySpan]]:
    """Tokens of the doc and its entities widened to whole tokens (duplicates merged)."""
    toks = tokenize(doc.text)
    starts = [t.start for t in toks]
    ends = [t.end for t in toks]
    seen: set[tuple[int, int, str]] = set()
    widened: list[EntitySpan] = []
    for e in doc.annotations.entities:
        i = bisect.bisect_right(ends, e.start)
        j = bisect.bisect_left(starts, e.end) - 1
        if i > j:
            continue  # a span over whitespace only has no token to carry it
        key = (toks[i].start, toks[j].end, e.label)
        if key in seen:
            continue
        seen.add(key)
        widened.append(EntitySpan(start=key[0], end=key[1], text=doc.text[key[0]:key[1]],
                                  label=e.label, id=e.id, created=e.created))
    return toks, widened


def _tag_doc(doc: GoldDoc, flat: bool) -> _Tagged:
    toks, spans = token_spans(doc)
    stack = layers(spans)
    if flat:
        stack = stack[:1]
    index = {t.start: k for k, t in enumerate(toks)}
    end_index = {t.end: k for k, t in enumerate(toks)}
    tags = [["O"] * max(1, len(stack)) for _ in toks]
    for depth, layer in enumerate(stack):
        for sp in layer:
            a, b = index[sp.start], end_index[sp.end]
            tags[a][depth] = f"B-{sp.label}"
            for k in range(a + 1, b + 1):
                tags[k][depth] = f"I-{sp.label}"
    sents = sentences(doc.text, toks, [(s.start, s.end) for s in spans])
    breaks, pos = [], 0
    for sent in sents:
        breaks.append(pos)
        pos += len(sent)
    return _Tagged([t.text for t in toks], tags, breaks)


def export(docs: Iterable[GoldDoc], out: TextIO, options: ExportOptions) -> int:
    mapper = options.mapper
    flat = options.tagset == "anercorp"
    tagged: list[_Tagged] = []
    count = 0
    for doc in docs:
        chosen = select(doc, options, mapper)
        count += len(chosen.annotations.entities)
        tagged.append(_tag_doc(chosen, flat))
    width = max((len(t.tags[0]) for t in tagged if t.tags), default=1)
    pad = ["O"] * width
    for t in tagged:
        out.write(" ".join([DOCSTART, *pad]) + "\n\n")
        starts = set(t.breaks[1:])
        for k, (tok, row) in enumerate(zip(t.tokens, t.tags, strict=True)):
            if k in starts:
                out.write("\n")
            # Outermost layer last: single-layer readers (spaCy's `convert -c ner`, CoNLL-2003
            # tools) read the last column, and should get whole names, not the inner ones.
            cells = pad[len(row):] + row[::-1]
            out.write(f"{tok} {' '.join(cells)}\n")
        if t.tokens:
            out.write("\n")
    return count


# --------------------------------------------------------------------------- import


_UNDECODED = re.compile("[\udc80-\udcff]")


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    report = ImportReport()
    docs: list[tuple[int, list[list[tuple[int, str, list[str]]]]]] = []
    current: list[list[tuple[int, str, list[str]]]] = [[]]
    start_line = 1
    width: int | None = None

    def flush() -> None:
        sents = [s for s in current if s]
        if sents:
            docs.append((start_line, sents))

    # A line that is not UTF-8 costs that line (reported), not the whole file.
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as fh:
        for lineno, line in enumerate(fh, start=1):
            if _UNDECODED.search(line):
                report.problem(path, lineno, "not valid UTF-8; line skipped")
                continue
            fields = line.split()
            if not fields:
                if current[-1]:
                    current.append([])
                continue
            if fields[0] == DOCSTART:
                flush()
                current, start_line = [[]], lineno
                continue
            if len(fields) < 2:
                report.problem(path, lineno, "a token line needs at least one tag column")
                continue
            if width is None:
                width = len(fields) - 1
            elif len(fields) - 1 != width:
                report.problem(path, lineno, f"{len(fields) - 1} tag columns, expected {width}")
            current[-1].append((lineno, fields[0], fields[1:]))
    flush()
    for start, sents in docs:
        report.docs.append(_build(path, start, sents, report, known_labels))
    return report


def _build(path: Path, start_line: int, sents: list[list[tuple[int, str, list[str]]]],
           report: ImportReport, known_labels: set[str] | None) -> GoldDoc:
    pieces: list[str] = []
    rows: list[tuple[int, int, int, list[str]]] = []  # (line, start, end, tags)
    pos = 0
    for si, sent in enumerate(sents):
        if si:
            pieces.append("\n")
            pos += 1
        for ti, (lineno, tok, tags) in enumerate(sent):
            if ti:
                pieces.append(" ")
                pos += 1
            pieces.append(tok)
            rows.append((lineno, pos, pos + len(tok), tags))
            pos += len(tok)
    text = "".join(pieces)
    doc = GoldDoc(id=text_sha256(text)[:16], text=text, line=start_line, offsets_exact=False)
    depth = max((len(r[3]) for r in rows), default=0)
    sent_first = set()
    k = 0
    for sent in sents:
        sent_first.add(k)
        k += len(sent)
    for col in range(depth):
        open_span: list | None = None  # [start, end, label, line]
        for k, (lineno, s, e, tags) in enumerate(rows):
            tag = tags[col] if col < len(tags) else "O"
            if k in sent_first and open_span:
                _close(doc, open_span, report, path, known_labels)
                open_span = None
            if tag == "O":
                if open_span:
                    _close(doc, open_span, report, path, known_labels)
                open_span = None
                continue
            prefix, _, label = tag.partition("-")
            if prefix not in ("B", "I") or not label:
                report.problem(path, lineno, f"bad tag {tag!r} (expected O, B-X or I-X)")
                if open_span:
                    _close(doc, open_span, report, path, known_labels)
                open_span = None
                continue
            if prefix == "I" and open_span and open_span[2] == label:
                open_span[1] = e
                continue
            if prefix == "I":
                report.problem(path, lineno, f"{tag} does not continue a {label} span "
                                             "(read as its start)")
            if open_span:
                _close(doc, open_span, report, path, known_labels)
            open_span = [s, e, label, lineno]
        if open_span:
            _close(doc, open_span, report, path, known_labels)
    return doc


def _close(doc: GoldDoc, span: list, report: ImportReport, path: Path,
           known_labels: set[str] | None) -> None:
    s, e, label, lineno = span
    if known_labels is not None and label not in known_labels:
        report.problem(path, lineno, f"unknown label {label!r}")
        return
    doc.annotations.entities.append(imported_span(s, e, doc.text, label))

"""Shared machinery of the gold formats: the document record every converter works on, offset
unit conversion, the tokenizer CoNLL and WebAnno share, export selection and import reports.

Converters never touch the store: they turn ``GoldDoc`` values into files and files into
``GoldDoc`` values, so each format is testable on its own and the CLI glue alone knows about
``Store``.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from store import safe_json
from store.errors import ImportFormatError
from store.records import ArticleAnnotations, EntitySpan, Event, Highlight, SpanStatus

# --------------------------------------------------------------------------- documents


@dataclass
class GoldDoc:
    """One article as the formats see it: canonical text plus its annotations.

    ``line`` is where the record started in an imported file (for error messages);
    ``offsets_exact`` is False when a format could not carry the exact text (CoNLL), so the
    importer must align the spans to a stored article's text before using them.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: ArticleAnnotations = field(default_factory=ArticleAnnotations)
    line: int | None = None
    offsets_exact: bool = True

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- UTF-16

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Code point ↔ UTF-16 code unit offsets for one text (JavaScript string indexes).

    Arabic is in the BMP, so most texts take the identity fast path; only astral characters
    (emoji, some CJK, math letters) count twice in UTF-16.
    """

    __slots__ = ("_astral_cp", "_astral_ends_u16", "_mid_pair")

    def __init__(self, text: str):
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_ends_u16 = [cp + k + 2 for k, cp in enumerate(self._astral_cp)]
        self._mid_pair = {end - 1 for end in self._astral_ends_u16}

    def to_utf16(self, cp: int) -> int:
        if not self._astral_cp:
            return cp
        return cp + bisect.bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int) -> int:
        """Raise ValueError when ``u16`` falls between the two halves of a surrogate pair."""
        if not self._astral_cp:
            return u16
        if u16 in self._mid_pair:
            raise ValueError(f"offset {u16} splits a surrogate pair")
        return u16 - bisect.bisect_right(self._astral_ends_u16, u16)


def utf16_len(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


# --------------------------------------------------------------------------- tokens

_SENTENCE_END = frozenset(".!?؟…")


class Token(NamedTuple):
    """A token: code point offsets into the text and its characters (a tuple: cheap)."""

    start: int
    end: int
    text: str


_NONSPACE = re.compile(r"\S+")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P"


# Emoji and other symbols glued to a word (``موسكو🇷🇺``, ``بوتين😀``) are tokens of their own,
# a whole emoji sequence (flags, skin tones, ZWJ families, variation selectors) one token:
# kept on the word they would end up inside a gold span.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "S" or ch in _JOINERS or (
        "\U000e0020" <= ch <= "\U000e007f")  # emoji tag characters


def tokenize(text: str) -> list[Token]:
    """Whitespace tokens with leading and trailing punctuation split off, one mark a token.

    Clitics stay on their word (``بلبنان`` is one token) as ANERcorp and Wojood tokenise;
    punctuation inside a token (``15/03/2023``, ``U.S``) stays too.
    """
    tokens: list[Token] = []
    for m in _NONSPACE.finditer(text):
        s, e = m.span()
        if text[s].isalnum() and text[e - 1].isalnum():  # common case: a plain word
            tokens.append(Token(s, e, m.group()))
            continue
        lead: list[Token] = []
        trail: list[Token] = []
        while s < e and (_is_punct(text[s]) or _is_symbol(text[s])):
            if _is_punct(text[s]):
                lead.append(Token(s, s + 1, text[s]))
                s += 1
                continue
            run = s
            while run < e and _is_symbol(text[run]):
                run += 1
            lead.append(Token(s, run, text[s:run]))
            s = run
        while e > s and (_is_punct(text[e - 1]) or _is_symbol(text[e - 1])):
            if _is_punct(text[e - 1]):
                trail.append(Token(e - 1, e, text[e - 1]))
                e -= 1
                continue
            run = e
            while run > s and _is_symbol(text[run - 1]):
                run -= 1
            trail.append(Token(run, e, text[run:e]))
            e = run
        tokens.extend(lead)
        if s < e:
            tokens.append(Token(s, e, text[s:e]))
        tokens.extend(reversed(trail))
    return tokens


def split_tokens(tokens: list[Token], cuts: Iterable[int], text: str) -> list[Token]:
    """Split tokens at the given offsets (entity boundaries inside a token), for formats that
    must place a boundary exactly (WebAnno)."""
    cut_list = sorted(set(cuts))
    out: list[Token] = []
    for tok in tokens:
        lo = bisect.bisect_right(cut_list, tok.start)
        hi = bisect.bisect_left(cut_list, tok.end)
        pos = tok.start
        for c in cut_list[lo:hi]:
            out.append(Token(pos, c, text[pos:c]))
            pos = c
        out.append(Token(pos, tok.end, text[pos : tok.end]))
    return out


def sentences(text: str, tokens: list[Token], keep_together: Iterable[tuple[int, int]] = ()
              ) -> list[list[Token]]:
    """Group tokens into sentences: a break at a newline between tokens or after a sentence
    mark (. ! ? ؟ …), but never inside one of ``keep_together`` (entity spans), so no
    entity is cut in two by a sentence break."""
    inside = _coverage(keep_together)
    result: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        if current:
            prev = current[-1]
            gap = text[prev.end : tok.start]
            boundary = "\n" in gap or (prev.text in _SENTENCE_END and gap != "")
            if boundary and not _covered(inside, prev.end, tok.start):
                result.append(current)
                current = []
        current.append(tok)
    if current:
        result.append(current)
    return result


def _coverage(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _covered(merged: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when some span runs across the gap [a, b) between two tokens."""
    i = bisect.bisect_left(merged, (a, -1)) - 1
    return i >= 0 and merged[i][1] > b


def skeleton(text: str) -> str:
    """Text without whitespace: what survives formats that re-space the text (CoNLL)."""
    return re.sub(r"\s+", "", text)


def align_by_skeleton(source: str, target: str) -> Callable[[int, bool], int] | None:
    """Map offsets in ``source`` to offsets in ``target`` when both have the same
    non-whitespace characters in the same order; None when they do not."""
    src_idx = [i for i, ch in enumerate(source) if not ch.isspace()]
    tgt_idx = [i for i, ch in enumerate(target) if not ch.isspace()]
    if len(src_idx) != len(tgt_idx):
        return None
    if any(source[a] != target[b] for a, b in zip(src_idx, tgt_idx, strict=True)):
        return None
    src_pos = {a: k for k, a in enumerate(src_idx)}

    def remap(offset: int, is_end: bool) -> int:
        if is_end:
            k = src_pos.get(offset - 1)
            return tgt_idx[k] + 1 if k is not None else offset
        k = src_pos.get(offset)
        return tgt_idx[k] if k is not None else offset

    return remap


def remap_doc(doc: GoldDoc, target_text: str, remap: Callable[[int, bool], int]) -> GoldDoc:
    """The same annotations placed on ``target_text`` (span texts re-read from it)."""
    ann = doc.annotations
    ents = [
        replace(e, start=remap(e.start, False), end=remap(e.end, True),
                text=target_text[remap(e.start, False) : remap(e.end, True)])
        for e in ann.entities
    ]
    evs = []
    for ev in ann.events:
        s, e = remap(ev.trigger_start, False), remap(ev.trigger_end, True)
        evs.append(replace(ev, trigger_start=s, trigger_end=e, trigger_text=target_text[s:e]))
    hls = [
        replace(h, start=remap(h.start, False), end=remap(h.end, True),
                text=target_text[remap(h.start, False) : remap(h.end, True)])
        for h in ann.highlights
    ]
    new_ann = replace(ann, entities=ents, events=evs, highlights=hls)
    return replace(doc, text=target_text, annotations=new_ann, offsets_exact=True)


# --------------------------------------------------------------------------- tag sets

# ARABIC.md's collapse, used when no schema is given (tests, converters on their own).
DEFAULT_ANERCORP = {
    "PERS": "PERS", "PER": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "MONEY": "MISC", "CURR": "MISC", "PRODUCT": "MISC",
    "LAW": "MISC", "LANGUAGE": "MISC", "WEBSITE": "MISC", "MISC": "MISC",
}
DEFAULT_ACE = {
    "PERS": "PER", "PER": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC",
    "VEH": "VEH", "WEA": "WEA",
}
TAGSETS = ("full", "anercorp", "ace")
ANERCORP_TAGS = ("PERS", "LOC", "ORG", "MISC")


def label_mapper(tagset: str, schema: Any | None = None) -> Callable[[str], str | None]:
    """Label → exported label for a tag set; None drops the span (mapped to O / no ACE type).

    The schema's per-type ``anercorp`` / ``ace`` fields win; ARABIC.md's defaults cover
    labels the schema does not know.
    """
    if tagset == "full":
        return lambda label: label
    if tagset not in TAGSETS:
        raise ValueError(f"unknown tag set {tagset!r} (choose from {', '.join(TAGSETS)})")
    table = dict(DEFAULT_ANERCORP if tagset == "anercorp" else DEFAULT_ACE)
    for et in getattr(schema, "entity_types", None) or []:
        name = getattr(et, "name", None) or getattr(et, "key", None)
        if name:
            table[name] = getattr(et, tagset, None)

    def mapped(label: str) -> str | None:
        value = table.get(label)
        if not value or value in ("O", "-", "none"):
            return None
        if tagset == "anercorp" and value not in ANERCORP_TAGS:
            return None
        return value

    return mapped


# --------------------------------------------------------------------------- selection

GOLD = frozenset({SpanStatus.ACCEPTED})


@dataclass(frozen=True)
class ExportOptions:
    """What to export: which span statuses (gold = accepted only) and which tag set."""

    statuses: frozenset[SpanStatus] = GOLD
    tagset: str = "full"
    schema: Any | None = None

    @property
    def mapper(self) -> Callable[[str], str | None]:
        return label_mapper(self.tagset, self.schema)


def parse_statuses(value: str | None) -> frozenset[SpanStatus]:
    if not value:
        return GOLD
    try:
        return frozenset(SpanStatus(v.strip()) for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise ValueError(f"bad --status {value!r}: use accepted, pending, rejected") from exc


def select(doc: GoldDoc, options: ExportOptions,
           mapper: Callable[[str], str | None] | None = None) -> GoldDoc:
    """The doc with only the spans and events to export, labels mapped to the tag set;
    event arguments pointing at dropped entities are dropped with them."""
    mapper = mapper or options.mapper
    ann = doc.annotations
    ents: list[EntitySpan] = []
    for e in ann.entities:
        if e.status not in options.statuses:
            continue
        label = mapper(e.label)
        if label is None:
            continue
        ents.append(e if label == e.label else replace(e, label=label))
    # An accepted event's arguments are gold with it, whatever their own status says (a
    # store from before that rule, or an import): exported as accepted, never dropped.
    needed = {a.entity_id for ev in ann.events if ev.status in options.statuses
              and ev.status == SpanStatus.ACCEPTED for a in ev.arguments}
    ents = [replace(e, status=SpanStatus.ACCEPTED)
            if e.id in needed and e.status != SpanStatus.ACCEPTED else e for e in ents]
    kept = {e.id for e in ents}
    for e in ann.entities:
        if e.id in needed and e.id not in kept and (label := mapper(e.label)) is not None:
            ents.append(replace(e, label=label, status=SpanStatus.ACCEPTED))
            kept.add(e.id)
    evs: list[Event] = []
    for ev in ann.events:
        if ev.status not in options.statuses:
            continue
        args = [a for a in ev.arguments if a.entity_id in kept]
        evs.append(ev if len(args) == len(ev.arguments) else replace(ev, arguments=args))
    new_ann = replace(ann, entities=ents, events=evs, highlights=list(ann.highlights))
    return replace(doc, annotations=new_ann)


def layers(spans: list[EntitySpan]) -> list[list[EntitySpan]]:
    """Stack spans into layers of non-overlapping spans, outermost first: the longest span
    starting earliest takes layer 0, what nests inside it goes one layer down."""
    result: list[list[EntitySpan]] = []
    ends: list[int] = []
    for sp in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        for i, last_end in enumerate(ends):
            if sp.start >= last_end:
                result[i].append(sp)
                ends[i] = sp.end
                break
        else:
            result.append([sp])
            ends.append(sp.end)
    return result


# --------------------------------------------------------------------------- imports


@dataclass
class ImportReport:
    """What a reader got out of a file: documents to merge and one problem per bad record.

    Problems are ``ImportFormatError`` values (``str`` is "FILE:LINE: problem"); a bad span
    is dropped alone, the rest of its article still imports.
    """

    docs: list[GoldDoc] = field(default_factory=list)
    problems: list[ImportFormatError] = field(default_factory=list)

    def problem(self, path: Path | str, line: int | None, reason: str) -> None:
        self.problems.append(ImportFormatError(reason, path, line))


def read_jsonl(path: Path, to_doc: Callable[..., GoldDoc | None],
               known_labels: set[str] | None) -> ImportReport:
    """Read a JSON-lines import: each record through ``to_doc(rec, path, line, report,
    known_labels)``; blank lines skipped, a line that is not JSON reported with its number
    while the rest still import."""
    report = ImportReport()
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = safe_json.loads(line)
            except safe_json.BadJSON as exc:
                report.problem(path, lineno, f"bad JSON: {exc.reason}")
                continue
            doc = guarded_record(to_doc, rec, path, lineno, report, known_labels)
            if doc is not None:
                report.docs.append(doc)
    return report


def guarded_record(to_doc: Callable[..., GoldDoc | None], rec: Any, path: Path | str,
                   lineno: int, report: ImportReport,
                   known_labels: set[str] | None) -> GoldDoc | None:
    """``to_doc`` on one record, where a record of a shape no check foresaw (a list where a
    label should be, a label that cannot be hashed) costs that record, reported by its
    line, and never the rest of the import."""
    try:
        return to_doc(rec, path, lineno, report, known_labels)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError,
            UnicodeError) as exc:
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        report.problem(path, lineno, f"malformed record ({detail})")
        return None


def check_span(report: ImportReport, path: Path | str, line: int | None, text: str,
               start: Any, end: Any, label: Any, quoted: str | None,
               known_labels: set[str] | None, what: str = "span") -> bool:
    """Validate one imported span; report and return False when it cannot be used."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        report.problem(path, line, f"{what} offsets must be integers, got {start!r}, {end!r}")
        return False
    if not 0 <= start < end <= len(text):
        report.problem(path, line, f"{what} [{start}, {end}) out of range for a text of "
                                   f"{len(text)} characters")
        return False
    if not isinstance(label, str) or not label:
        report.problem(path, line, f"{what} [{start}, {end}) has no label")
        return False
    if known_labels is not None and label not in known_labels:
        report.problem(path, line, f"unknown label {label!r} for {what} [{start}, {end})")
        return False
    if quoted is not None and text[start:end] != quoted:
        report.problem(path, line, f"{what} text mismatch at [{start}, {end}): file says "
                                   f"{quoted!r}, text has {text[start:end]!r}")
        return False
    return True


def imported_span(start: int, end: int, text: str, label: str, *, origin: str = "human",
                  status: SpanStatus = SpanStatus.ACCEPTED, span_id: str | None = None,
                  score: float | None = None) -> EntitySpan:
    span = EntitySpan(start=start, end=end, text=text[start:end], label=label,
                      origin=origin, status=status, score=score)
    if span_id:
        span.id = span_id
    return span


def imported_highlight(start: int, end: int, text: str, category: str,
                       note: str | None = None) -> Highlight:
    return Highlight(start=start, end=end, text=text[start:end], category=category, note=note)


def safe_stem(article_id: str) -> str:
    """A file name for an id: the id itself when it is a plain name, else a slug and a short
    hash (ids may hold "/" or be reserved names)."""
    if re.fullmatch(r"[\w][\w.\-]{0,100}", article_id) and article_id not in (".", ".."):
        return article_id
    slug = re.sub(r"[^\w\-]+", "_", article_id).strip("_")[:60] or "article"
    return f"{slug}-{hashlib.sha256(article_id.encode()).hexdigest()[:10]}"


def progress_iter(items: Iterable[Any], total: int | None, label: str,
                  enabled: bool) -> Iterator[Any]:
    """Wrap an iterable in a rich progress bar on stderr when ``enabled`` (a terminal)."""
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)

"""Hypothesis strategies for the format tests: Arabic-news-like texts with harakat, lam-alef,
emoji and other astral characters, mixed scripts and punctuation, plus nested spans."""

from __future__ import annotations

from hypothesis import strategies as st

from store.formats.common import GoldDoc, tokenize
from store.records import (
    ArticleAnnotations,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)

WORDS = [
    "بوتين", "الأسد", "بلبنان", "للأمم", "وإسرائيل", "مُحَمَّدٌ", "لا", "الإمارات", "سوريا",
    "Moscow", "UN", "2023", "١٥", "😀", "𝔸x", "漢字", "🇸🇾", "ـــ", "«قال»", "(دمشق)",
    "U.S.", "e-mail", "15/03/2023", "ﻻ", "café", "ٱلله", "؟", "،", "!", ".", "—",
]
LABELS = ["PERS", "ORG", "GPE", "LOC", "MISC"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", " \t"]),
                         min_size=len(words), max_size=len(words)))
    lead = draw(st.sampled_from(["", "", " ", "\n"]))
    return lead + "".join(w + s for w, s in zip(words, seps, strict=True)).rstrip(" \t\n") + \
        draw(st.sampled_from(["", "\n"]))


@st.composite
def token_spans(draw: st.DrawFn, text: str, max_spans: int = 6) -> list[tuple[int, int]]:
    toks = tokenize(text)
    if not toks:
        return []
    n = draw(st.integers(0, max_spans))
    out = []
    for _ in range(n):
        i = draw(st.integers(0, len(toks) - 1))
        j = draw(st.integers(i, min(len(toks) - 1, i + 3)))
        out.append((toks[i].start, toks[j].end))
    return out


@st.composite
def docs(draw: st.DrawFn, *, stem_spans: bool = True, statuses: bool = True,
         events: bool = True) -> GoldDoc:
    text = draw(texts())
    spans = draw(token_spans(text))
    if stem_spans:
        # trim a clitic-like first character off some one-token spans (a stem-only span)
        trimmed = []
        for s, e in spans:
            if e - s > 2 and draw(st.booleans()) and not text[s + 1].isspace():
                trimmed.append((s + 1, e))
            else:
                trimmed.append((s, e))
        spans = trimmed
    ents: list[EntitySpan] = []
    seen = set()
    for s, e in spans:
        label = draw(st.sampled_from(LABELS))
        if (s, e, label) in seen:
            continue
        seen.add((s, e, label))
        status, origin = SpanStatus.ACCEPTED, "human"
        if statuses:
            status = draw(st.sampled_from(list(SpanStatus)))
            origin = "human" if status == SpanStatus.ACCEPTED else "gazetteer"
        ents.append(EntitySpan(start=s, end=e, text=text[s:e], label=label,
                               status=status, origin=origin))
    ann = ArticleAnnotations(entities=ents)
    if events and ents:
        trig = draw(token_spans(text, 1))
        if trig:
            s, e = trig[0]
            args = [EventArgument(role=r, entity_id=ent.id) for r, ent in
                    zip(["SOURCE", "TARGET", "SOURCE"], ents, strict=False)
                    if ent.status == SpanStatus.ACCEPTED]
            ann.events.append(Event(type="MEET", trigger_start=s, trigger_end=e,
                                    trigger_text=text[s:e], arguments=args,
                                    attributes={"polarity": "positive"}))
        hl = draw(token_spans(text, 1))
        if hl:
            s, e = hl[0]
            ann.highlights.append(Highlight(start=s, end=e, text=text[s:e], category="yellow",
                                            note=draw(st.sampled_from([None, "ملاحظة", "a b"]))))
        ann.doc_labels = draw(st.lists(st.sampled_from(["POLITICS", "DIPLOMACY"]),
                                       unique=True))
    art_id = draw(st.sampled_from(["a1", "seed/٢", "x y", "000_abc"]))
    return GoldDoc(id=art_id, text=text, meta={"title": "t"}, annotations=ann)


def key_set(doc: GoldDoc, statuses: set[SpanStatus] | None = None) -> set[tuple]:
    return {(e.start, e.end, e.label) for e in doc.annotations.entities
            if statuses is None or e.status in statuses}

"""The five seed articles with a fixed set of hand-placed annotations, for golden files.

Spans are placed by phrase (first occurrence) so the fixture reads as what an annotator did;
ids and timestamps are fixed so every export is byte-for-byte reproducible. Texts are the
canonical raw seed texts (no boilerplate cleaning), so a change to the cleaner does not
move the golden files.
"""

from __future__ import annotations

from pathlib import Path

from store.formats.common import GoldDoc
from store.records import (
    ArticleAnnotations,
    ArticleStatus,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)
from store.text import canonical_text

SEEDS = Path(__file__).resolve().parents[1] / "sample_corpus"
STAMP = "2024-01-01T00:00:00Z"

# (phrase, label, status, origin, offset of the span inside the phrase or None for all)
PLACED = [
    ("بشار الأسد", "PERS", SpanStatus.ACCEPTED, "human", None),
    ("فلاديمير بوتين", "PERS", SpanStatus.ACCEPTED, "human", None),
    ("الرئيس الروسي", "OCC", SpanStatus.ACCEPTED, "human", None),
    ("الروسي", "NORP", SpanStatus.ACCEPTED, "human", None),  # nested in the OCC span
    ("موسكو", "GPE", SpanStatus.ACCEPTED, "human", None),
    ("الكرملين", "FAC", SpanStatus.ACCEPTED, "human", None),
    ("بالأسد", "PERS", SpanStatus.ACCEPTED, "human", 1),  # stem-only: الأسد without بـ
    ("سوريا", "GPE", SpanStatus.PENDING, "gazetteer", None),
    ("السوري", "GPE", SpanStatus.REJECTED, "gazetteer", None),
]
TRIGGERS = ["المحادثات", "محادثات", "قمة", "اجتماع", "التقى"]


def _find(text: str, phrase: str, after: int = 0) -> int:
    return text.find(phrase, after)


def seed_docs() -> list[GoldDoc]:
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = canonical_text(path.read_bytes(), path)
        ents: list[EntitySpan] = []
        for n, (phrase, label, status, origin, inner) in enumerate(PLACED, start=1):
            at = _find(text, phrase)
            if label == "NORP":  # the nested one: inside the OCC span when there is one
                occ = _find(text, "الرئيس الروسي")
                at = occ + len("الرئيس ") if occ >= 0 else at
            if at < 0:
                continue
            start = at + (inner or 0)
            end = at + len(phrase)
            ents.append(EntitySpan(start=start, end=end, text=text[start:end], label=label,
                                   id=f"T{n}", origin=origin, status=status,
                                   annotator="seed" if origin == "human" else None,
                                   created=STAMP))
        ann = ArticleAnnotations(entities=ents, status=ArticleStatus.DONE,
                                 annotators=["seed"], doc_labels=["DIPLOMACY", "POLITICS"])
        by_label = {e.id: e for e in ents}
        trig = next(((t, _find(text, t)) for t in TRIGGERS if _find(text, t) >= 0), None)
        if trig is not None:
            word, at = trig
            args = []
            if "T2" in by_label:
                args.append(EventArgument(role="SOURCE", entity_id="T2"))
            if "T1" in by_label:
                args.append(EventArgument(role="TARGET", entity_id="T1"))
            if "T6" in by_label:
                args.append(EventArgument(role="PLACE", entity_id="T6"))
            ann.events.append(Event(type="MEET", trigger_start=at, trigger_end=at + len(word),
                                    trigger_text=word, arguments=args,
                                    attributes={"polarity": "positive", "tense": "past"},
                                    ace="Contact:Meet", cameo="043", id="E1",
                                    annotator="seed", created=STAMP))
        at = _find(text, "موسكو")
        if at >= 0:
            ann.highlights.append(Highlight(start=at, end=at + 5, text="موسكو",
                                            category="important", note="مكان القمة",
                                            id="H1", annotator="seed", created=STAMP))
        docs.append(GoldDoc(id=path.stem, text=text, meta={"source_file": path.name},
                            annotations=ann))
    return docs

"""Export of 100,000 annotations in every format, each timed beside the 10 s target
(DESIGN §11). Runs as a script (``python tests/benchmarks/bench_export.py``) or under
``pytest tests/benchmarks``.

The documents are built in memory (5,000 articles × 20 entities, with an event each), so the
figure is the converter's own cost; the store's read cost is measured by bench_store.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from store.formats import brat, conll, doccano, labelstudio, native, spacy_docbin, webanno
from store.formats.common import ExportOptions, GoldDoc
from store.records import ArticleAnnotations, EntitySpan, Event, EventArgument

TARGET_S = 10.0
ARTICLES = 5_000
PER_ARTICLE = 20
SENTENCE = ("التقى الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو "
            "يوم الأربعاء، وبحثا التعاون بين البلدين. ")
WORDS = [("فلاديمير بوتين", "PERS"), ("بشار الأسد", "PERS"), ("الكرملين", "FAC"),
         ("بموسكو", "GPE"), ("الروسي", "NORP")]


def build_docs() -> list[GoldDoc]:
    text = SENTENCE * 4  # 4 sentences × 5 entities = 20 per article, ~500 characters
    spans = []
    pos = 0
    for _ in range(4):
        for word, label in WORDS:
            at = text.index(word, pos)
            spans.append((at, at + len(word), label))
        pos = text.index(SENTENCE, pos) + len(SENTENCE)
    trig = text.index("التقى")
    docs = []
    for n in range(ARTICLES):
        ents = [EntitySpan(start=s, end=e, text=text[s:e], label=lab, created="2024")
                for s, e, lab in spans]
        ev = Event(type="MEET", trigger_start=trig, trigger_end=trig + 5,
                   trigger_text="التقى", created="2024",
                   arguments=[EventArgument("SOURCE", ents[0].id),
                              EventArgument("TARGET", ents[1].id)])
        docs.append(GoldDoc(id=f"a{n:05d}", text=text,
                            annotations=ArticleAnnotations(entities=ents, events=[ev])))
    return docs


def run() -> dict[str, float]:
    docs = build_docs()
    n = sum(len(d.annotations.entities) for d in docs)
    options = ExportOptions()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("jsonl", lambda: native.export(docs, io.StringIO(), options)),
            ("doccano", lambda: doccano.export(docs, io.StringIO(), options)),
            ("labelstudio", lambda: labelstudio.export(docs, io.StringIO(), options)),
            ("conll", lambda: conll.export(docs, io.StringIO(), options)),
            ("conll anercorp", lambda: conll.export(docs, io.StringIO(),
                                                    ExportOptions(tagset="anercorp"))),
            ("brat", lambda: brat.export(docs, Path(tmp) / "brat", options)),
            ("webanno", lambda: webanno.export(docs, Path(tmp) / "tsv", options)),
        ]
        if spacy_docbin.available():
            cases.append(("spacy", lambda: spacy_docbin.export(docs, Path(tmp) / "x.spacy",
                                                               options)))
        print(f"export of {n:,} entity annotations ({ARTICLES:,} articles), target "
              f"≤ {TARGET_S:.0f} s per format")
        for name, fn in cases:
            t0 = time.perf_counter()
            fn()
            dt = time.perf_counter() - t0
            results[name] = dt
            verdict = "ok" if dt <= TARGET_S else "OVER TARGET"
            print(f"  {name:<15} {dt:6.2f} s   (target ≤ {TARGET_S:.0f} s)  {verdict}")
        if not spacy_docbin.available():
            print("  spacy           skipped (spaCy not installed)")
    return results


def test_export_100k_annotations_under_target():
    results = run()
    slow = {k: v for k, v in results.items() if v > TARGET_S}
    assert not slow, f"over {TARGET_S} s: {slow}"


if __name__ == "__main__":
    figures = run()
    sys.exit(0 if all(v <= TARGET_S for v in figures.values()) else 1)

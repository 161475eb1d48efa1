"""The learning suggester on real news it has never seen (issue 16). Printed, not asserted.

    python tests/benchmarks/bench_model.py [--variant seg|att] [--sizes 100,300,1000,all]

NewsFANE Gold (``../shared/newsfane``; skipped when absent), converted to Warraq corpora:
train the CRF (store/model_crf.py) on the first N sentences of the first 80% of the
articles, test on the last 20%, tagged article by article as ``warraq suggest`` does (the
model, then one name one label per article: ``model_crf.consistent``), exact span and type
over PERS ORG GPE LOC FAC NORP as seqeval's strict mode, beside the built-in gazetteer
alone on the same test split. Also: training time and tagging time per 1,000 tokens.
Targets: F1 ≥ 0.55 at 300 sentences, ≥ 0.70 on the whole training share, retraining on
3,000 sentences ≤ 60 s, tagging ≤ 30 ms per 1,000 tokens. ``--dev`` tunes without the
test split.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.model_crf import (
    CrfModel,
    _gazetteer,
    span_f1,
    text_sentences,
    train_sentences,
)

NEWSFANE = Path(__file__).resolve().parents[3] / "shared" / "newsfane"
LABELS = {"PERS", "ORG", "GPE", "LOC", "FAC", "NORP"}


def load(variant: str) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    out = []
    with (NEWSFANE / f"gold_{variant}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            spans = [(e["start"], e["end"], e["label"]) for e in rec["entities"]
                     if e.get("label") in LABELS]
            out.append((rec["id"], rec["text"], spans))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="att", choices=("seg", "att"))
    parser.add_argument("--sizes", default="100,300,1000,all")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--c1", type=float, default=0.05)
    parser.add_argument("--c2", type=float, default=0.01)
    parser.add_argument("--dev", action="store_true",
                        help="tune without the test split: train on the first 80%% of the "
                        "training articles, test on the rest of them")
    args = parser.parse_args()
    if not NEWSFANE.exists():
        print(f"skipped: {NEWSFANE} not found")
        return
    docs = load(args.variant)
    cut = int(len(docs) * 0.8)
    if args.dev:
        docs, cut = docs[:cut], int(cut * 0.8)
    gaz = _gazetteer("NORP")  # NORP is one of the scored types here
    train_all = [s for _, text, spans in docs[:cut]
                 for s in text_sentences(text, spans, gaz) if s.tokens]
    test_docs = [[s for s in text_sentences(text, spans, gaz) if s.tokens]
                 for _, text, spans in docs[cut:]]
    test = [s for sents in test_docs for s in sents]
    gold = [s.labels for s in test]
    gaz_pred = [[next(f[4:] for f in tok if f.startswith("gaz=")) for tok in s.features]
                for s in test]
    p, r, f = span_f1(gold, gaz_pred)
    tokens_test = sum(len(s.tokens) for s in test)
    split = ", dev split" if args.dev else ""
    print(f"NewsFANE ({args.variant}{split}): {len(train_all)} training sentences, "
          f"{len(test)} test "
          f"sentences ({tokens_test} tokens)")
    print(f"gazetteer alone on the test split: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n = len(train_all) if size == "all" else int(size)
            path = Path(tmp) / f"m{n}.crfsuite"
            t = time.perf_counter()
            train_sentences(train_all[:n], path, max_iterations=args.iterations,
                            c1=args.c1, c2=args.c2)
            seconds = time.perf_counter() - t
            model = CrfModel(path)
            t = time.perf_counter()
            predicted = [tags for sents in test_docs for tags in model.tag_article(sents)]
            tag_ms = (time.perf_counter() - t) * 1000 / tokens_test * 1000
            p, r, f = span_f1(gold, predicted)
            _, _, f_sent = span_f1(gold, [model.tag(s) for s in test])
            print(f"CRF on {n:5d} sentences: P {p:.3f} R {r:.3f} F1 {f:.3f} (sentence by "
                  f"sentence, without the article pass: {f_sent:.3f}); training "
                  f"{seconds:.1f} s; tagging {tag_ms:.1f} ms per 1,000 tokens")


if __name__ == "__main__":
    main()

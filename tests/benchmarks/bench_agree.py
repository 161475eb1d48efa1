"""``warraq agree`` at scale (issue 15 target: 5,000 doubly-annotated articles with 100,000
spans per annotator in ≤ 10 s). Printed, not asserted.

    python tests/benchmarks/bench_agree.py [--articles N] [--disk]

Two synthetic annotators over real seed paragraphs: 20 spans per article each, one in five
moved by a proclitic or relabelled by the second annotator. ``--disk`` also writes both
layers as a team store and times loading them (what ``warraq agree`` does first).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.agreement import Layer, agreement
from store.arabic import tokenize
from store.records import ArticleAnnotations, EntitySpan
from tests.benchmarks.common import seed_paragraphs

LABELS = ("PERS", "ORG", "GPE", "LOC", "FAC")


def make_layers(n: int, spans_per: int = 20, seed: int = 7) -> list[Layer]:
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    a, b = Layer("a"), Layer("b")
    for i in range(n):
        text = "\n\n".join(rng.sample(paragraphs, 3))
        words = [t for t in tokenize(text) if len(t.text) > 3]
        chosen = sorted(rng.sample(words, min(spans_per, len(words))), key=lambda t: t.start)
        ents_a, ents_b = [], []
        for token in chosen:
            label = rng.choice(LABELS)
            ents_a.append(EntitySpan(token.start, token.end, token.text, label))
            roll = rng.random()
            start, other = token.start, label
            if roll < 0.1 and token.end - token.start > 3:
                start += 1  # a clitic left out
            elif roll < 0.2:
                other = rng.choice(LABELS)
            ents_b.append(EntitySpan(start, token.end, text[start:token.end], other))
        a.articles[f"x{i}"] = (text, ArticleAnnotations(entities=ents_a))
        b.articles[f"x{i}"] = (text, ArticleAnnotations(entities=ents_b))
    return [a, b]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--disk", action="store_true")
    args = parser.parse_args()
    layers = make_layers(args.articles)
    spans = sum(len(ann.entities) for _, ann in layers[0].articles.values())
    t = time.perf_counter()
    report = agreement(layers, ["POLITICS"])
    elapsed = time.perf_counter() - t
    print(f"agreement over {args.articles} articles, {spans} spans per annotator: "
          f"{elapsed:.2f} s (target ≤ 10 s); exact F1 "
          f"{report['metrics']['spans']['exact']['f1']}, alpha "
          f"{report['metrics']['krippendorff_alpha']}")
    if args.disk:
        from store.schema import Schema
        from store.store import Store
        from store.team_agreement import load_team

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "store"
            (root / "layers").mkdir(parents=True)
            for layer in layers:
                with Store.open(root, annotator=layer.name) as store, store.batch("bench"):
                    for article_id, (text, ann) in layer.articles.items():
                        store.attach(article_id, text, {"title": article_id})
                        for span in ann.entities:
                            store.add_entity(article_id, span)
            # A team store is written long before it is compared (annotation, git pull):
            # the writes' flush to disk is not part of `warraq agree`.
            os.sync()
            t = time.perf_counter()
            team = load_team(root, Schema.default())  # as `warraq agree` reads them
            load_s = time.perf_counter() - t
            t = time.perf_counter()
            agreement(list(team.layers.values()), ["POLITICS"])
            total = load_s + time.perf_counter() - t
            print(f"from a team store on disk: load {load_s:.2f} s, load + agreement "
                  f"{total:.2f} s (target ≤ 10 s)")


if __name__ == "__main__":
    main()

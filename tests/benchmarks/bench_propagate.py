"""Propagation and plugged-in suggester figures (printed; not a timed test).

    python tests/benchmarks/bench_propagate.py [--articles N]

* mentions of a name in one article: typical seed article and a 50,000-character one
  (the reader calls this when a decision is made; no DESIGN target, the keypress budget
  of 16 ms is the yardstick);
* propagation of one decision across a synthetic JSONL corpus into a fresh store:
  a frequent name (most articles get suggestions) and a rare one (the prefilter skips
  nearly every article);
* ``warraq suggest`` overhead of the plugin path (validation, dedup, one write per
  article) with a trivial suggester.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from store.corpus import Corpus, sample_corpus_path
from store.gazetteer import Gazetteer
from store.propagate import mentions_in_article, propagate_to_corpus
from store.records import EntitySpan
from store.schema import Schema
from store.store import Store
from store.suggest import SuggestCounts, suggest_with
from store.synthetic import write_corpus


def _median_ms(fn, repeat: int = 9) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    Gazetteer.default()
    seeds = Corpus.open(sample_corpus_path())
    texts = [seeds.load(i).text for i in seeds.ids]
    big = "\n".join(texts)
    while len(big) < 50_000:
        big += "\n" + big
    big = big[:50_000]
    print("mentions_in_article (median of 9)        figure      yardstick")
    for name in ("موسكو", "بشار الأسد", "بموسكو"):
        small = _median_ms(lambda n=name: mentions_in_article(texts[1], n))
        large = _median_ms(lambda n=name: mentions_in_article(big, n))
        print(f"  {name:<12} {len(texts[1]):>6} chars          {small:7.2f} ms   16 ms")
        print(f"  {name:<12} {len(big):>6} chars          {large:7.2f} ms   16 ms")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        write_corpus(path, args.articles, "jsonl", seed=1)
        corpus = Corpus.open(path)
        print(f"propagate_to_corpus over {len(corpus)} synthetic articles")
        for word, label in (("موسكو", "GPE"), ("واشنطن", "GPE")):
            store = Store.open(Path(tmp) / f"store-{word}", Schema.load(None),
                               annotator="bench", require_write=True)
            decided = EntitySpan(start=0, end=len(word), text=word, label=label)
            t = time.perf_counter()
            added = propagate_to_corpus(store, corpus, decided)
            dt = time.perf_counter() - t
            store.close()
            per = dt / max(len(corpus), 1) * 1000
            print(f"  {word:<8} {added:>7} suggestions  {dt:7.2f} s  ({per:.2f} ms/article)")

        store = Store.open(Path(tmp) / "store-plugin", Schema.load(None), annotator="bench",
                           require_write=True)
        counts = SuggestCounts()

        def trivial(text: str) -> list[tuple[int, int, str, float]]:
            i = text.find("بوتين")
            return [(i, i + 5, "PERS", 0.9)] if i >= 0 else []

        n = min(len(corpus), 1000)
        t = time.perf_counter()
        for article_id in corpus.ids[:n]:
            art = corpus.load(article_id)
            suggest_with(store, article_id, art.text, {}, "trivial", trivial, counts)
        dt = time.perf_counter() - t
        store.close()
        print(f"suggest_with, trivial plugin, {n} articles: {dt:.2f} s "
              f"({dt / n * 1000:.2f} ms/article, {counts.added} spans, durable writes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

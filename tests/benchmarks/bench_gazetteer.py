"""Gazetteer benchmark: milliseconds per paragraph over the seed paragraphs (target ≤ 2 ms).

Also reports the one-off load time of the built-in data and the throughput on one long
(50,000-character) article. Run: ``python tests/benchmarks/bench_gazetteer.py`` (or
``pytest tests/benchmarks/bench_gazetteer.py -s``).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import long_article, seed_paragraphs

from store.gazetteer import Gazetteer, default_paths

TARGET_MS = 2.0
ROUNDS = 20


def measure() -> dict[str, float]:
    start = time.perf_counter()
    gaz = Gazetteer.from_files(default_paths())
    load_ms = (time.perf_counter() - start) * 1000
    paragraphs = seed_paragraphs()
    per_round: list[float] = []
    worst = 0.0
    matches = 0
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for p in paragraphs:
            t1 = time.perf_counter()
            matches += len(gaz.match(p))
            worst = max(worst, time.perf_counter() - t1)
        per_round.append((time.perf_counter() - t0) / len(paragraphs))
    article = long_article()
    t0 = time.perf_counter()
    gaz.match(article)
    article_ms = (time.perf_counter() - t0) * 1000
    return {
        "paragraphs": len(paragraphs),
        "mean_chars": statistics.mean(len(p) for p in paragraphs),
        "median_ms": statistics.median(per_round) * 1000,
        "worst_ms": worst * 1000,
        "matches_per_round": matches / ROUNDS,
        "load_ms": load_ms,
        "entries": len(gaz),
        "article_ms": article_ms,
    }


def report(fig: dict[str, float]) -> str:
    return "\n".join([
        f"gazetteer: {fig['entries']:.0f} surface forms, loaded in {fig['load_ms']:.0f} ms",
        f"seed paragraphs: {fig['paragraphs']:.0f} (mean {fig['mean_chars']:.0f} chars), "
        f"{fig['matches_per_round']:.0f} matches",
        f"match per paragraph: {fig['median_ms']:.3f} ms mean (target ≤ {TARGET_MS} ms), "
        f"slowest paragraph {fig['worst_ms']:.3f} ms",
        f"50,000-char article: {fig['article_ms']:.1f} ms",
    ])


def test_bench_gazetteer() -> None:
    fig = measure()
    print(report(fig))
    assert fig["matches_per_round"] > 0


if __name__ == "__main__":
    print(report(measure()))

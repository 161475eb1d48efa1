"""Adjudication at scale (issue 15 target: opening an article in adjudication ≤ 50 ms).
Printed, not asserted.

    python tests/benchmarks/bench_adjudication.py [--articles N]

Two synthetic annotators (bench_agree's layers: 20 spans per article, one in five moved by
a proclitic or relabelled), the curated layer holding what they agree on, then the
adjudication screen in a headless app at 120×40: the wall time from a key (Textual's
binding dispatch, the action, the repaint: tests/benchmarks/common.dispatch_and_paint) to
the frame that shows the next disagreement (``.``), counted apart when it is in another
article (what opening an article in adjudication costs), and from a decision (``1``: take
the first annotator's version, saved durably, then the next disagreement drawn).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.adjudication import CURATED, parse_policy, plan, write_agreed
from store.store import Store
from tests.benchmarks.bench_agree import make_layers
from tests.benchmarks.common import dispatch_and_paint


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def keys(store: Store, result, presses: list[str]) -> dict[str, list[float]]:
    from tui.app import AdjudicationApp
    from tui.services.adjudicating import AdjudicationSession

    t = time.perf_counter()
    app = AdjudicationApp(AdjudicationSession(store, result))
    out: dict[str, list[float]] = {"start": []}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["start"].append(time.perf_counter() - t)
        for key in presses:
            before = app.session.current()
            took = await dispatch_and_paint(pilot, key)
            after = app.session.current()
            assert after is not before
            out.setdefault(key, []).append(took)
            if key == "full_stop" and after.article_id != before.article_id:
                out.setdefault("article", []).append(took)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    layers = make_layers(args.articles)
    t = time.perf_counter()
    result = plan(layers, parse_policy("unanimous"))
    plan_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        (root / "layers").mkdir(parents=True)
        with Store.open(root / "layers" / CURATED, annotator=CURATED) as store:
            with store.batch("bench"):
                write_agreed(store, result)
            store.release(list(result.texts))
            print(f"{args.articles} articles, {len(result.disagreements)} disagreements; "
                  f"plan {plan_s:.2f} s")
            timings = asyncio.run(keys(store, result, ["full_stop"] * 120 + ["1"] * 40))
    print(f"adjudication screen up: {timings['start'][0] * 1000:.0f} ms")
    for key, name in (("article", "next disagreement in another article ('.')"),
                      ("full_stop", "next disagreement, any ('.')"),
                      ("1", "take a version, saved, next drawn ('1')")):
        samples = [s * 1000 for s in timings[key]]
        print(f"{name}: median {statistics.median(samples):.1f} ms, p95 "
              f"{_pct(samples, 0.95):.1f} ms, max {max(samples):.1f} ms (target ≤ 50 ms)")


if __name__ == "__main__":
    main()

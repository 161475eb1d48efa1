"""Retraining in the background of the app (issue 16: "no frame over 16 ms because of it").
Printed, not asserted.

    python tests/benchmarks/bench_retrain.py [--articles N]

A store holding the first N NewsFANE articles as one annotator's gold (95 articles are
~3,000 sentences) and the rest of NewsFANE as unopened articles carrying pending model
suggestions; the app opened on that corpus in a headless terminal (Pilot, 140×40). Keys
(`j`/`k` in the list) are pressed every 50 ms, first with nothing in the background, then
from the start of a retraining (a ``warraq train --refresh`` process on the other core)
until its refreshed suggestions are all swapped into the unopened articles. Reported: the
wall time from a key to its repainted frame (Textual's dispatch + handlers + repaint,
tests/benchmarks/common.dispatch_and_paint) in both phases, and the longest run of the
app's own retraining tick (poll, and swapping a few articles' suggestions per tick), which
a key can wait behind. Skipped without ``../shared/newsfane``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import ROOT, dispatch_and_paint

NEWSFANE = ROOT.parent / "shared" / "newsfane"


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    over = sum(1 for s in ms if s > 16)
    return (f"{name}: {len(ms)} keys, median {statistics.median(ms):.1f} ms, p95 "
            f"{_pct(ms, 0.95):.1f} ms, max {max(ms):.1f} ms, {over} over 16 ms")


def build(tmp: Path, n: int) -> tuple[Path, Path]:
    """(corpus, store): N gold articles and the rest with pending model suggestions."""
    lines = (NEWSFANE / "gold_att.jsonl").read_text(encoding="utf-8").splitlines()
    gold, rest = tmp / "gold.jsonl", tmp / "corpus.jsonl"
    gold.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(json.dumps({"id": r["id"], "text": r["text"]},
                                         ensure_ascii=False)
                              for r in map(json.loads, lines)) + "\n", encoding="utf-8")
    store = tmp / "store"
    run = [sys.executable, "-m", "tui.cli"]
    for args in (["import", str(gold), "--format", "jsonl", "--as", "gold"],
                 ["train"], ["suggest", str(rest), "--suggester", "model"]):
        done = subprocess.run([*run, *args, "--store", str(store), "--annotator", "bench"],
                              cwd=ROOT, capture_output=True, text=True)
        # NewsFANE has spans without a label: import names each and exits 1, the rest is in
        if done.returncode != 0 and not (args[0] == "import" and "imported" in done.stderr):
            raise SystemExit(f"{args[0]} failed: {done.stderr.strip()[-500:]}")
    return rest, store


async def measure(corpus: Path, store: Path) -> dict[str, list[float]]:
    from tui.app import prepare_app

    app = prepare_app(corpus, store_dir=str(store), annotator="bench")
    out: dict[str, list[float]] = {"idle": [], "retraining": [], "swapping": [], "tick": []}
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        retrainer = screen._retrainer
        poll = retrainer.poll

        def timed_poll() -> str | None:
            t = time.perf_counter()
            said = poll()
            out["tick"].append(time.perf_counter() - t)
            return said

        retrainer.poll = timed_poll  # what the app's 1 s tick calls, looked up each time
        keys = ["j", "k"]
        for i in range(60):
            out["idle"].append(await dispatch_and_paint(pilot, keys[i % 2]))
            await asyncio.sleep(0.05)
        retrainer.start()
        started = time.perf_counter()
        i = 0
        while retrainer.running or retrainer._queue:
            phase = "retraining" if retrainer.running else "swapping"
            out[phase].append(await dispatch_and_paint(pilot, keys[i % 2]))
            if not retrainer.running:
                screen._tick_model()  # as the 1 s interval does, but at key pace
            i += 1
            await asyncio.sleep(0.05)
            if time.perf_counter() - started > 600:
                break
        out["seconds"] = [time.perf_counter() - started]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=95)
    args = parser.parse_args()
    if not NEWSFANE.exists():
        print(f"skipped: {NEWSFANE} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, store = build(Path(tmp), args.articles)
        result = asyncio.run(measure(corpus, store))
    print(f"retraining + swapping took {result['seconds'][0]:.1f} s")
    for name in ("idle", "retraining", "swapping"):
        if result[name]:
            print(_line(f"key → frame, {name}", result[name]))
    ticks = [t * 1000 for t in result["tick"]]
    if ticks:
        print(f"retraining tick (poll / swap a few articles): {len(ticks)} ticks, max "
              f"{max(ticks):.1f} ms, median {statistics.median(ticks):.2f} ms")


if __name__ == "__main__":
    main()

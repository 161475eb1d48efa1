"""``warraq suggest`` at scale (issue 16 item 4): throughput and peak memory.

For each size (10,000 and 100,000 synthetic articles from ``store.synthetic``, JSONL) the
real CLI runs in a child process on a fresh store, as a user would run it:

* wall seconds and articles per second — target 100,000 in ≤ 120 s on this 2-core machine;
* peak RSS of the ``warraq`` process (its own ``VmHWM``, read from /proc by the child
  itself at exit) and of the largest worker (``ru_maxrss`` of the child's children) —
  target ≤ 400 MB; and the peak memory of the whole run, sampled every 0.25 s as the
  PSS of the process and its workers (forked workers share the corpus index and the
  gazetteer with the writer: their RSS counts those pages again, the PSS once);
* a second run on the now full store (everything is "already in the store"): the cost of
  re-running over a finished corpus;
* an interrupted run (SIGINT after half of the articles) and its resume.

Run: ``python tests/benchmarks/bench_suggest.py [--articles 10000 100000] [--workers N]
[--first-only]`` or
``pytest tests/benchmarks/bench_suggest.py`` (10,000 only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = (10_000, 100_000)

# The child: the real CLI entry point, then its own peak RSS and its workers' (the
# largest one: ru_maxrss of RUSAGE_CHILDREN is a maximum, not a sum).
_CHILD = r"""
import json, resource, sys, time
from tui.cli import main
t0 = time.perf_counter()
try:
    code = main(["suggest", *sys.argv[1:]])
except KeyboardInterrupt:
    code = 130
seconds = time.perf_counter() - t0
hwm = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1]) / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
cpu = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("BENCH " + json.dumps({"code": code, "seconds": seconds, "rss_mb": hwm,
                             "worker_rss_mb": workers,
                             "cpu_main": cpu.ru_utime + cpu.ru_stime,
                             "cpu_workers": kids.ru_utime + kids.ru_stime}))
"""


def _children(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc; just ``pid`` elsewhere)."""
    out = [pid]
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in handle.read().split():
                    out += _children(int(child))
    return out


def _pss_mb(pids: list[int]) -> float:
    """The processes' proportional set size: a page shared by the forked workers and the
    writer (the corpus index, the gazetteer) counts once in the sum, not once each."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as handle:
            for row in handle:
                if row.startswith("Pss:"):
                    total += int(row.split()[1]) / 1024
    return total


def run_child(corpus: Path, store: Path, *extra: str, interrupt_at: int | None = None
              ) -> dict:
    env = {**os.environ, "WARRAQ_NO_PROGRESS": "1"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(corpus), "--store",
                                 str(store), *extra], cwd=ROOT, env=env, stdout=out,
                                stderr=err, text=True)
        folder = store / "articles"
        peak_pss = 0.0
        while proc.poll() is None:
            peak_pss = max(peak_pss, _pss_mb(_children(proc.pid)))
            if interrupt_at is not None and folder.is_dir() and sum(
                    not n.startswith(".") for n in os.listdir(folder)) >= interrupt_at:
                proc.send_signal(signal.SIGINT)  # Ctrl-C once that many articles are named
                interrupt_at = None
            time.sleep(0.25)
        proc.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result = None
    summary = ""
    for row in stdout.splitlines():
        if row.startswith("BENCH "):
            result = json.loads(row[6:])
        elif "suggestions added" in row:
            summary = row
    if result is None:
        raise RuntimeError(f"suggest child failed: {stderr[-2000:]}")
    result["summary"] = summary
    result["pss_mb"] = peak_pss
    return result


def line(name: str, value: str, target: str) -> None:
    print(f"{name:<44} {value:<44} target {target}")


def bench_size(base: Path, articles: int, workers: list[str], first_only: bool = False
               ) -> None:
    from store.synthetic import write_corpus

    t = time.perf_counter()
    corpus = write_corpus(base / f"c{articles}.jsonl", articles, "jsonl", seed=16)
    print(f"generated {articles:,} articles in {time.perf_counter() - t:.0f} s")
    store = base / f"store{articles}"
    first = run_child(corpus, store, *workers)
    rate = articles / first["seconds"]
    line(f"suggest {articles:,}: first run",
         f"{first['seconds']:.1f} s ({rate:.0f} articles/s)",
         "100,000 in ≤ 120 s" if articles >= 100_000 else f"≤ {articles * 120 / 100_000:.0f} s")
    line(f"suggest {articles:,}: peak RSS",
         f"{first['rss_mb']:.0f} MB main, {first['worker_rss_mb']:.0f} MB per worker",
         "≤ 400 MB")
    line(f"suggest {articles:,}: peak of the whole run",
         f"{first['pss_mb']:.0f} MB (PSS: shared pages once)", "≤ 400 MB")
    line(f"suggest {articles:,}: CPU",
         f"{first['cpu_main']:.0f} s main, {first['cpu_workers']:.0f} s workers", "(2 cores)")
    print(f"    {first['summary']}")
    if first_only:
        return
    again = run_child(corpus, store, *workers)
    line(f"suggest {articles:,}: re-run, all already there",
         f"{again['seconds']:.1f} s, {again['rss_mb']:.0f} MB", "safe to repeat")
    half = base / f"half{articles}"
    cut = run_child(corpus, half, *workers, interrupt_at=articles // 2)
    resumed = run_child(corpus, half, *workers)
    line(f"suggest {articles:,}: interrupted at ~½, then resumed",
         f"{cut['seconds']:.1f} s + {resumed['seconds']:.1f} s", "resume skips what is done")
    print(f"    {resumed['summary']}")


def run(sizes: tuple[int, ...] = SIZES, workers: int | None = None, first_only: bool = False
        ) -> None:
    extra = ["--workers", str(workers)] if workers is not None else []
    with tempfile.TemporaryDirectory(prefix="warraq-suggest-") as tmp:
        for articles in sizes:
            bench_size(Path(tmp), articles, extra, first_only)


def test_suggest_benchmark():
    run((10_000,))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--workers", type=int)
    parser.add_argument("--first-only", action="store_true",
                        help="only the first run of each size (no re-run, no resume)")
    args = parser.parse_args()
    run(tuple(args.articles), args.workers, args.first_only)

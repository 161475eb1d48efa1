"""The NewsFANE learning curve as a user gets it, through the CLI only (README's table).

    python tests/benchmarks/bench_evaluate_curve.py [--sizes 3,10,32,all]

The first 80% of the articles of ``../shared/newsfane/gold_att.jsonl`` are the training
share, the last 20% the test file. For each size, a fresh store gets the first N training
articles by ``warraq import --as gold``, ``warraq train`` fits its model, and ``warraq
evaluate --suggester model --model STORE`` scores it on the test file (exact, clitic-tolerant
and overlap F1 over PERS ORG GPE LOC FAC NORP, character offsets on the gold text); the
built-in gazetteer is scored the same way. Printed, not asserted; skipped without the data.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import ROOT

NEWSFANE = ROOT.parent / "shared" / "newsfane"
LABELS = "PERS,ORG,GPE,LOC,FAC,NORP"
WARRAQ = [sys.executable, "-m", "tui.cli"]


def _run(*args: str) -> str:
    done = subprocess.run([*WARRAQ, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"warraq {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _scores(*args: str) -> tuple[float, float, float]:
    report = json.loads(_run("evaluate", "--format", "jsonl", "--labels", LABELS,
                             "--output", "json", *args))
    e, t, o = (report[mode]["ALL"]["f1"] for mode in ("exact", "tolerant", "overlap"))
    return e, t, o


def _labelled(line: str) -> str:
    """The article without the gold's vehicle/weapon/product spans (label null), which
    ``warraq import`` refuses and evaluate skips."""
    record = json.loads(line)
    record["entities"] = [e for e in record["entities"] if e.get("label")]
    return json.dumps(record, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="3,10,32,all", help="training articles")
    args = parser.parse_args()
    gold = NEWSFANE / "gold_att.jsonl"
    if not gold.exists():
        print(f"skipped: {gold} is absent")
        return
    lines = [_labelled(line) for line in gold.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    cut = int(len(lines) * 0.8)
    train, test = lines[:cut], lines[cut:]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        test_file = work / "test.jsonl"
        test_file.write_text("\n".join(test) + "\n", encoding="utf-8")
        print(f"NewsFANE (att): {len(train)} training articles, {len(test)} test articles")
        print(f"{'trained on':<34} exact  tolerant  overlap")
        e, t, o = _scores("--gold", str(test_file))
        print(f"{'nothing: the built-in gazetteer':<34} {e:.3f}  {t:.3f}     {o:.3f}")
        for size in args.sizes.split(","):
            n = len(train) if size == "all" else int(size)
            chunk = train[:n]
            sentences = sum(len(json.loads(line).get("sentences") or [1]) for line in chunk)
            store = work / f"store-{n}"
            source = work / f"train-{n}.jsonl"
            source.write_text("\n".join(chunk) + "\n", encoding="utf-8")
            _run("import", str(source), "--format", "jsonl", "--as", "gold", "--store",
                 str(store), "--annotator", "bench")
            started = time.perf_counter()
            _run("train", "--store", str(store), "--annotator", "bench")
            took = time.perf_counter() - started
            e, t, o = _scores("--gold", str(test_file), "--suggester", "model", "--model",
                              str(store))
            title = f"{n} articles ({sentences:,} sentences)"
            print(f"{title:<34} {e:.3f}  {t:.3f}     {o:.3f}   (train {took:.1f} s)")


if __name__ == "__main__":
    main()

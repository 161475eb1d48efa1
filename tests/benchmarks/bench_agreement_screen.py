"""The app's Agreement screen at scale: what ``team_report`` (store/team_agreement.py: the
report ``warraq agree`` and the screen share) adds to ``agreement`` (the per-label overlap
and clitic-tolerant counts), and what drawing the report costs (the screen's renderables
through Rich, at 120 columns). Printed, not asserted.

    python tests/benchmarks/bench_agreement_screen.py [--articles N]

The same synthetic pair of annotators as ``bench_agree.py`` (20 spans per article each).
The computation runs in a worker thread in the app, so it delays no key; drawing runs on
the UI thread once per report shown.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rich.console import Console

from store.agreement import agreement
from store.team_agreement import TeamLayers, label_rule_counts, team_report
from tests.benchmarks.bench_agree import make_layers
from tui.services.agreement_view import agreement_renderables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    layers = make_layers(args.articles)
    team = TeamLayers({layer.name: layer for layer in layers},
                      {layer.name: [] for layer in layers})
    t = time.perf_counter()
    agreement(layers, ["POLITICS"])
    plain = time.perf_counter() - t
    t = time.perf_counter()
    report = team_report(team, ["POLITICS"])
    shared = time.perf_counter() - t
    t = time.perf_counter()
    label_rule_counts(*layers)
    rules = time.perf_counter() - t
    t = time.perf_counter()
    console = Console(width=120, file=io.StringIO(), color_system="truecolor")
    for renderable in agreement_renderables(report):
        console.print(renderable)
    drawn = time.perf_counter() - t
    print(f"{args.articles} articles, 2 annotators: agreement {plain:.2f} s; team_report "
          f"(with per-label rules) {shared:.2f} s, of which the per-label rules alone "
          f"{rules:.2f} s; drawing the "
          f"screen's report {drawn * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""An annotator's own queue in the article list at 100,000 articles (a third of them
assigned): what the scope costs the list model. Printed, not asserted.

    python tests/benchmarks/bench_team_queue.py [--articles N]

Timed: turning the queue on (``M``: the scope's byte mask and the first answer), a search
keystroke and a sorted view under it, and turning it off again; each beside the same
answer without a queue. The targets are the list's: a keystroke within 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.test_list_model import make_entries
from tui.services.list_model import ListModel


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    entries = make_entries(args.articles)
    entries.search_keys()
    for sort in ("corpus", "date_desc"):
        entries.order(sort)
        entries.rank(sort)
    rng = random.Random(2)
    queue = frozenset(i for i in entries.ids if rng.random() < 1 / 3)
    plain = ListModel(entries)
    scoped = ListModel(entries)
    rows = {
        "queue on (mask + first answer)": (
            lambda: plain.filtered("", None, None, "corpus"),
            lambda: (scoped.set_scope(queue), scoped.filtered("", None, None, "corpus"))),
        "search keystroke 'قمة'": (lambda: plain.filtered("قمة", None, None, "corpus"),
                                   lambda: scoped.filtered("قمة", None, None, "corpus")),
        "sorted by date, status done": (
            lambda: plain.filtered("", "done", None, "date_desc"),
            lambda: scoped.filtered("", "done", None, "date_desc")),
        "queue off (every article)": (
            lambda: plain.filtered("", None, "PERS", "corpus"),
            lambda: (scoped.set_scope(None), scoped.filtered("", None, "PERS", "corpus"))),
    }
    print(f"{args.articles:,} articles, queue of {len(queue):,}")
    for name, (without, with_queue) in rows.items():
        print(f"  {name}: {_ms(with_queue):.1f} ms (without a queue {_ms(without):.1f} ms)")


if __name__ == "__main__":
    main()

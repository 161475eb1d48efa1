"""``warraq assign CORPUS --annotators a,b,c --overlap 0.2 [--seed N]``: who annotates which
article in a team store (store/assignment.py); ``--show`` prints each queue and its progress."""

from __future__ import annotations

import argparse

from store.errors import WarraqError
from tui.cli.options import add_store_options
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "assign",
        help="plan who annotates which article (a share by two or more, for agreement)",
        description="Write an assignment plan into the team store: every article to one "
        "annotator in turn (seeded shuffle), a share --overlap to a second one as well. "
        "--show prints each annotator's queue and progress.",
    )
    parser.add_argument("corpus", nargs="?", help="the corpus (default: the sample corpus)")
    add_store_options(parser)
    parser.add_argument("--annotators", metavar="A,B,C", help="who annotates")
    parser.add_argument("--overlap", type=float, default=0.2,
                        help="share of articles annotated by two annotators (default 0.2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", action="store_true", help="print the queues and progress")
    parser.set_defaults(run=run_assign)


def run_assign(args: argparse.Namespace) -> int:
    from store.assignment import load, make_assignment, save
    from store.paths import is_team_store, resolve_store_dir

    root = resolve_store_dir(args.store)
    if not is_team_store(root):
        raise WarraqError("not a team store: run `warraq team init` first", root)
    if args.show:
        plan = load(root)
        if plan is None:
            raise WarraqError("no assignment plan yet (warraq assign CORPUS --annotators …)",
                              root)
        _show(root, plan)
        return 0
    if not args.annotators:
        raise WarraqError("--annotators a,b,c is required")
    from store.corpus import Corpus, sample_corpus_path

    corpus = Corpus.open(args.corpus or sample_corpus_path())
    ids = [m.id for m in corpus.articles]
    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    try:
        plan = make_assignment(ids, names, args.overlap, args.seed)
    except ValueError as exc:
        raise WarraqError(str(exc)) from None
    path = save(root, plan)
    warn(f"{len(ids)} articles assigned to {len(names)} annotators, {len(plan.shared())} "
         f"of them to two; plan in {path} (commit it with the store)")
    _show(root, plan)
    return 0


def _show(root, plan) -> None:  # type: ignore[no-untyped-def]
    from store.paths import layer_dir
    from store.stats import summarize_store

    for name in plan.annotators:
        queue = plan.queue(name)
        folder = layer_dir(root, name)
        statuses = {}
        if folder.is_dir():
            summary = summarize_store(folder)
            statuses = {i: a.status for i, a in summary.articles.items()}
        done = sum(1 for i in queue if statuses.get(i) == "done")
        started = sum(1 for i in queue if statuses.get(i) == "in_progress")
        print(f"{name}\t{len(queue)} articles\t{done} done\t{started} in progress\t"
              f"{len(queue) - done - started} to do")

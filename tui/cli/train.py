"""``warraq train``: fit the learning suggester on the store's human decisions
(store/model_crf.py); ``warraq suggest --suggester model`` then uses it."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli.options import add_store_options, open_store
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "train",
        help="train the model suggester on the accepted spans of the store",
        description="Fit a CRF on the articles a person worked on (accepted spans; every "
        "other token, rejected suggestions included, is O), report its F1 on a held-out "
        "share, and save it in the store's models/ folder (or --out DIR).",
    )
    add_store_options(parser)
    parser.add_argument("--out", metavar="DIR", help="where models/ goes (default: the store)")
    parser.add_argument("--iterations", type=int, default=100, help="training iterations")
    parser.set_defaults(run=run_train)


def run_train(args: argparse.Namespace) -> int:
    from store.model_crf import train_from_articles, training_articles

    store = open_store(args, write=False)
    try:
        articles = list(training_articles(store))
        root = Path(args.out) if args.out else store.root
        result = train_from_articles(
            articles, root, max_iterations=args.iterations,
            nationality_adjectives=getattr(store.schema, "nationality_adjectives", "O"))
    finally:
        store.close()
    f1 = "—" if result.f1 is None else f"{result.f1:.3f}"
    warn(f"model@{result.version}: {result.sentences} sentences from {len(articles)} "
         f"articles in {result.seconds:.1f} s; held-out F1 {f1} on "
         f"{result.heldout_sentences} sentences; saved {result.path}")
    return 0

"""``warraq train``: fit the learning suggester on the store's human decisions
(store/model_crf.py); ``warraq suggest --suggester model`` then uses it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

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
    parser.add_argument("--refresh", metavar="FILE",
                        help="also write the new model's suggestions for the unopened articles "
                        "that hold model suggestions to FILE (JSONL; the app applies them)")
    parser.set_defaults(run=run_train)


def run_train(args: argparse.Namespace) -> int:
    from store.model_crf import train_from_articles, training_articles

    store = open_store(args, write=False)
    try:
        articles = list(training_articles(store))
        root = Path(args.out) if args.out else store.root
        adjectives = getattr(store.schema, "nationality_adjectives", "O")
        result = train_from_articles(articles, root, max_iterations=args.iterations,
                                     nationality_adjectives=adjectives)
        if args.refresh:
            _refresh(store, root, Path(args.refresh), adjectives)
    finally:
        store.close()
    f1 = "—" if result.f1 is None else f"{result.f1:.3f}"
    warn(f"model@{result.version}: {result.sentences} sentences from {len(articles)} "
         f"articles in {result.seconds:.1f} s; held-out F1 {f1} on "
         f"{result.heldout_sentences} sentences; saved {result.path}")
    return 0


def _refresh(store: Any, root: Path, out: Path, adjectives: str) -> None:
    """The new model's spans for every article nobody worked on that holds pending model
    suggestions (the app swaps them in: tui/services/retraining.py)."""
    import json

    from store.model_crf import _gazetteer, load_model
    from store.records import SpanStatus
    from store.storage import atomic_write_text

    model = load_model(root)
    if model is None:
        return
    gaz = _gazetteer(adjectives)
    lines = []
    for article_id in store.article_ids():
        art = store.get(article_id)
        if art is None or not art.exists or art.annotations.decided_by_a_person():
            continue
        if not any(e.status == SpanStatus.PENDING and e.origin.startswith("model@")
                   for e in art.annotations.entities):
            continue
        spans = [list(s) for s in model.spans(art.text, gaz)]
        # How unsure the model is of this article: the app's active-learning order.
        unsure = round(model.uncertainty(art.text, gaz), 4)
        lines.append(json.dumps({"id": article_id, "origin": model.origin, "spans": spans,
                                 "uncertainty": unsure}, ensure_ascii=False))
    atomic_write_text(out, "".join(line + "\n" for line in lines))

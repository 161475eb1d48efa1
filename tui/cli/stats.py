"""``warraq stats [CORPUS]``: progress, label and annotator counts; ``--suggestions`` adds how
humans judged each suggestion source (accepted, corrected, rejected; precision and recall).

The tables are rich renderables built by ``tui.services.stats_view``, shared with the app's
stats screen (``S``), so the terminal and the app always agree. Reading the store is
read-only and lock-free: stats can run beside an open app.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Group

from store.stats import Stats, compute_stats, summarize_store
from tui.cli.options import add_store_options, open_indexed
from tui.cli.output import console_for
from tui.rtl.glyphs import warn
from tui.services.stats_view import stats_renderables


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="progress and label counts (--suggestions: suggestion quality)",
        description="Annotation progress by status, entity counts by label and by annotator; "
        "with --suggestions, what annotators did with each suggestion source's suggestions "
        "(accepted, corrected, rejected) and the implied precision and recall. With CORPUS "
        "the counts cover that corpus (unannotated articles count as new); without, every "
        "article in the store.",
    )
    parser.add_argument("corpus", nargs="?", metavar="CORPUS",
                        help="folder of .txt pages, a .jsonl file or one page "
                        "(default: every article in the store)")
    parser.add_argument("--suggestions", action="store_true",
                        help="show suggestion quality per source and per label")
    add_store_options(parser)
    parser.set_defaults(run=run_stats)


def load_stats(corpus: str | None, store_dir: str | None,
               annotator: str | None = None) -> Stats:
    """Stats of the store (over ``corpus`` when given), using the corpus and store caches;
    in a team store, of the annotator's own layer."""
    from store.paths import annotator_root, resolve_store_dir
    from tui.services.workspace import default_annotator

    root = annotator_root(resolve_store_dir(store_dir), annotator or default_annotator())
    summary = summarize_store(root)
    ids = None
    if corpus is not None:
        ids = open_indexed(corpus, root).ids
    return compute_stats(summary, ids)


def run_stats(args: argparse.Namespace) -> int:
    if args.schema:
        from store.schema import Schema

        Schema.load(Path(args.schema))  # a bad --schema is an error here as everywhere
    stats = load_stats(args.corpus, args.store, args.annotator)
    console = console_for(sys.stdout)  # names and sources are signs-safe in stats_view
    for error in stats.errors:
        warn(f"{error}")
    console.print(Group(*stats_renderables(stats, suggestions=args.suggestions)))
    return 0

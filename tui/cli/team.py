"""``warraq team init``: make a store a team store (one layer per annotator) so several
people can annotate it in git clones without merge conflicts (store/team.py)."""

from __future__ import annotations

import argparse

from tui.cli.options import add_store_options
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "team",
        help="make the store a team store (one layer per annotator)",
        description="init: turn the store into a team store; the work already in it becomes "
        "the layer of --annotator (default $WARRAQ_ANNOTATOR, else the login name). "
        "layers: list the annotators' layers.",
    )
    parser.add_argument("action", choices=("init", "layers"))
    add_store_options(parser)
    parser.set_defaults(run=run_team)


def run_team(args: argparse.Namespace) -> int:
    from store.paths import layer_names, resolve_store_dir
    from store.team import make_team_store

    root = resolve_store_dir(args.store)
    if args.action == "layers":
        for name in layer_names(root):
            print(name)
        return 0
    from tui.services.workspace import default_annotator

    first = args.annotator or default_annotator()  # the name the app writes under
    target = make_team_store(root, first)
    warn(f"{root} is a team store; {first}'s layer: {target} (each annotator writes only "
         "their own layer: git merges without conflicts)")
    return 0

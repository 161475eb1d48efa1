"""``warraq adjudicate``: build the curated layer of a team store. What the annotators agree
on (by ``--policy``) is merged at once; then, on a terminal, the adjudication screen shows
the disagreements one by one (store/adjudication.py, tui/screens/adjudication_screen.py)."""

from __future__ import annotations

import argparse
import sys

from store.errors import WarraqError
from tui.cli.options import add_layout_options, add_store_options, resolve_bidi
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "adjudicate",
        help="merge what annotators agree on into the curated layer, then decide the rest",
        description="Agreed spans go into layers/curated at once; disagreements are then "
        "decided one by one at the keyboard (1-9 take an annotator's version, b all of them "
        "nested, x none, . and , move, u undo). The curated layer is what warraq export "
        "writes by default in a team store.",
    )
    add_store_options(parser)
    add_layout_options(parser)
    parser.add_argument("--annotators", metavar="A,B", help="only these layers (default: all)")
    parser.add_argument("--policy", default="unanimous",
                        help="what counts as agreed: unanimous (default), majority, threshold:N")
    parser.add_argument("--auto-only", action="store_true",
                        help="merge the agreed spans and list the disagreements; no screen")
    parser.set_defaults(run=run_adjudicate)


def run_adjudicate(args: argparse.Namespace) -> int:
    from store.adjudication import CURATED, parse_policy, plan, write_agreed
    from store.paths import layer_names, resolve_store_dir
    from store.schema import Schema
    from store.store import Store
    from store.team import load_layers

    try:
        policy = parse_policy(args.policy)
    except ValueError as exc:
        raise WarraqError(str(exc)) from None
    root = resolve_store_dir(args.store)
    names = [n.strip() for n in args.annotators.split(",")] if args.annotators else [
        n for n in layer_names(root) if n != CURATED]
    if len(names) < 2:
        raise WarraqError("adjudication needs a team store with two layers or more "
                          "(warraq team init; warraq agree)", root)
    schema = Schema.load(args.schema) if args.schema else Schema.load(None)
    loaded = load_layers(root, schema, names)
    for problem in loaded.problems:
        warn(f"{problem} (left out of adjudication)")
    result = plan(loaded.layers, policy)
    store = Store.open(root, schema, annotator=CURATED, require_write=True)
    try:
        added = write_agreed(store, result)
        if result.doc_label_disagreements:
            warn(f"{len(result.doc_label_disagreements)} document labels without a majority "
                 "either way: set them on the curated layer in the app (--annotator curated, "
                 "D); listed with --auto-only")
        warn(f"curated layer: {added} agreed spans, events and document labels added; "
             f"{len(result.disagreements)} "
             f"disagreements in {len({d.article_id for d in result.disagreements})} articles"
             + (f"; {result.left_out} articles left out (texts differ)" if result.left_out
                else ""))
        if args.auto_only or not sys.stdout.isatty():
            for item in result.disagreements:
                if item.kind == "event":
                    said = "; ".join(f"{name}: " + (", ".join(
                        f"{v.type} {v.start}-{v.end} " + " ".join(
                            f"{role}={s}-{e}" for role, s, e, _ in v.arguments)
                        for v in versions) or "nothing")
                        for name, versions in sorted(item.events.items()))
                else:
                    said = "; ".join(f"{name}: " + (", ".join(
                        f"{label} {s}-{e}" for s, e, label in spans) or "nothing")
                        for name, spans in sorted(item.versions.items()))
                print(f"{item.article_id}\t{item.kind}\t{item.start}-{item.end}\t{said}")
            for article_id, label, yes, no in result.doc_label_disagreements:
                print(f"{article_id}\tdoc_label\t{label}\tset: {', '.join(yes)}; "
                      f"not set: {', '.join(no)}")
            return 0
        from tui.app import AdjudicationApp
        from tui.cli.open_app import configure_terminal
        from tui.rtl.terminal import bidi_mode
        from tui.services.adjudicating import AdjudicationSession

        _mode, _why, detected = resolve_bidi(args)
        app = AdjudicationApp(AdjudicationSession(store, result), args.bidi)
        configure_terminal(app, args.bidi, detected)
        with bidi_mode(args.bidi):
            app.run()
    finally:
        store.close()
    return 0

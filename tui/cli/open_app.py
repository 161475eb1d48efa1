"""``warraq [CORPUS]``: open the app. Textual loads only here, after the arguments parse, so
every other subcommand (and ``--help``) starts without it."""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Sequence
from typing import Any

from tui.cli.options import add_layout_options, add_store_options, resolve_bidi
from tui.cli.output import SafeArgumentParser


def app_parser(subcommands: Sequence[str]) -> argparse.ArgumentParser:
    parser = SafeArgumentParser(
        prog="warraq",
        description="Read and annotate Arabic news in the terminal. Subcommands: "
        + ", ".join(subcommands) + " (warraq SUBCOMMAND --help).",
    )
    parser.add_argument(
        "corpus",
        nargs="?",
        help="a folder of .txt articles, a .jsonl corpus or one file (default: sample corpus)",
    )
    add_store_options(parser)
    add_layout_options(parser)
    return parser


def configure_terminal(app: Any, mode: str, detected: Any, env: Any = None) -> None:
    """What the app sends the terminal beyond its frames, from the detected profile
    (``WARRAQ_NO_BDSM`` leaves the terminal's state alone, as ``bidi_mode`` does)."""
    from tui.rtl.cell_fixes import FIXES

    env = os.environ if env is None else env
    if mode == "app":
        if detected.name in FIXES:  # kitty and alacritty redraw cells: send what they need
            app.cell_fix = detected.name
        if detected.multiplexer and env.get("WARRAQ_NO_BDSM") is None:
            app.terminal_state = detected.start_bytes
    elif detected.profile.terminal_bidi:  # each pane's text isolated: rows keep panes apart
        app.cell_fix = "isolate"


def run_app(argv: Sequence[str], subcommands: Sequence[str]) -> int:
    args = app_parser(subcommands).parse_args(argv)
    _mode, _why, detected = resolve_bidi(args)
    from tui.app import WarraqApp, prepare_app  # Textual loads only for the app itself

    app: WarraqApp = prepare_app(
        corpus=args.corpus,
        store_dir=args.store,
        schema_path=args.schema,
        annotator=args.annotator,
        bidi=args.bidi,
        direction=args.direction,
    )
    configure_terminal(app, args.bidi, detected)
    from tui.rtl.terminal import bidi_mode

    try:
        with bidi_mode(args.bidi):
            app.run()
    finally:
        if app.indexing is not None:  # keep what a first indexing finished for next time
            app.indexing.stop()
    # The process ends now: spare its last collection a walk over every object the session
    # made (about 0.1 s at the sample corpus, more with a large list).
    gc.freeze()
    return app.return_code or 0


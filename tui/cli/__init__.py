"""The ``warraq`` command: the app by default, plus subcommands for scripts and pipelines.

``warraq [CORPUS]`` opens the app (the bundled sample corpus when CORPUS is omitted);
``warraq render|suggest|import|export|stats …`` work without a screen. Every failure caused
by input is one line on stderr naming the file and the problem, with a non-zero exit status.
Each subcommand lives in its own module here and is imported only when it is asked for, so
the app's start path loads none of them.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

from store.errors import WarraqError
from tui.cli.options import EXIT_ERROR
from tui.cli.output import SafeArgumentParser
from tui.rtl.glyphs import warn

# Subcommand → the module whose ``register(subparsers)`` adds it.
SUBCOMMANDS: dict[str, str] = {
    "render": "tui.cli.render",
    "export": "tui.cli.export",
    "import": "tui.cli.import_",
    "suggest": "tui.cli.suggest",
    "stats": "tui.cli.stats",
    "doctor": "tui.cli.doctor",
    "team": "tui.cli.team",
    "agree": "tui.cli.agree",
    "adjudicate": "tui.cli.adjudicate",
    "serve": "tui.cli.serve",
    "assign": "tui.cli.assign",
    "train": "tui.cli.train",
    "evaluate": "tui.cli.evaluate",
}


def _run_subcommand(argv: Sequence[str]) -> int:
    parser = SafeArgumentParser(prog="warraq")
    sub = parser.add_subparsers(dest="command", required=True)
    # Only the asked-for subcommand's module loads (export alone pulls in every format).
    importlib.import_module(SUBCOMMANDS[argv[0]]).register(sub)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return _run_subcommand(argv)
        from tui.cli.open_app import run_app

        return run_app(argv, list(SUBCOMMANDS))
    except WarraqError as error:
        # A file name can carry escape sequences: never echo them to the terminal raw.
        warn(error)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `warraq render x | head`: the reader went away; not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

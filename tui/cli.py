"""The ``warraq`` command: the app by default, plus subcommands for scripts and pipelines.

``warraq [CORPUS]`` opens the app (the bundled sample corpus when CORPUS is omitted);
``warraq render|suggest|import|export|stats …`` work without a screen. Every failure caused
by input is one line on stderr naming the file and the problem, with a non-zero exit status.
Subcommands other than ``render`` and ``stats`` live in their own modules and register
themselves here, so each stays small.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
from collections.abc import Callable, Sequence

from store.errors import WarraqError
from tui.glyphs import warn

EXIT_ERROR = 2


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that touches annotations takes (DESIGN §9)."""
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="annotation store folder (default: $WARRAQ_STORE, else the user data folder)",
    )
    parser.add_argument("--schema", metavar="FILE", help="label schema TOML replacing the default")
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="name recorded on every annotation (default: $WARRAQ_ANNOTATOR, else the login name)",
    )


def add_layout_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bidi",
        choices=("app", "terminal"),
        default="app",
        help="app: Warraq shapes and reorders (default); terminal: send logical text to a "
        "terminal that does its own bidi",
    )
    parser.add_argument(
        "--direction",
        choices=("rtl", "ltr", "auto"),
        default=None,
        help="paragraph base direction (default: from the article's script, as dir=rtl)",
    )


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warraq",
        description="Read and annotate Arabic news in the terminal. Subcommands: "
        + ", ".join(SUBCOMMANDS) + " (warraq SUBCOMMAND --help).",
    )
    parser.add_argument(
        "corpus",
        nargs="?",
        help="a folder of .txt articles, a .jsonl corpus or one file (default: sample corpus)",
    )
    add_store_options(parser)
    add_layout_options(parser)
    return parser


def _render_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "render",
        help="print articles as the reader lays them out",
        description="Print each article of FILE (a .txt page, a .jsonl corpus or a folder) "
        "as the reader lays it out: one visual line per output line.",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--width", type=int, default=None, help="columns (default: terminal, 80)")
    parser.add_argument("--id", dest="article_id", help="only the article with this id")
    add_layout_options(parser)
    parser.set_defaults(run=run_render)


def run_render(args: argparse.Namespace) -> int:
    from store.corpus import Corpus
    from tui.layout import BaseDirection
    from tui.render import render_lines

    out = sys.stdout
    color = out.isatty()
    width = args.width or (shutil.get_terminal_size((80, 24)).columns if color else 80)
    if width < 1:
        raise WarraqError(f"--width must be at least 1, got {width}")
    corpus = Corpus.open(args.file)
    for error in corpus.errors:
        warn(error)
    metas = corpus.articles
    if args.article_id is not None:
        metas = [m for m in metas if m.id == args.article_id]
        if not metas:
            raise WarraqError(f"no article with id {args.article_id!r}", args.file)
    base = BaseDirection(args.direction) if args.direction else None
    for number, meta in enumerate(metas):
        if number:
            out.write("\n\n")
        article = corpus.load(meta.id)
        title = meta.title if not article.text.startswith(meta.title) else None
        for line in render_lines(
            article.text, width, title=title, base=base, mode=args.bidi, color=color
        ):
            out.write(line + "\n")
    out.flush()
    return EXIT_ERROR if corpus.errors and not metas else 0


# Subcommand → module that registers it; the app path imports none of them.
SUBCOMMANDS: dict[str, str] = {
    "render": "tui.cli",
    "export": "tui.cli_formats",
    "import": "tui.cli_formats",
    "suggest": "tui.cli_suggest",
    "stats": "tui.cli_stats",
}


def register(sub: argparse._SubParsersAction) -> None:
    _render_parser(sub)


def _run_subcommand(argv: Sequence[str]) -> int:
    import importlib

    parser = argparse.ArgumentParser(prog="warraq")
    sub = parser.add_subparsers(dest="command", required=True)
    seen: set[str] = set()
    for module_name in dict.fromkeys(SUBCOMMANDS.values()):
        try:
            module: Callable | object = importlib.import_module(module_name)
        except ImportError:
            continue
        if module_name not in seen:
            seen.add(module_name)
            module.register(sub)  # type: ignore[union-attr]
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


def _run_app(argv: Sequence[str]) -> int:
    args = _app_parser().parse_args(argv)
    from tui.app import WarraqApp, prepare_app  # Textual loads only for the app itself

    app: WarraqApp = prepare_app(
        corpus=args.corpus,
        store_dir=args.store,
        schema_path=args.schema,
        annotator=args.annotator,
        bidi=args.bidi,
        direction=args.direction,
    )
    from tui.terminal import bidi_mode

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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return _run_subcommand(argv)
        return _run_app(argv)
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


if __name__ == "__main__":
    sys.exit(main())

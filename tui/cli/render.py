"""``warraq render``: print articles as the reader lays them out, one visual line per output
line — the layout engine without the app, for scripts, pipes and checking a terminal."""

from __future__ import annotations

import argparse
import shutil
import sys
from contextlib import nullcontext

from store.errors import WarraqError
from tui.cli.options import EXIT_ERROR, add_layout_options, resolve_bidi
from tui.cli.output import is_terminal, use_color
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
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
    from tui.rtl.cell_fixes import fix_lines
    from tui.rtl.layout import BaseDirection
    from tui.rtl.render import render_lines
    from tui.rtl.terminal import bidi_mode

    out = sys.stdout
    _mode, _why, detected = resolve_bidi(args)
    # kitty and alacritty redraw cells (tui.rtl.cell_fixes); a pipe gets the plain lines.
    fix_for = detected.name if is_terminal(out) and args.bidi == "app" else ""
    # Bold titles and dim signs only for a terminal that takes them (not NO_COLOR, TERM=dumb);
    # the article's own controls are signs whatever the output (render_lines).
    color = use_color(out)
    width = args.width or (shutil.get_terminal_size((80, 24)).columns if is_terminal(out)
                           else 80)
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
    # A terminal gets the same profile as the app (its own bidi off in app mode, restored
    # after, except where restoring would redraw these lines reversed: Konsole, mlterm); a
    # pipe or file gets the lines' bytes and nothing else.
    with bidi_mode(args.bidi, out, keep_output=True) if is_terminal(out) else nullcontext():
        for number, meta in enumerate(metas):
            if number:
                out.write("\n\n")
            article = corpus.load(meta.id)
            title = meta.title if not article.text.startswith(meta.title) else None
            lines = render_lines(
                article.text, width, title=title, base=base, mode=args.bidi, color=color
            )
            for line in fix_lines(lines, fix_for):
                out.write(line + "\n")
        out.flush()
    return EXIT_ERROR if corpus.errors and not metas else 0


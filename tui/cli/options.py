"""What several subcommands share: their common options and the objects those options open.

Kept apart from the dispatcher in ``tui.cli`` so a subcommand module never imports the
package that imports it; everything heavy loads inside the functions, so ``warraq --help``
and the app's start path stay light.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.corpus import Corpus

EXIT_PARTIAL = 1
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
        choices=("auto", "app", "terminal"),
        default=None,
        help="auto (default, or $WARRAQ_BIDI): chosen for the terminal Warraq detects; app: "
        "Warraq shapes and reorders; terminal: send logical text to a terminal that does its "
        "own bidi",
    )
    parser.add_argument(
        "--direction",
        choices=("rtl", "ltr", "auto"),
        default=None,
        help="paragraph base direction (default: from the article's script, as dir=rtl)",
    )


def resolve_bidi(args: argparse.Namespace, env: Any = None) -> tuple[str, str, Any]:
    """Settle ``args.bidi`` to "app" or "terminal" for the detected terminal; returns the
    mode, why it was chosen (``warraq doctor`` prints it) and the terminal's profile."""
    from tui.rtl.terminal_query import identify
    from tui.rtl.terminals import choose_mode, detect

    env = os.environ if env is None else env
    detected = detect(env)
    if detected.name == "unknown" and identify(env) is not None:  # ask the terminal itself
        detected = detect(env)
    mode, why = choose_mode(getattr(args, "bidi", None), detected, env)
    args.bidi = mode
    return mode, why, detected


def open_store(args: argparse.Namespace, write: bool) -> Any:
    """The store named by ``--store``/``--schema``/``--annotator``."""
    from store.paths import resolve_store_dir
    from store.schema import Schema
    from store.store import Store

    schema = Schema.load(args.schema) if getattr(args, "schema", None) else Schema.load(None)
    root = resolve_store_dir(getattr(args, "store", None))
    if not write:
        require_existing_store(root)
    return Store.open(root, schema, annotator=getattr(args, "annotator", None),
                      require_write=write)


def require_existing_store(root: Path) -> None:
    """Commands that only read a store (export, train, agree) must not create one by a typo:
    ``warraq export --store wrong/`` used to make an empty store and say "exported 0"."""
    from store.article_files import STORE_FILE
    from store.errors import WarraqError
    from store.paths import LAYERS

    if not root.exists():
        raise WarraqError("no store here (nothing was annotated into this folder; check "
                          "--store or WARRAQ_STORE)", root)
    if not any((root / name).exists() for name in (STORE_FILE, "articles", LAYERS)):
        raise WarraqError("not a Warraq store (no warraq-store.json, articles/ or layers/)",
                          root)


def progress_enabled() -> bool:
    """Progress bars only for a person watching (stderr a terminal) who has not opted out;
    a TERM=dumb terminal cannot take the cursor movements a bar redraws with."""
    return (sys.stderr.isatty() and not os.environ.get("WARRAQ_NO_PROGRESS")
            and os.environ.get("TERM", "") != "dumb")


def open_indexed(path: str | Path, store_root: Path) -> Corpus:
    """The corpus at ``path``, its index in ``store_root``'s cache brought up to date, with a
    progress bar on the terminal while it is built (the app instead indexes behind its list)."""
    from store.corpus_index import cache_dir_for, open_corpus

    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not progress_enabled() or total <= 0:
            return
        if not bar:
            from rich.console import Console
            from rich.progress import Progress

            bar["progress"] = Progress(console=Console(stderr=True), transient=True)
            bar["progress"].start()
            bar["task"] = bar["progress"].add_task("Indexing the corpus", total=total)
        bar["progress"].update(bar["task"], completed=done, total=total)

    try:
        return open_corpus(path, cache_dir_for(store_root), progress=progress)
    finally:
        if bar:
            bar["progress"].stop()

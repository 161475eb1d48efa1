"""``warraq suggest [CORPUS]``: pre-annotate a corpus with the built-in gazetteer or a
plugged-in model (``--suggester NAME|module:callable``, see ``store.suggesters``).

Every match becomes a pending suggestion in the store, its origin the suggester's name;
re-running adds only what is new and never brings back a suggestion someone rejected (see
``store.suggest``). An article that cannot be read, or on which a suggester fails, is
reported on stderr in one line and the run goes on; the exit status is 1 when some
articles failed, 2 when nothing could be done.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from typing import Any

from store.errors import WarraqError
from tui.cli.options import EXIT_ERROR, EXIT_PARTIAL, add_store_options, progress_enabled
from tui.cli.output import say
from tui.rtl.glyphs import warn

PROGRESS_MIN = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "suggest",
        help="pre-annotate with the built-in gazetteer (pending suggestions)",
        description="Match the built-in gazetteer of Middle East and world news names "
        "against every article and store the matches as pending suggestions to accept (a) "
        "or reject (x) in the app. Safe to re-run.",
    )
    parser.add_argument("corpus", nargs="?", metavar="CORPUS",
                        help="folder of .txt pages, a .jsonl file or one page "
                        "(default: the bundled sample corpus)")
    parser.add_argument("--gazetteer", metavar="FILE", action="append",
                        help="extra gazetteer data file read after the built-in ones "
                        "(store/data/GAZETTEER.md); repeatable")
    parser.add_argument("--suggester", metavar="NAME", action="append",
                        help="suggestion source: a registered name (gazetteer, spacy, "
                        "stanza, camel, or one from the warraq.suggesters entry points) "
                        "or module:callable returning (start, end, label[, score]) spans; "
                        "repeatable (default: gazetteer)")
    parser.add_argument("--model", metavar="PATH",
                        help="local model folder (or extra gazetteer file) for the one "
                        "--suggester; nothing is ever downloaded")
    parser.add_argument("--source", metavar="NAME",
                        help="origin recorded on the suggestions (default: the "
                        "suggester's name)")
    parser.add_argument("--list-suggesters", action="store_true",
                        help="print the registered suggesters and exit")
    add_store_options(parser)
    parser.set_defaults(run=run_suggest)


def _progress(items: Iterable[Any], total: int, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("suggesting", total=total)
        for item in items:
            yield item
            bar.advance(task)


def _meta_dict(meta: Any) -> dict[str, Any]:
    keys = ("title", "date", "url", "source")
    return {k: getattr(meta, k) for k in keys if getattr(meta, k, None) is not None}


def _suggesters(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """(origin, callable) for each requested suggester; load errors are one line."""
    from store.suggesters import GazetteerSuggester, load_suggester

    specs = list(getattr(args, "suggester", None) or ["gazetteer"])
    model = getattr(args, "model", None)
    source = getattr(args, "source", None)
    if len(specs) > 1 and (model or source):
        raise WarraqError("--model and --source apply to a single --suggester")
    extra = tuple(getattr(args, "gazetteer", None) or ())
    loaded = []
    for spec in specs:
        if spec == "gazetteer" and extra and model is None:
            name, fn = "gazetteer", GazetteerSuggester(extra)
            fn.prepare()
        else:
            name, fn = load_suggester(spec, model=model)
        loaded.append((source or name, fn))
    return loaded


def _for_store(name: str, fn: Any, root: Any) -> tuple[str, Any]:
    if callable(getattr(fn, "for_store", None)):
        fn = fn.for_store(root)
        name = str(getattr(fn, "origin", name))  # e.g. model@3: which model said so
    return name, fn


def _list_suggesters() -> int:
    from store.suggesters import available

    for name, target in sorted(available().items()):
        say(f"{name}\t{target}")  # entry points are anyone's package metadata
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    from store.corpus import Corpus, sample_corpus_path
    from store.paths import resolve_store_dir
    from store.schema import Schema
    from store.store import Store
    from store.suggest import SuggestCounts, suggest_with

    if getattr(args, "list_suggesters", False):
        return _list_suggesters()
    suggesters = _suggesters(args)  # before opening anything: a bad name costs nothing
    corpus = Corpus.open(args.corpus or sample_corpus_path())
    schema = Schema.load(args.schema) if getattr(args, "schema", None) else Schema.load(None)
    suggesters = [(name, fn.for_schema(schema) if callable(getattr(fn, "for_schema", None))
                   else fn) for name, fn in suggesters]
    store = Store.open(resolve_store_dir(getattr(args, "store", None)), schema,
                       annotator=getattr(args, "annotator", None), require_write=True)
    try:  # a suggester that needs the store folder (the trained model) gets it now
        suggesters = [_for_store(name, fn, store.root) for name, fn in suggesters]
    except WarraqError:
        store.close()
        raise
    counts = SuggestCounts()
    for error in corpus.errors:  # articles the corpus could not even index
        counts.failed += 1
        warn(f"{error}")
    ids = list(corpus.ids)
    show = progress_enabled() and len(ids) > PROGRESS_MIN
    try:
        for article_id in _progress(ids, len(ids), show):
            try:
                article = corpus.load(article_id)
            except WarraqError as error:
                counts.failed += 1
                warn(f"{error}")
                continue
            failed = False
            for name, fn in suggesters:
                before = counts.articles
                try:
                    suggest_with(store, article_id, article.text, _meta_dict(article.meta),
                                 name, fn, counts)
                except WarraqError as error:
                    failed = True
                    warn(f"{error}")
                # count articles, not (article, suggester) pairs
                counts.articles = before
            for warning in counts.warnings:
                warn(f"{warning}")
            counts.warnings.clear()
            if failed:
                counts.failed += 1
            else:
                counts.articles += 1
    finally:
        store.close()
    names = ", ".join(dict.fromkeys(name for name, _ in suggesters))
    invalid = f", {counts.invalid} invalid spans skipped" if counts.invalid else ""
    say(  # names from --source or plugins, the store's path: shown with signs
        f"{counts.added} suggestions added in {counts.articles} articles"
        f" ({counts.already} already in the store, {counts.unknown_label} with labels"
        f" not in the schema, {counts.failed} articles failed{invalid});"
        f" source: {names}; store: {store.root}"
    )
    if counts.failed:
        return EXIT_ERROR if counts.articles == 0 else EXIT_PARTIAL
    return 0

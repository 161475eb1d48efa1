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
import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from store.errors import WarraqError
from store.group_writes import DEFAULT_GROUP
from tui.cli.options import EXIT_ERROR, EXIT_PARTIAL, add_store_options, progress_enabled
from tui.cli.output import say
from tui.rtl.glyphs import warn

PROGRESS_MIN = 50
AUTO_WORKERS_MIN = 4096  # below this many articles a worker process costs more than it saves
# Each worker adds what it copies of the writer's pages (the corpus metadata it reads, its
# own gazetteer caches): 2 workers peaked at 253 MB for 100,000 articles, so 3 stay well
# within the 400 MB target.
AUTO_WORKERS_MAX = 3


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
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes reading and matching articles beside the one "
                        "writing the store (default: one per core, at most "
                        f"{AUTO_WORKERS_MAX}, for the gazetteer on a corpus of "
                        f"{AUTO_WORKERS_MIN} articles or more and two cores or more, "
                        "else 0; 0 for plug-ins)")
    parser.add_argument("--group", type=int, metavar="N", default=DEFAULT_GROUP,
                        help="articles made durable together: one disk sync, then "
                        f"they leave memory and count as done for a resume (default "
                        f"{DEFAULT_GROUP})")
    parser.add_argument("--restart", action="store_true",
                        help="ignore an interrupted run's progress and go over every "
                        "article again (by default a re-run skips what it finished)")
    add_store_options(parser)
    parser.set_defaults(run=run_suggest)


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[], None] | None]:
    """A rich progress bar on stderr (a terminal only), advanced once per article."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("suggesting", total=total)
        yield lambda: bar.advance(task)


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


def _workers(args: argparse.Namespace, suggesters: list[tuple[str, Any]], total: int) -> int:
    """Processes reading and matching articles beside the one writing the store:
    ``--workers``, else, for the built-in gazetteer on a large corpus, one per core (up
    to ``AUTO_WORKERS_MAX``): the workers also write new articles' files
    (store/suggest_fresh.py), which leaves the writing process little to do; none for
    plug-ins (a model may not survive a fork) unless asked."""
    from store.suggesters import GazetteerSuggester

    asked = getattr(args, "workers", None)
    if asked is not None:
        return max(0, asked)
    cores = _cores()
    if total < AUTO_WORKERS_MIN or cores < 2 or not all(
            isinstance(fn, GazetteerSuggester) for _, fn in suggesters):
        return 0
    return min(cores, AUTO_WORKERS_MAX)


def _cores() -> int:
    """The cores this process may run on (its affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_suggest(args: argparse.Namespace) -> int:
    from store.corpus import Corpus, sample_corpus_path
    from store.paths import resolve_store_dir
    from store.schema import Schema
    from store.store import Store
    from store.suggest_run import RunJournal, suggest_corpus

    if getattr(args, "list_suggesters", False):
        return _list_suggesters()
    suggesters = _suggesters(args)  # before opening anything: a bad name costs nothing
    from store.suggesters import GazetteerSuggester

    for _, fn in suggesters:
        if isinstance(fn, GazetteerSuggester):
            fn.prepare()  # once here, not in every worker
    corpus_path = args.corpus or sample_corpus_path()
    # Read whole, not through the store's corpus index: forked workers would each decode
    # and copy the index's columns (about 90 MB more at the peak of a 100,000-article run).
    corpus = Corpus.open(corpus_path)
    schema = Schema.load(args.schema) if getattr(args, "schema", None) else Schema.load(None)
    suggesters = [(name, fn.for_schema(schema) if callable(getattr(fn, "for_schema", None))
                   else fn) for name, fn in suggesters]
    # scan=False: a large store is read article by article, never all at once.
    store = Store.open(resolve_store_dir(getattr(args, "store", None)), schema,
                       annotator=getattr(args, "annotator", None), require_write=True,
                       scan=False)
    try:  # a suggester that needs the store folder (the trained model) gets it now
        suggesters = [_for_store(name, fn, store.root) for name, fn in suggesters]
    except WarraqError:
        store.close()
        raise
    early_failures = 0
    for error in corpus.errors:  # articles the corpus could not even index
        early_failures += 1
        warn(f"{error}")
    ids = list(corpus.ids)
    origins = [name for name, _ in suggesters]
    model = getattr(args, "model", None)
    extra = [*(getattr(args, "gazetteer", None) or ()), *([model] if model else [])]
    journal = RunJournal(store.root, RunJournal.key_for(corpus_path, origins, extra))
    if getattr(args, "restart", False):
        journal.close(finished=True)  # forget an interrupted run: redo every article
    show = progress_enabled() and len(ids) > PROGRESS_MIN
    try:
        with _progress_bar(len(ids), show) as advance:
            report = suggest_corpus(
                store, corpus, suggesters, ids, journal=journal,
                workers=_workers(args, suggesters, len(ids)),
                group=max(1, getattr(args, "group", DEFAULT_GROUP)), on_article=advance,
                on_warning=lambda line: warn(f"{line}"))
    finally:
        store.close()
    counts = report.counts
    counts.failed += early_failures
    names = ", ".join(dict.fromkeys(origins))
    invalid = f", {counts.invalid} invalid spans skipped" if counts.invalid else ""
    resumed = (f"; resumed an interrupted run: {report.resumed} articles were already done"
               if report.resumed else "")
    say(  # names from --source or plugins, the store's path: shown with signs
        f"{counts.added} suggestions added in {counts.articles} articles"
        f" ({counts.already} already in the store, {counts.unknown_label} with labels"
        f" not in the schema, {counts.failed} articles failed{invalid}){resumed};"
        f" source: {names}; store: {store.root}"
    )
    if counts.failed:
        return EXIT_ERROR if counts.articles + report.resumed == 0 else EXIT_PARTIAL
    return 0

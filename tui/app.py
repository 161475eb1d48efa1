"""The Warraq app: wiring of corpus, store and schema to the main screen.

Everything that can fail on bad input (corpus path, schema file, store) is opened in
``prepare_app`` before Textual starts, so the CLI reports it as one line instead of a
crashed screen; problems with single articles or store files become notices in the app.
"""

from __future__ import annotations

import gc
import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from store.corpus import Article, Corpus, sample_corpus_path
from tui.commands import WarraqCommands
from tui.glyphs import printable
from tui.layout import BaseDirection
from tui.widgets.article_list import Entries, Entry, site_names

if TYPE_CHECKING:
    from tui.indexing import BackgroundIndex


def default_annotator() -> str:
    name = os.environ.get("WARRAQ_ANNOTATOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"


class WarraqApp(App[None]):
    TITLE = "Warraq"
    SUB_TITLE = "ورّاق"
    # The main screen's styles load with the app's: it is the default screen, which
    # Textual does not load a CSS_PATH for (and one parse of all the CSS is cheaper).
    CSS_PATH = ["warraq.tcss", "screens/main_screen.tcss"]
    COMMANDS = App.COMMANDS | {WarraqCommands}

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(
        self,
        corpus: Corpus,
        *,
        store: Any = None,
        annotator: str,
        bidi: str = "app",
        direction: BaseDirection | None = None,
        startup_notices: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store
        self.annotator = annotator
        self.bidi = bidi
        self.direction = direction
        self.startup_notices = startup_notices or []
        # store.stats.StoreSummary: statuses and label counts for the list (set by prepare_app)
        self.summary: Any = None
        # A corpus index still being built behind the app (set by prepare_app), or None.
        self.indexing: BackgroundIndex | None = None

    # ------------------------------------------------------------------ store access
    @property
    def store_label(self) -> str:
        return str(self.store.root) if self.store is not None else "(none)"

    @property
    def read_only_reason(self) -> str | None:
        if self.store is None:
            return None
        return self.store.read_only_reason if self.store.read_only else None

    def status_of(self, article_id: str) -> str:
        if self.store is None:
            return "new"
        return str(self.store.status_of(article_id))

    def attach_article(self, article: Article) -> list[str]:
        """Bind the opened article's text to the store; returns notices (drift…)."""
        if self.store is None:
            return []
        meta = {
            k: v
            for k, v in vars(article.meta).items()
            if v is not None and k not in ("extra",)
        }
        stored = self.store.attach(article.id, article.text, meta)
        notices = []
        if getattr(stored, "drifted", False):
            notices.append("The corpus text differs from the stored snapshot: spans re-anchored "
                           "where unambiguous, others marked stale.")
        return notices

    def entries(self) -> Entries:
        """The list's entries, as columns: from the corpus index's columns and the store
        summaries when present (no per-article object, store lookup or title normalization:
        100,000 articles in a few ms)."""
        summaries = self.summary.articles if self.summary is not None else None
        columns = getattr(self.corpus.articles, "columns", None)
        if columns is not None:
            sources = columns.get("site") or site_names(columns["url"], columns["source"])
            # Only the rows a background index build has finished (it may be appending).
            entries = Entries.from_columns(columns["id"], columns["title"], columns["date"],
                                           sources, columns.get("key"), summaries,
                                           n=len(self.corpus.articles))
        else:
            metas = list(self.corpus.articles)
            entries = Entries.from_columns(
                [m.id for m in metas], [m.title for m in metas], [m.date for m in metas],
                [Entry.source_of(m.url, m.source) for m in metas], None, summaries)
        if summaries is None and self.store is not None:
            entries.statuses[:] = [self.status_of(article_id) for article_id in entries.ids]
        return entries

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        """Every notification passes through here (screens' ``notify`` calls it): messages
        quote file names, ids and errors, so controls in them become visible signs and
        square brackets in them are text, not markup."""
        kwargs.setdefault("markup", False)
        super().notify(printable(str(message)), *args, **kwargs)

    def on_load(self) -> None:
        # Start-up makes tens of thousands of long-lived objects (widgets, styles, caches)
        # and no garbage cycles worth a pass: the cyclic collector is held until the first
        # frame (its passes cost 40 ms here, one of them a full one), then the survivors
        # are frozen out of later passes.
        self._gc_held = gc.isenabled()
        gc.disable()

    def get_default_screen(self) -> Screen:
        # The main screen is the first on the stack: no blank default screen under it to
        # style, lay out and switch away from at start-up.
        from tui.screens.main_screen import MainScreen

        return MainScreen(self.entries())

    def on_mount(self) -> None:
        self.call_after_refresh(self._started)

    def _started(self) -> None:
        if getattr(self, "_gc_held", False):
            self._gc_held = False
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        # Frozen objects are never collected: hand them back for a process that goes on
        # after the app (tests, an embedding program).
        self._started()
        gc.unfreeze()

    def action_help(self) -> None:
        screen = self.screen
        helper = getattr(screen, "action_help", None)
        if helper is not None:
            helper()


def prepare_app(
    corpus: str | Path | None = None,
    *,
    store_dir: str | None = None,
    schema_path: str | None = None,
    annotator: str | None = None,
    bidi: str = "app",
    direction: str | None = None,
) -> WarraqApp:
    """Open everything the app needs; raises WarraqError with a one-line message."""
    notices: list[str] = []
    store = None
    summary = None
    name = annotator or default_annotator()
    try:
        from store.schema import Schema
        from store.store import Store
    except ImportError:  # store layer not present in this build
        Store = None  # type: ignore[assignment]
    if Store is not None:
        schema = Schema.load(Path(schema_path) if schema_path else None)
        from store.paths import resolve_store_dir
        from store.stats import summarize_store

        # No full scan: the summary cache gives statuses, label counts and damaged files.
        store = Store.open(resolve_store_dir(store_dir), schema, annotator=name, scan=False)
        summary = summarize_store(store.root)
        notices.extend(str(error) for error in store.errors)
        notices.extend(str(error) for error in summary.errors)
        if store.read_only and store.read_only_reason:
            notices.append(store.read_only_reason)
    corpus_obj, indexing = open_corpus_for_app(
        corpus if corpus is not None else sample_corpus_path(),
        store.root if store is not None else None,
    )
    for error in corpus_obj.errors:
        notices.append(str(error))
    app = WarraqApp(
        corpus_obj,
        store=store,
        annotator=name,
        bidi=bidi,
        direction=BaseDirection(direction) if direction else None,
        startup_notices=notices,
    )
    app.summary = summary
    app.indexing = indexing
    return app


def open_corpus_for_app(path: str | Path, store_root: Path | None
                        ) -> tuple[Corpus, BackgroundIndex | None]:
    """Open through the lazy index kept beside the store. A small amount of indexing is
    done now; a large one (a first open of a big corpus) gets its worker processes forked
    now, while this process has one thread, and runs behind the app: the list fills in as
    it goes, so the app opens at once whatever the corpus size."""
    if store_root is None:
        return Corpus.open(path), None
    from store.corpus_index import cache_dir_for, start_index
    from tui.indexing import BackgroundIndex

    build = start_index(path, cache_dir_for(store_root))
    if not build.pending:
        return build.corpus, None
    if not build.large:
        return build.run(), None
    build.start_workers()
    return build.corpus, BackgroundIndex(build)

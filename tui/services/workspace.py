"""The workspace: the corpus, the store and the session settings the app works on.

Screens and widgets ask it for what they show (the list's entries, an article's status, the
store's name, why the store is read-only) instead of asking the app object, so they depend
on this module and not on ``tui.app`` — the app module imports the screens, never the other
way round. Everything that can fail on bad input (corpus path, schema file, store) is opened
in :func:`open_workspace` before Textual starts, so the CLI reports it as one line instead
of a crashed screen; problems with single articles or store files become notices.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.corpus import Article, Corpus, sample_corpus_path
from tui.rtl.layout import BaseDirection
from tui.services.list_model import Entries, Entry, site_names

if TYPE_CHECKING:
    from tui.services.indexing import BackgroundIndex
    from tui.services.team_queue import Queue


def default_annotator() -> str:
    name = os.environ.get("WARRAQ_ANNOTATOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"


@dataclass
class Workspace:
    corpus: Corpus
    # store.store.Store, or None when the store layer is absent (a bare reader)
    store: Any = None
    annotator: str = "annotator"
    bidi: str = "app"
    direction: BaseDirection | None = None
    startup_notices: list[str] = field(default_factory=list)
    # store.stats.StoreSummary: statuses and label counts for the list
    summary: Any = None
    # A corpus index still being built behind the app, or None.
    indexing: BackgroundIndex | None = None
    # A team store (store/team.py): its root folder (the store itself is this annotator's
    # layer), and this annotator's queue from the assignment plan; None otherwise.
    team_root: Path | None = None
    queue: Queue | None = None

    def team_layers(self) -> list[str]:
        """The annotators with a layer in the team store, the curated layer aside (none
        outside a team store): those ``warraq agree`` compares by default."""
        if self.team_root is None:
            return []
        from store.team_agreement import annotator_layers

        return annotator_layers(self.team_root)

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
        """Bind the opened article's text to the store; returns notices (drift, damage…)."""
        if self.store is None:
            return []
        meta = {
            k: v
            for k, v in vars(article.meta).items()
            if v is not None and k not in ("extra",)
        }
        if meta.get("path"):  # the store is shared (git, exports): no local folder names
            meta["path"] = Path(str(meta["path"])).name
        stored = self.store.attach(article.id, article.text, meta)
        notices = []
        error = getattr(stored, "error", None)
        if error is not None:
            notices.append(damage_notice(error))
        rejected = getattr(stored, "rejected", None)
        if rejected:
            more = f" (and {len(rejected) - 1} more)" if len(rejected) > 1 else ""
            notices.append(f"Store file: {rejected[0]}{more}.")
        if getattr(stored, "drifted", False):
            notices.append("The corpus text differs from the stored snapshot: spans re-anchored "
                           "where unambiguous, others marked stale.")
        return notices

    def damage_of(self, article_id: str) -> str | None:
        """Why this article's store file cannot be read, or None. A damaged file is never
        shown as an empty "new" article: its annotations are there, only unreadable, and
        the store refuses every write to it so that they are not saved over."""
        if self.store is None:
            return None
        try:
            error = self.store.error_for(article_id)
        except (UnicodeError, ValueError):  # an id no store file can be named after
            return None
        return str(error) if error is not None else None

    def status_name(self, article_id: str) -> str:
        """The status the list and the card show: "damaged" for an unreadable store file,
        else the stored status."""
        return DAMAGED if self.damage_of(article_id) else self.status_of(article_id)

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
        self._mark_damaged(entries)
        return entries

    def _mark_damaged(self, entries: Entries) -> None:
        """Rows whose store file the summary found unreadable show as damaged from the
        start (the file names are matched by id, which is done only when there are any)."""
        errors = getattr(self.summary, "errors", None)
        if not errors:
            return
        from store.store import article_filename

        names = {Path(error.path).name for error in errors if getattr(error, "path", None)}
        for row, article_id in enumerate(entries.ids):
            try:
                if article_filename(article_id) in names:
                    entries.statuses[row] = DAMAGED
            except UnicodeError:
                continue


#: The list status of an article whose store file is damaged.
DAMAGED = "damaged"


def damage_notice(error: object) -> str:
    """One line for the card and the notification of a damaged store file."""
    return (f"Damaged store file: its annotations are not shown and nothing is saved over "
            f"it until it is repaired: {error}")


def open_workspace(
    corpus: str | Path | None = None,
    *,
    store_dir: str | None = None,
    schema_path: str | None = None,
    annotator: str | None = None,
    bidi: str = "app",
    direction: str | None = None,
) -> Workspace:
    """Open everything the app needs; raises WarraqError with a one-line message."""
    if corpus is not None and not Path(corpus).expanduser().exists():
        # Before the store opens: a mistyped corpus path must not create a store.
        from store.errors import WarraqError

        raise WarraqError("no such file or folder", Path(corpus))
    notices: list[str] = []
    store = None
    summary = None
    team_root: Path | None = None
    queue = None
    name = annotator or default_annotator()
    try:
        from store.schema import Schema
        from store.store import Store
    except ImportError:  # store layer not present in this build
        Store = None  # type: ignore[assignment]
    if Store is not None:
        schema = Schema.load(Path(schema_path) if schema_path else None)
        from store.paths import is_team_store, resolve_store_dir
        from store.stats import summarize_store
        from tui.services.team_queue import load_queue

        root = resolve_store_dir(store_dir)
        team_root = root if is_team_store(root) else None
        queue, problem = load_queue(team_root, name)
        if problem:
            notices.append(problem)
        # No full scan: the summary cache gives statuses, label counts and damaged files.
        store = Store.open(root, schema, annotator=name, scan=False)
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
    return Workspace(
        corpus_obj,
        store=store,
        annotator=name,
        bidi=bidi,
        direction=BaseDirection(direction) if direction else None,
        startup_notices=notices,
        summary=summary,
        indexing=indexing,
        team_root=team_root,
        queue=queue,
    )


def open_corpus_for_app(path: str | Path, store_root: Path | None
                        ) -> tuple[Corpus, BackgroundIndex | None]:
    """Open through the lazy index kept beside the store. A small amount of indexing is
    done now; a large one (a first open of a big corpus) gets its worker processes forked
    now, while this process has one thread, and runs behind the app: the list fills in as
    it goes, so the app opens at once whatever the corpus size."""
    if store_root is None:
        return Corpus.open(path), None
    from store.corpus_index import cache_dir_for, start_index
    from tui.services.indexing import BackgroundIndex

    build = start_index(path, cache_dir_for(store_root))
    if not build.pending:
        return build.corpus, None
    if not build.large:
        return build.run(), None
    build.start_workers()
    return build.corpus, BackgroundIndex(build)

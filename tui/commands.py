"""Command palette (ctrl+p): open any article by title, filter, toggle panes, help.

Titles are matched on their Arabic-normalized form (so a query typed without harakat or
with another alef finds them) and shown laid out, since the palette draws with Rich.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from store.arabic import normalize
from tui.rtl.glyphs import printable
from tui.rtl.visual_text import visual_line
from tui.services.list_model import STATUS_FILTERS, STATUS_NAMES
from tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from tui.screens.main_screen import MainScreen


class WarraqCommands(Provider):
    """Articles by title plus the app's actions."""

    def _main(self) -> MainScreen | None:
        from tui.screens.main_screen import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _actions(self, main: MainScreen) -> list[tuple[str, str, object]]:
        actions: list[tuple[str, str, object]] = [
            ("Next article not done", "n", main.action_next_article),
            ("Previous article", "p", main.action_previous_article),
            ("Search titles", "/", main.action_search),
            ("Toggle the article list", "ctrl+b", main.action_toggle_list),
            ("Propagate the entity under the cursor to the whole corpus (as suggestions)",
             "palette", main.propagate_to_corpus),
            ("Open the article the model is least sure of (active learning)", "palette",
             main.open_most_uncertain),
            ("Undo", "u", main.action_undo),
            ("Redo", "ctrl+r", main.action_redo),
            ("Mark article done", "d", partial(main.action_mark, "done")),
            ("Skip article", "s", partial(main.action_mark, "skipped")),
            ("Help: keys of the current pane", "?", main.action_help),
            ("Guidelines: what each label covers (the schema's descriptions)", "G",
             main.action_guidelines),
            ("Problems: damaged files, unreadable articles, read-only store", "!",
             main.action_problems),
            ("Document labels of the open article", "D", main.action_doc_labels),
        ]
        workspace = main.warraq  # a team store: own queue, agreement
        if workspace.queue is not None:
            actions.append(("My queue / all articles (the assignment plan)", "M",
                            main.action_toggle_queue))
        if len(workspace.team_layers()) >= 2:
            actions.append(("Agreement between annotators: F1 per label, kappas, alpha",
                            "palette", main.open_agreement))
        for status in STATUS_FILTERS:
            name = "all articles" if status is None else STATUS_NAMES[status]
            actions.append((f"Filter list: {name}", "f", partial(main.set_filter, status)))
        return actions

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for title, key, callback in self._actions(main):
            yield DiscoveryHit(title, callback, help=f"key: {key}")  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for title, key, callback in self._actions(main):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=f"key: {key}")  # type: ignore[arg-type]
        key = normalize(query.strip())
        if not key:
            return
        shown = 0
        entries = main.query_one(ArticleList).entries
        for row, (title_key, article_id) in enumerate(
                zip(entries.search_keys(), entries.ids, strict=True)):
            if key in title_key or key in article_id.lower():
                entry = entries[row]
                display = visual_line(entry.title, 60) or entry.id
                yield Hit(
                    0.9,
                    f"Open: {display}",
                    partial(main.open_article, entry.id),
                    help=printable(
                        f"{entry.id} · {entry.date or 'no date'} · "
                        f"{STATUS_NAMES.get(entry.status, entry.status)}"
                    ),
                )
                shown += 1
                if shown >= 50:
                    break

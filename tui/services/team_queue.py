"""An annotator's own queue in a team store (issue 15): which articles the assignment plan
(``warraq assign``, store/assignment.py) gives them, which of those others annotate too
(the overlap, where agreement is measured), and how far along they are.

The article list shows only the queue by default when the plan names the annotator, each
shared article marked with who else has it; ``M`` (or the palette) switches to every
article and back. Progress counts the queue's articles whose status in the annotator's
layer is done, from the list's own columns, so it follows every mark at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.services.list_columns import Entries


@dataclass
class Queue:
    """One annotator's share of the plan."""

    annotator: str
    ids: frozenset[str]
    # Article id → the other annotators it is assigned to (only shared articles).
    shared: dict[str, list[str]] = field(default_factory=dict)
    # The queue's articles listed as done (``count_done``, then kept by ``note``).
    done: set[str] = field(default_factory=set)

    def mark(self, article_id: str) -> str | None:
        """What the list shows on a shared article's row: who else annotates it."""
        others = self.shared.get(article_id)
        return None if not others else "⇄ " + ",".join(others)

    def count_done(self, entries: Entries) -> None:
        """Which queue articles the list has as done (an article of the plan missing from
        the corpus is never done): once at start, and when many rows change at once."""
        statuses = entries.statuses
        self.done = set()
        for article_id in self.ids:
            row = entries.position(article_id)
            if row is not None and statuses[row] == "done":
                self.done.add(article_id)

    def note(self, article_id: str, status: str) -> None:
        """One article's status changed (a mark, an annotation): at no cost per key."""
        if article_id not in self.ids:
            return
        if status == "done":
            self.done.add(article_id)
        else:
            self.done.discard(article_id)

    def label(self) -> str:
        """The status bar's words: done of assigned (the plan's count)."""
        return f"queue {len(self.done)}/{len(self.ids)} done"


def load_queue(team_root: Path | None, annotator: str) -> tuple[Queue | None, str | None]:
    """The annotator's queue from the team store's plan, or None (no team store, no plan,
    or a plan that does not name them), and a one-line problem when the plan is damaged
    (then the list shows every article, as without a plan)."""
    if team_root is None:
        return None, None
    from store.assignment import load
    from store.errors import StoreError

    try:
        plan = load(team_root)
    except StoreError as error:
        return None, f"{error} (the list shows every article)"
    if plan is None or annotator not in plan.annotators:
        return None, None
    ids: set[str] = set()
    shared: dict[str, list[str]] = {}
    for article_id, names in plan.articles.items():
        if annotator in names:
            ids.add(article_id)
            others = [n for n in names if n != annotator]
            if others:
                shared[article_id] = others
    return Queue(annotator, frozenset(ids), shared), None

"""The statistics as Rich tables: progress by status, entities by label and by annotator,
and how humans judged each suggestion source.

Shared by ``warraq stats`` and the app's stats screen (``S``) so both always show the same
thing; it lives with the app services, not in the command line, so the screen never imports
the CLI.

Every name in these tables (labels, annotators, suggestion sources) comes from store files
that an import or a colleague can write, so each is a plain ``Text`` of its printable form:
never Rich markup (``[link=…]`` would become an escape sequence) and never a raw control.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from store.stats import STATUSES, Quality, Stats
from tui.rtl.glyphs import printable

BAR_WIDTH = 30
STATUS_TITLES = {"new": "new", "in_progress": "in progress", "done": "done",
                 "skipped": "skipped"}


def _bar(count: int, total: int, width: int = BAR_WIDTH) -> Text:
    filled = round(width * count / total) if total else 0
    return Text("█" * filled + "·" * (width - filled), style="green" if filled else "dim")


def _name(value: object) -> Text:
    """A name from data as a table cell: its controls as signs, no markup."""
    return Text(printable(str(value)))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def progress_table(stats: Stats) -> Table:
    table = Table(title=f"Progress ({stats.articles} articles, {stats.stored} stored)",
                  title_justify="left")
    table.add_column("status")
    table.add_column("articles", justify="right")
    table.add_column("share", justify="right")
    table.add_column("", no_wrap=True)
    for status in STATUSES:
        count = stats.by_status.get(status, 0)
        share = count / stats.articles if stats.articles else None
        table.add_row(STATUS_TITLES[status], str(count), _pct(share),
                      _bar(count, stats.articles))
    return table


def label_table(stats: Stats) -> Table:
    total = sum(stats.by_label.values())
    table = Table(title=f"Accepted entities by label ({total})", title_justify="left")
    table.add_column("label")
    table.add_column("entities", justify="right")
    table.add_column("", no_wrap=True)
    top = max(stats.by_label.values(), default=0)
    for label, count in stats.by_label.items():
        table.add_row(_name(label), str(count), _bar(count, top))
    if not stats.by_label:
        table.add_row("(none yet)", "0", "")
    return table


def annotator_table(stats: Stats) -> Table:
    table = Table(title="By annotator", title_justify="left")
    table.add_column("annotator")
    table.add_column("articles", justify="right")
    table.add_column("done", justify="right")
    table.add_column("entities", justify="right")
    for name, row in stats.by_annotator.items():
        table.add_row(_name(name), str(row["articles"]), str(row["done"]), str(row["entities"]))
    if not stats.by_annotator:
        table.add_row("(none yet)", "0", "0", "0")
    return table


def quality_table(title: str, rows: dict[str, Quality], first: str,
                  overall: Quality | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first)
    for name in ("accepted", "corrected", "rejected", "pending", "precision", "recall"):
        table.add_column(name, justify="right")
    items = list(rows.items())
    if overall is not None and len(items) > 1:
        items.append(("all sources", overall))
    for name, q in items:
        table.add_row(_name(name), str(q.accepted), str(q.corrected), str(q.rejected),
                      str(q.pending), _pct(q.precision), _pct(q.recall))
    if not items:
        table.add_row("(no suggestions)", "0", "0", "0", "0", "—", "—")
    return table


def stats_renderables(stats: Stats, *, suggestions: bool = False) -> list[RenderableType]:
    """The stats as rich tables: progress, labels, annotators (+ suggestion quality)."""
    parts: list[RenderableType] = [progress_table(stats), label_table(stats),
                                   annotator_table(stats)]
    if stats.events or stats.highlights:
        parts.append(Text(f"{stats.events} events · {stats.highlights} highlights"))
    if suggestions:
        parts.append(quality_table("Suggestions by source", stats.by_source, "source",
                                   stats.overall))
        parts.append(quality_table("Suggestions by label (suggested label; recall by final "
                                   "label)", stats.by_label_quality, "label"))
        parts.append(Text("precision = accepted / (accepted + corrected + rejected); "
                          "recall = accepted-or-corrected suggestions / all accepted spans",
                          style="dim"))
    return parts

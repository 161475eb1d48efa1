"""The side pane: what is known of the open article and of the word under the cursor.

It starts as the article's metadata card and grows into the tagging pane (annotations in
reading order) in the annotation work. Every Arabic string goes through VisualText.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from tui.visual_text import VisualText


class ArticleCard(Static):
    """Metadata of the open article: updated once per article, so a relayout is fine."""

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.bidi = bidi

    def show(self, meta: dict[str, Any]) -> None:
        self.update(self._renderable(meta))

    def _renderable(self, meta: dict[str, Any]) -> RenderableType:
        if not meta:
            return Text("Open an article with enter.", style="italic dim")
        parts: list[RenderableType] = []
        if meta.get("title"):
            parts.append(VisualText(meta["title"], "bold", mode=self.bidi))
            parts.append(Text(""))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(overflow="fold")
        rows = [
            ("id", meta.get("id")),
            ("date", " ".join(x for x in (meta.get("date"), meta.get("time")) if x) or None),
            ("date as written", meta.get("date_raw")),
            ("source", meta.get("source")),
            ("url", meta.get("url")),
            ("author", meta.get("author")),
            ("status", meta.get("status")),
            ("chars", str(meta["chars"]) if meta.get("chars") is not None else None),
            ("direction", meta.get("direction")),
        ]
        for label, value in rows:
            if value:
                cell: RenderableType = (
                    VisualText(str(value), mode=self.bidi, align_rtl=False)
                    if label in ("source", "author", "date as written")
                    else Text(str(value))
                )
                table.add_row(label, cell)
        parts.append(table)
        for notice in meta.get("notices", []):
            parts.append(Text(notice, style="bold yellow"))
        return Group(*parts)


class TargetCard(Widget):
    """The word or selection under the cursor. Fixed height, so following the cursor only
    repaints these few lines instead of re-laying out the screen on every keypress."""

    DEFAULT_CSS = """
    TargetCard { height: 5; }
    """

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bidi = bidi
        self._target: tuple[int, int, str, bool] | None = None

    def show(self, start: int, end: int, text: str, *, selection: bool) -> None:
        self._target = (start, end, text, selection)
        self.refresh()

    def clear(self) -> None:
        self._target = None
        self.refresh()

    def render(self) -> RenderableType:
        if self._target is None:
            return Text("")
        start, end, text, selection = self._target
        heading = "selection" if selection else "word"
        return Group(
            Text(f"{heading} {start}–{end}", style="dim"),
            VisualText(text, "bold", mode=self.bidi),
        )


class SidePane(Vertical):
    """Metadata card of the open article plus the cursor target."""

    DEFAULT_CSS = """
    SidePane { padding: 0 1; }
    SidePane > ArticleCard { height: auto; }
    """

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bidi = bidi

    def compose(self):
        yield ArticleCard(bidi=self.bidi)
        yield TargetCard(bidi=self.bidi)

    def show_article(self, meta: dict[str, Any]) -> None:
        self.query_one(ArticleCard).show(meta)
        self.query_one(TargetCard).clear()

    def show_target(self, start: int, end: int, text: str, *, selection: bool) -> None:
        self.query_one(TargetCard).show(start, end, text, selection=selection)

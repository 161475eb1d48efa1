"""The side pane: what is known of the open article and of the word under the cursor.

It starts as the article's metadata card and grows into the tagging pane (annotations in
reading order) in the annotation work. Every Arabic string goes through VisualText.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.visual_text import VisualText


class SidePane(Static):
    """Metadata card of the open article plus the cursor target."""

    DEFAULT_CSS = """
    SidePane { padding: 0 1; }
    """

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.bidi = bidi
        self._meta: dict[str, Any] = {}
        self._target: tuple[int, int, str] | None = None
        self._selection = False

    def show_article(self, meta: dict[str, Any]) -> None:
        self._meta = meta
        self._target = None
        self._refresh()

    def show_target(self, start: int, end: int, text: str, *, selection: bool) -> None:
        self._target = (start, end, text)
        self._selection = selection
        self._refresh()

    def _refresh(self) -> None:
        self.update(self._renderable())

    def _renderable(self) -> RenderableType:
        meta = self._meta
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
        if self._target is not None:
            start, end, text = self._target
            parts.append(Text(""))
            heading = "selection" if self._selection else "word"
            parts.append(Text(f"{heading} {start}–{end}", style="dim"))
            parts.append(VisualText(text, "bold", mode=self.bidi))
        return Group(*parts)

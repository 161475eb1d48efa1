"""The side pane: what is known of the open article and of the word under the cursor.

It starts as the article's metadata card and grows into the tagging pane (annotations in
reading order) in the annotation work. Every Arabic string goes through VisualText.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.annotate import PaneItem
from tui.visual_text import VisualText, visual_line

KIND_MARK = {"entity": "■", "suggestion": "□", "highlight": "▌", "event": "◆"}


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


class DocLabels(Widget):
    """The article's document labels with the keys that toggle them (tagging pane focused)."""

    DEFAULT_CSS = """
    DocLabels { height: auto; max-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.labels: list[tuple[str, str | None, str]] = []  # (name, key, title)
        self.active: set[str] = set()

    def show(self, labels: list[tuple[str, str | None, str]], active: set[str]) -> None:
        self.labels, self.active = labels, set(active)
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        text = Text()
        for name, key, _title in self.labels:
            on = name in self.active
            text.append(f"[{key or ' '}]", style="bold cyan" if on else "dim")
            text.append(f"{name} ", style="bold reverse" if on else "dim")
        return text

    def get_content_height(self, container, viewport, width: int) -> int:
        length = sum(len(n) + 4 for n, _k, _t in self.labels)
        return max(1, -(-length // max(1, width)))


class TagList(OptionList):
    """The article's annotations in reading order. Moving here moves the reader; keys of
    the document labels toggle them while this list has focus."""

    BINDINGS = [
        Binding("delete,backspace", "remove", "Remove", show=False),
    ]

    class Moved(Message):
        def __init__(self, item: PaneItem) -> None:
            super().__init__()
            self.item = item

    class Remove(Message):
        def __init__(self, item: PaneItem) -> None:
            super().__init__()
            self.item = item

    class ToggleDocLabel(Message):
        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[PaneItem] = []
        self.doc_label_keys: dict[str, str] = {}
        self._quiet = False

    def show(self, items: list[PaneItem]) -> None:
        keep = self.highlighted
        self._quiet = True
        self.items = items
        self.clear_options()
        width = max(10, self.size.width - 12) if self.size.width else 20
        for item in items:
            prompt = Text()
            prompt.append(f"{KIND_MARK.get(item.kind, '·')} ", style=item.colour)
            prompt.append(f"{item.label:<7}", style=f"bold {item.colour}")
            prompt.append(visual_line(item.text, width))
            if item.detail:
                prompt.append("\n   ")
                prompt.append(visual_line(item.detail, width + 8), style="dim")
            self.add_option(Option(prompt, id=f"{item.kind}:{item.id}"))
        if items and keep is not None:
            self.highlighted = min(keep, len(items) - 1)
        self._quiet = False

    def select_offset(self, start: int, end: int) -> None:
        """Highlight the innermost annotation under the reader's cursor, quietly."""
        best: int | None = None
        best_length = 0
        for index, item in enumerate(self.items):
            length = item.end - item.start
            if item.start < end and start < item.end and (best is None or length < best_length):
                best, best_length = index, length
        if best is not None and best != self.highlighted:
            self._quiet = True
            self.highlighted = best
            self._quiet = False

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._quiet or event.option_index >= len(self.items) or not self.has_focus:
            return
        self.post_message(self.Moved(self.items[event.option_index]))

    def on_key(self, event) -> None:
        label = self.doc_label_keys.get(event.character or "")
        if label is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.ToggleDocLabel(label))

    def action_remove(self) -> None:
        if self.highlighted is not None and self.highlighted < len(self.items):
            self.post_message(self.Remove(self.items[self.highlighted]))


class SidePane(Vertical):
    """Metadata card of the open article plus the cursor target."""

    DEFAULT_CSS = """
    SidePane { padding: 0 1; }
    SidePane > ArticleCard { height: auto; max-height: 14; }
    SidePane > TagList { height: 1fr; border: none; padding: 0; }
    SidePane > TagList:focus { background: $boost; }
    """

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bidi = bidi

    def compose(self):
        yield ArticleCard(bidi=self.bidi)
        yield TargetCard(bidi=self.bidi)
        yield DocLabels()
        yield TagList()

    def show_article(self, meta: dict[str, Any]) -> None:
        self.query_one(ArticleCard).show(meta)
        self.query_one(TargetCard).clear()

    def show_target(self, start: int, end: int, text: str, *, selection: bool) -> None:
        self.query_one(TargetCard).show(start, end, text, selection=selection)

    def show_annotations(self, items: list[PaneItem], labels, active: set[str]) -> None:
        self.query_one(TagList).show(items)
        self.query_one(DocLabels).show(labels, active)

"""The side pane: what is known of the open article and of the word under the cursor.

It starts as the article's metadata card and grows into the tagging pane (annotations in
reading order) in the annotation work. Every Arabic string goes through VisualText.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tui.rtl.glyphs import printable
from tui.rtl.visual_text import VisualText, visual_line
from tui.services.article_session import PaneItem

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
                    else Text(printable(str(value)))
                )
                table.add_row(label, cell)
        parts.append(table)
        for notice in meta.get("notices", []):
            parts.append(Text(printable(notice), style="bold yellow"))
        return Group(*parts)


TARGET_SPAN_ROWS = 4  # rows for the spans under the cursor; more are counted


def spans_under(items: list[PaneItem], start: int, end: int) -> list[PaneItem]:
    """The annotations overlapping [start, end), outermost first (as they nest)."""
    found = [i for i in items if i.start < max(end, start + 1) and start < i.end]
    found.sort(key=lambda i: (i.start, -(i.end - i.start)))
    return found


def span_line(item: PaneItem) -> Text:
    """One annotation under the cursor: its kind mark and label in the label's colour,
    then what an annotator needs to trust it: status and origin, or the note/roles."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{KIND_MARK.get(item.kind, '·')} ", style=item.colour)
    line.append(f"{item.label:<6} ", style=f"bold {item.colour}")
    if item.kind in ("entity", "suggestion"):
        line.append(item.status or ("pending" if item.kind == "suggestion" else "accepted"))
        # Who: the annotator where recorded ("by ana"); the origin where it is not a
        # person's own span (gazetteer, an import, propagation).
        source = [printable(item.origin)] if item.origin and item.origin != "human" else []
        if item.annotator:
            source.append(f"by {printable(item.annotator)}")
        elif not source and item.origin:
            source.append(printable(item.origin))
        if source:
            line.append(f" {' '.join(source)}", style="dim")
        if item.detail and item.kind == "entity":
            line.append(f" · {visual_line(item.detail, 30)}", style="dim")
        if item.text:
            line.append(f" «{visual_line(item.text, 16)}»", style="dim")
    else:
        kind = {"highlight": "highlight", "event": "event"}.get(item.kind, item.kind)
        line.append(kind)
        if item.detail:
            line.append(f" · {visual_line(item.detail, 30)}", style="dim")
    return line


class TargetCard(Widget):
    """The word or selection under the cursor and every annotation on it (label, status,
    origin). Fixed height, so following the cursor only repaints these few lines instead
    of re-laying out the screen on every keypress."""

    DEFAULT_CSS = f"""
    TargetCard {{ height: 5; }}
    TargetCard.-shown {{ height: {3 + TARGET_SPAN_ROWS}; }}
    """

    def __init__(self, *, bidi: str = "app", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bidi = bidi
        self._target: tuple[int, int, str, bool] | None = None
        self.spans: list[PaneItem] = []

    def show(self, start: int, end: int, text: str, *, selection: bool,
             spans: list[PaneItem] | None = None) -> None:
        self._target = (start, end, text, selection)
        self.spans = list(spans or [])
        self.set_class(True, "-shown")  # a layout change only the first time
        self.refresh()

    def clear(self) -> None:
        self._target = None
        self.set_class(False, "-shown")
        self.refresh()

    def render(self) -> RenderableType:
        if self._target is None:
            return Text("")
        start, end, text, selection = self._target
        heading = "selection" if selection else "word"
        parts: list[RenderableType] = [
            Text(f"{heading} {start}–{end}", style="dim"),
            VisualText(visual_line(text, 40, mode=self.bidi) if len(text) > 40 else text,
                       "bold", mode=self.bidi),
        ]
        shown = self.spans
        if len(shown) > TARGET_SPAN_ROWS:
            shown = shown[: TARGET_SPAN_ROWS - 1]
        parts.extend(span_line(item) for item in shown)
        if len(shown) < len(self.spans):
            parts.append(Text(f"+{len(self.spans) - len(shown)} more", style="dim"))
        if not self.spans:
            parts.append(Text("no annotation here", style="dim italic"))
        return Group(*parts)


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


class TagList(ScrollView, can_focus=True):
    """The article's annotations in reading order, one row each, drawn on the Line API so
    an article with thousands of annotations opens and updates at once. Moving here moves
    the reader; the document labels' keys toggle them while this list has focus."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Next annotation", show=False),
        Binding("up,k", "move(-1)", "Previous annotation", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("delete,backspace", "remove", "Remove annotation"),
    ]

    COMPONENT_CLASSES = {"tag-list--cursor", "tag-list--detail"}

    DEFAULT_CSS = """
    TagList > .tag-list--cursor { background: $accent 30%; }
    TagList:focus > .tag-list--cursor { background: $accent 70%; }
    TagList > .tag-list--detail { color: $text-muted; }
    """

    # Each message names the article whose items it is about (``article_id``): one still
    # queued when another article opens is stale, and the screen drops it.
    class Moved(Message):
        def __init__(self, item: PaneItem, article_id: str | None = None) -> None:
            super().__init__()
            self.item = item
            self.article_id = article_id

    class Remove(Message):
        def __init__(self, item: PaneItem, article_id: str | None = None) -> None:
            super().__init__()
            self.item = item
            self.article_id = article_id

    class ToggleDocLabel(Message):
        def __init__(self, label: str, article_id: str | None = None) -> None:
            super().__init__()
            self.label = label
            self.article_id = article_id

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[PaneItem] = []
        self.article_id: str | None = None  # whose annotations ``items`` are
        self.doc_label_keys: dict[str, str] = {}
        self.highlighted: int | None = None
        self._cache: LRUCache[tuple, Strip] = LRUCache(256)
        self._version = 0
        self._base: Style | None = None  # the base style during one repaint

    def show(self, items: list[PaneItem], article_id: str | None = None) -> None:
        self.items = items
        self.article_id = article_id
        self._version += 1
        self._cache.clear()
        if not items:
            self.highlighted = None
        elif self.highlighted is not None:
            self.highlighted = min(self.highlighted, len(items) - 1)
        # Rows are cropped to the pane, never scrolled sideways: a virtual width of 0 keeps
        # the virtual size the same whatever the pane's width (no relayout on a resize).
        self.virtual_size = Size(0, len(items))
        self.refresh()

    def on_resize(self) -> None:
        self._cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The base style walks every ancestor's styles: once per repaint, not per line.
        self._base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.items):
            return Strip.blank(width, self._base or self.rich_style)
        selected = index == self.highlighted
        key = (index, width, selected, self.has_focus, self._version)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(self.items[index], width, selected)
            self._cache[key] = strip
        return strip

    def _draw(self, item: PaneItem, width: int, selected: bool) -> Strip:
        base = self._base or self.rich_style
        if selected:
            base = base + self.get_component_rich_style("tag-list--cursor")
        detail_style = base + self.get_component_rich_style("tag-list--detail")
        head = f"{KIND_MARK.get(item.kind, '·')} {item.label:<7} "
        text_width = max(4, min(width - len(head) - 1, 24))
        shown = visual_line(item.text, text_width)
        segments = [
            Segment(head[:2], base + Style(color=item.colour)),
            Segment(head[2:], base + Style(color=item.colour, bold=True)),
            Segment(shown, base),
        ]
        used = len(head) + cell_len(shown)
        if item.detail and used + 3 < width:
            detail = "  " + visual_line(item.detail, width - used - 2)
            segments.append(Segment(detail, detail_style))
            used += cell_len(detail)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, max(width, used)).crop(0, width)

    # ------------------------------------------------------------------ cursor
    def _set(self, index: int | None, *, announce: bool) -> None:
        if index is not None and self.items:
            index = max(0, min(index, len(self.items) - 1))
        old = self.highlighted
        self.highlighted = index
        for row in (old, index):
            if row is not None:
                self.refresh_line(row)
        if index is not None:
            top, height = self.scroll_offset.y, self.scrollable_content_region.height
            if index < top:
                self.scroll_to(y=index, animate=False, immediate=True)
            elif index >= top + height:
                self.scroll_to(y=index - height + 1, animate=False, immediate=True)
            if announce and index != old:
                self.post_message(self.Moved(self.items[index], self.article_id))

    def select_offset(self, start: int, end: int) -> None:
        """Follow the reader's cursor, quietly: highlight the innermost annotation under
        it; with none there, no row is highlighted (a highlight left on a span the cursor
        has left says the wrong thing) and the list scrolls to the next annotation."""
        best: int | None = None
        best_length = 0
        following: int | None = None
        for index, item in enumerate(self.items):
            if item.start >= end:
                following = index
                break
            length = item.end - item.start
            if start < item.end and (best is None or length < best_length):
                best, best_length = index, length
        if best is not None:
            if best != self.highlighted:
                self._set(best, announce=False)
            return
        if self.highlighted is not None:
            old, self.highlighted = self.highlighted, None
            self.refresh_line(old)
        if following is not None:
            top, height = self.scroll_offset.y, self.scrollable_content_region.height
            if not top <= following < top + height:
                self.scroll_to(y=max(0, following - height // 2), animate=False,
                               immediate=True)

    def action_move(self, delta: int) -> None:
        if self.items:
            current = self.highlighted if self.highlighted is not None else -1
            self._set(current + delta, announce=True)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, direction: int) -> None:
        if self.items:
            self._set(0 if direction < 0 else len(self.items) - 1, announce=True)

    def on_click(self, event) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.items):
            self.focus()
            self._set(index, announce=True)

    def on_key(self, event) -> None:
        label = self.doc_label_keys.get(event.character or "")
        if label is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.ToggleDocLabel(label, self.article_id))

    def action_remove(self) -> None:
        if self.highlighted is not None and self.highlighted < len(self.items):
            self.post_message(self.Remove(self.items[self.highlighted], self.article_id))


class SidePane(Vertical):
    """Metadata card of the open article plus the cursor target."""

    DEFAULT_CSS = """
    SidePane { padding: 0 1; }
    SidePane > ArticleCard { height: auto; max-height: 14; }
    SidePane > TagList { height: 1fr; scrollbar-size-vertical: 1; }
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
        """The cursor's word or selection, with the annotations on it (from the tagging
        pane's items, which are the article's annotations in reading order)."""
        items = spans_under(self.query_one(TagList).items, start, end)
        self.query_one(TargetCard).show(start, end, text, selection=selection, spans=items)

    def show_annotations(self, items: list[PaneItem], labels, active: set[str],
                         article_id: str | None = None) -> None:
        self.query_one(TagList).show(items, article_id)
        self.query_one(DocLabels).show(labels, active)
        card = self.query_one(TargetCard)
        if card._target is not None:  # a label just applied shows under the cursor at once
            start, end, text, selection = card._target
            card.show(start, end, text, selection=selection,
                      spans=spans_under(items, start, end))
            tags = self.query_one(TagList)
            if not tags.has_focus:
                tags.select_offset(start, end)

"""The schema's guidelines in the app: what each label covers and what stays outside it.

The descriptions are written in the schema file ("titles stay outside the span",
"nationality adjectives are O"); an annotator deciding a boundary reads them here (``G`` in
the reader, or the command palette) instead of in a file beside the terminal. Mixed Latin
and Arabic text goes through the RTL layout engine (VisualText).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.schema import Schema
from tui.rtl.layout import BaseDirection
from tui.rtl.visual_text import VisualText, visual_line
from tui.screens.modal import WarraqModal


def _prose(text: str) -> Padding:
    """A description: mixed Latin and Arabic laid out by the RTL engine, indented."""
    return Padding(VisualText(text.strip(), base=BaseDirection.LTR, align_rtl=False),
                   (0, 0, 0, 3))


def guideline_renderables(schema: Schema) -> list[RenderableType]:
    """Entity labels with keys and descriptions, document labels, event roles with the
    entity labels that fit them, and the event attributes."""
    parts: list[RenderableType] = [Text("Entity labels", style="bold underline")]
    for kind in schema.entity_types:
        head = Text()
        head.append(f"{kind.key or ' '} ", style="bold cyan")
        head.append(f"{kind.name:<7}", style=f"bold {kind.colour}")
        head.append(kind.title)
        if kind.title_ar:
            head.append(f"  {visual_line(kind.title_ar, 20)}", style="dim")
        body = _prose("   " + kind.description) if kind.description else Text("")
        parts.append(Group(head, body))
    if schema.doc_labels:
        parts.append(Text("\nDocument labels (keys in the tagging pane)",
                          style="bold underline"))
        for doc in schema.doc_labels:
            line = Text()
            line.append(f"{doc.key or ' '} ", style="bold cyan")
            line.append(f"{doc.name:<14}", style="bold")
            line.append(doc.title)
            parts.append(line)
            if doc.description:
                parts.append(_prose("   " + doc.description))
    if schema.role_types:
        parts.append(Text("\nEvent roles and the labels that fill them",
                          style="bold underline"))
        table = Table.grid(padding=(0, 2))
        for role, labels in schema.role_types.items():
            table.add_row(Text(role, style="bold"), ", ".join(labels))
        parts.append(table)
    if schema.attributes:
        parts.append(Text("\nEvent attributes", style="bold underline"))
        for name, attribute in schema.attributes.items():
            line = Text()
            line.append(f"{name:<10}", style="bold")
            line.append(" / ".join(attribute.values), style="dim")
            parts.append(line)
            if attribute.description:
                parts.append(_prose("   " + attribute.description))
    return parts


class GuidelineScreen(WarraqModal[None]):
    """The schema's annotation guidelines; esc closes."""

    BINDINGS = [Binding("escape,G,q", "close", "Close")]

    DEFAULT_CSS = """
    GuidelineScreen { align: center middle; }
    GuidelineScreen > VerticalScroll {
        width: 90; max-width: 95%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        self.schema = schema

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Guidelines · {self.schema.name}"
            yield Static(Group(*guideline_renderables(self.schema)))
            yield Static(Text("\nEsc closes. The schema file is where these are written.",
                              style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""``?``: every key of the pane that has focus, then the keys that work everywhere.

Built from the widgets' own BINDINGS, so the help can never drift from what the keys do.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.screens.modal import WarraqModal
from tui.widgets.key_hints import KEY_NAMES


def _key_label(keys: str) -> str:
    labels = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        labels.append("+".join(KEY_NAMES.get(p, p) for p in parts))
    return " / ".join(labels)


def _bindings_of(cls: type) -> list[Binding]:
    """The bindings that answer each key, most specific class first: a key a subclass
    rebinds (``↓`` moving the list cursor instead of scrolling) shows only once."""
    found: list[Binding] = []
    taken: set[str] = set()
    for klass in cls.__mro__:
        for item in klass.__dict__.get("BINDINGS", []):
            binding = _as_binding(item)
            keys = [k.strip() for k in binding.key.split(",") if k.strip() not in taken]
            if not keys:
                continue
            taken.update(keys)
            found.append(Binding(",".join(keys), binding.action, binding.description,
                                 show=binding.show))
    return found


def _as_binding(item: BindingType) -> Binding:
    if isinstance(item, Binding):
        return item
    key, action, description = [*list(item), "", ""][:3]
    return Binding(key, action, description)


def _table(title: str, bindings: Iterable[Binding],
           descriptions: dict[str, str] | None = None) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None, expand=True)
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    seen: set[str] = set()
    for binding in bindings:
        label = _key_label(binding.key)
        description = (descriptions or {}).get(binding.action, binding.description)
        if label in seen or not description:
            continue
        seen.add(label)
        table.add_row(label, description)
    return table


def pane_name(widget: Widget | None) -> str:
    if widget is None:
        return "screen"
    names = {"ArticleList": "article list", "Reader": "reader", "Input": "search box"}
    return names.get(type(widget).__name__, type(widget).__name__)


class HelpScreen(WarraqModal[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 95%; height: 85%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, focused: Widget | None, extra: list[tuple[str, str]] | None = None,
                 descriptions: dict[str, str] | None = None):
        super().__init__()
        self.focused_widget = focused
        self.extra = extra or []
        # Action → description where the schema decides what a key does (digit labels).
        self.descriptions = descriptions or {}

    def compose(self) -> ComposeResult:
        pane = pane_name(self.focused_widget)
        with VerticalScroll():
            if self.focused_widget is not None:
                yield Static(_table(f"Keys in the {pane}", _bindings_of(type(self.focused_widget)),
                                    self.descriptions))
                yield Static("")
            screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
            global_bindings = list(_bindings_of(type(self.app)))
            if screen is not None:
                global_bindings += _bindings_of(type(screen))
            yield Static(_table("Keys everywhere", global_bindings))
            if self.extra:
                yield Static("")
                table = _table("Also", [Binding(k, "noop", d) for k, d in self.extra])
                yield Static(table)
            yield Static(Text("\nEsc closes this help.", style="dim"))

"""The bottom line of key hints: the shown bindings of the focused pane, screen and app.

A single line drawn as text instead of Textual's Footer, which builds and styles one widget
per key and rebuilds them on every focus change (about 150 ms at start-up here); this one
redraws one line when the bindings change.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.screens.help_screen import KEY_NAMES


def key_label(key: str) -> str:
    first = key.split(",")[0].strip()
    return "+".join(KEY_NAMES.get(part, part) for part in first.split("+"))


class KeyHints(Widget):
    DEFAULT_CSS = """
    KeyHints { height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            text.append(f" {binding.key_display or key_label(binding.key)} ",
                        style="bold" if active.enabled else "dim")
            text.append(binding.description, style="" if active.enabled else "dim")
            text.append(" ")
        return text

"""The bottom line of key hints: the shown bindings of the focused pane, screen and app.

A single line drawn as text instead of Textual's Footer, which builds and styles one widget
per key and rebuilds them on every focus change (about 150 ms at start-up here); this one
redraws one line when the bindings change.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

# Readable names of Textual's key names, for the hints and the help screen.
KEY_NAMES = {
    "left": "←", "right": "→", "up": "↑", "down": "↓", "pageup": "PgUp", "pagedown": "PgDn",
    "question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter", "space": "Space",
    "left_square_bracket": "[", "right_square_bracket": "]", "delete": "Del", "tab": "Tab",
    "left_curly_bracket": "{", "right_curly_bracket": "}", "full_stop": ".", "comma": ",",
    "backspace": "Backspace",
}


def key_label(key: str) -> str:
    first = key.split(",")[0].strip()
    return "+".join(KEY_NAMES.get(part, part) for part in first.split("+"))


class KeyHints(Widget):
    DEFAULT_CSS = """
    KeyHints { height: 1; background: $footer-background; color: $footer-foreground; }
    """

    _shown: tuple[tuple[str, str, bool], ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen) -> None:
        # Bindings are announced on every focus change, mostly the same ones: repaint
        # only when the line would change.
        if self._hints() != self._shown:
            self.refresh()

    def _hints(self) -> tuple[tuple[str, str, bool], ...]:
        hints = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append((binding.key_display or key_label(binding.key), binding.description,
                          active.enabled))
        return tuple(hints)

    def render(self) -> Text:
        self._shown = hints = self._hints()
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, description, enabled in hints:
            text.append(f" {key} ", style="bold" if enabled else "dim")
            text.append(description, style="" if enabled else "dim")
            text.append(" ")
        return text

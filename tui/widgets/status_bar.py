"""One line at the bottom: where annotations go, who makes them, and whether it is saved."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    store: reactive[str] = reactive("")
    annotator: reactive[str] = reactive("")
    read_only: reactive[str | None] = reactive(None)
    saved: reactive[str] = reactive("")
    info: reactive[str] = reactive("")
    model: reactive[str] = reactive("")  # the learning suggester: "model@3 F1 0.82"
    mode: reactive[str] = reactive("")  # a pane whose letters mean something else
    queue: reactive[str] = reactive("")  # a team store's own queue: "queue 3/12 done"

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.mode:
            text.append(f"{self.mode}  ", style="bold reverse")
        if self.read_only:
            # The store's reason starts "Read-only: …"; say it once.
            reason = self.read_only.removeprefix("Read-only: ").removeprefix("Read-only ")
            text.append(f"READ-ONLY: {reason}  ", style="bold yellow")
        text.append("store ", style="dim")
        text.append(self.store or "—")
        text.append("  annotator ", style="dim")
        text.append(self.annotator or "—")
        if self.queue:
            text.append("  ")
            text.append(self.queue, style="bold")
        if self.saved:
            text.append("  ")
            text.append(self.saved, style="green")
        if self.model:
            text.append("  ")
            text.append(self.model, style="cyan")
        if self.info:
            text.append("  ")
            text.append(self.info, style="dim")
        return text

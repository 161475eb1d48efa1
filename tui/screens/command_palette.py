"""The command palette (ctrl+p) with its query drawn as the rest of the app draws Arabic.

Textual's palette types into a plain ``Input``, which shows an Arabic query unshaped and left
to right (issue 14, item 11), while the list search, the pickers' filters and the note field
show it shaped and right to left (``tui.widgets.search_input.SearchInput``). Here the
palette's input is a ``SearchInput`` that is also a ``CommandInput``: the palette finds it,
styles it and reads its value as its own; only the drawing and the arrows change. The
commands, their matching and their results are Textual's and ``tui.commands``'.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.command import CommandInput, CommandList, CommandPalette, SearchIcon
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, LoadingIndicator

from tui.widgets.search_input import SearchInput


class ShapedCommandInput(CommandInput, SearchInput):
    """The palette's query field, shaped and right-to-left when the query is Arabic.

    ``CommandInput`` first: Textual's CSS type names follow the first base, so the
    palette's ``query_one(CommandInput)`` and its styles find this field; ``CommandInput``
    adds only styles, so the drawing and the arrows are still ``SearchInput``'s."""


class WarraqCommandPalette(CommandPalette):
    """Textual's command palette with ``ShapedCommandInput`` as its query field.

    The layout (ids, order) is the one Textual's palette styles; only the input's class
    differs."""

    def compose(self) -> ComposeResult:
        with Vertical(id="--container"):
            with Horizontal(id="--input"):
                yield SearchIcon()
                yield ShapedCommandInput(placeholder=self._placeholder, select_on_focus=False)
                if not self.run_on_select:
                    yield Button("\u25b6")
            with Vertical(id="--results"):
                yield CommandList()
                yield LoadingIndicator()

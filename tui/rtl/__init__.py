"""The right-to-left layout engine: Arabic text to terminal cells, with no Textual import.

Pure functions and small records that the app, ``warraq render`` and the tests share:
bidi resolution (``bidi``), contextual shaping (``shaping``), line breaking and reordering of
one paragraph (``layout``), a whole article as rows (``document``), visible signs for
controls (``glyphs``), Rich renderables of laid-out text (``visual_text``), plain/ANSI lines
for the CLI (``render``) and what to tell the terminal about its own bidi (``terminal``).
Nothing here imports the app, the CLI or the store.

The names below are the engine's public face; they load on first use, so a command that
needs only ``glyphs`` does not pay for the layout tables.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "BaseDirection": "layout",
    "VisualLine": "layout",
    "article_direction": "layout",
    "layout_paragraph": "layout",
    "line_breaks": "layout",
    "DocumentLayout": "document",
    "render_lines": "render",
    "bidi_mode": "terminal",
    "printable": "glyphs",
    "warn": "glyphs",
    "VisualText": "visual_text",
    "visual_line": "visual_text",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.rtl' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tui.rtl.{module}"), name)

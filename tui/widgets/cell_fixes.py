"""Frames as kitty or alacritty must receive them: ``tui.rtl.cell_fixes`` over Textual's
compositor updates (whole rows, or the changed pieces of rows), cell count unchanged."""

from __future__ import annotations

from typing import Any

from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import Strip

from tui.rtl.cell_fixes import fix_segments, isolate_segments

# ``--bidi terminal``: each pane's piece of a row isolated (RLI/FSI … PDI).
ISOLATE = "isolate"


def fixed_strip(strip: Strip, terminal: str) -> Strip:
    if terminal == ISOLATE:
        segments = isolate_segments(list(strip))
    else:
        segments = fix_segments(list(strip), terminal)
    return strip if segments is None else Strip(segments, strip.cell_length)


def fixed_update(update: Any, terminal: str) -> Any:
    """``update`` with every strip fixed for ``terminal``; other renderables unchanged."""
    if isinstance(update, LayoutUpdate):
        lines = [[fixed_strip(strip, terminal) for strip in line] for line in update.strips]
        return LayoutUpdate(lines, update.region)
    if isinstance(update, ChopsUpdate):
        chops = [{x: None if strip is None else fixed_strip(strip, terminal)
                  for x, strip in line.items()} for line in update.chops]
        return ChopsUpdate(chops, update.spans, update.chop_ends)
    return update

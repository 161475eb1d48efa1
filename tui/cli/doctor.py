"""``warraq doctor``: what Warraq makes of this terminal, and a line to check it by eye.

Prints the terminal and multiplexer named by the environment, the bidi mode and why, the
bytes sent around the app, any warning, and a test line (Arabic with harakat, lam-alef,
digits, Latin and «») laid out by the same engine as the reader, to compare with README's
reference picture.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from contextlib import nullcontext

from tui.cli.options import add_layout_options, resolve_bidi
from tui.cli.output import is_terminal

TEST_LINE = "قالَ المراسلُ «لا» في 2024 عبر BBC: بالأمسِ."

MODE_WHY = {
    "app": "Warraq shapes and reorders Arabic itself; the terminal is told to draw cells as "
    "they come",
    "terminal": "Warraq sends logical, unshaped text; the terminal does its own bidi",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor",
        help="show what Warraq detects about this terminal, with a test line",
        description="Print the detected terminal and multiplexer, the bidi mode and why, "
        "and a test line laid out as the reader would (compare it with README's picture).",
    )
    parser.add_argument("--width", type=int, default=None, help="columns (default: terminal)")
    add_layout_options(parser)
    parser.set_defaults(run=run_doctor)


def shown(sequence: str) -> str:
    """Escape sequences spelled out (``ESC [8l``), so printing them changes nothing."""
    if not sequence:
        return "nothing"
    return sequence.replace("\x1b", "ESC ").replace("\x07", " BEL").replace("ESC \\", "ESC\\")


def report(mode: str | None, env: dict[str, str] | os._Environ[str]) -> list[str]:
    """The doctor's lines before the test line, from ``env`` (pure, for the tests);
    ``mode`` is ``--bidi`` as given (None or "auto": chosen for the terminal)."""
    from tui.rtl.terminals import choose_mode, detect

    found = detect(env)
    mode, why = choose_mode(mode, found, env)
    profile = found.profile
    source = f" (from {found.source})" if found.source else ""
    lines = [f"terminal:    {profile.label}{source}: {profile.why}"]
    if found.multiplexer == "tmux":
        lines.append("multiplexer: tmux (sequences wrapped for passthrough to the outer "
                     "terminal; allow-passthrough set on this pane)")
    elif found.multiplexer == "screen":
        lines.append("multiplexer: GNU screen (sequences passed to the outer terminal)")
    else:
        lines.append("multiplexer: none")
    lines.append(f"mode:        {mode} ({why}): {MODE_WHY[mode]}")
    if mode == "app":
        lines.append(f"on start:    {shown(found.start_bytes)}")
        lines.append(f"on exit:     {shown(found.exit_bytes)}")
    else:
        lines.append("on start:    nothing (the terminal keeps its own bidi)")
    warning = found.bidi_warning(mode)
    if warning:
        lines.append(f"warning:     {warning}")
    if found.profile.caveat:
        lines.append(f"known:       {found.profile.caveat}")
    return lines


def run_doctor(args: argparse.Namespace) -> int:
    from tui.rtl.cell_fixes import fix_lines
    from tui.rtl.glyphs import printable
    from tui.rtl.layout import BaseDirection
    from tui.rtl.render import render_lines
    from tui.rtl.terminal import bidi_mode

    out = sys.stdout

    def out_line(message: str) -> None:  # the notice after the test line, on stdout
        after.append(message)

    after: list[str] = []
    requested = args.bidi
    _mode, _why, detected = resolve_bidi(args)  # may ask the terminal who it is
    for line in report(requested, os.environ):
        out.write(printable(line) + "\n")
    fix_for = detected.name if is_terminal(out) and args.bidi == "app" else ""
    width = args.width or (shutil.get_terminal_size((80, 24)).columns if is_terminal(out)
                           else 80)
    base = BaseDirection(args.direction) if args.direction else None
    out.write("test line (compare with README):\n")
    out.flush()
    # The test line is drawn as the app would draw it, in the profile's state (restored after
    # where restoring does not redraw it reversed).
    options = {"warn": out_line, "keep_output": True}
    with bidi_mode(args.bidi, out, **options) if is_terminal(out) else nullcontext():
        lines = render_lines(TEST_LINE, max(width, 1), base=base, mode=args.bidi)
        for line in fix_lines(lines, fix_for):
            out.write(line + "\n")
        out.flush()
    for message in after:
        out.write(printable(f"note:        {message}") + "\n")
    return 0

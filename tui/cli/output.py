"""What the command line writes where a person may be watching: one place that decides when
text from data is shown through signs, when colour is allowed, and how argparse echoes argv.

Article text, annotator names, suggestion sources, ids and file names all come from files
anyone can write (a corpus, an import, a store under git). Written raw to a terminal, an ESC
or C1 byte retitles or clears the screen and a bidi override reorders what follows, so
everything a command prints to a terminal goes through ``tui.rtl.glyphs`` signs. Data written
to a file or a pipe is left byte-for-byte as stored: it is data for another program, not a
screen.

Light on purpose (Rich loads only inside :func:`console_for`), since ``--help`` and every
subcommand's parser import it.
"""

from __future__ import annotations

import argparse
import io
import os
from collections.abc import Mapping
from typing import IO, Any, NoReturn

from tui.rtl.glyphs import visible_text

#: Layout characters a terminal only moves the cursor forward for; everything else that is
#: not printable (CR included: it lets later text overwrite a line) is shown as its sign.
_KEPT = frozenset("\n\t")


def plain_terminal(environ: Mapping[str, str] | None = None) -> bool:
    """True when the user asked for no colour (NO_COLOR, https://no-color.org) or the
    terminal cannot take escape sequences at all (TERM=dumb)."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or env.get("TERM", "") == "dumb"


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal (a stream without ``isatty`` is treated as a file)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # closed or detached
        return False


def use_color(stream: Any) -> bool:
    """Colour and other escape sequences of our own: only to a terminal that wants them."""
    return is_terminal(stream) and not plain_terminal()


def safe_lines(text: str) -> str:
    """``text`` with every control shown as its sign except newlines and tabs, so multi-line
    data (an exported article, argparse's usage) keeps its lines on a terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch in _KEPT else visible_text(ch) for ch in text)


class TerminalSafeStream(io.TextIOBase):
    """A text stream in front of a terminal that shows each control as its sign.

    ``warraq export`` without ``--out`` writes through this when stdout is a terminal; the
    format writers stay unaware of where their output goes.
    """

    def __init__(self, raw: IO[str]) -> None:
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._raw.write(safe_lines(text))
        return len(text)

    def flush(self) -> None:
        self._raw.flush()

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._raw.fileno()


def for_terminal(stream: IO[str]) -> IO[str]:
    """``stream`` itself when it is a file or a pipe, a sign-showing wrapper on a terminal."""
    if is_terminal(stream):
        return TerminalSafeStream(stream)  # type: ignore[return-value]
    return stream


def say(message: object, stream: IO[str] | None = None) -> None:
    """One line of a command's normal output (stdout) with any control in it as its sign;
    such lines name stores, sources and ids that come from files."""
    import sys

    print(safe_lines(str(message).replace("\n", " ")), file=stream or sys.stdout)


def console_for(stream: IO[str]) -> Any:
    """A Rich console on ``stream``: colour only where :func:`use_color` allows it, and no
    markup, emoji codes or highlighting read into strings (renderables are built from data).
    """
    from rich.console import Console

    return Console(file=stream, highlight=False, markup=False, emoji=False,
                   color_system="auto" if use_color(stream) else None)


class SafeArgumentParser(argparse.ArgumentParser):
    """argparse whose error lines show controls as signs: ``invalid choice: '…'`` and
    ``unrecognized arguments: …`` echo argv, and argv holds file names anyone can choose.
    Subparsers are made of the same class (argparse uses the parent's type)."""

    def error(self, message: str) -> NoReturn:
        super().error(safe_lines(message))

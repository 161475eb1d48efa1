"""Asking the terminal who it is, when the environment does not say (over ssh, or from a
terminal that sets no variable of its own).

Two queries, sent together: XTVERSION (``CSI > 0 q``), answered with a name and version by
xterm, kitty, mlterm, foot, WezTerm and others (``DCS > | kitty(0.26.5) ST``), and DA2
(``CSI > c``), which nearly every terminal answers (``CSI > 65 ; 7000 ; 1 c`` is VTE 0.70),
so the wait ends at its reply instead of at the timeout. A terminal that answers nothing
costs the timeout (0.15 s) once. Never asked inside tmux or screen: the multiplexer would
answer for itself. The answer is kept in the environment so every later detection agrees.
"""

from __future__ import annotations

import os
import re
import select
import time
from collections.abc import Mapping, MutableMapping

ANSWER_VARIABLE = "WARRAQ_TERMINAL_ANSWER"
QUERY = "\x1b[>0q\x1b[>c"

_XTVERSION = re.compile(r"\x1bP>\|([^\x1b]*)\x1b\\")
_DA2 = re.compile(r"\x1b\[>(\d+);(\d+)(?:;\d+)?c")

# XTVERSION names → profile names.
_NAMES = (("kitty", "kitty"), ("xterm", "xterm"), ("mlterm", "mlterm"),
          ("konsole", "konsole"), ("vte", "vte"), ("alacritty", "alacritty"))
# DA2 first parameters that name a family unambiguously.
_DA2_FAMILIES = {"65": "vte", "41": "xterm", "24": "mlterm"}


def parse_answer(reply: str) -> str | None:
    """The profile name a terminal's reply names, or None."""
    match = _XTVERSION.search(reply)
    if match:
        name = match.group(1).lower()
        for needle, profile in _NAMES:
            if needle in name:
                return profile
    match = _DA2.search(reply)
    if match:
        return _DA2_FAMILIES.get(match.group(1))
    return None


def ask_terminal(fd: int, timeout: float = 0.15) -> str:
    """Send the queries to the terminal on ``fd`` and return what came back (raw)."""
    import termios
    import tty

    old = termios.tcgetattr(fd)
    reply = ""
    try:
        tty.setraw(fd, termios.TCSANOW)
        os.write(fd, QUERY.encode())
        deadline = time.monotonic() + timeout
        while not _DA2.search(reply):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            reply += chunk.decode("utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, old)
    return reply


def identify(env: MutableMapping[str, str] | None = None, fd: int | None = None,
             *, needed: bool = True) -> str | None:
    """Ask the terminal once per process tree when ``needed`` (the environment named none);
    the answer lands in ``env`` (default ``os.environ``) for the detection to read."""
    env = os.environ if env is None else env
    if ANSWER_VARIABLE in env:
        return env[ANSWER_VARIABLE] or None
    # WARRAQ_NO_BDSM: leave the terminal alone (the tests, and users who ask).
    if (not needed or _multiplexed(env) or env.get("TERM") in ("dumb", None)
            or env.get("WARRAQ_NO_BDSM") is not None):
        return None
    if fd is None:
        try:
            fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        except OSError:
            return None
        close = True
    else:
        close = False
    try:
        if not os.isatty(fd):
            return None
        name = parse_answer(ask_terminal(fd)) or ""
    except (OSError, ImportError):
        name = ""
    finally:
        if close:
            os.close(fd)
    env[ANSWER_VARIABLE] = name
    return name or None


def _multiplexed(env: Mapping[str, str]) -> bool:
    return bool(env.get("TMUX") or env.get("STY") or env.get("TERM_PROGRAM") == "tmux")

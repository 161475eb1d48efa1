"""Terminal modes Warraq sets around the app and ``warraq render``.

In ``--bidi app`` mode Warraq itself shapes and reorders, so a terminal that also applies
the bidi algorithm would reverse our visual lines again. What stops it depends on the
terminal (``tui.rtl.terminals``: BDSM ``CSI 8 l`` for xterm and VTE, OSC 50 for Konsole,
OSC 5379 for mlterm, wrapped for tmux or screen passthrough); its defaults are put back on
exit — normal, error, SIGTERM or SIGHUP. After SIGKILL nothing can run, and the shell is left
with the terminal's bidi off until ``reset``. Terminals that cannot be made right get their
one-line warning here, once per process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

from tui.rtl.terminals import (
    BDSM_EXPLICIT,
    BDSM_IMPLICIT,
    TMUX_CONF_HINT,
    Detected,
    detect,
)

__all__ = ["BDSM_EXPLICIT", "BDSM_IMPLICIT", "allow_tmux_passthrough", "bidi_mode"]

_warned: set[str] = set()


def _terminal_stream() -> TextIO | None:
    for stream in (sys.__stderr__, sys.__stdout__):
        if stream is not None and stream.isatty():
            return stream
    return None


def _say_once(message: str | None, warn: Callable[[str], None]) -> None:
    if message and message not in _warned:
        _warned.add(message)
        warn(message)


def _default_warn(message: str) -> None:
    from tui.rtl.glyphs import warn

    warn(message)


def allow_tmux_passthrough(env: Mapping[str, str],
                           run: Callable[..., Any] = subprocess.run) -> bool:
    """Turn tmux's ``allow-passthrough`` on for Warraq's own pane (``-p``: other panes keep
    theirs). False when tmux refused or is too old to know the option (before 3.3, which
    passed everything through anyway)."""
    command = ["tmux", "set", "-p"]
    pane = env.get("TMUX_PANE")
    if pane:
        command += ["-t", pane]
    command += ["allow-passthrough", "on"]
    try:
        done = run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=2, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return getattr(done, "returncode", 1) == 0


@contextmanager
def bidi_mode(
    mode: str,
    stream: TextIO | None = None,
    *,
    env: Mapping[str, str] | None = None,
    run: Callable[..., Any] = subprocess.run,
    warn: Callable[[str], None] = _default_warn,
    keep_output: bool = False,
) -> Iterator[Detected]:
    """Put the terminal in the state ``mode`` needs for the block and restore it on any exit.

    ``stream`` is the terminal to talk to (default: stderr or stdout, whichever is a
    terminal); nothing is written when there is none, for ``TERM=dumb``, or when
    ``WARRAQ_NO_BDSM`` is set (the tests). Yields the detected profile.

    ``keep_output`` is for output that stays on screen after Warraq exits (``render``,
    ``doctor``): a terminal whose switch redraws what is already shown (Konsole, mlterm) is
    left switched off, with one line saying how to turn it back on.
    """
    env = os.environ if env is None else env
    detected = detect(env)
    if stream is None:
        stream = _terminal_stream()
    # TERM=dumb takes no escape sequence at all; WARRAQ_NO_BDSM is the tests' (and users')
    # way to leave the terminal alone.
    if stream is None or env.get("WARRAQ_NO_BDSM") is not None or env.get("TERM") == "dumb":
        yield detected
        return
    _say_once(detected.bidi_warning(mode), warn)
    start, finish = (detected.start_bytes, detected.exit_bytes) if mode == "app" else ("", "")
    if start and keep_output and detected.profile.redraws:
        finish = ""
        _say_once(detected.left_off_notice(), warn)
    if start and detected.multiplexer == "tmux" and not allow_tmux_passthrough(env, run):
        _say_once(TMUX_CONF_HINT, warn)
    restored = False

    def restore() -> None:
        nonlocal restored
        if restored or not finish:
            return
        restored = True
        try:
            stream.write(finish)
            stream.flush()
        except (OSError, ValueError):
            pass  # the terminal went away (SIGHUP): nothing left to restore

    if start:
        stream.write(start)
        stream.flush()
    previous = _on_signals(restore) if finish else {}
    try:
        yield detected
    finally:
        restore()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _on_signals(restore: Callable[[], None]) -> dict[int, Any]:
    """Restore the terminal on SIGTERM and SIGHUP, then die of the signal as before.
    Only the main thread may set handlers; elsewhere the ``finally`` is all there is."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        restore()
        old = previous.get(signum, signal.SIG_DFL)
        if callable(old):
            old(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            old = signal.signal(signum, handler)
        except (OSError, ValueError):
            continue
        if old is signal.SIG_IGN:  # ignored on purpose (nohup): leave it so
            signal.signal(signum, old)
            continue
        previous[signum] = old
    return previous

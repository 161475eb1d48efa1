"""Terminal profiles: which emulator Warraq runs in, and what to tell it about its own bidi.

Warraq's ``--bidi app`` mode shapes and reorders Arabic itself, so the terminal must draw the
cells as they come. Terminals disagree on how to be told that (issue 13, each seen in the
real emulator under Xvfb):

- xterm and VTE (GNOME Terminal, xfce4-terminal, Tilix …) honour ECMA-48 BDSM:
  ``CSI 8 l`` turns their implicit bidi off, ``CSI 8 h`` turns it back on;
- Konsole ignores BDSM and has its own switch, ``OSC 50 ; BidiRenderingEnabled=false BEL``;
- mlterm ignores BDSM too; ``OSC 5379 ; use_ctl=false BEL`` turns its layout off;
- kitty and alacritty have no switch that helps, so Warraq says once what goes wrong there.

Inside tmux the sequences would stop at tmux, so each is wrapped for passthrough to the
outer terminal (``ESC P tmux; … ESC \\`` with every ESC inside doubled); inside GNU screen,
in screen's own ``ESC P … ESC \\``. The outer terminal's variables are inherited by the
multiplexer's shells, which is what lets us name it from inside.

Everything here is pure (an environment mapping in, a record out), so the decisions and
the exact bytes are unit-tested; ``tui.rtl.terminal`` does the writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"

BDSM_EXPLICIT = ESC + "[8l"
BDSM_IMPLICIT = ESC + "[8h"
KONSOLE_BIDI_OFF = ESC + "]50;BidiRenderingEnabled=false" + BEL
KONSOLE_BIDI_ON = ESC + "]50;BidiRenderingEnabled=true" + BEL
MLTERM_CTL_OFF = ESC + "]5379;use_ctl=false" + BEL
MLTERM_CTL_ON = ESC + "]5379;use_ctl=true" + BEL

TMUX_CONF_HINT = (
    "tmux did not let Warraq reach the outer terminal; if Arabic looks reversed, add "
    "'set -g allow-passthrough on' to ~/.tmux.conf"
)

# Set by the user to name the terminal when the environment misleads (a terminal started
# from another one inherits that one's variables too).
OVERRIDE_VARIABLE = "WARRAQ_TERMINAL"


@dataclass(frozen=True)
class TerminalProfile:
    """What Warraq knows about one terminal emulator (before any multiplexer).

    ``start``/``exit`` are the raw sequences for ``--bidi app`` (exit restores the
    terminal's default); ``terminal_bidi`` says whether the terminal reorders by itself well
    enough for ``--bidi terminal``; ``warning`` is the one line printed at start for a
    terminal known to draw Arabic wrong whatever Warraq sends.
    """

    name: str
    label: str
    start: tuple[str, ...] = ()
    exit: tuple[str, ...] = ()
    terminal_bidi: bool = False
    warning: str | None = None
    caveat: str = ""  # what is still not perfect, for ``warraq doctor`` and README
    why: str = ""
    # The switch governs how the terminal draws what is already on screen (seen in Konsole
    # and mlterm): restoring it after ``warraq render`` would reverse the printed lines.
    redraws: bool = False
    undo_hint: str = ""
    # ``--bidi auto`` would pick terminal mode (no terminal seen so far earns it).
    prefers_terminal: bool = False


XTERM = TerminalProfile(
    "xterm", "xterm", (BDSM_EXPLICIT,), (BDSM_IMPLICIT,),
    why="honours BDSM: CSI 8 l keeps it from reordering Warraq's visual lines",
)
VTE = TerminalProfile(
    "vte", "VTE (GNOME Terminal, xfce4-terminal, Tilix …)", (BDSM_EXPLICIT,), (BDSM_IMPLICIT,),
    terminal_bidi=True,
    why="honours BDSM: CSI 8 l turns its implicit bidi off",
)
KONSOLE = TerminalProfile(
    "konsole", "Konsole", (KONSOLE_BIDI_OFF,), (KONSOLE_BIDI_ON,), terminal_bidi=True,
    why="ignores BDSM; OSC 50 BidiRenderingEnabled=false turns its own bidi off",
    redraws=True, undo_hint=r"printf '\e]50;BidiRenderingEnabled=true\a'",
)
MLTERM = TerminalProfile(
    "mlterm", "mlterm", (MLTERM_CTL_OFF,), (MLTERM_CTL_ON,),
    why="ignores BDSM; OSC 5379 use_ctl=false turns its own layout off "
    "(it draws bidi isolates as boxes, so --bidi terminal is not for it)",
    redraws=True, undo_hint=r"printf '\e]5379;use_ctl=true\a'",
)
KITTY = TerminalProfile(
    "kitty", "kitty",
    why="has no bidi switch; its shaper lays each Arabic run out right-to-left again, so "
    "Warraq sends those runs reversed (tui.rtl.cell_fixes)",
    caveat="kitty may draw a haraka on a word's last letter, or a second haraka on one "
    "letter, a cell off; letters and order are right",
)
ALACRITTY = TerminalProfile(
    "alacritty", "alacritty",
    why="has no bidi switch; it draws a combining mark one cell right of its cell, so "
    "Warraq attaches each haraka one cell left (tui.rtl.cell_fixes)",
)
# An unknown terminal gets BDSM, as Warraq always sent: terminals that ignore it ignore it.
UNKNOWN = TerminalProfile(
    "unknown", "unknown terminal", (BDSM_EXPLICIT,), (BDSM_IMPLICIT,),
    why="not recognised; CSI 8 l sent in case it honours BDSM",
)

PROFILES: dict[str, TerminalProfile] = {
    p.name: p for p in (XTERM, VTE, KONSOLE, MLTERM, KITTY, ALACRITTY, UNKNOWN)
}


@dataclass(frozen=True)
class Detected:
    """A terminal profile as reached from where Warraq runs: through a multiplexer or not.

    ``start_bytes``/``exit_bytes`` are what to write for ``--bidi app``, already wrapped for
    the multiplexer; ``--bidi terminal`` sends nothing (the terminal keeps its defaults).
    """

    profile: TerminalProfile
    multiplexer: str | None = None  # "tmux", "screen" or None
    source: str = ""  # the variable that named the terminal

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def start_bytes(self) -> str:
        return "".join(self.wrap(seq) for seq in self.profile.start)

    @property
    def exit_bytes(self) -> str:
        return "".join(self.wrap(seq) for seq in self.profile.exit)

    def wrap(self, sequence: str) -> str:
        if self.multiplexer == "tmux":
            return tmux_passthrough(sequence)
        if self.multiplexer == "screen":
            return screen_passthrough(sequence)
        return sequence

    def left_off_notice(self) -> str:
        """What to say when ``warraq render`` leaves a redrawing terminal's switch off."""
        return (f"{self.profile.label}'s own bidi is left off so these lines stay right "
                f"(turning it back on redraws them reversed); {self.profile.undo_hint} "
                "turns it back on")

    def bidi_warning(self, mode: str) -> str | None:
        """The one line to print at start for this terminal in ``mode``, if any."""
        if self.profile.warning:
            return self.profile.warning
        if mode == "terminal" and not self.profile.terminal_bidi:
            return (f"{self.profile.label} does not lay out Arabic itself well enough for "
                    "--bidi terminal; --bidi app is right there")
        return None


def tmux_passthrough(sequence: str) -> str:
    """``sequence`` wrapped so tmux hands it to the outer terminal (tmux's DCS passthrough:
    every ESC inside doubled; needs ``allow-passthrough`` on the pane since tmux 3.3)."""
    return ESC + "Ptmux;" + sequence.replace(ESC, ESC + ESC) + ST


def screen_passthrough(sequence: str) -> str:
    """``sequence`` in a DCS string, which GNU screen passes to the outer terminal as is."""
    return ESC + "P" + sequence + ST


def _emulator(env: Mapping[str, str]) -> tuple[TerminalProfile, str]:
    """The emulator named by the environment, and the variable that named it.

    Terminals with a switch of their own come before xterm and VTE: a terminal started from
    another inherits its variables, and the BDSM pair is harmless to the ones that ignore it.
    Konsole's OSC 50 means "change font" to xterm, so with both Konsole's and xterm's
    variables set the harmless pair wins. ``WARRAQ_TERMINAL`` overrides all of this.
    """
    chosen = env.get(OVERRIDE_VARIABLE, "").strip().lower()
    if chosen in PROFILES:
        return PROFILES[chosen], OVERRIDE_VARIABLE
    term = env.get("TERM", "")
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        return KITTY, "KITTY_WINDOW_ID" if env.get("KITTY_WINDOW_ID") else "TERM"
    if env.get("ALACRITTY_WINDOW_ID") or term == "alacritty":
        return ALACRITTY, "ALACRITTY_WINDOW_ID" if env.get("ALACRITTY_WINDOW_ID") else "TERM"
    if env.get("KONSOLE_VERSION") and not env.get("XTERM_VERSION"):
        return KONSOLE, "KONSOLE_VERSION"
    if env.get("MLTERM") or term.startswith("mlterm"):
        return MLTERM, "MLTERM" if env.get("MLTERM") else "TERM"
    if env.get("VTE_VERSION"):
        return VTE, "VTE_VERSION"
    if env.get("XTERM_VERSION"):
        return XTERM, "XTERM_VERSION"
    answered = env.get("WARRAQ_TERMINAL_ANSWER", "")  # tui.rtl.terminal_query
    if answered in PROFILES:
        return PROFILES[answered], "its answer to XTVERSION/DA2"
    return UNKNOWN, ""


def _multiplexer(env: Mapping[str, str]) -> str | None:
    if env.get("TMUX") or env.get("TERM_PROGRAM") == "tmux":
        return "tmux"
    if env.get("STY"):
        return "screen"
    return None


def detect(env: Mapping[str, str]) -> Detected:
    """The terminal (and multiplexer) Warraq runs in, from ``env`` alone (no query: the
    answer must not wait on a terminal that never replies)."""
    profile, source = _emulator(env)
    return Detected(profile, _multiplexer(env), source)


BIDI_VARIABLE = "WARRAQ_BIDI"
BIDI_MODES = ("auto", "app", "terminal")


def choose_mode(requested: str | None, detected: Detected,
                env: Mapping[str, str]) -> tuple[str, str]:
    """The layout mode to use and why: ``--bidi`` when given, else ``WARRAQ_BIDI``, else
    ``auto``, which picks per profile.

    Every terminal seen so far shows Arabic right in app mode once its own bidi is off (or,
    for kitty and alacritty, with the cell fixes of ``tui.rtl.cell_fixes``), and none keeps
    panes apart in terminal mode as well as that, so auto picks app mode everywhere; a
    profile that one day lays out Arabic better itself sets ``prefers_terminal``.
    """
    source = "--bidi"
    if not requested or requested == "auto":
        from_env = env.get(BIDI_VARIABLE, "").strip().lower()
        if from_env in ("app", "terminal"):
            return from_env, f"{BIDI_VARIABLE}={from_env}"
        requested, source = "auto", "auto"
    if requested in ("app", "terminal"):
        return requested, f"{source} {requested}"
    if detected.profile.prefers_terminal:
        return "terminal", f"auto: {detected.profile.label} lays out Arabic itself"
    how = {"kitty": "its shaper's runs sent reversed",
           "alacritty": "harakat moved onto their letters"}.get(detected.name)
    why = f"auto: Warraq lays out Arabic for {detected.profile.label}"
    return "app", f"{why} ({how})" if how else why

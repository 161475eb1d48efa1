"""The Warraq app: the Textual ``App`` around a :class:`~tui.services.workspace.Workspace`.

The app owns the screen stack, the global keys, the command palette and notifications; what
the session works on (corpus, store, annotator, layout settings) is the workspace, which the
screens read directly, so no screen or widget imports this module.
"""

from __future__ import annotations

import asyncio
import gc
import re
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.commands import WarraqCommands
from tui.rtl.glyphs import printable
from tui.services.workspace import Workspace, open_workspace

NOTICE_WIDTH = 70  # a toast's text width (Toast max-width 80, less its padding)
_ARABIC = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# Arabic words with the spaces and Arabic punctuation between them (one isolated run).
_LETTERS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(f"[{_LETTERS}]+(?:[\\s\u060c\u061b]+[{_LETTERS}]+)*")


def notice_text(message: str, bidi: str) -> str:
    """A message as the notification must draw it. In app mode each run of Arabic words is
    laid out on its own, as if isolated (FSI … PDI), and put back in the Latin sentence: a
    name in «» keeps the numbers after it out of its run (``GPE «موسكو»: 15 suggestions``
    would otherwise read ``GPE «15 :«…`` as the bidi algorithm, browsers included, has it).
    A message that is mostly Arabic is laid out whole, right to left, wrapped here so its
    lines stay in order."""
    if bidi != "app" or not _ARABIC.search(message):
        return message
    from tui.rtl.layout import BaseDirection, article_direction, layout_paragraph
    from tui.rtl.visual_text import visual_lines

    if article_direction(message) == BaseDirection.RTL:
        return "\n".join(line.rstrip() for line in visual_lines(message, NOTICE_WIDTH))

    def isolated(run: re.Match[str]) -> str:
        return "".join(line.text for line in
                       layout_paragraph(run.group(), 10_000, BaseDirection.RTL))

    return _ARABIC_RUN.sub(isolated, message)


class HeldKeys(App[None]):
    """Keys typed faster than the screen answers them are handled one after another.

    People type ahead: ``e meet enter`` in one burst. Textual hands every key of the burst
    to the focused widget at once, before the first one's binding has run; the dialog ``e``
    opens then misses ``meet``, and ``enter`` acts on the reader instead. Here a key is
    handed on only once the previous one has settled (the next frame is drawn) and no dialog
    is still opening (``WarraqModal.ready``); the keys behind it wait, in order. A lone key
    is handed on at once, so typing at a human pace costs nothing.
    """

    HOLD_SECONDS = 1.0  # a dialog that never gets ready must not swallow the keyboard
    SETTLE_SECONDS = 0.02
    # A busy app (an index pulled in, a sort warming) must not slow typing for long.
    SETTLE_MAX_SECONDS = 0.2

    def _held(self) -> list[events.Key]:
        return self.__dict__.setdefault("_held_keys", [])

    def _hold_now(self) -> bool:
        if self.__dict__.get("_key_in_flight"):
            return True
        return getattr(self.screen, "ready", True) is False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            held = self._held()
            if held or self._hold_now():
                if not held:
                    self.set_timer(self.HOLD_SECONDS, self._release_held_keys)
                held.append(event)
                return
            await self._hand_on(event)
            return
        await super().on_event(event)

    async def _hand_on(self, event: events.Key) -> None:
        self._key_in_flight = True
        self._last_hand_on = time.monotonic()
        await super().on_event(event)
        # The key's binding runs when it comes back from the widget, and what it causes (a
        # dialog pushed, the focus moved) takes a few more messages: the next key waits
        # until the process is idle again, as Textual's own test pilot does (only keys
        # typed in a burst ever wait, and at most SETTLE_MAX_SECONDS each).
        task = asyncio.get_running_loop().create_task(self._settle_when_idle())
        self.__dict__.setdefault("_settle_tasks", set()).add(task)
        task.add_done_callback(self.__dict__["_settle_tasks"].discard)

    async def _settle_when_idle(self) -> None:
        from textual._wait import wait_for_idle

        await wait_for_idle(self.SETTLE_SECONDS, self.SETTLE_MAX_SECONDS)
        self.call_later(self._settled)

    async def _settled(self) -> None:
        self._key_in_flight = False
        await self.release_held_keys()

    async def release_held_keys(self, *, force: bool = False) -> None:
        held = self._held()
        if held and (force or not self._hold_now()):
            await self._hand_on(held.pop(0))  # the rest follow, one per settled key

    async def _release_held_keys(self) -> None:
        """The safety valve: keys are forced on only when nothing was handed on for
        HOLD_SECONDS (a dialog that never got ready). A long burst moving along is not
        forced: a key pushed into a dialog still opening went to the wrong widget (the
        last roles of ``e meet enter enter enter ↓ enter ↓ enter`` were lost)."""
        if not self._held():
            return
        quiet = time.monotonic() - self.__dict__.get("_last_hand_on", 0.0)
        if quiet < self.HOLD_SECONDS and self._hold_now():
            self.set_timer(self.HOLD_SECONDS - quiet + 0.01, self._release_held_keys)
            return
        self._key_in_flight = False
        await self.release_held_keys(force=True)
        if self._held():
            self.set_timer(self.HOLD_SECONDS, self._release_held_keys)


class TerminalOutput(HeldKeys):
    """What every Warraq app sends its terminal besides Textual's frames (set by the CLI
    from the detected profile: tui/cli/open_app.configure_terminal)."""

    bidi = "app"
    # The terminal whose cell drawing Warraq compensates for ("kitty", "alacritty",
    # "isolate" for --bidi terminal; see tui.rtl.cell_fixes).
    cell_fix = ""
    # What puts the outer terminal in app mode through tmux or screen: sent again when a
    # client attaches (tmux resizes the pane or gives it focus then), since the terminal
    # attaching may not be the one that got it at start.
    terminal_state = ""

    def _display(self, screen: Screen, renderable: Any) -> None:
        # Every frame reaches the terminal through here: the one place where what kitty's
        # shaper or alacritty's mark placement would move is put where they need it.
        if self.cell_fix and renderable is not None:
            from tui.widgets.cell_fixes import fixed_update

            renderable = fixed_update(renderable, self.cell_fix)
        super()._display(screen, renderable)

    def on_resize(self) -> None:
        self._resend_terminal_state()

    def on_app_focus(self) -> None:
        self._resend_terminal_state()

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's palette with the query drawn shaped and right to left when it
        is Arabic, as every other field of the app (tui/screens/command_palette.py)."""
        from textual.command import CommandPalette

        from tui.screens.command_palette import WarraqCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(WarraqCommandPalette(id="--command-palette"))

    def _resend_terminal_state(self) -> None:
        driver = self._driver
        if self.terminal_state and driver is not None and not self.is_headless:
            driver.write(self.terminal_state)  # queued with the frames: never mid-frame


class WarraqApp(TerminalOutput):
    TITLE = "Warraq"
    SUB_TITLE = "ورّاق"
    # The main screen's styles load with the app's: it is the default screen, which
    # Textual does not load a CSS_PATH for (and one parse of all the CSS is cheaper).
    CSS_PATH = ["warraq.tcss", "screens/main_screen.tcss"]
    COMMANDS = App.COMMANDS | {WarraqCommands}

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace


    # Shorthands for the workspace's most used parts (tests, scripts and the widgets'
    # ``self.app.bidi`` read them here).
    @property
    def corpus(self) -> Any:
        return self.workspace.corpus

    @property
    def store(self) -> Any:
        return self.workspace.store

    @property
    def indexing(self) -> Any:
        return self.workspace.indexing

    @property  # type: ignore[override]
    def bidi(self) -> str:
        return self.workspace.bidi

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        """Every notification passes through here (screens' ``notify`` calls it): messages
        quote file names, ids and errors, so controls in them become visible signs and
        square brackets in them are text, not markup. Arabic inside them (a name in a Latin
        sentence, a title) is laid out by Warraq's own engine like everything else on
        screen: Textual would draw it in logical order, letters unjoined and reversed."""
        kwargs.setdefault("markup", False)
        super().notify(notice_text(printable(str(message)), self.bidi), *args, **kwargs)

    def on_load(self) -> None:
        # Start-up makes tens of thousands of long-lived objects (widgets, styles, caches)
        # and no garbage cycles worth a pass: the cyclic collector is held until the first
        # frame (its passes cost 40 ms here, one of them a full one), then the survivors
        # are frozen out of later passes.
        self._gc_held = gc.isenabled()
        gc.disable()

    def get_default_screen(self) -> Screen:
        # The main screen is the first on the stack: no blank default screen under it to
        # style, lay out and switch away from at start-up.
        from tui.screens.main_screen import MainScreen

        return MainScreen(self.workspace.entries())

    def on_mount(self) -> None:
        self.call_after_refresh(self._started)

    def _started(self) -> None:
        if getattr(self, "_gc_held", False):
            self._gc_held = False
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        # Frozen objects are never collected: hand them back for a process that goes on
        # after the app (tests, an embedding program).
        self._started()
        gc.unfreeze()

    def action_help(self) -> None:
        screen = self.screen
        helper = getattr(screen, "action_help", None)
        if helper is not None:
            helper()


def prepare_app(
    corpus: str | Path | None = None,
    *,
    store_dir: str | None = None,
    schema_path: str | None = None,
    annotator: str | None = None,
    bidi: str = "app",
    direction: str | None = None,
) -> WarraqApp:
    """The app on a freshly opened workspace; raises WarraqError with a one-line message."""
    return WarraqApp(open_workspace(corpus, store_dir=store_dir, schema_path=schema_path,
                                    annotator=annotator, bidi=bidi, direction=direction))


class AdjudicationApp(TerminalOutput):
    """``warraq adjudicate``: the adjudication screen on its own (store/adjudication.py)."""

    TITLE = "Warraq — adjudication"

    def __init__(self, session: Any, bidi: str = "app") -> None:
        super().__init__()
        self.session = session
        self.bidi = bidi

    def get_default_screen(self) -> Screen:
        from tui.screens.adjudication_screen import AdjudicationScreen

        return AdjudicationScreen(self.session)

"""The Warraq app: the Textual ``App`` around a :class:`~tui.services.workspace.Workspace`.

The app owns the screen stack, the global keys, the command palette and notifications; what
the session works on (corpus, store, annotator, layout settings) is the workspace, which the
screens read directly, so no screen or widget imports this module.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.commands import WarraqCommands
from tui.rtl.glyphs import printable
from tui.services.workspace import Workspace, open_workspace


class TerminalOutput(App[None]):
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
        square brackets in them are text, not markup."""
        kwargs.setdefault("markup", False)
        super().notify(printable(str(message)), *args, **kwargs)

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

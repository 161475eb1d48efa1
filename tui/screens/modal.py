"""The base of every Warraq dialog: a modal screen that closes once and then stops listening.

A dialog is closed by a message (``Input.Submitted``, ``OptionList.OptionSelected``) that
its widgets post, not by the key itself. Two Enters typed faster than the screen handles
the first one leave two such messages in the queue; Textual's ``dismiss`` pops whatever
screen is on top each time, so the second one popped the screen *under* the dialog (or
raised ``ScreenStackError: Can't pop screen`` when that was the main screen). Here the
first ``dismiss`` wins: later ones, and any key action or message handler that asks
:attr:`WarraqModal.accepting` first, are ignored once the dialog is closing or is no
longer the screen on top.

The dialog draws over the screen behind it, dimmed, not over a blank one: ``warraq.tcss``
gives ``ModalScreen`` a translucent background (the app-wide ``Screen`` rule would
otherwise make it opaque), so the reader stays visible while a label or note is chosen.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class WarraqModal(ModalScreen[ResultType]):
    """A modal screen whose ``dismiss`` takes effect once, and only while it is on top."""

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._answered = False
        # False until mounted and focused: keys typed before that (a burst: `e meet enter`
        # arriving in one read) are held by the app and replayed here in order.
        self.ready = False

    def on_mount(self) -> None:
        # Subclasses' on_mount runs first (Textual calls each class's handler down the MRO
        # from the most derived): by the next refresh their focus is set.
        self.call_after_refresh(self._become_ready)

    def _become_ready(self) -> None:
        self.ready = True
        release = getattr(self.app, "release_held_keys", None)
        if release is not None:
            self.app.call_later(release)

    @property
    def closing(self) -> bool:
        """True from the first ``dismiss`` on: the dialog's answer is already given."""
        return self._answered

    @property
    def accepting(self) -> bool:
        """Whether input (keys, the messages they cause) should still act: not closing,
        and the top screen (a dialog opened from this one is answered first)."""
        if self._answered or not self.is_attached:
            return False
        try:
            return self.app.screen is self
        except Exception:  # no screen stack any more (the app is closing)
            return False

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close with ``result``, the first time only; later calls do nothing. A call while
        another screen is on top of this one is ignored too: Textual would pop that one."""
        if not self.accepting:
            return AwaitComplete.nothing()
        self._answered = True
        return super().dismiss(result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key binding of a closing dialog runs (its answer is already on its way)."""
        if self._answered:
            return False
        return super().check_action(action, parameters)

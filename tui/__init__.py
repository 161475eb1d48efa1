"""Everything a person sees, in three rooms: ``tui.rtl`` (the pure right-to-left layout
engine), ``tui.cli`` (the ``warraq`` command and its subcommands) and the app (``tui.app``,
``tui.commands``, ``tui.services``, ``tui.screens``, ``tui.widgets``). ARCHITECTURE.md says
which way imports point between them."""

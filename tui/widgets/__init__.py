"""Widgets of the app: list, reader, side pane, search field, status bar, key hints; they
draw and take keys, and leave the work to ``tui.services`` and ``tui.rtl``."""

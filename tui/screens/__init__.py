"""Screens of the app: each a Textual ``Screen`` (styles in ``.tcss`` beside them or in
``DEFAULT_CSS``); they read the workspace (``tui.services``), never the app module."""

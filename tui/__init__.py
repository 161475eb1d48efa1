"""Everything a person sees: the Textual app, its screens and widgets, the CLI and the
right-to-left layout engine."""

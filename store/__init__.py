"""Warraq's data layer: corpus, Arabic text helpers, schema, annotations, store, formats.

Never imports Textual or ``tui``: the CLI, other tools and tests use it directly.
"""

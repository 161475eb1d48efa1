"""Versions of the rules that shape stored data, in a module of their own: the corpus index
checks them at every start, and importing the rules themselves (``store.cleaning``, with its
keyword tables and patterns) just for a number would cost that start-up time."""

from __future__ import annotations

# Bump when ``store.cleaning`` keeps or drops different lines: cleaned texts change, so
# stored spans show drift and every corpus index is rebuilt.
CLEANING_VERSION = 1

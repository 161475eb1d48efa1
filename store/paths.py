"""Where the store lives when nobody says: predictable, shown in the status bar, and never
inside the installed package (a reinstall must not delete an annotator's work)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from store.errors import StoreError

ENV_VAR = "WARRAQ_STORE"


def default_store_dir() -> Path:
    """The per-user data folder, e.g. ``~/.local/share/warraq/store`` on Linux."""
    return Path(platformdirs.user_data_dir("warraq", appauthor=False)) / "store"


def resolve_store_dir(cli_value: str | None) -> Path:
    """``--store DIR`` first, then ``$WARRAQ_STORE``, then :func:`default_store_dir`."""
    if cli_value:
        chosen = Path(cli_value)
    elif os.environ.get(ENV_VAR, "").strip():
        chosen = Path(os.environ[ENV_VAR].strip())
    else:
        chosen = default_store_dir()
    chosen = chosen.expanduser().absolute()
    packages = [Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "tui"]
    inside = any(chosen.resolve().is_relative_to(p) for p in packages)
    if inside:
        raise StoreError("refusing to keep a store inside the installed package; "
                         "choose another folder with --store or WARRAQ_STORE", chosen)
    return chosen

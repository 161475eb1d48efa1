"""Where the store lives when nobody says: predictable, shown in the status bar, and never
inside the installed package (a reinstall must not delete an annotator's work)."""

from __future__ import annotations

import os
import re
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


# A team store (store/team.py) keeps one complete store per annotator under this folder.
LAYERS = "layers"
_LAYER_NAME = re.compile(r"^[\w.@-]{1,64}$")


def is_team_store(root: Path) -> bool:
    return (root / LAYERS).is_dir()


def layer_dir(root: Path, annotator: str) -> Path:
    """The folder of ``annotator``'s layer (a name safe as one path component)."""
    if not _LAYER_NAME.match(annotator) or annotator in (".", ".."):
        raise StoreError(f"annotator name {annotator!r} cannot name a layer folder "
                         "(letters, digits, . _ @ - only)", root)
    return root / LAYERS / annotator


def layer_names(root: Path) -> list[str]:
    folder = root / LAYERS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and _LAYER_NAME.match(p.name) and p.name not in (".", ".."))


def annotator_root(root: Path, annotator: str) -> Path:
    """Where ``annotator`` reads and writes: their layer in a team store, else ``root``."""
    return layer_dir(root, annotator) if is_team_store(root) else root

"""A team store: one layer per annotator, so git merges two people's work without conflict.

Layout: ``STORE/layers/<annotator>/`` is a complete store of its own (its ``articles/``
files, its lock), written only by that annotator; the article text in each layer is the
same snapshot, so layers compare offset by offset. Two clones annotating the same article
touch different files, and ``git merge`` has nothing to reconcile. A store without
``layers/`` is a single-annotator store and opens as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from store.agreement import Layer
from store.bulk import paused_gc
from store.errors import StoreError
from store.paths import LAYERS, layer_dir, layer_names
from store.schema import Schema

__all__ = ["LAYERS", "LoadedLayers", "layer_dir", "layer_names", "load_layers"]

@dataclass
class LoadedLayers:
    layers: list[Layer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: named, left out


def load_layers(root: Path, schema: Schema, names: list[str] | None = None) -> LoadedLayers:
    """Read the chosen layers; a damaged article file is named and left out of its layer
    (never counted silently), the rest of the layer stands."""
    out = LoadedLayers()
    with paused_gc():  # 100,000s of records at once: the collector's scans doubled the load
        for name in names or layer_names(root):
            _load_layer(root, schema, name, out)
    return out


def _load_layer(root: Path, schema: Schema, name: str, out: LoadedLayers) -> None:
    """One annotator's layer into ``out``."""
    from store.store import Store

    folder = layer_dir(root, name)
    if not folder.is_dir():
        raise StoreError(f"no layer for annotator {name!r}", root / LAYERS)
    layer = Layer(name)
    try:
        store = Store.open(folder, schema, annotator=name)
    except StoreError as error:  # a future version, a damaged store file: named, left out
        out.problems.append(f"layer {name}: {error}")
        return
    try:
        out.problems += [str(error) for error in store.errors]
        for article_id in store.article_ids():
            try:
                art = store.get(article_id)
            except StoreError as error:
                out.problems.append(str(error))
                continue
            if art is None or not art.exists:
                continue
            if art.rejected:
                out.problems.append(f"{art.path}: {art.rejected[0]} (left out)")
                continue
            layer.articles[article_id] = (art.text, art.annotations)
    finally:
        store.close()
    out.layers.append(layer)


SINGLE_BACKUP = "single-annotator-store"
_NOT_COPIED = {LAYERS, SINGLE_BACKUP, ".lock", ".warraq-cache", ".gitignore"}


def make_team_store(root: Path, first: str) -> Path:
    """Turn ``root`` into a team store; a single-annotator store's work becomes ``first``'s
    layer. Nothing is lost: the layer is a copy, and the old files move, whole, into
    ``single-annotator-store/`` (git sees renames). Returns the new layer's folder."""
    import shutil

    if (root / LAYERS).is_dir():
        raise StoreError("already a team store", root)
    target = layer_dir(root, first)
    entries = [p for p in sorted(root.iterdir()) if p.name not in _NOT_COPIED] \
        if root.is_dir() else []
    staging = root / LAYERS / f".{first}.migrating"
    staging.mkdir(parents=True)
    for entry in entries:  # copy first: a crash here leaves the old store as it was
        if entry.is_dir():
            shutil.copytree(entry, staging / entry.name)
        else:
            shutil.copy2(entry, staging / entry.name)
    staging.rename(target)
    # git keeps no empty folder: without a file in it, a clone would not see layers/ and
    # its annotators would write a single-annotator store again.
    ignore = root / ".gitignore"
    kept = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    wanted = [line for line in (".lock", ".warraq-cache/") if line not in kept.split()]
    if wanted:  # each process's lock file and the caches are nobody's work
        ignore.write_text(kept + ("" if not kept or kept.endswith("\n") else "\n")
                          + "\n".join(wanted) + "\n", encoding="utf-8")
    (root / LAYERS / "README.txt").write_text(
        "One folder per annotator, written only by them (warraq --annotator NAME).\n",
        encoding="utf-8")
    if entries:
        backup = root / SINGLE_BACKUP
        backup.mkdir()
        for entry in entries:
            entry.rename(backup / entry.name)
    return target

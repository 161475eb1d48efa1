"""The formats ``warraq export`` writes and ``warraq import`` reads, by name.

One table so that the export and import commands (and anything else that offers a format
by name) agree; a new format is a module in this package plus one line here.
"""

from __future__ import annotations

from typing import Any

from store.formats import brat, conll, doccano, labelstudio, native, spacy_docbin, webanno

# format name → (module, kind of output: "stream" | "dir" | "file")
FORMATS: dict[str, tuple[Any, str]] = {
    "jsonl": (native, "stream"),
    "doccano": (doccano, "stream"),
    "labelstudio": (labelstudio, "stream"),
    "conll": (conll, "stream"),
    "brat": (brat, "dir"),
    "webanno": (webanno, "dir"),
    "spacy": (spacy_docbin, "file"),
}

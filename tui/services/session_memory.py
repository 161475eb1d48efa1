"""Where an annotator left off: the article and the cursor, per annotator, in the store
folder, so reopening Warraq puts them back where they were (issue 14, item 12).

One small file per annotator (``.warraq-session-NAME.json``), written atomically when an
article opens and when the app closes; a damaged or missing file simply means "start at
the top", never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from store.storage import atomic_write_text

SKIP_SKIPPED_VARIABLE = "WARRAQ_NEXT_SKIPS_SKIPPED"


@dataclass(frozen=True)
class Place:
    article_id: str
    offset: int = 0


def _path(root: Path, annotator: str) -> Path:
    safe = re.sub(r"[^\w.@-]", "_", annotator)[:64] or "annotator"
    return Path(root) / f".warraq-session-{safe}.json"


def remembered(root: Path, annotator: str) -> Place | None:
    try:
        data = json.loads(_path(root, annotator).read_text(encoding="utf-8"))
        return Place(str(data["article_id"]), max(0, int(data.get("offset", 0))))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(root: Path, annotator: str, place: Place) -> None:
    # A read-only store: the place is a convenience, the annotations themselves are saved.
    with contextlib.suppress(OSError):
        atomic_write_text(_path(root, annotator), json.dumps(
            {"article_id": place.article_id, "offset": place.offset}) + "\n")


def next_skips_skipped() -> bool:
    """``n`` passes over skipped articles too unless ``WARRAQ_NEXT_SKIPS_SKIPPED=0``."""
    return os.environ.get(SKIP_SKIPPED_VARIABLE, "1").strip() not in ("0", "no", "false")

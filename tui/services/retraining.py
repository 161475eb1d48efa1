"""Retraining the learning suggester behind the app (issue 16), never blocking a keypress.

Every ``every`` human decisions (default 50) the app starts ``warraq train --refresh FILE``
as a separate *process* (training holds a core for seconds; a thread would hold the
interpreter lock and stall frames). That process reads the store (the app keeps the write
lock; reading needs none), trains, reports its held-out F1 in the model's metadata, and
writes fresh suggestions for the articles nobody has opened yet into FILE. The app polls
(``poll``, from a timer: a ``Popen.poll`` and a stat, microseconds) and, when the process
is done, swaps those articles' pending model suggestions a few articles per tick. A tick
changes memory and writes temporary files only; their sync runs in a thread and the next
tick renames them into place (``Store.writes_synced_later``), so no tick waits on the disk
and a key never waits behind a sync.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.group_writes import GroupWriter
from store.model_crf import META_FILE, MODEL_DIR, load_meta
from store.records import EntitySpan, SpanStatus

DEFAULT_EVERY = 50
ARTICLES_PER_TICK = 10
TICK_BUDGET = 0.004  # seconds of swapping per tick before the rest waits for the next
EVERY_VARIABLE = "WARRAQ_RETRAIN_EVERY"


def retrain_every() -> int:
    """Decisions between retrainings: ``WARRAQ_RETRAIN_EVERY`` (0 turns it off), else 50."""
    value = os.environ.get(EVERY_VARIABLE, "").strip()
    return int(value) if value.isdigit() else DEFAULT_EVERY


@dataclass
class ModelStatus:
    version: int
    f1: float | None

    def label(self) -> str:
        f1 = "—" if self.f1 is None else f"{self.f1:.2f}"
        return f"model@{self.version} F1 {f1}"


class _Syncing:
    """A tick's swapped articles, their temporary files being synced in a thread."""

    def __init__(self, group: GroupWriter) -> None:
        self.group = group
        self.error: OSError | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.error = self.group.sync()


class Retrainer:
    def __init__(self, store: Any, every: int = DEFAULT_EVERY, *,
                 command: list[str] | None = None) -> None:
        self.store = store
        self.every = max(1, every)
        self._since = getattr(store, "human_decisions", 0)
        self._process: subprocess.Popen[bytes] | None = None
        self._refresh_file: Path | None = None
        self._queue: deque[dict[str, Any]] = deque()
        self._command = command
        self._syncing: _Syncing | None = None  # the last tick's swaps, synced in a thread
        self.trainings = 0
        # Article id → the latest model's uncertainty (1 − its least likely sentence).
        self.uncertainty: dict[str, float] = {}

    # ------------------------------------------------------------------ state
    def status(self) -> ModelStatus | None:
        meta = load_meta(Path(self.store.root) / MODEL_DIR / META_FILE)
        if not meta:
            return None
        return ModelStatus(int(meta.get("version", 0)), (meta.get("heldout") or {}).get("f1"))

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # ------------------------------------------------------------------ the timer's work
    def poll(self) -> str | None:
        """One tick: start, finish or apply; returns a message worth showing, if any."""
        if self._process is not None:
            code = self._process.poll()
            if code is None:
                return None
            self._process = None
            if code != 0:
                return "model training failed (warraq train says why)"
            self._load_refresh()
            status = self.status()
            return f"retrained: {status.label()}" if status else None
        if self._queue or self._syncing is not None:
            self._apply_some()
            return None
        decisions = getattr(self.store, "human_decisions", 0)
        if decisions - self._since >= self.every:
            self._since = decisions
            self.start()
            return f"retraining the model on your decisions ({decisions} so far)"
        return None

    def start(self) -> None:
        if self.running:
            return
        fd, name = tempfile.mkstemp(prefix="warraq-refresh-", suffix=".jsonl")
        os.close(fd)
        self._refresh_file = Path(name)
        command = self._command or [sys.executable, "-m", "tui.cli", "train"]
        self._process = subprocess.Popen(
            [*command, "--store", str(self.store.root), "--annotator", self.store.annotator,
             "--refresh", name],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.trainings += 1

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
        self._process = None

    # ------------------------------------------------------------------ refreshed suggestions
    def _load_refresh(self) -> None:
        path = self._refresh_file
        self._refresh_file = None
        if path is None:
            return
        try:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        record = json.loads(line)
                        self._queue.append(record)
                        if isinstance(record.get("uncertainty"), (int, float)):
                            self.uncertainty[record["id"]] = float(record["uncertainty"])
        except (OSError, ValueError):
            pass
        finally:
            path.unlink(missing_ok=True)

    def most_uncertain(self, skip: str | None = None) -> str | None:
        """The unopened article the model is least sure of (active learning: a person's
        decision there teaches it most), or None before the first retraining."""
        for article_id, _ in sorted(self.uncertainty.items(), key=lambda kv: -kv[1]):
            if article_id == skip:
                continue
            art = self.store.get(article_id)
            if art is None or not art.exists or art.annotations.decided_by_a_person():
                self.uncertainty.pop(article_id, None)
                continue
            return article_id
        return None

    def _apply_some(self) -> None:
        """Place the last swaps once their sync is done, or else swap more articles until
        the tick's budget is spent: in memory, their files written but not synced (a sync
        is several milliseconds, which a key landing in this tick would wait for)."""
        syncing = self._syncing
        if syncing is not None:
            if syncing.thread.is_alive():
                return
            self._syncing = None
            with contextlib.suppress(StoreError):  # failed articles leave memory, unswapped
                self.store.place_synced(syncing.group, syncing.error, sync_folder=False)
            # The renames' durability; a crash before it keeps the old files, whole.
            threading.Thread(target=self.store.sync_folder, daemon=True).start()
            return  # renaming was this tick's work; the next swaps come with the next tick
        if not self._queue:
            return
        started = time.perf_counter()
        group: GroupWriter | None = None
        try:
            with self.store.writes_synced_later() as group:
                for _ in range(min(ARTICLES_PER_TICK, len(self._queue))):
                    self._apply(self._queue.popleft())
                    if time.perf_counter() - started > TICK_BUDGET:
                        break
        except StoreError:
            # The store refuses writes (closed, disk full): the refresh stops here; the
            # articles keep their older suggestions, and the next retraining tries again.
            self._queue.clear()
        if group is not None:
            syncing = self._syncing = _Syncing(group)
            syncing.thread.start()

    def _apply(self, record: dict[str, Any]) -> None:
        """Swap one unopened article's pending model suggestions for the new model's."""
        article_id, origin = record["id"], record["origin"]
        art = self.store.get(article_id)
        if art is None or not art.exists or art.annotations.decided_by_a_person():
            return  # opened or decided meanwhile: a person's article is left alone
        old = [e for e in art.annotations.entities
               if e.status == SpanStatus.PENDING and e.origin.startswith("model@")]
        taken = {(e.start, e.end, e.label) for e in art.annotations.entities
                 if e.status != SpanStatus.PENDING or not e.origin.startswith("model@")}
        new = [(s, e, label, score) for s, e, label, score in record["spans"]
               if (s, e, label) not in taken]
        if not old and not new:
            return
        decisions = self.store.human_decisions  # machine work: not the person's
        try:
            with self.store.batch(f"{origin} suggestions for {article_id}", undoable=False):
                self.store.remove_entities(article_id, [span.id for span in old])
                self.store.add_entities(article_id, [EntitySpan(
                    start, end, art.text[start:end], label, origin=origin,
                    status=SpanStatus.PENDING, score=score) for start, end, label, score in new])
        finally:
            self.store.human_decisions = decisions

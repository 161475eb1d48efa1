"""kill -9 at random instants while a child process saves annotations through the Store.

After every kill: every article file parses and validates against the JSON Schema, and the
annotations on disk are a prefix of the actions, containing every action the child logged
as saved (the log line is written only after the save returned). DESIGN §12.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import jsonschema
import pytest

from store.records import EntitySpan, Highlight
from store.store import Store

ARTICLE_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "store" / "data" / "article.schema.json")
    .read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(ARTICLE_SCHEMA)
IDS = ["crash/أ", "crash/ب", "crash/ج"]
TEXT = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين. " * 20

def child_main(root: Path, log_path: Path) -> None:
    """The writer: continues from what is on disk, logs each action id after it saved."""
    store = Store.open(root, require_write=True)
    n = 0
    for i in IDS:
        store.attach(i, TEXT, {"title": i})
        n += len(store.annotations(i).entities)
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while True:
        art = IDS[n % len(IDS)]
        start = (n * 7) % (len(TEXT) - 10)
        store.add_entity(art, EntitySpan(start, start + 5, TEXT[start:start + 5], "PERS",
                                         id=f"T{n:07d}"))
        if n % 5 == 0:  # two more actions on the same file, killable in between
            h = store.add_highlight(art, Highlight(start, start + 3, TEXT[start:start + 3]))
            store.remove_highlight(art, h.id)
        os.write(log, b"%d\n" % n)
        n += 1


def check_store(root: Path, log: Path, kills: int) -> int:
    """Assert the invariants; returns how many actions are on disk."""
    logged = [int(x) for x in log.read_text().split()] if log.exists() else []
    on_disk: list[int] = []
    highlights = 0
    for path in (root / "articles").iterdir():
        assert not path.name.endswith(".json") or not path.name.startswith(".")
        if path.name.startswith("."):
            continue  # a temp file of the killed save; never read as an article
        data = json.loads(path.read_text(encoding="utf-8"))
        VALIDATOR.validate(data)
        assert data["article"]["1"]["text"] == TEXT
        highlights += len(data["highlights"])
        on_disk += [int(e["id"][1:]) for e in data["entities"].values()]
    on_disk.sort()
    assert highlights <= kills  # only an action in flight at a kill can leave one behind
    assert on_disk == list(range(len(on_disk))), "not a prefix of the actions"
    if logged:
        assert len(on_disk) >= logged[-1] + 1, "an action logged as saved is missing"
    return len(on_disk)


def run_crash_cycles(root: Path, cycles: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    log = root.parent / f"{root.name}.log"
    total = 0
    for cycle in range(cycles):
        size = log.stat().st_size if log.exists() else 0
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                child_main(root, log)
            finally:
                os._exit(1)
        deadline = time.monotonic() + 20
        while not log.exists() or log.stat().st_size == size:
            assert time.monotonic() < deadline, "child never saved"
            done, status = os.waitpid(pid, os.WNOHANG)
            assert done == 0, f"child exited early (status {status})"
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        total = check_store(root, log, cycle + 1)
    return total


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_kill_minus_nine_never_tears_a_file(tmp_path: Path) -> None:
    saved = run_crash_cycles(tmp_path / "store", cycles=20, seed=1)
    assert saved >= 20

"""kill -9 at random instants while ``warraq import`` writes annotations, end to end.

A child process runs the real CLI (``tui.cli.main``) in a loop, importing gold file k (one
entity at offset k in each of three articles) and appending k to a log only after the
command returned 0. The parent SIGKILLs it at a random instant, then checks:

- every article file parses and validates against the article JSON Schema (none torn);
- every import logged as done is on disk in every article (nothing saved is lost);
- nothing else is, except the one import in flight at the kill (at most it is lost, or
  present in some articles only: each file is replaced atomically, an import is not);
- the next writer opens the store for writing (the kill left no lock behind) and finishes
  the in-flight import (imports are idempotent).

Run as a script it is the child. ``tests/benchmarks/stress_crash.py`` runs hundreds of
cycles of this and of the Store-API writer in ``test_store_crash``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IDS = ["kill-a", "kill-b", "kill-c"]
TEXT = ("استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو. "
        * 40)
SPAN = 2
# Distinct texts: imports find stored articles by text hash too.
TEXTS = {art: f"{TEXT}({n})" for n, art in enumerate(IDS)}


def gold_file(folder: Path, k: int) -> Path:
    """Import k: one PERS span at offset k in each article (native JSONL)."""
    path = folder / f"gold_{k:05d}.jsonl"
    if not path.exists():
        records = [
            {"id": art, "text": TEXTS[art], "entities": [
                {"start": k, "end": k + SPAN, "text": TEXT[k:k + SPAN], "label": "PERS",
                 "status": "accepted", "id": f"K{k:05d}"}]}
            for art in IDS
        ]
        tmp = path.with_suffix(".part")
        tmp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                       encoding="utf-8")
        os.replace(tmp, path)
    return path


def logged(log: Path) -> list[int]:
    if not log.exists():
        return []
    # A kill can cut the log's last line; only whole lines count as done.
    text = log.read_text()
    lines = text.split("\n")
    return [int(x) for x in lines[:-1] if x]


def child_main(store: Path, log: Path, gold: Path) -> None:
    from tui.cli import main

    done = logged(log)
    k = done[-1] + 1 if done else 0
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while k + SPAN < len(TEXT):
        path = gold_file(gold, k)
        code = main(["import", str(path), "--format", "jsonl", "--as", "gold",
                     "--store", str(store)])
        if code != 0:
            os._exit(3)
        os.write(fd, b"%d\n" % k)
        k += 1
    os._exit(0)


def spawn(store: Path, log: Path, gold: Path) -> subprocess.Popen:
    env = {**os.environ, "WARRAQ_NO_PROGRESS": "1", "WARRAQ_ANNOTATOR": "killer"}
    return subprocess.Popen(
        [sys.executable, __file__, "child", str(store), str(log), str(gold)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _validator():
    import jsonschema

    schema = json.loads((ROOT / "store" / "data" / "article.schema.json")
                        .read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_store(store: Path, log: Path, validator) -> int:
    """Assert the invariants of the module docstring; returns the imports done."""
    done = logged(log)
    in_flight = (done[-1] + 1) if done else 0
    allowed = set(done) | {in_flight}
    articles = store / "articles"
    seen = 0
    for path in articles.iterdir() if articles.exists() else []:
        if path.name.startswith("."):
            assert path.name.endswith(".tmp"), path.name  # only a killed save's temp file
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(data)
        head = data["article"]["1"]
        assert head["id"] in IDS and head["text"] == TEXTS[head["id"]]
        starts = {e["start"] for e in data["entities"].values()}
        assert len(starts) == len(data["entities"]), "an import was duplicated"
        missing = set(done) - starts
        assert not missing, f"{head['id']}: saved imports lost: {sorted(missing)[:5]}"
        extra = starts - allowed
        assert not extra, f"{head['id']}: entities from no import: {sorted(extra)[:5]}"
        seen += 1
    if done:
        assert seen == len(IDS)
    return len(done)


def run_cycles(base: Path, cycles: int, seed: int, max_wait: float = 1.5) -> dict:
    """Start, kill at a random instant, check; ``cycles`` times. Returns figures."""
    rng = random.Random(seed)
    store, log, gold = base / "store", base / "done.log", base / "gold"
    gold.mkdir(parents=True, exist_ok=True)
    validator = _validator()
    kills = 0
    progress_kills = 0
    for _ in range(cycles):
        before = len(logged(log))
        child = spawn(store, log, gold)
        time.sleep(rng.uniform(0.05, max_wait))
        if child.poll() is not None:
            err = child.stderr.read().decode(errors="replace") if child.stderr else ""
            raise AssertionError(f"writer exited by itself ({child.returncode}): {err[-500:]}")
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if child.stderr:
            child.stderr.close()
        kills += 1
        done = check_store(store, log, validator)
        progress_kills += done > before
    # The writer after the last kill finishes the in-flight import and gets the lock.
    from store.store import Store

    s = Store.open(store, require_write=True)
    s.close()
    return {"kills": kills, "imports_done": len(logged(log)),
            "kills_after_progress": progress_kills}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_cli_imports_loses_at_most_the_import_in_flight(tmp_path: Path) -> None:
    figures = run_cycles(tmp_path, cycles=6, seed=8, max_wait=1.5)
    assert figures["kills"] == 6
    assert figures["imports_done"] >= 3, figures  # the writer made progress between kills


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "child":
    sys.path.insert(0, str(ROOT))
    child_main(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))

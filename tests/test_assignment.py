"""``warraq assign``: an even, seeded plan with a shared share, saved in the team store, and
each annotator's queue with progress (issue 15)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.assignment import load, make_assignment, save
from store.errors import StoreError
from store.records import ArticleStatus
from store.store import Store
from store.team import make_team_store

ROOT = Path(__file__).resolve().parent.parent


def test_plan_is_even_seeded_and_shares_the_overlap() -> None:
    ids = [f"a{i}" for i in range(100)]
    plan = make_assignment(ids, ["amal", "badr", "cyra"], 0.2, seed=3)
    assert list(plan.articles) == ids  # corpus order
    assert len(plan.shared()) == 20
    sizes = [len(plan.queue(n)) for n in ("amal", "badr", "cyra")]
    assert sum(sizes) == 120 and max(sizes) - min(sizes) <= 2
    assert all(len(set(names)) == len(names) for names in plan.articles.values())
    assert make_assignment(ids, ["amal", "badr", "cyra"], 0.2, seed=3).articles == plan.articles
    assert make_assignment(ids, ["amal", "badr", "cyra"], 0.2, seed=4).articles != plan.articles
    with pytest.raises(ValueError):
        make_assignment(ids, ["amal"], 0.2)
    with pytest.raises(ValueError):
        make_assignment(ids, ["amal", "amal"], 0.0)


def test_saved_plan_round_trips_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    plan = make_assignment(["x", "y"], ["a", "b"], 0.5, seed=1)
    save(tmp_path, plan)
    assert load(tmp_path).articles == plan.articles  # type: ignore[union-attr]
    (tmp_path / "assignments.json").write_text("{", encoding="utf-8")
    with pytest.raises(StoreError, match=r"assignments\.json"):
        load(tmp_path)


def test_cli_assigns_and_shows_progress(tmp_path: Path) -> None:
    root = tmp_path / "store"
    make_team_store(root, "amal")
    run = [sys.executable, "-m", "tui.cli", "assign", "--store", str(root)]
    done = subprocess.run([*run, "--annotators", "amal,badr", "--overlap", "0.4"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "5 articles assigned to 2 annotators, 2 of them to two" in done.stderr
    plan = load(root)
    assert plan is not None
    first = plan.queue("amal")[0]
    from store.corpus import Corpus, sample_corpus_path

    corpus = Corpus.open(sample_corpus_path())
    with Store.open(root, annotator="amal") as store:
        store.attach(first, corpus.load(first).text, {"title": first})
        store.set_status(first, ArticleStatus.DONE)
    shown = subprocess.run([*run, "--show"], cwd=ROOT, capture_output=True, text=True)
    amal = next(line for line in shown.stdout.splitlines() if line.startswith("amal"))
    assert f"{len(plan.queue('amal'))} articles\t1 done" in amal

"""A team of annotators on one corpus through git (issue 15): each writes only their own
layer, so two clones annotating the same article merge without conflict, and
``warraq agree`` then compares them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from store.records import EntitySpan
from store.store import Store

ROOT = Path(__file__).resolve().parent.parent
TEXT = "استقبل الرئيس بوتين نظيره بشار الأسد في الكرملين بموسكو."


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
                               "HOME": str(cwd), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _warraq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _annotate(store_dir: Path, name: str, spans: list[tuple[str, str]]) -> None:
    with Store.open(store_dir, annotator=name) as store:
        store.attach("a1", TEXT, {"title": "قمة"})
        for word, label in spans:
            store.add_entity("a1", EntitySpan(*_at(word), word, label))


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_two_clones_annotate_the_same_article_merge_and_agree(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    store = origin / "store"
    done = _warraq("team", "init", "--store", str(store), "--annotator", "amal")
    assert done.returncode == 0, done.stderr
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "--allow-empty", "-m", "team store")
    shared = tmp_path / "shared.git"  # what a team pushes to
    _git(tmp_path, "clone", "-q", "--bare", str(origin), str(shared))
    one, two = tmp_path / "amal", tmp_path / "badr"
    _git(tmp_path, "clone", "-q", str(shared), str(one))
    _git(tmp_path, "clone", "-q", str(shared), str(two))
    # The same article, at the same time, in two clones: each in their own layer.
    _annotate(one / "store", "amal", [("بوتين", "PERS"), ("بشار الأسد", "PERS"),
                                      ("الكرملين", "FAC"), ("بموسكو", "GPE")])
    _annotate(two / "store", "badr", [("بوتين", "PERS"), ("الأسد", "PERS"),
                                      ("الكرملين", "ORG"), ("موسكو", "GPE")])
    for clone, who in ((one, "amal"), (two, "badr")):
        _git(clone, "add", "-A")
        _git(clone, "commit", "-q", "-m", f"{who} annotates a1")
    _git(one, "push", "-q", "origin", "main")
    _git(two, "pull", "-q", "--no-rebase", "origin", "main")  # a merge, without conflict
    assert "<<<<<<<" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                    for p in (two / "store").rglob("*.json"))
    tracked = _git(two, "ls-files")
    assert ".lock" not in tracked and "store/layers/amal/" in tracked
    assert "store/layers/badr/" in tracked

    done = _warraq("agree", "--store", str(two / "store"), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    pair = report["pairs"][0]
    assert (pair["a"], pair["b"], pair["articles"]) == ("amal", "badr", 1)
    # Exact: بوتين only (1 of 4 and 4): F1 = 2/8. Clitic-tolerant adds بموسكو~موسكو: 4/8.
    assert pair["spans"]["exact"]["f1"] == pytest.approx(0.25)
    assert pair["spans"]["clitic_tolerant"]["f1"] == pytest.approx(0.5)
    assert pair["spans"]["overlap"]["matched"] == 3  # + بشار الأسد~الأسد
    assert {"labels": ["FAC", "ORG"], "tokens": 1, "examples": ["الكرملين"]} in report["patterns"]
    table = _warraq("agree", "--store", str(two / "store"))
    assert table.returncode == 0 and "clitic-tolerant 0.500" in table.stdout


def test_team_init_keeps_the_single_annotator_work(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _annotate(root, "amal", [("بوتين", "PERS")])
    done = _warraq("team", "init", "--store", str(root), "--annotator", "amal")
    assert done.returncode == 0, done.stderr
    # amal's layer holds the work; the old files are kept whole beside it.
    with Store.open(root, annotator="amal") as store:
        assert [e.text for e in store.get("a1").annotations.entities] == ["بوتين"]
        assert store.root == root / "layers" / "amal"
    assert any((root / "single-annotator-store").rglob("*.json"))
    with Store.open(root, annotator="badr") as store:  # a new annotator starts empty
        assert store.article_ids() == []
    agree = _warraq("agree", "--store", str(tmp_path / "nowhere"))
    assert agree.returncode != 0 and "team store" in agree.stderr


def test_bad_layers_are_named_left_out_and_counted(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _warraq("team", "init", "--store", str(root), "--annotator", "amal")
    for name, article_ids in (("amal", ["a1", "a2", "a3"]), ("badr", ["a1", "a2", "a3"])):
        with Store.open(root, annotator=name) as store:
            for article_id in article_ids:
                store.attach(article_id, TEXT, {"title": article_id})
                store.add_entity(article_id, EntitySpan(*_at("بوتين"), "بوتين", "PERS"))
    files = sorted((root / "layers" / "badr" / "articles").glob("*.json"))
    files[0].write_text("{ not json", encoding="utf-8")  # damaged
    data = json.loads(files[1].read_text(encoding="utf-8"))
    next(iter(data["article"].values()))["format_version"] = 99  # from a future Warraq
    files[1].write_text(json.dumps(data), encoding="utf-8")
    before = {p: p.read_bytes() for p in files}
    done = _warraq("agree", "--store", str(root), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["metrics"]["damaged_files"] == 2
    assert report["pairs"][0]["articles"] == 1  # only the readable article is compared
    named = [line for line in done.stderr.splitlines() if "left out of agreement" in line]
    assert len(named) == 2 and all(str(root) in line for line in named), done.stderr
    assert {p: p.read_bytes() for p in files} == before  # left untouched

"""The team store's agreement report shared by ``warraq agree`` and the app's Agreement
screen (store/team_agreement.py): per-label overlap and clitic-tolerant counts, worked out
by hand, summing to the overall ones; a subset's damaged files are its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.records import EntitySpan
from store.schema import Schema
from store.store import Store
from store.team import make_team_store
from store.team_agreement import load_team, team_report

TEXT = "استقبل الرئيس بوتين نظيره بشار الأسد في الكرملين بموسكو."


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _annotate(root: Path, name: str, spans: list[tuple[str, str]]) -> None:
    with Store.open(root, annotator=name) as store:
        store.attach("a1", TEXT, {"title": "قمة"})
        for word, label in spans:
            store.add_entity("a1", EntitySpan(*_at(word), word, label))


@pytest.fixture
def team_root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    make_team_store(root, "amal")
    _annotate(root, "amal", [("بوتين", "PERS"), ("بشار الأسد", "PERS"),
                             ("الكرملين", "FAC"), ("بموسكو", "GPE")])
    _annotate(root, "badr", [("بوتين", "PERS"), ("الأسد", "PERS"),
                             ("الكرملين", "ORG"), ("موسكو", "GPE")])
    _annotate(root, "cyra", [("بوتين", "PERS")])
    return root


def test_per_label_rules_by_hand_and_they_sum_to_the_overall(team_root: Path) -> None:
    team = load_team(team_root, Schema.load(None))
    report = team_report(team, names=["amal", "badr"])
    labels = report["labels"]
    # PERS: بوتين exact; بشار الأسد~الأسد overlaps, not a clitic difference.
    assert (labels["PERS"]["f1"], labels["PERS"]["overlap"]["f1"],
            labels["PERS"]["clitic_tolerant"]["f1"]) == (0.5, 1.0, 0.5)
    # GPE: بموسكو vs موسكو: only a proclitic apart.
    assert (labels["GPE"]["f1"], labels["GPE"]["overlap"]["f1"],
            labels["GPE"]["clitic_tolerant"]["f1"]) == (0.0, 1.0, 1.0)
    assert labels["FAC"]["overlap"]["matched"] == 0 and labels["ORG"]["only_b"] == 1
    for rule in ("overlap", "clitic_tolerant"):
        for key in ("matched", "only_a", "only_b"):
            assert sum(c[rule][key] for c in labels.values()) == \
                report["metrics"]["spans"][rule][key]
    assert report["pairs"][0]["labels"]["GPE"]["clitic_tolerant"]["matched"] == 1


def test_a_subset_counts_only_its_own_damaged_files(team_root: Path) -> None:
    (team_root / "layers" / "cyra" / "articles" / "broken.json").write_text(
        "{", encoding="utf-8")
    team = load_team(team_root, Schema.load(None))
    assert team_report(team, names=["amal", "badr"])["metrics"]["damaged_files"] == 0
    assert team_report(team)["metrics"]["damaged_files"] == 1
    with pytest.raises(ValueError):
        team_report(team, names=["amal"])


def test_the_curated_layer_is_no_annotator_unless_named(team_root: Path) -> None:
    _annotate(team_root, "curated", [("بوتين", "PERS")])
    schema = Schema.load(None)
    assert load_team(team_root, schema).names == ["amal", "badr", "cyra"]
    named = load_team(team_root, schema, ["amal", "curated"])
    assert team_report(named)["annotators"] == ["amal", "curated"]

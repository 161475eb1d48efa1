"""Stats on a hand-made store: progress, labels, annotators, suggestion quality numbers, the
summary cache, the CLI tables and the in-app stats screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.records import EntitySpan, SpanStatus
from store.stats import compute_stats, summarize_store
from store.store import Store

TEXT = "استقبل الرئيس بوتين الرئيس الأسد في الكرملين بموسكو"


def _span(word: str, label: str, **kw) -> EntitySpan:
    start = TEXT.index(word)
    return EntitySpan(start, start + len(word), word, label, **kw)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """Two annotators; gazetteer suggestions: 2 accepted, 1 corrected, 1 rejected, 1 pending;
    model suggestions: 1 accepted, 1 rejected; 2 human spans."""
    root = tmp_path / "store"
    with Store.open(root, annotator="huda") as store:
        store.attach("one", TEXT)
        g = dict(origin="gazetteer", status=SpanStatus.PENDING)
        a = store.add_entity("one", _span("بوتين", "PERS", **g))
        b = store.add_entity("one", _span("الأسد", "PERS", **g))
        c = store.add_entity("one", _span("الكرملين", "GPE", **g))  # corrected to FAC
        d = store.add_entity("one", _span("بموسكو", "PERS", **g))  # wrong: rejected
        store.add_entity("one", _span("الرئيس", "OCC", **g))  # left pending
        for span in (a, b):
            store.update_entity("one", span.id, status=SpanStatus.ACCEPTED, annotator="huda")
        store.update_entity("one", c.id, label="FAC", annotator="huda")
        store.update_entity("one", d.id, status=SpanStatus.REJECTED)
        store.set_status("one", "done")
    with Store.open(root, annotator="omar") as store:
        store.attach("two", TEXT)
        m = dict(origin="model", status=SpanStatus.PENDING)
        e = store.add_entity("two", _span("بوتين", "PERS", **m))
        f = store.add_entity("two", _span("الكرملين", "PERS", **m))
        store.update_entity("two", e.id, status=SpanStatus.ACCEPTED, annotator="omar")
        store.update_entity("two", f.id, status=SpanStatus.REJECTED)
        store.add_entity("two", _span("بموسكو", "GPE", annotator="omar"))
        store.add_entity("two", _span("الأسد", "PERS", annotator="omar"))
    return root


def test_progress_labels_annotators(store_dir: Path):
    stats = compute_stats(summarize_store(store_dir), ["one", "two", "three", "four"])
    assert stats.articles == 4 and stats.stored == 2
    assert stats.by_status == {"new": 2, "in_progress": 1, "done": 1, "skipped": 0}
    # accepted: one → PERS×2, FAC; two → PERS×2, GPE
    assert stats.by_label == {"PERS": 4, "FAC": 1, "GPE": 1}
    assert stats.by_annotator["huda"] == {"articles": 1, "entities": 3, "done": 1}
    assert stats.by_annotator["omar"] == {"articles": 1, "entities": 3, "done": 0}


def test_suggestion_quality_numbers(store_dir: Path):
    stats = compute_stats(summarize_store(store_dir))
    g, m = stats.by_source["gazetteer"], stats.by_source["model"]
    assert (g.accepted, g.corrected, g.rejected, g.pending) == (2, 1, 1, 1)
    assert g.precision == pytest.approx(2 / 4)
    assert g.found == 3 and g.gold == 6 and g.recall == pytest.approx(3 / 6)
    assert (m.accepted, m.corrected, m.rejected, m.pending) == (1, 0, 1, 0)
    assert m.precision == pytest.approx(1 / 2) and m.recall == pytest.approx(1 / 6)
    # by label: precision by the suggested label, recall by the final one
    pers = stats.by_label_quality["PERS"]
    assert (pers.accepted, pers.rejected) == (3, 2)  # بموسكو (gaz) and الكرملين (model)
    assert pers.found == 3 and pers.gold == 4
    gpe = stats.by_label_quality["GPE"]
    assert (gpe.accepted, gpe.corrected) == (0, 1) and gpe.gold == 1 and gpe.found == 0
    assert stats.by_label_quality["FAC"].found == 1
    assert stats.overall.decided == 6 and stats.overall.found == 4


def test_summary_cache_rereads_only_changed_files(store_dir: Path):
    first = summarize_store(store_dir)
    assert first.reread == 2
    again = summarize_store(store_dir)
    assert again.reread == 0 and again.reused == 2
    with Store.open(store_dir, annotator="huda") as store:
        store.set_status("two", "skipped")
    third = summarize_store(store_dir)
    assert third.reread == 1 and third.articles["two"].status == "skipped"
    damaged = next((store_dir / "articles").glob("two-*.json"))
    damaged.write_text("{ not json", encoding="utf-8")
    os.utime(damaged, ns=(5, 5_000_000_000))
    broken = summarize_store(store_dir)
    assert "two" not in broken.articles and len(broken.errors) == 1
    assert damaged.name in str(broken.errors[0])
    cache = store_dir / ".warraq-cache" / "summary.json"
    cache.write_bytes(b"garbage")
    assert summarize_store(store_dir).reread == 2  # a damaged cache is ignored


def test_cli_prints_tables_with_the_counts(store_dir: Path, tmp_path: Path, capsys):
    from store.synthetic import write_corpus
    from tui.cli import main

    assert main(["stats", "--store", str(store_dir), "--suggestions"]) == 0
    out = capsys.readouterr().out
    assert "Progress (2 articles, 2 stored)" in out
    lines: dict[str, str] = {}
    for line in out.splitlines():  # first table row of each name (labels repeat later)
        if "│" in line:
            lines.setdefault(line.split("│")[1].strip(), line)
    assert "done" in lines and " 1 " in lines["done"] and "50.0%" in lines["done"]
    assert "PERS" in lines and " 4 " in lines["PERS"]
    gaz = [c.strip() for c in lines["gazetteer"].split("│")]
    assert gaz[1:8] == ["gazetteer", "2", "1", "1", "1", "50.0%", "50.0%"]
    assert "Accepted entities by label (6)" in out
    corpus = write_corpus(tmp_path / "c.jsonl", 10, "jsonl", seed=1)
    assert main(["stats", str(corpus), "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "Progress (10 articles, 0 stored)" in out and "Suggestions" not in out


def test_cli_error_is_one_line(tmp_path: Path, capsys):
    from tui.cli import main

    assert main(["stats", str(tmp_path / "missing"), "--store", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing" in err[0]


async def test_stats_screen_opens_with_S(store_dir: Path):
    from tui.app import prepare_app
    from tui.screens.stats_screen import StatsScreen

    app = prepare_app(None, store_dir=str(store_dir), annotator="huda")
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        stats = app.screen.stats
        assert stats.articles == 5  # the sample corpus; store articles are not in it
        assert stats.by_source == {}  # none of the stored articles is in the sample corpus
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


def test_propagated_human_decisions_are_not_scored_as_suggestions(tmp_path):
    from store.records import EntitySpan
    from store.stats import compute_stats, summarize_store
    from store.store import Store

    text = "بوتين قال إن بوتين"
    with Store.open(tmp_path / "s") as store:
        store.attach("a", text, {})
        store.add_entity("a", EntitySpan(0, 5, "بوتين", "PERS"))
        store.add_entity("a", EntitySpan(13, 18, "بوتين", "PERS", origin="human-propagated"))
    stats = compute_stats(summarize_store(tmp_path / "s"), ["a"])
    assert stats.by_label == {"PERS": 2}
    assert "human-propagated" not in stats.by_source
    assert stats.overall.accepted == 0


def test_summary_cache_sees_a_same_size_rewrite_with_its_mtime_put_back(store_dir: Path):
    summarize_store(store_dir)
    with Store.open(store_dir, annotator="huda") as store:
        store.set_status("two", "done")
    assert summarize_store(store_dir).articles["two"].status == "done"
    path = next((store_dir / "articles").glob("two-*.json"))
    before = path.stat()
    raw = path.read_text(encoding="utf-8")
    assert '"status": "done"' in raw
    # What a checkout can do: same size, mtime restored, other content.
    path.write_text(raw.replace('"status": "done"', '"status":  "new"'), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert summarize_store(store_dir).articles["two"].status == "new"

"""``warraq suggest`` over a large corpus: bounded memory, group commit, resume, crash safety.

Not timed (speed is tests/benchmarks/bench_suggest.py): these check the mechanisms.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.article_files import check_article_file
from store.corpus import Corpus
from store.errors import StoreError
from store.records import EntitySpan
from store.schema import Schema
from store.storage import dumps
from store.store import Store
from store.suggest_run import JOURNAL_PREFIX, RunJournal, suggest_corpus
from store.suggesters import load_suggester
from store.synthetic import write_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus_300(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("c300") / "c.jsonl", 300, seed=3)


def _gazetteer():
    name, fn = load_suggester("gazetteer")
    fn.prepare()
    return [(name, fn)]


def _spans(store_dir: Path) -> dict[str, list[tuple[int, int, str, str]]]:
    """Every article file's spans (start, end, label, status), read from disk."""
    out = {}
    for path in sorted((store_dir / "articles").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        head = check_article_file(data, path)
        out[head["id"]] = sorted((e["start"], e["end"], e["label"], e["status"])
                                 for e in data.get("entities", {}).values())
    return out


def _span(text: str, words: str, label: str) -> EntitySpan:
    start = text.index(words)
    return EntitySpan(start=start, end=start + len(words), text=words, label=label)


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", "suggest", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "WARRAQ_NO_PROGRESS": "1"})


# ------------------------------------------------------------------ the JSON writer

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids,
                                                               max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_dumps_writes_exactly_what_json_dumps_writes(value):
    assert dumps(value) == json.dumps(value, indent=2, sort_keys=True,
                                      ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ memory stays bounded


@pytest.mark.parametrize("new_files", [False, True])
def test_cache_holds_one_group_at_most_and_nothing_at_the_end(corpus_300, tmp_path,
                                                              new_files):
    corpus = Corpus.open(corpus_300)
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t", scan=False)
    report = suggest_corpus(store, corpus, _gazetteer(), corpus.ids, group=40,
                            on_warning=pytest.fail, new_files=new_files)
    assert report.counts.articles == 300 and report.counts.added > 1000
    if new_files:  # new articles' files are written by the worker: none is ever held
        assert report.peak_cached == 0
    else:
        assert 0 < report.peak_cached <= 40  # without release() it reached 300
    assert store.cached_articles == 0
    assert not store.can_undo  # released articles take their undo steps with them
    assert not store._disk._corpus_text and not store._disk.identities
    # Again over the full store: every article is in it, so each goes through the store
    # (or, when nothing is new, the worker sees so in the file and the store need not).
    again = suggest_corpus(store, corpus, _gazetteer(), corpus.ids, group=40,
                           on_warning=pytest.fail, new_files=new_files)
    assert again.counts.articles == 300 and again.counts.added == 0
    assert again.counts.already == report.counts.added
    assert again.peak_cached <= 40 and store.cached_articles == 0
    assert (again.peak_cached > 0) is not new_files
    store.close()
    assert len(_spans(tmp_path / "s")) == 300


def test_release_refuses_unsaved_changes_and_undo_stays_right(tmp_path):
    text = "استقبل الرئيس بشار الأسد الوفد في دمشق"
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t")
    with store.grouped_writes(10):
        store.attach("a1", text)
        store.add_entities("a1", [_span(text, "دمشق", "GPE")])
        with pytest.raises(StoreError, match="unsaved changes"):
            store.release(["a1"])
        assert not list((tmp_path / "s" / "articles").glob("*.json"))  # not yet
        assert store.flush_writes() == {}
        assert len(_spans(tmp_path / "s")["a1"]) == 1
        store.undo()  # inside a group: the undo is written by the next flush
        assert len(_spans(tmp_path / "s")["a1"]) == 1
    assert _spans(tmp_path / "s")["a1"] == []
    store.redo()  # outside: saved at once, as ever
    assert len(_spans(tmp_path / "s")["a1"]) == 1
    store.release(["a1"])
    assert store.undo() is None  # its steps left with it: nothing replays on a stale copy
    assert store.annotations("a1").entities[0].text == "دمشق"  # read back from the file
    store.close()


def test_a_file_changed_on_disk_before_the_flush_is_not_overwritten(tmp_path):
    text = "استقبل الرئيس بشار الأسد الوفد في دمشق"
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t")
    store.attach("a1", text)
    store.add_entity("a1", _span(text, "دمشق", "GPE"))
    path = store.get("a1").path
    with store.grouped_writes(10):
        store.add_entities("a1", [_span(text, "بشار الأسد", "PERS")])
        theirs = path.read_text(encoding="utf-8").replace('"GPE"', '"LOC"')
        path.write_text(theirs, encoding="utf-8")  # git, another tool...
        failed = store.flush_writes()
    assert list(failed) == ["a1"] and "changed on disk" in str(failed["a1"])
    assert path.read_text(encoding="utf-8") == theirs
    assert [e.label for e in store.annotations("a1").entities] == ["LOC"]  # reloaded
    assert not list(path.parent.glob(".*.tmp"))
    store.close()


# ------------------------------------------------------------------ resume


def test_an_interrupted_run_resumes_where_it_stopped(corpus_300, tmp_path):
    reference = tmp_path / "ref"
    assert _cli(str(corpus_300), "--store", str(reference)).returncode == 0
    corpus = Corpus.open(corpus_300)
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t", scan=False)
    journal = RunJournal(store.root, RunJournal.key_for(corpus_300, ["gazetteer"]))
    seen = []

    def stop_at_130() -> None:
        seen.append(1)
        if len(seen) == 130:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        suggest_corpus(store, corpus, _gazetteer(), corpus.ids, journal=journal, group=50,
                       on_article=stop_at_130, on_warning=pytest.fail)
    store.close()
    # Two whole groups, and the 30 articles of the third one done when it stopped: those
    # were written and journalled on the way out.
    assert len(journal.done()) == 130
    again = _cli(str(corpus_300), "--store", str(tmp_path / "s"))
    assert again.returncode == 0, again.stderr
    assert "resumed an interrupted run: 130 articles were already done" in again.stdout
    assert "in 170 articles" in again.stdout
    assert not list((tmp_path / "s").glob(JOURNAL_PREFIX + "*"))  # finished: journal gone
    assert _spans(tmp_path / "s") == _spans(reference)
    # A finished run is not resumed: the next one goes over everything, adding nothing.
    third = _cli(str(corpus_300), "--store", str(tmp_path / "s"))
    assert "0 suggestions added in 300 articles" in third.stdout and "resumed" not in third.stdout


def test_journal_ignores_a_line_cut_short(tmp_path):
    journal = RunJournal(tmp_path, "k")
    journal.record(["a1", "a2"])
    journal.close(finished=False)
    with open(journal.path, "a", encoding="utf-8") as handle:
        handle.write('"a3')  # the kill came mid-line
    assert journal.done() == {"a1", "a2"}


# ------------------------------------------------------------------ crash safety


def test_kill_9_mid_run_leaves_every_file_whole_and_the_rerun_finishes(tmp_path):
    corpus_path = write_corpus(tmp_path / "c.jsonl", 800, seed=5)
    reference = tmp_path / "ref"
    assert _cli(str(corpus_path), "--store", str(reference), "--workers", "0").returncode == 0
    store_dir = tmp_path / "s"
    articles = store_dir / "articles"
    child = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "suggest", str(corpus_path), "--store",
         str(store_dir), "--group", "100", "--workers", "0"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "WARRAQ_NO_PROGRESS": "1"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if articles.is_dir() and len(os.listdir(articles)) > 250:  # mid-group by now
            break
        time.sleep(0.005)
    assert child.poll() is None, "the run ended before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    whole = _spans(store_dir)  # every file parses and validates: none torn
    assert 0 < len(whole) < 800
    expected = _spans(reference)
    for article_id, spans in whole.items():
        assert spans == expected[article_id]  # a file is old (absent) or new, whole
    journal = next(store_dir.glob(JOURNAL_PREFIX + "*"))
    done = RunJournal(store_dir, journal.name[len(JOURNAL_PREFIX):]).done()
    assert done and done <= set(whole)  # journalled means on disk
    rerun = _cli(str(corpus_path), "--store", str(store_dir), "--workers", "0")
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed an interrupted run: {len(done)} articles" in rerun.stdout
    assert not list(articles.glob(".*.tmp"))  # left-over temporary files are cleaned
    assert _spans(store_dir) == _spans(reference)


def test_worker_processes_give_the_same_store(corpus_300, tmp_path, monkeypatch):
    import store.suggest_run as suggest_run

    monkeypatch.setattr(suggest_run, "WINDOW", 16)  # many windows in flight over 300 ids
    results = {}
    for workers in (0, 2):
        corpus = Corpus.open(corpus_300)
        store = Store.open(tmp_path / f"s{workers}", Schema.load(None), annotator="t",
                           scan=False)
        report = suggest_corpus(store, corpus, _gazetteer(), corpus.ids, workers=workers,
                                group=64, on_warning=pytest.fail)
        store.close()
        assert report.counts.articles == 300
        results[workers] = _spans(tmp_path / f"s{workers}")
    assert results[0] == results[2] and len(results[0]) == 300

"""New articles' files written by a suggestion run's workers (store/suggest_fresh.py):
the same files the store writes, never over a file that appeared meanwhile, nothing left
behind by an interrupted run."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from store import group_writes
from store.corpus import Corpus
from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from store.store import Store
from store.suggest_run import RunJournal, suggest_corpus
from store.suggesters import load_suggester
from store.synthetic import write_corpus


@pytest.fixture(scope="module")
def corpus_60(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("c60") / "c.jsonl", 60, seed=7)


def _first_word(text: str) -> list[tuple]:
    """A plug-in that repeats itself, overlaps the gazetteer, names a label the schema
    lacks and returns a span that does not fit: every way a candidate can be left out."""
    end = text.index(" ")
    return [(0, end, "PERS", 0.5), (0, end, "PERS"), (0, end, "NOT_A_LABEL"),
            (end, end, "ORG")]


def _suggesters() -> list:
    name, fn = load_suggester("gazetteer")
    fn.prepare()
    return [(name, fn), ("first-word", _first_word)]


def _files(store_dir: Path) -> dict[str, dict]:
    """Every article file, with what differs from run to run (record ids, timestamps)
    replaced by its place."""
    out = {}
    for path in sorted((store_dir / "articles").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        head = data["article"]["1"]
        for key in ("created", "modified"):
            assert isinstance(head.pop(key), str)
        for n, record in enumerate(data["entities"].values()):
            assert record.pop("id").startswith("T") and isinstance(record.pop("created"), str)
            record["n"] = n
        out[path.name] = data
    return out


def _run(store_dir: Path, corpus_path: Path, new_files: bool, **options):
    corpus = Corpus.open(corpus_path)
    store = Store.open(store_dir, Schema.load(None), annotator="t", scan=False)
    warnings: list[str] = []
    try:
        report = suggest_corpus(store, corpus, _suggesters(), corpus.ids, group=16,
                                on_warning=warnings.append, new_files=new_files, **options)
    finally:
        store.close()
    return report, warnings


def test_a_worker_writes_the_file_the_store_would_write(corpus_60, tmp_path):
    through_store, warned_store = _run(tmp_path / "store", corpus_60, new_files=False)
    by_worker, warned_worker = _run(tmp_path / "worker", corpus_60, new_files=True)
    assert through_store.counts == by_worker.counts
    assert by_worker.counts.articles == 60 and by_worker.counts.unknown_label == 60
    assert by_worker.counts.invalid == 60 and by_worker.counts.already >= 60
    assert warned_store == warned_worker and len(warned_worker) == 60
    assert by_worker.peak_cached == 0 < through_store.peak_cached
    files = _files(tmp_path / "worker")
    assert len(files) == 60 and files == _files(tmp_path / "store")
    # Byte for byte the store's serialisation: the store reads and rewrites it unchanged.
    store = Store.open(tmp_path / "worker", Schema.load(None), annotator="t")
    assert not store.errors
    some = next(iter(store.article_ids()))
    path = store.get(some).path
    before = path.read_bytes()
    store._save(store.get(some))
    after = json.loads(path.read_text(encoding="utf-8"))
    store.close()
    old = json.loads(before)
    for data in (old, after):
        data["article"]["1"].pop("modified")
    assert old == after and before.endswith(b"}\n")


def test_articles_already_stored_go_through_the_store(corpus_60, tmp_path):
    corpus = Corpus.open(corpus_60)
    first, second = corpus.ids[:2]
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t")
    text = corpus.load(first).text
    end = text.index(" ")
    store.attach(first, text)
    store.add_entity(first, EntitySpan(start=0, end=end, text=text[:end], label="ORG"))
    text2 = corpus.load(second).text
    end2 = text2.index(" ")
    store.attach(second, text2)
    rejected = store.add_entity(second, EntitySpan(
        start=0, end=end2, text=text2[:end2], label="PERS", origin="first-word",
        status=SpanStatus.PENDING))
    store.update_entity(second, rejected.id, status=SpanStatus.REJECTED)
    store.close()
    report, _ = _run(tmp_path / "s", corpus_60, new_files=True)
    assert report.counts.articles == 60
    assert 0 < report.peak_cached <= 2  # the two stored ones, merged in memory
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t")
    words = [(e.start, e.end, e.label, e.status) for e in store.annotations(first).entities]
    assert (0, end, "ORG", SpanStatus.ACCEPTED) in words
    assert not any(e.origin == "first-word" for e in store.annotations(first).entities)
    second_spans = [e for e in store.annotations(second).entities if e.start == 0]
    assert [(e.label, e.status) for e in second_spans] == [("PERS", SpanStatus.REJECTED)]
    assert len(store.article_ids()) == 60
    store.close()


def test_a_file_that_appears_before_the_flush_is_never_replaced(corpus_60, tmp_path,
                                                               monkeypatch):
    corpus = Corpus.open(corpus_60)
    victim = corpus.ids[3]
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t", scan=False)
    target = store.articles_dir / store._file_for(victim)
    theirs = '{"someone": "else"}\n'
    seen: list[int] = []

    def git_checkout() -> None:  # after the victim's file was written, before the flush
        seen.append(1)
        if len(seen) == 5:
            target.write_text(theirs, encoding="utf-8")

    journal = RunJournal(store.root, "k")
    warnings: list[str] = []
    journalled: list[set[str]] = []
    record = journal.record
    monkeypatch.setattr(journal, "record", lambda ids: (
        journalled.append(set(ids := list(ids))), record(ids)))
    report = suggest_corpus(store, corpus, _suggesters(), corpus.ids, group=16,
                            journal=journal, on_article=git_checkout,
                            on_warning=warnings.append)
    store.close()
    assert target.read_text(encoding="utf-8") == theirs
    assert report.counts.failed == 1 and report.counts.articles == 59
    assert [w for w in warnings if "appeared on disk" in w] == [
        f"{target}: not saved: a file for this article appeared on disk during the run "
        "(git? another tool?); nothing was overwritten"]
    assert victim not in set().union(*journalled)  # not done: an interruption redoes it
    assert len(set().union(*journalled)) == 59
    assert not list(store.articles_dir.glob(".*.tmp"))


def test_an_interrupted_run_with_workers_leaves_no_temporary_file(tmp_path, monkeypatch):
    import store.suggest_run as suggest_run

    monkeypatch.setattr(suggest_run, "WINDOW", 16)
    corpus_path = write_corpus(tmp_path / "c.jsonl", 200, seed=11)
    reference, _ = _run(tmp_path / "ref", corpus_path, new_files=False)
    corpus = Corpus.open(corpus_path)
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t", scan=False)
    journal = RunJournal(store.root, RunJournal.key_for(corpus_path, ["g", "f"]))
    seen: list[int] = []

    def stop() -> None:
        seen.append(1)
        if len(seen) == 70:  # the workers are well ahead by now, files written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        suggest_corpus(store, corpus, _suggesters(), corpus.ids, group=16, workers=2,
                       journal=journal, on_article=stop, on_warning=lambda _: None)
    assert not list(store.articles_dir.glob(".*"))  # nothing half-named is left
    done = journal.done()
    assert len(done) == 70 and len(list(store.articles_dir.glob("*.json"))) == 70
    report = suggest_corpus(store, corpus, _suggesters(), corpus.ids, group=16, workers=2,
                            journal=RunJournal(store.root, journal.path.name[-16:]),
                            on_warning=lambda _: None)
    store.close()
    assert report.resumed == 70 and report.counts.articles == 130
    assert _files(tmp_path / "s") == _files(tmp_path / "ref")
    assert reference.counts.articles == 200


def test_a_full_disk_fails_the_article_in_one_line(corpus_60, tmp_path, monkeypatch):
    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(group_writes, "write_temp", full)
    monkeypatch.setattr("store.suggest_fresh.write_temp", full)
    report, warnings = _run(tmp_path / "s", corpus_60, new_files=True)
    assert report.counts.failed == 60 and report.counts.articles == 0
    # The store's way reports it, one line per suggester whose spans were not saved.
    assert sum("could not save: No space left on device" in w for w in warnings) == 120
    assert not list((tmp_path / "s" / "articles").iterdir())


def test_a_rerun_loads_only_the_articles_with_something_to_do(corpus_60, tmp_path):
    first, _ = _run(tmp_path / "s", corpus_60, new_files=True)
    files = sorted((tmp_path / "s" / "articles").glob("*.json"))
    # One article lost a suggestion (git merge?), one file is damaged.
    lost = json.loads(files[0].read_text(encoding="utf-8"))
    gone = lost["entities"].pop(next(iter(lost["entities"])))
    files[0].write_text(json.dumps(lost, ensure_ascii=False), encoding="utf-8")
    files[1].write_text("{", encoding="utf-8")
    again, warnings = _run(tmp_path / "s", corpus_60, new_files=True)
    assert again.counts.added == 1 and again.counts.failed == 1
    assert again.counts.articles == 59
    assert again.peak_cached == 1  # the store loaded the one article that needed it
    assert len([w for w in warnings if str(files[1]) in w]) == 2  # one per suggester
    back = json.loads(files[0].read_text(encoding="utf-8"))["entities"].values()
    assert [(e["start"], e["end"], e["label"]) for e in back if e["start"] == gone["start"]
            and e["end"] == gone["end"]] == [(gone["start"], gone["end"], gone["label"])]
    assert files[1].read_text(encoding="utf-8") == "{"  # damaged: left untouched
    assert first.counts.articles == 60


def test_a_rerun_on_changed_text_goes_through_the_store(tmp_path):
    corpus_path = write_corpus(tmp_path / "c.jsonl", 20, seed=5)
    _run(tmp_path / "s", corpus_path, new_files=True)
    lines = corpus_path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["text"] += " انتهى"  # the source fixed its page: no new name, same offsets
    lines[0] = json.dumps(record, ensure_ascii=False)
    corpus_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again, _ = _run(tmp_path / "s", corpus_path, new_files=True)
    assert again.counts.articles == 20 and again.peak_cached == 1  # re-anchored by the store
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t")
    art = store.get(record["id"])
    assert art.text.endswith(" انتهى") and art.annotations.entities
    assert all(art.text[e.start:e.end] == e.text for e in art.annotations.entities)
    store.close()


def test_an_id_given_twice_is_done_once(corpus_60, tmp_path):
    corpus = Corpus.open(corpus_60)
    store = Store.open(tmp_path / "s", Schema.load(None), annotator="t", scan=False)
    ids = [*corpus.ids[:5], *corpus.ids[:5]]
    report = suggest_corpus(store, corpus, _suggesters(), ids, on_warning=lambda _: None)
    store.close()
    assert report.counts.articles == 5 and report.counts.failed == 0
    assert len(list((tmp_path / "s" / "articles").glob("*.json"))) == 5

"""Index builds that run while the app is up: a corpus usable at once, batches in file
order, cancelled builds that keep what they finished, and the column file format."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from store import index_folder, index_jsonl, index_workers
from store.corpus import Corpus
from store.corpus_index import Batch, index_file, open_corpus, read_index, start_index, write_index
from store.index_format import DERIVED_COLUMNS, META_COLUMNS
from store.synthetic import seed_sentences, write_corpus

SENTENCES = seed_sentences()


def _fields(corpus: Corpus) -> list[tuple]:
    return [(m.id, m.title, m.date, m.time, m.date_raw, m.url, m.source, m.author, m.line,
             m.byte_offset) for m in corpus.articles]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_jsonl, "_CHUNK_BYTES", 20_000)
    monkeypatch.setattr(index_folder, "_CHUNK_PAGES", 7)


def test_jsonl_build_appends_batches_in_file_order(tmp_path: Path, small_chunks: None):
    path = write_corpus(tmp_path / "c.jsonl", 200, "jsonl", seed=3, sentences=SENTENCES)
    build = start_index(path, tmp_path / "cache")
    assert build.pending and len(build.corpus) == 0
    batches: list[Batch] = []
    seen_lengths: list[int] = []

    def on_batch(batch: Batch) -> None:
        batches.append(batch)
        seen_lengths.append(len(build.corpus))

    final = build.run(on_batch, workers=1)
    assert len(batches) > 3 and all(b.appended for b in batches)
    rows = [i for b in batches for i in b.rows]
    assert rows == list(range(200))
    # each batch is visible in the corpus when it is reported, and progress only grows
    assert seen_lengths == [b.rows[-1] + 1 for b in batches]
    assert [b.done for b in batches] == sorted(b.done for b in batches)
    assert batches[-1].done == batches[-1].total == path.stat().st_size
    assert _fields(final) == _fields(Corpus.open(path))
    assert final.index.mode == "built" and final.index.saved
    again = start_index(path, tmp_path / "cache")
    assert not again.pending and _fields(again.corpus) == _fields(final)


def test_cancelled_jsonl_build_resumes_where_it_stopped(tmp_path: Path, small_chunks: None):
    path = write_corpus(tmp_path / "c.jsonl", 200, "jsonl", seed=4, sentences=SENTENCES)
    cancel = threading.Event()
    build = start_index(path, tmp_path / "cache")

    def stop_after_two(batch: Batch) -> None:
        if len(build.corpus) and batch.rows[0] > 0:
            cancel.set()

    partial = build.run(stop_after_two, cancel=cancel, workers=1)
    assert partial.index.cancelled and partial.index.saved
    done = len(partial)
    assert 0 < done < 200
    resumed = start_index(path, tmp_path / "cache")
    assert resumed.report.mode == "appended" and len(resumed.corpus) == done
    final = resumed.run(workers=1)
    assert final.index.reread == 200 - done
    assert _fields(final) == _fields(Corpus.open(path))


def test_parallel_jsonl_build_matches_a_full_parse(tmp_path: Path, small_chunks: None,
                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(index_jsonl, "_PARALLEL_BYTES", 1)
    path = write_corpus(tmp_path / "c.jsonl", 300, "jsonl", seed=5, sentences=SENTENCES)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "a000003", "text": "مكرر"}\n{"broken\n')
    build = start_index(path, tmp_path / "cache")
    build.start_workers(2)
    assert isinstance(build._executor, index_workers._ProcessWorkers)
    final = build.run()
    full = Corpus.open(path)
    assert _fields(final) == _fields(full)
    assert [str(e) for e in final.errors] == [str(e) for e in full.errors]


def test_folder_build_shows_every_file_at_once_then_fills_titles(tmp_path: Path,
                                                                  small_chunks: None):
    pages = write_corpus(tmp_path / "pages", 30, "txt", seed=6, sentences=SENTENCES)
    (pages / "zz_bad.txt").write_bytes(b"\x00\x01\x02binary\x00")
    build = start_index(pages, tmp_path / "cache")
    # every page has its row before anything was read, titled by its file name
    stems = sorted(p.stem for p in pages.glob("*.txt"))
    assert list(build.corpus.articles.ids) == stems
    assert build.corpus.articles[0].title == stems[0]
    updated: list[int] = []
    final = build.run(lambda b: updated.extend(b.rows), workers=1)
    assert sorted(updated) == list(range(30))  # the bad page never reported as read
    assert "zz_bad" not in final and any("zz_bad.txt" in str(e) for e in final.errors)
    assert _fields(final) == _fields(Corpus.open(pages))


def test_cancelled_folder_build_rereads_only_what_it_missed(tmp_path: Path,
                                                           small_chunks: None):
    pages = write_corpus(tmp_path / "pages", 30, "txt", seed=7, sentences=SENTENCES)
    cancel = threading.Event()
    build = start_index(pages, tmp_path / "cache")
    build.run(lambda b: cancel.set(), cancel=cancel, workers=1)
    assert build.report.cancelled and build.report.saved
    again = start_index(pages, tmp_path / "cache")
    # every page is listed at once: the 7 read under their titles, the rest by file name
    assert len(again.corpus) == 30
    final = again.run(workers=1)
    assert again.report.mode == "updated" and again.report.reread == 30 - 7
    assert _fields(final) == _fields(Corpus.open(pages))
    third = start_index(pages, tmp_path / "cache")
    third.run(workers=1)
    assert third.report.mode == "fresh" and not third.report.saved


@pytest.mark.parametrize("title", ["عنوان\x00بصفر", "\x01", "", None])
def test_odd_values_survive_the_column_format(tmp_path: Path, title: str | None):
    columns = {name: ["x", "y"] for name in (*META_COLUMNS, *DERIVED_COLUMNS)}
    columns["title"] = [title, "عادي"]
    columns["line"] = [1, 2**40]
    columns["offset"] = [0, 5]
    target = tmp_path / "i.json"
    assert write_index(target, "jsonl", tmp_path, columns, {"errors": []})
    found, problem = read_index(target, "jsonl", tmp_path)
    assert problem is None and found is not None
    loaded, _ = found
    assert list(loaded["title"]) == [title, "عادي"]
    assert list(loaded["line"]) == [1, 2**40]


def test_index_header_names_every_column_and_its_checksum(tmp_path: Path):
    path = write_corpus(tmp_path / "c.jsonl", 20, "jsonl", seed=8, sentences=SENTENCES)
    open_corpus(path, tmp_path / "cache")
    head = json.loads(index_file(tmp_path / "cache", path).read_bytes().split(b"\n", 1)[0])
    assert head["count"] == 20 and {"id", "title", "key", "site", "offset"} <= set(
        head["columns"])
    assert head["columns"]["title"]["enc"] == "sep"


def test_indexed_folder_shows_its_rows_before_listing_then_swaps_in_changes(tmp_path: Path):
    pages = write_corpus(tmp_path / "pages", 20, "txt", seed=9, sentences=SENTENCES)
    open_corpus(pages, tmp_path / "cache")
    files = sorted(pages.glob("*.txt"))
    files[0].unlink()
    (pages / "zz_new.txt").write_text("عنوان جديد\n\nنص جديد للمقال.\n", encoding="utf-8")
    build = start_index(pages, tmp_path / "cache")
    shown = build.corpus
    # the index's rows, as they were: the folder is listed by the build, not before
    assert files[0].stem in shown and "zz_new" not in shown and len(shown) == 20
    reported: list[int] = []
    final = build.run(lambda b: reported.extend(b.rows), workers=1)
    assert reported == []  # other rows than those shown: swapped at the end, not patched
    assert final is not shown and "zz_new" in final and files[0].stem not in final
    assert build.report.mode == "updated" and build.report.removed == 1
    assert build.report.reread == 1
    assert _fields(final) == _fields(Corpus.open(pages))


def _held_in_child() -> list:
    from store import lock

    return [held._fd for held in lock._HELD]


def test_forked_workers_do_not_keep_the_store_lock(tmp_path: Path):
    import multiprocessing

    from store.lock import StoreLock

    held = StoreLock(tmp_path)
    assert held.acquire()
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert all(fd is None for fd in pool.apply(_held_in_child))
        assert held.held  # the parent still has it
    finally:
        held.release()


@pytest.mark.parametrize("threads", [False, True], ids=["forked", "fork-server"])
def test_workers_end_when_the_app_is_killed(tmp_path: Path, threads: bool):
    """With another thread running (the app once Textual has started) workers come from a
    fork server, not from the app: they must still work, and still end with the app."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, threading, time\n"
        + ("threading.Thread(target=time.sleep, args=(120,), daemon=True).start()\n"
           if threads else "")
        + "from store.index_workers import _pool\n"
        "pool = _pool(1)\n"
        "pool.submit(os.getpid).result()\n"
        "print(pool.submit(os.getpid).result(), flush=True)\n"
        "time.sleep(60)\n")
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parent.parent)
    import select

    ready, _, _ = select.select([app.stdout], [], [], 60)
    if not ready:  # the workers never answered (they used to exit at once under a fork server)
        app.kill()
        raise AssertionError("indexing workers did not run a chunk")
    worker = int(app.stdout.readline())
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("an indexing worker outlived the killed app")


def test_folder_build_reads_rows_asked_for_first(tmp_path: Path, small_chunks: None):
    pages = write_corpus(tmp_path / "pages", 30, "txt", seed=10, sentences=SENTENCES)
    build = start_index(pages, tmp_path / "cache")
    build.prioritize([25, 26, 999])  # rows on screen (999: no such row, ignored)
    batches: list[list[int]] = []
    final = build.run(lambda b: batches.append(list(b.rows)), workers=1)
    assert batches[0][:2] == [25, 26]
    assert sorted(row for rows in batches for row in rows) == list(range(30))  # once each
    assert _fields(final) == _fields(Corpus.open(pages))

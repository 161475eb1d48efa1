"""A FIFO (or device) named like data never blocks Warraq (issue 17, item 7): in a corpus
folder, in the store's ``articles/``, as a schema or an import file. Reading a FIFO with no
writer blocks forever, so each case runs under a deadline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from store.corpus import Corpus
from store.corpus_index import open_corpus
from store.regular_files import NotRegularFile, read_regular_bytes
from store.schema import Schema
from store.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 20.0

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")


def within_deadline(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a thread; fail (instead of hanging the suite) if it blocks."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "blocked on a special file"
    if "error" in result:
        raise result["error"]
    return result.get("value")


def warraq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=DEADLINE * 3)


@pytest.fixture
def corpus_with_fifo(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for page in sorted((ROOT / "sample_corpus").glob("*.txt"))[:2]:
        shutil.copy(page, folder / page.name)
    os.mkfifo(folder / "evil.txt")
    return folder


def test_read_regular_bytes_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="FIFO"):
        within_deadline(lambda: read_regular_bytes(fifo))
    with pytest.raises(NotRegularFile, match="character device"):
        read_regular_bytes("/dev/null")


def test_corpus_folder_with_a_fifo_opens_the_pages(corpus_with_fifo: Path,
                                                    tmp_path: Path) -> None:
    corpus = within_deadline(lambda: Corpus.open(corpus_with_fifo))
    assert len(corpus.articles) == 2
    indexed = within_deadline(lambda: open_corpus(corpus_with_fifo, tmp_path / "index"))
    assert len(indexed.articles) == 2
    with pytest.raises(Exception, match="not a regular file"):
        within_deadline(lambda: Corpus.open(corpus_with_fifo / "evil.txt"))


def test_fifo_in_the_store_is_a_damaged_file_and_the_rest_load(tmp_path: Path) -> None:
    root = tmp_path / "store"
    with Store.open(root, annotator="a") as store:
        store.attach("a1", "بوتين في موسكو")
        store.set_status("a1", "done")
    os.mkfifo(root / "articles" / "evil.json")
    store = within_deadline(lambda: Store.open(root, annotator="a"))
    try:
        assert within_deadline(store.article_ids) == ["a1"]
        assert any("FIFO" in str(e) for e in store.errors)
    finally:
        store.close()


def test_schema_that_is_a_fifo_is_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "schema.toml"
    os.mkfifo(fifo)
    with pytest.raises(Exception, match="FIFO"):
        within_deadline(lambda: Schema.load(fifo))


def test_every_command_finishes_with_fifos_around(corpus_with_fifo: Path,
                                                  tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = warraq("suggest", str(corpus_with_fifo), "--store", str(store))
    assert done.returncode == 0, done.stderr
    os.mkfifo(store / "articles" / "evil.json")
    os.mkfifo(tmp_path / "import.jsonl")
    for args in (["stats", str(corpus_with_fifo), "--store", str(store)],
                 ["export", "--format", "conll", "--store", str(store),
                  "--out", str(tmp_path / "out.conll"), "--skip-damaged"],
                 ["import", str(tmp_path / "import.jsonl"), "--format", "doccano",
                  "--store", str(store)],
                 ["render", str(corpus_with_fifo / "evil.txt")]):
        done = warraq(*args)
        assert "Traceback" not in done.stderr, (args, done.stderr)
    assert "evil.json" in warraq("stats", str(corpus_with_fifo), "--store", str(store)).stderr

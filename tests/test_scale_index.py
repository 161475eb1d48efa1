"""The lazy corpus index: same list as a full scan, rebuilt only for what changed, never
trusted when damaged; the cheap JSONL scan agrees with the full parser; synthetic corpora."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.corpus import Corpus, date_and_time
from store.corpus_index import index_file, open_corpus, scan_jsonl_line
from store.dates import parse_date
from store.synthetic import generate, seed_sentences, write_corpus

SENTENCES = seed_sentences()


def _fields(corpus: Corpus) -> list[tuple]:
    return [(m.id, m.title, m.date, m.time, m.date_raw, m.url, m.source, m.author, m.line,
             m.byte_offset) for m in corpus.articles]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "pages", 60, "txt", seed=1, sentences=SENTENCES)


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "c.jsonl", 300, "jsonl", seed=2, sentences=SENTENCES)


def test_folder_index_matches_a_full_scan_and_is_reused(pages: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    first = open_corpus(pages, cache)
    assert first.index.mode == "built" and first.index.reread == 60
    assert _fields(first) == _fields(Corpus.open(pages))
    second = open_corpus(pages, cache)
    assert second.index.mode == "fresh" and second.index.reread == 0
    assert _fields(second) == _fields(first)
    # load() still gives the cleaned text whose hash the index recorded
    meta = second.articles[7]
    assert second.load(meta.id).sha256 == meta.extra["sha256"]
    assert (cache / ".gitignore").exists()


def test_folder_rereads_only_changed_files_and_drops_deleted(pages: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    open_corpus(pages, cache)
    files = sorted(pages.glob("*.txt"))
    changed = files[3]
    changed.write_text("عنوان جديد تماما للمقال\n\nنص المقال الجديد بعد التعديل الكامل.\n",
                       encoding="utf-8")
    os.utime(changed, ns=(1, 1_000_000_000))  # a different mtime whatever the clock says
    files[10].unlink()
    (pages / "zz_new.txt").write_text("مقال مضاف\n\nفقرة أولى في مقال مضاف حديثا.\n",
                                      encoding="utf-8")
    corpus = open_corpus(pages, cache)
    assert corpus.index.mode == "updated"
    assert corpus.index.reread == 2 and corpus.index.removed == 1
    assert corpus.meta(changed.stem).title == "عنوان جديد تماما للمقال"
    assert files[10].stem not in corpus and "zz_new" in corpus
    assert _fields(corpus) == _fields(Corpus.open(pages))


def test_bad_pages_are_remembered_as_errors(pages: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    (pages / "bad.txt").write_bytes(b"\xff\xfe\x00\x01binary")
    first = open_corpus(pages, cache)
    second = open_corpus(pages, cache)
    assert second.index.mode == "fresh"
    assert [str(e) for e in second.errors] == [str(e) for e in first.errors]
    assert any("bad.txt" in str(e) for e in second.errors) and "bad" not in second


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "version"])
def test_a_damaged_index_is_rebuilt_never_trusted(pages: Path, tmp_path: Path, damage: str):
    cache = tmp_path / "cache"
    good = _fields(open_corpus(pages, cache))
    path = index_file(cache, pages)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":  # a title changed in place, length kept: only the checksum sees it
        body_at = raw.index(b"\n") + 1
        pos = raw.index("،".encode(), body_at) if "،".encode() in raw[body_at:] else body_at + 50
        path.write_bytes(raw[:pos] + b"XX" + raw[pos + 2:])
    elif damage == "garbage":
        path.write_bytes(b"\x00\x01 not an index")
    else:
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        meta["version"] = 999
        path.write_bytes(json.dumps(meta).encode() + b"\n" + body)
    corpus = open_corpus(pages, cache)
    assert corpus.index.mode == "rebuilt" and corpus.index.problem
    assert _fields(corpus) == good


def test_jsonl_index_matches_full_parse(jsonl: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    first = open_corpus(jsonl, cache)
    assert _fields(first) == _fields(Corpus.open(jsonl))
    again = open_corpus(jsonl, cache)
    assert again.index.mode == "fresh" and _fields(again) == _fields(first)
    article = again.load(again.articles[123].id)
    assert article.meta.title == again.articles[123].title


def test_jsonl_append_reads_only_new_lines(jsonl: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    open_corpus(jsonl, cache)
    with jsonl.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "late", "title": "خبر متأخر", "date": "2024-05-01",
                                 "text": "خبر متأخر\n\nنص الخبر"}, ensure_ascii=False) + "\n")
        handle.write(json.dumps({"id": "a000001", "text": "نسخة مكررة"}) + "\n")
    corpus = open_corpus(jsonl, cache)
    assert corpus.index.mode == "appended" and corpus.index.reread == 1
    assert corpus.meta("late").date == "2024-05-01" and corpus.meta("late").line == 301
    assert any("duplicate id 'a000001'" in str(e) for e in corpus.errors)
    assert _fields(corpus) == _fields(Corpus.open(jsonl))


def test_jsonl_rewritten_in_place_is_reindexed(jsonl: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    open_corpus(jsonl, cache)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["title"] = "عنوان معدل"
    lines[0] = json.dumps(record, ensure_ascii=False)
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = open_corpus(jsonl, cache)
    assert corpus.index.mode == "updated"
    assert corpus.meta("a000000").title == "عنوان معدل"
    assert _fields(corpus) == _fields(Corpus.open(jsonl))


def test_jsonl_bad_records_are_reported_like_the_full_parse(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    rows = [
        '{"id": "ok", "title": "عنوان", "text": "نص"}',
        '{"id": "broken", "text": "نص", ',
        '["not", "an", "object"]',
        '{"id": "notext"}',
        '{"id": "ok", "text": "مكرر"}',
        '{"id": "blank", "text": "  \\n  "}',
        '{"text": "بلا معرف\\nسطر"}',
        '{"id": 7, "meta": {"text": "nested"}, "text": "\\"quoted\\" text", "date": "15/03/2023"}',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    indexed = open_corpus(path, tmp_path / "cache")
    full = Corpus.open(path)
    assert _fields(indexed) == _fields(full)
    assert [str(e) for e in indexed.errors] == [str(e) for e in full.errors]


@settings(max_examples=150, deadline=None)
@given(record=st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=8).filter(str.strip),
     "text": st.text(min_size=1, max_size=40)},
    optional={"title": st.text(max_size=12), "source": st.text(max_size=6),
              "date": st.sampled_from(["2021-09-14", "14 أيلول 2021", "x", "١٥/٠٣/٢٠٢٣"]),
              "text ": st.text(max_size=5), "extra": st.text(max_size=5)}),
    ascii_only=st.booleans())
def test_cheap_scan_agrees_with_full_parse(record, ascii_only):
    from store.corpus import _parse_record
    from store.errors import CorpusError

    raw = (json.dumps(record, ensure_ascii=ascii_only) + "\n").encode("utf-8")
    path = Path("x.jsonl")
    try:
        expected = _parse_record(raw, path, 3, 10)[0]
    except CorpusError as exc:
        expected = str(exc)
    try:
        got = scan_jsonl_line(raw, path, 3, 10)
    except CorpusError as exc:
        got = str(exc)
    if isinstance(expected, str) and " text" in expected and not isinstance(got, str):
        # Documented: problems inside the text itself (blank, control characters) are
        # reported when the article is opened, not by the cheap scan.
        return
    assert got == expected


def test_quick_dates_agree_with_parse_date():
    rng = random.Random(4)
    samples = [a.date_text for a in generate(400, seed=9, sentences=SENTENCES)]
    samples += ["2023-03-15T08:39:00Z", "31/02/2023", "15/03/2023 25:00", "18 أيلول/أكتوبر 2024",
                "15 مارس 1999 الساعة 10:00", "14 أيلول 2021 08:39 مساء", "0/1/2020", "", "."]
    samples += [f"{rng.randint(0, 40)}/{rng.randint(0, 14)}/{rng.randint(900, 3100)}"
                for _ in range(200)]
    for text in samples:
        parsed = parse_date(text) if text else None
        assert date_and_time(text) == ((parsed.date, parsed.time) if parsed else (None, None)), \
            text


def test_synthetic_is_deterministic_and_varied(tmp_path: Path):
    a = [x.record() for x in generate(50, seed=3, sentences=SENTENCES)]
    b = [x.record() for x in generate(50, seed=3, sentences=SENTENCES)]
    c = [x.record() for x in generate(50, seed=4, sentences=SENTENCES)]
    assert a == b and a != c
    assert len({r["title"] for r in a}) > 40 and len({r["source"] for r in a}) > 5
    pages = write_corpus(tmp_path / "p", 30, "txt", seed=3, sentences=SENTENCES)
    corpus = Corpus.open(pages)
    expected = list(generate(30, seed=3, sentences=SENTENCES))
    assert [m.title for m in corpus] == [x.title for x in expected]  # cleaning finds titles
    assert [m.date for m in corpus] == [x.date_iso for x in expected]  # and the dates


def test_synthetic_cli(tmp_path: Path):
    from store.synthetic import main

    assert main([str(tmp_path / "s.jsonl"), "--articles", "5", "--seed", "2"]) == 0
    assert len(Corpus.open(tmp_path / "s.jsonl")) == 5

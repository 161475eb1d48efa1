"""One poisoned record costs that record: integers of thousands of digits, very deep
nesting, NaN, lone surrogates and shapes no check foresaw are reported by file and line
while the good records of the same corpus or import file still load (issue 17, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import safe_json
from store.corpus import Corpus
from store.errors import CorpusError, StoreError
from store.formats import brat, conll, doccano, labelstudio
from store.storage import read_json
from store.text import canonical_text

AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين."
HUGE = "9" * 5000
DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("text, reason", [
    (HUGE, "5000 digits"),
    ("-" + HUGE, "5000 digits"),
    (DEEP, "nested deeper"),
    ('{"a":' * 100 + "1" + "}" * 100, "nested deeper"),
    ("NaN", "NaN"),
    ('{"x": -Infinity}', "Infinity"),
    ("{bad", "column 2"),
])
def test_safe_loads_refuses_with_one_reason(text: str, reason: str) -> None:
    with pytest.raises(safe_json.BadJSON) as caught:
        safe_json.loads(text)
    assert reason in caught.value.reason and "\n" not in caught.value.reason


def test_safe_loads_keeps_ordinary_json() -> None:
    value = {"start": -3, "end": 2**62, "x": [[[1.5]]], "s": "نص"}
    assert safe_json.loads(json.dumps(value)) == value


def test_decode_at_skips_just_the_refused_value() -> None:
    text = f'[{{"a": 1}}, {{"b": {HUGE}}}, {{"c": 3}}]'
    first, end = safe_json.decode_at(text, 1)
    assert first == {"a": 1}
    with pytest.raises(safe_json.BadJSON) as caught:
        safe_json.decode_at(text, end + 2)
    assert caught.value.end is not None
    third, _ = safe_json.decode_at(text, caught.value.end + 2)
    assert third == {"c": 3}


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_poisoned_jsonl_lines_are_reported_and_the_rest_load(tmp_path: Path) -> None:
    good = json.dumps({"id": "a1", "text": AR}, ensure_ascii=False)
    path = _jsonl(tmp_path, [
        good,
        '{"id": "big", "text": "نص", "n": ' + HUGE + "}",
        '{"id": "deep", "text": "نص", "x": ' + DEEP + "}",
        '{"id": "sur", "text": "نص \\ud800 نص"}',
        '{"id": "nan", "text": "نص", "n": NaN}',
        json.dumps({"id": "a2", "text": AR}, ensure_ascii=False),
    ])
    corpus = Corpus.open(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    lines = sorted(e.line for e in corpus.errors)
    assert lines == [2, 3, 4, 5]
    for error in corpus.errors:
        assert str(error).startswith(f"{path}:") and "\n" not in str(error)


def test_lone_surrogate_text_is_refused_in_one_line() -> None:
    with pytest.raises(CorpusError, match="lone surrogate U\\+D800"):
        canonical_text("نص \ud800 نص", "x.jsonl")


def test_store_file_with_a_huge_integer_is_damaged_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"article": {"1": {"start": ' + HUGE + "}}}", encoding="utf-8")
    with pytest.raises(StoreError, match="5000 digits"):
        read_json(path)
    path.write_text('{"article": ' + DEEP + "}", encoding="utf-8")
    with pytest.raises(StoreError, match="nested deeper"):
        read_json(path)


def test_one_poisoned_doccano_line_does_not_drop_the_import(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": AR, "label": [[22, 35, "PERS"]]}, ensure_ascii=False),
        '{"text": "x", "label": [[0, ' + HUGE + ', "PERS"]]}',
        '{"text": "x", "label": ' + DEEP + "}",
        '{"text": "نص", "label": [[0, 2, ["PERS"]]]}',  # a label that cannot be hashed
        '{"text": "نص", "label": 7}',
        json.dumps({"text": "بوتين في موسكو", "label": [[0, 5, "PERS"]]}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    report = doccano.read(path, known_labels={"PERS"})
    texts = [d.text for d in report.docs]
    assert texts[0] == AR and texts[-1] == "بوتين في موسكو" and "x" not in texts
    lines = {p.line for p in report.problems}
    assert {2, 3, 4, 5} <= lines
    assert all("\n" not in str(p) for p in report.problems)


def test_one_poisoned_label_studio_task_does_not_drop_the_array(tmp_path: Path) -> None:
    good = {"data": {"text": AR}, "annotations": []}
    path = tmp_path / "ls.json"
    path.write_text("[\n" + json.dumps(good, ensure_ascii=False) + ",\n"
                    + '{"data": {"text": "x"}, "n": ' + HUGE + "},\n"
                    + json.dumps(good, ensure_ascii=False) + "\n]", encoding="utf-8")
    report = labelstudio.read(path, known_labels={"PERS"})
    assert len(report.docs) == 2
    assert [p.line for p in report.problems] == [3]


def test_brat_huge_offsets_and_bad_files_cost_one_line_or_one_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        f"T1\tPERS 22 35\t{AR[22:35]}\nT2\tPERS 0 {HUGE}\tx\nE1\t \n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe not utf-8 \xc0")
    (tmp_path / "b.ann").write_text("T1\tPERS 0 1\tx\n", encoding="utf-8")
    report = brat.read(tmp_path, known_labels={"PERS"})
    assert [d.id for d in report.docs] == ["a"]
    assert len(report.docs[0].annotations.entities) == 1
    problems = {(Path(p.path).name, p.line) for p in report.problems}
    assert ("a.ann", 2) in problems and ("a.ann", 3) in problems
    assert any(name == "b.txt" for name, _ in problems)


def test_conll_line_that_is_not_utf8_costs_that_line(tmp_path: Path) -> None:
    path = tmp_path / "c.conll"
    path.write_bytes("بوتين B-PERS\n".encode() + b"\xff\xfe O\n" + "في O\n".encode())
    report = conll.read(path, known_labels={"PERS"})
    assert [p.line for p in report.problems] == [2]
    assert report.docs and report.docs[0].text == "بوتين في"


def test_poisoned_jsonl_lines_through_the_corpus_index(tmp_path: Path) -> None:
    from store.corpus_index import open_corpus

    path = _jsonl(tmp_path, [
        json.dumps({"id": "a1", "text": AR}, ensure_ascii=False),
        '{"id": "big", "text": "نص", "n": ' + HUGE + "}",
        '{"id": "deep", "text": "نص", "x": ' + DEEP + "}",
        '{"id": "nan", "text": "نص", "n": NaN}',
        json.dumps({"id": "a2", "text": AR}, ensure_ascii=False),
    ])
    corpus = open_corpus(path, tmp_path / "index")
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert sorted(e.line for e in corpus.errors) == [2, 3, 4]

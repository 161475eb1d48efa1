"""Fuzzing every importer: mutated exports of the annotated seeds never raise a traceback.

Each example exports the seed articles to a format, mutates the file (lines deleted,
duplicated, truncated or replaced by junk, values swapped for wrong types, bytes that are
not UTF-8, control characters) and reads it back as ``warraq import`` does. Allowed outcomes:
an ``ImportReport`` whose problems are one line each and name FILE:LINE, or a one-line
``WarraqError`` for a file that cannot be read at all. For line-based formats the records on
lines left alone still import. A sample of the reports is then merged into a real store,
which may refuse records (reported) but never raises.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from formats_seed_fixture import seed_docs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import WarraqError
from store.formats import brat, conll, doccano, labelstudio, native, webanno
from store.formats.common import ExportOptions, ImportReport
from store.records import SpanStatus
from store.schema import Schema
from store.store import Store
from tui.cli.import_ import import_report, read_file

LABELS = set(Schema.load(None).entity_labels)
ALL = ExportOptions(statuses=frozenset(SpanStatus))
_FAST = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "{", "[]", "null", "{}", '{"id": 1}', '{"text": 5}', '{"id": "x", "text": ""}',
        '{"id": "x", "text": "نص", "entities": [{"start": -1, "end": 2}]}',
        '{"id": "x", "text": "نص", "label": [[0, 99, "PERS"]]}',
        '{"id": "x", "text": "نص", "label": [["a", "b", 3]]}',
        "T1\tPERS 0 5\tبوتين", "T2\tPERS 5 0\tx", "E1\tMEET:T9 SOURCE:T7", "A1\tNeg E1",
        "#Text=\x1b[31m", "1-1\t0-5\tبوتين\tPERS[1]", "بوتين B-PERS I-ORG", "x\tB-", "\x00",
        "\ufeff", "\u202e" * 5, "-" * 500,
    ]),
)
MUTATION = st.tuples(
    st.sampled_from(["delete", "duplicate", "truncate", "replace", "insert", "swap_value",
                     "control"]),
    st.integers(min_value=0, max_value=10**6),
    JUNK,
)


def _export_stream(module, **kw) -> str:
    buf = io.StringIO()
    module.export(seed_docs(), buf, ALL, **kw)
    return buf.getvalue()


STREAM_TEXT = {
    "jsonl": _export_stream(native),
    "doccano": _export_stream(doccano),
    "labelstudio": _export_stream(labelstudio),
    "conll": _export_stream(conll),
}


def _swap_value(line: str, pos: int) -> str:
    """Replace one JSON value of a record line with a value of the wrong type."""
    try:
        record = json.loads(line)
    except ValueError:
        return line[: pos % (len(line) + 1)]
    if not isinstance(record, dict) or not record:
        return "[]"
    keys = sorted(record)
    key = keys[pos % len(keys)]
    wrong = [None, -7, "نص", [], {}, True, 10**30, [[0, 1]]][pos % 8]
    record[key] = wrong
    return json.dumps(record, ensure_ascii=False)


def mutate(text: str, mutations: list[tuple[str, int, str]]) -> tuple[str, set[int]]:
    """Apply the mutations line-wise; returns the text and the 1-based lines touched
    (numbered as in the result)."""
    lines = text.split("\n")
    touched: set[int] = set()
    for kind, pos, junk in mutations:
        i = pos % max(len(lines), 1)
        if kind == "delete" and lines:
            del lines[i]
            touched = {t if t <= i else t - 1 for t in touched if t != i + 1}
            touched.add(min(i + 1, len(lines)))
        elif kind == "duplicate" and lines:
            lines.insert(i, lines[i])
            touched = {t if t <= i else t + 1 for t in touched}
            touched |= {i + 1, i + 2}
        elif kind == "truncate" and lines:
            lines[i] = lines[i][: pos % (len(lines[i]) + 1)]
            touched.add(i + 1)
        elif kind == "replace" and lines:
            lines[i] = junk.replace("\n", " ")
            touched.add(i + 1)
        elif kind == "insert":
            lines.insert(i, junk.replace("\n", " "))
            touched = {t if t <= i else t + 1 for t in touched}
            touched.add(i + 1)
        elif kind == "swap_value" and lines:
            lines[i] = _swap_value(lines[i], pos)
            touched.add(i + 1)
        elif kind == "control" and lines:
            line = lines[i]
            cut = pos % (len(line) + 1)
            lines[i] = line[:cut] + "\x1b[2J\x00\u202e\x85" + line[cut:]
            touched.add(i + 1)
    return "\n".join(lines), touched


def check_report(report: ImportReport, path: Path) -> None:
    assert isinstance(report, ImportReport)
    for problem in report.problems:
        message = str(problem)
        assert "\n" not in message, message
        assert message.startswith(str(path)), message
        assert problem.reason


def read_or_refuse(fmt: str, path: Path) -> ImportReport | None:
    try:
        report = read_file(fmt, path, LABELS)
    except WarraqError as exc:  # the whole file is unusable: one line naming it
        assert "\n" not in str(exc) and str(path.name) in str(exc)
        return None
    check_report(report, path)
    return report


def merge_into_store(report: ImportReport) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "store", require_write=True)
        try:
            stats = import_report(store, report, as_gold=True, source="fuzz")
            assert all(isinstance(line, int | None) for line, _ in stats.problems)
            for art in store.iter_articles():  # whatever went in is consistent
                for e in art.annotations.entities:
                    assert art.text[e.start:e.end] == e.text
        finally:
            store.close()


@pytest.mark.parametrize("fmt", sorted(STREAM_TEXT))
@_FAST
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4), merge=st.integers(0, 7))
def test_mutated_stream_files_never_crash_the_importer(fmt, mutations, merge):
    text, touched = mutate(STREAM_TEXT[fmt], mutations)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz.{fmt}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        report = read_or_refuse(fmt, path)
        if report is None:
            return
        if fmt in ("jsonl", "doccano"):
            # One record a line: every record on a line left alone still imports.
            for number, line in enumerate(text.split("\n"), start=1):
                if number in touched or not line.strip():
                    continue
                record = json.loads(line)
                assert any(d.id == str(record["id"]) for d in report.docs), (number, record["id"])
        if merge == 0:
            merge_into_store(report)


@_FAST
@given(data=st.binary(max_size=300), fmt=st.sampled_from(sorted(STREAM_TEXT)))
def test_random_bytes_never_crash_the_importer(data, fmt):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz.{fmt}"
        path.write_bytes(data)
        read_or_refuse(fmt, path)


@pytest.mark.parametrize(("fmt", "module"), [("brat", brat), ("webanno", webanno)])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4), which=st.integers(0, 100))
def test_mutated_folder_formats_never_crash_the_importer(fmt, module, mutations, which):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / fmt
        module.export(seed_docs(), folder, ALL)
        files = sorted(p for p in folder.iterdir() if p.suffix in (".ann", ".tsv", ".txt"))
        target = files[which % len(files)]
        text, _ = mutate(target.read_text(encoding="utf-8"), mutations)
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
        report = read_or_refuse(fmt, folder)
        if report is not None and which % 8 == 0:
            merge_into_store(report)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                      max_size=6), cut=st.integers(0, 10**6))
def test_damaged_spacy_docbin_never_crashes_the_importer(flips, cut):
    pytest.importorskip("spacy")
    from store.formats import spacy_docbin

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.spacy"
        spacy_docbin.export(seed_docs(), path, ALL)
        raw = bytearray(path.read_bytes())
        for pos, value in flips:
            raw[pos % len(raw)] = value
        path.write_bytes(bytes(raw[: max(1, cut % (len(raw) + 1))]))
        read_or_refuse("spacy", path)

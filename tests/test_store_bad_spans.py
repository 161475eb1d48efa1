"""Spans in a store file that do not fit its text (negative, reversed, past the end, or
quoting other text than the slice) are refused one by one (issue 17, item 8): the rest of
the article loads and stays editable, each bad record is named, none is shown or exported,
and saving keeps the bad records in the file as they were (nothing silently dropped)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from store.records import EntitySpan
from store.store import Store

ROOT = Path(__file__).resolve().parent.parent
TEXT = "استقبل بوتين الأسد في الكرملين بموسكو."
AID = "a1"


def _span(word: str) -> EntitySpan:
    start = TEXT.index(word)
    return EntitySpan(start=start, end=start + len(word), text=word, label="PERS")


def _store_with_bad_spans(root: Path) -> Path:
    with Store.open(root, annotator="a") as store:
        store.attach(AID, TEXT)
        for word in ("بوتين", "الأسد", "الكرملين", "بموسكو"):
            store.add_entity(AID, _span(word))
        path = store.get(AID).path
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["entities"]
    keys = sorted(records, key=int)
    records[keys[1]]["start"], records[keys[1]]["end"] = 18, 13   # reversed
    records[keys[2]]["end"] = len(TEXT) + 40                        # past the end
    records[keys[3]]["text"] = "دمشق"                                # not the slice
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_bad_spans_are_refused_one_by_one_and_kept_on_save(tmp_path: Path) -> None:
    path = _store_with_bad_spans(tmp_path / "st")
    before = json.loads(path.read_text(encoding="utf-8"))["entities"]
    with Store.open(tmp_path / "st", annotator="a") as store:
        art = store.attach(AID, TEXT)
        assert art.error is None
        assert [e.text for e in art.annotations.entities] == ["بوتين"]
        assert len(art.rejected) == 3
        assert any("reversed" in p for p in art.rejected)
        assert any("outside the text" in p for p in art.rejected)
        assert any("'دمشق'" in p for p in art.rejected)
        store.add_entity(AID, _span("الأسد"))  # still editable
    after = json.loads(path.read_text(encoding="utf-8"))["entities"]
    for key, record in before.items():
        if key != min(before, key=int):
            assert after[key] == record  # the refused records, byte for byte as values
    assert len(after) == 5


def _export(store: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "--format", "doccano", "--store",
         str(store), "--out", str(out), *extra],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "WARRAQ_NO_PROGRESS": "1"})


def test_export_names_bad_spans_and_stops_unless_told_to_skip(tmp_path: Path) -> None:
    _store_with_bad_spans(tmp_path / "st")
    out = tmp_path / "out.jsonl"
    done = _export(tmp_path / "st", out)
    assert done.returncode != 0
    assert "reversed" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    done = _export(tmp_path / "st", out, "--skip-damaged")
    assert done.returncode == 0, done.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    labels = record.get("label") or record.get("labels")
    assert len(labels) == 1 and TEXT[labels[0][0]:labels[0][1]] == "بوتين"

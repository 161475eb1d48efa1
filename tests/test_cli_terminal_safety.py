"""Every command's terminal output, on a hostile store and corpus, holds no control of the data.

Names, sources, ids, labels, titles, file names and article text all carry ESC sequences
(a title change, a screen clear, CSI), BEL, the C1 CSI byte U+009B, bidi overrides and
isolates and zero-width characters. Each command runs as a person runs it: stdout and stderr
a real pseudo-terminal. With NO_COLOR (or TERM=dumb) nothing may write an ESC at all; with
colour, once Warraq's own SGR colour codes are taken out, nothing of the data may remain.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.records import EntitySpan, SpanStatus
from store.store import Store

ROOT = Path(__file__).resolve().parent.parent
NASTY = "x\x1b]0;PWNED\x07\x1b[2J\x1b[31m\x9b1m\u202e\u2066\u200b\u200fz"
AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
TEXT = AR.replace("نظيره", f"نظيره {NASTY}")
#: What must never reach a terminal: ESC, BEL, C1, bidi controls, zero-width characters.
FORBIDDEN = re.compile(
    "[\x07\x1b\x80-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
OUR_SGR = re.compile("\x1b\\[[0-9;]*m")


def _span(text: str, word: str, label: str, **kw: object) -> EntitySpan:
    start = text.index(word)
    return EntitySpan(start, start + len(word), word, label, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose annotator, sources, labels, ids, titles and text are hostile, a corpus
    folder and a JSONL corpus of the same, an import file, and a damaged store file."""
    base = tmp_path_factory.mktemp("hostile")
    store_dir = base / "store"
    with Store.open(store_dir, annotator=NASTY) as store:
        for article_id in (NASTY, "plain"):
            store.attach(article_id, TEXT, {"title": NASTY, "source": NASTY})
            store.add_entity(article_id, _span(TEXT, "بوتين", "PERS"))
            store.add_entity(article_id, _span(TEXT, "الأسد", "PERS", origin=NASTY,
                                               status=SpanStatus.PENDING))
            store.add_entity(article_id, _span(TEXT, "الكرملين", "LOC", origin=NASTY,
                                               status=SpanStatus.REJECTED))
            store.set_status(article_id, "done")
    # A label only a hand (or another tool) could write: the schema would refuse it.
    for path in (store_dir / "articles").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data["entities"].values():
            if record["status"] == "accepted":
                record["label"] = NASTY
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # A damaged file whose own name is hostile.
    (store_dir / "articles" / f"{NASTY.replace(chr(0), '')}.json").write_text("{", "utf-8")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / f"{NASTY}.txt").write_text(f"{NASTY}\n\n{TEXT}\n", encoding="utf-8")
    (corpus / "empty\x1b[2J.txt").write_bytes(b"")
    (base / "corpus.jsonl").write_text(
        json.dumps({"id": NASTY, "title": NASTY, "text": TEXT}, ensure_ascii=False) + "\n"
        + '{"id": "broken\\u001b[2J", "text": 5}\n', encoding="utf-8")
    (base / "import.jsonl").write_text(json.dumps({
        "id": NASTY + "-imported", "text": TEXT + " " + NASTY,
        "entities": [{"start": TEXT.index("بشار"), "end": TEXT.index("بشار") + 4,
                      "text": "بشار", "label": NASTY}],
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    return base


def run_on_pty(args: list[str], env: dict[str, str], timeout: float = 120) -> tuple[str, int]:
    """Run ``warraq ARGS`` with stdout and stderr on a pseudo-terminal; (what it showed, rc)."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                            env={**os.environ, "WARRAQ_NO_PROGRESS": "1", **env})
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal has gone
                break
            if not data:
                break
            chunks.append(data)
        else:
            proc.kill()
            raise AssertionError(f"warraq {args} did not finish in {timeout} s")
        rc = proc.wait(timeout=30)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8"), rc  # strict: a lone C1 byte fails here


def _commands(base: Path, store: str) -> dict[str, list[str]]:
    s = ["--store", store, "--annotator", NASTY]
    return {
        "render folder": ["render", str(base / "corpus")],
        "render jsonl": ["render", str(base / "corpus.jsonl")],
        "render id": ["render", str(base / "corpus.jsonl"), "--id", NASTY],
        "stats": ["stats", *s],
        "stats suggestions": ["stats", "--suggestions", *s],
        "stats corpus": ["stats", str(base / "corpus"), "--suggestions", *s],
        "export jsonl": ["export", "-f", "jsonl", "--status", "accepted,pending,rejected",
                         "--skip-damaged", *s],
        "export conll": ["export", "-f", "conll", "--skip-damaged", *s],
        "export doccano": ["export", "-f", "doccano", "--skip-damaged", *s],
        "export labelstudio": ["export", "-f", "labelstudio", "--status", "accepted,pending",
                               "--skip-damaged", *s],
        "export damaged": ["export", "-f", "jsonl", *s],
        "export out": ["export", "-f", "jsonl", "--skip-damaged", "--out",
                       str(base / f"out{NASTY}.jsonl"), *s],
        "import": ["import", str(base / "import.jsonl"), "-f", "jsonl", "--as", "suggestions",
                   "--source", NASTY, *s],
        "import missing": ["import", str(base / f"no{NASTY}.jsonl"), "-f", "jsonl", *s],
        "suggest": ["suggest", str(base / "corpus"), "--source", NASTY, *s],
        "suggest jsonl": ["suggest", str(base / "corpus.jsonl"), *s],
        "bad choice": ["export", "--format", NASTY, *s],
        "bad argument": ["render", str(base / "corpus"), NASTY],
        "app bad argument": [f"--{NASTY}"],
        "app missing corpus": [str(base / f"missing{NASTY}")],
        "bad schema": ["stats", "--schema", str(base / f"{NASTY}.toml"), *s],
    }


COMMANDS = list(_commands(Path("."), "s"))


def _copy_store(hostile: Path, tmp_path: Path) -> str:
    store = tmp_path / "store"
    shutil.copytree(hostile / "store", store)
    return str(store)


def _assert_clean(name: str, shown: str) -> None:
    found = sorted({f"U+{ord(ch):04X}" for ch in FORBIDDEN.findall(shown)})
    assert not found, f"{name}: {found} reached the terminal:\n{shown!r}"
    assert "Traceback" not in shown, f"{name}:\n{shown}"


@pytest.mark.parametrize("name", COMMANDS)
def test_no_control_reaches_the_terminal_without_colour(hostile: Path, tmp_path: Path,
                                                         name: str) -> None:
    args = _commands(hostile, _copy_store(hostile, tmp_path))[name]
    shown, rc = run_on_pty(args, {"NO_COLOR": "1", "TERM": "xterm-256color"})
    _assert_clean(name, shown)
    if name.startswith(("bad", "app", "import missing")):
        assert rc != 0 and "warraq" in shown
    if name == "export damaged":  # named (with signs), refused
        assert rc != 0 and "--skip-damaged" in shown and "\u241b[2J" in shown


@pytest.mark.parametrize("name", ["render folder", "stats suggestions", "export conll",
                                  "export jsonl", "suggest"])
def test_only_our_own_colour_codes_reach_a_colour_terminal(hostile: Path, tmp_path: Path,
                                                           name: str) -> None:
    args = _commands(hostile, _copy_store(hostile, tmp_path))[name]
    env = {"TERM": "xterm-256color", "NO_COLOR": "", "FORCE_COLOR": ""}
    shown, _ = run_on_pty(args, env)
    _assert_clean(name, OUR_SGR.sub("", shown))


@pytest.mark.parametrize("name", ["render folder", "stats suggestions"])
def test_dumb_terminal_gets_no_escape_at_all(hostile: Path, tmp_path: Path, name: str) -> None:
    args = _commands(hostile, _copy_store(hostile, tmp_path))[name]
    shown, rc = run_on_pty(args, {"TERM": "dumb", "NO_COLOR": ""})
    _assert_clean(name, shown)
    assert rc == 0 and "\u241b" in shown  # the data's ESC is there, as its sign


def test_export_to_a_pipe_is_the_data_unchanged(hostile: Path, tmp_path: Path) -> None:
    """Only a terminal gets signs: a pipe or a file gets every byte of the article text."""
    store = _copy_store(hostile, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "-f", "jsonl", "--skip-damaged",
         "--store", store], capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    texts = {json.loads(line)["text"] for line in done.stdout.splitlines()}
    assert texts == {TEXT}
    assert "\x1b" not in done.stderr  # stderr was a pipe too, but it names a damaged file


def test_safe_stream_keeps_lines_and_shows_controls() -> None:
    import io

    from tui.cli.output import TerminalSafeStream, for_terminal, safe_lines

    class FakeTty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = FakeTty()
    stream = for_terminal(tty)
    assert isinstance(stream, TerminalSafeStream)
    stream.write("a\x1b[2J\tb\r\n\u202ec\x9b\n")
    assert tty.getvalue() == "a\u241b[2J\tb\u240d\n\u21ccc\u2426\n"
    pipe = io.StringIO()
    assert for_terminal(pipe) is pipe
    plain = "بوتين\tPutin\n"
    assert safe_lines(plain) == plain

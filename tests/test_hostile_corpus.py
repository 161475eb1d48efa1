"""A folder of hostile pages (DESIGN §12): each loads with its controls kept in the text and
shown as signs, or is refused with one line naming the file and the reason; ``warraq
render`` of each never crashes and never writes a control byte from the text.

The fixtures are generated in code (``write_hostile``), so the repository holds no binary
or 10 MB files; ``tests/test_hostile_app.py`` opens the same folder in the app.
"""

from __future__ import annotations

import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from store.corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent
AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
BODY = [
    AR,
    "وقال بيان للرئاسة السورية إن الجانبين بحثا التعاون الاقتصادي والعسكري.",
    "وأكد الأسد أن سوريا تقدّر الدعم الروسي في مكافحة الإرهاب.",
]
C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\n\r")
C1 = "".join(chr(c) for c in range(0x7F, 0xA0) if c != 0x85)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZW = "\u200b\u200c\u200d\u2060\ufeff"
ESCAPES = ("\x1b[2J\x1b[H\x1b[5;31mأحمر\x1b[0m \x1b]0;PWNED\x07 "
           "\x1b]8;;http://evil\x1b\\رابط\x1b]8;;\x1b\\")


def _page(title: str, *paragraphs: str) -> str:
    return "\n\n".join([title, *paragraphs])


def _varied_body(n: int) -> str:
    return "\n\n".join(f"{BODY[i % 3]} الفقرة رقم {i} من التقرير {i * 7919 % 10007}."
                       for i in range(n))


#: name -> (bytes, "load" or the words of the refusal)
def hostile_pages(giant: bool = True) -> dict[str, tuple[bytes, str]]:
    pages = {
        "ansi_escapes": (_page("عنوان فيه " + ESCAPES, AR + ESCAPES, *BODY[1:]).encode(),
                         "load"),
        "bidi_overrides": (_page("عنوان \u202eمعكوس\u202c", f"{BIDI}{AR}{BIDI}",
                                 "\u2067الأسد\u2069 and \u202dPutin\u202c", *BODY).encode(),
                           "load"),
        "bom": (b"\xef\xbb\xbf" + _page("عنوان بعلامة", *BODY).encode(), "load"),
        "double_bom": (b"\xef\xbb\xbf\xef\xbb\xbf" + _page("عنوان", *BODY).encode(), "load"),
        "c0_c1_controls": (_page("عنوان", *BODY, AR + C0 + AR, AR + C1 + BODY[1],
                                 BODY[2] * 3).encode(), "load"),
        "crlf": (_page("عنوان", *BODY).replace("\n", "\r\n").encode(), "load"),
        "lone_cr_nel_ls": (("عنوان\r\r" + BODY[0] + "\x85" + BODY[1] + "\u2028" + BODY[2]
                            + "\u2029" + AR).encode(), "load"),
        "stray_nuls": (_page("عنوان", AR + "\x00" + BODY[1], *BODY).encode(), "load"),
        "zero_width": (_page("عنوان" + ZW, AR.replace(" ", " \u200b"), ZW * 3 + BODY[1],
                             BODY[2]).encode(), "load"),
        "huge_article": (_page("مقال طويل جدا", _varied_body(4000)).encode(), "load"),
        "empty": (b"", "empty file"),
        "whitespace_only": (" \n\t\r\n\u200b\n".encode(), "whitespace-only"),
        "binary": (bytes(range(256)) * 64, "binary"),
        "nul_padded": (_page("عنوان", *BODY).encode() + b"\x00" * 4096, "NUL bytes"),
        "utf16": (_page("عنوان", *BODY).encode("utf-16"), "UTF-16 text"),
        "invalid_utf8": (_page("عنوان", *BODY).encode() + b"\xc3\x28 tail",
                         "not valid UTF-8"),
        "latin1": ("Résumé de presse: café".encode("latin-1"), "not valid UTF-8"),
    }
    if giant:
        words = (AR + " ") * (10_000_000 // len((AR + " ").encode()) + 1)
        pages["giant_line"] = (("سطر عملاق\n" + words).encode(), "load")
    return pages


def write_hostile(folder: Path, giant: bool = True) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    expect = {}
    for name, (raw, outcome) in hostile_pages(giant).items():
        (folder / f"{name}.txt").write_bytes(raw)
        expect[name] = outcome
    return expect


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_hostile(folder, giant=False)


def _no_raw(text: str) -> None:
    for ch in text:
        if ch != "\n":
            assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"), hex(ord(ch))


def test_folder_loads_the_textual_and_refuses_the_rest_in_one_line(hostile) -> None:
    folder, expect = hostile
    corpus = Corpus.open(folder)
    loaded = {meta.id for meta in corpus}
    assert loaded == {name for name, outcome in expect.items() if outcome == "load"}
    assert len(corpus.errors) == len(expect) - len(loaded)
    for error in corpus.errors:
        name = Path(error.path).stem
        assert expect[name] in error.reason, (name, str(error))
        assert str(error).startswith(str(folder / f"{name}.txt") + ": ")
        assert "\n" not in str(error)


def test_controls_stay_in_the_text_so_offsets_refer_to_it(hostile) -> None:
    folder, _ = hostile
    corpus = Corpus.open(folder)
    ansi = corpus.load("ansi_escapes").text
    assert "\x1b]0;PWNED\x07" in ansi and ansi.index(AR) >= 0
    assert C0.replace("\t", "") in corpus.load("c0_c1_controls").text.replace("\t", "")
    assert BIDI in corpus.load("bidi_overrides").text
    assert "\x00" in corpus.load("stray_nuls").text
    for name in ("crlf", "lone_cr_nel_ls", "bom", "double_bom"):
        text = corpus.load(name).text
        assert "\r" not in text and "\x85" not in text and not text.startswith("\ufeff")
        assert BODY[1] in text


def _render(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", "render", *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          timeout=300)


def test_render_of_the_folder_prints_every_loadable_page_without_controls(hostile) -> None:
    folder, expect = hostile
    done = _render(str(folder), "--width", "70")
    assert done.returncode == 0, done.stderr
    _no_raw(done.stdout)
    assert "Traceback" not in done.stderr
    refused = [line for line in done.stderr.splitlines() if line.startswith("warraq: ")]
    assert len(refused) == sum(1 for o in expect.values() if o != "load")
    # The signs for the controls are on the page instead: ESC, NUL, the bidi sign.
    for sign in ("\u241b", "\u2400", "\u21cc"):
        assert sign in done.stdout


@pytest.mark.parametrize("name", [n for n, (_, o) in hostile_pages(False).items() if o != "load"])
def test_render_of_a_refused_page_is_one_line_and_non_zero(hostile, name) -> None:
    folder, expect = hostile
    done = _render(str(folder / f"{name}.txt"))
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and expect[name] in done.stderr


def test_render_in_colour_adds_only_its_own_escapes(hostile) -> None:
    from tui.rtl.render import BOLD, DIM, RESET, render_lines

    folder, _ = hostile
    text = Corpus.open(folder).load("ansi_escapes").text
    out = "\n".join(render_lines(text, 60, color=True))
    assert DIM in out  # the placeholders are dimmed
    _no_raw(out.replace(BOLD, "").replace(DIM, "").replace(RESET, ""))


def test_render_of_a_10mb_single_line_finishes(tmp_path) -> None:
    """The giant paragraph path: the first lines come at once, the whole page in linear
    time (about 6 µs a character here), nothing raw."""
    raw, _ = hostile_pages(giant=True)["giant_line"]
    path = tmp_path / "giant_line.txt"
    path.write_bytes(raw[: 1_000_000])  # a tenth keeps the default suite fast; see README
    started = time.perf_counter()
    done = _render(str(path), "--width", "100")
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") > 5_000
    _no_raw(done.stdout[:200_000])
    assert elapsed < 120

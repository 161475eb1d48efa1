"""kitty's and alacritty's cell fixes (tui.rtl.cell_fixes), the ``--bidi auto`` choice, and
the app's frames passing through them. What each fix does was seen under Xvfb in kitty
0.26 and alacritty 0.11 (README, Terminals); these tests hold the exact cells sent."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style

from tui.rtl.cell_fixes import (
    alacritty_marks,
    cells_of,
    fix_line,
    fix_segments,
    kitty_runs,
    runs_reversed_by_shaper,
)
from tui.rtl.render import render_lines
from tui.rtl.terminals import choose_mode, detect

FATHA, SHADDA = "\u064e", "\u0651"


def test_cells_keep_marks_with_their_letter() -> None:
    assert cells_of("ب" + FATHA + "ت ") == ["ب" + FATHA, "ت", " "]


def test_kitty_reverses_arabic_runs_only_and_swaps_brackets() -> None:
    line = "ﺖﺃﺪﺑ (ﻡﻮﻴﻟﺍ) BBC 2023 ab"
    fixed = "".join(kitty_runs(cells_of(line)))
    # Arabic words come reversed; "(ﻡﻮﻴﻟﺍ)" reversed with its brackets swapped back;
    # Latin and digits untouched (HarfBuzz lays them out left to right).
    assert fixed == "ﺖﺃﺪﺑ"[::-1] + " (" + "ﻡﻮﻴﻟﺍ"[::-1] + ") BBC 2023 ab"


def test_kitty_runs_are_cut_by_blanks_box_drawing_and_font_face() -> None:
    cells = cells_of("ﺏﺕ│ﺙﺝ ﺡﺥ")
    assert runs_reversed_by_shaper(cells) == [(0, 2), (3, 5), (6, 8)]
    faces = [False, True, False, False, False, False, False, False]
    assert runs_reversed_by_shaper(cells, faces) == [(3, 5), (6, 8)]


def test_a_run_starting_with_digits_then_arabic_is_still_right_to_left() -> None:
    # HarfBuzz takes the direction from the first letter of a real script: "20ﺏ" is RTL.
    assert runs_reversed_by_shaper(cells_of("20ﺏ")) == [(0, 3)]
    assert runs_reversed_by_shaper(cells_of("ab20")) == []


def test_alacritty_moves_each_mark_one_cell_left() -> None:
    cells = cells_of("ﺏ" + FATHA + "ﺕﺙ" + SHADDA)
    # The fatha stays on the first cell (nothing left of it), the shadda of ﺙ moves to ﺕ.
    assert alacritty_marks(cells) == ["ﺏ" + FATHA, "ﺕ" + SHADDA, "ﺙ"]
    assert alacritty_marks(cells_of("a" + FATHA + "b")) == ["a" + FATHA, "b"]
    assert alacritty_marks(cells_of("ab" + FATHA)) == ["a" + FATHA, "b"]


arabic_text = st.text(
    alphabet=st.sampled_from([*"بتثجحخدذرزسشصضطظعغفقكلمنهوي ()«»0123ab.،", FATHA, SHADDA]),
    max_size=60,
)


SAME_BRACKET = str.maketrans(")»", "(«")


@given(arabic_text)
def test_fixes_keep_every_cell_and_every_character(text: str) -> None:
    for line in render_lines(text, 40, mode="app"):
        cells = cells_of(line)
        for fix in (kitty_runs, alacritty_marks):
            fixed = fix(cells)
            assert len(fixed) == len(cells)  # every column Textual computed stays true
            assert all(not unicodedata.combining(c[0]) for c in fixed[1:])
            assert sorted("".join(fixed).translate(SAME_BRACKET)) == sorted(
                line.translate(SAME_BRACKET))
            # Blanks never move: they cut kitty's runs and carry no marks of their own.
            assert [i for i, c in enumerate(fixed) if c[0] == " "] == [
                i for i, c in enumerate(cells) if c[0] == " "]


def test_kitty_twice_is_the_identity_on_arabic_words() -> None:
    line = "ﺏﺪﺃﺖ (ﺍﻟﻴﻮﻡ) «ﻻ» 2023 BBC"
    once = kitty_runs(cells_of(line))
    assert "".join(kitty_runs(once)) == line


def test_segments_keep_each_column_style_and_controls() -> None:
    red, blue = Style(color="red"), Style(color="blue")
    segments = [Segment("ﺏﺕ", red), Segment("ﺙ", blue), Segment("", None, [(1, 0)]),
                Segment(" x", None)]
    fixed = fix_segments(segments, "kitty")
    assert fixed is not None
    assert [(s.text, s.style) for s in fixed if not s.control] == [
        ("ﺙﺕ", red), ("ﺏ", blue), (" x", None)]
    assert fix_segments([Segment("plain latin")], "kitty") is None
    assert fix_segments(segments, "xterm") is None


def test_fix_line_leaves_colour_sequences_alone() -> None:
    line = "\x1b[1mﺏﺕ\x1b[0m ﺙﺝ"
    assert fix_line(line, kitty_runs) == "\x1b[1mﺕﺏ\x1b[0m ﺝﺙ"


def test_auto_mode_choice() -> None:
    for env in ({"VTE_VERSION": "1"}, {"KITTY_WINDOW_ID": "1"}, {"KONSOLE_VERSION": "1"}, {}):
        mode, why = choose_mode(None, detect(env), env)
        assert mode == "app" and why.startswith("auto")
    env = {"WARRAQ_BIDI": "terminal", "VTE_VERSION": "1"}
    assert choose_mode("auto", detect(env), env) == ("terminal", "WARRAQ_BIDI=terminal")
    assert choose_mode("app", detect(env), env) == ("app", "--bidi app")
    env = {"WARRAQ_BIDI": "bogus"}
    assert choose_mode(None, detect(env), env)[0] == "app"


async def test_app_frames_pass_through_the_kitty_fix() -> None:
    from textual._compositor import LayoutUpdate
    from textual.geometry import Region
    from textual.strip import Strip

    from tui.widgets.cell_fixes import fixed_update

    update = LayoutUpdate([[Strip([Segment("ﺏﺕ ab")])]], Region(0, 0, 5, 1))
    fixed = fixed_update(update, "kitty")
    assert "".join(s.text for s in fixed.strips[0][0]) == "ﺕﺏ ab"
    latin = LayoutUpdate([[Strip([Segment("ab cd")])]], Region(0, 0, 5, 1))
    assert fixed_update(latin, "kitty").strips[0][0] is latin.strips[0][0]


def test_terminal_mode_isolates_each_pane_text_but_not_borders_or_padding() -> None:
    from tui.rtl.cell_fixes import PDI, RLI, isolate_segments

    segments = [Segment("│  بدأت، اليوم "), Segment("BBC.  │▌")]
    fixed = isolate_segments(segments)
    assert fixed is not None
    assert [s.text for s in fixed] == ["│  " + RLI + "بدأت، اليوم ", "BBC." + PDI + "  │▌"]
    assert isolate_segments([Segment("│ id  000_abc │")]) is None  # nothing to reorder
    # A mostly-Latin piece gets FSI (first strong decides), not a forced RTL isolate.
    latin = isolate_segments([Segment(" Reuters قال ")])
    assert latin is not None and latin[0].text.startswith(" \u2068")


def test_terminal_mode_titles_put_the_ellipsis_last_in_logical_order() -> None:
    from rich.style import Style

    from tui.widgets.list_drawing import title_strip

    title = "بوتين مرحباً بالأسد: أنا سعيد برؤيتكم في موسكو"
    logical = "".join(s.text for s in title_strip(title, 20, Style(), "terminal")).strip()
    assert logical.endswith("…") and logical.startswith("بوتين")
    visual = "".join(s.text for s in title_strip(title, 20, Style(), "app")).strip()
    assert visual.startswith("…")


async def test_app_settings_per_terminal_and_resend_after_tmux_attach(tmp_path) -> None:
    from tui.app import prepare_app
    from tui.cli.open_app import configure_terminal

    app = prepare_app(None, store_dir=str(tmp_path / "store"), annotator="t")
    configure_terminal(app, "app", detect({"KITTY_WINDOW_ID": "1"}))
    assert app.cell_fix == "kitty" and app.terminal_state == ""
    app = prepare_app(None, store_dir=str(tmp_path / "store2"), annotator="t")
    configure_terminal(app, "app", detect({"VTE_VERSION": "1", "TMUX": "/s,1,0"}), env={})
    assert app.cell_fix == "" and app.terminal_state == "\x1bPtmux;\x1b\x1b[8l\x1b\\"
    app2 = prepare_app(None, store_dir=str(tmp_path / "store3"), annotator="t", bidi="terminal")
    configure_terminal(app2, "terminal", detect({"VTE_VERSION": "1"}))
    assert app2.cell_fix == "isolate" and app2.terminal_state == ""

    written: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.is_headless  # noqa: B018 - the real driver is headless here; write is watched
        type(app).is_headless = property(lambda self: False)  # type: ignore[method-assign]
        try:
            app._driver.write = written.append  # type: ignore[union-attr]
            await pilot.resize_terminal(90, 30)
            await pilot.pause()
        finally:
            del type(app).is_headless
    assert app.terminal_state in written

"""Terminal profiles: which terminal the environment names, and the exact bytes Warraq
writes around the app and ``warraq render`` for each (issue 13)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tui.rtl import terminal
from tui.rtl.terminal import bidi_mode
from tui.rtl.terminals import TMUX_CONF_HINT, detect, screen_passthrough, tmux_passthrough

E = "\x1b"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """Each test is a fresh start for the warn-once memory."""
    monkeypatch.setattr(terminal, "_warned", set())


@pytest.mark.parametrize(
    ("env", "name", "source"),
    [
        ({"XTERM_VERSION": "XTerm(379)", "TERM": "xterm"}, "xterm", "XTERM_VERSION"),
        ({"VTE_VERSION": "7000", "TERM": "xterm-256color"}, "vte", "VTE_VERSION"),
        ({"KONSOLE_VERSION": "221203"}, "konsole", "KONSOLE_VERSION"),
        ({"MLTERM": "3.9.3", "TERM": "xterm"}, "mlterm", "MLTERM"),
        ({"KITTY_WINDOW_ID": "1"}, "kitty", "KITTY_WINDOW_ID"),
        ({"TERM": "xterm-kitty"}, "kitty", "TERM"),
        ({"ALACRITTY_WINDOW_ID": "94"}, "alacritty", "ALACRITTY_WINDOW_ID"),
        ({"TERM": "alacritty"}, "alacritty", "TERM"),
        ({"TERM": "xterm-256color"}, "unknown", ""),
        ({}, "unknown", ""),
        # A terminal started from another inherits its variables: the one with a switch of
        # its own wins over VTE, but Konsole's OSC 50 (a font change to xterm) never goes to
        # a possible xterm.
        ({"VTE_VERSION": "7000", "KONSOLE_VERSION": "221203"}, "konsole", "KONSOLE_VERSION"),
        ({"XTERM_VERSION": "XTerm(379)", "KONSOLE_VERSION": "221203"}, "xterm",
         "XTERM_VERSION"),
        ({"XTERM_VERSION": "XTerm(379)", "KONSOLE_VERSION": "1", "WARRAQ_TERMINAL": "Konsole"},
         "konsole", "WARRAQ_TERMINAL"),
        ({"WARRAQ_TERMINAL": "nonsense", "VTE_VERSION": "7000"}, "vte", "VTE_VERSION"),
    ],
)
def test_the_environment_names_the_terminal(env, name, source) -> None:
    found = detect(env)
    assert (found.name, found.source, found.multiplexer) == (name, source, None)


@pytest.mark.parametrize(
    ("env", "multiplexer"),
    [
        ({"TMUX": "/tmp/tmux-1000/default,123,0", "VTE_VERSION": "7000"}, "tmux"),
        ({"TERM_PROGRAM": "tmux", "VTE_VERSION": "7000"}, "tmux"),
        ({"STY": "123.pts-0.host", "VTE_VERSION": "7000"}, "screen"),
        ({"VTE_VERSION": "7000", "TERM_PROGRAM": "vscode"}, None),
    ],
)
def test_multiplexers_are_seen_and_the_outer_terminal_kept(env, multiplexer) -> None:
    found = detect(env)
    assert found.multiplexer == multiplexer
    assert found.name == "vte"  # the outer terminal's variable, inherited through tmux


# (env, bytes on start, bytes on exit) in --bidi app
BYTES = [
    ({"XTERM_VERSION": "XTerm(379)"}, f"{E}[8l", f"{E}[8h"),
    ({"VTE_VERSION": "7000"}, f"{E}[8l", f"{E}[8h"),
    ({}, f"{E}[8l", f"{E}[8h"),  # unknown: as Warraq always did
    ({"KONSOLE_VERSION": "221203"}, f"{E}]50;BidiRenderingEnabled=false\a",
     f"{E}]50;BidiRenderingEnabled=true\a"),
    ({"MLTERM": "3.9.3"}, f"{E}]5379;use_ctl=false\a", f"{E}]5379;use_ctl=true\a"),
    ({"KITTY_WINDOW_ID": "1"}, "", ""),
    ({"ALACRITTY_WINDOW_ID": "1"}, "", ""),
    ({"VTE_VERSION": "7000", "TMUX": "/s,1,0"}, f"{E}Ptmux;{E}{E}[8l{E}\\",
     f"{E}Ptmux;{E}{E}[8h{E}\\"),
    ({"KONSOLE_VERSION": "1", "TMUX": "/s,1,0"},
     f"{E}Ptmux;{E}{E}]50;BidiRenderingEnabled=false\a{E}\\",
     f"{E}Ptmux;{E}{E}]50;BidiRenderingEnabled=true\a{E}\\"),
    ({"MLTERM": "3.9.3", "TMUX": "/s,1,0"}, f"{E}Ptmux;{E}{E}]5379;use_ctl=false\a{E}\\",
     f"{E}Ptmux;{E}{E}]5379;use_ctl=true\a{E}\\"),
    ({"VTE_VERSION": "7000", "STY": "1.pts"}, f"{E}P{E}[8l{E}\\", f"{E}P{E}[8h{E}\\"),
]


def ok_run(calls: list):
    def run(command, **kwargs):
        calls.append(command)
        return SimpleNamespace(returncode=0)

    return run


@pytest.mark.parametrize(("env", "start", "finish"), BYTES)
def test_exact_bytes_written_on_start_and_restored_on_exit(env, start, finish) -> None:
    out, calls, warnings = io.StringIO(), [], []
    with bidi_mode("app", out, env=env, run=ok_run(calls), warn=warnings.append) as found:
        assert out.getvalue() == start
        out.write("body")
    assert out.getvalue() == start + "body" + finish
    assert found.start_bytes == start and found.exit_bytes == finish


@pytest.mark.parametrize(("env", "start", "finish"), BYTES)
def test_restored_when_the_block_fails(env, start, finish) -> None:
    out = io.StringIO()
    with pytest.raises(RuntimeError), bidi_mode("app", out, env=env, run=ok_run([]),
                                                warn=lambda m: None):
        raise RuntimeError("boom")
    assert out.getvalue() == start + finish


@pytest.mark.parametrize(("env", "start", "finish"), BYTES)
def test_terminal_mode_sends_nothing(env, start, finish) -> None:
    out = io.StringIO()
    with bidi_mode("terminal", out, env=env, run=ok_run([]), warn=lambda m: None):
        pass
    assert out.getvalue() == ""


def test_no_bdsm_variable_and_no_terminal_write_nothing() -> None:
    out, calls = io.StringIO(), []
    with bidi_mode("app", out, env={"WARRAQ_NO_BDSM": "1", "TMUX": "/s,1,0"},
                   run=ok_run(calls), warn=lambda m: None):
        pass
    assert out.getvalue() == "" and calls == []


def test_under_tmux_passthrough_is_allowed_for_our_pane_only() -> None:
    out, calls = io.StringIO(), []
    env = {"VTE_VERSION": "7000", "TMUX": "/s,1,0", "TMUX_PANE": "%3"}
    with bidi_mode("app", out, env=env, run=ok_run(calls), warn=lambda m: None):
        pass
    assert calls == [["tmux", "set", "-p", "-t", "%3", "allow-passthrough", "on"]]


@pytest.mark.parametrize("failure", ["refused", "missing"])
def test_a_refused_passthrough_says_what_to_add_to_tmux_conf(failure) -> None:
    def run(command, **kwargs):
        if failure == "missing":
            raise FileNotFoundError("tmux")
        return SimpleNamespace(returncode=1)

    out, warnings = io.StringIO(), []
    env = {"VTE_VERSION": "7000", "TMUX": "/s,1,0"}
    with bidi_mode("app", out, env=env, run=run, warn=warnings.append):
        pass
    assert warnings == [TMUX_CONF_HINT]
    assert "allow-passthrough on" in TMUX_CONF_HINT and ".tmux.conf" in TMUX_CONF_HINT
    # The sequences still go out (an older tmux passes them through anyway).
    assert out.getvalue() == tmux_passthrough(f"{E}[8l") + tmux_passthrough(f"{E}[8h")


def test_no_tmux_call_outside_tmux_nor_for_a_profile_with_nothing_to_send() -> None:
    calls: list = []
    for env in ({"VTE_VERSION": "7000"}, {"KITTY_WINDOW_ID": "1", "TMUX": "/s,1,0"}):
        with bidi_mode("app", io.StringIO(), env=env, run=ok_run(calls), warn=lambda m: None):
            pass
    assert calls == []


def test_warnings_are_said_once_per_process() -> None:
    warnings: list[str] = []
    for _ in range(3):
        with bidi_mode("terminal", io.StringIO(), env={"XTERM_VERSION": "7"},
                       warn=warnings.append):
            pass
    assert warnings == [detect({"XTERM_VERSION": "7"}).bidi_warning("terminal")]
    assert "\n" not in warnings[0]
    # Every known terminal is right in app mode now (kitty and alacritty with cell fixes).
    for env in ({"VTE_VERSION": "1"}, {"XTERM_VERSION": "1"}, {"KONSOLE_VERSION": "1"},
                {"MLTERM": "1"}, {"KITTY_WINDOW_ID": "1"}, {"ALACRITTY_WINDOW_ID": "1"}):
        assert detect(env).bidi_warning("app") is None


def test_bidi_terminal_is_allowed_only_where_the_terminal_reorders() -> None:
    allowed = {name for name in ("vte", "konsole")}
    for env in ({"VTE_VERSION": "1"}, {"KONSOLE_VERSION": "1"}, {"XTERM_VERSION": "1"},
                {"MLTERM": "1"}, {}):
        found = detect(env)
        assert found.profile.terminal_bidi == (found.name in allowed)
        assert (found.bidi_warning("terminal") is None) == (found.name in allowed)


def test_passthrough_wrappers() -> None:
    assert tmux_passthrough(f"{E}[8l") == f"{E}Ptmux;{E}{E}[8l{E}\\"
    assert screen_passthrough(f"{E}[8l") == f"{E}P{E}[8l{E}\\"


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_restored_when_killed_by_sigterm_or_sighup(tmp_path, signame) -> None:
    """A child in bidi_mode killed by the signal still writes the exit bytes, then dies of
    that signal (its exit status says so)."""
    script = (
        "import io, os, signal, sys, time\n"
        "from tui.rtl.terminal import bidi_mode\n"
        "out = sys.stdout\n"
        "with bidi_mode('app', out, env={'KONSOLE_VERSION': '1'}, warn=lambda m: None):\n"
        "    out.write('ready\\n'); out.flush()\n"
        "    time.sleep(30)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WARRAQ_NO_BDSM"}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             env=env, cwd=root, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.endswith("ready\n")
    child.send_signal(getattr(signal, signame))
    rest, _ = child.communicate(timeout=20)
    assert first + rest == (f"{E}]50;BidiRenderingEnabled=false\aready\n"
                            f"{E}]50;BidiRenderingEnabled=true\a")
    assert child.returncode == -getattr(signal, signame)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "sample_corpus", "000_016fc75d937698ad.txt")


def warraq_on_pty(args: list[str], env: dict[str, str]) -> str:
    """``warraq ARGS`` with stdout on a pseudo-terminal (stderr apart); what reached it."""
    import select

    master, slave = os.openpty()
    base = {k: v for k, v in os.environ.items()
            if k not in {"WARRAQ_NO_BDSM", "TMUX", "STY", "TERM_PROGRAM", "VTE_VERSION",
                         "XTERM_VERSION", "KONSOLE_VERSION", "MLTERM", "KITTY_WINDOW_ID",
                         "ALACRITTY_WINDOW_ID", "WARRAQ_TERMINAL"}}
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL,
                            env={**base, "TERM": "xterm-256color", "NO_COLOR": "1", **env})
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                proc.kill()
                raise AssertionError(f"warraq {args} did not finish")
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=30)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize(("env", "start", "finish"), [BYTES[1], BYTES[7]])
def test_render_on_a_terminal_applies_the_profile_and_restores_it(env, start, finish) -> None:
    shown = warraq_on_pty(["render", SAMPLE, "--width", "60"], env)
    assert shown.startswith(start) and shown.endswith(finish)
    assert shown.count(start) == 1 and shown.count(finish) == 1


@pytest.mark.parametrize(("env", "start", "finish"), [BYTES[3], BYTES[4], BYTES[9]])
def test_render_leaves_a_redrawing_switch_off(env, start, finish) -> None:
    """Konsole and mlterm redraw what is on screen when their bidi goes back on (seen under
    Xvfb: the rendered lines came out reversed), so render leaves it off and says how to
    turn it back on; the app, whose screen goes away, restores it."""
    shown = warraq_on_pty(["render", SAMPLE, "--width", "60"], env)
    assert shown.startswith(start) and shown.count(start) == 1
    assert finish not in shown
    out, warnings = io.StringIO(), []
    with bidi_mode("app", out, env=env, run=ok_run([]), warn=warnings.append,
                   keep_output=True):
        pass
    assert out.getvalue() == start
    assert len(warnings) == 1 and "printf" in warnings[0] and "\n" not in warnings[0]


def test_render_to_a_pipe_is_plain_bytes() -> None:
    env = {**os.environ, "VTE_VERSION": "7000", "KONSOLE_VERSION": "1"}
    env.pop("WARRAQ_NO_BDSM", None)
    done = subprocess.run([sys.executable, "-m", "tui.cli", "render", SAMPLE], cwd=ROOT,
                          env=env, capture_output=True, check=True)
    assert b"\x1b" not in done.stdout and b"\x1b" not in done.stderr


def test_render_in_terminal_mode_and_on_a_dumb_terminal_sends_nothing() -> None:
    shown = warraq_on_pty(["render", SAMPLE, "--bidi", "terminal"], {"VTE_VERSION": "7000"})
    assert E not in shown
    shown = warraq_on_pty(["render", SAMPLE], {"VTE_VERSION": "7000", "TERM": "dumb"})
    assert E not in shown


def test_doctor_names_terminal_multiplexer_mode_and_shows_the_test_line() -> None:
    from tui.cli.doctor import TEST_LINE, report
    from tui.rtl.layout import BaseDirection, layout_paragraph

    lines = report("app", {"KONSOLE_VERSION": "1", "TMUX": "/s,1,0"})
    text = "\n".join(lines)
    assert "Konsole" in text and "KONSOLE_VERSION" in text and "tmux" in text
    assert "--bidi app" in text and "ESC Ptmux;ESC ESC ]50;BidiRenderingEnabled=false" in text
    assert E not in text
    kitty = "\n".join(report(None, {"KITTY_WINDOW_ID": "1"}))
    assert "mode:        app (auto:" in kitty and "known:" in kitty and "haraka" in kitty
    assert "WARRAQ_BIDI=terminal" in "\n".join(
        report(None, {"VTE_VERSION": "1", "WARRAQ_BIDI": "terminal"}))

    shown = warraq_on_pty(["doctor", "--width", "80"], {"VTE_VERSION": "7000"})
    assert "VTE" in shown and "multiplexer: none" in shown
    visual = layout_paragraph(TEST_LINE, 500, BaseDirection.RTL)[0].text
    assert visual.strip() in shown
    # The test line is drawn in the profile's state: BDSM off around it, back on after.
    assert shown.index(f"{E}[8l") < shown.index(visual.strip()) < shown.index(f"{E}[8h")
    for ch in "«»2024BBC":
        assert ch in visual


def test_terminal_answers_name_the_profile() -> None:
    from tui.rtl.terminal_query import parse_answer

    assert parse_answer("\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;29c") == "kitty"
    assert parse_answer("\x1bP>|XTerm(379)\x1b\\\x1b[>41;379;0c") == "xterm"
    assert parse_answer("\x1b[>65;7000;1c") == "vte"  # VTE answers DA2 only
    assert parse_answer("\x1b[>1;10;0c") is None
    assert parse_answer("") is None


def test_an_unnamed_terminal_is_asked_once_and_the_answer_is_used(monkeypatch) -> None:
    import pty
    import tty

    from tui.rtl.terminal_query import ANSWER_VARIABLE, QUERY, identify

    parent, child = pty.openpty()
    tty.setraw(child)  # no echo of the waiting reply back to the "terminal"
    os.write(parent, b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;29c")  # the reply, waiting
    env = {"TERM": "xterm-256color"}
    assert identify(env, child) == "kitty"
    assert os.read(parent, 100).decode() == QUERY  # what the terminal was asked
    assert env[ANSWER_VARIABLE] == "kitty" and detect(env).name == "kitty"
    assert identify(env, child) == "kitty"  # asked once: the environment remembers
    # Inside tmux, or with the terminal left alone, nothing is asked.
    for quiet in ({"TERM": "screen", "TMUX": "/s,1,0"}, {"TERM": "xterm", "WARRAQ_NO_BDSM": "1"}):
        assert identify(quiet, child) is None and ANSWER_VARIABLE not in quiet
    # A terminal that answers nothing costs the timeout, and is remembered as unknown.
    silent = {"TERM": "xterm"}
    assert identify(silent, child) is None and silent[ANSWER_VARIABLE] == ""
    os.close(parent)
    os.close(child)

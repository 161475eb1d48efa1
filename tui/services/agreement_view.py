"""What the Agreement screen draws, from the report ``warraq agree --format json`` prints
(store/team_agreement.py): Rich renderables, no Textual, so the figures are the report's and
nothing else, and tests read them without a screen.

Per label, one horizontal bar per F1 rule (exact, overlap, clitic-tolerant), drawn with
block characters in eighths of a cell; kappas and alpha as figures; per pair a line of its
figures; the confusion matrix of token labels; the most frequent disagreements and the
clitic-only ones, their Arabic examples laid out right-to-left by the project's engine
(``tui.rtl.visual_text.visual_line``), never drawn in logical order. Names from the store
(labels, annotators) are shown through ``printable``: signs for controls, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tui.rtl.glyphs import printable
from tui.rtl.visual_text import visual_line

BAR_WIDTH = 30
RULES = (("exact", "exact"), ("overlap", "overlap"), ("clitic_tolerant", "clitic-tol."))
RULE_STYLES = {"exact": "green", "overlap": "cyan", "clitic_tolerant": "yellow"}
_EIGHTHS = " ▏▎▍▌▋▊▉"
EXAMPLE_WIDTH = 36


def figure(value: float | None) -> str:
    """A figure as the screen and ``warraq agree``'s table show it: three decimals."""
    return "—" if value is None else f"{value:.3f}"


def bar(value: float | None, width: int = BAR_WIDTH, style: str = "green") -> Text:
    """``value`` (0..1) as a horizontal bar of ``width`` cells, to an eighth of a cell."""
    if value is None:
        return Text("·" * width, style="dim")
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, part = divmod(eighths, 8)
    drawn = "█" * full + (_EIGHTHS[part] if part else "")
    out = Text(drawn, style=style)
    out.append("·" * (width - len(drawn)), style="dim")
    return out


def _name(value: object) -> Text:
    return Text(printable(str(value)))


def selection_title(names: Sequence[str] | None, all_names: Sequence[str]) -> str:
    chosen = list(names) if names else list(all_names)
    who = " & ".join(printable(n) for n in chosen)
    return f"all annotators ({who})" if not names else who


def headline(report: dict[str, Any]) -> Table:
    """The figures of the whole selection: span F1 per rule, token kappa and alpha."""
    m = report["metrics"]
    table = Table(title="Overall", title_justify="left", show_header=False, box=None,
                  padding=(0, 1))
    table.add_column("what")
    table.add_column("bar", no_wrap=True)
    table.add_column("figure", justify="right")
    for key, name in RULES:
        f1 = m["spans"][key]["f1"]
        table.add_row(f"span F1 {name}", bar(f1, style=RULE_STYLES[key]), figure(f1))
    pairs = report["pairs"]
    if len(pairs) == 1:
        table.add_row("Cohen's κ (tokens)", "", figure(pairs[0]["token_kappa"]))
    table.add_row("Fleiss' κ (tokens)", "", figure(m["fleiss_kappa"]))
    table.add_row("Krippendorff's α (tokens)", "", figure(m["krippendorff_alpha"]))
    if "unitizing_alpha" in m:
        table.add_row("unitizing α (characters)", "", figure(m["unitizing_alpha"]))
    left_out = m.get("excluded_articles", 0), m.get("damaged_files", 0)
    if any(left_out):
        table.add_row("left out", "", f"{left_out[0]} article pairs whose texts differ, "
                      f"{left_out[1]} damaged files")
    return table


def label_bars(report: dict[str, Any]) -> Table:
    """Per label, a bar for each rule, with its F1 and the matched / unmatched counts."""
    table = Table(title="Span F1 per label (exact · overlap · clitic-tolerant)",
                  title_justify="left", box=None, padding=(0, 1))
    table.add_column("label")
    table.add_column("rule")
    table.add_column("", no_wrap=True)
    table.add_column("F1", justify="right")
    table.add_column("both / only a / only b", justify="right")
    for label, exact in report["labels"].items():
        for i, (key, name) in enumerate(RULES):
            counts = exact if key == "exact" else exact.get(key)
            if counts is None:
                continue
            table.add_row(_name(label) if i == 0 else "", name,
                          bar(counts["f1"], style=RULE_STYLES[key]), figure(counts["f1"]),
                          f"{counts['matched']} / {counts['only_a']} / {counts['only_b']}")
    if not report["labels"]:
        table.add_row("—", "", Text("no accepted entity in the articles compared",
                                    style="dim"), "", "")
    return table


def pair_table(report: dict[str, Any]) -> Table:
    """One line per pair: articles, span F1, Cohen's kappa, events and document labels."""
    table = Table(title="Pairs", title_justify="left", box=None, padding=(0, 1))
    for column in ("pair", "articles", "exact F1", "Cohen's κ", "trigger F1", "argument F1",
                   "type agr.", "CAMEO κ", "doc κ", "clitic-only"):
        table.add_column(column, justify="left" if column == "pair" else "right")
    for p in report["pairs"]:
        events = p["events"]
        table.add_row(_name(f"{p['a']} / {p['b']}"), str(p["articles"]),
                      figure(p["spans"]["exact"]["f1"]), figure(p["token_kappa"]),
                      figure(events["trigger"]["f1"]), figure(events["argument"]["f1"]),
                      figure(events["type_agreement"]), figure(events["cameo_kappa"]),
                      figure(p["doc_label_kappa"]), str(p["clitic_only_disagreements"]))
    return table


def confusion_table(report: dict[str, Any]) -> Group:
    """Token labels of the first annotator of each pair (rows) against the second's."""
    cells = {(c["a"], c["b"]): c["tokens"] for c in report["confusion"]}
    labels = sorted({a for a, _ in cells} | {b for _, b in cells})
    title = Text("Confusion matrix of token labels", style="italic")
    title.append(" (rows: the first annotator of each pair; columns: the second)", style="dim")
    table = Table(padding=(0, 1))
    table.add_column("")
    for label in labels:
        table.add_column(_name(label), justify="right")
    for a in labels:
        table.add_row(_name(a), *[Text(str(cells.get((a, b), 0)),
                                       style="bold" if a == b else "")
                                  for b in labels])
    return Group(title, table)


def examples_text(examples: Sequence[str], mode: str, width: int = EXAMPLE_WIDTH) -> Text:
    """Arabic examples as one line laid out right-to-left (in visual order)."""
    return Text(visual_line(printable("، ".join(examples)), width, mode=mode))


def patterns_table(report: dict[str, Any], mode: str) -> Table:
    table = Table(title="Most frequent disagreements (tokens)", title_justify="left",
                  box=None, padding=(0, 1))
    table.add_column("labels")
    table.add_column("tokens", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("e.g.", justify="right", no_wrap=True)
    top = max((p["tokens"] for p in report["patterns"]), default=0)
    for p in report["patterns"]:
        table.add_row(_name(" / ".join(p["labels"])), str(p["tokens"]),
                      bar(p["tokens"] / top if top else None, 16, "magenta"),
                      examples_text(p["examples"], mode))
    if not report["patterns"]:
        table.add_row("—", "", "", Text("no disagreement", style="dim"))
    return table


def clitic_table(report: dict[str, Any], mode: str, limit: int = 10) -> Table | None:
    """Disagreements that are only a proclitic at the start: each annotator's words."""
    rows = report.get("clitic_only") or []
    if not rows:
        return None
    table = Table(title="Only a clitic apart", title_justify="left", box=None, padding=(0, 1))
    table.add_column("label")
    table.add_column("article")
    table.add_column("versions", justify="right", no_wrap=True)
    for row in rows[:limit]:
        said = [(k, v) for k, v in row.items() if k not in ("article", "label")]
        words = "   ".join(f"{printable(k)}: {visual_line(printable(v), 20, mode=mode)}"
                           for k, v in said)
        table.add_row(_name(row["label"]), _name(row["article"]), words)
    return table


def problems_text(problems: Sequence[str], limit: int = 20) -> Text:
    """The files left out of the report, each named on its line (as ``warraq agree``
    warns them), as plain text: paths and messages quote whatever the files hold."""
    out = Text(f"Left out of agreement ({len(problems)})", style="bold yellow")
    for line in problems[:limit]:
        out.append("\n  " + printable(line))
    if len(problems) > limit:
        out.append(f"\n  … and {len(problems) - limit} more", style="dim")
    return out


def agreement_renderables(report: dict[str, Any], mode: str = "app",
                          problems: Sequence[str] = ()) -> list[RenderableType]:
    """Everything the screen shows for one report, top to bottom (``problems``: the
    damaged files left out, named at the end)."""
    out: list[RenderableType] = [headline(report), Text(""), label_bars(report), Text("")]
    out += [pair_table(report), Text("")]
    out += [confusion_table(report), Text(""), patterns_table(report, mode)]
    clitic = clitic_table(report, mode)
    if clitic is not None:
        out += [Text(""), clitic]
    if problems:
        out += [Text(""), problems_text(problems)]
    return out

"""``warraq agree``: inter-annotator agreement over a team store's layers (store/agreement.py).

``--format json`` is the stable, documented form (keys: version, annotators, pairs, labels,
metrics, confusion, patterns, clitic_only); ``table`` is for people; ``csv`` has one row per
pair, label or article (``--by``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from store.errors import WarraqError
from tui.cli.options import add_store_options
from tui.rtl.glyphs import warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "agree",
        help="inter-annotator agreement between the layers of a team store",
        description="Span F1 (exact, overlap, clitic-tolerant) per pair and label, token "
        "kappas (Cohen per pair, Fleiss overall) and Krippendorff's alpha, event and "
        "document-label agreement, a confusion matrix and the most frequent disagreements.",
    )
    add_store_options(parser)
    parser.add_argument("--annotators", metavar="A,B", help="only these layers (default: all)")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--by", choices=("label", "annotator", "article"), default="label",
                        help="what the table and csv rows are (default: label)")
    parser.set_defaults(run=run_agree)


def _f(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


def run_agree(args: argparse.Namespace) -> int:
    from store.agreement import compare_pair
    from store.paths import layer_names, resolve_store_dir
    from store.schema import Schema
    from store.team_agreement import load_team, team_report

    root = resolve_store_dir(args.store)
    if not layer_names(root):
        raise WarraqError("not a team store (no layers/): run `warraq team init` first, "
                          "then let each annotator work with --annotator NAME", root)
    schema = Schema.load(args.schema) if args.schema else Schema.load(None)
    names = [n.strip() for n in args.annotators.split(",")] if args.annotators else None
    # The same report the app's Agreement screen shows (store/team_agreement.py).
    team = load_team(root, schema, names)
    for problem in team.all_problems():
        warn(f"{problem} (left out of agreement)")
    if len(team.layers) < 2:
        raise WarraqError("agreement needs two layers or more", root)
    report = team_report(team, [d.name for d in schema.doc_labels])
    layers = list(team.layers.values())
    if args.by == "article":
        rows = []
        for i, a in enumerate(layers):
            for b in layers[i + 1:]:
                for article_id in sorted(set(a.articles) & set(b.articles)):
                    one_a = type(a)(a.name, {article_id: a.articles[article_id]})
                    one_b = type(b)(b.name, {article_id: b.articles[article_id]})
                    pair, _ = compare_pair(one_a, one_b)
                    rows.append({"article": article_id, "a": a.name, "b": b.name,
                                 "exact_f1": pair.spans["exact"].f1,
                                 "clitic_f1": pair.spans["clitic_tolerant"].f1})
        report["articles"] = rows
    out = sys.stdout
    if args.format == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    rows = _rows(report, args.by)
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["none"])
        writer.writeheader()
        writer.writerows(rows)
        return 0
    _table(report, rows, out)
    return 0


def _rows(report: dict[str, Any], by: str) -> list[dict[str, Any]]:
    if by == "article":
        return report.get("articles", [])
    if by == "annotator":
        return [{"a": p["a"], "b": p["b"], "articles": p["articles"],
                 "exact_f1": p["spans"]["exact"]["f1"],
                 "overlap_f1": p["spans"]["overlap"]["f1"],
                 "clitic_f1": p["spans"]["clitic_tolerant"]["f1"],
                 "token_kappa": p["token_kappa"],
                 "trigger_f1": p["events"]["trigger"]["f1"],
                 "argument_f1": p["events"]["argument"]["f1"],
                 "doc_label_kappa": p["doc_label_kappa"]} for p in report["pairs"]]
    return [{"label": label, "exact_f1": c["f1"], "matched": c["matched"],
             "only_a": c["only_a"], "only_b": c["only_b"]}
            for label, c in report["labels"].items()]


def _table(report: dict[str, Any], rows: list[dict[str, Any]], out: Any) -> None:
    m = report["metrics"]
    spans = m["spans"]
    out.write(f"annotators: {', '.join(report['annotators'])}\n")
    out.write(f"spans F1: exact {_f(spans['exact']['f1'])}  overlap "
              f"{_f(spans['overlap']['f1'])}  clitic-tolerant "
              f"{_f(spans['clitic_tolerant']['f1'])}\n")
    out.write(f"tokens: Fleiss' kappa {_f(m['fleiss_kappa'])}  Krippendorff's alpha "
              f"{_f(m['krippendorff_alpha'])}\n")
    out.write(f"characters: Krippendorff's unitizing alpha {_f(m.get('unitizing_alpha'))}"
              + (f" ({m['unitizing_set_aside']} nested spans set aside)"
                 if m.get("unitizing_set_aside") else "") + "\n")
    if m["excluded_articles"] or m.get("damaged_files"):
        out.write(f"left out: {m['excluded_articles']} article pairs whose texts differ, "
                  f"{m.get('damaged_files', 0)} damaged files\n")
    if rows:
        keys = list(rows[0])
        widths = [max(len(k), *(len(_cell(r[k])) for r in rows)) for k in keys]
        out.write("\n" + "  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)) + "\n")
        for r in rows:
            out.write("  ".join(_cell(r[k]).ljust(w) for k, w in zip(keys, widths, strict=True))
                      + "\n")
    if report["patterns"]:
        out.write("\nmost frequent disagreements (tokens):\n")
        for p in report["patterns"]:
            out.write(f"  {p['labels'][0]} / {p['labels'][1]}: {p['tokens']}  "
                      f"e.g. {'، '.join(p['examples'])}\n")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "—" if value is None else str(value)

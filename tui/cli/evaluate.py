"""``warraq evaluate --gold FILE --format F [--suggester NAME | --store DIR]``: precision,
recall and F1 per label (exact, clitic-tolerant, overlap) of a suggester's output or of a
store's spans against gold data in any format ``warraq import`` reads.

So anyone can measure a suggestion source on their own annotated news before trusting it.
Gold records that cannot be used (a span without a label, out of range) are skipped and
counted in one line on stderr; the scoring itself is ``store.evaluation``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from store.errors import WarraqError
from store.evaluation import Span, evaluate, spans_of, table_rows
from store.formats.common import GoldDoc, parse_statuses
from store.formats.registry import FORMATS
from tui.cli.output import say
from tui.rtl.glyphs import warn

READABLE = [name for name, (module, _) in FORMATS.items() if hasattr(module, "read")]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="precision/recall/F1 of a suggester or a store against gold data",
        description="Score predicted entity spans against gold annotations: per label and "
        "overall, exact (same span and label), tolerant (boundaries may differ by a clitic "
        "of the same word: و ف ب ل ك before, ه ها هم … after) and overlap. Predictions come "
        "from running a suggester on the gold texts (default: the built-in gazetteer) or "
        "from a store's spans of the same articles.")
    parser.add_argument("--gold", required=True, metavar="FILE",
                        help="gold annotations (a folder for brat/webanno)")
    parser.add_argument("--format", "-f", required=True, choices=READABLE,
                        help="format of the gold file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--suggester", metavar="NAME",
                        help="suggester to run on the gold texts: a registered name or "
                        "module:callable (default: gazetteer)")
    source.add_argument("--store", metavar="DIR",
                        help="score the spans this store holds for the gold articles")
    parser.add_argument("--model", metavar="PATH",
                        help="local model folder (or extra gazetteer file) for --suggester")
    parser.add_argument("--status", default="accepted,pending", metavar="LIST",
                        help="with --store: which spans count as predictions "
                        "(default: accepted,pending)")
    parser.add_argument("--labels", metavar="L1,L2",
                        help="labels to score (default: every label in the gold)")
    parser.add_argument("--schema", metavar="FILE",
                        help="label schema (the gazetteer's nationality-adjective policy)")
    parser.add_argument("--output", "-o", choices=("table", "json"), default="table",
                        help="table (default) or json")
    parser.set_defaults(run=run_evaluate)


def read_gold(path: Path, fmt: str) -> tuple[list[GoldDoc], list[str]]:
    """Documents of a gold file and its problems (one line each)."""
    if not path.exists():
        raise WarraqError("gold file not found", path)
    module = FORMATS[fmt][0]
    try:
        report = module.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise WarraqError(f"cannot read gold file: {exc}", path) from None
    if not report.docs:
        first = f": {report.problems[0]}" if report.problems else ""
        raise WarraqError(f"no usable documents in {fmt} gold file{first}", path)
    return report.docs, [str(p) for p in report.problems]


def gold_spans(doc: GoldDoc) -> list[Span]:
    return [Span(e.start, e.end, e.label) for e in doc.annotations.entities]


def suggester_predictions(docs: list[GoldDoc], spec: str, model: str | None,
                          schema: Any) -> list[list[Span]]:
    from store.suggesters import load_suggester

    _, fn = load_suggester(spec, model=model)
    configure = getattr(fn, "for_schema", None)
    if callable(configure):
        fn = configure(schema)
    out = []
    for doc in docs:
        try:
            out.append(spans_of(fn(doc.text)))
        except Exception as exc:  # a plugin failing on one text costs that text
            warn(f"suggester failed on {doc.id}: {type(exc).__name__}: {exc}")
            out.append([])
    return out


def store_predictions(docs: list[GoldDoc], store_dir: str, statuses: str
                      ) -> tuple[list[list[Span]], int]:
    """The store's spans for each gold document (by id, else by text hash), placed on the
    gold text; (predictions, documents the store does not hold)."""
    from store.formats.common import align_by_skeleton, text_sha256
    from store.store import STORE_FILE, Store

    root = Path(store_dir).expanduser()
    if not root.is_dir():
        raise WarraqError("store folder not found", root)
    if not (root / STORE_FILE).is_file():  # never turn a stray folder into a store
        raise WarraqError(f"not a Warraq store (no {STORE_FILE})", root)
    wanted = parse_statuses(statuses)
    store = Store.open(root, scan=True)
    try:
        by_hash = {art.sha256: art for art in store.iter_articles()}
        ids = set(store.article_ids())
        out: list[list[Span]] = []
        missing = 0
        for doc in docs:
            art = store.get(doc.id) if doc.id in ids else None
            if art is None or not art.exists:
                art = by_hash.get(text_sha256(doc.text))
            if art is None:
                missing += 1
                out.append([])
                continue
            remap = None if art.text == doc.text else align_by_skeleton(art.text, doc.text)
            if art.text != doc.text and remap is None:
                missing += 1
                out.append([])
                continue
            spans = []
            for e in art.annotations.entities:
                if e.status not in wanted:
                    continue
                s, t = (e.start, e.end) if remap is None else (remap(e.start, False),
                                                              remap(e.end, True))
                spans.append(Span(s, t, e.label))
            out.append(spans)
    finally:
        store.close()
    return out, missing


def run_evaluate(args: argparse.Namespace) -> int:
    from store.schema import Schema

    schema = Schema.load(args.schema) if args.schema else Schema.load(None)
    docs, problems = read_gold(Path(args.gold), args.format)
    if problems:
        warn(f"{len(problems)} gold records skipped (first: {problems[0]})")
    try:
        statuses = parse_statuses(args.status) and args.status
    except ValueError as exc:
        raise WarraqError(str(exc)) from None
    if args.store:
        preds, missing = store_predictions(docs, args.store, statuses)
        if missing:
            warn(f"{missing} of {len(docs)} gold articles are not in the store "
                 f"(scored as nothing predicted)")
    else:
        preds = suggester_predictions(docs, args.suggester or "gazetteer", args.model, schema)
    labels = [x.strip() for x in args.labels.split(",") if x.strip()] if args.labels else None
    gold_labels = {e.label for d in docs for e in d.annotations.entities}
    pred_labels = {s.label for spans in preds for s in spans}
    if pred_labels and not (gold_labels & pred_labels):
        warn(f"no predicted label is a gold label (gold: {', '.join(sorted(gold_labels))[:200]};"
             f" predicted: {', '.join(sorted(pred_labels))}): every figure will be 0")
    result = evaluate(((d.text, gold_spans(d), p) for d, p in zip(docs, preds, strict=True)),
                      labels)
    if args.output == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        return 0
    rows = table_rows(result)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        say("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    say(f"{result.documents} documents")
    return 0

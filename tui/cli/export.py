"""``warraq export``: stream the store's articles through one of the format converters in
``store.formats`` to a file, a folder or stdout.

A file is written whole or not at all (a temporary file renamed over it), so an export
interrupted half-way never leaves a truncated gold file behind.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from store.errors import WarraqError
from store.formats import doccano, labelstudio, spacy_docbin
from store.formats.common import TAGSETS, ExportOptions, GoldDoc, parse_statuses, progress_iter
from store.formats.registry import FORMATS
from store.records import ArticleStatus
from tui.cli.options import add_store_options, open_store, progress_enabled
from tui.rtl.glyphs import warn


def register(subparsers: argparse._SubParsersAction) -> None:
    names = ", ".join(FORMATS)
    exp = subparsers.add_parser(
        "export", help="write gold data in a format other tools read",
        description=f"Export annotations from the store. Formats: {names}. See "
        "store/formats/FORMATS.md for what each carries.")
    exp.add_argument("--format", "-f", required=True, choices=list(FORMATS))
    exp.add_argument("--out", "-o", metavar="PATH",
                     help="output file (folder for brat/webanno); stdout when omitted for "
                     "line formats")
    exp.add_argument("--status", default="accepted",
                     help="span statuses to export, comma-separated (default: accepted = gold; "
                     "add rejected for negative examples where the format carries them)")
    exp.add_argument("--tagset", choices=TAGSETS, default="full",
                     help="labels as in the schema (full), ANERcorp's 4 classes, or ACE 2005")
    exp.add_argument("--only-done", action="store_true", help="only articles marked done")
    exp.add_argument("--offsets", choices=labelstudio.OFFSET_UNITS, default="codepoint",
                     help="Label Studio offset unit (default: codepoint, as current releases)")
    exp.add_argument("--variant", choices=doccano.VARIANTS, default="label",
                     help="doccano: label (spans only) or entities (with event relations)")
    add_store_options(exp)
    exp.set_defaults(run=run_export)


@contextlib.contextmanager
def _atomic_text(path: Path | None) -> Iterator[TextIO]:
    """A text stream to ``path`` that replaces it only once complete (stdout when None)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def export_docs(docs: Any, fmt: str, out: Path | None, options: ExportOptions,
                **extra: Any) -> int:
    """Write ``docs`` in ``fmt``; the one entry point tests and the benchmark share."""
    module, kind = FORMATS[fmt]
    kwargs = {}
    if fmt == "labelstudio":
        kwargs["offsets"] = extra.get("offsets", "codepoint")
    if fmt == "doccano":
        kwargs["variant"] = extra.get("variant", "label")
    if kind == "stream":
        with _atomic_text(out) as fh:
            return module.export(docs, fh, options, **kwargs)
    if out is None:
        raise WarraqError(f"--out is required for --format {fmt}")
    if kind == "file" and fmt == "spacy":
        spacy_docbin._spacy()  # one clear line before any work when spaCy is absent
    return module.export(docs, out, options, **kwargs)


def run_export(args: argparse.Namespace) -> int:
    try:
        statuses = parse_statuses(args.status)
    except ValueError as exc:
        raise WarraqError(str(exc)) from exc
    store = open_store(args, write=False)
    try:
        options = ExportOptions(statuses=statuses, tagset=args.tagset, schema=store.schema)
        ids = store.article_ids()
        counted = {"articles": 0}

        def docs() -> Iterator[GoldDoc]:
            for art in progress_iter(store.iter_articles(), len(ids), "exporting",
                                     progress_enabled()):
                if args.only_done and art.annotations.status != ArticleStatus.DONE:
                    continue
                counted["articles"] += 1
                yield GoldDoc(id=art.id, text=art.text, meta=dict(art.meta or {}),
                              annotations=art.annotations)

        out = Path(args.out) if args.out else None
        n = export_docs(docs(), args.format, out, options, offsets=args.offsets,
                        variant=args.variant)
    finally:
        store.close()
    where = args.out or "stdout"
    warn(f"exported {n} annotations from {counted['articles']} articles to {where}")
    return 0

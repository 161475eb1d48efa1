"""``warraq export``: stream the store's articles through one of the format converters in
``store.formats`` to a file, a folder or stdout.

Every output is written whole or not at all: a file goes to a temporary file renamed over it,
a folder's files are written in a temporary folder beside it and then moved in, so an export
interrupted half-way (or hitting a full disk) never leaves a truncated gold file behind; a
failed write is one line naming the file and the problem. Without ``--out`` the data goes to
stdout unchanged for a pipe or a file, and with every control shown as a sign when stdout is
a terminal (article text carries escape sequences and bidi overrides). A damaged store file
stops the export, named, before anything is written, unless ``--skip-damaged``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from store.errors import StoreError, WarraqError
from store.formats import doccano, labelstudio, spacy_docbin
from store.formats.common import TAGSETS, ExportOptions, GoldDoc, parse_statuses, progress_iter
from store.formats.registry import FORMATS
from store.records import ArticleStatus
from store.span_policy import convert_annotations
from store.storage import _current_umask
from tui.cli.options import add_store_options, open_store, progress_enabled
from tui.cli.output import for_terminal
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
    chosen = exp.add_mutually_exclusive_group()
    chosen.add_argument("--only-done", action="store_true", help="only articles marked done")
    chosen.add_argument("--all", dest="all_articles", action="store_true",
                        help="every article in the store, also those no one has worked on "
                        "(default: only articles a person worked on: in progress, done, or "
                        "holding a human decision)")
    exp.add_argument("--offsets", choices=labelstudio.OFFSET_UNITS, default="codepoint",
                     help="Label Studio offset unit (default: codepoint, as current releases)")
    exp.add_argument("--variant", choices=doccano.VARIANTS, default="label",
                     help="doccano: label (spans only) or entities (with event relations)")
    exp.add_argument("--config", metavar="OUT.xml",
                     help="labelstudio: also write the labelling interface for these tasks "
                     "(entity, event, role, attribute, highlight and document-label controls)")
    exp.add_argument("--layer", metavar="NAME",
                     help="in a team store, the layer to export (default: the curated layer "
                     "when adjudication made one, else your own)")
    exp.add_argument("--span-boundary", choices=("token", "stem"), default=None,
                     help="write entity spans as whole tokens or stems (default: as stored,"
                          " i.e. the schema's span_boundary)")
    exp.add_argument("--skip-damaged", action="store_true",
                     help="export the readable articles when some store files are damaged "
                     "(each is still named on stderr); without it a damaged file stops the "
                     "export with a non-zero exit")
    add_store_options(exp)
    exp.set_defaults(run=run_export)


def _write_failed(exc: OSError, where: str | Path) -> WarraqError:
    return WarraqError(f"could not write: {exc.strerror or exc}", where)


def _usual_mode(tmp: str, final: Path) -> None:
    """A temporary file is private (0600); the export it becomes gets the mode any new file
    gets here (0644 under the usual umask), or keeps the mode of the file it replaces."""
    try:
        mode = final.stat().st_mode & 0o777 if final.is_file() else 0o666 & ~_current_umask()
        os.chmod(tmp, mode)
    except OSError:
        pass  # a file system without modes: the export itself is what matters


@contextlib.contextmanager
def _atomic_text(path: Path | None) -> Iterator[TextIO]:
    """A text stream to ``path`` that replaces it only once complete (stdout when None)."""
    if path is None:
        try:
            yield for_terminal(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away (`| head`): the dispatcher ends quietly
        except OSError as exc:
            # Nothing more can reach stdout; let the interpreter's last flush go nowhere
            # instead of printing a second error.
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise _write_failed(exc, "stdout") from None
        return
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        _usual_mode(tmp, path)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _write_failed(exc, path) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write a binary file to, renamed over ``path`` once
    the writer returned (the spaCy DocBin writes by path, not through a stream)."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                                   dir=path.parent)
        os.close(fd)
        yield Path(tmp)
        _usual_mode(tmp, path)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _write_failed(exc, path) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def _atomic_folder(path: Path) -> Iterator[Path]:
    """A temporary folder beside ``path`` for a folder format; when the writer finished,
    its files are renamed into ``path`` one by one (each whole, none torn) — or the folder
    itself is, when ``path`` did not exist."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent)
        yield Path(tmp)
        for entry in os.listdir(tmp):
            _usual_mode(os.path.join(tmp, entry), path / entry)
        if not path.exists():
            os.chmod(tmp, 0o777 & ~_current_umask())
            os.replace(tmp, path)
            tmp = None
        else:
            if not path.is_dir():
                raise WarraqError("exists and is not a folder", path)
            for entry in sorted(os.listdir(tmp)):
                os.replace(os.path.join(tmp, entry), path / entry)
    except OSError as exc:
        raise _write_failed(exc, path) from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


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
    with (_atomic_folder(out) if kind == "dir" else _atomic_file(out)) as target:
        return int(module.export(docs, target, options, **kwargs))


def _stop(damaged: list[StoreError]) -> WarraqError:
    n = len(damaged)
    files = "1 damaged store file" if n == 1 else f"{n} damaged store files"
    return WarraqError(f"export stopped: {files} (named above); repair or move them, or "
                       "pass --skip-damaged to export the rest")


def _write_config(path: Path, xml: str) -> None:
    with _atomic_text(path) as fh:
        fh.write(xml)
    warn(f"Label Studio labelling interface written to {path}")


def _choose_layer(args: argparse.Namespace) -> None:
    """In a team store, export the curated layer by default (adjudicated gold), or the
    ``--layer`` asked for; a single-annotator store is exported as it is."""
    from store.adjudication import CURATED
    from store.paths import is_team_store, layer_names, resolve_store_dir

    root = resolve_store_dir(args.store)
    if not is_team_store(root):
        if args.layer:
            raise WarraqError("--layer is for team stores (warraq team init)", root)
        return
    names = layer_names(root)
    if args.layer:
        if args.layer not in names:
            raise WarraqError(f"no layer {args.layer!r} (layers: {', '.join(names)})", root)
        args.annotator = args.layer
    elif CURATED in names:
        args.annotator = CURATED
        warn("exporting the curated layer (--layer NAME for another)")


def run_export(args: argparse.Namespace) -> int:
    try:
        statuses = parse_statuses(args.status)
    except ValueError as exc:
        raise WarraqError(str(exc)) from exc
    skip = bool(getattr(args, "skip_damaged", False))
    _choose_layer(args)
    store = open_store(args, write=False)
    try:
        # Opening parsed every file: the damaged ones are known before a byte is written.
        damaged: list[StoreError] = list(store.errors)
        for error in damaged:
            warn(error)
        if damaged and not skip:
            raise _stop(damaged)
        options = ExportOptions(statuses=statuses, tagset=args.tagset, schema=store.schema)
        ids = store.article_ids()
        counted = {"articles": 0, "left_out": 0}
        all_articles = bool(getattr(args, "all_articles", False))

        def docs() -> Iterator[GoldDoc]:
            for article_id in progress_iter(ids, len(ids), "exporting", progress_enabled()):
                try:
                    art = store.get(article_id)
                except StoreError as error:  # parsed, but its records do not hold together
                    warn(error)
                    damaged.append(error)
                    if not skip:
                        raise _stop(damaged) from None
                    continue
                if art is None or not art.exists:
                    continue
                if art.rejected:  # spans that do not fit the text: never exported
                    for problem in art.rejected:
                        warn(StoreError(problem, art.path))
                    damaged.append(StoreError(art.rejected[0], art.path))
                    if not skip:
                        raise _stop(damaged)
                if args.only_done and art.annotations.status != ArticleStatus.DONE:
                    counted["left_out"] += 1
                    continue
                if not (args.only_done or all_articles
                        or art.annotations.decided_by_a_person()):
                    counted["left_out"] += 1
                    continue
                counted["articles"] += 1
                annotations = art.annotations
                if getattr(args, "span_boundary", None):  # store/span_policy.py
                    annotations = convert_annotations(annotations, art.text, args.span_boundary)
                meta = dict(art.meta or {})
                if isinstance(meta.get("path"), str):  # stores from before: no local folders
                    meta["path"] = Path(meta["path"]).name
                yield GoldDoc(id=art.id, text=art.text, meta=meta, annotations=annotations)

        if getattr(args, "config", None):
            if args.format != "labelstudio":
                raise WarraqError("--config is for --format labelstudio")
            _write_config(Path(args.config), labelstudio.schema_config(store.schema))
        out = Path(args.out) if args.out else None
        n = export_docs(docs(), args.format, out, options, offsets=args.offsets,
                        variant=args.variant)
    finally:
        store.close()
    where = args.out or "stdout"
    skipped = f" ({len(damaged)} damaged store files skipped)" if damaged else ""
    warn(f"exported {n} annotations from {counted['articles']} articles to {where}{skipped}")
    left_out = counted["left_out"]
    if left_out:
        why = ("not marked done" if args.only_done else
               "no one has worked on (new or skipped; --all exports them)")
        warn(f"left out {left_out} article{'s' if left_out != 1 else ''} {why}")
    return 0


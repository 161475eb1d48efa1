"""Applying one decision to the other mentions of the same name.

An annotator who labels ``موسكو`` as GPE once should not have to label it twenty more times
in the same article. Mentions are found the way the gazetteer finds names (ARABIC.md): on
normalized whole tokens, with proclitics on the first token (``بموسكو``, ``وموسكو``,
``للأمم المتحدة``), and a mention's span is the whole token, clitics included.

What counts as "the same name" when the decided text itself carries a clitic
(``بموسكو``)? A proclitic is stripped from it only when the stem is a known name: the
gazetteer names it, or a human already accepted it with the same label in this article.
Otherwise the decided token is taken as it is, so ``بيروت``, ``لبنان``, ``واشنطن`` and
``وليد`` never lose a letter and never match ``يروت``, ``بنان`` or ``ليد``. (Seeing the
stem alone elsewhere in the article is not enough: ``كريم`` would then match ``ريم``.)
The article ``ال`` is never stripped, as in the gazetteer.

Decisions and their provenance:

* in the article (:func:`propagate_in_article`): the same decision is applied at once, as
  *accepted* spans with origin ``human-propagated`` (``extra.propagated_from`` = the
  decided span's id); a pending suggestion already on that stretch (same words, clitics
  aside) is decided instead of duplicated — relabelled and re-bounded when it said
  otherwise, its own guess kept as ``original`` — and nothing is stacked on a stretch a
  human already labelled. New spans follow the schema's ``span_boundary`` (whole token, or
  stem only; ``store.span_policy``). One undo step (``store.batch``).
* across the corpus (:func:`propagate_to_corpus`): *pending* suggestions with origin
  ``propagation``, to be reviewed like any other suggestion; one write per article.
* a rejection (:func:`reject_in_article`): the pending suggestions of the same form and
  label in the article are rejected too; one undo step.

Nothing is ever added where the store already has that span and label in any status, or
where a human corrected a suggestion away from it (``store.suggest.SeenSpans``), nor inside
an accepted span of the same label (``الأسد`` inside an accepted ``بشار الأسد``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from store.arabic import normalize, split_proclitics, tokenize
from store.errors import WarraqError
from store.records import EntitySpan, SpanStatus
from store.span_policy import decision_changes, policy_of, same_stretch, strippable
from store.suggest import Candidate, SeenSpans, SuggestCounts, add_pending

ORIGIN_IN_ARTICLE = "human-propagated"
ORIGIN_CORPUS = "propagation"
MIN_CORROBORATED_STEM = 3  # a stem seen only in the article must be at least this long

# ``progress(done, total)``: called after each article; returning False stops the run.
Progress = Callable[[int, int], bool | None]


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()  # the built-in gazetteer as the lexicon of known stems


def _lexicon(lexicon: Any) -> Any:
    if lexicon is DEFAULT:
        from store.gazetteer import Gazetteer

        return Gazetteer.default()
    return lexicon


_strippable = strippable  # a proclitic the matcher may strip: never one ending in the article


# --------------------------------------------------------------------------- forms


@dataclass(frozen=True)
class Form:
    """A decided name as the matcher compares it: the keys its first token may have once
    proclitics are stripped, and the exact keys of the tokens after it."""

    heads: frozenset[str]
    tail: tuple[str, ...]

    def head_matches(self, key: str, cache: dict[str, bool] | None = None) -> bool:
        if key in self.heads:
            return True
        if cache is not None and key in cache:
            return cache[key]
        hit = any(_strippable(p) and s in self.heads for p, s in split_proclitics(key))
        if cache is not None:
            cache[key] = hit
        return hit


def _keys(text: str) -> list[str]:
    return [normalize(t.text) for t in tokenize(text)]


def decided_form(span_text: str, *, lexicon: Any = DEFAULT, known: Iterable[str] = ()
                 ) -> Form | None:
    """The form of a decided span; None when it holds no word (punctuation at its ends is
    left out).

    The first token's stem (a proclitic stripped, never the article) joins the whole token
    as a head only when it is a known name: the lexicon (a ``Gazetteer``; None for none)
    names it — unless it names the whole token already — or it is one of ``known`` (texts
    a human already decided, e.g. the article's accepted spans of the same label).
    """
    tokens = tokenize(span_text)
    while tokens and tokens[0].is_punct:  # a span that took in a quote or a comma
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    keys = [normalize(t.text) for t in tokens]
    if not keys:
        return None
    first, tail = keys[0], tuple(keys[1:])
    heads = {first}
    lex = _lexicon(lexicon)
    decided = {tuple(_keys(k)) for k in known}

    def is_known(head: str) -> bool:
        if (head, *tail) in decided:
            return True
        return lex is not None and lex.lookup(" ".join((head, *tail))) is not None

    if not is_known(first):
        for prefix, stem in split_proclitics(first):
            if _strippable(prefix) and is_known(stem):
                heads.add(stem)
                break  # the shortest clitic that leaves a known stem, as the gazetteer does
    return Form(frozenset(heads), tail)


def _scan(text: str, form: Form, exclude: set[tuple[int, int]] | frozenset[tuple[int, int]],
          cache: dict[str, bool] | None = None) -> list[tuple[int, int]]:
    """Mentions paragraph by paragraph: a name never runs across a line break, and a
    paragraph whose normalized text holds no head cannot hold a mention, so only the few
    that do are tokenized (tokenizing is most of the cost). ``cache`` (token key → head
    match) may be shared by the scans of one form over many articles."""
    cache = {} if cache is None else cache
    out: list[tuple[int, int]] = []
    base = 0
    for para in text.split("\n"):
        offset, base = base, base + len(para) + 1
        if not para:
            continue
        folded = normalize(para)
        if any(h in folded for h in form.heads):
            out.extend(_scan_paragraph(para, offset, form, exclude, cache))
    return out


def _scan_paragraph(para: str, offset: int, form: Form,
                    exclude: set[tuple[int, int]] | frozenset[tuple[int, int]],
                    cache: dict[str, bool]) -> list[tuple[int, int]]:
    tokens = tokenize(para)
    keys = [normalize(t.text) for t in tokens]
    width = 1 + len(form.tail)
    out: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i + width <= n:
        if not form.head_matches(keys[i], cache) or tuple(keys[i + 1:i + width]) != form.tail:
            i += 1
            continue
        last = i + width - 1
        span = (offset + tokens[i].start, offset + tokens[last].end)
        if span not in exclude:
            out.append(span)
        i = last + 1
    return out


def mentions_in_article(
    text: str, span_text: str, *, exclude: set[tuple[int, int]] | frozenset[tuple[int, int]]
    = frozenset(), lexicon: Any = DEFAULT, known: Iterable[str] = (),
) -> list[tuple[int, int]]:
    """Whole-token spans in ``text`` naming the same normalized form as ``span_text``.

    In text order, non-overlapping, leaving out the spans in ``exclude`` (pass the decided
    span itself). ``lexicon``: a ``Gazetteer`` telling which stripped stems are names (the
    built-in one by default, loaded once per process, ~0.4 s; None for none); ``known``:
    more names, e.g. the texts of the article's accepted spans of the same label.
    """
    form = decided_form(span_text, lexicon=lexicon, known=known)
    if form is None:
        return []
    return _scan(text, form, exclude)


# --------------------------------------------------------------------------- in an article


def _blocked(annotations: Any, text: str, start: int, end: int, label: str) -> bool:
    """A human already decided this place: an accepted span of the label covers it, or an
    accepted span of any label sits on the same stretch (same words, clitics aside)."""
    for e in annotations.entities:
        if e.status != SpanStatus.ACCEPTED:
            continue
        if e.label == label and e.start <= start and end <= e.end:
            return True
        if same_stretch(text, (e.start, e.end), (start, end)):
            return True
    return False


def _stem_start(text: str, start: int, end: int, decided_text: str) -> int:
    """Where the stem of the whole-token mention ``text[start:end]`` begins, reading its
    proclitics as the decided (stem-only) span does; ``start`` when nothing to strip."""
    first = text[start:end].split()[0] if text[start:end].split() else ""
    decided_key = normalize(decided_text.split()[0]) if decided_text.split() else ""
    for prefix, stem in split_proclitics(first):
        if prefix and prefix + stem == first and normalize(stem) == decided_key:
            return start + len(prefix)
    return start


def propagate_in_article(store: Any, article_id: str, text: str, decided: EntitySpan, *,
                         lexicon: Any = DEFAULT) -> list[EntitySpan]:
    """Apply an accepted decision to the other mentions in its article; returns the spans
    added, accepted or relabelled (empty when there is nothing to do). One undo step.

    A mention already carrying pending suggestions is decided, not stacked on: the first
    suggestion on that stretch takes the decision's label and boundaries (what it said is
    kept as its ``original``), the others there are rejected. New spans follow the schema's
    ``span_boundary`` (store/span_policy.py): whole tokens, or the stem without its
    proclitics."""
    store.attach(article_id, text)
    annotations = store.annotations(article_id)
    seen = SeenSpans(annotations)
    pending = [e for e in annotations.entities if e.status == SpanStatus.PENDING]
    todo: list[tuple[str, Any]] = []
    known = [e.text for e in annotations.entities
             if e.status == SpanStatus.ACCEPTED and e.label == decided.label]
    stem_only = policy_of(getattr(store, "schema", None)).stem
    for start, end in mentions_in_article(text, decided.text, lexicon=lexicon, known=known,
                                          exclude={(decided.start, decided.end)}):
        if stem_only:
            start = _stem_start(text, start, end, decided.text)
        if (start, end) == (decided.start, decided.end):
            continue
        if _blocked(annotations, text, start, end, decided.label):
            continue
        there = [e for e in pending if same_stretch(text, (e.start, e.end), (start, end))]
        if there:
            todo.append(("decide", (there[0], start, end)))
            todo.extend(("reject", other) for other in there[1:])
            continue
        key = (start, end, decided.label)
        if key not in seen:
            seen.admit(*key)
            todo.append(("add", key))
    if not todo:
        return []
    done: list[EntitySpan] = []
    with store.batch(f"propagate {decided.label} «{decided.text}»"):
        for what, item in todo:
            if what == "decide":
                span, start, end = item
                done.append(store.update_entity(
                    article_id, span.id, **decision_changes(span, decided.label, start, end)))
                continue
            if what == "reject":
                store.update_entity(article_id, item.id, status=SpanStatus.REJECTED)
                continue
            start, end, label = item
            done.append(store.add_entity(article_id, EntitySpan(
                start=start, end=end, text=text[start:end], label=label,
                origin=ORIGIN_IN_ARTICLE, status=SpanStatus.ACCEPTED,
                annotator=getattr(store, "annotator", None),
                extra={"propagated_from": decided.id},
            )))
    return done


def _same_form(form: Form, span_text: str) -> bool:
    """Whether a whole span's text is one mention of ``form``."""
    tokens = tokenize(span_text)
    if len(tokens) != 1 + len(form.tail):
        return False
    keys = [normalize(t.text) for t in tokens]
    return form.head_matches(keys[0]) and tuple(keys[1:]) == form.tail


def reject_in_article(store: Any, article_id: str, text: str, rejected: EntitySpan, *,
                      lexicon: Any = DEFAULT) -> list[EntitySpan]:
    """Reject the article's other pending suggestions of the same form and label; returns
    them as rejected. One undo step."""
    form = decided_form(rejected.text, lexicon=lexicon)
    if form is None:
        return []
    positions = set(_scan(text, form, frozenset()))
    targets = [
        e for e in store.annotations(article_id).entities
        if e.status == SpanStatus.PENDING and e.label == rejected.label and e.id != rejected.id
        and ((e.start, e.end) in positions or _same_form(form, e.text))
    ]
    if not targets:
        return []
    with store.batch(f"reject {rejected.label} «{rejected.text}» everywhere in the article"):
        return [store.update_entity(article_id, e.id, status=SpanStatus.REJECTED)
                for e in targets]


def apply_decision(store: Any, article_id: str, text: str, span: EntitySpan, *,
                   lexicon: Any = DEFAULT) -> list[EntitySpan]:
    """The in-article propagation that fits the span's status: rejected spans reject their
    look-alikes, accepted ones are applied; pending spans decide nothing."""
    if span.status == SpanStatus.REJECTED:
        return reject_in_article(store, article_id, text, span, lexicon=lexicon)
    if span.status == SpanStatus.ACCEPTED:
        return propagate_in_article(store, article_id, text, span, lexicon=lexicon)
    return []


# --------------------------------------------------------------------------- corpus


def _meta_dict(meta: Any) -> dict[str, Any]:
    keys = ("title", "date", "url", "source")
    return {k: getattr(meta, k) for k in keys if getattr(meta, k, None) is not None}


def propagate_to_corpus(
    store: Any, corpus: Any, decided: EntitySpan, progress: Progress | None = None, *,
    lexicon: Any = DEFAULT, origin: str = ORIGIN_CORPUS, ids: Iterable[str] | None = None,
    errors: list[WarraqError] | None = None, counts: SuggestCounts | None = None,
) -> int:
    """Pending suggestions (origin ``propagation``) at every mention of the decided name
    in the corpus; returns how many were added.

    ``corpus`` is a ``store.corpus.Corpus`` (``ids``, ``load``); ``ids`` narrows the run.
    Only paragraphs whose normalized text holds the name are tokenized, and only articles
    with something to add are attached to the store. An article that cannot be read is
    appended to ``errors`` (if given) and skipped. ``progress(done, total)`` runs after
    each article; returning False stops (what was found so far is kept). The whole run is
    one undo step; each changed article is one file write, made when the run ends.
    """
    counts = counts if counts is not None else SuggestCounts()
    form = decided_form(decided.text, lexicon=lexicon)
    if form is None:
        return 0
    cache: dict[str, bool] = {}
    article_ids = list(corpus.ids if ids is None else ids)
    total, added = len(article_ids), 0
    with store.batch(f"propagate {decided.label} «{decided.text}» across the corpus"):
        for done, article_id in enumerate(article_ids, 1):
            try:
                article = corpus.load(article_id)
            except WarraqError as exc:
                if errors is not None:
                    errors.append(exc)
                article = None
            if article is not None:
                added += _propagate_one(store, article_id, article, decided, form, cache,
                                        origin, counts)
            if progress is not None and progress(done, total) is False:
                break
    return added


def _propagate_one(store: Any, article_id: str, article: Any, decided: EntitySpan,
                   form: Form, cache: dict[str, bool], origin: str,
                   counts: SuggestCounts) -> int:
    text = article.text
    mentions = _scan(text, form, frozenset(), cache)  # skips paragraphs without a head
    if not mentions:
        return 0
    store.attach(article_id, text, _meta_dict(getattr(article, "meta", None)))
    annotations = store.annotations(article_id)
    # No second suggestion on a stretch that already has one (of any label): accepting
    # all would otherwise stack contradictions there.
    pending = [(p.start, p.end) for p in annotations.entities
               if p.status == SpanStatus.PENDING]
    if policy_of(getattr(store, "schema", None)).stem:
        mentions = [(_stem_start(text, s, e, decided.text), e) for s, e in mentions]
    candidates = [
        Candidate(s, e, decided.label, None, {"propagated_from": decided.id})
        for s, e in mentions if not _blocked(annotations, text, s, e, decided.label)
        and not any(same_stretch(text, p, (s, e)) for p in pending)
    ]
    counts.articles += 1
    return len(add_pending(store, article_id, text, candidates, origin, counts))


@contextmanager
def rich_progress(description: str = "propagating") -> Iterator[Progress]:
    """A ``progress`` callback drawing a rich progress bar on stderr (for the CLI)."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update

"""Pending suggestions into a store, from the gazetteer or any other suggestion source.

Suggestions are silver data for a human to accept or reject, so a run must be safe to
repeat: a span already present with the same start, end and label — in any status, or as
the original of a span a human corrected — is never added again. That is what keeps a
rejected suggestion from coming back on the next run. Every source (the gazetteer, a
plugged-in model, propagation of a decision, ``warraq import --as suggestions``) goes
through :class:`SeenSpans`, so the rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol, TypeVar

from store.arabic import normalize
from store.errors import SuggesterError
from store.gazetteer import Gazetteer, Match
from store.records import EntitySpan, SpanStatus, now_iso
from store.span_policy import IsName, SpanPolicy, gazetteer_names, policy_of, same_stretch

ORIGIN = "gazetteer"

SpanKey = tuple[int, int, str]


class _Store(Protocol):  # the part of store.store.Store used here
    schema: Any

    def attach(self, article_id: str, text: str, meta: dict[str, Any] | None = None) -> Any: ...
    def annotations(self, article_id: str) -> Any: ...
    def add_entity(self, article_id: str, span: EntitySpan) -> EntitySpan: ...
    def add_entities(self, article_id: str, spans: list[EntitySpan],
                     description: str | None = None) -> list[EntitySpan]: ...
    def batch(self, description: str = ...) -> Any: ...


class _HasSpan(Protocol):
    start: int
    end: int
    label: str


_Span = TypeVar("_Span", bound=_HasSpan)


@dataclass
class SuggestCounts:
    """What a run did, for the CLI's summary line."""

    articles: int = 0
    added: int = 0
    already: int = 0  # present in some status (or as a corrected original)
    unknown_label: int = 0  # the schema lacks the source's label
    failed: int = 0
    invalid: int = 0  # spans a plugged-in suggester returned that do not fit the text
    warnings: list[str] = field(default_factory=list)  # one line per article with bad spans


class Candidate(NamedTuple):
    """A span some source proposes: code point offsets into the article text, end-exclusive.

    ``extra`` is stored on the span as extra fields (the gazetteer's canonical entry name).
    A named tuple, not a dataclass: a large run sends millions of them from its worker
    processes, and tuples pickle several times faster.
    """

    start: int
    end: int
    label: str
    score: float | None = None
    extra: Mapping[str, Any] | None = None

    @classmethod
    def from_match(cls, m: Match) -> Candidate:
        return cls(m.start, m.end, m.label, round(m.score, 3), {"entry": m.entry})


def known_spans(annotations: Any) -> set[SpanKey]:
    """(start, end, label) of every entity and of every corrected entity's original."""
    seen: set[SpanKey] = set()
    for span in annotations.entities:
        seen.add((span.start, span.end, span.label))
        if span.original is not None:
            seen.add((span.original.start, span.original.end, span.original.label))
    return seen


class SeenSpans:
    """The "already decided" rule shared by every suggestion source.

    A key is admitted once: not when an entity of the article has it (accepted, pending
    or rejected) nor when it is what a human-corrected suggestion originally said.
    """

    def __init__(self, annotations: Any):
        self.keys = known_spans(annotations)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def admit(self, start: int, end: int, label: str) -> bool:
        """True (and remembered) when the span is new; False when it is already decided."""
        key = (start, end, label)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True


def fresh_candidates(
    candidates: Iterable[_Span], annotations: Any, labels: set[str] | None = None,
    counts: SuggestCounts | None = None,
) -> list[_Span]:
    """The candidates (anything with start, end and label: a ``Candidate``, a gazetteer
    ``Match``) not already in ``annotations`` and with a schema label; pure."""
    counts = counts if counts is not None else SuggestCounts()
    seen = SeenSpans(annotations)
    fresh: list[_Span] = []
    for cand in candidates:
        if labels is not None and cand.label not in labels:
            counts.unknown_label += 1
        elif not seen.admit(cand.start, cand.end, cand.label):
            counts.already += 1
        else:
            fresh.append(cand)
    return fresh


def new_suggestions(
    text: str, annotations: Any, gazetteer: Gazetteer, labels: set[str] | None = None,
    counts: SuggestCounts | None = None,
) -> list[Match]:
    """The gazetteer matches in ``text`` not already in ``annotations``; pure, no store."""
    return fresh_candidates(gazetteer.match(text), annotations, labels, counts)


def add_pending(
    store: _Store, article_id: str, text: str, candidates: Iterable[Candidate], origin: str,
    counts: SuggestCounts | None = None,
) -> list[EntitySpan]:
    """Store the new candidates of one attached article as pending spans of ``origin``.

    All additions are one write and one undo step (``store.add_entities``); what is already
    decided, or has a label outside the schema, is counted and skipped.
    """
    counts = counts if counts is not None else SuggestCounts()
    spans = pending_spans(store.schema, text, store.annotations(article_id), candidates,
                          origin, counts)
    added: list[EntitySpan] = []
    if spans:
        added = store.add_entities(article_id, spans, f"{origin} suggestions for {article_id}")
    counts.added += len(added)
    return added


def pending_spans(
    schema: Any, text: str, annotations: Any, candidates: Iterable[Candidate], origin: str,
    counts: SuggestCounts,
) -> list[EntitySpan]:
    """The pending spans ``add_pending`` stores: the candidates fitted to the schema's span
    boundaries, minus what ``annotations`` already decided and labels outside ``schema``
    (both counted); pure, so a worker process can build a new article's file with it
    (store/suggest_fresh.py)."""
    labels = set(schema.entity_labels) if schema is not None else None
    fitted = fit_candidates(policy_of(schema), text, candidates)
    on_decided = _decided_words(text, annotations)
    fresh = []
    for c in fresh_candidates(fitted, annotations, labels, counts):
        if on_decided(c):
            counts.already += 1
        else:
            fresh.append(c)
    if not fresh:
        return []
    stamp = now_iso()
    return [EntitySpan(start=c.start, end=c.end, text=text[c.start:c.end], label=c.label,
                       origin=origin, status=SpanStatus.PENDING, score=c.score,
                       created=stamp, extra=dict(c.extra or {}))
            for c in fresh]


def fit_candidates(policy: SpanPolicy, text: str, candidates: Iterable[Candidate],
                   is_name: IsName | None = None) -> list[Candidate]:
    """The candidates on the schema's span boundaries (store/span_policy.py). Under
    ``stem`` a proclitic is cut when the rest is the candidate's gazetteer ``entry`` or a
    name ``is_name`` knows (the built-in gazetteer by default, loaded only then)."""
    if policy.stem and is_name is None:
        is_name = gazetteer_names()
    out: list[Candidate] = []
    for c in candidates:
        names = is_name
        entry = (c.extra or {}).get("entry") if policy.stem else None
        if isinstance(entry, str) and is_name is not None:
            key, known = normalize(entry), is_name
            names = lambda k, key=key, known=known: k == key or known(k)  # noqa: E731
        start, end = policy.fit(text, c.start, c.end, names)
        out.append(c if (start, end) == (c.start, c.end) else Candidate(
            start, end, c.label, c.score, c.extra))
    return out


def fit_spans(schema: Any, text: str, spans: Iterable[EntitySpan], annotations: Any = None
              ) -> tuple[list[EntitySpan], int]:
    """Imported suggestions on the schema's span boundaries (``warraq import --as
    suggestions``), and how many were left out because a person already labelled those
    words (``annotations``: the article's). Ids are kept, so event arguments still point
    at the spans kept."""
    policy = policy_of(schema)
    is_name = gazetteer_names() if policy.stem else None
    on_decided = _decided_words(text, annotations) if annotations is not None else None
    out: list[EntitySpan] = []
    left_out = 0
    for e in spans:
        start, end = policy.fit(text, e.start, e.end, is_name)
        if on_decided is not None and on_decided(Candidate(start, end, e.label)):
            left_out += 1
            continue
        out.append(e if (start, end) == (e.start, e.end)
                   else replace(e, start=start, end=end, text=text[start:end]))
    return out, left_out


def _decided_words(text: str, annotations: Any) -> Callable[[Candidate], bool]:
    """Whether a candidate lies on words a person already labelled (same words, clitics
    aside, any label): suggesting there again would only invite a contradiction. Accepted
    spans are indexed by their end, which two spans on the same stretch share."""
    ends: dict[int, list[tuple[int, int]]] = {}
    for e in annotations.entities:
        if e.status == SpanStatus.ACCEPTED:
            ends.setdefault(e.end, []).append((e.start, e.end))
    return lambda c: any(same_stretch(text, span, (c.start, c.end))
                         for span in ends.get(c.end, ()))


def suggest_article(
    store: _Store, article_id: str, text: str, meta: Mapping[str, Any] | None,
    gazetteer: Gazetteer, counts: SuggestCounts | None = None,
) -> int:
    """Add the gazetteer's pending suggestions for one article; returns how many were new.

    All additions of one article are one write and one undo step.
    """
    counts = counts if counts is not None else SuggestCounts()
    store.attach(article_id, text, dict(meta or {}))
    added = add_pending(store, article_id, text,
                        (Candidate.from_match(m) for m in gazetteer.match(text)), ORIGIN, counts)
    counts.articles += 1
    return len(added)


# ------------------------------------------------------------------ plugged-in suggesters


def _candidate(item: Any, text: str) -> Candidate | str:
    """One suggester item as a Candidate, or the reason it cannot be one."""
    score: Any = None
    extra: dict[str, Any] = {}
    if type(item) is Match:  # the built-in gazetteer's: first, it is most of a large run
        start, end, label, score = item.start, item.end, item.label, item.score
        if isinstance(item.entry, str):
            extra["entry"] = item.entry
    elif isinstance(item, (tuple, list)):
        if len(item) not in (3, 4):
            return f"expected (start, end, label[, score]), got {len(item)} values"
        start, end, label = item[0], item[1], item[2]
        score = item[3] if len(item) == 4 else None
    elif isinstance(item, Mapping):
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        score = item.get("score")
    elif all(hasattr(item, a) for a in ("start", "end", "label")):
        start, end, label = item.start, item.end, item.label
        score = getattr(item, "score", None)
        entry = getattr(item, "entry", None)
        if isinstance(entry, str):
            extra["entry"] = entry
    else:
        return f"expected (start, end, label[, score]), got {type(item).__name__}"
    if not (type(start) is int and type(end) is int) and not all(
            isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return f"offsets must be integers, got {start!r}, {end!r}"
    if not 0 <= start < end <= len(text):
        return f"span [{start}, {end}) outside a text of {len(text)} characters"
    if not isinstance(label, str) or not label:
        return f"span [{start}, {end}) has no label"
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            return f"score must be a number, got {score!r}"
        score = round(float(score), 3)
    return Candidate(start, end, label, score, extra)


def run_suggester(
    name: str, fn: Callable[[str], Iterable[Any]], text: str, article_id: str,
    counts: SuggestCounts | None = None,
) -> list[Candidate]:
    """Call a suggester on one text and keep the spans that fit it.

    An exception inside the suggester becomes one ``SuggesterError`` line naming the
    suggester and the article (the caller goes on with the next article); spans that do
    not fit the text are dropped, counted and summed up in one warning line.
    """
    counts = counts if counts is not None else SuggestCounts()
    try:
        items = list(fn(text))
    except SuggesterError:
        raise
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        raise SuggesterError(f"suggester {name!r} failed on article {article_id!r}: "
                             f"{detail}") from None
    good: list[Candidate] = []
    problems: list[str] = []
    for item in items:
        cand = _candidate(item, text)
        if isinstance(cand, str):
            problems.append(cand)
        else:
            good.append(cand)
    if problems:
        counts.invalid += len(problems)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        counts.warnings.append(f"suggester {name!r} on article {article_id!r}: "
                               f"{problems[0]}{more}; those spans were skipped")
    return good


def suggest_with(
    store: _Store, article_id: str, text: str, meta: Mapping[str, Any] | None, name: str,
    fn: Callable[[str], Iterable[Any]], counts: SuggestCounts | None = None,
) -> int:
    """Add one suggester's pending spans (origin ``name``) to one article; how many were
    new. Raises ``SuggesterError`` when the suggester fails; nothing is written then."""
    counts = counts if counts is not None else SuggestCounts()
    candidates = run_suggester(name, fn, text, article_id, counts)
    store.attach(article_id, text, dict(meta or {}))
    added = add_pending(store, article_id, text, candidates, name, counts)
    counts.articles += 1
    return len(added)

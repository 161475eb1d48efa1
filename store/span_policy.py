"""One clitic policy for every span Warraq writes (issue 14, item 4).

Arabic writes proclitics on the word (``بالأسد`` = ``ب`` + ``الأسد``). Corpora disagree on
whether a name's span takes them in: ANERcorp and Wojood tag the whole whitespace token
(``بالأسد``), ACE tags the stem (``الأسد``). Gold that mixes both is wrong gold: the same
mention counts twice, or disagrees with itself. So the schema names one convention,
``span_boundary = "token" | "stem"`` (default ``"token"``), and every producer of spans —
the reader's selection and trims, propagation, gazetteer and model suggestions, imports as
suggestions — passes its offsets through :func:`SpanPolicy.fit` here.

* ``token``: a span covers whole tokens. A start or end inside a word moves outwards to the
  word's edge (``الأسد`` inside ``بالأسد`` becomes ``بالأسد``).
* ``stem``: a span leaves its first word's proclitics (``و``, ``ف``, ``ب``, ``ل``, ``ك`` and
  their combinations; never the article ``ال``) outside, but only when what is left is a
  known name — a span's letters are never cut on a guess (``بيروت`` keeps its ``ب``). What
  counts as known is the caller's ``is_name`` (a gazetteer entry, the decided text, the
  built-in gazetteer). A span a person already started inside a word is left as it is.

Both trim whitespace from a span's ends. :func:`same_stretch` is the companion test: two
spans that differ only by such proclitics mark the same words, never a nesting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from store.arabic import PUNCTUATION, normalize, split_proclitics
from store.records import SpanStatus

TOKEN = "token"
STEM = "stem"
BOUNDARIES = (TOKEN, STEM)

# ``is_name(key)``: whether a normalized text (the span with its proclitic cut) is a name.
IsName = Callable[[str], bool]


def _word_char(ch: str) -> bool:
    return not ch.isspace() and ch not in PUNCTUATION


def strippable(prefix: str) -> bool:
    """A proclitic that may be left outside a stem: never one ending in the article."""
    return bool(prefix) and not (prefix.endswith("ال") or prefix.endswith("لل"))


def same_stretch(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans mark the same words: equal, or differing only by proclitics at the
    start of the first token (``بالأسد`` 13–19 and ``الأسد`` 14–19). Two such spans are one
    mention under two boundary conventions, never a nesting."""
    if a == b:
        return True
    if a[1] != b[1] or a[0] >= b[1] or b[0] >= a[1]:
        return False
    gap = text[min(a[0], b[0]):max(a[0], b[0])]
    return len(gap) <= 3 and gap.isalpha()


def decision_changes(span: Any, label: str, start: int, end: int) -> dict[str, Any]:
    """The update that decides a pending suggestion as ``label`` on [start, end) (what a
    label, a trim, propagation or a gold import does to the suggestion already on those
    words): accepted, relabelled and re-bounded only where it differs, so the store keeps
    the suggestion's own guess as its original."""
    changes: dict[str, Any] = {"status": SpanStatus.ACCEPTED}
    if span.label != label:
        changes["label"] = label
    if (span.start, span.end) != (start, end):
        changes.update(start=start, end=end)
    return changes


def token_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole tokens (whitespace and punctuation are token edges)."""
    while start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
        start -= 1
    while end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]):
        end += 1
    return start, end


def stem_start(text: str, start: int, end: int, is_name: IsName) -> int:
    """Where the span's stem begins: after the shortest strippable proclitic of its first
    word that leaves a known name (``is_name`` of the normalized rest); ``start`` when the
    span begins inside a word already or nothing can be cut."""
    if start > 0 and _word_char(text[start - 1]):
        return start
    stop = start
    while stop < end and _word_char(text[stop]):
        stop += 1
    word = text[start:stop]
    for prefix, stem in split_proclitics(word):
        if not strippable(prefix) or prefix + stem != word:
            continue
        cut = start + len(prefix)
        if cut < end and is_name(normalize(text[cut:end])):
            return cut
    return start


@dataclass(frozen=True)
class SpanPolicy:
    """The schema's ``span_boundary`` as an operation on offsets."""

    boundary: str = TOKEN

    @property
    def stem(self) -> bool:
        return self.boundary == STEM

    def fit(self, text: str, start: int, end: int, is_name: IsName | None = None
            ) -> tuple[int, int]:
        """``(start, end)`` following the policy; unchanged when nothing applies. Under
        ``stem`` without ``is_name`` no proclitic is cut (nothing says what is a name)."""
        while start < end - 1 and text[start].isspace():
            start += 1
        while end > start + 1 and text[end - 1].isspace():
            end -= 1
        if self.boundary == TOKEN:
            return token_bounds(text, start, end)
        if is_name is not None:
            start = stem_start(text, start, end, is_name)
        return start, end

    def step(self, text: str, start: int, end: int, d_start: int, d_end: int
             ) -> tuple[int, int]:
        """A trim of a span (``[`` ``]`` inwards, ``{`` ``}`` outwards; ``d_*`` is -1, 0
        or 1): one character under ``stem``, one whole token under ``token`` (a character
        would be put back by :meth:`fit`). Unchanged when the step would empty the span."""
        if self.boundary == TOKEN:
            new_start = _token_step(text, start, d_start, start_side=True)
            new_end = _token_step(text, end, d_end, start_side=False)
        else:
            new_start, new_end = start + d_start, end + d_end
        new_start, new_end = max(0, new_start), min(len(text), new_end)
        if new_start >= new_end:
            return start, end
        return self.fit(text, new_start, new_end)


def _token_step(text: str, pos: int, delta: int, *, start_side: bool) -> int:
    """The next token edge from ``pos`` in direction ``delta``, over spaces: a start lands
    on a token's first character, an end just after a token's last."""
    if delta == 0:
        return pos
    n = len(text)

    def settled(p: int) -> bool:
        edge = p in (0, n) or not (_word_char(text[p - 1]) and _word_char(text[p]))
        beside = text[p] if start_side else text[p - 1]
        return edge and (p in (0, n) or not beside.isspace())

    pos += delta
    while 0 < pos < n and not settled(pos):
        pos += delta
    return pos


def policy_of(schema: Any) -> SpanPolicy:
    """The policy a schema names (``token`` when it names none, or for no schema)."""
    return SpanPolicy(getattr(schema, "span_boundary", TOKEN) or TOKEN)


def gazetteer_names(lexicon: Any = None) -> IsName:
    """``is_name`` backed by a gazetteer (the built-in one by default, loaded once)."""
    if lexicon is None:
        from store.gazetteer import Gazetteer

        lexicon = Gazetteer.default()
    return lambda key: lexicon.lookup(key) is not None


def convert_annotations(annotations: Any, text: str, boundary: str,
                        is_name: IsName | None = None) -> Any:
    """A copy of an article's annotations with its entity spans on ``boundary``'s
    convention, for an export whose target expects the other one (``warraq export
    --span-boundary``). Under ``stem`` a proclitic is cut when the rest is a known name:
    ``is_name``, else the built-in gazetteer, or another span of the article with that
    text. Two spans that become one (same offsets and label) are kept once, event
    arguments pointing at the survivor; the store is not touched."""
    import copy

    policy = SpanPolicy(boundary)
    out = copy.deepcopy(annotations)
    if policy.stem and is_name is None:
        lexicon = gazetteer_names()
        seen = {normalize(e.text) for e in out.entities}
        is_name = lambda key: key in seen or lexicon(key)  # noqa: E731
    kept: dict[tuple[int, int, str, str], Any] = {}
    renamed: dict[str, str] = {}
    entities = []
    for e in out.entities:
        e.start, e.end = policy.fit(text, e.start, e.end, is_name)
        e.text = text[e.start:e.end]
        key = (e.start, e.end, e.label, str(e.status))
        if key in kept:
            renamed[e.id] = kept[key].id
            continue
        kept[key] = e
        entities.append(e)
    out.entities = entities
    for event in out.events:
        for arg in event.arguments:
            arg.entity_id = renamed.get(arg.entity_id, arg.entity_id)
    return out

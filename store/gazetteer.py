"""The built-in gazetteer and its clitic-aware matcher: silver entities without a network.

No installable Arabic NER model works offline (ARABIC.md), so Warraq's own suggestion source
is a curated list of the names news uses most, matched on normalized whole tokens. The data
format is described in ``store/data/GAZETTEER.md``; in short, each line of a
``gazetteer_*.tsv`` file is one of::

    LABEL <TAB> form|form|... [<TAB> flags]        an entry; the first form names it
    COUNTRY <TAB> names <TAB> capitals <TAB> nationality bases [<TAB> extra NORP forms]
    @list <TAB> form|form|...                       a list for templates
    STOP <TAB> form|...                             never match these

Forms may hold ``{list}`` or ``{list?}`` placeholders (``وزارة {ministry} {norp_f?}``); the
lists ``norp_m`` and ``norp_f`` (definite masculine and feminine nationality adjectives) are
built from the COUNTRY and ``inflect`` NORP lines.

Matching rules (why they are what they are):

* Spans are whole whitespace tokens, clitics included (``بموسكو`` is a GPE span), as
  ANERcorp and Wojood tag them.
* Only the first token of a name may carry proclitics (``وبشار الأسد``, ``للأمم المتحدة``),
  and a clitic is stripped only when the rest is a known entry, trying the whole token
  first: ``لبنان`` is found as itself before ``ل`` + ``بنان`` is considered.
* The article ``ال`` is never stripped: definite forms are listed (or generated) as entries
  of their own, so ``السورية`` is the adjective while ``سورية`` is the country.
* The longest name wins (``وزارة الخارجية الروسية`` over ``الروسية``); matches never overlap.
* Nationality *adjectives* (``السوري``, ``الروسية``: singular and feminine-plural nisba forms)
  are suggested only under the schema policy ``nationality_adjectives = "NORP"``; the default
  ``"O"`` leaves them out, as ANERcorp and the schema's NORP guideline do. Group nouns
  (``السوريون``, ``الروس``) are NORP either way.
* Names that are also common words may carry ``after=LIST``: they match alone only right
  after a word of that list (``الأسد`` after ``الرئيس``/``نظام``, not in ``الأسد الجريح``),
  the previous word compared with its proclitics stripped (``للرئيس``).
* A city right after a club word (the ``club_cues`` list: ``نادي``, ``فريق`` …) is the club,
  ORG (``فريق برشلونة``), not the GPE.
* A listed person's name takes the first name written right before it (the ``first_names``
  list: ``جاك`` + ``شيراك``) and the lineage after it (``بن``/``ابن``/``بنت``/``آل`` + a word:
  ``حمد بن جاسم بن جبر آل ثاني``): news writes the full name at first mention, and the
  gazetteer cannot list every one.
* A place right after the head word of an institution's name (the ``org_heads`` and
  ``fac_heads`` lists: ``جامعة``, ``بنك``, ``مطار`` …) is part of that name: ``جامعة دمشق``
  is one ORG, ``مطار بغداد`` one FAC, as ACE and ANERcorp tag them; such a head word is also
  context enough for an ``after=`` name (``سجن تدمر``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from store.arabic import Token, normalize, split_proclitics, tokenize
from store.errors import GazetteerError

# Entry priorities: an explicit line beats a template expansion beats a generated
# inflection when two define the same key (``سورية`` the country, not the adjective).
EXPLICIT, TEMPLATE, GENERATED = 3, 2, 1
CLITIC_PENALTY = 0.95
_PROCLITIC_LETTERS = frozenset("وفبلك")
_START_CACHE_SIZE = 200_000
_KEY_CACHE_SIZE = 100_000  # spellings: a long run's vocabulary, bounded
DATA_GLOB = "gazetteer_*.tsv"
_PLACEHOLDER = re.compile(r"\{(\w+)(\?)?\}")
_LABEL = re.compile(r"^[A-Z][A-Z_]*$")
CLUB_CUES = "club_cues"  # the list whose words turn a following city into its club (ORG)
FIRST_NAMES = "first_names"  # a first name right before a listed person is part of the name
# list name → label: a head word of the list before a place makes "head + place" one name
HEAD_LISTS = {"org_heads": "ORG", "fac_heads": "FAC"}


@dataclass(frozen=True)
class Match:
    """A suggested entity: code point offsets into the matched text, end-exclusive."""

    start: int
    end: int
    text: str
    label: str
    entry: str
    score: float


@dataclass(frozen=True, slots=True)
class Entry:
    """What a key sequence names: its label, canonical form, confidence and flags."""

    label: str
    entry: str
    score: float = 1.0
    exact: bool = False  # never reached through a stripped clitic
    priority: int = EXPLICIT
    adjective: bool = False  # a nationality adjective: only under the "NORP" policy
    after: frozenset[str] | None = None  # keys the previous word must be (see ``after=``)


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.value: Entry | None = None


def key_tokens(form: str) -> tuple[str, ...]:
    """A name as the sequence of normalized token keys the matcher compares."""
    return tuple(normalize(t.text) for t in tokenize(form))


def _inflect_nisba(base: str) -> list[str]:
    """Nisba adjective forms: سوري → سوري سورية سوريون سوريين سوريات, each also with ال."""
    forms = [base]
    if base.endswith("ي"):
        forms += [base + "ة", base + "ون", base + "ين", base + "ات"]
    return forms + ["ال" + f for f in forms if not f.startswith("ال")]


def _is_group_noun(form: str, base: str) -> bool:
    """The masculine plurals (سوريون، السوريين) name the people; the other nisba forms
    (سوري، السورية، السوريات) are adjectives in news far more often than nouns."""
    return base.endswith("ي") and (form.endswith(base + "ون") or form.endswith(base + "ين"))


class Gazetteer:
    """Names keyed by their normalized token sequences, in a token trie."""

    def __init__(self) -> None:
        self._root: dict[str, _Node] = {}
        self._stop: set[tuple[str, ...]] = set()
        self.size = 0
        self.conflicts: list[tuple[str, str, str]] = []  # (form, kept label, dropped label)
        self._start_cache: dict[str, list[tuple[str, _Node]]] = {}
        self._head_cache: dict[str, str | None] = {}  # previous word key → head label
        self._key_cache: dict[str, str] = {}  # token text → normalized key
        self.club_cues: frozenset[str] = frozenset()
        self.first_names: frozenset[str] = frozenset()
        self.heads: dict[str, str] = {}  # head word key → label of "head + place" names

    # ------------------------------------------------------------------ building

    def add(self, form: str, entry: Entry, keys: tuple[str, ...] | None = None) -> None:
        """Add one surface form; on a clash the higher priority (then the first) wins.

        ``keys`` may be passed when already known (template expansion) to skip tokenizing.
        """
        if keys is None:
            keys = key_tokens(form)
        self._start_cache.clear()
        self._head_cache.clear()  # a file read adds its heads with its names
        if not keys or keys in self._stop:
            return
        level = self._root
        node: _Node | None = None
        for key in keys:
            node = level.get(key)
            if node is None:
                node = level[key] = _Node()
            level = node.children
        assert node is not None
        old = node.value
        if old is None:
            self.size += 1
            node.value = entry
        elif entry.priority > old.priority:
            node.value = entry
        elif old.label != entry.label and entry.priority == old.priority:
            self.conflicts.append((form, old.label, entry.label))

    def remove(self, form: str) -> None:
        """Drop a form (a STOP line) and keep it from being added later."""
        keys = key_tokens(form)
        self._stop.add(keys)
        self._start_cache.clear()
        level, node = self._root, None
        for key in keys:
            node = level.get(key)
            if node is None:
                return
            level = node.children
        if node is not None and node.value is not None:
            node.value = None
            self.size -= 1

    def lookup(self, form: str) -> Entry | None:
        """The entry a form names exactly, if any (no clitic stripping)."""
        level, node = self._root, None
        for key in key_tokens(form):
            node = level.get(key)
            if node is None:
                return None
            level = node.children
        return node.value if node is not None else None

    @classmethod
    def from_file(cls, path: str | Path) -> Gazetteer:
        """A gazetteer from one data file (the format of ``store/data/GAZETTEER.md``)."""
        return cls.from_files([path])

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> Gazetteer:
        """Several files read as one: lists and nationalities are shared between them, so a
        user file can extend the built-in data: ``from_files([*default_paths(), mine])``."""
        loader = _Loader()
        for path in paths:
            path = Path(path)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise GazetteerError(f"cannot read gazetteer file: {exc}", path) from exc
            loader.read(text, path)
        return loader.build(cls())

    @classmethod
    def default(cls) -> Gazetteer:
        """The built-in gazetteer, loaded once per process."""
        return _default()

    # ------------------------------------------------------------------ matching

    def match(self, text: str, *, nationality_adjectives: str = "O") -> list[Match]:
        """All names in ``text``, longest first, non-overlapping, in text order.

        ``nationality_adjectives`` is the schema's policy: ``"O"`` (default) leaves the
        adjectives out, ``"NORP"`` suggests them.
        """
        tokens = tokenize(text)
        keys = self._keys(tokens)
        adjectives = nationality_adjectives == "NORP"
        out: list[Match] = []
        i, n = 0, len(tokens)
        last_end, last_label = -1, ""  # token index after the previous match, its label
        while i < n:
            best: tuple[int, Entry, bool] | None = None  # (last token index, entry, stripped)
            previous = keys[i - 1] if i else ""
            # A name right after another name of the same label passes an after= check
            # (استقبل بوتين الأسد): the listing itself is the context.
            follows = last_label if last_end == i else ""
            if previous and last_end < i and self._head(previous) is not None:
                follows = "*"  # جامعة/سجن before a name is context enough (سجن تدمر)
            for prefix, node in self._starts(keys[i]):
                j, found = i, None
                value = node.value
                if value is not None and _allowed(value, prefix, adjectives, previous, follows):
                    found = (i, value)
                while j + 1 < n:
                    nxt = node.children.get(keys[j + 1])
                    if nxt is None:
                        break
                    node, j = nxt, j + 1
                    value = node.value
                    if value is not None and _allowed(value, prefix, adjectives, previous,
                                                      follows):
                        found = (j, value)
                if found is not None and (best is None or found[0] > best[0]):
                    best = (found[0], found[1], bool(prefix))
            if best is None:
                i += 1
                continue
            last, entry, stripped = best
            start, end = tokens[i].start, tokens[last].end
            score = entry.score * (CLITIC_PENALTY if stripped else 1.0)
            label = entry.label
            if label in ("GPE", "LOC") and previous and last_end < i:
                head = self._head(previous)
                if head is not None:  # جامعة دمشق, مطار بغداد: one name with its head word
                    label, start = head, tokens[i - 1].start
                elif label == "GPE" and _after(previous, self.club_cues):
                    label = "ORG"  # فريق برشلونة: the club
            elif label == "PERS" and previous and last_end < i and _after(
                    previous, self.first_names):
                start = tokens[i - 1].start  # جاك + شيراك: the full name, as first written
            if label == "PERS":
                last = _lineage_end(keys, last)
                end = tokens[last].end
            out.append(Match(start, end, text[start:end], label, entry.entry, score))
            i = last + 1
            last_end, last_label = i, label
        return out

    def _keys(self, tokens: list[Token]) -> list[str]:
        """Each token's normalized key, memoized per spelling: news repeats its words, and
        normalizing every token was a fifth of matching."""
        memo = self._key_cache
        if len(memo) >= _KEY_CACHE_SIZE:
            memo.clear()
        keys = []
        for token in tokens:
            word = token.text
            key = memo.get(word)
            if key is None:
                key = memo[word] = normalize(word)
            keys.append(key)
        return keys

    def _starts(self, key: str) -> list[tuple[str, _Node]]:
        """Trie nodes a token can start a name at, as (stripped prefix, node); memoized,
        since news repeats its tokens and splitting clitics is the matcher's main cost."""
        cached = self._start_cache.get(key)
        if cached is not None:
            return cached
        root = self._root
        if key[:1] in _PROCLITIC_LETTERS:
            starts = [
                (prefix, root[stem])
                for prefix, stem in split_proclitics(key)
                # The article is never stripped (see the module doc).
                if stem in root and not (prefix.endswith("ال") or prefix.endswith("لل"))
            ]
        else:
            starts = [("", root[key])] if key in root else []
        if len(self._start_cache) >= _START_CACHE_SIZE:
            self._start_cache.clear()
        self._start_cache[key] = starts
        return starts

    def _head(self, previous: str) -> str | None:
        """The label a head word (``جامعة``, ``بمطار``) gives the name it starts, if any;
        memoized per word like ``_starts`` (splitting the clitics of every previous word was
        a quarter of matching)."""
        if not self.heads:
            return None
        found = self._head_cache
        if previous in found:
            return found[previous]
        label = self.heads.get(previous)
        if label is None and previous[:1] in _PROCLITIC_LETTERS:
            label = next((self.heads[stem] for _, stem in split_proclitics(previous)
                          if stem in self.heads), None)
        if len(found) >= _START_CACHE_SIZE:
            found.clear()
        found[previous] = label
        return label

    def __len__(self) -> int:
        return self.size


_LINEAGE = frozenset(normalize(w) for w in ("بن", "ابن", "بنت", "آل"))


def _lineage_end(keys: list[str], last: int) -> int:
    """The last token of a person's name that goes on with its lineage: "son of X",
    "of the house of X" (حمد بن جاسم, خليفة بن زايد آل نهيان, with عبد taking its word)."""
    n = len(keys)
    for _ in range(3):
        if last + 2 >= n or keys[last + 1] not in _LINEAGE or not keys[last + 2].isalpha():
            break
        last += 2
        if keys[last] == "عبد" and last + 1 < n and keys[last + 1].isalpha():
            last += 1
    return last


def _after(previous: str, cues: frozenset[str]) -> bool:
    """Whether the previous word (a normalized key) is one of ``cues``, proclitics aside."""
    if not cues:
        return False
    if previous in cues:
        return True
    return previous[:1] in _PROCLITIC_LETTERS and any(
        stem in cues for _, stem in split_proclitics(previous))


def _allowed(entry: Entry, prefix: str, adjectives: bool, previous: str,
             follows: str = "") -> bool:
    """Whether an entry found at this token may be suggested here (``follows``: the label
    of a name ending right before it, if any)."""
    if prefix and entry.exact:
        return False
    if entry.adjective and not adjectives:
        return False
    if entry.after is None or follows in (entry.label, "*"):
        return True
    return _after(previous, entry.after)


# ---------------------------------------------------------------------- loading


@dataclass
class _Line:
    label: str
    forms: list[str]
    score: float
    exact: bool
    path: Path
    number: int


class _Loader:
    """Reads lines into entries, lists and templates; templates expand after all files."""

    def __init__(self) -> None:
        self.lists: dict[str, list[str]] = {"norp_m": [], "norp_f": []}
        self.entries: list[tuple[str, Entry]] = []
        self.templates: list[_Line] = []
        self.stops: list[str] = []
        # (first index in ``entries``, end index, list name) of lines flagged ``after=``
        self.after_refs: list[tuple[int, int, str, Path, int]] = []

    def read(self, text: str, path: Path) -> None:
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            cols = [c.strip() for c in raw.rstrip("\n").split("\t")]
            cols = [c for c in cols if c != ""] if cols[0] else cols
            kind = cols[0]
            if len(cols) < 2:
                raise GazetteerError(f"expected KIND<TAB>forms, got {line[:40]!r}", path, number)
            if kind.startswith("@"):
                self.lists.setdefault(kind[1:], []).extend(self._forms(cols[1], path, number))
            elif kind == "STOP":
                self.stops.extend(self._forms(cols[1], path, number))
            elif kind == "COUNTRY":
                self._country(cols, path, number)
            elif _LABEL.match(kind):
                self._entry(kind, cols, path, number)
            else:
                raise GazetteerError(f"unknown kind {kind!r}", path, number)

    @staticmethod
    def _forms(col: str, path: Path, number: int) -> list[str]:
        if col == "-":
            return []
        forms = [f.strip() for f in col.split("|")]
        if any(not f for f in forms):
            raise GazetteerError("empty form between '|' separators", path, number)
        return forms

    def _country(self, cols: list[str], path: Path, number: int) -> None:
        if len(cols) < 4:
            raise GazetteerError(
                "COUNTRY needs names<TAB>capitals<TAB>nationality bases", path, number
            )
        names = self._forms(cols[1], path, number)
        capitals = self._forms(cols[2], path, number)
        bases = self._forms(cols[3], path, number)
        extra = self._forms(cols[4], path, number) if len(cols) > 4 else []
        if not names:
            raise GazetteerError("COUNTRY without a name", path, number)
        self._add_all("GPE", names, Entry("GPE", names[0]))
        if capitals:
            self._add_all("GPE", capitals, Entry("GPE", capitals[0]))
        self._nisba(bases, path, number)
        if extra:
            self._add_all("NORP", extra, Entry("NORP", extra[0]))

    def _nisba(self, bases: list[str], path: Path, number: int) -> None:
        for base in bases:
            if base.startswith("ال"):
                raise GazetteerError(f"nationality base {base!r} must be indefinite", path, number)
            noun = Entry("NORP", base, priority=GENERATED)
            adjective = replace(noun, adjective=True)
            for form in _inflect_nisba(base):
                self.entries.append((form, noun if _is_group_noun(form, base) else adjective))
            self.lists["norp_m"].append("ال" + base)
            if base.endswith("ي"):
                self.lists["norp_f"].append("ال" + base + "ة")

    def _entry(self, label: str, cols: list[str], path: Path, number: int) -> None:
        forms = self._forms(cols[1], path, number)
        if not forms:
            raise GazetteerError("entry without a form", path, number)
        score, exact, inflect = 1.0, False, False
        after: str | None = None
        for flag in cols[2].split() if len(cols) > 2 else []:
            if flag == "exact":
                exact = True
            elif flag.startswith("after="):
                after = flag[6:]
                if not after:
                    raise GazetteerError(f"empty list name in {flag!r}", path, number)
            elif flag == "inflect":
                inflect = True
            elif flag.startswith("score="):
                try:
                    score = float(flag[6:])
                except ValueError:
                    raise GazetteerError(f"bad score {flag!r}", path, number) from None
                if not 0.0 < score <= 1.0:
                    raise GazetteerError(f"score must be in (0, 1]: {flag!r}", path, number)
            else:
                raise GazetteerError(f"unknown flag {flag!r}", path, number)
        if inflect:
            self._nisba(forms, path, number)
            return
        if any(_PLACEHOLDER.search(f) for f in forms):
            if after is not None:
                raise GazetteerError("after= is not supported on templates", path, number)
            self.templates.append(_Line(label, forms, score, exact, path, number))
            return
        first = len(self.entries)
        self._add_all(label, forms, Entry(label, forms[0], score, exact))
        if after is not None:
            self.after_refs.append((first, len(self.entries), after, path, number))

    def _keys_of(self, name: str) -> frozenset[str]:
        """The single-word keys of a list (cues are compared one word at a time)."""
        return frozenset(k for v in self.lists[name] for k in key_tokens(v)[-1:])

    def _add_all(self, label: str, forms: list[str], entry: Entry) -> None:
        self.entries.extend((f, entry) for f in forms)

    def _expand(self, template: _Line) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Every (form, keys) a template stands for. Keys are joined from the parts' keys
        (placeholders sit between spaces), which is what makes 20,000 expansions cheap."""
        for form in template.forms:
            parts = _PLACEHOLDER.split(form)
            # split() yields text, name, optional-mark, text, name, ...
            choices: list[list[tuple[str, tuple[str, ...]]]] = []
            for k in range(0, len(parts), 3):
                literal = parts[k].strip()
                if literal:
                    choices.append([(literal, key_tokens(literal))])
                if k + 1 < len(parts):
                    name, optional = parts[k + 1], parts[k + 2]
                    if name not in self.lists:
                        raise GazetteerError(
                            f"unknown list {{{name}}}", template.path, template.number
                        )
                    values = [(v, key_tokens(v)) for v in dict.fromkeys(self.lists[name])]
                    choices.append([*values, ("", ())] if optional else values)
            for combo in itertools.product(*choices):
                text = " ".join(piece for piece, _ in combo if piece)
                keys = tuple(itertools.chain.from_iterable(k for _, k in combo))
                yield text, keys

    def build(self, gaz: Gazetteer) -> Gazetteer:
        for form in self.stops:
            gaz.remove(form)
        stopped = {key_tokens(f) for f in self.stops}
        for name, values in self.lists.items():
            self.lists[name] = [v for v in values if key_tokens(v) not in stopped]
        for first, end, name, path, number in self.after_refs:
            if name not in self.lists:
                raise GazetteerError(f"unknown list in after={name}", path, number)
            cues = self._keys_of(name)
            for k in range(first, end):
                form, entry = self.entries[k]
                self.entries[k] = (form, replace(entry, after=cues))
        if CLUB_CUES in self.lists:
            gaz.club_cues = self._keys_of(CLUB_CUES)
        if FIRST_NAMES in self.lists:
            gaz.first_names = self._keys_of(FIRST_NAMES)
        for name, label in HEAD_LISTS.items():
            if name in self.lists:
                gaz.heads.update(dict.fromkeys(self._keys_of(name), label))
        for form, entry in self.entries:
            gaz.add(form, entry)
        for template in self.templates:
            for form, keys in self._expand(template):
                entry = Entry(
                    template.label, form, template.score, template.exact, priority=TEMPLATE
                )
                gaz.add(form, entry, keys)
        return gaz


def default_paths() -> list[Path]:
    """The package's data files, in name order (later files may use earlier lists)."""
    folder = resources.files("store") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.startswith("gazetteer_")
                  and p.name.endswith(".tsv"))


@cache
def _default() -> Gazetteer:
    return Gazetteer.from_files(default_paths())

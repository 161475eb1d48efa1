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
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from store.arabic import normalize, split_proclitics, tokenize
from store.errors import GazetteerError

# Entry priorities: an explicit line beats a template expansion beats a generated
# inflection when two define the same key (``سورية`` the country, not the adjective).
EXPLICIT, TEMPLATE, GENERATED = 3, 2, 1
CLITIC_PENALTY = 0.95
_PROCLITIC_LETTERS = frozenset("وفبلك")
_START_CACHE_SIZE = 200_000
DATA_GLOB = "gazetteer_*.tsv"
_PLACEHOLDER = re.compile(r"\{(\w+)(\?)?\}")
_LABEL = re.compile(r"^[A-Z][A-Z_]*$")


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


class Gazetteer:
    """Names keyed by their normalized token sequences, in a token trie."""

    def __init__(self) -> None:
        self._root: dict[str, _Node] = {}
        self._stop: set[tuple[str, ...]] = set()
        self.size = 0
        self.conflicts: list[tuple[str, str, str]] = []  # (form, kept label, dropped label)
        self._start_cache: dict[str, list[tuple[str, _Node]]] = {}

    # ------------------------------------------------------------------ building

    def add(self, form: str, entry: Entry, keys: tuple[str, ...] | None = None) -> None:
        """Add one surface form; on a clash the higher priority (then the first) wins.

        ``keys`` may be passed when already known (template expansion) to skip tokenizing.
        """
        if keys is None:
            keys = key_tokens(form)
        self._start_cache.clear()
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

    def match(self, text: str) -> list[Match]:
        """All names in ``text``, longest first, non-overlapping, in text order."""
        tokens = tokenize(text)
        keys = [normalize(t.text) for t in tokens]
        out: list[Match] = []
        i, n = 0, len(tokens)
        while i < n:
            best: tuple[int, Entry, bool] | None = None  # (last token index, entry, stripped)
            for prefix, node in self._starts(keys[i]):
                j, found = i, None
                if node.value is not None and not (prefix and node.value.exact):
                    found = (i, node.value)
                while j + 1 < n:
                    nxt = node.children.get(keys[j + 1])
                    if nxt is None:
                        break
                    node, j = nxt, j + 1
                    if node.value is not None and not (prefix and node.value.exact):
                        found = (j, node.value)
                if found is not None and (best is None or found[0] > best[0]):
                    best = (found[0], found[1], bool(prefix))
            if best is None:
                i += 1
                continue
            last, entry, stripped = best
            start, end = tokens[i].start, tokens[last].end
            score = entry.score * (CLITIC_PENALTY if stripped else 1.0)
            out.append(Match(start, end, text[start:end], entry.label, entry.entry, score))
            i = last + 1
        return out

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

    def __len__(self) -> int:
        return self.size


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
            entry = Entry("NORP", base, priority=GENERATED)
            self._add_all("NORP", _inflect_nisba(base), entry)
            self.lists["norp_m"].append("ال" + base)
            if base.endswith("ي"):
                self.lists["norp_f"].append("ال" + base + "ة")

    def _entry(self, label: str, cols: list[str], path: Path, number: int) -> None:
        forms = self._forms(cols[1], path, number)
        if not forms:
            raise GazetteerError("entry without a form", path, number)
        score, exact, inflect = 1.0, False, False
        for flag in cols[2].split() if len(cols) > 2 else []:
            if flag == "exact":
                exact = True
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
            self.templates.append(_Line(label, forms, score, exact, path, number))
            return
        self._add_all(label, forms, Entry(label, forms[0], score, exact))

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

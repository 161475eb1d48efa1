"""The label schema: which entity types, event types, document labels and highlight
categories an annotator may use, with their keys, colours and mappings to other tag sets.

A TOML file (DESIGN §6). The default ships in ``store/data/schema.toml``; ``--schema FILE``
replaces it as a whole, so a project's schema is one reviewable file. Every problem in a
schema file is a one-line ``SchemaError`` naming the file and, where it can be found, the
line, because a schema is hand-edited and a traceback helps nobody.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from store.errors import SchemaError
from store.regular_files import read_regular_bytes

SCHEMA_VERSION = 1
ANERCORP_TAGS = ("PERS", "ORG", "LOC", "MISC", "O")
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-z][a-z0-9_]*)$")
_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_CAMEO = re.compile(r"^[0-9]{2,4}$")


@dataclass(frozen=True)
class EntityType:
    """An entity label. ``name`` is the label itself ("PERS"), the string stored in spans."""

    name: str
    key: str | None
    title: str
    colour: str
    anercorp: str
    ace: str | None = None
    title_ar: str | None = None
    description: str = ""

    @property
    def label(self) -> str:
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "label": self.name,
                "key": self.key,
                "title": self.title,
                "title_ar": self.title_ar,
                "colour": self.colour,
                "anercorp": self.anercorp,
                "ace": self.ace,
                "description": self.description,
            }
        )


@dataclass(frozen=True)
class Attribute:
    """An event attribute with a closed set of values (polarity, modality, tense)."""

    name: str
    values: tuple[str, ...]
    default: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": list(self.values),
            "default": self.default,
            "description": self.description,
        }


@dataclass(frozen=True)
class EventType:
    """An event type with its roles and its ACE 2005 subtype and CAMEO code.

    ``cameo`` is a string ("043"): leading zeros are meaningful. ``ace_roles`` maps a Warraq
    role to the ACE argument role where ACE has one, so an ACE export needs no guessing.
    """

    name: str
    title: str
    roles: tuple[str, ...]
    ace: str | None = None
    cameo: str | None = None
    cameo_variants: dict[str, str] = field(default_factory=dict)
    ace_roles: dict[str, str] = field(default_factory=dict)
    triggers: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    key: str | None = None

    @property
    def type(self) -> str:
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "type": self.name,
                "title": self.title,
                "key": self.key,
                "roles": list(self.roles),
                "ace": self.ace,
                "cameo": self.cameo,
                "cameo_variants": dict(self.cameo_variants) or None,
                "ace_roles": dict(self.ace_roles) or None,
                "triggers": list(self.triggers) or None,
                "defaults": dict(self.defaults) or None,
            }
        )


@dataclass(frozen=True)
class DocLabel:
    name: str
    key: str | None
    title: str
    description: str = ""

    @property
    def label(self) -> str:
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {"label": self.name, "key": self.key, "title": self.title,
             "description": self.description or None}
        )


@dataclass(frozen=True)
class HighlightCategory:
    name: str
    colour: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.name, "colour": self.colour, "title": self.title}


NATIONALITY_POLICIES = ("O", "NORP")


@dataclass(frozen=True)
class Schema:
    """A loaded, validated label schema. Build it with :meth:`Schema.load`."""

    name: str
    version: int
    entity_types: tuple[EntityType, ...]
    event_types: tuple[EventType, ...]
    attributes: dict[str, Attribute]
    doc_labels: tuple[DocLabel, ...]
    highlight_categories: tuple[HighlightCategory, ...]
    source: str = "<default>"
    # How suggesters treat nationality adjectives (السوري، الروسية): "O" leaves them out, as
    # the NORP guideline says; "NORP" suggests them. Group nouns (السوريون) are NORP either way.
    nationality_adjectives: str = "O"
    # Whether entity spans take in their first word's proclitics: "token" (ANERcorp,
    # Wojood: بالأسد) or "stem" (ACE: الأسد). Applied by store.span_policy.
    span_boundary: str = "token"
    # Event role → the entity labels that may fill it (``[role_types]``): the event editor
    # warns when a filler's label is not among them. A role not listed takes any label.
    role_types: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | Path | None = None) -> Schema:
        """Read a schema file; ``None`` loads the default shipped in the package."""
        if path is None:
            ref = resources.files("store").joinpath("data/schema.toml")
            return cls.from_toml(ref.read_text(encoding="utf-8"), source=str(ref))
        path = Path(path)
        try:
            raw = read_regular_bytes(path)
        except OSError as exc:
            raise SchemaError(f"cannot read schema: {exc.strerror or exc}", path) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaError(f"not UTF-8 text (byte {exc.start})", path) from None
        return cls.from_toml(text, source=str(path))

    @classmethod
    def default(cls) -> Schema:
        return _default_schema()

    @classmethod
    def from_toml(cls, text: str, source: str = "<string>") -> Schema:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = _toml_error_line(exc)
            reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise SchemaError(f"invalid TOML: {reason}", source, line) from None
        return _Builder(data, text, source).build()

    # ------------------------------------------------------------------ lookups
    def entity(self, label: str) -> EntityType | None:
        return self._entity_index.get(label)

    def event(self, type_: str) -> EventType | None:
        return self._event_index.get(type_)

    def doc_label(self, label: str) -> DocLabel | None:
        return next((d for d in self.doc_labels if d.name == label), None)

    def highlight_category(self, name: str) -> HighlightCategory | None:
        return next((h for h in self.highlight_categories if h.name == name), None)

    def entity_for_key(self, key: str) -> EntityType | None:
        return next((e for e in self.entity_types if e.key == key), None)

    def role_fits(self, role: str, label: str) -> bool:
        """Whether an entity labelled ``label`` may fill ``role`` (unlisted roles: any)."""
        allowed = self.role_types.get(role)
        return allowed is None or label in allowed

    @property
    def entity_labels(self) -> list[str]:
        return [e.name for e in self.entity_types]

    @cached_property
    def _entity_index(self) -> dict[str, EntityType]:
        return {e.name: e for e in self.entity_types}

    @cached_property
    def _event_index(self) -> dict[str, EventType]:
        return {e.name: e for e in self.event_types}

    # ------------------------------------------------------------------ snapshot
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot; the store keeps it so a store documents its own labels."""
        return {
            "name": self.name,
            "version": self.version,
            "entity": [e.to_dict() for e in self.entity_types],
            "attributes": {k: a.to_dict() for k, a in self.attributes.items()},
            "event": [e.to_dict() for e in self.event_types],
            "doc_label": [d.to_dict() for d in self.doc_labels],
            "highlight": [h.to_dict() for h in self.highlight_categories],
            # only when not the default, so existing stores keep their schema hash
            **({"nationality_adjectives": self.nationality_adjectives}
               if self.nationality_adjectives != "O" else {}),
            # Only when not the default, so existing schemas keep their hash.
            **({"span_boundary": self.span_boundary} if self.span_boundary != "token" else {}),
            **({"role_types": {k: list(v) for k, v in self.role_types.items()}}
               if self.role_types else {}),
        }

    @cached_property
    def hash(self) -> str:
        """Short content hash: two stores with the same hash use the same labels."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


_DEFAULT: Schema | None = None


def _default_schema() -> Schema:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Schema.load(None)
    return _DEFAULT


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)  # Python 3.14 adds it; 3.11 only has the message
    if isinstance(lineno, int):
        return lineno
    m = re.search(r"at line (\d+)", str(exc))
    return int(m.group(1)) if m else None


class _Builder:
    """Turns parsed TOML into a Schema, reporting each inconsistency with a line number found
    by locating the offending table in the source text."""

    def __init__(self, data: dict[str, Any], text: str, source: str):
        self.data = data
        self.lines = text.splitlines()
        self.source = source

    # line lookup -------------------------------------------------------------
    def _table_line(self, header: str, index: int) -> int | None:
        """Line of the ``index``-th ``[[header]]`` (1-based line numbers)."""
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
        seen = -1
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def _key_line(self, header: str, index: int, key: str) -> int | None:
        start = self._table_line(header, index)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines)):
            line = self.lines[number]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return number + 1
        return start

    def fail(self, reason: str, line: int | None = None) -> SchemaError:
        return SchemaError(reason, self.source, line)

    # pieces ------------------------------------------------------------------
    def _str(self, table: dict[str, Any], key: str, where: tuple[str, int], *,
             required: bool = True, pattern: re.Pattern[str] | None = None) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"[[{where[0]}]] #{where[1] + 1}: missing '{key}'",
                                self._table_line(*where))
            return None
        if not isinstance(value, str):
            raise self.fail(
                f"[[{where[0]}]] #{where[1] + 1}: '{key}' must be a string"
                f" (got {type(value).__name__} {value!r}; quote it)",
                self._key_line(*where, key),
            )
        if pattern is not None and not pattern.match(value):
            raise self.fail(f"[[{where[0]}]] #{where[1] + 1}: bad {key} {value!r}",
                            self._key_line(*where, key))
        return value

    def _list(self, name: str) -> list[dict[str, Any]]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"'{name}' must be written as [[{name}]] tables")
        return value

    def _check_unique(self, seen: dict[str, int], value: str | None, what: str,
                      where: tuple[str, int], key: str) -> None:
        if value is None:
            return
        if value in seen:
            raise self.fail(
                f"[[{where[0]}]] #{where[1] + 1}: {what} {value!r} already used"
                f" by #{seen[value] + 1}",
                self._key_line(*where, key),
            )
        seen[value] = where[1]

    def build(self) -> Schema:
        version = self.data.get("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise self.fail(
                f"schema version {version!r} is not supported (this Warraq reads version"
                f" {SCHEMA_VERSION})", self._top_line("version"))
        name = self.data.get("name", Path(self.source).stem)
        if not isinstance(name, str):
            raise self.fail("'name' must be a string", self._top_line("name"))
        entities = self._entities()
        attributes = self._attributes()
        events = self._events(attributes)
        docs = self._doc_labels()
        highlights = self._highlights()
        if not entities:
            raise self.fail("schema defines no [[entity]] types")
        adjectives = self.data.get("nationality_adjectives", "O")
        if adjectives not in NATIONALITY_POLICIES:
            raise self.fail(f"nationality_adjectives must be \"O\" or \"NORP\", got "
                            f"{adjectives!r}", self._top_line("nationality_adjectives"))
        boundary = self.data.get("span_boundary", "token")
        if boundary not in ("token", "stem"):
            raise self.fail(f"span_boundary must be \"token\" or \"stem\", got {boundary!r}",
                            self._top_line("span_boundary"))
        return Schema(name=name, version=version, entity_types=entities, event_types=events,
                      attributes=attributes, doc_labels=docs, highlight_categories=highlights,
                      source=self.source, nationality_adjectives=adjectives,
                      span_boundary=boundary,
                      role_types=self._role_types(entities, events))

    def _role_types(self, entities: tuple[EntityType, ...],
                    events: tuple[EventType, ...]) -> dict[str, tuple[str, ...]]:
        """``[role_types]``: ROLE = ["LABEL", …]; every role and label must exist."""
        table = self.data.get("role_types", {})
        if not isinstance(table, dict):
            raise self.fail("'role_types' must be a table of ROLE = [labels]",
                            self._top_line("role_types"))
        labels = {e.name for e in entities}
        roles = {r for e in events for r in e.roles}
        out: dict[str, tuple[str, ...]] = {}
        for role, allowed in table.items():
            line = self._top_line(role)
            if role not in roles:
                raise self.fail(f"[role_types] names unknown role {role!r}", line)
            if not isinstance(allowed, list) or not all(isinstance(x, str) for x in allowed):
                raise self.fail(f"[role_types] {role}: must be a list of entity labels", line)
            unknown = [x for x in allowed if x not in labels]
            if unknown:
                raise self.fail(f"[role_types] {role}: unknown entity label {unknown[0]!r}",
                                line)
            out[role] = tuple(allowed)
        return out

    def _top_line(self, key: str) -> int | None:
        for number, line in enumerate(self.lines, 1):
            if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return None

    def _entities(self) -> tuple[EntityType, ...]:
        out: list[EntityType] = []
        labels: dict[str, int] = {}
        keys: dict[str, int] = {}
        for i, t in enumerate(self._list("entity")):
            where = ("entity", i)
            label = self._str(t, "label", where, pattern=_LABEL)
            key = self._str(t, "key", where, required=False)
            if key is not None and len(key) != 1:
                raise self.fail(f"[[entity]] {label}: key must be one character, got {key!r}",
                                self._key_line(*where, "key"))
            self._check_unique(labels, label, "label", where, "label")
            self._check_unique(keys, key, "key", where, "key")
            anercorp = self._str(t, "anercorp", where, required=False) or "O"
            if anercorp not in ANERCORP_TAGS:
                raise self.fail(
                    f"[[entity]] {label}: anercorp must be one of {', '.join(ANERCORP_TAGS)},"
                    f" got {anercorp!r}", self._key_line(*where, "anercorp"))
            assert label is not None
            out.append(EntityType(
                name=label,
                key=key,
                title=self._str(t, "title", where, required=False) or label,
                title_ar=self._str(t, "title_ar", where, required=False),
                colour=self._str(t, "colour", where, required=False, pattern=_COLOUR)
                or "#ffffff",
                anercorp=anercorp,
                ace=self._str(t, "ace", where, required=False),
                description=self._str(t, "description", where, required=False) or "",
            ))
        return tuple(out)

    def _attributes(self) -> dict[str, Attribute]:
        raw = self.data.get("attributes", {})
        if not isinstance(raw, dict):
            raise self.fail("'attributes' must be a table", self._top_line("attributes"))
        out: dict[str, Attribute] = {}
        for name, spec in raw.items():
            line = next((n for n, line in enumerate(self.lines, 1)
                         if re.match(rf"^\s*\[attributes\.{re.escape(name)}\]", line)), None)
            if not isinstance(spec, dict):
                raise self.fail(f"attribute {name!r} must be a table", line)
            values = spec.get("values")
            if (not isinstance(values, list) or not values
                    or not all(isinstance(v, str) for v in values)):
                raise self.fail(f"attribute {name!r}: 'values' must be a list of strings", line)
            default = spec.get("default", values[0])
            if default not in values:
                raise self.fail(f"attribute {name!r}: default {default!r} is not among its values",
                                line)
            out[name] = Attribute(name, tuple(values), default, str(spec.get("description", "")))
        return out

    def _events(self, attributes: dict[str, Attribute]) -> tuple[EventType, ...]:
        out: list[EventType] = []
        names: dict[str, int] = {}
        for i, t in enumerate(self._list("event")):
            where = ("event", i)
            name = self._str(t, "type", where, pattern=_LABEL)
            assert name is not None
            self._check_unique(names, name, "event type", where, "type")
            cameo = self._str(t, "cameo", where, required=False, pattern=_CAMEO)
            roles = t.get("roles", ["SOURCE", "TARGET", "PLACE", "TIME"])
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise self.fail(f"[[event]] {name}: 'roles' must be a list of strings",
                                self._key_line(*where, "roles"))
            if len(set(roles)) != len(roles):
                raise self.fail(f"[[event]] {name}: a role is listed twice",
                                self._key_line(*where, "roles"))
            ace_roles = self._str_map(t, "ace_roles", where)
            for role in ace_roles:
                if role not in roles:
                    raise self.fail(f"[[event]] {name}: ace_roles names unknown role {role!r}",
                                    self._key_line(*where, "ace_roles"))
            variants = self._str_map(t, "cameo_variants", where)
            for code in variants:
                if not _CAMEO.match(code):
                    raise self.fail(f"[[event]] {name}: bad CAMEO code {code!r}",
                                    self._key_line(*where, "cameo_variants"))
            defaults = self._str_map(t, "defaults", where)
            for attr, value in defaults.items():
                spec = attributes.get(attr)
                if spec is None or value not in spec.values:
                    raise self.fail(f"[[event]] {name}: default {attr}={value!r} is not an"
                                    " allowed attribute value", self._key_line(*where, "defaults"))
            triggers = t.get("triggers", [])
            if not isinstance(triggers, list):
                raise self.fail(f"[[event]] {name}: 'triggers' must be a list",
                                self._key_line(*where, "triggers"))
            out.append(EventType(
                name=name,
                title=self._str(t, "title", where, required=False) or name,
                roles=tuple(roles),
                ace=self._str(t, "ace", where, required=False),
                cameo=cameo,
                cameo_variants=variants,
                ace_roles=ace_roles,
                triggers=tuple(str(x) for x in triggers),
                defaults=defaults,
                key=self._str(t, "key", where, required=False),
            ))
        return tuple(out)

    def _str_map(self, t: dict[str, Any], key: str, where: tuple[str, int]) -> dict[str, str]:
        value = t.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(f"[[{where[0]}]] #{where[1] + 1}: '{key}' must map names to strings",
                            self._key_line(*where, key))
        return dict(value)

    def _doc_labels(self) -> tuple[DocLabel, ...]:
        out: list[DocLabel] = []
        labels: dict[str, int] = {}
        keys: dict[str, int] = {}
        for i, t in enumerate(self._list("doc_label")):
            where = ("doc_label", i)
            label = self._str(t, "label", where, pattern=_LABEL)
            key = self._str(t, "key", where, required=False)
            self._check_unique(labels, label, "label", where, "label")
            self._check_unique(keys, key, "key", where, "key")
            assert label is not None
            out.append(DocLabel(label, key, self._str(t, "title", where, required=False) or label,
                                self._str(t, "description", where, required=False) or ""))
        return tuple(out)

    def _highlights(self) -> tuple[HighlightCategory, ...]:
        out: list[HighlightCategory] = []
        names: dict[str, int] = {}
        for i, t in enumerate(self._list("highlight")):
            where = ("highlight", i)
            name = self._str(t, "category", where)
            self._check_unique(names, name, "category", where, "category")
            assert name is not None
            out.append(HighlightCategory(
                name,
                self._str(t, "colour", where, required=False, pattern=_COLOUR) or "#ffd75f",
                self._str(t, "title", where, required=False) or name,
            ))
        if not out:
            out.append(HighlightCategory("default", "#ffd75f", "Highlight"))
        return tuple(out)

"""Annotation records: the units an annotator creates and the store persists.

Offsets are Unicode code point indexes into the article's canonical text, end-exclusive,
and every span keeps the text it covers so a record can be re-anchored or checked without
the corpus (DESIGN §2). Records are plain dataclasses that round-trip through JSON dicts:
the store files, the native JSONL export and the JSON Schema all use these dict shapes.
"""

from __future__ import annotations

import copy
import os
import random
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self


class SpanStatus(StrEnum):
    """A suggestion is ``pending`` until a human accepts or rejects it; human spans are
    ``accepted`` from birth. Only accepted spans are gold."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ArticleStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


HUMAN = "human"


def now_iso() -> str:
    """UTC timestamps with seconds precision: sortable, diff-friendly, timezone-free."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# 48 random bits per id from a generator seeded by the OS (and reseeded in a forked
# child, so two processes never draw the same ids): ``uuid4`` asked the kernel for 16
# bytes per span, a tenth of a suggestion run's time.
_ID_BITS = random.Random()
os.register_at_fork(after_in_child=_ID_BITS.seed)


def new_id(prefix: str) -> str:
    """Short random ids: unique across annotators so stores merged in git never collide."""
    return f"{prefix}{_ID_BITS.getrandbits(48):012x}"


_FIELD_NAMES: dict[type, frozenset[str]] = {}
_FIELD_ORDER: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)


def _plain(value: Any) -> Any:
    """A copy of a record value as ``asdict`` makes it: nested records as dicts, lists,
    tuples and dicts copied, scalars (and enums, which are str) shared."""
    if type(value) in _SCALAR_TYPES or isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return copy.deepcopy(value)


class _Record:
    """Dict round-trip shared by every record; unknown keys are kept in ``extra`` so a newer
    writer's fields survive a read-modify-write by an older Warraq."""

    ID_PREFIX: ClassVar[str] = "r"
    # Fields that are offsets into the article text, checked by ``from_dict``.
    OFFSET_FIELDS: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        # What ``asdict`` gave (fields in order, None dropped, ``extra`` merged last,
        # values copied), without its generic recursion: a suggestion run turns millions
        # of spans into dicts and ``asdict`` was a fifth of its time.
        names = _FIELD_ORDER.get(type(self))
        if names is None:
            names = _FIELD_ORDER[type(self)] = tuple(
                f.name for f in fields(self) if f.name != "extra")  # type: ignore[arg-type]
        attrs = self.__dict__
        data: dict[str, Any] = {}
        for name in names:
            value = attrs[name]
            if value is not None:
                data[name] = value if type(value) in _SCALAR_TYPES else _plain(value)
        for key, value in (attrs.get("extra") or {}).items():
            data.setdefault(key, _plain(value))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = _FIELD_NAMES.get(cls)
        if names is None:  # cached: fields() per record made loading 1,000 spans slow
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
        if names.issuperset(data) and "extra" not in data:  # the usual record: no copies
            obj = cls(**data)
            extra = None
        else:
            known = {k: v for k, v in data.items() if k in names and k != "extra"}
            extra = {k: v for k, v in data.items() if k not in names}
            obj = cls(**known)
        if extra and "extra" in names:
            obj.extra.update(extra)  # type: ignore[attr-defined]
        for name in cls.OFFSET_FIELDS:
            _check_offset(name, getattr(obj, name))
        return obj


def _check_offset(name: str, value: object) -> None:
    """An offset read from a file must be an integer: a string ("12") or a float would
    load and then fail far from the file (sorting, slicing, drawing); a ``TypeError`` here
    makes the file's reader report the record as malformed instead."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")


@dataclass
class Correction:
    """What a suggestion said before a human changed it: its label and/or boundaries."""

    label: str
    start: int
    end: int
    text: str
    origin: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        return cls(**{k: data[k] for k in ("label", "start", "end", "text", "origin")})


@dataclass
class EntitySpan(_Record):
    """A typed mention. Nested and overlapping spans are allowed."""

    ID_PREFIX: ClassVar[str] = "T"
    OFFSET_FIELDS: ClassVar[tuple[str, ...]] = ("start", "end")

    start: int
    end: int
    text: str
    label: str
    id: str = field(default_factory=lambda: new_id("T"))
    origin: str = HUMAN
    status: SpanStatus = SpanStatus.ACCEPTED
    original: Correction | None = None
    annotator: str | None = None
    created: str = field(default_factory=now_iso)
    modified: str | None = None
    score: float | None = None
    stale: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["status"] = str(self.status)
        if self.original is not None:
            data["original"] = self.original.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntitySpan:
        obj = super().from_dict(data)
        obj.status = SpanStatus(obj.status)
        if isinstance(obj.original, dict):
            obj.original = Correction.from_dict(obj.original)
        return obj


@dataclass
class Highlight(_Record):
    """A reader's mark with an optional note; not an entity, not gold NER data."""

    ID_PREFIX: ClassVar[str] = "H"
    OFFSET_FIELDS: ClassVar[tuple[str, ...]] = ("start", "end")

    start: int
    end: int
    text: str
    category: str = "default"
    note: str | None = None
    id: str = field(default_factory=lambda: new_id("H"))
    annotator: str | None = None
    created: str = field(default_factory=now_iso)
    modified: str | None = None
    stale: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventArgument:
    """A role filled by an entity span of the same article (by entity id)."""

    role: str
    entity_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity_id": self.entity_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventArgument:
        return cls(role=data["role"], entity_id=data["entity_id"])


@dataclass
class Event(_Record):
    """An event mention: a trigger span, a schema event type and role-typed arguments.

    ``ace`` and ``cameo`` are copied from the schema when the event is made so exported
    gold keeps the mapping the annotator saw, even if the schema later changes. CAMEO codes
    are strings ("043"), never numbers.
    """

    ID_PREFIX: ClassVar[str] = "E"
    OFFSET_FIELDS: ClassVar[tuple[str, ...]] = ("trigger_start", "trigger_end")

    type: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    arguments: list[EventArgument] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    ace: str | None = None
    cameo: str | None = None
    id: str = field(default_factory=lambda: new_id("E"))
    origin: str = HUMAN
    status: SpanStatus = SpanStatus.ACCEPTED
    annotator: str | None = None
    created: str = field(default_factory=now_iso)
    modified: str | None = None
    stale: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["status"] = str(self.status)
        data["arguments"] = [a.to_dict() for a in self.arguments]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        obj = super().from_dict(data)
        obj.status = SpanStatus(obj.status)
        obj.arguments = [
            a if isinstance(a, EventArgument) else EventArgument.from_dict(a)
            for a in obj.arguments
        ]
        if obj.cameo is not None:
            obj.cameo = str(obj.cameo)
        return obj


@dataclass
class ArticleAnnotations:
    """Everything annotated on one article; what one store file holds besides the text."""

    entities: list[EntitySpan] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    doc_labels: list[str] = field(default_factory=list)
    status: ArticleStatus = ArticleStatus.NEW
    annotators: list[str] = field(default_factory=list)

    def decided_by_a_person(self) -> bool:
        """Whether a person has worked on this article, which is what makes it gold: its
        status moved on (in progress, done), or it holds a human record. An article that only
        a gazetteer, a model or a corpus propagation touched is not gold — exported as such,
        every entity no machine found would become a false "O"."""
        if self.status in (ArticleStatus.IN_PROGRESS, ArticleStatus.DONE):
            return True
        if self.status == ArticleStatus.SKIPPED:
            return False
        return (any(e.origin == HUMAN or e.original is not None for e in self.entities)
                or any(e.origin == HUMAN for e in self.events)
                or bool(self.highlights) or bool(self.doc_labels))

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [e.to_dict() for e in self.entities],
            "highlights": [h.to_dict() for h in self.highlights],
            "events": [e.to_dict() for e in self.events],
            "doc_labels": list(self.doc_labels),
            "status": str(self.status),
            "annotators": list(self.annotators),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleAnnotations:
        return cls(
            entities=[EntitySpan.from_dict(e) for e in data.get("entities", [])],
            highlights=[Highlight.from_dict(h) for h in data.get("highlights", [])],
            events=[Event.from_dict(e) for e in data.get("events", [])],
            doc_labels=list(data.get("doc_labels", [])),
            status=ArticleStatus(data.get("status", ArticleStatus.NEW)),
            annotators=list(data.get("annotators", [])),
        )

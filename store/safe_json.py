"""Parsing JSON that someone else wrote, with bounds.

Corpora, store files and import files come from scrapers, colleagues and other tools, and
one poisoned record must cost that record, not the run: ``json.loads`` on an integer of
over 4,300 digits raises a bare ``ValueError`` from deep inside the int conversion, and on
very deep nesting a ``RecursionError`` (or, if it parses just under the limit, the next
recursive step of ours fails instead). Every reader of outside JSON goes through
:func:`loads`, which turns each of these into one :class:`BadJSON` with a short reason the
caller prefixes with its file and line.
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any record we write (a store file is four levels deep, an import record
# six or seven); far below the interpreter's recursion limit so later walks are safe.
MAX_DEPTH = 64
# An offset, a count or a timestamp in milliseconds fits in 19 digits.
MAX_INT_DIGITS = 20


class BadJSON(ValueError):
    """Text that is not JSON we accept; ``reason`` is one line, ``line``/``column`` 1-based
    when the parser knows them."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.end: int | None = None


def _bounded_int(digits: str) -> int:
    count = len(digits) - (digits[0] == "-")
    if count > MAX_INT_DIGITS:
        raise BadJSON(f"an integer of {count} digits (at most {MAX_INT_DIGITS})")
    return int(digits)


def _no_constant(name: str) -> float:
    raise BadJSON(f"{name} is not JSON")


def _check_depth(value: Any, limit: int) -> None:
    # Iterative, so the check itself cannot hit the recursion limit it guards against.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise BadJSON(f"nested deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values()
                         if isinstance(child, dict | list))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item
                         if isinstance(child, dict | list))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises only :class:`BadJSON` on anything it will not accept:
    invalid JSON, ``NaN``/``Infinity``, integers over :data:`MAX_INT_DIGITS` digits and
    nesting deeper than ``max_depth``."""
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except BadJSON:
        raise
    except json.JSONDecodeError as exc:
        # json's own messages can end in "at" ("Invalid control character at"): say it once.
        message = exc.msg.removesuffix(" at")
        raise BadJSON(f"{message} at column {exc.colno}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise BadJSON(f"nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError as exc:
        raise BadJSON(f"not valid UTF-8 (byte {exc.start})") from None
    except ValueError as exc:  # e.g. a float the interpreter cannot convert
        raise BadJSON(str(exc).splitlines()[0] if str(exc) else "invalid number") from None
    # Only a text with that many brackets can nest that deep: skip the walk otherwise.
    if isinstance(value, dict | list) and _bracket_count(text) > max_depth:
        _check_depth(value, max_depth)
    return value


class _LongInt:
    """What a too-long integer parses to inside :func:`decode_at`, so the decoder can
    finish the value (and say where it ends) before the value is refused."""

    def __init__(self, digits: int):
        self.digits = digits


def _marked_int(digits: str) -> int | _LongInt:
    count = len(digits) - (digits[0] == "-")
    return _LongInt(count) if count > MAX_INT_DIGITS else int(digits)


def _find_long_int(value: Any) -> _LongInt | None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _LongInt):
            return item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


_MARKING_DECODER = json.JSONDecoder(parse_int=_marked_int, parse_constant=_no_constant)


def decode_at(text: str, pos: int, *, max_depth: int = MAX_DEPTH) -> tuple[Any, int]:
    """One JSON value starting at ``pos`` of a larger text (a task of a JSON array), and
    where it ends. A value that is JSON but refused (a too-long integer, too deep) raises
    :class:`BadJSON` with ``end`` set, so the caller can skip just that value; invalid JSON
    raises it with ``end`` None (nothing after it can be trusted)."""
    try:
        value, end = _MARKING_DECODER.raw_decode(text, pos)
    except BadJSON:
        raise
    except json.JSONDecodeError as exc:
        raise BadJSON(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise BadJSON(f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise BadJSON(str(exc).splitlines()[0] if str(exc) else "invalid number") from None
    long_int = _find_long_int(value)
    problem = None
    if long_int is not None:
        problem = BadJSON(f"an integer of {long_int.digits} digits (at most {MAX_INT_DIGITS})")
    else:
        try:
            _check_depth(value, max_depth)
        except BadJSON as exc:
            problem = exc
    if problem is not None:
        problem.end = end
        raise problem
    return value, end


def _bracket_count(text: str | bytes) -> int:
    if isinstance(text, bytes | bytearray):
        return text.count(b"[") + text.count(b"{")
    return text.count("[") + text.count("{")

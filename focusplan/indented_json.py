"""`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, at the C encoder's speed.

With `indent` set, the standard library leaves its C encoder for a Python one that
yields every bracket, comma and value as its own string: the review of a backlog of
100,000 tasks lists tens of thousands of tasks and took seconds to print. Here only
the nesting is walked in Python; a dict or list of plain values (str, int, float,
bool, None) is written by the C encoder in one call, with a separator that already
holds the line break and the indentation, and a list of such dicts in one call too.
Same text, byte for byte (tests/unit/test_indented_json.py checks it against `json.dumps`).
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from typing import Any

__all__ = ["indented_json"]

_INDENT = 2
_SCALARS = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset(_SCALARS)


def indented_json(value: object) -> str:
    """The text of `json.dumps(value, ensure_ascii=False, indent=2)`."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out)


@lru_cache(maxsize=64)
def _encoder(separator: str) -> json.JSONEncoder:
    # One line per item: the C encoder writes the break and the indentation itself.
    return json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))


_PLAIN = json.JSONEncoder(ensure_ascii=False)


def _pad(depth: int) -> str:
    return " " * (_INDENT * depth)


def _flat(container: Any) -> bool:
    values = container.values() if isinstance(container, dict) else container
    # The types of every value, collected in C (a generator was most of the work).
    return set(map(type, values)) <= _PLAIN_TYPES or all(
        isinstance(item, _SCALARS) for item in values
    )


def _flat_dicts(items: list[Any] | tuple[Any, ...]) -> bool:
    if set(map(type, items)) == {dict} and all(items):
        values = itertools.chain.from_iterable(map(dict.values, items))
        if set(map(type, values)) <= _PLAIN_TYPES:
            return True
    return all(isinstance(item, dict) and item and _flat(item) for item in items)


def _write(value: object, depth: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
        elif _flat(value):
            out.append(_flat_text(value, depth))
        else:
            _write_dict(value, depth, out)
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
        elif _flat(value):
            out.append(_flat_text(value, depth))
        elif _flat_dicts(value):
            out.append(_dicts_text(value, depth))
        else:
            _write_list(value, depth, out)
    else:
        out.append(_PLAIN.encode(value))


def _flat_text(container: Any, depth: int) -> str:
    inner, outer = _pad(depth + 1), _pad(depth)
    text = _encoder(",\n" + inner).encode(container)
    return f"{text[0]}\n{inner}{text[1:-1]}\n{outer}{text[-1]}"


def _dicts_text(items: list[Any] | tuple[Any, ...], depth: int) -> str:
    """A list of flat dicts in one C call: its items are separated as the dicts' own
    items are, then each `},<break>{` between two dicts is given its own lines. That
    sequence appears nowhere else: a string holds no raw line break, and a flat dict
    no brace but its own."""
    item, member = _pad(depth + 1), _pad(depth + 2)
    separator = ",\n" + member
    text = _encoder(separator).encode(items)
    text = text.replace("}" + separator + "{", f"\n{item}}},\n{item}{{\n{member}")
    return f"[\n{item}{{\n{member}{text[2:-2]}\n{item}}}\n{_pad(depth)}]"


def _key(key: object) -> str:
    # What `json.encoder` makes of a key that is not a string (floats as float.__repr__).
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float | int):
        return _PLAIN.encode(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _write_dict(value: dict[Any, Any], depth: int, out: list[str]) -> None:
    inner = _pad(depth + 1)
    first = True
    for key, item in value.items():
        out.append(("{\n" if first else ",\n") + inner + _PLAIN.encode(_key(key)) + ": ")
        first = False
        _write(item, depth + 1, out)
    out.append("\n" + _pad(depth) + "}")


def _write_list(value: list[Any] | tuple[Any, ...], depth: int, out: list[str]) -> None:
    inner = _pad(depth + 1)
    first = True
    for item in value:
        out.append(("[\n" if first else ",\n") + inner)
        first = False
        _write(item, depth + 1, out)
    out.append("\n" + _pad(depth) + "]")

"""`indented_json` writes exactly the text of `json.dumps(..., ensure_ascii=False, indent=2)`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.indented_json import indented_json

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
keys = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=40,
)
# What a review lists: many flat dicts, with titles that look like JSON themselves.
flat_dict = st.dictionaries(st.text(max_size=8), scalars, min_size=1, max_size=6)


def same(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


@settings(max_examples=400, deadline=None)
@given(values)
def test_any_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    same(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(flat_dict, min_size=1, max_size=6), st.integers(0, 3))
def test_lists_of_flat_dicts_nested_at_any_depth(items: list[Any], depth: int) -> None:
    value: Any = items
    for _ in range(depth):
        value = {"k": value, "n": [1, {"a": None}]}
    same(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        [{}],
        [{}, {"a": 1}],
        {"a": [], "b": {}},
        [{"t": '}, {"id'}, {"t": "},\n      {"}],
        [{"t": "\u2028\x1b\x7f\x9b é"}],
        {"x": [[1, 2], [3]], "y": ({"z": 1.5},)},
        "text",
        1.0,
        None,
        {1: "a", 2.5: "b", False: "c", None: "d"},
        {"nested": {1: [1, {"deep": {}}]}},
    ],
)
def test_edge_cases(value: Any) -> None:
    same(value)


def test_what_json_dumps_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        indented_json({"a": object()})
    with pytest.raises(TypeError):
        indented_json({(1, 2): "tuple key"})

"""The named weights: a numpy-free module whose defaults encode the principles."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from focusplan.attention.weights import (
    ATTENTION_ENTRIES,
    CONTEXT_FEATURES,
    DEFAULT_WEIGHTS,
    FEATURE_NAMES,
    PROJECT,
    TASK_FEATURES,
    WEIGHT_NAMES,
    WEIGHT_REASONS,
)

REPO = Path(__file__).resolve().parents[2]


def _modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["focusplan.attention", "focusplan.attention.weights"])
def test_weights_and_package_import_without_numpy(module: str) -> None:
    assert "numpy" not in _modules_after_import(module)


def test_weight_names_are_the_default_keys_in_order() -> None:
    assert tuple(DEFAULT_WEIGHTS) == WEIGHT_NAMES
    assert len(set(WEIGHT_NAMES)) == len(WEIGHT_NAMES)


def test_every_default_is_finite_and_has_a_reason() -> None:
    assert all(math.isfinite(value) for value in DEFAULT_WEIGHTS.values())
    assert set(WEIGHT_REASONS) == set(DEFAULT_WEIGHTS)
    assert all(reason.strip() for reason in WEIGHT_REASONS.values())


def test_temperature_default_is_positive() -> None:
    assert DEFAULT_WEIGHTS["temperature"] > 0


def test_attention_entries_name_known_features() -> None:
    known = set(FEATURE_NAMES) | {PROJECT}
    for name, (query, key) in ATTENTION_ENTRIES.items():
        assert name == f"attn.{query}×{key}"
        assert {query, key} <= known


def test_residual_and_value_weights_cover_exactly_the_task_features() -> None:
    residual = {n.removeprefix("residual.") for n in WEIGHT_NAMES if n.startswith("residual.")}
    value = {n.removeprefix("value.") for n in WEIGHT_NAMES if n.startswith("value.")}
    assert residual == set(TASK_FEATURES)
    assert value == set(TASK_FEATURES)


def test_defaults_encode_the_ranking_principles() -> None:
    # P1 importance, deadlines, unblocking; P2 energy×demand; P3 momentum and project context.
    for name in ("residual.importance", "residual.deadline", "residual.unblocks"):
        assert DEFAULT_WEIGHTS[name] > 0
    assert DEFAULT_WEIGHTS["attn.energy×demand"] > 0
    assert DEFAULT_WEIGHTS["residual.in_progress"] > 0
    assert DEFAULT_WEIGHTS["attn.project×project"] > 0
    # Demand itself is neutral: only the context decides whether deep work fits now.
    assert DEFAULT_WEIGHTS["residual.demand"] == 0


def test_bias_is_the_last_context_feature() -> None:
    assert CONTEXT_FEATURES[-1] == "bias"
    assert FEATURE_NAMES[-1] == "bias"

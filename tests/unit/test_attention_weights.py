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


# Weights version 1 as migration 0002 seeded it before issue 11 (focusplan of 2026-11-21).
SEEDED_BEFORE_ISSUE_11 = {
    "residual.importance": 1.0, "residual.deadline": 1.5, "residual.demand": 0.0,
    "residual.estimate": -0.15, "residual.age": 0.1, "residual.unblocks": 0.5,
    "residual.in_progress": 2.0, "residual.window_fit": 0.5, "attn.energy×demand": 4.0,
    "attn.hour_sin×demand": 1.0, "attn.weekend×demand": -1.0, "attn.energy×estimate": 1.0,
    "attn.day_left×estimate": 2.0, "attn.meeting_load×estimate": -3.0,
    "attn.bias×importance": 1.0, "attn.bias×deadline": 2.0, "attn.bias×unblocks": 2.0,
    "attn.bias×in_progress": 4.0, "attn.bias×window_fit": 1.0, "attn.project×project": 12.0,
    "value.importance": 0.5, "value.deadline": 1.0, "value.demand": 0.0, "value.estimate": 0.0,
    "value.age": 0.0, "value.unblocks": 0.3, "value.in_progress": 1.5, "value.window_fit": 0.0,
    "self_affinity": 1.0, "attention_gain": 1.0, "temperature": 1.0,
}  # fmt: skip


def test_a_database_still_on_the_old_seeded_defaults_ranks_with_the_new_ones() -> None:
    # The defaults were retuned only through new names, which a stored version lacks and
    # so reads at their default: no migration has to move such databases. Changing an
    # existing name's default would need a migration that adds a version.
    from focusplan.attention.layer import named_from_params, params_from_named

    assert {name: DEFAULT_WEIGHTS[name] for name in SEEDED_BEFORE_ISSUE_11} == (
        SEEDED_BEFORE_ISSUE_11
    )
    assert named_from_params(params_from_named(SEEDED_BEFORE_ISSUE_11)) == DEFAULT_WEIGHTS

"""The attention layer as pure array functions: maths, explanation, parameters, gradients."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention.features import FEATURE_INDEX, N_FEATURES
from focusplan.attention.layer import (
    SCALE,
    LayerParams,
    attention_rows,
    choice_loss,
    forward,
    logits,
    logits_jacobian,
    named_from_params,
    named_from_vector,
    params_from_named,
    priorities,
    vector_from_named,
)
from focusplan.attention.weights import DEFAULT_WEIGHTS, WEIGHT_NAMES

FloatArray = npt.NDArray[np.float64]
SIGNATURE = [FEATURE_INDEX[f"project{k}"] for k in range(6)]
CONTEXT = slice(FEATURE_INDEX["hour_sin"], N_FEATURES)


def token_matrix(seed: int, n: int, projects: int = 4) -> FloatArray:
    """Tokens shaped like real ones: varied task features, shared context, few projects."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    signatures = rng.choice([-1.0, 1.0], size=(projects, len(SIGNATURE))) / math.sqrt(6)
    X[:, SIGNATURE] = signatures[rng.integers(0, projects, size=n)]
    X[:, CONTEXT] = rng.normal(size=N_FEATURES - FEATURE_INDEX["hour_sin"])
    X[:, -1] = 1.0
    return X


def random_weights(seed: int, scale: float = 1.0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    named = {name: float(rng.normal(scale=scale)) for name in WEIGHT_NAMES}
    named["temperature"] = float(rng.uniform(0.3, 3.0))
    return named


def dense_reference(X: FloatArray, params: LayerParams) -> FloatArray:
    """The layer written naively, N × N matrix and all."""
    S = X @ params.M @ X.T * SCALE
    A = np.exp(S - S.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    self_term = np.diag(X @ params.M @ X.T) * SCALE
    return (
        X @ params.residual
        + params.self_affinity * self_term
        + params.attention_gain * (A @ (X @ params.value))
    )


seeds = st.integers(0, 2**32 - 1)


@settings(deadline=None, max_examples=60)
@given(seeds, st.integers(1, 40), st.one_of(st.none(), st.integers(1, 5)))
def test_logits_match_the_naive_dense_layer(seed: int, n: int, block_rows: int | None) -> None:
    X = token_matrix(seed, n)
    params = params_from_named(random_weights(seed + 1))
    out = forward(X, params, block_rows=block_rows).logits
    np.testing.assert_allclose(out, dense_reference(X, params), atol=1e-10)


def test_rows_that_fold_to_the_same_number_are_not_merged() -> None:
    # Queries are grouped by a folded number per row, checked for exactness: build two
    # different signature rows that fold to the same number and compare with the reference.
    from focusplan.attention import layer

    X = token_matrix(9, 6)
    X[:, SIGNATURE] = 0.0
    X[0, SIGNATURE[0]] = layer._PROBE[1]
    X[1, SIGNATURE[1]] = layer._PROBE[0]
    params = params_from_named(DEFAULT_WEIGHTS)
    np.testing.assert_allclose(logits(X, params), dense_reference(X, params), atol=1e-10)


@settings(deadline=None, max_examples=30)
@given(seeds, st.integers(1, 60), st.integers(1, 7))
def test_arbitrary_dense_parameters_match_the_reference_in_any_row_block(
    seed: int, n: int, block_rows: int
) -> None:
    # Every query distinct, every matrix entry non-zero: the general blocked path.
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    params = LayerParams(
        residual=rng.normal(size=N_FEATURES),
        M=rng.normal(size=(N_FEATURES, N_FEATURES)),
        value=rng.normal(size=N_FEATURES),
        self_affinity=0.7,
        attention_gain=1.3,
        temperature=1.0,
    )
    out = forward(X, params, block_rows=block_rows).logits
    np.testing.assert_allclose(out, dense_reference(X, params), atol=1e-9)


@settings(deadline=None, max_examples=60)
@given(seeds, st.integers(1, 50))
def test_permuting_tokens_permutes_logits(seed: int, n: int) -> None:
    X = token_matrix(seed, n)
    weights = random_weights(seed + 2)
    perm = np.random.default_rng(seed).permutation(n)
    np.testing.assert_allclose(logits(X[perm], weights), logits(X, weights)[perm], atol=1e-12)


@settings(deadline=None, max_examples=60)
@given(seeds, st.integers(1, 50))
def test_contributions_add_up_to_the_logits(seed: int, n: int) -> None:
    X = token_matrix(seed, n)
    out = forward(X, random_weights(seed + 3, scale=3.0), explain=True)
    assert out.contributions is not None
    assert set(out.contributions) <= set(WEIGHT_NAMES)
    total = np.sum(list(out.contributions.values()), axis=0)
    assert np.max(np.abs(total - out.logits)) <= 1e-9


def test_contributions_name_each_weight_that_acts() -> None:
    X = token_matrix(0, 5)
    out = forward(X, DEFAULT_WEIGHTS, explain=True)
    assert out.contributions is not None
    col = FEATURE_INDEX
    np.testing.assert_allclose(
        out.contributions["residual.importance"],
        DEFAULT_WEIGHTS["residual.importance"] * X[:, col["importance"]],
    )
    np.testing.assert_allclose(
        out.contributions["attn.energy×demand"],
        DEFAULT_WEIGHTS["self_affinity"]
        * DEFAULT_WEIGHTS["attn.energy×demand"]
        * X[:, col["energy"]]
        * X[:, col["demand"]]
        * SCALE,
    )


def test_explaining_parameters_without_names_raises() -> None:
    params = params_from_named(DEFAULT_WEIGHTS)
    M = params.M.copy()
    M[FEATURE_INDEX["age"], FEATURE_INDEX["age"]] = 1.0
    unnamed = LayerParams(
        residual=params.residual,
        M=M,
        value=params.value,
        self_affinity=1.0,
        attention_gain=1.0,
        temperature=1.0,
    )
    with pytest.raises(ValueError, match="weight names"):
        forward(token_matrix(0, 3), unnamed, explain=True)


def test_attention_rows_are_distributions_consistent_with_the_attention_term() -> None:
    X = token_matrix(4, 30)
    params = params_from_named(DEFAULT_WEIGHTS)
    A = attention_rows(X, params, range(30))
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    out = forward(X, params)
    np.testing.assert_allclose(
        params.attention_gain * (A @ (X @ params.value)), out.attention_term, atol=1e-12
    )


def test_project_mates_attend_to_each_other() -> None:
    X = token_matrix(5, 20, projects=2)
    A = attention_rows(X, DEFAULT_WEIGHTS, [0])[0]
    same = np.all(X[:, SIGNATURE] == X[0, SIGNATURE], axis=1)
    assert A[same].mean() > 2 * A[~same].mean()


def test_layer_does_not_mutate_its_inputs() -> None:
    X = token_matrix(6, 12)
    before = X.copy()
    named = dict(DEFAULT_WEIGHTS)
    forward(X, named, explain=True)
    logits_jacobian(X, named)
    np.testing.assert_array_equal(X, before)
    assert named == DEFAULT_WEIGHTS


def test_no_tokens_gives_no_logits() -> None:
    assert logits(np.zeros((0, N_FEATURES)), DEFAULT_WEIGHTS).shape == (0,)


# --- priorities --------------------------------------------------------------------------


@given(
    st.lists(st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False), min_size=1),
    st.floats(1e-12, 1e12),
)
def test_priorities_are_a_distribution_even_for_extreme_logits(
    scores: list[float], temperature: float
) -> None:
    p = priorities(np.array(scores), temperature)
    assert np.all(np.isfinite(p))
    assert np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0)


def test_lower_temperature_concentrates_priority() -> None:
    s = np.array([2.0, 1.0, 0.0])
    assert priorities(s, 0.5)[0] > priorities(s, 1.0)[0] > priorities(s, 2.0)[0]


# --- parameters ------------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1))
def test_named_weights_round_trip_through_arrays_and_vectors(seed: int) -> None:
    named = random_weights(seed)
    assert named_from_params(params_from_named(named)) == named
    assert named_from_vector(vector_from_named(named)) == named


def test_missing_names_take_their_defaults() -> None:
    assert named_from_params(params_from_named({})) == DEFAULT_WEIGHTS


def test_unknown_name_raises_unless_not_strict() -> None:
    with pytest.raises(ValueError, match="unknown weight"):
        params_from_named({"residual.importanse": 1.0})
    lenient = params_from_named({"residual.importanse": 1.0}, strict=False)
    assert named_from_params(lenient) == DEFAULT_WEIGHTS


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": -1.0}, "temperature"),
        ({"residual.importance": math.nan}, "finite"),
        ({"attn.energy×demand": math.inf}, "finite"),
    ],
)
def test_invalid_weights_raise(named: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        params_from_named(named)


def test_arrays_with_unnamed_entries_cannot_become_names() -> None:
    params = params_from_named(DEFAULT_WEIGHTS)
    M = params.M.copy()
    M[FEATURE_INDEX["importance"], FEATURE_INDEX["age"]] = 1.0
    with pytest.raises(ValueError, match="no weight name"):
        named_from_params(
            LayerParams(
                residual=params.residual,
                M=M,
                value=params.value,
                self_affinity=1.0,
                attention_gain=1.0,
                temperature=1.0,
            )
        )


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros((3, N_FEATURES - 1)), "shape"),
        (np.zeros(N_FEATURES), "shape"),
        (np.full((2, N_FEATURES), np.nan), "finite"),
        (np.full((2, N_FEATURES), np.inf), "finite"),
    ],
)
def test_invalid_tokens_raise(X: FloatArray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        forward(X, DEFAULT_WEIGHTS)


def test_invalid_priorities_input_raises() -> None:
    with pytest.raises(ValueError, match="temperature"):
        priorities(np.array([1.0, 2.0]), 0.0)
    with pytest.raises(ValueError, match="finite"):
        priorities(np.array([1.0, np.nan]), 1.0)


def test_invalid_layer_params_raise() -> None:
    with pytest.raises(ValueError, match="residual must have shape"):
        LayerParams(
            residual=np.zeros(3),
            M=np.zeros((N_FEATURES, N_FEATURES)),
            value=np.zeros(N_FEATURES),
            self_affinity=1.0,
            attention_gain=1.0,
            temperature=1.0,
        )


# --- learning support --------------------------------------------------------------------------


def numeric_gradient(f: object, vector: FloatArray, eps: float = 1e-6) -> FloatArray:
    assert callable(f)
    grad = np.zeros_like(vector)
    for k in range(vector.size):
        up, down = vector.copy(), vector.copy()
        up[k] += eps
        down[k] -= eps
        grad[k] = (f(up) - f(down)) / (2 * eps)
    return grad


@settings(deadline=None, max_examples=15)
@given(seeds, st.integers(2, 12))
def test_jacobian_matches_finite_differences(seed: int, n: int) -> None:
    X = token_matrix(seed, n)
    theta = vector_from_named(random_weights(seed + 4, scale=0.5))
    _, jac = logits_jacobian(X, named_from_vector(theta))
    for i in range(n):
        numeric = numeric_gradient(lambda v, i=i: logits(X, named_from_vector(v))[i], theta)
        np.testing.assert_allclose(jac[i], numeric, atol=1e-5)


@settings(deadline=None, max_examples=15)
@given(seeds, st.integers(1, 12), st.data())
def test_choice_loss_gradient_matches_finite_differences(
    seed: int, n: int, data: st.DataObject
) -> None:
    X = token_matrix(seed, n)
    chosen = data.draw(st.integers(0, n - 1))
    theta = vector_from_named(random_weights(seed + 5, scale=0.5))

    def loss(v: FloatArray) -> float:
        return choice_loss(X, chosen, named_from_vector(v))[0]

    value, grad = choice_loss(X, chosen, named_from_vector(theta))
    named = named_from_vector(theta)
    p = priorities(logits(X, named), named["temperature"])
    assert value == pytest.approx(-math.log(p[chosen]))
    np.testing.assert_allclose(grad, numeric_gradient(loss, theta), atol=1e-5)


def test_choice_loss_rejects_a_choice_outside_the_tokens() -> None:
    with pytest.raises(ValueError, match="chosen"):
        choice_loss(token_matrix(0, 3), 3, DEFAULT_WEIGHTS)

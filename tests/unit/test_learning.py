"""The learning of the named weights: loss, analytic gradients, regularised fit, quality."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.attention import learning
from focusplan.attention.features import CONTEXT_FEATURES, FEATURE_INDEX, N_FEATURES
from focusplan.attention.layer import choice_loss, forward
from focusplan.attention.weights import DEFAULT_WEIGHTS, WEIGHT_NAMES


def random_tokens(rng: np.random.Generator, n: int) -> np.ndarray:
    """Tokens shaped like the real ones: task features vary, context is shared, bias is 1."""
    X = rng.normal(size=(n, N_FEATURES))
    first_context = FEATURE_INDEX[CONTEXT_FEATURES[0]]
    X[:, first_context:] = rng.normal(size=N_FEATURES - first_context)
    X[:, FEATURE_INDEX["bias"]] = 1.0
    return X


def sample_batch(
    rng: np.random.Generator, weights: Mapping[str, float], count: int, n_max: int = 8
) -> learning.ChoiceBatch:
    """Choices drawn from softmax(logits) under `weights`: a person with that exact taste."""
    items = []
    for _ in range(count):
        n = int(rng.integers(2, n_max + 1))
        X = random_tokens(rng, n)
        s = forward(X, weights).logits / weights["temperature"]
        p = np.exp(s - s.max())
        p /= p.sum()
        items.append((X, np.arange(1, n + 1), int(rng.choice(n, p=p))))
    return learning.pack_choices(items)


CONTRARY = dict(DEFAULT_WEIGHTS, **{"residual.importance": -3.0, "residual.deadline": -3.0})


def largest_move(fitted: Mapping[str, float]) -> float:
    return max(abs(fitted[name] - DEFAULT_WEIGHTS[name]) for name in learning.FIT_NAMES)


def jitter(rng: np.random.Generator, scale: float = 0.3) -> dict[str, float]:
    # τ is not fitted, and a jitter of 3σ below its default would make it negative.
    return {
        name: value + scale * rng.normal() if name != "temperature" else value
        for name, value in DEFAULT_WEIGHTS.items()
    }


def test_batched_logits_are_the_layers_logits() -> None:
    rng = np.random.default_rng(1)
    weights = jitter(rng)
    items = [(random_tokens(rng, n), np.arange(n), 0) for n in (2, 5, 9)]
    batch = learning.pack_choices(items)
    logits = learning.batch_logits(batch, weights)
    for row, (X, ids, _) in enumerate(items):
        np.testing.assert_allclose(logits[row, : len(ids)], forward(X, weights).logits, atol=1e-12)
        assert np.all(np.isneginf(logits[row, len(ids) :]))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), strength=st.sampled_from([0.0, 3.0]))
def test_gradient_matches_central_finite_differences(seed: int, strength: float) -> None:
    rng = np.random.default_rng(seed)
    weights = jitter(rng)
    prior = jitter(rng)
    batch = sample_batch(rng, weights, count=4)
    _, grad = learning.objective(batch, weights, prior, prior_strength=strength)
    step = 1e-5
    for name in learning.FIT_NAMES:
        up, down = dict(weights), dict(weights)
        up[name] += step
        down[name] -= step
        numeric = (
            learning.objective(batch, up, prior, prior_strength=strength)[0]
            - learning.objective(batch, down, prior, prior_strength=strength)[0]
        ) / (2 * step)
        np.testing.assert_allclose(grad[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_gradient_agrees_with_the_layers_per_choice_loss() -> None:
    rng = np.random.default_rng(7)
    weights = jitter(rng)
    items = [(random_tokens(rng, n), np.arange(n), n - 1) for n in (3, 6)]
    value, grad = learning.objective(
        learning.pack_choices(items), weights, weights, prior_strength=0.0
    )
    losses, grads = zip(*(choice_loss(X, chosen, weights) for X, _, chosen in items), strict=True)
    assert value == pytest.approx(np.mean(losses), rel=1e-12)
    reference = np.mean(grads, axis=0)
    for name in learning.FIT_NAMES:
        assert grad[name] == pytest.approx(reference[WEIGHT_NAMES.index(name)], rel=1e-9, abs=1e-12)


def test_the_temperature_cannot_be_fitted() -> None:
    batch = sample_batch(np.random.default_rng(0), DEFAULT_WEIGHTS, 3)
    with pytest.raises(ValueError, match="temperature"):
        learning.objective(batch, DEFAULT_WEIGHTS, DEFAULT_WEIGHTS, names=("temperature",))


def test_a_chosen_row_outside_the_candidates_is_refused() -> None:
    with pytest.raises(ValueError, match="chosen"):
        learning.pack_choices([(np.zeros((2, N_FEATURES)), [1, 2], 2)])


def test_fit_lowers_the_objective_and_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    taste = dict(DEFAULT_WEIGHTS, **{"residual.importance": -2.0, "residual.estimate": 1.0})
    batch = sample_batch(rng, taste, 150)
    first = learning.fit_weights(batch, DEFAULT_WEIGHTS, budget=30)
    second = learning.fit_weights(batch, DEFAULT_WEIGHTS, budget=30)
    assert first.objective_after < first.objective_before
    assert first.weights == second.weights


def test_fit_reaches_a_stationary_point_of_the_objective() -> None:
    batch = sample_batch(np.random.default_rng(9), CONTRARY, 120)
    fitted = learning.fit_weights(batch, DEFAULT_WEIGHTS).weights
    _, grad = learning.objective(batch, fitted, DEFAULT_WEIGHTS)
    assert max(abs(value) for value in grad.values()) < 1e-4


def test_fit_moves_toward_a_planted_taste() -> None:
    rng = np.random.default_rng(4)
    taste = dict(DEFAULT_WEIGHTS, **{"residual.importance": -2.0})
    fitted = learning.fit_weights(sample_batch(rng, taste, 300), DEFAULT_WEIGHTS).weights
    assert fitted["residual.importance"] < 0.0


def test_regularisation_keeps_the_weights_near_the_prior_with_little_data() -> None:
    # Seeds 0-7 move 0.2-0.8 here, except seed 5 (1.2 since the ranking has 46
    # features): three random choices can be unlucky, the prior's hold is the point.
    batch = sample_batch(np.random.default_rng(0), CONTRARY, 3)
    assert largest_move(learning.fit_weights(batch, DEFAULT_WEIGHTS).weights) < 1.0


def test_without_regularisation_the_same_little_data_drags_the_weights_away() -> None:
    batch = sample_batch(np.random.default_rng(0), CONTRARY, 3)
    fitted = learning.fit_weights(batch, DEFAULT_WEIGHTS, prior_strength=0.0).weights
    assert largest_move(fitted) > 5.0


def test_the_prior_gives_way_as_choices_accumulate() -> None:
    rng = np.random.default_rng(5)
    few = learning.fit_weights(sample_batch(rng, CONTRARY, 3), DEFAULT_WEIGHTS).weights
    many = learning.fit_weights(sample_batch(rng, CONTRARY, 400), DEFAULT_WEIGHTS).weights
    assert many["residual.importance"] < few["residual.importance"]
    assert many["residual.importance"] < 0.0


def test_weights_not_fitted_stay_as_given() -> None:
    batch = sample_batch(np.random.default_rng(6), DEFAULT_WEIGHTS, 20)
    fitted = learning.fit_weights(batch, DEFAULT_WEIGHTS, names=("residual.importance",)).weights
    assert {k: v for k, v in fitted.items() if k != "residual.importance"} == {
        k: v for k, v in DEFAULT_WEIGHTS.items() if k != "residual.importance"
    }


def test_concatenated_batches_keep_every_choice_and_its_logits() -> None:
    rng = np.random.default_rng(10)
    small, wide = (
        sample_batch(rng, DEFAULT_WEIGHTS, 3, n_max=3),
        sample_batch(rng, DEFAULT_WEIGHTS, 2),
    )
    both = learning.concat_batches([small, wide])
    assert len(both) == 5
    logits = learning.batch_logits(both, DEFAULT_WEIGHTS)
    np.testing.assert_array_equal(
        logits[:3, : small.X.shape[1]], learning.batch_logits(small, DEFAULT_WEIGHTS)
    )
    assert np.all(np.isneginf(logits[:3, small.X.shape[1] :]))


def test_quality_counts_ranks_with_fair_ties() -> None:
    scores = np.array([[3.0, 2.0, 1.0], [1.0, 1.0, 0.0], [0.0, 5.0, 4.0]])
    mask = np.ones_like(scores, dtype=bool)
    quality = learning.quality_of_scores(scores, mask, np.array([0, 0, 0]))
    # ranks: 1; tied for 1-2 (expected 1/1 and 1/2); 3.
    assert quality.mrr == pytest.approx((1 + 0.75 + 1 / 3) / 3)
    assert quality.hit_at_1 == pytest.approx((1 + 0.5 + 0) / 3)
    assert quality.hit_at_3 == pytest.approx(1.0)
    assert quality.choices == 3


def test_reciprocal_ranks_are_each_choices_share_of_the_mrr() -> None:
    scores = np.array([[3.0, 2.0, 1.0], [1.0, 1.0, 0.0], [0.0, 5.0, 4.0]])
    mask = np.ones_like(scores, dtype=bool)
    each = learning.reciprocal_ranks(scores, mask, np.array([0, 0, 0]))
    np.testing.assert_allclose(each, [1.0, 0.75, 1 / 3])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ties=st.booleans(), weighted=st.booleans())
def test_the_mean_reciprocal_rank_is_the_mean_of_the_reciprocal_ranks(
    seed: int, ties: bool, weighted: bool
) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(7, 5))
    if ties:
        scores = np.round(scores)
    mask = rng.random((7, 5)) < 0.8
    mask[:, 0] = True
    chosen = np.zeros(7, dtype=np.int64)
    weight = rng.uniform(1.0, 4.0, size=(7, 5)) if weighted else None
    each = learning.reciprocal_ranks(scores, mask, chosen, weight)
    assert np.all((each > 0) & (each <= 1))
    quality = learning.quality_of_scores(scores, mask, chosen, weight)
    assert float(each.mean()) == pytest.approx(quality.mrr)


def test_choice_ranks_give_every_candidate_its_place() -> None:
    items = [(random_tokens(np.random.default_rng(8), 4), np.arange(4), 0)]
    batch = learning.pack_choices(items)
    ranks = learning.choice_ranks(batch, DEFAULT_WEIGHTS)
    assert sorted(ranks[0]) == [1.0, 2.0, 3.0, 4.0]
    logits = learning.batch_logits(batch, DEFAULT_WEIGHTS)[0]
    assert ranks[0][int(np.argmax(logits))] == 1.0


# --- weighted choices (recent ones count more) ----------------------------------------------


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_weighted_gradient_matches_central_finite_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights, prior = jitter(rng), jitter(rng)
    batch = sample_batch(rng, weights, count=5)
    omega = rng.uniform(0.0, 2.0, size=5)
    omega[0] += 0.1  # never all zero

    def value(w: Mapping[str, float]) -> float:
        return learning.objective(batch, w, prior, prior_strength=2.0, choice_weights=omega)[0]

    _, grad = learning.objective(batch, weights, prior, prior_strength=2.0, choice_weights=omega)
    step = 1e-5
    for name in learning.FIT_NAMES:
        up, down = dict(weights), dict(weights)
        up[name] += step
        down[name] -= step
        numeric = (value(up) - value(down)) / (2 * step)
        np.testing.assert_allclose(grad[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_a_choice_of_weight_two_counts_as_that_choice_twice() -> None:
    rng = np.random.default_rng(13)
    items = [(random_tokens(rng, n), np.arange(n), n - 1) for n in (3, 5, 4)]
    weighted = learning.pack_choices(items)
    doubled = learning.pack_choices([*items, items[1]])
    prior = jitter(rng)
    a = learning.fit_weights(weighted, DEFAULT_WEIGHTS, prior=prior, choice_weights=[1, 2, 1])
    b = learning.fit_weights(doubled, DEFAULT_WEIGHTS, prior=prior)
    for name in learning.FIT_NAMES:
        assert a.weights[name] == pytest.approx(b.weights[name], abs=1e-6)


def test_a_choice_of_weight_zero_is_ignored() -> None:
    rng = np.random.default_rng(14)
    items = [(random_tokens(rng, n), np.arange(n), 0) for n in (3, 5, 4)]
    with_zero = learning.pack_choices(items)
    without = learning.pack_choices(items[:2])
    a, _ = learning.objective(with_zero, DEFAULT_WEIGHTS, DEFAULT_WEIGHTS, choice_weights=[1, 1, 0])
    b, _ = learning.objective(without, DEFAULT_WEIGHTS, DEFAULT_WEIGHTS)
    assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("bad", [[1.0, -1.0], [0.0, 0.0], [1.0, float("nan")], [1.0]])
def test_invalid_choice_weights_are_refused(bad: list[float]) -> None:
    batch = sample_batch(np.random.default_rng(0), DEFAULT_WEIGHTS, 2)
    with pytest.raises(ValueError, match="choice_weights"):
        learning.fit_weights(batch, DEFAULT_WEIGHTS, choice_weights=bad)


@settings(max_examples=50, deadline=None)
@given(
    ages=st.lists(st.floats(-10, 400, allow_nan=False), min_size=1, max_size=20),
    half_life=st.floats(0.5, 60),
)
def test_decay_halves_per_half_life_and_never_grows_with_age(
    ages: list[float], half_life: float
) -> None:
    weights = learning.decay_weights(ages, half_life)
    assert np.all((weights > 0) & (weights <= 1))
    order = np.argsort(ages, kind="stable")
    assert np.all(np.diff(weights[order]) <= 1e-15)
    np.testing.assert_allclose(learning.decay_weights([half_life], half_life), [0.5])
    np.testing.assert_allclose(learning.decay_weights([0.0, -3.0], half_life), [1.0, 1.0])


def test_the_prior_centre_is_where_little_data_leaves_the_weights() -> None:
    # Fitted from the current weights with the prior on the defaults, three choices
    # pull the weights back near the defaults, not near where the fit started.
    rng = np.random.default_rng(15)
    current = dict(DEFAULT_WEIGHTS, **{"residual.importance": 4.0})
    batch = sample_batch(rng, DEFAULT_WEIGHTS, 3)
    fitted = learning.fit_weights(batch, current, prior=DEFAULT_WEIGHTS, prior_strength=5.0)
    importance = fitted.weights["residual.importance"]
    assert abs(importance - DEFAULT_WEIGHTS["residual.importance"]) < 1.5


# --- the confidence of a person's choices (logit_scale) ---------------------------------


def test_scaled_weights_multiply_every_logit() -> None:
    rng = np.random.default_rng(7)
    batch = sample_batch(rng, DEFAULT_WEIGHTS, 30)
    logits = learning.batch_logits(batch, DEFAULT_WEIGHTS)
    for factor in (0.3, 1.0, 2.5):
        scaled = learning.batch_logits(batch, learning.scaled(DEFAULT_WEIGHTS, factor))
        np.testing.assert_allclose(scaled[batch.mask], factor * logits[batch.mask], atol=1e-9)


@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_logit_scale_finds_how_sharply_the_person_chooses(temperature: float) -> None:
    # Choices made by the defaults' order at another temperature: c ≈ 1/τ.
    person = dict(DEFAULT_WEIGHTS, temperature=temperature)
    batch = sample_batch(np.random.default_rng(3), person, 1500)
    assert learning.logit_scale(batch, DEFAULT_WEIGHTS) == pytest.approx(1 / temperature, rel=0.25)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0.2, 4.0))
def test_logit_scale_maximises_the_likelihood(seed: int, temperature: float) -> None:
    rng = np.random.default_rng(seed)
    batch = sample_batch(rng, dict(DEFAULT_WEIGHTS, temperature=temperature), 40)
    omega = rng.uniform(0.1, 1.0, size=len(batch))
    best = learning.logit_scale(batch, DEFAULT_WEIGHTS, omega)
    assert 0.05 <= best <= 5.0

    def loss(factor: float) -> float:
        weights = learning.scaled(DEFAULT_WEIGHTS, factor)
        return learning.objective(
            batch, weights, weights, prior_strength=0.0, choice_weights=omega
        )[0]

    for other in (best * 0.9, best * 1.1, 1.0):
        if 0.05 <= other <= 5.0:
            assert loss(best) <= loss(other) + 1e-9

"""The reweighting suggestion: fitted on earlier weeks, judged on the reviewed week."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from focusplan.attention import learning
from focusplan.attention.features import FEATURE_INDEX
from focusplan.attention.layer import forward
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.review import LearningSummary, ReweightPolicy, Suggestion, propose_reweighting
from tests.unit.test_learning import random_tokens, sample_batch

WEEK = dt.date(2026, 11, 16)
FIT_FROM = dt.date(2026, 10, 19)
# A person who does the least important thing first: the defaults get them wrong.
CONTRARIAN = dict(DEFAULT_WEIGHTS, **{"residual.importance": -3.0, "attn.bias×importance": -4.0})
TITLES = {i: f"task {i}" for i in range(1, 10)}


def propose(
    fit_taste: dict[str, float],
    heldout_taste: dict[str, float],
    fit: int = 200,
    heldout: int = 60,
    policy: ReweightPolicy | None = None,
) -> tuple[LearningSummary, Suggestion | None]:
    rng = np.random.default_rng(11)
    return propose_reweighting(
        sample_batch(rng, fit_taste, fit),
        sample_batch(rng, heldout_taste, heldout),
        DEFAULT_WEIGHTS,
        week_start=WEEK,
        fit_from=FIT_FROM,
        titles=TITLES,
        policy=policy or ReweightPolicy(),
    )


def test_a_fit_that_predicts_the_week_better_is_suggested() -> None:
    summary, suggestion = propose(CONTRARIAN, CONTRARIAN)
    assert suggestion is not None
    assert suggestion.after.mrr >= suggestion.before.mrr + 0.02
    assert suggestion.changes["residual.importance"][0] == DEFAULT_WEIGHTS["residual.importance"]
    assert suggestion.changes["residual.importance"][1] < 0
    assert suggestion.reason == (
        f"review of week 2026-11-16: MRR {suggestion.before.mrr:.2f} → {suggestion.after.mrr:.2f}"
    )
    assert summary.before == suggestion.before
    assert summary.after == suggestion.after


def test_the_suggestion_changes_only_the_weights_it_lists() -> None:
    _, suggestion = propose(CONTRARIAN, CONTRARIAN)
    assert suggestion is not None
    for name, value in suggestion.params.items():
        if name in suggestion.changes:
            assert suggestion.changes[name] == (DEFAULT_WEIGHTS[name], value)
            assert abs(value - DEFAULT_WEIGHTS[name]) >= 0.05
        else:
            assert value == DEFAULT_WEIGHTS[name]


def test_the_suggestion_names_the_tasks_that_move_most() -> None:
    # The same five tasks at every held-out choice, so each keeps its identity.
    rng = np.random.default_rng(12)
    tokens = random_tokens(rng, 5)
    tokens[:, FEATURE_INDEX["importance"]] = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ids = np.arange(1, 6)
    weights_p = forward(tokens, CONTRARIAN).logits
    p = np.exp(weights_p - weights_p.max())
    p /= p.sum()
    heldout = learning.pack_choices([(tokens, ids, int(rng.choice(5, p=p))) for _ in range(40)])
    _, suggestion = propose_reweighting(
        sample_batch(rng, CONTRARIAN, 200),
        heldout,
        DEFAULT_WEIGHTS,
        week_start=WEEK,
        fit_from=FIT_FROM,
        titles=TITLES,
    )
    assert suggestion is not None
    assert suggestion.movers
    shifts = [abs(m.rank_after - m.rank_before) for m in suggestion.movers]
    assert shifts == sorted(shifts, reverse=True)
    assert shifts[-1] >= 0.5
    assert {m.task_id for m in suggestion.movers} <= set(ids)
    assert all(m.appearances == 40 for m in suggestion.movers)
    assert suggestion.movers[0].title == f"task {suggestion.movers[0].task_id}"


def test_a_fit_that_does_not_improve_the_held_out_week_is_not_suggested() -> None:
    # The earlier weeks pull one way, the reviewed week behaves like the current weights.
    summary, suggestion = propose(CONTRARIAN, DEFAULT_WEIGHTS)
    assert suggestion is None
    assert summary.after is not None
    assert summary.before is not None
    assert summary.after.mrr < summary.before.mrr + 0.02
    assert "MRR" in summary.verdict


def test_a_small_gain_below_the_margin_is_not_suggested() -> None:
    summary, suggestion = propose(CONTRARIAN, CONTRARIAN, policy=ReweightPolicy(min_mrr_gain=1.0))
    assert suggestion is None
    assert summary.after is not None


@pytest.mark.parametrize(("fit", "heldout", "word"), [(5, 60, "before"), (200, 3, "this week")])
def test_too_few_choices_make_no_suggestion(fit: int, heldout: int, word: str) -> None:
    summary, suggestion = propose(CONTRARIAN, CONTRARIAN, fit=fit, heldout=heldout)
    assert suggestion is None
    assert word in summary.verdict
    assert (summary.fit_choices, summary.heldout_choices) == (fit, heldout)

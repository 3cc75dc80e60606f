"""Rank what to do now: eligible tasks → tokens → attention layer → priorities.

`rank_tasks` is the one call the services make. It is pure: it reads the tasks
and the context, uses only what was recorded at or before ``ctx.at``, and
returns arrays ordered best first (ties broken by ascending id, so the order
does not depend on the order of the input).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from focusplan.attention.features import (
    FloatArray,
    IntArray,
    RankInput,
    TaskColumns,
    Tokens,
    build_column_tokens,
    build_tokens,
    eligible_tasks,
)
from focusplan.attention.layer import (
    LayerParams,
    attention_rows,
    forward,
    params_from_named,
    priorities,
)
from focusplan.domain import Task

__all__ = [
    "RankInput",
    "RankResult",
    "TaskColumns",
    "Tokens",
    "build_tokens",
    "eligible_tasks",
    "rank_columns",
    "rank_tasks",
    "rank_tokens",
]


@dataclass(frozen=True, slots=True, eq=False)
class RankResult:
    """A ranking at `at`; every per-task array is ordered best first like `ids`."""

    at: dt.datetime
    ids: IntArray
    scores: FloatArray  # p = softmax(logits/τ), sums to 1
    logits: FloatArray
    # Weight name → its amount in each logit (they add up to `logits`); explain only.
    contributions: dict[str, FloatArray] | None = None
    # Attention among the top k tasks (explain only, else empty): row i is how task
    # attention_ids[i] splits the share of its attention that falls on these k tasks
    # (rows sum to 1); `attention_mass[i]` is that share of its whole attention row.
    attention_ids: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    attention: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    attention_mass: FloatArray = field(default_factory=lambda: np.zeros(0))
    # Token features (rows best first, columns `FEATURE_NAMES`); explain only.
    features: FloatArray | None = None

    def __len__(self) -> int:
        return int(self.ids.size)


def rank_tasks(
    all_tasks: Sequence[Task],
    ctx: RankInput,
    weights: Mapping[str, float] | LayerParams,
    explain: bool = False,
    top_attention: int = 8,
) -> RankResult:
    """Rank the tasks eligible at ``ctx.at``; pass every task (any status).

    Done, dropped, blocked, not-yet-created and not-yet-startable tasks are not
    tokens: they neither rank nor take part in attention. (A blocked task still
    counts in its blocker's `unblocks` feature: that is what the feature measures.)
    Raises `ValueError` for invalid weights or duplicate task ids.
    """
    return rank_tokens(build_tokens(all_tasks, ctx), ctx, weights, explain, top_attention)


def rank_columns(
    columns: TaskColumns,
    ctx: RankInput,
    weights: Mapping[str, float] | LayerParams,
    explain: bool = False,
    top_attention: int = 8,
) -> RankResult:
    """`rank_tasks` on tasks held as columns (`build_column_tokens`): the same result
    for the same tasks, without a model per task."""
    return rank_tokens(build_column_tokens(columns, ctx), ctx, weights, explain, top_attention)


def rank_tokens(
    tokens: Tokens,
    ctx: RankInput,
    weights: Mapping[str, float] | LayerParams,
    explain: bool = False,
    top_attention: int = 8,
) -> RankResult:
    """`rank_tasks` on tokens the caller built (`features.tokens_of`): the same result
    for the same tokens."""
    if top_attention < 0:
        raise ValueError("top_attention must be >= 0")
    params = weights if isinstance(weights, LayerParams) else params_from_named(weights)
    out = forward(tokens.X, params, explain=explain)
    order = np.lexsort((tokens.ids, -out.logits))
    logits = out.logits[order]
    result_ids = tokens.ids[order]
    scores = priorities(logits, params.temperature)
    if not explain:
        return RankResult(at=ctx.at, ids=result_ids, scores=scores, logits=logits)
    assert out.contributions is not None
    contributions = {name: amount[order] for name, amount in out.contributions.items()}
    top = order[: min(top_attention, order.size)]
    rows = attention_rows(tokens.X, params, top)
    among = rows[:, top]
    mass = among.sum(axis=1)
    attention = among / np.where(mass > 0, mass, 1.0)[:, None]
    return RankResult(
        at=ctx.at,
        ids=result_ids,
        scores=scores,
        logits=logits,
        contributions=contributions,
        attention_ids=tokens.ids[top],
        attention=attention,
        attention_mass=mass,
        features=tokens.X[order],
    )

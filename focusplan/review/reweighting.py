"""Reweighting (`propose_reweighting`, judged honestly): the weights are fitted on
the choices of the `FIT_WEEKS` (4) weeks *before* the reviewed week, starting
from and regularised toward the active weights (`attention.learning`, prior
strength κ = 1 choice), and measured on the reviewed week's own choices, which
the fit never saw: MRR, hit@1, hit@3 before (active weights) and after. A
suggestion is made only with at least `MIN_FIT_CHOICES` (10) choices to fit,
`MIN_HELDOUT_CHOICES` (8) to judge, and a held-out MRR gain of at least
`MIN_MRR_GAIN` (0.02 absolute). Weights that moved less than `MATERIAL_CHANGE`
(0.05) stay as they were; the suggestion stores and lists only the others
(old, new), and the held-out figures are those of exactly that set.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from focusplan.review.models import LearningSummary, Metrics, Mover, Suggestion

if TYPE_CHECKING:
    from focusplan.attention.learning import ChoiceBatch

FIT_WEEKS = 4
MIN_FIT_CHOICES = 10
MIN_HELDOUT_CHOICES = 8
MIN_MRR_GAIN = 0.02
MATERIAL_CHANGE = 0.05  # a weight that moves less than this stays as it was
DECIMALS = 3
MOVERS = 5


@dataclass(frozen=True, slots=True)
class ReweightPolicy:
    """When a fit becomes a suggestion (see `propose_reweighting`)."""

    min_fit_choices: int = MIN_FIT_CHOICES
    min_heldout_choices: int = MIN_HELDOUT_CHOICES
    min_mrr_gain: float = MIN_MRR_GAIN
    material_change: float = MATERIAL_CHANGE
    prior_strength: float | None = None  # None: learning.DEFAULT_PRIOR_STRENGTH
    budget: int | None = None  # None: learning.DEFAULT_BUDGET
    names: tuple[str, ...] | None = None  # the weights to fit; None: learning.FIT_NAMES


def _metrics(quality: Any) -> Metrics:
    return Metrics(
        mrr=quality.mrr,
        hit_at_1=quality.hit_at_1,
        hit_at_3=quality.hit_at_3,
        choices=quality.choices,
    )


def propose_reweighting(
    fit: ChoiceBatch,
    heldout: ChoiceBatch,
    current: Mapping[str, float],
    *,
    week_start: dt.date,
    fit_from: dt.date,
    titles: Mapping[int, str],
    policy: ReweightPolicy = ReweightPolicy(),
) -> tuple[LearningSummary, Suggestion | None]:
    """Fit on earlier weeks, judge on the reviewed week, suggest only a real improvement.

    The weights are fitted on `fit` (the choices of the weeks before the reviewed
    one) starting from and regularised toward `current`. Weights that moved less
    than `material_change` are put back, the rest rounded; that exact set is then
    measured on `heldout` (the reviewed week's choices, never seen by the fit)
    against `current`. A suggestion is made only when there are enough choices on
    both sides and the held-out MRR gains at least `min_mrr_gain` (absolute).
    """
    from focusplan.attention import learning
    from focusplan.attention.weights import DEFAULT_WEIGHTS

    base = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in current.items()}}
    before = _metrics(learning.rank_quality(heldout, base)) if len(heldout) else None

    def summary(verdict: str, after: Metrics | None = None) -> LearningSummary:
        return LearningSummary(
            fit_from=fit_from,
            fit_choices=len(fit),
            heldout_choices=len(heldout),
            before=before,
            after=after,
            verdict=verdict,
        )

    if len(fit) < policy.min_fit_choices:
        return summary(
            f"only {len(fit)} choices in the weeks before (at least {policy.min_fit_choices} needed)"
        ), None
    if len(heldout) < policy.min_heldout_choices:
        return summary(
            f"only {len(heldout)} choices this week to judge a change on"
            f" (at least {policy.min_heldout_choices} needed)"
        ), None
    result = learning.fit_weights(
        fit,
        base,
        prior_strength=learning.DEFAULT_PRIOR_STRENGTH
        if policy.prior_strength is None
        else policy.prior_strength,
        budget=learning.DEFAULT_BUDGET if policy.budget is None else policy.budget,
        names=learning.FIT_NAMES if policy.names is None else policy.names,
    )
    proposed = dict(base)
    changes: dict[str, tuple[float, float]] = {}
    for name in learning.WEIGHT_NAMES:
        old, new = base[name], result.weights[name]
        if abs(new - old) >= policy.material_change:
            proposed[name] = round(new, DECIMALS)
            changes[name] = (old, proposed[name])
    if not changes:
        return summary("the fit leaves every weight where it is"), None
    after = _metrics(learning.rank_quality(heldout, proposed))
    assert before is not None
    gain = after.mrr - before.mrr
    if gain < policy.min_mrr_gain:
        return summary(
            f"the fitted weights change this week's MRR by {gain:+.3f}"
            f" (a suggestion needs +{policy.min_mrr_gain:.2f})",
            after,
        ), None
    reason = f"review of week {week_start.isoformat()}: MRR {before.mrr:.2f} → {after.mrr:.2f}"
    suggestion = Suggestion(
        changes=dict(sorted(changes.items(), key=lambda kv: -abs(kv[1][1] - kv[1][0]))),
        before=before,
        after=after,
        movers=_movers(heldout, base, proposed, titles),
        params=proposed,
        reason=reason,
    )
    return summary(f"held-out MRR {gain:+.3f}: suggested", after), suggestion


def _movers(
    heldout: ChoiceBatch,
    before: Mapping[str, float],
    after: Mapping[str, float],
    titles: Mapping[int, str],
) -> tuple[Mover, ...]:
    from focusplan.attention import learning

    ranks_before = learning.choice_ranks(heldout, before)
    ranks_after = learning.choice_ranks(heldout, after)
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in range(len(heldout)):
        for k in range(int(heldout.mask[c].sum())):
            entry = totals[int(heldout.ids[c, k])]
            entry[0] += float(ranks_before[c, k])
            entry[1] += float(ranks_after[c, k])
            entry[2] += 1
    movers = [
        Mover(
            task_id=task_id,
            title=titles.get(task_id, f"task {task_id}"),
            rank_before=round(total_before / count, 2),
            rank_after=round(total_after / count, 2),
            appearances=int(count),
        )
        for task_id, (total_before, total_after, count) in totals.items()
        if abs(total_after - total_before) / count >= 0.5
    ]
    movers.sort(key=lambda m: (-abs(m.rank_after - m.rank_before), m.task_id))
    return tuple(movers[:MOVERS])

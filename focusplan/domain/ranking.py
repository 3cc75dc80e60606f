"""The attention ranking and the weights it is made with."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import AwareDatetime

from focusplan.domain import DomainModel, EnergySource


class WeightsVersion(DomainModel):
    """A named, versioned set of model parameters. Version 1 is the defaults."""

    version: int
    params: Mapping[str, float]
    created_at: AwareDatetime
    reason: str = ""
    active: bool = False


class Reason(DomainModel):
    """One plain-word reason a task ranks where it does, and its amount in the logit.

    `amount` is relative to the average eligible task (what every task shares cancels
    in the softmax); `weights` are the weight names whose contributions it sums.
    """

    text: str
    amount: float
    weights: tuple[str, ...]


class RankedTask(DomainModel):
    id: int
    title: str
    rank: int
    score: float
    logit: float
    contributions: Mapping[str, float] | None = None
    # Reasons in plain words, largest |amount| first (explain only; at most a few).
    why: tuple[Reason, ...] = ()

    def reasons(
        self, baseline: Mapping[str, float] | None, count: int = 3
    ) -> list[tuple[str, float]]:
        """The named terms that set this task apart from the average one, largest first."""
        if not self.contributions:
            return []
        base = baseline or {}
        relative = [
            (name, value - base.get(name, 0.0)) for name, value in self.contributions.items()
        ]
        relative.sort(key=lambda item: -abs(item[1]))
        return [item for item in relative[:count] if abs(item[1]) > 1e-9]


class EnergyEstimate(DomainModel):
    level: float
    source: EnergySource
    logged_at: AwareDatetime | None = None


class Ranking(DomainModel):
    at: AwareDatetime
    energy: EnergyEstimate
    items: tuple[RankedTask, ...]
    # Mean contribution over every eligible task: the softmax ignores what all tasks
    # share, so a task's reasons are its contributions above this baseline.
    baseline: Mapping[str, float] | None = None
    # Attention between the top tasks (row i attends to column j), for the why-panel.
    attention_ids: tuple[int, ...] = ()
    attention: tuple[tuple[float, ...], ...] = ()
    # How many tasks were eligible, shown or not (`rank --limit 3` says "3 of 21").
    eligible: int | None = None

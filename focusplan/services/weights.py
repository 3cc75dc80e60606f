"""The model's weights: the active version, its history, rollback, and taking a suggestion.

Accepting and rejecting a reweighting suggestion are checked against the
version the suggestion was measured on: if another process changed the weights
in between, the person is told instead of a stale fit being stored.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from focusplan.domain import WeightsVersion
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep

if TYPE_CHECKING:
    from focusplan.review import Suggestion
    from focusplan.store import UnitOfWork


def active_weights(source: DataSource) -> WeightsVersion:
    """The active version with every weight the ranking uses: a version stored before a
    weight existed ranks with that weight's default, so it is shown with it too."""
    from focusplan.attention.weights import DEFAULT_WEIGHTS

    with source.read_only() as uow:
        active = uow.weights.active()
    return active.model_copy(update={"params": {**DEFAULT_WEIGHTS, **active.params}})


def weights_history(source: DataSource) -> list[WeightsVersion]:
    with source.read_only() as uow:
        return uow.weights.history()


def rollback_weights(source: DataSource, version: int) -> tuple[WeightsVersion, UndoStep]:
    """Make another version active again; undo goes back to the one active before."""
    with source.unit_of_work() as uow:
        before = uow.weights.active()
        active = uow.weights.activate(version)
    return active, UndoStep(
        description=f"roll back to weights v{active.version}",
        activate_weights=before.version,
        expect_weights=active.version,
    )


def accept_suggestion(
    source: DataSource, suggestion: Suggestion, *, based_on: int, at: dt.datetime
) -> tuple[WeightsVersion, UndoStep]:
    """Store exactly the suggestion shown as the new active version."""
    with source.unit_of_work() as uow:
        stored = accept_in(uow, suggestion, based_on=based_on, at=at)
    return stored, UndoStep(
        description=f"accept weights v{stored.version}",
        activate_weights=based_on,
        expect_weights=stored.version,
    )


def accept_in(
    uow: UnitOfWork, suggestion: Suggestion, *, based_on: int, at: dt.datetime
) -> WeightsVersion:
    """Accept inside an open unit of work (`review --apply` reviews and accepts in one)."""
    _check_based_on(uow, based_on)
    return uow.weights.add(suggestion.params, suggestion.reason, at)


def reject_suggestion(source: DataSource, suggestion: Suggestion, *, based_on: int) -> None:
    """Decline a suggestion: the weights stay exactly as they are; nothing is written.

    Checked like acceptance, so a person never declines a suggestion measured
    against weights that another process has replaced meanwhile: they review
    again and decide on the suggestion for the weights that now rule.
    """
    with source.read_only() as uow:
        _check_based_on(uow, based_on)


def _check_based_on(uow: UnitOfWork, based_on: int) -> None:
    active = uow.weights.active()
    if active.version != based_on:
        raise InvalidInput(
            f"the weights changed since this review (now version {active.version});"
            " review again to see a suggestion for them"
        )

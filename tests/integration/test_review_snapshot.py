"""The review's stdlib read returns what its repository reads return, bounds included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from focusplan.domain import (
    Choice,
    ContextEventDraft,
    DayContext,
    DayPlan,
    EnergyLogDraft,
    NewTask,
    PlanBlock,
)
from focusplan.services import reviewing
from focusplan.services.reviewing import review_week
from focusplan.services.source import DataSource
from focusplan.store import Database
from focusplan.store.review_snapshot import ReviewRead, ReviewWindow, read_review_inputs
from tests.integration.conftest import T0
from tests.integration.test_review_cli import REVIEWED, _build_contrarian

HOUR = dt.timedelta(hours=1)
# The window's bounds sit on rows' times, so each read's < and <= are both tried.
LO, HI = T0, T0 + 10 * HOUR


def _window() -> ReviewWindow:
    return ReviewWindow(
        sessions=(LO, HI),
        choices=(LO, HI),
        energy_until=HI,
        events=(LO, HI),
        days=(T0.date(), T0.date() + dt.timedelta(days=1), T0.date() + dt.timedelta(days=2)),
    )


def _fill(db: Database) -> None:
    with db.unit_of_work() as uow:
        a = uow.tasks.add(NewTask(title="a", project="p", tags=("x",), created_at=T0 - HOUR))
        b = uow.tasks.add(NewTask(title="b", created_at=T0 - HOUR, depends_on=(a.id,)))
        c = uow.tasks.add(NewTask(title="c", created_at=T0 - HOUR))
        uow.tasks.complete(c.id, T0 + HOUR, 20)
        # Sessions: ended exactly at the window's start (out), inside, across its end.
        uow.sessions.start(a.id, T0 - 2 * HOUR)
        uow.sessions.stop(LO)
        uow.sessions.start(b.id, T0 + HOUR)
        uow.sessions.stop(T0 + 2 * HOUR)
        uow.sessions.start(a.id, HI - HOUR)
        uow.sessions.stop(HI + HOUR)
        uow.sessions.start(b.id, HI)  # starts at the end: out; still running
        for at in (LO - HOUR, LO, T0 + HOUR, HI):
            uow.choices.add(Choice(at=at, task_id=a.id, candidates=(a.id, b.id), kind="focus"))
            uow.energy.add(EnergyLogDraft(at=at, level=3))
            uow.events.upsert(ContextEventDraft(start=at - HOUR, end=at, uid=f"e{at.isoformat()}"))
        uow.energy.add(EnergyLogDraft(at=HI + HOUR, level=2))
        uow.events.upsert(ContextEventDraft(start=LO, end=LO, uid="instant"))
        uow.days.put(DayContext(date=T0.date(), sleep_hours=7.5))
        uow.days.put(DayContext(date=T0.date() - dt.timedelta(days=9), sleep_hours=6.0))
        uow.plans.save(
            DayPlan(
                date=T0.date() + dt.timedelta(days=1),
                blocks=(
                    PlanBlock(start=T0 + 24 * HOUR, end=T0 + 25 * HOUR, kind="focus", task_id=a.id),
                ),
                notes=("n",),
                created_at=T0,
            )
        )
        uow.weights.add({"temperature": 0.5}, "tuned", T0)


def test_the_review_read_equals_the_repositories(db: Database) -> None:
    _fill(db)
    window = _window()
    assert db.path is not None
    fast = read_review_inputs(db.path, window)
    with db.unit_of_work() as uow:
        full = ReviewRead(
            tasks=uow.tasks.list(),
            sessions=uow.sessions.between(*window.sessions),
            choices=uow.choices.between(*window.choices),
            energy=uow.energy.list(until=window.energy_until),
            events=uow.events.between(*window.events),
            sleep=uow.days.sleep_hours(),
            plans=[plan for day in window.days if (plan := uow.plans.get(day)) is not None],
            weights=uow.weights.active(),
        )
    assert fast == full
    # The fixture reaches every bound: each read keeps some rows and leaves some out.
    assert len(fast.sessions) == 2 and len(fast.choices) == 2 and len(fast.plans) == 1
    assert len(fast.energy) == 4 and len(fast.events) == 3


def test_a_write_is_seen_by_the_next_read(db: Database) -> None:
    _fill(db)
    assert db.path is not None
    before = read_review_inputs(db.path, _window())
    with db.unit_of_work() as uow:
        uow.energy.add(EnergyLogDraft(at=T0 + 3 * HOUR, level=5))
    after = read_review_inputs(db.path, _window())
    assert len(after.energy) == len(before.energy) + 1


def test_a_review_reads_the_same_through_either_path(
    tmp_path: Path, frozen_now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "contrarian.sqlite3"
    _build_contrarian(path)
    day = dt.date.fromisoformat(REVIEWED)
    quick = review_week(DataSource(str(path)), day, now=frozen_now)
    monkeypatch.setattr(reviewing, "_fast_read", lambda source, window: None)
    full = review_week(DataSource(str(path)), day, now=frozen_now)
    assert quick.suggestion is not None  # the comparison covers the learning too
    assert quick == full

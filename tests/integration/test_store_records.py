"""Energy, events, days, focus sessions, weights, choices and plans against a real file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

import pytest

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import (
    Choice,
    ContextEventDraft,
    DayContext,
    DayPlan,
    EnergyLogDraft,
    NewTask,
    PlanBlock,
)
from focusplan.store import Database, NotFound, StoreError
from tests.integration.conftest import T0

# Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def task_id(db: Database, make_task: Callable[..., NewTask]) -> int:
    with db.unit_of_work() as uow:
        return uow.tasks.add(make_task()).id


# energy


def test_energy_logs_round_trip_in_time_order(db: Database) -> None:
    with db.unit_of_work() as uow:
        late = uow.energy.add(EnergyLogDraft(at=T0 + HOUR, level=2, note="dip", source="import"))
        early = uow.energy.add(EnergyLogDraft(at=T0, level=5))
    with db.unit_of_work() as uow:
        assert uow.energy.list() == [early, late]
    assert (late.note, late.source) == ("dip", "import")


def test_energy_list_bounds_are_inclusive(db: Database) -> None:
    with db.unit_of_work() as uow:
        logs = [uow.energy.add(EnergyLogDraft(at=T0 + k * HOUR, level=3)) for k in range(4)]
        assert uow.energy.list(since=T0 + HOUR, until=T0 + 2 * HOUR) == logs[1:3]
        assert uow.energy.list(until=T0) == logs[:1]


@pytest.mark.sqlite_only("it talks to the file with sqlite3")
def test_an_energy_level_outside_1_to_5_is_refused_by_the_database(
    db: Database, db_path: object
) -> None:
    assert db.path is not None
    connection = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        connection.execute(
            "INSERT INTO energy_logs (at, level) VALUES ('2026-11-20T09:00:00.000000+00:00', 6)"
        )
    connection.close()


def test_energy_delete(db: Database) -> None:
    with db.unit_of_work() as uow:
        log = uow.energy.add(EnergyLogDraft(at=T0, level=3))
        uow.energy.delete(log.id)
        assert uow.energy.list() == []
        with pytest.raises(NotFound, match=f"no energy log {log.id}"):
            uow.energy.delete(log.id)


# events


def test_events_with_a_uid_are_replaced_on_upsert(db: Database) -> None:
    draft = ContextEventDraft(start=T0, end=T0 + HOUR, title="Stand-up", uid="abc@x", source="ics")
    with db.unit_of_work() as uow:
        first = uow.events.upsert(draft)
        moved = uow.events.upsert(
            draft.model_copy(update={"start": T0 + HOUR, "end": T0 + 2 * HOUR})
        )
        assert moved.id == first.id
        assert uow.events.between(T0 - HOUR, T0 + 5 * HOUR) == [moved]


def test_events_without_a_uid_are_always_inserted(db: Database) -> None:
    draft = ContextEventDraft(start=T0, end=T0 + HOUR, title="Lunch")
    with db.unit_of_work() as uow:
        uow.events.upsert(draft)
        uow.events.upsert(draft)
        assert len(uow.events.between(T0, T0 + HOUR)) == 2


def test_events_between_returns_the_overlapping_ones_by_start(db: Database) -> None:
    with db.unit_of_work() as uow:
        before = uow.events.upsert(ContextEventDraft(start=T0 - 2 * HOUR, end=T0 - HOUR))
        touching = uow.events.upsert(ContextEventDraft(start=T0 - HOUR, end=T0))
        across = uow.events.upsert(ContextEventDraft(start=T0 - HOUR, end=T0 + HOUR))
        inside = uow.events.upsert(ContextEventDraft(start=T0 + HOUR, end=T0 + HOUR, all_day=True))
        after = uow.events.upsert(ContextEventDraft(start=T0 + 2 * HOUR, end=T0 + 3 * HOUR))
        found = uow.events.between(T0, T0 + 2 * HOUR)
    assert found == [across, inside]
    assert {before.id, touching.id, after.id}.isdisjoint(event.id for event in found)
    assert inside.all_day is True


# days


def test_day_context_is_put_and_replaced(db: Database) -> None:
    day = dt.date(2026, 11, 20)
    with db.unit_of_work() as uow:
        assert uow.days.get(day) is None
        uow.days.put(DayContext(date=day, sleep_hours=6.5, notes="late night"))
        uow.days.put(DayContext(date=day, sleep_hours=7.25))
    with db.unit_of_work() as uow:
        assert uow.days.get(day) == DayContext(date=day, sleep_hours=7.25, notes="")


# focus sessions


def test_a_focus_session_starts_and_stops(db: Database, task_id: int) -> None:
    with db.unit_of_work() as uow:
        started = uow.sessions.start(task_id, T0)
        assert uow.sessions.active() == started
    with db.unit_of_work() as uow:
        stopped = uow.sessions.stop(T0 + HOUR, interrupted=True)
        assert uow.sessions.active() is None
        assert uow.sessions.stop(T0 + 2 * HOUR) is None
    assert stopped is not None
    assert (stopped.id, stopped.start, stopped.end, stopped.interrupted) == (
        started.id,
        T0,
        T0 + HOUR,
        True,
    )


def test_only_one_focus_session_can_be_active(db: Database, task_id: int) -> None:
    with db.unit_of_work() as uow:
        uow.sessions.start(task_id, T0)
    with db.unit_of_work() as uow, pytest.raises(StoreError, match="already active"):
        uow.sessions.start(task_id, T0 + HOUR)


@pytest.mark.sqlite_only("it talks to the file with sqlite3")
def test_the_database_itself_refuses_a_second_active_session(db: Database, task_id: int) -> None:
    assert db.path is not None
    connection = sqlite3.connect(db.path)
    insert = "INSERT INTO focus_sessions (task_id, start_at) VALUES (?, ?)"
    connection.execute(insert, (task_id, "2026-11-20T09:00:00.000000+00:00"))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        connection.execute(insert, (task_id, "2026-11-20T10:00:00.000000+00:00"))
    connection.close()


def test_a_session_for_a_missing_task_is_not_found(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(NotFound, match="no task 7"):
        uow.sessions.start(7, T0)


def test_a_session_cannot_end_before_it_starts(db: Database, task_id: int) -> None:
    with db.unit_of_work() as uow:
        uow.sessions.start(task_id, T0)
        with pytest.raises(ValueError, match="before it starts"):
            uow.sessions.stop(T0 - HOUR)


def test_sessions_between_includes_the_active_one_and_delete_removes(
    db: Database, task_id: int
) -> None:
    with db.unit_of_work() as uow:
        old = uow.sessions.start(task_id, T0 - 5 * HOUR)
        uow.sessions.stop(T0 - 4 * HOUR)
        running = uow.sessions.start(task_id, T0)
        assert uow.sessions.between(T0 + HOUR, T0 + 2 * HOUR) == [running]
        assert [s.id for s in uow.sessions.between(T0 - 6 * HOUR, T0 + HOUR)] == [
            old.id,
            running.id,
        ]
        uow.sessions.delete(running.id)
        assert uow.sessions.active() is None
        with pytest.raises(NotFound):
            uow.sessions.delete(running.id)


# weights


def test_weights_version_1_is_the_defaults_seeded_by_the_migration(db: Database) -> None:
    with db.unit_of_work() as uow:
        active = uow.weights.active()
        assert uow.weights.history() == [active]
    assert (active.version, active.reason, active.active) == (1, "defaults", True)
    assert dict(active.params) == DEFAULT_WEIGHTS


def test_a_new_weights_version_becomes_the_only_active_one(db: Database) -> None:
    params = {**DEFAULT_WEIGHTS, "temperature": 0.8}
    with db.unit_of_work() as uow:
        added = uow.weights.add(params, "accepted suggestion", T0)
    with db.unit_of_work() as uow:
        assert uow.weights.active() == added
        assert [(w.version, w.active) for w in uow.weights.history()] == [(1, False), (2, True)]
    assert (added.version, dict(added.params), added.created_at) == (2, params, T0)


def test_activating_an_earlier_version_rolls_back(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.weights.add({"temperature": 2.0}, "try", T0)
        back = uow.weights.activate(1)
    with db.unit_of_work() as uow:
        assert uow.weights.active() == back
        assert back.version == 1
        with pytest.raises(NotFound, match="no weights version 9"):
            uow.weights.activate(9)


def test_weights_must_be_finite(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="finite"):
        uow.weights.add({"temperature": float("nan")}, "bad", T0)


# choices


def test_choices_round_trip_in_a_half_open_range_and_delete_by_task_and_time(
    db: Database, task_id: int
) -> None:
    first = Choice(at=T0, task_id=task_id, candidates=(task_id, 99), kind="completion")
    second = Choice(at=T0 + HOUR, task_id=task_id, candidates=(task_id,), kind="focus")
    with db.unit_of_work() as uow:
        uow.choices.add(first)
        uow.choices.add(second)
    with db.unit_of_work() as uow:
        assert uow.choices.between(T0, T0 + HOUR) == [first]
        assert uow.choices.between(T0, T0 + 2 * HOUR) == [first, second]
        assert uow.choices.delete(task_id, T0.astimezone(dt.UTC)) == 1
        assert uow.choices.between(T0, T0 + 2 * HOUR) == [second]


# plans


def plan_for(day: dt.date, task_id: int) -> DayPlan:
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    return DayPlan(
        date=day,
        created_at=start - HOUR,
        notes=("more work than hours",),
        blocks=(
            PlanBlock(start=start, end=start + HOUR, kind="focus", task_id=task_id, energy=4.0),
            PlanBlock(start=start + HOUR, end=start + 2 * HOUR, kind="break", reason="rest"),
        ),
    )


def test_a_plan_round_trips(db: Database, task_id: int) -> None:
    plan = plan_for(dt.date(2026, 11, 20), task_id)
    with db.unit_of_work() as uow:
        saved = uow.plans.save(plan)
    with db.unit_of_work() as uow:
        assert uow.plans.get(plan.date) == saved == plan
        assert uow.plans.get(dt.date(2026, 11, 21)) is None


def test_saving_a_plan_replaces_that_dates_plan(db: Database, task_id: int) -> None:
    day = dt.date(2026, 11, 20)
    replacement = plan_for(day, task_id).model_copy(update={"notes": (), "blocks": ()})
    with db.unit_of_work() as uow:
        uow.plans.get(day)
        uow.plans.save(plan_for(day, task_id))
        uow.plans.save(replacement)
    with db.unit_of_work() as uow:
        assert uow.plans.get(day) == replacement


def test_a_plan_without_a_creation_time_gets_now(
    db: Database, task_id: int, frozen_now: dt.datetime
) -> None:
    plan = plan_for(dt.date(2026, 11, 20), task_id).model_copy(update={"created_at": None})
    with db.unit_of_work() as uow:
        assert uow.plans.save(plan).created_at == frozen_now


# the ends of the calendar


def test_a_time_whose_utc_instant_is_past_year_9999_is_refused_as_bad_input(db: Database) -> None:
    late = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(-dt.timedelta(hours=14)))
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="out of range"):
        uow.energy.add(EnergyLogDraft(at=late, level=3))


def test_query_bounds_past_the_calendar_are_clamped(db: Database) -> None:
    earliest = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    latest = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(-dt.timedelta(hours=14)))
    with db.unit_of_work() as uow:
        log = uow.energy.add(EnergyLogDraft(at=T0, level=3))
        assert uow.energy.list(since=earliest, until=latest) == [log]
        assert uow.events.between(earliest, latest) == []


def test_a_stored_time_the_local_zone_cannot_show_comes_back_in_utc(db: Database) -> None:
    last = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)  # 10000-01-01 in Paris
    with db.unit_of_work() as uow:
        uow.energy.add(EnergyLogDraft(at=last, level=3))
    with db.unit_of_work() as uow:
        (log,) = uow.energy.list()
    assert log.at == last

"""The column read of `rank` ranks exactly as the models do, on a varied database.

`rank_at` reads the tasks as columns (`store.column_snapshot`) and builds models only
for what it shows; `rank_snapshot` on `DataSource.snapshot` is the model path. They
must agree to the last bit, at any moment: across DST changes, for tasks done, dropped,
blocked, not yet startable or not yet created, with today's continuity and sessions.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focusplan.domain import ContextEventDraft, EnergyLogDraft, NewTask, Ranking
from focusplan.services.ranking import context_window, rank_at, rank_snapshot
from focusplan.services.source import DataSource
from focusplan.store import open_database
from focusplan.store.column_snapshot import read_rank_snapshot

PARIS = ZoneInfo("Europe/Paris")  # tests/conftest.py pins the person's zone to it
# The tasks' times straddle both of 2026's DST changes (29 March, 25 October).
FIRST = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
SPAN_HOURS = 24 * 280
PROJECTS = (None, "work", "Work", "home", "thesis", "health")
TAGS = ("deep", "Deep", "phone", "email", "quick", "admin", "focus")


def _moment(rng: random.Random) -> dt.datetime:
    return FIRST + dt.timedelta(hours=rng.uniform(0, SPAN_HOURS))


def _fill(path: Path, seed: int, count: int) -> None:
    rng = random.Random(seed)
    database = open_database(str(path))
    try:
        with database.unit_of_work() as uow:
            ids: list[int] = []
            for number in range(count):
                created = _moment(rng)
                earlier = [i for i in ids if rng.random() < 0.02]
                task = uow.tasks.add(
                    NewTask(
                        title=f"task {number}",
                        importance=rng.randint(1, 5),
                        demand=rng.choice(("low", "medium", "high")),
                        estimate_minutes=rng.choice((5, 15, 30, 60, 90, 240, 1440)),
                        due=created + dt.timedelta(hours=rng.uniform(-48, 24 * 30))
                        if rng.random() < 0.5
                        else None,
                        not_before=created + dt.timedelta(hours=rng.uniform(0, 24 * 10))
                        if rng.random() < 0.15
                        else None,
                        project=rng.choice(PROJECTS),
                        tags=tuple(rng.sample(TAGS, rng.choice((0, 0, 1, 2, 3)))),
                        window=rng.choice((None, None, "morning", "afternoon", "evening")),
                        depends_on=tuple(earlier[:3]),
                        created_at=created,
                    )
                )
                ids.append(task.id)
                ending = rng.random()
                if ending < 0.3:
                    uow.tasks.complete(task.id, created + dt.timedelta(hours=rng.uniform(0, 900)))
                elif ending < 0.4:
                    uow.tasks.drop(task.id, created + dt.timedelta(hours=rng.uniform(0, 900)))
            for _ in range(count // 5):
                uow.energy.add(EnergyLogDraft(at=_moment(rng), level=rng.randint(1, 5)))
            for number in range(count // 5):
                start = _moment(rng)
                uow.events.upsert(
                    ContextEventDraft(
                        start=start,
                        end=start + dt.timedelta(minutes=rng.choice((30, 60, 90))),
                        uid=f"event-{number}",
                        all_day=rng.random() < 0.1,
                    )
                )
            start = FIRST
            for _ in range(count // 5):
                start += dt.timedelta(hours=rng.uniform(1, 2 * SPAN_HOURS / count * 5))
                uow.sessions.start(rng.choice(ids), start)
                uow.sessions.stop(start + dt.timedelta(minutes=rng.uniform(5, 90)))
            uow.sessions.start(rng.choice(ids), FIRST + dt.timedelta(hours=SPAN_HOURS / 2))
    finally:
        database.close()


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("columns") / "varied.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOCUSPLAN_TZ", "Europe/Paris")
        _fill(path, seed=13, count=400)
    return path


def _both(path: Path, at: dt.datetime, **options: object) -> tuple[Ranking, Ranking]:
    source = DataSource(str(path))
    columns = rank_at(source, at, **options)  # type: ignore[arg-type]
    models = rank_snapshot(source.snapshot(*context_window(at)), at, **options)  # type: ignore[arg-type]
    return columns, models


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hours=st.floats(24 * 7, SPAN_HOURS),
    zone=st.sampled_from((PARIS, dt.UTC)),
    energy=st.one_of(st.none(), st.floats(1, 5)),
    explain=st.booleans(),
    limit=st.one_of(st.none(), st.integers(1, 30)),
)
def test_the_column_path_ranks_as_the_models_do(
    varied: Path,
    hours: float,
    zone: dt.tzinfo,
    energy: float | None,
    explain: bool,
    limit: int | None,
) -> None:
    at = (FIRST + dt.timedelta(hours=hours)).astimezone(zone)
    columns, models = _both(varied, at, energy_override=energy, explain=explain, limit=limit)
    assert columns == models
    assert columns.items  # the moment has tasks to rank: the comparison says something


@pytest.mark.parametrize(
    "at",
    [
        # Either side of the spring change and inside the autumn's repeated hour.
        dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    ],
)
def test_the_column_path_agrees_at_the_dst_changes(varied: Path, at: dt.datetime) -> None:
    for reading in (at, at.astimezone(PARIS)):
        columns, models = _both(varied, reading, explain=True, limit=None)
        assert columns == models


def test_the_column_read_leaves_out_the_tasks_closed_before_the_day(varied: Path) -> None:
    at = dt.datetime(2026, 9, 1, 10, tzinfo=PARIS)
    read = read_rank_snapshot(varied, PARIS, at, context_window(at), lambda r: r.columns)
    assert read is not None
    with sqlite3.connect(varied) as connection:
        closed_long_ago = {
            row[0]
            for row in connection.execute(
                "SELECT id FROM tasks WHERE coalesce(completed_at, dropped_at) < ?",
                ("2026-08-20",),
            )
        }
        open_now = {
            row[0]
            for row in connection.execute(
                "SELECT id FROM tasks WHERE completed_at IS NULL AND dropped_at IS NULL"
            )
        }
    kept = set(read.ids.tolist())
    assert closed_long_ago and not kept & closed_long_ago
    assert open_now <= kept


def test_hand_edited_times_rank_as_the_models_read_them(tmp_path: Path) -> None:
    path = tmp_path / "edited.sqlite3"
    _fill(path, seed=5, count=120)
    with sqlite3.connect(path) as connection:
        # No offset (read as UTC), another offset, a space for the T: not the store's form,
        # so text order is not time order, and a row closed "long ago" by its text may not be.
        connection.execute("UPDATE tasks SET created_at = '2026-04-01 08:00:00' WHERE id = 3")
        connection.execute(
            "UPDATE tasks SET status = 'done', completed_at = '2026-06-10T12:00:00+09:00',"
            " dropped_at = NULL WHERE id = 4"
        )
        connection.execute("UPDATE tasks SET due = '2026-06-11T09:00:00' WHERE id = 5")
    at = dt.datetime(2026, 6, 10, 4, 30, tzinfo=PARIS)  # 02:30 UTC: task 4 is still open
    read = read_rank_snapshot(path, PARIS, at, context_window(at), lambda r: r.columns)
    assert read is not None and 4 in read.ids.tolist()
    columns, models = _both(path, at, explain=True, limit=None)
    assert columns == models


def test_a_time_at_the_end_of_the_calendar_falls_back_to_the_models(tmp_path: Path) -> None:
    path = tmp_path / "far.sqlite3"
    _fill(path, seed=7, count=40)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tasks SET due = '9999-12-31T23:00:00.000000+00:00' WHERE id = 2")
    at = dt.datetime(2026, 6, 1, 12, tzinfo=PARIS)
    assert read_rank_snapshot(path, PARIS, at, context_window(at), lambda r: r) is None
    # Not explained: the reasons cannot yet word a due date the zone cannot hold.
    columns, models = _both(path, at, explain=False, limit=None)
    assert columns == models


def test_the_repeated_autumn_hour_is_read_as_the_models_read_it(tmp_path: Path) -> None:
    """Aware times of one zone compare by their wall clocks: done at 02:40 (summer time)
    is after 02:10 (winter time, 30 minutes later), so at that 02:10 the task is open."""
    path = tmp_path / "autumn.sqlite3"
    database = open_database(str(path))
    try:
        with database.unit_of_work() as uow:
            task = uow.tasks.add(NewTask(title="late", created_at=FIRST))
            uow.tasks.complete(task.id, dt.datetime(2026, 10, 25, 0, 40, tzinfo=dt.UTC))
    finally:
        database.close()
    at = dt.datetime(2026, 10, 25, 1, 10, tzinfo=dt.UTC)
    shown = []
    for reading in (at, at.astimezone(PARIS)):
        columns, models = _both(path, reading, explain=True, limit=None)
        assert columns == models
        shown.append([item.id for item in columns.items])
    assert shown == [[], [task.id]]

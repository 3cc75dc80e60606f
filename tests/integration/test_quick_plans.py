"""Plans stored without SQLAlchemy (store/quick_plans.py) are the plans the full store keeps.

On an SQLite file at the head revision, `plan` stores its plan through the stdlib driver.
These tests pin that both paths write the same rows and each reads the other's plans as
its own, that a plan replaced by either leaves nothing behind, that a write landing
between the unlocked read and the write lock is seen, and that a first `plan` really
skips SQLAlchemy (and still goes through the full store where that one is needed).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from focusplan.domain import DayPlan, NewTask, PlanBlock
from focusplan.services.planning import plan_day_for
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task
from focusplan.store import open_database
from focusplan.store.quick_plans import PlanUnitOfWork, open_plan_unit_of_work
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import T0, WRITER_ZONE, migrate_to
from tests.unit.test_layering import modules_loaded_by, roots

DAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int = 0) -> dt.datetime:
    # Another zone than the person's: both paths convert to UTC and back alike.
    return dt.datetime(2026, 11, 23, hour, minute, tzinfo=WRITER_ZONE)


def sample_plan(day: dt.date = DAY, title: str = "write the report") -> DayPlan:
    return DayPlan(
        date=day,
        created_at=T0,
        notes=("a note · with “quotes” and ünïcode", "second"),
        inputs="f" * 64,
        blocks=(
            PlanBlock(
                start=at(3),
                end=at(4, 30),
                kind="focus",
                task_id=7,
                title=title,
                energy=3.25,
                reason="the best-ranked task that fits here",
            ),
            PlanBlock(start=at(4, 30), end=at(4, 40), kind="break", title="Break"),
            PlanBlock(start=at(5), end=at(6), kind="event", title="Standup", energy=None),
        ),
    )


def fresh(path: Path) -> Path:
    open_database(path).close()
    return path


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("plans", "plan_blocks")
        }
    finally:
        connection.close()


def save_full(path: Path, plan: DayPlan) -> DayPlan:
    database = open_database(path)
    try:
        with database.unit_of_work() as uow:
            return uow.plans.save(plan)
    finally:
        database.close()


def get_full(path: Path, day: dt.date) -> DayPlan | None:
    database = open_database(path)
    try:
        with database.unit_of_work(read_only=True) as uow:
            return uow.plans.get(day)
    finally:
        database.close()


def save_quick(path: Path, plan: DayPlan) -> DayPlan:
    quick = open_plan_unit_of_work(path)
    assert quick is not None
    with quick as uow:
        return uow.plans.save(plan)


def get_quick(path: Path, day: dt.date) -> DayPlan | None:
    quick = open_plan_unit_of_work(path)
    assert quick is not None
    with quick as uow:
        return uow.plans.get(day)


def test_both_paths_write_the_same_rows(tmp_path: Path) -> None:
    full, quick = fresh(tmp_path / "full.sqlite3"), fresh(tmp_path / "quick.sqlite3")
    for path, save in ((full, save_full), (quick, save_quick)):
        save(path, sample_plan())
        save(path, sample_plan(DAY + dt.timedelta(days=1)))
        save(path, sample_plan(title="replaced"))  # replaces the first: its blocks go too
        save(path, sample_plan(DAY + dt.timedelta(days=2)).model_copy(update={"blocks": ()}))
    assert rows(quick) == rows(full)
    assert len(rows(full)["plan_blocks"]) == 6


@pytest.mark.parametrize(
    ("save", "get"), [(save_quick, get_full), (save_full, get_quick)], ids=["quick", "full"]
)
def test_each_path_reads_the_others_plans_as_its_own(save, get, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = fresh(tmp_path / "db.sqlite3")
    plan = sample_plan().model_copy(update={"inputs": None})
    written = save(path, plan)
    assert get(path, DAY) == written
    assert get_full(path, DAY) == get_quick(path, DAY)
    assert written.blocks[0].start == plan.blocks[0].start  # the same instants
    assert written.created_at is not None and written.created_at.tzinfo is not WRITER_ZONE
    assert get(path, DAY + dt.timedelta(days=1)) is None


def test_an_unstorable_time_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = fresh(tmp_path / "db.sqlite3")
    save_quick(path, sample_plan())
    before = rows(path)
    edge = dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    broken = sample_plan(title="never stored").model_copy(update={"created_at": edge})
    with pytest.raises(ValueError, match="out of range"):
        save_quick(path, broken)
    assert rows(path) == before


def test_the_stored_plan_is_served_as_the_full_store_made_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_now: dt.datetime
) -> None:
    """A plan stored by the full store is current for the quick path, and back."""
    path = fresh(tmp_path / "db.sqlite3")
    source = DataSource(str(path))
    add_task(source, NewTask(title="one", created_at=T0))
    source.database  # noqa: B018 - the full store is open: plans go through SQLAlchemy
    first = plan_day_for(source, frozen_now.date(), now=frozen_now)
    quick_source = DataSource(str(path))
    stored = rows(path)
    assert plan_day_for(quick_source, frozen_now.date(), now=frozen_now) == first
    assert rows(path) == stored  # served, not planned again
    again = plan_day_for(quick_source, frozen_now.date(), now=frozen_now, replan=True)
    assert again.inputs == first.inputs
    assert plan_day_for(DataSource(str(path)), frozen_now.date(), now=frozen_now) == again


def test_a_write_between_the_read_and_the_lock_is_planned_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_now: dt.datetime
) -> None:
    path = fresh(tmp_path / "db.sqlite3")
    add_task(DataSource(str(path)), NewTask(title="one", created_at=T0))
    enter = PlanUnitOfWork.__enter__

    def late_writer(self: PlanUnitOfWork) -> PlanUnitOfWork:
        # Another process adds a task after `plan` read, before it takes the lock.
        add_task(DataSource(str(path)), NewTask(title="sneaked in", created_at=T0))
        monkeypatch.setattr(PlanUnitOfWork, "__enter__", enter)
        return enter(self)

    monkeypatch.setattr(PlanUnitOfWork, "__enter__", late_writer)
    plan = plan_day_for(DataSource(str(path)), frozen_now.date(), now=frozen_now)
    assert {block.title for block in plan.blocks if block.kind == "focus"} == {"one", "sneaked in"}
    # Stored with the fingerprint of what the database holds: served as it is.
    assert plan_day_for(DataSource(str(path)), frozen_now.date(), now=frozen_now) == plan


def test_a_first_plan_skips_sqlalchemy_and_alembic(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    Focusplan(db).ok("add", "first", "--estimate", "30")
    code = f"from focusplan.cli import run\nassert run(['--db', {str(db)!r}, 'plan']) == 0"
    loaded = roots(modules_loaded_by(code))
    assert not loaded & {"sqlalchemy", "alembic", "textual"}
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("SELECT count(*) FROM plans").fetchone() == (1,)
    finally:
        connection.close()


def test_a_database_behind_is_migrated_and_planned_by_the_full_store(
    tmp_path: Path, frozen_now: dt.datetime
) -> None:
    behind = tmp_path / "behind.sqlite3"
    migrate_to(behind, "0001")
    assert open_plan_unit_of_work(behind) is None
    plan = plan_day_for(DataSource(str(behind)), frozen_now.date(), now=frozen_now)
    assert get_quick(behind, frozen_now.date()) == plan

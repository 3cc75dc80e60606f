"""The task repository against a real, migrated database file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from focusplan import clock
from focusplan.domain import NewTask, Task, TaskPatch
from focusplan.store import Database, NotFound, StoreError
from tests.integration.conftest import T0

# Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

NewTaskFactory = Callable[..., NewTask]


def every_field(**overrides: Any) -> NewTask:
    fields: dict[str, Any] = {
        "title": "Write the report",
        "notes": "figures from Ana — décision vendredi",
        "importance": 5,
        "demand": "high",
        "estimate_minutes": 120,
        "due": T0 + dt.timedelta(days=3, microseconds=7),
        "not_before": T0 + dt.timedelta(hours=1),
        "project": "work.reports",
        "tags": ("writing", "deep"),
        "window": "morning",
        "created_at": T0,
        "external_id": "ext-1",
    }
    fields.update(overrides)
    return NewTask(**fields)


def test_a_task_round_trips_every_field_as_equal_instants(db: Database) -> None:
    new = every_field()
    with db.unit_of_work() as uow:
        added = uow.tasks.add(new)
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(added.id)
    assert stored == added
    assert stored.model_dump(exclude={"id", "updated_at"}) == new.model_dump()


def test_times_come_back_aware_in_the_persons_zone(db: Database) -> None:
    with db.unit_of_work() as uow:
        task = uow.tasks.add(every_field())
    assert task.due is not None
    assert task.due.tzinfo == clock.local_zone()
    assert task.created_at.tzinfo == clock.local_zone()
    assert task.created_at == T0


def test_a_naive_time_is_refused(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="timezone"):
        uow.energy.list(since=dt.datetime(2026, 11, 20, 9, 0))


def test_list_is_in_id_order_with_dependencies_in_the_order_given(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        first = uow.tasks.add(make_task("first"))
        second = uow.tasks.add(make_task("second"))
        third = uow.tasks.add(make_task("third", depends_on=(second.id, first.id)))
    with db.unit_of_work() as uow:
        tasks = uow.tasks.list()
    assert [task.id for task in tasks] == [first.id, second.id, third.id]
    assert tasks[2].depends_on == (second.id, first.id)


def test_an_unknown_dependency_is_not_found(db: Database, make_task: NewTaskFactory) -> None:
    with db.unit_of_work() as uow, pytest.raises(NotFound, match="no task 41"):
        uow.tasks.add(make_task(depends_on=(41,)))


def test_a_dependency_cycle_is_refused_with_its_path(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        a = uow.tasks.add(make_task("a"))
        b = uow.tasks.add(make_task("b", depends_on=(a.id,)))
        c = uow.tasks.add(make_task("c", depends_on=(b.id,)))
    expected = f"dependency cycle: {a.id} → {c.id} → {b.id} → {a.id}"
    with db.unit_of_work() as uow, pytest.raises(ValueError, match=re.escape(expected)) as caught:
        uow.tasks.update(a.id, TaskPatch(depends_on=(c.id,)))
    assert str(caught.value) == expected
    with db.unit_of_work() as uow:
        assert uow.tasks.get(a.id).depends_on == ()


def test_a_task_cannot_depend_on_itself(db: Database, make_task: NewTaskFactory) -> None:
    with db.unit_of_work() as uow:
        a = uow.tasks.add(make_task("a"))
    with db.unit_of_work() as uow, pytest.raises(ValueError, match=f"cycle: {a.id} → {a.id}"):
        uow.tasks.update(a.id, TaskPatch(depends_on=(a.id,)))


def test_a_missing_task_is_not_found_by_id(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(NotFound, match=r"^no task 99$"):
        uow.tasks.get(99)


def test_update_applies_only_what_is_set_and_none_clears(
    db: Database, frozen_now: dt.datetime
) -> None:
    with db.unit_of_work() as uow:
        task = uow.tasks.add(every_field())
    with db.unit_of_work() as uow:
        updated = uow.tasks.update(task.id, TaskPatch(due=None, importance=2, tags=("x",)))
    assert (updated.due, updated.importance, updated.tags) == (None, 2, ("x",))
    assert updated.model_dump(exclude={"due", "importance", "tags", "updated_at"}) == (
        task.model_dump(exclude={"due", "importance", "tags", "updated_at"})
    )
    assert updated.updated_at == frozen_now


def test_complete_drop_and_reopen_keep_the_status_times_consistent(
    db: Database, make_task: NewTaskFactory
) -> None:
    done_at, dropped_at = T0 + dt.timedelta(hours=2), T0 + dt.timedelta(hours=3)
    with db.unit_of_work() as uow:
        task = uow.tasks.add(make_task())
        done = uow.tasks.complete(task.id, done_at, 45)
        dropped = uow.tasks.drop(task.id, dropped_at)
        reopened = uow.tasks.reopen(task.id)
    assert (done.status, done.completed_at, done.actual_minutes) == ("done", done_at, 45)
    assert (dropped.status, dropped.completed_at, dropped.dropped_at) == (
        "dropped",
        None,
        dropped_at,
    )
    assert (reopened.status, reopened.completed_at, reopened.dropped_at) == ("open", None, None)
    assert reopened.actual_minutes == 45


def test_restore_writes_a_task_back_exactly(db: Database, make_task: NewTaskFactory) -> None:
    with db.unit_of_work() as uow:
        other = uow.tasks.add(make_task("other"))
        before = uow.tasks.add(every_field(depends_on=(other.id,)))
    with db.unit_of_work() as uow:
        uow.tasks.update(before.id, TaskPatch(title="changed", tags=(), depends_on=()))
        uow.tasks.complete(before.id, T0 + dt.timedelta(days=1), 10)
    with db.unit_of_work() as uow:
        restored = uow.tasks.restore(before)
    with db.unit_of_work() as uow:
        assert uow.tasks.get(before.id) == restored == before


def test_restore_recreates_a_deleted_task_with_its_id(db: Database) -> None:
    with db.unit_of_work() as uow:
        task = uow.tasks.add(every_field())
        uow.tasks.delete(task.id)
    with db.unit_of_work() as uow:
        assert uow.tasks.restore(task) == task


def test_delete_removes_the_task_and_what_hangs_off_it(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        base = uow.tasks.add(make_task("base"))
        doomed = uow.tasks.add(make_task("doomed", depends_on=(base.id,), tags=("t",)))
        dependent = uow.tasks.add(make_task("dependent", depends_on=(doomed.id, base.id)))
        uow.sessions.start(doomed.id, T0)
    with db.unit_of_work() as uow:
        uow.tasks.delete(doomed.id)
    with db.unit_of_work() as uow:
        assert [t.id for t in uow.tasks.list()] == [base.id, dependent.id]
        assert uow.tasks.get(dependent.id).depends_on == (base.id,)
        assert uow.sessions.active() is None
        with pytest.raises(NotFound):
            uow.tasks.delete(doomed.id)


def test_a_deleted_tasks_id_is_never_handed_out_again(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        first = uow.tasks.add(make_task())
        uow.tasks.delete(first.id)
    with db.unit_of_work() as uow:
        assert uow.tasks.add(make_task()).id != first.id


def test_find_by_external_id(db: Database, make_task: NewTaskFactory) -> None:
    with db.unit_of_work() as uow:
        task = uow.tasks.add(make_task(external_id="uuid-1"))
        assert uow.tasks.ids_by_external_id(["uuid-1", "uuid-2"]) == {"uuid-1": task.id}


def test_an_external_id_belongs_to_one_task(db: Database, make_task: NewTaskFactory) -> None:
    with db.unit_of_work() as uow:
        uow.tasks.add(make_task(external_id="uuid-1"))
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="external id"):
        uow.tasks.add(make_task(external_id="uuid-1"))


def test_an_exception_rolls_the_whole_unit_of_work_back(
    db: Database, make_task: NewTaskFactory
) -> None:
    def add_then_fail() -> None:
        with db.unit_of_work() as uow:
            uow.tasks.add(make_task("never stored"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail()
    with db.unit_of_work() as uow:
        assert uow.tasks.list() == []


def test_a_constraint_the_checks_missed_is_a_one_line_store_error(db: Database) -> None:
    # A done task without completed_at cannot reach the database even past the models.
    def break_a_rule() -> None:
        with db.unit_of_work() as uow:
            task = uow.tasks.add(NewTask(title="x", created_at=T0))
            uow.tasks._session.execute(
                text("UPDATE tasks SET status = 'done' WHERE id = :id"), {"id": task.id}
            )

    with pytest.raises(StoreError, match="refused") as caught:
        break_a_rule()
    assert "\n" not in str(caught.value)


def test_editing_in_the_same_unit_of_work_as_adding_rewrites_tags_and_dependencies(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        a = uow.tasks.add(make_task("a"))
        b = uow.tasks.add(make_task("b", tags=("x", "y"), depends_on=(a.id,)))
        uow.tasks.update(b.id, TaskPatch(tags=("y", "x"), depends_on=()))
        uow.tasks.update(b.id, TaskPatch(tags=("x", "y"), depends_on=(a.id,)))
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(b.id)
    assert (stored.tags, stored.depends_on) == (("x", "y"), (a.id,))


def test_a_returned_task_is_a_plain_model_usable_after_the_unit_of_work(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        task = uow.tasks.add(make_task())
    assert type(task) is Task
    assert task.title == "a task"

"""The shortcuts of a large task insert keep its checks: an external id already stored is
refused (the one-query test for "no external ids at all" only skips the lookups when none
can clash), and the page cache a batch borrows is the connection's own again after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text

from focusplan.domain import NewTask
from focusplan.store import Database

NewTaskFactory = Callable[..., NewTask]


def test_a_stored_external_id_is_refused_in_a_batch(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        uow.tasks.add(make_task("plain"))
        uow.tasks.add(make_task("known", external_id="uuid-7"))
    batch = [make_task(f"new {n}", external_id=f"uuid-{n}") for n in range(1200)]
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="uuid-7"):
        uow.tasks.add_many(batch)


def test_a_batch_beside_tasks_without_external_ids_is_stored(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        uow.tasks.add(make_task("plain"))
    batch = [make_task(f"new {n}", external_id=f"uuid-{n}") for n in range(1200)]
    with db.unit_of_work() as uow:
        ids = uow.tasks.add_many(batch)
    with db.unit_of_work() as uow:
        assert uow.tasks.ids_by_external_id(["uuid-0", "uuid-1199"]) == {
            "uuid-0": ids[0],
            "uuid-1199": ids[-1],
        }


def test_the_page_cache_is_the_connections_own_after_a_batch(
    db: Database, make_task: NewTaskFactory
) -> None:
    with db.unit_of_work() as uow:
        session = uow.tasks._session
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("a SQLite setting")
        before = session.execute(text("PRAGMA cache_size")).scalar()
        uow.tasks.add_many([make_task(f"new {n}", external_id=f"u-{n}") for n in range(1500)])
        assert session.execute(text("PRAGMA cache_size")).scalar() == before

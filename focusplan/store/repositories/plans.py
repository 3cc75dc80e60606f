"""Stored day plans and their blocks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from focusplan import clock
from focusplan.domain import DayPlan, PlanBlock
from focusplan.store.errors import StoreError
from focusplan.store.records import Base, PlanBlockRecord, PlanRecord
from focusplan.store.repositories.times import require_storable
from focusplan.text import stored_line as _shown

_PLANS: Table = Base.metadata.tables[PlanRecord.__tablename__]
_BLOCKS: Table = Base.metadata.tables[PlanBlockRecord.__tablename__]


class PlanRepository:
    """Plans are written and read with table-level statements: a replaced plan's rows are
    deleted by the database (cascade), and nothing stale lingers in the identity map."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, plan: DayPlan) -> DayPlan:
        """Store the plan of `plan.date`, replacing any earlier plan of that date."""
        require_storable(plan.created_at, *(t for b in plan.blocks for t in (b.start, b.end)))
        session = self._session
        session.execute(delete(_PLANS).where(_PLANS.c.date == plan.date))
        plan_id = session.execute(
            insert(_PLANS)
            .values(
                date=plan.date,
                created_at=plan.created_at if plan.created_at is not None else clock.now(),
                notes=list(plan.notes),
                inputs=plan.inputs,
            )
            .returning(_PLANS.c.id)
        ).scalar_one()
        if plan.blocks:
            session.execute(
                insert(_BLOCKS),
                [
                    {
                        "plan_id": plan_id,
                        "position": index,
                        "start_at": block.start,
                        "end_at": block.end,
                        "kind": block.kind,
                        "task_id": block.task_id,
                        "title": block.title,
                        "energy": block.energy,
                        "reason": block.reason,
                    }
                    for index, block in enumerate(plan.blocks)
                ],
            )
        stored = self.get(plan.date)
        if stored is None:  # pragma: no cover - the insert above just wrote it
            raise StoreError(f"the plan of {plan.date} was not stored")
        return stored

    def get(self, day: dt.date) -> DayPlan | None:
        row = self._session.execute(select(_PLANS).where(_PLANS.c.date == day)).one_or_none()
        if row is None:
            return None
        blocks = self._session.execute(
            select(_BLOCKS).where(_BLOCKS.c.plan_id == row.id).order_by(_BLOCKS.c.position)
        )
        return DayPlan.model_validate(
            {
                "date": row.date,
                "created_at": row.created_at,
                "notes": tuple(_shown(note) for note in row.notes),
                "inputs": row.inputs,
                "blocks": tuple(
                    PlanBlock.model_validate(
                        {
                            "start": block.start_at,
                            "end": block.end_at,
                            "kind": block.kind,
                            "task_id": block.task_id,
                            "title": _shown(block.title),
                            "energy": block.energy,
                            "reason": _shown(block.reason),
                        }
                    )
                    for block in blocks
                ),
            }
        )

    def all(self) -> list[DayPlan]:
        """Every stored plan, by date."""
        days = self._session.scalars(select(_PLANS.c.date).order_by(_PLANS.c.date)).all()
        return [plan for day in days if (plan := self.get(day)) is not None]

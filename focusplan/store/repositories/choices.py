"""Learning choices: which task was picked among those eligible at a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from focusplan.domain import Choice
from focusplan.store.records import ChoiceRecord
from focusplan.store.repositories.times import local_time, query_bound, require_storable


def _choice_from(record: ChoiceRecord) -> Choice:
    return Choice.model_validate(
        {
            "at": local_time(record.at),
            "task_id": record.task_id,
            "candidates": tuple(record.candidates),
            "kind": record.kind,
        }
    )


class ChoiceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, choice: Choice) -> None:
        require_storable(choice.at)
        self._session.add(
            ChoiceRecord(
                at=choice.at,
                task_id=choice.task_id,
                candidates=list(choice.candidates),
                kind=choice.kind,
            )
        )
        self._session.flush()

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Choice]:
        """Choices with start <= at < end, oldest first."""
        query = (
            select(ChoiceRecord)
            .where(
                ChoiceRecord.at >= query_bound(start, "start"),
                ChoiceRecord.at < query_bound(end, "end"),
            )
            .order_by(ChoiceRecord.at, ChoiceRecord.id)
        )
        return [_choice_from(record) for record in self._session.scalars(query)]

    def all(self) -> list[Choice]:
        """Every choice, oldest first."""
        query = select(ChoiceRecord).order_by(ChoiceRecord.at, ChoiceRecord.id)
        return [_choice_from(record) for record in self._session.scalars(query)]

    def delete(self, task_id: int, at: dt.datetime) -> int:
        """Remove the choices of `task_id` made at exactly `at` (undo); returns how many."""
        result = self._session.execute(
            delete(ChoiceRecord)
            .where(ChoiceRecord.task_id == task_id, ChoiceRecord.at == query_bound(at, "at"))
            .execution_options(synchronize_session="fetch")
        )
        return int(getattr(result, "rowcount", 0) or 0)

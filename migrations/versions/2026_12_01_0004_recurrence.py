"""repeating tasks: a rule and a series on every task

Revision ID: 0004_recurrence
Revises: 0003_plan_inputs
Create Date: 2026-12-01

A repeating task is a series of ordinary tasks, one open at a time: completing or
dropping the open instance creates the next. Each instance carries the series' rule
(`recur`, canonical text such as "weekly" or "every 2 weeks"), whether the next due
counts from the due or from the completion (`recur_from`), the last moment a next
instance may fall on (`recur_until`), the date the series counts from
(`recur_anchor`, so monthly on the 31st stays on month ends) and the key the
instances share (`series_id`). Columns on the task rather than a series table: the
ranking, the planner and every export already read tasks, and an instance keeps the
rule it was made under. Existing tasks are one-off tasks (all NULL, `recur_from` due).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_recurrence"
down_revision = "0003_plan_inputs"
branch_labels = None
depends_on = None

TIMESTAMP = sa.String(length=32)
# The CHECK constraints make SQLite's batch mode copy the table; the copy must keep
# AUTOINCREMENT (ids are never handed out twice) and the high-water mark of ids handed
# out before, which the copy alone would lower to the largest id still present.
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}


def _id_mark() -> int | None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    value = bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'tasks'")).scalar()
    return None if value is None else int(value)


def _restore_id_mark(mark: int | None) -> None:
    if mark is None:
        return
    bind = op.get_bind()
    updated = bind.execute(
        sa.text("UPDATE sqlite_sequence SET seq = max(seq, :mark) WHERE name = 'tasks'"),
        {"mark": mark},
    )
    if not updated.rowcount:
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('tasks', :mark)"),
            {"mark": mark},
        )


def upgrade() -> None:
    mark = _id_mark()
    with op.batch_alter_table("tasks", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("recur", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("recur_from", sa.String(length=4), server_default="due", nullable=False)
        )
        batch_op.add_column(sa.Column("recur_until", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("recur_anchor", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("series_id", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_series_id"), ["series_id"], unique=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_tasks_recur_from_known"), "recur_from IN ('due', 'done')"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_tasks_until_needs_recur"), "recur_until IS NULL OR recur IS NOT NULL"
        )
    _restore_id_mark(mark)


def downgrade() -> None:
    mark = _id_mark()
    with op.batch_alter_table("tasks", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_tasks_until_needs_recur"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_tasks_recur_from_known"), type_="check")
        batch_op.drop_index(batch_op.f("ix_tasks_series_id"))
        batch_op.drop_column("series_id")
        batch_op.drop_column("recur_anchor")
        batch_op.drop_column("recur_until")
        batch_op.drop_column("recur_from")
        batch_op.drop_column("recur")
    _restore_id_mark(mark)

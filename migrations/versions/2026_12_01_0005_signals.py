"""external signals: a change counter, reminders sent, live calendar sources

Revision ID: 0005_signals
Revises: 0004_recurrence
Create Date: 2026-12-01

- `change_counter`: one row raised by triggers on every write to every other table
  (SQLite only; see focusplan/store/change_counter.py), so `focusplan now` can trust
  a cached result exactly as long as nothing was written.
- `reminders_sent`: what `remind` (and the app) announced, keyed by its moment, so
  no moment is announced twice.
- `calendar_sources` and `calendar_source_files`: live calendars (`source add ics`)
  and each file's mtime and size as last read, so an unchanged file is not re-read.

The triggers are installed on every table present at this revision (0004's columns
included).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from focusplan.store.change_counter import drop_change_triggers, install_change_triggers

revision = "0005_signals"
down_revision = "0004_recurrence"
branch_labels = None
depends_on = None

TIMESTAMP = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_counter_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.execute("INSERT INTO change_counter (id, value) VALUES (1, 0)")
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("channel", sa.String(length=8), server_default="", nullable=False),
        sa.CheckConstraint(
            "kind IN ('focus_end', 'break_end', 'block_start')",
            name=op.f("ck_reminders_sent_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("key", name=op.f("uq_reminders_sent_key")),
    )
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_sent_sent_at"), ["sent_at"], unique=False)
    op.create_table(
        "calendar_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), server_default="ics", nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.Column("problem", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("kind IN ('ics')", name=op.f("ck_calendar_sources_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_sources")),
        sa.UniqueConstraint("path", name=op.f("uq_calendar_sources_path")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "calendar_source_files",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=False),
        sa.Column("events", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["calendar_sources.id"],
            name=op.f("fk_calendar_source_files_source_id_calendar_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "name", name=op.f("pk_calendar_source_files")),
    )
    if op.get_bind().dialect.name == "sqlite":
        install_change_triggers(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        drop_change_triggers(op.get_bind())
    op.drop_table("calendar_source_files")
    op.drop_table("calendar_sources")
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_sent_sent_at"))
    op.drop_table("reminders_sent")
    op.drop_table("change_counter")

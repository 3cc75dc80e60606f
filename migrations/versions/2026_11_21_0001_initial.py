"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Times are fixed-width UTC ISO text (focusplan/store/timestamps.py), so text
order is time order and the same migration serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("importance", sa.Integer(), server_default="3", nullable=False),
        sa.Column("demand", sa.String(length=6), server_default="medium", nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), server_default="30", nullable=False),
        sa.Column("due", TIMESTAMP, nullable=True),
        sa.Column("not_before", TIMESTAMP, nullable=True),
        sa.Column("project", sa.String(length=64), nullable=True),
        sa.Column("time_window", sa.String(length=9), nullable=True),
        sa.Column("status", sa.String(length=7), server_default="open", nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
        sa.Column("dropped_at", TIMESTAMP, nullable=True),
        sa.Column("actual_minutes", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_tasks_title_not_empty")),
        sa.CheckConstraint("importance BETWEEN 1 AND 5", name=op.f("ck_tasks_importance_range")),
        sa.CheckConstraint(
            "demand IN ('low', 'medium', 'high')", name=op.f("ck_tasks_demand_known")
        ),
        sa.CheckConstraint(
            "estimate_minutes BETWEEN 1 AND 1440", name=op.f("ck_tasks_estimate_range")
        ),
        sa.CheckConstraint(
            "time_window IS NULL OR time_window IN ('morning', 'afternoon', 'evening')",
            name=op.f("ck_tasks_time_window_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'dropped')", name=op.f("ck_tasks_status_known")
        ),
        sa.CheckConstraint(
            "(status = 'done') = (completed_at IS NOT NULL)",
            name=op.f("ck_tasks_done_iff_completed_at"),
        ),
        sa.CheckConstraint(
            "actual_minutes IS NULL OR actual_minutes BETWEEN 0 AND 10080",
            name=op.f("ck_tasks_actual_minutes_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("external_id", name=op.f("uq_tasks_external_id")),
        # Ids of deleted tasks are never reused.
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_tasks_status"), "tasks", ["status"])
    op.create_index(op.f("ix_tasks_project"), "tasks", ["project"])
    op.create_index(op.f("ix_tasks_completed_at"), "tasks", ["completed_at"])

    op.create_table(
        "task_tags",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.CheckConstraint("length(tag) > 0", name=op.f("ck_task_tags_tag_not_empty")),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_tags_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "position", name=op.f("pk_task_tags")),
        sa.UniqueConstraint("task_id", "tag", name=op.f("uq_task_tags_task_id_tag")),
    )
    op.create_index(op.f("ix_task_tags_tag"), "task_tags", ["tag"])

    op.create_table(
        "task_dependencies",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("task_id <> depends_on_id", name=op.f("ck_task_dependencies_not_self")),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_dependencies_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["tasks.id"],
            name=op.f("fk_task_dependencies_depends_on_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "depends_on_id", name=op.f("pk_task_dependencies")),
    )
    op.create_index(
        op.f("ix_task_dependencies_depends_on_id"), "task_dependencies", ["depends_on_id"]
    )

    op.create_table(
        "energy_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.String(length=32), server_default="manual", nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_energy_logs_level_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_energy_logs")),
    )
    op.create_index(op.f("ix_energy_logs_at"), "energy_logs", ["at"])

    op.create_table(
        "context_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_at", TIMESTAMP, nullable=False),
        sa.Column("end_at", TIMESTAMP, nullable=False),
        sa.Column("title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("uid", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=32), server_default="manual", nullable=False),
        sa.Column("all_day", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("end_at >= start_at", name=op.f("ck_context_events_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_events")),
        sa.UniqueConstraint("uid", name=op.f("uq_context_events_uid")),
    )
    op.create_index(op.f("ix_context_events_start_at"), "context_events", ["start_at"])
    op.create_index(op.f("ix_context_events_end_at"), "context_events", ["end_at"])

    op.create_table(
        "day_context",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("sleep_hours", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24",
            name=op.f("ck_day_context_sleep_range"),
        ),
        sa.PrimaryKeyConstraint("date", name=op.f("pk_day_context")),
    )

    op.create_table(
        "focus_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("start_at", TIMESTAMP, nullable=False),
        sa.Column("end_at", TIMESTAMP, nullable=True),
        sa.Column("interrupted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "end_at IS NULL OR end_at >= start_at", name=op.f("ck_focus_sessions_ordered")
        ),
        sa.CheckConstraint(
            "end_at IS NOT NULL OR NOT interrupted",
            name=op.f("ck_focus_sessions_active_not_interrupted"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_focus_sessions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_sessions")),
    )
    op.create_index(op.f("ix_focus_sessions_task_id"), "focus_sessions", ["task_id"])
    op.create_index(op.f("ix_focus_sessions_start_at"), "focus_sessions", ["start_at"])
    # At most one active session: every active row has the same value of (end_at IS NULL).
    op.create_index(
        "uq_focus_sessions_one_active",
        "focus_sessions",
        [sa.text("(end_at IS NULL)")],
        unique=True,
        sqlite_where=sa.text("end_at IS NULL"),
        postgresql_where=sa.text("end_at IS NULL"),
    )

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("date", name=op.f("uq_plans_date")),
    )

    op.create_table(
        "plan_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_at", TIMESTAMP, nullable=False),
        sa.Column("end_at", TIMESTAMP, nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("energy", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_plan_blocks_ordered")),
        sa.CheckConstraint(
            "kind IN ('focus', 'break', 'event')", name=op.f("ck_plan_blocks_kind_known")
        ),
        sa.CheckConstraint(
            "(kind = 'focus') = (task_id IS NOT NULL)",
            name=op.f("ck_plan_blocks_focus_names_task"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_blocks_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_blocks")),
        sa.UniqueConstraint("plan_id", "position", name=op.f("uq_plan_blocks_plan_id_position")),
    )

    op.create_table(
        "weight_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_weight_versions_version_positive")),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_weight_versions")),
    )
    # Exactly one version in force: a unique index over the rows where active is true.
    op.create_index(
        "uq_weight_versions_one_active",
        "weight_versions",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )

    op.create_table(
        "choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint("kind IN ('completion', 'focus')", name=op.f("ck_choices_kind_known")),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_choices_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choices")),
    )
    op.create_index(op.f("ix_choices_at"), "choices", ["at"])
    op.create_index(op.f("ix_choices_task_id"), "choices", ["task_id"])


def downgrade() -> None:
    for table in (
        "choices",
        "weight_versions",
        "plan_blocks",
        "plans",
        "focus_sessions",
        "day_context",
        "context_events",
        "energy_logs",
        "task_dependencies",
        "task_tags",
        "tasks",
    ):
        op.drop_table(table)

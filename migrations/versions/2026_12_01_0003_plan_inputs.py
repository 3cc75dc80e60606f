"""plans remember what they were planned from

Revision ID: 0003_plan_inputs
Revises: 0002
Create Date: 2026-12-01

`plans.inputs` holds a fingerprint (sha256 hex) of a stored plan's inputs: the
tasks, the day's events, the working day and the weights. Reading a plan for today
or later compares it with the inputs as they are now and plans again from now when
they differ, so `plan`, the app and exports never serve a stale plan. Plans stored
before this revision have no fingerprint (NULL) and are planned again the first
time they are read for today or later; past days are kept as they were.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_plan_inputs"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inputs", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("inputs")

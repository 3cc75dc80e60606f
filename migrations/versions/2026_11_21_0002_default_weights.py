"""seed weights version 1: the hand-set defaults

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

A data migration, so every database (new or migrated) has an active weights
version before any ranking runs. The defaults live with the numeric core
(focusplan.attention.weights, a numpy-free module) and are imported here when
this migration runs, not when focusplan starts.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

weight_versions = sa.table(
    "weight_versions",
    sa.column("version", sa.Integer()),
    # Written as JSON text: the same bytes sa.JSON stores, and renderable as a literal for
    # offline (--sql) runs, which sa.JSON is not.
    sa.column("params", sa.Text()),
    sa.column("created_at", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("active", sa.Boolean()),
)


def upgrade() -> None:
    from focusplan import clock
    from focusplan.attention.weights import DEFAULT_WEIGHTS

    created_at = clock.now().astimezone(dt.UTC).isoformat(timespec="microseconds")
    params = json.dumps({str(name): float(value) for name, value in DEFAULT_WEIGHTS.items()})
    if op.get_context().dialect.name == "postgresql":
        # PostgreSQL will not take text into a JSON column unless told: cast the same
        # JSON text (psycopg sends a str as text). SQLite keeps the plain insert below,
        # so its databases are byte for byte what they always were.
        op.execute(
            weight_versions.insert().values(
                version=1,
                params=sa.cast(sa.literal(params, sa.Text()), sa.JSON()),
                created_at=created_at,
                reason="defaults",
                active=True,
            )
        )
        return
    op.bulk_insert(
        weight_versions,
        [
            {
                "version": 1,
                "params": params,
                "created_at": created_at,
                "reason": "defaults",
                "active": True,
            }
        ],
    )


def downgrade() -> None:
    op.execute(weight_versions.delete().where(weight_versions.c.version == 1))

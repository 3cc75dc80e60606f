"""Alembic environment and versions; ships inside the wheel as `focusplan.migrations`."""

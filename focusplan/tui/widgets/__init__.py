"""Reusable widgets of the app; each module holds one widget (or the cell renderers)."""

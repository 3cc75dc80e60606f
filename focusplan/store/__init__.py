"""The store: the person's database behind domain models.

    from focusplan.store import open_database
    with open_database(path) as db, db.unit_of_work() as uow:
        task = uow.tasks.get(3)

The errors are cheap to import; `open_database`, `Database` and `UnitOfWork`
pull in SQLAlchemy and are loaded on first use, so `focusplan.store.snapshot`
(the stdlib-only fast read path) never imports the ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from focusplan.store.errors import NotFound, SchemaBehind, SchemaTooNew, StoreError

if TYPE_CHECKING:
    from focusplan.store.engine import Database, open_database
    from focusplan.store.unit_of_work import UnitOfWork

__all__ = [
    "Database",
    "NotFound",
    "SchemaBehind",
    "SchemaTooNew",
    "StoreError",
    "UnitOfWork",
    "open_database",
]

_LAZY = {
    "open_database": "focusplan.store.engine",
    "Database": "focusplan.store.engine",
    "UnitOfWork": "focusplan.store.unit_of_work",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'focusplan.store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value

"""Import and export: focusplan's own JSON backup, Taskwarrior, todo.txt, iCalendar, CSV.

Pure conversions between bytes/text and domain models; storing the result is the caller's
job (one unit of work, so an import is all or nothing). Heavy libraries (icalendar) are
imported only when a calendar is read or written.
"""

from __future__ import annotations

from .bundle import (
    MAX_IMPORT_BYTES,
    MAX_ITEMS,
    ImportBundle,
    ImportedChoice,
    ImportedSession,
    ImportedTask,
    ImportFormatError,
)
from .energy_csv import export_energy_csv
from .formats import IMPORT_FORMATS, guess_format, normalise_format, parse_import
from .json_backup import export_backup, task_to_json
from .plan_export import PLAN_FORMATS, block_uid, export_plan, plan_json

__all__ = [
    "IMPORT_FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_ITEMS",
    "PLAN_FORMATS",
    "ImportBundle",
    "ImportFormatError",
    "ImportedChoice",
    "ImportedSession",
    "ImportedTask",
    "block_uid",
    "export_backup",
    "export_energy_csv",
    "export_plan",
    "guess_format",
    "normalise_format",
    "parse_import",
    "plan_json",
    "task_to_json",
]

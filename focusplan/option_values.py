"""What the options of the write commands mean, without click.

The click parameter types (cli/params.py) and the launcher's click-free write path
(write_commands.py) read WHEN, DUR and the task options through these same functions,
so the two cannot read a value differently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Clear an optional date (CLI.md: an empty value clears; the words came first and stay).
CLEAR_WORDS = frozenset({"", "none", "never", "clear", "-"})

# What an empty DUR or RULE gives: "back to the default" (CLI.md: an empty value clears).
CLEARED: Any = object()


def when_value(text: str, *, clearable: bool = False, deadline: bool = False) -> dt.datetime | None:
    """A WHEN (None: cleared); a deadline given as a day alone is the end of that day.

    Raises TimeParseError for text that is no WHEN.
    """
    # Imported here: `done 12` or `add Call Sam` reads no time (regexes compiled at import).
    from focusplan.timeparse import needs_work_week, parse_due, parse_when

    if clearable and text.strip().lower() in CLEAR_WORDS:
        return None
    work = None
    if needs_work_week(text):
        from focusplan.settings import load_settings

        work = load_settings().work_week()
    parse = parse_due if deadline else parse_when
    return parse(text, work=work)


def duration_value(text: str) -> Any:
    """Minutes, or CLEARED for an empty DUR; raises TimeParseError for text that is no DUR."""
    from focusplan.timeparse import parse_duration

    if not text.strip():
        return CLEARED
    return parse_duration(text)


def task_values(fields: dict[str, Any], *, for_patch: bool = False) -> dict[str, Any]:
    """The options a person gave, as model fields (unset options are left out).

    An empty value clears an optional field (CLI.md): `--project ""`, `--due ""`,
    `--tag ""`; `--estimate ""` puts the estimate back to the default.
    """
    from focusplan.domain import TaskFields

    values: dict[str, Any] = {}
    for name in ("importance", "demand", "notes"):
        if fields.get(name) is not None:
            values[name] = fields[name]
    for name in ("due", "not_before"):
        if fields.get(name) is not None or (for_patch and fields.get(f"_{name}_given")):
            values[name] = fields.get(name)
    if fields.get("project") is not None:
        values["project"] = fields["project"].strip() or None
    if fields.get("demand"):
        values["demand"] = fields["demand"].lower()
    if fields.get("estimate") is not None:
        values["estimate_minutes"] = (
            TaskFields.model_fields["estimate_minutes"].default
            if fields["estimate"] is CLEARED
            else fields["estimate"]
        )
    if fields.get("tags"):
        values["tags"] = tuple(fields["tags"])
    if fields.get("after"):
        values["depends_on"] = tuple(fields["after"])
    if fields.get("window"):
        window = fields["window"].lower()
        values["window"] = None if window == "none" else window
    values.update(_recur_values(fields, for_patch=for_patch))
    return values


def _recur_values(fields: dict[str, Any], *, for_patch: bool) -> dict[str, Any]:
    """`--recur`, `--recur-from`, `--until` as model fields; `--recur ""` stops a series."""
    values: dict[str, Any] = {}
    if fields.get("recur") is not None:
        values["recur"] = None if fields["recur"] is CLEARED else fields["recur"]
    if fields.get("recur_from"):
        values["recur_from"] = fields["recur_from"].lower()
    if fields.get("recur_until") is not None or (for_patch and fields.get("_recur_until_given")):
        values["recur_until"] = fields.get("recur_until")
    return values

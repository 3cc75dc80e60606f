"""placeholder"""

from __future__ import annotations

import datetime as dt

from focusplan.services.source import DataSource


def refresh_calendars(source: DataSource, now: dt.datetime) -> list[str]:
    return []

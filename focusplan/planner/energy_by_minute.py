"""The predicted energy at every minute of a working window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from focusplan.domain import EnergyLog
from focusplan.energy import EnergyModel
from focusplan.planner.window_minutes import MinuteClock

_RECENT_LOG_MINUTES = 120  # as `energy_at`: a log this recent is the energy, not the curve


def energy_by_minute(
    logs: Sequence[EnergyLog],
    cutoff: dt.datetime,
    clk: MinuteClock,
    day_end: int,
    sleep_hours: float | None,
) -> list[float]:
    """Predicted energy at every minute of the working window, from logs up to `cutoff`.

    The curve is evaluated once for the whole window (one vectorised call, not one
    per slot). As in `energy_at`, a log at most `_RECENT_LOG_MINUTES` old stands for
    the person's energy until it is that old: "I am drained now" beats the curve.
    """
    known = [log for log in logs if log.at <= cutoff]
    model = EnergyModel.fit(known, cutoff)
    hours = []
    for minute in range(day_end + 1):
        local = clk.at(minute)
        hours.append(local.hour + local.minute / 60)
    levels = [float(level) for level in model.curve(hours, sleep_hours)]
    if known:
        latest = max(known, key=lambda log: log.at)
        fresh_until = clk.floor(latest.at + dt.timedelta(minutes=_RECENT_LOG_MINUTES))
        for minute in range(max(0, clk.ceil(latest.at)), min(fresh_until, day_end) + 1):
            levels[minute] = float(latest.level)
    return levels

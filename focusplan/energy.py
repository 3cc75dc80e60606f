"""A person's energy through the day, from their energy logs.

`energy_at` answers "how much energy now?": the latest log if it is recent,
otherwise the personal curve. The curve (`EnergyModel`) starts as a default
circadian prior and moves toward the person's own logs as they accumulate:

    prior(h)   late-morning peak (~10-11h), post-lunch dip (~14h), a smaller
               late-afternoon rise (~17h), low at night; values within 1..5.
    δ          = Σ wᵢ(yᵢ − prior(hᵢ)) / (Σ wᵢ + K₀)        personal offset, shrunk to 0
    level(h)   = prior(h) + δ + Σ wᵢ Kᵢ(h)(yᵢ − prior(hᵢ) − δ) / (n(h) + k)

where ``Kᵢ(h)`` is a von Mises kernel on the 24-hour circle (peak 1, width
``bandwidth_hours``), ``n(h) = Σ wᵢ Kᵢ(h)`` is how many logs sit near hour h,
and ``wᵢ`` halves every ``half_life_days``, so old habits fade. At an hour with
n(h) logs the curve is the prior shifted by δ, pulled toward the data with
weight n(h)/(n(h)+k): with all n logs at one hour that is the n/(n+k) shrinkage,
and an hour nobody ever logs keeps the (shifted) prior instead of borrowing a
far-away mean. Everything is continuous across midnight, and clipped to 1..5.

Weekdays: people's Mondays are not their Fridays. On top of the all-days curve,
each weekday d has its own correction, shrunk the same way but harder:

    level(h, d) = level(h) + Σ_{i on d} wᵢ Kᵢ(h)(yᵢ − level(hᵢ)) / (n_d(h) + k_d)

so a weekday with few logs keeps the all-days curve, and a person whose
Mondays are flat sees it after a few Mondays (k_d = `WEEKDAY_STRENGTH` × k).

Sleep: each hour of sleep under `SLEEP_NEED_HOURS` lowers the predicted curve
by `SLEEP_DEBT_PER_HOUR`, at most `SLEEP_DEBT_MAX` (more sleep gives no bonus);
a logged level is what the person felt, so it is never adjusted.

Hours are read in the zone of `at`: pass local times.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from focusplan.domain import EnergyEstimate, EnergyLog

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "EnergyModel",
    "circadian_prior",
    "energy_at",
    "sleep_adjustment",
]

MIN_LEVEL: Final[float] = 1.0
MAX_LEVEL: Final[float] = 5.0
SLEEP_NEED_HOURS: Final[float] = 7.5
SLEEP_DEBT_PER_HOUR: Final[float] = 0.25
SLEEP_DEBT_MAX: Final[float] = 1.0
# Logs are summed into 5-minute bins of the day: exact to well under the kernel width.
_BINS: Final[int] = 288
_BIN_HOURS: Final[np.ndarray] = (np.arange(_BINS) + 0.5) * (24.0 / _BINS)
_RADIANS_PER_HOUR: Final[float] = 2.0 * math.pi / 24.0
# A weekday's correction shrinks like the all-days curve: n(h) logs pull n/(n + k) of the way.
WEEKDAY_STRENGTH: Final[float] = 1.0

# The prior: a base plus von Mises bumps (centre hour, width hours, height).
_PRIOR_BASE: Final[float] = 1.35
_PRIOR_BUMPS: Final[tuple[tuple[float, float, float], ...]] = (
    (13.0, 4.0, 2.1),  # being awake: the day's broad plateau
    (10.5, 1.6, 0.7),  # the late-morning peak
    (14.2, 1.1, -0.7),  # the post-lunch dip
    (17.2, 1.3, 0.45),  # the smaller late-afternoon rise
)


def _concentration(width_hours: float) -> float:
    # A von Mises kernel exp(κ(cos Δ − 1)) is ~Gaussian with σ = 1/√κ radians.
    return 1.0 / (width_hours * _RADIANS_PER_HOUR) ** 2


def _kernel(hours: FloatArray, centres: FloatArray, width_hours: float) -> FloatArray:
    """Circular kernel (peak 1) between each hour and each centre: len(hours) × len(centres)."""
    delta = np.subtract.outer(hours, centres) * _RADIANS_PER_HOUR
    return np.exp(_concentration(width_hours) * (np.cos(delta) - 1.0))


@lru_cache(maxsize=4)
def _bin_kernel(width_hours: float) -> FloatArray:
    """Kernel between every pair of bins: the same for every fit with one bandwidth."""
    kernel = _kernel(_BIN_HOURS, _BIN_HOURS, width_hours)
    kernel.setflags(write=False)
    return kernel


def circadian_prior(hours: npt.ArrayLike) -> FloatArray:
    """The default energy curve at clock hours (any real; read modulo 24)."""
    h = np.asarray(hours, dtype=np.float64)
    level = np.full(h.shape, _PRIOR_BASE)
    for centre, width, height in _PRIOR_BUMPS:
        angle = (h - centre) * _RADIANS_PER_HOUR
        level += height * np.exp(_concentration(width) * (np.cos(angle) - 1.0))
    return level


def sleep_adjustment(sleep_hours: float | None) -> float:
    """How much a night of `sleep_hours` lowers the predicted curve (≥ 0)."""
    if sleep_hours is None:
        return 0.0
    if not (math.isfinite(sleep_hours) and 0.0 <= sleep_hours <= 24.0):
        raise ValueError(f"sleep_hours must be within 0..24, got {sleep_hours!r}")
    return min(SLEEP_DEBT_MAX, SLEEP_DEBT_PER_HOUR * max(0.0, SLEEP_NEED_HOURS - sleep_hours))


def _require_aware(value: dt.datetime, name: str) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _clock_hour(moment: dt.datetime) -> float:
    return moment.hour + moment.minute / 60.0 + (moment.second + moment.microsecond / 1e6) / 3600.0


@dataclass(frozen=True, slots=True, eq=False)
class EnergyModel:
    """A personal energy curve over the hours of the day. Build it with `fit`."""

    offset: float  # δ, the shrunk personal offset from the prior
    bin_weight: FloatArray  # Σ wᵢ per 5-minute bin
    bin_residual: FloatArray  # Σ wᵢ (yᵢ − prior(hᵢ) − δ) per bin
    bandwidth_hours: float
    local_strength: float  # k
    n_logs: int
    # Per weekday (Monday = 0) and bin: Σ wᵢ and Σ wᵢ (yᵢ − level(hᵢ)) (7 × bins).
    weekday_weight: FloatArray | None = None
    weekday_residual: FloatArray | None = None

    @classmethod
    def fit(
        cls,
        logs: Sequence[EnergyLog],
        at: dt.datetime,
        *,
        bandwidth_hours: float = 1.5,
        local_strength: float = 3.0,
        offset_strength: float = 5.0,
        half_life_days: float = 60.0,
    ) -> EnergyModel:
        """Fit on the logs recorded at or before `at` (later ones are ignored)."""
        _require_aware(at, "at")
        for name, value in (
            ("bandwidth_hours", bandwidth_hours),
            ("local_strength", local_strength),
            ("offset_strength", offset_strength),
            ("half_life_days", half_life_days),
        ):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be > 0, got {value!r}")
        zone = at.tzinfo
        past = [log for log in logs if log.at <= at]
        hours = np.array([_clock_hour(log.at.astimezone(zone)) for log in past], dtype=np.float64)
        levels = np.array([float(log.level) for log in past], dtype=np.float64)
        age_days = np.array([(at - log.at).total_seconds() / 86400.0 for log in past])
        weights = np.exp2(-age_days / half_life_days) if past else np.zeros(0)
        residual = levels - circadian_prior(hours)
        offset = float(weights @ residual / (weights.sum() + offset_strength)) if past else 0.0
        bins = np.minimum((hours * (_BINS / 24.0)).astype(np.intp), _BINS - 1)
        bin_weight = np.bincount(bins, weights=weights, minlength=_BINS).astype(np.float64)
        bin_residual = np.bincount(
            bins, weights=weights * (residual - offset), minlength=_BINS
        ).astype(np.float64)
        bin_weight.setflags(write=False)
        bin_residual.setflags(write=False)
        weekday_weight: FloatArray | None = None
        weekday_residual: FloatArray | None = None
        if past:
            # What the all-days curve leaves unexplained, by weekday, in the same bins.
            kernel = _bin_kernel(bandwidth_hours)
            local = (kernel @ bin_residual) / (kernel @ bin_weight + local_strength)
            left = residual - offset - local[bins]
            days = np.array([log.at.astimezone(zone).weekday() for log in past], dtype=np.intp)
            slots = days * _BINS + bins
            shape = (7, _BINS)
            day_weight = np.bincount(slots, weights=weights, minlength=7 * _BINS)
            weekday_weight = day_weight.astype(np.float64).reshape(shape)
            day_residual = np.bincount(slots, weights=weights * left, minlength=7 * _BINS)
            weekday_residual = day_residual.astype(np.float64).reshape(shape)
            weekday_weight.setflags(write=False)
            weekday_residual.setflags(write=False)
        return cls(
            offset=offset,
            bin_weight=bin_weight,
            bin_residual=bin_residual,
            bandwidth_hours=bandwidth_hours,
            local_strength=local_strength,
            n_logs=len(past),
            weekday_weight=weekday_weight,
            weekday_residual=weekday_residual,
        )

    def curve(
        self,
        hours: npt.ArrayLike,
        sleep_hours: float | None = None,
        weekday: int | None = None,
    ) -> FloatArray:
        """Predicted level (1..5) at each clock hour (read modulo 24).

        With `weekday` (Monday = 0) the curve of that day of the week; without,
        the all-days curve.
        """
        h = np.asarray(hours, dtype=np.float64)
        if not np.all(np.isfinite(h)):
            raise ValueError("hours must be finite")
        if weekday is not None and weekday not in range(7):
            raise ValueError(f"weekday must be 0..6, got {weekday!r}")
        flat = np.mod(h.reshape(-1), 24.0)
        level = circadian_prior(flat) + self.offset
        if self.n_logs:
            kernel = _kernel(flat, _BIN_HOURS, self.bandwidth_hours)
            near = kernel @ self.bin_weight
            level += (kernel @ self.bin_residual) / (near + self.local_strength)
            if (
                weekday is not None
                and self.weekday_weight is not None
                and self.weekday_residual is not None
            ):
                day_near = kernel @ self.weekday_weight[weekday]
                strength = WEEKDAY_STRENGTH * self.local_strength
                level += (kernel @ self.weekday_residual[weekday]) / (day_near + strength)
        level -= sleep_adjustment(sleep_hours)
        np.clip(level, MIN_LEVEL, MAX_LEVEL, out=level)
        return level.reshape(h.shape)

    def level_at(
        self, hour: float, sleep_hours: float | None = None, weekday: int | None = None
    ) -> float:
        """Predicted level (1..5) at one clock hour (of one weekday, if given)."""
        return float(self.curve(np.array([hour]), sleep_hours, weekday)[0])


def energy_at(
    logs: Sequence[EnergyLog],
    at: dt.datetime,
    recent_minutes: float = 120,
    sleep_hours: float | None = None,
) -> EnergyEstimate:
    """Energy at `at`: the latest log at or before `at` if it is at most
    `recent_minutes` old ("logged"), else the personal curve of `at`'s weekday
    ("predicted", lowered by short sleep). Logs after `at` are never used."""
    _require_aware(at, "at")
    if not (math.isfinite(recent_minutes) and recent_minutes >= 0):
        raise ValueError(f"recent_minutes must be >= 0, got {recent_minutes!r}")
    adjustment = sleep_adjustment(sleep_hours)  # validates before any work
    latest: EnergyLog | None = None
    for log in logs:
        if log.at <= at and (latest is None or log.at >= latest.at):
            latest = log
    if latest is not None and at - latest.at <= dt.timedelta(minutes=recent_minutes):
        return EnergyEstimate(level=float(latest.level), source="logged", logged_at=latest.at)
    model = EnergyModel.fit(logs, at)
    level = model.level_at(_clock_hour(at), weekday=at.weekday()) - adjustment
    return EnergyEstimate(level=min(MAX_LEVEL, max(MIN_LEVEL, level)), source="predicted")

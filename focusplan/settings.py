"""The person's settings: `FOCUSPLAN_*` variables, then the config file, then defaults.

pydantic-settings costs ~200 ms to import, so only the commands that plan or
run the app import this module.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from focusplan.config import config_file_path

if TYPE_CHECKING:
    from focusplan.timeparse import WorkWeek


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOCUSPLAN_", extra="ignore", frozen=True)

    work_start: dt.time = dt.time(9, 0)
    work_end: dt.time = dt.time(17, 30)
    lunch_start: dt.time | None = dt.time(12, 30)
    lunch_minutes: int = Field(45, ge=0, le=180)
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    focus_minutes: int = Field(50, ge=5, le=240)
    break_minutes: int = Field(10, ge=1, le=120)
    long_break_minutes: int = Field(20, ge=1, le=180)
    max_block_minutes: int = Field(90, ge=15, le=480)
    recent_energy_minutes: int = Field(120, ge=5, le=24 * 60)
    refresh_seconds: int = Field(5, ge=1, le=3600)

    @field_validator("work_start", "work_end", "lunch_start", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        # "8:30" and "8am" are how people write times; pydantic alone wants "08:30".
        if isinstance(value, str) and value.strip():
            from focusplan.timeparse import TimeParseError, parse_clock_time

            try:
                return parse_clock_time(value)
            except TimeParseError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> Settings:
        if self.work_end <= self.work_start:
            raise ValueError("work_end must be after work_start")
        return self

    def work_week(self) -> WorkWeek:
        """What `eod` and `eow` mean for this person."""
        from focusplan.timeparse import WorkWeek

        return WorkWeek(end=self.work_end, days=tuple(self.work_days))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file_path()),
        )


class SettingsError(ValueError):
    """The person's settings cannot be read; the message names where they come from."""


@cache
def load_settings() -> Settings:
    import tomllib

    path = config_file_path()
    try:
        return Settings()
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"cannot read the config file {path}: {exc}") from None
    except ValidationError as exc:
        from focusplan.messages import validation_message

        raise SettingsError(
            f"settings (FOCUSPLAN_* variables or {path}): {validation_message(exc, keys=True)}"
        ) from None

"""The quick read behind `focusplan now`: a cached answer, trusted while nothing changed.

A status bar asks every few seconds; the full answer (the ranking, the plan) costs
hundreds of milliseconds of imports. So the full path (`services.now`) stores its answer
in the answer cache (`services.answer_cache`: keyed on the database's change counter,
file and schema, the settings, the calendars' files and the program), and since the
answer also moves with the clock, it holds the ranking and energy for each minute of
the next half hour (*frames*). This module, standard library only, reads the key
again, and when it is unchanged picks the frame of the current minute and the block
and focus time of this moment; otherwise it answers None and the full path runs.
The full path answers from the same frames, so both paths print the same line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan.services import answer_cache

# Its home before answer_cache; calendar_sources reads the stamps from here.
from focusplan.services.answer_cache import calendar_stamps as calendar_stamps
from focusplan.text import clean_line

if TYPE_CHECKING:
    from typing import Any

FRAME_MINUTES = 30
DEFAULT_FOCUS_FORMAT = "focus: {task} · {minutes_left}m left · energy {energy}"
DEFAULT_OVER_FORMAT = "focus: {task} · {minutes_over}m over · energy {energy}"
DEFAULT_IDLE_FORMAT = "next: {task}{block_part} · energy {energy}"
PLACEHOLDERS = (
    "phase",
    "task",
    "task_id",
    "minutes_left",
    "minutes_over",
    "next",
    "next_id",
    "score",
    "block",
    "block_kind",
    "block_start",
    "block_end",
    "energy",
    "energy_source",
)


class FormatProblem(ValueError):
    """A `--format` that names an unknown placeholder or is not a format."""


def check_format(fmt: str) -> None:
    import string

    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
    except ValueError as exc:
        raise FormatProblem(f"bad --format: {exc}") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            raise FormatProblem(
                f"unknown placeholder {{{name}}} in --format; known: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )


def minute_floor(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


# --- the key and the cache (services.answer_cache) -----------------------------------------


def read_key(db_path: Path) -> dict[str, Any] | None:
    """What the cached answer must have been computed from, read now (None: no key can be
    read, e.g. no database yet or a schema before the counter). The moment is not in it:
    the answer covers the next half hour, minute by minute."""
    database = answer_cache.database_key(db_path)
    if database is None:
        return None
    return {
        "command": "now",
        "database": database,
        "settings": answer_cache.settings_fingerprint(),
        "program": answer_cache.program_fingerprint(),
    }


def _slot(db_path: Path) -> str:
    return json.dumps(["now", str(db_path.absolute())])


def cache_file(db_path: Path) -> Path:
    return answer_cache.answer_file(_slot(db_path))


def write_cache(db_path: Path, key: Mapping[str, Any], answer: Mapping[str, Any]) -> None:
    """Store the answer (best effort: a status line never fails because a cache could not
    be written)."""
    if answer_cache.disabled():
        return
    payload = json.dumps(dict(answer), ensure_ascii=False).encode("utf-8", "surrogatepass")
    answer_cache.store(_slot(db_path), key, payload)


def cached_answer(db_path: Path) -> dict[str, Any] | None:
    """The cached answer when its key still holds, else None."""
    if answer_cache.disabled():
        return None
    key = read_key(db_path)
    if key is None:
        return None
    payload = answer_cache.load(_slot(db_path), key)
    if payload is None:
        return None
    try:
        answer = json.loads(payload)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


# --- answering from an answer --------------------------------------------------------------


def status_at(answer: Mapping[str, Any], now: dt.datetime) -> dict[str, Any] | None:
    """The `now --json` object at `now` from a computed answer, or None when the answer
    does not cover this minute."""
    minute = minute_floor(now).isoformat()
    frame = next((f for f in answer.get("frames", ()) if f["at"] == minute), None)
    if frame is None:
        return None
    focus = None
    session = answer.get("session")
    if session is not None:
        start = dt.datetime.fromisoformat(session["start"])
        elapsed = (now - start).total_seconds() / 60
        focus = {
            "task_id": session["task_id"],
            "title": session["title"],
            "start": session["start"],
            "minutes_left": int(answer["focus_minutes"] - elapsed // 1),
        }
    block = None
    for candidate in answer.get("blocks", ()):
        if (
            dt.datetime.fromisoformat(candidate["start"])
            <= now
            < dt.datetime.fromisoformat(candidate["end"])
        ):
            block = {key: candidate[key] for key in ("start", "end", "kind", "title")}
            break
    return {
        "at": now.isoformat(timespec="seconds"),
        "energy": frame["energy"],
        "focus": focus,
        "next": frame["next"],
        "block": block,
    }


def render(status: Mapping[str, Any], fmt: str | None = None) -> str:
    """One line for a status bar; `fmt` with placeholders (PLACEHOLDERS) replaces it."""
    values = placeholder_values(status)
    if fmt is not None:
        return clean_line(fmt.format_map(values))
    if status["focus"] is not None:
        template = DEFAULT_OVER_FORMAT if values["minutes_over"] else DEFAULT_FOCUS_FORMAT
        return clean_line(template.format_map(values))
    if status["next"] is None:
        return clean_line(f"nothing to do{values['block_part']} · energy {values['energy']}")
    return clean_line(DEFAULT_IDLE_FORMAT.format_map(values))


def placeholder_values(status: Mapping[str, Any]) -> dict[str, Any]:
    focus, nxt, block = status["focus"], status["next"], status["block"]
    energy = status["energy"]
    block_part = ""
    block_text = ""
    if block is not None:
        start = block["start"][11:16]
        end = block["end"][11:16]
        label = clean_line(block["title"] or block["kind"])
        block_text = f"{label} {start}-{end}"
        block_part = f" · now: {block_text}"
    minutes_left: int = focus["minutes_left"] if focus else 0
    values: dict[str, Any] = {
        "phase": "focus" if focus else "idle",
        "task": clean_line((focus or {}).get("title") or (nxt or {}).get("title") or ""),
        "task_id": (focus or {}).get("task_id") or (nxt or {}).get("id") or "",
        "minutes_left": max(0, minutes_left) if focus else "",
        "minutes_over": max(0, -minutes_left) if focus else 0,
        "next": clean_line((nxt or {}).get("title") or ""),
        "next_id": (nxt or {}).get("id") or "",
        "score": f"{nxt['score']:.0%}" if nxt else "",
        "block": clean_line(block_text),
        "block_kind": block["kind"] if block else "",
        "block_start": block["start"][11:16] if block else "",
        "block_end": block["end"][11:16] if block else "",
        "energy": f"{energy['level']:.1f}".rstrip("0").rstrip("."),
        "energy_source": energy["source"],
        "block_part": block_part,
    }
    return values


def quick_now(db_path: Path, now: dt.datetime, *, as_json: bool, fmt: str | None) -> str | None:
    """The whole quick path: the text to print, or None when the full path must answer."""
    answer = cached_answer(db_path)
    if answer is None:
        return None
    status = status_at(answer, now)
    if status is None:
        return None
    if as_json:
        return json.dumps(status, ensure_ascii=False, indent=2)
    return render(status, fmt)

"""The quick read behind `focusplan now`: a cached answer, trusted while nothing changed.

A status bar asks every few seconds; the full answer (the ranking, the plan) costs
hundreds of milliseconds of imports. So the full path (`services.now`) writes, next to
its answer, everything the answer was computed from that can change:

- the database's change counter (raised by triggers on every write, see
  `focusplan.store.change_counter`) and schema revision;
- the settings' raw inputs (the `FOCUSPLAN_*` variables and the config file's bytes)
  and the person's zone;
- the mtime and size of every file of every live calendar source.

and, since the answer also moves with the clock, the ranking and energy for each
minute of the next half hour (*frames*). This module, standard library only, recomputes
the key, and when it is unchanged picks the frame of the current minute and the block
and focus time of this moment; otherwise it answers None and the full path runs.
The full path answers from the same frames, so both paths print the same line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.text import clean_line

if TYPE_CHECKING:
    from typing import Any

CACHE_VERSION = 1
FRAME_MINUTES = 30
# Variables that name the moment or the database rather than a setting.
_NOT_SETTINGS = frozenset({"FOCUSPLAN_NOW", "FOCUSPLAN_DB"})
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


# --- the key -------------------------------------------------------------------------------


def settings_fingerprint(environ: Mapping[str, str] | None = None) -> str:
    """The raw inputs of the settings and the zone: equal inputs, equal settings."""
    env = os.environ if environ is None else environ
    values = sorted(
        (name, value)
        for name, value in env.items()
        if name.startswith("FOCUSPLAN_") and name not in _NOT_SETTINGS
    )
    config = env.get("FOCUSPLAN_CONFIG") or _default_config_file()
    try:
        config_bytes = Path(config).read_bytes()
    except OSError:
        config_bytes = b""
    # The raw text, not a digest: hashlib alone would cost the quick path 2 ms.
    return json.dumps([values, config, config_bytes.hex(), str(clock.local_zone())])


def _default_config_file() -> str:
    # platformdirs' user_config_path, without importing it on the quick path.
    if sys.platform == "darwin":
        return str(Path.home() / "Library" / "Application Support" / "focusplan" / "config.toml")
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return str(Path(base) / "focusplan" / "config.toml")


def calendar_file_names(folder: Path) -> list[str]:
    """The event files of a vdir folder (one .ics per event), sorted."""
    return sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.name.lower().endswith(".ics")
        and not entry.name.startswith(".")
        and entry.is_file()
    )


def calendar_stamps(paths: Iterable[str]) -> list[Any]:
    """(name, mtime_ns, size) of every file of each source path; "missing" for a path
    that is not there. What `source` re-reads on and what the cache is keyed on."""
    stamps: list[Any] = []
    for path in paths:
        target = Path(path)
        try:
            if target.is_dir():
                files = []
                for name in calendar_file_names(target):
                    info = (target / name).stat()
                    files.append([name, info.st_mtime_ns, info.st_size])
                stamps.append([path, "dir", files])
            else:
                info = target.stat()
                stamps.append([path, "file", [["", info.st_mtime_ns, info.st_size]]])
        except OSError:
            stamps.append([path, "missing", []])
    return stamps


def read_key(db_path: Path) -> dict[str, Any] | None:
    """What the cached answer must have been computed from, read now (None: no key can be
    read, e.g. no database yet or a schema before the counter)."""
    try:
        connection = sqlite3.connect(
            f"file:{_uri_path(db_path)}?mode=ro", uri=True, timeout=2.0, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")
        (counter,) = connection.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        sources = [
            path for (path,) in connection.execute("SELECT path FROM calendar_sources ORDER BY id")
        ]
        connection.execute("COMMIT")
    except (sqlite3.Error, TypeError):
        return None
    finally:
        connection.close()
    calendars = ""
    if sources:
        import hashlib

        stamps = json.dumps(calendar_stamps(sources))
        calendars = hashlib.sha1(stamps.encode("utf-8", "surrogatepass")).hexdigest()
    return {
        "version": CACHE_VERSION,
        "db": str(db_path),
        "counter": int(counter),
        "revision": str(revision),
        "settings": settings_fingerprint(),
        "calendars": calendars,
    }


def _uri_path(path: Path) -> str:
    # The three characters a file: URI cannot hold as they are.
    text = str(path.absolute())
    return text.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


# --- the cache file ------------------------------------------------------------------------


def cache_file(db_path: Path) -> Path:
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    # Two databases sharing a name here only evict each other: the key names the database.
    digest = zlib.crc32(str(db_path.absolute()).encode("utf-8", "surrogatepass"))
    return base / "focusplan" / f"now-{digest:08x}.json"


def write_cache(db_path: Path, key: Mapping[str, Any], answer: Mapping[str, Any]) -> None:
    """Store the answer (best effort: a status line never fails because a cache could not
    be written). Written aside and renamed, so a reader never sees half a file."""
    target = cache_file(db_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"key": dict(key), "answer": dict(answer)}, handle)
        os.replace(partial, target)
    except OSError:
        pass


def cached_answer(db_path: Path) -> dict[str, Any] | None:
    """The cached answer when its key still holds, else None."""
    try:
        stored = json.loads(cache_file(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict):
        return None
    key = read_key(db_path)
    if key is None or stored.get("key") != key:
        return None
    answer = stored.get("answer")
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

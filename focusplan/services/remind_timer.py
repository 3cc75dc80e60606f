"""`remind --install-timer`: a systemd user service and a timer that runs it every minute."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

UNIT = "focusplan-remind"


def systemd_user_folder() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def unit_texts(location: str, python: str | None = None) -> dict[str, str]:
    """The service and timer files, naming this interpreter and this database."""
    command = shlex.join([python or sys.executable, "-m", "focusplan", "--db", location, "remind"])
    command = command.replace("%", "%%")  # systemd expands %-specifiers in ExecStart
    service = (
        "[Unit]\n"
        "Description=focusplan reminders (focus time up, break over, planned block)\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={command}\n"
    )
    timer = (
        "[Unit]\n"
        "Description=Run focusplan remind every minute\n\n"
        "[Timer]\n"
        "OnCalendar=*-*-* *:*:00\n"
        "AccuracySec=5s\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def install_user_timer(location: str, folder: Path | None = None) -> list[Path]:
    """Write (or rewrite) the two unit files; returns their paths."""
    target = folder or systemd_user_folder()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    where = location if "://" in location else str(Path(location).absolute())
    for name, text in unit_texts(where).items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

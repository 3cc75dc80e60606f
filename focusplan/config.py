"""Where the database lives.

Resolving the database is on every command's start-up path, so this module
uses only the standard library; platformdirs is imported only when neither
`--db` nor `FOCUSPLAN_DB` names one. The person's richer settings (working
hours, focus length) live in `focusplan.settings`, loaded only where needed.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "focusplan"
DB_ENV = "FOCUSPLAN_DB"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "focusplan.sqlite3"


def resolve_database(option: str | None) -> str:
    """The database named by `--db`, else `FOCUSPLAN_DB`, else the platform's data dir."""
    chosen = option or os.environ.get(DB_ENV)
    if chosen:
        return chosen
    path = default_database_path()
    # The default folder is ours to create; a folder named by the person is not.
    make_private_folders(path.parent)
    return str(path)


def make_private_folders(folder: Path) -> None:
    """Create `folder` and its missing parents, each 0700 whatever the umask.

    `mkdir(parents=True, mode=...)` gives the mode to the last folder only (the
    parents get 0777 minus the umask: world-writable under umask 000), and the umask
    masks even that one.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it first: theirs to keep as it is
        os.chmod(each, 0o700)


def config_file_path() -> Path:
    override = os.environ.get("FOCUSPLAN_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"

"""`list` without click or the models (`services.quick_list`): byte for byte what the
click command prints, and the full command wherever the quick path cannot answer."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import focusplan.cli
from focusplan.domain import NewTask
from focusplan.services.quick_list import quick_list
from focusplan.store import open_database
from focusplan.store.timestamps import to_db_time
from tests.integration.conftest import REPOSITORY, migrate_to

NOW = dt.datetime(2026, 11, 25, 14, 30, 59, 999999, tzinfo=dt.UTC)
SLOTS = 6  # tasks in the template; an example uses some of them

# Titles and projects as any version may have stored them: controls, escape
# sequences, line breaks, wide and combining characters.
_TEXT = st.lists(
    st.sampled_from([*"abc Zé日本🙂\u0301\t\n\r\x07\x9b", "\x1b[0m", "\x1b]0;x\x07"]),
    min_size=1,
    max_size=40,
).map("".join)
_ROW = st.fixed_dictionaries(
    {
        "title": _TEXT,
        "project": st.none() | st.just("") | _TEXT,
        "importance": st.integers(1, 5),
        "demand": st.sampled_from(["low", "medium", "high"]),
        "estimate": st.integers(1, 1440),
        "due_hours": st.none() | st.floats(-400, 400, allow_nan=False),
        "status": st.sampled_from(["open", "open", "done", "dropped"]),
        "recur": st.none() | st.just("every week"),
    }
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick-list") / "template.sqlite3"
    database = open_database(str(path))
    try:
        with database.unit_of_work() as uow:
            for n in range(SLOTS):
                uow.tasks.add(NewTask(title=f"task {n}", created_at=NOW))
    finally:
        database.close()
    return path


def _fill(path: Path, rows: list[dict[str, object]]) -> None:
    """The template's first rows rewritten as `rows` through sqlite3 (as an older
    version might have stored them), the rest deleted."""
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        for task_id, row in enumerate(rows, start=1):
            hours = row["due_hours"]
            due = None if hours is None else to_db_time(NOW + dt.timedelta(hours=float(hours)))  # type: ignore[arg-type]
            done = to_db_time(NOW) if row["status"] == "done" else None
            dropped = to_db_time(NOW) if row["status"] == "dropped" else None
            connection.execute(
                "UPDATE tasks SET title = ?, project = ?, importance = ?, demand = ?,"
                " estimate_minutes = ?, due = ?, status = ?, completed_at = ?,"
                " dropped_at = ?, recur = ? WHERE id = ?",
                (
                    row["title"], row["project"], row["importance"], row["demand"],
                    row["estimate"], due, row["status"], done, dropped, row["recur"], task_id,
                ),
            )  # fmt: skip
        connection.execute("DELETE FROM tasks WHERE id > ?", (len(rows),))


class _Captured:
    value = b""


@contextlib.contextmanager
def _stdout(encoding: str = "utf-8") -> Iterator[_Captured]:
    """sys.stdout as a text stream over bytes, which `.value` holds afterwards."""
    raw, captured = io.BytesIO(), _Captured()
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="\n", write_through=True)
    try:
        with contextlib.redirect_stdout(stream):
            yield captured
    finally:
        stream.flush()
        captured.value = raw.getvalue()
        stream.detach()


def _full(path: Path, *args: str) -> bytes:
    with _stdout() as raw:
        assert focusplan.cli.run(["--db", str(path), "list", *args]) == 0
    return raw.value


def _quick(path: Path, *, show_all: bool) -> bytes:
    with _stdout() as raw:
        assert quick_list(path, show_all=show_all) == 0
    return raw.value


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_ROW, min_size=0, max_size=SLOTS),
    columns=st.sampled_from(["40", "80", "100", "133", "300"]),
)
def test_the_quick_table_is_the_click_commands_byte_for_byte(
    template: Path, rows: list[dict[str, object]], columns: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "person.sqlite3")
        shutil.copyfile(template, path)
        _fill(path, rows)
        environment = {"FOCUSPLAN_NOW": NOW.isoformat(), "COLUMNS": columns}
        with mock.patch.dict(os.environ, environment):
            for args in ((), ("--all",)):
                quick = _quick(path, show_all=bool(args))
                assert quick == _full(path, *args)
        lines = quick.decode().splitlines()
        assert len(lines) == (1 + len(rows) if rows else 1)


def test_a_database_to_migrate_is_left_to_the_full_command(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    migrate_to(path, "0003_plan_inputs")
    with _stdout() as raw:
        assert quick_list(path, show_all=False) is None
    assert raw.value == b""
    assert _full(path) == b"no tasks\n"  # the full command migrated it
    assert _quick(path, show_all=False) == b"no tasks\n"


def test_what_is_not_a_database_is_left_to_the_full_command(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with _stdout() as raw:
        assert quick_list(path, show_all=False) is None
    assert raw.value == b""


def test_a_stream_that_is_not_utf8_is_left_to_the_full_command(template: Path) -> None:
    with _stdout("latin-1") as raw:
        assert quick_list(template, show_all=False) is None
    assert raw.value == b""


def test_a_cold_list_through_the_launcher_never_imports_click_or_pydantic(template: Path) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write("
        "'loaded:' + ','.join(m for m in ('click', 'pydantic', 'sqlalchemy') if m in sys.modules)))\n"
        f"sys.argv = ['focusplan', '--db', {str(template)!r}, 'list']\n"
        "from focusplan.launcher import main\n"
        "main()\n"
    )
    environment = {**os.environ, "FOCUSPLAN_NO_CACHE": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=REPOSITORY,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("loaded:"), result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == [
        str(n) for n in range(1, SLOTS + 1)
    ]

"""`rank` and `list` answered from the answer cache: the same bytes as the full path, and
never an answer that a write, the minute, the arguments or the environment made stale."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import focusplan.cli
from focusplan.launcher import _request_database, run_full
from focusplan.services import answer_cache, read_commands
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import REPOSITORY

READS = [
    ("rank", "--json", "--limit", "20"),
    ("rank",),
    ("rank", "--explain"),
    ("rank", "--json", "--explain", "--limit", "2"),
    ("rank", "--at", "tomorrow 9am", "--json"),
    ("rank", "--energy", "4.5", "--json"),
    ("rank", "--at=in 2h", "--limit=1"),
    ("list",),
    ("list", "--json"),
    ("list", "--all"),
    ("list", "--all", "--json"),
]


class Launcher:
    """`focusplan --db DB ARGS` through the launcher, in this process: what it printed,
    and whether the full command had to run."""

    def __init__(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = db
        self.monkeypatch = monkeypatch
        self.full_runs = 0
        real_run = focusplan.cli.run

        def counting_run(argv: list[str] | None = None) -> int:
            self.full_runs += 1
            return real_run(argv)

        monkeypatch.setattr(focusplan.cli, "run", counting_run)

    def __call__(
        self, *args: str, db_option: str | None = None, global_db: bool = True
    ) -> tuple[bytes, bool]:
        argv = [*(["--db", db_option or str(self.db)] if global_db else []), *args]
        request = read_commands.parse(argv)
        assert request is not None, argv
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
        stderr = io.TextIOWrapper(err, encoding="utf-8", newline="\n")
        before = self.full_runs
        saved_now = os.environ.get("FOCUSPLAN_NOW")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "argv", ["focusplan", *argv])
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            try:
                code = read_commands.answer(request, _request_database(request), run_full)
            finally:
                # The launcher pins the clock for its (one-command) process; not for the test.
                if saved_now is None:
                    os.environ.pop("FOCUSPLAN_NOW", None)
                else:
                    os.environ["FOCUSPLAN_NOW"] = saved_now
        stdout.flush()
        stderr.flush()
        assert code == 0, err.getvalue().decode()
        return out.getvalue(), self.full_runs > before

    def uncached(self, *args: str) -> bytes:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(answer_cache.NO_CACHE_VARIABLE, "1")
            output, ran = self(*args)
        assert ran
        return output


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "focusplan" / "answers"


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime, cache_home: Path) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Draft chapter", "--importance", "5", "--demand", "high", "--due", "fri")
    focusplan.ok("add", "Reply to Anna", "--estimate", "10m", "--project", "mail")
    focusplan.ok("add", "File taxes", "--after", "1", "--tag", "admin")
    return focusplan


@pytest.fixture
def served(fp: Focusplan, monkeypatch: pytest.MonkeyPatch) -> Launcher:
    return Launcher(Path(fp.db), monkeypatch)


def _clear_settings() -> None:
    from focusplan import clock
    from focusplan.settings import load_settings

    load_settings.cache_clear()
    clock._zone_from.cache_clear()


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_question_asked_again_is_answered_from_the_cache_with_the_same_bytes(
    served: Launcher, args: tuple[str, ...]
) -> None:
    first, ran_first = served(*args)
    again, ran_again = served(*args)
    assert (ran_first, ran_again) == (True, False)
    assert again == first == served.uncached(*args)
    assert first.strip()


WRITES = [
    ("add", "Another"),
    ("edit", "2", "--importance", "1"),
    ("edit", "2", "--title", "Reply to Anna today"),
    ("done", "2"),
    ("drop", "2"),
    ("energy", "5"),
    ("focus", "start", "2"),
    ("plan",),
    ("weights", "rollback", "1"),
]


def _warm(served: Launcher) -> dict[tuple[str, ...], bytes]:
    answers = {}
    for args in (("rank", "--json"), ("rank",), ("list", "--all", "--json"), ("list",)):
        served(*args)
        answer, ran = served(*args)
        assert not ran
        answers[args] = answer
    return answers


def _assert_seen(served: Launcher, before: dict[tuple[str, ...], bytes]) -> None:
    for args in before:
        answer, ran = served(*args)
        assert ran, f"{args} answered from a stale cache"
        assert answer == served.uncached(*args)


@pytest.fixture
def app_open(fp: Focusplan) -> Iterator[None]:
    """Another connection open on the database, as the app's: no command's connection
    is then the last one, so none checkpoints the WAL and the database file itself
    (its mtime, its size) stays as it was: only the change counter tells of a write."""
    holder = sqlite3.connect(fp.db)
    holder.execute("SELECT count(*) FROM tasks").fetchone()
    try:
        yield
    finally:
        holder.close()


@pytest.mark.parametrize("write", WRITES, ids=lambda w: " ".join(w))
def test_every_write_command_is_seen_by_the_next_answer(
    served: Launcher, fp: Focusplan, app_open: None, write: tuple[str, ...]
) -> None:
    before = _warm(served)
    file_before = Path(fp.db).stat()
    fp.ok(*write)
    _assert_seen(served, before)
    file_after = Path(fp.db).stat()
    assert (file_after.st_mtime_ns, file_after.st_size) == (
        file_before.st_mtime_ns,
        file_before.st_size,
    )


def test_a_write_is_seen_with_no_other_connection_open(served: Launcher, fp: Focusplan) -> None:
    before = _warm(served)
    fp.ok("add", "Alone")
    _assert_seen(served, before)


def test_a_write_shows_in_the_next_answer(served: Launcher, fp: Focusplan) -> None:
    _warm(served)
    fp.ok("done", "2")
    ranked = json.loads(served("rank", "--json")[0])
    assert 2 not in [item["id"] for item in ranked]
    fp.ok("reopen", "2")
    assert 2 in [item["id"] for item in json.loads(served("rank", "--json")[0])]
    fp.ok("add", "Brand new")
    assert b"Brand new" in served("list")[0]


def test_stopping_a_focus_session_is_seen(served: Launcher, fp: Focusplan) -> None:
    fp.ok("focus", "start", "2", "--at", "2026-11-23T09:30")
    before = _warm(served)
    fp.ok("focus", "stop", "--done")
    _assert_seen(served, before)


def test_an_import_and_a_new_calendar_source_are_seen(
    served: Launcher, fp: Focusplan, tmp_path: Path
) -> None:
    before = _warm(served)
    todo = tmp_path / "todo.txt"
    todo.write_text("(A) Call the bank +money\n")
    fp.ok("import", str(todo))
    _assert_seen(served, before)
    assert b"Call the bank" in served("list")[0]
    before = _warm(served)
    calendar = tmp_path / "work.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:m1\n"
        "DTSTART:20261123T090000Z\nDTEND:20261123T100000Z\nSUMMARY:Standup\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    fp.ok("source", "add", "ics", str(calendar))
    _assert_seen(served, before)


def test_a_calendar_file_that_changed_is_seen(
    served: Launcher, fp: Focusplan, tmp_path: Path
) -> None:
    calendar = tmp_path / "work.ics"
    event = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:m1\n"
        "DTSTART:{start}\nDTEND:{end}\nSUMMARY:Standup\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    calendar.write_text(event.format(start="20261123T120000Z", end="20261123T130000Z"))
    fp.ok("source", "add", "ics", str(calendar))
    before = _warm(served)
    # A meeting starting now changes the meeting load, so the ranking too.
    calendar.write_text(event.format(start="20261123T090000Z", end="20261123T103000Z"))
    _assert_seen(served, before)


def test_a_write_by_another_process_is_seen(served: Launcher, fp: Focusplan) -> None:
    before = _warm(served)
    code = (
        "import sqlite3, sys\n"
        "with sqlite3.connect(sys.argv[1]) as c:\n"
        "    c.execute(\"UPDATE tasks SET title = 'Renamed by hand' WHERE id = 2\")\n"
    )
    subprocess.run([sys.executable, "-c", code, str(fp.db)], check=True)
    _assert_seen(served, before)
    assert b"Renamed by hand" in served("list")[0]


def _same_counter_other_title(db: Path, target: Path, title: str) -> None:
    """`target`: a copy of `db` with task 2 renamed and the change counter put back, so
    that only the file tells them apart."""
    with sqlite3.connect(db) as connection:
        (counter,) = connection.execute("SELECT value FROM change_counter").fetchone()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    with sqlite3.connect(target) as connection:
        connection.execute("UPDATE tasks SET title = ? WHERE id = 2", (title,))
        connection.execute("UPDATE change_counter SET value = ?", (counter,))
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_another_file_under_the_same_name_is_another_database(
    served: Launcher, fp: Focusplan, tmp_path: Path
) -> None:
    db = Path(fp.db)
    _warm(served)
    _same_counter_other_title(db, tmp_path / "moved.sqlite3", "Moved into place")
    os.replace(tmp_path / "moved.sqlite3", db)
    answer, ran = served("list")
    assert ran and b"Moved into place" in answer
    _warm(served)
    _same_counter_other_title(db, tmp_path / "copied.sqlite3", "Copied over it")
    shutil.copyfile(tmp_path / "copied.sqlite3", db)  # the same inode, other bytes
    answer, ran = served("list")
    assert ran and b"Copied over it" in answer


def test_a_failed_write_keeps_the_cached_answers(served: Launcher, fp: Focusplan) -> None:
    _warm(served)
    assert fp("done", "99").code == 2
    assert served("rank", "--json")[1] is False


def test_review_apply_is_seen(
    db_path: Path, frozen_now: dt.datetime, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.test_review_cli import REVIEWED, _build_contrarian

    _build_contrarian(db_path)
    served = Launcher(db_path, monkeypatch)
    before = _warm(served)
    applied = Focusplan(db_path).ok("review", "--week-of", REVIEWED, "--apply", "--json")
    assert applied.json()["applied_version"] == 2
    _assert_seen(served, before)


def test_the_next_minute_is_a_new_question(
    served: Launcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    served("rank", "--json")
    assert served("rank", "--json")[1] is False
    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T10:01:00+01:00")
    answer, ran = served("rank", "--json")
    assert ran and answer == served.uncached("rank", "--json")


def test_the_clock_is_pinned_to_the_last_instant_of_the_minute(
    db_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOCUSPLAN_NOW", raising=False)
    moment = dt.datetime.fromisoformat(read_commands.pin_moment())
    assert (moment.second, moment.microsecond) == (59, 999999)
    assert os.environ["FOCUSPLAN_NOW"] == moment.isoformat()
    monkeypatch.delenv("FOCUSPLAN_NOW")
    # So a task added a moment ago, stamped with the real time, is in the very next answer.
    fp = Focusplan(db_path)
    fp.ok("add", "Just now")
    served = Launcher(db_path, monkeypatch)
    ranked = json.loads(served("rank", "--json")[0])
    assert [item["title"] for item in ranked] == ["Just now"]
    fp.ok("done", "1")
    assert json.loads(served("rank", "--json")[0]) == []


def test_arguments_do_not_collide(served: Launcher) -> None:
    one = json.loads(served("rank", "--json", "--limit", "1")[0])
    two = json.loads(served("rank", "--json", "--limit", "2")[0])
    assert (len(one), len(two)) == (1, 2)
    assert json.loads(served("rank", "--json", "--limit", "1")[0]) == one
    assert served("list", "--json")[0] != served("list")[0]


def test_the_environment_does_not_collide(
    served: Launcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = served("list")[0]
    monkeypatch.setenv("COLUMNS", "140")
    wide, ran = served("list")
    assert ran and wide != narrow and wide == served.uncached("list")
    for name, value in (
        ("FOCUSPLAN_RECENT_ENERGY_MINUTES", "30"),
        ("focusplan_work_start", "07:00"),  # pydantic-settings reads any case
        ("FOCUSPLAN_TZ", "America/New_York"),
    ):
        served("rank", "--json")
        monkeypatch.setenv(name, value)
        _clear_settings()
        answer, ran = served("rank", "--json")
        assert ran, name
        assert answer == served.uncached("rank", "--json")
    served("rank")
    config = Path(os.environ["FOCUSPLAN_CONFIG"])
    config.write_text('work_end = "23:00"\n')
    _clear_settings()
    assert served("rank")[1] is True


def test_the_database_named_by_the_environment_or_the_default_folder(
    tmp_path: Path, frozen_now: dt.datetime, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = Path(os.environ["XDG_DATA_HOME"]) / "focusplan" / "focusplan.sqlite3"
    default.parent.mkdir(parents=True)
    Focusplan(default).ok("add", "In the default database")
    named = tmp_path / "named.sqlite3"
    Focusplan(named).ok("add", "In the named one")
    served = Launcher(default, monkeypatch)
    answer, _ = served("list", global_db=False)
    assert b"In the default database" in answer
    assert served("list", global_db=False) == (answer, False)
    monkeypatch.setenv("FOCUSPLAN_DB", str(named))
    answer, ran = served("list", global_db=False)
    assert ran and b"In the named one" in answer
    assert served("list", global_db=False) == (answer, False)
    Focusplan(named).ok("done", "1")
    assert served("list", global_db=False)[1] is True


def test_two_databases_do_not_collide(
    served: Launcher, fp: Focusplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.sqlite3"
    Focusplan(other).ok("add", "Someone else's task")
    mine = served("list")[0]
    theirs, ran = served("list", db_option=str(other))
    assert ran and b"Someone else" in theirs and b"Someone else" not in mine
    assert served("list")[0] == mine


def _the_entry(cache_home: Path) -> Path:
    (entry,) = cache_home.glob("*.answer")
    return entry


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "key edited"])
def test_a_damaged_entry_is_ignored(served: Launcher, cache_home: Path, damage: str) -> None:
    good, _ = served("list", "--json")
    entry = _the_entry(cache_home)
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff not an answer")
    elif damage == "truncated":
        entry.write_bytes(data[:-10])
    elif damage == "flipped":
        entry.write_bytes(data[:-5] + bytes([data[-5] ^ 0x20]) + data[-4:])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        entry.write_bytes(data.replace(b'"counter":', b'"counter":1', 1))
    answer, ran = served("list", "--json")
    assert ran and answer == good
    assert served("list", "--json") == (good, False)  # stored afresh


def test_no_cache_reads_and_writes_nothing(
    served: Launcher, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(answer_cache.NO_CACHE_VARIABLE, "1")
    served("rank", "--json")
    assert not cache_home.exists() or not list(cache_home.iterdir())
    monkeypatch.delenv(answer_cache.NO_CACHE_VARIABLE)
    served("rank", "--json")
    monkeypatch.setenv(answer_cache.NO_CACHE_VARIABLE, "1")
    assert served("rank", "--json")[1] is True


def test_a_failing_or_unknown_command_line_is_not_cached(
    served: Launcher, cache_home: Path
) -> None:
    argv = ["--db", str(served.db), "rank", "--limit", "0"]
    request = read_commands.parse(argv)
    assert request is not None
    # The full path reads the command line itself (as the launcher leaves it).
    served.monkeypatch.setattr(sys, "argv", ["focusplan", *argv])
    assert read_commands.answer(request, served.db, run_full) == 2
    assert not cache_home.exists() or not list(cache_home.iterdir())
    for argv in (["rank", "--help"], ["list", "--json=1"], ["rank", "--limit"], ["plan"]):
        assert read_commands.parse(argv) is None, argv


def test_entries_are_private_and_bounded(
    served: Launcher, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_cache, "MAX_ENTRIES", 3)
    for limit in range(1, 7):
        served("rank", "--json", "--limit", str(limit))
    entries = list(cache_home.glob("*.answer"))
    assert len(entries) == 3
    for path in (*entries, cache_home, cache_home.parent):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    # The newest survive.
    assert served("rank", "--json", "--limit", "6")[1] is False
    monkeypatch.setattr(answer_cache, "MAX_TOTAL_BYTES", 1)
    served("rank", "--json", "--limit", "1")
    assert len(list(cache_home.glob("*.answer"))) == 1


def test_a_server_url_takes_the_full_path() -> None:
    for location in ("postgresql://me@db.example/focusplan", "sqlite:///x.db?mode=ro", "~/x.db"):
        request = read_commands.parse(["--db", location, "rank", "--json"])
        assert request is not None
        assert _request_database(request) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes any file")
def test_a_read_only_database_is_answered_and_left_without_side_files(
    served: Launcher, fp: Focusplan
) -> None:
    db = Path(fp.db)
    Focusplan(db).ok("list")
    os.chmod(db, 0o400)
    try:
        first, _ = served("rank", "--json")
        answer, ran = served("rank", "--json")
        assert not ran and answer == first
        assert not db.with_name(db.name + "-shm").exists()
    finally:
        os.chmod(db, 0o600)


def _console(db: Path, *args: str, env: dict[str, str]) -> tuple[bytes, list[str]]:
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.stderr.write(json.dumps(sorted(sys.modules))))\n"
        "from focusplan.launcher import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", str(db), *args],
        capture_output=True,
        env=env,
        cwd=REPOSITORY,
        check=True,
    )
    return done.stdout, json.loads(done.stderr.decode().splitlines()[-1])


@pytest.fixture
def console_env(cache_home: Path) -> dict[str, str]:
    return {**os.environ}


def test_the_console_program_answers_a_hit_without_heavy_imports(
    fp: Focusplan, console_env: dict[str, str]
) -> None:
    args = ("rank", "--json", "--limit", "20")
    first, loaded_first = _console(Path(fp.db), *args, env=console_env)
    again, loaded_again = _console(Path(fp.db), *args, env=console_env)
    uncached, _ = _console(
        Path(fp.db), *args, env={**console_env, answer_cache.NO_CACHE_VARIABLE: "1"}
    )
    assert again == first == uncached
    assert "numpy" in loaded_first
    heavy = {"click", "pydantic", "sqlalchemy", "numpy", "textual", "alembic"}
    assert not heavy & {name.split(".")[0] for name in loaded_again}

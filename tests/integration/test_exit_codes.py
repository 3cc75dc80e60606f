"""Exit codes as the contract says: 2 is invalid input only; a lock held too long, a
full disk, a read-only or damaged file exit 1; Ctrl-C exits 130 with nothing half done.

(Read-only and damaged files: test_read_only_spell.py and test_damaged_database.py.)
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import REPOSITORY
from tests.integration.test_bad_input import logical_dump


@pytest.fixture
def fp(db_path: Path, frozen_now: object) -> Focusplan:
    fp = Focusplan(db_path)
    fp.ok("add", "A task")
    return fp


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [("add", "Second"), ("done", "1"), ("energy", "3"), ("edit", "1", "--importance", "5")],
    ids=lambda c: c[0],
)
def test_a_write_lock_held_too_long_exits_1(
    fp: Focusplan, db_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    from focusplan.store import engine

    # The real wait is 10 s; what is pinned is what happens when it runs out.
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_SECONDS", 0.05)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        outcome = fp(*command)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outcome.code == 1, outcome
    assert one_error_line(outcome.err) == (
        f"error: {db_path} is locked: another program kept writing to it for too long; try again"
    )


def test_a_full_disk_while_writing_the_database_exits_1_and_keeps_it_whole(
    fp: Focusplan, db_path: Path
) -> None:
    before = logical_dump(db_path)
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    # Room for the -shm (32 KiB) and a little WAL, not for a task with 19 000 characters
    # of notes. Python ignores SIGXFSZ, so the write fails with EFBIG, as on a full disk.
    limit = 40_000

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "focusplan",
            "--db",
            str(db_path),
            "add",
            "Big",
            "--notes",
            "n" * 19_000,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=full_disk,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "nothing was written" in one_error_line(done.stderr)
    assert logical_dump(db_path) == before


def test_an_unknown_id_is_still_invalid_input(fp: Focusplan) -> None:
    outcome = fp("done", "99")
    assert (outcome.code, outcome.err) == (2, "error: no task 99\n")


# Ctrl-C lands in the middle of the write: after the row went to the database, before
# the commit. The child sends itself a real SIGINT from inside the repository.
_INTERRUPTED_CHILD = textwrap.dedent(
    """
    import signal, sys
    from focusplan.store.quick_write import QuickTasks
    from focusplan.store.repositories.tasks import TaskRepository

    # Ctrl-C as a terminal delivers it, whatever this process inherited: a parent that
    # ignores or blocks SIGINT (a test runner's worker, now and then) would otherwise let
    # the write commit and the test pass or fail by the order the tests ran in.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    # Both ways `add` writes: the full store, and the stdlib path of a current file.
    for repository in (TaskRepository, QuickTasks):
        def add_then_ctrl_c(self, new, real_add=repository.add):
            added = real_add(self, new)
            # To this thread, at once (os.kill may leave it pending until the write is done).
            signal.raise_signal(signal.SIGINT)
            return added

        repository.add = add_then_ctrl_c
    from focusplan.cli import run
    sys.exit(run(sys.argv[1:]))
    """
)


def test_ctrl_c_in_the_middle_of_a_write_exits_130_and_rolls_it_back(
    fp: Focusplan, db_path: Path
) -> None:
    before = logical_dump(db_path)
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_CHILD, "--db", str(db_path), "add", "Half"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    )
    assert done.returncode == 128 + signal.SIGINT, done.stderr
    assert one_error_line(done.stderr) == "error: interrupted; nothing was changed"
    assert done.stdout == ""
    assert logical_dump(db_path) == before


def test_ctrl_c_during_an_import_leaves_none_of_it(
    fp: Focusplan, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.store.repositories.tasks import TaskRepository

    todo = tmp_path / "todo.txt"
    todo.write_text("".join(f"Imported task {n}\n" for n in range(50)))
    before = logical_dump(db_path)
    real = TaskRepository.add_many

    def add_many_then_interrupt(self: TaskRepository, tasks: object) -> object:
        real(self, tasks)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(TaskRepository, "add_many", add_many_then_interrupt)
    outcome = fp("import", str(todo))
    assert outcome.code == 130
    assert one_error_line(outcome.err) == "error: interrupted; nothing was changed"
    assert logical_dump(db_path) == before

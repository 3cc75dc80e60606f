"""The quick write path (store/quick_write.py): the same store as the full one, without SQLAlchemy.

`add`, `done`, `energy` and `edit` on an SQLite file at the head revision run their unit
of work through the stdlib driver. These tests pin that it writes what the full store
writes (same rows, same models), with the same connection settings and the same refusals,
that it hands over to the full store whenever that one is needed, and that the cold
commands really skip SQLAlchemy, Alembic and numpy.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from focusplan.domain import EnergyLogDraft, NewTask, TaskPatch
from focusplan.services.energy_log import log_energy
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, complete_task, edit_task
from focusplan.store import NotFound, open_database
from focusplan.store.quick_write import QuickUnitOfWork, column_lists, open_quick
from focusplan.store.schema_version import HEAD_COLUMNS
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import T0, migrate_to
from tests.unit.test_layering import modules_loaded_by, roots

HOUR = dt.timedelta(hours=1)


def fresh(path: Path) -> Path:
    open_database(path).close()
    return path


def rows(path: Path, table: str, ignore: tuple[str, ...] = ()) -> list[dict[str, object]]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        found = connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        connection.close()
    return [{k: row[k] for k in row.keys() if k not in ignore} for row in found]  # noqa: SIM118


def test_the_head_columns_are_the_records_columns() -> None:
    from focusplan.store.records import Base

    described = {
        table.name: tuple(column.name for column in table.columns)
        for table in Base.metadata.sorted_tables
    }
    assert described == HEAD_COLUMNS
    assert list(HEAD_COLUMNS) == list(described)  # the order the missing ones are named in


def test_the_quick_statements_name_only_real_columns() -> None:
    for table, columns in column_lists().items():
        assert set(columns) <= set(HEAD_COLUMNS[table]), table
    # Every column of a task is written: none is left to a server default by accident.
    assert set(column_lists()["tasks"]) == set(HEAD_COLUMNS["tasks"])


def test_open_quick_hands_over_to_the_full_store_when_it_must(tmp_path: Path) -> None:
    missing = tmp_path / "new.sqlite3"
    assert open_quick(missing) is None
    assert not missing.exists()  # creating it (privately) is the full store's job
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert open_quick(empty) is None
    behind = tmp_path / "behind.sqlite3"
    migrate_to(behind, "0001")
    assert open_quick(behind) is None
    assert isinstance(open_quick(fresh(tmp_path / "head.sqlite3")), QuickUnitOfWork)


def test_a_write_through_a_source_at_an_old_revision_migrates_first(tmp_path: Path) -> None:
    behind = tmp_path / "behind.sqlite3"
    migrate_to(behind, "0001")
    created, _ = add_task(DataSource(str(behind)), NewTask(title="x", created_at=T0))
    assert created.id == 1
    assert open_quick(behind) is not None  # at head now


def test_the_quick_connection_has_the_full_stores_settings(tmp_path: Path) -> None:
    unit = open_quick(fresh(tmp_path / "db.sqlite3"))
    assert unit is not None
    with unit:
        connection = unit._connection
        assert connection is not None
        pragma = lambda name: connection.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000
        assert connection.in_transaction  # BEGIN IMMEDIATE at the start


def test_a_second_quick_writer_waits_for_the_first(tmp_path: Path) -> None:
    path = fresh(tmp_path / "db.sqlite3")
    first = open_quick(path)
    assert first is not None
    with first:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # the write lock is held from BEGIN
        finally:
            other.close()


def test_an_error_inside_rolls_everything_back(tmp_path: Path) -> None:
    path = fresh(tmp_path / "db.sqlite3")
    unit = open_quick(path)
    assert unit is not None
    with pytest.raises(NotFound), unit:  # noqa: PT012 - the write, then the failure
        unit.tasks.add(NewTask(title="kept?", created_at=T0))
        unit.tasks.get(99)
    assert rows(path, "tasks") == []


def test_a_broken_rule_is_refused_in_the_full_stores_words(tmp_path: Path) -> None:
    path = fresh(tmp_path / "db.sqlite3")
    unit = open_quick(path)
    assert unit is not None
    from focusplan.store.errors import Refused

    with pytest.raises(Refused, match="the database refused the change: CHECK constraint"), unit:
        unit.energy.add(EnergyLogDraft.model_construct(at=T0, level=9, note="", source="manual"))
    assert rows(path, "energy_logs") == []


def _actions(source: DataSource, make_task: Callable[..., NewTask]) -> list[object]:
    """add, edit, done and energy as the commands call them; what each returned."""
    results: list[object] = []
    first, step = add_task(source, make_task("first", tags=("a", "b"), due=T0 + 5 * HOUR))
    results += [first, step]
    second, step = add_task(
        source, make_task("second", depends_on=(first.id,), project="p", notes="n")
    )
    results += [second, step]
    results += list(edit_task(source, second.id, TaskPatch(title="second!", tags=("c",))))
    results += list(edit_task(source, second.id, TaskPatch(due=None, depends_on=())))
    weekly, _ = add_task(source, make_task("weekly", recur="weekly", due=T0 + 2 * HOUR))
    results.append(weekly)
    results.append(complete_task(source, first.id, T0 + HOUR, 25))
    results.append(complete_task(source, weekly.id, T0 + 3 * HOUR))
    results += list(log_energy(source, 4, T0 + HOUR, "fine"))
    return results


@pytest.fixture
def series_ids(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Series ids counted from 1 again at each call (they are random uuids otherwise)."""
    counter = itertools.count(1)

    def restart() -> None:
        nonlocal counter
        counter = itertools.count(1)

    monkeypatch.setattr("focusplan.services.tasks._new_series_id", lambda: f"s{next(counter)}")
    return restart


def test_the_quick_path_writes_what_the_full_store_writes(
    tmp_path: Path,
    make_task: Callable[..., NewTask],
    frozen_now: dt.datetime,
    series_ids: Callable[[], None],
) -> None:
    quick_path = fresh(tmp_path / "quick.sqlite3")
    full_path = fresh(tmp_path / "full.sqlite3")
    quick = DataSource(str(quick_path))
    full = DataSource(str(full_path))
    full.database  # noqa: B018 - an open full store: every action goes through it
    assert isinstance(quick.write_unit_of_work(), QuickUnitOfWork)
    assert not isinstance(full.write_unit_of_work(), QuickUnitOfWork)

    # The same models (the undo steps hold them, and undo compares them with the rows).
    quick_results = _actions(quick, make_task)
    series_ids()
    assert quick_results == _actions(full, make_task)
    full.database.close()
    for table in ("tasks", "task_tags", "task_dependencies", "energy_logs", "choices"):
        assert rows(quick_path, table) == rows(full_path, table), table
    # The database's own triggers raise the change counter for these writes too (the
    # ORM may skip an UPDATE that changes nothing, so the two counts need not be equal).
    assert rows(quick_path, "change_counter")[0]["value"] >= 20


def test_completing_the_focused_task_stops_its_session_alike(
    tmp_path: Path, make_task: Callable[..., NewTask], frozen_now: dt.datetime
) -> None:
    from focusplan.services.focus import start_focus

    outcomes = []
    for name in ("quick", "full"):
        path = fresh(tmp_path / f"{name}.sqlite3")
        source = DataSource(str(path))
        task, _ = add_task(source, make_task("focused"))
        start_focus(source, task.id, T0 + HOUR)
        if name == "full":
            source.database  # noqa: B018
        completion = complete_task(source, task.id, T0 + 2 * HOUR)
        outcomes.append((completion.task, completion.stopped_session, completion.undo))
        assert rows(path, "focus_sessions")[0]["end_at"] is not None
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] is not None and outcomes[0][1].minutes(T0 + 2 * HOUR) == 60


def test_the_undo_of_a_quick_write_applies(
    tmp_path: Path, make_task: Callable[..., NewTask]
) -> None:
    from focusplan.services.tasks import get_task, undo

    source = DataSource(str(fresh(tmp_path / "db.sqlite3")))
    task, _ = add_task(source, make_task("x"))
    _, step = edit_task(source, task.id, TaskPatch(title="y"))
    undo(DataSource(source.location), step)  # the guard compares the rows it left
    assert get_task(source, task.id).title == "x"


@pytest.mark.parametrize(
    "command",
    [("add", "x"), ("done", "1"), ("energy", "3"), ("edit", "1", "--project", "p")],
)
def test_the_cold_write_commands_skip_sqlalchemy_alembic_and_numpy(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    db = tmp_path / "db.sqlite3"
    Focusplan(db).ok("add", "first")
    Focusplan(db).ok("add", "second")
    loaded = roots(
        modules_loaded_by(
            f"from focusplan.cli import run\nassert run(['--db', {str(db)!r}, *{command!r}]) == 0"
        )
    )
    assert not loaded & {"sqlalchemy", "alembic", "numpy", "textual", "pydantic_settings"}


# --- the launcher's click-free write path (write_commands) ----------------------------------

# Each command line in turn on two copies of one database: through the launcher's write
# path and through click. `True`: the click-free path must read it; `False`: it must
# leave it to click (and the launcher then runs the full command line).
LAUNCHER_WRITES: list[tuple[tuple[str, ...], bool]] = [
    (("add", "Draft", "chapter", "3"), True),
    (("add", "Plan", "--tag", "a", "--tag", "b,c", "week", "--project", " P "), True),
    (
        (
            "add",
            "All",
            "--importance",
            "5",
            "--demand",
            "high",
            "--estimate",
            "1h30m",
            "--due",
            "fri",
            "--not-before",
            "tomorrow 9am",
            "--window",
            "morning",
            "--notes",
            "n\tx",
            "--after",
            "1",
            "--at",
            "2026-11-23 08:00",
        ),
        True,
    ),
    (("add", "--json", "Scripted"), True),
    (("add", "Cleared", "--due", "", "--estimate", "", "--window", "none"), True),
    (("add", "Unknown dependency", "--after", "99"), True),
    (("add", ""), True),  # the empty title: the model refuses it
    (("add", "x" * 201), True),
    (("add", "Bad", "--due", "someday"), False),
    (("add", "Bad", "--importance", "9"), False),
    (("add", "Loud", "--demand", "HIGH"), False),
    (("add", "Weekly", "--recur", "weekly", "--due", "fri"), False),
    (("add", "--help"), False),
    (("add",), False),
    (("add", "Twice", "--project", "a", "--project", "b"), False),
    (("add", "Eq", "--project=a"), False),
    (("add", "Dash", "--project", "-a"), False),
    (("edit", "2", "--project", "Q", "--due", ""), True),
    (("edit", "2", "--title", "Renamed", "--json"), True),
    (("edit", "2", "--title", ""), True),
    (("edit", "3", "--after", "3"), True),  # a cycle
    (("edit", "99", "--project", "x"), True),
    (("edit", "2"), True),  # nothing to change: the command's usage error
    (("edit", "2", "3", "--project", "x"), False),
    (("edit", "#2", "--project", "x"), False),
    (("done", "1"), True),
    (("done", "1"), True),  # already done
    (("done", "2", "--minutes", "25", "--at", "2 hours ago", "--json"), True),
    (("done", "5", "--minutes", "99999"), False),
    (("done", "0"), False),
    (("done", "99"), True),
    (("done", "4"), True),  # the repeating task: prints its next instance
    (("energy", "3"), True),
    (("energy", "4", "--note", "after lunch", "--at", "13:30", "--json"), True),
    (("energy", "9"), False),
    (("energy", "3", "--note"), False),
]


def _through(path_runs: Callable[[list[str]], int], argv: list[str]) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", newline="\n", write_through=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        code = path_runs(argv)
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_the_click_free_writes_print_write_and_exit_as_click_does(
    tmp_path: Path, frozen_now: dt.datetime
) -> None:
    from focusplan.cli import run
    from focusplan.launcher import run_write

    quick_db = fresh(tmp_path / "quick.sqlite3")
    full_db = fresh(tmp_path / "full.sqlite3")
    for db in (quick_db, full_db):
        for title in ("first", "second", "third"):
            Focusplan(db).ok("add", title)
        Focusplan(db).ok("add", "weekly", "--recur", "weekly", "--due", "fri")
    seen_by_click_free: list[tuple[str, ...]] = []

    def launcher(argv: list[str]) -> int:
        code = run_write(argv)
        if code is None:
            return run(argv)  # what the launcher runs next for a write command line
        seen_by_click_free.append(tuple(argv[2:]))
        return code

    for args, click_free in LAUNCHER_WRITES:
        before = {table: rows(quick_db, table) for table in ("tasks", "energy_logs")}
        quick = _through(launcher, ["--db", str(quick_db), *args])
        full = _through(run, ["--db", str(full_db), *args])
        assert quick == full, args
        assert (args in seen_by_click_free) == click_free, args
        for table in ("tasks", "task_tags", "task_dependencies", "energy_logs", "choices"):
            # A series' id is a random uuid on each side.
            same = (rows(db, table, ignore=("series_id",)) for db in (quick_db, full_db))
            assert next(same) == next(same), (args, table)
        if quick[0] != 0:
            assert quick[2].startswith("error: ") and quick[2].count("\n") == 1, args
            assert {t: rows(quick_db, t) for t in before} == before, args


def test_a_broken_pipe_exits_1_quietly_as_click_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.launcher import run_write

    db = fresh(tmp_path / "db.sqlite3")

    class ClosedPipe(io.StringIO):
        encoding = "utf-8"

        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", err)
    assert run_write(["--db", str(db), "add", "x"]) == 1
    assert err.getvalue() == ""
    assert len(rows(db, "tasks")) == 1  # written before the print, as through click


@pytest.mark.parametrize(
    "command",
    [("add", "x"), ("done", "1"), ("energy", "3"), ("edit", "1", "--project", "p")],
)
def test_a_cold_write_through_the_launcher_loads_no_click_and_no_metadata(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    db = tmp_path / "db.sqlite3"
    Focusplan(db).ok("add", "first")
    Focusplan(db).ok("add", "second")
    loaded = modules_loaded_by(
        "import sys\n"
        f"sys.argv = ['focusplan', '--db', {str(db)!r}, *{command!r}]\n"
        "from focusplan.launcher import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    heavy = {"click", "sqlalchemy", "alembic", "numpy", "textual", "pydantic_settings"}
    assert not roots(loaded) & heavy
    # pydantic's plugin loader (startup.py), the CLI's modules, the models of other commands
    assert not loaded & {"importlib.metadata", "focusplan.cli", "focusplan.domain.ranking"}
    assert not loaded & {"focusplan.domain.plans", "focusplan.domain.events"}


def test_the_read_commands_load_nothing_of_the_write_path(tmp_path: Path) -> None:
    db = fresh(tmp_path / "db.sqlite3")
    loaded = modules_loaded_by(
        "from focusplan.launcher import run_write\n"
        f"assert run_write(['--db', {str(db)!r}, 'rank', '--json']) is None"
    )
    assert not loaded & {"focusplan.write_commands", "focusplan.option_values", "pydantic"}


def test_the_click_free_path_reads_only_the_click_commands_own_options() -> None:
    import click

    from focusplan import write_commands as quick
    from focusplan.cli import cli
    from focusplan.cli.params import ID

    bounds = {quick.LEVEL: (1, 5), quick.MINUTES: (0, 7 * 24 * 60)}
    assert quick._LARGEST_ID == ID.LARGEST
    for command, (argument_kind, options) in quick.COMMANDS.items():
        params = {opt: param for param in cli.commands[command].params for opt in param.opts}
        for option, (name, kind) in options.items():
            param = params[option]
            assert isinstance(param, click.Option), option
            assert param.name == name, (command, option)
            assert param.multiple == (option in quick._REPEATED), (command, option)
            assert param.is_flag == (kind == quick.FLAG), (command, option)
            if isinstance(param.type, click.Choice):
                assert set(param.type.choices) == set(quick._CHOICES[option]), option
            if kind in bounds:
                assert isinstance(param.type, click.IntRange), option
                assert (param.type.min, param.type.max) == bounds[kind], option
        arguments = [p for p in cli.commands[command].params if isinstance(p, click.Argument)]
        assert len(arguments) == 1, command
        assert (arguments[0].nargs == -1) == (argument_kind is None), command
        if argument_kind in bounds:
            level = arguments[0].type
            assert isinstance(level, click.IntRange)
            assert (level.min, level.max) == bounds[argument_kind], command
        if argument_kind == quick.TASK_ID:
            assert arguments[0].type is ID, command


def test_the_quick_eligible_ids_are_the_full_stores(
    tmp_path: Path, make_task: Callable[..., NewTask], frozen_now: dt.datetime
) -> None:
    # `done` records its choice among these ids, read from the columns eligibility needs.
    path = fresh(tmp_path / "db.sqlite3")
    source = DataSource(str(path))
    made = {}
    for title, fields in {
        "plain": {},
        "later": {"created_at": T0 + 5 * HOUR},
        "not yet": {"not_before": T0 + 3 * HOUR},
        "prerequisite": {},
        "dropped": {},
    }.items():
        made[title], _ = add_task(source, make_task(title, **fields))
    made["blocked"], _ = add_task(
        source, make_task("blocked", depends_on=(made["prerequisite"].id,))
    )
    complete_task(source, made["prerequisite"].id, T0 + 2 * HOUR)
    from focusplan.services.tasks import drop_task

    drop_task(source, made["dropped"].id, T0 + 4 * HOUR)
    moments = [T0 - HOUR, T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 6 * HOUR]
    with DataSource(str(path)).write_unit_of_work() as quick:
        assert isinstance(quick, QuickUnitOfWork)
        quick_ids = [quick.tasks.eligible_ids(at) for at in moments]
    source.database  # noqa: B018 - from now on the full store answers
    with source.write_unit_of_work() as full:
        assert not isinstance(full, QuickUnitOfWork)
        assert [full.tasks.eligible_ids(at) for at in moments] == quick_ids
    ids = {title: task.id for title, task in made.items()}
    at_one = set(quick_ids[2])  # T0 + 1 h: the prerequisite still open, "not yet" not yet
    assert ids["plain"] in at_one and ids["prerequisite"] in at_one and ids["dropped"] in at_one
    assert not at_one & {ids["later"], ids["not yet"], ids["blocked"]}
    late = set(quick_ids[5])
    assert ids["blocked"] in late and ids["later"] in late and ids["not yet"] in late
    assert ids["dropped"] not in late and ids["prerequisite"] not in late

"""The layering of DESIGN.md, machine-checked where import-linter cannot look.

The contracts in pyproject.toml (`lint-imports`) read the import statements. Here each
module is imported in a fresh interpreter and `sys.modules` tells what it dragged in
at run time; the import graph is checked for circles; and the faces are checked for
opening units of work, which needs no import of the store at all."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

# Installed with import-linter (the test extra), which builds its graph with it.
import grimp
import pytest

UI_AND_STORAGE = ("textual", "click", "sqlalchemy", "alembic")
ROOT = Path(__file__).resolve().parents[2]


def modules_loaded_by(code: str) -> set[str]:
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "module",
    [
        "focusplan.domain",
        "focusplan.dependency_graph",
        "focusplan.attention.ranking",
        "focusplan.attention.learning",
        "focusplan.energy",
        "focusplan.planner",
        "focusplan.review",
        "focusplan.exchange",
    ],
)
def test_core_modules_import_no_ui_and_no_storage(module: str) -> None:
    loaded = roots(modules_loaded_by(f"import {module}"))
    assert not loaded & set(UI_AND_STORAGE), f"{module} imports {loaded & set(UI_AND_STORAGE)}"


def test_the_weights_defaults_import_no_numpy() -> None:
    # The seeding migration imports them; migrations must not pay for numpy.
    assert "numpy" not in roots(modules_loaded_by("import focusplan.attention.weights"))


def test_the_cli_module_imports_nothing_heavy() -> None:
    loaded = roots(modules_loaded_by("import focusplan.cli"))
    assert not loaded & {"textual", "sqlalchemy", "alembic", "numpy", "pydantic_settings"}


def test_ranking_a_current_database_from_the_cli_skips_sqlalchemy_alembic_and_textual(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    db = str(tmp_path / "db.sqlite3")
    subprocess.run(
        [sys.executable, "-m", "focusplan", "--db", db, "add", "x"], check=True, timeout=60
    )
    loaded = roots(
        modules_loaded_by(
            f"from focusplan.cli import run\nassert run(['--db', {db!r}, 'rank', '--json']) == 0"
        )
    )
    assert not loaded & {"sqlalchemy", "alembic", "textual", "pydantic_settings"}


def first_import_cycle(imports: dict[str, set[str]]) -> list[str] | None:
    try:
        TopologicalSorter(imports).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


def test_no_import_cycle_among_the_package_modules() -> None:
    """Every focusplan module can be read after the modules it imports: no circles.

    Imports inside functions count (they run, only later); imports under
    `TYPE_CHECKING` do not, since they never execute and exist for annotations.
    """
    graph = grimp.build_graph("focusplan", exclude_type_checking_imports=True, cache_dir=None)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    cycle = first_import_cycle(imports)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


_FACE_FILES = sorted(
    str(path.relative_to(ROOT))
    for face in ("cli", "tui")
    for path in (ROOT / "focusplan" / face).rglob("*.py")
)


@pytest.mark.parametrize("face_file", _FACE_FILES)
def test_the_faces_never_open_a_unit_of_work_themselves(face_file: str) -> None:
    """Static imports cannot see this: a face gets a unit of work from DataSource, a
    services object, without importing the store. Every action must be a service."""
    tree = ast.parse((ROOT / face_file).read_text(encoding="utf-8"))
    opened = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"unit_of_work", "read_only"}
    ]
    assert opened == [], f"{face_file} opens a unit of work on lines {opened}"

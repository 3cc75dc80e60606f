"""The layering of DESIGN.md, machine-checked: each module is imported in a fresh
interpreter and `sys.modules` tells what it dragged in."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI_AND_STORAGE = ("textual", "click", "sqlalchemy", "alembic")


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

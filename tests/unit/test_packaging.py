"""The wheel ships every package, including the migrations at the repository root."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_folders() -> set[str]:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "focusplan").rglob("__init__.py")
    }
    found |= {
        "focusplan." + ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "migrations").rglob("__init__.py")
    }
    return found


def test_pyproject_lists_every_package_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(config["packages"]) == package_folders()


def test_the_migrations_ship_inside_the_focusplan_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["focusplan.migrations"] == "migrations"

"""The core never imports Textual: checked in a fresh interpreter through `sys.modules`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = (
    "focusplan.domain",
    "focusplan.attention",
    "focusplan.attention.ranking",
    "focusplan.energy",
    "focusplan.planner",
    "focusplan.store",
    "focusplan.services.tasks",
    "focusplan.services.ranking",
    "focusplan.tui.board",
    "focusplan.tui.actions",
    "focusplan.tui.task_filter",
    "focusplan.tui.focus_clock",
    "focusplan.tui.change_watch",
    "focusplan.tui.launch",
)


def loaded_after_importing(module: str) -> set[str]:
    script = f"import {module}, sys, json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", CORE)
def test_module_imports_no_textual(module: str) -> None:
    loaded = {name.split(".")[0] for name in loaded_after_importing(module)}
    assert "textual" not in loaded


def test_the_app_module_leaves_plotext_to_the_energy_screen() -> None:
    loaded = {name.split(".")[0] for name in loaded_after_importing("focusplan.tui.app")}
    assert "textual" in loaded
    assert not loaded & {"textual_plotext", "plotext", "sqlalchemy"}

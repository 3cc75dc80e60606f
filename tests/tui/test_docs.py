"""The docs stand alone and say what the code does: docs/cli.md and docs/keys.md are
written from the commands and the bindings (docs/generate.py), README links them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_is_what_the_commands_say(generate: ModuleType) -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == generate.cli_reference(), "run .venv/bin/python docs/generate.py"


def test_the_key_reference_is_what_the_bindings_say(generate: ModuleType) -> None:
    written = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    assert written == generate.keys_reference(), "run .venv/bin/python docs/generate.py"


def test_every_command_and_option_is_in_the_reference(generate: ModuleType) -> None:
    import click

    from focusplan.cli import cli

    text = generate.cli_reference()
    for name, command, _ in generate._walk(cli, "focusplan", None):
        assert f"## {name}\n" in text
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.opts[0] in text, (name, param.opts[0])


def test_the_readme_links_only_inside_the_repository() -> None:
    text = README.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if "://" not in target:
            assert (ROOT / target).exists(), target


def test_every_key_in_the_readme_table_is_a_key_of_the_app(generate: ModuleType) -> None:
    keys = generate.keys_reference()
    known = set(re.findall(r"`([^`]+)`", keys))
    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("| key | where | what |") : readme.index("Every key, screen")]
    for row in [line for line in table.splitlines()[2:] if line.startswith("|")]:
        cell = row.split("|")[1]
        for key in re.findall(r"`([^`]+)`", cell):
            assert key in known, key


def test_the_demo_is_five_weeks_everywhere() -> None:
    from focusplan.cli import cli

    demo = cli.commands["demo"]
    assert "five weeks" in (demo.help or "")
    assert "five weeks" in README.read_text(encoding="utf-8")
    for path in [README, *(ROOT / "docs").glob("*.md")]:
        text = path.read_text(encoding="utf-8").lower()
        assert "fortnight" not in text and "sample week" not in text, path

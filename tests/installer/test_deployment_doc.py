"""docs/DEPLOYMENT.md says only true things about this program: its `passeur.toml` examples load with the
real settings, and every `passeur ...` command it shows is accepted by the real command-line parser."""

import re
import shlex
from pathlib import Path

import pytest

from indexer.cli import build_parser
from indexer.settings import SETTINGS_FILE, Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "DEPLOYMENT.md"
TEXT = DOC.read_text(encoding="utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", TEXT, flags=re.DOTALL)
APP_OPTIONS = {"--startup-check", "-v", "--verbose"}


def documented_commands() -> list[str]:
    """`passeur ...` in inline code and at the start of code-block lines (prompt and comments aside)."""
    found = re.findall(r"`(passeur(?: [^`]*)?)`", TEXT)
    for block in re.findall(r"```[a-z]*\n(.*?)```", TEXT, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("passeur "):
                found.append(line)
    return sorted(set(found))


def test_toml_examples_load(tmp_path):
    assert len(TOML_BLOCKS) >= 3
    for n, block in enumerate(TOML_BLOCKS):
        home = tmp_path / f"example-{n}"
        home.mkdir()
        (home / SETTINGS_FILE).write_text(block, encoding="utf-8")
        Settings.load(home)  # raises a PasseurError on an unknown key or a wrong type


def test_full_example_sets_what_the_text_says(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text(TOML_BLOCKS[0], encoding="utf-8")
    settings = Settings.load(tmp_path)
    assert settings.llm.backend == "ollama" and settings.ollama.model == "qwen2.5:7b-instruct"
    assert settings.allowed_hosts == [] and settings.default_profile == "agent"
    assert settings.profiles["agent"] == ["general"] and settings.users["dgs"] == "admin"


@pytest.mark.parametrize("command", documented_commands())
def test_documented_command_is_real(command):
    if command.endswith(" ..."):
        return  # "passeur index ...": a family of commands, not a command line
    args = shlex.split(command)[1:]
    if not args or args[0] == "app":
        assert set(args[1:]) <= APP_OPTIONS, command
        return
    if args in (["--help"], ["-h"]):
        return
    try:
        build_parser().parse_args(args)
    except SystemExit as exc:  # argparse refuses: not a real command line
        pytest.fail(f"{command!r} is not accepted by `passeur` (exit {exc.code})")


def test_commands_were_found():
    commands = documented_commands()
    assert any(c.startswith("passeur index add") for c in commands)
    assert any(c.startswith("passeur audit export") for c in commands)

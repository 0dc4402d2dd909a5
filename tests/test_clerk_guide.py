"""docs/griffie.md, the clerks' guide, names only commands and options assembler has.

Each ``assembler <opdracht>`` in the guide must be a command, and each ``--optie`` written
after it, in the same code span or line of a code block, one of that command's options: a
command or option renamed or removed fails here until the guide says it.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from assembler.cli import main

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "griffie.md"
_CODE_BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"\bassembler ([a-z]+)((?: [^ ]+)*)")


def _commands_written(text: str) -> list[tuple[str, list[str]]]:
    """Every ``assembler <command> …`` in the guide's code, with the options written after it."""
    lines = [line for block in _CODE_BLOCK.findall(text) for line in block.splitlines()]
    lines += _CODE_SPAN.findall(_CODE_BLOCK.sub("", text))
    found = []
    for line in lines:
        for command, rest in _COMMAND.findall(line):
            found.append((command, [word for word in rest.split() if word.startswith("--")]))
    return found


def test_the_clerks_guide_names_only_commands_and_options_there_are() -> None:
    written = _commands_written(GUIDE.read_text(encoding="utf-8"))
    assert len(written) >= 8  # the guide's steps: vergadering, new, check, build, …
    group = main
    assert isinstance(group, click.Group)
    for command, options in written:
        assert command in group.commands, f"docs/griffie.md: 'assembler {command}' bestaat niet"
        known = {opt for param in group.commands[command].params for opt in param.opts}
        known |= {opt for param in group.commands[command].params for opt in param.secondary_opts}
        for option in options:
            assert option in known, f"docs/griffie.md: 'assembler {command} {option}' bestaat niet"


def test_every_option_the_clerks_guide_names_is_one_there_is() -> None:
    """Options named on their own ('geef --overleg mee') too: of some command."""
    group = main
    assert isinstance(group, click.Group)
    known = {
        opt
        for command in group.commands.values()
        for param in command.params
        for opt in (*param.opts, *param.secondary_opts)
    }
    written = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", GUIDE.read_text(encoding="utf-8")))
    assert written, "the guide names no option"
    assert written <= known, f"docs/griffie.md: {sorted(written - known)} bestaan niet"


def test_the_guide_finds_what_it_checks() -> None:
    """The test above reads both code blocks and code spans, options included."""
    text = "Zie `assembler build --force`.\n\n```\nassembler export 2024-x --wacht 5\n```\n"
    assert sorted(_commands_written(text)) == [("build", ["--force"]), ("export", ["--wacht"])]

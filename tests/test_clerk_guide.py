"""docs/griffie.md, the clerks' guide, names only commands and options assembler has, and
shows what assembler says as it says it.

Each ``assembler <opdracht>`` in the guide must be a command, and each ``--optie`` written
after it, in the same code span or line of a code block, one of that command's options: a
command or option renamed or removed fails here until the guide says it. The lines of output
the guide shows are made by following its steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import click

from assembler.cli import main
from tests.conftest import CliResult

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


def _shown_in_guide(prefix: str) -> list[str]:
    """The lines of the guide's code blocks that begin with ``prefix``: what it shows
    assembler say."""
    blocks = _CODE_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    return [line for block in blocks for line in block.splitlines() if line.startswith(prefix)]


def test_what_the_guide_shows_assembler_say_is_what_it_says(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Was: a message quoted at line 11 that a new dossier has at line 10, and no kenmerk said
    where the guide said it was given (guide walk 6, 7)."""
    meeting = "2027-03-12-pfho-economie"  # steps 1 and 2, as the guide takes them
    assert run_cli("vergadering", meeting, cwd=example_project).exit_code == 0
    asked = {
        "--onderwerp": "Aanpak jeugdzorg 2027",
        "--verspreiden": "Ja",
        "--contactpersoon": "Anouk Pols",
        "--eenheid": "Beleid en bestuur",
        "--email": "a.pols@regiogv.nl",
        "--datum": "2027-02-01",  # the kenmerk's year (today's, without it)
    }
    options = [word for pair in asked.items() for word in pair]
    created = run_cli("new", meeting, "jeugdzorg", *options, cwd=example_project)
    assert created.stdout.splitlines() == _shown_in_guide("Aangemaakt:")
    wrong_date, left_open = _shown_in_guide(f"dossiers/{meeting}/")
    checked = run_cli("check", f"dossiers/{meeting}", cwd=example_project)  # step 3
    assert checked.exit_code == 0
    assert left_open in checked.stderr.splitlines()
    dossier = example_project / "dossiers" / meeting / "jeugdzorg" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("datum: 2027-02-01", "datum: 2027-02-30"), encoding="utf-8")
    checked = run_cli("check", f"dossiers/{meeting}", cwd=example_project)
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [wrong_date]

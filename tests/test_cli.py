"""The command line as a clerk meets it: Dutch help, template check, export, publish plan."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import click
import pytest

import assembler
from assembler.cli import _usage_message, main
from tests.conftest import CHECKED_EXAMPLE, ECONOMIE, WONEN, CliResult, python_m

RunCli = Callable[..., CliResult]
ASSEMBLER = Path(sys.executable).parent / "assembler"
REPO = Path(__file__).resolve().parent.parent


def test_help_is_dutch(example_project: Path, run_cli: RunCli) -> None:
    result = run_cli("--help", cwd=example_project)
    assert result.exit_code == 0
    assert result.stdout.startswith("Gebruik: assembler [OPTIES] OPDRACHT [ARGUMENTEN]...")
    assert "Opties:" in result.stdout and "Opdrachten:" in result.stdout
    for command in (
        "build",
        "check",
        "export",
        "new",
        "publish",
        "schema",
        "templates",
        "verplaats",
    ):
        assert f"  {command} " in result.stdout
    assert "Show this message" not in result.stdout
    # Clerk walk: click cut four of the commands' lines off with '...'.
    listed = result.stdout.split("Opdrachten:", 1)[1].splitlines()
    assert [line for line in listed if line.rstrip().endswith("...")] == []


@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["check"],
        ["export"],
        ["new"],
        ["publish"],
        ["schema"],
        ["templates"],
        ["templates", "check"],
        ["verplaats"],
    ],
)
def test_every_command_help_is_dutch(
    example_project: Path, run_cli: RunCli, command: list[str]
) -> None:
    result = run_cli(*command, "--help", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Gebruik: assembler ")
    # Click's own words: its section titles, type names and markers.
    english = re.compile(
        r"\b(Usage|Options|Arguments|Commands|TEXT|INTEGER|FLOAT|PATH|FILENAME|DIRECTORY|"
        r"required|default|Show this message)\b|<=x<="
    )
    assert not english.search(result.stdout), english.findall(result.stdout)


def test_templates_check_clean_and_broken(example_project: Path, run_cli: RunCli) -> None:
    clean = run_cli("templates", "check", cwd=example_project)
    assert clean.exit_code == 0, clean.stderr
    assert clean.stdout == "Sjablonen in orde.\n"

    broken = example_project / "templates" / "memo.docx"
    broken.write_bytes(b"dit is geen docx")
    result = run_cli("templates", "check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.startswith("templates/memo.docx: ")
    # As check ends: how far from done, on stdout.
    assert result.stdout == "Niet in orde: 1 fout in 1 sjabloon.\n"
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 2
    assert "templates/memo.docx: " in check.stderr
    # The memo is valid, but no memo can be made with this template: not called in order.
    assert check.stdout == (
        "Niet in orde: 1 fout in 1 bestand; 5 dossiers in orde; 1 dossier kan niet gemaakt "
        "worden met templates/memo.docx.\n"
    )


def test_version(example_project: Path, run_cli: RunCli) -> None:
    """The version and, run from a git checkout (the editable install), its commit."""
    repo = Path(assembler.__file__).resolve().parent.parent
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for option in ("--version", "-V"):
        result = run_cli(option, cwd=example_project)
        assert result.exit_code == 0
        assert result.stdout == f"assembler {assembler.__version__} ({commit})\n"
    # Major.minor.patch, as the README's Versions paragraph asks a release to raise it.
    assert re.fullmatch(r"\d+\.\d+\.\d+", assembler.__version__), assembler.__version__


def test_version_without_git_or_checkout_is_the_plain_version(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = f"assembler {assembler.__version__}\n"
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no git
    assert run_cli("--version", cwd=example_project).stdout == plain
    monkeypatch.undo()
    # An installed copy (site-packages), not the repository's own folder.
    installed = tmp_path / "site-packages" / "assembler" / "__init__.py"
    monkeypatch.setattr(assembler, "__file__", str(installed))
    assert run_cli("--version", cwd=example_project).stdout == plain


def test_only_version_asks_git(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Other commands do not wait for git."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    asked = tmp_path / "asked"
    git = bin_dir / "git"
    git.write_text(f'#!/bin/sh\necho "$@" >> {asked}\necho abc1234\n', encoding="utf-8")
    git.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert run_cli("check", cwd=example_project).exit_code == 0
    assert run_cli("--help", cwd=example_project).exit_code == 0
    assert not asked.exists()
    said = run_cli("--version", cwd=example_project).stdout
    assert said == f"assembler {assembler.__version__} (abc1234)\n"
    assert asked.exists()


def test_pyproject_version_is_the_package_version() -> None:
    """pyproject.toml takes the version from assembler.__version__, or says the same one."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    if "version" in project:
        assert project["version"] == assembler.__version__
    else:
        assert "version" in project["dynamic"]
        dynamic = data["tool"]["setuptools"]["dynamic"]["version"]
        assert dynamic == {"attr": "assembler.__version__"}


@pytest.mark.slow
def test_export_and_publish_plan_from_the_command_line(example_project: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1685000000", "ASSEMBLER_ODS_TOKEN": "geheim-123"}
    exported = subprocess.run(
        [str(ASSEMBLER), "export", f"dossiers/{ECONOMIE}"],
        cwd=example_project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    said = exported.stdout.splitlines()
    assert said[0] == f"Exportpakket: build/{ECONOMIE}/export"
    # What the package holds, per side (a first export withdraws nothing).
    assert [line.split(":")[0] for line in said[1:]] == ["  openbaar", "  niet-openbaar"]
    manifest = json.loads(
        (example_project / "build" / ECONOMIE / "export" / "openbaar" / "manifest.json").read_text()
    )
    assert manifest
    plan = subprocess.run(
        [
            str(ASSEMBLER),
            "publish",
            f"dossiers/{ECONOMIE}",
            "--naar",
            "https://raad.example.nl/api/ods/v1",
            "--droog",
        ],
        cwd=example_project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plan.returncode == 0, plan.stderr
    assert "POST /vergaderingen" in plan.stdout
    assert plan.stdout.rstrip().endswith("verzoeken gepland).")
    assert "geheim-123" not in plan.stdout + plan.stderr


@pytest.mark.slow
def test_export_says_why_a_meeting_was_not_exported(example_project: Path) -> None:
    # The refused dossier's own message, not only the export's "zie de meldingen hierboven".
    dossier = example_project / "dossiers" / WONEN / "res-voortgang" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("verspreiden: Ja", "verspreiden: Misschien"),
        encoding="utf-8",
    )
    exported = subprocess.run(
        [str(ASSEMBLER), "export"],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert exported.returncode == 1, exported.stderr
    lines = exported.stderr.splitlines()
    refused = next(i for i, line in enumerate(lines) if "verspreiden: 'Misschien'" in line)
    assert lines[refused].startswith(f"dossiers/{WONEN}/res-voortgang/dossier.yaml:")
    assert lines[refused].endswith("(schrijf Ja of Nee)")
    export_line = next(i for i, line in enumerate(lines) if "niet geëxporteerd" in line)
    assert refused < export_line
    said = exported.stdout.splitlines()
    assert said[0] == f"Exportpakket: build/{ECONOMIE}/export" and len(said) == 3, said


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["verplaats"], "fout: DOSSIERMAP ontbreekt (zie 'assembler verplaats --help')"),
        # Was "url ontbreekt": the option's name inside the code.
        (
            ["publish", f"dossiers/{WONEN}", "--droog"],
            "fout: de optie --naar ontbreekt (zie 'assembler publish --help')",
        ),
        (["bouw"], "fout: onbekende opdracht 'bouw': bedoelt u 'build'? (zie 'assembler --help')"),
        (["nieuw"], "fout: onbekende opdracht 'nieuw': bedoelt u 'new'? (zie 'assembler --help')"),
        (
            ["biuld"],
            "fout: onbekende opdracht 'biuld': bedoelt u 'build'? (zie 'assembler --help')",
        ),
        (
            ["controlere"],
            "fout: onbekende opdracht 'controlere': bedoelt u 'check'? (zie 'assembler --help')",
        ),
        (["opruimen"], "fout: onbekende opdracht 'opruimen' (zie 'assembler --help')"),
        # 'maak' is build, new and vergadering alike: no guess.
        (["maak"], "fout: onbekende opdracht 'maak' (zie 'assembler --help')"),
        (
            ["templates-check"],
            "fout: onbekende opdracht 'templates-check': bedoelt u 'templates check'? (zie "
            "'assembler --help')",
        ),
        (
            ["templatescheck"],
            "fout: onbekende opdracht 'templatescheck': bedoelt u 'templates check'? (zie "
            "'assembler --help')",
        ),
        (["build", "--bla"], "fout: onbekende optie --bla (zie 'assembler build --help')"),
        (
            ["build", "--jobs", "0"],
            "fout: ongeldige waarde voor --jobs: geef een geheel getal van 1 tot en met 64 "
            "(zie 'assembler build --help')",
        ),
        (
            ["build", "--timeout", "lang"],
            "fout: ongeldige waarde voor --timeout: geef een getal van 1 tot en met 3600 "
            "(zie 'assembler build --help')",
        ),
        # Was "zie 'assembler --help'": click gives no context for an option without value.
        (["build", "-j"], "fout: optie -j heeft een waarde nodig (zie 'assembler build --help')"),
        (
            ["publish", f"dossiers/{WONEN}", "--naar"],
            "fout: optie --naar heeft een waarde nodig (zie 'assembler publish --help')",
        ),
        (
            ["verplaats", "dossiers/organisatie.yaml", "dossiers"],
            "fout: dossiers/organisatie.yaml: is geen vergadermap of dossiermap (geef de map "
            "van het dossier op)",
        ),
        # Was click's English "Option '--json' does not take a value." (messages review M-L1).
        (
            ["check", "--json=ja"],
            "fout: optie --json neemt geen waarde (schrijf alleen --json) (zie 'assembler check "
            "--help')",
        ),
        (
            ["build", "--force=1"],
            "fout: optie --force neemt geen waarde (schrijf alleen --force) (zie 'assembler "
            "build --help')",
        ),
        # Clerk walk: 'te veel argumenten' did not say that publish takes one meeting.
        (
            ["publish", WONEN, ECONOMIE, "--naar", "https://raad.example.nl/api"],
            f"fout: te veel argumenten ({ECONOMIE}): publish neemt alleen VERGADERMAP (zie "
            "'assembler publish --help')",
        ),
        (
            ["templates", "check", "voorstel"],
            "fout: te veel argumenten (voorstel): templates check neemt geen argumenten (zie "
            "'assembler templates check --help')",
        ),
        (
            ["--version=1"],
            "fout: optie --version neemt geen waarde (schrijf alleen --version) (zie 'assembler "
            "--help')",
        ),
    ],
)
def test_usage_errors_are_dutch_with_exit_2(
    example_project: Path, args: list[str], expected: str
) -> None:
    result = subprocess.run(
        [str(ASSEMBLER), *args], cwd=example_project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == expected + "\n"


@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("--jobs=99", "ongeldige waarde voor --jobs: geef een geheel getal van 1 tot en met 64"),
        ("--bla", "onbekende optie --bla"),
    ],
)
def test_a_usage_error_of_build_json_gives_the_summary_too(
    example_project: Path, option: str, said: str
) -> None:
    """A script that asked for --json reads one shape, whatever went wrong."""
    result = subprocess.run(
        [str(ASSEMBLER), "build", "--json", option],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    message = f"{said} (zie 'assembler build --help')"
    assert json.loads(result.stdout) == {
        "afsluitcode": 2,
        "seconden": 0.0,
        "gebouwd": 0,
        "ongewijzigd": 0,
        "mislukt": 0,
        "agendaregels_afgekeurd": 0,
        "niet_op_agenda": 0,
        "pdfs_weggehaald": 0,
        "dossiers": [],
        "vergaderingen": [],
        "meldingen": [
            {"bestand": "", "regel": None, "veld": "", "melding": message, "ernst": "fout"}
        ],
    }
    assert result.stderr == f"fout: {message}\n"
    assert not (example_project / "build").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "--json", "--bla"], "onbekende optie --bla (zie 'assembler check --help')"),
        (
            ["check", "--json=ja"],
            "optie --json neemt geen waarde (schrijf alleen --json) (zie 'assembler check --help')",
        ),
        (
            ["templates", "check", "--json", "--bla"],
            "onbekende optie --bla (zie 'assembler templates check --help')",
        ),
        (
            ["templates", "check", "--json=ja"],
            "optie --json neemt geen waarde (schrijf alleen --json) (zie 'assembler templates "
            "check --help')",
        ),
    ],
)
def test_a_usage_error_of_check_json_gives_its_list_too(
    example_project: Path, args: list[str], said: str
) -> None:
    """Ops review O8: stdout was empty, where build --json gave its summary; a script reading
    check's list had to handle a wrong option apart."""
    result = subprocess.run(
        [str(ASSEMBLER), *args], cwd=example_project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert json.loads(result.stdout) == [
        {"bestand": "", "regel": None, "veld": "", "melding": said, "ernst": "fout"}
    ]
    assert result.stderr == f"fout: {said}\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_exit_3_not_a_traceback(example_project: Path) -> None:
    """A cron job's log on a full disk; stdout or stderr closed (``>&-``, ``2>&-``)."""
    command = [str(ASSEMBLER), "build", "--geen-pdf", "--json"]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            command, cwd=example_project, stdout=full, stderr=subprocess.PIPE, text=True
        )
    # Was: exit 1 ("input rejected") with "OSError: [Errno 28] No space left on device".
    assert result.returncode == 3
    assert result.stderr == "fout: de uitvoer kon niet geschreven worden: de schijf is vol\n"
    assert (example_project / "build").is_dir()

    def closed(fd: int) -> Callable[[], None]:
        return lambda: os.close(fd)

    # Was: exit 1 after the build, "'NoneType' object has no attribute 'flush'".
    no_stdout = subprocess.run(
        command[:-1], cwd=example_project, preexec_fn=closed(1), stderr=subprocess.PIPE, text=True
    )
    assert no_stdout.returncode == 0, no_stdout.stderr
    assert "Klaar: 0 gebouwd, 6 ongewijzigd" in no_stdout.stderr
    # Was: exit 1 and no summary, "'NoneType' object has no attribute 'isatty'".
    no_stderr = subprocess.run(
        command, cwd=example_project, preexec_fn=closed(2), stdout=subprocess.PIPE, text=True
    )
    assert no_stderr.returncode == 0
    assert json.loads(no_stderr.stdout)["ongewijzigd"] == 6


PIPE_CLOSED = (
    "fout: de uitvoer kon niet geschreven worden: het programma dat haar las, is al gestopt "
    "(een gesloten pijp)"
)


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--json"],
        ["--help"],
        ["build", "--help"],
        ["build", "--geen-pdf", "--json"],
    ],
)
def test_a_pipe_closed_early_exits_3_and_says_so(example_project: Path, args: list[str]) -> None:
    """Ops review O3: 'assembler check | true' and 'build --json | head -c1' exited 1 ("some
    input rejected") with nothing said: click took the broken pipe for itself."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line: EPIPE, every time
    try:
        result = subprocess.run(
            [str(ASSEMBLER), *args],
            cwd=example_project,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines()[-1] == PIPE_CLOSED
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_stdout_closed_at_the_start_is_exit_3_where_output_was_due(
    example_project: Path,
) -> None:
    """Ops review O4: with cron's '>&-' the JSON summary went nowhere, and the exit code was 0."""

    def closed(*fds: int) -> Callable[[], None]:
        return lambda: [os.close(fd) for fd in fds] and None

    said = (
        "fout: de uitvoer kon niet geschreven worden: de standaarduitvoer is gesloten (start de "
        "opdracht met >/dev/null in plaats van >&- als u de uitvoer niet nodig hebt)"
    )
    for args in (["build", "--geen-pdf", "--json"], ["check"], ["check", "--json"]):
        result = subprocess.run(
            [str(ASSEMBLER), *args],
            cwd=example_project,
            preexec_fn=closed(1),
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        assert result.returncode == 3, (args, result.stderr)
        assert result.stderr.splitlines()[-1] == said, args
    # The build itself went on (and its files got no stray output).
    assert len(list((example_project / "build").rglob("*.docx"))) == 10
    # With stderr closed too: no crash, the code alone says it.
    both = subprocess.run(
        [str(ASSEMBLER), "check"], cwd=example_project, preexec_fn=closed(1, 2), check=False
    )
    assert both.returncode == 3
    # Nothing was due on stdout: nothing lost.
    nothing_due = subprocess.run(
        [str(ASSEMBLER), "build", "--geen-pdf"],
        cwd=example_project,
        preexec_fn=closed(1),
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert nothing_due.returncode == 0, nothing_due.stderr


def test_a_descriptor_the_command_was_started_without_is_not_given_to_a_file(
    tmp_path: Path,
) -> None:
    """Started with stdout closed, the first file opened took descriptor 1, and what went to
    the stream (a stop's summary, a child process's messages) into that file."""
    probe = (
        "import os, sys\n"
        "from assembler.launcher import _fill_closed_descriptors\n"
        "_fill_closed_descriptors()\n"
        f"handle = open({str(tmp_path / 'f')!r}, 'w')\n"
        "os.write(2, str(handle.fileno()).encode())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        preexec_fn=lambda: os.close(1),
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stderr) > 2


def test_from_outside_a_project_the_paths_given_find_it(example_project: Path) -> None:
    """Ops review O9: 'cd /tmp && assembler build /pad/naar/project/dossiers/...' said "geen
    project gevonden", so a cron job or CI run had to change folder first."""
    elsewhere = example_project.parent / "elders"
    elsewhere.mkdir()
    meeting = example_project / "dossiers" / ECONOMIE
    built = subprocess.run(
        [str(ASSEMBLER), "build", "--geen-pdf", "--json", str(meeting)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    summary = json.loads(built.stdout)
    assert summary["gebouwd"] == 1
    assert summary["dossiers"][0]["uitvoer"] == [
        f"build/{ECONOMIE}/02-23.0001772-werklocaties/voorstel.docx"
    ]
    assert (example_project / "build" / ECONOMIE / "agenda.docx").is_file()
    assert not (elsewhere / "build").exists()
    # Relative to the working folder too, and a dossier beside a meeting of the same project.
    checked = subprocess.run(
        [
            str(ASSEMBLER),
            "check",
            f"../project/dossiers/{WONEN}",
            f"../project/dossiers/{ECONOMIE}/werklocaties",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stdout) == (0, CHECKED_EXAMPLE), checked.stderr


def test_from_outside_a_project_paths_in_no_project_or_in_two_are_refused(
    example_project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elders"
    (elsewhere / "tweede" / "dossiers").mkdir(parents=True)
    nowhere = "geen project gevonden: er is geen map 'dossiers' in " + str(elsewhere)

    def check(*paths: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ASSEMBLER), "check", *paths],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            check=False,
        )

    alone = check("ergens")
    assert alone.returncode == 2
    assert alone.stderr == (
        f"fout: {nowhere} of erboven (ga met cd naar de projectmap, de map waarin 'dossiers' "
        "staat; alleen voor een nieuw project maakt u zelf een map 'dossiers', of geef een pad "
        "in een project: 'ergens' ligt in geen project)\n"
    )
    meeting = example_project / "dossiers" / ECONOMIE
    two = check(str(meeting), "tweede/dossiers", "ergens")
    assert two.returncode == 2
    assert two.stderr == (
        f"fout: {nowhere} of erboven, en de opgegeven paden liggen niet in één project "
        f"('{meeting}' in {example_project}; 'tweede/dossiers' in {elsewhere / 'tweede'}; "
        "'ergens' in geen project) (ga naar de projectmap, of geef alleen paden in één "
        "project)\n"
    )


def test_the_help_says_how_the_project_is_found(example_project: Path) -> None:
    said = python_m(example_project, "--help", environment={"COLUMNS": "100"}, text=True)
    assert (
        " ".join(said.stdout.split()).count(
            "Het project is de dichtstbijzijnde map met een map dossiers/, gezocht vanaf de map "
            "waarin u staat naar boven. Staat u niet in een project (cron, CI), dan wordt het "
            "gezocht vanaf de opgegeven paden, die dan in één project moeten liggen: assembler "
            "build /pad/naar/project/dossiers/2024-03-15-pfho-economie"
        )
        == 1
    )
    for command in ("build", "check", "export", "publish"):
        text = python_m(example_project, command, "--help", text=True).stdout
        assert "Buiten een project wordt het project gezocht vanaf" in " ".join(text.split())


def _plant_a_warning(project: Path) -> None:
    """A heading without its space in the seed's toelichting: one warning, still built."""
    seed = project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("toelichting: |\n", "toelichting: |\n  ###Kop\n\n", 1), "utf-8")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_summary_that_cannot_be_written_loses_no_message(example_project: Path) -> None:
    """Was: the JSON first, and its refusal left before the messages were said."""
    _plant_a_warning(example_project)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(ASSEMBLER), "build", "--geen-pdf", "--json"],
            cwd=example_project,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert any("'###Kop' wordt geen kopje" in line for line in lines), lines
    assert lines[-1] == "fout: de uitvoer kon niet geschreven worden: de schijf is vol"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_log_that_cannot_be_written_stops_no_build_and_loses_no_summary(
    example_project: Path,
) -> None:
    """stderr on a full disk: the build goes on to the end, a script still gets its JSON,
    and the exit code says that what had to be said was lost."""
    _plant_a_warning(example_project)
    with open("/dev/full", "w") as full:
        # Was: stopped at the first progress line, exit 3, nothing built.
        built = subprocess.run(
            [str(ASSEMBLER), "build", "--geen-pdf"], cwd=example_project, stderr=full
        )
        assert built.returncode == 3
        assert len(list((example_project / "build").rglob("*.docx"))) == 10  # 6 + 4 agendas
        # Was: the messages first, so their failure left stdout without the summary.
        scripted = subprocess.run(
            [str(ASSEMBLER), "build", "--geen-pdf", "--json"],
            cwd=example_project,
            stderr=full,
            stdout=subprocess.PIPE,
            text=True,
        )
    assert scripted.returncode == 3
    summary = json.loads(scripted.stdout)
    assert summary["afsluitcode"] == 0 and summary["ongewijzigd"] == 6
    assert any("###Kop" in m["melding"] for m in summary["meldingen"])


def test_checking_one_dossier_needs_only_its_own_template(
    example_project: Path, run_cli: RunCli
) -> None:
    """A broken voorstel template is no reason to refuse the memo a clerk is working on; it is
    said as a warning, as a build of the memo says it (maintainer review M2)."""
    (example_project / "templates" / "voorstel.docx").write_bytes(b"dit is geen docx")
    memo = "dossiers/2023-06-23-pfho-ruimte-wonen/memo-huisvestingsverordening"
    not_needed = (
        "templates/voorstel.docx: waarschuwing: is geen Word-document (.docx) (sla het sjabloon "
        "in Word op als .docx); het gekozen dossier heeft dit sjabloon niet nodig"
    )
    alone = run_cli("check", memo, cwd=example_project)
    assert alone.exit_code == 0, alone.stderr
    assert alone.stderr.splitlines() == [not_needed]
    assert alone.stdout == "In orde: 1 vergadering, 1 dossier gecontroleerd (1 waarschuwing).\n"
    built = run_cli("build", "--geen-pdf", memo, cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert not_needed in built.stderr.splitlines()
    for whole in ([], ["dossiers/2023-06-23-pfho-ruimte-wonen"]):
        result = run_cli("check", *whole, cwd=example_project)
        assert result.exit_code == 2
        assert result.stderr.startswith("templates/voorstel.docx: ")
    (example_project / "templates" / "agenda.docx").write_bytes(b"dit is geen docx")
    meeting = run_cli(
        "check", "dossiers/2023-06-23-pfho-ruimte-wonen/vergadering.yaml", cwd=example_project
    )
    assert meeting.exit_code == 2 and "templates/agenda.docx: " in meeting.stderr


def test_python_dash_m_runs_the_same_command(example_project: Path) -> None:
    """``python -m assembler`` is the ``assembler`` command, as a developer types it."""
    done = python_m(example_project, "check", text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, CHECKED_EXAMPLE, "")


def test_a_latin_1_terminal_gets_its_json_in_utf_8_and_its_lines_escaped_not_a_traceback(
    example_project: Path,
) -> None:
    """Environment review: under a Latin-1 locale a quoted '•' ended 'check --json' in a
    UnicodeEncodeError, exit 1, after the work was done."""
    dossier = example_project / "dossiers" / "2023-06-23-pfho-ruimte-wonen" / "res-voortgang"
    text = (dossier / "dossier.yaml").read_text(encoding="utf-8")
    pasted = "toelichting: |\n  • eerste punt\n  • tweede punt\n\n"
    (dossier / "dossier.yaml").write_text(
        text.replace("toelichting: |\n", pasted, 1), encoding="utf-8"
    )

    def latin_1(*args: str) -> subprocess.CompletedProcess[bytes]:
        return python_m(example_project, *args, environment={"PYTHONIOENCODING": "latin-1"})

    as_json = latin_1("check", "--json")
    assert as_json.returncode == 0, as_json.stderr.decode("latin-1")
    said = json.loads(as_json.stdout.decode("utf-8"))
    assert any("•" in entry["melding"] for entry in said)
    plain = latin_1("check")
    assert plain.returncode == 0 and b"Traceback" not in plain.stderr
    assert b"\\u2022" in plain.stderr and plain.stdout.startswith(b"In orde:")


def test_the_summary_does_not_say_withdrawn_public_agendas_are_still_there(
    tmp_path: Path,
) -> None:
    """Review: after a dossier became confidential in a meeting that could not be made anew,
    the last line said 'de vorige staan er nog' two lines below the warning that the public
    agenda and meeting bundle were removed."""
    from assembler.build_report import MeetingResult
    from assembler.cli import _meetings_said

    kept = [tmp_path / "agenda.pdf", tmp_path / "vergaderbundel.pdf"]
    confidential = [tmp_path / "agenda-niet-openbaar.pdf"]
    said = _meetings_said(
        [
            MeetingResult("2023-05-26-pfho-economie", "niet bijgewerkt", kept),
            MeetingResult("2023-06-23-pfho-ruimte-wonen", "niet bijgewerkt", confidential),
        ],
        pdf=True,
    )
    assert said == [
        "Agenda's en vergaderbundels van 2023-05-26-pfho-economie niet bijgewerkt: de vorige "
        "staan er nog (zie de meldingen hierboven).",
        "Agenda's en vergaderbundels van 2023-06-23-pfho-ruimte-wonen niet bijgewerkt: de "
        "openbare zijn weggehaald, de niet-openbare staan er nog (zie de meldingen hierboven).",
    ]


@pytest.mark.parametrize(
    ("path_type", "said", "expected"),
    [
        (
            click.Path(file_okay=False),
            "Directory 'dossiers/m' is not writable.",
            "de map 'dossiers/m' kan niet beschreven worden: geen schrijfrechten (controleer de "
            "rechten)",
        ),
        (
            click.Path(dir_okay=False),
            "File 'dossiers/m/dossier.yaml' is not readable.",
            "het bestand 'dossiers/m/dossier.yaml' kan niet gelezen worden: geen leesrechten "
            "(controleer de rechten)",
        ),
        (
            click.Path(dir_okay=False),
            "File 'uit.zip' is not writable.",
            "het bestand 'uit.zip' kan niet beschreven worden: geen schrijfrechten (controleer de "
            "rechten)",
        ),
        (
            click.Path(),
            'Path "Bram\'s map" is not readable.',
            "het bestand 'Bram's map' kan niet gelezen worden: geen leesrechten (controleer de "
            "rechten)",
        ),
        (
            click.Path(dir_okay=False),
            "File 'dossiers' is a directory.",
            "'dossiers' is een map, geen bestand (geef een bestand op)",
        ),
        (
            click.Path(exists=True),
            "Path 'dosiers' does not exist.",
            "'dosiers' bestaat niet (controleer de naam en de map waarin u staat)",
        ),
    ],
    ids=[
        "map-schrijven",
        "bestand-lezen",
        "bestand-schrijven",
        "pad-lezen",
        "is-map",
        "bestaat-niet",
    ],
)
def test_click_path_refusals_are_dutch_and_name_the_path(
    path_type: click.Path, said: str, expected: str
) -> None:
    """click.Path's own checks speak English; each is said in Dutch with its path."""
    argument = click.Argument(["paden"], type=path_type)
    message = _usage_message(click.BadParameter(said, param=argument))
    assert message == f"ongeldige waarde voor PADEN: {expected}"


def test_a_path_that_is_a_readable_folder_is_called_a_folder(tmp_path: Path) -> None:
    argument = click.Argument(["paden"], type=click.Path())
    said = f"Path '{tmp_path}' is not readable."
    assert _usage_message(click.BadParameter(said, param=argument)) == (
        f"ongeldige waarde voor PADEN: de map '{tmp_path}' kan niet gelezen worden: geen "
        "leesrechten (controleer de rechten)"
    )


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            "check",
            "Afsluitcode 0 als alles klopt, 1 bij fouten in vergaderingen of dossiers, 2 bij een "
            "fout in de opdracht, in organisatie.yaml of in een sjabloon, 3 als de uitvoer niet "
            "geschreven kon worden.",
        ),
        (
            "build",
            "Afsluitcode 0 als alles gemaakt is, 1 als er iets is afgekeurd, 2 bij een fout in "
            "de opdracht, in organisatie.yaml of in een sjabloon, 3 bij een probleem met de "
            "omgeving (LibreOffice, de schijf, een build die al loopt, een log dat niet "
            "geschreven kon worden), 130 als de build gestopt is.",
        ),
    ],
)
def test_the_help_states_the_exit_codes_the_command_gives(
    example_project: Path, run_cli: RunCli, command: str, said: str
) -> None:
    """Review docs D3: check's help said only 0 and 1, where a broken template, a wrong key in
    organisatie.yaml or a path that is no meeting gives 2."""
    result = run_cli(command, "--help", cwd=example_project)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert said in text
    assert "4" not in text.split("Afsluitcode", 1)[1].split("Opties:", 1)[0]  # export's only


def test_export_and_publish_help_state_their_exit_codes(
    example_project: Path, run_cli: RunCli
) -> None:
    """Clerk walk: export's help named only 4, publish's none; a gate's refusal 'wrote
    nothing' while the documents in build/ were made."""
    export = " ".join(run_cli("export", "--help", cwd=example_project).stdout.split())
    assert (
        "Afsluitcode 0 als elk pakket gemaakt is; 1 als een vergadering of dossier is afgekeurd "
        "of nog '...' bevat (die vergadering krijgt geen pakket); 2 bij een fout in de opdracht, "
        "in organisatie.yaml of in een sjabloon, of als publicatie.json weg is; 3 als "
        "LibreOffice ontbreekt of de uitvoer niet geschreven kon worden; 4 als er iets "
        "vertrouwelijks in de openbare stukken zou komen: dan wordt er geen pakket geschreven "
        "(de documenten in build/ zijn wel bijgewerkt: geef die niet door)."
    ) in export
    publish = " ".join(run_cli("publish", "--help", cwd=example_project).stdout.split())
    assert (
        "Afsluitcodes als bij export (zie 'assembler export --help'); daarnaast 2 als het token "
        "ontbreekt, het webadres niet klopt of het vergadersysteem de gegevens weigert, en 3 als "
        "het vergadersysteem niet te bereiken is."
    ) in publish


@pytest.mark.parametrize("command", [[], ["templates"]])
def test_a_group_without_a_command_prints_its_help_as_help(
    example_project: Path, command: list[str]
) -> None:
    """Review docs D6: the whole help came on stderr as one error, "fout: Gebruik: ... (zie
    'assembler --help')"."""
    asked = subprocess.run(
        [str(ASSEMBLER), *command, "--help"], cwd=example_project, capture_output=True, text=True
    )
    bare = subprocess.run(
        [str(ASSEMBLER), *command], cwd=example_project, capture_output=True, text=True
    )
    assert (bare.returncode, bare.stdout, bare.stderr) == (2, asked.stdout, "")
    assert bare.stdout.startswith(f"Gebruik: {' '.join(['assembler', *command])} [OPTIES]")


@pytest.mark.parametrize(
    "dossier",
    [
        f"{ECONOMIE}/werklocaties",
        f"dossiers/{ECONOMIE}/werklocaties",
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml",
    ],
)
def test_export_refuses_a_dossier_as_publish_does(
    example_project: Path, run_cli: RunCli, dossier: str
) -> None:
    """Review docs D13: export exported the whole meeting of a dossier given, without a word,
    where publish refused it."""
    result = run_cli("export", dossier, cwd=example_project)
    assert result.exit_code == 2, result.stderr
    where = "is een dossiermap" if dossier.endswith("werklocaties") else "ligt in een dossiermap"
    refused = (
        f"fout: {dossier}: {where}; er wordt altijd een hele vergadering geëxporteerd (geef "
        f"de vergadermap op: dossiers/{ECONOMIE})\n"
    )
    assert result.stderr == refused
    assert not (example_project / "build").exists()
    published = run_cli(
        "publish", dossier, "--naar", "http://127.0.0.1:9/", "--droog", cwd=example_project
    )
    assert published.exit_code == 2
    assert published.stderr == refused
    assert not (example_project / "build").exists()


def test_publish_and_verplaats_take_a_file_in_the_folder_as_that_folder(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: "ongeldige waarde voor VERGADERMAP: dit is een bestand (geef een map op)", where
    export and build take vergadering.yaml as its folder, as the README says (review M-L3)."""
    published = run_cli(
        "publish",
        f"dossiers/{WONEN}/vergadering.yaml",
        "--naar",
        "http://127.0.0.1:9/",
        "--droog",
        cwd=example_project,
    )
    assert published.exit_code == 0, published.stderr
    assert published.stdout.splitlines()[-1] == "Droog: niets verstuurd (24 verzoeken gepland)."
    moved = run_cli(
        "verplaats",
        f"dossiers/{WONEN}/res-voortgang/dossier.yaml",
        ECONOMIE,
        "--toch",
        cwd=example_project,
    )
    assert (moved.exit_code, moved.stderr, moved.stdout) == (
        0,
        "",
        f"Verplaatst naar dossiers/{ECONOMIE}/res-voortgang (bouw opnieuw om beide bij te "
        "werken)\n",
    )


@pytest.mark.parametrize(
    ("command", "path", "said"),
    [
        ("export", "nope", "nope: bestaat niet (geef een vergadermap op)"),
        (
            "export",
            "dossiers/organisatie.yaml",
            "dossiers/organisatie.yaml: is geen vergadermap of dossiermap (geef een vergadermap "
            "op, of niets voor alle vergaderingen)",
        ),
        ("export", "templates", "templates: ligt niet in dossiers (geef een vergadermap op)"),
        ("publish", "nope", "nope: bestaat niet (geef een vergadermap op)"),
        ("publish", "templates", "templates: ligt niet in dossiers (geef een vergadermap op)"),
        (
            "publish",
            "dossiers",
            "dossiers: is de map met alle vergaderingen; er wordt één vergadering tegelijk "
            "gepubliceerd (geef een vergadermap op)",
        ),
    ],
)
def test_export_and_publish_ask_for_what_they_take_a_meeting_folder(
    example_project: Path, run_cli: RunCli, command: str, path: str, said: str
) -> None:
    """Was: export advised "geef een vergadermap of dossiermap op" and then refused the dossier
    folder given; publish said the same mistake otherwise ("is geen vergadermap (geef een map
    met vergadering.yaml)") (messages review M-L2)."""
    options = ("--naar", "http://127.0.0.1:9/", "--droog") if command == "publish" else ()
    result = run_cli(command, path, *options, cwd=example_project)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"fout: {said}\n")
    assert not (example_project / "build").exists()


def test_export_says_a_problem_the_build_said_too_once(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: printed twice in a row, the build's and the export's (messages review M-L4)."""
    from assembler import package
    from assembler.build_report import BuildReport
    from assembler.errors import Problem

    said = Problem(f"dossiers/{WONEN}/vergadering.yaml", 18, "agenda[8]", "let op", "waarschuwing")

    def exported(*_args: object, **_kwargs: object) -> package.ExportReport:
        return package.ExportReport(BuildReport(problems=[said]), problems=[said])

    monkeypatch.setattr(package, "export_meetings", exported)
    result = run_cli("export", cwd=example_project)
    *said_lines, closing = result.stderr.splitlines()
    assert (result.exit_code, said_lines) == (
        0,
        [f"dossiers/{WONEN}/vergadering.yaml:18: waarschuwing: agenda[8]: let op"],
    )
    assert re.fullmatch(r"Klaar: 0 exportpakketten gemaakt in \d+,\d s\.", closing), closing


def test_a_stopped_build_json_still_gives_its_summary(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: Ctrl-C on 'build --json' printed nothing on stdout, where docs/build-json.md
    promises one object whatever happened."""
    from assembler import build
    from assembler.errors import Problem

    def stopped(*_args: object, **_kwargs: object) -> None:
        stop = KeyboardInterrupt()
        stop.problems = [  # type: ignore[attr-defined]  # what a stopped build still said
            Problem("dossiers/x", None, "", "ingetrokken", "waarschuwing")
        ]
        raise stop

    monkeypatch.setattr(build, "build_project", stopped)
    result = run_cli("build", "--json", cwd=example_project)
    stopped_line = (
        "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)"
    )
    assert result.exit_code == 130
    summary = json.loads(result.stdout)
    assert summary["afsluitcode"] == 130
    assert [(m["bestand"], m["melding"]) for m in summary["meldingen"]] == [
        ("dossiers/x", "ingetrokken"),
        ("", stopped_line),
    ]
    assert result.stderr.splitlines() == ["dossiers/x: waarschuwing: ingetrokken", stopped_line]


def test_the_summary_shows_a_meeting_folder_name_that_is_no_utf_8_as_its_message_does(
    example_project: Path,
) -> None:
    """Review uni U5: the last line wrote the literal text '\\udce9' for the byte 0xE9 that the
    message above it shows as the replacement character."""
    dossiers = example_project / "dossiers"
    (dossiers / ECONOMIE).rename(dossiers / os.fsdecode(b"2023-05-26-pfho-\xe9conomie"))
    done = python_m(example_project, "build", "--geen-pdf")
    assert done.returncode == 1
    lines = done.stderr.decode("utf-8").splitlines()
    shown = "dossiers/2023-05-26-pfho-\ufffdconomie"
    assert f"{shown}: de naam van deze vergadermap is geen UTF-8: byte 0xE9" in done.stderr.decode()
    assert lines[-1] == f"Niet alles is gemaakt: 1 fout in {shown} (zie de meldingen hierboven)."
    assert b"\\udc" not in done.stderr


@pytest.mark.parametrize("columns", [80, 40])
@pytest.mark.parametrize(
    ("command", "examples"),
    [
        ("vergadering", ["dossiers/2024-03-15-pfho-economie,", "2024-03-15-pfho-economie"]),
        (
            "verplaats",
            [
                "dossiers/2023-06-23-pfho-ruimte-wonen/res-voortgang,",
                "2023-06-23-pfho-ruimte-wonen/res-voortgang",
                "dossiers/2023-07-07-pfho-ruimte-wonen,",
                "2023-07-07-pfho-ruimte-wonen",
            ],
        ),
    ],
)
def test_help_examples_stay_whole_to_paste_at_any_width(
    example_project: Path, command: str, examples: list[str], columns: int
) -> None:
    """Was: split at a hyphen at 80 columns ('2024-03-15-pfho-' / 'economie'), so a path
    copied from the terminal failed (messages review M-L7)."""
    result = python_m(
        example_project, command, "--help", environment={"COLUMNS": str(columns)}, text=True
    )
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    assert [example for example in examples if example not in words] == []
    assert not re.search(r"\d-\n", result.stdout), result.stdout


# What is said of a file in a dossier folder whose name has the byte 0x82 (a Windows zip's).
_UNLISTED_NOT_UTF8 = (
    "'kaart-\ufffdtage.pdf' ligt in de dossiermap maar staat niet bij de bijlagen, en de naam "
    "van het bestand is geen UTF-8: byte 0x82 is geen teken dat te lezen is (hier getoond als "
    "\ufffd; komt het bestand uit een zip van Windows?) (hernoem het bestand en typ de letter "
    "op die plek opnieuw; voeg het dan toe als bijlage, of haal het weg)"
)


@pytest.mark.parametrize("locale", ["nl_NL.UTF-8", "C.UTF-8"])
def test_json_of_a_file_name_that_is_no_utf_8_is_utf_8_and_no_traceback(
    example_project: Path, locale: str
) -> None:
    """Windows review W1: a file from a Windows zip in a dossier folder ended 'check --json'
    and 'build --json' in a UnicodeEncodeError under nl_NL.UTF-8 (nothing on stdout), and
    wrote its raw byte 0x82 under C.UTF-8: JSON that is no UTF-8. Plain output showed '\ufffd'."""
    relative = f"dossiers/{ECONOMIE}/werklocaties"
    folder = example_project / relative
    (folder / os.fsdecode(b"kaart-\x82tage.pdf")).write_bytes(b"%PDF-1.4\n%%EOF\n")
    lines = (folder / "dossier.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("bijlagen:") + 1
    expected = {
        "bestand": f"{relative}/dossier.yaml",
        "regel": line,
        "veld": "bijlagen",
        "melding": _UNLISTED_NOT_UTF8,
        "ernst": "waarschuwing",
    }
    environment = {"LANG": locale, "LC_ALL": locale}
    checked = python_m(example_project, "check", "--json", relative, environment=environment)
    assert checked.returncode == 0, checked.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in checked.stderr
    assert json.loads(checked.stdout.decode("utf-8")) == [expected]
    meeting = f"dossiers/{ECONOMIE}"
    built = python_m(
        example_project, "build", "--json", "--geen-pdf", meeting, environment=environment
    )
    assert built.returncode == 0, built.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in built.stderr
    summary = json.loads(built.stdout.decode("utf-8"))
    assert (summary["afsluitcode"], summary["gebouwd"], summary["meldingen"]) == (0, 1, [expected])


def _command_paths(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group of the CLI, the top one too, as the words that name it."""
    paths = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*path, name))
        else:
            paths.append((*path, name))
    return paths


def _command_of(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for word in path:
        assert isinstance(command, click.Group)
        command = command.commands[word]
    return command


@pytest.mark.parametrize("columns", [40, 50])
@pytest.mark.parametrize("path", _command_paths(main), ids=lambda path: " ".join(path) or "-")
def test_help_keeps_option_names_whole_in_a_narrow_terminal(
    tmp_path: Path, columns: int, path: tuple[str, ...]
) -> None:
    """Was: at 40 to 50 columns '--ook-niet-openbaar' was split over two lines, by the
    wrapping at its hyphens in the text, and by the terminal folding the options' lines,
    which click laid out 50 wide whatever the terminal."""
    # A process of its own: click's CliRunner lays help out 80 wide whatever COLUMNS says.
    result = python_m(tmp_path, *path, "--help", environment={"COLUMNS": str(columns)}, text=True)
    assert result.returncode == 0, result.stderr
    help_text = result.stdout
    names = {
        name
        for parameter in _command_of(path).params
        if isinstance(parameter, click.Option)
        for name in (*parameter.opts, *parameter.secondary_opts)
    }
    assert names
    whole = r"(?<![\w-]){}(?![\w-])"
    for name in sorted(names):
        lines = [line for line in help_text.splitlines() if re.search(whole.format(name), line)]
        assert lines, f"{name} is not whole in:\n{help_text}"
        # Wider than the terminal, the line would be folded wherever it reaches the edge.
        assert [line for line in lines if len(line) > columns] == [], help_text
    # No line ends in the first part of an option's name ('--ook-niet-').
    assert not re.search(r"(?:^|\s)--?[\w-]*-$", help_text, re.MULTILINE), help_text


@pytest.mark.parametrize("columns", [30, 36, 40, 50])
@pytest.mark.parametrize("path", _command_paths(main), ids=lambda path: " ".join(path) or "-")
def test_help_keeps_web_addresses_and_option_names_whole_in_a_narrow_terminal(
    tmp_path: Path, columns: int, path: tuple[str, ...]
) -> None:
    """Was: at 40 columns 'publish --help' split its example address as
    'https://raad.exampl' / 'e.nl/api/ods/v1', which a clerk copies broken (review I5)."""
    # A process of its own: click's CliRunner lays help out 80 wide whatever COLUMNS says.
    result = python_m(tmp_path, *path, "--help", environment={"COLUMNS": str(columns)}, text=True)
    assert result.returncode == 0, result.stderr
    help_text = result.stdout
    command = _command_of(path)
    helps = [command.help or ""] + [
        parameter.help or "" for parameter in command.params if isinstance(parameter, click.Option)
    ]
    addresses = {word.rstrip(".,;)") for text in helps for word in text.split() if "://" in word}
    words = help_text.split()
    assert [address for address in sorted(addresses) if address not in words] == [], help_text
    names = {
        name
        for parameter in command.params
        if isinstance(parameter, click.Option)
        for name in (*parameter.opts, *parameter.secondary_opts)
    }
    assert [name for name in sorted(names) if name not in re.findall(r"--?[\w-]+", help_text)] == []


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0.04, "0,0 s"), (1.66, "1,7 s"), (59.95, "60,0 s"), (1234.56, "1.234,6 s")],
)
def test_a_commands_time_is_said_in_dutch(seconds: float, said: str) -> None:
    """As build, export and publish end: 'Klaar: … in 1,7 s.' (a decimal comma, and a
    thousands point for a long run, as Dutch writes them)."""
    from assembler.cli import _time_taken

    assert _time_taken(seconds) == said

"""The hints a clerk gets for a name typed slightly wrong: each saves a try (clerk2 review)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assembler.dates import dutch_date
from tests.conftest import ECONOMIE, WONEN, CliResult

RunCli = Callable[..., CliResult]
ASSEMBLER = Path(sys.executable).parent / "assembler"
NOT_YET = (
    "fout: {typed}: bestaat nog niet (maak de vergadering eerst met 'assembler vergadering "
    "{typed}')\n"
)
MEMO = f"dossiers/{WONEN}/memo-huisvestingsverordening/dossier.yaml"


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    changed = re.sub(old, new, text, count=1, flags=re.MULTILINE)
    assert changed != text, old
    path.write_text(changed, encoding="utf-8")


def _line_of(project: Path, relative: str, prefix: str) -> int:
    lines = (project / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(prefix))


def _at_terminal(
    project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], answers: str
) -> Result:
    import assembler.cli
    from assembler.cli import main

    monkeypatch.setattr(assembler.cli, "_interactive", lambda: True)
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, args, input=answers)


# M1: the meeting of the next month is not made yet; another date of it is no typo.


@pytest.mark.parametrize(
    "args",
    [
        ["verplaats", f"{ECONOMIE}/werklocaties", "2027-04-09-pfho-economie"],
        ["new", "2027-04-09-pfho-economie", "x"],
        ["build", "2027-04-09-pfho-economie"],
        ["check", "2027-04-09-pfho-economie"],
    ],
)
def test_a_meeting_not_made_yet_is_said_to_be_made_first(
    example_project: Path, run_cli: RunCli, args: list[str]
) -> None:
    """Was "bestaat niet (bedoelt u '2023-05-26-pfho-economie'?)": another meeting."""
    result = run_cli(*args, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        NOT_YET.format(typed="2027-04-09-pfho-economie"),
    )


@pytest.mark.parametrize("command", ["new", "check", "build"])
@pytest.mark.parametrize("typed", ["2027-4-9-pfho-economie", "09-04-2027-pfho-economie"])
def test_a_meeting_not_made_yet_with_its_date_written_otherwise_is_named_right(
    example_project: Path, run_cli: RunCli, command: str, typed: str
) -> None:
    """Was "bedoelt u '2023-05-26-pfho-economie'?" (a meeting four years old) for the first,
    and no hint for the second (revH H4)."""
    args = [command, typed] + (["x"] if command == "new" else [])
    result = run_cli(*args, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: {typed}: bestaat nog niet (maak de vergadering eerst met 'assembler "
        "vergadering 2027-04-09-pfho-economie')\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["verplaats", f"{ECONOMIE}/werklocaties", "2025-13-01-pfho-economie"],
        ["new", "2023-05-32-pfho-economie", "x"],
        ["check", "dossiers/2023-02-30-pfho-economie"],
    ],
)
def test_a_meeting_of_a_day_that_does_not_exist_is_told_so(
    example_project: Path, run_cli: RunCli, args: list[str]
) -> None:
    """Was "bestaat niet (bedoelt u '2023-05-26-pfho-economie'?)": the meeting the dossier was
    on already, for a month 13 (guide walk F)."""
    typed = args[-2] if args[0] == "new" else args[-1]
    day = typed.removeprefix("dossiers/")[:10]
    result = run_cli(*args, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: {typed}: bestaat niet: '{day}' is geen bestaande datum (schrijf JJJJ-MM-DD)\n",
    )


def test_a_meeting_not_made_yet_is_said_as_typed_and_a_real_typo_still_gets_its_hint(
    example_project: Path, run_cli: RunCli
) -> None:
    typed = "dossiers/2023-07-07-pfho-ruimte-wonen"
    moved = run_cli("verplaats", f"{WONEN}/res-voortgang", typed, cwd=example_project)
    assert (moved.exit_code, moved.stderr) == (2, NOT_YET.format(typed=typed))
    # A name that is not just another date of a meeting series is a typo.
    typo = run_cli("new", f"{ECONOMIE[:-1]}", "x", cwd=example_project)
    assert (typo.exit_code, typo.stderr) == (
        2,
        f"fout: {ECONOMIE[:-1]}: bestaat niet (bedoelt u '{ECONOMIE}'?)\n",
    )
    # A date that does not exist is no meeting to make.
    wrong = run_cli("build", "2027-02-30-pfho-economie", cwd=example_project)
    assert wrong.exit_code == 2
    assert "bestaat nog niet" not in wrong.stderr


# M2: a meeting folder's date written otherwise, and --datum.


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("19-02-2027-pfho-economie", "2027-02-19-pfho-economie"),
        ("2027-2-12-pfho-economie", "2027-02-12-pfho-economie"),
        ("9-4-2027-pfho-economie", "2027-04-09-pfho-economie"),
    ],
)
def test_a_meeting_folder_with_its_date_written_otherwise_gets_the_right_name(
    example_project: Path, run_cli: RunCli, typed: str, meant: str
) -> None:
    """Was "begint niet met een datum … of geef --datum op", a route that made an undated
    folder outside the chain of meetings."""
    result = run_cli("vergadering", typed, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: {typed}: de datum in de mapnaam staat niet in de vorm JJJJ-MM-DD; er is niets "
        f"gemaakt (noem de map {meant})\n",
    )
    assert not (example_project / "dossiers" / typed).exists()


@pytest.mark.parametrize(
    ("typed", "date"),
    [("31-02-2027-pfho-economie", "31-02-2027"), ("2027-2-31-pfho-economie", "2027-2-31")],
)
@pytest.mark.parametrize("datum", [[], ["--datum", "2027-03-03"]])
def test_a_meeting_folder_with_a_date_written_otherwise_that_does_not_exist_is_said_so(
    example_project: Path, run_cli: RunCli, typed: str, date: str, datum: list[str]
) -> None:
    """Was "begint niet met een datum", and with --datum the folder
    2027-03-03-31-02-2027-pfho-economie made (revH H6)."""
    options = ["--overleg", "x", "--aanvang", "09:30", "--locatie", "y"]
    result = run_cli("vergadering", typed, *datum, *options, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: {typed}: de datum in de mapnaam, {date}, bestaat niet; er is niets gemaakt "
        "(geef de map de datum van de vergadering, in de vorm JJJJ-MM-DD)\n",
    )
    made = sorted(path.parent.name for path in example_project.glob("dossiers/*/vergadering.yaml"))
    assert made == sorted([ECONOMIE, WONEN])


def test_datum_puts_the_date_in_front_of_an_undated_name_and_keeps_the_chain(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: dossiers/pfho-economie made without the previous meeting's details, and the next
    meeting's "Verslag" item naming the meeting before it."""
    made = run_cli("vergadering", "pfho-economie", "--datum", "2027-02-19", cwd=example_project)
    assert (made.exit_code, made.stderr) == (0, "")
    assert made.stdout == (
        "Aangemaakt: dossiers/2027-02-19-pfho-economie/vergadering.yaml (zet er dossiers op met "
        "'assembler new')\n"
    )
    assert not (example_project / "dossiers" / "pfho-economie").exists()
    february = example_project / "dossiers" / "2027-02-19-pfho-economie" / "vergadering.yaml"
    text = february.read_text(encoding="utf-8")
    assert "datum: 2027-02-19\n" in text
    assert "Verslag en actielijst van het overleg van 26 mei 2023" in text
    after = run_cli("vergadering", "2027-03-19-pfho-economie", cwd=example_project)
    assert after.exit_code == 0, after.stderr
    march = example_project / "dossiers" / "2027-03-19-pfho-economie" / "vergadering.yaml"
    assert "  - Verslag en actielijst van het overleg van 19 februari 2027\n" in march.read_text(
        encoding="utf-8"
    )
    # Without --datum, the example is the name typed.
    undated = run_cli("vergadering", "pfho-sociaal-maart", cwd=example_project)
    assert (undated.exit_code, undated.stderr) == (
        2,
        "fout: pfho-sociaal-maart: de mapnaam begint niet met een datum; er is niets gemaakt "
        "(noem de map naar de datum, zoals 2024-03-15-pfho-sociaal-maart, of geef --datum op: "
        "die komt dan voor de naam)\n",
    )


# L2: what a clerk types at the questions.


@pytest.mark.parametrize(("typed", "written"), [("j", "Ja"), ("N", "Nee"), ("JA", "Ja")])
def test_new_takes_j_and_n_for_ja_and_nee(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, typed: str, written: str
) -> None:
    """Was "'j' is geen geldige waarde (schrijf Ja of Nee)"."""
    answers = f"Laadpalen\n{typed}\nPiet\nRuimte\np@regiogv.nl\n"
    result = _at_terminal(example_project, monkeypatch, ["new", ECONOMIE, "laadpalen"], answers)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text()
    assert f"\nverspreiden: {written} " in text


@pytest.mark.parametrize(("typed", "meant"), [("9.30 uur", "09:30"), ("14.00u", "14:00")])
def test_a_time_with_uur_is_taken_as_it_is_meant(
    example_project: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: RunCli,
    typed: str,
    meant: str,
) -> None:
    """Was refused with "(schrijf 09:30)" while "9.30" was taken: what "9.30 uur" means is
    as certain (revH H10). At the question, in --aanvang and in vergadering.yaml alike."""
    folder = "2027-01-22-pfho-sociaal-domein"
    answers = f"Pfho Sociaal Domein\n{typed}\nHuizen\n"
    result = _at_terminal(example_project, monkeypatch, ["vergadering", folder], answers)
    assert (result.exit_code, result.stderr) == (0, "")
    text = (example_project / "dossiers" / folder / "vergadering.yaml").read_text()
    assert f'aanvang: "{meant}"' in text  # written as the file keeps it (review clerk3 C7)
    given = run_cli(
        "vergadering", "2027-01-29-pfho-sociaal-domein", "--aanvang", typed, cwd=example_project
    )
    assert (given.exit_code, given.stderr) == (0, "")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    _edit(example_project, meeting, r"^aanvang: .*$", f'aanvang: "{typed}"')
    checked = run_cli("check", ECONOMIE, cwd=example_project)
    assert (checked.exit_code, checked.stderr) == (0, "")
    # The agenda prints it as it prints every time.
    built = run_cli("build", "--geen-pdf", ECONOMIE, cwd=example_project)
    assert built.exit_code == 0, built.stderr
    document = (example_project / "build" / ECONOMIE / "agenda.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        printed = f"{meant.replace(':', '.')} uur"
        assert printed in archive.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize(
    ("typed", "said"),
    [("2 uur", "'02:00' ligt vóór zeven uur 's ochtends (bedoelt u '14:00'?"), ("07:00", None)],
)
def test_a_meeting_before_seven_in_the_morning_is_warned_about(
    example_project: Path, run_cli: RunCli, typed: str, said: str | None
) -> None:
    """Was: '--aanvang "2 uur"' written as 02:00 and printed "Aanvang 02.00 uur" on the agenda
    without a word, where the clerk meant two in the afternoon (guide walk A)."""
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    _edit(example_project, meeting, r"^aanvang: .*$", f'aanvang: "{typed}"')
    checked = run_cli("check", ECONOMIE, cwd=example_project)
    assert checked.exit_code == 0
    if said is None:
        assert checked.stderr == ""
        return
    line = _line_of(example_project, meeting, "aanvang:")
    assert checked.stderr.splitlines() == [
        f"{meeting}:{line}: waarschuwing: aanvang: {said} schrijf een tijd in de middag als 14:00)"
    ]


@pytest.mark.parametrize(("given", "warned"), [("2 uur", True), ("14:00", False)])
def test_vergadering_warns_of_a_meeting_before_seven_as_check_does(
    example_project: Path, run_cli: RunCli, given: str, warned: bool
) -> None:
    """Guide walk: 'assembler vergadering --aanvang "2 uur"' said only 'Aangemaakt', and so
    did the next meeting of the kind, which took its 02:00 over; check and build warned."""
    created = []
    for day, options in (("2027-03-12", ["--aanvang", given]), ("2027-03-26", [])):
        folder = f"dossiers/{day}-pfho-economie"
        made = run_cli("vergadering", folder, *options, cwd=example_project)
        assert made.exit_code == 0, made.stderr
        assert made.stdout.startswith(f"Aangemaakt: {folder}/vergadering.yaml")
        created.append((folder, made.stderr))
    for folder, said in created:
        meeting = f"{folder}/vergadering.yaml"
        expected = (
            [
                f"{meeting}:{_line_of(example_project, meeting, 'aanvang:')}: waarschuwing: "
                "aanvang: '02:00' ligt vóór zeven uur 's ochtends (bedoelt u '14:00'? schrijf "
                "een tijd in de middag als 14:00)"
            ]
            if warned
            else []
        )
        assert said.splitlines() == expected
        checked = run_cli("check", folder.removeprefix("dossiers/"), cwd=example_project)
        assert [line for line in checked.stderr.splitlines() if "aanvang" in line] == expected


def test_vergadering_warns_of_a_day_already_past_with_the_one_likely_meant(
    example_project: Path, run_cli: RunCli
) -> None:
    """Clerk walk: '2026-02-05-…' for February 2027 made a meeting in the past without a word
    (check does not warn: a held meeting is common)."""
    today = date.today()
    past = date(today.year - 1, 2, 5)
    meant = past.replace(year=today.year) if past.replace(year=today.year) >= today else None
    meant = meant or past.replace(year=today.year + 1)
    folder = f"dossiers/{past.isoformat()}-pfho-economie"
    made = run_cli("vergadering", folder, cwd=example_project)
    assert made.exit_code == 0, made.stderr
    meeting = f"{folder}/vergadering.yaml"
    line = _line_of(example_project, meeting, "datum:")
    assert made.stderr.splitlines() == [
        f"{meeting}:{line}: waarschuwing: datum: {dutch_date(past)} is al geweest (is het die "
        f"van {dutch_date(meant)}: haal deze map weg en maak de vergadering opnieuw met "
        f"'assembler vergadering {meant.isoformat()}-pfho-economie')"
    ]
    checked = run_cli("check", folder.removeprefix("dossiers/"), cwd=example_project)
    assert "datum" not in checked.stderr


def test_a_time_that_is_not_one_is_told_the_form_quoted(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    _edit(example_project, meeting, r"^aanvang: .*$", 'aanvang: "25 uur"')
    checked = run_cli("check", ECONOMIE, cwd=example_project)
    line = _line_of(example_project, meeting, "aanvang:")
    assert (checked.exit_code, checked.stderr) == (
        1,
        f"{meeting}:{line}: aanvang: '25 uur' is geen tijd in de vorm UU:MM (schrijf "
        'bijvoorbeeld "14:00")\n',
    )


# L3: "did you mean" where it saves a try.


def test_an_unknown_option_near_a_known_one_is_named(example_project: Path) -> None:
    result = subprocess.run(
        [str(ASSEMBLER), "build", "--forse"],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "fout: onbekende optie --forse: bedoelt u --force? (zie 'assembler build --help')\n",
    )


def test_new_proposes_the_folder_name_it_would_take(example_project: Path, run_cli: RunCli) -> None:
    result = run_cli("new", ECONOMIE, "Woningbouw_2027", cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        "fout: mapnaam: 'Woningbouw_2027' is geen goede mapnaam (gebruik kleine letters, "
        "cijfers en streepjes: noem de map woningbouw-2027)\n",
    )


@pytest.mark.parametrize("command", ["build", "check", "new"])
def test_a_meeting_date_alone_names_the_one_meeting_of_that_day(
    example_project: Path, run_cli: RunCli, command: str
) -> None:
    args = [command, "2023-05-26"] + (["x"] if command == "new" else [])
    result = run_cli(*args, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: 2023-05-26: bestaat niet (bedoelt u '{ECONOMIE}'?)\n",
    )


def test_a_dossier_name_alone_names_the_one_dossier_folder_of_that_name(
    example_project: Path, run_cli: RunCli
) -> None:
    result = run_cli("verplaats", "werklocaties", WONEN, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: werklocaties: bestaat niet (bedoelt u '{ECONOMIE}/werklocaties'?)\n",
    )
    # Two dossiers of that name: no guess.
    twin = example_project / "dossiers" / WONEN / "werklocaties"
    twin.mkdir()
    (twin / "dossier.yaml").write_text("x: 1\n", encoding="utf-8")
    result = run_cli("verplaats", "werklocaties", WONEN, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        "fout: werklocaties: bestaat niet (geef de map van het dossier op)\n",
    )


@pytest.mark.parametrize(
    ("args", "typed"),
    [
        (["export", "werklocaties"], "werklocaties"),
        (["publish", "werklocaties", "--naar", "http://127.0.0.1:9/", "--droog"], "werklocaties"),
        (["export", f"{ECONOMIE}/werklocatie"], f"{ECONOMIE}/werklocatie"),
    ],
)
def test_export_and_publish_are_pointed_at_the_meeting_of_a_dossier_named(
    example_project: Path, run_cli: RunCli, args: list[str], typed: str
) -> None:
    """Was "bedoelt u '2023-05-26-pfho-economie/werklocaties'?", a dossier's path they refuse
    next: a whole meeting is exported (revH H8)."""
    result = run_cli(*args, cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        2,
        f"fout: {typed}: bestaat niet (bedoelt u '{ECONOMIE}', de vergadering van het dossier "
        "werklocaties?)\n",
    )


@pytest.mark.parametrize(("typed", "meant"), [("afzender", "van"), ("ontvanger", "aan")])
def test_a_known_synonym_of_a_key_is_named(
    example_project: Path, run_cli: RunCli, typed: str, meant: str
) -> None:
    """Was "is geen bekend veld (haal het weg; bekende velden: …)", and a second line that
    the key meant was missing."""
    _edit(example_project, MEMO, rf"^{meant}: ", f"{typed}: ")
    result = run_cli("check", f"dossiers/{WONEN}/memo-huisvestingsverordening", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{MEMO}:{_line_of(example_project, MEMO, typed + ':')}: {typed}: is geen bekend veld "
        f"(bedoelt u '{meant}'?)\n"
    )

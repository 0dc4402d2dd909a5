"""`assembler new`: a commented dossier with the next kenmerk, put on the agenda."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from tests.conftest import (
    ARCHIVED_MEETING,
    BUILD_RUNS,
    ECONOMIE,
    MISSING_MEETING,
    NESTED_MEETING,
    WONEN,
    CliResult,
    archive,
    lines_saved_as,
    save_as_on_windows,
)

RunCli = Callable[..., CliResult]

# What new says of the example's next dossier: its kenmerk, and that it is on the agenda.
CREATED = (
    f"Aangemaakt: dossiers/{ECONOMIE}/laadpalen/dossier.yaml (kenmerk 23.0002151; staat op "
    "de agenda)"
)
OPTIONS = [
    "--verspreiden",
    "Ja",
    "--onderwerp",
    "Regionale aanpak laadpalen",
    "--contactpersoon",
    "Piet de Vries",
    "--eenheid",
    "Ruimte en economie",
    "--email",
    "p.devries@regiogv.nl",
    "--datum",
    "2023-05-01",
]


def test_new_dossier_gets_next_kenmerk_and_agenda_entry(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = example_project / "dossiers" / ECONOMIE
    before = (meeting / "vergadering.yaml").read_text(encoding="utf-8")
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{CREATED}\n"
    text = (meeting / "laadpalen" / "dossier.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/dossier.schema.json")
    highest = max(
        int(line.split(".")[1].strip().strip('"'))
        for path in (example_project / "dossiers").glob("*/*/dossier.yaml")
        if path.parent.name != "laadpalen"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("kenmerk: 23.")
    )
    assert f'kenmerk: "23.{highest + 1:07d}"' in text
    assert 'onderwerp: "Regionale aanpak laadpalen"' in text

    after = (meeting / "vergadering.yaml").read_text(encoding="utf-8")
    old_lines = before.splitlines()
    new_lines = after.splitlines()
    assert len(new_lines) == len(old_lines) + 1
    inserted = new_lines.index("  - dossier: laadpalen")
    assert new_lines[inserted - 1] == "  - dossier: werklocaties"
    assert [line for line in new_lines if line != "  - dossier: laadpalen"] == old_lines
    # The new dossier is a valid part of the project at once.
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr
    # Its behandeling row is this meeting's, so the agenda's purpose is not a guess.
    assert "  - datum: 2023-05-26 " in text
    assert '    overleg: "Portefeuillehoudersoverleg Economie"' in text
    assert "geen regel met de datum van de vergadering" not in check.stderr
    # What is left to fill in is pointed out, each at the line of its '...' (the toelichting's
    # below its key).
    shown = f"dossiers/{ECONOMIE}/laadpalen/dossier.yaml"
    unfinished = "bevat nog '...' uit het nieuwe dossier (vul de tekst in)"
    lines = text.splitlines()
    for field, typed in (
        ("voorstel[1]", "  - Instemmen met ..."),
        ("behandeling[1].conclusie", "    conclusie: ..."),
        ("toelichting", "  ..."),
    ):
        line = lines.index(typed) + 1
        assert f"{shown}:{line}: waarschuwing: {field}: {unfinished}\n" in check.stderr, (
            field,
            check.stderr,
        )


def test_soft_hyphens_pasted_into_new_are_not_written_into_the_dossier(
    example_project: Path, run_cli: RunCli
) -> None:
    """Pasted from Word, a soft hyphen went into dossier.yaml unseen (check then left it out
    of the documents without a word): the file now says what the documents will."""
    shy = "\u00ad"
    options = [
        *OPTIONS[:2],
        "--onderwerp",
        f"Regionale aanpak laad{shy}palen",
        "--contactpersoon",
        f"Piet de{shy} Vries",
        "--eenheid",
        f"Ruimte en eco{shy}nomie",
        *OPTIONS[8:],
        "--kenmerk",
        f"23.000{shy}1999",
    ]
    # In the folder's name too: refused, it named two names that looked alike (review revI I4).
    name = f"laad{shy}palen"
    result = run_cli("new", f"dossiers/{ECONOMIE}", name, *options, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text(
        encoding="utf-8"
    )
    assert shy not in text
    agenda = example_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    assert "  - dossier: laadpalen" in agenda.read_text(encoding="utf-8").splitlines()
    for line in (
        'onderwerp: "Regionale aanpak laadpalen"',
        'contactpersoon: "Piet de Vries"',
        'eenheid: "Ruimte en economie"',
        'kenmerk: "23.0001999"',
    ):
        assert line in text.splitlines(), text


def test_new_in_another_year_starts_a_new_sequence(example_project: Path, run_cli: RunCli) -> None:
    options = ["--verspreiden", "NEE", *OPTIONS[2:-1], "2024-01-15"]
    result = run_cli("new", f"dossiers/{WONEN}", "laadpalen", *options, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    text = (example_project / "dossiers" / WONEN / "laadpalen" / "dossier.yaml").read_text()
    assert 'kenmerk: "24.0000001"' in text
    # Confidential from the start, as asked: never a public default.
    assert "\nverspreiden: Nee   " in text


def test_new_without_terminal_names_missing_options(example_project: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "new", f"dossiers/{ECONOMIE}", "laadpalen", "--onderwerp", "X", cwd=example_project
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "fout: gegevens ontbreken: geef --verspreiden, --contactpersoon, --eenheid, --email op "
        "(er is geen terminal om te vragen)\n"
    )
    assert not (example_project / "dossiers" / ECONOMIE / "laadpalen").exists()


def test_new_without_terminal_says_wrong_options_with_the_missing_ones(
    example_project: Path, run_cli: RunCli
) -> None:
    """Guide walk: '--verspreiden misschien' was said only once the missing options were
    given, a second round for what one run could say."""
    result = run_cli(
        "new",
        f"dossiers/{ECONOMIE}",
        "laadpalen",
        *("--onderwerp", "X", "--verspreiden", "misschien", "--email", "pols"),
        cwd=example_project,
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "fout: --verspreiden: 'misschien' is geen geldige waarde (schrijf Ja of Nee)",
        "fout: --email: 'pols' is geen geldig e-mailadres (schrijf bijvoorbeeld a.pols@regiogv.nl)",
        "fout: gegevens ontbreken: geef --contactpersoon, --eenheid op (er is geen terminal om "
        "te vragen)",
    ]
    assert not (example_project / "dossiers" / ECONOMIE / "laadpalen").exists()


def test_new_memo_asks_aan_and_van_and_builds(example_project: Path, run_cli: RunCli) -> None:
    memo = [
        "--sjabloon",
        "memo",
        "--onderwerp",
        "Stand van zaken laadpalen",
        "--verspreiden",
        "ja",
        "--aan",
        "Portefeuillehouders Economie",
        "--van",
        "Anouk Pols, Beleid en bestuur",
        "--datum",
        "2023-05-10",
    ]
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *memo, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    folder = example_project / "dossiers" / ECONOMIE / "laadpalen"
    text = (folder / "dossier.yaml").read_text(encoding="utf-8")
    assert "sjabloon: memo\n" in text
    assert "\nverspreiden: Ja   " in text  # as typed ("ja"), written as the examples write it
    assert 'aan: "Portefeuillehouders Economie"\n' in text
    assert 'van: "Anouk Pols, Beleid en bestuur"\n' in text
    assert "contactpersoon" not in text and "behandeling" not in text
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr
    line = text.splitlines().index("  ...") + 1  # below 'tekst: |'
    assert (
        f"laadpalen/dossier.yaml:{line}: waarschuwing: tekst: bevat nog '...' uit het nieuwe "
        "dossier (vul de tekst in)\n"
    ) in check.stderr, check.stderr
    build = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}/laadpalen", cwd=example_project)
    assert build.exit_code == 0, build.stderr
    assert list((example_project / "build" / ECONOMIE).glob("*-laadpalen/memo.docx"))


def test_new_says_which_values_belong_to_which_kind(example_project: Path, run_cli: RunCli) -> None:
    meeting = f"dossiers/{ECONOMIE}"
    unknown = run_cli("new", meeting, "x", "--sjabloon", "brief", cwd=example_project)
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "fout: --sjabloon: 'brief' kan assembler new niet maken (kies uit: voorstel, memo; "
        "een ander soort dossier maakt u met de hand, naar een voorbeeld)\n"
    )
    mixed = run_cli("new", meeting, "x", "--sjabloon", "memo", *OPTIONS[:6], cwd=example_project)
    assert mixed.exit_code == 2
    assert mixed.stderr == (
        "fout: --contactpersoon: hoort niet bij een memo (geef --onderwerp, --verspreiden, --aan, "
        "--van op)\n"
    )
    missing = run_cli(
        "new", meeting, "x", "--sjabloon", "memo", "--onderwerp", "X", cwd=example_project
    )
    assert missing.exit_code == 2
    assert missing.stderr == (
        "fout: gegevens ontbreken: geef --verspreiden, --aan, --van op (er is geen terminal om "
        "te vragen)\n"
    )
    assert not (example_project / meeting / "x").exists()


def _answered(
    project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], answers: str
) -> Result:
    """``assembler new`` at a terminal, with ``answers`` typed at its questions."""
    import assembler.cli
    from assembler.cli import main

    monkeypatch.setattr(assembler.cli, "_interactive", lambda: True)
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, ["new", *args], input=answers)


SPREAD = "Verspreiden (Ja = openbaar, Nee = vertrouwelijk): "


def test_new_asks_again_for_a_wrong_answer_and_keeps_the_others(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = "Regionale aanpak laadpalen\nJa\nPiet de Vries\nRuimte en economie\n"
    answers += "p.devries@regiogv\np.devries@regiogv.nl\n"  # a typo, then right
    args = [f"dossiers/{ECONOMIE}", "laadpalen", "--datum", "2023-05-01"]
    result = _answered(example_project, monkeypatch, args, answers)
    assert result.exit_code == 0, result.output
    # Said by the question's name, not by an option the clerk never typed.
    assert result.stderr == (
        "fout: E-mailadres: 'p.devries@regiogv' is geen geldig e-mailadres (schrijf "
        "bijvoorbeeld a.pols@regiogv.nl)\n"
    )
    assert result.stdout.count("E-mailadres: ") == 2 and result.stdout.count("Onderwerp: ") == 1
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text()
    assert 'email: "p.devries@regiogv.nl"' in text
    assert 'contactpersoon: "Piet de Vries"' in text


def test_new_refuses_a_wrong_answer_at_its_own_question(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked only after the last question, the refusal then read as a typed answer."""
    answers = "Laadpalen\nmisschien\nnee\nPiet\nRuimte\np@regiogv\np@regiogv.nl\n"
    result = _answered(example_project, monkeypatch, [f"dossiers/{ECONOMIE}", "laadpalen"], answers)
    assert result.exit_code == 0, result.output
    # The terminal shows each refusal on a line of its own, under the answer, and the same
    # question again at once.
    assert result.output.splitlines() == [
        "Onderwerp: Laadpalen",
        f"{SPREAD}misschien",
        "fout: Verspreiden: 'misschien' is geen geldige waarde (schrijf Ja of Nee)",
        f"{SPREAD}nee",
        "Contactpersoon: Piet",
        "Eenheid: Ruimte",
        "E-mailadres: p@regiogv",
        "fout: E-mailadres: 'p@regiogv' is geen geldig e-mailadres (schrijf bijvoorbeeld "
        "a.pols@regiogv.nl)",
        "E-mailadres: p@regiogv.nl",
        CREATED,
    ]
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text()
    assert "\nverspreiden: Nee   " in text and 'email: "p@regiogv.nl"' in text


def test_a_value_a_kind_asks_without_an_option_is_asked_by_its_name(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README, adding a kind: a value no other kind asks, with no option or question of its
    own, is asked by its field name and reaches the outline (not a TypeError)."""
    from assembler import scaffold

    asked = (*scaffold.ASKED["voorstel"], "portefeuillehouder")
    monkeypatch.setitem(scaffold.ASKED, "voorstel", asked)
    outline = scaffold._DOSSIER_TEXT["voorstel"]

    def with_holder(values: scaffold.NewDossier, *rest: Any) -> str:
        holder = scaffold._yaml_text(values.value("portefeuillehouder"))
        return outline(values, *rest).replace(
            "portefeuillehouder:", f"portefeuillehouder: {holder}", 1
        )

    monkeypatch.setitem(scaffold._DOSSIER_TEXT, "voorstel", with_holder)
    args = [f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS]
    result = _answered(example_project, monkeypatch, args, "Wethouder Jansen\n")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Portefeuillehouder: Wethouder Jansen",
        CREATED,
    ]
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text()
    assert yaml.safe_load(text)["portefeuillehouder"] == "Wethouder Jansen"


def test_a_value_without_an_option_is_said_to_need_a_terminal_without_one(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was 'geef --portefeuillehouder op', an option that does not exist."""
    from assembler import scaffold

    monkeypatch.setitem(
        scaffold.ASKED, "voorstel", (*scaffold.ASKED["voorstel"], "portefeuillehouder")
    )
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 2
    assert "--portefeuillehouder" not in result.stderr
    assert (
        "gegevens ontbreken: portefeuillehouder kan alleen gevraagd worden: start 'assembler "
        "new' in een terminal (er is geen terminal om te vragen)"
    ) in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["dossiers", "laadpalen"],
            "fout: dossiers: is geen vergadermap, er staat geen vergadering.yaml in (kies een "
            "map onder dossiers/ met een vergadering.yaml, of maak de vergadering eerst met "
            "'assembler vergadering')\n",
        ),
        (
            [f"dossiers/{ECONOMIE}", "Nieuw Dossier"],
            "fout: mapnaam: 'Nieuw Dossier' is geen goede mapnaam (gebruik kleine letters, "
            "cijfers en streepjes: noem de map nieuw-dossier)\n",
        ),
        (
            [f"dossiers/{ECONOMIE}", "werklocaties"],
            f"fout: dossiers/{ECONOMIE}/werklocaties: bestaat al (kies een andere mapnaam)\n",
        ),
        (  # a wrong option is said before the questions too
            [f"dossiers/{ECONOMIE}", "laadpalen", "--email", "p.devries"],
            "fout: --email: 'p.devries' is geen geldig e-mailadres (schrijf bijvoorbeeld "
            "a.pols@regiogv.nl)\n",
        ),
    ],
    ids=["geen-vergadermap", "mapnaam", "bestaat-al", "optie"],
)
def test_new_refuses_wrong_folders_before_the_first_question(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    """All five answers were asked first, then lost."""
    agenda = (example_project / "dossiers" / ECONOMIE / "vergadering.yaml").read_bytes()
    result = _answered(example_project, monkeypatch, args, "Laadpalen\nJa\nPiet\nRuimte\n")
    assert result.exit_code == 2
    assert result.stderr == said
    assert result.stdout == ""  # not one question asked
    assert (example_project / "dossiers" / ECONOMIE / "vergadering.yaml").read_bytes() == agenda


def test_new_takes_the_bare_name_of_a_meeting_folder(
    example_project: Path, run_cli: RunCli
) -> None:
    """The name the meeting goes by is the first thing a clerk types."""
    result = run_cli("new", ECONOMIE, "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{CREATED}\n"
    agenda = (example_project / "dossiers" / ECONOMIE / "vergadering.yaml").read_text()
    assert "  - dossier: laadpalen\n" in agenda
    # From inside dossiers/ too, and from a dossier folder (a project works from anywhere in it).
    inside = example_project / "dossiers" / ECONOMIE / "werklocaties"
    again = run_cli("new", ECONOMIE, "fietsen", *OPTIONS, cwd=inside)
    assert again.exit_code == 0, again.stderr
    assert (example_project / "dossiers" / ECONOMIE / "fietsen" / "dossier.yaml").is_file()
    # A name that is no meeting does not exist (review life L6: "er staat geen
    # vergadering.yaml in", as if the folder were there); a near one is named, and another
    # date of a meeting series is one still to be made (clerk2 M1).
    unknown = run_cli("new", "2023-05-26-pfho-economi", "x", *OPTIONS, cwd=example_project)
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "fout: 2023-05-26-pfho-economi: bestaat niet (bedoelt u '2023-05-26-pfho-economie'?)\n"
    )
    later = run_cli("new", "2023-05-27-pfho-economie", "x", *OPTIONS, cwd=example_project)
    assert later.stderr == (
        "fout: 2023-05-27-pfho-economie: bestaat nog niet (maak de vergadering eerst met "
        "'assembler vergadering 2023-05-27-pfho-economie')\n"
    )
    # The help says both forms.
    helped = run_cli("new", "--help", cwd=example_project)
    assert (
        "  VERGADERMAP  de map van de vergadering: dossiers/2023-06-23-pfho-ruimte-wonen,\n"
        "               of alleen haar naam: 2023-06-23-pfho-ruimte-wonen\n"
    ) in helped.stdout


@pytest.mark.parametrize(
    ("meeting", "said"),
    [
        (f"dossiers/archief/{WONEN}", f"dossiers/archief/{WONEN}: {NESTED_MEETING}"),
        (WONEN, f"{WONEN}: {ARCHIVED_MEETING.format(WONEN)}"),
        ("2099-01-01-pfho-sociaal", f"2099-01-01-pfho-sociaal: {MISSING_MEETING}"),
    ],
    ids=["archived", "archived-by-name", "missing"],
)
def test_new_refuses_an_archived_or_missing_meeting(
    example_project: Path, run_cli: RunCli, meeting: str, said: str
) -> None:
    """Review life L4 and L6: a dossier was put on an archived meeting, which is never built,
    and a meeting that does not exist was said to have no vergadering.yaml."""
    dossiers = example_project / "dossiers"
    archive(example_project, WONEN)
    before = {path: path.read_bytes() for path in dossiers.rglob("*.yaml")}
    result = run_cli("new", meeting, "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == f"fout: {said}\n"
    assert {path: path.read_bytes() for path in dossiers.rglob("*.yaml")} == before
    assert not list(dossiers.rglob("laadpalen"))


def _new_dossier(example_project: Path, run_cli: RunCli, kind: str) -> str:
    """The dossier.yaml 'new' writes for a voorstel or memo, every value given."""
    values = (
        OPTIONS
        if kind == "voorstel"
        else ["--sjabloon", "memo", *OPTIONS[:4], "--aan", "Iedereen", "--van", "Piet"]
    )
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *values, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    return (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text()


@pytest.mark.parametrize("kind", ["voorstel", "memo"])
def test_the_comments_of_a_new_dossier_start_in_one_column(
    example_project: Path, run_cli: RunCli, kind: str
) -> None:
    """The one after 'datum:' started a column to the left of the others."""
    text = _new_dossier(example_project, run_cli, kind)
    columns = {
        line.split(":")[0]: line.index(" #") + 1
        for line in text.splitlines()
        if re.match(r"[a-z]+:.* #", line)
    }
    assert "datum" in columns and "verspreiden" in columns
    assert set(columns.values()) == {32}, columns


# What the outline of a kind leaves out of its key order on purpose: a voorstel is the kind
# without 'sjabloon'.
LEFT_OUT = {"voorstel": {"sjabloon"}}


@pytest.mark.parametrize("kind", ["voorstel", "memo"])
def test_a_new_dossier_writes_every_key_in_the_kind_s_key_order(
    example_project: Path, run_cli: RunCli, kind: str
) -> None:
    """scaffold.py writes the outlines by hand, while check reports a missing key where it
    belongs in Document.key_order: a field added to one and not the other would go unseen."""
    from assembler.model import DOCUMENT_KINDS

    text = _new_dossier(example_project, run_cli, kind)
    written = list(yaml.safe_load(text))
    order = DOCUMENT_KINDS[kind].key_order
    assert written == [key for key in order if key not in LEFT_OUT.get(kind, set())]


def test_new_refuses_an_existing_folder_and_a_non_meeting(
    example_project: Path, run_cli: RunCli
) -> None:
    exists = run_cli("new", f"dossiers/{ECONOMIE}", "werklocaties", *OPTIONS, cwd=example_project)
    assert exists.exit_code == 2
    assert "bestaat al (kies een andere mapnaam)" in exists.stderr
    not_meeting = run_cli("new", "dossiers", "x", *OPTIONS, cwd=example_project)
    assert not_meeting.exit_code == 2
    assert "is geen vergadermap" in not_meeting.stderr
    agenda = (example_project / "dossiers" / ECONOMIE / "vergadering.yaml").read_bytes()
    too_long = run_cli("new", f"dossiers/{ECONOMIE}", "x" * 250, *OPTIONS, cwd=example_project)
    assert too_long.exit_code == 2  # was a pydantic traceback
    assert (
        too_long.stderr
        == "fout: mapnaam: is te lang: 250 tekens, maximaal 100 (kies een kortere naam voor de "
        "map)\n"
    )
    assert (example_project / "dossiers" / ECONOMIE / "vergadering.yaml").read_bytes() == agenda


def test_a_too_long_meeting_name_asks_for_a_shorter_name(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was "(kort de tekst in)", the advice for a text in a dossier, for a name the clerk
    chooses."""
    name = "2027-01-15-" + "-".join(["pfho-economie"] * 7)
    result = run_cli("vergadering", name, cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: dossiers/{name}: is te lang: {len(name)} tekens, maximaal 100 (kies een "
        "kortere naam voor de map)\n"
    )
    assert not (example_project / "dossiers" / name).exists()


def test_new_says_every_problem_as_the_other_commands_do(
    example_project: Path, run_cli: RunCli
) -> None:
    # Each message starts "fout:" and names what is wrong as a field, like "--datum: ...";
    # problems with option values once started "assembler new:", and a bad folder name
    # named no field.
    bad_name = run_cli(
        "new", f"dossiers/{ECONOMIE}", "Werk_Locaties", *OPTIONS, cwd=example_project
    )
    assert bad_name.exit_code == 2
    assert bad_name.stderr == (
        "fout: mapnaam: 'Werk_Locaties' is geen goede mapnaam (gebruik kleine letters, cijfers "
        "en streepjes: noem de map werk-locaties)\n"
    )
    bad_date = run_cli(
        "new", f"dossiers/{ECONOMIE}", "nieuw", *OPTIONS[:-1], "1 mei", cwd=example_project
    )
    assert bad_date.stderr == (
        "fout: --datum: '1 mei' is geen datum in de vorm JJJJ-MM-DD (schrijf bijvoorbeeld "
        "2023-04-11)\n"
    )
    # Every wrong value at once, the date among them; a value cannot add a key of its own.
    several = run_cli(
        "new",
        f"dossiers/{ECONOMIE}",
        "nieuw",
        *OPTIONS[:-3],
        "p.devries",
        "--datum",
        "1 mei",
        "--kenmerk",
        '23.0000001"\nverspreiden: Nee\n#',
        cwd=example_project,
    )
    assert several.exit_code == 2
    assert several.stderr.splitlines() == [
        "fout: --email: 'p.devries' is geen geldig e-mailadres (schrijf bijvoorbeeld "
        "a.pols@regiogv.nl)",
        "fout: --kenmerk: moet op één regel staan (haal regeleinden en tabs weg)",
        "fout: --datum: '1 mei' is geen datum in de vorm JJJJ-MM-DD (schrijf bijvoorbeeld "
        "2023-04-11)",
    ]
    bad_email = run_cli(
        "new", f"dossiers/{ECONOMIE}", "nieuw", *OPTIONS[:-3], "p.devries", cwd=example_project
    )
    assert bad_email.exit_code == 2
    assert bad_email.stderr == (
        "fout: --email: 'p.devries' is geen geldig e-mailadres (schrijf bijvoorbeeld "
        "a.pols@regiogv.nl)\n"
    )
    assert not (example_project / "dossiers" / ECONOMIE / "nieuw").exists()


def test_schemas_in_the_repository_are_current() -> None:
    from assembler.schema import all_schemas, render_schema

    folder = Path(__file__).resolve().parent.parent / "schemas"
    for name, schema in all_schemas().items():
        committed = (folder / name).read_text(encoding="utf-8")
        assert committed == render_schema(schema), (
            f"schemas/{name} is stale: run '.venv/bin/assembler schema' and commit"
        )


def _model_level(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The nodes of a schema that describe a model or choice list: its root and its $defs."""
    return {"": schema, **schema.get("$defs", {})}


def _texts(node: object, where: str = "") -> list[tuple[str, str, str]]:
    """Every (place, key, text) of a title or description anywhere in a schema."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "description") and isinstance(value, str):
                found.append((where, key, value))
            found += _texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _texts(value, f"{where}/{index}")
    return found


def test_every_title_and_description_in_the_schemas_is_one_written_in_dutch() -> None:
    """An editor shows clerks these texts; pydantic filled them in from the English docstrings
    ("A meeting: its overleg, date, ...") and from the YAML keys ("Publicatie Url", "Tooi")."""
    import inspect

    from assembler import model
    from assembler.schema import ENUM_TEXTS, all_schemas, dossier_schema

    classes = [
        c for _, c in inspect.getmembers(model, inspect.isclass) if c.__module__ == model.__name__
    ]
    docstrings = {inspect.cleandoc(c.__doc__) for c in classes if c.__doc__}
    records = [c for c in classes if issubclass(c, model.Record)]
    # The texts each model writes itself (schema_texts), and each choice list (ENUM_TEXTS).
    written: dict[str, tuple[str, str]] = {
        c.__name__: (c.model_config["title"], c.model_config["json_schema_extra"]["description"])
        for c in records
        if "title" in c.model_config
    }
    written.update({enum.__name__: texts for enum, texts in ENUM_TEXTS.items()})
    assert len(set(written.values())) == len(written), "a model shows the texts of its parent"
    root = dossier_schema()
    roots = {f"{kind}.schema.json": c.__name__ for kind, c in model.DOCUMENT_KINDS.items()}
    roots |= {"vergadering.schema.json": "Vergadering", "organisatie.schema.json": "Organisatie"}
    written["dossier.yaml"] = (root["title"], root["description"])
    roots["dossier.schema.json"] = "dossier.yaml"
    # Field titles a model writes itself; any other is pydantic's, made from the YAML key.
    field_titles = {
        info.title for c in records for info in c.model_fields.values() if info.title is not None
    }

    schemas = all_schemas()
    for name, schema in schemas.items():
        for definition, node in _model_level(schema).items():
            own = definition or roots[name]
            texts = (node.get("title"), node.get("description"))
            assert texts == written.get(own), (name, definition, texts)
        for where, kind, text in _texts(schema):
            assert text not in docstrings, (name, where, text)
            *_, holder, key = ["", *where.split("/")]
            if kind == "title" and holder == "properties":
                # A key of one word is a title as it is ("datum": "Datum"); others are written.
                assert text in field_titles or (key.isalpha() and text == key.capitalize()), (
                    name,
                    where,
                    text,
                )
    titles = {
        field: node["properties"][field]["title"]
        for schema in schemas.values()
        for node in _model_level(schema).values()
        for field in ("tooi", "publicatie_url", "email")
        if field in node.get("properties", {})
    }
    assert titles == {"tooi": "TOOI", "publicatie_url": "Publicatie-URL", "email": "E-mailadres"}


class _TextLoader(yaml.SafeLoader):
    """YAML as assembler reads it: a number or a date is text (kenmerk: 23.0001772)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag.rsplit(":", 1)[1] in ("null", "bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _schema_errors(path: Path) -> dict[str, list[str]]:
    """Per committed schema of a dossier, the keys where it refuses ``path``."""
    import jsonschema

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
    folder = Path(__file__).resolve().parent.parent / "schemas"
    errors = {}
    for name in ("dossier.schema.json", "voorstel.schema.json"):
        schema = json.loads((folder / name).read_text(encoding="utf-8"))
        found = jsonschema.Draft202012Validator(schema).iter_errors(data)
        errors[name] = sorted(".".join(map(str, error.absolute_path)) for error in found)
    return errors


def test_the_schemas_take_a_blank_optional_key_as_check_does(
    example_project: Path, run_cli: RunCli
) -> None:
    """`bijlagen:` with nothing after it is no annexes to check; an editor said "None is not
    of type 'array'". A required key left blank is refused by both."""
    path = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^bijlagen:\n(?:  .*\n)+", "bijlagen:\n", text, flags=re.MULTILINE)
    text = re.sub(r"^behandeling:\n(?:  .*\n)+", 'behandeling: ""\n', text, flags=re.MULTILINE)
    text = re.sub(r"^portefeuillehouder: .*$", "portefeuillehouder:", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    assert run_cli("check", cwd=example_project).exit_code == 0
    assert _schema_errors(path) == {"dossier.schema.json": [], "voorstel.schema.json": []}

    path.write_text(re.sub(r"^onderwerp: .*$", "onderwerp:", text, flags=re.MULTILINE))
    assert run_cli("check", cwd=example_project).exit_code == 1
    assert _schema_errors(path) == {
        "dossier.schema.json": ["onderwerp"],
        "voorstel.schema.json": ["onderwerp"],
    }


def test_examples_point_editors_at_the_schemas() -> None:
    root = Path(__file__).resolve().parent.parent / "dossiers"
    for path in root.glob("*/*/dossier.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../../schemas/dossier.schema.json"
        assert (path.parent / "../../../schemas/dossier.schema.json").resolve().is_file()
    for path in root.glob("*/vergadering.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schemas/vergadering.schema.json"


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's schema check reads it (YAML 1.2): a number is a number, a date text."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _editor_errors(path: Path, schema_name: str) -> list[str]:
    """What an editor marks in ``path`` by the committed schema ``schema_name``."""
    import jsonschema

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)
    folder = Path(__file__).resolve().parent.parent / "schemas"
    schema = json.loads((folder / schema_name).read_text(encoding="utf-8"))
    found = jsonschema.Draft202012Validator(schema).iter_errors(data)
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in found)


def test_an_editor_marks_nothing_in_the_examples_that_check_accepts(
    example_project: Path, run_cli: RunCli
) -> None:
    """An editor read the examples' unquoted `kenmerk: 23.0001772` as a number and marked it;
    `verspreiden: nee` too, which check takes in any case. "Ja " stays refused by both."""
    dossiers = example_project / "dossiers"
    for path in dossiers.glob("*/*/dossier.yaml"):
        assert re.search(r"^kenmerk: \d", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert _editor_errors(path, "dossier.schema.json") == [], path
    for path in dossiers.glob("*/vergadering.yaml"):
        assert _editor_errors(path, "vergadering.schema.json") == [], path
    assert _editor_errors(dossiers / "organisatie.yaml", "organisatie.schema.json") == []

    path = dossiers / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = path.read_text(encoding="utf-8")
    meeting = dossiers / ECONOMIE / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    for written in ("nee", "NEE", "ja"):
        path.write_text(re.sub(r"^verspreiden: .*$", f"verspreiden: {written}", text, flags=re.M))
        meeting.write_text(f"{agenda}geannuleerd: {written}\n", encoding="utf-8")
        assert run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project).exit_code == 0
        assert _editor_errors(path, "dossier.schema.json") == []
        assert _editor_errors(meeting, "vergadering.schema.json") == []

    path.write_text(re.sub(r"^verspreiden: .*$", 'verspreiden: "Ja "', text, flags=re.M))
    assert run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project).exit_code == 1
    assert _editor_errors(path, "dossier.schema.json") != []


def test_new_refuses_values_that_check_would_reject(example_project: Path, run_cli: RunCli) -> None:
    # These used to be written and only rejected by the next check.
    meeting = example_project / "dossiers" / ECONOMIE
    agenda = (meeting / "vergadering.yaml").read_bytes()
    result = run_cli(
        "new",
        f"dossiers/{ECONOMIE}",
        "nieuw",
        "--onderwerp",
        "regel een\nregel twee",
        "--verspreiden",
        "Misschien",
        "--contactpersoon",
        "Anouk Pols",
        "--eenheid",
        "Beleid en bestuur",
        "--email",
        "geen-email",
        "--kenmerk",
        "23.0001772",
        cwd=example_project,
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "fout: --onderwerp: moet op één regel staan (haal regeleinden en tabs weg)",
        "fout: --verspreiden: 'Misschien' is geen geldige waarde (schrijf Ja of Nee)",
        "fout: --email: 'geen-email' is geen geldig e-mailadres (schrijf bijvoorbeeld "
        "a.pols@regiogv.nl)",
        f"fout: --kenmerk: '23.0001772' is al gebruikt in dossiers/{ECONOMIE}/"
        "werklocaties/dossier.yaml (geef elk dossier een eigen kenmerk: zonder --kenmerk "
        "krijgt het dossier het eerstvolgende vrije, 23.0002151)",
    ]
    assert not (meeting / "nieuw").exists()
    assert (meeting / "vergadering.yaml").read_bytes() == agenda


def test_new_refuses_a_kenmerk_an_archived_dossier_holds(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was accepted: only the meetings directly in dossiers/ were read, and check then refused
    the dossier new had just made."""
    archive(example_project, ECONOMIE)
    result = run_cli(
        "new", WONEN, "laadpalen", *OPTIONS, "--kenmerk", "23.0001772", cwd=example_project
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: --kenmerk: '23.0001772' is al gebruikt in dossiers/archief/{ECONOMIE}/"
        "werklocaties/dossier.yaml (geef elk dossier een eigen kenmerk: zonder --kenmerk "
        "krijgt het dossier het eerstvolgende vrije, 23.0002151)\n"
    )
    assert not (example_project / "dossiers" / WONEN / "laadpalen").exists()


def test_new_into_a_full_agenda_says_it_is_full(example_project: Path, run_cli: RunCli) -> None:
    meeting = example_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    text = meeting.read_text()
    start = text.index("agenda:")
    items = "".join(f"  - Punt {number}\n" for number in range(199))
    meeting.write_text(text[:start] + "agenda:\n  - dossier: werklocaties\n" + items)
    before = meeting.read_bytes()
    result = run_cli("new", f"dossiers/{ECONOMIE}", "nieuw", *OPTIONS, cwd=example_project)
    assert result.exit_code == 2  # was a pydantic traceback, in English
    assert result.stderr == (
        f"fout: dossiers/{ECONOMIE}/vergadering.yaml: agenda: de agenda is vol (200 punten, "
        "hoogstens 200); er is niets veranderd (haal een punt weg of kies een andere "
        "vergadering)\n"
    )
    assert meeting.read_bytes() == before
    assert not (example_project / "dossiers" / ECONOMIE / "nieuw").exists()


@pytest.mark.parametrize(
    ("folder", "shown"),
    # A line break in a name is shown as \n: one problem is one line.
    [("werk locaties", "werk locaties"), ("werk\nlocaties", "werk\\nlocaties")],
)
def test_a_folder_name_the_agenda_cannot_hold_gets_advice_to_rename(
    example_project: Path, run_cli: RunCli, folder: str, shown: str
) -> None:
    # The advice used to be to put 'werk locaties' on the agenda, which check then refused.
    meeting = example_project / "dossiers" / ECONOMIE
    (meeting / "werklocaties").rename(meeting / folder)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f"dossiers/{ECONOMIE}/vergadering.yaml:6: agenda: dossiermap '{shown}' staat "
        "niet op de agenda (hernoem de map eerst: alleen letters, cijfers, punten en "
        "streepjes; zet dan die naam op de agenda)"
    ) in lines
    assert all(line.startswith("dossiers/") for line in lines)


def test_a_kenmerk_once_published_is_not_handed_out_again(
    example_project: Path, run_cli: RunCli
) -> None:
    """Its dossier was deleted after an export; the agenda systems still know the number."""
    published = {
        "documenten": {
            "openbaar:oud-dossier/voorstel": {
                "bestandsnaam": "09_23.0009000_voorstel_oud-dossier.pdf",
                "status": "ingetrokken",
            }
        }
    }
    meeting = example_project / "dossiers" / ECONOMIE
    (meeting / "publicatie.json").write_text(json.dumps(published), encoding="utf-8")
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    text = (meeting / "laadpalen" / "dossier.yaml").read_text(encoding="utf-8")
    assert 'kenmerk: "23.0009001"' in text


@pytest.mark.parametrize("archive", ["archief", "archief/2023"])
def test_a_kenmerk_of_an_archived_meeting_is_not_handed_out_again(
    example_project: Path, run_cli: RunCli, archive: str
) -> None:
    """Review year R4: a meeting moved into dossiers/archief/ took its kenmerken (up to
    23.0002150) and its publicatie.json along, and new handed out 23.0001773 again."""
    dossiers = example_project / "dossiers"
    (dossiers / archive).mkdir(parents=True)
    (dossiers / WONEN).rename(dossiers / archive / WONEN)
    # A link out of dossiers/ (or round in a circle) below the meetings is not walked into.
    outside = example_project / "elders" / "oud"
    outside.mkdir(parents=True)
    (outside / "dossier.yaml").write_text('kenmerk: "23.0090000"\n', encoding="utf-8")
    (dossiers / "archief" / "elders").symlink_to(example_project / "elders")
    (dossiers / "archief" / "rond").symlink_to(dossiers)
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    text = (dossiers / ECONOMIE / "laadpalen" / "dossier.yaml").read_text(encoding="utf-8")
    assert 'kenmerk: "23.0002151"' in text
    published = {"documenten": {"x": {"bestandsnaam": "09_23.0003000_voorstel_weg.pdf"}}}
    archived = dossiers / archive / WONEN / "publicatie.json"
    archived.write_text(json.dumps(published), encoding="utf-8")
    again = run_cli("new", f"dossiers/{ECONOMIE}", "fietsen", *OPTIONS, cwd=example_project)
    assert again.exit_code == 0, again.stderr
    text = (dossiers / ECONOMIE / "fietsen" / "dossier.yaml").read_text(encoding="utf-8")
    assert 'kenmerk: "23.0003001"' in text


# --------------------------------------------------------------------------- a new meeting


def test_a_new_meeting_takes_its_details_from_the_last_one_of_its_kind(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = "dossiers/2023-07-14-pfho-ruimte-wonen"
    made = run_cli("vergadering", folder, cwd=example_project)
    assert made.exit_code == 0, made.stderr
    assert made.stdout == (
        f"Aangemaakt: {folder}/vergadering.yaml (zet er dossiers op met 'assembler new')\n"
    )
    text = (example_project / folder / "vergadering.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/vergadering.schema.json")
    assert 'overleg: "Portefeuillehoudersoverleg Ruimte en Wonen"' in text
    assert "datum: 2023-07-14" in text and 'aanvang: "09:30"' in text
    assert "  - Verslag en actielijst van het overleg van 23 juni 2023\n" in text
    # Ready for its dossiers: new puts one before the rondvraag, and check finds it in order.
    added = run_cli("new", folder, "laadpalen", *OPTIONS, cwd=example_project)
    assert added.exit_code == 0, added.stderr
    lines = (example_project / folder / "vergadering.yaml").read_text(encoding="utf-8")
    assert "  - dossier: laadpalen\n  - Rondvraag en sluiting\n" in lines
    checked = run_cli("check", folder, cwd=example_project)
    assert checked.exit_code == 0, checked.stderr


@pytest.mark.parametrize("where", ["archief", "archief/2023"])
def test_a_new_meeting_takes_its_details_from_an_archived_one(
    example_project: Path, run_cli: RunCli, where: str
) -> None:
    """Review life L3: after the year-end archiving README describes, the first meeting of the
    year found no earlier one ("er is geen eerdere vergadering van dit overleg") and had no
    Verslag item."""
    dossiers = example_project / "dossiers"
    (dossiers / where).mkdir(parents=True)
    (dossiers / ECONOMIE).rename(dossiers / where / ECONOMIE)
    # The latest earlier one wins, archived or not; a later one is no previous meeting.
    older = (dossiers / where / ECONOMIE / "vergadering.yaml").read_text(encoding="utf-8")
    (dossiers / "2023-01-13-pfho-economie").mkdir()
    (dossiers / "2023-01-13-pfho-economie" / "vergadering.yaml").write_text(
        older.replace("2023-05-26", "2023-01-13").replace('"14:00"', '"10:00"'), encoding="utf-8"
    )
    (dossiers / "2025-01-10-pfho-economie").mkdir()
    (dossiers / "2025-01-10-pfho-economie" / "vergadering.yaml").write_text(
        older.replace("2023-05-26", "2025-01-10").replace('"14:00"', '"11:00"'), encoding="utf-8"
    )
    made = run_cli("vergadering", "2024-01-12-pfho-economie", cwd=example_project)
    assert made.exit_code == 0, made.stderr
    text = (dossiers / "2024-01-12-pfho-economie" / "vergadering.yaml").read_text(encoding="utf-8")
    assert 'overleg: "Portefeuillehoudersoverleg Economie"\n' in text
    assert 'aanvang: "14:00"\n' in text
    assert "  - Verslag en actielijst van het overleg van 26 mei 2023\n" in text


def test_a_new_meeting_takes_the_bare_name_of_its_folder_as_new_and_verplaats_do(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: 'een vergadermap staat direct in dossiers/', as if the name were wrong."""
    made = run_cli("vergadering", "2023-07-14-pfho-ruimte-wonen", cwd=example_project)
    assert made.exit_code == 0, made.stderr
    folder = "dossiers/2023-07-14-pfho-ruimte-wonen"
    assert made.stdout.startswith(f"Aangemaakt: {folder}/vergadering.yaml")
    assert (example_project / folder / "vergadering.yaml").is_file()
    assert not (example_project / "2023-07-14-pfho-ruimte-wonen").exists()


def test_a_first_meeting_of_its_kind_needs_its_details(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = "dossiers/2024-03-15-pfho-sociaal"
    asked = run_cli("vergadering", folder, cwd=example_project)
    assert asked.exit_code == 2
    assert asked.stderr == (
        "fout: gegevens ontbreken: geef --overleg, --aanvang, --locatie op (er is geen eerdere "
        "vergadering van dit overleg om ze van over te nemen)\n"
    )
    assert not (example_project / folder).exists()
    wrong = run_cli(
        "vergadering",
        folder,
        "--overleg",
        "Pfho Sociaal",
        "--aanvang",
        "half tien",
        "--locatie",
        "Hilversum",
        cwd=example_project,
    )
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith("fout: er is geen vergadering gemaakt: --aanvang: ")
    made = run_cli(
        "vergadering",
        folder,
        "--overleg",
        "Pfho Sociaal",
        "--aanvang",
        "14:00",
        "--locatie",
        "Hilversum",
        cwd=example_project,
    )
    assert made.exit_code == 0, made.stderr
    text = (example_project / folder / "vergadering.yaml").read_text(encoding="utf-8")
    assert "Verslag" not in text  # no earlier meeting to report on
    again = run_cli("vergadering", folder, cwd=example_project)
    assert again.exit_code == 2
    assert again.stderr == (
        f"fout: {folder}: deze vergadering bestaat al (er staat een vergadering.yaml)\n"
    )


def test_a_slip_in_the_name_of_the_overleg_is_told_the_one_meant(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clerk walk: '…-pfho-ruimte-wonne' started an overleg of its own, without the last
    meeting's details or its Verslag item, and said only that there was no earlier one."""
    folder = "dossiers/2099-01-09-pfho-ruimte-wonne"
    meant = (
        f"is het overleg van {WONEN} bedoeld? maak de vergadering dan met 'assembler "
        "vergadering 2099-01-09-pfho-ruimte-wonen'"
    )
    asked = run_cli("vergadering", folder, cwd=example_project)
    assert (asked.exit_code, asked.stderr) == (
        2,
        "fout: gegevens ontbreken: geef --overleg, --aanvang, --locatie op (er is geen eerdere "
        f"vergadering van dit overleg om ze van over te nemen; {meant})\n",
    )
    # At a terminal, before the questions the clerk would answer in vain.
    import assembler.cli
    from assembler.cli import main

    monkeypatch.setattr(assembler.cli, "_interactive", lambda: True)
    monkeypatch.chdir(example_project)
    stopped = CliRunner().invoke(main, ["vergadering", folder], input="")
    assert stopped.output.splitlines()[0] == (
        f"waarschuwing: er is nog geen vergadering van 'pfho-ruimte-wonne'; {meant} (breek hier "
        "af met Ctrl-C)"
    )
    details = ["--overleg", "Pfho Ruimte", "--aanvang", "10:00", "--locatie", "Zaal 2"]
    made = run_cli("vergadering", folder, *details, cwd=example_project)
    assert made.exit_code == 0, made.stderr
    assert made.stderr.splitlines() == [
        f"{folder}/vergadering.yaml: waarschuwing: dit is de eerste vergadering van "
        f"'pfho-ruimte-wonne' ({meant}; haal deze map dan weg)"
    ]
    # Once the new overleg has a meeting, its next one is no slip; nor is one of another name,
    # or one that only begins as another does (an overleg of its own, most likely).
    for later in (
        "2099-02-06-pfho-ruimte-wonne",
        "2099-02-06-pfho-sociaal",
        "2099-02-06-pfho-ruimte-wonen-extra",
    ):
        again = run_cli("vergadering", later, *details, cwd=example_project)
        assert (again.exit_code, again.stderr) == (0, ""), later


def test_a_slip_in_the_name_of_the_overleg_names_the_meeting_of_that_day_if_there_is_one(
    example_project: Path, run_cli: RunCli
) -> None:
    made = run_cli("vergadering", "2099-01-09-pfho-ruimte-wonen", cwd=example_project)
    assert made.exit_code == 0, made.stderr
    asked = run_cli("vergadering", "2099-01-09-pfho-ruimte-wonne", cwd=example_project)
    assert (asked.exit_code, asked.stderr) == (
        2,
        "fout: gegevens ontbreken: geef --overleg, --aanvang, --locatie op (er is geen eerdere "
        "vergadering van dit overleg om ze van over te nemen; is het overleg van "
        "2099-01-09-pfho-ruimte-wonen bedoeld? daarvan is er op die dag al een vergadering: "
        "dossiers/2099-01-09-pfho-ruimte-wonen)\n",
    )


def test_vergadering_asks_again_for_a_wrong_answer_at_its_own_question(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked only after the last question, a wrong time sent the clerk back to the start."""
    import assembler.cli
    from assembler.cli import main

    monkeypatch.setattr(assembler.cli, "_interactive", lambda: True)
    monkeypatch.chdir(example_project)
    folder = "dossiers/2024-03-15-pfho-sociaal"
    answers = "Pfho Sociaal\nhalf tien\n14:00\nHilversum\n"
    result = CliRunner().invoke(main, ["vergadering", folder], input=answers)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        "Naam van het overleg: Pfho Sociaal",
        "Aanvangstijd (UU:MM): half tien",
        lines[2],
        "Aanvangstijd (UU:MM): 14:00",
        "Locatie: Hilversum",
    ]
    assert lines[2].startswith("fout: Aanvangstijd: 'half tien' ")
    text = (example_project / folder / "vergadering.yaml").read_text(encoding="utf-8")
    assert 'aanvang: "14:00"' in text and 'locatie: "Hilversum"' in text
    # An option given wrong is refused before the first question: nothing typed in vain.
    again = CliRunner().invoke(
        main, ["vergadering", "dossiers/2024-03-22-pfho-zorg", "--aanvang", "25:00"], input=""
    )
    assert again.exit_code == 2
    assert again.output.startswith("fout: er is geen vergadering gemaakt: --aanvang: ")
    assert "Naam van het overleg" not in again.output


@pytest.mark.parametrize("typed", ["14.00 uur", "14 uur", "14.00", "14:00"])
def test_a_new_meetings_time_is_written_as_its_file_keeps_it(
    example_project: Path, run_cli: RunCli, typed: str
) -> None:
    """Review clerk3 C7: '--aanvang "14.00 uur"' was written as typed, where a time taken
    from the meeting before is written "14:00"; one file, one way."""
    made = run_cli(
        "vergadering",
        "2027-03-05-pfho-sociaal",
        "--overleg",
        "PHO Sociaal",
        "--aanvang",
        typed,
        "--locatie",
        "Hilversum",
        cwd=example_project,
    )
    assert made.exit_code == 0, made.stderr
    written = example_project / "dossiers" / "2027-03-05-pfho-sociaal" / "vergadering.yaml"
    assert 'aanvang: "14:00"\n' in written.read_text(encoding="utf-8")


def test_a_meeting_folder_of_only_a_date_is_said_to_need_a_name(
    example_project: Path, run_cli: RunCli
) -> None:
    result = run_cli("vergadering", "dossiers/2024-11-14", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == (
        "fout: 2024-11-14: de mapnaam heeft een datum maar geen naam erachter; er is niets "
        "gemaakt (zet de naam van het overleg achter de datum, zoals 2024-11-14-pfho-economie)\n"
    )
    assert not (example_project / "dossiers" / "2024-11-14").exists()


def test_a_meeting_folder_named_as_in_explorer_is_said_as_a_meeting_folder(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = "dossiers/2023-11-24 PFHO Economie"
    result = run_cli("vergadering", folder, cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: {folder}: de naam van een nieuwe vergadermap mag alleen letters zonder accent, "
        "cijfers, punten en streepjes bevatten; er is niets gemaakt (noem de map bijvoorbeeld "
        "dossiers/2023-11-24-pfho-economie)\n"
    )
    assert not (example_project / folder).exists()


def test_a_meeting_folder_without_a_date_needs_datum(
    example_project: Path, run_cli: RunCli
) -> None:
    undated = run_cli("vergadering", "dossiers/pfho-sociaal-maart", cwd=example_project)
    assert undated.exit_code == 2
    assert undated.stderr == (
        "fout: pfho-sociaal-maart: de mapnaam begint niet met een datum; er is niets gemaakt "
        "(noem de map naar de datum, zoals 2024-03-15-pfho-sociaal-maart, of geef --datum op: "
        "die komt dan voor de naam)\n"
    )
    dated = run_cli(
        "vergadering", "dossiers/pfho-sociaal-maart", "--datum", "2024-03-15",
        "--overleg", "Pfho Sociaal", "--aanvang", "14:00", "--locatie", "Hilversum",
        cwd=example_project,
    )  # fmt: skip
    assert dated.exit_code == 0, dated.stderr
    # The date goes in front: that is what places the meeting in its series (clerk2 M2).
    assert not (example_project / "dossiers" / "pfho-sociaal-maart").exists()
    made = example_project / "dossiers" / "2024-03-15-pfho-sociaal-maart" / "vergadering.yaml"
    assert "datum: 2024-03-15" in made.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("datum", "example"),
    [("30-9-2023", "2023-09-30"), ("gisteren", "bijvoorbeeld 2023-04-11")],
)
def test_a_datum_written_otherwise_is_said_as_its_form_not_as_another_date(
    example_project: Path, run_cli: RunCli, datum: str, example: str
) -> None:
    folder = "dossiers/2023-09-30-pfho-economie"
    result = run_cli("vergadering", folder, "--datum", datum, cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: --datum: '{datum}' is geen datum in de vorm JJJJ-MM-DD (schrijf {example})\n"
    )
    assert not (example_project / folder).exists()


def test_a_day_that_does_not_exist_in_the_folder_name_is_said_as_the_folder_name(
    example_project: Path, run_cli: RunCli
) -> None:
    """No --datum was given: the message does not name it."""
    result = run_cli("vergadering", "dossiers/2027-02-30-pfho-economie", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr == (
        "fout: er is geen vergadering gemaakt: de datum in de mapnaam, 2027-02-30, bestaat niet "
        "(geef de map de datum van de vergadering)\n"
    )
    assert not (example_project / "dossiers" / "2027-02-30-pfho-economie").exists()


def test_a_dossier_for_a_meeting_that_has_passed_is_dated_on_its_day(
    example_project: Path, run_cli: RunCli
) -> None:
    """Dated today, it was warned about at once: 'ligt na de vergadering'."""
    without_date = OPTIONS[: OPTIONS.index("--datum")]
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *without_date, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    text = (example_project / "dossiers" / ECONOMIE / "laadpalen" / "dossier.yaml").read_text(
        encoding="utf-8"
    )
    assert "\ndatum: 2023-05-26 " in text
    assert 'kenmerk: "23.' in text  # the kenmerk of the document's year
    check = run_cli("check", cwd=example_project)
    assert "ligt na de vergadering" not in check.stderr


def test_new_on_a_disk_that_fills_at_the_agenda_makes_no_dossier(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review intr X3, as for verplaats: the dossier was written and left off the agenda, and
    the clerk told to build again."""
    import errno
    import os

    agenda = example_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    before = agenda.read_bytes()
    replace = os.replace
    refused: list[Path] = []

    def full(source: Any, target: Any) -> None:
        if Path(target) == agenda and not refused:  # not the undo
            refused.append(Path(source))
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(source, target)

    monkeypatch.setattr("os.replace", full)
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 3
    assert result.stderr == (
        f"fout: dossiers/{ECONOMIE}/vergadering.yaml: kan niet schrijven: de schijf is vol; er "
        "is niets veranderd (maak ruimte vrij en maak opnieuw)\n"
    )
    assert agenda.read_bytes() == before
    assert sorted(path.name for path in agenda.parent.iterdir() if path.name.startswith(".")) == []
    assert not (agenda.parent / "laadpalen").exists()


def test_new_and_vergadering_wait_for_no_build(example_project: Path, run_cli: RunCli) -> None:
    """Review intr X5: they wrote into dossiers/ while a build read it."""
    import fcntl

    (example_project / "build").mkdir()
    with open(example_project / "build" / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        made = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
        meeting = run_cli("vergadering", "2023-09-01-pfho-economie", cwd=example_project)
    assert (made.exit_code, meeting.exit_code) == (3, 3)
    assert made.stderr == meeting.stderr == BUILD_RUNS
    assert not (example_project / "dossiers" / ECONOMIE / "laadpalen").exists()
    assert not (example_project / "dossiers" / "2023-09-01-pfho-economie").exists()


def test_a_project_whose_dossiers_folder_is_a_link_is_worked_on_under_the_link(
    example_project: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    """Review E1, E2, E7: with dossiers/ a link to a shared drive, 'vergadering' and 'new'
    ended in a traceback, 'verplaats' named the drive's path, and a one-dossier build said the
    meeting's other items were refused."""
    shared = tmp_path / "schijf"
    shared.mkdir()
    shutil.move(example_project / "dossiers", shared / "dossiers")
    (example_project / "dossiers").symlink_to(shared / "dossiers", target_is_directory=True)
    later = "2027-03-05-pfho-ruimte-wonen"

    made = run_cli("vergadering", later, cwd=example_project)
    assert made.stdout.startswith(f"Aangemaakt: dossiers/{later}/vergadering.yaml"), made.stderr
    meeting = (example_project / "dossiers" / later / "vergadering.yaml").read_text()
    assert meeting.startswith("# yaml-language-server: $schema=../../schemas/vergadering.")
    added = run_cli("new", later, "punt", *OPTIONS, cwd=example_project)
    assert added.exit_code == 0, added.stderr
    moved = run_cli("verplaats", f"{WONEN}/res-voortgang", later, "--toch", cwd=example_project)
    assert moved.stdout == (
        f"Verplaatst naar dossiers/{later}/res-voortgang (bouw opnieuw om beide bij te werken)\n"
    ), moved.stderr
    built = run_cli("build", f"dossiers/{WONEN}/snelfietsroutes", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: agenda en vergaderbundel zijn niet "
        "gemaakt: alleen het dossier snelfietsroutes is gebouwd (bouw de vergadermap om ze te "
        f"maken: assembler build dossiers/{WONEN})"
    ) in built.stderr.splitlines(), built.stderr


def test_a_cancelled_meeting_gives_its_details_but_no_minutes_and_takes_no_new_dossier(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review E3, E4: the next meeting's agenda listed the minutes of a cancelled one, and
    'new' put a dossier on a cancelled meeting, where 'verplaats' refuses to."""
    dossiers = example_project / "dossiers"
    earlier = dossiers / "2023-04-14-pfho-economie"
    earlier.mkdir()
    cancelled = dossiers / ECONOMIE / "vergadering.yaml"
    text = cancelled.read_text(encoding="utf-8")
    (earlier / "vergadering.yaml").write_text(
        text.replace("2023-05-26", "2023-04-14").split("agenda:")[0] + "agenda:\n  - Opening\n",
        encoding="utf-8",
    )
    cancelled.write_text(text + "geannuleerd: Ja\n", encoding="utf-8")

    refused = run_cli("new", ECONOMIE, "punt", *OPTIONS, cwd=example_project)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"fout: dossiers/{ECONOMIE}/vergadering.yaml: deze vergadering gaat niet door "
        "(geannuleerd: Ja); er is niets gemaakt (kies een andere vergadering)\n"
    )
    assert not (dossiers / ECONOMIE / "punt").exists()

    made = run_cli("vergadering", "2027-01-15-pfho-economie", cwd=example_project)
    assert made.exit_code == 0, made.stderr
    agenda = yaml.safe_load(
        (dossiers / "2027-01-15-pfho-economie" / "vergadering.yaml").read_text()
    )
    assert agenda["agenda"] == [
        "Opening en vaststellen agenda",
        "Verslag en actielijst van het overleg van 14 april 2023",
        "Rondvraag en sluiting",
    ]
    assert agenda["aanvang"] == yaml.safe_load(text)["aanvang"]  # the details: the latest's


def test_new_keeps_the_line_ends_and_bom_of_a_meeting_file_saved_on_windows(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U6: the agenda was written back with LF and no BOM, so one item added showed
    as every line changed (in git too)."""
    meeting = example_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    before = save_as_on_windows(meeting)
    result = run_cli("new", f"dossiers/{ECONOMIE}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    after = lines_saved_as(meeting)
    assert after.count("  - dossier: laadpalen") == 1
    assert [line for line in after if line != "  - dossier: laadpalen"] == before
    # The new dossier.yaml is saved as its meeting's file is.
    made = lines_saved_as(meeting.parent / "laadpalen" / "dossier.yaml")
    assert 'onderwerp: "Regionale aanpak laadpalen"' in made
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr


def test_a_new_meeting_is_saved_as_the_one_it_takes_its_details_from(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U6: a meeting file of a clerk's Windows editor (BOM, CRLF) gave one in LF."""
    save_as_on_windows(example_project / "dossiers" / WONEN / "vergadering.yaml")
    folder = "dossiers/2023-07-14-pfho-ruimte-wonen"
    made = run_cli("vergadering", folder, cwd=example_project)
    assert made.exit_code == 0, made.stderr
    lines = lines_saved_as(example_project / folder / "vergadering.yaml")
    assert "datum: 2023-07-14" in lines
    assert 'overleg: "Portefeuillehoudersoverleg Ruimte en Wonen"' in lines


def test_a_new_meeting_in_capitals_takes_its_details_from_the_one_in_small_letters(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U9: '2023-07-07-PFHO-economie' found no earlier meeting of its kind and asked
    for the details (without a terminal: refused, exit 2); export takes the two names as one
    overleg, and so does this."""
    folder = "dossiers/2023-07-07-PFHO-economie"
    made = run_cli("vergadering", folder, cwd=example_project)
    assert made.exit_code == 0, made.stderr
    text = (example_project / folder / "vergadering.yaml").read_text(encoding="utf-8")
    assert 'overleg: "Portefeuillehoudersoverleg Economie"' in text
    assert "  - Verslag en actielijst van het overleg van 26 mei 2023\n" in text


# What every command says of the example's WONEN meeting file saved by Notepad as UTF-16.
SAVED_AS_UTF_16 = (
    f"dossiers/{WONEN}/vergadering.yaml: is opgeslagen als UTF-16 (in Kladblok heet dat "
    "'UTF-16 LE' (in oudere versies 'Unicode'); sla het bestand op als UTF-8: Opslaan als, "
    "Codering: UTF-8)"
)


def save_as_notepad(path: Path, how: str) -> int | None:
    """Save the vergadering.yaml ``path`` as Notepad does as 'UTF-16 LE' or 'ANSI' (with an
    'é' in its locatie); the line said for it (None for UTF-16, which has no line to say)."""
    text = path.read_text(encoding="utf-8")
    if how == "utf-16":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
        return None
    text = re.sub(r"(?m)^locatie: .*$", "locatie: Café de Zwaan", text)
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return text.splitlines().index("locatie: Café de Zwaan") + 1


def _unreadable_said(how: str, line: int | None) -> str:
    if how == "utf-16":
        return SAVED_AS_UTF_16
    return (
        f"dossiers/{WONEN}/vergadering.yaml:{line}: is geen UTF-8: op deze regel staat het "
        "eerste teken dat niet te lezen is (sla het bestand op als UTF-8)"
    )


@pytest.mark.parametrize("how", ["utf-16", "ansi"])
def test_new_says_an_unreadable_meeting_file_once(
    example_project: Path, run_cli: RunCli, how: str
) -> None:
    """Windows review W7: the problem was said twice, once as the problem (with its line) and
    once more after 'fout:' (without it)."""
    meeting_file = example_project / "dossiers" / WONEN / "vergadering.yaml"
    line = save_as_notepad(meeting_file, how)
    before = meeting_file.read_bytes()
    result = run_cli("new", f"dossiers/{WONEN}", "laadpalen", *OPTIONS, cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        _unreadable_said(how, line),
        f"fout: dossiers/{WONEN}/vergadering.yaml: de agenda kan niet worden aangepast",
    ]
    assert meeting_file.read_bytes() == before
    assert not (example_project / "dossiers" / WONEN / "laadpalen").exists()


def _an_earlier_meeting_archived(project: Path) -> None:
    """An archived meeting of WONEN's series before it, at another time and place."""
    folder = project / "dossiers" / "archief" / "2023-06-09-pfho-ruimte-wonen"
    folder.mkdir(parents=True)
    (folder / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Ruimte en Wonen\ndatum: 2023-06-09\n"
        'aanvang: "14:00"\nlocatie: Oude locatie Bussum\nagenda:\n  - Opening\n',
        encoding="utf-8",
    )


_NOT_MADE = (
    "fout: er is geen vergadering gemaakt: de vorige vergadering van dit overleg, "
    f"dossiers/{WONEN}/vergadering.yaml, {{what}}, en daaruit komen het overleg, de aanvang, de "
    "locatie en het verslag op de agenda van de nieuwe (maak dat bestand in orde zoals hierboven "
    "staat, en probeer het opnieuw)"
)


@pytest.mark.parametrize("archived", [True, False])
@pytest.mark.parametrize("how", ["utf-16", "ansi"])
def test_a_new_meeting_is_not_made_from_an_older_one_when_the_last_is_unreadable(
    example_project: Path, run_cli: RunCli, how: str, archived: bool
) -> None:
    """Windows review W2: with the last meeting's vergadering.yaml saved by Notepad as UTF-16
    or ANSI, 'vergadering' silently took the time, place and 'Verslag' of the one before it,
    exit 0; without one before it, it said there was no earlier meeting at all, exit 2."""
    line = save_as_notepad(example_project / "dossiers" / WONEN / "vergadering.yaml", how)
    if archived:
        _an_earlier_meeting_archived(example_project)
    folder = example_project / "dossiers" / "2023-07-07-pfho-ruimte-wonen"
    result = run_cli("vergadering", folder.name, cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        _unreadable_said(how, line),
        _NOT_MADE.format(what="kan niet gelezen worden"),
    ]
    assert not folder.exists()


def test_a_new_meeting_is_not_made_from_an_older_one_when_the_last_is_wrong(
    example_project: Path, run_cli: RunCli
) -> None:
    """Windows review W2: a last meeting that check refuses is said as check says it."""
    meeting_file = example_project / "dossiers" / WONEN / "vergadering.yaml"
    text = meeting_file.read_text(encoding="utf-8")
    meeting_file.write_text(re.sub(r"(?m)^aanvang: .*$", 'aanvang: "25:00"', text), "utf-8")
    _an_earlier_meeting_archived(example_project)
    checked = run_cli("check", f"dossiers/{WONEN}", cwd=example_project)
    assert checked.exit_code == 1
    said = [line for line in checked.stderr.splitlines() if "aanvang" in line]
    assert len(said) == 1 and said[0].startswith(f"dossiers/{WONEN}/vergadering.yaml:")
    folder = example_project / "dossiers" / "2023-07-07-pfho-ruimte-wonen"
    result = run_cli("vergadering", folder.name, cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [said[0], _NOT_MADE.format(what="is niet in orde")]
    assert not folder.exists()

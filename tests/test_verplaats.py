"""`assembler verplaats`: a postponed item moves to another meeting, nothing is lost."""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

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
SetToday = Callable[[date], None]


@pytest.fixture(autouse=True)
def set_today(monkeypatch: pytest.MonkeyPatch) -> SetToday:
    """Pin the day the command runs on: 1 May 2023 (before both example meetings) unless set."""

    def pin(day: date) -> None:
        class Pinned(date):
            @classmethod
            def today(cls) -> Pinned:
                return cls(day.year, day.month, day.day)

        monkeypatch.setattr("assembler.cli.date", Pinned)

    pin(date(2023, 5, 1))
    return pin


def test_move_updates_both_agendas_and_adds_a_treatment_row(
    example_project: Path, run_cli: RunCli
) -> None:
    dossiers = example_project / "dossiers"
    old_agenda = (dossiers / ECONOMIE / "vergadering.yaml").read_text()
    new_agenda = (dossiers / WONEN / "vergadering.yaml").read_text()
    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Verplaatst naar dossiers/{WONEN}/werklocaties (bouw opnieuw om beide bij te werken)\n"
    )
    assert not (dossiers / ECONOMIE / "werklocaties").exists()
    moved = dossiers / WONEN / "werklocaties"
    assert len(list(moved.glob("bijlage-*.pdf"))) == 3

    old_after = (dossiers / ECONOMIE / "vergadering.yaml").read_text()
    assert old_after.splitlines() == [
        line for line in old_agenda.splitlines() if line != "  - dossier: werklocaties"
    ]
    assert "# Voorstellen: elk dossier is een map in deze vergadermap." in old_after

    new_after = (dossiers / WONEN / "vergadering.yaml").read_text().splitlines()
    assert len(new_after) == len(new_agenda.splitlines()) + 1
    index = new_after.index("  - dossier: werklocaties")
    assert new_after[index - 1].startswith("  - dossier: ")

    text = (moved / "dossier.yaml").read_text()
    # The row of the old meeting day stays for the record and says where the item went; the
    # plan (doel and conclusie) moves to a row for the new day.
    assert (
        "  - datum: 2023-05-26\n"
        "    overleg: Portefeuillehoudersoverleg\n"
        "    doel: Vaststellen\n"
        '    conclusie: "Uitgesteld naar 23 juni 2023"\n'
        "  - datum: 2023-06-23\n"
        '    overleg: "Portefeuillehoudersoverleg Ruimte en Wonen"\n'
        '    doel: "Vaststellen"\n'
        '    conclusie: "Aanpak actieplan werklocaties"\n'
    ) in text
    assert text.startswith("# yaml-language-server:")

    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr


def test_move_to_a_meeting_given_by_its_bare_name(example_project: Path, run_cli: RunCli) -> None:
    # As 'new' takes it (the review of 1cdd825: refused here, "is geen vergadermap").
    result = run_cli("verplaats", f"dossiers/{ECONOMIE}/werklocaties", WONEN, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Verplaatst naar dossiers/{WONEN}/werklocaties (bouw opnieuw om beide bij te werken)\n"
    )


@pytest.mark.parametrize(
    ("dossier", "cwd"),
    [
        (f"{ECONOMIE}/werklocaties", "."),
        (f"{ECONOMIE}/werklocaties", "dossiers"),
        (f"dossiers/{ECONOMIE}/werklocaties/", "."),
        ("werklocaties", f"dossiers/{ECONOMIE}"),
    ],
)
def test_move_of_a_dossier_named_as_build_names_it(
    example_project: Path, run_cli: RunCli, dossier: str, cwd: str
) -> None:
    """Review docs D2: '<meeting>/<dossier>', which build, check and export take, was refused
    as "er staat geen dossier.yaml in"."""
    result = run_cli("verplaats", dossier, WONEN, cwd=example_project / cwd)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Verplaatst naar dossiers/{WONEN}/werklocaties (bouw opnieuw om beide bij te werken)\n"
    )
    assert (example_project / "dossiers" / WONEN / "werklocaties" / "dossier.yaml").is_file()
    assert not (example_project / "dossiers" / ECONOMIE / "werklocaties").exists()


@pytest.mark.parametrize(
    ("dossier", "said"),
    [
        (
            f"{ECONOMIE}/bestaatniet",
            f"fout: {ECONOMIE}/bestaatniet: bestaat niet (geef de map van het dossier op)",
        ),
        (
            f"dossiers/{ECONOMIE}/bestaatniet",
            f"fout: dossiers/{ECONOMIE}/bestaatniet: bestaat niet (geef de map van het dossier op)",
        ),
        (
            f"dossiers/{ECONOMIE}/werklocatie",
            f"fout: dossiers/{ECONOMIE}/werklocatie: bestaat niet (bedoelt u "
            f"'dossiers/{ECONOMIE}/werklocaties'?)",
        ),
        # Clerk walk: the old path of a dossier moved before; the meeting that holds it now.
        (
            f"{ECONOMIE}/snelfietsroutes",
            f"fout: {ECONOMIE}/snelfietsroutes: bestaat niet (bedoelt u "
            f"'{WONEN}/snelfietsroutes'?)",
        ),
        (
            f"dossiers/{ECONOMIE}/snelfietsroutes",
            f"fout: dossiers/{ECONOMIE}/snelfietsroutes: bestaat niet (bedoelt u "
            f"'dossiers/{WONEN}/snelfietsroutes'?)",
        ),
        (
            f"dossiers/{ECONOMIE}",
            f"fout: dossiers/{ECONOMIE}: is geen dossiermap, er staat geen dossier.yaml in "
            "(geef de map van het dossier op)",
        ),
        (
            "dossiers/huisstijl",
            "fout: dossiers/huisstijl: is geen vergadermap of dossiermap (geef de map van het "
            "dossier op)",
        ),
    ],
)
def test_a_dossier_path_that_is_none_is_refused_as_build_refuses_it(
    example_project: Path, run_cli: RunCli, dossier: str, said: str
) -> None:
    """Review docs D2: a path that does not exist was "geen dossiermap, er staat geen
    dossier.yaml in", as if the folder were there."""
    (example_project / "dossiers" / "huisstijl").mkdir(exist_ok=True)
    before = {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")}
    result = run_cli("verplaats", dossier, WONEN, cwd=example_project)
    assert result.exit_code == 2, result.stdout
    assert result.stderr == said + "\n"
    assert {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")} == before


def test_move_twice_adds_no_second_row(example_project: Path, run_cli: RunCli) -> None:
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    original = dossier.read_text()
    first = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert first.exit_code == 0
    back = run_cli(
        "verplaats",
        f"dossiers/{WONEN}/werklocaties",
        f"dossiers/{ECONOMIE}",
        "--toch",
        cwd=example_project,
    )
    assert back.exit_code == 0, back.stderr
    text = (example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml").read_text()
    # Back where it was (review life L5: the row the first move added stayed, "Vervroegd naar
    # 26 mei 2023", and was printed for a meeting the item was no longer on): the old day's
    # row has its plan again, and the row the first move added is gone.
    assert text == original.replace(
        "    conclusie: Aanpak actieplan werklocaties\n",
        '    conclusie: "Aanpak actieplan werklocaties"\n',
    )


_ADDED_ROW = (
    "  - datum: 2023-06-23\n"
    '    overleg: "Portefeuillehoudersoverleg Ruimte en Wonen"\n'
    '    doel: "Vaststellen"\n'
    '    conclusie: "Aanpak actieplan werklocaties"\n'
)


@pytest.mark.parametrize(
    ("edited", "conclusie"),
    [
        (
            _ADDED_ROW.replace('werklocaties"\n', 'werklocaties"  # na advies BOT\n'),
            "Aanpak actieplan werklocaties",
        ),
        (_ADDED_ROW + "    # eerst naar het BOT\n", "Aanpak actieplan werklocaties"),
        (
            _ADDED_ROW.replace('"Aanpak actieplan werklocaties"', "Aangehouden"),
            "Aangehouden",
        ),
        (_ADDED_ROW + "    bijzonderheden: ja\n", "Aanpak actieplan werklocaties"),
    ],
    ids=["comment", "comment-below", "conclusie", "key"],
)
def test_a_move_back_keeps_the_row_the_clerk_wrote_in(
    example_project: Path, run_cli: RunCli, edited: str, conclusie: str
) -> None:
    """Only the row the first move wrote, as it wrote it, goes when the move is undone."""
    dossiers = example_project / "dossiers"
    there = ("verplaats", f"{ECONOMIE}/werklocaties", WONEN)
    assert run_cli(*there, cwd=example_project).exit_code == 0
    moved = dossiers / WONEN / "werklocaties" / "dossier.yaml"
    text = moved.read_text()
    assert _ADDED_ROW in text
    moved.write_text(text.replace(_ADDED_ROW, edited))
    back = run_cli("verplaats", f"{WONEN}/werklocaties", ECONOMIE, "--toch", cwd=example_project)
    assert back.exit_code == 0, back.stderr
    data = yaml.safe_load((dossiers / ECONOMIE / "werklocaties" / "dossier.yaml").read_text())
    assert [row for row in data["behandeling"] if row.get("datum", date.min).year == 2023][-2:] == [
        {
            "datum": date(2023, 5, 26),
            "overleg": "Portefeuillehoudersoverleg",
            "doel": "Vaststellen",
            "conclusie": conclusie,
        },
        {
            "datum": date(2023, 6, 23),
            "overleg": "Portefeuillehoudersoverleg Ruimte en Wonen",
            "doel": "Vaststellen",
            "conclusie": "Vervroegd naar 26 mei 2023",
            **({"bijzonderheden": "ja"} if "bijzonderheden" in edited else {}),
        },
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{ECONOMIE}"), "staat al in"),
        ((f"dossiers/{ECONOMIE}", f"dossiers/{WONEN}"), "is geen dossiermap"),
        ((f"dossiers/{ECONOMIE}/werklocaties", "dossiers/huisstijl"), "is geen vergadermap"),
    ],
)
def test_move_refusals_change_nothing(
    example_project: Path, run_cli: RunCli, args: tuple[str, str], message: str
) -> None:
    before = {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")}
    result = run_cli("verplaats", *args, cwd=example_project)
    assert result.exit_code == 2
    assert message in result.stderr
    after = {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")}
    assert after == before


@pytest.mark.slow
def test_next_build_updates_both_meetings(example_project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    old_output = example_project / "build" / ECONOMIE / "02-23.0001772-werklocaties"
    assert old_output.is_dir()
    run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert not old_output.exists()
    assert list((example_project / "build" / WONEN).glob("*-23.0001772-werklocaties/voorstel.docx"))


def test_a_moved_dossier_built_alone_leaves_the_old_meeting_said(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: only the new meeting was said, while the old one's agenda still listed the item."""
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    moved = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert moved.exit_code == 0, moved.stderr
    alone = f"dossiers/{WONEN}/werklocaties"
    result = run_cli("build", "--geen-pdf", alone, cwd=example_project)
    assert result.exit_code == 0, result.stderr
    said = (
        f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: de agenda's zijn niet bijgewerkt: "
        f"ze tonen nog werklocaties, dat nu op de agenda van {WONEN} staat (bouw de vergadermap "
        f"om ze bij te werken: assembler build dossiers/{ECONOMIE})"
    )
    assert said in result.stderr.splitlines()
    # Built, the old meeting no longer shows it: not said again.
    old = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert old.exit_code == 0, old.stderr
    again = run_cli("build", "--geen-pdf", alone, cwd=example_project)
    assert f"dossiers/{ECONOMIE}/vergadering.yaml" not in again.stderr


@pytest.mark.parametrize("where", ["old", "new", "two lines"])
def test_an_agenda_the_line_edit_cannot_handle_is_left_alone(
    example_project: Path, run_cli: RunCli, where: str
) -> None:
    # The agenda edit works on lines. An agenda written on one line, or an item spread over
    # two, once lost the whole agenda (or left a bare '-'): now nothing changes at all.
    dossiers = example_project / "dossiers"
    meeting = dossiers / (WONEN if where == "new" else ECONOMIE) / "vergadering.yaml"
    text = meeting.read_text()
    if where == "two lines":
        text = text.replace("  - dossier: werklocaties\n", "  -\n    dossier: werklocaties\n")
    else:
        start = text.index("agenda:")
        names = "{dossier: werklocaties}" if where == "old" else "{dossier: res-voortgang}"
        text = text[:start] + f"agenda: [Opening, {names}, Rondvraag]\n"
    meeting.write_text(text)
    before = {path: path.read_bytes() for path in dossiers.rglob("*.yaml")}

    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 2, result.stderr
    shown = "dossiers/" + (WONEN if where == "new" else ECONOMIE) + "/vergadering.yaml"
    assert result.stderr == (
        f"fout: {shown}: de agenda kan niet automatisch worden aangepast; er is niets "
        "veranderd (zet elk agendapunt op een eigen regel, zoals '- dossier: werklocaties', "
        "en probeer het opnieuw)\n"
    )
    assert {path: path.read_bytes() for path in dossiers.rglob("*.yaml")} == before
    assert (dossiers / ECONOMIE / "werklocaties" / "dossier.yaml").is_file()


def test_a_move_to_an_earlier_meeting_keeps_the_rows_in_date_order(
    example_project: Path, run_cli: RunCli
) -> None:
    earlier = example_project / "dossiers" / "2023-04-14-pfho-economie"
    earlier.mkdir()
    (earlier / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Economie\n"
        "datum: 2023-04-14\n"
        'aanvang: "14:00"\n'
        "locatie: Regiokantoor, Hilversum\n"
        "agenda:\n"
        "  - Opening en vaststellen agenda\n"
        "  - Rondvraag en sluiting\n"
    )
    result = run_cli(
        "verplaats",
        f"dossiers/{ECONOMIE}/werklocaties",
        str(earlier),
        "--toch",
        cwd=example_project,
    )
    assert result.exit_code == 0, result.stderr
    text = (earlier / "werklocaties" / "dossier.yaml").read_text()
    dates = [line.split(":", 1)[1].strip() for line in text.splitlines() if "- datum:" in line]
    # The new row sits between 31 March and 26 May, not after the last dated row.
    assert dates[dates.index("2023-03-31") + 1] == "2023-04-14"
    assert dates[dates.index("2023-04-14") + 1] == "2023-05-26"


def _meeting(project: Path, folder: str, day: str) -> Path:
    meeting = project / "dossiers" / folder
    meeting.mkdir()
    (meeting / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Economie\n"
        f"datum: {day}\n"
        'aanvang: "14:00"\n'
        "locatie: Regiokantoor, Hilversum\n"
        "agenda:\n"
        "  - Opening en vaststellen agenda\n"
        "  - Rondvraag en sluiting\n"
    )
    return meeting


def test_a_move_to_another_meeting_on_the_same_day_keeps_that_days_row(
    example_project: Path, run_cli: RunCli, set_today: SetToday
) -> None:
    """The row of the meeting's day stands for the other meeting of that day too: its
    conclusie is not turned into "Vervroegd naar 26 mei 2023", nor a second row added."""
    set_today(date(2023, 5, 1))
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    before = dossier.read_text(encoding="utf-8")
    other = _meeting(example_project, "2023-05-26-pfho-economie-extra", "2023-05-26")
    moved = run_cli("verplaats", f"{ECONOMIE}/werklocaties", other.name, cwd=example_project)
    assert moved.exit_code == 0, moved.stderr
    assert (other / "werklocaties" / "dossier.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("today", "target", "reason", "advice"),
    [
        (
            date(2023, 4, 1),
            "2023-04-14-pfho-economie",
            "(14 april 2023) is eerder dan die waar het dossier nu op staat (26 mei 2023)",
            "kies een latere vergadering",
        ),
        (
            date(2023, 7, 1),
            WONEN,
            "(23 juni 2023) is al geweest",
            "kies een vergadering die nog moet komen",
        ),
        (
            date(2023, 5, 1),
            "2022-12-16-pfho-economie",
            "(16 december 2022) is al geweest en is eerder dan die waar het dossier nu op "
            "staat (26 mei 2023)",
            "kies een latere vergadering die nog moet komen",
        ),
        # Clerk walk: said as earlier only, and --toch then put it on a cancelled meeting.
        (
            date(2023, 4, 1),
            "2023-04-14-pfho-economie-geannuleerd",
            "(14 april 2023) is eerder dan die waar het dossier nu op staat (26 mei 2023) en "
            "gaat niet door (geannuleerd: Ja)",
            "kies een latere vergadering die doorgaat",
        ),
        # Never held: its day is past, not the meeting.
        (
            date(2023, 5, 1),
            "2023-04-14-pfho-economie-geannuleerd",
            "(14 april 2023) is voorbij, is eerder dan die waar het dossier nu op staat (26 mei "
            "2023) en ging niet door (geannuleerd: Ja)",
            "kies een latere vergadering die nog moet komen en doorgaat",
        ),
    ],
    ids=["earlier", "past", "both", "earlier-cancelled", "both-cancelled"],
)
def test_a_move_back_in_time_is_refused_unless_toch(
    example_project: Path,
    run_cli: RunCli,
    set_today: SetToday,
    today: date,
    target: str,
    reason: str,
    advice: str,
) -> None:
    # A postponed item goes to a later meeting that is still to come; anything else is most
    # likely the wrong folder, and moving it back would not restore the old agenda order.
    set_today(today)
    dossiers = example_project / "dossiers"
    if not (dossiers / target).exists():
        made = _meeting(example_project, target, target[:10])
        if target.endswith("-geannuleerd"):
            with (made / "vergadering.yaml").open("a", encoding="utf-8") as meeting:
                meeting.write("geannuleerd: Ja\n")
    before = {path: path.read_bytes() for path in dossiers.rglob("*.yaml")}
    args = ("verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{target}")

    refused = run_cli(*args, cwd=example_project)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"fout: dossiers/{target}: deze vergadering {reason}; er is niets veranderd "
        f"({advice}, of geef --toch als dit echt de bedoeling is)\n"
    )
    assert {path: path.read_bytes() for path in dossiers.rglob("*.yaml")} == before

    forced = run_cli(*args, "--toch", cwd=example_project)
    assert forced.exit_code == 0, forced.stderr
    assert forced.stderr == ""
    assert (dossiers / target / "werklocaties" / "dossier.yaml").is_file()


@pytest.mark.parametrize("held_today", ["source", "target"])
def test_a_meeting_held_today_is_not_in_the_past(
    example_project: Path, run_cli: RunCli, set_today: SetToday, held_today: str
) -> None:
    if held_today == "source":
        set_today(date(2023, 5, 26))
        args = (f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}")
    else:
        set_today(date(2023, 6, 23))
        _meeting(example_project, "2023-06-23-pfho-economie", "2023-06-23")
        args = (f"dossiers/{WONEN}/snelfietsroutes", "dossiers/2023-06-23-pfho-economie")
    result = run_cli("verplaats", *args, cwd=example_project)
    assert result.exit_code == 0, result.stderr


def test_a_move_off_a_held_meeting_is_refused_unless_toch(
    example_project: Path, run_cli: RunCli, set_today: SetToday
) -> None:
    """Review life L1: an item was taken off a meeting held long ago without a word: its
    agenda, its record of that day and its published package were rewritten."""
    set_today(date(2023, 6, 1))
    dossiers = example_project / "dossiers"
    before = {path: path.read_bytes() for path in dossiers.rglob("*.yaml")}
    args = ("verplaats", f"{ECONOMIE}/werklocaties", WONEN)

    refused = run_cli(*args, cwd=example_project)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"fout: dossiers/{ECONOMIE}: deze vergadering (26 mei 2023) is al geweest; er is "
        "niets veranderd (een punt dat daar behandeld is, blijft op haar agenda; geef --toch "
        "als het er echt af moet: dan verandert ook wat er van die vergadering gepubliceerd is)\n"
    )
    assert {path: path.read_bytes() for path in dossiers.rglob("*.yaml")} == before

    forced = run_cli(*args, "--toch", cwd=example_project)
    assert forced.exit_code == 0, forced.stderr
    assert (dossiers / WONEN / "werklocaties" / "dossier.yaml").is_file()


def test_a_cancelled_meeting_takes_no_item_and_gives_up_its_items_freely(
    example_project: Path, run_cli: RunCli, set_today: SetToday
) -> None:
    """A meeting that does not go ahead (geannuleerd: Ja) was never held: its items are moved
    on without --toch, even once its date has passed; none is put on it by mistake."""
    set_today(date(2023, 7, 1))
    dossiers = example_project / "dossiers"
    later = dossiers / "2023-07-14-pfho-ruimte-wonen"
    later.mkdir()
    (later / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Ruimte en Wonen\ndatum: 2023-07-14\n"
        'aanvang: "09:30"\nlocatie: Regiokantoor\nagenda:\n  - Opening\n  - Rondvraag\n',
        encoding="utf-8",
    )
    args = ("verplaats", f"{WONEN}/snelfietsroutes", later.name)

    def cancel(meeting: Path, cancelled: bool) -> None:
        path = meeting / "vergadering.yaml"
        text = path.read_text(encoding="utf-8").replace("geannuleerd: Ja\n", "")
        path.write_text(text + ("geannuleerd: Ja\n" if cancelled else ""), encoding="utf-8")

    cancel(later, True)
    refused = run_cli(*args, cwd=example_project)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"fout: dossiers/{later.name}/vergadering.yaml: deze vergadering gaat niet door "
        "(geannuleerd: Ja); er is niets veranderd (kies een andere vergadering, of geef --toch "
        "als dit echt de bedoeling is)\n"
    )
    cancel(later, False)
    cancel(dossiers / WONEN, True)
    moved = run_cli(*args, cwd=example_project)
    assert moved.exit_code == 0, moved.stderr
    assert (later / "snelfietsroutes" / "dossier.yaml").is_file()


@pytest.mark.parametrize(
    ("target", "said"),
    [
        (f"dossiers/archief/{ECONOMIE}", f"dossiers/archief/{ECONOMIE}: {NESTED_MEETING}"),
        (ECONOMIE, f"{ECONOMIE}: {ARCHIVED_MEETING.format(ECONOMIE)}"),
        ("2099-01-01-bestaat-niet", f"2099-01-01-bestaat-niet: {MISSING_MEETING}"),
        (
            "dossiers/2099-01-01-bestaat-niet",
            f"dossiers/2099-01-01-bestaat-niet: {MISSING_MEETING}",
        ),
    ],
    ids=["archived", "archived-by-name", "missing", "missing-path"],
)
def test_a_target_that_is_no_open_meeting_is_refused_also_with_toch(
    example_project: Path, run_cli: RunCli, target: str, said: str
) -> None:
    """Review life L4 and L6: an archived meeting was taken as target, and the item dropped
    off every built agenda; a meeting that does not exist was "geen vergadermap, er staat geen
    vergadering.yaml in", as if the folder were there."""
    dossiers = example_project / "dossiers"
    archive(example_project, ECONOMIE)
    before = {path: path.read_bytes() for path in dossiers.rglob("*.yaml")}
    result = run_cli("verplaats", f"{WONEN}/snelfietsroutes", target, "--toch", cwd=example_project)
    assert result.exit_code == 2, result.stdout
    assert result.stderr == f"fout: {said}\n"
    assert {path: path.read_bytes() for path in dossiers.rglob("*.yaml")} == before


OLD_ROW = (
    "  - datum: 2023-05-26\n"
    "    overleg: Portefeuillehoudersoverleg\n"
    "    doel: Vaststellen\n"
    "    conclusie: Aanpak actieplan werklocaties\n"
)


@pytest.mark.parametrize(
    ("written", "after"),
    [
        (
            OLD_ROW.replace("werklocaties\n", "werklocaties   # eerst advies BOT\n"),
            OLD_ROW.replace(
                "Aanpak actieplan werklocaties\n",
                '"Uitgesteld naar 23 juni 2023"   # eerst advies BOT\n',
            ),
        ),
        (
            OLD_ROW.replace("conclusie: Aanpak actieplan werklocaties\n", "conclusie: >\n")
            + "      Aanpak actieplan\n      werklocaties\n\n",
            OLD_ROW.replace(
                "Aanpak actieplan werklocaties\n", '"Uitgesteld naar 23 juni 2023"\n\n'
            ),
        ),
        (
            "  - {datum: 2023-05-26, overleg: Portefeuillehoudersoverleg, doel: Vaststellen,\n"
            "     conclusie: Aanpak actieplan werklocaties}  # vorm van de oude tool\n",
            "  - {datum: 2023-05-26, overleg: Portefeuillehoudersoverleg, doel: Vaststellen,\n"
            '     conclusie: "Uitgesteld naar 23 juni 2023"}  # vorm van de oude tool\n',
        ),
    ],
    ids=["comment", "block", "flow"],
)
def test_the_old_row_is_marked_where_it_stands(
    example_project: Path, run_cli: RunCli, written: str, after: str
) -> None:
    path = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    original = path.read_text()
    assert OLD_ROW in original
    path.write_text(original.replace(OLD_ROW, written))
    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 0, result.stderr
    text = (example_project / "dossiers" / WONEN / "werklocaties" / "dossier.yaml").read_text()
    # Only the old row's conclusie changed, and a row for the new day came after it.
    new_row = (
        "  - datum: 2023-06-23\n"
        '    overleg: "Portefeuillehoudersoverleg Ruimte en Wonen"\n'
        '    doel: "Vaststellen"\n'
        '    conclusie: "Aanpak actieplan werklocaties"\n'
    )
    assert text == original.replace(OLD_ROW, after + new_row)
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr


def test_a_behandeling_the_text_edit_cannot_handle_is_left_alone(
    example_project: Path, run_cli: RunCli
) -> None:
    dossiers = example_project / "dossiers"
    path = dossiers / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = path.read_text()
    start, end = text.index("behandeling:"), text.index("toelichting:")
    path.write_text(
        text[:start] + "behandeling: [{datum: 2023-05-26, overleg: Portefeuillehoudersoverleg, "
        "doel: Vaststellen, conclusie: Aanpak}]\n" + text[end:]
    )
    before = {p: p.read_bytes() for p in dossiers.rglob("*.yaml")}
    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: dossiers/{ECONOMIE}/werklocaties/dossier.yaml: de behandeling kan niet "
        "automatisch worden aangepast; er is niets veranderd (schrijf elke behandeling als "
        "'- datum: ...' met overleg, doel en conclusie elk op een eigen regel, en probeer het "
        "opnieuw)\n"
    )
    assert {p: p.read_bytes() for p in dossiers.rglob("*.yaml")} == before


def test_the_note_of_the_meeting_day_goes_along_to_the_new_row(
    example_project: Path, run_cli: RunCli
) -> None:
    """A dossier made with `new` marks its meeting's row; after a move that is the new row."""
    made = run_cli(
        "new",
        f"dossiers/{ECONOMIE}",
        "proef",
        "--onderwerp",
        "Proef met uitstel",
        "--verspreiden",
        "Ja",
        "--contactpersoon",
        "K. de Vries",
        "--eenheid",
        "Strategie",
        "--email",
        "k.devries@regiogv.nl",
        cwd=example_project,
    )
    assert made.exit_code == 0, made.stderr
    moved = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/proef", f"dossiers/{WONEN}", cwd=example_project
    )
    assert moved.exit_code == 0, moved.stderr
    text = (example_project / "dossiers" / WONEN / "proef" / "dossier.yaml").read_text()
    note = "# deze vergadering: de agenda neemt het doel over"
    assert [line for line in text.splitlines() if "  - datum: " in line] == [
        "  - datum: 2023-05-26",
        f"  - datum: 2023-06-23           {note}",
    ]
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr
    # Back again: the row of that day is there already, and gets the note back; the row the
    # move added goes again.
    back = run_cli(
        "verplaats",
        f"dossiers/{WONEN}/proef",
        f"dossiers/{ECONOMIE}",
        "--toch",
        cwd=example_project,
    )
    assert back.exit_code == 0, back.stderr
    text = (example_project / "dossiers" / ECONOMIE / "proef" / "dossier.yaml").read_text()
    assert [line for line in text.splitlines() if "  - datum: " in line] == [
        f"  - datum: 2023-05-26           {note}",
    ]


@pytest.mark.slow
def test_items_renumbered_by_a_removed_item_are_moved_not_made_again(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: every dossier after a postponed or withdrawn item was rendered and converted again,
    although its agenda number is in none of its outputs (5.7 s for 15 of 37 in a clerk's
    week); only the agendas and the meeting bundles show the numbers."""
    import json

    import pikepdf

    assert run_cli("build", cwd=example_project).exit_code == 0
    build = example_project / "build" / WONEN

    def pdfs() -> dict[tuple[str, str], int]:
        """Each dossier's PDFs, by folder without its number, and the file each one is."""
        return {
            (p.parent.name.split("-", 1)[1], p.name): p.stat().st_ino for p in build.glob("*/*.pdf")
        }

    before = pdfs()
    assert (build / "03-23.0002104-woningbouwafspraken" / "bundel.pdf").is_file()
    agenda = example_project / "dossiers" / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace("  - Verslag en actielijst van het overleg van 12 mei 2023\n", ""), "utf-8"
    )
    result = run_cli("build", "--json", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {d["status"] for d in summary["dossiers"] if d["vergadering"] == WONEN} == {
        "ongewijzigd"
    }
    assert [m["status"] for m in summary["vergaderingen"] if m["vergadering"] == WONEN] == [
        "gebouwd"
    ]
    folders = sorted(p.name for p in build.iterdir() if p.is_dir() and p.name[:2].isdigit())
    assert folders == [
        "02-23.0002104-woningbouwafspraken",
        "03-23.0002117-res-voortgang",
        "04-23.0002131-snelfietsroutes",
        "05-23.0002142-memo-huisvestingsverordening",
        "06-23.0002150-mandaat-woningbouwimpuls",
    ]
    # The same files, moved: not made again.
    assert pdfs() == before
    record = example_project / "build" / ".cache" / WONEN / "woningbouwafspraken.json"
    assert json.loads(record.read_text(encoding="utf-8"))["dir"] == folders[0]
    assert "was" not in json.loads(record.read_text(encoding="utf-8"))
    assert len(before) == 5 * 2  # each its document and its bundle
    with pikepdf.open(build / "vergaderbundel-niet-openbaar.pdf") as pdf, pdf.open_outline() as o:
        titles = [item.title for item in o.root]
    assert titles[1].startswith("2. ") and "oningbouw" in titles[1], titles
    assert run_cli("build", "--json", cwd=example_project).exit_code == 0


@pytest.mark.slow
def test_a_renumbering_cut_short_leaves_outputs_a_withdrawal_finds(
    example_project: Path, run_cli: RunCli
) -> None:
    """Killed between the record and the rename, the record named only the new folder: a
    dossier made confidential after it kept its public outputs in the old one, unsaid."""
    import json

    assert run_cli("build", cwd=example_project).exit_code == 0
    build = example_project / "build" / WONEN
    old = build / "05-23.0002131-snelfietsroutes"
    assert (old / "voorstel.pdf").is_file()
    record_file = example_project / "build" / ".cache" / WONEN / "snelfietsroutes.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    moving = {"dir": "04-23.0002131-snelfietsroutes", "was": old.name}
    record_file.write_text(json.dumps(record | moving), encoding="utf-8")
    dossier = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    result = run_cli("build", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert not (old / "voorstel.pdf").exists()
    assert f"{old.relative_to(example_project)} zijn weggehaald" in result.stderr


@pytest.mark.slow
def test_a_renumbering_cut_short_then_a_refusal_keeps_the_last_good_outputs(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review: forgetting the refused dossier's key dropped the record's old folder, which
    then went as stale: a refused dossier keeps its last good outputs."""
    import json

    assert run_cli("build", cwd=example_project).exit_code == 0
    old = example_project / "build" / WONEN / "05-23.0002131-snelfietsroutes"
    record_file = example_project / "build" / ".cache" / WONEN / "snelfietsroutes.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    moving = {"dir": "04-23.0002131-snelfietsroutes", "was": old.name}
    record_file.write_text(json.dumps(record | moving), encoding="utf-8")
    from tests.hostile_files import truncated_pdf

    agenda = example_project / "dossiers" / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace("  - Verslag en actielijst van het overleg van 12 mei 2023\n", ""), "utf-8"
    )
    annex = example_project / "dossiers" / WONEN / "snelfietsroutes"
    (annex / "bijlage-1-kaart-snelfietsroutes.pdf").write_bytes(truncated_pdf())
    result = run_cli("build", cwd=example_project)
    assert result.exit_code == 1, result.stderr
    assert (old / "voorstel.pdf").is_file()


def _yaml_and_folders(project: Path) -> dict[str, bytes | None]:
    """Every YAML file under dossiers/ with its bytes, and every folder, by its path."""
    dossiers = project / "dossiers"
    return {
        path.relative_to(dossiers).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(dossiers.rglob("*"))
        if path.is_dir() or path.suffix == ".yaml" or path.name.startswith(".tmp-assembler")
    }


_MOVE = ("verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}")


def test_a_move_the_disk_refuses_half_way_is_undone_whole(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review intr X3: the folder was moved, neither agenda changed, and the clerk told to
    free space and build again, which failed; a second 'verplaats' found no dossier."""
    before = _yaml_and_folders(example_project)
    new_agenda = example_project / "dossiers" / WONEN / "vergadering.yaml"
    replace = os.replace
    refused: list[Path] = []

    def full_at_the_new_agenda(source: Any, target: Any) -> None:
        if Path(target) == new_agenda and not refused:  # the first time only, not the undo
            refused.append(Path(source))
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(source, target)

    monkeypatch.setattr("os.replace", full_at_the_new_agenda)
    result = run_cli(*_MOVE, cwd=example_project)
    assert result.exit_code == 3
    assert result.stderr == (
        f"fout: dossiers/{WONEN}/vergadering.yaml: kan niet schrijven: de schijf is vol; er is "
        "niets veranderd (maak ruimte vrij en verplaats opnieuw)\n"
    )
    assert refused
    assert _yaml_and_folders(example_project) == before
    monkeypatch.setattr("os.replace", replace)
    again = run_cli(*_MOVE, cwd=example_project)
    assert again.exit_code == 0, again.stderr


@pytest.mark.parametrize("at", ["de map", "de nieuwe agenda"])
def test_a_move_stopped_by_ctrl_c_is_undone_whole(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    """Review intr X3: stopped half-way, the item stood in the new meeting, on the old agenda
    only, and 'niets is half geschreven' was said."""
    before = _yaml_and_folders(example_project)
    dossiers = example_project / "dossiers"
    stop_at = dossiers / WONEN / ("werklocaties" if at == "de map" else "vergadering.yaml")
    renames = {"rename": os.rename, "replace": os.replace}

    def stopped(name: str) -> Callable[[Any, Any], None]:
        def rename(source: Any, target: Any) -> None:
            if Path(target) == stop_at:
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, just as this rename is made
            renames[name](source, target)

        return rename

    for name in renames:
        monkeypatch.setattr(f"os.{name}", stopped(name))
    result = run_cli(*_MOVE, cwd=example_project)
    assert result.exit_code == 130
    assert result.stderr == (
        "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)\n"
    )
    assert _yaml_and_folders(example_project) == before


def test_a_move_waits_for_no_build_and_a_build_is_told_of_a_move(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review intr X5: moved while a build ran, its annexes were said to be damaged."""
    import fcntl

    before = _yaml_and_folders(example_project)
    lock = example_project / "build" / ".lock"
    lock.parent.mkdir()
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("build")
        handle.flush()
        result = run_cli(*_MOVE, cwd=example_project)
        made = run_cli("vergadering", "2023-09-01-pfho-economie", cwd=example_project)
        handle.truncate(0)
        handle.write("verplaats")
        handle.flush()
        build = run_cli("build", "--geen-pdf", cwd=example_project)
    assert (result.exit_code, made.exit_code, build.exit_code) == (3, 3, 3)
    assert result.stderr == made.stderr == BUILD_RUNS
    assert build.stderr == (
        "fout: er wordt al een dossier verplaatst in dit project (wacht even en probeer het "
        "opnieuw)\n"
    )
    assert _yaml_and_folders(example_project) == before
    # Once the lock is free, the move goes, and names itself in the lock for a build refused.
    moved = run_cli(*_MOVE, cwd=example_project)
    assert moved.exit_code == 0, moved.stderr
    assert lock.read_text() == "verplaats"


@pytest.mark.parametrize(
    ("newline", "bom"), [("\r\n", True), ("\r\n", False), ("\r", False), ("\n", True)]
)
def test_a_move_keeps_each_files_line_ends_and_bom(
    example_project: Path, run_cli: RunCli, newline: str, bom: bool
) -> None:
    """Review uni U6: both agendas and the dossier were written back with LF and no BOM, so a
    move showed as every line of the three files changed (in git too)."""
    dossiers = example_project / "dossiers"
    old_meeting, new_meeting = (
        dossiers / ECONOMIE / "vergadering.yaml",
        dossiers / WONEN / "vergadering.yaml",
    )
    old_before = save_as_on_windows(old_meeting, newline, bom=bom)
    new_before = save_as_on_windows(new_meeting, newline, bom=bom)
    dossier_before = save_as_on_windows(
        dossiers / ECONOMIE / "werklocaties" / "dossier.yaml", newline, bom=bom
    )
    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 0, result.stderr
    assert lines_saved_as(old_meeting, newline, bom=bom) == [
        line for line in old_before if line != "  - dossier: werklocaties"
    ]
    new_after = lines_saved_as(new_meeting, newline, bom=bom)
    assert new_after.count("  - dossier: werklocaties") == 1
    assert [line for line in new_after if line != "  - dossier: werklocaties"] == new_before
    moved = lines_saved_as(dossiers / WONEN / "werklocaties" / "dossier.yaml", newline, bom=bom)
    assert '    conclusie: "Uitgesteld naar 23 juni 2023"' in moved
    assert len(moved) > len(dossier_before)
    check = run_cli("check", cwd=example_project)
    assert check.exit_code == 0, check.stderr


@pytest.mark.parametrize(
    ("unreadable", "outcome"),
    [
        (f"dossiers/{WONEN}/vergadering.yaml", "de agenda kan niet worden aangepast"),
        (f"dossiers/{ECONOMIE}/vergadering.yaml", "de agenda kan niet worden aangepast"),
        (
            f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml",
            "het dossier kan niet worden verplaatst",
        ),
    ],
)
def test_a_file_saved_as_utf_16_is_said_once(
    example_project: Path, run_cli: RunCli, unreadable: str, outcome: str
) -> None:
    """Windows review W7: a vergadering.yaml (or dossier.yaml) saved by Notepad as UTF-16 was
    said twice, the second time after 'fout:' as if it were another problem."""
    path = example_project / unreadable
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    before = {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")}
    result = run_cli(
        "verplaats", f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{WONEN}", cwd=example_project
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{unreadable}: is opgeslagen als UTF-16 (in Kladblok heet dat 'UTF-16 LE' (in oudere "
        "versies 'Unicode'); sla het bestand op als UTF-8: Opslaan als, Codering: UTF-8)",
        f"fout: {unreadable}: {outcome}",
    ]
    assert {p: p.read_bytes() for p in (example_project / "dossiers").rglob("*.yaml")} == before

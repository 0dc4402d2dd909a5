"""Folders and files a clerk has no rights on: said in Dutch at the folder, the rest checked.

Root reads everything, so as root the commands run without the two capabilities that let it
(as a clerk on a shared drive runs them); without ``setpriv`` that cannot be done.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ECONOMIE, WONEN

ASSEMBLER = Path(sys.executable).parent / "assembler"
_DROP = "-dac_override,-dac_read_search"
_AS_ROOT = os.geteuid() == 0


def _can_drop() -> bool:
    """Whether root's two capabilities can be dropped here (a container may not allow it)."""
    if shutil.which("setpriv") is None:
        return False
    probe = [
        "setpriv",
        f"--inh-caps={_DROP}",
        f"--bounding-set={_DROP}",
        "true",
    ]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(
    _AS_ROOT and not _can_drop(),
    reason="as root, rights apply only without its capabilities, which needs setpriv",
)


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``assembler`` in ``project`` as a clerk would: rights apply."""
    drop = ["setpriv", f"--inh-caps={_DROP}", f"--bounding-set={_DROP}"] if _AS_ROOT else []
    return subprocess.run(
        [*drop, str(ASSEMBLER), *args], cwd=project, capture_output=True, text=True, check=False
    )


def _problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The problem lines a build said, without its progress and summary."""
    return [
        line for line in result.stderr.splitlines() if line.startswith(("dossiers/", "templates/"))
    ]


@contextmanager
def _mode(path: Path, mode: int) -> Iterator[None]:
    """``path`` with ``mode`` for the time of the block (then as it was, so it can be removed)."""
    before = path.stat().st_mode
    path.chmod(mode)
    try:
        yield
    finally:
        path.chmod(before)


MEETING = f"dossiers/{WONEN}"
UNREADABLE = "deze map kan niet gelezen worden: geen leesrechten (controleer de rechten)"


@pytest.mark.parametrize(
    "mode", [0o000, 0o644, 0o311], ids=["geen", "niet-doorzoekbaar", "niet-leesbaar"]
)
def test_an_unreadable_meeting_folder_is_said_there_and_the_other_meeting_checked(
    example_project: Path, mode: int
) -> None:
    with _mode(example_project / MEETING, mode):
        result = _run(example_project, "check")
    assert result.returncode == 1
    assert result.stderr == f"{MEETING}: {UNREADABLE}\n"
    assert result.stdout == "Niet in orde: 1 fout in 1 map; 1 dossier in orde.\n"


def test_a_build_makes_the_other_meeting_when_one_cannot_be_read(example_project: Path) -> None:
    with _mode(example_project / MEETING, 0o644):
        result = _run(example_project, "build", "--geen-pdf")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{MEETING}: {UNREADABLE}" in result.stderr.splitlines()
    economie = example_project / "build" / "2023-05-26-pfho-economie"
    assert (economie / "agenda.docx").is_file()
    assert (economie / "02-23.0001772-werklocaties" / "voorstel.docx").is_file()


def test_a_path_in_an_unreadable_meeting_folder_is_answered_at_that_folder(
    example_project: Path,
) -> None:
    with _mode(example_project / MEETING, 0o644):
        result = _run(example_project, "check", f"{MEETING}/res-voortgang")
    assert result.returncode == 1
    assert result.stderr == f"{MEETING}: {UNREADABLE}\n"


@pytest.mark.parametrize(
    "mode", [0o000, 0o644, 0o311], ids=["geen", "niet-doorzoekbaar", "niet-leesbaar"]
)
def test_an_unreadable_dossier_folder_is_refused_there_and_the_others_checked(
    example_project: Path, mode: int
) -> None:
    with _mode(example_project / MEETING / "res-voortgang", mode):
        result = _run(example_project, "check")
    assert result.returncode == 1
    # Not also "not on the agenda" or "no such folder": it is there, and unread.
    assert result.stderr == f"{MEETING}/res-voortgang: {UNREADABLE}\n"
    assert result.stdout == "Niet in orde: 1 fout in 1 map; 5 dossiers in orde.\n"


@pytest.mark.parametrize("mode", [0o000, 0o644], ids=["geen", "niet-doorzoekbaar"])
def test_an_annex_in_an_unreadable_sub_folder_is_said_at_its_line(
    example_project: Path, mode: int
) -> None:
    # The review of the rights commits: a traceback, and nothing else was checked.
    folder = example_project / MEETING / "snelfietsroutes"
    (folder / "sub").mkdir()
    annex = "bijlage-2-kaartbeeld-knelpunten.pdf"
    (folder / annex).rename(folder / "sub" / annex)
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace(f"bestand: {annex}", f"bestand: sub/{annex}"), "utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f"bestand: {annex}" in t)
    with _mode(folder / "sub", mode):
        result = _run(example_project, "check")
    assert result.returncode == 1
    assert result.stderr == (
        f"{MEETING}/snelfietsroutes/dossier.yaml:{line}: bijlagen[2].bestand: 'sub/{annex}' "
        "kan niet gelezen worden: geen leesrechten (controleer de rechten)\n"
    )


NEW_VALUES = ("--onderwerp", "Proef", "--verspreiden", "Ja", "--contactpersoon", "A. Pols")
NEW_VALUES += ("--eenheid", "Beleid", "--email", "a.pols@regiogv.nl")


@pytest.mark.parametrize(
    ("mode", "code", "said"),
    [
        (0o000, 2, "kan niet gelezen worden: geen leesrechten (controleer de rechten)"),
        (
            0o555,
            3,
            "kan niet schrijven: de map is alleen-lezen of afgeschermd (controleer de rechten)",
        ),
    ],
    ids=["niet-leesbaar", "alleen-lezen"],
)
def test_new_in_a_meeting_folder_without_rights_is_refused_before_anything(
    example_project: Path, mode: int, code: int, said: str
) -> None:
    # The review of `new`: a traceback, for the second only after all questions were answered.
    with _mode(example_project / MEETING, mode):
        result = _run(example_project, "new", WONEN, "proef", *NEW_VALUES)
    assert result.returncode == code, result.stderr
    assert result.stderr == f"fout: {MEETING}: {said}\n"
    assert not (example_project / MEETING / "proef").exists()


def _yaml_files(project: Path) -> dict[str, bytes]:
    dossiers = project / "dossiers"
    return {
        path.relative_to(dossiers).as_posix(): path.read_bytes()
        for path in sorted(dossiers.rglob("*"))
        if path.is_file() and (path.suffix == ".yaml" or path.name.startswith(".tmp"))
    }


READ_ONLY = "de map is alleen-lezen of afgeschermd; er is niets veranderd (controleer de rechten)"


@pytest.mark.parametrize("folder", ["target", "dossier"])
def test_a_move_into_or_out_of_a_read_only_folder_is_said_and_changes_nothing(
    example_project: Path, folder: str
) -> None:
    """Review intr X4: a Python traceback (PermissionError from os.rename), exit 1."""
    before = _yaml_files(example_project)
    dossier = f"dossiers/{ECONOMIE}/werklocaties"
    locked = MEETING if folder == "target" else dossier
    with _mode(example_project / locked, 0o555):
        result = _run(example_project, "verplaats", "--toch", dossier, WONEN)
    assert result.returncode == 3, result.stderr
    refused = f"{MEETING}/vergadering.yaml" if folder == "target" else f"{dossier}/dossier.yaml"
    assert result.stderr == f"fout: {refused}: kan niet schrijven: {READ_ONLY}\n"
    assert _yaml_files(example_project) == before
    assert (example_project / dossier).is_dir()


def test_a_meeting_in_a_read_only_dossiers_folder_is_said_and_nothing_made(
    example_project: Path,
) -> None:
    """Review intr X4: a Python traceback (PermissionError from mkdir), exit 1."""
    dossiers = example_project / "dossiers"
    before = sorted(dossiers.iterdir())
    with _mode(dossiers, 0o555):
        result = _run(example_project, "vergadering", "2027-03-01-pfho-ruimte-wonen")
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        f"fout: dossiers/2027-03-01-pfho-ruimte-wonen: kan niet schrijven: {READ_ONLY}\n"
    )
    assert sorted(dossiers.iterdir()) == before


@pytest.mark.skipif(not _AS_ROOT, reason="only root can give a folder to another user")
def test_a_build_folder_of_another_user_is_said_with_its_owner(example_project: Path) -> None:
    """Environment review: after 'sudo ./project.sh build' a clerk was told to check the
    rights of a folder that is not read-only, only someone else's."""
    import pwd

    build = example_project / "build"
    build.mkdir()
    os.chown(build, 65534, 65534)
    try:
        owner = pwd.getpwuid(65534).pw_name
    except KeyError:
        owner = "65534"
    result = _run(example_project, "build", "--geen-pdf")
    assert result.returncode == 3, result.stderr
    assert result.stderr.endswith(
        f"fout: build: kan niet schrijven: de map is van gebruiker {owner}, en alleen die mag "
        "erin schrijven (laat de beheerder u schrijfrechten geven, of de eigenaar veranderen "
        "met 'sudo chown -R')\n"
    )


def test_a_build_makes_the_other_dossiers_when_one_cannot_be_read(example_project: Path) -> None:
    dossier = example_project / MEETING / "res-voortgang"
    with _mode(dossier, 0o000):
        result = _run(example_project, "build", "--geen-pdf")
    with _mode(dossier, 0o644):  # readable: the command line lets it through
        single = _run(example_project, "build", "--geen-pdf", f"{MEETING}/res-voortgang")
    assert result.returncode == 1
    assert _problems(result) == [
        f"{MEETING}/res-voortgang: {UNREADABLE}",
        f"{MEETING}/vergadering.yaml: waarschuwing: de agenda's zijn niet gemaakt omdat het "
        "agendapunt voor res-voortgang is afgekeurd (zie de meldingen bij dat agendapunt)",
    ]
    assert "Klaar: 5 gebouwd, 0 ongewijzigd, 1 mislukt" in result.stderr
    made = sorted(p.name for p in (example_project / "build" / WONEN).iterdir())
    assert made == [
        "03-23.0002104-woningbouwafspraken",
        "05-23.0002131-snelfietsroutes",
        "06-23.0002142-memo-huisvestingsverordening",
        "07-23.0002150-mandaat-woningbouwimpuls",
    ]
    assert single.returncode == 1
    assert single.stderr.startswith(f"{MEETING}/res-voortgang: {UNREADABLE}\nKlaar: 0 gebouwd")


def test_a_dossier_folder_that_becomes_unreadable_has_its_public_outputs_withdrawn(
    example_project: Path,
) -> None:
    """Whether it is public still cannot be read: what showed it goes, as for a refused one."""
    assert _run(example_project, "build", "--geen-pdf").returncode == 0
    with _mode(example_project / MEETING / "res-voortgang", 0o000):
        result = _run(example_project, "build", "--geen-pdf")
    assert result.returncode == 1
    assert _problems(result) == [
        f"{MEETING}/res-voortgang: {UNREADABLE}",
        f"{MEETING}/res-voortgang/dossier.yaml: waarschuwing: de eerder gemaakte stukken van dit "
        "dossier zijn weggehaald: ze waren openbaar, en het dossier is nu niet openbaar of "
        "afgekeurd (ze komen terug zodra het dossier weer gebouwd kan worden)",
        f"{MEETING}/vergadering.yaml: waarschuwing: de agenda's zijn niet bijgewerkt omdat het "
        "agendapunt voor res-voortgang is afgekeurd (zie de meldingen bij dat agendapunt)",
        f"{MEETING}/vergadering.yaml: waarschuwing: de openbare agenda is weggehaald: daarin "
        "stond res-voortgang als openbaar agendapunt, en dat agendapunt kan niet gelezen worden "
        "(de openbare agenda komt terug zodra de hele vergadering weer gebouwd kan worden)",
    ]
    assert not (example_project / "build" / WONEN / "04-23.0002117-res-voortgang").exists()


def test_an_unreadable_dossier_yaml_is_withdrawn_as_unread_not_as_not_public(
    example_project: Path,
) -> None:
    """The review of the outputs: it says verspreiden: Ja, and was said not to."""
    assert _run(example_project, "build", "--geen-pdf").returncode == 0
    with _mode(example_project / MEETING / "res-voortgang" / "dossier.yaml", 0o000):
        result = _run(example_project, "build", "--geen-pdf")
    assert result.returncode == 1
    said = _problems(result)
    assert (
        f"{MEETING}/vergadering.yaml: waarschuwing: de openbare agenda is weggehaald: daarin "
        "stond res-voortgang als openbaar agendapunt, en dat agendapunt kan niet gelezen worden "
        "(de openbare agenda komt terug zodra de hele vergadering weer gebouwd kan worden)"
    ) in said, said
    assert not any("verspreiden: Ja" in line for line in said), said


@pytest.mark.parametrize("command", [["check"], ["build", "--geen-pdf"]])
def test_dossiers_that_cannot_be_looked_into_stop_everything(
    example_project: Path, command: list[str]
) -> None:
    """Not even organisatie.yaml can be read: as when it is unreadable itself, exit code 2."""
    with _mode(example_project / "dossiers", 0o644):
        result = _run(example_project, *command)
    assert result.returncode == 2
    assert result.stderr == (
        "fout: dossiers: deze map kan niet gelezen worden, daarom is niets gecontroleerd of "
        "gemaakt: geen leesrechten (controleer de rechten)\n"
    )


def test_dossiers_that_cannot_be_listed_are_said_there(example_project: Path) -> None:
    with _mode(example_project / "dossiers", 0o311):
        result = _run(example_project, "check")
    assert result.returncode == 1
    assert result.stderr == f"dossiers: {UNREADABLE}\n"


TEMPLATE_UNREAD = (
    "templates/voorstel.docx: kan niet gelezen worden: geen leesrechten (controleer de rechten)"
)


def test_an_unreadable_template_is_said_as_that_not_as_no_word_document(
    example_project: Path,
) -> None:
    with _mode(example_project / "templates" / "voorstel.docx", 0o000):
        checked = _run(example_project, "check")
        linted = _run(example_project, "templates", "check")
        built = _run(example_project, "build", "--geen-pdf")
    assert checked.returncode == 2
    assert checked.stderr == TEMPLATE_UNREAD + "\n"
    assert linted.returncode == 2
    assert linted.stderr.splitlines()[0] == TEMPLATE_UNREAD
    # The memo, of another template, is made; the voorstellen are not.
    assert built.returncode == 2
    assert "Traceback" not in built.stderr
    assert _problems(built)[0] == TEMPLATE_UNREAD
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 5 mislukt" in built.stderr
    # The answer the build kept for it is not taken for a template that is missing.
    (example_project / "templates" / "voorstel.docx").unlink()
    gone = _run(example_project, "build", "--geen-pdf")
    assert _problems(gone)[0].startswith(
        "templates/voorstel.docx: sjabloon voor 'voorstel' bestaat niet"
    )


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unreadable_path_given_is_said_in_dutch(example_project: Path, command: str) -> None:
    """Was click's English: "Path '…' is not readable."."""
    dossier = f"{MEETING}/res-voortgang"
    with _mode(example_project / dossier, 0o000):
        result = _run(example_project, command, dossier)
    assert result.returncode == 2
    assert result.stderr == (
        f"fout: ongeldige waarde voor PADEN: de map '{dossier}' kan niet gelezen worden: geen "
        f"leesrechten (controleer de rechten) (zie 'assembler {command} --help')\n"
    )

"""`assembler check` and `assembler build --geen-pdf` say the same problems (maintainer review M2).

Every row of the bad-input catalogue is planted, then checked and built through the real
command line with ``--json`` on the row's paths; the two must end with the same exit code and
report the same problems (file, line, field, severity, message), but for what only a build can
know (``_BUILD_ONLY``). The template rows run a second time on a selection that does not use
the spoiled template; a broken agenda template runs on a dossier, on its meeting (also with a
refused item) and on the whole project.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import DOEL, MEETING_DIR, Catalogue, add_template_paragraph
from .test_catalogue import CASES, TEMPLATE_CASES, Case, _write

Said = tuple[str, int | None, str, str, str]

# What only a build can know, so a check does not say it. Nothing else may differ.
_BUILD_ONLY = (
    # The agendas and bundles a build did not make, or left as they were (an item of theirs
    # refused, a template broken, only some of their dossiers built): a check makes no
    # agendas. Of any meeting: a broken agenda template is said of the example meeting too.
    re.compile(
        r"^dossiers/[^/]+/vergadering\.yaml: waarschuwing: (de agenda's zijn|agenda en "
        r"vergaderbundel zijn) niet (gemaakt|bijgewerkt)( omdat |: alleen )"
    ),
)


# build/.cache of the untouched catalogue project after a check: the template check's answer
# and the annex reports, which the rows that leave those inputs alone then need not work out
# again (a clerk's project has them too). Made by the first test that asks, kept per module.
_WARM: list[Path] = []


@pytest.fixture
def warm(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    cache = catalogue.build_dir / ".cache"
    if _WARM:
        shutil.copytree(_WARM[0], cache)
    else:
        assert catalogue.cli("check", "--json").exit_code == 0
        kept = tmp_path_factory.mktemp("warm") / ".cache"
        shutil.copytree(cache, kept)
        _WARM.append(kept)
    return catalogue


def _said(found: list[dict[str, Any]]) -> set[Said]:
    return {(p["bestand"], p["regel"], p["veld"], p["ernst"], p["melding"]) for p in found}


def _line(said: Said) -> str:
    bestand, regel, veld, ernst, melding = said
    where = bestand if regel is None else f"{bestand}:{regel}"
    kind = "" if ernst == "fout" else f"{ernst}: "
    return f"{where}: {kind}{veld + ': ' if veld else ''}{melding}"


def _build_only(said: Said) -> bool:
    return any(pattern.match(_line(said)) for pattern in _BUILD_ONLY)


def _agree(catalogue: Catalogue, paths: tuple[str, ...]) -> None:
    checked = catalogue.cli("check", "--json", *paths)
    built = catalogue.cli("build", "--geen-pdf", "--json", *paths)
    assert "Traceback" not in checked.stderr + built.stderr, checked.stderr + built.stderr
    by_check = _said(json.loads(checked.stdout))
    by_build = _said(json.loads(built.stdout)["meldingen"])
    only_check = sorted(_line(s) for s in by_check - by_build)
    only_build = sorted(_line(s) for s in by_build - by_check if not _build_only(s))
    assert (checked.exit_code, only_check, only_build) == (built.exit_code, [], [])


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_check_and_build_agree(warm: Catalogue, case: Case) -> None:
    case.plant(warm)
    _agree(warm, case.paths)


DOEL_FOLDER = DOEL.removesuffix("/dossier.yaml")
AGENDA_TEMPLATE = "templates/agenda.docx"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in TEMPLATE_CASES])
def test_check_and_build_agree_on_a_template_not_used(warm: Catalogue, case: Case) -> None:
    """A broken memo template and a voorstel alone: the review's case (M2)."""
    case.plant(warm)
    _agree(warm, (DOEL_FOLDER,))


@pytest.mark.parametrize(
    ("paths", "refused"),
    [
        ((DOEL_FOLDER,), False),
        ((MEETING_DIR,), False),
        ((), False),
        # The meeting's agenda is not made for a refused item: the template is still needed.
        ((MEETING_DIR,), True),
    ],
    ids=["dossier", "vergadering", "alles", "vergadering-met-afgekeurd-punt"],
)
def test_check_and_build_agree_on_a_broken_agenda_template(
    warm: Catalogue, paths: tuple[str, ...], refused: bool
) -> None:
    _write(AGENDA_TEMPLATE, "dit is geen Word-document")(warm)
    if refused:
        warm.replace_line(DOEL, 10, "datum: 2023-02-30")
    _agree(warm, paths)


GEHEIM_FILE = f"{MEETING_DIR}/geheim/dossier.yaml"
MEMO_FILE = f"{MEETING_DIR}/memo/dossier.yaml"


def test_check_fills_in_each_dossier_as_the_build_does(catalogue: Catalogue) -> None:
    """A code that fails for the memo's own values: the check says what the build says."""
    add_template_paragraph(catalogue.path("templates/memo.docx"), "Aan: {{ aan }} {{ datum + 1 }}")
    message = (
        "templates/memo.docx: {{ aan }} {{ datum + 1 }}: de code rekent met waarden die niet "
        f"samengaan, zoals tekst en een getal, bij het invullen van {MEMO_FILE} (verbeter de "
        "code of haal hem weg)"
    )
    checked = catalogue.cli("check")
    assert (checked.exit_code, checked.lines, checked.stdout) == (
        2,
        [message],
        # doel, geheim and the example meeting's werklocaties.
        "Niet in orde: 1 fout in 1 bestand; 3 dossiers in orde; 1 dossier kan niet gemaakt "
        "worden met templates/memo.docx.\n",
    )
    built = catalogue.build(MEETING_DIR)
    assert (built.exit_code, message in built.lines) == (2, True)
    # A selection without the memo does not fill in its template.
    alone = catalogue.cli("check", DOEL.removesuffix("/dossier.yaml"))
    assert (alone.exit_code, alone.stderr) == (0, "")


def test_check_names_only_the_dossier_whose_values_fail(catalogue: Catalogue) -> None:
    """{{ bijlagen[1].omschrijving }} fails for geheim (one annex), not for doel (two)."""
    add_template_paragraph(
        catalogue.path("templates/voorstel.docx"), "Tweede: {{ bijlagen[1].omschrijving }}"
    )
    message = (
        "templates/voorstel.docx: {{ bijlagen[1].omschrijving }}: "
        f"{GEHEIM_FILE} heeft geen 2e rij in 'bijlagen' (de code telt vanaf 0: [1] is de 2e "
        "rij; gebruik {% for %}, of zet {% if bijlagen|length > 1 %} eromheen)"
    )
    checked = catalogue.cli("check", MEETING_DIR)
    assert (checked.exit_code, checked.lines, checked.stdout) == (
        2,
        [message],
        # doel is in order, as is the memo: geheim alone cannot be made.
        "Niet in orde: 1 fout in 1 bestand; 2 dossiers in orde; 1 dossier kan niet gemaakt "
        "worden met templates/voorstel.docx.\n",
    )
    built = catalogue.build(MEETING_DIR)
    assert (built.exit_code, message in built.lines) == (2, True)
    assert (catalogue.output("doel") / "voorstel.docx").is_file()

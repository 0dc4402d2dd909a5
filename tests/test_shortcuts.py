"""A Windows shortcut (.lnk) where a dossier folder or the logo was meant (review windows W6).

Explorer shows 'snelfietsroutes.lnk' as 'snelfietsroutes', with an arrow on its icon; a clerk
who dragged the folder with Alt (or made 'Snelkoppeling maken') and moved the original away
sees nothing amiss. The annexes were told so already; these were told the thing is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import WONEN, CliResult

# What a .lnk file begins with (its header size and class id), enough for a file that is one.
LNK = b"L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0F"


@pytest.mark.parametrize("shortcut", ["snelfietsroutes.lnk", "snelfietsroutes - Snelkoppeling.lnk"])
def test_a_dossier_folder_replaced_by_a_shortcut_is_said_to_be_one(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path, shortcut: str
) -> None:
    meeting = example_project / "dossiers" / WONEN
    shutil.move(meeting / "snelfietsroutes", tmp_path / "elders")
    (meeting / shortcut).write_bytes(LNK)
    result = run_cli("check", cwd=example_project)
    lines = (meeting / "vergadering.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("  - dossier: snelfietsroutes") + 1
    assert (
        f"dossiers/{WONEN}/vergadering.yaml:{line}: agenda[{_agenda_index(lines, line)}].dossier: "
        f"er is geen dossiermap 'snelfietsroutes' met een dossier.yaml in dossiers/{WONEN}: "
        f"'{shortcut}' is een snelkoppeling naar de map, niet de map zelf (zet de dossiermap "
        f"zelf in dossiers/{WONEN}, en haal de snelkoppeling weg)\n"
    ) in result.stderr, result.stderr
    assert result.exit_code == 1


@pytest.mark.parametrize("shortcut", ["logo.png.lnk", "logo - Snelkoppeling.lnk"])
def test_a_logo_replaced_by_a_shortcut_is_said_to_be_one(
    example_project: Path, run_cli: Callable[..., CliResult], shortcut: str
) -> None:
    style = example_project / "dossiers" / "huisstijl"
    (style / "logo.png").unlink()
    (style / shortcut).write_bytes(LNK)
    result = run_cli("check", cwd=example_project)
    settings = (example_project / "dossiers" / "organisatie.yaml").read_text(encoding="utf-8")
    line = settings.splitlines().index("logo: huisstijl/logo.png") + 1
    assert result.stderr.splitlines()[0] == (
        f"dossiers/organisatie.yaml:{line}: logo: 'huisstijl/logo.png' bestaat niet: "
        f"'huisstijl/{shortcut}' is een snelkoppeling naar het bestand, niet het bestand zelf "
        "(kopieer het logo zelf naar die plaats, en haal de snelkoppeling weg)"
    )
    assert result.exit_code == 2


def _agenda_index(lines: list[str], line: int) -> int:
    """The number (from 1) of the agenda entry at ``line``."""
    start = lines.index("agenda:")
    return sum(1 for text in lines[start:line] if text.startswith("  - "))

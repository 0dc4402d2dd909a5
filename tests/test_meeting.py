"""Meetings: two agendas, two meeting bundles, confidential items kept off the public side."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import REPO, WONEN

pytestmark = pytest.mark.slow
ASSEMBLER = Path(sys.executable).parent / "assembler"
CONFIDENTIAL_SUBJECT = "Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls"
CONFIDENTIAL_KENMERK = "23.0002150"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meeting") / "project"
    root.mkdir()
    for name in ("dossiers", "templates"):
        shutil.copytree(REPO / name, root / name)
    result = subprocess.run(
        [str(ASSEMBLER), "build"], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return root


def text(path: Path) -> str:
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


def outline(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                found.append((depth, str(item.title)))
                walk(list(item.children), depth + 1)

        walk(list(tree.root), 0)
    return found


def test_public_agenda_shows_a_confidential_item_only_as_niet_openbaar(built: Path) -> None:
    agenda = text(built / "build" / WONEN / "agenda.pdf")
    assert "vrijdag 23 juni 2023" in agenda
    assert "09.30 uur" in agenda
    assert "7. Niet openbaar" in agenda
    assert CONFIDENTIAL_SUBJECT not in agenda
    assert CONFIDENTIAL_KENMERK not in agenda
    assert "Woningbouwimpuls" not in agenda
    assert "NIET OPENBAAR" not in agenda
    assert "3. Regionale woningbouwafspraken 2023-2030" in agenda
    assert "Kenmerk 23.0002104" in agenda and "ter besluitvorming" in agenda
    assert "5. Prioritering regionale snelfietsroutes en cofinanciering" in agenda
    assert "ter bespreking" in agenda
    assert "ter informatie" in agenda  # the memo


def test_confidential_agenda_shows_everything_and_is_marked(built: Path) -> None:
    agenda = text(built / "build" / WONEN / "agenda-niet-openbaar.pdf")
    assert f"7. {CONFIDENTIAL_SUBJECT}" in agenda
    assert CONFIDENTIAL_KENMERK in agenda
    assert "NIET OPENBAAR" in agenda
    assert "Bijlage 1. Aanvraagformulier Woningbouwimpuls (vertrouwelijk)" in agenda


def test_public_meeting_bundle_has_no_confidential_page_or_title(built: Path) -> None:
    public = built / "build" / WONEN / "vergaderbundel.pdf"
    titles = [title for _depth, title in outline(public)]
    assert titles[0] == "Agenda"
    assert "3. Regionale woningbouwafspraken 2023-2030" in titles
    assert not any("Woningbouwimpuls" in title for title in titles)
    assert CONFIDENTIAL_KENMERK not in text(public)
    assert "NIET OPENBAAR" not in text(public)

    everything = built / "build" / WONEN / "vergaderbundel-niet-openbaar.pdf"
    assert (0, f"7. {CONFIDENTIAL_SUBJECT}") in outline(everything)
    with pikepdf.open(public) as a, pikepdf.open(everything) as b:
        assert len(b.pages) > len(a.pages)


def test_meeting_bundle_pages_add_up(built: Path) -> None:
    meeting = built / "build" / WONEN
    with pikepdf.open(meeting / "agenda.pdf") as agenda:
        expected = len(agenda.pages)
    for bundle in sorted(meeting.glob("*/bundel.pdf")):
        if CONFIDENTIAL_KENMERK in bundle.parent.name:
            continue
        with pikepdf.open(bundle) as pdf:
            expected += len(pdf.pages)
    with pikepdf.open(meeting / "vergaderbundel.pdf") as pdf:
        assert len(pdf.pages) == expected


def test_meeting_outputs_rebuilt_only_when_an_item_changed(built: Path) -> None:
    meeting = built / "build" / WONEN
    stamp = (meeting / "vergaderbundel.pdf").stat().st_mtime_ns
    result = subprocess.run(
        [str(ASSEMBLER), "build"], cwd=built, capture_output=True, text=True, check=False
    )
    assert "0 gebouwd" in result.stderr
    assert (meeting / "vergaderbundel.pdf").stat().st_mtime_ns == stamp

    agenda_file = built / "dossiers" / WONEN / "vergadering.yaml"
    agenda_file.write_text(agenda_file.read_text().replace("09:30", "10:00"))
    result = subprocess.run(
        [str(ASSEMBLER), "build"], cwd=built, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert (meeting / "vergaderbundel.pdf").stat().st_mtime_ns != stamp
    assert "10.00 uur" in text(meeting / "agenda.pdf")

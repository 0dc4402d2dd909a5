"""A meeting of more than 99 agenda items: its names sort in agenda order, its numbers fit."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assembler.layout import output_folder_name
from assembler.package import export_meetings, meeting_document_name
from assembler.project import Project
from assembler.references import next_reference
from assembler.validate import load_catalog
from tests.conftest import ECONOMIE, copy_example

pytestmark = pytest.mark.slow
EPOCH = 1_700_000_000
ITEMS = 103


def long_meeting(root: Path, count: int) -> None:
    """Make the economie meeting ``count`` items long: werklocaties as item 5 and a copy of it
    (another kenmerk) as the last item, loose items in between."""
    meeting = root / "dossiers" / ECONOMIE
    copy = meeting / "werklocaties-laatste"
    shutil.copytree(meeting / "werklocaties", copy)
    dossier = copy / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("kenmerk: 23.0001772", "kenmerk: 23.0009999")
    text = text.replace("onderwerp: Aanpak actieplan Werklocaties", "onderwerp: Laatste punt")
    dossier.write_text(text, encoding="utf-8")
    entries = [f"  - Los punt {number}" for number in range(1, count + 1)]
    entries[4] = "  - dossier: werklocaties"
    entries[-1] = "  - dossier: werklocaties-laatste"
    (meeting / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Economie\n"
        "datum: 2023-05-26\n"
        'aanvang: "14:00"\n'
        "locatie: Regiokantoor, Hilversum\n"
        "agenda:\n" + "\n".join(entries) + "\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with a meeting of 103 items, built and exported (LibreOffice)."""
    root = tmp_path_factory.mktemp("long") / "project"
    root.mkdir()
    copy_example(root, "dossiers", "templates")
    long_meeting(root, ITEMS)
    report = export_meetings(Project(root), [root / "dossiers" / ECONOMIE], source_date_epoch=EPOCH)
    problems = [p.format() for p in report.problems + report.build.problems]
    assert report.exit_code == 0, problems
    return root


def test_a_meeting_of_100_items_or_more_pads_its_numbers_to_three_digits(exported: Path) -> None:
    """Review S4: "100-" sorted between "10-" and "11-", and "100_" before "10_"."""
    build = exported / "build" / ECONOMIE
    folders = sorted(p.name for p in build.iterdir() if p.is_dir() and p.name[0].isdigit())
    assert folders == [
        "005-23.0001772-werklocaties",
        f"{ITEMS}-23.0009999-werklocaties-laatste",
    ]
    public = sorted(p.name for p in (build / "export" / "openbaar").glob("*.pdf"))
    heads = [re.sub(r"_[a-z0-9-]+\.pdf$", "", name) for name in public]
    assert heads == [
        f"000_{ECONOMIE}",
        f"000_{ECONOMIE}",
        "005_23.0001772_bijlage-01",
        "005_23.0001772_bijlage-02",
        "005_23.0001772_bijlage-03",
        "005_23.0001772_voorstel",
        f"{ITEMS}_23.0009999_bijlage-01",
        f"{ITEMS}_23.0009999_bijlage-02",
        f"{ITEMS}_23.0009999_bijlage-03",
        f"{ITEMS}_23.0009999_voorstel",
    ]


def test_a_meeting_under_100_items_keeps_two_digits(tmp_path: Path) -> None:
    """Names already published stay as they were: only a meeting of 100 items changes."""
    root = tmp_path / "project"
    root.mkdir()
    copy_example(root, "dossiers", "templates")
    long_meeting(root, 99)
    catalog = load_catalog(Project(root))
    (meeting,) = [m for m in catalog.meetings if m.name == ECONOMIE]
    names = [output_folder_name(i, i.dossier) for i in meeting.items if i.dossier is not None]
    assert names == ["05-23.0001772-werklocaties", "99-23.0009999-werklocaties-laatste"]
    assert meeting_document_name(meeting.name, "agenda", width=meeting.width) == (
        f"00_{ECONOMIE}_agenda.pdf"
    )


def _number_and_title_x(pdf: Path) -> dict[int, tuple[float, float]]:
    """Per loose item on the agenda: where its number starts and where its title starts."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    found: dict[int, tuple[float, float]] = {}
    for (x, _y, word), (next_x, _ny, next_word) in itertools.pairwise(words):
        number = re.fullmatch(r"(\d+)\.", word)
        if number and next_word == "Los":
            found[int(number.group(1))] = (float(x), float(next_x))
    return found


def test_every_item_title_starts_at_one_column_also_after_a_three_digit_number(
    exported: Path,
) -> None:
    """Review S3: "100." ran past the hanging indent's tab, its title a tab stop further on."""
    found = _number_and_title_x(exported / "build" / ECONOMIE / "agenda.pdf")
    assert {1, 9, 10, 99, 100, 102} <= set(found), sorted(found)
    titles = {round(title) for _number, title in found.values()}
    assert len(titles) == 1, {n: t for n, (_x, t) in found.items()}
    numbers = {round(number) for number, _title in found.values()}
    assert len(numbers) == 1, numbers


def test_a_kenmerk_published_as_item_100_or_later_stays_taken(
    exported: Path, tmp_path: Path
) -> None:
    """A dossier deleted after its export keeps its kenmerk, also under a three-digit number."""
    root = tmp_path / "project"
    shutil.copytree(exported / "dossiers", root / "dossiers")
    shutil.copytree(exported / "templates", root / "templates")
    shutil.rmtree(root / "dossiers" / ECONOMIE / "werklocaties-laatste")
    published = (root / "dossiers" / ECONOMIE / "publicatie.json").read_text(encoding="utf-8")
    assert f'"{ITEMS}_23.0009999_voorstel_' in published
    assert next_reference(Project(root), 2023) == "23.0010000"

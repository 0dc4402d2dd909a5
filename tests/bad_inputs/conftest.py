"""The catalogue project: the example project with one small meeting to plant bad inputs in.

The meeting ``2023-09-15-pfho-catalogus`` holds three dossiers, in agenda order:

* ``doel``: the voorstel that receives the bad input (fixed text, so lines are fixed);
* ``memo``: the example memo (a second document kind, for template cases);
* ``geheim``: the example confidential voorstel (``verspreiden: Nee``).

The example meeting ``2023-05-26-pfho-economie`` stays as a second meeting for the cases
that break a whole meeting. The large example meeting is left out so that a PDF build of
the catalogue meeting costs a few seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from assembler.cli import main
from tests.conftest import SHARED, copy_example, copy_example_part

REPO = Path(__file__).resolve().parents[2]
CORPUS = SHARED / "corpus" / "annexes"
EXAMPLE_WONEN = "dossiers/2023-06-23-pfho-ruimte-wonen"
ECONOMIE = "2023-05-26-pfho-economie"
MEETING = "2023-09-15-pfho-catalogus"
MEETING_DIR = f"dossiers/{MEETING}"
DOEL = f"{MEETING_DIR}/doel/dossier.yaml"
MEMO = f"{MEETING_DIR}/memo/dossier.yaml"
GEHEIM = f"{MEETING_DIR}/geheim/dossier.yaml"
AGENDA = f"{MEETING_DIR}/vergadering.yaml"
ORGANISATIE = "dossiers/organisatie.yaml"
TEMP_PREFIX = ".tmp-assembler-"
FIRST_ANNEX = "bijlage-1-afspraken.pdf"  # the file of doel's first annex

# Output folders per dossier: agenda number, kenmerk, folder name.
OUTPUT = {
    "doel": "02-23.0009001-doel",
    "memo": "03-23.0002142-memo",
    "geheim": "04-23.0002150-geheim",
}

MEETING_YAML = """\
overleg: Portefeuillehoudersoverleg Catalogus
datum: 2023-09-15
aanvang: "10:00"
locatie: Regiokantoor, Hilversum
agenda:
  - Opening en vaststellen agenda
  - dossier: doel
  - dossier: memo
  - dossier: geheim
  - Rondvraag en sluiting
"""

# Line numbers matter: the catalogue's messages name them (see README.md).
DOEL_YAML = """\
# Het dossier waarin de catalogus telkens één fout plant.
sjabloon: voorstel
onderwerp: Regionale woningbouwafspraken 2023-2030
verspreiden: Ja
portefeuillehouder: M. van der Linden
contactpersoon: Sanne de Wit
eenheid: Beleid en bestuur
email: s.dewit@regiogv.nl
kenmerk: 23.0009001
datum: 2023-09-01
voorstel:
  - Instemmen met de regionale woningbouwafspraken 2023-2030
  - De colleges adviseren de afspraken te bekrachtigen
behandeling:
  - datum: 2023-05-12
    overleg: Portefeuillehoudersoverleg
    doel: Bespreken
    conclusie: Concept woningbouwafspraken besproken
  - datum: 2023-09-15
    overleg: Portefeuillehoudersoverleg
    doel: Vaststellen
    conclusie: Regionale woningbouwafspraken 2023-2030
toelichting: |
  ### Aanleiding

  Het Rijk vraagt iedere regio om **woningbouwafspraken** te maken.
bijlagen:
  - omschrijving: Regionale woningbouwafspraken 2023-2030
    bestand: bijlage-1-afspraken.pdf
  - omschrijving: Woningbouwmonitor 2022
    bestand: bijlage-2-monitor.pdf
"""


@dataclass
class Run:
    """What a clerk sees after one command."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


class Catalogue:
    """The catalogue project in a temporary folder, and the ways to spoil it."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self._monkeypatch = monkeypatch

    # --- paths

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def doel(self) -> Path:
        return self.root / MEETING_DIR / "doel"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def output(self, folder: str, meeting: str = MEETING) -> Path:
        return self.build_dir / meeting / OUTPUT[folder]

    # --- planting

    def replace_line(self, relative: str, number: int, new: str) -> None:
        """Replace line ``number`` (from 1) of a text file; ``new`` may hold several lines."""
        path = self.path(relative)
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[number - 1] = new
        path.write_text("\n".join(lines), encoding="utf-8")

    def insert_line(self, relative: str, before: int, new: str) -> None:
        path = self.path(relative)
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(before - 1, new)
        path.write_text("\n".join(lines), encoding="utf-8")

    def delete_line(self, relative: str, number: int) -> None:
        path = self.path(relative)
        lines = path.read_text(encoding="utf-8").split("\n")
        del lines[number - 1]
        path.write_text("\n".join(lines), encoding="utf-8")

    def append(self, relative: str, text: str) -> None:
        with open(self.path(relative), "a", encoding="utf-8") as handle:
            handle.write(text)

    def write(self, relative: str, data: str | bytes) -> None:
        path = self.path(relative)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    def set_annex(self, name: str, data: bytes | None = None) -> Path:
        """Point the first annex of ``doel`` (line 29) at ``name``; write ``data`` there.

        A file that is then there replaces the annex's old file, which goes, as a clerk's
        would: left behind, it would be warned about as a PDF that no annex names.
        """
        self.replace_line(DOEL, 29, f"    bestand: {name}")
        target = self.doel / name
        if data is not None:
            target.write_bytes(data)
        old = self.doel / FIRST_ANNEX
        if (target.exists() or target.is_symlink()) and target != old:
            old.unlink()
        return target

    # --- running

    def cli(self, *args: str) -> Run:
        """Run the real command line in-process, from the project root.

        An exception escaping the command is turned into the traceback a clerk would see,
        so the assertions can say so instead of erroring out of the test.
        """
        self._monkeypatch.chdir(self.root)
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert result.exc_info is not None
            stderr += "Traceback (most recent call last):\n" + "".join(
                traceback.format_exception(*result.exc_info)
            )
        return Run(result.exit_code, result.stdout, stderr)

    def build(self, *paths: str, pdf: bool = False) -> Run:
        args = ["build", *([] if pdf else ["--geen-pdf"]), *paths]
        return self.cli(*args)

    # --- looking at the result

    def temp_files(self) -> list[Path]:
        if not self.build_dir.exists():
            return []
        return sorted(p for p in self.build_dir.rglob(TEMP_PREFIX + "*"))

    def written_for(self, folder: str, meeting: str = MEETING) -> list[Path]:
        """Everything under build/ that belongs to dossier ``folder`` of ``meeting``."""
        found: list[Path] = []
        meeting_dir = self.build_dir / meeting
        if meeting_dir.is_dir():
            found += sorted(meeting_dir.glob(f"*-{folder}"))
        cache = self.build_dir / ".cache" / meeting / f"{folder}.json"
        if cache.exists():
            found.append(cache)
        return found


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalogue]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = tmp_path / "project"
    copy_example(
        root, "templates", "schemas", ORGANISATIE, "dossiers/huisstijl", f"dossiers/{ECONOMIE}"
    )
    dossiers = root / "dossiers"
    meeting = dossiers / MEETING
    meeting.mkdir()
    (meeting / "vergadering.yaml").write_text(MEETING_YAML, encoding="utf-8")
    copy_example_part(f"{EXAMPLE_WONEN}/memo-huisvestingsverordening", meeting / "memo")
    copy_example_part(f"{EXAMPLE_WONEN}/mandaat-woningbouwimpuls", meeting / "geheim")
    # On this meeting's agenda, so treated on its date (the agenda's purpose comes from it).
    geheim = meeting / "geheim" / "dossier.yaml"
    geheim.write_text(
        geheim.read_text(encoding="utf-8").replace("- datum: 2023-06-23", "- datum: 2023-09-15"),
        encoding="utf-8",
    )
    doel = meeting / "doel"
    doel.mkdir()
    (doel / "dossier.yaml").write_text(DOEL_YAML, encoding="utf-8")
    shutil.copy(CORPUS / "001-trivial--minimal-document.pdf", doel / FIRST_ANNEX)
    shutil.copy(
        CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", doel / "bijlage-2-monitor.pdf"
    )
    yield Catalogue(root, monkeypatch)


# --------------------------------------------------------------------------- document text


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """The text of every w:t of every Word part, after checking each part parses as XML."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(archive.read(name))
            if name.startswith("word/"):
                texts.extend(element.text or "" for element in root.iter(W + "t"))
                texts.append("\n")
    return "".join(texts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# --------------------------------------------------------------------------- hostile PDFs


# --------------------------------------------------------------------------- templates


def add_template_paragraph(template: Path, text: str) -> None:
    """Add ``text`` as a last paragraph of a Word template (one run)."""
    import docx

    document = docx.Document(str(template))
    document.add_paragraph(text)
    document.save(str(template))


def add_split_tag(template: Path, parts: list[tuple[str, bool]]) -> None:
    """Add a paragraph of several runs, bold where asked: a tag typed with a format change."""
    import docx

    document = docx.Document(str(template))
    paragraph = document.add_paragraph()
    for text, bold in parts:
        paragraph.add_run(text).bold = bold
    document.save(str(template))

"""The seed proposal as an archival PDF: PDF/A-2, tagged, fonts embedded, nl-NL, seed text."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from tests import tags
from tests.conftest import ECONOMIE, SEED_TEXT, copy_example

pytestmark = pytest.mark.slow
ASSEMBLER = Path(sys.executable).parent / "assembler"


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seed") / "project"
    root.mkdir()
    copy_example(root, "dossiers", "templates")
    result = subprocess.run(
        [str(ASSEMBLER), "build", f"dossiers/{ECONOMIE}/werklocaties"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root / "build" / ECONOMIE / "02-23.0001772-werklocaties" / "voorstel.pdf"


def test_pdfa2_tagged_dutch(seed_pdf: Path) -> None:
    with pikepdf.open(seed_pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "nl-NL"
        assert str(pdf.docinfo["/Title"]) == "Aanpak actieplan Werklocaties"
        assert str(pdf.docinfo["/Keywords"]) == "23.0001772"


def test_every_font_embedded(seed_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(seed_pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        columns = line.split()
        # name type encoding emb sub uni object ID: 'emb' is the fifth column from the end.
        assert columns[-5] == "yes", line
        assert "Liberation" in columns[0] or "DejaVu" in columns[0], line


def test_text_in_reading_order_is_the_seed(seed_pdf: Path) -> None:
    raw = subprocess.run(
        ["pdftotext", "-raw", str(seed_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    header = {"Regio", "Gooi en Vechtstreek", "Regio Gooi en Vechtstreek", "Voorstel"}
    footer = re.compile(r"^Kenmerk 23\.0001772 Pagina \d+ van \d+$")
    body: list[str] = []
    for page in raw.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        # The running header is the first lines of every page, the footer the last one
        # (logo text, name, document kind), so the section heading "Voorstel" further down stays.
        while lines and lines[0] in header and lines[0] != "Voorstel":
            lines.pop(0)
        if lines and lines[0] == "Voorstel":
            lines.pop(0)
        while lines and footer.match(lines[-1]):
            lines.pop()
        body.extend(lines)
    pdf_words = " ".join(body).split()
    seed_words = SEED_TEXT.read_text(encoding="utf-8").split()
    # Table cells wrap inside their column, so compare the words in order, whitespace aside.
    assert pdf_words[: len(seed_words)] == seed_words


def test_the_logo_stands_at_the_margin_and_says_what_it_is(seed_pdf: Path) -> None:
    """Flush with the text below it (2.5 cm), as in Word; its alternative text in the .docx."""
    with pikepdf.open(seed_pdf) as pdf:
        instructions = pikepdf.parse_content_stream(pdf.pages[0])
    (placement,) = [
        operands
        for (operands, operator), (_, following) in itertools.pairwise(instructions)
        if str(operator) == "cm" and str(following) == "Do"
    ]
    assert abs(float(placement[4]) - 70.87) < 0.5  # 2.5 cm in points
    docx = seed_pdf.with_suffix(".docx")
    header = zipfile.ZipFile(docx).read("word/header1.xml").decode("utf-8")
    assert 'descr="Logo Regio Gooi en Vechtstreek"' in header


def test_a_screen_reader_hears_the_labels_as_row_headers_and_no_stray_drawing(
    seed_pdf: Path,
) -> None:
    """Algemeen's labels (Onderwerp … Datum) are row headers; the rules are artifacts."""
    # Onderwerp, Verspreiden, Contactpersoon, Eenheid, E-mail, Kenmerk, Datum.
    assert tags.row_header_count(seed_pdf) == 7
    assert tags.headings(seed_pdf)[0] == "H1"
    # Was 18: the rules under the headings and in the header and footer, on both pages.
    assert tags.untagged_painting(seed_pdf) == 0

"""Office annexes as the archive and the public see them: what LibreOffice's conversion shows,
holds and links to, and what check says of it at the annex's line.

The documents are made here: forms and links by LibreOffice's own HTML import (what a
LibreOffice user gets when making a form), tracked changes with python-docx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from assembler.convert import ConversionJob, convert_to_pdf
from tests.conftest import ECONOMIE, CliResult

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")

EPOCH = 1_700_000_000
FORM_HTML = (
    "<html><body><h1>Formulier</h1><p>Vul in:</p>"
    '<form action="https://example.org/send" method="post">'
    '<p>Naam: <input type="text" name="naam" value="Jan"></p>'
    '<p><input type="checkbox" name="ok" checked> akkoord</p>'
    '<p><select name="keus"><option>eenmalig</option><option>twee</option></select></p>'
    '<p><input type="submit" value="Verstuur"></p></form><p>Einde.</p></body></html>'
)
LINKS_HTML = (
    '<html><body><p>Zie <a href="geheim.docx">de notitie</a>, <a href="../Beleid/nota.docx">'
    'de nota</a>, <a href="javascript:app.alert(1)">dit</a> en '
    '<a href="https://www.regiogv.nl/">de site</a>.</p></body></html>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def from_html(tmp_path: Path, html: str, name: str) -> Path:
    """``name`` (.odt) made by LibreOffice's HTML import of ``html``, in its own profile."""
    work = tmp_path / f"html-{name}"
    work.mkdir()
    source = work / (Path(name).stem + ".html")
    source.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--infilter=HTML (StarWriter)",
            "--convert-to",
            "odt",
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    made = work / (Path(name).stem + ".odt")
    assert made.is_file()
    return made


def with_url_button(form: Path, target: Path) -> Path:
    """``form`` with its submit button turned into one that opens a web page."""
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                text, count = re.subn(
                    r'form:button-type="submit"',
                    'form:button-type="url" xlink:href="https://www.regiogv.nl/"',
                    text,
                )
                assert count == 1
                data = text.encode("utf-8")
            copy.writestr(item, data)
    return target


def with_tracked_changes(path: Path) -> Path:
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    paragraph = document.add_paragraph("Het bod is ")
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="1" w:author="Jurist" w:date="2023-06-01T10:00:00Z"><w:r>'
            "<w:delText>GEHEIM 6,4 miljoen</w:delText></w:r></w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:ins {W} w:id="2" w:author="Jurist" w:date="2023-06-01T10:00:00Z"><w:r>'
            "<w:t>nader te bepalen</w:t></w:r></w:ins>"
        )
    )
    document.save(str(path))
    return path


def convert(source: Path, target: Path) -> Path:
    report = convert_to_pdf([ConversionJob(source, target)], source_date_epoch=EPOCH)
    assert report.ok, report.failures
    return target


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def uris(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.obj.get("/Annots", [])
            if "/A" in annot and annot.A.get("/S") == "/URI"
        ]


def test_a_converted_form_shows_its_values_and_holds_no_actions(tmp_path: Path) -> None:
    """The archival copy of a filled-in form showed its fields empty (LibreOffice 7.4 writes
    empty appearances) and kept the submit button's /AA while claiming PDF/A-2b."""
    pdf = convert(from_html(tmp_path, FORM_HTML, "formulier.odt"), tmp_path / "formulier.pdf")
    text = pdf_text(pdf)
    assert "Jan" in text and "eenmalig" in text and "Verstuur" in text
    with pikepdf.open(pdf) as document:
        assert document.open_metadata().get("pdfaid:part") == "2"
        for page in document.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Widget":
                    assert "/A" not in annot and "/AA" not in annot
        form = document.Root.get("/AcroForm")
        assert form is None or len(form.get("/Fields", [])) == 0


def test_a_relative_link_stays_relative_and_two_conversions_are_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice resolved a relative link against its random workspace: the build
    machine's temporary folder went into the public export, and no two exports were equal."""
    source = from_html(tmp_path, LINKS_HTML, "koppelingen.odt")
    first = convert(source, tmp_path / "een.pdf")
    monkeypatch.setenv("ASSEMBLER_UNO", "0")  # the other way of converting: the same bytes
    second = convert(source, tmp_path / "twee.pdf")
    assert first.read_bytes() == second.read_bytes()
    assert b"assembler-convert" not in first.read_bytes()
    found = uris(first)
    assert "https://www.regiogv.nl/" in found and "javascript:app.alert(1)" in found
    assert not [uri for uri in found if uri.startswith("file:")]
    # The links as the document holds them, relative to the folder it is in.
    assert sorted(found) == sorted(
        ["geheim.docx", "../Beleid/nota.docx", "javascript:app.alert(1)", "https://www.regiogv.nl/"]
    )


def add_annexes(project: Path, names: list[tuple[Path, str]]) -> dict[str, int]:
    """Add office annexes to werklocaties; each file's name and the line that names it."""
    folder = project / "dossiers" / ECONOMIE / "werklocaties"
    dossier = folder / "dossier.yaml"
    lines = dossier.read_text(encoding="utf-8").splitlines()
    number = sum(1 for line in lines if line.strip().startswith("bestand:"))
    where: dict[str, int] = {}
    for source, name in names:
        number += 1
        shutil.copyfile(source, folder / name)
        lines += [f"  - omschrijving: Bijlage {number}", f"    bestand: {name}"]
        where[name] = len(lines)
    dossier.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return where


ACTIVE = (
    "bevat een link of actie naar een ander bestand of een andere computer: de bundels laten "
    "dat weg, maar het exportpakket geeft de bijlage ongewijzigd door (vraag de afzender om een "
    "versie zonder scripts en acties als de bijlage zo niet openbaar mag)"
)
TRACKED = (
    "bevat bijgehouden wijzigingen: de verwijderde tekst staat doorgestreept in de PDF, en is "
    "daar te lezen en te doorzoeken (neem de wijzigingen aan of wijs ze af en sla het document "
    "op; in Word: Controleren › Accepteren › Alle wijzigingen accepteren, in LibreOffice: "
    "Bewerken › Wijzigingen bijhouden › Alles accepteren)"
)
SUBMIT = (
    "bevat een knop die het formulier verstuurt ('Verstuur'); de PDF toont het formulier zoals "
    "het eruitziet, met de ingevulde waarden, maar die knop doet daar niets: een PDF voor het "
    "archief (PDF/A) mag geen acties op formulierknoppen hebben (haal de knop weg als die niet "
    "nodig is, in LibreOffice in Formulier › Ontwerpmodus)"
)
URL_BUTTON = (
    "bevat een knop met een koppeling ('Verstuur', naar 'https://www.regiogv.nl/'); de PDF toont "
    "het formulier zoals het eruitziet, met de ingevulde waarden, maar die knop doet daar niets: "
    "een PDF voor het archief (PDF/A) mag geen acties op formulierknoppen hebben (zet de "
    "koppeling als gewone hyperlink in de tekst en haal de knop weg als die niet nodig is, in "
    "LibreOffice in Formulier › Ontwerpmodus)"
)


def test_check_says_at_each_office_annexs_line_what_its_pdf_shows_or_leaves_out(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """Tracked changes, links elsewhere and a submit button went into the PDFs unsaid; a
    button that opens a web page refused the annex as a 'gekoppeld bestand'."""
    form = from_html(tmp_path, FORM_HTML, "formulier.odt")
    where = add_annexes(
        example_project,
        [
            (from_html(tmp_path, LINKS_HTML, "koppelingen.odt"), "bijlage-4-koppelingen.odt"),
            (form, "bijlage-5-formulier.odt"),
            (with_tracked_changes(tmp_path / "revisies.docx"), "bijlage-6-revisies.docx"),
            (with_url_button(form, tmp_path / "knop.odt"), "bijlage-7-knop.odt"),
        ],
    )
    result = run_cli("check", cwd=example_project)
    prefix = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml"
    expected = [
        (where["bijlage-4-koppelingen.odt"], 4, "bijlage-4-koppelingen.odt", ACTIVE),
        (where["bijlage-5-formulier.odt"], 5, "bijlage-5-formulier.odt", SUBMIT),
        (where["bijlage-6-revisies.docx"], 6, "bijlage-6-revisies.docx", TRACKED),
        (where["bijlage-7-knop.odt"], 7, "bijlage-7-knop.odt", URL_BUTTON),
    ]
    for line, index, name, said in expected:
        assert (
            f"{prefix}:{line}: waarschuwing: bijlagen[{index}].bestand: '{name}' {said}\n"
            in result.stderr
        ), result.stderr
    assert "gekoppeld bestand" not in result.stderr
    assert result.exit_code == 0, result.stderr


def test_the_pdf_of_a_document_with_tracked_changes_shows_the_deleted_text_as_warned(
    tmp_path: Path,
) -> None:
    """What the warning says is so: the deleted words are in the PDF's text."""
    pdf = convert(with_tracked_changes(tmp_path / "revisies.docx"), tmp_path / "revisies.pdf")
    assert "GEHEIM 6,4 miljoen" in pdf_text(pdf)


def test_finish_takes_the_actions_off_form_fields_it_is_given(tmp_path: Path) -> None:
    """Should LibreOffice export a field after all, it carries no action (ISO 19005-2
    §6.4.1), as the bundles already leave them out."""
    from assembler.normalise import finish_pdf

    path = tmp_path / "veld.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        submit = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://x.nl"))
        widget = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Btn,
                T=pikepdf.String("verstuur"),
                Rect=[0, 0, 10, 10],
                A=submit,
                AA=pikepdf.Dictionary(D=submit),
            )
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([widget])
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))
        pdf.save(path)
    assert finish_pdf(path, None) is None
    with pikepdf.open(path) as pdf:
        annot = pdf.pages[0].obj.Annots[0]
        assert "/A" not in annot and "/AA" not in annot

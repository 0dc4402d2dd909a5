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


def assert_warned(
    result: CliResult, where: dict[str, int], expected: list[tuple[int, str, str]]
) -> None:
    """Each (annex number, file name, warning) is said at that annex's line of the dossier."""
    prefix = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml"
    for index, name, said in expected:
        assert (
            f"{prefix}:{where[name]}: waarschuwing: bijlagen[{index}].bestand: '{name}' {said}\n"
            in result.stderr
        ), result.stderr


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
    assert_warned(
        result,
        where,
        [
            (4, "bijlage-4-koppelingen.odt", ACTIVE),
            (5, "bijlage-5-formulier.odt", SUBMIT),
            (6, "bijlage-6-revisies.docx", TRACKED),
            (7, "bijlage-7-knop.odt", URL_BUTTON),
        ],
    )
    assert "gekoppeld bestand" not in result.stderr
    assert result.exit_code == 0, result.stderr


def test_the_pdf_of_a_document_with_tracked_changes_shows_the_deleted_text_as_warned(
    tmp_path: Path,
) -> None:
    """What the warning says is so: the deleted words are in the PDF's text."""
    pdf = convert(with_tracked_changes(tmp_path / "revisies.docx"), tmp_path / "revisies.pdf")
    assert "GEHEIM 6,4 miljoen" in pdf_text(pdf)


_SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A workbook as Excel stores its built-in formats: by number only (numFmtId 14 "Korte datum",
# 4 "#,##0.00", 10 "0.00%"), with no locale of their own; a reader's Excel shows them in the
# reader's locale. The parts a spreadsheet needs and no more (the same as the workbook of the
# secretary review's W1).
_WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_RELATIONSHIP}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_SPREADSHEET}" '
        f'xmlns:r="{_OFFICE_RELATIONSHIP}"><sheets>'
        '<sheet name="Planning" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_RELATIONSHIP}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OFFICE_RELATIONSHIP}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_SPREADSHEET}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="4">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    ),
    # 46458 is 12 March 2027 in Excel's day count.
    "xl/worksheets/sheet1.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SPREADSHEET}">'
        '<cols><col min="1" max="4" width="18" customWidth="1"/></cols><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mijlpaal</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Datum</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>Bedrag</t></is></c>'
        '<c r="D1" t="inlineStr"><is><t>Aandeel</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="1"><v>46458</v></c>'
        '<c r="C2" s="2"><v>432100</v></c><c r="D2" s="3"><v>0.035</v></c></row>'
        "</sheetData></worksheet>"
    ),
}


def excel_workbook(path: Path) -> Path:
    """An .xlsx with a date, an amount and a share in Excel's built-in formats."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as workbook:
        for name, text in _WORKBOOK_PARTS.items():
            workbook.writestr(name, text)
    return path


def test_an_excel_annex_shows_dates_amounts_and_shares_as_a_dutch_reader_reads_them(
    example_project: Path,
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Secretary review W1: an Excel annex's 'Korte datum' 12 March 2027 came out as
    3/12/2027 (3 December to a Dutch reader), 432.100,00 as 432,100.00 and 3,50% as 3.50%:
    LibreOffice formatted them in its default locale, en-US under the build's LANG=C.UTF-8."""
    monkeypatch.setenv("LANG", "C.UTF-8")  # the build's own, or a clerk's English machine
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    add_annexes(example_project, [(excel_workbook(tmp_path / "planning.xlsx"), "planning.xlsx")])

    result = run_cli("build", ECONOMIE, cwd=example_project)

    assert result.exit_code == 0, result.stderr
    item = next((example_project / "build" / ECONOMIE).glob("*-werklocaties"))
    words = pdf_text(item / "bundel.pdf").split()
    assert "12-3-2027" in words and "432.100,00" in words and "3,50%" in words, words
    assert "3/12/2027" not in words and "432,100.00" not in words and "3.50%" not in words
    # The other way of converting (one-shot batches) runs in the same profile settings.
    monkeypatch.setenv("ASSEMBLER_UNO", "0")
    batch = convert(excel_workbook(tmp_path / "batch.xlsx"), tmp_path / "batch.pdf")
    assert {"12-3-2027", "432.100,00", "3,50%"} <= set(pdf_text(batch).split())


def with_date_fields(path: Path) -> Path:
    """A Word document whose text names no language, with today's date in two fields: as
    Word's default short date, and written out ('d MMMM yyyy')."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    for language in document.styles.element.xpath("//w:lang"):
        language.getparent().remove(language)
    for instruction in (" DATE ", ' DATE \\@ "d MMMM yyyy" '):
        paragraph = document.add_paragraph("Datum: ")
        for run in (
            '<w:fldChar w:fldCharType="begin"/>',
            f'<w:instrText xml:space="preserve">{instruction}</w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>oud</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
        ):
            paragraph._p.append(parse_xml(f"<w:r {W}>{run}</w:r>"))
    document.save(str(path))
    return path


def test_a_word_annex_with_no_language_shows_its_date_fields_in_dutch(tmp_path: Path) -> None:
    """Secretary review W1, in Word: a document that names no language (as some programs write
    them) had its date fields printed the American way, '12/1/26' and '1 December 2026'."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from assembler import LOCAL_TIME_ZONE
    from assembler.dates import dutch_date

    def today() -> dt.date:
        return dt.datetime.now(ZoneInfo(LOCAL_TIME_ZONE)).date()

    before = today()
    pdf = convert(with_date_fields(tmp_path / "datum.docx"), tmp_path / "datum.pdf")
    days = {before, today()}  # the conversion may run past midnight
    lines = pdf_text(pdf).split("\n")
    short = {f"Datum: {day.day}-{day.month}-{day:%y}" for day in days}
    long = {f"Datum: {dutch_date(day)}" for day in days}  # 1 december 2026
    assert short & set(lines) and long & set(lines), lines


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


NS = "http://schemas.openxmlformats.org"
SHEET_MAIN = f"{NS}/spreadsheetml/2006/main"
REL = f"{NS}/officeDocument/2006/relationships"
PACKAGE_REL = f"{NS}/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
GUID = "{6F5C4E3B-2A19-4D7C-9E8F-0A1B2C3D4E5F}"
ACTIVEX = "http://schemas.microsoft.com/office/2006/activeX"
COMMAND_BUTTON = "{D7053240-CE69-11CD-A777-00DD01143C57}"
TEXT_BOX = "{8BD21D10-EC42-11CE-9E0D-00AA006002F3}"


def make_xlsx(
    path: Path,
    cells: str = "",
    parts: dict[str, str] | None = None,
    relationships: str = "",
    overrides: str = "",
) -> Path:
    """A workbook written part by part, as Excel lays one out (no spreadsheet library is a
    dependency): one sheet, ``cells`` added to its second row, ``parts`` added to the zip,
    ``relationships`` to the workbook's and ``overrides`` to the content types."""
    written = {
        "[Content_Types].xml": (
            f'<Types xmlns="{NS}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{SHEET_TYPE}.worksheet+xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{SHEET_MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Begroting" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{relationships}'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{SHEET_MAIN}" xmlns:r="{REL}"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>Begrotingspost</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Bedrag</t></is></c></row><row r="2">'
            f'<c r="A2" t="inlineStr"><is><t>Werklocaties</t></is></c>{cells}</row>'
            "</sheetData></worksheet>"
        ),
        **(parts or {}),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in written.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


def xlsx_with_tracked_changes(path: Path) -> Path:
    """A shared workbook whose cell B2 was changed with changes tracked (Excel's revision log)."""
    return make_xlsx(
        path,
        cells='<c r="B2" t="inlineStr"><is><t>nader te bepalen</t></is></c>',
        relationships=(
            f'<Relationship Id="rId9" Type="{REL}/revisionHeaders" '
            'Target="revisions/revisionHeaders.xml"/>'
        ),
        overrides=(
            '<Override PartName="/xl/revisions/revisionHeaders.xml" '
            f'ContentType="{SHEET_TYPE}.revisionHeaders+xml"/>'
            '<Override PartName="/xl/revisions/revisionLog1.xml" '
            f'ContentType="{SHEET_TYPE}.revisionLog+xml"/>'
        ),
        parts={
            "xl/revisions/revisionHeaders.xml": (
                f'<headers xmlns="{SHEET_MAIN}" xmlns:r="{REL}" guid="{GUID}" '
                f'lastGuid="{GUID}" shared="1" trackRevisions="1" diskRevisions="1" '
                f'revisionId="1" version="2"><header guid="{GUID}" '
                'dateTime="2023-06-01T10:00:00" maxSheetId="2" userName="Jurist" r:id="rId1">'
                '<sheetIdMap count="1"><sheetId val="1"/></sheetIdMap></header></headers>'
            ),
            "xl/revisions/_rels/revisionHeaders.xml.rels": (
                f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
                f'Type="{REL}/revisionLog" Target="revisionLog1.xml"/></Relationships>'
            ),
            "xl/revisions/revisionLog1.xml": (
                f'<revisions xmlns="{SHEET_MAIN}" xmlns:r="{REL}"><rcc rId="1" sId="1">'
                '<oc r="B2" t="inlineStr"><is><t>GEHEIM 6,4 miljoen</t></is></oc>'
                '<nc r="B2" t="inlineStr"><is><t>nader te bepalen</t></is></nc></rcc>'
                "</revisions>"
            ),
        },
    )


def xlsx_with_hyperlink_formulas(path: Path) -> Path:
    """Links made with =HYPERLINK(): no relationship holds them, the formula does."""
    return make_xlsx(
        path,
        cells=(
            '<c r="B2" t="str"><f>HYPERLINK("file:///C:/Users/jurist/"&amp;"geheim.docx",'
            '"de notitie")</f><v>de notitie</v></c>'
            '<c r="C2" t="str"><f>HYPERLINK("https://www.regiogv.nl/","de site")</f>'
            "<v>de site</v></c>"
        ),
    )


def xlsx_with_activex(path: Path, classids: tuple[str, ...]) -> Path:
    """A workbook with ActiveX controls of these class ids, as Excel stores them."""
    controls = {}
    for number, classid in enumerate(classids, start=1):
        controls[f"xl/activeX/activeX{number}.xml"] = (
            f'<ax:ocx xmlns:ax="{ACTIVEX}" xmlns:r="{REL}" ax:classid="{classid}" '
            'ax:persistence="persistPropertyBag"><ax:ocxPr ax:name="Caption" '
            'ax:value="Verstuur"/></ax:ocx>'
        )
    return make_xlsx(
        path,
        cells='<c r="B2"><v>12500</v></c>',
        overrides="".join(
            f'<Override PartName="/{name}" ContentType="application/vnd.ms-office.activeX+xml"/>'
            for name in controls
        ),
        parts=controls,
    )


XLSX_TRACKED = (
    "bevat bijgehouden wijzigingen: de PDF toont de werkmap met de wijzigingen erin, zonder ze "
    "aan te geven, alsof ze zijn aangenomen (neem de wijzigingen aan of wijs ze af en sla de "
    "werkmap op; in Excel: Controleren › Wijzigingen bijhouden › Wijzigingen accepteren of "
    "weigeren, in LibreOffice: Bewerken › Wijzigingen bijhouden › Beheren › Alles accepteren)"
)
ACTIVEX_CONTROLS = (
    "bevat ActiveX-besturingselementen (een knop en een tekstvak): in de PDF doen ze niets, die "
    "toont hoogstens hoe ze eruitzien, met de ingevulde waarden (haal ze weg als ze niet nodig "
    "zijn; in Word of Excel: Ontwikkelaars › Ontwerpmodus, selecteer ze en druk op Delete)"
)
ACTIVEX_FORM = (
    "bevat ActiveX-besturingselementen (een tekstvak, een selectievakje, een keuzelijst en een "
    "knop): in de PDF doen ze niets, die toont hoogstens hoe ze eruitzien, met de ingevulde "
    "waarden (haal ze weg als ze niet nodig zijn; in Word of Excel: Ontwikkelaars › "
    "Ontwerpmodus, selecteer ze en druk op Delete)"
)

ACTIVEX_BUTTON = (
    "bevat een ActiveX-besturingselement (een knop): in de PDF doet het niets, die toont "
    "hoogstens hoe het eruitziet, met de ingevulde waarde (haal het weg als het niet nodig is; "
    "in Word of Excel: Ontwikkelaars › Ontwerpmodus, selecteer het en druk op Delete)"
)
ACTIVEX_FIELDS = (
    "bevat ActiveX-besturingselementen (3 tekstvakken en een knop): in de PDF doen ze niets, die "
    "toont hoogstens hoe ze eruitzien, met de ingevulde waarden (haal ze weg als ze niet nodig "
    "zijn; in Word of Excel: Ontwikkelaars › Ontwerpmodus, selecteer ze en druk op Delete)"
)


def test_check_warns_of_a_workbooks_tracked_changes_hyperlink_formulas_and_activex(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """A workbook's tracked changes, its =HYPERLINK() links to files and its ActiveX controls,
    and a Word document's ActiveX form (as LibreOffice saves a form to .docx), went unsaid."""
    form = from_html(tmp_path, FORM_HTML, "formulier.odt")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmp_path),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    buttons = (COMMAND_BUTTON, TEXT_BOX)
    fields = (TEXT_BOX, TEXT_BOX, COMMAND_BUTTON, TEXT_BOX)
    where = add_annexes(
        example_project,
        [
            (xlsx_with_tracked_changes(tmp_path / "r.xlsx"), "bijlage-4-revisies.xlsx"),
            (xlsx_with_hyperlink_formulas(tmp_path / "h.xlsx"), "bijlage-5-koppelingen.xlsx"),
            (xlsx_with_activex(tmp_path / "a.xlsx", buttons), "bijlage-6-knoppen.xlsx"),
            (tmp_path / "formulier.docx", "bijlage-7-formulier.docx"),
            (xlsx_with_activex(tmp_path / "b.xlsx", (COMMAND_BUTTON,)), "bijlage-8-knop.xlsx"),
            (xlsx_with_activex(tmp_path / "c.xlsx", fields), "bijlage-9-velden.xlsx"),
        ],
    )
    result = run_cli("check", cwd=example_project)
    assert_warned(
        result,
        where,
        [
            (4, "bijlage-4-revisies.xlsx", XLSX_TRACKED),
            (5, "bijlage-5-koppelingen.xlsx", ACTIVE),
            (6, "bijlage-6-knoppen.xlsx", ACTIVEX_CONTROLS),
            (7, "bijlage-7-formulier.docx", ACTIVEX_FORM),
            (8, "bijlage-8-knop.xlsx", ACTIVEX_BUTTON),
            (9, "bijlage-9-velden.xlsx", ACTIVEX_FIELDS),
        ],
    )
    assert result.exit_code == 0, result.stderr


def test_a_workbooks_hyperlink_formula_is_a_link_in_its_pdf_as_warned(tmp_path: Path) -> None:
    """What the warning says is so: LibreOffice makes the formula's target a link."""
    pdf = convert(xlsx_with_hyperlink_formulas(tmp_path / "h.xlsx"), tmp_path / "h.pdf")
    assert "file:///C:/Users/jurist/geheim.docx" in uris(pdf)
    assert "GEHEIM" not in pdf_text(
        convert(xlsx_with_tracked_changes(tmp_path / "r.xlsx"), tmp_path / "r.pdf")
    )


def with_parts(source: Path, target: Path, parts: dict[str, bytes], damaged: str = "") -> Path:
    """``source`` with ``parts`` put first (read before the others); the one named ``damaged``
    is stored with a byte changed after its checksum was taken."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
        for item in original.infolist():
            copy.writestr(item, original.read(item))
    if damaged:
        raw = bytearray(target.read_bytes())
        start = raw.index(parts[damaged])  # stored, not deflated: its bytes are as they are
        raw[start + len(parts[damaged]) // 2] ^= 0x20
        target.write_bytes(bytes(raw))
    return target


def docx_linking_a_file(path: Path) -> Path:
    """A Word document with a hyperlink to a file on the writer's computer."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    paragraph = document.add_paragraph("Zie ")
    target = "file:///C:/Users/jurist/geheim.docx"
    rid = document.part.relate_to(target, f"{REL}/hyperlink", is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {W} xmlns:r="{REL}" r:id="{rid}"><w:r><w:t>de notitie</w:t></w:r>'
            "</w:hyperlink>"
        )
    )
    document.save(str(path))
    return path


UNREAD_HEADER = (
    "heeft een onderdeel dat niet te lezen is ('word/header9.xml'): de controle op bijgehouden "
    "wijzigingen, koppelingen en knoppen heeft het overgeslagen, en LibreOffice laat het "
    "mogelijk weg uit de PDF (open en bewaar het bestand opnieuw en kijk de PDF na)"
)
UNREAD_PARTS = (
    "heeft onderdelen die niet te lezen zijn ('word/_rels/header9.xml.rels' en "
    "'word/header9.xml'): de controle op bijgehouden wijzigingen, koppelingen en knoppen heeft "
    "ze overgeslagen, en LibreOffice laat ze mogelijk weg uit de PDF (open en bewaar het "
    "bestand opnieuw en kijk de PDF na)"
)


def test_the_office_scan_goes_on_past_a_part_it_cannot_read_and_says_so(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """A damaged part read first ended the scan of the whole document: its link to a file
    went unsaid. A part that is no XML was passed over without a word."""
    linking = docx_linking_a_file(tmp_path / "koppeling.docx")
    header = f"<w:hdr {W}><w:p><w:r><w:t>Kop</w:t></w:r></w:p></w:hdr>".encode()
    parts = {"word/header9.xml": header}
    damaged = with_parts(linking, tmp_path / "d.docx", parts, damaged="word/header9.xml")
    cut_short = b'<?xml version="1.0"?><Relationships xmlns="' + PACKAGE_REL.encode() + b'"><Re'
    parts = {"word/_rels/header9.xml.rels": cut_short, **parts}
    broken = with_parts(linking, tmp_path / "b.docx", parts, damaged="word/header9.xml")
    where = add_annexes(
        example_project,
        [(damaged, "bijlage-4-beschadigd.docx"), (broken, "bijlage-5-onleesbaar.docx")],
    )
    result = run_cli("check", cwd=example_project)
    assert_warned(
        result,
        where,
        [
            (4, "bijlage-4-beschadigd.docx", ACTIVE),
            (4, "bijlage-4-beschadigd.docx", UNREAD_HEADER),
            (5, "bijlage-5-onleesbaar.docx", ACTIVE),
            (5, "bijlage-5-onleesbaar.docx", UNREAD_PARTS),
        ],
    )
    assert result.exit_code == 0, result.stderr


def docx_with_hyperlink_fields(path: Path) -> Path:
    """Links Word keeps as field codes (no relationship holds them): a complex field whose code
    is split over two runs, nested in another field, and a simple field; beside them a link to a
    place in the document and a web link, which are no file links."""
    from docx import Document
    from docx.oxml import parse_xml

    def run(inner: str) -> str:
        return f"<w:r>{inner}</w:r>"

    begin, separate, end = (
        run(f'<w:fldChar w:fldCharType="{kind}"/>') for kind in ("begin", "separate", "end")
    )
    document = Document()
    complex_field = (
        begin
        + run('<w:instrText xml:space="preserve"> HYPERLINK "file:///C:/Users/</w:instrText>')
        + run(
            '<w:instrText xml:space="preserve">jurist/geheim.docx" \\o "De notitie" </w:instrText>'
        )
        + separate
        + run("<w:t>de notitie</w:t>")
        + end
    )
    document.element.body.insert(
        0,
        parse_xml(
            f'<w:p {W}><w:r><w:t xml:space="preserve">Zie </w:t></w:r>{complex_field}'
            f'<w:fldSimple w:instr=" HYPERLINK &quot;\\\\\\\\server\\\\stukken\\\\a.docx&quot; ">'
            "<w:r><w:t>het stuk</w:t></w:r></w:fldSimple>"
            + begin
            + run('<w:instrText xml:space="preserve"> HYPERLINK \\l "_Toc1" </w:instrText>')
            + separate
            + run("<w:t>hoofdstuk 1</w:t>")
            + end
            + "</w:p>"
        ),
    )
    document.save(str(path))
    return path


def docx_with_web_fields(path: Path) -> Path:
    """Only a web link and a place in the document as HYPERLINK fields: nothing to warn of."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    document.element.body.insert(
        0,
        parse_xml(
            f'<w:p {W}><w:fldSimple w:instr=" HYPERLINK &quot;https://www.regiogv.nl/&quot; ">'
            '<w:r><w:t>de site</w:t></w:r></w:fldSimple><w:fldSimple w:instr=" HYPERLINK \\l '
            '&quot;_Toc1&quot; "><w:r><w:t>hoofdstuk 1</w:t></w:r></w:fldSimple></w:p>'
        ),
    )
    document.save(str(path))
    return path


def test_check_warns_of_a_word_documents_hyperlink_fields_to_files(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """A link Word kept as a HYPERLINK field code went unsaid: only relationships were read."""
    where = add_annexes(
        example_project,
        [
            (docx_with_hyperlink_fields(tmp_path / "v.docx"), "bijlage-4-velden.docx"),
            (docx_with_web_fields(tmp_path / "w.docx"), "bijlage-5-web.docx"),
        ],
    )
    result = run_cli("check", cwd=example_project)
    prefix = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml"
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "bijlage-" in line] == [
        f"{prefix}:{where['bijlage-4-velden.docx']}: waarschuwing: bijlagen[4].bestand: "
        f"'bijlage-4-velden.docx' {ACTIVE}"
    ]


def test_libreoffice_reads_a_word_documents_hyperlink_fields_as_links(tmp_path: Path) -> None:
    """What the warning says is so: LibreOffice reads each field as the link it is (said in its
    own format, where a document's links are plain to see)."""
    source = docx_with_hyperlink_fields(tmp_path / "v.docx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "v.odt") as odt:
        content = odt.read("content.xml").decode()
    links = re.findall(r'xlink:href="([^"]*)"', content)
    assert len(links) == 3, links
    assert links[0].endswith("C:/Users/jurist/geheim.docx")
    assert "server" in links[1] and links[2] == "#_Toc1"


def in_fonts(path: Path, runs: list[tuple[str, str]]) -> Path:
    """A Word document with a paragraph per (font, text) run, as Word saves typed text."""
    from docx import Document

    document = Document()
    for font, text in runs:
        document.add_paragraph().add_run(text).font.name = font
    document.save(str(path))
    return path


def sheet_in(tmp_path: Path, font: str) -> Path:
    """An Excel workbook whose cells are in ``font`` (made by LibreOffice, its font renamed)."""
    work = tmp_path / "sheet"
    work.mkdir()
    (work / "tabel.csv").write_text("Post,Bedrag\nHuur,1200\n", encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(work),
            str(work / "tabel.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    made = work / "tabel.xlsx"
    renamed = tmp_path / "tabel.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(renamed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/styles.xml":
                data = re.sub(rb'<name val="[^"]*"/>', f'<name val="{font}"/>'.encode(), data)
            target.writestr(info, data)
    return renamed


SEGOE_HTML = '<html><body><p style="font-family: Segoe UI">Segoe UI</p><p>Gewoon</p></body></html>'


def printed_instead(font: str) -> str:
    """What fontconfig prints ``font`` with on this machine (DejaVu Sans on the project's)."""
    return subprocess.run(
        ["fc-match", "--format", "%{family}", font], check=True, capture_output=True, text=True
    ).stdout.split(",")[0]


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="needs fontconfig")
def test_check_warns_of_an_office_annexs_fonts_not_here_and_of_its_symbols_printed_as_boxes(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """Aptos and Segoe UI were laid out in DejaVu Sans and Wingdings symbols printed as empty
    boxes without a word (review windows W4); Calibri has its twin Carlito (project.sh installs
    it), and the Symbol font's characters LibreOffice recodes: neither is warned about."""
    word = in_fonts(
        tmp_path / "lettertypen.docx",
        [
            ("Aptos", "Aptos tekst: café"),
            ("Calibri", "Calibri tekst"),
            ("Symbol", "\uf0b7 opsomming"),
            ("Wingdings", "\uf0fc"),
            ("Wingdings", "\uf0a7\uf0fc"),
        ],
    )
    where = add_annexes(
        example_project,
        [
            (word, "bijlage-4-lettertypen.docx"),
            (sheet_in(tmp_path, "Aptos Narrow"), "b-5.xlsx"),
            (from_html(tmp_path, SEGOE_HTML, "segoe.odt"), "b-6.odt"),
        ],
    )
    result = run_cli("check", cwd=example_project)
    prefix = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml"
    at_word = f"{prefix}:{where['bijlage-4-lettertypen.docx']}: waarschuwing: bijlagen[4].bestand: "
    at_sheet = f"{prefix}:{where['b-5.xlsx']}: waarschuwing: bijlagen[5].bestand: "
    at_text = f"{prefix}:{where['b-6.odt']}: waarschuwing: bijlagen[6].bestand: "
    advice = "(laat de beheerder het lettertype installeren, of lever de bijlage als PDF aan)"
    for at, name, font in [
        (at_word, "bijlage-4-lettertypen.docx", "Aptos"),
        (at_sheet, "b-5.xlsx", "Aptos Narrow"),
        (at_text, "b-6.odt", "Segoe UI"),
    ]:
        assert (
            f"{at}'{name}' gebruikt het lettertype '{font}', en dat is niet geïnstalleerd op "
            f"deze computer: de PDF gebruikt in plaats daarvan {printed_instead(font)}, en tekst "
            f"kan anders over de regels en pagina's lopen {advice}\n" in result.stderr
        ), result.stderr
    assert (
        f"{at_word}'bijlage-4-lettertypen.docx' bevat 3 symbolen in het lettertype 'Wingdings' "
        "(U+F0FC, U+F0A7), en dat is niet geïnstalleerd op deze computer: in de PDF staan ze "
        "als lege vakjes (voeg ze in Word opnieuw in met Invoegen › Symbool, met het lettertype "
        "'(normale tekst)', of lever de bijlage als PDF aan)\n" in result.stderr
    ), result.stderr
    assert "Calibri" not in result.stderr
    assert "'Symbol'" not in result.stderr
    assert len(result.stderr.splitlines()) == 4, result.stderr
    assert result.exit_code == 0, result.stderr


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="needs fontconfig")
def test_a_font_installed_since_the_last_check_is_no_longer_warned_about(
    example_project: Path,
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The intake keeps an annex's report by its content: the fonts on the machine are part
    of that key, or the warning would stay after the font was installed."""
    from assembler import build_cache, template_style

    where = add_annexes(
        example_project, [(in_fonts(tmp_path / "a.docx", [("Aptos", "tekst")]), "a.docx")]
    )
    said = (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:{where['a.docx']}: waarschuwing: "
        "bijlagen[4].bestand: 'a.docx' gebruikt het lettertype 'Aptos'"
    )
    assert said in run_cli("check", cwd=example_project).stderr
    installed = template_style.installed_font_families()
    assert installed is not None
    # Aptos installed: the fonts' files change, and fontconfig names it.
    monkeypatch.setattr(build_cache, "fonts_fingerprint", lambda: "aptos erbij")
    monkeypatch.setattr(template_style, "installed_font_families", lambda: installed | {"aptos"})
    result = run_cli("check", cwd=example_project)
    assert result.stderr == "", result.stderr
    assert result.exit_code == 0


def with_part_replaced(source: Path, target: Path, name: str, data: bytes) -> Path:
    """``source`` with its part ``name`` (added if missing) holding ``data``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            if item.filename != name:
                copy.writestr(item, original.read(item))
        copy.writestr(name, data)
    return target


def unread_one(part: str) -> str:
    return UNREAD_HEADER.replace("'word/header9.xml'", f"'{part}'")


def test_a_part_cut_off_is_passed_over_by_the_font_check_too(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """Review revI I1: a cut-off footer or styles part of a .docx, or a workbook's cut-off
    styles, ended check and build in a traceback (the font check read them unguarded)."""
    from docx import Document

    word = tmp_path / "gewoon.docx"
    Document().save(str(word))
    cut = b'<?xml version="1.0"?><w:ftr ' + W.encode() + b"><w:p><w:r><w:t>Voet"
    sheet = make_xlsx(tmp_path / "gewoon.xlsx", cells='<c r="B2"><v>12500</v></c>')
    where = add_annexes(
        example_project,
        [
            (with_part_replaced(word, tmp_path / "a.docx", "word/footer9.xml", cut), "b-4.docx"),
            (with_part_replaced(word, tmp_path / "b.docx", "word/styles.xml", cut), "b-5.docx"),
            (with_part_replaced(sheet, tmp_path / "c.xlsx", "xl/styles.xml", cut), "b-6.xlsx"),
        ],
    )
    result = run_cli("check", cwd=example_project)
    assert "Traceback" not in result.stderr
    assert result.exit_code == 0, result.stderr
    assert_warned(
        result,
        where,
        [
            (4, "b-4.docx", unread_one("word/footer9.xml")),
            (5, "b-5.docx", unread_one("word/styles.xml")),
            (6, "b-6.xlsx", unread_one("xl/styles.xml")),
        ],
    )

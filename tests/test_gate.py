"""The confidentiality gate: generated meetings with random Ja/Nee mixes, and planted leaks."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pikepdf import Array, Dictionary, Name, String
from reportlab.pdfgen import canvas

from assembler import annex_text, gate
from assembler.build import build_project
from assembler.build_report import BuildOptions
from assembler.confidential import NAMED_FILE
from assembler.errors import ConfidentialityViolation, ExitCode
from assembler.layout import output_folder_name
from assembler.package import PUBLIC, package_meetings
from assembler.project import Project
from assembler.terms import Term
from assembler.validate import load_catalog
from tests.conftest import CliResult, copy_example

WONEN = "2023-06-23-pfho-ruimte-wonen"
SECRET_SUBJECT = "Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls"
SECRET_KENMERK = "23.0002150"
ANNOTATIONS = "in een aantekening, formulierveld, link of paginanummer"


# --------------------------------------------------------------------------- PDF helpers


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A small PDF with one text line per entry, reproducible (reportlab invariant mode)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def merge_pdfs(target: Path, parts: list[Path], extra_pages: list[tuple[Path, int]] = ()) -> Path:
    """Concatenate PDFs (as a meeting bundle does), optionally with single foreign pages."""
    with pikepdf.Pdf.new() as out:
        sources = [pikepdf.Pdf.open(p) for p in parts]
        sources += [pikepdf.Pdf.open(p) for p, _ in extra_pages]
        try:
            for src in sources[: len(parts)]:
                out.add_pages_from(src)
            for (_, index), src in zip(extra_pages, sources[len(parts) :], strict=True):
                page = src.pages[index]
                out.pages.append(page)
                # Wrap it the way the bundle stamps pages, so the gate sees a changed page.
                out.pages[-1].contents_add(b"q\n", prepend=True)
                out.pages[-1].contents_add(b"\nQ\n")
            target.parent.mkdir(parents=True, exist_ok=True)
            out.save(target)
        finally:
            for src in sources:
                src.close()
    return target


# --------------------------------------------------------------------------- unit tests


def test_one_broken_annotation_does_not_hide_the_others(tmp_path: Path) -> None:
    path = tmp_path / "bijlage.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        broken = pdf.make_stream(b"geen flate")
        broken.Filter = Name.FlateDecode
        note = Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=Array([0, 0, 9, 9]), RC=broken)
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([0, 20, 9, 29]),
            A=Dictionary(S=Name.URI, URI=String(f"https://x.example/{SECRET_KENMERK}")),
        )
        choice = Dictionary(FT=Name.Ch, T=String("keuze"), V=Array([String("a"), String("b7x")]))
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(note), pdf.make_indirect(link)])
        pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.make_indirect(choice)]))
        pdf.save(path)
    text = {where: text for where, text, _loose in gate.analyse_pdf(path).texts}[ANNOTATIONS]
    assert gate.squash(SECRET_KENMERK) in text
    assert "b7x" in text


def test_squash_ignores_case_white_space_and_dash_kinds() -> None:
    assert gate.squash("Regionale  Energie–\nstrategie") == gate.squash(
        "regionale energie-strategie"
    )


@pytest.mark.parametrize(
    ("printed", "typed"),
    [
        ("Ϲoördinatie ϲentrumplan", "Coördinatie centrumplan"),  # Greek lunate sigmas
        ("Ideeёn en financiёn", "Ideeën en financiën"),  # Cyrillic ё, one character
        ("coӧrdinatie", "coördinatie"),  # Cyrillic ӧ
        ("Ϻaγ Ϝeest", "May Feest"),  # Greek san, gamma, digamma
        ("ԌԚԜѴҮ ѵѡҽꙇгσϳ", "GQWVY vweiroj"),
        ("Ьouw", "bouw"),  # Cyrillic capital soft sign
    ],
)
def test_squash_reads_cyrillic_and_greek_look_alikes_as_the_latin_letters(
    printed: str, typed: str
) -> None:
    """Printed on an agenda, they read as the confidential title."""
    assert gate.squash(printed) == gate.squash(typed)


def test_squash_ignores_direction_marks() -> None:
    """Kept in a title ("Bewonersavond שלום 2023"), they are often not in a PDF's text."""
    assert gate.squash("Bewonersavond שלום\u200e 2023\u200f") == gate.squash(
        "Bewonersavond שלום 2023"
    )


def test_identical_page_inside_a_bigger_pdf_is_found(tmp_path: Path) -> None:
    secret = make_pdf(tmp_path / "secret.pdf", [["Geheime afspraken over grondprijzen " * 3]])
    public = make_pdf(tmp_path / "public.pdf", [["Openbare tekst over fietsroutes " * 3]])
    merged = merge_pdfs(tmp_path / "merged.pdf", [public], [(secret, 0)])
    audit = gate.Audit(
        public_files=[gate.PublicFile(merged, "openbaar/merged.pdf", "m")],
        confidential_files=[gate.SourceFile(secret, "secret.pdf")],
    )
    leaks = gate.find_leaks(audit)
    assert [leak.message.split(" (")[0] for leak in leaks] == [
        "pagina 2 is pagina 1 van het vertrouwelijke secret.pdf"
    ]


def test_a_confidential_file_zipped_into_a_public_pdf_is_found(tmp_path: Path) -> None:
    """Was: passed with exit 0, only 'bevat een bijgevoegd bestand (bronnen.zip)' warned."""
    secret = make_pdf(tmp_path / "secret.pdf", [["Geheime afspraken over grondprijzen " * 3]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bronnen/stuk.pdf", secret.read_bytes())
    public = make_pdf(tmp_path / "public.pdf", [["Openbare tekst over fietsroutes " * 3]])
    with pikepdf.open(public, allow_overwriting_input=True) as pdf:
        pdf.attachments["bronnen.zip"] = pikepdf.AttachedFileSpec(pdf, buffer.getvalue())
        pdf.save(public)
    audit = gate.Audit(
        public_files=[gate.PublicFile(public, "openbaar/public.pdf", "m")],
        confidential_files=[gate.SourceFile(secret, "secret.pdf")],
    )
    assert [leak.message for leak in gate.find_leaks(audit)] == [
        "bevat als bijgevoegd bestand het vertrouwelijke secret.pdf (haal de bijlage uit het "
        "PDF-bestand)"
    ]


def test_page_that_a_public_source_also_has_is_public(tmp_path: Path) -> None:
    shared = make_pdf(tmp_path / "shared.pdf", [["Gedeelde bijlage met kaartmateriaal " * 3]])
    secret_copy = tmp_path / "secret-copy.pdf"
    merge_pdfs(secret_copy, [shared])
    audit = gate.Audit(
        public_files=[gate.PublicFile(shared, "openbaar/shared.pdf", "m")],
        confidential_files=[gate.SourceFile(secret_copy, "secret-copy.pdf")],
        public_sources=[shared],
    )
    assert gate.find_leaks(audit) == []
    audit.public_sources = []
    assert len(gate.find_leaks(audit)) == 1


def test_title_wrapped_over_two_lines_is_found(tmp_path: Path) -> None:
    public = make_pdf(
        tmp_path / "agenda.pdf",
        [
            [
                "7. Onderhandelingsmandaat provinciale",
                "bijdrage Woningbouwimpuls (ter besluitvorming)",
            ]
        ],
    )
    audit = gate.Audit(
        public_files=[gate.PublicFile(public, "openbaar/agenda.pdf", "m")],
        confidential_terms=[Term(SECRET_SUBJECT, "het onderwerp", "dossier.yaml")],
    )
    leaks = gate.find_leaks(audit)
    assert len(leaks) == 1 and SECRET_SUBJECT in leaks[0].message


def test_title_hyphenated_at_a_line_end_is_found(tmp_path: Path) -> None:
    public = make_pdf(
        tmp_path / "notitie.pdf",
        [["Zie het Onderhandelings-", "mandaat provinciale bijdrage Woningbouwimpuls."]],
    )
    audit = gate.Audit(
        public_files=[gate.PublicFile(public, "openbaar/notitie.pdf", "m")],
        confidential_terms=[Term(SECRET_SUBJECT, "het onderwerp", "dossier.yaml")],
    )
    assert [leak.message.split(" van het")[0] for leak in gate.find_leaks(audit)] == [
        f"noemt het onderwerp '{SECRET_SUBJECT}'"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (f"{SECRET_KENMERK} notitie.txt", b"Een notitie."),
        # Windows text of an even length (once read as UTF-16) and with a 'é'.
        ("notitie.txt", f"Zie dossier {SECRET_KENMERK}, café.".encode("cp1252")),
        ("notitie-utf16.txt", f"Zie dossier {SECRET_KENMERK}.".encode("utf-16")),
        ("notitie.pdf", None),  # a PDF inside the PDF
        ("notitie.docx", None),
        ("bronnen.zip", None),  # a PDF and a note in a zip inside the PDF
    ],
)
def test_a_confidential_term_in_an_embedded_file_is_found(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    if name.endswith(".pdf"):
        content = make_pdf(tmp_path / "binnen.pdf", [[f"Kenmerk {SECRET_KENMERK}"]]).read_bytes()
    elif name.endswith(".zip"):
        inner = make_pdf(tmp_path / "binnen.pdf", [[f"Kenmerk {SECRET_KENMERK}"]]).read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("foto.jpg", b"\xff\xd8 geen tekst")
            archive.writestr("stukken/notitie.pdf", inner)
        content = buffer.getvalue()
    elif name.endswith(".docx"):
        document = Document()
        document.add_paragraph(f"Kenmerk {SECRET_KENMERK}")
        buffer = io.BytesIO()
        document.save(buffer)
        content = buffer.getvalue()
    assert content is not None
    assert kenmerk_leaks_of_an_attachment(tmp_path, name, content) == [
        f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"
    ]


def test_a_damaged_embedded_file_is_checked_by_its_name_and_breaks_nothing(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    Document().save(buffer)
    damaged = bytearray(buffer.getvalue())
    start = damaged.index(b"word/document.xml") + 40  # into the entry's compressed bytes
    damaged[start : start + 20] = bytes(20)
    name = f"{SECRET_KENMERK}.docx"
    assert kenmerk_leaks_of_an_attachment(tmp_path, name, bytes(damaged)) == [
        # Its text could not be read: said, so that a person looks (a warning, see below).
        f"de tekst van het bijgevoegde bestand '{name}' kon niet gelezen worden, en is dus "
        "niet nagezien op kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)",
        f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'",
    ]


def pages_with_unreadable_text(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    """Make pypdf fail on the text of every page that shows ``word`` (an odd font, say)."""
    from pypdf import PageObject

    extract = PageObject.extract_text

    def odd_page(page: PageObject, *args: object, **kwargs: object) -> str:
        if word in extract(page):
            raise KeyError("/Font")
        return extract(page)

    monkeypatch.setattr(PageObject, "extract_text", odd_page)


def test_a_leak_in_an_attached_pdf_is_found_beside_a_page_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: one unreadable page dropped the whole attachment's text, and the leak on the page
    before it passed with only a warning (exit 0 where the export had stopped)."""
    inner = make_pdf(tmp_path / "binnen.pdf", [[f"Kenmerk {SECRET_KENMERK}"], ["Kapot"]])
    pages_with_unreadable_text(monkeypatch, "Kapot")
    assert kenmerk_leaks_of_an_attachment(tmp_path, "notitie.pdf", inner.read_bytes()) == [
        "de tekst van het bijgevoegde bestand 'notitie.pdf' kon niet gelezen worden, en is dus "
        "niet nagezien op kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)",
        f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'",
    ]


def test_a_page_whose_text_cannot_be_read_is_a_warning_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, an error reading a page's text left that page unsearched, and nothing said."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Een"], ["Twee"], ["Drie"]])
    pages_with_unreadable_text(monkeypatch, "Twee")
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "openbaar/bijlage.pdf", "m")],
        confidential_terms=[Term(SECRET_KENMERK, "het kenmerk", "x/dossier.yaml", always=True)],
    )
    assert [p.format() for p in gate.enforce(audit)] == [
        "openbaar/bijlage.pdf: waarschuwing: de tekst van pagina 2 kon niet gelezen worden, en is "
        "dus niet nagezien op kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)"
    ]
    # Said with the leaks when there are any; only the leaks count.
    audit.public_texts.append(
        gate.PublicText(f"zie {SECRET_KENMERK}", "openbaar/manifest.json", "m")
    )
    with pytest.raises(ConfidentialityViolation) as raised:
        gate.enforce(audit)
    assert raised.value.message.startswith("export gestopt: 1 vertrouwelijk gegeven ")
    assert [p.ernst for p in raised.value.problems] == ["waarschuwing", "fout"]


def kenmerk_leaks_of_an_attachment(tmp_path: Path, name: str, content: bytes) -> list[str]:
    """What the gate says of a public PDF with ``content`` attached as ``name``."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Een openbare notitie."]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, content, filename=name)
        pdf.save(path)
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "openbaar/bijlage.pdf", "m")],
        confidential_terms=[Term(SECRET_KENMERK, "het kenmerk", "x/dossier.yaml", always=True)],
    )
    return [leak.message.split(" van het vertrouwelijke")[0] for leak in gate.find_leaks(audit)]


def _mail(subject: str, body: str) -> bytes:
    """A mail saved as .eml: its subject as =?utf-8?...?= words, its text in base64."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "griffie@regiogv.nl"
    message["Subject"] = subject
    message.set_content(body, cte="base64")
    return bytes(message)


def _png(title: str = "") -> bytes:
    """A small PNG image, with ``title`` in a text chunk of its own."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if title:
        info.add_text("Title", title)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 160)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _mail_with_image(body: str) -> bytes:
    """A mail with its sender's logo attached, as a signature carries one."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Overleg"
    message.set_content(body)
    message.add_attachment(_png(), "image", "png", filename="image001.png")
    return bytes(message)


def _html_mail(body: str) -> bytes:
    """A mail with only an HTML text, as Outlook sends one."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Overleg"
    message.set_content(body, subtype="html")
    return bytes(message)


def _office_zip(part: str, xml: str) -> bytes:
    """An office file whose ``part`` alone holds the text (a slide, a sheet, a header)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, f"<root>{xml}</root>")
    return buffer.getvalue()


def _zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


UNREAD = "kon niet gelezen worden, en is dus niet nagezien op kenmerken en titels van "
UNREAD += "vertrouwelijke dossiers (kijk dat zelf na)"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "notitie.txt.gz",
            gzip.compress(f"Zie dossier {SECRET_KENMERK}.".encode()),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "bericht.eml",
            _mail("Overleg", f"Zie dossier {SECRET_KENMERK}, in vertrouwen."),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "onderwerp.eml",
            _mail(f"Dossier {SECRET_KENMERK} – café", "Zie onderwerp."),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "bronnen.zip",
            _zipped("binnen.zip", _zipped("notitie.txt", SECRET_KENMERK.encode())),
            [f"de tekst van het bijgevoegde bestand 'binnen.zip' {UNREAD}"],
        ),
        (
            "programma.exe",
            b"MZ\x90\x00" + bytes(range(256)) * 4,
            [f"de tekst van het bijgevoegde bestand 'programma.exe' {UNREAD}"],
        ),
        # An image's pixels are not searched, as a scanned page's are not: no warning.
        ("logo.png", _png(), []),
        (
            "foto.png",
            _png(f"Dossier {SECRET_KENMERK}"),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        # A text that starts as a bitmap's header does is a text.
        (
            "bmi-notitie.txt",
            f"BMI-notitie bij dossier {SECRET_KENMERK}.".encode(),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "bericht-met-logo.eml",
            _mail_with_image(f"Zie dossier {SECRET_KENMERK}."),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "html-bericht.eml",
            _html_mail(
                f"<p>Betreft:&nbsp;dossier&nbsp;<b>{SECRET_KENMERK[:2]}&#46;{SECRET_KENMERK[3:]}</b></p>"
            ),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "notitie.html",
            f"<p>Zie <b>dossier</b> {SECRET_KENMERK[:2]}&#46;{SECRET_KENMERK[3:]}</p>".encode(),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "dia.pptx",
            _office_zip("ppt/slides/slide1.xml", f"<a:t>Dossier {SECRET_KENMERK}</a:t>"),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "tabel.xlsx",
            _office_zip("xl/worksheets/sheet1.xml", f"<is><t>{SECRET_KENMERK}</t></is>"),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
        (
            "kop.docx",
            _office_zip("word/header1.xml", f"<w:t>Kenmerk {SECRET_KENMERK}</w:t>"),
            [f"noemt in een bijgevoegd bestand het kenmerk '{SECRET_KENMERK}'"],
        ),
    ],
)
def test_an_attachment_is_read_as_its_reader_would_or_said_unread(
    tmp_path: Path, name: str, content: bytes, said: list[str]
) -> None:
    """A .gz, a mail with its text in base64 and a zip in a zip passed as read: their bytes
    were searched as text, and the kenmerk in them was not found."""
    assert kenmerk_leaks_of_an_attachment(tmp_path, name, content) == said


def _subject_leaks(path: Path) -> list[str]:
    """What the gate says of the public PDF at ``path`` for the confidential subject."""
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "openbaar/bijlage.pdf", "m")],
        confidential_terms=[Term(SECRET_SUBJECT, "het onderwerp", "x/dossier.yaml")],
    )
    return [leak.message.split(" van het vertrouwelijke")[0] for leak in gate.find_leaks(audit)]


def _text_stream(pdf: pikepdf.Pdf, instructions: bytes) -> pikepdf.Stream:
    return pdf.make_stream(instructions)


def _helvetica() -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)


@pytest.mark.parametrize(
    "printed",
    [
        "Zie ook Grondbeleid bedrijventerrein De Zuidpoort.",  # retyped without them
        "Zie ook \u201cGrondbeleid bedrijventerrein De Zuidpoort\u201d.",  # moved
        "Zie ook Grondbeleid bedrijventerrein 'De Zuidpoort'.",
        "Zie ook grondbeleid bedrijventerrein \u201cde zuidpoort\u201d.",  # as it was
    ],
)
def test_a_title_is_found_with_its_quotation_marks_left_out_or_moved(
    tmp_path: Path, printed: str
) -> None:
    """Clerk walk: a public memo saying 'Grondbeleid bedrijventerrein De Zuidpoort' of the
    confidential 'Grondbeleid bedrijventerrein \u201cDe Zuidpoort\u201d' was exported, exit 0."""
    title = "Grondbeleid bedrijventerrein \u201cDe Zuidpoort\u201d"
    path = make_pdf(tmp_path / "memo.pdf", [[printed]])
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "openbaar/memo.pdf", "m")],
        confidential_terms=[Term(title, "het onderwerp", "x/dossier.yaml")],
    )
    said = [leak.message.split(" van het vertrouwelijke")[0] for leak in gate.find_leaks(audit)]
    assert said == [f"noemt het onderwerp '{title}'"]


def test_a_title_a_stamp_draws_is_found(tmp_path: Path) -> None:
    """A stamp (Acrobat's own stamps) shows its text by drawing it, without /Contents."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        drawn = f"BT /F1 10 Tf 2 5 Td ({SECRET_SUBJECT}) Tj ET".encode()
        look = pdf.make_stream(drawn, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 400, 20])
        look.Resources = Dictionary(Font=Dictionary(F1=_helvetica()))
        stamp = Dictionary(
            Type=Name.Annot, Subtype=Name.Stamp, Rect=[50, 600, 450, 620], AP=Dictionary(N=look)
        )
        pdf.pages[0].Annots = pdf.make_indirect(Array([pdf.make_indirect(stamp)]))
        pdf.save(path)
    assert _subject_leaks(path) == [f"noemt het onderwerp '{SECRET_SUBJECT}'"]


def test_a_title_in_replacement_text_a_word_at_a_time_is_found(tmp_path: Path) -> None:
    """Readers copy, search and read aloud the ActualText of marked content for its glyphs:
    here each word's, over glyphs that show 'x'."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.Resources.Font = Dictionary(F9=_helvetica())
        words = b"".join(
            b"/Span <</ActualText " + _literal(word + " ") + b">> BDC (xxxx ) Tj EMC "
            for word in SECRET_SUBJECT.split()
        )
        page.contents_add(_text_stream(pdf, b"BT /F9 10 Tf 50 500 Td " + words + b"ET"))
        pdf.save(path)
    assert _subject_leaks(path) == [f"noemt het onderwerp '{SECRET_SUBJECT}'"]


def test_a_title_drawn_from_its_last_word_to_its_first_is_found(tmp_path: Path) -> None:
    """The line reads as usual; the drawing instructions hold it backwards."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.Resources.Font = Dictionary(F9=_helvetica())
        x, placed = 50.0, []
        for word in SECRET_SUBJECT.split():
            placed.append((x, word))
            x += 7.0 * (len(word) + 1)
        drawn = b"".join(
            f"BT /F9 12 Tf {at:.0f} 500 Td ({word}) Tj ET\n".encode()
            for at, word in reversed(placed)
        )
        page.contents_add(_text_stream(pdf, drawn))
        pdf.save(path)
    assert _subject_leaks(path) == [f"noemt het onderwerp '{SECRET_SUBJECT}'"]


def test_a_title_in_xml_metadata_written_with_character_references_is_found(
    tmp_path: Path,
) -> None:
    title = "Onderhandelingsmandaat coördinatie Woningbouwimpuls"
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        written = XMP.format(title.replace("ö", "&#xF6;")).encode()
        pdf.Root.Metadata = pdf.make_stream(written, Type=Name.Metadata, Subtype=Name.XML)
        pdf.save(path, fix_metadata_version=False)  # as written, not as pikepdf writes XMP
    assert b"co&#xF6;rdinatie" in path.read_bytes()
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "openbaar/bijlage.pdf", "m")],
        confidential_terms=[Term(title, "het onderwerp", "x/dossier.yaml")],
    )
    (leak,) = gate.find_leaks(audit)
    assert leak.message.startswith(f"noemt in de documenteigenschappen het onderwerp '{title}'")


def test_a_title_removed_and_saved_over_is_found_in_the_earlier_version(tmp_path: Path) -> None:
    """Saved as an update at the end of the file (Acrobat's 'Opslaan'), the first version's
    page is still in the file for any tool to recover; the export ships it byte for byte."""
    from pypdf import PdfWriter

    path = make_pdf(tmp_path / "bijlage.pdf", [[f"Over {SECRET_SUBJECT}"]])
    writer = PdfWriter(path, incremental=True)
    page = writer.pages[0]
    contents = pypdf_stream(writer, b"BT /F1 12 Tf 50 800 Td (Bijgewerkt overzicht) Tj ET")
    page[pypdf_name("/Contents")] = writer._add_object(contents)
    updated = io.BytesIO()
    writer.write(updated)  # the file as it was, and the update after it
    path.write_bytes(updated.getvalue())
    assert path.read_bytes().count(b"%%EOF") == 2
    assert (
        SECRET_SUBJECT.encode()
        not in subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    )
    assert _subject_leaks(path) == [
        "noemt in een eerdere versie die nog in het bestand zit (sla het op als nieuw bestand) "
        f"het onderwerp '{SECRET_SUBJECT}'"
    ]


def test_an_earlier_version_is_read_only_where_its_pages_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten signatures of a 500-page report were ten readings of it: 4 minutes for one annex."""
    from pypdf import PdfWriter

    path = make_pdf(tmp_path / "bijlage.pdf", [["Een"], ["Twee"], [f"Over {SECRET_SUBJECT}"]])
    for title in ("Ondertekend", "Nogmaals ondertekend"):
        writer = PdfWriter(path, incremental=True)
        writer.add_metadata({"/Title": title})  # a signature changes no page
        updated = io.BytesIO()
        writer.write(updated)
        path.write_bytes(updated.getvalue())
    assert path.read_bytes().count(b"%%EOF") == 3
    read: list[object] = []
    page_text = gate._page_text

    def counted(data: bytes, only: set[int] | None = None) -> tuple[str, list[str]]:
        read.append(only)
        return page_text(data, only)

    monkeypatch.setattr(gate, "_page_text", counted)
    assert _subject_leaks(path) == [f"noemt het onderwerp '{SECRET_SUBJECT}'"]
    assert read == [None]  # the file itself, whole; no earlier version again


def pypdf_stream(writer: object, data: bytes) -> object:
    from pypdf.generic import StreamObject

    stream = StreamObject()
    stream.set_data(data)
    return stream


def pypdf_name(name: str) -> object:
    from pypdf.generic import NameObject

    return NameObject(name)


def test_short_generic_subject_is_not_a_term_but_a_kenmerk_always_is() -> None:
    audit = gate.Audit(
        public_texts=[gate.PublicText("Rondvraag 23.0002150", "manifest.json", "m")],
        confidential_terms=[
            Term("Rondvraag", "het onderwerp", "a"),
            Term(SECRET_KENMERK, "het kenmerk", "a", always=True),
        ],
    )
    assert [leak.message.split(" van")[0] for leak in gate.find_leaks(audit)] == [
        f"noemt het kenmerk '{SECRET_KENMERK}'"
    ]


def test_a_short_title_is_searched_in_its_own_meeting_a_kenmerk_and_long_title_everywhere() -> None:
    """A common title of one meeting's confidential dossier is no leak in another meeting."""
    said = f"Stand van zaken; {SECRET_KENMERK}; {SECRET_SUBJECT}"
    audit = gate.Audit(
        public_texts=[gate.PublicText(said, f"{m}/manifest.json", m) for m in ("a", "b")],
        confidential_terms=[
            Term("Stand van zaken", "het onderwerp", "a/x/dossier.yaml", frozenset({"a"})),
            Term(SECRET_KENMERK, "het kenmerk", "a/x/dossier.yaml", always=True),
            Term(SECRET_SUBJECT, "de omschrijving van bijlage 1", "a/x/dossier.yaml"),
        ],
    )
    leaks = gate.find_leaks(audit)
    found = [(leak.where, leak.message.split(" van het vertrouwelijke")[0]) for leak in leaks]
    annex = f"noemt de omschrijving van bijlage 1 '{SECRET_SUBJECT}'"
    assert found == [
        ("a/manifest.json", "noemt het onderwerp 'Stand van zaken'"),
        ("a/manifest.json", f"noemt het kenmerk '{SECRET_KENMERK}'"),
        ("a/manifest.json", annex),
        ("b/manifest.json", f"noemt het kenmerk '{SECRET_KENMERK}'"),
        ("b/manifest.json", annex),
    ]


def test_a_leak_says_where_in_the_pdf_a_reader_finds_it(tmp_path: Path) -> None:
    """A kenmerk in the document properties is not found by searching the pages."""
    path = make_pdf(tmp_path / "bijlage.pdf", [[f"Zie {SECRET_SUBJECT} hierover."]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = f"Werkdocument {SECRET_KENMERK}"
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem(f"Over {SECRET_SUBJECT}", 0))
        pdf.save(path)
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "d.yaml", "m", 33, "bijlagen[4].bestand")],
        confidential_terms=[
            Term(SECRET_SUBJECT, "het onderwerp", "x/dossier.yaml"),
            Term(SECRET_KENMERK, "het kenmerk", "x/dossier.yaml", always=True),
        ],
    )
    said = sorted(leak.message.split(" van het")[0] for leak in gate.find_leaks(audit))
    # Once each, where a reader finds it first: the subject on the page, not in the bookmark.
    assert said == [
        f"noemt het onderwerp '{SECRET_SUBJECT}'",
        f"noemt in de documenteigenschappen het kenmerk '{SECRET_KENMERK}'",
    ]


ELSEWHERE = (
    "elders in het bestand (in een laagnaam, script, verwijzing, alternatieve tekst of metadata)"
)
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def hide_in(pdf: pikepdf.Pdf, where: str, text: str) -> None:
    """Put ``text`` where no page shows it, but a reader or a tool does."""
    page = pdf.pages[0]
    if where == "layer":
        layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String(text)))
        pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(Order=Array([layer])))
    elif where == "script":
        script = Dictionary(S=Name.JavaScript, JS=String(f"// {text}"))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), script])))
    elif where == "script stream":
        script = Dictionary(S=Name.JavaScript, JS=pdf.make_stream(f"// {text}".encode()))
        pdf.Root.OpenAction = pdf.make_indirect(script)
    elif where == "destination":
        target = Array([page.obj, Name.Fit])
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=Array([String(text), target])))
    elif where == "old destination":
        pdf.Root.Dests = Dictionary({"/" + text.replace(" ", "_"): Array([page.obj, Name.Fit])})
    elif where == "piece info":
        pdf.Root.PieceInfo = Dictionary(X=Dictionary(Private=String(text)))
    elif where == "alt text":
        figure = Dictionary(Type=Name.StructElem, S=Name.Figure, Alt=String(text))
        pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=figure)
    elif where == "thread":
        bead = pdf.make_indirect(Dictionary(Type=Name.Bead, P=page.obj))
        thread = Dictionary(Type=Name.Thread, I=Dictionary(Title=String(text)), F=bead)
        pdf.Root.Threads = Array([pdf.make_indirect(thread)])
    elif where == "page metadata":
        xmp = pdf.make_stream(XMP.format(text).encode(), Type=Name.Metadata, Subtype=Name.XML)
        page.obj.Metadata = xmp
    elif where == "utf-16 page metadata":
        xmp = pdf.make_stream(XMP.format(text).encode("utf-16"), Type=Name.Metadata)
        page.obj.Metadata = xmp
    elif where in ("marked alt text", "marked actual text", "marked figure in a form"):
        # Marked content keeps its properties in the page's own drawing instructions.
        key = "Alt" if where != "marked actual text" else "ActualText"
        properties = b"<</" + key.encode() + b" " + _literal(text) + b">>"
        marked = pdf.make_stream(b"/Figure " + properties + b" BDC EMC")
        if where == "marked figure in a form":
            form = pdf.make_stream(
                marked.read_bytes(), Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10]
            )
            page.obj.Resources.XObject = Dictionary(F1=form)
            marked = pdf.make_stream(b"q /F1 Do Q")
        page.contents_add(marked)
    elif where == "marked text cut between streams":
        # A page's streams are one sequence: the cut may fall between a key and its value.
        page.contents_add(pdf.make_stream(b"/Span <</ActualText"))
        page.contents_add(pdf.make_stream(_literal(text) + b">> BDC EMC"))
    elif where == "marked text under an escaped name":
        page.contents_add(
            pdf.make_stream(b"/Span <</Actual#54ext " + _literal(text) + b">> BDC EMC")
        )


HIDING_PLACES = [
    "layer",
    "script",
    "script stream",
    "destination",
    "old destination",
    "piece info",
    "alt text",
    "thread",
    "page metadata",
    "utf-16 page metadata",
    "marked alt text",
    "marked actual text",
    "marked figure in a form",
    "marked text cut between streams",
    "marked text under an escaped name",
]


def _literal(text: str) -> bytes:
    """``text`` as a PDF string literal in the page's instructions (UTF-16 with its mark)."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"


@pytest.mark.parametrize("where", HIDING_PLACES)
def test_a_title_kept_anywhere_in_the_file_is_found(tmp_path: Path, where: str) -> None:
    """Layer names, scripts, destinations, alt texts and metadata of a page are read too."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        hide_in(pdf, where, SECRET_SUBJECT)
        pdf.save(path)
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "d.yaml", "m", 33, "bijlagen[1].bestand")],
        confidential_terms=[Term(SECRET_SUBJECT, "het onderwerp", "x/dossier.yaml")],
    )
    (leak,) = gate.find_leaks(audit)
    assert leak.message.startswith(f"noemt {ELSEWHERE} het onderwerp '{SECRET_SUBJECT}'")
    assert (leak.where, leak.line, leak.unread) == ("d.yaml", 33, False)


def _jpeg_saying(text: bytes) -> bytes:
    """A small JPEG photo with ``text`` in its comment segment (as a camera or editor writes)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG")
    data = out.getvalue()
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return data[:2] + segment + data[2:]


def hide_in_bytes(path: Path, where: str, text: str) -> None:
    """Put ``text`` where neither the pages nor the PDF's strings have it, but its bytes do."""
    secret = text.encode("ascii")
    if where == "bytes after the end":
        # Left by an editor that saved over a longer file: no reader shows it.
        with path.open("ab") as tail:
            tail.write(b"\n% " + secret + b"\n")
        return
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        if where == "comment among the page's instructions":
            page.contents_add(pdf.make_stream(b"% " + secret + b"\n"))
        elif where in ("private data of a drawing program", "an earlier revision's private data"):
            private = pdf.make_stream(b"")
            private.write(zlib.compress(b"AI private " + secret), filter=Name.FlateDecode)
            pdf.Root.PieceInfo = Dictionary(Illustrator=Dictionary(Private=private))
        elif where == "a form never drawn":
            form = pdf.make_stream(b"")
            form.write(zlib.compress(b"BT (" + secret + b") Tj ET"), filter=Name.FlateDecode)
            form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 10, 10]
            page.obj.Resources.XObject = Dictionary(Unused=form)
        elif where == "comment in a photo":
            photo = pdf.make_stream(_jpeg_saying(secret))
            photo.Type, photo.Subtype, photo.Filter = Name.XObject, Name.Image, Name.DCTDecode
            photo.Width, photo.Height, photo.BitsPerComponent = 16, 16, 8
            photo.ColorSpace = Name.DeviceRGB
            page.obj.Resources.XObject = Dictionary(Photo=photo)
            page.contents_add(pdf.make_stream(b"q 16 0 0 16 0 0 cm /Photo Do Q"))
        pdf.save(path)
    if where == "an earlier revision's private data":
        _replace_incrementally(path)


def _replace_incrementally(path: Path) -> None:
    """Save over the drawing program's private data as an editor does, incrementally: the old
    object stays in the file's bytes, in no table of the revision a reader reads."""
    with pikepdf.open(path) as pdf:
        number, generation = pdf.Root.PieceInfo.Illustrator.Private.objgen
        root = pdf.Root.objgen
        size = int(pdf.trailer.Size)
    data = path.read_bytes()
    previous = int(data[data.rindex(b"startxref") :].split()[1])
    replaced = len(data)
    update = f"{number} {generation} obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n"
    table = len(data) + len(update)
    update += (
        f"xref\n0 1\n0000000000 65535 f \n{number} 1\n{replaced:010d} {generation:05d} n \n"
        f"trailer\n<< /Size {size} /Root {root[0]} {root[1]} R /Prev {previous} >>\n"
        f"startxref\n{table}\n%%EOF\n"
    )
    path.write_bytes(data + update.encode("ascii"))
    with pikepdf.open(path) as pdf:  # read as a reader reads it: the private data is gone
        assert pdf.Root.PieceInfo.Illustrator.Private.read_bytes() == b""


def _leaks_of_hidden(tmp_path: Path, where: str, hidden: str, kenmerk: str) -> list[gate.Leak]:
    """What the gate finds of confidential ``kenmerk`` in a public annex that holds ``hidden``
    ``where`` no page shows it."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    hide_in_bytes(path, where, hidden)
    audit = gate.Audit(
        public_files=[
            gate.PublicFile(path, "d.yaml", "m", 33, "bijlagen[1].bestand", received=True)
        ],
        confidential_terms=[Term(kenmerk, "het kenmerk", "x/dossier.yaml", always=True)],
    )
    return gate.find_leaks(audit)


HIDDEN_BYTES = [
    "bytes after the end",
    "comment among the page's instructions",
    "private data of a drawing program",
    "a form never drawn",
    "comment in a photo",
    "an earlier revision's private data",
]


@pytest.mark.parametrize("where", HIDDEN_BYTES)
def test_a_kenmerk_anywhere_in_a_public_pdfs_bytes_is_found(tmp_path: Path, where: str) -> None:
    """Was (leak3 L2): a public annex is published byte for byte, but the gate read only its
    text and strings; a confidential kenmerk in a comment, a drawing program's private data, a
    form never drawn or a photo's comment passed."""
    (leak,) = _leaks_of_hidden(tmp_path, where, SECRET_KENMERK, SECRET_KENMERK)

    assert leak.message == (
        "noemt in gegevens die een lezer niet ziet maar die in het bestand staan (een "
        "opmerking, een ongebruikt of verborgen onderdeel, de gegevens van een foto) het "
        f"kenmerk '{SECRET_KENMERK}' van het vertrouwelijke dossier x/dossier.yaml (laat het "
        "bestand opnieuw maken zonder die gegevens, of druk het af als nieuwe PDF)"
    )
    assert (leak.where, leak.line) == ("d.yaml", 33)


@pytest.mark.parametrize("hidden", ["123.0002150", "23.00021501", "23 0002150", "2300021.50"])
def test_a_number_that_only_looks_like_a_kenmerk_in_a_pdfs_bytes_is_no_leak(
    tmp_path: Path, hidden: str
) -> None:
    """Inside a longer number, or apart as the numbers of drawing instructions are: not it."""
    where = "comment among the page's instructions"
    assert _leaks_of_hidden(tmp_path, where, hidden, SECRET_KENMERK) == []


@pytest.mark.parametrize(("kenmerk", "hidden"), [("2023/15", "2023.15"), ("123456", "123456")])
def test_a_kenmerk_of_short_numbers_is_not_looked_for_in_a_pdfs_bytes(
    tmp_path: Path, kenmerk: str, hidden: str
) -> None:
    """Review of leak3 L2: an organisation's own kenmerkpatroon may make kenmerken of short
    numbers, which a map's coordinates (2023.15) or a stream's /Length hold by chance: an
    export refused for them could not be mended. Their text and strings are still searched."""
    where = "comment among the page's instructions"
    assert _leaks_of_hidden(tmp_path, where, hidden, kenmerk) == []


def test_a_title_or_kenmerk_written_as_a_name_is_found_where_names_are_written(
    tmp_path: Path,
) -> None:
    """A slug in the document properties, a kenmerk with dashes in an attachment's name."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    slug = "onderhandelingsmandaat-provinciale-bijdrage_woningbouwimpuls"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = slug
        pdf.attachments["zaak-23-0002150.txt"] = pikepdf.AttachedFileSpec(pdf, b"notitie")
        pdf.docinfo["/Subject"] = "Notitie bij zaak 23 0002150"
        pdf.save(path)
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "d.yaml", "m")],
        confidential_terms=[
            Term(SECRET_SUBJECT, "het onderwerp", "x/dossier.yaml"),
            Term(SECRET_KENMERK, "het kenmerk", "x/dossier.yaml", always=True),
        ],
    )
    said = sorted(leak.message.split(" van het")[0] for leak in gate.find_leaks(audit))
    assert said == [
        f"noemt in de documenteigenschappen het kenmerk '{SECRET_KENMERK}'",
        f"noemt in de documenteigenschappen het onderwerp '{SECRET_SUBJECT}'",
    ]


def test_numbers_and_unrelated_strings_are_no_kenmerk_or_title(tmp_path: Path) -> None:
    """An amount with the kenmerk's digits, a date whose digits hold them, a title's words in
    two unrelated strings: nothing confidential, and the export must not stop for them."""
    path = make_pdf(tmp_path / "bijlage.pdf", [["Openbare notitie over fietsroutes"]])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Subject"] = "Totale investering € 230.002.150"
        pdf.docinfo["/CreationDate"] = "D:20231023000215+01'00'"
        pdf.Root.PieceInfo = Dictionary(
            A=Dictionary(Private=String("Onderhandelingsmandaat provinciale")),
            B=Dictionary(Private=String("bijdrage Woningbouwimpuls")),
            C=Dictionary(Private=String("zaak 23")),
            D=Dictionary(Private=String("0002150")),
        )
        pdf.save(path)
    audit = gate.Audit(
        public_files=[gate.PublicFile(path, "d.yaml", "m")],
        public_texts=[
            gate.PublicText("onderwerp: Cofinanciering (totaal € 230.002.150)", "x", "m")
        ],
        confidential_terms=[
            Term(SECRET_SUBJECT, "het onderwerp", "x/dossier.yaml"),
            Term(SECRET_KENMERK, "het kenmerk", "x/dossier.yaml", always=True),
        ],
    )
    assert gate.find_leaks(audit) == []


def test_loosened_terms_keep_letters_and_digits_and_drop_short_ones() -> None:
    assert gate.loosen(gate.squash("Onderhandelings-mandaat_2023")) == "onderhandelingsmandaat2023"
    # An own kenmerkpatroon's short kenmerk would match numbers in a file's objects by chance.
    assert gate.loosen(gate.squash("Z/23/1234")) == ""


def test_enforce_raises_exit_4_with_dutch_message(tmp_path: Path) -> None:
    audit = gate.Audit(
        public_texts=[gate.PublicText(f"titel: {SECRET_SUBJECT}", "openbaar/manifest.json", "m")],
        confidential_terms=[Term(SECRET_SUBJECT, "het onderwerp", "dossiers/x/dossier.yaml")],
    )
    with pytest.raises(ConfidentialityViolation) as raised:
        gate.enforce(audit)
    assert raised.value.exit_code == ExitCode.CONFIDENTIALITY == 4
    assert "er is niets geschreven" in raised.value.message
    assert raised.value.problems[0].bestand == "openbaar/manifest.json"
    assert "dossiers/x/dossier.yaml" in raised.value.problems[0].melding


# --------------------------------------------------------------------------- generated meetings

ORGANISATION = """naam: Regio Gooi en Vechtstreek
tooi: https://identifier.overheid.nl/tooi/id/so/so0006
vergaderingstype: commissievergadering
publicatie_url: https://www.regiogv.nl/stukken/
"""
WORDS = (
    "fietsroutes",
    "grondprijzen",
    "woningbouw",
    "energie",
    "jeugdzorg",
    "afvalinzameling",
    "arbeidsmarkt",
    "bereikbaarheid",
    "cultuur",
    "erfgoed",
    "recreatie",
    "bedrijventerreinen",
)


@dataclass(frozen=True)
class GenDossier:
    folder: str
    public: bool
    subject: str
    kenmerk: str
    annexes: tuple[str, ...]


def _dossier_yaml(dossier: GenDossier, annex_files: list[str]) -> str:
    lines = [
        "sjabloon: voorstel",
        f"onderwerp: {dossier.subject}",
        f"verspreiden: {'Ja' if dossier.public else 'Nee'}",
        "contactpersoon: Anouk Pols",
        "eenheid: Beleid en bestuur",
        "email: a.pols@regiogv.nl",
        f"kenmerk: '{dossier.kenmerk}'",
        "datum: 2023-04-11",
        "voorstel:",
        "  - Instemmen met het voorstel",
        "toelichting: Een korte toelichting.",
    ]
    if dossier.annexes:
        lines.append("bijlagen:")
        for description, file_name in zip(dossier.annexes, annex_files, strict=True):
            lines += [f"  - omschrijving: {description}", f"    bestand: {file_name}"]
    return "\n".join(lines) + "\n"


@st.composite
def meetings(draw: st.DrawFn) -> list[GenDossier]:
    count = draw(st.integers(min_value=1, max_value=4))
    subjects = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS), min_size=3, max_size=5, unique=True).map(
                lambda ws: " ".join(ws).capitalize()
            ),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    dossiers = []
    for index, subject in enumerate(subjects):
        public = draw(st.booleans())
        annexes = tuple(
            f"Bijlage {n} over {subject.lower()}"
            for n in range(1, draw(st.integers(min_value=0, max_value=2)) + 1)
        )
        dossiers.append(
            GenDossier(f"punt-{index + 1}", public, subject, f"23.{index + 1:07d}", annexes)
        )
    return dossiers


def _write_project(root: Path, dossiers: list[GenDossier], shared_annex: bool) -> Project:
    """A project whose build outputs are made here (no LibreOffice), the way the build lays them."""
    if root.exists():
        shutil.rmtree(root)
    meeting = "2023-06-23-pfho-test"
    meeting_dir = root / "dossiers" / meeting
    meeting_dir.mkdir(parents=True)
    (root / "dossiers" / "organisatie.yaml").write_text(ORGANISATION, encoding="utf-8")
    agenda = [
        "overleg: Portefeuillehoudersoverleg Test",
        "datum: 2023-06-23",
        'aanvang: "09:30"',
        "locatie: Regiokantoor, Hilversum",
        "agenda:",
        "  - Opening",
    ]
    shared = make_pdf(root / "shared-source.pdf", [["Gedeelde kaart van de regio " * 3]])
    for dossier in dossiers:
        folder = meeting_dir / dossier.folder
        folder.mkdir(parents=True)
        files = []
        for n, description in enumerate(dossier.annexes, start=1):
            name = f"bijlage-{n}.pdf"
            if shared_annex and n == 1:
                # The same annex in several dossiers, public and confidential: it is public.
                shutil.copyfile(shared, folder / name)
            else:
                make_pdf(
                    folder / name, [[description, f"Inhoud {dossier.kenmerk} bijlage {n} " * 2]]
                )
            files.append(name)
        (folder / "dossier.yaml").write_text(_dossier_yaml(dossier, files), encoding="utf-8")
        agenda.append(f"  - dossier: {dossier.folder}")
    agenda.append("  - Rondvraag en sluiting")
    (meeting_dir / "vergadering.yaml").write_text("\n".join(agenda) + "\n", encoding="utf-8")
    project = Project(root)
    _fake_build(project)
    return project


def _fake_build(project: Project) -> None:
    catalog = load_catalog(project)
    assert not catalog.errors, [p.format() for p in catalog.errors]
    meeting = catalog.meetings[0]
    build = project.build / meeting.name
    bundles: list[tuple[bool, Path]] = []
    public_lines, all_lines = [], []
    for item in meeting.items:
        if item.dossier is None:
            public_lines.append(f"{item.number}. {item.text}")
            all_lines.append(f"{item.number}. {item.text}")
            continue
        document = item.dossier.document
        out = build / output_folder_name(item, item.dossier)
        voorstel = make_pdf(
            out / "voorstel.pdf",
            [
                [document.subject, f"Kenmerk {document.reference}", "Voorstel tekst " * 4],
                [f"Toelichting bij {document.reference} " * 3],
            ],
        )
        annexes = [item.dossier.annex_path(i) for i in range(len(document.annexes))]
        bundles.append((document.is_public, merge_pdfs(out / "bundel.pdf", [voorstel, *annexes])))
        title = document.subject if document.is_public else "Niet openbaar"
        public_lines.append(f"{item.number}. {title}")
        all_lines.append(f"{item.number}. {document.subject} ({document.reference})")
    agenda = make_pdf(build / "agenda.pdf", [["Agenda", *public_lines]])
    secret_agenda = make_pdf(
        build / "agenda-niet-openbaar.pdf", [["Agenda NIET OPENBAAR", *all_lines]]
    )
    merge_pdfs(build / "vergaderbundel.pdf", [agenda, *[b for public, b in bundles if public]])
    merge_pdfs(
        build / "vergaderbundel-niet-openbaar.pdf", [secret_agenda, *[b for _, b in bundles]]
    )


def _snapshot(project: Project) -> dict[str, bytes]:
    files = {}
    for base in (project.build, project.dossiers):
        for path in sorted(base.rglob("*")):
            if path.is_file() and ".lock" not in path.name:
                files[str(path.relative_to(project.root))] = path.read_bytes()
    return files


def _plant(project: Project, dossiers: list[GenDossier], leak: str) -> None:
    catalog = load_catalog(project)
    meeting = catalog.meetings[0]
    build = project.build / meeting.name
    secret_item = next(i for i in meeting.items if i.dossier and not i.dossier.document.is_public)
    assert secret_item.dossier is not None
    secret_pdf = build / output_folder_name(secret_item, secret_item.dossier) / "voorstel.pdf"
    if leak == "file":
        shutil.copyfile(secret_pdf, build / "agenda.pdf")
    elif leak == "page":
        bundle = build / "vergaderbundel.pdf"
        merge_pdfs(bundle, [bundle], [(secret_pdf, 0)])
    elif leak == "title":
        subject = secret_item.dossier.document.subject
        make_pdf(build / "agenda.pdf", [["Agenda", "2. " + subject[:20], subject[20:]]])


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    dossiers=meetings(),
    shared_annex=st.booleans(),
    leak=st.sampled_from(["none", "file", "page", "title"]),
)
def test_generated_meetings_never_publish_confidential_material(
    tmp_path_factory: pytest.TempPathFactory,
    dossiers: list[GenDossier],
    shared_annex: bool,
    leak: str,
) -> None:
    root = tmp_path_factory.mktemp("gen") / "project"
    project = _write_project(root, dossiers, shared_annex)
    has_secret = any(not d.public for d in dossiers)
    planted = leak != "none" and has_secret
    if planted:
        _plant(project, dossiers, leak)
    before = _snapshot(project)
    if planted:
        with pytest.raises(ConfidentialityViolation) as raised:
            package_meetings(project)
        assert raised.value.exit_code == 4
        assert raised.value.problems
        # Nothing written: build/ and dossiers/ are byte for byte what they were.
        assert _snapshot(project) == before
        assert not list(project.build.rglob("export"))
        return
    report = package_meetings(project)
    assert report.exit_code == 0
    (export,) = report.meetings
    public_dir = export.folder / PUBLIC
    secret_hashes = set()
    secret_terms = []
    for dossier in dossiers:
        if dossier.public:
            continue
        secret_terms += [dossier.kenmerk, dossier.subject]
        secret_terms += list(dossier.annexes)
        for path in (project.dossiers / "2023-06-23-pfho-test" / dossier.folder).glob("*.pdf"):
            secret_hashes.add(gate.file_sha256(path))
    public_hashes = {
        gate.file_sha256(p)
        for d in dossiers
        if d.public
        for p in (project.dossiers / "2023-06-23-pfho-test" / d.folder).glob("*.pdf")
    }
    for path in public_dir.iterdir():
        if path.suffix == ".pdf":
            digest = gate.file_sha256(path)
            assert digest not in secret_hashes or digest in public_hashes
    public_text = gate.squash(
        (public_dir / "manifest.json").read_text(encoding="utf-8")
        + (public_dir / "diwoo-sitemap.xml").read_text(encoding="utf-8")
        + " ".join(p.name for p in public_dir.iterdir())
    )
    for term in secret_terms:
        assert gate.squash(term) not in public_text, term
    manifest = json.loads((export.folder / "niet-openbaar" / "manifest.json").read_text())
    secret_count = sum(1 + len(d.annexes) for d in dossiers if not d.public)
    assert len(manifest["informatieobjecten"]) == secret_count + 2


# --------------------------------------------------------------------------- the real build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, built once with LibreOffice."""
    root = tmp_path_factory.mktemp("gate") / "project"
    root.mkdir()
    copy_example(root)
    report = build_project(Project(root), BuildOptions(source_date_epoch=1_700_000_000))
    assert report.exit_code == 0, [p.format() for p in report.problems]
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    yield Project(root)


def _name_the_secret_in_a_public_annex(project: Project) -> None:
    """Give a public dossier's annex a description that names the confidential onderwerp."""
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace(
        "omschrijving: Notitie criteria prioritering snelfietsroutes",
        f"omschrijving: Notitie over {SECRET_SUBJECT}",
    )
    dossier.write_text(text, encoding="utf-8")


def _wonen_secret_voorstel(project: Project) -> Path:
    (folder,) = (project.build / WONEN).glob(f"*-{SECRET_KENMERK}-*")
    return folder / "voorstel.pdf"


@pytest.mark.slow
def test_example_project_passes_the_gate(project: Project) -> None:
    report = package_meetings(project, source_date_epoch=1_700_000_000)
    assert report.exit_code == 0
    names = [p.name for p in (project.build / WONEN / "export" / "openbaar").iterdir()]
    assert not any(SECRET_KENMERK in name for name in names)
    assert any(
        SECRET_KENMERK in p.name
        for p in (project.build / WONEN / "export" / "niet-openbaar").iterdir()
    )


def _plant_leak(project: Project, leak: str) -> None:
    """A confidential file, page or title on the wonen meeting's public side."""
    build = project.build / WONEN
    secret = _wonen_secret_voorstel(project)
    if leak == "file":
        shutil.copyfile(secret, build / "agenda.pdf")
    elif leak == "page":
        merge_pdfs(build / "vergaderbundel.pdf", [build / "vergaderbundel.pdf"], [(secret, 1)])
    else:
        _name_the_secret_in_a_public_annex(project)
        build_project(project, BuildOptions(source_date_epoch=1_700_000_000))


def _said_at(said: str, place: str, leak: str) -> bool:
    """Whether the gate's refusal ``said`` names ``leak`` for ``place``: at the start of its
    line, or among the places that line says it also is in (one mistake, one line)."""
    for line in said.splitlines():
        head, _, also = line.partition("; staat ook in ")
        if line.startswith(f"{place}: {leak}") or (leak in head and place in also):
            return True
    return False


def test_a_leak_is_said_once_with_every_place_and_an_unread_part_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Review of the grouping: a warning of an unread page is no leak 'also in' another file
    (page 1 of one is not page 1 of the other), and no place is cut from the list."""
    said = "noemt het kenmerk '23.0002150' van het vertrouwelijke dossier x (haal die tekst uit "
    unread = "de tekst van pagina 1 kon niet gelezen worden"
    places = [f"build/m/{name}.pdf" for name in "abcdefgh"]
    leaks = [gate.Leak(place, said) for place in places] + [
        gate.Leak(place, unread, unread=True) for place in places[:2]
    ]
    monkeypatch.setattr(gate, "find_leaks", lambda audit, kept=None: leaks)
    with pytest.raises(ConfidentialityViolation) as raised:
        gate.enforce(gate.Audit())
    assert [problem.format() for problem in raised.value.problems] == [
        f"build/m/a.pdf: waarschuwing: {unread}",
        f"build/m/a.pdf: {said}; staat ook in {', '.join(places[1:-1])} en {places[-1]}",
        f"build/m/b.pdf: waarschuwing: {unread}",
    ]
    assert raised.value.message.startswith("export gestopt: 1 vertrouwelijk gegeven ")


def _refused_for(project: Project, leak: str) -> None:
    """Export, and assert that the gate stops it for the ``leak`` planted, writing nothing."""
    before = _snapshot(project)
    with pytest.raises(ConfidentialityViolation) as raised:
        package_meetings(project, source_date_epoch=1_700_000_000)
    assert raised.value.exit_code == 4
    messages = "\n".join(p.format() for p in raised.value.problems)
    if leak == "file":
        assert "agenda.pdf: is hetzelfde bestand als het vertrouwelijke" in messages
    elif leak == "page":
        assert "vergaderbundel.pdf: pagina" in messages and "voorstel.pdf" in messages
    else:
        assert f"noemt het onderwerp '{SECRET_SUBJECT}'" in messages
        manifest = f"het manifest van de openbare kant van {WONEN}"
        assert _said_at(messages, manifest, f"noemt het onderwerp '{SECRET_SUBJECT}'")
    assert _snapshot(project) == before


@pytest.mark.slow
@pytest.mark.parametrize("leak", ["file", "page", "title"])
def test_planted_leak_stops_the_export_and_writes_nothing(project: Project, leak: str) -> None:
    build = project.build / WONEN
    _plant_leak(project, leak)
    _refused_for(project, leak)
    assert not (build / "export").exists()
    assert not (project.dossiers / WONEN / "publicatie.json").exists()


@pytest.mark.slow
def test_a_confidential_title_that_reaches_only_the_diwoo_sitemap_stops_the_export(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate reads the sitemap as a text of its own. Today its fields are in the manifest
    as well; a field only diwoo_document writes (a later change to it) that names a
    confidential onderwerp must stop the export all the same."""
    from lxml import etree

    from assembler import package

    made = package.diwoo_document

    def naming_the_secret(*args: Any, **kwargs: Any) -> etree._Element:
        element = made(*args, **kwargs)
        (title,) = [e for e in element.iter() if etree.QName(e).localname == "officieleTitel"]
        title.text = f"{title.text} ({SECRET_SUBJECT})"
        return element

    monkeypatch.setattr(package, "diwoo_document", naming_the_secret)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    sitemap = f"de DiWoo-sitemap van de openbare kant van {WONEN}: "
    said = [line for line in result.stderr.splitlines() if SECRET_SUBJECT in line]
    assert said and all(line.startswith(sitemap) for line in said), result.stderr
    assert f"{sitemap}noemt het onderwerp '{SECRET_SUBJECT}'" in result.stderr
    assert "het manifest" not in result.stderr  # the manifest never named it
    assert not (project.build / WONEN / "export").exists()
    assert not (project.dossiers / WONEN / "publicatie.json").exists()


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The PDFs the export reads (its plan and its gate) from here on."""
    read: list[Path] = []
    analyse = gate.analyse_pdf

    def counted(path: Path, **options: object) -> gate.PdfFacts:
        read.append(Path(path))
        return analyse(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(gate, "analyse_pdf", counted)
    return read


@pytest.mark.slow
def test_a_second_export_reads_only_the_pdfs_that_changed(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _count_reads(monkeypatch)
    package_meetings(project, source_date_epoch=1_700_000_000)
    first = len(read)
    kept = project.cache / gate.FACTS_FOLDER
    assert sorted(p.name for p in kept.iterdir()) == sorted(
        [f"{meeting}.json" for meeting in (ECONOMIE, WONEN)] + ["paginas.json"]
    )
    read.clear()
    package_meetings(project, source_date_epoch=1_700_000_000)
    assert first > 20 and read == []

    # A corrected annex description: what names it (that dossier's voorstel and bundle, the
    # agendas and meeting bundles) is read anew, and nothing else.
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("criteria prioritering", "criteria en prioritering"))
    build_project(project, BuildOptions(source_date_epoch=1_700_000_000))
    package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    assert sorted({p.relative_to(project.build).as_posix() for p in read}) == [
        f"{WONEN}/{name}"
        for name in (
            "05-23.0002131-snelfietsroutes/bundel.pdf",
            "05-23.0002131-snelfietsroutes/voorstel.pdf",
            "agenda-niet-openbaar.pdf",
            "agenda.pdf",
            "vergaderbundel-niet-openbaar.pdf",
            "vergaderbundel.pdf",
        )
    ]


@pytest.mark.slow
@pytest.mark.parametrize("leak", ["file", "page", "title"])
def test_a_leak_after_an_export_that_kept_the_facts_still_stops_the_next(
    project: Project, leak: str
) -> None:
    package_meetings(project, source_date_epoch=1_700_000_000)
    shutil.rmtree(project.build / WONEN / "export")
    (project.dossiers / WONEN / "publicatie.json").unlink()
    _plant_leak(project, leak)
    # What the refused export read is not kept either: build/ is as it was.
    _refused_for(project, leak)


@pytest.mark.slow
def test_damaged_or_outdated_kept_facts_are_read_anew(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    kept = project.cache / gate.FACTS_FOLDER
    (kept / "paginas.json").write_text("{niet af", encoding="utf-8")
    facts = json.loads((kept / f"{WONEN}.json").read_text(encoding="utf-8"))
    digest = sorted(facts["facts"])[0]
    facts["facts"][digest] = {"pages": 3}
    (kept / f"{WONEN}.json").write_text(json.dumps(facts), encoding="utf-8")
    read = _count_reads(monkeypatch)
    report = package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    assert report.exit_code == 0
    # The damaged entry is read again; the pages of every other PDF too (their store is gone).
    assert len(read) > 1
    assert json.loads((kept / "paginas.json").read_text(encoding="utf-8"))["facts"]
    read.clear()
    package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    assert read == []

    # Another pikepdf (or gate) reads the same bytes otherwise: nothing kept is used.
    monkeypatch.setattr(annex_text, "FACTS_VERSION", annex_text.FACTS_VERSION + 1)
    package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    assert len(read) > 20


@pytest.mark.slow
def test_the_facts_of_a_meeting_folder_removed_are_not_kept(project: Project) -> None:
    package_meetings(project, source_date_epoch=1_700_000_000)
    kept = project.cache / gate.FACTS_FOLDER
    assert (kept / f"{ECONOMIE}.json").is_file()
    shutil.rmtree(project.dossiers / ECONOMIE)
    package_meetings(project, [project.dossiers / WONEN], source_date_epoch=1_700_000_000)
    assert not (kept / f"{ECONOMIE}.json").exists()
    assert (kept / f"{WONEN}.json").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("typed", [SECRET_SUBJECT, f"  {SECRET_SUBJECT.upper()}", SECRET_KENMERK])
def test_a_confidential_title_typed_as_a_loose_agenda_item_is_a_leak(
    project: Project, run_cli: Callable[..., CliResult], typed: str
) -> None:
    """A loose item's text counts as public, but not when it is a confidential dossier's
    onderwerp or kenmerk typed again: the public agenda would show it in full."""
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("agenda:\n", f'agenda:\n  - "{typed}"\n', 1), "utf-8")
    checked = run_cli("check", cwd=project.root)
    assert checked.exit_code == 0, checked.stderr
    what = "het kenmerk" if typed == SECRET_KENMERK else "het onderwerp"
    assert checked.stderr.splitlines() == [
        f"dossiers/{WONEN}/vergadering.yaml:7: waarschuwing: agenda[1]: is {what} van "
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls, dat niet openbaar is: als los agendapunt "
        "staat het zo op de openbare agenda (haal de regel weg; een vertrouwelijk dossier komt "
        "op de agenda als '- dossier: mandaat-woningbouwimpuls')"
    ]
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    # Was "build/…/export/openbaar/manifest.json: …", a file never written (review M-L4).
    named = SECRET_KENMERK if typed == SECRET_KENMERK else SECRET_SUBJECT  # as the dossier has it
    assert _said_at(
        result.stderr,
        f"het manifest van de openbare kant van {WONEN}",
        f"noemt {what} '{named}' van het vertrouwelijke dossier "
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml (haal die tekst uit de openbare "
        "stukken",
    )
    assert "export/openbaar" not in result.stderr
    # The stop says the build's warning too: the agenda line is what the clerk mends.
    assert checked.stderr.splitlines()[0] in result.stderr.splitlines()
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
@pytest.mark.parametrize("where", ["typewriter", "note", "field", "link", "label", "toelichting"])
def test_a_title_in_an_annotation_field_link_or_label_is_found(
    project: Project, run_cli: Callable[..., CliResult], where: str
) -> None:
    """Text that is not the page's own: typed on top of it, in a note, in a filled-in field,
    in a link's address, in a page label; and a link the clerk typed in a public toelichting."""
    folder = project.dossiers / WONEN / "snelfietsroutes"
    if where == "toelichting":
        dossier = folder / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        link = f"(https://zaken.regiogv.nl/zaak/{SECRET_KENMERK}/mandaat)"
        dossier.write_text(text.replace("(https://www.regiogv.nl/)", link), encoding="utf-8")
    else:
        annex = folder / "bijlage-3-notitie-criteria-prioritering.pdf"
        with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
            page = pdf.pages[0].obj
            rect = Array([72, 72, 300, 92])
            said = String(f"Zie ook {SECRET_KENMERK}")
            if where == "typewriter":
                note = Dictionary(Type=Name.Annot, Subtype=Name.FreeText, Rect=rect, Contents=said)
            elif where == "note":
                note = Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=rect, Contents=said)
            elif where == "field":
                note = Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Widget,
                    FT=Name.Tx,
                    T=String("k"),
                    V=said,
                    Rect=rect,
                )
                pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.make_indirect(note)]))
            elif where == "link":
                target = Dictionary(S=Name.URI, URI=String(f"https://x.example/{SECRET_KENMERK}"))
                note = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect, A=target)
            if where == "label":
                labels = Array([0, Dictionary(P=String(f"{SECRET_KENMERK}-"))])
                pdf.Root.PageLabels = Dictionary(Nums=labels)
            else:
                page.Annots = Array([pdf.make_indirect(note) if not note.is_indirect else note])
            pdf.save(annex)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    said = f"noemt {ANNOTATIONS} het kenmerk '{SECRET_KENMERK}' van het vertrouwelijke dossier"
    assert said in result.stderr
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_a_kenmerk_in_a_public_annexs_private_data_stops_the_export(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """The private data a drawing program keeps in a map (leak3 L2): no page shows it, the
    published file holds it."""
    annex = (
        project.dossiers / WONEN / "snelfietsroutes" / "bijlage-3-notitie-criteria-prioritering.pdf"
    )
    hide_in_bytes(annex, "private data of a drawing program", SECRET_KENMERK)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:57: bijlagen[3].bestand: noemt in "
        "gegevens die een lezer niet ziet maar die in het bestand staan"
    ) in result.stderr
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
@pytest.mark.parametrize("where", ["layer", "alt text"])
def test_a_title_in_a_layer_name_or_alt_text_of_a_public_annex_stops_the_export(
    project: Project, run_cli: Callable[..., CliResult], where: str
) -> None:
    """A map annex's layer, a figure's alternative text: shown by readers, not on the page."""
    annex = (
        project.dossiers / WONEN / "snelfietsroutes" / "bijlage-3-notitie-criteria-prioritering.pdf"
    )
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        hide_in(pdf, where, SECRET_SUBJECT)
        pdf.save(annex)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    said = f"noemt {ELSEWHERE} het onderwerp '{SECRET_SUBJECT}' van het vertrouwelijke dossier"
    assert f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:" in result.stderr
    assert said in result.stderr
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_an_annex_attachment_the_gate_cannot_read_is_said_at_its_dossier_line(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    folder = project.dossiers / WONEN / "snelfietsroutes"
    buffer = io.BytesIO()
    Document().save(buffer)
    damaged = bytearray(buffer.getvalue())
    start = damaged.index(b"word/document.xml") + 40  # into the entry's compressed bytes
    damaged[start : start + 20] = bytes(20)
    annex = folder / "bijlage-3-notitie-criteria-prioritering.pdf"
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, bytes(damaged), filename="aantekeningen.docx")
        pdf.attachments["aantekeningen.docx"] = spec
        pdf.save(annex)
    dossier = folder / "dossier.yaml"
    lines = dossier.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if annex.name in text)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 0, result.stderr
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:{line}: waarschuwing: bijlagen[3].bestand: "
        "de tekst van het bijgevoegde bestand 'aantekeningen.docx' kon niet gelezen worden, en is "
        "dus niet nagezien op kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)"
    ) in result.stderr.splitlines()
    assert (project.build / WONEN / "export" / "openbaar").is_dir()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_leak_is_exit_4_also_when_its_messages_cannot_be_written(project: Project) -> None:
    """A cron job's log on a full disk: the gate's stop must still read as the gate's."""
    import subprocess
    import sys

    _name_the_secret_in_a_public_annex(project)
    assembler = Path(sys.executable).parent / "assembler"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(assembler), "export", f"dossiers/{WONEN}"], cwd=project.root, stderr=full
        )
    assert result.returncode == 4
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_the_command_says_nothing_was_written_after_the_leaks(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    _name_the_secret_in_a_public_annex(project)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    lines = result.stderr.splitlines()
    assert any(f"noemt het onderwerp '{SECRET_SUBJECT}'" in line for line in lines), lines
    # The problems say where; the last line says that none of it went out.
    assert lines[-1].startswith("fout: export gestopt: ")
    assert lines[-1].endswith(
        "in de openbare stukken; er is niets geschreven (geef de stukken die hierboven genoemd "
        "worden zo niet door)"
    )
    assert not (project.build / WONEN / "export").exists()


_TEMPLATE_NAMING = (
    "de vaste tekst noemt {what} '{text}' van dossiers/" + WONEN + "/mandaat-woningbouwimpuls/"
    "dossier.yaml, dat niet openbaar is: zo komt het in elk openbaar stuk dat met dit sjabloon "
    "wordt gemaakt en stopt de export (haal die tekst uit het sjabloon{common})"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("template", "where", "typed"),
    [
        ("agenda", "footer", f"Zie ook zaak {SECRET_KENMERK}"),
        ("voorstel", "body", f"Zie ook het {SECRET_SUBJECT}"),
    ],
)
def test_fixed_template_text_naming_a_confidential_dossier_is_said_by_check_and_build(
    project: Project, run_cli: Callable[..., CliResult], template: str, where: str, typed: str
) -> None:
    """Text an organisation typed in a template (no field) is in every document made with it:
    naming a confidential dossier there is said by check and build, at the template, long
    before the export's gate stops the public agenda or voorstellen for it (review T6)."""
    path = project.root / "templates" / f"{template}.docx"
    document = Document(str(path))
    if where == "footer":
        document.sections[0].footer.add_paragraph(typed)
    else:
        document.add_paragraph(typed)
    document.save(str(path))
    kenmerk = SECRET_KENMERK in typed
    said = (
        f"templates/{template}.docx: waarschuwing: {typed}: "
        + ("in de voettekst: " if where == "footer" else "")
        + _TEMPLATE_NAMING.format(
            what="het kenmerk" if kenmerk else "het onderwerp",
            text=SECRET_KENMERK if kenmerk else SECRET_SUBJECT,
            common=""
            if kenmerk
            else (
                ", of maak, als het een gangbare titel is, het onderwerp van het vertrouwelijke "
                "dossier specifieker"
            ),
        )
    )
    checked = run_cli("check", cwd=project.root)
    assert checked.exit_code == 0, checked.stderr
    assert [line for line in checked.stderr.splitlines() if "waarschuwing" in line] == [said]
    # The command a template's maker runs says it too (review revI I3: "Sjablonen in orde.").
    templates = run_cli("templates", "check", cwd=project.root)
    assert templates.exit_code == 0, templates.stderr
    assert [line for line in templates.stderr.splitlines() if "waarschuwing" in line] == [said]
    assert templates.stdout == "Sjablonen in orde (1 waarschuwing).\n"
    built = run_cli("build", "--geen-pdf", cwd=project.root)
    assert built.exit_code == 0, built.stderr
    assert [line for line in built.stderr.splitlines() if "waarschuwing" in line] == [said]
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 4, exported.stderr
    assert said in exported.stderr.splitlines()
    leaked = "agenda.pdf" if template == "agenda" else "voorstel.pdf"
    assert f"{leaked}: noemt {'het kenmerk' if kenmerk else 'het onderwerp'} '" in exported.stderr
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_a_kenmerk_in_a_public_file_name_is_said_once(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """The published names are in the folder, the zip and SHA256SUMS alike: one leak, said
    once (the gate said it again for the zip, the very same names)."""
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    described = "omschrijving: Notitie criteria prioritering snelfietsroutes"
    assert described in text
    dossier.write_text(
        text.replace(described, f"omschrijving: Notitie zaak {SECRET_KENMERK}"), "utf-8"
    )
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    side = f"van de openbare kant van {WONEN}"
    names = f"de bestandsnamen {side} (in de map openbaar/, de zip en SHA256SUMS)"
    assert result.stderr.count(names) == 1, result.stderr
    # One mistake, one line: at the first public file it is in, naming every other place.
    leaks = [line for line in result.stderr.splitlines() if line.startswith("build/")]
    assert leaks == [
        f"build/{WONEN}/05-23.0002131-snelfietsroutes/voorstel.pdf: noemt het kenmerk "
        f"'{SECRET_KENMERK}' van het vertrouwelijke dossier "
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml (haal die tekst uit de "
        f"openbare stukken); staat ook in build/{WONEN}/agenda.pdf, "
        f"build/{WONEN}/vergaderbundel.pdf, de DiWoo-sitemap {side}, {names} en het manifest "
        f"{side}"
    ]
    assert result.stderr.splitlines()[-1] == (
        "fout: export gestopt: 1 vertrouwelijk gegeven in de openbare stukken; er is niets "
        "geschreven (geef de stukken die hierboven genoemd worden zo niet door)"
    )


@pytest.mark.slow
def test_a_leak_in_an_annex_is_named_by_the_dossier_line_that_attaches_it(
    project: Project,
) -> None:
    """The confidential voorstel attached to a public dossier: the clerk mends that line."""
    folder = project.dossiers / WONEN / "snelfietsroutes"
    shutil.copyfile(_wonen_secret_voorstel(project), folder / "bijlage-4-achtergrond.pdf")
    dossier = folder / "dossier.yaml"
    with dossier.open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Achtergrond\n    bestand: bijlage-4-achtergrond.pdf\n")
    line = len(dossier.read_text(encoding="utf-8").splitlines())
    build_project(project, BuildOptions(source_date_epoch=1_700_000_000))
    with pytest.raises(ConfidentialityViolation) as raised:
        package_meetings(project, source_date_epoch=1_700_000_000)
    attached = (f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml", line, "bijlagen[4].bestand")
    leaks = [p for p in raised.value.problems if (p.bestand, p.regel, p.veld) == attached]
    assert leaks and all("vertrouwelijke" in leak.melding for leak in leaks)
    assert leaks[0].format().startswith(f"{attached[0]}:{line}: bijlagen[4].bestand: ")


@pytest.mark.slow
def test_a_common_confidential_title_is_searched_from_its_time_on(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """A confidential memo 'Stand van zaken' of a later meeting is not leaked by the older,
    published memo 'Stand van zaken regionale huisvestingsverordening 2024'; one of an earlier
    meeting is, as the public memo could have been written about it."""
    later = "2026-12-11-pfho-ruimte-wonen"
    made = run_cli("vergadering", f"dossiers/{later}", cwd=project.root)
    assert made.exit_code == 0, made.stderr
    economie = "2023-05-26-pfho-economie"
    for meeting, day in ((later, "2026-11-27"), (economie, "2023-05-19")):
        made = run_cli(
            "new",
            f"dossiers/{meeting}",
            "stand",
            *("--sjabloon", "memo", "--onderwerp", "Stand van zaken", "--verspreiden", "Nee"),
            *("--aan", "Portefeuillehouders", "--van", "Secretaris", "--datum", day),
            cwd=project.root,
        )
        assert made.exit_code == 0, made.stderr
        checked = run_cli("check", cwd=project.root)
        result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
        if meeting == later:
            assert "noemt het onderwerp" not in checked.stderr
            assert result.exit_code == 0, result.stderr
            assert (project.build / WONEN / "export").is_dir()
            shutil.rmtree(project.dossiers / later / "stand")
            agenda = project.dossiers / later / "vergadering.yaml"
            agenda.write_text(
                agenda.read_text("utf-8").replace("  - dossier: stand\n", ""), "utf-8"
            )
        else:
            memo = f"dossiers/{WONEN}/memo-huisvestingsverordening/dossier.yaml"
            assert f"{memo}:7: waarschuwing: onderwerp: noemt het onderwerp 'Stand van zaken'" in (
                checked.stderr
            )
            assert result.exit_code == 4, result.stderr
            assert _said_at(
                result.stderr,
                f"het manifest van de openbare kant van {WONEN}",
                "noemt het onderwerp 'Stand van zaken' van het vertrouwelijke dossier "
                f"dossiers/{economie}/stand/dossier.yaml (haal die tekst uit de openbare "
                "stukken, of maak, als het een gangbare titel is, het onderwerp van het "
                "vertrouwelijke dossier specifieker)",
            )


@pytest.mark.slow
def test_a_short_title_is_searched_in_a_new_version_of_an_earlier_meetings_document(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Only what was written once a title existed can name it: a correction written now to a
    document of a meeting held before is, and passed (exit 0) while it named a confidential
    dossier of a later meeting by its short title."""
    economie = "2023-05-26-pfho-economie"
    mandaat = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = mandaat.read_text(encoding="utf-8")
    mandaat.write_text(
        text.replace(f"onderwerp: {SECRET_SUBJECT}", "onderwerp: Mandaat Woningbouwimpuls"),
        encoding="utf-8",
    )
    first = run_cli("export", f"dossiers/{economie}", cwd=project.root)
    assert first.exit_code == 0, first.stderr
    werklocaties = project.dossiers / economie / "werklocaties" / "dossier.yaml"
    text = werklocaties.read_text(encoding="utf-8")
    werklocaties.write_text(
        text.replace(
            "toelichting: |\n",
            "toelichting: |\n  Naschrift: zie ook het Mandaat Woningbouwimpuls van de regio.\n\n",
            1,
        ),
        encoding="utf-8",
    )
    again = run_cli("export", f"dossiers/{economie}", cwd=project.root)
    assert again.exit_code == 4, again.stderr
    assert (
        f"build/{economie}/02-23.0001772-werklocaties/voorstel.pdf: noemt het onderwerp "
        "'Mandaat Woningbouwimpuls' van het vertrouwelijke dossier"
    ) in again.stderr


ECONOMIE = "2023-05-26-pfho-economie"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["folder name", "vergadering.yaml", "dossier refused"])
def test_a_confidential_dossier_that_was_not_loaded_is_guarded_all_the_same(
    project: Project, run_cli: Callable[..., CliResult], how: str
) -> None:
    """Was: exit 0 and the onderwerp published, when the confidential dossier's meeting folder
    was refused for its name (a Windows zip's byte), its vergadering.yaml did not load, or the
    dossier itself was refused: the gate knew only the dossiers that were loaded."""
    werklocaties = project.dossiers / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = werklocaties.read_text(encoding="utf-8")
    said = f"toelichting: |\n  Zie ook {SECRET_SUBJECT}.\n\n"
    werklocaties.write_text(text.replace("toelichting: |\n", said, 1), encoding="utf-8")
    secret = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    if how == "folder name":
        (project.dossiers / WONEN).rename(project.dossiers / os.fsdecode(b"2023-06-23-\xe9"))
    elif how == "vergadering.yaml":
        meeting = project.dossiers / WONEN / "vergadering.yaml"
        meeting.write_text(meeting.read_text(encoding="utf-8") + "onbekend: x\n", "utf-8")
    else:
        secret.write_text(secret.read_text(encoding="utf-8") + "onbekend: x\n", "utf-8")
    result = run_cli("export", f"dossiers/{ECONOMIE}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    assert f"noemt het onderwerp '{SECRET_SUBJECT}' van het vertrouwelijke dossier" in (
        result.stderr
    )
    assert not (project.build / ECONOMIE / "export").exists()


@pytest.mark.slow
def test_a_dossier_that_cannot_be_read_stops_every_export(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Nothing can be ruled out for it: whether it is confidential, what it must not show."""
    secret = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    secret.write_text("onderwerp: [niet gesloten\n", encoding="utf-8")
    result = run_cli("export", f"dossiers/{ECONOMIE}", cwd=project.root)
    assert result.exit_code == 4, result.stderr
    assert (
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml: kan niet worden gelezen, dus "
        "kan de export niet nagaan wat de openbare stukken er niet van mogen noemen (maak het "
        "dossier in orde, of haal de map uit dossiers/)"
    ) in result.stderr.splitlines()
    assert not (project.build / ECONOMIE / "export").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "how",
    [
        "kenmerk as a number",
        "Ja typed twice",
        "Ja with a space",
        "alias bomb",
        "hidden",
        "hidden and confidential",
        "tab after a key",
    ],
)
def test_a_dossier_not_loaded_is_read_as_typed(
    project: Project, run_cli: Callable[..., CliResult], how: str
) -> None:
    """Review of the plain reading: a kenmerk read as a number (23.00017) stopped exports for
    other kenmerken; 'verspreiden: Nee' followed by 'verspreiden: Ja' counted as public; an
    alias bomb took gigabytes; a hidden folder check skips stopped every export."""
    secret = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = secret.read_text(encoding="utf-8")
    werklocaties = project.dossiers / ECONOMIE / "werklocaties" / "dossier.yaml"
    if how == "kenmerk as a number":
        # Refused for a key typed twice; 23.0001700 is no part of the public 23.0001772.
        text = text.replace(SECRET_KENMERK, "23.0001700") + "verspreiden: Nee\n"
    elif how in ("Ja typed twice", "Ja with a space"):
        # Refused either way: ' Ja' is as unsure as Ja twice, not public (it was to the gate).
        if how == "Ja typed twice":
            text += "verspreiden: Ja\n"
        else:
            text = text.replace("verspreiden: Nee", "verspreiden: ' Ja'")
        public = werklocaties.read_text(encoding="utf-8")
        said = f"toelichting: |\n  Zie ook voorstel {SECRET_KENMERK}.\n\n"
        werklocaties.write_text(public.replace("toelichting: |\n", said, 1), encoding="utf-8")
    elif how == "alias bomb":
        bomb = 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        for n in range(1, 10):
            bomb += f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n"
        text = bomb + text.replace("verspreiden: Nee", "verspreiden: *a9")
    elif how == "tab after a key":
        # Read as its own loader reads it (libyaml takes a tab there); refused for its
        # meeting's date, it is public all the same and stops nothing.
        meeting = project.dossiers / WONEN / "vergadering.yaml"
        dates = meeting.read_text(encoding="utf-8").replace(
            "datum: 2023-06-23", "datum: 2023-06-31"
        )
        meeting.write_text(dates, encoding="utf-8")
        public = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
        tabbed = public.read_text(encoding="utf-8").replace("onderwerp: ", "onderwerp:\t", 1)
        public.write_text(tabbed, encoding="utf-8")
    else:
        hidden = project.dossiers / ".archief" / "oud"
        hidden.mkdir(parents=True)
        if how == "hidden":
            (hidden / "dossier.yaml").write_text("onderwerp:\n\t- tab\n", encoding="utf-8")
        else:  # parked there, still confidential: its kenmerk is not to be published
            parked = text.replace(SECRET_KENMERK, "99.0007001")
            (hidden / "dossier.yaml").write_text(parked, encoding="utf-8")
            public = werklocaties.read_text(encoding="utf-8")
            said = "toelichting: |\n  Zie ook voorstel 99.0007001.\n\n"
            werklocaties.write_text(public.replace("toelichting: |\n", said, 1), "utf-8")
    secret.write_text(text, encoding="utf-8")
    result = run_cli("export", f"dossiers/{ECONOMIE}", cwd=project.root)
    if how in ("Ja typed twice", "Ja with a space", "hidden and confidential"):
        assert result.exit_code == 4, result.stderr
        kenmerk = "99.0007001" if how == "hidden and confidential" else SECRET_KENMERK
        assert f"noemt het kenmerk '{kenmerk}' van het vertrouwelijke" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr


def test_a_zip_of_many_files_is_said_once(tmp_path: Path) -> None:
    """Review: every member past the thousandth was listed, in two lines of 10 kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1005):
            archive.writestr(f"foto/IMG_{number:04}.jpg", b"\xff\xd8")
    content = buffer.getvalue()
    assert kenmerk_leaks_of_an_attachment(tmp_path, "fotos.zip", content) == [
        "de tekst van het bijgevoegde bestand 'fotos.zip (de 5 bestanden na de eerste 1000)' "
        "kon niet gelezen worden, en is dus niet nagezien op kenmerken en titels van "
        "vertrouwelijke dossiers (kijk dat zelf na)"
    ]


# --------------------------------------------------------------------------- leak2's gaps

SECRET_FOLDER = f"dossiers/{WONEN}/mandaat-woningbouwimpuls"
DRAWN = (
    "in de weergave van een aantekening (ook een die alleen afgedrukt of onder de muis te zien is)"
)


# How the gate says to mend a leak of a kenmerk and of a title.
ADVICE = {
    "het kenmerk": "haal die tekst uit de openbare stukken",
    "het onderwerp": "haal die tekst uit de openbare stukken, of maak, als het een gangbare "
    "titel is, het onderwerp van het vertrouwelijke dossier specifieker",
}


def _stamp_look(pdf: pikepdf.Pdf, text: str) -> pikepdf.Stream:
    """An appearance that draws ``text``, as a document system's stamp does (leak2's annexes)."""
    look = pdf.make_stream(
        f"BT /Helv 10 Tf 2 8 Td ({text}) Tj ET".encode(),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 480, 24],
    )
    look.Resources = Dictionary(
        Font=Dictionary(Helv=Dictionary(**_helvetica(), Encoding=Name.WinAnsiEncoding))
    )
    return look


def _stamp(pdf: pikepdf.Pdf, how: str) -> None:
    """Put on the first page a stamp that names the confidential kenmerk and onderwerp only
    as ``how`` says: on paper, under the pointer, clicked, or in a state not shown now."""
    secret = f"Kenmerk {SECRET_KENMERK} {SECRET_SUBJECT}"
    blank = pdf.make_stream(b" ", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 480, 24])
    flags, looks = 4, Dictionary(N=blank)
    if how == "printed only":  # Print and NoView: a document system's print stamp
        flags, looks = 4 | 32, Dictionary(N=_stamp_look(pdf, secret))
    elif how == "rollover":
        looks.R = _stamp_look(pdf, secret)
    elif how == "down":
        looks.D = _stamp_look(pdf, secret)
    elif how == "other state":
        looks.N = Dictionary(Off=blank, On=_stamp_look(pdf, secret))
    else:  # an appearance that does not decode
        broken = pdf.make_stream(b"x\x9c no deflate", Type=Name.XObject, Subtype=Name.Form)
        broken.Filter, broken.BBox = Name.FlateDecode, Array([0, 0, 480, 24])
        flags, looks = 4 | 32, Dictionary(N=broken)
    annot = Dictionary(
        Type=Name.Annot, Subtype=Name.Stamp, Rect=[72, 700, 552, 724], F=flags, AP=looks
    )
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annot)])


@pytest.mark.slow
@pytest.mark.parametrize("how", ["printed only", "rollover", "down", "other state", "unreadable"])
def test_what_an_annotation_draws_only_on_paper_or_under_the_pointer_is_searched(
    project: Project, run_cli: Callable[..., CliResult], how: str
) -> None:
    """Was (leak2 L1): exit 0, the confidential kenmerk on the printed page or under the
    pointer: the gate read what annotations draw only as a reader shows it on screen."""
    annex = (
        project.dossiers / WONEN / "snelfietsroutes" / "bijlage-3-notitie-criteria-prioritering.pdf"
    )
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        _stamp(pdf, how)
        pdf.save(annex)
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    at = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:57: bijlagen[3].bestand: "
    if how == "unreadable":
        assert result.exit_code == 0, result.stderr
        assert (
            f"{at.replace(': bijlagen', ': waarschuwing: bijlagen')}de tekst van de weergave van "
            "een aantekening op pagina 1 kon niet gelezen worden, en is dus niet nagezien op "
            "kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)"
        ) in result.stderr.splitlines()
        return
    assert result.exit_code == 4, result.stderr
    lines = result.stderr.splitlines()
    for what, text in (("het kenmerk", SECRET_KENMERK), ("het onderwerp", SECRET_SUBJECT)):
        assert (
            f"{at}noemt {DRAWN} {what} '{text}' van het vertrouwelijke dossier "
            f"{SECRET_FOLDER}/dossier.yaml ({ADVICE[what]})"
        ) in lines, result.stderr
    assert not (project.build / WONEN / "export").exists()


def _archive_the_secret(project: Project, archive: str) -> str:
    """Move the confidential dossier into a meeting of its own, archived under ``archive``
    (as leak2's L2 did), off the wonen agenda; its folder now."""
    meeting = project.dossiers / archive / "2023-04-14-pfho-ruimte-wonen"
    meeting.mkdir(parents=True)
    shutil.move(project.dossiers / WONEN / "mandaat-woningbouwimpuls", meeting)
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace("  - dossier: mandaat-woningbouwimpuls\n", ""), "utf-8")
    (meeting / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Ruimte en Wonen\ndatum: 2023-04-14\n"
        'aanvang: "09:30"\nlocatie: Regiokantoor, Hilversum\nagenda:\n'
        "  - dossier: mandaat-woningbouwimpuls\n",
        encoding="utf-8",
    )
    dossier = meeting / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("datum: 2023-06-23", "datum: 2023-04-14")
    dossier.write_text(text.replace("datum: 2023-06-08", "datum: 2023-04-01"), "utf-8")
    return f"dossiers/{archive}/2023-04-14-pfho-ruimte-wonen/mandaat-woningbouwimpuls"


def _name_and_copy_the_secret(project: Project, secret: Path) -> None:
    """In the public snelfietsroutes: name the confidential dossier in the toelichting, and
    attach a copy of its annex."""
    folder = project.dossiers / WONEN / "snelfietsroutes"
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    named = f"Zie ook het besluit {SECRET_SUBJECT} ({SECRET_KENMERK})."
    text = text.replace("toelichting: |\n", f"toelichting: |\n  {named}\n\n", 1)
    text += "  - omschrijving: Formulier provincie\n    bestand: bijlage-4-formulier.pdf\n"
    dossier.write_text(text, encoding="utf-8")
    annex = secret / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    shutil.copyfile(annex, folder / "bijlage-4-formulier.pdf")


@pytest.mark.slow
@pytest.mark.parametrize("archive", ["archief", "2022"])
def test_a_confidential_dossier_of_an_archived_meeting_stays_guarded(
    project: Project, run_cli: Callable[..., CliResult], archive: str
) -> None:
    """Was (leak2 L2): once its meeting was archived, a confidential dossier dropped out of
    every check: its kenmerk and onderwerp in a public toelichting and its annex attached to a
    public dossier were published with exit 0 and no warning."""
    secret = _archive_the_secret(project, archive)
    _name_and_copy_the_secret(project, project.root / secret)
    public = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"

    checked = run_cli("check", cwd=project.root)

    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [
        f"{public}:27: waarschuwing: toelichting: noemt het kenmerk '{SECRET_KENMERK}' van "
        f"{secret}/dossier.yaml, dat niet openbaar is: zo komt het in de openbare stukken en "
        "stopt de export (haal het hier weg)",
        f"{public}:27: waarschuwing: toelichting: noemt het onderwerp '{SECRET_SUBJECT}' van "
        f"{secret}/dossier.yaml, dat niet openbaar is: zo komt het in de openbare stukken en "
        "stopt de export (haal het hier weg, of maak, als het een gangbare titel is, het "
        "onderwerp van het vertrouwelijke dossier specifieker)",
        f"{public}:61: waarschuwing: bijlagen[4].bestand: is hetzelfde bestand als bijlage 1 van "
        f"{secret}, dat niet openbaar is: met dit dossier wordt het openbaar (haal het hier weg "
        "als het vertrouwelijk is)",
    ]

    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)

    assert result.exit_code == 4, result.stderr
    lines = result.stderr.splitlines()
    # The build's warnings first: the annex copied is public to the gate (a public dossier
    # attaches it), as when the meeting was not archived; the warning is what says it.
    assert lines[-6:-3] == checked.stderr.splitlines()
    # Each mistake once, at the first file it is in, naming the others (was: once per file).
    assert lines[-3:] == [
        f"build/{WONEN}/05-23.0002131-snelfietsroutes/voorstel.pdf: noemt {what} '{text}' van "
        f"het vertrouwelijke dossier {secret}/dossier.yaml ({ADVICE[what]}); staat ook in "
        f"build/{WONEN}/vergaderbundel.pdf"
        for what, text in (("het kenmerk", SECRET_KENMERK), ("het onderwerp", SECRET_SUBJECT))
    ] + [
        "fout: export gestopt: 2 vertrouwelijke gegevens in de openbare stukken; er is niets "
        "geschreven (geef de stukken die hierboven genoemd worden zo niet door)"
    ]
    assert not (project.build / WONEN / "export").exists()
    assert not (project.dossiers / WONEN / "publicatie.json").exists()


@pytest.mark.slow
def test_an_archived_confidential_annex_is_compared_and_its_facts_kept(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate compares an archived confidential dossier's annexes with the public side (it
    did not: leak2 L2), and reads each once: the next export reads nothing again."""
    secret = project.root / _archive_the_secret(project, "archief")
    read = _count_reads(monkeypatch)
    package_meetings(project, source_date_epoch=1_700_000_000)
    annex = secret / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    assert [path for path in read if path.name == annex.name] == [annex]
    read.clear()
    package_meetings(project, source_date_epoch=1_700_000_000)
    assert read == []


@pytest.mark.filterwarnings("ignore:This document has .* form widget")  # page 1 of a form
def test_an_archived_confidential_annexs_page_in_a_public_annex_is_said_on_a_fresh_copy(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was (revH H3): an archived confidential annex's pages were compared only while
    build/.cache still held the intake's report of it; on a fresh clone, in CI or after
    `rm -rf build`, check said "In orde" and the export published the page (the gate takes a
    page a public source shows for public, so this warning is the only guard)."""
    from assembler import annex, intake

    project = Project(example_project)
    secret = _archive_the_secret(project, "archief")
    folder = project.dossiers / WONEN / "snelfietsroutes"
    # A public page, then page 1 of the archived confidential annex, as a PDF program joins them.
    annex_1 = project.root / secret / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    with (
        pikepdf.new() as joined,
        pikepdf.open(folder / "bijlage-1-kaart-snelfietsroutes.pdf") as own,
        pikepdf.open(annex_1) as theirs,
    ):
        joined.pages.append(own.pages[0])
        joined.pages.append(theirs.pages[0])
        joined.save(folder / "bijlage-4-bijlagen.pdf")
    dossier = folder / "dossier.yaml"
    with dossier.open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Bijlagen\n    bestand: bijlage-4-bijlagen.pdf\n")
    line = len(dossier.read_text(encoding="utf-8").splitlines())
    warning = (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:{line}: waarschuwing: "
        f"bijlagen[4].bestand: heeft dezelfde pagina's als bijlage 1 van {secret}, dat niet "
        "openbaar is: met dit dossier worden die openbaar (haal de bijlage hier weg als ze "
        "vertrouwelijk zijn)"
    )
    assert not project.build.exists()

    checked = run_cli("check", cwd=project.root)

    assert (checked.exit_code, checked.stderr.splitlines()) == (0, [warning])
    # Once per content: the pages found are kept, the next check opens no annex for them.
    inspect = annex.inspect_annexes

    def counted(paths: list[Path], *args: Any, **kwargs: Any) -> list[annex.AnnexReport]:
        assert not [path for path in paths if "archief" in path.parts], paths
        return inspect(paths, *args, **kwargs)

    monkeypatch.setattr(intake, "inspect_annexes", counted)
    monkeypatch.setattr(gate, "pdf_pages", lambda data: pytest.fail("an annex was read"))
    again = run_cli("check", cwd=project.root)
    assert (again.exit_code, again.stderr.splitlines()) == (0, [warning])
    monkeypatch.undo()
    # And after the build folder is gone (a colleague's clone, CI).
    shutil.rmtree(project.build)
    fresh = run_cli("check", cwd=project.root)
    assert (fresh.exit_code, fresh.stderr.splitlines()) == (0, [warning])


def test_an_archived_confidential_annex_the_intake_refuses_is_not_opened_nor_said(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archived annex is opened to compare its pages only once the intake's bounded check
    accepted it: a decompression bomb is skipped in silence (its dossier is not validated)."""
    from tests.hostile_files import decompression_bomb

    project = Project(example_project)
    secret = project.root / _archive_the_secret(project, "archief")
    bomb = decompression_bomb()
    (secret / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf").write_bytes(bomb)
    read: list[bytes] = []
    pages = gate.pdf_pages
    monkeypatch.setattr(gate, "pdf_pages", lambda data: read.append(data) or pages(data))

    checked = run_cli("check", cwd=project.root)

    assert (checked.exit_code, checked.stderr) == (0, ""), checked.stderr
    assert read and bomb not in read


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # Was (leak2 L3): passed check in silence, and the gate then took that onderwerp for
        # public.
        (
            "onderhandelingsmandaat  provinciale bijdrage WONINGBOUWIMPULS",
            [f"is het onderwerp van {SECRET_FOLDER}, dat niet openbaar is"],
        ),
        # Clerk walk: the 'bijlagen:' block copied from the confidential dossier put its
        # annex's description on the public agenda and in the manifest without a word.
        (
            "Aanvraagformulier Woningbouwimpuls (vertrouwelijk)",
            [
                f"is de omschrijving van bijlage 1 van {SECRET_FOLDER}, dat niet openbaar is",
                "zegt 'vertrouwelijk', maar het dossier is openbaar (verspreiden: Ja), dus wordt "
                "deze bijlage gepubliceerd (zet de bijlage in een dossier met verspreiden: Nee, "
                "zet hier verspreiden: Nee, of pas de omschrijving aan)",
            ],
        ),
    ],
    ids=["onderwerp", "bijlage"],
)
def test_a_public_annex_described_as_a_confidential_title_is_warned_about(
    example_project: Path, run_cli: Callable[..., CliResult], typed: str, said: list[str]
) -> None:
    """A public annex described, word for word, as a confidential dossier's long onderwerp or
    one of its annexes: the gate takes those words for public, so check says it."""
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    make_pdf(folder / "bijlage-4-notitie.pdf", [["Notitie bij de snelfietsroutes."]])
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text += f"  - omschrijving: {typed}\n    bestand: bijlage-4-notitie.pdf\n"
    dossier.write_text(text, encoding="utf-8")

    checked = run_cli("check", cwd=example_project)

    assert checked.exit_code == 0, checked.stderr
    mend = (
        ": zo staat het in de openbare stukken, en zoekt de export er nergens meer naar (haal "
        "het hier weg, of geef de bijlage een andere omschrijving)"
    )
    at = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:58: waarschuwing: bijlagen[4].omschrijving"
    assert checked.stderr.splitlines() == [
        f"{at}: {said[0]}{mend}",
        *(f"{at}: {line}" for line in said[1:]),
    ]


@pytest.mark.slow
def test_a_public_annex_described_as_a_confidential_kenmerk_is_no_licence_to_name_it(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was (leak3 L1): a public annex described as '23.0002150', a confidential dossier's
    kenmerk, made the kenmerk public: nothing searched for it any more, so a toelichting naming
    it passed check and the export wrote it into the public voorstel, file names and manifest.
    A kenmerk names one dossier: the public field that is it is the leak, not a shared title."""
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace(
        "  - omschrijving: Notitie criteria prioritering snelfietsroutes",
        f'  - omschrijving: "{SECRET_KENMERK}"',
        1,
    )
    text = text.replace(
        "  De routes staan op de [online",
        f"  Zie ook het mandaat {SECRET_KENMERK}.\n\n  De routes staan op de [online",
        1,
    )
    dossier.write_text(text, encoding="utf-8")
    naming = (
        f"noemt het kenmerk '{SECRET_KENMERK}' van {SECRET_FOLDER}/dossier.yaml, dat niet "
        "openbaar is: zo komt het in de openbare stukken en stopt de export (haal het hier weg)"
    )
    public = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"

    checked = run_cli("check", cwd=project.root)

    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [
        f"{public}:50: waarschuwing: toelichting: {naming}",
        f"{public}:58: waarschuwing: bijlagen[3].omschrijving: {naming}",
    ]
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 4, exported.stderr
    for where in (
        f"build/{WONEN}/05-23.0002131-snelfietsroutes/voorstel.pdf",
        f"build/{WONEN}/vergaderbundel.pdf",
        f"de bestandsnamen van de openbare kant van {WONEN}",
    ):
        assert _said_at(
            exported.stderr,
            where,
            f"noemt het kenmerk '{SECRET_KENMERK}' van het vertrouwelijke dossier "
            f"{SECRET_FOLDER}/dossier.yaml",
        ), where
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_a_withdrawn_confidential_dossier_stays_secret_as_its_meetings_export_kept_it(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was (leak3 L3): a confidential item withdrawn as the README says (its folder moved out
    of dossiers/) was forgotten by check and the gate, so the next export let a public text
    name its kenmerk and onderwerp. Its meeting's publicatie.json keeps them; a withdrawn
    public dossier (on both sides of the export) stays as public as it was."""
    first = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert first.exit_code == 0, first.stderr
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    for folder in ("mandaat-woningbouwimpuls", "memo-huisvestingsverordening"):
        shutil.move(project.dossiers / WONEN / folder, project.root / folder)
        text = text.replace(f"  - dossier: {folder}\n", "")
    agenda.write_text(text, encoding="utf-8")
    withdrawn = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert withdrawn.exit_code == 0, withdrawn.stderr
    assert " noemt " not in withdrawn.stderr

    public = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = public.read_text(encoding="utf-8")
    text = text.replace(
        "  De routes staan op de [online",
        f"  Zie het mandaat {SECRET_KENMERK} ({SECRET_SUBJECT}) en memo 23.0002142.\n\n"
        "  De routes staan op de [online",
        1,
    )
    public.write_text(text, encoding="utf-8")
    secret = (
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls (ingetrokken, zie "
        f"dossiers/{WONEN}/publicatie.json)"
    )
    warning = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:50: waarschuwing: toelichting: "

    checked = run_cli("check", cwd=project.root)

    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [
        f"{warning}noemt het kenmerk '{SECRET_KENMERK}' van {secret}, dat niet openbaar is: zo "
        "komt het in de openbare stukken en stopt de export (haal het hier weg)",
        # Not "of maak … het onderwerp van het vertrouwelijke dossier specifieker": its
        # dossier.yaml is gone (guide walk G).
        f"{warning}noemt het onderwerp '{SECRET_SUBJECT}' van {secret}, dat niet openbaar is: "
        "zo komt het in de openbare stukken en stopt de export (haal het hier weg)",
    ]
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 4, exported.stderr
    assert _said_at(
        exported.stderr,
        f"build/{WONEN}/vergaderbundel.pdf",
        f"noemt het kenmerk '{SECRET_KENMERK}' van het vertrouwelijke dossier {secret} (haal "
        "die tekst uit de openbare stukken)",
    )
    assert "23.0002142" not in exported.stderr


def _published_confidential(meeting: Path, folder: str, kenmerk: str, title: str) -> None:
    """Add to ``meeting``'s publicatie.json the confidential side's record of a voorstel."""
    store = meeting / "publicatie.json"
    data = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {"documenten": {}}
    key = f"niet-openbaar:{folder}/voorstel"
    while key in data["documenten"]:
        key += "@0"  # a record set aside for a new dossier in the folder
    data["documenten"][key] = {
        "bestandsnaam": f"07_{kenmerk}_voorstel_{folder}.pdf",
        "titel": title,
        "status": "ingetrokken",
    }
    store.write_text(json.dumps(data), encoding="utf-8")


_OLD_KENMERK = "23.0002099"
_OLD_TITLE = "Onderhandelingsmandaat grondaankoop Crailo tweede fase"


def _naming_the_old_secret(project: Path) -> str:
    """Name the withdrawn dossier's kenmerk in the public werklocaties; the warning's start."""
    dossier = project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("### Beknopte toelichting", f"Zie {_OLD_KENMERK}.", 1))
    return (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:46: waarschuwing: toelichting: noemt "
        f"het kenmerk '{_OLD_KENMERK}' van "
    )


def test_a_withdrawn_confidential_dossier_stays_guarded_once_its_meeting_is_archived(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Review of leak3 L3 (R1): archiving the meeting dropped its withdrawn dossiers' guard."""
    _published_confidential(example_project / "dossiers" / WONEN, "oud", _OLD_KENMERK, _OLD_TITLE)
    archive = example_project / "dossiers" / "archief"
    archive.mkdir()
    (example_project / "dossiers" / WONEN).rename(archive / WONEN)
    said = _naming_the_old_secret(example_project)

    checked = run_cli("check", cwd=example_project)

    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.startswith(
        f"{said}dossiers/archief/{WONEN}/oud (ingetrokken, zie "
        f"dossiers/archief/{WONEN}/publicatie.json), dat niet openbaar is"
    ), checked.stderr


def test_each_dossier_a_folder_held_is_guarded_and_a_corrected_kenmerk_is_no_withdrawal(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Review of leak3 L3 (R2, R6): a new dossier in a withdrawn one's folder hid the first's
    kenmerk; a dossier still there, its kenmerk corrected since, was said twice, once as
    withdrawn."""
    wonen = example_project / "dossiers" / WONEN
    _published_confidential(wonen, "mandaat-woningbouwimpuls", "23.0002149", SECRET_SUBJECT)
    _published_confidential(wonen, "mandaat-woningbouwimpuls", _OLD_KENMERK, _OLD_TITLE)
    said = _naming_the_old_secret(example_project)
    public = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = public.read_text(encoding="utf-8")
    public.write_text(
        text.replace(f"Zie {_OLD_KENMERK}.", f"Zie {_OLD_KENMERK} en het {SECRET_SUBJECT}.", 1),
        encoding="utf-8",
    )

    checked = run_cli("check", cwd=example_project)

    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [
        f"{said}{SECRET_FOLDER} (ingetrokken, zie dossiers/{WONEN}/publicatie.json), dat niet "
        "openbaar is: zo komt het in de openbare stukken en stopt de export (haal het hier weg)",
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:46: waarschuwing: toelichting: noemt "
        f"het onderwerp '{SECRET_SUBJECT}' van {SECRET_FOLDER}/dossier.yaml, dat niet openbaar "
        "is: zo komt het in de openbare stukken en stopt de export (haal het hier weg, of maak, "
        "als het een gangbare titel is, het onderwerp van het vertrouwelijke dossier "
        "specifieker)",
    ]


def test_a_short_confidential_onderwerp_a_public_title_shares_is_no_warning(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """A common short title ("Begroting 2025") may well be both dossiers': not warned about."""
    secret = example_project / SECRET_FOLDER / "dossier.yaml"
    text = secret.read_text(encoding="utf-8")
    secret.write_text(text.replace(f"onderwerp: {SECRET_SUBJECT}", "onderwerp: Begroting 2025"))
    public = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = public.read_text(encoding="utf-8")
    public.write_text(re.sub(r"(?m)^onderwerp: .*$", "onderwerp: Begroting 2025", text))

    checked = run_cli("check", cwd=example_project)

    assert (checked.exit_code, checked.stderr) == (0, ""), checked.stderr


def _note_on_page_1(path: Path, note: str) -> None:
    """A sticky note saying ``note`` on page 1 of the PDF at ``path``."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        text = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Text,
            Rect=Array([72, 720, 92, 740]),
            Contents=String(note),
            T=String("j.jansen"),
        )
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(text)])
        pdf.save(path)


def _naming_a_secret(folder: str, line: int, annex: str, where: str, what: str) -> str:
    text = SECRET_KENMERK if what == "het kenmerk" else SECRET_SUBJECT
    advice = "haal die tekst uit de bijlage" + (
        ""
        if what == "het kenmerk"
        else ", of maak, als het een gangbare titel is, het onderwerp van het vertrouwelijke "
        "dossier specifieker"
    )
    return (
        f"dossiers/{WONEN}/{folder}/dossier.yaml:{line}: waarschuwing: bijlagen[1].bestand: "
        f"'{annex}' noemt {where}{what} '{text}' van het vertrouwelijke dossier "
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml: zo komt het in de openbare "
        f"stukken en stopt de export ({advice})"
    )


@pytest.mark.slow
def test_a_confidential_kenmerk_or_title_in_a_public_annex_is_said_by_check_and_build(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review W4: a public annex whose note names the confidential dossier's kenmerk, or whose
    page shows its onderwerp, passed `check` and `build` without a word, and the public
    vergaderbundel.pdf stayed in build/: only the export's gate said it."""
    routes = project.dossiers / WONEN / "snelfietsroutes" / "bijlage-1-kaart-snelfietsroutes.pdf"
    _note_on_page_1(routes, f"Zie ook {SECRET_KENMERK}, niet delen")
    deals = "bijlage-1-regionale-woningbouwafspraken-2023-2030.pdf"
    make_pdf(project.dossiers / WONEN / "woningbouwafspraken" / deals, [["Zie", SECRET_SUBJECT]])
    said = [
        _naming_a_secret(
            "snelfietsroutes",
            53,
            "bijlage-1-kaart-snelfietsroutes.pdf",
            f"{ANNOTATIONS} ",
            "het kenmerk",
        ),
        _naming_a_secret("woningbouwafspraken", 60, deals, "", "het onderwerp"),
    ]
    checked = run_cli("check", cwd=project.root)
    assert checked.exit_code == 0, checked.stderr
    assert [line for line in checked.stderr.splitlines() if " noemt " in line] == said
    built = run_cli("build", cwd=project.root)
    assert built.exit_code == 0, built.stderr
    assert [line for line in built.stderr.splitlines() if " noemt " in line] == said
    # The export still stops, and reads neither annex again: the intake kept their text.
    read = _count_reads(monkeypatch)
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 4, exported.stderr
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:53: bijlagen[1].bestand: noemt "
        f"{ANNOTATIONS} het kenmerk '{SECRET_KENMERK}'"
    ) in exported.stderr
    assert f"dossiers/{WONEN}/woningbouwafspraken/dossier.yaml:60: bijlagen[1].bestand: noemt" in (
        exported.stderr
    )
    assert not {path.name for path in read} & {routes.name, deals}
    assert not (project.build / WONEN / "export").exists()


def test_a_public_annex_whose_text_was_not_kept_is_read_once_its_check_is_kept(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The intake's report kept, its text not (removed, or made by an older pypdf): the
    warning still comes, from the text read then, and kept for the next run."""
    routes = example_project / "dossiers" / WONEN / "snelfietsroutes"
    _note_on_page_1(routes / "bijlage-1-kaart-snelfietsroutes.pdf", f"Zie {SECRET_KENMERK}")
    said = _naming_a_secret(
        "snelfietsroutes",
        53,
        "bijlage-1-kaart-snelfietsroutes.pdf",
        f"{ANNOTATIONS} ",
        "het kenmerk",
    )
    first = run_cli("check", cwd=example_project)
    kept = example_project / "build" / ".cache" / "bijlagetekst"
    assert said in first.stderr.splitlines()
    texts = sorted(path.name for path in kept.glob("*.json"))
    shutil.rmtree(kept)
    (example_project / "build" / ".cache" / NAMED_FILE).unlink()
    again = run_cli("check", cwd=example_project)
    assert said in again.stderr.splitlines()
    assert sorted(path.name for path in kept.glob("*.json")) == texts


def _kept_texts_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The digests of the annexes whose kept text is read from now on, as it is read."""
    read: list[str] = []
    kept_facts = annex_text.kept_annex_facts

    def counted(cache: Path, digest: str, version: str) -> annex_text.PdfFacts | None:
        read.append(digest)
        return kept_facts(cache, digest, version)

    monkeypatch.setattr(annex_text, "kept_annex_facts", counted)
    return read


def test_a_run_in_which_nothing_changed_searches_no_annex_text_again(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What each public annex's text names is kept with the terms searched: a second run
    reads no kept text and says the same; a confidential title changed is searched anew."""
    routes = example_project / "dossiers" / WONEN / "snelfietsroutes"
    _note_on_page_1(routes / "bijlage-1-kaart-snelfietsroutes.pdf", f"Zie {SECRET_KENMERK}")
    deals = "bijlage-1-regionale-woningbouwafspraken-2023-2030.pdf"
    renamed = "Onderhandelingsmandaat Woningbouwimpuls regio 2024"
    make_pdf(example_project / "dossiers" / WONEN / "woningbouwafspraken" / deals, [[renamed]])
    kenmerk = _naming_a_secret(
        "snelfietsroutes",
        53,
        "bijlage-1-kaart-snelfietsroutes.pdf",
        f"{ANNOTATIONS} ",
        "het kenmerk",
    )
    subject = _naming_a_secret("woningbouwafspraken", 60, deals, "", "het onderwerp")
    first = run_cli("build", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    assert [line for line in first.stderr.splitlines() if " noemt " in line] == [kenmerk]

    read = _kept_texts_read(monkeypatch)
    again = run_cli("build", cwd=example_project)
    assert [line for line in again.stderr.splitlines() if " noemt " in line] == [kenmerk]
    assert read == []

    # The confidential onderwerp renamed as the public annex shows it: searched anew, found.
    secret = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = secret.read_text(encoding="utf-8")
    secret.write_text(text.replace(SECRET_SUBJECT, renamed, 1), "utf-8")
    changed = run_cli("check", cwd=example_project)
    said = [line for line in changed.stderr.splitlines() if " noemt " in line]
    assert said == [kenmerk, subject.replace(SECRET_SUBJECT, renamed)]
    assert read != []

    # Damaged answers (a term no longer in the list, a file cut short): searched anew.
    store = example_project / "build" / ".cache" / NAMED_FILE
    kept = json.loads(store.read_text(encoding="utf-8"))
    kept["named"] = {key: [["", -1]] for key in kept["named"]}
    store.write_text(json.dumps(kept), encoding="utf-8")
    damaged = run_cli("check", cwd=example_project)
    assert [line for line in damaged.stderr.splitlines() if " noemt " in line] == said
    kept["named"] = {key: [["", True]] for key in kept["named"]}
    store.write_text(json.dumps(kept), encoding="utf-8")
    damaged = run_cli("check", cwd=example_project)
    assert [line for line in damaged.stderr.splitlines() if " noemt " in line] == said
    kept["named"] = {key: [[None, 0]] for key in kept["named"]}
    store.write_text(json.dumps(kept), encoding="utf-8")
    damaged = run_cli("check", cwd=example_project)
    assert [line for line in damaged.stderr.splitlines() if " noemt " in line] == said
    kept["named"] = {key: [["", 999]] for key in kept["named"]}
    store.write_text(json.dumps(kept), encoding="utf-8")
    damaged = run_cli("check", cwd=example_project)
    assert [line for line in damaged.stderr.splitlines() if " noemt " in line] == said
    store.write_text('{"version": ', encoding="utf-8")
    cut = run_cli("check", cwd=example_project)
    assert [line for line in cut.stderr.splitlines() if " noemt " in line] == said


@pytest.mark.parametrize(
    ("selected", "annex"),
    [
        (
            f"dossiers/{ECONOMIE}",
            "werklocaties/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf",
        ),
        (
            f"dossiers/{WONEN}/woningbouwafspraken",
            "bijlage-1-regionale-woningbouwafspraken-2023-2030.pdf",
        ),
    ],
)
def test_a_check_of_one_meeting_keeps_what_the_other_meetings_annexes_name(
    example_project: Path,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    selected: str,
    annex: str,
) -> None:
    """A clerk's check of one meeting (or one dossier) between two builds of all of them: the
    second build still reads no annex text, and still says what the other annexes name."""
    routes = example_project / "dossiers" / WONEN / "snelfietsroutes"
    _note_on_page_1(routes / "bijlage-1-kaart-snelfietsroutes.pdf", f"Zie {SECRET_KENMERK}")
    kenmerk = _naming_a_secret(
        "snelfietsroutes",
        53,
        "bijlage-1-kaart-snelfietsroutes.pdf",
        f"{ANNOTATIONS} ",
        "het kenmerk",
    )
    first = run_cli("build", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    assert [line for line in first.stderr.splitlines() if " noemt " in line] == [kenmerk]
    # An annex of what is checked replaced, so that the check has an answer of its own to keep.
    make_pdf(example_project / selected / annex, [["Een nieuwe versie van de bijlage."]])
    one = run_cli("check", selected, cwd=example_project)
    assert one.exit_code == 0, one.stderr
    assert [line for line in one.stderr.splitlines() if " noemt " in line] == []

    read = _kept_texts_read(monkeypatch)
    again = run_cli("build", cwd=example_project)
    assert again.exit_code == 0, again.stderr
    assert [line for line in again.stderr.splitlines() if " noemt " in line] == [kenmerk]
    assert read == []


def test_poppler_is_asked_its_version_once_per_installed_pdftotext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept texts' key holds pdftotext's version: a build that changed nothing starts no
    process to ask it again; another pdftotext (an upgrade) is asked anew."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    asked: list[list[str]] = []
    run = subprocess.run

    def counted(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        asked.append(command)
        return run(command, **options)  # type: ignore[no-any-return]

    monkeypatch.setattr(subprocess, "run", counted)
    annex_text._poppler.cache_clear()
    first = annex_text._poppler()
    assert first.startswith("pdftotext version ")
    annex_text._poppler.cache_clear()
    assert annex_text._poppler() == first
    assert len(asked) == 1

    fake = tmp_path / "bin" / "pdftotext"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pdftotext version 99.1.0' >&2\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    annex_text._poppler.cache_clear()
    assert annex_text._poppler() == "pdftotext version 99.1.0\n"
    assert len(asked) == 2

    # One that fails (a library missing) is asked again at every run: what it says is no
    # version, and its reading must not be kept as a working one's once it is mended.
    broken = "pdftotext: error while loading shared libraries: libpoppler.so.126"
    fake.write_text(f"#!/bin/sh\necho '{broken}' >&2\nexit 127\n", encoding="utf-8")
    for _run in range(2):
        annex_text._poppler.cache_clear()
        assert annex_text._poppler() == f"{broken}\n"
    assert len(asked) == 4
    annex_text._poppler.cache_clear()

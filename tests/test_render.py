"""Rendering the Word templates: seed fidelity, literal values, broken templates, metadata."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import nsmap, qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from assembler.dates import dutch_date, short_date
from assembler.errors import Problem, TemplateError, UsageError
from assembler.model import DOCUMENT_KINDS, Organisatie
from assembler.project import Project
from assembler.render import (
    DocumentProperties,
    Image,
    Markdown,
    build_context,
    document_properties,
    organisation_context,
    render_document,
)
from assembler.validate import load_dossier
from tests.conftest import ECONOMIE, SEED_TEXT, CliResult, copy_example

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
VOORSTEL = TEMPLATES / "voorstel.docx"
MEMO = TEMPLATES / "memo.docx"
KINDS = sorted(DOCUMENT_KINDS)  # every document kind has its template in templates/
SEED_DOSSIER = REPO / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
LOGO = REPO / "dossiers" / "huisstijl" / "logo.png"

PROPERTIES = DocumentProperties(
    title="Aanpak actieplan Werklocaties",
    subject="Voorstel Regio Gooi en Vechtstreek",
    keywords="23.0001772",
    date=dt.date(2023, 4, 11),
    author="Regio Gooi en Vechtstreek",
)


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def voorstel_context(**changes: Any) -> dict[str, Any]:
    """A complete voorstel context as build_context produces it."""
    context: dict[str, Any] = {
        "sjabloon": "voorstel",
        "organisatie": {"naam": "Regio Gooi en Vechtstreek", "logo": None},
        "niet_openbaar": False,
        "onderwerp": "Aanpak actieplan Werklocaties",
        "verspreiden": "Ja",
        "portefeuillehouder": None,
        "contactpersoon": "Anouk Pols",
        "eenheid": "Beleid en bestuur",
        "email": "a.pols@regiogv.nl",
        "kenmerk": "23.0001772",
        "datum": "11 april 2023",
        "voorstel": ["Instemmen met bijgaand voorstel"],
        "behandeling": [
            {"datum": "12-11-21", "overleg": "Pho", "doel": "Vaststellen", "conclusie": "Ja"}
        ],
        "toelichting": Markdown("### Beknopte toelichting\n\nTekst."),
        "bijlagen": [{"nummer": 1, "omschrijving": "Voorstel"}],
    }
    context.update(changes)
    return context


def memo_context(**changes: Any) -> dict[str, Any]:
    """A complete memo context."""
    context: dict[str, Any] = {
        "sjabloon": "memo",
        "organisatie": {"naam": "Regio Gooi en Vechtstreek", "logo": None},
        "niet_openbaar": False,
        "aan": "Portefeuillehouders Economie",
        "van": "Anouk Pols",
        "datum": "11 april 2023",
        "onderwerp": "Stand van zaken werklocaties",
        "kenmerk": "23.0001800",
        "verspreiden": "Ja",
        "tekst": Markdown("Beste portefeuillehouders,\n\n- punt een\n- punt twee"),
        "bijlagen": [],
    }
    context.update(changes)
    return context


def body_blocks(document: Any) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables of the body, in reading order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def body_lines(path: Path) -> list[str]:
    """The body text the way the seed is written: a line per paragraph, a row per line."""
    document = Document(str(path))
    lines: list[str] = []
    for block in body_blocks(document):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            for row in block.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return normalise(lines)


def normalise(lines: list[str]) -> list[str]:
    """Whitespace aside: collapse runs of white space, drop empty lines."""
    return [" ".join(line.split()) for line in lines if line.strip()]


def all_text(path: Path) -> str:
    """Every w:t and w:br of the document body, headers and footers, as one string."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                for element in root.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
                    if element.tag == qn("w:t"):
                        texts.append(element.text or "")
                    elif element.tag == qn("w:br"):
                        texts.append("\n")
                    else:
                        texts.append("\t")
                texts.append("\n")
    return "".join(texts)


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def render(tmp_path: Path, context: dict[str, Any], template: Path = VOORSTEL) -> Path:
    return render_document(template, context, tmp_path / "out.docx", PROPERTIES)


# --------------------------------------------------------------------------- seed


def seed_document() -> tuple[Any, Organisatie, Project]:
    project = Project(REPO)
    problems: list[Problem] = []
    dossier = load_dossier(project, SEED_DOSSIER, {}, problems)
    assert dossier is not None, problems
    return dossier.document, Organisatie.model_validate({"logo": "huisstijl/logo.png"}), project


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed text lives in ../shared")
def test_seed_fidelity(tmp_path: Path) -> None:
    document, organisation, project = seed_document()
    context = build_context(document, organisation, project.root)
    out = render_document(
        VOORSTEL,
        context,
        tmp_path / "voorstel.docx",
        document_properties(document, organisation, "Portefeuillehoudersoverleg Economie"),
    )
    expected = normalise(SEED_TEXT.read_text(encoding="utf-8").splitlines())
    assert body_lines(out) == expected


def test_seed_header_footer_and_properties(tmp_path: Path) -> None:
    document, organisation, project = seed_document()
    context = build_context(document, organisation, project.root)
    out = render_document(
        VOORSTEL,
        context,
        tmp_path / "voorstel.docx",
        document_properties(document, organisation, "Portefeuillehoudersoverleg Economie"),
    )
    word = Document(str(out))
    header = word.sections[0].header
    header_text = "\n".join(p.text for p in header.paragraphs)
    assert "Regio Gooi en Vechtstreek" in header_text
    assert "NIET OPENBAAR" not in header_text
    assert header.part.element.xpath(".//pic:pic")
    with zipfile.ZipFile(out) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    footer = word.sections[0].footer
    footer_xml = footer.part.element.xml
    assert "Kenmerk 23.0001772" in footer.paragraphs[0].text
    instructions = [t.strip() for t in footer.part.element.xpath(".//w:instrText/text()")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Pagina" in footer_xml
    core = word.core_properties
    assert core.title == "Aanpak actieplan Werklocaties"
    assert core.keywords == "23.0001772"
    assert core.subject == "Voorstel Portefeuillehoudersoverleg Economie"
    assert core.language == "nl-NL"
    assert core.created == dt.datetime(2023, 4, 11, tzinfo=dt.UTC)


def test_build_context_prints_dates_and_rows_like_the_seed() -> None:
    document, organisation, project = seed_document()
    context = build_context(document, organisation, project.root)
    assert context["datum"] == "11 april 2023"
    assert context["verspreiden"] == "Ja"
    assert context["niet_openbaar"] is False
    assert context["kenmerk"] == "23.0001772"
    assert [row["datum"] for row in context["behandeling"]][:2] == ["12-11-21", "16-09-22"]
    assert context["behandeling"][-1]["datum"] == "Datum"
    assert context["bijlagen"][2] == {
        "nummer": 3,
        "omschrijving": "Advies Ruimte voor werk – nieuw instrumentarium (juli 2022)",
    }
    assert isinstance(context["toelichting"], Markdown)
    assert context["organisatie"]["naam"] == "Regio Gooi en Vechtstreek"
    assert isinstance(context["organisatie"]["logo"], Image)
    assert context["voorstel"] == ["Instemmen met bijgaand voorstel aanpak actieplan Werklocaties"]


def test_missing_logo_is_a_configuration_error() -> None:
    document, _organisation, project = seed_document()
    organisation = Organisatie.model_validate({"logo": "huisstijl/bestaat-niet.png"})
    with pytest.raises(UsageError, match=r"bestaat-niet\.png"):
        build_context(document, organisation, project.root)


def test_dutch_dates() -> None:
    assert dutch_date(dt.date(2023, 4, 11)) == "11 april 2023"
    assert dutch_date(dt.date(2023, 3, 1)) == "1 maart 2023"
    assert short_date(dt.date(2021, 11, 12)) == "12-11-21"
    assert short_date(dt.date(2023, 1, 5)) == "05-01-23"


def test_confidential_document_is_marked_in_the_header(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context(niet_openbaar=True, verspreiden="Nee"))
    header = Document(str(out)).sections[0].header
    assert "NIET OPENBAAR" in "\n".join(p.text for p in header.paragraphs)


def test_no_logo_leaves_no_empty_picture(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context())
    header = Document(str(out)).sections[0].header
    assert not header.part.element.xpath(".//w:drawing")


# --------------------------------------------------------------------------- literal values

NASTY = [
    "A & B <c> \"d\" 'e'",
    "{{ 7*7 }}",
    "{% if true %}ja{% endif %}",
    "{#commentaar#} {%p endfor %} }}",
    "emoji 🙂 👩🏽‍💼 en RTL: مرحبا שלום",
    "Zoë, e\u0301, Å\u030a, ǅ",
    "regel een\nregel twee",
]


@pytest.mark.parametrize("value", NASTY)
def test_special_characters_in_every_field_come_out_literally(tmp_path: Path, value: str) -> None:
    row = {"datum": value, "overleg": value, "doel": value, "conclusie": value}
    context = voorstel_context(
        organisatie={"naam": value, "logo": None},
        onderwerp=value,
        verspreiden=value,
        contactpersoon=value,
        eenheid=value,
        email=value,
        kenmerk=value,
        datum=value,
        voorstel=[value, value],
        behandeling=[row, row],
        toelichting=Markdown(value),
        bijlagen=[{"nummer": 1, "omschrijving": value}],
    )
    out = render_document(
        VOORSTEL,
        context,
        tmp_path / "out.docx",
        DocumentProperties(title=value, subject=value, keywords=value, date=dt.date(2023, 4, 11)),
    )
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                etree.fromstring(archive.read(name))  # every part is well-formed XML
    text = all_text(out)
    # 7 Algemeen values, 2 voorstel rows, 8 behandeling cells, 1 bijlage, header naam,
    # footer kenmerk: 20; the toelichting makes 21, except that Markdown turns a single
    # newline into a space, as it should.
    if "\n" in value:
        assert text.count(value) == 20
        assert value.replace("\n", " ") in text
    else:
        assert text.count(value) == 21
    assert "49" not in text
    assert Document(str(out)).core_properties.title == value


@pytest.mark.parametrize("autoescape", [True, False])
def test_an_optional_field_left_out_prints_nothing_not_none(autoescape: bool) -> None:
    """A new optional field printed in a table cell without an 'if' gave the word 'None'."""
    from assembler.render import _environment

    template = _environment(autoescape=autoescape).from_string("[{{ besluitnummer }}]")
    assert template.render(besluitnummer=None) == "[]"
    assert template.render(besluitnummer="B-12") == "[B-12]"


def test_properties_are_not_escaped_twice(tmp_path: Path) -> None:
    properties = DocumentProperties(
        title="Wonen & Werken <2023>",
        subject="Voorstel",
        keywords="23.0001772",
        date=dt.date(2023, 4, 11),
    )
    out = render_document(VOORSTEL, voorstel_context(), tmp_path / "out.docx", properties)
    core_xml = part_xml(out, "docProps/core.xml")
    assert "<dc:title>Wonen &amp; Werken &lt;2023&gt;</dc:title>" in core_xml
    assert "&amp;amp;" not in core_xml
    assert Document(str(out)).core_properties.title == "Wonen & Werken <2023>"


def test_many_rows(tmp_path: Path) -> None:
    rows = [
        {"datum": "Datum", "overleg": f"Overleg {i}", "doel": "Bespreken", "conclusie": f"C{i}"}
        for i in range(1, 101)
    ]
    context = voorstel_context(voorstel=[f"Besluit {i}" for i in range(1, 41)], behandeling=rows)
    out = render(tmp_path, context)
    tables = Document(str(out)).tables
    voorstel_table, behandeling_table = tables[1], tables[2]
    assert len(voorstel_table.rows) == 41
    assert voorstel_table.rows[40].cells[0].text == "Voorstel 40."
    assert voorstel_table.rows[40].cells[1].text == "Besluit 40"
    assert len(behandeling_table.rows) == 101
    assert behandeling_table.rows[100].cells[1].text == "Overleg 100"


def test_without_bijlagen_the_section_says_so(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context(bijlagen=[]))
    lines = body_lines(out)
    assert lines[-2:] == ["Bijlage(n)", "Geen bijlagen."]


def test_memo_renders(tmp_path: Path) -> None:
    out = render(tmp_path, memo_context(), template=MEMO)
    lines = body_lines(out)
    assert lines[:7] == [
        "Memo",
        "Aan Portefeuillehouders Economie",
        "Van Anouk Pols",
        "Datum 11 april 2023",
        "Onderwerp Stand van zaken werklocaties",
        "Kenmerk 23.0001800",
        "Verspreiden Ja",
    ]
    assert lines[7:] == ["Beste portefeuillehouders,", "punt een", "punt twee"]
    with_annexes = render_document(
        MEMO,
        memo_context(bijlagen=[{"nummer": 1, "omschrijving": "Kaart"}]),
        tmp_path / "memo2.docx",
        PROPERTIES,
    )
    assert body_lines(with_annexes)[-3:] == [
        "Bijlage(n)",
        "Nummer Omschrijving",
        "Bijlage 1. Kaart",
    ]


# --------------------------------------------------------------------------- broken templates


def edited_template(tmp_path: Path, text: str, *, where: str = "body") -> Path:
    """A copy of the voorstel template with ``text`` added as a paragraph."""
    document = Document(str(VOORSTEL))
    if where == "body":
        document.add_paragraph(text)
    else:
        document.sections[0].footer.add_paragraph(text)
    path = tmp_path / "kapot.docx"
    document.save(str(path))
    return path


def test_jinja_syntax_error_names_template_and_snippet(tmp_path: Path) -> None:
    template = edited_template(tmp_path, "Let op: {% if onderwerp %} zonder einde")
    with pytest.raises(TemplateError) as caught:
        render_document(
            template,
            voorstel_context(),
            tmp_path / "out.docx",
            PROPERTIES,
            label="templates/x.docx",
        )
    assert caught.value.exit_code == 2
    assert caught.value.message == (
        "templates/x.docx: fout in de sjablooncode bij 'Let op: {% if onderwerp %} zonder einde': "
        "het sjabloon houdt op terwijl {% if %} nog open staat (sluit het af zoals het begint: "
        "met {% endif %} in dezelfde alinea, {%p endif %} op een eigen regel of {%tr endif %} in "
        "een tabelrij)"
    )
    assert not (tmp_path / "out.docx").exists()


def test_a_block_closed_in_another_paragraph_is_refused_not_cut_short(tmp_path: Path) -> None:
    """docxtpl reads broken markup leniently: a voorstel stopped after a table row, without
    header or footer, and was built with exit 0."""
    with zipfile.ZipFile(VOORSTEL) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    assert "{%tr endfor %}" in body
    parts["word/document.xml"] = body.replace("{%tr endfor %}", "{% endfor %}", 1).encode()
    template = tmp_path / "kapot.docx"
    with zipfile.ZipFile(template, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    decisions = ["Instemmen", "Bespreken", "Vaststellen"]  # one row would close what it opened
    with pytest.raises(TemplateError) as caught:
        render_document(
            template, voorstel_context(voorstel=decisions), tmp_path / "out.docx", PROPERTIES
        )
    assert caught.value.message.startswith(
        f"{template}: het ingevulde sjabloon valt uit elkaar in word/document.xml: een "
        "{% for %} of {% if %} opent in de ene alinea of tabelrij en sluit in een andere"
    )
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (
            "{{ onderwerp + 1 }}",
            "de code rekent met waarden die niet samengaan, zoals tekst en een getal",
        ),
        ("{{ 1 / 0 }}", "de code deelt door nul"),
        ("{{ '%d' % onderwerp }}", "de code vult een waarde in een opmaak in die er niet bij past"),
        ("{{ range(10000000)|list|length }}", "de code maakt een te lange reeks (range)"),
        (
            "{{ onderwerp|truncate(2) }}",
            "een filter in de code krijgt een waarde die het niet aanneemt",
        ),
        (  # template maintainer walk: was "kan voor deze waarden niet worden uitgevoerd"
            '{{ behandeling|map(attribute="datum")|last }}',
            "|last kan niet direct na |map, |select of |reject: zet er |list voor",
        ),
    ],
)
def test_a_code_that_fails_as_it_runs_is_said_not_a_traceback(
    tmp_path: Path, code: str, said: str
) -> None:
    """{{ datum + 1 }} passed the template check and ended the build in a traceback."""
    template = edited_template(tmp_path, f"Let op: {code}", where="footer")
    with pytest.raises(TemplateError) as caught:
        render_document(
            template, voorstel_context(), tmp_path / "out.docx", PROPERTIES, source="d.yaml"
        )
    assert caught.value.message == (
        f"{template}: in de voettekst: {code}: {said}, bij het invullen van d.yaml (verbeter de "
        "code of haal hem weg)"
    )
    assert not (tmp_path / "out.docx").exists()


def test_attr_of_a_row_is_said_to_read_no_field_at_its_own_code(tmp_path: Path) -> None:
    """Template maintainer walk: '{{ behandeling|last|attr("datum") }}' was said as a field
    'datum' that does not exist, quoting the correct '{{ datum }}' beside it."""
    template = edited_template(
        tmp_path, 'Op {{ datum }}, laatst {{ behandeling|last|attr("datum") }}'
    )
    with pytest.raises(TemplateError) as caught:
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)
    assert caught.value.message == (
        f'{template}: \'{{{{ behandeling|last|attr("datum") }}}}\': |attr("datum") leest geen '
        "veld (schrijf .datum, zoals {{ rij.datum }}, of haal de code weg)"
    )


def test_unclosed_tag_in_footer(tmp_path: Path) -> None:
    template = edited_template(tmp_path, "Versie {{ onderwerp", where="footer")
    with pytest.raises(TemplateError, match=r"kapot\.docx"):
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)


def test_unknown_variable_names_the_tag(tmp_path: Path) -> None:
    template = edited_template(tmp_path, "Portefeuille: {{ portefeuilehouder }}")
    with pytest.raises(TemplateError) as caught:
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)
    assert "portefeuilehouder" in caught.value.message
    assert "{{ portefeuilehouder }}" in caught.value.message


def test_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    template = edited_template(tmp_path, "{{ onderwerp.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)


def test_tag_left_after_rendering_is_an_error(tmp_path: Path) -> None:
    template = edited_template(tmp_path, "{% raw %}{{ onderwerp }}{% endraw %}")
    with pytest.raises(TemplateError, match="niet is verwerkt"):
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)


def test_tag_in_a_part_docxtpl_does_not_render(tmp_path: Path) -> None:
    source = VOORSTEL.read_bytes()
    template = tmp_path / "app.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "docProps/app.xml":
                # Not in <Company>: the template's company is emptied (see below).
                data = re.sub(
                    rb"<Application>[^<]*</Application>",
                    b"<Application>{{ organisatie.naam }}</Application>",
                    data,
                )
            new.writestr(info, data)
    template.write_bytes(out.getvalue())
    with pytest.raises(TemplateError, match=r"docProps/app\.xml"):
        render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)


def test_not_a_docx(tmp_path: Path) -> None:
    text_file = tmp_path / "tekst.docx"
    text_file.write_text("dit is geen Word-document", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"tekst\.docx: is geen Word-document"):
        render_document(text_file, voorstel_context(), tmp_path / "out.docx", PROPERTIES)
    zip_file = tmp_path / "zip.docx"
    with zipfile.ZipFile(zip_file, "w") as archive:
        archive.writestr("hallo.txt", "geen docx")
    with pytest.raises(TemplateError, match=r"zip\.docx"):
        render_document(zip_file, voorstel_context(), tmp_path / "out.docx", PROPERTIES)


def test_missing_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="bestaat niet"):
        render_document(
            tmp_path / "nergens.docx", voorstel_context(), tmp_path / "out.docx", PROPERTIES
        )


def test_failed_render_keeps_previous_output(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context())
    before = out.read_bytes()
    template = edited_template(tmp_path, "{{ kapot")
    with pytest.raises(TemplateError):
        render_document(template, voorstel_context(), out, PROPERTIES)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kapot.docx", "out.docx"]


# --------------------------------------------------------------------------- reproducibility


def test_same_inputs_give_identical_bytes(tmp_path: Path) -> None:
    properties = dataclasses.replace(PROPERTIES, source_date_epoch=1_700_000_000)
    first = render_document(VOORSTEL, voorstel_context(), tmp_path / "a.docx", properties)
    second = render_document(VOORSTEL, voorstel_context(), tmp_path / "b.docx", properties)
    assert first.read_bytes() == second.read_bytes()
    core = Document(str(first)).core_properties
    assert core.created == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    assert core.modified == core.created


def test_a_build_given_an_epoch_dates_its_word_documents_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called as a library, with no SOURCE_DATE_EPOCH in the environment: the Word documents
    took the document's date while the PDFs and bundles took the epoch given."""
    from assembler.build import build_project
    from assembler.build_report import BuildOptions
    from assembler.project import Project

    root = tmp_path / "project"
    copy_example(root, "dossiers", "templates")
    options = BuildOptions(paths=(root / "dossiers" / SEED_DOSSIER.parent.name,), pdf=False)
    report = build_project(
        Project(root), dataclasses.replace(options, source_date_epoch=1_700_000_000)
    )
    assert report.exit_code == 0
    made = [*(root / "build").rglob("voorstel.docx"), *(root / "build").rglob("agenda.docx")]
    assert len(made) == 2
    for docx in made:
        assert Document(str(docx)).core_properties.created == dt.datetime(
            2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
        )


def test_without_epoch_the_document_date_is_the_timestamp(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context())
    assert Document(str(out)).core_properties.modified == dt.datetime(2023, 4, 11, tzinfo=dt.UTC)
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 4, 11, 0, 0, 0)}


# --------------------------------------------------------------------------- the templates


@pytest.mark.parametrize("template", [TEMPLATES / f"{kind}.docx" for kind in KINDS], ids=KINDS)
def test_template_house_style(template: Path) -> None:
    with zipfile.ZipFile(template) as archive:
        names = archive.namelist()
        xml = {name: archive.read(name).decode("utf-8") for name in names if name.endswith(".xml")}
    assert "docProps/thumbnail.jpeg" not in names
    assert not any("en-US" in text for text in xml.values())
    styles = etree.fromstring(xml["word/styles.xml"].encode())
    langs = styles.xpath("//w:lang/@w:val", namespaces={"w": _W})
    assert langs and set(langs) == {"nl-NL"}
    fonts = set(styles.xpath("//w:rFonts/@w:ascii", namespaces={"w": _W}))
    assert fonts <= {"Liberation Sans", "Liberation Mono"}
    assert not styles.xpath("//w:rFonts/@w:asciiTheme", namespaces={"w": _W})
    document = Document(str(template))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        tbl = table._tbl
        assert tbl.xpath("./w:tblPr/w:tblLayout/@w:type") == ["fixed"]
        grid = [int(w) for w in tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
        assert grid and all(width > 0 for width in grid)
        assert abs(sum(grid) - text_width / 635) < 5  # twips: the tables fill the text width
        for row in tbl.tr_lst:
            cell_widths = [int(w) for w in row.xpath("./w:tc/w:tcPr/w:tcW/@w:w")]
            assert cell_widths == grid[: len(cell_widths)]


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_pdf_has_liberation_fonts_and_dutch_language(tmp_path: Path) -> None:
    document, organisation, project = seed_document()
    context = build_context(document, organisation, project.root)
    docx = render_document(
        VOORSTEL,
        context,
        tmp_path / "voorstel.docx",
        document_properties(document, organisation, "Portefeuillehoudersoverleg Economie"),
    )
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "voorstel.pdf"
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert reader.metadata is not None
    assert reader.metadata.title == "Aanpak actieplan Werklocaties"
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Voorstel 1." in text
    assert "Pagina 1 van 2" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        assert "LiberationSans" in fonts


def test_control_characters_are_dropped_not_turned_into_breaks(tmp_path: Path) -> None:
    # docxtpl would turn \a and \f into new paragraphs and page breaks.
    out = render(tmp_path, voorstel_context(contactpersoon="Anouk\x07 Pols\x0c", eenheid="a\x00b"))
    lines = body_lines(out)
    assert "Contactpersoon Anouk Pols" in lines
    assert "Eenheid ab" in lines
    assert 'w:type="page"' not in part_xml(out, "word/document.xml")


def test_an_optional_markdown_field_is_markdown_and_none_when_left_out() -> None:
    """A field typed ``MarkdownText | None`` was taken for plain text: pydantic keeps the
    Markdown marker of an optional field only in its type (found adding a field)."""
    from typing import ClassVar

    from pydantic import Field

    from assembler.model import MarkdownText, Memo, markdown_fields

    class MemoWithFinances(Memo):
        kind: ClassVar[str] = ""  # no kind of its own: not registered beside the memo
        finances: MarkdownText | None = Field(None, alias="financien")
        # Texts in a list are no Markdown text themselves.
        notes: tuple[MarkdownText, ...] = Field((), alias="notities")

    assert markdown_fields(MemoWithFinances) == ["tekst", "financien"]
    data = {
        "sjabloon": "memo",
        "aan": "Portefeuillehouders",
        "van": "Anouk Pols",
        "datum": "2023-04-11",
        "onderwerp": "Stand van zaken",
        "kenmerk": "23.0001800",
        "verspreiden": "ja",
        "tekst": "Tekst.",
    }
    organisation = Organisatie.model_validate({})
    left_out = build_context(MemoWithFinances.model_validate(data), organisation, REPO)
    assert left_out["financien"] is None
    given = MemoWithFinances.model_validate({**data, "financien": "**Dekking** uit de reserve."})
    assert build_context(given, organisation, REPO)["financien"] == Markdown(
        "**Dekking** uit de reserve."
    )


def test_memo_from_the_model(tmp_path: Path) -> None:
    from assembler.model import Memo

    memo = Memo.model_validate(
        {
            "sjabloon": "memo",
            "aan": "Portefeuillehouders",
            "van": "Anouk Pols",
            "datum": "2023-04-11",
            "onderwerp": "Stand & voortgang",
            "kenmerk": "23.0001800",
            "verspreiden": "nee",
            "tekst": "Eerste alinea.\n\n1. een\n2. twee",
        }
    )
    organisation = Organisatie.model_validate({})
    context = build_context(memo, organisation, REPO)
    assert context["niet_openbaar"] is True
    assert context["verspreiden"] == "Nee"
    assert context["bijlagen"] == []
    properties = document_properties(
        memo, organisation, "Portefeuillehoudersoverleg Ruimte en Wonen"
    )
    assert properties.subject == "Memo Portefeuillehoudersoverleg Ruimte en Wonen"
    out = render_document(MEMO, context, tmp_path / "memo.docx", properties)
    lines = body_lines(out)
    assert "Onderwerp Stand & voortgang" in lines
    assert "Datum 11 april 2023" in lines
    assert lines[-3:] == ["Eerste alinea.", "een", "twee"]
    header = Document(str(out)).sections[0].header
    assert "NIET OPENBAAR" in "\n".join(p.text for p in header.paragraphs)


def _agenda_item(number: int, decisions: list[str]) -> dict[str, Any]:
    return {
        "nummer": number,
        "titel": f"Punt {number}",
        "dossier": bool(decisions),
        "niet_openbaar": False,
        "kenmerk": "23.0000001",
        "portefeuillehouder": "",
        "doel": "ter besluitvorming",
        "voorstellen": decisions,
        "bijlagen": [{"nummer": 1, "omschrijving": "Notitie"}] if number == 2 else [],
        "soort": "voorstel",
    }


def test_each_agenda_items_decisions_are_a_word_list_counting_from_1(tmp_path: Path) -> None:
    """Not typed numbers: a list per item (what a screen reader announces), each from 1."""
    per_item = [
        [],
        ["Instemmen met *dit* en _dat_", "1. Geen # kop <b>maar</b> tekst", "Derde"],
        ["# Vaststellen", "2) Kennisnemen van `code` & meer"],
        ["Een besluit"],
    ]
    context = _agenda_context(per_item)
    out = render_document(
        TEMPLATES / "agenda.docx", context, tmp_path / "a.docx", PROPERTIES, restart_lists="besluit"
    )
    document = Document(str(out))
    numbered = [
        p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    # The decisions literally, in order, each a numbered paragraph and nothing else numbered.
    assert [p.text for p in numbered] == [d for decisions in per_item for d in decisions]
    num_ids = [int(p._p.pPr.numPr.numId.val) for p in numbered]
    lists = [num_ids[0:3], num_ids[3:5], num_ids[5:6]]
    assert all(len(set(ids)) == 1 for ids in lists)  # one list per item...
    assert len({ids[0] for ids in lists}) == 3  # ...and another for the next item
    nums = {int(num.numId): num for num in document.part.numbering_part.element.num_lst}
    for ids in lists:
        overrides = nums[ids[0]].lvlOverride_lst
        assert [o.startOverride.val for o in overrides if o.get(qn("w:ilvl")) == "0"] == [1]


def _agenda_context(per_item: list[list[str]]) -> dict[str, Any]:
    return {
        "organisatie": {"naam": "Regio", "logo": None},
        "niet_openbaar": False,
        "overleg": "Overleg",
        "datum": "vrijdag 23 juni 2023",
        "aanvang": "09.30 uur",
        "locatie": "Regiokantoor",
        "geannuleerd": False,
        "punten": [_agenda_item(n, d) for n, d in enumerate(per_item, start=1)],
    }


def _render_agenda(tmp_path: Path, per_item: list[list[str]]) -> Any:
    """The agenda as rendered from the edited template tmp_path/agenda.docx."""
    context = _agenda_context(per_item)
    template = tmp_path / "agenda.docx"
    out = render_document(
        template, context, tmp_path / "a.docx", PROPERTIES, restart_lists="besluit"
    )
    return Document(str(out))


def _starts(document: Any) -> dict[int, int | None]:
    """Each numId's first-level startOverride (None: it counts on from the list before)."""
    starts: dict[int, int | None] = {}
    for num in document.part.numbering_part.element.num_lst:
        levels = [o for o in num.lvlOverride_lst if o.get(qn("w:ilvl")) == "0"]
        start = levels[0].startOverride if levels else None
        starts[int(num.numId)] = int(start.val) if start is not None else None
    return starts


def _numbered(document: Any) -> list[tuple[str, int]]:
    """Every numbered paragraph of the body, in tables too: (text, numId)."""
    found = []
    for p in document.element.body.iter(qn("w:p")):
        num_id = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is not None:
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            found.append((text, int(num_id.get(qn("w:val")))))
    return found


def test_agenda_items_numbered_by_word_count_on_over_the_decisions(tmp_path: Path) -> None:
    """A maintainer numbers the item headings with Word's Numbering button: 1. 2. 3., not 1. 1."""
    template = Document(str(TEMPLATES / "agenda.docx"))
    numbering = template.part.numbering_part.element
    abstract = int(numbering.num_lst[0].abstractNumId.val)
    numbering.append(
        etree.fromstring(
            f'<w:num xmlns:w="{nsmap["w"]}" w:numId="90"><w:abstractNumId w:val="{abstract}"/>'
            "</w:num>"
        )
    )
    headings = 0
    for paragraph in template.paragraphs:
        if "{{ punt.nummer }}." in paragraph.text:
            for run in paragraph.runs:
                run.text = run.text.replace("{{ punt.nummer }}.", "")
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = 90
            headings += 1
    assert headings  # the template has its item heading
    template.save(str(tmp_path / "agenda.docx"))
    per_item = [[], ["Instemmen", "Vaststellen"], ["Een besluit"], ["Nog een"]]
    document = _render_agenda(tmp_path, per_item)
    starts = _starts(document)
    numbered = _numbered(document)
    headings_ids = [num_id for text, num_id in numbered if text.strip().startswith("Punt")]
    assert len(headings_ids) == 4
    # One list over all headings, as Word counts it: 1. 2. 3. 4.
    assert set(headings_ids) == {90} and starts[90] is None
    decisions = [num_id for text, num_id in numbered if not text.strip().startswith("Punt")]
    assert len(set(decisions)) == 3 and {starts[n] for n in decisions} == {1}


def test_agenda_decisions_in_a_table_count_from_1_per_item(tmp_path: Path) -> None:
    """The items in a one-cell layout table: each item's decisions still a list of their own."""
    template = Document(str(TEMPLATES / "agenda.docx"))
    body = template.element.body
    children = list(body.iterchildren())
    texts = ["".join(e.itertext()) for e in children]
    start = next(i for i, text in enumerate(texts) if "for punt in punten" in text)
    end = max(i for i, text in enumerate(texts) if "endfor" in text)
    table = template.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)._tc
    children[start].addprevious(table._tbl)
    for element in children[start : end + 1]:
        cell.append(element)
    template.save(str(tmp_path / "agenda.docx"))
    per_item = [["Een", "Twee", "Drie"], ["Vier", "Vijf"], ["Zes", "Zeven"]]
    document = _render_agenda(tmp_path, per_item)
    numbered = dict(_numbered(document))
    assert list(numbered) == [d for decisions in per_item for d in decisions]
    lists = [{numbered[d] for d in decisions} for decisions in per_item]
    assert all(len(ids) == 1 for ids in lists)
    assert len(set.union(*lists)) == 3
    starts = _starts(document)
    assert all(starts[next(iter(ids))] == 1 for ids in lists)


@pytest.mark.parametrize("name", [*KINDS, "agenda"])
def test_shipped_templates_carry_no_unused_table_styles(name: str) -> None:
    # LibreOffice creates every style of a document it opens: the ~140 table styles of
    # python-docx's default template cost a third of each conversion.
    with zipfile.ZipFile(TEMPLATES / f"{name}.docx") as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        used = b"".join(
            package.read(part)
            for part in package.namelist()
            if part.startswith("word/") and part.endswith(".xml") and part != "word/styles.xml"
        )
    table_styles = [
        style.get(qn("w:styleId"))
        for style in styles.iterchildren(qn("w:style"))
        if style.get(qn("w:type")) == "table" and style.get(qn("w:default")) != "1"
    ]
    unused = [s for s in table_styles if f'w:tblStyle w:val="{s}"'.encode() not in used]
    assert unused == []
    # What Markdown writes in must still be there.
    names = {
        name.get(qn("w:val"))
        for name in styles.iter(qn("w:name"))
        if name.getparent().tag == qn("w:style")
    }
    assert {"heading 2", "List Bullet", "List Number", "Hyperlink", "Broncode"} <= names


# --------------------------------------------------------------------------- logo


def header_picture(out: Path) -> tuple[Any, int]:
    """The logo picture in the header, opened, and its printed height in EMU."""
    from PIL import Image as Picture

    header = Document(str(out)).sections[0].header
    extent = header.part.element.xpath(".//wp:extent")[0]
    with zipfile.ZipFile(out) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == 1
        data = archive.read(media[0])
    return Picture.open(io.BytesIO(data)), int(extent.get("cy"))


def test_a_logo_with_more_pixels_than_it_prints_with_is_reduced(tmp_path: Path) -> None:
    from PIL import Image as Picture

    logo = tmp_path / "groot.png"
    picture = Picture.new("RGBA", (2400, 600), (0, 90, 160, 0))
    picture.paste((0, 90, 160, 255), (200, 100, 2200, 500))
    picture.save(logo)
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(logo)}))

    embedded, height = header_picture(out)
    # 12 mm at 300 dpi is 141.7 pixels: LibreOffice's PDF export leaves 141 alone.
    assert embedded.size == (564, 141)
    assert embedded.mode == "RGBA" and embedded.getpixel((0, 0))[3] == 0  # still transparent
    assert embedded.getpixel((282, 70)) == (0, 90, 160, 255)
    assert height == 432000  # printed at the same 12 mm


def test_only_a_logo_over_print_resolution_is_reduced(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(LOGO)}))
    # The example logo (150 pixels high) is only just over 300 dpi: reduced as well.
    assert header_picture(out)[0].size == (564, 141)

    from PIL import Image as Picture

    small = tmp_path / "klein.png"
    Picture.new("P", (400, 100), 3).save(small)
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(small)}))
    with zipfile.ZipFile(out) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert archive.read(media[0]) == small.read_bytes()


def test_a_palette_logo_is_reduced_smoothly_not_by_dropping_pixels(tmp_path: Path) -> None:
    from PIL import Image as Picture

    # Alternating black and white columns: dropping pixels keeps pure black or white,
    # resampling mixes them to grey.
    stripes = Picture.new("P", (1200, 300))
    stripes.putpalette([0, 0, 0, 255, 255, 255])
    for x in range(0, 1200, 2):
        stripes.paste(1, (x, 0, x + 1, 300))
    logo = tmp_path / "strepen.png"
    stripes.save(logo)
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(logo)}))
    embedded, _ = header_picture(out)
    assert embedded.mode == "RGB"
    assert 60 < embedded.getpixel((100, 70))[0] < 200


def embedded_logo(tmp_path: Path, logo: Path) -> bytes:
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(logo)}))
    with zipfile.ZipFile(out) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        return archive.read(media[0])


def test_a_key_colour_logo_is_reduced_with_real_transparency(tmp_path: Path) -> None:
    from PIL import Image as Picture

    keyed = Picture.new("RGB", (1200, 300), (255, 255, 255))
    keyed.paste((0, 90, 160), (100, 50, 1100, 250))
    logo = tmp_path / "sleutel.png"
    keyed.save(logo, transparency=(255, 255, 255))
    embedded = Picture.open(io.BytesIO(embedded_logo(tmp_path, logo)))
    assert embedded.size == (564, 141) and embedded.mode == "RGBA"
    assert embedded.getpixel((0, 0))[3] == 0  # the key colour is transparent, edges blend


def test_a_photo_sized_jpeg_logo_is_decoded_small_and_reduced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image as Picture

    import assembler.render

    # A clerk's 42-megapixel photo of the logo made every document 32 MB. 100,000 pixels
    # stands in for the 40 megapixels above which a full decode is not attempted.
    monkeypatch.setattr(assembler.render, "_MAX_LOGO_PIXELS", 100_000)
    logo = tmp_path / "foto.jpg"
    Picture.new("RGB", (2400, 600), (0, 90, 160)).save(logo, quality=90)
    embedded = Picture.open(io.BytesIO(embedded_logo(tmp_path, logo)))
    assert embedded.format == "JPEG" and embedded.size == (564, 141)


@pytest.mark.parametrize("case", ["16 bits", "unequal dpi", "too large to decode"])
def test_an_unusual_logo_is_embedded_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    from PIL import Image as Picture

    logo = tmp_path / "logo.png"
    if case == "16 bits":
        # Converting 16-bit grey the plain way clips everything above 255 to white.
        Picture.new("I;16", (1200, 300), 0x8000).save(logo)
    elif case == "unequal dpi":
        Picture.new("RGB", (1200, 300), (0, 90, 160)).save(logo, dpi=(150, 300))
    else:
        Picture.new("RGB", (1200, 300), (0, 90, 160)).save(logo)
        # Pillow refuses to decode more than twice this: the render must not fail on it.
        monkeypatch.setattr(Picture, "MAX_IMAGE_PIXELS", 1000)
    assert embedded_logo(tmp_path, logo) == logo.read_bytes()


@pytest.mark.parametrize(
    ("height", "size", "kind"), [(300, (564, 141), "JPEG"), (100, (400, 100), "PNG")]
)
def test_a_cmyk_jpeg_logo_goes_into_word_in_rgb(
    tmp_path: Path, height: int, size: tuple[int, int], kind: str
) -> None:
    from PIL import Image as Picture

    # Pillow writes a CMYK JPEG with an Adobe header and no JFIF or Exif one, as designers'
    # files often are; python-docx reads no such JPEG, and the logo was refused. Over print
    # resolution it is reduced, otherwise converted; either way in RGB.
    (tmp_path / "dossiers").mkdir()
    logo = tmp_path / "dossiers" / "logo.jpg"
    Picture.new("CMYK", (height * 4, height), (80, 20, 0, 10)).save(logo)
    organisation = organisation_context(Organisatie.model_validate({"logo": "logo.jpg"}), tmp_path)
    embedded = Picture.open(io.BytesIO(embedded_logo(tmp_path, organisation["logo"].path)))
    assert (embedded.format, embedded.mode, embedded.size) == (kind, "RGB", size)
    # Without a colour profile: 1 - C and 1 - K per channel, (168, 225, 245).
    red, green, blue = embedded.getpixel((size[0] // 2, size[1] // 2))
    assert abs(red - 168) < 8 and abs(green - 225) < 8 and abs(blue - 245) < 8


def test_a_photo_sized_cmyk_jpeg_logo_is_accepted_and_reduced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image as Picture

    import assembler.render

    monkeypatch.setattr(assembler.render, "_MAX_LOGO_PIXELS", 100_000)  # for 40 megapixels
    (tmp_path / "dossiers").mkdir()
    logo = tmp_path / "dossiers" / "logo.jpg"
    Picture.new("CMYK", (2400, 600), (80, 20, 0, 10)).save(logo)
    organisation = organisation_context(Organisatie.model_validate({"logo": "logo.jpg"}), tmp_path)
    embedded = Picture.open(io.BytesIO(embedded_logo(tmp_path, organisation["logo"].path)))
    assert (embedded.format, embedded.mode, embedded.size) == ("JPEG", "RGB", (564, 141))


def test_a_cmyk_logo_with_a_profile_that_does_not_fit_is_converted_plainly(
    tmp_path: Path,
) -> None:
    import pikepdf
    from PIL import Image as Picture

    # An RGB profile in a CMYK file: the colour-managed conversion cannot be built.
    srgb = (Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc").read_bytes()
    (tmp_path / "dossiers").mkdir()
    logo = tmp_path / "dossiers" / "logo.jpg"
    Picture.new("CMYK", (400, 100), (80, 20, 0, 10)).save(logo, icc_profile=srgb)
    organisation = organisation_context(Organisatie.model_validate({"logo": "logo.jpg"}), tmp_path)
    embedded = Picture.open(io.BytesIO(embedded_logo(tmp_path, organisation["logo"].path)))
    assert (embedded.mode, embedded.size) == ("RGB", (400, 100))
    assert embedded.getpixel((200, 50)) == (168, 226, 245)


def test_a_logo_neither_word_nor_pillow_can_read_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "dossiers").mkdir()
    # A JPEG's first bytes and nothing a decoder can use.
    (tmp_path / "dossiers" / "logo.jpg").write_bytes(b"\xff\xd8\xff\xee" + b"\x00" * 200)
    organisation = Organisatie.model_validate({"logo": "logo.jpg"})
    with pytest.raises(UsageError) as raised:
        organisation_context(organisation, tmp_path)
    assert str(raised.value) == (
        "dossiers/organisatie.yaml: logo: 'logo.jpg' kan niet in een Word-document worden "
        "gezet (sla het logo opnieuw op als PNG-bestand)"
    )


def test_a_very_wide_logo_is_made_lower_instead_of_running_off_the_page(tmp_path: Path) -> None:
    from PIL import Image as Picture

    logo = tmp_path / "breed.png"
    Picture.new("RGB", (3000, 150), (0, 90, 160)).save(logo)
    out = render(tmp_path, voorstel_context(organisatie={"naam": "Regio", "logo": Image(logo)}))
    header = Document(str(out)).sections[0].header
    extent = header.part.element.xpath(".//wp:extent")[0]
    # 80 mm wide (at 12 mm high it would be 240 mm, wider than the page), 4 mm high.
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (2880000, 144000)
    embedded, _ = header_picture(out)
    assert embedded.size == (940, 47)  # 300 dpi at the height it is printed


@pytest.mark.slow
def test_a_last_table_that_ends_at_the_foot_of_a_page_adds_no_empty_page(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Word wants a paragraph after a final table; at a line's height it took a page of its own
    when the table ended within a line of the page's foot (found with a clerk's voorstel)."""
    import pypdf

    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    # Tuned so that the Bijlage(n) table ends just above the footer of page 2.
    extra = "".join(f"  Extra regel {i}.\n\n" for i in range(18)) + "  ### Kop\n\n"
    dossier.write_text(text.replace("toelichting: |\n", "toelichting: |\n" + extra, 1), "utf-8")
    result = run_cli("build", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    (pdf,) = (example_project / "build" / ECONOMIE).glob("*werklocaties/voorstel.pdf")
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert "Bijlage 3." in pages[-1]  # the table's last row is on the last page
    for template in ("voorstel", "memo"):
        paragraphs = Document(str(example_project / "templates" / f"{template}.docx")).paragraphs
        # Inside the block that makes the table, right after it: only there is it needed.
        (closing,) = [p for p in paragraphs if p.paragraph_format.line_spacing == Pt(1)]
        assert closing.text == "" and closing._p.getprevious().tag == qn("w:tbl")


def test_an_optional_field_left_out_is_empty_text_through_a_filter(tmp_path: Path) -> None:
    """``{{ portefeuillehouder|upper }}`` printed "NONE" in every footer of a voorstel
    without one: the empty value of finalize comes only after the filter."""
    template = edited_template(
        tmp_path,
        "PH [{{ portefeuillehouder|upper }}][{{ portefeuillehouder.title() }}]"
        "{% if portefeuillehouder %}gegeven{% endif %}",
        where="footer",
    )
    out = render_document(template, voorstel_context(), tmp_path / "out.docx", PROPERTIES)
    assert "PH [][]" in all_text(out)
    assert "NONE" not in all_text(out) and "gegeven" not in all_text(out)
    given = voorstel_context(portefeuillehouder="J. Jansen")
    out = render_document(template, given, tmp_path / "given.docx", PROPERTIES)
    assert "PH [J. JANSEN][J. Jansen]gegeven" in all_text(out)


def test_a_code_that_fails_for_one_dossier_names_it_and_the_code(tmp_path: Path) -> None:
    """{{ voorstel[1] }} with one decision gave "het sjabloon gebruikt 'list object has no
    element 1', maar dat veld bestaat niet", naming no dossier."""
    template = edited_template(tmp_path, "Kenmerk · {{ voorstel[1] }}", where="footer")
    with pytest.raises(TemplateError) as caught:
        render_document(
            template,
            voorstel_context(),
            tmp_path / "out.docx",
            PROPERTIES,
            label="templates/voorstel.docx",
            source="dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml",
        )
    assert caught.value.message == (
        "templates/voorstel.docx: in de voettekst: {{ voorstel[1] }}: "
        "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml heeft geen 2e rij in "
        "'voorstel' (de code telt vanaf 0: [1] is de 2e rij; gebruik {% for %}, of zet "
        "{% if voorstel|length > 1 %} eromheen)"
    )
    two = voorstel_context(voorstel=["Instemmen", "Vaststellen"])
    assert "Vaststellen" in all_text(
        render_document(template, two, tmp_path / "b.docx", PROPERTIES)
    )


WERKLOCATIES = "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "Laatst: {{ behandeling[-1].datum }}",
            "{{ behandeling[-1].datum }}: DOSSIER heeft geen rijen in 'behandeling' ([-1] is de "
            "1e rij van achteren; gebruik {% for %}, of zet {% if behandeling %} eromheen)",
        ),
        (
            "Tweede: {{ voorstel.1 }}",
            "{{ voorstel.1 }}: DOSSIER heeft geen 2e rij in 'voorstel' (de code telt vanaf 0: [1] "
            "is de 2e rij; gebruik {% for %}, of zet {% if voorstel|length > 1 %} eromheen)",
        ),
        (
            "{{ voorstel[1] }} / {{ bijlagen[1].omschrijving }}",
            "een code bij '{{ voorstel[1] }} / {{ bijlagen[1].omschrijving }}': DOSSIER heeft "
            "minder rijen dan de code [1] vraagt (de code telt vanaf 0: [1] is de 2e rij, [-1] de "
            "laatste; gebruik {% for %}, of zet een {% if %} om de code)",
        ),
    ],
)
def test_a_fixed_place_in_a_list_is_named_as_typed_or_by_its_paragraph(
    tmp_path: Path, typed: str, said: str
) -> None:
    """Was Jinja's English for [-1]; a hint with 'de lijst' in it for .1; the first of two
    codes with [1] named, which may be the list that is long enough."""
    template = edited_template(tmp_path, typed, where="footer")
    context = voorstel_context()
    context["behandeling"] = []
    with pytest.raises(TemplateError) as caught:
        render_document(
            template,
            context,
            tmp_path / "out.docx",
            PROPERTIES,
            label="templates/voorstel.docx",
            source=WERKLOCATIES,
        )
    assert caught.value.message == (
        "templates/voorstel.docx: in de voettekst: " + said.replace("DOSSIER", WERKLOCATIES)
    )


def test_a_logo_too_large_to_reduce_is_refused_at_its_line(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 7500×6000 PNG (over the 40 megapixels a reduction may decode) went as it was into
    every Word file: a voorstel.docx of 135 MB, and check said nothing."""
    import random

    from PIL import Image as Picture

    import assembler.render

    # Stand-ins for 40 megapixels and 2 MB: noise, which does not compress.
    monkeypatch.setattr(assembler.render, "_MAX_LOGO_PIXELS", 100_000)
    monkeypatch.setattr(assembler.render, "_MAX_LOGO_BYTES", 200_000)
    noise = random.Random(7).randbytes(500 * 300 * 3)
    Picture.frombytes("RGB", (500, 300), noise).save(
        example_project / "dossiers/huisstijl/ruis.png"
    )
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text(settings.read_text().replace("logo.png", "ruis.png"))
    size = (example_project / "dossiers/huisstijl/ruis.png").stat().st_size
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    megabytes = f"{size / 1_000_000:.1f}".replace(".", ",")  # as Dutch writes it
    assert result.stderr == (
        "fout: dossiers/organisatie.yaml:6: logo: 'huisstijl/ruis.png' is 500×300 pixels en "
        f"{megabytes} MB, en assembler kan het niet verkleinen: zo zou het in elk "
        "Word-document komen (sla het logo op als gewone PNG (8 bits per kleur) of JPEG, van "
        "ongeveer 600 pixels hoogte en rechtop, niet gedraaid)\n"
    )
    # One that compresses to little goes in as it is, as before.
    Picture.new("RGB", (500, 300), (0, 90, 160)).save(
        example_project / "dossiers/huisstijl/ruis.png"
    )
    assert run_cli("check", cwd=example_project).exit_code == 0


_FILLER = "met tekst die doorloopt en nog wat meer woorden bevat om de regel te vullen. "


def _page_break_variants(
    project: Path, run_cli: Callable[..., CliResult], *, annexes: bool, steps: range
) -> list[list[str]]:
    """Build a meeting of voorstellen whose toelichting is a reviewer's (it put the Bijlage(n)
    table's header row on the last line of page 2) with ``step`` extra lines before it, and
    give each voorstel.pdf's page texts."""
    import pypdf
    import yaml

    meeting = project / "dossiers" / "2023-09-15-pfho-stappen"
    annex_files = sorted((project / "dossiers" / ECONOMIE / "werklocaties").glob("*.pdf"))
    toelichting = "\n\n".join(
        f"### Kop {i}\n\nAlinea {i} " + _FILLER * count
        for i, count in enumerate([4, 5, 6, 3, 4, 5, 6, 3], 1)
    )
    toelichting += "\n- punt een\n- punt twee\n- punt drie\n"
    for step in steps:
        folder = meeting / f"stap-{step}"
        folder.mkdir(parents=True)
        if step > 0:  # lines before the text
            text = "Extra " + "\\\n".join(f"regel {i}." for i in range(1, step + 1))
            text += "\n\n" + toelichting
        else:  # sentences fewer, about 10 pt each
            text = toelichting.replace(_FILLER * 3, _FILLER * (3 + step), 1)
        dossier = {
            "sjabloon": "voorstel",
            "onderwerp": f"Stap {step}",
            "verspreiden": "Ja",
            "contactpersoon": "Anouk Pols",
            "eenheid": "Beleid en bestuur",
            "email": "a.pols@regiogv.nl",
            "kenmerk": f"23.00990{step + 10:02d}",
            "datum": "2023-06-21",
            "voorstel": [
                f"Besluitpunt {i} met een beschrijving die af en toe wat langer is dan een regel "
                "in de omschrijvingskolom van de tabel"
                for i in range(1, 7)
            ],
            "behandeling": [
                {
                    "datum": "2023-09-01",
                    "overleg": "Portefeuillehoudersoverleg",
                    "doel": "Vaststellen",
                    "conclusie": "Vaststelling",
                }
            ],
            "toelichting": text,
            "bijlagen": [],
        }
        if annexes:
            for number, source in enumerate(annex_files, 1):
                shutil.copyfile(source, folder / f"b{number}.pdf")
                omschrijving = f"Omschrijving van bijlage {number}"
                dossier["bijlagen"].append(
                    {"omschrijving": omschrijving, "bestand": f"b{number}.pdf"}
                )
        (folder / "dossier.yaml").write_text(
            yaml.safe_dump(dossier, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    agenda = "".join(f"  - dossier: stap-{step}\n" for step in steps)
    (meeting / "vergadering.yaml").write_text(
        "overleg: Portefeuillehoudersoverleg Test\ndatum: 2023-09-15\naanvang: '09:30'\n"
        f"locatie: Hilversum\nagenda:\n{agenda}",
        encoding="utf-8",
    )
    result = run_cli("build", f"dossiers/{meeting.name}", cwd=project)
    assert result.exit_code == 0, result.stderr
    variants = []
    for step in steps:
        (pdf,) = (project / "build" / meeting.name).glob(f"*-stap-{step}/voorstel.pdf")
        variants.append([page.extract_text() for page in pypdf.PdfReader(pdf).pages])
    return variants


def _body_lines(page: str) -> list[str]:
    """A page's lines without its header ("Regio …", "Voorstel") and footer ("Kenmerk …")."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return [line for line in lines[2:] if not line.startswith("Kenmerk ")]


@pytest.mark.slow
def test_no_row_is_lost_when_a_tables_header_row_falls_on_the_last_line_of_a_page(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """LibreOffice 7.4 left every annex row out of the PDF (the .docx had them, exit 0) when
    the Bijlage(n) table's header row, cantSplit and repeated, was the last line of page 2.
    Stepped over the break: every row is printed, and heading, header row and first row go
    to the next page together."""
    import pypdf

    variants = _page_break_variants(example_project, run_cli, annexes=True, steps=range(-3, 4))
    moved = set()
    for pages in variants:
        text = "\n".join(pages)
        for number in (1, 2, 3):
            assert f"Bijlage {number}. Omschrijving van bijlage {number}" in text
        for page in pages:
            last = _body_lines(page)[-1]
            assert last not in ("Bijlage(n)", "Nummer Omschrijving"), page
        (heading_page,) = [n for n, page in enumerate(pages) if "Bijlage(n)" in page]
        assert "Nummer Omschrijving\nBijlage 1." in pages[heading_page]
        moved.add(heading_page)
    # Opens with its bookmarks panel, as the bundles do.
    (pdf,) = (example_project / "build").glob("2023-09-15-*/*-stap-0/voorstel.pdf")
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/PageMode"] == "/UseOutlines"
    # The steps cross the break: the table starts on page 2 in some, on page 3 in others.
    assert moved == {1, 2}


@pytest.mark.slow
def test_text_that_ends_on_the_last_line_of_a_page_adds_no_empty_page(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The closing paragraph after "Geen bijlagen." took a blank 'Pagina 3 van 3' of its own
    when that text ended on the last line of page 2: it is now only after a final table."""
    variants = _page_break_variants(example_project, run_cli, annexes=False, steps=range(-3, 4))
    for pages in variants:
        assert _body_lines(pages[-1])[-1] == "Geen bijlagen."
    assert {len(pages) for pages in variants} == {2, 3}  # the steps cross the break


def test_the_agendas_annex_descriptions_line_up_past_bijlage_9() -> None:
    """'Bijlage 9. …' and 'Bijlage 10. …' were typed with a space: the descriptions of 10
    and on started a digit further right. A tab to a stop at the hanging indent lines them up."""
    paragraphs = Document(str(TEMPLATES / "agenda.docx")).paragraphs
    annexes = [p for p in paragraphs if p.text.startswith("Bijlage {{ bijlage.nummer }}.")]
    assert annexes
    for line in annexes:
        assert line.text == "Bijlage {{ bijlage.nummer }}.\t{{ bijlage.omschrijving }}"
        fmt = line.paragraph_format
        (stop,) = fmt.tab_stops
        assert stop.position == fmt.left_indent > fmt.left_indent + fmt.first_line_indent


# --------------------------------------------------------------------------- template's properties

_CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Zaaknummer">'
    "<vt:lpwstr>23.0002150 Onderhandelingsmandaat</vt:lpwstr></property></Properties>"
)
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)


def _template_with_properties(tmp_path: Path) -> Path:
    """The voorstel template as a house style may hand it over: Opmerkingen, Categorie and
    the other properties filled in (another item's kenmerk among them), and custom ones."""
    document = Document(str(VOORSTEL))
    core = document.core_properties
    core.comments = "Gemaakt op basis van het stuk 23.0002150 Onderhandelingsmandaat"
    core.category = "Mandaat Woningbouwimpuls"
    core.content_status = "Concept 23.0002150"
    core.identifier = "23.0002150"
    core.version = "v3 intern"
    core.last_printed = dt.datetime(2023, 6, 1, 12, 0)
    saved = tmp_path / "eigen.docx"
    document.save(str(saved))
    path = tmp_path / "eigenschappen.docx"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode("utf-8")
            if name == "docProps/app.xml":
                data = (
                    data.replace("<Template>Normal.dotm", r"<Template>G:\Huisstijl\intern.dotx")
                    .replace(
                        "<Company/>", "<Company>Gemeente Wijdemeren, team Grondzaken</Company>"
                    )
                    .replace("<Manager/>", "<Manager>J. de Vries</Manager>")
                    .replace(
                        "<HyperlinkBase/>", r"<HyperlinkBase>\\fs01\grondzaken</HyperlinkBase>"
                    )
                    .replace("<vt:lpstr/>", "<vt:lpstr>Mandaat Woningbouwimpuls</vt:lpstr>")
                )
            elif name == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/>'
                    "</Types>",
                )
            elif name == "_rels/.rels":
                data = data.replace(
                    "</Relationships>",
                    f'<Relationship Id="rId99" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/>'
                    "</Relationships>",
                )
            target.writestr(name, data)
        target.writestr("docProps/custom.xml", _CUSTOM_XML)
    return path


def test_nothing_of_the_templates_properties_reaches_the_document(tmp_path: Path) -> None:
    out = render(tmp_path, voorstel_context(), _template_with_properties(tmp_path))
    core = Document(str(out)).core_properties
    assert (core.title, core.keywords, core.author) == (
        PROPERTIES.title,
        PROPERTIES.keywords,
        PROPERTIES.author,
    )
    assert (core.comments, core.category, core.content_status) == ("", "", "")
    assert (core.identifier, core.version, core.last_printed) == ("", "", None)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        everything = "".join(
            archive.read(name).decode("utf-8") for name in names if name.endswith((".xml", ".rels"))
        )
    assert "docProps/custom.xml" not in names
    for leaked in ("23.0002150", "Woningbouwimpuls", "Huisstijl", "Wijdemeren", "Vries", "fs01"):
        assert leaked not in everything
    app = part_xml(out, "docProps/app.xml")
    assert "<Company/>" in app or "<Company></Company>" in app


AMOUNT = "€ 12.345.678,90"
KEPT_AMOUNT = "€\u00a012.345.678,90"


def test_a_euro_sign_keeps_to_its_amount_in_every_field(tmp_path: Path) -> None:
    """Secretary review W7: '€ 12.345.678,90' as typed was broken after the '€', which then
    ended a line apart from its amount. A no-break space between them in one-line fields,
    decisions, treatment rows, annex descriptions and every kind of Markdown text; a '€'
    with no number after it keeps its space."""
    row = {"datum": "12-11-21", "overleg": "Pho", "doel": "Vaststellen", "conclusie": AMOUNT}
    context = voorstel_context(
        onderwerp=f"Budget {AMOUNT}",
        voorstel=[f"Instemmen met een budget van {AMOUNT} per jaar", "Het € -teken"],
        behandeling=[row],
        toelichting=Markdown(
            f"### Kosten {AMOUNT}\n\nEen budget van {AMOUNT}  en €   -1,00.\n\n"
            f"- post van **{AMOUNT}**\n\n| Post | Bedrag |\n|---|---|\n| Inhuur | {AMOUNT} |\n"
        ),
        bijlagen=[{"nummer": 1, "omschrijving": f"Begroting {AMOUNT}"}],
    )
    text = all_text(render(tmp_path, context))
    # onderwerp, 2 decisions' one, conclusie, bijlage, 4 in the Markdown text (heading,
    # paragraph, list item, table cell).
    assert text.count(KEPT_AMOUNT) == 8, text
    assert AMOUNT not in text
    assert "€\u00a0\u00a0\u00a0-1,00" in text  # one for one, as typed
    assert "Het € -teken" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_euro_sign_never_ends_a_line_of_the_pdf(tmp_path: Path) -> None:
    """Secretary review W7 as a reader sees it: with the amount pushed along a character at a
    time, the line breaks somewhere around '€ 12.345.678,90' in every paragraph, and never
    between the sign and its amount."""
    from assembler.convert import ConversionJob, convert_to_pdf

    widths = range(30)
    paragraphs = [
        "De regio draagt in de komende vier jaar bij aan het fonds voor de werklocaties "
        f"{'x' * width} met {AMOUNT} per jaar."
        for width in widths
    ]
    context = voorstel_context(toelichting=Markdown("\n\n".join(paragraphs)))
    docx = render(tmp_path, context)
    report = convert_to_pdf([ConversionJob(docx, tmp_path / "out.pdf")], workers=1)
    assert report.ok, report.failures
    lines = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "out.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    amounts = [line for line in lines if "12.345.678,90" in line]
    assert len(amounts) == len(widths), lines
    assert [line for line in amounts if "€" not in line] == [], lines
    assert not [line for line in lines if line.rstrip().endswith("€")], lines

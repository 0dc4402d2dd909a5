"""Template lint: shipped templates are clean; planted mistakes are found and named."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from assembler.errors import Problem, TemplateError
from assembler.lint import (
    TemplateSpec,
    agenda_spec,
    document_spec,
    lint_template,
    lint_templates,
)
from assembler.model import Organisatie, Voorstel
from assembler.project import Project
from assembler.render import DocumentProperties, build_context, render_document
from tests.conftest import CliResult, copy_example

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
VOORSTEL = TEMPLATES / "voorstel.docx"
LABEL = "templates/voorstel.docx"

VOORSTEL_DATA = {
    "onderwerp": "Aanpak actieplan Werklocaties",
    "verspreiden": "Ja",
    "contactpersoon": "Anouk Pols",
    "eenheid": "Beleid en bestuur",
    "email": "a.pols@regiogv.nl",
    "kenmerk": "23.0001772",
    "datum": "2023-04-11",
    "voorstel": ["Instemmen met bijgaand voorstel"],
    "behandeling": [{"overleg": "Pho", "doel": "Vaststellen", "conclusie": "Ja"}],
    "toelichting": "Tekst.",
}


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.ernst == "fout"]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.ernst == "waarschuwing"]


def lint_voorstel(path: Path) -> list[Problem]:
    return lint_template(path, document_spec("voorstel"), LABEL)


def with_paragraph(tmp_path: Path, text: str, *, where: str = "body") -> Path:
    """A copy of the voorstel template with ``text`` added as a paragraph."""
    document = Document(str(VOORSTEL))
    if where == "body":
        document.add_paragraph(text)
    else:
        document.sections[0].footer.add_paragraph(text)
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    return path


def with_document_xml(
    tmp_path: Path, edit: Callable[[str], str], template: Path = VOORSTEL
) -> Path:
    """A copy of a template (the voorstel's) whose word/document.xml went through ``edit``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                changed = edit(xml)
                assert changed != xml, "the edit did not apply"
                data = changed.encode("utf-8")
            new.writestr(info, data)
    path = tmp_path / template.name
    path.write_bytes(out.getvalue())
    return path


# --------------------------------------------------------------------------- shipped


def test_shipped_templates_lint_clean() -> None:
    problems = lint_templates(Project(REPO))
    assert errors(problems) == []
    assert warnings(problems) == []


def test_lint_is_cheap() -> None:
    start = time.perf_counter()
    lint_templates(Project(REPO))
    assert time.perf_counter() - start < 5


def test_known_names_come_from_the_models_and_build_context() -> None:
    voorstel = document_spec("voorstel")
    assert {"portefeuillehouder", "email", "niet_openbaar", "organisatie"} <= set(voorstel.context)
    assert ("email",) in voorstel.required
    assert ("behandeling", "conclusie") in voorstel.required
    assert ("sjabloon",) not in voorstel.required  # chooses the template, never shown
    assert ("portefeuillehouder",) not in voorstel.required  # optional
    memo = document_spec("memo")
    assert {("aan",), ("van",), ("tekst",)} <= set(memo.required)
    agenda = agenda_spec()
    assert {"overleg", "datum", "aanvang", "locatie", "punten"} <= set(agenda.context)


# --------------------------------------------------------------------------- planted


def test_unknown_variable_names_file_and_tag(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "Portefeuille: {{ portefeuilehouder }}")
    problems = errors(lint_voorstel(path))
    assert [problem.format() for problem in problems] == [
        "templates/voorstel.docx: {{ portefeuilehouder }}: 'portefeuilehouder' bestaat niet "
        "in het model voorstel (bedoelt u 'portefeuillehouder'?)"
    ]


def test_unknown_variable_planted_in_document_xml(tmp_path: Path) -> None:
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{{ eenheid }}", "{{ afdeling }}"))
    problems = lint_voorstel(path)
    [problem] = errors(problems)
    assert problem.bestand == LABEL
    assert problem.veld == "{{ afdeling }}"
    assert "'afdeling' bestaat niet in het model voorstel" in problem.melding


def test_unknown_attribute_of_a_row_and_of_organisatie(tmp_path: Path) -> None:
    path = with_document_xml(
        tmp_path,
        lambda xml: xml.replace("{{ rij.conclusie }}", "{{ rij.concluse }}").replace(
            "{{ bijlage.omschrijving }}", "{{ bijlage.bestand }}"
        ),
    )
    found = {problem.veld: problem.melding for problem in errors(lint_voorstel(path))}
    assert "bedoelt u 'conclusie'?" in found["{{ rij.concluse }}"]
    assert "een rij van 'behandeling'" in found["{{ rij.concluse }}"]
    # The model's bijlagen have a file, but the template never gets it.
    # No close name: the fields the row has, as for an unknown name (was: "haal de code weg").
    assert found["{{ bijlage.bestand }}"] == (
        "'bestand' bestaat niet in een rij van 'bijlagen' (haal {{ bijlage.bestand }} weg of kies "
        "een bestaand veld: nummer, omschrijving)"
    )


def test_unknown_name_in_the_footer_says_where(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "Versie {{ organisatie.naaam }}", where="footer")
    [problem] = errors(lint_voorstel(path))
    assert problem.veld == "{{ organisatie.naaam }}"
    assert "bedoelt u 'naam'?" in problem.melding
    assert "voettekst" in problem.melding


def test_missing_required_field_is_a_warning(tmp_path: Path) -> None:
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{{ email }}", ""))
    problems = lint_voorstel(path)
    assert errors(problems) == []
    [problem] = warnings(problems)
    assert problem.veld == "email"
    assert "'email'" in problem.melding
    assert problem.format().startswith("templates/voorstel.docx: waarschuwing: email: ")


CANCELLED = "Deze vergadering is geannuleerd; zij gaat niet door."


def _agenda_without_the_cancellation() -> Document:
    """The shipped agenda template as an organisation's own from before 'geannuleerd' was."""
    document = Document(str(TEMPLATES / "agenda.docx"))
    texts = [paragraph.text for paragraph in document.paragraphs]
    start = texts.index("{%p if geannuleerd %}")
    assert texts[start + 1 : start + 3] == [CANCELLED, "{%p endif %}"]
    for paragraph in document.paragraphs[start : start + 3]:
        paragraph._element.getparent().remove(paragraph._element)
    # Nor does its title or header say "GEANNULEERD".
    header = document.sections[0].header.paragraphs
    for paragraph in [*document.paragraphs, *header]:
        for run in paragraph.runs:
            if "geannuleerd" in run.text:
                run._element.getparent().remove(run._element)
    return document


def test_an_agenda_template_without_the_cancellation_is_told_the_condition_to_add(
    tmp_path: Path,
) -> None:
    """Was: '(voeg {{ geannuleerd }} toe)', which put True or False in every agenda."""
    document = _agenda_without_the_cancellation()
    path = tmp_path / "agenda.docx"
    document.save(str(path))
    [problem] = lint_template(path, agenda_spec(), "templates/agenda.docx")
    assert problem.format() == (
        "templates/agenda.docx: waarschuwing: geannuleerd: het ja/nee-veld 'geannuleerd' staat "
        "nergens in het sjabloon, dus een geannuleerde vergadering staat op haar agenda's alsof "
        "zij doorgaat (zet {%p if geannuleerd %}, de zin 'Deze vergadering is geannuleerd; zij "
        "gaat niet door.' en {%p endif %} elk op een eigen regel; {{ geannuleerd }} zou True of "
        "False in het document zetten)"
    )
    # The advice followed (after the meeting's details, as the shipped template has it).
    details = document.tables[0]._element
    for text in reversed(["{%p if geannuleerd %}", CANCELLED, "{%p endif %}"]):
        details.addnext(document.add_paragraph(text)._element)
    document.save(str(path))
    assert lint_template(path, agenda_spec(), "templates/agenda.docx") == []


def test_an_agenda_showing_niet_openbaar_twice_on_the_public_agenda_is_warned_about(
    tmp_path: Path,
) -> None:
    """Template maintainer walk: the shipped test simplified to {% if punt.niet_openbaar %}
    printed '7. Niet openbaar (niet openbaar)' on the public agenda, and nothing said so."""
    shipped = "{% if punt.dossier and punt.niet_openbaar %} (niet openbaar)"
    path = with_document_xml(
        tmp_path,
        lambda xml: xml.replace(shipped, "{% if punt.niet_openbaar %} (niet openbaar)"),
        TEMPLATES / "agenda.docx",
    )
    assert [p.format() for p in lint_template(path, agenda_spec(), "templates/agenda.docx")] == [
        "templates/agenda.docx: waarschuwing: punt.niet_openbaar: de openbare agenda toont een "
        "vertrouwelijk punt als 'Niet openbaar (niet openbaar)' (laat de toevoeging alleen zien "
        "bij een punt dat de agenda helemaal toont: {% if punt.dossier and punt.niet_openbaar "
        "%} (niet openbaar){% endif %})"
    ]


def test_a_yes_no_field_is_advised_as_a_condition_whatever_its_name(tmp_path: Path) -> None:
    spec = TemplateSpec("voorstel", "het model voorstel", {"spoed": False}, (("spoed",),))
    document = Document()
    document.add_paragraph("Voorstel")
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    [problem] = lint_template(path, spec, LABEL)
    assert problem.format() == (
        "templates/voorstel.docx: waarschuwing: spoed: het ja/nee-veld 'spoed' staat nergens in "
        "het sjabloon, dus de documenten zeggen nooit dat 'spoed' Ja is (zet {%p if spoed %}, de "
        "tekst voor Ja en {%p endif %} elk op een eigen regel; {{ spoed }} zou True of False in "
        "het document zetten)"
    )


def test_missing_row_field_is_a_warning(tmp_path: Path) -> None:
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{{ rij.conclusie }}", ""))
    [problem] = warnings(lint_voorstel(path))
    assert problem.veld == "behandeling.conclusie"


def test_missing_row_field_hint_uses_the_templates_own_loop_name(tmp_path: Path) -> None:
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("{{ punt.titel }}", ""), TEMPLATES / "agenda.docx"
    )
    [problem] = warnings(lint_template(path, agenda_spec(), "templates/agenda.docx"))
    assert problem.melding == (
        "'titel' van de rijen in 'punten' staat nergens in het sjabloon "
        "(voeg {{ punt.titel }} toe binnen {% for punt in punten %})"
    )


TORN = (
    ": zo valt het ingevulde document uit elkaar (schrijf {%p for ... %} en {%p endfor %} elk op "
    "een eigen regel, of in een tabel {%tr for ... %} en {%tr endfor %})"
)


@pytest.mark.parametrize(
    ("old", "new", "tag", "message"),
    [
        (
            "{%tr endfor %}",
            "{% endfor %}",
            "{% endfor %}",
            "{% endfor %} sluit een {% for %} uit een andere alinea of tabelrij" + TORN,
        ),
        (
            "{{p toelichting }}",
            "{{ toelichting }}",
            "{{ toelichting }}",
            "toelichting is opgemaakte tekst met alinea's en komt zo niet in het document "
            "(schrijf {{p toelichting }} op een eigen regel)",
        ),
        (
            "{{ onderwerp }}",
            "{{ onderwerp|hoofdletters }}",
            "{{ onderwerp|hoofdletters }}",
            "de bewerking '|hoofdletters' bestaat niet (gebruik bijvoorbeeld |upper, |lower of "
            "|default)",
        ),
        (
            "{%p if bijlagen %}",
            "{%p if bijlagen is leeg %}",
            "{%p if bijlagen is leeg %}",  # as typed: Word's Find finds it
            "'is leeg' bestaat niet (gebruik bijvoorbeeld 'is defined', of vergelijk met ==)",
        ),
    ],
)
def test_template_mistakes_that_built_a_wrong_document_are_errors(
    tmp_path: Path, old: str, new: str, tag: str, message: str
) -> None:
    """Each built with exit 0 before: a document cut short, a Toelichting left out, or a
    traceback."""
    path = with_document_xml(tmp_path, lambda xml: xml.replace(old, new, 1))
    problems = errors(lint_voorstel(path))
    assert [(p.veld, p.melding) for p in problems] == [(tag, message)]


def test_text_beside_a_paragraph_code_is_said_to_fall_away(tmp_path: Path) -> None:
    """'Bijlage(n) {%p if bijlagen %}' on one line: the heading was gone from the PDF."""
    heading = "<w:r><w:t>Bijlage(n)</w:t></w:r></w:p><w:p><w:r><w:t>{%p if bijlagen %}"
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace(heading, "<w:r><w:t>Bijlage(n) {%p if bijlagen %}", 1)
    )
    assert [(p.veld, p.melding) for p in errors(lint_voorstel(path))] == [
        (
            "{%p if bijlagen %}",
            "de tekst 'Bijlage(n)' staat in dezelfde alinea als {%p if bijlagen %} en valt weg "
            "(zet de code op een eigen regel)",
        )
    ]


def test_a_paragraph_code_alone_in_a_table_cell_is_said(tmp_path: Path) -> None:
    """'{%p for %}' where '{%tr for %}' belongs: an empty row between every row."""
    path = with_document_xml(
        tmp_path,
        lambda xml: (
            xml.replace("{%tr for rij in behandeling %}", "{%p for rij in behandeling %}", 1)
            .replace("{%tr endfor %}", "{%p endfor %}", 2)
            .replace("{%p endfor %}", "{%tr endfor %}", 1)
        ),
    )
    found = [(p.veld, p.melding) for p in errors(lint_voorstel(path))]
    assert (
        "{%p for rij in behandeling %}",
        "{%p for rij in behandeling %} is alles in een tabelcel en laat een lege cel achter "
        "(herhaal of laat een tabelrij weg met {%tr ... %})",
    ) in found


def test_a_word_merge_field_is_an_error(tmp_path: Path) -> None:
    """Word fills in its own merge fields; the PDF said «kenmerk»."""
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
        'MERGEFIELD kenmerk </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>«kenmerk»</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("<w:r><w:t>{{ kenmerk }}</w:t></w:r>", field, 1)
    )
    assert [(p.veld, p.melding) for p in errors(lint_voorstel(path))] == [
        (
            "«kenmerk»",
            "een Word-samenvoegveld «kenmerk» wordt niet ingevuld en komt zo in het document "
            "(vervang het door {{ kenmerk }})",
        )
    ]


@pytest.mark.parametrize("typed", ["{ { eenheid }}", "{ eenheid }}"])
def test_a_half_typed_tag_is_an_error_not_printed(tmp_path: Path, typed: str) -> None:
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{{ eenheid }}", typed, 1))
    [problem] = errors(lint_voorstel(path))
    assert typed in problem.veld
    assert problem.melding.endswith(
        "is een half getypte code en komt zo in het document (schrijf {{ veld }} met twee "
        "accolades aan elke kant, zonder spatie ertussen)"
    )


def test_tracked_changes_in_a_template_are_an_error(tmp_path: Path) -> None:
    """Deleted text and tags would be filled in and printed as struck-through text."""
    tracked = (
        '<w:del w:id="1" w:author="C" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>'
        "{{ contactpersoon }}</w:delText></w:r></w:del>"
        '<w:ins w:id="2" w:author="C" w:date="2026-01-01T00:00:00Z"><w:r><w:t>{{ eenheid }}'
        "</w:t></w:r></w:ins>"
    )
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("<w:r><w:t>{{ eenheid }}</w:t></w:r>", tracked, 1)
    )
    assert [p.melding for p in errors(lint_voorstel(path))] == [
        "het sjabloon bevat bijgehouden wijzigingen: ook weggehaalde tekst en codes zouden "
        "worden ingevuld (accepteer of weiger ze in Word via Controleren, en zet Wijzigingen "
        "bijhouden uit)"
    ]


def test_tag_split_across_runs_is_understood(tmp_path: Path) -> None:
    # Word splits a tag over runs when part of it is edited or formatted differently.
    split = (
        "<w:r><w:t>{{ e</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ma</w:t></w:r>"
        "<w:r><w:t>il }}</w:t></w:r>"
    )
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("<w:r><w:t>{{ email }}</w:t></w:r>", split)
    )
    assert lint_voorstel(path) == []
    misspelt = split.replace("ma</w:t>", "mial</w:t>").replace("il }}", " }}")
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("<w:r><w:t>{{ email }}</w:t></w:r>", misspelt)
    )
    problems = lint_voorstel(path)
    [problem] = errors(problems)
    assert problem.veld == "{{ emial }}"
    assert "bedoelt u 'email'?" in problem.melding
    assert [problem.veld for problem in warnings(problems)] == ["email"]


def test_paragraph_and_row_tags_are_read_as_docxtpl_reads_them(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "{%p if niet_openbaar %}")
    document = Document(str(path))
    document.add_paragraph("Vertrouwelijk: {{ kenmerk }}")
    document.add_paragraph("{%p endif %}")
    document.save(str(path))
    assert lint_voorstel(path) == []


def test_loop_variables_and_guards(tmp_path: Path) -> None:
    path = with_paragraph(
        tmp_path,
        "{% for item in voorstel %}{{ loop.index }} {{ item.upper() }}"
        "{{ loop.indx }}{% endfor %}{% if punt is defined %}{{ punt }}{% endif %}",
    )
    [problem] = errors(lint_voorstel(path))
    assert "'loop.indx' bestaat niet" in problem.melding
    assert "bedoelt u 'index'?" in problem.melding


def test_every_agenda_item_has_every_field(tmp_path: Path) -> None:
    # Each agenda item carries the same keys (plain items empty ones), so a template may use
    # any of them on every item without an "is defined" guard.
    document = Document(str(TEMPLATES / "agenda.docx"))
    document.add_paragraph(
        "{% for punt in punten %}{{ punt.soort }} {{ punt.kenmerk }} {{ punt.doel }}{% endfor %}"
    )
    path = tmp_path / "agenda.docx"
    document.save(str(path))
    assert lint_template(path, agenda_spec(), "templates/agenda.docx") == []


# --------------------------------------------------------------------------- broken


def test_jinja_syntax_error_names_template_and_snippet(tmp_path: Path) -> None:
    # A code that is whole but no Jinja: Jinja's own message, at its paragraph.
    path = with_paragraph(tmp_path, "Let op: {% if onderwerp == %}zonder{% endif %}")
    [problem] = lint_voorstel(path)
    assert problem.ernst == "fout"
    assert problem.bestand == LABEL
    assert "fout in de sjablooncode" in problem.melding
    assert "Let op: {% if onderwerp == %}zonder" in problem.melding


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("{% for %}", "de code houdt halverwege op (maak de code af of haal hem weg)"),
        ("{{ onderwerp | }}", "de code houdt halverwege op (maak de code af of haal hem weg)"),
        (
            "{{ onderwerp }} {% raw %} tekst",
            "{% raw %} wordt niet afgesloten (zet {% endraw %} erachter, of haal {% raw %} weg)",
        ),
        ("{% for x y %}", "'y' staat waar 'in' hoort (controleer spelling en leestekens)"),
        (
            "{{ 'tekst }}",
            "het teken ' hoort niet in de code (zet een tekst tussen twee rechte "
            "aanhalingstekens, en controleer de leestekens)",
        ),
    ],
)
def test_jinja_syntax_errors_are_said_in_dutch(tmp_path: Path, code: str, said: str) -> None:
    """Jinja's English ("Expected an expression, got 'end of statement block'") reached the
    clerk for the codes it had no Dutch for."""
    path = with_paragraph(tmp_path, f"Let op: {code}")
    [problem] = lint_voorstel(path)
    assert problem.melding == f"fout in de sjablooncode bij 'Let op: {code}': {said}"


def test_a_block_left_open_is_said_left_open_not_closed_elsewhere(tmp_path: Path) -> None:
    """Jinja's message at its paragraph; not that it closes in another, which it does not."""
    path = with_paragraph(tmp_path, "Let op: {% if onderwerp %} zonder einde")
    [problem] = lint_voorstel(path)
    assert problem.melding == (
        "fout in de sjablooncode bij 'Let op: {% if onderwerp %} zonder einde': het sjabloon "
        "houdt op terwijl {% if %} nog open staat (sluit het af zoals het begint: met "
        "{% endif %} in dezelfde alinea, {%p endif %} op een eigen regel of {%tr endif %} in "
        "een tabelrij)"
    )


def test_syntax_error_in_the_footer(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "Versie {{ onderwerp", where="footer")
    [problem] = lint_voorstel(path)
    assert problem.melding == (
        "in de voettekst: '{{ onderwerp' mist '}}' aan het eind (schrijf de code af met '}}', in "
        "dezelfde alinea)"
    )


def test_an_end_typed_apart_is_said_with_the_code_to_write(tmp_path: Path) -> None:
    """Was: 'eerst moet {% if %} gesloten worden (zet {% endif %} ervoor …)', which broke it
    further."""
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{%p endif %}", "{%p end if %}", 1))
    assert [(p.veld, p.melding) for p in lint_voorstel(path)] == [
        (
            "{%p end if %}",
            "{%p end if %} wordt niet herkend: schrijf '{%p endif %}', zonder spatie na end",
        )
    ]


def _voorstel_without(tmp_path: Path, *texts: str, added: tuple[str, ...] = ()) -> Path:
    """A copy of the voorstel template without its paragraphs of ``texts``, and with
    paragraphs of ``added`` at its end."""
    document = Document(str(VOORSTEL))
    for text in added:
        document.add_paragraph(text)
    gone = [p for p in document.paragraphs if p.text.strip() in texts]
    assert sorted(p.text.strip() for p in gone) == sorted(texts)
    for paragraph in gone:
        paragraph._element.getparent().remove(paragraph._element)
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    return path


def test_a_closing_left_behind_is_said_with_nothing_open(tmp_path: Path) -> None:
    """Was 'onbekende code {%p endif %} (gebruik alleen if, for …)' (template maintainer
    walk): a section taken out, its closing left."""
    path = _voorstel_without(tmp_path, "{%p if bijlagen %}", "{%p else %}", "Geen bijlagen.")
    assert [p.melding for p in lint_voorstel(path)] == [
        "fout in de sjablooncode bij '{%p endif %}': {%p endif %} zonder {%p if %} ervoor "
        "(haal {%p endif %} weg, of zet de {%p if … %} terug waar hij bij hoort)"
    ]
    path = _voorstel_without(tmp_path, "{%p if bijlagen %}")
    assert [p.melding for p in lint_voorstel(path)] == [
        "fout in de sjablooncode bij '{%p else %}': {%p else %} zonder {%p if %} ervoor (haal "
        "{%p else %} weg, of zet de {%p if … %} terug waar hij bij hoort)"
    ]


def test_a_closing_left_behind_among_alike_ones_is_said_after_the_text_before_it(
    tmp_path: Path,
) -> None:
    """One of several paragraphs of {%p endif %} alone: which one, by the text before it."""
    added = ("{%p if kenmerk %}", "Met kenmerk.", "{%p endif %}")
    path = _voorstel_without(
        tmp_path, "{%p if bijlagen %}", "{%p else %}", "Geen bijlagen.", added=added
    )
    assert [p.melding for p in lint_voorstel(path)] == [
        "fout in de sjablooncode bij '{%p endif %}{%p if kenmerk %}' (na '{{ "
        "bijlage.omschrijving }}{%tr endfor %}'): {%p endif %} zonder {%p if %} ervoor (haal "
        "{%p endif %} weg, of zet de {%p if … %} terug waar hij bij hoort)"
    ]


def test_an_unknown_code_is_still_said_unknown(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "Let op: {% herhaal %}")
    assert [p.melding for p in lint_voorstel(path)] == [
        "fout in de sjablooncode bij 'Let op: {% herhaal %}': onbekende code {% herhaal %} "
        "(gebruik alleen if, for en de velden van het sjabloon)"
    ]


def test_an_end_typed_apart_in_one_paragraph_is_said_once_as_typed(tmp_path: Path) -> None:
    """Also said as an {% if %} left open in another paragraph; the dashes lost in the fix."""
    path = with_paragraph(tmp_path, "Zie {%- if kenmerk -%}{{ kenmerk }}{%- end if -%} hier")
    assert [p.melding for p in lint_voorstel(path)] == [
        "{%- end if -%} wordt niet herkend: schrijf '{%- endif -%}', zonder spatie na end"
    ]


def test_codes_in_a_comment_or_a_raw_section_are_not_said_unclosed(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "Tekst {# voorbeeld: {{ kenmerk #} verder")
    assert lint_voorstel(path) == []


def _with_row(tmp_path: Path, cells: tuple[str, str]) -> Path:
    """A copy of the voorstel template with a table of one row of ``cells`` at its end."""
    document = Document(str(VOORSTEL))
    row = document.add_table(rows=1, cols=2).rows[0]
    for cell, text in zip(row.cells, cells, strict=True):
        cell.text = text
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("code", "holds"),
    [
        ("{% if portefeuillehouder is not none %}(PH){% endif %}", "altijd"),
        ("{{ portefeuillehouder if portefeuillehouder is not none else 'n.v.t.' }}", "altijd"),
        ("{% if portefeuillehouder != None %}(PH){% endif %}", "altijd"),
        ("{% if portefeuillehouder is none %}(geen){% endif %}", "nooit"),
        ("{% if portefeuillehouder == None %}(geen){% endif %}", "nooit"),
    ],
)
def test_a_test_for_none_is_warned_about(tmp_path: Path, code: str, holds: str) -> None:
    """A value left out is empty text to a template: such a test silently always or never
    holds."""
    path = with_paragraph(tmp_path, f"Portefeuillehouder {code}")
    said = [(p.ernst, p.melding) for p in lint_voorstel(path)]
    assert said == [
        (
            "waarschuwing",
            f"een weggelaten waarde is lege tekst, nooit none: deze test houdt dus {holds} "
            "(schrijf {% if veld %} of {% if not veld %})",
        )
    ]


def test_rows_of_a_table_in_a_table_are_each_their_own(tmp_path: Path) -> None:
    """The bijlagen table inside a layout table: its {%tr for %} and {%tr endfor %} are in rows
    of their own, not in the one row of the outer table that holds them."""
    document = Document(str(VOORSTEL))
    outer = document.add_table(rows=1, cols=1).rows[0].cells[0]
    inner = outer.add_table(rows=3, cols=1)
    for row, text in zip(
        inner.rows,
        ("{%tr for bijlage in bijlagen %}", "{{ bijlage.omschrijving }}", "{%tr endfor %}"),
        strict=True,
    ):
        row.cells[0].text = text
    document.save(str(tmp_path / "voorstel.docx"))
    assert lint_voorstel(tmp_path / "voorstel.docx") == []


def test_a_syntax_error_beside_another_paragraph_problem_is_said_too(tmp_path: Path) -> None:
    """Text beside a {%p %} code does not explain Jinja's error elsewhere: both are said."""
    document = Document(str(VOORSTEL))
    document.add_paragraph("{%p if kenmerk %} Zie hieronder")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Let op: {{ email | }}")
    document.save(str(tmp_path / "voorstel.docx"))
    said = [p.melding for p in lint_voorstel(tmp_path / "voorstel.docx")]
    assert len(said) == 2, said
    assert said[0].startswith("de tekst 'Zie hieronder' staat in dezelfde alinea als")
    assert said[1].startswith("fout in de sjablooncode bij 'Let op: {{ email | }}'")


def test_a_code_typed_wrong_is_said_at_itself_not_where_jinja_noticed(tmp_path: Path) -> None:
    """Jinja named a later code and advised a {% endfor %} that would make it worse."""
    unclosed = with_document_xml(
        tmp_path, lambda xml: xml.replace("{%p if bijlagen %}", "{%p if bijlagen }", 1)
    )
    assert [(p.veld, p.melding) for p in lint_voorstel(unclosed)] == [
        (
            "{%p if bijlagen }",
            "'{%p if bijlagen }' mist '%}' aan het eind (schrijf de code af met '%}', in "
            "dezelfde alinea)",
        )
    ]
    both = with_paragraph(tmp_path, "{%p if kenmerk %}{%p endif %}", where="footer")
    assert [(p.veld, p.melding) for p in lint_voorstel(both)] == [
        (
            "{%p endif %}",
            "in de voettekst: {%p if kenmerk %} en {%p endif %} staan in dezelfde alinea, en elk "
            "neemt de plaats van de hele alinea in (zet elke code in een eigen alinea, met "
            "Enter: Shift+Enter begint geen nieuwe)",
        )
    ]
    row = _with_row(tmp_path, ("{%tr if portefeuillehouder %}Portefeuillehouder", "{%tr endif %}"))
    assert [(p.veld, p.melding) for p in lint_voorstel(row)] == [
        (
            "{%tr endif %}",
            "{%tr if portefeuillehouder %} en {%tr endif %} staan in dezelfde tabelrij, en elk "
            "neemt de plaats van de hele rij in (zet elk in een eigen rij: de rij erboven en de "
            "rij eronder)",
        )
    ]
    document = Document(str(VOORSTEL))
    for text in ("{%tr if portefeuillehouder %}", "PH {{ portefeuillehouder }}", "{%tr endif %}"):
        document.add_paragraph(text)
    document.save(str(tmp_path / "voorstel.docx"))
    said = [(p.veld, p.melding) for p in lint_voorstel(tmp_path / "voorstel.docx")]
    assert said[0] == (
        "{%tr if portefeuillehouder %}",
        "{%tr if portefeuillehouder %} staat niet in een tabel: {%tr ... %} herhaalt of laat een "
        "tabelrij weg (schrijf buiten een tabel {%p ... %} op een eigen regel)",
    )


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "voorstel.docx"
    path.write_text("dit is geen Word-document")
    [problem] = lint_voorstel(path)
    assert problem.ernst == "fout"
    assert problem.format().startswith("templates/voorstel.docx: is geen Word-document (.docx)")


def test_missing_template_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "dossiers").mkdir(parents=True)
    copy_example(root, "templates")
    (root / "templates" / "memo.docx").unlink()
    problems = lint_templates(Project(root))
    assert [(problem.bestand, problem.ernst) for problem in problems] == [
        ("templates/memo.docx", "fout")
    ]
    assert "bestaat niet" in problems[0].melding


def test_a_template_named_with_other_capitals_is_said_so(tmp_path: Path) -> None:
    """'Voorstel.docx' was called missing, without the hint the logo check gives."""
    root = tmp_path / "project"
    (root / "dossiers").mkdir(parents=True)
    copy_example(root, "templates")
    (root / "templates" / "voorstel.docx").rename(root / "templates" / "Voorstel.docx")
    if (root / "templates" / "voorstel.docx").is_file():
        pytest.skip("a file system that ignores capitals")
    assert [p.format() for p in lint_templates(Project(root))] == [
        "templates/voorstel.docx: sjabloon voor 'voorstel' bestaat niet, 'Voorstel.docx' wel: "
        "hoofdletters en kleine letters tellen mee (noem het bestand voorstel.docx)"
    ]


def test_raw_block_leaves_a_tag_behind(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "{% raw %}{{ onderwerp }}{% endraw %}")
    [problem] = lint_voorstel(path)
    assert "wordt niet ingevuld" in problem.melding


def test_include_is_refused(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "{% include 'ander.docx' %}")
    [problem] = lint_voorstel(path)
    assert "geen andere sjablonen" in problem.melding


def test_tag_in_a_part_docxtpl_does_not_render(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(VOORSTEL) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = data.replace(
                    b"</Properties>", b"<Company>{{ onderwerp }}</Company></Properties>"
                )
            new.writestr(info, data)
    path = tmp_path / "voorstel.docx"
    path.write_bytes(out.getvalue())
    problems = lint_voorstel(path)
    assert any("docProps/app.xml" in problem.melding for problem in errors(problems))


def test_python_internals_are_reported_and_refused_by_rendering(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "{{ ''.__class__.__mro__ }}")
    [problem] = lint_voorstel(path)
    assert problem.ernst == "fout"
    assert problem.veld == "{{ ''.__class__.__mro__ }}"
    assert "'__class__' is geen veld" in problem.melding

    document = Voorstel.model_validate(VOORSTEL_DATA)
    context = build_context(document, Organisatie.model_validate({}), REPO)
    properties = DocumentProperties(title="t", subject="s", keywords="k", date=dt.date(2023, 4, 11))
    with pytest.raises(TemplateError) as caught:
        render_document(path, context, tmp_path / "out.docx", properties, label=LABEL)
    assert LABEL in caught.value.message
    assert not (tmp_path / "out.docx").exists()


def test_every_build_says_what_the_template_check_warns_about(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{{ onderwerp }}", ""))
    original = (example_project / "templates" / "voorstel.docx").read_bytes()
    shutil.copyfile(path, example_project / "templates" / "voorstel.docx")
    warning = (
        "templates/voorstel.docx: waarschuwing: onderwerp: het verplichte veld 'onderwerp' "
        "staat nergens in het sjabloon (voeg {{ onderwerp }} toe)"
    )
    check = run_cli("templates", "check", cwd=example_project)
    assert check.exit_code == 0
    assert check.stderr.splitlines() == [warning]
    assert check.stdout == "Sjablonen in orde (1 waarschuwing).\n"
    # The template still renders (with an empty Onderwerp), so only the check can tell: every
    # build says it, the first from the check, the next from what the first kept.
    first = run_cli("build", "--geen-pdf", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    assert warning in first.stderr.splitlines(), first.stderr
    # The next build says what the first kept, without checking the templates again.
    import assembler.lint

    def not_again(_project: Project) -> list[Problem]:
        raise AssertionError("the templates were checked again")

    with monkeypatch.context() as patched:
        patched.setattr(assembler.lint, "lint_templates", not_again)
        again = run_cli("build", "--geen-pdf", cwd=example_project)
    assert warning in again.stderr.splitlines(), again.stderr
    # The template put right: the kept answer is not said any more.
    (example_project / "templates" / "voorstel.docx").write_bytes(original)
    mended = run_cli("build", "--geen-pdf", cwd=example_project)
    assert mended.exit_code == 0 and "verplichte veld" not in mended.stderr, mended.stderr


def test_fixed_text_naming_a_confidential_dossier_is_said_where_it_becomes_public(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo template's own text names the confidential mandaat's kenmerk: said while a
    public memo is made with it, also by a build that reuses the kept check (the text is kept
    with it); not once every memo is confidential (review T6)."""
    template = example_project / "templates" / "memo.docx"
    document = Document(str(template))
    document.add_paragraph("Zie ook het mandaat (23-0002150).")
    document.save(str(template))
    said = (
        "templates/memo.docx: waarschuwing: Zie ook het mandaat (23-0002150).: de vaste tekst "
        "noemt het kenmerk '23.0002150' van dossiers/2023-06-23-pfho-ruimte-wonen/"
        "mandaat-woningbouwimpuls/dossier.yaml, dat niet openbaar is: zo komt het in elk "
        "openbaar stuk dat met dit sjabloon wordt gemaakt en stopt de export (haal die tekst uit "
        "het sjabloon)"
    )
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [said]
    import assembler.lint

    def not_again(*_args: object, **_options: object) -> list[Problem]:
        raise AssertionError("the templates were checked again")

    with monkeypatch.context() as patched:
        patched.setattr(assembler.lint, "lint_templates", not_again)
        built = run_cli("build", "--geen-pdf", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert said in built.stderr.splitlines(), built.stderr
    memo = example_project / "dossiers/2023-06-23-pfho-ruimte-wonen/memo-huisvestingsverordening"
    text = (memo / "dossier.yaml").read_text(encoding="utf-8")
    (memo / "dossier.yaml").write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"))
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert "templates/memo.docx" not in checked.stderr, checked.stderr


def test_fixed_text_naming_a_title_two_fields_share_is_said_once(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The confidential annex described by the dossier's own onderwerp: one text, one
    warning at the paragraph, as the gate says it once per file."""
    subject = "Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls"
    mandaat = example_project / "dossiers/2023-06-23-pfho-ruimte-wonen/mandaat-woningbouwimpuls"
    text = (mandaat / "dossier.yaml").read_text(encoding="utf-8")
    described = "omschrijving: Aanvraagformulier Woningbouwimpuls (vertrouwelijk)"
    assert described in text
    (mandaat / "dossier.yaml").write_text(text.replace(described, f"omschrijving: {subject}"))
    template = example_project / "templates" / "agenda.docx"
    document = Document(str(template))
    document.sections[0].header.add_paragraph(f"Bijlage: {subject}")
    document.save(str(template))
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [
        f"templates/agenda.docx: waarschuwing: Bijlage: {subject}: in de koptekst: de vaste "
        f"tekst noemt het onderwerp '{subject}' van dossiers/2023-06-23-pfho-ruimte-wonen/"
        "mandaat-woningbouwimpuls/dossier.yaml, dat niet openbaar is: zo komt het in elk "
        "openbaar stuk dat met dit sjabloon wordt gemaakt en stopt de export (haal die tekst uit "
        "het sjabloon, of maak, als het een gangbare titel is, het onderwerp van het "
        "vertrouwelijke dossier specifieker)"
    ]


def with_part(template: Path, target: Path, name: str, xml: bytes) -> Path:
    """A copy of ``template`` with the zip part ``name`` added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(template) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info, old.read(info.filename))
        new.writestr(name, xml)
    target.write_bytes(out.getvalue())
    return target


def test_a_tag_in_a_template_comment_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """The documents are made without the template's comments: a tag there shows nowhere."""
    comments = (
        b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:comment w:id="0" w:author="C"><w:p><w:r><w:t>Hier komt {{ kenmerk }}</w:t></w:r>'
        b"</w:p></w:comment></w:comments>"
    )
    path = with_part(VOORSTEL, tmp_path / "voorstel.docx", "word/comments.xml", comments)
    assert [(p.ernst, p.melding) for p in lint_voorstel(path)] == [
        (
            "waarschuwing",
            "code in een opmerking wordt niet ingevuld, en de opmerkingen komen niet in de "
            "documenten (zet de code in de tekst als die ingevuld moet worden)",
        )
    ]


TRACKED = (
    '<w:del w:id="1" w:author="C" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>'
    "{{ contactpersoon }}</w:delText></w:r></w:del>"
    '<w:ins w:id="2" w:author="C" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Team Communicatie'
    "</w:t></w:r></w:ins>"
)


def _outputs(root: Path) -> dict[str, bytes]:
    build = root / "build"
    return {
        p.relative_to(build).as_posix(): p.read_bytes()
        for p in sorted(build.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def _problems(stderr: str) -> list[str]:
    """The build's messages, without its progress and summary."""
    return [line for line in stderr.splitlines() if line.startswith(("templates/", "dossiers/"))]


def test_a_build_installs_nothing_a_template_the_check_finds_wrong_made(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Tracked changes render without an error, struck through in every voorstel: the build
    says the check's error (exit 2) and keeps the voorstellen and meetings it had."""
    first = run_cli("build", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    before = _outputs(example_project)
    template = example_project / "templates" / "voorstel.docx"
    original = template.read_bytes()
    broken = with_document_xml(
        tmp_path, lambda xml: xml.replace("<w:r><w:t>{{ eenheid }}</w:t></w:r>", TRACKED, 1)
    )
    shutil.copyfile(broken, template)
    check = run_cli("templates", "check", cwd=example_project)
    assert check.exit_code == 2
    said = check.stderr.splitlines()
    assert "bijgehouden wijzigingen" in said[0], said
    meetings = [
        f"dossiers/{name}/vergadering.yaml: waarschuwing: agenda en vergaderbundel zijn niet "
        "bijgewerkt omdat het sjabloon templates/voorstel.docx niet gebruikt kon worden (zie de "
        "melding daarover)"
        for name in ("2023-05-26-pfho-economie", "2023-06-23-pfho-ruimte-wonen")
    ]
    # The first build checks the templates while LibreOffice converts; the second knows the
    # answer and converts nothing made with the template.
    for attempt in ("first", "second"):
        result = run_cli("build", cwd=example_project)
        assert result.exit_code == 2, (attempt, result.stderr)
        assert _problems(result.stderr) == [*said, *meetings], (attempt, result.stderr)
        after = _outputs(example_project)
        assert after == before, attempt
    template.write_bytes(original)
    mended = run_cli("build", cwd=example_project)
    assert mended.exit_code == 0 and _problems(mended.stderr) == [], mended.stderr
    assert _outputs(example_project).keys() == before.keys()


def test_a_build_keeps_the_agendas_an_agenda_template_the_check_finds_wrong_made(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    first = run_cli("build", "--geen-pdf", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    before = _outputs(example_project)
    template = example_project / "templates" / "agenda.docx"
    broken = with_document_xml(
        tmp_path,
        lambda xml: xml.replace(
            "</w:body>",
            "<w:p>" + TRACKED.replace("contactpersoon", "overleg") + "</w:p></w:body>",
            1,
        ),
        template=TEMPLATES / "agenda.docx",
    )
    shutil.copyfile(broken, template)
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2, result.stderr
    lines = _problems(result.stderr)
    assert lines[0].startswith("templates/agenda.docx: "), lines
    assert "bijgehouden wijzigingen" in lines[0]
    assert lines[1:] == [
        f"dossiers/{name}/vergadering.yaml: waarschuwing: de agenda's zijn niet bijgewerkt "
        "omdat het agendasjabloon niet gebruikt kon worden (zie de melding over "
        "templates/agenda.docx)"
        for name in ("2023-05-26-pfho-economie", "2023-06-23-pfho-ruimte-wonen")
    ]
    assert _outputs(example_project) == before


def test_the_template_check_runs_in_the_builds_own_thread(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads importing the render stack at once deadlocked in Python's import locks
    (about one build in ten after a template change)."""
    import threading

    import assembler.lint

    threads: list[str] = []
    real = assembler.lint.lint_templates

    def recorded(project: Project, names: object = None, fixed: Any = None) -> list[Problem]:
        threads.append(threading.current_thread().name)
        return real(project, fixed=fixed)

    monkeypatch.setattr(assembler.lint, "lint_templates", recorded)
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert threads == [threading.main_thread().name]


def test_a_template_that_never_marks_a_confidential_document_is_wrong(
    tmp_path: Path,
) -> None:
    """Only the bundles are stamped: voorstel.pdf and the Word file go out on their own too."""
    path = tmp_path / "voorstel.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(VOORSTEL) as original, zipfile.ZipFile(out, "w") as new:
        marked = [n for n in original.namelist() if b"niet_openbaar" in original.read(n)]
        assert marked, "the shipped template marks confidential documents"
        for info in original.infolist():
            new.writestr(info, original.read(info.filename).replace(b"niet_openbaar", b"False"))
    path.write_bytes(out.getvalue())
    # The voorstel asks verspreiden too (its Algemeen table), which may carry the mark: the
    # filled-in samples tell that none shows it.
    assert [(p.ernst, p.veld, p.melding) for p in lint_voorstel(path)] == [
        (
            "fout",
            "niet_openbaar",
            "de kop- en voettekst zeggen bij een vertrouwelijk stuk nergens NIET OPENBAAR, en "
            "elke pagina moet dat tonen (zet {% if niet_openbaar %}NIET OPENBAAR{% endif %} in "
            "de koptekst)",
        )
    ]


def test_a_block_never_closed_is_said_where_it_opens_not_at_the_end(tmp_path: Path) -> None:
    """Jinja notices at the document's end; the message quotes the row that opens the loop."""
    path = with_document_xml(
        tmp_path,
        lambda xml: xml.replace("{%tr endfor %}", "", 1) if "{%tr endfor %}" in xml else xml,
    )
    with zipfile.ZipFile(VOORSTEL) as original:
        assert b"{%tr endfor %}" in original.read("word/document.xml")
    problems = errors(lint_voorstel(path))
    assert len(problems) == 1, problems
    assert "bij 'Omschrijving{%tr for item in voorstel %}':" in problems[0].melding, problems
    assert "het sjabloon houdt op terwijl {% for %} nog open staat" in problems[0].melding


def test_a_wrong_template_this_build_does_not_use_is_a_warning_not_exit_2(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The memo template is wrong, the meeting built has no memo: nothing it made is wrong."""
    broken = with_document_xml(
        tmp_path,
        lambda xml: xml.replace(
            "</w:body>", "<w:p>" + TRACKED.replace("contactpersoon", "van") + "</w:p></w:body>", 1
        ),
        template=TEMPLATES / "memo.docx",
    )
    shutil.copyfile(broken, example_project / "templates" / "memo.docx")
    result = run_cli(
        "build", "--geen-pdf", "dossiers/2023-05-26-pfho-economie", cwd=example_project
    )
    assert result.exit_code == 0, result.stderr
    (line,) = _problems(result.stderr)
    assert line.startswith("templates/memo.docx: waarschuwing: ")
    assert line.endswith("; de gekozen vergadering heeft dit sjabloon niet nodig")
    assert "bijgehouden wijzigingen" in line


def test_a_template_a_newer_check_finds_wrong_is_an_error_while_its_documents_stay(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept voorstellen were made with it: the template is used, whatever this build remade."""
    import assembler.build_cache
    import assembler.lint

    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    newer = assembler.build_cache.TEMPLATE_CHECK_VERSION + 1
    monkeypatch.setattr(assembler.build_cache, "TEMPLATE_CHECK_VERSION", newer)
    ruled = Problem("templates/voorstel.docx", None, "", "een nieuwe regel")
    monkeypatch.setattr(
        assembler.lint, "lint_templates", lambda _project, _names=None, fixed=None: [ruled]
    )
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2, result.stderr
    assert _problems(result.stderr) == ["templates/voorstel.docx: een nieuwe regel"]
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in result.stderr


def test_agenda_decisions_under_another_name_are_warned_about(tmp_path: Path) -> None:
    """The build restarts the list of the paragraph that shows {{ besluit }}; a maintainer who
    renames the loop's value would see item 4's decisions numbered 4., 5., … without a word."""
    project = tmp_path / "project"
    copy_example(project, "templates")
    agenda = project / "templates" / "agenda.docx"
    document = Document(str(agenda))
    renamed = 0
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if "besluit" in run.text:
                run.text = run.text.replace("besluit", "voorstel")
                renamed += 1
    assert renamed >= 2  # the loop and the value shown
    document.save(str(agenda))

    problems = lint_templates(Project(project), {"agenda"})

    assert [p.format() for p in warnings(problems)] == [
        "templates/agenda.docx: waarschuwing: de voorgestelde besluiten tellen niet per agendapunt "
        "vanaf 1 "
        "(toon elk besluit als {{ besluit }} in een genummerde alinea: {%p for besluit in "
        "punt.voorstellen %}, zoals in het agendasjabloon in de map templates/ die bij "
        "assembler hoort)"
    ]
    assert errors(problems) == []


@pytest.mark.parametrize(
    ("template", "field"), [(VOORSTEL, "toelichting"), (TEMPLATES / "memo.docx", "tekst")]
)
def test_a_template_without_the_documents_own_text_is_wrong(
    tmp_path: Path, template: Path, field: str
) -> None:
    """Without {{p toelichting }} every voorstel was built without its text, exit 0, and the
    warning's hint ({{ toelichting }}) was itself refused when followed."""
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace(f"<w:t>{{{{p {field} }}}}</w:t>", "<w:t></w:t>"), template
    )
    label = f"templates/{template.name}"
    problems = lint_template(path, document_spec(template.stem), label)
    assert [p.format() for p in problems] == [
        f"{label}: {field}: '{field}', de tekst van het stuk, staat nergens in het sjabloon en "
        f"zou uit elk document wegvallen (zet {{{{p {field} }}}} op een eigen regel)"
    ]
    assert errors(problems) == problems


def test_a_field_in_single_braces_is_warned_about(tmp_path: Path) -> None:
    """'{email}', as other mail-merge tools write a field, was printed in every footer."""
    path = with_paragraph(tmp_path, "Mail {email} of {rij.doel}; {noot} en {2023}", where="footer")
    assert [p.format() for p in lint_voorstel(path)] == [
        "templates/voorstel.docx: waarschuwing: {email}: in de voettekst: '{email}' staat tussen "
        "enkele accolades, wordt niet ingevuld en komt zo in het document (schrijf {{ email }})"
    ]
    row = "{{ rij.overleg }}"  # a loop's name too
    path = with_document_xml(tmp_path, lambda xml: xml.replace(row, row + " { rij.doel }", 1))
    assert [p.veld for p in warnings(lint_voorstel(path))] == ["{ rij.doel }"]


def test_codes_are_named_as_typed_so_that_word_finds_them(tmp_path: Path) -> None:
    """{%p if financien %} was named '{% if financien %}', which Word's Find does not find."""
    path = with_document_xml(
        tmp_path, lambda xml: xml.replace("{%p if bijlagen %}", "{%p if financien %}", 1)
    )
    [problem] = errors(lint_voorstel(path))
    assert problem.veld == "{%p if financien %}"
    path = with_document_xml(tmp_path, lambda xml: xml.replace("{%p endif %}", "{%p end if %}"))
    [problem] = errors(lint_voorstel(path))
    assert problem.veld == "{%p end if %}" and "{% end %}" not in problem.melding


# --------------------------------------------------------------------------- unseen in the template

HIDDEN_ADVICE = (
    "(haal de tekst weg, of maak haar zichtbaar: in Word via Lettertype, vinkje Verborgen uit; "
    "Start › ¶ toont verborgen tekst)"
)


def test_hidden_text_in_a_template_is_warned_about(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Hidden text is not in the PDF, but it is in every Word file, public ones too."""
    document = Document(str(VOORSTEL))
    run = document.add_paragraph().add_run(
        "Interne notitie: onderhandelingsruimte 23.0002150 tot 6,4 miljoen euro"
    )
    run.font.hidden = True
    document.add_paragraph().add_run("Zichtbaar weer").font.hidden = False
    document.save(str(example_project / "templates" / "voorstel.docx"))
    check = run_cli("templates", "check", cwd=example_project)
    secret = "dossiers/2023-06-23-pfho-ruimte-wonen/mandaat-woningbouwimpuls/dossier.yaml"
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: waarschuwing: verborgen tekst komt in elk Word-document mee, "
        "ook in de openbare, al toont de PDF haar niet: 'Interne notitie: onderhandelingsruimte "
        f"23.0002150 tot 6,4 mi…' {HIDDEN_ADVICE}",
        # And, as check says it: the kenmerk of a confidential dossier (review T6).
        "templates/voorstel.docx: waarschuwing: Interne notitie: onderhandelingsruimte "
        "23.0002150 tot 6,4 miljoen euro: de vaste tekst noemt het kenmerk '23.0002150' van "
        f"{secret}, dat niet openbaar is: zo komt het in elk openbaar stuk dat met dit sjabloon "
        "wordt gemaakt en stopt de export (haal die tekst uit het sjabloon)",
    ]
    assert (check.exit_code, check.stdout) == (0, "Sjablonen in orde (2 waarschuwingen).\n")


def test_a_style_that_hides_text_is_warned_about_where_it_is_used(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document(str(VOORSTEL))
    style = document.styles.add_style("Notitie", WD_STYLE_TYPE.PARAGRAPH)
    style.font.hidden = True
    document.styles.add_style("Ongebruikt", WD_STYLE_TYPE.PARAGRAPH).font.hidden = True
    document.sections[0].header.add_paragraph("Alleen voor intern gebruik", style="Notitie")
    document.save(str(example_project / "templates" / "voorstel.docx"))
    check = run_cli("templates", "check", cwd=example_project)
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: waarschuwing: in de koptekst: verborgen tekst komt in elk "
        "Word-document mee, ook in de openbare, al toont de PDF haar niet: de opmaakstijl "
        "'Notitie' verbergt 'Alleen voor intern gebruik' (zet in Word bij de stijl Wijzigen › "
        "Opmaak › Lettertype het vinkje Verborgen uit, of haal de tekst weg)"
    ]


def _font_warning(font: str, substitute: str) -> str:
    return (
        f"templates/voorstel.docx: waarschuwing: {font}: het lettertype '{font}' is niet "
        f"geïnstalleerd op deze computer: de documenten gebruiken in plaats daarvan {substitute}, "
        "en tekst kan anders over de regels en pagina's lopen (laat de beheerder het lettertype "
        "installeren, of kies in het sjabloon een lettertype dat er wel is)"
    )


def test_a_house_font_that_is_not_installed_is_named_with_what_replaces_it(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    from assembler.text_warnings import font_substitute, installed_font_families

    if installed_font_families() is None or font_substitute("Gotham Book") is None:
        pytest.skip("fontconfig (fc-list, fc-match) is not installed")
    document = Document(str(VOORSTEL))
    for name in ("Normal", "Tabeltekst", "Tabelkop"):
        document.styles[name].font.name = "Gotham Book"
    # Arial is not installed either, but its twin of the same measures takes its place.
    document.add_paragraph().add_run("Arial").font.name = "Arial"
    document.save(str(example_project / "templates" / "voorstel.docx"))
    check = run_cli("templates", "check", cwd=example_project)
    assert check.stderr.splitlines() == [
        _font_warning("Gotham Book", str(font_substitute("Gotham Book")))
    ]
    assert check.exit_code == 0


def _fonts_installed(monkeypatch: pytest.MonkeyPatch, substitute: str) -> None:
    """The template's own fonts (Liberation Sans and Mono) installed, the rest replaced by
    ``substitute``, whatever this machine has."""
    from assembler import template_style

    installed = frozenset({"liberation sans", "liberation mono"})
    monkeypatch.setattr(template_style, "installed_font_families", lambda: installed)
    monkeypatch.setattr(template_style, "font_substitute", lambda font: substitute)


def test_a_theme_font_counts_only_where_the_text_is_set_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Word theme names Calibri and Cambria; only a run set in the theme's font uses one."""
    from assembler import template_style

    _fonts_installed(monkeypatch, "DejaVu Sans")
    assert template_style.style_warnings(VOORSTEL, LABEL) == []
    path = with_document_xml(
        tmp_path,
        lambda xml: xml.replace(
            "<w:t>Toelichting</w:t>",
            '<w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:hAnsiTheme="majorHAnsi"/></w:rPr>'
            "<w:t>Toelichting</w:t>",
            1,
        ),
    )
    said = template_style.style_warnings(path, LABEL)
    # This theme's heading (major) font is Calibri.
    assert [(p.veld, p.ernst) for p in said] == [("Calibri", "waarschuwing")]
    assert said[0].melding.startswith(
        "het lettertype 'Calibri' is niet geïnstalleerd op deze computer: de documenten "
        "gebruiken in plaats daarvan DejaVu Sans,"
    )


def test_without_fontconfig_no_font_is_warned_about(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembler import template_style

    monkeypatch.setattr(template_style, "installed_font_families", lambda: None)
    document = Document(str(VOORSTEL))
    document.styles["Normal"].font.name = "Gotham Book"
    document.save(str(example_project / "templates" / "voorstel.docx"))
    check = run_cli("templates", "check", cwd=example_project)
    assert (check.exit_code, check.stderr, check.stdout) == (0, "", "Sjablonen in orde.\n")


def test_a_build_stops_warning_of_a_font_once_it_is_installed(
    example_project: Path,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A build keeps the template check's answer: installing the font must not leave the old
    warning said at every build until a template changes."""
    from assembler import template_style

    data_home = tmp_path / "data"
    (data_home / "fonts").mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    installed = {"liberation sans", "liberation serif", "dejavu sans"}
    monkeypatch.setattr(template_style, "installed_font_families", lambda: frozenset(installed))
    monkeypatch.setattr(template_style, "font_substitute", lambda font: "DejaVu Sans")
    document = Document(str(VOORSTEL))
    document.styles["Normal"].font.name = "Gotham Book"
    document.save(str(example_project / "templates" / "voorstel.docx"))
    warning = _font_warning("Gotham Book", "DejaVu Sans")
    first = run_cli("build", "--geen-pdf", cwd=example_project)
    assert warning in first.stderr.splitlines(), first.stderr

    # The font is installed: a file in the user's font folder, which fontconfig then lists.
    shutil.copyfile(next(Path("/usr/share/fonts").rglob("*.ttf")), data_home / "fonts" / "g.ttf")
    installed.add("gotham book")
    again = run_cli("build", "--geen-pdf", cwd=example_project)
    assert warning not in again.stderr.splitlines(), again.stderr


def test_a_rich_text_code_for_a_plain_field_is_refused_before_it_prints_nothing(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """'{{r onderwerp }}' passed the check and the onderwerp came out as an empty line (review
    tguide): no field is formatted text."""
    path = with_document_xml(
        example_project / "templates",
        lambda xml: xml.replace("{{ onderwerp }}", "{{r onderwerp }}", 1),
    )
    assert path == example_project / "templates" / "voorstel.docx"
    check = run_cli("templates", "check", cwd=example_project)
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: {{r onderwerp }}: de r in deze code is voor opgemaakte tekst, "
        "en dit veld is gewone tekst: de waarde komt niet in het document (schrijf "
        "{{ onderwerp }})"
    ]
    assert (check.stdout, check.exit_code) == ("Niet in orde: 1 fout in 1 sjabloon.\n", 2)
    built = run_cli("build", "--geen-pdf", cwd=example_project)
    assert built.exit_code == 2, built.stderr


def test_a_font_name_with_a_space_typed_after_it_is_that_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Liberation Sans ' was said not to be installed, replaced by Liberation Sans (revG G7)."""
    from assembler import template_style

    _fonts_installed(monkeypatch, "Liberation Sans")
    path = with_document_xml(
        tmp_path,
        lambda xml: xml.replace(
            "<w:t>Toelichting</w:t>",
            '<w:rPr><w:rFonts w:ascii="Liberation Sans " w:hAnsi="Liberation Sans "/></w:rPr>'
            "<w:t>Toelichting</w:t>",
            1,
        ),
    )
    assert template_style.style_warnings(path, LABEL) == []


def test_a_code_in_a_document_property_is_said_not_to_reach_the_documents(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The check passed 'Kenmerk {{ kenmerk }}' in Opmerkingen, which the documents now leave
    empty (review revG G4)."""
    document = Document(str(VOORSTEL))
    document.core_properties.comments = "Kenmerk {{ kenmerk }}"
    document.save(str(example_project / "templates" / "voorstel.docx"))
    check = run_cli("templates", "check", cwd=example_project)
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: waarschuwing: Kenmerk {{ kenmerk }}: in documenteigenschap "
        "comments: een code in een documenteigenschap komt niet in de documenten: assembler "
        "zet de titel, het onderwerp, de auteur en de taal zelf en laat de andere eigenschappen "
        "leeg (haal de code weg)"
    ]
    assert check.exit_code == 0

"""The template check fills a template in for a confidential and a public sample: every kind of
page a confidential document has must say NIET OPENBAAR in its header or footer, and no public
document may say it (review tmpl2, T1 and T2)."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from assembler.lint import agenda_spec, document_spec, lint_template, lint_templates
from assembler.project import Project
from tests.conftest import CliResult

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
VOORSTEL = TEMPLATES / "voorstel.docx"
AGENDA = TEMPLATES / "agenda.docx"
CODE = "{% if niet_openbaar %}NIET OPENBAAR{% endif %}"
MISSING = (
    "{label}: niet_openbaar: de kop- en voettekst{of} zeggen bij een vertrouwelijk stuk nergens "
    "NIET OPENBAAR, en elke pagina moet dat tonen (zet {code} in de koptekst{of}{advice})"
)
FIRST_ADVICE = "; die heeft in Word een eigen koptekst: 'Andere eerste pagina' staat aan"
EVEN_ADVICE = (
    "; die hebben in Word een eigen koptekst: 'Even en oneven pagina's verschillend' staat aan"
)
PUBLIC = (
    "{label}: niet_openbaar: bij een openbaar stuk staat NIET OPENBAAR in {where}, en dat mag "
    "alleen op vertrouwelijke stukken (zet het tussen {{% if niet_openbaar %}} en "
    "{{% endif %}})"
)


def missing(label: str, of: str = "", advice: str = "") -> str:
    return MISSING.format(label=label, of=of, advice=advice, code=CODE)


def shown_publicly(label: str, where: str) -> str:
    return PUBLIC.format(label=label, where=where)


def with_edited_part(template: Path, target: Path, name: str, old: str, new: str) -> Path:
    """A copy of ``template`` with ``old`` replaced by ``new`` in its zip part ``name``."""
    out = io.BytesIO()
    with zipfile.ZipFile(template) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == name:
                text = data.decode("utf-8")
                assert old in text, f"{old!r} not in {name}"
                data = text.replace(old, new).encode("utf-8")
            copy.writestr(info, data)
    target.write_bytes(out.getvalue())
    return target


def inverted(template: Path, target: Path) -> Path:
    """The mark shown on public documents instead of confidential ones."""
    return with_edited_part(
        template, target, "word/header1.xml", CODE, CODE.replace("if niet", "if not niet")
    )


def another_word(template: Path, target: Path) -> Path:
    """A word of the house style's own instead of NIET OPENBAAR."""
    return with_edited_part(
        template, target, "word/header1.xml", CODE, CODE.replace("NIET OPENBAAR", "Vertrouwelijk")
    )


def first_page_of_its_own(target: Path, *, first_header: str = "{{ organisatie.naam }}") -> Path:
    """The shipped voorstel with a first page of its own (a large logo, the address)."""
    document = Document(str(VOORSTEL))
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = first_header
    section.first_page_footer.paragraphs[0].text = "Postbus 1, 1230 AA Loosdrecht"
    document.save(str(target))
    return target


def even_pages_of_their_own(target: Path, *, even_header: str = "{{ organisatie.naam }}") -> Path:
    """The shipped voorstel with headers of their own on even pages."""
    document = Document(str(VOORSTEL))
    document.settings.odd_and_even_pages_header_footer = True
    document.sections[0].even_page_header.paragraphs[0].text = even_header
    document.save(str(target))
    return target


def lint_voorstel(path: Path) -> list[str]:
    return [p.format() for p in lint_template(path, document_spec("voorstel"), LABEL)]


LABEL = "templates/voorstel.docx"


# --------------------------------------------------------------------------- the check


def test_the_shipped_templates_mark_confidential_documents_and_only_those() -> None:
    assert [p.format() for p in lint_templates(Project(REPO))] == []


def test_a_mark_shown_on_public_documents_instead_of_confidential_ones_is_wrong(
    tmp_path: Path,
) -> None:
    """{% if not niet_openbaar %}: every public voorstel said NIET OPENBAAR, the confidential
    voorstel.pdf nothing, and the check said 'Sjablonen in orde.'"""
    path = inverted(VOORSTEL, tmp_path / "voorstel.docx")
    assert lint_voorstel(path) == [missing(LABEL), shown_publicly(LABEL, "de koptekst")]


def test_an_inverted_mark_on_the_agenda_is_wrong(tmp_path: Path) -> None:
    label = "templates/agenda.docx"
    path = inverted(AGENDA, tmp_path / "agenda.docx")
    assert [p.format() for p in lint_template(path, agenda_spec(), label)] == [
        missing(label),
        shown_publicly(label, "de koptekst"),
    ]


def test_another_word_for_the_mark_is_wrong(tmp_path: Path) -> None:
    """'Vertrouwelijk' uses niet_openbaar, but the archival PDF never says NIET OPENBAAR."""
    path = another_word(VOORSTEL, tmp_path / "voorstel.docx")
    assert lint_voorstel(path) == [missing(LABEL)]


def test_a_first_page_header_without_the_mark_is_wrong(tmp_path: Path) -> None:
    """Page 1 of a confidential voorstel.pdf was unmarked, its later pages marked."""
    path = first_page_of_its_own(tmp_path / "voorstel.docx")
    assert lint_voorstel(path) == [missing(LABEL, " van de eerste pagina", FIRST_ADVICE)]


def test_a_first_page_without_a_header_of_its_own_is_an_empty_one(tmp_path: Path) -> None:
    """Word shows no header on page 1 when 'Andere eerste pagina' is on and it has none."""
    path = with_edited_part(
        VOORSTEL,
        tmp_path / "voorstel.docx",
        "word/document.xml",
        "<w:pgSz ",
        "<w:titlePg/><w:pgSz ",
    )
    assert lint_voorstel(path) == [missing(LABEL, " van de eerste pagina", FIRST_ADVICE)]


def test_an_even_page_header_without_the_mark_is_wrong(tmp_path: Path) -> None:
    path = even_pages_of_their_own(tmp_path / "voorstel.docx")
    assert lint_voorstel(path) == [missing(LABEL, " van de even pagina's", EVEN_ADVICE)]


def test_the_mark_in_the_footer_of_a_first_page_is_enough(tmp_path: Path) -> None:
    document = Document(str(first_page_of_its_own(tmp_path / "voorstel.docx")))
    document.sections[0].first_page_footer.add_paragraph(CODE)
    document.save(str(tmp_path / "voorstel.docx"))
    assert lint_voorstel(tmp_path / "voorstel.docx") == []


def test_a_template_marking_every_kind_of_page_passes(tmp_path: Path) -> None:
    document = Document(str(VOORSTEL))
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "{{ organisatie.naam }} " + CODE
    # Split over runs and in other capitals, as a maintainer may type it.
    paragraph = section.even_page_header.paragraphs[0]
    paragraph.add_run("{% if niet_openbaar %}Niet ")
    paragraph.add_run("openbaar{% endif %}")
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    assert lint_voorstel(path) == []


def test_a_later_section_keeps_the_headers_of_the_one_before(tmp_path: Path) -> None:
    """A section without headers of its own shows the previous section's: marked. One with a
    first page of its own and no header for it shows an empty one there."""
    document = Document(str(VOORSTEL))
    document.add_section()
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    assert lint_voorstel(path) == []
    document.sections[1].different_first_page_header_footer = True
    document.save(str(path))
    assert lint_voorstel(path) == [
        missing(LABEL, " van de eerste pagina van sectie 2", FIRST_ADVICE)
    ]


def test_a_mark_that_asks_verspreiden_instead_passes(tmp_path: Path) -> None:
    """The samples agreed, but the check refused any template without niet_openbaar before it
    looked at them (review revG G6)."""
    asked = "{% if verspreiden == 'Nee' %}NIET OPENBAAR{% endif %}"
    path = with_edited_part(VOORSTEL, tmp_path / "voorstel.docx", "word/header1.xml", CODE, asked)
    assert lint_voorstel(path) == []


def test_the_mark_in_the_text_of_a_public_document_is_wrong(tmp_path: Path) -> None:
    document = Document(str(VOORSTEL))
    document.add_paragraph("Dit stuk is NIET   OPENBAAR.")
    path = tmp_path / "voorstel.docx"
    document.save(str(path))
    assert lint_voorstel(path) == [shown_publicly(LABEL, "de tekst")]


@pytest.mark.parametrize("template", [VOORSTEL, AGENDA], ids=["voorstel", "agenda"])
def test_a_sentence_that_says_niet_openbaar_in_the_text_is_no_mark(
    tmp_path: Path, template: Path
) -> None:
    """'Bijlagen die niet openbaar zijn, liggen ter inzage' stopped every build of the kind
    (review revG G1): in the text, only the capitals of a mark are one."""
    document = Document(str(template))
    document.add_paragraph("Bijlagen die niet openbaar zijn, liggen ter inzage.")
    document.add_paragraph("Deze bijlage is Niet openbaar.")
    path = tmp_path / template.name
    document.save(str(path))
    label = f"templates/{template.name}"
    spec = document_spec("voorstel") if template == VOORSTEL else agenda_spec()
    assert [p for p in lint_template(path, spec, label) if p.veld == "niet_openbaar"] == []


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            lambda target: inverted(VOORSTEL, target),
            [shown_publicly(LABEL, "de koptekst"), missing(LABEL)],
        ),
        (lambda target: another_word(VOORSTEL, target), [missing(LABEL)]),
        (first_page_of_its_own, [missing(LABEL, " van de eerste pagina", FIRST_ADVICE)]),
        (even_pages_of_their_own, [missing(LABEL, " van de even pagina's", EVEN_ADVICE)]),
    ],
    ids=["inverted", "vertrouwelijk", "first-page", "even-pages"],
)
def test_templates_check_and_build_refuse_a_template_that_marks_wrongly(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    make: Callable[[Path], Path],
    said: list[str],
) -> None:
    shutil.copyfile(
        make(tmp_path / "voorstel.docx"), example_project / "templates" / "voorstel.docx"
    )
    check = run_cli("templates", "check", cwd=example_project)
    assert (check.exit_code, check.stderr.splitlines()) == (2, said)
    built = run_cli("build", "--geen-pdf", cwd=example_project)
    assert built.exit_code == 2, built.stderr
    lines = [line for line in built.stderr.splitlines() if line.startswith("templates/")]
    assert lines == said, built.stderr


# --------------------------------------------------------------------------- the build

SECRET = "dossiers/2023-06-23-pfho-ruimte-wonen/mandaat-woningbouwimpuls"


def test_a_build_warns_of_pages_of_a_confidential_voorstel_that_do_not_show_the_mark(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Hidden text passes the check (it reads the words), but the PDF does not show them: the
    build, which reads the confidential voorstel's text for the bundle's stamps anyway, says
    which pages of voorstel.pdf went out unmarked (the bundle is stamped)."""
    template = example_project / "templates" / "voorstel.docx"
    with_edited_part(
        VOORSTEL,
        template,
        "word/header1.xml",
        '<w:sz w:val="20"/></w:rPr><w:t>' + CODE,
        '<w:sz w:val="20"/><w:vanish/></w:rPr><w:t>' + CODE,
    )
    assert run_cli("templates", "check", cwd=example_project).exit_code == 0
    built = run_cli("build", SECRET, cwd=example_project)
    assert built.exit_code == 0, built.stderr
    (voorstel,) = (example_project / "build").glob(
        "2023-06-23-*/*-mandaat-woningbouwimpuls/voorstel.pdf"
    )
    shown = voorstel.relative_to(example_project).as_posix()
    warning = (
        "templates/voorstel.docx: waarschuwing: niet_openbaar: op pagina's 1 en 2 van "
        f"{shown} staat nergens NIET OPENBAAR, en een vertrouwelijk stuk moet dat op elke "
        "pagina tonen (alleen de bundel is daar gestempeld): zet " + CODE + " zichtbaar in "
        "de kop- of voettekst van het sjabloon, niet als verborgen tekst"
    )
    assert warning in built.stderr.splitlines(), built.stderr
    # The next build, with nothing changed, says it again from what the first kept.
    again = run_cli("build", SECRET, cwd=example_project)
    assert warning in again.stderr.splitlines(), again.stderr
    # The shipped template's mark shows: no warning.
    shutil.copyfile(VOORSTEL, template)
    mended = run_cli("build", SECRET, cwd=example_project)
    assert mended.exit_code == 0 and "niet_openbaar" not in mended.stderr, mended.stderr

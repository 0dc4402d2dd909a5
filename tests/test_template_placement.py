"""The template check on where a code stands: the document's text in a text box, frame or
fixed-height row, or inside a condition on another field; a picture linked from outside the
template; a loop's name used outside its loop; and a code that takes a row from a list a
dossier left empty (review tmpl2: T3, T4, T5, T7, T10, T11)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

from tests.conftest import WONEN, CliResult

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
LOGO = REPO / "dossiers" / "huisstijl" / "logo.png"
TOELICHTING = "<w:p><w:r><w:t>{{p toelichting }}</w:t></w:r></w:p>"
RES = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"


def edited(template: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """A copy of ``template`` at ``target`` whose parts named in ``edits`` went through them."""
    out = io.BytesIO()
    with zipfile.ZipFile(template) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in edits:
                text = data.decode("utf-8")
                changed = edits[info.filename](text)
                assert changed != text, f"the edit of {info.filename} did not apply"
                data = changed.encode("utf-8")
            new.writestr(info, data)
    target.write_bytes(out.getvalue())
    return target


def replace(old: str, new: str) -> Callable[[str], str]:
    return lambda xml: xml.replace(old, new, 1)


def text_box(paragraph: str) -> str:
    """A paragraph holding a Word text box with ``paragraph`` in it, as Word writes one: the
    DrawingML shape and its VML fallback, each with the text."""
    return (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
        'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
        '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0'
        '</wp:posOffset></wp:positionV><wp:extent cx="2400000" cy="500000"/><wp:wrapNone/>'
        '<wp:docPr id="901" name="Tekstvak 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2400000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        f"</a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{paragraph}</w:txbxContent>"
        "</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        '</mc:Choice><mc:Fallback><w:pict><v:shape id="Tekstvak1" type="#_x0000_t202" '
        'style="position:absolute;width:189pt;height:39pt"><v:textbox><w:txbxContent>'
        f"{paragraph}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )


def in_a_row(paragraph: str, rule: str) -> str:
    """``paragraph`` under a heading in a one-cell table whose row is 2 cm high by ``rule``."""
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="9000"/></w:tblGrid><w:tr><w:trPr>'
        f'<w:trHeight w:val="1134" w:hRule="{rule}"/></w:trPr><w:tc><w:tcPr>'
        '<w:tcW w:w="9000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>Toelichting</w:t></w:r></w:p>'
        f"{paragraph}</w:tc></w:tr></w:tbl><w:p/>"
    )


FRAMED = (
    '<w:p><w:pPr><w:framePr w:w="4000" w:h="1000" w:hRule="exact" w:wrap="around" '
    'w:vAnchor="text" w:hAnchor="page" w:x="1000" w:y="1"/></w:pPr><w:r><w:t>'
    "{{p toelichting }}</w:t></w:r></w:p>"
)
CUT_OFF = "wat er niet in past valt in de PDF weg"


def _project_with(example_project: Path, template: Path) -> Path:
    shutil.copyfile(template, example_project / "templates" / template.name)
    return example_project


def _messages(stderr: str) -> list[str]:
    """The build's or check's messages, without its progress and summary."""
    return [line for line in stderr.splitlines() if line.startswith(("templates/", "dossiers/"))]


# --------------------------------------------------------------------------- T3


def test_the_documents_text_in_a_text_box_is_refused_by_the_check_and_the_build(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The Toelichting in a text box came out as its first two lines in voorstel.pdf, the rest
    cut off, with 'Sjablonen in orde.' and build exit 0."""
    template = edited(
        TEMPLATES / "voorstel.docx",
        tmp_path / "voorstel.docx",
        {"word/document.xml": replace(TOELICHTING, text_box(TOELICHTING))},
    )
    _project_with(example_project, template)
    said = (
        "templates/voorstel.docx: {{p toelichting }}: {{p toelichting }} staat in een tekstvak, "
        "en een tekstvak groeit niet mee met de tekst: wat er niet in past valt in de PDF weg "
        "(zet {{p toelichting }} in de lopende tekst, niet in een tekstvak)"
    )
    check = run_cli("templates", "check", cwd=example_project)
    assert check.exit_code == 2, check.stderr
    assert check.stderr.splitlines() == [said]  # once, though the box holds it twice
    build = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}/res-voortgang", cwd=example_project)
    assert build.exit_code == 2, build.stderr
    assert _messages(build.stderr)[0] == said
    assert not list((example_project / "build").rglob("voorstel.docx"))


@pytest.mark.parametrize(
    ("kind", "field", "edit", "said"),
    [
        (
            "voorstel",
            "toelichting",
            replace(TOELICHTING, FRAMED),
            "{{p toelichting }} staat in een kader, dat los van de lopende tekst een eigen plek "
            "op de pagina heeft: de tekst van het stuk loopt daar niet over de pagina's door (zet "
            "{{p toelichting }} in de lopende tekst, niet in een kader)",
        ),
        (
            "voorstel",
            "toelichting",
            replace(TOELICHTING, in_a_row(TOELICHTING, "exact")),
            "{{p toelichting }} staat in een tabelrij met een vaste hoogte: wat er niet in past "
            "valt in de PDF weg (zet {{p toelichting }} in de lopende tekst, of zet de rijhoogte "
            "in Word op 'Minimaal' bij Tabeleigenschappen › Rij)",
        ),
        (
            "memo",
            "tekst",
            replace(
                "<w:p><w:r><w:t>{{p tekst }}</w:t></w:r></w:p>",
                text_box("<w:p><w:r><w:t>{{p tekst }}</w:t></w:r></w:p>"),
            ),
            "{{p tekst }} staat in een tekstvak, en een tekstvak groeit niet mee met de tekst: "
            f"{CUT_OFF} (zet {{{{p tekst }}}} in de lopende tekst, niet in een tekstvak)",
        ),
    ],
    ids=["frame", "exact-row", "memo-text-box"],
)
def test_a_markdown_field_where_it_cannot_grow_is_a_template_error(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    kind: str,
    field: str,
    edit: Callable[[str], str],
    said: str,
) -> None:
    template = edited(
        TEMPLATES / f"{kind}.docx", tmp_path / f"{kind}.docx", {"word/document.xml": edit}
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert check.exit_code == 2, check.stderr
    assert check.stderr.splitlines() == [f"templates/{kind}.docx: {{{{p {field} }}}}: {said}"]


def test_a_row_that_grows_and_fields_that_are_not_markdown_in_a_text_box_are_fine(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    onderwerp = "<w:p><w:r><w:t>{{ onderwerp }} ({{ kenmerk }})</w:t></w:r></w:p>"
    template = edited(
        TEMPLATES / "voorstel.docx",
        tmp_path / "voorstel.docx",
        {
            "word/document.xml": lambda xml: xml.replace(
                TOELICHTING, in_a_row(TOELICHTING, "atLeast") + text_box(onderwerp), 1
            )
        },
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert (check.exit_code, check.stderr, check.stdout) == (0, "", "Sjablonen in orde.\n")


# --------------------------------------------------------------------------- T4


def test_the_documents_text_inside_a_condition_on_another_field_is_warned_about(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The Bijlagen block dragged below Toelichting, its {%p if bijlagen %} left behind: every
    voorstel without annexes came out without its Toelichting, build exit 0, no word."""
    opening = "<w:p><w:r><w:t>{%p if bijlagen %}</w:t></w:r></w:p>"

    def move_up(xml: str) -> str:
        assert xml.count(opening) == 1
        heading = re.search(r"<w:p>(?:(?!<w:p>).)*?<w:t>Toelichting</w:t></w:r></w:p>", xml)
        assert heading is not None
        xml = xml.replace(opening, "", 1)
        return xml.replace(heading.group(), opening + heading.group(), 1)

    template = edited(
        TEMPLATES / "voorstel.docx", tmp_path / "voorstel.docx", {"word/document.xml": move_up}
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert check.exit_code == 0, check.stderr
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: waarschuwing: {{p toelichting }}: {{p toelichting }} staat "
        "binnen {%p if bijlagen %}: waar die voorwaarde niet geldt, valt de tekst van het stuk "
        "zonder melding uit het document (zet {{p toelichting }} buiten het blok van "
        "{%p if bijlagen %} tot {%p endif %}, tenzij de tekst alleen dan in het document hoort)"
    ]
    assert check.stdout == "Sjablonen in orde (1 waarschuwing).\n"


def test_the_documents_text_inside_a_condition_on_itself_is_fine(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    guarded = (
        "<w:p><w:r><w:t>{%p if toelichting %}</w:t></w:r></w:p>"
        + TOELICHTING
        + "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>"
    )
    template = edited(
        TEMPLATES / "voorstel.docx",
        tmp_path / "voorstel.docx",
        {"word/document.xml": replace(TOELICHTING, guarded)},
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert (check.exit_code, check.stderr) == (0, "")


# --------------------------------------------------------------------------- T5


def _without_behandeling(project: Path) -> None:
    dossier = project / RES
    text = dossier.read_text(encoding="utf-8")
    cut = re.sub(r"(?m)^behandeling:\n(?:  .*\n)+", "", text)
    assert cut != text
    dossier.write_text(cut, encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (
            "{{ (behandeling|first).datum }}",
            "{{ (behandeling|first).datum }}: DOSSIER heeft geen rijen in 'behandeling' (|first "
            "neemt de eerste rij; gebruik {% for %}, of zet {% if behandeling %} eromheen)",
        ),
        (
            "{{ (behandeling|last).doel|title }}",
            "{{ (behandeling|last).doel|title }}: DOSSIER heeft geen rijen in 'behandeling' (|last "
            "neemt de laatste rij; gebruik {% for %}, of zet {% if behandeling %} eromheen)",
        ),
        (
            "Laatst: {{ (behandeling|map(attribute='overleg')|max).upper() }}",
            "een code bij 'Laatst: {{ (behandeling|map(attribute='overleg')|max).upper() }}': "
            "DOSSIER heeft een lege lijst waar de code de kleinste of grootste waarde uit neemt "
            "(zet een {% if %} om de code, die test of de lijst rijen heeft)",
        ),
    ],
    ids=["first", "last", "max"],
)
def test_first_of_a_list_a_dossier_left_empty_names_the_dossier_and_the_code(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    code: str,
    said: str,
) -> None:
    """Was "het sjabloon gebruikt 'No first item, sequence was empty.', maar dat veld bestaat
    niet": Jinja's English hint taken for a field's name, no dossier named. As for
    {{ voorstel[1] }}: the template cannot be used for this dossier (exit 2), the others are
    built."""
    document = Document(str(TEMPLATES / "voorstel.docx"))
    document.sections[0].footer.add_paragraph(code)
    document.save(str(tmp_path / "voorstel.docx"))
    _project_with(example_project, tmp_path / "voorstel.docx")
    check = run_cli("templates", "check", cwd=example_project)
    assert (check.exit_code, check.stderr) == (0, ""), check.stderr
    _without_behandeling(example_project)
    build = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert build.exit_code == 2, build.stderr
    assert _messages(build.stderr)[0] == (
        "templates/voorstel.docx: in de voettekst: " + said.replace("DOSSIER", RES)
    )
    assert "Klaar: 4 gebouwd, 0 ongewijzigd, 1 mislukt" in build.stderr, build.stderr


# --------------------------------------------------------------------------- T7


def _with_linked_logo(tmp_path: Path) -> Path:
    """The voorstel template with a logo in its header linked to a web address, as Word's
    Invoegen › Afbeelding › Koppelen aan bestand makes it."""
    document = Document(str(TEMPLATES / "voorstel.docx"))
    header = document.sections[0].header
    header.paragraphs[0].insert_paragraph_before().add_run().add_picture(str(LOGO), height=Mm(12))
    document.save(str(tmp_path / "embedded.docx"))
    with zipfile.ZipFile(tmp_path / "embedded.docx") as archive:
        rels = archive.read("word/_rels/header1.xml.rels").decode("utf-8")
    (r_id, target) = re.findall(r'Id="(rId\d+)"[^>]*Target="(media/[^"]+)"', rels)[0]
    return edited(
        tmp_path / "embedded.docx",
        tmp_path / "voorstel.docx",
        {
            "word/_rels/header1.xml.rels": replace(
                f'Target="{target}"',
                'Target="http://127.0.0.1:8765/huisstijl/logo.png" TargetMode="External"',
            ),
            "word/header1.xml": replace(f'r:embed="{r_id}"', f'r:link="{r_id}"'),
        },
    )


UNLINK = (
    "sla het document op met de afbeeldingen en objecten erin (in Word: Bestand › Info › "
    "Koppelingen naar bestanden bewerken › Koppeling verbreken)"
)


def test_a_picture_linked_from_outside_the_template_is_refused(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The linked logo was missing from every PDF and stayed a link to outside in every Word
    file; the check said 'Sjablonen in orde.'"""
    template = _with_linked_logo(tmp_path)
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert check.exit_code == 2, check.stderr
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: in de koptekst: het sjabloon bevat een gekoppelde afbeelding, "
        "van buiten het document ('http://127.0.0.1:8765/huisstijl/logo.png'): die komt niet "
        "in de PDF, en elk Word-document dat ermee gemaakt wordt blijft ernaar verwijzen; " + UNLINK
    ]


@pytest.mark.parametrize(
    ("picture", "what", "target"),
    [
        (
            '<w:r><w:pict><v:shape style="width:40pt;height:40pt"><v:imagedata '
            'o:href="file:///S:/Huisstijl/logo.png" o:title=""/></v:shape></w:pict></w:r>',
            "een gekoppelde afbeelding",
            "file:///S:/Huisstijl/logo.png",
        ),
        (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            ' INCLUDEPICTURE "https://intranet.example/logo.png" \\d </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
            "een gekoppelde afbeelding (veld INCLUDEPICTURE)",
            "https://intranet.example/logo.png",
        ),
    ],
    ids=["vml-href", "includepicture"],
)
def test_other_ways_word_links_a_picture_are_refused_too(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    picture: str,
    what: str,
    target: str,
) -> None:
    template = edited(
        TEMPLATES / "voorstel.docx",
        tmp_path / "voorstel.docx",
        {"word/document.xml": replace("</w:body>", f"<w:p>{picture}</w:p></w:body>")},
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert check.exit_code == 2, check.stderr
    assert check.stderr.splitlines() == [
        f"templates/voorstel.docx: het sjabloon bevat {what}, van buiten het document "
        f"('{target}'): die komt niet in de PDF, en elk Word-document dat ermee gemaakt wordt "
        f"blijft ernaar verwijzen; {UNLINK}"
    ]


# --------------------------------------------------------------------------- T10


@pytest.mark.parametrize(
    ("kind", "typed", "said"),
    [
        (
            "voorstel",
            "Bijlage {{ bijlage.nummer }}",
            "{{ bijlage.nummer }}: 'bijlage' bestaat alleen binnen {%tr for bijlage in bijlagen "
            "%}, en deze code staat buiten die lus (zet de code in een tabelrij tussen de rij met "
            "{%tr for bijlage in bijlagen %} en die met {%tr endfor %})",
        ),
        (
            "voorstel",
            "Nummer {{ loop.index }}",
            "{{ loop.index }}: 'loop' bestaat alleen binnen een {% for %}-lus, en deze code staat "
            "buiten elke lus (zet de code in de lus waar hij bij hoort, zoals in een tabelrij "
            "tussen de rij met {%tr for item in voorstel %} en die met {%tr endfor %}, of haal "
            "hem weg)",
        ),
        (
            "agenda",
            "Punt: {{ punt.titel }}",
            "{{ punt.titel }}: 'punt' bestaat alleen binnen {%p for punt in punten %}, en deze "
            "code staat buiten die lus (zet de code tussen {%p for punt in punten %} en "
            "{%p endfor %})",
        ),
    ],
    ids=["row-loop", "loop-index", "agenda-item"],
)
def test_a_loops_name_outside_its_loop_says_so_and_which_loop(
    tmp_path: Path,
    example_project: Path,
    run_cli: Callable[..., CliResult],
    kind: str,
    typed: str,
    said: str,
) -> None:
    """Was "'bijlage' bestaat niet in het model voorstel (bedoelt u 'bijlagen'?)", whose hint
    is wrong when followed; 'loop' listed every field."""
    document = Document(str(TEMPLATES / f"{kind}.docx"))
    document.add_paragraph(typed)
    document.save(str(tmp_path / f"{kind}.docx"))
    check = run_cli(
        "templates", "check", cwd=_project_with(example_project, tmp_path / f"{kind}.docx")
    )
    assert check.exit_code == 2, check.stderr
    assert check.stderr.splitlines() == [f"templates/{kind}.docx: {said}"]


def test_a_loop_in_the_body_is_named_with_where_it_is_for_a_code_in_the_footer(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    document = Document(str(TEMPLATES / "voorstel.docx"))
    document.sections[0].footer.add_paragraph("Eerste besluit: {{ item }}")
    document.save(str(tmp_path / "voorstel.docx"))
    check = run_cli(
        "templates", "check", cwd=_project_with(example_project, tmp_path / "voorstel.docx")
    )
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: {{ item }}: in de voettekst: 'item' bestaat alleen binnen "
        "{%tr for item in voorstel %} in de hoofdtekst, en deze code staat buiten die lus (zet "
        "de code in een tabelrij tussen de rij met {%tr for item in voorstel %} en die met "
        "{%tr endfor %})"
    ]


# --------------------------------------------------------------------------- T11


def test_decisions_the_agenda_numbers_itself_with_loop_index_are_not_warned_about(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """'{{ loop.index }}. {{ besluit }}' in an unnumbered paragraph counts from 1 per item, yet
    every check and build warned that the decisions count on."""
    document = Document(str(TEMPLATES / "agenda.docx"))
    shown = [p for p in document.paragraphs if p.text == "{{ besluit }}"]
    assert len(shown) == 2
    for paragraph in shown:
        p_pr = paragraph._p.pPr
        p_pr.remove(p_pr.numPr)
        paragraph.style = document.styles["Normal"]
        paragraph.runs[0].text = "{{ loop.index }}. {{ besluit }}"
    document.save(str(tmp_path / "agenda.docx"))
    check = run_cli(
        "templates", "check", cwd=_project_with(example_project, tmp_path / "agenda.docx")
    )
    assert (check.exit_code, check.stderr, check.stdout) == (0, "", "Sjablonen in orde.\n")
    # Without the number it still is warned about: nothing counts the decisions then.
    for paragraph in shown:
        paragraph.runs[0].text = "{{ besluit }}"
    document.save(str(tmp_path / "agenda.docx"))
    check = run_cli(
        "templates", "check", cwd=_project_with(example_project, tmp_path / "agenda.docx")
    )
    assert "de voorgestelde besluiten tellen niet per agendapunt vanaf 1" in check.stderr


def test_the_documents_text_in_an_else_branch_is_said_to_fall_out_where_the_condition_holds(
    tmp_path: Path, example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The warning said the text falls out where the condition does not hold, of a text in the
    {%p else %} branch, which falls out where it does (review revG G5)."""
    branched = (
        "<w:p><w:r><w:t>{%p if niet_openbaar %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Zie de vertrouwelijke bijlage.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{%p else %}</w:t></w:r></w:p>"
        + TOELICHTING
        + "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>"
    )
    template = edited(
        TEMPLATES / "voorstel.docx",
        tmp_path / "voorstel.docx",
        {"word/document.xml": replace(TOELICHTING, branched)},
    )
    check = run_cli("templates", "check", cwd=_project_with(example_project, template))
    assert check.stderr.splitlines() == [
        "templates/voorstel.docx: waarschuwing: {{p toelichting }}: {{p toelichting }} staat "
        "binnen {%p if niet_openbaar %}, in de {% else %}-tak: waar die voorwaarde wel geldt, "
        "valt de tekst van het stuk zonder melding uit het document (zet {{p toelichting }} "
        "buiten het blok van {%p if niet_openbaar %} tot {%p endif %}, tenzij de tekst alleen "
        "dan in het document hoort)"
    ]

"""Generate the first versions of templates/voorstel.docx and templates/memo.docx.

Kept for the record: once generated, the .docx files are the sources that people edit
in Word. Running this again overwrites those edits.

    .venv/bin/python tools/make_templates.py [OUTPUT_DIR] [--kind voorstel] [--kind memo]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent

FONT = "Liberation Sans"
MONO_FONT = "Liberation Mono"
LANGUAGE = "nl-NL"

# A calm palette: dark slate blue for headings, light grey-blue for header rows.
ACCENT = "1F3A5F"
TEXT_GREY = "595959"
BORDER = "A6AFBB"
HEADER_FILL = "E3E8EF"
LABEL_FILL = "F3F5F8"
CONFIDENTIAL_RED = "A4161A"

CELL_MARGIN = 85  # twips, left and right inside every table cell
PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)
MARGIN_SIDE = Cm(2.5)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE  # 16 cm

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# A fixed template date keeps regenerated templates byte-comparable in their metadata.
TEMPLATE_DATE = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- package


def _clean_package(doc: DocumentObject) -> None:
    """Drop the parts of python-docx's default template that would leak into every output."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
            part.drop_rel(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel_id)
    props = doc.core_properties
    props.author = ""
    props.comments = ""
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.last_modified_by = ""
    props.language = LANGUAGE
    props.revision = 1
    props.created = TEMPLATE_DATE
    props.modified = TEMPLATE_DATE


def _set_settings(doc: DocumentObject) -> None:
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.attrib.pop(qn("w:eastAsia"), None)
    for tag, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        for element in settings.iter(qn(tag)):
            element.set(qn("w:val"), value)
    for tag in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        for element in list(settings.iter(qn(tag))):
            element.getparent().remove(element)


def _set_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.left_margin = MARGIN_SIDE
    section.right_margin = MARGIN_SIDE
    section.top_margin = Cm(4.0)
    section.bottom_margin = Cm(2.5)
    section.header_distance = Cm(1.2)
    section.footer_distance = Cm(1.2)
    sect_pr = section._sectPr
    for attr in ("w:rsidR", "w:rsidRPr", "w:rsidSect"):
        if qn(attr) in sect_pr.attrib:
            del sect_pr.attrib[qn(attr)]


# --------------------------------------------------------------------------- styles


def _fonts_element() -> BaseOxmlElement:
    return parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" '
        f'w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    )


def _replace_child(parent: BaseOxmlElement, new: BaseOxmlElement, *, first: bool = False) -> None:
    for old in parent.findall(new.tag):
        parent.remove(old)
    if first:
        parent.insert(0, new)
    else:
        parent.append(new)


def _set_styles(doc: DocumentObject) -> None:
    styles = doc.styles.element
    # Every w:lang (docDefaults and styles) says nl-NL: it becomes the PDF's /Lang.
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    # Theme fonts (Calibri, Cambria) are not on a Debian machine; name the font itself.
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    # Drop theme colours so Word and LibreOffice show the same colour.
    for color in styles.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)
    # The default list styles point at numbering we replace.
    for num_pr in list(styles.iter(qn("w:numPr"))):
        num_pr.getparent().remove(num_pr)

    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _replace_child(r_pr, _fonts_element(), first=True)
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _replace_child(
        p_pr, parse_xml(f'<w:spacing {nsdecls("w")} w:after="120" w:line="264" w:lineRule="auto"/>')
    )

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)

    headings = {
        1: (Pt(13), ACCENT, Pt(18), Pt(6)),
        2: (Pt(11), ACCENT, Pt(12), Pt(4)),
        3: (Pt(10), ACCENT, Pt(10), Pt(3)),
        4: (Pt(10), TEXT_GREY, Pt(8), Pt(2)),
    }
    for level, (size, colour, before, after) in headings.items():
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = size
        style.font.bold = True
        style.font.italic = level == 4
        style.font.color.rgb = RGBColor.from_string(colour)
        fmt = style.paragraph_format
        fmt.space_before = before
        fmt.space_after = after
        fmt.keep_with_next = True
    # A thin rule under the section headings gives the page its calm structure.
    h1_ppr = doc.styles["Heading 1"].element.get_or_add_pPr()
    _replace_child(
        h1_ppr,
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="2" '
            f'w:color="{ACCENT}"/></w:pBdr>'
        ),
    )
    _fix_ppr_order(h1_ppr)

    for name in ("Title",):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(20)
        style.font.bold = True
        style.font.color.rgb = RGBColor.from_string(ACCENT)
        style.paragraph_format.space_after = Pt(12)
        t_ppr = style.element.get_or_add_pPr()
        for border in list(t_ppr.iter(qn("w:pBdr"))):
            t_ppr.remove(border)
        # Outline level 1: the title ("Memo", "Agenda") is the document's first heading, H1
        # in the tagged PDF and in Word's navigation pane, above the memo's H2 sections.
        _replace_child(t_ppr, parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))
        _fix_ppr_order(t_ppr)

    for name in ("Header", "Footer"):
        style = doc.styles[name]
        # One right tab at the text edge: the default's centre tab (US Letter) would
        # catch "NIET OPENBAAR" and "Pagina X van Y" halfway.
        hf_ppr = style.element.get_or_add_pPr()
        _replace_child(
            hf_ppr,
            parse_xml(
                f'<w:tabs {nsdecls("w")}><w:tab w:val="right" w:pos="{_twips(TEXT_WIDTH)}"/>'
                "</w:tabs>"
            ),
        )
        _fix_ppr_order(hf_ppr)
        style.font.size = Pt(8.5)
        style.font.color.rgb = RGBColor.from_string(TEXT_GREY)
        style.paragraph_format.space_after = Pt(0)

    table_text = doc.styles.add_style("Tabeltekst", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = doc.styles["Normal"]
    table_text.quick_style = True
    table_text.paragraph_format.space_before = Pt(0)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.1

    table_head = doc.styles.add_style("Tabelkop", WD_STYLE_TYPE.PARAGRAPH)
    table_head.base_style = table_text
    table_head.quick_style = True
    table_head.font.bold = True
    table_head.font.color.rgb = RGBColor.from_string(ACCENT)

    hyperlink = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = RGBColor.from_string("1F4E8C")
    hyperlink.font.underline = True

    code = doc.styles.add_style("Broncode", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = doc.styles["Normal"]
    code.font.name = MONO_FONT
    code.font.size = Pt(9)
    code.paragraph_format.space_after = Pt(6)

    for name in ("List Bullet", "List Number", "List Continue", "Quote"):
        style = doc.styles[name]
        style.paragraph_format.space_after = Pt(3)
    quote = doc.styles["Quote"]
    quote.font.italic = True
    quote.font.color.rgb = RGBColor.from_string(TEXT_GREY)
    quote.paragraph_format.left_indent = Cm(0.75)
    doc.styles["List Continue"].paragraph_format.left_indent = Cm(0.75)


# The styles the house style sets up. They stay in the template even where its own text
# does not use them: Markdown writes headings, lists, code and links in them, and people
# editing the template in Word pick them from the gallery.
HOUSE_STYLES = frozenset(
    {
        "Normal",
        "Title",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Heading 4",
        "Header",
        "Footer",
        "Tabeltekst",
        "Tabelkop",
        "Hyperlink",
        "Broncode",
        "List Bullet",
        "List Number",
        "List Continue",
        "Quote",
    }
)
_STYLE_REFERENCE = re.compile(
    rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"'
)


def _drop_unused_styles(doc: DocumentObject) -> None:
    """Drop the default template's unused styles (some 140 table and list styles).

    LibreOffice creates every style of a .docx when it opens one, so unused styles cost
    every conversion: measured, 320 KB of them took a third of each document's CPU time.
    Word keeps offering its built-in styles through the latent-style list all the same.
    """
    styles = doc.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterchildren(qn("w:style"))}
    keep: set[str] = set()
    for part in doc.part.package.iter_parts():
        if part.partname.endswith(".xml") and part.partname != "/word/styles.xml":
            keep.update(ref.decode() for ref in _STYLE_REFERENCE.findall(part.blob))
    for style_id, style in by_id.items():
        name = style.find(qn("w:name"))
        if style.get(qn("w:default")) == "1" or (
            name is not None and name.get(qn("w:val")) in HOUSE_STYLES | _lowercase(HOUSE_STYLES)
        ):
            keep.add(style_id)
    pending = list(keep)
    while pending:  # a kept style keeps what it is based on, links to and is followed by
        style = by_id.get(pending.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            found = style.find(qn(tag)) if style is not None else None
            if found is not None and found.get(qn("w:val")) not in keep:
                keep.add(found.get(qn("w:val")))
                pending.append(found.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)


def _lowercase(names: frozenset[str]) -> frozenset[str]:
    # Word's file format spells some built-in style names in lower case ("heading 1").
    return frozenset(name.lower() for name in names)


def save(doc: DocumentObject, path: Path) -> None:
    """Save a generated template without the styles it neither uses nor offers."""
    _drop_unused_styles(doc)
    doc.save(str(path))


def _fix_ppr_order(p_pr: BaseOxmlElement) -> None:
    # w:pPr children have a schema order; pBdr comes after keepNext/keepLines/pageBreakBefore.
    order = [
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:jc",
        "w:outlineLvl",
    ]
    rank = {qn(tag): index for index, tag in enumerate(order)}
    children = sorted(p_pr, key=lambda child: rank.get(child.tag, len(order)))
    for child in children:
        p_pr.append(child)


# --------------------------------------------------------------------------- numbering

BULLETS = ["•", "–", "◦", "•", "–", "◦", "•", "–", "◦"]
NUMBER_FORMATS = ["decimal", "lowerLetter", "lowerRoman"] * 3
BULLET_NUM_ID = 1
NUMBER_NUM_ID = 2


def _level_xml(ilvl: int, fmt: str, text: str) -> str:
    left = 425 * (ilvl + 1)
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="340"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/></w:rPr></w:lvl>'
    )


def _set_numbering(doc: DocumentObject) -> None:
    """Replace the numbering with one bullet and one decimal multi-level list."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    bullet_levels = "".join(_level_xml(i, "bullet", BULLETS[i]) for i in range(9))
    number_levels = "".join(_level_xml(i, NUMBER_FORMATS[i], f"%{i + 1}.") for i in range(9))
    for abstract_id, nsid, levels in (
        (0, "4A1B0001", bullet_levels),
        (1, "4A1B0002", number_levels),
    ):
        numbering.append(
            parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:nsid w:val="{nsid}"/><w:multiLevelType w:val="hybridMultilevel"/>'
                f"{levels}</w:abstractNum>"
            )
        )
    for num_id, abstract_id in ((BULLET_NUM_ID, 0), (NUMBER_NUM_ID, 1)):
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
            )
        )
    for style_name, num_id in (("List Bullet", BULLET_NUM_ID), ("List Number", NUMBER_NUM_ID)):
        p_pr = doc.styles[style_name].element.get_or_add_pPr()
        _replace_child(
            p_pr,
            parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{num_id}"/></w:numPr>'),
        )
        _fix_ppr_order(p_pr)


# --------------------------------------------------------------------------- tables


def _twips(length: int) -> int:
    return int(length) // 635  # EMU per twip


def _table(doc: DocumentObject, widths: Sequence[int], rows: int) -> Table:
    """A fixed-layout table with light borders and explicit grid widths LibreOffice keeps."""
    table: Table = doc.add_table(rows=rows, cols=len(widths))
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    total = sum(_twips(w) for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    # Children in schema order; a fixed layout with explicit widths is what keeps
    # LibreOffice from re-flowing the columns.
    for xml in (
        f'<w:tblW {nsdecls("w")} w:w="{total}" w:type="dxa"/>',
        f'<w:jc {nsdecls("w")} w:val="left"/>',
        # Indent by the left cell margin: the borders then line up with the text margins
        # and the heading rules, as LibreOffice and Word (compatibility mode 14) measure it.
        f'<w:tblInd {nsdecls("w")} w:w="{CELL_MARGIN}" w:type="dxa"/>',
        f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>",
        f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>',
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="57" w:type="dxa"/>'
        f'<w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>',
        f'<w:tblLook {nsdecls("w")} w:val="0420" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>',
    ):
        tbl_pr.append(parse_xml(xml))
    for index, width in enumerate(widths):
        table.columns[index].width = width
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    return table


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _row_properties(table: Table, index: int, *, header: bool = False) -> None:
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    if not header:
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        return
    # Repeats on every page, and marks the header row for a tagged PDF. Not cantSplit as
    # well: LibreOffice 7.4 left out every row after such a header row when the header row
    # was the last line of a page (the PDF lost all its annexes, the .docx had them). Kept
    # with the next row instead, as the heading is kept with it: heading, header row and
    # first row go to the next page together.
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for cell in table.rows[index].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _write(cell: _Cell, text: str, style: str = "Tabeltekst") -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.add_run(text)
    return paragraph


def _label_value_table(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> Table:
    widths = [Cm(4.0), TEXT_WIDTH - Cm(4.0)]
    table = _table(doc, widths, len(rows))
    for index, (label, value) in enumerate(rows):
        label_cell, value_cell = table.rows[index].cells
        _write(label_cell, label, "Tabelkop")
        _shade(label_cell, LABEL_FILL)
        _write(value_cell, value)
        _row_properties(table, index)
    return table


def _loop_table(
    doc: DocumentObject,
    widths: Sequence[int],
    headers: Sequence[str],
    loop: str,
    cells: Sequence[str],
) -> Table:
    """Header row, then one template row repeated by docxtpl's ``{%tr for %}``."""
    table = _table(doc, widths, 4)
    for index, text in enumerate(headers):
        cell = table.rows[0].cells[index]
        _write(cell, text, "Tabelkop")
        _shade(cell, HEADER_FILL)
    _row_properties(table, 0, header=True)
    _write(table.rows[1].cells[0], f"{{%tr for {loop} %}}")
    for index, text in enumerate(cells):
        _write(table.rows[2].cells[index], text)
    _row_properties(table, 2)
    _write(table.rows[3].cells[0], "{%tr endfor %}")
    return table


# --------------------------------------------------------------------------- header, footer


def _field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A real Word field (PAGE, NUMPAGES) with a cached value, as Word writes it."""
    run = paragraph.add_run()
    r = run._r
    r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    run._r.append(
        parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>')
    )
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run(cached)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def _bottom_rule(paragraph: Paragraph, side: str = "bottom") -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="4" w:space="4" '
            f'w:color="{BORDER}"/></w:pBdr>'
        )
    )
    _fix_ppr_order(p_pr)


def _header_footer(doc: DocumentObject, kind: str) -> None:
    section = doc.sections[0]

    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.style = "Header"
    first.add_run("{%p if organisatie.logo %}")
    logo = header.add_paragraph("{{ organisatie.logo }}", style="Header")
    logo.paragraph_format.space_after = Pt(4)
    header.add_paragraph("{%p endif %}", style="Header")
    line = header.add_paragraph(style="Header")
    name = line.add_run("{{ organisatie.naam }}")
    name.bold = True
    name.font.size = Pt(10)
    name.font.color.rgb = RGBColor.from_string(ACCENT)
    line.add_run("\t")
    mark = line.add_run("{% if niet_openbaar %}NIET OPENBAAR{% endif %}")
    mark.bold = True
    mark.font.size = Pt(10)
    mark.font.color.rgb = RGBColor.from_string(CONFIDENTIAL_RED)
    kind_line = header.add_paragraph(kind, style="Header")
    _bottom_rule(kind_line)

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    _bottom_rule(paragraph, "top")
    paragraph.add_run("Kenmerk {{ kenmerk }}")
    paragraph.add_run("\tPagina ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" van ")
    _field(paragraph, "NUMPAGES", "1")


# --------------------------------------------------------------------------- documents


def _new_document(kind: str) -> DocumentObject:
    doc = Document()
    _clean_package(doc)
    _set_settings(doc)
    _set_page(doc)
    _set_styles(doc)
    _set_numbering(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _header_footer(doc, kind)
    return doc


def _bijlagen_section(doc: DocumentObject, widths: Sequence[int]) -> None:
    doc.add_paragraph("{%p if bijlagen %}")
    _loop_table(
        doc,
        widths,
        ["Nummer", "Omschrijving"],
        "bijlage in bijlagen",
        ["Bijlage {{ bijlage.nummer }}.", "{{ bijlage.omschrijving }}"],
    )
    _closing_paragraph(doc)
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Geen bijlagen.")
    doc.add_paragraph("{%p endif %}")


def _closing_paragraph(doc: DocumentObject) -> None:
    """The paragraph Word wants after a table that ends the document, kept tiny so it adds no
    page. Only there, inside the block that makes the table: after text ("Geen bijlagen.",
    a memo's last line) even 1 pt took a page of its own ("Pagina 3 van 3", blank) when the
    text ended on the last line of a page."""
    shrink_closing_paragraph(doc.add_paragraph())


def shrink_closing_paragraph(closing: Paragraph) -> None:
    """Make the empty paragraph that ends a template 1 pt high: at a normal line's height it
    went to a page of its own when the last table ended within a line of the page's foot."""
    closing.paragraph_format.space_after = Pt(0)
    closing.paragraph_format.space_before = Pt(0)
    closing.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    closing.paragraph_format.line_spacing = Pt(1)
    p_pr = closing._p.get_or_add_pPr()
    mark = p_pr.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        p_pr.append(mark)
    for old_size in mark.findall(qn("w:sz")):
        mark.remove(old_size)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")  # half-points: the paragraph mark is 1 pt
    mark.append(size)
    _fix_ppr_order(p_pr)


def make_voorstel() -> DocumentObject:
    """The house-style proposal (voorstel), with the sections and tables of the seed."""
    doc = _new_document("Voorstel")
    number_widths = [Cm(2.6), TEXT_WIDTH - Cm(2.6)]

    doc.add_heading("Algemeen", level=1)
    _label_value_table(
        doc,
        [
            ("Onderwerp", "{{ onderwerp }}"),
            ("Verspreiden", "{{ verspreiden }}"),
            ("Contactpersoon", "{{ contactpersoon }}"),
            ("Eenheid", "{{ eenheid }}"),
            ("E-mail", "{{ email }}"),
            ("Kenmerk", "{{ kenmerk }}"),
            ("Datum", "{{ datum }}"),
        ],
    )

    doc.add_heading("Voorstel", level=1)
    _loop_table(
        doc,
        number_widths,
        ["Nummer", "Omschrijving"],
        "item in voorstel",
        ["Voorstel {{ loop.index }}.", "{{ item }}"],
    )

    doc.add_heading("Behandeling", level=1)
    _loop_table(
        doc,
        [Cm(2.0), Cm(5.0), Cm(2.6), TEXT_WIDTH - Cm(9.6)],
        ["Datum", "Overleg", "Doel", "Conclusie"],
        "rij in behandeling",
        ["{{ rij.datum }}", "{{ rij.overleg }}", "{{ rij.doel }}", "{{ rij.conclusie }}"],
    )

    doc.add_heading("Toelichting", level=1)
    doc.add_paragraph("{{p toelichting }}")

    doc.add_heading("Bijlage(n)", level=1)
    _bijlagen_section(doc, number_widths)
    return doc


def make_memo() -> DocumentObject:
    """A memo: addressee block, the text, and optional annexes."""
    doc = _new_document("Memo")
    doc.add_paragraph("Memo", style="Title")
    _label_value_table(
        doc,
        [
            ("Aan", "{{ aan }}"),
            ("Van", "{{ van }}"),
            ("Datum", "{{ datum }}"),
            ("Onderwerp", "{{ onderwerp }}"),
            ("Kenmerk", "{{ kenmerk }}"),
            ("Verspreiden", "{{ verspreiden }}"),
        ],
    )
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    doc.add_paragraph("{{p tekst }}")
    doc.add_paragraph("{%p if bijlagen %}")
    doc.add_heading("Bijlage(n)", level=1)
    _loop_table(
        doc,
        [Cm(2.6), TEXT_WIDTH - Cm(2.6)],
        ["Nummer", "Omschrijving"],
        "bijlage in bijlagen",
        ["Bijlage {{ bijlage.nummer }}.", "{{ bijlage.omschrijving }}"],
    )
    _closing_paragraph(doc)
    doc.add_paragraph("{%p endif %}")
    return doc


MAKERS = {"voorstel": make_voorstel, "memo": make_memo}


def main(argv: Sequence[str]) -> int:
    """Write the templates asked for (default: all) into a folder (default: templates/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "templates")
    # One kind alone, so regenerating the voorstel does not rewrite a memo edited in Word.
    parser.add_argument("--kind", action="append", choices=sorted(MAKERS))
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    for kind in args.kind or sorted(MAKERS):
        save(MAKERS[kind](), args.folder / f"{kind}.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Markdown to Word paragraphs: styles, lists, numbering restarts, links, literal text."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import etree

from assembler.markdown import WordFragment, add_markdown, markdown_subdoc, xml_safe
from assembler.model import DOCUMENT_KINDS
from tests.conftest import ECONOMIE, CliResult
from tests.tags import lists

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture(params=[f"{kind}.docx" for kind in sorted(DOCUMENT_KINDS)])
def fragment(request: pytest.FixtureRequest) -> WordFragment:
    """An empty fragment on the part of a real template (its styles and numbering)."""
    return WordFragment(Document(str(TEMPLATES / request.param)))


def render(fragment: WordFragment, text: str) -> list[Paragraph]:
    add_markdown(fragment, text)
    return fragment.paragraphs


def num_of(paragraph: Paragraph) -> tuple[int, int] | None:
    """(numId, ilvl) of a paragraph's own numbering, if it has one."""
    p_pr = paragraph._p.pPr
    if p_pr is None or p_pr.numPr is None:
        return None
    return int(p_pr.numPr.numId.val), int(p_pr.numPr.ilvl.val)


def test_heading_levels_start_just_under_the_section_heading(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "### Beknopte toelichting\n\nTekst.")
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Heading 2", "Beknopte toelichting"),
        ("Normal", "Tekst."),
    ]


def test_nested_headings_keep_their_order_and_stop_at_heading_4(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "## A\n\n### B\n\n#### C\n\n##### D\n\n###### E")
    assert [p.style.name for p in paragraphs] == [
        "Heading 2",
        "Heading 3",
        "Heading 4",
        "Heading 4",
        "Heading 4",
    ]


def test_a_skipped_heading_level_is_closed_up(fragment: WordFragment) -> None:
    """Was: '# A' then '### B' made Heading 2 then Heading 4, a gap in the outline that a
    screen reader announces; a shallower heading later still goes back up as far as it says."""
    text = "### Eerst\n\n# A\n\n### B\n\n###### C\n\n## D\n\n# E\n\n#### F"
    paragraphs = render(fragment, text)
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Heading 2", "Eerst"),
        ("Heading 2", "A"),
        ("Heading 3", "B"),
        ("Heading 4", "C"),
        ("Heading 3", "D"),
        ("Heading 2", "E"),
        ("Heading 3", "F"),
    ]


def test_an_empty_heading_is_not_made(fragment: WordFragment) -> None:
    """Was: an empty Heading paragraph (a gap, and an empty heading in the tags), and '#' alone
    made '### Vervolg' a Heading 3 (check warns about it)."""
    paragraphs = render(fragment, "#\n\n### Vervolg\n\nTekst.\n\n## ##\n\n- ###\n\nEinde.")
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Heading 2", "Vervolg"),
        ("Normal", "Tekst."),
        ("List Bullet", ""),  # the item keeps its bullet, as an empty item ('- ') does
        ("Normal", "Einde."),
    ]


def test_paragraphs_bold_italic_and_code(fragment: WordFragment) -> None:
    paragraphs = render(
        fragment, "Een **vette** en *schuine* en ***beide*** en `code`.\n\nTweede alinea."
    )
    assert [p.text for p in paragraphs] == [
        "Een vette en schuine en beide en code.",
        "Tweede alinea.",
    ]
    runs = {run.text: run for run in paragraphs[0].runs}
    assert runs["vette"].bold and not runs["vette"].italic
    assert runs["schuine"].italic and not runs["schuine"].bold
    assert runs["beide"].bold and runs["beide"].italic
    assert runs["code"].font.name == "Liberation Mono"
    assert not runs["Een "].bold


def test_struck_text_is_struck_through(fragment: WordFragment) -> None:
    """As an amended decision shows what it replaces; one '~' is left as typed."""
    (paragraph,) = render(fragment, "Het bedrag is ~~1,2~~ 1,4 miljoen, ~ongeveer~.")
    assert paragraph.text == "Het bedrag is 1,2 1,4 miljoen, ~ongeveer~."
    runs = {run.text: run for run in paragraph.runs}
    assert runs["1,2"].font.strike
    assert not any(run.font.strike for run in paragraph.runs if run.text != "1,2")


def test_a_markdown_table_is_printed_row_by_row_as_typed(fragment: WordFragment) -> None:
    """Was: its rows run together into one line of "|"s (check warns that it is no table)."""
    table = "| Kolom A | Kolom B |\n|---|---|\n| 1 | 2 |"
    paragraphs = render(fragment, f"Voor de tabel\nnog een regel.\n\n{table}")
    assert [p.text for p in paragraphs] == [
        "Voor de tabel nog een regel.",
        "| Kolom A | Kolom B |\n|---|---|\n| 1 | 2 |",
    ]


def test_lists_nested_deeper_than_word_goes_keep_their_text_and_what_follows(
    fragment: WordFragment,
) -> None:
    """Was: past markdown-it's nesting limit (the tenth list level) the rest of the text was
    dropped, silently; Word has nine levels, so deeper lists are on the ninth."""
    bullets = "\n".join("  " * depth + f"- b{depth}" for depth in range(14))
    numbers = "\n".join("   " * depth + f"1. n{depth}" for depth in range(12))
    paragraphs = render(fragment, f"{bullets}\n\n### Na\n\nTekst erna.\n\n{numbers}")
    texts = [p.text for p in paragraphs]
    assert texts == [
        *(f"b{depth}" for depth in range(14)),
        "Na",
        "Tekst erna.",
        *(f"n{depth}" for depth in range(12)),
    ]
    levels = [num[1] for p in paragraphs if (num := num_of(p)) is not None]
    assert max(levels) == 8 and levels[:9] == list(range(9))


def test_soft_and_hard_line_breaks(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "regel een\nregel twee  \nregel drie")
    assert len(paragraphs) == 1
    assert paragraphs[0].text == "regel een regel twee\nregel drie"
    assert paragraphs[0]._p.xpath(".//w:br")


def test_bulleted_list_with_nesting(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "- een\n- twee\n  - twee a\n  - twee b\n- drie")
    assert [p.style.name for p in paragraphs] == ["List Bullet"] * 5
    levels = [num_of(p) for p in paragraphs]
    assert all(level is not None for level in levels)
    assert [level[1] for level in levels if level] == [0, 0, 1, 1, 0]
    assert len({level[0] for level in levels if level}) == 1


def test_a_no_break_space_after_a_marker_works_as_a_space(fragment: WordFragment) -> None:
    """Pasted from Word or Outlook, it looks like a space: a heading and lists, not text."""
    paragraphs = render(
        fragment,
        "###\u00a0Kop\n\n-\u00a0een\n-\u00a0twee\n\n1.\u00a0eerste\n2.\u00a0tweede\n\n"
        "Een\u00a0vaste spatie in de tekst blijft.",
    )
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Heading 2", "Kop"),
        ("List Bullet", "een"),
        ("List Bullet", "twee"),
        ("List Number", "eerste"),
        ("List Number", "tweede"),
        ("Normal", "Een\u00a0vaste spatie in de tekst blijft."),
    ]


def test_numbered_lists_restart_per_list(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "1. een\n2. twee\n\nTussenalinea.\n\n1. opnieuw een\n2. twee")
    assert [p.style.name for p in paragraphs] == [
        "List Number",
        "List Number",
        "Normal",
        "List Number",
        "List Number",
    ]
    first, second = num_of(paragraphs[0]), num_of(paragraphs[3])
    assert first and second
    assert num_of(paragraphs[1]) == first
    assert first[0] != second[0], "each list needs its own w:num to count from 1"
    numbering = fragment.part.numbering_part.element
    style_num = fragment.styles["List Number"].element.pPr.numPr.numId.val
    abstract = {int(n.numId): int(n.abstractNumId.val) for n in numbering.num_lst}
    for num_id in (first[0], second[0]):
        assert abstract[num_id] == abstract[int(style_num)]
        num = numbering.num_having_numId(num_id)
        starts = num.xpath("./w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val")
        assert starts == ["1"]


def test_numbered_list_keeps_its_start_number(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "3. drie\n4. vier")
    numbering = fragment.part.numbering_part.element
    level = num_of(paragraphs[0])
    assert level
    num = numbering.num_having_numId(level[0])
    assert num.xpath("./w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val") == ["3"]


def test_numbered_list_nested_in_bullets_and_back(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "- punt\n  1. stap een\n  2. stap twee\n- punt twee")
    styles = [p.style.name for p in paragraphs]
    assert styles == ["List Bullet", "List Number", "List Number", "List Bullet"]
    levels = [num_of(p) for p in paragraphs]
    assert [level[1] for level in levels if level] == [0, 1, 1, 0]


def _levels(fragment: WordFragment, num_id: int) -> dict[int, tuple[str, str]]:
    """(numFmt, start) of each level of the list ``num_id`` is numbered with."""
    numbering = fragment.part.numbering_part.element
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    (abstract,) = numbering.xpath(f"./w:abstractNum[@w:abstractNumId='{abstract_id}']")
    return {
        int(lvl.get(qn("w:ilvl"))): (
            lvl.find(qn("w:numFmt")).get(qn("w:val")),
            lvl.find(qn("w:start")).get(qn("w:val")),
        )
        for lvl in abstract.iterchildren(qn("w:lvl"))
    }


def _template_levels(fragment: WordFragment, style: str) -> dict[int, tuple[str, str]]:
    return _levels(fragment, int(fragment.styles[style].element.pPr.numPr.numId.val))


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("1. een\n   - een a\n   - een b\n2. twee\n   - twee a", "nb"),
        ("- een\n  1. een a\n  2. een b\n- twee\n  1. twee a", "bn"),
        ("1. een\n   - een a\n     1. een a i\n2. twee", "nbn"),
    ],
)
def test_a_list_nested_in_another_kind_is_one_word_list(
    fragment: WordFragment, text: str, kinds: str
) -> None:
    """Word (and a tagged PDF) nests lists only at deeper levels of one w:num; each level is
    formatted as the template formats that level of its numbered or its bullet list."""
    paragraphs = render(fragment, text)
    levels = [num_of(p) for p in paragraphs]
    assert None not in levels
    assert len({level[0] for level in levels if level}) == 1, levels
    num_id = levels[0][0] if levels[0] else 0
    numbers = _template_levels(fragment, "List Number")
    bullets = _template_levels(fragment, "List Bullet")
    own = _levels(fragment, num_id)
    for depth, kind in enumerate(kinds):
        assert own[depth] == (numbers if kind == "n" else bullets)[depth]
    # The paragraphs keep the templates' list styles.
    styles = {p.style.name for p in paragraphs}
    assert styles == {"List Number", "List Bullet"}


def test_a_nested_numbered_list_keeps_its_start_number(fragment: WordFragment) -> None:
    # LibreOffice starts a deeper level at the definition's w:start, not the w:num's override.
    paragraphs = render(fragment, "- punt\n\n  3. drie\n  4. vier\n- punt twee")
    levels = [num_of(p) for p in paragraphs]
    assert [level[1] for level in levels if level] == [0, 1, 1, 0]
    num_id = levels[0][0] if levels[0] else 0
    assert {level[0] for level in levels if level} == {num_id}
    assert _levels(fragment, num_id)[1][1] == "3"
    num = fragment.part.numbering_part.element.num_having_numId(num_id)
    assert num.xpath("./w:lvlOverride[@w:ilvl='1']/w:startOverride/@w:val") == ["3"]


def test_a_nested_list_word_cannot_show_in_the_list_gets_its_own(fragment: WordFragment) -> None:
    """Bullets where the first nested list was numbered, and a second numbered list under one
    item (Word would count on): right marks before one list."""
    paragraphs = render(
        fragment,
        "1. een\n   1. een a\n2. twee\n   - twee a\n3. drie\n\n"
        "   1. drie a\n\n   tussen\n\n   1. opnieuw a",
    )
    texts = [p.text for p in paragraphs]
    assert texts == ["een", "een a", "twee", "twee a", "drie", "drie a", "tussen", "opnieuw a"]
    levels = [num_of(p) for p in paragraphs]
    outer = levels[0][0] if levels[0] else 0
    assert [level[0] == outer if level else None for level in levels] == [
        True, True, True, False, True, True, None, False,
    ]  # fmt: skip
    bullet, again = levels[3], levels[7]
    assert bullet and again and bullet[0] != again[0]
    assert _levels(fragment, bullet[0])[1] == _template_levels(fragment, "List Bullet")[1]
    assert _levels(fragment, again[0])[1] == _template_levels(fragment, "List Number")[1]
    num = fragment.part.numbering_part.element.num_having_numId(again[0])
    assert num.xpath("./w:lvlOverride[@w:ilvl='1']/w:startOverride/@w:val") == ["1"]


NESTED_LISTS = """\
Getallen in getallen:

1. Eerste
   1. een a
   2. een b
2. Tweede
   1. twee a

Punten in getallen, getallen daarin:

1. Nummer
   - punt
     1. diep
2. Nummer twee

Getallen vanaf drie in punten:

- Buiten

  3. drie
  4. vier
- Buiten twee

Slot.
"""


@pytest.mark.slow
def test_nested_lists_are_nested_in_the_tagged_pdf(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """A screen reader hears each Markdown list as one list with its sublists in its items,
    whatever their kinds (LibreOffice closes a list where the w:num changes); the numbers and
    bullets are the templates'."""
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    extra = "".join(f"  {line}\n" if line else "\n" for line in NESTED_LISTS.splitlines())
    dossier.write_text(text.replace("\nbijlagen:\n", f"\n\n{extra}bijlagen:\n", 1), "utf-8")
    result = run_cli("build", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    (pdf,) = (example_project / "build" / ECONOMIE).glob("*werklocaties/voorstel.pdf")
    assert lists(pdf) == [
        "L(LI(L(LI,LI)),LI(L(LI)))",
        "L(LI(L(LI(L(LI)))),LI)",
        "L(LI(L(LI,LI)),LI)",
    ]
    shown = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = " ".join(shown.split())
    assert "1. Eerste a. een a b. een b 2. Tweede a. twee a Punten" in words
    assert "1. Nummer \u2013 punt i. diep 2. Nummer twee Getallen" in words
    assert "\u2022 Buiten c. drie d. vier \u2022 Buiten twee Slot." in words


def test_loose_list_item_with_two_paragraphs(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "1. eerste alinea\n\n   vervolg van hetzelfde punt\n\n2. tweede")
    assert [p.style.name for p in paragraphs] == ["List Number", "List Continue", "List Number"]
    assert num_of(paragraphs[1]) is None


@pytest.mark.parametrize(
    ("text", "last", "tight"),
    [
        ("Zo:\n\n- een\n- twee\n\nVerder.", 2, ()),
        # An item followed by an item of the other kind: as close as two of one kind.
        ("Zo:\n\n1. een\n   - een a\n\nVerder.", 2, (1,)),
        ("Zo:\n\n- een\n  - een a\n- twee\n\nVerder.", 3, ()),
        ("Zo:\n\n- een\n  1. een a\n- twee\n\nVerder.", 3, (1, 2)),
        ("Zo:\n\n- een\n\n  vervolg\n\nVerder.", 2, ()),
        ("Zo:\n\n- een\n- twee", 2, ()),
        # In a quote (the review of 189414a), and the quote itself.
        ("Zo:\n\n> - een\n> - twee\n\nVerder.", 2, ()),
        ("Zo:\n\n> Een citaat.\n\nVerder.", 1, ()),
    ],
    ids=[
        "bullets",
        "nested-last",
        "nested-inside",
        "other-kind-inside",
        "continued",
        "at-the-end",
        "quoted",
        "quote",
    ],
)
def test_a_list_ends_with_a_paragraphs_space(
    fragment: WordFragment, text: str, last: int, tight: tuple[int, ...]
) -> None:
    # The items sit close together; the text below the list is as far from it as the text
    # above: the templates' 6 pt after a paragraph, not the list styles' 3 pt.
    paragraphs = render(fragment, text)
    spaces = [p.paragraph_format.space_after for p in paragraphs]
    assert spaces == [
        Pt(6) if index == last else Pt(0) if index in tight else None
        for index in range(len(paragraphs))
    ]


def test_lists_of_two_kinds_one_after_the_other_each_end_as_a_paragraph(
    fragment: WordFragment,
) -> None:
    paragraphs = render(fragment, "- een\n\n1. twee\n\nVerder.")
    assert [p.paragraph_format.space_after for p in paragraphs] == [Pt(6), Pt(6), None]


def test_links_are_real_hyperlinks(fragment: WordFragment) -> None:
    paragraphs = render(
        fragment, "Zie [de regio](https://www.regiogv.nl/stukken/?a=1&b=2) voor **meer**."
    )
    paragraph = paragraphs[0]
    assert paragraph.text == "Zie de regio voor meer."
    links = paragraph._p.findall(qn("w:hyperlink"))
    assert len(links) == 1
    r_id = links[0].get(qn("r:id"))
    rel = fragment.part.rels[r_id]
    assert rel.reltype == RT.HYPERLINK
    assert rel.is_external
    assert rel.target_ref == "https://www.regiogv.nl/stukken/?a=1&b=2"
    styles = links[0].xpath(".//w:rStyle/@w:val")
    assert styles == ["Hyperlink"]


def test_a_link_to_a_www_address_goes_to_its_web_page(fragment: WordFragment) -> None:
    """Not to a file of that name beside the document, as LibreOffice would take it."""
    (paragraph,) = render(fragment, "Zie [de gemeente](www.gemeente.nl) en [WWW](WWW.X.NL/a).")
    assert paragraph.text == "Zie de gemeente en WWW."
    links = paragraph._p.findall(qn("w:hyperlink"))
    targets = [fragment.part.rels[link.get(qn("r:id"))].target_ref for link in links]
    assert targets == ["https://www.gemeente.nl", "https://WWW.X.NL/a"]


def test_pasted_addresses_become_links_as_word_makes_them(fragment: WordFragment) -> None:
    text = (
        "Zie https://wetten.overheid.nl/BWBR0045754/. Of www.regiogv.nl, mail a.pols@regiogv.nl; "
        "niet ruimte.nl, niet `https://code.nl`."
    )
    (paragraph,) = render(fragment, text)
    assert paragraph.text == text.replace("`", "")  # the text stays exactly as typed
    links = paragraph._p.findall(qn("w:hyperlink"))
    shown = ["".join(link.xpath(".//w:t/text()")) for link in links]
    assert shown == [
        "https://wetten.overheid.nl/BWBR0045754/",
        "www.regiogv.nl",
        "a.pols@regiogv.nl",
    ]
    targets = [fragment.part.rels[link.get(qn("r:id"))].target_ref for link in links]
    assert targets == [
        "https://wetten.overheid.nl/BWBR0045754/",
        "https://www.regiogv.nl",  # as a "www." link target: the https page
        "mailto:a.pols@regiogv.nl",
    ]


@pytest.mark.parametrize("text", ["ord1.[//x.p://", "zie //regiogv.nl/x://y"])
def test_odd_text_around_a_scheme_is_shown_as_typed(fragment: WordFragment, text: str) -> None:
    """markdown-it-py's link rule stalled on the first (a traceback in build and check)."""
    (paragraph,) = render(fragment, text)
    assert paragraph.text == text
    assert not paragraph._p.findall(qn("w:hyperlink"))


def test_a_stalling_link_rule_still_shows_the_text(
    fragment: WordFragment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should another odd text stall the link rule, the text comes without made links."""
    import assembler.markdown

    original = assembler.markdown._parser

    class Stalling:
        def parse(self, text: str) -> Any:
            raise RuntimeError("inline rule didn't increment state.pos")

    def parser(*, linkify: bool = True, links: bool = True) -> Any:
        return Stalling() if linkify else original(linkify=False, links=links)

    monkeypatch.setattr(assembler.markdown, "_parser", parser)
    (paragraph,) = render(fragment, "Zie https://www.regiogv.nl/ voor meer.")
    assert paragraph.text == "Zie https://www.regiogv.nl/ voor meer."
    assert not paragraph._p.findall(qn("w:hyperlink"))


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        # LibreOffice resolves these against its work folder, or as a Windows share.
        "../../../etc/passwd",
        "//evil.example/x",
        "\\\\server\\share\\x.exe",
        "%01javascript:alert(7)",
        "smb://evil/share",
        "launch:cmd.exe",
        "ftp://ftp.regiogv.nl/",
        "#kop",
    ],
)
def test_a_link_to_anything_but_a_web_or_mail_address_is_its_text(
    fragment: WordFragment, target: str
) -> None:
    text = f"Zie [de stukken]({target}) en <{target}>, [a](HTTPS://regiogv.nl/) [b](mailto:g@r.nl)"
    (paragraph,) = render(fragment, text)
    # Not the Markdown as typed: the link's text, as a clerk reads it.
    assert paragraph.text.startswith("Zie de stukken en ")
    # Only the web and e-mail addresses, of any spelling, are links.
    links = paragraph._p.findall(qn("w:hyperlink"))
    targets = [fragment.part.rels[link.get(qn("r:id"))].target_ref for link in links]
    assert targets == ["HTTPS://regiogv.nl/", "mailto:g@r.nl"]
    assert len([r for r in fragment.part.rels.values() if r.reltype == RT.HYPERLINK]) == 2


def test_a_pasted_address_of_another_scheme_stays_as_typed(fragment: WordFragment) -> None:
    (paragraph,) = render(fragment, "Zie ftp://ftp.regiogv.nl/ en //regiogv.nl/x.")
    assert paragraph.text == "Zie ftp://ftp.regiogv.nl/ en //regiogv.nl/x."
    assert not paragraph._p.findall(qn("w:hyperlink"))


def test_text_comes_out_literally(fragment: WordFragment) -> None:
    text = "{{ 7*7 }} {% if x %} <b>vet?</b> & \"quote\" 'apos' Zoë e\u0301 🙂 שלום"
    paragraphs = render(fragment, text)
    assert paragraphs[0].text == text
    xml = fragment.xml()
    assert "49" not in xml
    etree.fromstring(f"<root {_ns()}>{xml}</root>")


def test_blockquote_and_code_block(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "> geciteerd\n\n```\nregel 1\nregel 2\n```")
    assert paragraphs[0].style.name == "Quote"
    assert paragraphs[0].text == "geciteerd"
    assert paragraphs[1].text == "regel 1\nregel 2"
    assert paragraphs[1].style.name == "Broncode"


def test_empty_text_gives_no_paragraphs(fragment: WordFragment) -> None:
    assert render(fragment, "") == []
    assert render(fragment, "   \n\n") == []


def test_xml_safe_drops_what_xml_cannot_hold() -> None:
    assert xml_safe("a\x07b\x0cc\r\nd\re\tf") == "abc\nd\ne\tf"


def test_control_characters_do_not_break_the_document(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "bel\x07 en\x00 nul")
    assert paragraphs[0].text == "bel en nul"


def test_markdown_subdoc_uses_the_template_part() -> None:
    template = DocxTemplate(str(TEMPLATES / "voorstel.docx"))
    fragment = markdown_subdoc(template, "[link](https://example.org)\n\n- punt")
    assert fragment.part is template.get_docx().part
    xml = str(fragment)
    assert xml == fragment.__html__()
    assert "<w:body" not in xml
    root = etree.fromstring(f"<root {_ns()}>{xml}</root>")
    assert len(root) == 2


def _ns() -> str:
    return (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    )


def test_stray_brackets_by_the_thousand_are_printed_as_typed_without_links(
    fragment: WordFragment,
) -> None:
    """Hundreds of '[' open at once in a paragraph (a paste gone wrong) make markdown-it's link
    scan quadratic: such a text is parsed without links, its brackets printed as typed."""
    typed = "[a" * 24_000
    paragraphs = render(fragment, "Eerst [de site](https://www.regiogv.nl).\n\n" + typed)
    assert [paragraph.text for paragraph in paragraphs] == [
        "Eerst [de site](https://www.regiogv.nl).",
        typed,
    ]


def test_twenty_stray_brackets_keep_the_links_of_the_text(fragment: WordFragment) -> None:
    paragraphs = render(fragment, "Eerst [de site](https://www.regiogv.nl).\n\n" + "[a" * 20)
    assert [paragraph.text for paragraph in paragraphs] == ["Eerst de site.", "[a" * 20]

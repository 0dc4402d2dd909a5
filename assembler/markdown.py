"""Markdown (toelichting, tekst) to real Word paragraphs in the template's own styles.

markdown-it-py parses; python-docx builds the paragraphs on the template's own part, so
styles, numbering and hyperlink relationships are the template's; docxtpl inserts the
result where the template says ``{{p toelichting }}``. Text is only ever put into Word
runs: nothing is evaluated as Jinja.

Why not docxtpl's ``Subdoc``: it needs docxcompose, which on import rebinds python-docx's
global ``cp`` namespace prefix and so corrupts the core properties (keywords, revision)
of every document saved afterwards in the process. A paragraph container on the
template's part is all a Markdown body needs.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from docx.blkcntnr import BlockItemContainer
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.document import CT_Body
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.shared import Pt, Twips
from docx.text.paragraph import Paragraph
from linkify_it import LinkifyIt
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from assembler.markdown_check import TABLE_RULE, crowded_brackets

__all__ = [
    "WordFragment",
    "add_markdown",
    "empty_heading",
    "is_linkable",
    "markdown_subdoc",
    "new_number_list",
    "numbering_showing",
    "parse",
    "restart_numbered_lists",
    "target_as_typed",
    "xml_safe",
]

# Characters XML 1.0 cannot hold; tab and newline stay because Word has runs for them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

HEADING_STYLES = ("Heading 2", "Heading 3", "Heading 4")
LIST_INDENT_TWIPS = 425  # matches the indent step of the template's list levels
MONO_FONT = "Liberation Mono"


def xml_safe(text: str) -> str:
    """Normalise line ends and drop characters that XML 1.0 cannot contain."""
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# "€ 12.345.678,90" as a clerk types it: Word and LibreOffice may break the line after the "€",
# which a reader then finds at a line's end, apart from its amount. A no-break space keeps
# them together; one for one, so every offset and line stays.
_EURO_AND_SPACES = re.compile(r"€( +)(?=[-\u2212]?\d)")


def euro_with_its_amount(text: str) -> str:
    """``text`` with the spaces between a "€" and the number after it made no-break spaces."""
    if "€" not in text:
        return text
    return _EURO_AND_SPACES.sub(lambda found: "€" + "\u00a0" * len(found.group(1)), text)


class _LinksAsWordMakesThem(LinkifyIt):  # type: ignore[misc]
    """Bare addresses that become links as Word makes them while typing: with a scheme
    ("https://…"), starting with "www.", or an e-mail address; not every "woord.nl"."""

    def match(self, text: str) -> list[Any] | None:
        found: list[Any] | None = super().match(text)
        if found is None:
            return None
        return [link for link in found if _as_word_makes_it(link)]

    def match_at_start(self, text: str) -> Any:
        # What markdown-it's own rule asks at a "://": the same links, or none.
        link = super().match_at_start(text)
        return link if link is not None and _as_word_makes_it(link) else None

    def normalize(self, match: Any) -> None:
        """A pasted "www.…" goes to its ``https://`` page, as a "www.…" link target does."""
        if match.schema:
            super().normalize(match)
        else:
            match.url = "https://" + match.url


def _as_word_makes_it(link: Any) -> bool:
    """A scheme ("https:", "mailto:"; not the scheme-less "//x.nl") or "www." at its start, and
    an address that may be a link ("ftp://…" stays text)."""
    typed = bool(link.schema) or link.text.lower().startswith("www.")
    return typed and is_linkable(str(link.url))


# What the documents make a link: a web page or an e-mail address. Anything else would be
# resolved by LibreOffice, or a reader, as a file: '../x', '//host/x' and '\\host\x' against
# the converter's folder or a Windows share; 'smb:', 'file:', 'launch:' as they are.
_LINKABLE = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
# A web address typed without its scheme, which a link target may be too.
_SCHEME_LESS = re.compile(r"www\.", re.IGNORECASE)


def is_linkable(href: str) -> bool:
    """Whether the documents make ``href`` (as the parser normalised it) a link."""
    return _LINKABLE.match(href) is not None


def target_as_typed(href: str) -> str:
    """A link's target as the clerk typed it, near enough: ``href`` with the parser's
    %-escapes undone, unless that gives a control character."""
    typed = unquote(href, errors="replace")
    return href if _CONTROL.search(typed) else typed


class _EveryLinkParsed(MarkdownIt):
    """markdown-it leaves a link to a target it distrusts ("javascript:", "file:") as its
    Markdown, brackets and all; here every link is parsed, and :func:`is_linkable` says which
    become a link: the others show their text, and the check warns about them. A target typed
    "www.…" is given ``https://``, or LibreOffice would take it for a file."""

    def validateLink(self, url: str) -> bool:
        """Every target: see :func:`is_linkable`."""
        return True

    def normalizeLink(self, url: str) -> str:
        """A target as the parser writes it, with ``https://`` before one typed as "www.…",
        as a pasted "www.…" is a link too (the link finder gives that one its scheme itself)."""
        normalised: str = super().normalizeLink(url)
        return "https://" + normalised if _SCHEME_LESS.match(normalised) else normalised


_parsers = threading.local()


# A no-break space after a heading's '#', a bullet or a number at a line's start: Word and
# Outlook put one there, and a clerk sees a space. CommonMark wants a plain space or a tab, and
# shows "###\u00a0Kop" as text. Replaced one for one, so every offset and line stays.
_MARKER_AND_HARD_SPACE = re.compile(
    r"^((?:[ \t]*>)*[ \t]*(?:#{1,6}|[-*+]|\d{1,9}[.)]|>))([\u00a0\u2007\u202f]+)", re.MULTILINE
)


def _plain_spaces_after_markers(text: str) -> str:
    """``text`` with a no-break space after a block marker at a line's start made a space."""
    return _MARKER_AND_HARD_SPACE.sub(
        lambda found: found.group(1) + " " * len(found.group(2)), text
    )


def parse(text: str) -> list[Token]:
    """The tokens of Markdown ``text`` as the documents show it (after xml_safe)."""
    if "\u00a0" in text or "\u2007" in text or "\u202f" in text:
        text = _plain_spaces_after_markers(text)
    # Hundreds of '[' open at once: markdown-it's link scan would take minutes (check warns).
    links = crowded_brackets(text) is None
    try:
        return _parser(links=links).parse(text)
    except RuntimeError:
        # markdown-it-py's link rule can stall on odd text ("[//x.p://"): the text is then
        # shown without links made of bare addresses rather than not at all.
        return _parser(linkify=False, links=links).parse(text)


def _parser(*, linkify: bool = True, links: bool = True) -> MarkdownIt:
    """This thread's parser: the link finder keeps state between its calls. ``links``: False
    leaves '[tekst](adres)' and '![beschrijving](bestand)' as typed."""
    name = ("parser" if linkify else "plain_parser") + ("" if links else "_without_links")
    parser: MarkdownIt | None = getattr(_parsers, name, None)
    if parser is None:
        # CommonMark without raw HTML: a clerk's "<b>" is shown as typed, never interpreted;
        # without entities, so "&amp;" stays the five characters typed, as in every other
        # field; and with a pasted web or e-mail address made a link, as Word would.
        # maxNesting: past it markdown-it drops the rest of the text, silently (a list level
        # costs two; CommonMark's 20 ended the text at a tenth nested level).
        options = {"html": False, "linkify": linkify, "typographer": False, "maxNesting": 200}
        # ~~doorgehaald~~ (GFM's strikethrough) too: amended decisions show what was struck.
        parser = _EveryLinkParsed("commonmark", options).disable("entity").enable("strikethrough")
        if linkify:
            parser.enable("linkify")
            parser.linkify = _LinksAsWordMakesThem()
        if not links:
            parser.disable(["link", "image"])
        setattr(_parsers, name, parser)
    return parser


def empty_heading(content: str) -> bool:
    """Whether a heading whose text (its inline token's content) is ``content`` prints nothing:
    '###' alone, '## ##', or only a soft hyphen (left out of a heading); such a heading is
    not made."""
    return not content.replace(_SOFT_HYPHEN, "").strip()


def _empty_heading(heading: SyntaxTreeNode) -> bool:
    return all(empty_heading(child.content) for child in heading.children)


DEEPEST_LEVEL = 8
"""The deepest w:ilvl of a Word list (0-8)."""


# Word's optional hyphen, pasted along with the text.
_SOFT_HYPHEN = "\u00ad"


@dataclass
class _Inline:
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    hyperlink: Any = None  # the w:hyperlink element runs go into, while inside a link
    lines_as_typed: bool = False  # a table's rows: not run together into one line
    heading: bool = False  # a heading's text: a bookmark too


@dataclass
class _Builder:
    document: Any  # a python-docx Document or a WordFragment: add_paragraph, styles, part
    # The Markdown levels ('#' count) of the headings still open above the current text.
    open_headings: list[int] = field(default_factory=list)
    bullet_num_id: int | None = None
    bullet_abstract_id: int | None = None
    number_abstract_id: int | None = None
    styles: set[tuple[str, WD_STYLE_TYPE]] = field(default_factory=set)
    # Paragraph style name -> style id: python-docx looks a name up by scanning every style,
    # which was a sixth of all rendering time.
    paragraph_style_ids: dict[str, str] = field(default_factory=dict)
    body_space_after: int | None = None  # in twips: see list_block
    last: Paragraph | None = None  # the paragraph added last
    # The style of the paragraph added last if it is a list item's first paragraph: see
    # list_paragraph.
    last_item_style: str | None = None

    # ------------------------------------------------------------------ helpers

    def has_style(self, name: str, kind: WD_STYLE_TYPE) -> bool:
        return (name, kind) in self.styles

    def heading_depth(self, level: int) -> int:
        """The depth under the section heading (1: Heading 2) of a heading of Markdown
        ``level``: one below the nearest open heading of a lower level."""
        # '# A' then '### B' gives B depth 2, not 3: a skipped level leaves a gap in the
        # document's outline that screen readers announce (PDF/UA, WCAG 1.3.1), and the
        # shallowest heading stands just under the section heading whatever its '#' count.
        while self.open_headings and self.open_headings[-1] >= level:
            self.open_headings.pop()
        self.open_headings.append(level)
        return len(self.open_headings)

    def paragraph(self, style: str | None) -> Paragraph:
        paragraph: Paragraph = self.document.add_paragraph()
        style_id = self.paragraph_style_ids.get(style) if style is not None else None
        if style_id is not None:
            paragraph._p.get_or_add_pPr().style = style_id
        self.last = paragraph
        self.last_item_style = None
        return paragraph

    def new_list(self, node: SyntaxTreeNode, depth: int) -> _List:
        """One Word list for Markdown list ``node`` at ``depth`` and the lists nested in it.

        Word (and so LibreOffice, and the PDF's tags) nests a list only at a deeper level of
        the same w:num; each level is formatted as the Markdown list at that depth.
        """
        mixed = self.bullet_abstract_id is not None and self.number_abstract_id is not None
        kinds: dict[int, bool] = {}
        starts: dict[int, int] = {}
        _survey(node, depth, kinds, starts, mixed=mixed)
        if not any(kinds.values()):  # bullets only: the template's own bullet list
            return _List(self.bullet_num_id, kinds, starts)
        if self.number_abstract_id is None:
            return _List(None, kinds, starts)
        numbering = self.document.part.numbering_part.element
        abstract_id = self.number_abstract_id
        # LibreOffice starts a level other than the first at its w:start, whatever the w:num
        # says: a list that mixes kinds, or starts a nested list elsewhere, gets a definition
        # of its own.
        if not all(kinds.values()) or any(n != 1 for d, n in starts.items() if d > 0):
            abstract_id = _own_abstract(
                numbering, self.bullet_abstract_id, self.number_abstract_id, kinds, starts
            )
        return _List(new_number_list(numbering, abstract_id, 1, starts), kinds, starts)

    # ------------------------------------------------------------------ blocks

    def blocks(self, nodes: list[SyntaxTreeNode], context: _ListContext | None) -> None:
        for node in nodes:
            self.block(node, context)

    def block(self, node: SyntaxTreeNode, context: _ListContext | None) -> None:
        kind = node.type
        if kind == "heading":
            if _empty_heading(node):
                return  # '###' alone: no empty heading in the text and the tags (check warns)
            style = HEADING_STYLES[
                min(self.heading_depth(int(node.tag[1:])), len(HEADING_STYLES)) - 1
            ]
            self.inline(self.paragraph(style), node, heading=True)
        elif kind == "paragraph":
            self.inline(self.list_paragraph(context), node)
        elif kind in ("bullet_list", "ordered_list"):
            self.list_block(node, context)
        elif kind == "blockquote":
            self.blocks(node.children, _ListContext.in_quote(context))
            if context is None:
                self.end_as_a_paragraph()  # its style's 3 pt after, as a list's: a paragraph's
        elif kind in ("fence", "code_block"):
            self.code(node.content, context)
        elif kind == "hr":
            return
        else:
            # Anything else CommonMark may produce (html_block is off) keeps its text.
            if node.children:
                self.blocks(node.children, context)
            elif node.content:
                self.list_paragraph(context).add_run(node.content)

    def list_paragraph(self, context: _ListContext | None) -> Paragraph:
        if context is None:
            return self.paragraph(None)
        if context.quote and context.depth < 0:
            return self.paragraph("Quote")
        item = context.item
        if item is not None and not item.used:
            item.used = True
            style = "List Number" if context.ordered else "List Bullet"
            if self.last is not None and self.last_item_style not in (None, style):
                # Items of one style sit close (its contextual spacing); an item of a nested
                # list of the other kind, or the item after it, as close.
                self.last.paragraph_format.space_after = Twips(0)
            paragraph = self.paragraph(style)
            self.last_item_style = style
            word_list = context.word_list
            if word_list is not None and word_list.num_id is not None:
                p_pr: Any = paragraph._p.get_or_add_pPr()
                num_pr = p_pr.get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = context.depth
                num_pr.get_or_add_numId().val = word_list.num_id
                word_list.counted(context.depth)
            return paragraph
        # Second and later paragraphs of an item line up with its text, without a number.
        paragraph = self.paragraph("List Continue")
        paragraph.paragraph_format.left_indent = Twips(LIST_INDENT_TWIPS * (context.depth + 1))
        return paragraph

    def list_block(self, node: SyntaxTreeNode, outer: _ListContext | None) -> None:
        depth = 0 if outer is None or outer.depth < 0 else outer.depth + 1
        depth = min(depth, DEEPEST_LEVEL)  # Word has nine levels: the lists deeper are on the ninth
        word_list = outer.word_list if outer is not None and outer.depth >= 0 else None
        if word_list is None or not word_list.takes(node, depth):
            # A list of its own: a top-level one, or one its outer list cannot number (another
            # kind at that depth, or a number Word would not count to there).
            word_list = self.new_list(node, depth)
        quote = outer.quote if outer is not None else False
        for item_node in node.children:
            context = _ListContext(
                depth=depth,
                word_list=word_list,
                ordered=node.type == "ordered_list",
                quote=quote,
                item=_Item(),
            )
            self.blocks(item_node.children, context)
            if context.item is not None and not context.item.used:
                # An empty item ("- ") still gets its bullet or number.
                self.list_paragraph(context)
        if outer is None or outer.depth < 0:  # not in another list (in a quote, or not)
            # The items sit close together (their styles' contextual spacing), and so did the
            # text below the last one: a list ends with a paragraph's space, as it begins.
            self.end_as_a_paragraph()

    def end_as_a_paragraph(self) -> None:
        """Give the paragraph added last the space after a plain paragraph (see list_block)."""
        self.last_item_style = None
        if self.last is not None and self.body_space_after is not None:
            self.last.paragraph_format.space_after = Twips(self.body_space_after)

    def code(self, content: str, context: _ListContext | None) -> None:
        style = "Broncode" if self.has_style("Broncode", WD_STYLE_TYPE.PARAGRAPH) else None
        paragraph = self.paragraph(style) if context is None else self.list_paragraph(context)
        run = paragraph.add_run(content.rstrip("\n"))
        if style is None:
            run.font.name = MONO_FONT
            run.font.size = Pt(9)

    # ------------------------------------------------------------------ inline

    def inline(self, paragraph: Paragraph, node: SyntaxTreeNode, *, heading: bool = False) -> None:
        for child in node.children:
            if child.type == "inline":
                # A Markdown table is not made (check warns), but printed as typed, row by row.
                table = "---" in child.content and TABLE_RULE.search(child.content) is not None
                self.spans(
                    paragraph, child.children, _Inline(lines_as_typed=table, heading=heading)
                )

    def spans(self, paragraph: Paragraph, nodes: list[SyntaxTreeNode], state: _Inline) -> None:
        for node in nodes:
            kind = node.type
            if kind == "text":
                self.run(paragraph, node.content, state)
            elif kind == "softbreak":
                self.run(paragraph, "\n" if state.lines_as_typed else " ", state)
            elif kind == "hardbreak":
                self.run(paragraph, "\n", state)
            elif kind == "code_inline":
                self.run(paragraph, node.content, _replace(state, code=True))
            elif kind == "strong":
                self.spans(paragraph, node.children, _replace(state, bold=True))
            elif kind == "em":
                self.spans(paragraph, node.children, _replace(state, italic=True))
            elif kind == "s":
                self.spans(paragraph, node.children, _replace(state, strike=True))
            elif kind == "link":
                self.link(paragraph, node, state)
            elif kind == "image":
                # No remote images in an official document: keep the alternative text.
                self.spans(paragraph, node.children, state)
            elif node.children:
                self.spans(paragraph, node.children, state)
            else:
                self.run(paragraph, node.content, state)

    def link(self, paragraph: Paragraph, node: SyntaxTreeNode, state: _Inline) -> None:
        href = str(node.attrGet("href") or "")
        if not is_linkable(href) or state.hyperlink is not None:
            self.spans(paragraph, node.children, state)
            return
        r_id = self.document.part.relate_to(href, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        hyperlink.set(qn("w:history"), "1")
        paragraph._p.append(hyperlink)
        self.spans(paragraph, node.children, _replace(state, hyperlink=hyperlink))

    def run(self, paragraph: Paragraph, text: str, state: _Inline) -> None:
        if state.heading:
            # A soft hyphen pasted from Word: in running text it says where a word may break,
            # but a heading is a bookmark and a tagged heading too, where PDF viewers show it
            # as a hyphen ('Beknopte toe-lichting') or a search does not find the word.
            text = text.replace(_SOFT_HYPHEN, "")
        if not text:
            return
        run = paragraph.add_run(text)
        if state.bold:
            run.bold = True
        if state.italic:
            run.italic = True
        if state.code:
            run.font.name = MONO_FONT
        if state.strike:
            run.font.strike = True
        if state.hyperlink is not None:
            if self.has_style("Hyperlink", WD_STYLE_TYPE.CHARACTER):
                run.style = "Hyperlink"
            else:
                run.underline = True
            state.hyperlink.append(run._r)


@dataclass
class _Item:
    used: bool = False


def _start(node: SyntaxTreeNode) -> int:
    start = node.attrGet("start") if node.type == "ordered_list" else None
    return int(start) if start is not None else 1


def _survey(
    node: SyntaxTreeNode, depth: int, kinds: dict[int, bool], starts: dict[int, int], *, mixed: bool
) -> None:
    """Note the kind (ordered or not) and start of Markdown list ``node`` at ``depth`` and of
    the lists nested in it, the first at each depth; a list of another kind than the first at
    its depth (or than ``node``, unless ``mixed``) is left out, with what is nested in it."""
    ordered = node.type == "ordered_list"
    # Without both of the template's lists every level is formatted as the first.
    known = kinds.get(depth) if mixed or not kinds else kinds[min(kinds)]
    if known is not None and known != ordered:
        return
    if depth not in kinds:
        kinds[depth] = ordered
        starts[depth] = _start(node)
    for item in node.children:
        _survey_blocks(item.children, depth, kinds, starts, mixed=mixed)


def _survey_blocks(
    nodes: list[SyntaxTreeNode],
    depth: int,
    kinds: dict[int, bool],
    starts: dict[int, int],
    *,
    mixed: bool,
) -> None:
    for child in nodes:
        if child.type in ("bullet_list", "ordered_list"):
            _survey(child, depth + 1, kinds, starts, mixed=mixed)
        elif child.children:  # a block quote in an item: its lists are nested one deeper
            _survey_blocks(child.children, depth, kinds, starts, mixed=mixed)


@dataclass
class _List:
    """One Word list (w:num) and how Word counts it while its paragraphs are added."""

    num_id: int | None
    kinds: dict[int, bool]  # depth -> ordered: each level's format
    starts: dict[int, int]  # depth -> the number its level (re)starts at
    counts: dict[int, int] = field(default_factory=dict)  # depth -> the last number given

    def takes(self, node: SyntaxTreeNode, depth: int) -> bool:
        """Whether Markdown list ``node`` nested at ``depth`` is shown right in this list."""
        ordered = node.type == "ordered_list"
        if self.kinds.get(depth) != ordered:
            return False
        if not ordered:
            return True
        # Word counts a level on until a paragraph of a higher level restarts it.
        last = self.counts.get(depth)
        return (self.starts[depth] if last is None else last + 1) == _start(node)

    def counted(self, depth: int) -> None:
        """Count an item at ``depth``: Word restarts every deeper level after it."""
        last = self.counts.get(depth)
        self.counts[depth] = self.starts.get(depth, 1) if last is None else last + 1
        for deeper in [level for level in self.counts if level > depth]:
            del self.counts[deeper]


@dataclass
class _ListContext:
    depth: int
    word_list: _List | None
    ordered: bool = False
    quote: bool = False
    item: _Item | None = None

    @classmethod
    def in_quote(cls, outer: _ListContext | None) -> _ListContext:
        if outer is None:
            return cls(depth=-1, word_list=None, quote=True)
        return cls(
            depth=outer.depth,
            word_list=outer.word_list,
            ordered=outer.ordered,
            quote=True,
            item=outer.item,
        )


def _replace(state: _Inline, **changes: Any) -> _Inline:
    values = {**state.__dict__, **changes}
    return _Inline(**values)


def new_number_list(
    numbering: Any, abstract_id: int, start: int, starts: Mapping[int, int] | None = None
) -> int:
    """The numId of a fresh w:num over ``abstract_id`` whose first level counts from ``start``
    (or each level from its number in ``starts``), every other level from 1.

    Word continues the count of every w:num over the same list unless it says where to start.
    """
    num_id = int(numbering._next_numId)
    starts = starts if starts is not None else {0: start}
    # Made as one piece of XML: python-docx's add_lvlOverride per level cost an agenda of 30
    # items a quarter of its rendering time.
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{starts.get(level, 1)}"/>'
        "</w:lvlOverride>"
        for level in range(9)
    )
    numbering._insert_num(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>"
        )
    )
    return num_id


def _own_abstract(
    numbering: Any,
    bullet_abstract_id: int | None,
    number_abstract_id: int,
    kinds: Mapping[int, bool],
    starts: Mapping[int, int],
) -> int:
    """The id of a new w:abstractNum whose levels are the template's numbered list's where
    ``kinds`` says ordered (starting at ``starts``), its bullet list's elsewhere (a level
    without a list: as the shallowest list given)."""
    w_id = qn("w:abstractNumId")
    abstracts = {int(a.get(w_id)): a for a in numbering.iterchildren(qn("w:abstractNum"))}
    numbers = abstracts.get(number_abstract_id)
    if numbers is None:  # a template whose list points at no definition: as it is
        return number_abstract_id
    bullets = numbers if bullet_abstract_id is None else abstracts.get(bullet_abstract_id, numbers)
    new_id = max(abstracts) + 1
    own = copy.deepcopy(bullets)
    own.set(w_id, str(new_id))
    # Its own list: not a style's definition, nor linked to one.
    unlinked = ("w:name", "w:styleLink", "w:numStyleLink", "w:tmpl")
    for child in [c for c in own if c.tag in {qn(tag) for tag in unlinked}]:
        own.remove(child)
    # A list's identity to Word: unique, and the same in every build of the same text.
    val = qn("w:val")
    taken = {str(n.get(val)) for n in numbering.iter(qn("w:nsid"))}
    nsid = 0x5A0B0000 + new_id
    while f"{nsid:08X}" in taken:
        nsid += 1
    own_nsid = own.find(qn("w:nsid"))
    if own_nsid is not None:
        own_nsid.set(val, f"{nsid:08X}")
    ilvl = qn("w:ilvl")
    number_levels = {lvl.get(ilvl): lvl for lvl in numbers.iterchildren(qn("w:lvl"))}
    fallback = kinds[min(kinds)]
    for lvl in list(own.iterchildren(qn("w:lvl"))):
        level = str(lvl.get(ilvl))
        if kinds.get(int(level), fallback) and level in number_levels:
            numbered = copy.deepcopy(number_levels[level])
            start = numbered.find(qn("w:start"))
            if start is not None and int(level) in starts:
                start.set(val, str(starts[int(level)]))
            own.replace(lvl, numbered)
    # Every w:abstractNum comes before the first w:num.
    list(abstracts.values())[-1].addnext(own)
    return new_id


def _numbering_by_style(document: Any) -> dict[str, int]:
    """The numId each paragraph style of ``document`` numbers its paragraphs with."""
    by_style: dict[str, int] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is not None:
            by_style[str(style.get(qn("w:styleId")))] = int(num_id.get(qn("w:val")))
    return by_style


def _num_id(p_pr: Any, by_style: dict[str, int]) -> int | None:
    """The numId a paragraph (by its w:pPr) is numbered with: its own, else its style's."""
    val = qn("w:val")
    own = p_pr.find(f"{qn('w:numPr')}/{qn('w:numId')}")
    if own is not None:
        return int(own.get(val))
    style = p_pr.find(qn("w:pStyle"))
    return by_style.get(str(style.get(val))) if style is not None else None


def numbering_showing(document: Any, name: str) -> set[int]:
    """The numIds of the paragraphs of template ``document`` that show the value ``name``
    (``{{ name }}``, filters allowed), wherever they stand (tables and content controls too)."""
    shows = re.compile(r"\{\{-?\s*" + re.escape(name) + r"\s*(?:\||-?\}\})")
    by_style = _numbering_by_style(document)
    found: set[int] = set()
    for p_pr in document.element.body.iter(qn("w:pPr")):
        paragraph = p_pr.getparent()
        # A Jinja tag may be split over several runs: the paragraph's text as a whole.
        if shows.search("".join(paragraph.itertext())):
            num_id = _num_id(p_pr, by_style)
            if num_id:  # numbered "none" (0) counts nothing
                found.add(num_id)
    return found


def restart_numbered_lists(document: Any, num_ids: set[int]) -> None:
    """Give each run of adjacent paragraphs numbered by one of ``num_ids`` in ``document``'s
    body (in tables and content controls too) a list of its own that counts from 1.

    A template's numbered paragraph repeated by a loop inside a loop (the decisions of each
    agenda item) is one list to Word, counting on over every item; Word has no "restart here"
    a template could say, only a list per run. Only the lists named are restarted: an item
    heading numbered by Word counts on over the decisions between the headings.
    """
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # no numbering part: nothing is numbered
        return
    abstracts = {int(num.numId): int(num.abstractNumId.val) for num in numbering.num_lst}
    by_style = _numbering_by_style(document)
    # Only the numbered paragraphs are looked at: a Python object for every paragraph of the
    # body cost more than the rest of this together.
    styles = sorted(by_style)
    numbered = " or ".join(
        ["w:numPr/w:numId", *(f"w:pStyle/@w:val=$s{n}" for n in range(len(styles)))]
    )
    # python-docx's own xpath takes no variables (a style id is not written into the path).
    select = etree.XPath(f".//w:p/w:pPr[{numbered}]", namespaces={"w": nsmap["w"]})
    found = cast(
        list[Any],
        select(document.element.body, **{f"s{n}": style for n, style in enumerate(styles)}),
    )
    run: tuple[int, int] | None = None  # the template's numId, and its list for this run
    previous: Any = None
    for p_pr in found:
        num_id = _num_id(p_pr, by_style)
        if num_id not in num_ids or num_id not in abstracts:  # another list, or broken
            continue
        assert num_id is not None
        paragraph = p_pr.getparent()
        # Adjacent within the same container: a table cell's first paragraph starts a run.
        if run is None or run[0] != num_id or paragraph.getprevious() is not previous:
            run = (num_id, new_number_list(numbering, abstracts[num_id], 1))
        p_pr.get_or_add_numPr().get_or_add_numId().val = run[1]
        previous = paragraph


def _style_numbering(document: Any, style_name: str) -> int | None:
    """The numId a list style points at in the template, if it has one."""
    try:
        style = document.styles[style_name]
    except KeyError:
        return None
    p_pr = style.element.pPr
    if p_pr is None or p_pr.numPr is None or p_pr.numPr.numId is None:
        return None
    return int(p_pr.numPr.numId.val)


def _abstract_for(document: Any, num_id: int | None) -> int | None:
    if num_id is None:
        return None
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        # python-docx raises NotImplementedError for a template without a numbering part.
        return None
    for num in numbering.num_lst:
        if int(num.numId) == num_id:
            return int(num.abstractNumId.val)
    return None


@dataclass(frozen=True)
class _StyleInfo:
    """What Markdown needs to know of a template's styles and numbering."""

    styles: frozenset[tuple[str, WD_STYLE_TYPE]]
    paragraph_style_ids: dict[str, str]
    bullet_num_id: int | None
    bullet_abstract_id: int | None
    number_abstract_id: int | None
    body_space_after: int | None


def _body_space_after(document: Any) -> int | None:
    """The space after a plain paragraph, in twips: its style's, or the document's default."""
    style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    if style is not None and style.paragraph_format.space_after is not None:
        return int(style.paragraph_format.space_after.twips)
    spacing = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    after = spacing.get(qn("w:after")) if spacing is not None else None
    return int(after) if after is not None and after.isascii() and after.isdigit() else None


def _style_info(document: Any) -> _StyleInfo:
    all_styles = list(document.styles)
    bullet_num_id = _style_numbering(document, "List Bullet")
    return _StyleInfo(
        body_space_after=_body_space_after(document),
        styles=frozenset((style.name, style.type) for style in all_styles),
        paragraph_style_ids={
            style.name: style.style_id
            for style in all_styles
            if style.type == WD_STYLE_TYPE.PARAGRAPH and style.name
        },
        bullet_num_id=bullet_num_id,
        bullet_abstract_id=_abstract_for(document, bullet_num_id),
        number_abstract_id=_abstract_for(document, _style_numbering(document, "List Number")),
    )


# Template file (path, mtime, size) -> its style info: every dossier is rendered from the
# same few templates, and listing a template's styles costs as much as the Markdown itself.
_STYLE_INFO: dict[tuple[str, int, int], _StyleInfo] = {}


def add_markdown(document: Any, text: str, info: _StyleInfo | None = None) -> None:
    """Append Markdown ``text`` as Word paragraphs to a python-docx document."""
    tree = SyntaxTreeNode(parse(euro_with_its_amount(xml_safe(text))))
    info = info or _style_info(document)
    builder = _Builder(
        document=document,
        bullet_num_id=info.bullet_num_id,
        bullet_abstract_id=info.bullet_abstract_id,
        number_abstract_id=info.number_abstract_id,
        styles=set(info.styles),
        paragraph_style_ids=info.paragraph_style_ids,
        body_space_after=info.body_space_after,
    )
    builder.blocks(tree.children, None)


class WordFragment:
    """Block content (paragraphs) built on a document's part, inserted by docxtpl as XML."""

    def __init__(self, document: Any) -> None:
        # Prefixes are declared on the scratch body only; the fragment is placed inside
        # the template's w:document, which declares them too.
        self._body: CT_Body = cast(CT_Body, parse_xml(f"<w:body {nsdecls('w', 'r')}/>"))
        self._container = BlockItemContainer(self._body, document)
        self.document = document

    @property
    def part(self) -> Any:
        """The template's main part: styles, numbering and relationships live there."""
        return self.document.part

    @property
    def styles(self) -> Any:
        """The template's styles."""
        return self.document.styles

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """Append a paragraph, as python-docx's Document.add_paragraph does."""
        return self._container.add_paragraph(text, style)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs built so far."""
        paragraphs: list[Paragraph] = self._container.paragraphs
        return paragraphs

    def xml(self) -> str:
        """The paragraphs as WordprocessingML, without the scratch body around them."""
        body = etree.tostring(self._body, encoding="unicode")
        return re.sub(r"</?w:body[^>]*>", "", body)

    def __html__(self) -> str:
        return self.xml()

    def __str__(self) -> str:
        return self.xml()


def markdown_subdoc(template: Any, text: str) -> WordFragment:
    """Word paragraphs for ``template`` (a DocxTemplate) holding the Markdown ``text``."""
    fragment = WordFragment(template.get_docx())
    info = None
    source = getattr(template, "template_file", None)
    if isinstance(source, str | Path):
        try:
            stat = os.stat(source)
        except OSError:
            pass
        else:
            key = (str(source), stat.st_mtime_ns, stat.st_size)
            info = _STYLE_INFO.get(key)
            if info is None:
                info = _STYLE_INFO[key] = _style_info(fragment)
    add_markdown(fragment, text, info)
    return fragment

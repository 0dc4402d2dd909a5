"""The template check's reading of a template: its parts, and what is wrong as typed.

:func:`template_parts` hands back the Jinja source of every part docxtpl renders (body,
headers, footers, footnotes, core properties), prepared exactly as docxtpl prepares it, one
paragraph a line, so that Jinja's line numbers point at a paragraph. The rest reads those
parts as the template's editor typed them:

* per paragraph (:func:`paragraph_problems`): a code without its closing '%}' or '}}',
  '{%p end if %}', two {%p %} codes in a paragraph or two {%tr %} codes in a row, a {%tr %}
  outside a table, text beside a {%p %} code or a cell left empty by one, a plain {% for %}
  or {% if %} that opens or closes in another paragraph, Markdown printed with {{ }} inside
  a paragraph, and '{{r veld }}';
* per part: tracked changes, Word's own merge fields, a code in a document property
  (a warning: the documents never show it) and a code in a part docxtpl never renders (in a
  comment, a warning);
* a Jinja syntax error, said at the tag as typed (:func:`syntax_problem`), and the tag a
  finding of the walker is about (:func:`tag_for`, :func:`tag_as_typed`).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from assembler.errors import Problem
from assembler.ooxml import W
from assembler.render import jinja_message_in_dutch

__all__ = [
    "LEFTOVER",
    "TAG",
    "NotADocx",
    "Part",
    "W",
    "jinja_environment",
    "merge_field_problems",
    "opening_tag",
    "paragraph_problems",
    "plain_text",
    "property_code_problems",
    "syntax_problem",
    "tag_as_typed",
    "tag_for",
    "tags_with_lines",
    "template_parts",
    "tracked_change_problems",
    "typed_tags",
    "unrendered_code_problems",
]

LEFTOVER = re.compile(r"\{\{|\{%")
# Jinja's words for a closing, else or elif with no block open.
_STRAY = re.compile(r"Encountered unknown tag '(?:end\w+|else|elif)'\.?")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Core properties docxtpl renders with the context (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Part:
    """One piece of Jinja source as docxtpl hands it to Jinja."""

    name: str
    where: str  # Dutch prefix for messages: "", "in de koptekst: "
    source: str
    raw: str = ""  # the part's XML as the template has it, before docxtpl's preparation


class NotADocx(Exception):
    """A template python-docx cannot open: lint.py says so as a problem of the template."""


def template_parts(path: Path) -> list[Part]:
    """The Jinja source of every part docxtpl renders, prepared as docxtpl prepares it."""
    template = DocxTemplate(str(path))
    try:
        template.init_docx()
    except Exception:  # any failure to open means: not a usable .docx
        raise NotADocx from None

    def prepared(xml: str) -> str:
        # render_xml_part puts each paragraph on its own line; Jinja's line numbers
        # then point at a paragraph, which is how tags are found for messages.
        return str(re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml)))

    body = template.get_xml()
    parts = [Part("word/document.xml", "", prepared(body), body)]
    for uri, where in ((template.HEADER_URI, "koptekst"), (template.FOOTER_URI, "voettekst")):
        for _key, part in template.get_headers_footers(uri):
            xml = template.get_part_xml(part)
            name = str(part.partname).lstrip("/")
            parts.append(Part(name, f"in de {where}: ", prepared(xml), xml))
    for part in template.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            name = str(part.partname).lstrip("/")
            parts.append(Part(name, "in een voetnoot: ", prepared(blob), blob))
    core = template.docx.core_properties
    for prop in _PROPERTIES:
        value = getattr(core, prop) or ""
        if LEFTOVER.search(value):
            parts.append(Part("docProps/core.xml", f"in documenteigenschap {prop}: ", value))
    return parts


def fixed_texts(part: Part) -> list[tuple[str, str]]:
    """(as typed, fixed text) of each paragraph of ``part`` that has text typed outside its
    codes: what every document made with the template shows whatever its values. Each code
    (a field, a block, a comment) is replaced by a NUL, so no term is found across one."""
    if not part.raw:
        return []  # a document property: assembler sets or empties those itself
    try:
        root = etree.fromstring(part.raw.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []  # not for this check to say
    found: list[tuple[str, str]] = []
    for paragraph in root.iter(f"{W}p"):
        if any(True for _ in paragraph.iterdescendants(f"{W}p")):
            continue  # a paragraph holding a text box: its own paragraphs are looked at
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        fixed = TAG.sub("\x00", text)
        if fixed.replace("\x00", "").strip():
            found.append((text, fixed))
    return found


def jinja_environment() -> SandboxedEnvironment:
    # Same kind and settings as render.py's: only parsing and the sandbox's attribute
    # rule matter here, and neither depends on the renderer's finalize.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


# --------------------------------------------------------------------------- paragraphs

# docxtpl's codes that take their paragraph's place, and any code at all.
_PARAGRAPH_TAG = re.compile(r"\{%p\s.*?%\}|\{\{p\s.*?\}\}")
_ANY_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")
# A block tag without docxtpl's p, tr, tc or r: it stays where it is typed, inside its paragraph.
# 'end if' typed apart is an 'endif' here: said apart by _split_ends, not as an if left open.
_INLINE_BLOCK = re.compile(r"\{%-?\s*(for|end\s*for|if|end\s*if)\b[^%]*%\}")
_INLINE_PRINT = re.compile(r"\{\{-?\s*(\w+)\s*-?\}\}")


def paragraph_problems(
    raw: str, formatted: Collection[str], *, causes_only: bool = False, parsed: bool = True
) -> list[tuple[str, str]]:
    """(tag, message) for each paragraph that would come out wrong when filled in: see
    :func:`_beside_a_paragraph_code`, :func:`_torn_blocks` and :func:`_formatted_inline`.
    ``causes_only``: only what makes Jinja misread the part (a code left open, a code in
    another's place), which its own message, at a later code, does not say. Not ``parsed``
    (Jinja refused the part): no block is called torn, as Jinja's own message says better
    where a block is left open."""
    if "{" not in raw:
        return []
    try:
        root = etree.fromstring(raw.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []  # not for this check to say
    found: list[tuple[str, str]] = []
    for paragraph in root.iter(f"{W}p"):
        if any(True for _ in paragraph.iterdescendants(f"{W}p")):
            continue  # a paragraph holding a text box: its own paragraphs are looked at
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        if "{" in text:
            found += _unclosed_codes(text)
            found += _split_ends(text)
            found += _two_paragraph_codes(text)
            found += _row_code_out_of_a_row(paragraph, text)
            if parsed and not causes_only:
                found += _torn_blocks(text)
            if not causes_only:
                found += _beside_a_paragraph_code(paragraph, text)
                found += _formatted_inline(text, formatted)
                found += _rich_text_codes(text)
    for row in root.iter(f"{W}tr"):
        found += _row_codes_in_one_row(row)
    return found


_RICH_TEXT_CODE = re.compile(r"\{\{\s*r\s+[^{}]*\}\}")


def _rich_text_codes(text: str) -> list[tuple[str, str]]:
    """``{{r onderwerp }}``: docxtpl's code for formatted text, which no field is, so the value
    is printed as nothing at all."""
    return [
        (
            found.group(0),
            "de r in deze code is voor opgemaakte tekst, en dit veld is gewone tekst: de "
            "waarde komt niet in het document (schrijf "
            f"{{{{ {found.group(0)[2:-2].strip()[1:].strip()} }}}})",
        )
        for found in _RICH_TEXT_CODE.finditer(text)
    ]


def _unclosed_codes(text: str) -> list[tuple[str, str]]:
    """A code whose closing '%}' or '}}' is missing in its paragraph ('{%p if bijlagen }'):
    Jinja reads on to a later code, and names that one."""
    found = []
    # What Jinja does not read as codes: a comment, a raw section (refused on its own).
    text = _NOT_CODES.sub(" ", text)
    for opening, closing in (("{%", "%}"), ("{{", "}}")):
        start = text.find(opening)
        while start != -1:
            end = text.find(closing, start + 2)
            following = min(
                (at for at in (text.find("{%", start + 2), text.find("{{", start + 2)) if at != -1),
                default=-1,
            )
            if end == -1 or (following != -1 and following < end):
                typed = text[start : following if following != -1 else len(text)].strip()
                found.append(
                    (
                        typed,
                        f"'{typed}' mist '{closing}' aan het eind (schrijf de code af met "
                        f"'{closing}', in dezelfde alinea)",
                    )
                )
            start = text.find(opening, start + 2)
    return found


def _split_ends(text: str) -> list[tuple[str, str]]:
    """'{%p end if %}' for '{%p endif %}': Jinja reads a code 'end' it does not know, and
    says so at the block it then finds unclosed."""
    return [
        (
            typed.group(),
            f"{typed.group()} wordt niet herkend: schrijf '{_joined_end(typed.group())}', "
            "zonder spatie na end",
        )
        for typed in _SPLIT_END.finditer(text)
    ]


def _joined_end(typed: str) -> str:
    """'{%- end if -%}' as it should be typed: '{%- endif -%}'."""
    return _SPLIT.sub(lambda word: "end" + word.group(1), typed)


_NOT_CODES = re.compile(r"\{#.*?#\}|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_SPLIT_END = re.compile(r"\{%-?(?:p|tr|tc|r)?\s*end\s+(?:if|for)\s*-?%\}")
_SPLIT = re.compile(r"end\s+(if|for)")


def _two_paragraph_codes(text: str) -> list[tuple[str, str]]:
    """Two {%p %} codes in one paragraph: each takes the paragraph's place."""
    codes = _PARAGRAPH_TAG.findall(text)
    if len(codes) < 2:
        return []
    return [
        (
            codes[1],
            f"{codes[0]} en {codes[1]} staan in dezelfde alinea, en elk neemt de plaats van de "
            "hele alinea in (zet elke code in een eigen alinea, met Enter: Shift+Enter begint "
            "geen nieuwe)",
        )
    ]


def _row_code_out_of_a_row(paragraph: Any, text: str) -> list[tuple[str, str]]:
    """A {%tr %} code that stands in no table row: docxtpl has no row to put it in."""
    code = _ROW_TAG.search(text)
    if code is None or any(True for _ in paragraph.iterancestors(f"{W}tr")):
        return []
    return [
        (
            code.group(),
            f"{code.group()} staat niet in een tabel: {{%tr ... %}} herhaalt of laat een tabelrij "
            "weg (schrijf buiten een tabel {%p ... %} op een eigen regel)",
        )
    ]


def _row_codes_in_one_row(row: Any) -> list[tuple[str, str]]:
    """Two {%tr %} codes in one table row: each takes the row's place, so the second goes."""
    # The row's own cells: a table nested in one has rows of its own.
    text = "".join(
        t.text or "" for t in row.iter(f"{W}t") if next(t.iterancestors(f"{W}tr"), None) is row
    )
    codes = _ROW_TAG.findall(text)
    if len(codes) < 2:
        return []
    return [
        (
            codes[1],
            f"{codes[0]} en {codes[1]} staan in dezelfde tabelrij, en elk neemt de plaats van de "
            "hele rij in (zet elk in een eigen rij: de rij erboven en de rij eronder)",
        )
    ]


_ROW_TAG = re.compile(r"\{%tr\s.*?%\}")


def _beside_a_paragraph_code(paragraph: Any, text: str) -> list[tuple[str, str]]:
    """docxtpl puts a {%p %} code in its paragraph's place: text beside it goes, and a cell
    that held only the code is left empty."""
    codes = _PARAGRAPH_TAG.findall(text)
    if len(codes) != 1:
        return []  # none, or two: said by _two_paragraph_codes
    code = codes[0]
    rest = _ANY_TAG.sub("", text).strip()
    if rest:
        return [
            (
                code,
                f"de tekst '{rest[:40]}' staat in dezelfde alinea als {code} en valt weg (zet "
                "de code op een eigen regel)",
            )
        ]
    cell = paragraph.getparent()
    if cell is not None and cell.tag == f"{W}tc" and len(cell.findall(f"{W}p")) == 1:
        return [
            (
                code,
                f"{code} is alles in een tabelcel en laat een lege cel achter (herhaal of laat "
                "een tabelrij weg met {%tr ... %})",
            )
        ]
    return []


def _torn_blocks(text: str) -> list[tuple[str, str]]:
    """A plain {% for %} or {% if %} that opens or closes in another paragraph: the filled-in
    document falls apart."""
    found = []
    depth = {"for": 0, "if": 0}
    first: dict[str, str] = {}
    for tag in _INLINE_BLOCK.finditer(text):
        word = "".join(tag.group(1).split())  # 'end if' as 'endif'
        kind = word.removeprefix("end")
        first.setdefault(word, tag.group())
        depth[kind] += -1 if word.startswith("end") else 1
        if depth[kind] < 0:
            said = f"{tag.group()} sluit een {{% {kind} %}} uit een andere alinea of tabelrij"
            found.append((tag.group(), said + _TORN.format(kind=kind)))
            depth[kind] = 0
    for kind, still_open in depth.items():
        if still_open > 0:
            said = f"{first[kind]} wordt pas in een andere alinea of tabelrij gesloten"
            found.append((first[kind], said + _TORN.format(kind=kind)))
    return found


def _formatted_inline(text: str, formatted: Collection[str]) -> list[tuple[str, str]]:
    """Formatted text (Markdown) printed with {{ }} inside a paragraph, not with {{p }}."""
    return [
        (
            tag.group(),
            f"{tag.group(1)} is opgemaakte tekst met alinea's en komt zo niet in het document "
            f"(schrijf {{{{p {tag.group(1)} }}}} op een eigen regel)",
        )
        for tag in _INLINE_PRINT.finditer(text)
        if tag.group(1) in formatted
    ]


_TORN = (
    ": zo valt het ingevulde document uit elkaar (schrijf {{%p {kind} ... %}} en "
    "{{%p end{kind} %}} elk op een eigen regel, of in een tabel {{%tr {kind} ... %}} en "
    "{{%tr end{kind} %}})"
)


# --------------------------------------------------------------------------- parts

# Word's own mail merge ('Verzendlijsten'), which only Word fills in: «kenmerk» as typed.
_MERGE_FIELD = re.compile(r"MERGEFIELD\s+\"?([^\s\"\\<]+)")
# Tracked changes: inserted, deleted or moved text that Word shows as marked.
_REVISION = re.compile(r"<w:(ins|del|moveFrom|moveTo)[ >]")


def tracked_change_problems(part: Part, label: str) -> list[Problem]:
    """An error for a part with tracked changes: docxtpl fills in what was taken out too."""
    if not _REVISION.search(part.raw):
        return []
    return [
        Problem(
            label,
            None,
            "",
            part.where + "het sjabloon bevat bijgehouden wijzigingen: ook weggehaalde "
            "tekst en codes zouden worden ingevuld (accepteer of weiger ze in Word via "
            "Controleren, en zet Wijzigingen bijhouden uit)",
        )
    ]


def merge_field_problems(part: Part, label: str) -> list[Problem]:
    """An error for each of Word's own merge fields in a part: nothing fills them in."""
    return [
        Problem(
            label,
            None,
            f"«{field_name}»",
            part.where + f"een Word-samenvoegveld «{field_name}» wordt niet ingevuld en "
            f"komt zo in het document (vervang het door {{{{ {field_name} }}}})",
        )
        for field_name in dict.fromkeys(_MERGE_FIELD.findall(part.raw))
    ]


def property_code_problems(parts: Sequence[Part], label: str) -> list[Problem]:
    """A warning for each document property with a code: the documents never show it."""
    problems = []
    for part in parts:
        if part.name == "docProps/core.xml":
            # Filled in by docxtpl, then set or emptied by assembler (render._set_properties).
            problems.append(
                Problem(
                    label,
                    None,
                    part.source.strip(),
                    part.where + "een code in een documenteigenschap komt niet in de "
                    "documenten: assembler zet de titel, het onderwerp, de auteur en de taal zelf "
                    "en laat de andere eigenschappen leeg (haal de code weg)",
                    "waarschuwing",
                )
            )
    return problems


def unrendered_code_problems(path: Path, parts: Sequence[Part], label: str) -> list[Problem]:
    """An error for a code in a part docxtpl never renders; a warning for one in a comment."""
    problems = []
    rendered = {part.name for part in parts} | {"docProps/core.xml"}
    for name, snippet in _other_parts(path, rendered):
        if name.startswith("word/comments"):
            # The documents are made without the template's comments: nothing shows it.
            message = (
                "code in een opmerking wordt niet ingevuld, en de opmerkingen komen niet in de "
                "documenten (zet de code in de tekst als die ingevuld moet worden)"
            )
            problems.append(Problem(label, None, snippet, message, "waarschuwing"))
            continue
        problems.append(
            Problem(
                label,
                None,
                snippet,
                f"code op een plek die niet wordt ingevuld ({name}) "
                "(zet de code in de tekst, de kop- of de voettekst)",
            )
        )
    return problems


def _other_parts(path: Path, rendered: set[str]) -> Iterator[tuple[str, str]]:
    """Tags in XML parts docxtpl never renders: (part name, the text around the tag)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name in rendered or not name.endswith((".xml", ".rels")):
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            match = LEFTOVER.search(xml)
            if match:
                yield name, plain_text(xml[match.start() : match.start() + 200])[:60]


# --------------------------------------------------------------------------- tags


def plain_text(xml: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>?", "", xml))).strip()


def tags_with_lines(source: str) -> list[tuple[int, str]]:
    """Every tag in a part with its line, as a template editor typed it (text only)."""
    found = []
    for match in TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        found.append((line, plain_text(match.group(0))))
    return found


def tag_for(tags: list[tuple[int, str]], lineno: int, name: str) -> str:
    """The tag a finding is about: on its line if possible, else anywhere in the part."""
    word = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    on_line = [text for line, text in tags if line == lineno]
    for candidates in (on_line, [text for _line, text in tags]):
        for text in candidates:
            if word.search(text):
                return text
    return on_line[0] if on_line else name


# Jinja's most common syntax messages, in the clerks' language, each with its fix; any
# other message stays as Jinja says it, with a general fix.
# A block's opening and closing tags, as docxtpl leaves them ({%tr for %} and {%p if %} too).
_OPENS = re.compile(r"\{%-?\s*(?:(?:p|tr|tc|r)\s+)?(for|if)\b")
_CLOSES = re.compile(r"\{%-?\s*(?:(?:p|tr|tc|r)\s+)?end(for|if)\b")


def _unclosed(source: str) -> int | None:
    """The line of the innermost block that is never closed, or None."""
    open_blocks: list[tuple[int, str]] = []
    for line, tag in tags_with_lines(source):
        if opened := _OPENS.match(tag):
            open_blocks.append((line, opened.group(1)))
        elif closed := _CLOSES.match(tag):
            kinds = [kind for _line, kind in open_blocks]
            if closed.group(1) in kinds:
                del open_blocks[len(kinds) - 1 - kinds[::-1].index(closed.group(1)) :]
    return open_blocks[-1][0] if open_blocks else None


# docxtpl's own codes: {%p if %}, {{p toelichting }}, {%tr for %}, {%tc %} and {%r %} reach Jinja
# without their letter.
_DOCXTPL_LETTER = re.compile(r"^\{([{%])-?\s*(?:p|tr|tc|r)\s")


def _plain_form(tag: str) -> str:
    """A tag as Jinja gets it from docxtpl, spaces evened out: to compare with the typed one."""
    return " ".join(_DOCXTPL_LETTER.sub(r"{\1 ", tag).replace("{%", "{% ").split())


def typed_tags(part: Part) -> dict[str, str]:
    """Each tag of ``part`` as Jinja gets it, mapped to the first form it is typed in."""
    typed: dict[str, str] = {}
    for paragraph in re.split(r"<w:p[ >]", part.raw):
        for match in TAG.finditer(plain_text(paragraph)):
            typed.setdefault(_plain_form(match.group()), match.group())
    return typed


def tag_as_typed(tag: str, typed: Mapping[str, str]) -> str:
    """``tag`` as the template's editor typed it ({%p if x %}), so that Word finds it."""
    return typed.get(_plain_form(tag), tag)


def _typed_in(text: str, typed: Mapping[str, str]) -> str:
    """Every tag in ``text`` as typed."""
    return TAG.sub(lambda match: tag_as_typed(match.group(), typed), text)


def syntax_problem(label: str, part: Part, error: TemplateSyntaxError) -> Problem:
    lines = part.source.splitlines()
    typed = typed_tags(part)
    snippet = ""
    where = error.lineno
    if (error.message or "").startswith("Unexpected end of template"):
        # Jinja notices at the document's end; the clerk looks for the block left open.
        where = _unclosed(part.source) or where
    # The failing paragraph, or the nearest one before it with text in it.
    index = min(where, len(lines))
    while index > 0 and not snippet:
        index -= 1
        snippet = plain_text(lines[index])
    shown = f"'{_typed_in(snippet, typed)[:160]}'"
    # A paragraph of codes alone that the part has more of ({%p endif %}): found by the text
    # before it.
    codes = {_plain_form(code) for code in TAG.findall(snippet)}
    alike = sum(_plain_form(code) in codes for _line, code in tags_with_lines(part.source))
    if alike > 1 and index > 0 and not TAG.sub("", snippet).strip():
        before = next((text for line in lines[index - 1 :: -1] if (text := plain_text(line))), "")
        if before:
            shown += f" (na '{_typed_in(before, typed)[-80:]}')"
    return Problem(
        label,
        None,
        "",
        f"{part.where}fout in de sjablooncode bij {shown}: "
        f"{_unknown_as_typed(error, lines, typed)}",
    )


def _unknown_as_typed(
    error: TemplateSyntaxError, lines: Sequence[str], typed: Mapping[str, str]
) -> str:
    """Jinja's message in Dutch; an unknown code ({%p end if %}, read as 'end') as typed."""
    said = jinja_message_in_dutch(error.message or "")
    unknown = re.match(r"Encountered unknown tag '(\w+)'", error.message or "")
    line = lines[error.lineno - 1] if unknown and 0 < error.lineno <= len(lines) else ""
    for match in TAG.finditer(plain_text(line)):
        words = _plain_form(match.group()).split()
        if unknown and len(words) > 1 and words[1] == unknown.group(1):
            shown = tag_as_typed(match.group(), typed)
            if _STRAY.fullmatch((error.message or "").strip()):
                # A closing with nothing open: its if or for written as this one is ({%p if %}).
                kind = re.match(r"\{%\w*", shown)
                return said.replace("{% ", f"{kind.group() if kind else '{%'} ")
            return said.replace(f"{{% {unknown.group(1)} %}}", shown)
    return said


def opening_tag(tags: Sequence[tuple[int, str]], lineno: int, word: str) -> str:
    """The tag on ``lineno`` that opens a block with ``word`` (if, for), as Jinja has it."""
    for line, text in tags:
        if line == lineno and (opened := _OPENS.match(text)) and opened.group(1) == word:
            return text
    return f"{{% {word} %}}"

"""Template lint: check each Word template's Jinja against the values its kind provides.

Rendering finds a misspelt ``{{ kenmerk }}`` only when a dossier is built, and only the
first one; the lint reads every part docxtpl renders (body, headers, footers, footnotes,
core properties) exactly as docxtpl prepares it for Jinja, parses it with a sandboxed
environment like the renderer's, and walks the syntax tree. It reports, per template:

* errors: a variable or attribute the context lacks (with a suggestion), an attribute
  the sandbox refuses (``__class__``), a Jinja syntax error, ``{% include %}`` and
  friends (no loader), a tag in a part docxtpl never renders, a file that is missing or
  is not a .docx, a required Markdown field (the document's own text) never used;
* warnings: a required model field (or a required field of a row that the template
  does show) that the template never uses, a field that only some rows have, and a field
  in single braces (``{email}``), which is printed as typed.

The known names are derived, not listed: the lint builds a sample model of each kind
(every field filled, every list one row long), runs :func:`build_context` /
:func:`agenda_context` on it and takes the shape of the result. Nothing here starts
LibreOffice or renders a document, so the lint is cheap enough to run on every check.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import posixpath
import re
import types
import typing
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Union

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from pydantic import BaseModel

from assembler.agenda import agenda_context
from assembler.errors import Problem, Severity, sort_problems
from assembler.inputs import AgendaItem, DossierInput, MeetingInput
from assembler.model import DOCUMENT_KINDS, Document, Organisatie, Vergadering, Verspreiden
from assembler.project import Project
from assembler.render import (
    Markdown,
    build_context,
    jinja_message_in_dutch,
    organisation_context,
    template_missing,
    template_unread,
)
from assembler.source import Source
from assembler.template_style import style_warnings

__all__ = [
    "AGENDA",
    "TemplateSpec",
    "agenda_spec",
    "document_spec",
    "lint_template",
    "lint_templates",
]

AGENDA = "agenda"
# Keys build_context and agenda_context add to every template's values besides the
# model's own fields: shown where needed, never required.
EXTRA_KEYS = ("niet_openbaar", "organisatie")
# ``sjabloon`` chooses the template; no document shows it.
NOT_SHOWN = frozenset({"sjabloon"})
# What an agenda must show: its own keys (the meeting's fields and the items) and, per
# item, its number and title. The agenda has no model of its own, so this is explicit.
AGENDA_ITEM_REQUIRED = ("nummer", "titel")
# A yes/no field a template never uses: what its documents then get wrong, and the sentence to
# show for Ja (the shipped template's). {{ veld }} would print True or False, so the advice
# is a condition; a field not named here gets the same advice in general words.
_YES_NO_ADVICE = {
    "geannuleerd": (
        "een geannuleerde vergadering staat op haar agenda's alsof zij doorgaat",
        "de zin 'Deze vergadering is geannuleerd; zij gaat niet door.'",
    ),
}

_LEFTOVER = re.compile(r"\{\{|\{%")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Core properties docxtpl renders with the context (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_LOOP_ATTRIBUTES = frozenset(name for name in dir(LoopContext) if not name.startswith("_"))
# Filters that hand back the rows they got (or one of them) instead of a new value.
_ROW_FILTERS = frozenset({"sort", "reverse", "list", "unique", "selectattr", "rejectattr"})
_ONE_ROW_FILTERS = frozenset({"first", "last", "random"})


# --------------------------------------------------------------------------- shapes


@dataclass
class _Leaf:
    """A value printed as it is (text, number, Markdown, picture)."""

    sample: Any = None


@dataclass
class _Record:
    """A block of named values: the context, ``organisatie``, a row."""

    fields: dict[str, _Shape]
    partial: frozenset[str]  # keys only some rows have
    path: tuple[str, ...]
    label: str  # how a message names it


@dataclass
class _Rows:
    """A list; ``row`` is the shape of its items."""

    row: _Shape
    path: tuple[str, ...]


@dataclass
class _Loop:
    """Jinja's ``loop`` inside a for."""


@dataclass
class _Unknown:
    """A value the lint cannot follow (a filter's result, a macro argument)."""

    broken: bool = False  # already reported: stay silent about what follows


_M = typing.TypeVar("_M", bound=BaseModel)

_Shape = Union[_Leaf, _Record, _Rows, _Loop, _Unknown]  # noqa: UP007 (used at runtime)


def _shape(value: Any, path: tuple[str, ...], label: str) -> _Shape:
    if isinstance(value, Mapping):
        return _Record(
            {
                str(key): _shape(item, (*path, str(key)), f"'{'.'.join((*path, str(key)))}'")
                for key, item in value.items()
            },
            frozenset(),
            path,
            label,
        )
    if isinstance(value, list | tuple):
        row_label = f"een rij van '{'.'.join(path)}'"
        rows = [_shape(item, path, row_label) for item in value]
        return _Rows(_merge(rows, path, row_label), path)
    return _Leaf(value)


def _merge(shapes: Sequence[_Shape], path: tuple[str, ...], label: str) -> _Shape:
    """One shape for the rows of a list; keys that not every row has are partial."""
    records = [shape for shape in shapes if isinstance(shape, _Record)]
    if not shapes:
        return _Unknown()
    if len(records) != len(shapes):
        return shapes[0] if all(isinstance(s, _Leaf) for s in shapes) else _Unknown()
    keys: dict[str, list[_Shape]] = {}
    for record in records:
        for key, shape in record.fields.items():
            keys.setdefault(key, []).append(shape)
    everywhere = set.intersection(*(set(record.fields) for record in records))
    partial = frozenset(keys) - everywhere
    fields: dict[str, _Shape] = {}
    for key, found in keys.items():
        if all(isinstance(shape, _Rows) for shape in found):
            inner = [shape.row for shape in found if isinstance(shape, _Rows)]
            sub = (*path, key)
            row_label = f"een rij van '{'.'.join(sub)}'"
            known = [shape for shape in inner if not isinstance(shape, _Unknown)]
            fields[key] = _Rows(_merge(known, sub, row_label), sub)
        elif all(isinstance(shape, _Record) for shape in found):
            fields[key] = _merge(found, (*path, key), f"'{'.'.join((*path, key))}'")
        else:
            fields[key] = found[0]
    return _Record(fields, partial | _inner_partial(records), path, label)


def _inner_partial(records: Sequence[_Record]) -> frozenset[str]:
    return frozenset().union(*(record.partial for record in records))


# --------------------------------------------------------------------------- samples


def _sample_value(annotation: Any) -> Any:
    """A value of ``annotation``'s type, for a model built without validation."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _sample_value(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        return _sample_value(options[0]) if options else None
    if origin in (tuple, list):
        return (_sample_value(args[0]),) if args else ()
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _sample_model(annotation)
        if issubclass(annotation, Enum):
            return next(iter(annotation))
        if issubclass(annotation, dt.date):
            return dt.date(2023, 4, 11)
        if issubclass(annotation, bool):
            return False
        if issubclass(annotation, int | float):
            return annotation(1)
    return "tekst"


def _sample_model(model: type[_M]) -> _M:
    """An instance of ``model`` with every field filled and every list one row long."""
    values = {name: _sample_value(info.annotation) for name, info in model.model_fields.items()}
    return model.model_construct(**values)


def _row_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a list field's rows (``tuple[Behandeling, ...]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _row_model(arg)
        if found:
            return found
    return None


def _required(model: type[BaseModel]) -> list[str]:
    return [
        info.alias or name
        for name, info in model.model_fields.items()
        if info.is_required() and (info.alias or name) not in NOT_SHOWN
    ]


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class TemplateSpec:
    """What a template may use: its name, how messages name its data, and its values."""

    name: str
    noun: str  # "het model voorstel", "de agenda"
    context: Mapping[str, Any]
    required: tuple[tuple[str, ...], ...]


def document_spec(kind: str) -> TemplateSpec:
    """The spec of a document kind's template, from its model and build_context."""
    model: type[Document] = DOCUMENT_KINDS[kind]
    # No logo: organisation_context would look for the file; the key is there either way.
    context = build_context(_sample_model(model), Organisatie.model_validate({}), Path("."))
    required: list[tuple[str, ...]] = [(alias,) for alias in _required(model)]
    for name, info in model.model_fields.items():
        rows = _row_model(info.annotation)
        alias = info.alias or name
        sample = context.get(alias)
        if rows is None or not isinstance(sample, list) or not sample:
            continue
        # Only what reaches the template counts: bijlagen rows carry no 'bestand'.
        shown = set(sample[0]) if isinstance(sample[0], Mapping) else set()
        required += [(alias, key) for key in _required(rows) if key in shown]
    return TemplateSpec(kind, f"het model {kind}", context, tuple(required))


def agenda_spec() -> TemplateSpec:
    """The spec of the agenda template, from agenda_context on a sample meeting."""
    where = Path(".")
    source = Source(where, "vergadering.yaml", {})
    items = [AgendaItem(1, text="Opening")]
    for number, model in enumerate(DOCUMENT_KINDS.values(), start=2):
        dossier = DossierInput(where, source, _sample_model(model))
        items.append(AgendaItem(number, folder_name=model.kind, dossier=dossier))
    meeting = MeetingInput(where, source, _sample_model(Vergadering), tuple(items))
    organisation = organisation_context(Organisatie.model_validate({}), where)
    context = agenda_context(meeting, organisation, confidential=True)
    required: list[tuple[str, ...]] = [(key,) for key in context if key not in EXTRA_KEYS]
    required += [("punten", key) for key in AGENDA_ITEM_REQUIRED]
    return TemplateSpec(AGENDA, "de agenda", context, tuple(required))


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Part:
    """One piece of Jinja source as docxtpl hands it to Jinja."""

    name: str
    where: str  # Dutch prefix for messages: "", "in de koptekst: "
    source: str
    raw: str = ""  # the part's XML as the template has it, before docxtpl's preparation


class _NotADocx(Exception):
    pass


def _parts(path: Path) -> list[_Part]:
    """The Jinja source of every part docxtpl renders, prepared as docxtpl prepares it."""
    template = DocxTemplate(str(path))
    try:
        template.init_docx()
    except Exception:  # any failure to open means: not a usable .docx
        raise _NotADocx from None

    def prepared(xml: str) -> str:
        # render_xml_part puts each paragraph on its own line; Jinja's line numbers
        # then point at a paragraph, which is how tags are found for messages.
        return str(re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml)))

    body = template.get_xml()
    parts = [_Part("word/document.xml", "", prepared(body), body)]
    for uri, where in ((template.HEADER_URI, "koptekst"), (template.FOOTER_URI, "voettekst")):
        for _key, part in template.get_headers_footers(uri):
            xml = template.get_part_xml(part)
            name = str(part.partname).lstrip("/")
            parts.append(_Part(name, f"in de {where}: ", prepared(xml), xml))
    for part in template.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            name = str(part.partname).lstrip("/")
            parts.append(_Part(name, "in een voetnoot: ", prepared(blob), blob))
    core = template.docx.core_properties
    for prop in _PROPERTIES:
        value = getattr(core, prop) or ""
        if _LEFTOVER.search(value):
            parts.append(_Part("docProps/core.xml", f"in documenteigenschap {prop}: ", value))
    return parts


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What is left of a code typed wrongly: '{ {', '{ %', a closing '}}' or '%}' without its opening.
_HALF_TYPED = re.compile(r"\{\s+[{%]|\}\}|%\}")
# A field in single braces, as other mail-merge tools write one: '{email}', '{ rij.doel }'.
_SINGLE_BRACES = re.compile(r"(?<![{%])\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*\}(?![}%])")
# Word's own mail merge ('Verzendlijsten'), which only Word fills in: «kenmerk» as typed.
_MERGE_FIELD = re.compile(r"MERGEFIELD\s+\"?([^\s\"\\<]+)")
# Tracked changes: inserted, deleted or moved text that Word shows as marked.
_REVISION = re.compile(r"<w:(ins|del|moveFrom|moveTo)[ >]")
# docxtpl's codes that take their paragraph's place, and any code at all.
_PARAGRAPH_TAG = re.compile(r"\{%p\s.*?%\}|\{\{p\s.*?\}\}")
_ANY_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")
# A block tag without docxtpl's p, tr, tc or r: it stays where it is typed, inside its paragraph.
# 'end if' typed apart is an 'endif' here: said apart by _split_ends, not as an if left open.
_INLINE_BLOCK = re.compile(r"\{%-?\s*(for|end\s*for|if|end\s*if)\b[^%]*%\}")
_INLINE_PRINT = re.compile(r"\{\{-?\s*(\w+)\s*-?\}\}")


def _paragraph_problems(
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
    for paragraph in root.iter(f"{_W}p"):
        if any(True for _ in paragraph.iterdescendants(f"{_W}p")):
            continue  # a paragraph holding a text box: its own paragraphs are looked at
        text = "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
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
    for row in root.iter(f"{_W}tr"):
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
    if code is None or any(True for _ in paragraph.iterancestors(f"{_W}tr")):
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
        t.text or "" for t in row.iter(f"{_W}t") if next(t.iterancestors(f"{_W}tr"), None) is row
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
    if cell is not None and cell.tag == f"{_W}tc" and len(cell.findall(f"{_W}p")) == 1:
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


def _other_parts(path: Path, rendered: set[str]) -> Iterator[tuple[str, str]]:
    """Tags in XML parts docxtpl never renders: (part name, the text around the tag)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name in rendered or not name.endswith((".xml", ".rels")):
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            match = _LEFTOVER.search(xml)
            if match:
                yield name, _text(xml[match.start() : match.start() + 200])[:60]


def _text(xml: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>?", "", xml))).strip()


def _tags(source: str) -> list[tuple[int, str]]:
    """Every tag in a part with its line, as a template editor typed it (text only)."""
    found = []
    for match in _TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        found.append((line, _text(match.group(0))))
    return found


def _environment() -> SandboxedEnvironment:
    # Same kind and settings as render.py's: only parsing and the sandbox's attribute
    # rule matter here, and neither depends on the renderer's finalize.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


# --------------------------------------------------------------------------- walker


@dataclass
class _Finding:
    lineno: int
    name: str  # what the tag is searched by
    message: str
    severity: Severity = "fout"
    as_typed: bool = False  # ``name`` is the text to show as the place, not a tag's word


def _none_test(node: nodes.Node) -> str | None:
    """'nooit' for a test that a value is none ('is none', '== None'), 'altijd' for one that
    it is not ('is not none', '!= None'); None for any other expression."""
    if isinstance(node, nodes.Not) and isinstance(node.node, nodes.Test):
        return "altijd" if node.node.name == "none" else None
    if isinstance(node, nodes.Test) and node.name == "none":
        return "nooit"
    if isinstance(node, nodes.Compare) and any(
        isinstance(side, nodes.Const) and side.value is None
        for side in (node.expr, *(operand.expr for operand in node.ops))
    ):
        return "altijd" if node.ops[0].op == "ne" else "nooit"
    return None


@dataclass
class _Walker:
    """Follows names through a template's syntax tree and records what does not fit."""

    context: _Record
    noun: str
    undeclared: set[str]
    globals: frozenset[str]
    filters: frozenset[str]
    tests: frozenset[str]
    findings: list[_Finding] = field(default_factory=list)
    used: set[tuple[str, ...]] = field(default_factory=set)
    guards: set[str] = field(default_factory=set)  # expressions tested with "is defined"
    # The name each list's rows get in the template's own for loop, for hints in its words.
    row_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Each loop's own name ('bijlage', 'loop') and the loop that gives it, for a code that
    # uses it outside that loop (see _loops_seen_from).
    loops: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    # statements --------------------------------------------------------------

    def walk(self, node: nodes.Node, scope: dict[str, _Shape]) -> None:
        if isinstance(node, nodes.TemplateData):
            self._leftover(node, scope)
        elif isinstance(node, nodes.Expr):
            self.visit(node, scope)
        elif isinstance(node, nodes.If):
            self._if(node, scope)
        elif isinstance(node, nodes.For):
            self._for(node, scope)
        elif isinstance(node, nodes.Assign):
            shape = self.visit(node.node, scope)
            self._bind(node.target, shape, scope)
        elif isinstance(node, nodes.AssignBlock):
            self._body(node.body, scope)
            self._bind(node.target, _Unknown(), scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.visit(value, scope), inner)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for default in node.defaults:
                self.visit(default, scope)
            for arg in node.args:
                inner[arg.name] = _Unknown()
            for name in ("caller", "varargs", "kwargs"):
                inner[name] = _Unknown()
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            else:
                scope[node.name] = _Unknown()
            self._body(node.body, inner)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self.findings.append(
                _Finding(
                    node.lineno,
                    type(node).__name__.lower(),
                    "een sjabloon kan geen andere sjablonen laden "
                    "(zet de tekst in dit sjabloon zelf)",
                )
            )
        else:
            for child in node.iter_child_nodes():
                self.walk(child, scope)

    def _if(self, node: nodes.If, scope: dict[str, _Shape]) -> None:
        self.visit(node.test, scope)
        # {% if x is defined %}: inside, x may be used even where it is missing.
        added = _defined_in(node.test) - self.guards
        self.guards |= added
        self._body(node.body, scope)
        self.guards -= added
        for branch in node.elif_:
            self._if(branch, scope)
        self._body(node.else_, scope)

    def _body(self, body: Sequence[nodes.Node], scope: dict[str, _Shape]) -> None:
        for child in body:
            self.walk(child, scope)

    def _for(self, node: nodes.For, scope: dict[str, _Shape]) -> None:
        rows = self.visit(node.iter, scope)
        inner = dict(scope)
        row: _Shape = rows.row if isinstance(rows, _Rows) else _Unknown()
        self._bind(node.target, row, inner)
        if isinstance(rows, _Rows) and isinstance(node.target, nodes.Name):
            self.row_names.setdefault(rows.path, node.target.name)
        inner["loop"] = _Loop()
        if node.test is not None:
            self.visit(node.test, inner)
        self._body(node.body, inner)
        self._body(node.else_, scope)

    def _bind(self, target: nodes.Node, shape: _Shape, scope: dict[str, _Shape]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, _Unknown(), scope)

    def _leftover(self, node: nodes.TemplateData, scope: Mapping[str, _Shape]) -> None:
        # Text Jinja passes through untouched ({% raw %}): the renderer rejects any
        # tag still in the output, so say so now.
        match = _LEFTOVER.search(node.data)
        if match:
            snippet = _text(node.data[match.start() : match.start() + 200])[:60]
            self.findings.append(
                _Finding(
                    node.lineno,
                    snippet,
                    f"'{snippet}' wordt niet ingevuld en blijft als code in het document "
                    "staan (haal {% raw %} weg)",
                )
            )
            return
        if "}" not in node.data and "{" not in node.data:
            return
        shown = _text(node.data)
        stray = _HALF_TYPED.search(shown)
        if stray:
            # '{ { eenheid }}', '{ eenheid }}': not a code for Jinja, printed as typed.
            start = shown.rfind(" ", 0, max(stray.start() - 12, 0)) + 1
            snippet = shown[start : stray.end() + 12].strip()[:60]
            self.findings.append(
                _Finding(
                    node.lineno,
                    snippet,
                    f"'{snippet}' is een half getypte code en komt zo in het document (schrijf "
                    "{{ veld }} met twee accolades aan elke kant, zonder spatie ertussen)",
                    as_typed=True,
                )
            )
            return
        for single in _SINGLE_BRACES.finditer(shown):
            # '{email}', as other mail-merge tools write a field: only a name the template
            # knows, so that ordinary text in braces is left alone.
            if single.group(1).split(".")[0] in {*self.context.fields, *scope}:
                self.findings.append(
                    _Finding(
                        node.lineno,
                        single.group(),
                        f"'{single.group()}' staat tussen enkele accolades, wordt niet ingevuld "
                        f"en komt zo in het document (schrijf {{{{ {single.group(1)} }}}})",
                        "waarschuwing",
                        as_typed=True,
                    )
                )

    # expressions -------------------------------------------------------------

    def visit(self, node: nodes.Node, scope: dict[str, _Shape], guarded: bool = False) -> _Shape:
        guarded = guarded or _key(node) in self.guards
        if isinstance(node, nodes.Name):
            return self._name(node, scope, guarded)
        if isinstance(node, nodes.Getattr):
            return self._attribute(node, node.node, node.attr, scope, guarded)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._attribute(node, node.node, node.arg.value, scope, guarded)
            base = self.visit(node.node, scope)
            self.visit(node.arg, scope)
            return base.row if isinstance(base, _Rows) else _Unknown()
        if isinstance(node, nodes.Const):
            return _Leaf(node.value)
        if isinstance(node, nodes.And):
            # "x is defined and x == 1": the right side only runs when the left holds.
            self.visit(node.left, scope)
            added = _defined_in(node.left) - self.guards
            self.guards |= added
            self.visit(node.right, scope)
            self.guards -= added
            return _Unknown()
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            self.visit(node.node, scope, guarded=True)
            return _Leaf(True)
        holds = _none_test(node)
        if holds is not None:
            # A value left out is empty text to a template (render._resolve), never none.
            self.findings.append(
                _Finding(
                    node.lineno,
                    "None" if isinstance(node, nodes.Compare) else "none",
                    "een weggelaten waarde is lege tekst, nooit none: deze test houdt dus "
                    f"{holds} (schrijf {{% if veld %}} of {{% if not veld %}})",
                    "waarschuwing",
                )
            )
            if isinstance(node, nodes.Not) and isinstance(node.node, nodes.Test):
                self.visit(node.node.node, scope)  # the test itself said here, not again
                return _Unknown()
        if isinstance(node, nodes.Test) and node.name not in self.tests:
            self.findings.append(
                _Finding(
                    node.lineno,
                    node.name,
                    f"'is {node.name}' bestaat niet"
                    + _hint(
                        node.name,
                        dict.fromkeys(t for t in self.tests if len(t) > 3),  # not 'le', 'ne
                        "gebruik bijvoorbeeld 'is defined', of vergelijk met ==",
                    ),
                )
            )
        if isinstance(node, nodes.Filter) and node.name not in self.filters:
            self.findings.append(
                _Finding(
                    node.lineno,
                    node.name,
                    f"de bewerking '|{node.name}' bestaat niet"
                    + _hint(
                        node.name,
                        dict.fromkeys(self.filters),
                        "gebruik bijvoorbeeld |upper, |lower of |default",
                    ),
                )
            )
        if isinstance(node, nodes.Filter) and node.node is not None:
            return self._filter(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return _Unknown()

    def _filter(self, node: nodes.Filter, scope: dict[str, _Shape]) -> _Shape:
        assert node.node is not None
        base = self.visit(node.node, scope, guarded=node.name in ("default", "d"))
        for child in (*node.args, *(kw.value for kw in node.kwargs)):
            self.visit(child, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.visit(extra, scope)
        if node.name in _ROW_FILTERS and isinstance(base, _Rows):
            return base
        if node.name in _ONE_ROW_FILTERS and isinstance(base, _Rows):
            return base.row
        if node.name in ("default", "d"):
            return base
        return _Unknown()

    def _name(self, node: nodes.Name, scope: dict[str, _Shape], guarded: bool) -> _Shape:
        name = node.name
        if name in scope:
            return scope[name]
        if name in self.context.fields:
            self.used.add((name,))
            return self.context.fields[name]
        if name in self.globals or name not in self.undeclared or guarded:
            return _Unknown()
        if name in self.loops:
            # 'bijlage' or 'loop' outside its loop: "did you mean 'bijlagen'" misleads.
            self.findings.append(_Finding(node.lineno, name, _outside_its_loop(name, self.loops)))
            return _Unknown(broken=True)
        self.findings.append(
            _Finding(
                node.lineno,
                name,
                f"'{name}' bestaat niet in {self.noun}"
                + _hint(name, self.context.fields, f"{{{{ {name} }}}}"),
            )
        )
        return _Unknown(broken=True)

    def _attribute(
        self,
        node: nodes.Node,
        base_node: nodes.Node,
        attr: str,
        scope: dict[str, _Shape],
        guarded: bool,
    ) -> _Shape:
        base = self.visit(base_node, scope)
        if isinstance(base, _Unknown) and base.broken:
            return base
        if attr.startswith("_"):
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' is geen veld en is in een sjabloon niet toegestaan "
                    "(gebruik alleen velden, if en for)",
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Record):
            if attr in base.fields:
                self.used.add((*base.path, attr))
                if attr in base.partial and not guarded:
                    self.findings.append(
                        _Finding(
                            node.lineno,
                            attr,
                            f"'{attr}' bestaat niet in elke {_row_noun(base.label)}; "
                            "waar het ontbreekt stopt het maken van het document "
                            f"(schrijf {{% if ... .{attr} is defined %}} eromheen)",
                            "waarschuwing",
                        )
                    )
                return base.fields[attr]
            if guarded:
                return _Unknown()
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' bestaat niet in {base.label}"
                    + _hint(attr, base.fields, f"{{{{ {_describe(node)[1:-1]} }}}}"),
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Loop):
            if attr in _LOOP_ATTRIBUTES or guarded:
                return _Unknown()
            message = f"'loop.{attr}' bestaat niet" + _hint(
                attr, dict.fromkeys(_LOOP_ATTRIBUTES), "gebruik bijvoorbeeld loop.index"
            )
            self.findings.append(_Finding(node.lineno, attr, message))
            return _Unknown(broken=True)
        if isinstance(base, _Rows):
            what = f"de lijst '{'.'.join(base.path)}'"
            row = self.row_names.get(base.path, "rij")
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"{what} heeft geen veld '{attr}' "
                    f"(gebruik {{% for {row} in {base.path[-1]} %}} ... {{{{ {row}.{attr} }}}})",
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Leaf):
            # Text methods ({{ onderwerp.upper() }}) are fine; fields of a value are not.
            if isinstance(base.sample, str | int) and hasattr(base.sample, attr):
                return _Unknown()
            if guarded:
                return _Unknown()
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' bestaat niet: {_describe(base_node)} is een enkele waarde, "
                    "geen blok met velden (haal '." + attr + "' weg)",
                )
            )
            return _Unknown(broken=True)
        return _Unknown()


def _key(node: nodes.Node) -> str | None:
    """``punt.soort`` for a chain of names and attributes, else None."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _key(node.node)
        return f"{base}.{node.attr}" if base else None
    return None


def _defined_in(test: nodes.Node) -> set[str]:
    """The expressions an if's test proves defined: ``x is defined [and y is defined]``."""
    if isinstance(test, nodes.Test) and test.name == "defined":
        key = _key(test.node)
        return {key} if key else set()
    if isinstance(test, nodes.And):
        return _defined_in(test.left) | _defined_in(test.right)
    return set()


def _row_noun(label: str) -> str:
    return label.replace("een rij van", "rij van") if label.startswith("een rij") else label


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return f"'{node.name}'"
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)[:-1]}.{node.attr}'"
    return "dit"


def _hint(name: str, known: Mapping[str, Any], otherwise: str) -> str:
    close = difflib.get_close_matches(name, [str(key) for key in known], n=1, cutoff=0.6)
    if close:
        return f" (bedoelt u '{close[0]}'?)"
    if "{{" in otherwise:
        names = ", ".join(sorted(str(key) for key in known))
        return f" (haal {otherwise} weg of kies een bestaand veld: {names})"
    return f" ({otherwise})"


# --------------------------------------------------------------------------- lint


def _tag_for(tags: list[tuple[int, str]], lineno: int, name: str) -> str:
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
    for line, tag in _tags(source):
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


def _typed_tags(part: _Part) -> dict[str, str]:
    """Each tag of ``part`` as Jinja gets it, mapped to the first form it is typed in."""
    typed: dict[str, str] = {}
    for paragraph in re.split(r"<w:p[ >]", part.raw):
        for match in _TAG.finditer(_text(paragraph)):
            typed.setdefault(_plain_form(match.group()), match.group())
    return typed


def _as_typed(tag: str, typed: Mapping[str, str]) -> str:
    """``tag`` as the template's editor typed it ({%p if x %}), so that Word finds it."""
    return typed.get(_plain_form(tag), tag)


def _typed_in(text: str, typed: Mapping[str, str]) -> str:
    """Every tag in ``text`` as typed."""
    return _TAG.sub(lambda match: _as_typed(match.group(), typed), text)


def _syntax_problem(label: str, part: _Part, error: TemplateSyntaxError) -> Problem:
    lines = part.source.splitlines()
    typed = _typed_tags(part)
    snippet = ""
    where = error.lineno
    if (error.message or "").startswith("Unexpected end of template"):
        # Jinja notices at the document's end; the clerk looks for the block left open.
        where = _unclosed(part.source) or where
    # The failing paragraph, or the nearest one before it with text in it.
    for index in range(min(where, len(lines)) - 1, -1, -1):
        snippet = _text(lines[index])
        if snippet:
            break
    return Problem(
        label,
        None,
        "",
        f"{part.where}fout in de sjablooncode bij '{_typed_in(snippet, typed)[:160]}': "
        f"{_unknown_as_typed(error, lines, typed)}",
    )


def _unknown_as_typed(
    error: TemplateSyntaxError, lines: Sequence[str], typed: Mapping[str, str]
) -> str:
    """Jinja's message in Dutch; an unknown code ({%p end if %}, read as 'end') as typed."""
    said = jinja_message_in_dutch(error.message or "")
    unknown = re.match(r"Encountered unknown tag '(\w+)'", error.message or "")
    line = lines[error.lineno - 1] if unknown and 0 < error.lineno <= len(lines) else ""
    for match in _TAG.finditer(_text(line)):
        words = _plain_form(match.group()).split()
        if unknown and len(words) > 1 and words[1] == unknown.group(1):
            return said.replace(f"{{% {unknown.group(1)} %}}", _as_typed(match.group(), typed))
    return said


def lint_template(path: Path, spec: TemplateSpec, label: str) -> list[Problem]:
    """Lint one template file against ``spec``; ``label`` names the file in messages."""
    if not path.is_file():
        return [
            Problem(
                label,
                None,
                "",
                f"sjabloon voor '{spec.name}' {template_missing(path)}",
            )
        ]
    not_read = template_unread(path)
    if not_read is not None:
        return [Problem(label, None, "", not_read)]
    try:
        parts = _parts(path)
    except _NotADocx:
        return [
            Problem(
                label,
                None,
                "",
                "is geen Word-document (.docx) (sla het sjabloon in Word op als .docx)",
            )
        ]
    problems: list[Problem] = []
    environment = _environment()
    context = _shape(spec.context, (), spec.noun)
    assert isinstance(context, _Record)
    used: set[tuple[str, ...]] = set()
    row_names: dict[tuple[str, ...], str] = {}
    seen: set[tuple[str, str]] = set()
    formatted = {key for key, value in spec.context.items() if isinstance(value, Markdown)}
    unread = False  # a part that did not parse: what it uses is unknown
    read: list[_Part] = []  # the parts that did (a syntax error is said on its own)
    loops = _loops(parts, environment)
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError as error:
            # What is wrong in a paragraph as typed (a code without its '%}', two codes in one
            # paragraph) is the cause: Jinja notices later, at another code, and advises
            # what would make it worse.
            for tag, message in _paragraph_problems(part.raw, formatted, parsed=False):
                problems.append(Problem(label, None, tag, part.where + message))
            if not _paragraph_problems(part.raw, formatted, causes_only=True):
                problems.append(_syntax_problem(label, part, error))
            unread = True
            continue
        read.append(part)
        try:
            undeclared = meta.find_undeclared_variables(tree)
        except TemplateSyntaxError:  # an unknown filter: the walker says it, at its tag
            undeclared = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
        walker = _Walker(
            context,
            spec.noun,
            undeclared,
            frozenset(environment.globals),
            frozenset(environment.filters),
            frozenset(environment.tests),
            loops=_loops_seen_from(part, loops),
        )
        walker.walk(tree, {})
        used |= walker.used
        row_names = walker.row_names | row_names
        tags = _tags(part.source)
        typed = _typed_tags(part)
        for finding in walker.findings:
            tag = finding.name
            if not finding.as_typed:
                tag = _as_typed(_tag_for(tags, finding.lineno, finding.name), typed)
            message = part.where + finding.message
            if (tag, message) not in seen:
                seen.add((tag, message))
                problems.append(Problem(label, None, tag, message, finding.severity))
    for part in read:
        if _REVISION.search(part.raw):
            problems.append(
                Problem(
                    label,
                    None,
                    "",
                    part.where + "het sjabloon bevat bijgehouden wijzigingen: ook weggehaalde "
                    "tekst en codes zouden worden ingevuld (accepteer of weiger ze in Word via "
                    "Controleren, en zet Wijzigingen bijhouden uit)",
                )
            )
        for field_name in dict.fromkeys(_MERGE_FIELD.findall(part.raw)):
            problems.append(
                Problem(
                    label,
                    None,
                    f"«{field_name}»",
                    part.where + f"een Word-samenvoegveld «{field_name}» wordt niet ingevuld en "
                    f"komt zo in het document (vervang het door {{{{ {field_name} }}}})",
                )
            )
        for tag, message in _paragraph_problems(part.raw, formatted):
            if (tag, message) not in seen:
                seen.add((tag, message))
                problems.append(Problem(label, None, tag, part.where + message))
    problems += _placement_problems(path, parts, read, spec, label)
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
    if not unread:
        problems += _missing(spec, used, row_names, label)
        problems += _confidential_mark(path, parts, spec, label, used)
    return problems


def _missing(
    spec: TemplateSpec,
    used: set[tuple[str, ...]],
    row_names: dict[tuple[str, ...], str],
    label: str,
) -> list[Problem]:
    """Warnings for required fields the template never uses; an error for the document's
    Markdown text."""
    problems = []
    for path in spec.required:
        if path in used:
            continue
        severity: Severity = "waarschuwing"
        if len(path) == 1 and isinstance(spec.context.get(path[0]), Markdown):
            # The document's own text (a voorstel's toelichting, a memo's tekst): without it
            # every document of the kind comes out as an empty form, which is no choice of
            # layout but a line deleted by mistake. The build keeps the previous outputs.
            severity = "fout"
            message = (
                f"'{path[0]}', de tekst van het stuk, staat nergens in het sjabloon en zou uit "
                f"elk document wegvallen (zet {{{{p {path[0]} }}}} op een eigen regel)"
            )
        elif len(path) == 1 and isinstance(spec.context.get(path[0]), bool):
            lost, shown = _YES_NO_ADVICE.get(
                path[0],
                (f"de documenten zeggen nooit dat '{path[0]}' Ja is", "de tekst voor Ja"),
            )
            message = (
                f"het ja/nee-veld '{path[0]}' staat nergens in het sjabloon, dus {lost} (zet "
                f"{{%p if {path[0]} %}}, {shown} en {{%p endif %}} elk op een eigen regel; "
                f"{{{{ {path[0]} }}}} zou True of False in het document zetten)"
            )
        elif len(path) == 1:
            message = (
                f"het verplichte veld '{path[0]}' staat nergens in het sjabloon "
                f"(voeg {{{{ {path[0]} }}}} toe)"
            )
        elif path[:-1] in used:
            rows = ".".join(path[:-1])
            row = row_names.get(path[:-1], "rij")
            message = (
                f"'{path[-1]}' van de rijen in '{rows}' staat nergens in het sjabloon "
                f"(voeg {{{{ {row}.{path[-1]} }}}} toe binnen {{% for {row} in {path[-2]} %}})"
            )
        else:
            continue  # the list itself is missing (or optional): said once, above
        problems.append(Problem(label, None, ".".join(path), message, severity))
    return problems


# --------------------------------------------------------------------------- the mark

# What every page of a confidential document shows and no public one: with runs joined and
# spaces evened out, as a reader of the PDF sees it; case-blind in a header or footer, where it
# is a page's mark. In the text only as a mark is written, in capitals: "bijlagen die niet
# openbaar zijn, liggen ter inzage" is a sentence a public document may hold.
_MARK = "niet openbaar"
_MARK_IN_TEXT = "NIET OPENBAAR"
_MARK_CODE = "{% if niet_openbaar %}NIET OPENBAAR{% endif %}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# A filled-in part's shown text: w:t (not w:delText or w:instrText, the field codes); a
# paragraph, tab or line break is a space.
_SHOWN = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:(?:p|tab|br|cr)\b[^>]*>")
_OFF = frozenset({"0", "false", "off"})
# How a message names a part filled in with the rest of the document.
_WHERE = {"in de koptekst: ": "de koptekst", "in de voettekst: ": "de voettekst"}
_OWN_HEADER = {
    "first": "; die heeft in Word een eigen koptekst: 'Andere eerste pagina' staat aan",
    "even": "; die hebben in Word een eigen koptekst: 'Even en oneven pagina's verschillend' "
    "staat aan",
}


@dataclass(frozen=True)
class _PageKind:
    """One kind of page of a section (Word's default, first or even): the header and footer
    parts it shows (None: none, an empty one), and how messages name those pages."""

    kind: str  # "default", "first", "even"
    pages: str  # "", " van de eerste pagina", " van de even pagina's van sectie 2"
    header: str | None
    footer: str | None


def _confidential_mark(
    path: Path, parts: Sequence[_Part], spec: TemplateSpec, label: str, used: set[tuple[str, ...]]
) -> list[Problem]:
    """Errors for a template that leaves a kind of page of a confidential document without
    NIET OPENBAAR in its header or footer, or shows it on a public document.

    The bundles are stamped, but voorstel.pdf and the Word file travel alone too: the template
    is filled in for a confidential and a public sample (the spec's values), and the text its
    parts then show is read, following Word's rules for which header and footer each page
    shows. A part the sample cannot fill in is not judged here: the build says why it fails.
    """
    if "niet_openbaar" not in spec.context:
        return []
    # A template may ask verspreiden instead; the samples below judge what it then shows.
    asks = [("niet_openbaar",), *([("verspreiden",)] if "verspreiden" in spec.context else [])]
    if not any(field in used for field in asks):
        return [
            Problem(
                label,
                None,
                "niet_openbaar",
                "het sjabloon zet nergens dat een stuk niet openbaar is, en vertrouwelijke "
                f"stukken moeten dat op elke pagina tonen (zet {_MARK_CODE} in de koptekst)",
            )
        ]
    kinds = _page_kinds(path, parts[0].raw)
    if kinds is None:
        return []  # a package python-docx opened but this reading does not: not for it to say
    secret, public = _filled_in(parts, spec)
    problems: list[Problem] = []
    for kind in kinds:
        shown = [secret.get(name, "") for name in (kind.header, kind.footer) if name]
        if None in shown or any(_MARK in text.casefold() for text in shown if text is not None):
            continue
        problems.append(
            Problem(
                label,
                None,
                "niet_openbaar",
                f"de kop- en voettekst{kind.pages} zeggen bij een vertrouwelijk stuk nergens "
                f"NIET OPENBAAR, en elke pagina moet dat tonen (zet {_MARK_CODE} in de "
                f"koptekst{kind.pages}{_OWN_HEADER.get(kind.kind, '')})",
            )
        )
    # Each header or footer as the first kind of page that shows it names it.
    shown_by: dict[str, str] = {}
    for kind in kinds:
        for name in (kind.header, kind.footer):
            if name is not None:
                shown_by.setdefault(name, kind.pages)
    for part in parts:
        text = public.get(part.name)
        in_use = part.name in shown_by or part.where not in _WHERE
        if not in_use or text is None:
            continue
        if part.where in _WHERE and _MARK not in text.casefold():
            continue
        if part.where not in _WHERE and _MARK_IN_TEXT not in text:
            continue
        where = _WHERE.get(part.where, "een voetnoot" if part.where else "de tekst")
        problems.append(
            Problem(
                label,
                None,
                "niet_openbaar",
                f"bij een openbaar stuk staat NIET OPENBAAR in {where}"
                f"{shown_by.get(part.name, '')}, en dat mag alleen op vertrouwelijke stukken (zet "
                "het tussen {% if niet_openbaar %} en {% endif %})",
            )
        )
    return problems


def _filled_in(
    parts: Sequence[_Part], spec: TemplateSpec
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The text each XML part shows, filled in for a confidential and for a public sample:
    spaces evened out; None where the sample could not be filled in."""
    environment = _environment()
    samples = []
    for confidential in (True, False):
        values = dict(spec.context, niet_openbaar=confidential)
        if "verspreiden" in values:  # a template may ask this instead: the sample agrees
            values["verspreiden"] = (Verspreiden.NEE if confidential else Verspreiden.JA).value
        samples.append(values)
    secret: dict[str, str | None] = {}
    public: dict[str, str | None] = {}
    for part in parts:
        if not part.raw:
            continue  # a core property: the build sets the title, subject and keywords itself
        try:
            compiled = environment.from_string(part.source)
        except Exception:  # the template's code is judged above
            compiled = None
        for values, texts in zip(samples, (secret, public), strict=True):
            try:
                xml = None if compiled is None else compiled.render(values)
            except Exception:  # any failure of the sample: the template's code is judged above
                xml = None
            texts[part.name] = None if xml is None else _shown_text(xml)
    return secret, public


def _shown_text(xml: str) -> str:
    said = (
        " " if match.group(1) is None else html.unescape(match.group(1))
        for match in _SHOWN.finditer(xml)
    )
    return " ".join("".join(said).split())


def _page_kinds(path: Path, body: str) -> list[_PageKind] | None:
    """Each kind of page of each section and the header and footer it shows, once for each
    pair of them; None if the package cannot be read so.

    Word's rules: a section without a header (footer) of a type shows the previous section's,
    the first section none; the first page has its own when the section says titlePg, the even
    pages theirs when the settings say evenAndOddHeaders (the odd pages then show the default).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            main = _of_type(_relationships(archive, "_rels/.rels", ""), "officeDocument")
            folder, _, name = (main or "").rpartition("/")
            related = _relationships(archive, f"{folder}/_rels/{name}.rels", folder)
            settings = _of_type(related, "settings")
            if settings is None or settings not in archive.namelist():
                even = False
            else:
                found = etree.fromstring(archive.read(settings)).find(f"{_W}evenAndOddHeaders")
                even = _switched_on(found)
        root = etree.fromstring(body.encode("utf-8"))
    except (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    # A tracked change's record of the section before it was changed is no section.
    sections = [
        section
        for section in root.iter(f"{_W}sectPr")
        if getattr(section.getparent(), "tag", None) != f"{_W}sectPrChange"
    ]
    current: dict[tuple[str, str], str | None] = {}
    kinds: list[_PageKind] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for number, section in enumerate(sections, start=1):
        for reference in section:
            if reference.tag in (f"{_W}headerReference", f"{_W}footerReference"):
                target = related.get(str(reference.get(f"{_R}id", "")))
                kind = str(reference.get(f"{_W}type", "default"))
                current[(reference.tag, kind)] = None if target is None else target[1]
        first = _switched_on(section.find(f"{_W}titlePg"))
        in_use = ["default", *(["first"] if first else []), *(["even"] if even else [])]
        for kind in in_use:
            header = current.get((f"{_W}headerReference", kind))
            footer = current.get((f"{_W}footerReference", kind))
            if (kind, header, footer) in seen:
                continue  # the same pages as in a section before: said there
            seen.add((kind, header, footer))
            pages = _PAGES[kind] if kind != "default" else _odd_pages(first=first, even=even)
            if len(sections) > 1:
                pages += f" van sectie {number}"
            kinds.append(_PageKind(kind, pages, header, footer))
    return kinds


_PAGES = {"first": " van de eerste pagina", "even": " van de even pagina's"}


def _odd_pages(*, first: bool, even: bool) -> str:
    """How messages name the pages that show a section's default header."""
    if even:
        return " van de oneven pagina's"
    return " van de pagina's na de eerste" if first else ""


def _switched_on(element: Any) -> bool:
    """A Word on/off property: on when present, unless its w:val says off."""
    return element is not None and str(element.get(f"{_W}val", "on")).lower() not in _OFF


def _relationships(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, tuple[str, str]]:
    """A part's relationships inside the package, read from ``rels``: id -> (type, the part
    name of the target); ``folder`` is the part's own folder, targets are relative to it."""
    found: dict[str, tuple[str, str]] = {}
    for relationship in etree.fromstring(archive.read(rels)).iter(_RELATIONSHIP):
        if relationship.get("TargetMode") == "External":
            continue
        target = str(relationship.get("Target", ""))
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        kind = str(relationship.get("Type", "")).rsplit("/", 1)[-1]
        found[str(relationship.get("Id", ""))] = (kind, target)
    return found


def _of_type(relationships: Mapping[str, tuple[str, str]], kind: str) -> str | None:
    """The part name of the first target of type ``kind`` (its last word), if any."""
    return next((target for found, target in relationships.values() if found == kind), None)


def lint_templates(project: Project, names: Collection[str] | None = None) -> list[Problem]:
    """Lint every document kind's template and the agenda's (or those ``names``); errors and
    warnings, sorted."""
    problems: list[Problem] = []
    specs = [document_spec(kind) for kind in DOCUMENT_KINDS]
    specs.append(agenda_spec())
    for spec in specs:
        if names is not None and spec.name not in names:
            continue
        path = project.template_for(spec.name)
        problems += lint_template(path, spec, project.display(path))
        if path.is_file():
            problems += style_warnings(path, project.display(path))
        if spec.name == AGENDA and path.is_file():
            problems += _decisions_counted_on(path, project.display(path))
    return sort_problems(problems)


def _decisions_counted_on(path: Path, label: str) -> list[Problem]:
    """A warning when the agenda shows each item's decisions, but not as the numbered
    ``{{ besluit }}`` whose list the build restarts per item: they would count on, 4., 5., …"""
    import docx

    from assembler.agenda import DECISION
    from assembler.markdown import numbering_showing

    try:
        document = docx.Document(str(path))
    except Exception:  # a template that does not open: lint_template has said so
        return []
    text = "".join(document.element.body.itertext())
    if ".voorstellen" not in text or numbering_showing(document, DECISION):
        return []
    if _numbers_decisions_itself(path, DECISION):
        return []  # {{ loop.index }}. {{ besluit }}: counts from 1 in each item's loop
    return [
        Problem(
            label,
            None,
            "",
            "de voorgestelde besluiten tellen niet per agendapunt vanaf 1 (toon elk besluit als "
            f"{{{{ {DECISION} }}}} in een genummerde alinea: {{%p for {DECISION} in "
            "punt.voorstellen %}, zoals in het agendasjabloon in de map templates/ die bij "
            "assembler hoort)",
            "waarschuwing",
        )
    ]


# --------------------------------------------------------------------------- placement


def _placement_problems(
    path: Path, parts: Sequence[_Part], read: Sequence[_Part], spec: TemplateSpec, label: str
) -> list[Problem]:
    """What a template's codes do wrong by where they stand, not by what they say: a Markdown
    field in a text box, frame or fixed-height row, a required one inside a condition on
    another field, and a picture linked from outside the template."""
    formatted = {key for key, value in spec.context.items() if isinstance(value, Markdown)}
    problems: list[Problem] = []
    for part in parts:
        problems += _confined_text(part, formatted, label)
    problems += _conditional_text(read, spec, label)
    problems += _linked_from_outside(path, parts, label)
    return problems


# A code that prints a value: '{{p toelichting }}' as typed, '{{ tekst|upper }}'.
_PRINTED_NAME = re.compile(r"\{\{-?\s*(?:p\s+)?(\w+)")
_TEXT_BOX = f"{_W}txbxContent"  # DrawingML's text box and its VML fallback alike
_CONFINED = {
    "tekstvak": (
        "staat in een tekstvak, en een tekstvak groeit niet mee met de tekst: wat er niet in "
        "past valt in de PDF weg (zet {tag} in de lopende tekst, niet in een tekstvak)"
    ),
    "kader": (
        "staat in een kader, dat los van de lopende tekst een eigen plek op de pagina heeft: de "
        "tekst van het stuk loopt daar niet over de pagina's door (zet {tag} in de lopende "
        "tekst, niet in een kader)"
    ),
    "rij": (
        "staat in een tabelrij met een vaste hoogte: wat er niet in past valt in de PDF weg "
        "(zet {tag} in de lopende tekst, of zet de rijhoogte in Word op 'Minimaal' bij "
        "Tabeleigenschappen › Rij)"
    ),
}


def _confined_text(part: _Part, formatted: Collection[str], label: str) -> list[Problem]:
    """A Markdown field (the document's text, pages long) where it cannot grow: in a text box,
    a frame or a table row of exact height it is cut off in the PDF without a word."""
    if "{" not in part.raw or not formatted:
        return []
    try:
        root = etree.fromstring(part.raw.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []  # said by the other checks
    found: dict[tuple[str, str], Problem] = {}
    for paragraph in root.iter(f"{_W}p"):
        if any(True for _ in paragraph.iterdescendants(f"{_W}p")):
            continue  # a paragraph holding a text box: its own paragraphs are looked at
        text = "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
        tags = [
            tag.group()
            for tag in _TAG.finditer(text)
            if (name := _PRINTED_NAME.match(tag.group())) and name.group(1) in formatted
        ]
        place = _confinement(paragraph) if tags else None
        if place is None:
            continue
        for tag in tags:
            message = part.where + f"{tag} " + _CONFINED[place].format(tag=tag)
            # A text box is there twice: as DrawingML and as its VML fallback.
            found.setdefault((tag, message), Problem(label, None, tag, message))
    return list(found.values())


def _confinement(paragraph: Any) -> str | None:
    """Where ``paragraph`` cannot grow: 'tekstvak', 'kader' or 'rij' (of exact height)."""
    if any(True for _ in paragraph.iterancestors(_TEXT_BOX)):
        return "tekstvak"
    if paragraph.find(f"{_W}pPr/{_W}framePr") is not None:
        return "kader"
    for row in paragraph.iterancestors(f"{_W}tr"):
        height = row.find(f"{_W}trPr/{_W}trHeight")
        if height is not None and height.get(f"{_W}hRule") == "exact":
            return "rij"
    return None


def _conditional_text(read: Sequence[_Part], spec: TemplateSpec, label: str) -> list[Problem]:
    """A warning for the document's own text (a required Markdown field) inside an if on another
    field: a {%p if bijlagen %} left above Toelichting drops the text of every dossier without
    annexes, and nothing says so."""
    texts = {
        path[0]
        for path in spec.required
        if len(path) == 1 and isinstance(spec.context.get(path[0]), Markdown)
    }
    if not texts:
        return []
    environment = _environment()
    problems: list[Problem] = []
    for part in read:
        tree = environment.parse(part.source)
        tags = _tags(part.source)
        typed = _typed_tags(part)
        for lineno, name, (condition, branch) in _printed_under_a_condition(
            tree, texts, set(spec.context)
        ):
            tag = _as_typed(_tag_for(tags, lineno, name), typed)
            opening = _as_typed(_opening_tag(tags, condition.lineno, "if"), typed)
            letter = re.match(r"\{%-?\s*(p|tr|tc|r)?\s*if\b", opening)
            closing = f"{{%{letter.group(1) if letter and letter.group(1) else ''} endif %}}"
            message = (
                f"{tag} staat binnen {opening}{_BRANCHES[branch]}, valt de tekst van "
                "het stuk zonder melding uit het document (zet "
                f"{tag} buiten het blok van {opening} tot {closing}, tenzij de tekst alleen dan "
                "in het document hoort)"
            )
            problems.append(Problem(label, None, tag, part.where + message, "waarschuwing"))
    return problems


# Where the document's text in each branch of an if falls out: what the warning says after
# "{{p toelichting }} staat binnen {%p if bijlagen %}".
_BRANCHES = {
    "if": ": waar die voorwaarde niet geldt",
    "elif": ", in een {% elif %}-tak: waar een andere tak van dat blok geldt",
    "else": ", in de {% else %}-tak: waar die voorwaarde wel geldt",
}


def _printed_under_a_condition(
    node: nodes.Node,
    texts: Collection[str],
    fields: Collection[str],
    condition: tuple[nodes.If, str] | None = None,
) -> Iterator[tuple[int, str, tuple[nodes.If, str]]]:
    """(line, name, (the innermost if on another field, the branch: if, elif or else)) for
    each print of one of ``texts``."""
    if isinstance(node, nodes.If):
        tests = [node.test, *(branch.test for branch in node.elif_)]
        tested = {
            name.name
            for test in tests
            for name in (test, *test.find_all(nodes.Name))
            if isinstance(name, nodes.Name)
        }
        # An if, elif or else on another field: the whole block is that condition's.
        own = bool((tested & set(fields)) - set(texts))
        for test in tests:
            yield from _printed_under_a_condition(test, texts, fields, None)
        branches = [
            *((child, "if") for child in node.body),
            *((child, "elif") for branch in node.elif_ for child in branch.body),
            *((child, "else") for child in node.else_),
        ]
        for child, branch in branches:
            yield from _printed_under_a_condition(
                child, texts, fields, (node, branch) if own else condition
            )
        return
    if isinstance(node, nodes.Output) and condition is not None:
        for name in node.find_all(nodes.Name):
            if name.name in texts and name.ctx == "load":
                yield name.lineno, name.name, condition
        return
    for child in node.iter_child_nodes():
        yield from _printed_under_a_condition(child, texts, fields, condition)


def _opening_tag(tags: Sequence[tuple[int, str]], lineno: int, word: str) -> str:
    """The tag on ``lineno`` that opens a block with ``word`` (if, for), as Jinja has it."""
    for line, text in tags:
        if line == lineno and (opened := _OPENS.match(text)) and opened.group(1) == word:
            return text
    return f"{{% {word} %}}"


# Word's own ways to show a picture from elsewhere: VML's o:href, an INCLUDEPICTURE field.
_O_HREF = "{urn:schemas-microsoft-com:office:office}href"
_INCLUDE_FIELD = re.compile(r"\bINCLUDE(PICTURE|TEXT)\s+(?:\"([^\"]*)\"|(\S+))")


def _linked_from_outside(path: Path, parts: Sequence[_Part], label: str) -> list[Problem]:
    """A picture or object the template links to instead of holding it (Word's 'Koppelen aan
    bestand'): LibreOffice leaves it out of the PDF, and every Word file made with the template
    links to it, so that Word fetches it from there whenever one is opened."""
    from assembler.office_files import UNLINK_IN_WORD, word_links

    where = {part.name: part.where for part in parts}
    links: dict[str, tuple[str, str]] = {}  # target -> (where, what)
    try:
        with zipfile.ZipFile(path) as archive:
            for owner, what, target in word_links(archive):
                links.setdefault(target, (where.get(owner, ""), what))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        pass  # read already by _parts: not for this check to say
    for part in parts:
        for what, target in _linked_in_part(part.raw):
            links.setdefault(target, (part.where, what))
    return [
        Problem(
            label,
            None,
            "",
            f"{said}het sjabloon bevat {what}, van buiten het document ({target}): die komt niet "
            "in de PDF, en elk Word-document dat ermee gemaakt wordt blijft ernaar verwijzen; "
            f"{UNLINK_IN_WORD}",
        )
        for target, (said, what) in links.items()
    ]


def _linked_in_part(raw: str) -> Iterator[tuple[str, str]]:
    """(what, the target quoted) for each VML o:href and INCLUDEPICTURE field in a part."""
    if "href" not in raw and "INCLUDE" not in raw:
        return
    try:
        root = etree.fromstring(raw.encode("utf-8"))
    except etree.XMLSyntaxError:
        return
    for element in root.iter():
        target = element.get(_O_HREF)
        if target:
            yield "een gekoppelde afbeelding", f"'{target[:100]}'"
    codes = [" ".join((code.text or "").strip() for code in root.iter(f"{_W}instrText"))]
    codes += [field.get(f"{_W}instr") or "" for field in root.iter(f"{_W}fldSimple")]
    for code in codes:
        for field_code in _INCLUDE_FIELD.finditer(code):
            what = (
                "een gekoppelde afbeelding"
                if field_code.group(1) == "PICTURE"
                else ("een gekoppelde tekst")
            )
            target = field_code.group(2) or field_code.group(3) or ""
            yield f"{what} (veld INCLUDE{field_code.group(1)})", f"'{target[:100]}'"


# --------------------------------------------------------------------------- loops


def _loops(
    parts: Sequence[_Part], environment: SandboxedEnvironment
) -> list[tuple[_Part, str, str]]:
    """(part, name, the for as typed) for each name a for loop of the template gives."""
    found = []
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError:
            continue  # said on its own
        tags = _tags(part.source)
        typed = _typed_tags(part)
        for loop in tree.find_all(nodes.For):
            tag = _as_typed(_opening_tag(tags, loop.lineno, "for"), typed)
            targets = loop.target.find_all(nodes.Name)
            for name in (loop.target, *targets):
                if isinstance(name, nodes.Name):
                    found.append((part, name.name, tag))
    return found


def _loops_seen_from(
    part: _Part, loops: Sequence[tuple[_Part, str, str]]
) -> dict[str, tuple[str, str]]:
    """Each loop's name (and 'loop') as a code in ``part`` outside it finds it: (the for as
    typed, where it stands when in another part), the part's own loops first."""
    seen: dict[str, tuple[str, str]] = {}
    ordered = sorted(loops, key=lambda loop: loop[0] is not part)  # stable: in template order
    for owner, name, tag in ordered:
        elsewhere = ""
        if owner is not part:
            elsewhere = f" {owner.where.removesuffix(': ') or 'in de hoofdtekst'}"
        seen.setdefault(name, (tag, elsewhere))
        seen.setdefault("loop", (tag, elsewhere))
    seen.setdefault("loop", ("", ""))
    return seen


def _outside_its_loop(name: str, loops: Mapping[str, tuple[str, str]]) -> str:
    """What a code that uses a loop's name outside it is told: which loop, and where to go."""
    tag, elsewhere = loops[name]
    kind = re.match(r"\{%-?\s*(p|tr|tc|r)?\s*for\b", tag)
    letter = kind.group(1) if kind and kind.group(1) else ""
    ending = f"{{%{letter} endfor %}}" if letter else "{% endfor %}"
    between = f"tussen {tag} en {ending}"
    if letter == "tr":
        between = f"in een tabelrij tussen de rij met {tag} en die met {ending}"
    if name == "loop":
        if not tag:
            return (
                "'loop' bestaat alleen binnen een {% for %}-lus, en deze code staat buiten elke "
                "lus (zet de code tussen {%p for … %} en {%p endfor %}, of haal hem weg)"
            )
        return (
            "'loop' bestaat alleen binnen een {% for %}-lus, en deze code staat buiten elke lus "
            f"(zet de code in de lus waar hij bij hoort, zoals {between}{elsewhere}, of haal hem "
            "weg)"
        )
    return (
        f"'{name}' bestaat alleen binnen {tag}{elsewhere}, en deze code staat buiten die lus "
        f"(zet de code {between})"
    )


def _numbers_decisions_itself(path: Path, decision: str) -> bool:
    """Whether the agenda's loop over an item's decisions prints {{ loop.index }} itself (1., 2.,
    … per item, without Word's numbering)."""
    try:
        parts = _parts(path)
    except _NotADocx:
        return False
    environment = _environment()
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError:
            continue
        for loop in tree.find_all(nodes.For):
            over = [loop.iter, *loop.iter.find_all(nodes.Getattr)]
            gives = isinstance(loop.target, nodes.Name) and loop.target.name == decision
            lists = any(isinstance(n, nodes.Getattr) and n.attr == "voorstellen" for n in over)
            if gives and lists and any(_prints_loop_index(child) for child in loop.body):
                return True
    return False


def _prints_loop_index(node: nodes.Node) -> bool:
    """Whether ``node`` prints loop.index of the loop it stands in (not of a loop inside it)."""
    if isinstance(node, nodes.For):
        return False
    if isinstance(node, nodes.Output):
        return any(
            isinstance(attr.node, nodes.Name) and attr.node.name == "loop" and attr.attr == "index"
            for attr in node.find_all(nodes.Getattr)
        )
    return any(_prints_loop_index(child) for child in node.iter_child_nodes())

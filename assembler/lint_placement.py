"""The template check's look at where codes stand, not at what they say.

Errors: a Markdown field (the document's text, pages long) in a text box, a frame or a
table row of exact height, where the PDF cuts it off without a word; a picture or text the
template links to instead of holding it. A warning: the document's text inside an if on
another field, which drops it from every document where that condition does not hold.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import nodes
from lxml import etree

from assembler.errors import Problem
from assembler.lint_parts import (
    TAG,
    Part,
    jinja_environment,
    opening_tag,
    tag_as_typed,
    tag_for,
    tags_with_lines,
    typed_tags,
)
from assembler.lint_specs import TemplateSpec
from assembler.ooxml import W
from assembler.render import Markdown

__all__ = ["placement_problems"]


def placement_problems(
    path: Path, parts: Sequence[Part], read: Sequence[Part], spec: TemplateSpec, label: str
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
_TEXT_BOX = f"{W}txbxContent"  # DrawingML's text box and its VML fallback alike
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


def _confined_text(part: Part, formatted: Collection[str], label: str) -> list[Problem]:
    """A Markdown field (the document's text, pages long) where it cannot grow: in a text box,
    a frame or a table row of exact height it is cut off in the PDF without a word."""
    if "{" not in part.raw or not formatted:
        return []
    try:
        root = etree.fromstring(part.raw.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []  # said by the other checks
    found: dict[tuple[str, str], Problem] = {}
    for paragraph in root.iter(f"{W}p"):
        if any(True for _ in paragraph.iterdescendants(f"{W}p")):
            continue  # a paragraph holding a text box: its own paragraphs are looked at
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        tags = [
            tag.group()
            for tag in TAG.finditer(text)
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
    if paragraph.find(f"{W}pPr/{W}framePr") is not None:
        return "kader"
    for row in paragraph.iterancestors(f"{W}tr"):
        height = row.find(f"{W}trPr/{W}trHeight")
        if height is not None and height.get(f"{W}hRule") == "exact":
            return "rij"
    return None


def _conditional_text(read: Sequence[Part], spec: TemplateSpec, label: str) -> list[Problem]:
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
    environment = jinja_environment()
    problems: list[Problem] = []
    for part in read:
        tree = environment.parse(part.source)
        tags = tags_with_lines(part.source)
        typed = typed_tags(part)
        for lineno, name, (condition, branch) in _printed_under_a_condition(
            tree, texts, set(spec.context)
        ):
            tag = tag_as_typed(tag_for(tags, lineno, name), typed)
            opening = tag_as_typed(opening_tag(tags, condition.lineno, "if"), typed)
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


# Word's own ways to show a picture from elsewhere: VML's o:href, an INCLUDEPICTURE field.
_O_HREF = "{urn:schemas-microsoft-com:office:office}href"
_INCLUDE_FIELD = re.compile(r"\bINCLUDE(PICTURE|TEXT)\s+(?:\"([^\"]*)\"|(\S+))")


def _linked_from_outside(path: Path, parts: Sequence[Part], label: str) -> list[Problem]:
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
        pass  # read already by template_parts: not for this check to say
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
    codes = [" ".join((code.text or "").strip() for code in root.iter(f"{W}instrText"))]
    codes += [field.get(f"{W}instr") or "" for field in root.iter(f"{W}fldSimple")]
    for code in codes:
        for field_code in _INCLUDE_FIELD.finditer(code):
            what = (
                "een gekoppelde afbeelding"
                if field_code.group(1) == "PICTURE"
                else ("een gekoppelde tekst")
            )
            target = field_code.group(2) or field_code.group(3) or ""
            yield f"{what} (veld INCLUDE{field_code.group(1)})", f"'{target[:100]}'"

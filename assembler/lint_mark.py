"""The template check's NIET OPENBAAR mark: every page of a confidential document shows it.

The bundles are stamped, but voorstel.pdf and the Word file travel alone too. The template is
filled in for a confidential and a public sample, and the text its parts then show is read,
following Word's rules for which header and footer each kind of page (each section's first,
even and other pages) shows. Errors: a template that never says a document is not public, a
kind of page of a confidential document without NIET OPENBAAR in its header or footer, and
NIET OPENBAAR on a public document.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from assembler.errors import Problem
from assembler.lint_parts import Part, jinja_environment
from assembler.lint_specs import TemplateSpec
from assembler.model import Verspreiden
from assembler.ooxml import W

__all__ = ["confidential_mark_problems", "doubled_mark_problems"]

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


def confidential_mark_problems(
    path: Path, parts: Sequence[Part], spec: TemplateSpec, label: str, used: set[tuple[str, ...]]
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
    parts: Sequence[Part], spec: TemplateSpec
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The text each XML part shows, filled in for a confidential and for a public sample:
    spaces evened out; None where the sample could not be filled in."""
    environment = jinja_environment()
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
            # A core property (no XML): render._set_properties sets the title, subject,
            # keywords, language and author itself and empties the others, so no mark there.
            continue
        try:
            compiled = environment.from_string(part.source)
        except Exception:  # the template's code is judged by lint.lint_template
            compiled = None
        for values, texts in zip(samples, (secret, public), strict=True):
            try:
                xml = None if compiled is None else compiled.render(values)
            except Exception:  # any failure of the sample: its code is judged by lint.lint_template
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
                found = etree.fromstring(archive.read(settings)).find(f"{W}evenAndOddHeaders")
                even = _switched_on(found)
        root = etree.fromstring(body.encode("utf-8"))
    except (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    # A tracked change's record of the section before it was changed is no section.
    sections = [
        section
        for section in root.iter(f"{W}sectPr")
        if getattr(section.getparent(), "tag", None) != f"{W}sectPrChange"
    ]
    current: dict[tuple[str, str], str | None] = {}
    kinds: list[_PageKind] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for number, section in enumerate(sections, start=1):
        for reference in section:
            if reference.tag in (f"{W}headerReference", f"{W}footerReference"):
                target = related.get(str(reference.get(f"{_R}id", "")))
                kind = str(reference.get(f"{W}type", "default"))
                current[(reference.tag, kind)] = None if target is None else target[1]
        first = _switched_on(section.find(f"{W}titlePg"))
        in_use = ["default", *(["first"] if first else []), *(["even"] if even else [])]
        for kind in in_use:
            header = current.get((f"{W}headerReference", kind))
            footer = current.get((f"{W}footerReference", kind))
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
    return element is not None and str(element.get(f"{W}val", "on")).lower() not in _OFF


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


# "Niet openbaar (niet openbaar)": a confidential item's stand-in title with the full agenda's
# addition after it, as a template whose test leaves out 'punt.dossier' prints it.
_DOUBLED = re.compile(r"niet openbaar\W{0,3}niet openbaar", re.IGNORECASE)


def doubled_mark_problems(parts: Sequence[Part], spec: TemplateSpec, label: str) -> list[Problem]:
    """A warning for an agenda template that shows a confidential item on the public agenda
    as "Niet openbaar (niet openbaar)": filled in for a meeting of confidential items only."""
    if spec.public_context is None:
        return []
    environment = jinja_environment()
    for part in parts:
        if not part.raw or part.where:
            continue  # the items are listed in the document's own text
        try:
            xml = environment.from_string(part.source).render(spec.public_context)
        except Exception:  # any failure of the sample: its code is judged by lint.lint_template
            continue
        if _DOUBLED.search(_shown_text(xml)):
            return [
                Problem(
                    label,
                    None,
                    "punt.niet_openbaar",
                    "de openbare agenda toont een vertrouwelijk punt als 'Niet openbaar (niet "
                    "openbaar)' (laat de toevoeging alleen zien bij een punt dat de agenda "
                    "helemaal toont: {% if punt.dossier and punt.niet_openbaar %} (niet "
                    "openbaar){% endif %})",
                    "waarschuwing",
                )
            ]
    return []

"""What an office annex (.docx, .odt, .xlsx, .ods) holds that the build must not take in.

office_problem: a zip that unpacks to far more than it is (a decompression bomb, which would
drive LibreOffice to gigabytes), and a picture, object or section linked to a file or web
address outside the document, which LibreOffice would read or fetch while converting and so
put into the bundles: a file of the build machine, or a page of an internal web server.
Hyperlinks are not loaded and stay allowed. Only the zip's directory and its XML parts are
read; nothing is unpacked to disk.

office_warnings: what of an accepted office annex shows otherwise in its PDF than the clerk
may expect: tracked changes (LibreOffice prints a document's as marked up, deleted text struck
through and searchable; a workbook's it leaves unmarked, as if accepted), hyperlinks to files or
other computers (judged as a PDF annex's links are, with the same words; a workbook's
=HYPERLINK() formulas and a document's HYPERLINK fields too), form buttons that did something
and ActiveX controls (the archival PDF holds a form as it looks, see convert.py, so a button
there does nothing), fonts that this machine lacks (LibreOffice lays the text out in another
one, so lines and pages break otherwise than in Word or Excel; judged as a template's fonts
are, see template_style), symbols typed in a symbol font that is not here (Word's Insert ›
Symbol in Wingdings: they print as empty boxes), and the parts it could not read, which it
passes over to judge the rest.
"""

from __future__ import annotations

import copy
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from assembler.errors import dutch_list, megabytes
from assembler.ooxml import W as _W

if TYPE_CHECKING:
    from lxml import etree

# Uncompressed, all parts together: the largest real office annexes measured (a 60-page
# report with photos, a 40,000-row sheet) unpack to tens of MB.
MAX_UNPACKED_BYTES = 200_000_000  # said as '200,0 MB' (errors.megabytes)
# A part this large that unpacks to more than RATIO times its packed size is a bomb: text
# and XML deflate ten to thirty times, repeated rows of a sheet seldom more than sixty.
LARGE_PART_BYTES = 16 * 1024 * 1024
MAX_RATIO = 100

_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# OOXML relationships to outside the package that LibreOffice does not load: a hyperlink is
# followed by a reader who clicks it; the template a Word document was made from (Word's
# Normal.dotm, an organisation's template on a share) is named, not read (measured with
# LibreOffice 7.4: no request for an http: template), and most Word documents carry one.
_ALLOWED_RELATIONSHIPS = frozenset({"hyperlink", "attachedTemplate"})
# ODF elements whose xlink:href is a link a reader follows or a name, not something loaded:
# hyperlinks, the template of the document, a script bound to an event, a form's target.
_ALLOWED_ELEMENTS = frozenset(
    {
        "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a",
        "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}a",
        "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}template",
        "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}event-listener",
        "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}event-listener",
        "{urn:oasis:names:tc:opendocument:xmlns:form:1.0}form",
        # A button that opens a web page: LibreOffice does not load its address (its picture,
        # if any, is form:image-data, not a link). Warned about by office_warnings.
        "{urn:oasis:names:tc:opendocument:xmlns:form:1.0}button",
    }
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# What is linked, by the last part of an OOXML relationship type or an ODF element's name.
_KINDS = {
    "image": "een gekoppelde afbeelding",
    "fill-image": "een gekoppelde afbeelding",
    "background-image": "een gekoppelde afbeelding",
    "list-level-style-image": "een gekoppelde afbeelding",
    "oleObject": "een gekoppeld object",
    "package": "een gekoppeld object",
    "object": "een gekoppeld object",
    "object-ole": "een gekoppeld object",
    "plugin": "een gekoppeld object",
    "externalLinkPath": "een koppeling naar een andere werkmap",
    "table-source": "een gekoppelde tabel",
    "section-source": "een gekoppelde sectie",
    "subDocument": "een gekoppeld subdocument",
}
_HOW_TO_UNLINK = {
    ".docx": (
        "sla het document op met de afbeeldingen en objecten erin (in Word: Bestand › Info › "
        "Koppelingen naar bestanden bewerken › Koppeling verbreken)"
    ),
    ".xlsx": (
        "sla de werkmap op zonder koppelingen (in Excel: Gegevens › Koppelingen bewerken › "
        "Koppeling verbreken)"
    ),
    ".odt": (
        "sla het document op met de afbeeldingen en objecten erin (in LibreOffice: Bewerken › "
        "Koppelingen naar externe bestanden › Koppeling verbreken)"
    ),
    ".ods": (
        "sla de werkmap op zonder koppelingen (in LibreOffice: Bewerken › Koppelingen naar "
        "externe bestanden › Koppeling verbreken)"
    ),
}


def office_problem(archive: zipfile.ZipFile, suffix: str, name: str) -> str | None:
    """What refuses the office annex ``name`` (``suffix`` is its extension); None if nothing."""
    bomb = _bomb(archive, name)
    if bomb is not None:
        return bomb
    try:
        linked = _first_link(archive, suffix)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return f"'{name}' is beschadigd (open en bewaar het opnieuw)"
    except (RuntimeError, NotImplementedError):  # a part encrypted, or packed in an odd way
        return f"'{name}' is beveiligd of onleesbaar ingepakt (open en bewaar het opnieuw)"
    if linked is None:
        return None
    kind, target = linked
    advice = _HOW_TO_UNLINK.get(suffix, _HOW_TO_UNLINK[".docx"])
    return (
        f"'{name}' bevat {_KINDS.get(kind, 'een gekoppeld bestand')}, van buiten het document "
        f"({_shown(target)}); {advice}"
    )


# How a message says to break a Word document's links (a Word template's too).
UNLINK_IN_WORD = _HOW_TO_UNLINK[".docx"]


def word_links(archive: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    """What a Word document (or template) loads from outside itself, as office_problem judges
    an annex: (the part that links it, what is linked in Dutch, the target quoted)."""
    for part in archive.namelist():
        if not part.endswith(".rels"):
            continue
        # 'word/_rels/header1.xml.rels' holds the links of 'word/header1.xml'.
        owner = part.replace("_rels/", "", 1).removesuffix(".rels")
        with archive.open(part) as stream:
            for element in _elements(stream, f"{{{_RELATIONSHIPS}}}Relationship"):
                if (element.get("TargetMode") or "").strip().lower() != "external":
                    continue
                kind = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
                if kind not in _ALLOWED_RELATIONSHIPS:
                    what = _KINDS.get(kind, "een gekoppeld bestand")
                    yield owner, what, _shown(element.get("Target") or "")


def _bomb(archive: zipfile.ZipFile, name: str) -> str | None:
    """Judged on the sizes the zip's directory declares: reading a part stops at its size."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > LARGE_PART_BYTES and ratio > MAX_RATIO:
            return (
                f"'{name}' lijkt een decompressiebom: het onderdeel {_shown(info.filename)} "
                f"pakt uit tot {megabytes(info.file_size)}, {ratio:.0f} keer zo groot als "
                "ingepakt (lever de bijlage als PDF aan)"
            )
    if total > MAX_UNPACKED_BYTES:
        return (
            f"'{name}' lijkt een decompressiebom: uitgepakt is het {megabytes(total, up=True)} (de "
            f"grens is {megabytes(MAX_UNPACKED_BYTES)}; lever de bijlage als PDF aan, of splits "
            "het in meer bijlagen)"
        )
    return None


def _first_link(archive: zipfile.ZipFile, suffix: str) -> tuple[str, str] | None:
    """The kind and target of the first thing the document links to that would be loaded."""
    if suffix in {".odt", ".ods"}:
        for part in archive.namelist():
            if part.endswith(".xml") and not part.startswith("META-INF/"):
                with archive.open(part) as stream:
                    found = _odf_link(stream)
                if found is not None:
                    return found
        return None
    for part in archive.namelist():
        if part.endswith(".rels"):
            with archive.open(part) as stream:
                found = _ooxml_link(stream)
            if found is not None:
                return found
    return None


def _ooxml_link(stream: IO[bytes]) -> tuple[str, str] | None:
    for element in _elements(stream, f"{{{_RELATIONSHIPS}}}Relationship"):
        if (element.get("TargetMode") or "").strip().lower() != "external":
            continue
        kind = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        if kind not in _ALLOWED_RELATIONSHIPS:
            return kind, element.get("Target") or ""
    return None


def _odf_link(stream: IO[bytes]) -> tuple[str, str] | None:
    for element in _elements(stream, None):
        href = element.get(_XLINK_HREF)
        if href is None or element.tag in _ALLOWED_ELEMENTS or _inside(href):
            continue
        return str(element.tag).rsplit("}", 1)[-1], href
    return None


def _inside(href: str) -> bool:
    """Whether the ODF link ``href`` names a part of the package itself ('Pictures/1.png')."""
    href = href.strip()
    if not href or href.startswith("#"):
        return True
    if _SCHEME.match(href) or href.startswith(("/", "\\")):
        return False
    # Relative to the package, '../' leads out of it: to the folder the document is in.
    return ".." not in PurePosixPath(href.replace("\\", "/")).parts


def _elements(
    stream: IO[bytes], tag: str | None, *, strict: bool = False
) -> Iterator[etree._Element]:
    """The elements of an XML part, read as a stream and let go of as they are passed; where
    it stops being XML, the end (``strict``: XMLSyntaxError, after the elements before it)."""
    from lxml import etree

    parser = etree.iterparse(
        stream, events=("end",), tag=tag, resolve_entities=False, no_network=True
    )
    try:
        for _event, element in parser:
            yield element
            # A part of 100 MB holds millions of elements: none is kept once passed.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError:
        if strict:
            raise
        return  # LibreOffice refuses or repairs the part; its links are judged by what it read


def _shown(text: str, limit: int = 100) -> str:
    """``text`` quoted, its control characters escaped and cut to ``limit`` characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_FORM = "{urn:oasis:names:tc:opendocument:xmlns:form:1.0}"
_SCRIPT = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}"
# Word's revision marks: text deleted (or moved away) shows struck through, text inserted (or
# moved here) underlined, both in a revision colour (LibreOffice shows changes by default).
_WORD_DELETED = frozenset({f"{_W}del", f"{_W}moveFrom"})
_WORD_INSERTED = frozenset({f"{_W}ins", f"{_W}moveTo"})
# Word's parts that hold text: the body, headers and footers, notes, comments aside.
_WORD_TEXT_PART = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml")
# A link Word keeps as a field code, HYPERLINK "address" \o "tip" (pasted from older documents
# and some systems' exports), held by no relationship; LibreOffice makes it a link in the PDF.
# A switch's argument is no address: \l names a place in the document, \o a tip, \t a frame.
_FIELD_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_FIELD_SWITCHES_WITH_TEXT = frozenset({"\\l", "\\o", "\\t"})
_TRACKED_CHANGES = (
    "neem de wijzigingen aan of wijs ze af en sla het document op; in Word: Controleren › "
    "Accepteren › Alle wijzigingen accepteren, in LibreOffice: Bewerken › Wijzigingen bijhouden "
    "› Alles accepteren"
)
# A workbook's tracked changes: Excel's revision log (a shared workbook's change history).
_SHEET_REVISIONS = re.compile(r"xl/revisions/revisionLog[^/]*\.xml")
_SHEET_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_TRACKED_CHANGES = (
    "neem de wijzigingen aan of wijs ze af en sla de werkmap op; in Excel: Controleren › "
    "Wijzigingen bijhouden › Wijzigingen accepteren of weigeren, in LibreOffice: Bewerken › "
    "Wijzigingen bijhouden › Beheren › Alles accepteren"
)
# A sheet's formulas: =HYPERLINK("file:///…", "naam") is a link LibreOffice puts in the PDF,
# held by no relationship. Only sheets that name the function are parsed.
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_HYPERLINK = re.compile(r"(?<![\w.])HYPERLINK\s*\(", re.IGNORECASE)
# ActiveX controls of a Word document or a workbook (LibreOffice saves a form's fields so),
# by their class id: (one, more).
_ACTIVEX_PART = re.compile(r"(?:word|xl)/activeX/[^/]+\.xml")
_ACTIVEX_CLASSID = "{http://schemas.microsoft.com/office/2006/activeX}classid"
_ACTIVEX_KINDS = {
    "D7053240-CE69-11CD-A777-00DD01143C57": ("knop", "knoppen"),
    "8BD21D10-EC42-11CE-9E0D-00AA006002F3": ("tekstvak", "tekstvakken"),
    "8BD21D20-EC42-11CE-9E0D-00AA006002F3": ("keuzelijst", "keuzelijsten"),
    "8BD21D30-EC42-11CE-9E0D-00AA006002F3": (
        "keuzelijst met invoervak",
        "keuzelijsten met invoervak",
    ),
    "8BD21D40-EC42-11CE-9E0D-00AA006002F3": ("selectievakje", "selectievakjes"),
    "8BD21D50-EC42-11CE-9E0D-00AA006002F3": ("keuzerondje", "keuzerondjes"),
    "8BD21D60-EC42-11CE-9E0D-00AA006002F3": ("wisselknop", "wisselknoppen"),
    "978C9E23-D4B0-11CE-BF2D-00AA003F40D0": ("label", "labels"),
    "4C599241-6926-101B-9992-00000B65C6F9": ("afbeelding", "afbeeldingen"),
    "79176FB0-B7F2-11CE-97EF-00AA006D2776": ("kringveld", "kringvelden"),
    "DFD181E0-5E2F-11CE-A449-00AA004A803D": ("schuifbalk", "schuifbalken"),
}
_OTHER_CONTROL = ("ander besturingselement", "andere besturingselementen")
# What a part that cannot be read raises: a damaged or oddly packed zip member, or no XML.
_UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, RuntimeError)
# What a button of an ODF form does, by its form:button-type; "push" does what its macros do.
_BUTTON_DOES = {
    "submit": "een knop die het formulier verstuurt",
    "reset": "een knop die het formulier leegmaakt",
    "url": "een knop met een koppeling",
    "push": "een knop die een macro start",
}


def office_warnings(path: Path, name: str) -> list[str]:
    """What the accepted office annex ``path`` (named ``name`` in the dossier; "" for none)
    shows in its PDF otherwise than a clerk may expect, in Dutch; none when it cannot be read
    (that is :func:`office_problem`'s to say)."""
    suffix = path.suffix.lower()
    try:
        with zipfile.ZipFile(path) as archive:
            if _bomb(archive, name) is not None:
                return []
            if suffix in {".odt", ".ods"}:
                found = _odf_findings(archive)
            elif suffix in {".docx", ".xlsx"}:
                found = _ooxml_findings(archive)
            else:
                return []
            # A part the font pass cannot read is said as one passed over, as the other
            # checks say theirs; the fonts are judged from the parts that can be read.
            fonts, symbols = _fonts_used(archive, suffix, found.unread)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, RuntimeError):
        return []
    except NotImplementedError:
        return []
    return found.warnings(name) + _font_warnings(name, fonts, symbols)


class _Findings:
    def __init__(self) -> None:
        self.deleted = False
        self.inserted = False
        self.sheet_changes = False
        self.addresses: list[str] = []
        # (what the button does, its label, its address)
        self.buttons: list[tuple[str, str, str]] = []
        # ActiveX controls, each as (one, more) of its kind
        self.controls: list[tuple[str, str]] = []
        # The parts that could not be read, passed over
        self.unread: list[str] = []

    def warnings(self, name: str) -> list[str]:
        from assembler.actions import address_kinds
        from assembler.annex import active_content_warning

        said = f"'{name}' " if name else ""
        found = []
        if self.deleted:
            found.append(
                said + "bevat bijgehouden wijzigingen: de verwijderde tekst staat doorgestreept "
                f"in de PDF, en is daar te lezen en te doorzoeken ({_TRACKED_CHANGES})"
            )
        elif self.inserted:
            found.append(
                said + "bevat bijgehouden wijzigingen: de ingevoegde tekst staat gemarkeerd "
                f"(onderstreept en in kleur) in de PDF ({_TRACKED_CHANGES})"
            )
        if self.sheet_changes:
            found.append(
                said + "bevat bijgehouden wijzigingen: de PDF toont de werkmap met de "
                "wijzigingen erin, zonder ze aan te geven, alsof ze zijn aangenomen "
                f"({_SHEET_TRACKED_CHANGES})"
            )
        kinds = address_kinds(self.addresses)
        if kinds:
            found.append(said + active_content_warning(kinds))
        if self.buttons:
            found.append(said + _buttons_warning(self.buttons))
        if self.controls:
            found.append(said + _controls_warning(self.controls))
        if self.unread:
            found.append(said + _unread_warning(self.unread))
        return found


def _controls_warning(controls: list[tuple[str, str]]) -> str:
    counted: dict[tuple[str, str], int] = {}
    for kind in controls:
        counted[kind] = counted.get(kind, 0) + 1
    what = dutch_list(
        [
            f"een {one}" if count == 1 else f"{count} {more}"
            for (one, more), count in counted.items()
        ]
    )
    if len(controls) == 1:
        return (
            f"bevat een ActiveX-besturingselement ({what}): in de PDF doet het niets, die toont "
            "hoogstens hoe het eruitziet, met de ingevulde waarde (haal het weg als het niet "
            "nodig is; in Word of Excel: Ontwikkelaars › Ontwerpmodus, selecteer het en druk op "
            "Delete)"
        )
    return (
        f"bevat ActiveX-besturingselementen ({what}): in de PDF doen ze niets, die toont "
        "hoogstens hoe ze eruitzien, met de ingevulde waarden (haal ze weg als ze niet nodig "
        "zijn; in Word of Excel: Ontwikkelaars › Ontwerpmodus, selecteer ze en druk op Delete)"
    )


def _unread_warning(parts: list[str]) -> str:
    names = dutch_list([_shown(part) for part in sorted(set(parts))])
    if len(set(parts)) == 1:
        return (
            f"heeft een onderdeel dat niet te lezen is ({names}): de controle op bijgehouden "
            "wijzigingen, koppelingen en knoppen heeft het overgeslagen, en LibreOffice laat het "
            "mogelijk weg uit de PDF (open en bewaar het bestand opnieuw en kijk de PDF na)"
        )
    return (
        f"heeft onderdelen die niet te lezen zijn ({names}): de controle op bijgehouden "
        "wijzigingen, koppelingen en knoppen heeft ze overgeslagen, en LibreOffice laat ze "
        "mogelijk weg uit de PDF (open en bewaar het bestand opnieuw en kijk de PDF na)"
    )


def _hyperlink_targets(formula: str) -> Iterator[str]:
    """The addresses a formula's HYPERLINK() calls open, as far as their first argument is
    text written in the formula ("file:///" & "a.docx" is 'file:///a.docx'; a cell's value,
    unknown here, is left out)."""
    for match in _HYPERLINK.finditer(formula):
        index, depth, texts = match.end(), 0, []
        while index < len(formula):
            char = formula[index]
            if char == '"':
                end = index + 1
                text = []
                while end < len(formula):
                    if formula[end] == '"':
                        if not formula.startswith('""', end):
                            break
                        end += 1  # a doubled quote is one quote of the text
                    text.append(formula[end])
                    end += 1
                if depth == 0:
                    texts.append("".join(text))
                index = end + 1
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif char in ",;" and depth == 0:
                break
            index += 1
        if texts:
            yield "".join(texts)


def _names(archive: zipfile.ZipFile, part: str, word: bytes) -> bool:
    """Whether a part's bytes hold ``word`` (lower case), in any case: read in chunks, so a
    sheet that does not is passed without parsing its XML."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if word in (tail + chunk).lower():
                return True
            tail = chunk[-len(word) :].lower()
    return False


def _buttons_warning(buttons: list[tuple[str, str, str]]) -> str:
    def shown(does: str, label: str, address: str) -> str:
        parts = [_shown(label)] if label else []
        if address:
            parts.append(f"naar {_shown(address)}")
        return f"{does} ({', '.join(parts)})" if parts else does

    what = dutch_list([shown(*button) for button in buttons])
    it = "die knop" if len(buttons) == 1 else "die knoppen"
    advice = "haal de knop weg als die niet nodig is, in LibreOffice in Formulier › Ontwerpmodus"
    if any(address for _does, _label, address in buttons):
        advice = "zet de koppeling als gewone hyperlink in de tekst en " + advice
    return (
        f"bevat {what}; de PDF toont het formulier zoals het eruitziet, met de ingevulde "
        f"waarden, maar {it} doet daar niets: een PDF voor het archief (PDF/A) mag geen "
        f"acties op formulierknoppen hebben ({advice})"
    )


def _ooxml_findings(archive: zipfile.ZipFile) -> _Findings:
    from lxml import etree

    found = _Findings()
    controls: list[tuple[str, tuple[str, str]]] = []
    for part in archive.namelist():
        # A part that cannot be read is said and passed over: what the others hold still is.
        try:
            _ooxml_part(archive, part, found, controls)
        except (*_UNREADABLE, NotImplementedError, etree.XMLSyntaxError):
            found.unread.append(part)
    # In the order of their numbers: activeX2.xml before activeX10.xml.
    found.controls = [kind for _part, kind in sorted(controls, key=lambda c: _natural(c[0]))]
    return found


def _ooxml_part(
    archive: zipfile.ZipFile,
    part: str,
    found: _Findings,
    controls: list[tuple[str, tuple[str, str]]],
) -> None:
    if part.endswith(".rels"):
        with archive.open(part) as stream:
            tag = f"{{{_RELATIONSHIPS}}}Relationship"
            for element in _elements(stream, tag, strict=True):
                external = (element.get("TargetMode") or "").strip().lower() == "external"
                kind = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
                if external and kind == "hyperlink":
                    found.addresses.append(element.get("Target") or "")
    elif _WORD_TEXT_PART.fullmatch(part):
        fields = _names(archive, part, b"hyperlink")
        if found.deleted and found.inserted and not fields:
            return  # all there is to say of them is said
        with archive.open(part) as stream:
            # The codes of the fields being read, innermost last: [its text, separated].
            codes: list[tuple[list[str], list[bool]]] = []
            for element in _elements(stream, None, strict=True):
                found.deleted = found.deleted or element.tag in _WORD_DELETED
                found.inserted = found.inserted or element.tag in _WORD_INSERTED
                if fields:
                    _read_field(element, codes, found.addresses)
    elif _SHEET.fullmatch(part) and _names(archive, part, b"hyperlink"):
        with archive.open(part) as stream:
            for element in _elements(stream, f"{_SHEET_MAIN}f", strict=True):
                found.addresses.extend(_hyperlink_targets(element.text or ""))
    elif _SHEET_REVISIONS.fullmatch(part) and not found.sheet_changes:
        with archive.open(part) as stream:
            for element in _elements(stream, None, strict=True):
                # Any record in the log (a cell changed, a row inserted, a sheet renamed, ...).
                if element.getparent() is not None:
                    found.sheet_changes = True
    elif _ACTIVEX_PART.fullmatch(part):
        with archive.open(part) as stream:
            for element in _elements(stream, None, strict=True):
                if element.getparent() is None:  # the root, ax:ocx, ends last
                    classid = (element.get(_ACTIVEX_CLASSID) or "").strip("{} ").upper()
                    controls.append((part, _ACTIVEX_KINDS.get(classid, _OTHER_CONTROL)))


def _read_field(
    element: etree._Element, codes: list[tuple[list[str], list[bool]]], addresses: list[str]
) -> None:
    """Follow a Word text part's fields, simple and complex (begin, code, separate, result,
    end; nested too), and add the address of each HYPERLINK field to ``addresses``."""
    tag = element.tag
    if tag == f"{_W}fldSimple":
        addresses.extend(_field_link(element.get(f"{_W}instr") or ""))
    elif tag == f"{_W}fldChar":
        kind = element.get(f"{_W}fldCharType")
        if kind == "begin":
            codes.append(([], [False]))
        elif codes and kind in {"separate", "end"}:
            # The code ends at the separator, or at the end of a field that shows no result.
            open_codes = [code for code in codes if not code[1][0]]
            if open_codes:
                text, separated = open_codes[-1]
                separated[0] = True
                addresses.extend(_field_link("".join(text)))
            if kind == "end":
                codes.pop()
    elif tag == f"{_W}instrText" and codes:
        open_codes = [code for code in codes if not code[1][0]]
        if open_codes:
            open_codes[-1][0].append(element.text or "")


def _field_link(code: str) -> list[str]:
    """The address a field code ``HYPERLINK "…"`` opens ([] for another field, or a link to a
    place in the document only)."""
    words = [
        # A quoted path doubles its backslashes (C:\\stukken for C:\stukken).
        (match.group(1).replace("\\\\", "\\"), False)
        if match.group(1) is not None
        else (match.group(2), match.group(2).startswith("\\"))
        for match in _FIELD_WORD.finditer(code)
    ]
    if not words or words[0][0].upper() != "HYPERLINK" or words[0][1]:
        return []
    index = 1
    while index < len(words):
        word, switch = words[index]
        if switch:
            index += 2 if word.lower() in _FIELD_SWITCHES_WITH_TEXT else 1
            continue
        return [word] if word.strip() else []
    return []


def _natural(name: str) -> tuple[str | int, ...]:
    return tuple(int(bit) if bit.isdigit() else bit for bit in re.split(r"(\d+)", name))


def _odf_findings(archive: zipfile.ZipFile) -> _Findings:
    from lxml import etree

    found = _Findings()
    for part in ("content.xml", "styles.xml"):
        try:
            _odf_part(archive, part, found)
        except KeyError:
            continue
        except (*_UNREADABLE, NotImplementedError, etree.XMLSyntaxError):
            found.unread.append(part)
    return found


def _odf_part(archive: zipfile.ZipFile, part: str, found: _Findings) -> None:
    with archive.open(part) as stream:
        listening = False  # whether the button being read has a script bound to it
        for element in _elements(stream, None, strict=True):
            tag = element.tag
            if tag in (f"{_TEXT}a", f"{_DRAW}a"):
                found.addresses.append(element.get(_XLINK_HREF) or "")
            elif tag == f"{_TEXT}deletion":
                found.deleted = True
            elif tag == f"{_TEXT}insertion":
                found.inserted = True
            elif tag == f"{_SCRIPT}event-listener":
                holder = element.getparent()
                holder = holder.getparent() if holder is not None else None
                listening = listening or (holder is not None and holder.tag == f"{_FORM}button")
            elif tag == f"{_FORM}button":
                kind = element.get(f"{_FORM}button-type") or "push"
                address = element.get(_XLINK_HREF) or "" if kind == "url" else ""
                if kind in ("submit", "reset", "url") or listening:
                    does = _BUTTON_DOES.get(kind, _BUTTON_DOES["push"])
                    found.buttons.append((does, element.get(f"{_FORM}label") or "", address))
                listening = False


# --------------------------------------------------------------------------- fonts

# Fonts of pictures, not letters, whose symbols Word keeps as characters U+F020-U+F0FF (its
# Insert › Symbol). LibreOffice recodes the Symbol font's to OpenSymbol, and a w:sym element of
# any of them; a character typed in Wingdings (or Webdings, Wingdings 2 or 3) it prints in the
# font put in its place, which has no such character: an empty box (measured, LibreOffice 7.4).
_SYMBOL_FONTS = frozenset({"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol"})
_RECODED_SYMBOL_FONTS = frozenset({"symbol"})
_SYMBOL_CHARACTERS = range(0xF020, 0xF100)
_SHOWN_SYMBOLS = 6
_SYMBOL_ADVICE = (
    "voeg {them} in Word opnieuw in met Invoegen › Symbool, met het lettertype '(normale tekst)', "
    "of lever de bijlage als PDF aan"
)
_FONT_ADVICE = "laat de beheerder het lettertype installeren, of lever de bijlage als PDF aan"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def _font_warnings(name: str, fonts: list[str], symbols: dict[str, list[str]]) -> list[str]:
    """What is said of the fonts an office annex's text is set in that are not here, and of
    its symbols that print as boxes."""
    from assembler.template_style import font_not_here, fonts_not_here
    from assembler.text_warnings import installed_font_families

    said = f"'{name}' " if name else ""
    found = []
    letters = [font for font in fonts if font.strip().lower() not in _SYMBOL_FONTS]
    for font, substitute in fonts_not_here(letters):
        found.append(
            said
            + f"gebruikt het lettertype '{font}', en dat "
            + font_not_here(font, substitute, "de PDF")
            + f" ({_FONT_ADVICE})"
        )
    installed = installed_font_families() if symbols else None
    for font, characters in symbols.items():
        if installed is None or font.strip().lower() in installed:
            continue  # the symbol font is here (or fontconfig cannot say): it prints its own
        codes = [f"U+{ord(c):04X}" for c in dict.fromkeys(characters)]
        shown = ", ".join(codes[:_SHOWN_SYMBOLS]) + (", …" if len(codes) > _SHOWN_SYMBOLS else "")
        one = len(characters) == 1
        what = "1 symbool" if one else f"{len(characters)} symbolen"
        source = (
            f"in het lettertype '{font}' ({shown}), en dat is niet geïnstalleerd op deze computer"
            if font
            else f"zonder symboollettertype ({shown})"
        )
        box = "staat het als een leeg vakje" if one else "staan ze als lege vakjes"
        advice = _SYMBOL_ADVICE.format(them="het" if one else "ze")
        found.append(said + f"bevat {what} {source}: in de PDF {box} ({advice})")
    return found


def _fonts_used(
    archive: zipfile.ZipFile, suffix: str, unread: list[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """The fonts an office annex's text is set in, and its symbol characters by their font;
    a part that cannot be read is added to ``unread`` (once) and passed over."""
    from lxml import etree

    def passed_over(name: str) -> None:
        if name not in unread:
            unread.append(name)

    def readable(name: str, read: Callable[[], None]) -> None:
        try:
            read()
        except (*_UNREADABLE, NotImplementedError, etree.XMLSyntaxError):
            passed_over(name)

    if suffix == ".docx":
        return _word_fonts(archive, readable)
    if suffix == ".xlsx":
        return _sheet_fonts(archive, readable), {}
    return _odf_fonts(archive, readable), {}


# Runs a part's reading, passing the part over (said) when it cannot be read.
_Reading = Callable[[str, Callable[[], None]], None]


def _word_fonts(
    archive: zipfile.ZipFile, readable: _Reading
) -> tuple[list[str], dict[str, list[str]]]:
    """Read as a stream (a document's body may be tens of MB), its runs let go of once read."""
    from lxml import etree

    from assembler.template_style import Styles, used_fonts

    names = set(archive.namelist())

    def part(name: str) -> etree._Element | None:
        found: list[etree._Element] = []
        if name in names:
            parser = etree.XMLParser(recover=False, huge_tree=True, resolve_entities=False)
            readable(name, lambda: found.append(etree.fromstring(archive.read(name), parser)))
        return found[0] if found else None

    used_styles: set[str] = set()
    # Each distinct w:rFonts once: a report of 100,000 runs names a few fonts.
    run_fonts: dict[tuple[tuple[str, str], ...], etree._Element] = {}
    symbols: dict[str, list[str]] = {}
    styled = (_W + "pStyle", _W + "rStyle", _W + "tblStyle")

    def read_text_part(name: str) -> None:
        with archive.open(name) as stream:
            parsed = etree.iterparse(
                stream,
                events=("end",),
                tag=(_W + "rPr", _W + "r", _W + "p", *styled),
                resolve_entities=False,
                no_network=True,
                huge_tree=True,
            )
            for _event, element in parsed:
                if element.tag in styled:
                    used_styles.add(element.get(_W + "val", ""))
                elif element.tag == _W + "rPr":
                    named = element.find(_W + "rFonts")
                    if named is not None:
                        key = tuple(sorted((str(k), str(v)) for k, v in named.attrib.items()))
                        run_fonts.setdefault(key, copy.deepcopy(element))
                elif element.tag == _W + "r":
                    _symbols_of(element, symbols)
                elif element.tag == _W + "p":
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]

    for name in sorted(names):
        if _WORD_TEXT_PART.fullmatch(name):
            readable(name, partial(read_text_part, name))
    styles = Styles(part("word/styles.xml"))
    fonts = used_fonts(styles, part("word/theme/theme1.xml"), used_styles, run_fonts.values())
    return fonts, symbols


def _symbols_of(run: etree._Element, symbols: dict[str, list[str]]) -> None:
    """Add the run's characters of a symbol font that LibreOffice does not recode."""
    characters = [
        character
        for text in run.iter(_W + "t")
        for character in text.text or ""
        if ord(character) in _SYMBOL_CHARACTERS
    ]
    if not characters:
        return
    named = run.find(f"{_W}rPr/{_W}rFonts")
    font = ""
    if named is not None:
        font = named.get(_W + "ascii") or named.get(_W + "hAnsi") or ""
    if font.strip().lower() not in _RECODED_SYMBOL_FONTS:
        symbols.setdefault(font, []).extend(characters)


def _sheet_fonts(archive: zipfile.ZipFile, readable: _Reading) -> list[str]:
    """The fonts of the cell formats an Excel workbook's cells use, and of its rich text."""
    from lxml import etree

    names = archive.namelist()
    sheets = [name for name in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
    used = {0}  # a cell without a format of its own has the first
    fonts: dict[str, None] = {}

    def read_cells(name: str) -> None:
        with archive.open(name) as stream:
            for cell in _elements(stream, f"{_SHEET_MAIN}c", strict=True):
                if cell.get("s", "").isdigit():
                    used.add(int(cell.get("s", "0")))

    def read_formats() -> None:
        with archive.open("xl/styles.xml") as stream:
            root = etree.parse(stream, etree.XMLParser(resolve_entities=False)).getroot()
        declared = [
            font.find(f"{_SHEET_MAIN}name")
            for font in root.iterfind(f"{_SHEET_MAIN}fonts/{_SHEET_MAIN}font")
        ]
        formats = root.findall(f"{_SHEET_MAIN}cellXfs/{_SHEET_MAIN}xf")
        for index in sorted(used):
            if index < len(formats):
                font_id = formats[index].get("fontId", "0")
                if font_id.isdigit() and int(font_id) < len(declared):
                    named = declared[int(font_id)]
                    if named is not None and named.get("val"):
                        fonts[str(named.get("val"))] = None

    def read_rich_text(name: str) -> None:
        with archive.open(name) as stream:
            for element in _elements(stream, f"{_SHEET_MAIN}rFont", strict=True):
                if element.get("val"):
                    fonts[str(element.get("val"))] = None

    for name in sheets:
        readable(name, partial(read_cells, name))
    if "xl/styles.xml" in names:
        readable("xl/styles.xml", read_formats)
    for name in ["xl/sharedStrings.xml", *sheets]:
        if name in names:
            readable(name, partial(read_rich_text, name))
    return list(fonts)


def _odf_fonts(archive: zipfile.ZipFile, readable: _Reading) -> list[str]:
    """The fonts an ODF document's styles set text in, by their family names."""
    families: dict[str, str] = {}
    named: dict[str, None] = {}

    def read(part: str) -> None:
        with archive.open(part) as stream:
            for element in _elements(stream, None, strict=True):
                if element.tag == f"{_STYLE}font-face":
                    family = (element.get(f"{_SVG}font-family") or "").strip("'\"")
                    families[element.get(f"{_STYLE}name") or ""] = family
                elif element.tag == f"{_STYLE}text-properties":
                    font = element.get(f"{_STYLE}font-name") or ""
                    if font:
                        named[font] = None
                    family = (element.get(f"{_FO}font-family") or "").strip("'\"")
                    if family:
                        named["\0" + family] = None

    parts = set(archive.namelist())
    for part in ("styles.xml", "content.xml"):
        if part in parts:
            readable(part, partial(read, part))
    fonts = [name[1:] if name.startswith("\0") else families.get(name, name) for name in named]
    return [font for font in dict.fromkeys(fonts) if font]

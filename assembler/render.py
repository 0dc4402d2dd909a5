"""Render a document kind's Word template (docxtpl) with a dossier's values into a .docx.

Safety rules, because clerks' text goes into XML through Jinja:

* autoescape in a sandboxed environment with StrictUndefined, so ``&``, ``<`` and
  ``{{ 7*7 }}`` in a value come out literally and a misspelt variable is an error;
* every value's braces are written as XML character references (``&#123;``), so
  after Jinja has run, a ``{{`` or ``{%`` still in the XML can only have come from the
  template itself: a tag that docxtpl could not read. That is checked in every part
  docxtpl renders, and in every other XML part of the package afterwards.

The context holds plain values; :class:`Markdown` and :class:`Image` mark values that
become a Subdoc and an InlineImage once the template is open.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import warnings
import zipfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from docx.image.image import Image as DocxImage
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from assembler.dates import dutch_date, short_date
from assembler.errors import InputRejected, TemplateError, UsageError, megabytes
from assembler.fsutil import atomic_path, read_refused, unreadable
from assembler.markdown import (
    euro_with_its_amount,
    markdown_subdoc,
    numbering_showing,
    restart_numbered_lists,
    xml_safe,
)
from assembler.model import Document, Organisatie, markdown_fields
from assembler.organisation import logo_problem
from assembler.source import load_yaml

__all__ = [
    "DocumentProperties",
    "Image",
    "Markdown",
    "build_context",
    "document_properties",
    "organisation_context",
    "render_document",
    "template_missing",
]

LANGUAGE = "nl-NL"
LOGO_HEIGHT_MM = 12.0
# A wide logo is made lower rather than run off the page: the header's left half.
LOGO_MAX_WIDTH_MM = 80.0
# LibreOffice's PDF export reduces every image to 300 dpi (its default MaxImageResolution),
# again for every document; a logo reduced once here is left alone. 300 dpi is print quality.
PRINT_DPI = 300
# A Jinja code left in a part after rendering: typed where docxtpl does not render (a
# comment, an endnote), or broken by a change of formatting inside it.
_LEFTOVER = re.compile(r"\{\{|\{%")
_MAX_PROPERTY = 255  # python-docx refuses longer core properties
# After a confidential dossier's onderwerp in its documents' titles (at most 200 characters:
# the title stays within the limit above).
CONFIDENTIAL_TITLE_MARK = " (niet openbaar)"


@dataclass(frozen=True)
class Markdown:
    """A context value holding Markdown; rendered as Word paragraphs (a Subdoc)."""

    text: str


@dataclass(frozen=True)
class Image:
    """A context value holding an image file; rendered as an inline picture."""

    path: Path
    height_mm: float = LOGO_HEIGHT_MM
    description: str = ""  # the alternative text: what a screen reader says of it


@dataclass(frozen=True)
class DocumentProperties:
    """Core properties of the output: they become the PDF's title, subject and keywords."""

    title: str
    subject: str
    keywords: str
    date: dt.date
    author: str = ""
    language: str = LANGUAGE
    # The creation and modification time written: SOURCE_DATE_EPOCH when the build has one
    # (as its PDFs and bundles get), the document's date otherwise.
    source_date_epoch: int | None = None


# --------------------------------------------------------------------------- context


def _plain(value: Any) -> Any:
    """Model values as template values: dates in Dutch, enums as their text, lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return dutch_date(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _behandeling_row(row: Mapping[str, Any]) -> dict[str, Any]:
    values = {str(key): _plain(item) for key, item in row.items()}
    when = row.get("datum")
    values["datum"] = short_date(when) if isinstance(when, dt.date) else "Datum"
    return values


def _organisation_line(project_root: Path, field: str) -> str:
    """``dossiers/organisatie.yaml:N``, N the line of ``field``, for a problem found late."""
    display = "dossiers/organisatie.yaml"
    try:
        line = load_yaml(project_root / display, display).line_of((field,))
    except (InputRejected, OSError):
        line = None
    return display if line is None else f"{display}:{line}"


def organisation_context(organisatie: Organisatie, project_root: Path) -> dict[str, Any]:
    """The ``organisatie`` value of every template: ``{naam, logo}`` (logo an Image or None)."""
    logo: Image | None = None
    if organisatie.logo:
        # organisatie.yaml names the logo relative to dossiers/, where it lives.
        path = project_root / "dossiers" / organisatie.logo
        problem = logo_problem(path, organisatie.logo)
        if problem:  # validation says so with its line; this is for callers of the library
            raise UsageError(f"dossiers/organisatie.yaml: logo: {problem}")
        version = _version(path)
        if _pixel_size(str(path), *version) is None and _word_ready(str(path), *version) is None:
            # Word's picture is made lazily, deep in the render: a file neither python-docx
            # nor Pillow can read (damaged) is caught here.
            raise UsageError(
                f"{_organisation_line(project_root, 'logo')}: logo: '{organisatie.logo}' kan "
                "niet in een Word-document worden gezet (sla het logo opnieuw op als PNG-bestand)"
            )
        logo = Image(path, description=f"Logo {organisatie.name}")
        too_large = _unreduced_size(logo, version)
        if too_large:
            raise UsageError(
                f"{_organisation_line(project_root, 'logo')}: logo: '{organisatie.logo}' is "
                f"{too_large}, en assembler kan het niet verkleinen: zo zou het in elk "
                "Word-document komen (sla het logo op als gewone PNG (8 bits per kleur) of JPEG, "
                "van ongeveer 600 pixels hoogte en rechtop, niet gedraaid)"
            )
    return {"naam": organisatie.name, "logo": logo}


def _unreduced_size(logo: Image, version: tuple[int, int]) -> str | None:
    """How large a logo is that would go into every document as it is, at more than
    :data:`_MAX_LOGO_BYTES` ('7500×6000 pixels en 135 MB'); None for any other."""
    if version[1] <= _MAX_LOGO_BYTES:
        return None
    if not isinstance(_print_ready(logo.path, version, _printed_height(logo, version)), str):
        return None  # reduced (or converted) to what it prints with
    said = megabytes(version[1])
    size = _pixel_size(str(logo.path), *version)
    return said if size is None else f"{size[0]}×{size[1]} pixels en {said}"


def build_context(
    document: Document, organisatie: Organisatie, project_root: Path
) -> dict[str, Any]:
    """The template context of a validated dossier: YAML keys, values as the document prints them.

    Works for any document kind: Markdown fields become :class:`Markdown`, dates are
    written in Dutch, ``behandeling`` and ``bijlagen`` get their printed form.
    """
    fields = document.model_dump(by_alias=True)
    markdown = set(markdown_fields(type(document)))
    context: dict[str, Any] = {}
    for key, value in fields.items():
        if key in markdown:
            # An optional text left out stays None here; the template gets empty text (_resolve).
            context[key] = None if value is None else Markdown(str(value))
        elif key == "behandeling":
            context[key] = [_behandeling_row(row) for row in value]
        elif key == "bijlagen":
            context[key] = [
                {"nummer": number, "omschrijving": annex["omschrijving"]}
                for number, annex in enumerate(value, start=1)
            ]
        else:
            context[key] = _plain(value)
    context["niet_openbaar"] = not document.is_public
    context["organisatie"] = organisation_context(organisatie, project_root)
    return context


def document_properties(
    document: Document,
    organisatie: Organisatie,
    overleg: str,
    source_date_epoch: int | None = None,
) -> DocumentProperties:
    """Title, subject and keywords of a dossier's output document (and of its bundle)."""
    kind = type(document).kind or "document"
    return DocumentProperties(
        # A screen reader announces the title on opening: a confidential document says so
        # there too, as the confidential agenda does (its "NIET OPENBAAR" is an artifact).
        title=document.subject + ("" if document.is_public else CONFIDENTIAL_TITLE_MARK),
        # Which meeting it is for; the organisation is the author.
        subject=f"{kind.capitalize()} {overleg}",
        keywords=document.reference,
        date=document.date,
        author=organisatie.name,
        source_date_epoch=source_date_epoch,
    )


# --------------------------------------------------------------------------- Jinja


def _finalize(value: Any) -> Markup:
    """Escape a value for XML and hide its braces from the leftover-tag check."""
    if value is None:
        # An optional field left out is an empty cell, not the word "None" (Jinja's default).
        return Markup("")
    if isinstance(value, str) and not isinstance(value, Markup):
        value = euro_with_its_amount(xml_safe(value))
    markup = str(escape(value))
    # Character references are the same characters to any XML reader, but not to the
    # check for "{{" and "{%" that runs on the rendered XML text.
    return Markup(markup.replace("{", "&#123;").replace("}", "&#125;"))


class _CompilingOnceEnvironment(SandboxedEnvironment):
    """Compiles each template source once: a build renders the same template many times."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) > 64:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


@functools.lru_cache(maxsize=2)
def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    if autoescape:
        return _CompilingOnceEnvironment(
            undefined=StrictUndefined, autoescape=True, finalize=_finalize
        )
    return _CompilingOnceEnvironment(
        undefined=StrictUndefined, autoescape=False, finalize=_none_as_empty
    )


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


def _text_of(xml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", xml)).strip()


def _snippet(xml: str, position: int) -> str:
    # Cut at tag boundaries so no half tag ("w:t>") shows up in the message.
    before = re.sub(r"^[^<]*>", "", xml[max(0, position - 400) : position])
    after = re.sub(r"<[^>]*$", "", xml[position : position + 400])
    return (_text_of(before)[-40:] + _text_of(after)[:60]).strip()


def _paragraph_lines(src_xml: str) -> str:
    """A part as docxtpl hands it to Jinja: a paragraph a line."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)


@functools.lru_cache(maxsize=32)
def _patched(src_xml: str) -> str:
    patched: str = DocxTemplate.patch_xml(None, src_xml)
    return patched


_STRICT = etree.XMLParser(recover=False, huge_tree=True, resolve_entities=False)


class _Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl, with a check of every rendered part and text-only core properties."""

    def __init__(self, path: Path, label: str, source: str | None = None) -> None:
        super().__init__(str(path))
        self.label = label
        self.source = source  # the file whose values are filled in, for a message
        self.rendered_parts: set[str] = set()
        # The text of the paragraph where filling in stopped, and which part it is in.
        self.failed_at: tuple[str, str] | None = None

    def patch_xml(self, src_xml: str) -> str:
        # docxtpl's clean-up of a part depends on the part alone; with one template for
        # every dossier it is the same work each time (a third of docxtpl's share).
        return _patched(src_xml)

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        partname = str(part.partname)
        try:
            xml: str = super().render_xml_part(src_xml, part, context, jinja_env)
        except _RENDER_FAILURES as error:
            self.note_failure(partname, _paragraph_lines(src_xml), error)
            raise
        self.rendered_parts.add(partname.lstrip("/"))
        try:
            # docxtpl reads the result leniently, and a lenient reading of broken markup cuts
            # the document short (no header, footer, or text after the break): refused here.
            etree.fromstring(xml.encode("utf-8"), _STRICT)
        except etree.XMLSyntaxError:
            raise TemplateError(
                f"{self.label}: het ingevulde sjabloon valt uit elkaar in "
                f"{partname.lstrip('/')}: een {{% for %}} of {{% if %}} opent in de ene alinea of "
                "tabelrij en sluit in een andere (schrijf {%p ... %} voor een code op een eigen "
                "regel en {%tr ... %} voor een code in een tabelrij, bij het openen én sluiten)"
            ) from None
        match = _LEFTOVER.search(xml)
        if match:
            raise TemplateError(
                f"{self.label}: sjabloon bevat een code die niet is verwerkt: "
                f"'{_snippet(xml, match.start())}' in {partname.lstrip('/')} "
                "(typ de code opnieuw als één geheel, zonder opmaakwissel erin)"
            )
        return xml

    def note_failure(self, partname: str, source: str, error: Exception) -> None:
        """Keep the paragraph of ``source`` (a part as Jinja got it) where ``error`` stopped
        filling it in, for the message."""
        line = _template_line(error)
        if line is not None and not isinstance(error, TemplateSyntaxError):
            # docxtpl gives Jinja one paragraph a line: the paragraph that failed.
            paragraphs = source.splitlines()
            if 0 < line <= len(paragraphs):
                self.failed_at = (partname.lstrip("/"), _text_of(paragraphs[line - 1]))

    def render_properties(self, context: Any, jinja_env: Any = None) -> None:
        # Core properties are plain text: escaping them for XML here would escape twice.
        super().render_properties(context, _environment(autoescape=False))


def _resolve(value: Any, template: _Template) -> Any:
    if value is None:
        # An optional value left out is empty text to the template, also through a filter or
        # method: Jinja's finalize sees only the final value, and {{ x|upper }} printed "NONE".
        # {% if x %} holds for neither; {% if x is none %} never holds.
        return ""
    if isinstance(value, Markdown):
        return markdown_subdoc(template, value.text)
    if isinstance(value, Image):
        try:
            version = _version(value.path)
            height = _printed_height(value, version)
            source = _print_ready(value.path, version, height)
            return _Picture(template, source, height=Mm(height), description=value.description)
        except OSError:  # gone since the context was made (python-docx reads it later)
            raise UsageError(
                f"{value.path}: is geen bruikbare afbeelding (gebruik een PNG- of JPEG-bestand)"
            ) from None
    if isinstance(value, Mapping):
        return {key: _resolve(item, template) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, template) for item in value]
    return value


class _Picture(InlineImage):  # type: ignore[misc]  # docxtpl has no type hints
    """An inline picture as Word places one: flush with the text, and with alternative text.

    python-docx leaves out the picture's distances to the text, and LibreOffice then takes a
    floating picture's (3.2 mm on either side): the logo stood in from the margin.
    """

    def __init__(self, template: Any, source: Any, *, height: Any, description: str) -> None:
        super().__init__(template, source, height=height)
        self.description = description

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(
            self.image_descriptor, self.width, self.height
        )
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")
        if self.description:
            inline.docPr.set("descr", self.description)
        return (
            f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">'
        )


def _print_ready(path: Path, version: tuple[int, int], height_mm: float) -> str | io.BytesIO:
    """The image at ``path`` as it is, reduced to :data:`PRINT_DPI` at its printed height, or
    converted to a PNG when python-docx cannot read it."""
    reduced = _reduced_image(str(path), *version, height_mm)
    if reduced is not None:
        return io.BytesIO(reduced)
    if _pixel_size(str(path), *version) is None:
        converted = _word_ready(str(path), *version)
        if converted is not None:
            return io.BytesIO(converted)
    return str(path)


def _converted_size(path: str, mtime_ns: int, size: int) -> tuple[int, int] | None:
    """Width and height in pixels of the PNG :func:`_word_ready` makes, if it makes one."""
    from PIL import Image as Picture

    converted = _word_ready(path, mtime_ns, size)
    if converted is None:
        return None
    with Picture.open(io.BytesIO(converted)) as picture:
        width, height = picture.size
    return width, height


@functools.lru_cache(maxsize=8)
def _word_ready(path: str, _mtime_ns: int, _size: int) -> bytes | None:
    """A PNG of an image python-docx cannot read, or None when Pillow cannot read it either.

    Designers hand over logos as CMYK JPEGs, which carry no JFIF or Exif header, and python-
    docx (and so Word's picture) knows no other JPEG. Their colours go to sRGB through the
    file's own colour profile where it has one.
    """
    from PIL import Image as Picture

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Picture.DecompressionBombWarning)
            with Picture.open(path) as opened:
                pixels = opened.width * opened.height
                if opened.format == "JPEG" and pixels > _MAX_LOGO_PIXELS:
                    # Decoded at a fraction of its size, under the limit (see _reduced_image).
                    half = 2 * math.sqrt(pixels / _MAX_LOGO_PIXELS)
                    opened.draft(opened.mode, (int(opened.width / half), int(opened.height / half)))
                if opened.width * opened.height > _MAX_LOGO_PIXELS:
                    return None
                picture = _in_rgb(opened)
                written = io.BytesIO()
                picture.save(written, "PNG", dpi=opened.info.get("dpi", (PRINT_DPI, PRINT_DPI)))
    except Exception:  # Pillow raises many kinds for a file it cannot read
        return None
    return written.getvalue()


def _in_rgb(picture: Any) -> Any:
    """``picture`` in RGB or RGBA (CMYK through its colour profile, when it has one)."""
    from PIL import ImageCms

    if picture.mode == "CMYK" and "icc_profile" in picture.info:
        with suppress(Exception):  # a damaged profile: the plain conversion below
            return ImageCms.profileToProfile(
                picture,
                ImageCms.ImageCmsProfile(io.BytesIO(picture.info["icc_profile"])),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
    alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    return picture.convert("RGBA" if alpha else "RGB")


def _version(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=8)
def _pixel_size(path: str, _mtime_ns: int, _size: int) -> tuple[int, int] | None:
    """Width and height in pixels as python-docx, which puts the picture into Word, reads
    them; None when it cannot read the file."""
    try:
        image = DocxImage.from_file(path)
    except Exception:  # python-docx raises many kinds for a damaged image
        return None
    return int(image.px_width), int(image.px_height)


def _printed_height(image: Image, version: tuple[int, int]) -> float:
    """The logo's height in mm: its own, or lower for a logo wider than the maximum."""
    size = _pixel_size(str(image.path), *version) or _converted_size(str(image.path), *version)
    if size is None or min(size) <= 0:
        return image.height_mm
    width = image.height_mm * size[0] / size[1]
    if width <= LOGO_MAX_WIDTH_MM:
        return image.height_mm
    return LOGO_MAX_WIDTH_MM * size[1] / size[0]


@functools.lru_cache(maxsize=8)
def _reduced_image(path: str, _mtime_ns: int, _size: int, height_mm: float) -> bytes | None:
    """A PNG or JPEG with more pixels than it prints with, reduced; None: use it as it is.

    Cached per file version in each rendering process: a build renders the same logo into
    every document. Only a speed-up and a smaller file: whatever is unusual about the image
    (other modes, unequal dpi, a rotated JPEG, a huge or broken file) leaves it as it is.
    """
    from PIL import Image as Picture

    wanted = max(1, math.floor(height_mm / 25.4 * PRINT_DPI))
    try:
        with warnings.catch_warnings():
            # Pillow warns about (and refuses) images it finds too large to decode safely.
            warnings.simplefilter("ignore", Picture.DecompressionBombWarning)
            with Picture.open(path) as opened:
                picture: Picture.Image = opened
                if picture.format == "JPEG" and picture.width * picture.height > _MAX_LOGO_PIXELS:
                    # A photo-sized JPEG is decoded at a half, a quarter or an eighth of its
                    # size, still above what it prints with: it is reduced, not left at tens
                    # of MB in every document.
                    width = math.ceil(picture.width * wanted / max(picture.height, 1))
                    picture.draft(picture.mode, (width, wanted))
                if not _reducible(picture, wanted):
                    return None
                kind = picture.format
                extra: dict[str, Any] = {"dpi": (PRINT_DPI, PRINT_DPI)}
                if picture.mode == "CMYK":
                    # python-docx reads no CMYK JPEG (no JFIF header): to sRGB, as Word shows it.
                    picture = _in_rgb(picture)
                elif "icc_profile" in picture.info:
                    extra["icc_profile"] = picture.info["icc_profile"]
                if kind == "JPEG":
                    extra.update(quality=95, subsampling=0)  # 4:2:0 would blur coloured text
                if picture.mode in ("P", "PA", "1") or "transparency" in picture.info:
                    # Resampling a palette keeps hard edges, and a key colour's smoothed edge
                    # would become opaque: both go to full colour with alpha first.
                    alpha = "transparency" in picture.info or picture.mode == "PA"
                    grey = picture.mode in ("L", "1")
                    picture = picture.convert(
                        ("LA" if grey else "RGBA") if alpha else ("L" if grey else "RGB")
                    )
                width = max(1, round(picture.width * wanted / picture.height))
                reduced = picture.resize((width, wanted), Picture.Resampling.LANCZOS)
                written = io.BytesIO()
                reduced.save(written, kind, **extra)
    except Exception:  # Pillow raises many kinds; python-docx says what is wrong with the file
        return None
    return written.getvalue()


def _reducible(picture: Any, wanted: int) -> bool:
    if picture.format not in ("PNG", "JPEG") or picture.height <= wanted:
        return False
    if picture.mode not in ("RGB", "RGBA", "L", "LA", "CMYK", "P", "PA", "1"):
        return False  # 16-bit and float images: a plain conversion would clip them
    if picture.width * picture.height > _MAX_LOGO_PIXELS:
        return False
    dpi = picture.info.get("dpi")
    if dpi and abs(float(dpi[0]) - float(dpi[1])) > 0.5:
        return False  # printed with other proportions than its pixels have
    # A rotated JPEG prints its stored width as its height.
    return bool(picture.getexif().get(_EXIF_ORIENTATION, 1) == 1)


# Above this a reduction would hold hundreds of MB in every rendering process.
_MAX_LOGO_PIXELS = 40_000_000
# A logo that cannot be reduced (over the limit above, 16-bit, ...) goes into every Word file
# as it is; above this it is refused rather than making each one that much larger.
_MAX_LOGO_BYTES = 2_000_000
_EXIF_ORIENTATION = 0x0112


def _find_tag(template: _Template, name: str, *, wanted: str = "") -> str:
    """The first template tag that mentions ``name``, for a message; one that also matches
    the pattern ``wanted`` first."""
    # A fresh copy: a failed render may have replaced parts of the one in hand.
    fresh = DocxTemplate(template.template_file)
    fresh.init_docx()
    texts = [_text_of(fresh.get_xml())]
    for uri in (fresh.HEADER_URI, fresh.FOOTER_URI):
        for _key, part in fresh.get_headers_footers(uri):
            texts.append(_text_of(fresh.get_part_xml(part)))
    pattern = re.compile(r"\{[{%][^{}%]*\b" + re.escape(name) + r"\b[^{}%]*[}%]\}")
    found = [match.group(0) for text in texts for match in pattern.finditer(text)]
    return next((tag for tag in found if re.search(wanted, tag)), found[0] if found else name)


_SYNTAX_MESSAGES = (
    (
        r"Unexpected end of template.*'(\w+)'\.?",
        "het sjabloon houdt op terwijl {{% {0} %}} nog open staat "
        "(sluit het af zoals het begint: met {{% end{0} %}} in dezelfde alinea, {{%p end{0} %}} "
        "op een eigen regel of {{%tr end{0} %}} in een tabelrij)",
    ),
    (
        r"Encountered unknown tag '(\w+)'.*'(\w+)'\.?",
        "{{% {0} %}} staat hier verkeerd: eerst moet {{% {1} %}} gesloten worden "
        "(zet {{% end{1} %}} ervoor of haal {{% {0} %}} weg)",
    ),
    # A closing or else with nothing open: its if or for was taken out with what it held.
    (
        r"Encountered unknown tag 'end(\w+)'\.?",
        "{{% end{0} %}} zonder {{% {0} %}} ervoor (haal {{% end{0} %}} weg, of zet de "
        "{{% {0} … %}} terug waar hij bij hoort)",
    ),
    (
        r"Encountered unknown tag '(else|elif)'\.?",
        "{{% {0} %}} zonder {{% if %}} ervoor (haal {{% {0} %}} weg, of zet de {{% if … %}} "
        "terug waar hij bij hoort)",
    ),
    (
        r"Encountered unknown tag '(\w+)'.*",
        "onbekende code {{% {0} %}} (gebruik alleen if, for en de velden van het sjabloon)",
    ),
    (
        r"(?:unexpected|Expected an expression, got) "
        r"'(?:end of print statement|end of statement block)'",
        "de code houdt halverwege op (maak de code af of haal hem weg)",
    ),
    (
        r"Expected an expression, got '(.+)'",
        "'{0}' staat waar een veld of waarde hoort (controleer spelling en leestekens)",
    ),
    (
        r"unexpected '(.+?)', expected '(.+?)'",
        "'{0}' staat waar '{1}' hoort (sluit elke ( en [ af met ) en ])",
    ),
    (
        r"unexpected char (['\"])(.)\1 at \d+",
        "het teken {1} hoort niet in de code (zet een tekst tussen twee rechte "
        "aanhalingstekens, en controleer de leestekens)",
    ),
    (
        r"unexpected '(.+)'",
        "onverwacht '{0}' in de code (sluit elke {{{{ af met }}}} en elke {{% af met %}})",
    ),
    (
        r"expected token '(?:end of print statement|end of statement block)', got '(.+)'",
        "'{0}' hoort niet in deze code (controleer spelling en leestekens)",
    ),
    (
        r"expected token 'name', got '(?:end of print statement|end of statement block)'",
        "de code houdt halverwege op (maak de code af of haal hem weg)",
    ),
    (
        r"expected token '(.+?)', got '(.+)'",
        "'{1}' staat waar '{0}' hoort (controleer spelling en leestekens)",
    ),
    (
        r"Missing end of raw directive",
        "{{% raw %}} wordt niet afgesloten (zet {{% endraw %}} erachter, of haal {{% raw %}} weg)",
    ),
    (
        r"Missing end of comment tag",
        "{{# wordt niet afgesloten (zet #}} erachter, of haal {{# weg)",
    ),
    (
        r"tag name expected",
        "na {{% hoort de naam van een code, zoals if of for (maak de code af of haal hem weg)",
    ),
    (
        r"can't assign to '.+'",
        "links in {{% set %}} hoort een naam (schrijf {{% set naam = … %}})",
    ),
    (
        r"No filter named '(.+?)'.*",
        "het filter '{0}' bestaat niet (controleer de spelling of haal |{0} weg)",
    ),
    (
        r"No test named '(.+?)'.*",
        "de toets 'is {0}' bestaat niet (controleer de spelling of haal hem weg)",
    ),
)
# Jinja's names of the tokens it expected or found, as the template shows them.
_TOKEN_WORDS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "het einde van het sjabloon",
    "name": "een naam",
    "integer": "een getal",
    "float": "een getal",
    "string": "een tekst",
}
_GENERAL_FIX = "(controleer de {{ }}- en {% %}-codes op die plek)"


def _template_line(error: BaseException) -> int | None:
    """The template line a rendering error was raised at: Jinja rewrites the traceback so
    that a template's own frames carry its line numbers."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


_PLACES = {
    "word/document.xml": "",
    "word/header": "in de koptekst: ",
    "word/footer": "in de voettekst: ",
}


# What template code can raise while it runs, as Python does for {{ datum + 1 }} or
# {{ 1/0 }}; the sandbox's too-long range is an OverflowError. Caught only when the error
# passed through the template's own code (a "<template>" frame), so that a failure of
# assembler itself still shows as one.
_CODE_FAILURES: tuple[type[Exception], ...] = (
    ArithmeticError,
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    RecursionError,
    AssertionError,  # Jinja's own checks of a filter's arguments: {{ x|truncate(2) }}
)
_RENDER_FAILURES: tuple[type[Exception], ...] = (JinjaTemplateError, *_CODE_FAILURES)


def _code_failure_in_dutch(error: Exception) -> str:
    """What a code that failed while running did, in a clerk's words."""
    text = str(error)
    if isinstance(error, ZeroDivisionError):
        return "de code deelt door nul"
    if isinstance(error, OverflowError) and "range" in text.lower():
        return "de code maakt een te lange reeks (range)"
    if isinstance(error, TypeError) and re.search(r"concatenate|unsupported operand", text):
        return "de code rekent met waarden die niet samengaan, zoals tekst en een getal"
    if isinstance(error, TypeError) and "format" in text:
        return "de code vult een waarde in een opmaak in die er niet bij past"
    if isinstance(error, RecursionError):
        return "de code roept zichzelf steeds opnieuw aan"
    if isinstance(error, AssertionError):
        return "een filter in de code krijgt een waarde die het niet aanneemt"
    if isinstance(error, TypeError) and "not reversible" in text:
        # |map, |select and the like give a stream, which |last cannot read from its end.
        return "|last kan niet direct na |map, |select of |reject: zet er |list voor"
    return "de code kan voor deze waarden niet worden uitgevoerd"


def _code_failed(template: _Template, error: Exception) -> TemplateError:
    """A code that ran and failed ({{ datum + 1 }}): which code, for which dossier, and why."""
    paragraph = template.failed_at[1] if template.failed_at else ""
    codes = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", paragraph)
    at = " ".join(codes) if codes else paragraph
    where = f"{at[:160]}: " if at else ""
    whose = f", bij het invullen van {template.source}" if template.source else ""
    return TemplateError(
        f"{template.label}: {_failed_where(template)}{where}{_code_failure_in_dutch(error)}"
        f"{whose} (verbeter de code of haal hem weg)"
    )


def _missing_row(template: _Template, index: int) -> TemplateError:
    """A code with a fixed place in a list ({{ voorstel[1] }}, {{ behandeling[-1] }}) filled
    in for a dossier whose list is shorter: the dossier is named, and the code."""
    place = rf"\[\s*{index}\s*\]" + (rf"|\.{index}\b" if index >= 0 else "")
    paragraph = template.failed_at[1] if template.failed_at else ""
    codes = [
        (tag, found.group(1))
        for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", paragraph)
        if (found := re.search(rf"([A-Za-z_][\w.]*?)\s*(?:{place})", tag))
    ]
    whose = f"{template.source} heeft" if template.source else "het dossier heeft"
    if len(codes) != 1:
        # Not known which of the codes, or where: said by the paragraph, as the clerk sees it.
        at = f"bij '{paragraph[:80]}'" if paragraph else f"met [{index}]"
        return TemplateError(
            f"{template.label}: {_failed_where(template)}een code {at}: {whose} minder rijen "
            f"dan de code [{index}] vraagt (de code telt vanaf 0: [1] is de 2e rij, [-1] de "
            "laatste; gebruik {% for %}, of zet een {% if %} om de code)"
        )
    tag, rows = codes[0]
    if index < 0:
        what, guard = f"geen rijen in '{rows}'", f"{{% if {rows} %}}"
    else:
        what, guard = f"geen {index + 1}e rij in '{rows}'", f"{{% if {rows}|length > {index} %}}"
    counted = (
        f"[{index}] is de {-index}e rij van achteren"
        if index < 0
        else f"de code telt vanaf 0: [{index}] is de {index + 1}e rij"
    )
    return TemplateError(
        f"{template.label}: {_failed_where(template)}{tag}: {whose} {what} ({counted}; gebruik "
        f"{{% for %}}, of zet {guard} eromheen)"
    )


# Jinja's hint for |first, |last, |random, |min or |max of an empty list.
_EMPTY_LIST = re.compile(r"No (first|last|random|aggregated) item, sequence was empty\.?")
# Each hint's filters, and what they take from the list.
_EMPTY_FILTERS = {
    "first": ("first", "de eerste rij"),
    "last": ("last", "de laatste rij"),
    "random": ("random", "een willekeurige rij"),
    "aggregated": ("min|max", "de kleinste of grootste waarde"),
}


def _empty_list(template: _Template, which: str) -> TemplateError:
    """|first (or |last, |min…) of a list the dossier left empty: the dossier and the code are
    named, as for {{ voorstel[1] }}, not Jinja's hint as if it were a field."""
    filters, taken = _EMPTY_FILTERS[which]
    paragraph = template.failed_at[1] if template.failed_at else ""
    codes = [
        (tag, found.group(1), found.group(2))
        for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", paragraph)
        if (found := re.search(rf"([A-Za-z_][\w.]*)\s*\|\s*({filters})\b", tag))
    ]
    whose = f"{template.source} heeft" if template.source else "het dossier heeft"
    if len(codes) != 1:
        at = f"bij '{paragraph[:80]}'" if paragraph else "met een lijst"
        return TemplateError(
            f"{template.label}: {_failed_where(template)}een code {at}: {whose} een lege lijst "
            f"waar de code {taken} uit neemt (zet een {{% if %}} om de code, die test of de "
            "lijst rijen heeft)"
        )
    tag, rows, used = codes[0]
    return TemplateError(
        f"{template.label}: {_failed_where(template)}{tag}: {whose} geen rijen in '{rows}' "
        f"(|{used} neemt {taken}; gebruik {{% for %}}, of zet {{% if {rows} %}} eromheen)"
    )


def _failed_where(template: _Template) -> str:
    """'in de voettekst: ' for a failure in a footer, as the template check says it."""
    if template.failed_at is None:
        return ""
    part = template.failed_at[0]
    return next((said for name, said in _PLACES.items() if part.startswith(name)), "")


def jinja_message_in_dutch(message: str) -> str:
    """Jinja's English syntax messages as a clerk reads them, with what to fix."""
    for pattern, dutch in _SYNTAX_MESSAGES:
        match = re.fullmatch(pattern, message.strip(), re.DOTALL)
        if match:
            return dutch.format(*(_TOKEN_WORDS.get(group, group) for group in match.groups()))
    # Jinja's own words are English: a clerk gets where, and what to look at.
    return f"de code is niet goed opgebouwd {_GENERAL_FIX}"


def _jinja_problem(template: _Template, error: JinjaTemplateError) -> TemplateError:
    label = template.label
    if isinstance(error, TemplateSyntaxError):
        # docxtpl attaches the text of the paragraphs around the error: from 3 lines
        # before the failing one (one paragraph per line).
        lines = [line.strip() for line in getattr(error, "docx_context", []) or []]
        at = min(max(error.lineno - 1, 0), 3)
        snippet = lines[at] if at < len(lines) and lines[at] else " ".join(filter(None, lines))
        return TemplateError(
            f"{label}: fout in de sjablooncode bij '{snippet[:160]}': "
            f"{jinja_message_in_dutch(error.message or '')}"
        )
    if isinstance(error, UndefinedError):
        message = error.message or ""
        element = re.fullmatch(r"\w+ object has no element (-?\d+)", message)
        if element:
            return _missing_row(template, int(element.group(1)))
        empty = _EMPTY_LIST.fullmatch(message.strip())
        if empty:
            return _empty_list(template, empty.group(1))
        found = re.search(r"'([^']+)' is undefined", message) or re.search(
            r"has no attribute '([^']+)'", message
        )
        if not found:
            # Another of Jinja's hints, not a field's name: said as a code that failed.
            return _code_failed(template, error)
        name = found.group(1)
        # |attr("x") reads an attribute, never a field: a row and the organisation are fields.
        read = rf"\|\s*attr\(\s*[\"']{re.escape(name)}[\"']\s*\)"
        tag = _find_tag(template, name, wanted=read)
        if re.search(read, tag):
            return TemplateError(
                f"{label}: '{tag}': |attr(\"{name}\") leest geen veld (schrijf .{name}, zoals "
                f"{{{{ rij.{name} }}}}, of haal de code weg)"
            )
        return TemplateError(
            f"{label}: het sjabloon gebruikt '{name}', maar dat veld bestaat niet: "
            f"'{tag}' (controleer de spelling of haal de code weg)"
        )
    if isinstance(error, SecurityError):
        found = re.search(r"attribute '([^']+)'", str(error))
        what = f"'{found.group(1)}'" if found else "code"
        return TemplateError(
            f"{label}: het sjabloon gebruikt {what}, en dat is niet toegestaan "
            "(gebruik alleen velden, if en for)"
        )
    return _code_failed(template, error)


# --------------------------------------------------------------------------- output


def _timestamp(properties: DocumentProperties) -> dt.datetime:
    if properties.source_date_epoch is not None:
        return dt.datetime.fromtimestamp(properties.source_date_epoch, tz=dt.UTC)
    return dt.datetime.combine(properties.date, dt.time(0, 0), tzinfo=dt.UTC)


# Comments (and the people who wrote them) in a template: an editor's notes, not the document's.
_COMMENT_RELATIONS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible")
_COMMENT_MARKS = ("commentRangeStart", "commentRangeEnd", "commentReference")


def _drop_comments(template: _Template) -> None:
    """Leave the template's comments out of the document: they would be published with it,
    and LibreOffice's conversion through UNO stops on a document that has them."""
    part = template.docx.part
    for r_id, relation in list(part.rels.items()):
        if relation.reltype.endswith(_COMMENT_RELATIONS) or relation.reltype.endswith("/people"):
            part.drop_rel(r_id)
    body = template.docx.element
    marks = [mark for name in _COMMENT_MARKS for mark in body.iter(qn(f"w:{name}"))]
    for mark in marks:
        holder = mark.getparent()
        if holder is None:
            continue
        holder.remove(mark)
        # A reference stands in a run of its own (with its style): the empty run goes too.
        if holder.tag == qn("w:r") and all(child.tag == qn("w:rPr") for child in holder):
            outer = holder.getparent()
            if outer is not None:
                outer.remove(holder)


def _set_properties(template: _Template, properties: DocumentProperties) -> None:
    core = template.docx.core_properties  # get_docx() would reload the unrendered template
    stamp = _timestamp(properties).replace(tzinfo=None)
    core.title = xml_safe(properties.title)[:_MAX_PROPERTY]
    core.subject = xml_safe(properties.subject)[:_MAX_PROPERTY]
    core.keywords = xml_safe(properties.keywords)[:_MAX_PROPERTY]
    core.language = properties.language
    core.author = xml_safe(properties.author)[:_MAX_PROPERTY]
    core.last_modified_by = ""
    core.revision = 1
    core.created = stamp
    core.modified = stamp
    # What the template's own properties say (Opmerkingen, Categorie, a status, an id) is
    # the house style's, often another item's: it would travel in every Word file, public too.
    core.comments = ""
    core.category = ""
    core.content_status = ""
    core.identifier = ""
    core.version = ""
    # python-docx sets no empty date: the element goes.
    for printed in core._element.findall(qn("cp:lastPrinted")):
        core._element.remove(printed)
    _clear_template_properties(template)


# The extended properties (docProps/app.xml) that are text a person typed or a path:
# emptied. The rest (counts, the application's name) says nothing of the template's maker.
_APP_TEXTS = ("Template", "Manager", "Company", "HyperlinkBase")
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _clear_template_properties(template: _Template) -> None:
    """Leave out the template's custom properties (docProps/custom.xml) and empty the text
    of its extended ones, the titles of its parts among them."""
    package = template.docx.part.package
    for r_id, relation in list(package.rels.items()):
        if relation.reltype == _RELATIONSHIPS + "custom-properties":
            package.rels.pop(r_id)
        elif relation.reltype == _RELATIONSHIPS + "extended-properties":
            part = relation.target_part
            try:
                root = etree.fromstring(part.blob, _STRICT)
            except etree.XMLSyntaxError:
                package.rels.pop(r_id)  # unreadable: left out rather than copied
                continue
            namespace = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
            for name in _APP_TEXTS:
                for element in root.iter(namespace + name):
                    element.text = None
            for vector in root.iter(namespace + "TitlesOfParts"):
                for text in vector.iter():
                    if not len(text):
                        text.text = None
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )


def _check_other_parts(package: bytes, template: _Template) -> None:
    """Refuse tags in XML parts docxtpl does not render (comments, endnotes...): they would
    be printed as typed."""
    skip = template.rendered_parts | {"docProps/core.xml"}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in archive.namelist():
            if name in skip or not name.endswith((".xml", ".rels")):
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            match = _LEFTOVER.search(xml)
            if match:
                raise TemplateError(
                    f"{template.label}: sjabloon bevat een code op een plek die niet wordt "
                    f"ingevuld: '{_snippet(xml, match.start())}' in {name} "
                    "(zet de code in de tekst, de kop- of de voettekst)"
                )


def _normalised_zip(package: bytes, stamp: dt.datetime) -> bytes:
    """The same package with fixed entry times, so equal inputs give equal bytes."""
    date_time = max(stamp, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def template_unread(template: Path) -> str | None:
    """Why the template file cannot be read (no rights), or None: not 'no .docx' for that."""
    error = read_refused(template)
    return None if error is None else f"kan niet gelezen worden: {unreadable(error)}"


def template_missing(template: Path) -> str:
    """What to say of a template that is not there: 'bestaat niet', and what to do."""
    with suppress(OSError):
        for other in sorted(template.parent.iterdir()):
            if other.name.lower() == template.name.lower() and other.is_file():
                # Renamed in the Explorer, where 'Voorstel.docx' is the same name.
                return (
                    f"bestaat niet, '{other.name}' wel: hoofdletters en kleine letters tellen "
                    f"mee (noem het bestand {template.name})"
                )
    # No command makes a template: the ones assembler comes with are copied.
    return (
        "bestaat niet (kopieer het uit de map templates/ die bij assembler hoort; had u er "
        "een eigen versie van, zet die dan terug uit een reservekopie)"
    )


def _open(template: Path, label: str, source: str | None = None) -> _Template:
    if not template.is_file():
        raise TemplateError(f"{label}: sjabloon {template_missing(template)}")
    unread = template_unread(template)
    if unread is not None:
        raise TemplateError(f"{label}: {unread}")
    document = _Template(template, label, source)
    try:
        document.init_docx()
    except Exception:  # any failure to open means: not a usable .docx
        raise TemplateError(
            f"{label}: is geen Word-document (.docx) (sla het sjabloon in Word op als .docx)"
        ) from None
    return document


# A heading that starts with its number typed: "100.", a tab, the title.
_TYPED_NUMBER = re.compile(r"\d+\.\t")


def widen_numbered_headings(document: Any) -> None:
    """Make room for a number of three digits in each paragraph of ``document`` that starts
    with a typed number, a period and a tab over a hanging indent (an agenda item's heading).

    A template's hanging indent holds "99." (the default one's 7 mm); "100." is about a third
    wider, and ran past it to the next tab stop, its title out of line with the others. Only
    an agenda of 100 items or more is widened, by a third (a title in line after "100." as
    after "99."): a shorter one keeps its layout, and the agendas published with it.
    """
    for p_pr in document.element.body.iter(qn("w:pPr")):
        paragraph = p_pr.getparent()
        ind = p_pr.find(qn("w:ind"))
        if ind is None or not _TYPED_NUMBER.match(_text_with_tabs(paragraph)):
            continue
        hanging = _twips(ind.get(qn("w:hanging")))
        # Word 2010 and later may write w:start for w:left.
        side = (
            qn("w:start")
            if ind.get(qn("w:left")) is None and ind.get(qn("w:start"))
            else qn("w:left")
        )
        left = _twips(ind.get(side))
        if hanging <= 0:
            continue
        extra = -(-hanging // 3)
        ind.set(side, str(left + extra))
        ind.set(qn("w:hanging"), str(hanging + extra))
        # The tab stop the title starts at (where the hanging indent ends) moves along.
        for tab in p_pr.iterfind(f"{qn('w:tabs')}/{qn('w:tab')}"):
            if _twips(tab.get(qn("w:pos"))) == left and tab.get(qn("w:val")) != "clear":
                tab.set(qn("w:pos"), str(left + extra))


def _text_with_tabs(paragraph: Any) -> str:
    """A paragraph's text with its tabs as ``\t`` (as far as the first tab is needed)."""
    parts: list[str] = []
    for element in paragraph.iter(qn("w:t"), qn("w:tab")):
        if element.tag == qn("w:tab"):
            if element.getparent().tag == qn("w:tabs"):
                continue  # a tab stop, not a tab
            parts.append("\t")
            break
        parts.append(element.text or "")
    return "".join(parts)


def _twips(value: str | None) -> int:
    """An indent or tab position in twips; 0 for none or what is not a whole number."""
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def render_document(
    template: Path,
    context: Mapping[str, object],
    output: Path,
    properties: DocumentProperties,
    *,
    label: str | None = None,
    restart_lists: str | None = None,
    source: str | None = None,
    wide_numbers: bool = False,
) -> Path:
    """Render ``template`` with ``context`` into ``output`` (atomically) and return ``output``.

    ``label`` is how messages name the template (default: the path as given), ``source``
    the file whose values fill it in (a dossier.yaml), for a code that fails for it alone.
    ``restart_lists``: the name of a value (the agenda's ``besluit``) whose numbered template
    paragraphs count from 1 in each run of them (the agenda's decisions are one numbered
    paragraph in a loop in the loop over the items); other lists count on as Word counts.
    ``wide_numbers``: the agenda of 100 items or more, whose item headings make room for
    three digits (see widen_numbered_headings).
    Raises TemplateError for a missing, broken or non-docx template.
    """
    name = label or str(template)
    document = _open(Path(template), name, source)
    values = _resolve(dict(context), document)
    restarted = numbering_showing(document.docx, restart_lists) if restart_lists else set()
    try:
        document.render(values, jinja_env=_environment(autoescape=True), autoescape=True)
    except JinjaTemplateError as error:
        raise _jinja_problem(document, error) from None
    except _CODE_FAILURES as error:
        if _template_line(error) is None:
            raise  # not the template's code: assembler's own failure, shown as one
        raise _code_failed(document, error) from None
    except etree.XMLSyntaxError:
        raise TemplateError(
            f"{name}: het ingevulde sjabloon is geen geldige Word-opmaak (controleer of elke "
            "{%p %}-, {%tr %}- en {%r %}-code een eigen alinea of rij heeft)"
        ) from None
    if restarted:
        restart_numbered_lists(document.docx, restarted)
    if wide_numbers:
        widen_numbered_headings(document.docx)
    _set_properties(document, properties)
    _drop_comments(document)
    buffer = io.BytesIO()
    document.save(buffer)
    package = buffer.getvalue()
    _check_other_parts(package, document)
    package = _normalised_zip(package, _timestamp(properties))
    with atomic_path(Path(output)) as temp:
        temp.write_bytes(package)
    return Path(output)


# --------------------------------------------------------------------------- trial


class _StandIn:
    """A Markdown text or a picture in a trial: what it prints is left out, as the XML a
    build puts there is whole paragraphs or runs of its own (see :class:`TemplateTrial`)."""

    def __html__(self) -> str:
        return ""

    def __str__(self) -> str:
        return ""


def _stand_ins(value: Any) -> Any:
    """``value`` as :func:`_resolve` gives it to Jinja, but for a stand-in where a build makes
    a Word subdocument or a picture: those cost most of a render and print no code's result."""
    if value is None:
        return ""
    if isinstance(value, Markdown | Image):
        return _StandIn()
    if isinstance(value, Mapping):
        return {key: _stand_ins(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stand_ins(item) for item in value]
    return value


class TemplateTrial:
    """A template's code filled in with one dossier's values after another, in memory.

    What ``assembler check`` asks of each chosen dossier: a code that runs and fails only for
    some values (``{{ datum + 1 }}``, ``{{ voorstel[1] }}``) is found by no look at the
    template itself, only by filling it in. Each part's code runs as :func:`render_document`
    runs it (the same environment and values) and a failure is said in its words. Nothing
    else of a render is done: no subdocument or picture is made (a stand-in prints nothing in
    their place), the filled-in XML is not put back together or looked at (what could be
    wrong there, the template check finds in the template), nothing is written or converted.
    """

    def __init__(self, template: Path, label: str) -> None:
        """Open ``template`` (raises TemplateError as :func:`render_document` does)."""
        self.document = document = _open(template, label)
        # In the order docxtpl's render fills them in: body, headers, footers, properties,
        # footnotes; each as Jinja gets it, compiled once.
        parts = [("word/document.xml", document.get_xml())]
        for uri in (document.HEADER_URI, document.FOOTER_URI):
            for _key, part in document.get_headers_footers(uri):
                parts.append((str(part.partname), document.get_part_xml(part)))
        self.sources = [(name, _paragraph_lines(document.patch_xml(xml))) for name, xml in parts]
        core = document.docx.core_properties
        self.properties = [getattr(core, name) or "" for name in _TRIED_PROPERTIES]
        self.footnotes: list[tuple[str, str]] = []
        for part in document.docx.part.package.parts:
            if part.content_type == _FOOTNOTES_TYPE:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                source = _paragraph_lines(document.patch_xml(blob))
                self.footnotes.append((str(part.partname), source))

    def failure(self, context: Mapping[str, object], source: str) -> TemplateError | None:
        """Why filling in ``context`` (the values of ``source``, a dossier.yaml) fails, as a
        build says it; None when it does not."""
        document = self.document
        document.source = source
        document.failed_at = None
        values = _stand_ins(dict(context))
        escaped = _environment(autoescape=True)
        plain = _environment(autoescape=False)
        # A part's name, its code and environment; a property has no name (a build says no
        # place for a failure there, as docxtpl fills properties in outside its parts).
        runs = [
            *((name, text, escaped) for name, text in self.sources),
            *(("", text, plain) for text in self.properties),
            *((name, text, escaped) for name, text in self.footnotes),
        ]
        try:
            for name, text, environment in runs:
                try:
                    environment.from_string(text).render(values)
                except _RENDER_FAILURES as error:
                    if name:
                        document.note_failure(name, text, error)
                    raise
        except JinjaTemplateError as error:
            return _jinja_problem(document, error)
        except _CODE_FAILURES as error:
            if _template_line(error) is None:
                raise  # not the template's code: assembler's own failure, shown as one
            return _code_failed(document, error)
        return None


# The core properties docxtpl fills in, and the content type of a footnotes part.
_TRIED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

"""The confidentiality gate: prove that nothing confidential is on the public side of an export.

The audit runs before anything is written. It compares every public output (files and texts:
manifest, sitemap, checksums, file names) with every confidential source and reports a leak as
a :class:`~assembler.errors.ConfidentialityViolation` (exit 4). Three independent checks:

* **files**: the SHA-256 of each public file and of each file embedded in it, against the
  confidential files;
* **pages**: each page is reduced to the hashes of its parts — content streams (decoded),
  images and form XObjects — so a confidential page copied into a public PDF is found even
  when a merge wrapped it, stamped it or recompressed it. A confidential page leaks when all of
  its parts occur on one public page;
* **terms**: kenmerk, onderwerp and annex descriptions of confidential dossiers, searched in the
  text (as pypdf reads it and as a reader shows it, see :func:`assembler.bands.shown_text`;
  also across a hyphen at a line's end, and in each earlier version an incrementally saved
  file still holds), bookmarks, metadata, annotations (notes, typed
  text, filled-in fields, link addresses), page labels, embedded files (their names and
  text) and every other string and XML metadata the file's objects hold (layer names, named
  destinations, scripts, alternative texts) of each public PDF, and in every public text. Text
  is compared without white space and case, so a title wrapped over two lines is still found;
  where names are written (properties, links, file names, the objects), without punctuation
  too, so a title written as a slug is found. A kenmerk
  is searched in every meeting's package, a short title from its dossier's time on (see
  :func:`assembler.terms.confidential_terms`).

What a public dossier also uses is public: a confidential file, page or term that occurs in a
public source is taken off the confidential lists first (an annex two dossiers share, the logo
on every page, a description both annexes carry).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import html
import io
import itertools
import json
import logging
import mmap
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pikepdf

from assembler.annex import paperclip_files
from assembler.annex_text import (
    PdfFacts,
    facts_from,
    kept_annex_facts,
    pages_facts_version,
    terms_named,
    text_facts_version,
)
from assembler.bands import shown_text
from assembler.errors import ConfidentialityViolation, Problem, dutch_list
from assembler.fsutil import file_sha256, read_json
from assembler.terms import Term, loosen, names, searched, squash

# A content stream shorter than this is a wrapper ("q", "Q", a clip, one image placement) that
# many unrelated pages share; it says nothing about which page it is.
MIN_STREAM_BYTES = 64
# An image smaller than this is a rule, a bullet or a spacer.
MIN_IMAGE_BYTES = 512
MAX_FORM_DEPTH = 4


@dataclass(frozen=True)
class SourceFile:
    """A file of a dossier (voorstel, memo, annex or bundle), with a label for messages."""

    path: Path
    label: str


@dataclass(frozen=True)
class PublicFile:
    """A file that would be published, under the name it would be published as.

    An annex is named by the dossier that attaches it: ``label`` its dossier.yaml, with the
    ``line`` and ``field`` of the attachment.
    """

    path: Path
    label: str
    meeting: str  # whose package it is in: what is searched for depends on it (see Term)
    line: int | None = None
    field: str = ""
    # A new version of a document of a meeting exported before: written now, so it is searched
    # for every term, also a short title that did not exist yet at its meeting (see Term).
    renewed: bool = False
    # An annex, published as it was received: its bytes are searched for kenmerken too (see
    # _hidden_kenmerken); what assembler made holds only what the gate reads as text.
    received: bool = False


@dataclass(frozen=True)
class PublicText:
    """A text that would be published (manifest, sitemap, checksums, file names)."""

    text: str
    label: str
    meeting: str


@dataclass
class Audit:
    """What the gate compares: the public side against the confidential sources."""

    public_files: list[PublicFile] = field(default_factory=list)
    public_texts: list[PublicText] = field(default_factory=list)
    confidential_files: list[SourceFile] = field(default_factory=list)
    confidential_terms: list[Term] = field(default_factory=list)
    public_sources: list[Path] = field(default_factory=list)
    public_terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Leak:
    """One confidential thing found on the public side."""

    where: str
    message: str
    line: int | None = None
    field: str = ""
    # A part the gate could not read is no leak found, but not one ruled out either: said,
    # so that a person looks, without stopping the export.
    unread: bool = False

    def problem(self) -> Problem:
        """The leak as a problem record for the clerk."""
        if self.unread:
            return Problem(self.where, self.line, self.field, self.message, "waarschuwing")
        return Problem(self.where, self.line, self.field, self.message)


# --------------------------------------------------------------------------- PDF analysis


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stream_bytes(stream: Any) -> bytes:
    # Generalized decoding undoes Flate/LZW/ASCII filters but keeps DCT/JPX images as stored,
    # so a page recompressed by a merge hashes the same as the original.
    try:
        data: bytes = stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized)
    except (pikepdf.PdfError, ValueError, NotImplementedError):
        data = stream.read_raw_bytes()
    return data


def _content_streams(contents: Any) -> list[Any]:
    if contents is None:
        return []
    if isinstance(contents, pikepdf.Stream):
        return [contents]
    if isinstance(contents, pikepdf.Array):
        return [item for item in contents if isinstance(item, pikepdf.Stream)]
    return []


def _form_streams(
    resources: Any, depth: int, seen: set[tuple[int, int]]
) -> Iterator[tuple[pikepdf.Stream, bytes]]:
    if depth > MAX_FORM_DEPTH or not isinstance(resources, pikepdf.Dictionary):
        return
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for _name, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        if xobject.is_indirect:
            ref = xobject.objgen
            if ref in seen:
                continue
            seen.add(ref)
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            yield xobject, _stream_bytes(xobject)
        elif subtype == pikepdf.Name.Form:
            yield xobject, _stream_bytes(xobject)
            yield from _form_streams(xobject.get("/Resources"), depth + 1, seen)


def _page_streams(page: pikepdf.Page) -> list[tuple[pikepdf.Stream, bytes]]:
    """A page's content streams and the images and forms it draws, each with its data."""
    streams = [
        (stream, _stream_bytes(stream)) for stream in _content_streams(page.obj.get("/Contents"))
    ]
    streams += _form_streams(page.obj.get("/Resources"), 0, set())
    return streams


def _parts(streams: Iterable[tuple[pikepdf.Stream, bytes]]) -> frozenset[str]:
    """The hashes of a page's content streams, images and forms that identify it."""
    parts: set[str] = set()
    for stream, data in streams:
        if stream.get("/Subtype") == pikepdf.Name.Image:
            if len(data) >= MIN_IMAGE_BYTES:
                parts.add("img:" + _sha(data))
        elif len(data.strip()) >= MIN_STREAM_BYTES:
            parts.add("txt:" + _sha(data))
    return frozenset(parts)


# A text-showing operator (Tj, TJ, ' or "), as a token of its own.
_SHOWS_TEXT = re.compile(rb"(?:^|[\s)\]>])(?:T[jJ]|'|\")(?=\s|$)")


def pdf_pages(data: bytes) -> tuple[frozenset[str], ...] | None:
    """The parts of each page of the PDF ``data`` that shows text (see _parts), and an
    empty set for a page that shows none; None when it is no PDF.

    A page without text (a blank page under a letterhead, a logo) says nothing of what a
    document is about, and one organisation's documents share many such pages.
    """
    # A build keeps these of annexes (build/.cache/paginas.json, to warn early of a public
    # annex that shows a confidential one's pages): a change raises confidential.PAGES_VERSION.
    if b"%PDF-" not in data[:1024]:
        return None
    try:
        with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
            pages = []
            for page in pdf.pages:
                streams = _page_streams(page)
                shows = any(
                    _SHOWS_TEXT.search(found)
                    for stream, found in streams
                    if stream.get("/Subtype") != pikepdf.Name.Image
                )
                pages.append(_parts(streams) if shows else frozenset())
            return tuple(pages)
    except (pikepdf.PdfError, pikepdf.PasswordError):
        return None  # the intake refuses it: never bundled


# Marked content may carry its own alternative text, replacement text or expansion in the
# drawing instructions themselves: readers read it aloud or copy it instead of the glyphs. A
# name may be written with #xx escapes ("/Actual#54ext"), so any escaped name is parsed too.
_MARKED_TEXT = re.compile(rb"/(?:Alt|ActualText|E)(?![A-Za-z0-9])|/[^\s/<>\[\]()]*#[0-9A-Fa-f]{2}")


def _marked_texts(
    page: pikepdf.Page, streams: Sequence[tuple[pikepdf.Stream, bytes]], read: set[tuple[int, int]]
) -> list[str]:
    """The strings in the properties of marked content (BDC and DP) on ``page`` and in the
    forms it draws that are not in ``read`` (forms shared by pages are read once)."""
    contents = {stream.objgen for stream in _content_streams(page.obj.get("/Contents"))}
    # A page's streams are one sequence of instructions, which may be cut between any two
    # tokens: its own are searched and parsed joined.
    joined = b"\n".join(data for stream, data in streams if stream.objgen in contents)
    sources: list[Any] = [page] if _MARKED_TEXT.search(joined) else []
    for stream, data in streams:
        if stream.objgen in contents or stream.get("/Subtype") != pikepdf.Name.Form:
            continue
        if stream.is_indirect and stream.objgen in read:
            continue
        read.add(stream.objgen)
        if _MARKED_TEXT.search(data):
            sources.append(stream)
    texts: list[str] = []
    for source in sources:
        with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError):
            for instruction in pikepdf.parse_content_stream(source, "BDC DP"):
                operands = getattr(instruction, "operands", [])
                stack = [value for value in operands if isinstance(value, pikepdf.Dictionary)]
                while stack:
                    for value in stack.pop().values():
                        if isinstance(value, pikepdf.String):
                            texts.append(str(value))
                        elif isinstance(value, pikepdf.Dictionary):
                            stack.append(value)
    return texts


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles: list[str] = []
    try:
        with pdf.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                titles.append(str(item.title or ""))
                stack.extend(item.children)
    except (pikepdf.PdfError, ValueError, AttributeError):
        pass
    return titles


def _metadata_texts(pdf: pikepdf.Pdf) -> list[str]:
    texts = [str(value) for value in pdf.docinfo.values()]
    metadata = pdf.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        texts.append(_xml_text(metadata))
    return texts


def _xml_text(stream: pikepdf.Stream) -> str:
    """XML metadata as a reader shows it: 'co&#xF6;rdinatie' and '&amp;' are 'coördinatie'
    and '&'."""
    return html.unescape(_stream_text(stream))


def _object_texts(pdf: pikepdf.Pdf) -> list[str]:
    """Every text of the file's objects, wherever it is kept, with its XML metadata and scripts.

    Layer names, named destinations, scripts, alternative texts, article threads, piece info
    and the metadata of pages and images are each shown by some reader or tool; rather than
    name every place, the gate reads every string the file holds (and pages' text apart).
    """
    texts: list[str] = []
    stack: list[Any] = [pdf.trailer, *pdf.objects]
    while stack:
        holder = stack.pop()
        # One broken stream must not hide the rest.
        with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError):
            if not isinstance(holder, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
                continue
            if isinstance(holder, pikepdf.Stream) and (
                holder.get("/Type") == pikepdf.Name.Metadata
                or holder.get("/Subtype") == pikepdf.Name.XML
            ):
                texts.append(_xml_text(holder))
            values = list(holder) if isinstance(holder, pikepdf.Array) else holder.values()
            if isinstance(holder, pikepdf.Dictionary) and holder.get("/S") == "/JavaScript":
                script = holder.get("/JS")
                if isinstance(script, pikepdf.Stream):
                    texts.append(_stream_text(script))
            for value in values:
                if isinstance(value, pikepdf.String):
                    texts.append(str(value))
                elif (
                    isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect
                ):
                    stack.append(value)  # an indirect one is among pdf.objects
    # Old-style named destinations are the names of a dictionary's keys.
    with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError):
        dests = pdf.Root.get("/Dests")
        if isinstance(dests, pikepdf.Dictionary):
            texts += [str(key).lstrip("/") for key in dests]
    return texts


_MAX_STREAM_TEXT_BYTES = 50 * 1024 * 1024


def _stream_text(stream: pikepdf.Stream) -> str:
    data = stream.read_bytes()
    if len(data) > _MAX_STREAM_TEXT_BYTES:
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


# What an annotation or form field says besides the page's own text: a note's or a
# typewriter's text (and its rich-text form), a filled-in value, a tooltip, a link's address.
_ANNOTATION_TEXTS = ("/Contents", "/RC", "/V", "/TU", "/T")
_MAX_ANNOTATIONS = 100_000


def _annotation_texts(pdf: pikepdf.Pdf) -> list[str]:
    """The texts of annotations, form fields, link addresses and page labels."""
    texts: list[str] = []
    holders: list[Any] = []
    try:
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if isinstance(annots, pikepdf.Array):
                holders.extend(a for a in annots if isinstance(a, pikepdf.Dictionary))
            if len(holders) > _MAX_ANNOTATIONS:
                break
        form = pdf.Root.get("/AcroForm")
        fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
        seen: set[tuple[int, int]] = set()
        stack = list(fields) if isinstance(fields, pikepdf.Array) else []
        while stack and len(seen) < _MAX_ANNOTATIONS:
            field = stack.pop()
            if not isinstance(field, pikepdf.Dictionary) or field.objgen in seen:
                continue
            seen.add(field.objgen)
            holders.append(field)
            kids = field.get("/Kids")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
        for holder in holders:
            # One broken value (a stream that does not inflate) must not hide the others.
            with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError):
                texts += _texts_of(holder)
        labels = pdf.Root.get("/PageLabels")
        if isinstance(labels, pikepdf.Dictionary):
            texts += [str(label.get("/P", "")) for _n, label in pikepdf.NumberTree(labels).items()]
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError):
        pass  # what was read so far is checked; the page text is checked anyway
    return texts


# The appearances an annotation may draw: normal, rollover (the pointer over it), down (clicked).
_APPEARANCES = ("/N", "/R", "/D")


def _appearance_streams(pdf: pikepdf.Pdf) -> list[tuple[int, pikepdf.Stream]]:
    """Every appearance stream of every annotation, with the page it is on (1-based): each of
    normal, rollover and down, each of its states, whatever its flags say. A stamp printed but
    not shown (Print and NoView) or shown only under the pointer is read by someone all the
    same, and a reader's text (poppler's) has only what is shown on screen."""
    found: list[tuple[int, pikepdf.Stream]] = []
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError):
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                continue
            for annot in annots:
                appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
                if not isinstance(appearance, pikepdf.Dictionary):
                    continue
                for key in _APPEARANCES:
                    value = appearance.get(key)
                    states = value.values() if isinstance(value, pikepdf.Dictionary) else [value]
                    for stream in states:
                        if not isinstance(stream, pikepdf.Stream):
                            continue
                        if stream.is_indirect:
                            if stream.objgen in seen:
                                continue
                            seen.add(stream.objgen)
                        found.append((number, stream))
                        if len(found) > _MAX_ANNOTATIONS:
                            return found
    return found


def _appearance_text(pdf: pikepdf.Pdf) -> tuple[str, list[str]]:
    """The text the annotations' appearances draw, and on which pages one could not be read
    ("de weergave van een aantekening op pagina 2").

    Each appearance is drawn on a page of its own in a new PDF and read as the pages are
    (pypdf), so its fonts' encodings are read as theirs.
    """
    streams = _appearance_streams(pdf)
    if not streams:
        return "", []
    numbers: list[int] = []
    try:
        with pikepdf.new() as drawn:
            for number, stream in streams:
                with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError):
                    stream.read_bytes()  # one that does not decode is said unread
                    form = drawn.copy_foreign(stream)
                    form.Type = pikepdf.Name.XObject
                    form.Subtype = pikepdf.Name.Form
                    if "/BBox" not in form:
                        form.BBox = pikepdf.Array([0, 0, 1000, 1000])
                    page = pikepdf.Dictionary(
                        Type=pikepdf.Name.Page,
                        MediaBox=pikepdf.Array([0, 0, 1000, 1000]),
                        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(A=form)),
                        Contents=drawn.make_stream(b"q /A Do Q"),
                    )
                    drawn.pages.append(pikepdf.Page(page))
                    numbers.append(number)
                    continue
                numbers.append(-number)  # not copied: said unread
            out = io.BytesIO()
            drawn.save(out)
    except (pikepdf.PdfError, ValueError, TypeError):
        every = sorted({number for number, _stream in streams})
        return "", [f"de weergave van een aantekening op pagina {n}" for n in every]
    text, unread = _page_text(out.getvalue())
    copied = [number for number in numbers if number > 0]
    pages = {-number for number in numbers if number < 0}
    for part in unread:
        if part.startswith("pagina "):
            pages.add(copied[int(part.split()[1]) - 1])
        else:  # pypdf read none of them past some page: all are said
            pages.update(copied)
    return text, [f"de weergave van een aantekening op pagina {n}" for n in sorted(pages)]


def _texts_of(holder: pikepdf.Dictionary) -> list[str]:
    texts = []
    for key in _ANNOTATION_TEXTS:
        value = holder.get(key)
        if isinstance(value, pikepdf.String | pikepdf.Name):
            texts.append(str(value))
        elif isinstance(value, pikepdf.Array):  # a list box's several choices
            texts += [str(v) for v in value if isinstance(v, pikepdf.String)]
        elif isinstance(value, pikepdf.Stream):
            texts.append(value.read_bytes().decode("utf-8", "replace"))
    action = holder.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        texts.append(str(action.URI))
    return texts


@dataclass(frozen=True)
class _Attached:
    """A file embedded in a PDF, as the gate needs it."""

    names: tuple[str, ...]  # the names and description it is shown with
    sha256: str
    text: str  # what a reader of it sees, when asked for ("" otherwise)
    read: bool = True  # False when its text was asked for and could not be read


def _embedded_files(pdf: pikepdf.Pdf, *, with_text: bool) -> list[_Attached]:
    """Each file embedded in a PDF, read one at a time (only its hash and text are kept)."""
    specs: list[pikepdf.Dictionary] = []
    with contextlib.suppress(pikepdf.PdfError, ValueError, AttributeError):
        specs += [spec.obj for _name, spec in pdf.attachments.items()]
    specs += [spec for spec in paperclip_files(pdf) if spec is not None]
    files: list[_Attached] = []
    for spec in specs:
        with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError):
            names = tuple(str(spec[key]) for key in ("/UF", "/F", "/Desc") if key in spec)
            ef = spec.get("/EF")
            stream = ef.get("/UF", ef.get("/F")) if isinstance(ef, pikepdf.Dictionary) else None
            data = stream.read_bytes() if isinstance(stream, pikepdf.Stream) else b""
            text, read = _embedded_text(data) if with_text else ("", True)
            files.append(_Attached(names, _sha(data), text, read))
            files += _zip_members(data, names, with_text=with_text)
    return files


# A zip attached to a PDF (sources, a set of annexes): its files are attached files too.
_MAX_ZIP_MEMBERS = 1000


def _zip_members(data: bytes, names: tuple[str, ...], *, with_text: bool) -> list[_Attached]:
    """The files in an attached zip called ``names`` (not an office document's parts), one
    level deep."""
    if not data.startswith(b"PK\x03\x04") or len(data) > _MAX_EMBEDDED_TEXT_BYTES:
        return []
    members: list[_Attached] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            office = (*_OFFICE_TEXT_PARTS, "[Content_Types].xml", "mimetype")
            if any(info.filename in office for info in infos):
                return []  # an office document, whose text is read whole
            if len(infos) > _MAX_ZIP_MEMBERS:
                # Said once, not per file: a photo set or a map export holds thousands.
                zipped = names[0] if names else "zip"
                rest = f"{zipped} (de {len(infos) - _MAX_ZIP_MEMBERS} bestanden na de eerste "
                members.append(_Attached((f"{rest}{_MAX_ZIP_MEMBERS})",), "", "", read=False))
            for info in infos[:_MAX_ZIP_MEMBERS]:
                if info.file_size > _MAX_EMBEDDED_TEXT_BYTES:
                    members.append(_Attached((info.filename,), "", "", read=False))
                    continue
                try:
                    member = archive.read(info)
                except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
                    # Encrypted or damaged.
                    members.append(_Attached((info.filename,), "", "", read=False))
                    continue
                # Each member as an attachment of its own, one level down.
                text, read = _embedded_text(member, 1) if with_text else ("", True)
                members.append(_Attached((info.filename,), _sha(member), text, read))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        pass  # a damaged zip: its own entry says its text could not be read
    return members


# Text read from an embedded file: more than this is not a note someone attached.
_MAX_EMBEDDED_TEXT_BYTES = 50 * 1024 * 1024
_OFFICE_TEXT_PARTS = ("word/document.xml", "content.xml", "xl/sharedStrings.xml")


def _embedded_text(data: bytes, depth: int = 0) -> tuple[str, bool]:
    """What a reader of an embedded file sees (a PDF's text, an office file's, a mail's, plain
    text, what a .gz holds), and whether all of it could be read: what could is searched all
    the same. A file of another kind (an image, an archive in an archive) is not read."""
    if len(data) > _MAX_EMBEDDED_TEXT_BYTES or depth > _MAX_NESTING:
        return "", False
    try:
        if b"%PDF-" in data[:1024]:
            text, unread = _extract_text(data)
            return text, not unread
        if data.startswith(b"PK\x03\x04"):
            if not _is_office(data):
                # An archive attached to the PDF: its members are read as attachments (see
                # _zip_members); one in an archive or a mail is not.
                return "", depth == 0
            return _office_text(data), True
        if data.startswith(b"\x1f\x8b"):
            # Bounded: a small .gz may unpack to gigabytes.
            unpacked = zlib.decompressobj(wbits=47).decompress(data, _MAX_EMBEDDED_TEXT_BYTES + 1)
            return _embedded_text(unpacked, depth + 1)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return _as_read(data.decode("utf-16")), True
        if _MAIL_HEADER.match(data):
            return _mail_text(data, depth)
        if data.startswith(_IMAGES) or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
            image = _image_text(data)
            if image is not None:
                # Its pixels are not searched, as a scanned page's are not: a mail's logo is no
                # unread text. What it says of itself (a title, a description) is.
                return image, True
        if _looks_binary(data):
            return "", False  # a program, an archive, a format of its own: not read
        try:
            return _as_read(data.decode("utf-8")), True
        except UnicodeDecodeError:
            return _as_read(data.decode("cp1252", "replace")), True
    except Exception:  # a damaged attachment (a broken zip, a bad stream): the rest is checked
        return "", False


# An attachment in an attachment (a mail with a zip): deeper than this is not read.
_MAX_NESTING = 3
# A mail saved as .eml starts with its headers ("Received:", "From:", "MIME-Version: 1.0").
_MAIL_HEADER = re.compile(rb"(?:[A-Za-z][A-Za-z0-9-]{1,40}:[^\r\n]*\r?\n)+")


def _mail_text(data: bytes, depth: int) -> tuple[str, bool]:
    """A saved mail's headers and the text of its parts, decoded (base64, quoted-printable,
    =?utf-8?...?= words), its attachments read as attachments are."""
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    texts = [str(value) for value in message.values()]
    read = True
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or ""
        if part.get_content_maintype() == "text" and not part.get_filename():
            texts.append(_as_read(payload.decode(charset or "utf-8", "replace")))
        else:
            text, whole = _embedded_text(payload, depth + 1)
            texts += [part.get_filename() or "", text]
            read = read and whole
    return "\n".join(texts), read


# The first bytes of PNG, JPEG, GIF, TIFF and BMP images.
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")


def _image_text(data: bytes) -> str | None:
    """The texts an image carries (PNG text chunks, Exif and XMP metadata); None when the
    bytes are no image Pillow can open (a text that starts with 'BM' is no bitmap)."""
    from PIL import Image, UnidentifiedImageError

    try:
        # Only its header and metadata are read: a huge image is no bomb here, nor said.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                values = [v for k, v in image.info.items() if k not in ("icc_profile", "exif")]
                values += list(image.getexif().values())
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None
    except SyntaxError:  # Pillow's word for a damaged header
        return None
    texts = [
        value.decode("utf-8", "ignore") if isinstance(value, bytes) else value
        for value in values
        if isinstance(value, str | bytes)
    ]
    return _as_read("\n".join(texts))


def _as_read(text: str) -> str:
    """Text as its reader shows it: HTML or XML also without its tags and with its entities
    ('Onderhandelings&shy;mandaat', '&nbsp;' between words, as Outlook writes them)."""
    if "<" not in text and "&" not in text:
        return text
    return text + "\n" + html.unescape(re.sub(r"<[^>]+>", " ", text))


def _is_office(data: bytes) -> bool:
    """Whether a zip is an office document (whose text is read) rather than an archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    return bool(names & {*_OFFICE_TEXT_PARTS, "[Content_Types].xml", "mimetype"})


def _looks_binary(data: bytes) -> bool:
    """Whether a file is no text: control characters that text does not have."""
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 or byte == 127)
    return controls > len(head) // 100


def _office_text(data: bytes) -> str:
    """The text of every part of an office file: its body and also its headers, footers,
    notes, comments, slides, sheets' own cells and links (word/, ppt/, xl/, content.xml)."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if (
                info.filename.endswith((".xml", ".rels"))
                and info.file_size < _MAX_EMBEDDED_TEXT_BYTES
            ):
                xml = archive.read(info).decode("utf-8", "replace")
                # Tags out (squashing drops the spaces, so a word split over runs is whole).
                texts.append(html.unescape(re.sub(r"<[^>]+>", " ", xml)))
    return "\n".join(texts)


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    # pypdf logs warnings about odd fonts; the library must not print, and the text it does
    # extract is all the gate needs.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n\s*")


def _page_text(data: bytes, only: Collection[int] | None = None) -> tuple[str, list[str]]:
    with _quiet_pypdf():
        return _extract_text(data, only)


def _extract_text(data: bytes, only: Collection[int] | None = None) -> tuple[str, list[str]]:
    """A PDF's text, and what of it could not be read ("pagina 3", "de tekst"); ``only``: of
    those pages (0-based) alone."""
    chunks: list[str] = []
    unread: list[str] = []
    reached = 0
    # Here, not at the top: a build imports this module for the page hashes alone, and
    # pypdf's import costs it 50 ms.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        for reached, page in enumerate(reader.pages, start=1):
            if only is not None and reached - 1 not in only:
                continue
            try:
                chunks.append(page.extract_text() or "")
            except Exception:  # one odd page must not hide the others' text
                unread.append(f"pagina {reached}")
    except Exception:  # unreadable for pypdf: the other checks still run
        unread.append(f"de pagina's na pagina {reached}" if reached else "de tekst")
    return "\n".join(chunks), unread


def analyse_pdf(path: Path, *, with_text: bool = True, shown: str | None = None) -> PdfFacts:
    """Hashes of the file, its embedded files and its pages; squashed text when asked.

    ``shown``: the text as a reader shows it (bands.shown_text), when it was read already.
    """
    data = Path(path).read_bytes()
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        pages: list[frozenset[str]] = []
        marked: list[str] = []
        forms_read: set[tuple[int, int]] = set()
        drawn_now: set[str] = set()  # what the file's pages draw, for its earlier versions
        for page in pdf.pages:
            streams = _page_streams(page)
            pages.append(_parts(streams))
            if with_text:
                marked += _marked_texts(page, streams, forms_read)
                drawn_now.update(_sha(data) for _stream, data in streams)
        with _quiet_pypdf():
            attached = _embedded_files(pdf, with_text=with_text)
        embedded = tuple(file.sha256 for file in attached if file.sha256)
        texts: tuple[tuple[str, str, str], ...] = ()
        unread: list[str] = []
        if with_text:
            drawn, unread = _page_text(data)
            drawn_by_annotations, appearances_unread = _appearance_text(pdf)
            unread += appearances_unread
            unread += [
                f"het bijgevoegde bestand '{f.names[0] if f.names else '?'}'"
                for f in attached
                if not f.read
            ]
            # pypdf reads the drawing instructions in their order; a reader shows the text in
            # reading order, with marked content's replacement text (ActualText) for its glyphs
            # and what annotations draw (a stamp): both are searched.
            as_shown = (shown if shown is not None else shown_text(path)) or ""
            texts = (
                *_page_texts(drawn),
                ("in de bladwijzers", *_apart(_outline_titles(pdf))),
                ("in de documenteigenschappen", *_apart(_metadata_texts(pdf))),
                (
                    "in een aantekening, formulierveld, link of paginanummer",
                    *_apart(_annotation_texts(pdf)),
                ),
                ("in een bijgevoegd bestand", *_apart(n for f in attached for n in f.names)),
                ("in een bijgevoegd bestand", squash("\n".join(f.text for f in attached)), ""),
                # After the places it names: what a note says is said to be in a note.
                *_page_texts(as_shown),
                # What poppler did not show: an appearance printed only, or under the pointer.
                (_DRAWN_BY_ANNOTATIONS, *_apart([drawn_by_annotations])),
                (_ELSEWHERE, *_apart([*_object_texts(pdf), *marked])),
                *_earlier_revision_texts(data, drawn_now),
            )
    return PdfFacts(_sha(data), embedded, tuple(pages), texts, tuple(unread))


def _page_texts(shown: str) -> tuple[tuple[str, str, str], ...]:
    """A PDF's text as searched: squashed, and with words hyphenated at a line's end joined."""
    # Word and LibreOffice break long compounds at a hyphen: "Onderhandelings-" at a line's
    # end, "mandaat" on the next. Searched both ways: "Noord-Holland" too.
    hyphens = "-\n" in shown or "- \n" in shown
    joined = _LINE_END_HYPHEN.sub("", shown) if hyphens else ""
    return ("", squash(shown), ""), ("", squash(joined), "")


_END_OF_FILE = re.compile(rb"%%EOF")
# A form filled in and signed by several people is saved once for each; more is not a document.
_MAX_REVISIONS = 50
_EARLIER = "in een eerdere versie die nog in het bestand zit (sla het op als nieuw bestand)"


def _earlier_revision_texts(data: bytes, drawn_now: set[str]) -> list[tuple[str, str, str]]:
    """The text and strings of each earlier version of an incrementally saved PDF.

    Saving a change at the end of the file (Acrobat's "Opslaan", a signature, a filled-in form)
    leaves what it replaced in the file, for any tool to recover: the title a sender removed
    from a page is still there. A third-party annex is published byte for byte. Only the
    pages of an earlier version that draw something the file's pages no longer draw
    (``drawn_now``: the digests of their streams) are read for text: ten signatures of a
    500-page report cost ten looks at its pages, not ten readings.
    """
    ends = [match.end() for match in _END_OF_FILE.finditer(data)]
    texts: list[tuple[str, str, str]] = []
    for end in ends[:-1][-_MAX_REVISIONS:]:
        earlier = data[:end]
        changed: list[int] = []
        strings: list[str] = []
        # What cannot be opened is no earlier version (a linearised file's first part, say).
        with (
            contextlib.suppress(pikepdf.PdfError, pikepdf.PasswordError, ValueError),
            pikepdf.Pdf.open(io.BytesIO(earlier)) as old,
        ):
            strings = [*_object_texts(old), *_metadata_texts(old), *_annotation_texts(old)]
            for number, page in enumerate(old.pages):
                if any(_sha(drawn) not in drawn_now for _s, drawn in _page_streams(page)):
                    changed.append(number)
        shown, _unread = _page_text(earlier, set(changed)) if changed else ("", [])
        texts += [(_EARLIER, squash(shown), ""), (_EARLIER, *_apart(strings))]
    return texts


def _apart(texts: Iterable[str]) -> tuple[str, str]:
    """Separate texts (titles, properties, strings of objects) squashed and loosened, each on
    its own: squashing drops the white space between two of them, and a term must not be
    found across two unrelated strings."""
    squashed = [squash(text) for text in texts]
    return "\x00".join(squashed), "\x00".join(loosen(text) for text in squashed)


_DRAWN_BY_ANNOTATIONS = (
    "in de weergave van een aantekening (ook een die alleen afgedrukt of onder de muis te zien is)"
)
_ELSEWHERE = (
    "elders in het bestand (in een laagnaam, script, verwijzing, alternatieve tekst of metadata)"
)


def content_digest(path: Path, kept: KeptFacts | None = None) -> str:
    """A digest of what a PDF shows (its pages' parts), blind to dates and IDs in metadata."""
    facts = kept.pages(path) if kept is not None else analyse_pdf(path, with_text=False)
    return digest_of_pages(facts)


def digest_of_pages(facts: PdfFacts) -> str:
    """The content digest (see content_digest) of the PDF ``facts`` were read of."""
    digest = hashlib.sha256(f"pages {len(facts.pages)}\n".encode())
    for parts in facts.pages:
        digest.update(("|".join(sorted(parts)) + "\n").encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- the audit


class _Cache:
    def __init__(self, kept: KeptFacts | None = None) -> None:
        self._facts: dict[tuple[Path, bool], PdfFacts] = {}
        self._digests: dict[Path, str] = {}
        self.kept = kept
        self.shown: dict[Path, Future[str | None]] = {}  # poppler's text, read meanwhile

    def digest(self, path: Path) -> str:
        """The SHA-256 of the file at ``path``, asked once per export."""
        key = Path(path).resolve()
        if key not in self._digests:
            self._digests[key] = self.kept.digest(key) if self.kept else file_sha256(key)
        return self._digests[key]

    def is_kept(self, path: Path, meeting: str) -> bool:
        """Whether an earlier export left the text facts of the file at ``path``."""
        return self.kept is not None and self.kept.has(self.digest(path), meeting)

    def facts(self, path: Path, *, with_text: bool, meeting: str = "") -> PdfFacts | None:
        key = (Path(path).resolve(), with_text)
        if key not in self._facts:
            if not with_text and (key[0], True) in self._facts:
                return self._facts[(key[0], True)]
            if not _is_pdf(path):
                return None
            kept = self.kept
            facts = kept.facts(self.digest(path), with_text, meeting) if kept else None
            if facts is None:
                try:
                    shown = self.shown.get(key[0])
                    facts = analyse_pdf(
                        path, with_text=with_text, shown=shown.result() if shown else None
                    )
                except (pikepdf.PdfError, pikepdf.PasswordError, OSError):
                    # Only annexes can be like this, and the intake refuses them: never bundled.
                    return None
            if kept is not None:
                kept.keep(facts, with_text, meeting)
            self._facts[key] = facts
        return self._facts[key]


FACTS_FOLDER = "poort"
"""In ``build/.cache``: the gate's facts of the PDFs it read, by the file's SHA-256, so that an
export reads only what changed since the one before: the pages of every PDF the audit compares
(``paginas.json``, the whole project's) and the text of each meeting's public files (one file
per meeting: what the meeting bundle and the bundles repeat of their parts makes these large).
Written only after an export the gate let through: one it stops leaves build/ as it was."""
_PAGES_NAME = "paginas.json"


class KeptFacts:
    """The facts earlier exports kept, and those of this export to keep for the next."""

    def __init__(self, folder: Path, digest: Callable[[Path], str] = file_sha256) -> None:
        self.folder = folder
        self.digest = digest
        self._versions = (pages_facts_version(), text_facts_version())
        self._pages: dict[str, Any] = self._load(folder / _PAGES_NAME, self._versions[0])
        self._texts: dict[str, dict[str, Any]] = {}  # by meeting, each loaded when asked
        self._used_pages: dict[str, Any] = {}
        self._used_texts: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _load(path: Path, version: str) -> dict[str, Any]:
        try:
            data = read_json(path)
        except (OSError, ValueError):
            return {}  # none yet, or damaged: read anew
        if not isinstance(data, dict) or data.get("version") != version:
            return {}
        facts = data.get("facts")
        return facts if isinstance(facts, dict) else {}

    def _meeting(self, meeting: str) -> dict[str, Any]:
        if meeting not in self._texts:
            path = self.folder / f"{meeting}.json"
            self._texts[meeting] = self._load(path, self._versions[1]) if meeting else {}
        return self._texts[meeting]

    def has(self, digest: str, meeting: str) -> bool:
        """Whether the text facts of the file with ``digest`` are kept for ``meeting``, or
        of the annex with ``digest`` by a build or check."""
        if digest in self._meeting(meeting):
            return True
        return kept_annex_facts(self.folder.parent, digest, self._versions[1]) is not None

    def facts(self, digest: str, with_text: bool, meeting: str) -> PdfFacts | None:
        """The facts kept of the file with ``digest``; None when there are none (or broken)."""
        stored = self._meeting(meeting).get(digest)
        if stored is None and not with_text:
            stored = self._pages.get(digest)
        if stored is None:
            # An annex the annex intake of a build or check read already.
            return kept_annex_facts(self.folder.parent, digest, self._versions[1])
        return facts_from(digest, stored)

    def pages(self, path: Path) -> PdfFacts:
        """The facts without text of the PDF at ``path``: kept, or read (and kept)."""
        facts = self.facts(self.digest(path), False, "") or analyse_pdf(path, with_text=False)
        self.keep(facts, False, "")
        return facts

    def keep(self, facts: PdfFacts, with_text: bool, meeting: str) -> None:
        """Keep ``facts`` (read now or kept before) for the next export."""
        pages = {
            "pages": [sorted(parts) for parts in facts.pages],
            "embedded": list(facts.embedded),
        }
        self._used_pages[facts.sha256] = pages
        if with_text and meeting:
            self._used_texts.setdefault(meeting, {})[facts.sha256] = {
                **pages,
                "texts": [list(text) for text in facts.texts],
                "unread": list(facts.unread),
            }

    def save(self, meetings: Collection[str]) -> None:
        """Write what this export used (and, of ``meetings``, what other exports kept), and
        remove what a meeting folder no longer there kept."""
        from assembler.fsutil import write_cache_text

        def write(path: Path, version: str, facts: dict[str, Any], before: dict[str, Any]) -> None:
            if facts != before:
                text = json.dumps({"version": version, "facts": facts}, sort_keys=True)
                write_cache_text(path, text + "\n")

        # The audit compares every PDF of the project: what it did not use is gone.
        write(self.folder / _PAGES_NAME, self._versions[0], self._used_pages, self._pages)
        for meeting, facts in self._used_texts.items():
            path = self.folder / f"{meeting}.json"
            write(path, self._versions[1], facts, self._meeting(meeting))
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                if path.name != _PAGES_NAME and path.stem not in meetings:
                    path.unlink()


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


@dataclass(frozen=True)
class _SecretPage:
    source: str
    number: int
    parts: frozenset[str]


def searched_terms(terms: Iterable[Term]) -> list[str]:
    """The squashed confidential terms the gate looks for (long enough, or a kenmerk)."""
    return [squash(term.text) for term in terms if searched(term.text, always=term.always)]


def find_leaks(audit: Audit, kept: KeptFacts | None = None) -> list[Leak]:
    """Every confidential file, page or term that the public side would show; ``kept``: the
    facts of earlier exports, and where to keep this one's."""
    cache = _Cache(kept)
    # poppler reads each public PDF in a process of its own while this one reads the others.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cache.shown = {
            item.path.resolve(): pool.submit(shown_text, item.path)
            for item in audit.public_files
            if _is_pdf(item.path) and not cache.is_kept(item.path, item.meeting)
        }
        return _find_leaks(audit, cache)


def _find_leaks(audit: Audit, cache: _Cache) -> list[Leak]:
    public_hashes: set[str] = set()
    public_pages: list[frozenset[str]] = []
    for path in audit.public_sources:
        public_hashes.add(cache.digest(path))
        facts = cache.facts(path, with_text=False)
        if facts is not None:
            public_pages.extend(facts.pages)
    # Only the very same words count as public: a public text that merely contains a
    # confidential title is exactly the leak the gate is for.
    public_words = {squash(t) for t in audit.public_terms}

    secret_files: dict[str, str] = {}
    secret_pages: list[_SecretPage] = []
    for source in audit.confidential_files:
        digest = cache.digest(source.path)
        if digest in public_hashes:
            continue  # a public dossier attaches the same file: it is public
        secret_files.setdefault(digest, source.label)
        facts = cache.facts(source.path, with_text=False)
        if facts is None:
            continue
        for number, parts in enumerate(facts.pages, start=1):
            if parts and not any(parts <= page for page in public_pages):
                secret_pages.append(_SecretPage(source.label, number, parts))
    by_part: dict[str, list[_SecretPage]] = {}
    for secret in secret_pages:
        by_part.setdefault(min(secret.parts), []).append(secret)

    terms = [
        term
        for term in _unique_terms(audit.confidential_terms)
        if searched(term.text, always=term.always) and not term.shared_with(public_words)
    ]

    leaks: list[Leak] = []
    for item in audit.public_files:
        found = _file_leaks(item, cache, secret_files, by_part, terms)
        leaks.extend(dataclasses.replace(f, line=item.line, field=item.field) for f in found)
    for text in audit.public_texts:
        squashed = squash(text.text)
        _lines, loose = _apart(text.text.splitlines())  # a manifest's field, a file's name
        shown = [term for term in terms if names(term, squashed, loose, text.meeting)]
        leaks.extend(_term_leaks(text.label, shown))
    return leaks


def _unique_terms(terms: Iterable[Term]) -> list[Term]:
    seen: set[tuple[str, frozenset[str] | None]] = set()
    unique = []
    for term in terms:
        key = (squash(term.text), term.meetings)
        if key[0] and key not in seen:
            seen.add(key)
            unique.append(term)
    return unique


def _file_leaks(
    item: PublicFile,
    cache: _Cache,
    secret_files: dict[str, str],
    by_part: dict[str, list[_SecretPage]],
    terms: Sequence[Term],
) -> list[Leak]:
    digest = cache.digest(item.path)
    if digest in secret_files:
        return [
            Leak(
                item.label,
                f"is hetzelfde bestand als het vertrouwelijke {secret_files[digest]} "
                "(haal het uit de openbare stukken of zet verspreiden op Ja)",
            )
        ]
    facts = cache.facts(item.path, with_text=True, meeting=item.meeting)
    if facts is None:
        return []
    leaks: list[Leak] = []
    for embedded in facts.embedded:
        if embedded in secret_files:
            leaks.append(
                Leak(
                    item.label,
                    f"bevat als bijgevoegd bestand het vertrouwelijke {secret_files[embedded]} "
                    "(haal de bijlage uit het PDF-bestand)",
                )
            )
    for number, parts in enumerate(facts.pages, start=1):
        for part in parts:
            for secret in by_part.get(part, ()):
                if secret.parts <= parts:
                    leaks.append(
                        Leak(
                            item.label,
                            f"pagina {number} is pagina {secret.number} van het vertrouwelijke "
                            f"{secret.source} (haal die pagina uit het openbare stuk)",
                        )
                    )
                    break
            else:
                continue
            break
    if facts.unread and terms:
        leaks.append(
            Leak(
                item.label,
                f"de tekst van {_listed(facts.unread)} kon niet gelezen worden, en is dus niet "
                "nagezien op kenmerken en titels van vertrouwelijke dossiers (kijk dat zelf na)",
                unread=True,
            )
        )
    # One leak per term, where a reader finds it first.
    named = terms_named(facts, terms, item.meeting, anywhen=item.renewed)
    for where, term in named:
        leaks.extend(_term_leaks(item.label, [term], where))
    said = {term.text for _where, term in named}
    unsaid = [term for term in terms if term.text not in said and item.received]
    for term in _hidden_kenmerken(item.path, unsaid, item.meeting, anywhen=item.renewed):
        leaks.append(
            Leak(
                item.label,
                f"noemt {_HIDDEN} {term.what} '{term.text}' van het vertrouwelijke dossier "
                f"{term.source} (laat het bestand opnieuw maken zonder die gegevens, of druk het "
                "af als nieuwe PDF)",
            )
        )
    return leaks


_HIDDEN = (
    "in gegevens die een lezer niet ziet maar die in het bestand staan (een opmerking, een "
    "ongebruikt of verborgen onderdeel, de gegevens van een foto)"
)


def _hidden_kenmerken(
    path: Path, terms: Sequence[Term], meeting: str, *, anywhen: bool = False
) -> list[Term]:
    """The kenmerken among ``terms`` that the PDF at ``path`` holds anywhere in its bytes or
    its streams, an earlier revision's too (an image's decoded pixels aside), as its text and
    strings do not show them.

    A public annex is published byte for byte: what a drawing program keeps for itself, a
    comment among the page's instructions, a photo's EXIF, an object no longer used are all
    there for any tool. A kenmerk with a long run of digits (the default pattern's 23.0002150)
    is not found by chance in other bytes, so it is looked for everywhere; one of short numbers
    ('2023/15' is a drawing's coordinate 2023.15, '123456' a stream's /Length) is not, nor a
    title, as it is words: those are searched in text and strings only.
    """
    wanted = [
        (term, kenmerk)
        for term in terms
        if term.always and (anywhen or term.searched_in(meeting))
        for kenmerk in [_KenmerkBytes.of(term.key)]
        if len(kenmerk.digits) >= _DISTINCT_DIGITS
    ]
    if not wanted:
        return []
    found: list[Term] = []
    try:
        with (
            open(path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as raw,
        ):
            found = [term for term, kenmerk in wanted if kenmerk.in_(raw)]
            wanted = [(term, kenmerk) for term, kenmerk in wanted if term not in found]
            if wanted:
                with (
                    pikepdf.open(path) as pdf,
                    contextlib.closing(_replaced_streams(raw)) as replaced,
                ):
                    for stream in itertools.chain(_streams(pdf), replaced):
                        found += [term for term, kenmerk in wanted if kenmerk.in_(stream)]
                        wanted = [(term, kenmerk) for term, kenmerk in wanted if term not in found]
                        if not wanted:
                            break
    except (OSError, ValueError, pikepdf.PdfError, pikepdf.PasswordError):
        pass  # an empty file; what could not be read is said by the facts or the intake
    return found


def _revisions(raw: mmap.mmap) -> int:
    """How many revisions the PDF's bytes hold: one per save, more when saved incrementally."""
    count, at = 0, raw.find(b"startxref")
    while at >= 0:
        count += 1
        at = raw.find(b"startxref", at + 1)
    return count


# A stream's data begins after this keyword and its end of line (not 'endstream').
_STREAM_KEYWORD = re.compile(rb"(?<!end)stream\r?\n")
# Around a kilobyte of dictionary before a stream tells an image by its /Subtype.
_IMAGE_DICTIONARY = re.compile(rb"/Subtype\s*/Image\b")
# An earlier revision's stream is inflated up to this many bytes (a bomb is cut short).
_INFLATED_LIMIT = 64 * 1024 * 1024


def _replaced_streams(raw: mmap.mmap) -> Generator[bytes, None, None]:
    """Of a PDF saved incrementally, every Flate-compressed stream in its bytes, inflated (an
    image's not: its pixels, as in _streams); none of a PDF saved once.

    An object replaced by a later save is in no table of the revision a reader reads, so
    pikepdf does not give it, but its compressed bytes are still in the file.
    """
    if _revisions(raw) < 2:
        return
    for keyword in _STREAM_KEYWORD.finditer(raw):
        begin = keyword.end()
        end = raw.find(b"endstream", begin)
        if end < 0:
            return
        before = raw[max(0, keyword.start() - 1024) : keyword.start()]
        dictionary = before[before.rfind(b"obj") + 1 :]
        if _IMAGE_DICTIONARY.search(dictionary):
            continue
        try:
            yield zlib.decompressobj().decompress(raw[begin:end], _INFLATED_LIMIT)
        except zlib.error:
            continue  # not Flate, or not whole


def _streams(pdf: pikepdf.Pdf) -> Iterator[bytes]:
    """Each stream's data, decoded as far as its filters allow; an image's not (its pixels)."""
    for obj in pdf.objects:
        if (
            not isinstance(obj, pikepdf.Stream)
            or obj.get(pikepdf.Name.Subtype) == pikepdf.Name.Image
        ):
            continue
        try:
            yield obj.read_bytes()
        except (pikepdf.PdfError, ValueError, NotImplementedError, zlib.error):
            continue


# A kenmerk is searched for in a PDF's bytes when it has a run of at least this many digits.
_DISTINCT_DIGITS = 7


@dataclass(frozen=True)
class _KenmerkBytes:
    """A kenmerk (squashed) as its bytes: its parts with one separator or none between them,
    not inside a longer number, in any case (as terms.separated finds it in text). Not a
    space: drawing instructions are numbers apart ('23 0002150' is no kenmerk there)."""

    pattern: re.Pattern[bytes]
    # Its longest part of digits, found first at C speed: a meeting's public PDFs are searched
    # for every confidential kenmerk of the project.
    digits: bytes

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def of(key: str) -> _KenmerkBytes:
        """The kenmerk of squashed ``key``."""
        parts = [part.encode("utf-8") for part in re.split(r"[\W_]+", key) if part]
        separator = rb"[./_:-]?"
        body = separator.join(re.escape(part) for part in parts)
        pattern = re.compile(rb"(?<![0-9])" + body + rb"(?![0-9])", re.IGNORECASE)
        numbers = [part for part in parts if part.isdigit()]
        return _KenmerkBytes(pattern, max(numbers, key=len) if numbers else b"")

    def in_(self, data: bytes | mmap.mmap) -> bool:
        """Whether ``data`` holds the kenmerk."""
        if self.digits and data.find(self.digits) < 0:
            return False
        return self.pattern.search(data) is not None


def _term_leaks(label: str, terms: Sequence[Term], where: str = "") -> list[Leak]:
    return [
        Leak(
            label,
            f"noemt {where + ' ' if where else ''}{term.what} '{term.text}' van het "
            f"vertrouwelijke dossier {term.source} ({term.advice()})",
        )
        for term in terms
    ]


def _listed(parts: Sequence[str]) -> str:
    if len(parts) > _MAX_LISTED:  # a zip of photos: its first few say what it is
        shown = ", ".join(parts[: _MAX_LISTED - 1])
        return f"{shown} en {len(parts) - _MAX_LISTED + 1} andere"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


_MAX_LISTED = 6


def enforce(audit: Audit, kept: KeptFacts | None = None) -> list[Problem]:
    """Raise ConfidentialityViolation (exit 4) naming every leak; when there is none, return
    the warnings for what could not be read."""
    leaks = find_leaks(audit, kept)
    problems = _said_once(sorted({leak.problem() for leak in leaks}))
    if all(leak.unread for leak in leaks):
        return problems
    count = sum(problem.ernst == "fout" for problem in problems)
    raise ConfidentialityViolation(
        f"export gestopt: {count} "
        f"{'vertrouwelijk gegeven' if count == 1 else 'vertrouwelijke gegevens'} "
        "in de openbare stukken; er is niets geschreven (geef de stukken die hierboven genoemd "
        "worden zo niet door)",
        problems,
    )


def _said_once(problems: list[Problem]) -> list[Problem]:
    """One problem for what is found alike in several public files, at the first of them,
    naming the others: a kenmerk in a toelichting is in the voorstel, its bundle and the
    meeting bundle, one thing found, mended where the warnings above say (the dossier lines)."""
    alike: dict[tuple[object, ...], list[Problem]] = {}
    for problem in problems:
        # A problem at a line of a file stands for itself; so does a warning of what could not
        # be read ('pagina 1' of one file is not page 1 of another).
        alone = problem.regel is not None or problem.ernst != "fout"
        key = (problem,) if alone else (problem.veld, problem.melding)
        alike.setdefault(key, []).append(problem)
    said = []
    for first, *others in alike.values():
        if others:
            # Every one named: each is a file not to pass on as it is.
            also = dutch_list([other.bestand for other in others])
            first = replace(first, melding=f"{first.melding}; staat ook in {also}")
        said.append(first)
    return said

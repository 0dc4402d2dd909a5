"""The bundle: a voorstel followed by its annexes, as one PDF with bookmarks, labels and stamps.

:func:`bundle_pdf` makes ``bundel.pdf`` of one dossier; it is a thin layer over
:func:`merge_documents`, the general merger that the meeting bundle reuses: parts in order,
each under its own top-level bookmark with its own bookmarks nested below, page labels per part,
marks drawn at the top of pages, document info and XMP metadata, and a deterministic ``/ID``.

Marks ("Bijlage 2 bij 23.0001772", "NIET OPENBAAR") go in a band at the visual top of the page.
The band is rendered first (PDFium); if anything is drawn there, the page box is enlarged by
a strip above the page instead (on the side that is the top after ``/Rotate``), so a mark never
covers content. An annex's later pages say "Bijlage 2 bij 23.0001772 – pagina 3 van 5"; such a
page whose top band has ink takes it in its bottom band if that has none, rather than a strip
(and with it the annex's other later pages, when all of them have room there).
Marks are drawn with reportlab in LiberationSans, embedded as a subset.

Tags: a part with a structure tree (the voorstel and agenda LibreOffice makes; a dossier's
bundle in the meeting bundle) keeps it, under one ``/Part`` element per part in a ``/Document``
that is the bundle's tree; its ParentTree is made anew from its tree, past the keys of the parts
before it (:class:`_Structure`), or, for a PDF the build made itself, moved with its keys.
An untagged part (most annexes) gets minimal tags, one ``/P`` per page over all its content, so
that a reader of the tags does not skip it. The stamps are ``/Artifact`` marked content. A
bundle with no tagged part has no tree.

Third-party files are only read: pages are copied into a new document, written atomically.
What of a part would run when the bundle is opened (scripts, a program's start, a form that
sends its data) is left out of the copy (:mod:`assembler.actions`).

Merge library: pikepdf (qpdf), not pypdf. Measured on this machine (2 cores) with
``tests/data/bundle/measure_merge.py``: 30 bundles of a voorstel stand-in and 3 annexes each,
taken in turn from corpus files with internal links (006, 014, 016) and two made files that use
the same destination names for different pages; 522 internal links in all:

=====================================  ===============  ========
method                                 links wrong      time
=====================================  ===============  ========
pypdf ``PdfWriter.append``             108 of 522       0.80 s
pikepdf ``pages.extend``               324 of 522       0.11 s
pikepdf ``Pdf.add_pages_from``           0 of 522       0.24 s
:func:`bundle_pdf` (adds the rest)       0 of 522       1.99 s
=====================================  ===============  ========

(:func:`bundle_pdf` also renders the top of each page that gets a stamp, unless the annex
intake has done so, draws the stamps and writes outline, labels and metadata.)

``add_pages_from`` carries the named destinations a page's links use (renaming a clashing name
with a suffix), the AcroForm fields (renaming clashing field names), optional-content layers and
the source outline, retargeted to the copied pages; qpdf also reads damaged files leniently and
writes a content-derived ``/ID`` (``deterministic_id``). With pypdf every one of those would be
code of our own. So one library merges: pikepdf.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import io
import math
import os
import re
import sys
import threading
import types
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from html import escape  # also quotes: safe in attributes; saxutils would load urllib and ssl
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String

from assembler import LOCAL_TIME_ZONE, __version__
from assembler.actions import bookmark_address, outline_items, strip_active_content
from assembler.annex import PASSWORD_PROTECTED, not_opened_pdf
from assembler.bands import (
    MARK_BAND,
    Room,
    Sought,
    TextArea,
    bottom_bands_blank,
    mark_scale,
    pages_showing,
    rooms_after,
    text_areas,
    top_bands_blank,
)
from assembler.errors import PartRejected
from assembler.fsutil import atomic_path, library_output, not_opened
from assembler.normalise import XPACKET_BEGIN, XPACKET_END

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONT_REGULAR = FONT_DIR / "LiberationSans-Regular.ttf"
FONT_BOLD = FONT_DIR / "LiberationSans-Bold.ttf"

MARK_SIZE = 9.0
MARK_MARGIN = 24.0
# The marks' baseline, below the top edge: their capitals start 5 mm from the edge.
MARK_BASELINE = 21.0
# The baseline of a mark at the bottom of a page (a later page of an annex whose top band has
# ink), above the bottom edge: its descenders end 5 mm from the edge, as the top mark's
# capitals start.
MARK_BOTTOM_BASELINE = 16.0
# The grey of a later page's mark: it finds the sheet's place, without drawing the eye.
LATER_MARK_GREY = 0.3

# A page reference on the agenda of a meeting bundle (MergePart.page_references): "blz. 3.B1-1"
# at the right margin, on the last line of the item's heading or the annex's line, in the
# stamps' font and grey, a little smaller than the agenda's text. It needs REFERENCE_GAP of
# white space before it, and no ink between REFERENCE_BELOW under the line's baseline and
# REFERENCE_ABOVE over it (its descenders and accented capitals); else it is left out.
REFERENCE_PREFIX = "blz. "
REFERENCE_SIZE = MARK_SIZE
REFERENCE_GAP = 12.0
REFERENCE_BELOW = 2.5
REFERENCE_ABOVE = 8.5
# How a page reference's content is marked: drawn for the printed page, not part of the
# reading order (the link it belongs to is named for its target already).
_REFERENCE_ARTIFACT = b"/Artifact <</Type /Layout>> BDC"

CONFIDENTIAL = "NIET OPENBAAR"
# What a blank page put in for double-sided printing says (MergePart.new_sheet), small and grey
# in the middle of an A4 page, so that a reader does not take it for a page lost in printing.
BLANK_PAGE_TEXT = "Deze pagina is bewust leeg gelaten."
BLANK_PAGE_SIZE = 9.0
BLANK_PAGE_GREY = 0.5
# Added to the label prefix of the part a blank page follows: "4.leeg" after item 4's pages.
BLANK_PAGE_LABEL = "leeg"
# Without SOURCE_DATE_EPOCH a bundle is dated when it is made, in the organisation's own time,
# as the export's manifests and LibreOffice's PDFs on a clerk's computer are.
LOCAL_TIME = ZoneInfo(LOCAL_TIME_ZONE)


@dataclass(frozen=True)
class BundleMeta:
    """Document info and XMP metadata of a bundle; also whether it is confidential."""

    title: str
    author: str
    kenmerk: str = ""
    subject: str = ""
    keywords: str = ""  # empty: the kenmerk
    niet_openbaar: bool = False
    language: str = "nl-NL"
    producer: str = f"assembler {__version__}"
    source_date_epoch: int | None = None


@dataclass(frozen=True)
class BundleAnnex:
    """One annex of a bundle: its PDF, its number and its description."""

    pdf: Path
    nummer: int
    omschrijving: str
    # Per page from the first, whether its top band is empty, as far as already known (the
    # annex intake finds out once per file, in its checking child); the rest is rendered,
    # unless ``judged``: a third-party file is never rendered here, its unknown pages count
    # as not blank.
    bands_blank: tuple[bool, ...] = ()
    # The same for the bottom band, where a later page's mark goes when its top band has ink.
    bottom_bands_blank: tuple[bool, ...] = ()
    judged: bool = False


@dataclass(frozen=True)
class PartLink:
    """A link to put on a part's pages where ``text`` is shown (the meeting bundle's agenda: an
    item's number and title), to the first page of the part ``target`` (its place in the
    merge) or, with ``annex``, of that annex in it (the page its own labels start 'B<n>-'
    at, as :func:`bundle_pdf` numbers them); ``name``: what a screen reader says of it. An
    annex's link is only made where its item's (the link to ``target`` before it) was found,
    so that it is not found under the next item. Where the agenda template words it otherwise,
    it is found by ``title`` after ``number`` on its line (see bands.Sought)."""

    text: str
    target: int
    name: str
    annex: int | None = None
    number: int | None = None
    title: str = ""


@dataclass(frozen=True)
class MergePart:
    """One document in a merge, with its top-level bookmark and page labels.

    ``label_prefix`` None keeps the part's own page labels (shifted into place), a string numbers
    its pages 1, 2, … after that prefix. ``first_page_mark`` is drawn at the top of its first page;
    ``later_page_mark`` on each later page, with "– pagina 2 van 5" after it, at the top, or at
    the bottom where only that band is free of ink (so that the page need not grow a strip).
    """

    pdf: Path
    title: str
    label_prefix: str | None = ""
    # Written before each of the part's own labels (label_prefix None), so that a meeting
    # bundle's labels stay unique: "3." makes item 3's "1" and "B1-1" into "3.1", "3.B1-1".
    own_labels_under: str = ""
    keep_outline: bool = True
    first_page_mark: str | None = None
    later_page_mark: str | None = None
    children: tuple[OutlineEntry, ...] = ()
    # Per page from the first, whether its top band is empty, as far as already known; the
    # pages after those are rendered to see, unless ``render_rest`` is False (then they
    # count as not blank).
    bands_blank: tuple[bool, ...] = ()
    # The same for the bottom band (asked only of later pages, of an annex where one has ink
    # in its top band).
    bottom_bands_blank: tuple[bool, ...] = ()
    render_rest: bool = True
    # Pages (0-based, in this part) that say NIET OPENBAAR themselves, as a confidential
    # voorstel's header does: not stamped a second time.
    confidential_shown: frozenset[int] = frozenset()
    # A PDF this build made (LibreOffice's voorstel or agenda, a dossier's bundle in the
    # meeting bundle): its structure tree and ParentTree are sound, so they are moved into
    # place, not walked (unless a clash of names, a form or stripped content needs the walk).
    own_structure: bool = False
    # Links to other parts, where the part shows their titles (the agenda in the meeting
    # bundle); found in the part's text as it is added, in this order.
    links: tuple[PartLink, ...] = ()
    # Starts on the front of a sheet when printed double-sided (an odd page, 1-based): where
    # it would start on the back of the part before's last page, a blank page goes between
    # (see BLANK_PAGE_TEXT), so that no sheet holds pages of two parts.
    new_sheet: bool = False
    # Beside each of ``links`` found, the label of the page it leads to is printed at the
    # right margin (see REFERENCE_PREFIX): the agenda is the bundle's table of contents on
    # paper too, where no link can be followed.
    page_references: bool = False


@dataclass(frozen=True)
class OutlineEntry:
    """An extra bookmark inside a part: a title and a page index within that part."""

    title: str
    page: int
    children: tuple[OutlineEntry, ...] = field(default=())


def bundle_pdf(
    main_pdf: Path,
    annexes: Sequence[BundleAnnex],
    meta: BundleMeta,
    output: Path,
    main_title: str = "Voorstel",
    *,
    main_made_here: bool = False,
    confidential_shown: frozenset[int] | None = None,
) -> Path:
    """Write the main document (bookmarked ``main_title``) and its annexes to ``output``;
    ``main_made_here``: the main document is LibreOffice's, made by the build;
    ``confidential_shown``: the pages of a confidential main document that say NIET OPENBAAR
    already, if the caller has read them (else they are read here)."""
    shown = confidential_shown
    if shown is None:
        shown = pages_showing(main_pdf, CONFIDENTIAL) if meta.niet_openbaar else frozenset()
    parts = [
        MergePart(
            pdf=main_pdf,
            title=main_title,
            label_prefix="",
            confidential_shown=shown,
            own_structure=main_made_here,
        )
    ]
    for annex in annexes:
        reference = f" bij {meta.kenmerk}" if meta.kenmerk else ""
        parts.append(
            MergePart(
                pdf=annex.pdf,
                title=f"Bijlage {annex.nummer} – {annex.omschrijving}",
                label_prefix=f"B{annex.nummer}-",
                first_page_mark=f"Bijlage {annex.nummer}{reference}",
                # A loose sheet of an annex can be put back: each page says where it belongs.
                later_page_mark=f"Bijlage {annex.nummer}{reference}",
                bands_blank=annex.bands_blank,
                bottom_bands_blank=annex.bottom_bands_blank,
                render_rest=not annex.judged,
            )
        )
    return merge_documents(parts, meta, output)


def merge_documents(
    parts: Sequence[MergePart],
    meta: BundleMeta,
    output: Path,
    *,
    unlinked: list[str] | None = None,
) -> Path:
    """Merge PDFs in order, each under its own bookmark, and write ``output`` atomically;
    the names of the parts' links not made are added to ``unlinked`` (see Merger.unlinked)."""
    if not parts:
        raise ValueError("merge_documents needs at least one part")
    with Merger(meta) as merger:
        for part in parts:
            merger.add(part)
        written = merger.write(output)
        if unlinked is not None:
            unlinked += merger.unlinked
        return written


class Merger:
    """A merge built up one part at a time, for parts that are ready one after the other.

    The meeting bundle takes each dossier's bundle as soon as it is made, so that little is
    left to do once the last one is. ``add`` then ``write`` gives the same bytes as
    :func:`merge_documents` with the same parts. Not for use by two threads at once.
    """

    def __init__(self, meta: BundleMeta) -> None:
        self.meta = meta
        self._stack = contextlib.ExitStack()
        self._out = self._stack.enter_context(Pdf.new())
        self._parts: list[MergePart] = []
        # qpdf copies stream data lazily, so every source stays open until the save.
        self._sources: list[Pdf] = []
        self._starts: list[int] = []
        self._outlines: list[list[OutlineItem]] = []
        self._need_appearances = False
        self._structure = _Structure()
        # Per part with links: its place, its links and where their texts were found.
        self._links: list[
            tuple[int, tuple[PartLink, ...], list[TextArea | None], list[Room | None]]
        ] = []
        # The names of the links not made (written by ``write``) as their text was not found
        # on their part's pages, or an annex's as its item's was not.
        self.unlinked: list[str] = []
        # The blank page put before a part (by its place in the merge), at this page index.
        self._blanks: dict[int, int] = {}

    def __enter__(self) -> Merger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the sources (a merger that was not written is simply dropped)."""
        self._stack.close()

    def add(self, part: MergePart) -> None:
        """Append the pages of ``part``, to go under a bookmark of its own."""
        src = self._stack.enter_context(_open_part(part.pdf))
        out = self._out
        try:
            # Only in memory: the source file is never written.
            stripped = strip_active_content(src)
        except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError) as error:
            raise PartRejected(
                part.pdf,
                "is beschadigd: de pagina's kunnen niet worden gelezen (lever de bijlage "
                "opnieuw aan)",
            ) from error
        self._need_appearances |= _keep_form_defaults(src)
        if part.new_sheet and len(out.pages) % 2:
            self._blanks[len(self._parts)] = len(out.pages)
            _add_blank_page(out, self._stack)
        start = len(out.pages)
        self._starts.append(start)
        addresses = _mark_web_bookmarks(src) if part.keep_outline else {}
        out.add_pages_from(src, outlines="preserve" if part.keep_outline else "ignore")
        # A tree may refer to what was stripped: then it is walked, which leaves that out.
        own = part.own_structure and not stripped
        self._structure.add(out, src, start, part.title, own=own, ours=part.own_structure)
        items = _detach_outline(out)
        _restore_web_bookmarks(items, addresses)
        self._outlines.append(_without_the_parts_own(out, items, start, part.title))
        if part.links:
            # Read here, while the part's file is sure to be there (a dossier's bundle is
            # moved into place while the meeting bundle is merged).
            sought = [
                Sought(link.text, link.number, link.title, unnumbered=link.annex is not None)
                for link in part.links
            ]
            areas = text_areas(part.pdf, sought)
            rooms: list[Room | None] = [None] * len(areas)
            if part.page_references:
                rooms = rooms_after(part.pdf, areas, REFERENCE_BELOW, REFERENCE_ABOVE)
            self._links.append((len(self._parts), part.links, areas, rooms))
        self._parts.append(part)
        self._sources.append(src)

    def write(self, output: Path) -> Path:
        """Add bookmarks, page labels, marks and metadata; write ``output`` atomically."""
        if not self._parts:
            raise ValueError("a merge needs at least one part")
        out, parts, sources, starts, meta = (
            self._out,
            self._parts,
            self._sources,
            self._starts,
            self.meta,
        )
        ends = [*starts[1:], len(out.pages)]
        for index, blank in self._blanks.items():
            ends[index - 1] = blank  # a part's pages end before the blank page after it
        _write_outline(out, parts, starts, self._outlines)
        _write_page_labels(out, parts, sources, starts, self._blanks)
        _carry_attachments(out, sources)
        if self._need_appearances and isinstance(out.Root.get(Name.AcroForm), Dictionary):
            out.Root.AcroForm.NeedAppearances = True
        references: dict[int, list[tuple[float, float, str]]] = {}
        for index, links, areas, rooms in self._links:
            self.unlinked += _add_links(
                out, self._structure, index, starts, sources, links, areas, rooms, references
            )
        _draw_references(out, references, self._stack)
        # Before the marks: an untagged part's wrapper must not take in its stamps.
        self._structure.write(out)
        marks = _plan_marks(parts, starts, ends, meta.niet_openbaar)
        if marks:
            _apply_marks(out, parts, starts, ends, marks, self._stack)
        _write_metadata(out, meta)
        version = max((src.pdf_version for src in sources), default="1.7")
        expected = _total_size(part.pdf for part in parts)
        with atomic_path(Path(output)) as temp, library_output(temp, expected) as stream:
            out.save(
                stream,
                min_version=max(version, "1.7"),
                deterministic_id=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )
        return Path(output)


def _add_links(
    out: Pdf,
    structure: _Structure,
    index: int,
    starts: Sequence[int],
    sources: Sequence[Pdf],
    links: Sequence[PartLink],
    areas: Sequence[TextArea | None],
    rooms: Sequence[Room | None],
    references: dict[int, list[tuple[float, float, str]]],
) -> list[str]:
    """Put the links of part ``index`` on its pages where their texts were found: internal
    (a destination, no action), printed (/F 4, as PDF/A wants), without a border, named, and
    tagged as a Link element in the part's tree (see _Structure.link). Where ``rooms`` has
    room after a link's text for the label of the page it leads to, that goes in
    ``references`` (per page: left, baseline, text), and the link covers it too. Return the
    names of those not made for their text (or their item's) not found."""
    found: set[int] = set()
    unfound: list[str] = []
    for link, area, room in zip(links, areas, rooms, strict=True):
        if link.target >= len(starts) or link.target == index:
            continue
        if area is None or (link.annex is not None and link.target not in found):
            unfound.append(link.name)
            continue
        offset = 0 if link.annex is None else _annex_start(sources[link.target], link.annex)
        if offset is None:
            continue
        if link.annex is None:
            found.add(link.target)
        page_index, boxes, mcid, _baseline = area
        page = out.pages[starts[index] + page_index].obj
        destination = starts[link.target] + offset
        reference = _page_reference(out, destination, room)
        if reference is not None:
            left, _baseline, text = reference
            references.setdefault(starts[index] + page_index, []).append(reference)
            right = left + _reference_width(text)
            # The reference's line, as PDFium boxes a line of the agenda's text.
            line = boxes[-1]
            boxes = (*boxes, (left, line[1], right, line[3]))
        # A little air around the text, as a finger taps.
        left = min(box[0] for box in boxes) - 1
        bottom = min(box[1] for box in boxes) - 1
        right = max(box[2] for box in boxes) + 1
        top = max(box[3] for box in boxes) + 1
        quads: list[float] = []
        for x0, y0, x1, y1 in boxes:
            quads += [x0, y1, x1, y1, x0, y0, x1, y0]
        annot = out.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([_decimal(v) for v in (left, bottom, right, top)]),
                QuadPoints=Array([_decimal(v) for v in quads]),
                Border=Array([0, 0, 0]),
                F=4,
                Contents=String(link.name),
                Dest=_page_dest(out, destination),
                P=page,
            )
        )
        annots = page.get(Name.Annots)
        if not isinstance(annots, Array):
            annots = Array()
            page.Annots = annots
        annots.append(annot)
        structure.link(out, index, page, annot, mcid)
    return unfound


def _reference_width(text: str) -> float:
    _register_fonts()
    from reportlab.pdfbase import pdfmetrics

    return float(pdfmetrics.stringWidth(text, "AsmSans", REFERENCE_SIZE))


def _page_reference(out: Pdf, page: int, room: Room | None) -> tuple[float, float, str] | None:
    """The reference to page ``page`` (its label), its left end and baseline, if it fits in
    ``room`` right-aligned at its margin; None if not (a heading that fills its line)."""
    if room is None:
        return None
    try:
        label = out.pages[page].label
    except (pikepdf.PdfError, IndexError, ValueError):
        return None
    text = REFERENCE_PREFIX + label
    left = room.margin - _reference_width(text)
    if left < room.start + REFERENCE_GAP or room.margin > room.end:
        return None
    return left, room.baseline, text


def _draw_references(
    out: Pdf, references: dict[int, list[tuple[float, float, str]]], stack: contextlib.ExitStack
) -> None:
    """Draw the page references on their pages (see _page_reference), as artifacts."""
    if not references:
        return
    buffer = io.BytesIO()
    drawing = _canvas(buffer, REFERENCE_SIZE)
    pages = sorted(references)
    boxes = []
    for index in pages:
        box = _normalised(out.pages[index].mediabox)
        boxes.append(box)
        drawing.setPageSize((box[2] - box[0], box[3] - box[1]))
        drawing.setFillColorRGB(LATER_MARK_GREY, LATER_MARK_GREY, LATER_MARK_GREY)
        drawing.setFont("AsmSans", REFERENCE_SIZE)
        for left, baseline, text in references[index]:
            drawing.drawString(left - box[0], baseline - box[1], text)
        drawing.showPage()
    drawing.save()
    drawn = stack.enter_context(Pdf.open(io.BytesIO(buffer.getvalue())))
    for number, (index, box) in enumerate(zip(pages, boxes, strict=True)):
        page = out.pages[index]
        form = out.copy_foreign(drawn.pages[number].as_form_xobject())
        name = page.add_resource(form, Name.XObject, _free_name(page))
        unmatched, unclosed = _unbalanced_saves(page)
        page.contents_add(b"q\n" * (unmatched + 1), prepend=True)
        page.contents_add(
            b"\n"
            + b"Q\n" * (unclosed + 1)
            + _REFERENCE_ARTIFACT
            + f"\nq 1 0 0 1 {_fmt(box[0])} {_fmt(box[1])} cm {name} Do Q\nEMC\n".encode("ascii")
        )


def _add_blank_page(out: Pdf, stack: contextlib.ExitStack) -> None:
    """Append an A4 page that says it is left blank on purpose; its text an artifact, so
    that it is not read as part of the document (no tags, nothing in the reading order)."""
    blank = stack.enter_context(Pdf.open(io.BytesIO(_blank_page_pdf())))
    out.pages.append(blank.pages[0])
    page = out.pages[-1]
    page.contents_add(b"/Artifact <</Type /Pagination>> BDC\n", prepend=True)
    page.contents_add(b"\nEMC\n")


def _blank_page_pdf() -> bytes:
    """The blank page: A4, BLANK_PAGE_TEXT centred, small and grey, in embedded LiberationSans."""
    buffer = io.BytesIO()
    drawing = _canvas(buffer, BLANK_PAGE_SIZE)
    from reportlab.lib.pagesizes import A4

    drawing.setPageSize(A4)
    drawing.setFillColorRGB(BLANK_PAGE_GREY, BLANK_PAGE_GREY, BLANK_PAGE_GREY)
    drawing.setFont("AsmSans", BLANK_PAGE_SIZE)
    drawing.drawCentredString(A4[0] / 2, A4[1] / 2, BLANK_PAGE_TEXT)
    drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def _decimal(value: float) -> Decimal:
    """A coordinate to two decimals: no float noise in the file."""
    return Decimal(f"{value:.2f}")


def _annex_start(src: Pdf, number: int) -> int | None:
    """The first page of annex ``number`` in a dossier's bundle, by its labels; None if none."""
    prefix = f"B{number}-"
    for index, label in _own_page_labels(src):
        if str(label.get(Name.P, "")) == prefix:
            return index
    return None


def _total_size(paths: Iterable[Path]) -> int | None:
    """The parts' sizes together, about what their bundle will be; None if one is unknown."""
    try:
        return sum(os.path.getsize(path) for path in paths)
    except OSError:
        return None


@contextlib.contextmanager
def _open_part(path: Path) -> Any:
    """Open a part read-only; a file that does not open is an input problem, not a crash."""
    try:
        src = Pdf.open(path)
    except pikepdf.PasswordError as error:
        raise PartRejected(path, PASSWORD_PROTECTED) from error
    except pikepdf.PdfError as error:
        raise PartRejected(path, not_opened_pdf(error)) from error
    except OSError as error:  # gone or unreadable since the intake read it: not damaged
        raise PartRejected(path, not_opened(error)) from error
    with src:
        yield src


# --- outline and page labels ---------------------------------------------------------------


def _detach_outline(out: Pdf) -> list[OutlineItem]:
    """Take the items just carried from a part off the top level, to nest them later."""
    if Name.Outlines not in out.Root:
        return []
    with out.open_outline() as outline:
        items = list(outline.root)
        outline.root.clear()
    return items


# The stand-in destination of a bookmark to a web address while qpdf copies it; see below.
_WEB_BOOKMARK = "assembler-webadres-"


def _mark_web_bookmarks(src: Pdf) -> dict[str, str]:
    """Give each bookmark of ``src`` that opens a web address a stand-in destination (in memory
    only), so that it is copied: qpdf copies only the bookmarks that go to a page. The
    addresses by stand-in, for :func:`_restore_web_bookmarks`."""
    if len(src.pages) == 0:
        return {}
    marked: dict[str, str] = {}
    for item in outline_items(src):
        address = bookmark_address(item)
        if address is None:
            continue
        mark = f"{_WEB_BOOKMARK}{len(marked)}"
        # A third element names the stand-in: qpdf copies a destination's elements as they are.
        item.Dest = Array([src.pages[0].obj, Name.Fit, String(mark)])
        del item[Name.A]
        marked[mark] = address
    return marked


def _restore_web_bookmarks(items: list[OutlineItem], marked: dict[str, str]) -> None:
    """Give the copied bookmarks with a stand-in destination their web address back."""
    todo = list(items) if marked else []
    while todo:
        item = todo.pop()
        todo.extend(item.children)
        destination = item.destination
        if not (isinstance(destination, Array) and len(destination) == 3):
            continue
        mark = destination[2]
        if isinstance(mark, String) and str(mark) in marked:
            item.destination = None
            item.action = Dictionary(S=Name.URI, URI=String(marked[str(mark)]))


def _without_the_parts_own(
    out: Pdf, items: list[OutlineItem], start: int, title: str
) -> list[OutlineItem]:
    """``items`` without a bookmark that only repeats the part's own: one to the part's first
    page that is all there is (a spreadsheet's one sheet 'Blad1', a document's own title), or
    the document's title heading, first, with the part's title: what is under it takes its
    place (the agenda's 'Agenda' beside 'Agendapunten', the memo's 'Memo' over its headings).
    A later one with that title is a section ('Voorstel', a voorstel's decisions): it stays."""
    if not items or not _to_page(out, items[0], start):
        return items
    first = items[0]
    if len(items) == 1 and not first.children:
        return []
    if _words(first.title) != _words(title):
        return items
    return [*first.children, *items[1:]]


def _to_page(out: Pdf, item: OutlineItem, index: int) -> bool:
    """Whether ``item`` goes to page ``index`` of ``out``."""
    destination = item.destination
    if isinstance(destination, Array) and len(destination) > 0:
        with contextlib.suppress(AttributeError, TypeError, IndexError):
            return bool(destination[0].objgen == out.pages[index].obj.objgen)
    return False


def _words(title: str) -> str:
    return " ".join(title.split()).casefold()


def _page_dest(out: Pdf, index: int) -> Array:
    return Array([out.pages[index].obj, Name.Fit])


def _entries(out: Pdf, entries: Sequence[OutlineEntry], start: int) -> list[OutlineItem]:
    items = []
    for entry in entries:
        item = OutlineItem(entry.title, _page_dest(out, start + entry.page))
        item.children = _entries(out, entry.children, start)
        items.append(item)
    return items


def _write_outline(
    out: Pdf,
    parts: Sequence[MergePart],
    starts: Sequence[int],
    part_outlines: Sequence[list[OutlineItem]],
) -> None:
    with out.open_outline() as outline:
        for part, start, own in zip(parts, starts, part_outlines, strict=True):
            item = OutlineItem(part.title, _page_dest(out, start))
            item.children = [*_entries(out, part.children, start), *own]
            # Closed entries keep a long bundle's outline readable; a reader opens one annex.
            item.is_closed = bool(own)
            outline.root.append(item)
    out.Root.PageMode = Name.UseOutlines


def _write_page_labels(
    out: Pdf,
    parts: Sequence[MergePart],
    sources: Sequence[Pdf],
    starts: Sequence[int],
    blanks: dict[int, int] | None = None,
) -> None:
    nums: list[Any] = []
    for number, (part, src, start) in enumerate(zip(parts, sources, starts, strict=True)):
        if blanks and number in blanks:
            # A label of its own, under the part before ("4.leeg"): not a number in that part's
            # run ("4.B2-2" for an annex of one page would name a page it does not have), and
            # the next part's labels start anew after it.
            before = parts[number - 1]
            prefix = before.label_prefix if before.label_prefix is not None else ""
            prefix = prefix or before.own_labels_under
            nums += [blanks[number], Dictionary(P=String(prefix + BLANK_PAGE_LABEL))]
        own = _own_page_labels(src) if part.label_prefix is None else []
        if own:
            for index, label in own:
                copied = _label_copy(label)
                if part.own_labels_under:
                    copied.P = String(part.own_labels_under + str(copied.get(Name.P, "")))
                nums += [start + index, copied]
            continue
        label = Dictionary(S=Name.D)
        prefix = part.label_prefix if part.label_prefix is not None else part.own_labels_under
        if prefix:
            label.P = String(prefix)
        nums += [start, label]
    out.Root.PageLabels = out.make_indirect(Dictionary(Nums=Array(nums)))


def _label_copy(label: Dictionary) -> Dictionary:
    """A page label holds only a style, a prefix and a start number; rebuild it here."""
    copy = Dictionary()
    if isinstance(label.get(Name.S), Name):
        copy.S = Name(str(label.S))
    if isinstance(label.get(Name.P), String):
        copy.P = String(str(label.P))
    if isinstance(label.get(Name.St), int):
        copy.St = int(label.St)
    return copy


def _own_page_labels(src: Pdf) -> list[tuple[int, Dictionary]]:
    labels = src.Root.get(Name.PageLabels)
    if not isinstance(labels, Dictionary):
        return []
    try:
        tree = pikepdf.NumberTree(labels)
        found = [(int(k), v) for k, v in tree.items() if isinstance(v, Dictionary)]
    except (pikepdf.PdfError, TypeError, ValueError):
        return []
    found = [(k, v) for k, v in found if 0 <= k < len(src.pages)]
    if not found or found[0][0] != 0:
        found.insert(0, (0, Dictionary(S=Name.D)))
    return sorted(found, key=lambda pair: pair[0])


def _keep_form_defaults(src: Pdf) -> bool:
    """Let a part's form fields keep what its own form dictionary gave them, which the merged
    document's does not carry: the default appearance (font, size, colour) goes onto each
    field without its own; returns whether the part asks viewers to draw its fields.

    A form that asks (NeedAppearances) has fields without an appearance of their own, or with
    one the viewer is to redraw from the field's border and colours: a viewer draws them as
    in the received annex only if the bundle asks too. qpdf's own drawing leaves out the
    borders and colours, so it is not used.
    """
    form = src.Root.get(Name.AcroForm)
    if not isinstance(form, Dictionary):
        return False
    default = form.get(Name.DA)
    if default is not None:
        for field in form.get(Name.Fields, Array()):
            if isinstance(field, Dictionary) and Name.DA not in field:
                field.DA = default  # its kids inherit it from here
    return bool(form.get(Name.NeedAppearances, False))


def _carry_attachments(out: Pdf, sources: Sequence[Pdf]) -> None:
    """Document-level attachments of a part would be lost with its catalog; carry them."""
    tree: pikepdf.NameTree | None = None
    for src in sources:
        names = src.Root.get(Name.Names)
        if not isinstance(names, Dictionary) or Name.EmbeddedFiles not in names:
            continue
        try:
            items = list(pikepdf.NameTree(names.EmbeddedFiles).items())
        except (pikepdf.PdfError, TypeError, ValueError):
            continue
        for key, spec in items:
            if tree is None:
                if Name.Names not in out.Root:
                    out.Root.Names = out.make_indirect(Dictionary())
                out.Root.Names.EmbeddedFiles = pikepdf.NameTree.new(out).obj
                tree = pikepdf.NameTree(out.Root.Names.EmbeddedFiles)
            name = key
            suffix = 1
            while name in tree:
                suffix += 1
                name = f"{key}.{suffix}"
            if not spec.is_indirect:
                # copy_foreign takes indirect objects only; the copy carries its streams along.
                spec = src.make_indirect(spec)
            tree[name] = out.copy_foreign(spec)


# --- tagged structure ----------------------------------------------------------------------

# What ``_apply_marks`` draws is pagination, not content: outside the reading order.
_ARTIFACT = "/Artifact <</Type /Pagination /Subtype /Header>>"
# What holds a key of the ParentTree: a page or form (its content's ids), an annotation or an
# XObject drawn whole (itself).
_KEYS = (Name.StructParents, Name.StructParent)
# Operators that begin something drawn: where a page's own wrapper opens again after an
# artifact. Marked content may begin there (between objects, or inside a text object).
_DRAWING = frozenset(("Tj", "TJ", "'", '"', "m", "re", "Do", "sh", "BI", "INLINE IMAGE", "BT"))
# What in an untagged page's own marked content may not stand inside the wrapper: an id (ids
# may not nest) or an artifact. A span (ActualText, as Chrome and Google Docs write) or a
# layer (/OC) may, so such a page is wrapped as it is, not parsed and written anew.
_ID_OR_ARTIFACT = re.compile(rb"/MCID(?![^\s\[\(<%/>])|/Artifact(?![^\s\[\(<%/>])")
# A text object's start and an inline image's, as operators (not inside a name or a number);
# a string that happens to hold one only makes a page count as text, as before.
_TEXT_OBJECT = re.compile(rb"(?<![^\s\]>)])BT(?![^\s\[\]<>(/%])")
_INLINE_IMAGE = re.compile(rb"(?<![^\s\]>)])BI(?![^\s\[\]<>(/%])")
# A page whose forms nest deeper than this is not looked into for images only.
_FORMS_LOOKED_AT = 200
# Above this much content the page is wrapped as it is even then: a parse and rewrite costs
# about 50 times its size in memory (a 20 MB map: 1 GB), more than a nested id is worth.
_REWRITE_LIMIT = 1 << 20


@dataclass
class _Walked:
    """A part's tree as carried: its top elements, what its elements claim, its elements."""

    top: list[Dictionary]
    # Per page or form XObject (by object id): it, and its marked-content ids' elements.
    marked: dict[tuple[int, int], tuple[Any, dict[int, Dictionary]]]
    # Annotations and XObjects drawn whole, each with the element that holds its /OBJR.
    objects: list[tuple[Any, Dictionary]]
    elements: list[Dictionary]


# A language tag as BCP 47 shapes one (en, nl-NL, zh-Hant-TW, x-klingon): letters and digits
# in subtags of at most eight, a few of them.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,7}")


class _Structure:
    """The structure trees of the parts, gathered into one tree for the bundle.

    A tagged part's tree is copied with its pages (qpdf maps its ``/Pg`` and ``/Obj`` to the
    copies) and goes under one ``/Part`` element. Its ParentTree is not trusted but made anew
    from the tree: each page's marked-content ids to the elements that claim them, past the
    keys of the parts before. A loop or a second path to an element is cut, a reference to an
    annotation the bundle left out is dropped. An untagged part, or one whose tree points
    outside its pages, gets minimal tags (:func:`_wrap_page`): a reader of the tags still reads
    it, in content order. A bundle whose parts are all untagged stays untagged.
    """

    def __init__(self) -> None:
        # Per part its Part element, or the pages and language of a part still to be wrapped.
        self.parts: list[Dictionary | tuple[list[Dictionary], str, String | None]] = []
        self.parent_tree: list[tuple[int, Any]] = []
        self.next_key = 0
        self.role_map: dict[str, Any] = {}
        self.class_map: dict[str, Any] = {}
        self.ids: dict[str, Any] = {}
        self.namespaces: list[Any] = []

    def add(
        self, out: Pdf, src: Pdf, start: int, title: str, *, own: bool = False, ours: bool = False
    ) -> None:
        """Carry the structure of the part whose pages were just copied from ``src``; ``own``:
        a PDF made by the build, whose tree is moved as it is when nothing clashes; ``ours``: a
        PDF made by the build, in the bundle's language unless it says another."""
        pages = [out.pages[index].obj for index in range(start, len(out.pages))]
        lang = src.Root.get(Name.Lang)
        if not isinstance(lang, String) or not _LANGUAGE_TAG.fullmatch(str(lang)):
            # An annex that names no language is read in an unknown one (an empty /Lang, ISO
            # 32000-1 14.9.2.2), not in the bundle's Dutch: a screen reader would read Arabic
            # or English with a Dutch voice. Nor is what is no language tag carried (a
            # sender's 300 000 characters of junk, control characters).
            lang = None if ours else String("")
        before = (
            len(self.parent_tree),
            self.next_key,
            dict(self.role_map),
            dict(self.class_map),
            dict(self.ids),
        )
        try:
            if own and self._move_own(out, src, pages, title, lang):
                return
        except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError):
            # Walked below, as any part's tree, from where it was.
            del self.parent_tree[before[0] :]
            self.next_key = before[1]
            self.role_map, self.class_map, self.ids = (dict(kept) for kept in before[2:])
        # Every key is given anew from the tree; what the source had is not trusted.
        for holder, key in _key_holders(pages):
            del holder[key]
        try:
            carried = self._carry(out, src, pages, title, lang)
        except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError):
            carried = False
        if not carried:
            # A tree that breaks half-way leaves nothing of it behind.
            del self.parent_tree[before[0] :]
            self.next_key, self.role_map, self.class_map, self.ids = before[1:]
            for holder, key in _key_holders(pages):
                del holder[key]
            self.parts.append((pages, title, lang))

    def _carry(
        self, out: Pdf, src: Pdf, pages: list[Dictionary], title: str, lang: String | None
    ) -> bool:
        root = src.Root.get(Name.StructTreeRoot)
        if not isinstance(root, Dictionary) or Name.K not in root:
            return False
        # Made anew from the tree; not copied (only in memory: the source is never written).
        for key in (Name.ParentTree, Name.IDTree):
            if key in root:
                del root[key]
        if not root.is_indirect:
            root = src.make_indirect(root)  # as copy_foreign wants
        copied = out.copy_foreign(root)
        kids = [kid for kid in _as_list(copied.get(Name.K)) if isinstance(kid, Dictionary)]
        role_map = copied.get(Name.RoleMap)
        roles = dict(role_map.items()) if isinstance(role_map, Dictionary) else {}
        classes, namespaces = _maps(copied)
        renames = {**self._roles(roles), **self._classes(classes)}
        walked = _walk(out, kids, pages, renames, _widget_copies(out, src, pages))
        if walked is None or not walked.top or not (walked.marked or walked.objects):
            return False
        self._keys(pages, walked)
        self._unique_ids(walked.elements)
        kids = walked.top
        if len(kids) == 1 and _role(kids[0], roles) == "/Document":
            part = kids[0]  # a part's own Document element becomes its Part
            part.S = Name.Part
        else:
            part = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(kids)))
            for kid in kids:
                kid.P = part
        # A page the tree does not reach (a page listed twice, one the tree forgot) is read too.
        unclaimed = [page for page in pages if page.objgen not in walked.marked]
        if unclaimed:
            part.K = Array(
                [
                    *_as_list(part.get(Name.K)),
                    *self._tag_pages(out, unclaimed, part, pages, title),
                ]
            )
        self._adopt(part, title, lang, copied, namespaces)
        return True

    def _adopt(
        self, part: Dictionary, title: str, lang: String | None, copied: Any, namespaces: list[Any]
    ) -> None:
        """Take ``part`` in as the next Part, titled and in its language (None: the bundle's);
        empty the copy of its source's root."""
        part.T = String(title)
        if lang is not None and Name.Lang not in part:
            part.Lang = lang  # a part in another language is read as such
        self.namespaces += namespaces
        self.parts.append(part)
        # The copy of the part's root stays behind only where its tree was broken (an element
        # outside the tree that names it as parent): then as an empty dictionary, not a
        # second root.
        for entry in list(copied.keys()):
            del copied[entry]

    def _move_own(
        self, out: Pdf, src: Pdf, pages: list[Dictionary], title: str, lang: String | None
    ) -> bool:
        """Move a tree the build made (LibreOffice's, a dossier bundle's) into place: its
        ParentTree keys and the pages' keys past those before, without walking its elements;
        False (walk it after all) where it is not one Document element, where its role, class
        or id names clash with a part's before, or where a form's widgets were copied anew."""
        root = src.Root.get(Name.StructTreeRoot)
        if not isinstance(root, Dictionary) or Name.AcroForm in src.Root:
            return False
        role_map = root.get(Name.RoleMap)
        roles = dict(role_map.items()) if isinstance(role_map, Dictionary) else {}
        document = _only(root.get(Name.K))
        if document is None or _role(document, roles) != "/Document":
            return False
        if Name.ParentTree not in root:
            return False
        classes, _namespaces = _maps(root)
        id_tree = root.get(Name.IDTree)
        id_names = (
            [name for name, _ in pikepdf.NameTree(id_tree).items()]
            if isinstance(id_tree, Dictionary)
            else []
        )
        numbers = {int(number) for number, _ in pikepdf.NumberTree(root.ParentTree).items()}
        holders = _key_holders(pages)
        if (
            any(self.role_map.get(name, target) != target for name, target in roles.items())
            or any(
                name in self.class_map and not _same(self.class_map[name], value)
                for name, value in classes.items()
            )
            or any(name in self.ids for name in id_names)
            or any(
                not isinstance(holder[key], int) or int(holder[key]) not in numbers
                for holder, key in holders
            )
        ):
            return False
        if not root.is_indirect:
            root = src.make_indirect(root)  # only in memory, as copy_foreign wants
        copied = out.copy_foreign(root)
        offset = self.next_key
        for holder, key in holders:
            holder[key] = int(holder[key]) + offset
        for number, value in pikepdf.NumberTree(copied.ParentTree).items():
            self.parent_tree.append((offset + int(number), value))
        self.next_key = offset + max(numbers, default=-1) + 1
        part = _only(copied.K)
        if part is None:
            raise TypeError("a Document element was checked for above")
        part.S = Name.Part  # its Document element becomes its Part
        copied_classes, namespaces = _maps(copied)
        for name, target in roles.items():
            self.role_map.setdefault(name, target)
        for name, value in copied_classes.items():
            self.class_map.setdefault(name, value)
        if isinstance(copied.get(Name.IDTree), Dictionary):
            self.ids.update(pikepdf.NameTree(copied.IDTree).items())
        self._adopt(part, title, lang, copied, namespaces)
        return True

    def _keys(self, pages: list[Dictionary], walked: _Walked) -> None:
        """Give the pages, forms and annotations the tree claims their ParentTree keys."""
        order = [page.objgen for page in pages if page.objgen in walked.marked]
        on_pages = set(order)
        order += [objgen for objgen in walked.marked if objgen not in on_pages]
        for objgen in order:
            holder, claims = walked.marked[objgen]
            holder.StructParents = self.next_key
            owners: list[Any] = [None] * (max(claims) + 1)
            for mcid, element in claims.items():
                owners[mcid] = element
            self.parent_tree.append((self.next_key, Array(owners)))
            self.next_key += 1
        for target, element in walked.objects:
            target.StructParent = self.next_key
            self.parent_tree.append((self.next_key, element))
            self.next_key += 1

    def _roles(self, roles: dict[str, Any]) -> dict[str, Name]:
        """Add a part's role map; return its own types renamed for a clash with a part before."""
        renames: dict[str, Name] = {}
        for name, target in roles.items():
            if name in self.role_map and self.role_map[name] != target:
                renames[name] = Name(_free(name, self.role_map, roles))
        for name, target in roles.items():
            if isinstance(target, Name):
                new_name = str(renames.get(name, name))
                self.role_map.setdefault(new_name, renames.get(str(target), target))
        return renames

    def _classes(self, classes: dict[str, Any]) -> dict[str, Name]:
        """Add a part's class map; return its classes renamed for a clash with a part before,
        so that an element keeps its own part's attributes."""
        renames: dict[str, Name] = {}
        for name, value in classes.items():
            if name in self.class_map and _same(self.class_map[name], value):
                continue
            new_name = name
            if name in self.class_map:
                new_name = _free(name, self.class_map, classes)
                renames[f"class {name}"] = Name(new_name)
            self.class_map[new_name] = value
        return renames

    def _unique_ids(self, elements: list[Dictionary]) -> None:
        """Index the part's element ids; an id a part before has is renamed, and so are this
        part's table headers that refer to it (ISO 32000-1 requires unique ids)."""
        renamed: dict[str, str] = {}
        for element in elements:
            given = element.get(Name.ID)
            if not isinstance(given, String):
                continue
            name = str(given)
            if name in self.ids:
                new_name = _free(name, self.ids, {})
                element.ID = String(new_name)
                renamed.setdefault(name, new_name)
                name = new_name
            self.ids[name] = element
        if not renamed:
            return
        for element in elements:
            for attributes in _as_list(element.get(Name.A)):
                headers = (
                    attributes.get(Name.Headers) if isinstance(attributes, Dictionary) else None
                )
                if isinstance(headers, Array):
                    attributes.Headers = Array(
                        [String(renamed.get(str(h), str(h))) for h in headers]
                    )

    def link(self, out: Pdf, index: int, page: Dictionary, annot: Dictionary, mcid: int) -> None:
        """Tag a link just put on a page of part ``index``: a Link element in the element that
        draws the text it stands on (marked-content id ``mcid`` of the page; the part's Part
        element if that cannot be told). An untagged part's links are tagged with its pages
        (_tag_pages)."""
        part = self.parts[index]
        if not isinstance(part, Dictionary):
            return
        parent = part
        key = page.get(Name.StructParents)
        if isinstance(key, int) and mcid >= 0:
            owners = next((v for k, v in self.parent_tree if k == int(key)), None)
            if isinstance(owners, Array) and mcid < len(owners):
                owner = owners[mcid]
                if isinstance(owner, Dictionary) and owner.is_indirect:
                    parent = owner
        reference = Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)
        element = out.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Link, P=parent, K=reference, Pg=page)
        )
        element.Alt = annot.Contents
        kids = parent.get(Name.K)
        parent.K = Array([*_as_list(kids), element]) if kids is not None else Array([element])
        annot.StructParent = self.next_key
        self.parent_tree.append((self.next_key, element))
        self.next_key += 1

    def write(self, out: Pdf) -> None:
        """Give ``out`` one structure tree over the parts' and mark it tagged, if any part
        was; the untagged parts get their minimal tags then (before the marks are drawn)."""
        if all(not isinstance(part, Dictionary) for part in self.parts):
            return
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
        elements = []
        for part in self.parts:
            element = part if isinstance(part, Dictionary) else self._minimal(out, *part)
            element.P = document
            elements.append(element)
        document.K = Array(elements)
        parent_tree = pikepdf.NumberTree.new(out)
        for number, value in self.parent_tree:
            parent_tree[number] = value
        root = out.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=document,
                ParentTree=parent_tree.obj,
                ParentTreeNextKey=self.next_key,
            )
        )
        document.P = root
        if self.role_map:
            root.RoleMap = Dictionary({name: self.role_map[name] for name in sorted(self.role_map)})
        if self.class_map:
            root.ClassMap = Dictionary(dict(sorted(self.class_map.items())))
        if self.ids:
            ids = pikepdf.NameTree.new(out)
            for name, value in sorted(self.ids.items()):
                ids[name] = value
            root.IDTree = ids.obj
        if self.namespaces:
            root.Namespaces = Array(self.namespaces)
        out.Root.StructTreeRoot = root
        out.Root.MarkInfo = Dictionary(Marked=True)
        for page in out.pages:
            # Tab through the annotations in the order of the tags (ISO 32000-1 table 30: a
            # name; LibreOffice 7.4 writes the string (S), an untagged annex none).
            annots = page.obj.get(Name.Annots)
            if isinstance(annots, Array) and len(annots) > 0:
                page.obj.Tabs = Name.S

    def _minimal(
        self, out: Pdf, pages: list[Dictionary], title: str, lang: String | None
    ) -> Dictionary:
        """A Part for an untagged part: per page one P over its content, its links inside."""
        part = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, T=String(title)))
        if lang is not None:
            part.Lang = lang
        part.K = Array(self._tag_pages(out, pages, part, pages, title))
        return part

    def _tag_pages(
        self,
        out: Pdf,
        pages: list[Dictionary],
        parent: Dictionary,
        part: list[Dictionary],
        title: str,
    ) -> list[Any]:
        """Wrap each page's content in one ``/P`` under ``parent`` (a ``/Figure`` named after
        the part's ``title`` where the page draws images and no text), with the page's links
        as ``/Link`` elements in it; return the elements. ``part``: all pages of the part,
        which page numbers count in."""
        elements = []
        linked: set[tuple[int, int]] = set()
        numbers = {page.objgen: number for number, page in enumerate(part, start=1)}
        for page in pages:
            count = _wrap_page(out, page)
            if not count:
                continue
            element = out.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.P, P=parent, Pg=page)
            )
            if _images_only(page):
                # A scanned map: silent as a P, it is read by its description.
                element.S = Name.Figure
                number = numbers[page.objgen]
                element.Alt = String(f"{title}, pagina {number} (afbeelding zonder tekst)")
            kids: list[Any] = list(range(count))
            page.StructParents = self.next_key
            self.parent_tree.append((self.next_key, Array([element] * count)))
            self.next_key += 1
            for annot in _as_list(page.get(Name.Annots)):
                if (
                    not isinstance(annot, Dictionary)
                    or not annot.is_indirect
                    or annot.get(Name.Subtype) != Name.Link
                    or Name.StructParent in annot
                    or annot.objgen in linked
                ):
                    continue
                linked.add(annot.objgen)
                if not isinstance(annot.get(Name.Contents), String):
                    # The link's text is in the page's one P, not in its element: without a
                    # name a screen reader says only "link" (PDF/UA 7.18.5).
                    name = _link_name(out, annot, numbers, title)
                    if name:
                        annot.Contents = String(name)
                reference = Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)
                kids.append(
                    out.make_indirect(
                        Dictionary(Type=Name.StructElem, S=Name.Link, P=element, K=reference)
                    )
                )
                annot.StructParent = self.next_key
                self.parent_tree.append((self.next_key, kids[-1]))
                self.next_key += 1
            element.K = Array(kids)
            elements.append(element)
        return elements


def _images_only(page: Dictionary) -> bool:
    """Whether a page draws images and no text: no text object in its content or in a form
    it may draw (text cannot be shown outside one), an image in its resources or inline."""
    streams = [s for s in _as_list(page.get(Name.Contents)) if isinstance(s, pikepdf.Stream)]
    images = False
    forms: list[Any] = [page]
    seen: set[tuple[int, int]] = set()
    while forms:
        for xobject in _new_xobjects(forms.pop(), seen):
            if xobject.get(Name.Subtype) == Name.Image:
                images = True
            elif xobject.get(Name.Subtype) == Name.Form:
                streams.append(xobject)
                forms.append(xobject)
        if len(seen) > _FORMS_LOOKED_AT:
            return False  # too intricate to tell: read as a P, as before
    for stream in streams:
        data = stream.read_bytes()
        if _TEXT_OBJECT.search(data):
            return False
        images = images or bool(_INLINE_IMAGE.search(data))
    return images


def _link_name(out: Pdf, annot: Dictionary, numbers: dict[tuple[int, int], int], title: str) -> str:
    """A link's name from where it leads, in Dutch ('' if that cannot be told): the text it
    stands on is in its page's one P, and reading it from under the link would mean parsing
    the annex's page in the build's own process. ``title``: the part's ("Bijlage 2 – …")."""
    action = annot.get(Name.A)
    if isinstance(action, Dictionary):
        if action.get(Name.S) == Name.URI:
            target = action.get(Name.URI)
            if not isinstance(target, String):
                return ""
            uri = " ".join(str(target).split())
            if uri.lower().startswith("mailto:"):
                return f"E-mail aan {uri[7:].split('?')[0]}"
            return f"Link naar {uri}" if uri else ""
        destination = action.get(Name.D) if action.get(Name.S) == Name.GoTo else None
    else:
        destination = annot.get(Name.Dest)
    if destination is None:
        return ""
    page = _destination_page(out, destination)
    number = numbers.get(page.objgen) if isinstance(page, Dictionary) else None
    if number is None:
        return "Ga naar een andere plaats in het document"
    # Counted within the part: in a bundle "pagina 2" alone would be the voorstel's.
    part = title.partition(" – ")[0]
    return f"Ga naar pagina {number} van {part[:1].lower()}{part[1:]}"


def _destination_page(out: Pdf, destination: Any) -> Any:
    """The page a destination (explicit or named) points at, None if it cannot be told."""
    try:
        if isinstance(destination, (String, Name)):
            names = out.Root.get(Name.Names)
            tree = names.get(Name.Dests) if isinstance(names, Dictionary) else None
            found = None
            if isinstance(destination, String) and isinstance(tree, Dictionary):
                found = pikepdf.NameTree(tree).get(str(destination))
            old_style = out.Root.get(Name.Dests)
            if found is None and isinstance(old_style, Dictionary):
                found = old_style.get(
                    Name(str(destination))
                    if isinstance(destination, Name)
                    else Name("/" + str(destination))
                )
            destination = found
        if isinstance(destination, Dictionary):
            destination = destination.get(Name.D)
        if isinstance(destination, Array) and len(destination) > 0:
            return destination[0]
    except (pikepdf.PdfError, KeyError, TypeError, ValueError):
        pass
    return None


def _wrap_page(out: Pdf, page: Dictionary) -> int:
    """Put a page's content in marked content ``/P`` with ids 0, 1, …; return how many.

    A page without ids or artifacts in its marked content (almost every untagged annex) gets
    one sequence around all of it. A page with them (a tree that was not carried) is rewritten:
    its ids are taken out of its sequences, as ids may not nest, and its artifacts stay outside
    the wrapper, which closes before one and opens again at the next thing drawn.
    """
    if Name.Contents not in page:
        return 0
    wrapped = pikepdf.Page(page)
    streams = [s for s in _as_list(page.Contents) if isinstance(s, pikepdf.Stream)]
    contents = [stream.read_bytes() for stream in streams]
    if sum(map(len, contents)) > _REWRITE_LIMIT or not any(
        _ID_OR_ARTIFACT.search(data) for data in contents
    ):
        wrapped.contents_add(b"/P <</MCID 0>> BDC\n", prepend=True)
        wrapped.contents_add(b"\nEMC\n")
        return 1
    result: list[Any] = []
    depth = 0  # the page's own sequences open
    count = 0
    inside = False  # in our wrapper
    emc = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))

    def begin() -> None:
        nonlocal count, inside
        if not inside and depth == 0:
            result.append(
                pikepdf.ContentStreamInstruction(
                    [Name.P, Dictionary(MCID=count)], pikepdf.Operator("BDC")
                )
            )
            count += 1
            inside = True

    for instruction in pikepdf.parse_content_stream(wrapped):
        operator = str(instruction.operator)
        operands = list(instruction.operands)
        if operator in ("BMC", "BDC"):
            if depth == 0 and operands and operands[0] == Name.Artifact:
                if inside:
                    result.append(emc)
                    inside = False
            else:
                begin()
                properties = operands[1] if len(operands) > 1 else None
                if isinstance(properties, Dictionary) and Name.MCID in properties:
                    rest = {key: value for key, value in properties.items() if key != "/MCID"}
                    instruction = (
                        pikepdf.ContentStreamInstruction(
                            [operands[0], Dictionary(rest)], pikepdf.Operator("BDC")
                        )
                        if rest
                        else pikepdf.ContentStreamInstruction(
                            [operands[0]], pikepdf.Operator("BMC")
                        )
                    )
            depth += 1
        elif operator == "EMC":
            if depth == 0:
                continue  # one too many: it would close the wrapper
            depth -= 1
        elif operator in _DRAWING:
            begin()
        result.append(instruction)
    result += [emc] * (depth + inside)
    page.Contents = out.make_stream(pikepdf.unparse_content_stream(result))
    return count


def _free(name: str, *taken: Any) -> str:
    """``name`` with the first suffix ``_2``, ``_3``, … that none of ``taken`` holds."""
    number = 2
    while any(f"{name}_{number}" in names for names in taken):
        number += 1
    return f"{name}_{number}"


def _same(first: Any, second: Any) -> bool:
    """Whether two values of a class map say the same (copies compare by what they hold)."""
    try:
        return bool(first.unparse(resolved=True) == second.unparse(resolved=True))
    except AttributeError:
        return bool(first == second)


def _maps(root: Any) -> tuple[dict[str, Any], list[Any]]:
    """A structure tree's class map and namespaces."""
    classes = root.get(Name.ClassMap)
    namespaces = root.get(Name.Namespaces)
    return (
        dict(classes.items()) if isinstance(classes, Dictionary) else {},
        list(namespaces) if isinstance(namespaces, Array) else [],
    )


def _role(element: Dictionary, roles: dict[str, Any]) -> str:
    kind = str(element.get(Name.S, ""))
    return str(roles.get(kind, kind))


def _only(value: Any) -> Dictionary | None:
    """The one element ``value`` is or holds (LibreOffice lists its Document element alone)."""
    if isinstance(value, Array) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, Dictionary) else None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, Array):
        return list(value)
    return [] if value is None else [value]


def _widget_copies(out: Pdf, src: Pdf, pages: list[Dictionary]) -> dict[tuple[int, int], Any]:
    """For a part with a form: its annotations as first copied, each to the one on the page.

    Carrying the form copies the widgets once more, after the tree's references were mapped;
    the page keeps its annotations in their order.
    """
    if Name.AcroForm not in src.Root:
        return {}
    copies: dict[tuple[int, int], Any] = {}
    for source, page in zip(src.pages, pages, strict=False):
        before = _as_list(source.obj.get(Name.Annots))
        after = _as_list(page.get(Name.Annots))
        if len(before) != len(after):
            continue
        for old, new in zip(before, after, strict=True):
            if isinstance(old, Dictionary) and old.is_indirect and new.is_indirect:
                first = out.copy_foreign(old)  # the copy made with the page
                if first.objgen != new.objgen:
                    copies[first.objgen] = new
    return copies


def _walk(
    out: Pdf,
    kids: list[Dictionary],
    pages: list[Dictionary],
    renames: dict[str, Name],
    widgets: dict[tuple[int, int], Any],
) -> _Walked | None:
    """The copied tree as it is carried, or None if it refers to what is not on ``pages``.

    On the way: types and classes in ``renames`` are renamed, references to ``widgets`` follow
    the copies on the page, and what cannot be carried is cut from its parent's kids: a second
    path to an element (a loop), a reference to an annotation on no page (left out by
    :func:`strip_active_content`), a marked-content id without a page or claimed twice. An
    element left without kids goes too.
    """
    page_ids = {page.objgen for page in pages}
    annots = {
        annot.objgen
        for page in pages
        for annot in _as_list(page.get(Name.Annots))
        if isinstance(annot, Dictionary) and annot.is_indirect
    }
    walked = _Walked(top=[], marked={}, objects=[], elements=[])
    seen: set[tuple[int, int]] = set()
    taken: set[tuple[int, int]] = set()
    parents: list[int] = []
    had_kids: list[int] = []  # how many kids each element had
    remade: set[int] = set()  # elements with a kid made indirect
    unlinked: set[int] = set()  # elements whose annotation was left out
    kept: list[list[Any]] = []  # per element its kids: (index of an element, None) or (None, item)
    top: list[Any] = []
    stack: list[tuple[Any, int, Any]] = [(kid, -1, None) for kid in reversed(kids)]

    def claim(holder: Any, mcid: Any, parent: int) -> bool:
        if parent < 0 or not isinstance(holder, (Dictionary, pikepdf.Stream)):
            return False
        if not isinstance(mcid, int) or mcid < 0 or not holder.is_indirect:
            return False
        claims = walked.marked.setdefault(holder.objgen, (holder, {}))[1]
        if mcid in claims:
            return False
        claims[mcid] = walked.elements[parent]
        return True

    while stack:
        node, parent, page = stack.pop()
        into = kept[parent] if parent >= 0 else top
        if isinstance(node, int):
            if claim(page, node, parent):
                into.append((None, node))
            continue
        if not isinstance(node, Dictionary):
            continue
        if Name.Pg in node:
            if not isinstance(node.Pg, Dictionary) or node.Pg.objgen not in page_ids:
                return None
            page = node.Pg
        kind = node.get(Name.Type)
        if kind == Name.OBJR:
            target = node.get(Name.Obj)
            if isinstance(target, Dictionary) and target.objgen in widgets:
                target = node.Obj = widgets[target.objgen]
            if not isinstance(target, (Dictionary, pikepdf.Stream)):
                return None
            if Name.Rect in target and target.objgen not in annots:
                unlinked.add(parent)
                continue  # an annotation the bundle left out, as a link to a file
            if parent >= 0 and target.is_indirect and target.objgen not in taken:
                taken.add(target.objgen)
                walked.objects.append((target, walked.elements[parent]))
                into.append((None, node))
            continue
        if kind == Name.MCR:
            stream = node.get(Name.Stm)
            holder = stream if stream is not None else page
            if claim(holder, node.get(Name.MCID), parent):
                into.append((None, node))
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        else:
            node = out.make_indirect(node)
            remade.add(parent)
        if renames:
            _rename(node, renames)
        index = len(walked.elements)
        walked.elements.append(node)
        parents.append(parent)
        kept.append([])
        had_kids.append(len(_as_list(node.get(Name.K))))
        into.append((index, None))
        stack += [(kid, index, page) for kid in reversed(_as_list(node.get(Name.K)))]

    gone: set[int] = set()
    for index in reversed(range(len(walked.elements))):
        element = walked.elements[index]
        kids_now = [
            walked.elements[i] if i is not None else item
            for i, item in kept[index]
            if i is None or i not in gone
        ]
        if had_kids[index] and not kids_now:
            gone.add(index)
            continue
        if len(kids_now) != had_kids[index] or index in remade:
            element.K = Array(kids_now)
        if (
            index in unlinked
            and element.get(Name.S) == Name.Link
            and not any(
                isinstance(k, Dictionary) and k.get(Name.Type) == Name.OBJR for k in kids_now
            )
        ):
            # Its text is no longer a link: a reader must not announce one.
            element.S = Name.Span
        if parents[index] >= 0:
            element.P = walked.elements[parents[index]]
    walked.top = [walked.elements[i] for i, _item in top if i is not None and i not in gone]
    walked.elements = [e for i, e in enumerate(walked.elements) if i not in gone]
    return walked


def _rename(element: Dictionary, renames: dict[str, Name]) -> None:
    """Rename an element's type and classes as ``renames`` says (classes keyed 'class …')."""
    kind = str(element.get(Name.S))
    if kind in renames:
        element.S = renames[kind]
    classes = element.get(Name.C)
    if isinstance(classes, Name) and f"class {classes}" in renames:
        element.C = renames[f"class {classes}"]
    elif isinstance(classes, Array):
        element.C = Array(
            [renames.get(f"class {c}", c) if isinstance(c, Name) else c for c in classes]
        )


def _new_xobjects(owner: Any, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Stream]:
    """The XObjects ``owner``'s resources name, each shared one only the first time (``seen``
    holds those met before): a form drawn on every page is looked into once."""
    resources = owner.get(Name.Resources)
    xobjects = resources.get(Name.XObject) if isinstance(resources, Dictionary) else None
    for _name, xobject in xobjects.items() if isinstance(xobjects, Dictionary) else ():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        if xobject.is_indirect:
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
        yield xobject


def _key_holders(pages: list[Dictionary]) -> list[tuple[Any, Name]]:
    """What on ``pages`` holds a ParentTree key: the pages, their annotations and XObjects."""
    holders: list[tuple[Any, Name]] = []
    seen: set[tuple[int, int]] = set()

    def visit(owner: Any) -> None:
        for xobject in _new_xobjects(owner, seen):
            holders.extend((xobject, key) for key in _KEYS if key in xobject)
            if xobject.get(Name.Subtype) == Name.Form:
                visit(xobject)

    for page in pages:
        if Name.StructParents in page:
            holders.append((page, Name.StructParents))
        visit(page)
        for annot in _as_list(page.get(Name.Annots)):
            if not isinstance(annot, Dictionary) or Name.StructParent not in annot:
                continue
            if annot.is_indirect:
                if annot.objgen in seen:
                    continue
                seen.add(annot.objgen)
            holders.append((annot, Name.StructParent))
    return holders


# --- marks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """What is drawn in the top band of one page (or, ``bottom``, the right one at the bottom)."""

    right: str | None = None
    center: str | None = None
    # The right mark is a later page's ("… – pagina 2 van 5"): grey, and allowed at the bottom.
    later: bool = False
    bottom: bool = False


def _plan_marks(
    parts: Sequence[MergePart], starts: Sequence[int], ends: Sequence[int], confidential: bool
) -> dict[int, _Mark]:
    marks: dict[int, _Mark] = {}
    for part, start, end in zip(parts, starts, ends, strict=True):
        for index in range(start, end):
            right = part.first_page_mark if index == start else None
            later = index > start and part.later_page_mark is not None
            if later:
                right = f"{part.later_page_mark} – pagina {index - start + 1} van {end - start}"
            shown = index - start in part.confidential_shown
            center = CONFIDENTIAL if confidential and not shown else None
            if right or center:
                marks[index] = _Mark(right=right, center=center, later=later)
    return marks


def _visible_box(page: pikepdf.Page) -> list[float]:
    media = _normalised(page.mediabox)
    crop_obj = page.obj.get(Name.CropBox)
    if not isinstance(crop_obj, Array):
        return media
    crop = _normalised(crop_obj)
    box = [max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2])]
    box.append(min(media[3], crop[3]))
    return box if box[0] < box[2] and box[1] < box[3] else media


def _normalised(box: Any) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _rotation(page: pikepdf.Page) -> tuple[int, bool]:
    """How the page is turned as seen (0, 90, 180 or 270), and whether its /Rotate (its own or
    inherited) is not as the standard has it, an integer multiple of 90: then programs read it
    differently (pikepdf takes 90.0 for 0, PDFium for 90), and it is to be written anew."""
    node: object = page.obj
    for _ in range(64):  # up the page tree, where /Rotate is inherited; a loop ends here
        if not isinstance(node, Dictionary):
            return 0, False
        if Name.Rotate in node:
            break
        node = node.get(Name.Parent)
    else:
        return 0, False
    value = node[Name.Rotate]
    try:
        turn = float(value)
    except (TypeError, ValueError):
        return 0, True
    if not math.isfinite(turn):
        return 0, True
    upright = turn.is_integer() and int(turn) % 90 == 0
    return (int(turn) % 360 if upright else 0), not (upright and isinstance(value, int))


def _apply_marks(
    out: Pdf,
    parts: Sequence[MergePart],
    starts: Sequence[int],
    ends: Sequence[int],
    marks: dict[int, _Mark],
    stack: contextlib.ExitStack,
) -> None:
    blank = _top_band_blank(parts, starts, ends, marks)
    # A later page with ink at the top and no NIET OPENBAAR (which needs the top band, so a
    # strip anyway) takes its mark at the bottom if that is free: the page keeps its size.
    later = [i for i, m in marks.items() if m.later and not m.center]
    low = [i for i in later if not blank.get(i, False)]
    # And so do the annex's other later pages when every one of them is free at the bottom:
    # a reader finds "pagina 3 van 5" in one place all through the annex.
    inked = {bisect_right(starts, i) for i in low}
    asked = [i for i in later if bisect_right(starts, i) in inked]
    bottoms = _bottom_band_blank(parts, starts, ends, asked)
    # A page turned by no multiple of 90 gets a strip (below): its annex is marked page by page.
    together = inked - {
        bisect_right(starts, i)
        for i in asked
        if not bottoms.get(i, False) or _rotation(out.pages[i])[1]
    }
    overlay_sizes: dict[tuple[float, float, _Mark, float], int] = {}
    placements: list[tuple[int, int, list[float], int, bytes]] = []
    for index, mark in sorted(marks.items()):
        page = out.pages[index]
        rotate, skewed = _rotation(page)
        # A /Rotate that is no integer multiple of 90 breaks the standard and is read
        # differently by every program: the band judged may not be the one marked, so a strip
        # is added, and the turn is written as every program reads it: upright for 45, as
        # poppler and pdf.js show it; 90 for 90.0 (placed for another turn than the one shown,
        # the mark fell off the page, or over the annex's own header).
        if skewed:
            page.obj.Rotate = rotate
        box = _visible_box(page)
        width, height = box[2] - box[0], box[3] - box[1]
        visual_width, visual_height = (width, height) if rotate in (0, 180) else (height, width)
        scale = min(mark_scale(visual_width, visual_height), _widest_scale(mark, visual_width))
        top = 0.0 if blank.get(index, False) and not skewed else MARK_BAND * scale
        if not skewed and (
            (top and bottoms.get(index, False))
            or (mark.later and not mark.center and bisect_right(starts, index) in together)
        ):
            top, mark = 0.0, replace(mark, bottom=True)
        # A page narrower than its mark (a small image) is widened rather than cut off.
        wider = max(0.0, _required_width(mark) - visual_width)
        opening = b"q\n"
        if top or wider:
            # Content outside the old box was invisible; clip it so the strip shows only the mark.
            x0, y0, x1, y1 = (_fmt(v) for v in (box[0], box[1], box[2] - box[0], box[3] - box[1]))
            opening = f"q {x0} {y0} {x1} {y1} re W n\n".encode("ascii")
            box = _enlarge(page, box, rotate, top, wider)
        width, height = box[2] - box[0], box[3] - box[1]
        visual = (width, height) if rotate in (0, 180) else (height, width)
        key = (round(visual[0], 2), round(visual[1], 2), mark, round(scale, 4))
        overlay = overlay_sizes.setdefault(key, len(overlay_sizes))
        placements.append((index, overlay, box, rotate, opening))

    overlay_pdf = stack.enter_context(Pdf.open(io.BytesIO(_draw_overlays(list(overlay_sizes)))))
    forms: dict[int, Any] = {}
    for index, overlay, box, rotate, opening in placements:
        if overlay not in forms:
            forms[overlay] = out.copy_foreign(overlay_pdf.pages[overlay].as_form_xobject())
        page = out.pages[index]
        name = page.add_resource(forms[overlay], Name.XObject, _free_name(page))
        matrix = " ".join(_fmt(v) for v in _visual_to_user(box, rotate))
        # Wrap the page's own content in q/Q so a graphics state it leaves behind cannot
        # move, scale or recolour the mark; balanced first, as qpdf does for an overlay, or an
        # unmatched Q of the page pops the wrapper and the mark is drawn in the page's state.
        unmatched, unclosed = _unbalanced_saves(page)
        page.contents_add(opening + b"q\n" * unmatched, prepend=True)
        # An artifact, so a tagged part's reading order does not gain a stamp.
        page.contents_add(
            b"\n"
            + b"Q\n" * unclosed
            + f"Q\n{_ARTIFACT} BDC\nq {matrix} cm {name} Do Q\nEMC\n".encode("ascii")
        )


def _unbalanced_saves(page: pikepdf.Page) -> tuple[int, int]:
    """How many ``Q`` of a page's content restore a state it never saved, and how many ``q``
    are left open at its end once that many ``q`` are put in front."""
    depth = lowest = 0
    try:
        # Only q and Q become Python objects: a 20 MB map is tokenised in about a second.
        instructions = pikepdf.parse_content_stream(page, "q Q")
    except (pikepdf.PdfError, ValueError, TypeError):
        return 0, 0  # content no reader can follow either: wrapped as before
    for instruction in instructions:
        depth += 1 if str(instruction.operator) == "q" else -1
        lowest = min(lowest, depth)
    return -lowest, depth - lowest


def _free_name(page: pikepdf.Page) -> Name:
    """An XObject name the page does not use; counted, not random, so output is reproducible."""
    resources = page.obj.get(Name.Resources)
    used = resources.get(Name.XObject) if isinstance(resources, Dictionary) else None
    number = 0
    while isinstance(used, Dictionary) and Name(f"/AsmMark{number}") in used:
        number += 1
    return Name(f"/AsmMark{number}")


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _enlarge(
    page: pikepdf.Page, box: list[float], rotate: int, top: float, wider: float
) -> list[float]:
    """Add a strip above the page as seen, and half of ``wider`` at either side of it (the
    page stays centred under a centred mark); return the new visible box."""
    x0, y0, x1, y1 = box
    side = wider / 2
    # Which user-space edge is the visual top depends on /Rotate (clockwise); the sides are
    # the other axis, widened alike at both ends.
    if rotate == 90:
        x0, y0, y1 = x0 - top, y0 - side, y1 + side
    elif rotate == 180:
        y0, x0, x1 = y0 - top, x0 - side, x1 + side
    elif rotate == 270:
        x1, y0, y1 = x1 + top, y0 - side, y1 + side
    else:
        y1, x0, x1 = y1 + top, x0 - side, x1 + side
    new = [x0, y0, x1, y1]
    media = _normalised(page.mediabox)
    union = [min(media[0], x0), min(media[1], y0), max(media[2], x1), max(media[3], y1)]
    page.obj.MediaBox = Array([Decimal(_fmt(v)) for v in union])
    page.obj.CropBox = Array([Decimal(_fmt(v)) for v in new])
    # A trim or art box left as it was would hide the strip in viewers that honour it.
    for key in (Name.TrimBox, Name.BleedBox, Name.ArtBox):
        if key in page.obj:
            del page.obj[key]
    return new


# Dossier bundles are made in threads: the first to need reportlab readies it for all.
_READYING_REPORTLAB = threading.Lock()


def _prepare_reportlab() -> None:
    """Let reportlab be imported where the home folder is no folder (``HOME=/dev/null``)."""
    if "reportlab" in sys.modules or "reportlab_mods" in sys.modules:
        return
    with _READYING_REPORTLAB:
        if "reportlab_mods" in sys.modules:
            return  # put there by another thread, just now
        # On import reportlab reads ``~/.reportlab_mods`` when no module ``reportlab_mods``
        # is on the path, and lets every error but a missing file or a refusal through: under
        # a cron job or service user with HOME=/dev/null that is "Not a directory", and every
        # bundle failed. Without that file there is nothing to read, as reportlab sees it
        # when the file is missing: an empty module stands in for it, so the import does not
        # look. It has a spec, as find_spec refuses a module without one.
        if importlib.util.find_spec("reportlab_mods") is not None:
            return
        if not os.path.isfile(os.path.expanduser(os.path.join("~", ".reportlab_mods"))):
            stand_in = types.ModuleType("reportlab_mods")
            stand_in.__spec__ = importlib.machinery.ModuleSpec("reportlab_mods", None)
            sys.modules.setdefault("reportlab_mods", stand_in)


def _right_margin(width: float, mark: _Mark, scale: float = 1.0) -> float:
    """The usual margin where the page is wide enough; a narrow one where it is not."""
    _prepare_reportlab()
    from reportlab.pdfbase import pdfmetrics

    right = pdfmetrics.stringWidth(mark.right or "", "AsmSans", MARK_SIZE * scale)
    center = pdfmetrics.stringWidth(mark.center or "", "AsmSans-Bold", (MARK_SIZE + 1) * scale)
    margin = MARK_MARGIN * scale
    free = width - right - margin - ((width + center) / 2 if mark.center else 0.0)
    return margin if free >= 6.0 * scale else 6.0 * scale


def _widest_scale(mark: _Mark, width: float) -> float:
    """The largest scale at which the mark fits a page ``width`` wide (as seen), but at least 1:
    a narrower page is widened for it (_required_width). Smaller than mark_scale's on a long,
    narrow page that is confidential, whose two marks share the band's one line."""
    # Its margins grow with it: printed to fit on A4, 6 pt would be in the edge left blank.
    return max(1.0, width / _required_width(mark))


def _required_width(mark: _Mark) -> float:
    """The page width (as seen) that the mark needs without running off the page."""
    _prepare_reportlab()
    from reportlab.pdfbase import pdfmetrics

    _register_fonts()
    right = pdfmetrics.stringWidth(mark.right, "AsmSans", MARK_SIZE) if mark.right else 0.0
    center = (
        pdfmetrics.stringWidth(mark.center, "AsmSans-Bold", MARK_SIZE + 1) if mark.center else 0.0
    )
    if right and center:
        return center + 2 * (right + 6.0) + 12.0
    return max(right, center) + 12.0


def _canvas(buffer: io.BytesIO, size: float) -> Any:
    """A reportlab canvas writing into ``buffer`` in the embedded LiberationSans at ``size``."""
    _register_fonts()  # first: it readies reportlab for a build without a home folder
    from reportlab.pdfgen import canvas

    # invariant=1: no timestamps or random IDs, so equal input gives equal bytes. Each page
    # starts by selecting the initial font: the embedded one, not an unembedded Helvetica.
    return canvas.Canvas(
        buffer, invariant=1, pageCompression=1, initialFontName="AsmSans", initialFontSize=size
    )


def _register_fonts() -> None:
    _prepare_reportlab()
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in (("AsmSans", FONT_REGULAR), ("AsmSans-Bold", FONT_BOLD)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))


def _visual_to_user(box: list[float], rotate: int) -> tuple[float, ...]:
    """The matrix from the page as seen (origin bottom-left after /Rotate) to user space."""
    x0, y0, x1, y1 = box
    if rotate == 90:
        return (0, 1, -1, 0, x1, y0)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, -1, 1, 0, x0, y1)
    return (1, 0, 0, 1, x0, y0)


def _draw_overlays(keys: Sequence[tuple[float, float, _Mark, float]]) -> bytes:
    """One reportlab page per distinct (size, mark, scale), text in embedded LiberationSans."""
    buffer = io.BytesIO()
    drawing = _canvas(buffer, MARK_SIZE)
    from reportlab.pdfbase import pdfmetrics

    for width, height, mark, scale in keys:
        drawing.setPageSize((width, height))
        baseline = height - MARK_BASELINE * scale
        if mark.bottom:
            baseline = MARK_BOTTOM_BASELINE * scale
        if mark.center:
            drawing.setFillColorRGB(0.7, 0, 0)
            drawing.setFont("AsmSans-Bold", (MARK_SIZE + 1) * scale)
            drawing.drawCentredString(width / 2, baseline, mark.center)
        if mark.right:
            grey = LATER_MARK_GREY if mark.later else 0.0
            drawing.setFillColorRGB(grey, grey, grey)
            drawing.setFont("AsmSans", MARK_SIZE * scale)
            text_width = pdfmetrics.stringWidth(mark.right, "AsmSans", MARK_SIZE * scale)
            x = max(6.0, width - _right_margin(width, mark, scale) - text_width)
            drawing.drawString(x, baseline, mark.right)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def _top_band_blank(
    parts: Sequence[MergePart], starts: Sequence[int], ends: Sequence[int], marks: dict[int, _Mark]
) -> dict[int, bool]:
    """Render the pages that get a mark and say, per bundle page, whether its top band is empty.

    A page that cannot be rendered counts as not blank: enlarging is always safe.
    """
    blank: dict[int, bool] = {}
    for part, start, end in zip(parts, starts, ends, strict=True):
        wanted = []
        for offset in sorted(index - start for index in marks if start <= index < end):
            if offset < len(part.bands_blank):
                blank[start + offset] = part.bands_blank[offset]
            elif part.render_rest:
                wanted.append(offset)
        if not wanted:
            continue
        for offset, is_blank in top_bands_blank(part.pdf, wanted[0], wanted[-1]).items():
            if start + offset in marks:
                blank[start + offset] = is_blank
    return blank


def _bottom_band_blank(
    parts: Sequence[MergePart], starts: Sequence[int], ends: Sequence[int], pages: Sequence[int]
) -> dict[int, bool]:
    """Per bundle page of ``pages``, whether its bottom band is empty: as the part was judged
    (the intake's), else rendered, unless the part is not to be rendered (then not blank)."""
    blank: dict[int, bool] = {}
    for part, start, end in zip(parts, starts, ends, strict=True):
        wanted = []
        for offset in sorted(index - start for index in pages if start <= index < end):
            if offset < len(part.bottom_bands_blank):
                blank[start + offset] = part.bottom_bands_blank[offset]
            elif part.render_rest:
                wanted.append(offset)
        if not wanted:
            continue
        for offset, is_blank in bottom_bands_blank(part.pdf, wanted[0], wanted[-1]).items():
            if offset in wanted:
                blank[start + offset] = is_blank
    return blank


# --- metadata ------------------------------------------------------------------------------


def _pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z")
    zone = "Z" if offset in ("", "+0000") else f"{offset[:3]}'{offset[3:]}'"
    return moment.strftime("D:%Y%m%d%H%M%S") + zone


def _xmp_date(moment: datetime) -> str:
    stamp = moment.isoformat(timespec="seconds")
    return stamp.removesuffix("+00:00") + "Z" if stamp.endswith("+00:00") else stamp


def _write_metadata(out: Pdf, meta: BundleMeta) -> None:
    keywords = meta.keywords or meta.kenmerk
    moment = (
        datetime.fromtimestamp(meta.source_date_epoch, tz=UTC)
        if meta.source_date_epoch is not None
        else datetime.now(LOCAL_TIME).replace(microsecond=0)
    )
    info = Dictionary(
        Title=String(meta.title),
        Author=String(meta.author),
        Subject=String(meta.subject),
        Keywords=String(keywords),
        Creator=String(meta.producer),
        Producer=String(meta.producer),
    )
    info.CreationDate = String(_pdf_date(moment))
    info.ModDate = String(_pdf_date(moment))
    out.trailer.Info = out.make_indirect(info)
    out.Root.Lang = String(meta.language)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    xmp = _xmp(meta, keywords, moment)
    out.Root.Metadata = out.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)


def _xmp(meta: BundleMeta, keywords: str, moment: datetime) -> bytes:
    """XMP written by hand: pikepdf's editor would stamp the current time into it."""
    lang = escape(meta.language)
    stamp = _xmp_date(moment)
    dates = (
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>"
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>"
    )
    body = (
        f"{XPACKET_BEGIN}"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        "<dc:format>application/pdf</dc:format>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li>'
        "</rdf:Alt></dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.subject)}'
        "</rdf:li></rdf:Alt></dc:description>"
        f"<dc:subject><rdf:Bag><rdf:li>{escape(keywords)}</rdf:li></rdf:Bag></dc:subject>"
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>"
        f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>"
        f"<pdf:Producer>{escape(meta.producer)}</pdf:Producer>"
        f"<xmp:CreatorTool>{escape(meta.producer)}</xmp:CreatorTool>"
        f"{dates}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        f"{XPACKET_END}"
    )
    return body.encode("utf-8")

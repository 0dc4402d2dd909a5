"""What is on a page already: ink in the band where bundle marks go (PDFium), and text (poppler).

Used by :mod:`assembler.bundle` to decide between drawing a mark in the band and adding a
strip above the page, and whether a page already says it is confidential; and by the annex
intake, which answers the band question for an annex file in its checking child (cached with
the rest of its report), so a build never renders a PDF annex in its own process (it
does render its own PDFs: the voorstel, and office annexes as LibreOffice wrote them).

The bands are rendered by PDFium in the calling process: pdftoppm took 15-30 ms a page, most
of it starting up, where PDFium takes 1-2 ms.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import math
import os
import re
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.fsutil import library_output

__all__ = [
    "BLANK_DPI",
    "INK_THRESHOLD",
    "MARK_BAND",
    "Room",
    "Sought",
    "TextArea",
    "bottom_bands_blank",
    "mark_scale",
    "pages_showing",
    "pages_showing_or_not",
    "rooms_after",
    "shown_text",
    "text_areas",
    "top_bands_blank",
]

# Height of the band at the top of a page where marks go, in points (10.6 mm): room for a
# mark below the 4 to 5 mm at a sheet's edge that office printers cannot print, and still
# above a Word header (1.25 cm) or a typical top margin.
MARK_BAND = 30.0
# The short side of the largest office paper (US Letter; A4's is 595 pt): marks on pages up to
# it are drawn at their own size.
OFFICE_SHORT_SIDE = 612.0
# A4's long side in the same proportion (A4 is 595 x 842 pt): a page is fitted on A4 by its
# short or its long side, whichever gives way first.
OFFICE_LONG_SIDE = OFFICE_SHORT_SIDE * 842.0 / 595.0
# The most of a page's height (as seen) that a grown band may take: a strip 2000 mm wide and
# 297 mm high keeps its drawing larger than the strip above it.
MAX_BAND_SHARE = 0.25
# Rendering resolution and the grey level below which a pixel counts as ink.
BLANK_DPI = 36
INK_THRESHOLD = 235
TEXT_TIMEOUT = 60.0
# Where a text is shown: its page, the boxes of its lines, its marked-content id and the
# baseline (y) of its last character (text_areas).
TextArea = tuple[int, tuple[tuple[float, float, float, float], ...], int, float]
# PDFium may not be called from two threads at once, not even for different documents, and
# a build bundles on several threads.
_PDFIUM = threading.Lock()


def top_bands_blank(
    pdf: Path, first: int = 0, last: int | None = None, *, seconds: float | None = None
) -> dict[int, bool]:
    """Whether the top band of pages ``first..last`` (0-based; None: the last page) is free of
    ink, per page, as seen (after /Rotate, inside the crop box, forms and annotations drawn).

    A page PDFium cannot render, or did not get to within ``seconds``, is left out (callers
    treat it as not blank: a strip above the page is always safe).
    """
    with _PDFIUM:
        deadline = None if seconds is None else time.monotonic() + seconds
        return _bands_blank(pdf, first, last, deadline, bottom=False)


def bottom_bands_blank(
    pdf: Path, first: int = 0, last: int | None = None, *, seconds: float | None = None
) -> dict[int, bool]:
    """As :func:`top_bands_blank`, for the band of the same height at the bottom of the page
    as seen: where an annex's later pages get their mark when their top band has ink."""
    with _PDFIUM:
        deadline = None if seconds is None else time.monotonic() + seconds
        return _bands_blank(pdf, first, last, deadline, bottom=True)


def _bands_blank(
    pdf: Path, first: int, last: int | None, deadline: float | None, *, bottom: bool
) -> dict[int, bool]:
    import pypdfium2 as pdfium  # 50 ms to import: only where pages are rendered

    result: dict[int, bool] = {}
    try:
        # Absolute: PDFium's loader would take a leading "~" for a home folder.
        document = pdfium.PdfDocument(os.path.abspath(pdf))
    except (pdfium.PdfiumError, OSError, RuntimeError):
        return result
    try:
        with contextlib.suppress(pdfium.PdfiumError):
            document.init_forms()  # form fields as a viewer draws them (before any page loads)
        end = len(document) if last is None else min(last + 1, len(document))
        for index in range(max(first, 0), end):
            if deadline is not None and time.monotonic() > deadline:
                break
            with contextlib.suppress(pdfium.PdfiumError, ValueError):
                result[index] = _band_is_blank(document[index], bottom=bottom)
    finally:
        document.close()
    return result


@dataclass(frozen=True)
class Sought:
    """A text for text_areas to find, as a line of its own (``text``: "3. Onderwerp"); failing
    that, in another wording of the agenda template, ``title`` at the end of a line that shows
    ``number`` before it ("Agendapunt 3: Onderwerp", "3 | Onderwerp" over two lines), maybe
    with a remark in brackets after it; with ``unnumbered``, also ``title`` alone on its line
    (an annex listed without its number)."""

    text: str
    number: int | None = None
    title: str = ""
    unnumbered: bool = False


def text_areas(pdf: Path, texts: Sequence[str | Sought]) -> list[TextArea | None]:
    """Where each of ``texts`` is shown in ``pdf``, searched in turn from where the one before
    was found (so that an item's number and title are not found in a decision before it): its
    page (0-based), the boxes of its lines (left, bottom, right, top, in the page's user
    space), the marked-content id its last character is drawn in (-1: none) and that
    character's baseline; None for one
    not found. Spaces, line breaks and hyphens do not count, so a title that wraps (after
    its own hyphen, or hyphenated by the layout) is found. For a short document made by the
    build (the agenda): every page's text is read."""
    sought = [text if isinstance(text, Sought) else Sought(text) for text in texts]
    wanted = [
        dataclasses.replace(
            one,
            text="".join(_compared(char) for char in one.text),
            title="".join(_compared(char) for char in one.title),
        )
        for one in sought
    ]
    with _PDFIUM:
        return _text_areas(pdf, wanted)


def _text_areas(pdf: Path, wanted: list[Sought]) -> list[TextArea | None]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    found: list[TextArea | None] = []
    try:
        document = pdfium.PdfDocument(os.path.abspath(pdf))
    except (pdfium.PdfiumError, OSError, RuntimeError):
        return [None] * len(wanted)
    try:
        # Per page, its characters without white space and their indices in the text page.
        page_index, position = 0, 0
        pages: dict[int, tuple[Any, str, list[int], str]] = {}

        def read(index: int) -> tuple[Any, str, list[int], str]:
            if index not in pages:
                textpage = document[index].get_textpage()
                count = textpage.count_chars()
                whole = textpage.get_text_range()
                if len(whole) != count:  # not one character per index: asked one by one
                    codes = (pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(count))
                    whole = "".join(chr(code) if code else " " for code in codes)
                # Each compared character with the index of the one it comes from (a
                # ligature's 'fi' both from the one).
                shown, indices = [], []
                for i, char in enumerate(whole):
                    for part in _compared(char):
                        shown.append(part)
                        indices.append(i)
                pages[index] = (textpage, "".join(shown), indices, whole)
            return pages[index]

        for one in wanted:
            result = None
            for index in range(page_index, len(document)):
                textpage, shown, indices, whole = read(index)
                start = position if index == page_index else 0
                text = one.text
                at = _found_on_lines_of_its_own(shown, indices, whole, text, start)
                if at < 0 and one.title:
                    text = one.title
                    at = _found_by_number(shown, indices, whole, one, start)
                if at < 0:
                    continue
                first, last = indices[at], indices[at + len(text) - 1]
                count = textpage.count_rects(first, last - first + 1)
                boxes = tuple(textpage.get_rect(box) for box in range(count))
                shape = textpage.get_textobj(last)
                mcid = -1 if shape is None else pdfium_c.FPDFPageObj_GetMarkedContentID(shape.raw)
                x, y = ctypes.c_double(), ctypes.c_double()
                if not pdfium_c.FPDFText_GetCharOrigin(
                    textpage, last, ctypes.byref(x), ctypes.byref(y)
                ):
                    y.value = boxes[-1][1] if boxes else 0.0
                result = (index, boxes, mcid, y.value)
                page_index, position = index, at + len(text)
                break
            found.append(result)
    except (pdfium.PdfiumError, ValueError, IndexError):
        return found + [None] * (len(wanted) - len(found))
    finally:
        document.close()
    return found


# Hyphens that a line break may add or take: a hyphenated word (PDFium gives U+FFFE for a
# hyphen that ends a line inside a word, U+0002 in older versions), a soft hyphen, a title's own
# "2023-2030" broken after its hyphen.
_HYPHENS = frozenset("-\u00ad\u0002\ufffe\u2010\u2011")


def _unmatched(char: str) -> bool:
    """Whether ``char`` is left out where text_areas compares: white space, hyphens and what
    is not drawn (a variation selector after an emoji, a zero-width space or joiner)."""
    return (
        char.isspace()
        or char in _HYPHENS
        or unicodedata.category(char) == "Cf"
        or "\ufe00" <= char <= "\ufe0f"
    )


def _compared(char: str) -> str:
    """``char`` as text_areas compares it: nothing for what it leaves out, and the compatibility
    form (NFKC) for the rest, as PDFium gives a typed ligature 'ﬁ' as 'fi'."""
    return "" if _unmatched(char) else unicodedata.normalize("NFKC", char)


def _found_on_lines_of_its_own(
    shown: str, indices: list[int], whole: str, text: str, start: int
) -> int:
    """Where ``text`` is first found in ``shown`` from ``start`` as lines of their own (what
    stands before it on its first line and after it on its last is white space): an item's
    heading, not the decision of the item before it that reads '3. Jaarrekening 2024 ter
    kennisname …' when item 3 is 'Jaarrekening 2024'; -1 if nowhere."""
    while text:
        at = shown.find(text, start)
        if at < 0:
            return -1
        before = whole[: indices[at]].rstrip(" \t")
        after = whole[indices[at + len(text) - 1] + 1 :].lstrip(" \t")
        if (not before or before[-1] in "\r\n") and (not after or after[0] in "\r\n"):
            return at
        start = at + 1
    return -1


# What may stand before an item's title on its line (or on the line before) besides its
# number: "Agendapunt 103:", "Bijlage 2 –"; a longer text is a sentence, not a label.
_LABEL_LENGTH = 40


def _found_by_number(shown: str, indices: list[int], whole: str, one: Sought, start: int) -> int:
    """Where ``one.title`` is first found in ``shown`` from ``start`` at the end of a line
    (or before a remark in brackets that ends it) whose label before it shows ``one.number``
    (see Sought); -1 if nowhere."""
    number = re.compile(rf"(?<![0-9]){one.number}(?![0-9])")
    while one.title:
        at = shown.find(one.title, start)
        if at < 0:
            return -1
        first, last = indices[at], indices[at + len(one.title) - 1]
        line_start = max(whole.rfind("\n", 0, first), whole.rfind("\r", 0, first)) + 1
        ends = [i for i in (whole.find("\r", last), whole.find("\n", last)) if i >= 0]
        after = whole[last + 1 : min(ends, default=len(whole))].strip()
        before = whole[line_start:first].strip()
        if not before:
            # The label on a line of its own before it (a number in a table's first column).
            lines = whole[:line_start].splitlines()
            before = next((line.strip() for line in reversed(lines) if line.strip()), "")
            if one.unnumbered:
                before = str(one.number)
        elif one.unnumbered and not any(char.isalnum() for char in before):
            before = str(one.number)  # a bullet or dash
        labelled = len(before) <= _LABEL_LENGTH and number.search(before) is not None
        if labelled and (not after or (after[0] == "(" and after[-1] == ")")):
            return at
        start = at + 1
    return -1


@dataclass(frozen=True)
class Room:
    """The room on the last line of a text found by text_areas, after it (in the page's user
    space): from ``start`` (where the text ends) to ``end`` (where ink next stands on that
    line, or the page's edge), and ``margin``, the right edge of the page's text (the
    rightmost character on the page: a footer's page number, a justified line)."""

    baseline: float
    start: float
    end: float
    margin: float


# Rendering resolution for rooms_after: fine enough to tell a gap of a point.
_ROOM_DPI = 144


def rooms_after(
    pdf: Path, areas: Sequence[TextArea | None], below: float, above: float
) -> list[Room | None]:
    """For each of ``areas`` (of ``pdf``, as text_areas found them), the room after it on
    its last line, between ``below`` under its baseline and ``above`` over it; None for an
    area not found, or on a page that is turned or cannot be read."""
    with _PDFIUM:
        return _rooms_after(pdf, areas, below, above)


def _rooms_after(
    pdf: Path, areas: Sequence[TextArea | None], below: float, above: float
) -> list[Room | None]:
    import pypdfium2 as pdfium

    rooms: list[Room | None] = [None] * len(areas)
    try:
        document = pdfium.PdfDocument(os.path.abspath(pdf))
    except (pdfium.PdfiumError, OSError, RuntimeError):
        return rooms
    try:
        for index in sorted({area[0] for area in areas if area is not None}):
            with contextlib.suppress(pdfium.PdfiumError, ValueError, IndexError):
                page = document[index]
                try:
                    on_page = [(i, a) for i, a in enumerate(areas) if a and a[0] == index]
                    for i, room in _page_rooms(page, on_page, below, above):
                        rooms[i] = room
                finally:
                    page.close()
    finally:
        document.close()
    return rooms


def _page_rooms(
    page: Any, areas: list[tuple[int, TextArea]], below: float, above: float
) -> list[tuple[int, Room]]:
    if page.get_rotation() % 360:
        return []  # the agenda is made upright; a turned page is left alone
    left, _bottom, right, top = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        whole = textpage.get_text_range()
        margin = max(
            (
                textpage.get_charbox(i)[2]
                for i in range(textpage.count_chars())
                if i >= len(whole) or not whole[i].isspace()
            ),
            default=right,
        )
    finally:
        textpage.close()
    margin = min(margin, right)
    scale = _ROOM_DPI / 72
    bitmap = page.render(scale=scale, grayscale=True, draw_annots=True)
    try:
        if bitmap.n_channels == 1:
            pixels, stride = bytes(bitmap.buffer), bitmap.stride
        else:
            pixels, stride = bitmap.to_pil().convert("L").tobytes(), bitmap.width
        width, height = bitmap.width, bitmap.height
    finally:
        bitmap.close()
    # A pixel darker than the threshold is ink.
    ink = re.compile(b"[\\x00-\\x%02x]" % (INK_THRESHOLD - 1))
    found = []
    for i, (_page, boxes, _mcid, baseline) in areas:
        if not boxes:
            continue
        start = boxes[-1][2]
        # A point after the text: its last glyph's edge, smoothed, is no ink in the way.
        first = min(width, max(0, math.ceil((start - left + 1) * scale)))
        end = width
        rows = range(
            max(0, math.floor((top - baseline - above) * scale)),
            min(height, math.ceil((top - baseline + below) * scale)),
        )
        for row in rows:
            hit = ink.search(pixels, row * stride + first, row * stride + end)
            if hit:
                end = hit.start() - row * stride
        found.append((i, Room(baseline, start, left + end / scale, margin)))
    return found


def mark_scale(width: float, height: float) -> float:
    """How much larger a page's marks and band are than on office paper, for a page of this
    size as seen: as much as printing it to fit on A4 makes them smaller (an A0 drawing so
    printed would shrink a mark of A4's size to 2 pt, into the edge printers leave blank)."""
    # By the side that gives way first: a roll plot 297 x 2000 mm fits on A4 by its length,
    # to 15 %. The short side alone gave its stamp 12 pt, under 2 pt on paper. Measured against
    # Letter's short side, so A3 and A0 keep the stamps they had (8.75 pt printed on A4).
    fitted = max(min(width, height) / OFFICE_SHORT_SIDE, max(width, height) / OFFICE_LONG_SIDE)
    # Never smaller than on office paper (a small page is printed as it is), and never a band
    # that would crowd out a wide, low page's drawing.
    return max(1.0, min(fitted, height * MAX_BAND_SHARE / MARK_BAND))


def _band_is_blank(page: Any, *, bottom: bool = False) -> bool:
    """True when the top (or bottom) band of a PDFium page, as seen, holds no ink."""
    try:
        width, height = page.get_size()  # after /Rotate
        band = MARK_BAND * mark_scale(width, height)
        if height < band:
            return False  # a mark in the band would run off the page
        # PDFium's crop is what to cut off: left, bottom, right, top.
        crop = (0, 0, 0, height - band) if bottom else (0, height - band, 0, 0)
        bitmap = page.render(
            scale=BLANK_DPI / 72,
            grayscale=True,
            crop=crop,
            draw_annots=True,
        )
        try:
            if bitmap.n_channels == 1:
                pixels, stride = bytes(bitmap.buffer), bitmap.stride
            else:  # a grey rendering in a colour format: judged as grey
                pixels, stride = bitmap.to_pil().convert("L").tobytes(), bitmap.width
            width = bitmap.width
            return all(
                min(pixels[row * stride : row * stride + width], default=255) >= INK_THRESHOLD
                for row in range(bitmap.height)
            )
        finally:
            bitmap.close()
    finally:
        page.close()


def pages_showing(pdf: Path, text: str) -> frozenset[int]:
    """The pages (0-based) of ``pdf`` whose text includes ``text``; none if it cannot be read."""
    return pages_showing_or_not(pdf, text)[0]


def pages_showing_or_not(pdf: Path, text: str) -> tuple[frozenset[int], tuple[int, ...]]:
    """The pages (0-based) of ``pdf`` whose text includes ``text``, and those whose text does
    not include it in any capitals; neither if it cannot be read. One reading for both."""
    shown = shown_text(pdf)
    if shown is None:
        return frozenset(), ()  # marked then: a mark twice is better than none
    pages = [" ".join(page.split()) for page in shown.split("\f")]
    if pages and not pages[-1]:
        pages.pop()  # pdftotext ends every page with a form feed, the last one too
    wanted = text.casefold()
    return (
        frozenset(i for i, page in enumerate(pages) if text in page),
        tuple(i for i, page in enumerate(pages) if wanted not in page.casefold()),
    )


def shown_text(pdf: Path) -> str | None:
    """The text of ``pdf`` as a reader shows it (poppler), pages apart by a form feed; None if
    it cannot be read.

    In reading order, with the replacement text of marked content (ActualText) for its glyphs,
    and with what annotations draw (a stamp, a filled-in field).
    """
    with tempfile.TemporaryDirectory(prefix="assembler-text-") as folder:
        source = _without_intent(pdf, Path(folder))
        try:
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(source), "-"],
                capture_output=True,
                timeout=TEXT_TIMEOUT,
                check=False,
                start_new_session=True,  # out of reach of Ctrl-C: a cut-off text reads as none
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def _without_intent(pdf: Path, folder: Path) -> Path:
    """What poppler should read of ``pdf``: itself, or a copy without its output intent.

    Poppler sets up colour management for a document's output intent (every PDF/A has one,
    among them each voorstel LibreOffice writes) at a cost of 0.1-0.2 CPU-seconds, ten times
    the reading of a voorstel's text. Such a document's pages are copied without the intent,
    keeping what else of the catalogue decides what is shown (hidden layers, form fields).
    Anything that goes wrong on the way is only a lost speed-up: the original is read.
    """
    import pikepdf

    try:
        with pikepdf.open(pdf) as document:
            if pikepdf.Name.OutputIntents not in document.Root:
                return pdf
            with pikepdf.new() as copy:
                copy.pages.extend(document.pages)
                for key in (pikepdf.Name.OCProperties, pikepdf.Name.AcroForm):
                    if key in document.Root:
                        value = document.make_indirect(document.Root[key])
                        copy.Root[key] = copy.copy_foreign(value)
                target = folder / "pages.pdf"
                with library_output(target, pdf.stat().st_size) as stream:
                    copy.save(stream)
    except Exception:  # pikepdf and qpdf raise many kinds for odd files
        return pdf
    return target

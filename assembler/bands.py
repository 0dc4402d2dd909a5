"""What is on a page already, asked of poppler: ink in the band where bundle marks go, and text.

Used by :mod:`assembler.bundle` to decide between drawing a mark in the band and adding a
strip above the page, and whether a page already says it is confidential; and by the annex
intake, which answers the band question once per annex file (cached with the rest of its
report) so a bundle rarely has to render anything.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

__all__ = ["BLANK_DPI", "INK_THRESHOLD", "MARK_BAND", "pages_showing", "top_bands_blank"]

# Height of the band at the top of a page where marks go, in points.
MARK_BAND = 22.0
# Rendering resolution and the grey level below which a pixel counts as ink.
BLANK_DPI = 36
INK_THRESHOLD = 235
RENDER_TIMEOUT = 60.0


def top_bands_blank(pdf: Path, first: int, last: int) -> dict[int, bool]:
    """Whether the top band of pages ``first..last`` (0-based) is free of ink, per page.

    Only the band is rendered, in grey at low resolution; a page pdftoppm cannot render is
    left out (callers treat it as not blank).
    """
    band_rows = max(1, round(MARK_BAND * BLANK_DPI / 72))
    result: dict[int, bool] = {}
    with tempfile.TemporaryDirectory(prefix="assembler-band-") as folder:
        prefix = Path(folder) / "p"
        source, offset = _without_intent(pdf, first, last, Path(folder))
        command = [
            "pdftoppm",
            "-gray",
            "-r",
            str(BLANK_DPI),
            # Only the band: -y/-H crop the visual top (after /Rotate), -W is "all of it".
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            "100000",
            "-H",
            str(band_rows),
            "-f",
            str(first - offset + 1),
            "-l",
            str(last - offset + 1),
            str(source),
            str(prefix),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=RENDER_TIMEOUT + (last - first) * 0.5,
                check=False,
                # Out of reach of Ctrl-C (it takes a few hundredths of a second): pages it
                # did not render would count as inked, and the bundle would be made wrongly.
                start_new_session=True,
            )
        except (OSError, subprocess.TimeoutExpired):
            return result
        for image in Path(folder).glob("p-*.pgm"):
            try:
                number = int(image.stem.rsplit("-", 1)[1])
                result[number - 1 + offset] = _band_is_blank(image.read_bytes(), band_rows)
            except (ValueError, IndexError):
                continue
    return result


def pages_showing(pdf: Path, text: str) -> frozenset[int]:
    """The pages (0-based) of ``pdf`` whose text includes ``text``; none if it cannot be read."""
    with tempfile.TemporaryDirectory(prefix="assembler-text-") as folder:
        source, _offset = _without_intent(pdf, 0, None, Path(folder))
        try:
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(source), "-"],
                capture_output=True,
                timeout=RENDER_TIMEOUT,
                check=False,
                start_new_session=True,  # out of reach of Ctrl-C, like pdftoppm
            )
        except (OSError, subprocess.TimeoutExpired):
            return frozenset()
    if done.returncode != 0:
        return frozenset()  # marked then: a mark twice is better than none
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return frozenset(i for i, page in enumerate(pages) if text in " ".join(page.split()))


def _without_intent(pdf: Path, first: int, last: int | None, folder: Path) -> tuple[Path, int]:
    """What poppler should read for pages ``first..last`` of ``pdf``, and its page offset.

    Poppler sets up colour management for a document's output intent (every PDF/A has one,
    among them each voorstel LibreOffice writes) at a cost of 0.1-0.2 CPU-seconds, ten times
    the rendering of a band or the reading of a voorstel's text. Those pages are copied
    without the intent, keeping what else of the catalogue decides what is drawn (hidden
    layers, form fields). Anything that goes wrong on the way is only a lost speed-up: the
    original is read. ``last`` None is the last page.
    """
    import pikepdf  # only for documents with pages to check: not at the intake's import

    try:
        with pikepdf.open(pdf) as document:
            if pikepdf.Name.OutputIntents not in document.Root:
                return pdf, 0
            with pikepdf.new() as copy:
                end = None if last is None else last + 1
                copy.pages.extend(document.pages[first:end])
                for key in (pikepdf.Name.OCProperties, pikepdf.Name.AcroForm):
                    if key in document.Root:
                        value = document.make_indirect(document.Root[key])
                        copy.Root[key] = copy.copy_foreign(value)
                target = folder / "pages.pdf"
                copy.save(target)
    except Exception:  # pikepdf and qpdf raise many kinds for odd files
        return pdf, 0
    return target, first


def _band_is_blank(pgm: bytes, rows: int) -> bool:
    """True when the top ``rows`` of a binary PGM (P5) image hold no ink."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while pgm[position : position + 1].isspace():
            position += 1
        if pgm[position : position + 1] == b"#":
            position = pgm.index(b"\n", position) + 1
            continue
        end = position
        while not pgm[end : end + 1].isspace():
            end += 1
        fields.append(pgm[position:end])
        position = end
    if fields[0] != b"P5" or int(fields[3]) > 255:
        return False
    width = int(fields[1])
    pixels = pgm[position + 1 : position + 1 + width * rows]
    return len(pixels) == width * rows and min(pixels) >= INK_THRESHOLD

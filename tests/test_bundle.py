"""The bundle: corpus annexes, links, outline, page labels, stamps, confidentiality, metadata."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from pikepdf import Array, Dictionary, Name, String
from pikepdf.models.metadata import decode_pdf_date
from PIL import Image, ImageChops
from reportlab.pdfgen import canvas

from assembler import bands, bundle, normalise
from assembler.actions import active_content
from assembler.annex import AnnexLimits, inspect_annexes
from assembler.annex import _check_pdf as check_in_child
from assembler.bands import pages_showing, top_bands_blank
from assembler.bundle import (
    MARK_BAND,
    BundleAnnex,
    BundleMeta,
    MergePart,
    OutlineEntry,
    PartLink,
    bundle_pdf,
    merge_documents,
)
from assembler.errors import InputRejected
from tests.conftest import CORPUS, REPO, copy_example, needs_shared
from tests.hostile_files import (
    WEB_LINKS,
    actions_in,
    pdf_with_pages,
    with_active_content,
    with_links_elsewhere,
)
from tests.tags import links_outside_the_tags

sys.path.insert(0, str(Path(__file__).parent / "data" / "bundle"))
from pdfcheck import (
    internal_links,
    make_named_dest_pdf,
    outline_targets,
)

PASSWORD_FILE = CORPUS / "005-libreoffice-writer-password--libreoffice-writer-password.pdf"
KENMERK = "23.0001772"
META = BundleMeta(
    title="Aanpak actieplan Werklocaties",
    author="Regio Gooi en Vechtstreek",
    kenmerk=KENMERK,
    subject="Voorstel portefeuillehoudersoverleg",
)


def corpus_annexes() -> list[Path]:
    return [p for p in sorted(CORPUS.glob("*.pdf")) if p != PASSWORD_FILE]


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def text_of(path: Path, page: int, *, layout: bool = True) -> str:
    """pdftotext of one 0-based page, whitespace-normalised (as laid out, or as drawn)."""
    mode = "-layout" if layout else "-raw"
    done = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), mode, str(path), "-"],
        capture_output=True,
        check=True,
    )
    return " ".join(done.stdout.decode("utf-8", "replace").split())


BIDI_CONTROLS = dict.fromkeys(range(0x202A, 0x202F))


def words(text: str) -> set[str]:
    # pdftotext sets bidi embedding marks per line, and the stamp can share a line.
    return set(text.translate(BIDI_CONTROLS).split())


def visible_box(path: Path, page: int) -> list[float]:
    with pikepdf.open(path) as pdf:
        obj = pdf.pages[page].obj
        box = obj.get(Name.CropBox, pdf.pages[page].mediabox)
        return [float(v) for v in box]


@pytest.fixture(scope="module")
def voorstel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page voorstel stand-in with a link and a named destination of its own."""
    return make_named_dest_pdf(tmp_path_factory.mktemp("v") / "voorstel.pdf", "Voorstel", [1])


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return tmp_path / "bundel.pdf"


# --- every corpus file bundles correctly ---------------------------------------------------


@pytest.mark.parametrize("annex", corpus_annexes(), ids=lambda p: p.name[:40])
def test_corpus_annex_bundles_correctly(voorstel: Path, annex: Path, out: Path) -> None:
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Bijlage uit de praktijk")], META, out)
    start = page_count(voorstel)
    pages = page_count(annex)
    assert page_count(out) == start + pages

    # Its text is still there, on the right pages.
    for index in range(pages):
        # Characters, not words: bidi reordering may differ once the stamp shares the page.
        before = Counter("".join(words(text_of(annex, index))))
        after = Counter("".join(words(text_of(out, start + index))))
        lost = before - after
        assert not lost, f"page {index + 1}: lost {sorted(lost.elements())[:20]}"

    # Its links lead to the same pages, shifted by the voorstel.
    want = [(start + p, None if t is None else start + t) for p, t in internal_links(annex)]
    assert internal_links(out, start) == want

    # Its outline is nested under its Bijlage entry, leading to the same pages.
    nested = [
        (depth - 1, title, None if page is None else page - start)
        for depth, title, page in outline_targets(out)
        if depth >= 1 and (page is None or page >= start)
    ]
    top = [(title, page) for depth, title, page in outline_targets(out) if depth == 0]
    assert top == [("Voorstel", 0), ("Bijlage 1 – Bijlage uit de praktijk", start)]
    expected = [item for item in outline_targets(annex) if item[2] is not None]
    assert [item for item in nested if item[2] is not None] == expected


@needs_shared
def test_whole_corpus_in_one_bundle(voorstel: Path, out: Path) -> None:
    annexes = [BundleAnnex(p, n, p.stem[:20]) for n, p in enumerate(corpus_annexes(), 1)]
    bundle_pdf(voorstel, annexes, META, out)
    start = page_count(voorstel)
    starts = []
    for annex in annexes:
        starts.append(start)
        start += page_count(annex.pdf)
    assert page_count(out) == start
    labels = pypdf.PdfReader(out).page_labels
    assert labels[:2] == ["1", "2"]
    for annex, first in zip(annexes, starts, strict=True):
        assert labels[first] == f"B{annex.nummer}-1"
        stamp = f"Bijlage {annex.nummer} bij {KENMERK}"
        # In the order drawn: on a page narrower than the mark (widened at both sides, so
        # centred under it) a layout reading mixes it with the page's own hidden text.
        assert stamp in text_of(out, first, layout=False)
    # Forms: the fields of both form annexes are there (how they look: see below).
    with pikepdf.open(out) as pdf:
        fields = pdf.Root.AcroForm.Fields
        assert len(fields) >= 2
        widgets = [
            a
            for page in pdf.pages
            for a in page.obj.get(Name.Annots, Array())
            if a.get(Name.Subtype) == Name.Widget
        ]
        assert len(widgets) >= 3 + 9
        # The attachment of 025 travels along.
        assert len(pdf.attachments) == 1


def rendered_below_the_band(path: Path, index: int) -> Image.Image:
    """A page as PDFium shows it with its form fields, without the top band (the stamp)."""
    document = pdfium.PdfDocument(path)
    try:
        document.init_forms()
        image = document[index].render(scale=1, may_draw_forms=True).to_pil().convert("RGB")
    finally:
        document.close()
    return image.crop((0, int(image.height * 0.12), image.width, image.height))


@needs_shared
def test_form_annexes_look_in_the_bundle_as_received(voorstel: Path, out: Path) -> None:
    """Their fields' borders, colours and captions: drawn by the viewer, as in the annex."""
    forms = [p for p in corpus_annexes() if p.name.startswith(("010-", "012-"))]
    assert len(forms) == 2
    annexes = [BundleAnnex(p, n, p.stem[:20]) for n, p in enumerate(forms, 1)]
    bundle_pdf(voorstel, annexes, META, out)
    first = page_count(voorstel)
    for annex in forms:
        for index in range(page_count(annex)):
            seen = rendered_below_the_band(out, first + index)
            received = rendered_below_the_band(annex, index)
            assert ImageChops.difference(seen, received).getbbox() is None, (annex.name, index)
        first += page_count(annex)


# --- links with clashing destination names -------------------------------------------------


def test_annexes_sharing_destination_names_keep_their_links(voorstel: Path, tmp_path: Path) -> None:
    first = make_named_dest_pdf(tmp_path / "a.pdf", "A", [3, 1, 2])
    second = make_named_dest_pdf(tmp_path / "b.pdf", "B", [2, 3, 1])
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(first, 1, "A"), BundleAnnex(second, 2, "B")], META, out)
    links = internal_links(out)
    # voorstel: page 0 links to sec1 on page 1; annex A starts at 2, annex B at 6.
    assert links == [
        (0, 1),
        (2, 2 + 3),
        (2, 2 + 1),
        (2, 2 + 2),
        (6, 6 + 2),
        (6, 6 + 3),
        (6, 6 + 1),
    ]
    # And each link's target page says so in its text: link k of a document goes to "sec<k>".
    for label, group in (("A", links[1:4]), ("B", links[4:7])):
        for number, (_page, target) in enumerate(group, start=1):
            assert target is not None
            assert f"{label}: pagina" in text_of(out, target)
            assert f"sec{number}" in text_of(out, target)


# --- stamps --------------------------------------------------------------------------------


def make_annex(path: Path, text_at_top: bool, rotate: int = 0) -> Path:
    drawing = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    drawing.setFont("Helvetica", 11)
    if text_at_top:
        drawing.drawString(400, 830, "Kopregel tot aan de rand")
    drawing.drawString(72, 700, "Inhoud van de bijlage")
    drawing.showPage()
    drawing.drawString(72, 700, "Tweede pagina")
    drawing.showPage()
    drawing.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            for page in pdf.pages:
                page.obj.Rotate = rotate
            pdf.save(path)
    return path


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_page_narrower_than_its_marks_is_widened_at_both_sides(
    voorstel: Path, tmp_path: Path, rotate: int
) -> None:
    """A photo 243 points wide, confidential: before, its width went to the right only,
    leaving 'NIET OPENBAAR' beside the photo rather than above it."""
    sideways = rotate in (90, 270)
    annex = tmp_path / "foto.pdf"
    size = (337.5, 243.0) if sideways else (243.0, 337.5)  # 243 wide as seen
    drawing = canvas.Canvas(str(annex), pagesize=size, invariant=1)
    drawing.setFillGray(0.5)
    drawing.rect(0, 0, *size, fill=1, stroke=0)
    drawing.save()
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = rotate
        pdf.save(annex)
    out = tmp_path / "bundel.pdf"
    meta = dataclasses.replace(META, niet_openbaar=True)
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Foto")], meta, out)
    with pikepdf.open(annex) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
    new = visible_box(out, 2)
    before, after = ((y0, y1), (new[1], new[3])) if sideways else ((x0, x1), (new[0], new[2]))
    assert after[1] - after[0] > before[1] - before[0]  # widened for the marks
    assert before[0] - after[0] == pytest.approx(after[1] - before[1])  # alike at both sides


def test_stamp_is_text_in_an_embedded_font_and_page_box_kept_when_margin_blank(
    voorstel: Path, tmp_path: Path
) -> None:
    annex = make_annex(tmp_path / "blank.pdf", text_at_top=False)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kaart")], META, out)
    reader = pypdf.PdfReader(out)
    assert "Bijlage 1 bij 23.0001772" in reader.pages[2].extract_text()
    assert "pagina" not in reader.pages[2].extract_text()
    # A later page says which annex and page it is (review W5), its box kept too.
    assert "Bijlage 1 bij 23.0001772 – pagina 2 van 2" in reader.pages[3].extract_text()
    assert visible_box(out, 2) == [0, 0, 595, 842]
    assert visible_box(out, 3) == [0, 0, 595, 842]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    row = next(line for line in fonts.splitlines() if "LiberationSans" in line)
    assert row.split()[-5:-3] == ["yes", "yes"]  # emb, sub
    # The stamp adds no font of its own that is not embedded (reportlab's initial Helvetica).
    assert unembedded_fonts(out, page=3) == unembedded_fonts(annex, page=1)


def unembedded_fonts(path: Path, page: int) -> list[str]:
    """The names of the fonts on a 1-based page that pdffonts says are not embedded."""
    listing = subprocess.run(
        ["pdffonts", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    return sorted(row[0] for row in rows if row[-5] == "no")  # emb sub uni object-id generation


def test_page_box_grows_when_the_top_margin_is_not_blank(voorstel: Path, tmp_path: Path) -> None:
    annex = make_annex(tmp_path / "vol.pdf", text_at_top=True)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kaart")], META, out)
    assert visible_box(out, 2) == [0, 0, 595, 842 + MARK_BAND]
    assert visible_box(out, 3) == [0, 0, 595, 842]  # only the stamped page
    text = text_of(out, 2)
    assert "Bijlage 1 bij 23.0001772" in text and "Kopregel tot aan de rand" in text


def make_four_page_annex(path: Path) -> Path:
    """Four A4 pages: ink at the top of 1; nothing at the top of 2; ink at the top of 3, its
    bottom free; ink at both edges of 4."""
    return make_inked_annex(path, [(True, False), (False, False), (True, False), (True, True)])


def make_inked_annex(path: Path, edges: list[tuple[bool, bool]]) -> Path:
    """A4 pages with a line at the top edge, the bottom edge, both or neither, per page."""
    drawing = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    drawing.setFont("Helvetica", 11)
    for number, (top, bottom) in enumerate(edges, start=1):
        if top:
            drawing.drawString(400, 830, f"Kopregel {number} tot aan de rand")
        drawing.drawString(72, 700, f"Inhoud van pagina {number}")
        if bottom:
            drawing.drawString(400, 6, f"Voetregel {number} tot aan de rand")
        drawing.showPage()
    drawing.save()
    return path


def _mark_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Every word on a 0-based page as pdftotext boxes it: (word, xMin, yMin, xMax, yMax), y
    from the page's top edge."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        done.stdout,
    ):
        found.append((match[5], *(float(match[i]) for i in range(1, 5))))
    return found


@pytest.mark.parametrize("niet_openbaar", [False, True])
def test_every_later_page_of_an_annex_says_which_annex_and_page_it_is(
    voorstel: Path, tmp_path: Path, niet_openbaar: bool
) -> None:
    # Review W5: only an annex's first page was stamped, so a loose printed sheet could not be
    # put back. A later page gets "Bijlage 1 bij <kenmerk> – pagina 2 van 4", as large as the
    # first page's stamp: in its top band when that is free, else in its bottom band when that
    # is (the page keeps its size), else in a strip above the page as the first page gets. In a
    # confidential bundle NIET OPENBAAR takes the top band: the mark goes beside it.
    annex = make_four_page_annex(tmp_path / "vier.pdf")
    out = tmp_path / "bundel.pdf"
    meta = dataclasses.replace(META, niet_openbaar=niet_openbaar)
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Vier")], meta, out)

    stamp = f"Bijlage 1 bij {KENMERK}"
    # The first page as before: its stamp alone, in a strip above its inked top.
    assert visible_box(out, 2) == [0, 0, 595, 842 + MARK_BAND]
    assert stamp in text_of(out, 2) and "pagina 1 van" not in text_of(out, 2)
    assert _stamp_box(out, 2) == pytest.approx((14.45, 8.45), abs=0.05)
    # Bundle pages 3 to 5 are the annex's pages 2 (top free), 3 (bottom free) and 4 (neither).
    bottom = {4: not niet_openbaar}
    strip = {3: False, 4: niet_openbaar, 5: True}
    for index in (3, 4, 5):
        number = index - 1
        text = text_of(out, index)
        assert f"{stamp} – pagina {number} van 4" in text, index
        assert f"Inhoud van pagina {number}" in text
        assert ("NIET OPENBAAR" in text) is niet_openbaar
        height = 842 + (MARK_BAND if strip[index] else 0)
        assert visible_box(out, index) == [0, 0, 595, height], index
        boxes = _mark_boxes(out, index)
        first = next(box for box in boxes if box[0] == "Bijlage")
        line = [box for box in boxes if abs(box[2] - first[2]) < 0.5]
        last = max(line, key=lambda box: box[1])
        assert " ".join(box[0] for box in line) == f"{stamp} – pagina {number} van 4"
        # As large as the first page's stamp, and as far from the right edge.
        assert first[4] - first[2] == pytest.approx(8.45, abs=0.05), index
        assert 595 - last[3] == pytest.approx(24, abs=0.5), index
        if bottom.get(index, False):
            # Its descenders 5 mm above the bottom edge, under the annex's own content.
            assert height - first[4] == pytest.approx(14.1, abs=0.3), index
        else:
            assert first[2] == pytest.approx(14.45, abs=0.05), index
        # Never over the annex's own words.
        own = [box for box in boxes if box[0] in {"Kopregel", "Voetregel", "Inhoud"}]
        for word in own:
            assert word[4] <= first[2] or word[2] >= first[4], (index, word)


def test_an_annexs_later_pages_are_marked_in_one_band_when_they_all_can_be(
    voorstel: Path, tmp_path: Path
) -> None:
    """Look review: an annex's "pagina 2 van 3" was at the top of one page and "pagina 3 van
    3" at the bottom of the next, where its top had ink; with every bottom free, all of its
    later pages are marked at the bottom. Another annex, whose top bands are all free, keeps
    them at the top."""
    mixed = make_inked_annex(tmp_path / "drie.pdf", [(False, False), (False, False), (True, False)])
    plain = make_inked_annex(tmp_path / "twee.pdf", [(False, False), (False, False)])
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(mixed, 1, "Drie"), BundleAnnex(plain, 2, "Twee")], META, out)
    start = page_count(voorstel)
    # Each annex's first page keeps its "Bijlage N bij …" at the top.
    for first_page in (start, start + 3):
        assert _stamp_box(out, first_page) == pytest.approx((14.45, 8.45), abs=0.05)
    for index, number, annex, at_bottom in [
        (start + 1, 2, 1, True),
        (start + 2, 3, 1, True),
        (start + 4, 2, 2, False),
    ]:
        assert visible_box(out, index) == [0, 0, 595, 842], index  # no strip
        boxes = _mark_boxes(out, index)
        first = next(box for box in boxes if box[0] == "Bijlage")
        line = " ".join(box[0] for box in boxes if abs(box[2] - first[2]) < 0.5)
        assert line.endswith(f"– pagina {number} van {3 if annex == 1 else 2}"), index
        if at_bottom:
            assert 842 - first[4] == pytest.approx(14.1, abs=0.3), index
        else:
            assert first[2] == pytest.approx(14.45, abs=0.05), index


def test_an_annex_with_a_skewed_later_page_is_marked_page_by_page(
    voorstel: Path, tmp_path: Path
) -> None:
    """A page turned by 45 degrees gets a strip whatever its bands: its annex's other later
    pages are not all moved to the bottom for its sake (review of the one-band rule)."""
    annex = make_inked_annex(tmp_path / "drie.pdf", [(False, False), (False, False), (True, False)])
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        pdf.pages[2].obj.Rotate = 45
        pdf.save(annex)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Drie")], META, out)
    start = page_count(voorstel)
    boxes = _mark_boxes(out, start + 1)
    first = next(box for box in boxes if box[0] == "Bijlage")
    assert first[2] == pytest.approx(14.45, abs=0.05)  # page 2: at the top, where it is free
    assert visible_box(out, start + 2) == [0, 0, 595, 842 + MARK_BAND]  # page 3: a strip


def _stamp_box(path: Path, page: int) -> tuple[float, float]:
    """The top (from the page's top edge) and the height of the stamp's word 'Bijlage'."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    row = next(line for line in done.stdout.splitlines() if ">Bijlage<" in line)
    y_min, y_max = (float(row.split(f'{k}="')[1].split('"')[0]) for k in ("yMin", "yMax"))
    return y_min, y_max - y_min


@pytest.mark.parametrize(
    ("size", "scale"),
    [((595.0, 842.0), 1.0), ((1191.0, 842.0), 842 / 612), ((2384.0, 3370.0), 2384 / 612)],
    ids=["A4", "A3-liggend", "A0"],
)
@pytest.mark.parametrize("text_at_top", [False, True])
def test_a_stamp_grows_with_a_page_larger_than_office_paper(
    voorstel: Path, tmp_path: Path, size: tuple[float, float], scale: float, text_at_top: bool
) -> None:
    """Was 9 pt, 5 mm from the edge on an A0 drawing too: printed to fit on A4, 2 pt in the edge
    printers leave blank. Now as large, and as far from the edge, as on A4 when so printed."""
    annex = tmp_path / "tekening.pdf"
    drawing = canvas.Canvas(str(annex), pagesize=size, invariant=1)
    drawing.setFont("Helvetica", 11 * scale)
    if text_at_top:
        drawing.drawString(size[0] / 2, size[1] - 12 * scale, "Titel tot aan de rand")
    drawing.drawString(72 * scale, size[1] / 2, "Tekening")
    drawing.save()
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Tekening")], META, out)

    strip = MARK_BAND * scale if text_at_top else 0.0
    box = visible_box(out, 2)
    assert box == pytest.approx([0, 0, size[0], size[1] + strip], abs=0.01)
    top, height = _stamp_box(out, 2)
    # On A4, pdftotext's box of the 9-pt word is 8.45 high, its top 14.45 below the edge.
    assert height == pytest.approx(8.45 * scale, rel=0.02)
    assert top == pytest.approx(14.45 * scale, rel=0.02)


def _stamp_words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The stamp's words on a 0-based page as pdftotext boxes them: (word, xMin, yMin, xMax,
    yMax), y from the page's top edge."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for line in done.stdout.splitlines():
        match = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
            r"([^<]*)</word>",
            line,
        )
        if match and match[5] in {"Bijlage", "1", "bij", KENMERK, "NIET", "OPENBAAR"}:
            found.append((match[5], *(float(match[i]) for i in range(1, 5))))
    return found


# A4 in points, and the size a 9-pt mark of an A3 or A0 drawing has always had when the
# drawing is printed to fit on A4: 9 pt x 595/612.
A4 = (595.28, 841.89)
PRINTED_ON_A4 = 9 * 595 / 612
# pdftotext's box of a 9-pt 'Bijlage' is 8.45 high, its top 14.45 below the page's top edge.
BOX_PER_POINT = 8.45 / 9


@pytest.mark.parametrize(
    ("size", "niet_openbaar"),
    [
        ((841.89, 5669.29), False),
        ((5669.29, 841.89), False),
        ((3370.39, 2383.94), False),
        ((283.46, 283.46), False),
        ((841.89, 5669.29), True),
    ],
    ids=["rol-297x2000", "rol-liggend", "A0-liggend", "klein-100x100", "rol-niet-openbaar"],
)
def test_a_stamp_is_readable_on_an_odd_page_printed_to_fit_on_a4(
    voorstel: Path, tmp_path: Path, size: tuple[float, float], niet_openbaar: bool
) -> None:
    """A roll plot 297 x 2000 mm got a stamp sized by its short side, 12 pt: printed to fit on
    A4 (to 15 %), under 2 pt. Now as large, so printed, as an A3 or A0 drawing's; a small page
    keeps the 9 pt of office paper, and the marks stay on the page."""
    annex = tmp_path / "tekening.pdf"
    drawing = canvas.Canvas(str(annex), pagesize=size, invariant=1)
    drawing.drawString(20, size[1] / 2, "Tekening")
    drawing.save()
    out = tmp_path / "bundel.pdf"
    meta = dataclasses.replace(META, niet_openbaar=niet_openbaar)
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Tekening")], meta, out)

    box = visible_box(out, 2)
    width, height = box[2] - box[0], box[3] - box[1]
    assert [width, height] == pytest.approx(list(size), abs=0.01)  # the band was blank
    stamp = _stamp_words(out, 2)
    assert [word for word, *_ in stamp if word not in {"NIET", "OPENBAAR"}] == [
        "Bijlage",
        "1",
        "bij",
        KENMERK,
    ]
    _word, _x_min, top, _x_max, bottom = stamp[[w for w, *_ in stamp].index("Bijlage")]
    font = (bottom - top) / BOX_PER_POINT
    # Capitals 5 mm below the edge on A4: as far, relative to the stamp, on any page.
    assert top == pytest.approx(14.45 * font / 9, rel=0.03)
    right = max(x for *_, x, _b in stamp)
    assert min(x for _w, x, *_ in stamp) >= 0 and right <= width
    fit = min(min(A4) / min(size), max(A4) / max(size))
    if niet_openbaar:
        # Both marks on one line across 297 mm: as large as fits, larger than by the short side.
        assert font > 1.5 * 9 * min(size) / 612
        names = {w: (x0, x1) for w, x0, _t, x1, _b in stamp}
        assert names["OPENBAAR"][1] < names["Bijlage"][0]
        # Its margin grown with it, not 6 pt: printed on A4, under 1 pt from the paper's edge.
        assert width - right >= 0.95 * 6 * font / 9
    elif fit < 1:
        assert font * fit == pytest.approx(PRINTED_ON_A4, rel=0.03)
        assert width - right == pytest.approx(24 * font / 9, rel=0.03)
    else:
        assert font == pytest.approx(9, rel=0.03)  # a small page: printed as it is
        assert width - right == pytest.approx(24, rel=0.03)


def test_the_band_of_a_wide_low_strip_is_at_most_a_quarter_of_its_height(
    voorstel: Path, tmp_path: Path
) -> None:
    """A strip 10 m long and 297 mm high, printed to fit on A4, would need a mark 33 times its
    own size: a band higher than the strip. It grows to a quarter of the page's height."""
    from assembler.bands import mark_scale

    size = (28346.0, 841.89)
    assert MARK_BAND * mark_scale(*size) == pytest.approx(size[1] / 4)
    annex = tmp_path / "strook.pdf"
    drawing = canvas.Canvas(str(annex), pagesize=size, invariant=1)
    drawing.rect(10, 10, size[0] - 20, size[1] - 20)  # up to the top edge: a strip is added
    drawing.save()
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Strook")], META, out)
    assert visible_box(out, 2) == pytest.approx([0, 0, size[0], size[1] * 1.25], abs=0.01)
    _top, height = _stamp_box(out, 2)
    assert height == pytest.approx(8.45 * size[1] / 4 / MARK_BAND, rel=0.02)


def test_the_band_judged_on_a_large_page_is_as_high_as_its_grown_stamp(tmp_path: Path) -> None:
    """A title 80 pt below an A0 drawing's edge is clear of an A4-sized band, not of its own."""
    from assembler.bands import mark_scale

    size = (2384.0, 3370.0)
    annex = tmp_path / "tekening.pdf"
    drawing = canvas.Canvas(str(annex), pagesize=size, invariant=1)
    drawing.rect(100, size[1] - 90, 1000, 10, fill=1)  # 80 to 90 pt below the top edge
    drawing.save()
    assert MARK_BAND < 80 < MARK_BAND * mark_scale(*size)
    assert top_bands_blank(annex) == {0: False}


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_stamp_goes_to_the_top_as_seen_on_a_rotated_page(
    voorstel: Path, tmp_path: Path, rotate: int
) -> None:
    annex = make_annex(tmp_path / "gedraaid.pdf", text_at_top=False, rotate=rotate)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kaart")], META, out)
    done = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-bbox", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    # pdftotext works on the page as seen, so the stamp's words sit in the top band.
    rows = [line for line in done.stdout.splitlines() if ">Bijlage<" in line]
    assert rows, done.stdout
    y_min = float(rows[0].split('yMin="')[1].split('"')[0])
    assert y_min < MARK_BAND


def rendered_by_both(path: Path, index: int, into: Path) -> list[bytes]:
    """A page as poppler and as PDFium (Chrome, Edge) draw it at 50 dpi, as PNG files."""
    document = pdfium.PdfDocument(path)
    try:
        image = document[index].render(scale=50 / 72).to_pil()
    finally:
        document.close()
    images = rendered(path, index + 1, index + 1, into)
    image.save(into / "pdfium.png")
    return [*images, (into / "pdfium.png").read_bytes()]


@needs_shared
@pytest.mark.parametrize(
    ("strip", "end"),
    [
        (False, b"Q 0.5 0 0 0.5 100 100 cm"),
        (False, b"Q Q q 0.5 0 0 0.5 0 0 cm q"),
        (True, b"Q 0.5 0 0 0.5 100 100 cm"),
        (True, b"q 0.5 0 0 0.5 0 0 cm"),
    ],
    ids=["Q-te-veel", "beide", "Q-te-veel-strook", "q-open-strook"],
)
def test_a_page_that_restores_more_states_than_it_saves_keeps_its_stamp_at_the_top(
    voorstel: Path, tmp_path: Path, strip: bool, end: bytes
) -> None:
    """An unmatched Q (poppler: 'Restoring state when no valid states to pop') popped the
    bundle's q around the page: poppler drew no stamp, PDFium drew it at half size in the text;
    an unclosed q left the stamp in the clip of a page given a strip, so it was not seen. A
    scale after them that draws nothing must leave the page as it is without them."""
    plain = (
        make_annex(tmp_path / "kopregel.pdf", text_at_top=True)
        if strip
        else CORPUS / "026-latex-multicolumn--multicolumn.pdf"
    )
    odd = tmp_path / "losse-q.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.pages[0].contents_add(b"\n" + end + b"\n")
        pdf.save(odd)
    bundles = []
    for annex in (plain, odd):
        bundles.append(tmp_path / f"bundel-{annex.stem}.pdf")
        bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Notitie")], META, bundles[-1])

    assert "Bijlage 1 bij 23.0001772" in text_of(bundles[1], 2)
    assert _stamp_box(bundles[1], 2) == pytest.approx((14.45, 8.45), abs=0.1)
    expected, found = (rendered_by_both(b, 2, tmp_path / b.stem) for b in bundles)
    assert found == expected


# --- confidentiality, labels, metadata, determinism ----------------------------------------


@needs_shared
def test_niet_openbaar_on_every_page(voorstel: Path, tmp_path: Path) -> None:
    annexes = [
        BundleAnnex(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", 1, "Vier"),
        BundleAnnex(CORPUS / "015-arabic--habibi-rotated.pdf", 2, "Gedraaid"),
    ]
    out = tmp_path / "bundel.pdf"
    meta = BundleMeta(title="Geheim", author="Regio", kenmerk=KENMERK, niet_openbaar=True)
    bundle_pdf(voorstel, annexes, meta, out)
    total = page_count(out)
    assert total == 2 + 4 + 4
    for index in range(total):
        assert "NIET OPENBAAR" in text_of(out, index), f"page {index + 1}"


@needs_shared
def test_page_labels(voorstel: Path, tmp_path: Path) -> None:
    annexes = [
        BundleAnnex(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", 1, "Vier"),
        BundleAnnex(CORPUS / "001-trivial--minimal-document.pdf", 2, "Een"),
    ]
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, annexes, META, out)
    assert pypdf.PdfReader(out).page_labels == [
        "1",
        "2",
        "B1-1",
        "B1-2",
        "B1-3",
        "B1-4",
        "B2-1",
    ]


def test_metadata_and_language(voorstel: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundel.pdf"
    meta = BundleMeta(
        title="Aanpak actieplan Werklocaties",
        author="Regio Gooi en Vechtstreek",
        kenmerk=KENMERK,
        subject="Voorstel",
        producer="assembler 9.9",
        source_date_epoch=1_681_171_200,
    )
    bundle_pdf(voorstel, [], meta, out)
    info = pypdf.PdfReader(out).metadata
    assert info is not None
    assert info.title == "Aanpak actieplan Werklocaties"
    assert info.author == "Regio Gooi en Vechtstreek"
    assert info.subject == "Voorstel"
    assert info["/Keywords"] == KENMERK
    assert info.producer == "assembler 9.9"
    assert info["/CreationDate"] == "D:20230411000000Z"
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "nl-NL"
        xmp = pdf.open_metadata()
        assert xmp["dc:title"] == "Aanpak actieplan Werklocaties"
        assert list(xmp["dc:language"]) == ["nl-NL"]
        assert xmp["dc:creator"] == ["Regio Gooi en Vechtstreek"]
        assert xmp["pdf:Keywords"] == KENMERK
        assert xmp["pdf:Producer"] == "assembler 9.9"
        assert not pdf.is_encrypted


@needs_shared
def test_equal_inputs_give_identical_bytes(voorstel: Path, tmp_path: Path) -> None:
    annexes = [
        BundleAnnex(CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf", 1, "Met inhoud"),
        BundleAnnex(CORPUS / "010-pdflatex-forms--pdflatex-forms.pdf", 2, "Formulier"),
    ]
    meta = BundleMeta(
        title="T", author="A", kenmerk=KENMERK, niet_openbaar=True, source_date_epoch=1_681_171_200
    )
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    bundle_pdf(voorstel, annexes, meta, first)
    bundle_pdf(voorstel, annexes, meta, second)
    assert first.read_bytes() == second.read_bytes()


def test_without_an_epoch_a_bundle_is_dated_when_made_in_dutch_time(
    voorstel: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bundel.pdf"
    before = datetime.now(UTC).replace(microsecond=0)
    bundle_pdf(voorstel, [], BundleMeta(title="T", author="A", kenmerk=KENMERK), out)
    after = datetime.now(UTC)
    with pikepdf.open(out) as pdf:
        created = str(pdf.docinfo["/CreationDate"])
        assert str(pdf.docinfo["/ModDate"]) == created
        moment = decode_pdf_date(created)
        assert before <= moment <= after
        assert moment.utcoffset() == moment.astimezone(ZoneInfo("Europe/Amsterdam")).utcoffset()
        xmp = pdf.open_metadata()
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            assert xmp[key] == moment.isoformat(), key


def test_permissions_only_annex_gives_an_unprotected_bundle(voorstel: Path, tmp_path: Path) -> None:
    protected = tmp_path / "rechten.pdf"
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        pdf.save(
            protected,
            encryption=pikepdf.Encryption(owner="eigenaar", user="", allow=pikepdf.Permissions()),
        )
    before = protected.read_bytes()
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(protected, 1, "Beveiligd")], META, out)
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
    assert "Bijlage 1 bij" in text_of(out, 2)
    assert protected.read_bytes() == before  # third-party files are never changed


@needs_shared
def test_user_password_annex_is_rejected_and_previous_output_kept(
    voorstel: Path, out: Path
) -> None:
    out.write_bytes(b"previous good bundle")
    with pytest.raises(InputRejected, match="is beveiligd met een wachtwoord"):
        bundle_pdf(voorstel, [BundleAnnex(PASSWORD_FILE, 1, "Geheim")], META, out)
    assert out.read_bytes() == b"previous good bundle"
    assert [p.name for p in out.parent.iterdir()] == ["bundel.pdf"]


def test_outline_loop_annex_bundles_without_hanging(voorstel: Path, tmp_path: Path) -> None:
    annex = tmp_path / "kring.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    one = pdf.make_indirect(Dictionary(Title="Een", Dest=Array([pdf.pages[0].obj, Name.Fit])))
    two = pdf.make_indirect(Dictionary(Title="Twee", Dest=Array([pdf.pages[1].obj, Name.Fit])))
    root = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=one, Last=two, Count=2))
    one.Parent = two.Parent = root
    one.Next, two.Prev, two.Next, two.First, two.Last = two, one, one, two, two
    pdf.Root.Outlines = root
    pdf.save(annex)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kring")], META, out)
    titles = [(depth, title, page) for depth, title, page in outline_targets(out)]
    assert (1, "Een", 2) in titles and (1, "Twee", 3) in titles


def test_scripts_and_actions_of_an_annex_are_left_out_and_its_links_kept(
    voorstel: Path, tmp_path: Path
) -> None:
    annex = tmp_path / "scripts.pdf"
    annex.write_bytes(with_active_content())
    received = annex.read_bytes()
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Met scripts")], META, out)
    assert annex.read_bytes() == received  # only the copy in memory was changed

    active = {Name.JavaScript, Name.Launch, Name.SubmitForm, Name.ImportData}
    with pikepdf.open(out) as pdf:
        assert active_content(pdf) == []
        for obj in pdf.objects:
            if isinstance(obj, Dictionary):
                assert Name.JS not in obj and obj.get(Name.S) not in active, repr(obj)
    # What only shows the document stays: the links to pages (also the one whose chained
    # import went), the bookmarks that go to a page (as ever: the one that only ran a script
    # has none), the form button; the links that ran a script or started a program are gone.
    start = page_count(voorstel)
    want = [(start + p, None if t is None else start + t) for p, t in internal_links(annex)]
    assert len(want) == 10
    assert internal_links(out, start) == want
    with pikepdf.open(out) as pdf:
        kinds = [a.Subtype for a in pdf.pages[start + 1].obj.Annots]
        assert kinds == [Name.Link, Name.Widget]
        button = pdf.pages[start + 1].obj.Annots[1]
        assert Name.A not in button and Name.AA not in button
        assert Name.AA not in pdf.pages[start + 1].obj
    titles = [(title, page) for depth, title, page in outline_targets(out) if depth >= 1]
    kept = [(title, start + page) for _, title, page in outline_targets(annex) if page is not None]
    assert len(kept) == 8
    assert titles == kept


def test_links_and_actions_to_other_files_and_computers_are_left_out(
    voorstel: Path, tmp_path: Path
) -> None:
    annex = tmp_path / "buiten.pdf"
    annex.write_bytes(with_links_elsewhere())
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kaart")], META, out)
    start = page_count(voorstel)
    with pikepdf.open(out) as pdf:
        assert active_content(pdf) == []
        actions = actions_in(pdf)
        kinds = [(a.get(Name.S), Name.F in a) for a in actions]
        assert (Name.GoToR, True) not in kinds and (Name.Thread, True) not in kinds
        uris = [str(a.URI) for a in actions if a.get(Name.S) == Name.URI]
        assert sorted(uris) == sorted(WEB_LINKS)
        assert Name.AA not in pdf.pages[start].obj  # its page-open action went
        # What stays: the web and e-mail links, the link to a page and to an article of its
        # own, the print command; the links that had no other action are gone.
        kept = [annot.A for annot in pdf.pages[start + 1].obj.Annots]
        assert [(a.S, str(a.get(Name.URI, ""))) for a in kept] == [
            (Name.URI, WEB_LINKS[0]),
            (Name.URI, WEB_LINKS[1]),
            (Name.GoTo, ""),
            (Name.Thread, ""),
            (Name.Named, ""),
        ]
        assert kept[2].D[0].objgen == pdf.pages[start + 2].obj.objgen


def test_web_addresses_are_kept_as_a_reader_follows_them(voorstel: Path, tmp_path: Path) -> None:
    """Spaces, line breaks and <…> around a web address go, a www. address gets https:// (a
    reader may take it for a file beside the PDF); a link to a file goes altogether."""
    typed = [
        " https://www.example.nl/c",
        "\nhttps://www.example.nl/g",
        "<https://www.example.nl/f>",
        "www.example.nl/e",
        "tel:+31201234567",
        "pagina.html",
    ]
    annex = tmp_path / "bijlage.pdf"
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        links = [
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([72, 700 - 30 * index, 300, 720 - 30 * index]),
                A=Dictionary(S=Name.URI, URI=String(address)),
            )
            for index, address in enumerate(typed)
        ]
        pdf.pages[0].obj.Annots = Array(pdf.make_indirect(link) for link in links)
        pdf.save(annex)
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Kaart")], META, out := tmp_path / "bundel.pdf")
    with pikepdf.open(out) as pdf:
        kept = [str(a.A.URI) for a in pdf.pages[page_count(voorstel)].obj.Annots]
    assert kept == [
        "https://www.example.nl/c",
        "https://www.example.nl/g",
        "https://www.example.nl/f",
        "https://www.example.nl/e",
        "tel:+31201234567",
    ]


def test_what_qpdf_reaches_by_other_ways_is_stripped_too(voorstel: Path, tmp_path: Path) -> None:
    """A field's scripts reached only through its widget's /Parent, a list of annotations two
    pages share, a script kept in a stream, an additional action under a name that is not
    UTF-8; and Acrobat's own format script, which stays."""
    source = tmp_path / "bron.pdf"
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        script = "app.launchURL('https://verzamelen.example/' + event.value);"
        field = pdf.make_indirect(
            Dictionary(
                FT=Name.Tx,
                T=String("naam"),
                AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String(script))),
            )
        )
        formatted = pdf.make_indirect(
            Dictionary(
                FT=Name.Tx,
                T=String("bedrag"),
                AA=Dictionary(
                    F=Dictionary(
                        S=Name.JavaScript, JS=String('AFNumber_Format(2, 0, 0, 0, "€ ", true);')
                    )
                ),
            )
        )
        widgets = []
        for top, parent in ((72, field), (110, formatted)):
            widget = Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                Rect=Array([72, top, 200, top + 20]),
                Parent=parent,
            )
            widgets.append(pdf.make_indirect(widget))
            parent.Kids = Array([widgets[-1]])
        launch = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([300, 72, 400, 92]),
            A=Dictionary(S=Name.Launch, F=String("cmd.exe")),
        )
        shared = pdf.make_indirect(Array([*widgets, pdf.make_indirect(launch)]))
        pdf.pages[0].obj.Annots = shared
        pdf.pages[1].obj.Annots = shared
        # A form that lists none of its fields: qpdf finds them through the widgets.
        pdf.Root.AcroForm = Dictionary(Fields=Array())
        code = pdf.make_stream(b"app.alert('stroom');", S=Name.JavaScript)
        pdf.pages[2].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=code), C=code)
        with warnings.catch_warnings():
            # That Acrobat would not show widgets a form does not list is the point here.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            pdf.save(
                source, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False
            )
    # A key written as /#FF is a name, but not text.
    annex = tmp_path / "bijlage.pdf"
    data = source.read_bytes()
    assert data.count(b"/C ") >= 1
    annex.write_bytes(data.replace(b"/AA <<\n  /C ", b"/AA <<\n  /#FF ", 1))

    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Formulier")], META, out)
    start = page_count(voorstel)
    with pikepdf.open(out) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, Dictionary | pikepdf.Stream):
                assert obj.get(Name.S) not in (Name.Launch, Name.JavaScript) or (
                    "AFNumber_Format" in str(obj.get(Name.JS))
                ), repr(obj)
        for index in (start, start + 1):
            kinds = [a.Subtype for a in pdf.pages[index].obj.Annots]
            assert kinds == [Name.Widget, Name.Widget]
        # The two pages' widgets are copied once each ("naam", "naam+1"): all stripped alike.
        fields = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
        assert sorted(fields) == ["bedrag", "bedrag+1", "naam", "naam+1"]
        assert all(Name.AA not in fields[name] for name in ("naam", "naam+1"))
        assert all("AFNumber_Format" in str(fields[n].AA.F.JS) for n in ("bedrag", "bedrag+1"))


# --- the general merger --------------------------------------------------------------------


@needs_shared
def test_merge_documents_nests_bundles_under_a_top_outline(voorstel: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "b1.pdf", tmp_path / "b2.pdf"
    outline_annex = CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf"
    bundle_pdf(voorstel, [BundleAnnex(outline_annex, 1, "Inhoud")], META, first)
    bundle_pdf(voorstel, [], META, second)
    out = tmp_path / "vergaderbundel.pdf"
    parts = [
        MergePart(first, "Agendapunt 2 – Werklocaties", label_prefix=None),
        MergePart(
            second,
            "Agendapunt 3 – Wonen",
            label_prefix="3.",
            children=(OutlineEntry("Tweede pagina", 1),),
        ),
    ]
    merge_documents(parts, META, out)
    flat = outline_targets(out)
    assert flat[0] == (0, "Agendapunt 2 – Werklocaties", 0)
    assert (1, "Voorstel", 0) in flat and (1, "Bijlage 1 – Inhoud", 2) in flat
    assert any(depth == 2 for depth, _, _ in flat)  # the annex's own outline, two deep
    assert (0, "Agendapunt 3 – Wonen", 6) in flat and (1, "Tweede pagina", 7) in flat
    labels = pypdf.PdfReader(out).page_labels
    assert labels == ["1", "2", "B1-1", "B1-2", "B1-3", "B1-4", "3.1", "3.2"]
    assert internal_links(out, 6) == [(6, 7)]


@pytest.mark.parametrize("rotate", [0, 90])
def test_the_intake_tells_whether_the_first_page_top_band_is_free(
    tmp_path: Path, rotate: int
) -> None:
    blank = make_annex(tmp_path / "leeg.pdf", text_at_top=False, rotate=rotate)
    full = make_annex(tmp_path / "vol.pdf", text_at_top=True, rotate=rotate)
    reports = inspect_annexes([blank, full])
    assert [r.bands_blank for r in reports] == [(True,), (rotate != 0,)]


def test_the_intake_judges_every_page_of_a_confidential_dossier_annex(tmp_path: Path) -> None:
    # NIET OPENBAAR goes on every page: the checking child judges them all, so the build's own
    # process never renders a page of an annex.
    annex = make_annex(tmp_path / "vol.pdf", text_at_top=True)
    (once,) = inspect_annexes([annex])
    (every,) = inspect_annexes([annex], every_page=[annex])
    assert once.bands_blank == (False,)
    assert every.bands_blank == (False, True)


def test_a_known_band_is_trusted_without_rendering(voorstel: Path, tmp_path: Path) -> None:
    # Told (as the intake would) that the full band is free, the bundle stamps into it; told
    # that the empty band is taken, it adds a strip. Either way nothing was rendered.
    full = make_annex(tmp_path / "vol.pdf", text_at_top=True)
    empty = make_annex(tmp_path / "leeg.pdf", text_at_top=False)
    out = tmp_path / "bundel.pdf"
    annexes = [
        BundleAnnex(full, 1, "Kaart", bands_blank=(True,)),
        BundleAnnex(empty, 2, "Lijst", bands_blank=(False,)),
    ]
    bundle_pdf(voorstel, annexes, META, out)
    assert visible_box(out, 2) == [0, 0, 595, 842]
    assert visible_box(out, 4) == [0, 0, 595, 842 + MARK_BAND]


def test_bands_are_judged_per_page_of_a_pdf_a_too(tmp_path: Path) -> None:
    plain = tmp_path / "gewoon.pdf"
    drawing = canvas.Canvas(str(plain), pagesize=(595, 842), invariant=1)
    for number, at_top in enumerate([False, True, False, True], start=1):
        if at_top:
            drawing.drawString(400, 830, "Kopregel tot aan de rand")
        drawing.drawString(72, 700, f"Pagina {number}")
        drawing.showPage()
    drawing.save()
    archival = tmp_path / "pdfa.pdf"
    with pikepdf.open(plain) as pdf:
        profile = pdf.make_stream(b"\0" * 128)  # its content is never read for the check
        pdf.Root.OutputIntents = Array(
            [Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, DestOutputProfile=profile)]
        )
        pdf.save(archival)

    expected = {0: True, 1: False, 2: True, 3: False}
    assert top_bands_blank(plain, 0, 3) == expected
    assert top_bands_blank(archival) == expected
    assert top_bands_blank(archival, 1, 2) == {1: False, 2: True}
    assert top_bands_blank(archival, 3, 3) == {3: False}
    assert top_bands_blank(archival, 3, 9) == {3: False}
    assert top_bands_blank(tmp_path / "bestaat-niet.pdf") == {}


def test_the_text_of_a_pdf_a_is_read_without_its_output_intent(tmp_path: Path) -> None:
    # pdftotext spent 0.14 s on each voorstel's output intent; a copy without it says the same.
    plain = tmp_path / "gewoon.pdf"
    drawing = canvas.Canvas(str(plain), pagesize=(595, 842), invariant=1)
    for number in range(1, 5):
        drawing.drawString(72, 800, "NIET OPENBAAR" if number % 2 == 0 else "Openbaar")
        drawing.drawString(72, 700, f"Pagina {number}")
        drawing.showPage()
    drawing.save()
    archival = tmp_path / "pdfa.pdf"
    with pikepdf.open(plain) as pdf:
        profile = pdf.make_stream(b"\0" * 128)
        pdf.Root.OutputIntents = Array(
            [Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, DestOutputProfile=profile)]
        )
        pdf.save(archival)

    assert pages_showing(plain, "NIET OPENBAAR") == {1, 3}
    assert pages_showing(archival, "NIET OPENBAAR") == {1, 3}
    (tmp_path / "kopie").mkdir()
    copy = bands._without_intent(archival, tmp_path / "kopie")
    assert copy == tmp_path / "kopie" / "pages.pdf"
    assert bands._without_intent(plain, tmp_path / "kopie") == plain
    with pikepdf.open(copy) as pdf:
        assert len(pdf.pages) == 4
        assert Name.OutputIntents not in pdf.Root


def test_bands_are_judged_from_several_threads_at_once(tmp_path: Path) -> None:
    # Bundles are made on several threads, and PDFium crashes when called from two at once.
    annexes = [make_annex(tmp_path / f"{n}.pdf", text_at_top=n % 2 == 0) for n in range(4)]
    expected = [top_bands_blank(annex) for annex in annexes]

    with ThreadPoolExecutor(max_workers=4) as pool:
        judged = list(pool.map(top_bands_blank, annexes * 25))

    assert judged == expected * 25


# --- from a review of the PDFium band check ------------------------------------------------


def test_a_page_lower_than_the_band_is_never_blank(tmp_path: Path) -> None:
    # A mark in its band would run off such a page: it gets a strip instead.
    low = tmp_path / "laag.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(300, 10))
        pdf.save(low)
    assert top_bands_blank(low) == {0: False}


def test_judging_bands_stops_at_its_time_and_leaves_the_rest_not_blank(tmp_path: Path) -> None:
    # The intake's child judges every page of a confidential dossier's annexes within a part
    # of the file's time, so a long scan is not refused for its bands.
    many = tmp_path / "veel.pdf"
    many.write_bytes(pdf_with_pages(10_000))
    assert top_bands_blank(many, seconds=0) == {}
    limits = AnnexLimits(max_pages=20_000, timeout_seconds=0.3)  # 0.1 s for the bands
    found = check_in_child(many, limits, every_page=True)
    assert found.reasons == []
    assert len(found.bands_blank) == 10_000
    assert found.bands_blank[0] is True
    assert found.bands_blank[-1] is False, "not reached, so not blank"


def test_text_in_a_hidden_layer_of_a_pdf_a_is_not_shown(tmp_path: Path) -> None:
    # The copy without the output intent keeps the layers: hidden text does not count as the
    # page saying NIET OPENBAAR, or the page would go unmarked.
    archival = tmp_path / "laag.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Verborgen")))
        font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        page = pdf.pages[0]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font), Properties=Dictionary(oc1=layer))
        page.obj.Contents = pdf.make_stream(
            b"/OC /oc1 BDC BT /F1 12 Tf 72 800 Td (NIET OPENBAAR) Tj ET EMC"
        )
        pdf.Root.OCProperties = Dictionary(
            OCGs=Array([layer]), D=Dictionary(OFF=Array([layer]), Order=Array([layer]))
        )
        profile = pdf.make_stream(b"\0" * 128)
        pdf.Root.OutputIntents = Array(
            [Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, DestOutputProfile=profile)]
        )
        pdf.save(archival)
    assert pages_showing(archival, "NIET OPENBAAR") == frozenset()


@pytest.mark.parametrize(
    ("rotate", "shown"),
    [
        (135, 0),
        (45, 0),
        (1099511627776, 0),
        (Decimal("45.5"), 0),
        # Not carried by the page copied: upright, judged and marked as that (no strip).
        ("inherited 45", None),
        # Read as 0 by pikepdf and as 90 by PDFium: written as the 90 it means.
        (Decimal("90.0"), 90),
    ],
    ids=["135", "45", "huge", "45.5", "inherited", "90.0"],
)
def test_a_page_turned_by_no_integer_multiple_of_90_gets_a_strip_and_its_mark(
    voorstel: Path, tmp_path: Path, rotate: object, shown: int | None
) -> None:
    # The robustness review: the mark was placed as if the page were turned otherwise than
    # every viewer shows it, off the page, so no "Bijlage 1" was seen.
    annex_pdf = make_annex(tmp_path / "scheef.pdf", text_at_top=False)
    with pikepdf.open(annex_pdf, allow_overwriting_input=True) as pdf:
        if rotate == "inherited 45":
            pdf.Root.Pages.Rotate = 45
        else:
            pdf.pages[0].obj.Rotate = rotate
        pdf.save(annex_pdf)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex_pdf, 1, "Kaart", bands_blank=(True,))], META, out)
    if shown == 0:
        assert visible_box(out, 2) == [0, 0, 595, 842 + MARK_BAND]
    with pikepdf.open(out) as pdf:
        written = pdf.pages[2].obj.get(Name.Rotate, 0)
        assert isinstance(written, int) and written == (shown or 0)
    printed = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", str(out), "-"], capture_output=True, text=True
    ).stdout
    assert "Bijlage 1 bij 23.0001772" in " ".join(printed.split())


def test_a_judged_annex_is_never_rendered_in_this_process(
    voorstel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Told about page 1 only (the file changed after its check, say), the other pages of a
    # third-party annex count as not blank: they get a strip, nothing is rendered here.
    annex_pdf = make_annex(tmp_path / "bijlage.pdf", text_at_top=False)
    rendered: list[Path] = []
    monkeypatch.setattr(
        bundle, "top_bands_blank", lambda pdf, *args, **kwargs: rendered.append(pdf) or {}
    )
    out = tmp_path / "bundel.pdf"
    secret = dataclasses.replace(META, niet_openbaar=True)
    annexes = [BundleAnnex(annex_pdf, 1, "Kaart", bands_blank=(True,), judged=True)]
    bundle_pdf(voorstel, annexes, secret, out, main_title="Voorstel")
    assert annex_pdf not in rendered
    assert visible_box(out, 2) == [0, 0, 595, 842]  # page 1: judged blank, marked in its band
    assert visible_box(out, 3) == [0, 0, 595, 842 + MARK_BAND]  # page 2: not judged


@pytest.mark.parametrize("told", [False, True])
def test_a_judged_annexs_bottom_bands_are_trusted_and_never_rendered_here(
    voorstel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: bool
) -> None:
    # The intake tells a later page's bottom band (judged in its checking child): free, the
    # mark goes there and the page keeps its size; not told, it counts as not free (a strip).
    annex_pdf = make_four_page_annex(tmp_path / "vier.pdf")
    rendered: list[Path] = []

    def recording(pdf: Path, *args: object, **kwargs: object) -> dict[int, bool]:
        rendered.append(pdf)
        return {}

    monkeypatch.setattr(bundle, "top_bands_blank", recording)
    monkeypatch.setattr(bundle, "bottom_bands_blank", recording)
    out = tmp_path / "bundel.pdf"
    annexes = [
        BundleAnnex(
            annex_pdf,
            1,
            "Vier",
            bands_blank=(False, True, False, False),
            bottom_bands_blank=(False, True, True, False) if told else (),
            judged=True,
        )
    ]
    bundle_pdf(voorstel, annexes, META, out)
    assert annex_pdf not in rendered
    assert visible_box(out, 3) == [0, 0, 595, 842]
    assert visible_box(out, 4) == [0, 0, 595, 842 + (0 if told else MARK_BAND)]
    assert visible_box(out, 5) == [0, 0, 595, 842 + MARK_BAND]
    assert f"Bijlage 1 bij {KENMERK} – pagina 3 van 4" in text_of(out, 4)


def test_the_intake_judges_the_bottom_band_of_each_later_page(tmp_path: Path) -> None:
    annex = make_four_page_annex(tmp_path / "vier.pdf")
    (every,) = inspect_annexes([annex], every_page=[annex])
    assert every.bands_blank == (False, True, False, False)
    # Page 1's bottom is not asked about (its mark goes at the top, in a strip if need be).
    assert every.bottom_bands_blank == (False, True, True, False)


@pytest.mark.parametrize(("page", "kept"), [(0, False), (1, True)])
def test_an_annexs_one_bookmark_to_its_first_page_is_left_out(
    voorstel: Path, tmp_path: Path, page: int, kept: bool
) -> None:
    """A spreadsheet's one sheet ('Blad1') said again under 'Bijlage 1 – Begroting'."""
    annex = tmp_path / "begroting.pdf"
    annex.write_bytes(pdf_with_pages(2))
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Blad1", page))
        pdf.save(annex)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Begroting")], META, out)
    start = page_count(voorstel)
    below = [(title, at) for depth, title, at in outline_targets(out) if depth == 1 and at >= start]
    assert below == ([("Blad1", start + page)] if kept else [])


# --- tagged structure ----------------------------------------------------------------------

ECONOMIE = "2023-05-26-pfho-economie"
TAGS_ANNEXES = [
    CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf",
    CORPUS / "014-outlines--mistitled_outlines_example.pdf",
    CORPUS / "016-libre-office-link--libre-office-link.pdf",
    CORPUS / "010-pdflatex-forms--pdflatex-forms.pdf",
]


@pytest.fixture(scope="module")
def economie_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build folder of a real build of the example project's first meeting (LibreOffice)."""
    project = tmp_path_factory.mktemp("project")
    copy_example(project, "templates", "schemas", f"dossiers/{ECONOMIE}", "dossiers/huisstijl")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "assembler", "build", "-j", "1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return project / "build" / ECONOMIE


def headings(path: Path) -> list[str]:
    """The H1…H6 texts a reader of the tags gets (poppler's view of the structure tree)."""
    lines = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout.splitlines()
    found: list[str] = []
    for number, line in enumerate(lines):
        match = re.match(r"( *)H[1-6] ", line)
        if not match:
            continue
        texts = []
        for below in lines[number + 1 :]:
            if len(below) - len(below.lstrip(" ")) <= len(match.group(1)):
                break
            if below.strip().startswith('"'):
                texts.append(below.strip().strip('"'))
        found.append(" ".join(texts))
    return found


def structure_problems(path: Path) -> list[str]:
    """What is wrong with a tagged PDF's tree as carried: dangling page references, page or
    annotation keys missing from the ParentTree, marked content the ParentTree does not lead
    back to its element."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        tree = {int(k): v for k, v in pikepdf.NumberTree(root.ParentTree).items()}
        pages = {page.obj.objgen: page.obj for page in pdf.pages}
        for index, page in enumerate(pdf.pages):
            key = page.obj.get(Name.StructParents)
            if key is not None and int(key) not in tree:
                problems.append(f"page {index + 1}: StructParents {key} not in the ParentTree")
            for annot in page.obj.get(Name.Annots, Array()):
                key = annot.get(Name.StructParent)
                if key is not None and int(key) not in tree:
                    problems.append(f"page {index + 1}: annotation key {key} not in the tree")
        stack: list[tuple[object, object, object]] = [(root.K, None, root)]
        roots = 0
        seen: set[tuple[int, int]] = set()
        ids: Counter[str] = Counter()
        while stack:
            node, page, parent = stack.pop()
            if isinstance(node, Dictionary) and node.is_indirect:
                if node.objgen in seen:
                    problems.append(f"{node.get(Name.S)} {node.objgen}: reached twice (a loop)")
                    continue
                seen.add(node.objgen)
                if Name.ID in node:
                    ids[str(node.ID)] += 1
            if isinstance(node, int):
                if page is None:
                    problems.append("a marked-content id without a page")
                    continue
                assert isinstance(page, Dictionary)
                owner = tree.get(int(page.get(Name.StructParents, -1)))
                if owner is None or len(owner) <= node or owner[node].objgen != parent.objgen:
                    problems.append(f"MCID {node}: the ParentTree does not lead to its element")
                continue
            if not isinstance(node, Dictionary):
                continue
            if Name.Pg in node:
                if node.Pg.objgen not in pages:
                    problems.append(f"{node.get(Name.S)}: /Pg is not a page of the PDF")
                page = node.Pg
            if node.get(Name.Type) in (Name.MCR, Name.OBJR):
                if node.Type == Name.MCR:
                    stack.append((node.MCID, page, parent))
                continue
            kids = node.get(Name.K)
            for kid in kids if isinstance(kids, Array) else [] if kids is None else [kids]:
                stack.append((kid, page, node))
        roots = sum(
            1
            for obj in pdf.objects
            if isinstance(obj, Dictionary) and obj.get(Name.Type) == Name.StructTreeRoot
        )
        if roots != 1:
            problems.append(f"{roots} structure tree roots")
        problems += [f"element id {name} {count} times" for name, count in ids.items() if count > 1]
    return problems


def pages_with_unread_text(path: Path) -> list[int]:
    """Pages (0-based) with text a reader of the tags skips: shown outside an artifact and
    outside marked content whose id leads through the ParentTree to an element of the tree."""
    unread = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        tree = {int(k): v for k, v in pikepdf.NumberTree(root.ParentTree).items()}
        reachable: set[tuple[int, int]] = set()
        stack = [root.K]
        while stack:
            node = stack.pop()
            if isinstance(node, Array):
                stack += list(node)
            elif isinstance(node, Dictionary) and node.objgen not in reachable:
                reachable.add(node.objgen)
                if Name.Type not in node or node.Type == Name.StructElem:
                    stack.append(node.get(Name.K))
        for index, page in enumerate(pdf.pages):
            owners = tree.get(int(page.obj.get(Name.StructParents, -1)))
            open_: list[object] = []
            for instruction in pikepdf.parse_content_stream(page):
                operator, operands = str(instruction.operator), instruction.operands
                if operator in ("BDC", "BMC"):
                    properties = operands[1] if operator == "BDC" else None
                    mcid = properties.get(Name.MCID) if isinstance(properties, Dictionary) else None
                    open_.append("artifact" if operands[0] == Name.Artifact else mcid)
                elif operator == "EMC" and open_:
                    open_.pop()
                elif operator in ("Tj", "TJ", "'", '"') and "artifact" not in open_:
                    mcids = [int(m) for m in open_ if isinstance(m, int)]
                    if (
                        not mcids
                        or owners is None
                        or mcids[-1] >= len(owners)
                        or owners[mcids[-1]].objgen not in reachable
                    ):
                        unread.append(index)
                        break
    return unread


def nested_ids_and_artifacts(path: Path) -> list[str]:
    """Marked content with an id inside another with an id, or an artifact inside one: both
    invalid in tagged PDF (ISO 32000-1 14.7.4, PDF/UA 7.1)."""
    found = []
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            open_: list[str] = []
            for instruction in pikepdf.parse_content_stream(page):
                operator, operands = str(instruction.operator), instruction.operands
                if operator in ("BDC", "BMC"):
                    properties = operands[1] if operator == "BDC" else None
                    has_id = isinstance(properties, Dictionary) and Name.MCID in properties
                    kind = "artifact" if operands[0] == Name.Artifact else "id" if has_id else ""
                    if kind and "id" in open_:
                        found.append(f"page {index + 1}: {kind} inside marked content with an id")
                    open_.append(kind)
                elif operator == "EMC" and open_:
                    open_.pop()
    return found


def stamps_outside_artifacts(path: Path) -> list[int]:
    """Pages where a stamp (``/AsmMarkN Do``) is drawn outside ``/Artifact`` marked content."""
    pages = []
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            open_tags: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("BDC", "BMC"):
                    open_tags.append(str(operands[0]))
                elif str(operator) == "EMC" and open_tags:
                    open_tags.pop()
                elif (
                    str(operator) == "Do"
                    and str(operands[0]).startswith("/AsmMark")
                    and "/Artifact" not in open_tags
                ):
                    pages.append(index)
    return pages


def part_titles(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        document = pdf.Root.StructTreeRoot.K
        assert str(document.S) == "/Document"
        kids = document.K if isinstance(document.K, Array) else [document.K]
        return [str(kid.T) for kid in kids if str(kid.S) == "/Part"]


def bundle_the_built_voorstel(
    build: Path,
    out: Path,
    meta: BundleMeta,
    extra: tuple[Path, ...] = (),
    *,
    made_here: bool = False,
) -> Path:
    """Bundle the build's LibreOffice voorstel with the corpus annexes (and ``extra``); return
    the voorstel."""
    voorstel = build / "02-23.0001772-werklocaties" / "voorstel.pdf"
    annexes = [BundleAnnex(p, n, p.stem) for n, p in enumerate([*TAGS_ANNEXES, *extra], start=1)]
    bundle_pdf(voorstel, annexes, meta, out, main_made_here=made_here)
    return voorstel


@pytest.mark.slow
@pytest.mark.parametrize("made_here", [False, True], ids=["gelopen", "verplaatst"])
def test_a_bundle_keeps_the_voorstels_tags_and_its_stamps_are_artifacts(
    economie_build: Path, tmp_path: Path, made_here: bool
) -> None:
    # An annex that lost its tree but kept a page's key must not claim the voorstel's elements.
    stale = tmp_path / "stale.pdf"
    with pikepdf.open(TAGS_ANNEXES[0]) as pdf:
        pdf.pages[0].obj.StructParents = 0
        pdf.save(stale)
    out = tmp_path / "bundel.pdf"
    secret = dataclasses.replace(META, niet_openbaar=True)
    voorstel = bundle_the_built_voorstel(economie_build, out, secret, (stale,), made_here=made_here)

    assert headings(voorstel)
    assert headings(out) == headings(voorstel)
    assert structure_problems(out) == []
    # The untagged annexes are read too: each a Part, every page's text in the tags.
    annexes = [*TAGS_ANNEXES, stale]
    assert part_titles(out) == ["Voorstel"] + [
        f"Bijlage {n} – {p.stem}" for n, p in enumerate(annexes, start=1)
    ]
    assert pages_with_unread_text(out) == []
    assert links_outside_the_tags(out) == []
    assert nested_ids_and_artifacts(out) == []
    with pikepdf.open(out) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        with pikepdf.open(voorstel) as source:
            assert str(pdf.Root.StructTreeRoot.K.K[0].Lang) == str(source.Root.Lang)
    assert (
        "Tagged:          yes"
        in subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    )
    assert stamps_outside_artifacts(out) == []
    assert pdfium.PdfDocument(out)[0].get_textpage().get_text_range().count("NIET OPENBAAR") == 1


@pytest.mark.slow
def test_libreoffices_tree_moved_into_a_bundle_reads_as_the_walked_one(
    economie_build: Path, tmp_path: Path
) -> None:
    """The build's own voorstel and agenda (``main_made_here``, ``own_structure``) have their
    trees moved, not walked: a screen reader gets the same tree, attributes and text."""
    walked, moved = tmp_path / "gelopen.pdf", tmp_path / "verplaatst.pdf"
    bundle_the_built_voorstel(economie_build, walked, META)
    bundle_the_built_voorstel(economie_build, moved, META, made_here=True)
    agenda = economie_build / "agenda.pdf"
    for made_here, out in ((False, tmp_path / "agenda-gelopen.pdf"), (True, tmp_path / "a.pdf")):
        part = MergePart(agenda, "Agenda", "Agenda ", own_structure=made_here)
        merge_documents([part, MergePart(walked, "2. Werklocaties", None, "2.")], META, out)

    def read(path: Path) -> bytes:
        return subprocess.run(
            ["pdfinfo", "-struct-text", str(path)], capture_output=True, check=True
        ).stdout

    assert read(moved) == read(walked)
    assert read(tmp_path / "a.pdf") == read(tmp_path / "agenda-gelopen.pdf")
    assert structure_problems(moved) == []
    assert structure_problems(tmp_path / "a.pdf") == []


@pytest.mark.slow
def test_ids_of_a_moved_tree_are_known_to_the_parts_after_it(
    economie_build: Path, tmp_path: Path
) -> None:
    """Review: a moved tree's ids come from its IDTree; LibreOffice's ids (should a version
    write them) without one would have let a later part keep the same id. finish_pdf gives
    such a tree its IDTree, so the annex's id is renamed."""
    built = economie_build / "02-23.0001772-werklocaties" / "voorstel.pdf"
    voorstel, annex = tmp_path / "voorstel.pdf", tmp_path / "bijlage.pdf"
    for path in (voorstel, annex):
        with pikepdf.open(built) as pdf:
            root = pdf.Root.StructTreeRoot
            assert Name.IDTree not in root
            first = next(kid for kid in root.K[0].K if isinstance(kid, Dictionary))
            first.ID = String("LO_noot_1")
            pdf.save(path)
    assert normalise.finish_pdf(voorstel, None) is None
    out = tmp_path / "bundel.pdf"

    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Bijlage")], META, out, main_made_here=True)

    assert structure_problems(out) == []
    with pikepdf.open(out) as pdf:
        ids = [name for name, _ in pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items()]
    assert ids == ["LO_noot_1", "LO_noot_1_2"]


@pytest.mark.slow
@pytest.mark.parametrize("own", [False, True], ids=["gelopen", "eigen-bundels"])
def test_a_meeting_bundle_carries_the_agenda_and_each_tagged_dossier_bundle(
    economie_build: Path, tmp_path: Path, own: bool
) -> None:
    """The build's own dossier bundles (``own_structure``) have their trees moved as they
    are, not walked: the same tree comes out."""
    agenda = economie_build / "agenda.pdf"
    dossier = tmp_path / "bundel.pdf"
    voorstel = bundle_the_built_voorstel(economie_build, dossier, META)
    parts = [MergePart(pdf=agenda, title="Agenda", label_prefix="Agenda ")]
    for number in (2, 3):  # the same tagged bundle twice: its keys must not collide
        parts.append(
            MergePart(dossier, f"{number}. Werklocaties", None, f"{number}.", own_structure=own)
        )
    meeting = tmp_path / "vergaderbundel.pdf"
    merge_documents(parts, dataclasses.replace(META, niet_openbaar=True), meeting)

    assert headings(meeting) == headings(agenda) + 2 * headings(voorstel)
    assert structure_problems(meeting) == []
    assert part_titles(meeting) == ["Agenda", "2. Werklocaties", "3. Werklocaties"]
    assert stamps_outside_artifacts(meeting) == []
    assert pages_with_unread_text(meeting) == []


def part_languages(path: Path) -> list[tuple[str, str | None]]:
    """Each Part element of the tree, nested ones too, in order: its title and its /Lang."""
    found: list[tuple[str, str | None]] = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            element = stack.pop()
            if str(element.get(Name.S)) == "/Part":
                lang = element.get(Name.Lang)
                found.append((str(element.T), None if lang is None else str(lang)))
            kids = [k for k in _as_list(element.get(Name.K)) if isinstance(k, Dictionary)]
            stack += [kid for kid in reversed(kids) if Name.S in kid]
    return found


@needs_shared
@pytest.mark.slow
def test_an_annex_whose_language_is_no_language_tag_is_read_in_an_unknown_one(
    economie_build: Path, tmp_path: Path
) -> None:
    """Hostile review: a sender's /Lang of control characters, markup and 300 000 characters
    was carried into the bundle's structure as the annex's language."""
    made = economie_build / "02-23.0001772-werklocaties" / "voorstel.pdf"

    def junk(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Lang = pikepdf.String("nl\x00\x1b<script>" + "x" * 300_000)

    def english(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Lang = pikepdf.String("en-GB")

    annexes = [
        tagged_variant(made, tmp_path / "rommel.pdf", junk),
        tagged_variant(made, tmp_path / "engels.pdf", english),
    ]
    dossier = tmp_path / "bundel.pdf"
    bundle_pdf(
        made,
        [BundleAnnex(p, n, p.stem) for n, p in enumerate(annexes, start=1)],
        META,
        dossier,
        main_made_here=True,
    )
    assert part_languages(dossier) == [
        ("Voorstel", "nl-NL"),
        ("Bijlage 1 – rommel", ""),
        ("Bijlage 2 – engels", "en-GB"),
    ]


@needs_shared
@pytest.mark.slow
def test_an_annex_that_names_no_language_is_read_in_an_unknown_one_not_in_dutch(
    economie_build: Path, tmp_path: Path
) -> None:
    """Was: it took the bundle's nl-NL, and a screen reader read Arabic or English with a
    Dutch voice. An empty /Lang is an unknown language; the build's own parts stay Dutch."""
    made = economie_build / "02-23.0001772-werklocaties" / "voorstel.pdf"

    def without_language(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.Lang

    voorstel = tagged_variant(made, tmp_path / "voorstel.pdf", without_language)
    tagged = tagged_variant(made, tmp_path / "getagd-zonder-taal.pdf", without_language)
    annexes = [
        CORPUS / "015-arabic--habibi.pdf",  # WeasyPrint, untagged, no /Lang
        CORPUS / "016-libre-office-link--libre-office-link.pdf",  # LibreOffice: en-US
        tagged,  # its tree carried
    ]
    dossier = tmp_path / "bundel.pdf"
    bundle_pdf(
        voorstel,
        [BundleAnnex(p, n, p.stem[:6]) for n, p in enumerate(annexes, start=1)],
        META,
        dossier,
        main_made_here=True,
    )
    meeting = tmp_path / "vergaderbundel.pdf"
    agenda = economie_build / "agenda.pdf"
    merge_documents(
        [
            MergePart(agenda, "Agenda", "Agenda ", own_structure=True),
            MergePart(dossier, "2. Werklocaties", None, "2.", own_structure=True),
        ],
        META,
        meeting,
    )

    annex_parts = [
        ("Bijlage 1 – 015-ar", ""),
        ("Bijlage 2 – 016-li", "en-US"),
        ("Bijlage 3 – getagd", ""),
    ]
    assert part_languages(dossier) == [("Voorstel", None), *annex_parts]
    assert part_languages(meeting) == [
        ("Agenda", "nl-NL"),
        ("2. Werklocaties", "nl-NL"),
        ("Voorstel", None),
        *annex_parts,
    ]
    for path in (dossier, meeting):
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == "nl-NL"
        assert structure_problems(path) == []


@pytest.mark.slow
def test_the_built_bundles_are_tagged(economie_build: Path) -> None:
    voorstel = economie_build / "02-23.0001772-werklocaties" / "voorstel.pdf"
    agenda = economie_build / "agenda-niet-openbaar.pdf"
    dossier = economie_build / "02-23.0001772-werklocaties" / "bundel.pdf"
    meeting = economie_build / "vergaderbundel-niet-openbaar.pdf"
    assert headings(dossier) == headings(voorstel)
    assert headings(meeting) == headings(agenda) + headings(voorstel)
    for path in (dossier, meeting, economie_build / "vergaderbundel.pdf"):
        assert structure_problems(path) == [], path.name
        assert stamps_outside_artifacts(path) == [], path.name
        assert pages_with_unread_text(path) == [], path.name


def test_a_tagged_forms_fields_stay_in_its_tags(tmp_path: Path) -> None:
    """Carrying a form copies its widgets anew: the tree's /OBJR follow them to the page."""
    tagged = tmp_path / "formulier.pdf"
    with pikepdf.open(CORPUS / "010-pdflatex-forms--pdflatex-forms.pdf") as pdf:
        page = pdf.pages[0].obj
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
        fields, nums = [], []
        for number, widget in enumerate(page.Annots):
            field = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Form, P=document, Pg=page)
            )
            field.K = Dictionary(Type=Name.OBJR, Obj=widget, Pg=page)
            widget.StructParent = number
            fields.append(field)
            nums += [number, field]
        document.K = Array(fields)
        root.K = document
        root.ParentTree = Dictionary(Nums=Array(nums))
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.save(tagged)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(
        tagged,
        [BundleAnnex(CORPUS / "012-libreoffice-form--libreoffice-form.pdf", 1, "F")],
        META,
        out,
    )
    assert structure_problems(out) == []
    with pikepdf.open(out) as pdf:
        widgets = {annot.objgen for annot in pdf.pages[0].obj.Annots}
        tree = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
        # The page's text, which the tree leaves out, is read in a P after the fields.
        fields = [kid for kid in pdf.Root.StructTreeRoot.K.K[0].K if str(kid.S) == "/Form"]
        assert len(fields) == len(widgets) > 0
        for field in fields:
            assert field.K.Obj.objgen in widgets
            assert tree[int(field.K.Obj.StructParent)].objgen == field.objgen


def rendered(path: Path, first: int, last: int, into: Path) -> list[bytes]:
    """Pages ``first``…``last`` (1-based) of ``path`` as poppler draws them at 50 dpi."""
    into.mkdir()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", str(first), "-l", str(last), str(path), "p"],
        cwd=into,
        check=True,
    )
    return [image.read_bytes() for image in sorted(into.glob("*.png"))]


def poppler_text(path: Path, first: int, last: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout


@pytest.fixture(scope="module")
def lo_voorstel(economie_build: Path) -> Path:
    """The voorstel LibreOffice made in the example build: tagged."""
    return economie_build / "02-23.0001772-werklocaties" / "voorstel.pdf"


@pytest.mark.slow
def test_untagged_annexes_are_tagged_minimally_and_look_and_read_as_received(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    voorstel = lo_voorstel
    # An annex whose tree was lost keeps the ids and artifacts of its marked content.
    lost = tmp_path / "zonder-boom.pdf"
    with pikepdf.open(voorstel) as pdf:
        del pdf.Root.StructTreeRoot
        del pdf.Root.MarkInfo
        pdf.save(lost)
    annexes = [
        CORPUS / "026-latex-multicolumn--multicolumn.pdf",
        CORPUS / "008-reportlab-inline-image--inline-image.pdf",
        CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf",
        lost,
    ]
    parts = [MergePart(voorstel, "Voorstel")]
    parts += [MergePart(p, f"Bijlage {n}", f"B{n}-") for n, p in enumerate(annexes, start=1)]
    out = tmp_path / "bundel.pdf"
    merge_documents(parts, META, out)

    assert part_titles(out) == ["Voorstel", "Bijlage 1", "Bijlage 2", "Bijlage 3", "Bijlage 4"]
    assert structure_problems(out) == []
    assert pages_with_unread_text(out) == []
    assert links_outside_the_tags(out) == []
    assert nested_ids_and_artifacts(out) == []
    assert headings(out) == headings(voorstel)  # the lost tree's headings are not invented
    first = page_count(voorstel) + 1
    for number, annex in enumerate(annexes):
        last = first + page_count(annex) - 1
        assert rendered(out, first, last, tmp_path / f"b{number}") == rendered(
            annex, 1, last - first + 1, tmp_path / f"a{number}"
        ), annex.name
        assert poppler_text(out, first, last) == poppler_text(annex, 1, last - first + 1)
        first = last + 1


@pytest.mark.slow
def test_an_untagged_page_with_spans_and_layers_is_wrapped_as_it_is(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    """Chrome and Google Docs mark text with /Span ActualText, maps draw layers (/OC): such
    marked content may stand inside the wrapper, so the page is not parsed and written anew
    (which cost a 20 MB map 7 seconds and a gigabyte)."""
    annex = tmp_path / "kaart.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Wegen")))
        pdf.pages[0].obj.Resources = Dictionary(
            Font=Dictionary(F1=font), Properties=Dictionary(L1=layer)
        )
        pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(ON=Array([layer])))
        drawing = (
            b"/Span <</ActualText (Kaart)>> BDC BT /F1 24 Tf 72 720 Td (Kaart) Tj ET EMC\n"
            b"/OC /L1 BDC 0 0 1 RG 72 600 m 500 600 l S EMC\n"
        ) * 2000
        pdf.pages[0].obj.Contents = pdf.make_stream(drawing)
        pdf.save(annex)
    out = tmp_path / "bundel.pdf"
    merge_documents(
        [MergePart(lo_voorstel, "Voorstel"), MergePart(annex, "Bijlage 1", "B1-")], META, out
    )

    assert structure_problems(out) == []
    assert pages_with_unread_text(out) == []
    with pikepdf.open(out) as pdf:
        contents = pdf.pages[page_count(lo_voorstel)].obj.Contents
        # The wrapper around the page's own stream, which is carried as it was.
        assert isinstance(contents, Array) and drawing in [s.read_bytes() for s in contents]


def tagged_variant(voorstel: Path, path: Path, change: Any) -> Path:
    """The LibreOffice voorstel, with ``change`` made to it, saved as ``path``."""
    with pikepdf.open(voorstel) as pdf:
        change(pdf)
        pdf.save(path)
    return path


def document_of(pdf: pikepdf.Pdf) -> Dictionary:
    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, Array) else kids


@pytest.mark.slow
def test_a_tagged_annex_keeps_its_tags_when_a_link_of_it_is_left_out(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    voorstel = lo_voorstel

    def launch_link(pdf: pikepdf.Pdf) -> None:
        # As LibreOffice tags a link: a Link element holding the annotation by an OBJR.
        page = pdf.pages[0].obj
        annot = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([72, 72, 200, 90]),
                A=Dictionary(S=Name.Launch, F=String("overzicht.xlsx")),
                StructParent=90,
            )
        )
        page.Annots = Array([*page.get(Name.Annots, Array()), annot])
        document = document_of(pdf)
        link = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=document))
        link.K = Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)
        document.K = Array([*document.K, link])
        pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[90] = link

    annex = tagged_variant(voorstel, tmp_path / "bijlage-link.pdf", launch_link)
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(annex, 1, "Met link")], META, out)

    with pikepdf.open(out) as pdf:
        kinds = [a.get(Name.A, {}).get(Name.S) for p in pdf.pages for a in p.get(Name.Annots, [])]
        assert Name.Launch not in kinds  # the link is left out; its tags are not
    assert part_titles(out) == ["Voorstel", "Bijlage 1 – Met link"]
    assert headings(out) == 2 * headings(voorstel)
    assert structure_problems(out) == []
    assert pages_with_unread_text(out) == []


@pytest.mark.slow
def test_clashing_element_ids_and_classes_of_parts_are_renamed(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    voorstel = lo_voorstel

    def with_ids(colour: str) -> Any:
        def change(pdf: pikepdf.Pdf) -> None:
            root = pdf.Root.StructTreeRoot
            heading, cell = None, None
            stack = [document_of(pdf)]
            while stack:
                element = stack.pop()
                kind = str(element.get(Name.S))
                if kind == "/TH" and heading is None:
                    heading = element
                elif kind == "/TD" and cell is None:
                    cell = element
                stack += [k for k in element.get(Name.K, Array()) if isinstance(k, Dictionary)]
            assert heading is not None and cell is not None
            heading.ID = String("kop1")
            heading.C = Name("/Opvallend")
            cell.A = Dictionary(O=Name.Table, Headers=Array([String("kop1")]))
            ids = pikepdf.NameTree.new(pdf)
            ids["kop1"] = heading
            root.IDTree = ids.obj
            root.ClassMap = Dictionary(Opvallend=Dictionary(O=Name.Layout, Color=String(colour)))

        return change

    first = tagged_variant(voorstel, tmp_path / "a.pdf", with_ids("rood"))
    second = tagged_variant(voorstel, tmp_path / "b.pdf", with_ids("blauw"))
    out = tmp_path / "bundel.pdf"
    merge_documents([MergePart(first, "A"), MergePart(second, "B")], META, out)

    assert structure_problems(out) == []  # among others: every id once
    with pikepdf.open(out) as pdf:
        root = pdf.Root.StructTreeRoot
        ids = dict(pikepdf.NameTree(root.IDTree).items())
        assert len(ids) == 2
        for part, colour in zip(root.K.K, ("rood", "blauw"), strict=True):
            stack, cells, headers = [part], [], []
            while stack:
                element = stack.pop()
                if Name.ID in element:
                    headers.append(element)
                    style = root.ClassMap[str(element.C)]
                    assert str(style.Color) == colour  # each part keeps its own attributes
                if isinstance(element.get(Name.A), Dictionary) and Name.Headers in element.A:
                    cells.append(element)
                stack += [k for k in element.get(Name.K, Array()) if isinstance(k, Dictionary)]
            assert len(headers) == len(cells) == 1
            # The cell's header is found by its id, in its own part.
            named = str(cells[0].A.Headers[0])
            assert ids[named].objgen == headers[0].objgen


@pytest.mark.slow
def test_a_broken_tree_is_carried_without_a_loop_and_with_a_parent_tree_that_holds(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    voorstel = lo_voorstel

    def loop(pdf: pikepdf.Pdf) -> None:
        document = document_of(pdf)
        leaf = document.K[1]
        leaf.K = Array([*_as_list(leaf.K), document])

    def shifted(pdf: pikepdf.Pdf) -> None:
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        tree[0] = Array(list(tree[0])[1:])

    def no_parent_tree(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.StructTreeRoot.ParentTree

    broken = [
        tagged_variant(voorstel, tmp_path / f"{change.__name__}.pdf", change)
        for change in (loop, shifted, no_parent_tree)
    ]
    out = tmp_path / "bundel.pdf"
    bundle_pdf(voorstel, [BundleAnnex(p, n, p.stem) for n, p in enumerate(broken, 1)], META, out)

    assert structure_problems(out) == []
    assert pages_with_unread_text(out) == []
    assert headings(out) == 4 * headings(voorstel)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Array) else [value]


def link_elements(path: Path) -> list[str]:
    """Per /Link element in the tree, the /Contents of its annotation ('' when it has none,
    '-' when the element holds no annotation)."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            node = stack.pop()
            kids = [k for k in _as_list(node.get(Name.K)) if isinstance(k, Dictionary)]
            if node.get(Name.S) == Name.Link:
                objrs = [k for k in kids if k.get(Name.Type) == Name.OBJR]
                found.append(str(objrs[0].Obj.get(Name.Contents, "")) if objrs else "-")
            stack += [k for k in kids if k.get(Name.Type) not in (Name.OBJR, Name.MCR)]
    return found


@pytest.mark.slow
def test_links_of_annexes_are_named_announced_only_where_they_are_and_tabbed_in_tag_order(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    """Review (a11y M3, M4, L3): an untagged annex's links got a /Link element with neither
    text nor /Contents (a screen reader says "link" without a name); a tagged annex's /Link
    whose annotation the bundle left out was still announced as a link; pages with links
    had /Tabs (S), a string, from LibreOffice 7.4, or no /Tabs at all."""

    def links(pdf: pikepdf.Pdf) -> None:
        # As LibreOffice 7.4 tags links: Link elements holding the annotations by an OBJR.
        page = pdf.pages[0].obj
        document = document_of(pdf)
        numbers = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for key, action in (
            (90, Dictionary(S=Name.URI, URI=String("https://www.regiogv.nl/"))),
            (91, Dictionary(S=Name.Launch, F=String("overzicht.xlsx"))),
        ):
            annot = pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([72, 72 + key, 200, 90 + key]),
                    A=action,
                    StructParent=key,
                    **({"Contents": String("De website")} if key == 90 else {}),
                )
            )
            page.Annots = Array([*page.get(Name.Annots, Array()), annot])
            link = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=document))
            # The link's text: marked content of its own, on the page and in the ParentTree.
            owners = numbers[int(page.StructParents)]
            mcid = len(owners)
            owners.append(link)
            pikepdf.Page(page).contents_add(f"/Span <</MCID {mcid}>> BDC EMC\n".encode())
            link.K = Array([mcid, Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)])
            link.Pg = page
            document.K = Array([*document.K, link])
            numbers[key] = link
        page.Tabs = String("S")

    tagged = tagged_variant(lo_voorstel, tmp_path / "bijlage-links.pdf", links)
    web = CORPUS / "016-libre-office-link--libre-office-link.pdf"
    inside = CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf"
    out = tmp_path / "bundel.pdf"
    bundle_pdf(
        lo_voorstel,
        [
            BundleAnnex(tagged, 1, "Getagd"),
            BundleAnnex(web, 2, "Web"),
            BundleAnnex(inside, 3, "Inhoud"),
        ],
        META,
        out,
    )

    assert structure_problems(out) == []
    with pikepdf.open(out) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if len(page.obj.get(Name.Annots, Array())) > 0:
                assert page.obj.get(Name.Tabs) == Name.S and isinstance(page.obj.Tabs, Name), number
    names = link_elements(out)
    assert "-" not in names  # the left-out launch link's element is a Span now
    assert len(names) == 1 + 1 + 9  # the tagged annex's web link, 016's, 006's contents
    assert "" not in names
    assert "De website" in names  # a link's own /Contents is kept
    assert "Link naar https://martin-thoma.com/" in names
    # Said with the annex: in the bundle "pagina 2" alone is the voorstel's (review secretary W6).
    assert {
        "Ga naar pagina 2 van bijlage 3",
        "Ga naar pagina 3 van bijlage 3",
        "Ga naar pagina 4 van bijlage 3",
    } <= set(names)


@pytest.mark.slow
def test_an_annex_page_of_images_only_is_a_figure_named_after_the_annex(
    lo_voorstel: Path, tmp_path: Path
) -> None:
    """Review (a11y M2): a scanned map's page was an empty P, silent for a screen reader."""
    scan = CORPUS / "019-grayscale-image--grayscale-image.pdf"
    mixed = CORPUS / "008-reportlab-inline-image--inline-image.pdf"
    out = tmp_path / "bundel.pdf"
    bundle_pdf(
        lo_voorstel, [BundleAnnex(scan, 1, "Kaart"), BundleAnnex(mixed, 2, "Tekst")], META, out
    )

    assert structure_problems(out) == []
    with pikepdf.open(out) as pdf:
        parts = document_of(pdf).K
        scan_part, text_part = parts[1], parts[2]
        assert [(str(e.S), str(e.get(Name.Alt, ""))) for e in _as_list(scan_part.K)] == [
            ("/Figure", "Bijlage 1 – Kaart, pagina 1 (afbeelding zonder tekst)")
        ]
        assert {str(e.S) for e in _as_list(text_part.K)} == {"/P"}
        assert all(Name.Alt not in e for e in _as_list(text_part.K))


def test_a_part_gone_or_unreadable_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An annex the intake read and whose folder was moved away before its bundle was made:
    it was said to be 'beschadigd' (review incr I2)."""
    import errno

    from assembler import bundle
    from assembler.errors import PartRejected

    missing = tmp_path / "weg" / "bijlage.pdf"
    with pytest.raises(PartRejected) as gone, bundle._open_part(missing):
        pass
    assert gone.value.reason == (
        "bestaat niet meer: verplaatst of verwijderd terwijl de build liep (bouw opnieuw)"
    )

    def refused(*_args: Any, **_keywords: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(bundle.Pdf, "open", refused)
    with pytest.raises(PartRejected) as unread, bundle._open_part(tmp_path / "bijlage.pdf"):
        pass
    assert (
        unread.value.reason == "kan niet gelezen worden: geen leesrechten (controleer de rechten)"
    )


# --- links between parts -------------------------------------------------------------------


def _lines_pdf(path: Path, lines: list[tuple[int, str]]) -> Path:
    """A one-page PDF with each text drawn at its height, as an agenda's lines are."""
    drawing = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    drawing.setFont("Helvetica", 11)
    for y, line in lines:
        drawing.drawString(72, y, line)
    drawing.showPage()
    drawing.save()
    return path


def test_a_parts_links_go_where_their_text_is_shown_to_the_other_parts(tmp_path: Path) -> None:
    """The meeting bundle's agenda as a table of contents, here with reportlab's lines: a title
    broken over two lines at its own hyphen and hyphenated by the layout is found, an annex
    line goes to that annex in a bundle part, text that is not shown gets no link."""
    toc = _lines_pdf(
        tmp_path / "agenda.pdf",
        [
            (700, "1. Opening"),
            (680, "2. Regionale woning-"),
            (666, "bouwafspraken 2023-"),
            (652, "2030"),
            (630, "Bijlage 1. Kaart"),
        ],
    )
    first = make_annex(tmp_path / "een.pdf", text_at_top=False)
    voorstel = make_annex(tmp_path / "voorstel.pdf", text_at_top=False)
    annex = make_annex(tmp_path / "kaart.pdf", text_at_top=False)
    item = bundle_pdf(
        voorstel,
        [BundleAnnex(annex, 1, "Kaart")],
        BundleMeta(title="Voorstel", author="Regio", kenmerk="23.0000001"),
        tmp_path / "bundel.pdf",
    )
    links = (
        PartLink("1. Opening", 1, "Ga naar agendapunt 1"),
        PartLink("2. Regionale woningbouwafspraken 2023-2030", 2, "Ga naar agendapunt 2"),
        PartLink("Bijlage 1. Kaart", 2, "Ga naar bijlage 1 bij agendapunt 2", annex=1),
        PartLink("Bijlage 2. Niet getoond", 2, "Ga naar bijlage 2 bij agendapunt 2", annex=2),
    )
    output = merge_documents(
        [
            MergePart(pdf=toc, title="Agenda", links=links),
            MergePart(pdf=first, title="1. Opening"),
            MergePart(pdf=item, title="2. Regionale woningbouwafspraken", label_prefix=None),
        ],
        BundleMeta(title="Vergaderbundel", author="Regio"),
        tmp_path / "vergaderbundel.pdf",
    )
    with pikepdf.open(output) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        found = {}
        for annot in pdf.pages[0].obj.Annots:
            assert annot.Subtype == Name.Link and int(annot.F) == 4 and Name.A not in annot
            found[str(annot.Contents)] = (
                pages[annot.Dest[0].objgen],
                len(annot.QuadPoints) // 8,
                [float(v) for v in annot.Rect],
            )
        # The toc is 1 page, "1. Opening" 2, the voorstel 2: the annex starts on page 5.
        assert {name: target[:2] for name, target in found.items()} == {
            "Ga naar agendapunt 1": (1, 1),
            "Ga naar agendapunt 2": (3, 3),
            "Ga naar bijlage 1 bij agendapunt 2": (5, 1),
        }
        left, bottom, right, top = found["Ga naar agendapunt 2"][2]
        assert left < 73 and 645 < bottom < 652 and 680 < top < 695 and right < 300


def test_a_link_text_is_found_as_lines_of_its_own_and_in_its_compatibility_form(
    tmp_path: Path,
) -> None:
    """Item 2's decision '3. Jaarrekening 2024 ter kennisname …' took the link meant for item
    3's heading 'Jaarrekening 2024'; a title typed with the ligature 'ﬁ' (which PDFium gives as
    'fi') and one with an emoji's variation selector got none (review revG G2, G3)."""
    from assembler.bands import text_areas

    agenda = _lines_pdf(
        tmp_path / "agenda.pdf",
        [
            (700, "2. Kadernota 2025"),
            (680, "3. Jaarrekening 2024 ter kennisname aan de raden"),
            (640, "3. Jaarrekening 2024"),
            (600, "4. Het fietsplan"),
            (560, "5. Zon op daken"),
        ],
    )
    found = text_areas(
        agenda,
        [
            "2. Kadernota 2025",
            "3. Jaarrekening 2024",
            "4. Het \ufb01etsplan",
            "5. Zon\ufe0f op daken",
        ],
    )
    assert all(area is not None for area in found), found
    tops = [round(max(box[3] for box in area[1])) for area in found if area is not None]
    # Each area is the line drawn at that height (its top a little above the baseline).
    assert [top - base for top, base in zip(tops, (700, 640, 600, 560), strict=True)] == [
        tops[0] - 700
    ] * 4
    assert 0 < tops[0] - 700 < 12


@needs_shared
def test_a_part_on_a_new_sheet_follows_a_blank_page_labelled_under_the_part_before(
    tmp_path: Path,
) -> None:
    # Printed double-sided (organisatie.yaml 'dubbelzijdig: Ja'), a part starts on the front of
    # a sheet: after an odd number of pages a blank page goes first, labelled under the part it
    # follows; after an even number none.
    one = CORPUS / "001-trivial--minimal-document.pdf"
    four = CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf"
    parts = [
        MergePart(one, "Agenda", "Agenda "),
        MergePart(four, "3. Vier", None, "3.", new_sheet=True),
        MergePart(one, "4. Een", None, "4.", new_sheet=True),
        MergePart(one, "5. Een", None, "5.", new_sheet=True),
    ]
    out = tmp_path / "vergaderbundel.pdf"
    merge_documents(parts, META, out)
    labels = pypdf.PdfReader(out).page_labels
    assert labels == [
        "Agenda 1",
        "Agenda leeg",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.leeg",
        "5.1",
    ]
    assert [top[1] for top in _outline_targets(out)] == [0, 2, 6, 8]
    for blank in (1, 7):
        assert text_of(out, blank) == "Deze pagina is bewust leeg gelaten."
        assert visible_box(out, blank) == pytest.approx([0, 0, 595.28, 841.89], abs=0.01)
    # Without new_sheet, no page is added.
    single = tmp_path / "enkelzijdig.pdf"
    merge_documents([dataclasses.replace(p, new_sheet=False) for p in parts], META, single)
    assert page_count(single) == 1 + 4 + 1 + 1


def _outline_targets(path: Path) -> list[tuple[str, int]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        return [(str(item.title), pages[item.destination[0].objgen]) for item in tree.root]


def test_reportlab_is_readied_when_another_thread_readied_it_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build failed now and then with "reportlab_mods.__spec__ is None": a second bundle
    thread asked for the stand-in another had just put in place, before reportlab came in."""
    import sys
    import types

    from assembler import bundle

    monkeypatch.delitem(sys.modules, "reportlab", raising=False)
    monkeypatch.delitem(sys.modules, "reportlab_mods", raising=False)
    bundle._prepare_reportlab()  # the first thread: puts the stand-in in place
    stand_in = sys.modules.get("reportlab_mods")
    assert stand_in is not None and stand_in.__spec__ is not None
    # As an older stand-in was, without a spec: a second thread still passes.
    monkeypatch.setitem(sys.modules, "reportlab_mods", types.ModuleType("reportlab_mods"))
    bundle._prepare_reportlab()

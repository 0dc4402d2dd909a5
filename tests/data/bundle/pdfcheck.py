"""Helpers shared by tests/test_bundle.py and measure_merge.py: where do a PDF's links go?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from reportlab.pdfgen import canvas

Link = tuple[int, int | None]  # (page the link is on, page it leads to; None = nowhere)


def _named(pdf: pikepdf.Pdf, target: Any) -> Any:
    if isinstance(target, String):
        names = pdf.Root.get(Name.Names)
        if isinstance(names, Dictionary) and Name.Dests in names:
            tree = pikepdf.NameTree(names.Dests)
            key = str(target)
            return tree.get(key)
        return None
    if isinstance(target, Name):
        dests = pdf.Root.get(Name.Dests)
        if isinstance(dests, Dictionary) and target in dests:
            return dests[target]
        return None
    return target


def resolve(pdf: pikepdf.Pdf, target: Any, pages: dict[tuple[int, int], int]) -> int | None:
    """Page index a destination (explicit, named by string or by name) leads to."""
    target = _named(pdf, target)
    if isinstance(target, Dictionary):
        target = target.get(Name.D)
    if not isinstance(target, Array) or len(target) == 0:
        return None
    page = target[0]
    if isinstance(page, int):
        return None  # a page number is only valid for remote destinations
    return pages.get(page.objgen)


def internal_links(path: Path, first: int = 0, last: int | None = None) -> list[Link]:
    """Every internal (GoTo) link of pages ``first..last``, in page and annotation order."""
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        found: list[Link] = []
        stop = len(pdf.pages) if last is None else last + 1
        for index in range(first, stop):
            for annot in pdf.pages[index].obj.get(Name.Annots, Array()):
                if annot.get(Name.Subtype) != Name.Link:
                    continue
                target = annot.get(Name.Dest)
                action = annot.get(Name.A)
                if target is None and isinstance(action, Dictionary):
                    if action.get(Name.S) != Name.GoTo:
                        continue
                    target = action.get(Name.D)
                if target is None:
                    continue
                found.append((index, resolve(pdf, target, pages)))
        return found


def outline_targets(path: Path) -> list[tuple[int, str, int | None]]:
    """The outline flattened depth-first: (depth, title, page index)."""
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        found: list[tuple[int, str, int | None]] = []
        with pdf.open_outline() as outline:

            def walk(items: Any, depth: int) -> None:
                for item in items:
                    target = item.destination
                    if target is None and item.action is not None:
                        target = item.action.get(Name.D)
                    page = resolve(pdf, target, pages) if target is not None else None
                    found.append((depth, item.title, page))
                    walk(item.children, depth + 1)

            walk(outline.root, 0)
        return found


def make_named_dest_pdf(path: Path, label: str, order: list[int]) -> Path:
    """Pages with named destinations sec1..secN put on pages ``order`` and a link page to each.

    Two files with different ``order`` use the same names for different pages, which is what
    goes wrong in a naive merge.
    """
    drawing = canvas.Canvas(str(path), invariant=1)
    count = len(order)
    drawing.setFont("Helvetica", 12)
    drawing.drawString(72, 700, f"{label}: inhoud")
    for number in range(1, count + 1):
        y = 660 - 20 * number
        drawing.drawString(72, y, f"Ga naar sec{number}")
        drawing.linkRect("", f"sec{number}", (70, y - 4, 300, y + 12), relative=0)
    drawing.showPage()
    by_page = {page: number for number, page in enumerate(order, start=1)}
    for page in range(1, count + 1):
        number = by_page[page]
        drawing.setFont("Helvetica", 12)
        drawing.drawString(72, 700, f"{label}: pagina {page + 1} sec{number}")
        drawing.bookmarkPage(f"sec{number}")
        drawing.showPage()
    drawing.save()
    return path

"""What a screen reader sees of a tagged PDF: its structure elements and untagged drawing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

# Painting operators: what makes a mark on the page, and so must be tagged or an artifact.
_PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ"})


def elements(path: Path) -> list[tuple[str, pikepdf.Dictionary]]:
    """Every structure element in reading order, with its standard role (RoleMap applied)."""
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        role_map = tree.get("/RoleMap", pikepdf.Dictionary())
        found = [(str(role_map.get(str(e.S), e.S)), e) for e in _walk(tree)]
        # Read what the caller needs while the file is open.
        return [(role, pikepdf.Dictionary(S=e.S, A=e.get("/A", 0))) for role, e in found]


def _walk(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    kids = element.get("/K")
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _walk(kid)


def headings(path: Path) -> list[str]:
    """The heading levels (H1, H2, …) in reading order."""
    return [str(e.S)[1:] for role, e in elements(path) if role in {f"/H{n}" for n in range(1, 7)}]


def row_header_count(path: Path) -> int:
    """How many TH elements say /Scope /Row."""
    count = 0
    for _role, element in elements(path):
        if element.S != "/TH":
            continue
        attributes = element.A if isinstance(element.A, pikepdf.Array) else [element.A]
        count += any(
            isinstance(a, pikepdf.Dictionary) and a.get("/Scope") == "/Row" for a in attributes
        )
    return count


def untagged_painting(path: Path) -> int:
    """How many painting operators stand outside any marked content (neither tag nor artifact)."""
    count = 0
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            depth = 0
            for instruction in pikepdf.parse_content_stream(page):
                if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                    count += depth == 0
                    continue
                operator = str(instruction.operator)
                if operator in ("BDC", "BMC"):
                    depth += 1
                elif operator == "EMC":
                    depth -= 1
                elif depth == 0 and operator in _PAINTING:
                    count += 1
    return count


def links_outside_the_tags(path: Path) -> list[int]:
    """Pages with a link annotation that no /Link element of the tree holds."""
    pages = []
    with pikepdf.open(path) as pdf:
        tree = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
        for index, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                if annot.get("/Subtype") != "/Link":
                    continue
                element = tree.get(int(annot.get("/StructParent", -1)))
                if element is None or element.get("/S") != "/Link":
                    pages.append(index)
    return pages


def link_holders(path: Path) -> list[int]:
    """For each link annotation, how many structure elements hold it (one is right)."""
    with pikepdf.open(path) as pdf:
        held: dict[tuple[int, int], int] = {}
        for element in _walk(pdf.Root.StructTreeRoot):
            kids = element.get("/K")
            for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
                target = kid.get("/Obj") if isinstance(kid, pikepdf.Dictionary) else None
                if isinstance(target, pikepdf.Dictionary) and target.is_indirect:
                    held[target.objgen] = held.get(target.objgen, 0) + 1
        return [
            held.get(annot.objgen, 0)
            for page in pdf.pages
            for annot in page.obj.get("/Annots", pikepdf.Array())
            if annot.get("/Subtype") == "/Link"
        ]


@dataclass
class Element:
    """A structure element as a screen reader meets it: its tag, its own text, its children."""

    role: str
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def all_text(self) -> str:
        """The element's text and its descendants', words separated by single spaces."""
        parts = [self.text, *(child.all_text() for child in self.children)]
        return " ".join(" ".join(parts).split())


def tree(path: Path) -> Element:
    """The structure tree with each element's text, as poppler reads it (pdfinfo -struct-text)."""
    shown = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    root = Element("")
    open_: list[tuple[int, Element]] = [(-1, root)]
    for line in shown.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("/"):
            continue  # an attribute (/Placement, /BBox …)
        indent = len(line) - len(stripped)
        while open_[-1][0] >= indent:
            open_.pop()
        if stripped.startswith('"'):
            holder = open_[-1][1]
            holder.text = f"{holder.text} {stripped[1:-1]}".strip()
            continue
        element = Element(stripped.split()[0].rstrip(":"))
        open_[-1][1].children.append(element)
        open_.append((indent, element))
    return root


def lists(path: Path) -> list[str]:
    """Each outermost list (L), as its L and LI elements nest: "L(LI(L(LI,LI)),LI)"."""
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        role_map = tree.get("/RoleMap", pikepdf.Dictionary())
        return _lists(tree, role_map)


def _lists(element: pikepdf.Dictionary, role_map: pikepdf.Dictionary) -> list[str]:
    """The L and LI elements under ``element``, nested as they are (others left out)."""
    found = []
    kids = element.get("/K")
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if not (isinstance(kid, pikepdf.Dictionary) and "/S" in kid):
            continue
        inner = _lists(kid, role_map)
        role = str(role_map.get(str(kid.S), kid.S))[1:]
        if role in ("L", "LI"):
            found.append(role + (f"({','.join(inner)})" if inner else ""))
        else:
            found.extend(inner)
    return found

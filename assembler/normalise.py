"""LibreOffice's PDFs checked, their metadata mended and made reproducible, after conversion.

:func:`finish_pdf` accepts only a complete PDF that opens without repairs, and mends in the same
pass what LibreOffice gets wrong in the metadata: its PDF/A export (7.4) escapes the XMP text
it copies from the document properties twice, so ``auto's`` becomes ``auto&apos;s`` there
while the Info dictionary says ``auto's`` (ISO 19005-2 §6.6.3 wants the two equal), and in
UTC it writes ``/CreationDate (D:…Z')``, which no date grammar allows. Only a PDF that shows
either is rewritten: most titles hold no character XML escapes.

With ``SOURCE_DATE_EPOCH``, it also rewrites what LibreOffice stamps into every PDF although
the epoch asks otherwise (creation dates, XMP dates, ``/ID``, the trailer's ``/DocChecksum``,
the header date of the embedded ICC profile), from the epoch and the content, so that equal
inputs give byte-identical PDFs (``_normalise``, in the same pass; :func:`normalise_pdf` does
that step alone, for the tests).

It also mends gaps in LibreOffice's tags (7.4) that a screen reader or a PDF/UA check
meets (:func:`_mend_tags`): the label column of the house style's label/value tables is tagged
as plain cells (Word cannot mark a row header), paragraph rules (under headings, in the
header and footer) are drawn outside any marked content, neither tagged nor artifacts, and a
page's tab order through its links is written as a string, not the name ``/S``.

Kept apart from :mod:`assembler.convert` so that starting LibreOffice does not wait for pikepdf
to load.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pikepdf
from lxml import etree

from assembler.actions import strip_form_actions
from assembler.fsutil import atomic_path, library_output

__all__ = ["XPACKET_BEGIN", "XPACKET_END", "finish_pdf", "normalise_pdf"]

_DC_NS = "http://purl.org/dc/elements/1.1/"
_PDF_NS = "http://ns.adobe.com/pdf/1.3/"
_XMP_NS = "http://ns.adobe.com/xap/1.0/"
_XMPMM_NS = "http://ns.adobe.com/xap/1.0/mm/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The packet's wrapper as XMP writers put it (the bundles' XMP is written whole).
XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
XPACKET_END = '<?xpacket end="w"?>'

# The XMP properties that repeat an Info entry (ISO 19005-2 §6.6.3), as LibreOffice writes
# them: the XMP must say exactly what the Info says.
_INFO_IN_XMP = (
    ("/Title", f"{{{_DC_NS}}}title"),
    ("/Author", f"{{{_DC_NS}}}creator"),
    ("/Subject", f"{{{_DC_NS}}}description"),
    ("/Keywords", f"{{{_PDF_NS}}}Keywords"),
    ("/Keywords", f"{{{_DC_NS}}}subject"),
    ("/Producer", f"{{{_PDF_NS}}}Producer"),
    ("/Creator", f"{{{_XMP_NS}}}CreatorTool"),
)
# Whatever is escaped twice shows an escaped ampersand in the raw packet.
_ESCAPED_TWICE = b"&amp;"
# LibreOffice's date in UTC: "Z" and then an apostrophe that only follows an hour offset.
_UTC_DATE_WITH_APOSTROPHE = re.compile(r"^(D:\d{4,14})Z'$")
# The templates' paragraph style for table heads and labels (tools/make_templates.py).
_TABLE_HEAD_STYLE = pikepdf.Name("/Tabelkop")
_TR = pikepdf.Name.TR
_TD = pikepdf.Name.TD
_TH = pikepdf.Name.TH
_ARTIFACT = pikepdf.Name.Artifact
_S = pikepdf.Name.S
_BMC = pikepdf.Operator("BMC")
_EMC = pikepdf.Operator("EMC")
# A path object starts with m or re and ends with a painting (or no-op) operator (ISO 32000-1
# §8.5.3); marked content may only stand between such objects.
_PATH_STARTS = frozenset({"m", "re"})
_PATH_ENDS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"})
# LibreOffice writes its text as hex strings, its names and numbers plainly: in such content an
# operator is a word that follows a delimiter or white space (not the "/" of a name, nor "<" or
# a digit inside a hex string) and ends at one. The pattern finds what the mend needs: a path's
# first operator, the operators that end a path, and marked content. A literal string, a
# comment or an inline image can hold anything: content with one is parsed by pikepdf.
_BEFORE = rb"(?<![^\s\[\]>)])"
_AFTER = rb"(?![^\s\[\]<>(/%])"
_MARKING = re.compile(
    _BEFORE + rb"(?:(?P<start>m|re)|(?P<end>[Ssn]|[fBb]\*?|F)|(?P<marked>BDC|BMC|EMC))" + _AFTER
)
# The operands of m (two numbers) and re (four), which the marker must go before.
_OPERANDS = {
    b"m": re.compile(_BEFORE + rb"(?:[-+]?(?:\d+\.?\d*|\.\d+)\s+){2}\Z"),
    b"re": re.compile(_BEFORE + rb"(?:[-+]?(?:\d+\.?\d*|\.\d+)\s+){4}\Z"),
}
# BI can only be an operator or end a name (hex strings have no I): a name is parsed too.
_INLINE_IMAGE = re.compile(rb"BI" + _AFTER)
# What LibreOffice does not write and the pattern would misread: a NUL (white space to PDF,
# not to the pattern), a hex string with white space in it ('<FEFF 0020 BDC>' holds 'BDC').
_UNUSUAL = re.compile(rb"\x00|(?<!<)<[0-9A-Fa-f]*\s")


def finish_pdf(
    path: Path,
    epoch: int | None,
    *,
    links_from: Path | None = None,
    workspace: Path | None = None,
) -> str | None:
    """None when ``path`` is a complete PDF that opens, mended (and normalised to ``epoch``).

    ``links_from``: the folder LibreOffice read the document from, inside ``workspace``; a
    link it resolved to a file in the workspace is made relative to that folder again.
    """
    problem = _incomplete(path)
    if problem is not None:
        return problem
    try:
        pdf = pikepdf.open(path)
    except (OSError, pikepdf.PdfError) as error:
        return f"LibreOffice gaf een PDF die niet opent ({error})"
    with pdf:
        try:
            # qpdf silently repairs a truncated file; a warning means it had to.
            if pdf.get_warnings() or len(pdf.pages) == 0:
                return "LibreOffice gaf een beschadigd PDF-bestand"
        except pikepdf.PdfError as error:
            return f"LibreOffice gaf een PDF die niet opent ({error})"
        tags_mended = _mend_tags(pdf)
        links_mended = _relative_links(pdf, links_from, workspace)
        # LibreOffice exports forms drawn (convert._PDF_OPTIONS); should a field come through
        # anyway, it carries no action, as PDF/A-2 asks.
        forms_mended = strip_form_actions(pdf)
        if epoch is not None:
            _normalise(pdf, epoch)
            _save(pdf, path, deterministic=True)
        elif _mend(pdf) or tags_mended or links_mended or forms_mended:
            _save(pdf, path, deterministic=False)
    return None


def normalise_pdf(path: Path, epoch: int) -> None:
    """Rewrite ``path`` so its dates, /ID and checksums derive from ``epoch`` and its content.

    The build does this in :func:`finish_pdf`; this, the same step alone, is for the tests.
    """
    path = Path(path)
    with pikepdf.open(path) as pdf:
        _normalise(pdf, epoch)
        _save(pdf, path, deterministic=True)


def _save(pdf: pikepdf.Pdf, path: Path, *, deterministic: bool) -> None:
    # qpdf keeps the first /ID element of the input; without one it derives both
    # elements from an MD5 of the written content.
    # fix_metadata_version would re-serialise the XMP packet written here.
    # A PDF LibreOffice made is a document's size: written in memory first.
    size = path.stat().st_size
    with atomic_path(path) as temp, library_output(temp, size) as stream:
        pdf.save(stream, deterministic_id=deterministic, fix_metadata_version=False)


def _relative_links(pdf: pikepdf.Pdf, base: Path | None, workspace: Path | None) -> bool:
    """Turn each link to a file inside ``workspace`` back into the relative link the
    document holds, relative to ``base``, the folder LibreOffice read it from; whether any.

    LibreOffice resolves a document's relative hyperlinks against where it read the document
    (7.4: ``file:///tmp/assembler-convert-…/geheim.docx``): a path of the build machine, in
    a folder named anew by every build, so equal inputs would give other bytes.
    """
    if base is None or workspace is None:
        return False
    roots = {str(workspace), os.path.realpath(workspace)}
    changed = False
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            action = annot.get("/A") if isinstance(annot, pikepdf.Dictionary) else None
            if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.URI:
                continue
            address = action.get("/URI")
            relative = _relative_to(str(address), base, roots) if address is not None else None
            if relative is not None:
                action.URI = pikepdf.String(relative)
                changed = True
    return changed


def _relative_to(address: str, base: Path, roots: set[str]) -> str | None:
    """``address``, a ``file:`` URL of a file inside one of ``roots``, relative to ``base``;
    None for any other address."""
    parts = urlsplit(address)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    target = unquote(parts.path)
    if not any(target == root or target.startswith(root.rstrip("/") + "/") for root in roots):
        return None
    relative = os.path.relpath(target, base)
    kept = quote(relative, safe="/!$&'()*+,;=:@-._~")
    return kept + (f"#{parts.fragment}" if parts.fragment else "")


def _mend(pdf: pikepdf.Pdf) -> bool:
    """Mend LibreOffice's XMP text and UTC dates in ``pdf``; whether there was anything to."""
    mended = False
    info = pdf.docinfo
    for key in (pikepdf.Name.CreationDate, pikepdf.Name.ModDate):
        value = info.get(key)
        match = _UTC_DATE_WITH_APOSTROPHE.match(str(value)) if value is not None else None
        if match:
            info[key] = pikepdf.String(match.group(1) + "Z")
            mended = True
    if "/Metadata" in pdf.Root:
        metadata = pdf.Root.Metadata
        packet = metadata.read_bytes()
        if _ESCAPED_TWICE in packet:
            root = _parse_xmp(packet)
            rdf = _rdf(root)
            if rdf is not None and _copy_info(rdf, info):
                metadata.write(_packet(root))
                mended = True
    return mended


def _mend_tags(pdf: pikepdf.Pdf) -> bool:
    """Label cells as row headers, index ids, hold each link in one /Link element, make
    untagged drawing artifacts and tab through links in tag order; whether anything changed."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return False  # an untagged PDF has no tags to mend, nor content to keep apart
    elements = _elements(tree)
    cells = _label_cells_as_headers(elements)
    ids = _index_ids(pdf, tree, elements)
    links = _one_element_per_link(tree, elements)
    drawings = sum(_drawing_as_artifacts(pdf, page) for page in pdf.pages)
    held = {_objgen(_annotation(kid)) for element in elements for kid in _kids(element)}
    links += _tag_loose_links(pdf, tree, held)
    tabs = sum(_tab_in_structure_order(page.obj) for page in pdf.pages)
    return cells + ids + links + drawings + tabs > 0


def _tab_in_structure_order(page: pikepdf.Dictionary) -> bool:
    """Give a page with annotations ``/Tabs /S``; whether it lacked it.

    LibreOffice (7.4) writes the string ``(S)`` where ISO 32000-1 (table 30) wants the name:
    a reader looking for the name tabs through the links in another order than the tags',
    and a PDF/UA check reports the page.
    """
    annots = page.get("/Annots")
    if not isinstance(annots, pikepdf.Array) or len(annots) == 0 or page.get("/Tabs") == _S:
        return False
    page.Tabs = _S
    return True


def _tag_loose_links(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, held: set[Any]) -> int:
    """Give each link LibreOffice left out of the tags (a footnote's way back to its reference,
    a link in a header or footer) a /Link element at the end of the document; how many.
    ``held``: the annotations elements hold already (by object id), which are not loose.

    PDF/UA wants every link in a /Link element: a screen reader lists the links it knows of.
    """
    kids = tree.get("/K")
    document = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) == 1 else kids
    parent_tree = tree.get("/ParentTree")
    if not isinstance(document, pikepdf.Dictionary) or not isinstance(
        parent_tree, pikepdf.Dictionary
    ):
        return 0
    numbers = pikepdf.NumberTree(parent_tree)
    given = tree.get("/ParentTreeNextKey")
    taken = max((int(key) for key, _ in numbers.items()), default=-1) + 1
    next_key = max(int(given), taken) if isinstance(given, int) else taken
    tagged = 0
    for page in pdf.pages:
        loose = [
            annot
            for annot in page.obj.get("/Annots", pikepdf.Array())
            if isinstance(annot, pikepdf.Dictionary)
            and annot.is_indirect
            and annot.get("/Subtype") == pikepdf.Name.Link
            and "/StructParent" not in annot
            and annot.objgen not in held
        ]
        # Read from the top of the page down (a header's link before a footer's).
        for annot in sorted(loose, key=_top, reverse=True):
            element = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.Link,
                    P=document,
                    Pg=page.obj,
                    K=pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=page.obj),
                )
            )
            document.K = pikepdf.Array([*_kids(document), element])
            annot.StructParent = next_key
            numbers[next_key] = element
            next_key += 1
            tagged += 1
    if tagged:
        tree.ParentTreeNextKey = next_key
    return tagged


def _top(annot: pikepdf.Dictionary) -> float:
    """The top of an annotation's rectangle, 0 if it has none that reads."""
    try:
        return float(max(annot.Rect[1], annot.Rect[3]))
    except (AttributeError, IndexError, TypeError, ValueError, pikepdf.PdfError):
        return 0.0


def _struct_kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    # Marked-content and object references have no /S; integers are marked-content ids.
    return [kid for kid in listed if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _elements(tree: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements of ``tree``, each once (a damaged tree may point back up)."""
    found = []
    pending = _struct_kids(tree)
    seen: set[tuple[int, int]] = set()
    while pending:
        element = pending.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        found.append(element)
        pending.extend(_struct_kids(element))
    return found


def _label_cells_as_headers(elements: list[pikepdf.Dictionary]) -> int:
    """Tag the cells written in the table-head style ``Tabelkop`` as TH; how many.

    LibreOffice tags a table's repeated header row TH (scope Column) and every other cell TD.
    The label column of a label/value table (Onderwerp, Datum, Aan, …) is written in Tabelkop
    and shaded like a header, and must be a row header for a screen reader to announce it with
    its value. The style name survives as the role of the cell's paragraph.
    """
    changed = 0
    for element in elements:
        if element.get("/S") != _TR:
            continue
        cells = [kid for kid in _struct_kids(element) if kid.get("/S") in (_TD, _TH)]
        heads = [cell for cell in cells if cell.get("/S") == _TD and _is_head(cell)]
        # A row of heads alone is a header row that does not repeat on the next page.
        scope = pikepdf.Name.Column if len(heads) == len(cells) else pikepdf.Name.Row
        for cell in heads:
            cell.S = _TH
            table = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
            layout = cell.get("/A")
            if isinstance(layout, pikepdf.Array):
                layout.append(table)
            elif layout is not None:
                cell.A = pikepdf.Array([layout, table])
            else:
                cell.A = table
            changed += 1
    return changed


def _one_element_per_link(tree: pikepdf.Dictionary, elements: list[pikepdf.Dictionary]) -> int:
    """Where two elements hold one link annotation, keep it in the one its key names and make
    the other a /Span of that link's text; how many.

    LibreOffice tags a table of contents' line as two /Link elements (its text and its page
    number) over one annotation; the ParentTree can name only one, and a reader may announce
    the link twice or take the wrong one for it.
    """
    parent_tree = tree.get("/ParentTree")
    if not isinstance(parent_tree, pikepdf.Dictionary):
        return 0
    holders: dict[tuple[int, int] | None, list[pikepdf.Dictionary]] = {}  # per annotation
    for element in elements:
        held = {_objgen(_annotation(kid)) for kid in _kids(element)} - {None}
        for target in held:
            holders.setdefault(target, []).append(element)
    named = dict(pikepdf.NumberTree(parent_tree).items())
    changed = 0
    for annotation, claims in holders.items():
        if len(claims) < 2 or not all(element.is_indirect for element in claims):
            continue
        link = next(
            target for kid in _kids(claims[0]) if _objgen(target := _annotation(kid)) == annotation
        )
        key = link.get("/StructParent")
        keeper = named.get(int(key)) if isinstance(key, int) else None
        if not isinstance(keeper, pikepdf.Dictionary) or not any(
            element.objgen == keeper.objgen for element in claims
        ):
            continue  # no holder named: which one is meant is not known
        for element in claims:
            # Only a second /Link: a Reference or Note that holds the link is another role.
            if element.objgen == keeper.objgen or element.get("/S") != pikepdf.Name.Link:
                continue
            element.K = pikepdf.Array(
                [kid for kid in _kids(element) if _objgen(_annotation(kid)) != annotation]
            )
            element.S = pikepdf.Name.Span
            changed += 1
    return changed


def _annotation(kid: Any) -> Any:
    """The annotation an object reference among an element's kids names, or None."""
    target = kid.get("/Obj") if isinstance(kid, pikepdf.Dictionary) else None
    return target if isinstance(target, pikepdf.Dictionary) and target.is_indirect else None


def _objgen(target: Any) -> tuple[int, int] | None:
    return target.objgen if target is not None else None


def _kids(element: pikepdf.Dictionary) -> list[Any]:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _index_ids(
    pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, elements: list[pikepdf.Dictionary]
) -> int:
    """Give a tree whose elements have ids but that has no IDTree one (ISO 32000-1 requires
    it); how many ids. A bundle moves such a tree as it is, and knows its ids from there."""
    if "/IDTree" in tree:
        return 0
    # By their bytes, as the elements hold them: a name tree's keys are strings of bytes, and
    # text (UTF-16 with its mark, say) would come out as other bytes.
    ids = {
        bytes(element.ID): element
        for element in elements
        if isinstance(element.get("/ID"), pikepdf.String) and element.is_indirect
    }
    if ids:
        names = pikepdf.Array()
        for name in sorted(ids):
            names.extend([pikepdf.String(name), ids[name]])
        tree.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    return len(ids)


def _is_head(cell: pikepdf.Dictionary) -> bool:
    return any(kid.get("/S") == _TABLE_HEAD_STYLE for kid in _struct_kids(cell))


def _drawing_as_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page) -> int:
    """Mark paths drawn outside any marked content as artifacts; how many.

    LibreOffice draws paragraph borders (the rule under a heading, above the footer) between
    marked-content sequences, so they are neither content nor artifact (ISO 14289-1 §7.1).
    """
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        if _as_libreoffice_writes(data):
            found = _wrap_drawing(data)
            if found is not None:
                wrapped, written = found
                if wrapped:
                    page.obj.Contents = pdf.make_stream(written)
                return wrapped
    instructions = pikepdf.parse_content_stream(page)
    depth = 0
    in_path = False
    wrapped = 0
    out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            out.append(instruction)
            continue
        operator = str(instruction.operator)
        if operator in _PATH_STARTS and depth == 0 and not in_path:
            out.append(pikepdf.ContentStreamInstruction([_ARTIFACT], _BMC))
            in_path = True
            wrapped += 1
        elif operator in ("BDC", "BMC"):
            depth += 1
        elif operator == "EMC":
            depth = max(0, depth - 1)
        out.append(instruction)
        if in_path and operator in _PATH_ENDS:
            out.append(pikepdf.ContentStreamInstruction([], _EMC))
            in_path = False
    if in_path:  # a path that never ends (broken content) ends with the page
        out.append(pikepdf.ContentStreamInstruction([], _EMC))
    if wrapped:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    return wrapped


def _as_libreoffice_writes(data: bytes) -> bool:
    """Whether content has nothing the pattern of :func:`_wrap_drawing` could misread: no
    literal string, comment, inline image, NUL or hex string with white space in it."""
    return not (b"(" in data or b"%" in data or _INLINE_IMAGE.search(data) or _UNUSUAL.search(data))


def _wrap_drawing(data: bytes) -> tuple[int, bytes] | None:
    """What :func:`_drawing_as_artifacts` does, on content whose operators a pattern finds:
    how many paths it wrapped and the content; None where it is not as LibreOffice writes."""
    depth = 0
    path_from: int | None = None  # where the operands of the open path's first operator begin
    pieces: list[bytes] = []
    taken = 0
    wrapped = 0
    for match in _MARKING.finditer(data):
        kind = match.lastgroup
        if kind == "start":
            if depth == 0 and path_from is None:
                # Searched in place: a number cut by the window's start fails the lookbehind.
                window = max(taken, match.start() - 120)
                operands = _OPERANDS[match.group()].search(data, window, match.start())
                if operands is None:
                    return None
                path_from = operands.start()
        elif kind == "end":
            if path_from is not None:
                pieces += [data[taken:path_from], b"\n/Artifact BMC\n"]
                pieces += [data[path_from : match.end()], b"\nEMC"]
                taken = match.end()
                path_from = None
                wrapped += 1
        elif match.group() == b"EMC":
            depth = max(0, depth - 1)
        else:
            depth += 1
    if path_from is not None:  # a path that never ends (broken content) ends with the page
        pieces += [data[taken:path_from], b"\n/Artifact BMC\n", data[path_from:], b"\nEMC\n"]
        taken = len(data)
        wrapped += 1
    pieces.append(data[taken:])
    return wrapped, b"".join(pieces)


def _normalise(pdf: pikepdf.Pdf, epoch: int) -> None:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_date = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")

    for key in ("/ID", "/DocChecksum"):
        # /DocChecksum is private to LibreOffice and hashes a timestamped stream.
        if key in pdf.trailer:
            del pdf.trailer[key]

    info = pdf.docinfo
    info[pikepdf.Name.CreationDate] = pikepdf.String(pdf_date)
    info[pikepdf.Name.ModDate] = pikepdf.String(pdf_date)

    if "/Metadata" in pdf.Root:
        metadata = pdf.Root.Metadata
        packet = _normalise_xmp(metadata.read_bytes(), xmp_date, pdf)
        metadata.write(packet)

    for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            data = profile.read_bytes()
            fixed = _normalise_icc(data, moment)
            if fixed != data:
                profile.write(zlib.compress(fixed, 9), filter=pikepdf.Name.FlateDecode)


def _parse_xmp(packet: bytes) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
    return etree.fromstring(packet, parser)


def _rdf(root: etree._Element) -> etree._Element | None:
    return root if root.tag == f"{{{_RDF_NS}}}RDF" else root.find(f".//{{{_RDF_NS}}}RDF")


def _packet(root: etree._Element) -> bytes:
    body = etree.tostring(root, encoding="unicode")
    # Padding lets later tools edit the XMP in place, as LibreOffice's own packet does.
    padding = (" " * 99 + "\n") * 20
    return (XPACKET_BEGIN + body + "\n" + padding + XPACKET_END).encode("utf-8")


def _copy_info(rdf: etree._Element, info: pikepdf.Dictionary) -> bool:
    """Make the XMP properties that repeat an Info entry say what it says; whether any changed."""
    changed = False
    for key, tag in _INFO_IN_XMP:
        if key not in info:
            continue
        value = str(info[key])
        for description in rdf.findall(f"{{{_RDF_NS}}}Description"):
            if description.get(tag) not in (None, value):
                description.set(tag, value)
                changed = True
            prop = description.find(tag)
            if prop is None:
                continue
            container = next(iter(prop), None)
            # An array (rdf:Alt, Seq, Bag) of one item, as LibreOffice writes them; a longer
            # one is not a copy of the Info entry.
            items = [] if container is None else list(container)
            targets = [prop] if container is None else items if len(items) == 1 else []
            for target in targets:
                if target.text != value:
                    target.text = value
                    changed = True
    return changed


def _normalise_xmp(packet: bytes, xmp_date: str, pdf: pikepdf.Pdf) -> bytes:
    root = _parse_xmp(packet)
    rdf = _rdf(root)
    if rdf is None:
        return packet
    _copy_info(rdf, pdf.docinfo)
    descriptions = rdf.findall(f"{{{_RDF_NS}}}Description")

    values = {
        f"{{{_XMP_NS}}}CreateDate": xmp_date,
        f"{{{_XMP_NS}}}ModifyDate": xmp_date,
        f"{{{_XMP_NS}}}MetadataDate": xmp_date,
    }
    if any(
        d.find(f"{{{_XMPMM_NS}}}{name}") is not None or d.get(f"{{{_XMPMM_NS}}}{name}")
        for d in descriptions
        for name in ("DocumentID", "InstanceID")
    ):
        digest = _content_digest(pdf)
        uid = f"uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        values[f"{{{_XMPMM_NS}}}DocumentID"] = uid
        values[f"{{{_XMPMM_NS}}}InstanceID"] = uid

    for tag, value in values.items():
        found = False
        for description in descriptions:
            if description.get(tag) is not None:
                description.set(tag, value)
                found = True
            element = description.find(tag)
            if element is not None:
                element.text = value
                found = True
        if not found and tag.startswith(f"{{{_XMP_NS}}}"):
            home = next((d for d in descriptions if d.find(f"{{{_XMP_NS}}}*") is not None), None)
            if home is None:
                home = etree.SubElement(
                    rdf,
                    f"{{{_RDF_NS}}}Description",
                    {f"{{{_RDF_NS}}}about": ""},
                    nsmap={"xmp": _XMP_NS},
                )
                descriptions.append(home)
            siblings = list(home)
            new = etree.SubElement(home, tag, nsmap={"xmp": _XMP_NS})
            new.text = value
            if siblings:
                # Keep the packet readable: same indentation as the entries before it.
                new.tail = siblings[-1].tail
                siblings[-1].tail = home.text

    return _packet(root)


def _content_digest(pdf: pikepdf.Pdf) -> str:
    digest = hashlib.sha256()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                digest.update(stream.read_bytes())
    return digest.hexdigest()


def _normalise_icc(data: bytes, moment: datetime) -> bytes:
    if len(data) < 128 or data[36:40] != b"acsp":
        return data
    stamp = struct.pack(
        ">6H", moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
    )
    fixed = bytearray(data)
    fixed[24:36] = stamp
    if any(fixed[84:100]):
        # The profile ID is an MD5 over the profile with flags, intent and the ID zeroed;
        # the date is part of it, so it must follow the new date.
        scratch = bytearray(fixed)
        scratch[44:48] = bytes(4)
        scratch[64:68] = bytes(4)
        scratch[84:100] = bytes(16)
        fixed[84:100] = hashlib.md5(bytes(scratch)).digest()
    return bytes(fixed)


def _incomplete(path: Path) -> str | None:
    """A Dutch reason when ``path`` is empty or has no end; None when it may be whole."""
    try:
        size = path.stat().st_size
        if size == 0:
            return "LibreOffice gaf een leeg PDF-bestand"
        with path.open("rb") as handle:
            handle.seek(max(0, size - 1024))
            if b"%%EOF" not in handle.read():
                return "LibreOffice gaf een onvolledig PDF-bestand"
    except OSError as error:
        return f"LibreOffice gaf een PDF die niet opent ({error})"
    return None

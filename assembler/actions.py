"""Active content in third-party PDFs: actions that run a script, open a program or send data,
or reach another file or computer.

A bundle shows an annex's pages as they were received, but whoever opens the bundle must not
have a third party's script run, a program or file opened, form data sent somewhere, or another
file or computer reached: a link or page-open action to a file on a Windows share (a UNC path,
``file:``, ``smb:``) makes the reader log on to that computer, which so learns the reader's
Windows credentials. What a bundle copies of a part is its pages: their additional actions
(``/AA``), the annotations on them (links and form widgets: ``/A`` and ``/AA``) and, through
each widget's ``/Parent`` chain, its form fields (their calculation and format scripts).
:func:`strip_active_content` takes the active actions out of an open source, in memory, before
its pages are copied. :func:`active_content` names the scripts, program starts and links to
other files or computers a PDF carries, for the annex check's warning, also the document's own
(``/OpenAction``, the catalogue's ``/AA``, ``/Names/JavaScript``), which need no taking out: a
bundle does not copy a part's catalogue. Bookmarks (outline items) are named and taken out too:
a bundle makes them anew from their titles and destinations, and keeps one that opens a web
address (see bundle.py), but the export ships the annex as received.

Left out unnamed: form buttons that send or fetch data (many a received form has a "Verzenden"
button, and a warning for each would teach clerks to skip the warnings), links that open a
file attached to the PDF, and commands to embedded media. Kept: Acrobat's own formatting,
validating and calculating functions called with plain values (``AFNumber_Format(2, 0, 0, 0,
"€ ", true);``), which form designers put on nearly every field and which only shape how a
value looks; links to a page of the PDF itself, to a web address (``https:``, ``http:``, or
``www.`` without a scheme), an e-mail address (``mailto:``) or a telephone number (``tel:``);
every field's appearance as received. Such an address is judged without the spaces, line
breaks and ``<…>`` many writers leave around it (readers drop them too), and a bundle keeps it
without them, a ``www.`` address with ``https://`` before it: some readers take an address
without a scheme for the name of a file beside the PDF. A link to any other address is left
out and named: its scheme says nothing safe about where it leads.

Hostile structures are walked with a limit: a chain too long to follow counts as active.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pikepdf import Array, Dictionary, Name, Pdf, PdfError, Stream, String

__all__ = [
    "active_content",
    "address_kinds",
    "bookmark_address",
    "outline_items",
    "strip_active_content",
    "strip_form_actions",
]

# What reaches another file or computer: a go-to in another PDF (/GoToR), an article in another
# file (/Thread, /GoToE with /F), a URI that is no web or e-mail address. One kind, one name.
_ELSEWHERE = "/Elsewhere"
# Action types (ISO 32000-1, 12.6.4) that run something or reach elsewhere, as the clerk's
# warning names them, in the order it lists them; and every type that is left out of a bundle.
_NAMED = {
    "/JavaScript": "JavaScript",
    "/Launch": "een actie die een programma of bestand opent",
    _ELSEWHERE: "een link of actie naar een ander bestand of een andere computer",
}
_ACTIVE = frozenset({"/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"})
# The addresses a URI action may keep: a web page, an e-mail address or a telephone number,
# nothing that a reader would hand to the file system (file:, smb:, a UNC path, a relative name).
_WEB_ADDRESS = re.compile(r"(?:https?://|mailto:|tel:|www\.)", re.IGNORECASE)
_SCHEME_LESS = re.compile(r"www\.", re.IGNORECASE)
# Around an address: spaces, line breaks and other control characters, and the <…> that
# e-mails and plain text put around one (RFC 3986, appendix C).
_AROUND = "".join(map(chr, range(0x21))) + "\x7f"
# Left out too, unnamed: what could not be followed to its end.
_TOO_LONG = "/TooLong"
# Real files chain a handful of actions and nest fields a few deep.
_MAX_NODES = 10_000
# Longer than any call of Acrobat's own functions: not read, counted as a script of its own.
_MAX_SCRIPT_BYTES = 4096

_VALUE = r"""(?:"[^"\\]*"|'[^'\\]*'|-?\d+(?:\.\d+)?|true|false)"""
_ARGUMENT = rf"(?:{_VALUE}|new\s+Array\s*\(\s*(?:{_VALUE}\s*(?:,\s*{_VALUE}\s*)*)?\))"
_BUILT_IN_CALLS = re.compile(
    rf"\s*(?:AF[A-Za-z]+_[A-Za-z]+\s*\(\s*(?:{_ARGUMENT}\s*(?:,\s*{_ARGUMENT}\s*)*)?\)\s*;?\s*)+"
)


def active_content(pdf: Pdf) -> list[str]:
    """The scripts, program starts and links elsewhere ``pdf`` carries, in Dutch and a fixed
    order; or none."""
    root = pdf.Root
    found = _action_kinds(root.get(Name.OpenAction)) | _additional_kinds(root.get(Name.AA))
    names = root.get(Name.Names)
    if isinstance(names, Dictionary) and Name.JavaScript in names:
        found.add("/JavaScript")
    for holder in _holders(pdf):
        found |= _action_kinds(holder.get(Name.A)) | _additional_kinds(holder.get(Name.AA))
    return [text for kind, text in _NAMED.items() if kind in found]


def strip_active_content(pdf: Pdf) -> bool:
    """Take the active content out of what a bundle copies of ``pdf``; True if there was any.

    A link left with nowhere to go would be a dead spot on the page: it goes too, from every
    page that shares its list of annotations.
    """
    stripped = False
    for holder in _holders(pdf):
        stripped |= _strip(holder)
        _tidy_addresses(holder)
    if stripped:
        for page in pdf.pages:
            annots = page.obj.get(Name.Annots)
            if not isinstance(annots, Array):
                continue
            for index in reversed(range(len(annots))):
                annot = annots[index]
                if (
                    isinstance(annot, Dictionary)
                    and annot.get(Name.Subtype) == Name.Link
                    and Name.A not in annot
                    and Name.Dest not in annot
                ):
                    del annots[index]
    return stripped


def _strip(holder: Any) -> bool:
    """Remove the active actions of one dictionary; True if it had any."""
    stripped = _strip_action(holder, Name.A)
    additional = holder.get(Name.AA)
    if isinstance(additional, Dictionary):
        for key in list(additional.keys()):
            stripped |= _strip_action(additional, key)
        if not additional.keys():
            del holder[Name.AA]
    return stripped


def _strip_action(holder: Any, key: Any) -> bool:
    """Remove the action under ``key`` if it is active; keep one that only chains to some."""
    action = holder.get(key)
    if not _action_kinds(action):
        return False
    if isinstance(action, Dictionary | Stream) and not _own_kinds(action):
        # A link to a page that then runs a script still goes to its page.
        del action[Name.Next]
    else:
        del holder[key]
    return True


def strip_form_actions(pdf: Pdf) -> bool:
    """Take every action (``/A``, ``/AA``) off the form widgets and fields of ``pdf``, active
    or not; True if there were any.

    For a PDF that claims PDF/A-2 (ISO 19005-2 §6.4.1: a widget annotation and a field
    dictionary shall hold neither key), as LibreOffice's conversion of an office form may
    hold (a submit button). Reaches them as a bundle does (:func:`_on_pages`).
    """
    stripped = False
    for holder in _on_pages(pdf):  # a bookmark is no form field: it keeps its action
        if holder.get(Name.Type) == Name.Page:
            continue
        subtype = holder.get(Name.Subtype)
        if subtype is not None and subtype != Name.Widget:
            continue  # a link keeps its action: PDF/A allows it
        for key in (Name.A, Name.AA):
            if key in holder:
                del holder[key]
                stripped = True
    return stripped


def address_kinds(addresses: Iterable[str]) -> list[str]:
    """What :func:`active_content` would name of links to ``addresses`` (as a document's
    hyperlinks hold them: a place in the document itself starts with ``#``)."""
    elsewhere = any(
        _kept_address(address) is None and not address.strip(_AROUND).startswith("#")
        for address in addresses
    )
    return [_NAMED[_ELSEWHERE]] if elsewhere else []


def _tidy_addresses(holder: Any) -> None:
    """Write the web addresses left in a holder's actions as a reader follows them best."""
    additional = holder.get(Name.AA)
    starts = [holder.get(Name.A)]
    if isinstance(additional, Dictionary):
        starts.extend(additional.values())
    for start in starts:
        actions, _gave_up = _walk(start, Name.Next)
        for action in actions:
            address = action.get(Name.URI) if action.get(Name.S) == Name.URI else None
            if not isinstance(address, String):
                continue
            kept = _kept_address(str(address))
            if kept is not None and kept != str(address):
                action[Name.URI] = String(kept)


def bookmark_address(item: Any) -> str | None:
    """The web or e-mail address or telephone number the outline item ``item`` opens, as a
    bundle keeps it (see :func:`_kept_address`); None if it goes to a page or does anything
    else."""
    action = item.get(Name.A)
    if Name.Dest in item or not isinstance(action, Dictionary) or action.get(Name.S) != Name.URI:
        return None
    address = action.get(Name.URI)
    return _kept_address(str(address)) if isinstance(address, String) else None


def _kept_address(address: str) -> str | None:
    """``address`` as a bundle keeps it: without what surrounds it and with a scheme; None if
    it is no web or e-mail address or telephone number."""
    address = address.strip(_AROUND)
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1].strip(_AROUND)
    if not _WEB_ADDRESS.match(address):
        return None
    return "https://" + address if _SCHEME_LESS.match(address) else address


def _holders(pdf: Pdf) -> Iterator[Any]:
    """Every dictionary a bundle copies that can hold an action: pages, annotations, fields,
    and bookmarks (a bundle keeps one that goes to a page or a web address)."""
    yield from _on_pages(pdf)
    yield from outline_items(pdf)


def outline_items(pdf: Pdf) -> list[Any]:
    """The outline items (bookmarks) of ``pdf``, each once, as far as :data:`_MAX_NODES`."""
    outlines = pdf.Root.get(Name.Outlines)
    if not isinstance(outlines, Dictionary):
        return []
    seen: set[tuple[int, int]] = set()
    found: list[Any] = []
    todo: list[Any] = [outlines.get(Name.First)]
    while todo and len(found) < _MAX_NODES:
        node = todo.pop()
        if not isinstance(node, Dictionary):
            continue
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue  # a ring: the bundle breaks it too
            seen.add(key)
        found.append(node)
        todo += [node.get(Name.Next), node.get(Name.First)]
    return found


def _on_pages(pdf: Pdf) -> Iterator[Any]:
    """The pages, their annotations and the form fields: what a bundle copies with a page."""
    for page in pdf.pages:
        yield page.obj
        annots = page.obj.get(Name.Annots)
        if not isinstance(annots, Array):
            continue
        for annot in annots:
            if isinstance(annot, Dictionary):
                yield annot
                # qpdf copies a widget's field, and the field's parents, through /Parent.
                parents, _gave_up = _walk(annot.get(Name.Parent), Name.Parent)
                yield from parents
    form = pdf.Root.get(Name.AcroForm)
    if isinstance(form, Dictionary):
        fields, _gave_up = _walk(form.get(Name.Fields), Name.Kids)
        yield from fields


def _walk(start: Any, child: Name) -> tuple[list[Any], bool]:
    """The dictionaries reached from ``start`` through ``child`` (arrays of them too), each once;
    and whether the walk gave up, past :data:`_MAX_NODES`."""
    seen: set[tuple[int, int]] = set()
    found: list[Any] = []
    todo: list[Any] = [start]
    steps = 0
    while todo:
        node = todo.pop()
        if not isinstance(node, Array | Dictionary | Stream):
            continue
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        steps += 1
        if steps > _MAX_NODES:
            return found, True
        if isinstance(node, Array):
            todo.extend(node)
            continue
        found.append(node)
        todo.append(node.get(child))
    return found, False


def _additional_kinds(additional: Any) -> set[str]:
    """The kinds of action in an additional-actions dictionary (``/AA``)."""
    if not isinstance(additional, Dictionary):
        return set()
    found: set[str] = set()
    for action in additional.values():
        found |= _action_kinds(action)
    return found


def _action_kinds(action: Any) -> set[str]:
    """The active kinds in an action and the actions it chains to (``/Next``)."""
    nodes, gave_up = _walk(action, Name.Next)
    found = {_TOO_LONG} if gave_up else set()
    for node in nodes:
        found |= _own_kinds(node)
    return found


def _own_kinds(action: Any) -> set[str]:
    """The active kind of one action, leaving aside what it chains to."""
    found: set[str] = set()
    kind = action.get(Name.S)
    if isinstance(kind, Name) and str(kind) in _ACTIVE:
        found.add(str(kind))
    if _reaches_elsewhere(action, kind):
        found.add(_ELSEWHERE)
    # A rendition action can carry a script of its own.
    if (kind == Name.JavaScript or Name.JS in action) and not _built_in(action.get(Name.JS)):
        found.add("/JavaScript")
    return found


def _reaches_elsewhere(action: Any, kind: Any) -> bool:
    """Whether an action of ``kind`` leads to another file or computer."""
    if kind == Name.GoToR:
        return True
    if kind in (Name.Thread, Name.GoToE):
        # Without /F the article or embedded file is in this PDF.
        return Name.F in action
    if kind == Name.URI:
        address = action.get(Name.URI)
        return not (isinstance(address, String) and _kept_address(str(address)) is not None)
    return False


def _built_in(script: Any) -> bool:
    """Whether a script only calls Acrobat's own functions with plain values."""
    if isinstance(script, Stream):
        length = script.get(Name.Length)
        if not isinstance(length, int) or length > _MAX_SCRIPT_BYTES:
            return False
        try:
            data = script.read_bytes()
            text = data.decode("utf-16" if data.startswith(b"\xfe\xff") else "latin-1")
        except (PdfError, UnicodeDecodeError):
            return False
    elif script is not None and not isinstance(script, Dictionary | Array):
        text = str(script)
    else:
        return False
    return len(text) <= _MAX_SCRIPT_BYTES and _BUILT_IN_CALLS.fullmatch(text) is not None

"""Active content in third-party PDFs: actions that run a script, start a program or send data.

A bundle shows an annex's pages as they were received, but whoever opens the bundle must not
have a third party's script run, a program started or form data sent somewhere. A bundle copies
four things of a part that can hold such actions: its pages (their additional actions, ``/AA``),
the annotations on them (links and form widgets: ``/A`` and ``/AA``), its form fields (their
calculation and format scripts) and its bookmarks. :func:`strip_active_content` takes all of
it out of an open source, in memory, before its pages are copied. :func:`active_content` names
the scripts and program starts a PDF carries, for the annex check's warning, also the
document's own (``/OpenAction``, the catalogue's ``/AA``, ``/Names/JavaScript``), which never
need taking out: a bundle does not copy a part's catalogue. Form buttons that send or fetch
data go unnamed: many a received form has a "Verzenden" button, and a warning for each would
teach clerks to skip the warnings.

What only shows the document stays: links to a page or a web address, bookmarks, and every
field's appearance as received.
"""

from __future__ import annotations

from collections.abc import Iterator

from pikepdf import Array, Dictionary, Name, Pdf

__all__ = ["active_content", "strip_active_content"]

# Action types (ISO 32000-1, 12.6.4) that run something, with how the clerk's warning names
# them, in the order the warning lists them; and those that send or fetch form data.
_RUNS = {"/JavaScript": "JavaScript", "/Launch": "een actie die een programma start"}
_ACTIVE = frozenset({*_RUNS, "/SubmitForm", "/ImportData"})
# A hostile file can chain or nest without end: past this many objects, the walk stops.
_MAX_NODES = 100_000


def active_content(pdf: Pdf) -> list[str]:
    """The scripts and program starts ``pdf`` carries, in Dutch and a fixed order; or none."""
    root = pdf.Root
    found = _action_kinds(root.get(Name.OpenAction)) | _additional_kinds(root.get(Name.AA))
    names = root.get(Name.Names)
    if isinstance(names, Dictionary) and Name.JavaScript in names:
        found.add("/JavaScript")
    for holder in _holders(pdf):
        found |= _action_kinds(holder.get(Name.A)) | _additional_kinds(holder.get(Name.AA))
    return [text for kind, text in _RUNS.items() if kind in found]


def strip_active_content(pdf: Pdf) -> bool:
    """Take the active content out of what a bundle copies of ``pdf``; True if there was any.

    A link left with nowhere to go would be a dead spot on the page: it goes too.
    """
    stripped = False
    for page in pdf.pages:
        stripped |= _strip(page.obj)
        annots = page.obj.get(Name.Annots)
        if not isinstance(annots, Array):
            continue
        kept = Array()
        for annot in annots:
            if isinstance(annot, Dictionary) and _strip(annot):
                stripped = True
                dead = Name.A not in annot and Name.Dest not in annot
                if annot.get(Name.Subtype) == Name.Link and dead:
                    continue
            kept.append(annot)
        if len(kept) != len(annots):
            page.obj.Annots = kept
    for holder in _fields_and_bookmarks(pdf):
        stripped |= _strip(holder)
    return stripped


def _strip(holder: Dictionary) -> bool:
    """Remove the active actions of one dictionary; True if it had any."""
    stripped = _strip_action(holder, Name.A)
    additional = holder.get(Name.AA)
    if isinstance(additional, Dictionary):
        for key in list(additional.keys()):
            stripped |= _strip_action(additional, Name(key))
        if not additional.keys():
            del holder[Name.AA]
    return stripped


def _strip_action(holder: Dictionary, key: Name) -> bool:
    """Remove the action under ``key`` if it is active; keep one that only chains to some."""
    action = holder.get(key)
    if not _action_kinds(action):
        return False
    if isinstance(action, Dictionary) and not _own_kinds(action):
        # A link to a page that then runs a script still goes to its page.
        del action[Name.Next]
    else:
        del holder[key]
    return True


def _holders(pdf: Pdf) -> Iterator[Dictionary]:
    """Every dictionary a bundle copies that can hold an action."""
    for page in pdf.pages:
        yield page.obj
        annots = page.obj.get(Name.Annots)
        if isinstance(annots, Array):
            yield from (annot for annot in annots if isinstance(annot, Dictionary))
    yield from _fields_and_bookmarks(pdf)


def _fields_and_bookmarks(pdf: Pdf) -> Iterator[Dictionary]:
    form = pdf.Root.get(Name.AcroForm)
    if isinstance(form, Dictionary):
        yield from _tree(form.get(Name.Fields), Name.Kids, None)
    outlines = pdf.Root.get(Name.Outlines)
    if isinstance(outlines, Dictionary):
        yield from _tree(outlines.get(Name.First), Name.First, Name.Next)


def _tree(start: object, child: Name, sibling: Name | None) -> Iterator[Dictionary]:
    """The nodes of a field tree (kids in arrays) or an outline (first child, next sibling)."""
    seen: set[tuple[int, int]] = set()
    todo: list[object] = [start]
    count = 0
    while todo and count < _MAX_NODES:
        node = todo.pop()
        count += 1
        if isinstance(node, Array):
            todo.extend(node)
            continue
        if not isinstance(node, Dictionary):
            continue
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        yield node
        todo.append(node.get(child))
        if sibling is not None:
            todo.append(node.get(sibling))


def _additional_kinds(additional: object) -> set[str]:
    """The kinds of action in an additional-actions dictionary (``/AA``)."""
    if not isinstance(additional, Dictionary):
        return set()
    found: set[str] = set()
    for action in additional.values():
        found |= _action_kinds(action)
    return found


def _action_kinds(action: object) -> set[str]:
    """The active kinds in an action and the actions it chains to (``/Next``)."""
    found: set[str] = set()
    for node in _tree(action, Name.Next, None):
        found |= _own_kinds(node)
    return found


def _own_kinds(action: Dictionary) -> set[str]:
    """The active kind of one action, leaving aside what it chains to."""
    found: set[str] = set()
    kind = action.get(Name.S)
    if isinstance(kind, Name) and str(kind) in _ACTIVE:
        found.add(str(kind))
    if Name.JS in action:  # a rendition action can carry a script of its own
        found.add("/JavaScript")
    return found

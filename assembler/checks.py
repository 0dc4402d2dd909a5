"""What ``check`` and ``build`` both judge of a selection, in one place (maintainer review M2).

The two commands run the same checks in their own order: a check all at once, a build while
it renders and bundles (the annex intake judges an annex as its dossier's turn comes). What
each says of the same inputs must not differ but for what only making the documents tells
(``tests/bad_inputs/test_parity.py`` holds them to that). The rules they share live here:
which templates a selection uses, and how the template check's answer is said for it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from assembler.errors import Problem
from assembler.project import Project

if TYPE_CHECKING:
    from assembler.inputs import Catalog

# Said after a template error when nothing chosen is made with that template: the template
# still needs mending before its next use, but nothing chosen now is refused for it.
TEMPLATE_NOT_NEEDED = "; de gekozen dossiers hebben dit sjabloon niet nodig"


def partial_meetings(project: Project, catalog: Catalog) -> set[Path]:
    """Meetings of which only some dossiers were asked for, not the meeting itself: their
    agenda is left alone."""
    chosen = set(catalog.chosen)
    dossiers = project.dossiers
    if dossiers in chosen:
        return set()
    # Both names of each: the callers ask by the resolved one, which differs behind a
    # dossiers/ that is a link to a shared drive.
    return {
        name
        for folder in chosen
        if folder.parent.parent == dossiers and folder.parent not in chosen
        for name in (folder.parent, folder.parent.resolve())
    }


def templates_used(project: Project, catalog: Catalog) -> set[str]:
    """The templates (as displayed) the chosen documents are made with: each chosen dossier's,
    and the agenda's when a meeting is chosen whole (a dossier alone makes no agenda).

    A meeting whose agenda cannot be made for a refused item still counts: mending the item
    alone would not make it."""
    display = project.display
    used = {
        display(project.template_for(dossier.document.kind))
        for meeting in catalog.meetings
        for dossier in meeting.dossiers
    }
    partial = partial_meetings(project, catalog)
    if any(meeting.folder.resolve() not in partial for meeting in catalog.meetings):
        used.add(display(project.template_for("agenda")))
    return used


def template_problems(answer: list[Problem], used: set[str]) -> list[Problem]:
    """The template check's ``answer`` as said for a selection that uses the templates
    ``used``: an error of a template it does not use is a warning (nothing chosen is refused
    for it; that template is still to be mended before its next use)."""
    return [
        dataclasses.replace(p, melding=p.melding + TEMPLATE_NOT_NEEDED, ernst="waarschuwing")
        if p.ernst == "fout" and p.bestand not in used
        else p
        for p in answer
    ]

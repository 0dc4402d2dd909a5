"""What validation hands on: the validated dossiers, agenda items and meetings, the catalog
of a project, and the constants the later stages read them by (the annex file types, an
invalid agenda item's name, an agenda item's purpose).

The stages (agenda, layout, lint, build, …) import these types from here, without loading
the validation itself (validate.py), or pydantic.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assembler.confidential import Publications
    from assembler.errors import Problem
    from assembler.model import Document, Organisatie, Vergadering
    from assembler.project import Project
    from assembler.references import ArchivedSecret
    from assembler.source import Source


PDF_SUFFIXES = {".pdf"}
OFFICE_SUFFIXES = {".docx", ".odt", ".xlsx", ".ods"}


@dataclass(frozen=True)
class DossierInput:
    """A dossier that validated: its folder, its source (for line numbers) and its model."""

    folder: Path
    source: Source
    document: Document
    # Annexes (0-based) whose files validation refused: the annex intake leaves them out.
    refused_annexes: frozenset[int] = frozenset()

    @property
    def name(self) -> str:
        """The dossier's folder name, as the agenda names it."""
        return self.folder.name

    def annex_path(self, index: int) -> Path:
        """The file of annex ``index`` (0-based)."""
        return as_stored(self.folder / self.document.annexes[index].file)


def as_stored(path: Path) -> Path:
    """``path``, or the file beside it whose name differs only in how accents are stored.

    macOS stores "é" as "e" plus an accent, a clerk's editor writes the one letter: the two
    names look the same and compare different.
    """
    if path.name.isascii() or path.exists() or path.is_symlink():
        return path
    wanted = unicodedata.normalize("NFC", path.name)
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if unicodedata.normalize("NFC", entry.name) == wanted:
                    return path.parent / entry.name
    except OSError:
        pass
    return path


PADDED_TO_THREE = 100
"""From this many agenda items on, their numbers are padded to three digits in names."""


@dataclass(frozen=True)
class AgendaItem:
    """An agenda item, numbered from 1; either plain text or a dossier."""

    number: int
    text: str | None = None
    folder_name: str | None = None
    dossier: DossierInput | None = None
    # The digits its number is padded to in file and folder names: 3 on an agenda of 100
    # items or more, so that "099" sorts before "100"; 2 on the others, whose names were
    # published that way and must not all change.
    width: int = 2

    @property
    def padded(self) -> str:
        """``02``: the number as file and folder names start with it."""
        return f"{self.number:0{self.width}d}"


@dataclass(frozen=True)
class MeetingInput:
    """A meeting folder whose vergadering.yaml validated."""

    folder: Path
    source: Source
    meeting: Vergadering
    items: tuple[AgendaItem, ...]

    @property
    def name(self) -> str:
        """The meeting's folder name."""
        return self.folder.name

    @property
    def width(self) -> int:
        """The digits its items' numbers are padded to in names (see AgendaItem.width)."""
        return 3 if len(self.items) >= PADDED_TO_THREE else 2

    @property
    def dossiers(self) -> list[DossierInput]:
        """The valid dossiers on this meeting's agenda, in agenda order."""
        return [item.dossier for item in self.items if item.dossier is not None]

    def keeping(self, wanted: Callable[[DossierInput], bool]) -> MeetingInput:
        """The same meeting with only the dossiers ``wanted`` keeps; the others' items stay bare."""
        items = tuple(
            item if item.dossier is None or wanted(item.dossier) else replace(item, dossier=None)
            for item in self.items
        )
        return MeetingInput(self.folder, self.source, self.meeting, items)


@dataclass
class Catalog:
    """Everything that validated, plus every problem found."""

    project: Project
    organisation: Organisatie
    meetings: list[MeetingInput] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Every meeting that validated, also those the paths did not select: what is confidential
    # anywhere in the project (see confidential.confidential_annexes_made_public).
    everything: list[MeetingInput] = field(default_factory=list)
    # The confidential dossiers of archived meetings (dossiers/archief/<meeting>/<dossier>):
    # read, not validated, so that what they hold stays out of the public side.
    archived: tuple[ArchivedSecret, ...] = ()
    # Selected dossiers refused for their fields or annex files whose annex entries are valid,
    # the annex files refused marked (refused_annexes): `check` has the annex intake judge
    # their other annexes too, so that a clerk hears of every annex in one round.
    set_aside: list[DossierInput] = field(default_factory=list)
    # The folders the paths given select (see validate.selected_folder); none: every meeting.
    chosen: tuple[Path, ...] = ()
    # Per meeting folder, its dossier folders that its agenda leaves out (refused): an export
    # would take them for withdrawn.
    unlisted: dict[Path, list[str]] = field(default_factory=dict)
    # What each meeting's publicatie.json says it published, read once for all the run's
    # checks (see confidential.publications).
    publications: Publications | None = None
    # Per dossier folder, what `check` found when it filled in the dossier's template with its
    # values (see checks.filled_in_problems): that template fails for this dossier alone.
    failed_filling_in: dict[Path, Problem] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Problems that reject input (not warnings)."""
        return [p for p in self.problems if p.ernst == "fout"]

    @property
    def dossier_count(self) -> int:
        """Number of valid dossiers in the selected meetings."""
        return sum(len(m.dossiers) for m in self.meetings)


# A behandeling row's doel, as the agenda (and the ODS manifest) names the item's purpose.
_PURPOSES = {
    "vaststellen": "ter besluitvorming",
    "besluiten": "ter besluitvorming",
    "besluitvorming": "ter besluitvorming",
    "instemmen": "ter besluitvorming",
    "bespreken": "ter bespreking",
    "bespreking": "ter bespreking",
    "adviseren": "ter bespreking",
    "advies": "ter bespreking",
    "opiniërend": "ter bespreking",
    "opinievorming": "ter bespreking",
    "informeren": "ter informatie",
    "informatie": "ter informatie",
    "kennisnemen": "ter informatie",
    "kennisname": "ter informatie",
}
DEFAULT_PURPOSE = "ter besluitvorming"


def agenda_purpose(doel: str) -> str | None:
    """``ter besluitvorming``, ``ter bespreking`` or ``ter informatie`` for a doel; None if unknown.

    Clerks write the verb ("Vaststellen") as well as the agenda's own words ("Ter bespreking").
    """
    key = " ".join(doel.lower().split())
    return _PURPOSES.get(key.removeprefix("ter "))


BAD_ENTRY = "(ongeldig agendapunt)"
"""The folder name an agenda item gets when its entry names none ('- dosier: x')."""

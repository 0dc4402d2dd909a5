"""Names that differ only in capitals: meeting folders, a meeting's dossier folders, a
dossier's annex files.

On Linux they are two names, and a build there makes both. Windows, macOS and most shared
drives (SMB, OneDrive) take them for one: a copy there keeps one of the two, without a word,
and the project no longer builds the same. Said as a warning, at the second name: the build
here is right, and which of the two to rename is the clerk's choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assembler.errors import Problem
from assembler.inputs import MeetingInput
from assembler.project import MEETING_FILE, Project
from assembler.source import field_label

FILES = "het ene bestand het andere"
FOLDERS = "de ene map de andere"


def case_twin_message(name: str, earlier: str, overwrites: str, advice: str = "") -> str:
    """What is said of ``name``, which differs from ``earlier`` (said as the caller names it)
    only in capitals; ``overwrites``: FILES or FOLDERS; ``advice`` follows 'hernoem een van
    beide'."""
    return (
        f"'{name}' verschilt alleen in hoofdletters en kleine letters van {earlier}: Windows en "
        "veel gedeelde mappen zien dat als dezelfde naam, en in een kopie daar overschrijft "
        f"{overwrites} (hernoem een van beide{advice})"
    )


def case_twin_problems(
    project: Project, folders: Sequence[Path], meetings: Sequence[MeetingInput]
) -> list[Problem]:
    """A warning for each meeting folder, and each dossier folder on an agenda, whose name
    differs from one before it only in capitals."""
    problems = []
    seen: dict[str, str] = {}
    for folder in sorted(folders, key=lambda folder: folder.name):
        earlier = seen.setdefault(folder.name.casefold(), folder.name)
        if earlier != folder.name:
            problems.append(
                Problem(
                    project.display(folder),
                    None,
                    "",
                    case_twin_message(
                        folder.name,
                        f"vergadermap '{earlier}'",
                        FOLDERS,
                        " mappen; export weigert ze zo",
                    ),
                    "waarschuwing",
                )
            )
    for meeting in meetings:
        on_agenda: dict[str, tuple[str, int]] = {}
        for item in meeting.items:
            if not item.folder_name or not (meeting.folder / item.folder_name).is_dir():
                continue  # no folder (said as that): nothing to overwrite
            first = on_agenda.setdefault(
                item.folder_name.casefold(), (item.folder_name, item.number)
            )
            if first[0] == item.folder_name:
                continue
            path = ("agenda", item.number - 1, "dossier")
            problems.append(
                Problem(
                    project.display(meeting.folder / MEETING_FILE),
                    meeting.source.line_of(path),
                    field_label(path),
                    case_twin_message(
                        item.folder_name,
                        f"dossiermap '{first[0]}' (agendapunt {first[1]})",
                        FOLDERS,
                        " mappen, en de regel op de agenda",
                    ),
                    "waarschuwing",
                )
            )
    return problems

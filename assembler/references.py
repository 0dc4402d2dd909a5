"""Where a kenmerk is taken: the dossiers under dossiers/, archived meetings among them, and
what an export published (publicatie.json).

``assembler new`` hands out no kenmerk taken anywhere there; ``check`` and ``build`` refuse a
dossier whose kenmerk an archived dossier holds. Both read the kenmerk from the text, not the
model: an invalid dossier, or one in a meeting that is no longer checked, still owns its kenmerk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from assembler.answers import key_of, recall
from assembler.project import DOSSIER_FILE, MEETING_FILE, PUBLICATION_FILE

# A dossier's kenmerk in the default pattern, as its dossier.yaml writes it: year and number.
_REFERENCE = re.compile(r"^\s*kenmerk\s*:\s*['\"]?(\d{2})\.(\d{7})['\"]?\s*(#.*)?$", re.MULTILINE)
# A published file's name: "03_23.0002104_voorstel_....pdf" (see package.export_name).
_PUBLISHED_REFERENCE = re.compile(r'"bestandsnaam"\s*:\s*"\d{2}_(\d{2})\.(\d{7})_')
# The files a kenmerk is taken in, and how it is written there (default pattern).
TAKEN_IN = {DOSSIER_FILE: _REFERENCE, PUBLICATION_FILE: _PUBLISHED_REFERENCE}
# A dossier's kenmerk in any pattern: the value of its top-level 'kenmerk:' line, unquoted.
ANY_REFERENCE = re.compile(r"^kenmerk\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(#.*)?$", re.MULTILINE)


def reference_files(dossiers: Path) -> set[Path]:
    """Every dossier.yaml and publicatie.json under ``dossiers``, at any depth."""
    # Where meetings and dossiers are read from, a link followed as check follows it (a
    # dossier folder may be one); below that, a linked folder is not walked into, which
    # could lead out of dossiers/ or round in a circle.
    files = {*dossiers.glob(f"*/*/{DOSSIER_FILE}"), *dossiers.glob(f"*/{PUBLICATION_FILE}")}
    for top, _folders, names in os.walk(dossiers):  # unreadable folders: skipped
        files.update(Path(top) / name for name in names if name in TAKEN_IN)
    return files


def meeting_folders(dossiers: Path) -> Iterator[Path]:
    """Every meeting folder inside ``dossiers``: those directly in it (a link too, as check
    follows one), then the archived ones deeper in it (dossiers/archief/<meeting>).

    Below the meetings directly in it no link is walked into, which could lead out of
    dossiers/ or round in a circle, nor a meeting's own folders: they are its dossiers.
    """
    yield from sorted(path.parent for path in dossiers.glob(f"*/{MEETING_FILE}"))
    for top, folders, names in os.walk(dossiers):  # unreadable folders: skipped
        here = Path(top)
        if here != dossiers and MEETING_FILE in names:
            folders.clear()
            if here.parent != dossiers:
                yield here
        folders.sort()


def reference_in(text: str) -> str | None:
    """The kenmerk a dossier.yaml's text gives on its 'kenmerk:' line, if any."""
    found = ANY_REFERENCE.search(text)
    return found.group(1).strip() if found else None


# Raised when what archived_references answers changes, so kept answers are not reused.
_ARCHIVE_VERSION = 1


def archived_references(dossiers: Path) -> dict[str, str]:
    """The kenmerken of the dossiers of archived meetings (dossiers/archief/<meeting>/<dossier>),
    each with the path of the first dossier.yaml that holds it.

    The archive grows for years and a no-op build reads it every time: the files are only
    listed and looked at (their size and time), and their kenmerken read again when one of
    them changed since the last build (see answers.recall); then only the 'kenmerk:' line is
    looked for, with no YAML read. Paths are text here: pathlib took most of the time.
    """
    files: list[str] = []
    stamps: list[str] = []
    for meeting in meeting_folders(dossiers):
        if meeting.parent == dossiers:
            continue  # a meeting that is checked: its dossiers are read as such
        try:
            with os.scandir(meeting) as entries:
                folders = sorted(entry.path for entry in entries if entry.is_dir())
        except OSError:
            continue
        for folder in folders:
            path = os.path.join(folder, DOSSIER_FILE)
            try:
                info = os.stat(path)
            except OSError:
                continue
            files.append(path)
            stamps.append(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_ino}")
    if not files:
        return {}
    return recall(
        key_of(f"archief {_ARCHIVE_VERSION}", *stamps),
        lambda: _references_in(files),
        lambda held: held,
        _kept_references,
    )


def _references_in(paths: list[str]) -> dict[str, str]:
    """Each kenmerk the dossier.yaml files ``paths`` give, with the first that gives it."""
    held: dict[str, str] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError:
            continue
        reference = reference_in(text)
        if reference:
            held.setdefault(reference, path)
    return held


def _kept_references(kept: object) -> dict[str, str]:
    """The answer :func:`archived_references` kept; ValueError for a damaged one."""
    if not isinstance(kept, dict) or not all(
        isinstance(reference, str) and isinstance(path, str) for reference, path in kept.items()
    ):
        raise ValueError("not kept by archived_references")
    return kept

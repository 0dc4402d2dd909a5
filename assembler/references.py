"""Where a kenmerk is taken: the dossiers under dossiers/, archived meetings among them, and
what an export published (publicatie.json).

``assembler new`` hands out no kenmerk taken anywhere there; ``check`` and ``build`` refuse a
dossier whose kenmerk an archived dossier holds. Both read the kenmerk from the text, not the
model: an invalid dossier, or one in a meeting that is no longer checked, still owns its kenmerk.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler.answers import key_of, recall
from assembler.project import DOSSIER_FILE, MEETING_FILE, PUBLICATION_FILE, Project

if TYPE_CHECKING:
    import yaml

# A dossier's kenmerk in the default pattern, as its dossier.yaml writes it: year and number.
_REFERENCE = re.compile(r"^\s*kenmerk\s*:\s*['\"]?(\d{2})\.(\d{7})['\"]?\s*(#.*)?$", re.MULTILINE)
# A published file's name: "03_23.0002104_voorstel_....pdf", "103_…" (see package.export_name).
_PUBLISHED_REFERENCE = re.compile(r'"bestandsnaam"\s*:\s*"\d{2,}_(\d{2})\.(\d{7})_')
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


def next_reference(project: Project, year: int) -> str:
    """The next free kenmerk of ``year`` in the default pattern (``23.0001773``).

    Taken are those of the dossiers, and those an export published: a kenmerk stays taken
    after its dossier was deleted, as the agenda systems know it, and after its meeting was
    archived into a folder inside dossiers/ (dossiers/archief/<meeting>), where it is no
    longer checked or built.
    """
    prefix = f"{year % 100:02d}"
    highest = 0
    # Read the raw text, not the models: an invalid dossier still owns its kenmerk.
    for path in reference_files(project.dossiers):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in TAKEN_IN[path.name].finditer(text):
            if match.group(1) == prefix:
                highest = max(highest, int(match.group(2)))
    return f"{prefix}.{highest + 1:07d}"


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


# Raised when what archived_dossiers answers changes, so kept answers are not reused (2: the
# confidential dossiers' kenmerken, titles and annex files besides the kenmerken).
_ARCHIVE_VERSION = 2


@dataclass(frozen=True)
class ArchivedSecret:
    """What the public side must not show of a confidential dossier of an archived meeting:
    secrecy outlasts the meeting ("geheim houden tot de overeenkomst is getekend")."""

    path: str  # its dossier.yaml
    references: tuple[str, ...]
    titles: tuple[tuple[str, str], ...]  # ("het onderwerp", text), ("de omschrijving van …", …)
    annexes: tuple[tuple[int, str], ...]  # (index in bijlagen, the annex file's path)
    # From this day (ISO) its short titles are searched, as for a dossier not archived (see
    # terms.confidential_terms): the earlier of its document's and its meeting's day; "" when
    # neither can be read, and then only its long titles are.
    since: str
    # How messages name it when not by its dossier.yaml (a withdrawn dossier's is gone).
    label: str = ""


@dataclass(frozen=True)
class Archive:
    """What the archived meetings' dossiers hold for the checks of the live ones."""

    references: dict[str, str]  # each kenmerk, with the first dossier.yaml that holds it
    secrets: tuple[ArchivedSecret, ...] = ()


def archived_references(dossiers: Path) -> dict[str, str]:
    """The kenmerken of the dossiers of archived meetings (dossiers/archief/<meeting>/<dossier>),
    each with the path of the first dossier.yaml that holds it."""
    return archived_dossiers(dossiers).references


def archived_dossiers(dossiers: Path) -> Archive:
    """The kenmerken of the dossiers of archived meetings (dossiers/archief/<meeting>/<dossier>)
    and what each confidential one among them must not have shown in public.

    The archive grows for years and a no-op build reads it every time: the files are only
    listed and looked at (their size and time), and read again when one of them changed since
    the last build (see answers.recall); then the 'kenmerk:' line is looked for, with no YAML
    read, and only a dossier that does not plainly say 'verspreiden: Ja' is read as YAML (not
    validated). Paths are text here: pathlib took most of the time.
    """
    files: list[tuple[str, str]] = []
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
            files.append((path, meeting.name))
            stamps.append(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\0{info.st_ino}")
    if not files:
        return Archive({})
    return recall(
        key_of(f"archief {_ARCHIVE_VERSION}", *stamps),
        lambda: _archive_of(files),
        _archive_json,
        _kept_archive,
    )


def _archive_of(paths: list[tuple[str, str]]) -> Archive:
    """The kenmerken the dossier.yaml files ``paths`` (each with its meeting folder's name)
    give, with the first that gives each, and what their confidential ones hold."""
    from assembler.source import MAX_BYTES, compose_leniently

    held: dict[str, str] = {}
    secrets: list[ArchivedSecret] = []
    for path, meeting in paths:
        try:
            with open(path, "rb") as file:
                raw = file.read(MAX_BYTES + 1)
        except OSError:
            continue
        # Its lines as a text file's, whatever ends them (a Windows editor's CRLF).
        text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        reference = reference_in(text)
        if reference:
            held.setdefault(reference, path)
        if _plainly_public(text) or len(raw) > MAX_BYTES:
            continue
        plain = plain_dossier(compose_leniently(raw))
        if plain is None:
            continue
        references, titles, annexes, day = plain
        if not (references or titles or annexes):
            continue  # nothing to search for: what validation would say of it, no one reads
        folder = os.path.dirname(path)
        files = [
            (index, annex)
            for index, name in annexes
            if (annex := _inside(folder, name)) is not None
        ]
        days = [d for d in (_day(day), _day(meeting[:10])) if d is not None]
        secrets.append(
            ArchivedSecret(
                path,
                tuple(references),
                tuple(titles),
                tuple(files),
                min(days).isoformat() if days else "",
            )
        )
    return Archive(held, tuple(secrets))


def _inside(folder: str, name: str) -> str | None:
    """The annex file ``name`` of the dossier in ``folder``, if it is a file in that folder."""
    path = Path(folder) / name
    try:
        if path.is_file() and path.resolve().is_relative_to(Path(folder).resolve()):
            return str(path)
    except (OSError, ValueError):
        pass
    return None


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# A dossier.yaml whose only mention of verspreiden is the top-level line 'verspreiden: Ja',
# and none of whose top-level lines is typed otherwise than as a plain key or a list item
# (a quoted key may spell the word with escapes, a tag or flow mapping hide it): public,
# without reading it as YAML.
_PUBLIC_LINE = re.compile(r"^verspreiden[ \t]*:[ \t]*Ja[ \t]*(#.*)?$", re.MULTILINE)
_ODD_TOP_LINE = re.compile(r"^[^\sA-Za-z#\-]", re.MULTILINE)


def _plainly_public(text: str) -> bool:
    return (
        text.casefold().count("verspreiden") == 1
        and _PUBLIC_LINE.search(text) is not None
        and _ODD_TOP_LINE.search(text) is None
    )


PlainDossier = tuple[list[str], list[tuple[str, str]], list[tuple[int, str]], str | None]
"""A dossier.yaml read as typed: its kenmerken, its titles (what, text), its annex files
(index, name) and its datum."""


def plain_dossier(root: yaml.Node | None) -> PlainDossier | None:
    """What a dossier.yaml read as plain YAML (anchors not resolved, nothing typed) says a
    confidential dossier must not show; None when it plainly says 'verspreiden: Ja' (every
    time it says it). A file that cannot be read (``root`` None) is not public: its lists are
    empty."""
    import yaml

    from assembler.model import says_public

    said = _scalars(root, "verspreiden")
    if said and all(says_public(value) for value in said):
        return None
    titles = [("het onderwerp", text) for text in _scalars(root, "onderwerp")]
    annexes: list[tuple[int, str]] = []
    entries: list[yaml.Node] = []
    if isinstance(root, yaml.MappingNode):
        for name, value in root.value:
            if getattr(name, "value", None) == "bijlagen" and isinstance(value, yaml.SequenceNode):
                entries += value.value
    for index, entry in enumerate(entries):
        titles += [
            (f"de omschrijving van bijlage {index + 1}", text)
            for text in _scalars(entry, "omschrijving")
        ]
        annexes += [(index, name) for name in _scalars(entry, "bestand")]
    days = _scalars(root, "datum")
    return _scalars(root, "kenmerk"), titles, annexes, days[0] if days else None


def _scalars(node: yaml.Node | None, key: str) -> list[str]:
    """The texts of every ``key`` of a mapping node, as typed (a kenmerk is no number, and a
    key typed twice counts twice)."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    return [
        value.value
        for name, value in node.value
        if isinstance(name, yaml.ScalarNode)
        and name.value == key
        and isinstance(value, yaml.ScalarNode)
    ]


def _archive_json(archive: Archive) -> dict[str, Any]:
    return {
        "kenmerken": archive.references,
        "geheim": [
            [
                s.path,
                list(s.references),
                [list(t) for t in s.titles],
                [list(a) for a in s.annexes],
                s.since,
            ]
            for s in archive.secrets
        ],
    }


def _kept_archive(kept: object) -> Archive:
    """The answer :func:`archived_dossiers` kept; ValueError for a damaged one."""
    if not isinstance(kept, dict):
        raise ValueError("not kept by archived_dossiers")
    references = kept["kenmerken"]
    if not isinstance(references, dict) or not all(
        isinstance(reference, str) and isinstance(path, str)
        for reference, path in references.items()
    ):
        raise ValueError("not kept by archived_dossiers")
    secrets = tuple(
        ArchivedSecret(
            str(path),
            tuple(str(r) for r in found),
            tuple((str(what), str(text)) for what, text in titles),
            tuple((int(index), str(annex)) for index, annex in annexes),
            str(since),
        )
        for path, found, titles, annexes, since in kept["geheim"]
    )
    return Archive(references, secrets)

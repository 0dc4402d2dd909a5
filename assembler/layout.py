"""Where a build puts things: the names under ``build/``, and what its records say of them.

::

    build/<meeting>/agenda.pdf, vergaderbundel.pdf, …     MEETING_OUTPUTS
    build/<meeting>/<nn>-<kenmerk>-<folder>/bundel.pdf    output_folder_name, BUNDLE_FILE
    build/<meeting>/export/openbaar/manifest.json          EXPORT_DIR, EXPORT_PUBLIC_MANIFEST
    build/.cache/<meeting>/<folder>.json                   dossier_record
    build/.cache/<meeting>/_vergadering.json               meeting_record
    build/<meeting>/.pakketbronnen.json                    export_record

Shared by the build orchestrator, its withdrawals and the export, which write the outputs
there; the stages they call write only into the staging folders they are given, and caches
keep their answers in ``build/.cache``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler.fsutil import read_json
from assembler.project import Project

if TYPE_CHECKING:
    from assembler.inputs import AgendaItem, DossierInput, MeetingInput
    from assembler.model import Vergadering


def output_folder_name(item: AgendaItem, dossier: DossierInput) -> str:
    """``02-23.0001772-werklocaties``: agenda number (``102-`` on an agenda of 100 items or
    more, see AgendaItem.width), kenmerk, folder."""
    # An organisation's own kenmerkpatroon may allow "Z/23/1234": one folder all the same.
    reference = re.sub(r"[/\\]", "-", dossier.document.reference)
    return f"{item.padded}-{reference}-{dossier.name}"


PUBLIC_AGENDA = "agenda"
"""The public agenda, without its suffix: ``agenda.docx`` and ``agenda.pdf``."""
FULL_AGENDA = "agenda-niet-openbaar"
"""The agenda that shows every item, without its suffix."""
PUBLIC_MEETING_BUNDLE = "vergaderbundel.pdf"
FULL_MEETING_BUNDLE = "vergaderbundel-niet-openbaar.pdf"
MEETING_OUTPUTS = (
    f"{PUBLIC_AGENDA}.docx",
    f"{PUBLIC_AGENDA}.pdf",
    f"{FULL_AGENDA}.docx",
    f"{FULL_AGENDA}.pdf",
    PUBLIC_MEETING_BUNDLE,
    FULL_MEETING_BUNDLE,
)

# The form of an export package's manifest.json (docs/manifest.md). Here, not in package.py:
# the build's withdrawals read a package back and must not import the export's orchestrator.
MANIFEST_VERSION = "3"

EXPORT_DIR = "export"
"""The folder in ``build/<meeting>/`` that ``assembler export`` writes the package to."""
EXPORT_PUBLIC_MANIFEST = "openbaar/manifest.json"
"""Where in ``EXPORT_DIR`` the public side's manifest is (package.py writes it)."""
OLD_EXPORT_PREFIX = ".export-old-"
"""Beside ``EXPORT_DIR``: the previous package, set aside while a new one is swapped in."""
MEETING_DOCUMENTS = tuple(name for name in MEETING_OUTPUTS if name.endswith(".docx"))
"""What a meeting gets from ``build --geen-pdf``."""
# What a meeting shows of its items to anyone: a confidential item only as "Niet openbaar".
PUBLIC_MEETING_OUTPUTS = (f"{PUBLIC_AGENDA}.docx", f"{PUBLIC_AGENDA}.pdf", PUBLIC_MEETING_BUNDLE)

# What a meeting document is called, by its name without suffix, and whether it is the
# confidential one. That one says so first, and a cancelled meeting's say that: a reader's tab
# (DisplayDocTitle) shows the start of a title, and those must not look like the others there.
_MEETING_DOCUMENT_KINDS = {
    PUBLIC_AGENDA: ("Agenda", False),
    FULL_AGENDA: ("Agenda", True),
    Path(PUBLIC_MEETING_BUNDLE).stem: ("Vergaderbundel", False),
    Path(FULL_MEETING_BUNDLE).stem: ("Vergaderbundel", True),
}


def meeting_document_title(stem: str, meeting: Vergadering) -> str:
    """``Agenda (niet openbaar) Portefeuillehoudersoverleg Economie 26 mei 2023``: a meeting
    document's title (``stem``: its file name without suffix) in its PDF and its export alike;
    ``Agenda (niet openbaar, geannuleerd) …`` when the meeting does not go ahead."""
    from assembler.dates import dutch_date

    word, confidential = _MEETING_DOCUMENT_KINDS[stem]
    marks = (["niet openbaar"] if confidential else []) + (
        ["geannuleerd"] if meeting.cancelled else []
    )
    kind = f"{word} ({', '.join(marks)})" if marks else word
    day = dutch_date(meeting.date)
    # Within the export's limit, the overleg cut, not the date that tells two meetings apart.
    overleg = shorten(meeting.meeting, TITLE_LIMIT - len(kind) - len(day) - 2)
    return f"{kind} {overleg} {day}"


TITLE_LIMIT = 200
"""The most characters of a document's title in an export (ODS ``InformatieObject.titel``)."""


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word with "…" when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.–-") + "…"


OUTPUT_DIR_PATTERN = re.compile(r"^\d{2}-.+")
"""A dossier's output folder in ``build/<meeting>/`` (see output_folder_name)."""


BUNDLE_FILE = "bundel.pdf"
"""A dossier's bundle (its document and annexes) in its output folder."""


def document_pdf(output_dir: Path, dossier: DossierInput) -> Path:
    """Where a dossier's own document's PDF is: named after its kind (voorstel.pdf, memo.pdf)."""
    return output_dir / f"{dossier.document.kind}.pdf"


def annex_pdf(output_dir: Path, dossier: DossierInput, index: int) -> Path:
    """Where the PDF of annex ``index`` is: the file itself, or its conversion in ``output_dir``."""
    from assembler.inputs import OFFICE_SUFFIXES

    source = dossier.annex_path(index)
    if source.suffix.lower() in OFFICE_SUFFIXES:
        return output_dir / f"bijlage-{index + 1}.pdf"
    return source


MEETING_RECORD = "_vergadering.json"
EXPORT_RECORD = ".pakketbronnen.json"
"""Beside the package in ``build/<meeting>/``: what it was made from (see export_record)."""


def dossier_record(project: Project, meeting: str, folder: str) -> Path:
    """The cache record of a dossier's outputs: key, folder, files, public or not, warnings."""
    return project.cache / meeting / f"{folder}.json"


def meeting_record(project: Project, meeting: str) -> Path:
    """The cache record of a meeting's agendas and bundles: key, items shown in full."""
    return project.cache / meeting / MEETING_RECORD


def export_record(project: Project, meeting: str) -> Path:
    """What a meeting's export package was made from: each source file's SHA-256 and page
    digest, and the organisation settings'. A build compares them with what is there now.

    Kept with the package, not in ``build/.cache``: a cache deleted would leave every package
    judged by file times again, all of them older than the records the next build writes.
    """
    return project.build / meeting / EXPORT_RECORD


def recorded_dir(record: dict[str, Any], meeting_build: Path) -> str:
    """The output folder a dossier's cache record names; while a renumbering is cut short (see
    build_cache.renumber), the one it was being moved from, which still holds the outputs.

    ValueError when it names no folder the build makes: a record edited, or come with a
    project copied from elsewhere, must not send a removal outside ``meeting_build``.
    """
    name = record["dir"]
    if not _output_dir_name(name):
        raise ValueError(f"not an output folder of the build: {name!r}")
    was = record.get("was")
    if (
        isinstance(was, str)
        and _output_dir_name(was)
        and not (meeting_build / name).is_dir()
        and (meeting_build / was).is_dir()
    ):
        return was
    return str(name)


def _output_dir_name(name: object) -> bool:
    """Whether ``name`` is a dossier output folder's own name, not a path (see recorded_dir)."""
    return (
        isinstance(name, str)
        and name == Path(name).name
        and OUTPUT_DIR_PATTERN.match(name) is not None
    )


def previous_outputs(project: Project, meeting: MeetingInput, item: AgendaItem) -> list[Path]:
    """The output folders an earlier build made for the dossier of agenda item ``item``.

    The dossier's cache record names its folder; a folder of an older kenmerk or number is
    not the dossier's any more. Without a record (the cache deleted), folders are found by
    number and name.
    """
    if item.folder_name is None:
        return []
    meeting_build = project.build / meeting.name
    try:
        record = read_json(dossier_record(project, meeting.name, item.folder_name))
        folder = meeting_build / recorded_dir(record, meeting_build)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return sorted(meeting_build.glob(f"{item.padded}-*-{item.folder_name}"))
    return [folder] if folder.is_dir() else []


def meeting_shown_in_full(project: Project, meeting: str) -> set[str] | None:
    """The items a meeting's kept public outputs show in full; None when not known."""
    try:
        record = read_json(meeting_record(project, meeting))
        names = record["openbaar"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(name) for name in names} if isinstance(names, list) else None


def meeting_items_made(project: Project, meeting: str) -> dict[str, str] | None:
    """The key of each item (by output folder) a meeting's kept agendas were made from; None
    when not known (no record, or one of an older assembler)."""
    try:
        record = read_json(meeting_record(project, meeting))
        items = record["punten"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(k): str(v) for k, v in items.items()} if isinstance(items, dict) else None


def dossier_outputs_public(project: Project, meeting: str, folder: str) -> bool:
    """Whether a dossier's kept outputs were made as public ones; True when not known."""
    try:
        record = read_json(dossier_record(project, meeting, folder))
        return bool(record.get("openbaar", True))
    except (OSError, ValueError, AttributeError):
        return True

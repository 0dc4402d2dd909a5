"""The export for agenda systems: per meeting a public and a confidential package.

``build/<meeting>/export/`` gets ``openbaar/`` and ``niet-openbaar/`` (the PDFs, a
``manifest.json`` in the field names of the VNG ODS Open Raadsinformatie schemas, a
``SHA256SUMS``; the public side also a DiWoo ``diwoo-sitemap.xml``) and a zip of each side.

Order of work, so that a failure or a leak leaves nothing half-written:

1. build the selected meetings (incremental, so cheap when nothing changed);
2. plan every meeting: files, names, versions, manifests (validated against
   ``manifest-v3.schema.json``), sitemap (each ``diwoo:Document`` validated against the DiWoo XSD);
3. run the confidentiality gate on all of it (:mod:`assembler.gate`) — nothing is written yet;
4. write each meeting's package to a temporary folder and swap it into place; then record the
   versions in ``dossiers/<meeting>/publicatie.json``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import uuid
import zipfile
from collections.abc import Collection, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import jsonschema  # type: ignore[import-untyped]
import pikepdf
import yaml
from lxml import etree

from assembler import LOCAL_TIME_ZONE, __version__, gate
from assembler.agenda import CONFIDENTIAL_TITLE, purpose
from assembler.build import build_project, recover_exports
from assembler.build_cache import organisation_digest
from assembler.build_report import (
    BuildOptions,
    BuildReport,
    Progress,
    build_lock,
    source_date_epoch_from_env,
)
from assembler.digests import DIGESTS_FILE, FileDigests
from assembler.errors import (
    AssemblerError,
    ConfidentialityViolation,
    ExitCode,
    InputRejected,
    NewerFormat,
    Problem,
    UsageError,
    dutch_list,
    sort_problems,
)
from assembler.fsutil import (
    TEMP_PREFIX,
    file_sha256,
    json_problem,
    not_writable,
    read_json,
    temporary_folder,
    write_cache_text,
    write_text_atomic,
)
from assembler.inputs import BAD_ENTRY, AgendaItem, Catalog, DossierInput, MeetingInput
from assembler.layout import (
    BUNDLE_FILE,
    EXPORT_DIR,
    EXPORT_PUBLIC_MANIFEST,
    FULL_AGENDA,
    FULL_MEETING_BUNDLE,
    MANIFEST_VERSION,
    OLD_EXPORT_PREFIX,
    PUBLIC_AGENDA,
    PUBLIC_MEETING_BUNDLE,
    TITLE_LIMIT,
    annex_pdf,
    document_pdf,
    export_record,
    meeting_document_title,
    output_folder_name,
    shorten,
)
from assembler.model import Organisatie, Voorstel
from assembler.project import DOSSIER_FILE, MEETING_FILE, PUBLICATION_FILE, Project
from assembler.references import plain_dossier
from assembler.source import MAX_BYTES, compose_leniently, field_label
from assembler.terms import (
    MIN_TERM_CHARS_ELSEWHERE,
    Term,
    archived_terms,
    confidential_terms,
    public_words,
    searched,
    squash,
)
from assembler.text_warnings import PLACEHOLDER_LEFT
from assembler.validate import load_catalog

Side = Literal["openbaar", "niet-openbaar"]
PUBLIC: Side = "openbaar"
CONFIDENTIAL: Side = "niet-openbaar"
SIDES: tuple[Side, ...] = (PUBLIC, CONFIDENTIAL)

MANIFEST_SCHEMA = "manifest-v3.schema.json"
# The form of publicatie.json. Raise it whenever that form changes (a key, what a value
# means): an assembler refuses a file of a higher format, which it would misread. 1: the
# first; 2: annex records by file (``…/bijlage:<file>``), agenda items by agendapuntid, the
# published file name (``bestand``) in each record of ``publicaties``, and ``assembler``.
PUBLICATION_FORMAT = 2
# In publicatie.json: the version of the assembler that last wrote it.
WRITER_KEY = "assembler"
MAX_NAME = 100
MEETING_DIGEST = 8  # hex digits of a cut meeting name's digest: 32 bits
MAX_VERSION = 5
# Why an annex changed or went while its dossier stayed on the agenda.
ANNEX_RENUMBERED = "bestandsnaam gewijzigd (ander bijlagenummer)"
ANNEX_REMOVED = "bijlage niet meer bij het dossier"
KIND_CHANGED = "vervangen door een stuk van een ander sjabloon"
_OFF_AGENDA = "niet meer op de agenda"
LANGUAGE = "dut"  # ISO 639-2/B, as the ODS schema asks
TIMEZONE = ZoneInfo(LOCAL_TIME_ZONE)

DIWOO_NS = "https://standaarden.overheid.nl/diwoo/metadata/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
TOOI_KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
DIWOO_CATEGORY = (TOOI_KERN + "c_db4862c3", "vergaderstukken decentrale overheden")
DIWOO_ACTION = (TOOI_KERN + "c_641ecd76", "vaststelling")
DIWOO_LANGUAGE = ("http://publications.europa.eu/resource/authority/language/NLD", "Nederlands")
DIWOO_FORMAT = ("http://publications.europa.eu/resource/authority/file-type/PDF", "PDF")

# Our meeting kinds, recognised at the start of the overleg's name (DESIGN §5: overlegsoort).
_MEETING_KINDS = (
    ("portefeuillehoudersoverleg", "portefeuillehoudersoverleg"),
    ("algemeen bestuur", "algemeen_bestuur"),
    ("dagelijks bestuur", "dagelijks_bestuur"),
    ("bestuurscommissie", "bestuurscommissie"),
)
# The meeting-level documents the build makes, per side.
_MEETING_DOCUMENTS: dict[Side, tuple[tuple[str, str], ...]] = {
    PUBLIC: (
        (PUBLIC_AGENDA, f"{PUBLIC_AGENDA}.pdf"),
        (Path(PUBLIC_MEETING_BUNDLE).stem, PUBLIC_MEETING_BUNDLE),
    ),
    CONFIDENTIAL: (
        (FULL_AGENDA, f"{FULL_AGENDA}.pdf"),
        (Path(FULL_MEETING_BUNDLE).stem, FULL_MEETING_BUNDLE),
    ),
}
"""Per side: (key, file name in build/<meeting>/) of the meeting-level documents."""


# --------------------------------------------------------------------------- names


# What NFKD does not take apart into ASCII and a mark: dashes (Word's en dash in "2024–2027",
# its non-breaking hyphen) and the fraction slash (in "½") would vanish and join the words or
# numbers around them, and these letters
# would be dropped ("Straße" as "strae").
_NOT_DECOMPOSED = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2044\u2215", "-"),
        **{"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th"},
        **{"Þ": "TH", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d"},
        **{"Ð": "D", "ı": "i"},
    }
)


# "1½": NFKD writes "11⁄2"; apart from the number before it, it reads "1 1-2".
_VULGAR_FRACTION = re.compile("([\u00bc-\u00be\u2150-\u215e])")


def _ascii(text: str) -> str:
    """``text`` in ASCII: accents dropped, the letters and dashes above spelled out."""
    apart = _VULGAR_FRACTION.sub(r" \1", text)
    decomposed = unicodedata.normalize("NFKD", apart).translate(_NOT_DECOMPOSED)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    """An ASCII slug: lower case letters and digits joined by single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _safe_part(text: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", _ascii(text).lower()).strip("-.") or "x"


def export_name(number: int, reference: str, part: str, title: str, *, width: int = 2) -> str:
    """``02_23.0001772_voorstel_aanpak-actieplan-werklocaties.pdf``, at most 100 characters;
    the item's number padded to ``width`` digits (AgendaItem.width)."""
    head = f"{number:0{width}d}_{_safe_part(reference)}_{part}_"
    room = MAX_NAME - len(head) - len(".pdf")
    tail = slug(title) or "document"
    if len(tail) > room:
        cut = tail[: room + 1]
        # Cut at a word (a hyphen) when there is one, so the name stays readable.
        tail = cut[: cut.rfind("-")] if "-" in cut[1:] else tail[:room]
        tail = tail.strip("-") or "document"
    return (head + tail)[: MAX_NAME - 4] + ".pdf"


def meeting_document_name(meeting_name: str, key: str, *, width: int = 2) -> str:
    """``00_2023-05-26-pfho-economie_agenda.pdf``: unique under the shared publication URL;
    ``000_`` on an agenda whose items are padded to three digits, so that it sorts first.

    A slug that fits is the name as it always was, so names published before stay. One that
    does not is cut at a word and gets a digest of the whole folder name: two folders that
    differ only after the cut ("…-deel-1", "…-deel-2") would otherwise share every link.
    """
    tail = f"_{key}.pdf"
    zeros = "0" * width
    room = MAX_NAME - len(zeros) - 1 - len(tail)
    whole = slug(meeting_name)
    if len(whole) <= room:
        return f"{zeros}_{whole}{tail}"
    # The name as typed, not as the file system spells it: a copy made on a Mac holds "é" as
    # "e" and an accent (NFD), and would otherwise publish under other names than the original.
    folder = unicodedata.normalize("NFC", meeting_name).encode("utf-8", "surrogateescape")
    digest = "-" + hashlib.sha256(folder).hexdigest()[:MEETING_DIGEST]
    room -= len(digest)
    cut = whole[: room + 1]
    # Cut at a word (a hyphen) when there is one, so the name stays readable.
    head = cut[: cut.rfind("-")] if "-" in cut[1:] else whole[:room]
    return f"{zeros}_{head.strip('-')}{digest}{tail}"


def overlegsoort(meeting_name: str) -> str:
    """Our kind of meeting (``portefeuillehoudersoverleg``) from the overleg's name."""
    lowered = " ".join(meeting_name.lower().split())
    for prefix, kind in _MEETING_KINDS:
        if lowered.startswith(prefix):
            return kind
    return slug(lowered.split(" ")[0]).replace("-", "_") or "overleg"


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ExportDocument:
    """One PDF of a package: where it comes from, its name and its metadata."""

    key: str  # stable key in publicatie.json: "werklocaties/voorstel", "agenda"
    side: Side
    source: Path
    name: str
    role: str  # voorstel, memo, bijlage, agenda, vergaderbundel
    title: str
    number: int | None = None  # agenda item
    annex: int | None = None  # annex number, from 1
    dossier: DossierInput | None = None


@dataclass
class _Facts:
    size: int
    sha256: str
    pages: int
    digest: str


@dataclass
class MeetingExport:
    """The package of one meeting, as planned and (after the export) as written."""

    meeting: MeetingInput
    folder: Path
    documents: list[ExportDocument]
    manifests: dict[Side, dict[str, Any]] = field(default_factory=dict)
    sitemap: bytes = b""
    zips: dict[Side, Path] = field(default_factory=dict)
    publication: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, _Facts] = field(default_factory=dict)
    # The records (publicatie.json keys) this export withdraws: not withdrawn before it.
    withdrawn: list[str] = field(default_factory=list)
    # Per record key withdrawn with its dossier, the meeting whose agenda has that dossier
    # now (verplaatst): for the clerk, also before that meeting's package lists it.
    moved: dict[str, str] = field(default_factory=dict)
    # Per agenda item number, its agendapuntid (see item_ids).
    item_ids: dict[int, str] = field(default_factory=dict)
    # Per record key, its (versie, reden).
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The record keys of documents that get a new version now in a meeting exported before:
    # written since, so the gate searches them for every term (gate.PublicFile.renewed).
    renewed: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The meeting's folder name."""
        return self.meeting.name

    def document(self, key: str, side: Side) -> ExportDocument | None:
        """The document with ``key`` on ``side``, if the package has it."""
        return next((d for d in self.documents if d.key == key and d.side == side), None)


@dataclass
class ExportReport:
    """What the export did: the build it ran, the meetings it packaged, problems it met."""

    build: BuildReport
    meetings: list[MeetingExport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """The highest exit code that applies (DESIGN §6)."""
        code = self.build.exit_code
        if any(p.ernst == "fout" for p in self.problems):
            code = max(code, ExitCode.INPUT_REJECTED)
        return ExitCode(code)


def _dossier_dir(project: Project, meeting: MeetingInput, item: AgendaItem) -> Path:
    assert item.dossier is not None
    return project.build / meeting.name / output_folder_name(item, item.dossier)


def _plan_documents(project: Project, meeting: MeetingInput) -> list[ExportDocument]:
    """Every file of the meeting's package, in agenda order; raise InputRejected when missing."""
    meeting_file = project.display(meeting.folder / MEETING_FILE)
    rejected = [i for i in meeting.items if i.folder_name and i.dossier is None]
    if rejected:
        raise InputRejected(
            f"{meeting_file}: niet geëxporteerd",
            [
                Problem(
                    meeting_file,
                    None,
                    "",
                    # BAD_ENTRY is a placeholder, not a folder: the entry itself was refused.
                    f"niet geëxporteerd: agendapunt {item.number} is ongeldig (zie de meldingen "
                    "hierboven)"
                    if item.folder_name == BAD_ENTRY
                    else f"niet geëxporteerd: dossier '{item.folder_name}' is afgekeurd (herstel "
                    "het dossier en exporteer opnieuw)"
                    if os.path.lexists(meeting.folder / str(item.folder_name))
                    # A typo on the agenda, or a folder gone: the agenda line is what to mend.
                    else f"niet geëxporteerd: de agenda noemt dossiermap '{item.folder_name}', "
                    "die er niet is (zie de meldingen hierboven)",
                )
                for item in rejected
            ],
        )
    documents: list[ExportDocument] = []
    missing: list[Path] = []
    build_dir = project.build / meeting.name
    for side in SIDES:
        for key, file_name in _MEETING_DOCUMENTS[side]:
            # As its PDF says, so a reader and a portal name it alike.
            title = meeting_document_title(key, meeting.meeting)
            documents.append(
                ExportDocument(
                    key,
                    side,
                    build_dir / file_name,
                    meeting_document_name(meeting.name, key, width=meeting.width),
                    key.split("-")[0],
                    title,
                )
            )
    for item in meeting.items:
        dossier = item.dossier
        if dossier is None:
            continue
        document = dossier.document
        side = PUBLIC if document.is_public else CONFIDENTIAL
        output_dir = _dossier_dir(project, meeting, item)
        kind = document.kind
        documents.append(
            ExportDocument(
                f"{dossier.name}/{kind}",
                side,
                document_pdf(output_dir, dossier),
                export_name(
                    item.number, document.reference, kind, document.subject, width=item.width
                ),
                kind,
                document.subject,
                item.number,
                None,
                dossier,
            )
        )
        for index, (annex, key) in enumerate(
            zip(document.annexes, annex_keys(dossier), strict=True)
        ):
            number = index + 1
            documents.append(
                ExportDocument(
                    key,
                    side,
                    annex_pdf(output_dir, dossier, index),
                    export_name(
                        item.number,
                        document.reference,
                        f"bijlage-{number:02d}",
                        annex.description,
                        width=item.width,
                    ),
                    "bijlage",
                    annex.description,
                    item.number,
                    number,
                    dossier,
                )
            )
    missing = [d.source for d in documents if not d.source.is_file()]
    if missing:
        raise InputRejected(
            f"{meeting_file}: niet geëxporteerd",
            [
                Problem(
                    project.display(path),
                    None,
                    "",
                    "ontbreekt, dus de vergadering is niet geëxporteerd (herstel de meldingen "
                    "van de build en exporteer opnieuw)",
                )
                for path in missing
            ],
        )
    _check_unique_names(documents)
    return documents


def annex_keys(dossier: DossierInput) -> list[str]:
    """Per annex its record key: ``<dossier>/bijlage:<file>``, by the file it attaches.

    Not by its number: removing annex 1 gave annex 2's id, versions and history to annex 3's
    content, and withdrew annex 3's id. A file attached twice is told apart by a count.
    """
    keys: list[str] = []
    for annex in dossier.document.annexes:
        # As typed, whatever the file system: a Mac spells "é" as "e" and an accent.
        key = f"{dossier.name}/bijlage:{unicodedata.normalize('NFC', annex.file)}"
        count = sum(1 for k in keys if k == key or k.startswith(f"{key}#"))
        keys.append(f"{key}#{count + 1}" if count else key)
    return keys


def _check_unique_names(documents: Sequence[ExportDocument]) -> None:
    for side in SIDES:
        names = [d.name for d in documents if d.side == side]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        # Names carry agenda number, kenmerk and part, which are unique per meeting; a clash
        # means the naming scheme broke, which is a bug, not a clerk's error.
        assert not duplicates, f"duplicate export names: {duplicates}"


def _pdf_facts(path: Path, kept: gate.KeptFacts | None = None) -> _Facts:
    if kept is not None:
        # An unchanged file is not read: its digest is the build's, its pages an export's.
        facts = kept.pages(path)
        size = path.stat().st_size
        return _Facts(size, kept.digest(path), len(facts.pages), gate.digest_of_pages(facts))
    data = path.read_bytes()
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return _Facts(len(data), hashlib.sha256(data).hexdigest(), pages, gate.content_digest(path))


# --------------------------------------------------------------------------- versions

# The namespace of document ids (a random UUID, fixed once): ids are uuid5 names in it.
_DOCUMENT_IDS = uuid.UUID("6f1d3c52-4b8e-4f5e-9a57-0c2f8e4b7d19")
# The same for agenda item ids.
_ITEM_IDS = uuid.UUID("b3a0e6f4-2c71-4d0e-8f3a-5e9d1c7a2b46")
_DOCUMENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def publication_path(meeting: MeetingInput) -> Path:
    """``dossiers/<meeting>/publicatie.json``: versions and publication ids of a meeting."""
    return meeting.folder / PUBLICATION_FILE


def newer_format(
    project: Project, path: Path, data: object, known: int, *, key: str = "formaat"
) -> NewerFormat | None:
    """The refusal of a kept file whose ``key`` says a higher format than ``known``, naming
    the version that wrote it (``WRITER_KEY``) and this one; None for one this version reads."""
    found = data.get(key) if isinstance(data, dict) else None
    if isinstance(found, bool) or not isinstance(found, int) or found <= known:
        return None
    assert isinstance(data, dict)
    writer = data.get(WRITER_KEY)
    if isinstance(writer, str) and re.fullmatch(r"\d+(\.\d+)*", writer):
        by, update = f"assembler {writer}", f"ten minste versie {writer}"
    else:
        by, update = "een nieuwere assembler", "de nieuwste versie"
    return NewerFormat(
        f"{project.display(path)}: {key}: is geschreven door {by} (formaat {found}), en deze "
        f"assembler {__version__} kent formaat {known} en ouder: hij zou het verkeerd lezen, "
        f"dus er is niets verstuurd of geschreven (werk assembler bij naar {update}, en voer "
        "de opdracht dan opnieuw uit)"
    )


def refuse_newer_publications(project: Project) -> None:
    """Raise NewerFormat for the first publicatie.json in the project that a newer assembler
    wrote: an export reads every meeting's (what went where), a publish its own. One that
    cannot be read is said when its meeting is exported."""
    for path in sorted(project.dossiers.glob(f"*/{PUBLICATION_FILE}")):
        try:
            data = read_json(path)
        except (OSError, ValueError):
            continue
        refused = newer_format(project, path, data, PUBLICATION_FORMAT)
        if refused is not None:
            raise refused


def load_publication(project: Project, meeting: MeetingInput) -> dict[str, Any]:
    """The meeting's publicatie.json, or an empty record; raise UsageError when damaged, and
    NewerFormat when a newer assembler wrote it."""
    path = publication_path(meeting)
    empty: dict[str, Any] = {"formaat": PUBLICATION_FORMAT, "documenten": {}, "publicaties": {}}
    if not path.exists():
        return empty
    try:
        data = read_json(path)
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{project.display(path)}: kan niet gelezen worden: {json_problem(error)} (herstel "
            "het bestand uit git)"
        ) from None
    refused = newer_format(project, path, data, PUBLICATION_FORMAT)
    if refused is not None:
        raise refused
    if not isinstance(data, dict) or not isinstance(data.get("documenten", {}), dict):
        raise UsageError(
            f"{project.display(path)}: heeft niet de verwachte vorm (herstel het bestand uit git)"
        )
    # An older form is read as it is, and taken over as the export writes it.
    data.setdefault("formaat", PUBLICATION_FORMAT)
    data.setdefault("documenten", {})
    data.setdefault("publicaties", {})
    return data


def _refuse_lost_publication(project: Project, meeting: MeetingInput, package: Path) -> None:
    """Raise UsageError when the meeting's publicatie.json is gone but an export package of it
    is there: the export would start every version at 1 again and forget the confidential
    items withdrawn since (their kenmerken and titles are kept only in that file)."""
    path = publication_path(meeting)
    if path.exists() or not any(package.glob("*/manifest.json")):
        return
    raise UsageError(
        f"{project.display(path)}: ontbreekt, maar {project.display(package)} is het pakket van "
        "een eerdere export: zonder dat bestand krijgen alle stukken weer versie 1 en weet de "
        f"export niet meer welke vertrouwelijke punten zijn ingetrokken (zet {PUBLICATION_FILE} "
        "terug uit git of een back-up; is deze vergadering nooit gepubliceerd, verwijder dan "
        f"{project.display(package)})"
    )


def save_publication(meeting: MeetingInput, data: dict[str, Any]) -> None:
    """Write publicatie.json atomically, in a stable order so diffs stay small; in this
    version's format, saying which version wrote it."""
    data["formaat"] = PUBLICATION_FORMAT
    data[WRITER_KEY] = __version__
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = publication_path(meeting)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    write_text_atomic(path, text)


def _next_version(current: str) -> str:
    # isdigit() alone takes "²" (publicatie.json is edited by hand), which int() refuses.
    number = int(current) + 1 if current.isascii() and current.isdigit() else 1
    version = str(number)
    if len(version) > MAX_VERSION:
        raise UsageError(f"versie {version} is langer dan {MAX_VERSION} tekens")
    return version


def _latest_version(*records: dict[str, Any] | None) -> str:
    """The highest version the records of one document (either side) have had."""
    numbers = [
        int(str(record.get("versie")))
        for record in records
        if record is not None
        and str(record.get("versie")).isascii()
        and str(record.get("versie")).isdigit()
    ]
    return str(max(numbers, default=0))


def _record_key(side: Side, key: str) -> str:
    return f"{side}:{key}"


def _known_id(record: dict[str, Any] | None) -> str | None:
    value = record.get("documentid") if isinstance(record, dict) else None
    return value if isinstance(value, str) and _DOCUMENT_ID.fullmatch(value) else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def portable_name(meeting_name: str) -> str:
    """A meeting folder's name as every copy of the project has it: composed (NFC).

    A copy made on a Mac names 'é' as 'e' and an accent; the ids, identifiers and records
    made from the name must be the same for both, or a harvester sees new documents.
    """
    return _nfc(meeting_name)


def _document_id(meeting: str, document: ExportDocument, facts: _Facts) -> str:
    """A new document's id: stable, and telling nothing of the document without its pages.

    Made from what the pages showed when it was first exported, not drawn at random, so that
    two clean exports of the same dossiers give the same package. An id that says nothing
    lets the public side withdraw a document that became confidential without naming it.
    The meeting is part of it: a postponed item's annex is withdrawn from the old meeting
    and new in the next, and an agenda system must not take the new one down.
    """
    return str(
        uuid.uuid5(_DOCUMENT_IDS, f"{portable_name(meeting)}/{document.key}\n{facts.digest}")
    )


def _fresh_id(meeting: str, document: ExportDocument, facts: _Facts, held: set[str]) -> str:
    """A new document's id (see _document_id) that no record in ``held`` has; added to it."""
    made = _document_id(meeting, document, facts)
    count = 0
    while made in held:
        count += 1
        made = str(
            uuid.uuid5(
                _DOCUMENT_IDS, f"{portable_name(meeting)}/{document.key}\n{facts.digest}\n{count}"
            )
        )
    held.add(made)
    return made


def item_ids(
    meeting: MeetingInput, records: dict[str, Any], kept: dict[str, Any]
) -> dict[int, str]:
    """Per agenda item number, an id that stays with the item when others come or go.

    A dossier item's id is made from its main document's id, which is kept in publicatie.json
    (so it follows the dossier through a renamed folder and a move between the sides, and says
    nothing of a confidential item); a loose item's is made once from the meeting and its text
    (the n-th item with that text), so an item whose text is changed is another item, and kept
    in ``kept`` (publicatie.json's ``agendapunten``), so a re-dated meeting folder keeps it.
    """
    ids: dict[int, str] = {}
    seen: dict[str, int] = {}
    for item in meeting.items:
        dossier = item.dossier
        if dossier is not None:
            side = PUBLIC if dossier.document.is_public else CONFIDENTIAL
            record = records[_record_key(side, f"{dossier.name}/{dossier.document.kind}")]
            name = f"dossier\n{record['documentid']}"
        else:
            text = " ".join((item.text or item.folder_name or "").split())
            seen[text] = seen.get(text, 0) + 1
            key = f"{text}\n{seen[text]}"
            known = kept.get(key)
            if not (isinstance(known, str) and _DOCUMENT_ID.fullmatch(known)):
                name = f"{portable_name(meeting.name)}\ntekst\n{text}\n{seen[text]}"
                kept[key] = str(uuid.uuid5(_ITEM_IDS, name))
            ids[item.number] = kept[key]
            continue
        ids[item.number] = str(uuid.uuid5(_ITEM_IDS, name))
    return ids


def _newer_than(record: dict[str, Any] | None, moment: datetime) -> str:
    """When a new version changed: ``moment``, or a second after the version before when that
    is not earlier (a fixed SOURCE_DATE_EPOCH), so that a harvester sees a newer lastmod."""
    try:
        before = datetime.fromisoformat(str((record or {})["gewijzigd"]))
        if before.tzinfo is not None and before >= moment:
            moment = before + timedelta(seconds=1)
    except (KeyError, ValueError):
        pass
    return moment.astimezone(TIMEZONE).isoformat(timespec="seconds")


def _other_dossier(
    record: dict[str, Any] | None, document: ExportDocument, corrected: Collection[str]
) -> bool:
    """True for a record of another dossier that had this folder name: its kenmerk, in the
    file name the record keeps, is not this dossier's, and it was withdrawn or its dossier is
    not one whose kenmerk was corrected (``corrected``, see _kenmerk_corrected). Such a record
    is not taken over: its ids, versions and agenda item would pass to another subject."""
    if record is None or document.dossier is None:
        return False
    kenmerk = _kenmerk_in(record)
    if kenmerk is None or kenmerk == _safe_part(document.dossier.document.reference):
        return False
    return record.get("status") == "ingetrokken" or document.dossier.name not in corrected


def _kenmerk_in(record: dict[str, Any]) -> str | None:
    """The kenmerk, as a file name writes it, of the dossier a record's document was of."""
    parts = str(record.get("bestandsnaam", "")).split("_")
    return parts[1] if len(parts) > 2 else None


def _part_key(key: str) -> str:
    """A document key without its dossier folder: 'voorstel', 'bijlage:kaart.pdf'."""
    return key.partition("/")[2]


def _document_kenmerk(document: ExportDocument) -> str:
    """Its dossier's kenmerk as a file name writes it; '' for a meeting's own document."""
    return _safe_part(document.dossier.document.reference) if document.dossier else ""


@dataclass
class _Unclaimed:
    """Records a document of an export may take as its own under another key, found as
    _update_versions says; each taken once."""

    by_number: dict[str, str]  # record key: an older assembler's record of that annex
    leaving: dict[tuple[str, str], str]  # (side, file name): a record about to go
    by_kenmerk: dict[tuple[str, str, str], str]  # see _by_kenmerk

    def find(
        self, document: ExportDocument, side: Side, current: set[str], records: dict[str, Any]
    ) -> str | None:
        """The record ``document`` had on ``side`` under another key, if it is still free."""
        record_key = _record_key(document.side, document.key)
        key = (
            (self.by_number.get(record_key) if side == document.side else None)
            or self.leaving.get((side, document.name))
            # Its dossier's, under the folder name it had (renamed, or swapped with another's).
            or self.by_kenmerk.get((side, _document_kenmerk(document), _part_key(document.key)))
        )
        # Not one this export wrote already: that is another document's now.
        return key if key is not None and key not in current and key in records else None

    def take(self, key: str) -> None:
        """``key`` is taken: no other document finds it."""
        self.leaving = {where: held for where, held in self.leaving.items() if held != key}
        self.by_kenmerk = {where: held for where, held in self.by_kenmerk.items() if held != key}

    def moved(self, key: str, to: str) -> None:
        """The record at ``key`` was put aside at ``to``."""
        self.by_kenmerk = {
            where: to if held == key else held for where, held in self.by_kenmerk.items()
        }


def _by_kenmerk(
    records: dict[str, Any], kenmerk_now: dict[str, str], corrected: Collection[str]
) -> dict[tuple[str, str, str], str]:
    """Current records under a folder name that another dossier has now, or none, by side,
    kenmerk and part (see _part_key): where a dossier's records are when its folder was
    renamed and the old name taken by another. Not those of a folder whose dossier's kenmerk
    was corrected (``corrected``): they are its own still. One of two alike is no one's."""
    found: dict[tuple[str, str, str], str] = {}
    alike: set[tuple[str, str, str]] = set()
    for key, record in records.items():
        side, _, rest = key.partition(":")
        folder, has_folder, part = rest.partition("/")
        kenmerk = _kenmerk_in(record)
        if not has_folder or kenmerk is None or record.get("status") == "ingetrokken":
            continue
        if kenmerk_now.get(folder) == kenmerk or folder in corrected:
            continue  # its own dossier's still
        where = (side, kenmerk, part)
        if where in found:
            alike.add(where)
        found[where] = key
    return {where: key for where, key in found.items() if where not in alike}


def _kenmerk_corrected(export: MeetingExport, records: dict[str, Any]) -> set[str]:
    """The dossiers (by folder name) whose current records carry another kenmerk but their
    onderwerp: the same dossier, its kenmerk corrected. A new dossier in the folder of one
    withdrawn before the export that would say so has another onderwerp too."""
    corrected = set()
    for dossier in export.meeting.dossiers:
        reference = _safe_part(dossier.document.reference)
        kept = []
        for key, record in records.items():
            _side, _, rest = key.partition(":")
            folder, _, document_key = rest.partition("/")
            if folder != dossier.name or document_key.startswith("bijlage"):
                continue
            kenmerk = _kenmerk_in(record)
            if record.get("status") != "ingetrokken" and kenmerk is not None:
                kept.append((kenmerk, record.get("titel")))
        subject = dossier.document.subject
        other = kept and all(kenmerk != reference for kenmerk, _ in kept)
        if other and any(title == subject for _, title in kept):
            corrected.add(dossier.name)
    return corrected


_NUMBERED_ANNEX = re.compile(r"(?P<dossier>[^:]+)/bijlage-\d+")


def _annexes_by_number(
    export: MeetingExport, records: dict[str, Any], wanted: set[str]
) -> dict[str, str]:
    """Per annex record key, the record an older assembler kept for it by number
    (``<dossier>/bijlage-NN``), to take over.

    Found by what stays when numbers change: the side, the dossier (its folder and kenmerk),
    and then the annex's content, else its description, each only when one record alone has
    it. Not by the number or the file name, which holds the item's and the annex's number.
    """
    old: dict[tuple[str, str], list[str]] = {}
    for key, record in records.items():
        side, _, rest = key.partition(":")
        found = _NUMBERED_ANNEX.fullmatch(rest)
        parts = str(record.get("bestandsnaam", "")).split("_")
        if found and key not in wanted and record.get("status") != "ingetrokken" and len(parts) > 2:
            old.setdefault((side, found["dossier"]), []).append(key)
    taken: dict[str, str] = {}
    for field_name in ("inhoud", "titel"):
        for document in export.documents:
            dossier = document.dossier
            record_key = _record_key(document.side, document.key)
            if document.annex is None or dossier is None or record_key in taken:
                continue
            if record_key in records:
                continue
            value = export.facts[record_key].digest if field_name == "inhoud" else document.title
            reference = _safe_part(dossier.document.reference)
            candidates = [
                key
                for key in old.get((document.side, dossier.name), [])
                if key not in taken.values()
                and str(records[key].get("bestandsnaam")).split("_")[1] == reference
            ]
            matches = [key for key in candidates if records[key].get(field_name) == value]
            alike = [
                d
                for d in export.documents
                if d.annex is not None
                and d.dossier is dossier
                and d.side == document.side
                and (
                    export.facts[_record_key(d.side, d.key)].digest
                    if field_name == "inhoud"
                    else d.title
                )
                == value
            ]
            if len(matches) == 1 and len(alike) == 1:
                taken[record_key] = matches[0]
    return taken


def _update_versions(
    export: MeetingExport, records: dict[str, Any], moment: datetime
) -> tuple[dict[str, tuple[str, str]], dict[str, Any], dict[str, str]]:
    """New records, per document its (versie, reden), and the records renamed (old key: new).

    A record keeps when its document last changed (``gewijzigd``, ``moment`` for a new
    version): the sitemap's ``lastmod``, by which the Woo-harvester knows to fetch it again.
    A document whose dossier folder was renamed keeps its record: same side, and the same file
    name or its dossier's kenmerk (see _by_kenmerk).
    """
    changed_at = _newer_than(None, moment)
    updated: dict[str, Any] = {k: dict(v) for k, v in records.items() if isinstance(v, dict)}
    versions: dict[str, tuple[str, str]] = {}
    current: set[str] = set()
    wanted = {_record_key(d.side, d.key) for d in export.documents}
    # Records of this meeting's documents that are about to go, by side and file name.
    leaving = {
        (key.partition(":")[0], str(record.get("bestandsnaam"))): key
        for key, record in updated.items()
        if key not in wanted and record.get("status") != "ingetrokken"
    }
    corrected = _kenmerk_corrected(export, updated)
    # A new document's id may not be one a record holds (another dossier's, set aside under
    # the same key with the same pages): the manifest would list it current and withdrawn.
    ids_held = {known for record in updated.values() if (known := _known_id(record))}
    # Records of another dossier that had a folder name now on the agenda, put aside.
    aside_keys: set[str] = set()
    renamed: dict[str, str] = {}
    kenmerk_now = {d.name: _safe_part(d.document.reference) for d in export.meeting.dossiers}
    unclaimed = _Unclaimed(
        _annexes_by_number(export, updated, wanted),
        leaving,
        _by_kenmerk(updated, kenmerk_now, corrected),
    )
    # Records of the other side a renamed dossier's documents took as theirs (_Unclaimed.find).
    crossed_keys: set[str] = set()
    for document in export.documents:
        record_key = _record_key(document.side, document.key)
        current.add(record_key)
        facts = export.facts[record_key]
        old = updated.get(record_key)
        other_side = _record_key(
            PUBLIC if document.side == CONFIDENTIAL else CONFIDENTIAL, document.key
        )
        moved = updated.get(other_side)
        if _other_dossier(moved, document, corrected):
            moved = None
        # One document id on both sides is one document: withdrawn from this side under a
        # kenmerk corrected since, it is no other dossier's.
        same = _known_id(moved) is not None and _known_id(moved) == _known_id(old)
        if not same and _other_dossier(old, document, corrected):
            # Its withdrawal stays listed, and what was published of it is withdrawn.
            aside = f"{record_key}@{_known_id(old) or 'ingetrokken'}"
            updated[aside] = updated.pop(record_key)
            renamed[record_key] = aside
            aside_keys.add(aside)
            unclaimed.moved(record_key, aside)
            old = None

        before = (
            unclaimed.find(document, document.side, current, updated)
            if old is None and moved is None
            else None
        )
        if before is not None:
            unclaimed.take(before)
            aside_keys.discard(before)
            old = updated.pop(before)
            renamed[before] = record_key
        elif moved is None and (old is None or old.get("status") == "ingetrokken"):
            # Renamed and moved to the other side at once (maybe back to a side it was withdrawn
            # from): its record there, under the old name.
            other = PUBLIC if document.side == CONFIDENTIAL else CONFIDENTIAL
            crossed = unclaimed.find(document, other, current, updated)
            if crossed is not None:
                unclaimed.take(crossed)
                aside_keys.discard(crossed)
                moved = updated[crossed]
                crossed_keys.add(crossed)
        # One document id, one count of versions, whichever side the document was on.
        latest = _latest_version(old, moved)
        moved_here = moved is not None and moved.get("status") != "ingetrokken"
        if moved_here and (old is None or old.get("status") == "ingetrokken"):
            version = _next_version(latest)
            reason = "nu openbaar" if document.side == PUBLIC else "niet meer openbaar"
        elif old is None:
            version, reason = "1", "eerste versie"
        elif old.get("status") == "ingetrokken":
            version, reason = _next_version(latest), "weer op de agenda"
        elif old.get("inhoud") != facts.digest:
            version, reason = _next_version(str(old.get("versie", "0"))), "inhoud gewijzigd"
        elif old.get("titel") != document.title:
            version, reason = _next_version(str(old.get("versie", "0"))), "titel gewijzigd"
        elif old.get("bestandsnaam") != document.name:
            version = _next_version(str(old.get("versie", "0")))
            reason = "bestandsnaam gewijzigd (ander agendapunt of onderwerp)"
            if document.annex is not None and (
                f"_bijlage-{document.annex:02d}_" not in str(old.get("bestandsnaam"))
            ):
                reason = ANNEX_RENUMBERED
        else:
            version, reason = str(old.get("versie", "1")), str(old.get("reden", "eerste versie"))
        unchanged = old is not None and version == str(old.get("versie"))
        updated[record_key] = {
            # Kept for ever, and taken along to the other side when the document moves.
            "documentid": _known_id(old)
            or _known_id(moved)
            or _fresh_id(export.meeting.name, document, facts, ids_held),
            "zijde": document.side,
            "versie": version,
            "reden": reason,
            "inhoud": facts.digest,
            "titel": document.title,
            "bestandsnaam": document.name,
            "status": "actueel",
            "gewijzigd": str((old or {}).get("gewijzigd") or changed_at)
            if unchanged
            else _newer_than(old or moved, moment),
        }
        versions[record_key] = (version, reason)
    side_now = {
        d.name: PUBLIC if d.document.is_public else CONFIDENTIAL for d in export.meeting.dossiers
    }
    for record_key, record in updated.items():
        if record_key in current or record.get("status") == "ingetrokken":
            continue
        side, _, key = record_key.partition(":")
        moved_to = _record_key(PUBLIC if side == CONFIDENTIAL else CONFIDENTIAL, key)
        dossier, _, document_key = key.partition("/")
        record["status"] = "ingetrokken"
        if record_key in crossed_keys:
            record["reden"] = "niet meer openbaar" if side == PUBLIC else "nu openbaar"
        elif (
            record_key in aside_keys
            or dossier not in kenmerk_now
            # Another dossier's, whose folder name a new one has now (on either side).
            or (
                dossier not in corrected and _kenmerk_in(record) not in (None, kenmerk_now[dossier])
            )
        ):
            record["reden"] = _OFF_AGENDA
        elif moved_to in current or side_now[dossier] != side:
            # Its dossier went to the other side: said as that, whatever else changed with it
            # (a kind, an annex), as the public side may know no more.
            record["reden"] = "niet meer openbaar" if side == PUBLIC else "nu openbaar"
        elif document_key.startswith("bijlage"):
            record["reden"] = ANNEX_REMOVED
        else:
            record["reden"] = KIND_CHANGED  # its dossier's document is another kind now
    return versions, updated, renamed


# --------------------------------------------------------------------------- manifests


def _vergadering(meeting: MeetingInput, organisation: Organisatie) -> dict[str, Any]:
    data = meeting.meeting
    hour, minute = (int(part) for part in data.start.split(":"))
    start = datetime(data.date.year, data.date.month, data.date.day, hour, minute, tzinfo=TIMEZONE)
    return {
        "naam": shorten(data.meeting, 100),
        "vergaderdatum": data.date.isoformat(),
        "geplandeVergaderdatum": data.date.isoformat(),
        "geplandeAanvangVergadering": start.isoformat(),
        "locatie": shorten(data.location, 100),
        "vergaderingstype": organisation.meeting_type,
        "status": "geannuleerd" if data.cancelled else "gepland",
        "overlegsoort": overlegsoort(data.meeting),
    }


def _agendapunt(
    item: AgendaItem, meeting: MeetingInput, side: Side, item_id: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "agendapuntid": item_id,
        "agendapuntvolgnummer": str(item.number),
        "agendapuntKenmerk": str(item.number),
    }
    dossier = item.dossier
    if dossier is None:
        entry["agendapuntTitel"] = shorten(item.text or "", 100)
        if len(" ".join((item.text or "").split())) > 100:
            entry["agendapuntOmschrijving"] = item.text
        entry["indicatorBesloten"] = False
        return entry
    document = dossier.document
    hidden = side == PUBLIC and not document.is_public
    if hidden:
        entry["agendapuntTitel"] = CONFIDENTIAL_TITLE
    else:
        entry["agendapuntTitel"] = shorten(document.subject, 100)
        entry["agendapuntOmschrijving"] = document.subject
        entry["behandeling"] = purpose(item, meeting)
    entry["indicatorBesloten"] = not document.is_public
    entry["verspreiden"] = document.distribution.value
    return entry


def _informatieobject(
    document: ExportDocument,
    facts: _Facts,
    version: tuple[str, str],
    record: dict[str, Any],
    organisation: Organisatie,
    item_id: str | None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "documentid": record["documentid"],
        "titel": shorten(document.title, TITLE_LIMIT),
    }
    dossier = document.dossier
    if dossier is not None:
        source = dossier.document
        if document.role == "bijlage":
            entry["informatieobjecttype"] = source.ods_annex_type
            entry["omschrijving"] = f"Bijlage {document.annex} bij {source.reference}"
        else:
            entry["informatieobjecttype"] = source.ods_type
            if isinstance(source, Voorstel) and source.portfolio_holder:
                entry["portefeuillehouder"] = shorten(source.portfolio_holder, 100)
        entry["creatiedatum"] = source.date.isoformat()
    entry["versie"] = version[0]
    entry["vertrouwelijkheidsaanduiding"] = (
        "openbaar" if document.side == PUBLIC else "vertrouwelijk"
    )
    entry["taal"] = LANGUAGE
    entry["auteur"] = shorten(organisation.name, 200)
    if document.side == PUBLIC:
        entry["link"] = organisation.publication_url + document.name
    entry["rol"] = document.role
    if dossier is not None:
        entry["kenmerk"] = dossier.document.reference
        entry["verspreiden"] = dossier.document.distribution.value
    if document.number is not None:
        entry["agendapunt"] = str(document.number)
    if item_id is not None:
        entry["agendapuntid"] = item_id
    if document.annex is not None:
        entry["bijlagenummer"] = document.annex
    entry.update(
        bestandsnaam=document.name,
        mimetype="application/pdf",
        bestandsgrootte=facts.size,
        sha256=facts.sha256,
        paginas=facts.pages,
        versiereden=version[1],
    )
    return entry


def _withdrawn(records: dict[str, Any], side: Side) -> list[dict[str, Any]]:
    entries = []
    for record_key, record in sorted(records.items()):
        record_side = record_key.partition(":")[0]
        if record_side != side or record.get("status") != "ingetrokken":
            continue
        entry: dict[str, Any] = {"versie": str(record.get("versie", "1"))}
        if _known_id(record):
            entry["documentid"] = record["documentid"]
        # A document that became confidential is withdrawn from the public side without
        # naming it again: its name and title are confidential now. So is one of a dossier
        # not known to be public (see _hide_withdrawn).
        if not record.get("verborgen"):
            entry["bestandsnaam"] = str(record.get("bestandsnaam", ""))
            entry["titel"] = shorten(str(record.get("titel", "")), TITLE_LIMIT)
        entry["reden"] = str(record.get("reden", "niet meer op de agenda"))
        entries.append(entry)
    return entries


@lru_cache(maxsize=1)
def manifest_schema() -> dict[str, Any]:
    """The JSON Schema of manifest.json (shipped with the package)."""
    path = resources.files("assembler") / "data" / "standards" / MANIFEST_SCHEMA
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def validate_manifest(manifest: dict[str, Any]) -> None:
    """Raise UsageError when ``manifest`` does not match the manifest schema."""
    validator = jsonschema.Draft202012Validator(
        manifest_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    if errors:
        details = [
            Problem(
                "manifest.json",
                None,
                "/".join(str(p) for p in error.absolute_path),
                error.message,
            )
            for error in errors
        ]
        raise UsageError(
            f"het manifest voldoet niet aan {MANIFEST_SCHEMA} (dit is een fout in "
            "assembler; meld het)",
            details,
        )


def _manifest(
    export: MeetingExport,
    side: Side,
    organisation: Organisatie,
    versions: dict[str, tuple[str, str]],
    records: dict[str, Any],
) -> dict[str, Any]:
    meeting = export.meeting
    return {
        "manifestversie": MANIFEST_VERSION,
        "zijde": side,
        "organisatie": {"naam": organisation.name, "tooi": organisation.tooi},
        "vergadering": _vergadering(meeting, organisation),
        "agendapunten": [
            _agendapunt(item, meeting, side, export.item_ids[item.number]) for item in meeting.items
        ],
        "informatieobjecten": [
            _informatieobject(
                document,
                export.facts[_record_key(side, document.key)],
                versions[_record_key(side, document.key)],
                records[_record_key(side, document.key)],
                organisation,
                None if document.number is None else export.item_ids[document.number],
            )
            for document in export.documents
            if document.side == side
        ],
        "ingetrokken": _withdrawn(records, side),
    }


def render_json(data: dict[str, Any]) -> str:
    """JSON as written in the package: stable key order, UTF-8, readable."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- DiWoo


@lru_cache(maxsize=1)
def diwoo_schema() -> etree.XMLSchema:
    """The DiWoo metadata XSD (offline copy, vendored in assembler/data/standards)."""
    folder = resources.files("assembler") / "data" / "standards"
    with resources.as_file(folder / "diwoo-metadata-offline.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def _diwoo(tag: str) -> str:
    return f"{{{DIWOO_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, _diwoo(tag), attrs)
    if text is not None:
        element.text = text
    return element


def diwoo_document(
    document: ExportDocument, documentid: str, meeting: MeetingInput, organisation: Organisatie
) -> etree._Element:
    """The ``diwoo:Document`` of one public document."""
    root = etree.Element(_diwoo("Document"), nsmap={"diwoo": DIWOO_NS})
    diwoo = _sub(root, "DiWoo")
    identifiers = _sub(diwoo, "identifiers")
    # First the manifest's documentid: it stays with the document and never names another.
    # The readable one below shifts with an annex taken off or a meeting folder renamed.
    _sub(identifiers, "identifier", documentid)
    dossier = document.dossier
    if dossier is not None:
        identifier = dossier.document.reference
        if document.annex is not None:
            identifier += f"-bijlage-{document.annex:02d}"
    else:
        identifier = f"{portable_name(meeting.name)}-{document.key}"
    _sub(identifiers, "identifier", identifier)
    _sub(diwoo, "publisher", organisation.name, resource=organisation.tooi)
    titles = _sub(diwoo, "titelcollectie")
    _sub(titles, "officieleTitel", document.title)
    classification = _sub(diwoo, "classificatiecollectie")
    categories = _sub(classification, "informatiecategorieen")
    _sub(categories, "informatiecategorie", DIWOO_CATEGORY[1], resource=DIWOO_CATEGORY[0])
    if dossier is not None:
        _sub(diwoo, "creatiedatum", dossier.document.date.isoformat())
    _sub(diwoo, "language", DIWOO_LANGUAGE[1], resource=DIWOO_LANGUAGE[0])
    _sub(diwoo, "format", DIWOO_FORMAT[1], resource=DIWOO_FORMAT[0])
    actions = _sub(diwoo, "documenthandelingen")
    action = _sub(actions, "documenthandeling")
    _sub(action, "soortHandeling", DIWOO_ACTION[1], resource=DIWOO_ACTION[0])
    _sub(action, "atTime", _vergadering(meeting, organisation)["geplandeAanvangVergadering"])
    _sub(action, "wasAssociatedWith", organisation.name, resource=organisation.tooi)
    return root


def validate_diwoo(element: etree._Element, label: str) -> None:
    """Raise UsageError when a ``diwoo:Document`` does not validate against the DiWoo XSD."""
    schema = diwoo_schema()
    standalone = etree.fromstring(etree.tostring(element))
    if not schema.validate(standalone):
        messages = "; ".join(f"regel {e.line}: {e.message}" for e in list(schema.error_log))  # type: ignore[call-overload]
        raise UsageError(
            f"{label}: de DiWoo-metadata voldoen niet aan het DiWoo-schema: {messages} "
            "(controleer tooi in organisatie.yaml)"
        )


def diwoo_sitemap(export: MeetingExport, organisation: Organisatie) -> bytes:
    """The sitemap of the public documents, each entry with a validated ``diwoo:Document``."""
    urlset = etree.Element(
        f"{{{SITEMAP_NS}}}urlset",
        nsmap={None: SITEMAP_NS, "diwoo": DIWOO_NS},  # type: ignore[dict-item]
    )
    for document in export.documents:
        if document.side != PUBLIC:
            continue
        url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = (
            organisation.publication_url + document.name
        )
        record = export.publication["documenten"][_record_key(document.side, document.key)]
        etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = record["gewijzigd"]
        element = diwoo_document(document, record["documentid"], export.meeting, organisation)
        validate_diwoo(element, f"openbaar/{document.name}")
        url.append(element)
    data: bytes = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


# --------------------------------------------------------------------------- writing


def _sha256sums(entries: dict[str, bytes | Path]) -> str:
    lines = []
    for name in sorted(entries):
        value = entries[name]
        digest = (
            hashlib.sha256(value).hexdigest() if isinstance(value, bytes) else file_sha256(value)
        )
        lines.append(f"{digest}  {name}\n")
    return "".join(lines)


def _side_entries(export: MeetingExport, side: Side) -> dict[str, bytes | Path]:
    entries: dict[str, bytes | Path] = {
        d.name: d.source for d in export.documents if d.side == side
    }
    entries["manifest.json"] = render_json(export.manifests[side]).encode("utf-8")
    if side == PUBLIC:
        entries["diwoo-sitemap.xml"] = export.sitemap
    entries["SHA256SUMS"] = _sha256sums(entries).encode("utf-8")
    return entries


def safe_entry_name(name: str) -> bool:
    """True for a zip entry name without ``..``, absolute paths, drive letters or backslashes."""
    return bool(
        name
        and "\\" not in name
        and not name.startswith("/")
        and ".." not in name.split("/")
        and not re.match(r"^[A-Za-z]:", name)
    )


# What a zip entry is copied in: a meeting's annexes can be gigabytes of scans.
_ZIP_CHUNK = 1 << 20


def write_zip(target: Path, entries: dict[str, bytes | Path], moment: datetime) -> None:
    """Write a reproducible zip to ``target``: entries sorted, one fixed date, fixed
    permissions; files are streamed, never held whole."""
    stamp = max(moment, datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(entries):
            if not safe_entry_name(name):
                raise ValueError(f"unsafe zip entry name: {name!r}")
            info = zipfile.ZipInfo(name, date_time=stamp)
            # A PDF is compressed inside already: deflating it again saved a percent or two and
            # took most of an export's time (a meeting of scanned annexes: a minute).
            is_pdf = name.lower().endswith(".pdf")
            info.compress_type = zipfile.ZIP_STORED if is_pdf else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            value = entries[name]
            if isinstance(value, bytes):
                archive.writestr(info, value)
                continue
            with open(value, "rb") as source:
                info.file_size = os.fstat(source.fileno()).st_size  # zip64 when it needs it
                with archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, _ZIP_CHUNK)


def _zip_moment(meeting: MeetingInput, epoch: int | None) -> datetime:
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC)
    day: date = meeting.meeting.date
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# A package is written beside export/ and swapped in; the previous one waits aside meanwhile.
# A half-written one has the build's temporary prefix, so the build's clean-up removes it.
_TEMP_EXPORT = TEMP_PREFIX + "export-"


def _remember_sources(project: Project, organisation: Organisatie, export: MeetingExport) -> None:
    """Keep what the package was made from, so a build can tell when it is behind: by content,
    not file times (a forced build writes the same outputs anew)."""
    facts = {
        project.display(document.source): export.facts[_record_key(document.side, document.key)]
        for document in export.documents
    }
    record = {
        "bronnen": {path: fact.sha256 for path, fact in facts.items()},
        "inhoud": {path: fact.digest for path, fact in facts.items()},
        "organisatie": organisation_digest(organisation),
    }
    write_cache_text(export_record(project, export.name), json.dumps(record, sort_keys=True) + "\n")


def _write_package(export: MeetingExport, epoch: int | None) -> None:
    """Write the package into a temporary folder, then swap it into place."""
    parent = export.folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temp = temporary_folder(parent, _TEMP_EXPORT)
    except OSError as error:
        raise not_writable(parent, error, "exporteer") from None
    old = parent / f"{OLD_EXPORT_PREFIX}{os.getpid()}"
    try:
        moment = _zip_moment(export.meeting, epoch)
        for side in SIDES:
            entries = _side_entries(export, side)
            folder = temp / side
            folder.mkdir()
            for name, value in entries.items():
                target = folder / name
                if isinstance(value, bytes):
                    target.write_bytes(value)
                else:
                    shutil.copyfile(value, target)
            write_zip(temp / f"{export.name}-{side}.zip", entries, moment)
        for path in temp.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        shutil.rmtree(old, ignore_errors=True)
        if export.folder.exists():
            os.replace(export.folder, old)
        os.replace(temp, export.folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        shutil.rmtree(temp, ignore_errors=True)
        if old.exists() and not export.folder.exists():
            os.replace(old, export.folder)
        raise not_writable(export.folder, error, "exporteer") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    export.zips = {side: export.folder / f"{export.name}-{side}.zip" for side in SIDES}


# --------------------------------------------------------------------------- the audit


def _dossier_sources(
    project: Project, catalog: Catalog, public: bool
) -> list[tuple[DossierInput, list[Path]]]:
    found = []
    for meeting in catalog.meetings:
        for item in meeting.items:
            dossier = item.dossier
            if dossier is None or dossier.document.is_public != public:
                continue
            output_dir = _dossier_dir(project, meeting, item)
            paths = [document_pdf(output_dir, dossier), output_dir / BUNDLE_FILE]
            paths += [
                annex_pdf(output_dir, dossier, i) for i in range(len(dossier.document.annexes))
            ]
            found.append((dossier, [p for p in paths if p.is_file()]))
    return found


def _secrets(project: Project, catalog: Catalog) -> tuple[list[gate.SourceFile], list[Term]]:
    files: list[gate.SourceFile] = []
    for _dossier, paths in _dossier_sources(project, catalog, public=False):
        files.extend(gate.SourceFile(p, project.display(p)) for p in paths)
    for meeting in catalog.meetings:
        if any(not d.document.is_public for d in meeting.dossiers):
            for _key, name in _MEETING_DOCUMENTS[CONFIDENTIAL]:
                path = project.build / meeting.name / name
                if path.is_file():
                    files.append(gate.SourceFile(path, project.display(path)))
    return files, confidential_terms(project, catalog.meetings)


def _public_sources(
    project: Project, catalog: Catalog, secret_terms: Sequence[Term]
) -> tuple[list[Path], list[str]]:
    paths = [path for _dossier, found in _dossier_sources(project, catalog, True) for path in found]
    terms = sorted(public_words(catalog.meetings))
    # A loose agenda item's text is on the public agenda, so it is public; but not one that
    # is a confidential dossier's kenmerk, onderwerp or annex description typed again: that
    # is the leak itself.
    titles = set(gate.searched_terms(secret_terms))
    for meeting in catalog.meetings:
        terms += [t.text for t in meeting.items if t.text and squash(t.text) not in titles]
    return paths, terms


def _unloaded_secrets(
    project: Project, full: Catalog
) -> tuple[list[gate.SourceFile], list[Term], list[Problem]]:
    """What the gate must not let through of the dossiers that were not loaded: refused, in
    a meeting folder that was (its name, its vergadering.yaml), or archived.

    Each is read as plain YAML, without resolving anchors or types (its own loader refused
    it, perhaps for those); one that does not plainly say ``verspreiden: Ja`` (every time it
    says it) counts as confidential, and one that cannot be read at all is a problem, since
    nothing can be ruled out for it, but in a hidden folder, which ``check`` does not read.
    An archived meeting's confidential dossiers (read so by validation, see
    references.archived_dossiers) are guarded as when they were not archived, and never stop
    the export: ``check`` no longer reads them.
    """
    loaded = {
        dossier.folder.resolve()
        for meeting in full.everything or full.meetings
        for dossier in meeting.dossiers
    }
    files: list[gate.SourceFile] = []
    terms: list[Term] = []
    unknown: list[Problem] = []
    for path in sorted(project.dossiers.glob(f"*/*/{DOSSIER_FILE}")):
        folder = path.parent
        if folder.resolve() in loaded:
            continue
        # A hidden folder (an archive, a sync tool's) is guarded but never stops the export.
        hidden = any(part.startswith(".") for part in folder.parts[-2:])
        label = project.display(path)
        root: yaml.Node | None = None
        with suppress(OSError):
            if path.stat().st_size <= MAX_BYTES:
                root = compose_leniently(path.read_bytes())
        plain = plain_dossier(root)
        if plain is None:
            continue
        references, titles, annexes, _day = plain
        found = [Term(text, "het kenmerk", label, always=True) for text in references]
        for _index, name in annexes:
            annex = folder / name
            with suppress(OSError, ValueError):
                if annex.is_file() and annex.resolve().is_relative_to(folder.resolve()):
                    files.append(gate.SourceFile(annex, project.display(annex)))
        # Its meeting's date is not known: only a title long enough to be its own.
        found += [
            Term(text, what, label)
            for what, text in titles
            if len(squash(text)) >= MIN_TERM_CHARS_ELSEWHERE
        ]
        if not found and not hidden:
            unknown.append(
                Problem(
                    label,
                    None,
                    "",
                    f"{'noemt geen kenmerk of onderwerp' if root else 'kan niet worden gelezen'}"
                    ", dus kan de export niet nagaan wat de openbare stukken er niet van mogen "
                    "noemen (maak het dossier in orde, of haal de map uit dossiers/)",
                )
            )
        terms += [term for term in found if searched(term.text, always=term.always)]
    terms += archived_terms(project, full.archived, full.everything or full.meetings)
    # Listed when their dossier.yaml was last read (kept while it is unchanged): one gone
    # since is nothing to compare.
    files += [
        gate.SourceFile(Path(annex), project.display(Path(annex)))
        for secret in full.archived
        for _index, annex in secret.annexes
        if os.path.isfile(annex)
    ]
    return files, terms, unknown


# Where the public side's file names are shown, in the gate's message of a leak in them.
_NAMES_SHOWN = f"(in de map {PUBLIC}/, de zip en SHA256SUMS)"


def audit_export(
    project: Project,
    full: Catalog,
    exports: Sequence[MeetingExport],
    kept: gate.KeptFacts | None = None,
) -> list[Problem]:
    """Run the confidentiality gate over the public side of every planned package; return
    its warnings (what it could not read). ``kept``: the gate's facts of earlier exports."""
    secret_files, secret_terms = _secrets(project, full)
    # A dossier not loaded (refused, or in a meeting that was) is guarded all the same.
    unloaded_files, unloaded_terms, unknown = _unloaded_secrets(project, full)
    secret_files += unloaded_files
    secret_terms += unloaded_terms
    public_paths, public_terms = _public_sources(project, full, secret_terms)
    audit = gate.Audit(
        confidential_files=secret_files,
        confidential_terms=secret_terms,
        public_sources=public_paths,
        public_terms=public_terms,
    )
    for export in exports:
        # Texts the package would hold: named in words, as nothing is written when one leaks
        # ("er is niets geschreven"), so no file to open; the files made are named as paths.
        side = f"van de openbare kant van {export.name}"
        names = []
        for document in export.documents:
            if document.side == PUBLIC:
                public = _public_file(project, document, export.name)
                renewed = _record_key(PUBLIC, document.key) in export.renewed
                audit.public_files.append(dataclasses.replace(public, renewed=renewed))
                names.append(document.name)
        audit.public_texts += [
            gate.PublicText(text, label, export.name)
            for text, label in (
                (render_json(export.manifests[PUBLIC]), f"het manifest {side}"),
                (export.sitemap.decode("utf-8"), f"de DiWoo-sitemap {side}"),
                # The same names are in the folder, the zip and SHA256SUMS: one leak, said once.
                ("\n".join(names), f"de bestandsnamen {side} {_NAMES_SHOWN}"),
            )
        ]
    if not unknown:
        return gate.enforce(audit, kept)
    try:
        warnings = gate.enforce(audit, kept)
    except ConfidentialityViolation as stop:
        stop.problems = sorted({*stop.problems, *unknown})
        raise
    raise ConfidentialityViolation(
        f"export gestopt: van {len(unknown)} "
        f"{'dossier' if len(unknown) == 1 else 'dossiers'} is niet na te gaan wat de openbare "
        "stukken er niet van mogen noemen; er is niets geschreven",
        sorted({*warnings, *unknown}),
    )


# --------------------------------------------------------------------------- the export


def _public_file(project: Project, document: ExportDocument, meeting: str) -> gate.PublicFile:
    """A public document for the gate: an annex named by the dossier line that attaches it,
    which is what the clerk mends; the others by the file in build/ that the package would
    copy (the package itself is not written when the gate stops it)."""
    dossier = document.dossier
    if document.role != "bijlage" or dossier is None or document.annex is None:
        return gate.PublicFile(document.source, project.display(document.source), meeting)
    where = ("bijlagen", document.annex - 1, "bestand")
    return gate.PublicFile(
        document.source,
        project.display(dossier.folder / DOSSIER_FILE),
        meeting,
        dossier.source.line_of(where),
        field_label(where),
        received=True,
    )


def _hide_withdrawn(
    records: dict[str, Any], meeting: MeetingInput, secret_terms: Sequence[Term]
) -> None:
    """Mark the withdrawn public documents whose names must not be given again (verborgen).

    Names are given only for dossiers public in this meeting now (an annex taken off): one
    moved away may be confidential where it went, and a folder name says nothing across
    meetings, where several have a punt-01. Nor for a document whose name or title says what
    a confidential dossier says (an annex moved into one, under its description). Once hidden,
    a record stays hidden: a name that was confidential once is not given later because the
    folder is public again.
    """
    named = {d.name for d in meeting.dossiers if d.document.is_public}
    secrets = gate.searched_terms(secret_terms)
    for record_key, record in records.items():
        side, _, key = record_key.partition(":")
        dossier, has_dossier, _document = key.partition("/")
        if side != PUBLIC or record.get("status") != "ingetrokken" or not has_dossier:
            continue
        said = squash(f"{record.get('titel', '')} {record.get('bestandsnaam', '')}")
        if dossier not in named or any(secret in said for secret in secrets):
            record["verborgen"] = True


def _public_listing(records: dict[str, Any]) -> set[tuple[str, str]]:
    """The (dossier folder, kenmerk in its file names) a meeting's public package lists now."""
    listed = set()
    for record_key, record in records.items():
        side, _, key = record_key.partition(":")
        folder, has_folder, _document = key.partition("/")
        parts = str(record.get("bestandsnaam", "")).split("_")
        if side == PUBLIC and has_folder and record.get("status") == "actueel" and len(parts) > 2:
            listed.add((folder, parts[1]))
    return listed


def public_listings(
    project: Project, catalog: Catalog, planned: Sequence[MeetingExport]
) -> dict[str, set[tuple[str, str]]]:
    """Per meeting, what its public package lists: as this export writes it, else as written."""
    listings: dict[str, set[tuple[str, str]]] = {}
    for meeting in catalog.meetings:
        try:
            listings[meeting.name] = _public_listing(
                load_publication(project, meeting)["documenten"]
            )
        except UsageError:
            listings[meeting.name] = set()  # said when that meeting is exported
    for export in planned:
        listings[export.name] = _public_listing(export.publication["documenten"])
    return listings


_MOVED = "verplaatst naar "


def _say_where_moved(
    records: dict[str, Any],
    meeting: MeetingInput,
    catalog: Catalog,
    listings: dict[str, set[tuple[str, str]]],
) -> None:
    """Give a document withdrawn with its dossier the reason ``verplaatst naar <meeting>`` when
    that dossier is on another meeting's agenda now (``assembler verplaats``), worked out anew
    at each export.

    Known by its folder name and its kenmerk (in the file name the record keeps): folder names
    alone repeat across meetings. On the public side only while that meeting's public package
    lists the dossier, and it is public there: the name must not tie an item "Niet openbaar"
    there to what this meeting published, nor announce an agenda that is not public yet. Once
    that meeting itself published the dossier, naming it says nothing new, and if the dossier
    goes confidential there later, its own package withdrew it from the same public item.
    """
    elsewhere: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for other in catalog.meetings:
        if other.name != meeting.name:
            listed = listings.get(other.name, set())
            for dossier in other.dossiers:
                found = (dossier.name, _safe_part(dossier.document.reference))
                shown = dossier.document.is_public and found in listed
                elsewhere.setdefault(found, []).append((other.name, shown))
    for record_key, record in records.items():
        side, _, key = record_key.partition(":")
        folder, has_folder, _document = key.partition("/")
        parts = str(record.get("bestandsnaam", "")).split("_")
        reason = str(record.get("reden", ""))
        if (
            record.get("status") != "ingetrokken"
            or not (reason == _OFF_AGENDA or reason.startswith(_MOVED))
            or not has_folder
            or len(parts) < 3
        ):
            continue
        record["reden"] = _OFF_AGENDA
        for name, shown in sorted(elsewhere.get((folder, parts[1]), [])):
            if shown or side == CONFIDENTIAL:
                record["reden"] = shorten(f"{_MOVED}{name}", 200)
                break


def _moved_now(records: dict[str, Any], meeting: MeetingInput, catalog: Catalog) -> dict[str, str]:
    """Per withdrawn record of a dossier on another meeting's agenda now, public there (by its
    folder and kenmerk, as _say_where_moved finds it), that meeting; whether its package lists
    it yet or not. Only for the terminal, which is not published."""
    now_at: dict[tuple[str, str], str] = {}
    for other in sorted(catalog.everything or catalog.meetings, key=lambda m: m.name):
        if other.name != meeting.name:
            for dossier in other.dossiers:
                # Public there: what is said is of the public side, and its package's.
                if dossier.document.is_public:
                    found = (dossier.name, _safe_part(dossier.document.reference))
                    now_at.setdefault(found, other.name)
    moved = {}
    for record_key, record in records.items():
        folder, has_folder, _document = record_key.partition(":")[2].partition("/")
        parts = str(record.get("bestandsnaam", "")).split("_")
        withdrawn = record.get("status") == "ingetrokken" and has_folder and len(parts) > 2
        if withdrawn and (folder, parts[1]) in now_at:
            moved[record_key] = now_at[(folder, parts[1])]
    return moved


def plan_meeting(
    project: Project, meeting: MeetingInput, moment: datetime, kept: gate.KeptFacts | None = None
) -> MeetingExport:
    """Plan one meeting's package in memory: files, versions, ids (finish_plan does the rest).

    ``moment`` is when a document that changed now counts as changed; ``kept``: the facts of
    the PDFs an earlier export read.
    """
    documents = _plan_documents(project, meeting)
    export = MeetingExport(meeting, project.build / meeting.name / EXPORT_DIR, documents)
    for document in documents:
        key = _record_key(document.side, document.key)
        export.facts[key] = _pdf_facts(document.source, kept)
    _refuse_lost_publication(project, meeting, export.folder)
    publication = load_publication(project, meeting)
    # Which meeting the record belongs to, so that a copy of the folder is told from a rename.
    owner = _meeting_record(publication)
    publication["vergadering"] = {
        "id": owner[0] if owner else str(uuid.uuid4()),
        "map": portable_name(meeting.name),
    }
    before = publication["documenten"]
    versions, records, renamed = _update_versions(export, before, moment)
    origin = {after: first for first, after in renamed.items()}
    export.withdrawn = [
        key
        for key, record in sorted(records.items())
        if record.get("status") == "ingetrokken"
        and (before.get(origin.get(key, key)) or {}).get("status") != "ingetrokken"
    ]
    publication["documenten"] = records
    if before:  # the first export of a meeting held long ago writes nothing anew
        export.renewed = {
            key
            for key, (version, _reason) in versions.items()
            if version != str((before.get(origin.get(key, key)) or {}).get("versie"))
        }
    items = publication.get("agendapunten")
    if not isinstance(items, dict):
        items = {}
    # Text is read composed (NFC) now; an older export kept a Mac-pasted item as typed, and
    # its id must stay with it.
    composed: dict[str, Any] = {}
    for text, kept_id in sorted(items.items(), key=lambda pair: pair[0] != _nfc(pair[0])):
        composed.setdefault(_nfc(text), kept_id)
    items = publication["agendapunten"] = composed
    export.item_ids = item_ids(meeting, records, items)
    # What was published of a renamed record stays the same object on each agenda system.
    for state in publication.get("publicaties", {}).values():
        objects = state.get("informatieobjecten") if isinstance(state, dict) else None
        if isinstance(objects, dict):
            _published_names(objects, before)
            for first, after in renamed.items():
                if first in objects and after not in objects:
                    objects[after] = objects.pop(first)
    export.publication = publication
    export.versions = versions
    return export


def _published_names(objects: dict[str, Any], before: dict[str, Any]) -> None:
    """Give each published document's record (in ``publicaties``) the file name its link
    pointed to, where an assembler before 0.27.0 (formaat 1) kept none: the name its record in
    ``documenten`` had before this export. Every publish exports first, so that is the name the
    last publish sent. Without it, publish could not say to take the old file down from
    publicatie_url once the document is renamed; one with no record is said by publish."""
    for key, known in objects.items():
        record = before.get(key)
        if not isinstance(known, dict) or "bestand" in known or not isinstance(record, dict):
            continue
        name = record.get("bestandsnaam")
        if isinstance(name, str) and name:
            known["bestand"] = name


def finish_plan(
    project: Project,
    catalog: Catalog,
    export: MeetingExport,
    listings: dict[str, set[tuple[str, str]]],
) -> None:
    """Complete a planned package: the reasons for what it withdraws, its manifests, sitemap.

    After every meeting of the export is planned: a postponed item is named where it went by
    what that meeting's package lists (``listings``, see public_listings).
    """
    records = export.publication["documenten"]
    _say_where_moved(records, export.meeting, catalog, listings)
    export.moved = _moved_now(records, export.meeting, catalog)
    organisation = catalog.organisation
    secret_terms = confidential_terms(project, catalog.meetings)  # not the files: names only
    _hide_withdrawn(records, export.meeting, secret_terms)
    for side in SIDES:
        manifest = _manifest(export, side, organisation, export.versions, records)
        validate_manifest(manifest)
        export.manifests[side] = manifest
    export.sitemap = diwoo_sitemap(export, organisation)


def export_meetings(
    project: Project,
    paths: Sequence[Path] = (),
    source_date_epoch: int | None = None,
    progress: Progress | None = None,
    *,
    lock_wait: float = 0.0,
) -> ExportReport:
    """Build and export the selected meetings (default all) to ``build/<meeting>/export/``.

    ``progress`` hears ``wacht`` (label: what for) when it waits up to ``lock_wait`` seconds for
    another command's lock, the build's events, then ``pakket`` (label empty) when the
    packaging (the confidentiality check, the files and zips) begins.
    """
    refuse_unexportable(project)
    epoch = source_date_epoch if source_date_epoch is not None else source_date_epoch_from_env()
    meeting_paths = tuple(_meeting_folder(project, Path(p)) for p in paths)
    # Held from the build to the last package: a build between them would be packaged
    # unchecked, and one refused is told an export runs.
    waiting = None if progress is None else lambda said: progress("wacht", said)
    with build_lock(project, "export", wait=lock_wait, waiting=waiting):
        built = build_project(
            project,
            BuildOptions(paths=meeting_paths, source_date_epoch=epoch, export_follows=True),
            progress,
        )
        if progress is not None:
            progress("pakket", "")
        return package_meetings(project, meeting_paths, epoch, built)


def refuse_unexportable(project: Project) -> None:
    """Refuse a project no package may be made of, before anything is written (build/ and
    its lock too): nothing is written for a package under another organisation's name, nor
    when a newer assembler wrote a record this one would misread."""
    from assembler.organisation import require_own_identity

    require_own_identity(project)
    refuse_newer_publications(project)


def _meeting_folder(project: Project, path: Path) -> Path:
    """The meeting folder a path points into: a package is always a whole meeting. A path
    that selects none (organisatie.yaml) is refused, as check and build refuse it."""
    from assembler.validate import selected_folder

    folder = selected_folder(project, path)
    if folder == project.dossiers:
        return folder
    return project.dossiers / folder.relative_to(project.dossiers).parts[0]


def _unfinished_dossiers(project: Project, problems: Sequence[Problem]) -> dict[str, list[str]]:
    """Per meeting, the dossier folders whose text still holds what 'assembler new' wrote."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        if problem.melding != PLACEHOLDER_LEFT:
            continue
        parts = Path(problem.bestand).parts
        dossiers = Path(project.display(project.dossiers)).parts
        if len(parts) == len(dossiers) + 3 and parts[: len(dossiers)] == dossiers:
            meeting, folder = parts[len(dossiers)], parts[len(dossiers) + 1]
            if folder not in found.setdefault(meeting, []):
                found[meeting].append(folder)
    return found


def _unloaded_meetings(project: Project, catalog: Catalog) -> list[Problem]:
    """'niet geëxporteerd' for each selected meeting whose vergadering.yaml was refused: said
    apart from the file's own error, as the clerk who reads only what was exported would not
    know it was left out. (A folder without one is no meeting: its own message says so.)"""
    loaded = {meeting.folder for meeting in catalog.meetings}
    at_meetings = {_meeting_of(project, problem) for problem in catalog.errors}
    return [
        Problem(
            project.display(folder / MEETING_FILE),
            None,
            "",
            f"niet geëxporteerd: de {MEETING_FILE} is afgekeurd (zie de meldingen hierboven)"
            + _earlier_package(project, folder.name),
        )
        for folder in sorted(folder for folder in at_meetings if folder and folder not in loaded)
        if (folder / MEETING_FILE).exists()
    ]


def _meeting_of(project: Project, problem: Problem) -> Path | None:
    """The meeting folder a problem is at itself (its vergadering.yaml, or the folder)."""
    where = project.root / problem.bestand
    if where.name == MEETING_FILE:
        where = where.parent
    return where if where.parent == project.dossiers and where.is_dir() else None


def _earlier_package(project: Project, meeting: str) -> str:
    """What is in build/ for a meeting not exported: the package of an earlier export."""
    package = project.build / meeting / EXPORT_DIR
    if not (package / EXPORT_PUBLIC_MANIFEST).is_file():
        return ""
    return f"; {project.display(package)} is nog het pakket van een eerdere export"


def _name_clashes(project: Project, catalog: Catalog) -> dict[str, str]:
    """Why a meeting cannot be exported: its documents' names are (nearly) another meeting's.

    Folder names whose slugs are the same ("PFHO economie", "pfho-economie") are refused at any
    length: short, their documents get the same names; long, names that differ only in the
    digest, which no reader tells apart. The names themselves are compared too, for a short
    slug that happens to read as another folder's cut one.
    """
    alike: dict[str, list[MeetingInput]] = {}
    for meeting in catalog.everything:
        for key in _clash_keys(meeting.name):
            alike.setdefault(key, []).append(meeting)
    clashes = {}
    for meeting in catalog.everything:
        others = {id(m): m for k in _clash_keys(meeting.name) for m in alike[k] if m is not meeting}
        if not others:
            continue
        folders = dutch_list(sorted(project.display(m.folder) for m in others.values()))
        name = meeting_document_name(meeting.name, PUBLIC_AGENDA)
        if all(meeting_document_name(m.name, PUBLIC_AGENDA) == name for m in others.values()):
            clash = (
                f"de openbare stukken krijgen dezelfde namen als die van {folders} ({name}), en "
                "zouden elkaar op de publicatieplek overschrijven"
            )
        else:
            clash = (
                f"de openbare stukken krijgen namen die alleen in een code van {MEETING_DIGEST} "
                f"tekens verschillen van die van {folders} ({name}), en zijn op de publicatieplek "
                "niet uit elkaar te houden"
            )
        clashes[meeting.name] = (
            f"{clash} (hernoem een van de vergadermappen, zodat de namen niet alleen in "
            "hoofdletters, spaties of leestekens verschillen)"
        )
    return clashes


def _meeting_record(data: dict[str, Any]) -> tuple[str, str] | None:
    """The meeting id and folder name a publicatie.json says it belongs to, if it says."""
    owner = data.get("vergadering")
    if isinstance(owner, dict) and owner.get("id") and owner.get("map"):
        return str(owner["id"]), str(owner["map"])
    return None


def _copied_publications(project: Project, catalog: Catalog) -> dict[str, str]:
    """Why a meeting cannot be exported: its publicatie.json was copied from another meeting.

    A folder copied in Explorer to start the next meeting takes the record along, and with it
    the earlier meeting's objects on the agenda system. A renamed (re-dated) folder takes it
    along too, but has no twin: a copy is the folder not named in the record while another
    folder holds the same meeting id.
    """
    owners: dict[str, list[str]] = {}
    for path in sorted(project.dossiers.glob(f"*/{PUBLICATION_FILE}")):
        with suppress(OSError, UnicodeDecodeError, ValueError, AttributeError):
            record = _meeting_record(read_json(path))
            if record is not None:
                owners.setdefault(record[0], []).append(path.parent.name)
    copies = {}
    for meeting in catalog.everything:
        path = publication_path(meeting)
        with suppress(OSError, UnicodeDecodeError, ValueError, AttributeError):
            record = _meeting_record(read_json(path))
            here = portable_name(meeting.name)
            if record is None or portable_name(record[1]) == here:
                continue
            twins = [name for name in owners.get(record[0], []) if portable_name(name) != here]
            if twins:
                where = dutch_list([project.display(project.dossiers / name) for name in twins])
                copies[meeting.name] = (
                    f"hoort bij de vergadering in {where}: deze map is daar een kopie van, en "
                    "publiceren zou die vergadering op het agendasysteem overschrijven en haar "
                    f"stukken intrekken (verwijder {project.display(path)} uit de gekopieerde "
                    "map en exporteer opnieuw)"
                )
    return copies


def _clash_keys(meeting_name: str) -> set[str]:
    """The meeting's whole slug and its agenda's name: a meeting sharing either clashes."""
    return {slug(meeting_name), meeting_document_name(meeting_name, PUBLIC_AGENDA)}


def package_meetings(
    project: Project,
    paths: Sequence[Path] = (),
    source_date_epoch: int | None = None,
    built: BuildReport | None = None,
) -> ExportReport:
    """Package already-built meetings; the gate runs before anything is written."""
    from assembler.answers import STORE_NAME, remembered

    # The answers the build just kept (see check_project): not worked out twice more. Read
    # only: a package refused by its gate leaves build/ as it was, its cache too.
    with remembered(project.cache / STORE_NAME, keep=False):
        full = load_catalog(project)
        catalog = load_catalog(project, paths) if paths else full
    report = ExportReport(built or BuildReport(), problems=[])
    # A dossier refused by the checks is named by plan_meeting, which says what to mend.
    refused = {
        (meeting.name, item.folder_name)
        for meeting in catalog.meetings
        for item in meeting.items
        if item.dossier is None and item.folder_name is not None
    }
    failed = {
        r.meeting
        for r in report.build.results
        if r.status == "mislukt" and (r.meeting, r.folder) not in refused
    }
    # An agenda or meeting bundle the build could not make anew (a broken agenda template,
    # LibreOffice) is the previous one: it may still show what a dossier no longer says. A
    # refused dossier holds it up too, and plan_meeting says what to mend of that.
    stale = {
        m.meeting for m in report.build.meetings if m.status in ("niet bijgewerkt", "niet gemaakt")
    } - {meeting for meeting, _folder in refused}
    clashes = _name_clashes(project, full)
    copies = _copied_publications(project, full)
    unfinished = _unfinished_dossiers(project, report.build.problems)
    exports: list[MeetingExport] = []
    # With SOURCE_DATE_EPOCH a package follows from its inputs alone, its dates included.
    moment = (
        datetime.fromtimestamp(source_date_epoch, tz=UTC)
        if source_date_epoch is not None
        else datetime.now(UTC)
    )
    with build_lock(project, "export"):
        recover_exports(project)
        # What the gate read of files that did not change since the last export is not read
        # again: at a year's end its audit compares hundreds of PDFs of earlier meetings.
        files = FileDigests(project.cache / DIGESTS_FILE)
        kept = gate.KeptFacts(project.cache / gate.FACTS_FOLDER, files.sha256)
        for meeting in catalog.meetings:
            why = None
            if meeting.name in failed:
                why = "niet alle stukken konden gebouwd worden"
            elif meeting.name in stale:
                why = "de agenda en vergaderbundel konden niet opnieuw gemaakt worden"
            elif meeting.folder in catalog.unlisted and not any(
                (meeting.name, item.folder_name) in refused for item in meeting.items
            ):
                # Not said where an entry is refused (a typo of that folder's name, said so):
                # plan_meeting says that.
                # Exported, it would be withdrawn from the agenda system, for a lost line.
                names = ", ".join(f"'{name}'" for name in catalog.unlisted[meeting.folder])
                why = f"dossiermap {names} staat niet op de agenda"
            elif meeting.name in unfinished:
                # Sent, "Instemmen met ..." would stand in the agenda system as the decision.
                names = dutch_list([f"'{name}'" for name in unfinished[meeting.name]])
                why = f"in {names} staat nog '...' uit 'assembler new'"
            if why is not None:
                why = f"{why} (zie de meldingen hierboven)"
            why = clashes.get(meeting.name, why)
            if why is not None:
                why += _earlier_package(project, meeting.name)
            if meeting.name in copies:
                report.problems.append(
                    Problem(
                        project.display(publication_path(meeting)), None, "", copies[meeting.name]
                    )
                )
                continue
            if why is not None:
                report.problems.append(
                    Problem(
                        project.display(meeting.folder / MEETING_FILE),
                        None,
                        "",
                        f"niet geëxporteerd: {why}",
                    )
                )
                continue
            try:
                exports.append(plan_meeting(project, meeting, moment, kept))
            except InputRejected as rejected:
                report.problems.extend(rejected.problems)
        report.problems += _unloaded_meetings(project, catalog)
        listings = public_listings(project, full, exports)
        for export in exports:
            finish_plan(project, full, export, listings)
        try:
            report.problems += audit_export(project, full, exports, kept)
        except AssemblerError as stopped:
            # What the build said (a warning at an agenda line, what it withdrew) goes with
            # the stop: it may be what the clerk needs to mend.
            stopped.problems[:0] = sort_problems([*report.build.problems, *report.problems])
            raise
        for export in exports:
            _write_package(export, source_date_epoch)
            save_publication(export.meeting, export.publication)
            _remember_sources(project, full.organisation, export)
        if exports:
            kept.save({meeting.name for meeting in full.everything or full.meetings})
    report.meetings = exports
    report.problems = sort_problems(report.problems)
    return report

"""Validate a whole project: organisation, meetings, dossiers, agendas, annex paths.

Like mkdocs, validation collects every problem of every file first; the caller decides
what to do with them. A rejected dossier is left out of its meeting, the rest goes on.

load_catalog is the one entry point. This module reads the meetings, their agendas and
dossiers and their folders, and selects what the paths given name; the types it hands on are
in inputs.py, and it leaves to organisation.py (organisatie.yaml, the logo), annex_files.py
(the annexes' files), text_warnings.py (text that will not look as meant) and
pydantic_messages.py (pydantic's errors in Dutch).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assembler.annex_files import annexes_alone, check_annex_files, file_left_out
from assembler.answers import key_of, recall
from assembler.case_names import case_twin_problems
from assembler.confidential import (
    Publications,
    Published,
    publications,
    published_first,
    withdrawn_secrets,
)
from assembler.errors import (
    InputRejected,
    Problem,
    UsageError,
    dutch_list,
    not_utf8,
    sort_problems,
)
from assembler.fsutil import read_json, unreadable, windows_shortcut
from assembler.inputs import (
    BAD_ENTRY,
    DEFAULT_PURPOSE,
    AgendaItem,
    Catalog,
    DossierInput,
    MeetingInput,
    agenda_purpose,
)
from assembler.layout import dossier_record
from assembler.model import (
    DEFAULT_REFERENCE_PATTERN,
    DOCUMENT_KINDS,
    AgendaDossier,
    Document,
    FolderName,
    Organisatie,
    Vergadering,
    Verspreiden,
    Voorstel,
    invisible_characters,
    markdown_fields,
    says_public,
    suggested_folder_name,
    without_invisible,
)
from assembler.organisation import (
    is_copied_folder,
    misnamed_file,
    outside_problem,
    read_beside,
    read_organisation,
    variants,
)
from assembler.project import (
    DOSSIER_FILE,
    MEETING_FILE,
    PUBLICATION_FILE,
    Project,
    holds_dossier,
    stands_for_a_file,
)
from assembler.pydantic_messages import (
    allowed_keys,
    case_only_message,
    clean,
    problems_from_validation,
    same_letters_as,
)
from assembler.references import (
    ArchivedSecret,
    archived_dossiers,
    meeting_folders,
    next_reference,
)
from assembler.source import (
    FieldPath,
    PartlyRead,
    Source,
    between_curly_quotes,
    field_label,
    load_yaml,
)
from assembler.terms import (
    MIN_TERM_CHARS_ELSEWHERE,
    Term,
    archived_terms,
    confidential_terms,
    loosen,
    names,
    public_words,
    squash,
)
from assembler.text_warnings import (
    MARKUP,
    content_warnings,
    file_warnings,
    glyph_warnings,
    line_saying,
    texts_of,
)


def load_catalog(
    project: Project, paths: Sequence[Path] = (), organisation: Organisatie | None = None
) -> Catalog:
    """Validate the project; keep the meetings and dossiers selected by ``paths`` (default all).

    ``organisation`` stands in for ``dossiers/organisatie.yaml`` when given.
    """
    settings_warnings: list[Problem] = []
    if organisation is None:
        organisation, settings_warnings = read_organisation(project)
    catalog = Catalog(project, organisation)
    context = {"kenmerkpatroon": organisation.reference_pattern}
    all_dossiers: list[DossierInput] = []
    meetings: list[MeetingInput] = []
    folders = _meeting_folders(project, catalog.problems)
    # Every meeting's dossier folders, so that a folder moved by hand to another meeting is
    # said as that, from both sides.
    on_disk = {folder: [sub.name for sub in _dossier_folders(folder)] for folder in folders}
    unlisted: list[tuple[MeetingInput, str]] = []
    absent: list[tuple[MeetingInput, int, str]] = []
    set_aside: list[DossierInput] = []
    refused_claims: list[_Claim] = []
    for folder in folders:
        meeting = _load_meeting(
            project,
            folder,
            context,
            catalog.problems,
            all_dossiers,
            on_disk,
            unlisted,
            absent,
            set_aside,
            refused_claims,
        )
        if meeting is not None:
            meetings.append(meeting)
    catalog.problems.extend(_folder_problems(project, unlisted, absent))
    catalog.problems.extend(case_twin_problems(project, folders, meetings))
    catalog.problems.extend(_same_meeting_twice(project, meetings))
    for meeting, name in unlisted:
        catalog.unlisted.setdefault(meeting.folder, []).append(name)
    days = {meeting.folder: meeting.meeting.date for meeting in meetings}
    claims = [_Claim(d.folder, d.source, d.document.reference) for d in all_dossiers]
    claims += refused_claims
    # A kenmerk stays taken once its meeting is archived (dossiers/archief/<meeting>).
    # And its confidential dossiers stay confidential: secrecy outlasts the meeting.
    archive = archived_dossiers(project.dossiers)
    catalog.archived = archive.secrets
    rejected = _check_unique_references(
        project, claims, days, catalog.problems, archive.references, organisation.reference_pattern
    )
    meetings = [_without(meeting, rejected) for meeting in meetings]
    set_aside += [dossier for dossier in all_dossiers if dossier.folder in rejected]
    known = publications(catalog)
    taken = [claim.reference for claim in claims] + list(archive.references)
    catalog.archived += withdrawn_secrets(project, meetings, known, taken)
    catalog.problems.extend(_texts_naming_confidential(project, meetings, catalog.archived, known))
    catalog.everything = meetings
    catalog.chosen = tuple(selected_folder(project, path) for path in paths)
    catalog.meetings, catalog.problems = _select(
        project, meetings, catalog.problems, catalog.chosen
    )
    chosen = set(catalog.chosen) or {project.dossiers}
    catalog.set_aside = [
        dossier for dossier in set_aside if chosen & {dossier.folder, *dossier.folder.parents}
    ]
    # The settings go into every document, whichever are checked.
    catalog.problems = sort_problems(settings_warnings + catalog.problems)
    return catalog


def _unreadable_folder(project: Project, folder: Path) -> Problem | None:
    """An error at ``folder`` when it cannot be listed or looked into (no rights), else None."""
    try:
        os.listdir(folder)
        # Looking into a folder is another right than listing it (x, not r); pathlib would
        # drop the '.'.
        os.stat(os.path.join(folder, "."))
    except OSError as error:
        said = f"deze map kan niet gelezen worden: {unreadable(error)}"
        return Problem(project.display(folder), None, "", said)
    return None


def _may_be_folder(path: Path) -> bool:
    """Whether ``path`` is a folder, or a link that cannot be followed to see (said as that)."""
    try:
        return path.is_dir()
    except OSError:
        return True


def _meeting_folders(project: Project, problems: list[Problem]) -> list[Path]:
    if not project.dossiers.is_dir():
        return []
    unread = _unreadable_folder(project, project.dossiers)
    if unread is not None:
        problems.append(unread)
        return []
    folders: list[Path] = []
    for folder in sorted(p for p in project.dossiers.iterdir() if _may_be_folder(p)):
        if folder.name.startswith("."):
            continue
        # A meeting on a shared drive with other rights: said, and the other meetings read.
        unread = _unreadable_folder(project, folder)
        if unread is not None:
            problems.append(unread)
            continue
        if stands_for_a_file(folder / MEETING_FILE):
            refused = meeting_name_problem(folder.name)
            if refused is not None:
                problems.append(Problem(project.display(folder), None, "", refused))
            else:
                folders.append(folder)
            continue
        misnamed = misnamed_file(folder, MEETING_FILE)
        if misnamed is not None:
            problems.append(
                Problem(
                    project.display(folder),
                    None,
                    "",
                    f"map zonder {MEETING_FILE}: de map bevat '{misnamed}' (hernoem dat bestand "
                    f"naar {MEETING_FILE})",
                )
            )
        elif any(holds_dossier(sub) is True for sub in folder.iterdir()):
            problems.append(
                Problem(
                    project.display(folder),
                    None,
                    "",
                    f"map met dossiers maar zonder {MEETING_FILE} (is het een vergadering: maak "
                    f"{MEETING_FILE} aan met overleg, datum, aanvang, locatie en agenda; zijn het "
                    "ingetrokken dossiers: zet ze buiten dossiers/)",
                )
            )
    return folders


# The checks of an agenda's dossier names that a meeting folder's name has to pass too: its
# name goes into file names, zip names and XML, and into every message about the meeting.
_UNUSABLE_IN_A_NAME = frozenset({"stuurteken", "regel", "richting", "onzichtbaar"})


def meeting_name_problem(name: str) -> str | None:
    """Why a meeting folder cannot be one by its name, or None.

    Any other name is taken as it is: it may have capitals, spaces and accents.
    """
    undecoded = not_utf8(name, "de map")
    if undecoded:
        return f"de naam van deze vergadermap {undecoded}"
    try:
        TypeAdapter(FolderName).validate_python(name)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] in _UNUSABLE_IN_A_NAME:
            reason = str(first["msg"]).rsplit(" (", 1)[0]
            return f"de naam van deze vergadermap {reason} (hernoem de map: typ de naam opnieuw)"
    return None


# How long before its meeting a document's date is taken for a typing error in its year.
_LONG_BEFORE_DAYS = 2 * 366


def _purpose_is_known(
    dossier: DossierInput,
    meeting: Vergadering,
    problems: list[Problem],
    other_day: dt.date | None = None,
) -> bool:
    """Check the row dated on the meeting day: the agenda takes its purpose from it.

    ``other_day`` is the day the meeting folder's name gives, when that is another one.
    """
    document = dossier.document
    if not isinstance(document, Voorstel):
        return True  # a memo is on the agenda ter informatie
    day = meeting.date
    for index, row in enumerate(document.history):
        if row.date != day:
            continue
        if agenda_purpose(row.purpose) is not None:
            return True
        path = ("behandeling", index, "doel")
        problems.append(
            Problem(
                dossier.source.display,
                dossier.source.line_of(path),
                field_label(path),
                f"'{row.purpose}' zegt niet waarvoor het punt op de agenda van "
                f"{day.isoformat()} staat (schrijf Vaststellen, Bespreken of Informeren)",
            )
        )
        return False
    near = _row_days_off(document, meeting)
    undated = _undated_row(document, meeting)
    if other_day is not None and any(row.date == other_day for row in document.history):
        advice = (
            f"er is wel een regel van {other_day.isoformat()}, de dag in de naam van de "
            "vergadermap: controleer de datum in vergadering.yaml"
        )
    elif near is not None:
        # "vul bij die regel ... in" left the clerk to find which row that is.
        path = ("behandeling", near, "datum")
        advice = (
            f"{field_label(path[:2])} op regel {dossier.source.line_of(path)} heeft datum "
            f"{document.history[near].date}: bedoelt u {day.isoformat()}?"
        )
    elif undated is not None:
        # The row whose date was left out, named: not another overleg's row a few days off,
        # whose real date the clerk would lose by following the advice.
        row_path = ("behandeling", undated)
        advice = (
            f"vul bij {field_label(row_path)} op regel {dossier.source.line_of(row_path)} "
            f"datum: {day.isoformat()} in"
        )
    else:
        advice = f"vul bij die regel datum: {day.isoformat()} in"
    problems.append(
        Problem(
            dossier.source.display,
            dossier.source.line_of(("behandeling",)),
            "behandeling",
            f"geen regel met de datum van de vergadering ({day.isoformat()}); de agenda zet er "
            f"'{DEFAULT_PURPOSE}' bij ({advice})",
            "waarschuwing",
        )
    )
    return True


# How many days a behandeling row's date may be off the meeting's to be taken for a typing error
# in it; a row a week off may well be another meeting's.
_DAYS_OFF = 3


def _row_days_off(document: Voorstel, meeting: Vergadering) -> int | None:
    """The row (0-based) of the meeting's overleg dated closest to its day, when a few days
    off it; else None."""
    day = meeting.date
    off = [
        (abs((row.date - day).days), index)
        for index, row in enumerate(document.history)
        if row.date is not None
        and abs((row.date - day).days) <= _DAYS_OFF
        and _same_overleg(row.meeting, meeting.meeting)
    ]
    return min(off)[1] if off else None


def _undated_row(document: Voorstel, meeting: Vergadering) -> int | None:
    """The first row (0-based) of the meeting's overleg without a date where the meeting's
    day fits among the dated rows around it; else None."""
    rows = document.history
    day = meeting.date
    for index, row in enumerate(rows):
        if row.date is not None or not _same_overleg(row.meeting, meeting.meeting):
            continue
        # The rows go by date: one after a row of a later day is a meeting still to come.
        if all(r.date is None or r.date < day for r in rows[:index]) and all(
            r.date is None or r.date > day for r in rows[index + 1 :]
        ):
            return index
    return None


def _same_overleg(row: str, meeting: str) -> bool:
    """Whether a behandeling row's overleg may be the meeting's, capitals aside: a row says
    "Portefeuillehoudersoverleg" of the "Portefeuillehoudersoverleg Economie"."""
    said, held = (" ".join(text.casefold().split()) for text in (row, meeting))
    return f"{held} ".startswith(f"{said} ") or f"{said} ".startswith(f"{held} ")


def _dossier_folders(meeting_folder: Path) -> list[Path]:
    """The dossier folders in a meeting folder, and those that cannot be looked into."""
    # One that cannot is refused when it is loaded: it may well be a dossier the agenda names.
    return sorted(sub for sub in meeting_folder.iterdir() if holds_dossier(sub) is not False)


def _load_meeting(
    project: Project,
    folder: Path,
    context: dict[str, Any],
    problems: list[Problem],
    all_dossiers: list[DossierInput],
    on_disk: dict[Path, list[str]],
    unlisted: list[tuple[MeetingInput, str]],
    absent: list[tuple[MeetingInput, int, str]],
    set_aside: list[DossierInput],
    claims: list[_Claim],
) -> MeetingInput | None:
    """Validate a meeting and its dossiers; note the folders its agenda and its disk disagree on.

    ``unlisted`` gets the folders its agenda leaves out, ``absent`` the agenda entries (by
    index) that name no folder: said once every meeting is read (see _folder_problems);
    ``set_aside`` the refused dossiers whose annexes the intake may judge (see Catalog.set_aside);
    ``claims`` the kenmerken of refused dossiers (see _refused_claim).
    """
    display = project.display(folder / MEETING_FILE)
    problems += read_beside(folder / MEETING_FILE, display)
    dossiers: dict[str, DossierInput] = {}
    unread: set[str] = set()  # folders that cannot be looked into: not said to be off the agenda
    for dossier_folder in (folder / name for name in on_disk[folder]):
        refused = _unreadable_folder(project, dossier_folder)
        if refused is not None:
            problems.append(refused)
            unread.add(dossier_folder.name)
            continue
        dossier = load_dossier(project, dossier_folder, context, problems, set_aside)
        if dossier is not None:
            dossiers[dossier_folder.name] = dossier
            all_dossiers.append(dossier)
        else:
            claims.extend(_refused_claim(project, dossier_folder, problems))
    try:
        source = load_yaml(folder / MEETING_FILE, display)
    except InputRejected as rejected:
        problems.extend(rejected.problems)
        problems.extend(_meeting_partly_read(rejected))
        return None
    # The overleg, locatie and loose items head every agenda, its footer and the meeting bundle.
    problems += file_warnings(source, display) + glyph_warnings(source, display)
    meeting, bad_entries = _validate_meeting(source, problems)
    if meeting is None:
        _compare_refused_agenda(folder, source, set(on_disk[folder]) - unread, unlisted, absent)
        return None
    here = set(on_disk[folder])
    _folders_under_other_keys(source, bad_entries, here)
    named_day = _day_in_name(folder.name)
    other_day = named_day if named_day is not None and named_day != meeting.date else None
    # Not of a meeting held or exported: its folder's name is in what was published.
    fresh = meeting.date >= dt.date.today() and not (folder / PUBLICATION_FILE).exists()
    if named_day is None and fresh:
        problems.append(_undated_folder(folder.name, meeting.date, display, source))
    if other_day is not None:
        problems.append(
            Problem(
                display,
                source.line_of(("datum",)),
                "datum",
                f"{meeting.date.isoformat()} is een andere dag dan de naam van de vergadermap "
                f"noemt ({other_day.isoformat()}) (controleer de datum, of hernoem de map)",
                "waarschuwing",
            )
        )
    early = before_the_day(meeting.start)
    if early is not None:
        problems.append(
            Problem(display, source.line_of(("aanvang",)), "aanvang", early, "waarschuwing")
        )
    on_agenda = {e.folder for e in meeting.agenda if isinstance(e, AgendaDossier)}
    on_agenda.update(bad_entries.values())
    if meeting.cancelled and on_agenda:
        if len(on_agenda) > 1:
            count, it, stays = f"staan nog {len(on_agenda)} dossiers", "ze", "blijven ze"
        else:
            count, it, stays = "staat nog 1 dossier", "het", "blijft het"
        problems.append(
            Problem(
                display,
                source.line_of(("geannuleerd",)),
                "geannuleerd",
                f"de vergadering gaat niet door, maar er {count} op de agenda (zet {it} op een "
                f"volgende vergadering met 'assembler verplaats', of laat {it} staan: dan "
                f"{stays} bij deze vergadering)",
                "waarschuwing",
            )
        )
    for name, dossier in list(dossiers.items()):
        if name not in on_agenda:
            continue  # not on this agenda: that is the problem to mend first (below)
        if dossier.document.date > meeting.date:
            problems.append(
                Problem(
                    dossier.source.display,
                    dossier.source.line_of(("datum",)),
                    "datum",
                    f"{dossier.document.date.isoformat()} ligt na de vergadering van "
                    f"{meeting.date.isoformat()} (controleer de datum van het stuk)",
                    "waarschuwing",
                )
            )
        elif (meeting.date - dossier.document.date).days > _LONG_BEFORE_DAYS:
            # '0023-06-01' for 2023: a proposal is written weeks before its meeting, not years.
            problems.append(
                Problem(
                    dossier.source.display,
                    dossier.source.line_of(("datum",)),
                    "datum",
                    f"{dossier.document.date.isoformat()} ligt meer dan twee jaar voor de "
                    f"vergadering van {meeting.date.isoformat()} (controleer het jaartal)",
                    "waarschuwing",
                )
            )
        if not _purpose_is_known(dossier, meeting, problems, other_day):
            del dossiers[name]  # refused: the agenda cannot say why the item is on it

    items: list[AgendaItem] = []
    named: set[str] = set()
    missing: list[tuple[int, str]] = []
    for index, entry in enumerate(meeting.agenda):
        number = index + 1
        if index in bad_entries:
            # Reported already; the item keeps its number, and a name so that the agenda
            # is not built with a hole in it.
            items.append(AgendaItem(number, folder_name=bad_entries[index]))
            named.add(bad_entries[index])  # its folder is on the agenda, under a bad name
        elif isinstance(entry, AgendaDossier):
            name = entry.folder
            line = source.line_of(("agenda", index))
            if name in named:
                problems.append(
                    Problem(
                        display,
                        line,
                        field_label(("agenda", index, "dossier")),
                        f"dossier '{name}' staat twee keer op de agenda (haal één van beide weg)",
                    )
                )
                # Like a bad entry: it keeps its number, but the dossier is built once.
                items.append(AgendaItem(number, folder_name=name))
                continue
            if name not in here:
                missing.append((index, name))
            named.add(name)
            items.append(AgendaItem(number, folder_name=name, dossier=dossiers.get(name)))
        elif glued := _GLUED_DOSSIER.match(entry):
            # Meant to name the folder: an invalid entry (no agendas), not a loose item, and
            # the folder is not also said to be missing from the agenda.
            items.append(AgendaItem(number, folder_name=BAD_ENTRY))
            named.add(glued.group(2))
            problems.append(
                Problem(
                    display,
                    source.line_of(("agenda", index)),
                    field_label(("agenda", index)),
                    _glued_dossier_message(entry, glued),
                )
            )
        elif (meant := _folder_named(entry, here - on_agenda)) is not None:
            # '- havenvisie': meant as the folder, as a glued 'dossier:' is, and said at its own
            # line; the folder is not also said to be off the agenda, whose advice to add it
            # would put it there twice.
            items.append(AgendaItem(number, folder_name=BAD_ENTRY))
            named.add(meant)
            problems.append(
                Problem(
                    display,
                    source.line_of(("agenda", index)),
                    field_label(("agenda", index)),
                    f"'{entry}' is de naam van een dossiermap, maar staat hier als losse tekst "
                    f"(schrijf '- dossier: {meant}')",
                )
            )
        else:
            items.append(AgendaItem(number, text=entry))
            numbered = hand_numbered(entry, number)
            if numbered:
                problems.append(
                    Problem(
                        display,
                        source.line_of(("agenda", index)),
                        field_label(("agenda", index)),
                        numbered,
                        "waarschuwing",
                    )
                )
            if _SAYS_CONFIDENTIAL.search(entry):
                problems.append(
                    Problem(
                        display,
                        source.line_of(("agenda", index)),
                        field_label(("agenda", index)),
                        "een los agendapunt staat met zijn tekst op de openbare agenda, ook als "
                        "die 'vertrouwelijk' of 'niet openbaar' zegt (maak er een dossier van "
                        "met verspreiden: Nee, of laat dat woord weg)",
                        "waarschuwing",
                    )
                )
    result = MeetingInput(folder, source, meeting, tuple(items))
    if result.width > 2:
        items = [dataclasses.replace(item, width=result.width) for item in items]
        result = MeetingInput(folder, source, meeting, tuple(items))
    unlisted.extend((result, name) for name in sorted(here - named - unread))
    absent.extend((result, index, name) for index, name in missing)
    return result


def _compare_refused_agenda(
    folder: Path,
    source: Source,
    here: set[str],
    unlisted: list[tuple[MeetingInput, str]],
    absent: list[tuple[MeetingInput, int, str]],
) -> None:
    """Note the folders a meeting file refused for another field leaves off its agenda, and
    its entries that name no folder, as for a meeting read (see _load_meeting): a typo in the
    agenda is said in the same round as a wrong date, not once that is mended."""
    entries = source.data.get("agenda") if isinstance(source.data, dict) else None
    if not isinstance(entries, list):
        return
    stand_in = MeetingInput(folder, source, Vergadering.model_construct(), ())
    named: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "dossier" not in entry:
            continue  # a loose item, or said by the meeting's model
        try:
            read = AgendaDossier.model_validate(entry)
        except ValidationError:
            continue  # said by the meeting's model; an entry it refused names no folder
        if read.folder not in here and read.folder not in named:
            absent.append((stand_in, index, read.folder))
        named.add(read.folder)
    unlisted.extend((stand_in, name) for name in sorted(here - named))


def _meeting_partly_read(rejected: InputRejected) -> list[Problem]:
    """What the meeting's model says of a vergadering.yaml the node builder refused, as far as
    it read it (see PartlyRead.besides); nothing for a file refused as a whole."""
    if not isinstance(rejected, PartlyRead):
        return []
    found: list[Problem] = []
    _validate_meeting(rejected.source, found)
    return rejected.besides(found)


# A loose agenda item numbered by hand: '1. Opening', '3) Terugblik'; a number, then '.' or ')'
# and a space. Not '5G-netwerk', '2023: terugblik', '3 moties' or '2.5 miljoen voor …'.
# '1. Opening', '3) Terugblik', and a sub-item '4a. Mededelingen'; not '2.5 miljoen', '5G-…'.
_HAND_NUMBER = re.compile(r"(\d{1,2}[a-z]?[.)])\s+(?=\S)")


def hand_numbered(entry: str, number: int) -> str | None:
    """What to say of loose agenda item ``number`` when the clerk numbered it by hand, as the
    agenda numbers its items itself ('1. 1. Opening'); None if not numbered."""
    typed = _HAND_NUMBER.match(entry)
    if typed is None:
        return None
    return (
        f"de agenda nummert de punten zelf, dus komt dit punt er als '{number}. {entry}' op "
        f"(haal '{typed.group(1)}' weg: '{entry[typed.end() :]}')"
    )


def _folder_named(entry: str, folders: set[str]) -> str | None:
    """The dossier folder a loose agenda item is the name of, capitals aside; else None."""
    typed = entry.strip().casefold()
    return next((name for name in sorted(folders) if name.casefold() == typed), None)


def _folders_under_other_keys(source: Source, bad_entries: dict[int, str], here: set[str]) -> None:
    """Take a refused agenda entry of one key whose value is a folder of the meeting
    ('- Dossier: havenvisie'), or one refused for its curly quotes alone ('- dossier:
    “havenvisie”'), for that folder, which is then not said to be off the agenda."""
    data = source.data
    agenda = data.get("agenda") if isinstance(data, dict) else None
    for index, said in bad_entries.items():
        if between_curly_quotes(said):
            # '- dossier: “werklocaties”', refused for its quotes alone: the folder is on it.
            meant = _folder_named(said.strip()[1:-1], here)
            if meant is not None:
                bad_entries[index] = meant
            continue
        entry = agenda[index] if isinstance(agenda, list) else None
        if said == BAD_ENTRY and isinstance(entry, dict) and len(entry) == 1:
            value = next(iter(entry.values()))
            # Capitals aside, as for a loose item: '- Dossier: Snelfietsroutes' was also said
            # to leave the folder off the agenda, advice that would put it there twice.
            meant = _folder_named(value, here) if isinstance(value, str) else None
            if meant is not None:
                bad_entries[index] = meant


def _texts_naming_confidential(
    project: Project,
    meetings: Sequence[MeetingInput],
    archived: Sequence[ArchivedSecret] = (),
    known: Publications | None = None,
) -> list[Problem]:
    """A warning for public text that names a confidential dossier as the export's gate would
    find it: a loose agenda item (the public agenda shows it in full) or a field of a public
    dossier, naming the dossier's kenmerk, onderwerp or an annex description; the confidential
    dossiers of archived meetings (``archived``) among them."""
    public = public_words(meetings)
    secret = confidential_terms(project, meetings) + archived_terms(project, archived, meetings)
    squashed_terms = [(squash(t.text), t) for t in secret]
    terms = [(squashed, t) for squashed, t in squashed_terms if not t.shared_with(public)]
    problems = _public_titles_of_confidential(
        project, meetings, squashed_terms, public, known or Publications()
    )
    for meeting in meetings:
        searched_here = [(squashed, t) for squashed, t in terms if t.searched_in(meeting.name)]
        if not searched_here:
            continue
        for path, text in _public_meeting_texts(meeting):
            said = squash(text)
            # As the gate reads the agenda: in its text, and loosened in the bookmarks and the
            # manifest, where an item is a name ("Onderhandelings-mandaat", "23-0002150").
            loose = loosen(said)
            for term in (t for _s, t in searched_here if names(t, said, loose, meeting.name)):
                if path[0] != "agenda":
                    # The overleg and locatie head the public agenda, bundle and manifest.
                    line = meeting.source.line_of(path)
                    problems.append(_naming_problem(meeting.source.display, line, path, term))
                    continue
                problems.append(
                    _loose_item_naming(meeting, path, term, exact=said == squash(term.text))
                )
        # What a dossier's fields name depends on its text and the terms only: kept by a build.
        asked = key_of(
            f"vertrouwelijk {_NAMING_VERSION}",
            *(f"{t.text}\0{t.what}\0{t.source}\0{t.always}" for _squashed, t in searched_here),
        )
        for dossier in meeting.dossiers:
            if dossier.document.is_public:
                problems += recall(
                    key_of(asked, dossier.source.display, dossier.source.text),
                    partial(_fields_naming, dossier, searched_here, meeting.name),
                    lambda found: [problem.as_json() for problem in found],
                    lambda kept: [Problem.from_json(problem) for problem in kept],
                )
    return problems


# Raised when what _fields_naming says changes, so answers kept by a build are not reused (5:
# the gate's own matching, a kenmerk with other separators, a title without punctuation; 6:
# more Cyrillic and Greek look-alikes folded, the lunate sigmas and accented ones among them;
# 7: quotation marks left out, so a title retyped without its quotes is found).
_NAMING_VERSION = 7


def _fields_naming(
    dossier: DossierInput, terms: Sequence[tuple[str, Term]], meeting: str
) -> list[Problem]:
    """A warning for each field of a public dossier that names one of the confidential
    ``terms`` (squashed, term), as the gate would find it in the public side of ``meeting``."""
    # Compared as printed: without Markdown's marks, in the text and in the terms alike.
    terms = [(MARKUP.sub("", squashed), term) for squashed, term in terms]

    def shows(squashed: str, term: Term, said: str, loose: str) -> bool:
        return squashed in said or names(term, said, loose, meeting)

    # The file as a whole first (one comparison, not one per field): nearly always nothing.
    whole = squash(MARKUP.sub("", dossier.source.text.replace("''", "'")))
    if not any(shows(squashed, term, whole, loosen(whole)) for squashed, term in terms):
        return []
    problems = []
    for path, text in texts_of(dossier.source.data):
        said = squash(MARKUP.sub("", text))
        # The onderwerp and the annexes' descriptions are names too (the bookmarks, the
        # manifest), where the gate also finds a title without its punctuation.
        named = path == ("onderwerp",) or path[-1:] == ("omschrijving",)
        loose = loosen(said) if named else ""
        for squashed, term in terms:
            if not shows(squashed, term, said, loose):
                continue
            line = line_saying(dossier.source, path, text, squashed)
            problems.append(_naming_problem(dossier.source.display, line, path, term))
    return problems


def _public_titles_of_confidential(
    project: Project,
    meetings: Sequence[MeetingInput],
    terms: Sequence[tuple[str, Term]],
    public: set[str],
    known: Publications,
) -> list[Problem]:
    """A warning at each public dossier's onderwerp or annex description that is a
    confidential dossier's long onderwerp, typed again; or, when the public dossier's meeting
    published it first (confidential.published_first: its publicatie.json has that title, or,
    never exported, it is held), at the confidential onderwerp.

    The gate takes the very same words in a public title for public (a common title, "Begroting
    2025", may be both) and so no longer searches for them anywhere; a title as long as this
    is seldom two dossiers' by chance, and then it is the leak itself. What a held or exported
    meeting published stays so: a new confidential dossier titled as it is to get its own
    onderwerp (revH H2), as one reusing its annex is told (clerk2 L1).
    """
    long_titles = {
        squashed: term
        for squashed, term in terms
        # An annex's description too: copied with the 'bijlagen:' block (clerk walk).
        if (term.what == "het onderwerp" or term.what.startswith("de omschrijving van bijlage"))
        and squashed in public
        and len(squashed) >= MIN_TERM_CHARS_ELSEWHERE
    }
    problems: list[Problem] = []
    if not long_titles:
        return problems
    # The meeting and dossier of each confidential onderwerp; an archived one's: none.
    secret = {
        project.display(dossier.folder / DOSSIER_FILE): (meeting, dossier)
        for meeting in meetings
        for dossier in meeting.dossiers
        if not dossier.document.is_public
    }
    # Per confidential dossier told, the public fields that published its onderwerp first.
    first: dict[str, list[tuple[MeetingInput, DossierInput, FieldPath]]] = {}
    for meeting in meetings:
        for dossier in meeting.dossiers:
            document = dossier.document
            if not document.is_public:
                continue
            fields: list[tuple[FieldPath, str]] = [(("onderwerp",), document.subject)]
            fields += [
                (("bijlagen", index, "omschrijving"), annex.description)
                for index, annex in enumerate(document.annexes)
            ]
            for path, text in fields:
                squashed = squash(text)
                term = long_titles.get(squashed)
                if term is None:
                    continue
                held = secret.get(term.source)

                def shown(published: Published, squashed: str = squashed) -> bool:
                    return any(squash(title) == squashed for title in published.titles)

                if published_first(meeting, held[0] if held else None, shown, known):
                    if term.what == "het onderwerp":
                        first.setdefault(term.source, []).append((meeting, dossier, path))
                    continue  # an annex's published first: its own description stays
                mend = (
                    "dit dossier een ander onderwerp"
                    if len(path) == 1
                    else ("de bijlage een andere omschrijving")
                )
                problems.append(
                    Problem(
                        dossier.source.display,
                        dossier.source.line_of(path),
                        field_label(path),
                        f"is {term.what} van {term.source.removesuffix(f'/{DOSSIER_FILE}')}, "
                        "dat niet openbaar is: zo staat het in de openbare stukken, en zoekt de "
                        f"export er nergens meer naar (haal het hier weg, of geef {mend})",
                        "waarschuwing",
                    )
                )
    for source, users in first.items():
        _meeting, owner = secret[source]
        places = dutch_list(
            [
                f"{_title_named(path)} van {project.display(dossier.folder)}"
                for _m, dossier, path in users
            ]
        )
        one = len(users) == 1
        at = (
            "een vergadering die al gehouden of geëxporteerd is"
            if len({meeting.folder for meeting, _d, _p in users}) == 1
            else "vergaderingen die al gehouden of geëxporteerd zijn"
        )
        problems.append(
            Problem(
                owner.source.display,
                owner.source.line_of(("onderwerp",)),
                field_label(("onderwerp",)),
                f"is {places}, {'dat al openbaar is' if one else 'die al openbaar zijn'} op "
                f"{at}: zo zoekt de export er nergens naar (geef dit dossier een eigen onderwerp)",
                "waarschuwing",
            )
        )
    return problems


def _title_named(path: FieldPath) -> str:
    """'het onderwerp', or 'de omschrijving van bijlage 2', of a dossier field at ``path``."""
    if len(path) == 1:
        return "het onderwerp"
    return f"de omschrijving van bijlage {int(path[1]) + 1}"


def _naming_problem(display: str, line: int | None, path: FieldPath, term: Term) -> Problem:
    """The warning for a public field at ``path`` that names the confidential ``term``."""
    return Problem(
        display,
        line,
        field_label(path),
        f"noemt {term.what} '{term.text}' van {term.source}, dat niet openbaar is: zo komt het "
        f"in de openbare stukken en stopt de export ({term.advice('haal het hier weg')})",
        "waarschuwing",
    )


def _public_meeting_texts(meeting: MeetingInput) -> Iterator[tuple[FieldPath, str]]:
    """What the public side shows of a meeting as typed in its vergadering.yaml, by field:
    the overleg, the locatie and the text of each loose agenda item."""
    yield ("overleg",), meeting.meeting.meeting
    yield ("locatie",), meeting.meeting.location
    for item in meeting.items:
        if item.text:
            yield ("agenda", item.number - 1), item.text


def _loose_item_naming(
    meeting: MeetingInput, where: FieldPath, term: Term, *, exact: bool
) -> Problem:
    dossier = term.source.removesuffix(f"/{DOSSIER_FILE}")
    home = Path(dossier).parent.name == meeting.name
    instead = (
        f"; een vertrouwelijk dossier komt op de agenda als '- dossier: {Path(dossier).name}'"
        if exact and home
        else ""
    )
    said = f"is {term.what} van" if exact else f"noemt {term.what} '{term.text}' van"
    return Problem(
        meeting.source.display,
        meeting.source.line_of(where),
        field_label(where),
        f"{said} {dossier}, dat niet openbaar is: als los agendapunt staat het zo op de "
        f"openbare agenda (haal {'de regel' if exact else 'het'} weg{instead})",
        "waarschuwing",
    )


def _same_meeting_twice(project: Project, meetings: Sequence[MeetingInput]) -> list[Problem]:
    """A warning at each meeting with the overleg, datum and aanvang of another: a copy of a
    meeting folder, under another name, would be exported as a second meeting. Said at the
    one not exported (by folder name when both or neither were); not for a cancelled one:
    another may be held on its day instead."""
    first: dict[tuple[str, dt.date, str], MeetingInput] = {}
    problems: list[Problem] = []
    held = (meeting for meeting in meetings if not meeting.meeting.cancelled)

    def exported_first(meeting: MeetingInput) -> tuple[bool, str]:
        return not (meeting.folder / PUBLICATION_FILE).exists(), meeting.name

    for meeting in sorted(held, key=exported_first):
        data = meeting.meeting
        same = (" ".join(data.meeting.casefold().split()), data.date, data.start)
        earlier = first.setdefault(same, meeting)
        if earlier is meeting or _told_as_twin(earlier.name, meeting.name):
            continue
        problems.append(
            Problem(
                meeting.source.display,
                meeting.source.line_of(("datum",)),
                "datum",
                f"hetzelfde overleg op dezelfde dag en tijd als {project.display(earlier.folder)}:"
                " is deze vergadermap een kopie? (haal de kopie weg, of geef deze vergadering "
                "haar eigen datum, aanvang of overleg)",
                "waarschuwing",
            )
        )
    return problems


# A date at the start of a folder's name, in whatever form: '5-3-2027-', '2027_03_05 '.
_LEADING_DATE = re.compile(r"^\d{1,4}[-_. ]\d{1,2}[-_. ]\d{1,4}(?:[-_. ]+|$)")


def _told_as_twin(one: str, other: str) -> bool:
    """Whether two meeting folders are told apart already: names alike but for capitals
    (case_names), or one Explorer's copy of the other (its dossiers' kenmerken say so)."""
    return (
        one.casefold() == other.casefold()
        or is_copied_folder(one, other)
        or is_copied_folder(other, one)
    )


# No meeting starts before this hour: '2 uur' is what a clerk says of two in the afternoon.
_FIRST_HOUR = 7


def before_the_day(start: str) -> str | None:
    """What to say of a meeting's ``start`` (UU:MM) in the night or at dawn; None by day."""
    hour, minute = (int(part) for part in start.split(":"))
    if hour >= _FIRST_HOUR:
        return None
    return (
        f"'{start}' ligt vóór zeven uur 's ochtends (bedoelt u '{hour + 12:02d}:{minute:02d}'? "
        "schrijf een tijd in de middag als 14:00)"
    )


def _undated_folder(name: str, day: dt.date, display: str, source: Source) -> Problem:
    """The warning for a meeting folder whose name does not start with its day, JJJJ-MM-DD.

    'assembler vergadering' makes no such folder; one made by hand is built, but the date in
    the name is how a meeting is known as the next of its series (vergadering, verplaats), and
    a copy of a meeting under another name would be a second meeting of the same day.
    """
    # The name without a date in front in any form, as an agenda can hold it.
    rest = _LEADING_DATE.sub("", name)
    suggested = f"{day.isoformat()}-{suggested_folder_name(rest) if rest else 'overleg'}"
    return Problem(
        display,
        source.line_of(("datum",)),
        "datum",
        f"de naam van de vergadermap, '{name}', begint niet met de datum van de vergadering in "
        f"de vorm JJJJ-MM-DD (hernoem de map naar {suggested})",
        "waarschuwing",
    )


def _day_in_name(name: str) -> dt.date | None:
    """The day a meeting folder's name starts with ("2023-05-26-pfho-economie"), if any."""
    try:
        return dt.date.fromisoformat(name[:10]) if len(name) >= 10 else None
    except ValueError:
        return None


_MOVED_BY_HAND = (
    "is de map verplaatst? zet hem terug; 'assembler verplaats' zet een punt op een andere "
    "vergadering en past beide agenda's aan"
)


def _folder_problems(
    project: Project,
    unlisted: list[tuple[MeetingInput, str]],
    absent: list[tuple[MeetingInput, int, str]],
) -> list[Problem]:
    """Folders an agenda leaves out, agenda entries without a folder; a move by hand as that.

    A folder moved by hand from one meeting to another is both: named by the agenda it left,
    left out by the agenda of the meeting it came to.
    """
    left_out = {name: meeting for meeting, name in unlisted}
    named_without = {name: meeting for meeting, _index, name in absent}
    # An agenda entry typed otherwise than its folder's name ('jeugzorg' for 'jeugdzorg'): one
    # mistake, said once, at the agenda's line to mend.
    typos = {
        (id(meeting), name): meant
        for meeting, _index, name in absent
        # A folder that is there, its dossier.yaml misnamed or gone, is the one meant.
        if name not in left_out and not _lexists(meeting.folder / name)
        for meant in [
            likely_meant(
                name,
                [
                    folder
                    for m, folder in unlisted
                    if m is meeting
                    and folder not in named_without
                    # One the agenda cannot name as it is gets advice to rename it instead.
                    and not folder_name_problem(folder)
                ],
            )
        ]
        if meant is not None
    }
    # Two entries alike to one folder: which one was meant is not for this check to guess.
    guessed = Counter((key, meant) for (key, _name), meant in typos.items())
    typos = {entry: meant for entry, meant in typos.items() if guessed[(entry[0], meant)] == 1}
    meant_by = {(key, meant) for (key, _name), meant in typos.items()}
    problems = []
    for meeting, name in unlisted:
        if (id(meeting), name) in meant_by:
            continue
        came_from = named_without.get(name)
        message = f"dossiermap '{name}' staat niet op de agenda"
        if came_from is not None and came_from is not meeting:
            message += f", wel op die van {came_from.name} ({_MOVED_BY_HAND})"
        elif folder_name_problem(name):
            # The agenda cannot name it as it is: advice to add it would go round in circles.
            message += (
                " (hernoem de map eerst: alleen letters, cijfers, punten en streepjes; "
                "zet dan die naam op de agenda)"
            )
        else:
            # Three ways out; "verplaats de map" alone read as the verplaats command.
            shown = project.display(meeting.folder / name)
            message += (
                f" (voeg '- dossier: {name}' toe; is het uitgesteld: 'assembler verplaats "
                f"{shown} VERGADERMAP'; is het ingetrokken: haal de map uit dossiers/)"
            )
        problems.append(
            Problem(
                project.display(meeting.folder / MEETING_FILE),
                meeting.source.line_of(("agenda",)),
                "agenda",
                message,
            )
        )
    for meeting, index, name in absent:
        went_to = left_out.get(name)
        misnamed = misnamed_file(meeting.folder / name)
        meant = typos.get((id(meeting), name))
        if went_to is not None and went_to is not meeting:
            where = f", wel in {project.display(went_to.folder)} ({_MOVED_BY_HAND})"
        elif meant is not None:
            where = (
                f", wel '{meant}': hoofdletters en kleine letters tellen mee (schrijf "
                f"'- dossier: {meant}')"
                if meant.casefold() == name.casefold()
                else f", wel '{meant}' (bedoelt u '- dossier: {meant}'?)"
            )
        elif misnamed is not None:
            where = f": de map bevat '{misnamed}' (hernoem dat bestand naar {DOSSIER_FILE})"
        elif (shortcut := _shortcut_to_folder(meeting.folder, name)) is not None:
            where = (
                f": '{shortcut}' is een snelkoppeling naar de map, niet de map zelf (zet de "
                f"dossiermap zelf in {project.display(meeting.folder)}, en haal de snelkoppeling "
                "weg)"
            )
        else:
            where = (
                " (controleer de mapnaam; is het dossier weggehaald, haal dan ook deze regel van "
                "de agenda)"
            )
        problems.append(
            Problem(
                project.display(meeting.folder / MEETING_FILE),
                meeting.source.line_of(("agenda", index)),
                field_label(("agenda", index, "dossier")),
                f"er is geen dossiermap '{name}' met een {DOSSIER_FILE} in "
                f"{project.display(meeting.folder)}{where}",
            )
        )
    return problems


def _shortcut_to_folder(folder: Path, name: str) -> str | None:
    """The Windows shortcut in ``folder`` that stands where the folder ``name`` was meant."""
    try:
        return windows_shortcut(name, sorted(os.listdir(folder)), file=False)
    except OSError:
        return None


def _lexists(path: Path) -> bool:
    """Whether anything is at ``path`` (a link too); True when that cannot be seen."""
    try:
        return os.path.lexists(path)
    except OSError:
        return True


def likely_meant(
    name: str, folders: list[str], *, cutoff: float = 0.8, beginnings: bool = True
) -> str | None:
    """The folder (or overleg) among ``folders`` that ``name`` was most likely meant to name,
    by its letters: one much alike (``cutoff``: difflib's ratio), or else the only one a single
    typing slip away ('wm0' for 'wmo', too short for likeness by share of letters), or else
    (``beginnings``) the only one that begins with it, or with which it begins ('jeugdzorg'
    for 'jeugdzorg-regio', too far apart by letters alone)."""
    by_letters = {folder.casefold(): folder for folder in folders}
    typed = name.casefold()
    close = difflib.get_close_matches(typed, list(by_letters), n=1, cutoff=cutoff)
    if close:
        return by_letters[close[0]]
    slipped = [
        folder
        for letters, folder in by_letters.items()
        if min(len(letters), len(typed)) >= _SLIP_CHARS and _one_slip_apart(letters, typed)
    ]
    if len(slipped) == 1:
        return slipped[0]
    if not beginnings:
        return None
    akin = [
        folder
        for letters, folder in by_letters.items()
        if min(len(letters), len(typed)) >= _PREFIX_CHARS
        and (letters.startswith(typed) or typed.startswith(letters))
    ]
    return akin[0] if len(akin) == 1 else None


# A beginning shorter than this ('res', 'pfho') says too little to pair a folder by.
_PREFIX_CHARS = 5
# Names shorter than this ('ab' and 'ac') are one slip apart from too many others.
_SLIP_CHARS = 3


def _one_slip_apart(first: str, second: str) -> bool:
    """Whether ``second`` is ``first`` with one character mistyped, added, left out, or two
    neighbours swapped."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differ = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and first[differ[0]] == second[differ[1]]
            and first[differ[1]] == second[differ[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def folder_name_problem(name: str) -> str | None:
    """Why ``name`` cannot stand on an agenda as ``dossier: name``, or None."""
    try:
        TypeAdapter(FolderName).validate_python(name)
    except ValidationError as error:
        return str(error.errors()[0]["msg"])
    return None


# "- dossier:memo": without the space YAML reads one word, a loose item, not a field; so with
# a no-break space pasted from Word or Outlook, which YAML does not count as a space.
_GLUED_DOSSIER = re.compile(r"^dossier:([\u00a0\u2007\u202f]*)(\S+)$", re.IGNORECASE)


def _glued_dossier_message(entry: str, glued: re.Match[str]) -> str:
    """Why ``entry`` ('dossier:memo', 'dossier' and a no-break space) names no dossier."""
    instead = f"'- dossier: {glued.group(2)}'"
    if not glued.group(1):
        return (
            f"'{entry}' is geen dossier maar tekst (zet een spatie na de dubbele punt: {instead})"
        )
    return (
        f"'{entry}' is geen dossier maar tekst: na de dubbele punt staat een vaste spatie "
        f"(U+{ord(glued.group(1)[0]):04X}), en YAML leest die niet als spatie (typ daar een "
        f"gewone spatie: {instead})"
    )


# Words in a loose agenda item that show the clerk meant it to stay off the public side
# ("Vertrouwelijke mededelingen"); not "niet-vertrouwelijke", "geen geheime", "zonder
# vertrouwelijke bijlagen", "wel of niet openbaar", "niet-openbaar gemaakte delen" (a Woo
# decision), "geheime stemming" (held in the open meeting) or "vertrouwelijkheid" (a topic).
_NOT_SAID_OF_ITSELF = r"(?<!niet[- ])(?<!geen )(?<!zonder )(?<!\bof )"
_NOT_MADE = r"(?!\s+gemaakt)"
_SAYS_CONFIDENTIAL = re.compile(
    _NOT_SAID_OF_ITSELF
    + r"\b(vertrouwelijk(?!heid)\w*|niet[- ]openbaar|geheime?(?! stemming)|gesloten deuren)\b"
    + _NOT_MADE,
    re.IGNORECASE,
)
# The same in an annex's description, which says it of the annex itself only uninflected
# ("(vertrouwelijk)", "NIET OPENBAAR - taxatie"): a public annex's description speaks of
# "vertrouwelijke passages weggelakt" or of a "geheime stemming".
_ANNEX_SAYS_CONFIDENTIAL = re.compile(
    _NOT_SAID_OF_ITSELF + r"\b(vertrouwelijk|niet[- ]openbaar|geheim)\b" + _NOT_MADE,
    re.IGNORECASE,
)


def _validate_meeting(
    source: Source, problems: list[Problem]
) -> tuple[Vergadering | None, dict[int, str]]:
    """The meeting model, and the agenda entries that were rejected (index -> what they said).

    A bad agenda entry rejects only that entry (DESIGN §3: "that dossier is not built, the rest
    is"); any other problem rejects the whole meeting file.
    """
    try:
        return Vergadering.model_validate(source.data), {}
    except ValidationError as error:
        problems.extend(problems_from_validation(error, source, Vergadering))
        locations = [clean(item["loc"]) for item in error.errors(include_url=False)]
    data = source.data
    entries = data.get("agenda") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(entries, list):
        return None, {}
    agenda = list(entries)
    if not all(
        len(loc) >= 2 and loc[0] == "agenda" and isinstance(loc[1], int) for loc in locations
    ):
        return None, {}
    bad: dict[int, str] = {}
    for loc in locations:
        index = int(loc[1])
        entry = agenda[index]
        named = entry.get("dossier") if isinstance(entry, dict) else None
        bad[index] = named if isinstance(named, str) and named.strip() else BAD_ENTRY
        agenda[index] = BAD_ENTRY
    try:
        return Vergadering.model_validate({**data, "agenda": agenda}), bad
    except ValidationError:  # pragma: no cover - only agenda entries were wrong
        return None, {}


# The fields of running text (Markdown), of every kind of document.
_TEXT_KEYS = frozenset(name for model in DOCUMENT_KINDS.values() for name in markdown_fields(model))


def declared_public(folder: Path) -> bool:
    """Whether the dossier.yaml in ``folder`` says verspreiden: Ja, also if it was refused."""
    try:
        data = load_yaml(folder / DOSSIER_FILE).data
    except InputRejected:
        return False
    return isinstance(data, dict) and says_public(data.get("verspreiden"))


def load_dossier(
    project: Project,
    folder: Path,
    context: dict[str, Any],
    problems: list[Problem],
    set_aside: list[DossierInput] | None = None,
) -> DossierInput | None:
    """Validate one dossier folder; add its problems to ``problems``; None when rejected.

    One rejected whose annex entries are valid goes to ``set_aside``, refused annexes marked.
    """
    display = project.display(folder / DOSSIER_FILE)
    for path, what in ((folder, "de dossiermap"), (folder / DOSSIER_FILE, DOSSIER_FILE)):
        outside = outside_problem(project, path, what)
        if outside:
            problems.append(Problem(display, None, "", outside))
            return None
    problems += read_beside(folder / DOSSIER_FILE, display)
    try:
        source = load_yaml(folder / DOSSIER_FILE, display, _TEXT_KEYS)
    except PartlyRead as rejected:
        problems.extend(rejected.problems)
        # Refused, but the rest of the file is checked in the same round, as far as the
        # builder read it (see PartlyRead.besides).
        kept = None if rejected.covers("bijlagen") else set_aside
        found: list[Problem] = []
        valid = _check_dossier(folder, display, rejected.source, context, found, kept)
        problems.extend(rejected.besides(found))
        if valid is not None and kept is not None:
            kept.append(valid)  # its annexes judged by the intake too, in the same round
        return None
    except InputRejected as rejected:
        problems.extend(rejected.problems)
        return None
    return _check_dossier(folder, display, source, context, problems, set_aside)


def _check_dossier(
    folder: Path,
    display: str,
    source: Source,
    context: dict[str, Any],
    problems: list[Problem],
    set_aside: list[DossierInput] | None,
) -> DossierInput | None:
    """Validate the dossier.yaml read as ``source`` (see load_dossier)."""
    # The annex paths are judged knowing the folder (see model.RelativeFile).
    context = {**context, "dossiermap": folder}
    data = source.data
    assert isinstance(data, dict)
    kind = data.get("sjabloon", "voorstel")
    choices = ", ".join(sorted(DOCUMENT_KINDS))
    if kind is None or (isinstance(kind, str) and not kind.strip()):
        # `sjabloon:` left empty is no voorstel: checked as one, a memo got nine wrong messages.
        problems.append(
            Problem(
                display,
                source.line_of(("sjabloon",)),
                "sjabloon",
                f"is leeg (kies uit: {choices}; zonder deze regel is het een voorstel)",
            )
        )
        return None
    model = DOCUMENT_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        unseen = invisible_characters(kind) if isinstance(kind, str) else None
        same_letters = same_letters_as(str(kind), DOCUMENT_KINDS)
        if unseen:
            said = f"'{without_invisible(str(kind))}' {unseen} (haal het weg; kies uit: {choices})"
        elif same_letters is not None:
            # The kind is a template's file name, and the editors' schema tells kinds apart by
            # it as written: the same rule as for every other choice of a list.
            said = case_only_message(str(kind), "sjabloon", same_letters, "geen bekend sjabloon")
            # What else that kind says of the file, so that it is mended in one round.
            problems += _problems_as(DOCUMENT_KINDS[same_letters], source, context)
        else:
            said = f"'{kind}' is geen bekend sjabloon (kies uit: {choices})"
        problems.append(Problem(display, source.line_of(("sjabloon",)), "sjabloon", said))
        return None
    if "sjabloon" not in data:
        other = _other_kind(data, model)
        if other is not None:
            # Read as a voorstel, a memo got eight messages to delete its own fields: one
            # message says what it is, the rest is what that kind would be told.
            problems.extend(_other_kind_problems(source, display, *other, context))
            return None
    try:
        document = model.model_validate(data, context=context)
    except ValidationError as error:
        validation = problems_from_validation(error, source, model)
        # All problems of a file at once: its annex files are checked too, when the annex
        # entries themselves are valid, so a clerk does not mend it in two rounds.
        annexes, unknown = annexes_alone(data)
        if not annexes:
            problems.extend(validation)
            return None
        # Confidential unless it says otherwise: the intake then reads every page.
        public = declared_public(folder)
        distribution = Verspreiden.JA if public else Verspreiden.NEE
        stand_in = DossierInput(
            folder,
            source,
            model.model_construct(annexes=annexes, distribution=distribution),
            refused_annexes=unknown,
        )
        unclaimed: list[str] = []
        annex_problems = check_annex_files(stand_in, display, unclaimed=unclaimed)
        # An entry without 'bestand:' is told the file of the folder it likely meant.
        problems.extend(file_left_out(validation, unclaimed))
        if len(unknown) < len(annexes):
            problems.extend(annex_problems)
            _set_aside(stand_in, annex_problems, set_aside)
        return None
    dossier = DossierInput(folder, source, document)
    annex_problems = check_annex_files(dossier, display)
    # An annex name cut short at ' #' is refused saying so: not warned about again.
    refused = {problem.veld for problem in annex_problems if problem.ernst == "fout"}
    cut_names = [path for path in source.cut_by_comment if field_label(path) in refused]
    problems.extend(content_warnings(source, display, markdown_fields(model), cut_names))
    problems.extend(_annexes_said_confidential(dossier, display))
    problems.extend(annex_problems)
    if any(problem.ernst == "fout" for problem in annex_problems):
        _set_aside(dossier, annex_problems, set_aside)
        return None
    return dossier


def _other_kind(
    data: dict[str, Any], model: type[Document]
) -> tuple[type[Document], list[str]] | None:
    """The one other document kind of which ``data`` has keys that ``model`` does not know,
    and no key that only ``model`` knows, and those keys; else None (a stray key is said as
    unknown). A typo besides ('vanaf:' in a memo) is said as that kind's unknown field."""
    own = set(allowed_keys((), model))
    fitting = []
    for kind in DOCUMENT_KINDS.values():
        theirs = set(allowed_keys((), kind))
        if kind is model or any(key in own - theirs for key in data):
            continue
        only_theirs = [key for key in data if key in theirs - own]
        if only_theirs:
            fitting.append((kind, only_theirs))
    return fitting[0] if len(fitting) == 1 else None


def _other_kind_problems(
    source: Source, display: str, kind: type[Document], own: list[str], context: dict[str, Any]
) -> list[Problem]:
    """Why a dossier without ``sjabloon:`` that has ``kind``'s ``own`` fields is refused: it
    lacks the line, and what else ``kind`` would say of it."""
    assert isinstance(source.data, dict)
    problems = [
        Problem(
            display,
            source.line_of((next(iter(source.data)),)),  # its first key: where the line goes
            "sjabloon",
            f"ontbreekt, maar dit lijkt een {kind.kind} ({', '.join(own)}) (zet "
            f"'sjabloon: {kind.kind}' bovenaan)",
        )
    ]
    return problems + _problems_as(kind, source, context)


def _problems_as(kind: type[Document], source: Source, context: dict[str, Any]) -> list[Problem]:
    """What validation says of ``source`` as a document of ``kind``, but of its ``sjabloon``."""
    assert isinstance(source.data, dict)
    try:
        kind.model_validate({**source.data, "sjabloon": kind.kind}, context=context)
    except ValidationError as error:
        return problems_from_validation(error, source, kind)
    return []


def _annexes_said_confidential(dossier: DossierInput, display: str) -> list[Problem]:
    """A warning for each annex of a public dossier whose description says it is confidential:
    it is published with the dossier (a wrong verspreiden, or an annex in the wrong dossier)."""
    if not dossier.document.is_public:
        return []
    problems = []
    for index, annex in enumerate(dossier.document.annexes):
        said = _ANNEX_SAYS_CONFIDENTIAL.search(annex.description)
        if said is None:
            continue
        path = ("bijlagen", index, "omschrijving")
        problems.append(
            Problem(
                display,
                dossier.source.line_of(path),
                field_label(path),
                f"zegt '{said.group()}', maar het dossier is openbaar (verspreiden: Ja), dus wordt "
                "deze bijlage gepubliceerd (zet de bijlage in een dossier met verspreiden: Nee, "
                "zet hier verspreiden: Nee, of pas de omschrijving aan)",
                "waarschuwing",
            )
        )
    return problems


def _set_aside(
    dossier: DossierInput, annex_problems: list[Problem], set_aside: list[DossierInput] | None
) -> None:
    """Keep a refused dossier for the annex intake, the annexes refused already marked."""
    if set_aside is None:
        return
    refused = {problem.veld for problem in annex_problems if problem.ernst == "fout"}
    count = len(dossier.document.annexes)
    marked = [i for i in range(count) if field_label(("bijlagen", i, "bestand")) in refused]
    refused_annexes = dossier.refused_annexes | frozenset(marked)
    set_aside.append(dataclasses.replace(dossier, refused_annexes=refused_annexes))


@dataclass(frozen=True)
class _Claim:
    """A dossier's kenmerk, of a dossier that validated or one refused for something else."""

    folder: Path
    source: Source
    reference: str


def _refused_claim(project: Project, folder: Path, problems: list[Problem]) -> list[_Claim]:
    """The kenmerk of a refused dossier, when nothing was refused of it: a kenmerk it shares is
    said in the same round as the rest of the file (all problems of a file at once)."""
    display = project.display(folder / DOSSIER_FILE)
    if any(
        p.bestand == display and p.veld in ("", "kenmerk") and p.ernst == "fout" for p in problems
    ):
        return []  # the file could not be read, or its kenmerk is wrong itself
    try:
        source = load_yaml(folder / DOSSIER_FILE, display, _TEXT_KEYS)
    except PartlyRead as rejected:
        if rejected.covers("kenmerk"):
            return []  # a kenmerk written twice: which one is meant is for the clerk to say
        source = rejected.source
    except InputRejected:
        return []
    reference = source.data.get("kenmerk") if isinstance(source.data, dict) else None
    if not isinstance(reference, str | int | float) or not str(reference).strip():
        return []
    return [_Claim(folder, source, str(reference).strip())]


def _check_unique_references(
    project: Project,
    dossiers: list[_Claim],
    days: dict[Path, dt.date],
    problems: list[Problem],
    archived: dict[str, str],
    pattern: str,
) -> set[Path]:
    """Refuse dossiers that share a kenmerk; the one of the earliest meeting keeps it.

    A dossier copied into a later meeting instead of moved (DESIGN: a postponed item moves)
    is the copy: refusing the first one too would block a meeting that was held already.
    A dossier in a meeting folder copied beside it in Explorer ('… - Kopie') is refused as
    that copy, with advice to remove it: the original keeps its kenmerk, built or not.
    Where no one meeting came first, the one dossier of them that was built or exported
    before keeps it (a copy made this week for a new item is not): the meeting's real item
    still builds. Where none or more than one was, every one of them is refused. A kenmerk an
    archived dossier holds (``archived``: kenmerk -> its dossier.yaml's path) is taken by it:
    every dossier that has it too is refused, as a copy of last year's dossier would be.
    Each refusal names a free kenmerk, the one ``assembler new`` would hand out there; the
    next refusal (in the order they are said) the one after it, so that a clerk who follows
    each of them makes no new twins. Two dossiers of which either may keep it are told so, and
    named the same free one: only one of them is to change.
    """
    by_reference: dict[str, list[_Claim]] = {}
    for dossier in dossiers:
        by_reference.setdefault(dossier.reference, []).append(dossier)
    # Each refusal's message, before and after the free kenmerk it names.
    refusals: list[tuple[_Claim, str, str]] = []
    # Two dossiers of which either may keep their kenmerk, by folder: one free kenmerk for both.
    either: dict[Path, str] = {}
    for reference, group in by_reference.items():
        held = archived.get(reference)
        if held is not None:
            refusals += [
                (
                    dossier,
                    f"'{reference}' is al het kenmerk van {project.display(Path(held))}, op een "
                    "gearchiveerde vergadering (geef dit dossier een eigen kenmerk",
                    "; een kenmerk blijft bezet als zijn vergadering gearchiveerd is)",
                )
                for dossier in group
            ]
            continue
        if len(group) < 2:
            continue
        # A meeting folder copied in Explorer ('… - Kopie') holds the same dossiers: the copy
        # is what to remove, and the meeting copied keeps its kenmerken (sent out already).
        copies = [(dossier, _copied(dossier, group)) for dossier in group]
        for dossier, original in copies:
            if original is not None:
                refusals.append(
                    (
                        dossier,
                        f"'{reference}' is al het kenmerk van "
                        f"{project.display(original.folder / DOSSIER_FILE)}: de vergadermap "
                        f"'{dossier.folder.parent.name}' is een kopie van "
                        f"'{original.folder.parent.name}' (haal de kopie weg; is het een nieuwe "
                        "vergadering, geef de map dan een eigen naam en dit dossier een eigen "
                        "kenmerk",
                        ")",
                    )
                )
        group = [dossier for dossier, original in copies if original is None]
        if len(group) < 2:
            continue
        first = _first_holder(group, days)
        made = None if first is not None else _made_before(project, group)
        for dossier in group:
            if dossier is first or (made is not None and dossier is made[0]):
                continue
            if first is not None:
                refusals.append(
                    (
                        dossier,
                        f"'{reference}' is al het kenmerk van "
                        f"{project.display(first.folder / DOSSIER_FILE)}, op een eerdere "
                        "vergadering (geef dit dossier een eigen kenmerk",
                        "; een uitgesteld punt verplaatst u met 'assembler verplaats', niet "
                        "met een kopie)",
                    )
                )
            elif made is not None:
                refusals.append(
                    (
                        dossier,
                        f"'{reference}' is al het kenmerk van "
                        f"{project.display(made[0].folder / DOSSIER_FILE)}, dat al {made[1]} is "
                        "(geef dit dossier een eigen kenmerk",
                        ")",
                    )
                )
            else:
                # Which one it was given to first only the clerk knows: one of them keeps it.
                others = dutch_list(
                    [
                        project.display(other.folder / DOSSIER_FILE)
                        for other in group
                        if other is not dossier
                    ]
                )
                if len(group) == 2:
                    either[dossier.folder] = reference
                    change = "één van beide dossiers", "het andere houdt dit kenmerk"
                else:
                    change = "alle dossiers op één na", "dat ene houdt dit kenmerk"
                refusals.append(
                    (
                        dossier,
                        f"'{reference}' is ook het kenmerk van {others} (geef {change[0]} een "
                        "eigen kenmerk",
                        f"; {change[1]})",
                    )
                )
    # Numbered in the order the problems are said (sort_problems: by file).
    refusals.sort(key=lambda refusal: project.display(refusal[0].folder / DOSSIER_FILE))
    handed_out: dict[int, str] = {}
    named: dict[str, str] = {}  # kenmerk -> the free one named to the first of such two
    for dossier, before, after in refusals:
        pair = either.get(dossier.folder)
        free = named.get(pair) if pair is not None else None
        if free is None:
            free = _free_reference(project, days, handed_out, pattern, dossier)
            if pair is not None:
                named[pair] = free
        problems.append(
            Problem(
                project.display(dossier.folder / DOSSIER_FILE),
                dossier.source.line_of(("kenmerk",)),
                "kenmerk",
                before + free + after,
            )
        )
    return {dossier.folder for dossier, _before, _after in refusals}


def _free_reference(
    project: Project,
    days: dict[Path, dt.date],
    handed_out: dict[int, str],
    pattern: str,
    dossier: _Claim,
) -> str:
    """', het eerstvolgende vrije is 26.0000006': the kenmerk ``assembler new`` would hand out
    in ``dossier``'s meeting (of the year of its date, or today's when that is later), or the
    one after what ``handed_out`` (the last one named, by year) named already; empty where new
    hands out none (a custom ``pattern``) or ``dossier``'s meeting is not read."""
    day = days.get(dossier.folder.parent)
    if day is None or pattern != DEFAULT_REFERENCE_PATTERN:
        return ""
    year = min(dt.date.today(), day).year
    last = handed_out.get(year)
    if last is None:  # the whole dossiers/ tree is read: once a year asked
        handed_out[year] = next_reference(project, year)
    else:
        prefix, _, number = last.partition(".")
        handed_out[year] = f"{prefix}.{int(number) + 1:07d}"
    return f", het eerstvolgende vrije is {handed_out[year]}"


def _made_before(project: Project, group: list[_Claim]) -> tuple[_Claim, str] | None:
    """The one dossier of ``group`` that was built or exported before, with which of the two
    ('gebouwd', 'geëxporteerd'); None when none or more than one was."""
    made: list[tuple[_Claim, str]] = []
    for dossier in group:
        meeting, name = dossier.folder.parent, dossier.folder.name
        if _exported(meeting, name):
            made.append((dossier, "geëxporteerd"))
        elif dossier_record(project, meeting.name, name).is_file():
            made.append((dossier, "gebouwd"))
    return made[0] if len(made) == 1 else None


def _exported(meeting: Path, name: str) -> bool:
    """Whether the meeting's publicatie.json keeps a document of dossier folder ``name``
    (its keys are '<side>:<folder>/<document>')."""
    try:
        records = read_json(meeting / PUBLICATION_FILE).get("documenten", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(records, dict) and any(
        str(key).partition(":")[2].startswith(f"{name}/") for key in records
    )


def _copied(dossier: _Claim, group: list[_Claim]) -> _Claim | None:
    """The dossier of ``group`` that ``dossier`` is a copy of, by its meeting folder's name
    (see is_copied_folder), beside it; None for one that is no such copy."""
    meeting = dossier.folder.parent
    return next(
        (
            other
            for other in group
            if other.folder.parent.parent == meeting.parent
            and other.folder.name == dossier.folder.name
            and is_copied_folder(meeting.name, other.folder.parent.name)
        ),
        None,
    )


def _first_holder(group: list[_Claim], days: dict[Path, dt.date]) -> _Claim | None:
    """The one dossier of ``group`` on the earliest meeting, if one alone is."""
    dated = [(days.get(dossier.folder.parent), dossier) for dossier in group]
    known = sorted((day, index) for index, (day, _) in enumerate(dated) if day is not None)
    if len(known) < len(dated) or (len(known) > 1 and known[0][0] == known[1][0]):
        return None
    return dated[known[0][1]][1]


def _without(meeting: MeetingInput, rejected: set[Path]) -> MeetingInput:
    if not rejected:
        return meeting
    return meeting.keeping(lambda dossier: dossier.folder not in rejected)


def _select(
    project: Project,
    meetings: list[MeetingInput],
    problems: list[Problem],
    wanted: Sequence[Path],
) -> tuple[list[MeetingInput], list[Problem]]:
    """The meetings, and the dossiers of a meeting, among the folders ``wanted`` (see
    selected_folder; none: all), with the problems said in them."""
    if not wanted or project.dossiers in wanted:
        return meetings, problems
    selected: list[MeetingInput] = []
    prefixes: list[str] = []
    for meeting in meetings:
        folder = meeting.folder
        if folder in wanted:
            selected.append(meeting)
            continue
        chosen = {p for p in wanted if p.parent == folder}
        if chosen:
            # The lambda runs inside keeping(), before `chosen` changes: binding is safe.
            selected.append(
                meeting.keeping(lambda dossier: dossier.folder in chosen)  # noqa: B023
            )
    for path in wanted:
        prefixes.append(project.display(path))
    kept = [
        p
        for p in problems
        if any(p.bestand == prefix or p.bestand.startswith(prefix + "/") for prefix in prefixes)
        or (
            p.bestand.endswith("/" + MEETING_FILE)
            and any(prefix.startswith(p.bestand.rsplit("/", 1)[0] + "/") for prefix in prefixes)
        )
        # An error at a folder above it (one that cannot be read): why nothing was checked.
        or any(prefix.startswith(p.bestand + "/") for prefix in prefixes)
    ]
    return selected, kept


# What check, build and export ask for on their command line, as their messages say it.
ANY_FOLDER = "een vergadermap of dossiermap"
A_MEETING = "een vergadermap"


def selected_folder(
    project: Project, path: Path, *, asked: str = ANY_FOLDER, all_too: bool | None = None
) -> Path:
    """The folder a path on the command line selects, under ``project.dossiers`` as a meeting's
    and a dossier's folders are named there: the dossiers folder, a meeting's or a dossier's; a
    file in one of them selects that folder. A dossier folder that is a link selects itself,
    not where it leads. ``asked`` is what the messages tell the clerk to give instead;
    ``all_too`` whether they say that nothing may be given (all meetings): by default when
    ``asked`` is ANY_FOLDER."""
    given = Path(os.path.abspath(path))
    try:
        exists = given.exists()
        if not exists and not path.is_absolute() and (project.dossiers / path).exists():
            # A meeting's name as the agenda and 'new' call it ('2023-06-23-pfho-ruimte-
            # wonen', or with its dossier's after it), typed where dossiers/ is not.
            given, exists = Path(os.path.abspath(project.dossiers / path)), True
    except OSError:
        exists = True  # in a folder that cannot be looked into: said at that folder
    if not exists:
        raise UsageError(missing_path_message(project, path, asked))
    dossiers = project.dossiers
    if given.is_relative_to(dossiers):
        parts = given.relative_to(dossiers).parts
    elif given.resolve().is_relative_to(dossiers.resolve()):
        parts = given.resolve().relative_to(dossiers.resolve()).parts
    else:
        raise UsageError(
            f"{project.display(path)}: ligt niet in {project.display(project.dossiers)} "
            f"(geef {asked} op)"
        )
    if not parts:
        return dossiers
    nested = _nested_meeting(dossiers, parts)
    if nested is not None:
        raise UsageError(
            _nested_message(project, path, nested, nested == dossiers.joinpath(*parts))
        )
    meeting = dossiers / parts[0]
    try:
        if len(parts) > 1 and (meeting / parts[1]).is_dir():
            dossier = meeting / parts[1]
            if _holds_yaml(dossier) or variants(dossier, DOSSIER_FILE):
                return dossier
            if _on_the_agenda(meeting, parts[1]):
                return dossier  # its dossier.yaml gone: said at the agenda's line
            raise UsageError(
                f"{project.display(path)}: is geen dossiermap, er staat geen {DOSSIER_FILE} in "
                f"(geef {asked} op)"
            )
        if meeting.is_dir() and (
            _holds_yaml(meeting)
            or variants(meeting, MEETING_FILE)
            or any(_dossier_folders_in(meeting))
        ):
            return meeting
    except OSError:  # a folder that cannot be looked into: said there, when it is read
        return meeting / parts[1] if len(parts) > 1 else meeting
    # Checking 'organisatie.yaml', the house style or an odd folder would check nothing and
    # say "In orde": a clerk checking one file would believe it was checked.
    all_too = asked == ANY_FOLDER if all_too is None else all_too
    everything = ", of niets voor alle vergaderingen" if all_too else ""
    raise UsageError(
        f"{project.display(path)}: is geen vergadermap of dossiermap (geef {asked} op{everything})"
    )


def meeting_selected(project: Project, path: Path, *, all_meetings: bool = True) -> Path:
    """The meeting folder (or the dossiers folder: all) a path on export's command line selects;
    without ``all_meetings`` (publish) one meeting only.

    A package is always a whole meeting: a path in a dossier is refused, as publish refuses
    it, rather than export its whole meeting without a word. The messages ask for what the
    command takes: a meeting folder (or nothing, for export), not check's "of dossiermap"."""
    folder = selected_folder(project, path, asked=A_MEETING, all_too=all_meetings)
    if folder == project.dossiers and not all_meetings:
        raise UsageError(
            f"{project.display(path)}: is de map met alle vergaderingen; er wordt één "
            f"vergadering tegelijk gepubliceerd (geef {A_MEETING} op)"
        )
    if folder == project.dossiers or folder.parent == project.dossiers:
        return folder
    meeting = project.dossiers / folder.relative_to(project.dossiers).parts[0]
    where = "is een dossiermap" if Path(path).name == folder.name else "ligt in een dossiermap"
    raise UsageError(
        f"{project.display(path)}: {where}; er wordt altijd een hele vergadering geëxporteerd "
        f"(geef de vergadermap op: {project.display(meeting)})"
    )


def _nested_meeting(dossiers: Path, parts: tuple[str, ...]) -> Path | None:
    """The meeting folder deeper than directly in dossiers/ that a path is in or names
    (dossiers/archief/<meeting>, dossiers/2024/<meeting>/<dossier>), if any: only the folders
    directly in dossiers/ are meetings, so such a folder is never read."""
    for depth in range(2, len(parts) + 1):
        folder = dossiers.joinpath(*parts[:depth])
        try:
            if (folder / MEETING_FILE).is_file() and not (folder / DOSSIER_FILE).exists():
                return folder
        except OSError:  # a folder that cannot be looked into: said there, when it is read
            return None
    return None


def _nested_message(project: Project, path: Path, meeting: Path, named: bool) -> str:
    """Why a path in (or naming) a meeting folder that is not directly in dossiers/ is refused:
    checking it would check nothing and say "In orde"."""
    top = project.display(project.dossiers)
    advice = (
        f"(zet {'hem' if named else 'die vergadermap'} direct in {top}/ om hem te controleren "
        f"of te maken; een map in {top}/ met vergadermappen erin is een archief)"
    )
    if named:
        return (
            f"{project.display(path)}: deze vergadermap ligt niet direct in {top}/ en wordt "
            f"daarom niet gelezen {advice}"
        )
    return (
        f"{project.display(path)}: ligt in de vergadermap {project.display(meeting)}, die niet "
        f"direct in {top}/ ligt en daarom niet gelezen wordt {advice}"
    )


def missing_path_message(project: Project, path: Path, asked: str, *, advice: str = "") -> str:
    """What is said of a path on the command line that does not exist, with the hints an
    annex's name gets: '\\' for '/', a space at a name's edge (shown quoted), a near name;
    without one, ``advice`` (else "geef ``asked`` op") says what to do."""
    typed = str(path)
    shown = project.display(path)
    if any(part != part.strip() for part in re.split(r"[/\\]", shown)):
        shown = f"'{shown}'"  # a space at the edge of a name would not show
    mended = "/".join(part.strip() for part in typed.replace("\\", "/").split("/"))
    why = []
    if "\\" in typed:
        why.append("'\\' staat tussen de mappen, waar '/' hoort")
    if any(part != part.strip() for part in re.split(r"[/\\]", typed)):
        why.append("een naam heeft een spatie aan het begin of eind")
    found = _existing(project, mended) if mended != typed else None
    if found is not None and why:
        return f"{shown}: bestaat niet: {' en '.join(why)} (schrijf '{mended}')"
    same = _same_but_capitals(project, mended)
    to_make = None if same is not None else _meeting_to_make(project, mended)
    if to_make is not None:
        # Most often next month's meeting, not made yet: another date of it is no typo.
        return (
            f"{shown}: bestaat nog niet (maak de vergadering eerst met 'assembler vergadering "
            f"{to_make}')"
        )
    impossible = None if same is not None else _impossible_day(mended)
    if impossible is not None:
        # '2025-13-01-pfho-economie': a near folder's name would hide the date that is wrong.
        return f"{shown}: bestaat niet: '{impossible}' is geen bestaande datum (schrijf JJJJ-MM-DD)"
    meant = same or _one_named(project, mended) or _near_folder(project, mended)
    if meant is not None and asked == A_MEETING and _is_dossier(project, meant):
        # export and publish take a whole meeting: its dossier's path they would refuse next.
        return (
            f"{shown}: bestaat niet (bedoelt u '{Path(meant).parent.as_posix()}', de "
            f"vergadering van het dossier {Path(meant).name}?)"
        )
    if meant is not None:
        return f"{shown}: bestaat niet (bedoelt u '{meant}'?)"
    return f"{shown}: bestaat niet ({advice or f'geef {asked} op'})"


# A meeting folder's name: its date, then the name of its series ('pfho-economie').
DATED_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
# A date written as a clerk writes it in a folder's name: '19-02-2027-…' (Dutch order) or
# '2027-2-12-…' (unpadded).
_DUTCH_DATED = re.compile(r"^((\d{1,2})-(\d{1,2})-(\d{4}))-(.+)$")
_UNPADDED_DATED = re.compile(r"^((\d{4})-(\d{1,2})-(\d{1,2}))-(.+)$")


@dataclass(frozen=True)
class OtherDate:
    """The date a folder's name starts with, written otherwise than JJJJ-MM-DD."""

    typed: str  # as the name has it: '19-02-2027'
    name: str | None  # the name with it written JJJJ-MM-DD; None: that date does not exist


def date_written_otherwise(name: str) -> OtherDate | None:
    """The date ``name`` starts with if it is written otherwise ('19-02-2027-pfho-economie'
    gives '2027-02-19-pfho-economie'; '31-02-2027-…' one that does not exist); None for a
    name in the form JJJJ-MM-DD, or one that starts with no date at all."""
    dutch = _DUTCH_DATED.match(name)
    unpadded = _UNPADDED_DATED.match(name)
    if dutch is not None:
        typed, day, month, year, rest = dutch.groups()
    elif unpadded is not None and DATED_FOLDER.match(name) is None:
        typed, year, month, day, rest = unpadded.groups()
    else:
        return None
    try:
        written = dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return OtherDate(typed, None)
    return OtherDate(typed, f"{written}-{rest}")


def _in_dossiers(project: Project, given: Path) -> bool:
    """Whether ``given`` (as typed) names a folder directly in dossiers/, or is a bare name
    (the command line reads that in dossiers/ too)."""
    return given.parent == Path() or Path(os.path.abspath(given.parent)) == project.dossiers


def _impossible_day(typed: str) -> str | None:
    """The date a meeting folder's name ``typed`` begins with when there is no such day
    ('2025-13-01', '2024-02-30'); None for a name without a date or with one that exists."""
    dated = DATED_FOLDER.match(Path(typed).name)
    if dated is None:
        return None
    try:
        dt.date.fromisoformat(dated.group(1))
    except ValueError:
        return dated.group(1)
    return None


def _meeting_to_make(project: Project, typed: str) -> str | None:
    """The meeting yet to be made that ``typed`` names, as 'assembler vergadering' makes it: a
    date that exists, then the name of a meeting series there is ('2027-04-09-pfho-economie'
    beside '2023-05-26-pfho-economie'); the date written otherwise ('2027-4-9-…',
    '09-04-2027-…') is written JJJJ-MM-DD, as vergadering would refuse it, and is no typo of
    an old meeting's name either."""
    given = Path(typed)
    otherwise = date_written_otherwise(given.name)
    name = otherwise.name if otherwise is not None else given.name
    dated = DATED_FOLDER.match(name or "")
    if dated is None or not _in_dossiers(project, given):
        return None
    try:
        dt.date.fromisoformat(dated.group(1))
    except ValueError:
        return None
    series = dated.group(2).casefold()
    if not any(
        (other := DATED_FOLDER.match(folder.name)) is not None
        and other.group(2).casefold() == series
        for folder in meeting_folders(project.dossiers)
    ):
        return None
    return (given.parent / dated.group(0)).as_posix()


def _is_dossier(project: Project, typed: str) -> bool:
    """Whether ``typed`` (as the command line reads it) is a dossier folder in a meeting."""
    found = _existing(project, typed)
    try:
        return found is not None and stands_for_a_file(found / DOSSIER_FILE)
    except OSError:
        return False


def _one_named(project: Project, typed: str) -> str | None:
    """The one folder a bare name in dossiers/ most likely means: the only meeting on a date
    ('2027-01-15'), or the only dossier folder of that name ('woningbouw-2027', which lies
    in its meeting's folder; for 'M/woningbouw-2027', in a meeting other than M: moved),
    written as the command line takes it."""
    given = Path(typed)
    moved = _moved_dossier(project, given)
    if moved is not None:
        return moved
    if not given.name or not _in_dossiers(project, given):
        return None
    found: list[Path] = []
    with contextlib.suppress(OSError):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", given.name):
            found = [
                folder
                for folder in project.dossiers.iterdir()
                if folder.name.startswith(given.name + "-") and (folder / MEETING_FILE).is_file()
            ]
        elif given.parent == Path():
            found = [
                meeting / given.name
                for meeting in project.dossiers.iterdir()
                if (meeting / MEETING_FILE).is_file()
                and stands_for_a_file(meeting / given.name / DOSSIER_FILE)
            ]
    if len(found) != 1:
        return None
    meant = found[0].relative_to(project.dossiers)
    return (given.parent / meant).as_posix()


def _moved_dossier(project: Project, given: Path) -> str | None:
    """For 'M/dossier' (as typed) that M does not hold: the one other meeting's dossier folder
    of that name, written as ``given`` is; None when none or several hold one."""
    meeting = given.parent
    if not given.name or not meeting.name or not _in_dossiers(project, meeting):
        return None
    found: list[Path] = []
    with contextlib.suppress(OSError):
        found = [
            other / given.name
            for other in project.dossiers.iterdir()
            if other.name != meeting.name
            and (other / MEETING_FILE).is_file()
            and stands_for_a_file(other / given.name / DOSSIER_FILE)
        ]
    if len(found) != 1:
        return None
    return (meeting.parent / found[0].relative_to(project.dossiers)).as_posix()


def _same_but_capitals(project: Project, typed: str) -> str | None:
    """A folder beside where ``typed`` points whose name is the last one's but for its
    capitals, written as ``typed`` is."""
    given = Path(typed)
    if not given.name:
        return None
    same = [
        name for name in _names_beside(project, given) if name.casefold() == given.name.casefold()
    ]
    if not same:
        return None
    return same[0] if given.parent == Path() else (given.parent / same[0]).as_posix()


def _names_beside(project: Project, given: Path) -> list[str]:
    names: list[str] = []
    for parent in (given.parent, project.dossiers / given.parent):
        with contextlib.suppress(OSError):
            names += sorted(entry.name for entry in parent.iterdir() if entry.is_dir())
    return names


def _existing(project: Project, typed: str) -> Path | None:
    """``typed`` as the command line reads it: from where the clerk is, or from dossiers/."""
    for path in (Path(typed), project.dossiers / typed):
        with contextlib.suppress(OSError):
            if path.exists():
                return path
    return None


def _near_folder(project: Project, typed: str) -> str | None:
    """A folder beside where ``typed`` points whose name is close to its last ('…-economi'),
    written as ``typed`` is."""
    given = Path(typed)
    if not given.name:
        return None
    close = difflib.get_close_matches(given.name, _names_beside(project, given), n=1, cutoff=0.8)
    if not close:
        return None
    return close[0] if given.parent == Path() else (given.parent / close[0]).as_posix()


def _holds_yaml(folder: Path) -> bool:
    """Whether ``folder`` holds a YAML file (its own, perhaps misnamed, for validation to
    judge); True when it cannot be read, for validation to say so."""
    try:
        return any(p.suffix.lower() in (".yaml", ".yml") for p in folder.iterdir())
    except OSError:
        return True


def _on_the_agenda(meeting: Path, name: str) -> bool:
    """Whether the agenda in ``meeting`` names the dossier folder ``name``, as typed."""
    try:
        text = (meeting / MEETING_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    entry = rf"^\s*-\s*dossier:\s*['\"]?{re.escape(name)}['\"]?\s*(#.*)?$"
    return re.search(entry, text, re.MULTILINE) is not None


def _dossier_folders_in(meeting: Path) -> Iterator[Path]:
    with suppress(OSError):
        yield from (sub for sub in meeting.iterdir() if stands_for_a_file(sub / DOSSIER_FILE))

"""Create and move dossiers by editing YAML text in place, so clerks' comments survive."""

from __future__ import annotations

import copy
import dataclasses
import errno
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from assembler.build_report import build_lock
from assembler.dates import dutch_date
from assembler.errors import InputRejected, Problem, UsageError, dutch_list
from assembler.fsutil import not_writable, unreadable, write_together
from assembler.model import (
    DEFAULT_REFERENCE_PATTERN,
    DOCUMENT_KINDS,
    IsoDate,
    Vergadering,
    one_line,
    suggested_folder_name,
    written_time,
)
from assembler.organisation import load_organisation
from assembler.project import DOSSIER_FILE, MEETING_FILE, Project
from assembler.pydantic_messages import problems_from_validation
from assembler.references import (
    archived_references,
    meeting_folders,
    next_reference,
    reference_in,
)
from assembler.source import Source, YamlValue, load_yaml, parse_yaml
from assembler.validate import (
    DATED_FOLDER,
    before_the_day,
    date_written_otherwise,
    folder_name_problem,
    likely_meant,
    missing_path_message,
    selected_folder,
)


@dataclass(frozen=True, kw_only=True)
class NewDossier:
    """What a clerk tells ``assembler new``: the kind, and the values :data:`ASKED` for it."""

    sjabloon: str = "voorstel"
    onderwerp: str
    # Ja or Nee, as typed: DESIGN gives it no default, so new asks for it too.
    verspreiden: str = ""
    # As typed (JJJJ-MM-DD): checked with the other values, so every problem is said at once.
    # Empty: today, or the meeting's day when that has passed (a document is not dated after
    # the meeting it goes to).
    datum: str = ""
    kenmerk: str | None = None
    contactpersoon: str = ""  # voorstel
    eenheid: str = ""
    email: str = ""
    aan: str = ""  # memo
    van: str = ""
    # The asked values that have no field above (a kind added with a value of its own, which
    # `new` asks by its name): the kind's outline reads them with value().
    others: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, **values: Any) -> NewDossier:
        """The values of ``new``, each in its field, or kept in ``others`` when it has none."""
        fields = {field.name for field in dataclasses.fields(cls)} - {"others"}
        return cls(
            **{name: value for name, value in values.items() if name in fields},
            others={name: value for name, value in values.items() if name not in fields},
        )

    def value(self, name: str) -> str:
        """The value asked as ``name``: its field, else the one kept in ``others``."""
        if name in self.others:
            return self.others[name]
        found = getattr(self, name)
        return found if isinstance(found, str) else ""


# The kinds `assembler new` can write, and the values it needs for each: the rest of the
# dossier is a commented outline to fill in.
ASKED: dict[str, tuple[str, ...]] = {
    "voorstel": ("onderwerp", "verspreiden", "contactpersoon", "eenheid", "email"),
    "memo": ("onderwerp", "verspreiden", "aan", "van"),
}


def asked_for(kind: str) -> tuple[str, ...]:
    """The values ``assembler new`` needs for a ``kind``; UsageError for one it cannot write."""
    try:
        _DOSSIER_TEXT[kind]  # the outline it writes
        return ASKED[kind]
    except KeyError:
        raise UsageError(
            f"--sjabloon: '{kind}' kan assembler new niet maken (kies uit: {', '.join(ASKED)}; "
            "een ander soort dossier maakt u met de hand, naar een voorbeeld)"
        ) from None


@dataclass(frozen=True, kw_only=True)
class DossierPlace:
    """Where ``assembler new`` writes a dossier: all it checks before a value is asked."""

    meeting_folder: Path
    folder: Path  # <meeting>/<name>, not there yet
    meeting: Vergadering
    agenda_text: str  # the meeting's vergadering.yaml with the new dossier on its agenda
    reference_pattern: str
    # The meeting's vergadering.yaml as read: both files are written in its line ends and BOM.
    meeting_source: Source


def dossier_place(
    project: Project, meeting_folder: Path, name: str, *, kenmerk: str | None = None
) -> DossierPlace:
    """Where a new dossier ``name`` goes; all that needs none of its values is refused here.

    ``meeting_folder`` is a path, or the bare name of a folder in ``dossiers/`` with a
    vergadering.yaml (``2023-06-23-pfho-ruimte-wonen``), as a meeting is called on its agenda.
    ``kenmerk`` None: one is to be handed out, which a custom kenmerk pattern does not allow.
    """
    # A soft hyphen pasted along unseen: "woning\u00adbouw" is the name the clerk sees, as in
    # every one-line field (review revI I4: the refusal named two names that looked alike).
    name = one_line(name)
    folder = _open_meeting(project, meeting_folder)
    meeting_file = folder / MEETING_FILE
    if _cancelled(project, meeting_file):
        # As verplaats refuses one: an item put on it goes to no meeting that is held.
        raise UsageError(
            f"{project.display(meeting_file)}: deze vergadering gaat niet door (geannuleerd: "
            "Ja); er is niets gemaakt (kies een andere vergadering)"
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        # The name it most likely is ('Woningbouw_2027': woningbouw-2027), as vergadering
        # says one; 'dossier' is only what a name of no letters at all becomes.
        suggested = suggested_folder_name(name)
        example = (
            f": noem de map {suggested}"
            if suggested != "dossier" or "dossier" in name.casefold()
            else ", bijvoorbeeld werklocaties"
        )
        raise UsageError(
            f"mapnaam: '{name}' is geen goede mapnaam (gebruik kleine letters, cijfers en "
            f"streepjes{example})"
        )
    problem = folder_name_problem(name)  # the agenda's own rules (its length)
    if problem:
        raise UsageError(f"mapnaam: {problem}")
    target = folder / name
    if target.exists():
        raise UsageError(f"{project.display(target)}: bestaat al (kies een andere mapnaam)")
    if not os.access(folder, os.W_OK | os.X_OK) or not os.access(meeting_file, os.W_OK):
        # Refused before the first question, not after the clerk answered them all.
        raise not_writable(folder, PermissionError(errno.EACCES, "geen schrijfrechten"), "maak")
    organisation = load_organisation(project)
    source = _load_meeting(project, meeting_file)
    if kenmerk is None and organisation.reference_pattern != DEFAULT_REFERENCE_PATTERN:
        raise UsageError(
            "het kenmerkpatroon van deze organisatie is aangepast, dus er kan geen "
            "volgend kenmerk bedacht worden (geef het op met --kenmerk)"
        )
    return DossierPlace(
        meeting_folder=folder,
        folder=target,
        meeting=Vergadering.model_validate(source.data),
        agenda_text=add_to_agenda(source, name),
        reference_pattern=organisation.reference_pattern,
        meeting_source=source,
    )


# What to do instead of naming a meeting that cannot take an item.
_PICK_A_MEETING = (
    f"kies een map onder dossiers/ met een {MEETING_FILE}, of maak de vergadering eerst met "
    "'assembler vergadering'"
)


def _open_meeting(project: Project, meeting_folder: Path) -> Path:
    """The meeting folder directly in dossiers/ that ``meeting_folder`` names (a path, or a
    bare name as its agenda calls it), resolved: one that an item can be put on.

    UsageError for a folder that does not exist, holds no meeting, or lies deeper inside
    dossiers/ (dossiers/archief/<meeting>): such a meeting is never built, so an item put on
    it would drop off every agenda and be withdrawn from what was published.
    """
    folder = _meeting_named(project, meeting_folder)
    top = project.display(project.dossiers)
    back = (
        f"er is niets veranderd (kies een vergadering direct in {top}/, of zet de map eerst "
        f"terug in {top}/ als de vergadering weer open moet)"
    )
    if not _is_file(project, folder / MEETING_FILE):
        if folder.is_dir():
            raise UsageError(
                f"{project.display(folder)}: is geen vergadermap, er staat geen "
                f"{MEETING_FILE} in ({_PICK_A_MEETING})"
            )
        archived = _archived(project, meeting_folder)
        if archived is not None:
            raise UsageError(
                f"{meeting_folder}: is gearchiveerd (staat in {project.display(archived)}) en "
                f"wordt niet meer gebouwd; {back}"
            )
        raise UsageError(missing_path_message(project, meeting_folder, "", advice=_PICK_A_MEETING))
    if folder.parent != project.dossiers:
        raise UsageError(
            f"{project.display(folder)}: deze vergadermap ligt niet direct in {top}/ en wordt "
            f"daarom niet gebouwd; {back}"
        )
    return folder


def _archived(project: Project, meeting_folder: Path) -> Path | None:
    """The archived meeting a bare name (``2023-05-26-pfho-economie``) is the name of, if any."""
    if len(meeting_folder.parts) != 1:
        return None
    found = (
        folder
        for folder in meeting_folders(project.dossiers)
        if folder.name == meeting_folder.name and folder.parent != project.dossiers
    )
    return next(found, None)


def _meeting_named(project: Project, meeting_folder: Path) -> Path:
    """The meeting folder a path names, or a bare name of one in ``dossiers/``
    ('2023-06-23-pfho-ruimte-wonen', as its agenda calls it), resolved."""
    folder = project.inside(meeting_folder)
    named = project.dossiers / meeting_folder
    if (
        not _is_file(project, folder / MEETING_FILE)
        and len(meeting_folder.parts) == 1
        and _is_file(project, named / MEETING_FILE)
    ):
        return named
    return folder


def _cancelled(project: Project, meeting_file: Path) -> bool:
    """Whether the meeting of ``meeting_file`` says it does not go ahead (geannuleerd: Ja); a
    file that does not validate says nothing here (check says what is wrong with it)."""
    try:
        source = load_yaml(meeting_file, project.display(meeting_file))
        return Vergadering.model_validate(source.data).cancelled
    except (InputRejected, ValidationError):
        return False


def _is_file(project: Project, path: Path) -> bool:
    """Whether ``path`` is a file; a folder on the way without rights is refused as that."""
    try:
        return path.is_file()
    except OSError as error:
        raise UsageError(
            f"{project.display(path.parent)}: kan niet gelezen worden: {unreadable(error)}"
        ) from None


@dataclass(frozen=True)
class CreatedDossier:
    """A dossier ``assembler new`` wrote: its dossier.yaml, and the kenmerk it got."""

    path: Path
    kenmerk: str


def create_dossier(
    project: Project, meeting_folder: Path, name: str, values: NewDossier
) -> CreatedDossier:
    """Write ``<meeting>/<name>/dossier.yaml`` and put it on the meeting's agenda."""
    with build_lock(project, "new", needed=False):  # as move_dossier holds it
        return _create_dossier(project, meeting_folder, name, values)


def _create_dossier(
    project: Project, meeting_folder: Path, name: str, values: NewDossier
) -> CreatedDossier:
    asked_for(values.sjabloon)
    place = dossier_place(project, meeting_folder, name, kenmerk=values.kenmerk)
    complete = _completed(project, place, values)
    text = _dossier_text(project, place, complete)
    # Judged as given: a kenmerk it was given is not the clerk's to mend as an option.
    problems = _value_problems(project, place, text, values)
    if problems:
        raise UsageError("de gegevens voor het nieuwe dossier kloppen niet", problems)
    target = place.folder / DOSSIER_FILE
    # In the meeting file's line ends and BOM: a clerk's Windows editor saved it with CRLF,
    # so an item added is one line changed (in git too), and the new file is written alike.
    own = place.meeting_source.in_own_form
    # Both or neither: a dossier not on the agenda is neither checked nor built.
    write_together(
        {target: own(text), place.meeting_folder / MEETING_FILE: own(place.agenda_text)}, "maak"
    )
    assert complete.kenmerk is not None  # given, or the next free one (_completed)
    return CreatedDossier(target, complete.kenmerk)


def new_dossier_problems(
    project: Project, place: DossierPlace, values: NewDossier
) -> list[Problem]:
    """What ``assembler check`` would refuse in the dossier of ``values``, before it is written.

    Each problem names the option that gives the value (``--email``) and no file: there is
    none yet.
    """
    return _value_problems(project, place, _dossier_text(project, place, values), values)


def answer_problem(
    project: Project, place: DossierPlace, values: NewDossier, name: str
) -> str | None:
    """What ``assembler check`` would say of the value of ``name`` in ``values``, else None."""
    return next(
        (
            problem.melding
            for problem in new_dossier_problems(project, place, values)
            if problem.veld.removeprefix("--") == name
        ),
        None,
    )


def _completed(project: Project, place: DossierPlace, values: NewDossier) -> NewDossier:
    """``values`` with the date and kenmerk the dossier gets when they are not given."""
    if not values.datum:
        values = dataclasses.replace(
            values, datum=min(date.today(), place.meeting.date).isoformat()
        )
    if values.kenmerk is None:
        values = dataclasses.replace(
            values, kenmerk=next_reference(project, _year_of(values.datum))
        )
    return values


def _dossier_text(project: Project, place: DossierPlace, values: NewDossier) -> str:
    """The dossier.yaml that ``values`` make, with the date and kenmerk it gets when not given."""
    values = _completed(project, place, values)
    assert values.kenmerk is not None
    schema = _relative_schema(project, place.folder, "dossier")
    return _DOSSIER_TEXT[values.sjabloon](values, values.kenmerk, schema, place.meeting)


# The options of `assembler new` that fill a field, by field.
_OPTION_OF = {
    name: f"--{name}" for fields in ASKED.values() for name in (*fields, "kenmerk", "datum")
}


def _value_problems(
    project: Project, place: DossierPlace, text: str, values: NewDossier
) -> list[Problem]:
    """The values in ``text`` that ``assembler check`` would reject, each by its option.

    The problems name no file (``bestand`` is empty): nothing is written yet.
    """
    display = project.display(place.folder / DOSSIER_FILE)
    source = parse_yaml(text.encode("utf-8"), place.folder / DOSSIER_FILE, display)
    problems: list[Problem] = []
    model = DOCUMENT_KINDS[values.sjabloon]
    try:
        model.model_validate(source.data, context={"kenmerkpatroon": place.reference_pattern})
    except ValidationError as error:
        for problem in problems_from_validation(error, source, model):
            option = _OPTION_OF.get(problem.veld, problem.veld)
            problems.append(Problem("", None, option, problem.melding))
    given = values.kenmerk
    if given is not None:
        # The dossiers of the meetings, and of the archived ones: check refuses those too.
        archived = archived_references(project.dossiers)
        current = sorted(project.dossiers.glob(f"*/*/{DOSSIER_FILE}"))
        for path in [*current, *([Path(archived[given])] if given in archived else [])]:
            try:
                found = reference_in(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if found == given:
                problems.append(
                    Problem(
                        "",
                        None,
                        "--kenmerk",
                        f"'{given}' is al gebruikt in {project.display(path)} "
                        f"(geef elk dossier een eigen kenmerk{_free_hint(project, place, values)})",
                    )
                )
                break
    return problems


def _free_hint(project: Project, place: DossierPlace, values: NewDossier) -> str:
    """How the clerk gets a kenmerk that is free: leave --kenmerk out, as the one handed out
    then is (only in the default pattern, the one new can count on)."""
    if place.reference_pattern != DEFAULT_REFERENCE_PATTERN:
        return ""
    datum = values.datum or min(date.today(), place.meeting.date).isoformat()
    free = next_reference(project, _year_of(datum))
    return f": zonder --kenmerk krijgt het dossier het eerstvolgende vrije, {free}"


def _load_meeting(project: Project, meeting_file: Path) -> Source:
    display = project.display(meeting_file)
    cannot = f"{display}: de agenda kan niet worden aangepast"
    try:
        source = load_yaml(meeting_file, display)
    except InputRejected as error:
        if not error.problems:
            raise
        # Its problems say what is wrong, at its line: the message, said after them, says what
        # came of it (it was the same text again, without the line).
        raise InputRejected(cannot, error.problems) from None
    try:
        Vergadering.model_validate(source.data)
    except ValidationError as error:
        raise InputRejected(cannot, problems_from_validation(error, source, Vergadering)) from None
    return source


def add_to_agenda(source: Source, name: str) -> str:
    """The text of a vergadering.yaml with ``- dossier: name`` after its last dossier item."""
    assert isinstance(source.data, dict)
    entries = source.data.get("agenda")
    assert isinstance(entries, list) and entries
    if len(entries) >= _MAX_AGENDA:
        raise UsageError(
            f"{source.display}: agenda: de agenda is vol ({len(entries)} punten, hoogstens "
            f"{_MAX_AGENDA}); er is niets veranderd (haal een punt weg of kies een andere "
            "vergadering)"
        )
    lines = source.text.splitlines(keepends=True)
    dossier_indexes = [i for i, entry in enumerate(entries) if isinstance(entry, dict)]
    if dossier_indexes:
        anchor = dossier_indexes[-1]
        insert_at = _end_of_item(lines, source.lines[("agenda", anchor)] - 1)
    elif len(entries) > 1:
        # Plain agendas end with "Rondvraag en sluiting": a new item goes before the last one.
        insert_at = source.lines[("agenda", len(entries) - 1)] - 1
    else:
        insert_at = _end_of_item(lines, source.lines[("agenda", 0)] - 1)
    reference_line = lines[source.lines[("agenda", 0)] - 1]
    indent = reference_line[: len(reference_line) - len(reference_line.lstrip())]
    new_line = f"{indent}- dossier: {name}\n"
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        lines[insert_at - 1] += "\n"
    lines.insert(insert_at, new_line)
    text = "".join(lines)
    new_entries = _agenda_after_edit(source, text, name)
    added = {"dossier": name}
    if added not in new_entries:
        raise _cannot_edit(source, name)
    last = len(new_entries) - 1 - new_entries[::-1].index(added)
    if new_entries[:last] + new_entries[last + 1 :] != entries:
        raise _cannot_edit(source, name)
    return text


def remove_from_agenda(source: Source, name: str) -> str:
    """The text of a vergadering.yaml without the agenda item ``dossier: name``."""
    assert isinstance(source.data, dict)
    entries = source.data.get("agenda")
    assert isinstance(entries, list)
    lines = source.text.splitlines(keepends=True)
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("dossier") == name:
            start = source.lines[("agenda", index)] - 1
            end = _end_of_item(lines, start)
            del lines[start:end]
            text = "".join(lines)
            # The edit works on lines; an agenda written otherwise (on one line, or an item
            # over two) must not lose more than this item.
            if _agenda_after_edit(source, text, name) != entries[:index] + entries[index + 1 :]:
                raise _cannot_edit(source, name)
            return text
    return source.text


# The most items an agenda may hold, as the model says.
_MAX_AGENDA = next(
    int(rule.max_length)
    for rule in Vergadering.model_fields["agenda"].metadata
    if getattr(rule, "max_length", None) is not None
)


def _agenda_after_edit(source: Source, text: str, name: str) -> list[Any]:
    """The agenda entries of the edited text; refuses an edit that breaks the file."""
    try:
        check = parse_yaml(text.encode("utf-8"), source.path, source.display)
        Vergadering.model_validate(check.data)
    except (InputRejected, ValidationError):
        raise _cannot_edit(source, name) from None
    assert isinstance(check.data, dict)
    entries = check.data.get("agenda")
    assert isinstance(entries, list)
    return entries


def _cannot_edit(source: Source, name: str) -> UsageError:
    return UsageError(
        f"{source.display}: de agenda kan niet automatisch worden aangepast; er is niets "
        f"veranderd (zet elk agendapunt op een eigen regel, zoals '- dossier: {name}', "
        "en probeer het opnieuw)"
    )


def _end_of_item(lines: list[str], start: int) -> int:
    """Index just after the lines that belong to the list item starting at ``start``."""
    first = lines[start]
    dash_column = len(first) - len(first.lstrip())
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        column = len(lines[end]) - len(lines[end].lstrip())
        if not stripped or stripped.startswith("#") or column <= dash_column:
            break
        end += 1
    return end


def _relative_schema(project: Project, folder: Path, name: str) -> str:
    depth = len(project.inside(folder).relative_to(project.root).parts)
    return "../" * depth + f"schemas/{name}.schema.json"


def _yaml_text(value: str) -> str:
    """A one-line value, quoted for YAML, as check reads it: without a soft hyphen or other
    unseen character pasted into the answer from Word, which the file would hide."""
    # Double-quoted YAML is a superset of JSON strings, so json.dumps quotes safely.
    return json.dumps(one_line(value), ensure_ascii=False)


def _plain_date(datum: str) -> str:
    """A date as the examples write it, bare; anything else quoted, to be refused as typed."""
    return datum if re.fullmatch(r"\d{4}-\d{2}-\d{2}", datum) else _yaml_text(datum)


def _spread_line(answer: str) -> str:
    """The verspreiden line: Ja or Nee as the examples write them; anything else quoted, to
    be refused as typed."""
    word = answer.strip().capitalize()
    # 'j' and 'n', as a terminal question is often answered, are no other answer.
    word = {"J": "Ja", "N": "Nee"}.get(word, word)
    value = word if word in ("Ja", "Nee") else _yaml_text(answer)
    return _commented(f"verspreiden: {value}", "# Ja of Nee (Nee = vertrouwelijk, nooit openbaar)")


def _date_line(datum: str) -> str:
    """The document's datum line, its comment in the outline's column."""
    return _commented(f"datum: {_plain_date(datum)}", "# JJJJ-MM-DD")


# The column of the comments in the outlines `assembler new` writes (0-based).
_COMMENT_COLUMN = 32


def _commented(line: str, comment: str) -> str:
    """``line`` with ``comment`` in the outline's comment column (one space after a long line)."""
    return line.ljust(_COMMENT_COLUMN - 1) + " " + comment


def _year_of(datum: str) -> int:
    """The year of the new dossier's date; this year's when the date is wrong (said later)."""
    try:
        return date.fromisoformat(datum).year
    except ValueError:
        return date.today().year


def _voorstel_text(values: NewDossier, reference: str, schema: str, meeting: Vergadering) -> str:
    q = _yaml_text
    return f"""# yaml-language-server: $schema={schema}
# Dossier voor één voorstel. Vul de velden in en controleer met: assembler check
onderwerp: {q(values.onderwerp)}
{_spread_line(values.verspreiden)}
portefeuillehouder:             # staat op de agenda; leeg laten mag
contactpersoon: {q(values.contactpersoon)}
eenheid: {q(values.eenheid)}
email: {q(values.email)}
kenmerk: {q(reference)}
{_date_line(values.datum)}
voorstel:                       # de besluiten: Voorstel 1., Voorstel 2., ...
  - Instemmen met ...
behandeling:                    # eerdere en geplande overleggen, in volgorde
{_commented(f"  - datum: {meeting.date.isoformat()}", THIS_MEETING_NOTE)}
    overleg: {q(meeting.meeting)}
    doel: Vaststellen           # Vaststellen, Bespreken of Informeren
    conclusie: ...
toelichting: |                  # Markdown: ### kopje, alinea's, - lijst, **vet**, *cursief*
  ### Beknopte toelichting
  ...
bijlagen: []                    # - omschrijving: ...
                                #   bestand: bijlage-1.pdf   (in deze map)
"""


def _memo_text(values: NewDossier, reference: str, schema: str, meeting: Vergadering) -> str:
    q = _yaml_text
    return f"""# yaml-language-server: $schema={schema}
# Memo ter informatie. Vul de tekst in en controleer met: assembler check
sjabloon: memo
aan: {q(values.aan)}
van: {q(values.van)}
{_date_line(values.datum)}
onderwerp: {q(values.onderwerp)}
kenmerk: {q(reference)}
{_spread_line(values.verspreiden)}
tekst: |                        # Markdown: ### kopje, alinea's, - lijst, **vet**, *cursief*
  ...
bijlagen: []                    # - omschrijving: ...
                                #   bestand: bijlage-1.pdf   (in deze map)
"""


_DOSSIER_TEXT = {"voorstel": _voorstel_text, "memo": _memo_text}


def move_dossier(
    project: Project, dossier_folder: Path, target_meeting: Path, *, today: date, anyway: bool
) -> Path:
    """Move a dossier to another meeting: agendas updated, a behandeling row for the new date.

    A postponed item goes to a later meeting that is still to come. A move to an earlier
    meeting, or to one before ``today``, is most likely the wrong folder and is not cleanly
    undone (the old agenda position and the history rows stay changed), so it is refused
    unless ``anyway`` is set; so is a move off a meeting that has been held. A meeting not
    directly in dossiers/ (an archived one) is refused as the target, ``anyway`` or not.
    """
    # Held as a build holds it: a build reading the dossier while it moves would find its
    # annexes gone, and call them damaged.
    with build_lock(project, "verplaats", needed=False):
        return _move_dossier(project, dossier_folder, target_meeting, today=today, anyway=anyway)


def _move_dossier(
    project: Project, dossier_folder: Path, target_meeting: Path, *, today: date, anyway: bool
) -> Path:
    # As build and check take it: a path, or '<meeting>/<dossier>' as the agenda names it.
    given = selected_folder(project, dossier_folder, asked="de map van het dossier")
    if not (given / DOSSIER_FILE).is_file():
        raise UsageError(
            f"{project.display(given)}: is geen dossiermap, er staat geen "
            f"{DOSSIER_FILE} in (geef de map van het dossier op)"
        )
    target_meeting = _open_meeting(project, target_meeting)
    old_meeting = project.inside(given.parent)
    name = given.name
    dossier_folder = old_meeting / name
    if target_meeting == old_meeting:
        raise UsageError(
            f"{project.display(dossier_folder)}: staat al in {project.display(target_meeting)} "
            "(kies een andere vergadering)"
        )
    destination = target_meeting / name
    if destination.exists():
        raise UsageError(
            f"{project.display(destination)}: bestaat al (hernoem een van beide dossiermappen)"
        )
    old_source = _load_meeting(project, old_meeting / MEETING_FILE)
    new_source = _load_meeting(project, target_meeting / MEETING_FILE)
    old_meeting_data = Vergadering.model_validate(old_source.data)
    old_date = old_meeting_data.date
    new_meeting = Vergadering.model_validate(new_source.data)
    if not anyway:
        _check_move_date(
            project.display(target_meeting),
            old_date,
            new_meeting.date,
            today,
            cancelled=new_meeting.cancelled,
        )
        if new_meeting.cancelled:
            raise UsageError(
                f"{project.display(target_meeting / MEETING_FILE)}: deze vergadering gaat niet "
                "door (geannuleerd: Ja); er is niets veranderd (kies een andere vergadering, of "
                "geef --toch als dit echt de bedoeling is)"
            )
        if not old_meeting_data.cancelled:  # a cancelled meeting was never held
            _check_held(project.display(old_meeting), old_date, today)
    dossier_file = dossier_folder / DOSSIER_FILE
    try:
        dossier_source = load_yaml(dossier_file, project.display(dossier_file))
    except InputRejected as error:
        if not error.problems:
            raise
        # As for a meeting file (_load_meeting): the problems, then what came of them, once.
        raise InputRejected(
            f"{project.display(dossier_file)}: het dossier kan niet worden verplaatst",
            error.problems,
        ) from None

    old_agenda = remove_from_agenda(old_source, name)
    new_agenda = add_to_agenda(new_source, name)
    dossier_text = record_move(dossier_source, old_date, new_meeting.date, new_meeting.meeting)

    # All four changes or none: an item half moved is on neither agenda, or on both. Each
    # file keeps its own line ends and BOM, so only the lines changed show as changed.
    write_together(
        {
            destination / DOSSIER_FILE: dossier_source.in_own_form(dossier_text),
            old_meeting / MEETING_FILE: old_source.in_own_form(old_agenda),
            target_meeting / MEETING_FILE: new_source.in_own_form(new_agenda),
        },
        "verplaats",
        move=(dossier_folder, destination),
    )
    return destination


def _check_move_date(
    shown: str, old: date, new: date, today: date, *, cancelled: bool = False
) -> None:
    """Refuse a move back in time: to an earlier meeting, or to one whose day is past; and
    say it if that meeting is ``cancelled`` too, which --toch would pass over unsaid."""
    earlier, past = new < old, new < today
    if not (earlier or past):
        return
    reasons = []
    if past:
        # A cancelled meeting was never held: its day is only past.
        reasons.append("is voorbij" if cancelled else "is al geweest")
    if earlier:
        reasons.append(f"is eerder dan die waar het dossier nu op staat ({dutch_date(old)})")
    if cancelled:
        reasons.append(f"{'ging' if past else 'gaat'} niet door (geannuleerd: Ja)")
    wanted = [*(["nog moet komen"] if past else []), *(["doorgaat"] if cancelled else [])]
    choice = "een latere vergadering" if earlier else "een vergadering"
    if wanted:
        choice += " die " + " en ".join(wanted)
    raise UsageError(
        f"{shown}: deze vergadering ({dutch_date(new)}) {dutch_list(reasons)}; er is niets "
        f"veranderd (kies {choice}, of geef --toch als dit echt de bedoeling is)"
    )


def _check_held(shown: str, old: date, today: date) -> None:
    """Refuse to take an item off a meeting that has been held: its agenda, its record (the
    behandeling row of that day) and what was published of it would be rewritten."""
    if old < today:
        raise UsageError(
            f"{shown}: deze vergadering ({dutch_date(old)}) is al geweest; er is niets "
            "veranderd (een punt dat daar behandeld is, blijft op haar agenda; geef --toch als "
            "het er echt af moet: dan verandert ook wat er van die vergadering gepubliceerd is)"
        )


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# The comment the row of a dossier's own meeting gets in a new dossier; a move takes it along.
THIS_MEETING_NOTE = "# deze vergadering: de agenda neemt het doel over"

# The conclusie a move gives the row of the meeting the item leaves.
_MOVE_NOTE = re.compile(r"^(Uitgesteld|Vervroegd) naar \d{1,2} \w+ \d{4}$")

# A text edit: replace text[start:end] with the string.
_Edit = tuple[int, int, str]


def record_move(source: Source, old: date, new: date, meeting: str) -> str:
    """The dossier text after a move from the meeting of ``old`` to the meeting of ``new``.

    The row of the old day stays, for the record, and its conclusie says where the item went
    ("Uitgesteld naar 23 juni 2023"); its doel and conclusie, the plan, go along to a new row
    for the new day, unless the dossier already has a row of that day. Such a row that an
    earlier move marked (the item comes back) gets the plan back as its conclusie, and the
    row that move added for the old day goes, when it stands as that move wrote it: a move
    undone leaves no row of a meeting the item is not on. Values are replaced where they
    stand, so comments and layout around them stay.
    """
    data = source.data
    assert isinstance(data, dict)
    rows = data.get("behandeling")
    if "behandeling" not in data and data.get("sjabloon") not in (None, "voorstel"):
        return source.text  # kinds without a behandeling table (memo) keep their text
    if new == old:
        return source.text  # another meeting on the same day: the row of that day stands
    expected = copy.deepcopy(data)
    root = yaml.compose(source.text, Loader=yaml.SafeLoader)
    assert root is not None  # the text holds a mapping
    edits: list[_Edit] = []
    old_row = _row_dated(rows, old)
    new_row = _row_dated(rows, new)
    plan = {"doel": "Vaststellen", "conclusie": "Uitgesteld van " + dutch_date(old)}
    undone = _row_of_undone_move(source, old_row, new_row, old, new)
    if old_row is not None:
        index, row = old_row
        plan["doel"] = str(row.get("doel") or plan["doel"]).strip()
        plan["conclusie"] = str(row.get("conclusie") or plan["conclusie"]).strip()
        if isinstance(row.get("conclusie"), str) and undone is None:
            edits.append(_replace_conclusie(source, root, index, _moved_to(old, new), expected))
    taken = _note_on_date_line(source, old_row[0]) if old_row is not None else None
    if new_row is None:
        edits += [taken] if taken is not None else []
        edits.append(_add_row(source, root, new, meeting, plan, expected, noted=taken is not None))
    else:
        placed = _note_put_on_date_line(source, new_row[0]) if taken is not None else None
        if taken is not None and placed is not None:  # else it stays: the row has a comment
            # The old row's own line goes whole when the move is undone.
            edits += [placed] if undone is not None else [taken, placed]
        if old_row is not None and _MOVE_NOTE.match(str(new_row[1].get("conclusie"))):
            edits.append(_replace_conclusie(source, root, new_row[0], plan["conclusie"], expected))
    if undone is not None and old_row is not None:
        edits.append(undone)
        kept = expected["behandeling"]
        assert isinstance(kept, list)  # the old row is in it
        del kept[old_row[0]]
    text = source.text
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    try:
        edited = parse_yaml(text.encode("utf-8"), source.path, source.display)
    except InputRejected:
        edited = None
    # The edits work on text; a behandeling written otherwise than one key per line must not
    # lose or change anything else.
    if edited is None or edited.data != expected:
        raise UsageError(
            f"{source.display}: de behandeling kan niet automatisch worden "
            "aangepast; er is niets veranderd (schrijf elke behandeling als '- datum: ...' "
            "met overleg, doel en conclusie elk op een eigen regel, en probeer het opnieuw)"
        )
    return text


def _moved_to(old: date, new: date) -> str:
    """The conclusie a move from the meeting of ``old`` to that of ``new`` gives the old row."""
    return ("Uitgesteld" if new > old else "Vervroegd") + " naar " + dutch_date(new)


_Row = tuple[int, dict[str, YamlValue]]


def _row_of_undone_move(
    source: Source, old_row: _Row | None, new_row: _Row | None, old: date, new: date
) -> _Edit | None:
    """The edit that takes out the old day's row when this move undoes the one that added it.

    That is so when the new day's row says the item went to the old day (the mark the first
    move gave it) and the old day's row is, to the character, what that move wrote: the plan
    of the new day's row, and nothing the clerk wrote since (a comment, a value, a key).
    """
    if old_row is None or new_row is None:
        return None
    index, row = old_row
    if new_row[1].get("conclusie") != _moved_to(new, old) or set(row) != set(_ROW_KEYS):
        return None
    values = {key: row[key] for key in _ROW_KEYS[1:]}
    if not all(isinstance(value, str) for value in values.values()):
        return None
    if values["doel"] != new_row[1].get("doel"):
        return None
    lines = source.text.splitlines(keepends=True)
    start = source.lines[("behandeling", index)] - 1
    end = _end_of_item(lines, start)
    first = lines[start]
    indent = first[: len(first) - len(first.lstrip())]
    written = "".join(lines[start:end])
    plan = {"doel": str(values["doel"]), "conclusie": str(values["conclusie"])}
    as_moved = [
        _row_text(indent, old, str(values["overleg"]), plan, noted=noted) for noted in (False, True)
    ]
    # A comment line below the row, indented into it, was written there by the clerk.
    below = lines[end] if end < len(lines) else ""
    if written not in as_moved or (
        below.lstrip().startswith("#") and len(below) - len(below.lstrip()) > len(indent)
    ):
        return None
    offset = sum(len(line) for line in lines[:start])
    return offset, offset + len(written), ""


def _note_put_on_date_line(source: Source, index: int) -> _Edit | None:
    """The edit that puts THIS_MEETING_NOTE on the datum line of row ``index``, unless that
    line has a comment already (or cannot be found)."""
    line = source.lines.get(("behandeling", index, "datum"))
    if line is None:
        return None
    lines = source.text.splitlines(keepends=True)
    text = lines[line - 1].rstrip("\r\n")
    if "#" in text:
        return None
    end = sum(len(part) for part in lines[: line - 1]) + len(text)
    return end, end, _commented(text, THIS_MEETING_NOTE)[len(text) :]


def _note_on_date_line(source: Source, index: int) -> _Edit | None:
    """The edit that takes THIS_MEETING_NOTE off the datum line of row ``index``, if it is
    there: the row is of the meeting the item leaves."""
    line = source.lines.get(("behandeling", index, "datum"))
    if line is None:
        return None
    lines = source.text.splitlines(keepends=True)
    start = sum(len(text) for text in lines[: line - 1])
    text = lines[line - 1].rstrip("\r\n")
    found = text.find(THIS_MEETING_NOTE)
    if found < 0 or text[found:].strip() != THIS_MEETING_NOTE:
        return None
    begin = len(text[:found].rstrip())
    return start + begin, start + len(text), ""


def _row_dated(rows: YamlValue, day: date) -> tuple[int, dict[str, YamlValue]] | None:
    """The index and content of the first behandeling row dated ``day``."""
    if not isinstance(rows, list):
        return None
    for index, row in enumerate(rows):
        if isinstance(row, dict) and _iso_date(row.get("datum")) == day:
            return index, row
    return None


def _replace_conclusie(
    source: Source, root: yaml.Node, index: int, value: str, expected: Any
) -> _Edit:
    """The edit that makes ``behandeling[index].conclusie`` read ``value``."""
    expected["behandeling"][index]["conclusie"] = value
    node = _child(_child(_child(root, "behandeling"), index), "conclusie")
    start, end = node.start_mark.index, node.end_mark.index
    written = source.text[start:end]
    # A block scalar (| or >) ends with its line breaks: they stay, so the next key keeps its line.
    tail = written[len(written.rstrip()) :]
    return start, end, _yaml_text(value) + tail


def _value_end(node: yaml.Node) -> int:
    """Where the last value written in ``node`` ends in the text."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        children: list[Any] = node.value
        if children:
            last = children[-1]
            return _value_end(last[1] if isinstance(last, tuple) else last)
    end: int = node.end_mark.index
    return end


def _child(node: yaml.Node, key: str | int) -> yaml.Node:
    """The node at ``key`` in a mapping or sequence node (the caller knows it is there)."""
    children: list[Any]
    if isinstance(key, int):
        assert isinstance(node, yaml.SequenceNode)
        children = node.value
        child: yaml.Node = children[key]
        return child
    assert isinstance(node, yaml.MappingNode)
    children = node.value
    found: yaml.Node = next(value for name, value in children if name.value == key)
    return found


def _add_row(
    source: Source,
    root: yaml.Node,
    new: date,
    meeting: str,
    plan: dict[str, str],
    expected: Any,
    *,
    noted: bool = False,
) -> _Edit:
    """The edit that adds a behandeling row for ``new``, after the rows dated before it;
    ``noted``: with THIS_MEETING_NOTE, taken from the row of the meeting it leaves."""
    data = source.data
    assert isinstance(data, dict)
    rows = data.get("behandeling")
    lines = source.text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    row = {
        "datum": new.isoformat(),
        "overleg": meeting,
        "doel": plan["doel"],
        "conclusie": plan["conclusie"],
    }
    if isinstance(rows, list) and rows:
        earlier = []  # rows dated before the new date: the new row goes after the last one
        for index, entry in enumerate(rows):
            when = _iso_date(entry.get("datum")) if isinstance(entry, dict) else None
            if when is not None and when < new:
                earlier.append(index)
        if earlier:
            start = source.lines[("behandeling", earlier[-1])] - 1
            # After its lines, and after its last value: a block scalar may hold blank lines.
            last = _value_end(_child(_child(root, "behandeling"), earlier[-1]))
            after_value = source.text.find("\n", last - 1) + 1 or len(source.text)
            insert_at = _end_of_item(lines, start)
            while offsets[insert_at] < after_value:
                insert_at += 1
            expected["behandeling"].insert(earlier[-1] + 1, row)
        else:  # moved before every dated row: it becomes the first
            start = source.lines[("behandeling", 0)] - 1
            insert_at = start
            expected["behandeling"].insert(0, row)
        first = lines[start]
        indent = first[: len(first) - len(first.lstrip())]
        begin = end = offsets[insert_at]
        lead = ""
    else:
        indent = "  "
        expected["behandeling"] = [row]
        if "behandeling" in data:  # `behandeling:` or `behandeling: []`
            key_line = source.lines[("behandeling",)] - 1
            begin, end = offsets[key_line], offsets[key_line + 1]
        else:
            begin = end = len(source.text)
        lead = "behandeling:\n"
    if begin == len(source.text) and source.text and not source.text.endswith("\n"):
        lead = "\n" + lead
    return begin, end, lead + _row_text(indent, new, meeting, plan, noted=noted)


# The keys of a behandeling row as a move writes it, in its order.
_ROW_KEYS = ("datum", "overleg", "doel", "conclusie")


def _row_text(indent: str, day: date, meeting: str, plan: dict[str, str], *, noted: bool) -> str:
    """A behandeling row as a move writes it; ``noted``: with THIS_MEETING_NOTE."""
    pad = indent + "  "
    date_line = f"{indent}- datum: {day.isoformat()}"
    return (
        f"{_commented(date_line, THIS_MEETING_NOTE) if noted else date_line}\n"
        f"{pad}overleg: {_yaml_text(meeting)}\n"
        f"{pad}doel: {_yaml_text(plan['doel'])}\n"
        f"{pad}conclusie: {_yaml_text(plan['conclusie'])}\n"
    )


# --------------------------------------------------------------------------- a new meeting


@dataclass(frozen=True, kw_only=True)
class NewMeeting:
    """What a clerk tells ``assembler vergadering``; empty values come from the last meeting."""

    datum: str = ""  # JJJJ-MM-DD; empty: from the folder name
    overleg: str = ""
    aanvang: str = ""  # UU:MM
    locatie: str = ""


MEETING_ASKED = ("overleg", "aanvang", "locatie")
_DATED_FOLDER = DATED_FOLDER


def previous_meeting(project: Project, folder: Path, *, held: bool = False) -> Vergadering | None:
    """The latest meeting before ``folder`` of the same kind (``<date>-pfho-economie``),
    in dossiers/ or archived deeper in it; ``held``: not a cancelled one.

    Its overleg, time and place are what the next one most likely has.
    """
    found = _previous_meeting(project, folder, held=held)
    return found[0] if found is not None else None


def _previous_meeting(
    project: Project, folder: Path, *, held: bool = False
) -> tuple[Vergadering, Source] | None:
    """:func:`previous_meeting`, with its vergadering.yaml as read."""
    match = _DATED_FOLDER.match(folder.name)
    if not match:
        return None
    # The archived ones too: the first meeting of a year follows one archived at year end.
    earlier = sorted(
        (dated.group(1), candidate / MEETING_FILE)
        for candidate in meeting_folders(project.dossiers)
        if (dated := _DATED_FOLDER.match(candidate.name)) is not None
        # As export takes them: '…-PFHO-economie' is the meeting of '…-pfho-economie'.
        and dated.group(2).casefold() == match.group(2).casefold()
        and dated.group(1) < match.group(1)
    )
    for _day, meeting_file in reversed(earlier):
        # A damaged one is refused, not passed over: the one before it would give the new
        # meeting another time and place, and minutes of a meeting that was not the last.
        display = project.display(meeting_file)
        try:
            source = load_yaml(meeting_file, display)
        except InputRejected as error:
            raise _previous_refused(display, "kan niet gelezen worden", error) from None
        try:
            meeting = Vergadering.model_validate(source.data)
        except ValidationError as error:
            problems = problems_from_validation(error, source, Vergadering)
            raise _previous_refused(
                display, "is niet in orde", InputRejected("", problems)
            ) from None
        if not (held and meeting.cancelled):
            return meeting, source
    return None


def _previous_refused(display: str, what: str, error: InputRejected) -> InputRejected:
    """The refusal of a new meeting whose previous one, ``display``, cannot be taken from."""
    return InputRejected(
        f"er is geen vergadering gemaakt: de vorige vergadering van dit overleg, {display}, "
        f"{what}, en daaruit komen het overleg, de aanvang, de locatie en het verslag op de "
        "agenda van de nieuwe (maak dat bestand in orde zoals hierboven staat, en probeer het "
        "opnieuw)",
        error.problems or [Problem(display, None, "", error.message.removeprefix(f"{display}: "))],
    )


def new_meeting_folder(project: Project, meeting_folder: Path, datum: str = "") -> Path:
    """The folder a new meeting goes in: the path given, or a bare name ('2024-03-15-pfho-
    economie', as new and verplaats take it) in ``dossiers/``.

    A name without a date gets ``datum`` (a date that exists) in front of it: the date in
    its name is what places a meeting in its series, for the next one to take its details
    and name its minutes."""
    folder = project.inside(meeting_folder)
    if len(meeting_folder.parts) == 1 and folder.parent != project.dossiers:
        folder = project.dossiers / meeting_folder
    undated = (
        not re.match(r"\d{4}-\d{2}-\d{2}", folder.name)
        and date_written_otherwise(folder.name) is None  # said as that
    )
    if datum and undated and re.fullmatch(r"\d{4}-\d{2}-\d{2}", datum):
        try:
            date.fromisoformat(datum)
        except ValueError:
            return folder  # refused as --datum's own problem
        return folder.parent / f"{datum}-{folder.name}"
    return folder


def new_meeting_day(project: Project, folder: Path, datum: str) -> str:
    """The date of a meeting to be made in ``folder``: ``datum``, or the one its folder name
    starts with; UsageError when the folder cannot become a new meeting."""
    display = project.display(folder)
    if project.inside(folder.parent) != project.dossiers:
        raise UsageError(
            f"{display}: een vergadermap staat direct in dossiers/ (bijvoorbeeld "
            "dossiers/2024-03-15-pfho-economie)"
        )
    if (folder / MEETING_FILE).exists():
        raise UsageError(f"{display}: deze vergadering bestaat al (er staat een {MEETING_FILE})")
    problem = folder_name_problem(folder.name)
    suggested = suggested_folder_name(folder.name)
    if problem and suggested != folder.name:
        # The agenda's rule, as its name goes into the file and zip names of every build.
        raise UsageError(
            f"{display}: de naam van een nieuwe vergadermap mag alleen letters zonder "
            "accent, cijfers, punten en streepjes bevatten; er is niets gemaakt (noem de map "
            f"bijvoorbeeld {project.display(folder.parent / suggested)})"
        )
    if problem:
        raise UsageError(f"{display}: {problem}")
    if datum:
        # '30-9-2023' or 'gisteren' is said as a date written otherwise, not as another date.
        try:
            TypeAdapter(IsoDate).validate_python(datum)
        except ValidationError as error:
            raise UsageError(f"--datum: {error.errors()[0]['msg']}") from None
    dated = _DATED_FOLDER.match(folder.name)
    if dated and datum and datum != dated.group(1):
        raise UsageError(
            f"--datum: {datum} is een andere datum dan die in de mapnaam ({dated.group(1)}); "
            "er is niets gemaakt (laat --datum weg of geef de map de datum van de vergadering)"
        )
    if not datum and not dated and re.fullmatch(r"\d{4}-\d{2}-\d{2}-?", folder.name):
        raise UsageError(
            f"{folder.name}: de mapnaam heeft een datum maar geen naam erachter; er is niets "
            f"gemaakt (zet de naam van het overleg achter de datum, zoals "
            f"{folder.name.rstrip('-')}-pfho-economie)"
        )
    otherwise = None if dated else date_written_otherwise(folder.name)
    if otherwise is not None and otherwise.name is None:
        # Not an undated name for --datum to go in front of: said as '2027-13-01-…' is.
        raise UsageError(
            f"{folder.name}: de datum in de mapnaam, {otherwise.typed}, bestaat niet; er is "
            "niets gemaakt (geef de map de datum van de vergadering, in de vorm JJJJ-MM-DD)"
        )
    if otherwise is not None:
        raise UsageError(
            f"{folder.name}: de datum in de mapnaam staat niet in de vorm JJJJ-MM-DD; er is "
            f"niets gemaakt (noem de map {otherwise.name})"
        )
    if not datum and not dated:
        raise UsageError(
            f"{folder.name}: de mapnaam begint niet met een datum; er is niets gemaakt (noem de "
            f"map naar de datum, zoals 2024-03-15-{folder.name}, of geef --datum op: die komt "
            "dan voor de naam)"
        )
    return datum or (dated.group(1) if dated else "")


def create_meeting(project: Project, folder: Path, values: NewMeeting) -> Path:
    """Write ``<folder>/vergadering.yaml`` for a new meeting; the agenda's fixed items only.

    What is not given is taken from the latest meeting of the same kind; UsageError names
    what is wrong, or still missing.
    """
    with build_lock(project, "vergadering", needed=False):  # as move_dossier holds it
        draft = refuse_wrong_meeting(project, folder, values)
        missing = [f"--{name}" for name in MEETING_ASKED if not draft.given[name]]
        if missing:
            meant = overleg_meant(project, folder)
            raise UsageError(
                f"gegevens ontbreken: geef {', '.join(missing)} op (er is geen eerdere "
                "vergadering van dit overleg om ze van over te nemen"
                + (f"; {meant.question()}" if meant else "")
                + ")"
            )
        target = folder / MEETING_FILE
        # In the line ends and BOM of the meeting it takes its details from, as the clerk's
        # editor saves them.
        text = draft.previous.in_own_form(draft.text) if draft.previous else draft.text
        write_together({target: text}, "maak")
    return target


# An aanvang as the meeting file holds it once checked: UU:MM.
_CLOCK = re.compile(r"\d{1,2}:\d{2}")


@dataclass(frozen=True)
class OverlegMeant:
    """The overleg a new meeting's folder name most likely meant to name (see overleg_meant)."""

    # The overleg's name as typed in the new folder's name ('pfho-ruimte-wonne').
    typed: str
    # The latest meeting folder of the overleg meant ('2023-06-23-pfho-ruimte-wonen').
    latest: str
    # The new meeting's folder name with that overleg's name ('2027-02-05-pfho-ruimte-wonen'),
    # and whether that meeting is there already.
    name: str
    exists: bool

    def question(self) -> str:
        """'is het overleg van … bedoeld?', with what to do if so."""
        if self.exists:
            return (
                f"is het overleg van {self.latest} bedoeld? daarvan is er op die dag al een "
                f"vergadering: dossiers/{self.name}"
            )
        return (
            f"is het overleg van {self.latest} bedoeld? maak de vergadering dan met "
            f"'assembler vergadering {self.name}'"
        )


def overleg_meant(project: Project, folder: Path) -> OverlegMeant | None:
    """For the first meeting of its overleg in ``folder``: the overleg a typing slip in its
    name most likely stands for, by the other meetings' folder names; else None.

    The part after the date is what puts a meeting in its series: a new meeting of
    '…-pfho-ruimte-wonne' starts a series of its own and takes nothing from the last one.
    Only a slip counts, not a name that begins like another: 'pfho-economie-extra' beside
    'pfho-economie' is most likely an overleg of its own.
    """
    dated = _DATED_FOLDER.match(folder.name)
    if dated is None:
        return None
    # By the overleg's letters: the date, folder name and overleg as spelled of its latest.
    latest: dict[str, tuple[str, str, str]] = {}
    for candidate in meeting_folders(project.dossiers):
        other = _DATED_FOLDER.match(candidate.name)
        if other is None or candidate.name == folder.name:
            continue
        letters = other.group(2).casefold()
        if letters == dated.group(2).casefold():
            return None  # not the first of its overleg
        found = (other.group(1), candidate.name, other.group(2))
        latest[letters] = max(latest.get(letters, found), found)
    meant = likely_meant(dated.group(2), sorted(latest), cutoff=0.9, beginnings=False)
    if meant is None:
        return None
    _day, name, spelled = latest[meant]
    renamed = f"{dated.group(1)}-{spelled}"
    exists = any(other.casefold() == renamed.casefold() for other in _listing(project.dossiers))
    return OverlegMeant(dated.group(2), name, renamed, exists)


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def meeting_warnings(project: Project, target: Path, today: date) -> list[Problem]:
    """What to warn of in the new meeting's ``target``: what ``check`` would, an aanvang in
    the night ('2 uur' written as 02:00), given or taken from the meeting before; a day
    already past (a year mistyped), which check does not, a held meeting being common; and
    an overleg named once, by a slip from one that has meetings."""
    display = project.display(target)
    source = load_yaml(target, display, may_be_empty=True)
    data = source.data if isinstance(source.data, dict) else {}
    problems = []
    start = data.get("aanvang")
    early = before_the_day(start) if isinstance(start, str) and _CLOCK.fullmatch(start) else None
    if early is not None:
        line = source.line_of(("aanvang",))
        problems.append(Problem(display, line, "aanvang", early, "waarschuwing"))
    day = _written_day(data.get("datum"))
    if day is not None and day < today:
        meant = _next_such_day(day, today)
        dated = DATED_FOLDER.match(target.parent.name)
        redo = (
            f"is het die van {dutch_date(meant)}: haal deze map weg en maak de vergadering "
            f"opnieuw met 'assembler vergadering {meant.isoformat()}-{dated.group(2)}'"
            if meant is not None and dated is not None
            else "controleer het jaartal"
        )
        problems.append(
            Problem(
                display,
                source.line_of(("datum",)),
                "datum",
                f"{dutch_date(day)} is al geweest ({redo})",
                "waarschuwing",
            )
        )
    series = overleg_meant(project, target.parent)
    if series is not None:
        problems.append(
            Problem(
                display,
                None,
                "",
                f"dit is de eerste vergadering van '{series.typed}' ({series.question()}; "
                "haal deze map dan weg)",
                "waarschuwing",
            )
        )
    return problems


def _written_day(value: object) -> date | None:
    """The day a meeting file's ``datum`` names, JJJJ-MM-DD; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _next_such_day(day: date, today: date) -> date | None:
    """The same day and month as ``day`` in the first year it is not past; None for 29
    February in a year without it."""
    try:
        meant = day.replace(year=today.year)
        return meant if meant >= today else day.replace(year=today.year + 1)
    except ValueError:
        return None


def refuse_wrong_meeting(project: Project, folder: Path, values: NewMeeting) -> _MeetingDraft:
    """The new meeting of ``values``; UsageError for the folder or a value given that check
    would refuse (one still to be asked is not wrong yet)."""
    draft = _meeting_draft(project, folder, values)
    if draft.problems:
        # Each value came from an option, or the date from the folder name: said as such.
        raise UsageError(
            "er is geen vergadering gemaakt: "
            + "; ".join(
                f"de datum in de mapnaam, {draft.day}, bestaat niet (geef de map de datum van "
                "de vergadering)"
                if name == "datum" and not values.datum
                else f"--{name}: {said}"
                for name, said in draft.problems
            )
        )
    return draft


def meeting_answer_problem(
    project: Project, folder: Path, values: NewMeeting, name: str
) -> str | None:
    """What ``assembler check`` would say of the value of ``name`` in ``values``, else None."""
    problems = _meeting_draft(project, folder, values).problems
    return next((said for field, said in problems if field == name), None)


@dataclass(frozen=True)
class _MeetingDraft:
    """The vergadering.yaml that a clerk's values make, before it is written."""

    text: str
    day: str
    given: dict[str, str]  # overleg, aanvang, locatie: given, or from the previous meeting
    problems: list[tuple[str, str]]  # (field, message) as check would say them
    previous: Source | None = None  # the vergadering.yaml the details are taken from


def _meeting_draft(project: Project, folder: Path, values: NewMeeting) -> _MeetingDraft:
    """The vergadering.yaml that ``values`` make, and what is wrong in it."""
    day = new_meeting_day(project, folder, values.datum)
    earlier = _previous_meeting(project, folder)
    previous, previous_file = earlier if earlier is not None else (None, None)
    given = {
        "overleg": values.overleg or (previous.meeting if previous else ""),
        "aanvang": values.aanvang or (previous.start if previous else ""),
        "locatie": values.locatie or (previous.location if previous else ""),
    }
    items = ["Opening en vaststellen agenda"]
    # The minutes are of the last meeting that went ahead: a cancelled one has none.
    reported = previous_meeting(project, folder, held=True)
    if reported is not None:
        items.append("Verslag en actielijst van het overleg van " + dutch_date(reported.date))
    items.append("Rondvraag en sluiting")
    text = _MEETING_TEXT.format(
        schema=_relative_schema(project, folder, "vergadering"),
        overleg=_yaml_text(given["overleg"]),
        datum=day,
        aanvang=_yaml_text(written_time(given["aanvang"])),
        locatie=_yaml_text(given["locatie"]),
        agenda="".join(f"  - {item}\n" for item in items),  # our own words: no quotes needed
    )
    target = folder / MEETING_FILE
    source = parse_yaml(text.encode("utf-8"), target, project.display(target))
    try:
        Vergadering.model_validate(source.data)
    except ValidationError as error:
        found = problems_from_validation(error, source, Vergadering)
        # A value neither given nor taken from an earlier meeting is still to be asked.
        problems = [(p.veld, p.melding) for p in found if p.veld not in given or given[p.veld]]
        return _MeetingDraft(text, day, given, problems, previous_file)
    return _MeetingDraft(text, day, given, [], previous_file)


_MEETING_TEXT = """\
# yaml-language-server: $schema={schema}
overleg: {overleg}
datum: {datum}
aanvang: {aanvang}
locatie: {locatie}
agenda:
{agenda}\
  # 'assembler new' zet een nieuw dossier voor de rondvraag; een los punt is een regel tekst.
"""

"""Withdrawing kept outputs that show in full what is no longer public.

A build keeps a meeting's agendas and bundles, a dossier's outputs and the export package at
their last version when it cannot make them anew. When that version shows a dossier that is
confidential now (verspreiden: Nee), refused, or no longer to be found, a clerk could still
pass it on from ``build/``: :func:`withdraw_public_outputs` removes it, and says so at the
line of the meeting or dossier. Only on evidence: what the records under ``build/.cache`` and
the package's manifest say the outputs show.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Collection, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assembler.errors import Problem, dutch_list
from assembler.fsutil import not_writable, read_json, read_refused
from assembler.layout import (
    EXPORT_DIR,
    EXPORT_PUBLIC_MANIFEST,
    MANIFEST_VERSION,
    MEETING_RECORD,
    PUBLIC_MEETING_BUNDLE,
    PUBLIC_MEETING_OUTPUTS,
    dossier_outputs_public,
    meeting_shown_in_full,
    previous_outputs,
    recorded_dir,
)
from assembler.project import (
    DOSSIER_FILE,
    MEETING_FILE,
    PUBLICATION_FILE,
    Project,
    holds_dossier,
)
from assembler.source import field_label

if TYPE_CHECKING:
    from assembler.inputs import AgendaItem, Catalog, MeetingInput


def withdraw_public_outputs(
    project: Project,
    catalog: Catalog,
    failed: Collection[Path],
    current: set[str],
    *,
    partial: bool,
    export_follows: bool,
    problems: list[Problem],
) -> None:
    """Remove kept public outputs that show in full an item that may no longer be public.

    A meeting's agenda and bundle, and a dossier's outputs, stay at their last version when
    something of them could not be made this time. When that version shows in full an item
    that is now confidential (verspreiden: Nee), or whose dossier.yaml was refused without
    saying verspreiden: Ja, a clerk could still pass it on from build/: it goes, and comes
    back with the next build that can make it. ``current`` names the meetings whose outputs
    match their items now (made this time, or unchanged); ``failed`` holds the dossier
    folders not made. What is withdrawn is said in ``problems`` as it goes, so that it is
    told also when a later removal fails.
    """
    from assembler.validate import declared_public

    public_now = _PublicNow(catalog, declared_public)
    # Every dossier that validated, also those a build of one dossier did not select: a
    # package showing them is still right about them.
    references = {
        item.dossier.document.reference: (item.dossier.name, item.dossier.document.is_public)
        for meeting in catalog.everything or catalog.meetings
        for item in meeting.items
        if item.dossier is not None
    }
    for meeting in catalog.meetings:
        if meeting.name not in current:
            _withdraw_meeting_outputs(project, meeting, public_now, problems)
        _withdraw_export(project, meeting, references, export_follows, problems)
        for item in meeting.items:
            name = item.dossier.name if item.dossier is not None else item.folder_name
            made = item.dossier is not None and item.dossier.folder not in failed
            if name is None or made or public_now(meeting.name, name):
                continue
            if dossier_outputs_public(project, meeting.name, name):
                _withdraw_dossier_outputs(project, meeting, item, name, problems)
    if partial:
        _withdraw_elsewhere(project, catalog, problems)
    else:
        # A meeting whose vergadering.yaml is refused, or gone, keeps its build folder too
        # (see _remove_stale): what of it is no longer public goes all the same.
        loaded = {meeting.name for meeting in catalog.meetings}
        cache = project.cache
        records = sorted(p for p in cache.iterdir() if p.is_dir()) if cache.is_dir() else []
        for record_dir in records:
            name = record_dir.name
            folder = project.dossiers / name
            if name not in loaded and folder.is_dir():
                unloaded = _Unloaded(folder)

                def public_there(meeting: str, item: str, folder: Path = folder) -> bool:
                    return declared_public(folder / item)

                _withdraw_meeting_outputs(project, unloaded, public_there, problems)
                _withdraw_unloaded_dossier_outputs(project, folder, problems)


class _PublicNow:
    """Whether each dossier on a loaded agenda is public now (a refused one: if it says so)."""

    def __init__(self, catalog: Catalog, declared_public: Callable[[Path], bool]) -> None:
        self.by_item: dict[tuple[str, str], bool] = {}
        for meeting in catalog.meetings:
            for item in meeting.items:
                if item.dossier is not None:
                    public = item.dossier.document.is_public
                elif item.folder_name is not None:
                    public = declared_public(meeting.folder / item.folder_name)
                else:
                    continue
                self.by_item[
                    (meeting.name, item.dossier.name if item.dossier else str(item.folder_name))
                ] = public

    def __call__(self, meeting: str, name: str) -> bool:
        """Public now: on this meeting's agenda, or else (moved) on every other that has it."""
        if (meeting, name) in self.by_item:
            return self.by_item[(meeting, name)]
        elsewhere = [public for (_m, n), public in self.by_item.items() if n == name]
        return bool(elsewhere) and all(elsewhere)


@dataclass(frozen=True)
class _Unloaded:
    """A meeting folder whose vergadering.yaml did not load: a name and a folder only."""

    folder: Path

    @property
    def name(self) -> str:
        """The meeting's folder name."""
        return self.folder.name


def _withdraw_meeting_outputs(
    project: Project,
    meeting: MeetingInput | _Unloaded,
    public_now: Callable[[str, str], bool],
    problems: list[Problem],
) -> None:
    """Remove a kept meeting's public outputs if they show in full what is not public now."""
    folder = project.build / meeting.name
    public = [folder / name for name in PUBLIC_MEETING_OUTPUTS if (folder / name).is_file()]
    export = folder / EXPORT_DIR
    if not public and not export.exists():
        return
    shown = meeting_shown_in_full(project, meeting.name)
    known = shown is not None
    if shown is None:  # not known what they show: any item of the meeting may be in them
        items = () if isinstance(meeting, _Unloaded) else meeting.items
        shown = {str(item.folder_name) for item in items if item.folder_name is not None}
    # An item no longer on any loaded agenda (taken off, or its meeting not built now) may have
    # become confidential as well: it is not known to be public.
    withdrawn = sorted(name for name in shown if not public_now(meeting.name, name))
    if not withdrawn:
        return
    removed = _remove_public_meeting_outputs(folder)
    reasons = {name: _why(meeting, name) for name in withdrawn}
    made = [name for name in removed if name != _PACKAGE]
    back = (
        [
            f"{dutch_list(made)} {'komt' if len(made) == 1 else 'komen'} terug zodra de hele "
            "vergadering weer gebouwd kan worden"
        ]
        if made
        else []
    )
    if _PACKAGE in removed:
        back.append(f"het exportpakket {'' if made else 'komt terug '}met de volgende export")
    said = _removed_for_showing(removed, "", withdrawn, known=known)
    message = _withdrawn_said(said, reasons, ("dat agendapunt", "die agendapunten"), back)
    problems.append(meeting_warning(project, meeting.folder, message))


def _withdrawn_said(
    said: str, reasons: dict[str, str], subject: tuple[str, str], back: Sequence[str]
) -> str:
    """What was removed (``said``), why per item (``reasons``: item and reason), and how it
    comes back (``back``): in one sentence when they share a reason ('…, en die agendapunten
    zijn nu niet openbaar (…)'), ``subject`` naming them there.

    Items gone for different reasons, chained with "en", read as one knot (clerk2 L7, revH
    H5): then what happened, a sentence per item, and what comes back when.
    """
    if len(set(reasons.values())) == 1:
        return f"{said}, en {_why_said(reasons, *subject)} ({', '.join(back)})"
    each = " ".join(
        f"{_item_subject(name)} {_REASONS[reasons[name]][0]}." for name in sorted(reasons)
    )
    back_said = ", ".join(back)
    comes_back = f" {back_said[:1].upper()}{back_said[1:]}." if back_said else ""
    return f"{said}. {each}{comes_back}"


def _item_subject(name: str) -> str:
    """An item as the subject of its own sentence: 'Agendapunt x', or, named by its kenmerk
    (its folder not known), 'Het dossier met kenmerk …'."""
    if name.startswith(_BY_KENMERK):
        return name[:1].upper() + name[1:]
    return f"Agendapunt {name}"


# How a package's item is named when no folder of it is known, only its kenmerk.
_BY_KENMERK = "het dossier met kenmerk "


def _withdraw_export(
    project: Project,
    meeting: MeetingInput,
    references: dict[str, tuple[str, bool]],
    export_follows: bool,
    problems: list[Problem],
) -> None:
    """Remove an export package whose public side shows a dossier not known to be public now.

    The agendas and bundles of a meeting that is made again are made anew; its package is
    not, until the next export. What its public side shows is read from its manifest: the
    kenmerk of each public document. A kenmerk no valid dossier has now (renamed, taken off,
    refused without saying verspreiden: Ja) is not known to be public either; a refused one
    that says verspreiden: Ja is, as it is for the agendas and bundles kept: the package is
    only behind, which every build says.
    """
    export = project.build / meeting.name / EXPORT_DIR
    if not export.exists():
        return
    try:
        manifest = read_json(export / EXPORT_PUBLIC_MANIFEST)
        if newer_manifest(manifest):
            # A newer assembler's package, in a form this one may misread: it shows what it
            # names. The gate kept every confidential kenmerk out of it when it was made.
            named = json.dumps(manifest, ensure_ascii=False)
            entries: list[dict[str, object]] = []
            shown = {kenmerk for kenmerk in references if kenmerk in named}
        else:
            entries = [entry for entry in manifest["informatieobjecten"] if "kenmerk" in entry]
            shown = {str(entry["kenmerk"]) for entry in entries}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # not a whole package: the export sweeps it before it writes
    # A dossier that validated is known to be confidential now; a kenmerk no valid dossier has
    # is named by the folder its documents came from, and why that folder is not public said.
    folders = _folders_of(meeting.folder, entries)
    reasons: dict[str, str] = {}
    for kenmerk in shown:
        if kenmerk in references:
            name, public = references[kenmerk]
            if not public:
                reasons[name] = "niet openbaar"
        elif kenmerk in folders:
            why = _why(meeting, folders[kenmerk])
            if why != "afgekeurd":  # refused but saying verspreiden: Ja: public as it was
                reasons[folders[kenmerk]] = why
        else:
            reasons[f"{_BY_KENMERK}{kenmerk}"] = "niet te vinden"
    if not reasons:
        return
    try:
        shutil.rmtree(export)
    except OSError as error:
        raise not_writable(project.build / meeting.name, error) from None
    if export_follows:
        return  # the export writes the package anew, or says why it cannot
    problems.append(
        meeting_warning(
            project,
            meeting.folder,
            _withdrawn_said(
                f"het exportpakket is weggehaald: het toonde {dutch_list(sorted(reasons))} als "
                "openbaar",
                reasons,
                ("dat", "die"),
                [f"maak het opnieuw met 'assembler export {project.display(meeting.folder)}'"],
            ),
        )
    )


def newer_manifest(manifest: object) -> str | None:
    """The ``manifestversie`` of a package manifest a newer assembler wrote, which this one
    may misread; None for one it knows."""
    if not isinstance(manifest, dict):
        return None
    version = str(manifest.get("manifestversie", ""))
    newer = version.isascii() and version.isdigit() and int(version) > int(MANIFEST_VERSION)
    return version if newer else None


def _folders_of(meeting: Path, entries: Sequence[dict[str, object]]) -> dict[str, str]:
    """Per kenmerk in a package's manifest, the dossier folder its documents came from, by
    their file names in the meeting's publicatie.json; none where that does not say."""
    try:
        records = read_json(meeting / PUBLICATION_FILE)
        folder_of = {
            str(record.get("bestandsnaam")): key.partition(":")[2].partition("/")[0]
            for key, record in records["documenten"].items()
            if key.startswith("openbaar:") and "/" in key and isinstance(record, dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return {
        str(entry["kenmerk"]): folder_of[str(entry.get("bestandsnaam"))]
        for entry in entries
        if str(entry.get("bestandsnaam")) in folder_of
    }


# Why an item shown as public is not known to be public now, in the order they are said, with
# the words for one item and for several.
_REASONS = {
    "niet openbaar": ("is nu niet openbaar", "zijn nu niet openbaar"),
    # Refused, and not saying it is public: whether it is, is not known.
    "afgekeurd, niet openbaar": (
        "is afgekeurd en zegt niet 'verspreiden: Ja'",
        "zijn afgekeurd en zeggen niet 'verspreiden: Ja'",
    ),
    "afgekeurd": ("is afgekeurd", "zijn afgekeurd"),
    "niet meer op de agenda": ("staat niet meer op de agenda", "staan niet meer op de agenda"),
    "ander kenmerk": ("heeft nu een ander kenmerk", "hebben nu een ander kenmerk"),
    "niet te vinden": ("is niet te vinden", "zijn niet te vinden"),
    # Its folder, or its meeting's, cannot be looked into (no rights).
    "niet te lezen": ("kan niet gelezen worden", "kunnen niet gelezen worden"),
    # Of a meeting whose vergadering.yaml did not load, only its dossier.yaml is read.
    "niet als openbaar aangegeven": (
        "zegt niet 'verspreiden: Ja'",
        "zeggen niet 'verspreiden: Ja'",
    ),
}


def _why(meeting: MeetingInput | _Unloaded, name: str) -> str:
    """Why the item in folder ``name`` of ``meeting`` is not known to be public now."""
    holds = holds_dossier(meeting.folder / name)
    if holds is None:
        return "niet te lezen"
    if not holds:
        return "niet meer op de agenda" if _off_agenda(meeting, name) else "niet te vinden"
    if read_refused(meeting.folder / name / DOSSIER_FILE) is not None:
        return "niet te lezen"  # whether it says verspreiden: Ja is not known
    if isinstance(meeting, _Unloaded):
        return "niet als openbaar aangegeven"
    if _off_agenda(meeting, name):
        return "niet meer op de agenda"
    from assembler.validate import declared_public

    item = next(i for i in meeting.items if _item_name(i) == name)
    if item.dossier is None:
        return "afgekeurd" if declared_public(meeting.folder / name) else "afgekeurd, niet openbaar"
    return "niet openbaar" if not item.dossier.document.is_public else "ander kenmerk"


def _off_agenda(meeting: MeetingInput | _Unloaded, name: str) -> bool:
    """Whether ``name`` is off the loaded agenda of ``meeting`` (not known of one not loaded)."""
    if isinstance(meeting, _Unloaded):
        return False
    return all(_item_name(item) != name for item in meeting.items)


def _item_name(item: AgendaItem) -> str | None:
    """The folder an agenda item names, whether its dossier validated or not."""
    return item.dossier.name if item.dossier is not None else item.folder_name


def _why_said(reasons: dict[str, str], one: str, several: str) -> str:
    """'dat is nu niet openbaar', or per reason 'a is nu niet openbaar en b is afgekeurd'."""
    grouped = {
        reason: sorted(name for name, why in reasons.items() if why == reason)
        for reason in _REASONS
    }
    said = [(names, _REASONS[reason]) for reason, names in grouped.items() if names]
    if len(said) == 1:
        ((names, (singular, plural)),) = said
        return f"{one} {singular}" if len(names) == 1 else f"{several} {plural}"
    return dutch_list(
        [
            f"{dutch_list(names)} {singular if len(names) == 1 else plural}"
            for names, (singular, plural) in said
        ]
    )


def _withdraw_dossier_outputs(
    project: Project, meeting: MeetingInput, item: AgendaItem, name: str, problems: list[Problem]
) -> None:
    """Remove a dossier's kept public outputs now that it is not known to be public."""
    previous = previous_outputs(project, meeting, item)
    if not previous:
        return
    for output_dir in previous:
        _remove_folder(output_dir)
    if holds_dossier(meeting.folder / name) is not False:
        problems.append(_dossier_outputs_withdrawn(project, meeting.folder / name))
        return
    # Taken away, or renamed: said at its agenda line, as the file it names is not there.
    where = ("agenda", item.number - 1)
    problems.append(
        Problem(
            project.display(meeting.folder / MEETING_FILE),
            meeting.source.line_of(where),
            field_label(where),
            f"de eerder gemaakte stukken van {name} in "
            f"{dutch_list([project.display(d) for d in previous])} zijn weggehaald: ze waren "
            f"openbaar, en er is geen {name}/{DOSSIER_FILE} meer (ze komen terug zodra het "
            "dossier weer gebouwd kan worden)",
            "waarschuwing",
        )
    )


def _dossier_outputs_withdrawn(project: Project, dossier: Path) -> Problem:
    return Problem(
        project.display(dossier / DOSSIER_FILE),
        None,
        "",
        "de eerder gemaakte stukken van dit dossier zijn weggehaald: ze waren openbaar, en "
        "het dossier is nu niet openbaar of afgekeurd (ze komen terug zodra het dossier "
        "weer gebouwd kan worden)",
        "waarschuwing",
    )


def _withdraw_unloaded_dossier_outputs(
    project: Project, meeting: Path, problems: list[Problem]
) -> None:
    """Withdraw the kept public outputs of dossiers in a meeting whose vergadering.yaml was
    refused, where the dossier no longer says verspreiden: Ja; the others stay."""
    from assembler.validate import declared_public

    for record_file in sorted((project.cache / meeting.name).glob("*.json")):
        if record_file.name == MEETING_RECORD:
            continue
        try:
            record = read_json(record_file)
            name = recorded_dir(record, project.build / meeting.name)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if not name or name != Path(name).name or name in (".", ".."):
            continue  # not a record this build wrote: only a folder of its own meeting goes
        output_dir = project.build / meeting.name / name
        dossier = meeting / record_file.stem
        if not record.get("openbaar", True) or declared_public(dossier) or not output_dir.is_dir():
            continue
        _remove_folder(output_dir)
        problems.append(_dossier_outputs_withdrawn(project, dossier))


def _withdraw_elsewhere(project: Project, catalog: Catalog, problems: list[Problem]) -> None:
    """In a partial build: withdraw from the meetings it leaves alone what shows in full a
    dossier that is confidential now, known by its kenmerk (moved there with verplaats and
    made confidential, or its meeting folder renamed).

    Only on that evidence: a meeting whose records are gone, or whose dossier was renamed or
    refused, is left as it is until it is built itself.
    """
    everything = catalog.everything or catalog.meetings
    secret = {
        d.document.reference: d for m in everything for d in m.dossiers if not d.document.is_public
    }
    if not secret:
        return
    selected = {meeting.name for meeting in catalog.meetings}
    folders = {meeting.name: meeting.folder for meeting in everything}
    cache = project.cache
    for record_dir in sorted(p for p in cache.iterdir() if p.is_dir()) if cache.is_dir() else []:
        meeting = record_dir.name
        if meeting in selected or not (project.build / meeting).is_dir():
            continue
        # Each kept dossier folder by its record: the folder name, and the kenmerk in it.
        kept: dict[str, tuple[Path, str, bool]] = {}
        for record_file in sorted(record_dir.glob("*.json")):
            if record_file.name == MEETING_RECORD:
                continue
            try:
                record = read_json(record_file)
                name = recorded_dir(record, project.build / meeting)
                public = bool(record.get("openbaar", True))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
            number, _, rest = name.partition("-")
            reference = rest.removesuffix(f"-{record_file.stem}")
            if name != Path(name).name or not number.isdigit() or reference == rest:
                continue  # not a folder name this build wrote
            kept[record_file.stem] = (project.build / meeting / name, reference, public)
        where = folders.get(meeting, project.dossiers / meeting)
        # A record is evidence only when no other dossier is in its folder now: a public one
        # that shares the kenmerk by mistake (and is refused for it) keeps its outputs.
        kept = {
            stem: entry
            for stem, entry in kept.items()
            if entry[1] in secret
            and (
                holds_dossier(where / stem) is False
                or (where / stem).resolve() == secret[entry[1]].folder.resolve()
            )
        }
        evidence = {reference for _dir, reference, _public in kept.values()}
        shown = meeting_shown_in_full(project, meeting) or set()
        now_secret = sorted(n for n in shown if n in kept)
        export = project.build / meeting / EXPORT_DIR
        with suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
            manifest = read_json(export / EXPORT_PUBLIC_MANIFEST)
            listed = (
                # A newer assembler's, in a form this one may misread: what it names.
                {k for k in evidence if k in json.dumps(manifest, ensure_ascii=False)}
                if newer_manifest(manifest)
                else {str(entry.get("kenmerk")) for entry in manifest["informatieobjecten"]}
            )
            now_secret += sorted(
                secret[k].name for k in listed & evidence if secret[k].name not in now_secret
            )
        public_outputs = [project.build / meeting / n for n in PUBLIC_MEETING_OUTPUTS]
        if now_secret and (export.exists() or any(p.is_file() for p in public_outputs)):
            removed = _remove_public_meeting_outputs(project.build / meeting)
            again = "bouw en exporteer" if _PACKAGE in removed else "bouw"
            problems.append(
                meeting_warning(
                    project,
                    where,
                    _removed_for_showing(
                        removed, f" in {project.display(project.build / meeting)}", now_secret
                    )
                    + f", en {'dat dossier is' if len(now_secret) == 1 else 'die dossiers zijn'} "
                    f"nu niet openbaar ({again} deze vergadering opnieuw om "
                    f"{'het' if len(removed) == 1 else 'ze'} terug te krijgen)",
                )
            )
        for output_dir, reference, public in kept.values():
            if not public or not output_dir.is_dir():
                continue
            _remove_folder(output_dir)
            now = project.display(secret[reference].folder)
            problems.append(
                Problem(
                    project.display(where / MEETING_FILE),
                    None,
                    "",
                    f"de eerder gemaakte stukken in {project.display(output_dir)} zijn "
                    f"weggehaald: ze waren openbaar, en het dossier met kenmerk {reference} "
                    f"({now}) is nu niet openbaar",
                    "waarschuwing",
                )
            )


_AGENDA, _BUNDLE, _PACKAGE = "de openbare agenda", "de vergaderbundel", "het exportpakket"


def _remove_public_meeting_outputs(folder: Path) -> list[str]:
    """Remove a meeting's public agenda, meeting bundle and export package from ``folder``;
    what was there, as a message names it."""
    there = {name for name in PUBLIC_MEETING_OUTPUTS if (folder / name).is_file()}
    removed = [_AGENDA] if there - {PUBLIC_MEETING_BUNDLE} else []
    removed += [_BUNDLE] if PUBLIC_MEETING_BUNDLE in there else []
    removed += [_PACKAGE] if (folder / EXPORT_DIR).exists() else []
    try:
        for name in PUBLIC_MEETING_OUTPUTS:
            (folder / name).unlink(missing_ok=True)
        if (folder / EXPORT_DIR).exists():
            shutil.rmtree(folder / EXPORT_DIR)
    except OSError as error:
        raise not_writable(folder, error) from None
    return removed


def _removed_for_showing(
    removed: Sequence[str], where: str, items: Sequence[str], *, known: bool = True
) -> str:
    """'de openbare agenda en de vergaderbundel zijn weggehaald: daarin stond x als openbaar
    agendapunt'; not ``known`` (the build's record of them is gone): 'daarin kan x … staan'."""
    one = len(items) == 1
    shown = "openbaar agendapunt" if one else "openbare agendapunten"
    # Without the record, an item that was confidential all along is named too: said as what
    # may be so, not as a leak that happened.
    told = (
        f"daarin {'stond' if one else 'stonden'} {dutch_list(items)} als {shown}"
        if known
        else f"daarin {'kan' if one else 'kunnen'} {dutch_list(items)} als {shown} staan"
    )
    return (
        f"{dutch_list(removed)}{where} {'is' if len(removed) == 1 else 'zijn'} weggehaald: {told}"
    )


def _remove_folder(folder: Path) -> None:
    """Remove an output folder that is withdrawn; a clerk is told when it cannot be."""
    try:
        shutil.rmtree(folder)
    except OSError as error:
        raise not_writable(folder, error) from None


def meeting_warning(project: Project, meeting_folder: Path, message: str) -> Problem:
    """A warning about a meeting's outputs, at its vergadering.yaml."""
    where = project.display(meeting_folder / MEETING_FILE)
    return Problem(where, None, "", message, "waarschuwing")

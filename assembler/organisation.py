"""The organisation's settings, ``dossiers/organisatie.yaml``, and its logo.

Also what every YAML file of the project is checked for before it is read, which the settings
file is the first to need: a link to outside ``dossiers/`` (outside_problem), a file named
otherwise ('Dossier.yml', 'dossier.yaml.txt', 'dossier (1).yaml': misnamed_file) and a copy
beside it with other content (read_beside).
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from assembler.errors import (
    InputRejected,
    Problem,
    SettingsRejected,
    Severity,
    sort_problems,
)
from assembler.fsutil import unreadable, windows_shortcut
from assembler.inputs import as_stored
from assembler.model import (
    DEFAULT_NAME,
    DEFAULT_PUBLICATION_URL,
    DEFAULT_TOOI,
    Organisatie,
    tooi_of,
)
from assembler.project import DOSSIER_FILE, ORGANISATION_FILE, Project
from assembler.pydantic_messages import problems_from_validation
from assembler.source import PartlyRead, load_yaml
from assembler.text_warnings import file_warnings, glyph_warnings


def load_organisation(project: Project) -> Organisatie:
    """Read ``dossiers/organisatie.yaml`` (defaults when absent); raise UsageError when invalid."""
    return read_organisation(project)[0]


def read_organisation(project: Project) -> tuple[Organisatie, list[Problem]]:
    """The organisation's settings (see load_organisation) and the warnings about its file."""
    organisation, warnings, _ = _read_organisation(project)
    return organisation, warnings


def _read_organisation(project: Project) -> tuple[Organisatie, list[Problem], dict[str, int]]:
    """The settings, the warnings about their file, and the line of each top-level key."""
    path = project.organisation_file
    try:
        present = path.exists()
    except OSError as error:
        # dossiers/ cannot be looked into: not the settings, nor any meeting.
        raise SettingsRejected(
            f"{project.display(project.dossiers)}: deze map kan niet gelezen worden, daarom is "
            f"niets gecontroleerd of gemaakt: {unreadable(error)}",
            bestand=project.display(project.dossiers),
        ) from None
    if not present:
        misnamed = misnamed_file(path.parent, ORGANISATION_FILE)
        if misnamed is None:
            return Organisatie.model_validate({}), [], {}
        # Its settings would silently give way to the defaults in every document. Said once,
        # as what ends the run: no problem line above that says the same.
        shown = project.display(path.parent / misnamed)
        raise SettingsRejected(
            f"{shown}: heet niet {ORGANISATION_FILE}, dus worden de instellingen niet gelezen en "
            f"is niets gecontroleerd of gemaakt (hernoem het bestand naar {ORGANISATION_FILE})",
            bestand=shown,
        )
    display = project.display(path)
    beside = read_beside(path, display)
    # Every dossier is checked against these settings (the kenmerkpatroon), so nothing else is.
    refused = (
        f"{display}: ongeldige instellingen, daarom is niets gecontroleerd of gemaakt "
        "(verbeter eerst dit bestand)"
    )
    try:
        # Every key is optional: a file with none (emptied, or comments only) is the defaults.
        source = load_yaml(path, display, may_be_empty=True)
        organisation = Organisatie.model_validate(source.data)
    except PartlyRead as rejected:
        # The rest of the file checked in the same round (see PartlyRead.besides).
        problems = rejected.problems
        try:
            Organisatie.model_validate(rejected.source.data)
        except ValidationError as error:
            found = problems_from_validation(error, rejected.source, Organisatie)
            problems = sort_problems(problems + rejected.besides(found))
        raise SettingsRejected(refused, beside + problems, bestand=display) from None
    except InputRejected as rejected:
        raise SettingsRejected(refused, beside + rejected.problems, bestand=display) from None
    except ValidationError as error:
        problems = problems_from_validation(error, source, Organisatie)
        raise SettingsRejected(refused, beside + problems, bestand=display) from None
    if organisation.logo:
        # Its name is read as NFC (one 'ó'); a file named on a Mac may hold 'o' and an accent.
        named = PurePosixPath(organisation.logo)
        stored = as_stored(project.dossiers / named).name
        if stored != named.name:
            organisation = organisation.model_copy(update={"logo": str(named.with_name(stored))})
        logo = project.dossiers / named.with_name(stored)
        problem = outside_problem(project, logo, "het logo") or logo_problem(logo, str(named))
        if problem:
            where = Problem(display, source.line_of(("logo",)), "logo", problem)
            raise SettingsRejected(refused, [*beside, where], bestand=display)
    lines = {
        path[0]: line
        for path, line in source.lines.items()
        if len(path) == 1 and isinstance(path[0], str)
    }
    # "naam: Regio # 2" would head every document as "Regio".
    borrowed = borrowed_identity(organisation, display, "waarschuwing", lines)
    # The name heads every document; the other settings are addresses and patterns.
    printed = glyph_warnings(source, display, fields=("naam",))
    return organisation, beside + file_warnings(source, display) + printed + borrowed, lines


def borrowed_identity(
    organisation: Organisatie,
    display: str,
    severity: Severity = "fout",
    lines: Mapping[str, int] | None = None,
) -> list[Problem]:
    """A problem for each of tooi and publicatie_url left out, or kept from the example, while
    naam is another organisation's: the export would carry Regio Gooi en Vechtstreek's
    identity. ``lines``: the line of each key written in the file."""
    problems = []
    for key in organisation.borrowed_keys():
        left_out = organisation.left_out(key)
        if key == "tooi":
            own = tooi_of(organisation.name)
            fill_in = (
                f"vul de TOOI-URI van uw organisatie in; volgens de DiWoo-waardelijsten is die "
                f"van {own[1]}: {own[0]}"
                if own is not None
                else "vul de TOOI-URI van uw organisatie in, uit de DiWoo-waardelijsten, zoals "
                "https://identifier.overheid.nl/tooi/id/gemeente/gm0363 voor gemeente Amsterdam"
            )
            said = (
                f"ontbreekt; zonder zou de export de TOOI-URI van {DEFAULT_NAME} dragen "
                f"({DEFAULT_TOOI}), dus wordt er niet geëxporteerd of gepubliceerd ({fill_in})"
                if left_out
                else f"'{organisation.tooi}' is de TOOI-URI van {DEFAULT_NAME} uit het "
                f"voorbeeld, dus wordt er niet geëxporteerd of gepubliceerd ({fill_in})"
            )
        else:
            said = (
                f"ontbreekt; zonder zouden de links in de export naar {DEFAULT_PUBLICATION_URL} "
                f"van {DEFAULT_NAME} wijzen"
                if left_out
                else f"'{organisation.publication_url}' is de website van {DEFAULT_NAME} uit het "
                "voorbeeld"
            ) + (
                ", dus wordt er niet geëxporteerd of gepubliceerd (vul het webadres in waar uw "
                "organisatie de gepubliceerde stukken zet, zoals https://www.voorbeeld.nl/stukken/)"
            )
        # A key kept from the example is pointed at; one left out has no line to point at.
        line = None if left_out else (lines or {}).get(key)
        problems.append(Problem(display, line, key, said, severity))
    return problems


def require_own_identity(project: Project) -> Organisatie:
    """The settings (see load_organisation); SettingsRejected when an export would carry
    Regio Gooi en Vechtstreek's identity for another organisation (see borrowed_identity)."""
    organisation, _, lines = _read_organisation(project)
    display = project.display(project.organisation_file)
    borrowed = borrowed_identity(organisation, display, lines=lines)
    if borrowed:
        keys = " en ".join(problem.veld for problem in borrowed)
        if not all(organisation.left_out(problem.veld) for problem in borrowed):
            # Kept from the example: written, but not the organisation's own.
            said = (
                f"{display}: {keys} {'zijn' if len(borrowed) > 1 else 'is'} nog die van "
                f"{DEFAULT_NAME}, daarom is niets geëxporteerd (vul eerst {keys} van uw "
                "organisatie in)"
            )
        elif len(borrowed) > 1:
            said = (
                f"{display}: {keys} van uw organisatie ontbreken, daarom is niets geëxporteerd "
                f"(vul eerst {keys} in)"
            )
        else:
            said = (
                f"{display}: {keys} van uw organisatie ontbreekt, daarom is niets "
                f"geëxporteerd (vul eerst {keys} in)"
            )
        raise SettingsRejected(said, borrowed, bestand=display)
    return organisation


def outside_problem(project: Project, path: Path, what: str) -> str | None:
    """Why ``path``, a link (or inside a linked folder) to outside dossiers/, cannot be used;
    None when it is inside, or not there (which is said elsewhere)."""
    try:
        target = path.resolve(strict=True)
        # A path without links under dossiers/ as written is inside: no second resolve, which
        # a no-op build does twice per dossier.
        if target.is_relative_to(project.dossiers):
            return None
        inside = project.dossiers.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target.is_relative_to(inside):
        return None
    # A copy of the project (a backup, the CI's clone, a colleague's) must build on its own.
    return (
        f"{what} is een snelkoppeling naar {target}, buiten de map dossiers/ (zet een kopie "
        "in het project in plaats van een snelkoppeling)"
    )


def _same_letters(path: Path, named: str) -> str | None:
    """``named`` (the relative path that gave ``path``) as it is on disk when only its
    capitals differ, folder by folder; else None."""
    parts = Path(named).parts
    folder = path.parents[len(parts) - 1]  # what ``named`` is relative to
    found: list[str] = []
    for part in parts:
        try:
            names = [entry.name for entry in os.scandir(folder)]
        except OSError:
            return None
        match = next((name for name in names if name.casefold() == part.casefold()), None)
        if match is None:
            return None
        found.append(match)
        folder = folder / match
    return "/".join(found) if folder.is_file() else None


# How the image formats Word documents carry begin; the render reads the rest.
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\0", b"MM\0*")


def logo_problem(path: Path, named: str) -> str | None:
    """Why the logo file cannot go into the documents, or None."""
    if path.is_dir():
        return (
            f"'{named}' is een map, geen bestand (schrijf het pad naar het logo zelf, "
            "bijvoorbeeld huisstijl/logo.png)"
        )
    if not path.is_file():
        same_letters = _same_letters(path, named)
        if same_letters is not None:
            # Windows and macOS find it anyway; the server that builds does not.
            return (
                f"'{named}' bestaat niet, '{same_letters}' wel: hoofdletters en kleine letters "
                "tellen mee (schrijf de naam precies zo)"
            )
        try:
            shortcut = windows_shortcut(path.name, sorted(os.listdir(path.parent)))
        except OSError:
            shortcut = None
        if shortcut is not None:
            shown = PurePosixPath(named).parent / shortcut
            return (
                f"'{named}' bestaat niet: '{shown}' is een snelkoppeling naar "
                "het bestand, niet het bestand zelf (kopieer het logo zelf naar die plaats, en "
                "haal de snelkoppeling weg)"
            )
        return f"'{named}' bestaat niet (zet het logo in de map dossiers/ of haal de regel weg)"
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return f"'{named}' kan niet worden gelezen (controleer de rechten op het bestand)"
    if not head.startswith(_IMAGE_SIGNATURES):
        return f"'{named}' is geen afbeelding (gebruik een PNG- of JPEG-bestand)"
    return None


# What a settings file's name becomes on Windows and macOS: other capitals, '.yml', a '.txt'
# that Windows hides ('dossier.yaml.txt'). A copy kept aside ('organisatie.yaml.bak') is not one.
_VARIANT_ENDINGS = (".yaml", ".yml", ".yaml.txt", ".yml.txt", ".txt")


# What a sync program or Explorer puts after the stem of a copy it makes beside the file:
# OneDrive and SharePoint the computer's name when two saved at once ('dossier-DESKTOP-AB12',
# a Windows computer name: capitals, digits and hyphens, at most 15); Explorer ' (1)',
# ' - Kopie', ' - Copy', ' - Kopie (2)'; Dropbox '(… conflicted copy …)', in Dutch
# '(conflicterende kopie …)'. Not 'dossier-oud' or 'dossier-2': a copy the clerk kept aside.
_FOLDER_COPY_MARK = (
    r" \(\d+\)"
    r"|(?i: - (?:kopie|copy)(?: \(\d+\))?)"
    r"|(?i: \([^()]*(?:conflicted copy|conflicterende kopie)[^()]*\))"
)
_COPY_MARK = re.compile(r"-(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{0,14}|" + _FOLDER_COPY_MARK)


def variants(folder: Path, meant: str) -> list[str]:
    """The files in ``folder`` named as ``meant`` ('dossier.yaml') would be, written otherwise,
    or as a copy of it is named (see :func:`is_copy`)."""
    stem = meant.removesuffix(".yaml").casefold()
    names = {stem + ending for ending in _VARIANT_ENDINGS}
    try:
        found = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []
    return [
        name
        for name in found
        if name != meant and (name.casefold() in names or is_copy(name, meant))
    ]


def is_copy(name: str, meant: str) -> bool:
    """Whether ``name`` is that of a copy OneDrive, SharePoint, Dropbox or Explorer made of
    ``meant`` ('dossier (1).yaml', 'dossier-DESKTOP-AB12.yaml' of 'dossier.yaml')."""
    stem = meant.removesuffix(".yaml")
    ending = next((e for e in _VARIANT_ENDINGS if name.casefold().endswith(e)), None)
    if ending is None or name[: len(stem)].casefold() != stem.casefold():
        return False
    return _COPY_MARK.fullmatch(name[len(stem) : len(name) - len(ending)]) is not None


def is_copied_folder(name: str, original: str) -> bool:
    """Whether a folder ``name`` is that Explorer or a sync program gives a copy of the folder
    ``original`` beside it ('2023-05-26-pfho-economie - Kopie', '… (2)')."""
    # Not the computer's name: OneDrive gives that to a file two saved, not to a folder.
    mark = name[len(original) :]
    return name.startswith(original) and re.fullmatch(_FOLDER_COPY_MARK, mark) is not None


def misnamed_file(folder: Path, meant: str = DOSSIER_FILE) -> str | None:
    """A file in ``folder`` that was meant as ``meant`` ('dossier.yaml'): 'dossier.yml',
    'Dossier.yaml', 'dossier.yaml.txt' (Windows hides the last extension)."""
    return next(iter(variants(folder, meant)), None)


def read_beside(path: Path, display: str) -> list[Problem]:
    """A warning for each file beside ``path`` named as a variant of it, with other content:
    the clerk may be editing the one that is not read."""
    problems: list[Problem] = []
    for other in variants(path.parent, path.name):
        try:
            same = filecmp.cmp(path, path.parent / other, shallow=False)
        except OSError:
            continue  # said where the file itself is read
        if same:
            continue
        said = (
            # Its content may be the clerk's latest edit: compared, not just removed.
            f"naast dit bestand staat '{other}', een kopie ervan met een andere inhoud (zoals "
            "OneDrive of Dropbox die maakt als het bestand op twee plaatsen tegelijk is bewaard, "
            "of Windows bij kopiëren), en die wordt niet gelezen (vergelijk de twee, zet wat "
            f"erin hoort in {path.name} en haal '{other}' weg)"
            if is_copy(other, path.name)
            else f"naast dit bestand staat '{other}' met een andere inhoud, en dat wordt niet "
            f"gelezen (haal '{other}' weg, of zet wat erin hoort in {path.name})"
        )
        problems.append(Problem(display, None, "", said, "waarschuwing"))
    return problems

"""The checks of a dossier's annex files, before the annex intake reads them.

check_annex_files: each annex names a file inside the dossier folder, there, of a type that
can be bundled (a PDF or an office document, not a shortcut, an empty file or a webpage
named .pdf; an office document neither a zip bomb nor linking to pictures or objects outside
it, see office_files); an annex twice or with the same content, a number in its name that is not its
place; and a PDF in the folder that no annex names.
"""

from __future__ import annotations

import dataclasses
import filecmp
import mmap
import os
import re
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assembler.annex import PASSWORD_PROTECTED, pdf_named_as_office
from assembler.case_names import FILES, case_twin_message
from assembler.errors import Problem, Severity, not_utf8
from assembler.fsutil import unreadable, windows_shortcut
from assembler.inputs import OFFICE_SUFFIXES, PDF_SUFFIXES, DossierInput
from assembler.markdown_check import quoted
from assembler.model import Bijlage, RelativeFile
from assembler.office_files import office_problem
from assembler.project import DOSSIER_FILE
from assembler.pydantic_messages import place_of_missing
from assembler.source import Source, field_label, field_path

_ANNEX_FILE: TypeAdapter[str] = TypeAdapter(RelativeFile)


def annexes_alone(data: dict[str, Any]) -> tuple[tuple[Bijlage, ...], frozenset[int]]:
    """The annexes of a dossier that failed validation, and those whose file is not known.

    Each entry on its own: one entry refused (a path outside the folder, no ``bestand:``) does
    not keep the others' files from being checked. An entry whose file name is refused stands
    in the list, so the others keep their numbers, and is left out of the checks.
    """
    entries = data.get("bijlagen")
    if not isinstance(entries, list):
        return (), frozenset()
    annexes, unknown = [], set()
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise ValueError(entry)
            name = _ANNEX_FILE.validate_python(entry.get("bestand"))
        except (ValidationError, ValueError):
            name = ""
            unknown.add(index)
        # model_construct: the description may be what was refused; only the file is checked.
        annexes.append(Bijlage.model_construct(description="", file=name))
    return tuple(annexes), frozenset(unknown)


def _explorer_leftover(name: str, names: list[str]) -> tuple[str, str] | None:
    """The file of the folder that looks like ``name`` in Windows Explorer, and what to say of
    it: a shortcut to it, a name with the extension twice, or one with a space at its end."""
    shortcut = windows_shortcut(name, names)
    if shortcut is not None:
        return shortcut, (
            f"'{shortcut}' is een snelkoppeling naar het bestand, niet het bestand zelf "
            "(kopieer het bestand zelf in de dossiermap, en haal de snelkoppeling weg)"
        )
    for found in names:
        if found.casefold() == name.casefold() + Path(name).suffix.casefold():
            return found, (
                f"het bestand heet '{found}', met de extensie twee keer: Windows verbergt de "
                f"laatste (schrijf '{found}', of hernoem het bestand naar '{Path(name).stem}')"
            )
        if found != name and found.strip() == name:
            return found, (
                f"het bestand heet '{found}', met een spatie aan het begin of eind (hernoem "
                f"het bestand naar '{name}')"
            )
    return None


def check_annex_files(
    dossier: DossierInput, display: str, *, unclaimed: list[str] | None = None
) -> list[Problem]:
    """Check that every annex is a file inside the dossier folder of an accepted type.

    And warn about a PDF in the folder that no annex names: an annex forgotten in the list, or
    a file left behind. Every build checks every dossier, so the folder is listed once. Files
    taken to be the ones the refused entries meant are not warned about but added to
    ``unclaimed`` (see file_left_out).
    """
    problems: list[Problem] = []
    folder = dossier.folder.resolve()
    listing = _listing(dossier.folder)
    named: set[str] = set()  # files of the folder that an annex names, or that a message does
    numbers: dict[Path, int] = {}  # each annex file, by the number it first has
    sizes: dict[int, list[tuple[Path, str]]] = {}  # annex files and names, by size
    # Each annex file, by its path in small letters: its path, name as typed, and number.
    letters: dict[str, tuple[Path, str, int]] = {}
    unmatched = 0  # refused entries that name no file of the folder
    for index, annex in enumerate(dossier.document.annexes):
        if index in dossier.refused_annexes:
            # Its entry is refused for what it names (said there): mended first, and the file
            # it meant ('../bijlage-1.pdf' for bijlage-1.pdf) is not warned about as forgotten
            # meanwhile; other files of the folder are (every file was, hiding the one meant).
            meant = _refused_file_name(dossier, index, listing)
            if meant is None:
                unmatched += 1
            else:
                named.add(meant)
            continue
        where = ("bijlagen", index, "bestand")
        line = dossier.source.line_of(where)
        label = field_label(where)

        cut = dossier.source.cut_by_comment.get(where)
        # 'bijlage-1 #3 plan.pdf': whatever is wrong with 'bijlage-1' is not the point. But
        # 'x.pdf # volgt nog' is a whole name and a note: what is wrong with it is said.
        whole = _typed_whole(dossier.source, annex.file, *cut) if cut else None
        cut_said = (
            _cut_name_message(annex.file, cut[1], whole)
            if cut is not None
            and whole is not None
            and (
                Path(annex.file).suffix.lower() not in PDF_SUFFIXES | OFFICE_SUFFIXES
                or whole in listing
            )
            else None
        )

        def report(
            message: str,
            line: int | None = line,
            label: str = label,
            ernst: Severity = "fout",
            instead: str | None = cut_said,
        ) -> None:
            if instead is not None and ernst == "fout":
                message = instead
            problems.append(Problem(display, line, label, message, ernst))

        path = dossier.annex_path(index)
        named.add(path.name)
        suffix = path.suffix.lower()
        if suffix not in PDF_SUFFIXES | OFFICE_SUFFIXES:
            newer = _NEWER_FORMAT.get(suffix)
            kind = f"is een {suffix}-bestand" if suffix else "heeft geen extensie zoals .pdf"
            advice = f"open het en {newer}" if newer else _ACCEPTED_TYPES
            meant = None if newer else _with_extension(path)
            if meant is not None:
                # "bijlage-1" for bijlage-1.pdf: Windows hides the extension it has.
                advice = f"bedoelt u '{annex.file}{meant.removeprefix(path.name)}'?"
            report(f"'{annex.file}' {kind}, en dat kan geen bijlage zijn ({advice})")
            # The file it was meant to name would be warned about as forgotten, away from
            # the line to mend: this entry is mended first.
            named.update(listing)
            continue
        # The listing answers for a plain file of the folder itself, what most annexes are;
        # anything else (a link, a sub-folder) is asked of the file system.
        entry = listing.get(path.name) if path.parent == dossier.folder else None
        plain = entry if entry is not None and not entry.is_symlink() else None
        try:
            there = entry is not None or path.exists() or path.is_symlink()
        except OSError as error:  # in a sub-folder without rights (on a shared drive)
            report(f"'{annex.file}' kan niet gelezen worden: {unreadable(error)}")
            continue
        if not there:
            names = sorted(name for name in listing if name != DOSSIER_FILE)
            here = [n for n in names if n == path.name] or [
                n for n in names if n.casefold() == path.name.casefold()
            ]
            if here and path.parent != dossier.folder:
                # 'bijlagen/kaart.pdf' for the kaart.pdf beside dossier.yaml: the folder part
                # is the mistake, whatever its capitals.
                sub = path.parent.relative_to(dossier.folder).as_posix()
                report(
                    f"'{annex.file}' staat niet in de map '{sub}', wel in de dossiermap zelf "
                    f"(schrijf '{here[0]}')"
                )
                named.add(here[0])
                continue
            same_letters = [n for n in names if n.casefold() == path.name.casefold()]
            if same_letters:
                # Windows and macOS find it anyway; the server that builds does not.
                report(
                    f"'{annex.file}' bestaat niet in de dossiermap, '{same_letters[0]}' wel: "
                    "hoofdletters en kleine letters tellen mee (schrijf de naam precies zo)"
                )
                named.add(same_letters[0])
                continue
            leftover = _explorer_leftover(path.name, names)
            if leftover is not None:
                found, what = leftover
                report(f"'{annex.file}' bestaat niet in de dossiermap: {what}")
                named.add(found)
                continue
            undecoded = [n for n in names if not_utf8(n, _FILE)]
            meant = next((n for n in undecoded if _undecoded_match(n, path.name)), None)
            named.update([meant] if meant is not None else names)  # named in the message
            if meant is not None:
                # 'bijlage-3-café.pdf' typed for the file a Windows zip named with byte 0xE9.
                report(
                    f"'{annex.file}' bestaat niet in de dossiermap, '{meant}' wel, maar de naam "
                    f"van dat bestand {not_utf8(meant, _FILE)}"
                )
                continue
            # A space at a name's edge would not show: 'bijlage-1.pdf ' is quoted.
            present = ", ".join(f"'{n}'" if n != n.strip() else n for n in names)
            hint = f"aanwezig: {present}" if present else "de dossiermap bevat geen bijlagen"
            why = (
                f"; de naam van '{undecoded[0]}' {not_utf8(undecoded[0], _FILE)}"
                if undecoded
                else ""
            )
            report(
                f"'{annex.file}' bestaat niet in de dossiermap (controleer de naam; {hint}){why}"
            )
            continue
        try:
            resolved = folder / path.name if plain is not None else path.resolve(strict=True)
        except (OSError, RuntimeError):  # a link to itself, or to a link that is gone
            report(
                f"'{annex.file}' is een snelkoppeling die nergens heen leidt "
                "(zet het bestand zelf in de dossiermap)"
            )
            continue
        if not resolved.is_relative_to(folder):
            report(
                f"'{annex.file}' verwijst naar een bestand buiten de dossiermap "
                "(zet een kopie van het bestand in de dossiermap)"
            )
            continue
        if resolved.parent == folder:
            named.add(resolved.name)  # a link to a file beside it brings that file along
        if not (plain.is_file() if plain is not None else resolved.is_file()):
            if plain.is_dir() if plain is not None else resolved.is_dir():
                report(f"'{annex.file}' is geen bestand (lever een bestand aan, geen map)")
            else:  # a pipe (mkfifo) or a device: no folder, and nothing to bundle
                report(
                    f"'{annex.file}' is geen gewoon bestand maar een pipe of apparaat (vervang "
                    "het door het bestand zelf)"
                )
            continue
        message = _file_type_problem(resolved, suffix, annex.file)
        if message:
            report(message)
        elif resolved in numbers:
            # Allowed, but far more often a line copied and not changed than meant.
            report(
                f"'{annex.file}' is ook bijlage {numbers[resolved]}, dus komt twee keer in de "
                "bundel (verwijs naar het juiste bestand, of haal deze bijlage weg)",
                ernst="waarschuwing",
            )
        else:
            numbers[resolved] = index + 1
            twin = letters.setdefault(str(resolved).casefold(), (resolved, annex.file, index + 1))
            if twin[0] != resolved:
                # 'bijlage-3.pdf' beside 'Bijlage-3.PDF': a copy on Windows keeps one of them.
                report(
                    case_twin_message(
                        annex.file, f"bijlage {twin[2]} ('{twin[1]}')", FILES, " bestanden"
                    ),
                    ernst="waarschuwing",
                )
            copy = _same_content(resolved, annex.file, sizes)
            if copy is not None:
                report(
                    f"'{annex.file}' heeft dezelfde inhoud als bijlage {numbers[copy[0]]} "
                    f"('{copy[1]}'), dus komt twee keer in de bundel (verwijs naar het juiste "
                    "bestand, of haal deze bijlage weg)",
                    ernst="waarschuwing",
                )
            number = _annex_number(path.name)
            if number is not None and number != index + 1:
                # The bundle numbers annexes by their place in the list, not by their names.
                report(
                    f"'{annex.file}' heet bijlage {number}, maar wordt bijlage "
                    f"{index + 1} in de bundel (zet de bijlagen in de volgorde van hun nummers, "
                    "of hernoem het bestand)",
                    ernst="waarschuwing",
                )
    unnamed = _unnamed_files(listing, named)
    if len(unnamed) > unmatched:
        problems.extend(_unnamed_problems(dossier, display, unnamed))
    elif unclaimed is not None:
        # No more files left unnamed than entries refused without a name: those are the
        # files they meant (a 'bestand:' left out, an absolute path).
        unclaimed.extend(unnamed)
    return problems


def file_left_out(said: list[Problem], unclaimed: list[str]) -> list[Problem]:
    """``said``, where it says an annex's ``bestand:`` is missing or empty naming the file it
    likely meant: one of ``unclaimed``, the folder's files no annex names (check_annex_files)."""
    missing: dict[Problem, int] = {}  # each message, by the number of its annex (from 1)
    for problem in said:
        path = field_path(problem.veld)
        if (
            path is not None
            and len(path) == 3
            and path[::2] == ("bijlagen", "bestand")
            and isinstance(path[1], int)
            and problem.melding.startswith(("ontbreekt (", "is leeg ("))
        ):
            missing[problem] = path[1] + 1
    if not unclaimed or not missing:
        return said
    # A file numbered as the entry is (bijlage-3-….pdf for bijlagen[3]) is the one it meant;
    # then one file left for one entry left is.
    meant: dict[Problem, str] = {}
    for problem, entry in missing.items():
        numbered = [name for name in unclaimed if _annex_number(name) == entry]
        if len(numbered) == 1:
            meant[problem] = numbered[0]
    left = [name for name in unclaimed if name not in meant.values()]
    open_entries = [problem for problem in missing if problem not in meant]
    if len(left) == 1 and len(open_entries) == 1:
        meant[open_entries[0]] = left[0]
    shown = ", ".join(f"'{name}'" if name != name.strip() else name for name in left)
    advice = {
        problem: f"schrijf 'bestand: {name}': dat bestand ligt in de dossiermap en staat nog "
        "niet bij de bijlagen"
        for problem, name in meant.items()
    }
    for problem in open_entries:
        if left and problem not in meant:
            advice[problem] = (
                "schrijf 'bestand:' met de naam van het bestand; nog niet bij de bijlagen "
                f"{'staat' if len(left) == 1 else 'staan'}: {shown}"
            )
    return [
        dataclasses.replace(
            problem, melding=f"{problem.melding.split(' (', 1)[0]} ({advice[problem]})"
        )
        if problem in advice
        else problem
        for problem in said
    ]


def _annex_number(name: str) -> int | None:
    """The number a file's name gives it ("bijlage-3-kaart.pdf": 3), if any."""
    numbered = _ANNEX_NUMBER.match(name)
    return int(numbered.group(1)) if numbered else None


def _typed_whole(source: Source, name: str, line: int, cut: str) -> str:
    """The annex ``name`` as typed on ``line`` with what YAML cut off at ``cut``, a ' #'."""
    typed = source.text.split("\n")[line - 1]
    at = typed.find(name)
    return typed[at:].rstrip() if at >= 0 else f"{name} {cut}"


def _cut_name_message(name: str, cut: str, whole: str) -> str:
    """What is said of an annex ``name`` that YAML cut short at ``cut``: ``whole`` was meant."""
    return (
        f"'{name}' is niet de hele naam: de tekst vanaf {quoted(cut, count=6)} valt weg, want "
        "YAML leest ' #' als het begin van een opmerking (zet de hele naam tussen "
        f'aanhalingstekens: "{whole}")'
    )


def _refused_file_name(
    dossier: DossierInput, index: int, listing: dict[str, os.DirEntry[str]]
) -> str | None:
    """The file of the folder a refused annex entry's ``bestand:`` ends in, capitals aside."""
    data = dossier.source.data
    entries = data.get("bijlagen") if isinstance(data, dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    typed = entry.get("bestand") if isinstance(entry, dict) else None
    if not isinstance(typed, str):
        return None
    last = typed.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip().casefold()
    return next((name for name in listing if name.casefold() == last), None) if last else None


def _same_content(
    path: Path, typed: str, sizes: dict[int, list[tuple[Path, str]]]
) -> tuple[Path, str] | None:
    """An earlier annex with the bytes of ``path``, and its name as typed (only files of
    equal size are read)."""
    try:
        earlier = sizes.setdefault(path.stat().st_size, [])
        copy = next((o for o in earlier if filecmp.cmp(o[0], path, shallow=False)), None)
    except OSError:
        return None
    earlier.append((path, typed))
    return copy


# "bijlage-3-kaart.pdf", "Bijlage 3 kaart.pdf", "bijlage_03.pdf"
_ANNEX_NUMBER = re.compile(r"bijlage[\s_-]*0*(\d{1,3})(?![\da-z])", re.IGNORECASE)


def _with_extension(path: Path) -> str | None:
    """The name of the file beside ``path`` that is its name plus an annex's extension."""
    for suffix in sorted(PDF_SUFFIXES) + sorted(OFFICE_SUFFIXES):
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate.name
    return None


_ACCEPTED_TYPES = "lever een PDF aan, of .docx, .odt, .xlsx of .ods"
# Office's formats before 2007: LibreOffice reads them, but they carry macros and old
# quirks; the clerk saves them again in the format of today.
_NEWER_FORMAT = {
    ".doc": "bewaar het in Word als .docx of als PDF",
    ".rtf": "bewaar het in Word als .docx of als PDF",
    ".xls": "bewaar het in Excel als .xlsx of als PDF",
    ".ppt": "bewaar het in PowerPoint als PDF",
}


def _listing(folder: Path) -> dict[str, os.DirEntry[str]]:
    """The entries of ``folder`` by name (empty when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name: entry for entry in entries}
    except OSError:
        return {}


def _unnamed_files(listing: dict[str, os.DirEntry[str]], named: set[str]) -> list[str]:
    """The files of the folder that could be an annex (a PDF, an office document) but that
    no annex (and no other message) names."""
    # The Word or Excel file a listed PDF annex was made from ('bijlage-1.docx' beside
    # 'bijlage-1.pdf') is a source kept beside it, not an annex forgotten.
    sources = {os.path.splitext(name)[0].casefold() for name in named}
    unnamed = sorted(
        name
        for name, entry in listing.items()
        if name not in named
        and os.path.splitext(name)[1].lower() in PDF_SUFFIXES | OFFICE_SUFFIXES
        and not name.startswith((".", "~$"))  # macOS's ._x.pdf, lock files of editors
        and not (
            os.path.splitext(name)[1].lower() in OFFICE_SUFFIXES
            and os.path.splitext(name)[0].casefold() in sources
        )
        and _is_file(entry)
    )
    return unnamed


def _unnamed_problems(dossier: DossierInput, display: str, unnamed: list[str]) -> list[Problem]:
    """A warning for each of the ``unnamed`` files of the folder (see _unnamed_files)."""
    if not unnamed:
        return []
    source = dossier.source
    line = source.lines.get(("bijlagen",))
    if line is None:
        line, _ = place_of_missing("bijlagen", source, type(dossier.document))
    return [
        Problem(display, line, "bijlagen", _unnamed_message(name), "waarschuwing")
        for name in unnamed
    ]


def _unnamed_message(name: str) -> str:
    """What is said of a file ``name`` of the dossier folder that no annex names."""
    unreadable_name = not_utf8(name, _FILE, "; voeg het dan toe als bijlage, of haal het weg")
    if unreadable_name is not None:
        return (
            f"'{name}' ligt in de dossiermap maar staat niet bij de bijlagen, en de naam van "
            f"het bestand {unreadable_name}"
        )
    return (
        f"'{name}' ligt in de dossiermap maar staat niet bij de bijlagen (voeg het toe als "
        "bijlage, of haal het weg)"
    )


_FILE = "het bestand"


def _undecoded_match(name: str, typed: str) -> bool:
    """Whether the file ``name``, with bytes that are no UTF-8, is ``typed`` with a letter
    typed at the place of each such byte (a zip made on Windows writes 'é' as one byte)."""
    pattern = "".join("." if "\udc80" <= char <= "\udcff" else re.escape(char) for char in name)
    return re.fullmatch(pattern, unicodedata.normalize("NFC", typed)) is not None


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link to itself: nothing a clerk put there to hand in
        return False


def _file_type_problem(path: Path, suffix: str, name: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except OSError as error:
        return f"'{name}' kan niet gelezen worden: {unreadable(error)}"
    if not head:
        return f"'{name}' is leeg (0 bytes) (lever het volledige bestand aan)"
    if suffix in PDF_SUFFIXES:
        start = head.find(b"%PDF-")
        if start < 0:
            if head.startswith(b"PK"):
                what = "een Office-bestand (zip) met de naam .pdf"
            elif head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
                what = "een webpagina (HTML) met de naam .pdf"
            else:
                what = "geen PDF: het begint niet met %PDF-"
            return f"'{name}' is {what} (sla het op als echte PDF)"
        before = head[:start].removeprefix(b"\xef\xbb\xbf").strip(b"\x00\t\n\r\x0c ")
        if before:
            # PDF readers look for the header in the first 1024 bytes, so such a file shows
            # as a PDF; but the export ships it as it is, and a web server or browser that
            # looks at its first bytes takes '<html><script>…' for a web page on the
            # publishing site. Saved again, the PDF starts as it should.
            return (
                f"'{name}' begint niet met %PDF- maar met {_shown_bytes(head[:start])} (sla de "
                "PDF opnieuw op, bijvoorbeeld door hem af te drukken als PDF, en lever die aan)"
            )
        return None
    misnamed = pdf_named_as_office(head, suffix, name)
    if misnamed:
        return misnamed
    if not zipfile.is_zipfile(path):
        if head.startswith(_COMPOUND_FILE) and _encrypted_package(path):
            return f"'{name}' {PASSWORD_PROTECTED}"
        return f"'{name}' is geen geldig {suffix}-bestand (open en bewaar het opnieuw)"
    try:
        with zipfile.ZipFile(path) as archive:
            expected = "mimetype" if suffix in {".odt", ".ods"} else "[Content_Types].xml"
            if expected not in set(archive.namelist()):
                return f"'{name}' is geen geldig {suffix}-bestand (open en bewaar het opnieuw)"
            if _encrypted_odf(archive):
                return f"'{name}' {PASSWORD_PROTECTED}"
            return office_problem(archive, suffix, name)
    except (zipfile.BadZipFile, OSError):
        return f"'{name}' is beschadigd (open en bewaar het opnieuw)"


# Word and Excel save a document with a password (and Purview/AIP one with a label that
# encrypts) in a compound file (MS-OFFCRYPTO 2.3.4.4), not a zip: its directory has a stream
# "EncryptionInfo". A directory entry is 128 bytes, at a multiple of 128 from the file's start
# (sectors of 512 or 4096 bytes after a 512-byte header), and starts with the name in UTF-16
# (zero-terminated), then at 64 the name's length in bytes.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo\0".encode("utf-16-le")
_ENTRY = 128


def _encrypted_package(path: Path) -> bool:
    """Whether the compound file at ``path`` holds an encrypted office document."""
    try:
        with (
            open(path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            at = data.find(_ENCRYPTION_INFO)
            while at >= 0:
                length = data[at + 64 : at + 66]
                if at % _ENTRY == 0 and length == len(_ENCRYPTION_INFO).to_bytes(2, "little"):
                    return True
                at = data.find(_ENCRYPTION_INFO, at + 1)
    except (OSError, ValueError):
        pass  # said as it is: not a valid file of its kind
    return False


# The manifest of a document LibreOffice saved with a password names how each part is
# encrypted (ODF 1.2, part 3, 4.8).
_ODF_ENCRYPTION = b"encryption-data"
_MANIFEST = "META-INF/manifest.xml"
_MAX_MANIFEST = 1024 * 1024


def _encrypted_odf(archive: zipfile.ZipFile) -> bool:
    """Whether the ODF document in ``archive`` is saved with a password."""
    try:
        if archive.getinfo(_MANIFEST).file_size > _MAX_MANIFEST:
            return False  # a bomb: office_problem says so
        with archive.open(_MANIFEST) as manifest:
            return _ODF_ENCRYPTION in manifest.read(_MAX_MANIFEST)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return False


def _shown_bytes(data: bytes, limit: int = 40) -> str:
    """``data`` quoted as text, its control characters escaped, cut to ``limit`` characters."""
    text = "".join(
        c if c.isprintable() else repr(c)[1:-1] for c in data.decode("latin-1")[: limit + 1]
    )
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"

"""What a build keeps, and when it may use it again.

The outputs in ``build/`` of a dossier or a meeting whose inputs are unchanged are not made
again. This module holds what decides that and what it is kept in: the version constants that
are raised when what the outputs hold changes (each with why it was raised), the plans of a run
with their cache keys (Plan, MeetingPlan) and what became of them (Work, which
:mod:`assembler.meeting_bundles` reads too), the records in ``build/.cache`` that say what was
installed and as what (so that a file changed in ``build/`` shows), the staging folders outputs
are made in and installed from as a whole, the template check's kept answer (TemplateCheck),
and whether an export package still holds what the build made. The order of the stages is the
orchestrator's (:mod:`assembler.build`), which this module does not import.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import stat
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler import __version__, library_versions
from assembler.build_report import BuildOptions
from assembler.checks import FixedText
from assembler.digests import FileDigests, Identity, identity_now
from assembler.errors import Problem
from assembler.fsutil import (
    TEMP_PREFIX,
    digest_stream,
    file_sha256,
    not_writable,
    read_json,
    write_cache_text,
    write_text_atomic,
)
from assembler.layout import (
    EXPORT_DIR,
    EXPORT_PUBLIC_MANIFEST,
    MEETING_DOCUMENTS,
    MEETING_OUTPUTS,
    OUTPUT_DIR_PATTERN,
    dossier_record,
    export_record,
    meeting_record,
    recorded_dir,
)
from assembler.project import DOSSIER_FILE, Project
from assembler.withdraw import meeting_warning

# The heavy modules (pydantic models, pikepdf) are imported where they are used (see build.py).
if TYPE_CHECKING:
    from assembler.inputs import AgendaItem, Catalog, DossierInput, MeetingInput
    from assembler.model import Organisatie, Record

# Raised when what every dossier's outputs hold changes while their inputs do not, so outputs
# of an older build are made again (4: annexes' scripts and actions left out of the bundles;
# the stamps' embedded font; the logo at the margin; 5: template comments left out, the
# voorstel's subject naming the overleg; 6: the marks larger and 5 mm from the edge; 7: a
# no-break space after a Markdown heading's '#' or a list's marker read as a space; 8: direction
# marks, U+200E and U+200F, kept in texts again, where 7 also had builds that left them out;
# 9: XMP text LibreOffice escaped twice mended, agendas and meeting bundles titled alike;
# 10: annexes' links and actions to other files or computers left out of the bundles, and a
# Markdown link to anything but a web or e-mail address shown as text; 11: annexes' web
# addresses with spaces or <…> around them, www. addresses and tel: numbers kept as links, and
# a Markdown link to a www. address made a link; 12: a dossier's document and the meeting's
# agendas keyed apart from the annexes, and kept when only those change; 13: label cells of
# label/value tables tagged as row headers, paragraph rules as artifacts, and the memo's and
# agenda's title an H1; 14: bundles carry the tagged structure of their voorstel and agenda,
# and their stamps are artifacts; 15: an agenda item's decisions a Word list of their own;
# 16: untagged annexes in a bundle tagged minimally, the carried trees' ParentTree made anew,
# clashing ids renamed; 17: only the decisions' list restarts per item (Word-numbered headings
# count on), in tables too; 18: an untagged page with spans or layers wrapped as it is;
# 19: links LibreOffice left out of the tags, a footnote's way back, given /Link elements;
# 20: a table of contents' line one /Link, not two over one annotation; 21: a Markdown list
# ends with a paragraph's space after it; 22: a pasted www. address links to https://;
# 23: a part's bookmark that only repeats its title left out, the agenda's 'Agenda'; 24: a
# page turned by no multiple of 90 set upright, its mark on the page; 25: the voorstel's
# section 'Voorstel' bookmarked again, the memo's title once, a /Rotate of 90.0 written as 90;
# 26: a Markdown list in a quote, and a quote, end with a paragraph's space after them;
# 27: slugs and meeting documents' titles (export); 28: a confidential item's bookmark in the
# meeting bundle marked; 29: a Markdown table printed row by row; 30: stamps grow with pages
# larger than office paper; 31: a Markdown list nested in a list of another kind one Word
# list (nested in the tags), a nested list's start number kept; 32: text after lists nested
# past markdown-it's limit kept, lists deeper than Word's nine levels on the ninth; 33: an
# empty Markdown heading ('###' alone) not made, nor counted for the other headings' levels;
# 34: a page with an unmatched Q or an unclosed q stamped at the top, its q/Q balanced around
# it; 35: an annex that names no language tagged as in an unknown one, an empty /Lang, not
# as Dutch; 36: an optional value left out is empty text to a template's filters, not
# "NONE"); 37: dossiers and meetings keyed by what their YAML says, not how (a comment alone
# makes nothing again); 38: loop tables' header rows kept with the first row, not cantSplit
# (LibreOffice dropped every row after one on a page's last line), the closing paragraph only
# after a final table (no blank last page), the agenda's annexes on a tab, and the documents'
# PDFs open with their bookmarks panel; 39: pages with links tab in tag order (/Tabs /S, a
# name), an untagged annex's links named by where they lead, a left-out link's element a Span,
# a confidential voorstel's or memo's title says "(niet openbaar)", an annex page of images
# only a Figure with Alt text; 40: LibreOffice draws no picture an office annex
# links to, so a bundle kept with one fetched from outside the project is made anew; 41: an
# annex's /Lang that is no language tag is carried as an unknown language, not as it is; 42:
# a Markdown heading that skips a level goes one level down, not two; 43: text typed with
# combining accents (macOS's 'e' and U+0308) is printed and exported composed (NFC); an office
# annex's form drawn as it looks (no fields), its relative links relative again; 44: the
# template's own document properties (Opmerkingen, Categorie, Bedrijf, custom ones) left out
# of the Word files; 45: an annex's bookmark that opens a web address kept in the bundles;
# 46: an untagged annex's links to its own pages named with the annex ("pagina 2 van bijlage 3");
# 47: the stamp of a page longer than A4's proportion (a roll plot) grown by its length, and a
# confidential one's no wider than the page.
# 48: LibreOffice converts in the Dutch locale setting (an Excel annex's dates 12-3-2027, not
# 3/12/2027).
# 49: a '€' kept with the amount after it by a no-break space.
# 50: a Markdown heading without the soft hyphens pasted into it (they went into the bookmarks).
# 51: an office annex's fonts not installed and symbols that print as boxes warned about (a
# kept dossier's warnings are said again as they were).
# 52: every later page of an annex stamped "Bijlage n bij <kenmerk> – pagina k van m" (at
# the top, or at the bottom where only that band is free).
CACHE_VERSION = 52

# Raised when the template check's rules change (assembler.lint), so that its kept answer is
# not reused (see TemplateCheck). 2: torn blocks, half-typed tags, merge fields, loop names.
# 3: errors kept too (they refuse what the template made), comments only warned about.
# 4: a template that never says a document is not public is wrong. 5: agenda decisions shown
# otherwise than as the numbered {{ besluit }} warned about. 6: a template without the
# document's Markdown text is wrong (was a warning); a field in single braces ({email})
# warned about; codes named as typed ({%p if x %}, not {% if x %}). 7: a code without its
# '%}', two {%p %} codes in a paragraph or {%tr %} in a row, a {%tr %} outside a table said at
# that code, not where Jinja noticed. 8: a test for none (a value left out is empty text)
# warned about; rows of a nested table their own; '{%p end if %}' said as that. 10: a
# yes/no field never used (geannuleerd) advised as a condition, with what goes wrong without it.
# 13: a Markdown field in a text box, frame or exact-height row and a picture linked from
# outside are wrong; the document's text inside an if on another field warned about; a loop's
# name outside its loop said as that; agenda decisions numbered with loop.index not warned about.
# 14: hidden text (w:vanish, typed or through a style) and fonts not installed warned about.
# 15: filled in for a confidential and a public sample, every kind of page of a confidential
# document (first page, even pages, each section) must say NIET OPENBAAR, no public one may.
# 16: '{{r field }}' (docxtpl's code for formatted text, which prints a plain field as nothing).
# 17: a sentence saying "niet openbaar" in the text is no mark (only the capitals are); a mark
# asking verspreiden instead of niet_openbaar is judged by what it shows.
# 18: the document's text in an else or elif branch said as that; a font name with a space typed
# after it is that font.
# 19: a code in a document property warned about: the documents never show it.
# 20: the templates' fixed text kept with the answer, compared with the confidential dossiers
# by checks.templates_naming_confidential.
# 21: a closing with nothing open said as that; an agenda that prints "Niet openbaar (niet
# openbaar)" on the public agenda warned about.
TEMPLATE_CHECK_VERSION = 21
# Raised when what a meeting's agendas and bundles hold changes while their inputs do not, so
# kept ones are remade without remaking every dossier (2: page labels under item numbers; 3: a
# cancelled meeting's agendas and bundles say "geannuleerd" in their PDF titles; 4: the agenda
# links to the items and their annexes, and its own outline is left out; 5: an agenda of 100
# items or more makes its item headings' hanging indents room for three digits; 6: the agenda
# in a meeting bundle shows beside each item and annex the label of the page it starts on; 7:
# the record keeps the warnings of links the agenda could not get, said by every build).
MEETING_FORMAT = 7
# The libraries whose version is part of every output's cache key: they write the .docx
# (docxtpl, python-docx, Jinja2, markdown-it-py, Babel, lxml, Pillow) and the bundles
# (pikepdf, reportlab, pypdfium2).
OUTPUT_LIBRARIES = (
    "docxtpl",
    "python-docx",
    "Jinja2",
    "markdown-it-py",
    "Babel",
    "lxml",
    "Pillow",
    "pikepdf",
    "reportlab",
    "pypdfium2",
)


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class KeyedFile:
    """A file whose digest went into a key, as the file system showed it then.

    The outputs are made later from what is on disk by then: a file changed and changed back
    (A, B, A) while a build ran would leave outputs made of B under A's key, taken as made by
    every later build. Before a record is written, the file must still show this identity (see
    changed_files); else the outputs are installed but not recorded, and made again.
    """

    path: Path
    identity: Identity
    # Whether it reaches the Word documents (a template, the logo), not only a bundle.
    document: bool = True
    # An annex's index in its dossier's bijlagen, for the warning at its entry.
    annex: int | None = None


def keyed_file(
    files: FileDigests, path: Path, *, document: bool = True, annex: int | None = None
) -> tuple[KeyedFile, ...]:
    """``path`` as it was when ``files`` last took its digest; none when it did not."""
    identity = files.identity(path)
    return () if identity is None else (KeyedFile(path, identity, document, annex),)


def changed_files(keyed: Iterable[KeyedFile]) -> list[KeyedFile]:
    """The files among ``keyed`` written, replaced or removed since their digests were taken:
    one stat each."""
    return [file for file in keyed if identity_now(file.path) != file.identity]


@dataclass(frozen=True)
class Plan:
    """What a build is to make of one dossier on a meeting's agenda, and what it is made of."""

    meeting: MeetingInput
    item: AgendaItem
    dossier: DossierInput
    output_dir: Path
    # Everything the dossier's outputs are made from.
    key: str
    # What its Word document and that document's PDF are made from: the key without the
    # annexes, which reach only the bundle. A replaced annex makes a new bundle of the kept
    # document (see reusable).
    document_key: str
    # The files the keys were taken of, as they were then (see KeyedFile).
    files: tuple[KeyedFile, ...] = ()

    @property
    def label(self) -> str:
        """How progress names the dossier: ``meeting/dossier``."""
        return f"{self.meeting.name}/{self.dossier.name}"


@dataclass(frozen=True)
class MeetingPlan:
    """What a build is to make of one meeting (its agendas and bundles), and of its items."""

    meeting: MeetingInput
    folder: Path
    # Everything the agendas and meeting bundles are made from.
    key: str
    items: tuple[Plan, ...]
    # What the agendas are made from: the key without the items' annexes (see Plan).
    agenda_key: str
    # The files of its own key (the agenda template, the logo), as they were then.
    files: tuple[KeyedFile, ...] = ()

    @property
    def name(self) -> str:
        """The meeting's folder name, as progress and messages name the meeting."""
        return self.meeting.name


@dataclass(frozen=True)
class Kept:
    """Outputs of a build before that this one uses again: where, and as installed."""

    folder: Path
    stamps: dict[str, Any]
    # The files taken, the Word documents first; a Word-only build takes the PDFs made from
    # them too, when still there as installed (see reusable).
    names: tuple[str, ...] = ()
    # The LibreOffice that made the PDFs among them (see office_version).
    office: str | None = None


@dataclass
class Work:
    """What this run rebuilds, and what became of it."""

    dossiers: list[Plan]
    meetings: list[MeetingPlan]
    failed: dict[Path, str] = field(default_factory=dict)
    # The template that could not be used, of each dossier failed for it.
    failed_templates: dict[Path, Path] = field(default_factory=dict)
    rendered: dict[Path, Path] = field(default_factory=dict)
    # The annex intake's warnings of each dossier, kept with its outputs: a build that finds
    # the dossier unchanged says them again, as it says the warnings of validation.
    warnings: dict[Path, list[Problem]] = field(default_factory=dict)
    # The meetings whose agendas and bundles this run put in place.
    installed_meetings: set[str] = field(default_factory=set)
    # Dossiers whose kept document is used again, as only their annexes changed: the folder
    # it is kept in, by dossier folder (see reusable).
    reused: dict[Path, Kept] = field(default_factory=dict)
    # Meetings whose kept agendas are used again, as only their items' annexes changed.
    kept_agendas: dict[str, Kept] = field(default_factory=dict)
    # The LibreOffice that converts in this run; None when no PDFs are made (see office_version).
    office: str | None = None
    # The files changed while this run made outputs of them, by the dossier or meeting folder
    # whose outputs were installed but not recorded for it (see KeyedFile); filled by
    # bundler threads too.
    changed: dict[Path, list[KeyedFile]] = field(default_factory=dict)


def unrecorded_items(plan: MeetingPlan, work: Work) -> set[str]:
    """The output folders of the meeting's items whose outputs this run made of a file that
    changed meanwhile (not recorded, see KeyedFile): the meeting's bundles hold them too."""
    return {p.output_dir.name for p in plan.items if p.dossier.folder in work.changed}


def settings_digest(
    project: Project, catalog: Catalog, options: BuildOptions, files: FileDigests
) -> str:
    """The part of every output's key that is the same for all dossiers: assembler and its
    libraries, what of organisatie.yaml reaches a document, and the build's epoch."""
    digest = hashlib.sha256()
    digest.update(f"assembler {__version__}\ncache {CACHE_VERSION}\n".encode())
    # What of organisatie.yaml reaches a document: the name (headers, the PDFs' author) and
    # the logo. The TOOI, kenmerkpatroon, vergaderingstype and publicatie_url are for the
    # check and the export: changing one remakes nothing.
    organisation = catalog.organisation
    digest.update(f"naam {organisation.name!r}\nlogo {organisation.logo!r}\n".encode())
    logo = logo_path(project, catalog)
    if logo is not None and logo.is_file():
        digest.update(files.sha256(logo).encode())
    # Not whether PDFs are made: a Word document is the same either way, and a Word-only build
    # (--geen-pdf) keeps what a full build made of unchanged inputs, PDFs included. Which
    # LibreOffice made a record's PDFs is in the record (see office_version).
    digest.update(f"epoch={options.source_date_epoch}\n".encode())
    # An upgraded library can change the bytes it writes: outputs made with the old one are
    # not reused (8 ms on a no-op build).
    digest.update(library_versions(*OUTPUT_LIBRARIES).encode())
    return digest.hexdigest()


def logo_path(project: Project, catalog: Catalog) -> Path | None:
    """The logo organisatie.yaml names, if it names one."""
    logo = catalog.organisation.logo
    return project.dossiers / logo if logo else None


def office_version(options: BuildOptions, fonts: str) -> str | None:
    """The LibreOffice that makes this build's PDFs, with the fonts it may embed; None
    without PDFs.

    Kept in each record as "office" beside its PDFs, with "pdf": true when the outputs are
    all a build with PDFs makes. A build with PDFs keeps only outputs made by the same
    LibreOffice with the same fonts; a Word-only build keeps the PDFs whatever made them (it
    makes none), and the next build with PDFs judges them. A missing LibreOffice stops a
    build with PDFs here. ``fonts`` is :func:`fonts_fingerprint`.
    """
    if not options.pdf:
        return None
    from assembler.convert import libreoffice_version

    return f"{libreoffice_version()} fonts {fonts[:16]}"


def _font_folders() -> list[Path]:
    """Where fontconfig looks for fonts by default: the system's, the user's and XDG's."""
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folders = [Path(part) / "fonts" for part in [*data_dirs.split(":"), data_home] if part]
    return list(dict.fromkeys([*folders, Path.home() / ".fonts"]))


def fonts_fingerprint() -> str:
    """Every font file LibreOffice may embed, by name, size and time: a font installed,
    removed or updated changes the PDFs (its program and metrics), so it changes the key.

    Stat only, no fontconfig call: a few milliseconds for the fonts of a desktop machine.
    """
    lines = []
    seen: set[str] = set()
    for folder in _font_folders():
        # fontconfig follows linked folders; a link back up must not walk for ever.
        for root, dirs, names in os.walk(folder, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:
                dirs.clear()
                continue
            seen.add(real)
            dirs.sort()
            for name in sorted(names):
                try:
                    info = os.stat(os.path.join(root, name))
                except OSError:
                    continue  # gone while walking, or unreadable: not a font LibreOffice has
                lines.append(f"{root}/{name} {info.st_size} {info.st_mtime_ns}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def dossier_keys(
    project: Project,
    settings: str,
    dossier: DossierInput,
    overleg: str,
    files: FileDigests,
) -> tuple[str, str, tuple[KeyedFile, ...]]:
    """The dossier's key, its document's key and the files they were taken of (see Plan)."""
    digest = hashlib.sha256(settings.encode())
    # Not the output folder's name: its agenda number reaches no output of the dossier, and a
    # dossier renumbered by a postponed or withdrawn item is moved, not made again.
    # The bundle's subject names the meeting ("Voorstel Portefeuillehoudersoverleg …"); the
    # rest of vergadering.yaml does not reach a dossier's outputs.
    digest.update(f"\noverleg {overleg}\n".encode())
    # What was read and checked, not the file again: a save since would otherwise be kept as
    # made, under the outputs of the text before it.
    digest.update(as_parsed(dossier.document))
    template = project.template_for(dossier.document.kind)
    seen = template_digest(files, template)
    keyed = keyed_file(files, template) if seen is not None else ()
    if seen is not None:
        digest.update(seen.encode())
    # The document names its annexes by their descriptions, which are in the text above;
    # their files reach only the bundle.
    document_key = digest.hexdigest()
    from assembler.annex import AnnexLimits

    for index in range(len(dossier.document.annexes)):
        path = dossier.annex_path(index)
        digest.update(f"\nbijlage {index}\n".encode())
        size = path.stat().st_size
        if size > AnnexLimits().max_file_bytes:
            # Refused by the annex check for its size, so nothing is made of it: not read
            # (hashing an 8 GB file took a fresh build 6 s, a 1 TB one would take 20 minutes).
            digest.update(f"te groot: {size} bytes\n".encode())
            continue
        digest.update(files.sha256(path).encode())
        keyed += keyed_file(files, path, document=False, annex=index)
    return digest.hexdigest(), document_key, keyed


def as_parsed(record: Record) -> bytes:
    """What a YAML file says, as parsed: a comment or another quoting makes no new outputs."""
    return f"{type(record).__name__}\n{record.model_dump_json(by_alias=True)}".encode()


def template_digest(files: FileDigests, template: Path) -> str | None:
    """A template's SHA-256; None when it is no file or cannot be read (its check says why)."""
    # A pipe in its place is not opened: that would wait for a writer.
    return _sha256_or_none(files, template) if template.is_file() else None


def _sha256_or_none(files: FileDigests, path: Path) -> str | None:
    try:
        return files.sha256(path)
    except OSError:
        return None


# --------------------------------------------------------------------------- template check


class TemplateCheck:
    """The template check (``templates check``) in every build: its warnings are said, and
    what a template it finds wrong made is not installed.

    Rendering stops at what it cannot fill in, but not at tracked changes, half-typed tags or
    a Markdown field inside a sentence: those documents come out wrong without a word. Only
    the check tells, and its imports would cost a no-op build a third of a second, so its
    answer is kept under the templates' digests. When it must run, it runs in the build's
    own thread once the documents are rendered (while LibreOffice converts them), not on a
    thread of its own beside the rendering: two threads importing the render stack at once
    can deadlock in Python's import locks. The bundler threads wait for it before they
    install a dossier.
    """

    def __init__(self, project: Project, files: FileDigests, fonts: str) -> None:
        from assembler.model import DOCUMENT_KINDS, markdown_fields

        self.project = project
        # The answer follows from the templates, the models' fields, the check's rules and
        # the libraries that read the templates; the version stays the same while code
        # changes. And from the fonts (``fonts_fingerprint``): it warns of a template's font
        # that is not installed, which installing it must silence.
        key = hashlib.sha256(f"assembler {__version__} check {TEMPLATE_CHECK_VERSION}\n".encode())
        key.update(f"fonts {fonts}\n".encode())
        key.update(library_versions("docxtpl", "Jinja2").encode())
        for kind, model in sorted(DOCUMENT_KINDS.items()):
            fields = sorted((f.alias or n, f.is_required()) for n, f in model.model_fields.items())
            key.update(f"{kind} {fields} {sorted(markdown_fields(model))}\n".encode())
        self.files: tuple[KeyedFile, ...] = ()
        for name in sorted({*DOCUMENT_KINDS, "agenda"}):
            template = project.template_for(name)
            # Unreadable is said otherwise than missing: the answer kept for one is not the other's.
            seen = "-" if not template.is_file() else _sha256_or_none(files, template) or "?"
            key.update(f"{name} {seen}\n".encode())
            if seen not in ("-", "?"):
                self.files += keyed_file(files, template)
        self.key = key.hexdigest()
        self.store = project.cache / "sjablonen.json"
        self.answer: list[Problem] | None = None
        # Each template's fixed text, by paragraph (see checks.FixedText): kept with the
        # answer, so a build compares it with the confidential dossiers without opening one.
        self.fixed: dict[str, list[FixedText]] | None = None
        self.done = threading.Event()
        try:
            record = read_json(self.store)
            if record["sleutel"] == self.key:
                answer = [Problem.from_json(item) for item in record["meldingen"]]
                self.fixed = {
                    str(label): [FixedText(*map(str, paragraph)) for paragraph in paragraphs]
                    for label, paragraphs in record["vaste_tekst"].items()
                }
                self.answer = answer
                self.done.set()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.fixed = None  # none yet, or damaged: checked again

    def run(self) -> None:
        """Check the templates now, unless the answer is known; in the build's own thread."""
        if self.done.is_set():
            return
        try:
            from assembler.lint import lint_templates

            fixed: dict[str, list[FixedText]] = {}
            self.answer = lint_templates(self.project, fixed=fixed)
            self.fixed = fixed
            if not changed_files(self.files):
                # Not kept for a template changed since the key was taken: it judged others.
                record = {
                    "sleutel": self.key,
                    "meldingen": [p.as_json() for p in self.answer],
                    "vaste_tekst": self.fixed,
                }
                write_cache_text(self.store, json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            self.done.set()  # a bundler thread waiting must not wait for ever

    def refuses(self, template: Path) -> bool:
        """Whether the check found ``template`` wrong; waits for the check.

        Without an answer (the build stopping, the check failing) nothing it made is trusted.
        """
        self.done.wait()
        label = self.project.display(template)
        return self.answer is None or any(
            p.bestand == label and p.ernst == "fout" for p in self.answer
        )

    def problems(self) -> list[Problem]:
        """What the check says, warnings and errors, as ``templates check`` says it."""
        self.run()
        return list(self.answer or [])

    def fixed_texts(self) -> dict[str, list[FixedText]]:
        """Each template's fixed text, by the template as displayed (see checks.FixedText)."""
        self.run()
        return dict(self.fixed or {})


# --------------------------------------------------------------------------- records


def renumber(project: Project, plan: Plan) -> None:
    """Move an unchanged dossier's outputs to the folder of its new agenda number."""
    path = dossier_record(project, plan.meeting.name, plan.dossier.name)
    try:
        record = read_json(path)
        if record.get("key") != plan.key or record.get("dir") == plan.output_dir.name:
            return
        old = plan.output_dir.parent / str(record["dir"])
        if old.name != record["dir"] or not OUTPUT_DIR_PATTERN.match(old.name):
            return
        if not old.is_dir() or old.is_symlink():
            return
        if plan.output_dir.exists():
            return  # made again below, and the old folder goes as stale
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # a missing or damaged cache only means: build again
    # The record names both folders while the folder moves: killed in between, the next build
    # makes the outputs again (not at the recorded place), and until then a withdrawal or a
    # refusal still finds them where they are (layout.recorded_dir).
    moving = record | {"dir": plan.output_dir.name, "was": old.name}
    try:
        write_text_atomic(path, json.dumps(moving) + "\n")
        try:
            os.replace(old, plan.output_dir)
        except OSError:  # a file open on a share: built again in the new folder
            write_text_atomic(path, json.dumps(record) + "\n")
            return
        del moving["was"]
        write_text_atomic(path, json.dumps(moving) + "\n")
    except OSError:
        return


def read_record(path: Path) -> dict[str, Any] | None:
    """A dossier's or meeting's record in the cache; None when missing or damaged (a damaged
    cache only means: build again)."""
    try:
        record = read_json(path)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _at_its_line(plan: Plan, warning: Problem) -> Problem:
    """A kept annex warning at the line its field has now: a comment added above it changes
    no key, and the line said when it was made would be another's."""
    from assembler.source import field_path

    path = field_path(warning.veld)
    if path is None or not warning.bestand.endswith(f"/{DOSSIER_FILE}"):
        return warning  # a template's (the confidential mark the PDF lacks): no line in it
    return dataclasses.replace(warning, regel=plan.dossier.source.line_of(path))


def cached_outputs(
    plan: Plan,
    record: dict[str, Any] | None,
    options: BuildOptions,
    files: FileDigests,
    office: str | None,
) -> tuple[list[Path], list[Problem]] | None:
    """The outputs of an earlier identical build and its annex warnings, if all still there.

    A build with PDFs takes them when they are all such a build makes, by its LibreOffice
    (``office``). A Word-only build needs only the Word document: the PDFs beside it were made
    of the same inputs, so they stay as they are (and are listed while still as installed);
    a build with PDFs judges them again.
    """
    if record is None:
        return None
    try:
        if record.get("key") != plan.key or record.get("dir") != plan.output_dir.name:
            return None
        names = [str(name) for name in record["outputs"]]
        warnings = [_at_its_line(plan, Problem.from_json(item)) for item in record["meldingen"]]
        stamps = record["stamps"]
        if options.pdf:
            if record.get("pdf") is not True or record.get("office") != office:
                return None
            needed = names
        else:
            needed = [f"{plan.dossier.document.kind}.docx"]
            if needed[0] not in names:
                return None
        if not names or _altered(plan.output_dir, needed, stamps, files):
            return None
        if not options.pdf:
            names = [n for n in names if not _altered(plan.output_dir, [n], stamps, files)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a missing or damaged cache only means: build again
    return [plan.output_dir / name for name in names], warnings


def stamps(folder: Path, names: Iterable[str]) -> dict[str, list[int | str]]:
    """Each output's size, modification time and SHA-256 as installed, so that a change shows."""
    stamps: dict[str, list[int | str]] = {}
    for name in names:
        with open(folder / name, "rb") as handle:
            info = os.fstat(handle.fileno())
            digest = digest_stream(handle, hashlib.sha256()).hexdigest()
        stamps[name] = [info.st_size, info.st_mtime_ns, digest]
    return stamps


def _altered(
    folder: Path, names: Iterable[str], stamps: Any, files: FileDigests | None = None
) -> list[str]:
    """The outputs among ``names`` not in ``folder`` as they were installed (see stamps).

    A clerk who opened a Word file in build/ and saved a correction there would otherwise
    keep it, not matching its PDF, until the dossier changed, and then lose it unannounced.
    A file with another time but the same bytes (the project copied, restored from a backup,
    unpacked from a zip) is unchanged; ``files`` remembers its digest for the next build.
    """
    return [name for name in names if not _as_installed(folder / name, stamps, files)]


def _as_installed(path: Path, stamps: Any, files: FileDigests | None) -> bool:
    stamp = stamps.get(path.name) if isinstance(stamps, dict) else None
    if not isinstance(stamp, list) or len(stamp) != 3:
        return False
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size != stamp[0]:
            return False
        if info.st_mtime_ns == stamp[1]:
            return True
        # Another time, the same size: the project copied, restored or unpacked? The bytes say.
        digest = files.sha256(path) if files is not None else file_sha256(path)
        return bool(digest == stamp[2])
    except OSError:
        return False


def edited(
    project: Project, data: dict[str, Any] | None, folder: Path, files: FileDigests
) -> list[Problem]:
    """A warning for each output changed since the record ``data`` installed it (not removed),
    in the folder the record names (a dossier's may move): the build makes it anew."""
    if data is None:
        return []
    try:
        stamps = data["stamps"]
        names = [str(name) for name in stamps]
        if "dir" in data:  # a dossier's: the folder it was installed in, not the new one
            name = recorded_dir(data, folder.parent)
            if name != Path(name).name or not OUTPUT_DIR_PATTERN.match(name):
                return []
            folder = folder.parent / name
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    return [
        Problem(
            project.display(folder / name),
            None,
            "",
            "is veranderd na de vorige build; de build maakt het opnieuw (wat in build/ staat, "
            "wordt gemaakt uit de dossiermap: breng wijzigingen daar aan)",
            "waarschuwing",
        )
        for name in _altered(folder, names, stamps, files)
        if (folder / name).is_file()
    ]


def reusable(
    plan: Plan,
    record: dict[str, Any] | None,
    options: BuildOptions,
    files: FileDigests,
    office: str | None,
) -> Kept | None:
    """The dossier's kept outputs, when its document (Word, and PDF if made) there was made
    from what it is made of now: only its annexes changed.

    A build with PDFs takes the document's PDF when made by its LibreOffice (``office``); a
    Word-only build takes it along with the Word document while it is still as installed.
    """
    if record is None:
        return None
    kind = plan.dossier.document.kind
    try:
        if record.get("document") != plan.document_key:
            return None
        folder = plan.output_dir.parent / str(record["dir"])
        if folder.name != record["dir"] or not OUTPUT_DIR_PATTERN.match(folder.name):
            return None
        if folder.is_symlink() or not folder.is_dir():
            return None
        stamps = record["stamps"]
        documents = ([f"{kind}.docx"], [f"{kind}.pdf"])
        names = _kept_documents(*documents, folder, record, options, files, office)
        if names is None:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a missing or damaged cache only means: make the document again
    made_by = record.get("office") if f"{kind}.pdf" in names else None
    return Kept(folder, stamps, tuple(names), str(made_by) if made_by else None)


def _kept_documents(
    words: list[str],
    pdfs: list[str],
    folder: Path,
    record: dict[str, Any],
    options: BuildOptions,
    files: FileDigests,
    office: str | None,
) -> list[str] | None:
    """Which of the documents ``words`` and their PDFs ``pdfs`` a build takes from ``folder``
    as ``record`` installed them; None when it must make them again."""
    stamps = record["stamps"]
    if options.pdf:
        # Made by another LibreOffice (or none): converted again.
        if record.get("office") != office:
            return None
        return None if _altered(folder, words + pdfs, stamps, files) else words + pdfs
    if _altered(folder, words, stamps, files):
        return None
    # A Word-only build makes no PDFs: it keeps those that still go with the documents.
    if record.get("office") and not _altered(folder, pdfs, stamps, files):
        return words + pdfs
    return words


def remember(
    project: Project,
    plan: Plan,
    outputs: Sequence[Path],
    warnings: Sequence[Problem],
    office: str | None,
    *,
    complete: bool,
    changed: Sequence[KeyedFile] = (),
) -> None:
    """Record a dossier's installed outputs; ``office`` made the PDFs among them, and
    ``complete`` says they are all a build with PDFs makes (see office_version).

    Without its keys when a file they were taken of ``changed`` while the outputs were made:
    the next build makes them again (its document kept if only an annex changed).
    """
    keys = {"key": plan.key, "document": plan.document_key}
    if changed:
        del keys["key"]
    if any(file.document for file in changed):
        del keys["document"]
    record: dict[str, Any] = {
        **keys,
        "dir": plan.output_dir.name,
        "outputs": [p.name for p in outputs],
        "stamps": stamps(plan.output_dir, [p.name for p in outputs]),
        "openbaar": plan.dossier.document.is_public,  # see withdraw.py
        "meldingen": [problem.as_json() for problem in warnings],
        "pdf": complete,
    }
    if office is not None and any(p.suffix == ".pdf" for p in outputs):
        record["office"] = office
    write_text_atomic(
        dossier_record(project, plan.meeting.name, plan.dossier.name), json.dumps(record) + "\n"
    )


def forget(project: Project, plan: Plan) -> None:
    """Make the next build remake the dossier, whose outputs are being replaced; keep whether
    its kept outputs are public."""
    path = dossier_record(project, plan.meeting.name, plan.dossier.name)
    try:
        record = read_json(path)
        kept: dict[str, Any] = {"openbaar": bool(record["openbaar"])}
        # "was": a renumbering cut short, whose outputs are still in the old folder.
        kept |= {name: str(record[name]) for name in ("dir", "was") if name in record}
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return
    # Without a key the record is no cache hit; the withdrawals and previous_outputs
    # still read it.
    write_text_atomic(path, json.dumps(kept) + "\n")


def meeting_outputs(options: BuildOptions) -> tuple[str, ...]:
    """The files a meeting's folder gets from a build with ``options`` (no PDFs with
    ``--geen-pdf``)."""
    return MEETING_OUTPUTS if options.pdf else MEETING_DOCUMENTS


def meeting_cached(
    plan: MeetingPlan,
    record: dict[str, Any] | None,
    options: BuildOptions,
    office: str | None,
    files: FileDigests | None = None,
) -> bool:
    """Whether the meeting's agendas and bundles are made from its items as they are now: with
    PDFs, all of them and by this LibreOffice (``office``); Word-only, its agendas' Word
    documents (its PDFs stay as they are, see cached_outputs)."""
    if record is None:
        return False
    try:
        if record.get("key") != plan.key:
            return False
        if options.pdf and (record.get("pdf") is not True or record.get("office") != office):
            return False
        return not _altered(plan.folder, meeting_outputs(options), record.get("stamps"), files)
    except (OSError, ValueError, AttributeError):
        return False


def meeting_warnings(record: dict[str, Any] | None) -> list[Problem]:
    """The warnings kept with a meeting's outputs (links its agenda could not get), said
    again by a build that finds the meeting unchanged, until the agenda template is mended."""
    try:
        kept = record.get("meldingen", []) if record is not None else []
        return [Problem.from_json(item) for item in kept]
    except (ValueError, TypeError, AttributeError):
        return []  # a damaged record: the meeting is made anew when its keys do not match


def agendas_reusable(
    plan: MeetingPlan,
    record: dict[str, Any] | None,
    options: BuildOptions,
    files: FileDigests,
    office: str | None,
) -> Kept | None:
    """The meeting's kept agendas, when made from what they are made of now (their PDFs as
    a dossier's document's, see reusable)."""
    if record is None:
        return None
    try:
        stamps = record.get("stamps")
        if record.get("agendas") != plan.agenda_key or not isinstance(stamps, dict):
            return None
        words = list(MEETING_DOCUMENTS)  # the agendas
        pdfs = [name.removesuffix(".docx") + ".pdf" for name in words]
        names = _kept_documents(words, pdfs, plan.folder, record, options, files, office)
        if names is None:
            return None
    except (OSError, ValueError, KeyError, AttributeError):
        return None
    made_by = record.get("office") if any(name in names for name in pdfs) else None
    return Kept(plan.folder, stamps, tuple(names), str(made_by) if made_by else None)


# --------------------------------------------------------------------------- staging and installing


# A meeting's own outputs are made in a staging folder of this name (see staging_folder).
MEETING_STAGING = "vergadering"


def staging_folder(folder: Path) -> Path:
    """Where the outputs of ``folder`` are made before they replace the previous ones."""
    return folder.parent / f"{TEMP_PREFIX}{folder.name}"


def installed_place(path: Path) -> Path:
    """Where a file made in a staging folder goes once it is done; other paths as they are."""
    staging = path.parent
    if not staging.name.startswith(TEMP_PREFIX):
        return path
    folder = staging.name.removeprefix(TEMP_PREFIX)
    if folder == MEETING_STAGING:
        return staging.parent / path.name
    return staging.parent / folder / path.name


def install(staging: Path, target: Path, names: Sequence[str]) -> list[Path]:
    """Move finished outputs from ``staging`` into ``target``; drop files no longer made.

    Called installing, not publishing: ``publish`` is the delivery to an agenda system.
    """
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            move(staging / name, target / name)
        for old in target.iterdir():
            if old.is_file() and old.name not in names:
                old.unlink()
        shutil.rmtree(staging, ignore_errors=True)
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise not_writable(target, error) from None
    return [target / name for name in names]


def move(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``; a refusal names ``target`` (a folder in its place)."""
    try:
        os.replace(source, target)
    except OSError as error:
        raise not_writable(target, error) from None


def discard(staging: Path) -> None:
    """Remove a staging folder and what is in it, if it is there."""
    shutil.rmtree(staging, ignore_errors=True)


def keep_files(kept: Kept, staging: Path, names: Sequence[str]) -> bool:
    """Put kept outputs in a new ``staging`` folder, as if made again; False when one cannot
    be read, or is not what was installed any more (the caller makes them again)."""
    discard(staging)
    try:
        staging.mkdir(parents=True)
        for name in names:
            # A link costs nothing; the installed file is replaced by a rename, never
            # written into, so the two names never see a change. A copy where links fail.
            try:
                os.link(kept.folder / name, staging / name)
            except OSError:
                shutil.copyfile(kept.folder / name, staging / name)
    except OSError:
        discard(staging)
        return False
    # Judged again as taken: a Word save since the plan is not passed on as the build's.
    if _altered(staging, names, kept.stamps):
        discard(staging)
        return False
    return True


# --------------------------------------------------------------------------- export packages


def stale_exports(project: Project, catalog: Catalog, files: FileDigests) -> list[Problem]:
    """A warning for each meeting whose export package no longer holds its outputs or settings.

    Said by every build until the package is made anew. The export keeps the SHA-256 of every
    file it packaged and a digest of the settings (see layout.export_record); a package of an
    older assembler, without that record, is judged by the files' times.
    """
    problems = []
    settings = organisation_digest(catalog.organisation)
    for meeting in catalog.meetings:
        manifest = project.build / meeting.name / EXPORT_DIR / EXPORT_PUBLIC_MANIFEST
        try:
            packaged = manifest.stat().st_mtime_ns
        except OSError:
            continue  # no package (or not a whole one: the export repairs that itself)
        behind: str | None
        try:
            behind = _export_behind(project, meeting.name, settings, files)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            sources = (meeting_record(project, meeting.name), project.organisation_file)
            behind = _OLD_OUTPUTS if any(_newer(s, packaged) for s in sources) else None
        if behind:
            problems.append(
                meeting_warning(
                    project,
                    meeting.folder,
                    "het exportpakket in "
                    f"{project.display(project.build / meeting.name / EXPORT_DIR)} hoort nog bij "
                    f"{behind} (maak het opnieuw met 'assembler export "
                    f"{project.display(meeting.folder)}')",
                )
            )
    return problems


_OLD_OUTPUTS = "de vorige stukken"


def organisation_digest(organisation: Organisatie) -> str:
    """A digest of the settings a package shows (name, TOOI, publication address …)."""
    return hashlib.sha256(organisation.model_dump_json().encode()).hexdigest()


def _export_behind(project: Project, meeting: str, settings: str, files: FileDigests) -> str | None:
    """What a meeting's package holds that its outputs or settings no longer show, as the
    warning says it ('de vorige stukken'); None while it holds what they show.

    Without SOURCE_DATE_EPOCH a forced build writes the same pages with new dates: a file
    whose bytes changed is compared by what it shows (the gate's page digest), and when that
    is the same, its new bytes are kept as the package's, so the pages are read once.
    """
    path = export_record(project, meeting)
    record = read_json(path)
    if record["organisatie"] != settings:
        # The stukken may be the same: a setting the package shows (name, TOOI) changed.
        organisation = project.display(project.organisation_file)
        return f"de vorige instellingen in {organisation}"
    sources: dict[str, str] = record["bronnen"]
    shown: dict[str, str] = record["inhoud"]
    renewed: dict[str, str] = {}
    behind: str | None = None
    for name, digest in sources.items():
        now = _sha256_or_none(files, project.root / name)
        if now == digest:
            continue
        if now is None or not _shows(project.root / name, shown[name]):
            # Gone, or other pages: the package holds what is not there now.
            behind = _OLD_OUTPUTS
            break
        renewed[name] = now
    if renewed:  # read once: the next build finds these bytes known
        record["bronnen"] = {**sources, **renewed}
        write_cache_text(path, json.dumps(record, sort_keys=True) + "\n")
    return behind


def _shows(path: Path, pages: str) -> bool:
    """Whether the PDF at ``path`` shows the pages with the gate's digest ``pages``."""
    from pikepdf import PikepdfError

    from assembler.gate import content_digest

    try:
        return content_digest(path) == pages
    except (PikepdfError, OSError, ValueError):  # PikepdfError: a password's too
        return False  # not a PDF that can be read any more: not the same


def _newer(path: Path, moment_ns: int) -> bool:
    try:
        return path.stat().st_mtime_ns > moment_ns
    except OSError:
        return False

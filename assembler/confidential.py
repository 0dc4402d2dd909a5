"""Warnings for a public dossier's annex that is, or shows pages of, a confidential one.

The build and ``assembler check`` say it at the line that attaches the annex, long before the
export's gate (:mod:`assembler.gate`) would refuse the package. Files are compared by content
and by the gate's parts of each page, which are kept in ``build/.cache`` by content.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Collection, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assembler import library_versions
from assembler.digests import FileDigests
from assembler.errors import Problem, dutch_list
from assembler.fsutil import read_json, write_cache_text
from assembler.project import DOSSIER_FILE, PUBLICATION_FILE, Project

if TYPE_CHECKING:
    from assembler.annex import AnnexReport
    from assembler.annex_text import PdfFacts
    from assembler.inputs import Catalog, DossierInput, MeetingInput
    from assembler.references import ArchivedSecret
    from assembler.terms import Term


def confidential_annexes_made_public(
    project: Project, catalog: Catalog, files: FileDigests
) -> list[Problem]:
    """A warning for each annex of a public dossier that is, or shows pages of, an annex of a
    confidential dossier, one of them selected, anywhere in the project.

    A file or page that a public dossier also uses counts as public (one map attached to
    several proposals), so the export lets it pass; a clerk who copied a confidential annex
    into a public dossier by mistake, or saved it anew (other bytes, the same pages), hears it
    here, at the public dossier's line that attaches it; or, when only the confidential
    dossier is selected, at its own line.
    """
    from assembler.source import field_label

    problems = annexes_naming_confidential(project, catalog, files)
    everything = catalog.everything or catalog.meetings
    selected = {dossier.folder for meeting in catalog.meetings for dossier in meeting.dossiers}
    secret = [
        (dossier.annex_path(index), _Owner(dossier.folder, dossier), index)
        for meeting in everything
        for dossier in meeting.dossiers
        if not dossier.document.is_public
        for index in range(len(dossier.document.annexes))
    ]
    # An archived meeting's confidential dossiers too: secrecy outlasts the meeting. Never
    # selected, so said at the public dossier's line only.
    secret += [
        (Path(annex), _Owner(Path(archived.path).parent), index)
        for archived in catalog.archived
        for index, annex in archived.annexes
    ]
    if not secret:
        return problems
    pages = _AnnexPages(project, files)
    secrets = _SecretAnnexes(secret, pages)
    known_publications = publications(catalog)

    def said(at: DossierInput, index: int, text: str) -> None:
        where = ("bijlagen", index, "bestand")
        problems.append(
            Problem(
                project.display(at.folder / DOSSIER_FILE),
                at.source.line_of(where),
                field_label(where),
                text,
                "waarschuwing",
            )
        )

    def places(twins: Sequence[tuple[_Owner | DossierInput, int]]) -> str:
        """'bijlage 4 van X', 'bijlagen 4 en 6 van X en bijlage 1 van Y'."""
        numbers: dict[Path, list[str]] = {}
        for other, index in twins:
            numbers.setdefault(other.folder, []).append(str(index + 1))
        return dutch_list(
            [
                f"{'bijlage' if len(found) == 1 else 'bijlagen'} {dutch_list(found)} van "
                f"{project.display(folder)}"
                for folder, found in numbers.items()
            ]
        )

    # Said at the confidential dossier's line when only it is selected: per annex of it and
    # per likeness, every public dossier that uses the file or its pages.
    made_public: dict[
        tuple[Path, int, _Likeness, bool], tuple[DossierInput, list[tuple[DossierInput, int]]]
    ] = {}
    meetings = {meeting.folder: meeting for meeting in everything}
    for meeting in everything:
        for dossier in meeting.dossiers:
            if not dossier.document.is_public:
                continue
            chosen = dossier.folder in selected
            for index in range(len(dossier.document.annexes)):
                path = dossier.annex_path(index)
                try:
                    found = [
                        (other, number, how)
                        for other, number, how in secrets.likenesses(path)
                        if chosen or other.folder in selected
                    ]
                except OSError:
                    continue
                shown = _AnnexShown(dossier, index, path, pages)
                for likeness in _LIKENESSES:
                    twins = [(d, n) for d, n, how in found if how == likeness]
                    # The meeting that published it first keeps it (clerk2 L1, revH H1): then
                    # only the confidential dossier is told. An archived one (not among them)
                    # came before.
                    newer = [
                        published_first(
                            meeting, meetings.get(d.folder.parent), shown, known_publications
                        )
                        for d, _n in twins
                    ]
                    here = [t for t, new in zip(twins, newer, strict=True) if chosen and not new]
                    if here:
                        one = len({other.folder for other, _n in here}) == 1
                        said(
                            dossier,
                            index,
                            f"{_LIKENESS_SAID[likeness]} {places(here)}, "
                            f"{'dat niet openbaar is' if one else 'die niet openbaar zijn'}: "
                            f"met dit dossier {_made_public(likeness, 'hier')}",
                        )
                    for (other, number), new in zip(twins, newer, strict=True):
                        if other.dossier is None:
                            continue  # archived: never selected
                        if (new or not chosen) and other.folder in selected:
                            key = (other.folder, number, likeness, new)
                            made_public.setdefault(key, (other.dossier, []))[1].append(
                                (dossier, index)
                            )
    for (_folder, number, likeness, new), (owner, users) in made_public.items():
        one = len({user.folder for user, _i in users}) == 1
        if new:
            which = "dat openbaar is" if one else "die openbaar zijn"
            at = (
                "een vergadering die al gehouden of geëxporteerd is"
                if len({user.folder.parent for user, _i in users}) == 1
                else "vergaderingen die al gehouden of geëxporteerd zijn"
            )
            said(
                owner,
                number,
                f"{_LIKENESS_SAID[likeness]} {places(users)}, {which} op {at}: "
                f"{_public_already(likeness)}",
            )
            continue
        which = "dat openbaar is: met dat dossier" if one else "die openbaar zijn: met die dossiers"
        said(
            owner,
            number,
            f"{_LIKENESS_SAID[likeness]} {places(users)}, {which} {_made_public(likeness, 'daar')}",
        )
    pages.save()
    return problems


NAMED_FILE = "bijlagetekst-genoemd.json"
"""In ``build/.cache``: which confidential terms the kept text of each public PDF annex names
in each meeting (see annexes_naming_confidential), for the terms of that build, so a build in
which nothing changed reads no annex's text. Written once per build or check, with what it
searched; what a run over some meetings did not search is kept as it was."""
# Raised when what terms.names finds in the same text changes (2: quotation marks left out).
NAMED_VERSION = 2


def annexes_naming_confidential(
    project: Project, catalog: Catalog, files: FileDigests
) -> list[Problem]:
    """A warning for each PDF annex of a selected public dossier whose text, annotations, form
    fields, links or other strings name a confidential dossier's kenmerk, onderwerp or annex
    description, as the export's gate finds it (and would refuse the meeting for).

    The gate's facts with text of each annex are kept by content: the annex intake reads them
    in its child processes (annex_text.kept_annex_facts); one it did not read (its report kept
    from before) is read here once, after the intake accepted it. Office annexes are not
    searched here: what they show is their conversion, which the export's gate reads.
    """
    from assembler.annex import AnnexLimits
    from assembler.annex_text import text_facts_version
    from assembler.source import field_label
    from assembler.terms import archived_terms, confidential_terms, public_words, searched

    everything = catalog.everything or catalog.meetings
    public = public_words(everything)
    terms = [
        term
        for term in confidential_terms(project, everything)
        + archived_terms(project, catalog.archived, everything)
        if searched(term.text, always=term.always) and not term.shared_with(public)
    ]
    problems: list[Problem] = []
    annexes = [
        (meeting, dossier, index)
        for meeting in catalog.meetings
        for dossier in meeting.dossiers
        if dossier.document.is_public
        for index in range(len(dossier.document.annexes))
        if index not in dossier.refused_annexes and _is_pdf_name(dossier.annex_path(index))
    ]
    if not terms or not annexes:
        return problems
    # A run over some meetings or dossiers keeps what the last run found in the others' annexes.
    found = _NamedTerms(project, terms, text_facts_version(), partial=bool(catalog.chosen))
    for meeting, dossier, index in annexes:
        path = dossier.annex_path(index)
        try:
            if path.stat().st_size > AnnexLimits().max_file_bytes:
                continue  # refused for its size by the intake, unread
            digest = files.sha256(path)
        except OSError:
            continue  # validation says so
        where = ("bijlagen", index, "bestand")
        name = dossier.document.annexes[index].file
        for found_where, term in found.named(path, digest, meeting.name):
            problems.append(
                Problem(
                    project.display(dossier.folder / DOSSIER_FILE),
                    dossier.source.line_of(where),
                    field_label(where),
                    f"'{name}' noemt {found_where + ' ' if found_where else ''}{term.what} "
                    f"'{term.text}' van "
                    f"het vertrouwelijke dossier {term.source}: zo komt het in de openbare "
                    f"stukken en stopt de export "
                    f"({term.advice('haal die tekst uit de bijlage')})",
                    "waarschuwing",
                )
            )
    found.save()
    return problems


class _NamedTerms:
    """Which of a build's confidential terms the kept text of each public annex names, kept
    in ``build/.cache`` (NAMED_FILE) by the annex's content, the meeting and the terms.

    A ``partial`` run (of some meetings or dossiers) keeps what it did not ask again."""

    def __init__(
        self,
        project: Project,
        terms: Sequence[Term],
        facts_version: str,
        *,
        partial: bool = False,
    ) -> None:
        self.project = project
        self.partial = partial
        self.terms = terms
        self.facts_version = facts_version  # of the annexes' kept texts (annex_text)
        self.version = f"{NAMED_VERSION}\n{facts_version}"
        self.positions = {id(term): at for at, term in enumerate(terms)}
        self.store = project.cache / NAMED_FILE
        # Every term as it is searched, in order: an answer keeps the terms' positions.
        said = [
            [t.text, t.what, t.source, sorted(t.meetings or ()), t.meetings is None, t.always]
            for t in terms
        ]
        self.fingerprint = hashlib.sha256(json.dumps(said).encode()).hexdigest()
        self._kept: dict[str, Any] = {}
        with suppress(OSError, ValueError, TypeError, KeyError):
            data = read_json(self.store)
            if data["version"] == self.version and data["terms"] == self.fingerprint:
                self._kept = dict(data["named"])
        self._used: dict[str, Any] = {}
        # Read once per build: one map or report is often attached to several proposals.
        self._read: dict[str, PdfFacts | None] = {}
        self._reports: Callable[[Path], AnnexReport | None] | None = None

    def named(self, path: Path, digest: str, meeting: str) -> list[tuple[str, Term]]:
        """Where the annex at ``path`` (of SHA-256 ``digest``) names each term it names on the
        public side of ``meeting``, as annex_text.terms_named finds it."""
        key = f"{digest} {meeting}"
        with suppress(TypeError, ValueError, IndexError):
            if key in self._used or key in self._kept:
                kept = self._used[key] if key in self._used else self._kept[key]
                named = [(self._where(where), self._term(at)) for where, at in kept]
                self._used[key] = kept
                return named
        from assembler.annex_text import terms_named

        facts = self._facts(path, digest)
        if facts is None:
            return []  # not read (yet): not kept as naming nothing
        named = terms_named(facts, self.terms, meeting)
        if facts.sha256 == digest:  # not another content, changed since it was hashed
            self._used[key] = [[where, self.positions[id(term)]] for where, term in named]
        return named

    def _term(self, position: object) -> Term:
        """The term at ``position`` in this build's list; IndexError for one not in it."""
        if type(position) is not int or not 0 <= position < len(self.terms):
            raise IndexError(position)  # not true or false either, which JSON would allow
        return self.terms[position]

    @staticmethod
    def _where(where: object) -> str:
        if not isinstance(where, str):
            raise TypeError(where)
        return where

    def _facts(self, path: Path, digest: str) -> PdfFacts | None:
        if digest in self._read:
            return self._read[digest]
        from assembler.annex_text import keep_annex_facts, kept_annex_facts

        version = self.facts_version
        facts = kept_annex_facts(self.project.cache, digest, version)
        if facts is None:
            # Opened here only once the intake accepted it (see _AnnexPages.of).
            import pikepdf

            from assembler.gate import analyse_pdf
            from assembler.intake import kept_reports

            self._reports = self._reports or kept_reports(self.project)
            report = self._reports(path)
            if report is not None and report.ok:
                with suppress(OSError, pikepdf.PdfError, pikepdf.PasswordError):
                    facts = analyse_pdf(path, with_text=True)
                    if facts.sha256 == digest:  # not changed since it was hashed
                        keep_annex_facts(self.project.cache, facts, version)
        self._read[digest] = facts
        return facts

    def save(self) -> None:
        """Keep this build's answers (only when they changed)."""
        # Otherwise a check of one meeting would cost the next build of all of them a reading
        # of every other meeting's annex texts; a whole run keeps only what it asked.
        named = dict(self._kept) if self.partial else {}
        named.update(self._used)
        if named != self._kept:
            data = {"version": self.version, "terms": self.fingerprint, "named": named}
            with suppress(OSError):
                write_cache_text(self.store, json.dumps(data, sort_keys=True) + "\n")


def published_first(
    public: MeetingInput,
    confidential: MeetingInput | None,
    shown: Callable[[Published], bool],
    known: Publications,
) -> bool:
    """Whether meeting ``public`` published first what a confidential dossier of meeting
    ``confidential`` (None: archived) also has: it comes before the other, and its exports
    published it (``shown`` by what its publicatie.json keeps), or, never exported, it is held.

    Then it keeps what it published, and only the confidential dossier is told, before and
    after its own meeting's export; the export of the later meeting changes nothing in that.
    What was added to it since its export was not published by it: that is said at the
    public dossier, as of any meeting still to come.
    """
    if confidential is None or public.meeting.date >= confidential.meeting.date:
        return False
    published = known.of(public)
    if published is None:
        # Held but never exported by an assembler (its stukken went out otherwise, or before
        # this project kept publicatie.json): nothing says what it made public, so what its
        # dossiers have now is taken for what it published, as the date says.
        return public.meeting.date < date.today()
    return shown(published)


@dataclass(frozen=True)
class Published:
    """What a meeting's exports made public and still show, as its publicatie.json keeps it."""

    digests: frozenset[str]  # the content digests (``inhoud``: gate.content_digest)
    titles: frozenset[str]  # the titles (``titel``): onderwerpen and annex descriptions
    keys: frozenset[str]  # the record keys without their side: '<dossier>/bijlage:<file>'
    # The dossiers its exports showed on the confidential side only (see withdrawn_secrets).
    withheld: tuple[Withheld, ...] = ()


@dataclass(frozen=True)
class Withheld:
    """A dossier a meeting's exports showed on their confidential side only."""

    folder: str  # its folder's name then
    reference: str  # its kenmerk as the export's file names write it
    titles: tuple[tuple[str, str], ...]  # ("het onderwerp", text), ("de omschrijving …", …)


class Publications:
    """Per meeting what it published; its publicatie.json read at most once per run."""

    def __init__(self) -> None:
        self._read: dict[Path, Published | None] = {}

    def of(self, meeting: MeetingInput) -> Published | None:
        """What ``meeting`` published; None when it has no publicatie.json, or one that
        cannot be read (the export says so)."""
        if meeting.folder not in self._read:
            self._read[meeting.folder] = _published(meeting.folder / PUBLICATION_FILE)
        return self._read[meeting.folder]


def publications(catalog: Catalog) -> Publications:
    """The run's Publications, kept with its catalog: validation and this module share it."""
    if catalog.publications is None:
        catalog.publications = Publications()
    return catalog.publications


def _published(path: Path) -> Published | None:
    try:
        records = read_json(path)["documenten"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(records, dict):
        return None
    # Its public side's current documents: one withdrawn is no longer shown, and attached
    # again it would be published anew.
    public = {
        str(key).partition(":")[2]: record
        for key, record in records.items()
        if str(key).startswith("openbaar:")
        and isinstance(record, dict)
        and record.get("status") != "ingetrokken"
    }
    return Published(
        frozenset(str(r["inhoud"]) for r in public.values() if isinstance(r.get("inhoud"), str)),
        frozenset(str(r["titel"]) for r in public.values() if isinstance(r.get("titel"), str)),
        frozenset(public),
        _withheld(records),
    )


def _record_kenmerk(record: object) -> str:
    """The kenmerk a record's file name holds ('05_23.0002131_voorstel_….pdf'); "" for none."""
    parts = str(record.get("bestandsnaam", "") if isinstance(record, dict) else "").split("_")
    return parts[1] if len(parts) > 2 else ""


def _withheld(records: dict[Any, Any]) -> tuple[Withheld, ...]:
    """The dossiers whose records are on the confidential side only: whatever their status
    now, withdrawn ones too (the public side of an export holds a public dossier as well).
    One per folder and kenmerk: a new dossier in a withdrawn one's folder is another."""
    shown = {
        _record_kenmerk(record)
        for key, record in records.items()
        if str(key).startswith("openbaar:")
    }
    found: dict[tuple[str, str], Withheld] = {}
    for key, record in records.items():
        side, _, rest = str(key).partition(":")
        folder, has_folder, part = rest.partition("/")
        reference = _record_kenmerk(record)
        if side != "niet-openbaar" or not has_folder or not reference or reference in shown:
            continue
        held = found.setdefault((folder, reference), Withheld(folder, reference, ()))
        title = record.get("titel") if isinstance(record, dict) else None
        if isinstance(title, str) and title:
            what = "de omschrijving van een bijlage" if "bijlage" in part else "het onderwerp"
            found[folder, reference] = dataclasses.replace(
                held, titles=(*held.titles, (what, title))
            )
    return tuple(found.values())


def withdrawn_secrets(
    project: Project,
    meetings: Sequence[MeetingInput],
    known: Publications,
    references: Collection[str],
) -> tuple[ArchivedSecret, ...]:
    """What the public side must not show of each confidential dossier that a meeting's export
    held and that is gone from ``dossiers/`` since (withdrawn: its folder moved out), as the
    meeting's publicatie.json keeps it, also once the meeting is archived: its kenmerk and
    titles. Secrecy outlasts a withdrawal as it does a meeting; ``references`` are the
    kenmerken of the dossiers still there (live or archived)."""
    from assembler.references import ArchivedSecret, meeting_folders

    present = {_plain_kenmerk(reference) for reference in references}
    # Per meeting folder: what its exports withheld, its day, and its dossiers' onderwerpen by
    # folder (a dossier whose kenmerk was corrected is the same dossier, not withdrawn).
    published: list[tuple[Path, str, Published | None, dict[str, str]]] = [
        (
            meeting.folder,
            meeting.meeting.date.isoformat(),
            known.of(meeting),
            {dossier.name: dossier.document.subject for dossier in meeting.dossiers},
        )
        for meeting in meetings
    ]
    published += [
        (folder, _named_day(folder.name), _published(folder / PUBLICATION_FILE), {})
        for folder in meeting_folders(project.dossiers)
        if folder.parent != project.dossiers
    ]
    secrets: dict[tuple[str, tuple[tuple[str, str], ...]], ArchivedSecret] = {}
    for folder, day, held_there, subjects in published:
        for held in held_there.withheld if held_there else ():
            if _plain_kenmerk(held.reference) in present:
                continue  # still there (moved to another meeting, made public): as it is now
            if ("het onderwerp", subjects.get(held.folder)) in held.titles:
                continue  # the same dossier, its kenmerk corrected since
            label = (
                f"{project.display(folder / held.folder)} (ingetrokken, zie "
                f"{project.display(folder / PUBLICATION_FILE)})"
            )
            # Withdrawn from two meetings (moved first): guarded once.
            secrets.setdefault(
                (held.reference, held.titles),
                ArchivedSecret(
                    str(folder / held.folder / DOSSIER_FILE),
                    (held.reference,),
                    held.titles,
                    (),
                    day,
                    label,
                ),
            )
    return tuple(secrets.values())


def _named_day(name: str) -> str:
    """The day (ISO) an archived meeting folder's name starts with; "" for none."""
    try:
        return date.fromisoformat(name[:10]).isoformat()
    except ValueError:
        return ""


def _plain_kenmerk(text: str) -> str:
    # A file name writes a kenmerk in ASCII, lower case, its other signs as '-'
    # (package._safe_part): compared without its signs, accents dropped as there.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in ascii_text.lower() if c.isalnum())


class _AnnexShown:
    """Whether a meeting published a public dossier's annex, as its publicatie.json says."""

    def __init__(self, dossier: DossierInput, index: int, path: Path, pages: _AnnexPages):
        self.dossier = dossier
        self.index = index
        self.path = path
        self.pages = pages

    def __call__(self, published: Published) -> bool:
        if _is_pdf_name(self.path):
            return self.pages.content(self.path) in published.digests
        # An office annex is published as its conversion, whose digest publicatie.json keeps,
        # not the file's: it counts as published when the meeting published this dossier's
        # annex of that file name (package.annex_keys). A file saved over it since is not
        # told apart.
        name = unicodedata.normalize("NFC", self.dossier.document.annexes[self.index].file)
        key = f"{self.dossier.name}/bijlage:{name}"
        return any(k == key or k.startswith(f"{key}#") for k in published.keys)


@dataclass(frozen=True)
class _Owner:
    """The confidential dossier an annex is of: loaded, or of an archived meeting (None)."""

    folder: Path
    dossier: DossierInput | None = None


class _SecretAnnexes:
    """The confidential dossiers' annexes, found by their content and by their pages' parts."""

    def __init__(self, annexes: Sequence[tuple[Path, _Owner, int]], pages: _AnnexPages):
        self.pages = pages
        self.annexes: list[tuple[Path, _Owner, int]] = []
        seen: set[tuple[Path, int]] = set()
        for path, dossier, number in annexes:
            if (dossier.folder, number) not in seen:
                seen.add((dossier.folder, number))
                self.annexes.append((path, dossier, number))
        self._by_digest: dict[str, list[int]] | None = None
        self._by_part: dict[str, set[int]] | None = None

    def _index(self) -> tuple[dict[str, list[int]], dict[str, set[int]]]:
        # Each public annex is compared with every confidential one: looked up, not paired.
        if self._by_digest is None or self._by_part is None:
            self._by_digest, self._by_part = {}, {}
            # An archived meeting's annexes: no build's intake checks them (their dossiers
            # are not validated), so they are checked here before their pages are read.
            self.pages.check(
                [
                    path
                    for path, owner, _n in self.annexes
                    if owner.dossier is None and _is_pdf_name(path)
                ]
            )
            for position, (path, _dossier, _number) in enumerate(self.annexes):
                with suppress(OSError):  # validation says so
                    self._by_digest.setdefault(self.pages.digest(path), []).append(position)
                    if _is_pdf_name(path):
                        for part in self.pages.parts(path):
                            self._by_part.setdefault(part, set()).add(position)
        return self._by_digest, self._by_part

    def likenesses(self, path: Path) -> list[tuple[_Owner, int, _Likeness]]:
        """Which confidential annexes the file at ``path`` is, or shows pages of; OSError
        when it cannot be read."""
        by_digest, by_part = self._index()
        same = by_digest.get(self.pages.digest(path), [])
        found: list[tuple[_Owner, int, _Likeness]] = [
            (self.annexes[p][1], self.annexes[p][2], "bestand") for p in same
        ]
        if not _is_pdf_name(path):
            return found
        near = {p for part in self.pages.parts(path) for p in by_part.get(part, ())}
        public = self.pages.of(path)
        for position in sorted(near - set(same)):
            twin, dossier, number = self.annexes[position]
            secret = self.pages.of(twin)
            if secret is None or public is None:
                continue
            shown, of = _shared_pages(secret, public)
            if shown:
                found.append((dossier, number, "pagina's" if shown == of else "enkele pagina's"))
        return found


def _shared_pages(
    secret: Sequence[frozenset[str]], public: Sequence[frozenset[str]]
) -> tuple[int, int]:
    """How many of the identifying pages of ``secret`` a page of ``public`` shows, of how many.

    As the gate compares them (gate.find_leaks): a page is shown where all its parts are on
    one page.
    """
    wanted = [parts for parts in secret if parts]
    anywhere = frozenset().union(*public)  # nearly always enough to tell: not shown
    shown = sum(parts <= anywhere and any(parts <= page for page in public) for parts in wanted)
    return shown, len(wanted)


def _is_pdf_name(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


PAGES_FILE = "paginas.json"
"""In ``build/.cache``: the gate's parts of each page of the annexes compared with a
confidential one, by the file's SHA-256, so a build in which nothing changed reads no annex.
Written once per build, with the files that build compared (one fsync, not one per file)."""
# Raised when what gate.pdf_pages makes of a page changes, so the pages kept are made anew
# (2: pages that show no text count for nothing).
PAGES_VERSION = 2


class _AnnexPages:
    """The gate's parts of each page of annex PDFs, kept in ``build/.cache`` by content."""

    def __init__(self, project: Project, files: FileDigests) -> None:
        self.project = project
        self.store = project.cache / PAGES_FILE
        self.files = files
        # A newer pikepdf may decode a stream otherwise, and the gate compares what it makes.
        self._version = f"{PAGES_VERSION} {library_versions('pikepdf')}"
        self._kept: dict[str, Any] = {}
        with suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            data = read_json(self.store)
            if data["version"] == self._version and isinstance(data["pages"], dict):
                self._kept = data["pages"]
        self._used: dict[str, Any] = {}  # this build's, as kept: what the store keeps
        self._known: dict[str, tuple[frozenset[str], ...] | None] = {}
        # Each annex is compared with every confidential one: what a file is, once per build.
        self._digests: dict[Path, str] = {}
        self._parts: dict[Path, frozenset[str]] = {}
        self._reports: Callable[[Path], AnnexReport | None] | None = None
        # By content, the intake's reports of files no build checks (see check).
        self._checked: dict[str, AnnexReport] = {}
        # By SHA-256, the gate's content digest (see content), read only of an annex that a
        # meeting which may have published it shares with a confidential one.
        self._contents: dict[str, str | None] = {}

    def digest(self, path: Path) -> str:
        """The SHA-256 of the file at ``path``."""
        if path not in self._digests:
            # A file the annex check refuses for its size is not read: hashing 8 GB took
            # half a minute, for a likeness no bundle could show.
            from assembler.annex import AnnexLimits

            if path.stat().st_size > AnnexLimits().max_file_bytes:
                raise OSError(errno.EFBIG, os.strerror(errno.EFBIG), str(path))
            self._digests[path] = self.files.sha256(path)
        return self._digests[path]

    def check(self, paths: Sequence[Path]) -> None:
        """Have the annex intake check those of the PDFs ``paths`` whose pages are not kept,
        so that :meth:`of` may open them: files no build checks (an archived meeting's
        annexes), whose reports a fresh clone, CI or `rm -rf build` does not have. Each
        content is checked once, and its pages are then kept."""
        todo: dict[str, Path] = {}
        for path in paths:
            with suppress(OSError):  # not compared: the gate still compares whole files
                digest = self.digest(path)
                if digest not in self._kept and digest not in self._checked:
                    todo.setdefault(digest, path)
        if todo:
            from assembler.intake import checked_reports

            reports = checked_reports(self.project, list(todo.values()))
            self._checked.update(zip(todo, reports, strict=True))

    def parts(self, path: Path) -> frozenset[str]:
        """The parts of all pages of the PDF at ``path`` together."""
        if path not in self._parts:
            self._parts[path] = frozenset().union(*(self.of(path) or ()))
        return self._parts[path]

    def of(self, path: Path) -> tuple[frozenset[str], ...] | None:
        """The parts of each page of the PDF at ``path``; None for a file that is none."""
        digest = self.digest(path)
        if digest in self._known:
            return self._known[digest]
        if digest in self._kept:
            with suppress(TypeError, ValueError):
                kept = self._kept[digest]
                pages = None if kept is None else tuple(frozenset(parts) for parts in kept)
                self._known[digest] = pages
                self._used[digest] = kept
                return pages
        from assembler.gate import pdf_pages  # with pikepdf: only when a file is new
        from assembler.intake import kept_reports

        # Only a file the annex intake accepted is opened here, outside its limits (a
        # decompression bomb would take the build down); one not checked yet is compared
        # at the build that checks it (an archived meeting's: at check, above).
        report = self._checked.get(digest)
        if report is None:
            self._reports = self._reports or kept_reports(self.project)
            report = self._reports(path)
        if report is None or not report.ok:
            self._known[digest] = None
            return None
        data = path.read_bytes()
        pages = pdf_pages(data)
        self._known[digest] = pages
        if hashlib.sha256(data).hexdigest() == digest:  # not changed since it was hashed
            self._used[digest] = None if pages is None else [sorted(parts) for parts in pages]
        return pages

    def content(self, path: Path) -> str | None:
        """The gate's content digest of the PDF at ``path``, as an export keeps it in
        publicatie.json (``inhoud``); None for a file the annex intake refuses."""
        try:
            digest = self.digest(path)
        except OSError:
            return None
        if digest not in self._contents:
            import pikepdf

            from assembler.gate import content_digest

            # Opened only once the intake accepted it (see of); a file no selected dossier's
            # intake checked is checked now, as an archived meeting's annex is.
            self.check([path])
            self._contents[digest] = None  # refused, gone or changed meanwhile: not published
            with suppress(OSError, pikepdf.PdfError):
                if self.of(path) is not None:
                    self._contents[digest] = content_digest(path)
        return self._contents[digest]

    def save(self) -> None:
        """Keep the pages of the files this build compared, when they differ from those kept."""
        if self._used != self._kept:
            document = {"version": self._version, "pages": self._used}
            write_cache_text(self.store, json.dumps(document, sort_keys=True))


_Likeness = Literal["bestand", "pagina's", "enkele pagina's"]
_LIKENESSES: tuple[_Likeness, ...] = ("bestand", "pagina's", "enkele pagina's")
_LIKENESS_SAID: dict[_Likeness, str] = {
    "bestand": "is hetzelfde bestand als",
    "pagina's": "heeft dezelfde pagina's als",
    "enkele pagina's": "heeft pagina's van",
}


def _public_already(likeness: _Likeness) -> str:
    """What a confidential dossier is told of an annex a settled meeting published."""
    if likeness == "bestand":
        return "daar is het al openbaar, dit dossier houdt het niet geheim"
    return "daar zijn die pagina's al openbaar, dit dossier houdt ze niet geheim"


def _made_public(likeness: _Likeness, where: str) -> str:
    """What comes of it, and what to do 'hier' (at the public dossier) or 'daar'."""
    if likeness == "bestand":
        return f"wordt het openbaar (haal het {where} weg als het vertrouwelijk is)"
    return f"worden die openbaar (haal de bijlage {where} weg als ze vertrouwelijk zijn)"

"""Annex intake for a whole build: cached by content, batched, running beside the rendering.

The check itself is :func:`assembler.annex.inspect_annexes`; this module decides what still
needs checking (a file with the same bytes was checked before: its report is in
``build/.cache/bijlagen``), checks the rest in a few batches on background threads, and turns
reports into problems at the dossier line that names the annex.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from assembler import __version__, library_versions
from assembler.annex import CHECKS_VERSION, AnnexLimits, AnnexReport, inspect_annexes
from assembler.bands import MARK_BAND
from assembler.errors import Problem
from assembler.fsutil import digest_stream, read_json, write_cache_text
from assembler.inputs import DossierInput
from assembler.project import DOSSIER_FILE, Project
from assembler.source import field_label

# Each child costs a Python and pikepdf start (~0.15 s), so batches are large; the first is
# small so that the first dossiers, which go to LibreOffice once their annexes are judged,
# are not held up.
FIRST_BATCH_SIZE = 4
BATCH_SIZE = 64


# What the intake judges: PDFs, and office documents for what their PDF will show.
_JUDGED = frozenset({".pdf", ".docx", ".odt", ".xlsx", ".ods"})

REPORTS_FOLDER = "bijlagen"
"""In ``build/.cache``: one report per checked annex file, named by a hash of its content."""
REPORT_KEPT_DAYS = 90
"""A report not written for this long is removed by a full build; needed again, it is made
anew (annexes are replaced often, and each version left a report behind)."""


class AnnexIntake:
    """Checks annex PDFs in the background; ``problems_of`` waits for one dossier's files."""

    def __init__(self, project: Project, workers: int | None = None) -> None:
        self.project = project
        self.limits = AnnexLimits()
        # A report made by another version of the libraries that judge is not reused: a newer
        # qpdf may repair a file another way, a newer PDFium draw a page's top band otherwise.
        self.judges = library_versions("pikepdf", "pypdfium2")
        self.cache = project.cache / REPORTS_FOLDER
        self.pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2)
        self.pending: dict[Path, tuple[Future[list[AnnexReport]], int]] = {}
        self.known: dict[Path, AnnexReport] = {}
        # Where each checked file's report is kept, named by a hash of its content.
        self.records: dict[Path, Path | None] = {}
        # Files whose every page is judged, not only page 1: every annex's now, as each of its
        # pages gets a mark ("Bijlage 2 bij … – pagina 3 van 5", and NIET OPENBAAR in a
        # confidential dossier). A set still, as the checks of one file may be asked for both.
        self.every_page: set[Path] = set()
        # An office annex's report says which of its fonts are not installed: a font installed
        # or removed changes it (see build_cache.fonts_fingerprint). Taken when first needed.
        self.fonts: str | None = None
        # Files of public dossiers: the gate's facts with their text are kept too, so that a
        # confidential kenmerk or title in one is said (confidential.annexes_naming_confidential).
        self.texts: set[Path] = set()

    def __enter__(self) -> AnnexIntake:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def start(self, dossiers: Sequence[DossierInput]) -> None:
        """Begin checking every PDF annex of ``dossiers``, in their order."""
        todo: list[Path] = []
        # The same file under several names (one annex attached to several proposals) is
        # checked once; its copies wait for that check.
        copies: dict[Path, Path] = {}
        first_of: dict[str, Path] = {}
        for dossier in dossiers:
            self.every_page.update(_pdf_annexes(dossier))
            if dossier.document.is_public:
                self.texts.update(p for p in _pdf_annexes(dossier) if p.suffix.lower() == ".pdf")
        for dossier in dossiers:
            for path in _pdf_annexes(dossier):
                if path in self.known or path in self.pending or path in todo or path in copies:
                    continue
                record = self.records[path] = self._record(path)
                cached = self._cached(path, record)
                if cached is not None:
                    self.known[path] = cached
                elif record is not None and record.name in first_of:
                    copies[path] = first_of[record.name]
                    if path in self.every_page:
                        self.every_page.add(first_of[record.name])
                    if path in self.texts:
                        self.texts.add(first_of[record.name])
                else:
                    todo.append(path)
                    if record is not None:
                        first_of[record.name] = path
        # An office annex is judged in this process (its zip's XML is read, nothing parsed
        # that could hang), in batches of its own.
        office = [path for path in todo if path.suffix.lower() != ".pdf"]
        todo = [path for path in todo if path.suffix.lower() == ".pdf"]
        if office:
            future = self.pool.submit(self._check, office)
            for index, path in enumerate(office):
                self.pending[path] = (future, index)
        start, size = 0, FIRST_BATCH_SIZE
        while start < len(todo):
            batch = todo[start : start + size]
            future = self.pool.submit(self._check, batch)
            for index, path in enumerate(batch):
                self.pending[path] = (future, index)
            start, size = start + size, BATCH_SIZE
        for path, original in copies.items():
            self.pending[path] = self.pending[original]

    def problems_of(self, dossier: DossierInput) -> tuple[list[Problem], bool]:
        """The intake's problems for one dossier, and whether all its annexes are accepted."""
        self.start([dossier])
        display = self.project.display(dossier.folder / DOSSIER_FILE)
        problems: list[Problem] = []
        accepted = True
        for index in range(len(dossier.document.annexes)):
            if index in dossier.refused_annexes:
                continue
            path = dossier.annex_path(index).resolve()
            if path.suffix.lower() not in _JUDGED:
                continue
            report = self._report(path)
            where = ("bijlagen", index, "bestand")
            line = dossier.source.line_of(where)
            name = dossier.document.annexes[index].file
            problems.extend(
                report.problems(
                    display, line, field_label(where), name, public=dossier.document.is_public
                )
            )
            accepted = accepted and report.ok
        return problems, accepted

    def judged(self, dossier: DossierInput) -> bool:
        """Whether every annex of ``dossier`` is checked, so :meth:`problems_of` will not wait."""
        self.start([dossier])
        return all(
            path in self.known or self.pending[path][0].done() for path in _pdf_annexes(dossier)
        )

    def bands(self, path: Path) -> tuple[bool, ...]:
        """Per page from the first, whether the checked PDF ``path`` has an empty top band."""
        report = self.known.get(path.resolve())
        return report.bands_blank if report is not None else ()

    def bottoms(self, path: Path) -> tuple[bool, ...]:
        """Per page from the first, whether the checked PDF ``path`` has an empty bottom band
        (page 1's is not judged: False)."""
        report = self.known.get(path.resolve())
        return report.bottom_bands_blank if report is not None else ()

    def _report(self, path: Path) -> AnnexReport:
        if path not in self.known:
            future, index = self.pending.pop(path)
            self.known[path] = dataclasses.replace(future.result()[index], path=path)
        return self.known[path]

    def _check(self, batch: list[Path]) -> list[AnnexReport]:
        if batch and batch[0].suffix.lower() != ".pdf":
            reports = [_office_report(path) for path in batch]
        else:
            reports = inspect_annexes(
                batch,
                self.limits,
                every_page=self.every_page,
                texts=self.texts,
                cache=self.project.cache,
            )
        for path, report in zip(batch, reports, strict=True):
            # Only decided reports are kept: a file missing now may be there next time, and a
            # check stopped by Ctrl-C said nothing about its file.
            record = self.records.get(path) if report.final and path.is_file() else None
            if record is not None:
                fields = {k: v for k, v in dataclasses.asdict(report).items() if k != "path"}
                write_cache_text(record, json.dumps(fields, ensure_ascii=False))
        return reports

    def _record(self, path: Path) -> Path | None:
        """Where the report of ``path``'s content is kept (None: the file cannot be read, or
        is refused for its size, which costs nothing to say again)."""
        try:
            if path.stat().st_size > self.limits.max_file_bytes:
                return None  # not read: hashing 8 GB took 39 s before the size refused it
        except OSError:
            return None
        # The band height too: a report says whether each page's top band is blank.
        digest = hashlib.sha256(
            f"{__version__} {CHECKS_VERSION} {self.limits} {MARK_BAND}\n{self.judges}".encode()
        )
        if path.suffix.lower() != ".pdf":
            if self.fonts is None:
                from assembler.build_cache import fonts_fingerprint

                self.fonts = fonts_fingerprint()
            digest.update(f"fonts {self.fonts}\n".encode())
        try:
            with open(path, "rb") as handle:
                digest_stream(handle, digest)
        except OSError:
            return None
        return self.cache / f"{digest.hexdigest()}.json"

    def _cached(self, path: Path, record: Path | None) -> AnnexReport | None:
        if record is None:
            return None
        try:
            fields = read_json(record)
            report = AnnexReport(
                **{
                    **fields,
                    "path": path,
                    "reasons": tuple(fields["reasons"]),
                    "warnings": tuple(fields["warnings"]),
                    "bands_blank": tuple(fields["bands_blank"]),
                    "bottom_bands_blank": tuple(fields["bottom_bands_blank"]),
                    "commenters": tuple(fields.get("commenters", ())),
                }
            )
        except (OSError, ValueError, TypeError, KeyError):
            return None  # not checked before, or a damaged record: check again
        if report.ok and path in self.every_page and len(report.bands_blank) < report.pages:
            return None  # judged for page 1 only, in a public dossier: check every page now
        return report


def annex_problems(project: Project, dossiers: Sequence[DossierInput]) -> list[Problem]:
    """What the intake finds in the PDF annexes of ``dossiers``, in their order."""
    return annex_verdicts(project, dossiers)[0]


def annex_verdicts(
    project: Project, dossiers: Sequence[DossierInput]
) -> tuple[list[Problem], set[Path]]:
    """What the intake finds in the PDF annexes of ``dossiers``, in their order, and the
    folders of the dossiers it refuses an annex of (a build makes nothing of those)."""
    problems: list[Problem] = []
    refused: set[Path] = set()
    if not dossiers:
        return problems, refused
    with AnnexIntake(project) as intake:
        intake.start(dossiers)
        for dossier in dossiers:
            found, accepted = intake.problems_of(dossier)
            problems.extend(found)
            if not accepted:
                refused.add(dossier.folder)
    return problems, refused


def kept_reports(project: Project) -> Callable[[Path], AnnexReport | None]:
    """What an earlier check of a PDF with a path's content found, if it is kept."""
    intake = AnnexIntake(project, workers=1)  # asked for kept reports only: no thread starts
    return lambda path: (
        intake._cached(path, intake._record(path)) if path.suffix.lower() == ".pdf" else None
    )


def checked_reports(project: Project, paths: Sequence[Path]) -> list[AnnexReport]:
    """The intake's reports of the PDFs ``paths``, which no dossier being built attaches (an
    archived meeting's: see confidential): a kept one reused, the others checked now, in
    bounded children as a build's annexes are, and kept."""
    with AnnexIntake(project, workers=1) as intake:
        todo: list[Path] = []
        for path in paths:
            record = intake.records[path] = intake._record(path)
            cached = intake._cached(path, record)
            if cached is None:
                todo.append(path)
            else:
                intake.known[path] = cached
        if todo:  # in this thread: nothing else waits for them
            intake.known.update(zip(todo, intake._check(todo), strict=True))
        return [intake.known[path] for path in paths]


def _office_report(path: Path) -> AnnexReport:
    """What the intake says of an office annex: warnings only (what refuses one, a link that
    LibreOffice would load or a zip bomb, validation has said: see annex_files)."""
    from assembler.office_files import office_warnings

    # The name is the caller's to give (AnnexReport.problems).
    warnings = tuple(office_warnings(path, ""))
    return AnnexReport(path=path, ok=True, warnings=warnings, final=path.is_file())


def _pdf_annexes(dossier: DossierInput) -> list[Path]:
    """The annexes the intake judges: PDFs, and office documents (for their warnings)."""
    paths = []
    for index in range(len(dossier.document.annexes)):
        if index in dossier.refused_annexes:
            continue  # what validation refused may not even resolve (a link in a loop)
        path = dossier.annex_path(index).resolve()
        if path.suffix.lower() in _JUDGED:
            paths.append(path)
    return paths

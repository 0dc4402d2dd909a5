"""Annex intake: decide whether a third-party PDF can go into a bundle, in bounded time and memory.

:func:`inspect_annexes` answers for the files the intake (:mod:`assembler.intake`) gives it,
with an :class:`AnnexReport` each: accepted or refused, Dutch reasons and warnings, page count,
forms, outline. The files are only read, never changed. :func:`inspect_annex` does the same for
one file (the tests use it).

Cheap checks run in this process (exists, size, ``%PDF-`` header, ``%%EOF`` trailer). Everything
that parses the PDF runs in a child process under ``RLIMIT_AS`` (address-space limit) and a
wall-clock timeout, so a hostile file can neither hang the build nor exhaust memory: the child is
killed and the annex refused. Inside the child every Flate stream is inflated incrementally and
only *counted* (never held in memory), so a decompression bomb is recognised at the configured
decoded size long before the memory limit.

Measured bound (2 cores, Python 3.11, pikepdf 10.18 / qpdf 12.4; tests/test_annex.py): a check is
one child process of 0.13-0.2 s (interpreter and pikepdf start-up dominate) with a peak resident
size of about 30 MB for every corpus file; the 10,000-page file is refused in 0.26 s at 48 MB, a
0.5 MB bomb that inflates to 512 MB in 0.39 s at 31 MB; empty, non-PDF and truncated files are
refused in this process without parsing. The hard bounds are the limits themselves: per check at
most ``AnnexLimits.timeout_seconds`` (default 30 s) wall-clock and ``AnnexLimits.memory_bytes``
(default 1 GiB) of address space, after which the child is killed and the annex refused.

Messages are written to follow ``dossiers/…/dossier.yaml:23: bijlagen[2].bestand: ``.
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import signal
import subprocess
import sys
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from assembler.bands import bottom_bands_blank, top_bands_blank
from assembler.errors import Problem, dutch_list, megabytes
from assembler.fsutil import not_opened

PDF_HEADER = b"%PDF-"
# Acrobat looks for the header in the first 1024 bytes and for %%EOF in the last 1024.
HEADER_WINDOW = 1024
TRAILER_WINDOW = 1024
_CHUNK = 64 * 1024

TOO_MUCH_MEMORY = (
    "vraagt te veel geheugen om te lezen (mogelijk een decompressiebom; lever een normale PDF aan)"
)
# Raised when the checks change: reports kept in build/.cache/bijlagen by older checks are
# not reused, whatever the assembler version (8: links and actions to other files or computers
# named among the actions the bundles leave out; 9: a web address with spaces or <…> around
# it, a www. address and a tel: number no longer named so; 10: the top band of a page larger
# than office paper is judged as high as its marks have grown, see bands.mark_scale; 11: office
# annexes judged too, for tracked changes, links elsewhere and form buttons; 12: bookmarks'
# actions named, a file protected by rights management or a certificate said so, not damaged,
# a PDF portfolio refused, padding after %%EOF no damage; 13: the band of a page longer than
# A4's proportion judged as high as its marks have grown by its length, see bands.mark_scale;
# a workbook's tracked changes, =HYPERLINK() links and ActiveX controls said, a Word document's
# ActiveX controls too, and an office part that cannot be read said and passed over; 14: a Word
# document's HYPERLINK field codes to files said; 15: an office annex's
# fonts that are not installed and its symbols in a symbol font that is not (empty boxes)
# warned about; 16: the bottom band of every page after the first judged too, of every
# annex, for the later pages' marks; 17: a part the font check cannot read said and passed
# over, not a crash; 18: comments (notes and markup annotations) counted, with their authors
# and the first one's text).
CHECKS_VERSION = 18
TOO_DEEP = (
    "is beschadigd: het bestand is zo diep genest dat het niet kan worden gelezen (lever de "
    "bijlage opnieuw aan, bijvoorbeeld opnieuw afgedrukt als PDF)"
)
PASSWORD_PROTECTED = "is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)"
# A PDF encrypted by a security handler other than the standard one: Microsoft Purview's (or
# AIP's) sensitivity labels with encryption (/MicrosoftIRMServices) or a certificate
# (/Adobe.PubSec). Only the intended readers' own software opens it; sent again, it is the same.
RIGHTS_PROTECTED = (
    "is beveiligd met rechtenbeheer (zoals een vertrouwelijkheidslabel van Microsoft Purview) "
    "of met een certificaat (vraag de afzender om een versie zonder beveiliging)"
)
# What qpdf says of such a file (QPDF_encryption.cc).
_OTHER_HANDLER = "unsupported encryption filter"
PORTFOLIO = (
    "is een PDF-portfolio: de bundel toont alleen het voorblad (lever de documenten als losse "
    "PDF's of als één samengevoegde PDF aan)"
)
CHECK_STOPPED = "kon niet worden gecontroleerd: de controle werd afgebroken (probeer het opnieuw)"
# A checking child ended by one of these was stopped from outside (Ctrl-C reaches the whole
# process group; a shutdown), not by its file: that is no verdict on the file.
_STOPPED_BY = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


@dataclass(frozen=True)
class AnnexLimits:
    """Limits of the annex check; every one of them is a refusal when exceeded."""

    # Round numbers of the megabytes the messages say (errors.megabytes: a million bytes), so
    # that the limit said is the limit applied: 100 × 1024² bytes, said as "100,0 MB", let a
    # 104 MB file through.
    max_file_bytes: int = 100_000_000
    max_pages: int = 2_000
    # Decoded size of a single stream, and of all streams together.
    max_stream_bytes: int = 256_000_000
    max_decoded_bytes: int = 1_000_000_000
    # Wall-clock time and address space of the child process that parses the file.
    timeout_seconds: float = 30.0
    memory_bytes: int = 1024 * 1024 * 1024
    # Outline items walked before the outline counts as unreasonable.
    max_outline_items: int = 50_000


@dataclass(frozen=True)
class AnnexReport:
    """What the intake found out about one annex file."""

    path: Path
    ok: bool
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    pages: int = 0
    size: int = 0
    has_forms: bool = False
    has_outline: bool = False
    permissions_only: bool = False
    # Per page from the first, whether its top band is free of ink (where the bundle stamps
    # "Bijlage n", and NIET OPENBAAR on every page of a confidential bundle): of page 1 only,
    # or of every page when asked. A page that could not be rendered counts as not blank.
    bands_blank: tuple[bool, ...] = ()
    # The same for the bottom band, where a later page's mark goes when its top band has ink
    # ("Bijlage 2 bij 23.0001772 – pagina 3 van 5"); judged for the same pages.
    bottom_bands_blank: tuple[bool, ...] = ()
    # False when the check was cut short from outside: the report is not to be remembered.
    final: bool = True
    # Comments (sticky notes, markup annotations with a text or a pop-up): how many, their
    # authors ("" for one without), and the first one's text. Kept as facts, not as a warning:
    # whether the bundle they go into is public is the dossier's, not the file's.
    comments: int = 0
    commenters: tuple[str, ...] = ()
    first_comment: str = ""

    def problems(
        self, bestand: str, regel: int | None, veld: str, name: str = "", *, public: bool = True
    ) -> list[Problem]:
        """The report as problem records for ``bestand:regel: veld: 'name' melding``; ``public``:
        whether the annex is a public dossier's.

        A report is kept by content, so it does not know the annex's name: the caller gives it.
        """
        said = f"'{name}' " if name else ""
        found = [Problem(bestand, regel, veld, said + text, "fout") for text in self.reasons]
        warnings = [*self.warnings]
        if self.comments:
            warnings.append(self.comments_warning(public=public))
        found += [Problem(bestand, regel, veld, said + text, "waarschuwing") for text in warnings]
        return found

    def comments_warning(self, *, public: bool) -> str:
        """What the clerk is told of the annex's comments, which go into the bundle unseen."""
        one = self.comments == 1
        what = (
            "een opmerking (aantekening)" if one else f"{self.comments} opmerkingen (aantekeningen)"
        )
        named = [author for author in self.commenters if author]
        if named:
            shown = named[:3] + ([f"{len(named) - 3} anderen"] if len(named) > 3 else [])
            some = "" if one or len(named) == len(self.commenters) else "onder meer "
            what += f" {some}van {dutch_list(shown)}"
        bundle = "de openbare bundel" if public else "de bundel"
        what += f" die in {bundle} {'meegaat' if one else 'meegaan'}"
        if self.first_comment:
            what += f": '{self.first_comment}'"
        pronoun = "die" if one else "ze"
        return (
            f"bevat {what} (verwijder {pronoun} in de PDF-lezer, of vraag de afzender om een "
            "versie zonder opmerkingen)"
        )


@dataclass
class _Findings:
    """What the child process reports back; plain JSON-able values only."""

    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    has_forms: bool = False
    has_outline: bool = False
    permissions_only: bool = False
    bands_blank: list[bool] = field(default_factory=list)
    bottom_bands_blank: list[bool] = field(default_factory=list)
    final: bool = True
    comments: int = 0
    commenters: list[str] = field(default_factory=list)
    first_comment: str = ""


def inspect_annex(
    path: Path, limits: AnnexLimits = AnnexLimits(), *, every_page: bool = False
) -> AnnexReport:
    """Check one annex PDF and say whether it may be bundled, and why not."""
    return inspect_annexes([path], limits, every_page=[path] if every_page else ())[0]


def inspect_annexes(
    paths: Sequence[Path],
    limits: AnnexLimits = AnnexLimits(),
    *,
    every_page: Collection[Path] = (),
    texts: Collection[Path] = (),
    cache: Path | None = None,
) -> list[AnnexReport]:
    """Check many annex PDFs, in order; one bounded child process parses them all.

    Starting Python and pikepdf costs more than checking a typical annex, so the files share
    a child. A file that exhausts the child's time or memory is checked again on its own,
    so its report names it alone and the others are unaffected. The top band of page 1 is
    judged for each file, that of every page for the files in ``every_page``. Of the files in
    ``texts`` (a public dossier's), the confidentiality gate's facts with text are kept in the
    build's ``cache`` folder too (see annex_text.kept_annex_facts), read here where the file is
    opened anyway, beside LibreOffice, and bounded as the check is.
    """

    def asked(path: Path) -> _Asked:
        keep = str(cache) if cache is not None and path in texts else ""
        return (path, path in every_page, keep)

    reports: list[AnnexReport | None] = []
    parse: list[tuple[int, Path, int]] = []
    for index, path in enumerate(paths):
        path = Path(path)
        early, size = _precheck(path, limits)
        reports.append(early)
        if early is None:
            parse.append((index, path, size))
    pending = list(parse)
    while pending:
        findings = _run_batch([asked(path) for _i, path, _s in pending], limits)
        for (index, path, size), found in zip(pending, findings, strict=False):
            reports[index] = _report(path, size, found)
        done = len(findings)
        if done < len(pending):
            # The child gave up on file `done`: check that one alone for its own reason.
            index, path, size = pending[done]
            reports[index] = _report(path, size, _run_child(asked(path), limits))
            done += 1
        pending = pending[done:]
    return [report for report in reports if report is not None]


def _report(path: Path, size: int, findings: _Findings) -> AnnexReport:
    return AnnexReport(
        path=path,
        ok=not findings.reasons,
        reasons=tuple(findings.reasons),
        warnings=tuple(findings.warnings),
        pages=findings.pages,
        size=size,
        has_forms=findings.has_forms,
        has_outline=findings.has_outline,
        permissions_only=findings.permissions_only,
        bands_blank=tuple(findings.bands_blank),
        bottom_bands_blank=tuple(findings.bottom_bands_blank),
        final=findings.final,
        comments=findings.comments,
        commenters=tuple(findings.commenters),
        first_comment=findings.first_comment,
    )


def _precheck(path: Path, limits: AnnexLimits) -> tuple[AnnexReport | None, int]:
    """The checks that need no parsing; a report when they already refuse the file."""

    def refused(reason: str, size: int = 0) -> tuple[AnnexReport, int]:
        return AnnexReport(path=path, ok=False, reasons=(reason,), size=size), size

    if not path.exists():
        return refused("bestaat niet (controleer de bestandsnaam en de map)")
    if path.is_dir():
        return refused("is een map en geen bestand (noem een PDF-bestand)")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEADER_WINDOW)
            tail = _tail(handle, size)
    except OSError:
        return refused("kan niet worden gelezen (controleer de rechten op het bestand)")
    if size == 0:
        return refused("is leeg (0 bytes; lever de bijlage opnieuw aan)")
    if size > limits.max_file_bytes:
        return refused(
            f"is te groot ({megabytes(size, up=True)}; de grens is "
            f"{megabytes(limits.max_file_bytes)}; verklein het bestand of splits het in meer "
            "bijlagen)",
            size,
        )
    if PDF_HEADER not in head:
        return refused(
            f"is geen PDF (het bestand begint niet met %PDF-; {_guess_kind(head)})", size
        )
    if b"%%EOF" not in tail:
        return refused(
            "is afgebroken of beschadigd (het einde van het PDF-bestand ontbreekt; "
            "lever de bijlage opnieuw aan)",
            size,
        )
    return None, size


# What some transfer and document-management systems add after %%EOF (NULs to fill a block,
# line ends): viewers read past it, and so does qpdf (it finds the objects again). Skipped up
# to a limit, so that a file of nothing but NULs costs a bounded read.
_PADDING = b"\x00\t\n\r\x0c "
MAX_PADDING = 1024 * 1024
# What a PDF writer may put after %%EOF itself.
_LINE_ENDS = 2


def _tail(handle: BinaryIO, size: int) -> bytes:
    """The last :data:`TRAILER_WINDOW` bytes of the file before any padding at its end."""
    end = _content_end(handle, size)
    start = max(0, end - TRAILER_WINDOW)
    handle.seek(start)
    return handle.read(end - start)


def _content_end(handle: BinaryIO, size: int) -> int:
    """Where the file's padding starts (its size if it has none, or too much to skip)."""
    end = size
    while end > max(0, size - MAX_PADDING):
        start = max(0, end - _CHUNK, size - MAX_PADDING)
        handle.seek(start)
        kept = handle.read(end - start).rstrip(_PADDING)
        if kept:
            return start + len(kept)
        end = start
    return end


def _opened(path: Path) -> Any:
    """The PDF at ``path`` opened with pikepdf; without the padding at its end, if it has more
    than a line end there: qpdf looks for the cross-reference table's place in the last 1024
    bytes, and would call the file damaged that every viewer opens as it is."""
    import pikepdf

    trimmed = None
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            end = _content_end(handle, size)
            if size - end > _LINE_ENDS:
                handle.seek(0)
                trimmed = io.BytesIO(handle.read(end))
    except OSError:
        pass  # qpdf says why it cannot be read, as for any file
    return pikepdf.open(path if trimmed is None else trimmed)


def pdf_named_as_office(head: bytes, suffix: str, name: str) -> str | None:
    """What to tell of an annex named ``name`` (ending in the office ``suffix``, as
    ``.docx``) whose first bytes ``head`` are a PDF's; None when they are not."""
    # A PDF saved or renamed as .docx (a common mistake): 'open and save it again' would have
    # Word turn the PDF into a document. An office file is a zip, which starts with PK; the
    # header is looked for as for a PDF annex, in the first 1024 bytes.
    if head.startswith(b"PK") or PDF_HEADER not in head[:HEADER_WINDOW]:
        return None
    renamed = f"{name[: len(name) - len(suffix)]}.pdf"
    return (
        f"'{name}' is een PDF met de naam {suffix} (hernoem het bestand naar '{renamed}' en "
        f"schrijf hier '{renamed}')"
    )


def _guess_kind(head: bytes) -> str:
    """Name what the file probably is, so the clerk knows what to fix."""
    lowered = head.lstrip().lower()
    if head.startswith(b"PK\x03\x04"):
        return (
            "het is een Office-bestand zoals .docx, .xlsx of .odt; "
            "geef het de juiste extensie of lever een PDF aan"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "het is een oud Office-bestand (.doc of .xls); lever een PDF of .docx aan"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")) or b"<html" in lowered:
        return "het is een webpagina (HTML); sla de pagina op als PDF of download het echte bestand"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "het is een afbeelding; zet die om naar PDF"
    return "lever de bijlage als PDF aan"


# --- the child process ---------------------------------------------------------------------


# What a child is asked of a file: its path, whether to judge every page's top band, and
# where to keep the gate's facts with its text ("": not asked).
_Asked = tuple[Path, bool, str]


def _run_child(file: _Asked, limits: AnnexLimits) -> _Findings:
    """Parse the PDF in a child process with a memory limit and a timeout."""
    command, env = _child_command([file], limits)
    limit_memory = _memory_limiter(limits.memory_bytes)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=limits.timeout_seconds,
            env=env,
            preexec_fn=limit_memory,  # setrlimit must run in the child before exec
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed and reaped the child.
        return _Findings(
            reasons=[
                f"kon niet binnen {limits.timeout_seconds:g} seconden worden gecontroleerd "
                "(het bestand is te ingewikkeld of beschadigd; lever een eenvoudiger PDF aan)"
            ]
        )
    try:
        data = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        return _Findings(**data)
    except (ValueError, IndexError, TypeError):
        pass
    if -done.returncode in _STOPPED_BY:
        return _Findings(reasons=[CHECK_STOPPED], final=False)
    if b"MemoryError" in done.stderr or b"bad_alloc" in done.stderr:
        return _Findings(reasons=[TOO_MUCH_MEMORY])
    if done.returncode == -signal.SIGSEGV:
        # qpdf ran out of stack in a structure nested without end (see _check_copy).
        return _Findings(reasons=[TOO_DEEP])
    if done.returncode < 0:
        return _Findings(reasons=[TOO_MUCH_MEMORY])
    return _Findings(
        reasons=["is beschadigd en kan niet worden gelezen (lever de bijlage opnieuw aan)"]
    )


def _memory_limiter(memory: int) -> Callable[[], None]:
    """What a checking child runs between fork and exec: ``memory`` bytes at most, or less
    where the session allows less (``ulimit -v``: an ordinary user cannot raise its hard
    limit, and the child failed before it started, a traceback for every build)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return limit_memory


def _child_command(
    files: Sequence[_Asked], limits: AnnexLimits
) -> tuple[list[str], dict[str, str]]:
    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    command = [
        sys.executable,
        "-c",
        "from assembler.annex import _child_main; _child_main()",
        json.dumps(asdict(limits)),
        json.dumps([[str(path), every_page, keep] for path, every_page, keep in files]),
    ]
    return command, env


def _run_batch(files: Sequence[_Asked], limits: AnnexLimits) -> list[_Findings]:
    """Findings for the first of ``files`` (path, every page) that one child managed (maybe all)."""
    command, env = _child_command(files, limits)
    limit_memory = _memory_limiter(limits.memory_bytes)
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=limit_memory,  # setrlimit must run in the child before exec
    )
    assert process.stdout is not None
    found: list[_Findings] = []
    try:
        while len(found) < len(files):
            # Each file gets the full time limit, counted from the previous answer.
            ready, _, _ = select.select([process.stdout], [], [], limits.timeout_seconds)
            if not ready:
                break
            line = process.stdout.readline()
            if not line:
                break  # the child died (memory limit) on the next file
            try:
                found.append(_Findings(**json.loads(line)))
            except (ValueError, TypeError):
                break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
    return found


def _child_main() -> None:
    """Entry point of the checking child: one JSON line of findings per file, in order."""
    limits = AnnexLimits(**json.loads(sys.argv[1]))
    for name, every_page, keep in json.loads(sys.argv[2]):
        findings = _check_pdf(Path(name), limits, every_page=bool(every_page))
        if keep and not findings.reasons:
            _keep_text_facts(Path(name), Path(keep), seconds=limits.timeout_seconds / 3)
        # stdout is the pipe back to the parent, not a terminal.
        sys.stdout.write(json.dumps(asdict(findings)) + "\n")
        sys.stdout.flush()


class _OutOfTime(Exception):
    """The time for reading an annex's text is up."""


def _keep_text_facts(path: Path, cache: Path, *, seconds: float) -> None:
    """Keep the gate's facts with text of the accepted PDF at ``path`` (see
    annex_text.keep_annex_facts), within ``seconds``: a text too long to read in time is read when
    it is needed (as the export does), never a reason to refuse the annex."""
    from assembler import annex_text, gate
    from assembler.fsutil import file_sha256

    global _TEXT_VERSION  # asked once per child
    if _TEXT_VERSION is None:
        _TEXT_VERSION = annex_text.text_facts_version()
    version = _TEXT_VERSION

    def out_of_time(_signal: int, _frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    # Out of time, or unreadable to pypdf or poppler: read when needed, as the export does.
    try:
        digest = file_sha256(path)
        if annex_text.kept_annex_facts(cache, digest, version) is None:
            facts = gate.analyse_pdf(path, with_text=True)
            signal.setitimer(signal.ITIMER_REAL, 0)
            if facts.sha256 == digest:  # not changed while it was read
                annex_text.keep_annex_facts(cache, facts, version)
    except Exception:
        return
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_TEXT_VERSION: str | None = None


def not_opened_pdf(error: Exception) -> str:
    """Why qpdf's ``error`` (not a password's) kept a PDF from opening, for the clerk."""
    if _OTHER_HANDLER in str(error):
        return RIGHTS_PROTECTED
    return "is beschadigd en kan niet worden geopend (lever de bijlage opnieuw aan)"


def _check_pdf(path: Path, limits: AnnexLimits, *, every_page: bool = False) -> _Findings:
    """Parse a PDF and collect findings; runs in the child, unprotected by limits of its own."""
    import pikepdf

    found = _Findings()
    try:
        pdf = _opened(path)
    except pikepdf.PasswordError:
        found.reasons.append(PASSWORD_PROTECTED)
        return found
    except OSError as error:  # gone or unreadable since it was found: not damaged
        found.reasons.append(not_opened(error))
        return found
    except (pikepdf.PdfError, RuntimeError, ValueError) as error:
        found.reasons.append(not_opened_pdf(error))
        return found
    with pdf:
        if pdf.is_encrypted:
            found.permissions_only = True
            found.warnings.append(
                "is beveiligd met beperkingen (zonder openingswachtwoord); de bijlage wordt "
                "opgenomen en de bundel wordt niet beveiligd"
            )
        if pdf.get_warnings():
            found.warnings.append(
                "is beschadigd maar kon worden hersteld (controleer de bijlage in de bundel)"
            )
        try:
            _check_pages(pdf, limits, found)
            if not found.reasons:
                _check_streams(pdf, limits, found)
            if not found.reasons:
                _check_contents(pdf)
                _check_page_sizes(pdf, found)
            if not found.reasons:
                _check_portfolio(pdf, found)
            if not found.reasons:
                _check_forms_and_outline(pdf, limits, found)
            if not found.reasons:
                _check_attachments(pdf, found)
                _check_comments(pdf, found)
                _check_active_content(pdf, found)
                _check_copy(pdf)
            if not found.reasons:
                # Rendered here, under this child's limits, never in the build's own process;
                # within a part of the file's time, so that judging the bands of a long scan
                # cannot refuse it: a page not judged counts as not blank (a strip is added).
                last = found.pages - 1 if every_page else 0
                blank = top_bands_blank(path, 0, last, seconds=limits.timeout_seconds / 3)
                found.bands_blank = [blank.get(page, False) for page in range(last + 1)]
                # Page 1 gets its mark at the top (in a strip if need be): its bottom is not
                # asked about. A bottom not judged in time counts as not blank (top or strip).
                seconds = limits.timeout_seconds / 6
                low = bottom_bands_blank(path, 1, last, seconds=seconds) if last else {}
                found.bottom_bands_blank = [low.get(page, False) for page in range(last + 1)]
        except MemoryError:
            found.reasons.append(TOO_MUCH_MEMORY)
        except (
            pikepdf.PdfError,
            RuntimeError,
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
        ) as error:
            # qpdf reports an allocation refused by RLIMIT_AS as std::bad_alloc in its message.
            if "bad_alloc" in str(error) or "memory" in str(error).lower():
                found.reasons.append(TOO_MUCH_MEMORY)
                return found
            found.reasons.append(
                "is beschadigd: de pagina's kunnen niet worden gelezen "
                "(lever de bijlage opnieuw aan)"
            )
    return found


def _check_pages(pdf: Any, limits: AnnexLimits, found: _Findings) -> None:
    import pikepdf

    def too_many(count: int) -> str:
        return (
            f"heeft te veel pagina's ({count:,}; de grens is {limits.max_pages:,}; "
            "splits het bestand in meer bijlagen)"
        ).replace(",", ".")

    # The declared count is checked before the page tree is walked, so a file claiming a
    # billion pages costs nothing.
    pages_root = pdf.Root.get("/Pages")
    declared = pages_root.get("/Count") if isinstance(pages_root, pikepdf.Dictionary) else None
    if isinstance(declared, int) and declared > limits.max_pages:
        found.reasons.append(too_many(declared))
        return
    count = len(pdf.pages)
    if count > limits.max_pages:
        found.reasons.append(too_many(count))
        return
    if count == 0:
        found.reasons.append("bevat geen pagina's (lever de bijlage opnieuw aan)")
        return
    found.pages = count


# A page smaller than this on either side (25 mm, in points) cannot be read, on paper or on
# screen: an image saved as PDF at its pixel count in points, most often.
_SMALLEST_READABLE = 25 / 25.4 * 72


def _check_page_sizes(pdf: Any, found: _Findings) -> None:
    small: list[tuple[int, float, float]] = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            x0, y0, x1, y1 = (float(value) for value in page.cropbox)
        except (ValueError, TypeError):
            continue  # an odd box is the bundle's to judge; a warning is no reason to refuse
        width, height = abs(x1 - x0), abs(y1 - y0)
        if min(width, height) < _SMALLEST_READABLE:
            small.append((number, width, height))
    if not small:
        return
    number, width, height = small[0]
    size = f"{_millimetres(width)} × {_millimetres(height)} mm"
    which = (
        f"heeft een pagina van maar {size} (pagina {number})"
        if len(small) == 1
        else f"heeft {len(small)} pagina's kleiner dan 2,5 cm (pagina {number}: {size})"
    )
    found.warnings.append(
        f"{which}: op papier en op het scherm nauwelijks te zien (lever een versie op A4 aan)"
    )


def _millimetres(points: float) -> str:
    return f"{points / 72 * 25.4:.1f}".replace(".", ",")


def _check_streams(pdf: Any, limits: AnnexLimits, found: _Findings) -> None:
    """Refuse a decompression bomb by counting decoded bytes without keeping them."""
    import pikepdf

    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = obj.get("/Filter")
        names = (
            [str(f) for f in filters]
            if isinstance(filters, pikepdf.Array)
            else ([str(filters)] if filters is not None else [])
        )
        if not names or names[0] not in ("/FlateDecode", "/Fl"):
            # Image codecs (DCT, JPX, CCITT, JBIG2) stay encoded in a merge; other general
            # filters are rare and covered by the child's memory limit.
            continue
        size = _inflated_size(obj.read_raw_bytes(), names, limits.max_stream_bytes)
        total += size
        if size > limits.max_stream_bytes or total > limits.max_decoded_bytes:
            found.reasons.append(
                "is een decompressiebom: een onderdeel pakt uit tot meer dan "
                f"{megabytes(min(limits.max_stream_bytes, limits.max_decoded_bytes))} "
                "(lever een normale PDF aan)"
            )
            return


def _inflated_size(raw: bytes, filters: list[str], cap: int) -> int:
    """Size of the data after the leading Flate filters, stopping just past ``cap``."""
    flate_layers = 0
    for name in filters:
        if name not in ("/FlateDecode", "/Fl"):
            break
        flate_layers += 1
    chunks: Iterator[bytes] = iter([raw])
    for _ in range(flate_layers):
        chunks = _inflate(chunks, cap)
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            break
    return size


def _inflate(chunks: Iterator[bytes], cap: int) -> Iterator[bytes]:
    """Inflate lazily in bounded pieces; a damaged tail ends the data, as in viewers."""
    inflater = zlib.decompressobj()
    produced = 0
    for chunk in chunks:
        data = chunk
        while data and produced <= cap:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                return
            produced += len(out)
            yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                return
        if produced > cap:
            return


def _check_contents(pdf: Any) -> None:
    """Every page's content must decode; qpdf raises on streams it cannot read."""
    import pikepdf

    for page in pdf.pages:
        _ = page.mediabox
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                stream.read_bytes()


def _check_portfolio(pdf: Any, found: _Findings) -> None:
    """Refuse a PDF portfolio (Acrobat's "PDF Portfolio", a mail folder saved as PDF): its
    documents are attached files, its pages only a cover that says to open it in Acrobat, and
    a bundle copies pages, not the portfolio."""
    if "/Collection" in pdf.Root:
        found.reasons.append(PORTFOLIO)


def _check_forms_and_outline(pdf: Any, limits: AnnexLimits, found: _Findings) -> None:
    import pikepdf

    acroform = pdf.Root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary):
        fields = acroform.get("/Fields")
        found.has_forms = isinstance(fields, pikepdf.Array) and len(fields) > 0
        if "/XFA" in acroform:
            if bool(pdf.Root.get("/NeedsRendering", False)):
                found.reasons.append(
                    "is een dynamisch XFA-formulier dat alleen in Adobe Reader werkt "
                    "(druk het af naar PDF en lever die PDF aan)"
                )
                return
            found.warnings.append(
                "bevat ook een XFA-formulier; alleen de gewone formuliervelden worden overgenomen"
            )

    outlines = pdf.Root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary):
        return
    first = outlines.get("/First")
    found.has_outline = isinstance(first, pikepdf.Dictionary)
    if found.has_outline and _outline_has_loop(first, limits.max_outline_items):
        found.warnings.append(
            "heeft bladwijzers die in een kring naar zichzelf verwijzen; alleen de "
            "bladwijzers buiten de kring worden overgenomen"
        )


def paperclip_files(pdf: Any) -> Iterator[Any]:
    """The file specification of each FileAttachment annotation (None when it has none)."""
    import pikepdf

    for page in pdf.pages:
        for annot in page.obj.get("/Annots") or []:
            if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == "/FileAttachment":
                spec = annot.get("/FS")
                yield spec if isinstance(spec, pikepdf.Dictionary) else None


def _check_attachments(pdf: Any, found: _Findings) -> None:
    """Warn about files attached to the PDF: they travel into the bundles unseen."""
    import pikepdf

    try:
        names = [str(name) for name in pdf.attachments]
    except (pikepdf.PdfError, ValueError, TypeError, KeyError):
        names = []  # a broken list of attachments: the bundle cannot carry them either
    for spec in paperclip_files(pdf):
        name = spec.get("/UF", spec.get("/F")) if spec is not None else None
        names.append(str(name) if name is not None else "zonder naam")
    if not names:
        return
    shown = ", ".join(names[:3]) + (f" en {len(names) - 3} meer" if len(names) > 3 else "")
    if len(names) == 1:
        found.warnings.append(
            f"bevat een bijgevoegd bestand ({shown}) dat ongezien meegaat in de bundel "
            "(controleer of het erin mag, of lever de PDF aan zonder bijgevoegd bestand)"
        )
    else:
        found.warnings.append(
            f"bevat {len(names)} bijgevoegde bestanden ({shown}) die ongezien meegaan in de "
            "bundel (controleer of ze erin mogen, of lever de PDF aan zonder bijgevoegde "
            "bestanden)"
        )


# Markup annotations (PDF 2.0, 12.5.6.2) that a reviewer leaves: a note, a highlight, a
# drawing. An attached file (FileAttachment) is said as one; a link, a form field, a pop-up
# (the window of a note) and a redaction are none.
_COMMENTS = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Stamp",
        "/Caret",
        "/Ink",
        "/Sound",
    }
)
# So much of the first comment is quoted: enough to recognise it.
_QUOTED_CHARS = 30


def _check_comments(pdf: Any, found: _Findings) -> None:
    """Count the comments a reader of the bundle can open: a sticky note, and a markup with a
    text or a pop-up. A bundle copies them with the page, author and all."""
    import pikepdf

    authors: dict[str, None] = {}
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else []:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            kind = str(annot.get("/Subtype", ""))
            if kind not in _COMMENTS or str(annot.get("/IT", "")) == "/FreeTextTypewriter":
                # Typewriter text is filled in on the page (Acrobat's Fill & Sign): content.
                continue
            text = _plain(annot.get("/Contents"))
            if kind != "/Text" and not text and "/Popup" not in annot:
                continue  # a mark without words: what it marks is on the page for all to see
            found.comments += 1
            authors.setdefault(_plain(annot.get("/T")), None)
            if text and not found.first_comment:
                found.first_comment = _shortened(" ".join(text.split()))
    found.commenters = list(authors)


def _shortened(text: str) -> str:
    """The start of ``text``, cut at a word's end, enough to recognise it."""
    if len(text) <= _QUOTED_CHARS:
        return text
    start = text[: _QUOTED_CHARS + 1]
    cut = start.rsplit(" ", 1)[0] if " " in start else start[:_QUOTED_CHARS]
    return cut.rstrip(" ,.;:") + "…"


def _plain(value: Any) -> str:
    """A PDF text string as text; "" for anything else."""
    import pikepdf

    if isinstance(value, pikepdf.String):
        try:
            return str(value).strip()
        except UnicodeDecodeError:
            return ""
    return ""


def _check_active_content(pdf: Any, found: _Findings) -> None:
    """Warn about scripts, program starts and links to other files or computers: the bundles
    leave them out, the export does not."""
    from assembler.actions import active_content

    kinds = active_content(pdf)
    if kinds:
        found.warnings.append(active_content_warning(kinds))


def active_content_warning(kinds: Sequence[str]) -> str:
    """The warning for an annex that carries the active ``kinds`` (as
    :func:`assembler.actions.active_content` names them); an office annex's PDF gets it too."""
    return (
        f"bevat {dutch_list(list(kinds))}: de bundels laten dat weg, maar het exportpakket geeft "
        "de bijlage ongewijzigd door (vraag de afzender om een versie zonder scripts en acties "
        "als de bijlage zo niet openbaar mag)"
    )


def _check_copy(pdf: Any) -> None:
    """Copy the pages as a bundle will: a file that makes qpdf crash there (a structure nested
    a hundred thousand deep) crashes this child instead, and is refused."""
    import pikepdf

    from assembler.actions import strip_active_content

    strip_active_content(pdf)
    with pikepdf.new() as trial:
        trial.add_pages_from(pdf, outlines="preserve")


def _outline_has_loop(first: Any, max_items: int) -> bool:
    """Walk the outline iteratively; a node met twice, or absurd size, counts as a loop."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [first]
    while stack:
        node = stack.pop()
        while isinstance(node, pikepdf.Dictionary):
            key = node.objgen
            if key != (0, 0):
                if key in seen:
                    return True
                seen.add(key)
            if len(seen) > max_items:
                return True
            child = node.get("/First")
            if child is not None:
                stack.append(child)
            node = node.get("/Next")
    return False

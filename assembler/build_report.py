"""What a build is asked and what it answers: its options, its report and the report's JSON.

These are what the command line and the export work with (cli.py, package.py), with the
build's lock and ``SOURCE_DATE_EPOCH`` as the build reads it. They live apart from the
orchestrator (:mod:`assembler.build`) so that a module that only needs the build's types does
not import how it runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from assembler.errors import AssemblerError, BuildLocked, ExitCode, Problem, UsageError
from assembler.fsutil import not_writable
from assembler.project import Project

Status = Literal["gebouwd", "ongewijzigd", "mislukt"]
MeetingStatus = Literal["gebouwd", "ongewijzigd", "niet bijgewerkt", "niet gemaakt"]
Progress = Callable[[str, str], None]
"""Called with (event, label); events: perhaps ``wacht`` (label: the other command waited for,
said as a sentence), ``dossiers-totaal`` and ``conversies-totaal`` (label: the count), then
``dossier`` (rendered), ``conversie``, ``bundel``, ``klaar`` or ``ongewijzigd`` (one of these per
dossier), ``vergaderingen-totaal`` (label: the count of meetings made anew, before their
meeting bundles are finished), ``vergadering`` (one per such meeting). A dossier's label is
``meeting/dossier`` (folder names), as several meetings have a ``punt-01``. ``bundel`` and
``klaar`` of a dossier with PDFs come from the thread that bundled it; never two calls at
once."""


@dataclass(frozen=True)
class BuildOptions:
    """What ``assembler build`` was asked to do."""

    paths: tuple[Path, ...] = ()
    pdf: bool = True
    jobs: int | None = None
    force: bool = False
    source_date_epoch: int | None = None
    # Seconds one document may take in LibreOffice; None: the converter's default.
    timeout_per_document: float | None = None
    # Set by the export, which packages the meetings anew right after: no word of old packages.
    export_follows: bool = False
    # Seconds to wait for another build, export or publish of the project to finish (--wacht).
    lock_wait: float = 0.0


@dataclass
class DossierResult:
    """The outcome for one dossier."""

    meeting: str
    folder: str
    number: int
    output_dir: Path
    status: Status
    outputs: list[Path] = field(default_factory=list)


@dataclass
class MeetingResult:
    """The outcome for one meeting's agendas and meeting bundles."""

    meeting: str
    status: MeetingStatus
    outputs: list[Path] = field(default_factory=list)


@dataclass
class BuildReport:
    """Everything a build did and every problem it met."""

    results: list[DossierResult] = field(default_factory=list)
    meetings: list[MeetingResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    environment_failed: bool = False
    template_failed: bool = False
    seconds: float = 0.0
    # PDFs of an earlier build that a Word-only build removed (they no longer matched).
    pdfs_removed: int = 0
    # Problems of the chosen meetings' agendas, not of a dossier (each an error in problems):
    # lines that name no dossier folder, and dossier folders no line names.
    agenda_lines_refused: int = 0
    folders_off_agenda: int = 0

    @property
    def exit_code(self) -> ExitCode:
        """0 all built, 1 input rejected, 2 a broken template, 3 the machine (highest wins)."""
        if self.environment_failed:
            return ExitCode.ENVIRONMENT
        if self.template_failed:
            return ExitCode.USAGE
        if any(p.ernst == "fout" for p in self.problems):
            return ExitCode.INPUT_REJECTED
        return ExitCode.OK

    def count(self, status: Status) -> int:
        """Number of dossiers with ``status``."""
        return sum(1 for result in self.results if result.status == status)


# The last second a date in a document can hold (31 December 9999).
_LAST_EPOCH = 253_402_300_799
# A zip entry's date ends with 2107 (MS-DOS time), in the organisation's time or UTC: the
# .docx and export zips take the epoch, so the last day of 2107 is kept clear of the edge.
_LAST_ZIP_EPOCH = 4_354_732_800  # 2107-12-31 00:00:00 UTC


def source_date_epoch_from_env() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an int, or None when unset; UsageError when it is no time."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    # isdigit() alone takes "²", which int() refuses.
    if not (value.isascii() and value.isdigit()) or int(value) > _LAST_EPOCH:
        # Milliseconds (date +%s%3N) is an easy mistake, and year 58882 cannot be written.
        raise UsageError(
            f"SOURCE_DATE_EPOCH={value}: is geen tijdstip in seconden sinds 1 januari 1970 "
            "(zet het zoals 'date +%s' het geeft, of haal de variabele weg)"
        )
    if int(value) >= _LAST_ZIP_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH={value}: ligt op of na 31 december 2107, en een Word-document "
            "of zip-bestand kan niet later gedateerd zijn dan 2107 (zet een tijdstip vóór 31 "
            "december 2107, of haal de variabele weg)"
        )
    return int(value)


# --------------------------------------------------------------------------- lock


# What a command refused by the lock is told, by the command name the holder writes in the lock
# file: what the one holding it does, and what to do about it.
_WHEN_DONE = "wacht tot die klaar is en probeer het opnieuw"
_SOON = "wacht even en probeer het opnieuw"
_HOLDING = {
    "build": ("er loopt al een build van dit project", _WHEN_DONE),
    "export": ("er loopt al een export van dit project", _WHEN_DONE),
    "publish": ("er loopt al een publicatie van dit project naar een vergadersysteem", _WHEN_DONE),
    "verplaats": ("er wordt al een dossier verplaatst in dit project", _SOON),
    "new": ("er wordt al een dossier gemaakt in dit project", _SOON),
    "vergadering": ("er wordt al een vergadering gemaakt in dit project", _SOON),
}
# How often a command told to wait tries the lock again.
_LOCK_POLL_SECONDS = 0.2

# The lock files this process holds, as (device, inode, thread): a command that holds the lock
# for all of its run calls others that take it too (export builds, publish exports). Per
# thread: another thread of the process is refused as another process is.
_HELD: set[tuple[int, int, int]] = set()


@contextmanager
def build_lock(
    project: Project,
    command: str = "build",
    *,
    needed: bool = True,
    wait: float = 0.0,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the project's build lock; a second build at the same time exits 3.

    The commands that change dossiers/ hold it too (``command``: their name, a key of
    ``_HOLDING``): a build reading a dossier that is being moved would call its annexes
    damaged. So do export and publish, for the whole of their run (publish until its last
    write of publicatie.json: two at once would each send every new object). Taken again in
    the same thread, it is held already: the holder's name stays. Not ``needed``: where the
    lock cannot be made (build/ read-only, or another user's), the block runs without it; no
    build of this user can run there either. ``wait``: seconds to wait for the holder to
    finish before giving up (``waiting`` is told once, with what it waits for), so a cron job
    that meets a clerk's build runs after it instead of failing.
    """
    try:
        project.build.mkdir(parents=True, exist_ok=True)
        handle = open(project.build / ".lock", "a+")  # noqa: SIM115 - held for the whole build
    except OSError as error:
        if needed:
            raise not_writable(project.build, error) from None
        handle = None
    if handle is None:
        yield
        return
    try:
        status = os.fstat(handle.fileno())
        held = (status.st_dev, status.st_ino, threading.get_ident())
        if held in _HELD:
            # Closing this second handle leaves the first one's flock as it is.
            yield
            return
        _lock_or_wait(handle, wait, waiting)
        # Only for the message of the one refused: a lock file that takes no name still locks.
        # Written past the file object's buffer: on a full disk, its close would raise.
        with suppress(OSError):
            os.ftruncate(handle.fileno(), 0)
            os.write(handle.fileno(), command.encode())
        _HELD.add(held)
        try:
            yield
        finally:
            _HELD.discard(held)
    finally:
        handle.close()


def _lock_or_wait(handle: IO[str], wait: float, waiting: Callable[[str], None] | None) -> None:
    """Take the lock on ``handle``, waiting up to ``wait`` seconds for its holder."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        # Read at each try: the holder may have finished and another command taken it.
        handle.seek(0)
        holder, advice = _HOLDING.get(handle.read(20).strip(), _HOLDING["build"])
        if wait <= 0:
            raise BuildLocked(f"{holder} ({advice})")
        if time.monotonic() >= deadline:
            raise BuildLocked(
                f"{holder}, ook na {_duration(wait)} wachten (kijk of die vastzit, of geef "
                "--wacht meer minuten)"
            )
        if not told and waiting is not None:
            waiting(
                f"{holder[0].upper()}{holder[1:]}; er wordt gewacht tot die klaar is "
                f"(hoogstens {_duration(wait)})."
            )
            told = True
        # Polled rather than a blocking flock: Ctrl-C and the deadline are heard while waiting.
        time.sleep(min(_LOCK_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))


def _duration(seconds: float) -> str:
    """'1 minuut', '10 minuten'; under a minute (tests, scripts) in seconds."""
    if seconds < 60:
        whole = max(round(seconds), 1)
        return f"{whole} seconde" if whole == 1 else f"{whole} seconden"
    minutes = round(seconds / 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def failure_json(error: AssemblerError) -> str:
    """The ``--json`` summary of a build that stopped with an error (the lock, no project…).

    The same shape as :func:`report_json`, so a script reads one kind of answer; what was
    built before the error is not counted.
    """
    # The problems say where, the message what came of them: last, as on stderr.
    problems = [*error.problems, error.summary()]
    return _summary_json(error.exit_code, BuildReport(problems=problems), None)


def stopped_json(
    problems: list[Problem], message: str, exit_code: int, seconds: float = 0.0
) -> str:
    """The ``--json`` summary of a build stopped by a signal: what it said, then ``message``;
    ``seconds``: how long it ran until it stopped."""
    problems = [*problems, Problem("", None, "", message)]
    return _summary_json(exit_code, BuildReport(problems=problems, seconds=seconds), None)


def report_json(report: BuildReport, project: Project) -> str:
    """The ``--json`` summary for scripts and agenda automation."""
    return _summary_json(report.exit_code, report, project)


def _summary_json(exit_code: int, report: BuildReport, project: Project | None) -> str:
    data = {
        "afsluitcode": int(exit_code),
        "seconden": round(report.seconds, 3),
        "gebouwd": report.count("gebouwd"),
        "ongewijzigd": report.count("ongewijzigd"),
        "mislukt": report.count("mislukt"),
        "agendaregels_afgekeurd": report.agenda_lines_refused,
        "niet_op_agenda": report.folders_off_agenda,
        "pdfs_weggehaald": report.pdfs_removed,
        "dossiers": [
            {
                "vergadering": r.meeting,
                "dossier": r.folder,
                "agendapunt": r.number,
                "status": r.status,
                "uitvoer": [project.display(p) if project else str(p) for p in r.outputs],
            }
            for r in report.results
        ],
        "vergaderingen": [
            {
                "vergadering": m.meeting,
                "status": m.status,
                "uitvoer": [project.display(p) if project else str(p) for p in m.outputs],
            }
            for m in report.meetings
        ],
        "meldingen": [p.as_json() for p in report.problems],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)

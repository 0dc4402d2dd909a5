"""A build that finds the project exactly as a build that changed nothing left it gives that
build's report again, without reading a dossier.

Agenda automation runs ``assembler build`` every few minutes, and most runs find nothing
changed; reading and validating 300 dossiers and importing the validation's models took about
two seconds of such a run. What a build answers depends only on the files under ``dossiers/``,
``templates/`` and ``build/``, on where the paths it is given lead, on the assembler and the
Python that run it, on LibreOffice, pdftotext and the fonts, on the user and groups it runs
as, on the environment, the working folder, the options and the day. A build that planned
nothing to make, said no error and met no file it could not read would answer the same again
while all of those stay as they were; its report is kept in ``build/.cache`` under a digest of
all of them (:func:`fingerprint`: the clerks' YAML by content, every other file by name,
device, inode, size and times), and the next build with the same digest gives it back
(:func:`kept_report`). Anything else runs the whole build, which keeps the report anew once it
finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path, PurePath
from typing import Any

import assembler
from assembler import library_versions
from assembler.build_report import (
    BuildOptions,
    BuildReport,
    DossierResult,
    MeetingResult,
)
from assembler.digests import SETTLED_SECONDS
from assembler.errors import AssemblerError, ExitCode, Problem
from assembler.fsutil import read_failures_said, read_json, write_cache_text
from assembler.project import Project

__all__ = ["RECORD_NAME", "Seen", "fingerprint", "keep_report", "kept_report"]

RECORD_NAME = "ongewijzigd.json"
"""In ``build/.cache``: the last report of a build that changed nothing, and its digest."""

# Raised when the record's form or what the digest covers changes.
RECORD_VERSION = 1

# Read the dossiers (their messages) and the annexes; the outputs' own are in OUTPUT_LIBRARIES.
_JUDGING_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "pypdf", "email-validator")

# Set anew for each command by the shell, systemd, ssh or the terminal; they change nothing
# a build does, and a timer's run would never find the digest of the run before.
_PER_RUN = frozenset(
    {
        "_",
        "OLDPWD",
        "SHLVL",
        "INVOCATION_ID",
        "JOURNAL_STREAM",
        "SYSTEMD_EXEC_PID",
        "SSH_CLIENT",
        "SSH_CONNECTION",
        "SSH_TTY",
        "WINDOWID",
        "TERM_SESSION_ID",
        "TMUX_PANE",
    }
)

# Typed and saved by clerks, small and few: known by their content, so that a copy tool
# that keeps a file's times (and on some shares its change time) does not hide an edit.
_READ_SUFFIXES = (".yaml", ".yml", ".json")

_LISTS = frozenset({"results", "meetings", "problems"})


class _Unsure(Exception):
    """The tree holds something the digest cannot vouch for (a linked folder inside it)."""


@dataclass(frozen=True)
class Seen:
    """What a build found before it began (see fingerprint)."""

    digest: str
    # Whether every file was older than SETTLED_SECONDS when looked at: on a file system with
    # coarse times (a network share, a FAT stick) a file written just before could change
    # again within the same tick, unnoticed, as digests.FileDigests says.
    settled: bool
    # fsutil.read_failures_said() when looked at.
    read_failures: int
    # The programs' lines (see _tools), for the look after the build: a program that changes
    # meanwhile changes the next build's digest, not this build's report.
    tools: tuple[str, ...] = ()


def fingerprint(
    project: Project, options: BuildOptions, tools: tuple[str, ...] | None = None
) -> Seen | None:
    """A digest of everything a build of ``project`` with ``options`` depends on, or None.

    None when that cannot be told without reading: a linked or unreadable folder inside the
    tree, no LibreOffice, a working folder that is gone. ``tools``: the programs' lines of
    the look before the build, for the look after it (see Seen.tools).
    """
    looked = time.time_ns()
    lines = _Lines(
        f"version {RECORD_VERSION} assembler {assembler.__version__}",
        f"python {sys.executable} {sys.version}",
        # Whether a meeting has been held (what is already public) is judged by the day.
        f"today {_today()}",
        f"root {project.root}",
        # What may be read: a user added to a group reads a file that did not change.
        f"user {os.getuid()} {os.getgid()} {sorted(os.getgroups())}",
    )
    lines.add(
        *(f"env {key}={value}" for key, value in sorted(os.environ.items()) if key not in _PER_RUN)
    )
    try:
        # A working folder that was removed: said by the whole build, if anywhere.
        lines.add(f"cwd {os.getcwd()}", f"options {_options(project, options)}")
        if tools is None:
            tools = tuple(_tools(options))
        lines.add(*tools)
        # The assembler's own code (a checkout being worked on keeps its version number) and
        # the folders packages are installed into (an upgrade adds a folder to them).
        lines.walk(Path(assembler.__file__).parent, "code", skip_folder="__pycache__")
        for entry in sys.path:
            if entry:
                lines.stat(f"path {entry}", entry)
        skip = _skipped(project)
        for name, root in (
            ("dossiers", project.dossiers),
            ("templates", project.templates),
            ("build", project.build),
        ):
            lines.walk(root, name, skip, read=_READ_SUFFIXES if name == "dossiers" else ())
    except (_Unsure, AssemblerError, OSError):
        return None
    settled = lines.newest_ns < looked - int(SETTLED_SECONDS * 1e9)
    return Seen(lines.digest(), settled, read_failures_said(), tools)


def kept_report(project: Project, seen: Seen) -> BuildReport | None:
    """The report kept for the digest ``seen``, or None (none kept, another digest, damaged)."""
    try:
        record = read_json(project.cache / RECORD_NAME)
        if not isinstance(record, dict) or record.get("fingerprint") != seen.digest:
            return None
        return _report_from(record["report"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # damaged: the whole build answers, and keeps its report anew


def keep_report(
    project: Project, options: BuildOptions, seen: Seen, report: BuildReport, *, worked: bool
) -> None:
    """Keep ``report`` for ``seen`` if the build that made it would answer the same again.

    That is: it planned nothing to make (``worked``), said no error (a refusal may come from a
    share that did not answer), put no read failure into words (a warning may too), and left
    the tree as it found it (a build that withdrew or swept outputs did not).
    """
    if (
        not seen.settled
        or worked
        or report.exit_code != ExitCode.OK
        or read_failures_said() != seen.read_failures
    ):
        return
    after = fingerprint(project, options, seen.tools)
    if after is not None and after.digest == seen.digest:
        data = {"fingerprint": seen.digest, "report": {**asdict(report), "seconds": 0.0}}
        write_cache_text(project.cache / RECORD_NAME, json.dumps(data, default=_path_text))


def _path_text(value: object) -> str:
    # Only the report's paths need a form of their own; any other new kind of field must be
    # given one here rather than be stored as something _report_from does not give back.
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"{type(value).__name__} in a build report")


def _today() -> str:
    return dt.date.today().isoformat()


def _options(project: Project, options: BuildOptions) -> str:
    # The paths as typed, and where they lead from here or from dossiers/ (as
    # validate.selected_folder looks), through links too; not how long to wait for a lock.
    paths = [
        f"{path}={os.path.realpath(path)} {os.path.lexists(path)} "
        f"{os.path.realpath(project.dossiers / path)}"
        for path in options.paths
    ]
    chosen = {f.name: getattr(options, f.name) for f in fields(options) if f.name != "lock_wait"}
    chosen["paths"] = paths
    return repr(sorted(chosen.items()))


def _tools(options: BuildOptions) -> list[str]:
    """The programs whose versions the build's records and kept texts are keyed by."""
    from assembler.annex_text import text_facts_version
    from assembler.build_cache import OUTPUT_LIBRARIES, fonts_fingerprint, office_version

    fonts = fonts_fingerprint()
    # A missing LibreOffice stops a build with PDFs, even one that has nothing to convert:
    # said by the whole build (AssemblerError here).
    return [
        f"fonts {fonts}",
        f"office {office_version(options, fonts)}",
        f"pdftotext {shutil.which('pdftotext')} {text_facts_version()}",
        # The outputs' libraries and the ones that judge the dossiers and annexes.
        library_versions(*OUTPUT_LIBRARIES, *_JUDGING_LIBRARIES),
    ]


def _skipped(project: Project) -> frozenset[str]:
    # Written by every build, also one that changes nothing: the lock with its holder
    # (build_report.build_lock), the hint of when the last complete build began
    # (build._last_build_stamp); and this module's record.
    written = (project.build / ".lock", project.cache / ".last-build", project.cache / RECORD_NAME)
    return frozenset(str(path) for path in written)


def _unsure(error: OSError) -> None:
    # A folder that cannot be listed, inside the tree (not a root that is missing).
    if not isinstance(error, FileNotFoundError):
        raise _Unsure(str(error))


def _sha256(path: str) -> str:
    """The SHA-256 of a plain file; "" for anything else (a named pipe called dossier.yaml
    would block an open without O_NONBLOCK for ever, a device never end)."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return ""
        with os.fdopen(handle, "rb", closefd=False) as reading:
            return hashlib.sha256(reading.read()).hexdigest()
    finally:
        os.close(handle)


class _Lines:
    """The lines of a digest, and the newest time of the files among them."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.newest_ns = 0

    def add(self, *lines: str) -> None:
        self.lines += lines

    def digest(self) -> str:
        # A name that is no UTF-8 holds lone surrogates (os.fsdecode).
        return hashlib.sha256("\n".join(self.lines).encode("utf-8", "surrogatepass")).hexdigest()

    def stat(self, label: str, path: str, *, read: bool = False) -> None:
        """Add the file at ``path`` by its mode, device, inode, size and times; ``read``: by
        its content's SHA-256 too."""
        try:
            info = os.stat(path)
            content = _sha256(path) if read and stat.S_ISREG(info.st_mode) else ""
        except OSError as error:
            self.lines.append(f"{label} - {error.errno}")
            return
        self.newest_ns = max(self.newest_ns, info.st_mtime_ns, info.st_ctime_ns)
        where = f"{info.st_dev} {info.st_ino}"
        times = f"{info.st_mtime_ns} {info.st_ctime_ns}"
        self.lines.append(f"{label} {info.st_mode} {where} {info.st_size} {times} {content}")

    def walk(
        self,
        root: Path,
        name: str,
        skip: frozenset[str] = frozenset(),
        skip_folder: str = "",
        read: tuple[str, ...] = (),
    ) -> None:
        """One line per folder under ``root`` (its name) and per file (name, mode, inode,
        size, times).

        The change time and inode tell a file replaced or edited with its old time put back;
        a linked folder inside the tree is not followed by the walk, so its files cannot be
        vouched for, nor can an unreadable one's. ``skip``: files by path; ``skip_folder``:
        folders by name (the code's bytecode, written by the imports of the build that is
        looked at); ``read``: the endings of files added by their content too.
        """
        self.lines.append(f"{name} {os.path.isdir(root)}")
        base = str(root)
        for folder, dirs, files in os.walk(base, onerror=_unsure):
            dirs[:] = sorted(entry for entry in dirs if entry != skip_folder)
            for entry in dirs:
                if os.path.islink(os.path.join(folder, entry)):
                    raise _Unsure(entry)
            # A folder by its name alone: its time changes whenever a file in it is replaced,
            # as every kept file in build/.cache is, the record of this module too.
            relative = os.path.relpath(folder, base)
            self.lines.append(f"{name}/{relative}/")
            for entry in sorted(files):
                path = os.path.join(folder, entry)
                if path not in skip:
                    self.stat(f"{name}/{relative}/{entry}", path, read=entry.endswith(read))


def _report_from(data: dict[str, Any]) -> BuildReport:
    report = BuildReport(**{key: value for key, value in data.items() if key not in _LISTS})
    report.results = [
        DossierResult(**{**item, "output_dir": Path(item["output_dir"]), "outputs": _paths(item)})
        for item in data["results"]
    ]
    report.meetings = [
        MeetingResult(**{**item, "outputs": _paths(item)}) for item in data["meetings"]
    ]
    report.problems = [Problem(**item) for item in data["problems"]]
    return report


def _paths(item: dict[str, Any]) -> list[Path]:
    return [Path(path) for path in item["outputs"]]

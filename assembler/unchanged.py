"""A build that finds the project exactly as a build that changed nothing left it gives that
build's report again, without reading a dossier.

Agenda automation runs ``assembler build`` every few minutes, and most runs find nothing
changed; reading and validating 300 dossiers and importing the validation's models took about
two seconds of such a run. What a build answers depends only on the files under ``dossiers/``,
``templates/`` and ``build/``, on the assembler and the Python that run it, on LibreOffice,
pdftotext and the fonts, on the environment, the working folder, the options and the day. A
build that wrote nothing (each of those the same after it as before) and met no trouble of the
machine would answer the same again; its report is kept in ``build/.cache`` under a digest of
all of them (:func:`fingerprint`: names, sizes, times, inodes, no content read), and the next
build with the same digest gives it back (:func:`kept_report`). Anything else runs the whole
build, which keeps the report anew once it finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
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
from assembler.fsutil import read_json, write_cache_text
from assembler.project import Project

__all__ = ["RECORD_NAME", "Seen", "fingerprint", "keep_report", "kept_report"]

RECORD_NAME = "ongewijzigd.json"
"""In ``build/.cache``: the last report of a build that changed nothing, and its digest."""

# Raised when the record's form or what the digest covers changes.
RECORD_VERSION = 1

# Read the dossiers (their messages) and the annexes; the outputs' own are in OUTPUT_LIBRARIES.
_JUDGING_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "pypdf", "email-validator")

# Set by the shell anew for each command; they change nothing a build does.
_SHELL = frozenset({"_", "OLDPWD", "SHLVL"})


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


def fingerprint(project: Project, options: BuildOptions) -> Seen | None:
    """A digest of everything a build of ``project`` with ``options`` depends on; None when
    that cannot be told without reading (a linked folder inside the tree, no LibreOffice)."""
    looked = time.time_ns()
    lines = _Lines(
        f"version {RECORD_VERSION} assembler {assembler.__version__}",
        f"python {sys.executable} {sys.version}",
        # Whether a meeting has been held (what is already public) is judged by the day.
        f"today {_today()}",
        f"root {project.root}",
    )
    lines.add(
        *(f"env {key}={value}" for key, value in sorted(os.environ.items()) if key not in _SHELL)
    )
    try:
        # A working folder that was removed: said by the whole build, if anywhere.
        lines.add(f"cwd {os.getcwd()}", f"options {_options(options)}")
        lines.add(*_tools(options))
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
            lines.walk(root, name, skip)
    except (_Unsure, AssemblerError, OSError):
        return None
    settled = lines.newest_ns < looked - int(SETTLED_SECONDS * 1e9)
    return Seen(lines.digest(), settled)


def kept_report(project: Project, seen: Seen) -> BuildReport | None:
    """The report kept for the digest ``seen``, or None (none kept, another digest, damaged)."""
    try:
        record = read_json(project.cache / RECORD_NAME)
        if not isinstance(record, dict) or record.get("fingerprint") != seen.digest:
            return None
        return _report_from(record["report"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep_report(
    project: Project, options: BuildOptions, seen: Seen, report: BuildReport, *, worked: bool
) -> None:
    """Keep ``report`` for the digest ``seen`` when the build that made it changed nothing
    (``worked``: it planned something to make) and the tree is still as it was before it."""
    record = project.cache / RECORD_NAME
    keep = (
        seen.settled
        and not worked
        and report.exit_code <= ExitCode.INPUT_REJECTED
        and not report.pdfs_removed
        and _digest(fingerprint(project, options)) == seen.digest
    )
    if keep:
        data = {"fingerprint": seen.digest, "report": {**asdict(report), "seconds": 0.0}}
        write_cache_text(record, json.dumps(data, default=str))  # str: the paths


def _digest(seen: Seen | None) -> str | None:
    return None if seen is None else seen.digest


def _today() -> str:
    return dt.date.today().isoformat()


def _options(options: BuildOptions) -> str:
    # The paths as typed, and what they name from here; not how long to wait for a lock.
    paths = [f"{path}={os.path.abspath(path)}" for path in options.paths]
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

    def stat(self, label: str, path: str) -> None:
        try:
            info = os.stat(path)
        except OSError as error:
            self.lines.append(f"{label} - {error.errno}")
            return
        self.newest_ns = max(self.newest_ns, info.st_mtime_ns, info.st_ctime_ns)
        times = f"{info.st_mtime_ns} {info.st_ctime_ns}"
        self.lines.append(f"{label} {info.st_mode} {info.st_ino} {info.st_size} {times}")

    def walk(
        self, root: Path, name: str, skip: frozenset[str] = frozenset(), skip_folder: str = ""
    ) -> None:
        """One line per folder under ``root`` (its name) and per file (name, mode, inode,
        size, times).

        The change time and inode tell a file replaced or edited with its old time put back;
        a linked folder inside the tree is not followed by the walk, so its files cannot be
        vouched for. ``skip``: files by path; ``skip_folder``: folders by name (the code's
        bytecode, written by the imports of the build that is looked at).
        """
        self.lines.append(f"{name} {os.path.isdir(root)}")
        base = str(root)
        for folder, dirs, files in os.walk(base):
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
                    self.stat(f"{name}/{relative}/{entry}", path)


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


_LISTS = frozenset({"results", "meetings", "problems"})


def _paths(item: dict[str, Any]) -> list[Path]:
    return [Path(path) for path in item["outputs"]]

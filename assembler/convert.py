"""Office documents to archival PDF (PDF/A-2b, tagged) with headless LibreOffice workers.

:class:`ConversionService` converts documents while its caller is still producing them. Where
LibreOffice's Python bridge is installed (Debian's ``python3-uno``), it starts long-running
``soffice`` workers at once, each behind :mod:`assembler.uno_bridge` in a process group of its
own and with its own profile (two processes sharing a profile fail silently; each is a copy of
one kept in the user's cache, so soffice need not set one up and restart), and hands each
document to the next free worker as soon as it is submitted; so LibreOffice's start-up, about a
second of a CPU, overlaps the caller's own work. A worker that crashes is replaced and its
document tried once more; a document that stalls past its limit is killed and reported.

Without the bridge (or with ``ASSEMBLER_UNO=0``), or when a worker cannot start, documents go
through one-shot ``soffice --convert-to`` batches when the caller finishes: one batch per
worker process; a batch that hangs or crashes is killed as a whole process group and its
unfinished documents are retried one by one, so a single bad document is isolated and
reported while the others convert. :func:`convert_to_pdf` is the whole of it for a list.

Every PDF is checked, its metadata mended (LibreOffice escapes the XMP title twice), normalised
if asked and moved into place on a worker thread as soon as it is complete; outcomes and the
``progress`` callback stay on the caller's thread. Spreadsheets (.xlsx/.ods) need Debian's
``libreoffice-calc-nogui``; without it they are reported with the command that installs it.

LibreOffice ignores ``SOURCE_DATE_EPOCH``; :func:`assembler.normalise.finish_pdf` rewrites
the dates, IDs and checksums it stamps into every PDF so that equal inputs give byte-identical
PDFs.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler import LOCAL_TIME_ZONE
from assembler.errors import (
    AssemblerError,
    ConversionFailed,
    EnvironmentProblem,
    LibreOfficeMissing,
    OutputNotWritable,
)
from assembler.fsutil import TEMP_PREFIX, atomic_path, read_json, unreadable, write_cache_text

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "CALC_SUFFIXES",
    "PDF_EXPORT_FILTER",
    "SUPPORTED_SUFFIXES",
    "WRITER_SUFFIXES",
    "ConversionJob",
    "ConversionReport",
    "ConversionService",
    "TimeoutPolicy",
    "convert_to_pdf",
    "find_soffice",
    "libreoffice_version",
    "uno_python",
]

SOFFICE_ENV = "ASSEMBLER_SOFFICE"
UNO_ENV = "ASSEMBLER_UNO"
DOCUMENTS_PER_WORKER = 6
STREAMING_DOCUMENTS_PER_WORKER = 6
STAGGER_FROM = 8
STAGGER_SECONDS = 1.0
# LibreOffice's start is not a document's fault: it gets its own, generous limit.
START_SECONDS = 60.0
# A worker converts this many documents, then a fresh soffice takes over.
RECYCLE_AFTER = 200
# A warm-up is a second's work: one that takes longer is given up, so documents do not wait
# behind it for a whole document's allowance.
WARM_UP_SECONDS = 20.0
BRIDGE_SCRIPT = str(Path(__file__).with_name("uno_bridge.py"))
_PYUNO_LIBRARIES = ("pyuno.so", "libpyuno.so", "libpyuno.dylib", "pyuno.pyd")
# All a build needs, as ./project.sh installs it: Calc for spreadsheet annexes, the UNO bridge
# for the fast path, fontconfig and pdftotext (poppler-utils) for the checks.
INSTALL_COMMAND = (
    "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui python3-uno "
    "fonts-liberation fonts-dejavu fonts-crosextra-carlito fonts-crosextra-caladea fontconfig "
    "poppler-utils"
)
CALC_INSTALL_COMMAND = "sudo apt-get install libreoffice-calc-nogui"
# What a document's failed conversion advises; left out where no document converted at all.
CHECK_THE_DOCUMENT = "controleer of het document in Word of LibreOffice opent"

WRITER_SUFFIXES = frozenset({".docx", ".odt"})
CALC_SUFFIXES = frozenset({".xlsx", ".ods"})
SUPPORTED_SUFFIXES = WRITER_SUFFIXES | CALC_SUFFIXES

_PDF_OPTIONS = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    # Opens with the bookmarks panel (/PageMode /UseOutlines), as the bundles do.
    "InitialView": {"type": "long", "value": "1"},
    # An office form is drawn as it looks, its values in the page's text, not exported as
    # fields: LibreOffice 7.4's PDF/A fields show empty (it writes empty appearance streams
    # for text and list fields, a check box's state under a name it does not draw, and drops
    # NeedAppearances as PDF/A asks), and their fonts are not embedded, so drawing them anew
    # would break PDF/A; a button's action (a submit) is forbidden in PDF/A-2 (ISO 19005-2
    # §6.4.1). office_files warns about a button that did something.
    "ExportFormFields": {"type": "boolean", "value": "false"},
}
# A batch only takes filter options in this JSON form. LibreOffice 7.4 maps the writer filter
# to calc_pdf_Export for spreadsheets itself, so one command line serves a mixed batch.
PDF_EXPORT_FILTER = "pdf:writer_pdf_Export:" + json.dumps(_PDF_OPTIONS, separators=(",", ":"))

_POLL_SECONDS = 0.05
_WORKSPACE_PREFIX = "assembler-convert-"
# Where in a worker's or batch's folder its documents are put for LibreOffice, which resolves
# a document's relative hyperlinks (what Word and LibreOffice save for a file on the same
# drive: '../../Beleid/nota.docx') against that folder. So deep that a link climbing this many
# folders up still lands inside the workspace, where normalise.finish_pdf turns it back into
# the relative link the document holds: no path of the build machine, and no random name of
# the workspace, goes into a PDF (DESIGN §6: equal inputs, equal bytes).
_LINK_ROOM = Path(*["d"] * 16)
_SEED_PREFIX = "libreoffice-profile-"
# Raised when what a kept profile holds changes, so that seeds kept before are replaced
# (3: LibreOffice loads nothing an office document links to; 4: Dutch locale setting; see
# _PROFILE_SETTINGS).
_SEED_FORMAT = "4"
# soffice's lock names the process holding the profile; a copy must not carry it.
_PROFILE_LOCKS = shutil.ignore_patterns(".lock")
# Nor the log of the graphics self-test, which a kept profile no longer runs (see keep).
_SEED_LEAVES_OUT = shutil.ignore_patterns(".lock", "GraphicsRenderTests.log")
_REGISTRY_NAMESPACE = "http://openoffice.org/2001/registry"
# LibreOffice loads a picture or object that an office document links to, rather than holds
# (a file of the build machine, any web address, an intranet server), while it converts the
# document, and draws it into the PDF; UpdateDocMode governs DDE and OLE links, not these.
# This setting makes it load none for a document outside its trusted locations (the build
# names none). Measured with LibreOffice 7.4, over the bridge and with --convert-to alike:
# no request for an http: picture, and no picture drawn for a file: one. annex_files refuses
# such annexes before; this is for what that check would miss.
_BLOCK_LINKS = (
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>'
    "</item>"
)
# LibreOffice shows what a document leaves to the reader's locale in its own locale setting,
# which otherwise follows the environment: en-US under the build's LANG=C.UTF-8 (or a clerk's
# en_GB). Excel stores its built-in formats that way (numFmtId 14 "Korte datum", 4 "#,##0.00",
# 10 "0.00%"): a Dutch reader's Excel shows 12-3-2027, 432.100,00 and 3,50%, an en-US
# conversion 3/12/2027, 432,100.00 and 3.50%, which a Dutch reader reads as 3 December and 432
# euro. The setting, not LANG: nl_NL.UTF-8 need not be generated on the build machine. Only
# the locale setting (Tools › Options › Language Settings › Locale setting): the user-interface
# language (ooLocale) formats no number, and without a Dutch language pack soffice puts en-US
# back at its start anyway. Written the way soffice writes it, so that a profile it has saved
# is seen to hold it.
_DUTCH_LOCALE = (
    '<item oor:path="/org.openoffice.Setup/L10N">'
    '<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>nl-NL</value></prop>'
    "</item>"
)
# What every worker's and batch's profile holds, a kept one's copy included; a seed kept before
# a setting was added gets it in each copy (and is replaced, see _SEED_FORMAT).
_PROFILE_SETTINGS = (_BLOCK_LINKS, _DUTCH_LOCALE)
_EMPTY_REGISTRY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<oor:items xmlns:oor="{_REGISTRY_NAMESPACE}" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    "</oor:items>\n"
)


@dataclass(frozen=True)
class ConversionJob:
    """One document to convert: ``source`` (.docx/.odt/.xlsx/.ods) to the PDF at ``target``."""

    source: Path
    target: Path


@dataclass(frozen=True)
class TimeoutPolicy:
    """Time limits of a soffice run: ``base + n * per_document`` seconds for ``n`` documents.

    ``base`` is for LibreOffice's start. Within a batch no document may take longer than
    ``base + per_document`` after the one before it, the limit it would have alone; a hang is
    caught after that, not at the end. A long-running worker, started already, gives each
    document ``per_document``.
    """

    base: float = 30.0
    per_document: float = 60.0

    def for_batch(self, size: int) -> float:
        """Seconds a batch of ``size`` documents may run before it is killed."""
        return self.base + self.per_document * max(size, 1)


class _Breaker:
    """Gives up on LibreOffice once it has hung on several documents without converting one.

    A LibreOffice that hangs on everything would otherwise take each document's whole
    allowance, start included: hours for a meeting, and a cron job's next run waiting on the
    lock. Shared by the workers and batches of one service.
    """

    LIMIT = 3

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converted = 0
        self._timeouts = 0

    def converted(self) -> None:
        """Count a document LibreOffice converted: the breaker then never opens."""
        with self._lock:
            self._converted += 1

    def timed_out(self) -> None:
        """Count a document LibreOffice hung on (see LIMIT)."""
        with self._lock:
            self._timeouts += 1

    @property
    def open(self) -> bool:
        """Whether the documents still to come are not tried."""
        with self._lock:
            return self._converted == 0 and self._timeouts >= self.LIMIT


_GAVE_UP = (
    f"niet geprobeerd: LibreOffice liep al {_Breaker.LIMIT} keer vast zonder één document om te "
    "zetten (zet één document om met 'soffice --headless --convert-to pdf' om LibreOffice zelf "
    "te controleren)"
)


@dataclass
class ConversionReport:
    """What a conversion run produced: the targets written and the sources that failed."""

    converted: list[Path] = field(default_factory=list)
    failures: dict[Path, str] = field(default_factory=dict)
    unwritable: dict[Path, OutputNotWritable] = field(default_factory=dict)
    """Of the failures, those whose PDF could not be written: the error itself, so the caller
    names the file where it goes, not the staging file it was written to."""

    @property
    def ok(self) -> bool:
        """True when every job produced its PDF."""
        return not self.failures

    def raise_on_failure(self) -> None:
        """Raise :class:`ConversionFailed` naming every failed source, if any failed."""
        if self.failures:
            lines = [f"{source}: {reason}" for source, reason in sorted(self.failures.items())]
            raise ConversionFailed("\n".join(lines))


# --------------------------------------------------------------------------- soffice lookup


def _soffice_environment(**extra: str) -> dict[str, str]:
    """The environment soffice runs in: the documents' dates in Dutch time.

    In UTC LibreOffice writes ``/CreationDate (D:…Z')``, which no date grammar allows and
    which costs every PDF a rewrite to mend (normalise.finish_pdf).
    """
    return dict(os.environ, TZ=LOCAL_TIME_ZONE, **extra)


def _install_advice(again: str = "") -> str:
    """What to do about a LibreOffice that cannot be used: ASSEMBLER_SOFFICE, when set, is
    what chose it (LibreOffice itself may be installed); otherwise install it (``again``)."""
    if os.environ.get(SOFFICE_ENV):
        return (
            f"zet {SOFFICE_ENV} op het pad van soffice, of haal de variabele weg om LibreOffice "
            "op het PATH te gebruiken"
        )
    return f"installeer het{again} met: {INSTALL_COMMAND}"


def find_soffice(soffice: str | None = None) -> str:
    """Path of the soffice binary: the argument, else $ASSEMBLER_SOFFICE, else PATH."""
    explicit = soffice or os.environ.get(SOFFICE_ENV)
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            origin = "" if soffice else f" (uit {SOFFICE_ENV})"
            advice = f"installeer het met: {INSTALL_COMMAND}" if soffice else _install_advice()
            raise LibreOfficeMissing(
                f"LibreOffice niet gevonden: '{explicit}'{origin} bestaat niet of is niet "
                f"uitvoerbaar ({advice})"
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise LibreOfficeMissing(
        "LibreOffice (soffice) is niet geïnstalleerd; het is nodig om PDF's te maken "
        f"(installeer het met: {INSTALL_COMMAND})"
    )


def _calc_installed(soffice: str) -> bool:
    # Debian's libreoffice-calc-nogui adds libsclo.so beside the real soffice; a fake or a
    # non-Debian layout without that program folder is given the benefit of the doubt.
    program = Path(os.path.realpath(soffice)).parent
    if not (program / "libswlo.so").exists() and not (program / "libmergedlo.so").exists():
        return True
    return (program / "libsclo.so").exists()


def libreoffice_version(soffice: str | None = None) -> str:
    """The version line of LibreOffice (e.g. ``LibreOffice 7.4.7.2 40(Build:2)``), cached."""
    return _version_of(find_soffice(soffice))


@lru_cache(maxsize=8)
def _version_of(binary: str) -> str:
    stamp = _binary_stamp(binary)
    memo = _version_memo_path()
    with contextlib.suppress(OSError, ValueError):
        cached = read_json(memo)
        if isinstance(cached, dict) and isinstance(cached.get(stamp), str):
            return str(cached[stamp])
    version = _ask_version(binary)
    write_cache_text(memo, json.dumps({stamp: version}))
    return version


def _binary_stamp(binary: str) -> str:
    # The wrapper script rarely changes on an upgrade; the real binary beside it does.
    real = Path(os.path.realpath(binary))
    parts = [str(real)]
    for candidate in (real, real.parent / "soffice.bin"):
        with contextlib.suppress(OSError):
            info = candidate.stat()
            parts.append(f"{info.st_mtime_ns}:{info.st_size}")
    return "|".join(parts)


def cache_root() -> Path:
    """The user's cache folder for assembler (the version memo, the kept profile)."""
    root = os.environ.get("XDG_CACHE_HOME")
    if not root:
        try:
            home = Path.home()
        except RuntimeError:  # no HOME and no passwd entry (a container's random user)
            home = None
        # HOME=/dev/null (a cron job's or service user's) or a home that does not exist:
        # the profile is kept in the temporary folder, not made anew at every build.
        if home is not None and home.is_dir():
            root = str(home / ".cache")
        else:
            root = os.path.join(tempfile.gettempdir(), f"assembler-cache-{os.getuid()}")
    return Path(root) / "assembler"


def _version_memo_path() -> Path:
    return cache_root() / "libreoffice-version.json"


def _ask_version(binary: str) -> str:
    try:
        process = subprocess.Popen(
            [binary, "--version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise LibreOfficeMissing(
            f"LibreOffice kan niet starten: {error.strerror or error} "
            f"({_install_advice(' opnieuw')})"
        ) from error
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        process.wait()
        raise LibreOfficeMissing(
            f"LibreOffice reageert niet op '--version' ({_install_advice(' opnieuw')})"
        ) from None
    finally:
        _kill_group(process.pid)
    lines = [line.strip() for line in out.decode("utf-8", "replace").splitlines()]
    version = next((line for line in lines if line), "")
    return version or f"onbekend ({binary})"


# --------------------------------------------------------------------------- conversion


@dataclass(frozen=True)
class _Doc:
    index: int
    job: ConversionJob
    weight: float

    @property
    def stem(self) -> str:
        return f"d{self.index:05d}"

    @property
    def staged_name(self) -> str:
        return self.stem + self.job.source.suffix.lower()


@dataclass(frozen=True)
class _Outcome:
    """An event from a worker thread to the coordinating thread."""

    doc: _Doc | None = None
    converted: bool = False
    reason: str = ""
    unfinished: tuple[tuple[_Doc, str], ...] = ()
    task_done: bool = False
    error: BaseException | None = None
    unwritable: OutputNotWritable | None = None


class _Cancelled(Exception):
    pass


class _TempRefused(Exception):
    """The temporary folder refused to hold a batch's set-up (a full TMPDIR)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _ProfileSeed:
    """A set-up LibreOffice profile kept between runs, copied into each new profile folder.

    In an empty profile folder soffice sets the profile up and then starts itself a second
    time, which costs every worker of every build a fifth of a second of CPU and its wait;
    and at every start it runs a graphics self-test unless the profile records the version
    as seen, which a headless soffice never records (see :func:`_mark_as_seen`). The kept
    copy carries that record. The first profile that has been set up is kept in the user's
    cache, one per LibreOffice installation: a worker's once soffice accepts documents
    (before it has seen one), a batch's once soffice has ended normally. A worker that fails
    to start in a copy makes the seed go; the next soffice that starts well leaves a new one.
    """

    def __init__(self, binary: str) -> None:
        stamp = f"{_SEED_FORMAT}|{_binary_stamp(binary)}"
        digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
        self.path = cache_root() / f"{_SEED_PREFIX}{digest}"
        self.binary = binary

    def ready(self) -> bool:
        return (self.path / "user" / "registrymodifications.xcu").is_file()

    def plant(self, profile: Path) -> bool:
        """Fill the empty folder ``profile`` from the seed; False when there is none."""
        if not self.ready():
            return False
        try:
            shutil.copytree(self.path, profile, ignore=_PROFILE_LOCKS, dirs_exist_ok=True)
        except (OSError, shutil.Error):
            shutil.rmtree(profile, ignore_errors=True)
            return False
        return True

    def keep(self, profile: Path) -> None:
        """Keep a copy of ``profile``, which a soffice has set up, if none is kept."""
        if self.ready() or not (profile / "user" / "registrymodifications.xcu").is_file():
            return
        from lxml import etree

        # The seed only saves time: a full disk or a read-only home must not stop a build.
        with contextlib.suppress(OSError, shutil.Error):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():  # what an interrupted removal left: not a seed
                self.discard()
            temp = Path(tempfile.mkdtemp(prefix=".seed-", dir=self.path.parent))
            try:
                shutil.copytree(profile, temp, ignore=_SEED_LEAVES_OUT, dirs_exist_ok=True)
                registry = temp / "user" / "registrymodifications.xcu"
                tree = etree.parse(str(registry))
                version = _product_version(self.binary)
                if version is not None:
                    _mark_as_seen(tree, version)
                    with atomic_path(registry) as written:
                        tree.write(str(written), xml_declaration=True, encoding="UTF-8")
                os.rename(temp, self.path)  # complete or not there: a seed is never half
            except Exception:  # a profile that cannot be read or edited is simply not kept
                shutil.rmtree(temp, ignore_errors=True)
                return
            for old in self.path.parent.glob(_SEED_PREFIX + "*"):
                if old != self.path:  # kept for a LibreOffice that has been replaced
                    _remove_aside(old)
            # Left by a build killed while copying or removing a seed; another build may
            # be copying one right now, so only an old copy counts as left behind.
            for left in self.path.parent.glob(".gone-*"):
                shutil.rmtree(left, ignore_errors=True)
            for left in self.path.parent.glob(".seed-*"):
                if time.time() - left.stat().st_mtime > 3600:
                    shutil.rmtree(left, ignore_errors=True)

    def discard(self) -> None:
        """Remove the seed; a copy already being planted elsewhere is not disturbed."""
        _remove_aside(self.path)


def _product_version(binary: str) -> str | None:
    """The installation's ``ooSetupVersion`` (``7.4``); None if it cannot be found.

    Read from the main.xcd beside the binary, or else taken from ``soffice --version``
    (LibreOffice compares only the first two numbers).
    """
    share = Path(os.path.realpath(binary)).parent.parent / "share"
    for candidate in (share / ".registry" / "main.xcd", share / "registry" / "main.xcd"):
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = re.search(r'<prop oor:name="ooSetupVersion">\s*<value>([0-9.]+)</value>', text)
        if found:
            return found.group(1)
    with contextlib.suppress(AssemblerError, OSError):
        found = re.search(r"\b(\d+\.\d+)\.\d", _version_of(binary))
        if found:
            return found.group(1)
    return None


def _mark_as_seen(tree: etree._ElementTree, version: str) -> None:
    """Record in a profile's registry that this LibreOffice version has run in it before.

    soffice runs a graphics self-test (about 60 drawings) at every start of a version it
    has not recorded; the record is only made when a document window is shown, which a
    headless soffice never does. Measured here: a start with one document took 0.97
    CPU-seconds without the record and 0.25 with it, for the same PDF.
    """
    from lxml import etree

    items = tree.getroot()
    path_attribute = f"{{{_REGISTRY_NAMESPACE}}}path"
    name_attribute = f"{{{_REGISTRY_NAMESPACE}}}name"
    for item in items.findall("item"):
        if item.get(path_attribute) == "/org.openoffice.Setup/Product":
            for prop in item.findall("prop"):
                if prop.get(name_attribute) == "ooSetupLastVersion":
                    item.remove(prop)
            if len(item) == 0:
                items.remove(item)
    item = etree.SubElement(items, "item", {path_attribute: "/org.openoffice.Setup/Product"})
    prop = etree.SubElement(
        item,
        "prop",
        {name_attribute: "ooSetupLastVersion", f"{{{_REGISTRY_NAMESPACE}}}op": "fuse"},
    )
    etree.SubElement(prop, "value").text = version


def _settle_profile(profile: Path) -> None:
    """Give the soffice of ``profile`` the build's settings (see _PROFILE_SETTINGS)."""
    registry = profile / "user" / "registrymodifications.xcu"
    try:
        text = registry.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    missing = [setting for setting in _PROFILE_SETTINGS if setting not in text]
    if not missing:
        return  # a seed's copy, or a profile used before
    added = "".join(f"{setting}\n" for setting in missing)
    with_them = text.replace("</oor:items>", f"{added}</oor:items>", 1)
    # An empty profile (soffice sets up the rest around it), or a registry soffice would
    # not read either.
    if added not in with_them:
        added = "".join(f"{setting}\n" for setting in _PROFILE_SETTINGS)
        with_them = _EMPTY_REGISTRY.replace("</oor:items>", f"{added}</oor:items>")
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(with_them, encoding="utf-8")  # a throw-away copy: no fsync


def _remove_aside(folder: Path) -> None:
    # Renamed first, so that no one ever plants from (or keeps) a half-removed folder.
    aside = folder.with_name(f".gone-{folder.name}-{os.getpid()}-{threading.get_ident()}")
    try:
        os.rename(folder, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


class _Profiles:
    """Hands each running task a LibreOffice profile folder that no other process uses."""

    def __init__(self, root: Path, seed: _ProfileSeed | None = None) -> None:
        self._root = root
        self._seed = seed
        self._free: list[Path] = []
        self._count = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[Path, bool]:
        """A profile folder, and whether it was copied from the seed."""
        with self._lock:
            if self._free:
                profile = self._free.pop()
            else:
                self._count += 1
                profile = self._root / f"profile-{self._count}"
        # A profile left by a soffice that closed normally is set up already.
        seeded = not profile.exists() and self._seed is not None and self._seed.plant(profile)
        _settle_profile(profile)
        return profile, seeded

    def set_up(self, profile: Path) -> None:
        """``profile`` has started a soffice: keep it as the seed if there is none yet."""
        if self._seed is not None:
            self._seed.keep(profile)

    def failed(self, seeded: bool) -> None:
        """A soffice did not start in a profile copied from the seed: the seed goes."""
        if seeded and self._seed is not None:
            self._seed.discard()

    def give_back(self, profile: Path, *, clean: bool) -> None:
        """Take ``profile`` back for reuse, unless a killed soffice left it.

        A killed soffice can leave a lock or a half-written registry behind, so its profile
        is not reused; it goes with the workspace. Emptying it for reuse would gain nothing
        (a new profile is a 4-ms copy of the seed) and cost 0.25 s at the end of a build:
        each of its hundred-odd system calls gives up the GIL, and the threads writing the
        meeting bundles hold it for a switch interval each time.
        """
        if clean:
            with self._lock:
                self._free.append(profile)


class _ProcessGroups:
    """The soffice process groups started and not yet ended; all killed on a cancel."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self._groups: set[int] = set()
        self._lock = threading.Lock()

    def add(self, group: int) -> None:
        """Remember a group; one started after the cancel is killed at once."""
        with self._lock:
            self._groups.add(group)
        if self.cancel.is_set():
            _kill_group(group)

    def discard(self, group: int) -> None:
        """Forget a group that has ended."""
        with self._lock:
            self._groups.discard(group)

    def running(self) -> list[int]:
        """The groups remembered now."""
        with self._lock:
            return sorted(self._groups)

    def kill_all(self) -> None:
        """Cancel: kill every group still running."""
        self.cancel.set()
        with self._lock:
            for group in list(self._groups):
                _kill_group(group)


class _Runner:
    """Runs batches of documents through soffice; shared by the worker threads of one call."""

    def __init__(
        self,
        soffice: str,
        root: Path,
        timeout: TimeoutPolicy,
        epoch: int | None,
        events: queue.Queue[_Outcome],
        profiles: _Profiles,
        breaker: _Breaker,
    ) -> None:
        self.soffice = soffice
        self.root = root
        self.timeout = timeout
        self.epoch = epoch
        self.events = events
        self.profiles = profiles
        self.breaker = breaker
        self.groups = _ProcessGroups()
        self.cancel = self.groups.cancel
        self._task_ids = iter(range(1, 1 << 30))
        self._task_lock = threading.Lock()

    def kill_all(self) -> None:
        """Cancel: kill every soffice this runner started that still runs."""
        self.groups.kill_all()

    def run_task(self, docs: Sequence[_Doc]) -> None:
        """Convert one batch; its outcomes, and any error, go to :attr:`events`, never up."""
        try:
            self._run_task(docs)
        except BaseException as error:
            self.events.put(_Outcome(error=error, task_done=True))
        else:
            self.events.put(_Outcome(task_done=True))

    def _run_task(self, docs: Sequence[_Doc]) -> None:
        if self.cancel.is_set():
            return
        if self.breaker.open:
            for doc in docs:
                self.events.put(_Outcome(doc=doc, reason=_GAVE_UP))
            return
        with self._task_lock:
            task_id = next(self._task_ids)
        workdir = self.root / f"task-{task_id}"
        inbox = workdir / "in" / _LINK_ROOM
        outbox = workdir / "out"
        try:
            inbox.mkdir(parents=True)
            outbox.mkdir()
        except OSError as error:
            self._refused(docs, error, workdir)
            return
        staged: list[_Doc] = []
        for doc in docs:
            try:
                _stage(doc.job.source, inbox / doc.staged_name)
            except OSError as error:
                self.events.put(_Outcome(doc=doc, reason=_staging_failed(doc.job.source, error)))
                continue
            staged.append(doc)
        if not staged:
            return

        try:
            profile, _seeded = self.profiles.take()
        except OSError as error:
            self._refused(staged, error, workdir)
            return
        finished: set[int] = set()
        clean = False
        try:
            clean, failure, timed_out = self._run_soffice(staged, inbox, outbox, profile, finished)
            # A batch that fails may be one broken document as well as a broken profile, so
            # only a worker's failed start (see _UnoWorker._start) makes the seed go.
            if clean:
                self.profiles.set_up(profile)
        except _TempRefused as refused:
            self._refused(staged, refused.error, workdir)
            return
        finally:
            self.profiles.give_back(profile, clean=clean)
        unfinished: list[tuple[_Doc, str]] = []
        for doc in staged:
            if doc.index in finished:
                continue
            problem = self._finish(doc, outbox)
            if problem is not None:
                unfinished.append((doc, problem or failure))
        if timed_out and len(unfinished) == 1:
            # Counted once per document that hung: a batch's other documents are tried
            # again one by one (see ConversionService._run_batches), this one is not.
            self.breaker.timed_out()
        if unfinished:
            self.events.put(_Outcome(unfinished=tuple(unfinished)))
        shutil.rmtree(workdir, ignore_errors=True)

    def _refused(self, docs: Sequence[_Doc], error: OSError, workdir: Path) -> None:
        """The temporary folder refused a batch's set-up: each document fails with why (not
        the document's fault, so not retried one by one)."""
        for doc in docs:
            self.events.put(_Outcome(doc=doc, reason=_temp_refused(error)))
        shutil.rmtree(workdir, ignore_errors=True)

    def _run_soffice(
        self,
        docs: Sequence[_Doc],
        inbox: Path,
        outbox: Path,
        profile: Path,
        finished: set[int],
    ) -> tuple[bool, str, bool]:
        """Run one soffice over ``docs``; finish documents as later outputs appear.

        Returns whether it ended cleanly, why not, and whether it was stopped for time.
        """
        command = [
            *_soffice_command(self.soffice, profile),
            "--convert-to",
            PDF_EXPORT_FILTER,
            "--outdir",
            str(outbox),
            *(str(inbox / doc.staged_name) for doc in docs),
        ]
        workdir = outbox.parent
        try:
            log = (workdir / "soffice.log").open("wb")
        except OSError as error:
            raise _TempRefused(error) from None
        try:
            try:
                process = subprocess.Popen(
                    command,
                    cwd=workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    # A killed soffice leaves its temporary folder: here, in the workspace.
                    env=_soffice_environment(TMPDIR=str(workdir)),
                )
            except OSError as error:
                raise LibreOfficeMissing(
                    f"LibreOffice kan niet starten ({self.soffice}): "
                    f"{error.strerror or error} ({_install_advice()})"
                ) from error
            self.groups.add(process.pid)
            try:
                outcome, waited = self._watch(process, docs, outbox, finished)
            finally:
                # Reap only after the group is gone: while the leader is a zombie its pid
                # cannot be reused, so the group id still names our processes.
                _kill_group(process.pid)
                process.wait()
                self.groups.discard(process.pid)
                _remove_pipes(profile)
        finally:
            log.close()
        if outcome == "timeout":
            return False, _timeout_reason(f"{waited:.0f}"), True
        if outcome == "cancelled":
            raise _Cancelled
        detail = _soffice_error(workdir / "soffice.log")
        return outcome == "exit-0", detail, False

    def _watch(
        self,
        process: subprocess.Popen[bytes],
        docs: Sequence[_Doc],
        outbox: Path,
        finished: set[int],
    ) -> tuple[str, float]:
        """Wait for soffice; the outcome, and for a timeout how long it was given."""
        started = time.monotonic()
        batch_limit = self.timeout.for_batch(len(docs))
        # No document may take longer than it would alone, so a hang early in a long
        # batch is caught after one document's allowance, not the whole batch's.
        stall_limit = self.timeout.for_batch(1)
        last_progress = started
        highest = -1
        position = 0
        while True:
            try:
                status = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                status = None
            if status is not None:
                return ("exit-0" if status.si_status == 0 else "exit-error"), 0.0
            if self.cancel.is_set():
                return "cancelled", 0.0
            now = time.monotonic()
            if now > started + batch_limit:
                return "timeout", batch_limit
            if now > last_progress + stall_limit:
                return "timeout", stall_limit
            # soffice converts in command-line order, so once a later document's PDF shows
            # up, every earlier one is complete (or has failed for good).
            present = _listdir(outbox)
            latest = max(
                (i for i, doc in enumerate(docs) if doc.stem + ".pdf" in present), default=-1
            )
            if latest > highest:
                highest, last_progress = latest, now
            while position < latest:
                doc = docs[position]
                if doc.index not in finished and self._finish(doc, outbox) is None:
                    finished.add(doc.index)
                position += 1
            time.sleep(_POLL_SECONDS)

    def _finish(self, doc: _Doc, outbox: Path) -> str | None:
        produced = outbox / (doc.stem + ".pdf")
        staged = (outbox.parent / "in" / _LINK_ROOM, self.root)
        return _deliver(doc, produced, self.epoch, self.events, self.breaker, staged)


def _deliver(
    doc: _Doc,
    produced: Path,
    epoch: int | None,
    events: queue.Queue[_Outcome],
    breaker: _Breaker,
    staged: tuple[Path, Path],
) -> str | None:
    """Check the PDF LibreOffice made for ``doc`` and move it to its target.

    ``staged``: the folder LibreOffice read the document from, and the workspace it is in.
    None when the document is done with (converted, or failed for a reason a retry cannot
    fix); otherwise why its PDF is unusable ("" when there is none).
    """
    import pikepdf

    from assembler.normalise import finish_pdf

    if not produced.exists():
        return ""
    try:
        # Checked, mended and normalised while open once: most PDFs are only read here.
        problem = finish_pdf(produced, epoch, links_from=staged[0], workspace=staged[1])
        if problem is not None:
            return problem
        with atomic_path(doc.job.target) as temp:
            try:
                os.replace(produced, temp)
            except OSError:
                shutil.copyfile(produced, temp)
    except OutputNotWritable as error:
        events.put(_Outcome(doc=doc, reason=error.message, unwritable=error))
        return None
    except AssemblerError as error:
        events.put(_Outcome(doc=doc, reason=error.message))
        return None
    except (OSError, pikepdf.PdfError) as error:
        events.put(_Outcome(doc=doc, reason=f"PDF niet te verwerken: {error}"))
        return None
    breaker.converted()
    events.put(_Outcome(doc=doc, converted=True))
    return None


def _soffice_command(soffice: str, profile: Path) -> list[str]:
    """soffice without a window, dialogue or recovery, in a profile of its own."""
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
    ]


def _stage(source: Path, staged: Path) -> None:
    # A hard link costs nothing, for a document the build made in its staging folder. A
    # clerk's file (an office annex, the template converted to warm up) is copied: a link
    # sets its change time, which tells the build that the file changed while outputs were
    # made of it (see build_cache.KeyedFile). Across file systems a copy also shields the
    # batch from edits to the source while LibreOffice reads it.
    if source.parent.name.startswith(TEMP_PREFIX):
        try:
            os.link(source, staged)
            return
        except OSError:
            pass
    shutil.copyfile(source, staged)


def _staging_failed(source: Path, error: OSError) -> str:
    """Why ``source`` could not be put where LibreOffice reads it, in Dutch: the document, or
    the temporary folder (which a clerk looking at the project's disk would not suspect)."""
    try:
        with open(source, "rb") as handle:
            handle.read(1)
    except OSError as unread:
        return f"kan het bestand niet lezen: {unreadable(unread)}"
    return _temp_refused(error)


def _temp_refused(error: OSError) -> str:
    """Why the temporary folder (the workspace, a profile, a staged copy) could not be
    written, in Dutch, with what to do: a clerk looking at the project's disk would not
    suspect it."""
    temp = tempfile.gettempdir()
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"de tijdelijke map {temp} is vol (maak daar ruimte vrij, of zet TMPDIR op een map "
            "met ruimte)"
        )
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "is alleen-lezen of afgeschermd"
    else:
        why = f"weigert het ({error.strerror or error})"
    return f"de tijdelijke map {temp} {why} (zet TMPDIR op een map waarin u mag schrijven)"


def _listdir(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


_UNREADABLE = "Error: source file could not be loaded"


def _soffice_error(log: Path) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    errors = [line.strip() for line in text.splitlines() if line.strip().startswith("Error")]
    if not errors or errors[-1] == _UNREADABLE:
        # An unreadable document: the Dutch reason says all there is (as the workers do).
        return ""
    return errors[-1]


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _balance(docs: Sequence[_Doc], bins: int) -> list[list[_Doc]]:
    """Split ``docs`` into ``bins`` batches of about equal weight, each in job order."""
    loads = [0.0] * bins
    batches: list[list[_Doc]] = [[] for _ in range(bins)]
    for doc in sorted(docs, key=lambda d: (-d.weight, d.index)):
        lightest = min(range(bins), key=lambda b: (loads[b], b))
        loads[lightest] += doc.weight
        batches[lightest].append(doc)
    return [sorted(batch, key=lambda d: d.index) for batch in batches if batch]


def _weight(source: Path) -> float:
    # Start-up per document is fixed; beyond that, time grows roughly with file size.
    try:
        return 1.0 + source.stat().st_size / 250_000
    except OSError:
        return 1.0


# How long a workspace without its owner file is taken to be one being made.
_OWNERLESS_KEPT_SECONDS = 600


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    _remove_stale_workspaces()
    root: Path | None = None
    try:
        root = Path(tempfile.mkdtemp(prefix=_WORKSPACE_PREFIX))
        (root / "owner").write_text(str(os.getpid()), encoding="ascii")
    except OSError as error:
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
        raise EnvironmentProblem(f"omzetten naar PDF mislukt: {_temp_refused(error)}") from None
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _remove_stale_workspaces() -> None:
    # A build killed with SIGKILL cannot clean up; the next conversion does it instead.
    with contextlib.suppress(OSError):
        killed = False
        for entry in Path(tempfile.gettempdir()).glob(_WORKSPACE_PREFIX + "*"):
            try:
                owner = int((entry / "owner").read_text(encoding="ascii"))
            except (OSError, ValueError):
                # A stop just after soffice started: the workspace was removed while soffice
                # still wrote its profile into it, which made the folders again, without the
                # owner. No build is so slow to write its owner: left alone while it is young.
                owner = None
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat().st_mtime < _OWNERLESS_KEPT_SECONDS:
                        continue
            if owner is None or not _alive(owner):
                # Its soffices' pipes are named after their profiles, which are going now.
                for profile in entry.glob("profile-*"):
                    _remove_pipes(profile)
                shutil.rmtree(entry, ignore_errors=True)
                killed = True
        if killed:
            _remove_dead_bridge_pipes()


def _remove_dead_bridge_pipes() -> None:
    """Remove the pipes of bridges that are gone (killed with their build)."""
    prefix = f"OSL_PIPE_{os.getuid()}_assembler-"
    for name in os.listdir(_PIPE_FOLDER):
        bridge = name.removeprefix(prefix)
        if bridge != name and bridge.isdigit() and not _alive(int(bridge)):
            with contextlib.suppress(OSError):
                (_PIPE_FOLDER / name).unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reason_for(problem: str) -> str:
    if problem.startswith("LibreOffice"):
        return problem
    detail = f" (LibreOffice meldt: {problem})" if problem else ""
    return f"LibreOffice gaf geen PDF; {CHECK_THE_DOCUMENT}{detail}"


# --------------------------------------------------------------------------- long-running workers


def uno_python(soffice: str) -> str | None:
    """The Python that can run :mod:`assembler.uno_bridge` for this LibreOffice, or None.

    LibreOffice's own builds bring ``program/python``; Debian's ``python3-uno`` puts the
    ``uno`` module on the system ``python3`` and ``pyuno.so`` beside soffice. Without the
    bridge (or with ``ASSEMBLER_UNO=0``) documents go through one-shot batches instead.
    """
    if os.environ.get(UNO_ENV, "").strip() == "0":
        return None
    program = Path(os.path.realpath(soffice)).parent
    if not any((program / name).exists() for name in _PYUNO_LIBRARIES):
        return None
    bundled = program / "python"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class _LineReader:
    """Whole lines from a pipe, each waited for with a deadline; no buffering surprises."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def read(self, deadline: float, cancel: threading.Event) -> bytes | None:
        """The next line, b"" when the pipe closed, None when the deadline or a cancel came."""
        while b"\n" not in self.buffer:
            if cancel.is_set():
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], min(remaining, _POLL_SECONDS * 4))
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return b""
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


class _UnoWorker:
    """One soffice that stays up, behind a bridge process; converts one document at a time."""

    def __init__(
        self, service: ConversionService, number: int, python: str, delay: float = 0.0
    ) -> None:
        self.service = service
        self.number = number
        self.python = python
        self.delay = delay
        self.workdir = service.root / f"worker-{number}"
        self.process: subprocess.Popen[bytes] | None = None
        self.reader: _LineReader | None = None
        self.profile: Path | None = None
        self.seeded = False  # whether the profile came from the kept seed
        self.deadline = 0.0  # when a launched soffice must have said it is ready
        self.served = 0
        self.requests = iter(range(1, 1 << 30))

    def serve(self) -> None:
        """Take documents from the service's queue until it says stop; report when done."""
        service = self.service
        try:
            if self.process is None:  # not launched by the caller (a later, staggered worker)
                service.cancel.wait(self.delay)
                self.launch()
            usable = self.process is not None and self._ready()
            if usable and service.warm_up is not None and service.submitted == 0:
                self._warm_up(service.warm_up)
            while True:
                doc = service.queue.get()
                if doc is None:
                    break
                if not usable:
                    service.to_batches(doc)
                    continue
                usable = self._convert(doc)
        except _Cancelled:
            service.events.put(_Outcome(task_done=True))
        except BaseException as error:
            service.events.put(_Outcome(error=error, task_done=True))
        else:
            service.events.put(_Outcome(task_done=True))
        finally:
            self._stop()

    def _start(self) -> bool:
        return self.launch() and self._ready()

    def launch(self) -> bool:
        """Start soffice behind its bridge without waiting for it; False when it cannot start."""
        service = self.service
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.profile, self.seeded = service.profiles.take()
        except OSError:
            # A full TMPDIR: the documents go to one-shot batches, which say so per document.
            return False
        # soffice makes its temporary folder under TMPDIR and, killed, leaves it there: in the
        # worker's folder it goes with the service's workspace.
        env = _soffice_environment(TMPDIR=str(self.workdir))
        command = [self.python, BRIDGE_SCRIPT, *_soffice_command(service.binary, self.profile)]
        if not self.python.startswith(str(Path(os.path.realpath(service.binary)).parent)):
            # A system Python must not pick up the virtual environment's settings.
            for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
                env.pop(name, None)
            command.insert(1, "-s")
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                env=env,
            )
        except OSError:
            return False
        self.process = process
        assert process.stdout is not None
        self.reader = _LineReader(process.stdout.fileno())
        service.groups.add(process.pid)
        self.deadline = time.monotonic() + START_SECONDS
        return True

    def _ready(self) -> bool:
        """Wait for the launched soffice to say it is ready; False (and stopped) if it does not."""
        service = self.service
        assert self.reader is not None and self.profile is not None
        line = self.reader.read(self.deadline, service.cancel)
        if service.cancel.is_set():
            raise _Cancelled
        try:
            ready = line is not None and json.loads(line).get("ready") is True
        except ValueError:
            ready = False
        if ready:
            service.profiles.set_up(self.profile)
        else:
            service.profiles.failed(self.seeded)
            self._stop()
        return ready

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            # No graceful shutdown: the profile is thrown away, and waiting for LibreOffice
            # to close would only add to the build's time.
            _kill_group(process.pid)
            process.wait()
            self.service.groups.discard(process.pid)
            if self.profile is not None:
                _remove_pipes(self.profile, process.pid)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if self.profile is not None:
            # Killed, not closed: the profile may be half-written, so it is not reused.
            self.service.profiles.give_back(self.profile, clean=False)
            self.profile = None
        self.served = 0

    def _convert(self, doc: _Doc) -> bool:
        """Convert ``doc``, retrying once on a fresh soffice; False when no soffice starts."""
        service = self.service
        if service.breaker.open:
            service.events.put(_Outcome(doc=doc, reason=_GAVE_UP))
            return True
        problem = ""
        for _attempt in range(2):
            if self.process is None and not self._start():
                service.to_batches(doc)
                return False
            outcome, detail = self._request(doc)
            if outcome == "done":
                return True
            if outcome == "timeout":
                service.breaker.timed_out()
                service.events.put(_Outcome(doc=doc, reason=_timeout_reason(detail)))
                self._stop()
                return True
            problem = detail
            if outcome == "died":
                self._stop()
        service.events.put(_Outcome(doc=doc, reason=_reason_for(problem)))
        return True

    def _request(self, doc: _Doc) -> tuple[str, str]:
        """One conversion: ("done", ""), ("retry"/"died", why) or ("timeout", seconds)."""
        service = self.service
        inbox = self.workdir / _LINK_ROOM / doc.staged_name
        produced = self.workdir / (doc.stem + ".pdf")
        try:
            inbox.parent.mkdir(parents=True, exist_ok=True)
            _stage(doc.job.source, inbox)
        except OSError as error:
            service.events.put(_Outcome(doc=doc, reason=_staging_failed(doc.job.source, error)))
            return "done", ""
        try:
            reply = self._exchange(inbox, produced)
            if isinstance(reply, tuple):
                return reply
            self.served += 1
            if not reply.get("ok"):
                # As with --convert-to: an unreadable document gets no detail, a failed
                # export LibreOffice's own words.
                detail = str(reply.get("error", "")) if reply.get("stage") == "store" else ""
                service.events.put(_Outcome(doc=doc, reason=_reason_for(detail)))
                return "done", ""
            problem = _deliver(
                doc,
                produced,
                service.epoch,
                service.events,
                service.breaker,
                (inbox.parent, service.root),
            )
            if problem is not None:
                return "retry", problem
            if self.served >= RECYCLE_AFTER:
                # A long-lived soffice slowly grows; a fresh one costs a second.
                self._stop()
            return "done", ""
        finally:
            _unlink_quietly(inbox, produced)

    def _exchange(
        self, source: Path, target: Path, limit: float | None = None
    ) -> dict[str, Any] | tuple[str, str]:
        """Ask the bridge to convert ``source`` to ``target``: its reply, or why there is none.

        Why: ("timeout", seconds) or ("died", what happened). ``limit`` defaults to one
        document's allowance.
        """
        service = self.service
        assert self.process is not None and self.process.stdin is not None
        assert self.reader is not None
        number = next(self.requests)
        request = {
            "id": number,
            "source": str(source),
            "target": str(target),
            "filter": (
                "calc_pdf_Export" if source.suffix.lower() in CALC_SUFFIXES else "writer_pdf_Export"
            ),
        }
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError:
            return "died", _STOPPED
        if limit is None:
            # A worker is up already: a document gets its own allowance, not a start's too.
            limit = service.policy.per_document
        line = self.reader.read(time.monotonic() + limit, service.cancel)
        if service.cancel.is_set():
            raise _Cancelled
        if line is None:
            return "timeout", f"{limit:.0f}"
        if not line:
            return "died", _STOPPED
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or reply.get("id") != number:
            # Out of step with the bridge: a fresh worker rather than trust the answer.
            return "died", _STOPPED
        return reply

    def _warm_up(self, source: Path) -> None:
        """Convert ``source`` and throw the PDF away, so the first real document goes fast.

        A fresh soffice spends most of a second on its first document, loading the Word
        import, the PDF export and the fonts; until the caller has rendered one, it would
        otherwise sit idle. A warm-up that fails costs little more: without an answer the
        worker is stopped and starts again with its first document.
        """
        inbox = self.workdir / f"warm-up{source.suffix.lower()}"
        produced = self.workdir / "warm-up.pdf"
        try:
            _stage(source, inbox)
        except OSError:
            return  # an unreadable template is the render's to report
        limit = min(self.service.policy.for_batch(1), WARM_UP_SECONDS)
        try:
            answered = not isinstance(self._exchange(inbox, produced, limit), tuple)
        except OSError:
            answered = False
        finally:
            _unlink_quietly(inbox, produced)
        if not answered:
            self._stop()


# Where LibreOffice's named pipes live: sal's pipe code fixes the folder, whatever TMPDIR
# says, and soffice removes a socket only when it closes, never when it is killed.
_PIPE_FOLDER = Path("/tmp")


def pipe_names(profile: Path, bridge_pid: int | None = None) -> list[str]:
    """The names of the pipes a soffice in ``profile`` makes: its own, and the bridge's."""
    uid = os.getuid()
    # The single-instance pipe is named after the profile: desktop's CreateMD5FromString
    # hashes the UTF-16 of its URL and writes each byte in hex without a leading zero.
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False)
    hexits = "".join(f"{byte:x}" for byte in digest.digest())
    names = [f"OSL_PIPE_{uid}_SingleOfficeIPC_{hexits}"]
    if bridge_pid is not None:
        # The name the bridge gives the pipe it accepts on (uno_bridge.main).
        names.append(f"OSL_PIPE_{uid}_assembler-{bridge_pid}")
    return names


def _unlink_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _remove_pipes(profile: Path, bridge_pid: int | None = None) -> None:
    """Remove the sockets of a killed soffice's pipes, which it could not remove itself."""
    _unlink_quietly(*(_PIPE_FOLDER / name for name in pipe_names(profile, bridge_pid)))


_STOPPED = (
    "LibreOffice stopte onverwacht tijdens het omzetten, ook bij een tweede poging "
    f"({CHECK_THE_DOCUMENT})"
)


def _timeout_reason(seconds: str) -> str:
    return (
        # Mostly LibreOffice itself, once (a one-page agenda hung in review): try again first.
        f"LibreOffice kwam {seconds} seconden niet verder en is gestopt (bouw opnieuw; loopt "
        f"het weer vast, {CHECK_THE_DOCUMENT}, of geef een groot document meer tijd met "
        "--timeout)"
    )


class ConversionService:
    """Converts documents while the caller is still submitting them.

    With LibreOffice's Python bridge installed, long-running ``soffice`` workers start at once
    and take each document as it is submitted, so LibreOffice's start-up overlaps the
    caller's own work. Without it, documents are collected and converted in one-shot
    batches by :meth:`finish`. Outcomes reach the caller's thread through :meth:`poll` and
    :meth:`finish`, which also call ``progress`` for each PDF written. With ``stagger`` and
    many documents, a second worker starts a second after the first. With ``warm_up``, a
    worker that is up before the caller has submitted anything converts that file first, to
    a PDF it throws away.
    """

    def __init__(
        self,
        *,
        expected: int | None,
        workers: int | None = None,
        soffice: str | None = None,
        timeout: TimeoutPolicy | None = None,
        source_date_epoch: int | None = None,
        progress: Callable[[Path], None] | None = None,
        stagger: bool = True,
        warm_up: Path | None = None,
    ) -> None:
        # A missing LibreOffice matters only once there is something to convert.
        self._missing: LibreOfficeMissing | None = None
        try:
            self.binary = find_soffice(soffice)
        except LibreOfficeMissing as missing:
            self.binary, self._missing = "", missing
        self.policy = timeout or TimeoutPolicy()
        self.epoch = source_date_epoch
        self.progress = progress
        self.workers = workers
        self.stagger = stagger
        self.warm_up = warm_up
        self.report = ConversionReport()
        self.breaker = _Breaker()
        self.events: queue.Queue[_Outcome] = queue.Queue()
        self.queue: queue.Queue[_Doc | None] = queue.Queue()
        self.groups = _ProcessGroups()
        self.cancel = self.groups.cancel
        self._stack = contextlib.ExitStack()
        self.root = self._stack.enter_context(_workspace())
        self.profiles = _Profiles(self.root, _ProfileSeed(self.binary) if self.binary else None)
        self._converted: dict[int, Path] = {}
        self._batched: list[_Doc] = []
        self._batched_lock = threading.Lock()
        self._count = 0
        self._calc: bool | None = None
        self._error: BaseException | None = None
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._python = uno_python(self.binary) if expected != 0 and self.binary else None
        self._first_start = 0.0
        try:
            if expected is None:
                # Whether anything needs converting is not known yet (see expect): one worker
                # starts on speculation, so its start-up overlaps the caller's finding out.
                self._add_workers(1, stagger=False)
            elif expected:
                self.expect(expected)
        except BaseException:
            # Ctrl-C while the first soffice is launched here: the caller gets no service to
            # close, so its soffice and workspace are cleared now.
            self.close()
            raise

    def expect(self, count: int) -> None:
        """Say how many documents will be submitted: start the workers they are worth.

        With none, a worker started on speculation is stopped at once.
        """
        if self._python is None:
            return
        if count == 0:
            self._stop_workers()
            self._python = None  # the workers are cancelled: anything later goes to batches
            return
        # A start costs a third of a CPU-second (in a kept profile), a document a tenth: for a
        # few documents a second start only takes CPU from the first and from the caller
        # (one changed dossier among 300, three documents: one worker 2.00 s, two 2.18 s).
        wanted = _worker_count(count, self.workers, STREAMING_DOCUMENTS_PER_WORKER)
        # A starting soffice briefly takes ~50 MB more than a running one. With many
        # documents the workers start a second apart, so two such peaks never meet;
        # measured on 30 dossiers: peak RSS 600 -> 530 MB, build time the same. With few,
        # a later worker would come too late to help.
        self._add_workers(
            wanted - len(self._threads), stagger=self.stagger and count >= STAGGER_FROM
        )

    def _add_workers(self, count: int, *, stagger: bool) -> None:
        if self._python is None:  # no bridge: documents wait for the batches of finish()
            return
        now = time.monotonic()
        if not self._threads:
            self._first_start = now
        for _ in range(count):
            number = len(self._threads) + 1
            delay = self._first_start + STAGGER_SECONDS * (number - 1) - now if stagger else 0.0
            worker = _UnoWorker(self, number, self._python, max(0.0, delay))
            if delay <= 0:
                # Started here, not on the worker's thread: a new thread waits for the GIL at
                # each system call of copying the profile, which delayed soffice by 0.1-0.2 s.
                with contextlib.suppress(OSError):
                    worker.launch()
            # A daemon: an interrupt before the caller holds the service must not keep the
            # interpreter waiting for it (its soffice ends with the process anyway).
            thread = threading.Thread(target=worker.serve, name=f"soffice-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
            self._running += 1

    def stop_office(self) -> None:
        """Stop every soffice now, so its memory goes; the workspace stays until :meth:`close`.

        Documents submitted later are converted by one-shot batches.
        """
        self._stop_workers()
        self._python = None

    def _stop_workers(self) -> None:
        self.kill_all()
        for _ in self._threads:
            self.queue.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []
        # Each worker's last word is that it has stopped; outcomes are not delivered any
        # more (no progress callback while the caller may be unwinding).
        while self._running:
            if self.events.get().task_done:
                self._running -= 1

    @property
    def streaming(self) -> bool:
        """True when documents convert as they are submitted (long-running workers)."""
        return bool(self._threads)

    @property
    def submitted(self) -> int:
        """How many documents the caller has submitted so far."""
        return self._count

    def __enter__(self) -> ConversionService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker and remove the workspace; outcomes not yet collected are lost."""
        try:
            self._stop_workers()
        finally:
            self._stack.close()

    # -- used by the workers

    def kill_all(self) -> None:
        """Kill every soffice this service started."""
        self.groups.kill_all()

    def to_batches(self, doc: _Doc) -> None:
        """Leave ``doc`` to the one-shot batches of :meth:`finish` (no bridge available)."""
        with self._batched_lock:
            self._batched.append(doc)

    # -- used by the caller

    def submit(self, job: ConversionJob) -> None:
        """Queue one document; its outcome arrives through :meth:`poll` or :meth:`finish`."""
        job = ConversionJob(Path(job.source), Path(job.target))
        index, self._count = self._count, self._count + 1
        suffix = job.source.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            self.report.failures[job.source] = (
                f"kan '{job.source.suffix or job.source.name}' niet omzetten naar PDF "
                f"(gebruik {allowed} of lever een PDF aan)"
            )
            return
        if not job.source.is_file():
            self.report.failures[job.source] = "bestand niet gevonden"
            return
        if self._missing is not None:
            raise self._missing
        if suffix in CALC_SUFFIXES:
            if self._calc is None:
                self._calc = _calc_installed(self.binary)
            if not self._calc:
                self.report.failures[job.source] = (
                    "rekenbladen omzetten vraagt LibreOffice Calc, dat niet is geïnstalleerd "
                    f"(installeer het met: {CALC_INSTALL_COMMAND})"
                )
                return
        doc = _Doc(index, job, _weight(job.source))
        if self._running:
            self.queue.put(doc)
        else:
            self.to_batches(doc)

    def poll(self) -> None:
        """Take in the outcomes so far without waiting (calls ``progress``)."""
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return
            self._take(event)

    def finish(self) -> ConversionReport:
        """Wait until every submitted document is converted or has failed; the report."""
        try:
            for _ in self._threads:
                self.queue.put(None)
            while self._running:
                self._take(self.events.get())
            if self._error is not None:
                raise self._error
            if self._batched:
                self._run_batches(sorted(self._batched, key=lambda d: d.index))
            self.poll()
        except BaseException:
            self.kill_all()
            raise
        report = self.report
        report.converted = [self._converted[index] for index in sorted(self._converted)]
        return report

    def _take(self, event: _Outcome) -> None:
        if event.task_done:
            self._running -= 1
            if event.error is not None and not isinstance(event.error, _Cancelled):
                self._error = self._error or event.error
                self.kill_all()
        elif event.doc is not None and event.converted:
            self._converted[event.doc.index] = event.doc.job.target
            if self.progress is not None:
                self.progress(event.doc.job.target)
        elif event.doc is not None:
            self.report.failures[event.doc.job.source] = event.reason
            if event.unwritable is not None:
                self.report.unwritable[event.doc.job.source] = event.unwritable

    def _run_batches(self, docs: list[_Doc]) -> None:
        # A batch worker costs about a second to start and a document about a tenth of
        # that, so a second one only pays off once each gets several documents.
        count = _worker_count(len(docs), self.workers, DOCUMENTS_PER_WORKER)
        count = max(1, min(count, len(docs)))
        events: queue.Queue[_Outcome] = queue.Queue()
        with ThreadPoolExecutor(count, "soffice") as pool:
            runner = _Runner(
                self.binary, self.root, self.policy, self.epoch, events, self.profiles, self.breaker
            )
            outstanding = 0
            error: BaseException | None = None
            try:
                for batch in _balance(docs, count):
                    pool.submit(runner.run_task, batch)
                    outstanding += 1
                while outstanding:
                    event = events.get()
                    if event.task_done:
                        outstanding -= 1
                        if event.error is not None and not isinstance(event.error, _Cancelled):
                            error = error or event.error
                            runner.kill_all()
                    elif event.doc is not None:
                        self._take(event)
                    elif len(event.unfinished) == 1:
                        doc, problem = event.unfinished[0]
                        self.report.failures[doc.job.source] = _reason_for(problem)
                    elif error is None:
                        # Retry one by one, so the document that broke the batch is isolated.
                        for doc, _ in event.unfinished:
                            pool.submit(runner.run_task, [doc])
                            outstanding += 1
            except BaseException:
                runner.kill_all()
                raise
        if error is not None:
            raise error


def _worker_count(documents: int, workers: int | None, per_worker: int) -> int:
    if workers:
        return max(1, workers)
    return max(1, min(os.cpu_count() or 1, -(-documents // per_worker)))


def convert_to_pdf(
    jobs: Sequence[ConversionJob],
    *,
    workers: int | None = None,
    soffice: str | None = None,
    timeout: TimeoutPolicy | None = None,
    source_date_epoch: int | None = None,
    progress: Callable[[Path], None] | None = None,
) -> ConversionReport:
    """Convert office documents to PDF/A-2b (tagged) with parallel LibreOffice workers."""
    if not jobs:
        return ConversionReport()
    # Every document is here at once and nothing else is running: the workers start
    # together (the stagger keeps start-up memory peaks apart in a build, whose own memory
    # is high while it renders; here it would only leave a worker idle for a second).
    with ConversionService(
        expected=len(jobs),
        workers=workers,
        soffice=soffice,
        timeout=timeout,
        source_date_epoch=source_date_epoch,
        progress=progress,
        stagger=False,
    ) as service:
        for job in jobs:
            service.submit(job)
        return service.finish()

"""Exceptions of assembler, and the problem records that carry clerk-facing messages.

Every exception a user can meet derives from :class:`AssemblerError` and knows the
exit code the command line ends with. The tree::

    AssemblerError                      exit code
    ├── InputRejected                   1   dossier / meeting files that do not validate
    │   ├── PartRejected                1   a PDF the bundle cannot read
    │   ├── PartlyRead                  1   a YAML file refused, but read without the fields
    │   │                                   at fault, for the rest to be checked too
    │   └── NotExported                 1+  the export a publication starts with refused
    ├── UsageError                      2   wrong command-line use, bad configuration
    │   ├── SettingsRejected            2   dossiers/organisatie.yaml does not validate
    │   ├── TemplateError               2   a Word template that is missing or broken
    │   └── PublishRejected             2   the agenda system refused a request
    ├── EnvironmentProblem              3   the machine, not the input
    │   ├── LibreOfficeMissing          3
    │   ├── ConversionFailed            3   LibreOffice ran but gave no usable PDF
    │   ├── OutputNotWritable           3   disk full, read-only, permissions
    │   ├── BuildLocked                 3   another build holds the lock
    │   ├── NewerFormat                 3   a kept file a newer assembler wrote
    │   └── PublishFailed               3   the agenda system unreachable, or kept failing
    └── ConfidentialityViolation        4   something confidential would become public

    KeyboardInterrupt                   130 (STOPPED_EXIT) Ctrl-C, SIGTERM: not an error
    └── PublishStopped                  130 a publish stopped once it began sending
                                            (publish.py: it carries that module's report)

PublishStopped is a stop, not an error: it derives from KeyboardInterrupt so that whatever
lets a Ctrl-C through (every ``except Exception``) lets it through too, and cli.py says what
was sent before it exits with STOPPED_EXIT. It is the one public exception defined elsewhere;
besides it, other modules have only private signals (``publish._Gone``), caught where they are
raised. tests/test_architecture.py holds both.

Messages are Dutch because clerks read them; they say where, what, and how to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assembler.source import Source

Severity = Literal["fout", "waarschuwing"]

# Said on a stop (Ctrl-C, SIGTERM): every output is written to a temporary file and renamed
# into place.
STOPPED = "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)"
# The exit code of a command stopped by a signal, as a shell gives for Ctrl-C.
STOPPED_EXIT = 130


class ExitCode(IntEnum):
    """Exit codes of the command line (DESIGN §6); the highest one that applies wins."""

    OK = 0
    INPUT_REJECTED = 1
    USAGE = 2
    ENVIRONMENT = 3
    CONFIDENTIALITY = 4


# Characters of a name (a folder's, a file's) that would break a message's one line or steer
# the terminal: C0 but tab, DEL, C1, the Unicode line and paragraph separators, and the
# bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F, U+202A-U+202E,
# U+2066-U+2069), which turn the rest of the Dutch line around in a terminal that honours them.
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# A byte of a file name that is not UTF-8 (a folder from a Windows zip), as Python holds it.
_UNDECODED = re.compile(r"[\udc80-\udcff]")


def not_utf8(name: str, what: str, then: str = "") -> str | None:
    """What is said of a file or folder ``name`` with bytes that are no UTF-8 (from a zip made
    on Windows), as Python holds them; None for a name that is all UTF-8.

    ``what`` is the thing named, as the advice calls it: 'de map', 'het bestand'. ``then``
    goes at the end of the advice, after renaming it ('; voeg het dan toe ...').
    """
    undecoded = sorted({ord(char) - 0xDC00 for char in _UNDECODED.findall(name)})
    if not undecoded:
        return None
    codes = ", ".join(f"0x{byte:02X}" for byte in undecoded)
    which = "byte" if len(undecoded) == 1 else "bytes"
    return (
        f"is geen UTF-8: {which} {codes} is geen teken dat te lezen is (hier getoond als "
        f"\ufffd; komt {what} uit een zip van Windows?) (hernoem {what} en typ de letter op "
        f"die plek opnieuw{then})"
    )


def readable(text: str) -> str:
    """``text`` as a message line shows it: a byte that is no UTF-8 as "\ufffd", a line break,
    other control character or direction control by its escape ("\\n", "\\x01", "\\u202e"),
    so one problem is one line, read left to right."""
    text = _UNDECODED.sub("\ufffd", text)
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, formatted as ``file:line: veld: melding``."""

    bestand: str
    regel: int | None
    veld: str
    melding: str
    ernst: Severity = "fout"

    def format(self) -> str:
        """Render the problem the way a clerk reads it on stderr: on one line."""
        bestand, veld, melding = (
            readable(part) for part in (self.bestand, self.veld, self.melding)
        )
        where = bestand if self.regel is None else f"{bestand}:{self.regel}"
        prefix = "waarschuwing: " if self.ernst == "waarschuwing" else ""
        if veld:
            return f"{where}: {prefix}{veld}: {melding}"
        return f"{where}: {prefix}{melding}"

    def as_json(self) -> dict[str, str | int | None]:
        """The ``--json`` form: ``{bestand, regel, veld, melding, ernst}``, its text as
        :meth:`format` shows it."""
        # A byte of a name that is no UTF-8 (a file from a Windows zip) is a lone surrogate in
        # Python: JSON cannot hold it as UTF-8, and a strict stdout refused the whole answer.
        return {
            "bestand": readable(self.bestand),
            "regel": self.regel,
            "veld": readable(self.veld),
            "melding": readable(self.melding),
            "ernst": self.ernst,
        }

    @classmethod
    def from_json(cls, data: object) -> Problem:
        """The problem of an :meth:`as_json` dict; ValueError for anything else."""
        if not isinstance(data, dict):
            raise ValueError("not a problem")
        bestand, regel, veld = data.get("bestand"), data.get("regel"), data.get("veld")
        melding, ernst = data.get("melding"), data.get("ernst")
        if not (isinstance(bestand, str) and isinstance(veld, str) and isinstance(melding, str)):
            raise ValueError("not a problem")
        if not (regel is None or isinstance(regel, int)) or ernst not in ("fout", "waarschuwing"):
            raise ValueError("not a problem")
        return cls(bestand, regel, veld, melding, "fout" if ernst == "fout" else "waarschuwing")


# Files whose problems affect every dossier: said first, before what follows from them (a
# meeting whose agenda could not be made because its template is broken); and LibreOffice,
# when it converted not one document.
_CAUSES = ("LibreOffice", "templates/", "dossiers/organisatie.yaml")


def dutch_list(names: Sequence[str]) -> str:
    """'a', 'a en b', 'a, b en c': names as a message lists them."""
    # Not Babel's format_list: loading its Dutch locale data cost a no-op build 0.05 s.
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " en " + names[-1]


def megabytes(size: int, *, up: bool = False) -> str:
    """A size in bytes as messages and summaries say it: '57,3 MB', a megabyte being a million
    bytes (as file managers and the export summary count). ``up``: rounded up, for a size
    refused as over a limit, so that it is larger in what is shown than the limit (a round
    number of megabytes) even when it is over by a byte."""
    tenths = -(-size // 100_000) if up else (size + 50_000) // 100_000
    return f"{tenths // 10},{tenths % 10} MB"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Templates and settings first; then by file, line (none first) and field; once each.

    A broken template fails every dossier of its kind with the very same problem: said once.
    """
    unique = dict.fromkeys(problems)
    return sorted(
        unique,
        key=lambda p: (
            not p.bestand.startswith(_CAUSES),
            p.bestand,
            p.regel or 0,
            p.veld,
            p.melding,
        ),
    )


class AssemblerError(Exception):
    """Base of every error assembler raises on purpose; carries the exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def summary(self) -> Problem:
        """The message as ``--json`` lists it, after the problems: what came of them."""
        return Problem("", None, "", self.message)


class InputRejected(AssemblerError):
    """One or more dossier, meeting or organisation files are invalid."""

    exit_code = ExitCode.INPUT_REJECTED


class PartRejected(InputRejected):
    """A PDF the bundle cannot read: it names the file, so that the build can say it at the
    annex entry of the dossier.yaml that names it."""

    def __init__(self, path: PurePath, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PartlyRead(InputRejected):
    """A file refused for what the node builder does not take (a key twice, a label, '<<'),
    which still gave a mapping: ``source`` holds what it says without those, for the rest of
    the file to be checked in the same round (DESIGN: all problems of a file at once).

    ``dropped`` are the labels of the fields whose value was left out (a label) or kept once
    (a key twice): what is said of them by the other checks would only confuse."""

    def __init__(
        self, display: str, problems: list[Problem], source: Source, dropped: Iterable[str]
    ) -> None:
        super().__init__(f"{display}: ongeldige YAML", problems)
        self.source = source
        self.dropped = frozenset(dropped)

    def besides(self, found: list[Problem]) -> list[Problem]:
        """What the other checks ``found`` in :attr:`source`, but for the fields the builder
        left out or kept once: all problems of the file at once, none that would confuse.

        A key written twice keeps its first value (whose line the builder recorded, so the
        rest of the file's messages name it): that value is the one checked where it matters
        for other fields (which sjabloon, whether the dossier is public). The field itself is
        not judged: the clerk is to keep one of the two, and a message about the first would
        read as advice which one; left out, the field would be said to be missing. A value
        with a label is left out (None): "mag niet leeg zijn" of it would only confuse.
        """
        return [problem for problem in found if not self.covers(problem.veld)]

    def covers(self, label: str) -> bool:
        """Whether a problem at field ``label`` is of a field the builder left out or kept
        once, or lies in one."""
        return any(
            label == field or label.startswith((f"{field}.", f"{field}[")) for field in self.dropped
        )


class NotExported(InputRejected):
    """The export a publication starts with refused something: nothing is sent, and the
    command exits as the export would have."""

    def __init__(self, message: str, problems: list[Problem], exit_code: ExitCode) -> None:
        super().__init__(message, problems)
        self.exit_code = max(exit_code, ExitCode.INPUT_REJECTED)


class UsageError(AssemblerError):
    """The command was used wrongly, or the project configuration cannot be used."""

    exit_code = ExitCode.USAGE


class SettingsRejected(UsageError):
    """``dossiers/organisatie.yaml`` is invalid: nothing is checked or made against it.

    ``bestand`` is the file (or folder) at fault as displayed, which ``message`` starts with.
    """

    def __init__(
        self, message: str, problems: list[Problem] | None = None, *, bestand: str
    ) -> None:
        super().__init__(message, problems)
        self.bestand = bestand

    def summary(self) -> Problem:
        """At the file, as every other problem is, for a script to find it by ``bestand``."""
        return Problem(self.bestand, None, "", self.message.removeprefix(f"{self.bestand}: "))


class TemplateError(UsageError):
    """A Word template is missing, is not a docx, or has broken Jinja tags."""


class EnvironmentProblem(AssemblerError):
    """Something on the machine (not in the input) stops the build."""

    exit_code = ExitCode.ENVIRONMENT


class LibreOfficeMissing(EnvironmentProblem):
    """LibreOffice (soffice) is not installed or cannot be started."""


class ConversionFailed(EnvironmentProblem):
    """LibreOffice ran but did not produce a PDF that opens."""


class OutputNotWritable(EnvironmentProblem):
    """An output could not be written: disk full, read-only folder, permissions."""

    def __init__(self, path: PurePath, reason: str) -> None:
        super().__init__(f"{path}: kan niet schrijven: {reason}")
        self.path = path
        self.reason = reason

    def shown_as(self, path: str) -> OutputNotWritable:
        """The same error with ``path`` written as given (relative to the project root)."""
        shown = OutputNotWritable(PurePath(path), self.reason)
        shown.problems = list(self.problems)  # what the build said before it stopped
        return shown


class BuildLocked(EnvironmentProblem):
    """Another build of the same project holds the build lock."""


class NewerFormat(EnvironmentProblem):
    """A kept file that a newer assembler wrote in a form this one does not know."""


class PublishRejected(UsageError):
    """The agenda system refused a request (4xx): the data or the token is not accepted."""

    # What was sent before it stopped, and the warnings (a publish.PublishReport, which this
    # module does not import: publish is an orchestrator): the clerk sees them on a failure too.
    report: object = None


class PublishFailed(EnvironmentProblem):
    """The agenda system could not be reached or kept failing (timeouts, 5xx)."""

    report: object = None  # as PublishRejected's


class ConfidentialityViolation(AssemblerError):
    """A confidential document, page or title would end up on the public side."""

    exit_code = ExitCode.CONFIDENTIALITY

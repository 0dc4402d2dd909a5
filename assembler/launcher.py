"""The ``assembler`` command's first step: signals are taken before the CLI is imported.

Importing the CLI (click, rich, the stages' modules) takes a few tenths of a second; a Ctrl-C
or SIGTERM in that time ended the command with a traceback or a bare exit 143.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress
from types import FrameType
from typing import NoReturn

from assembler.errors import STOPPED, STOPPED_EXIT

# What stdout gets on a stop before the CLI is loaded: nothing, or for ``build --json`` its
# summary. Made before the handler is installed: the handler may run while this thread holds
# the import lock, so it must import nothing.
_said_on_stop = b""


def _asks_build_json(args: list[str]) -> bool:
    """Whether ``args`` (without the program) are ``build ... --json``: the one command that
    promises a JSON object whatever happened (docs/build-json.md). The group takes no option
    with a value, so the first word that is no option is the command."""
    words = args[: args.index("--")] if "--" in args else args
    command = next((word for word in words if not word.startswith("-")), None)
    return command == "build" and "--json" in words[words.index(command) :]


# The counts of build --json, in its order (see build_report._summary_json).
_COUNTS = (
    "gebouwd",
    "ongewijzigd",
    "mislukt",
    "agendaregels_afgekeurd",
    "niet_op_agenda",
    "pdfs_weggehaald",
)


def stopped_summary() -> bytes:
    """The ``build --json`` summary of a build stopped before it began, and its line end.

    The shape of ``build_report.stopped_json([], STOPPED, STOPPED_EXIT)`` (a test holds them
    together), made with json alone: the build's modules are what is still loading then.
    """
    import json

    stop = {"bestand": "", "regel": None, "veld": "", "melding": STOPPED, "ernst": "fout"}
    # Nothing was built: every count is 0 and every list but the messages empty.
    counts = dict.fromkeys(_COUNTS, 0)
    data: dict[str, object] = {"afsluitcode": STOPPED_EXIT, "seconden": 0.0, **counts}
    data.update(dossiers=[], vergaderingen=[], meldingen=[stop])
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _stopped_early(signum: int, frame: FrameType | None) -> NoReturn:
    # Before the command has read its arguments it has written nothing: it just ends, with
    # the summary ``build --json`` promises, if that is what was asked.
    if _said_on_stop:
        with suppress(OSError):  # stdout closed: the exit code and stderr still say it
            os.write(1, _said_on_stop)
    os.write(2, f"{STOPPED}\n".encode())
    os._exit(STOPPED_EXIT)


def _fill_closed_descriptors() -> None:
    """Put /dev/null where the process was started without stdin, stdout or stderr (cron's
    ``>&-``): else the first file the command opens gets that number, and what is written to
    the stream (a stop's summary, a child's messages) lands in that file. Python has no stream
    object for such a descriptor; the CLI says what it could not write (see cli.run)."""
    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            with suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != number:
                    os.dup2(null, number)
                    os.close(null)
                os.set_inheritable(number, True)


def run() -> NoReturn:
    """Entry point of the ``assembler`` command."""
    global _said_on_stop
    _fill_closed_descriptors()
    if _asks_build_json(sys.argv[1:]):
        _said_on_stop = stopped_summary()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a background job or nohup: left
            signal.signal(signum, _stopped_early)
    from assembler.cli import run as run_cli

    run_cli()

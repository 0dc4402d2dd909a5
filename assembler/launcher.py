"""The ``assembler`` command's first step: signals are taken before the CLI is imported.

Importing the CLI (click, rich, the stages' modules) takes a few tenths of a second; a Ctrl-C
or SIGTERM in that time ended the command with a traceback or a bare exit 143.
"""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import NoReturn

from assembler.errors import STOPPED, STOPPED_EXIT


def _stopped_early(signum: int, frame: FrameType | None) -> NoReturn:
    # Before the command has read its arguments it has written nothing: it just ends.
    os.write(2, f"{STOPPED}\n".encode())
    os._exit(STOPPED_EXIT)


def run() -> NoReturn:
    """Entry point of the ``assembler`` command."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a background job or nohup: left
            signal.signal(signum, _stopped_early)
    from assembler.cli import run as run_cli

    run_cli()

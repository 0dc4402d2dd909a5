"""Feeds documents to one long-running LibreOffice over UNO; run by LibreOffice's own Python.

This file is not imported by ``assembler``: :mod:`assembler.convert` runs it with the
interpreter that has LibreOffice's ``uno`` module (Debian's ``python3-uno`` for
``/usr/bin/python3``, or the ``python`` in LibreOffice's program folder), which is usually not
the interpreter of assembler's virtual environment. It therefore uses the standard library
and ``uno`` only.

Usage: ``python uno_bridge.py SOFFICE [ARGUMENT...]`` — starts that command line, with
``--accept`` for a named pipe added, as its own child (same process group, so killing the
group ends both), connects to it over the pipe and then answers one JSON line on stdout for
each JSON line on stdin::

    in:  {"id": 7, "source": "/a/d.docx", "target": "/a/d.pdf", "filter": "writer_pdf_Export"}
    out: {"id": 7, "ok": true}    or    {"id": 7, "ok": false, "stage": "open", "error": "..."}

``stage`` says what failed: ``open`` (LibreOffice cannot read the document) or ``store``
(it could not write the PDF); ``error`` is LibreOffice's own message, if it gave one.

The first line out is ``{"ready": true}`` once LibreOffice accepts documents, or
``{"ready": false, "error": "..."}``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

# ``uno`` (only LibreOffice's Python has it) is imported in the functions that use it, after
# soffice has been started: loading it takes 25 ms, which soffice spends starting up.

CONNECT_SECONDS = 60.0
# The same PDF/A-2b, tagged export as the one-shot batches' JSON filter options.
# InitialView 1: the PDF opens with its bookmarks panel (/PageMode /UseOutlines).
# ExportFormFields False: a form is drawn as it looks, see convert._PDF_OPTIONS.
PDF_FILTER_DATA = (
    ("SelectPdfVersion", 2),
    ("UseTaggedPDF", True),
    ("InitialView", 1),
    ("ExportFormFields", False),
)


def _props(**values: Any) -> tuple[Any, ...]:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    result = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        result.append(prop)
    return tuple(result)


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _connect(pipe: str, office: subprocess.Popen[bytes]) -> Any:
    import uno  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None:
                stopped = f"LibreOffice stopped at start-up (exit {office.returncode})"
                raise RuntimeError(stopped) from None
            if time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not open its pipe in time") from None
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


class _Failed(Exception):
    def __init__(self, stage: str, error: BaseException | None = None) -> None:
        super().__init__(stage)
        self.stage = stage
        detail = getattr(error, "Message", "") or (str(error) if error is not None else "")
        self.detail = str(detail)


def _convert(desktop: Any, source: str, target: str, filter_name: str) -> None:
    import uno

    try:
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(source),
            "_blank",
            0,
            # Read-only and hidden as --convert-to does; macros never run, links never update.
            _props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0),
        )
    except Exception as error:  # LibreOffice raises many kinds for an unreadable file
        raise _Failed("open", error) from error
    if document is None:
        raise _Failed("open")
    try:
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**dict(PDF_FILTER_DATA)))
        try:
            uno.invoke(
                document,
                "storeToURL",
                (
                    uno.systemPathToFileUrl(target),
                    _props(FilterName=filter_name, FilterData=filter_data),
                ),
            )
        except Exception as error:
            raise _Failed("store", error) from error
    finally:
        document.close(True)


def _connected(desktop: Any) -> bool:
    try:
        desktop.getFrames()
    except Exception:  # DisposedException and friends: the bridge to soffice is down
        return False
    return True


def _end_with_parent(parent: int) -> None:
    """Kill this bridge and its soffice when the build that started them is gone.

    A build killed with SIGKILL cannot stop its workers; without this, a soffice still
    starting up would run on for ever. The bridge leads its own process group.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    _end_group()


def _end_group() -> None:
    """Kill soffice (and its launcher) with this bridge: the group it leads, or just them."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    """Start soffice, connect, then convert each requested document in turn."""
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    pipe = f"assembler-{os.getpid()}"
    office = subprocess.Popen(
        [*argv[1:], f"--accept=pipe,name={pipe};urp;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return _serve(pipe, office)
    finally:
        # Whatever the way out (done, a caller that went away mid-answer), soffice must not
        # outlive the bridge: killing only the launcher would orphan soffice.bin.
        if office.poll() is None:
            office.kill()
        _end_group()


def _serve(pipe: str, office: subprocess.Popen[bytes]) -> int:
    try:
        desktop = _connect(pipe, office)
    except Exception as error:  # whatever stops the start is reported
        _say({"ready": False, "error": str(error)})
        office.kill()
        return 1
    _say({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["source"], request["target"], request["filter"])
        except _Failed as failed:
            if not _connected(desktop):
                # LibreOffice itself is gone: end without an answer, so the caller starts a
                # fresh worker and tries this document again.
                office.kill()
                return 3
            _say({"id": request["id"], "ok": False, "stage": failed.stage, "error": failed.detail})
        else:
            _say({"id": request["id"], "ok": True})
    # stdin closed: the caller is done with this worker, or gone. Its profile is thrown away,
    # so soffice is not asked to shut down cleanly: the whole group ends (see main).
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Content digests of input files, remembered between builds by what the file system says.

A build decides what changed from the SHA-256 of every input, so a build in which nothing
changed used to read every annex in full: with a clerk's annexes of a few megabytes each, that
took longer than all the rest of a no-op build. As git's index does, a file whose size, inode,
modification time and change time are those recorded with its digest is not read again.

The change time (ctime) is set by the kernel on every write and cannot be set by a program, so
a file copied into place over another, even with its old modification time kept, is read
again. A file written in the last few seconds is not remembered: on a file system with coarse
times (a network share, a FAT stick) it could change again within the same tick, unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from assembler.fsutil import write_text_atomic

# Older than this, a file's times would show any later change (FAT keeps times in 2-s steps).
SETTLED_SECONDS = 3.0
_FORMAT = 1


class FileDigests:
    """The SHA-256 of files, from a store of earlier answers where the files did not change."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._known: dict[str, list[int | str]] = {}
        self._used: dict[str, list[int | str]] = {}
        self._changed = False
        try:
            data = json.loads(store.read_text(encoding="utf-8"))
            if data.get("format") == _FORMAT and isinstance(data.get("files"), dict):
                self._known = data["files"]
        except (OSError, ValueError, AttributeError):
            pass  # missing or damaged: every file is read, and the store written anew

    def sha256(self, path: Path) -> str:
        """The hex SHA-256 of the file at ``path``; OSError when it cannot be read."""
        name = os.fspath(path)
        status = os.stat(name)
        identity: list[int | str] = [
            status.st_size,
            status.st_ino,
            status.st_dev,
            status.st_mtime_ns,
            status.st_ctime_ns,
        ]
        record = self._known.get(name)
        if isinstance(record, list) and record[:-1] == identity and isinstance(record[-1], str):
            self._used[name] = record
            return record[-1]
        if self._known.pop(name, None) is not None:
            self._changed = True
        digest = hashlib.sha256()
        with open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        answer = digest.hexdigest()
        settled = time.time_ns() - int(SETTLED_SECONDS * 1e9)
        if status.st_mtime_ns < settled and status.st_ctime_ns < settled:
            self._used[name] = [*identity, answer]
            self._changed = True
        return answer

    def save(self) -> None:
        """Write this build's answers to the store, with the earlier ones still of use."""
        # A build of some meetings leaves the others' answers for the next full build; only
        # the answers of files that are gone are dropped.
        gone = [name for name in self._known if name not in self._used and not os.path.isfile(name)]
        if not self._changed and not gone:
            return
        self._known = dict(sorted({**self._known, **self._used}.items()))
        for name in gone:
            del self._known[name]
        write_text_atomic(self.store, json.dumps({"format": _FORMAT, "files": self._known}) + "\n")
        self._changed = False

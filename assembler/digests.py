"""Content digests of input files, remembered between builds by what the file system says.

A build decides what changed from the SHA-256 of every input, so a build in which nothing
changed used to read every annex in full: with a clerk's annexes of a few megabytes each, that
took longer than all the rest of a no-op build. As git's index does, a file whose size, inode,
device, modification time and change time are those recorded with its digest is not read again.

On a local file system the change time (ctime) is set by the kernel on every write and cannot
be set by a program, so a file copied into place over another, even with its old modification
time kept, is read again. Some network mounts (sshfs, SMB from Windows) report a change time
that a copy tool can set; there, as with git, ``build --force`` rebuilds regardless. A file
written in the last few seconds is not remembered: on a file system with coarse times (a
network share, a FAT stick) it could change again within the same tick, unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from assembler.fsutil import digest_stream, read_json, write_cache_text

DIGESTS_FILE = "bestanden.json"
"""In ``build/.cache``: the files' digests, kept by the build (and read by check and export)."""
# Older than this, a file's times would show any later change (FAT keeps times in 2-s steps).
SETTLED_SECONDS = 3.0
# Raised when the form of the store (bestanden.json) changes, so an older one is not read.
_FORMAT = 1

Record = list[int | str]
"""A file's size, inode, device, modification and change time (ns), then its hex SHA-256."""
Identity = tuple[int, int, int, int, int]
"""A file's size, inode, device, modification and change time (ns): a Record without digest."""


class FileDigests:
    """The SHA-256 of files, from a store of earlier answers where the files did not change."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._stored: dict[str, Record] = {}
        self._remembered: dict[str, Record] = {}  # this build's answers worth keeping
        self._seen: dict[str, Record] = {}  # all of this build's answers
        try:
            data = read_json(store)
            if data.get("format") == _FORMAT and isinstance(data.get("files"), dict):
                self._stored = data["files"]
        except (OSError, ValueError, AttributeError):
            pass  # missing or damaged: every file is read, and the store written anew

    def sha256(self, path: Path) -> str:
        """The hex SHA-256 of the file at ``path``; OSError when it cannot be read."""
        name = os.fspath(path)
        # Before the file is looked at, so a slow read does not count towards its settling.
        now = time.time_ns()
        # Opened before its times are compared: on NFS an open asks the server again where a
        # stat may be answered from a cache up to a minute old; and what is read is the file
        # whose times were compared.
        with open(name, "rb") as handle:
            status = os.fstat(handle.fileno())
            identity: Record = [
                status.st_size,
                status.st_ino,
                status.st_dev,
                status.st_mtime_ns,
                status.st_ctime_ns,
            ]
            answer = self._known_answer(name, identity)
            if answer is None:
                answer = digest_stream(handle, hashlib.sha256()).hexdigest()
        record = [*identity, answer]
        self._seen[name] = record
        settled = now - int(SETTLED_SECONDS * 1e9)
        if status.st_mtime_ns < settled and status.st_ctime_ns < settled:
            self._remembered[name] = record
        return answer

    def identity(self, path: Path) -> Identity | None:
        """The identity of the file at ``path`` when this build last took its digest; None
        when it has not. What was made from the file since is made of those bytes as long as
        :func:`identity_now` still gives it: any write or rename sets the change time."""
        record = self._seen.get(os.fspath(path))
        if record is None:
            return None
        size, inode, device, modified, changed = (int(value) for value in record[:-1])
        return size, inode, device, modified, changed

    def _known_answer(self, name: str, identity: Record) -> str | None:
        # This build's answers first: a template is asked about once per dossier.
        for known in (self._seen, self._stored):
            record = known.get(name)
            if isinstance(record, list) and record[:-1] == identity and isinstance(record[-1], str):
                return record[-1]
        return None

    def save(self, *, keep_others: bool) -> None:
        """Write this build's answers to the store, if they changed it.

        ``keep_others`` keeps the earlier answers for files this build did not ask about and
        that are still there: a build of one meeting leaves the others' answers for the next
        full build. A full build keeps only its own, so the store does not outgrow the project.
        """
        files = dict(self._remembered)
        if keep_others:
            for name, record in self._stored.items():
                if name not in self._seen and os.path.isfile(name):
                    files[name] = record
        files = dict(sorted(files.items()))
        if files == self._stored:
            return
        write_cache_text(self.store, json.dumps({"format": _FORMAT, "files": files}) + "\n")
        self._stored = files


def identity_now(path: Path) -> Identity | None:
    """The identity of the file at ``path`` now (see FileDigests.identity); None when gone."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_ino, info.st_dev, info.st_mtime_ns, info.st_ctime_ns

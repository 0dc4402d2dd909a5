"""File digests remembered between builds: read again whenever the file may have changed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from assembler import digests
from assembler.digests import FileDigests


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remember files written just now (the real rule waits a few seconds)."""
    monkeypatch.setattr(digests, "SETTLED_SECONDS", 0.0)


def spy_on_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of every file whose bytes the digests module reads."""
    read: list[str] = []
    real = digests.digest_stream

    def reading(handle: BinaryIO, digest: Any) -> Any:
        read.append(handle.name)
        return real(handle, digest)

    monkeypatch.setattr(digests, "digest_stream", reading)
    return read


def rewrite_in_place(path: Path, data: bytes) -> None:
    """New bytes of the same length in the same inode, with the old modification time."""
    before = path.stat()
    assert len(data) == before.st_size
    time.sleep(0.05)  # past the kernel's coarse clock tick, as a clerk's later save would be
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )


def test_a_digest_is_the_sha256_of_the_file(tmp_path: Path) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(os.urandom(3 << 20))
    files = FileDigests(tmp_path / "store.json")
    assert files.sha256(annex) == hashlib.sha256(annex.read_bytes()).hexdigest()


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(b"%PDF-1.7 eerste versie")
    expected = hashlib.sha256(annex.read_bytes()).hexdigest()
    read = spy_on_reading(monkeypatch)
    first = FileDigests(tmp_path / "store.json")
    assert first.sha256(annex) == expected
    first.save(keep_others=False)
    assert read == [str(annex)]

    again = FileDigests(tmp_path / "store.json")
    assert again.sha256(annex) == expected
    assert read == [str(annex)]


def test_a_file_asked_about_again_in_one_build_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A template is asked about for every dossier, also when it was saved a second ago.
    template = tmp_path / "voorstel.docx"
    template.write_bytes(b"PK sjabloon")
    read = spy_on_reading(monkeypatch)
    files = FileDigests(tmp_path / "store.json")
    answers = {files.sha256(template) for _ in range(5)}
    assert answers == {hashlib.sha256(b"PK sjabloon").hexdigest()}
    assert read == [str(template)]


def test_a_file_rewritten_with_its_old_size_and_time_is_read_again(
    tmp_path: Path, settled_at_once: None
) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(b"%PDF-1.7 eerste versie")
    first = FileDigests(tmp_path / "store.json")
    first.sha256(annex)
    first.save(keep_others=False)

    rewrite_in_place(annex, b"%PDF-1.7 tweede versie")
    again = FileDigests(tmp_path / "store.json")
    assert again.sha256(annex) == hashlib.sha256(b"%PDF-1.7 tweede versie").hexdigest()


def test_a_file_written_just_now_is_not_remembered(tmp_path: Path) -> None:
    # Its times could stay the same through a next change on a file system with coarse times.
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(b"%PDF-1.7")
    files = FileDigests(tmp_path / "store.json")
    files.sha256(annex)
    files.save(keep_others=False)
    assert not (tmp_path / "store.json").exists()

    old = time.time_ns() - 3600 * 10**9
    os.utime(annex, ns=(old, old))  # an old modification time, but the change time is now
    files.sha256(annex)
    files.save(keep_others=False)
    assert not (tmp_path / "store.json").exists()


def test_a_damaged_store_means_reading_the_files(
    tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(b"%PDF-1.7")
    store = tmp_path / "store.json"
    for damage in (b"\x00{geen json", b'{"format": 1, "files": {"x": 3}}', b"[1, 2]"):
        store.write_bytes(damage)
        files = FileDigests(store)
        assert files.sha256(annex) == hashlib.sha256(b"%PDF-1.7").hexdigest()
        files.save(keep_others=True)
        assert json.loads(store.read_text())["files"][str(annex)][-1] == files.sha256(annex)

    store.write_bytes(
        json.dumps({"format": 1, "files": {str(annex): [8, 0, 0, 0, 0, "ab"]}}).encode()
    )
    assert FileDigests(store).sha256(annex) == hashlib.sha256(b"%PDF-1.7").hexdigest()


def test_a_build_of_some_meetings_keeps_the_answers_for_the_others(
    tmp_path: Path, settled_at_once: None
) -> None:
    one, other = tmp_path / "een.pdf", tmp_path / "ander.pdf"
    one.write_bytes(b"een")
    other.write_bytes(b"ander")
    store = tmp_path / "store.json"

    def stored() -> set[str]:
        return set(json.loads(store.read_text())["files"])

    both = FileDigests(store)
    both.sha256(one)
    both.sha256(other)
    both.save(keep_others=False)

    only_one = FileDigests(store)
    only_one.sha256(one)
    only_one.save(keep_others=True)
    assert stored() == {str(one), str(other)}

    other.unlink()  # gone: its answer goes, also from a build of some meetings
    again = FileDigests(store)
    again.sha256(one)
    again.save(keep_others=True)
    assert stored() == {str(one)}

    other.write_bytes(b"ander")
    partial = FileDigests(store)
    partial.sha256(other)
    partial.save(keep_others=True)
    assert stored() == {str(one), str(other)}
    full = FileDigests(store)
    full.sha256(one)
    full.save(keep_others=False)  # a full build keeps only what it asked about
    assert stored() == {str(one)}


def test_a_store_that_cannot_be_written_does_not_fail_the_build(
    tmp_path: Path, settled_at_once: None
) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(b"%PDF-1.7")
    (tmp_path / "build").write_text("een bestand waar een map hoort")
    files = FileDigests(tmp_path / "build" / ".cache" / "bestanden.json")
    files.sha256(annex)
    files.save(keep_others=False)
    assert (tmp_path / "build").read_text() == "een bestand waar een map hoort"

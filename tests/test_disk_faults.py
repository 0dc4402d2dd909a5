"""build/ on a full disk and on a read-only mount: exit 3, a clear message, nothing lost."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ASSEMBLER = Path(sys.executable).parent / "assembler"


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


needs_mount = pytest.mark.skipif(not _can_mount(), reason="mounting needs root")


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ASSEMBLER), "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts and p.name not in (".lock", "vulling")
    }


def no_temp_files(folder: Path) -> bool:
    return not list(folder.rglob(".tmp-assembler-*"))


@pytest.fixture
def small_build_disk(example_project: Path) -> Iterator[Path]:
    """``build/`` on its own 3 MB tmpfs."""
    target = example_project / "build"
    target.mkdir()
    mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(target))
    try:
        yield example_project
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@needs_mount
def test_full_disk_exits_3_and_keeps_previous_outputs(small_build_disk: Path) -> None:
    project = small_build_disk
    first = build(project, "--geen-pdf")
    assert first.returncode == 0, first.stderr
    before = snapshot(project / "build")
    assert before

    # Fill the disk, then ask for everything again, PDFs included.
    filler = project / "build" / "vulling"
    with open(filler, "wb", buffering=0) as handle:  # nothing left to flush at close
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    result = build(project, "--force")
    assert result.returncode == 3, result.stderr
    assert "de schijf is vol" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "build") == before
    assert no_temp_files(project / "build")

    filler.unlink()
    shutil.rmtree(project / "build" / ".cache", ignore_errors=True)
    again = build(project, "--geen-pdf")
    assert again.returncode == 0, again.stderr


@needs_mount
@pytest.mark.parametrize("free_kb", [800, 1500])
def test_a_disk_that_fills_while_pdfs_are_saved_exits_3_and_names_the_output(
    example_project: Path, free_kb: int
) -> None:
    """Was: qpdf aborted the whole process (exit 134, 'terminate called after throwing an
    instance of QPDFSystemError'), leaving hidden folders and no message in Dutch."""
    target = example_project / "build"
    target.mkdir()
    mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(target))
    try:
        assert build(example_project).returncode == 0
        available = os.statvfs(target).f_bavail * os.statvfs(target).f_frsize
        (target / "vulling").write_bytes(bytes(available - free_kb * 1024))
        result = build(example_project, "--force")
        assert result.returncode == 3, result.stderr
        last = result.stderr.splitlines()[-1]
        assert last.startswith("fout: build/") and last.endswith(
            ": kan niet schrijven: de schijf is vol (maak ruimte vrij en bouw opnieuw)"
        ), last
        assert ".tmp-assembler" not in result.stderr
        assert no_temp_files(target)
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@needs_mount
def test_read_only_build_folder_exits_3_and_keeps_outputs(
    example_project: Path, tmp_path: Path
) -> None:
    project = example_project
    assert build(project, "--geen-pdf").returncode == 0
    before = snapshot(project / "build")
    target = project / "build"
    mount("--bind", str(target), str(target))
    try:
        mount("-o", "remount,bind,ro", str(target))
        result = build(project, "--geen-pdf", "--force")
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)
    assert result.returncode == 3, result.stderr
    assert "alleen-lezen" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "build") == before
    assert no_temp_files(project / "build")


def test_an_unwritable_output_shown_from_the_root_keeps_what_was_said_before() -> None:
    """The withdrawals of a build stopped by a full disk are said with the stop."""
    from pathlib import PurePath

    from assembler.errors import OutputNotWritable, Problem

    said = Problem("dossiers/x/vergadering.yaml", None, "", "weggehaald", "waarschuwing")
    error = OutputNotWritable(PurePath("/ergens/build/x"), "de schijf is vol")
    error.problems = [said]
    assert error.shown_as("build/x").problems == [said]


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ASSEMBLER), *args], cwd=project, capture_output=True, text=True, check=False
    )


def yaml_files(project: Path) -> dict[str, str]:
    """Every file of dossiers/ but the annexes, and every folder, with a digest of each file."""
    folder = project / "dossiers"
    return {
        p.relative_to(folder).as_posix(): ""
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_dir() or p.suffix != ".pdf"
    }


@pytest.fixture
def project_on_tmpfs(example_project: Path, tmp_path: Path) -> Iterator[Path]:
    """The example project on a 4 MB tmpfs of its own, with a meeting to move an item to."""
    disk = tmp_path / "schijf"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk))
    try:
        shutil.copytree(example_project, disk / "project")
        meeting = disk / "project" / "dossiers" / "2027-02-05-pfho-ruimte-wonen"
        meeting.mkdir()
        (meeting / "vergadering.yaml").write_text(
            "overleg: Portefeuillehoudersoverleg Ruimte en Wonen\ndatum: 2027-02-05\n"
            'aanvang: "14:00"\nlocatie: Regiokantoor\nagenda:\n  - Opening\n  - Rondvraag\n'
        )
        yield disk / "project"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


MOVE = (
    "verplaats",
    "--toch",
    "2023-06-23-pfho-ruimte-wonen/snelfietsroutes",
    "2027-02-05-pfho-ruimte-wonen",
)


@needs_mount
def test_a_move_on_a_full_disk_changes_nothing_and_goes_once_there_is_room(
    project_on_tmpfs: Path,
) -> None:
    """Review intr X3: the folder was moved and the agendas not; 'bouw opnieuw' was said."""
    project = project_on_tmpfs
    before = yaml_files(project)
    filler = project / "vulling"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    result = run(project, *MOVE)
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        "fout: dossiers/2023-06-23-pfho-ruimte-wonen/snelfietsroutes/dossier.yaml: kan niet "
        "schrijven: de schijf is vol; er is niets veranderd (maak ruimte vrij en verplaats "
        "opnieuw)\n"
    )
    assert yaml_files(project) == before
    filler.unlink()
    again = run(project, *MOVE)
    assert again.returncode == 0, again.stderr
    assert (project / "dossiers" / MOVE[-1] / "snelfietsroutes" / "dossier.yaml").is_file()


@needs_mount
def test_a_move_and_a_meeting_on_a_read_only_mount_are_said_in_dutch(
    project_on_tmpfs: Path,
) -> None:
    """Review intr X4: tracebacks (OSError: [Errno 30]), exit 1."""
    project = project_on_tmpfs
    before = yaml_files(project)
    mount("-o", "remount,ro", str(project.parent))
    moved = run(project, *MOVE)
    made = run(project, "vergadering", "2027-03-01-pfho-ruimte-wonen")
    read_only = (
        "de map is alleen-lezen of afgeschermd; er is niets veranderd (controleer de rechten)"
    )
    assert (moved.returncode, made.returncode) == (3, 3), moved.stderr + made.stderr
    assert moved.stderr == (
        "fout: dossiers/2023-06-23-pfho-ruimte-wonen/snelfietsroutes/dossier.yaml: kan niet "
        f"schrijven: {read_only}\n"
    )
    assert made.stderr == (
        f"fout: dossiers/2027-03-01-pfho-ruimte-wonen: kan niet schrijven: {read_only}\n"
    )
    assert yaml_files(project) == before

"""Shared fixtures: a throw-away copy of the example project, and the CLI."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings

from assembler import convert
from assembler.cli import main

REPO = Path(__file__).resolve().parent.parent


def _shared_folder() -> Path:
    """``../shared`` beside the repository, or beside its main checkout from a git worktree
    (where the seed, corpus and standards tests would otherwise be skipped or fail)."""
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git: a source tree unpacked from an archive
        return beside
    main_checkout = Path(found.stdout.strip()).parent
    if found.returncode == 0 and (main_checkout.parent / "shared").is_dir():
        return main_checkout.parent / "shared"
    return beside


# CI draws the same examples on every run (derandomised, and no example database from an
# earlier run): a counter-example then turns up on the commit that made it, not as a random red
# run on an unrelated one. Recent Hypothesis does this itself where it detects CI, but not
# every version the pyproject allows. ASSEMBLER_FUZZ (the longer search by hand before a
# release) draws new examples, in CI too: the same ones every time would search nothing new.
settings.register_profile("assembler-ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("ASSEMBLER_FUZZ"):
    settings.load_profile("default")
elif os.environ.get("CI"):
    settings.load_profile("assembler-ci")

SHARED = _shared_folder()
CORPUS = SHARED / "corpus" / "annexes"
SEED_TEXT = SHARED / "seed" / "voorstel-aanpak-actieplan-werklocaties.txt"
ECONOMIE = "2023-05-26-pfho-economie"
WONEN = "2023-06-23-pfho-ruimte-wonen"
# ../shared holds the annex corpus, the seed text and the standards. A test that reads it is
# skipped without it: by this mark when its failure would not name the missing file, else by
# pytest_runtest_makereport below.
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"needs {SHARED} (the corpus, seed and standards), which is missing"
)


def _needs_missing_shared(error: BaseException) -> bool:
    """Whether ``error`` is a file of ``../shared`` not found, as there is no ``../shared``."""
    name = getattr(error, "filename", None)
    return (
        isinstance(error, OSError)
        and isinstance(name, str | Path)
        and Path(name).is_relative_to(SHARED)
        and not SHARED.is_dir()
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test that reads the corpus, seed or standards is skipped, with the reason, in a
    checkout without ``../shared`` beside it, rather than failing with a FileNotFoundError."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and call.excinfo is not None and _needs_missing_shared(call.excinfo.value):
        report.outcome = "skipped"
        report.longrepr = (
            str(item.path),
            item.location[1] or 0,
            f"Skipped: needs {SHARED} (the corpus, seed and standards), which is missing",
        )


_SOFFICE = shutil.which("soffice")
# Long-running LibreOffice workers need its Python bridge; without it documents go through
# one-shot batches, and tests of the workers themselves are skipped.
needs_bridge = pytest.mark.skipif(
    _SOFFICE is None or convert.uno_python(_SOFFICE) is None,
    reason="LibreOffice's Python bridge (python3-uno) is not installed",
)


@dataclass
class CliResult:
    """What a clerk sees: exit code, stdout and stderr."""

    exit_code: int
    stdout: str
    stderr: str


EXAMPLE = ("dossiers", "templates", "schemas")
"""The folders of the repository that make up the example project."""
# What a clerk's commands and editors leave in the example when a developer tries them in the
# checkout: left out of a copy where git cannot say which files are the example's own.
_LEFT_BEHIND = shutil.ignore_patterns("publicatie.json", "~$*", ".~lock.*#", ".DS_Store")


@functools.cache
def _tracked(repo: Path) -> frozenset[str] | None:
    """The example's files that git tracks in ``repo`` (paths relative to it, with /), or
    None when it is no git checkout (a source tree unpacked from an archive)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *EXAMPLE],
            cwd=repo,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    tracked = frozenset(os.fsdecode(name) for name in listed.stdout.split(b"\0") if name)
    # None as well for a source tree unpacked inside another git checkout that tracks none of it.
    return tracked if listed.returncode == 0 and tracked else None


def copy_example_part(part: str, target: Path, *, repo: Path = REPO) -> Path:
    """Copy ``part`` of the example project (a folder or file, relative to the repository:
    ``"dossiers"``, ``"dossiers/huisstijl"``, ``"dossiers/organisatie.yaml"``) to ``target``;
    ``target``.

    Only the files git tracks are copied, as they are in the working tree: a developer who
    ran ``assembler export`` or ``build`` in the checkout leaves ``publicatie.json`` files
    and more in ``dossiers/``, and the tests would otherwise start from that published state.
    Without git, the whole part is copied but for what a command or editor leaves behind."""
    source = repo / part
    tracked = _tracked(repo)
    if tracked is None:
        if source.is_dir():
            shutil.copytree(source, target, ignore=_LEFT_BEHIND)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        return target
    prefix = PurePosixPath(part)
    files = [
        PurePosixPath(name)
        for name in sorted(tracked)
        if name == part or PurePosixPath(name).is_relative_to(prefix)
    ]
    if not files:
        raise FileNotFoundError(f"git tracks no file of the example under {source}")
    for name in files:
        copied = target / name.relative_to(prefix) if name != prefix else target
        if not (repo / name).exists():  # deleted in the working tree, not yet in git
            continue
        copied.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, copied)
    return target


def copy_example(root: Path, *parts: str, repo: Path = REPO) -> Path:
    """Copy ``parts`` of the example project (by default all of it: its dossiers, templates
    and schemas) into ``root`` at the same paths, as :func:`copy_example_part` does; ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for part in parts or EXAMPLE:
        copy_example_part(part, root / part, repo=repo)
    return root


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the example project (the dossiers, templates and schemas git tracks) in a
    temporary folder."""
    return copy_example(tmp_path / "project")


CHECKED_EXAMPLE = "In orde: 2 vergaderingen, 6 dossiers gecontroleerd.\n"
"""What 'assembler check' says of the example project."""
BUILD_RUNS = (
    "fout: er loopt al een build van dit project (wacht tot die klaar is en probeer het opnieuw)\n"
)
"""What a command refused by the lock a build holds says."""


def archive(project: Path, meeting: str) -> None:
    """Move the meeting folder ``meeting`` into dossiers/archief/, as README says to archive."""
    dossiers = project / "dossiers"
    (dossiers / "archief").mkdir(exist_ok=True)
    (dossiers / meeting).rename(dossiers / "archief" / meeting)


# What new and verplaats say of a meeting an item cannot be put on, after "<path>: ".
_REOPEN = (
    "er is niets veranderd (kies een vergadering direct in dossiers/, of zet de map eerst "
    "terug in dossiers/ als de vergadering weer open moet)"
)
NESTED_MEETING = (
    f"deze vergadermap ligt niet direct in dossiers/ en wordt daarom niet gebouwd; {_REOPEN}"
)
ARCHIVED_MEETING = "is gearchiveerd (staat in dossiers/archief/{}) en wordt niet meer gebouwd; " + (
    _REOPEN
)
MISSING_MEETING = (
    "bestaat niet (kies een map onder dossiers/ met een vergadering.yaml, of maak de "
    "vergadering eerst met 'assembler vergadering')"
)


def save_as_on_windows(path: Path, newline: str = "\r\n", *, bom: bool = True) -> list[str]:
    """Save ``path`` as an editor on Windows does (a byte order mark, every line ended with
    CRLF), or with ``newline``; its lines."""
    text = path.read_text(encoding="utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode())
    return text.splitlines()


def lines_saved_as(path: Path, newline: str = "\r\n", *, bom: bool = True) -> list[str]:
    """The lines of ``path``; fails unless it has a byte order mark (or not) and every line
    ends with ``newline``."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom, raw[:20]
    text = raw.decode("utf-8-sig")
    assert text.endswith(newline), text[-20:]
    lines = text.split(newline)[:-1]
    assert not [line for line in lines if "\r" in line or "\n" in line], text
    return lines


def python_m(
    project: Path, *args: str, environment: dict[str, str] | None = None, **options: Any
) -> subprocess.CompletedProcess[Any]:
    """``python -m assembler ARGS`` in ``project``, a process of its own (its streams, locale
    and limits are the real ones), with this checkout's package; ``options`` for subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "assembler", *args],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO), **(environment or {})},
        capture_output=True,
        check=False,
        **options,
    )


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the assembler CLI in a folder, in-process, with stdin not a terminal."""

    def run(*args: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run

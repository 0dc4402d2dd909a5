"""Shared fixtures: a throw-away copy of the example project, and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

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


SHARED = _shared_folder()
CORPUS = SHARED / "corpus" / "annexes"
SEED_TEXT = SHARED / "seed" / "voorstel-aanpak-actieplan-werklocaties.txt"
ECONOMIE = "2023-05-26-pfho-economie"
WONEN = "2023-06-23-pfho-ruimte-wonen"

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


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's dossiers, templates and schemas in a temporary folder."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("dossiers", "templates", "schemas"):
        source = REPO / name
        if source.exists():
            shutil.copytree(source, root / name)
    return root


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the assembler CLI in a folder, in-process, with stdin not a terminal."""

    def run(*args: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run

"""The test suite's own set-up: the copy of the example project is the example as committed,
whatever a developer left in the checkout (review maint2 M1); CI draws the same property-test
examples on every run (M4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_example, copy_example_part

# The example's own files, and what a developer trying things in the checkout leaves beside
# them: an export's publicatie.json (which the export and publish tests would start from),
# Finder's .DS_Store, the lock files Word and LibreOffice keep next to an open document.
OWN = {
    "dossiers/organisatie.yaml": "naam: Regio\n",
    "dossiers/huisstijl/logo.png": "png",
    "dossiers/2023-06-23-overleg/vergadering.yaml": "overleg: Overleg\n",
    "dossiers/2023-06-23-overleg/punt/dossier.yaml": "soort: voorstel\n",
    "templates/voorstel.docx": "docx",
    "schemas/dossier.schema.json": "{}",
}
LEFT_BEHIND = {
    "dossiers/2023-06-23-overleg/publicatie.json": "{}",
    "dossiers/2023-06-23-overleg/.DS_Store": "finder",
    "templates/~$voorstel.docx": "lock",
    "templates/.~lock.voorstel.docx#": "lock",
}


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _checkout(root: Path, *, git: bool) -> Path:
    """A repository holding the example (committed to git if ``git``) and what was left."""
    for name, text in OWN.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if git:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "dossiers", "templates", "schemas"], cwd=root, check=True)
    for name, text in LEFT_BEHIND.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_copy_holds_only_what_git_tracks(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo", git=True)
    # An edit to a tracked file is what the developer is testing: copied as it now is.
    (repo / "dossiers" / "organisatie.yaml").write_text("naam: Regio Utrecht\n", encoding="utf-8")

    copied = copy_example(tmp_path / "project", repo=repo)

    assert _files(copied) == set(OWN)
    assert (copied / "dossiers" / "organisatie.yaml").read_text() == "naam: Regio Utrecht\n"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_part_of_the_example_is_copied_to_where_it_is_asked(tmp_path: Path) -> None:
    repo = _checkout(tmp_path / "repo", git=True)

    copied = copy_example(
        tmp_path / "project",
        "templates",
        "dossiers/organisatie.yaml",
        "dossiers/huisstijl",
        repo=repo,
    )
    moved = copy_example_part("dossiers/2023-06-23-overleg", tmp_path / "elders", repo=repo)

    assert _files(copied) == {
        "templates/voorstel.docx",
        "dossiers/organisatie.yaml",
        "dossiers/huisstijl/logo.png",
    }
    assert _files(moved) == {"vergadering.yaml", "punt/dossier.yaml"}


def test_without_git_the_copy_leaves_out_what_commands_and_editors_leave_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source tree unpacked from an archive: no git to ask, so all of it but the leftovers."""
    repo = _checkout(tmp_path / "repo", git=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no checkout above it either

    copied = copy_example(tmp_path / "project", repo=repo)

    assert _files(copied) == set(OWN)


# A property test that prints the examples it is given, run as its own process as CI runs it.
DRAWS = """
import tests.conftest
from hypothesis import given, strategies as st

@given(st.lists(st.integers()))
def draw(numbers):
    print(numbers)

draw()
"""


def _drawn(tmp_path: Path, **environment: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "ASSEMBLER_FUZZ")}
    done = subprocess.run(
        [sys.executable, "-c", DRAWS],
        cwd=tmp_path,  # where an example database would be kept
        env={**clean, "PYTHONPATH": str(REPO), **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_ci_draws_the_same_examples_on_every_run(tmp_path: Path) -> None:
    """Was: every CI run searched anew, so a counter-example found by chance turned a commit
    that had nothing to do with it red."""
    assert _drawn(tmp_path, CI="true") == _drawn(tmp_path, CI="true")


@pytest.mark.parametrize("environment", [{}, {"CI": "true", "ASSEMBLER_FUZZ": "2000"}])
def test_a_search_by_hand_draws_new_examples(tmp_path: Path, environment: dict[str, str]) -> None:
    assert _drawn(tmp_path, **environment) != _drawn(tmp_path, **environment)

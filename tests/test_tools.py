"""The developer tools in tools/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_make_templates_writes_only_the_kind_asked_for(tmp_path: Path) -> None:
    """Regenerating the voorstel must not rewrite a memo template edited in Word."""
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "make_templates.py"),
            str(tmp_path),
            "--kind",
            "memo",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.docx"]


def test_make_agenda_template_prints_its_help_and_makes_nothing(tmp_path: Path) -> None:
    """``--help`` once made a folder named "--help" with an agenda.docx in it."""
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_agenda_template.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: make_agenda_template.py [-h] [folder]")
    assert list(tmp_path.iterdir()) == []


def test_make_agenda_template_writes_the_agenda_into_the_folder_given(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_agenda_template.py"), str(tmp_path / "uit")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == ["agenda.docx"]

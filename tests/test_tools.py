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

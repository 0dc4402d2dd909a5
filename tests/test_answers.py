"""Answers a build keeps for the next one: reused when the question is the same, never wrong."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assembler.answers import key_of, recall, remembered
from tests.conftest import ECONOMIE, WONEN, CliResult

RunCli = Callable[..., CliResult]


def _ask(key: str, answer: list[int], asked: list[str]) -> list[int]:
    def work_out() -> list[int]:
        asked.append(key)
        return answer

    return recall(key, work_out, list, lambda kept: [int(x) for x in kept])


def test_an_answer_is_worked_out_once_and_then_recalled(tmp_path: Path) -> None:
    store = tmp_path / ".cache" / "controles.json"
    asked: list[str] = []
    with remembered(store):
        assert _ask("a", [1, 2], asked) == [1, 2]
    assert asked == ["a"]
    with remembered(store):
        assert _ask("a", [9], asked) == [1, 2]  # the kept answer, not worked out again
        assert _ask("b", [3], asked) == [3]
    assert asked == ["a", "b"]
    # Outside a build, every answer is worked out.
    assert _ask("a", [7], asked) == [7]


def test_the_store_keeps_only_the_questions_of_the_last_build(tmp_path: Path) -> None:
    store = tmp_path / "controles.json"
    with remembered(store):
        _ask("a", [1], [])
        _ask("b", [2], [])
    with remembered(store):
        _ask("b", [2], [])
    assert set(json.loads(store.read_text())["antwoorden"]) == {"b"}
    written = store.stat().st_mtime_ns
    with remembered(store):
        _ask("b", [2], [])
    assert store.stat().st_mtime_ns == written  # nothing changed, nothing written


def test_a_damaged_or_unwritable_store_only_means_working_it_out(tmp_path: Path) -> None:
    store = tmp_path / "controles.json"
    store.write_text('{"versie": 1, "antwoorden": {"a": ["x"]}}')
    asked: list[str] = []
    with remembered(store):
        assert _ask("a", [5], asked) == [5]
    assert asked == ["a"]
    store.write_text("{kapot")
    with remembered(store):
        assert _ask("a", [6], asked) == [6]
    blocked = tmp_path / "bestand"
    blocked.write_text("")
    with remembered(blocked / "controles.json"):  # its folder is a file: cannot be kept
        assert _ask("a", [8], asked) == [8]
    taken = tmp_path / "bezet.json"
    taken.mkdir()
    with remembered(taken):  # a folder where the store goes: cannot be kept either
        assert _ask("a", [9], asked) == [9]


def test_a_build_that_cannot_keep_its_answers_still_builds(
    example_project: Path, run_cli: RunCli
) -> None:
    """Every cache of the build, made impossible to write: the outputs are made all the same."""
    cache = example_project / "build" / ".cache"
    for name in ("controles.json", "bestanden.json", "sjablonen.json"):
        (cache / name).mkdir(parents=True)
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert "kan niet schrijven" not in result.stderr
    assert list((example_project / "build" / ECONOMIE).glob("*-werklocaties/voorstel.docx"))


def test_keys_differ_with_any_part() -> None:
    assert key_of("a", "bc") != key_of("ab", "c")
    assert key_of("a") == key_of("a")


def test_a_build_says_the_same_warnings_from_its_kept_answers(
    example_project: Path, run_cli: RunCli
) -> None:
    """Markdown mistakes and a confidential title named in a public dossier, said by the first
    build from the text and by the next from what it kept; a changed title is asked anew."""
    seed = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    text = re.sub(
        r"^(toelichting: \|.*\n)", r"\1  ###Vervolg\n\n", text, count=1, flags=re.MULTILINE
    )
    text = text.replace(
        "  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties\n",
        "  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties (zie 23.0002150)\n",
    )
    seed.write_text(text, encoding="utf-8")
    first = run_cli("build", "--geen-pdf", cwd=example_project)
    assert first.exit_code == 0, first.stderr
    said = [line for line in first.stderr.splitlines() if "werklocaties/dossier.yaml" in line]
    assert any("'###Vervolg' wordt geen kopje" in line for line in said), said
    assert any("noemt het kenmerk '23.0002150'" in line for line in said), said
    assert (example_project / "build" / ".cache" / "controles.json").is_file()
    again = run_cli("build", "--geen-pdf", cwd=example_project)
    assert [line for line in again.stderr.splitlines() if "werklocaties/dossier.yaml" in line] == (
        said
    )
    mandaat = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    mandaat.write_text(
        mandaat.read_text(encoding="utf-8").replace("kenmerk: 23.0002150", "kenmerk: 23.0002151"),
        encoding="utf-8",
    )
    changed = run_cli("build", "--geen-pdf", cwd=example_project)
    assert "noemt het kenmerk '23.0002150'" not in changed.stderr


def test_check_uses_the_answers_the_build_kept_and_says_the_same(
    example_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check of one dossier read every meeting and worked each public text out anew: at a
    year's end, twenty seconds for what a build answers from its store (review year R2)."""
    from assembler import markdown_check

    seed = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(
        text.replace("toelichting: |\n", "toelichting: |\n  ###Vervolg\n\n", 1), "utf-8"
    )
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    worked_out: list[str] = []
    real = markdown_check._mistakes

    def counted(text: str) -> Any:
        worked_out.append(text)
        return real(text)

    monkeypatch.setattr(markdown_check, "_mistakes", counted)
    checked = run_cli("check", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert "'###Vervolg' wordt geen kopje" in checked.stderr
    assert worked_out == []
    # A text the store does not know yet is worked out, and kept for the next.
    seed.write_text(text.replace("toelichting: |\n", "toelichting: |\n  ###Verder\n\n", 1), "utf-8")
    changed = run_cli("check", cwd=example_project)
    assert "'###Verder' wordt geen kopje" in changed.stderr
    assert len(worked_out) == 1
    run_cli("check", cwd=example_project)
    assert len(worked_out) == 1


def test_answers_not_to_be_kept_are_read_and_not_written(tmp_path: Path) -> None:
    """An export reads the build's answers and writes nothing: its gate may refuse it."""
    store = tmp_path / "controles.json"
    asked: list[str] = []
    with remembered(store):
        _ask("a", [1], asked)
    kept = store.read_bytes()
    with remembered(store, keep=False):
        assert _ask("a", [1], asked) == [1]
        _ask("b", [2], asked)
    assert asked == ["a", "b"]
    assert store.read_bytes() == kept

"""The library's shape: only cli.py talks to the terminal, data flows one way, and errors.py
holds the exceptions."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

import assembler
from assembler import errors

PACKAGE = Path(assembler.__file__).parent
# The modules that may print, and import click or rich.
TERMINAL = {"cli", "launcher", "__main__"}
# Child processes' entry points, whose stdout is the pipe back to their parent (one JSON line
# per answer), never a terminal: they write to it, and print nothing.
CHILD_ENTRY_POINTS = {"annex", "uno_bridge"}
# Exceptions that may live outside errors.py, and why.
OWN_EXCEPTIONS = {
    # A stop, not an error (a KeyboardInterrupt, exit 130): it carries publish.PublishReport,
    # which errors.py cannot import (publish is an orchestrator). errors.py draws it.
    "publish.PublishStopped",
    # A signal between the template check's modules, always caught in lint.py and said there
    # as a Problem: no user or caller ever meets it (private before lint.py was split).
    "lint_parts.NotADocx",
}
# One orchestrator per command, in order: each may call those before it; no stage calls one.
ORCHESTRATORS = ["check", "build", "package", "publish", "cli", "launcher", "__main__"]


def _imports(path: Path) -> set[str]:
    """The top-level packages and the assembler modules ``path`` imports, lazily or not."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # 'from .build import x' and 'from . import build' are the package's own too.
            module = (
                node.module
                if node.level == 0
                else ".".join(part for part in ("assembler", node.module) if part)
            )
            if module is None:
                continue
            found.add(module)
            if module == "assembler":
                found.update(f"assembler.{alias.name}" for alias in node.names)
    return {name if name.startswith("assembler.") else name.split(".")[0] for name in found}


def _prints(path: Path) -> list[int]:
    """The lines of ``path`` that call print(), or write to sys.stdout or sys.stderr."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "print")
            or ast.unparse(node.func) in ("sys.stdout.write", "sys.stderr.write")
        )
    ]


# The exception classes every module may derive from: Python's own and those of errors.py
# (a library's, such as httpx.HTTPError, is known by its name).
_EXCEPTIONS = {
    name
    for module in (builtins, errors)
    for name, value in vars(module).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def _exceptions(path: Path) -> list[str]:
    """The public exception classes ``path`` defines. A private one (``_Gone``) is a signal
    inside its module, caught there, which no other module or clerk meets."""
    known = set(_EXCEPTIONS)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and any(
            name in known or name.endswith(("Error", "Exception"))
            for name in (ast.unparse(base).rpartition(".")[2] for base in node.bases)
        ):
            known.add(node.name)  # a module's own exceptions may derive from one another
            if not node.name.startswith("_"):
                found.append(node.name)
    return found


def _rank(module: str) -> int:
    """An orchestrator's place among them; -1 for a stage."""
    return ORCHESTRATORS.index(module) if module in ORCHESTRATORS else -1


def violations(package: Path) -> list[str]:
    """What breaks the library's shape in the modules of ``package``."""
    found = []
    for path in sorted(package.glob("*.py")):
        module = path.stem
        imported = _imports(path)
        if module not in TERMINAL:
            found += [f"{module} imports {name}" for name in ("click", "rich") if name in imported]
        if module not in TERMINAL | CHILD_ENTRY_POINTS:
            found += [f"{module}:{line} prints" for line in _prints(path)]
        if module != "errors":
            found += [
                f"{module} defines the exception {name} (errors.py holds them, in its tree)"
                for name in _exceptions(path)
                if f"{module}.{name}" not in OWN_EXCEPTIONS
            ]
        found += [
            f"{module} imports the orchestrator {orchestrator}"
            for orchestrator in ORCHESTRATORS
            if f"assembler.{orchestrator}" in imported and _rank(module) <= _rank(orchestrator)
        ]
    return found


def test_only_the_cli_talks_to_the_terminal_and_no_stage_calls_an_orchestrator() -> None:
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("import click\n", "stage imports click"),
        ("from rich.progress import Progress\n", "stage imports rich"),
        ("def f():\n    print('klaar')\n", "stage:2 prints"),
        ("import sys\nsys.stderr.write('klaar')\n", "stage:2 prints"),
        ("import sys\n\ndef f():\n    sys.stdout.write('klaar')\n", "stage:4 prints"),
        (
            "class Refused(ValueError):\n    pass\n",
            "stage defines the exception Refused (errors.py holds them, in its tree)",
        ),
        (
            "from assembler.errors import InputRejected\n\n"
            "class _Local(Exception):\n    pass\n\nclass Refused(_Local):\n    pass\n",
            "stage defines the exception Refused (errors.py holds them, in its tree)",
        ),
        (
            "from assembler import errors\n\nclass Refused(errors.InputRejected):\n    pass\n",
            "stage defines the exception Refused (errors.py holds them, in its tree)",
        ),
        (
            "import httpx\n\nclass Refused(httpx.HTTPError):\n    pass\n",
            "stage defines the exception Refused (errors.py holds them, in its tree)",
        ),
        ("class _Gone(Exception):\n    pass\n\nclass Plan:\n    pass\n", None),
        (
            "def f():\n    from assembler.build import build_project\n",
            "stage imports the orchestrator build",
        ),
        ("from assembler import package\n", "stage imports the orchestrator package"),
        ("from .build import build_project\n", "stage imports the orchestrator build"),
        ("from . import publish\n", "stage imports the orchestrator publish"),
    ],
)
def test_a_module_that_breaks_the_shape_is_named(
    tmp_path: Path, source: str, said: str | None
) -> None:
    (tmp_path / "stage.py").write_text(source, encoding="utf-8")
    assert violations(tmp_path) == ([said] if said else [])


@pytest.mark.parametrize("module", ["assembler.cli", "assembler.build", "assembler.check"])
def test_the_build_starts_libreoffice_before_the_heavy_libraries_are_loaded(module: str) -> None:
    """build.py starts LibreOffice before it loads pydantic, the models or the PDF libraries
    (_speculative_service): a top-level import of one of them puts that start 0.15 s later."""
    import subprocess
    import sys

    heavy = ["pydantic", "pikepdf", "docxtpl", "lxml", "assembler.model", "assembler.validate"]
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {module}; print(*[m for m in {heavy} if m in sys.modules])",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    ).stdout.split()
    assert loaded == [], f"importing {module} loads {loaded}"

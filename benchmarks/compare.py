"""Compare versions of assembler on clean builds of one meeting, interleaved with the floor.

On a two-CPU machine whose speed drifts, one run of ``build.py`` says little about one
change: two runs of the same code differ by more than most changes do. This script builds
the same generated 30-dossier meeting with each version of the ``assembler`` package (a git
revision, or ``.`` for the working tree), round after round in rotating order, each round
also timing the plain LibreOffice floor of ``build.py`` (2), and reports the medians and
the per-round ratios, which the drift affects least:

    .venv/bin/python benchmarks/compare.py HEAD~1 .            # 8 rounds
    .venv/bin/python benchmarks/compare.py main my-branch --rounds 12 --dossiers 10

Each version is exported into a temporary folder and put first on ``PYTHONPATH`` with a
bytecode cache of its own, and builds with its own ``templates/`` (a version refuses a
template that uses a field it does not know); the installed entry point and dependencies are
shared.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from assembler.convert import find_soffice

import build as bench  # the benchmark next to this file, first on sys.path when run

FLOOR = "floor"


# What each version brings of its own: its package, and the templates made for it.
EXPORTED = ("assembler", "templates")


def export(version: str, folder: Path) -> Path:
    """The ``assembler`` package and ``templates/`` of ``version`` (a git revision, or ``.``)
    under ``folder``."""
    folder.mkdir(parents=True)
    if version == ".":
        for name in EXPORTED:
            shutil.copytree(
                bench.ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        return folder
    archive = subprocess.run(
        ["git", "-C", str(bench.ROOT), "archive", version, *EXPORTED],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def use_templates(project: Path, folder: Path) -> None:
    """Put the templates exported under ``folder`` in ``project``, in place of its own."""
    shutil.rmtree(project / "templates")
    shutil.copytree(folder / "templates", project / "templates")


def environment_of(folder: Path) -> dict[str, str]:
    """The environment in which ``assembler build`` imports the package under ``folder``."""
    environment = bench._environment(bytecode=False)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)  # or every start compiles the package
    environment["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    environment["PYTHONPATH"] = str(folder)
    imported = subprocess.run(
        [str(bench.PYTHON), "-c", "import assembler; print(assembler.__file__)"],
        cwd=folder.anchor,  # not the repository, whose assembler/ would come first
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not imported.startswith(str(folder)):
        raise SystemExit(f"{folder}: the build would import {imported} instead")
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="git revisions, or . for the working tree")
    parser.add_argument("--rounds", type=int, default=8, help="rounds (each version once)")
    parser.add_argument("--dossiers", type=int, default=30, help="dossiers in the meeting")
    args = parser.parse_args()
    if len(set(args.versions)) != len(args.versions):
        parser.error("name each version once")

    soffice = find_soffice()
    temp = Path(tempfile.mkdtemp(prefix="assembler-compare-"))
    try:
        folders = {
            version: export(version, temp / f"version-{number}")
            for number, version in enumerate(args.versions)
        }
        environments = {version: environment_of(folder) for version, folder in folders.items()}
        project = bench.make_project(
            temp / "project", 1, args.dossiers, bench.usable_annexes(), seed=1
        )
        work = temp / "work"
        work.mkdir()
        # Warm-up: bytecode, page cache, the kept LibreOffice profile; the first version's
        # documents are the floor's.
        for version, environment in environments.items():
            shutil.rmtree(project.root / "build", ignore_errors=True)
            use_templates(project.root, folders[version])
            bench._check(bench.assembler_build(project.root, environment=environment), version)
            if version == args.versions[0]:
                staged = bench.stage_docx(project, work)
        bench.floor(soffice, staged[:2], work)

        entrants = [*args.versions, FLOOR]
        seconds: dict[str, list[float]] = {entrant: [] for entrant in entrants}
        for round_number in range(args.rounds):
            shift = round_number % len(entrants)
            for entrant in entrants[shift:] + entrants[:shift]:
                if entrant == FLOOR:
                    seconds[FLOOR].append(bench.floor(soffice, staged, work)[0])
                    continue
                shutil.rmtree(project.root / "build")
                use_templates(project.root, folders[entrant])  # not timed
                run = bench.assembler_build(project.root, environment=environments[entrant])
                bench._check(run, entrant)
                seconds[entrant].append(run.seconds)
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{e} {seconds[e][-1]:.2f} s" for e in entrants),
                flush=True,
            )
        report(args.versions, seconds)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


def report(versions: list[str], seconds: dict[str, list[float]]) -> None:
    """Medians, ratios to the floor, and each version against the first, round by round."""
    floor = statistics.median(seconds[FLOOR])
    print(f"\n{'':14} {'median':>8} {'/ floor':>8} {'per round / floor':>18}")
    print(f"{FLOOR:14} {floor:7.2f}s")
    for version in versions:
        per_round = [b / f for b, f in zip(seconds[version], seconds[FLOOR], strict=True)]
        median = statistics.median(seconds[version])
        print(
            f"{version:14} {median:7.2f}s {median / floor:7.2f}× "
            f"{statistics.median(per_round):17.2f}×"
        )
    first = versions[0]
    for version in versions[1:]:
        against = [b / a for a, b in zip(seconds[first], seconds[version], strict=True)]
        faster = sum(ratio < 1 for ratio in against)
        print(
            f"{version} / {first}: median {statistics.median(against):.3f} "
            f"(faster in {faster} of {len(against)} rounds)"
        )


if __name__ == "__main__":
    raise SystemExit(main())

"""Compare versions of assembler on clean builds of one meeting, interleaved with the floor;
or, with ``--rebuilds``, on the no-op and one-changed rebuilds of ten meetings.

On a two-CPU machine whose speed drifts, one run of ``build.py`` says little about one
change: two runs of the same code differ by more than most changes do. This script builds
the same generated 30-dossier meeting with each version of the ``assembler`` package (a git
revision, or ``.`` for the working tree), round after round in rotating order, each round
also timing the plain LibreOffice floor of ``build.py`` (2), and reports the medians and
the per-round ratios, which the drift affects least:

    .venv/bin/python benchmarks/compare.py HEAD~1 .            # 8 rounds
    .venv/bin/python benchmarks/compare.py main my-branch --rounds 12 --dossiers 10
    .venv/bin/python benchmarks/compare.py HEAD~1 . --rebuilds  # no-op and one changed of 300

With ``--rebuilds`` each version gets a copy of its own of the generated ten meetings (a
version's cache is not another's), built once; then, round after round in rotating order,
each version rebuilds its copy after one dossier's onderwerp changed (a new text each round,
the same dossier in every copy), then with nothing changed, and again with nothing changed:
build.py's (4), (3) and (3'); then builds after a ``check`` of that dossier's meeting (as a
clerk checks her meeting between two builds of agenda automation).

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
import time
from pathlib import Path

from assembler.convert import find_soffice
from assembler.digests import SETTLED_SECONDS

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
    parser.add_argument(
        "--rebuilds", action="store_true", help="no-op and one-changed rebuilds of 10 meetings"
    )
    args = parser.parse_args()
    if len(set(args.versions)) != len(args.versions):
        parser.error("name each version once")
    if args.rebuilds:
        return compare_rebuilds(args.versions, args.rounds, args.dossiers)

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


REBUILD_MEETINGS = 10


# The rebuilds of each round, in their order: one dossier changed, a no-op after it (reads
# every dossier), a no-op after that no-op (as a cron job runs it), and a build after a check
# of one meeting.
KINDS = {
    "changed": "one dossier changed",
    "noop": "no-op rebuild",
    "again": "no-op rebuild after a no-op",
    "checked": "build after a check of one meeting",
}


def compare_rebuilds(versions: list[str], rounds: int, dossiers: int) -> int:
    """Time each version's rebuilds of its own copy of ten meetings: one dossier changed, a
    no-op after it, and a no-op after that no-op."""
    temp = Path(tempfile.mkdtemp(prefix="assembler-compare-"))
    try:
        folders = {
            version: export(version, temp / f"version-{number}")
            for number, version in enumerate(versions)
        }
        environments = {version: environment_of(folder) for version, folder in folders.items()}
        made = bench.make_project(
            temp / "project", REBUILD_MEETINGS, dossiers, bench.usable_annexes(), seed=1
        )
        target = made.dossier_files[len(made.dossier_files) // 2].relative_to(made.root)
        meeting = str(target.parent.parent)  # dossiers/<meeting>
        projects: dict[str, Path] = {}
        for number, version in enumerate(versions):
            projects[version] = temp / f"project-{number}"
            shutil.copytree(made.root, projects[version])
            use_templates(projects[version], folders[version])
            built = bench.assembler_build(projects[version], environment=environments[version])
            bench._check(built, f"{version}: first build")
            print(f"{version}: first build {built.seconds:.1f} s", flush=True)
        seconds: dict[tuple[str, str], list[float]] = {
            (version, kind): [] for version in versions for kind in KINDS
        }
        for round_number in range(rounds):
            shift = round_number % len(versions)
            for version in versions[shift:] + versions[:shift]:
                text = f"Gewijzigd onderwerp, versie {round_number + 1}"
                bench.set_onderwerp(projects[version] / target, text)
                for kind in KINDS:
                    if kind == "noop":
                        # What a no-op keeps for the next is kept only of settled files.
                        time.sleep(SETTLED_SECONDS + 0.5)
                    environment = environments[version]
                    if kind == "checked":
                        checked = bench.assembler_build(
                            projects[version], environment=environment, command=("check", meeting)
                        )
                        bench._check(checked, f"{version}: check")
                    run = bench.assembler_build(projects[version], environment=environment)
                    bench._check(run, f"{version}: {KINDS[kind]}")
                    seconds[version, kind].append(run.seconds)
            print(
                f"round {round_number + 1}: "
                + ", ".join(
                    f"{v} " + " / ".join(f"{seconds[v, kind][-1]:.2f} s" for kind in KINDS)
                    for v in versions
                ),
                flush=True,
            )
        for kind, said in KINDS.items():
            print(f"\n{said} of {REBUILD_MEETINGS * dossiers} dossiers:")
            for version in versions:
                print(f"{version:14} {statistics.median(seconds[version, kind]):7.2f}s")
            first = versions[0]
            for version in versions[1:]:
                pairs = zip(seconds[first, kind], seconds[version, kind], strict=True)
                against = [b / a for a, b in pairs]
                faster = sum(ratio < 1 for ratio in against)
                print(
                    f"{version} / {first}: median {statistics.median(against):.3f} "
                    f"(faster in {faster} of {len(against)} rounds)"
                )
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

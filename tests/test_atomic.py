"""Atomic and reproducible outputs: kill a real build, build twice, compare bytes."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from assembler import convert, launcher
from assembler.build_cache import MEETING_STAGING
from assembler.build_report import stopped_json
from assembler.errors import STOPPED, STOPPED_EXIT
from assembler.fsutil import IN_MEMORY_OUTPUT, TEMP_PREFIX, library_output
from tests.processes import processes

pytestmark = pytest.mark.slow
ASSEMBLER = Path(sys.executable).parent / "assembler"


def build(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ASSEMBLER), "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def outputs(project: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every output (not the cache or the lock)."""
    root = project / "build"
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and ".cache" not in path.parts
        and path.name != ".lock"
        and not any(part.startswith(".tmp-assembler-") for part in path.parts)
    }


def assert_all_outputs_whole(project: Path, *, temp_allowed: bool = False) -> None:
    for path in (project / "build").rglob("*"):
        if any(part.startswith(".tmp-assembler-") for part in path.parts):
            # A killed build leaves its unfinished work in temporary names, never in outputs.
            assert temp_allowed, f"temp file left: {path}"
            continue
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) > 0
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None


def test_two_clean_builds_are_byte_identical(tmp_path: Path, example_project: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1685000000"}
    second = tmp_path / "elders"
    shutil.copytree(example_project, second)
    first_run = build(example_project, env=env)
    second_run = build(second, env=env)
    assert first_run.returncode == 0, first_run.stderr
    assert second_run.returncode == 0, second_run.stderr
    first, other = outputs(example_project), outputs(second)
    assert len(first) >= 25
    assert first == other
    kinds = {Path(name).suffix for name in first}
    assert kinds == {".docx", ".pdf"}


def _processes_with(marker: str) -> list[int]:
    """Running processes whose command line names ``marker`` (the killed build's temp folder)."""
    return [p.pid for p in processes() if marker in p.command and p.running]


def _leftovers_end_by_themselves(marker: str) -> list[int]:
    """Wait for the killed build's LibreOffice processes to end; those that did not."""
    deadline = time.monotonic() + 15
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    leftovers = _processes_with(marker)
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return leftovers


def test_a_build_under_nohup_runs_on_after_sighup(example_project: Path) -> None:
    """nohup ignores SIGHUP for the command it starts; the build must not undo that."""
    process = subprocess.Popen(
        [str(ASSEMBLER), "build", "--force"],
        cwd=example_project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("dossier: ")
    process.send_signal(signal.SIGHUP)
    _, said = process.communicate(timeout=120)
    assert process.returncode == 0, said
    assert "Klaar: 6 gebouwd" in said
    assert_all_outputs_whole(example_project)


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "term", "hup"]
)
def test_a_build_stopped_by_a_signal_cleans_up_and_says_so(
    example_project: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    """SIGHUP (a dropped SSH session) ended the build on the spot: exit 129, no word, and
    hidden staging folders left in build/ until the next build."""
    assert build(example_project).returncode == 0
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [str(ASSEMBLER), "build", "--force"],
        cwd=example_project,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the first dossier under way
    assert first.startswith("dossier: "), first
    process.send_signal(stop)
    _, said = process.communicate(timeout=60)
    assert process.returncode == 130, said
    assert said.splitlines()[-1] == (
        "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)"
    )
    assert not list((example_project / "build").rglob(".tmp-assembler-*"))
    assert_all_outputs_whole(example_project)
    assert _leftovers_end_by_themselves(str(scratch)) == []


_STUCK = """
import signal, time
import assembler.cli as cli
cli.UNWIND_SECONDS = {seconds}
try:
    cli._terminate(signal.SIGTERM, None)
except KeyboardInterrupt:
    {then}
"""


@pytest.mark.parametrize(
    ("then", "said"),
    [
        ("time.sleep(60)", "afgebroken: het opruimen duurde langer dan 1 seconden"),
        (
            "cli._terminate(signal.SIGTERM, None)",
            "afgebroken: meteen gestopt bij het tweede signaal",
        ),
    ],
    ids=["stuck", "second-signal"],
)
def test_a_stop_that_cannot_unwind_ends_the_process_by_itself(then: str, said: str) -> None:
    """An interrupt that lands inside a lock the unwinding needs waited for ever, holding the
    build lock (seen once in CI: a SIGHUP'd build silent for 60 seconds)."""
    started = time.monotonic()
    ended = subprocess.run(
        [sys.executable, "-c", _STUCK.format(seconds=1.0, then=then)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert time.monotonic() - started < 20
    assert ended.returncode == 130
    assert ended.stderr == f"{said}; wat half gemaakt is, ruimt de volgende build op\n"


_CTRL_C_STUCK = """
import os, signal, time
import assembler.cli as cli
cli.take_stop_signals()  # as the command does first
cli.UNWIND_SECONDS = 1.0
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
except KeyboardInterrupt:
    time.sleep(60)  # an unwinding that hangs
"""


def test_a_ctrl_c_whose_stop_hangs_ends_the_process_by_itself() -> None:
    """Was: Ctrl-C kept Python's own handler, without the watchdog and the second signal that
    end a stuck stop: a Ctrl-C while the main thread imported hung a build for good, holding
    the build lock."""
    ended = subprocess.run(
        [sys.executable, "-c", _CTRL_C_STUCK], capture_output=True, text=True, timeout=30
    )
    assert ended.returncode == 130
    assert ended.stderr == (
        "afgebroken: het opruimen duurde langer dan 1 seconden; wat half gemaakt is, ruimt de "
        "volgende build op\n"
    )


_IN_IMPORT = """
import signal, sys, time
import assembler.cli as cli
cli.take_stop_signals()
space = {"sys": sys}
source = "def here():\\n    return sys._getframe()\\n"
exec(compile(source, "<frozen importlib._bootstrap>", "exec"), space)
try:
    cli._terminate(signal.SIGINT, space["here"]())
    print("later")
    time.sleep(5)
except KeyboardInterrupt:
    print("gestopt")
"""


def test_a_stop_signal_inside_the_import_system_comes_again_outside_it() -> None:
    """Raised inside importlib's locking, the interrupt left a module lock taken that the
    workers' lazy imports then waited on for ever."""
    ended = subprocess.run(
        [sys.executable, "-c", _IN_IMPORT], capture_output=True, text=True, timeout=30
    )
    assert ended.stdout == "later\ngestopt\n", ended.stderr


_WHILE_LOADING = """
import builtins, os, signal, sys
import assembler.launcher as launcher
real = builtins.__import__
def loading(name, *args, **kwargs):
    if name == "assembler.cli":
        os.kill(os.getpid(), signal.{name})
    return real(name, *args, **kwargs)
builtins.__import__ = loading
sys.argv = ["assembler", "check"]
launcher.run()
"""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_while_the_command_loads_ends_it_quietly(stop: str) -> None:
    """Was: a traceback for Ctrl-C, and a bare exit 143 for SIGTERM, in the few tenths of a
    second the command takes to load."""
    ended = subprocess.run(
        [sys.executable, "-c", _WHILE_LOADING.format(name=stop)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert ended.returncode == 130
    assert ended.stderr == (
        "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)\n"
    )


_STOPPED_SUMMARY = stopped_json([], STOPPED, STOPPED_EXIT) + "\n"


def test_the_launchers_early_summary_is_the_summary_of_a_stopped_build() -> None:
    """The launcher writes it with json alone (the build's modules are still loading then);
    this holds the two shapes together."""
    assert launcher.stopped_summary() == _STOPPED_SUMMARY.encode()


_LOADING = """
import builtins, os, signal, sys
import assembler.launcher as launcher
real = builtins.__import__
def loading(name, *args, **kwargs):
    if name == "{module}":
        builtins.__import__ = real
        os.kill(os.getpid(), signal.SIGTERM)
    return real(name, *args, **kwargs)
builtins.__import__ = loading
sys.argv = ["assembler", *{args!r}]
launcher.run()
"""


@pytest.mark.parametrize(
    ("module", "args", "said"),
    [
        # While the CLI loads: the launcher's handler.
        ("assembler.cli", ["build", "--json"], _STOPPED_SUMMARY),
        ("assembler.cli", ["build", "--geen-pdf", "--json", "dossiers"], _STOPPED_SUMMARY),
        ("assembler.cli", ["build", "--", "--json"], ""),
        ("assembler.cli", ["build"], ""),
        ("assembler.cli", ["check", "--json"], ""),
        # While the build's modules load: the CLI's.
        ("assembler.build", ["build", "--json"], _STOPPED_SUMMARY),
    ],
)
def test_build_json_stopped_while_the_command_loads_still_gives_its_summary(
    module: str, args: list[str], said: str, tmp_path: Path
) -> None:
    """Was: nothing on stdout in the first few tenths of a second, though docs/build-json.md
    promises one object whatever happened."""
    ended = subprocess.run(
        [sys.executable, "-c", _LOADING.format(module=module, args=args)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert (ended.returncode, ended.stdout) == (130, said), ended.stderr
    assert ended.stderr.endswith(f"{STOPPED}\n")


_IN_ENTER = """
import os, signal, threading, time
import assembler.cli as cli
signal.signal(signal.SIGTERM, cli._terminate)
lock = threading.Lock()
class Taking:
    def __enter__(self):
        lock.acquire()
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs in this frame
        started = time.monotonic()
        while time.monotonic() - started < 0.3:
            pass
        return self
    def __exit__(self, *exc):
        lock.release()
try:
    with Taking():
        time.sleep(5)
except KeyboardInterrupt:
    print("vrij" if lock.acquire(timeout=1) else "vast")
"""


def test_a_stop_signal_in_a_with_statements_entry_waits_until_its_lock_is_held_by_the_with() -> (
    None
):
    """The hang's cause: SIGHUP landed in Queue.put's `with`, after its lock was taken and
    before the block that releases it; the unwinding then waited for that lock for ever."""
    ended = subprocess.run(
        [sys.executable, "-c", _IN_ENTER], capture_output=True, text=True, timeout=30
    )
    assert ended.stdout == "vrij\n", ended.stderr


def _being_written(project: Path, moment: str) -> list[Path]:
    """Files of the kind ``moment`` names that a build is writing now: in its staging folders
    (``.tmp-assembler-*``), where outputs are made before they are installed."""
    found = []
    try:
        for path in (project / "build").rglob("*"):
            folders = path.relative_to(project / "build").parts[:-1]
            staging = [part for part in folders if part.startswith(TEMP_PREFIX)]
            if not staging or ".cache" in folders or not path.is_file():
                continue
            of_meeting = staging[-1] == TEMP_PREFIX + MEETING_STAGING
            if (
                (moment == "docx" and path.suffix == ".docx" and not of_meeting)
                or (moment == "pdf" and path.suffix == ".pdf" and not of_meeting)
                or (moment == "vergadering" and of_meeting)
            ):
                found.append(path)
    except FileNotFoundError:  # a folder installed or removed while it was listed
        return []
    return found


@pytest.mark.parametrize("moment", ["docx", "pdf", "vergadering"])
def test_sigkill_keeps_previous_outputs_and_rebuild_completes(
    example_project: Path, tmp_path: Path, moment: str
) -> None:
    """Killed while it writes a dossier's Word documents, its PDFs, or a meeting's agendas and
    bundles (not after a fixed time, which on a slow machine may come before any output)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1685000000"}
    assert build(example_project, env=env).returncode == 0
    good = outputs(example_project)

    # A change to every dossier and agenda: the killed build was rewriting all of them.
    for path in (example_project / "dossiers").glob("*/*/dossier.yaml"):
        path.write_text(path.read_text().replace("verspreiden:", "# gewijzigd\nverspreiden:"))
    killed_tmp = tmp_path / "killed-tmp"
    killed_tmp.mkdir()
    # The kill must come while such a file is there; a file installed between the look and
    # the kill means another try.
    for _attempt in range(5):
        for stray in (example_project / "build").glob(f"*/{TEMP_PREFIX}*"):
            # Of a try that missed: not the files looked for.
            if stray.is_dir():
                shutil.rmtree(stray)
            else:
                stray.unlink()
        process = subprocess.Popen(
            [str(ASSEMBLER), "build", "--force"],
            cwd=example_project,
            env={**env, "TMPDIR": str(killed_tmp)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while process.poll() is None and not _being_written(example_project, moment):
            time.sleep(0.005)
        process.kill()
        process.wait()
        if _being_written(example_project, moment):
            break
        assert _leftovers_end_by_themselves(str(killed_tmp)) == []
    else:
        pytest.fail(f"in 5 builds no kill came while a {moment} output was being written")
    # LibreOffice workers notice that their build is gone and end; none runs on for ever.
    assert _leftovers_end_by_themselves(str(killed_tmp)) == []

    # Whatever is there is whole: either the previous version or a complete new one.
    assert_all_outputs_whole(example_project, temp_allowed=True)
    assert set(good) <= set(outputs(example_project))

    # The next build, in the same environment, also clears the killed one's sockets in /tmp.
    killed_pipes = [
        Path("/tmp") / name
        for profile in killed_tmp.glob(convert._WORKSPACE_PREFIX + "*/profile-*")
        for name in convert.pipe_names(profile)
    ]
    rebuilt = build(example_project, env={**env, "TMPDIR": str(killed_tmp)})
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert_all_outputs_whole(example_project)
    # A comment changes no document: the rebuilt outputs equal the first good ones.
    assert outputs(example_project) == good
    assert [pipe.name for pipe in killed_pipes if pipe.exists()] == []


@pytest.mark.parametrize("expected_size", [None, 10_000, IN_MEMORY_OUTPUT + 1])
def test_a_pdf_qpdf_writes_through_python_is_whole_and_a_full_disk_raises_afterwards(
    tmp_path: Path, expected_size: int | None
) -> None:
    """In memory (small outputs) or streamed (large, or of unknown size): the same file, and
    the disk's refusal comes as an OSError once qpdf is done, not as an abort of the process."""
    with pikepdf.new() as pdf:
        for _ in range(3):
            pdf.add_blank_page()
        reference = io.BytesIO()
        pdf.save(reference, deterministic_id=True)
        target = tmp_path / "uit.pdf"
        with library_output(target, expected_size) as stream:
            pdf.save(stream, deterministic_id=True)
        assert target.read_bytes() == reference.getvalue()
        if not Path("/dev/full").exists():
            return
        with (
            pytest.raises(OSError) as refused,
            library_output(Path("/dev/full"), expected_size) as stream,
        ):
            pdf.save(stream, deterministic_id=True)
        assert refused.value.errno == errno.ENOSPC

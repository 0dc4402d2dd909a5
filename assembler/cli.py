"""The command line: a thin Dutch layer over the library. The only module that prints."""

from __future__ import annotations

import codecs
import contextlib
import errno
import faulthandler
import io
import itertools
import json
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from functools import wraps
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click

from assembler.errors import (
    STOPPED,
    STOPPED_EXIT,
    AssemblerError,
    ExitCode,
    OutputNotWritable,
    Problem,
    SettingsRejected,
    UsageError,
    dutch_list,
    megabytes,
    readable,
)
from assembler.layout import PUBLIC_MEETING_OUTPUTS
from assembler.project import MEETING_FILE, Project, find_project

# Each command imports what it needs: `build` starts LibreOffice before pydantic and the
# PDF libraries are loaded, so that their third of a second overlaps its start.
if TYPE_CHECKING:
    from assembler.inputs import Catalog
    from assembler.package import MeetingExport
    from assembler.publish import PublishReport

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

_SECTIONS = {"Options": "Opties", "Commands": "Opdrachten", "Arguments": "Argumenten"}


# Click lays help out at least 50 wide, whatever the terminal, which then folds each longer
# line wherever it ends, in the middle of an option's name too; this is as narrow as it goes.
_NARROWEST_HELP = 30
# A description column narrower than this goes under its option's names instead (as in a
# pane of 40 or 50 columns), not in a strip of a few words a line.
_NARROWEST_DESCRIPTION = 28
# How far a description under its option's names is indented.
_DESCRIPTION_INDENT = 4


def _wrapped(text: str, width: int, indent: str = "") -> str:
    """Help text wrapped as click wraps it, keeping paragraphs and \\b blocks, but never
    breaking a word at a hyphen (a path to copy, '--ook-niet-' / 'openbaar') nor a web
    address: one too long for a line stands whole on a line of its own."""
    import textwrap

    class Wrapper(textwrap.TextWrapper):
        def _handle_long_word(
            self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
        ) -> None:
            # 'https://raad.exampl' / 'e.nl/…' was copied broken: wider than the terminal
            # is better. Any other long word is split, as click does.
            if "://" not in reversed_chunks[-1]:
                super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)
            elif not cur_line:
                cur_line.append(reversed_chunks.pop())

    wrapper = Wrapper(
        width,
        initial_indent=indent,
        subsequent_indent=indent,
        replace_whitespace=False,
        break_on_hyphens=False,
    )
    # Click's paragraphs (see click.formatting.wrap_text): empty lines between them, a first
    # line of only \\b keeps a block as written, a paragraph's first line gives its indent.
    blocks: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[str] = []
    for lines in filter(None, blocks):
        first = lines[0].lstrip()
        wrapper.initial_indent = wrapper.subsequent_indent = (
            indent + lines[0][: len(lines[0]) - len(first)]
        )
        if first.strip() == "\b":
            paragraphs.append("\n".join(wrapper.initial_indent + line for line in lines[1:]))
        else:
            paragraphs.append(wrapper.fill(" ".join([first, *lines[1:]])))
    return "\n\n".join(paragraphs)


class DutchHelpFormatter(click.HelpFormatter):
    """Click's help layout with Dutch headings (clerks read the help), as narrow as the
    terminal, with options' names kept whole."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        import shutil

        from click import formatting

        if width is None and formatting.FORCED_WIDTH is None:
            columns = shutil.get_terminal_size().columns
            width = max(min(columns, max_width or 80) - 2, _NARROWEST_HELP)
        super().__init__(indent_increment, width, max_width)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Gebruik: ")

    def section(self, name: str) -> Any:
        return super().section(_SECTIONS.get(name, name))

    def write_text(self, text: str) -> None:
        self.write(_wrapped(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """Options (or commands) with their help beside them, or, where that column would be
        too narrow, under them; names that do not fit a line go on more, split between two
        names, never in one."""
        rows = list(rows)
        first_width = min(max((len(first) for first, _ in rows), default=0), col_max)
        first_col = first_width + col_spacing
        text_width = self.width - self.current_indent - first_col
        beside = text_width >= _NARROWEST_DESCRIPTION
        indent = " " * self.current_indent
        for first, second in rows:
            names = self._names_lines(first)
            for line in names:
                self.write(f"{indent}{line}\n")
            if not second:
                continue
            if beside:
                lines = _wrapped(second, text_width).splitlines()
                pad = " " * (self.current_indent + first_col)
                if len(names) == 1 and len(first) <= first_width:
                    # Beside the names, as click lays it out.
                    self.buffer[-1] = f"{indent}{first}{' ' * (first_col - len(first))}"
                    self.write(f"{lines[0]}\n" if lines else "\n")
                    lines = lines[1:]
            else:
                under = self.current_indent + _DESCRIPTION_INDENT
                lines = _wrapped(second, max(self.width - under, 10)).splitlines()
                pad = " " * under
            for line in lines:
                self.write(f"{pad}{line}\n" if line else "\n")

    def _names_lines(self, names: str) -> list[str]:
        """An option's names ('--ook-niet-openbaar / --alleen-openbaar') on as many lines as
        they need, broken only after a ' / ' or ', ' between two of them."""
        room = self.width - self.current_indent
        parts = re.split(r"(?<= /) |(?<=,) ", names)
        lines = [parts[0]]
        for part in parts[1:]:
            if len(lines[-1]) + 1 + len(part) <= room:
                lines[-1] += f" {part}"
            else:
                lines.append(f"  {part}")  # a name on a line of its own, indented under the first
        return lines


class DutchOption(click.Option):
    """An option whose help says [verplicht] where click writes [required], and [1 t/m 64]
    where it writes a range as [1<=x<=64]."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        # Click writes "[required]", or "[default: …; required]" with other extras.
        text = re.sub(r"\brequired\]", "verplicht]", text)
        return names, re.sub(r"\[(\d+)<=x<=(\d+)\]", r"[\1 t/m \2]", text)


class DutchContext(click.Context):
    """A click context that lays out help with :class:`DutchHelpFormatter`."""

    formatter_class = DutchHelpFormatter


class DutchCommand(click.Command):
    """A command whose help is laid out in Dutch."""

    context_class = DutchContext


class DutchGroup(click.Group):
    """A group whose help, and whose subcommands' help, is laid out in Dutch."""

    context_class = DutchContext
    command_class = DutchCommand
    group_class = type

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands with their first sentence, as click lists them, and as long as the
        line under a command's name allows where there is no room beside it."""
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if not commands:
            return
        widest = max(len(name) for name, _command in commands)
        limit = formatter.width - 6 - widest  # click's: beside the names
        if limit < _NARROWEST_DESCRIPTION:
            limit = formatter.width - formatter.current_indent - 2 - _DESCRIPTION_INDENT
        rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


CONTEXT: dict[str, Any] = {"help_option_names": [], "max_content_width": 100}


def dutch_help(function: F) -> F:
    """The -h/--help option with Dutch help text."""
    return click.help_option("-h", "--help", help="Toon deze hulp en stop.")(function)


def _echo_json(text: str) -> None:
    """Write JSON to stdout in UTF-8, as RFC 8259 has it, whatever the locale says: a script
    reads it as UTF-8, and a Latin-1 locale could not write a '•' a clerk pasted."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if buffer is None or codecs.lookup(encoding).name == "utf-8":
        click.echo(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8") + b"\n")
    buffer.flush()


def _print_problems(problems: Sequence[Problem], as_json: bool) -> None:
    if as_json:
        _echo_json(json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2))
        return
    for problem in problems:
        _say(problem.format())


# Lines for people that stderr refused (a log on a full disk): the exit code says so at the end.
_UNSAID: list[OSError] = []


def _say(line: str) -> None:
    """Write ``line`` to stderr; a refusal is kept, not raised: the work goes on."""
    try:
        click.echo(line, err=True)
    except OSError as error:
        _UNSAID.append(error)


def _shown_from_root(error: AssemblerError) -> AssemblerError:
    """``error`` with the path it names relative to the project root, as every message has."""
    if not isinstance(error, OutputNotWritable) or not Path(error.path).is_absolute():
        return error  # a relative path is from the root already
    try:
        project = _FOUND[0] if _FOUND else find_project()
    except (UsageError, OSError):
        return error
    return error.shown_as(project.display(Path(error.path)))


def _fail(error: AssemblerError, as_json: bool = False, counted: str = "") -> NoReturn:
    """Say ``error`` and exit with its code; ``counted``: a line for stdout after it."""
    error = _shown_from_root(error)
    # The problems say where; the message says what came of them ("er is niets geschreven"),
    # so it ends the output: on stderr, and for a script as the list's last entry.
    if as_json:
        _print_problems([*error.problems, error.summary()], as_json)
    else:
        _print_problems(error.problems, as_json)
    _say(f"fout: {error.message}")  # a refused log must not turn exit 4 into 3
    if counted and not as_json:
        click.echo(counted)
    sys.exit(int(error.exit_code))


def handles_errors(function: F) -> F:
    """Turn library errors into Dutch messages and exit codes; never a traceback for input."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except AssemblerError as error:
            _fail(error, bool(kwargs.get("as_json")))
        except KeyboardInterrupt as interrupt:
            # What a stopped build still did (withdrawals) is said before it stops.
            if said := getattr(interrupt, "problems", []):
                _print_problems(said, bool(kwargs.get("as_json")))
            _say(STOPPED)
            sys.exit(STOPPED_EXIT)

    return wrapper  # type: ignore[return-value]


# How long a stopped build may take to unwind (stop LibreOffice, remove staging folders).
UNWIND_SECONDS = 30.0
_STOPPING = threading.Event()
# A signal that lands in a `with`'s entry or exit is sent again 50 ms later, this many times
# at most (a second), so a stop never waits on a `with` that does not end.
_MAX_DEFERRALS = 20
_DEFERRED = itertools.count()


def _terminate(signum: int, frame: FrameType | None) -> None:
    # The interrupt lands wherever the build is, possibly inside a lock the unwinding needs
    # (a thread pool's, a queue's): it would then wait for ever, holding the build lock, and
    # the next cron job with it. A second signal, or an unwinding past UNWIND_SECONDS, ends the
    # process at once; its LibreOffice workers end with it (a one-shot batch runs to its end),
    # and the next build sweeps the rest.
    # Nor inside the import system's own locking, whose module locks the workers' lazy
    # imports then wait on for ever (a Ctrl-C while the main thread imported hung the build).
    entering = frame is not None and (
        frame.f_code.co_name in ("__enter__", "__exit__")
        or frame.f_code.co_filename.startswith("<frozen importlib")
    )
    if entering and next(_DEFERRED) < _MAX_DEFERRALS:
        # Raised here, the lock a `with` just took (a queue's, in the hang this was found by)
        # would never be released: the signal comes again in a moment, outside it.
        again = threading.Timer(0.05, os.kill, args=(os.getpid(), signum))
        again.daemon = True
        again.start()
        return
    if _STOPPING.is_set():
        _end_now("afgebroken: meteen gestopt bij het tweede signaal")
    _STOPPING.set()
    watchdog = threading.Timer(
        UNWIND_SECONDS,
        _end_now,
        args=(f"afgebroken: het opruimen duurde langer dan {UNWIND_SECONDS:.0f} seconden",),
    )
    watchdog.daemon = True
    watchdog.start()
    raise KeyboardInterrupt


def _end_now(why: str) -> NoReturn:
    # Straight to the descriptor: the writer for people may be what the unwinding waits on.
    with contextlib.suppress(OSError):
        os.write(2, f"{why}; wat half gemaakt is, ruimt de volgende build op\n".encode())
    if faulthandler.is_enabled():  # PYTHONFAULTHANDLER=1: where each thread waited
        faulthandler.dump_traceback(all_threads=True)
    os._exit(STOPPED_EXIT)


def take_stop_signals() -> None:
    """Ctrl-C, SIGTERM, and SIGHUP (a closed terminal, a dropped SSH session) unwind alike, so
    running LibreOffice workers are stopped and temp files removed instead of left behind,
    and a second one, or an unwinding that hangs, ends the command at once."""
    # Taken by the command (run), not by the click group: a program or test that calls the
    # group in its own process keeps its own handling of its signals.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a background job, nohup: left
            signal.signal(signum, _terminate)


def _show_version(context: click.Context, asked: bool) -> None:
    """``--version``: the version, with the git commit when run from a checkout (asked of git
    only here, so no other command waits for it)."""
    if not asked or context.resilient_parsing:
        return
    from assembler import version_line

    click.echo(version_line())
    context.exit()


def _project(*paths: Path) -> Project:
    """The project: from the working folder, or else from the ``paths`` the command was given
    (all in one project), so a cron job or CI run need not change folder first."""
    project = find_project(paths=paths)
    _FOUND[:] = [project]
    return project


# The project the command works in, once found: the one its messages name paths from.
_FOUND: list[Project] = []


@click.group(
    "assembler",
    cls=DutchGroup,
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    subcommand_metavar="OPDRACHT [ARGUMENTEN]...",
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda context, _option, asked: _show_version(context, asked),
    help="Toon de versie en stop.",
)
@dutch_help
def main() -> None:
    """Stelt voorstellen voor het portefeuillehoudersoverleg samen.

    Beschrijf elk voorstel in een dossier.yaml; assembler controleert het, maakt er een
    Word-document, een archief-PDF en een bundel met bijlagen van, en een pakket per
    vergadering voor het vergadersysteem.

    Het project is de dichtstbijzijnde map met een map dossiers/, gezocht vanaf de map
    waarin u staat naar boven. Staat u niet in een project (cron, CI), dan wordt
    het gezocht vanaf de opgegeven paden, die dan in één project moeten liggen:

    \b
      assembler build /pad/naar/project/dossiers/2024-03-15-pfho-economie
    """


@main.command(context_settings=CONTEXT, options_metavar="[OPTIES]")
@dutch_help
@click.argument("paden", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Meldingen als JSON-lijst (voor scripts).")
@handles_errors
def check(paden: tuple[Path, ...], as_json: bool) -> None:
    """Controleer vergaderingen en dossiers zonder iets te maken.

    Zonder PADEN wordt alles onder dossiers/ gecontroleerd; geef een vergadermap of
    dossiermap om alleen die te controleren. Buiten een project wordt het project gezocht
    vanaf de PADEN (zie 'assembler --help'). Meldingen gaan naar de foutuitvoer (stderr)
    als bestand:regel: veld: melding. Afsluitcode 0 als alles klopt, 1 bij fouten in
    vergaderingen of dossiers, 2 bij een fout in de opdracht, in organisatie.yaml of in een
    sjabloon, 3 als de uitvoer niet geschreven kon worden.
    """
    from assembler.check import check_exit_code, check_project

    project = _project(*paden)
    try:
        catalog = check_project(project, paden)
    except SettingsRejected as refused:
        # The count README promises, as a check that found errors ends with it.
        _fail(refused, as_json, _settings_counted(project, refused))
    _report_catalog(catalog, as_json)
    code = check_exit_code(project, catalog)
    if code != ExitCode.OK:
        sys.exit(int(code))


def _report_catalog(catalog: Catalog, as_json: bool) -> None:
    from assembler.check import summarise

    _print_problems(catalog.problems, as_json)
    if as_json:
        return
    summary = summarise(catalog.project, catalog)
    warnings = summary.warnings
    noted = f" ({_counted(warnings, 'waarschuwing', 'waarschuwingen')})" if warnings else ""
    if not summary.errors:
        click.echo(
            f"In orde: {_counted(summary.meetings, 'vergadering', 'vergaderingen')}, "
            f"{_counted(summary.dossiers, 'dossier', 'dossiers')} gecontroleerd{noted}."
        )
        return
    # The lines above can be many; this one says how far from done the clerk is.
    not_made = (
        f"; {_counted(summary.blocked, 'dossier kan', 'dossiers kunnen')} niet gemaakt worden "
        f"met {dutch_list(summary.refused_templates)}"
        if summary.blocked
        else ""
    )
    without = _without_dossiers_of(summary.refused_meetings)
    uncounted = f" ({without})" if without else ""
    where = _places_counted(summary.files_at_fault, summary.folders_at_fault)
    click.echo(
        f"Niet in orde: {_counted(summary.errors, 'fout', 'fouten')} in {where}{noted}; "
        f"{_counted(summary.in_order, 'dossier', 'dossiers')} in orde{uncounted}{not_made}."
    )


def _without_dossiers_of(refused: Sequence[str]) -> str:
    """'zonder de dossiers van X: die vergadering.yaml is afgekeurd': the meetings whose
    dossiers the counts leave out, else ""; said alike by check and build."""
    if not refused:
        return ""
    files_are = "die vergadering.yaml is" if len(refused) == 1 else "die vergadering.yaml's zijn"
    return f"zonder de dossiers van {dutch_list(refused)}: {files_are} afgekeurd"


def _settings_counted(project: Project, refused: SettingsRejected) -> str:
    """The last line of a check that organisatie.yaml stopped: its errors, nothing checked."""
    errors = [problem for problem in refused.problems if problem.ernst == "fout"]
    files = {problem.bestand for problem in errors} | {refused.bestand}
    return (
        f"Niet in orde: {_counted(max(len(errors), 1), 'fout', 'fouten')} in "
        f"{_places(project, files)}; niets gecontroleerd."
    )


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _places(project: Project, names: Collection[str]) -> str:
    """'1 bestand', '2 bestanden en 1 map': where errors are, a folder (one without rights, a
    meeting folder without its file) counted as that."""
    from assembler.check import folders_among

    folders = folders_among(project, names)
    return _places_counted(len(names) - folders, folders)


def _places_counted(files: int, folders: int) -> str:
    counted = [
        *([_counted(files, "bestand", "bestanden")] if files or not folders else []),
        *([_counted(folders, "map", "mappen")] if folders else []),
    ]
    return " en ".join(counted)


def _wait_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--wacht MINUTEN``, for the commands a cron job runs: they wait their turn."""
    return click.option(
        "--wacht",
        "wait_minutes",
        cls=DutchOption,
        type=click.IntRange(1, 24 * 60),
        metavar="MINUTEN",
        help=(
            "Loopt er al een build, export of publicatie van dit project, wacht dan hoogstens "
            "zoveel minuten tot die klaar is (zonder --wacht: stop meteen met afsluitcode 3)."
        ),
    )(command)


def _seconds(minutes: int | None) -> float:
    return 0.0 if minutes is None else minutes * 60.0


@main.command(context_settings=CONTEXT, options_metavar="[OPTIES]")
@dutch_help
@click.argument("vergadermappen", nargs=-1, type=click.Path(path_type=Path))
@_wait_option
@handles_errors
def export(vergadermappen: tuple[Path, ...], wait_minutes: int | None) -> None:
    """Maak per vergadering het pakket voor het vergadersysteem.

    Schrijft build/<vergadering>/export/ met openbaar/ en niet-openbaar/ (PDF's,
    manifest.json, SHA256SUMS; openbaar/ ook de DiWoo-sitemap) en een zip per kant. Zonder
    VERGADERMAPPEN: alle vergaderingen. Buiten een project wordt het project gezocht vanaf
    de VERGADERMAPPEN (zie 'assembler --help'). Bouwt eerst wat verouderd is.

    Afsluitcode 0 als elk pakket gemaakt is; 1 als een vergadering of dossier is afgekeurd
    of nog '...' bevat (die vergadering krijgt geen pakket); 2 bij een fout in de opdracht,
    in organisatie.yaml of in een sjabloon, of als publicatie.json weg is; 3 als
    LibreOffice ontbreekt of de uitvoer niet geschreven kon worden; 4 als er iets
    vertrouwelijks in de openbare stukken zou komen: dan wordt er geen pakket geschreven
    (de documenten in build/ zijn wel bijgewerkt: geef die niet door).
    """
    started = time.monotonic()
    from assembler.build_report import BuildOptions, source_date_epoch_from_env
    from assembler.package import export_meetings
    from assembler.validate import meeting_selected

    project = _project(*vergadermappen)
    for path in vergadermappen:
        meeting_selected(project, path)  # a dossier's path refused before anything is built
    epoch = source_date_epoch_from_env()
    if _terminal(sys.stderr):
        report = _with_bar(
            BuildOptions(),
            lambda advance: export_meetings(
                project, vergadermappen, epoch, advance, lock_wait=_seconds(wait_minutes)
            ),
        )
    else:
        # A line per step, as build gives: a cron log of a long export is not silent till the end.
        report = export_meetings(
            project, vergadermappen, epoch, _plain_progress, lock_wait=_seconds(wait_minutes)
        )
    # The build's problems first: the export's own refer to them ("zie de meldingen hierboven");
    # one the export says again is said once, as a stopped export says it.
    _print_problems(list(dict.fromkeys([*report.build.problems, *report.problems])), False)
    for meeting in report.meetings:
        click.echo(f"Exportpakket: {project.display(meeting.folder)}")
        for line in _package_said(meeting):
            click.echo(f"  {line}")
    # As build ends (on stderr, with the messages): a log of a nightly export says how long.
    packages = _counted(len(report.meetings), "exportpakket", "exportpakketten")
    _say(f"Klaar: {packages} gemaakt in {_time_taken(time.monotonic() - started)}.")
    sys.exit(int(report.exit_code))


def _package_said(export: MeetingExport) -> list[str]:
    """What a package holds, from its manifests: per side its documents and zip, what went."""
    from assembler.package import SIDES

    lines = []
    for side in SIDES:
        count = sum(1 for document in export.documents if document.side == side)
        zipped = export.zips.get(side)
        size = f", {zipped.name} ({_file_size(zipped)})" if zipped is not None else ""
        lines.append(f"{side}: {_counted(count, 'document', 'documenten')}{size}")
    return lines + _made_public_said(export) + _withdrawn_said(export)


def _made_public_said(export: MeetingExport) -> list[str]:
    """The documents this export put on the public side that an export before had on the
    confidential one: said as a withdrawal is, as a slip ('verspreiden: Ja' copied) would
    otherwise publish them with only a word in the manifest."""
    from assembler.package import PUBLIC

    records = export.publication.get("documenten", {})
    said = []
    for key in export.renewed:
        record_side, _, document = key.partition(":")
        if record_side != PUBLIC or export.versions.get(key, ("", ""))[1] != "nu openbaar":
            continue
        name = str(records.get(key, {}).get("bestandsnaam") or document)
        line = (
            f"nu {PUBLIC}: {name} (was bij een vorige export niet openbaar; controleer of de "
            "geheimhouding is opgeheven)"
        )
        said.append(((name.split("_")[:2], "_bijlage-" in name, name), line))
    return [line for _order, line in sorted(said)]


def _withdrawn_said(export: MeetingExport) -> list[str]:
    """The public documents this export withdrew, by file name and why."""
    from assembler.package import PUBLIC

    # The agenda system takes these down: said, so the clerk can check it did. Only what this
    # export withdrew: the manifest lists a withdrawal for ever. Named, also where the manifest
    # does not name it: this terminal is not published.
    said: list[tuple[tuple[list[str], bool, str], str]] = []
    records = export.publication.get("documenten", {})
    for key in export.withdrawn:
        record_side, _, document = key.partition(":")
        record = records.get(key, {})
        if record_side != PUBLIC:
            continue
        name = str(record.get("bestandsnaam") or document)
        reason = _withdrawal_reason(str(record.get("reden", "")), document)
        if reason == "niet meer op de agenda" and key in export.moved:
            # A postponed item, not (yet) in that meeting's package: not a withdrawn one.
            reason = (
                f"verplaatst naar {export.moved[key]}, komt daar mee met de export van die "
                "vergadering"
            )
        line = f"ingetrokken uit {PUBLIC}: {name}{f' ({reason})' if reason else ''}"
        # In agenda order (the file names start with the item's number and kenmerk), each
        # item's voorstel or memo before its bijlagen.
        said.append(((name.split("_")[:2], "_bijlage-" in name, name), line))
    return [line for _order, line in sorted(said)]


def _withdrawal_reason(reason: str, document: str) -> str:
    """Why a document left the public side, if the record's reason is right for it: the
    meeting's own agenda or bundle is not "niet meer op de agenda"."""
    _dossier, has_dossier, _kind = document.partition("/")
    if reason == "niet meer op de agenda" and not has_dossier:
        return ""
    return reason


def _file_size(path: Path) -> str:
    """A file's size as a clerk reads it: '57,3 MB'."""
    try:
        size = path.stat().st_size
    except OSError:
        return "niet te lezen"
    return megabytes(size)


@main.command(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    short_help="Lever een vergadering aan een vergadersysteem (ODS-API).",
)
@dutch_help
# A file in the meeting folder (vergadering.yaml) means that folder, as export takes it.
@click.argument("vergadermap", type=click.Path(path_type=Path))
@click.option(
    "--naar",
    "url",
    cls=DutchOption,
    required=True,
    metavar="URL",
    help="Webadres van de API, bijvoorbeeld https://raad.example.nl/api/ods/v1",
)
@click.option(
    "--ook-niet-openbaar/--alleen-openbaar",
    "include_confidential",
    default=None,
    help=(
        "Stuur ook de niet-openbare stukken mee, of alleen de openbare (niet-openbare die er "
        "al staan, worden dan weggehaald). Standaard zoals de vorige keer naar dit adres; de "
        "eerste keer alleen openbare."
    ),
)
@click.option(
    "--droog",
    "dry_run",
    is_flag=True,
    help=(
        "Maak het exportpakket en laat zien wat er verstuurd zou worden, zonder iets te versturen."
    ),
)
@_wait_option
@handles_errors
def publish(
    vergadermap: Path,
    url: str,
    include_confidential: bool | None,
    dry_run: bool,
    wait_minutes: int | None,
) -> None:
    """Lever een vergadering aan een vergadersysteem met de ODS Open Raadsinformatie-API.

    Alleen wat sinds de vorige keer veranderd is, wordt verstuurd. Buiten een project wordt
    het project gezocht vanaf VERGADERMAP (zie 'assembler --help'). Het token komt uit
    de omgevingsvariabele ASSEMBLER_ODS_TOKEN en wordt nergens opgeslagen of getoond.
    Verstuurd worden de gegevens: de vergadering, de agendapunten en per stuk een link
    (publicatie_url in organisatie.yaml plus de bestandsnaam). De PDF's zelf staan in
    build/<vergadering>/export/openbaar/ en horen op dat adres te staan. Wie eenmaal
    met --ook-niet-openbaar naar een adres publiceert, stuurt de niet-openbare stukken
    daarna steeds mee, tot --alleen-openbaar ze daar weghaalt. Eén vergadering tegelijk.

    Afsluitcodes als bij export (zie 'assembler export --help'); daarnaast 2 als het token
    ontbreekt, het webadres niet klopt of het vergadersysteem de gegevens weigert, en 3 als
    het vergadersysteem niet te bereiken is.
    """
    started = time.monotonic()
    from assembler.errors import PublishFailed, PublishRejected
    from assembler.publish import PublishReport, PublishStopped, publish_meeting

    project = _project(vergadermap)
    try:
        report = publish_meeting(
            project,
            vergadermap,
            url,
            token=os.environ.get("ASSEMBLER_ODS_TOKEN", ""),
            include_confidential=include_confidential,
            dry_run=dry_run,
            lock_wait=_seconds(wait_minutes),
            waiting=_say,
        )
    except (PublishFailed, PublishRejected) as error:
        # What the agenda system holds now is what was sent before it stopped: the 404s and
        # the objects made anew are said before the error that ends the output.
        if isinstance(error.report, PublishReport):
            _say_requests(error.report)
            _say_put_up(project, error.report)
        raise
    except PublishStopped as stop:
        # Ctrl-C or SIGTERM once requests went out: what was sent, and the request under way
        # (perhaps carried out), instead of STOPPED, which is not so here.
        _say_requests(stop.report)
        _say_put_up(project, stop.report)
        _say(stop.message)
        sys.exit(STOPPED_EXIT)
    _say_requests(report)
    _say_put_up(project, report)
    if report.take_down:
        # The API forgets them; the web server does not: what went must go there too (also
        # when a publish that stopped part-way is finished with nothing left to send).
        click.echo(
            "Haal weg van publicatie_url, want geen link wijst er nog naar (niet meer openbaar, "
            f"niet meer op de agenda of hernoemd): {', '.join(sorted(set(report.take_down)))}."
        )
    if report.dry_run:
        click.echo(f"Droog: niets verstuurd ({len(report.requests)} verzoeken gepland).")
    else:
        click.echo(f"{report.accepted} verwerkt, {report.unchanged} ongewijzigd.")
    # As build ends (on stderr, with the messages): a log of a nightly publish says how long.
    _say(f"Klaar in {_time_taken(time.monotonic() - started)}.")


# At most this many file names in the list of files to put at publicatie_url.
_PUT_UP_LISTED = 10


def _say_put_up(project: Project, report: PublishReport) -> None:
    """The public files whose links were sent new or that have a new version under the same
    name: only the metadata travels, so they must be put where their links point."""
    from assembler.package import PUBLIC

    exported = [meeting.folder / PUBLIC for meeting in report.export.meetings]
    if not report.put_up or not exported:
        return
    names = sorted(report.put_up)
    more = len(names) - _PUT_UP_LISTED
    listed = ", ".join(names[:_PUT_UP_LISTED]) + (f", en nog {more}" if more > 0 else "")
    click.echo(
        f"Zet op publicatie_url (nieuw of gewijzigd; ze staan in "
        f"{project.display(exported[0])}/): {listed}."
    )


def _say_requests(report: PublishReport) -> None:
    """The warnings of a publication on stderr, and its requests with their answers."""
    # The export's own first (a public annex that is a confidential one's file): they are
    # about what was sent.
    _print_problems([*report.export.build.problems, *report.export.problems], False)
    for meeting in report.export.meetings:
        for line in _made_public_said(meeting) + _withdrawn_said(meeting):  # before the requests
            click.echo(line)
    for note in report.notes:
        _say(f"waarschuwing: {note}")
    for request in report.requests:
        status = f" → {request.status}" if request.status else ""
        click.echo(f"{request.method} {request.path}  {request.what} ({request.reason}){status}")
    if report.as_before:
        # Not asked, but left out they would be deleted from the agenda system.
        click.echo(
            "Ook de niet-openbare stukken, zoals de vorige keer naar dit adres (geef "
            "--alleen-openbaar om ze daar weg te halen)."
        )


@main.group(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    subcommand_metavar="OPDRACHT [ARGUMENTEN]...",
)
@dutch_help
def templates() -> None:
    """Werk met de Word-sjablonen in templates/."""


@templates.command("check", context_settings=CONTEXT, options_metavar="[OPTIES]")
@dutch_help
@click.option("--json", "as_json", is_flag=True, help="Meldingen als JSON-lijst (voor scripts).")
@handles_errors
def templates_check(as_json: bool) -> None:
    """Controleer de sjablonen: onbekende velden, ontbrekende velden, kapotte codes.

    Afsluitcode 2 als een sjabloon fouten heeft; waarschuwingen worden alleen gemeld.
    """
    from assembler.check import check_templates

    project = _project()
    problems = check_templates(project)
    _print_problems(problems, as_json)
    errors = [p for p in problems if p.ernst == "fout"]
    count = len(problems) - len(errors)
    warnings = f" ({_counted(count, 'waarschuwing', 'waarschuwingen')})" if count else ""
    if not as_json:
        # As check ends: how far from done, on stdout, after the messages.
        if errors:
            files = {problem.bestand for problem in errors}
            click.echo(
                f"Niet in orde: {_counted(len(errors), 'fout', 'fouten')} in "
                f"{_counted(len(files), 'sjabloon', 'sjablonen')}{warnings}."
            )
        else:
            click.echo(f"Sjablonen in orde{warnings}.")
    if errors:
        sys.exit(int(ExitCode.USAGE))


# How `new` asks for what was not given, in the words of the documents.
_PROMPTS = {
    "onderwerp": "Onderwerp",
    "verspreiden": "Verspreiden (Ja = openbaar, Nee = vertrouwelijk)",
    "contactpersoon": "Contactpersoon",
    "eenheid": "Eenheid",
    "email": "E-mailadres",
    "aan": "Aan",
    "van": "Van",
    "overleg": "Naam van het overleg",
    "aanvang": "Aanvangstijd (UU:MM)",
    "locatie": "Locatie",
}


@main.command(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    short_help="Maak een nieuw dossier en zet het op de agenda.",
)
@dutch_help
@click.argument("vergadermap", type=click.Path(path_type=Path, file_okay=False))
@click.argument("mapnaam")
@click.option(
    "--sjabloon",
    metavar="SOORT",
    default="voorstel",
    help="Soort dossier: voorstel of memo (standaard: voorstel).",
)
@click.option("--onderwerp", metavar="TEKST", help="Onderwerp van het voorstel of de memo.")
@click.option(
    "--verspreiden",
    metavar="JA|NEE",
    help="Ja: openbaar; Nee: vertrouwelijk, nooit openbaar. Er is geen standaard.",
)
@click.option("--contactpersoon", metavar="NAAM", help="Voorstel: naam van de contactpersoon.")
@click.option("--eenheid", metavar="TEKST", help="Voorstel: eenheid van de contactpersoon.")
@click.option("--email", metavar="ADRES", help="Voorstel: e-mailadres van de contactpersoon.")
@click.option("--aan", metavar="TEKST", help="Memo: aan wie de memo gericht is.")
@click.option("--van", metavar="TEKST", help="Memo: afzender.")
@click.option(
    "--datum",
    metavar="JJJJ-MM-DD",
    help="Datum van het stuk (standaard: vandaag, of de vergaderdatum als die al voorbij is).",
)
@click.option(
    "--kenmerk",
    metavar="KENMERK",
    help="Kenmerk (standaard: het volgende vrije kenmerk van het jaar).",
)
@handles_errors
def new(
    vergadermap: Path,
    mapnaam: str,
    sjabloon: str,
    datum: str | None,
    kenmerk: str | None,
    **given: str | None,
) -> None:
    """Maak een nieuw dossier MAPNAAM in VERGADERMAP en zet het op de agenda.

    \b
    VERGADERMAP  de map van de vergadering: dossiers/2023-06-23-pfho-ruimte-wonen,
                 of alleen haar naam: 2023-06-23-pfho-ruimte-wonen
    MAPNAAM      de naam van de nieuwe dossiermap, en van het agendapunt: kleine
                 letters, cijfers en streepjes (bijvoorbeeld jeugdzorg)

    Een voorstel vraagt onderwerp, verspreiden, contactpersoon, eenheid en e-mailadres;
    een memo (--sjabloon memo) onderwerp, verspreiden, aan en van. Vraagt om ontbrekende
    gegevens als er een terminal is (na een fout antwoord meteen opnieuw); anders moeten ze
    als opties worden meegegeven.
    """
    from assembler.scaffold import (
        NewDossier,
        answer_problem,
        asked_for,
        create_dossier,
        dossier_place,
        new_dossier_problems,
    )

    project = _project(vergadermap)
    # A value without an option of its own (a kind added without one) is asked for.
    answers = {name: given.get(name) or "" for name in asked_for(sjabloon)}
    others = sorted(f"--{name}" for name, value in given.items() if value and name not in answers)
    if others:
        raise UsageError(
            f"{', '.join(others)}: hoort niet bij een {sjabloon} (geef "
            f"{', '.join('--' + name for name in answers)} op)"
        )
    # All that needs no answer is refused before the first question: no answer typed in vain.
    place = dossier_place(project, vergadermap, mapnaam, kenmerk=kenmerk)
    missing = [name for name, value in answers.items() if not value]

    def values(**answer: str) -> NewDossier:
        # NewDossier.of: a value without a field of its own is kept for the kind's outline.
        return NewDossier.of(
            sjabloon=sjabloon, datum=datum or "", kenmerk=kenmerk, **{**answers, **answer}
        )

    # Wrong options too; a value still to be asked is not wrong yet.
    wrong = [
        problem
        for problem in new_dossier_problems(project, place, values())
        if problem.veld.removeprefix("--") not in missing
    ]
    # No file yet, so each is said as every message without a file is, "fout: --optie:
    # melding", all of them at once: the wrong options with the missing ones, so that the
    # command is mended in one round.
    for problem in wrong:
        _say(f"fout: {problem.veld}: {problem.melding}")
    if missing and not _interactive():
        options = ", ".join(f"--{name}" for name in missing if name in given)
        # A value a kind asks without an option of its own can only be asked.
        unasked = ", ".join(name for name in missing if name not in given)
        said = [
            f"geef {options} op" if options else "",
            f"{unasked} kan alleen gevraagd worden: start 'assembler new' in een terminal"
            if unasked
            else "",
        ]
        raise UsageError(
            f"gegevens ontbreken: {'; '.join(part for part in said if part)} (er is geen "
            "terminal om te vragen)"
        )
    if wrong:
        sys.exit(int(ExitCode.USAGE))

    def problem_of(name: str, answer: str) -> str | None:
        return answer_problem(project, place, values(**{name: answer}), name)

    for name in missing:
        answers[name] = _ask(name, problem_of)
    created = create_dossier(project, place.meeting_folder, mapnaam, values())
    click.echo(
        f"Aangemaakt: {project.display(created.path)} (kenmerk {created.kenmerk}; staat op de "
        "agenda)"
    )


def _question(name: str) -> str:
    """How ``new`` asks for a value: in the documents' words, else by its field name."""
    return _PROMPTS.get(name, name.capitalize())


def _ask(name: str, problem_of: Callable[[str, str], str | None]) -> str:
    """Ask for ``name`` until ``problem_of(name, answer)`` finds nothing wrong in the answer.

    A wrong answer is said at once, on a line of its own that does not read as the question
    (``fout: E-mailadres: …``), and the question is asked again. Not click's ``value_proc``:
    click says the refusal as "Error: …", in English.
    """
    short = _question(name).split(" (")[0].rstrip("?")
    while True:
        answer: str = click.prompt(_question(name))
        problem = problem_of(name, answer)
        if problem is None:
            return answer
        _say(f"fout: {short}: {problem}")


def _interactive() -> bool:
    """Whether someone at a terminal can answer questions."""
    return _terminal(sys.stdin)


def _terminal(stream: TextIO | None) -> bool:
    # A process started with the stream closed (cron's ">&-") has none at all.
    return stream is not None and stream.isatty()


@main.command(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    short_help="Maak een nieuwe vergadering met haar vergadering.yaml.",
)
@dutch_help
@click.argument("vergadermap", type=click.Path(path_type=Path, file_okay=False))
@click.option("--overleg", metavar="TEKST", help="Naam van het overleg.")
@click.option(
    "--datum",
    metavar="JJJJ-MM-DD",
    help="Datum (standaard: uit de mapnaam; een mapnaam zonder datum krijgt die ervoor).",
)
@click.option("--aanvang", metavar="UU:MM", help="Aanvangstijd.")
@click.option("--locatie", metavar="TEKST", help="Plaats van de vergadering.")
@handles_errors
def vergadering(
    vergadermap: Path,
    overleg: str | None,
    datum: str | None,
    aanvang: str | None,
    locatie: str | None,
) -> None:
    """Maak een nieuwe vergadering: VERGADERMAP met een vergadering.yaml.

    \b
    VERGADERMAP  dossiers/JJJJ-MM-DD-naam (de datum komt uit de mapnaam),
                 bijvoorbeeld dossiers/2024-03-15-pfho-economie,
                 of alleen de naam: 2024-03-15-pfho-economie

    Overleg, aanvang en locatie komen van de laatste eerdere vergadering met dezelfde naam,
    tenzij ze als opties gegeven worden; is er geen, dan wordt erom gevraagd als er een
    terminal is. De agenda krijgt de vaste punten; zet er dossiers op met 'assembler new'.
    """
    from assembler.scaffold import (
        MEETING_ASKED,
        NewMeeting,
        create_meeting,
        meeting_answer_problem,
        meeting_warnings,
        new_meeting_folder,
        overleg_meant,
        previous_meeting,
        refuse_wrong_meeting,
    )

    project = _project(vergadermap)
    folder = new_meeting_folder(project, vergadermap, datum or "")
    values = {"overleg": overleg or "", "aanvang": aanvang or "", "locatie": locatie or ""}

    def meeting(**answer: str) -> NewMeeting:
        return NewMeeting(datum=datum or "", **{**values, **answer})

    refuse_wrong_meeting(project, folder, meeting())  # said before any question
    if previous_meeting(project, folder) is None and _interactive():
        meant = overleg_meant(project, folder)
        if meant is not None and not all(values.values()):  # before the questions it needs
            _say(
                f"waarschuwing: er is nog geen vergadering van '{meant.typed}'; "
                f"{meant.question()} (breek hier af met Ctrl-C)"
            )

        def problem_of(name: str, answer: str) -> str | None:
            return meeting_answer_problem(project, folder, meeting(**{name: answer}), name)

        for name in MEETING_ASKED:
            if not values[name]:
                values[name] = _ask(name, problem_of)
    target = create_meeting(project, folder, meeting())
    click.echo(f"Aangemaakt: {project.display(target)} (zet er dossiers op met 'assembler new')")
    _print_problems(meeting_warnings(project, target, date.today()), as_json=False)


@main.command(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    short_help="Verplaats een dossier naar een andere vergadering.",
)
@dutch_help
# A file in the dossier (dossier.yaml, an annex) means the dossier, as build takes it.
@click.argument("dossiermap", type=click.Path(path_type=Path))
@click.argument("naar_vergadermap", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--toch",
    "anyway",
    is_flag=True,
    help="Verplaats ook naar of van een vergadering die al geweest is, of naar een eerdere.",
)
@handles_errors
def verplaats(dossiermap: Path, naar_vergadermap: Path, anyway: bool) -> None:
    """Verplaats een dossier naar een andere vergadering (een uitgesteld agendapunt).

    Haalt het dossier van de oude agenda, zet het op de nieuwe (opmerkingen en volgorde
    blijven staan) en voegt een regel aan de behandeling toe voor de nieuwe datum. De regel
    van de oude datum blijft staan, met als conclusie 'Uitgesteld naar <nieuwe datum>'.
    Een vergadering die eerder is dan de huidige, of die al geweest is, wordt geweigerd,
    tenzij --toch gegeven is; dat geldt ook voor een dossier op een vergadering die al geweest
    is. Een gearchiveerde vergadering (niet direct in dossiers/) wordt altijd geweigerd. Bouw
    daarna opnieuw om beide vergaderingen bij te werken.

    \b
    DOSSIERMAP        de map van het dossier:
                      dossiers/2023-06-23-pfho-ruimte-wonen/res-voortgang,
                      of vergadering/dossier zoals build het neemt:
                      2023-06-23-pfho-ruimte-wonen/res-voortgang
    NAAR_VERGADERMAP  de map van de vergadering:
                      dossiers/2023-07-07-pfho-ruimte-wonen,
                      of alleen haar naam: 2023-07-07-pfho-ruimte-wonen
    """
    from assembler.scaffold import move_dossier

    project = _project(dossiermap, naar_vergadermap)
    moved = move_dossier(project, dossiermap, naar_vergadermap, today=date.today(), anyway=anyway)
    click.echo(f"Verplaatst naar {project.display(moved)} (bouw opnieuw om beide bij te werken)")


@main.command(
    context_settings=CONTEXT,
    options_metavar="[OPTIES]",
    short_help="Schrijf de JSON-schema's voor editors naar schemas/.",
)
@dutch_help
@handles_errors
def schema() -> None:
    """Schrijf de JSON-schema's van de YAML-bestanden naar schemas/ (voor editors)."""
    from assembler.schema import write_schemas

    project = _project()
    for path in write_schemas(project.schemas):
        click.echo(f"Geschreven: {project.display(path)}")


def _said_waiting(event: str, label: str) -> None:
    """Of a build's progress, only that it waits for another command."""
    if event == "wacht":
        _say(label)


def _plain_progress(event: str, label: str) -> None:
    """Progress as plain lines, for logs and pipes."""
    if event == "wacht":
        _say(label)
    elif event == "dossier":
        _say(f"dossier: {label}")
    elif event == "bundel":
        _say(f"bundel: {label}")


@main.command(context_settings=CONTEXT, options_metavar="[OPTIES]")
@dutch_help
@click.argument("paden", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-j",
    "--jobs",
    cls=DutchOption,
    type=click.IntRange(1, 64),
    metavar="AANTAL",
    help="Aantal LibreOffice-processen.",
)
@click.option("--force", is_flag=True, help="Alles opnieuw maken, ook wat niet veranderd is.")
@click.option(
    "--geen-pdf",
    "no_pdf",
    is_flag=True,
    help="Alleen de Word-documenten maken (van alle dossiers en beide agenda's), geen PDF's.",
)
@click.option(
    "--timeout",
    cls=DutchOption,
    type=click.FloatRange(1, 3600),
    metavar="SECONDEN",
    help="Seconden die LibreOffice per document mag gebruiken (standaard 60).",
)
@click.option("--json", "as_json", is_flag=True, help="Samenvatting als JSON (voor scripts).")
@_wait_option
@handles_errors
def build(
    paden: tuple[Path, ...],
    jobs: int | None,
    force: bool,
    no_pdf: bool,
    timeout: float | None,
    as_json: bool,
    wait_minutes: int | None,
) -> None:
    """Maak de documenten van vergaderingen en dossiers in build/.

    Zonder PADEN wordt alles onder dossiers/ gebouwd; anders alleen de genoemde
    vergadermappen of dossiermappen. Buiten een project wordt het project gezocht vanaf de
    PADEN (zie 'assembler --help'). Wat niet veranderd is, wordt overgeslagen.
    Een afgekeurd dossier wordt gemeld; de andere worden gewoon gebouwd. Afsluitcode 0 als
    alles gemaakt is, 1 als er iets is afgekeurd, 2 bij een
    fout in de opdracht, in organisatie.yaml of in een sjabloon, 3 bij een probleem met de
    omgeving (LibreOffice, de schijf, een build die al loopt, een log dat niet geschreven kon
    worden), 130 als de build gestopt is.
    """
    from assembler.build_report import (
        BuildOptions,
        failure_json,
        report_json,
        source_date_epoch_from_env,
        stopped_json,
    )

    started: float | None = None  # a stop before the build starts built nothing: 0.0
    try:
        # In the try: a stop while the build's modules load (a tenth of a second) still
        # gets its summary.
        from assembler.build import build_project

        started = time.monotonic()
        project = _project(*paden)
        options = BuildOptions(
            paths=paden,
            pdf=not no_pdf,
            jobs=jobs,
            force=force,
            source_date_epoch=source_date_epoch_from_env(),
            timeout_per_document=timeout,
            lock_wait=_seconds(wait_minutes),
        )
        interactive = _terminal(sys.stderr) and not as_json
        if interactive:
            report = _with_bar(options, lambda advance: build_project(project, options, advance))
        else:
            # With --json only the wait is said (on stderr, for the person reading the log).
            progress = _said_waiting if as_json else _plain_progress
            report = build_project(project, options, progress)
    except KeyboardInterrupt as stop:
        if not as_json:
            raise
        # One object whatever happened, a stop too (docs/build-json.md); for people, stderr.
        said = getattr(stop, "problems", [])
        ran = 0.0 if started is None else time.monotonic() - started
        with contextlib.suppress(OSError):
            _echo_json(stopped_json(said, STOPPED, STOPPED_EXIT, ran))
        _print_problems(said, False)
        _say(STOPPED)
        sys.exit(STOPPED_EXIT)
    except AssemblerError as error:
        if not as_json:
            raise
        # A script gets the summary's shape whatever happened, not a bare list; a person
        # reading the job's log, the messages (which field of the settings, say).
        error = _shown_from_root(error)
        refused = _write_summary(failure_json(error))
        _print_problems(error.problems, False)
        _say(f"fout: {error.message}")
        if refused is not None:
            raise refused from None
        sys.exit(int(error.exit_code))
    refused = _write_summary(report_json(report, project)) if as_json else None
    # With --json too: a cron job's mail shows them to a person.
    _print_problems(report.problems, False)
    if not as_json:
        _summary(project, report, interactive, pdf=not no_pdf)
    if refused is not None:
        raise refused  # the summary a script asked for was lost: exit 3 (see run)
    sys.exit(int(report.exit_code))


def _write_summary(summary: str) -> OSError | None:
    """Write ``summary`` to stdout; a refusal is returned, so the messages still go out."""
    try:
        _echo_json(summary)
    except OSError as error:
        return error
    return None


def _with_bar(options: Any, run: Callable[[Callable[[str, str], None]], R]) -> R:
    """``run`` a build (or an export) with its progress as bars on the terminal."""
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Counted(ProgressColumn):
        """'3 van 37' once the total is known, '3 klaar' before."""

        def render(self, task: Task) -> Text:
            done = int(task.completed)
            if task.fields.get("stage"):
                return Text("")  # a stage without steps to count: the elapsed time says it
            if task.total is None:
                return Text(f"{done} klaar")
            return Text(f"{done} van {int(task.total)}")

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        Counted(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        dossiers = bar.add_task("Dossiers", total=None)
        # Shown once there is something to convert (a Word-only build converts nothing, nor
        # one that only replaced annexes): no bar that stays at 0.
        conversions = bar.add_task("PDF's", total=None, visible=False)
        # Shown once the meeting bundles are being written, if any are: the other bars stand
        # still then.
        meetings = bar.add_task("Vergaderbundels", total=None, visible=False)
        # An export's own stage: the confidentiality check, the files and zips.
        package = bar.add_task("Exportpakket", total=None, visible=False, stage=True)

        def advance(event: str, label: str) -> None:
            if event == "wacht":
                bar.console.print(label)
            elif event == "dossiers-totaal":
                bar.update(dossiers, total=int(label))
            elif event == "conversies-totaal":
                bar.update(conversions, total=int(label), visible=options.pdf and label != "0")
            elif event in ("klaar", "ongewijzigd"):
                bar.advance(dossiers)
            elif event == "conversie":
                bar.advance(conversions)
            elif event == "vergaderingen-totaal" and options.pdf:
                # A dossier-only build writes none: no bar at "0 van 0".
                bar.update(meetings, total=int(label), visible=int(label) > 0)
            elif event == "vergadering":
                bar.advance(meetings)
            elif event == "pakket":
                bar.update(package, visible=True)

        return run(advance)


# What the summary table needs to show its headers whole.
_TABLE_WIDTH = 50


def _time_taken(seconds: float) -> str:
    """A command's time as the summaries say it, in Dutch: '1,7 s', '1.234,5 s'."""
    from babel.numbers import format_decimal

    return f"{format_decimal(seconds, format='#,##0.0', locale='nl_NL')} s"


def _summary(project: Project, report: Any, interactive: bool, *, pdf: bool = True) -> None:
    built, unchanged, failed = (
        report.count("gebouwd"),
        report.count("ongewijzigd"),
        report.count("mislukt"),
    )
    seconds = _time_taken(report.seconds)
    # A meeting whose vergadering.yaml is refused is not read: its dossiers are in no count,
    # which alone would read as if the meeting had none (as check says it).
    loaded = {meeting.meeting for meeting in report.meetings}
    without = _without_dossiers_of(
        [name for name in _refused_meetings(report.problems) if name not in loaded]
    )
    uncounted = f" ({without})" if without else ""
    console = None
    if interactive:
        from rich.console import Console

        console = Console(stderr=True)
    if console is not None and console.width >= _TABLE_WIDTH:
        from rich.table import Table

        table = Table(title="Resultaat", show_header=True)
        for column in ("gebouwd", "ongewijzigd", "mislukt", "tijd"):
            table.add_column(column, justify="right")
        table.add_row(str(built), str(unchanged), str(failed), seconds)
        console.print(table)
        if without:
            _say(f"{without[0].upper()}{without[1:]}.")
    else:
        # In a narrow pane the table cuts its headers to "geb…", "misl…": the line wraps.
        _say(
            f"Klaar: {built} gebouwd, {unchanged} ongewijzigd, {failed} mislukt{uncounted} "
            f"in {seconds}."
        )
    agenda = _agenda_said(report.agenda_lines_refused, report.folders_off_agenda)
    if agenda:
        _say(agenda)
    # The counts are of dossiers; the agendas and meeting bundles are what the clerk passes on.
    for line in _meetings_said(report.meetings, pdf, report.problems):
        _say(line)
    if report.exit_code and not failed:
        # Every dossier made, yet not all went well (an agenda, a template, a folder left off
        # the agenda): the counts alone would say all is fine, so where it went wrong is named.
        where = _refused(project, report.problems)
        _say(
            f"Niet alles is gemaakt: {where} (zie de meldingen hierboven)."
            if where
            else "Niet alles is gemaakt: zie de meldingen hierboven."
        )
    if report.pdfs_removed:
        # A Word-only build keeps the PDFs of what did not change, and removes those of what
        # did, which it would leave out of step; said, not silent.
        count = report.pdfs_removed
        files, matched = ("PDF", "paste") if count == 1 else ("PDF's", "pasten")
        _say(
            f"{count} {files} weggehaald die niet meer {matched} bij wat deze build opnieuw "
            "maakte (een build met --geen-pdf maakt alleen Word-documenten; bouw zonder "
            "--geen-pdf om ze weer te maken)."
        )


def _agenda_said(lines: int, folders: int) -> str:
    """The agendas' own problems, which the counts of dossiers leave out: "" for none."""
    said = []
    if lines:
        said.append(f"{_counted(lines, 'agendaregel', 'agendaregels')} afgekeurd")
    if folders:
        said.append(f"{_counted(folders, 'dossiermap', 'dossiermappen')} niet op de agenda")
    return f"{' en '.join(said)} (zie de meldingen hierboven)." if said else ""


# How the summary says what became of a meeting's agendas and bundles, by its status.
_MEETING_OUTCOMES = {
    "gebouwd": "opnieuw gemaakt",
    "niet bijgewerkt": "niet bijgewerkt: de vorige staan er nog (zie de meldingen hierboven)",
    "niet gemaakt": "niet gemaakt (zie de meldingen hierboven)",
}


# Kept, but the public ones were withdrawn (a dossier became confidential, say).
_ONLY_CONFIDENTIAL_KEPT = (
    "niet bijgewerkt: de openbare zijn weggehaald, de niet-openbare staan er nog (zie de "
    "meldingen hierboven)"
)


def _outcome(meeting: Any) -> str:
    """What became of a meeting's agendas and meeting bundles, in words; "" for unchanged."""
    outcome = _MEETING_OUTCOMES.get(meeting.status, "")
    if meeting.status == "niet bijgewerkt" and not any(
        path.name in PUBLIC_MEETING_OUTPUTS for path in meeting.outputs
    ):
        return _ONLY_CONFIDENTIAL_KEPT
    return outcome


# A meeting whose vergadering.yaml was refused: not loaded, so the build cannot say whether
# earlier agendas stay; what is sure is that none were made now.
_MEETING_REFUSED = (
    "niet opnieuw gemaakt: de vergadering.yaml is afgekeurd (zie de meldingen hierboven)"
)


def _meetings_said(
    meetings: Sequence[Any], pdf: bool, problems: Sequence[Problem] = ()
) -> list[str]:
    """A line per outcome other than unchanged, naming its meetings (a project has ten)."""
    what = "Agenda's en vergaderbundels" if pdf else "Agenda's"
    outcome_of = {meeting.meeting: _outcome(meeting) for meeting in meetings}
    for name in _refused_meetings(problems):
        outcome_of.setdefault(name, _MEETING_REFUSED)
    lines = []
    outcomes = [*_MEETING_OUTCOMES.values(), _ONLY_CONFIDENTIAL_KEPT, _MEETING_REFUSED]
    for outcome in sorted(set(outcome_of.values()) - {""}, key=outcomes.index):
        names = [name for name, said in outcome_of.items() if said == outcome]
        which = (
            f"alle {len(names)} vergaderingen"
            if len(names) == len(outcome_of) and len(names) > 2
            else dutch_list(names)
        )
        lines.append(f"{what} van {which} {outcome}.")
    return lines


def _refused_meetings(problems: Sequence[Problem]) -> list[str]:
    """The meetings whose vergadering.yaml has an error: not loaded, so not in the report."""
    return sorted(
        {
            PurePosixPath(problem.bestand).parent.name
            for problem in problems
            if problem.ernst == "fout" and PurePosixPath(problem.bestand).name == MEETING_FILE
        }
    )


def _refused(project: Project, problems: Sequence[Problem]) -> str:
    """Where the errors are, as the summary says it: '1 fout in X', or nothing."""
    errors = [problem for problem in problems if problem.ernst == "fout"]
    files = sorted({problem.bestand for problem in errors if problem.bestand})
    if not files:
        return ""
    # A folder's name as the messages above show it: a byte that is no UTF-8 as "\ufffd".
    where = readable(files[0]) if len(files) == 1 else _places(project, files)
    return f"{_counted(len(errors), 'fout', 'fouten')} in {where}"


def _usage_message(error: click.UsageError) -> str:
    """Click's usage errors in Dutch (click itself only speaks English)."""
    if isinstance(error, click.MissingParameter):
        name = error.param.human_readable_name if error.param else "een argument"
        if isinstance(error.param, click.Option):
            name = f"de optie {max(error.param.opts, key=len)}"  # as typed: --naar, not url
        return f"{name} ontbreekt"
    if isinstance(error, click.NoSuchOption):
        # Click's own near miss ('--forse': '--force'), as a command's is said.
        near = f": bedoelt u {error.possibilities[0]}?" if error.possibilities else ""
        return f"onbekende optie {error.option_name}{near}"
    if isinstance(error, click.BadParameter):
        name = error.param.human_readable_name if error.param else "een waarde"
        if isinstance(error.param, click.Option):
            name = max(error.param.opts, key=len)  # as typed: --jobs, not jobs
        return f"ongeldige waarde voor {name}: {_bad_value(error)}"
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return f"optie {error.option_name} heeft een waarde nodig"
    if isinstance(error, click.BadOptionUsage) and "does not take a value" in error.message:
        # '--json=ja': a switch is on by being there.
        return f"optie {error.option_name} neemt geen waarde (schrijf alleen {error.option_name})"
    if "No such command" in error.message:
        typed = error.message.split("No such command", 1)[1].strip(" .")
        meant = _command_meant(typed.strip("'"), error.ctx)
        return f"onbekende opdracht {typed}" + (f": bedoelt u '{meant}'?" if meant else "")
    if "Got unexpected extra argument" in error.message:
        said = "te veel argumenten " + error.message.split("argument", 1)[1].strip(" s")
        command = error.ctx.command if error.ctx else None
        takes = [
            param
            for param in (command.params if command else [])
            if isinstance(param, click.Argument)
        ]
        # As typed after the program's name: 'templates check', not 'check'.
        name = error.ctx.command_path.partition(" ")[2] if error.ctx else ""
        if command is not None and name and not takes:
            said += f": {name} neemt geen argumenten"
        elif command is not None and name and all(param.nargs == 1 for param in takes):
            # 'publish A B': the command takes one meeting at a time, which it did not say.
            names = " ".join(param.human_readable_name for param in takes)
            said += f": {name} neemt alleen {names}"
        return said
    return error.message


# Half the commands have Dutch names (vergadering, verplaats), so a clerk types the others in
# Dutch too. Not "maak": build, new and vergadering all "maak" something. A subcommand typed
# as one word names its group and subcommand.
_DUTCH_COMMANDS = {
    "bouw": "build",
    "bouwen": "build",
    "controleer": "check",
    "controleren": "check",
    "nieuw": "new",
    "exporteer": "export",
    "exporteren": "export",
    "publiceer": "publish",
    "publiceren": "publish",
    "lever": "publish",
    "sjabloon": "templates",
    "sjablonen": "templates",
    "verplaatsen": "verplaats",
    "vergaderingen": "vergadering",
    "templates-check": "templates check",
    "templatescheck": "templates check",
}


def _command_meant(typed: str, context: click.Context | None) -> str | None:
    """The command a clerk most likely meant: its Dutch word, or a near miss ('biuld')."""
    import difflib

    group = context.command if context is not None else None
    if not isinstance(group, click.Group) or context is None:
        return None
    names = group.list_commands(context)
    word = typed.lower()
    if word in _DUTCH_COMMANDS:
        meant: str | None = _DUTCH_COMMANDS[word]
    else:
        close = difflib.get_close_matches(word, [*names, *_DUTCH_COMMANDS], n=1, cutoff=0.75)
        meant = _DUTCH_COMMANDS.get(close[0], close[0]) if close else None
    return meant if meant is not None and meant.split()[0] in names else None


def _bad_value(error: click.BadParameter) -> str:
    """What is wrong with a value, in Dutch, from the parameter's type."""
    kind = error.param.type if error.param else None
    if isinstance(kind, click.IntRange | click.FloatRange):
        number = "een geheel getal" if isinstance(kind, click.IntRange) else "een getal"
        return f"geef {number} van {kind.min:g} tot en met {kind.max:g}"
    if isinstance(kind, click.Path) and "is a file" in error.message:
        return "dit is een bestand (geef een map op)"
    if isinstance(kind, click.Path) and (refused := _PATH_REFUSED.match(error.message)):
        return _path_refused(refused)
    return error.message


# click.Path's own checks of a path given ("Directory 'x' is not readable."), as click 8 says
# them: the kind of path it wanted, the path as Python quotes it, and what is wrong.
_PATH_REFUSED = re.compile(
    r"(?P<kind>File|Directory|Path) (?P<path>'.*'|\".*\") "
    r"(?P<what>is not readable|is not writable|is a directory|does not exist)\.",
    re.DOTALL,
)
_PATH_PROBLEMS = {
    "is not readable": "kan niet gelezen worden: geen leesrechten (controleer de rechten)",
    "is not writable": "kan niet beschreven worden: geen schrijfrechten (controleer de rechten)",
    "is a directory": "is een map, geen bestand (geef een bestand op)",
    "does not exist": "bestaat niet (controleer de naam en de map waarin u staat)",
}


def _path_refused(refused: re.Match[str]) -> str:
    """click.Path's refusal of a path in Dutch: which path, what is wrong, what to do."""
    import ast

    quoted = refused.group("path")
    try:
        path = str(ast.literal_eval(quoted))
    except (ValueError, SyntaxError):
        path = quoted[1:-1]
    kind, problem = refused.group("kind"), refused.group("what")
    if problem in ("is a directory", "does not exist"):
        return f"'{path}' {_PATH_PROBLEMS[problem]}"
    folder = kind == "Directory" or (kind == "Path" and os.path.isdir(path))
    return f"{'de map' if folder else 'het bestand'} '{path}' {_PATH_PROBLEMS[problem]}"


def run() -> NoReturn:
    """Entry point of the ``assembler`` command: usage errors in Dutch, exit code 2."""
    if not sys.warnoptions:
        # A library's warnings are for developers, in English (pikepdf's PageCopyWarning on an
        # annex whose form fields are cut loose from its form): a clerk reads Dutch only.
        # 'python -W default -m assembler' shows them.
        warnings.simplefilter("ignore")
    _tolerant_streams()
    if sys.stdout is None:
        sys.stdout = _closed_stdout()
    take_stop_signals()
    given = sys.stdout
    try:
        _dispatch()
    except SystemExit as leaving:
        if sys.stdout is not given:
            # Click caught a closed pipe (``| head``) itself: it puts a wrapper in place of
            # the streams and exits 1, "some input rejected", with nothing said.
            _output_lost(errno.EPIPE, "")
        _leave(leaving.code)
    except OSError as error:
        if not _writing_output(error):
            raise
        _output_lost(error.errno, error.strerror or str(error))
    _leave(0)


def _output_lost(number: int | None, strerror: str) -> NoReturn:
    """A log on a full disk, a closed stream: what was made is made, but a script did not get
    its summary; exit 3 says so, not "some input rejected" (Python's and click's 1)."""
    reason = _LOST_BECAUSE.get(number or 0, strerror)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"fout: de uitvoer kon niet geschreven worden: {reason}\n")
    _leave(int(ExitCode.ENVIRONMENT))


_LOST_BECAUSE = {
    errno.ENOSPC: "de schijf is vol",
    errno.EPIPE: "het programma dat haar las, is al gestopt (een gesloten pijp)",
}
# What a command started without stdout (cron's ">&-") could not write: said at the end.
_NOWHERE: list[int] = []


class _Nowhere(io.RawIOBase):
    """The stdout of a process started without one: takes what is written, and counts it."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        _NOWHERE.append(size)
        return size


def _closed_stdout() -> TextIO:
    """A stdout for a process started with it closed: click would drop what it writes without
    a word (and exit 0); what goes here makes the exit code 3 (see _leave)."""
    return io.TextIOWrapper(io.BufferedWriter(_Nowhere()), encoding="utf-8", write_through=True)


def _tolerant_streams() -> None:
    """Let stdout write what its locale's encoding cannot, as Python lets stderr: escaped.

    Under a Latin-1 locale a '→' or a quoted '•' would end the command in a traceback after
    its work was done; JSON goes out in UTF-8 regardless (see _echo_json).
    """
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None)
    if (
        isinstance(stream, io.TextIOWrapper)
        and encoding
        and codecs.lookup(encoding).name != ("utf-8")
    ):
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")


def _writing_output(error: OSError) -> bool:
    """Whether ``error`` came from writing to stdout or stderr (click's echo, rich's table)."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    where = Path(trace.tb_frame.f_code.co_filename) if trace is not None else Path()
    return where.parts[-2:] in (("click", "utils.py"), ("rich", "console.py"))


def _command_typed(args: list[str]) -> str:
    """The command path the arguments name ('assembler publish'), for an error click gives no
    context (an option without its value)."""
    return " ".join(["assembler", *_command_words(args)[0]])


def _command_words(args: list[str]) -> tuple[list[str], click.Command]:
    """The words of ``args`` that name a command ('templates', 'check'), and that command."""
    path: list[str] = []
    group: click.Command = main
    for arg in args:
        command = group.commands.get(arg) if isinstance(group, click.Group) else None
        if command is None:
            if not arg.startswith("-"):
                break
            continue
        path.append(arg)
        group = command
    return path, group


def _dispatch() -> None:
    try:
        main.main(prog_name="assembler", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        # A bare 'assembler' or 'assembler templates': click raises its help as a usage error,
        # which is not a mistake to wrap in "fout: ... (zie --help)". Shown as --help shows it.
        click.echo(error.ctx.get_help() if error.ctx is not None else error.message)
        sys.exit(int(ExitCode.USAGE))
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else _command_typed(sys.argv[1:])
        message = f"{_usage_message(error)} (zie '{command} --help')"
        asked = error.ctx.command if error.ctx else _command_words(sys.argv[1:])[1]
        if _asks_json(sys.argv[1:]):
            # A script that asked for JSON gets its shape, also for a wrong option: build's
            # summary, or the checks' list whose last entry says what stopped them.
            if asked is build:
                from assembler.build_report import failure_json

                _echo_json(failure_json(UsageError(message)))
            elif asked in (check, templates_check):
                _print_problems([UsageError(message).summary()], True)
        _say(f"fout: {message}")
        sys.exit(int(ExitCode.USAGE))
    except click.Abort:
        _say(STOPPED)
        sys.exit(STOPPED_EXIT)


def _asks_json(args: list[str]) -> bool:
    """Whether ``args`` ask for JSON: ``--json``, or ``--json=...`` (refused, but asked);
    not after ``--``, where a word is a path."""
    words = args[: args.index("--")] if "--" in args else args
    return any(word == "--json" or word.startswith("--json=") for word in words)


def _leave(code: object) -> NoReturn:
    """End the process at once with ``code``, as ``sys.exit`` would, once output is flushed.

    Every output is written, synced and closed and every worker has stopped by now; the
    interpreter's own clean-up would only free a build's objects one by one (0.1 s).
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        _say(str(code))
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (``| head``): nothing more can be said; started with it closed (cron's
        # ``>&-``), Python has no stream at all.
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    if _NOWHERE and status < ExitCode.ENVIRONMENT:
        # Output was due, and there was no stdout to take it: the summary a script asked
        # for is lost, as on a full disk.
        _say(
            "fout: de uitvoer kon niet geschreven worden: de standaarduitvoer is gesloten "
            "(start de opdracht met >/dev/null in plaats van >&- als u de uitvoer niet nodig "
            "hebt)"
        )
        status = int(ExitCode.ENVIRONMENT)
    if _UNSAID and status < ExitCode.ENVIRONMENT:
        status = int(ExitCode.ENVIRONMENT)  # what had to be said was lost: the log's disk
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(status)

"""The build orchestrator: the only module that knows the order of the stages and the paths.

    validate → annex intake → render (.docx) → convert (PDF/A, one pool) → bundle

Each dossier's outputs go to ``build/<meeting>/<nn>-<kenmerk>-<folder>/``. A dossier whose
inputs are unchanged since the last build (content hash of everything that goes into it) is
skipped. A rejected dossier gets no output and does not stop the others.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assembler import __version__
from assembler.errors import (
    BuildLocked,
    ExitCode,
    OutputNotWritable,
    Problem,
    sort_problems,
)
from assembler.fsutil import TEMP_PREFIX, write_text_atomic
from assembler.project import DOSSIER_FILE, Project
from assembler.source import field_label
from assembler.validate import (
    OFFICE_SUFFIXES,
    AgendaItem,
    Catalog,
    DossierInput,
    MeetingInput,
    load_catalog,
)

CACHE_VERSION = 1
Status = Literal["gebouwd", "ongewijzigd", "mislukt"]
Progress = Callable[[str, str], None]
"""Called with (event, label); events: ``dossier``, ``ongewijzigd``, ``conversie``, ``bundel``."""


@dataclass(frozen=True)
class BuildOptions:
    """What ``assembler build`` was asked to do."""

    paths: tuple[Path, ...] = ()
    pdf: bool = True
    jobs: int | None = None
    force: bool = False
    source_date_epoch: int | None = None


@dataclass
class DossierResult:
    """The outcome for one dossier."""

    meeting: str
    folder: str
    number: int
    output_dir: Path
    status: Status
    outputs: list[Path] = field(default_factory=list)


@dataclass
class BuildReport:
    """Everything a build did and every problem it met."""

    results: list[DossierResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    environment_failed: bool = False
    seconds: float = 0.0

    @property
    def exit_code(self) -> ExitCode:
        """0 all built, 1 some input rejected, 3 the machine failed (highest wins)."""
        if self.environment_failed:
            return ExitCode.ENVIRONMENT
        if any(p.ernst == "fout" for p in self.problems):
            return ExitCode.INPUT_REJECTED
        return ExitCode.OK

    def count(self, status: Status) -> int:
        """Number of dossiers with ``status``."""
        return sum(1 for result in self.results if result.status == status)


def source_date_epoch_from_env() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an int, or None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def output_folder_name(item: AgendaItem, dossier: DossierInput) -> str:
    """``02-23.0001772-werklocaties``: agenda number, kenmerk, folder."""
    return f"{item.number:02d}-{dossier.document.reference}-{dossier.name}"


# --------------------------------------------------------------------------- lock


@contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """Hold the project's build lock; a second build at the same time exits 3."""
    try:
        project.build.mkdir(parents=True, exist_ok=True)
        handle = open(project.build / ".lock", "a+")  # noqa: SIM115 - held for the whole build
    except OSError as error:
        raise OutputNotWritable(
            f"{project.display(project.build)}: kan de bouwmap niet gebruiken "
            f"({error.strerror}) (controleer schijfruimte en rechten)"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                "er loopt al een build van dit project (wacht tot die klaar is en probeer het "
                "opnieuw)"
            ) from None
        yield
    finally:
        handle.close()


# --------------------------------------------------------------------------- cache


@dataclass(frozen=True)
class _Plan:
    meeting: MeetingInput
    item: AgendaItem
    dossier: DossierInput
    output_dir: Path
    key: str


def _digest_file(path: Path, into: hashlib._Hash) -> None:
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            into.update(chunk)


def _settings_digest(project: Project, catalog: Catalog, options: BuildOptions) -> str:
    digest = hashlib.sha256()
    digest.update(f"assembler {__version__}\ncache {CACHE_VERSION}\n".encode())
    digest.update(catalog.organisation.model_dump_json().encode())
    if catalog.organisation.logo:
        logo = project.dossiers / catalog.organisation.logo
        if logo.is_file():
            _digest_file(logo, digest)
    digest.update(f"pdf={options.pdf} epoch={options.source_date_epoch}\n".encode())
    if options.pdf:
        from assembler.convert import libreoffice_version

        digest.update(libreoffice_version().encode())
    return digest.hexdigest()


def _dossier_key(project: Project, settings: str, plan_dir: Path, dossier: DossierInput) -> str:
    digest = hashlib.sha256(settings.encode())
    digest.update(plan_dir.name.encode())
    digest.update((dossier.folder / DOSSIER_FILE).read_bytes())
    template = project.template_for(dossier.document.kind)
    if template.is_file():
        _digest_file(template, digest)
    for index in range(len(dossier.document.annexes)):
        path = dossier.annex_path(index)
        digest.update(f"\nbijlage {index}\n".encode())
        _digest_file(path, digest)
    return digest.hexdigest()


def _cache_file(project: Project, meeting: str, folder: str) -> Path:
    return project.build / ".cache" / meeting / f"{folder}.json"


def _cached(project: Project, plan: _Plan) -> list[Path] | None:
    """The outputs of an earlier identical build, when they are all still there."""
    path = _cache_file(project, plan.meeting.name, plan.dossier.name)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("key") != plan.key or record.get("dir") != plan.output_dir.name:
            return None
        outputs = [plan.output_dir / name for name in record["outputs"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a missing or damaged cache only means: build again
    return outputs if outputs and all(p.is_file() for p in outputs) else None


def _remember(project: Project, plan: _Plan, outputs: Sequence[Path]) -> None:
    record = {"key": plan.key, "dir": plan.output_dir.name, "outputs": [p.name for p in outputs]}
    write_text_atomic(
        _cache_file(project, plan.meeting.name, plan.dossier.name), json.dumps(record) + "\n"
    )


def _forget(project: Project, plan: _Plan) -> None:
    _cache_file(project, plan.meeting.name, plan.dossier.name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- annexes


def inspect_annexes(catalog: Catalog) -> list[Problem]:
    """Run the annex intake on every PDF annex of the valid dossiers; reject failing dossiers."""
    from assembler.annex import inspect_annex

    problems: list[Problem] = []
    for meeting in catalog.meetings:
        rejected: set[Path] = set()
        for dossier in meeting.dossiers:
            display = catalog.project.display(dossier.folder / DOSSIER_FILE)
            for index, _annex in enumerate(dossier.document.annexes):
                path = dossier.annex_path(index)
                if path.suffix.lower() != ".pdf":
                    continue
                where = ("bijlagen", index, "bestand")
                report = inspect_annex(path.resolve())
                found = report.problems(display, dossier.source.line_of(where), field_label(where))
                problems.extend(found)
                if not report.ok:
                    rejected.add(dossier.folder)
        if rejected:
            _drop(meeting, rejected, catalog)
    return problems


def _drop(meeting: MeetingInput, rejected: set[Path], catalog: Catalog) -> None:
    items = tuple(
        AgendaItem(item.number, item.text, item.folder_name, None)
        if item.dossier is not None and item.dossier.folder in rejected
        else item
        for item in meeting.items
    )
    index = catalog.meetings.index(meeting)
    catalog.meetings[index] = MeetingInput(meeting.folder, meeting.source, meeting.meeting, items)


# --------------------------------------------------------------------------- the build


def build_project(
    project: Project, options: BuildOptions, progress: Progress | None = None
) -> BuildReport:
    """Build the selected meetings and dossiers of ``project`` into ``build/``."""
    started = time.monotonic()
    notify = progress or (lambda _event, _label: None)
    catalog = load_catalog(project, options.paths)
    report = BuildReport(problems=list(catalog.problems))
    with build_lock(project):
        settings = _settings_digest(project, catalog, options)
        plans = _plan(project, catalog, settings)
        todo: list[_Plan] = []
        for plan in plans:
            outputs = None if options.force else _cached(project, plan)
            if outputs is None:
                todo.append(plan)
            else:
                report.results.append(_result(plan, "ongewijzigd", outputs))
                notify("ongewijzigd", plan.dossier.name)
        if todo:
            _build_dossiers(project, catalog, todo, options, report, notify)
        _remove_stale(project, catalog, plans, options)
    report.problems = sort_problems(report.problems)
    report.results.sort(key=lambda r: (r.meeting, r.number))
    report.seconds = time.monotonic() - started
    return report


def _plan(project: Project, catalog: Catalog, settings: str) -> list[_Plan]:
    plans = []
    for meeting in catalog.meetings:
        for item in meeting.items:
            if item.dossier is None:
                continue
            output_dir = project.build / meeting.name / output_folder_name(item, item.dossier)
            key = _dossier_key(project, settings, output_dir, item.dossier)
            plans.append(_Plan(meeting, item, item.dossier, output_dir, key))
    return plans


def _result(plan: _Plan, status: Status, outputs: Sequence[Path]) -> DossierResult:
    return DossierResult(
        plan.meeting.name,
        plan.dossier.name,
        plan.item.number,
        plan.output_dir,
        status,
        list(outputs),
    )


def _build_dossiers(
    project: Project,
    catalog: Catalog,
    todo: list[_Plan],
    options: BuildOptions,
    report: BuildReport,
    notify: Progress,
) -> None:
    from assembler.render import build_context, document_properties, render_document

    # Intake only for the dossiers that are rebuilt: unchanged annexes were checked before.
    selected = {plan.dossier.folder for plan in todo}
    sub = Catalog(project, catalog.organisation)
    sub.meetings = [
        MeetingInput(
            m.folder,
            m.source,
            m.meeting,
            tuple(
                i
                if i.dossier and i.dossier.folder in selected
                else AgendaItem(i.number, i.text, i.folder_name, None)
                for i in m.items
            ),
        )
        for m in catalog.meetings
    ]
    report.problems.extend(inspect_annexes(sub))
    accepted = {d.folder for m in sub.meetings for d in m.dossiers}

    failed: dict[Path, str] = {}
    rendered: dict[Path, Path] = {}
    for plan in todo:
        if plan.dossier.folder not in accepted:
            failed[plan.dossier.folder] = "bijlage geweigerd"
            continue
        document = plan.dossier.document
        kind = document.kind
        template = project.template_for(kind)
        docx = plan.output_dir / f"{kind}.docx"
        render_document(
            template,
            build_context(document, catalog.organisation, project.root),
            docx,
            document_properties(document, catalog.organisation),
            label=project.display(template),
        )
        rendered[plan.dossier.folder] = docx
        notify("dossier", plan.dossier.name)

    converted: dict[Path, Path] = {}
    if options.pdf and rendered:
        converted = _convert(project, todo, rendered, options, report, failed, notify)

    for plan in todo:
        folder = plan.dossier.folder
        if folder in failed:
            _forget(project, plan)
            report.results.append(_result(plan, "mislukt", []))
            continue
        outputs = [rendered[folder]]
        if options.pdf:
            outputs.append(converted[folder])
            bundle = _bundle(project, catalog, plan, converted[folder], options)
            outputs.append(bundle)
            notify("bundel", plan.dossier.name)
        _remember(project, plan, outputs)
        report.results.append(_result(plan, "gebouwd", outputs))


def _annex_pdf(plan: _Plan, index: int) -> Path:
    """Where the PDF of annex ``index`` is: the file itself, or its conversion."""
    source = plan.dossier.annex_path(index)
    if source.suffix.lower() in OFFICE_SUFFIXES:
        return plan.output_dir / f"bijlage-{index + 1}.pdf"
    return source


def _convert(
    project: Project,
    todo: list[_Plan],
    rendered: dict[Path, Path],
    options: BuildOptions,
    report: BuildReport,
    failed: dict[Path, str],
    notify: Progress,
) -> dict[Path, Path]:
    from assembler.convert import ConversionJob, convert_to_pdf

    jobs: list[ConversionJob] = []
    owner: dict[Path, _Plan] = {}
    for plan in todo:
        docx = rendered.get(plan.dossier.folder)
        if docx is None:
            continue
        jobs.append(ConversionJob(docx, docx.with_suffix(".pdf")))
        owner[docx] = plan
        for index in range(len(plan.dossier.document.annexes)):
            source = plan.dossier.annex_path(index)
            if source.suffix.lower() in OFFICE_SUFFIXES:
                jobs.append(ConversionJob(source, _annex_pdf(plan, index)))
                owner[source] = plan
    outcome = convert_to_pdf(
        jobs,
        workers=options.jobs,
        source_date_epoch=options.source_date_epoch,
        progress=lambda path: notify("conversie", path.name),
    )
    for source, reason in sorted(outcome.failures.items()):
        plan = owner[source]
        failed[plan.dossier.folder] = reason
        display = project.display(plan.dossier.folder / DOSSIER_FILE)
        if source in rendered.values():
            # Our own rendered document did not convert: the machine, not the clerk.
            report.environment_failed = True
            report.problems.append(
                Problem(project.display(source), None, "", f"omzetten naar PDF mislukt: {reason}")
            )
        else:
            index = next(
                i
                for i in range(len(plan.dossier.document.annexes))
                if plan.dossier.annex_path(i) == source
            )
            where = ("bijlagen", index, "bestand")
            report.problems.append(
                Problem(
                    display,
                    plan.dossier.source.line_of(where),
                    field_label(where),
                    f"'{source.name}' kon niet naar PDF worden omgezet: {reason}",
                )
            )
    return {
        plan.dossier.folder: rendered[plan.dossier.folder].with_suffix(".pdf")
        for plan in todo
        if plan.dossier.folder in rendered and plan.dossier.folder not in failed
    }


def _bundle(
    project: Project, catalog: Catalog, plan: _Plan, main_pdf: Path, options: BuildOptions
) -> Path:
    from assembler.bundle import BundleAnnex, BundleMeta, bundle_pdf

    document = plan.dossier.document
    annexes = [
        BundleAnnex(_annex_pdf(plan, index), index + 1, annex.description)
        for index, annex in enumerate(document.annexes)
    ]
    meta = BundleMeta(
        title=document.subject,
        author=catalog.organisation.name,
        kenmerk=document.reference,
        subject=f"{document.kind.capitalize()} {plan.meeting.meeting.meeting}",
        niet_openbaar=not document.is_public,
        source_date_epoch=options.source_date_epoch,
    )
    return bundle_pdf(main_pdf, annexes, meta, plan.output_dir / "bundel.pdf")


_OUTPUT_DIR = re.compile(r"^\d{2}-.+")


def _remove_stale(
    project: Project, catalog: Catalog, plans: list[_Plan], options: BuildOptions
) -> None:
    """Remove outputs of dossiers that were removed, moved or renumbered; and stray temp files."""
    if options.paths:
        meetings = {m.name for m in catalog.meetings}
    else:
        meetings = {p.name for p in project.build.iterdir() if p.is_dir() and p.name[0] != "."}
    valid = {m.name for m in catalog.meetings}
    keep = {plan.output_dir for plan in plans}
    # Folders of dossiers that failed this time keep their previous good output.
    for meeting in catalog.meetings:
        for item in meeting.items:
            if item.folder_name:
                keep.update(
                    (project.build / meeting.name).glob(f"{item.number:02d}-*-{item.folder_name}")
                )
    try:
        for name in sorted(meetings):
            folder = project.build / name
            if not folder.is_dir():
                continue
            if name not in valid and not (project.dossiers / name).is_dir() and not options.paths:
                shutil.rmtree(folder)
                shutil.rmtree(project.build / ".cache" / name, ignore_errors=True)
                continue
            for child in folder.iterdir():
                if child.name.startswith(TEMP_PREFIX):
                    child.unlink(missing_ok=True)
                elif child.is_dir() and _OUTPUT_DIR.match(child.name) and child not in keep:
                    shutil.rmtree(child)
                elif child.is_dir():
                    for stray in child.glob(TEMP_PREFIX + "*"):
                        stray.unlink(missing_ok=True)
    except OSError as error:
        raise OutputNotWritable(
            f"{project.display(project.build)}: opruimen mislukt ({error.strerror}) "
            "(controleer de rechten)"
        ) from None


def report_json(report: BuildReport, project: Project) -> str:
    """The ``--json`` summary for scripts and agenda automation."""
    data = {
        "afsluitcode": int(report.exit_code),
        "seconden": round(report.seconds, 3),
        "gebouwd": report.count("gebouwd"),
        "ongewijzigd": report.count("ongewijzigd"),
        "mislukt": report.count("mislukt"),
        "dossiers": [
            {
                "vergadering": r.meeting,
                "dossier": r.folder,
                "agendapunt": r.number,
                "status": r.status,
                "uitvoer": [project.display(p) for p in r.outputs],
            }
            for r in report.results
        ],
        "meldingen": [p.as_json() for p in report.problems],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)

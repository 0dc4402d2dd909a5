"""The build orchestrator: the only module that knows the order of the stages and the cache.

    validate + template lint → annex intake → render (.docx) → convert (PDF/A, one pool)
    → bundle → meeting agendas and bundles; alongside: the warning of public annexes that
    are or show confidential ones, and the withdrawal of what is no longer public

Each dossier's outputs go to ``build/<meeting>/<nn>-<kenmerk>-<folder>/`` (named by
:mod:`assembler.layout`, which owns the paths). A dossier whose inputs are unchanged since the
last build (content hash of everything that goes into it) is skipped. A rejected dossier does
not stop the others and keeps its last good outputs, unless they show what is no longer public
(see :mod:`assembler.withdraw`).

What the build is asked and answers is in :mod:`assembler.build_report`; the keys, records and
staging folders of what it keeps in :mod:`assembler.build_cache`; the merging and installing of
the meeting bundles in :mod:`assembler.meeting_bundles`. None of them imports this module: here
is where they are called, in order.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from assembler import unchanged
from assembler.build_cache import (
    MEETING_FORMAT,
    MEETING_STAGING,
    Kept,
    KeyedFile,
    MeetingPlan,
    Plan,
    TemplateCheck,
    Work,
    agendas_reusable,
    as_parsed,
    cached_outputs,
    changed_files,
    discard,
    dossier_keys,
    edited,
    fonts_fingerprint,
    forget,
    install,
    installed_place,
    keep_files,
    keyed_file,
    logo_path,
    meeting_cached,
    meeting_outputs,
    meeting_warnings,
    office_version,
    read_record,
    remember,
    renumber,
    reusable,
    settings_digest,
    staging_folder,
    stale_exports,
    template_digest,
    unrecorded_items,
)
from assembler.build_report import (
    BuildOptions,
    BuildReport,
    DossierResult,
    MeetingResult,
    MeetingStatus,
    Progress,
    Status,
    build_lock,
)
from assembler.checks import (
    partial_meetings,
    template_not_needed,
    template_problem,
    template_problems,
    templates_naming_confidential,
    templates_used,
)
from assembler.confidential import confidential_annexes_made_public
from assembler.digests import DIGESTS_FILE, FileDigests
from assembler.errors import (
    AssemblerError,
    EnvironmentProblem,
    InputRejected,
    OutputNotWritable,
    PartRejected,
    Problem,
    SettingsRejected,
    dutch_list,
    sort_problems,
)
from assembler.fsutil import TEMP_PREFIX, not_writable, write_text_atomic
from assembler.layout import (
    BUNDLE_FILE,
    EXPORT_DIR,
    FULL_AGENDA,
    MEETING_OUTPUTS,
    OLD_EXPORT_PREFIX,
    OUTPUT_DIR_PATTERN,
    PUBLIC_AGENDA,
    annex_pdf,
    dossier_outputs_public,
    dossier_record,
    meeting_document_title,
    meeting_items_made,
    meeting_record,
    output_folder_name,
    previous_outputs,
)
from assembler.meeting_bundles import (
    MeetingMerges,
    agenda_template_not_used,
    items_that,
    meeting_bundles,
    meeting_outputs_not_made,
    templates_not_used,
)
from assembler.project import DOSSIER_FILE, MEETING_FILE, Project, holds_dossier
from assembler.withdraw import withdraw_public_outputs

# The heavy modules (pydantic models, docxtpl, pikepdf) are imported where they are used:
# a build starts LibreOffice before loading them (see _speculative_service), and a no-op
# build never loads the PDF libraries at all.
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from assembler.convert import ConversionService
    from assembler.inputs import AgendaItem, Catalog, DossierInput, MeetingInput


# --------------------------------------------------------------------------- the build


def build_project(
    project: Project, options: BuildOptions, progress: Progress | None = None
) -> BuildReport:
    """Build the selected meetings and dossiers of ``project`` into ``build/``."""
    try:
        return _build_project(project, options, progress)
    except OutputNotWritable as error:
        # Named as the output it was to become, not as the hidden folder it was made in.
        raise error.shown_as(str(installed_place(Path(error.path)))) from None


def _build_project(
    project: Project, options: BuildOptions, progress: Progress | None
) -> BuildReport:
    began = time.time_ns()  # a file saved from now on is newer than this build
    notify = _one_at_a_time(progress or (lambda _event, _label: None))
    with ExitStack() as stack:
        # The lock first: a second build that has to give up must not start LibreOffice.
        stack.enter_context(
            build_lock(project, wait=options.lock_wait, waiting=lambda said: notify("wacht", said))
        )
        # Timed from here: a cron log tells the build's time from the wait (--wacht) for another.
        started = time.monotonic()
        seen = None if options.force else unchanged.fingerprint(project, options)
        kept = None if seen is None else unchanged.kept_report(project, seen)
        if kept is not None:
            report = kept
        else:
            service = _speculative_service(project, options)
            if service is not None:
                stack.callback(service.close)
            report, worked = _build(project, options, notify, service)
            if seen is not None:
                unchanged.keep_report(project, options, seen, report, worked=worked)
        if options.pdf and not options.paths:
            _stamp(_last_build_stamp(project), began)
    report.seconds = time.monotonic() - started
    return report


def recover_exports(project: Project) -> None:
    """Put back a package an export killed mid-swap had set aside: the last complete one.

    Called under the build lock, so no export is swapping; by every build before it looks at
    what is public, so that a package put back is judged (and withdrawn) like any other.
    """
    for parent in project.build.glob("*/"):
        try:
            for old in sorted(parent.glob(OLD_EXPORT_PREFIX + "*")):
                if not old.is_dir() or old.is_symlink():
                    continue  # not a package set aside by an export
                if (parent / EXPORT_DIR).exists():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(old, parent / EXPORT_DIR)
        except OSError as error:
            raise not_writable(parent, error, "exporteer") from None


def _build(
    project: Project, options: BuildOptions, notify: Progress, service: ConversionService | None
) -> tuple[BuildReport, bool]:
    """Load, plan and make what changed, and say whether anything was planned to make.

    The caller holds the build lock.
    """
    recover_exports(project)
    from assembler.answers import STORE_NAME, remembered
    from assembler.validate import load_catalog

    with remembered(project.cache / STORE_NAME):
        try:
            catalog = load_catalog(project, options.paths)
        except SettingsRejected as refused:
            refused.problems += _withdraw_without_settings(project, options)
            raise
    report = BuildReport(problems=list(catalog.problems), results=_refused(project, catalog))
    report.agenda_lines_refused, report.folders_off_agenda = _agenda_problems(catalog)
    pdfs_before = 0 if options.pdf else _count_pdfs(project, catalog)
    # Inputs are known by their content; a file not changed since the last build is not read.
    files = FileDigests(project.cache / DIGESTS_FILE)
    # Stat only; both the template check's answer and the PDFs depend on the fonts.
    fonts = fonts_fingerprint()
    template_check = TemplateCheck(project, files, fonts)
    work = Work([], [])
    plans: list[Plan] = []
    meeting_plans: list[MeetingPlan] = []
    try:
        # Records say which LibreOffice made their PDFs: a missing LibreOffice stops here.
        office = work.office = office_version(options, fonts)
        settings = settings_digest(project, catalog, options, files)
        logo = logo_path(project, catalog)
        shared = () if logo is None else keyed_file(files, logo)  # read by settings_digest
        plans = _plan(project, catalog, settings, files, shared)
        notify("dossiers-totaal", str(len(plans)))
        for plan in plans:
            if not options.force:
                renumber(project, plan)
            record = read_record(dossier_record(project, plan.meeting.name, plan.dossier.name))
            cached = None if options.force else cached_outputs(plan, record, options, files, office)
            if cached is None:
                report.problems.extend(edited(project, record, plan.output_dir, files))
                work.dossiers.append(plan)
                kept = None if options.force else reusable(plan, record, options, files, office)
                if kept is not None:
                    work.reused[plan.dossier.folder] = kept
            else:
                outputs, warnings = cached
                report.problems.extend(warnings)
                report.results.append(_result(plan, "ongewijzigd", outputs))
                notify("ongewijzigd", plan.label)
        blocked: list[tuple[MeetingInput, list[str]]] = []
        meeting_plans = _meeting_plans(
            project, catalog, plans, settings, files, shared, options, blocked
        )
        for meeting_plan in meeting_plans:
            record = read_record(meeting_record(project, meeting_plan.name))
            if not options.force and meeting_cached(meeting_plan, record, options, office, files):
                report.problems.extend(meeting_warnings(record))
            else:
                report.problems.extend(edited(project, record, meeting_plan.folder, files))
                work.meetings.append(meeting_plan)
                kept_agendas = (
                    None
                    if options.force
                    else agendas_reusable(meeting_plan, record, options, files, office)
                )
                if kept_agendas is not None:
                    work.kept_agendas[meeting_plan.name] = kept_agendas
        # A new annex's pages are compared once the annex intake accepted it: in the run,
        # while LibreOffice converts, or after it.
        compared: list[Problem] | None = None

        def compare() -> None:
            nonlocal compared
            compared = confidential_annexes_made_public(project, catalog, files)

        if work.dossiers or work.meetings:
            _run(project, catalog, work, options, report, notify, service, template_check, compare)
            report.problems.extend(_changed_meanwhile(project, work))
        elif service is not None:
            service.expect(0)
        report.problems.extend(
            _blocked_meetings(project, blocked, plans, work, options, template_check)
        )
        if compared is None:
            compare()
        report.problems.extend(compared or [])
        if catalog.set_aside:
            from assembler.intake import annex_problems

            # The other annexes of a refused dossier, as `check` judges them: all in one round.
            report.problems.extend(annex_problems(project, catalog.set_aside))
    except BaseException as stop:
        said = len(report.problems)
        _withdraw_after_stop(project, catalog, work, meeting_plans, options, report)
        # The report goes with the stop: what was withdrawn is said with it (Ctrl-C too).
        if isinstance(stop, AssemblerError):
            stop.problems[:0] = report.problems[said:]
        elif isinstance(stop, KeyboardInterrupt):
            stop.problems = report.problems[said:]  # type: ignore[attr-defined]
        raise
    if pdfs_before:  # counted before the withdrawals and the sweep below, which say their own
        report.pdfs_removed = max(pdfs_before - _count_pdfs(project, catalog), 0)
    current = {
        plan.name
        for plan in meeting_plans
        if meeting_cached(
            plan, read_record(meeting_record(project, plan.name)), options, work.office, files
        )
        # Put in place from what it is made of now, though not recorded (see KeyedFile).
        or (
            plan.name in work.installed_meetings
            and (plan.meeting.folder in work.changed or bool(unrecorded_items(plan, work)))
        )
    }
    said = len(report.problems)
    try:
        _withdraw(project, catalog, work, current, options, report)
    except AssemblerError as stop:
        # A removal that failed (a file locked on a share): what went before it is told too.
        stop.problems[:0] = report.problems[said:]
        raise
    if not options.export_follows:
        report.problems.extend(stale_exports(project, catalog, files))
    planned = {plan.name: plan for plan in meeting_plans}
    partial = partial_meetings(project, catalog)
    report.meetings = [
        _meeting_result(
            project.build / meeting.name, planned.get(meeting.name), work, current, options
        )
        for meeting in catalog.meetings
        if meeting.folder.resolve() not in partial
    ]
    report.problems.extend(_left_behind(project, catalog, partial, plans, work, options))
    report.problems.extend(_remove_stale(project, catalog, plans, options))
    files.save(keep_others=bool(options.paths))
    # Filters what the report says of the templates, so it is called before the extend.
    from_check = _template_problems(project, catalog, template_check, report)
    report.problems.extend(from_check)
    # Text typed in a template is in every public document made with it (review T6): said,
    # as check says it; the export's gate stops it.
    fixed = template_check.fixed_texts()
    report.problems.extend(templates_naming_confidential(project, catalog, fixed))
    report.problems = sort_problems(report.problems)
    report.results.sort(key=lambda r: (r.meeting, r.number))
    return report, bool(work.dossiers or work.meetings)


# --------------------------------------------------------------------------- speculation


def _speculative_service(project: Project, options: BuildOptions) -> ConversionService | None:
    """A conversion service whose first LibreOffice starts now, if there is likely work for it.

    LibreOffice takes about a second to start, and reading and planning 300 dossiers a third
    of one; starting it first lets the two overlap. Whether anything changed is known only
    after the plan, so file times since the last complete build are the guess: a wrong guess
    costs a LibreOffice start that is stopped at once, or the third of a second.
    """
    if not options.pdf or not (options.force or _inputs_newer_than_last_build(project)):
        return None
    try:
        return _conversion_service(project, options, expected=None)
    except EnvironmentProblem:
        # Said when a document needs it, after what no longer is public has been withdrawn;
        # a build that converts nothing does not need LibreOffice.
        return None


def _last_build_stamp(project: Project) -> Path:
    return project.cache / ".last-build"


def _inputs_newer_than_last_build(project: Project) -> bool:
    """True when a file under dossiers/ or templates/ changed after the last complete build."""
    try:
        since = _last_build_stamp(project).stat().st_mtime_ns
    except OSError:
        return True
    for root in (project.dossiers, project.templates):
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if name.lower().endswith(".pdf"):
                    continue  # a PDF annex goes into bundles, never to LibreOffice
                try:
                    if os.stat(os.path.join(folder, name)).st_mtime_ns > since:
                        return True
                except OSError:
                    return True
    return False


def _stamp(path: Path, moment_ns: int) -> None:
    # Only a hint for the next build's guess: a failure to write it changes nothing else.
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, ns=(moment_ns, moment_ns))


def _plan(
    project: Project,
    catalog: Catalog,
    settings: str,
    files: FileDigests,
    shared: tuple[KeyedFile, ...],
) -> list[Plan]:
    """The plans of the catalog's dossiers; ``shared``: the files of ``settings`` (the logo)."""
    plans = []
    for meeting in catalog.meetings:
        for item in meeting.items:
            if item.dossier is None:
                continue
            output_dir = project.build / meeting.name / output_folder_name(item, item.dossier)
            key, document_key, keyed = dossier_keys(
                project, settings, item.dossier, meeting.meeting.meeting, files
            )
            plans.append(
                Plan(meeting, item, item.dossier, output_dir, key, document_key, shared + keyed)
            )
    return plans


def _refused_lines(meeting: MeetingInput) -> list[AgendaItem]:
    """The agenda items of ``meeting`` refused as agenda lines, not as dossiers: one that names
    no folder (refused for its form, or its folder not there) or a folder named above it.

    The rule the build's summary counts by (docs/build-json.md): a dossier is a folder that
    exists, built or failed; an agenda line that names none is a problem of the meeting."""
    from assembler.validate import folder_name_problem

    refused = []
    named: set[str] = set()
    for item in meeting.items:
        name = item.folder_name
        if name is None or item.dossier is not None:
            if name is not None:
                named.add(name)
            continue
        if folder_name_problem(name) or name in named or not _lexists(meeting.folder / name):
            refused.append(item)
        named.add(name)
    return refused


def _lexists(path: Path) -> bool:
    """Whether anything is at ``path``; True when that cannot be seen (said there)."""
    try:
        return os.path.lexists(path)
    except OSError:
        return True


def _agenda_problems(catalog: Catalog) -> tuple[int, int]:
    """How many agenda lines of the chosen meetings name no dossier folder (see
    _refused_lines), and how many of their dossier folders no agenda line names."""
    lines = sum(len(_refused_lines(meeting)) for meeting in catalog.meetings)
    off = sum(len(catalog.unlisted.get(meeting.folder, [])) for meeting in catalog.meetings)
    return lines, off


def _refused(project: Project, catalog: Catalog) -> list[DossierResult]:
    """Dossiers on an agenda whose dossier.yaml was refused, or is not in their folder:
    failed, and nothing made. An agenda line that names no folder is not one (see
    _refused_lines)."""
    refused = {p.bestand for p in catalog.problems if p.ernst == "fout"}
    results = []
    for meeting in catalog.meetings:
        lines = {item.number for item in _refused_lines(meeting)}
        for item in meeting.items:
            if item.dossier is not None or item.folder_name is None or item.number in lines:
                continue
            folder = meeting.folder / item.folder_name
            # One that cannot be looked into was refused at the folder.
            if project.display(folder / DOSSIER_FILE) in refused or not holds_dossier(folder):
                # Its previous good outputs, if any, stay where they are (see _remove_stale).
                previous = previous_outputs(project, meeting, item)
                output_dir = previous[0] if previous else project.build / meeting.name
                results.append(
                    DossierResult(
                        meeting.name, item.folder_name, item.number, output_dir, "mislukt"
                    )
                )
    return results


def _meeting_plans(
    project: Project,
    catalog: Catalog,
    plans: list[Plan],
    settings: str,
    files: FileDigests,
    shared: tuple[KeyedFile, ...],
    options: BuildOptions,
    blocked: list[tuple[MeetingInput, list[str]]],
) -> list[MeetingPlan]:
    """The meetings to make the agendas and meeting bundles of; in ``blocked`` those whose
    items are not all there to make them from, and why."""
    partial = partial_meetings(project, catalog)
    by_meeting: dict[str, list[Plan]] = {}
    for plan in plans:
        by_meeting.setdefault(plan.meeting.name, []).append(plan)
    result = []
    for meeting in catalog.meetings:
        if meeting.folder.resolve() in partial:
            continue
        unmade = [i for i in meeting.items if i.folder_name and i.dossier is None]
        if unmade:
            from assembler.inputs import BAD_ENTRY

            # An entry that names no folder, a dossier refused by the checks, or a folder
            # that is not there (any more).
            invalid = [str(i.number) for i in unmade if i.folder_name == BAD_ENTRY]
            missing = [str(i.folder_name) for i in unmade if str(i.number) not in invalid]
            # A folder that cannot be looked into was refused as it stands (said at it).
            refused = [m for m in missing if holds_dossier(meeting.folder / m) is not False]
            absent = [m for m in missing if m not in refused]
            reasons = (
                [
                    f"agendapunt {invalid[0]} ongeldig is"
                    if len(invalid) == 1
                    else f"de agendapunten {dutch_list(invalid)} ongeldig zijn"
                ]
                if invalid
                else []
            )
            reasons += [
                items_that(names, singular, plural)
                for names, singular, plural in (
                    (refused, "is afgekeurd", "zijn afgekeurd"),
                    (absent, "geen dossiermap heeft", "geen dossiermap hebben"),
                )
                if names
            ]
            # Said once the dossiers are made: those that fail then block the agenda too.
            blocked.append((meeting, reasons))
            continue
        items = tuple(by_meeting.get(meeting.name, []))
        digest = hashlib.sha256(settings.encode())
        digest.update(f"meeting outputs {MEETING_FORMAT}\n".encode())
        digest.update(as_parsed(meeting.meeting))  # as read (see dossier_keys)
        template = project.template_for("agenda")
        seen = template_digest(files, template)
        keyed = shared + (keyed_file(files, template) if seen is not None else ())
        if seen is not None:
            digest.update(seen.encode())
        # An agenda shows of its items what agenda_items takes of them (onderwerp, kenmerk,
        # purpose, decisions, annex descriptions), not their toelichting nor their templates:
        # an edit of what it does not show makes no new agenda.
        from assembler.agenda import agenda_items

        shown = agenda_items(meeting, confidential=True)
        digest.update(json.dumps(shown, sort_keys=True, default=str).encode())
        agenda_key = digest.hexdigest()
        # Whether the meeting bundles start each item on a new sheet: not the agendas'.
        digest.update(f"dubbelzijdig {catalog.organisation.duplex}\n".encode())
        for plan in items:
            digest.update(f"{plan.output_dir.name} {plan.key}\n".encode())
        folder = project.build / meeting.name
        result.append(MeetingPlan(meeting, folder, digest.hexdigest(), items, agenda_key, keyed))
    return result


def _blocked_meetings(
    project: Project,
    blocked: Sequence[tuple[MeetingInput, list[str]]],
    plans: Sequence[Plan],
    work: Work,
    options: BuildOptions,
    template_check: TemplateCheck,
) -> list[Problem]:
    """A warning for each meeting whose agenda and meeting bundle were not made: why, naming
    every item that blocks them, refused by the checks (``blocked``) or failed in the build,
    and the agenda template when the template check refuses it too."""
    problems = []
    if blocked:
        template_check.run()  # known already after a run; else worked out (or read) now
    agenda = project.template_for("agenda")
    for meeting, refused in blocked:
        failed = [
            plan.dossier
            for plan in plans
            if plan.meeting.name == meeting.name and plan.dossier.folder in work.failed
        ]
        # A broken template is said once, at the template: its dossiers have no message.
        others = [d.name for d in failed if d.folder not in work.failed_templates]
        templates = [
            project.display(work.failed_templates[d.folder])
            for d in failed
            if d.folder in work.failed_templates
        ]
        reasons = [
            *refused,
            *(
                [items_that(others, "niet gemaakt kon worden", "niet gemaakt konden worden")]
                if others
                else []
            ),
            *([templates_not_used(templates)] if templates else []),
            # Mending the items alone would not make the agendas: said too.
            *([agenda_template_not_used(project)] if template_check.refuses(agenda) else []),
        ]
        problems.append(
            Problem(
                project.display(meeting.folder / MEETING_FILE),
                None,
                "",
                f"{meeting_outputs_not_made(project.build / meeting.name, options)} "
                f"omdat {' en '.join(reasons)}",
                "waarschuwing",
            )
        )
    return problems


def _left_behind(
    project: Project,
    catalog: Catalog,
    partial: set[Path],
    plans: Sequence[Plan],
    work: Work,
    options: BuildOptions,
) -> list[Problem]:
    """A warning for each meeting whose agendas and meeting bundles do not show a dossier asked
    for alone as it is now (changed since, or new): they were made from other versions. A
    dossier that failed for its template is no change of its own: the template is said."""
    problems = []
    for meeting in catalog.meetings:
        if meeting.folder.resolve() not in partial:
            continue
        shown = meeting_items_made(project, meeting.name)
        if shown is None and (project.build / meeting.name / f"{PUBLIC_AGENDA}.docx").is_file():
            continue  # made by an older assembler, which did not record its items
        shown = shown or {}  # no agenda yet
        ahead = [
            plan
            for plan in plans
            if plan.meeting.name == meeting.name and shown.get(plan.output_dir.name) != plan.key
        ]
        # Its key differs from the agenda's for the template's change, not the dossier's; and
        # building the meeting would not help before the template is mended.
        templates = [
            project.display(work.failed_templates[plan.dossier.folder])
            for plan in ahead
            if plan.dossier.folder in work.failed_templates
        ]
        if templates:
            problems.append(
                Problem(
                    project.display(meeting.folder / MEETING_FILE),
                    None,
                    "",
                    f"{meeting_outputs_not_made(project.build / meeting.name, options)} "
                    f"omdat {templates_not_used(templates)}",
                    "waarschuwing",
                )
            )
        behind = [
            plan.dossier.name for plan in ahead if plan.dossier.folder not in work.failed_templates
        ]
        if not behind:
            continue
        made = bool(shown)
        if made:
            which = (
                f"het dossier {behind[0]} is veranderd"
                if len(behind) == 1
                else f"de dossiers {dutch_list(behind)} zijn veranderd"
            )
        else:
            which = (
                f"alleen het dossier {behind[0]} is gebouwd"
                if len(behind) == 1
                else f"alleen de dossiers {dutch_list(behind)} zijn gebouwd"
            )
        problems.append(
            Problem(
                project.display(meeting.folder / MEETING_FILE),
                None,
                "",
                f"{meeting_outputs_not_made(project.build / meeting.name, options)}: {which} "
                f"(bouw de vergadermap om ze {'bij te werken' if made else 'te maken'}: "
                f"assembler build {project.display(meeting.folder)})",
                "waarschuwing",
            )
        )
    return problems + _moved_away(project, catalog, partial, plans, options)


def _moved_away(
    project: Project,
    catalog: Catalog,
    partial: set[Path],
    plans: Sequence[Plan],
    options: BuildOptions,
) -> list[Problem]:
    """A warning for each meeting not built now whose agendas still show a dossier that was
    built now for another meeting (moved with ``verplaats``, then built alone)."""
    if not options.paths:
        return []  # a full build makes every meeting's agendas anew
    # An output folder's name is "<number>-<kenmerk>-<folder>": the part after the number
    # stays when a dossier moves.
    moved = {plan.output_dir.name.split("-", 1)[1]: plan for plan in plans}
    problems = []
    for meeting in catalog.everything or catalog.meetings:
        if meeting in catalog.meetings and meeting.folder.resolve() not in partial:
            continue  # built as a whole now
        shown = meeting_items_made(project, meeting.name) or {}
        gone = sorted(
            {
                plan.dossier.name: plan
                for name in shown
                if (plan := moved.get(name.split("-", 1)[-1])) is not None
                and plan.meeting.name != meeting.name
            }.items()
        )
        for folder, plan in gone:
            problems.append(
                Problem(
                    project.display(meeting.folder / MEETING_FILE),
                    None,
                    "",
                    f"{meeting_outputs_not_made(project.build / meeting.name, options)}: ze "
                    f"tonen nog {folder}, dat nu op de agenda van {plan.meeting.name} staat "
                    f"(bouw de vergadermap om ze bij te werken: assembler build "
                    f"{project.display(meeting.folder)})",
                    "waarschuwing",
                )
            )
    return problems


CHANGED_MEANWHILE = "is veranderd terwijl de build liep"
_MADE_AGAIN = "bij de volgende build opnieuw gemaakt (bouw opnieuw als het bestand klaar is)"


def _changed_meanwhile(project: Project, work: Work) -> list[Problem]:
    """A warning for each file changed while outputs were made of it: they are in place, but
    not recorded, so the next build makes them again (see KeyedFile). An annex is said at its
    entry; a template or the logo once, at the file."""
    from assembler.source import field_label

    plans = {plan.dossier.folder: plan for plan in work.dossiers}
    problems = []
    shared: dict[Path, None] = {}
    for folder, files in work.changed.items():
        for file in files:
            plan = plans.get(folder)
            if file.annex is None or plan is None:
                shared[file.path] = None
                continue
            where = ("bijlagen", file.annex, "bestand")
            name = plan.dossier.document.annexes[file.annex].file
            problems.append(
                Problem(
                    project.display(plan.dossier.folder / DOSSIER_FILE),
                    plan.dossier.source.line_of(where),
                    field_label(where),
                    f"'{name}' {CHANGED_MEANWHILE}; het dossier wordt {_MADE_AGAIN}",
                    "waarschuwing",
                )
            )
    problems += [
        Problem(
            project.display(path),
            None,
            "",
            f"{CHANGED_MEANWHILE}; wat ermee gemaakt is, wordt {_MADE_AGAIN}",
            "waarschuwing",
        )
        for path in shared
    ]
    return problems


def _result(plan: Plan, status: Status, outputs: Sequence[Path]) -> DossierResult:
    return DossierResult(
        plan.meeting.name,
        plan.dossier.name,
        plan.item.number,
        plan.output_dir,
        status,
        list(outputs),
    )


def _run(
    project: Project,
    catalog: Catalog,
    work: Work,
    options: BuildOptions,
    report: BuildReport,
    notify: Progress,
    service: ConversionService | None,
    template_check: TemplateCheck,
    once_judged: Callable[[], None] = lambda: None,
) -> None:
    """Make the outputs of ``work`` in staging folders; install (move into place) each success.

    A dossier's outputs replace the previous ones only when all of them were made, so a
    failure at any stage (annex, template, conversion, bundle) leaves the last good set.
    ``once_judged`` runs in this thread once every annex is judged, while LibreOffice converts.
    """
    from assembler.intake import AnnexIntake

    try:
        with ExitStack() as stack:
            # Bundling waits on qpdf much of the time, so it runs on threads, and
            # each dossier is bundled as soon as its last PDF comes out of LibreOffice.
            bundles: dict[Path, Future[tuple[list[Path], list[Problem]]]] = {}
            # Entered before the bundler, so it is left after it: no bundle is offered late.
            merges = stack.enter_context(
                MeetingMerges(catalog, work.meetings if options.pdf else [], options)
            )
            rebuilt = {plan.output_dir for plan in work.dossiers}
            merges.already_made(
                [p for m in work.meetings for p in m.items if p.output_dir not in rebuilt]
            )
            bundler = stack.enter_context(
                ThreadPoolExecutor(max_workers=options.jobs or os.cpu_count() or 2)
            )
            stopping = threading.Event()

            intake = stack.enter_context(AnnexIntake(project, options.jobs))

            def bundle(plan: Plan) -> None:
                main_pdf = work.rendered[plan.dossier.folder].with_suffix(".pdf")
                annexes = range(len(plan.dossier.document.annexes))
                paths = [plan.dossier.annex_path(i) for i in annexes]
                bands = [(intake.bands(path), intake.bottoms(path)) for path in paths]
                bundles[plan.dossier.folder] = bundler.submit(
                    _bundle_and_install,
                    project,
                    catalog,
                    plan,
                    main_pdf,
                    options,
                    bands,
                    merges,
                    work.warnings.get(plan.dossier.folder, []),
                    notify,
                    stopping,
                    template_check,
                    work.office,
                    work.changed,
                )

            # LibreOffice starts before the annex checks and the rendering, so its start-up
            # overlaps them, and each document is converted as soon as it is rendered.
            conversions = (
                stack.enter_context(
                    _Conversions(project, work, options, report, notify, bundle, merges, service)
                )
                if options.pdf
                else None
            )
            # While LibreOffice converts beside it, rendering in this process keeps up with it
            # and saves the render processes' start-up; otherwise both CPUs render.
            streaming = conversions is not None and conversions.service.streaming
            renderer = stack.enter_context(_Renderer(len(work.dossiers), parallel=not streaming))
            # Left first when the build stops early (Ctrl-C, a full disk): bundles not begun
            # are dropped and none still being made is installed, as it may have been made
            # with a helper program that the interrupt ended too.
            stack.callback(_stop_bundling, bundler, stopping)
            # Left before it (callbacks run in reverse): the bundler is waited for, and a
            # thread waiting for the template check must go on; without the check's answer
            # it installs nothing.
            stack.callback(template_check.done.set)
            # The intake checks annexes on background threads while this thread renders; a
            # rendered dossier goes on to LibreOffice once its own annexes are accepted, so
            # rendering never waits for the intake's first answers. Unchanged dossiers are not
            # checked again: their annexes were accepted before.
            intake.start([plan.dossier for plan in work.dossiers])
            kept_agendas = [
                meeting
                for meeting in work.meetings
                if meeting.name in work.kept_agendas
                and keep_files(
                    work.kept_agendas[meeting.name],
                    staging_folder(meeting.folder / MEETING_STAGING),
                    work.kept_agendas[meeting.name].names,
                )
            ]
            agendas = _render_agendas(
                project,
                catalog,
                [meeting for meeting in work.meetings if meeting not in kept_agendas],
                report,
                options.source_date_epoch,
            )
            if conversions is not None:
                # Counted as kept, but gone since: made again after all.
                conversions.expect_more(2 * (len(work.kept_agendas) - len(kept_agendas)))
                conversions.add_agendas(agendas)
                for meeting in kept_agendas:
                    staging = staging_folder(meeting.folder / MEETING_STAGING)
                    for name in work.kept_agendas[meeting.name].names:
                        if name.endswith(".pdf"):
                            merges.agenda_converted(staging / name)
            # Rendered, in dossier order, until the intake has judged their annexes.
            judging: deque[tuple[Plan, Path | AssemblerError]] = deque()

            def take(rendered: Iterator[tuple[Plan, Path | AssemblerError]], wait: bool) -> None:
                # Each as it comes: with render processes, waiting for all would hold up the
                # ones done first.
                for item in rendered:
                    judging.append(item)
                    go_on(wait=False)
                go_on(wait=wait)

            def go_on(wait: bool) -> None:
                """Pass the judged dossiers on (all of them, waiting for the intake, if wait)."""
                while judging and (wait or intake.judged(judging[0][0].dossier)):
                    plan, outcome = judging.popleft()
                    problems, accepted = intake.problems_of(plan.dossier)
                    report.problems.extend(problems)
                    work.warnings[plan.dossier.folder] = [
                        p for p in problems if p.ernst == "waarschuwing"
                    ]
                    if not accepted:
                        # Its rendering is thrown away with its staging folder.
                        work.failed[plan.dossier.folder] = "bijlage geweigerd"
                        continue
                    template = project.template_for(plan.dossier.document.kind)
                    known = template_check.done.is_set()  # from a build before: not converted
                    if isinstance(outcome, Path) and known and template_check.refuses(template):
                        report.template_failed = True
                        work.failed[plan.dossier.folder] = "sjabloon geweigerd"
                        work.failed_templates[plan.dossier.folder] = template
                        continue
                    if isinstance(outcome, Path):
                        work.rendered[plan.dossier.folder] = outcome
                        notify("dossier", plan.label)
                        if conversions is not None:
                            conversions.add_dossier(
                                plan, outcome, convert=plan.dossier.folder not in work.reused
                            )
                    elif isinstance(outcome, EnvironmentProblem):
                        raise outcome  # the machine, not the template: the build stops
                    else:
                        # A broken template stops only the dossiers of its kind.
                        report.template_failed = True
                        report.problems.append(template_problem(project, template, outcome))
                        work.failed[plan.dossier.folder] = outcome.message
                        work.failed_templates[plan.dossier.folder] = template
                if conversions is not None:
                    conversions.service.poll()

            for plan in work.dossiers:
                kept = work.reused.get(plan.dossier.folder)
                if kept is not None and renderer.reuse(plan, kept):
                    take(renderer.results(wait=False), wait=False)
                    continue
                if kept is not None:
                    del work.reused[plan.dossier.folder]  # gone since the plan: made again
                    if conversions is not None:
                        conversions.expect_more(1)
                renderer.submit(project, catalog, plan, options.source_date_epoch)
                take(renderer.results(wait=False), wait=False)
            take(renderer.results(wait=True), wait=True)
            template_check.run()
            once_judged()
            if conversions is not None:
                conversions.finish()
                # LibreOffice is done with: its memory goes before the meetings are finished.
                # Its workspace goes with the service, once nothing else needs the GIL.
                conversions.service.stop_office()
            _finish_dossiers(project, work, options, report, notify, bundles, template_check)
            bundler.shutdown(wait=True)  # every bundle is offered to the meeting bundles
            # The meeting bundles are written now (a second for 100 MB): a stage of its own.
            notify("vergaderingen-totaal", str(len(work.meetings)))
            merges.finish()
            for meeting_plan in work.meetings:
                meeting_bundles(
                    project, catalog, meeting_plan, work, merges, options, report, template_check
                )
                notify("vergadering", meeting_plan.name)
    finally:
        for plan in work.dossiers:
            discard(staging_folder(plan.output_dir))
        for meeting_plan in work.meetings:
            discard(staging_folder(meeting_plan.folder / MEETING_STAGING))


class _Renderer:
    """Renders dossiers' Word documents: in this process for a few, in two processes for many.

    Rendering is pure Python (about 50 ms a document), so when the CPUs are otherwise idle a
    second process halves it; for a handful of documents starting that process would cost
    more than it saves.
    """

    PARALLEL_FROM = 8

    def __init__(self, count: int, *, parallel: bool = True) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if parallel and count >= self.PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            import multiprocessing  # with the process pool: 15 ms a no-op build does not need
            from concurrent.futures import ProcessPoolExecutor

            # forkserver, not fork: the intake's threads are running, and forking a process
            # with threads can leave a lock held forever in the child.
            self.pool = ProcessPoolExecutor(
                max_workers=2, mp_context=multiprocessing.get_context("forkserver")
            )
        self.jobs: list[tuple[Plan, Future[Path] | Path | AssemblerError]] = []

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(
        self, project: Project, catalog: Catalog, plan: Plan, source_date_epoch: int | None
    ) -> None:
        """Start rendering ``plan``'s document into its staging folder."""
        from assembler.render import build_context, document_properties, render_document

        document = plan.dossier.document
        template = project.template_for(document.kind)
        staging = staging_folder(plan.output_dir)
        discard(staging)
        arguments = (
            template,
            build_context(document, catalog.organisation, project.root),
            staging / f"{document.kind}.docx",
            document_properties(
                document, catalog.organisation, plan.meeting.meeting.meeting, source_date_epoch
            ),
        )
        label = project.display(template)
        # A code can fail for one dossier only ({{ voorstel[1] }}): its message names it.
        source = project.display(plan.dossier.folder / DOSSIER_FILE)
        if self.pool is not None:
            job = self.pool.submit(render_document, *arguments, label=label, source=source)
            self.jobs.append((plan, job))
            return
        try:
            self.jobs.append((plan, render_document(*arguments, label=label, source=source)))
        except AssemblerError as error:
            self.jobs.append((plan, error))

    def reuse(self, plan: Plan, kept: Kept) -> bool:
        """Take ``plan``'s kept document instead of rendering it; False when it cannot be
        taken (gone or changed since the plan)."""
        staging = staging_folder(plan.output_dir)
        if not keep_files(kept, staging, kept.names):
            return False
        self.jobs.append((plan, staging / f"{plan.dossier.document.kind}.docx"))
        return True

    def results(self, *, wait: bool) -> Iterator[tuple[Plan, Path | AssemblerError]]:
        """Rendered plans in submission order, each once: all of them, or those done so far."""
        while self.jobs:
            plan, job = self.jobs[0]
            if isinstance(job, Future):
                if not wait and not job.done():
                    return
                try:
                    outcome: Path | AssemblerError = job.result()
                except AssemblerError as error:
                    outcome = error
            else:
                outcome = job
            self.jobs.pop(0)
            yield plan, outcome


def _template_problems(
    project: Project, catalog: Catalog, template_check: TemplateCheck, report: BuildReport
) -> list[Problem]:
    """What the template check says, as ``check`` says it (see checks.template_problems):
    errors for a template this build's documents are made with (rendering's own, less precise
    messages of them go), and warnings for a wrong template none of them uses."""
    checked = template_check.problems()
    wrong = {p.bestand for p in checked if p.ernst == "fout"}
    # Every chosen dossier's, kept outputs too: made with a template a newer check finds wrong.
    used = templates_used(project, catalog)
    report.problems = [p for p in report.problems if not (p.bestand in wrong and p.ernst == "fout")]
    if used & wrong:
        report.template_failed = True
    return template_problems(checked, used, template_not_needed(project, catalog))


def _finish_dossiers(
    project: Project,
    work: Work,
    options: BuildOptions,
    report: BuildReport,
    notify: Progress,
    bundles: dict[Path, Future[tuple[list[Path], list[Problem]]]],
    template_check: TemplateCheck,
) -> None:
    """Wait for the bundles, install and record every dossier; report the ones that failed."""
    for plan in work.dossiers:
        folder = plan.dossier.folder
        template = project.template_for(plan.dossier.document.kind)
        outputs: list[Path] | None = None
        if folder in bundles:
            try:
                outputs, found = bundles[folder].result()
                report.problems.extend(found)
            except _TemplateRefused:
                work.failed[folder] = "sjabloon geweigerd"
            except EnvironmentProblem:
                raise  # a full disk, say: not the dossier's fault, and the build stops
            except AssemblerError as error:
                display = project.display(plan.dossier.folder / DOSSIER_FILE)
                report.problems.extend(
                    error.problems or [Problem(display, None, "", error.message)]
                )
                work.failed[folder] = error.message
        elif options.pdf and folder not in work.failed:
            work.failed[folder] = "geen bundel gemaakt"  # not reached: every PDF came or failed
        elif folder not in work.failed and template_check.refuses(template):
            work.failed[folder] = "sjabloon geweigerd"
        if work.failed.get(folder) == "sjabloon geweigerd":
            # Said once, at the template, by the check (see _build).
            report.template_failed = True
            work.failed_templates[folder] = template
        if folder in work.failed:
            # Its record stays: the outputs kept are those it records (their stamps say whether
            # they still are), so a build whose inputs went back to them (a template put back)
            # finds them made.
            report.results.append(_result(plan, "mislukt", []))
            notify("klaar", plan.label)
            continue
        if outputs is None:  # no PDFs asked for: nothing was installed on the way
            # With the PDF of a kept document, if it took one (see reusable).
            kept = work.reused.get(folder)
            made_by = kept.office if kept is not None else None
            warnings = work.warnings.get(folder, [])
            outputs = _install_dossier(
                project, plan, warnings, made_by, work.changed, complete=False
            )
            notify("klaar", plan.label)
        report.results.append(_result(plan, "gebouwd", outputs))


def _install_dossier(
    project: Project,
    plan: Plan,
    warnings: Sequence[Problem],
    office: str | None,
    changed: dict[Path, list[KeyedFile]],
    *,
    complete: bool,
) -> list[Path]:
    """Move a dossier's outputs from staging into place and record them in the cache: the
    PDFs among them made by ``office``, all a build with PDFs makes if ``complete``; a file
    they were made of that changed since the plan goes into ``changed`` (see KeyedFile)."""
    staging = staging_folder(plan.output_dir)
    names = sorted(path.name for path in staging.iterdir())
    record = dossier_record(project, plan.meeting.name, plan.dossier.name)
    if plan.dossier.document.is_public and not dossier_outputs_public(
        project, plan.meeting.name, plan.dossier.name
    ):
        # Public outputs replace confidential ones: the record says so before they do, so a
        # build stopped in between never leaves public outputs recorded as confidential
        # (and kept when the dossier goes back to Nee; see withdraw.py).
        write_text_atomic(
            record, json.dumps({"openbaar": True, "dir": plan.output_dir.name}) + "\n"
        )
    elif record.is_file():
        # Nor with the keys of the outputs being replaced: stopped in between, the folder
        # holds some of each, and none of them may be taken for the other (cached_outputs,
        # reusable).
        forget(project, plan)
    outputs = install(staging, plan.output_dir, names)
    # Made of what the key says only if none of its files changed since: any write sets
    # their change time, so a file changed and changed back shows too.
    moved = changed_files(plan.files)
    if moved:
        changed[plan.dossier.folder] = moved
    remember(project, plan, outputs, warnings, office, complete=complete, changed=moved)
    return outputs


def _render_agendas(
    project: Project,
    catalog: Catalog,
    meetings: list[MeetingPlan],
    report: BuildReport,
    source_date_epoch: int | None,
) -> dict[Path, Path]:
    """Render both agendas of each meeting into its staging folder; return docx -> pdf."""
    if not meetings:
        return {}
    from assembler.agenda import DECISION, agenda_context
    from assembler.errors import TemplateError
    from assembler.render import DocumentProperties, organisation_context, render_document

    template = project.template_for("agenda")
    organisation = organisation_context(catalog.organisation, project.root)
    targets: dict[Path, Path] = {}
    for plan in meetings:
        staging = staging_folder(plan.folder / MEETING_STAGING)
        discard(staging)
        for confidential, name in ((False, PUBLIC_AGENDA), (True, FULL_AGENDA)):
            try:
                docx = render_document(
                    template,
                    agenda_context(plan.meeting, organisation, confidential=confidential),
                    staging / f"{name}.docx",
                    DocumentProperties(
                        title=meeting_document_title(name, plan.meeting.meeting),
                        subject=plan.meeting.meeting.meeting,
                        keywords=plan.meeting.meeting.date.isoformat(),
                        date=plan.meeting.meeting.date,
                        author=catalog.organisation.name,
                        source_date_epoch=source_date_epoch,
                    ),
                    label=project.display(template),
                    restart_lists=DECISION,
                    source=project.display(plan.meeting.folder / MEETING_FILE),
                    wide_numbers=plan.meeting.width > 2,
                )
            except TemplateError as error:
                report.template_failed = True
                report.problems.append(template_problem(project, template, error))
                break
            targets[docx] = docx.with_suffix(".pdf")
    return targets


def _conversion_service(
    project: Project, options: BuildOptions, *, expected: int | None
) -> ConversionService:
    """The build's conversion service; ``expected`` None: not known yet (see expect)."""
    from assembler.convert import ConversionService, TimeoutPolicy

    seconds = options.timeout_per_document
    # The voorstel template is what most documents are made of, so converting it warms up
    # the parts of LibreOffice they need; a project without one just goes without.
    template = project.template_for("voorstel")
    return ConversionService(
        expected=expected,
        workers=options.jobs,
        # --timeout is per document, as its help says; LibreOffice's start keeps its own.
        timeout=None if seconds is None else TimeoutPolicy(per_document=seconds),
        source_date_epoch=options.source_date_epoch,
        warm_up=template if template.is_file() else None,
    )


class _Conversions:
    """The build's documents on their way through LibreOffice, and whose they are.

    ``on_dossier_done`` is called, on the build's thread, as soon as all PDFs of a dossier
    exist; failures become problems in :meth:`finish`.
    """

    def __init__(
        self,
        project: Project,
        work: Work,
        options: BuildOptions,
        report: BuildReport,
        notify: Progress,
        on_dossier_done: Callable[[Plan], None],
        merges: MeetingMerges,
        service: ConversionService | None = None,
    ) -> None:
        self.project = project
        self.work = work
        self.report = report
        self.notify = notify
        self.on_dossier_done = on_dossier_done
        self.merges = merges
        self.agenda_pdfs: set[Path] = set()
        self.owner: dict[Path, Plan] = {}
        self.ours: set[Path] = set()
        self.waiting: dict[Path, set[Path]] = {}
        self.plan_of_target: dict[Path, Plan] = {}
        # Kept documents and agendas are not converted again (see reusable).
        expected = 2 * len([m for m in work.meetings if m.name not in work.kept_agendas])
        for plan in work.dossiers:
            made = plan.dossier.folder not in work.reused
            expected += made + len(_office_annexes(plan.dossier))
        self.expected = expected
        notify("conversies-totaal", str(expected))
        if service is None:
            service = _conversion_service(project, options, expected=expected)
        else:
            service.expect(expected)
        service.progress = self._landed
        self.service = service

    def __enter__(self) -> _Conversions:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.service.close()

    def add_agendas(self, agendas: dict[Path, Path]) -> None:
        """Convert the meetings' agendas."""
        from assembler.convert import ConversionJob

        for docx, pdf in agendas.items():
            self.ours.add(docx)
            self.agenda_pdfs.add(pdf)
            self.service.submit(ConversionJob(docx, pdf))

    def expect_more(self, count: int) -> None:
        """Documents counted as kept turned out to need converting after all."""
        if count:
            self.expected += count
            self.notify("conversies-totaal", str(self.expected))
            self.service.expect(self.expected)

    def add_dossier(self, plan: Plan, docx: Path, *, convert: bool = True) -> None:
        """Convert a dossier's rendered document (unless kept) and its office annexes."""
        from assembler.convert import ConversionJob

        jobs = []
        if convert:
            jobs.append(ConversionJob(docx, docx.with_suffix(".pdf")))
            self.ours.add(docx)
            self.owner[docx] = plan
        for index in _office_annexes(plan.dossier):
            source = plan.dossier.annex_path(index)
            jobs.append(ConversionJob(source, annex_pdf(docx.parent, plan.dossier, index)))
            self.owner[source] = plan
        self.waiting[plan.dossier.folder] = {job.target for job in jobs}
        if not jobs:  # a kept document, and no office annexes: on to its bundle
            self.on_dossier_done(plan)
            return
        for job in jobs:
            self.plan_of_target[job.target] = plan
        for job in jobs:
            self.service.submit(job)

    def _landed(self, target: Path) -> None:
        self.notify("conversie", target.name)
        if target in self.agenda_pdfs:
            self.merges.agenda_converted(target)
        plan = self.plan_of_target.get(target)
        if plan is None:
            return
        left = self.waiting[plan.dossier.folder]
        left.discard(target)
        if not left and plan.dossier.folder not in self.work.failed:
            self.on_dossier_done(plan)

    def finish(self) -> None:
        """Wait for every conversion; report the documents that did not convert."""
        from assembler.convert import CHECK_THE_DOCUMENT
        from assembler.source import field_label

        project, report, work = self.project, self.report, self.work
        outcome = self.service.finish()
        # A PDF not written for a full disk is no sign against LibreOffice (said on its own).
        ours_failed = [
            source
            for source in outcome.failures
            if source in self.ours and source not in outcome.unwritable
        ]
        none_converted = len(ours_failed) >= 2 and len(ours_failed) == len(self.ours)
        if none_converted:
            # Each document's message says to check that document; when not one converted,
            # LibreOffice or the machine is the likelier cause.
            report.problems.append(
                Problem(
                    "LibreOffice",
                    None,
                    "",
                    f"maakte van geen van de {len(ours_failed)} documenten een PDF: dan ligt "
                    "het eerder aan LibreOffice of aan de machine dan aan de documenten (zet "
                    "één document om met 'soffice --headless --convert-to pdf', en kijk of er "
                    "schijfruimte en geheugen vrij is)",
                )
            )
        for source, reason in sorted(outcome.failures.items()):
            shown = source
            plan_of = self.owner.get(source)
            unwritable = outcome.unwritable.get(source)
            if unwritable is not None:
                # The disk, not the document: said as the other outputs not written are, at
                # the PDF where it goes, not at the staging file it was written to.
                report.environment_failed = True
                place = project.display(installed_place(Path(unwritable.path)))
                report.problems.append(
                    Problem(place, None, "", f"kan niet schrijven: {unwritable.reason}")
                )
            elif source in self.ours:
                # Our own rendered document did not convert: the machine, not the clerk.
                report.environment_failed = True
                if none_converted:  # not each document to check, as the line above says
                    reason = reason.replace(CHECK_THE_DOCUMENT, "zie de melding bij LibreOffice")
                shown = (plan_of.output_dir if plan_of else source.parent.parent) / source.name
                report.problems.append(
                    Problem(
                        project.display(shown), None, "", f"omzetten naar PDF mislukt: {reason}"
                    )
                )
            if plan_of is None:
                continue
            work.failed[plan_of.dossier.folder] = reason
            if source not in self.ours and unwritable is None:
                index = next(
                    i
                    for i in _office_annexes(plan_of.dossier)
                    if plan_of.dossier.annex_path(i) == source
                )
                where = ("bijlagen", index, "bestand")
                report.problems.append(
                    Problem(
                        project.display(plan_of.dossier.folder / DOSSIER_FILE),
                        plan_of.dossier.source.line_of(where),
                        field_label(where),
                        f"'{source.name}' kon niet naar PDF worden omgezet: {reason}",
                    )
                )


def _office_annexes(dossier: DossierInput) -> list[int]:
    """Indexes of the annexes that LibreOffice turns into PDF."""
    from assembler.inputs import OFFICE_SUFFIXES

    return [
        index
        for index in range(len(dossier.document.annexes))
        if dossier.annex_path(index).suffix.lower() in OFFICE_SUFFIXES
    ]


def _bundle(
    project: Project,
    catalog: Catalog,
    plan: Plan,
    main_pdf: Path,
    options: BuildOptions,
    bands: Sequence[tuple[tuple[bool, ...], tuple[bool, ...]]],
) -> tuple[Path, list[Problem]]:
    """Make a dossier's bundle; with it a warning for the pages of a confidential main
    document that do not show NIET OPENBAAR."""
    from assembler.bundle import BundleAnnex, BundleMeta, bundle_pdf
    from assembler.render import document_properties
    from assembler.source import field_label

    document = plan.dossier.document
    office = set(_office_annexes(plan.dossier))
    annexes = [
        BundleAnnex(
            annex_pdf(main_pdf.parent, plan.dossier, index),
            index + 1,
            annex.description,
            bands_blank=top,
            bottom_bands_blank=bottom,
            # A PDF annex was judged by the intake; an office annex's PDF is LibreOffice's.
            judged=index not in office,
        )
        for index, (annex, (top, bottom)) in enumerate(zip(document.annexes, bands, strict=True))
    ]
    properties = document_properties(document, catalog.organisation, plan.meeting.meeting.meeting)
    meta = BundleMeta(
        title=properties.title,  # a confidential dossier's bundle says so, as its voorstel
        author=catalog.organisation.name,
        kenmerk=document.reference,
        subject=properties.subject,
        niet_openbaar=not document.is_public,
        source_date_epoch=options.source_date_epoch,
    )
    # The bookmark names what the document is: "Voorstel", "Memo".
    title = document.kind.capitalize()
    shown, unmarked = _confidential_pages(project, plan, main_pdf)
    try:
        bundle = bundle_pdf(
            main_pdf,
            annexes,
            meta,
            main_pdf.parent / BUNDLE_FILE,
            title,
            main_made_here=True,
            confidential_shown=shown,
        )
        return bundle, unmarked
    except PartRejected as error:
        # An annex the intake read but the bundle cannot (saved again while the build ran):
        # said at its entry, as the intake says it, not by the path the bundle opened.
        index = next((a.nummer - 1 for a in annexes if a.pdf == error.path), None)
        if index is None:
            raise
        where = ("bijlagen", index, "bestand")
        name = document.annexes[index].file
        raise InputRejected(
            error.message,
            [
                Problem(
                    project.display(plan.dossier.folder / DOSSIER_FILE),
                    plan.dossier.source.line_of(where),
                    field_label(where),
                    f"'{name}' {error.reason}",
                )
            ],
        ) from error


def _confidential_pages(
    project: Project, plan: Plan, main_pdf: Path
) -> tuple[frozenset[int] | None, list[Problem]]:
    """The pages of a confidential dossier's main PDF that say NIET OPENBAAR (the bundle stamps
    the others), and a warning naming those that do not: the template check reads what the
    template says, this what LibreOffice printed (hidden text, say, is not). Read once, for
    both. A public dossier's: (None, [])."""
    if plan.dossier.document.is_public:
        return None, []
    from assembler.bands import pages_showing_or_not
    from assembler.bundle import CONFIDENTIAL

    shown, unmarked = pages_showing_or_not(main_pdf, CONFIDENTIAL)
    if not unmarked:
        return shown, []
    numbers = [str(page + 1) for page in unmarked]
    pages = (
        f"pagina {numbers[0]}"
        if len(numbers) == 1
        else f"pagina's {', '.join(numbers[:-1])} en {numbers[-1]}"
    )
    template = project.template_for(plan.dossier.document.kind)
    warning = Problem(
        project.display(template),
        None,
        "niet_openbaar",
        f"op {pages} van {project.display(plan.output_dir / main_pdf.name)} staat nergens "
        f"{CONFIDENTIAL}, en een vertrouwelijk stuk moet dat op elke pagina tonen (alleen de "
        "bundel is daar gestempeld): zet {% if niet_openbaar %}NIET OPENBAAR{% endif %} "
        "zichtbaar in de kop- of voettekst van het sjabloon, niet als verborgen tekst",
        "waarschuwing",
    )
    return shown, [warning]


def _bundle_and_install(
    project: Project,
    catalog: Catalog,
    plan: Plan,
    main_pdf: Path,
    options: BuildOptions,
    bands: Sequence[tuple[tuple[bool, ...], tuple[bool, ...]]],
    merges: MeetingMerges,
    warnings: Sequence[Problem],
    notify: Progress,
    stopping: threading.Event,
    template_check: TemplateCheck,
    office: str | None,
    changed: dict[Path, list[KeyedFile]],
) -> tuple[list[Path], list[Problem]]:
    """Bundle a dossier whose PDFs are all there, then install it; on a bundler thread. With
    the outputs the warnings found on the way (kept with them, for the builds that keep them)."""
    bundle, found = _bundle(project, catalog, plan, main_pdf, options, bands)
    if template_check.refuses(project.template_for(plan.dossier.document.kind)):
        raise _TemplateRefused
    if stopping.is_set():
        raise _Stopped
    merges.bundle_made(plan, bundle)
    # At once rather than after the last dossier: installing waits on the disk (fsync) and
    # would otherwise add to the build's tail; and the clerk sees each dossier finish.
    outputs = _install_dossier(project, plan, [*warnings, *found], office, changed, complete=True)
    notify("bundel", plan.label)
    notify("klaar", plan.label)
    return outputs, found


class _Stopped(Exception):
    """A dossier's bundle was made while the build was stopping: it is not installed."""


class _TemplateRefused(Exception):
    """A dossier's document was made with a template the template check found wrong."""


def _stop_bundling(bundler: ThreadPoolExecutor, stopping: threading.Event) -> None:
    stopping.set()
    bundler.shutdown(wait=True, cancel_futures=True)


def _one_at_a_time(progress: Progress) -> Progress:
    """``progress``, called by one thread at a time (bundler threads report too)."""
    lock = threading.Lock()

    def serialised(event: str, label: str) -> None:
        with lock:
            progress(event, label)

    return serialised


def _count_pdfs(project: Project, catalog: Catalog) -> int:
    """The PDFs in the build folders of the meetings in ``catalog`` (not their exports)."""
    count = 0
    for meeting in catalog.meetings:
        folder = project.build / meeting.name
        count += sum(1 for _ in folder.glob("*.pdf")) + sum(1 for _ in folder.glob("*/*.pdf"))
        count -= sum(1 for _ in folder.glob("export/*.pdf"))
    return count


def _meeting_result(
    folder: Path, plan: MeetingPlan | None, work: Work, current: set[str], options: BuildOptions
) -> MeetingResult:
    """What became of a meeting's outputs (no plan: an item was refused), and which are there.

    ``current`` names the meetings whose outputs match their items now (see _build).
    """
    # A Word-only build lists the PDFs it kept too (see meeting_bundles).
    there = [path for path in (folder / n for n in MEETING_OUTPUTS) if path.is_file()]
    # As the warning says it: not updated when earlier outputs stay, else not made.
    made = any(path.name in meeting_outputs(options) for path in there)
    status: MeetingStatus = "niet bijgewerkt" if made else "niet gemaakt"
    if plan is not None and plan.name in current:
        # Current but not put in place now: kept from a build of the same inputs (--force
        # whose conversions failed, say).
        status = "gebouwd" if plan.name in work.installed_meetings else "ongewijzigd"
    return MeetingResult(folder.name, status, there)


def _withdraw(
    project: Project,
    catalog: Catalog,
    work: Work,
    current: set[str],
    options: BuildOptions,
    report: BuildReport,
) -> None:
    """Withdraw what shows in full an item no longer public (see withdraw.py)."""
    withdraw_public_outputs(
        project,
        catalog,
        work.failed,
        current,
        partial=bool(options.paths),
        export_follows=options.export_follows,
        problems=report.problems,
    )


def _withdraw_without_settings(project: Project, options: BuildOptions) -> list[Problem]:
    """The withdrawal of a build refused for its organisation settings: nothing is made, but
    what shows in full an item that is no longer public goes, as after any build."""
    from assembler.model import Organisatie
    from assembler.validate import load_catalog

    problems: list[Problem] = []
    # Any kenmerk is accepted: a default kenmerkpatroon would refuse every dossier of an
    # organisation with its own, and withdraw what is public for no reason.
    anything = Organisatie.model_validate({"kenmerkpatroon": ".+"})
    try:
        catalog = load_catalog(project, options.paths, anything)
        every_dossier = {
            item.dossier.folder
            for meeting in catalog.meetings
            for item in meeting.items
            if item.dossier is not None
        }
        withdraw_public_outputs(
            project,
            catalog,
            every_dossier,  # none was made now
            set(),  # nor any meeting's outputs
            partial=bool(options.paths),
            export_follows=False,
            problems=problems,
        )
    except (AssemblerError, OSError):
        pass  # the settings' own problem is what the clerk mends first
    return problems


def _withdraw_after_stop(
    project: Project,
    catalog: Catalog,
    work: Work,
    meeting_plans: Sequence[MeetingPlan],
    options: BuildOptions,
    report: BuildReport,
) -> None:
    """The withdrawal of a build that stopped part-way (no LibreOffice, a full disk, Ctrl-C).

    What shows in full an item that is no longer public goes as after a whole build: a
    dossier neither made nor unchanged counts as failed, a meeting not made as not current.
    The stop itself is what the clerk is told; a withdrawal that fails too does not hide it.
    """
    done = {(r.meeting, r.folder) for r in report.results if r.status != "mislukt"}
    for meeting in catalog.meetings:
        for dossier in meeting.dossiers:
            if (meeting.name, dossier.name) not in done:
                work.failed.setdefault(dossier.folder, "niet afgemaakt")
    current = {
        plan.name
        for plan in meeting_plans
        if meeting_cached(
            plan, read_record(meeting_record(project, plan.name)), options, work.office
        )
    }
    with suppress(OSError, AssemblerError):
        _withdraw(project, catalog, work, current, options, report)


def _remove_stale(
    project: Project, catalog: Catalog, plans: list[Plan], options: BuildOptions
) -> list[Problem]:
    """Remove outputs of dossiers that were removed, moved or renumbered; and stray temp files.

    A meeting folder gone from dossiers/ takes its outputs along, and that is said once: as
    archived when it is deeper inside dossiers/, with advice when they held an export package
    (the folder may have been renamed, its package still online).
    """
    problems: list[Problem] = []
    if options.paths:
        meetings = {m.name for m in catalog.meetings}
    else:
        meetings = {p.name for p in project.build.iterdir() if p.is_dir() and p.name[0] != "."}
    valid = {m.name for m in catalog.meetings}
    keep = {plan.output_dir for plan in plans}
    # Folders of dossiers that failed this time keep their previous good output.
    for meeting in catalog.meetings:
        for item in meeting.items:
            keep.update(previous_outputs(project, meeting, item))
    try:
        for name in sorted(meetings):
            folder = project.build / name
            if not folder.is_dir():
                continue
            if name not in valid and not (project.dossiers / name).is_dir() and not options.paths:
                exported = (folder / EXPORT_DIR).is_dir()
                shutil.rmtree(folder)
                shutil.rmtree(project.cache / name, ignore_errors=True)
                problems.append(_outputs_removed(project, name, exported=exported))
                continue
            # A meeting whose vergadering.yaml was refused keeps its dossiers' outputs (those
            # no longer public were withdrawn), as a refused dossier keeps its own.
            unloaded = name not in valid
            for child in folder.iterdir():
                if child.name.startswith(TEMP_PREFIX) and child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                elif child.name.startswith(TEMP_PREFIX):
                    child.unlink(missing_ok=True)
                elif (
                    child.is_dir()
                    and OUTPUT_DIR_PATTERN.match(child.name)
                    and child not in keep
                    and not unloaded
                ):
                    shutil.rmtree(child)
                elif child.is_dir():
                    for stray in child.glob(TEMP_PREFIX + "*"):
                        stray.unlink(missing_ok=True)
        if not options.paths:
            _prune_cache(project, catalog)
        # A build killed while writing a cache record (a dossier's, a meeting's, an annex
        # check's) leaves its temporary file behind; the build lock says none is being written.
        cache = project.cache
        for pattern in (TEMP_PREFIX + "*", "*/" + TEMP_PREFIX + "*"):
            for stray in cache.glob(pattern):
                stray.unlink(missing_ok=True)
    except OSError as error:
        raise not_writable(project.build, error) from None
    return problems


def _prune_cache(project: Project, catalog: Catalog) -> None:
    """Remove records nothing will read again, so a year of builds does not pile them up: a
    dossier's whose folder is gone from its meeting (deleted, moved, renamed; its outputs went
    above), and annex reports and texts not written for REPORT_KEPT_DAYS."""
    from assembler.annex_text import ANNEX_FACTS_FOLDER
    from assembler.intake import REPORT_KEPT_DAYS, REPORTS_FOLDER

    for meeting in catalog.meetings:
        for record in (project.cache / meeting.name).glob("*.json"):
            # The meeting's own records (_vergadering.json, _export.json) start with '_'.
            if not record.name.startswith("_") and not (meeting.folder / record.stem).is_dir():
                record.unlink(missing_ok=True)
    oldest = time.time() - REPORT_KEPT_DAYS * 24 * 3600
    # Where the pages of compared annexes were kept, a file each, before PAGES_FILE.
    shutil.rmtree(project.cache / "paginas", ignore_errors=True)
    # An annex's text is kept as long as its report: one checked anew is read anew with it.
    kept = [*(project.cache / REPORTS_FOLDER).glob("*.json")]
    kept += (project.cache / ANNEX_FACTS_FOLDER).glob("*.json")
    for report in kept:
        try:
            if report.stat().st_mtime < oldest:
                report.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: left


def _outputs_removed(project: Project, name: str, *, exported: bool) -> Problem:
    """What is said of the outputs of a meeting folder gone from dossiers/, once."""
    outputs = "de stukken en het exportpakket" if exported else "de stukken"
    removed = f"{outputs} in {project.display(project.build / name)} weggehaald"
    archived = _archived_at(project, name)
    if archived is not None:
        message = (
            f"de vergadermap is gearchiveerd (staat nu in {project.display(archived)}), dus "
            f"zijn {removed}"
        )
    elif exported:
        message = (
            f"de vergadermap bestaat niet meer, dus zijn {removed} (is de map hernoemd, maak "
            "het pakket dan opnieuw met 'assembler export' en de nieuwe vergadermap; wat het "
            "vergadersysteem al heeft, werkt 'assembler publish' daarna bij; gaat de "
            "vergadering niet door en was zij gepubliceerd, zet de map dan terug, schrijf "
            "'geannuleerd: Ja' in de vergadering.yaml en publiceer haar opnieuw)"
        )
    else:
        message = f"de vergadermap bestaat niet meer, dus zijn {removed}"
    return Problem(project.display(project.dossiers / name), None, "", message, "waarschuwing")


def _archived_at(project: Project, name: str) -> Path | None:
    """The meeting folder ``name`` deeper inside dossiers/ (dossiers/archief/<name>), if it was
    moved there: only the folders directly in dossiers/ are meetings."""
    for folder, subfolders, files in os.walk(project.dossiers):
        here = Path(folder)
        if MEETING_FILE in files:
            subfolders.clear()  # a meeting's folders are its dossiers: no meeting is in them
            if here.name == name and here.parent != project.dossiers:
                return here
        subfolders.sort()
    return None

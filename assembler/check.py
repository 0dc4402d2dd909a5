"""What ``assembler check`` does: lint the templates, validate, run the annex intake, fill in
each chosen dossier's template with its values.

The check makes no outputs. It keeps in ``build/.cache``, as a build does, the annex checks'
reports (``bijlagen/``), the pages of the annexes it compared with confidential ones
(``paginas.json``), the template check's answer (``sjablonen.json``, which a build reuses) and
the answers of the checks that cost more than reading (``controles.json``, see
:mod:`assembler.answers`). What it must judge as a build does is in :mod:`assembler.checks`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from assembler.checks import (
    FixedText,
    filled_in_problems,
    template_not_needed,
    template_problems,
    templates_naming_confidential,
    templates_used,
)
from assembler.confidential import confidential_annexes_made_public
from assembler.digests import DIGESTS_FILE, FileDigests
from assembler.errors import AssemblerError, ExitCode, Problem, sort_problems
from assembler.project import DOSSIER_FILE, MEETING_FILE, Project

if TYPE_CHECKING:
    from assembler.inputs import Catalog


def check_project(project: Project, paths: Sequence[Path] = ()) -> Catalog:
    """What ``assembler check`` does: lint the templates, validate, run the annex intake."""
    from assembler.answers import STORE_NAME, remembered
    from assembler.build_cache import TemplateCheck, fonts_fingerprint
    from assembler.intake import annex_verdicts
    from assembler.render import organisation_context
    from assembler.validate import load_catalog

    # The answers a build keeps for the same texts: a check of one dossier reads every
    # meeting, and at year's end working out each public text anew took twenty seconds.
    with remembered(project.cache / STORE_NAME):
        catalog = load_catalog(project, paths)
    organisation_context(catalog.organisation, project.root)  # a damaged logo, as build finds it
    # Files are hashed, their digests not kept: check makes no outputs (the annex reports,
    # the compared pages and the template check's answer are kept in build/.cache, as a
    # build keeps them).
    files = FileDigests(project.cache / DIGESTS_FILE)
    # Every template, as a build checks them (its kept answer, if the templates are the
    # same): a template the chosen dossiers do not use is warned about, not refused for.
    template_check = TemplateCheck(project, files, fonts_fingerprint())
    answer = template_check.problems()
    used = templates_used(project, catalog)
    said = template_problems(answer, used, template_not_needed(project, catalog))
    problems = [*said, *catalog.problems]
    # Text typed in a template is in every public document made with it (review T6).
    fixed = template_check.fixed_texts()
    problems.extend(templates_naming_confidential(project, catalog, fixed))
    dossiers = [dossier for meeting in catalog.meetings for dossier in meeting.dossiers]
    # Also the other annexes of a dossier refused for an annex file: all said in one round.
    dossiers += catalog.set_aside
    found, refused = annex_verdicts(project, dossiers)
    problems.extend(found)
    # A template code that fails only for a dossier's own values: the build fills each in.
    catalog.failed_filling_in = filled_in_problems(project, catalog, answer, refused)
    problems.extend(catalog.failed_filling_in.values())
    problems.extend(confidential_annexes_made_public(project, catalog, files))
    catalog.problems = sort_problems(problems)
    return catalog


def check_templates(project: Project) -> list[Problem]:
    """What ``assembler templates check`` does: lint every template, and say of its typed text
    what check and build say when it names a confidential dossier (when the dossiers can be
    read); sorted."""
    from assembler.lint import lint_templates
    from assembler.validate import load_catalog

    fixed: dict[str, list[FixedText]] = {}
    problems = lint_templates(project, fixed=fixed)
    try:
        catalog = load_catalog(project, ())
    except AssemblerError:
        # Settings that cannot be read are check's to say; the templates are judged without.
        return problems
    # Else "Sjablonen in orde." while check warns and the export stops (review revI I3).
    problems.extend(templates_naming_confidential(project, catalog, fixed))
    return sort_problems(problems)


def check_exit_code(project: Project, catalog: Catalog) -> ExitCode:
    """The exit code of ``assembler check``: 2 for a template at fault, 1 for an input, else 0."""
    templates = project.display(project.templates) + "/"
    if any(problem.bestand.startswith(templates) for problem in catalog.errors):
        return ExitCode.USAGE
    return ExitCode.INPUT_REJECTED if catalog.errors else ExitCode.OK


@dataclass(frozen=True)
class CheckSummary:
    """How far from done a checked project is: what the last line of ``check`` says."""

    errors: int
    warnings: int
    meetings: int
    dossiers: int  # checked
    files_at_fault: int  # files with an error
    folders_at_fault: int  # folders with an error (one without rights, a meeting without file)
    in_order: int  # dossiers that validated, passed the annex check and have a usable template
    blocked: int  # dossiers in order but for their template
    refused_templates: tuple[str, ...]  # the templates that block them, as displayed
    refused_meetings: tuple[str, ...]  # meeting folders whose vergadering.yaml is refused


def summarise(project: Project, catalog: Catalog) -> CheckSummary:
    """The counts of a checked project, from its problems and what validated."""
    errors = catalog.errors
    files = {problem.bestand for problem in errors}
    display = project.display
    # A dossier that validated can still be refused by the annex check: it is not in order.
    valid = [
        dossier
        for meeting in catalog.meetings
        for dossier in meeting.dossiers
        if display(dossier.folder / DOSSIER_FILE) not in files
    ]
    # Nor is one whose template the check refuses: the build would fail it.
    template_of = {
        dossier.folder: display(project.template_for(dossier.document.kind)) for dossier in valid
    }
    # A template that fails only for some dossiers' values blocks only those.
    filled_in = list(catalog.failed_filling_in.values())
    wrong = {problem.bestand for problem in errors if problem not in filled_in}
    blocked = [
        dossier
        for dossier in valid
        if template_of[dossier.folder] in wrong or dossier.folder in catalog.failed_filling_in
    ]
    # A meeting whose vergadering.yaml is refused is not loaded: its dossiers are not counted.
    loaded = {display(meeting.folder / MEETING_FILE) for meeting in catalog.meetings}
    refused = sorted(
        PurePosixPath(name).parent.name
        for name in files
        if name.endswith(f"/{MEETING_FILE}") and name not in loaded
    )
    folders = folders_among(project, files)
    return CheckSummary(
        errors=len(errors),
        warnings=len(catalog.problems) - len(errors),
        meetings=len(catalog.meetings),
        dossiers=catalog.dossier_count,
        files_at_fault=len(files) - folders,
        folders_at_fault=folders,
        in_order=len(valid) - len(blocked),
        blocked=len(blocked),
        refused_templates=tuple(sorted({template_of[dossier.folder] for dossier in blocked})),
        refused_meetings=tuple(refused),
    )


def folders_among(project: Project, names: Collection[str]) -> int:
    """How many of the displayed ``names`` a problem is at are folders, not files."""
    return sum(1 for name in names if name and (project.root / name).is_dir())

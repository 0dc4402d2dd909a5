"""What ``assembler check`` does: lint the templates, validate, run the annex intake.

The check makes no outputs. It keeps in ``build/.cache``, as a build does, the annex checks'
reports (``bijlagen/``) and the pages of the annexes it compared with confidential ones
(``paginas.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assembler.confidential import confidential_annexes_made_public
from assembler.digests import FileDigests
from assembler.errors import ExitCode, sort_problems
from assembler.project import Project

if TYPE_CHECKING:
    from assembler.validate import Catalog


def check_project(project: Project, paths: Sequence[Path] = ()) -> Catalog:
    """What ``assembler check`` does: lint the templates, validate, run the annex intake."""
    from assembler.intake import annex_problems
    from assembler.lint import lint_templates
    from assembler.render import organisation_context
    from assembler.validate import load_catalog

    catalog = load_catalog(project, paths)
    organisation_context(catalog.organisation, project.root)  # a damaged logo, as build finds it
    # Checking one dossier: only the templates it needs (a broken voorstel template is no
    # reason to refuse a memo); a whole meeting needs the agenda's too.
    names: set[str] | None = None
    if catalog.chosen:
        names = {d.document.kind for meeting in catalog.meetings for d in meeting.dossiers}
        if any(project.dossiers in (folder, folder.parent) for folder in catalog.chosen):
            names.add("agenda")
    problems = [*lint_templates(project, names), *catalog.problems]
    dossiers = [dossier for meeting in catalog.meetings for dossier in meeting.dossiers]
    # Also the other annexes of a dossier refused for an annex file: all said in one round.
    dossiers += catalog.set_aside
    problems.extend(annex_problems(project, dossiers))
    # Files are hashed, their digests not kept: check makes no outputs (the annex reports and
    # the compared pages are kept in build/.cache, as a build keeps them).
    files = FileDigests(project.cache / "bestanden.json")
    problems.extend(confidential_annexes_made_public(project, catalog, files))
    catalog.problems = sort_problems(problems)
    return catalog


def check_exit_code(project: Project, catalog: Catalog) -> ExitCode:
    """The exit code of ``assembler check``: 2 for a template at fault, 1 for an input, else 0."""
    templates = project.display(project.templates) + "/"
    if any(problem.bestand.startswith(templates) for problem in catalog.errors):
        return ExitCode.USAGE
    return ExitCode.INPUT_REJECTED if catalog.errors else ExitCode.OK

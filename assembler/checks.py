"""What ``check`` and ``build`` both judge of a selection, in one place (maintainer review M2).

The two commands run the same checks in their own order: a check all at once, a build while
it renders and bundles (the annex intake judges an annex as its dossier's turn comes). What
each says of the same inputs must not differ but for what only making the documents tells
(``tests/bad_inputs/test_parity.py`` holds them to that). The rules they share live here:
which templates a selection uses, how the template check's answer is said for it, and what
the templates' fixed text names of the confidential dossiers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from assembler.errors import AssemblerError, Problem, TemplateError
from assembler.project import DOSSIER_FILE, Project

if TYPE_CHECKING:
    from assembler.inputs import Catalog, MeetingInput
    from assembler.render import TemplateTrial
    from assembler.terms import Term


def partial_meetings(project: Project, catalog: Catalog) -> set[Path]:
    """Meetings of which only some dossiers were asked for, not the meeting itself: their
    agenda is left alone."""
    chosen = set(catalog.chosen)
    dossiers = project.dossiers
    if dossiers in chosen:
        return set()
    # Both names of each: the callers ask by the resolved one, which differs behind a
    # dossiers/ that is a link to a shared drive.
    return {
        name
        for folder in chosen
        if folder.parent.parent == dossiers and folder.parent not in chosen
        for name in (folder.parent, folder.parent.resolve())
    }


def templates_used(project: Project, catalog: Catalog) -> set[str]:
    """The templates (as displayed) the chosen documents are made with: each chosen dossier's,
    and the agenda's when a meeting is chosen whole (a dossier alone makes no agenda).

    A meeting whose agenda cannot be made for a refused item still counts: mending the item
    alone would not make it."""
    display = project.display
    used = {
        display(project.template_for(dossier.document.kind))
        for meeting in catalog.meetings
        for dossier in meeting.dossiers
    }
    partial = partial_meetings(project, catalog)
    if any(meeting.folder.resolve() not in partial for meeting in catalog.meetings):
        used.add(display(project.template_for("agenda")))
    return used


def template_not_needed(project: Project, catalog: Catalog) -> str:
    """What is said after a template error when nothing chosen is made with that template (the
    template still needs mending before its next use, but nothing chosen now is refused for
    it), naming what was chosen: '; de gekozen vergadering heeft dit sjabloon niet nodig'."""
    dossiers = project.dossiers
    chosen = set(catalog.chosen)
    if not chosen or dossiers in chosen:
        return "; geen van de dossiers heeft dit sjabloon nodig"
    meetings = sum(1 for folder in chosen if folder.parent == dossiers)
    items = len(chosen) - meetings
    if not items:
        who = "de gekozen vergadering heeft" if meetings == 1 else "de gekozen vergaderingen hebben"
    elif not meetings:
        who = "het gekozen dossier heeft" if items == 1 else "de gekozen dossiers hebben"
    else:
        who = (
            f"de gekozen {'vergadering' if meetings == 1 else 'vergaderingen'} en "
            f"{'het dossier' if items == 1 else 'dossiers'} hebben"
        )
    return f"; {who} dit sjabloon niet nodig"


def template_problems(answer: list[Problem], used: set[str], not_needed: str) -> list[Problem]:
    """The template check's ``answer`` as said for a selection that uses the templates
    ``used``: an error of a template it does not use is a warning, ending in ``not_needed``
    (see :func:`template_not_needed`: nothing chosen is refused for it; that template is still
    to be mended before its next use)."""
    return [
        dataclasses.replace(p, melding=p.melding + not_needed, ernst="waarschuwing")
        if p.ernst == "fout" and p.bestand not in used
        else p
        for p in answer
    ]


def template_problem(project: Project, template: Path, error: AssemblerError) -> Problem:
    """A template that failed as a dossier was filled in, said of the template."""
    label = project.display(template)
    return Problem(label, None, "", error.message.removeprefix(f"{label}: "))


def filled_in_problems(
    project: Project, catalog: Catalog, answer: list[Problem], refused: set[Path]
) -> dict[Path, Problem]:
    """What a build finds when it fills in each chosen dossier's template with the dossier's
    own values (a code that fails for them alone), found without making a document.

    As a build: not for a template the template check finds wrong (a build says the check's
    messages of it, not rendering's), nor for a dossier whose annex the intake refuses
    (``refused``, folders: a build stops such a dossier before its template is looked at)).
    Per dossier folder, the problem."""
    from assembler.render import TemplateTrial, build_context

    wrong = {p.bestand for p in answer if p.ernst == "fout"}
    trials: dict[Path, TemplateTrial | None] = {}
    problems: dict[Path, Problem] = {}
    for meeting in catalog.meetings:
        for dossier in meeting.dossiers:
            template = project.template_for(dossier.document.kind)
            label = project.display(template)
            if label in wrong or dossier.folder in refused:
                continue
            if template not in trials:
                try:
                    trials[template] = TemplateTrial(template, label)
                except TemplateError:
                    trials[template] = None  # gone since the check read it: a build says so
            trial = trials[template]
            if trial is None:
                continue
            context = build_context(dossier.document, catalog.organisation, project.root)
            failure = trial.failure(context, project.display(dossier.folder / DOSSIER_FILE))
            if failure is not None:
                problems[dossier.folder] = template_problem(project, template, failure)
    return problems


class FixedText(NamedTuple):
    """A paragraph of a template with text typed outside its codes, as the template check
    reads it (``lint.lint_templates``) and keeps it with its answer."""

    where: str  # Dutch prefix for messages: "", "in de voettekst: "
    typed: str  # the paragraph as typed, codes and all
    fixed: str  # the paragraph with each code replaced by a NUL, which no term matches across


# A paragraph longer than this is named in a message by its beginning.
_TYPED_SHOWN = 80


def templates_naming_confidential(
    project: Project, catalog: Catalog, fixed: Mapping[str, Sequence[FixedText]]
) -> list[Problem]:
    """A warning for each paragraph of a template's ``fixed`` text (by the template, as
    displayed) that names a confidential dossier's kenmerk, onderwerp or annex description as
    the export's gate finds it in a public PDF's text, where the chosen meetings make public
    documents with that template: the agenda's for every meeting, a kind's where a public
    dossier is of that kind (review T6).

    Every document made with a template has its fixed text, so such a template leaks into
    each public agenda or voorstel; the gate stops it only at the export, after the agenda
    went round. The text is the check's kept answer: nothing is opened here.
    """
    from assembler.terms import archived_terms, confidential_terms, public_words

    everything = catalog.everything or catalog.meetings
    if not any(fixed.values()):
        return []
    # As the export's gate gets them: every confidential dossier of the project, archived
    # ones too.
    terms = confidential_terms(project, everything)
    terms += archived_terms(project, catalog.archived, everything)
    if not terms:
        return []
    # Per template, the meetings it makes public documents of; a meeting with no public item
    # still has a public agenda, which says "Niet openbaar".
    making: dict[str, list[MeetingInput]] = {"agenda": list(catalog.meetings)}
    for meeting in catalog.meetings:
        for kind in sorted({d.document.kind for d in meeting.dossiers if d.document.is_public}):
            making.setdefault(kind, []).append(meeting)
    public: set[str] | None = None  # worked out only for a template that names a term
    problems: list[Problem] = []
    for kind, meetings in sorted(making.items()):
        label = project.display(project.template_for(kind))
        paragraphs = fixed.get(label, ())
        if not _naming_any(paragraphs, terms, meetings):
            continue  # nearly always: one look at the template's text per term
        if public is None:
            # A term a public dossier also says word for word is public, as to the gate.
            public = public_words(everything)
        said = [term for term in terms if not term.shared_with(public)]
        problems += _fixed_text_naming(label, paragraphs, said, meetings)
    return problems


def _naming_any(
    paragraphs: Sequence[FixedText], terms: Sequence[Term], meetings: Sequence[MeetingInput]
) -> bool:
    """Whether the text of ``paragraphs`` names any of ``terms`` in any of ``meetings``."""
    from assembler.terms import names, squash

    # Joined as a page's text joins them (squashing drops the line breaks).
    said = squash("\n".join(p.fixed for p in paragraphs))
    for term in terms:
        meeting = _searched_in(term, meetings)
        if meeting is not None and names(term, said, "", meeting):
            return True
    return False


def _searched_in(term: Term, meetings: Sequence[MeetingInput]) -> str | None:
    """One of ``meetings`` whose public side is searched for ``term``; None if none is.

    The text is the same in each: one look per term, not one per term and meeting."""
    return next((m.name for m in meetings if term.searched_in(m.name)), None)


def _fixed_text_naming(
    label: str,
    paragraphs: Sequence[FixedText],
    terms: Sequence[Term],
    meetings: Sequence[MeetingInput],
) -> list[Problem]:
    """The warnings for the ``paragraphs`` of template ``label`` that name one of ``terms``
    on the public side of one of ``meetings``."""
    from assembler.terms import names, squash

    keyed = [
        (squash(term.text), term, meeting)
        for term in terms
        if (meeting := _searched_in(term, meetings)) is not None
    ]

    def named(text: str) -> list[Term]:
        # As the gate reads a page's text: squashed, not loosened (that is for names). And
        # as it says them: one text once, though it is two dossiers' or fields' (a title
        # that is also an annex's description).
        said = squash(text)
        found: dict[str, Term] = {}
        for key, term, meeting in keyed:
            if key not in found and names(term, said, "", meeting):
                found[key] = term
        return list(found.values())

    # The whole template too (its paragraphs joined as a page's text joins them), for a
    # term found across two of them.
    whole = named("\n".join(p.fixed for p in paragraphs))
    problems: list[Problem] = []
    found: set[str] = set()
    for paragraph in paragraphs:
        for term in named(paragraph.fixed) if paragraph.fixed else ():
            found.add(term.text)
            problems.append(_naming(label, paragraph.where, _shown(paragraph.typed), term))
    for term in whole:
        if term.text not in found:  # over two paragraphs, as a page's text joins them
            problems.append(_naming(label, "", "", term))
    return problems


def _shown(typed: str) -> str:
    typed = " ".join(typed.split())
    return typed if len(typed) <= _TYPED_SHOWN else typed[: _TYPED_SHOWN - 1] + "…"


def _naming(label: str, where: str, typed: str, term: Term) -> Problem:
    return Problem(
        label,
        None,
        typed,
        f"{where}de vaste tekst noemt {term.what} '{term.text}' van {term.source}, dat niet "
        "openbaar is: zo komt het in elk openbaar stuk dat met dit sjabloon wordt gemaakt en "
        f"stopt de export ({term.advice('haal die tekst uit het sjabloon')})",
        "waarschuwing",
    )

"""Template lint: check each Word template's Jinja against the values its kind provides.

Rendering finds a misspelt ``{{ kenmerk }}`` only when a dossier is built, and only the
first one; the lint reads every part docxtpl renders (body, headers, footers, footnotes,
core properties) exactly as docxtpl prepares it for Jinja, parses it with a sandboxed
environment like the renderer's, and walks the syntax tree. Nothing here starts LibreOffice
or renders a document, so the lint is cheap enough to run on every check; ``assembler
templates check``, ``assembler check`` and the build's kept answer
(``build_cache.TemplateCheck``) all come here. This module runs the checks in order, and
says itself: a file that is missing, unreadable or not a .docx (errors); a required field,
or a required field of a row the template does show, that the template never uses, with a
yes/no field advised as a condition (warnings), and the document's own text (its required
Markdown field) never used (an error); the agenda's decisions not numbered per item (a
warning). The other checks, each module's docstring saying what it reports:

* :mod:`assembler.lint_specs`: what each kind offers a template (no findings of its own);
* :mod:`assembler.lint_parts`: the parts, and what is wrong in a paragraph or part as
  typed; a Jinja syntax error;
* :mod:`assembler.lint_walker`: names, fields, filters and tests the values do not have,
  and codes that are printed as typed;
* :mod:`assembler.lint_placement`: codes that stand where they cannot work;
* :mod:`assembler.lint_mark`: NIET OPENBAAR on every page of a confidential document only;
* :mod:`assembler.template_style`: hidden text and fonts not installed (warnings).

It also hands each template's fixed text (``lint_parts.fixed_texts``) to the build's kept
answer, for :func:`assembler.checks.templates_naming_confidential`, which depends on the
dossiers too and so is no finding of the template's own.

What changed when is in the comment above ``build_cache.TEMPLATE_CHECK_VERSION``, which is
raised whenever these rules change, so that no kept answer is reused.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes

from assembler.checks import FixedText
from assembler.errors import Problem, Severity, sort_problems
from assembler.lint_mark import confidential_mark_problems, doubled_mark_problems
from assembler.lint_parts import (
    NotADocx,
    Part,
    fixed_texts,
    jinja_environment,
    merge_field_problems,
    paragraph_problems,
    property_code_problems,
    syntax_problem,
    tag_as_typed,
    tag_for,
    tags_with_lines,
    template_parts,
    tracked_change_problems,
    typed_tags,
    unrendered_code_problems,
)
from assembler.lint_placement import placement_problems
from assembler.lint_specs import AGENDA, TemplateSpec, agenda_spec, document_spec
from assembler.lint_walker import Walker, context_shape, loops_seen_from, template_loops
from assembler.model import DOCUMENT_KINDS
from assembler.project import Project
from assembler.render import Markdown, template_missing, template_unread
from assembler.template_style import style_warnings

__all__ = [
    "AGENDA",
    "TemplateSpec",
    "agenda_spec",
    "document_spec",
    "lint_template",
    "lint_templates",
]

# A yes/no field a template never uses: what its documents then get wrong, and the sentence to
# show for Ja (the shipped template's). {{ veld }} would print True or False, so the advice
# is a condition; a field not named here gets the same advice in general words.
_YES_NO_ADVICE = {
    "geannuleerd": (
        "een geannuleerde vergadering staat op haar agenda's alsof zij doorgaat",
        "de zin 'Deze vergadering is geannuleerd; zij gaat niet door.'",
    ),
}


def lint_template(
    path: Path, spec: TemplateSpec, label: str, fixed: list[FixedText] | None = None
) -> list[Problem]:
    """Lint one template file against ``spec``; ``label`` names the file in messages.
    ``fixed``: where to put the template's fixed text, read from the parts read here."""
    if not path.is_file():
        return [
            Problem(
                label,
                None,
                "",
                f"sjabloon voor '{spec.name}' {template_missing(path)}",
            )
        ]
    not_read = template_unread(path)
    if not_read is not None:
        return [Problem(label, None, "", not_read)]
    try:
        parts = template_parts(path)
    except NotADocx:
        return [
            Problem(
                label,
                None,
                "",
                "is geen Word-document (.docx) (sla het sjabloon in Word op als .docx)",
            )
        ]
    if fixed is not None:
        fixed += [FixedText(p.where, typed, text) for p in parts for typed, text in fixed_texts(p)]
    problems: list[Problem] = []
    environment = jinja_environment()
    context = context_shape(spec.context, spec.noun)
    used: set[tuple[str, ...]] = set()
    row_names: dict[tuple[str, ...], str] = {}
    seen: set[tuple[str, str]] = set()
    formatted = {key for key, value in spec.context.items() if isinstance(value, Markdown)}
    unread = False  # a part that did not parse: what it uses is unknown
    read: list[Part] = []  # the parts that did (a syntax error is said on its own)
    loops = template_loops(parts, environment)
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError as error:
            # What is wrong in a paragraph as typed (a code without its '%}', two codes in one
            # paragraph) is the cause: Jinja notices later, at another code, and advises
            # what would make it worse.
            for tag, message in paragraph_problems(part.raw, formatted, parsed=False):
                problems.append(Problem(label, None, tag, part.where + message))
            if not paragraph_problems(part.raw, formatted, causes_only=True):
                problems.append(syntax_problem(label, part, error))
            unread = True
            continue
        read.append(part)
        try:
            undeclared = meta.find_undeclared_variables(tree)
        except TemplateSyntaxError:  # an unknown filter: the walker says it, at its tag
            undeclared = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
        walker = Walker(
            context,
            spec.noun,
            undeclared,
            frozenset(environment.globals),
            frozenset(environment.filters),
            frozenset(environment.tests),
            loops=loops_seen_from(part, loops),
        )
        walker.walk(tree, {})
        used |= walker.used
        row_names = walker.row_names | row_names
        tags = tags_with_lines(part.source)
        typed = typed_tags(part)
        for finding in walker.findings:
            tag = finding.name
            if not finding.as_typed:
                tag = tag_as_typed(tag_for(tags, finding.lineno, finding.name), typed)
            message = part.where + finding.message
            if (tag, message) not in seen:
                seen.add((tag, message))
                problems.append(Problem(label, None, tag, message, finding.severity))
    for part in read:
        problems += tracked_change_problems(part, label)
        problems += merge_field_problems(part, label)
        for tag, message in paragraph_problems(part.raw, formatted):
            if (tag, message) not in seen:
                seen.add((tag, message))
                problems.append(Problem(label, None, tag, part.where + message))
    problems += placement_problems(path, parts, read, spec, label)
    problems += property_code_problems(parts, label)
    problems += unrendered_code_problems(path, parts, label)
    if not unread:
        problems += _missing(spec, used, row_names, label)
        problems += confidential_mark_problems(path, parts, spec, label, used)
        problems += doubled_mark_problems(parts, spec, label)
    return problems


def _missing(
    spec: TemplateSpec,
    used: set[tuple[str, ...]],
    row_names: dict[tuple[str, ...], str],
    label: str,
) -> list[Problem]:
    """Warnings for required fields the template never uses; an error for the document's
    Markdown text."""
    problems = []
    for path in spec.required:
        if path in used:
            continue
        severity: Severity = "waarschuwing"
        if len(path) == 1 and isinstance(spec.context.get(path[0]), Markdown):
            # The document's own text (a voorstel's toelichting, a memo's tekst): without it
            # every document of the kind comes out as an empty form, which is no choice of
            # layout but a line deleted by mistake. The build keeps the previous outputs.
            severity = "fout"
            message = (
                f"'{path[0]}', de tekst van het stuk, staat nergens in het sjabloon en zou uit "
                f"elk document wegvallen (zet {{{{p {path[0]} }}}} op een eigen regel)"
            )
        elif len(path) == 1 and isinstance(spec.context.get(path[0]), bool):
            lost, shown = _YES_NO_ADVICE.get(
                path[0],
                (f"de documenten zeggen nooit dat '{path[0]}' Ja is", "de tekst voor Ja"),
            )
            message = (
                f"het ja/nee-veld '{path[0]}' staat nergens in het sjabloon, dus {lost} (zet "
                f"{{%p if {path[0]} %}}, {shown} en {{%p endif %}} elk op een eigen regel; "
                f"{{{{ {path[0]} }}}} zou True of False in het document zetten)"
            )
        elif len(path) == 1:
            message = (
                f"het verplichte veld '{path[0]}' staat nergens in het sjabloon "
                f"(voeg {{{{ {path[0]} }}}} toe)"
            )
        elif path[:-1] in used:
            rows = ".".join(path[:-1])
            row = row_names.get(path[:-1], "rij")
            message = (
                f"'{path[-1]}' van de rijen in '{rows}' staat nergens in het sjabloon "
                f"(voeg {{{{ {row}.{path[-1]} }}}} toe binnen {{% for {row} in {path[-2]} %}})"
            )
        else:
            continue  # the list itself is missing (or optional): said once, above
        problems.append(Problem(label, None, ".".join(path), message, severity))
    return problems


def lint_templates(
    project: Project,
    names: Collection[str] | None = None,
    fixed: dict[str, list[FixedText]] | None = None,
) -> list[Problem]:
    """Lint every document kind's template and the agenda's (or those ``names``); errors and
    warnings, sorted. ``fixed``: where to put each template's fixed text, by the template as
    displayed (what checks.templates_naming_confidential compares): read with the rest."""
    problems: list[Problem] = []
    specs = [document_spec(kind) for kind in DOCUMENT_KINDS]
    specs.append(agenda_spec())
    for spec in specs:
        if names is not None and spec.name not in names:
            continue
        path = project.template_for(spec.name)
        texts = None if fixed is None else fixed.setdefault(project.display(path), [])
        problems += lint_template(path, spec, project.display(path), texts)
        if path.is_file():
            problems += style_warnings(path, project.display(path))
        if spec.name == AGENDA and path.is_file():
            problems += _decisions_counted_on(path, project.display(path))
    return sort_problems(problems)


def _decisions_counted_on(path: Path, label: str) -> list[Problem]:
    """A warning when the agenda shows each item's decisions, but not as the numbered
    ``{{ besluit }}`` whose list the build restarts per item: they would count on, 4., 5., …"""
    import docx

    from assembler.agenda import DECISION
    from assembler.markdown import numbering_showing

    try:
        document = docx.Document(str(path))
    except Exception:  # a template that does not open: lint_template has said so
        return []
    text = "".join(document.element.body.itertext())
    if ".voorstellen" not in text or numbering_showing(document, DECISION):
        return []
    if _numbers_decisions_itself(path, DECISION):
        return []  # {{ loop.index }}. {{ besluit }}: counts from 1 in each item's loop
    return [
        Problem(
            label,
            None,
            "",
            "de voorgestelde besluiten tellen niet per agendapunt vanaf 1 (toon elk besluit als "
            f"{{{{ {DECISION} }}}} in een genummerde alinea: {{%p for {DECISION} in "
            "punt.voorstellen %}, zoals in het agendasjabloon in de map templates/ die bij "
            "assembler hoort)",
            "waarschuwing",
        )
    ]


def _numbers_decisions_itself(path: Path, decision: str) -> bool:
    """Whether the agenda's loop over an item's decisions prints {{ loop.index }} itself (1., 2.,
    … per item, without Word's numbering)."""
    try:
        parts = template_parts(path)
    except NotADocx:
        return False
    environment = jinja_environment()
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError:
            continue
        for loop in tree.find_all(nodes.For):
            over = [loop.iter, *loop.iter.find_all(nodes.Getattr)]
            gives = isinstance(loop.target, nodes.Name) and loop.target.name == decision
            lists = any(isinstance(n, nodes.Getattr) and n.attr == "voorstellen" for n in over)
            if gives and lists and any(_prints_loop_index(child) for child in loop.body):
                return True
    return False


def _prints_loop_index(node: nodes.Node) -> bool:
    """Whether ``node`` prints loop.index of the loop it stands in (not of a loop inside it)."""
    if isinstance(node, nodes.For):
        return False
    if isinstance(node, nodes.Output):
        return any(
            isinstance(attr.node, nodes.Name) and attr.node.name == "loop" and attr.attr == "index"
            for attr in node.find_all(nodes.Getattr)
        )
    return any(_prints_loop_index(child) for child in node.iter_child_nodes())

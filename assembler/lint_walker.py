"""The template check's walk through a template's Jinja syntax tree.

A template's values are turned into shapes (:func:`context_shape`: a block of named values,
a list and the shape of its rows, a value printed as it is), and :class:`Walker` follows
every name a tag uses through them, with the names a {% for %} or {% set %} binds. It
records what does not fit: a field or attribute the values lack (with a suggestion), one the
sandbox refuses (``__class__``), a filter or test that does not exist, ``{% include %}`` and
friends, a field only some rows have (a warning), a test for none (a warning), a loop's
name outside its loop, a code {% raw %} leaves in the document, a half-typed code, and a
field in single braces (a warning); and which fields the template uses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from jinja2 import TemplateSyntaxError, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from assembler.errors import Severity
from assembler.lint_parts import (
    LEFTOVER,
    Part,
    opening_tag,
    plain_text,
    tag_as_typed,
    tags_with_lines,
    typed_tags,
)

__all__ = ["Walker", "context_shape", "loops_seen_from", "template_loops"]

_LOOP_ATTRIBUTES = frozenset(name for name in dir(LoopContext) if not name.startswith("_"))
# Filters that hand back the rows they got (or one of them) instead of a new value.
_ROW_FILTERS = frozenset({"sort", "reverse", "list", "unique", "selectattr", "rejectattr"})
_ONE_ROW_FILTERS = frozenset({"first", "last", "random"})


# --------------------------------------------------------------------------- shapes


@dataclass
class _Leaf:
    """A value printed as it is (text, number, Markdown, picture)."""

    sample: Any = None


@dataclass
class _Record:
    """A block of named values: the context, ``organisatie``, a row."""

    fields: dict[str, _Shape]
    partial: frozenset[str]  # keys only some rows have
    path: tuple[str, ...]
    label: str  # how a message names it


@dataclass
class _Rows:
    """A list; ``row`` is the shape of its items."""

    row: _Shape
    path: tuple[str, ...]


@dataclass
class _Loop:
    """Jinja's ``loop`` inside a for."""


@dataclass
class _Unknown:
    """A value the lint cannot follow (a filter's result, a macro argument)."""

    broken: bool = False  # already reported: stay silent about what follows


_Shape = Union[_Leaf, _Record, _Rows, _Loop, _Unknown]  # noqa: UP007 (used at runtime)


def _shape(value: Any, path: tuple[str, ...], label: str) -> _Shape:
    if isinstance(value, Mapping):
        return _Record(
            {
                str(key): _shape(item, (*path, str(key)), f"'{'.'.join((*path, str(key)))}'")
                for key, item in value.items()
            },
            frozenset(),
            path,
            label,
        )
    if isinstance(value, list | tuple):
        row_label = f"een rij van '{'.'.join(path)}'"
        rows = [_shape(item, path, row_label) for item in value]
        return _Rows(_merge(rows, path, row_label), path)
    return _Leaf(value)


def context_shape(values: Mapping[str, Any], noun: str) -> _Record:
    """The shape of a template's values, which ``noun`` names in messages."""
    context = _shape(values, (), noun)
    assert isinstance(context, _Record)
    return context


def _merge(shapes: Sequence[_Shape], path: tuple[str, ...], label: str) -> _Shape:
    """One shape for the rows of a list; keys that not every row has are partial."""
    records = [shape for shape in shapes if isinstance(shape, _Record)]
    if not shapes:
        return _Unknown()
    if len(records) != len(shapes):
        return shapes[0] if all(isinstance(s, _Leaf) for s in shapes) else _Unknown()
    keys: dict[str, list[_Shape]] = {}
    for record in records:
        for key, shape in record.fields.items():
            keys.setdefault(key, []).append(shape)
    everywhere = set.intersection(*(set(record.fields) for record in records))
    partial = frozenset(keys) - everywhere
    fields: dict[str, _Shape] = {}
    for key, found in keys.items():
        if all(isinstance(shape, _Rows) for shape in found):
            inner = [shape.row for shape in found if isinstance(shape, _Rows)]
            sub = (*path, key)
            row_label = f"een rij van '{'.'.join(sub)}'"
            known = [shape for shape in inner if not isinstance(shape, _Unknown)]
            fields[key] = _Rows(_merge(known, sub, row_label), sub)
        elif all(isinstance(shape, _Record) for shape in found):
            fields[key] = _merge(found, (*path, key), f"'{'.'.join((*path, key))}'")
        else:
            fields[key] = found[0]
    return _Record(fields, partial | _inner_partial(records), path, label)


def _inner_partial(records: Sequence[_Record]) -> frozenset[str]:
    return frozenset().union(*(record.partial for record in records))


# --------------------------------------------------------------------------- walker

# What is left of a code typed wrongly: '{ {', '{ %', a closing '}}' or '%}' without its opening.
_HALF_TYPED = re.compile(r"\{\s+[{%]|\}\}|%\}")
# A field in single braces, as other mail-merge tools write one: '{email}', '{ rij.doel }'.
_SINGLE_BRACES = re.compile(r"(?<![{%])\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*\}(?![}%])")


@dataclass
class _Finding:
    lineno: int
    name: str  # what the tag is searched by
    message: str
    severity: Severity = "fout"
    as_typed: bool = False  # ``name`` is the text to show as the place, not a tag's word


def _none_test(node: nodes.Node) -> str | None:
    """'nooit' for a test that a value is none ('is none', '== None'), 'altijd' for one that
    it is not ('is not none', '!= None'); None for any other expression."""
    if isinstance(node, nodes.Not) and isinstance(node.node, nodes.Test):
        return "altijd" if node.node.name == "none" else None
    if isinstance(node, nodes.Test) and node.name == "none":
        return "nooit"
    if isinstance(node, nodes.Compare) and any(
        isinstance(side, nodes.Const) and side.value is None
        for side in (node.expr, *(operand.expr for operand in node.ops))
    ):
        return "altijd" if node.ops[0].op == "ne" else "nooit"
    return None


@dataclass
class Walker:
    """Follows names through a template's syntax tree and records what does not fit."""

    context: _Record
    noun: str
    undeclared: set[str]
    globals: frozenset[str]
    filters: frozenset[str]
    tests: frozenset[str]
    findings: list[_Finding] = field(default_factory=list)
    used: set[tuple[str, ...]] = field(default_factory=set)
    guards: set[str] = field(default_factory=set)  # expressions tested with "is defined"
    # The name each list's rows get in the template's own for loop, for hints in its words.
    row_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Each loop's own name ('bijlage', 'loop') and the loop that gives it, for a code that
    # uses it outside that loop (see loops_seen_from).
    loops: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    # statements --------------------------------------------------------------

    def walk(self, node: nodes.Node, scope: dict[str, _Shape]) -> None:
        if isinstance(node, nodes.TemplateData):
            self._leftover(node, scope)
        elif isinstance(node, nodes.Expr):
            self.visit(node, scope)
        elif isinstance(node, nodes.If):
            self._if(node, scope)
        elif isinstance(node, nodes.For):
            self._for(node, scope)
        elif isinstance(node, nodes.Assign):
            shape = self.visit(node.node, scope)
            self._bind(node.target, shape, scope)
        elif isinstance(node, nodes.AssignBlock):
            self._body(node.body, scope)
            self._bind(node.target, _Unknown(), scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.visit(value, scope), inner)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for default in node.defaults:
                self.visit(default, scope)
            for arg in node.args:
                inner[arg.name] = _Unknown()
            for name in ("caller", "varargs", "kwargs"):
                inner[name] = _Unknown()
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            else:
                scope[node.name] = _Unknown()
            self._body(node.body, inner)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self.findings.append(
                _Finding(
                    node.lineno,
                    type(node).__name__.lower(),
                    "een sjabloon kan geen andere sjablonen laden "
                    "(zet de tekst in dit sjabloon zelf)",
                )
            )
        else:
            for child in node.iter_child_nodes():
                self.walk(child, scope)

    def _if(self, node: nodes.If, scope: dict[str, _Shape]) -> None:
        self.visit(node.test, scope)
        # {% if x is defined %}: inside, x may be used even where it is missing.
        added = _defined_in(node.test) - self.guards
        self.guards |= added
        self._body(node.body, scope)
        self.guards -= added
        for branch in node.elif_:
            self._if(branch, scope)
        self._body(node.else_, scope)

    def _body(self, body: Sequence[nodes.Node], scope: dict[str, _Shape]) -> None:
        for child in body:
            self.walk(child, scope)

    def _for(self, node: nodes.For, scope: dict[str, _Shape]) -> None:
        rows = self.visit(node.iter, scope)
        inner = dict(scope)
        row: _Shape = rows.row if isinstance(rows, _Rows) else _Unknown()
        self._bind(node.target, row, inner)
        if isinstance(rows, _Rows) and isinstance(node.target, nodes.Name):
            self.row_names.setdefault(rows.path, node.target.name)
        inner["loop"] = _Loop()
        if node.test is not None:
            self.visit(node.test, inner)
        self._body(node.body, inner)
        self._body(node.else_, scope)

    def _bind(self, target: nodes.Node, shape: _Shape, scope: dict[str, _Shape]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, _Unknown(), scope)

    def _leftover(self, node: nodes.TemplateData, scope: Mapping[str, _Shape]) -> None:
        # Text Jinja passes through untouched ({% raw %}): the renderer rejects any
        # tag still in the output, so say so now.
        match = LEFTOVER.search(node.data)
        if match:
            snippet = plain_text(node.data[match.start() : match.start() + 200])[:60]
            self.findings.append(
                _Finding(
                    node.lineno,
                    snippet,
                    f"'{snippet}' wordt niet ingevuld en blijft als code in het document "
                    "staan (haal {% raw %} weg)",
                )
            )
            return
        if "}" not in node.data and "{" not in node.data:
            return
        shown = plain_text(node.data)
        stray = _HALF_TYPED.search(shown)
        if stray:
            # '{ { eenheid }}', '{ eenheid }}': not a code for Jinja, printed as typed.
            start = shown.rfind(" ", 0, max(stray.start() - 12, 0)) + 1
            snippet = shown[start : stray.end() + 12].strip()[:60]
            self.findings.append(
                _Finding(
                    node.lineno,
                    snippet,
                    f"'{snippet}' is een half getypte code en komt zo in het document (schrijf "
                    "{{ veld }} met twee accolades aan elke kant, zonder spatie ertussen)",
                    as_typed=True,
                )
            )
            return
        for single in _SINGLE_BRACES.finditer(shown):
            # '{email}', as other mail-merge tools write a field: only a name the template
            # knows, so that ordinary text in braces is left alone.
            if single.group(1).split(".")[0] in {*self.context.fields, *scope}:
                self.findings.append(
                    _Finding(
                        node.lineno,
                        single.group(),
                        f"'{single.group()}' staat tussen enkele accolades, wordt niet ingevuld "
                        f"en komt zo in het document (schrijf {{{{ {single.group(1)} }}}})",
                        "waarschuwing",
                        as_typed=True,
                    )
                )

    # expressions -------------------------------------------------------------

    def visit(self, node: nodes.Node, scope: dict[str, _Shape], guarded: bool = False) -> _Shape:
        guarded = guarded or _key(node) in self.guards
        if isinstance(node, nodes.Name):
            return self._name(node, scope, guarded)
        if isinstance(node, nodes.Getattr):
            return self._attribute(node, node.node, node.attr, scope, guarded)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._attribute(node, node.node, node.arg.value, scope, guarded)
            base = self.visit(node.node, scope)
            self.visit(node.arg, scope)
            return base.row if isinstance(base, _Rows) else _Unknown()
        if isinstance(node, nodes.Const):
            return _Leaf(node.value)
        if isinstance(node, nodes.And):
            # "x is defined and x == 1": the right side only runs when the left holds.
            self.visit(node.left, scope)
            added = _defined_in(node.left) - self.guards
            self.guards |= added
            self.visit(node.right, scope)
            self.guards -= added
            return _Unknown()
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            self.visit(node.node, scope, guarded=True)
            return _Leaf(True)
        holds = _none_test(node)
        if holds is not None:
            # A value left out is empty text to a template (render._resolve), never none.
            self.findings.append(
                _Finding(
                    node.lineno,
                    "None" if isinstance(node, nodes.Compare) else "none",
                    "een weggelaten waarde is lege tekst, nooit none: deze test houdt dus "
                    f"{holds} (schrijf {{% if veld %}} of {{% if not veld %}})",
                    "waarschuwing",
                )
            )
            if isinstance(node, nodes.Not) and isinstance(node.node, nodes.Test):
                self.visit(node.node.node, scope)  # the test itself said here, not again
                return _Unknown()
        if isinstance(node, nodes.Test) and node.name not in self.tests:
            self.findings.append(
                _Finding(
                    node.lineno,
                    node.name,
                    f"'is {node.name}' bestaat niet"
                    + _hint(
                        node.name,
                        dict.fromkeys(t for t in self.tests if len(t) > 3),  # not 'le', 'ne
                        "gebruik bijvoorbeeld 'is defined', of vergelijk met ==",
                    ),
                )
            )
        if isinstance(node, nodes.Filter) and node.name not in self.filters:
            self.findings.append(
                _Finding(
                    node.lineno,
                    node.name,
                    f"de bewerking '|{node.name}' bestaat niet"
                    + _hint(
                        node.name,
                        dict.fromkeys(self.filters),
                        "gebruik bijvoorbeeld |upper, |lower of |default",
                    ),
                )
            )
        if isinstance(node, nodes.Filter) and node.node is not None:
            return self._filter(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return _Unknown()

    def _filter(self, node: nodes.Filter, scope: dict[str, _Shape]) -> _Shape:
        assert node.node is not None
        base = self.visit(node.node, scope, guarded=node.name in ("default", "d"))
        for child in (*node.args, *(kw.value for kw in node.kwargs)):
            self.visit(child, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.visit(extra, scope)
        if node.name in _ROW_FILTERS and isinstance(base, _Rows):
            return base
        if node.name in _ONE_ROW_FILTERS and isinstance(base, _Rows):
            return base.row
        if node.name in ("default", "d"):
            return base
        return _Unknown()

    def _name(self, node: nodes.Name, scope: dict[str, _Shape], guarded: bool) -> _Shape:
        name = node.name
        if name in scope:
            return scope[name]
        if name in self.context.fields:
            self.used.add((name,))
            return self.context.fields[name]
        if name in self.globals or name not in self.undeclared or guarded:
            return _Unknown()
        if name in self.loops:
            # 'bijlage' or 'loop' outside its loop: "did you mean 'bijlagen'" misleads.
            self.findings.append(_Finding(node.lineno, name, _outside_its_loop(name, self.loops)))
            return _Unknown(broken=True)
        self.findings.append(
            _Finding(
                node.lineno,
                name,
                f"'{name}' bestaat niet in {self.noun}"
                + _hint(name, self.context.fields, f"{{{{ {name} }}}}"),
            )
        )
        return _Unknown(broken=True)

    def _attribute(
        self,
        node: nodes.Node,
        base_node: nodes.Node,
        attr: str,
        scope: dict[str, _Shape],
        guarded: bool,
    ) -> _Shape:
        base = self.visit(base_node, scope)
        if isinstance(base, _Unknown) and base.broken:
            return base
        if attr.startswith("_"):
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' is geen veld en is in een sjabloon niet toegestaan "
                    "(gebruik alleen velden, if en for)",
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Record):
            if attr in base.fields:
                self.used.add((*base.path, attr))
                if attr in base.partial and not guarded:
                    self.findings.append(
                        _Finding(
                            node.lineno,
                            attr,
                            f"'{attr}' bestaat niet in elke {_row_noun(base.label)}; "
                            "waar het ontbreekt stopt het maken van het document "
                            f"(schrijf {{% if ... .{attr} is defined %}} eromheen)",
                            "waarschuwing",
                        )
                    )
                return base.fields[attr]
            if guarded:
                return _Unknown()
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' bestaat niet in {base.label}"
                    + _hint(attr, base.fields, f"{{{{ {_describe(node)[1:-1]} }}}}"),
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Loop):
            if attr in _LOOP_ATTRIBUTES or guarded:
                return _Unknown()
            message = f"'loop.{attr}' bestaat niet" + _hint(
                attr, dict.fromkeys(_LOOP_ATTRIBUTES), "gebruik bijvoorbeeld loop.index"
            )
            self.findings.append(_Finding(node.lineno, attr, message))
            return _Unknown(broken=True)
        if isinstance(base, _Rows):
            what = f"de lijst '{'.'.join(base.path)}'"
            row = self.row_names.get(base.path, "rij")
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"{what} heeft geen veld '{attr}' "
                    f"(gebruik {{% for {row} in {base.path[-1]} %}} ... {{{{ {row}.{attr} }}}})",
                )
            )
            return _Unknown(broken=True)
        if isinstance(base, _Leaf):
            # Text methods ({{ onderwerp.upper() }}) are fine; fields of a value are not.
            if isinstance(base.sample, str | int) and hasattr(base.sample, attr):
                return _Unknown()
            if guarded:
                return _Unknown()
            self.findings.append(
                _Finding(
                    node.lineno,
                    attr,
                    f"'{attr}' bestaat niet: {_describe(base_node)} is een enkele waarde, "
                    "geen blok met velden (haal '." + attr + "' weg)",
                )
            )
            return _Unknown(broken=True)
        return _Unknown()


def _key(node: nodes.Node) -> str | None:
    """``punt.soort`` for a chain of names and attributes, else None."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _key(node.node)
        return f"{base}.{node.attr}" if base else None
    return None


def _defined_in(test: nodes.Node) -> set[str]:
    """The expressions an if's test proves defined: ``x is defined [and y is defined]``."""
    if isinstance(test, nodes.Test) and test.name == "defined":
        key = _key(test.node)
        return {key} if key else set()
    if isinstance(test, nodes.And):
        return _defined_in(test.left) | _defined_in(test.right)
    return set()


def _row_noun(label: str) -> str:
    return label.replace("een rij van", "rij van") if label.startswith("een rij") else label


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return f"'{node.name}'"
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)[:-1]}.{node.attr}'"
    return "dit"


def _hint(name: str, known: Mapping[str, Any], otherwise: str) -> str:
    close = difflib.get_close_matches(name, [str(key) for key in known], n=1, cutoff=0.6)
    if close:
        return f" (bedoelt u '{close[0]}'?)"
    if "{{" in otherwise:
        names = ", ".join(sorted(str(key) for key in known))
        return f" (haal {otherwise} weg of kies een bestaand veld: {names})"
    return f" ({otherwise})"


# --------------------------------------------------------------------------- loops


def template_loops(
    parts: Sequence[Part], environment: SandboxedEnvironment
) -> list[tuple[Part, str, str]]:
    """(part, name, the for as typed) for each name a for loop of the template gives."""
    found = []
    for part in parts:
        try:
            tree = environment.parse(part.source)
        except TemplateSyntaxError:
            continue  # said on its own
        tags = tags_with_lines(part.source)
        typed = typed_tags(part)
        for loop in tree.find_all(nodes.For):
            tag = tag_as_typed(opening_tag(tags, loop.lineno, "for"), typed)
            targets = loop.target.find_all(nodes.Name)
            for name in (loop.target, *targets):
                if isinstance(name, nodes.Name):
                    found.append((part, name.name, tag))
    return found


def loops_seen_from(
    part: Part, loops: Sequence[tuple[Part, str, str]]
) -> dict[str, tuple[str, str]]:
    """Each loop's name (and 'loop') as a code in ``part`` outside it finds it: (the for as
    typed, where it stands when in another part), the part's own loops first."""
    seen: dict[str, tuple[str, str]] = {}
    ordered = sorted(loops, key=lambda loop: loop[0] is not part)  # stable: in template order
    for owner, name, tag in ordered:
        elsewhere = ""
        if owner is not part:
            elsewhere = f" {owner.where.removesuffix(': ') or 'in de hoofdtekst'}"
        seen.setdefault(name, (tag, elsewhere))
        seen.setdefault("loop", (tag, elsewhere))
    seen.setdefault("loop", ("", ""))
    return seen


def _outside_its_loop(name: str, loops: Mapping[str, tuple[str, str]]) -> str:
    """What a code that uses a loop's name outside it is told: which loop, and where to go."""
    tag, elsewhere = loops[name]
    kind = re.match(r"\{%-?\s*(p|tr|tc|r)?\s*for\b", tag)
    letter = kind.group(1) if kind and kind.group(1) else ""
    ending = f"{{%{letter} endfor %}}" if letter else "{% endfor %}"
    between = f"tussen {tag} en {ending}"
    if letter == "tr":
        between = f"in een tabelrij tussen de rij met {tag} en die met {ending}"
    if name == "loop":
        if not tag:
            return (
                "'loop' bestaat alleen binnen een {% for %}-lus, en deze code staat buiten elke "
                "lus (zet de code tussen {%p for … %} en {%p endfor %}, of haal hem weg)"
            )
        return (
            "'loop' bestaat alleen binnen een {% for %}-lus, en deze code staat buiten elke lus "
            f"(zet de code in de lus waar hij bij hoort, zoals {between}{elsewhere}, of haal hem "
            "weg)"
        )
    return (
        f"'{name}' bestaat alleen binnen {tag}{elsewhere}, en deze code staat buiten die lus "
        f"(zet de code {between})"
    )

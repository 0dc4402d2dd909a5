"""docs/templates.md, the guide for template makers, names every field a template may use.

The fields come from the same specs as the template check (lint.document_spec, agenda_spec),
which come from the models and build_context: a field added, renamed or removed there fails
here until the guide says it. The guide's field tables stand between
``<!-- velden: KIND ... -->`` and ``<!-- /velden -->``; their first column names each field
as ``veld``, ``rij[].veld`` (a field of each row of a list) or ``groep.veld``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from assembler.lint import AGENDA, TemplateSpec, agenda_spec, document_spec
from assembler.model import DOCUMENT_KINDS
from assembler.render import _environment

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "templates.md"
_BLOCK = re.compile(r"<!-- velden: ([\w ]+) -->\n(.*?)<!-- /velden -->", re.DOTALL)
_FIRST_CELL = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def _paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every field of a template's values, as the guide names it."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{prefix}{key}"
            yield path
            yield from _paths(item, f"{path}.")
    elif isinstance(value, list) and any(isinstance(row, Mapping) for row in value):
        rows = prefix.removesuffix(".") + "[]."
        for row in value:  # every row: the agenda's items differ in which lists are filled
            yield from (path for path in _paths(row, rows))


def _spec_fields(spec: TemplateSpec) -> set[str]:
    return set(_paths(spec.context))


def _guide_fields() -> dict[str, set[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for kinds, table in _BLOCK.findall(text):
        for kind in kinds.split():
            documented.setdefault(kind, set()).update(_FIRST_CELL.findall(table))
    return documented


SPECS = {**{kind: document_spec for kind in DOCUMENT_KINDS}, AGENDA: None}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_template_guide_names_every_field_and_no_other(name: str) -> None:
    spec = agenda_spec() if name == AGENDA else document_spec(name)
    fields = _spec_fields(spec)
    documented = _guide_fields().get(name, set())
    assert sorted(fields - documented) == [], f"docs/templates.md does not name these ({name})"
    assert sorted(documented - fields) == [], f"docs/templates.md names unknown fields ({name})"


def test_the_fields_are_read_as_the_guide_writes_them() -> None:
    """The guide's notation, on the shapes it must cover: rows of rows, groups, plain lists."""
    assert {"behandeling[].datum", "organisatie.logo", "voorstel"} <= _spec_fields(
        document_spec("voorstel")
    )
    assert {"punten[].bijlagen[].omschrijving", "punten[].voorstellen"} <= _spec_fields(
        agenda_spec()
    )


def test_every_filter_the_guide_shows_exists() -> None:
    """A filter the guide shows works in a template; '|date' is named as one that does not."""
    text = GUIDE.read_text(encoding="utf-8").replace("\\|", "|")
    shown = set(re.findall(r"\|(\w+)", re.sub(r"`\|date`", "", text)))
    environment = _environment(autoescape=True)
    assert shown and sorted(shown - set(environment.filters)) == []
    assert "date" not in environment.filters

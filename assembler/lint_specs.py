"""What each kind offers a template: the values it may use, and those it must.

The known names are derived, not listed: a sample model of each kind is built (every field
filled, every list one row long) and run through :func:`build_context` /
:func:`agenda_context`; the result is the :class:`TemplateSpec` that
:func:`assembler.lint.lint_template` checks a template against. The guide for template
makers (docs/templates.md) names the same fields: tests/test_template_guide.py holds the two
equal.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel

from assembler.agenda import agenda_context
from assembler.inputs import AgendaItem, DossierInput, MeetingInput
from assembler.model import DOCUMENT_KINDS, Document, Organisatie, Vergadering, Verspreiden
from assembler.render import build_context, organisation_context
from assembler.source import Source

__all__ = ["AGENDA", "TemplateSpec", "agenda_spec", "document_spec"]

AGENDA = "agenda"
# Keys build_context and agenda_context add to every template's values besides the
# model's own fields: shown where needed, never required.
EXTRA_KEYS = ("niet_openbaar", "organisatie")
# ``sjabloon`` chooses the template; no document shows it.
NOT_SHOWN = frozenset({"sjabloon"})
# What an agenda must show: its own keys (the meeting's fields and the items) and, per
# item, its number and title. The agenda has no model of its own, so this is explicit.
AGENDA_ITEM_REQUIRED = ("nummer", "titel")


_M = typing.TypeVar("_M", bound=BaseModel)


# --------------------------------------------------------------------------- samples


def _sample_value(annotation: Any) -> Any:
    """A value of ``annotation``'s type, for a model built without validation."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _sample_value(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        return _sample_value(options[0]) if options else None
    if origin in (tuple, list):
        return (_sample_value(args[0]),) if args else ()
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _sample_model(annotation)
        if issubclass(annotation, Enum):
            return next(iter(annotation))
        if issubclass(annotation, dt.date):
            return dt.date(2023, 4, 11)
        if issubclass(annotation, bool):
            return False
        if issubclass(annotation, int | float):
            return annotation(1)
    return "tekst"


def _sample_model(model: type[_M]) -> _M:
    """An instance of ``model`` with every field filled and every list one row long."""
    values = {name: _sample_value(info.annotation) for name, info in model.model_fields.items()}
    return model.model_construct(**values)


def _row_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a list field's rows (``tuple[Behandeling, ...]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _row_model(arg)
        if found:
            return found
    return None


def _required(model: type[BaseModel]) -> list[str]:
    return [
        info.alias or name
        for name, info in model.model_fields.items()
        if info.is_required() and (info.alias or name) not in NOT_SHOWN
    ]


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class TemplateSpec:
    """What a template may use: its name, how messages name its data, and its values."""

    name: str
    noun: str  # "het model voorstel", "de agenda"
    context: Mapping[str, Any]
    required: tuple[tuple[str, ...], ...]
    # The agenda's: the public agenda of a meeting whose every dossier is confidential.
    public_context: Mapping[str, Any] | None = None


def document_spec(kind: str) -> TemplateSpec:
    """The spec of a document kind's template, from its model and build_context."""
    model: type[Document] = DOCUMENT_KINDS[kind]
    # No logo: organisation_context would look for the file; the key is there either way.
    context = build_context(_sample_model(model), Organisatie.model_validate({}), Path("."))
    required: list[tuple[str, ...]] = [(alias,) for alias in _required(model)]
    for name, info in model.model_fields.items():
        rows = _row_model(info.annotation)
        alias = info.alias or name
        sample = context.get(alias)
        if rows is None or not isinstance(sample, list) or not sample:
            continue
        # Only what reaches the template counts: bijlagen rows carry no 'bestand'.
        shown = set(sample[0]) if isinstance(sample[0], Mapping) else set()
        required += [(alias, key) for key in _required(rows) if key in shown]
    return TemplateSpec(kind, f"het model {kind}", context, tuple(required))


def agenda_spec() -> TemplateSpec:
    """The spec of the agenda template, from agenda_context on a sample meeting."""
    where = Path(".")
    source = Source(where, "vergadering.yaml", {})
    items = [AgendaItem(1, text="Opening")]
    secret = [AgendaItem(1, text="Opening")]
    for number, model in enumerate(DOCUMENT_KINDS.values(), start=2):
        sample = _sample_model(model)
        dossier = DossierInput(where, source, sample)
        items.append(AgendaItem(number, folder_name=model.kind, dossier=dossier))
        hidden = sample.model_copy(update={"distribution": Verspreiden.NEE})
        secret.append(
            AgendaItem(number, folder_name=model.kind, dossier=DossierInput(where, source, hidden))
        )
    meeting = MeetingInput(where, source, _sample_model(Vergadering), tuple(items))
    organisation = organisation_context(Organisatie.model_validate({}), where)
    context = agenda_context(meeting, organisation, confidential=True)
    required: list[tuple[str, ...]] = [(key,) for key in context if key not in EXTRA_KEYS]
    required += [("punten", key) for key in AGENDA_ITEM_REQUIRED]
    hidden_meeting = MeetingInput(where, source, meeting.meeting, tuple(secret))
    public = agenda_context(hidden_meeting, organisation, confidential=False)
    return TemplateSpec(AGENDA, "de agenda", context, tuple(required), public)

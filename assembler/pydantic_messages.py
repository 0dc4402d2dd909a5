"""Pydantic's validation errors in the clerk's words: a Dutch problem with file, line and
field for each (problems_from_validation), and the messages' parts that other checks share
(a value typed with other capitals, the keys a block allows, where a missing key goes).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from assembler.errors import Problem, sort_problems
from assembler.model import invisible_characters, without_invisible
from assembler.source import FieldPath, Source, field_label
from assembler.text_warnings import text_line


def problems_from_validation(
    error: ValidationError, source: Source, model: type[BaseModel]
) -> list[Problem]:
    """Translate pydantic's errors into Dutch problems with file, line and field."""
    problems: list[Problem] = []
    items = error.errors(include_url=False)
    suggested: set[FieldPath] = set()
    for item in items:
        if item["type"] == "extra_forbidden":
            loc = clean(item["loc"])
            guess = _close_key(loc, model)
            if guess:
                suggested.add((*loc[:-1], guess))
    locations = [clean(item["loc"]) for item in items]
    for item, loc in zip(items, locations, strict=True):
        if item["type"] == "missing" and loc in suggested:
            # "verspreidne: is geen bekend veld (bedoelt u 'verspreiden'?)" already says it.
            continue
        if item["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locations
        ):
            # pydantic counts only the valid items, so a list whose one item is wrong is also
            # "too short"; the item's own message is the one that helps.
            continue
        line = source.line_of(loc)
        within = item.get("ctx", {}).get("regel")
        if isinstance(within, int) and isinstance(item.get("input"), str):
            line = text_line(source, loc, item["input"], within)
        if item["type"] == "missing" and len(loc) == 1:
            line, where = place_of_missing(str(loc[0]), source, model)
            message = _missing_message(loc, model, where)
        else:
            message = _message(item, loc, model)
        # "kenmerk<NBSP>" is shown as the field it was meant to be: the message says the space.
        label = field_label(tuple(_HARD_SPACE.sub("", p) if isinstance(p, str) else p for p in loc))
        problems.append(Problem(source.display, line, label, message))
    return sort_problems(problems)


def place_of_missing(key: str, source: Source, model: type[BaseModel]) -> tuple[int, str]:
    """Where a missing top-level key goes: the line of the key it belongs above, and in words.

    A row or an annex that misses a key is reported at its own first line; the file as a whole
    has no such line (its first key is just whichever came first), so the clerk is sent to the
    key that follows the missing one in the usual order.
    """
    order = list(getattr(model, "key_order", ()) or allowed_keys((), model))
    present = source.data if isinstance(source.data, dict) else {}
    following = order[order.index(key) + 1 :] if key in order else []
    for name in following:
        line = source.lines.get((name,)) if name in present else None
        if line is not None:
            return line, f" boven '{name}:'"
    return len(source.text.splitlines()), " aan het eind van het bestand"


def _message(item: Any, loc: FieldPath, model: type[BaseModel]) -> str:
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind == "missing":
        return _missing_message(loc, model)
    if kind == "extra_forbidden":
        return _unknown_key_message(loc, model)
    if kind == "too_short":
        minimum = context.get("min_length", 1)
        return f"moet minstens {minimum} punt bevatten (schrijf elk punt op een regel met '- ')"
    if kind == "too_long":
        return (
            f"heeft te veel punten: {context.get('actual_length')}, maximaal "
            f"{context.get('max_length')} (verdeel ze of zet ze in een bijlage)"
        )
    if kind in ("tuple_type", "list_type"):
        if item.get("input") is None:  # `voorstel:` with nothing under it
            return "is leeg (schrijf elk punt op een eigen regel met '- ')"
        return "moet een lijst zijn (schrijf elk punt op een eigen regel met '- ')"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = ", ".join(allowed_keys(loc, model)) or "velden"
        return f"moet een blok met velden zijn (schrijf de velden {keys} ingesprongen eronder)"
    if kind == "literal_error":
        typed = str(item.get("input"))
        choices = str(context.get("expected", "")).replace(" or ", ", ")
        if item.get("input") is None or not typed.strip():
            return f"is leeg (kies uit: {choices})"
        unseen = invisible_characters(typed)
        if unseen:
            return f"'{without_invisible(typed)}' {unseen} (haal het weg; kies uit: {choices})"
        meant = same_letters_as(typed, re.findall(r"'([^']*)'", choices))
        if meant is not None and loc:
            return case_only_message(typed, str(loc[-1]), meant, "geen toegestane waarde")
        return f"'{typed}' is geen toegestane waarde (kies uit: {choices})"
    message: str = item["msg"]
    if kind == "te_lang" and len(loc) == 3 and loc[0] == "agenda" and loc[2] == "dossier":
        # The entry names a folder: the line shortened alone would name none.
        return message.replace(
            "(kies een kortere naam voor de map)",
            "(hernoem de dossiermap naar een kortere naam, en schrijf die naam hier)",
        )
    return message


def _field_model(loc: FieldPath, model: type[BaseModel]) -> type[BaseModel] | None:
    """The model class that holds the last part of ``loc``."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or isinstance(part, int):
            continue
        info = _field_by_alias(current, part)
        current = _model_in(info.annotation) if info is not None else None
    return current


def _field_by_alias(model: type[BaseModel], alias: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == alias:
            return info
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def allowed_keys(loc: FieldPath, model: type[BaseModel]) -> list[str]:
    """The keys the mapping at ``loc`` in ``model`` may have, in the order a clerk writes
    them; none when no model holds that place."""
    holder = _model_in_path(loc, model)
    if holder is None:
        return []
    keys = [info.alias or name for name, info in holder.model_fields.items()]
    # In the order a clerk writes them (the model's order is the order of its classes).
    order: tuple[str, ...] = getattr(holder, "key_order", ())
    return sorted(keys, key=lambda key: order.index(key) if key in order else len(order))


def _model_in_path(loc: FieldPath, model: type[BaseModel]) -> type[BaseModel] | None:
    return _field_model((*loc, ""), model)


def _missing_message(loc: FieldPath, model: type[BaseModel], where: str = "") -> str:
    holder = _field_model(loc, model)
    key = str(loc[-1]) if loc else ""
    info = _field_by_alias(holder, key) if holder is not None else None
    examples = getattr(info, "examples", None) if info is not None else None
    if examples and len(examples) > 1:
        # The choices (verspreiden: Ja or Nee): none is suggested over the other.
        choices = " of ".join(f"'{key}: {example}'" for example in examples)
        return f"ontbreekt{where} (schrijf {choices})"
    if examples:
        return f"ontbreekt{where} (schrijf bijvoorbeeld '{key}: {examples[0]}')"
    description = getattr(info, "description", None) if info is not None else None
    if description:
        return f"ontbreekt{where} (vul in: {description[0].lower()}{description[1:]})"
    return f"ontbreekt{where} (schrijf '{key}: ...')"


def clean(loc: tuple[int | str, ...]) -> FieldPath:
    """Drop the union tags (``@punt``) pydantic puts in locations."""
    return tuple(part for part in loc if not str(part).startswith("@"))


# The other word a clerk uses for a key, spelled nothing like it: a memo's 'Afzender' and
# 'Betreft' lines, a document's 'Titel'. Only where it means the same: 'vertrouwelijk: Ja'
# is the opposite of 'verspreiden: Ja', so it is not here.
_SYNONYMS = {
    "afzender": "van",
    "ontvanger": "aan",
    "geadresseerde": "aan",
    "betreft": "onderwerp",
    "titel": "onderwerp",
    "openbaar": "verspreiden",
    "afdeling": "eenheid",
    "e-mailadres": "email",
    "emailadres": "email",
    "mail": "email",
    "tijd": "aanvang",
    "plaats": "locatie",
}


def _close_key(loc: FieldPath, model: type[BaseModel]) -> str | None:
    allowed = allowed_keys(loc[:-1], model)
    key = str(loc[-1]) if loc else ""
    synonym = _SYNONYMS.get(key.strip().lower())
    if synonym in allowed:
        return synonym
    close = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
    return close[0] if close else None


# No-break spaces (Word, Outlook): to YAML a letter like any other.
_HARD_SPACE = re.compile("[\u00a0\u2007\u202f]")


def _unknown_key_message(loc: FieldPath, model: type[BaseModel]) -> str:
    guess = _close_key(loc, model)
    unseen = invisible_characters(str(loc[-1])) if loc else None
    if unseen and guess:
        return f"{unseen} in de naam van het veld '{guess}' (haal het weg; typ de regel opnieuw)"
    key = str(loc[-1]) if loc else ""
    hard = _HARD_SPACE.search(key)
    if hard and guess:
        # "kenmerk<NBSP>: ...": to YAML the space is part of the name. Before the ':' a plain
        # space does no harm; elsewhere in the name it does not belong.
        before_colon = _HARD_SPACE.search(key.rstrip("\u00a0\u2007\u202f")) is None
        advice = "typ daar een gewone spatie" if before_colon else "haal hem weg"
        return (
            f"bevat een vaste spatie (U+{ord(hard.group()):04X}) in de naam van het veld "
            f"'{guess}', en YAML leest die niet als spatie ({advice})"
        )
    if guess:
        return f"is geen bekend veld (bedoelt u '{guess}'?)"
    allowed = ", ".join(allowed_keys(loc[:-1], model))
    return f"is geen bekend veld (haal het weg; bekende velden: {allowed})"


def same_letters_as(typed: str, choices: typing.Iterable[str]) -> str | None:
    """The choice that ``typed`` is but for its capitals, or None."""
    return next((c for c in choices if c != typed and c.casefold() == typed.casefold()), None)


def case_only_message(typed: str, key: str, meant: str, what: str) -> str:
    """A value typed with other capitals than the one choice it is meant to be."""
    return (
        f"'{typed}' is {what}, '{meant}' wel: hoofdletters en kleine letters tellen mee "
        f"(schrijf '{key}: {meant}')"
    )

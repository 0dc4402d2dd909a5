"""JSON Schemas of the YAML files, generated from the models, for editors and other tools."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import core_schema

from assembler.fsutil import write_text_atomic
from assembler.model import (
    DOCUMENT_KINDS,
    JA_NEE_SCHEMA,
    Organisatie,
    Record,
    Vergadering,
    Verspreiden,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The Dutch title and description of each choice list, as schema_texts gives them for a model.
ENUM_TEXTS: dict[type[Enum], tuple[str, str]] = {
    Verspreiden: (
        "Verspreiden",
        "Of een stuk verspreid mag worden: Ja (openbaar) of Nee (vertrouwelijk).",
    ),
}
# A blank as YAML reads it: ``veld:`` (null), ``veld: ""`` or a ``|`` with nothing under it.
_BLANK: list[JsonSchemaValue] = [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}]


class _BlankIsLeftOut(GenerateJsonSchema):
    """Pydantic's schemas, with a blank allowed where the model takes it as left out, and
    Dutch texts for every model and choice list.

    ``bijlagen:`` with nothing after it is no annexes to ``check`` (Record._blank_is_left_out);
    an editor using the plain schema said "None is not of type 'array'".
    """

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """The model's schema, its blank-means-left-out keys taking a blank too."""
        json_schema = super().model_schema(schema)
        model = schema["cls"]
        _refuse_docstring(model, json_schema)
        properties = json_schema.get("properties", {})
        if issubclass(model, Record):
            for key in _left_out_when_blank(model):
                properties[key] = _or_blank(properties[key])
        return json_schema

    def generate(
        self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation"
    ) -> JsonSchemaValue:
        """The schema, each choice list with its Dutch title and description."""
        self._enums: dict[str, type[Enum]] = {}
        json_schema = super().generate(schema, mode)
        # Not in enum_schema: pydantic sets the class name and docstring after it returns.
        for name, enum in self._enums.items():
            # In $defs; or the root, for the schema of the choice list itself.
            definition = json_schema.get("$defs", {}).get(name, json_schema)
            if "enum" not in definition and "anyOf" not in definition:
                raise TypeError(f"the schema of {name} is not where pydantic puts it")
            if enum in ENUM_TEXTS:
                definition["title"], definition["description"] = ENUM_TEXTS[enum]
            _refuse_docstring(enum, definition)
        return json_schema

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        """The choice list's schema; its texts are set once the whole schema is made."""
        enum = schema["cls"]
        self._enums[enum.__name__] = enum
        if enum is Verspreiden:
            return dict(JA_NEE_SCHEMA)
        return super().enum_schema(schema)

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        """A text's schema; a free text takes a number too, as assembler reads one as text.

        An editor reads ``kenmerk: 23.0001772`` as a number, as YAML says; ``check`` reads
        every value as it is written, so a schema of "string" alone flagged every example.
        """
        json_schema = super().str_schema(schema)
        if not any(limit in json_schema for limit in _STRING_LIMITS if limit != "minLength"):
            json_schema["type"] = ["string", "number"]
        return json_schema


def _refuse_docstring(cls: type[Any], json_schema: JsonSchemaValue) -> None:
    """Raise when ``cls``'s schema shows clerks its English docstring, or no description."""
    said = json_schema.get("description")
    if said is None or (cls.__doc__ and said == inspect.cleandoc(cls.__doc__)):
        # A developer's mistake, not a clerk's: said in English, on `assembler schema`.
        raise TypeError(
            f"{cls.__name__} has no Dutch schema description: give it model_config = "
            "schema_texts(...) (a choice list: an entry in ENUM_TEXTS)"
        )


def _left_out_when_blank(model: type[Record]) -> list[str]:
    """The keys that the model itself drops when they are left blank (asked, not copied)."""
    keys = [info.alias or name for name, info in model.model_fields.items()]
    # Pydantic's decorator hides that the validator is a class method that can be called.
    left_out = cast("Callable[[dict[str, None]], dict[str, Any]]", model._blank_is_left_out)
    kept = left_out(dict.fromkeys(keys))
    return [key for key in keys if key not in kept]


# What describes a property, kept beside the choice of its types.
_ANNOTATIONS = ("default", "description", "examples", "title")
# What may keep a string choice from taking a blank one (a date's format, a kenmerk's pattern).
_STRING_LIMITS = ("const", "enum", "format", "minLength", "pattern")


def _or_blank(schema: JsonSchemaValue) -> JsonSchemaValue:
    """``schema``, or a blank: null, and white space alone unless any string is taken already."""
    notes = {key: schema[key] for key in _ANNOTATIONS if key in schema}
    shape = {key: value for key, value in schema.items() if key not in _ANNOTATIONS}
    choices = shape["anyOf"] if list(shape) == ["anyOf"] else [shape]
    taken = [blank for blank in _BLANK if any(_takes(choice, blank) for choice in choices)]
    blanks = [blank for blank in _BLANK if blank not in taken]
    return {"anyOf": [*choices, *blanks], **notes} if blanks else schema


def _takes(choice: JsonSchemaValue, blank: JsonSchemaValue) -> bool:
    """Whether ``choice`` takes every value ``blank`` does (a plain string takes "" and " ")."""
    types = choice.get("type")
    if blank["type"] not in (types if isinstance(types, list) else [types]):
        return False
    return blank["type"] == "null" or not any(limit in choice for limit in _STRING_LIMITS)


def _json_schema(model: type[BaseModel], **options: Any) -> dict[str, Any]:
    return model.model_json_schema(by_alias=True, schema_generator=_BlankIsLeftOut, **options)


def dossier_schema() -> dict[str, Any]:
    """One schema for dossier.yaml: the kind named by ``sjabloon`` picks the model."""
    definitions: dict[str, Any] = {}
    for _kind, model in sorted(DOCUMENT_KINDS.items()):
        schema = _json_schema(model, ref_template="#/$defs/{model}")
        definitions.update(schema.pop("$defs", {}))
        definitions[model.__name__] = schema
    default = DOCUMENT_KINDS["voorstel"].__name__
    chain: dict[str, Any] = {"$ref": f"#/$defs/{default}"}
    for kind, model in sorted(DOCUMENT_KINDS.items(), reverse=True):
        if kind == "voorstel":
            continue
        chain = {
            "if": {"properties": {"sjabloon": {"const": kind}}, "required": ["sjabloon"]},
            "then": {"$ref": f"#/$defs/{model.__name__}"},
            "else": chain,
        }
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "Dossier (dossier.yaml)",
        "description": "Een stuk voor een vergadering; 'sjabloon' kiest de soort.",
        **chain,
        "$defs": definitions,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every YAML file kind and every document kind."""
    schemas: dict[str, dict[str, Any]] = {"dossier.schema.json": dossier_schema()}
    for kind, model in DOCUMENT_KINDS.items():
        schemas[f"{kind}.schema.json"] = _json_schema(model)
    schemas["vergadering.schema.json"] = _json_schema(Vergadering)
    schemas["organisatie.schema.json"] = _json_schema(Organisatie)
    for name, schema in schemas.items():
        schema.setdefault("$schema", SCHEMA_DIALECT)
        schema.setdefault("$id", f"https://assembler.invalid/schemas/{name}")
    return schemas


def render_schema(schema: dict[str, Any]) -> str:
    """Serialise a schema the way it is committed (stable, readable)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; return the paths written."""
    written = []
    for name, schema in sorted(all_schemas().items()):
        written.append(write_text_atomic(folder / name, render_schema(schema)))
    return written

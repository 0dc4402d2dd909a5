"""JSON Schemas of the YAML files, generated from the models, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assembler.fsutil import write_text_atomic
from assembler.model import DOCUMENT_KINDS, Organisatie, Vergadering

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def dossier_schema() -> dict[str, Any]:
    """One schema for dossier.yaml: the kind named by ``sjabloon`` picks the model."""
    definitions: dict[str, Any] = {}
    for _kind, model in sorted(DOCUMENT_KINDS.items()):
        schema = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
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
        schemas[f"{kind}.schema.json"] = model.model_json_schema(by_alias=True)
    schemas["vergadering.schema.json"] = Vergadering.model_json_schema(by_alias=True)
    schemas["organisatie.schema.json"] = Organisatie.model_json_schema(by_alias=True)
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

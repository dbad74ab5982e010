"""The Reconciliation Service API 0.2 schemas (``../shared/conformance/``), read in place, and a
validator for them: Draft 7 (the schemas' ``$schema`` names no draft; they use Draft 7's
keywords), with every schema of the folder in one registry by its ``$id`` so that references
between them (``type.json``, the Swagger 2.0 schema behind ``authentication``) resolve offline.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from conftest import SHARED
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

CONFORMANCE = SHARED / "conformance" / "reconciliation-api-0.2"
SCHEMAS = CONFORMANCE / "schemas"
EXAMPLES = CONFORMANCE / "examples"


def read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = read(path)
        resources.append((schema["$id"].rstrip("#"), Resource(schema, specification=DRAFT7)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft7Validator:
    """The validator of ``schemas/<name>.json``."""
    return Draft7Validator(read(SCHEMAS / f"{name}.json"), registry=registry())


def problems(name: str, instance) -> list[str]:
    """What is wrong with ``instance`` under ``schemas/<name>.json`` (empty: it is valid)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(name).iter_errors(instance)]


def assert_valid(name: str, instance) -> None:
    found = problems(name, instance)
    assert not found, f"not a valid {name}: {found[:5]}"


def examples(kind: str) -> list[tuple[str, Path]]:
    """``(schema, example)`` pairs of the examples under ``<schema>/<kind>/`` (valid/invalid)
    for every schema of the folder that has examples."""
    return [(schema.stem, example)
            for schema in sorted(SCHEMAS.glob("*.json"))
            for example in sorted((EXAMPLES / schema.stem / kind).glob("*.json"))]

"""Validate OCDS release packages offline against the shipped 1.1.5 schemas.

The package schema ``$ref``s the release schema by its URL; a ``referencing`` registry
resolves that URL to the copy in ``tests/fixtures/ocds/`` and refuses any other, so a
validation never touches the network.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).parent / "fixtures" / "ocds"
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+")


def _formats() -> FormatChecker:
    """The schema's ``date-time`` (RFC 3339, with an offset) and ``uri`` formats, checked
    without the optional packages jsonschema would otherwise need for them."""
    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.fullmatch(value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00"))  # a real day and time
        return True

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.fullmatch(value))

    return checker


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


def _refuse_network(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)


@cache
def package_validator() -> Draft4Validator:
    """A validator of the 1.1.5 release package schema, its release schema resolved locally."""
    release = _schema("release-schema.json")
    registry: Registry[Any] = Registry(retrieve=_refuse_network).with_resource(
        release["id"], DRAFT4.create_resource(release)
    )
    return Draft4Validator(
        _schema("release-package-schema.json"), registry=registry, format_checker=_formats()
    )


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Every way ``package`` breaks the schema, as "path: message" lines (none: valid)."""
    errors = sorted(package_validator().iter_errors(package), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in error.path)}: {error.message}" for error in errors]

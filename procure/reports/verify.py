"""Verify a printed evaluation record against the database as it is today.

A record's PDF carries its data as an attached JSON file and its verification code in
the document keywords. Verification checks, in order: that the attachment is there and
hashes to the code; that the database still holds the same data (naming every field
that differs); and that the file's bytes are exactly what that data prints (so an edit
to the visible pages is caught too).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput, NotFound
from procure.reports.data import build_record, verification_code
from procure.reports.render import ATTACHMENT_NAME
from procure.workflow.rules import Rules

CODE_PREFIX = "procure-verification-code:"


@dataclass(frozen=True)
class FieldDifference:
    """One field whose value in the file differs from the database's."""

    field: str
    in_file: Any
    in_database: Any


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying one file."""

    file: str
    project: str
    code: str
    ok: bool
    differences: list[FieldDifference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EmbeddedRecord:
    """What a printed record carries: its data and the code printed on its pages."""

    record: dict[str, Any]
    code: str


def read_embedded(pdf: bytes, *, file: str = "file") -> EmbeddedRecord:
    """Read the record data and verification code a procure PDF carries.

    Raises:
        InvalidInput: the bytes are not a PDF, or not an evaluation record printed by procure.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not pdf.startswith(b"%PDF-"):
        raise InvalidInput(f"{file} is not a PDF file")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not ours to print
    try:
        reader = PdfReader(io.BytesIO(pdf))
        attachments = reader.attachments
        metadata = reader.metadata
        keywords = str(metadata.get("/Keywords", "")) if metadata is not None else ""
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InvalidInput(f"{file} is not a readable PDF ({exc})") from exc
    contents = attachments.get(ATTACHMENT_NAME)
    if not contents:
        raise InvalidInput(f"{file} carries no {ATTACHMENT_NAME}: not a record printed by procure")
    try:
        record = json.loads(contents[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file}: its {ATTACHMENT_NAME} is not valid JSON ({exc})") from exc
    if not isinstance(record, dict):
        raise InvalidInput(f"{file}: its {ATTACHMENT_NAME} is not a record")
    code = keywords.removeprefix(CODE_PREFIX) if keywords.startswith(CODE_PREFIX) else ""
    return EmbeddedRecord(record, code)


def verify_pdf(
    session: Session, path: Path, *, rules: Rules | None = None, check_pages: bool = True
) -> Verification:
    """Check a printed record against the database today.

    Args:
        session: an open session; nothing is written.
        path: the PDF file.
        rules: the loaded configuration (the installed one by default).
        check_pages: also re-render the record and compare bytes, to catch edited pages.

    Returns:
        Whether the file matches, and if not the fields that differ and other problems.

    Raises:
        InvalidInput: the file is not a PDF printed by procure.
    """
    data = path.read_bytes()
    embedded = read_embedded(data, file=str(path))
    project = str(embedded.record.get("project", {}).get("code", "?"))
    problems: list[str] = []
    if verification_code(embedded.record) != embedded.code:
        problems.append(
            "the data attached to the file does not hash to the verification code printed "
            "on it: the file was edited after printing"
        )
    try:
        current = build_record(session, project, rules=rules)
    except NotFound as exc:
        problems.append(f"the database has no record for project {project}: {exc}")
        return Verification(str(path), project, embedded.code, False, [], problems)
    differences = diff_records(embedded.record, current)
    if not differences and not problems and check_pages:
        from procure.reports.render import render_pdf

        if render_pdf(current) != data:
            problems.append(
                "the pages differ from what this record prints: the file was edited after "
                "printing (or printed by another version of procure or its fonts)"
            )
    ok = not differences and not problems
    return Verification(str(path), project, embedded.code, ok, differences, problems)


def diff_records(in_file: Any, in_database: Any, path: str = "") -> list[FieldDifference]:
    """List every field (dotted path, list items by index) whose values differ."""
    if isinstance(in_file, dict) and isinstance(in_database, dict):
        differences: list[FieldDifference] = []
        for key in sorted(set(in_file) | set(in_database)):
            where = f"{path}.{key}" if path else str(key)
            differences += diff_records(in_file.get(key), in_database.get(key), where)
        return differences
    if isinstance(in_file, list) and isinstance(in_database, list):
        differences = []
        for i in range(max(len(in_file), len(in_database))):
            left = in_file[i] if i < len(in_file) else None
            right = in_database[i] if i < len(in_database) else None
            differences += diff_records(left, right, f"{path}[{i}]")
        return differences
    if in_file != in_database:
        return [FieldDifference(path, in_file, in_database)]
    return []

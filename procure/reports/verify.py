"""Verify a printed evaluation record against the database as it is today.

A record's PDF carries its data as an attached JSON file (with the audit checkpoint
taken when it was printed beside it) and its verification code in the document
keywords. Verification checks, in order: that the attachment is there and hashes to
the code; that the database still holds the same data (naming every field that
differs); that the checkpoint it carries is validly signed and still held by the audit
chain; and that the file's bytes are exactly what that data and checkpoint print (so an
edit to the visible pages is caught too). A file whose bytes differ but whose content
is the same (another tool re-saved it) is reported as re-saved, not edited.

Each check is one function taking the file's :class:`EmbeddedRecord`; a further check
(the record against the trail) goes in :func:`verify_pdf`'s list the same way.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.checkpoint import Checkpoint, checkpoint_problems, from_mapping
from procure.domain.errors import InvalidInput, NotFound
from procure.reports.data import build_record, verification_code
from procure.reports.render import ATTACHMENT_NAME, CHECKPOINT_KEY
from procure.reports.unreadable import reading_record
from procure.store.audit import verify_chain
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
    notes: list[str] = field(default_factory=list)
    checkpoint: str | None = None
    resaved: bool = False


@dataclass(frozen=True)
class EmbeddedRecord:
    """What a printed record carries: its data, the code printed on its pages and the
    audit checkpoint taken when it was printed (its exported form, or None)."""

    record: dict[str, Any]
    code: str
    checkpoint: dict[str, Any] | None = None


def read_embedded(pdf: bytes, *, file: str = "file") -> EmbeddedRecord:
    """Read the record data and verification code a procure PDF carries.

    Raises:
        InvalidInput: the bytes are not a PDF, or not an evaluation record printed by procure.
    """
    from pypdf import PdfReader

    if not pdf.startswith(b"%PDF-"):
        raise InvalidInput(f"{file} is not a PDF file")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not ours to print
    with reading_record(file):
        reader = PdfReader(io.BytesIO(pdf))
        metadata = reader.metadata
        keywords = str(metadata.get("/Keywords", "")) if metadata is not None else ""
        contents = reader.attachments.get(ATTACHMENT_NAME)
    if not contents:
        raise InvalidInput(f"{file} carries no {ATTACHMENT_NAME}: not a record printed by procure")
    try:
        record = json.loads(contents[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file}: its {ATTACHMENT_NAME} is not valid JSON ({exc})") from exc
    if not isinstance(record, dict):
        raise InvalidInput(f"{file}: its {ATTACHMENT_NAME} is not a record")
    checkpoint = record.pop(CHECKPOINT_KEY, None)
    code = keywords.removeprefix(CODE_PREFIX) if keywords.startswith(CODE_PREFIX) else ""
    return EmbeddedRecord(record, code, checkpoint if isinstance(checkpoint, dict) else None)


def verify_pdf(
    session: Session,
    path: Path,
    *,
    rules: Rules | None = None,
    check_pages: bool = True,
    trusted_key: str | None = None,
    trail_check: Callable[[Session, str], list[str]] | None = None,
) -> Verification:
    """Check a printed record against the database today.

    Args:
        session: an open session; nothing is written.
        path: the PDF file.
        rules: the loaded configuration (the installed one by default).
        check_pages: also re-render the record and compare, to catch edited pages
            (without it only the data is checked).
        trusted_key: the public key the record's checkpoint must be signed with (base64).
        trail_check: returns, for a project code, each way its stored rows differ from what
            its audit trail implies (the services' trail check); a record printed from rows
            edited behind the trail's back then fails even though it matches them.

    Returns:
        Whether the file matches, and if not the fields that differ and other problems.

    Raises:
        InvalidInput: the file is not a PDF printed by procure.
    """
    data = path.read_bytes()
    embedded = read_embedded(data, file=str(path))
    carried = embedded.record.get("project")
    project = str(carried.get("code", "?") if isinstance(carried, dict) else "?")
    problems = _code_problems(embedded)
    try:
        current = build_record(session, project, rules=rules)
    except NotFound as exc:
        problems.append(f"the database has no record for project {project}: {exc}")
        return Verification(str(path), project, embedded.code, False, [], problems)
    differences = diff_records(embedded.record, current)
    held, checkpoint_problems, notes = _checkpoint_check(session, embedded, trusted_key)
    problems += checkpoint_problems
    if trail_check is not None:
        problems += [
            f"the database no longer matches its audit trail: {difference}"
            for difference in trail_check(session, project)
        ]
    resaved = False
    if not differences and not problems and check_pages:
        with reading_record(str(path)):
            resaved, page_problems = page_check(data, current, embedded.checkpoint)
        problems += page_problems
    ok = not differences and not problems
    return Verification(
        str(path),
        project,
        embedded.code,
        ok,
        differences,
        problems,
        notes,
        held.name if held is not None else None,
        resaved,
    )


def _code_problems(embedded: EmbeddedRecord) -> list[str]:
    if verification_code(embedded.record) != embedded.code:
        return [
            "the data attached to the file does not hash to the verification code printed "
            "on it: the file was edited after printing"
        ]
    return []


def _checkpoint_check(
    session: Session, embedded: EmbeddedRecord, trusted_key: str | None
) -> tuple[Checkpoint | None, list[str], list[str]]:
    """The checkpoint the record carries: signed, by the trusted key, still in the chain."""
    if embedded.checkpoint is None:
        return None, [], ["the record carries no audit checkpoint (printed without a key)"]
    try:
        held = from_mapping(embedded.checkpoint, source="the record's checkpoint")
    except InvalidInput as exc:
        return None, [str(exc)], []
    notes = (
        []
        if trusted_key
        else [
            f"its {held.name} is signed with key {held.key_fingerprint} "
            "(give --public-key FILE to require the trusted key)"
        ]
    )
    chain = verify_chain(session, watch={held.seq})
    trusted = {trusted_key} if trusted_key else set()
    problems = checkpoint_problems(held, "carried by the record", trusted, chain.at_rows)
    if not chain.ok and (chain.broken_seq or 0) <= held.seq:
        problems.append(f"audit chain broken at row {chain.broken_seq}: {chain.problem}")
    return held, problems, notes


def page_check(
    data: bytes, current: dict[str, Any], checkpoint: dict[str, Any] | None
) -> tuple[bool, list[str]]:
    """Whether the file is what the record prints: byte for byte, or re-saved by another
    tool with the same content (see :mod:`procure.reports.pdf_content`).

    Raises:
        Exception: whatever pypdf raises on a damaged file; callers read it inside
            :func:`procure.reports.unreadable.reading_record`.
    """
    from procure.reports.pdf_content import NotCleanPdf, content_digest
    from procure.reports.render import render_pdf

    expected = render_pdf(current, checkpoint)
    if expected == data:
        return False, []
    try:
        in_file = content_digest(data)
    except NotCleanPdf as exc:
        return False, [
            f"the file does not parse cleanly ({exc}): a reader that does not repair it "
            "shows nothing, so it is not the record as printed (damaged or edited after printing)"
        ]
    if content_digest(expected) == in_file:
        return True, []
    return False, [
        "the pages differ from what this record prints: the file was edited after "
        "printing (or printed by another version of procure or its fonts)"
    ]


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

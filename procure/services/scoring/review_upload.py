"""A reviewer's sheet as an uploaded .xlsx: the blank template to download, the upload read and
checked before any database lock, and the sheet recorded from it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.language import gettext as _
from procure.services.lifecycle.fire import TransitionResult
from procure.services.scoring.review_forms import proposal_to_score, record_sheet
from procure.services.scoring.sheet_layout import SheetInput
from procure.services.scoring.sheet_xlsx import read_xlsx, write_template
from procure.store.trust_models import User
from procure.workflow.rules import Rules, default_rules

MAX_UPLOAD_BYTES = 2 * 2**20
"""The largest sheet accepted from the browser (a filled-in template is about 8 KB)."""


@dataclass(frozen=True)
class ReadUpload:
    """An uploaded sheet as read before any transaction: the sheet, or why it was refused."""

    name: str
    sheet: SheetInput | None = None
    refusal: InvalidInput | None = None


def read_upload(filename: str, content: bytes, *, rules: Rules | None = None) -> ReadUpload:
    """Read an uploaded .xlsx review sheet, outside any transaction: a file is parsed and
    checked before the database is touched, so no write lock is held while it is read.

    Returns:
        The sheet read, or the refusal (one line naming the file, the row and the problem)
        that :func:`submit_upload` raises once the reviewer's grant is checked.
    """
    rules = rules or default_rules()
    name = Path(filename or "sheet.xlsx").name
    try:
        if not name.lower().endswith(".xlsx"):
            raise InvalidInput(_("%(file)s: upload the .xlsx template, filled in", file=name))
        if len(content) > MAX_UPLOAD_BYTES:
            raise InvalidInput(
                _(
                    "%(file)s: the file is larger than %(size)s MB; a sheet is a few KB",
                    file=name,
                    size=MAX_UPLOAD_BYTES // 2**20,
                )
            )
        with tempfile.TemporaryDirectory(prefix="procure-sheet-") as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(content)
            try:
                return ReadUpload(name, sheet=read_xlsx(path, rules.review))
            except InvalidInput as exc:
                raise InvalidInput(str(exc).replace("upload.xlsx", name, 1)) from exc
    except InvalidInput as refusal:
        return ReadUpload(name, refusal=refusal)


def submit_upload(
    session: Session,
    code: str,
    user: User,
    organization: str,
    upload: ReadUpload,
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record ``user``'s sheet read from an uploaded .xlsx template (see :func:`read_upload`).

    Raises:
        Refused: not a reviewer here, or the proposal may not be scored by them now.
        InvalidInput: one line naming the file, the row and the problem; nothing stored.
    """
    rules = rules or default_rules()
    uscc = proposal_to_score(session, code, user, organization, rules)
    if upload.refusal is not None or upload.sheet is None:
        raise InvalidInput(str(upload.refusal))
    try:
        return record_sheet(session, code, user, uscc, upload.sheet.scores, rules)
    except InvalidInput as error:
        raise upload.sheet.locate(error, upload.name, rules.review) from error


def template_bytes(*, rules: Rules | None = None) -> tuple[str, bytes]:
    """The blank review template (as ``procure scorecard template review`` writes it)."""
    rules = rules or default_rules()
    card = rules.review
    name = f"{card.name}-v{card.version}.xlsx"
    with tempfile.TemporaryDirectory(prefix="procure-template-") as folder:
        path = Path(folder) / name
        write_template(card, path, rules.renewal.veto_items)
        return name, path.read_bytes()

"""The records a correction may point at, kind by kind: find one, read it, check, change it.

Each kind names its record the way people and the audit trail do (``SM-2019-001 payment
#2``), reads its current values in the trail's field names, checks new values by the same
rules that held when the fact was first recorded, and gives the fields the correction sets
(for a score sheet: the re-scored points, inputs and total, not only the answers given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import N_, _
from procure.services.trail.notices import answer_key
from procure.services.trail.replay import sheet_key
from procure.store import queries
from procure.store.models import (
    Assessment,
    Contract,
    Inspection,
    OrganizationComment,
    Payment,
    Project,
    Proposal,
    Recusal,
    Review,
)
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer

COLUMNS = {"start": "start_on", "end": "end_on"}
"""Trail field names that are stored under another column name."""


@dataclass(frozen=True)
class Located:
    """The record a correction points at."""

    table: str  # the trail's name for its table (payment, inspection, contract, …)
    key: str  # the trail's name for the row ("SM-2019-001 payment #2")
    row: Any  # the stored row

    @property
    def record_id(self) -> int:
        """The stored row's id."""
        return int(self.row.id)


def plain(value: Any) -> Any:
    """A value as the correction stores and logs it: money as text, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a score sheet's answers
        return {str(key): plain(item) for key, item in value.items()}
    return value


def current(located: Located, names: list[str]) -> dict[str, Any]:
    """The record's values of ``names`` now (in trail field names, plain)."""
    return {name: plain(getattr(located.row, COLUMNS.get(name, name))) for name in names}


MONEY = frozenset({"amount", "price", "total"})
DATES = frozenset({"paid_on", "inspected_on", "start", "end", "signed_on"})


def apply(located: Located, applied: Mapping[str, Any]) -> None:
    """Set the record's corrected fields to ``applied`` (plain values, as logged)."""
    for name, value in applied.items():
        if name in MONEY and value is not None:
            value = Decimal(str(value))
        elif name in DATES and value is not None:
            value = date.fromisoformat(str(value))
        setattr(located.row, COLUMNS.get(name, name), value)


# -- finding the record -------------------------------------------------------------------


NUMBERED = {
    "payment": N_("payment tranche"),
    "inspection": N_("inspection number"),
    "comment": N_("comment number"),
}
"""The kinds of record named by their place (1, 2, …), by what that number is."""
MISSING_NTH = {
    "payment": N_("Project %(code)s has no payment tranche %(number)s (it has %(count)s)"),
    "inspection": N_("Project %(code)s has no inspection #%(number)s (it has %(count)s)"),
    "comment": N_("Project %(code)s has no comment #%(number)s (it has %(count)s)"),
}
"""The refusal of a place past the last record of a kind."""


def _number(ref: str, kind: str) -> int:
    try:
        number = int(ref.strip().lstrip("#"))
    except ValueError:
        raise InvalidInput(
            _(
                "Give the %(what)s as a number (1, 2, …), not %(ref)r",
                what=_(NUMBERED[kind]),
                ref=ref,
            )
        ) from None
    if number < 1:
        raise InvalidInput(
            _("The %(what)s starts at 1, not %(number)s", what=_(NUMBERED[kind]), number=number)
        )
    return number


def _nth(rows: list[Any], number: int, kind: str, code: str) -> Any:
    if number > len(rows):
        raise NotFound(_(MISSING_NTH[kind], code=code, number=number, count=len(rows)))
    return rows[number - 1]


def _split(ref: str) -> tuple[str, str]:
    uscc, _slash, person = ref.partition("/")
    if not uscc.strip():
        raise InvalidInput(
            _(
                "Name the record as USCC/LOGIN (the organization's code, then the reviewer's "
                "login), not %(ref)r",
                ref=ref,
            )
        )
    return uscc.strip().upper(), person.strip()


def _proposal(session: Session, project: Project, uscc: str) -> Any:
    proposal = queries.proposal_of(session, project, uscc)
    if proposal is None:
        raise NotFound(
            _("Project %(code)s has no proposal of %(uscc)s", code=project.code, uscc=uscc)
        )
    return proposal


def locate(session: Session, project: Project, kind: str, ref: str, login: str) -> Located:
    """Find the record of ``kind`` named ``ref`` on ``project`` (``login``: who corrects).

    Raises:
        InvalidInput: a malformed reference.
        NotFound: no such record.
    """
    code = project.code
    if kind == "contract":
        contract = queries.contract_of(session, project)
        if contract is None:
            raise NotFound(_("Project %(code)s has no contract", code=code))
        return Located("contract", code, contract)
    if kind == "payment":
        contract = queries.contract_of(session, project)
        payments = [] if contract is None else queries.payments_of(session, contract)
        number = _number(ref, "payment")
        row = _nth(payments, number, "payment", code)
        return Located("payment", f"{code} payment #{row.tranche}", row)
    if kind in ("inspection", "rectification"):
        number = _number(ref, "inspection")
        row = _nth(queries.inspections_of(session, project), number, "inspection", code)
        return Located("inspection", f"{code} inspection #{number}", row)
    if kind == "comment":
        number = _number(ref, "comment")
        row = _nth(queries.comments_of(session, project), number, "comment", code)
        return Located("comment", f"{code} comment #{number}", row)
    if kind == "proposal":
        uscc = ref.strip().upper()
        return Located("proposal", f"{code} proposal of {uscc}", _proposal(session, project, uscc))
    if kind in ("review", "recusal"):
        return _sheet_of_reviewer(session, project, kind, ref, login)
    if kind == "assessment":
        return _assessment(session, project, ref.strip() or login)
    if kind == "objection_answer":
        return _answer(session, project, ref.strip().upper())
    raise InvalidInput(_("Unknown kind of record %(kind)r", kind=kind))


OWN_SHEETS = {"review": "reviewer", "assessment": "assessor"}
"""Kinds whose record is a person's own sheet: only that person corrects it."""


def check_own_sheet(kind: str, located: Located, login: str, action: str) -> None:
    """Refuse a reviewer's or assessor's correction of another person's sheet."""
    owner_field = OWN_SHEETS.get(kind)
    if owner_field is not None and getattr(located.row, owner_field) != login:
        raise Refused(
            _(
                "%(action)s refused: %(login)s may correct only their own sheet, not the sheet "
                "of %(owner)s",
                action=action,
                login=login,
                owner=getattr(located.row, owner_field),
            )
        )


def _sheet_of_reviewer(
    session: Session, project: Project, kind: str, ref: str, login: str
) -> Located:
    uscc, reviewer = _split(ref)
    proposal = _proposal(session, project, uscc)
    model = Review if kind == "review" else Recusal
    reviewer = reviewer or login
    row = session.exec(
        select(model).where(model.proposal_id == proposal.id, model.reviewer == reviewer)
    ).first()
    if row is None:
        missing = (
            N_("Project %(code)s has no review sheet of %(reviewer)s on %(uscc)s")
            if kind == "review"
            else N_("Project %(code)s has no recusal of %(reviewer)s on %(uscc)s")
        )
        raise NotFound(_(missing, code=project.code, reviewer=reviewer, uscc=uscc))
    if kind == "review":
        return Located("review", f"{project.code} review of {uscc} by {reviewer}", row)
    return Located("recusal", f"{project.code} recusal of {reviewer} on {uscc}", row)


def _assessment(session: Session, project: Project, assessor: str) -> Located:
    sheets = [s for s in queries.assessment_sheets(session, project) if not s.final]
    seen: list[str] = []
    found: tuple[Assessment, int] | None = None
    for sheet in sheets:
        seen.append(sheet.assessor)
        if sheet.assessor == assessor:
            found = (sheet, seen.count(assessor))  # the latest sheet of the assessor
    if found is None:
        raise NotFound(
            _(
                "Project %(code)s has no assessment sheet by %(assessor)s",
                code=project.code,
                assessor=assessor,
            )
        )
    return Located("assessment", sheet_key(project.code, assessor, found[1]), found[0])


def _answer(session: Session, project: Project, uscc: str) -> Located:
    organization = queries.organization_by_uscc(session, uscc)
    statement = (
        select(ObjectionAnswer, AwardNotice.number)
        .join(Objection, col(Objection.id) == ObjectionAnswer.objection_id)
        .join(AwardNotice, col(AwardNotice.id) == Objection.notice_id)
        .where(AwardNotice.project_id == project.id)
        .where(Objection.organization_id == (organization.id if organization else -1))
        .order_by(col(AwardNotice.number).desc())
    )
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(
            _(
                "Project %(code)s has no answer to an objection of %(uscc)s",
                code=project.code,
                uscc=uscc,
            )
        )
    answer, number = found
    return Located("objection_answer", answer_key(project.code, uscc, number), answer)


MODELS: dict[str, type[Any]] = {
    "payment": Payment,
    "inspection": Inspection,
    "rectification": Inspection,
    "comment": OrganizationComment,
    "contract": Contract,
    "proposal": Proposal,
    "review": Review,
    "recusal": Recusal,
    "assessment": Assessment,
    "objection_answer": ObjectionAnswer,
}
"""The stored table of each kind's records."""


def table_of(kind: str) -> str:
    """The trail's name of the table a kind's records are in."""
    return "inspection" if kind == "rectification" else kind


def locate_by_id(session: Session, kind: str, record_id: int, key: str) -> Located:
    """The record a correction names by its id (and the trail's key it logged)."""
    row = session.get(MODELS[kind], record_id)
    if row is None:
        raise NotFound(_("The corrected record %(key)s is gone", key=key))
    return Located(table_of(kind), key, row)

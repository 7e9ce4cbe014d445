"""Amend a contract (合同变更): amount, service period, scope; proposed, then approved.

The officer proposes an amendment with its rationale; it is numbered per contract and
counts only once the leader (another person) approves it. The amount stays within the
approved budget and at or above what was paid, the period sits in the funding year (the
signing's rules, under the same purchaser-then-project locks); payments are then checked
against the amended amount. Audit rows ``amend_contract`` and ``approve_amendment``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from procure.domain.dates import parse_date
from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import N_, _
from procure.domain.money import parse_money
from procure.domain.text import check_typed_text
from procure.services.corrections.acting import acting_as, check_reason, check_stage, moment
from procure.services.corrections.checks import terms_problem
from procure.services.corrections.correct import log_change
from procure.services.corrections.records import plain
from procure.store import conflicts, queries
from procure.store.correction_models import APPLIED, PENDING, ContractAmendment
from procure.store.models import Contract, Project
from procure.workflow.rules import default_corrections, default_rules

AMEND, APPROVE = "amend_contract", "approve_amendment"


@dataclass(frozen=True)
class AmendmentResult:
    """What proposing or approving an amendment did."""

    project: str
    number: int
    state: str
    old: dict[str, Any]
    new: dict[str, Any]
    rationale: str
    seq: int


def propose_amendment(
    session: Session,
    code: str,
    *,
    by: str,
    rationale: str,
    amount: Decimal | str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    scope: str | None = None,
    at: datetime | None = None,
    rehearse: bool = False,
) -> AmendmentResult:
    """Propose amendment of project ``code``'s contract; it counts once approved
    (``rehearse``: check it and say what it would do, storing nothing).

    Raises:
        InvalidInput: nothing amended, a malformed value or no rationale.
        Refused: wrong role, past the stage, another amendment pending, or terms the
            signing's rules refuse.
    """
    changes = {"amount": amount, "start": start, "end": end, "scope": scope}
    return conflicts.carried_out(
        session,
        lambda: _propose(session, code, by, rationale, changes, at),
        what=f"amend the contract of {code}",
        rehearse=rehearse,
    )


AMENDED_TERMS = {
    "amount": N_("contract amount"),
    "start": N_("service start date"),
    "end": N_("service end date"),
    "scope": N_("service scope"),
}
"""An amended term as a refusal names it (translated where it is said)."""


def amended_term(name: str) -> str:
    """An amended term as a refusal names it, in the language in use."""
    term = AMENDED_TERMS.get(name)
    return _(term) if term else name


def _typed(changes: dict[str, Any]) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name == "amount":
            typed[name] = (
                value
                if isinstance(value, Decimal)
                else parse_money(str(value), field=amended_term("amount"), allow_zero=False)
            )
        elif name in ("start", "end"):
            typed[name] = (
                value
                if isinstance(value, date)
                else parse_date(str(value), field=amended_term(name))
            )
        else:
            check_typed_text(str(value), amended_term("scope"))
            typed[name] = str(value).strip()
    if not typed:
        raise InvalidInput(
            _(
                "An amendment must give at least one of the contract amount, the service "
                "period (start or end) or the service scope"
            )
        )
    return typed


def contract_to_amend(session: Session, project: Project) -> Contract:
    contract = queries.contract_of(session, project)
    if contract is None:
        raise NotFound(_("Project %(code)s has no contract to amend", code=project.code))
    return contract


def _propose(
    session: Session,
    code: str,
    by: str,
    rationale: str,
    changes: dict[str, Any],
    at: datetime | None,
) -> AmendmentResult:
    rule = default_corrections().amendments
    action = _("Amendment of the contract of %(code)s", code=code)
    rationale = check_reason(rationale, _("Reason for the amendment"))
    typed = _typed(changes)
    project = queries.lock_project(session, code)
    actor = acting_as(session, by, rule.roles, project, action)
    check_stage(project, rule.stages, action, rule.label)
    contract = contract_to_amend(session, project)
    if _pending(session, contract) is not None:
        raise Refused(
            _(
                "%(action)s refused: an amendment is awaiting approval; decide it first",
                action=action,
            )
        )
    old = _terms(session, contract)
    if all(old.get(name) == plain(value) for name, value in typed.items()):
        raise InvalidInput(
            _("%(action)s: the new terms are the ones in force; nothing to amend", action=action)
        )
    _check(session, project, contract, typed)
    at = moment(at)
    assert project.id is not None and contract.id is not None
    amendment = ContractAmendment(
        project_id=project.id,
        contract_id=contract.id,
        number=_next_number(session, contract),
        amount=typed.get("amount"),
        start_on=typed.get("start"),
        end_on=typed.get("end"),
        scope=typed.get("scope"),
        old_values={name: old[name] for name in typed},
        rationale=rationale,
        proposed_by=actor.name,
        proposed_at=at,
        state=PENDING,
    )
    session.add(amendment)
    new = {name: plain(value) for name, value in typed.items()}
    data = {"number": amendment.number, "contract": contract.number, "old": amendment.old_values}
    row = log_change(session, actor, AMEND, project, at, rationale, {**data, "new": new})
    return amendment_result(project, amendment, row.seq)


def approve_amendment(
    session: Session,
    code: str,
    number: int,
    *,
    by: str,
    at: datetime | None = None,
    rehearse: bool = False,
) -> AmendmentResult:
    """Approve amendment ``number`` of project ``code``'s contract: it counts from now on
    (``rehearse``: check it and say what it would do, storing nothing).

    Raises:
        Refused: not pending, wrong role, its proposer approving it, past the stage, or
            terms that no longer hold (e.g. more was paid since).
    """
    return conflicts.carried_out(
        session,
        lambda: _approve(session, code, number, by, at),
        what=f"approve amendment #{number} of {code}",
        rehearse=rehearse,
    )


def _approve(
    session: Session, code: str, number: int, by: str, at: datetime | None
) -> AmendmentResult:
    rule = default_corrections().amendments
    project = queries.lock_project(session, code)
    contract = contract_to_amend(session, project)
    amendment = amendment_of(session, contract, number)
    action = _("Approval of amendment #%(number)s of %(code)s", number=number, code=code)
    if amendment.state != PENDING:
        raise Refused(
            _(
                "%(action)s refused: it is not awaiting approval (approved or refused)",
                action=action,
            )
        )
    assert rule.approval is not None, "corrections.yaml: amendments need an approver"
    actor = acting_as(session, by, [rule.approval], project, action)
    if actor.name == amendment.proposed_by:
        raise Refused(
            _(
                "%(action)s refused: four eyes — %(login)s proposed it and may not approve it; "
                "another person must",
                action=action,
                login=actor.name,
            )
        )
    check_stage(project, rule.stages, action, rule.label)
    terms = _terms(session, contract)
    if any(terms[name] != value for name, value in amendment.old_values.items()):
        raise Refused(
            _("%(action)s refused: the contract changed since it was proposed", action=action)
        )
    typed = amendment.changed_terms()
    _check(session, project, contract, typed)
    contract.amount = typed.get("amount", contract.amount)
    contract.start_on = typed.get("start", contract.start_on)
    contract.end_on = typed.get("end", contract.end_on)
    session.add(contract)
    at = moment(at)
    amendment.decided_by, amendment.decided_at, amendment.state = actor.name, at, APPLIED
    session.add(amendment)
    applied = {n: plain(v) for n, v in typed.items() if n != "scope"}
    row = log_change(
        session, actor, APPROVE, project, at, "", {"number": number, "applied": applied}
    )
    return amendment_result(project, amendment, row.seq)


def _check(session: Session, project: Project, contract: Contract, typed: dict[str, Any]) -> None:
    terms = {
        "amount": typed.get("amount", contract.amount),
        "start": typed.get("start", contract.start_on),
        "end": typed.get("end", contract.end_on),
    }
    try:
        terms_problem(session, default_rules(), project, contract, terms)
    except Refused as exc:
        raise Refused(
            _(
                "Amendment of the contract of %(code)s refused: %(problem)s",
                code=project.code,
                problem=exc,
            )
        ) from None


def _terms(session: Session, contract: Contract) -> dict[str, Any]:
    """The contract's terms in force: amount, period, and the last approved scope."""
    return {
        "amount": plain(contract.amount),
        "start": plain(contract.start_on),
        "end": plain(contract.end_on),
        "scope": scope_in_force(session, contract),
    }


def scope_in_force(session: Session, contract: Contract) -> str | None:
    """The scope text of the last approved amendment that set one (None: as signed)."""
    statement = (
        select(ContractAmendment.scope)
        .where(ContractAmendment.contract_id == contract.id, ContractAmendment.state == APPLIED)
        .where(col(ContractAmendment.scope).is_not(None))
        .order_by(col(ContractAmendment.number).desc())
    )
    return session.exec(statement).first()


def _pending(session: Session, contract: Contract) -> ContractAmendment | None:
    statement = select(ContractAmendment).where(
        ContractAmendment.contract_id == contract.id, ContractAmendment.state == PENDING
    )
    return session.exec(statement).first()


def amendment_of(session: Session, contract: Contract, number: int) -> ContractAmendment:
    """A contract's amendment ``number``, or NotFound."""
    found = session.exec(
        select(ContractAmendment).where(
            ContractAmendment.contract_id == contract.id, ContractAmendment.number == number
        )
    ).first()
    if found is None:
        raise NotFound(
            _(
                "The contract %(contract)s has no amendment #%(number)s",
                contract=contract.number,
                number=number,
            )
        )
    return found


def amendments_of(session: Session, contract: Contract) -> list[ContractAmendment]:
    """A contract's amendments in order."""
    statement = (
        select(ContractAmendment)
        .where(ContractAmendment.contract_id == contract.id)
        .order_by(col(ContractAmendment.number))
    )
    return list(session.exec(statement))


def _next_number(session: Session, contract: Contract) -> int:
    statement = select(func.max(ContractAmendment.number)).where(
        ContractAmendment.contract_id == contract.id
    )
    return int(session.exec(statement).one() or 0) + 1


def amendment_result(project: Project, amendment: ContractAmendment, seq: int) -> AmendmentResult:
    return AmendmentResult(
        project=project.code,
        number=amendment.number,
        state=amendment.state,
        old=dict(amendment.old_values),
        new={n: plain(v) for n, v in amendment.changed_terms().items()},
        rationale=amendment.rationale,
        seq=seq,
    )

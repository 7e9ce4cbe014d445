"""Each kind's check of a correction's new values, by the rules that held when the fact was
first recorded; a check returns the fields the correction sets (for a score sheet, the
re-scored points, inputs and total)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import _
from procure.domain.money import format_yuan
from procure.domain.scorecard import PriceContext
from procure.services.corrections.dates import check_contract_dates, inspection_date_problem
from procure.services.corrections.records import COLUMNS, Located, plain
from procure.store import queries
from procure.store.models import Project
from procure.workflow.rules import Rules, default_corrections
from procure.workflow.sheets import stored_points

Check = Callable[[Session, Rules, Project, Located, dict[str, Any]], dict[str, Any]]


def _merged(located: Located, typed: Mapping[str, Any], name: str) -> Any:
    return typed[name] if name in typed else getattr(located.row, COLUMNS.get(name, name))


def _payment(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    contract = queries.contract_of(session, project)
    assert contract is not None, "a payment has a contract"
    amount: Decimal = _merged(at, typed, "amount")
    if amount <= 0:
        raise Refused(_("The payment amount must be positive"))
    others = sum(
        (p.amount for p in queries.payments_of(session, contract) if p.id != at.row.id),
        Decimal("0.00"),
    )
    if others + amount > contract.amount:
        raise Refused(
            _(
                "A payment of %(amount)s would bring the total paid to %(total)s, above the "
                "contract amount %(contract)s",
                amount=format_yuan(amount),
                total=format_yuan(others + amount),
                contract=format_yuan(contract.amount),
            )
        )
    problem = rules.contract_dates.payment_problem(
        _merged(at, typed, "paid_on"),
        signed_on=contract.signed_on,
        start=contract.start_on,
        end=contract.end_on,
    )
    if problem:
        raise Refused(problem)
    return {name: plain(value) for name, value in typed.items()}


def _inspection(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    contract = queries.contract_of(session, project)
    on: date = _merged(at, typed, "inspected_on")
    if contract is not None and "inspected_on" in typed:
        problem = inspection_date_problem(
            session, rules.contract_dates, project, on, start=contract.start_on, end=contract.end_on
        )
        if problem:
            raise Refused(problem)
    if "findings" in typed and not str(typed["findings"]).strip():
        raise InvalidInput(_("The findings must not be empty"))
    return {name: plain(value) for name, value in typed.items()}


def _contract(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    contract = at.row
    terms_problem(
        session,
        rules,
        project,
        contract,
        {
            "amount": _merged(at, typed, "amount"),
            "start": _merged(at, typed, "start"),
            "end": _merged(at, typed, "end"),
            "signed_on": _merged(at, typed, "signed_on"),
        },
    )
    number = typed.get("number")
    if number is not None:
        if not str(number).strip():
            raise InvalidInput(_("The contract number must not be empty"))
        other = queries.contract_by_number(session, number)
        if other is not None and other.id != contract.id:
            raise Refused(
                _(
                    "The contract number %(number)s is already used by another contract",
                    number=number,
                )
            )
    return {name: plain(value) for name, value in typed.items()}


def terms_problem(
    session: Session, rules: Rules, project: Project, contract: Any, terms: Mapping[str, Any]
) -> None:
    """Refuse contract terms that the signing would have refused, or below what was paid.

    The amount stays within the approved budget (which itself was approved within the
    purchaser's remaining funds) and at or above the payments already made; the service
    period ends after it starts and sits in the funding year as contract_dates.yaml says;
    the signing (``signed_on``, when given) and the period keep the date rules, with the
    payments and inspections already recorded (:mod:`procure.services.corrections.dates`).
    """
    amount: Decimal = terms["amount"]
    if amount <= 0:
        raise Refused(_("The contract amount must be positive"))
    if amount > project.budget:
        raise Refused(
            _(
                "The contract amount %(amount)s exceeds the approved budget %(budget)s",
                amount=format_yuan(amount),
                budget=format_yuan(project.budget),
            )
        )
    paid = sum((p.amount for p in queries.payments_of(session, contract)), Decimal("0.00"))
    if amount < paid:
        raise Refused(
            _(
                "The contract amount %(amount)s is below what was already paid (%(paid)s)",
                amount=format_yuan(amount),
                paid=format_yuan(paid),
            )
        )
    start, end = terms["start"], terms["end"]
    if end < start:
        raise Refused(
            _(
                "The service period ends (%(end)s) before it starts (%(start)s)",
                end=end,
                start=start,
            )
        )
    problem = rules.contract_dates.period_problem(start, end, project.year)
    if problem:
        raise Refused(problem)
    check_contract_dates(
        session,
        rules.contract_dates,
        project,
        contract,
        signed_on=terms.get("signed_on", contract.signed_on),
        start=start,
        end=end,
    )


def _proposal_price(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    price: Decimal = typed["price"]
    if price <= 0:
        raise Refused(_("The quoted price must be positive"))
    if price > project.budget:
        raise Refused(
            _(
                "The quoted price %(price)s exceeds the budget %(budget)s",
                price=format_yuan(price),
                budget=format_yuan(project.budget),
            )
        )
    return {"price": plain(price)}


def _review(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    prices = [p.price for p in queries.proposals_of(session, project)]
    own = next(p for p in queries.proposals_of(session, project) if p.id == at.row.proposal_id)
    sheet = rules.review.score_sheet(typed["scores"], prices=PriceContext(min(prices), own.price))
    return {
        "scores": stored_points(sheet.points),
        "inputs": sheet.inputs,
        "total": plain(sheet.total),
    }


def _assessment_sheet(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    applied: dict[str, Any] = {}
    if "narrative" in typed:
        applied["narrative"] = typed["narrative"]
    if "scores" in typed:
        card = rules.assessment
        sheet = card.score_sheet(typed["scores"])
        grade = card.grades[-1] if at.row.veto else card.grade(sheet.total)
        applied.update(
            scores=stored_points(sheet.points),
            inputs=sheet.inputs,
            total=plain(sheet.total),
            grade=grade.code,
        )
    return applied


def _text_only(
    session: Session, rules: Rules, project: Project, at: Located, typed: dict[str, Any]
) -> dict[str, Any]:
    for name, value in typed.items():
        if isinstance(value, str) and not value.strip():
            raise InvalidInput(_("%(field)s must not be empty", field=_field_label(name)))
    return {name: plain(value) for name, value in typed.items()}


def _field_label(name: str) -> str:
    """A correctable field by its name in the language in use (its code when unknown)."""
    fields = (f for rule in default_corrections().kinds.values() for f in rule.fields)
    return next((f.label for f in fields if f.name == name), name)


CHECKS: dict[str, Check] = {
    "payment": _payment,
    "inspection": _inspection,
    "rectification": _text_only,
    "contract": _contract,
    "proposal": _proposal_price,
    "review": _review,
    "recusal": _text_only,
    "assessment": _assessment_sheet,
    "comment": _text_only,
    "objection_answer": _text_only,
}
"""Each kind's check of the new values; it returns the fields the correction sets."""

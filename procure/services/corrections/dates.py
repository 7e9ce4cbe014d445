"""A corrected or amended date is judged by the very rule that judged the original one
(``workflows/contract_dates.yaml``, :class:`~procure.domain.contract_dates.ContractDateRules`):
an inspection's date, a payment's date, the signing. A contract whose signing or service
period changes re-checks the payments and inspections already recorded against it, and is
refused naming the first one that would fall outside."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from procure.domain.contract_dates import ContractDateRules
from procure.domain.errors import Refused
from procure.domain.language import _
from procure.services.corrections.acting import moment
from procure.store import queries
from procure.store.models import Contract, Project
from procure.workflow.date_guards import rectification_required_on, signing_problem_of
from procure.workflow.scoring_guards import china_day


def today() -> date:
    """The day in China now: a date in the future is refused against it."""
    return china_day(moment(None))


def inspection_date_problem(
    session: Session,
    rules: ContractDateRules,
    project: Project,
    inspected_on: date,
    *,
    start: date,
    end: date,
) -> str | None:
    """The inspection rule for ``inspected_on`` in the service period ``start``–``end``,
    or on or after the day the project's first rectification was required."""
    return rules.inspection_problem(
        inspected_on,
        today=today(),
        start=start,
        end=end,
        rectification_from=rectification_required_on(session, project, first=True),
    )


def check_contract_dates(
    session: Session,
    rules: ContractDateRules,
    project: Project,
    contract: Contract,
    *,
    signed_on: date,
    start: date,
    end: date,
) -> None:
    """Refuse a signing date or service period that the signing rules refuse, or that
    leaves a recorded payment or inspection out of order (the first one is named).
    Nothing is checked when neither the signing nor the period changes."""
    if (signed_on, start, end) == (contract.signed_on, contract.start_on, contract.end_on):
        return
    if (signed_on, start) != (contract.signed_on, contract.start_on):
        problem = signing_problem_of(session, project, rules, signed_on, today=today(), start=start)
        if problem:
            raise Refused(problem)
    for payment in queries.payments_of(session, contract):
        problem = rules.payment_problem(payment.paid_on, signed_on=signed_on, start=start, end=end)
        if problem:
            raise Refused(
                _(
                    "Recorded payment tranche %(tranche)s: %(problem)s",
                    tranche=payment.tranche,
                    problem=problem,
                )
            )
    for number, inspection in enumerate(queries.inspections_of(session, project), start=1):
        problem = inspection_date_problem(
            session, rules, project, inspection.inspected_on, start=start, end=end
        )
        if problem:
            raise Refused(
                _("Recorded inspection #%(number)s: %(problem)s", number=number, problem=problem)
            )

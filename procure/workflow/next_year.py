"""What renewing a project into next year must respect: the carried terms and the bars.

Read-only rules the guards of ``renew``, ``accept_rectification`` and ``sign`` consult
(:mod:`procure.workflow.guards`), and that the use cases creating next year's project
(:mod:`procure.services.lifecycle.successor`) and the year-end plan share: which contract terms a
renewed project carries forward (:func:`carried_terms`), and whether a bar on the
organization refuses the renewal (:func:`bar_refusal`, :func:`barred_next_year`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from procure.domain.language import _
from procure.store import queries
from procure.store.models import Bar, Contract, Organization, Project, Purchaser

BARS_CHECKED = "next_year_bars_checked"
"""A fact a bulk caller sets when it judges next-year bars per contract itself."""
UNBARRED = "next_year_unbarred"
"""Facts key: the ids of projects known (read in bulk) to have no bar on next year's renewal."""
TERMS = ("amount", "start", "end")
"""The contract facts a renewed project may leave out when signing: they were carried."""


def barred_reason(organization: str, purchaser: str, year: int, bar_reason: str) -> str:
    """Why a renewal is refused: the organization is barred from the purchaser's ``year``."""
    return _(
        "%(organization)s is barred from %(purchaser)s's %(year)s awards: %(reason)s",
        organization=organization,
        purchaser=purchaser,
        year=year,
        reason=bar_reason,
    )


def barred_next_year() -> ColumnElement[bool]:
    """True for a project whose renewal a bar refuses: its contracted organization is barred
    from the purchaser's next year (a column to read beside the projects, in their query)."""
    return (
        select(col(Bar.id))
        .join(Contract, col(Contract.organization_id) == col(Bar.organization_id))
        .where(
            col(Contract.project_id) == col(Project.id),
            col(Bar.purchaser_id) == col(Project.purchaser_id),
            col(Bar.year) == col(Project.year) + 1,
        )
        .exists()
    )


def bar_refusal(session: Session, project: Project) -> str | None:
    """Why renewing ``project`` is refused by a bar on its organization next year, if it is."""
    contract = queries.contract_of(session, project)
    if contract is None:
        return None
    bar = queries.bar_for(session, contract.organization_id, project.purchaser_id, project.year + 1)
    if bar is None:
        return None
    organization = session.get(Organization, contract.organization_id)
    purchaser = session.get(Purchaser, project.purchaser_id)
    assert organization is not None and purchaser is not None
    return barred_reason(organization.name, purchaser.code, bar.year, bar.reason)


def carried_terms(project: Project, params: Mapping[str, Any]) -> dict[str, Any]:
    """The contract's amount, start and end: as given, else as the renewal carried them."""
    carried = {
        "amount": project.carried_amount,
        "start": project.carried_start_on,
        "end": project.carried_end_on,
    }
    return {name: params.get(name, carried[name]) for name in TERMS}

"""The projects list and its CSV/xlsx export through the gate: the columns that are facts of
one project (who won it: ``award``; the contract's amount: ``contract``) are left empty on a
row whose fact the viewer may not see, as on the project's own page.

The list is read set-wise, so each row's gate is worked out from the account's grants
(:class:`ViewerScope`) and the row itself, not by reading the project again: a row with a
contract is past the award and the signing. Only a policy that makes these facts wait for a
reviewer's own sheets reads the reviewer's sheets, row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from sqlmodel import Session

from procure.domain.visibility import AFTER_OWN_SHEET, STAFF_RELATIONS, Moments, VisibilityPolicy
from procure.services.browse.listing import ProjectRow
from procure.services.browse.visibility import ViewerScope
from procure.services.visibility import gate as gates
from procure.services.visibility.gate import ProjectGate, covers, organizations_of, scored_all
from procure.store.models import Project

LISTED_FACTS = ("award", "contract")
"""The facts the list shows: the winning organization and the contract amount."""


def gated_rows(
    session: Session, scope: ViewerScope, rows: Iterable[ProjectRow], *, by_organization: bool
) -> Iterator[ProjectRow]:
    """``rows`` as the account of ``scope`` may see them.

    Args:
        by_organization: the list was narrowed by organization; a row the account may not
            see the winner of is then left out, since its being listed would tell.
    """
    policy = gates.current_policy()
    organizations = organizations_of(session, scope)
    waits = any(
        policy.when(kind, relation) == AFTER_OWN_SHEET
        for kind in LISTED_FACTS
        for relation in ("author", "panel")
    )
    for row in rows:
        owner = row.organization_uscc
        if owner is None:  # not contracted: no winner or amount is shown
            yield row
            continue
        gate = _row_gate(session, policy, scope, row, organizations, waits=waits)
        award = gate.sees("award", owner=owner)
        if by_organization and not award:
            continue
        contract = gate.sees("contract", owner=owner)
        yield replace(
            row,
            organization=row.organization if award else None,
            organization_uscc=owner if award else None,
            contract_amount=row.contract_amount if contract else None,
        )


def _row_gate(
    session: Session,
    policy: VisibilityPolicy,
    scope: ViewerScope,
    row: ProjectRow,
    organizations: frozenset[str],
    *,
    waits: bool,
) -> ProjectGate:
    staff: set[str] = set()
    reviewer = None
    acts_for: frozenset[str] = frozenset()
    for role, reach in scope.by_role.items():
        if not covers(reach, row.project_id, row.purchaser_id):
            continue
        if role in STAFF_RELATIONS:
            staff.add(role)
        elif role == "reviewer":
            reviewer = scope.login
        elif role == "organization":
            acts_for = organizations
    done = False
    if reviewer is not None and waits:
        project = session.get(Project, row.project_id)
        done = project is not None and scored_all(session, project, reviewer)
    return ProjectGate(
        policy,
        frozenset(staff),
        reviewer,
        acts_for,
        row.organization_uscc,
        Moments(own_sheets_done=done, awarded=True, contracted=True),
    )

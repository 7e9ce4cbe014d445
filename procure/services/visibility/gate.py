"""A viewer's standing on one project: their relations, the moments passed, and the question
"may they see this fact?" answered by the policy.

A viewer stands in several relations at once (an officer who is also a reviewer); a fact is
visible when any of them allows it. Everyone stands in ``public``. The purchaser's staff stand
in the relation named by each role whose grant reaches the project; a reviewer reaching the
project is the ``author`` of their own sheets and recusals and ``panel`` for everything else;
an organization is ``own_organization`` for the facts about itself, ``winner`` for the others
when the project was awarded to it, else ``other_bidder``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from procure.domain.visibility import STAFF_RELATIONS, Moments, VisibilityPolicy
from procure.services.browse.visibility import Reach, ViewerScope, viewer_scope
from procure.store import queries
from procure.store.models import Organization, Project, Recusal, Review
from procure.workflow.rules import default_rules

PUBLIC = "public"


@dataclass(frozen=True)
class ProjectGate:
    """What one viewer may see of one project."""

    policy: VisibilityPolicy
    staff: frozenset[str] = frozenset()
    reviewer: str | None = None
    organizations: frozenset[str] = frozenset()
    awarded: str | None = None
    moments: Moments = field(default_factory=Moments)

    def relations(self, *, owner: str | None = None, author: str | None = None) -> set[str]:
        """The viewer's relations to a fact about organization ``owner`` (a USCC) written by
        reviewer ``author`` (a login)."""
        found = {PUBLIC, *self.staff}
        if self.reviewer is not None:
            found.add("author" if author == self.reviewer else "panel")
        if self.organizations:
            if owner is not None and owner in self.organizations:
                found.add("own_organization")
            elif self.awarded is not None and self.awarded in self.organizations:
                found.add("winner")
            else:
                found.add("other_bidder")
        return found

    def sees(self, kind: str, *, owner: str | None = None, author: str | None = None) -> bool:
        """Whether the viewer may see a fact of ``kind`` now (see :meth:`relations`)."""
        relations = self.relations(owner=owner, author=author)
        return self.policy.allows(kind, relations, self.moments)


def current_policy() -> VisibilityPolicy:
    """The policy every gate applies: ``workflows/visibility.yaml`` as loaded at start."""
    return default_rules().visibility


def operator_gate(session: Session, project: Project) -> ProjectGate:
    """The gate of the database's operator (the command line run without ``--by``): every staff
    relation, so it sees what the purchaser's staff see."""
    return _with_moments(
        session,
        project,
        ProjectGate(current_policy(), frozenset(STAFF_RELATIONS)),
    )


def public_gate(session: Session, project: Project) -> ProjectGate:
    """The gate of someone not signed in."""
    return _with_moments(session, project, ProjectGate(current_policy()))


def public_gate_known(awarded: str | None, *, contracted: bool) -> ProjectGate:
    """The gate of someone not signed in, when the caller has read the project's award (the
    awarded organization's USCC, or None) and whether it is contracted (a set-based export)."""
    moments = Moments(awarded=awarded is not None, contracted=contracted)
    return ProjectGate(current_policy(), awarded=awarded, moments=moments)


def project_gate(
    session: Session, login: str, project: Project, *, scope: ViewerScope | None = None
) -> ProjectGate:
    """The gate of account ``login`` on ``project``, from the grants that reach it.

    Args:
        scope: ``viewer_scope(session, login)``, when the caller has it already.

    Raises:
        InvalidInput: a malformed login.
    """
    scope = scope or viewer_scope(session, login)
    staff: set[str] = set()
    reviewer = None
    organization_ids: set[int] = set()
    for role, reach in scope.by_role.items():
        if not _covers(reach, project):
            continue
        if role in STAFF_RELATIONS:
            staff.add(role)
        elif role == "reviewer":
            reviewer = scope.login
        elif role == "organization":
            organization_ids |= reach.organization_ids
    gate = ProjectGate(
        current_policy(),
        frozenset(staff),
        reviewer,
        frozenset(_usccs(session, organization_ids)),
    )
    return _with_moments(session, project, gate)


def _covers(reach: Reach, project: Project) -> bool:
    return covers(reach, project.id, project.purchaser_id)


def covers(reach: Reach, project_id: int | None, purchaser_id: int) -> bool:
    """Whether ``reach`` takes in the project ``project_id`` of purchaser ``purchaser_id``."""
    return (
        reach.everything
        or purchaser_id in reach.purchaser_ids
        or project_id in reach.organization_project_ids
    )


def organizations_of(session: Session, scope: ViewerScope) -> frozenset[str]:
    """The USCCs of every organization the account acts for (by its organization grants)."""
    reach = scope.by_role.get("organization")
    return frozenset(_usccs(session, set(reach.organization_ids) if reach else set()))


def _usccs(session: Session, ids: set[int]) -> set[str]:
    if not ids:
        return set()
    statement = select(Organization.uscc).where(col(Organization.id).in_(sorted(ids)))
    return set(session.exec(statement))


def _with_moments(session: Session, project: Project, gate: ProjectGate) -> ProjectGate:
    awarded = None
    if project.awarded_organization_id is not None:
        organization = session.get(Organization, project.awarded_organization_id)
        awarded = organization.uscc if organization is not None else None
    moments = Moments(
        own_sheets_done=gate.reviewer is not None and scored_all(session, project, gate.reviewer),
        awarded=awarded is not None,
        contracted=queries.contract_of(session, project) is not None,
    )
    return ProjectGate(gate.policy, gate.staff, gate.reviewer, gate.organizations, awarded, moments)


def scored_all(session: Session, project: Project, reviewer: str) -> bool:
    """Whether ``reviewer`` recorded a sheet or a recusal for every proposal of the project."""
    proposals = {p.id for p in queries.proposals_of(session, project)}
    if not proposals:
        return False
    ids = sorted(i for i in proposals if i is not None)
    sheets = select(Review.proposal_id).where(
        Review.reviewer == reviewer, col(Review.proposal_id).in_(ids)
    )
    recusals = select(Recusal.proposal_id).where(
        Recusal.reviewer == reviewer, col(Recusal.proposal_id).in_(ids)
    )
    done = set(session.exec(sheets)) | set(session.exec(recusals))
    return proposals <= done


def role_sees_every(role: str, kind: str) -> bool:
    """Whether a grant of ``role`` sees facts of ``kind`` on every project in its reach once
    the project is done (for what spans many projects: a year's records). An organization
    sees only its own, one by one, so never every one."""
    relation = role if role in STAFF_RELATIONS else "panel" if role == "reviewer" else None
    if relation is None:
        return False
    done = Moments(own_sheets_done=True, awarded=True, contracted=True)
    return current_policy().allows(kind, {relation}, done)

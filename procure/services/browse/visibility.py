"""Who may read which projects: the reach of a signed-in account's grants.

A grant with no scope reaches every project; a grant on a purchaser reaches that
purchaser's projects and those of every purchaser below it (its sub-stations); an
``organization`` grant reaches the projects its organization made a proposal for or
holds the contract of. Any role reads inside its reach (an auditor reads everything
there and changes nothing). A deactivated account, or one without grants, reaches
nothing. A project outside the reach is reported exactly as an unknown code is, so a
reader learns nothing about projects it may not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from procure.domain.identity import normalize_login
from procure.domain.visibility import unknown_project
from procure.store import accounts as account_store
from procure.store import notices, queries
from procure.store.models import (
    Assessment,
    Bar,
    Contract,
    Organization,
    Project,
    Proposal,
    Purchaser,
)
from procure.store.reads import remember, remembered
from procure.store.trust_models import RoleGrant


@dataclass(frozen=True)
class Reach:
    """Where one role's grants reach: everything, some purchasers, some organizations.

    ``purchaser_ids`` already holds every purchaser below a granted one;
    ``organization_project_ids`` the projects the granted organizations bid for or hold
    the contract of (an organization has few: listing them spares every query a
    subquery whose size no planner estimates well).
    """

    everything: bool = False
    purchaser_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    organization_project_ids: frozenset[int] = frozenset()

    def __or__(self, other: Reach) -> Reach:
        return Reach(
            self.everything or other.everything,
            self.purchaser_ids | other.purchaser_ids,
            self.organization_ids | other.organization_ids,
            self.organization_project_ids | other.organization_project_ids,
        )

    @property
    def empty(self) -> bool:
        """Whether this reaches no project at all."""
        return not (self.everything or self.purchaser_ids or self.organization_ids)


@dataclass(frozen=True)
class ViewerScope:
    """What one account may read, and where each of its roles reaches."""

    login: str
    by_role: Mapping[str, Reach] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        """The roles the account holds (by an active grant), whatever their scope."""
        return frozenset(self.by_role)

    @property
    def reach(self) -> Reach:
        """Where the account may read: the union of every role's reach."""
        union = Reach()
        for reach in self.by_role.values():
            union = union | reach
        return union


def viewer_scope(session: Session, login: str) -> ViewerScope:
    """Return what ``login`` may read: nothing for an unknown or deactivated account.

    Asked again in one read-only transaction, it is answered from the first answer (see
    :mod:`procure.store.reads`).

    Raises:
        InvalidInput: a malformed login.
    """
    login = normalize_login(login)
    return remembered(session, ("scope", login), lambda: _viewer_scope(session, login))


def _viewer_scope(session: Session, login: str) -> ViewerScope:
    user = account_store.user_by_login(session, login)
    if user is None or not user.active:
        return ViewerScope(login)
    grants = account_store.active_grants(session, user)
    if not grants:
        return ViewerScope(login)
    below, every = _purchaser_tree(session)
    by_role: dict[str, Reach] = {}
    for grant in grants:
        by_role[grant.role] = by_role.get(grant.role, Reach()) | _grant_reach(grant, below)
    by_role = {
        role: _with_projects(session, _whole(reach, every)) for role, reach in by_role.items()
    }
    return ViewerScope(login, by_role)


def _with_projects(session: Session, reach: Reach) -> Reach:
    """Add the projects its organizations bid for or hold the contract of."""
    if not reach.organization_ids:
        return reach
    ids = sorted(reach.organization_ids)
    proposed = select(Proposal.project_id).where(col(Proposal.organization_id).in_(ids))
    contracted = select(Contract.project_id).where(col(Contract.organization_id).in_(ids))
    projects = set(session.exec(proposed)) | set(session.exec(contracted))
    return replace(reach, organization_project_ids=frozenset(projects))


def _whole(reach: Reach, every: set[int]) -> Reach:
    """A reach covering every purchaser (a grant on the root) reads as ``everything``: the
    same projects, without a list of every purchaser in each query."""
    if reach.purchaser_ids and reach.purchaser_ids >= every:
        return replace(reach, everything=True, purchaser_ids=frozenset())
    return reach


def _purchaser_tree(session: Session) -> tuple[dict[int, list[int]], set[int]]:
    """Return each purchaser's direct children (ids) by the parent's id, and every id."""
    children: dict[int, list[int]] = {}
    every: set[int] = set()
    for purchaser_id, parent_id in account_store.purchaser_parents(session).items():
        every.add(purchaser_id)
        if parent_id is not None:
            children.setdefault(parent_id, []).append(purchaser_id)
    return children, every


def _grant_reach(grant: RoleGrant, children: Mapping[int, list[int]]) -> Reach:
    if grant.organization_id is not None:
        return Reach(organization_ids=frozenset({grant.organization_id}))
    if grant.purchaser_id is None:
        return Reach(everything=True)
    return Reach(purchaser_ids=frozenset(_with_descendants(grant.purchaser_id, children)))


def purchaser_and_below(session: Session, purchaser_id: int) -> frozenset[int]:
    """Return the purchaser's id and the ids of every purchaser below it."""
    return frozenset(_with_descendants(purchaser_id, _purchaser_tree(session)[0]))


def _with_descendants(root: int, children: Mapping[int, list[int]]) -> set[int]:
    reached = {root}
    frontier = [root]
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in reached:  # a cycle in the tree must not loop forever
                reached.add(child)
                frontier.append(child)
    return reached


def project_clause(scope: ViewerScope) -> ColumnElement[bool]:
    """Return a where-clause over :class:`Project` keeping the projects ``scope`` may read."""
    return reach_clause(scope.reach)


def reach_clause(reach: Reach, *, organization_by_award: bool = False) -> ColumnElement[bool]:
    """Return a where-clause over :class:`Project` keeping the projects ``reach`` covers.

    Args:
        reach: where the grants reach.
        organization_by_award: cover an organization's projects by the award only (where it
            may act, as :mod:`procure.services.accounts.authorization` judges), instead of every
            project it made a proposal for or holds the contract of (where it may read).
    """
    if reach.everything:
        return true()
    if reach.empty:
        return false()
    clauses: list[ColumnElement[bool]] = []
    if reach.purchaser_ids:
        clauses.append(col(Project.purchaser_id).in_(sorted(reach.purchaser_ids)))
    if reach.organization_ids and organization_by_award:
        clauses.append(col(Project.awarded_organization_id).in_(sorted(reach.organization_ids)))
    elif reach.organization_project_ids:
        clauses.append(col(Project.id).in_(sorted(reach.organization_project_ids)))
    return or_(false(), *clauses)


def readable_project(session: Session, scope: ViewerScope, code: str) -> Project:
    """Return the project ``code`` if ``scope`` may read it.

    Raises:
        NotFound: an unknown code, or a project outside the scope (the same message: the
            reader learns nothing of projects it may not see).
    """

    def load() -> Project | None:
        # one query: the project with what there is one of and the gate, the roles and the
        # detail ask for next (its purchaser, awarded organization, contract and latest
        # assessment) and its objections (a row each), kept loaded or remembered for them
        # and the bar, if any, on the contracted organization next year (the renewal's guards)
        latest = queries.latest_assessment_id(col(Project.id))
        statement = (
            sa_select(Project, Purchaser, Organization, Contract, Assessment, Bar)
            .join(Purchaser, col(Purchaser.id) == col(Project.purchaser_id))
            .outerjoin(Organization, col(Organization.id) == col(Project.awarded_organization_id))
            .outerjoin(Contract, col(Contract.project_id) == col(Project.id))
            .outerjoin(Assessment, col(Assessment.id) == latest)
            .outerjoin(
                Bar,
                and_(
                    col(Bar.organization_id) == col(Contract.organization_id),
                    col(Bar.purchaser_id) == col(Project.purchaser_id),
                    col(Bar.year) == col(Project.year) + 1,
                ),
            )
            .where(col(Project.code) == code, project_clause(scope))
        )
        found = session.execute(notices.with_objections(statement, col(Project.id))).all()
        if not found:
            return None
        project: Project = found[0][0]
        contract, assessment, bar = found[0][3], found[0][4], found[0][5]
        remember(session, ("project", code), project)
        remember(session, ("contract", project.id), contract)
        remember(session, ("latest_assessment", project.id), assessment)
        if contract is not None:
            next_year = (contract.organization_id, project.purchaser_id, project.year + 1)
            remember(session, ("bar", *next_year), bar)
        objections = notices.objection_rows([tuple(row)[6:] for row in found])
        remember(session, ("noticed_objections", project.id), objections)
        return project

    reach = frozenset(scope.by_role.items())  # the scope itself, not only whose it is
    project = remembered(session, ("readable", code, scope.login, reach), load)
    if project is None:
        raise unknown_project(code)
    return project

"""The year-end renewal in the browser: who may plan and apply it, the plan as a page shows
it, and a confirmation that still holds (or says how the plan changed).

Planning is :func:`~procure.services.renewal.run.renew_year` without ``apply``: nothing
is written. Applying is a background job (:mod:`procure.jobs.renewing`) that calls the
same function with the officer acting; a confirmation carries the plan's counts and
digest, and an apply whose plan no longer matches them is not started.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.bounded import COUNT, YEAR
from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import N_, _
from procure.services.browse.visibility import project_clause, viewer_scope
from procure.services.renewal.plan import READY_STATE
from procure.services.renewal.run import RenewalPlanItem, renew_year
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.models import Contract, Project, Purchaser
from procure.store.trust_models import User

VIEW_ROLES = frozenset({"officer", "admin"})
"""Who may read a year's plan (a grant covering the purchasers in question)."""
APPLY_ROLES = frozenset({"officer"})
"""Who may apply it: the renew, rectify and drop triggers are the officer's."""
WRITTEN = ("renew", "rectify", "drop")
"""The plan's actions that apply writes (skip, decide and refused change nothing)."""
ACTION_LABELS = {
    "renew": N_("Renew"),
    "rectify": N_("Rectify"),
    "drop": N_("Drop"),
    "skip": N_("Skip for now"),
    "decide": N_("Needs a decision"),
    "refused": N_("Refused by a rule"),
}
"""Each action of a plan by its English name (pages translate it where they show it)."""
STATUS_LABELS = {
    "done": N_("Applied"),
    "refused": N_("Refused by a rule"),
    "decide": N_("Needs a decision"),
    "skipped": N_("Skipped"),
}
"""Each outcome of an applied contract by its English name (translated where shown)."""
YEARS = (2000, 2100)


def reaches(session: Session, user: User, purchaser: str | None, roles: Iterable[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` for ``purchaser`` (every purchaser: ``None``).

    A grant on a purchaser covers those below it; every purchaser needs a grant with no
    scope, or one on each top-level purchaser. Organization grants never count.

    Raises:
        NotFound: an unknown purchaser.
    """
    wanted = set(roles) - {"organization"}
    grants = [
        g
        for g in account_store.active_grants(session, user)
        if g.role in wanted and g.organization_id is None
    ]
    if not user.active or not grants:
        return False
    if any(g.purchaser_id is None for g in grants):
        return True
    granted = {g.purchaser_id for g in grants}
    if purchaser is None:
        roots = session.exec(select(Purchaser.id).where(col(Purchaser.parent_id).is_(None)))
        return all(root in granted for root in roots)
    purchaser_id = queries.purchaser_by_code(session, purchaser).id
    assert purchaser_id is not None
    return any(p in granted for p in account_store.purchaser_chain(session, purchaser_id))


def working_year(session: Session, user: User) -> int | None:
    """The funding year the renewal form starts with: the newest year with an assessed
    contract waiting for its decision in the account's reach, else the newest year with a
    signed contract, else none (the field stays empty)."""
    clause = project_clause(viewer_scope(session, user.login))
    newest = func.max(Project.year)
    waiting = session.exec(select(newest).where(clause, Project.state == READY_STATE)).one()
    if waiting is not None:
        return int(waiting)
    signed = select(newest).join(Contract, col(Contract.project_id) == col(Project.id))
    year = session.exec(signed.where(clause)).one()
    return None if year is None else int(year)


def check_may_see(session: Session, user: User, purchaser: str | None) -> None:
    """Refuse an account that may not read the renewal plan of ``purchaser``.

    Raises:
        Refused: no officer or admin grant covering it.
        NotFound: an unknown purchaser.
    """
    if not reaches(session, user, purchaser, VIEW_ROLES):
        raise Refused(
            _(
                "The renewal plan of %(purchaser)s refused: %(login)s (%(name)s) holds no"
                " officer or administrator grant covering it",
                purchaser=purchaser or _("every purchaser"),
                login=user.login,
                name=user.name,
            )
        )


def check_may_apply(session: Session, user: User, purchaser: str | None) -> None:
    """Refuse an account that may not apply the renewal of ``purchaser``.

    Raises:
        Refused: no officer grant covering it.
        NotFound: an unknown purchaser.
    """
    if not reaches(session, user, purchaser, APPLY_ROLES):
        raise Refused(
            _(
                "Applying the renewal of %(purchaser)s refused: %(login)s (%(name)s) holds no"
                " officer grant covering it",
                purchaser=purchaser or _("every purchaser"),
                login=user.login,
                name=user.name,
            )
        )


def parse_year(text: str | None) -> int:
    """The funding year typed in a form or a query.

    Raises:
        InvalidInput: not a year between 2000 and 2100.
    """
    value = (text or "").strip()
    try:
        year = YEAR.parse(value)
    except InvalidInput as exc:
        raise InvalidInput(_("Give a funding year, e.g. 2019")) from exc
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput(_("Give a funding year, e.g. 2019"))
    return year


@dataclass(frozen=True)
class PlanPage:
    """A year's dry-run plan as the page shows it."""

    year: int
    purchaser: str | None
    items: list[RenewalPlanItem]
    counts: dict[str, int]
    digest: str
    may_apply: bool

    @property
    def to_write(self) -> int:
        """How many contracts applying would decide (renew, rectify, drop)."""
        return sum(self.counts[action] for action in WRITTEN)


def plan_page(session: Session, user: User, year: int, purchaser: str | None) -> PlanPage:
    """The dry-run plan of ``year`` (of one purchaser) for ``user``; nothing is written.

    Raises:
        Refused: the account may not read it.
        NotFound: an unknown purchaser.
        InvalidInput: a year outside 2000–2100.
    """
    check_may_see(session, user, purchaser)
    may_apply = reaches(session, user, purchaser, APPLY_ROLES)
    session.commit()
    run = renew_year(session, year, purchaser)
    return PlanPage(year, purchaser, run.plan, run.counts, digest(run.plan), may_apply)


def digest(items: Iterable[RenewalPlanItem]) -> str:
    """A short fingerprint of what a plan does: each contract's action and next project."""
    lines = "\n".join(f"{i.project}\t{i.action}\t{i.next_project or ''}" for i in items)
    return hashlib.sha256(lines.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Confirmed:
    """What a confirmation page stated: the counts and the plan's digest."""

    counts: dict[str, int]
    digest: str

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> Confirmed:
        """The counts and digest echoed back by the confirmation form.

        Raises:
            InvalidInput: a count or the digest is missing or malformed.
        """
        counts: dict[str, int] = {}
        for action in ACTION_LABELS:
            value = (form.get(f"count_{action}") or "").strip()
            try:
                counts[action] = COUNT.parse(value)
            except InvalidInput as exc:
                raise InvalidInput(
                    _("The confirmation is incomplete: open the plan and confirm again")
                ) from exc
        return cls(counts, (form.get("digest") or "").strip())

    def holds_for(self, plan: PlanPage) -> bool:
        """Whether ``plan`` is still the plan that was confirmed."""
        return self.counts == plan.counts and self.digest == plan.digest


@dataclass(frozen=True)
class RenewalOutcome:
    """A finished renewal job's result as its page shows it."""

    year: int
    purchaser: str | None
    batch_id: str | None
    counts: dict[str, int]
    changed: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None

    @property
    def refused(self) -> int:
        """How many contracts a rule refused (or left for the officer's decision)."""
        return len(self.failures)


def read_outcome(files: Path, result: str) -> RenewalOutcome | None:
    """The outcome a renewal job wrote (relative to the files folder), or None if it is gone."""
    if not result:
        return None
    path = (files / result).resolve()
    if not path.is_relative_to(files.resolve()) or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    failures = [r for r in data["results"] if r["status"] != "done"]
    return RenewalOutcome(
        year=data["year"],
        purchaser=data["purchaser"],
        batch_id=data["batch_id"],
        counts=data["counts"],
        changed=data["changed"],
        failures=failures,
        checkpoint=data.get("checkpoint"),
    )

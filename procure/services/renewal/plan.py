"""Plan a year-end renewal: what the policy decides for each contract, and what is not ready.

Reads the year in a few set-based queries, decides each assessed contract by the
renewal policy and fires the decision through the workflow machine on a scratch
project row (so role, reason and guard rules judge it exactly as they judge one
project). A renewal carries the contract forward to next year, so it is refused
when the organization is barred from that purchaser's next year, by an existing
bar or by a drop in the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import N_, _
from procure.domain.renewal import DROP, RENEW
from procure.services.lifecycle import successor
from procure.services.lifecycle.successor import next_code
from procure.store import queries
from procure.store import renewal_rows as rows
from procure.store.models import Project
from procure.workflow import next_year
from procure.workflow.context import ActionContext, Actor
from procure.workflow.rules import Rules

SKIP = "skip"
REFUSED = "refused"
DECIDE = "decide"
"""A renewal the policy wants but a bar forbids: the officer drops it ("not renewed: barred")."""
TRIGGERS = {"renew": "renew", "rectify": "require_rectification", "drop": "drop"}
DECIDED_STATES = frozenset({"renewed", "rectifying", "dropped"})
READY_STATE = "assessed"


@dataclass(frozen=True, slots=True)
class RenewalPlanItem:
    """One contract in the plan: its outcome (renew, rectify, drop, skip, refused) and why,
    the grade and the reason in the language in use (as people read them)."""

    project: str
    organization: str
    uscc: str
    score: Decimal | None
    grade: str
    action: str
    reason: str
    next_project: str | None = None


@dataclass(slots=True)
class Planned:
    """A decision to write: the contract row, its plan item, the trigger that fired and
    ``record``, the policy's reason as the audit trail stores it (and its check replays it)."""

    row: rows.ContractRow
    item: RenewalPlanItem
    trigger: str
    to_state: str
    grade_code: str
    purchaser_code: str
    year: int
    record: str = ""
    create_next: bool = False
    bars: bool = False
    insert_bar: bool = False

    @property
    def bar_key(self) -> tuple[int, int, int]:
        """The bar this drop places: organization, purchaser, next year."""
        return (self.row.organization_id, self.row.purchaser_id, self.year + 1)

    def audit_data(self) -> dict[str, Any]:
        """The facts the transition's audit row carries."""
        data: dict[str, Any] = {"total": self.row.total, "grade": self.grade_code}
        if self.row.veto:
            data["veto"] = self.row.veto
        if self.item.next_project:
            data["next_project"] = self.item.next_project
        if self.bars:
            data["barred_year"] = self.year + 1
        return data

    def next_project_row(self, current: rows.LockedProject) -> dict[str, Any]:
        """The next year's project: awarded to the same organization, terms carried forward."""
        assert self.item.next_project is not None
        return successor.successor_row(
            code=self.item.next_project,
            previous_id=self.row.project_id,
            year=self.year,
            title=current.title,
            purpose=current.purpose,
            purchaser_id=self.row.purchaser_id,
            organization_id=self.row.organization_id,
            amount=current.amount,
            start_on=current.start_on,
            end_on=current.end_on,
        )

    def bar_row(self) -> dict[str, Any]:
        """The bar keeping the dropped organization from the purchaser's next year."""
        return {
            "organization_id": self.row.organization_id,
            "purchaser_id": self.row.purchaser_id,
            "year": self.year + 1,
            "project_id": self.row.project_id,
            "reason": f"dropped after {self.item.project}: {self.record}",
        }


@dataclass(slots=True)
class _Verdict:
    """The outcome shared by every contract with the same score and veto items."""

    action: str
    reason: str
    shown: str
    grade_label: str
    grade_code: str
    trigger: str
    to_state: str
    bars: bool
    refusal: str | None = None


class _MovingRow:
    """The plain object the machine moves while planning (only ``state``)."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def plan_year(
    session: Session,
    year: int,
    purchaser: str | None,
    rules: Rules,
    actor: Actor,
    at: datetime,
    batch_id: str | None,
) -> tuple[list[RenewalPlanItem], list[Planned]]:
    """Plan every contract of ``year`` (of one purchaser, if given), in project code order.

    Returns:
        Every contract's plan item, and the decisions to write (renew, rectify, drop).
    """
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"year {year} is not a funding year")
    purchaser_id = queries.purchaser_by_code(session, purchaser).id if purchaser else None
    planner = _Planner(session, year, rules, actor, at, batch_id)
    decided = [planner.decide(row) for row in rows.year_contracts(session, year, purchaser_id)]
    planner.carry_forward([entry for entry in decided if isinstance(entry, Planned)])
    items: list[RenewalPlanItem] = []
    work: list[Planned] = []
    for entry in decided:
        if isinstance(entry, Planned) and entry.item.action not in (REFUSED, DECIDE):
            work.append(entry)
        items.append(entry.item if isinstance(entry, Planned) else entry)
    return items, work


class _Planner:
    """Holds what the year's decisions share: names, bars, taken codes, the scratch row."""

    def __init__(
        self,
        session: Session,
        year: int,
        rules: Rules,
        actor: Actor,
        at: datetime,
        batch_id: str | None,
    ) -> None:
        self.session, self.year, self.rules, self.actor, self.at = session, year, rules, actor, at
        self.batch_id = batch_id
        self.organizations = rows.organizations_of_year(session, year)
        self.purchasers = rows.purchaser_codes(session)
        self.bars = rows.bars_of_year(session, year + 1)
        self.taken = rows.codes_of_year(session, year + 1)
        self.assessing = rows.assessing_facts(session, year)
        self.verdicts: dict[tuple[Decimal, tuple[str, ...]], _Verdict] = {}
        # What guards see as ctx.project: the state every decided contract is in.
        self.scratch = Project(
            code="", year=year, title="", purchaser_id=0, budget=Decimal("0.00"), state=READY_STATE
        )

    def decide(self, row: rows.ContractRow) -> Planned | RenewalPlanItem:
        """Decide one contract: a decision to write, or a plan item that is skipped or refused."""
        name, uscc = self.organizations[row.organization_id]
        if row.state != READY_STATE or row.total is None:
            return RenewalPlanItem(
                row.code, name, uscc, row.total, self._grade_shown(row), SKIP, self._not_ready(row)
            )
        key = (row.total, tuple(row.veto))
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = self.verdicts[key] = self._judge(row)
        if verdict.refusal is not None:
            return RenewalPlanItem(
                row.code, name, uscc, row.total, verdict.grade_label, REFUSED, verdict.refusal
            )
        item = RenewalPlanItem(
            row.code, name, uscc, row.total, verdict.grade_label, verdict.action, verdict.shown
        )
        return Planned(
            row,
            item,
            verdict.trigger,
            verdict.to_state,
            verdict.grade_code,
            self.purchasers[row.purchaser_id],
            self.year,
            record=verdict.reason,
            bars=verdict.bars,
        )

    def _judge(self, row: rows.ContractRow) -> _Verdict:
        """What the policy decides for this score and veto, and what the machine does with it.

        Guards are side-effect free and the outcome depends only on the state, the
        score and the veto items, so one firing per distinct (score, veto) judges
        every contract that shares them.
        """
        assert row.total is not None
        card, policy = self.rules.assessment, self.rules.renewal
        score_grade = card.grade(row.total)
        shown = card.grades[-1] if row.veto else score_grade
        decision = policy.decide(score_grade, row.total, row.veto)
        trigger = TRIGGERS[decision.action]
        verdict = _Verdict(
            decision.action,
            decision.reason,
            decision.shown(),
            shown.label,
            shown.code,
            trigger,
            "",
            bars=decision.action == DROP and policy.bars(DROP),
        )
        try:
            verdict.to_state = self._fire(row, trigger, decision.reason)
        except Refused as refused:
            verdict.refusal = str(refused)
        return verdict

    def _fire(self, row: rows.ContractRow, trigger: str, reason: str) -> str:
        """Fire ``trigger`` through the one machine on a plain row; return the new state."""
        moving = _MovingRow(row.state)
        ctx = ActionContext(
            session=self.session,
            rules=self.rules,
            project=self.scratch,
            actor=self.actor,
            trigger=trigger,
            params={},
            reason=reason,
            at=self.at,
            batch_id=self.batch_id,
            facts={"final_assessment": row, next_year.BARS_CHECKED: True},
        )
        self.rules.engine.fire(ctx, row=moving)
        return moving.state

    def _grade_shown(self, row: rows.ContractRow) -> str:
        """The grade of a contract's final assessment, if it has one (一票否决 gives the lowest)."""
        if row.total is None:
            return ""
        card = self.rules.assessment
        return (card.grades[-1] if row.veto else card.grade(row.total)).label

    def _not_ready(self, row: rows.ContractRow) -> str:
        label = self.rules.engine.definition.state(row.state).label
        if row.state in DECIDED_STATES:
            return _("Already decided: %(state)s", state=label)
        if row.state == READY_STATE:
            return _("Assessed, but no final assessment is recorded")
        facts = self.assessing.get(row.project_id)
        if facts is None:
            return _("Not assessed yet: %(state)s", state=label)
        if facts.recorded_at is None:
            return _("The assessment is not recorded yet: no assessment sheet")
        recorded = facts.recorded_at
        if recorded.tzinfo is None:
            recorded = recorded.replace(tzinfo=self.at.tzinfo)
        closes = recorded + timedelta(days=self.rules.comment_window_days)
        if not facts.acknowledged and self.at < closes:
            return _(
                "The comment window is open until %(day)s: the organization has not"
                " acknowledged the assessment",
                day=closes.date().isoformat(),
            )
        return _("The assessment is not final: the assessor has not finalized it")

    def carry_forward(self, work: list[Planned]) -> None:
        """Refuse renewals of barred organizations and give each renewal its next-year code."""
        bars = dict(self.bars)
        for planned in work:
            if planned.bars and planned.bar_key[:2] not in bars:
                bars[planned.bar_key[:2]] = planned.bar_row()["reason"]
                planned.insert_bar = True
        for planned in work:
            if planned.item.action == RENEW:
                self._renewal(planned, bars)

    def _renewal(self, planned: Planned, bars: dict[tuple[int, int], str]) -> None:
        item, row = planned.item, planned.row
        bar = bars.get((row.organization_id, row.purchaser_id))
        if bar is not None:
            reason = next_year.barred_reason(
                item.organization, planned.purchaser_code, self.year + 1, bar
            )
            planned.item = _needs_decision(item, reason)
        elif row.successor is not None:
            planned.item = _with_next(item, row.successor)
        elif (code := next_code(item.project, self.year, self.taken)) is None:
            reason = successor.no_code_reason(item.project, self.year)
            planned.item = _refused(item, _("Renewal refused: %(reason)s", reason=reason))
        else:
            self.taken.add(code)
            planned.item = _with_next(item, code)
            planned.create_next = True


def _needs_decision(item: RenewalPlanItem, barred: str) -> RenewalPlanItem:
    suggested = _("not renewed: barred")
    drop = f'`procure advance {item.project} drop --reason "{suggested}"`'
    needs = N_("Needs a decision: the policy renews it, but %(barred)s; drop it with %(command)s")
    reason = _(needs, barred=barred, command=drop)
    return RenewalPlanItem(
        item.project, item.organization, item.uscc, item.score, item.grade, DECIDE, reason
    )


def _refused(item: RenewalPlanItem, reason: str) -> RenewalPlanItem:
    return RenewalPlanItem(
        item.project, item.organization, item.uscc, item.score, item.grade, REFUSED, reason
    )


def _with_next(item: RenewalPlanItem, code: str) -> RenewalPlanItem:
    return RenewalPlanItem(
        item.project,
        item.organization,
        item.uscc,
        item.score,
        item.grade,
        item.action,
        item.reason,
        code,
    )


class Recheck:
    """Judges a planned item again against the data as it stands under the chunk's locks.

    Between the plan and a chunk's apply an officer may have dropped a project
    (placing a bar) or taken a next-year code. A renewal of a now-barred
    organization is refused with the bar's reason; a renewal whose planned code
    is taken gets the next free one; a drop whose bar exists already places none.
    """

    def __init__(self, session: Session, year: int) -> None:
        self.year = year
        self.bars = rows.bars_of_year(session, year + 1)
        self.taken = rows.codes_of_year(session, year + 1)

    def refusal(self, planned: Planned) -> str | None:
        """Why ``planned`` is refused now, else None (adjusting its code and bar)."""
        item, row = planned.item, planned.row
        key = (row.organization_id, row.purchaser_id)
        if planned.bars:
            planned.insert_bar = key not in self.bars
            self.bars.setdefault(key, planned.bar_row()["reason"])
        if item.action != RENEW:
            return None
        bar = self.bars.get(key)
        if bar is not None:
            reason = next_year.barred_reason(
                item.organization, planned.purchaser_code, self.year + 1, bar
            )
            return _("Renewal refused: %(reason)s", reason=reason)
        if planned.create_next and item.next_project in self.taken:
            code = successor.next_code(item.project, self.year, self.taken)
            if code is None:
                reason = successor.no_code_reason(item.project, self.year)
                return _("Renewal refused: %(reason)s", reason=reason)
            planned.item = replace(item, next_project=code)
        if planned.create_next and planned.item.next_project is not None:
            self.taken.add(planned.item.next_project)
        return None

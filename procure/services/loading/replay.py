"""Replay one fixture project's history through the lifecycle, trigger by trigger.

The order is the lifecycle's: create, submit, approve (or reject), open the call,
proposals, close the call, review sheets, award, contract, service, payments,
inspections, assessment, comment, finalize. ``stop_after`` ends the replay after
a trigger (after all of its entries, for repeated facts); ``cancelled`` then
cancels the project. Every step runs through :func:`perform`, so the fixture is
checked by the same rules a person meets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from procure.domain.datafile import known_keys
from procure.domain.dates import parse_date
from procure.domain.errors import InvalidInput, ProcureError
from procure.domain.language import _
from procure.services.lifecycle import registry
from procure.services.lifecycle.fire import perform
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import Rules

if TYPE_CHECKING:
    from procure.services.loading.people import FixturePeople

BEIJING = timezone(timedelta(hours=8), "CST")
REPLAY_ORDER: tuple[str, ...] = (
    "create",
    "submit",
    "approve",
    "open_call",
    "add_proposal",
    "close_call",
    "record_review",
    "award",
    "sign_contract",
    "start_service",
    "record_payment",
    "record_inspection",
    "begin_assessment",
    "record_assessment",
    "record_comment",
    "finalize_assessment",
)
DATED_TRIGGERS = frozenset(REPLAY_ORDER) | {"reject", "cancel"}
PROPOSAL_KEYS = {"organization", "price", "reviews", "recusals"}
RECUSAL_KEYS = {"reviewer", "reason", "recorded_by"}
SHEET_KEYS = {"assessor", "scores", "veto", "narratives", "narrative", "recorded_on"}
REVIEW_KEYS = {"reviewer", "scores", "conflict"}
CONTRACT_KEYS = {"number", "amount", "start", "end", "signed_on"}
PAYMENT_KEYS = {"amount", "paid_on", "note"}
INSPECTION_KEYS = {"inspector", "inspected_on", "findings", "rectification_required"}
ASSESSMENT_KEYS = SHEET_KEYS | {"sheets", "comment", "finalized_on"}
COMMENT_KEYS = {"text", "acknowledged", "commented_on", "by", "document"}
OBJECTION_KEYS = {"organization", "text", "lodged_on", "document", "by", "answer"}
ANSWER_KEYS = {"outcome", "reason", "answered_on", "by"}
ANSWER_TRIGGERS = {"upheld": "uphold_objection", "rejected": "reject_objection"}


class _Stop(Exception):
    """Raised to end a replay at ``stop_after``."""


def _items(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(_("%(where)s: must be a list", where=where))
    return value


@contextmanager
def _at(where: str) -> Iterator[None]:
    try:
        yield
    except ProcureError as error:
        raise InvalidInput(_("%(where)s: %(problem)s", where=where, problem=error)) from error


class ProjectReplay:
    """Fires one project's history, keeping a clock that moves forward with its dates."""

    def __init__(
        self,
        session: Session,
        rules: Rules,
        entry: Mapping[str, Any],
        people: Mapping[str, str],
        year: int,
        registrar: FixturePeople | None = None,
    ) -> None:
        self.session, self.rules, self.entry, self.people = session, rules, entry, people
        self.registrar = registrar
        self.code = str(entry.get("code", ""))
        self.clock = datetime.combine(date(year, 1, 2), time(9), BEIJING)
        self.events = 0
        self.dates = known_keys(entry.get("dates") or {}, set(DATED_TRIGGERS), "dates")
        self.stop_after = entry.get("stop_after")
        if self.stop_after is not None and self.stop_after not in REPLAY_ORDER:
            raise InvalidInput(
                _(
                    "stop_after: unknown trigger %(trigger)s (one of %(known)s)",
                    trigger=repr(self.stop_after),
                    known=", ".join(REPLAY_ORDER),
                )
            )

    def moment(self, trigger: str, when: object = None) -> datetime:
        """Return the time of the next event: its own date, the trigger's date, or a minute on."""
        given = when if when is not None else self.dates.get(trigger)
        if given is None:
            self.clock += timedelta(minutes=1)
        else:
            day = parse_date(given, field=_("date of %(trigger)s", trigger=trigger))
            self.clock = max(
                self.clock + timedelta(minutes=1), datetime.combine(day, time(9), BEIJING)
            )
        return self.clock

    def fire(
        self, trigger: str, role: str, *, by: object = None, when: object = None, **options: Any
    ) -> None:
        """Fire ``trigger`` as the named person (or the fixture's person for the role)."""
        name = by or self.people.get(role)
        if not name:
            raise InvalidInput(
                _(
                    "%(trigger)s: no %(role)s named; add people.%(code)s or name the person "
                    "on the entry",
                    trigger=trigger,
                    role=role_label(role),
                    code=role,
                )
            )
        actor = Actor(str(name), role)
        if self.registrar is not None:
            self.registrar.ensure(actor, self.code, self.clock)
        perform(
            self.session,
            self.code,
            trigger,
            actor,
            at=self.moment(trigger, when),
            rules=self.rules,
            **options,
        )
        self.events += 1

    def done(self, trigger: str) -> None:
        """End the replay if the fixture stops after ``trigger``."""
        if trigger == self.stop_after:
            raise _Stop

    def run(self) -> int:
        """Replay the whole history (or up to ``stop_after``); return the number of events."""
        try:
            self._create()
            self._solicit()
            self._review_and_award()
            self._contract_and_service()
            self._assess()
        except _Stop:
            pass
        if self.entry.get("cancelled"):
            self.fire("cancel", "officer", reason=str(self.entry["cancelled"]))
        return self.events

    def _create(self) -> None:
        entry = self.entry
        officer = Actor(self.people["officer"], "officer")
        if self.registrar is not None:
            self.registrar.ensure_officer(officer, str(entry.get("purchaser", "")), self.clock)
        registry.create_project(
            self.session,
            registry.ProjectCreate(
                code=self.code,
                year=int(self.clock.year),
                purchaser=str(entry.get("purchaser", "")),
                title=str(entry.get("title", "")),
                budget=entry.get("budget", ""),
                purpose=str(entry.get("purpose", "")),
            ),
            officer,
            at=self.moment("create"),
            rules=self.rules,
        )
        self.events += 1
        self.done("create")
        if self.entry.get("cancelled") and self.stop_after is None:
            raise _Stop
        self.fire("submit", "officer")
        self.done("submit")
        if self.entry.get("rejected"):
            self.fire("reject", "leader", reason=str(self.entry["rejected"]))
            raise _Stop
        self.fire("approve", "leader")
        self.done("approve")

    def _solicit(self) -> None:
        self.fire("open_call", "officer")
        self.done("open_call")
        for index, proposal in enumerate(_items(self.entry.get("proposals"), "proposals")):
            where = f"proposals[{index}]"
            known_keys(proposal, PROPOSAL_KEYS, where)
            with _at(where):
                self.fire(
                    "add_proposal",
                    "officer",
                    params={
                        "organization": proposal.get("organization"),
                        "price": proposal.get("price"),
                    },
                )
        self.done("add_proposal")
        self.fire("close_call", "officer")
        self.done("close_call")

    def _review_and_award(self) -> None:
        for index, proposal in enumerate(_items(self.entry.get("proposals"), "proposals")):
            for number, recusal in enumerate(
                _items(proposal.get("recusals"), f"proposals[{index}].recusals")
            ):
                where = f"proposals[{index}].recusals[{number}]"
                known_keys(recusal, RECUSAL_KEYS, where)
                by, role = recusal.get("recorded_by"), "officer"
                if not by:
                    by, role = recusal.get("reviewer"), "reviewer"
                params = {
                    "organization": proposal.get("organization"),
                    "reviewer": recusal.get("reviewer"),
                    "reason": recusal.get("reason"),
                }
                with _at(where):
                    self.fire("record_recusal", role, by=by, params=params)
            for number, review in enumerate(
                _items(proposal.get("reviews"), f"proposals[{index}].reviews")
            ):
                where = f"proposals[{index}].reviews[{number}]"
                known_keys(review, REVIEW_KEYS, where)
                params = {
                    "organization": proposal.get("organization"),
                    "scores": review.get("scores"),
                    "conflict": review.get("conflict", False),
                }
                with _at(where):
                    self.fire("record_review", "reviewer", by=review.get("reviewer"), params=params)
        self.done("record_review")
        if not self.entry.get("award"):
            raise _Stop
        self.fire("award", "officer", params={"organization": self.entry["award"]})
        self.done("award")
        for index, objection in enumerate(_items(self.entry.get("objections"), "objections")):
            with _at(f"objections[{index}]"):
                self._objection(known_keys(objection, OBJECTION_KEYS, f"objections[{index}]"))

    def _objection(self, objection: Mapping[str, Any]) -> None:
        """An objection to the award, recorded by the officer from the organization's letter
        (``document``), and its answer."""
        organization = objection.get("organization")
        params = {
            "organization": organization,
            "text": objection.get("text"),
            "lodged_on": objection.get("lodged_on"),
            "document": objection.get("document"),
        }
        when = objection.get("lodged_on")
        self.fire("lodge_objection", "officer", by=objection.get("by"), when=when, params=params)
        if objection.get("answer") is None:
            return
        answer = known_keys(objection["answer"], ANSWER_KEYS, "answer")
        trigger = ANSWER_TRIGGERS.get(str(answer.get("outcome")))
        if trigger is None:
            raise InvalidInput(
                _("answer.outcome: one of %(known)s", known=", ".join(ANSWER_TRIGGERS))
            )
        self.fire(
            trigger,
            "officer",
            by=answer.get("by"),
            when=answer.get("answered_on"),
            params={"organization": organization},
            reason=str(answer.get("reason") or ""),
        )

    def _contract_and_service(self) -> None:
        contract = known_keys(self.entry.get("contract"), CONTRACT_KEYS, "contract")
        with _at("contract"):
            self.fire(
                "sign_contract", "officer", when=contract.get("signed_on"), params=dict(contract)
            )
        self.done("sign_contract")
        self.fire(
            "start_service", "officer", when=self.dates.get("start_service", contract.get("start"))
        )
        self.done("start_service")
        for index, payment in enumerate(_items(self.entry.get("payments"), "payments")):
            known_keys(payment, PAYMENT_KEYS, f"payments[{index}]")
            with _at(f"payments[{index}]"):
                self.fire(
                    "record_payment", "officer", when=payment.get("paid_on"), params=dict(payment)
                )
        self.done("record_payment")
        for index, inspection in enumerate(_items(self.entry.get("inspections"), "inspections")):
            found = dict(known_keys(inspection, INSPECTION_KEYS, f"inspections[{index}]"))
            by = found.pop("inspector", None)
            with _at(f"inspections[{index}]"):
                self.fire(
                    "record_inspection",
                    "supervisor",
                    by=by,
                    when=found.get("inspected_on"),
                    params=found,
                )
        self.done("record_inspection")

    def _assess(self) -> None:
        if not self.entry.get("assessment"):
            raise _Stop
        assessment = dict(known_keys(self.entry["assessment"], ASSESSMENT_KEYS, "assessment"))
        self.fire("begin_assessment", "officer")
        self.done("begin_assessment")
        comment = assessment.pop("comment", None)
        finalized_on = assessment.pop("finalized_on", None)
        sheets = _items(assessment.pop("sheets", None), "assessment.sheets") or [assessment]
        first_assessor = None
        for number, sheet_raw in enumerate(sheets):
            where = "assessment" if sheets[0] is assessment else f"assessment.sheets[{number}]"
            sheet = dict(known_keys(sheet_raw, SHEET_KEYS, where))
            recorded_on, by = sheet.pop("recorded_on", None), sheet.pop("assessor", None)
            first_assessor = first_assessor or by
            with _at(where):
                self.fire("record_assessment", "assessor", by=by, when=recorded_on, params=sheet)
        self.done("record_assessment")
        if comment:
            with _at("assessment.comment"):
                params = dict(known_keys(comment, COMMENT_KEYS, "comment"))
                by = params.pop("by", None)
                if params.get("document"):  # the officer records the organization's letter
                    self.fire("record_comment", "officer", by=by, params=params)
                else:
                    if by is None and self.registrar is not None:
                        by = self.registrar.organization_account(self.code, self.clock).name
                    self.fire("record_comment", "organization", by=by, params=params)
        self.done("record_comment")
        self.fire("finalize_assessment", "assessor", by=first_assessor, when=finalized_on)

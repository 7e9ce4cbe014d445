"""Replay the audit trail in order and build the rows it implies (:class:`TrailReplay`).

Each audit row says what its trigger recorded (``data``); replaying them in
sequence gives, for every project, its state and version, its proposals,
sheets, contract, payments… and, for the registries, every purchaser,
organization, account and grant. One pass, one dict of facts per row of the
business tables (bounded per project: a project's facts are its own rows).

A project's ``version`` is 1 at its creation plus one per transition: every row
with a ``from_state`` (what :func:`procure.services.lifecycle.fire.perform` and the
bulk renewal write), so rows of other kinds that name a project do not count.

Row formats of every release replay: a fact an old row did not log is simply
not known (the field is absent), and a ``backfill`` row (migration 0005) adds
facts the trail lacked, never overriding one it had.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from procure.services.scoring.scorecard_versions import PIN_KEY
from procure.services.trail import calendar as trail_calendar
from procure.services.trail import corrections as trail_corrections
from procure.services.trail import documents as trail_documents
from procure.services.trail import notices as trail_notices
from procure.services.trail.facts import Fact, Key, scope_text
from procure.store.models import TransitionLog

BACKFILL = "backfill"


class TrailReplay:
    """What the trail implies, built one audit row at a time."""

    def __init__(self) -> None:
        self.facts: dict[Key, Fact] = {}
        self._inspections: dict[str, int] = {}
        self._comments: dict[str, int] = {}
        self._sheets: dict[str, list[str]] = {}

    def replay(self, rows: Iterable[TransitionLog]) -> TrailReplay:
        """Apply every row, in the order given (the trail's)."""
        for row in rows:
            self.apply(row)
        return self

    def fact(self, table: str, key: str, label: str | None = None) -> Fact:
        """The fact of ``(table, key)``, created empty when the trail first names it."""
        found = self.facts.get((table, key))
        if found is None:
            found = self.facts[(table, key)] = Fact(table, key, label or key)
        return found

    def apply(self, row: TransitionLog) -> None:
        """Apply one audit row."""
        data: dict[str, Any] = json.loads(row.data) if row.data else {}
        handler = _REGISTRY_HANDLERS.get(row.trigger)
        if handler is not None:
            handler(self, row, data)
            return
        if row.trigger == BACKFILL:
            self._backfill(data)
            return
        if row.project_code is None:
            return
        code = row.project_code
        if row.trigger == "create":
            self._create(row, data)
        elif row.trigger == "generate":
            self._generate(row, data)
        elif row.from_state is not None:  # a transition (every perform and bulk move)
            project = self.fact("project", code)
            version = project.fields.get("version")
            project.set("version", int(version) + 1 if version is not None else None)
        if row.to_state is not None:
            self.fact("project", code).set("state", row.to_state)
        effect = _PROJECT_HANDLERS.get(row.trigger)
        if effect is not None:
            effect(self, row, data)

    # -- projects -----------------------------------------------------------------------

    def _create(self, row: TransitionLog, data: dict[str, Any]) -> None:
        assert row.project_code is not None
        project = self.fact("project", row.project_code)
        project.set_many(
            {
                "year": data.get("year"),
                "purchaser": data.get("purchaser"),
                "title": data.get("title"),
                "budget": data.get("budget"),
                "version": 1,
                "awarded": data.get("organization"),
                "previous": data.get("renewed_from"),
                "carried_amount": data.get("amount"),
                "carried_start": data.get("start"),
                "carried_end": data.get("end"),
            }
        )
        if "purpose" in data:
            project.set("purpose", data["purpose"])

    def _generate(self, row: TransitionLog, data: dict[str, Any]) -> None:
        """A generated project: complete facts, or (older rows) amount, total and grade."""
        assert row.project_code is not None
        code = row.project_code
        project = self.fact("project", code)
        project.set("version", 1)
        for name in ("year", "purchaser", "title", "budget", "purpose"):
            if name in data:
                project.set(name, data[name])
        if "organization" in data:
            project.set_many({"awarded": data["organization"], "previous": None})
            project.set_many({"carried_amount": None, "carried_start": None, "carried_end": None})
        contract = self.fact("contract", code, data.get("contract", {}).get("number"))
        contract.set("amount", data.get("amount"))
        if "contract" in data:
            contract.set_many({**data["contract"], "organization": data.get("organization")})
        final = self.fact("assessment", f"{code} final assessment")
        final.set_many({"total": data.get("total"), "grade": data.get("grade"), "final": True})
        final.set_many({"inputs": None, "recorded_at": row.at})
        if "assessment" in data:
            final.set_many(data["assessment"])

    def _award(self, row: TransitionLog, data: dict[str, Any]) -> None:
        assert row.project_code is not None
        self.fact("project", row.project_code).set("awarded", data.get("organization"))
        trail_notices.replay_notice(self, row, data)

    def _proposal(self, row: TransitionLog, data: dict[str, Any]) -> None:
        key = f"{row.project_code} proposal of {data.get('organization')}"
        self.fact("proposal", key).set_many({"price": data.get("price"), "submitted_at": row.at})

    def _withdrawal(self, row: TransitionLog, data: dict[str, Any]) -> None:
        """A withdrawn proposal, and the recusals declared on it, leave the tables."""
        organization = data.get("organization")
        self.facts.pop(("proposal", f"{row.project_code} proposal of {organization}"), None)
        for reviewer in data.get("recusals") or []:
            key = f"{row.project_code} recusal of {reviewer} on {organization}"
            self.facts.pop(("recusal", key), None)

    def _review(self, row: TransitionLog, data: dict[str, Any]) -> None:
        reviewer = data.get("reviewer", row.actor)
        key = f"{row.project_code} review of {data.get('organization')} by {reviewer}"
        self.fact("review", key).set_many(
            {
                "scores": data.get("scores"),
                "total": data.get("total"),
                "conflict": bool(data.get("conflict", False)),
                "recorded_at": row.at,
            }
        )
        self._scored_with(self.facts[("review", key)], row, data)

    def _recusal(self, row: TransitionLog, data: dict[str, Any]) -> None:
        reviewer = data.get("reviewer")
        key = f"{row.project_code} recusal of {reviewer} on {data.get('organization')}"
        self.fact("recusal", key).set_many(
            {"reason": data.get("reason"), "recorded_by": row.actor, "recorded_role": row.role}
        )

    def _contract(self, row: TransitionLog, data: dict[str, Any]) -> None:
        assert row.project_code is not None
        awarded = self.fact("project", row.project_code).fields.get("awarded")
        contract = self.fact("contract", row.project_code)
        contract.label = str(data.get("number"))
        contract.set_many(
            {
                "organization": awarded,
                "number": data.get("number"),
                "amount": data.get("amount"),
                "start": data.get("start"),
                "end": data.get("end"),
                "signed_on": data.get("signed_on"),
            }
        )

    def _payment(self, row: TransitionLog, data: dict[str, Any]) -> None:
        key = f"{row.project_code} payment #{data.get('tranche')}"
        self.fact("payment", key).set_many(
            {
                "amount": data.get("amount"),
                "paid_on": data.get("paid_on"),
                "note": data.get("note", ""),  # left out (a form's blank note): stored empty
            }
        )

    def _inspection(self, row: TransitionLog, data: dict[str, Any]) -> None:
        code = str(row.project_code)
        number = self._inspections[code] = self._inspections.get(code, 0) + 1
        self.fact("inspection", f"{code} inspection #{number}").set_many(
            {
                "inspector": data.get("inspector", row.actor),
                "inspected_on": data.get("inspected_on"),
                "findings": data.get("findings"),
                "rectification_required": bool(data.get("rectification_required", False)),
            }
        )

    def _assessment(self, row: TransitionLog, data: dict[str, Any]) -> None:
        code = str(row.project_code)
        assessor = str(data.get("assessor", row.actor))
        sheets = self._sheets.setdefault(code, [])
        if row.trigger != "replace_assessment" or assessor not in sheets:
            sheets.append(assessor)  # a replacement scores the assessor's latest sheet anew
        fact = self.fact("assessment", sheet_key(code, assessor, sheets.count(assessor)))
        fact.set_many(
            {
                "total": data.get("total"),
                "grade": data.get("grade"),
                "veto": data.get("veto", []),
                "scores": data.get("scores"),
                "narratives": data.get("narratives") or {},
                "final": False,
            }
        )
        if "narrative" in data:
            fact.set("narrative", data["narrative"])
        fact.set("recorded_at", row.at)
        self._scored_with(fact, row, data)

    def _scored_with(self, fact: Fact, row: TransitionLog, data: dict[str, Any]) -> None:
        """A sheet's scorecard and inputs, and the scorecard version its row pinned."""
        for name in ("scorecard", "inputs"):
            if name in data:
                fact.set(name, data[name])
        pin = data.get(PIN_KEY)
        if isinstance(pin, dict):
            pinned = self.fact("scorecard_version", f"{pin.get('name')} v{pin.get('version')}")
            pinned.set_many(
                {
                    "digest": pin.get("digest"),
                    "definition": pin.get("digest"),
                    "first_used_at": row.at,  # the pinning row's moment (its ctx.at)
                }
            )

    def _comment(self, row: TransitionLog, data: dict[str, Any]) -> None:
        code = str(row.project_code)
        number = self._comments[code] = self._comments.get(code, 0) + 1
        fact = self.fact("comment", f"{code} comment #{number}")
        fact.set_many(
            {
                "text": data.get("text"),
                "acknowledged": bool(data.get("acknowledged", False)),
                "commented_on": data.get("commented_on"),
                "recorded_at": row.at,
            }
        )
        for name in ("recorded_by", "recorded_role", "document_ref"):
            if name in data:
                fact.set(name, data[name])

    def _finalize(self, row: TransitionLog, data: dict[str, Any]) -> None:
        code = str(row.project_code)
        self.fact("assessment", f"{code} final assessment").set_many(
            {
                "assessor": "、".join(self._sheets.get(code, [])),
                "total": data.get("total"),
                "grade": data.get("grade"),
                "veto": data.get("veto", []),
                "final": True,
                "recorded_at": row.at,
            }
        )
        final = self.facts[("assessment", f"{code} final assessment")]
        if "scorecard" in data:
            final.set("scorecard", data["scorecard"])
        inputs = self._sheet_inputs(code)
        if inputs is not None:
            final.set("inputs", inputs)

    def _sheet_inputs(self, code: str) -> dict[str, Any] | None:
        """Each assessor's inputs, as the final row combines them (None if a sheet's are
        not in the trail)."""
        combined: dict[str, Any] = {}
        seen: list[str] = []
        for assessor in self._sheets.get(code, []):
            seen.append(assessor)
            sheet = self.facts.get(("assessment", sheet_key(code, assessor, seen.count(assessor))))
            if sheet is None or "inputs" not in sheet.fields:
                return None
            logged = sheet.fields["inputs"]
            combined[assessor] = None if logged is None else json.loads(logged)
        return combined

    def _drop(self, row: TransitionLog, data: dict[str, Any]) -> None:
        """A drop that bars: the bar is the first drop's for its organization, purchaser, year."""
        if "barred_year" not in data:
            return
        code = str(row.project_code)
        organization = self.fact("contract", code).fields.get("organization")
        purchaser = self.fact("project", code).fields.get("purchaser")
        key = bar_key(organization, purchaser, data["barred_year"])
        if ("bar", key) not in self.facts:
            self.fact("bar", key).set_many(
                {"project": code, "reason": f"dropped after {code}: {row.reason}"}
            )

    # -- registries and accounts --------------------------------------------------------

    def _purchaser(self, row: TransitionLog, data: dict[str, Any]) -> None:
        self.fact("purchaser", str(data.get("code"))).set_many(
            {
                "name": data.get("name"),
                "annual_funds": data.get("annual_funds"),
                "parent": data.get("parent"),
            }
        )

    def _organization(self, row: TransitionLog, data: dict[str, Any]) -> None:
        self.fact("organization", str(data.get("uscc"))).set("name", data.get("name"))

    def _user_add(self, row: TransitionLog, data: dict[str, Any]) -> None:
        self.fact("user", str(data.get("login"))).set_many(
            {"name": data.get("name"), "active": True}
        )

    def _user_deactivate(self, row: TransitionLog, data: dict[str, Any]) -> None:
        self.fact("user", str(data.get("login"))).set("active", False)

    def _grant(self, row: TransitionLog, data: dict[str, Any]) -> Fact:
        key = grant_key(
            str(data.get("login")),
            str(data.get("role")),
            data.get("purchaser"),
            data.get("organization"),
        )
        fact = self.fact("role_grant", key)
        fact.fields.setdefault("held", "0")
        fact.fields.setdefault("revoked", "0")
        return fact

    def _user_grant(self, row: TransitionLog, data: dict[str, Any]) -> None:
        fact = self._grant(row, data)
        fact.set("held", int(fact.fields["held"] or 0) + 1)

    def _user_revoke(self, row: TransitionLog, data: dict[str, Any]) -> None:
        fact = self._grant(row, data)
        held = int(fact.fields["held"] or 0)
        fact.set_many({"held": 0, "revoked": int(fact.fields["revoked"] or 0) + held})

    def _backfill(self, data: dict[str, Any]) -> None:
        """Facts migration 0005 took from the stored rows: they fill gaps, never override."""
        fact = self.fact(str(data["table"]), str(data["key"]), data.get("label"))
        for name, value in dict(data.get("fields", {})).items():
            fact.fields.setdefault(name, value)


def sheet_key(code: str, assessor: str, occurrence: int) -> str:
    """An assessor's sheet of a project (numbered when one assessor has several)."""
    suffix = "" if occurrence == 1 else f" #{occurrence}"
    return f"{code} assessment by {assessor}{suffix}"


def bar_key(organization: object, purchaser: object, year: object) -> str:
    """A bar as a person names it: who is barred from whose year."""
    return f"{organization} barred from {purchaser} {year}"


def grant_key(login: str, role: str, purchaser: str | None, organization: str | None) -> str:
    """A user's grants of one role and scope."""
    return f"{login}: {role} for {scope_text(purchaser, organization)}"


_PROJECT_HANDLERS = {
    "award": TrailReplay._award,
    "add_proposal": TrailReplay._proposal,
    "withdraw_proposal": TrailReplay._withdrawal,
    "record_review": TrailReplay._review,
    "replace_review": TrailReplay._review,  # the same sheet, scored anew: the last one stands
    "record_recusal": TrailReplay._recusal,
    "sign_contract": TrailReplay._contract,
    "record_payment": TrailReplay._payment,
    "record_inspection": TrailReplay._inspection,
    "record_assessment": TrailReplay._assessment,
    "replace_assessment": TrailReplay._assessment,
    "record_comment": TrailReplay._comment,
    "finalize_assessment": TrailReplay._finalize,
    "drop": TrailReplay._drop,
    "lodge_objection": trail_notices.replay_objection,
    "uphold_objection": trail_notices.replay_answer,
    "reject_objection": trail_notices.replay_answer,
    **trail_corrections.CORRECTION_HANDLERS,
    **trail_documents.DOCUMENT_HANDLERS,
}
_REGISTRY_HANDLERS = {
    "add_purchaser": TrailReplay._purchaser,
    "register_organization": TrailReplay._organization,
    "user_add": TrailReplay._user_add,
    "user_deactivate": TrailReplay._user_deactivate,
    "user_grant": TrailReplay._user_grant,
    "user_revoke": TrailReplay._user_revoke,
    "calendar_add": trail_calendar.replay_calendar_add,
}

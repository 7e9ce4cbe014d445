"""Does a printed record say what the audit trail implies? Compare without the database.

``procure report verify`` compares a record with the database, and the database with
its trail. An auditor holding only the dossier has no database: this module reads the
facts a record shows in the trail's shape (:func:`record_facts`, named as
:mod:`procure.services.trail.replay` names them) and compares them with a replay of
the project's trail rows (:func:`record_trail_differences`), read from the dossier's
``trail.jsonl`` or from the database alike.

Compared: the project (year, purchaser, title, budget, purpose, state), the contract,
every payment, inspection, proposal, review sheet total, recusal, comment, award
notice, objection and answer, the final assessment and each assessor's sheet total, and
every correction and contract amendment (what it replaced, the new values, the reason, who),
and each attached file it lists (name, size, SHA-256, who uploaded it).
Not compared: what the record derives for people (ranks, Chinese labels, capitals,
charts) and what the trail does not log (the narratives shown as prose).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from procure.reports.record_text import prose
from procure.services.trail.check import MISSING, PRESENT, ROW, TrailDifference
from procure.services.trail.facts import Fact
from procure.services.trail.notices import answer_key, notice_key, objection_key
from procure.services.trail.replay import TrailReplay, sheet_key
from procure.store.models import TransitionLog

IN_RECORD = "(in the record)"
MISSING_FROM_RECORD = "(not in the record)"
_LISTED_TABLES = (
    "payment",
    "inspection",
    "proposal",
    "comment",
    "award_notice",
    "objection",
    "correction",
    "amendment",
)
"""Tables whose every trail row of the project the record must list."""


def record_facts(record: dict[str, Any]) -> list[Fact]:
    """The facts a record shows, keyed and shaped as the trail replay builds them."""
    project = record.get("project") or {}
    code = str(project.get("code"))
    facts = [
        _fact(
            "project",
            code,
            {
                "year": project.get("year"),
                "purchaser": (record.get("purchaser") or {}).get("code"),
                "title": project.get("title"),
                "budget": project.get("budget"),
                "purpose": project.get("purpose"),
                "state": project.get("state"),
            },
        )
    ]
    contract = record.get("contract") or {}
    contract_fields = {
        name: contract.get(name) for name in ("number", "amount", "start", "end", "signed_on")
    }
    contract_fields["organization"] = (record.get("organization") or {}).get("uscc")
    facts.append(_fact("contract", code, contract_fields))
    for item in (record.get("payments") or {}).get("items", []):
        fields = {"amount": item.get("amount"), "paid_on": item.get("on"), "note": item.get("note")}
        facts.append(_fact("payment", f"{code} payment #{item.get('tranche')}", fields))
    for number, item in enumerate(record.get("inspections") or [], start=1):
        fields = {
            "inspector": item.get("inspector"),
            "inspected_on": item.get("on"),
            "findings": item.get("findings"),
            "rectification_required": item.get("rectification_required"),
        }
        facts.append(_fact("inspection", f"{code} inspection #{number}", fields))
    for number, item in enumerate(record.get("comments") or [], start=1):
        fields = {"text": item.get("text"), "acknowledged": item.get("acknowledged")}
        facts.append(_fact("comment", f"{code} comment #{number}", fields))
    facts += _panel_facts(code, record.get("panel"))
    facts += _assessment_facts(code, record.get("assessment"))
    facts += _notice_facts(code, record.get("notices") or [])
    facts += _change_facts(code, record)
    for item in record.get("attachments") or []:
        fields = {name: item.get(name) for name in ("name", "size", "sha256", "uploaded_by")}
        facts.append(_fact("attachment", f"{code} attachment #{item.get('number')}", fields))
    return facts


def _change_facts(code: str, record: dict[str, Any]) -> Iterator[Fact]:
    """The record's corrections and amendments, as the trail replay names them."""
    for item in record.get("corrections") or []:
        fields = {
            name: item.get(name)
            for name in ("kind", "record", "old", "new", "reason", "proposed_by")
        }
        fields.update(decided_by=item.get("decided_by"), state=item.get("state"))
        fields.update(refusal=item.get("refusal"))
        yield _fact("correction", f"{code} correction #{item.get('number')}", fields)
    for item in record.get("amendments") or []:
        fields = {
            name: item.get(name)
            for name in ("amount", "start", "end", "scope", "old", "rationale", "proposed_by")
        }
        fields.update(decided_by=item.get("decided_by"), state=item.get("state"))
        fields.update(refusal=item.get("refusal"))
        yield _fact("amendment", f"{code} amendment #{item.get('number')}", fields)


def _fact(table: str, key: str, fields: dict[str, Any]) -> Fact:
    fact = Fact(table, key, key)
    fact.set_many(fields)
    return fact


def _panel_facts(code: str, panel: dict[str, Any] | None) -> Iterator[Fact]:
    for proposal in (panel or {}).get("proposals", []):
        uscc = proposal.get("uscc")
        yield _fact("proposal", f"{code} proposal of {uscc}", {"price": proposal.get("price")})
        for sheet in proposal.get("sheets", []):
            reviewer = sheet.get("reviewer")
            if sheet.get("total") is not None:
                key = f"{code} review of {uscc} by {reviewer}"
                yield _fact("review", key, {"total": sheet["total"]})
            elif sheet.get("reason"):
                key = f"{code} recusal of {reviewer} on {uscc}"
                yield _fact("recusal", key, {"reason": sheet["reason"]})


def _assessment_facts(code: str, assessment: dict[str, Any] | None) -> Iterator[Fact]:
    """The final assessment and its sheets (a record printed before the final row shows one
    sheet, the latest, which the trail numbers by occurrence: not compared)."""
    if not assessment or not assessment.get("final"):
        return
    veto = [item.get("code") for item in assessment.get("veto", [])]
    fields = {
        "assessor": assessment.get("assessor"),
        "total": assessment.get("total"),
        "grade": assessment.get("grade"),
        "veto": veto,
    }
    yield _fact("assessment", f"{code} final assessment", fields)
    seen: list[str] = []
    for sheet in assessment.get("sheets", []):
        assessor = str(sheet.get("assessor"))
        seen.append(assessor)
        key = sheet_key(code, assessor, seen.count(assessor))
        yield _fact("assessment", key, {"total": sheet.get("total")})


def _notice_facts(code: str, notices: list[dict[str, Any]]) -> Iterator[Fact]:
    for notice in notices:
        number = notice.get("number")
        fields = {
            name: notice.get(name)
            for name in ("published_on", "notice_ends_on", "objections_close_on")
        }
        fields["organization"] = notice.get("uscc")
        yield _fact("award_notice", notice_key(code, number), fields)
        for objection in notice.get("objections", []):
            uscc = objection.get("uscc")
            fields = {name: objection.get(name) for name in ("text", "lodged_on", "document_ref")}
            yield _fact("objection", objection_key(code, uscc, number), fields)
            if objection.get("outcome") is not None:
                fields = {
                    name: objection.get(name) for name in ("outcome", "reason", "answered_on")
                }
                yield _fact("objection_answer", answer_key(code, uscc, number), fields)


def replay_project(rows: Iterable[TransitionLog]) -> TrailReplay:
    """Replay one project's trail rows (in the trail's order)."""
    return TrailReplay().replay(rows)


def record_trail_differences(record: dict[str, Any], replay: TrailReplay) -> list[TrailDifference]:
    """Every way the record's facts differ from what the project's trail implies.

    Args:
        record: the record's data (as embedded in its PDF, without the checkpoint).
        replay: the replay of the project's trail rows (:func:`replay_project`).

    Returns:
        One difference per field the trail gives otherwise (``trail_value``: the trail's,
        ``stored_value``: the record's), per fact of the record the trail lacks, and per
        payment, inspection, proposal, comment, notice or objection of the trail the
        record does not list.
    """
    code = str((record.get("project") or {}).get("code"))
    implied = _renumbered_inspections(replay.facts, code)
    differences: list[TrailDifference] = []
    shown: set[tuple[str, str]] = set()
    for fact in record_facts(record):
        shown.add((fact.table, fact.key))
        trail = implied.get((fact.table, fact.key))
        if trail is None:
            differences.append(TrailDifference(fact.table, fact.key, ROW, MISSING, IN_RECORD))
            continue
        for name, value in fact.fields.items():
            logged = trail.fields.get(name, MISSING)
            if name == "purpose" and logged not in (None, MISSING):
                logged = prose(logged)
            if logged != value:
                differences.append(TrailDifference(fact.table, fact.key, name, logged, value))
    for (table, key), _fact_of_trail in implied.items():
        listed = table in _LISTED_TABLES and key.startswith(f"{code} ")
        if listed and (table, key) not in shown:
            differences.append(TrailDifference(table, key, ROW, PRESENT, MISSING_FROM_RECORD))
    return differences


def _renumbered_inspections(
    facts: dict[tuple[str, str], Fact], code: str
) -> dict[tuple[str, str], Fact]:
    """The trail's facts with the project's inspections numbered as the record lists them:
    by inspection date (the trail numbers them in the order they were recorded)."""
    prefix = f"{code} inspection #"
    inspections = [fact for (table, key), fact in facts.items() if table == "inspection"]
    ours = [fact for fact in inspections if fact.key.startswith(prefix)]
    if not ours:
        return facts
    ours.sort(
        key=lambda fact: (fact.fields.get("inspected_on") or "", int(fact.key[len(prefix) :]))
    )
    renumbered = {
        k: v for k, v in facts.items() if not (k[0] == "inspection" and k[1].startswith(prefix))
    }
    for number, fact in enumerate(ours, start=1):
        renumbered[("inspection", f"{prefix}{number}")] = fact
    return renumbered

"""Award notices, objections and answers in the trail check: what the trail implies
(replay handlers) and what the tables hold (stored facts), named alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlmodel import Session

from procure.services.trail.facts import Fact, FactSink
from procure.store.models import Organization, Project, TransitionLog
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer


def notice_key(code: str, number: object) -> str:
    """An award notice as a person names it."""
    return f"{code} award notice #{number}"


def objection_key(code: str, uscc: object, number: object) -> str:
    """An organization's objection to one notice."""
    return f"{code} objection of {uscc} to notice #{number}"


def answer_key(code: str, uscc: object, number: object) -> str:
    """The answer to an organization's objection to one notice."""
    return f"{code} answer to {uscc} on notice #{number}"


# -- what the trail implies ------------------------------------------------------------


def replay_notice(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    """An award row that published a notice (older award rows published none)."""
    notice = data.get("notice")
    if not isinstance(notice, dict):
        return
    code = str(row.project_code)
    fact = replay.fact("award_notice", notice_key(code, notice.get("number")))
    fact.set_many(
        {
            "organization": data.get("organization"),
            "published_on": notice.get("published_on"),
            "notice_ends_on": notice.get("notice_ends_on"),
            "objections_close_on": notice.get("objections_close_on"),
        }
    )


def replay_objection(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    key = objection_key(code, data.get("organization"), data.get("notice"))
    replay.fact("objection", key).set_many(
        {
            "text": data.get("text"),
            "lodged_on": data.get("lodged_on"),
            "recorded_by": data.get("recorded_by", row.actor),
            "recorded_role": data.get("recorded_role", row.role),
            "document_ref": data.get("document_ref"),
        }
    )


def replay_answer(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    key = answer_key(code, data.get("organization"), data.get("notice"))
    replay.fact("objection_answer", key).set_many(
        {
            "outcome": data.get("outcome"),
            "reason": row.reason,
            "answered_on": data.get("answered_on"),
            "answered_by": row.actor,
        }
    )
    if data.get("outcome") == "upheld":
        replay.fact("project", code).set("awarded", None)


# -- what the tables hold --------------------------------------------------------------


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _rows(session: Session, statement: Any, code: str | None) -> Iterator[Any]:
    if code is not None:
        statement = statement.where(_t(Project).c.code == code)
    yield from session.connection().execute(statement)


def stored_notice_facts(session: Session, code: str | None) -> Iterator[Fact]:
    """Every award notice, objection and answer (one project's when ``code`` is given).

    Nothing while the tables do not exist yet: migration 0005 compares the trail with the
    tables of its own time, before 0010 adds these.
    """
    if not inspect(session.connection()).has_table(AwardNotice.__tablename__):
        return
    n, p, o = _t(AwardNotice), _t(Project), _t(Organization)
    notices = select(
        p.c.code, n.c.number, o.c.uscc, n.c.published_on, n.c.notice_ends_on,
        n.c.objections_close_on,
    ).select_from(
        n.join(p, p.c.id == n.c.project_id).join(o, o.c.id == n.c.organization_id)
    )  # fmt: skip
    for project, number, uscc, published, ends, closes in _rows(session, notices, code):
        key = notice_key(project, number)
        fact = Fact("award_notice", key, key, project=project)
        fact.set_many(
            {
                "organization": uscc,
                "published_on": published,
                "notice_ends_on": ends,
                "objections_close_on": closes,
            }
        )
        yield fact
    ob, an = _t(Objection), _t(ObjectionAnswer)
    joined = (
        ob.join(n, n.c.id == ob.c.notice_id)
        .join(p, p.c.id == n.c.project_id)
        .join(o, o.c.id == ob.c.organization_id)
    )
    objections = select(
        p.c.code, n.c.number, o.c.uscc, ob.c.text, ob.c.lodged_on, ob.c.recorded_by,
        ob.c.recorded_role, ob.c.document_ref,
    ).select_from(joined)  # fmt: skip
    for project, number, uscc, text, lodged, by, role, ref in _rows(session, objections, code):
        key = objection_key(project, uscc, number)
        fact = Fact("objection", key, key, project=project)
        fact.set_many(
            {
                "text": text,
                "lodged_on": lodged,
                "recorded_by": by,
                "recorded_role": role,
                "document_ref": ref,
            }
        )
        yield fact
    answers = select(
        p.c.code, n.c.number, o.c.uscc, an.c.outcome, an.c.reason, an.c.answered_on,
        an.c.answered_by,
    ).select_from(an.join(joined, ob.c.id == an.c.objection_id))  # fmt: skip
    for project, number, uscc, outcome, reason, on, by in _rows(session, answers, code):
        key = answer_key(project, uscc, number)
        fact = Fact("objection_answer", key, key, project=project)
        fact.set_many({"outcome": outcome, "reason": reason, "answered_on": on, "answered_by": by})
        yield fact

"""One successor rule: every path to ``renewed`` creates the same next-year project.

``procure advance … renew``, ``accept_rectification`` and the year-end run each
create the next year's project with the same code rule, carried terms and audit
row; each refuses a renewal whose organization is barred from next year in the
same words; a renewed project signs with the carried terms by default.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, col, select

from procure import renew_year
from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.browse.visibility import viewer_scope
from procure.services.browse.waiting import waiting_for
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.audit import rows_for_project, verify_chain
from procure.store.models import Organization, Project, TransitionLog
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_FAIL,
    ASSESSMENT_PASS,
    OFFICER,
    QIHANG,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
)

YEAR = 2019
FUNDS = "9000000.00"


def _assessed(session: Session) -> None:
    """SM-2019-001 renews (优秀), SM-2019-003 goes to rectification (合格); both 启航's."""
    setup_registry(session, funds=FUNDS)
    for plan in (
        Plan(code="SM-2019-001", assessment=ASSESSMENT_EXCELLENT),
        Plan(code="SM-2019-003", assessment=ASSESSMENT_PASS),
    ):
        drive(session, create_project(session, plan), "assessed")


def _by_renew(session: Session) -> None:
    lc.renew(session, "SM-2019-001", OFFICER)


def _by_run(session: Session) -> None:
    run = renew_year(session, YEAR, apply=True, actor=OFFICER)
    assert [r.status for r in run.results] == ["done", "done"]


def _by_accepted_rectification(session: Session) -> None:
    lc.require_rectification(session, "SM-2019-003", OFFICER)
    lc.accept_rectification(session, "SM-2019-003", OFFICER)


def _by_run_then_accepted_rectification(session: Session) -> None:
    renew_year(session, YEAR, apply=True, actor=OFFICER)
    lc.accept_rectification(session, "SM-2019-003", OFFICER)


PATHS: dict[str, tuple[str, Callable[[Session], None]]] = {
    "renew": ("SM-2019-001", _by_renew),
    "run": ("SM-2019-001", _by_run),
    "accept_rectification": ("SM-2019-003", _by_accepted_rectification),
    "run, then accept_rectification": ("SM-2019-003", _by_run_then_accepted_rectification),
}


def _successor_of(session: Session, code: str) -> dict[str, Any]:
    previous = queries.project_by_code(session, code)
    following = session.exec(select(Project).where(Project.previous_project_id == previous.id))
    row = following.one()
    organization = session.get(Organization, row.awarded_organization_id)
    assert organization is not None
    fields = row.model_dump(exclude={"id", "previous_project_id", "awarded_organization_id"})
    return {**fields, "organization": organization.uscc}


def _audit_of(session: Session, code: str, next_code: str) -> list[tuple[Any, ...]]:
    """The renewal's own log row and the creation row chained right after it."""
    renewal = rows_for_project(session, code)[-1]
    created = rows_for_project(session, next_code)
    assert [row.seq for row in created] == [renewal.seq + 1]
    return [
        (renewal.to_state, renewal.actor, renewal.role, renewal.data),
        tuple(
            getattr(created[0], name)
            for name in ("actor", "role", "trigger", "from_state", "to_state", "reason", "data")
        ),
    ]


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_to_renewed_creates_the_same_next_years_project(
    session: Session, path: str
) -> None:
    _assessed(session)
    code, renew = PATHS[path]
    next_code = code.replace("2019", "2020")

    renew(session)

    assert queries.project_by_code(session, code).state == "renewed"
    following = queries.project_by_code(session, next_code)
    assert _successor_of(session, code) == {
        "code": next_code,
        "year": 2020,
        "title": "职工成长方程式",
        "purpose": "",
        "purchaser_id": following.purchaser_id,
        "budget": Decimal("868000.00"),
        "state": "awarded",
        "version": 1,
        "carried_amount": Decimal("868000.00"),
        "carried_start_on": date(2020, 3, 1),
        "carried_end_on": date(2020, 12, 31),
        "organization": QIHANG,
    }
    (state, actor, role, data), created = _audit_of(session, code, next_code)
    assert (state, actor, role) == ("renewed", OFFICER.name, "officer")
    assert json.loads(data)["next_project"] == next_code
    assert created == (
        OFFICER.name,
        "officer",
        "create",
        None,
        "awarded",
        f"renewal of {code}",
        (
            '{"actor_name":"李秀梅","amount":"868000.00","budget":"868000.00","end":"2020-12-31",'
            f'"organization":"{QIHANG}","purchaser":"SM-FED","purpose":"","renewed_from":"{code}",'
            '"start":"2020-03-01","title":"职工成长方程式","year":2020}'
        ),
    )
    assert verify_chain(session).ok


@pytest.mark.parametrize("path", ["renew", "run"])
def test_a_taken_code_gives_the_same_r_code_on_every_path(session: Session, path: str) -> None:
    _assessed(session)
    first = queries.project_by_code(session, "SM-2019-001")
    session.add(
        Project(
            code="SM-2020-001",
            year=2020,
            title="另一个项目",
            purchaser_id=first.purchaser_id,
            budget=Decimal("1.00"),
            state="draft",
        )
    )
    session.commit()

    PATHS[path][1](session)

    assert _successor_of(session, "SM-2019-001")["code"] == "SM-R-2020-001"


def test_renewing_links_an_existing_successor_instead_of_creating_one(session: Session) -> None:
    _assessed(session)
    first = queries.project_by_code(session, "SM-2019-001")
    session.add(
        Project(
            code="SM-2020-101",
            year=2020,
            title="续",
            purchaser_id=first.purchaser_id,
            budget=Decimal("1.00"),
            state="draft",
            previous_project_id=first.id,
        )
    )
    session.commit()

    lc.renew(session, "SM-2019-001", OFFICER)

    codes = session.exec(select(Project.code).where(Project.year == 2020))
    assert list(codes) == ["SM-2020-101"]
    last = session.exec(select(TransitionLog).order_by(col(TransitionLog.seq).desc())).first()
    assert last is not None and last.trigger == "renew"
    assert '"next_project":"SM-2020-101"' in last.data


def _barred(session: Session, rectifying: bool) -> str:
    """启航's SM-2019-001 (renew or rectify) and SM-2019-002 (fail), dropped: 启航 is barred."""
    setup_registry(session, funds=FUNDS)
    grade = ASSESSMENT_PASS if rectifying else ASSESSMENT_EXCELLENT
    drive(session, create_project(session, Plan(code="SM-2019-001", assessment=grade)), "assessed")
    failed = Plan(code="SM-2019-002", assessment=ASSESSMENT_FAIL)
    drive(session, create_project(session, failed), "assessed")
    lc.drop(session, "SM-2019-002", OFFICER, reason="考核不合格")
    return (
        "厦门市思明区启航社会工作服务中心 不得承接SM-FED 2020 年度的项目："
        "dropped after SM-2019-002: 考核不合格"
    )


def test_renew_refuses_an_organization_barred_next_year_and_the_run_asks_for_a_decision(
    session: Session,
) -> None:
    reason = _barred(session, rectifying=False)

    with pytest.raises(Refused) as refused:
        lc.renew(session, "SM-2019-001", OFFICER)
    with use_language("en"):
        with pytest.raises(Refused) as in_english:
            lc.renew(session, "SM-2019-001", OFFICER)
        run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert str(refused.value) == f"不能办理「续约」：{reason}"
    in_words = "厦门市思明区启航社会工作服务中心 is barred from SM-FED's 2020 awards: "
    assert str(in_english.value) == (
        f"Renew refused: {in_words}dropped after SM-2019-002: 考核不合格"
    )
    asks = f"Needs a decision: the policy renews it, but {in_words}"
    assert run.plan[0].action == "decide" and run.plan[0].reason.startswith(asks)
    assert [(r.project, r.status) for r in run.results] == [("SM-2019-001", "decide")]
    assert run.refused == 0
    assert queries.project_by_code(session, "SM-2019-001").state == "assessed"
    assert session.exec(select(Project).where(Project.year == 2020)).all() == []


def test_the_officer_drops_a_renewal_that_a_bar_forbids_and_the_year_is_done(
    session: Session,
) -> None:
    _barred(session, rectifying=False)

    lc.drop(session, "SM-2019-001", OFFICER, reason="not renewed: barred")
    again = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert queries.project_by_code(session, "SM-2019-001").state == "dropped"
    assert [r.status for r in again.results] == []
    assert again.counts["decide"] == 0


def test_a_good_grade_without_a_bar_still_may_not_be_dropped(session: Session) -> None:
    _assessed(session)

    with pytest.raises(Refused, match="续约政策的结论是续约，而不是不再合作"):
        lc.drop(session, "SM-2019-001", OFFICER, reason="not renewed: barred")


def test_accept_rectification_refuses_an_organization_barred_next_year(session: Session) -> None:
    reason = _barred(session, rectifying=True)
    lc.require_rectification(session, "SM-2019-001", OFFICER)

    with pytest.raises(Refused, match=f"^不能办理「整改验收通过」：{reason}$"):
        lc.accept_rectification(session, "SM-2019-001", OFFICER)

    assert queries.project_by_code(session, "SM-2019-001").state == "rectifying"


def test_a_renewed_project_signs_with_only_a_number_and_its_date(session: Session) -> None:
    _assessed(session)
    lc.renew(session, "SM-2019-001", OFFICER)

    lc.sign_contract(
        session, "SM-2020-001", OFFICER, number="HT-SM-2020-001", signed_on="2020-02-25"
    )

    following = queries.project_by_code(session, "SM-2020-001")
    contract = queries.contract_of(session, following)
    assert following.state == "contracted" and contract is not None
    assert (contract.amount, contract.start_on, contract.end_on) == (
        Decimal("868000.00"),
        date(2020, 3, 1),
        date(2020, 12, 31),
    )
    signed = rows_for_project(session, "SM-2020-001")[-1]
    assert '"amount":"868000.00"' in signed.data
    assert '"carried_forward":["amount","start","end"]' in signed.data


def test_given_terms_override_the_carried_ones_and_are_checked(session: Session) -> None:
    _assessed(session)
    lc.renew(session, "SM-2019-001", OFFICER)

    with pytest.raises(Refused, match="超出批准预算"):
        lc.sign_contract(session, "SM-2020-001", OFFICER, number="HT-1", amount="900000.00")
    lc.sign_contract(
        session,
        "SM-2020-001",
        OFFICER,
        number="HT-1",
        amount="800000.00",
        end="2020-11-30",
        signed_on="2020-02-25",
    )

    contract = queries.contract_of(session, queries.project_by_code(session, "SM-2020-001"))
    assert contract is not None
    assert (contract.amount, contract.start_on, contract.end_on) == (
        Decimal("800000.00"),
        date(2020, 3, 1),
        date(2020, 11, 30),
    )


def test_a_project_without_carried_terms_needs_amount_start_and_end(session: Session) -> None:
    setup_registry(session, funds=FUNDS)
    plan = drive(session, create_project(session, Plan(code="SM-2019-001")), "awarded")

    with pytest.raises(Refused) as refused:
        lc.sign_contract(session, plan.code, OFFICER, number="HT-1")
    with pytest.raises(
        Refused, match="^不能办理「签订合同」：须填写服务结束日期：SM-2019-001 没有续约"
    ):
        lc.sign_contract(
            session, plan.code, OFFICER, number="HT-1", amount="1.00", start="2019-03-01"
        )

    assert str(refused.value) == (
        "不能办理「签订合同」：须填写合同金额、服务开始日期、服务结束日期："
        "SM-2019-001 没有续约结转的合同条款"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.sign_contract(session, plan.code, OFFICER, number="HT-1")
    assert str(in_english.value) == (
        "Sign the contract refused: needs Contract amount, Service start date, Service end date: "
        "SM-2019-001 has no contract terms carried forward from a renewal"
    )
    assert queries.project_by_code(session, plan.code).state == "awarded"


def test_a_renewal_a_bar_forbids_waits_as_a_drop_and_one_without_as_a_renewal(
    session: Session,
) -> None:
    _barred(session, rectifying=False)
    unbarred = Plan(
        code="SM-2019-003",
        assessment=ASSESSMENT_EXCELLENT,
        proposals={TONGXIN: "868000.00", QIHANG: "880000.00"},
        winner=TONGXIN,
    )
    drive(session, create_project(session, unbarred), "assessed")

    found = waiting_for(session, viewer_scope(session, OFFICER.name), OFFICER.name)

    actions = {item.code: [a.trigger for a in item.actions] for item in found}
    assert actions["SM-2019-001"] == ["record_payment", "drop"]  # 启航 is barred in 2020
    assert actions["SM-2019-003"] == ["record_payment", "renew"]  # 同心 is not

"""The OCDS mapping of one project's public facts (no database), checked against the schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from procure.services.opendata.config import OpenDataConfig
from procure.services.opendata.facts import (
    AssessmentFacts,
    BuyerFacts,
    ContractFacts,
    NoticeFacts,
    ObjectionFacts,
    OrganizationFacts,
    PaymentFacts,
    ProjectFacts,
    ProposalFacts,
)
from procure.services.opendata.mapping import release
from procure.services.opendata.values import day_end, day_start, moment, money
from tests.ocds_schema import schema_errors

QIHANG = OrganizationFacts("52350203MJ0316852A", "启航社工")


TONGXIN = OrganizationFacts("52350203MJ0427391G", "同心中心")


CONFIG = OpenDataConfig()


def _at(day: int, hour: int = 1) -> datetime:
    return datetime(2019, 2, day, hour, tzinfo=UTC)


def _objection(outcome: str | None) -> ObjectionFacts:
    return ObjectionFacts(
        organization=TONGXIN,
        text="请复核价格分",
        lodged_on=date(2019, 2, 21),
        outcome=outcome,
        outcome_zh={"upheld": "质疑成立", "rejected": "质疑不成立"}.get(outcome or "", "待答复"),
        reason="复核结论" if outcome else None,
        answered_on=date(2019, 2, 25) if outcome else None,
    )


def _notice(
    number: int = 1, *objections: ObjectionFacts, to: OrganizationFacts = QIHANG
) -> NoticeFacts:
    return NoticeFacts(
        number=number,
        organization=to,
        price=Decimal("868000.00"),
        published_at=_at(19),
        notice_ends_on=date(2019, 2, 26),
        objections_close_on=date(2019, 2, 28),
        objections=objections,
    )


def _proposals() -> tuple[ProposalFacts, ...]:
    return (
        ProposalFacts(QIHANG, Decimal("868000.00"), 1, Decimal("87.89"), True),
        ProposalFacts(TONGXIN, Decimal("820000.00"), 2, Decimal("78.75"), True),
    )


def _contract(*amounts: str) -> ContractFacts:
    return ContractFacts(
        number="思总工购〔2019〕1号",
        organization=QIHANG,
        amount=Decimal("868000.00"),
        start_on=date(2019, 3, 1),
        end_on=date(2019, 12, 31),
        signed_on=date(2019, 2, 26),
        payments=tuple(
            PaymentFacts(tranche, Decimal(amount), date(2019, 3 + tranche, 15))
            for tranche, amount in enumerate(amounts, start=1)
        ),
    )


def _facts(**changes: Any) -> ProjectFacts:
    base = ProjectFacts(
        code="SM-2019-001",
        title="职工成长方程式",
        purpose="帮助职工成长",
        year=2019,
        budget=Decimal("900000.00"),
        state="approved",
        buyer=BuyerFacts("SM-FED", "思明区总工会"),
        last_moment=_at(14),
        last_seq=42,
    )
    return replace(base, **changes)


def _contracted(**changes: Any) -> ProjectFacts:
    contracted: dict[str, Any] = {
        "state": "in_service",
        "call_opened_at": _at(1),
        "call_closed_at": _at(12),
        "proposals": _proposals(),
        "reviewers": ("陈建华", "林晓燕"),
        "notices": (_notice(),),
        "contract": _contract("347200.00", "260400.00"),
    }
    return _facts(**{**contracted, **changes})


def _package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": CONFIG.uri(2019, None),
        "version": "1.1",
        "publishedDate": moment(_at(28)),
        "publisher": {"name": "思明区总工会"},
        "releases": list(releases),
    }


def test_moments_carry_the_beijing_offset_and_days_span_first_to_last_second() -> None:
    assert moment(datetime(2019, 2, 18, 17, 30, tzinfo=UTC)) == "2019-02-19T01:30:00+08:00"
    assert day_start(date(2019, 3, 1)) == "2019-03-01T00:00:00+08:00"
    assert day_end(date(2019, 12, 31)) == "2019-12-31T23:59:59+08:00"


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        moment(datetime(2019, 2, 19, 9))


def test_money_is_a_json_number_in_yuan() -> None:
    assert money(Decimal("347200.10")) == {"amount": 347200.1, "currency": "CNY"}
    assert json.dumps(money(Decimal("868000.00"))) == '{"amount": 868000.0, "currency": "CNY"}'


def test_an_approved_project_is_a_planning_release_with_its_budget_and_purpose() -> None:
    shown = release(_facts(), CONFIG)

    assert (shown["ocid"], shown["id"]) == (
        "ocds-procure-SM-2019-001",
        "ocds-procure-SM-2019-001-42",
    )
    assert shown["tag"] == ["planning"]
    assert shown["tender"]["status"] == "planned"
    assert shown["planning"]["rationale"] == "帮助职工成长"
    assert shown["planning"]["budget"]["amount"] == {"amount": 900000.0, "currency": "CNY"}
    assert shown["parties"] == [
        {"id": "SM-FED", "name": "思明区总工会", "roles": ["buyer", "procuringEntity"]}
    ]
    assert schema_errors(_package(shown)) == []


def test_before_the_award_notice_no_proposal_or_reviewer_is_published() -> None:
    shown = release(
        _facts(state="reviewing", call_opened_at=_at(1), call_closed_at=_at(12)), CONFIG
    )

    assert shown["tag"] == ["planning", "tender"]
    assert shown["tender"]["status"] == "active"
    assert shown["tender"]["tenderPeriod"] == {
        "startDate": "2019-02-01T09:00:00+08:00",
        "endDate": "2019-02-12T09:00:00+08:00",
    }
    assert "tenderers" not in shown["tender"] and "documents" not in shown["tender"]
    assert [party["id"] for party in shown["parties"]] == ["SM-FED"]


def test_a_contracted_project_has_its_award_contract_and_payments_as_transactions() -> None:
    shown = release(_contracted(), CONFIG)

    assert shown["tag"] == ["planning", "tender", "award", "contract", "implementation"]
    (award,) = shown["awards"]
    assert (award["id"], award["status"], award["date"]) == (
        "SM-2019-001-award-1",
        "active",
        "2019-02-19T09:00:00+08:00",
    )
    assert award["suppliers"] == [{"id": "CN-USCC-52350203MJ0316852A", "name": "启航社工"}]
    (contract,) = shown["contracts"]
    assert (contract["id"], contract["awardID"], contract["status"]) == (
        "思总工购〔2019〕1号",
        "SM-2019-001-award-1",
        "active",
    )
    assert contract["dateSigned"] == "2019-02-26T00:00:00+08:00"
    transactions = contract["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [347200.0, 260400.0]
    assert transactions[0]["payer"] == {"id": "SM-FED", "name": "思明区总工会"}
    assert transactions[0]["payee"]["id"] == "CN-USCC-52350203MJ0316852A"
    assert schema_errors(_package(shown)) == []


def test_organizations_are_parties_under_their_uscc_with_every_role_they_played() -> None:
    shown = release(_contracted(), CONFIG)

    roles = {party["id"]: party["roles"] for party in shown["parties"]}
    assert roles == {
        "SM-FED": ["buyer", "procuringEntity", "payer"],
        "CN-USCC-52350203MJ0316852A": ["tenderer", "supplier", "payee"],
        "CN-USCC-52350203MJ0427391G": ["tenderer"],
    }
    qihang = next(p for p in shown["parties"] if p["id"].endswith(QIHANG.uscc))
    assert qihang["identifier"] == {"scheme": "CN-USCC", "id": QIHANG.uscc, "legalName": "启航社工"}


def test_reviewers_are_never_parties_and_are_named_only_when_the_rules_allow() -> None:
    named = release(_contracted(), CONFIG)
    unnamed = release(_contracted(reviewers=None), CONFIG)

    assert all("陈建华" not in party["name"] for party in named["parties"])
    assert "评审专家：陈建华、林晓燕" in named["tender"]["documents"][0]["description"]
    assert "陈建华" not in json.dumps(unnamed, ensure_ascii=False)


def test_the_panel_result_lists_each_proposals_rank_price_and_score() -> None:
    (document,) = release(_contracted(reviewers=None), CONFIG)["tender"]["documents"]

    assert document["documentType"] == "evaluationReports"
    assert document["description"].splitlines() == [
        "第1名：启航社工（52350203MJ0316852A），报价 868000.00 元，评审得分 87.89",
        "第2名：同心中心（52350203MJ0427391G），报价 820000.00 元，评审得分 78.75",
    ]


def test_a_rejected_objection_is_published_and_leaves_the_award_standing() -> None:
    shown = release(_contracted(notices=(_notice(1, _objection("rejected")),)), CONFIG)

    (award,) = shown["awards"]
    assert award["status"] == "active"
    complaint = award["documents"][1]
    assert complaint["documentType"] == "complaints"
    assert complaint["description"] == "质疑：请复核价格分\n答复：质疑不成立：复核结论"
    assert "awardCancellation" not in shown["tag"]
    assert schema_errors(_package(shown)) == []


def test_an_upheld_objection_cancels_its_award_and_the_next_notice_is_the_award() -> None:
    first = _notice(1, _objection("upheld"))
    second = replace(_notice(2, to=TONGXIN), published_at=_at(27))
    shown = release(_contracted(notices=(first, second), contract=None, state="awarded"), CONFIG)

    assert [(a["id"], a["status"]) for a in shown["awards"]] == [
        ("SM-2019-001-award-1", "cancelled"),
        ("SM-2019-001-award-2", "pending"),
    ]
    assert shown["tag"] == ["planning", "tender", "award", "awardCancellation"]
    assert shown["tender"]["status"] == "complete"
    assert schema_errors(_package(shown)) == []


def test_an_upheld_objection_reopens_the_tender_while_no_award_stands() -> None:
    reopened = _contracted(
        notices=(_notice(1, _objection("upheld")),), contract=None, state="reviewing"
    )

    shown = release(reopened, CONFIG)

    assert shown["awards"][0]["status"] == "cancelled"
    assert shown["tender"]["status"] == "active"


def test_the_assessment_is_a_document_of_the_contracts_implementation() -> None:
    assessment = AssessmentFacts(
        total=Decimal("94.96"),
        grade="excellent",
        grade_zh="优秀",
        veto=False,
        decision_zh="续约",
        finalized_at=_at(18),
    )
    shown = release(_contracted(state="renewed", assessment=assessment), CONFIG)

    (contract,) = shown["contracts"]
    (document,) = contract["implementation"]["documents"]
    assert contract["status"] == "terminated"
    assert document["description"] == "考核总分 94.96；等级 优秀（excellent）；决定 续约"
    assert document["datePublished"] == "2019-02-18T09:00:00+08:00"
    assert schema_errors(_package(shown)) == []


def test_a_cancelled_project_is_a_tender_cancellation() -> None:
    shown = release(_facts(state="cancelled", call_opened_at=_at(1)), CONFIG)

    assert shown["tag"] == ["planning", "tender", "tenderCancellation"]
    assert shown["tender"]["status"] == "cancelled"


def test_the_schema_check_catches_a_status_outside_the_codelist() -> None:
    shown = release(_facts(), CONFIG)
    shown["tender"]["status"] = "soliciting"

    assert schema_errors(_package(shown)) == [
        "releases/0/tender/status: 'soliciting' is not one of ['planning', 'planned', 'active', "
        "'cancelled', 'unsuccessful', 'complete', 'withdrawn', None]"
    ]


def test_the_schema_check_catches_a_date_without_its_offset() -> None:
    package = _package(release(_facts(), CONFIG))
    package["publishedDate"] = "2019-02-28T09:00:00"

    assert schema_errors(package) == ["publishedDate: '2019-02-28T09:00:00' is not a 'date-time'"]

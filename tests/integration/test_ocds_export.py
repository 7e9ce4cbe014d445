"""The OCDS release package of the Siming 2019 year, and of an award reopened by an objection.

The demo runs once per backend (``siming_demo``); the objection cases build their own
project on the function-scoped ``session`` of each backend.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.services.loading.generate import generate_year
from procure.services.opendata.ocds import package_bytes, release_package, write_package
from procure.services.opendata.ocds_trail import ocds_problems
from procure.services.opendata.values import moment
from procure.services.public import objections
from procure.store import audit
from procure.store.models import (
    Assessment,
    Contract,
    Inspection,
    OrganizationComment,
    Payment,
    Project,
    Recusal,
    TransitionLog,
)
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    REVIEWERS,
    TONGXIN,
    organization_actor,
    project_at,
)
from tests.integration.siming_demo import BACKENDS, demo_session
from tests.integration.visibility.conftest import installed_policy
from tests.ocds_schema import schema_errors


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


PUBLIC_2019 = [f"SM-2019-00{n}" for n in range(1, 8)]  # 008 rejected, 009 cancelled in draft


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest) -> Iterator[Session]:
    yield from demo_session(request)


@pytest.fixture(scope="module")
def package(demo: Session) -> dict[str, Any]:
    return release_package(demo, 2019)


def _release(package: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in package["releases"] if r["ocid"].endswith(f"-{code}"))
    return found


def _text(package: dict[str, Any]) -> str:
    return package_bytes(package).decode()


def test_the_2019_package_validates_against_the_ocds_1_1_5_release_package_schema(
    package: dict[str, Any],
) -> None:
    assert schema_errors(package) == []
    assert (package["version"], package["uri"]) == ("1.1", "urn:procure:ocds:ALL:2019")
    assert package["publisher"] == {"name": "厦门市思明区总工会"}
    assert "license" not in package and "publicationPolicy" not in package


def test_each_public_2019_project_is_one_release_in_code_order(package: dict[str, Any]) -> None:
    assert [r["ocid"] for r in package["releases"]] == [f"ocds-procure-{c}" for c in PUBLIC_2019]
    assert len({r["id"] for r in package["releases"]}) == len(PUBLIC_2019)


def test_each_release_has_its_award_and_contract_and_no_payment_the_public_may_not_see(
    package: dict[str, Any],
) -> None:
    for code in PUBLIC_2019:
        shown = _release(package, code)
        (award,) = shown["awards"]
        (contract,) = shown["contracts"]

        assert "award" in shown["tag"]
        assert award["status"] == "active" and contract["awardID"] == award["id"]
        assert contract.get("implementation", {}).get("transactions", []) == []


def test_payments_are_published_summing_to_what_was_paid_once_the_policy_makes_them_public(
    demo: Session, tmp_path: Path
) -> None:
    public = [("payment", "public: never", "public: after_contract")]
    with installed_policy(public, tmp_path):
        package = release_package(demo, 2019)
    assert schema_errors(package) == []
    for code in PUBLIC_2019:
        contract_row, paid = demo.exec(
            select(Contract, func.sum(Payment.amount))
            .join(Project, col(Project.id) == Contract.project_id)
            .join(Payment, col(Payment.contract_id) == Contract.id)
            .where(Project.code == code)
            .group_by(col(Contract.id))
        ).one()
        shown = _release(package, code)
        (contract,) = shown["contracts"]
        transactions = contract["implementation"]["transactions"]

        assert "implementation" in shown["tag"]
        assert contract["id"] == contract_row.number
        assert Decimal(str(contract["value"]["amount"])) == contract_row.amount
        assert sum(Decimal(str(t["value"]["amount"])) for t in transactions) == paid
        assert {t["value"]["currency"] for t in transactions} == {"CNY"}


def test_a_package_publishing_payments_is_checked_against_the_trail_payment_by_payment(
    demo: Session, tmp_path: Path
) -> None:
    with installed_policy([("payment", "public: never", "public: after_contract")], tmp_path):
        package = release_package(demo, 2019)
    by_project = {code: audit.rows_for_project(demo, code) for code in PUBLIC_2019}
    assert ocds_problems(package, by_project, PUBLIC_2019) == []

    _release(package, "SM-2019-001")["contracts"][0]["implementation"]["transactions"].pop()

    (problem,) = ocds_problems(package, by_project, PUBLIC_2019)
    assert problem.startswith("SM-2019-001: payments ")


def test_the_rejected_objection_of_sm_2019_002_is_published_and_does_not_cancel_its_award(
    package: dict[str, Any],
) -> None:
    (award,) = _release(package, "SM-2019-002")["awards"]

    assert award["status"] == "active"
    (complaint,) = [d for d in award["documents"] if d["documentType"] == "complaints"]
    assert "厦门市思明区职工志愿者协会" in complaint["title"]
    assert "答复：质疑不成立" in complaint["description"]


def test_the_year_end_assessment_and_decision_are_published_with_the_contract(
    package: dict[str, Any],
) -> None:
    (contract,) = _release(package, "SM-2019-005")["contracts"]
    (document,) = contract["implementation"]["documents"]

    assert document["description"].startswith("考核总分 51.40；等级 不合格")
    assert document["description"].endswith("决定 不再合作")
    assert contract["status"] == "terminated"


def test_nothing_private_is_exported(demo: Session, package: dict[str, Any]) -> None:
    text = _text(package)
    private = [
        *(a.narrative for a in demo.exec(select(Assessment)).all()),
        *(n for a in demo.exec(select(Assessment)).all() for n in (a.narratives or {}).values()),
        *(r.reason for r in demo.exec(select(Recusal)).all()),
        *(i.findings for i in demo.exec(select(Inspection)).all()),
        *(c.text for c in demo.exec(select(OrganizationComment)).all()),
        *(p.note for p in demo.exec(select(Payment)).all() if p.note),
    ]

    assert private and [item for item in private if item in text] == []
    assert "qihang" not in text and "admin" not in text  # no account login


def test_purchaser_narrows_to_its_projects_and_those_below_it(demo: Session) -> None:
    station = release_package(demo, 2019, "SM-WJ")
    federation = release_package(demo, 2019, "SM-FED")

    assert [r["ocid"] for r in station["releases"]] == ["ocds-procure-SM-2019-003"]
    assert station["uri"] == "urn:procure:ocds:SM-WJ:2019"
    assert station["publisher"] == {"name": "厦门市思明区总工会"}
    assert len(federation["releases"]) == len(PUBLIC_2019)
    assert schema_errors(station) == []


def test_an_unknown_year_or_purchaser_is_refused_by_name(demo: Session) -> None:
    with pytest.raises(NotFound, match="^no public projects in 2031$"):
        release_package(demo, 2031)
    with pytest.raises(NotFound, match="^unknown purchaser 'SM-NOPE'$"):
        release_package(demo, 2019, "SM-NOPE")
    with pytest.raises(NotFound, match=r"no public projects in 2019 for SM-YD \("):
        release_package(demo, 2019, "SM-YD")  # its only project was not approved


def test_two_exports_of_the_same_data_are_byte_identical(demo: Session) -> None:
    assert package_bytes(release_package(demo, 2019)) == package_bytes(release_package(demo, 2019))


# The demo's packages as the export wrote them before it was made faster (issue 25): a change
# of speed must not change a byte; a change of content updates these on purpose.
PINNED_DEMO_EXPORTS = {
    (2019, None, False): "3f25da2b2e60f6da521ae2f95f3507d5dc998db5a0daa034a4eccc7308b47a7d",
    (2019, None, True): "b7cf9f3f59cc7032517386304423f40f50249a52dfe44b62cc0d53e7e2a7719b",
    (2020, None, False): "4d80b7f48993eec0e66f7af9d817dffba2e1b4aed0e5618ad4f4b0576d9e5b0b",
    (2019, "SM-WJ", False): "2498cce1ffc8ef7de0da4aefb2962f5f47e358e33711d54bab94384616df582e",
}


@pytest.mark.parametrize(("year", "purchaser", "sort_keys"), list(PINNED_DEMO_EXPORTS))
def test_the_streamed_export_of_the_demo_keeps_its_pinned_bytes(
    demo: Session, year: int, purchaser: str | None, sort_keys: bool
) -> None:
    written = io.BytesIO()

    write_package(demo, written, year, purchaser, sort_keys=sort_keys)

    digest = hashlib.sha256(written.getvalue()).hexdigest()
    assert digest == PINNED_DEMO_EXPORTS[year, purchaser, sort_keys]


def test_published_date_is_the_newest_audit_row_of_the_projects_unless_given(
    demo: Session, package: dict[str, Any]
) -> None:
    newest = demo.exec(
        select(func.max(TransitionLog.at)).where(col(TransitionLog.project_code).in_(PUBLIC_2019))
    ).one()
    given = release_package(demo, 2019, published=datetime(2020, 1, 6, 1, 0, tzinfo=UTC))

    assert package["publishedDate"] == moment(datetime.fromisoformat(newest))
    assert package["publishedDate"] == "2020-01-07T09:00:00+08:00"  # the year-end decisions
    assert given["publishedDate"] == "2020-01-06T09:00:00+08:00"
    with pytest.raises(InvalidInput, match="needs a time zone"):
        release_package(demo, 2019, published=datetime(2020, 1, 6, 9))


# --- an award reopened by an upheld objection (built, both backends) -----------------------


def _beijing(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


def _awarded_and_objected(session: Session) -> None:
    project_at(session, "reviewed")
    lc.award(session, CODE, OFFICER, organization=QIHANG, at=_beijing(date(2019, 9, 30)))
    objections.lodge(
        session, CODE, organization_actor(TONGXIN), organization=TONGXIN,
        text="评分标准未统一适用", at=_beijing(date(2019, 10, 9)),
    )  # fmt: skip


def test_an_upheld_objection_cancels_its_award_and_reopens_the_tender(session: Session) -> None:
    _awarded_and_objected(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="upheld",
        reason="价格分计算有误，重新评审", at=_beijing(date(2019, 10, 14)),
    )  # fmt: skip

    package = release_package(session, 2019)
    (shown,) = package["releases"]

    (award,) = shown["awards"]
    assert award["status"] == "cancelled"
    assert "awardCancellation" in shown["tag"]
    assert shown["tender"]["status"] == "active"
    assert "contracts" not in shown
    assert schema_errors(package) == []
    session.rollback()


def test_after_an_upheld_objection_the_next_award_is_pending_until_signed(
    session: Session,
) -> None:
    _awarded_and_objected(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="upheld",
        reason="价格分计算有误，重新评审", at=_beijing(date(2019, 10, 14)),
    )  # fmt: skip
    lc.award(session, CODE, OFFICER, organization=TONGXIN, at=_beijing(date(2019, 10, 21)))

    (shown,) = release_package(session, 2019)["releases"]

    assert [(a["id"], a["status"]) for a in shown["awards"]] == [
        (f"{CODE}-award-1", "cancelled"),
        (f"{CODE}-award-2", "pending"),
    ]
    assert shown["awards"][1]["suppliers"][0]["id"].endswith(TONGXIN)
    session.rollback()


def test_a_rejected_objection_leaves_the_award_pending_and_the_panel_named(
    session: Session,
) -> None:
    _awarded_and_objected(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="rejected",
        reason="经复核，评分标准一致适用", at=_beijing(date(2019, 10, 14)),
    )  # fmt: skip

    package = release_package(session, 2019)
    (shown,) = package["releases"]

    assert [a["status"] for a in shown["awards"]] == ["pending"]
    assert "awardCancellation" not in shown["tag"]
    assert all(reviewer.name in _text(package) for reviewer in REVIEWERS)  # after the award
    session.rollback()


def test_before_the_award_no_proposal_or_reviewer_is_exported(session: Session) -> None:
    project_at(session, "reviewed")

    package = release_package(session, 2019)
    text = _text(package)
    (shown,) = package["releases"]

    assert [reviewer.name for reviewer in REVIEWERS if reviewer.name in text] == []
    assert "tenderers" not in shown["tender"] and "awards" not in shown
    assert QIHANG not in text and TONGXIN not in text
    assert shown["tender"]["status"] == "active"
    assert schema_errors(package) == []
    session.rollback()


def test_a_generated_year_without_award_notices_still_names_each_contracts_award(
    session: Session,
) -> None:
    generate_year(session, year=2021, organizations=12, projects=30)

    package = release_package(session, 2021)

    assert len(package["releases"]) == 30
    assert schema_errors(package) == []
    for shown in package["releases"]:
        (award,) = shown["awards"]
        (contract,) = shown["contracts"]
        assert (award["status"], contract["awardID"]) == ("active", award["id"])
        assert award["suppliers"][0]["id"] in {p["id"] for p in shown["parties"]}


def test_the_2020_renewals_name_the_2019_process_they_continue(demo: Session) -> None:
    package = release_package(demo, 2020)

    assert schema_errors(package) == []
    renewed = {r["ocid"]: r["relatedProcesses"][0]["identifier"] for r in package["releases"]}
    assert renewed == {
        f"ocds-procure-SM-2020-00{n}": f"ocds-procure-SM-2019-00{n}" for n in (1, 2, 3, 7)
    }
    for shown in package["releases"]:
        (award,) = shown["awards"]
        assert shown["tender"]["procurementMethod"] == "limited"
        assert award["status"] == "pending" and award["value"]["currency"] == "CNY"

"""The Siming 2019 fixture reproduces the scores its header and fixtures/README.md document.

The demo (load the fixture, decide every assessed project) runs once per backend on a fresh
database; the tests read its review panels and assessments through the services' views.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlmodel import Session

from procure.resources import fixture_file
from procure.services.loading.demo import SIMING_FIXTURE
from procure.services.scoring.sheets import assessment_view, panel_view
from tests.integration.siming_demo import demo_session

pytestmark = pytest.mark.skipif(
    not fixture_file(SIMING_FIXTURE).is_file(), reason=f"fixtures/{SIMING_FIXTURE} not written yet"
)

QIHANG = "厦门市思明区启航社会工作服务中心"
LAOXIE = "厦门市思明区劳动关系协调促进会"
LUDAO = "厦门市思明区鹭岛社会工作服务中心"
TONGXIN = "厦门市思明区同心社会组织发展中心"

# (total, grade, decision) as the fixture's header documents them.
YEAR_RESULTS = {
    "SM-2019-001": ("94.96", "优秀", "renew"),
    "SM-2019-002": ("84.65", "良好", "renew"),
    "SM-2019-003": ("89.00", "良好", "renew"),
    "SM-2019-004": ("69.67", "合格", "rectify"),
    "SM-2019-005": ("51.40", "不合格", "drop"),
    "SM-2019-006": ("68.42", "不合格", "drop"),
    "SM-2019-007": ("82.22", "良好", "renew"),
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on a fresh database where the Siming demo has run (once per backend)."""
    yield from demo_session(request)


def _proposal(session: Session, code: str, organization: str) -> dict[str, Any]:
    view = panel_view(session, code)
    found: dict[str, Any] = next(p for p in view["proposals"] if p["organization"] == organization)
    return found


def _statuses(proposal: dict[str, Any]) -> dict[str, str]:
    return {sheet["reviewer"]: sheet["status"] for sheet in proposal["sheets"]}


def test_qihang_ranks_first_at_87_89_with_the_highest_and_lowest_sheet_trimmed(
    demo: Session,
) -> None:
    qihang = _proposal(demo, "SM-2019-001", QIHANG)

    assert (qihang["rank"], qihang["score"], qihang["valid_sheets"]) == (1, Decimal("87.89"), 5)
    assert qihang["trimmed"] is True and qihang["passes"] is True
    assert _statuses(qihang) == {
        "陈建华": "counted",
        "林晓燕": "counted",
        "黄志明": "trimmed_high",
        "郑丽娟": "counted",
        "吴国平": "trimmed_low",
    }


def test_the_labour_relations_association_scores_78_75_without_its_recused_reviewer(
    demo: Session,
) -> None:
    laoxie = _proposal(demo, "SM-2019-001", LAOXIE)

    assert (laoxie["rank"], laoxie["score"]) == (2, Decimal("78.75"))
    assert (laoxie["valid_sheets"], laoxie["trimmed"]) == (4, False)
    assert _statuses(laoxie)["吴国平"] == "recused"
    assert laoxie["recusals"] == [
        {
            "reviewer": "吴国平",
            "reason": "曾为该协会的申报方案提供咨询意见",
            "recorded_by": "李秀梅",
        }
    ]
    assert _proposal(demo, "SM-2019-001", LUDAO)["rank"] == 3


def test_a_conflict_declared_on_the_sheet_recuses_xu_wenbin_in_sm_2019_002(
    demo: Session,
) -> None:
    tongxin = _proposal(demo, "SM-2019-002", TONGXIN)

    xu = next(s for s in tongxin["sheets"] if s["reviewer"] == "许文彬")
    assert xu["status"] == "recused"
    assert "declared on the sheet" in xu["recusal_reason"]
    assert (tongxin["rank"], tongxin["valid_sheets"], tongxin["score"]) == (
        1,
        3,
        Decimal("88.07"),
    )


@pytest.mark.parametrize("code", sorted(YEAR_RESULTS))
def test_the_years_assessment_totals_grades_and_decisions_are_as_documented(
    demo: Session, code: str
) -> None:
    total, grade, action = YEAR_RESULTS[code]

    result = assessment_view(demo, code)["result"]

    assert (result["total"], result["grade_zh"], result["policy"]["action"]) == (
        Decimal(total),
        grade,
        action,
    )


def test_sm_2019_001_averages_its_two_assessors_sheets(demo: Session) -> None:
    view = assessment_view(demo, "SM-2019-001")

    assert [sheet["total"] for sheet in view["sheets"]] == [Decimal("95.46"), Decimal("94.46")]
    assert view["final"] is True


def test_sm_2019_006_is_vetoed_for_misuse_of_funds_despite_68_42(demo: Session) -> None:
    result = assessment_view(demo, "SM-2019-006")["result"]

    assert result["veto"] == ["misuse_of_funds"]
    assert (result["grade"], result["grade_zh"]) == ("fail", "不合格")
    assert result["total"] == Decimal("68.42")


def test_sm_2019_005_impact_is_not_applicable_and_the_total_rescaled(demo: Session) -> None:
    view = assessment_view(demo, "SM-2019-005")
    sheet = view["sheets"][0]

    assert sheet["points"]["impact_capacity"] is None
    assert sheet["inputs"]["impact_capacity"] == "n/a"
    applicable = sum((Decimal(p) for p in sheet["points"].values() if p is not None), Decimal(0))
    assert sheet["total"] == (applicable * 100 / 95).quantize(Decimal("0.01"), ROUND_HALF_UP)

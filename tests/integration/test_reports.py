"""Evaluation records on the Siming 2019 year: their data, their PDF, verification, batches.

PDF tests skip, with the reason shown, when WeasyPrint's system libraries or a CJK font
are missing (`bash .ci/system-packages.sh` installs them).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from procure.reports.data import record_codes, verification_code
from procure.store.db import new_session
from tests.integration.records import record_of


def test_only_contracted_projects_have_records(siming: Engine) -> None:
    with new_session(siming) as session:
        codes = record_codes(session, year=2019)
    assert codes == [f"SM-2019-00{n}" for n in range(1, 8)]


def _awarded(record: dict[str, Any]) -> dict[str, Any]:
    panel = record["panel"]
    proposal: dict[str, Any] = panel["proposals"][panel["awarded_index"]]
    return proposal


def test_five_sheet_panel_marks_exactly_one_highest_and_one_lowest_sheet(siming: Engine) -> None:
    sheets = _awarded(record_of(siming, "SM-2019-001"))["sheets"]
    statuses = {sheet["reviewer"]: sheet["status_zh"] for sheet in sheets}
    assert statuses == {
        "陈建华": "计入",
        "林晓燕": "计入",
        "黄志明": "去掉最高分",
        "郑丽娟": "计入",
        "吴国平": "去掉最低分",
    }


def test_panel_ranks_every_proposal_and_keeps_recusals_of_the_others(siming: Engine) -> None:
    panel = record_of(siming, "SM-2019-001")["panel"]
    ranking = [(p["rank"], p["score"], p["passes"], p["awarded"]) for p in panel["proposals"]]
    assert ranking == [
        (1, "87.89", True, True),
        (2, "78.75", True, False),
        (3, "75.76", True, False),
    ]
    assert (panel["quorum"], panel["trim_from"], panel["pass_mark"]) == (3, 5, "60")
    assert "报价由低到高" in panel["tie_rule_zh"]
    recused = [s for s in panel["proposals"][1]["sheets"] if s["status"] == "recused"]
    assert [(s["reviewer"], s["reason"]) for s in recused] == [
        ("吴国平", "曾为该协会的申报方案提供咨询意见")
    ]


def test_recused_sheet_is_listed_and_excluded_from_the_panel(siming: Engine) -> None:
    awarded = _awarded(record_of(siming, "SM-2019-002"))
    assert [s["status"] for s in awarded["sheets"]] == ["recused", "counted", "counted", "counted"]
    assert awarded["valid_sheets"] == 3
    assert awarded["trimmed"] is False


def test_assessment_is_shown_by_dimension_with_the_facts_behind_each_criterion(
    siming: Engine,
) -> None:
    assessment = record_of(siming, "SM-2019-001")["assessment"]
    dimensions = {d["code"]: d for d in assessment["dimensions"]}
    assert list(dimensions) == [
        "management", "finance", "outputs", "outcomes", "satisfaction", "impact"
    ]  # fmt: skip
    outputs = dimensions["outputs"]
    assert (outputs["score"], outputs["weight"], outputs["rate"]) == ("25.00", "25", "100.00")
    lines = {c["code"]: c for c in outputs["criteria"]}
    assert lines["output_activities"]["facts"] == [
        {"by": "", "text": "计划100场 实际120场 完成率120%"}
    ]
    assert lines["output_activities"]["points"] == "10.00"
    survey = dimensions["satisfaction"]["criteria"][0]
    assert survey["facts"][0]["text"] == "调查250人 满意241人 满意率96.4%"
    assert [n["by"] for n in dimensions["management"]["narratives"]] == [
        "厦门市社会组织评估中心·刘建国",
        "思明区总工会经审委员会·陈敏",
    ]
    assert dimensions["management"]["narratives"][1]["text"].startswith("管理制度健全")
    assert [(s["total"], s["grade_zh"]) for s in assessment["sheets"]] == [
        ("95.46", "优秀"),
        ("94.46", "优秀"),
    ]
    assert (assessment["total"], assessment["final"], assessment["rescaled"]) == (
        "94.96",
        True,
        False,
    )


def test_not_applicable_criterion_is_left_out_and_the_total_rescaled(siming: Engine) -> None:
    assessment = record_of(siming, "SM-2019-005")["assessment"]
    impact = assessment["dimensions"][-1]
    assert (impact["score"], impact["not_applicable"], impact["rate"]) == (None, True, None)
    assert impact["criteria"][0]["not_applicable"] is True
    assert (assessment["rescaled"], assessment["applicable_weight"]) == (True, "95")
    assert (assessment["raw_total"], assessment["total"]) == ("48.83", "51.40")
    assert len(impact["narratives"]) == 1 and impact["narratives"][0]["by"] == ""


def test_veto_and_the_organizations_comment_with_its_date(siming: Engine) -> None:
    record = record_of(siming, "SM-2019-006")
    assert record["assessment"]["veto"] == [{"code": "misuse_of_funds", "label_zh": "挪用资金"}]
    assert record["comments"] == [
        {
            "text": "承认资金使用不规范，已退回挪用款项，请求酌情处理。",
            "acknowledged": False,
            "on": "2019-12-24",
        }
    ]


def test_scorecard_versions_come_from_the_stored_rows(siming: Engine) -> None:
    cards = record_of(siming, "SM-2019-001")["scorecards"]
    used = [(c["name"], c["version"], c["title_zh"], c["first_used"]) for c in cards[:2]]
    assert used == [
        ("review", 2, "评审评分表", "2019-02-15"),
        ("assessment", 2, "绩效考核评分表", "2019-12-13"),
    ]
    assert all(len(c["digest"]) == 12 for c in cards[:2])


def test_policy_reasons_of_rectification_steps_read_in_chinese(siming: Engine) -> None:
    steps = record_of(siming, "SM-2019-004")["rectifications"]
    assert steps[0]["reason_zh"] == "考核等级合格（69.67分），按续约政策要求整改"


def test_decision_follows_the_project_state(siming: Engine) -> None:
    codes = ("SM-2019-001", "SM-2019-004", "SM-2019-006")
    decisions = {code: record_of(siming, code)["decision"]["zh"] for code in codes}
    assert decisions == {"SM-2019-001": "续约", "SM-2019-004": "整改", "SM-2019-006": "不再合作"}


def test_record_is_plain_json_data_with_amount_in_capitals(siming: Engine) -> None:
    record = record_of(siming, "SM-2019-001")
    assert record["contract"]["amount"] == "868000.00"
    assert record["contract"]["amount_capitals"] == "捌拾陆万捌仟元整"
    assert record["contract"]["period_zh"] == "2019年3月1日至2019年12月31日"
    assert "、 " not in record["project"]["purpose"]  # YAML folding leaves no gap in Chinese


def test_verification_code_changes_when_any_field_changes(siming: Engine) -> None:
    record = record_of(siming, "SM-2019-001")
    changed = {**record, "payments": {**record["payments"], "paid": "781200.01"}}
    assert verification_code(record) != verification_code(changed)
    assert verification_code(record) == verification_code(record_of(siming, "SM-2019-001"))


def test_missing_field_is_an_error_not_a_blank() -> None:
    from jinja2 import UndefinedError

    from procure.reports.render import render_html

    with pytest.raises(UndefinedError):
        render_html({"format": "x", "assessment": None})


def test_names_that_look_like_markup_or_template_code_are_escaped(siming: Engine) -> None:
    from procure.reports.render import render_html

    record = record_of(siming, "SM-2019-001")
    record["organization"]["name"] = "<script>alert(1)</script>{{7*7}}"
    html = render_html(record)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html

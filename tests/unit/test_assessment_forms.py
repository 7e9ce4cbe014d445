"""An assessor's form and an organization's comment form turned into a trigger's params, with each
bad value under its own field."""

from __future__ import annotations

import pytest

from procure.domain.language import use_language
from procure.services.lifecycle.project_actions import FormInvalid
from procure.services.scoring.assessment_forms import sheet_form, sheet_params, upload_params
from procure.services.scoring.assessment_pages import ACKNOWLEDGED_TEXT, comment_params

GOOD = {
    "c.project_management.score": "17",
    "c.financial_management.score": "13",
    "c.output_activities.planned": "60",
    "c.output_activities.actual": "60",
    "c.output_person_times.planned": "1000",
    "c.output_person_times.actual": "1000",
    "c.outcomes.score": "17",
    "c.satisfaction.respondents": "100",
    "c.satisfaction.satisfied": "60",
    "c.impact_capacity.score": "不适用",
}


def _errors(form: dict[str, str]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught:
        sheet_params(form)
    return caught.value.errors


def test_the_form_groups_every_criterion_under_its_dimension_and_lists_the_veto_items() -> None:
    form = sheet_form()
    assert [d.code for d in form.dimensions] == [
        "management",
        "finance",
        "outputs",
        "outcomes",
        "satisfaction",
        "impact",
    ]
    outputs = next(d for d in form.dimensions if d.code == "outputs")
    assert [c.code for c in outputs.criteria] == ["output_activities", "output_person_times"]
    assert outputs.weight == "25"
    assert [item.code for item in form.veto_items] == [
        "fraud",
        "falsified_data",
        "misuse_of_funds",
        "serious_safety_incident",
    ]


def test_a_good_form_gives_the_scores_narratives_and_checked_veto_items() -> None:
    params = sheet_params(
        {
            **GOOD,
            "n.finance": " 专款专用 ",
            "n.outputs": "",
            "veto.fraud": "true",
            "narrative": "好",
        }
    )
    assert params["scores"]["output_activities"] == {"planned": "60", "actual": "60"}
    assert params["scores"]["satisfaction"] == {"respondents": "100", "satisfied": "60"}
    assert params["scores"]["impact_capacity"] == "不适用"
    assert params["narratives"] == {"finance": "专款专用"}
    assert params["veto"] == ["fraud"] and params["narrative"] == "好"


def test_each_bad_value_is_named_under_its_own_criterion_in_chinese() -> None:
    errors = _errors(
        {
            **GOOD,
            "c.project_management.score": "20.5",
            "c.output_person_times.actual": "",
            "c.satisfaction.satisfied": "101",
            "c.financial_management.score": "1e3",
        }
    )
    assert set(errors) == {
        "c.project_management",
        "c.output_person_times",
        "c.satisfaction",
        "c.financial_management",
    }
    assert errors["c.project_management"].startswith("请填写 0 到 20 之间的分数")
    assert errors["c.output_person_times"].startswith("必填：请填写计划数与实际数")
    assert "（单位：人次）" in errors["c.output_person_times"]
    assert "满意人数不超过受访人数" in errors["c.satisfaction"]


def test_a_veto_item_not_in_the_policy_is_refused_under_veto() -> None:
    assert _errors({**GOOD, "veto.bribery": "true"})["veto"] == "未配置的一票否决事项：bribery"
    with use_language("en"):
        assert _errors({**GOOD, "veto.bribery": "true"})["veto"] == "Unknown veto item: bribery"


def test_a_bidi_control_in_a_narrative_is_refused_under_that_narrative() -> None:
    errors = _errors({**GOOD, "n.impact": "骨干\u202e志愿者", "narrative": "ok\u200f"})
    assert set(errors) == {"n.impact", "narrative"}


def test_an_upload_must_be_a_small_xlsx() -> None:
    for name, data, message in (
        ("sheet.csv", b"x", "请上传"),
        ("sheet.xlsx", b"", "文件是空的"),
        ("sheet.xlsx", b"x" * (2 * 2**20 + 1), "文件超过 2 MB"),
    ):
        with pytest.raises(FormInvalid) as caught:
            upload_params(data, name)
        assert message in caught.value.errors["upload"]


def test_an_organization_acknowledges_without_words_or_must_write_a_comment() -> None:
    assert comment_params({"acknowledged": "true"}) == {"text": "确认无异议", "acknowledged": True}
    with use_language("en"):
        assert comment_params({"acknowledged": "true"}) == {
            "text": ACKNOWLEDGED_TEXT,  # recorded in the language the organization reads
            "acknowledged": True,
        }
    assert comment_params({"text": " 请核对 "}) == {"text": "请核对", "acknowledged": False}
    with pytest.raises(FormInvalid) as caught:
        comment_params({"text": " "})
    assert set(caught.value.errors) == {"text"}

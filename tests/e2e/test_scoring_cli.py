"""Scoring from the command line: scorecards, Excel templates filled in as a person would,
.yaml and .json sheets, the review panel and the assessment, and malformed sheets refused.

The module prepares one database (a project under review with two proposals, a project being
assessed) and two blank templates; each test works on its own copy. A malformed sheet must be
refused with exit code 1, one line on stderr naming the file, the row or key and the reason,
and the database left exactly as it was. The templates and the sheets' refusals are read in
Chinese, the default (the rest of the tier runs procure in English).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.cli import (
    ASSESSOR,
    CHINESE,
    NARRATIVES,
    QIHANG,
    TONGXIN,
    YEAR,
    Run,
    dump,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sqlite_url,
)
from tests.e2e.sheets import fill, write_json, write_noise, write_text

REVIEW_CODE = f"SM-{YEAR}-001"
ASSESS_CODE = f"SM-{YEAR}-003"
REVIEWER = "陈建华"
REVIEW_XLSX: dict[str, Any] = {
    "needs_analysis": 9,
    "service_plan": 18,
    "outputs_outcomes": 9,
    "management_risk": 8.5,
    "team": 9,
    "past_performance": 8,
    "budget_reasonableness": 8,
}  # 69.5 judged points
ASSESSMENT_XLSX: dict[str, Any] = {
    "project_management": 19,
    "financial_management": 14,
    "output_activities": {"planned": 80, "actual": 96},
    "output_person_times": {"planned": 3000, "actual": 3120},
    "outcomes": 18,
    "satisfaction": {"respondents": 200, "satisfied": 186},
    "impact_capacity": 4.5,
}  # 19 + 14 + 10 + 15 + 18 + 13.95 + 4.5 = 94.45
UNDER_REVIEW = f"""\
    proposals:
      - {{organization: {QIHANG}, price: 850000.00}}
      - {{organization: {TONGXIN}, price: 800000.00}}
"""


@dataclass(frozen=True)
class Prepared:
    """The prepared database, its dump, and the blank templates."""

    database: Path
    dump: object
    review: Path
    assessment: Path

    def copy(self, folder: Path) -> str:
        target = folder / "procure.db"
        shutil.copyfile(self.database, target)
        return sqlite_url(target)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    folder = tmp_path_factory.mktemp("scoring")
    database = folder / "procure.db"
    reviewing = project_entry(REVIEW_CODE, stop_after="close_call", history=UNDER_REVIEW)
    assessing = project_entry(
        ASSESS_CODE,
        stop_after="begin_assessment",
        history=in_service_history() + "    assessment: {narrative: 待考核}\n",
    )
    (folder / "prepared.yaml").write_text(fixture(reviewing, assessing), encoding="utf-8")
    ok("init", db=sqlite_url(database))
    ok("load", str(folder / "prepared.yaml"), db=sqlite_url(database))
    review, assessment = folder / "review.xlsx", folder / "assessment.xlsx"
    # the templates and the sheets' refusals in Chinese, the default (the tier runs in English)
    ok("scorecard", "template", "review", "-o", str(review), lang=CHINESE)
    ok("scorecard", "template", "assessment", "-o", str(assessment), lang=CHINESE)
    return Prepared(database, dump(sqlite_url(database)), review, assessment)


def review_score(sheet: Path, db: str, *, reviewer: str = REVIEWER, org: str = QIHANG) -> Run:
    args = ("review", "score", REVIEW_CODE, "--org", org, "--reviewer", reviewer)
    return procure(*args, "--sheet", str(sheet), db=db, lang=CHINESE)


def assess_score(sheet: Path, db: str, *, assessor: str = ASSESSOR) -> Run:
    return procure(
        "assess", "score", ASSESS_CODE, "--assessor", assessor, "--sheet", str(sheet), db=db,
        lang=CHINESE,
    )  # fmt: skip


def panel_sheet(db: str, org: str, reviewer: str) -> dict[str, Any]:
    view = ok("review", "panel", REVIEW_CODE, "--json", db=db).json()
    proposal = next(p for p in view["proposals"] if p["uscc"] == org)
    found: dict[str, Any] = next(s for s in proposal["sheets"] if s["reviewer"] == reviewer)
    return found


# ------------------------------------------------------------------------- the good paths


def test_scorecard_show_json_gives_the_review_criteria_weights_and_panel_rules() -> None:
    card = ok("scorecard", "show", "review", "--json").json()

    assert (card["name"], card["version"], Decimal(card["pass_mark"])) == (
        "review",
        2,
        Decimal(60),
    )
    weights = {c["code"]: Decimal(c["weight"]) for c in card["criteria"]}
    assert sum(weights.values()) == 100
    assert (weights["price"], weights["service_plan"]) == (Decimal(20), Decimal(20))
    assert [c["code"] for c in card["criteria"] if c["allow_na"]] == ["past_performance"]
    assert card["panel"]["quorum"] == 3 and card["panel"]["trim_from"] == 5


def test_scorecard_show_json_gives_the_assessment_dimensions_and_attainment_bands() -> None:
    card = ok("scorecard", "show", "assessment", "--json").json()

    assert [d["code"] for d in card["dimensions"]] == [
        "management", "finance", "outputs", "outcomes", "satisfaction", "impact",
    ]  # fmt: skip
    activities = next(c for c in card["criteria"] if c["code"] == "output_activities")
    assert activities["kind"] == "attainment"
    assert [(b["from"], b["share"]) for b in activities["bands"]] == [
        ("1", "1"), ("0.8", "2/3"), ("0.6", "1/3"), ("0", "0"),
    ]  # fmt: skip
    assert [g["label_zh"] for g in card["grades"]] == ["优秀", "良好", "合格", "不合格"]


def test_scorecard_show_names_what_an_attainment_criterion_counts_in_the_language_in_use() -> None:
    english = ok("scorecard", "show", "assessment").stdout
    chinese = ok("scorecard", "show", "assessment", lang=CHINESE).stdout

    activities = next(line for line in english.splitlines() if "output_activities" in line)
    assert "sessions" in activities and "场" not in activities
    assert "人次" in next(line for line in chinese.splitlines() if "output_person_times" in line)


def test_a_filled_in_review_template_is_recorded_and_shown_on_the_panel(
    prepared: Prepared, tmp_path: Path
) -> None:
    db = prepared.copy(tmp_path)
    sheet = fill(prepared.review, tmp_path / "陈建华.xlsx", REVIEW_XLSX)

    run = review_score(sheet, db)

    assert run.code == 0 and not run.stderr, str(run)
    # 800,000 is the lowest price: 800,000 / 850,000 × 20 = 18.82 price points.
    recorded = panel_sheet(db, QIHANG, REVIEWER)
    assert (Decimal(recorded["total"]), recorded["status"]) == (Decimal("88.32"), "counted")


def test_yaml_and_json_review_sheets_are_recorded_with_exact_numbers(
    prepared: Prepared, tmp_path: Path
) -> None:
    db = prepared.copy(tmp_path)
    scores = {**{k: str(v) for k, v in REVIEW_XLSX.items()}, "past_performance": "n/a"}
    as_yaml = write_text(
        tmp_path / "林晓燕.yaml",
        "scorecard: review\nversion: 2\nscores:\n"
        + "".join(f"  {code}: {value}\n" for code, value in scores.items()),
    )
    as_json = tmp_path / "黄志明.json"
    as_json.write_text(
        '{"scorecard": "review", "version": 2, "scores": {"needs_analysis": 9, '
        '"service_plan": 18, "outputs_outcomes": 9, "management_risk": 8.5, "team": 9, '
        '"past_performance": 8, "budget_reasonableness": 8}}',
        encoding="utf-8",
    )

    assert review_score(as_yaml, db, reviewer="林晓燕").code == 0
    assert review_score(as_json, db, reviewer="黄志明", org=TONGXIN).code == 0

    # n/a: (61.5 + 18.82) × 100 / 90 = 89.244…; the lowest price: 69.5 + 20.
    assert Decimal(panel_sheet(db, QIHANG, "林晓燕")["total"]) == Decimal("89.24")
    assert Decimal(panel_sheet(db, TONGXIN, "黄志明")["total"]) == Decimal("89.50")


def test_a_filled_in_assessment_template_is_recorded_acknowledged_and_shown(
    prepared: Prepared, tmp_path: Path
) -> None:
    db = prepared.copy(tmp_path)
    sheet = fill(
        prepared.assessment, tmp_path / "刘建国.xlsx", ASSESSMENT_XLSX, narratives=NARRATIVES
    )

    assert assess_score(sheet, db).code == 0
    ok(
        "assess",
        "comment",
        ASSESS_CODE,
        "--text",
        "对考核结果无异议",
        "--acknowledge",
        "--by",
        "qihang",
        db=db,
    )
    ok("advance", ASSESS_CODE, "finalize_assessment", "--as", "assessor", "--by", ASSESSOR, db=db)
    view = ok("assess", "show", ASSESS_CODE, "--json", db=db).json()

    assert view["final"] is True and view["state"] == "assessed"
    (recorded,) = view["sheets"]
    assert recorded["assessor"] == ASSESSOR and recorded["veto"] == []
    assert recorded["inputs"]["output_activities"] == {"planned": "80", "actual": "96"}
    result = view["result"]
    assert (Decimal(result["total"]), result["grade_zh"]) == (Decimal("94.45"), "优秀")
    assert Decimal(result["points"]["satisfaction"]) == Decimal("13.95")
    assert result["narratives"] == NARRATIVES and result["missing_narratives"] == []
    assert [(c["text"], c["acknowledged"]) for c in view["comments"]] == [
        ("对考核结果无异议", True)
    ]


def test_a_json_assessment_sheet_with_a_veto_answered_yes_fails_whatever_the_score(
    prepared: Prepared, tmp_path: Path
) -> None:
    db = prepared.copy(tmp_path)
    sheet = write_json(
        tmp_path / "陈敏.json",
        {
            "scorecard": "assessment",
            "version": 2,
            "scores": ASSESSMENT_XLSX,
            "veto": {"misuse_of_funds": "是", "fraud": "否"},
            "narratives": NARRATIVES,
            "narrative": "发现挪用项目资金。",
        },
    )

    assert assess_score(sheet, db, assessor="陈敏").code == 0

    view = ok("assess", "show", ASSESS_CODE, "--json", db=db).json()
    assert view["sheets"][0]["narrative"] == "发现挪用项目资金。"
    assert (Decimal(view["result"]["total"]), view["result"]["grade_zh"]) == (
        Decimal("94.45"),
        "不合格",
    )
    assert view["result"]["veto"] == ["misuse_of_funds"]
    said = "Veto item Misuse of funds: the policy ends the cooperation whatever the score"
    assert said in ok("assess", "show", ASSESS_CODE, db=db).stdout
    said = "发生一票否决事项挪用资金：无论得分，按续约政策不再合作"
    assert said in ok("assess", "show", ASSESS_CODE, db=db, lang=CHINESE).stdout


# ---------------------------------------------------------------------- malformed sheets

Build = Callable[[Prepared, Path], Path]


@dataclass(frozen=True)
class Bad:
    """A malformed sheet, the command it is given to, and what the one stderr line says."""

    name: str
    build: Build
    says: tuple[str, ...]
    command: str = "review"


def review_xlsx(file: str, **changes: Any) -> Build:
    cells = changes.pop("cells", None)
    return lambda p, d: fill(p.review, d / file, {**REVIEW_XLSX, **changes}, cells=cells)


def assessment_xlsx(file: str, **changes: Any) -> Build:
    def build(p: Prepared, d: Path) -> Path:
        cells = changes.get("cells")
        scores = {**ASSESSMENT_XLSX, **{k: v for k, v in changes.items() if k != "cells"}}
        return fill(p.assessment, d / file, scores, narratives=NARRATIVES, cells=cells)

    return build


def text_file(file: str, content: str) -> Build:
    return lambda p, d: write_text(d / file, content)


def corrupt(file: str) -> Build:
    return lambda p, d: write_noise(d / file)


UNKNOWN_DIMENSION = {("评语", "A8"): "innovation", ("评语", "C8"): "创新服务模式"}
YAML_HEAD = "scorecard: review\nversion: 2\n"
YAML_SCORES = "".join(f"  {code}: {value}\n" for code, value in REVIEW_XLSX.items())
BAD = [
    Bad("score_above_max", review_xlsx("above.xlsx", service_plan=25),
        ("above.xlsx", "评分表 第 7 行", "服务方案的得分 25 超过满分 20")),
    Bad("negative_score", review_xlsx("negative.xlsx", team=-1),
        ("negative.xlsx", "评分表 第 10 行", "团队配置的得分 -1 不能为负数")),
    Bad("not_a_number", review_xlsx("word.xlsx", needs_analysis="很好"),
        ("word.xlsx", "评分表 第 6 行", "'很好' 不是数字")),
    Bad("unknown_criterion_row",
        review_xlsx("unknown.xlsx", cells={("评分表", "A13"): "innovation", ("评分表", "E13"): 5}),
        ("unknown.xlsx", "评分表 第 13 行", "填写了不存在的评分项 innovation")),
    Bad("missing_criterion", review_xlsx("missing.xlsx", team=None),
        ("missing.xlsx", "评分表 第 10 行", "以下评分项未评分：团队配置")),
    Bad("price_row_filled_in", review_xlsx("price.xlsx", cells={("评分表", "E5"): 20}),
        ("price.xlsx：评分表 第 5 行", "报价得分按报价自动计算")),
    Bad("price_given_in_yaml",
        text_file("price.yaml", f"{YAML_HEAD}scores:\n{YAML_SCORES}  price: 20\n"),
        ("price.yaml", "scores.price", "报价按报价自动计算，不由评审专家打分")),
    Bad("assessment_sheet_for_a_review",
        lambda p, d: fill(p.assessment, d / "assessment.xlsx", ASSESSMENT_XLSX),
        ("assessment.xlsx", "评分表 B2/D2", "属于评分表 'assessment'，而不是 'review'")),
    Bad("wrong_version", review_xlsx("v1.xlsx", cells={("评分表", "D2"): 1}),
        ("v1.xlsx：评分表 B2/D2", "这份评分表是第 1 版，现行评分表为第 2 版")),
    Bad("text_file", text_file("sheet.txt", "needs_analysis 9\n"),
        ("sheet.txt", "评分表须为 .xlsx、.yaml 或 .json 文件")),
    Bad("corrupt_xlsx", corrupt("corrupt.xlsx"), ("corrupt.xlsx", "不是可读取的 .xlsx 工作簿")),
    Bad("yaml_unknown_top_level_key",
        text_file("extra.yaml", f"{YAML_HEAD}reviewer: 陈建华\nscores:\n{YAML_SCORES}"),
        ("extra.yaml", "未知的键 'reviewer'")),
    Bad("json_nested_list",
        lambda p, d: write_json(d / "nested.json", {
            "scorecard": "review", "version": 2, "scores": {**REVIEW_XLSX, "team": [8, 9]},
        }),
        ("nested.json", "各项评分 team", "须为以文本书写的十进制数")),
    Bad("attainment_planned_zero",
        assessment_xlsx("planned0.xlsx", output_activities={"planned": 0, "actual": 96}),
        ("planned0.xlsx", "评分表 第 7 行", "服务活动场次的计划数须大于 0"),
        "assess"),
    Bad("more_satisfied_than_respondents",
        assessment_xlsx("survey.xlsx", satisfaction={"respondents": 100, "satisfied": 120}),
        ("survey.xlsx", "评分表 第 10 行", "须在 0 到受访人数 100 之间"),
        "assess"),
    Bad("veto_answer_not_yes_or_no",
        assessment_xlsx("veto.xlsx", cells={("一票否决", "C3"): "也许"}),
        ("veto.xlsx：一票否决 第 3 行", "请填“是”或“否”", "'也许'"),
        "assess"),
    Bad("narrative_for_an_unknown_dimension",
        assessment_xlsx("dimension.xlsx", cells=UNKNOWN_DIMENSION),
        ("dimension.xlsx", "评语", "评语所属维度 innovation 不存在"),
        "assess"),
]  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    run: Run
    dump_after: object


def _try(case: Bad, prepared: Prepared, folder: Path) -> Outcome:
    folder.mkdir()
    db = prepared.copy(folder)
    sheet = case.build(prepared, folder)
    run = review_score(sheet, db) if case.command == "review" else assess_score(sheet, db)
    return Outcome(run, dump(db))


@pytest.fixture(scope="module")
def outcomes(prepared: Prepared, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("bad-sheets")
    # one after another: each runs procure in this process (its stdout, stderr and clock)
    return {case.name: _try(case, prepared, root / case.name) for case in BAD}


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.name) for case in BAD],
)
def test_a_malformed_sheet_is_refused_in_one_line_naming_file_place_and_reason(
    case: Bad, outcomes: dict[str, Outcome], prepared: Prepared
) -> None:
    outcome = outcomes[case.name]
    run = outcome.run
    assert run.code == 1, str(run)
    assert "Traceback" not in run.stderr, str(run)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), str(run)
    for fragment in case.says:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert outcome.dump_after == prepared.dump, "a refused sheet must change nothing"

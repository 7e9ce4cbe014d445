"""What the browser walk of the demo's next year types and expects: the project, the people,
prices, sheets, the objection, the contract and payments."""

from __future__ import annotations

from procure.services.loading.demo import demo_draft
from tests.e2e.conftest import DRAFT_YEAR
from tests.integration.builders import (
    ORGANIZATIONS,
    QIHANG,
    TONGXIN,
)

DRAFT = demo_draft(DRAFT_YEAR)
CODE = DRAFT.code


OFFICER, LEADER, SUPERVISOR, AUDITOR = "李秀梅", "张志远", "王丽华", "何静"


ASSESSOR = "厦门市社会组织评估中心·刘建国"


WINNER, LOSER = "qihang", "tongxin"


REVIEWERS = ("陈建华", "林晓燕", "黄志明")


UPLOADER = REVIEWERS[2]
"""The reviewer who scores 同心 by the filled-in .xlsx template instead of the form."""


RECUSED, RECUSAL_REASON = "郑丽娟", "曾为同心社会组织发展中心提供督导服务"


PRICES = {QIHANG: "288000.00", TONGXIN: "296000.00"}


TONGXIN_SHEET: dict[str, str | int] = {
    "needs_analysis": 8,
    "service_plan": 15,
    "outputs_outcomes": 7,
    "management_risk": 7,
    "team": 7,
    "past_performance": 5,
    "budget_reasonableness": 6,
}  # 55 judged + 288,000 ÷ 296,000 × 20 = 19.46 price points → 74.46


OBJECTION = "中选组织的服务团队中持证社工人数与申报材料不符，请复核评审结果。"


ANSWER = "经核查，中选组织持证社工 6 名，与申报材料一致，质疑不成立。"


CONTRACT = "思总工购〔2020〕10号"


PAYMENTS = (("144000.00", "2020-03-05"), ("86400.00", "2020-07-01"))


FINDINGS = "活动台账齐全，心理咨询室按计划开放。"


ACKNOWLEDGEMENT = "考核结果已阅，无异议。"


SUBMIT_SHEET = "提交评分"


BLANK_TEMPLATE = "下载空白评分表"


DONE = "已完成"


JOB_MS = 120_000
"""How long a job page may take to show its job done (ms)."""


def organization_label(uscc: str) -> str:
    """How the organization pickers show one: name（USCC）."""
    return f"{ORGANIZATIONS[uscc]}（{uscc}）"

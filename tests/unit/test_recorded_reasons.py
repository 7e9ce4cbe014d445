"""A renewal reason the audit trail recorded reads in the language of whoever reads it; the
trail keeps the sentence as recorded, and a person's own words are shown as written."""

from __future__ import annotations

from decimal import Decimal

from procure.domain.language import use_language
from procure.workflow.rules import default_rules

RULES = default_rules()
GRADES = RULES.assessment.grades


def _shown(recorded: str) -> str:
    return RULES.renewal.shown_from_record(recorded, GRADES)


def test_a_recorded_grade_reads_as_one_sentence_in_each_language() -> None:
    good = next(g for g in GRADES if g.code == "good")
    decision = RULES.renewal.decide(good, Decimal("84.5"), [])
    assert decision.reason == "graded 良好 (84.50): policy renews"  # what the trail keeps
    assert _shown(decision.reason) == "考核等级良好（84.50 分）：按续约政策续约"
    with use_language("en"):
        assert _shown(decision.reason) == "Graded Good (84.50): the policy renews the contract"


def test_a_recorded_veto_and_a_rectification_read_in_each_language() -> None:
    veto = RULES.renewal.decide(GRADES[0], Decimal("95"), ["misuse_of_funds"])
    rectified = RULES.renewal.after_rectification(False)
    assert "挪用资金" in _shown(veto.reason) and "misuse_of_funds" not in _shown(veto.reason)
    with use_language("en"):
        assert _shown(veto.reason).startswith("Veto item Misuse of funds: the policy")
        assert _shown(rectified.reason).startswith("Rectification rejected: the policy")
    assert _shown(rectified.reason) == _shown(rectified.reason).strip()
    assert "rectification" not in _shown(rectified.reason)


def test_a_persons_own_reason_is_shown_as_written() -> None:
    for written in (
        "graded by hand: keep it",
        "服务对象满意度高，续约",
        "graded 未知 (80.00): policy renews",
    ):
        assert _shown(written) == written

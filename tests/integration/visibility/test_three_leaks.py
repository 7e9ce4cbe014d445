"""The three leaks of issue 20, refused on the project page, the panel and the command line:
a reviewer reading another's sheet before scoring, a bidder seeing the panel while it sits,
a losing bidder reading the winner's contract life."""

from __future__ import annotations

from sqlalchemy import Engine

from procure.services.visibility.reading import detail_as_seen, history_as_seen
from procure.store.db import new_session
from tests.integration.visibility.conftest import Browsers
from tests.integration.visibility.world import FINISHED, QIHANG, REVIEWING, SCORED, UNSCORED

CHEN = SCORED[0]
CONTRACT_LIFE = (
    "首期款（合同金额40%）",  # tongxin's first payment's note
    "已建立社会组织联系台账",  # the supervisor's inspection findings
    "认可考核结论",  # tongxin's comment on its assessment
)


def test_a_reviewer_who_has_not_scored_sees_no_other_reviewers_sheet(browsers: Browsers) -> None:
    page = browsers.get(UNSCORED, f"/projects/{REVIEWING}/panel")
    assert page.status_code == 200
    assert CHEN not in page.text
    assert "尚无评分 No sheets yet." in page.text


def test_a_reviewer_who_has_scored_everything_sees_the_others_sheets(browsers: Browsers) -> None:
    page = browsers.get(SCORED[1], f"/projects/{REVIEWING}/panel")
    assert page.status_code == 200
    assert CHEN in page.text


def test_a_reviewer_who_has_not_scored_reads_no_sheet_in_the_project_page_or_its_history(
    browsers: Browsers,
) -> None:
    page = browsers.get(UNSCORED, f"/projects/{REVIEWING}")
    assert page.status_code == 200
    assert CHEN not in page.text


def test_a_bidder_sees_no_reviewer_and_no_score_while_the_panel_sits(browsers: Browsers) -> None:
    page = browsers.get("qihang", f"/projects/{REVIEWING}")
    assert page.status_code == 200
    for reviewer in SCORED:
        assert reviewer not in page.text
    assert "296,000.00" not in page.text  # tongxin's price
    assert "288,000.00" in page.text  # its own


def test_a_bidder_reads_no_reviewer_on_the_command_line_either(world: Engine) -> None:
    with new_session(world) as session:
        detail = detail_as_seen(session, REVIEWING, "qihang")
        history = history_as_seen(session, REVIEWING, "qihang")
    assert [p["uscc"] for p in detail["proposals"]] == [QIHANG]
    assert detail["proposals"][0]["reviews"] == []
    assert detail["proposals"][0]["panel_score"] is None
    assert not [row for row in history if row["actor"] in SCORED]


def test_a_losing_bidder_reads_nothing_of_the_winners_contract_life(browsers: Browsers) -> None:
    page = browsers.get("renhe", f"/projects/{FINISHED}")
    assert page.status_code == 200
    for fact in CONTRACT_LIFE:
        assert fact not in page.text
    assert "评语 Narrative" not in page.text


def test_the_winner_reads_its_own_contract_life(browsers: Browsers) -> None:
    page = browsers.get("tongxin", f"/projects/{FINISHED}")
    assert page.status_code == 200
    for fact in CONTRACT_LIFE[:2]:
        assert fact in page.text
    assert "评语 Narrative" in page.text

"""The three leaks of issue 20, refused on the project page, the panel and the command line:
a reviewer reading another's sheet before scoring, a bidder seeing the panel while it sits,
a losing bidder reading the winner's contract life."""

from __future__ import annotations

from sqlalchemy import Engine

from procure.services.records import files as record_files
from procure.services.visibility.reading import detail_as_seen, history_as_seen
from procure.store import accounts as account_store
from procure.store.db import new_session
from tests.e2e.cli import procure
from tests.integration.records import pdf_text
from tests.integration.visibility.conftest import Browsers
from tests.integration.visibility.world import (
    FINISHED,
    INSPECTION_FIX,
    QIHANG,
    REVIEWING,
    SCORED,
    UNSCORED,
)

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
    assert "尚无评分" in page.text


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
    assert "<dt>评语</dt>" not in page.text


def test_the_winner_reads_its_own_contract_life(browsers: Browsers) -> None:
    page = browsers.get("tongxin", f"/projects/{FINISHED}")
    assert page.status_code == 200
    for fact in CONTRACT_LIFE[:2]:
        assert fact in page.text
    assert "<dt>评语</dt>" in page.text


def url_of(world: Engine) -> str:
    return world.url.render_as_string(hide_password=False)


def test_show_and_history_by_a_bidder_name_no_reviewer_while_the_panel_sits(world: Engine) -> None:
    db = url_of(world)
    shown = procure("show", REVIEWING, "--by", "qihang", "--json", db=db)
    history = procure("history", REVIEWING, "--by", "qihang", db=db)
    everything = procure("history", REVIEWING, db=db)

    assert shown.code == 0 and history.code == 0, f"{shown}{history}"
    assert [p["uscc"] for p in shown.json()["proposals"]] == [QIHANG]
    for reviewer in SCORED:
        assert reviewer not in shown.stdout + history.stdout
        assert reviewer in everything.stdout  # the operator, without --by, reads the panel


def test_show_by_a_losing_bidder_prints_none_of_the_winners_contract_life(world: Engine) -> None:
    shown = procure("show", FINISHED, "--by", "renhe", db=url_of(world))

    assert shown.code == 0, shown
    assert "Payment #" not in shown.stdout and "Inspection " not in shown.stdout
    assert "Assessment (" not in shown.stdout
    assert "Payment #" in procure("show", FINISHED, "--by", "tongxin", db=url_of(world)).stdout


def test_a_project_outside_the_accounts_reach_is_answered_as_an_unknown_code(
    world: Engine,
) -> None:
    outside = procure("show", FINISHED, "--by", "xinqing", db=url_of(world))
    unknown = procure("show", "SM-2099-999", "--by", "xinqing", db=url_of(world))

    assert outside.code == unknown.code != 0
    assert outside.stderr.replace(FINISHED, "CODE") == unknown.stderr.replace("SM-2099-999", "CODE")


def test_the_evaluation_record_and_the_assessment_are_not_found_for_a_reviewer(
    browsers: Browsers,
) -> None:
    for path in (f"/projects/{FINISHED}/assessment", f"/projects/{FINISHED}/record"):
        hidden = browsers.get(CHEN, path)
        missing = browsers.get(CHEN, path.replace(FINISHED, "SM-2099-999"))
        assert hidden.status_code == missing.status_code == 404, path
    assert browsers.get("何静", f"/projects/{FINISHED}/assessment").status_code == 200


def test_a_reviewer_may_not_print_a_years_evaluation_records_and_an_officer_may(
    world: Engine,
) -> None:
    with new_session(world) as session:
        for login, may in ((CHEN, False), ("李秀梅", True), ("何静", True)):
            user = account_store.user_by_login(session, login)
            assert user is not None
            assert record_files.may_print(session, user, "SM-FED") is may, login
            assert record_files.may_print(session, user, None) is may, login


def test_the_dashboard_sums_no_payment_or_grade_for_a_losing_bidder_or_a_reviewer(
    browsers: Browsers,
) -> None:
    def charts_without_data(login: str) -> int:
        page = browsers.get(login, "/dashboard?year=2019")
        assert page.status_code == 200, login
        drawn = page.text.count("无数据")
        assert drawn % 2 == 0  # each chart is drawn twice: for a laptop and for a phone
        return drawn // 2

    assert charts_without_data("李秀梅") == 0  # the officer's grades and payments
    assert charts_without_data("renhe") == 2  # tongxin's payments and grade on SM-2019-002
    assert charts_without_data(CHEN) == 2


def test_the_winner_reads_on_its_page_the_corrections_its_evaluation_record_shows(
    browsers: Browsers,
) -> None:
    marker = INSPECTION_FIX.split()[0]
    page = browsers.get("tongxin", f"/projects/{FINISHED}")
    record = browsers.get("tongxin", f"/projects/{FINISHED}/record")

    assert page.status_code == record.status_code == 200
    assert marker in page.text and marker in pdf_text(record.content)
    assert marker not in browsers.get("renhe", f"/projects/{FINISHED}").text
    assert browsers.get("renhe", f"/projects/{FINISHED}/record").status_code == 404

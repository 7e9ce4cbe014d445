"""``procure objection lodge|answer`` at a terminal: an objection blocks signing until it is
answered; upheld reopens the review, rejected lets the contract be signed; audit verify stays clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import (
    CHINESE,
    CODE,
    CONTRACT_NUMBER,
    LAOXIE,
    OFFICER,
    ORGANIZATION_LOGINS,
    TONGXIN,
    YEAR,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

AWARDED_ON = f"{YEAR}-02-19"  # a Monday; the objection window closes 7 working days later
SIGN = ["advance", CODE, "sign_contract", "--as", "officer", "--by", OFFICER]
TERMS = sets(number=CONTRACT_NUMBER, amount="850000.00", start=f"{YEAR}-03-01", end=f"{YEAR}-12-31")


@pytest.fixture
def awarded(tmp_path: Path) -> str:
    """A database with CODE awarded to QIHANG on AWARDED_ON (TONGXIN bid and lost)."""
    history = in_service_history().replace(
        "    proposals:", f"    dates: {{award: {AWARDED_ON}}}\n    proposals:", 1
    )
    file = tmp_path / "awarded.yaml"
    file.write_text(
        fixture(project_entry(CODE, stop_after="award", history=history)), encoding="utf-8"
    )
    url = sqlite_url(tmp_path / "procure.db")
    ok("init", db=url)
    ok("load", str(file), db=url)
    return url


def lodge(url: str, *extra: str) -> list[str]:
    return [
        "objection", "lodge", CODE, "--organization", TONGXIN, "--text", "评分标准未统一适用",
        *extra,
    ]  # fmt: skip


def test_an_objection_blocks_signing_until_it_is_rejected_with_a_reason(awarded: str) -> None:
    lodged = ok(
        *lodge(awarded, "--by", ORGANIZATION_LOGINS[TONGXIN], "--on", f"{YEAR}-02-28"),
        db=awarded,
        lang=CHINESE,
    )
    assert "已登记质疑" in lodged.stdout

    refused = procure(*SIGN, *TERMS, db=awarded, lang=CHINESE)
    assert refused.code == 1
    said = refused.stderr.strip()
    assert said.startswith("错误：不能办理「签订合同」：厦门市思明区同心社会组织发展中心")
    assert f"{YEAR}-02-28" in said and "\n" not in said  # the objection guard's own words follow

    answered = ok(
        "objection", "answer", CODE, "--organization", TONGXIN, "--outcome", "rejected",
        "--reason", "经复核，评分无误", "--by", OFFICER, "--json", db=awarded,
    )  # fmt: skip
    assert (answered.json()["from_state"], answered.json()["to_state"]) == ("awarded", "awarded")
    ok(*SIGN, *TERMS, *sets(signed_on=f"{YEAR}-02-28"), db=awarded)  # the window's last day
    verified = ok("audit", "verify", db=awarded)
    assert "The tables hold what the audit trail implies" in verified.stdout


def test_an_upheld_objection_reopens_the_review_and_a_new_award_may_follow(awarded: str) -> None:
    ok(
        *lodge(
            awarded,
            "--by",
            OFFICER,
            "--as",
            "officer",
            "--document",
            "同心函〔2024〕1号",
            "--on",
            f"{YEAR}-02-20",
        ),
        db=awarded,
    )

    upheld = ok(
        "objection", "answer", CODE, "--organization", TONGXIN, "--outcome", "upheld",
        "--reason", "价格分计算有误", "--by", OFFICER, db=awarded,
    )  # fmt: skip

    assert "(Awarded → Under review)" in upheld.stdout
    shown = ok("show", CODE, "--json", db=awarded).json()
    assert shown["state"] == "reviewing"
    ok(
        "advance",
        CODE,
        "award",
        "--as",
        "officer",
        "--by",
        OFFICER,
        *sets(organization=TONGXIN),
        db=awarded,
    )
    ok("audit", "verify", db=awarded)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--by", ORGANIZATION_LOGINS[TONGXIN], "--on", f"{YEAR}-02-29"],
            f"closed on {YEAR}-02-28",
        ),
        (
            ["--by", OFFICER, "--as", "officer", "--on", f"{YEAR}-02-20"],
            "only with the reference number of the letter the organization sent",
        ),
        (
            ["--by", ORGANIZATION_LOGINS[LAOXIE], "--on", f"{YEAR}-02-20"],
            "holds no Service organization grant",
        ),
    ],
)
def test_a_late_undocumented_or_impersonated_objection_is_refused_in_one_line(
    awarded: str, extra: list[str], message: str
) -> None:
    refused = procure(*lodge(awarded, *extra), db=awarded)

    assert refused.code == 1, str(refused)
    assert message in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr

"""``procure advance … replace_review`` and ``audit verify`` at a terminal (issue 21, item
2): verify passes after a reviewer replaced a sheet, and fails once the stored sheet is
forged; after the award the replacement is refused in one line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.cli import (
    CHINESE,
    CODE,
    OFFICER,
    QIHANG,
    REVIEW_SCORES,
    REVIEWERS,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

REPLACE = ["advance", CODE, "replace_review", "--as", "reviewer", "--by", REVIEWERS[0]]
LOWER = {**REVIEW_SCORES, "service_plan": "12"}


def _reviewed(folder: Path) -> str:
    file = folder / "reviewed.yaml"
    history = in_service_history()
    file.write_text(
        fixture(project_entry(CODE, stop_after="record_review", history=history)),
        encoding="utf-8",
    )
    url = sqlite_url(folder / "procure.db")
    ok("init", db=url)
    ok("load", str(file), db=url)
    return url


def test_verify_passes_after_a_replaced_sheet_and_fails_on_a_forged_one(tmp_path: Path) -> None:
    url = _reviewed(tmp_path)

    ok(*REPLACE, *sets(organization=QIHANG), *sets("scores.", **LOWER), db=url)
    ok("audit", "verify", db=url)

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE review SET total = '99.00' WHERE reviewer = :r"), {"r": REVIEWERS[0]}
        )
    engine.dispose()
    forged = procure("audit", "verify", db=url)
    assert forged.code == 1, str(forged)
    assert "review" in forged.stdout + forged.stderr and "Traceback" not in forged.stderr


def test_a_sheet_is_not_replaced_after_the_award(tmp_path: Path) -> None:
    url = _reviewed(tmp_path)
    ok(
        "advance",
        CODE,
        "award",
        "--as",
        "officer",
        "--by",
        OFFICER,
        *sets(organization=QIHANG),
        db=url,
    )

    replace = (*REPLACE, *sets(organization=QIHANG), *sets("scores.", **LOWER))
    refused = procure(*replace, db=url, lang=CHINESE)
    in_english = procure(*replace, db=url)

    assert refused.code == 1 and in_english.code == 1
    assert refused.stderr.startswith("错误：不能办理「替换本人评分表」：项目当前为「已中选」状态")
    assert in_english.stderr.startswith(
        "error: Replace one's own review sheet refused: not allowed while the project is Awarded"
    )

"""Evaluation records on the Siming 2019 year: their data, their PDF, verification, batches.

PDF tests skip, with the reason shown, when WeasyPrint's system libraries or a CJK font
are missing (`bash .ci/system-packages.sh` installs them).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from procure.reports import fonts
from procure.reports.data import build_record, record_codes, verification_code
from procure.store.db import make_engine, new_session
from procure.store.models import Organization, Payment
from tests.databases import DEMO, SqliteTemplates


def _printing_unavailable() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango or HarfBuzz is missing
        return f"WeasyPrint's system libraries are missing ({exc}); run .ci/system-packages.sh"
    try:
        fonts.font_setup()
    except fonts.PrintingUnavailable as exc:
        return str(exc)
    if shutil.which("pdftotext") is None:
        return "pdftotext (poppler-utils) is missing; run .ci/system-packages.sh"
    return None


needs_printing = pytest.mark.skipif(
    _printing_unavailable() is not None, reason=str(_printing_unavailable())
)


@pytest.fixture(scope="module")
def siming(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates
) -> Iterator[Engine]:
    """The Siming 2019 demo year on SQLite, decided by the renewal policy (a copy of the
    session's demo database, see tests/databases.py)."""
    path = tmp_path_factory.mktemp("siming") / "siming.db"
    sqlite_templates.copy_to(DEMO, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _record(engine: Engine, code: str) -> dict[str, Any]:
    with new_session(engine) as session:
        return build_record(session, code)


def _text(pdf: bytes) -> str:
    completed = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return _squeezed(completed.stdout.decode("utf-8"))


def _squeezed(text: str) -> str:
    """pdftotext spaces Chinese text unevenly: compare without any whitespace."""
    return "".join(text.split())


# --- the record's data ----------------------------------------------------------------


def test_only_contracted_projects_have_records(siming: Engine) -> None:
    with new_session(siming) as session:
        codes = record_codes(session, year=2019)
    assert codes == [f"SM-2019-00{n}" for n in range(1, 8)]


def _awarded(record: dict[str, Any]) -> dict[str, Any]:
    panel = record["panel"]
    proposal: dict[str, Any] = panel["proposals"][panel["awarded_index"]]
    return proposal


def test_five_sheet_panel_marks_exactly_one_highest_and_one_lowest_sheet(siming: Engine) -> None:
    sheets = _awarded(_record(siming, "SM-2019-001"))["sheets"]
    statuses = {sheet["reviewer"]: sheet["status_zh"] for sheet in sheets}
    assert statuses == {
        "陈建华": "计入",
        "林晓燕": "计入",
        "黄志明": "去掉最高分",
        "郑丽娟": "计入",
        "吴国平": "去掉最低分",
    }


def test_panel_ranks_every_proposal_and_keeps_recusals_of_the_others(siming: Engine) -> None:
    panel = _record(siming, "SM-2019-001")["panel"]
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
    awarded = _awarded(_record(siming, "SM-2019-002"))
    assert [s["status"] for s in awarded["sheets"]] == ["recused", "counted", "counted", "counted"]
    assert awarded["valid_sheets"] == 3
    assert awarded["trimmed"] is False


def test_assessment_is_shown_by_dimension_with_the_facts_behind_each_criterion(
    siming: Engine,
) -> None:
    assessment = _record(siming, "SM-2019-001")["assessment"]
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
    assessment = _record(siming, "SM-2019-005")["assessment"]
    impact = assessment["dimensions"][-1]
    assert (impact["score"], impact["not_applicable"], impact["rate"]) == (None, True, None)
    assert impact["criteria"][0]["not_applicable"] is True
    assert (assessment["rescaled"], assessment["applicable_weight"]) == (True, "95")
    assert (assessment["raw_total"], assessment["total"]) == ("48.83", "51.40")
    assert len(impact["narratives"]) == 1 and impact["narratives"][0]["by"] == ""


def test_veto_and_the_organizations_comment_with_its_date(siming: Engine) -> None:
    record = _record(siming, "SM-2019-006")
    assert record["assessment"]["veto"] == [{"code": "misuse_of_funds", "label_zh": "挪用资金"}]
    assert record["comments"] == [
        {
            "text": "承认资金使用不规范，已退回挪用款项，请求酌情处理。",
            "acknowledged": False,
            "on": "2019-12-24",
        }
    ]


def test_scorecard_versions_come_from_the_stored_rows(siming: Engine) -> None:
    cards = _record(siming, "SM-2019-001")["scorecards"]
    used = [(c["name"], c["version"], c["title_zh"], c["first_used"]) for c in cards[:2]]
    assert used == [
        ("review", 2, "评审评分表", "2019-02-15"),
        ("assessment", 2, "绩效考核评分表", "2019-12-13"),
    ]
    assert all(len(c["digest"]) == 12 for c in cards[:2])


def test_policy_reasons_of_rectification_steps_read_in_chinese(siming: Engine) -> None:
    steps = _record(siming, "SM-2019-004")["rectifications"]
    assert steps[0]["reason_zh"] == "考核等级合格（69.67分），按续约政策要求整改"


def test_decision_follows_the_project_state(siming: Engine) -> None:
    codes = ("SM-2019-001", "SM-2019-004", "SM-2019-006")
    decisions = {code: _record(siming, code)["decision"]["zh"] for code in codes}
    assert decisions == {"SM-2019-001": "续约", "SM-2019-004": "整改", "SM-2019-006": "不再合作"}


def test_record_is_plain_json_data_with_amount_in_capitals(siming: Engine) -> None:
    record = _record(siming, "SM-2019-001")
    assert record["contract"]["amount"] == "868000.00"
    assert record["contract"]["amount_capitals"] == "捌拾陆万捌仟元整"
    assert record["contract"]["period_zh"] == "2019年3月1日至2019年12月31日"
    assert "、 " not in record["project"]["purpose"]  # YAML folding leaves no gap in Chinese


def test_verification_code_changes_when_any_field_changes(siming: Engine) -> None:
    record = _record(siming, "SM-2019-001")
    changed = {**record, "payments": {**record["payments"], "paid": "781200.01"}}
    assert verification_code(record) != verification_code(changed)
    assert verification_code(record) == verification_code(_record(siming, "SM-2019-001"))


# --- the template ----------------------------------------------------------------------


def test_missing_field_is_an_error_not_a_blank() -> None:
    from jinja2 import UndefinedError

    from procure.reports.render import render_html

    with pytest.raises(UndefinedError):
        render_html({"format": "x", "assessment": None})


def test_names_that_look_like_markup_or_template_code_are_escaped(siming: Engine) -> None:
    from procure.reports.render import render_html

    record = _record(siming, "SM-2019-001")
    record["organization"]["name"] = "<script>alert(1)</script>{{7*7}}"
    html = render_html(record)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html


# --- the PDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(siming: Engine) -> bytes:
    from procure.reports.render import render_pdf

    return render_pdf(_record(siming, "SM-2019-001"))


@needs_printing
def test_pdf_text_names_organization_uscc_grade_decision_and_capitals(printed: bytes) -> None:
    text = _text(printed)
    for expected in (
        "厦门市思明区启航社会工作服务中心",
        "52350203MJ0316852A",
        "优秀",
        "续约",
        "捌拾陆万捌仟元整",
        "思总工购〔2019〕1号",
        "2019年3月1日至2019年12月31日",
        "去掉最高分",
        "去掉最低分",
        "回避",  # the recusal on another proposal of the same project
        "计划100场实际120场完成率120%",
        "10.00/10",
        "满意率96.4%",
        "管理制度健全，活动记录完整",  # a dimension narrative, under its assessor's name
        "思明区总工会经审委员会·陈敏：",
        "95.46",  # each assessor's sheet total
        "94.96",  # and the combined one
        "承接组织意见（2019年12月16日）",
        "评审评分表（review）第2版",
        "第1页/共4页",
    ):
        assert expected in text, expected


@needs_printing
def test_every_page_has_its_number_of_the_total_and_the_verification_code(
    siming: Engine, printed: bytes
) -> None:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(printed)).pages
    code = verification_code(_record(siming, "SM-2019-001"))
    assert len(pages) <= 4
    for number in range(1, len(pages) + 1):
        text = _squeezed(_text_of_page(printed, number))
        assert f"第{number}页/共{len(pages)}页" in text
        assert code in text


def _text_of_page(pdf: bytes, number: int) -> str:
    completed = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return completed.stdout.decode("utf-8")


@needs_printing
def test_same_data_gives_identical_bytes(siming: Engine, printed: bytes) -> None:
    from procure.reports.render import render_pdf

    assert render_pdf(_record(siming, "SM-2019-001")) == printed


@needs_printing
def test_not_applicable_recusal_and_veto_print_as_a_person_reads_them(siming: Engine) -> None:
    from pypdf import PdfReader

    from procure.reports.render import render_pdf

    texts = {}
    for code in ("SM-2019-002", "SM-2019-005", "SM-2019-006"):
        pdf = render_pdf(_record(siming, code))
        assert len(PdfReader(io.BytesIO(pdf)).pages) <= 4, code
        texts[code] = _text(pdf)
    assert "回避：评分表中声明利益冲突（不计入）" in texts["SM-2019-002"]
    assert "declared" not in texts["SM-2019-002"]
    assert "不适用" in texts["SM-2019-005"]
    assert "按适用项折算" in texts["SM-2019-005"]
    assert "（未确认考核结果）" in texts["SM-2019-005"]
    assert "一票否决事项：挪用资金" in texts["SM-2019-006"]


@needs_printing
def test_markup_in_a_name_prints_literally(siming: Engine) -> None:
    from procure.reports.render import render_pdf

    record = _record(siming, "SM-2019-005")
    record["organization"]["name"] = "<script>x</script>{{7*7}}"
    text = _text(render_pdf(record))
    assert "<script>x</script>{{7*7}}" in text


# --- verification ----------------------------------------------------------------------


@pytest.fixture
def copy_of_siming(siming: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the Siming database, free to change."""
    path = tmp_path / "copy.db"
    siming.dispose()  # the last connection closed: SQLite folds its WAL into the file
    shutil.copy(str(siming.url.database), path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@needs_printing
def test_verify_passes_on_a_fresh_record(siming: Engine, printed: bytes, tmp_path: Path) -> None:
    from procure.reports.verify import verify_pdf

    file = tmp_path / "record.pdf"
    file.write_bytes(printed)
    with new_session(siming) as session:
        result = verify_pdf(session, file)
    assert result.ok, result
    assert result.project == "SM-2019-001"


@needs_printing
def test_verify_names_the_field_that_changed_in_the_database(
    copy_of_siming: Engine, printed: bytes, tmp_path: Path
) -> None:
    from procure.reports.verify import verify_pdf

    file = tmp_path / "record.pdf"
    file.write_bytes(printed)
    with new_session(copy_of_siming) as session:
        payment = session.exec(select(Payment).where(Payment.amount == Decimal("260400.00"))).one()
        payment.note = "改过的说明"
        session.add(payment)
        session.commit()
        result = verify_pdf(session, file)
    assert not result.ok
    assert [d.field for d in result.differences] == ["payments.items[1].note"]
    assert result.differences[0].in_database == "改过的说明"


@needs_printing
def test_verify_fails_when_the_file_was_edited(
    siming: Engine, printed: bytes, tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    from procure.reports.verify import verify_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(printed)))
    writer.add_metadata({"/Subject": "改过的文件"})
    file = tmp_path / "edited.pdf"
    with file.open("wb") as out:
        writer.write(out)
    with new_session(siming) as session:
        result = verify_pdf(session, file)
    assert not result.ok
    assert result.differences == []
    assert "edited" in result.problems[0]


@needs_printing
def test_verify_fails_when_the_attached_data_was_edited(
    siming: Engine, printed: bytes, tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    from procure.reports.verify import verify_pdf

    reader = PdfReader(io.BytesIO(printed))
    data = reader.attachments["evaluation-record.json"][0].replace(
        "厦门市思明区启航".encode(), "厦门市思明区远航".encode()
    )
    writer = PdfWriter(clone_from=reader)
    writer._root_object.pop("/Names")  # drop the original attachment
    writer.add_attachment("evaluation-record.json", data)
    file = tmp_path / "forged.pdf"
    with file.open("wb") as out:
        writer.write(out)
    with new_session(siming) as session:
        result = verify_pdf(session, file)
    assert not result.ok
    assert [d.field for d in result.differences] == [
        "notices[0].organization",
        "organization.name",
        "panel.proposals[0].organization",
    ]
    assert "does not hash to the verification code" in result.problems[0]


# --- fonts -----------------------------------------------------------------------------


def test_printing_refuses_without_a_cjk_font_and_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "_cjk_families", lambda: ())
    fonts.font_setup.cache_clear()
    try:
        with pytest.raises(fonts.PrintingUnavailable, match="apt-get install fonts-noto-cjk"):
            fonts.font_setup()
    finally:
        fonts.font_setup.cache_clear()


def test_slow_subsetting_warns_with_the_package_name() -> None:
    setup = fonts.FontSetup(("Noto Serif CJK SC",), fast_subsetting=False)
    assert "libharfbuzz-subset0" in setup.warnings()[0]
    assert fonts.FontSetup(("Noto Serif CJK SC",), fast_subsetting=True).warnings() == []


# --- batches ---------------------------------------------------------------------------


@needs_printing
def test_batch_skips_current_files_and_reports_failures_without_stopping(
    copy_of_siming: Engine, tmp_path: Path
) -> None:
    from procure.reports.batch import FAILED, PRINTED, SKIPPED, print_year

    url = str(copy_of_siming.url)
    codes = ["SM-2019-003", "SM-2019-404", "SM-2019-004"]
    leftover = tmp_path / "out" / "2019" / ".half-written.pdf.123.partial"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-")
    first = print_year(url, codes, tmp_path / "out", jobs=2)
    assert [o.status for o in first] == [PRINTED, FAILED, PRINTED]
    assert "SM-2019-404" in first[1].message
    assert not leftover.exists()
    files = sorted(p.name for p in (tmp_path / "out" / "2019").iterdir())
    assert files == ["52350203MJ0316852A-SM-2019-003.pdf", "52350203MJ05391468-SM-2019-004.pdf"]
    with new_session(copy_of_siming) as session:
        organization = session.exec(
            select(Organization).where(Organization.uscc == "52350203MJ05391468")
        ).one()
        organization.name = "厦门市思明区仁和社会工作服务中心（更名）"
        session.add(organization)
        session.commit()
    again = print_year(url, codes, tmp_path / "out", jobs=1)
    assert [o.status for o in again] == [SKIPPED, FAILED, PRINTED]


@needs_printing
def test_a_current_file_is_recognized_from_its_trailer_alone(
    copy_of_siming: Engine, tmp_path: Path
) -> None:
    from procure.reports.batch import holds_code
    from procure.reports.render import render_pdf

    with new_session(copy_of_siming) as session:
        record = build_record(session, "SM-2019-003")
    code = verification_code(record)
    path = tmp_path / "record.pdf"
    path.write_bytes(render_pdf(record))
    assert holds_code(path, code)
    assert not holds_code(path, "0" * 64)
    assert not holds_code(tmp_path / "absent.pdf", code)
    path.write_bytes(b"%PDF-1.7\n")
    assert not holds_code(path, code)


# --- award notices and objections ------------------------------------------------------

ZHIYUAN = "51350203MJ0193275R"


def test_the_record_lists_the_award_notice_and_the_objection_with_its_answer(
    siming: Engine,
) -> None:
    (notice,) = _record(siming, "SM-2019-002")["notices"]

    assert (notice["number"], notice["uscc"]) == (1, "52350203MJ0427391G")
    assert (notice["published_on"], notice["objections_close_on"]) == ("2019-02-19", "2019-02-28")
    (objection,) = notice["objections"]
    assert objection["uscc"] == ZHIYUAN
    assert (objection["lodged_on"], objection["document_ref"]) == (
        "2019-02-22",
        "思职志函〔2019〕1号",
    )
    assert (objection["outcome"], objection["answered_on"]) == ("rejected", "2019-02-25")
    assert objection["reason"].startswith("经复核，价格分已按最低有效报价计算")


def test_a_record_without_objections_lists_its_notice_alone(siming: Engine) -> None:
    (notice,) = _record(siming, "SM-2019-001")["notices"]

    assert notice["objections"] == []


@needs_printing
def test_the_printed_record_shows_the_notice_and_the_answered_objection_and_verifies(
    siming: Engine, tmp_path: Path
) -> None:
    from procure.reports.render import render_pdf
    from procure.reports.verify import verify_pdf

    pdf = render_pdf(_record(siming, "SM-2019-002"))
    text = _text(pdf)

    assert "中选结果公示与质疑" in text
    assert "思职志函〔2019〕1号" in text and "质疑不成立，予以驳回" in text
    file = tmp_path / "record.pdf"
    file.write_bytes(pdf)
    with new_session(siming) as session:
        assert verify_pdf(session, file).ok

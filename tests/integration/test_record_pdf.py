"""An evaluation record printed: its PDF text, page numbers and verification code, identical bytes
for the same data, verification against the database, the printing refusals, batches, and the
notices it lists."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from procure.reports import fonts
from procure.reports.data import build_record, verification_code
from procure.store.db import make_engine, new_session
from procure.store.models import Organization, Payment
from tests.integration.records import needs_printing, pdf_text, record_of, squeezed, text_of_page


@pytest.fixture(scope="module")
def printed(siming: Engine) -> bytes:
    from procure.reports.render import render_pdf

    return render_pdf(record_of(siming, "SM-2019-001"))


@pytest.fixture
def copy_of_siming(siming: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the Siming database, free to change."""
    path = tmp_path / "copy.db"
    siming.dispose()  # the last connection closed: SQLite folds its WAL into the file
    shutil.copy(str(siming.url.database), path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


ZHIYUAN = "51350203MJ0193275R"


@needs_printing
def test_pdf_text_names_organization_uscc_grade_decision_and_capitals(printed: bytes) -> None:
    text = pdf_text(printed)
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
    code = verification_code(record_of(siming, "SM-2019-001"))
    assert len(pages) <= 4
    for number in range(1, len(pages) + 1):
        text = squeezed(text_of_page(printed, number))
        assert f"第{number}页/共{len(pages)}页" in text
        assert code in text


@needs_printing
def test_same_data_gives_identical_bytes(siming: Engine, printed: bytes) -> None:
    from procure.reports.render import render_pdf

    assert render_pdf(record_of(siming, "SM-2019-001")) == printed


@needs_printing
def test_not_applicable_recusal_and_veto_print_as_a_person_reads_them(siming: Engine) -> None:
    from pypdf import PdfReader

    from procure.reports.render import render_pdf

    texts = {}
    for code in ("SM-2019-002", "SM-2019-005", "SM-2019-006"):
        pdf = render_pdf(record_of(siming, code))
        assert len(PdfReader(io.BytesIO(pdf)).pages) <= 4, code
        texts[code] = pdf_text(pdf)
    assert "回避：评分表中声明利益冲突（不计入）" in texts["SM-2019-002"]
    assert "declared" not in texts["SM-2019-002"]
    assert "不适用" in texts["SM-2019-005"]
    assert "按适用项折算" in texts["SM-2019-005"]
    assert "（未确认考核结果）" in texts["SM-2019-005"]
    assert "一票否决事项：挪用资金" in texts["SM-2019-006"]


@needs_printing
def test_markup_in_a_name_prints_literally(siming: Engine) -> None:
    from procure.reports.render import render_pdf

    record = record_of(siming, "SM-2019-005")
    record["organization"]["name"] = "<script>x</script>{{7*7}}"
    text = pdf_text(render_pdf(record))
    assert "<script>x</script>{{7*7}}" in text


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


def test_the_record_lists_the_award_notice_and_the_objection_with_its_answer(
    siming: Engine,
) -> None:
    (notice,) = record_of(siming, "SM-2019-002")["notices"]

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
    (notice,) = record_of(siming, "SM-2019-001")["notices"]

    assert notice["objections"] == []


@needs_printing
def test_the_printed_record_shows_the_notice_and_the_answered_objection_and_verifies(
    siming: Engine, tmp_path: Path
) -> None:
    from procure.reports.render import render_pdf
    from procure.reports.verify import verify_pdf

    pdf = render_pdf(record_of(siming, "SM-2019-002"))
    text = pdf_text(pdf)

    assert "中选结果公示与质疑" in text
    assert "思职志函〔2019〕1号" in text and "质疑不成立，予以驳回" in text
    file = tmp_path / "record.pdf"
    file.write_bytes(pdf)
    with new_session(siming) as session:
        assert verify_pdf(session, file).ok

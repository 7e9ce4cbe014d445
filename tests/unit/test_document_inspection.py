"""An upload is typed by its content and refused, naming the file in the language in use
(Chinese by default, English on request), when its name, its size or its content is hostile
(issue 22, item 3)."""

from __future__ import annotations

import pytest

from procure.domain.language import use_language
from procure.domain.text import quoted
from procure.services.documents import inspect as documents
from procure.services.documents.inspect import HostileFile, inspect_upload
from tests.hostile_documents import good, hostile, jpeg, png

EXPECTED = {
    "服务方案.pdf": ("pdf", "application/pdf", True),
    "登记证书.ofd": ("ofd", "application/ofd", False),
    "现场照片.png": ("png", "image/png", True),
    "签到表.jpg": ("jpeg", "image/jpeg", True),
    "服务方案.docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        False,
    ),
    "预算表.xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
}

REASONS = {
    "html": "HTML",
    "html_named_pdf": "HTML",
    "svg": "SVG",
    "svg_named_png": "SVG",
    "executable": "可执行程序",
    "old_office": "旧版 Office",
    "plain_zip": "不是 OFD",
    "encrypted_pdf": "加密",
    "restricted_pdf": "加密",
    "scripted_pdf": "脚本",
    "broken_pdf": "不是可读的 PDF",
    "zip_bomb": "压缩炸弹",
    "xxe_docx": "DTD 或实体",
    "xxe_after_comment": "DTD 或实体",
    "dtd_docx": "DTD 或实体",
    "laughs_docx": "DTD 或实体",
    "xxe_ofd": "DTD 或实体",
    "macro_docx": "含宏",
    "encrypted_part": "加密的部件",
    "pixel_bomb_png": "百万像素",
    "pixel_bomb_jpeg": "百万像素",
    "cut_png": "已损坏",
    "cut_jpeg": "已损坏",
    "renamed_png": "内容是PNG 图片，但文件名不以 .png 结尾",
    "empty_file": "空文件",
    "bidi_name": "U+202E",
    "control_name": "U+0000",
    "newline_name": "U+000A",
    "path_name": "路径",
    "windows_path_name": "路径",
    "empty_name": "文件名为空",
    "long_name": "超过 200 个字符",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_accepted_kind_is_typed_by_its_content(name: str) -> None:
    found = inspect_upload(name, good()[name], max_bytes=2**20)
    assert (found.kind, found.media_type, found.inline) == EXPECTED[name]


@pytest.mark.parametrize("hostile_class", sorted(REASONS))
def test_each_hostile_class_is_refused_naming_the_file_and_the_problem(hostile_class: str) -> None:
    name, content = hostile()[hostile_class]
    with pytest.raises(HostileFile) as refused:
        inspect_upload(name, content, max_bytes=20 * 2**20)
    message = refused.value.reason
    assert REASONS[hostile_class] in message
    assert "已拒绝" in message
    assert repr(name)[:40] in message  # the name, quoted: hidden characters shown escaped
    assert "\u202e" not in message and "\x00" not in message


def test_every_hostile_class_is_tested() -> None:
    assert set(REASONS) == set(hostile())


REASONS_EN = {
    "html_named_pdf": "holds an HTML/XML page (which may carry scripts)",
    "executable": "holds a program or a script",
    "zip_bomb": "(a zip bomb)",
    "xxe_docx": "declares a DTD or entities",
    "macro_docx": "with macros (VBA programs)",
    "pixel_bomb_png": "million pixels",
    "renamed_png": "is a PNG image by its content, but its name does not end in .png",
    "bidi_name": "U+202E",
    "path_name": "has a path (folder) part",
    "empty_file": "is empty (0 bytes)",
}


@pytest.mark.parametrize("hostile_class", sorted(REASONS_EN))
def test_a_hostile_file_is_refused_in_english_when_english_is_in_use(hostile_class: str) -> None:
    name, content = hostile()[hostile_class]
    with use_language("en"), pytest.raises(HostileFile) as refused:
        inspect_upload(name, content, max_bytes=20 * 2**20)
    message = refused.value.reason
    assert REASONS_EN[hostile_class] in message and message.endswith("; refused")
    assert repr(name)[:40] in message
    assert not any("\u4e00" <= c <= "\u9fff" for c in message.replace(quoted(name), ""))


def test_a_file_over_the_cap_is_refused_naming_the_cap() -> None:
    content = good()["服务方案.pdf"]
    with pytest.raises(HostileFile, match=r"超过单个文件上限 100 字节"):
        inspect_upload("服务方案.pdf", content, max_bytes=100)
    assert inspect_upload("服务方案.pdf", content, max_bytes=len(content)).kind == "pdf"


def test_a_zip_unpacking_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 2**10)
    with pytest.raises(HostileFile, match="解压后有 .*，超过上限 1 KB"):
        inspect_upload("预算表.xlsx", good()["预算表.xlsx"])


def test_a_name_may_hold_chinese_spaces_and_brackets() -> None:
    name = "2019年 服务方案（修订版）[最终].png"
    assert inspect_upload(name, png()).kind == "png"


def test_the_ending_may_be_in_capitals() -> None:
    assert inspect_upload("照片.PNG", png()).media_type == "image/png"


def test_a_hostile_file_is_invalid_input_so_every_door_answers_400() -> None:
    from procure.domain.errors import InvalidInput

    assert issubclass(HostileFile, InvalidInput)


def test_a_pdf_opening_at_its_first_page_is_no_script() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good()["服务方案.pdf"])))
    writer.open_destination = writer.pages[0]  # /OpenAction [page /Fit]: what office suites write
    out = io.BytesIO()
    writer.write(out)
    assert b"/OpenAction" in out.getvalue()
    assert inspect_upload("服务方案.pdf", out.getvalue()).kind == "pdf"


def test_a_progressive_jpeg_with_fill_bytes_is_measured_like_a_baseline_one() -> None:
    progressive = jpeg(65_000, 65_000).replace(b"\xff\xc0", b"\xff\xff\xff\xc2", 1)
    with pytest.raises(HostileFile, match="百万像素"):
        inspect_upload("巨图.jpg", progressive)
    small = jpeg(640, 480).replace(b"\xff\xc0", b"\xff\xff\xff\xc2", 1)
    assert inspect_upload("照片.jpg", small).kind == "jpeg"

"""A printed record carries the audit checkpoint taken as it was printed, and verification
checks it; a copy re-saved by another tool is told apart from an edited one."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from procure.reports.data import build_record, verification_code
from procure.services.trail.checkpoints import Signer, load_signer, take_checkpoint
from procure.store.db import make_engine, new_session
from procure.store.keyfile import create_key
from tests.databases import DEMO, SqliteTemplates
from tests.integration import tampering
from tests.integration.records import needs_printing, pdf_text, text_of_page

pytestmark = needs_printing
CODE = "SM-2019-001"


@pytest.fixture(scope="module")
def signed(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates
) -> Iterator[tuple[Engine, Signer, Path]]:
    """The Siming demo (a copy of the session's, see tests/databases.py), checkpointed
    with a fresh key, and its SM-2019-001 record printed."""
    from procure.reports.render import render_pdf

    folder = tmp_path_factory.mktemp("signed")
    sqlite_templates.copy_to(DEMO, folder / "siming.db")
    engine = make_engine(f"sqlite:///{folder / 'siming.db'}")
    create_key(folder / "audit.key")
    signer = load_signer(folder / "audit.key")
    with new_session(engine) as session:
        checkpoint = take_checkpoint(session, signer).to_dict()
        record = build_record(session, CODE)
    (folder / "record.pdf").write_bytes(render_pdf(record, checkpoint))
    yield engine, signer, folder / "record.pdf"
    engine.dispose()


def _verify(engine: Engine, file: Path, trusted: str | None = None) -> Any:
    from procure.reports.verify import verify_pdf

    with new_session(engine) as session:
        return verify_pdf(session, file, trusted_key=trusted)


def _attached(pdf: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    data = PdfReader(io.BytesIO(pdf)).attachments["evaluation-record.json"][0]
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def test_the_record_carries_its_checkpoint_in_its_data_and_on_its_last_page(
    signed: tuple[Engine, Signer, Path],
) -> None:
    engine, signer, file = signed
    pdf = file.read_bytes()
    attached = _attached(pdf)
    held = attached.pop("checkpoint")
    assert held["public_key"] == signer.public_key
    assert verification_code(attached) == verification_code(build_record_of(engine))
    last = "".join(text_of_page(pdf, 4).split())
    assert f"审计检查点第{held['seq']}条" in last
    assert held["hash"] in last
    assert "审计检查点" not in "".join(text_of_page(pdf, 1).split())


def build_record_of(engine: Engine) -> dict[str, Any]:
    with new_session(engine) as session:
        return build_record(session, CODE)


def test_verify_checks_the_carried_checkpoint_against_the_trusted_key(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    engine, signer, file = signed
    result = _verify(engine, file, signer.public_key)
    assert result.ok, result
    assert result.checkpoint.startswith("checkpoint ")
    create_key(tmp_path / "other.key")
    stranger = load_signer(tmp_path / "other.key").public_key
    refused = _verify(engine, file, stranger)
    assert not refused.ok
    assert "is signed with key" in refused.problems[0]
    assert "not the trusted key" in refused.problems[0]


def test_a_record_whose_checkpoint_the_chain_no_longer_holds_does_not_verify(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    engine, _, file = signed
    copy = tmp_path / "copy.db"
    engine.dispose()  # the last connection closed: SQLite folds its WAL into the file
    shutil.copy(str(engine.url.database), copy)
    edited = make_engine(f"sqlite:///{copy}")
    try:
        with new_session(edited) as session:
            tampering.edit_row(session, 10, "改过的理由")
            tampering.rechain(session, 10)
        result = _verify(edited, file)
    finally:
        edited.dispose()
    assert not result.ok
    assert result.differences == []
    assert result.problems == [
        f"{result.checkpoint} no longer matches: row {result.checkpoint.split('#')[1]} "
        "hash differs (carried by the record)"
    ]


def test_a_copy_re_saved_by_another_tool_is_re_saved_not_edited(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    engine, _, file = signed
    writer = PdfWriter(clone_from=PdfReader(file))
    resaved = tmp_path / "resaved.pdf"
    with resaved.open("wb") as out:
        writer.write(out)
    assert resaved.read_bytes() != file.read_bytes()
    result = _verify(engine, resaved)
    assert result.ok, result
    assert result.resaved


def _edited_copy(file: Path, target: Path, edit: Any) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(file))
    page = writer.pages[-1]
    contents = page.get_contents()
    assert contents is not None
    contents.set_data(edit(contents.get_data()))
    page.replace_contents(contents)
    with target.open("wb") as out:
        writer.write(out)
    return target


def test_a_copy_whose_visible_text_was_edited_is_still_edited(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    engine, _, file = signed

    def swap_two_glyphs(data: bytes) -> bytes:
        pair = re.compile(rb"<([0-9a-f]{4})>0<([0-9a-f]{4})>")
        match = next(m for m in pair.finditer(data) if m.group(1) != m.group(2))
        swapped = b"<" + match.group(2) + b">0<" + match.group(1) + b">"
        return data[: match.start()] + swapped + data[match.end() :]

    edited = _edited_copy(file, tmp_path / "text.pdf", swap_two_glyphs)
    assert pdf_text(edited.read_bytes()) != pdf_text(file.read_bytes())
    result = _verify(engine, edited)
    assert not result.ok
    assert not result.resaved
    assert "edited" in result.problems[0]


def test_a_copy_with_a_box_drawn_over_its_text_is_edited(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    engine, _, file = signed
    cover = b"\nq 1 1 1 rg 60 100 300 40 re f Q\n"
    edited = _edited_copy(file, tmp_path / "box.pdf", lambda data: data + cover)
    assert pdf_text(edited.read_bytes()) == pdf_text(file.read_bytes())
    result = _verify(engine, edited)
    assert not result.ok
    assert "edited" in result.problems[0]


def _font_program(writer: Any) -> Any:
    """The first embedded font program (FontFile, FontFile2 or FontFile3) of the last page."""
    fonts = writer.pages[-1]["/Resources"]["/Font"]
    for name in sorted(fonts):
        font = fonts[name].get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is None:
                continue
            for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                if key in descriptor.get_object():
                    return descriptor.get_object()[key].get_object()
    raise AssertionError("the record embeds no font program")


def test_a_copy_with_one_byte_of_an_embedded_font_changed_is_edited(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    engine, _, file = signed
    writer = PdfWriter(clone_from=PdfReader(file))
    program = _font_program(writer)
    data = bytearray(program.get_data())
    data[len(data) // 2] ^= 0xFF
    program.set_data(bytes(data))
    edited = tmp_path / "font.pdf"
    with edited.open("wb") as out:
        writer.write(out)
    assert pdf_text(edited.read_bytes()) == pdf_text(file.read_bytes())
    result = _verify(engine, edited)
    assert not result.ok
    assert not result.resaved
    assert "edited" in result.problems[0]


def test_a_copy_whose_to_unicode_map_was_changed_is_edited(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    from pypdf import PdfReader, PdfWriter

    engine, _, file = signed
    writer = PdfWriter(clone_from=PdfReader(file))
    fonts = writer.pages[-1]["/Resources"]["/Font"]
    font = next(fonts[name].get_object() for name in sorted(fonts) if "/ToUnicode" in fonts[name])
    cmap = font["/ToUnicode"].get_object()
    cmap.set_data(cmap.get_data().replace(b"endbfchar", b"endbfchar\n", 1))
    edited = tmp_path / "tounicode.pdf"
    with edited.open("wb") as out:
        writer.write(out)
    result = _verify(engine, edited)
    assert not result.ok
    assert "edited" in result.problems[0]


def test_a_copy_whose_startxref_points_elsewhere_is_not_re_saved(
    signed: tuple[Engine, Signer, Path], tmp_path: Path
) -> None:
    engine, _, file = signed
    pdf = file.read_bytes()
    at = pdf.rindex(b"startxref") + len(b"startxref")
    digits = re.compile(rb"\s*(\d+)").match(pdf, at)
    assert digits is not None
    first = digits.start(1)
    changed = b"1" if pdf[first : first + 1] != b"1" else b"2"
    damaged = tmp_path / "startxref.pdf"
    damaged.write_bytes(pdf[:first] + changed + pdf[first + 1 :])
    result = _verify(engine, damaged)
    assert not result.ok
    assert not result.resaved
    assert "does not parse cleanly" in result.problems[0]

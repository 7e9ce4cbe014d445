"""The content digest of a PDF reads each object once and refuses a file that draws with
more objects than any record could."""

from __future__ import annotations

import io

import pytest

from procure.reports import pdf_content


def _pdf_with_shared_resources(pages: int) -> bytes:
    """``pages`` pages whose resources all refer to one shared chain of arrays."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    shared = writer._add_object(ArrayObject([NumberObject(i) for i in range(10)]))
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Properties"): ArrayObject([shared, shared, shared])}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_object_referred_to_from_every_page_is_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = _pdf_with_shared_resources(50)
    # 50 resource dicts and 50 arrays, and the shared one: 101 objects, not 50 x 3 more
    monkeypatch.setattr(pdf_content, "MAX_OBJECTS", 150)
    assert pdf_content.content_digest(pdf) == pdf_content.content_digest(pdf)


def test_a_file_drawing_with_more_objects_than_the_cap_is_not_clean(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf_content, "MAX_OBJECTS", 20)
    with pytest.raises(pdf_content.NotCleanPdf, match="more than 20 objects"):
        pdf_content.content_digest(_pdf_with_shared_resources(50))


def test_bytes_that_need_repair_are_not_clean() -> None:
    pdf = _pdf_with_shared_resources(1)
    broken = pdf.replace(b"startxref", b"startxref\n9", 1)
    with pytest.raises(pdf_content.NotCleanPdf):
        pdf_content.content_digest(broken)

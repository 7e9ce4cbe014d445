"""Every stored file is proven by the trail: a file whose bytes were replaced, or a row that
no upload's trail row explains, is named by the trail check (``procure audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.documents.attach import attach
from procure.services.documents.blobs import file_store, sha256_of
from procure.services.documents.reading import open_as_seen
from procure.services.trail.check import trail_differences
from procure.store import queries
from tests.integration.builders import CODE, OFFICER, project_at
from tests.integration.documents.files import pdf

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""The rows' checks are the same SQL on both backends; replaced bytes are tried on both."""


@pytest.fixture
def contracted(session: Session) -> Iterator[tuple[Session, int, bytes]]:
    """A contracted project with its scan attached: the session, the file's id, its bytes."""
    project_at(session, "contracted")
    data = pdf("合同")
    attached = attach(
        session, project_code=CODE, fact_kind="contract", fact_id=None, name="合同.pdf",
        data=data, by=OFFICER,
    )  # fmt: skip
    assert trail_differences(session) == []
    yield session, attached.id, data


def test_a_stored_file_whose_bytes_were_replaced_is_caught_and_never_served(
    contracted: tuple[Session, int, bytes],
) -> None:
    session, attachment_id, data = contracted
    forged = pdf("伪造合同")
    session.execute(
        text("UPDATE document_blob SET data = :data WHERE sha256 = :sha"),
        {"data": forged, "sha": sha256_of(data)},
    )
    session.commit()
    found = [str(d) for d in trail_differences(session)]
    assert found == [
        f"attachment {CODE} attachment #1: stored_sha256 is {sha256_of(data)} in the trail, "
        f"{sha256_of(forged)} in the database"
    ]
    assert [str(d) for d in trail_differences(session, project_code=CODE)] == found
    with pytest.raises(Refused, match="存储内容与其 SHA-256 不符"):
        open_as_seen(session, attachment_id, OFFICER.name)


@SQLITE_ONLY
def test_an_attachment_row_pointed_at_other_bytes_is_caught(
    contracted: tuple[Session, int, bytes],
) -> None:
    session, _attachment_id, data = contracted
    other = pdf("另一份")
    file_store(session).put(other)
    session.execute(text("UPDATE attachment SET sha256 = :other"), {"other": sha256_of(other)})
    session.commit()
    assert [str(d) for d in trail_differences(session)] == [
        f"attachment {CODE} attachment #1: {field} is {sha256_of(data)} in the trail, "
        f"{sha256_of(other)} in the database"
        for field in ("sha256", "stored_sha256")
    ]


@SQLITE_ONLY
def test_an_attachment_row_no_trail_row_explains_is_caught(
    contracted: tuple[Session, int, bytes],
) -> None:
    session, _attachment_id, data = contracted
    project = queries.project_by_code(session, CODE)
    session.execute(
        text(
            "INSERT INTO attachment (project_id, number, fact_kind, fact_id, name, media_type, "
            "size, sha256, uploaded_by, uploaded_role, uploaded_at) VALUES (:project, 2, "
            "'contract', NULL, '补充.pdf', 'application/pdf', :size, :sha, '李秀梅', 'officer', "
            "'2019-02-26 08:00:00')"
        ),
        {"project": project.id, "size": len(data), "sha": sha256_of(data)},
    )
    session.commit()
    assert [str(d) for d in trail_differences(session)] == [
        f"attachment {CODE} attachment #2: in the database, no trail row explains it"
    ]

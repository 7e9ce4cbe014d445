"""The OCDS export read a chunk of projects at a time and streamed to its file.

The package's bytes are pinned: the demo's packages hash to what the per-project export
wrote before the export was made set-based and streamed (digests taken from that code),
whatever the chunk size, on both backends. (The demo's SM-2019-002 contract is signed on
28 February since the date rules of issue 21: signing waits for the end of its objection
window. The two packages holding it were compared with the per-project export's output on the
old fixture: the one difference is that contract's ``dateSigned``.) The export then published
every payment; since issue 20 it reads as the public, so the digests hold under a policy that
makes payments public, and the installed policy's package is the same less the payments.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.domain.language import use_language
from procure.services.loading.generate import generate_year
from procure.services.opendata import ocds
from procure.services.opendata.ocds import package_bytes, release_package, write_package
from tests.integration.siming_demo import BACKENDS, demo_session
from tests.integration.visibility.conftest import installed_policy


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


BEFORE_STREAMING = {
    (2019, None): "22741e33fd2bb19e6b44bc235444494f18237e7b1df7e4f66b9c0031c83433c8",
    (2019, "SM-FED"): "06381a658c9220f49a00630940bab3eadb6f3b7080830d49a485939838d21938",
    (2019, "SM-WJ"): "b5b77063bde363d471889de93d8cf264b56c6dfd7de9abad770347fd8d7a5308",
    (2020, None): "4d80b7f48993eec0e66f7af9d817dffba2e1b4aed0e5618ad4f4b0576d9e5b0b",
}
"""SHA-256 of the demo's packages as the export wrote them one project at a time."""
PAYMENTS_PUBLIC = [("payment", "public: never", "public: after_contract")]


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest) -> Iterator[Session]:
    yield from demo_session(request)


@pytest.mark.parametrize("chunk", [ocds.CHUNK_SIZE, 2], ids=["one chunk", "chunks of 2"])
@pytest.mark.parametrize("year, purchaser", list(BEFORE_STREAMING))
def test_the_streamed_package_is_byte_for_byte_the_one_exported_before(
    demo: Session,
    year: int,
    purchaser: str | None,
    chunk: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(ocds, "CHUNK_SIZE", chunk)
    streamed = io.BytesIO()

    with installed_policy(PAYMENTS_PUBLIC, tmp_path):
        written = write_package(demo, streamed, year, purchaser)
        whole = package_bytes(release_package(demo, year, purchaser))

    assert hashlib.sha256(streamed.getvalue()).hexdigest() == BEFORE_STREAMING[year, purchaser]
    assert streamed.getvalue() == whole
    assert written == len(release_package(demo, year, purchaser)["releases"])


def test_the_installed_policy_publishes_the_same_package_less_the_payments(
    demo: Session, tmp_path: Path
) -> None:
    with installed_policy(PAYMENTS_PUBLIC, tmp_path):
        paid = release_package(demo, 2019)
    installed = release_package(demo, 2019)

    transactions = 0
    for release in paid["releases"]:
        for contract in release.get("contracts", []):
            transactions += len(contract.get("implementation", {}).pop("transactions", []))
        for party in release.get("parties", []):  # who pays and is paid: named by payments
            party["roles"] = [r for r in party["roles"] if r not in ("payer", "payee")]
    assert transactions > 0
    assert package_bytes(installed) == package_bytes(paid)


def test_a_year_without_public_projects_streams_nothing(demo: Session) -> None:
    target = io.BytesIO()

    with pytest.raises(NotFound, match="no public projects in 2031"):
        write_package(demo, target, 2031)

    assert target.getvalue() == b""


def _statements(session: Session, export: Any) -> int:
    """How many SQL statements ``export`` sends through ``session``."""
    counted = []
    engine = session.get_bind()

    def count(*_args: Any) -> None:
        counted.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        export()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def test_the_exports_queries_do_not_grow_with_the_years_projects(session: Session) -> None:
    generate_year(session, year=2021, organizations=12, projects=10)
    generate_year(session, year=2022, organizations=12, projects=60, seed=1)

    write_package(session, io.BytesIO(), 2021)  # the rows every export reads, loaded once
    small = _statements(session, lambda: write_package(session, io.BytesIO(), 2021))
    large = _statements(session, lambda: write_package(session, io.BytesIO(), 2022))

    assert large == small

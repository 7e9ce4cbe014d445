"""What the OCDS package says about its publisher comes from workflows/opendata.yaml, checked on
loading; and the awards made without a notice, and renewals, map as OCDS expects."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.services.opendata.config import load_opendata_config
from procure.services.opendata.facts import (
    AwardFacts,
)
from procure.services.opendata.mapping import release
from tests.ocds_schema import schema_errors
from tests.unit.test_ocds_mapping import CONFIG, QIHANG, _at, _contracted, _facts, _package


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


def test_the_configuration_file_sets_the_ocid_prefix_and_the_links(tmp_path: Path) -> None:
    path = tmp_path / "opendata.yaml"
    path.write_text(
        "version: 1\nocid_prefix: ocds-abc123\nlicense: https://creativecommons.org/licenses/by/4.0/\n",
        encoding="utf-8",
    )

    config = load_opendata_config(path)

    assert config.ocid("SM-2019-001") == "ocds-abc123-SM-2019-001"
    assert config.license == "https://creativecommons.org/licenses/by/4.0/"
    assert config.uri(2019, "SM-WJ") == "urn:procure:ocds:SM-WJ:2019"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ocid_prefix: SM", "ocid_prefix: must look like ocds-abc123"),
        (
            "package_uri: 'https://x.example/{month}'",
            "package_uri: may use only {year} and {purchaser}",
        ),
        ("license: not a link", "license: must be a URI"),
        ("identifier_scheme: ''", "identifier_scheme: required text is missing"),
        ("publisher: 3", "publisher: must be text"),
        ("ocid_prefx: ocds-abc123", "unknown key ocid_prefx"),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_key(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "opendata.yaml"
    path.write_text(f"version: 1\n{line}\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_opendata_config(path)


def test_the_shipped_configuration_loads() -> None:
    config = load_opendata_config()

    assert config.ocid_prefix.startswith("ocds-")
    assert (config.license, config.publication_policy) == ("", "")


def test_an_award_made_without_a_notice_is_the_award_its_contract_signs() -> None:
    shown = release(
        _contracted(
            notices=(),
            proposals=(),
            award_without_notice=AwardFacts(QIHANG, Decimal("868000.00"), _at(19)),
        ),
        CONFIG,
    )

    (award,) = shown["awards"]
    assert (award["id"], award["status"], award["date"]) == (
        "SM-2019-001-award",
        "active",
        "2019-02-19T09:00:00+08:00",
    )
    assert shown["contracts"][0]["awardID"] == "SM-2019-001-award"
    assert "documents" not in award
    assert shown["tender"]["status"] == "complete"
    assert schema_errors(_package(shown)) == []


def test_a_renewal_is_a_limited_tender_related_to_the_process_it_renews() -> None:
    shown = release(
        _facts(
            code="SM-2020-001",
            state="awarded",
            renews=("SM-2019-001", "职工成长方程式"),
            award_without_notice=AwardFacts(QIHANG, Decimal("868000.00"), _at(7)),
        ),
        CONFIG,
    )

    assert shown["relatedProcesses"] == [
        {
            "id": "renews",
            "relationship": ["renewalProcess"],
            "title": "职工成长方程式",
            "scheme": "ocid",
            "identifier": "ocds-procure-SM-2019-001",
        }
    ]
    assert shown["tender"]["procurementMethod"] == "limited"
    assert "awardCriteria" not in shown["tender"]
    assert shown["awards"][0]["status"] == "pending"
    assert schema_errors(_package(shown)) == []

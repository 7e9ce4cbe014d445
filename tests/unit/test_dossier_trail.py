"""The dossier's trail is checked link by link from its first row, without a database: the
first row that does not hold is named with its line; a malformed line is named too."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from procure.domain.audit_chain import GENESIS_HASH, canonical_json, row_hash
from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.services.opendata.dossier_format import parse_trail_line
from procure.services.opendata.dossier_verify import verify_dossier


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


def _rows(count: int) -> list[dict[str, Any]]:
    rows, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        row: dict[str, Any] = {
            "seq": seq,
            "at": f"2019-01-0{seq}T01:00:00.000000Z",
            "actor": "李秀梅",
            "role": "officer",
            "project_code": "SM-2019-001",
            "trigger": f"step_{seq}",
            "from_state": None,
            "to_state": None,
            "reason": "",
            "data": canonical_json({"n": seq}),
            "batch_id": None,
        }
        row["prev_hash"] = previous
        row["hash"] = previous = row_hash(row, previous)
        rows.append(row)
    return rows


def _trail_checks(tmp_path: Path, lines: list[str]) -> list[tuple[bool, str]]:
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("trail.jsonl", "".join(f"{line}\n" for line in lines))
    result = verify_dossier(path)
    return [(c.ok, c.detail) for c in result.checks if c.check == "trail"]


def test_an_intact_trail_passes_from_row_1_to_its_last(tmp_path: Path) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in _rows(4)]
    assert _trail_checks(tmp_path, lines) == [
        (True, "4 rows; the hash chain recomputes from row 1 to #4")
    ]


def test_a_changed_row_is_named_with_its_line(tmp_path: Path) -> None:
    rows = _rows(4)
    rows[2]["reason"] = "改过"
    [(ok, detail)] = _trail_checks(tmp_path, [json.dumps(row) for row in rows])
    assert not ok
    assert "row 3 (trail.jsonl line 3) its content does not match its hash" in detail


def test_a_removed_row_is_named(tmp_path: Path) -> None:
    rows = _rows(4)
    del rows[1]
    [(ok, detail)] = _trail_checks(tmp_path, [json.dumps(row) for row in rows])
    assert not ok and "row 3 (trail.jsonl line 2) comes where row 2 should" in detail


def test_a_row_that_does_not_start_at_the_genesis_hash_is_named(tmp_path: Path) -> None:
    rows = _rows(3)[1:]
    [(ok, detail)] = _trail_checks(tmp_path, [json.dumps(row) for row in rows])
    assert not ok and "row 2 (trail.jsonl line 1)" in detail


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("{not json", "trail.jsonl line 7 is not JSON"),
        ("[1, 2]", "is not an audit row (a JSON object)"),
        ('{"seq": 1}', "missing at, actor"),
    ],
)
def test_a_malformed_line_is_named(line: str, said: str) -> None:
    with pytest.raises(InvalidInput, match=said.replace("(", r"\(").replace(")", r"\)")):
        parse_trail_line(line, 7)


def test_a_field_of_the_wrong_type_or_an_unknown_one_is_refused() -> None:
    row = _rows(1)[0]
    with pytest.raises(InvalidInput, match="seq has the wrong type"):
        parse_trail_line(json.dumps({**row, "seq": "1"}), 1)
    with pytest.raises(InvalidInput, match="seq has the wrong type"):
        parse_trail_line(json.dumps({**row, "seq": True}), 1)
    with pytest.raises(InvalidInput, match="unknown extra"):
        parse_trail_line(json.dumps({**row, "extra": 1}), 1)

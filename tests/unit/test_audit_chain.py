"""Rules for the audit trail's hash chain: one way to serialize, one hash per row."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from procure.domain.audit_chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    canonical_json,
    chained_hash,
    chained_payload,
    row_hash,
)


def fields(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": 1,
        "at": datetime(2019, 3, 1, 9, 30, tzinfo=UTC),
        "actor": "林晓",
        "role": "officer",
        "project_code": "SM-2019-007",
        "trigger": "sign_contract",
        "from_state": "awarded",
        "to_state": "contracted",
        "reason": "",
        "data": {"amount": Decimal("360000.00"), "start": date(2019, 3, 1)},
        "batch_id": None,
    }
    row.update(overrides)
    return row


CHANGED: dict[str, Any] = {
    "seq": 2,
    "at": datetime(2019, 3, 1, 9, 31, tzinfo=UTC),
    "actor": "陈芳",
    "role": "admin",
    "project_code": "SM-2019-008",
    "trigger": "cancel",
    "from_state": "reviewing",
    "to_state": "cancelled",
    "reason": "预算取消",
    "data": {"amount": Decimal("360000.01"), "start": date(2019, 3, 1)},
    "batch_id": "batch-1",
}


def test_the_genesis_hash_is_sixty_four_zeros() -> None:
    assert GENESIS_HASH == "0" * 64


def test_the_chain_covers_who_did_what_when_why_and_in_which_batch() -> None:
    assert set(CHAINED_FIELDS) == set(CHANGED)
    assert set(CHAINED_FIELDS) == {
        "seq",
        "at",
        "actor",
        "role",
        "project_code",
        "trigger",
        "from_state",
        "to_state",
        "reason",
        "data",
        "batch_id",
    }


def test_a_row_hash_is_a_sha256_hex_digest() -> None:
    digest = row_hash(fields(), GENESIS_HASH)

    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")


def test_the_same_row_and_previous_hash_give_the_same_hash() -> None:
    assert row_hash(fields(), GENESIS_HASH) == row_hash(fields(), GENESIS_HASH)


def test_the_order_fields_are_given_in_does_not_matter() -> None:
    row = fields()
    reversed_row = dict(reversed(list(row.items())))
    reversed_row["data"] = dict(reversed(list(row["data"].items())))

    assert row_hash(reversed_row, GENESIS_HASH) == row_hash(row, GENESIS_HASH)


@pytest.mark.parametrize("name", CHAINED_FIELDS)
def test_changing_any_chained_field_changes_the_hash(name: str) -> None:
    assert row_hash(fields(**{name: CHANGED[name]}), GENESIS_HASH) != row_hash(
        fields(), GENESIS_HASH
    )


def test_changing_the_previous_hash_changes_the_hash() -> None:
    first = row_hash(fields(), GENESIS_HASH)

    assert row_hash(fields(), first) != row_hash(fields(), GENESIS_HASH)
    assert row_hash(fields(), "1" + GENESIS_HASH[1:]) != row_hash(fields(), GENESIS_HASH)


def test_fields_outside_the_chain_do_not_change_the_hash() -> None:
    stored = fields(id=17, hash="f" * 64, prev_hash=GENESIS_HASH)

    assert row_hash(stored, GENESIS_HASH) == row_hash(fields(), GENESIS_HASH)


def test_a_row_missing_a_chained_field_cannot_be_hashed() -> None:
    row = fields()
    del row["reason"]

    with pytest.raises(KeyError, match="reason"):
        row_hash(row, GENESIS_HASH)


def test_a_chain_of_rows_links_each_hash_to_the_one_before() -> None:
    first = row_hash(fields(seq=1), GENESIS_HASH)
    second = row_hash(fields(seq=2), first)
    forged_first = row_hash(fields(seq=1, reason="改过"), GENESIS_HASH)

    assert row_hash(fields(seq=2), forged_first) != second


def test_canonical_json_sorts_keys_at_every_level_without_spaces() -> None:
    assert canonical_json({"b": 1, "a": {"z": [1, 2], "y": None}}) == (
        '{"a":{"y":null,"z":[1,2]},"b":1}'
    )


def test_canonical_json_keeps_chinese_unescaped() -> None:
    assert canonical_json({"actor": "林晓", "reason": "预算取消"}) == (
        '{"actor":"林晓","reason":"预算取消"}'
    )


def test_canonical_json_writes_decimals_as_strings_keeping_their_places() -> None:
    assert canonical_json({"amount": Decimal("360000.00")}) == '{"amount":"360000.00"}'


def test_canonical_json_writes_dates_and_times_in_iso_form() -> None:
    value = {"on": date(2019, 3, 1), "at": datetime(2019, 3, 1, 9, 30, tzinfo=UTC)}

    assert canonical_json(value) == '{"at":"2019-03-01T09:30:00+00:00","on":"2019-03-01"}'


def test_canonical_json_refuses_values_it_cannot_record() -> None:
    with pytest.raises(TypeError, match="cannot record a set in the audit trail"):
        canonical_json({"codes": {"a", "b"}})


def test_canonical_json_refuses_a_float() -> None:
    with pytest.raises(TypeError, match="cannot record a float"):
        canonical_json({"amount": 1200.5})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"project_code": None, "from_state": None, "to_state": None, "batch_id": None},
        {"reason": '引号 " 反斜杠 \\ 换行\n制表\t', "actor": "\u2028 \x00 é"},
        {"data": canonical_json({"b": [1, "二"], "a": {"z": Decimal("1.50")}}), "seq": 10**12},
    ],
)
def test_the_direct_payload_is_the_canonical_json_of_the_chained_fields(
    changes: dict[str, Any],
) -> None:
    stored = {**fields(), "at": "2019-03-01T09:30:00.000000Z", "data": '{"amount":"1.00"}'}
    row = {**stored, **changes}
    values = [row[name] for name in CHAINED_FIELDS]

    assert chained_payload(*values) == canonical_json({n: row[n] for n in CHAINED_FIELDS})
    assert chained_hash(chained_payload(*values), "ab" * 32) == row_hash(row, "ab" * 32)

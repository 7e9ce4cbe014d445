"""The projects list and its CSV/xlsx export through the gate: who won a project and its
contract amount show exactly where the policy lets the viewer see the award and the contract,
and one changed line of the policy changes the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.integration.visibility.conftest import Browsers, installed_policy
from tests.integration.visibility.world import FINISHED

WINNER = "厦门市思明区同心社会组织发展中心"
HIDDEN_FROM_BIDDERS = [
    # the winner and the amount hidden from every other bidder (and so from the public)
    ("award", "other_bidder: always", "other_bidder: never"),
    ("award", "public: always", "public: never"),
    ("contract", "other_bidder: always", "other_bidder: never"),
    ("contract", "public: after_contract", "public: never"),
]


def finished_row(browsers: Browsers, login: str, query: str = "year=2019") -> dict[str, str]:
    """The SM-2019-002 row of the CSV export as ``login`` downloads it ({} when not listed)."""
    response = browsers.get(login, f"/projects.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    for row in rows[1:]:
        if FINISHED in row:
            return dict(zip(rows[0], row, strict=True))
    return {}


def shows_winner(row: dict[str, str]) -> bool:
    return WINNER in row.values()


def shows_amount(row: dict[str, str]) -> bool:
    return any(value.replace(",", "").startswith("7") and "." in value for value in row.values())


@pytest.mark.parametrize("login", ["renhe", "tongxin", "何静"])
def test_the_installed_policy_lists_the_winner_and_amount_to_every_reader(
    browsers: Browsers, login: str
) -> None:
    row = finished_row(browsers, login)
    assert shows_winner(row) and shows_amount(row)


def test_a_changed_policy_line_empties_the_winner_and_amount_for_a_losing_bidder_only(
    browsers: Browsers, tmp_path: Path
) -> None:
    with installed_policy(HIDDEN_FROM_BIDDERS, tmp_path):
        losing = finished_row(browsers, "renhe")
        winning = finished_row(browsers, "tongxin")
        staff = finished_row(browsers, "何静")
        narrowed = finished_row(browsers, "renhe", f"year=2019&organization={WINNER}")
        page = browsers.get("renhe", "/projects?year=2019")
        book = browsers.get("renhe", "/projects.xlsx?year=2019")
    assert losing and not shows_winner(losing) and not shows_amount(losing)
    assert shows_winner(winning) and shows_amount(winning)
    assert shows_winner(staff) and shows_amount(staff)
    assert narrowed == {}, "listed by the winner's name, the row would tell who won"
    assert FINISHED in page.text and WINNER not in page.text
    sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
    assert sheet is not None
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert FINISHED in cells and WINNER not in cells

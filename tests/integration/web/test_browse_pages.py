"""The dashboard and the projects list: the account's scope, filters, exports, charts."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from tests.integration.builders import ADMIN, AUDITOR, CODE, OFFICER, Plan, create_project, drive
from tests.integration.web.support import set_passwords, sign_in

HOSTILE = '=HYPERLINK("x")<script>alert(1)</script>{{ 7*7 }}😀'


def _station_project(session: Session) -> None:
    registry.add_purchaser(
        session, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", "SM-FED"), OFFICER
    )
    registry.create_project(
        session,
        registry.ProjectCreate("SM-2019-050", 2019, "SM-WC", "梧村职工之家", "1000.00"),
        OFFICER,
    )
    accounts.add_user(session, "wc-officer", "梧村干事", ADMIN)
    accounts.grant(session, "wc-officer", "officer", ADMIN, purchaser="SM-WC")
    session.commit()


def test_the_dashboard_shows_what_waits_for_the_officer_and_draws_charts_without_script(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert f'href="/projects/{CODE}?open=submit#do-submit"' in page.text
    assert page.text.count("<svg") == 4  # two charts, each drawn for a laptop and a phone
    assert "<script" not in page.text.split("<main", 1)[1]  # drawn on the server
    assert "草拟" in page.text  # the year's projects by state


def test_the_dashboard_defaults_to_the_newest_year_and_can_show_all(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    assert '<option value="2019" selected>' in client.get("/dashboard").text
    assert '<option value="all" selected>' in client.get("/dashboard?year=all").text


def test_the_list_shows_only_the_stations_projects_to_a_station_officer(
    client: TestClient, registered: Session
) -> None:
    _station_project(registered)
    set_passwords(registered, "wc-officer")
    sign_in(client, "wc-officer")
    page = client.get("/projects")
    assert "SM-2019-050" in page.text and CODE not in page.text
    assert CODE not in client.get("/projects.csv").text


def test_the_list_filters_by_state_and_searches_code_and_title(
    client: TestClient, registered: Session
) -> None:
    _station_project(registered)
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    assert "SM-2019-050" in client.get("/projects?q=梧村").text
    assert CODE not in client.get("/projects?q=梧村").text
    assert "没有符合条件的项目" in client.get("/projects?state=assessed").text


def test_a_damaged_page_link_is_a_clear_error(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/projects?after=not-a-cursor")
    assert page.status_code == 400
    assert "请从第一页重新开始" in page.text
    client.cookies.delete("lang")  # the account's own choice, which signing in set
    client.cookies.set("lang", "en")
    assert "start again from the first page" in client.get("/projects?after=not-a-cursor").text


def test_exports_neutralize_formulas_and_escape_nothing_into_html(
    client: TestClient, registered: Session
) -> None:
    registry.create_project(
        registered,
        registry.ProjectCreate("SM-2019-077", 2019, "SM-FED", HOSTILE, "1000.00"),
        OFFICER,
    )
    registered.commit()
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    listing = client.get("/projects")
    assert "<script>alert(1)" not in listing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀" in listing.text
    exported = client.get("/projects.csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="projects.csv"'
    assert exported.content.startswith("\ufeff项目编号".encode())  # one byte-order mark
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    titles = [row[2] for row in rows[1:]]
    assert "'" + HOSTILE in titles
    book = load_workbook(io.BytesIO(client.get("/projects.xlsx").content), read_only=True)
    cells = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "'" + HOSTILE in cells


def test_a_bad_year_is_refused_in_plain_words(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/dashboard?year=２０１９")
    assert page.status_code == 400 and "年度须为数字" in page.text


def _state_rows(page: str) -> list[tuple[str, str, str]]:
    """The dashboard's (year, state, projects) rows."""
    row = r'<tr><td>(\d+)</td><td><a href="[^"]*">([^<]+)</a></td><td class="num">(\d+)</td>'
    return re.findall(row, page)


def test_the_dashboard_shows_a_write_at_the_next_view(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    assert _state_rows(client.get("/dashboard").text) == [("2019", "草拟", "1")]

    lc.submit(registered, CODE, OFFICER)
    registered.commit()
    assert _state_rows(client.get("/dashboard").text) == [("2019", "立项申报", "1")]

    registry.create_project(
        registered,
        registry.ProjectCreate("SM-2019-051", 2019, "SM-FED", "职工之家", "1000.00"),
        OFFICER,
    )
    registered.commit()
    assert _state_rows(client.get("/dashboard").text) == [
        ("2019", "草拟", "1"),
        ("2019", "立项申报", "1"),
    ]


def test_the_dashboard_opens_on_the_year_with_work_for_the_account(
    client: TestClient, registered: Session
) -> None:
    registry.create_project(
        registered,
        registry.ProjectCreate("SM-2020-001", 2020, "SM-FED", "已撤销的项目", "1000.00"),
        OFFICER,
    )
    lc.perform(registered, "SM-2020-001", "cancel", OFFICER, reason="重复立项")
    registered.commit()  # 2020 is the newest year, with nothing left to do in it
    set_passwords(registered, OFFICER.name, AUDITOR.name)

    sign_in(client, OFFICER.name)
    officer = client.get("/dashboard").text
    sign_in(client, AUDITOR.name)
    auditor = client.get("/dashboard").text

    assert '<option value="2019" selected>' in officer  # SM-2019-001 waits to be submitted
    assert '<option value="2020" selected>' in auditor  # no contract anywhere: the newest


def test_an_auditor_opens_on_the_year_of_the_signed_contracts_not_the_next_awarded_one(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "in_service", start="draft")
    next_year = Plan(code="SM-2020-001", year=2020)
    create_project(registered, next_year)
    drive(registered, next_year, "awarded")  # awarded, its contract not yet signed
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)

    assert '<option value="2019" selected>' in client.get("/dashboard").text

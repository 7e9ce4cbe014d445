"""The audit pages: the trail newest first, filtered and paged; what `audit verify` says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.services.trail.checkpoints import load_signer, take_checkpoint
from procure.store import audit
from procure.store.keyfile import create_key
from procure.workflow.context import Actor
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    CODE,
    OFFICER,
    PURCHASER,
)
from tests.integration.web.support import read_in, set_passwords, sign_in

OTHER = "SM-2019-002"  # a project of another station


def _seqs(html: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'<tr id="seq-(\d+)">', html)]


def _write_rows(
    session: Session,
    rows: int,
    *,
    batch_id: str | None = None,
    start: datetime = datetime(2019, 3, 1, 1, 0, tzinfo=UTC),
) -> None:
    audit.append_many(
        session,
        (
            audit.AuditEntry(
                actor=OFFICER.name,
                role="officer",
                trigger="note",
                at=start + timedelta(minutes=i),
                project_code=CODE,
                reason=f"第{i}条",
                batch_id=batch_id,
            )
            for i in range(rows)
        ),
    )
    session.commit()


def _two_stations(session: Session) -> None:
    """A station under the federation with its own project, and an auditor of each."""
    registry.add_purchaser(
        session, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", PURCHASER), OFFICER
    )
    registry.add_purchaser(
        session, registry.PurchaserCreate("SM-JL", "嘉莲街道", "500000.00", PURCHASER), OFFICER
    )
    registry.create_project(
        session, registry.ProjectCreate(OTHER, 2019, "SM-JL", "嘉莲项目", "1000.00"), OFFICER
    )
    for login, purchaser in (("wc-auditor", "SM-WC"), ("fed-auditor", PURCHASER)):
        accounts.add_user(session, login, f"审计 {purchaser}", ADMIN)
        accounts.grant(session, login, "auditor", ADMIN, purchaser=purchaser)
    session.commit()
    set_passwords(session, "wc-auditor", "fed-auditor")


def test_an_auditor_reads_the_trail_newest_first_with_links(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit")
    assert page.status_code == 200
    seqs = _seqs(page.text)
    assert seqs == sorted(seqs, reverse=True) and len(seqs) > 1
    assert f'href="/projects/{CODE}"' in page.text
    assert "草拟项目" in page.text and ">草拟</td>" in page.text  # names, not codes
    assert OFFICER.name in page.text  # the actor's display name (data.actor_name)


def test_an_admin_reads_the_trail_too(client: TestClient, registered: Session) -> None:
    set_passwords(registered, ADMIN.name)
    sign_in(client, ADMIN.name)
    assert client.get("/audit").status_code == 200


def test_an_account_without_auditor_or_admin_may_not_read_the_trail(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    for path in ("/audit", "/audit/verify", f"/audit?project={CODE}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "查看审计记录需要审计或管理员角色" in response.text
    read_in(client, "en")
    response = client.get("/audit")
    assert response.status_code == 403
    assert "holds no auditor or administrator grant" in response.text


def test_the_trail_without_sign_in_sends_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/audit?project=X", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_the_trail_pages_by_a_hundred_rows_from_the_newest(
    client: TestClient, registered: Session
) -> None:
    _write_rows(registered, 150)
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    first = client.get(f"/audit?project={CODE}")
    seqs = _seqs(first.text)
    assert len(seqs) == 100
    older = re.search(r'href="(/audit\?[^"]+)" rel="next"', first.text)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&"))
    rest = _seqs(second.text)
    assert rest and max(rest) < min(seqs)
    assert len(seqs) + len(rest) == 151  # 150 notes and the project's create row
    assert 'rel="next"' not in second.text
    assert "« 最新" in second.text


def test_the_trail_filters_by_actor_trigger_and_dates(
    client: TestClient, registered: Session
) -> None:
    _write_rows(registered, 3)
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    notes = _seqs(client.get("/audit?trigger=note").text)
    assert len(notes) == 3
    by_officer = client.get(f"/audit?actor={OFFICER.name}&trigger=create").text
    assert len(_seqs(by_officer)) == 1
    assert len(_seqs(client.get("/audit?since=2019-03-01&until=2019-03-01").text)) == 3
    assert _seqs(client.get("/audit?until=2019-02-28").text) == []
    assert "没有符合条件的记录" in client.get("/audit?actor=nobody").text


def test_a_bad_date_is_shown_beside_its_field(client: TestClient, registered: Session) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    response = client.get("/audit?since=2019-13-45&until=2019-01-01")
    assert response.status_code == 400
    assert "请填写日期" in response.text and 'value="2019-13-45"' in response.text
    reversed_range = client.get("/audit?since=2019-02-01&until=2019-01-01")
    assert reversed_range.status_code == 400 and "结束日期早于开始日期" in reversed_range.text
    assert client.get("/audit?before=abc").status_code == 400


def test_a_batch_is_listed_by_its_id_and_linked_from_its_rows(
    client: TestClient, registered: Session
) -> None:
    _write_rows(registered, 2)
    _write_rows(registered, 4, batch_id="renew-2019")
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit?batch=renew-2019")
    assert len(_seqs(page.text)) == 4
    assert 'href="/audit?batch=renew-2019"' in page.text


def test_a_station_auditor_reads_its_projects_and_the_registry_but_not_another_stations(
    client: TestClient, registered: Session
) -> None:
    _two_stations(registered)
    sign_in(client, "wc-auditor")
    page = client.get("/audit").text
    # rows of no project are shared by all who audit
    assert '<td data-trigger="add_purchaser">登记购买方</td>' in page
    assert f"/projects/{OTHER}" not in page and f"/projects/{CODE}" not in page
    assert client.get(f"/audit?project={OTHER}").status_code == 404
    assert client.get(f"/audit/verify?project={OTHER}").status_code == 404
    sign_in(client, "fed-auditor")  # the federation covers the stations below it
    page = client.get("/audit").text
    assert f"/projects/{OTHER}" in page and f"/projects/{CODE}" in page


def test_verify_shows_an_intact_chain_and_the_tables_agreeing(
    client: TestClient, registered: Session, tmp_path: Path
) -> None:
    create_key(tmp_path / "audit.key")
    signer = load_signer(tmp_path / "audit.key")
    take_checkpoint(registered, signer)
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit/verify")
    assert page.status_code == 200
    assert '<h2 class="ok" id="verdict">通过</h2>' in page.text
    assert re.search(r'id="chain_ok" class="ok">完整<', page.text)
    assert re.search(r'id="checkpoints">1<', page.text)
    assert signer.public_key not in page.text
    assert re.search(r'id="newest">检查点 \d{4}-\d{2}-\d{2} #\d+（密钥 \w+', page.text)
    assert "数据与审计记录一致" in page.text
    trusted = client.get("/audit/verify", params={"public_key": signer.public_key})
    assert '<h2 class="ok" id="verdict">通过</h2>' in trusted.text
    assert client.get("/audit/verify?public_key=not-a-key").status_code == 400


def test_verify_names_a_broken_row_and_skips_the_comparison(
    client: TestClient, registered: Session
) -> None:
    registered.connection().execute(
        text("UPDATE transition_log SET reason = 'changed' WHERE seq = 2")
    )
    registered.commit()
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit/verify").text
    assert '<h2 class="error" id="verdict">发现问题</h2>' in page
    assert "audit chain broken at row 2" in page
    assert "审计链不完整，未比对数据" in page


def test_verify_names_a_table_edited_behind_the_trail(
    client: TestClient, registered: Session
) -> None:
    registered.connection().execute(
        text("UPDATE project SET budget = budget + 1 WHERE code = :code"), {"code": CODE}
    )
    registered.commit()
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get(f"/audit/verify?project={CODE}").text
    assert '<h2 class="error" id="verdict">发现问题</h2>' in page
    assert f"project {CODE}: budget" in page


def test_a_station_auditor_compares_one_project_in_its_scope(
    client: TestClient, registered: Session
) -> None:
    _two_stations(registered)
    sign_in(client, "fed-auditor")
    everything = client.get("/audit/verify").text
    assert "请选择你范围内的一个项目" in everything
    assert "数据与审计记录一致" in client.get(f"/audit/verify?project={OTHER}").text


def test_hostile_names_on_the_audit_pages_are_shown_literally(
    client: TestClient, registered: Session
) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }}😀"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀"
    accounts.add_user(registered, "hostile", hostile, ADMIN)
    accounts.grant(registered, "hostile", "officer", ADMIN)
    registry.create_project(
        registered,
        registry.ProjectCreate("SM-2019-066", 2019, PURCHASER, "项目", "1000.00"),
        Actor("hostile", "officer"),
    )
    registered.commit()
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit?actor=hostile")
    assert "<script>alert(1)" not in page.text
    assert escaped in page.text  # the actor's display name
    echoed = client.get("/audit", params={"batch": hostile})
    assert "<script>alert(1)" not in echoed.text and f'value="{escaped}"' in echoed.text
    verify = client.get("/audit/verify", params={"project": hostile})
    assert verify.status_code == 404 and "<script>alert(1)" not in verify.text


def test_the_trail_shows_and_filters_by_beijing_time_and_says_so_once(
    client: TestClient, registered: Session
) -> None:
    late = datetime(2019, 3, 1, 17, 30, tzinfo=UTC)  # 2 March, 01:30 in Beijing
    _write_rows(registered, 1, start=late)
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)

    page = client.get("/audit?trigger=note").text

    assert "2019年03月02日 01:30:00" in page and "时间为北京时间（UTC+8）" in page
    assert ">2019年03月01日 17:30" not in page and "(UTC)" not in page
    assert len(_seqs(client.get("/audit?trigger=note&since=2019-03-02").text)) == 1
    assert _seqs(client.get("/audit?trigger=note&until=2019-03-01").text) == []

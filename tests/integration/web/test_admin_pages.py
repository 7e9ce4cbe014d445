"""The administration pages: accounts, grants, sessions, purchasers and organizations."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.store import queries
from procure.store.models import Purchaser
from procure.store.trust_models import User
from tests.integration.builders import ADMIN, AUDITOR, OFFICER, PURCHASER, QIHANG, snapshot
from tests.integration.web.support import PASSWORD, form_token, read_in, set_passwords, sign_in

NEW_USCC = make_uscc("52350203MJ0612345")

POSTS: list[tuple[str, dict[str, str]]] = [
    ("/admin/accounts", {"login": "new-one", "name": "新人", "password": PASSWORD}),
    ("/admin/grants", {"login": OFFICER.name, "role": "leader", "purchaser": PURCHASER}),
    ("/admin/grants/revoke", {"login": OFFICER.name, "role": "officer"}),
    ("/admin/deactivate", {"login": OFFICER.name}),
    ("/admin/sessions/end", {"login": AUDITOR.name}),
    ("/admin/purchasers", {"code": "SM-WC", "name": "梧村", "annual_funds": "1000.00"}),
    ("/admin/organizations", {"uscc": NEW_USCC, "name": "新组织"}),
]
"""Every state-changing form of the pages, with values that would succeed."""


def _admin(client: TestClient, session: Session) -> str:
    set_passwords(session, ADMIN.name)
    return sign_in(client, ADMIN.name)


def _post(client: TestClient, path: str, csrf: str, **values: str) -> object:
    return client.post(path, data={"csrf_token": csrf, **values}, follow_redirects=False)


def _user(session: Session, login: str) -> User | None:
    session.expire_all()
    found = session.exec(select(User).where(User.login == login)).first()
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return found


def _grants(session: Session, login: str) -> list[str]:
    """The account's active grants, as "role@scope"."""
    session.expire_all()
    held = next(u for u in accounts.list_users(session) if u.login == login).grants
    session.commit()
    return [f"{g.role}@{g.scope}" for g in held]


def test_an_admin_sees_accounts_with_grants_and_open_sessions(
    client: TestClient, registered: Session
) -> None:
    _admin(client, registered)
    page = client.get("/admin")
    assert page.status_code == 200
    assert f"<code>{OFFICER.name}</code>" in page.text
    assert "项目干事 · 全部购买方" in page.text
    assert "<h2>当前登录</h2>" in page.text and "系统管理员 <code>admin</code>" in page.text
    registry_page = client.get("/admin/registry")
    assert registry_page.status_code == 200
    assert f"<code>{PURCHASER}</code>" in registry_page.text
    assert f"<code>{QIHANG}</code>" in registry_page.text
    assert "3,600,000.00" in registry_page.text
    assert "共 3 个" in registry_page.text
    read_in(client, "en")
    assert "Project officer · All purchasers" in client.get("/admin").text
    assert "3 registered" in client.get("/admin/registry").text


@pytest.mark.parametrize("path", ["/admin", "/admin/registry"])
def test_a_non_admin_may_not_open_the_administration(
    client: TestClient, registered: Session, path: str
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    response = client.get(path)
    assert response.status_code == 403
    assert "没有覆盖 任一购买方 的管理员授权" in response.text


def test_an_admin_adds_an_account_that_then_signs_in_with_its_password(
    client: TestClient, registered: Session
) -> None:
    csrf = _admin(client, registered)
    done = _post(client, "/admin/accounts", csrf, login="new-one", name="新人", password=PASSWORD)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert done.headers["location"] == "/admin?done=account"  # type: ignore[attr-defined]
    assert _user(registered, "new-one") is not None
    sign_in(client, "new-one")  # the initial password works


def test_a_weak_password_and_a_taken_login_are_shown_beside_their_fields(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(client, registered)
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/accounts",
        data={"csrf_token": csrf, "login": OFFICER.name, "name": "重名", "password": "short"},
    )
    assert response.status_code == 400
    assert "账号已存在" in response.text and "初始密码太弱" in response.text
    assert 'value="重名"' in response.text  # kept for correcting; the password is not
    assert 'value="short"' not in response.text
    assert snapshot(registered, engine) == before


def test_an_admin_grants_a_role_for_a_purchaser_and_revokes_it(
    client: TestClient, registered: Session
) -> None:
    csrf = _admin(client, registered)
    done = _post(
        client, "/admin/grants", csrf, login=OFFICER.name, role="leader", purchaser=PURCHASER
    )
    assert done.headers["location"] == "/admin?done=grant"  # type: ignore[attr-defined]
    assert f"leader@{PURCHASER}" in _grants(registered, OFFICER.name)
    page = client.get("/admin").text
    assert f'name="purchaser" value="{PURCHASER}"' in page  # its revoke form
    _post(
        client, "/admin/grants/revoke", csrf, login=OFFICER.name, role="leader", purchaser=PURCHASER
    )
    assert f"leader@{PURCHASER}" not in _grants(registered, OFFICER.name)


def test_an_organization_grant_names_its_organization(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(client, registered)
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/grants", data={"csrf_token": csrf, "login": OFFICER.name, "role": "organization"}
    )
    assert response.status_code == 400
    assert "请选择承接方" in response.text
    assert snapshot(registered, engine) == before
    _post(
        client,
        "/admin/grants",
        csrf,
        login=OFFICER.name,
        role="organization",
        organization=QIHANG.lower(),
    )
    assert f"organization@{QIHANG}" in _grants(registered, OFFICER.name)


def test_a_grant_already_held_is_refused_in_words_and_changes_nothing(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(client, registered)
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/grants", data={"csrf_token": csrf, "login": OFFICER.name, "role": "officer"}
    )
    assert response.status_code == 400
    assert "已持有全部购买方的项目干事授权" in response.text
    read_in(client, "en")
    response = client.post(
        "/admin/grants", data={"csrf_token": csrf, "login": OFFICER.name, "role": "officer"}
    )
    assert "already holds the Project officer role for all purchasers" in response.text
    assert snapshot(registered, engine) == before


def test_a_deactivated_account_can_no_longer_sign_in(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    csrf = _admin(client, registered)
    _post(client, "/admin/deactivate", csrf, login=OFFICER.name)
    user = _user(registered, OFFICER.name)
    assert user is not None and not user.active
    page = client.get("/signin")
    refused = client.post(
        "/signin",
        data={
            "login": OFFICER.name,
            "password": PASSWORD,
            "signin_token": form_token(page.text, "signin_token"),
        },
    )
    assert refused.status_code == 401


def test_an_admin_cannot_deactivate_themselves(client: TestClient, registered: Session) -> None:
    csrf = _admin(client, registered)
    response = client.post("/admin/deactivate", data={"csrf_token": csrf, "login": ADMIN.name})
    assert response.status_code == 403
    assert "管理员不能停用自己的账号" in response.text


def test_ending_an_accounts_sessions_signs_its_browser_out(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    with TestClient(client.app) as officer_browser:
        sign_in(officer_browser, OFFICER.name)
        assert officer_browser.get("/account/password").status_code == 200
        csrf = _admin(client, registered)
        assert f"<code>{OFFICER.name}</code></td><td>" in client.get("/admin").text
        done = _post(client, "/admin/sessions/end", csrf, login=OFFICER.name)
        assert done.headers["location"] == "/admin?done=sessions"  # type: ignore[attr-defined]
        gone = officer_browser.get("/account/password", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"].startswith("/signin")


def test_an_admin_adds_a_purchaser_below_another(client: TestClient, registered: Session) -> None:
    csrf = _admin(client, registered)
    done = _post(
        client,
        "/admin/purchasers",
        csrf,
        code="SM-WC",
        name="梧村街道工会",
        parent=PURCHASER,
        annual_funds="500000",
    )
    assert done.headers["location"] == "/admin/registry?done=purchaser"  # type: ignore[attr-defined]
    added = queries.purchaser_by_code(registered, "SM-WC")
    parent = registered.exec(select(Purchaser).where(Purchaser.code == PURCHASER)).one()
    assert added.parent_id == parent.id and str(added.annual_funds) == "500000.00"
    registered.commit()
    page = client.get("/admin/registry?done=purchaser").text
    assert "购买方已登记" in page and "500,000.00" in page


def test_bad_purchaser_values_are_shown_beside_their_fields(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(client, registered)
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/purchasers",
        data={"csrf_token": csrf, "code": "sm wc", "name": "", "annual_funds": "五十万"},
    )
    assert response.status_code == 400
    assert "购买方代码须以大写字母开头" in response.text
    assert "名称有误" in response.text and "请填写金额" in response.text
    assert 'value="五十万"' in response.text
    assert snapshot(registered, engine) == before


def test_an_admin_registers_an_organization(client: TestClient, registered: Session) -> None:
    csrf = _admin(client, registered)
    done = _post(client, "/admin/organizations", csrf, uscc=NEW_USCC.lower(), name="新组织")
    assert done.headers["location"] == "/admin/registry?done=organization"  # type: ignore[attr-defined]
    found = queries.organization_by_uscc(registered, NEW_USCC)
    assert found is not None and found.name == "新组织"


def test_a_uscc_whose_check_character_fails_is_shown_beside_its_field_in_chinese(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(client, registered)
    wrong = NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1")
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/organizations", data={"csrf_token": csrf, "uscc": wrong, "name": "新组织"}
    )
    assert response.status_code == 400
    assert "统一社会信用代码有误" in response.text
    assert 'id="organization-uscc" name="uscc" value="' + wrong + '"' in response.text
    assert snapshot(registered, engine) == before
    taken = client.post(
        "/admin/organizations", data={"csrf_token": csrf, "uscc": QIHANG, "name": "重复"}
    )
    assert taken.status_code == 400 and "该组织已登记" in taken.text


@pytest.mark.parametrize(("path", "values"), POSTS, ids=[p for p, _ in POSTS])
def test_a_post_without_the_form_token_is_refused_and_changes_nothing(
    client: TestClient, registered: Session, engine: Engine, path: str, values: dict[str, str]
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)  # a session for the end-sessions form to end
    _admin(client, registered)
    before = snapshot(registered, engine)
    assert client.post(path, data=values).status_code == 403
    assert client.post(path, data={**values, "csrf_token": "forged"}).status_code == 403
    assert snapshot(registered, engine) == before


@pytest.mark.parametrize(("path", "values"), POSTS, ids=[p for p, _ in POSTS])
def test_a_non_admins_forged_post_is_refused_and_changes_nothing(
    client: TestClient, registered: Session, engine: Engine, path: str, values: dict[str, str]
) -> None:
    set_passwords(registered, AUDITOR.name, OFFICER.name)
    sign_in(client, AUDITOR.name)
    csrf = sign_in(client, OFFICER.name)  # an officer may register; only an admin here
    before = snapshot(registered, engine)
    response = client.post(path, data={**values, "csrf_token": csrf})
    assert response.status_code == 403
    assert "没有覆盖 任一购买方 的管理员授权" in response.text
    assert snapshot(registered, engine) == before


def test_a_station_admin_may_not_grant_for_the_federation(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    registry.add_purchaser(
        registered, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", PURCHASER), OFFICER
    )
    accounts.add_user(registered, "wc-admin", "梧村管理员", ADMIN)
    accounts.grant(registered, "wc-admin", "admin", ADMIN, purchaser="SM-WC")
    registered.commit()
    set_passwords(registered, "wc-admin")
    csrf = sign_in(client, "wc-admin")
    before = snapshot(registered, engine)
    response = client.post(
        "/admin/grants",
        data={"csrf_token": csrf, "login": OFFICER.name, "role": "leader", "purchaser": PURCHASER},
    )
    assert response.status_code == 403
    assert "没有覆盖 SM-FED 的管理员授权" in response.text
    assert snapshot(registered, engine) == before


def test_hostile_names_on_the_administration_pages_are_shown_literally(
    client: TestClient, registered: Session
) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }}😀"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀"
    accounts.add_user(registered, "hostile", hostile, ADMIN)
    registry.add_purchaser(
        registered, registry.PurchaserCreate("SM-HX", hostile, "1.00", PURCHASER), OFFICER
    )
    registry.register_organization(
        registered, registry.OrganizationCreate(NEW_USCC, hostile), OFFICER
    )
    registered.commit()
    csrf = _admin(client, registered)
    failed = client.post(
        "/admin/accounts", data={"csrf_token": csrf, "login": hostile, "name": hostile}
    )
    for page in (client.get("/admin"), client.get("/admin/registry"), failed):
        assert "<script>alert(1)" not in page.text
        assert escaped in page.text

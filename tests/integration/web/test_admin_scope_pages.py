"""/admin under a scoped administrator: it manages only the accounts within its purchasers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from tests.integration.builders import ADMIN, AUDITOR, OFFICER, PURCHASER, snapshot
from tests.integration.web.support import read_in, set_passwords, sign_in


@pytest.fixture
def scoped(registered: Session) -> Session:
    """``fedadmin`` administers SM-FED and SM-WC below it; ``wcclerk`` is SM-WC's officer;
    the Siming people (OFFICER, AUDITOR, ...) hold their roles for every purchaser."""
    registry.add_purchaser(
        registered,
        registry.PurchaserCreate("SM-WC", "梧村街道总工会", "500000.00", PURCHASER),
        ADMIN,
    )
    for login, role, purchaser in (
        ("fedadmin", "admin", PURCHASER),
        ("wcclerk", "officer", "SM-WC"),
    ):
        accounts.add_user(registered, login, login, ADMIN)
        accounts.grant(registered, login, role, ADMIN, purchaser=purchaser)
    registered.commit()
    set_passwords(registered, "fedadmin", "wcclerk", OFFICER.name)
    return registered


@pytest.mark.parametrize(
    ("path", "values"),
    [
        ("/admin/deactivate", {"login": ADMIN.name}),
        ("/admin/deactivate", {"login": OFFICER.name}),
        ("/admin/sessions/end", {"login": OFFICER.name}),
        ("/admin/grants", {"login": AUDITOR.name, "role": "leader", "purchaser": "SM-WC"}),
    ],
)
def test_a_scoped_admin_is_refused_in_chinese_for_an_account_beyond_its_purchasers(
    client: TestClient, scoped: Session, engine: Engine, path: str, values: dict[str, str]
) -> None:
    csrf = sign_in(client, "fedadmin")
    before = snapshot(scoped, engine)
    refused = client.post(path, data={"csrf_token": csrf, **values}, follow_redirects=False)
    assert refused.status_code == 403
    assert "被拒绝" in refused.text and "范围以外的授权" in refused.text
    read_in(client, "en")
    refused = client.post(path, data={"csrf_token": csrf, **values}, follow_redirects=False)
    assert refused.status_code == 403 and "holds a grant outside them" in refused.text
    assert snapshot(scoped, engine) == before


def test_a_scoped_admin_manages_an_account_within_its_purchasers(
    client: TestClient, scoped: Session
) -> None:
    csrf = sign_in(client, "fedadmin")
    done = client.post(
        "/admin/deactivate", data={"csrf_token": csrf, "login": "wcclerk"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text


@pytest.mark.parametrize(
    ("name", "says"), [("启航\x00中心", "U+0000"), ("启航\x1b[2J中心", "U+001B")]
)
def test_the_registry_form_refuses_an_organization_name_with_a_control_character(
    client: TestClient, scoped: Session, engine: Engine, name: str, says: str
) -> None:
    from procure.domain.uscc import make_uscc

    set_passwords(scoped, ADMIN.name)
    csrf = sign_in(client, ADMIN.name)
    before = snapshot(scoped, engine)
    refused = client.post(
        "/admin/organizations",
        data={"csrf_token": csrf, "uscc": make_uscc("52350203MJ0612345"), "name": name},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert says in refused.text and "名称有误" in refused.text
    assert snapshot(scoped, engine) == before

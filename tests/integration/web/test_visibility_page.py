"""The visibility policy as a page: /admin/visibility prints workflows/visibility.yaml as a
table in the reader's language (Chinese by default), to administrators only; `procure workflow
visibility` prints the same."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.domain.visibility import FACT_KINDS, RELATIONS, RELATIONS_EN
from tests.e2e.cli import CHINESE, procure
from tests.integration.builders import ADMIN, AUDITOR
from tests.integration.web.support import set_passwords, sign_in


def test_the_admin_page_prints_every_fact_and_relation_with_its_moment_and_basis(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, ADMIN.name)
    sign_in(client, ADMIN.name)

    page = client.get("/admin/visibility")

    assert page.status_code == 200
    for label in [*FACT_KINDS.values(), *RELATIONS.values()]:
        assert label in page.text, label
    assert "提交本人评分后" in page.text and "中选结果公示后" in page.text
    assert "财政部令第87号" in page.text  # a basis


def test_the_admin_page_prints_the_table_in_english_when_asked(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, ADMIN.name)
    sign_in(client, ADMIN.name)
    client.cookies.delete("lang")  # signing in set the account's own choice, Chinese
    client.cookies.set("lang", "en")

    page = client.get("/admin/visibility")

    assert page.status_code == 200
    for label in ["Review sheets (score per criterion and total)", *RELATIONS_EN.values()]:
        assert label in page.text, label
    assert "After submitting their own scores" in page.text
    assert "MOF Order No. 87" in page.text  # a basis
    assert "提交本人评分后" not in page.text and "财政部令第87号" not in page.text


def test_the_admin_page_is_refused_to_an_account_that_is_not_an_administrator(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)

    assert client.get("/admin/visibility").status_code == 403


def test_the_command_prints_the_same_table() -> None:
    run = procure("workflow", "visibility", lang=CHINESE)

    assert run.code == 0, run
    for label in FACT_KINDS.values():
        assert label in run.stdout, label
    assert "提交本人评分后" in run.stdout
    english = procure("workflow", "visibility")
    assert english.code == 0, english
    assert "Review sheets (score per criterion and total): Reviewers review" in english.stdout
    assert "Always" in english.stdout and "Never" in english.stdout  # the table's cells
    assert "提交本人评分后" not in english.stdout

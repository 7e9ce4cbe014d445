"""Every correction, amendment, approval and refusal in the browser is confirmed on a page
of its own (issue 21 item 5): the form's first POST (a click, or Enter in a text field)
restates what will be stored and what cannot be undone, and stores nothing; the change is
made only by that page's form. A forged, altered or replayed confirmation changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from procure.services.corrections.amend import propose_amendment
from procure.services.corrections.correct import correct
from procure.store.models import TransitionLog
from tests.integration.builders import CODE, LEADER, OFFICER, SUPERVISOR, project_at, snapshot
from tests.integration.web.support import confirm_form, set_passwords, sign_in


def _pending_correction(session: Session) -> None:
    correct(
        session, CODE, "payment", "1", {"amount": "40000"}, reason="多录一个零",
        by=OFFICER.name,
    )  # fmt: skip


def _pending_amendment(session: Session) -> None:
    propose_amendment(session, CODE, by=OFFICER.name, amount="500000", rationale="服务对象减少")


@dataclass(frozen=True)
class Form:
    """One change's form: who submits it, where, with what, and what its page restates."""

    login: str
    path: str
    data: dict[str, str]
    restated: tuple[str, ...]
    setup: Callable[[Session], None] = lambda session: None


FORMS = {
    "correct at once": Form(
        SUPERVISOR.name, "correct",
        {"field": "inspection.inspected_on", "record": "1", "value": "2019-09-18",
         "reason": "日期录入错误"},
        ("2019-06-18 → 2019-09-18", "日期录入错误", "提交即生效", "不能撤销或删除"),
    ),
    "correct for approval": Form(
        OFFICER.name, "correct",
        {"field": "payment.amount", "record": "1", "value": "40000", "reason": "多录一个零"},
        ("¥400,000.00 → ¥40,000.00", "待「分管领导」审批后生效", "审批前你可以撤回"),
    ),
    "amend": Form(
        OFFICER.name, "amend", {"amount": "500000", "end": "", "rationale": "服务对象减少"},
        ("¥868,000.00 → ¥500,000.00", "服务对象减少", "审批后合同按变更后的条款执行"),
    ),
    "approve correction": Form(
        LEADER.name, "corrections/1/approve", {},
        ("¥400,000.00 → ¥40,000.00", "审批后更正立即生效，不能撤销"), _pending_correction,
    ),
    "approve amendment": Form(
        LEADER.name, "amendments/1/approve", {},
        ("¥868,000.00 → ¥500,000.00", "服务对象减少", "不能撤销；只能再次变更"), _pending_amendment,
    ),
    "refuse correction": Form(
        LEADER.name, "corrections/1/refuse", {"reason": "依据不足"},
        ("¥400,000.00 → ¥40,000.00", "依据不足", "永不生效，不能恢复"), _pending_correction,
    ),
    "refuse amendment": Form(
        LEADER.name, "amendments/1/refuse", {"reason": "依据不足"},
        ("¥868,000.00 → ¥500,000.00", "依据不足", "永不生效，不能恢复"), _pending_amendment,
    ),
}  # fmt: skip


def _audit_rows(session: Session) -> int:
    statement = select(func.count(col(TransitionLog.seq))).where(TransitionLog.project_code == CODE)
    count = int(session.exec(statement).one())
    session.commit()  # end the read: the app writes next
    return count


@pytest.mark.parametrize("name", list(FORMS))
def test_each_change_is_confirmed_on_its_own_page_and_made_once(
    name: str, client: TestClient, session: Session, engine: Engine
) -> None:
    form = FORMS[name]
    project_at(session, "in_service")
    form.setup(session)
    set_passwords(session, form.login)
    csrf = sign_in(client, form.login)
    path = f"/projects/{CODE}/{form.path}"
    before = snapshot(session, engine)

    # Enter in a text field submits the form as it stands: the same POST as its button.
    asked = client.post(path, data={"csrf_token": csrf, **form.data}, follow_redirects=False)

    assert asked.status_code == 200 and 'id="confirm-form"' in asked.text
    assert f'action="{path}"' in asked.text and "不能撤销：" in asked.text
    for said in form.restated:
        assert said in asked.text
    assert snapshot(session, engine) == before
    confirmed = confirm_form(asked.text)

    for forged in ({"confirm": "1"}, {"confirm": "0" * 64}, {"reason": "别的理由"}):
        again = client.post(path, data={**confirmed, **forged}, follow_redirects=False)
        assert again.status_code == 200 and 'id="confirm-form"' in again.text
        assert snapshot(session, engine) == before

    audited = _audit_rows(session)
    done = client.post(path, data=confirmed, follow_redirects=False)

    assert done.status_code == 303 and done.headers["location"].endswith("#changes")
    assert _audit_rows(session) == audited + 1
    after = snapshot(session, engine)
    replayed = client.post(path, data=confirmed, follow_redirects=False)
    assert replayed.status_code != 303  # asked again, or refused: never done twice
    assert snapshot(session, engine) == after


def test_a_change_that_would_be_refused_says_so_before_any_confirmation(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "in_service")
    set_passwords(session, SUPERVISOR.name)
    csrf = sign_in(client, SUPERVISOR.name)
    before = snapshot(session, engine)

    refused = client.post(
        f"/projects/{CODE}/correct",
        data={"csrf_token": csrf, "field": "inspection.inspected_on", "record": "1",
              "value": "2020-01-05", "reason": "改"},
    )  # fmt: skip

    assert refused.status_code == 403 and 'id="confirm-form"' not in refused.text
    assert "检查日期 2020-01-05 不在服务期 2019-03-01 至 2019-12-31 内" in refused.text
    assert snapshot(session, engine) == before


def test_a_confirmation_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "in_service")
    set_passwords(session, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    path = f"/projects/{CODE}/amend"
    asked = client.post(path, data={"csrf_token": csrf, "amount": "500000", "rationale": "减"})
    confirmed = confirm_form(asked.text)
    del confirmed["csrf_token"]
    before = snapshot(session, engine)

    assert client.post(path, data=confirmed).status_code == 403
    assert snapshot(session, engine) == before

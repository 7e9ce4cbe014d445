"""Reminders delivered by e-mail to a local SMTP server (aiosmtpd), each exactly once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.deadlines.outbox import SmtpSettings, send_pending, smtp_settings
from procure.services.deadlines.tick import tick
from procure.store.accounts import user_by_login
from procure.store.deadline_models import Reminder
from tests.integration.builders import ADMIN, OFFICER
from tests.integration.deadline_world import CLOCK, Clock, project_on
from tests.language_purity import chinese_runs, english_words


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpSettings]]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, SmtpSettings("127.0.0.1", controller.port, "procure@example.org")
    finally:
        controller.stop()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def queued(session: Session, clock: Clock) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))
    accounts.set_email(session, OFFICER.name, "lixiumei@example.org", ADMIN)
    session.commit()
    assert tick(session, by=CLOCK, on=date(2019, 3, 30)).queued == 2


def test_each_reminder_is_sent_once_to_its_account_s_address(
    session: Session, clock: Clock, inbox: tuple[Inbox, SmtpSettings]
) -> None:
    handler, settings = inbox
    queued(session, clock)

    first = send_pending(session, settings)
    again = send_pending(session, settings)
    tick(session, by=CLOCK, on=date(2019, 3, 31))
    after_tick = send_pending(session, settings)

    assert (first.sent, again.sent, after_tick.sent) == (1, 0, 0)
    assert first.unaddressed == [CLOCK]  # the clock account has no address: it waits
    ((recipients, message),) = handler.messages
    assert recipients == ["lixiumei@example.org"]
    assert "签订合同" in str(message["Subject"]) and "2019年4月1日" in str(message["Subject"])
    assert message["Message-ID"].startswith("<reminder.")
    assert str(message["Date"]).endswith("+0800")  # sent in Beijing time
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes) and "政府采购法 第四十六条" in body.decode("utf-8")
    assert body.decode("utf-8").count("北京时间") == 1  # said once
    assert "进入“已中选”后 30 个自然日内" in body.decode("utf-8")  # the rule in words
    assert "SM-2019-001" in str(message["Subject"])
    session.expire_all()
    sent = session.exec(select(Reminder).where(Reminder.login == OFFICER.name)).one()
    assert sent.sent_at is not None and sent.attempts == 1


def test_a_reminder_is_written_in_the_language_of_the_account_it_is_for(
    session: Session, clock: Clock, inbox: tuple[Inbox, SmtpSettings]
) -> None:
    handler, settings = inbox
    project_on(session, clock, "awarded", date(2019, 3, 1))
    accounts.set_email(session, OFFICER.name, "lixiumei@example.org", ADMIN)
    accounts.set_email(session, CLOCK, "clock@example.org", ADMIN)
    reader = user_by_login(session, CLOCK)
    assert reader is not None
    reader.language = "en"  # the clock account reads English
    session.add(reader)
    session.commit()
    with use_language("en"):  # the tick's own language does not decide the mail's
        assert tick(session, by=CLOCK, on=date(2019, 3, 30)).queued == 2

    assert send_pending(session, settings).sent == 2

    mail = {recipients[0]: message for recipients, message in handler.messages}
    chinese, english = mail["lixiumei@example.org"], mail["clock@example.org"]
    chinese_body, english_body = (_body(m) for m in (chinese, english))
    assert str(chinese["Subject"]) == "【procure】SM-2019-001 签订合同：到期日 2019年4月1日"
    assert "由项目干事办理；登录 procure 后在“到期事项”页查看。" in chinese_body
    assert "依据：中标、成交通知书发出之日起三十日内签订政府采购合同" in chinese_body
    assert str(english["Subject"]) == "[procure] SM-2019-001 Sign the contract: due on 1 April 2019"
    assert "Rule: within 30 calendar days after entering “Awarded”" in english_body
    assert "To be done by the Project officer; sign in to procure" in english_body
    assert "Basis: The procurement contract is signed within 30 days" in english_body
    assert "(All dates are Beijing time.)" in english_body
    for text in (str(english["Subject"]), english_body):  # no Chinese but the data's
        assert chinese_runs(text, {"职工成长方程式", "厦门市思明区总工会", "SM-FED"}) == []
    for text in (str(chinese["Subject"]), chinese_body):
        assert english_words(text, {"SM-FED"}, {"procure"}) == []


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_an_unreachable_server_leaves_the_reminders_unsent(session: Session, clock: Clock) -> None:
    queued(session, clock)

    with pytest.raises(InvalidInput, match="无法连接 SMTP 服务器 127.0.0.1"):
        send_pending(session, SmtpSettings("127.0.0.1", free_port(), "procure@example.org"))

    session.expire_all()
    assert all(r.sent_at is None for r in session.exec(select(Reminder)))


def test_the_smtp_settings_come_from_the_environment() -> None:
    assert smtp_settings({}) is None
    settings = smtp_settings(
        {
            "PROCURE_SMTP_HOST": "mail.local",
            "PROCURE_SMTP_PORT": "2525",
            "PROCURE_SMTP_FROM": "a@b.c",
        }
    )
    assert settings == SmtpSettings("mail.local", 2525, "a@b.c")
    with pytest.raises(InvalidInput, match="PROCURE_SMTP_FROM 必须写明发件地址"):
        smtp_settings({"PROCURE_SMTP_HOST": "mail.local"})
    with use_language("en"), pytest.raises(InvalidInput, match="PROCURE_SMTP_PORT must be a port"):
        smtp_settings(
            {"PROCURE_SMTP_HOST": "h", "PROCURE_SMTP_FROM": "a@b.c", "PROCURE_SMTP_PORT": "x"}
        )

"""Rendering pages: the Jinja2 environment (autoescaped) and what every page is given."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from procure.domain import language
from procure.domain.dates import beijing_moment, chinese_date
from procure.resources import resource_dir
from procure.services.corrections.views import CHANGE_TRIGGERS_ZH
from procure.workflow.roles import ROLE_ZH, ROLES, role_label
from procure.workflow.rules import default_rules

ROLE_LABELS = {
    "officer": "项目干事 officer",
    "leader": "分管领导 leader",
    "reviewer": "评审专家 reviewer",
    "assessor": "考核人员 assessor",
    "supervisor": "监管人员 supervisor",
    "auditor": "审计 auditor",
    "admin": "管理员 admin",
    "organization": "承接方 organization",
}


def templates() -> Jinja2Templates:
    """The page templates (``templates/web``); every value is HTML-escaped."""
    environment = Jinja2Templates(directory=resource_dir("templates") / "web")
    environment.env.autoescape = True  # every template, whatever its file name
    environment.env.add_extension("jinja2.ext.i18n")
    environment.env.install_gettext_callables(  # type: ignore[attr-defined]
        language.gettext, language.ngettext, newstyle=True, pgettext=language.pgettext
    )
    environment.env.globals["language"] = language.current
    environment.env.globals["pick"] = language.pick
    environment.env.globals["role_label"] = role_label
    environment.env.globals["role_zh"] = lambda role: ROLE_ZH.get(role, role)
    environment.env.globals["trigger_label"] = _trigger_label
    environment.env.globals["state_label"] = _state_label
    environment.env.filters["money"] = _money
    environment.env.filters["moment"] = _moment
    environment.env.filters["day"] = _day
    assert set(ROLE_LABELS) == set(ROLES)
    return environment


TRAIL_STEPS_ZH = {
    "create": "草拟项目",
    "add_purchaser": "登记购买方",
    "register_organization": "登记社会组织",
    "generate": "生成数据",
    "user_add": "新增账号",
    "user_grant": "授予角色",
    "user_revoke": "撤销角色",
    "user_deactivate": "停用账号",
    "user_passwd": "设置密码",
    "user_email": "设置邮箱",
    "sessions_revoke": "注销登录",
    "calendar_add": "录入放假安排",
    "calendar_notice": "录入放假通知",
    "checkpoint": "签署检查点",
    "checkpoint_witness": "检查点见证",
    "backup": "备份",
    "backup_record": "登记备份",
    "tick": "每日检查",
}
"""The steps of the trail outside the lifecycle, by their Chinese names."""
TRAIL_STEPS_EN = {
    "create": "Draft a project",
    "add_purchaser": "Add a purchaser",
    "register_organization": "Register an organization",
    "generate": "Generate data",
    "user_add": "Add an account",
    "user_grant": "Grant a role",
    "user_revoke": "Revoke a role",
    "user_deactivate": "Deactivate an account",
    "user_passwd": "Set a password",
    "user_email": "Set an e-mail address",
    "sessions_revoke": "End sessions",
    "calendar_add": "Enter holiday arrangements",
    "calendar_notice": "Enter a holiday notice",
    "checkpoint": "Sign a checkpoint",
    "checkpoint_witness": "Witness a checkpoint",
    "backup": "Back up",
    "backup_record": "Record a backup",
    "tick": "Daily check",
    "correct": "Correct a record",
    "approve_correction": "Approve a correction",
    "amend_contract": "Propose a contract amendment",
    "approve_amendment": "Approve a contract amendment",
    "refuse_correction": "Refuse a correction",
    "refuse_amendment": "Refuse a contract amendment",
}
"""The same steps (and those of corrections) in English."""


def _trigger_label(trigger: str) -> str:
    """A step of the trail by its Chinese name (the lifecycle's, a correction's, or one of
    :data:`TRAIL_STEPS_ZH`); a step without one is said to be another."""
    entries = default_rules().engine.definition.transitions_for(trigger)
    if entries:
        return entries[0].label
    zh = TRAIL_STEPS_ZH.get(trigger) or CHANGE_TRIGGERS_ZH.get(trigger, "其他操作")
    return language.both(zh, TRAIL_STEPS_EN.get(trigger, "Another step"))


def _state_label(state: str | None) -> str:
    """A state by its Chinese name (empty for none)."""
    if not state:
        return ""
    try:
        return default_rules().engine.definition.state(state).label
    except KeyError:
        return state


def _money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"


def _day(value: Any) -> str:
    """A date as people read it: 2019年10月15日."""
    if value is None or value == "":
        return "—"
    return chinese_date(value) if isinstance(value, date) else str(value)


_CHINESE_DAY = re.compile(r"(\d{4})年(\d{2})月(\d{2})日")


def _moment(value: Any) -> str:
    """A recorded moment (ISO, UTC) as people read it: Beijing time, Chinese date."""
    if value is None or value == "":
        return "—"
    moment = beijing_moment(value)
    return moment if language.current() == "zh_CN" else _CHINESE_DAY.sub(r"\1-\2-\3", moment)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render page ``name`` with the signed-in account and its form token."""
    from procure.web.deps import optional_account

    signed_in = optional_account(request)
    base: dict[str, Any] = {
        "signed_in": signed_in,
        "user": signed_in.user if signed_in else None,
        "csrf_token": signed_in.session.csrf_token if signed_in else "",
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status
    )
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    """A page that says, in one sentence, why the request was not done."""
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def sign_in_url(target: str) -> str:
    """The sign-in page, coming back to ``target`` afterwards."""
    return "/signin?" + urlencode({"next": target}, quote_via=quote)


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (another site) goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target

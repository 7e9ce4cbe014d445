"""Project commands: list, show, what may be done, advance, history."""

from __future__ import annotations

from typing import Any

import click

from procure.cli.output import (
    FUNDING_YEAR,
    echo,
    json_option,
    open_session,
    print_json,
    print_table,
)
from procure.domain.dates import beijing_moment

ROLE_HELP = "Role: officer, leader, reviewer, assessor, supervisor, auditor, admin."


def register(group: click.Group) -> None:
    """Add the project commands to ``group``."""
    for command in (projects, show, actions, advance, history):
        group.add_command(command)


@click.command()
@click.option("--year", type=FUNDING_YEAR, help="Funding year.")
@click.option("--state", help="State code, e.g. in_service.")
@click.option("--purchaser", help="Purchaser code, e.g. SM-FED.")
@json_option
@click.pass_context
def projects(
    ctx: click.Context, year: int | None, state: str | None, purchaser: str | None, as_json: bool
) -> None:
    """List projects, optionally by year, state and purchaser."""
    from procure.services.browse.project_view import list_projects

    with open_session(ctx, readonly=True) as session:
        rows = list_projects(session, year=year, state=state, purchaser=purchaser)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"服务项目 Projects ({len(rows)})",
        ["项目编号", "年度", "项目名称", "购买方", "预算(元)", "状态"],
        [
            (r["code"], r["year"], r["title"], r["purchaser_name"], r["budget"], r["state_zh"])
            for r in rows
        ],
    )


BY_READER = click.option(
    "--by",
    metavar="LOGIN",
    help="Read as this account: only what it may see now (workflows/visibility.yaml).",
)


@click.command()
@click.argument("code")
@BY_READER
@json_option
@click.pass_context
def show(ctx: click.Context, code: str, by: str | None, as_json: bool) -> None:
    """Show one project: state, proposals and review panel, contract, payments, assessment."""
    from dataclasses import asdict

    from procure.services.visibility.reading import changes_as_seen, detail_as_seen

    with open_session(ctx, readonly=True) as session:
        detail = detail_as_seen(session, code, by)
        changes = changes_as_seen(session, code, by)
    if changes:
        detail["corrections"] = [asdict(c) for c in changes.corrections]
        detail["amendments"] = [asdict(a) for a in changes.amendments]
    if as_json:
        print_json(detail)
        return
    echo(f"{detail['code']}  {detail['title']}")
    echo(f"  购买方 purchaser: {detail['purchaser_name']} ({detail['purchaser']})")
    echo(f"  年度 year: {detail['year']}   预算 budget: {detail['budget']} 元")
    echo(f"  状态 state: {detail['state_zh']} ({detail['state']})")
    if detail["purpose"]:
        echo(f"  服务目的 purpose: {detail['purpose']}")
    for proposal in detail["proposals"]:
        sheets = ", ".join(
            f"{r['reviewer']} {r['total']}" + (" (回避 recused)" if r["recused"] else "")
            for r in proposal["reviews"]
        )
        echo(
            f"  申报 proposal: {proposal['organization']} 报价 {proposal['price']} 元; "
            f"评审 panel {proposal['panel_score'] or '-'} [{sheets}]"
        )
    contract = detail["contract"]
    if contract:
        echo(
            f"  合同 contract {contract['number']}: {contract['organization']} "
            f"({contract['uscc']}), {contract['amount']} 元, "
            f"{contract['start']} – {contract['end']}"
        )
        for payment in contract["payments"]:
            echo(
                f"    拨付 payment #{payment['tranche']}: {payment['amount']} 元 "
                f"on {payment['paid_on']}"
            )
    for inspection in detail["inspections"]:
        flag = " (需整改 rectification required)" if inspection["rectification_required"] else ""
        echo(
            f"  监管 inspection {inspection['inspected_on']} {inspection['inspector']}: "
            f"{inspection['findings']}{flag}"
        )
    assessment = detail["assessment"]
    if assessment:
        final = "final" if assessment["final"] else "not final"
        veto = f", 一票否决 veto: {', '.join(assessment['veto'])}" if assessment["veto"] else ""
        echo(
            f"  考核 assessment ({final}, {assessment['scorecard']}): {assessment['total']} "
            f"{assessment['grade_zh']}{veto}"
        )
    for change in (*changes.corrections, *changes.amendments) if changes else ():
        _echo_change(change)


def _echo_change(change: Any) -> None:
    """One correction or amendment: what it replaced, the reason, who, and if it counts."""
    lines = "；".join(f"{line.field} {line.old} → {line.new}" for line in change.lines)
    state = f"待{change.approval_zh}审批（未生效）" if change.pending else "已生效"
    echo(
        f"  更正/变更 #{change.number} {change.what}: {lines}（理由：{change.reason}；"
        f"{change.proposed_by} 提出，{state}）"
    )


@click.command()
@click.argument("code")
@click.option("--as", "role", required=True, help=ROLE_HELP)
@json_option
@click.pass_context
def actions(ctx: click.Context, code: str, role: str, as_json: bool) -> None:
    """What a role may do to a project now and, for the rest, the rule that blocks it."""
    from procure.services.browse.project_view import available_actions

    with open_session(ctx, readonly=True) as session:
        items = available_actions(session, code, role)
    if as_json:
        print_json(items)
        return
    rows = []
    for item in (i for i in items if i["from_this_state"]):
        if item["allowed"]:
            needs = ", ".join(item.get("needs", []))
            status = "可以 allowed" + (f" (--set {needs})" if needs else "")
        else:
            status = "不可 blocked: " + "; ".join(item["blocked_by"])
        rows.append((item["trigger"], item["zh"], status))
    print_table(f"{code} — {role}", ["操作 Trigger", "说明", "状态 Status"], rows)
    elsewhere = [i["trigger"] for i in items if not i["from_this_state"]]
    if elsewhere:
        echo(f"当前状态下不可用 not available in this state: {', '.join(elsewhere)}")


@click.command()
@click.argument("code")
@click.argument("trigger")
@click.option("--as", "role", required=True, help=ROLE_HELP)
@click.option("--by", required=True, metavar="LOGIN", help="The account acting (its login).")
@click.option("--reason", default="", help="Why (required for reject, drop, cancel).")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help="A fact the trigger needs (repeatable), e.g. --set amount=880,000.00 "
    "(amounts in yuan; thousands separators allowed).",
)
@json_option
@click.pass_context
def advance(
    ctx: click.Context,
    code: str,
    trigger: str,
    role: str,
    by: str,
    reason: str,
    assignments: tuple[str, ...],
    as_json: bool,
) -> None:
    """Fire a trigger on a project (all of it is stored, or nothing).

    \b
    These steps cannot be undone (the browser asks to confirm them; here the command is
    the confirmation): reject 不予立项, withdraw_proposal 撤回申报方案, award 确定中选组织,
    sign_contract 签订合同, finalize_assessment 确定考核结果, renew 续约,
    accept_rectification 整改验收通过, drop 不再合作, cancel 撤销项目. A recorded fact is
    changed afterwards only by a correction, a contract only by an amendment.
    """
    from dataclasses import asdict

    from procure.services.lifecycle.fire import advance as advance_project
    from procure.services.lifecycle.params import parse_assignments
    from procure.workflow.context import Actor
    from procure.workflow.rules import default_rules

    params = parse_assignments(list(assignments))
    with open_session(ctx) as session:
        result = advance_project(
            session, code, trigger, Actor(by, role), params=params, reason=reason
        )
    if as_json:
        print_json(asdict(result))
        return
    definition = default_rules().engine.definition
    before, after = definition.state(result.from_state), definition.state(result.to_state)
    echo(
        f"{result.project} {result.trigger}: {before.zh} → {after.zh} "
        f"({result.from_state} → {result.to_state}), 审计记录 audit #{result.seq}"
    )


@click.command()
@click.argument("code")
@BY_READER
@json_option
@click.pass_context
def history(ctx: click.Context, code: str, by: str | None, as_json: bool) -> None:
    """Show a project's audit trail: who did what, in what role, when."""
    from procure.services.visibility.reading import history_as_seen

    with open_session(ctx, readonly=True) as session:
        rows = history_as_seen(session, code, by)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{code} 审计记录 history",
        ["#", "时间（北京时间）", "操作人", "角色", "操作", "从", "到", "理由"],
        [
            (
                r["seq"],
                beijing_moment(r["at"]),
                _actor_label(r),
                r["role"],
                r["trigger"],
                r["from"],
                r["to"],
                r["reason"],
            )
            for r in rows
        ],
    )


def _actor_label(row: dict[str, Any]) -> str:
    """The login, with the display name the audit row recorded when it differs."""
    name = row["data"].get("actor_name") if isinstance(row["data"], dict) else None
    return f"{name} ({row['actor']})" if name and name != row["actor"] else str(row["actor"])

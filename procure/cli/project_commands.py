"""Project commands: list, show, what may be done, advance, history."""

from __future__ import annotations

from typing import Any

import click

from procure.cli.output import (
    FUNDING_YEAR,
    echo,
    json_option,
    moment,
    open_session,
    print_json,
    print_table,
    shown_reason,
    step_labels,
)
from procure.domain.identity import SETUP_LOGIN, actor_shown
from procure.domain.language import N_, _, both, pgettext
from procure.workflow.roles import role_label

ROLE_HELP = N_("Role: officer, leader, reviewer, assessor, supervisor, auditor, admin.")


def register(group: click.Group) -> None:
    """Add the project commands to ``group``."""
    for command in (projects, show, actions, advance, history):
        group.add_command(command)


@click.command(help=N_("List projects, optionally by year, state and purchaser."))
@click.option("--year", type=FUNDING_YEAR, help=N_("Funding year."))
@click.option("--state", help=N_("State code, e.g. in_service."))
@click.option("--purchaser", help=N_("Purchaser code, e.g. SM-FED."))
@json_option
@click.pass_context
def projects(
    ctx: click.Context, year: int | None, state: str | None, purchaser: str | None, as_json: bool
) -> None:
    from procure.services.browse.project_view import list_projects

    with open_session(ctx, readonly=True) as session:
        rows = list_projects(session, year=year, state=state, purchaser=purchaser)
    if as_json:
        print_json(rows)
        return
    states = _states()
    print_table(
        _("Service projects (%(count)s)", count=len(rows)),
        [
            pgettext("cli", "Project code"),
            pgettext("cli", "Year"),
            pgettext("cli", "Project title"),
            pgettext("cli", "Purchaser"),
            pgettext("cli", "Budget (yuan)"),
            pgettext("cli", "State"),
        ],
        [
            (r["code"], r["year"], r["title"], r["purchaser_name"], r["budget"], states(r["state"]))
            for r in rows
        ],
    )


def _states() -> Any:
    """A state code's label in the language in use."""
    from procure.workflow.rules import default_rules

    definition = default_rules().engine.definition
    return lambda code: definition.state(code).label


BY_READER = click.option(
    "--by",
    metavar="LOGIN",
    help=N_("Read as this account: only what it may see now (workflows/visibility.yaml)."),
)


@click.command(
    help=N_("Show one project: state, proposals and review panel, contract, payments, assessment.")
)
@click.argument("code")
@BY_READER
@json_option
@click.pass_context
def show(ctx: click.Context, code: str, by: str | None, as_json: bool) -> None:
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
    echo(
        "  "
        + _(
            "Purchaser: %(name)s (%(code)s)",
            name=detail["purchaser_name"],
            code=detail["purchaser"],
        )
    )
    echo(
        "  "
        + _(
            "Year: %(year)s   Budget: %(budget)s yuan",
            year=detail["year"],
            budget=detail["budget"],
        )
    )
    echo("  " + _("State: %(state)s", state=_states()(detail["state"])))
    if detail["purpose"]:
        echo("  " + _("Purpose: %(purpose)s", purpose=detail["purpose"]))
    for proposal in detail["proposals"]:
        sheets = ", ".join(
            _("%(reviewer)s %(total)s (recused)", reviewer=r["reviewer"], total=r["total"])
            if r["recused"]
            else f"{r['reviewer']} {r['total']}"
            for r in proposal["reviews"]
        )
        echo(
            "  "
            + _(
                "Proposal: %(organization)s, price %(price)s yuan; panel %(score)s [%(sheets)s]",
                organization=proposal["organization"],
                price=proposal["price"],
                score=proposal["panel_score"] or "-",
                sheets=sheets,
            )
        )
    contract = detail["contract"]
    if contract:
        echo(
            "  "
            + _(
                "Contract %(number)s: %(organization)s (%(uscc)s), %(amount)s yuan, "
                "%(start)s – %(end)s",
                number=contract["number"],
                organization=contract["organization"],
                uscc=contract["uscc"],
                amount=contract["amount"],
                start=contract["start"],
                end=contract["end"],
            )
        )
        for payment in contract["payments"]:
            echo(
                "    "
                + _(
                    "Payment #%(tranche)s: %(amount)s yuan on %(date)s",
                    tranche=payment["tranche"],
                    amount=payment["amount"],
                    date=payment["paid_on"],
                )
            )
    for inspection in detail["inspections"]:
        values = {
            "date": inspection["inspected_on"],
            "inspector": inspection["inspector"],
            "findings": inspection["findings"],
        }
        if inspection["rectification_required"]:
            line = _(
                "Inspection %(date)s %(inspector)s: %(findings)s (rectification required)",
                **values,
            )
        else:
            line = _("Inspection %(date)s %(inspector)s: %(findings)s", **values)
        echo("  " + line)
    assessment = detail["assessment"]
    if assessment:
        _echo_assessment(assessment)
    for change in (*changes.corrections, *changes.amendments) if changes else ():
        _echo_change(change)


def _echo_assessment(assessment: dict[str, Any]) -> None:
    """The assessment's total and grade, whether final, and any veto."""
    from procure.workflow.rules import default_rules

    grades = {g.code: both(g.label_zh, g.label_en) for g in default_rules().assessment.grades}
    card = assessment["scorecard_title"], assessment["scorecard_version"]
    values = {
        "scorecard": _("%(title)s, version %(version)s", title=card[0], version=card[1]),
        "total": assessment["total"],
        "grade": grades.get(assessment["grade"], assessment["grade_zh"]),
        "veto": "、".join(assessment["veto"]),
    }
    if assessment["final"]:
        line = (
            _("Assessment (final, %(scorecard)s): %(total)s %(grade)s, veto: %(veto)s", **values)
            if assessment["veto"]
            else _("Assessment (final, %(scorecard)s): %(total)s %(grade)s", **values)
        )
    else:
        line = (
            _(
                "Assessment (not final, %(scorecard)s): %(total)s %(grade)s, veto: %(veto)s",
                **values,
            )
            if assessment["veto"]
            else _("Assessment (not final, %(scorecard)s): %(total)s %(grade)s", **values)
        )
    echo("  " + line)


def _echo_change(change: Any) -> None:
    """One correction or amendment: what it replaced, the reason, who, and if it counts."""
    lines = _("; ").join(f"{line.field} {line.old} → {line.new}" for line in change.lines)
    values = {
        "number": change.number,
        "what": change.what,
        "lines": lines,
        "reason": change.reason,
        "by": change.proposed_by,
        "role": role_label(change.approval_role) if change.approval_role else "",
    }
    if change.pending:
        line = _(
            "Correction/amendment #%(number)s %(what)s: %(lines)s (reason: %(reason)s; "
            "proposed by %(by)s, awaiting approval by the %(role)s (not in force))",
            **values,
        )
    else:
        line = _(
            "Correction/amendment #%(number)s %(what)s: %(lines)s (reason: %(reason)s; "
            "proposed by %(by)s, in force)",
            **values,
        )
    echo("  " + line)


@click.command(
    help=N_("What a role may do to a project now and, for the rest, the rule that blocks it.")
)
@click.argument("code")
@click.option("--as", "role", required=True, help=ROLE_HELP)
@json_option
@click.pass_context
def actions(ctx: click.Context, code: str, role: str, as_json: bool) -> None:
    from procure.services.browse.project_view import available_actions

    with open_session(ctx, readonly=True) as session:
        items = available_actions(session, code, role)
    if as_json:
        print_json(items)
        return
    steps = step_labels()
    rows = []
    for item in (i for i in items if i["from_this_state"]):
        if item["allowed"]:
            needs = ", ".join(item.get("needs", []))
            status = _("Allowed (--set %(facts)s)", facts=needs) if needs else _("Allowed")
        else:
            status = _("Blocked: %(reasons)s", reasons=_("; ").join(item["blocked_by"]))
        rows.append((item["trigger"], steps.get(item["trigger"], item["zh"]), status))
    print_table(
        f"{code} — {role_label(role)}",
        [pgettext("cli", "Trigger"), pgettext("cli", "Step"), pgettext("cli", "Status")],
        rows,
    )
    elsewhere = [steps.get(i["trigger"], i["trigger"]) for i in items if not i["from_this_state"]]
    if elsewhere:
        echo(_("Not available in this state: %(steps)s", steps=_("; ").join(elsewhere)))


def _definition() -> Any:
    from procure.workflow.rules import default_rules

    return default_rules().engine.definition


@click.command(
    help=N_(
        "Fire a trigger on a project (all of it is stored, or nothing).\n\n"
        "\b\n"
        "These steps cannot be undone (the browser asks to confirm them; here the command is\n"
        "the confirmation): reject (not approved), withdraw_proposal (withdraw the proposal),\n"
        "award (choose the organization), sign_contract (sign the contract),\n"
        "finalize_assessment (finalize the assessment), renew (renew),\n"
        "accept_rectification (accept the rectification), drop (no further cooperation),\n"
        "cancel (cancel the project). A recorded fact is changed afterwards only by a\n"
        "correction, a contract only by an amendment."
    )
)
@click.argument("code")
@click.argument("trigger")
@click.option("--as", "role", required=True, help=ROLE_HELP)
@click.option("--by", required=True, metavar="LOGIN", help=N_("The account acting (its login)."))
@click.option("--reason", default="", help=N_("Why (required for reject, drop, cancel)."))
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="KEY=VALUE",
    help=N_(
        "A fact the trigger needs (repeatable), e.g. --set amount=880,000.00 "
        "(amounts in yuan; thousands separators allowed)."
    ),
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
    step = next(t.label for t in definition.transitions if t.trigger == result.trigger)
    echo(
        _(
            "%(project)s %(step)s: %(before)s → %(after)s, audit record #%(seq)s",
            project=result.project,
            step=step,
            before=before.label,
            after=after.label,
            seq=result.seq,
        )
    )


@click.command(help=N_("Show a project's audit trail: who did what, in what role, when."))
@click.argument("code")
@BY_READER
@json_option
@click.pass_context
def history(ctx: click.Context, code: str, by: str | None, as_json: bool) -> None:
    from procure.services.visibility.reading import history_as_seen

    with open_session(ctx, readonly=True) as session:
        rows = history_as_seen(session, code, by)
    if as_json:
        print_json(rows)
        return
    steps = step_labels()
    states = {s.code: s.label for s in _definition().states}
    print_table(
        _("%(code)s audit trail", code=code),
        [
            "#",
            pgettext("cli", "Time (Beijing)"),
            pgettext("cli", "By"),
            pgettext("cli", "Role"),
            pgettext("cli", "Step"),
            pgettext("cli", "From"),
            pgettext("cli", "To"),
            pgettext("cli", "Reason"),
        ],
        [
            (
                r["seq"],
                moment(r["at"]),
                _actor_label(r),
                role_label(r["role"]),
                steps.get(r["trigger"], r["trigger"]),
                states.get(r["from"], r["from"]),
                states.get(r["to"], r["to"]),
                shown_reason(r["reason"]),
            )
            for r in rows
        ],
    )


def _actor_label(row: dict[str, Any]) -> str:
    """The login, with the display name the audit row recorded when it differs (the setup
    actor by its label alone)."""
    data, login = row["data"], str(row["actor"])
    name = actor_shown(login, data.get("actor_name") if isinstance(data, dict) else None)
    return f"{name} ({login})" if name != login and login != SETUP_LOGIN else name

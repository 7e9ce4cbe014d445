"""``procure due`` and ``procure tick``: deadlines on the working-day calendar."""

from __future__ import annotations

import os
import re
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from procure.cli.output import db_url, echo, json_option, open_session, print_json, print_table
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _, both, pgettext
from procure.workflow.roles import role_label

_WITHIN = re.compile(r"([0-9]{1,4})d?")
STATUS = {"due": N_("due"), "overdue": N_("overdue"), "expired": N_("closed")}
"""Each status of a deadline, as people name it."""


def _days(value: str | None) -> int | None:
    if value is None:
        return None
    found = _WITHIN.fullmatch(value.strip())
    if found is None:
        raise InvalidInput(
            _("--within %(value)s: give a number of days such as 7d", value=repr(value))
        )
    return int(found.group(1))


def _day(value: str | None, option: str) -> date | None:
    from procure.domain.dates import parse_date

    return None if value is None else parse_date(value, field=option)


@click.command(
    help=N_("What is due or overdue, for whom, under which rule (workflows/deadlines.yaml).")
)
@click.option("--as", "login", metavar="LOGIN", help=N_("Only what this account must act on."))
@click.option("--overdue", is_flag=True, help=N_("Only the deadlines passed and still owed."))
@click.option("--within", metavar="DAYS", help=N_("Only those due within DAYS (e.g. 7d)."))
@click.option("--on", "on", metavar="DATE", help=N_("Judge as of DATE (default: today, Beijing)."))
@json_option
@click.pass_context
def due(
    ctx: click.Context,
    login: str | None,
    overdue: bool,
    within: str | None,
    on: str | None,
    as_json: bool,
) -> None:
    from procure.services.deadlines.due import due_items
    from procure.services.deadlines.due_view import rule_text

    within_days = _days(within)
    today = _day(on, "--on")
    with open_session(ctx, readonly=True) as session:
        items = due_items(
            session, login=login, today=today, overdue_only=overdue, within_days=within_days
        )
    if as_json:
        print_json([item.as_dict() for item in items])
        return
    if not items:
        echo(_("Nothing is due"))
        return
    rows = [
        (
            _due_text(item),
            _(STATUS[item.status]) if item.status in STATUS else item.status,
            "" if item.days_left is None else str(item.days_left),
            item.project,
            both(item.zh, item.en),
            role_label(item.role) + (f" {item.organization}" if item.organization else ""),
            both(item.problem_zh or item.problem, item.problem)
            if item.problem
            else rule_text(item.deadline) or item.rule,
        )
        for item in items
    ]
    print_table(
        _("Deadlines"),
        [
            pgettext("cli", "Due"),
            pgettext("cli", "Status"),
            pgettext("cli", "Days left"),
            pgettext("cli", "Project"),
            pgettext("cli", "Deadline"),
            pgettext("cli", "Who"),
            pgettext("cli", "Rule"),
        ],
        rows,
    )


def _due_text(item: Any) -> str:
    """The last day, marked 暂定 when counted through a provisional year (and held open)."""
    if item.due_on is None:
        return "?"
    if not item.provisional:
        return str(item.due_on.isoformat())
    if item.held_until:
        return _(
            "%(date)s provisional, held open until %(until)s",
            date=item.due_on.isoformat(),
            until=item.held_until.isoformat(),
        )
    return _("%(date)s provisional", date=item.due_on.isoformat())


@click.command(
    help=N_(
        "Fire the automatic triggers of passed deadlines; queue and send reminders (idempotent)."
    )
)
@click.option("--at", "at", metavar="DATE", help=N_("Judge as of DATE (default: today, Beijing)."))
@click.option(
    "--by",
    metavar="LOGIN",
    envvar="PROCURE_TICK_BY",
    help=N_(
        "The account the tick acts through (default: $PROCURE_TICK_BY), e.g. a system "
        "account granted officer; it needs each fired trigger's role over the project."
    ),
)
@click.option(
    "--send/--no-send",
    default=True,
    show_default=True,
    help=N_("Send the queued reminders by e-mail when PROCURE_SMTP_HOST is set."),
)
@json_option
@click.pass_context
def tick(ctx: click.Context, at: str | None, by: str | None, send: bool, as_json: bool) -> None:
    from procure.cli.witness_output import witnessed_json, witnessed_lines
    from procure.jobs.checkpointing import auto_settings, checkpoint_round
    from procure.services.deadlines import outbox
    from procure.services.deadlines.tick import tick as run_tick

    if not by:
        raise InvalidInput(
            _(
                "name the account the tick acts through: --by LOGIN or PROCURE_TICK_BY "
                "(e.g. an account `clock` granted officer)"
            )
        )
    on = _day(at, "--at")
    settings = outbox.smtp_settings(os.environ) if send else None
    auto_settings()  # malformed witness settings or an unusable key: said before anything runs
    with open_session(ctx) as session:
        result = run_tick(session, by=by, on=on)
        delivery = outbox.send_pending(session, settings) if settings is not None else None
    witnessed = checkpoint_round(db_url(ctx), after_batch=True)
    if as_json:
        print_json(
            {
                **asdict(result),
                "delivery": None if delivery is None else asdict(delivery),
                "checkpoint": None if witnessed is None else witnessed_json(witnessed),
            }
        )
        return
    _echo_tick(result, delivery, witnessed_lines(witnessed))


def _echo_tick(result: Any, delivery: Any, witnessed: list[str]) -> None:
    """What the tick did: each trigger fired or not, reminders queued and sent, problems."""
    steps = _steps()
    echo(
        _(
            "Deadline check %(date)s (batch %(batch)s)",
            date=result.on.isoformat(),
            batch=result.batch_id,
        )
    )
    for fired in result.fired:
        echo(
            "  "
            + _(
                "Done: %(step)s on %(project)s (%(deadline)s, #%(seq)s)",
                step=steps.get(fired.trigger, fired.trigger),
                project=fired.project,
                deadline=fired.deadline,
                seq=fired.seq,
            )
        )
    for refused in result.refused:
        echo(
            "  "
            + _(
                "Not done: %(step)s on %(project)s: %(reason)s",
                step=steps.get(refused.trigger, refused.trigger),
                project=refused.project,
                reason=refused.refused,
            )
        )
    echo("  " + _("Reminders queued: %(count)s", count=result.queued))
    for line in result.unreached:
        echo("  " + _("No account holds the role for: %(what)s", what=line))
    for line in result.problems:
        echo("  " + _("Calendar: %(problem)s", problem=line))
    for line in result.held:
        echo("  " + _("Provisional, held open: %(what)s", what=line))
    for line in witnessed:
        echo(f"  {line}")
    if delivery is not None:
        echo("  " + _("Sent: %(count)s", count=delivery.sent))
        for line in delivery.failed:
            echo("  " + _("Not sent: %(what)s", what=line))
        if delivery.unaddressed:
            echo(
                "  " + _("No e-mail address: %(logins)s", logins=_(", ").join(delivery.unaddressed))
            )


def _steps() -> dict[str, str]:
    from procure.cli.output import step_labels

    return step_labels()


def register(cli: click.Group) -> None:
    """Add ``due`` and ``tick`` to the root command."""
    cli.add_command(due)
    cli.add_command(tick)

"""``procure correct``, ``procure amend``, ``procure approve correction|amendment``.

A correction (更正) and an amendment cannot be undone: they are new records in the
audit trail; the old values stay visible beside them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from procure.cli.output import echo, json_option, open_session, print_json
from procure.domain.language import N_, _
from procure.workflow.roles import role_label

_BY = click.option(
    "--by", required=True, metavar="LOGIN", help=N_("The account acting (its login).")
)


@click.command(
    help=N_(
        "Correct a recorded fact of project CODE (cannot be undone, the "
        "old value stays).\n\nKIND is payment, inspection, rectification, "
        "contract, proposal, review, recusal, assessment, comment or "
        "objection_answer (workflows/corrections.yaml says who may correct "
        "each, until when, and whether a second person must approve). RECORD "
        "names the record: a payment's tranche, an inspection's or comment's "
        "number, a proposal's USCC, a review or recusal as USCC/LOGIN, an "
        "assessor's login, an objector's USCC; none for the contract.\n\nCannot "
        "be undone: the correction is a new record in the audit trail "
        "and the old value stays visible beside it; a wrong correction is "
        "fixed only by another one. A correction that awaits approval may be "
        "withdrawn until then (procure refuse correction)."
    )
)
@click.argument("code")
@click.argument("kind")
@click.argument("record", required=False, default="")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help=N_("A corrected value (repeat for several; scores.CRITERION=N for a sheet)."),
)
@click.option("--reason", required=True, help=N_("Why the recorded value is wrong."))
@_BY
@json_option
@click.pass_context
def correct(
    ctx: click.Context,
    code: str,
    kind: str,
    record: str,
    assignments: tuple[str, ...],
    reason: str,
    by: str,
    as_json: bool,
) -> None:
    from procure.services.corrections.correct import correct as correct_fact
    from procure.services.lifecycle.params import parse_assignments

    values = parse_assignments(list(assignments))
    with open_session(ctx) as session:
        result = correct_fact(session, code, kind, record, values, reason=reason, by=by)
    if as_json:
        print_json(asdict(result))
        return
    values = {
        "code": code,
        "number": result.number,
        "record": result.record,
        "changes": _changes(result),
        "seq": result.seq,
    }
    if result.needs_approval_by:
        approve = f"procure approve correction {code} {result.number} --by LOGIN"
        echo(
            _(
                "%(code)s correction #%(number)s of %(record)s: %(changes)s, awaits approval "
                "by the %(role)s (%(command)s), audit record #%(seq)s",
                role=role_label(result.needs_approval_by),
                command=approve,
                **values,
            )
        )
    else:
        echo(
            _(
                "%(code)s correction #%(number)s of %(record)s: %(changes)s, in force, "
                "audit record #%(seq)s",
                **values,
            )
        )


def _changes(result: Any) -> str:
    """Each changed field: its old value and its new one."""
    return _("; ").join(f"{n}: {result.old.get(n)} → {v}" for n, v in result.new.items())


@click.command(
    help=N_(
        "Propose an amendment of project CODE's contract; the leader "
        "approves it.\n\nCannot be undone once approved: the contract is "
        "held to the amended terms, and only a later amendment changes them. "
        "Until then the proposal stays in the audit trail and its proposer may "
        "withdraw it (procure refuse amendment)."
    )
)
@click.argument("code")
@click.option(
    "--amount",
    metavar="YUAN",
    help=N_("The amended contract amount in yuan, e.g. 880,000.00 (thousands separators allowed)."),
)
@click.option("--start", metavar="YYYY-MM-DD", help=N_("The amended start of the service."))
@click.option("--end", metavar="YYYY-MM-DD", help=N_("The amended end of the service."))
@click.option("--scope", help=N_("The amended scope of the service."))
@click.option("--rationale", required=True, help=N_("Why the contract changes."))
@_BY
@json_option
@click.pass_context
def amend(
    ctx: click.Context,
    code: str,
    amount: str | None,
    start: str | None,
    end: str | None,
    scope: str | None,
    rationale: str,
    by: str,
    as_json: bool,
) -> None:
    from procure.services.corrections.amend import propose_amendment

    with open_session(ctx) as session:
        result = propose_amendment(
            session, code, by=by, amount=amount, start=start, end=end, scope=scope,
            rationale=rationale,
        )  # fmt: skip
    if as_json:
        print_json(asdict(result))
        return
    approve = f"procure approve amendment {code} {result.number} --by LOGIN"
    echo(
        _(
            "%(code)s contract amendment #%(number)s proposed: %(changes)s; awaits approval "
            "(%(command)s), audit record #%(seq)s",
            code=code,
            number=result.number,
            changes=_changes(result),
            command=approve,
            seq=result.seq,
        )
    )


@click.group(
    help=N_(
        "Approve a correction or amendment another person "
        "proposed.\n\nCannot be undone: once approved it counts; only a "
        "later correction or amendment changes it again."
    )
)
def approve() -> None:
    pass


@approve.command(
    "correction",
    help=N_(
        "Approve correction NUMBER of project CODE: from now on it "
        "counts.\n\nCannot be undone: only a later correction changes the "
        "value again."
    ),
)
@click.argument("code")
@click.argument("number", type=int)
@_BY
@json_option
@click.pass_context
def approve_correction(ctx: click.Context, code: str, number: int, by: str, as_json: bool) -> None:
    from procure.services.corrections.correct import approve_correction as approve_it

    with open_session(ctx) as session:
        result = approve_it(session, code, number, by=by)
    if as_json:
        print_json(asdict(result))
        return
    echo(
        _(
            "%(code)s correction #%(number)s approved, now in force, audit record #%(seq)s",
            code=code,
            number=number,
            seq=result.seq,
        )
    )


@approve.command(
    "amendment",
    help=N_(
        "Approve amendment NUMBER of project CODE's contract: from now on it "
        "is in force.\n\nCannot be undone: only a later amendment changes "
        "the contract again."
    ),
)
@click.argument("code")
@click.argument("number", type=int)
@_BY
@json_option
@click.pass_context
def approve_amendment(ctx: click.Context, code: str, number: int, by: str, as_json: bool) -> None:
    from procure.services.corrections.amend import approve_amendment as approve_it

    with open_session(ctx) as session:
        result = approve_it(session, code, number, by=by)
    if as_json:
        print_json(asdict(result))
        return
    echo(
        _(
            "%(code)s contract amendment #%(number)s approved, now in force, audit record #%(seq)s",
            code=code,
            number=number,
            seq=result.seq,
        )
    )


@click.group(
    help=N_(
        "Refuse a pending correction or amendment, or withdraw your own."
        "\n\nCannot be undone: a refused or withdrawn proposal never "
        "counts and cannot be revived; propose it again if it is still wanted."
    )
)
def refuse() -> None:
    pass


def _refuse_command(what: str) -> click.Command:
    @click.command(what)
    @click.argument("code")
    @click.argument("number", type=int)
    @click.option("--reason", required=True, help=N_("Why it is refused."))
    @_BY
    @json_option
    @click.pass_context
    def command(
        ctx: click.Context, code: str, number: int, reason: str, by: str, as_json: bool
    ) -> None:
        from procure.services.corrections import refuse as refusing

        act = refusing.refuse_correction if what == "correction" else refusing.refuse_amendment
        with open_session(ctx) as session:
            result = act(session, code, number, by=by, reason=reason)
        if as_json:
            print_json(asdict(result))
            return
        echo(_(REFUSED[what], code=code, number=number, seq=result.seq))

    command.help = REFUSE_HELP[what]
    return command


REFUSED = {
    "correction": N_(
        "%(code)s correction #%(number)s refused (it never counts), audit record #%(seq)s"
    ),
    "amendment": N_(
        "%(code)s contract amendment #%(number)s refused (it never counts), audit record #%(seq)s"
    ),
}
REFUSE_HELP = {
    "correction": N_(
        "Refuse correction NUMBER of project CODE before it counts (its proposer: withdraw "
        "it).\n\nCannot be undone: a refused or withdrawn correction never counts and cannot "
        "be revived; propose it again if it is still wanted."
    ),
    "amendment": N_(
        "Refuse amendment NUMBER of project CODE before it counts (its proposer: withdraw "
        "it).\n\nCannot be undone: a refused or withdrawn amendment never counts and cannot "
        "be revived; propose it again if it is still wanted."
    ),
}


refuse.add_command(_refuse_command("correction"))
refuse.add_command(_refuse_command("amendment"))

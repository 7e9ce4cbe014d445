"""Audit commands: verify the hash chain, list one scripted run's rows."""

from __future__ import annotations

from dataclasses import asdict

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command()
@json_option
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """Recompute the audit chain; name the first broken row (exit 1 if broken)."""
    from procure.domain.errors import ProcureError
    from procure.store.audit import verify_chain

    with open_session(ctx) as session:
        report = verify_chain(session)
    if as_json:
        print_json(asdict(report))
    elif report.ok:
        echo(f"审计链完整 audit chain intact: {report.rows} rows verified")
    if not report.ok:
        raise ProcureError(f"audit chain broken at row {report.broken_seq}: {report.problem}")


@audit.command()
@click.argument("batch_id")
@json_option
@click.pass_context
def batch(ctx: click.Context, batch_id: str, as_json: bool) -> None:
    """List the audit rows one scripted run (BATCH_ID) wrote."""
    from procure.services.views import batch_history

    with open_session(ctx) as session:
        rows = batch_history(session, batch_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"batch {batch_id}",
        ["#", "时间 UTC", "项目", "操作", "从", "到", "理由"],
        [
            (r["seq"], r["at"][:19], r["project"], r["trigger"], r["from"], r["to"], r["reason"])
            for r in rows
        ],
    )

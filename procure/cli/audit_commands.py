"""Audit commands: verify the hash chain and that the trail explains the data; list one
scripted run's rows."""

from __future__ import annotations

from dataclasses import asdict

import click

from procure.cli.output import json_option, open_session, print_json, print_table


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command()
@click.option("--chain-only", is_flag=True, help="Only recompute the hash chain (skip the replay).")
@click.option("--project", "project_code", help="Compare only this project's rows.")
@json_option
@click.pass_context
def verify(ctx: click.Context, chain_only: bool, project_code: str | None, as_json: bool) -> None:
    """Recompute the audit chain, then replay it and compare with the tables (exit 1 if any
    difference).

    Each difference is named on a line of its own: table, row, field, the value the
    trail implies and the value stored.
    """
    from procure.domain.errors import ProcureError
    from procure.services.trail_check import trail_differences
    from procure.store.audit import verify_chain

    with open_session(ctx) as session:
        report = verify_chain(session)
        differences = [] if chain_only else trail_differences(session, project_code=project_code)
    if as_json:
        print_json(
            asdict(report)
            | {
                "ok": report.ok and not differences,
                "chain_ok": report.ok,
                "compared": not chain_only,
                "differences": [asdict(difference) for difference in differences],
            }
        )
    else:
        if report.ok:
            click.echo(f"审计链完整 audit chain intact: {report.rows} rows verified")
        for difference in differences:
            click.echo(str(difference))
        if not chain_only and not differences:
            click.echo("数据与审计记录一致 the tables hold what the trail implies")
    if not report.ok:
        raise ProcureError(f"audit chain broken at row {report.broken_seq}: {report.problem}")
    if differences:
        raise ProcureError(
            f"the trail does not explain the data: {len(differences)} "
            f"difference{'s' if len(differences) != 1 else ''}"
        )


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

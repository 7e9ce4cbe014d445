"""``procure calendar``: enter a year's holiday notice, show a year of the working calendar."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table
from procure.domain.language import N_


@click.group(help=N_("The working-day calendar: enter a year's holiday notice, show a year."))
def calendar() -> None:
    pass


@calendar.command(
    "add",
    help=N_(
        "Enter the State Council's notice for YEAR from FILE (YAML or .csv): "
        "checked first, then the year turns official and every running "
        "deadline is counted again."
    ),
)
@click.argument("year", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", metavar="LOGIN", required=True, help=N_("The administrator entering it."))
@json_option
@click.pass_context
def add(ctx: click.Context, year: int, file: Path, by: str, as_json: bool) -> None:
    from procure.domain.errors import InvalidInput
    from procure.services.deadlines.calendar_entry import add_notice
    from procure.workflow.context import Actor

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{file}：无法读取（{exc.strerror}）") from None
    with open_session(ctx) as session:
        added = add_notice(session, year, content, file.name, Actor(by, "admin"))
    if as_json:
        print_json(asdict(added))
        return
    echo(f"已录入{added.year}年放假安排：{added.title}（{added.published_on.isoformat()}发布）")
    echo(
        f"  放假 {added.days_off} 天，调休上班 {added.makeup_workdays} 天；"
        f"{added.year}年的工作日历已转为正式（审计记录 #{added.audit_seq}）"
    )
    if not added.moved:
        echo("  没有期限因此改变")
    else:
        echo(f"  重新计算后改变的期限 {len(added.moved)} 项：")
        for moved in added.moved:
            way = "提前" if moved.earlier else "推后"
            echo(
                f"    {moved.project} {moved.zh}：{moved.before.isoformat()} → "
                f"{moved.after.isoformat()}（{way}）"
            )
    echo(f"  提前的期限已排队提醒 {added.reminded} 条")


@calendar.command(
    "show", help=N_("Print YEAR's days off and make-up working days, and whether it is official.")
)
@click.argument("year", type=int)
@json_option
@click.pass_context
def show(ctx: click.Context, year: int, as_json: bool) -> None:
    from procure.services.deadlines.calendar_entry import show_year

    with open_session(ctx, readonly=True) as session:
        shown = show_year(session, year)
    if as_json:
        print_json(asdict(shown))
        return
    echo(f"{shown.year}年工作日历：{'正式' if shown.official else '暂定'}（{shown.source}）")
    if shown.notice is not None:
        echo(
            f"  通知：{shown.notice['title']}，{shown.notice['published_on']}发布；"
            f"{shown.notice['entered_by']} 于 {shown.notice['entered_at']} 录入"
        )
    print_table(
        "放假（不含普通周末）",
        ["起", "止", "天数"],
        [
            (first.isoformat(), last.isoformat(), str((last - first).days + 1))
            for first, last in shown.days_off
        ],
    )
    worked = "、".join(day.isoformat() for day in shown.makeup_workdays) or "无"
    echo(f"调休上班：{worked}")


def register(cli: click.Group) -> None:
    """Add ``calendar`` to the root command."""
    cli.add_command(calendar)

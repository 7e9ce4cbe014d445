"""Scoring commands: scorecards, review sheets and panels, assessment sheets and comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table
from procure.domain.language import N_
from procure.domain.text import quoted

SHEET = click.Path(path_type=Path, dir_okay=False)


def register(cli: click.Group) -> None:
    """Add the ``scorecard``, ``review`` and ``assess`` groups."""
    for group in (scorecard, review, assess):
        cli.add_command(group)


def _card(name: str) -> Any:
    from procure.domain.errors import NotFound
    from procure.workflow.rules import default_rules

    rules = default_rules()
    cards = {rules.review.name: rules.review, rules.assessment.name: rules.assessment}
    if name not in cards:
        raise NotFound(f"unknown scorecard {quoted(name)} (known: {', '.join(cards)})")
    return cards[name]


@click.group(help=N_("The scorecards (workflows/scorecards/*.yaml)."))
def scorecard() -> None:
    pass


@scorecard.command(
    "show",
    help=N_("Show scorecard NAME (review or assessment): criteria, weights, bands, panel rules."),
)
@click.argument("name")
@json_option
def scorecard_show(name: str, as_json: bool) -> None:
    from procure.services.scoring.sheets import scorecard_view

    view = scorecard_view(_card(name))
    if as_json:
        print_json(view)
        return
    echo(f"{view['title_zh']} — {view['name']} v{view['version']}")
    echo(f"合格线 pass mark: {view['pass_mark']}")
    print_table(
        "评分项 Criteria",
        ["代码", "评分项", "满分", "类型", "维度/说明"],
        [
            (
                c["code"],
                c["label_zh"],
                c["weight"],
                c["kind"] + (", 可不适用 n/a" if c["allow_na"] else ""),
                c["unit"],
            )
            for c in view["criteria"]
        ],
    )
    bands = ", ".join(f"{g['label_zh']} ≥ {g['minimum']}" for g in view["grades"])
    echo(f"等级 grades: {bands}")


@scorecard.command(
    "template",
    help=N_(
        "Write a blank .xlsx sheet for scorecard NAME, one row per criterion with its maximum."
    ),
)
@click.argument("name")
@click.option("-o", "--output", type=SHEET, required=True, help=N_("The .xlsx file to write."))
def scorecard_template(name: str, output: Path) -> None:
    from procure.services.scoring.sheet_xlsx import write_template
    from procure.workflow.rules import default_rules

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an .xlsx file", param_hint="-o")
    write_template(_card(name), output, default_rules().renewal.veto_items)
    echo(f"已生成评分表 template written: {output}")


@click.group(help=N_("Review sheets, recusals and the review panel."))
def review() -> None:
    pass


@review.command(
    "score", help=N_("Record a reviewer's sheet; a sheet with any problem is refused whole.")
)
@click.argument("code")
@click.option(
    "--org", "uscc", required=True, help=N_("USCC of the organization whose proposal is scored.")
)
@click.option("--reviewer", required=True, metavar="LOGIN", help=N_("The reviewer's account."))
@click.option(
    "--sheet", type=SHEET, required=True, help=N_("The filled-in sheet (.xlsx, .yaml or .json).")
)
@json_option
@click.pass_context
def review_score(
    ctx: click.Context, code: str, uscc: str, reviewer: str, sheet: Path, as_json: bool
) -> None:
    from procure.services.scoring.sheets import score_review

    with open_session(ctx) as session:
        result = score_review(session, code, uscc, reviewer, sheet)
    _done(result, as_json, f"已录入评审评分 review sheet recorded for {code}")


@review.command(
    "recuse",
    help=N_(
        "Record a conflict of interest: the reviewer's sheet for that proposal will not count."
    ),
)
@click.argument("code")
@click.option("--org", "uscc", required=True, help=N_("USCC of the proposal's organization."))
@click.option(
    "--reviewer",
    required=True,
    metavar="LOGIN",
    help=N_("The account of the reviewer with the conflict of interest."),
)
@click.option("--reason", required=True, help=N_("The conflict, in plain words."))
@click.option(
    "--by",
    default=None,
    metavar="LOGIN",
    help=N_("An officer recording it (default: the reviewer declares)."),
)
@json_option
@click.pass_context
def review_recuse(
    ctx: click.Context,
    code: str,
    uscc: str,
    reviewer: str,
    reason: str,
    by: str | None,
    as_json: bool,
) -> None:
    from procure.services.scoring.sheets import recuse
    from procure.workflow.context import Actor

    actor = Actor(by, "officer") if by else Actor(reviewer, "reviewer")
    with open_session(ctx) as session:
        result = recuse(session, code, uscc, reviewer, reason, actor)
    _done(result, as_json, f"已登记回避 recusal recorded: {reviewer}")


@review.command(
    "panel",
    help=N_("Show the panel: each sheet, trimmed totals, recusals, flags, ranking and pass/fail."),
)
@click.argument("code")
@json_option
@click.pass_context
def review_panel(ctx: click.Context, code: str, as_json: bool) -> None:
    from procure.services.scoring.sheets import panel_view

    with open_session(ctx, readonly=True) as session:
        view = panel_view(session, code)
    if as_json:
        print_json(view)
        return
    echo(
        f"{view['project']} 评审 panel ({view['scorecard']}, 法定人数 quorum {view['quorum']}, "
        f"合格线 pass mark {view['pass_mark']}; {view['tie_rule']})"
    )
    for proposal in view["proposals"]:
        verdict = "通过 passes" if proposal["passes"] else "未通过 fails"
        rank = proposal["rank"] or "-"
        echo(
            f"\n#{rank} {proposal['organization']} 报价 {proposal['price']} 元: "
            f"{proposal['score'] or '-'} ({proposal['valid_sheets']} valid sheets) {verdict}"
        )
        labels = {
            "counted": "计入",
            "trimmed_high": "去掉最高分",
            "trimmed_low": "去掉最低分",
            "recused": "回避",
        }
        print_table(
            None,
            ["评审专家", "总分", "处理", "回避理由"],
            [
                (s["reviewer"], s["total"], labels[s["status"]], s["recusal_reason"])
                for s in proposal["sheets"]
            ],
        )
        for flag in proposal["flags"]:
            echo(
                f"  ⚑ {flag['criterion']}: {flag['low']}–{flag['high']} spread {flag['spread']} "
                f"> {flag['limit']} — discuss (分歧较大，需讨论)"
            )


@click.group(help=N_("Assessment sheets, the organization's comment and the assessment result."))
def assess() -> None:
    pass


@assess.command(
    "score", help=N_("Record an assessor's sheet; a sheet with any problem is refused whole.")
)
@click.argument("code")
@click.option("--assessor", required=True, metavar="LOGIN", help=N_("The assessor's account."))
@click.option(
    "--sheet", type=SHEET, required=True, help=N_("The filled-in sheet (.xlsx, .yaml or .json).")
)
@json_option
@click.pass_context
def assess_score(ctx: click.Context, code: str, assessor: str, sheet: Path, as_json: bool) -> None:
    from procure.services.scoring.sheets import score_assessment

    with open_session(ctx) as session:
        result = score_assessment(session, code, assessor, sheet)
    _done(result, as_json, f"已录入考核评分 assessment sheet recorded for {code}")


@assess.command("comment", help=N_("Record the organization's comment, within its 14-day window."))
@click.argument("code")
@click.option("--text", required=True, help=N_("The organization's comment."))
@click.option(
    "--acknowledge", is_flag=True, help=N_("The organization accepts the assessment as it is.")
)
@click.option(
    "--on",
    "commented_on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help=N_("Date of the comment (default: today)."),
)
@click.option("--by", "login", required=True, help=N_("The account recording it (LOGIN)."))
@click.option(
    "--as",
    "role",
    type=click.Choice(["organization", "officer"]),
    default="organization",
    show_default=True,
    help=N_("The organization's own account, or an officer recording it on its behalf."),
)
@click.option(
    "--document", default=None, help=N_("An officer's reference to the organization's letter.")
)
@json_option
@click.pass_context
def assess_comment(
    ctx: click.Context,
    code: str,
    text: str,
    acknowledge: bool,
    commented_on: Any,
    login: str,
    role: str,
    document: str | None,
    as_json: bool,
) -> None:
    from procure.services.scoring.sheets import comment
    from procure.workflow.context import Actor

    day: date | None = commented_on.date() if commented_on else None
    with open_session(ctx) as session:
        result = comment(
            session,
            code,
            text,
            acknowledged=acknowledge,
            actor=Actor(login, role),
            document=document,
            commented_on=day,
        )
    _done(result, as_json, f"已登记承接方意见 comment recorded for {code}")


@assess.command(
    "show",
    help=N_("Show each assessor's sheet, the combined result, narratives and the comment window."),
)
@click.argument("code")
@json_option
@click.pass_context
def assess_show(ctx: click.Context, code: str, as_json: bool) -> None:
    from procure.services.scoring.sheets import assessment_view

    with open_session(ctx, readonly=True) as session:
        view = assessment_view(session, code)
    if as_json:
        print_json(view)
        return
    status = "已确定 final" if view["final"] else "未确定 not final"
    echo(f"{view['project']} 考核 assessment ({view['scorecard']}), {status}")
    for sheet in view["sheets"]:
        if sheet["narrative"]:
            echo(f"  {sheet['assessor']} 总体评语: {sheet['narrative']}")
        echo(
            f"  {sheet['assessor']}: {sheet['total']} {sheet['grade_zh']}"
            + (f", 一票否决 veto {', '.join(sheet['veto'])}" if sheet["veto"] else "")
        )
    result = view["result"]
    if result:
        echo(
            f"  结果 result: {result['total']} {result['grade_zh']} — {result['policy']['reason']}"
        )
        for code_, text in result["narratives"].items():
            echo(f"  [{code_}] " + text.replace("\n", "\n" + " " * (len(code_) + 5)))
        if result["missing_narratives"]:
            echo(f"  缺少评语 missing narratives: {', '.join(result['missing_narratives'])}")
        echo(f"  意见期至 comment window until {result['comment_window_closes']}")
    for item in view["comments"]:
        ack = " (确认无异议 acknowledged)" if item["acknowledged"] else ""
        echo(f"  承接方意见 {item['commented_on']}: {item['text']}{ack}")


def _done(result: Any, as_json: bool, message: str) -> None:
    from dataclasses import asdict

    if as_json:
        print_json(asdict(result))
    else:
        echo(f"{message} (audit #{result.seq})")

"""Scoring commands: scorecards, review sheets and panels, assessment sheets and comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table
from procure.domain.language import N_, _, both, pgettext
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
        raise NotFound(
            _(
                "unknown scorecard %(name)s (known: %(known)s)",
                name=quoted(name),
                known=", ".join(cards),
            )
        )
    return cards[name]


CRITERION_KINDS = {
    "judged": N_("scored by judgement"),
    "price": N_("scored by price"),
    "attainment": N_("planned against actual"),
    "satisfaction": N_("share satisfied"),
}
"""How each kind of criterion is scored, as people say it."""


def _kind(kind: str) -> str:
    return _(CRITERION_KINDS[kind]) if kind in CRITERION_KINDS else kind


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

    card = _card(name)
    view = scorecard_view(card)
    if as_json:
        print_json(view)
        return
    echo(
        f"{both(card.title_zh, card.title_en or card.title_zh)} — {view['name']} v{view['version']}"
    )
    echo(_("Pass mark: %(mark)s", mark=view["pass_mark"]))
    units = {c.code: c.unit_label for c in card.criteria}  # 人次 or person-times
    print_table(
        _("Criteria"),
        [
            pgettext("cli", "Code"),
            pgettext("cli", "Criterion"),
            pgettext("cli", "Maximum"),
            pgettext("cli", "Kind"),
            pgettext("cli", "Dimension / unit"),
        ],
        [
            (
                c["code"],
                both(c["label_zh"], c["label_en"]),
                c["weight"],
                _("%(kind)s, may be n/a", kind=_kind(c["kind"]))
                if c["allow_na"]
                else _kind(c["kind"]),
                units[c["code"]],
            )
            for c in view["criteria"]
        ],
    )
    bands = _(", ").join(
        f"{both(g['label_zh'], g['label_en'])} ≥ {g['minimum']}" for g in view["grades"]
    )
    echo(_("Grades: %(bands)s", bands=bands))


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
        raise click.BadParameter(_("the template is an .xlsx file"), param_hint="-o")
    write_template(_card(name), output, default_rules().renewal.veto_items)
    echo(_("Scoring template written: %(file)s", file=output))


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
    _done(result, as_json, _("Review sheet recorded for %(code)s", code=code))


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
    _done(result, as_json, _("Recusal recorded: %(reviewer)s", reviewer=reviewer))


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
        _(
            "%(project)s review panel (%(scorecard)s, quorum %(quorum)s, pass mark %(mark)s; "
            "higher score first; equal scores: lower price, then earlier registration)",
            project=view["project"],
            scorecard=view["scorecard"],
            quorum=view["quorum"],
            mark=view["pass_mark"],
        )
    )
    criteria = {c.code: both(c.label_zh, c.label_en) for c in _card("review").criteria}
    for proposal in view["proposals"]:
        _echo_proposal(proposal, criteria)


SHEET_STATUS = {
    "counted": N_("counted"),
    "trimmed_high": N_("highest, left out"),
    "trimmed_low": N_("lowest, left out"),
    "recused": N_("recused"),
}
"""How a review sheet counts in the panel, as people say it."""


def _echo_proposal(proposal: dict[str, Any], criteria: dict[str, str]) -> None:
    """One proposal of the panel: its rank, score and verdict, its sheets, its flags."""
    values = {
        "rank": proposal["rank"] or "-",
        "organization": proposal["organization"],
        "price": proposal["price"],
        "score": proposal["score"] or "-",
        "sheets": proposal["valid_sheets"],
    }
    if proposal["passes"]:
        line = _(
            "#%(rank)s %(organization)s, price %(price)s yuan: %(score)s "
            "(%(sheets)s valid sheets), passes",
            **values,
        )
    else:
        line = _(
            "#%(rank)s %(organization)s, price %(price)s yuan: %(score)s "
            "(%(sheets)s valid sheets), fails",
            **values,
        )
    echo("\n" + line)
    print_table(
        None,
        [
            pgettext("cli", "Reviewer"),
            pgettext("cli", "Total"),
            pgettext("cli", "Counted as"),
            pgettext("cli", "Reason for recusal"),
        ],
        [
            (s["reviewer"], s["total"], _(SHEET_STATUS[s["status"]]), s["recusal_reason"])
            for s in proposal["sheets"]
        ],
    )
    for flag in proposal["flags"]:
        echo(
            "  ⚑ "
            + _(
                "%(criterion)s: %(low)s–%(high)s, spread %(spread)s > %(limit)s — to discuss",
                criterion=criteria.get(flag["criterion"], flag["criterion"]),
                low=flag["low"],
                high=flag["high"],
                spread=flag["spread"],
                limit=flag["limit"],
            )
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
    _done(result, as_json, _("Assessment sheet recorded for %(code)s", code=code))


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
    _done(result, as_json, _("Organization's comment recorded for %(code)s", code=code))


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
    from procure.cli.scoring_output import echo_assessment

    echo_assessment(view)


def _done(result: Any, as_json: bool, message: str) -> None:
    from dataclasses import asdict

    if as_json:
        print_json(asdict(result))
    else:
        echo(_("%(message)s (audit record #%(seq)s)", message=message, seq=result.seq))

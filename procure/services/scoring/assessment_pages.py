"""The assessment of one project as its page shows it, and the organization's comment.

The page gives each assessor's sheet, the combined result, the organization's comment
window (its last day, in China's calendar as the comment rule counts it, and the days
left), the comments recorded, and which of the sheet, comment and finalize forms the
signed-in account may use now. Whether a form is offered is a courtesy: every POST goes
through the trigger's own guards, so a forged one is refused all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.criteria import JUDGED
from procure.domain.dates import beijing_moment, chinese_date
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, both, ngettext, pgettext
from procure.domain.language import gettext as _
from procure.domain.renewal import GRADED, VETOED
from procure.domain.scorecard import Scorecard
from procure.domain.text import check_typed_text
from procure.services.lifecycle.fire import TransitionResult, perform
from procure.services.lifecycle.project_actions import (
    ActionForm,
    FormInvalid,
    actions_for,
    held_roles,
)
from procure.services.scoring.assessment_forms import (
    INPUTS,
    criterion_field,
    may_act,
    narrative_field,
    veto_field,
)
from procure.services.scoring.own_sheet import FACT_LABELS
from procure.services.scoring.sheets import assessment_view
from procure.store import queries
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_corrections, default_rules
from procure.workflow.scoring_guards import CHINA, china_day

ACKNOWLEDGED_TEXT = N_("Acknowledged without objection")
"""The comment recorded when an organization acknowledges without writing one (recorded in
the language in use, as a comment typed then would be)."""


@dataclass(frozen=True)
class CommentWindow:
    """The organization's comment window on an assessment."""

    closes_on: date
    days_left: int
    open: bool

    @property
    def closes_zh(self) -> str:
        """The last day, as people write it: 2019年12月31日."""
        return chinese_date(self.closes_on)

    @property
    def closes_text(self) -> str:
        """The last day in the language in use: 2019年12月31日, or 2019-12-31."""
        return both(self.closes_zh, self.closes_on.isoformat())

    @property
    def closes_in(self) -> str:
        """When the open window closes and the days left: 截止 2019年12月31日（还剩 3 天）."""
        return ngettext(
            "Closes on %(day)s (%(num)d day left)",
            "Closes on %(day)s (%(num)d days left)",
            self.days_left,
            day=self.closes_text,
        )

    @property
    def closes_notice(self) -> str:
        """The same, as a sentence to the organization that may still comment."""
        return ngettext(
            "The comment window closes on %(day)s (%(num)d day left).",
            "The comment window closes on %(day)s (%(num)d days left).",
            self.days_left,
            day=self.closes_text,
        )


def comment_window(
    session: Session, code: str, at: datetime, *, rules: Rules | None = None
) -> CommentWindow | None:
    """The window opened by the last assessment sheet, or ``None`` before the first sheet.

    It is open on the days the ``comment_within_window`` rule accepts a comment dated
    today: from the last sheet's day up to and including its last day, while assessing.
    """
    rules = rules or default_rules()
    project = queries.project_by_code(session, code)
    sheets = queries.assessment_sheets(session, project)
    if not sheets:
        return None
    closes = max(sheet.recorded_at for sheet in sheets) + timedelta(days=rules.comment_window_days)
    today = china_day(at)
    closes_on = closes.date()
    left = (closes_on - today).days
    return CommentWindow(closes_on, max(left, 0), project.state == "assessing" and left >= 0)


def assessment_page(
    session: Session, code: str, user: User, at: datetime, *, rules: Rules | None = None
) -> dict[str, Any]:
    """Everything the assessment page shows to ``user`` (who may read the project)."""
    rules = rules or default_rules()
    card = rules.assessment
    actions = {action.trigger: action for action in actions_for(session, code, user, rules=rules)}
    actions_roles = held_roles(session, user, code)
    window = comment_window(session, code, at, rules=rules)
    comment = actions.get("record_comment")
    view = assessment_view(session, code, rules=rules)
    # the rule "one sheet per assessor" needs the account's name, which actions_for leaves out
    own = [sheet for sheet in view["sheets"] if sheet["assessor"] == user.login]
    recorded = bool(own)
    project = queries.project_by_code(session, code)
    replacing = rules.engine.definition.transition_from("replace_assessment", project.state)
    correction = default_corrections().kinds.get("assessment")
    return {
        "assessment": view,
        "recorded_own_sheet": recorded,
        "window": window,
        "criteria": {c.code: c for c in card.criteria},
        "dimensions": {d.code: d for d in card.dimensions},
        "input_labels": {key: _(label) for key, label in FACT_LABELS.items()},
        "veto_labels": {
            code: both(item.label_zh, item.label_en)
            for code, item in rules.renewal.veto_items.items()
        },
        "policy": _policy(view["result"], card, rules),
        "grades": {g.code: g.label for g in card.grades},
        "recorded": {s["recorded_at"]: _moment(s["recorded_at"]) for s in view["sheets"]},
        "dimension_labels": {d.code: d.label for d in card.dimensions},
        "scorecards": _scorecard_titles(view["sheets"], card),
        "state_label": rules.engine.definition.state(project.state).label,
        "assessors": _names(session, [sheet["assessor"] for sheet in view["sheets"]]),
        "may_record_sheet": _allowed(actions.get("record_assessment")) and not recorded,
        # the assessor's own sheet, replaced until finalization, corrected as the policy says
        "may_replace_sheet": recorded and replacing is not None and "assessor" in actions_roles,
        "may_correct_sheet": recorded
        and correction is not None
        and project.state in correction.stages
        and "assessor" in actions_roles,
        "own_values": own_form_values(own[-1], card) if own else {},
        "may_comment": bool(
            _allowed(comment)
            and comment is not None
            and comment.role == "organization"
            and window is not None
            and window.open
        ),
        "finalize": actions.get("finalize_assessment"),
    }


def own_form_values(sheet: Mapping[str, Any], card: Scorecard) -> dict[str, str]:
    """An assessor's recorded sheet as the sheet form's fields, to replace or correct it."""
    inputs = sheet.get("inputs") or {}
    values: dict[str, str] = {}
    for criterion in card.criteria:
        given = inputs.get(criterion.code)
        if criterion.kind == JUDGED and given is not None:
            values[criterion_field(criterion.code, "score")] = str(given)
        elif criterion.kind in INPUTS and isinstance(given, dict):
            values.update({criterion_field(criterion.code, k): str(v) for k, v in given.items()})
    values.update({narrative_field(d): text for d, text in sheet["narratives"].items()})
    values.update({veto_field(v): "true" for v in sheet.get("veto") or ()})
    if sheet.get("narrative"):
        values["narrative"] = sheet["narrative"]
    return values


def _policy(result: Mapping[str, Any] | None, card: Scorecard, rules: Rules) -> str:
    """What the renewal policy makes of the result, in one sentence of the language in use."""
    if not result:
        return ""
    action = str(result["policy"]["action"])
    if result["veto"]:
        items = rules.renewal.veto_items
        names = pgettext("list", ", ").join(
            both(items[v].label_zh, items[v].label_en) if v in items else v for v in result["veto"]
        )
        return _(VETOED[action], items=names) if action in VETOED else action
    grade = next((g.label for g in card.grades if g.code == result["grade"]), result["grade"])
    if action not in GRADED:
        return action
    return _(GRADED[action], grade=grade, total=result["total"])


def _moment(at: datetime) -> str:
    """When a sheet was recorded, in Beijing time: 2019年03月01日 16:00:00, or
    2019-03-01 16:00:00 CST."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    english = moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S CST")
    return both(beijing_moment(at), english)


def _scorecard_titles(sheets: list[dict[str, Any]], card: Scorecard) -> dict[str, str]:
    """Each sheet's scorecard (``assessment v2``) by its title and version."""
    titles = {}
    for sheet in sheets:
        name, _sep, version = str(sheet["scorecard"]).rpartition(" v")
        title = card.title if name == card.name else name
        titles[sheet["scorecard"]] = _(
            "%(title)s, version %(version)s", title=title, version=version
        )
    return titles


def _names(session: Session, logins: list[str]) -> dict[str, str]:
    """Each login's name, as people know the person (the login itself if unknown); one
    query however many sheets there are."""
    wanted = set(logins)
    found = {login: login for login in wanted}
    if wanted:
        users = session.exec(select(User).where(col(User.login).in_(wanted)))
        found.update({user.login: user.name for user in users if user.name})
    return found


def _allowed(action: ActionForm | None) -> bool:
    return action is not None and action.allowed


def comment_params(form: Mapping[str, str]) -> dict[str, Any]:
    """The ``record_comment`` params of the organization's form.

    Raises:
        FormInvalid: ``text`` empty without acknowledging, or holding control characters.
    """
    text = form.get("text", "").strip()
    acknowledged = form.get("acknowledged", "") in {"true", "on", "1"}
    if not text and not acknowledged:
        raise FormInvalid(
            {"text": _("Required: write a comment, or tick “Acknowledged without objection”")}
        )
    try:
        check_typed_text(text, _("The comment"))
    except InvalidInput as exc:
        raise FormInvalid(
            {
                "text": _(
                    "Remove the invisible control characters from the text: %(reason)s", reason=exc
                )
            }
        ) from exc
    return {"text": text or _(ACKNOWLEDGED_TEXT), "acknowledged": acknowledged}


def record_organization_comment(
    session: Session,
    code: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record the organization's own comment or acknowledgement (no commit).

    Only the text and the acknowledgement are taken from the form: the comment is dated
    today, so the window rule judges the day it really arrives.

    Raises:
        FormInvalid: a bad text, under ``text``.
        Refused: ``user`` is not this project's organization, or the window has closed.
    """
    may_act(session, code, user, "organization", "record_comment")
    params = comment_params(form)
    return perform(
        session,
        code,
        "record_comment",
        Actor(user.login, "organization"),
        params=params,
        rules=rules,
    )

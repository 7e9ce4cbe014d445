"""The inputs of a trigger's form on the project page, and what each starts with.

A form asks only what the trigger needs (its ``params`` in the workflow). Where the answer
is one of a few, the field is a picker of exactly those: a new proposal's organization
among those yet to propose, an objection's among the bidders that lost, an answer's
among the objectors still waiting, a recused reviewer among the purchaser's panel. The
signing form starts with the awarded price (or a renewal's carried terms).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from procure.domain.language import _, pick
from procure.store import accounts as account_store
from procure.store import notices, queries
from procure.store.models import Organization, Project
from procure.workflow.definition import ParamDef


@dataclass(frozen=True)
class FormField:
    """One input of a trigger's form."""

    name: str
    type: str
    zh: str
    required: bool
    max_length: int | None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label), for pickers
    default: str = ""  # the value the form starts with, e.g. the awarded price
    en: str = ""

    @property
    def label(self) -> str:
        """The field as people name it, in the language in use."""
        return pick({"zh": self.zh, "en": self.en})


PARAMS_EN: dict[str, str] = {
    "申报组织": "Proposing organization",
    "报价": "Price",
    "撤回方案的组织": "Organization withdrawing its proposal",
    "撤回函文号（干事代为登记时必填）": (
        "Withdrawal letter number (required when an officer records it)"
    ),
    "被评方案的组织": "Organization of the proposal reviewed",
    "各项评分": "Scores",
    "利益冲突回避": "Recusal for a conflict of interest",
    "回避的评审专家（账号）": "Recused review expert (account)",
    "回避理由": "Reason for the recusal",
    "中选组织": "Awarded organization",
    "质疑组织": "Objecting organization",
    "质疑事项": "Matter objected to",
    "质疑日期": "Objection date",
    "质疑函文号（干事代为登记时必填）": (
        "Objection letter number (required when an officer records it)"
    ),
    "合同编号": "Contract number",
    "合同金额": "Contract amount",
    "服务开始日期": "Service start date",
    "服务结束日期": "Service end date",
    "签订日期": "Signed on",
    "拨付金额": "Payment amount",
    "拨付日期": "Paid on",
    "说明": "Note",
    "检查日期": "Inspection date",
    "检查发现": "Findings",
    "需要整改": "Rectification required",
    "一票否决事项": "Veto items",
    "各维度评语": "Comments on each dimension",
    "总体评语": "Overall comments",
    "承接方意见": "Organization's comment",
    "承接方确认无异议": "The organization acknowledges without objection",
    "意见日期": "Comment date",
    "来函文号（干事代为登记时必填）": "Letter number (required when an officer records it)",
}
"""The lifecycle's params in English, by their Chinese label (until the lifecycle file
carries both: then :func:`param_label` reads ``ParamDef.label``)."""


def param_label(param: ParamDef) -> str:
    """A param of a step as people name it, in the language in use."""
    return pick({"zh": param.zh, "en": PARAMS_EN.get(param.zh, "")})


ANSWER_TRIGGERS = frozenset({"uphold_objection", "reject_objection"})
"""The answers to an objection: offered only while one waits, naming only its objectors."""


def unanswered_objectors(session: Session, project: Project) -> tuple[tuple[str, str], ...]:
    """The organizations whose objection to the project waits for its answer, as choices."""
    if project.state not in ("awarded", "reviewing"):
        return ()  # no objection can wait outside these states
    rows = notices.unanswered_objections(session, project)
    objectors = {row.organization.uscc: row.organization.name for row in rows}
    return tuple((uscc, _named(name, uscc)) for uscc, name in objectors.items())


OBJECTING_TRIGGER = "lodge_objection"


def objectable(session: Session, project: Project) -> bool:
    """Whether a bidder may still object: the project has an award notice and a bidder
    that lost and has not objected to that notice yet."""
    return bool(_may_object(session, project))


def _may_object(session: Session, project: Project) -> set[int]:
    """The bidders that lost the current notice's award and have not objected to it."""
    notice = notices.current_notice(session, project)
    if notice is None:
        return set()
    objected = {
        row.organization.id
        for row in notices.objections_of(session, project)
        if row.notice.id == notice.id
    }
    winner = project.awarded_organization_id
    bidders = {p.organization_id for p in queries.proposals_of(session, project)}
    return bidders - objected - {winner}


def _losing_bidders(
    session: Session, code: str, choices: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """Of ``choices``, the bidders that may still object (:func:`_may_object`)."""
    project = queries.project_by_code(session, code)
    left = _may_object(session, project)
    usccs = {
        o.uscc for o in session.exec(select(Organization).where(col(Organization.id).in_(left)))
    }
    return tuple(c for c in choices if c[0] in usccs)


PROPOSING_TRIGGER = "add_proposal"
"""The trigger whose organization is a new proposer: its picker lists the others."""


def form_field(session: Session, code: str, trigger: str, param: ParamDef) -> FormField:
    choices: tuple[tuple[str, str], ...] = ()
    if param.type == "uscc":
        choices = _organization_choices(session, code, proposing=trigger == PROPOSING_TRIGGER)
        if trigger == OBJECTING_TRIGGER:  # only a bidder that lost may object
            choices = _losing_bidders(session, code, choices)
    elif param.type == "account" and trigger == RECUSAL_TRIGGER:
        choices = _panel_choices(session, code)
    default = _contract_default(session, code, param.name) if trigger == SIGNING_TRIGGER else ""
    return FormField(
        param.name,
        param.type,
        param.zh,
        param.required,
        param.max_length,
        choices,
        default,
        en=PARAMS_EN.get(param.zh, ""),
    )


SIGNING_TRIGGER = "sign_contract"
RECUSAL_TRIGGER = "record_recusal"


def _panel_choices(session: Session, code: str) -> tuple[tuple[str, str], ...]:
    """The review panel of the project (the active reviewers of its purchaser), by name."""
    project = queries.project_by_code(session, code)
    reviewers = account_store.role_holders(session, "reviewer", project.purchaser_id)
    return tuple(
        (user.login, user.name if user.name == user.login else _named(user.name, user.login))
        for user in reviewers
    )


def _contract_default(session: Session, code: str, name: str) -> str:
    """What the signing form starts with: the terms a renewal carried forward, else the
    amount the award was made at (the winner's price)."""
    project = queries.project_by_code(session, code)
    if name == "start" and project.carried_start_on is not None:
        return project.carried_start_on.isoformat()
    if name == "end" and project.carried_end_on is not None:
        return project.carried_end_on.isoformat()
    if name != "amount":
        return ""
    amount = project.carried_amount
    if amount is None and project.awarded_organization_id is not None:
        awarded = next(
            (
                proposal
                for proposal in queries.proposals_of(session, project)
                if proposal.organization_id == project.awarded_organization_id
            ),
            None,
        )
        amount = awarded.price if awarded is not None else None
    return "" if amount is None else f"{amount:,.2f}"


def _organization_choices(
    session: Session, code: str, *, proposing: bool
) -> tuple[tuple[str, str], ...]:
    """For a new proposal, every registered organization that has not proposed yet; for
    any other step, the project's proposers if it has any, else every organization."""
    project = queries.project_by_code(session, code)
    ids = [proposal.organization_id for proposal in queries.proposals_of(session, project)]
    statement = select(Organization)
    if proposing:
        statement = statement.where(col(Organization.id).not_in(ids))
    elif ids:
        statement = statement.where(col(Organization.id).in_(ids))
    organizations = session.exec(statement.order_by(col(Organization.name))).all()
    return tuple((o.uscc, _named(o.name, o.uscc)) for o in organizations)


def _named(name: str, code: str) -> str:
    """A choice as a picker shows it: the name, then its code in brackets."""
    return _("%(name)s (%(uscc)s)", name=name, uscc=code)

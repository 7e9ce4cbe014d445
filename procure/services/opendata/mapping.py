"""One project's public facts as an OCDS 1.1 release (no database: plain data in, JSON out).

The mapping, stage by stage:

- **parties**: the purchaser as ``buyer`` (and ``procuringEntity``, and ``payer`` once it
  paid); each organization under its USCC (``identifier.scheme`` from
  ``workflows/opendata.yaml``) as ``tenderer`` once the panel result is published, as
  ``supplier`` of an award or contract and as ``payee`` of a payment. Reviewers are never
  parties: they are people, and the panel result names them only where the rules allow.
- **planning**: the budget and the purpose. A renewal (续约) names the project it continues
  in ``relatedProcesses`` (``renewalProcess``) and its tender is ``limited`` (no call).
- **tender**: the call (its period from the trail), its status, the published proposals as
  ``tenderers`` (core schema; the bids extension is not shipped, so the panel result, each
  proposal's price, score and rank, is an ``evaluationReports`` document).
- **awards**: one per award notice; an upheld objection cancels its award (status
  ``cancelled``), a rejected one does not. Objections are ``complaints`` documents.
- **contracts**: number, amount, period, signing day; ``implementation.transactions`` are
  the payments; the year-end assessment (score, grade, decision) is a
  ``physicalProgressReport`` document.

The assessment is a document, not an extension field: a document is checked field by field
by the core release schema the tests validate against, whereas an undeclared extension field
would pass unchecked (OCDS allows additional properties) and be flagged by OCDS tools as an
unknown extension.

Money is a number with currency CNY; moments are ISO 8601 with the Beijing offset (+08:00),
a day as its first second (an end day as its last).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from procure.services.opendata.config import OpenDataConfig
from procure.services.opendata.facts import (
    AssessmentFacts,
    AwardFacts,
    ContractFacts,
    NoticeFacts,
    ObjectionFacts,
    OrganizationFacts,
    ProjectFacts,
)

BEIJING = timezone(timedelta(hours=8))
CURRENCY = "CNY"
LANGUAGE = "zh"
FINISHED_STATES = frozenset({"renewed", "dropped"})
"""A project in one of these states has come to the end of its contract."""
_ROLE_ORDER = ("buyer", "procuringEntity", "payer", "tenderer", "supplier", "payee")


def moment(value: datetime) -> str:
    """An aware moment in ISO 8601 at the Beijing offset, to the second."""
    if value.tzinfo is None:
        raise ValueError("moments must be timezone-aware")
    return value.astimezone(BEIJING).isoformat(timespec="seconds")


def day_start(day: date) -> str:
    """A day as its first second in Beijing."""
    return datetime.combine(day, time(0), BEIJING).isoformat()


def day_end(day: date) -> str:
    """A day as its last second in Beijing."""
    return datetime.combine(day, time(23, 59, 59), BEIJING).isoformat()


def money(amount: Decimal) -> dict[str, Any]:
    """An OCDS Value: the amount as a JSON number, in yuan (CNY)."""
    return {"amount": float(amount), "currency": CURRENCY}


class Parties:
    """The release's parties, collected as the sections name them, each with its roles."""

    def __init__(self, scheme: str, buyer_code: str, buyer_name: str) -> None:
        self._scheme = scheme
        self._buyer = {"id": buyer_code, "name": buyer_name}
        self._buyer_roles = {"buyer", "procuringEntity"}
        self._organizations: dict[str, tuple[OrganizationFacts, set[str]]] = {}

    def buyer(self, *roles: str) -> dict[str, str]:
        """A reference to the purchaser, adding ``roles``."""
        self._buyer_roles.update(roles)
        return dict(self._buyer)

    def organization(self, organization: OrganizationFacts, role: str) -> dict[str, str]:
        """A reference to ``organization``, adding ``role``."""
        party_id = f"{self._scheme}-{organization.uscc}"
        entry = self._organizations.setdefault(party_id, (organization, set()))
        entry[1].add(role)
        return {"id": party_id, "name": organization.name}

    def listed(self) -> list[dict[str, Any]]:
        """The purchaser first, then the organizations by id; roles in a fixed order."""
        parties: list[dict[str, Any]] = [{**self._buyer, "roles": _ordered(self._buyer_roles)}]
        for party_id in sorted(self._organizations):
            organization, roles = self._organizations[party_id]
            parties.append(
                {
                    "id": party_id,
                    "name": organization.name,
                    "identifier": {
                        "scheme": self._scheme,
                        "id": organization.uscc,
                        "legalName": organization.name,
                    },
                    "roles": _ordered(roles),
                }
            )
        return parties


def _ordered(roles: set[str]) -> list[str]:
    return sorted(roles, key=_ROLE_ORDER.index)


def release(facts: ProjectFacts, config: OpenDataConfig) -> dict[str, Any]:
    """The OCDS release of one project: its state now, dated by its last audit row."""
    ocid = config.ocid(facts.code)
    parties = Parties(config.identifier_scheme, facts.buyer.code, facts.buyer.name)
    buyer = parties.buyer()
    tender = _tender(facts, parties)
    awards = [_award(facts, notice, parties) for notice in facts.notices]
    if facts.award_without_notice is not None:
        awards.append(_award_without_notice(facts, facts.award_without_notice, parties))
    contracts = [_contract(facts, facts.contract, parties)] if facts.contract else []
    shown: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{facts.last_seq}",
        "date": moment(facts.last_moment),
        "tag": release_tags(facts),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties.listed(),
        "buyer": buyer,
        "planning": {
            "rationale": facts.purpose,
            "budget": {
                "id": f"{facts.code}-budget",
                "description": facts.title,
                "amount": money(facts.budget),
                "projectID": facts.code,
            },
        },
        "tender": tender,
    }
    if awards:
        shown["awards"] = awards
    if contracts:
        shown["contracts"] = contracts
    if facts.renews is not None:
        shown["relatedProcesses"] = [_renewed_process(facts.renews, config)]
    return shown


def _renewed_process(renews: tuple[str, str], config: OpenDataConfig) -> dict[str, Any]:
    """The contracting process a renewal continues (relatedProcess ``renewalProcess``)."""
    code, title = renews
    return {
        "id": "renews",
        "relationship": ["renewalProcess"],
        "title": title,
        "scheme": "ocid",
        "identifier": config.ocid(code),
    }


def release_tags(facts: ProjectFacts) -> list[str]:
    """The stages the release covers: planning, tender, award, contract, implementation."""
    tags = ["planning"]
    if facts.call_opened_at is not None:
        tags.append("tender")
    if facts.state == "cancelled":
        tags.append("tenderCancellation")
    if facts.notices or facts.award_without_notice is not None:
        tags.append("award")
    if any(notice.withdrawn for notice in facts.notices):
        tags.append("awardCancellation")
    if facts.contract is not None:
        tags.append("contract")
        if facts.contract.payments or facts.assessment is not None:
            tags.append("implementation")
    return tags


def tender_status(facts: ProjectFacts) -> str:
    """planned before the call, active while open or under review, complete once awarded."""
    if facts.state == "cancelled":
        return "cancelled"
    standing = [notice for notice in facts.notices if not notice.withdrawn]
    if standing or facts.award_without_notice is not None or facts.contract is not None:
        return "complete"
    if facts.call_opened_at is not None:
        return "active"
    return "planned"


def award_status(facts: ProjectFacts, notice: NoticeFacts) -> str:
    """cancelled when an upheld objection reopened it (or the project was cancelled),
    active once the contract is signed, pending during the notice before signing."""
    latest = notice is facts.notices[-1]
    if notice.withdrawn or not latest or facts.state == "cancelled":
        return "cancelled"
    return "active" if facts.contract is not None else "pending"


def contract_status(facts: ProjectFacts) -> str:
    """active once signed; terminated when the year-end decision closed it."""
    return "terminated" if facts.state in FINISHED_STATES | {"cancelled"} else "active"


def _tender(facts: ProjectFacts, parties: Parties) -> dict[str, Any]:
    tender: dict[str, Any] = {
        "id": f"{facts.code}-tender",
        "title": facts.title,
        "description": facts.purpose,
        "status": tender_status(facts),
        "procuringEntity": parties.buyer(),
        "value": money(facts.budget),
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
    }
    if facts.renews is not None and facts.call_opened_at is None:
        tender["procurementMethod"] = "limited"
        tender["procurementMethodDetails"] = f"续约 renewal of {facts.renews[0]}"
        del tender["awardCriteria"]
    period = _call_period(facts)
    if period:
        tender["tenderPeriod"] = period
    if facts.proposals:
        tender["numberOfTenderers"] = len(facts.proposals)
        tender["tenderers"] = [
            parties.organization(proposal.organization, "tenderer")
            for proposal in sorted(facts.proposals, key=lambda p: p.organization.uscc)
        ]
        tender["documents"] = [_panel_document(facts)]
    return tender


def _call_period(facts: ProjectFacts) -> dict[str, str]:
    period = {}
    if facts.call_opened_at is not None:
        period["startDate"] = moment(facts.call_opened_at)
    if facts.call_closed_at is not None:
        period["endDate"] = moment(facts.call_closed_at)
    return period


def _panel_document(facts: ProjectFacts) -> dict[str, Any]:
    lines = []
    for proposal in facts.proposals:
        place = f"第{proposal.rank}名" if proposal.rank is not None else "未排名"
        score = "—" if proposal.score is None else f"{proposal.score}"
        passed = "" if proposal.passes else "，未达及格线"
        lines.append(
            f"{place}：{proposal.organization.name}（{proposal.organization.uscc}），"
            f"报价 {proposal.price} 元，评审得分 {score}{passed}"
        )
    if facts.reviewers is not None:
        lines.append(f"评审专家：{'、'.join(facts.reviewers)}")
    document: dict[str, Any] = {
        "id": f"{facts.code}-panel",
        "documentType": "evaluationReports",
        "title": "评审结果 Panel result",
        "description": "\n".join(lines),
        "language": LANGUAGE,
    }
    if facts.notices:
        document["datePublished"] = moment(facts.notices[-1].published_at)
    return document


def award_id(code: str, notice: NoticeFacts) -> str:
    """An award's id: the project code and the number of the notice that published it."""
    return f"{code}-award-{notice.number}"


def _award(facts: ProjectFacts, notice: NoticeFacts, parties: Parties) -> dict[str, Any]:
    award: dict[str, Any] = {
        "id": award_id(facts.code, notice),
        "title": f"中选结果公示 第{notice.number}号 Award notice",
        "status": award_status(facts, notice),
        "date": moment(notice.published_at),
    }
    if notice.price is not None:
        award["value"] = money(notice.price)
    award["suppliers"] = [parties.organization(notice.organization, "supplier")]
    award["documents"] = [
        {
            "id": f"{facts.code}-notice-{notice.number}",
            "documentType": "awardNotice",
            "title": f"中选结果公示 第{notice.number}号",
            "description": (
                f"公示至 {notice.notice_ends_on.isoformat()}，"
                f"质疑截止 {notice.objections_close_on.isoformat()}"
            ),
            "datePublished": moment(notice.published_at),
            "language": LANGUAGE,
        },
        *(
            _objection_document(facts.code, notice, index, objection)
            for index, objection in enumerate(notice.objections, start=1)
        ),
    ]
    return award


def _award_without_notice(
    facts: ProjectFacts, award: AwardFacts, parties: Parties
) -> dict[str, Any]:
    if facts.state == "cancelled":
        status = "cancelled"
    else:
        status = "active" if facts.contract is not None else "pending"
    shown: dict[str, Any] = {"id": f"{facts.code}-award", "status": status}
    if award.awarded_at is not None:
        shown["date"] = moment(award.awarded_at)
    if award.price is not None:
        shown["value"] = money(award.price)
    shown["suppliers"] = [parties.organization(award.organization, "supplier")]
    return shown


def _contract_award_id(facts: ProjectFacts) -> str:
    """The award a contract signs: the standing notice's, else the award made without one."""
    standing = [notice for notice in facts.notices if not notice.withdrawn]
    if standing:
        return award_id(facts.code, standing[-1])
    if facts.award_without_notice is None and facts.notices:
        return award_id(facts.code, facts.notices[-1])
    return f"{facts.code}-award"


def _objection_document(
    code: str, notice: NoticeFacts, index: int, objection: ObjectionFacts
) -> dict[str, Any]:
    answer = objection.outcome_zh
    if objection.reason:
        answer = f"{answer}：{objection.reason}"
    document: dict[str, Any] = {
        "id": f"{code}-notice-{notice.number}-objection-{index}",
        "documentType": "complaints",
        "title": f"质疑 Objection：{objection.organization.name}",
        "description": f"质疑：{objection.text}\n答复：{answer}",
        "datePublished": day_start(objection.lodged_on),
        "language": LANGUAGE,
    }
    if objection.answered_on is not None:
        document["dateModified"] = day_start(objection.answered_on)
    return document


def _contract(facts: ProjectFacts, contract: ContractFacts, parties: Parties) -> dict[str, Any]:
    parties.organization(contract.organization, "supplier")  # the contract names its award
    shown: dict[str, Any] = {"id": contract.number, "awardID": _contract_award_id(facts)}
    shown.update(
        {
            "title": facts.title,
            "status": contract_status(facts),
            "period": {
                "startDate": day_start(contract.start_on),
                "endDate": day_end(contract.end_on),
            },
            "value": money(contract.amount),
            "dateSigned": day_start(contract.signed_on),
        }
    )
    implementation: dict[str, Any] = {}
    if contract.payments:
        payer = parties.buyer("payer")
        payee = parties.organization(contract.organization, "payee")
        implementation["transactions"] = [
            {
                "id": f"{contract.number}-{payment.tranche}",
                "date": day_start(payment.paid_on),
                "value": money(payment.amount),
                "payer": payer,
                "payee": payee,
            }
            for payment in contract.payments
        ]
    if facts.assessment is not None:
        implementation["documents"] = [_assessment_document(facts.code, facts.assessment)]
    if implementation:
        shown["implementation"] = implementation
    return shown


def _assessment_document(code: str, assessment: AssessmentFacts) -> dict[str, Any]:
    veto = "；一票否决" if assessment.veto else ""
    document: dict[str, Any] = {
        "id": f"{code}-assessment",
        "documentType": "physicalProgressReport",
        "title": "年度绩效考核结果 Annual performance assessment",
        "description": (
            f"考核总分 {assessment.total}；等级 {assessment.grade_zh}（{assessment.grade}）"
            f"{veto}；决定 {assessment.decision_zh}"
        ),
        "language": LANGUAGE,
    }
    if assessment.finalized_at is not None:
        document["datePublished"] = moment(assessment.finalized_at)
    return document

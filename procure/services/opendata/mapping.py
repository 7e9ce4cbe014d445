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
  ``cancelled``), a rejected one does not. Objections are ``complaints`` documents. A
  project awarded without a notice (before notices existed, a renewal, generated data) has
  one award, of its awarded organization; OCDS needs it, every contract names its award.
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

from typing import Any

from procure.services.opendata.config import OpenDataConfig
from procure.services.opendata.documents import (
    assessment_document,
    notice_document,
    objection_document,
    panel_document,
)
from procure.services.opendata.facts import (
    AmendmentFacts,
    AwardFacts,
    ContractFacts,
    NoticeFacts,
    ProjectFacts,
)
from procure.services.opendata.parties import Parties
from procure.services.opendata.values import LANGUAGE, day_end, day_start, moment, money

FINISHED_STATES = frozenset({"renewed", "dropped"})
"""A project in one of these states has come to the end of its contract."""


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
        tender["documents"] = [panel_document(facts)]
    return tender


def _call_period(facts: ProjectFacts) -> dict[str, str]:
    period = {}
    if facts.call_opened_at is not None:
        period["startDate"] = moment(facts.call_opened_at)
    if facts.call_closed_at is not None:
        period["endDate"] = moment(facts.call_closed_at)
    return period


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
        notice_document(facts.code, notice),
        *(
            objection_document(facts.code, notice, index, objection)
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


_AMENDED_ZH = {
    "amount": "合同金额",
    "start": "服务开始日期",
    "end": "服务结束日期",
    "scope": "服务内容",
}


def _amendment(number: str, amendment: AmendmentFacts) -> dict[str, Any]:
    """An approved amendment as OCDS ``contracts[].amendments[]``: id, date, rationale and
    what changed, in words."""
    description = "；".join(
        f"{_AMENDED_ZH.get(term, term)}：{before or '（原合同）'} → {after}"
        for term, before, after in amendment.changes
    )
    return {
        "id": f"{number}-amendment-{amendment.number}",
        "date": moment(amendment.approved_at),
        "rationale": amendment.rationale,
        "description": description,
    }


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
    if contract.amendments:
        shown["amendments"] = [_amendment(contract.number, a) for a in contract.amendments]
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
        implementation["documents"] = [assessment_document(facts.code, facts.assessment)]
    if implementation:
        shown["implementation"] = implementation
    return shown

"""Does the dossier's OCDS package say what the trail implies? Compare without the database.

The manifest's hashes prove only that ``ocds.json`` is the file the exporter wrote; anyone
re-sealing the manifest could change its amounts. So each release is compared with a
replay of its project's trail rows, as the records are: the budget, the contract
(number, amount, period, signing day, supplier) and every payment (day and amount),
and every project of the dossier must have its release. The package is the public's, so it
holds payments only when the visibility policy made them public: a package with no
transaction at all published none, and its payments are not compared; one with any is
compared release by release. What OCDS holds that the trail
does not log (descriptions, statuses, document texts) is not compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procure.domain.language import _, pgettext
from procure.services.opendata.record_trail import replay_project
from procure.services.trail.facts import Fact, shown
from procure.services.trail.replay import TrailReplay
from procure.store.models import TransitionLog


def ocds_problems(
    package: object, by_project: Mapping[str, list[TransitionLog]], projects: list[str]
) -> list[str]:
    """What the package says that the trail does not imply, one line each (empty: agrees).

    Args:
        package: ``ocds.json`` as read.
        by_project: the trail's rows of each project, in trail order.
        projects: the dossier's projects (each must have its release).
    """
    releases = package.get("releases") if isinstance(package, dict) else None
    if not isinstance(releases, list):
        return [_("not a release package: it has no list of releases")]
    by_code: dict[str, dict[str, Any]] = {}
    for release in releases:
        code = _project_code(release)
        if code is None:
            return [_("a release names no project (planning.budget.projectID)")]
        by_code[code] = release
    problems = [
        _("project %(code)s: no release", code=code) for code in projects if code not in by_code
    ]
    paid = any(_transactions(contract) for release in releases for contract in _contracts(release))
    for code, release in sorted(by_code.items()):
        rows = by_project.get(code)
        if not rows:
            problems.append(
                _("release of %(code)s: the trail has no row of this project", code=code)
            )
            continue
        problems.extend(
            _("%(where)s: %(problem)s", where=code, problem=line)
            for line in _release_problems(release, rows, paid)
        )
    return problems


def _contracts(release: dict[str, Any]) -> list[Any]:
    return list(release.get("contracts") or [])


def _transactions(contract: object) -> list[Any]:
    if not isinstance(contract, dict):
        return []
    return list((contract.get("implementation") or {}).get("transactions") or [])


def _project_code(release: object) -> str | None:
    if not isinstance(release, dict):
        return None
    budget = (release.get("planning") or {}).get("budget") or {}
    code = budget.get("projectID") if isinstance(budget, dict) else None
    return code if isinstance(code, str) and code else None


def _release_problems(
    release: dict[str, Any], rows: list[TransitionLog], payments_published: bool
) -> list[str]:
    replay = replay_project(rows)
    code = str(rows[0].project_code)
    problems = []
    project = replay.facts.get(("project", code))
    budget = release["planning"]["budget"].get("amount") or {}
    if project is not None and _money(budget.get("amount")) != project.fields.get("budget"):
        problems.append(
            _(
                "budget %(published)s where the trail says %(trail)s",
                published=_money(budget.get("amount")),
                trail=project.fields.get("budget"),
            )
        )
    contracts = release.get("contracts") or []
    contract = replay.facts.get(("contract", code))
    if contract is None:
        if contracts:
            problems.append(_("a contract the trail does not record"))
        return problems
    if len(contracts) != 1 or not isinstance(contracts[0], dict):
        return [
            *problems,
            _("%(count)s contracts where the trail records one", count=len(contracts)),
        ]
    problems.extend(_contract_problems(contracts[0], contract, release))
    if payments_published:
        problems.extend(_payment_problems(contracts[0], _payments(replay, code)))
    return problems


def _contract_problems(
    published: dict[str, Any], contract: Fact, release: dict[str, Any]
) -> list[str]:
    period = published.get("period") or {}
    said = {
        "number": published.get("id"),
        "amount": _money((published.get("value") or {}).get("amount")),
        "start": _day(period.get("startDate")),
        "end": _day(period.get("endDate")),
        "signed_on": _day(published.get("dateSigned")),
        "organization": _supplier(release, published.get("awardID")),
    }
    return [
        _(
            "contract %(field)s %(published)s where the trail says %(trail)s",
            field=name,
            published=repr(value),
            trail=repr(contract.fields.get(name)),
        )
        for name, value in said.items()
        if value != contract.fields.get(name)
    ]


def _supplier(release: dict[str, Any], award_id: object) -> str | None:
    """The USCC of the supplier of the contract's award (ids are ``PREFIX-USCC``)."""
    for award in release.get("awards") or []:
        if isinstance(award, dict) and award.get("id") == award_id:
            suppliers = award.get("suppliers") or []
            if len(suppliers) == 1 and isinstance(suppliers[0], dict):
                return str(suppliers[0].get("id", "")).rsplit("-", 1)[-1]
    return None


def _payments(replay: TrailReplay, code: str) -> list[tuple[str | None, str | None]]:
    facts = [f for (table, key), f in replay.facts.items() if table == "payment"]
    mine = [f for f in facts if f.key.startswith(f"{code} ")]
    return sorted((f.fields.get("paid_on"), f.fields.get("amount")) for f in mine)


def _payment_problems(
    published: dict[str, Any], paid: list[tuple[str | None, str | None]]
) -> list[str]:
    transactions = _transactions(published)
    said = sorted(
        (_day(t.get("date")), _money((t.get("value") or {}).get("amount")))
        for t in transactions
        if isinstance(t, dict)
    )
    if said == paid:
        return []
    shown_paid = ", ".join(f"{day} ¥{amount}" for day, amount in paid) or pgettext("cli", "none")
    shown_said = ", ".join(f"{day} ¥{amount}" for day, amount in said) or pgettext("cli", "none")
    return [
        _(
            "payments %(published)s where the trail records %(trail)s",
            published=shown_said,
            trail=shown_paid,
        )
    ]


def _money(value: object) -> str | None:
    return shown("amount", value) if isinstance(value, int | float | str) else None


def _day(value: object) -> str | None:
    return value[:10] if isinstance(value, str) else None

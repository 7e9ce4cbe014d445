"""Rules for the dates of a contract and what follows it (``workflows/contract_dates.yaml``).

A contract's service period must sit in its funding year (by default: overlap it). The
named date rules (:data:`DATE_RULES`, each on unless the file turns it off) keep the dates
of one project in their order: the signing on or after the award (and, when an objection
was lodged, on or after the end of its window) and not in the future; the service starting
on or after the signing; a payment on or after the signing and at most a grace of calendar
days after the service period; an inspection within the service period (or the
rectification period) and not in the future; an assessment after the service started.

Each refusal names its rule (by its label in the language in use) and the dates it compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from procure.domain.config import config_whole, load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.language import _
from procure.domain.text import quoted

PERIOD_RULES = ("overlap", "within", "starts_in")

DATE_RULES: dict[str, str] = {
    "signing_not_before_award": "签订不早于中选",
    "signing_not_before_objection_window_end": "有质疑时签订不早于质疑期截止",
    "signing_not_in_future": "签订日期不晚于今天",
    "start_not_before_signing": "服务开始不早于签订",
    "payment_not_before_signing": "拨付不早于签订",
    "inspection_within_service": "检查在服务期或整改期内",
    "assessment_after_start": "考核在服务开始之后",
}
"""Each date rule's name in the file and its label in a refusal."""


@dataclass(frozen=True)
class ContractDateRules:
    """How a service period relates to its funding year, the payment grace and the date
    rules in force."""

    service_period: str = "overlap"
    payment_grace_days: int = 180
    turned_off: frozenset[str] = field(default_factory=frozenset)

    def applies(self, rule: str) -> bool:
        """Whether the date rule ``rule`` (a key of :data:`DATE_RULES`) is in force."""
        return rule not in self.turned_off

    def period_problem(self, start: date, end: date, year: int) -> str | None:
        """Say why the period ``start``–``end`` does not fit funding year ``year``, if so."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        dates = {"start": start.isoformat(), "end": end.isoformat(), "year": year}
        if self.service_period == "starts_in" and start.year != year:
            return _(
                "service period %(start)s to %(end)s starts in %(started)s, not the funding "
                "year %(year)s",
                started=start.year,
                **dates,
            )
        if self.service_period == "within" and (start < first or end > last):
            return _(
                "service period %(start)s to %(end)s does not lie within the funding year %(year)s",
                **dates,
            )
        if self.service_period == "overlap" and (end < first or start > last):
            return _(
                "service period %(start)s to %(end)s does not overlap the funding year %(year)s",
                **dates,
            )
        return None

    def signing_problem(
        self,
        signed_on: date,
        *,
        today: date,
        awarded_on: date | None,
        objections_close_on: date | None,
        start: date | None,
    ) -> str | None:
        """Say why a contract signed on ``signed_on`` is out of order, if so.

        Args:
            signed_on: the signing date given (or today).
            today: the day in China now.
            awarded_on: the day the current award notice was published (None: unknown).
            objections_close_on: the last day of the objection window, given only when an
                objection was lodged against the current award.
            start: the service start (given or carried forward by a renewal).
        """
        signed = signed_on.isoformat()
        if self.applies("signing_not_in_future") and signed_on > today:
            return _(
                "Rule “the signing date is not after today”: the signing date %(signed)s is "
                "after today, %(today)s",
                signed=signed,
                today=today.isoformat(),
            )
        if (
            self.applies("signing_not_before_award")
            and awarded_on is not None
            and signed_on < awarded_on
        ):
            return _(
                "Rule “signing not before the award”: the signing date %(signed)s is before "
                "the award notice of %(awarded)s; the contract cannot be signed before the award",
                signed=signed,
                awarded=awarded_on.isoformat(),
            )
        if (
            self.applies("signing_not_before_objection_window_end")
            and objections_close_on is not None
            and signed_on < objections_close_on
        ):
            return _(
                "Rule “after an objection, signing not before the objection window ends”: the "
                "signing date %(signed)s is before the window's last day, %(closes)s",
                signed=signed,
                closes=objections_close_on.isoformat(),
            )
        if self.applies("start_not_before_signing") and start is not None and start < signed_on:
            return _(
                "Rule “the service does not start before the signing”: the service start date "
                "%(start)s is before the signing date %(signed)s",
                start=start.isoformat(),
                signed=signed,
            )
        return None

    def payment_problem(
        self, paid_on: date, *, signed_on: date | None, start: date, end: date
    ) -> str | None:
        """Say why a payment dated ``paid_on`` does not fit the contract, if so.

        The earliest day is the signing (rule ``payment_not_before_signing``); with the rule
        turned off, or no signing date known, the start of the service.
        """
        earliest = start
        if signed_on is not None and self.applies("payment_not_before_signing"):
            earliest = signed_on
        paid = paid_on.isoformat()
        if paid_on < earliest and earliest == signed_on:
            return _(
                "Rule “no payment before the signing”: the payment date %(paid)s is before the "
                "signing date %(earliest)s",
                paid=paid,
                earliest=earliest.isoformat(),
            )
        if paid_on < earliest:
            return _(
                "Rule “no payment before the signing”: the payment date %(paid)s is before the "
                "service start date %(earliest)s",
                paid=paid,
                earliest=earliest.isoformat(),
            )
        latest = end + timedelta(days=self.payment_grace_days)
        if paid_on > latest:
            return _(
                "the payment date %(paid)s is more than %(grace)s days after the service period "
                "ended (%(end)s), later than %(latest)s",
                paid=paid,
                grace=self.payment_grace_days,
                end=end.isoformat(),
                latest=latest.isoformat(),
            )
        return None

    def inspection_problem(
        self,
        inspected_on: date,
        *,
        today: date,
        start: date,
        end: date,
        rectification_from: date | None,
    ) -> str | None:
        """Say why an inspection dated ``inspected_on`` is out of order, if so: it lies in
        the service period ``start``–``end``, or from ``rectification_from`` (the day a
        rectification was required, when one is under way) to today."""
        if not self.applies("inspection_within_service"):
            return None
        day = inspected_on.isoformat()
        if inspected_on > today:
            return _(
                "Rule “inspections within the service or rectification period”: the inspection "
                "date %(day)s is after today, %(today)s",
                day=day,
                today=today.isoformat(),
            )
        if start <= inspected_on <= end:
            return None
        if rectification_from is not None and rectification_from <= inspected_on:
            return None
        period = {"day": day, "start": start.isoformat(), "end": end.isoformat()}
        if rectification_from is not None:
            return _(
                "Rule “inspections within the service or rectification period”: the inspection "
                "date %(day)s is outside the service period %(start)s to %(end)s, and outside "
                "the rectification period (from %(rectifying)s)",
                rectifying=rectification_from.isoformat(),
                **period,
            )
        return _(
            "Rule “inspections within the service or rectification period”: the inspection "
            "date %(day)s is outside the service period %(start)s to %(end)s",
            **period,
        )

    def assessment_problem(self, assessed_on: date, *, start: date) -> str | None:
        """Say why an assessment recorded on ``assessed_on`` comes too early, if so."""
        if self.applies("assessment_after_start") and assessed_on <= start:
            return _(
                "Rule “assessment after the service starts”: the assessment date %(day)s is not "
                "after the service start date %(start)s",
                day=assessed_on.isoformat(),
                start=start.isoformat(),
            )
        return None


def load_contract_date_rules(path: Path) -> ContractDateRules:
    """Load ``path``; a missing file gives the defaults.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    if not path.exists():
        return ContractDateRules()
    file = str(path)
    data = load_yaml_mapping(path)
    known = ("version", "service_period", "payment_grace_days", "date_rules")
    extra = [str(key) for key in data if key not in known]
    if extra:
        raise _refused(
            file,
            "(top level)",
            _(
                "unknown key %(keys)s; expected %(known)s",
                keys=", ".join(extra),
                known=", ".join(known),
            ),
        )
    rule = data.get("service_period", "overlap")
    if rule not in PERIOD_RULES:
        raise _refused(
            file,
            "service_period",
            _(
                "%(value)s is not one of %(known)s",
                value=quoted(rule),
                known=", ".join(PERIOD_RULES),
            ),
        )
    grace = config_whole(data, "payment_grace_days", f"{file}: ", default=180)
    if grace < 0:
        raise _refused(
            file, "payment_grace_days", _("must not be negative, got %(value)s", value=grace)
        )
    return ContractDateRules(
        service_period=str(rule),
        payment_grace_days=grace,
        turned_off=_turned_off(data.get("date_rules", {}), file),
    )


def _turned_off(switches: object, file: str) -> frozenset[str]:
    if not isinstance(switches, dict):
        raise _refused(file, "date_rules", _("must be a mapping of rule name to true or false"))
    unknown = [str(name) for name in switches if name not in DATE_RULES]
    if unknown:
        raise _refused(
            file,
            "date_rules",
            _(
                "unknown rule %(rules)s; expected %(known)s",
                rules=", ".join(unknown),
                known=", ".join(DATE_RULES),
            ),
        )
    off = set()
    for name, value in switches.items():
        if not isinstance(value, bool):
            raise _refused(
                file,
                f"date_rules.{name}",
                _("must be true or false, got %(value)s", value=repr(value)),
            )
        if not value:
            off.add(str(name))
    return frozenset(off)


def _refused(file: str, key: str, problem: str) -> ConfigError:
    return ConfigError(_("%(file)s: %(key)s: %(problem)s", file=file, key=key, problem=problem))

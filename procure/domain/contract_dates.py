"""Rules for the dates of a contract and what follows it (``workflows/contract_dates.yaml``).

A contract's service period must sit in its funding year (by default: overlap it). The
named date rules (:data:`DATE_RULES`, each on unless the file turns it off) keep the dates
of one project in their order: the signing on or after the award (and, when an objection
was lodged, on or after the end of its window) and not in the future; the service starting
on or after the signing; a payment on or after the signing and at most a grace of calendar
days after the service period; an inspection within the service period (or the
rectification period) and not in the future; an assessment after the service started.

Each refusal names its rule (Chinese first, then English) and the dates it compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from procure.domain.config import config_whole, load_yaml_mapping
from procure.domain.errors import ConfigError
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


def _rule(name: str) -> str:
    return f"规则「{DATE_RULES[name]}」({name})"


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
        period = f"service period {start.isoformat()} to {end.isoformat()}"
        if self.service_period == "starts_in" and start.year != year:
            return f"{period} starts in {start.year}, not the funding year {year}"
        if self.service_period == "within" and (start < first or end > last):
            return f"{period} does not lie within the funding year {year}"
        if self.service_period == "overlap" and (end < first or start > last):
            return f"{period} does not overlap the funding year {year}"
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
            return (
                f"{_rule('signing_not_in_future')}：签订日期 {signed} 晚于今天 "
                f"{today.isoformat()} the signing date is in the future"
            )
        if (
            self.applies("signing_not_before_award")
            and awarded_on is not None
            and signed_on < awarded_on
        ):
            return (
                f"{_rule('signing_not_before_award')}：签订日期 {signed} 早于中选公示日 "
                f"{awarded_on.isoformat()} the contract cannot be signed before the award"
            )
        if (
            self.applies("signing_not_before_objection_window_end")
            and objections_close_on is not None
            and signed_on < objections_close_on
        ):
            return (
                f"{_rule('signing_not_before_objection_window_end')}：签订日期 {signed} "
                f"早于质疑期截止日 {objections_close_on.isoformat()} an objection was lodged, "
                f"so the contract is signed once the objection window has ended"
            )
        if self.applies("start_not_before_signing") and start is not None and start < signed_on:
            return (
                f"{_rule('start_not_before_signing')}：服务开始日期 {start.isoformat()} 早于"
                f"签订日期 {signed} the service cannot start before the contract is signed"
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
        if paid_on < earliest:
            what = "the contract was signed" if earliest == signed_on else "the service started"
            zh = "签订日期" if earliest == signed_on else "服务开始日期"
            return (
                f"{_rule('payment_not_before_signing')}：拨付日期 {paid_on.isoformat()} 早于"
                f"{zh} {earliest.isoformat()} payment dated {paid_on.isoformat()} is before "
                f"{what} ({earliest.isoformat()})"
            )
        latest = end + timedelta(days=self.payment_grace_days)
        if paid_on > latest:
            return (
                f"拨付日期 {paid_on.isoformat()} 晚于服务期结束后 {self.payment_grace_days} 天"
                f" payment dated {paid_on.isoformat()} is after the service period ended "
                f"({end.isoformat()}) plus {self.payment_grace_days} days of grace "
                f"({latest.isoformat()})"
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
            return (
                f"{_rule('inspection_within_service')}：检查日期 {day} 晚于今天 "
                f"{today.isoformat()} an inspection cannot be dated in the future"
            )
        if start <= inspected_on <= end:
            return None
        if rectification_from is not None and rectification_from <= inspected_on:
            return None
        period = f"{start.isoformat()} 至 {end.isoformat()}"
        rectifying = (
            f"，也不在整改期（{rectification_from.isoformat()} 起）内"
            if rectification_from is not None
            else ""
        )
        return (
            f"{_rule('inspection_within_service')}：检查日期 {day} 不在服务期 {period} 内"
            f"{rectifying} the inspection is dated outside the service period "
            f"{start.isoformat()} to {end.isoformat()}"
        )

    def assessment_problem(self, assessed_on: date, *, start: date) -> str | None:
        """Say why an assessment recorded on ``assessed_on`` comes too early, if so."""
        if self.applies("assessment_after_start") and assessed_on <= start:
            return (
                f"{_rule('assessment_after_start')}：考核日期 {assessed_on.isoformat()} "
                f"不晚于服务开始日期 {start.isoformat()} a service is assessed only after it "
                f"has started"
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
        raise ConfigError(f"{file}: unknown key {', '.join(extra)}; expected {', '.join(known)}")
    rule = data.get("service_period", "overlap")
    if rule not in PERIOD_RULES:
        raise ConfigError(
            f"{file}: service_period: {quoted(rule)} is not one of {', '.join(PERIOD_RULES)}"
        )
    grace = config_whole(data, "payment_grace_days", f"{file}: ", default=180)
    if grace < 0:
        raise ConfigError(f"{file}: payment_grace_days: must not be negative, got {grace}")
    return ContractDateRules(
        service_period=str(rule),
        payment_grace_days=grace,
        turned_off=_turned_off(data.get("date_rules", {}), file),
    )


def _turned_off(switches: object, file: str) -> frozenset[str]:
    if not isinstance(switches, dict):
        raise ConfigError(f"{file}: date_rules: must be a mapping of rule name to true or false")
    unknown = [str(name) for name in switches if name not in DATE_RULES]
    if unknown:
        raise ConfigError(
            f"{file}: date_rules: unknown rule {', '.join(unknown)}; "
            f"expected {', '.join(DATE_RULES)}"
        )
    off = set()
    for name, value in switches.items():
        if not isinstance(value, bool):
            raise ConfigError(f"{file}: date_rules.{name}: must be true or false, got {value!r}")
        if not value:
            off.add(str(name))
    return frozenset(off)

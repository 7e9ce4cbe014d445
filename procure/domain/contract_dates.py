"""Rules for the dates of a contract and its payments (``workflows/contract_dates.yaml``).

A contract's service period must sit in its funding year (by default: overlap it); a
payment is dated no earlier than the contract's signing or the start of its service,
whichever is earlier, and no later than the end of the service period plus a grace of
calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from procure.domain.config import config_whole, load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.text import quoted

PERIOD_RULES = ("overlap", "within", "starts_in")


@dataclass(frozen=True)
class ContractDateRules:
    """How a service period relates to its funding year, and the payment grace."""

    service_period: str = "overlap"
    payment_grace_days: int = 180

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

    def payment_problem(
        self, paid_on: date, *, signed_on: date | None, start: date, end: date
    ) -> str | None:
        """Say why a payment dated ``paid_on`` does not fit the contract, if so.

        The earliest day is the signing or the start of the service, whichever is earlier
        (a signing date left out is the day it was recorded, which may be long after).
        """
        earliest = start if signed_on is None else min(signed_on, start)
        if paid_on < earliest:
            what = "the contract was signed" if earliest == signed_on else "the service started"
            return f"payment dated {paid_on.isoformat()} is before {what} ({earliest.isoformat()})"
        latest = end + timedelta(days=self.payment_grace_days)
        if paid_on > latest:
            return (
                f"payment dated {paid_on.isoformat()} is after the service period ended "
                f"({end.isoformat()}) plus {self.payment_grace_days} days of grace "
                f"({latest.isoformat()})"
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
    known = ("version", "service_period", "payment_grace_days")
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
    return ContractDateRules(service_period=str(rule), payment_grace_days=grace)

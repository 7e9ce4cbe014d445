"""A release's parties: each collected once, with every role the sections give it."""

from __future__ import annotations

from typing import Any

from procure.services.opendata.facts import OrganizationFacts

_ROLE_ORDER = ("buyer", "procuringEntity", "payer", "tenderer", "supplier", "payee")


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

"""What the open data publishes: it reads every project as the public does.

The OCDS export is published, so each of its facts passes the gate of someone not signed in
(``workflows/visibility.yaml``, the ``public`` relation), the same gate as the public pages:
a contract, its payments and amendments, the year's assessment result and the objections
appear only as far as the policy lets the public see them. A federation that publishes its
payments says so in the policy (``payment``: ``public: after_contract``), and the public
pages show them too.
"""

from __future__ import annotations

from dataclasses import dataclass

from procure.services.visibility.gate import public_gate_known


@dataclass(frozen=True)
class Published:
    """Which parts of one contracted project's life the open data carries."""

    contract: bool
    payments: bool
    amendments: bool
    assessment_result: bool


def published(awarded: str) -> Published:
    """What the public may see of the contract life of a project contracted with the
    organization ``awarded`` (a USCC)."""
    public = public_gate_known(awarded, contracted=True)
    return Published(
        contract=public.sees("contract", owner=awarded),
        payments=public.sees("payment", owner=awarded),
        amendments=public.sees("amendment", owner=awarded),
        assessment_result=public.sees("assessment_result", owner=awarded),
    )


def objection_published(objector: str, awarded: str | None) -> bool:
    """Whether the public may see an objection lodged by ``objector`` (a USCC)."""
    return public_gate_known(awarded, contracted=False).sees("objection", owner=objector)

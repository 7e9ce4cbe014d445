"""Exports run by the operator, each read as the one relation it is made for.

The open data (OCDS) reads as the public (:mod:`procure.services.opendata.published`). The
auditor's dossier reads as the auditor: it ships the whole audit chain and every record,
which cannot be cut fact by fact without breaking the chain's proof, so it is written only
when the policy lets the auditor see every kind of fact it carries, and refused otherwise,
naming them.
"""

from __future__ import annotations

from procure.domain.errors import Refused
from procure.domain.language import _, both
from procure.domain.visibility import RECORD_FACTS, Moments
from procure.services.visibility import gate

DOSSIER_READER = "auditor"
DOSSIER_FACTS = (*RECORD_FACTS, "audit_row", "evaluation_record")
"""What a dossier carries: its records, and its trail's rows of every such fact."""


def check_dossier_reader() -> None:
    """Refuse a dossier the policy would not let its reader (the auditor) see whole.

    Raises:
        Refused: naming each kind of fact the auditor may not see.
    """
    policy = gate.current_policy()
    done = Moments(own_sheets_done=True, awarded=True, contracted=True)
    hidden = [
        kind
        for kind in DOSSIER_FACTS
        if not policy.allows(kind, {DOSSIER_READER, gate.PUBLIC}, done)
    ]
    if hidden:
        facts = [policy.facts[kind] for kind in hidden]
        named = both("、".join(f.zh for f in facts), ", ".join(f.en for f in facts))
        raise Refused(
            _(
                "No dossier written: a dossier carries the whole audit trail and every record,"
                " and workflows/visibility.yaml does not let the auditor see %(facts)s.",
                facts=named,
            )
        )

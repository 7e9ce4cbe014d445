"""The exports run by the operator read as the relation they are made for: the auditor's
dossier is written only when the policy lets the auditor see all it carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.opendata.dossier import export_dossier
from tests.integration.visibility.conftest import installed_policy

HIDDEN_FROM_THE_AUDITOR = [
    ("inspection", "auditor: always", "auditor: never"),
    ("evaluation_record", "auditor: always", "auditor: never"),
]


def test_a_dossier_is_refused_naming_each_fact_the_policy_hides_from_the_auditor(
    session: Session, tmp_path: Path
) -> None:
    output = tmp_path / "dossier.zip"
    with (
        installed_policy(HIDDEN_FROM_THE_AUDITOR, tmp_path),
        pytest.raises(Refused) as refused,
    ):
        export_dossier(session, url="", year=2019, purchaser=None, output=output, signer=None)

    message = str(refused.value)
    assert "审计人员（auditor）看到 监管检查与整改、绩效评价记录（考核档案）。" in message
    with use_language("en"), pytest.raises(Refused) as refused:
        with installed_policy(HIDDEN_FROM_THE_AUDITOR, tmp_path):
            export_dossier(session, url="", year=2019, purchaser=None, output=output, signer=None)
    assert (
        "the auditor see Inspections and rectification, "
        "Performance evaluation record (assessment file)." in str(refused.value)
    )
    assert not output.exists()

"""The demo: the Siming District's 2019 year, loaded and decided as a finance officer would."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from procure.resources import fixture_file
from procure.services.lifecycle import decide
from procure.services.loading import LoadSummary, load_fixture
from procure.store import queries
from procure.store.models import Organization, Project
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

SIMING_FIXTURE = "siming-2019.yaml"
DEMO_OFFICER = Actor("林晓芸", "officer")


@dataclass(frozen=True)
class OutcomeRow:
    """One line of the demo's year-end summary."""

    project: str
    title: str
    organization: str
    score: Decimal | None
    grade: str
    decision: str
    state: str


def run_demo(
    session: Session, *, fixture: Path | None = None, rules: Rules | None = None
) -> tuple[LoadSummary, list[OutcomeRow]]:
    """Load the Siming fixture, decide every assessed project by the renewal policy, summarize."""
    rules = rules or default_rules()
    summary = load_fixture(
        session, fixture or fixture_file(SIMING_FIXTURE), DEMO_OFFICER, rules=rules
    )
    assessed = session.exec(
        select(Project.code).where(Project.state == "assessed").order_by(col(Project.code))
    )
    for code in list(assessed):
        decide(session, code, DEMO_OFFICER, rules=rules)
    return summary, year_outcomes(session, rules=rules)


def year_outcomes(session: Session, *, rules: Rules | None = None) -> list[OutcomeRow]:
    """Summarize every project: its organization, assessment score, grade and where it ended."""
    rules = rules or default_rules()
    definition = rules.engine.definition
    rows = []
    for project in session.exec(select(Project).order_by(col(Project.code))):
        contract = queries.contract_of(session, project)
        organization = session.get(Organization, contract.organization_id) if contract else None
        assessment = queries.final_assessment(session, project)
        grade = next(
            (
                g.label_zh
                for g in rules.assessment.grades
                if assessment and g.code == assessment.grade
            ),
            "",
        )
        rows.append(
            OutcomeRow(
                project=project.code,
                title=project.title,
                organization=organization.name if organization else "",
                score=assessment.total if assessment else None,
                grade=grade,
                decision=definition.state(project.state).zh,
                state=project.state,
            )
        )
    return rows

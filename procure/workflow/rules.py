"""Everything configured in ``workflows/``: the lifecycle, scorecards and renewal policy."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from procure.domain.contract_dates import ContractDateRules, load_contract_date_rules
from procure.domain.datafile import read_yaml
from procure.domain.notices import NoticeRules, load_notice_rules
from procure.domain.renewal import RenewalPolicy, load_renewal_policy
from procure.domain.scorecard import Scorecard, load_scorecard
from procure.resources import resource_dir
from procure.workflow.definition import load_workflow
from procure.workflow.engine import WorkflowEngine

COMMENT_WINDOW_DAYS = 14


@dataclass(frozen=True)
class ScorecardSource:
    """What a scorecard version says, as data: stored when first used, so it never changes."""

    name: str
    version: int
    digest: str
    definition: str


@dataclass(frozen=True)
class Rules:
    """The loaded configuration one process runs with."""

    engine: WorkflowEngine
    review: Scorecard
    assessment: Scorecard
    renewal: RenewalPolicy
    comment_window_days: int = COMMENT_WINDOW_DAYS
    contract_dates: ContractDateRules = field(default_factory=ContractDateRules)
    notices: NoticeRules = field(default_factory=NoticeRules)
    sources: dict[str, ScorecardSource] = field(default_factory=dict)


def scorecard_source(path: Path, card: Scorecard) -> ScorecardSource:
    """Describe a scorecard file's content: its parsed data, canonical, and the digest of it."""
    data = read_yaml(path, exact=False)
    definition = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(definition.encode()).hexdigest()
    return ScorecardSource(card.name, card.version, digest, definition)


def load_rules(workflows: Path | None = None) -> Rules:
    """Load and validate every configuration file under ``workflows``.

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    from procure.workflow.guards import GUARDS

    folder = workflows or resource_dir("workflows")
    definition = load_workflow(folder / "service_project.yaml", known_guards=GUARDS)
    review_path = folder / "scorecards" / "review.yaml"
    assessment_path = folder / "scorecards" / "assessment.yaml"
    review = load_scorecard(review_path)
    assessment = load_scorecard(assessment_path)
    renewal = load_renewal_policy(folder / "renewal.yaml")
    renewal.check_covers((band.code for band in assessment.grades), "renewal.yaml")
    return Rules(
        engine=WorkflowEngine(definition, GUARDS),
        review=review,
        assessment=assessment,
        renewal=renewal,
        contract_dates=load_contract_date_rules(folder / "contract_dates.yaml"),
        notices=load_notice_rules(folder / "notices.yaml"),
        sources={
            card.name: scorecard_source(path, card)
            for card, path in ((review, review_path), (assessment, assessment_path))
        },
    )


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """Return the rules of the installed ``workflows/`` folder, loaded once per process."""
    return load_rules()

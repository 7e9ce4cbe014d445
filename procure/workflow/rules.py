"""Everything configured in ``workflows/``: the lifecycle, scorecards and renewal policy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from procure.domain.renewal import RenewalPolicy, load_renewal_policy
from procure.domain.scorecard import Scorecard, load_scorecard
from procure.resources import resource_dir
from procure.workflow.definition import load_workflow
from procure.workflow.engine import WorkflowEngine

REVIEW_QUORUM = 3
COMMENT_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Rules:
    """The loaded configuration one process runs with."""

    engine: WorkflowEngine
    review: Scorecard
    assessment: Scorecard
    renewal: RenewalPolicy
    review_quorum: int = REVIEW_QUORUM
    comment_window_days: int = COMMENT_WINDOW_DAYS


def load_rules(workflows: Path | None = None) -> Rules:
    """Load and validate every configuration file under ``workflows``.

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    from procure.workflow.guards import GUARDS

    folder = workflows or resource_dir("workflows")
    definition = load_workflow(folder / "service_project.yaml", known_guards=GUARDS)
    assessment = load_scorecard(folder / "scorecards" / "assessment.yaml")
    renewal = load_renewal_policy(folder / "renewal.yaml")
    renewal.check_covers((band.code for band in assessment.grades), "renewal.yaml")
    return Rules(
        engine=WorkflowEngine(definition, GUARDS),
        review=load_scorecard(folder / "scorecards" / "review.yaml"),
        assessment=assessment,
        renewal=renewal,
    )


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """Return the rules of the installed ``workflows/`` folder, loaded once per process."""
    return load_rules()

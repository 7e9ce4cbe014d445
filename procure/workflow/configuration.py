"""What ``workflows/`` configures, as the guards and effects of one firing read it.

:class:`Configuration` is the plain data (the lifecycle's definition, scorecards, renewal
policy, deadlines, notice and contract-date rules, who sees what);
:class:`procure.workflow.rules.Rules` adds the machine that fires triggers. A firing's
context holds the configuration only, so the context, the engine and the guards import one
way: configuration <- context <- engine <- guards <- rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from procure.domain.contract_dates import ContractDateRules
from procure.domain.corrections import CorrectionRules
from procure.domain.documents import DocumentRules
from procure.domain.notices import NoticeRules
from procure.domain.renewal import RenewalPolicy
from procure.domain.scorecard import Scorecard
from procure.domain.visibility import VisibilityPolicy
from procure.workflow.deadlines import Deadlines
from procure.workflow.definition import WorkflowDefinition

COMMENT_WINDOW_DAYS = 14


@dataclass(frozen=True)
class ScorecardSource:
    """What a scorecard version says, as data: stored when first used, so it never changes."""

    name: str
    version: int
    digest: str
    definition: str


@dataclass(frozen=True, kw_only=True)
class Configuration:
    """The loaded configuration one process runs with."""

    definition: WorkflowDefinition
    review: Scorecard
    assessment: Scorecard
    renewal: RenewalPolicy
    comment_window_days: int = COMMENT_WINDOW_DAYS
    contract_dates: ContractDateRules = field(default_factory=ContractDateRules)
    notices: NoticeRules = field(default_factory=NoticeRules)
    sources: dict[str, ScorecardSource] = field(default_factory=dict)
    deadlines: Deadlines = field(default_factory=Deadlines)
    corrections: CorrectionRules | None = None
    """corrections.yaml (None for a workflows folder without one)."""
    visibility: VisibilityPolicy = field(default_factory=lambda: VisibilityPolicy({}))
    documents: DocumentRules | None = None
    """documents.yaml (None for a workflows folder without one)."""

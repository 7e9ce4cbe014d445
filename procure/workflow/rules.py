"""Everything configured in ``workflows/``: the lifecycle, scorecards and renewal policy."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from procure.domain.contract_dates import load_contract_date_rules
from procure.domain.corrections import CorrectionRules
from procure.domain.datafile import read_yaml
from procure.domain.errors import ConfigError
from procure.domain.language import _
from procure.domain.notices import NoticeRules, load_notice_rules
from procure.domain.renewal import load_renewal_policy
from procure.domain.scorecard import Scorecard, load_scorecard
from procure.domain.visibility import VISIBILITY_FILE, load_visibility
from procure.resources import resource_dir
from procure.workflow.configuration import COMMENT_WINDOW_DAYS, Configuration, ScorecardSource
from procure.workflow.corrections import CORRECTIONS_FILE, load_corrections
from procure.workflow.deadlines import DEADLINES_FILE, Deadlines, load_deadlines
from procure.workflow.definition import load_workflow
from procure.workflow.documents import load_documents
from procure.workflow.engine import WorkflowEngine
from procure.workflow.file_keys import refused
from procure.workflow.guards import GUARDS


@dataclass(frozen=True, kw_only=True)
class Rules(Configuration):
    """The loaded configuration one process runs with, and the machine that fires triggers."""

    engine: WorkflowEngine


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
    folder = workflows or resource_dir("workflows")
    definition = load_workflow(folder / "service_project.yaml", known_guards=GUARDS)
    review_path = folder / "scorecards" / "review.yaml"
    assessment_path = folder / "scorecards" / "assessment.yaml"
    review = load_scorecard(review_path)
    assessment = load_scorecard(assessment_path)
    renewal = load_renewal_policy(folder / "renewal.yaml")
    renewal.check_covers((band.code for band in assessment.grades), "renewal.yaml")
    deadlines = load_deadlines(folder / DEADLINES_FILE, definition)
    return Rules(
        engine=WorkflowEngine(definition, GUARDS),
        definition=definition,
        review=review,
        assessment=assessment,
        renewal=renewal,
        comment_window_days=_comment_window_days(deadlines),
        deadlines=deadlines,
        contract_dates=load_contract_date_rules(folder / "contract_dates.yaml"),
        notices=_notice_rules(folder / "notices.yaml", deadlines),
        corrections=load_corrections(folder, definition),
        documents=load_documents(folder, definition),
        visibility=load_visibility(folder / VISIBILITY_FILE),
        sources={
            card.name: scorecard_source(path, card)
            for card, path in ((review, review_path), (assessment, assessment_path))
        },
    )


def _comment_window_days(deadlines: Deadlines) -> int:
    """The organization's comment window: deadlines.yaml's ``comment_window`` when it counts
    calendar days (the guards count the window from the sheet's moment), else 14 days."""
    window = deadlines.rule("comment_window")
    if window is None or window.working:
        return COMMENT_WINDOW_DAYS
    return window.days


def _notice_rules(path: Path, deadlines: Deadlines) -> NoticeRules:
    """notices.yaml, with the objection window and the time to answer of deadlines.yaml
    (``objection_window``, ``answer_objection``): one number each, in working days."""
    rules = load_notice_rules(path)
    return replace(
        rules,
        objection_working_days=_working_days(deadlines, "objection_window")
        or rules.objection_working_days,
        answer_working_days=_working_days(deadlines, "answer_objection")
        or rules.answer_working_days,
    )


def _working_days(deadlines: Deadlines, code: str) -> int | None:
    rule = deadlines.rule(code)
    if rule is None:
        return None
    if not rule.working:
        raise refused(
            DEADLINES_FILE,
            code,
            _("must count working_days (the objection window is counted in working days)"),
        )
    return rule.days


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """Return the rules of the installed ``workflows/`` folder, loaded once per process."""
    return load_rules()


def default_corrections() -> CorrectionRules:
    """The installed workflows' corrections.yaml (loaded with the rest, once per process).

    Raises:
        ConfigError: the workflows folder has no corrections.yaml.
    """
    corrections = default_rules().corrections
    if corrections is None:
        raise ConfigError(_("%(file)s is missing from the workflows folder", file=CORRECTIONS_FILE))
    return corrections


def shown_reason(reason: str | None) -> str:
    """A reason from the audit trail as people read it: the installed renewal policy's own
    sentences in the language in use (the trail keeps them as recorded), a person's words as
    written."""
    if not reason:
        return ""
    rules = default_rules()
    return rules.renewal.shown_from_record(reason, rules.assessment.grades)

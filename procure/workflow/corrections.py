"""The correction rules of ``workflows/corrections.yaml``, checked against the lifecycle."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from procure.domain.corrections import CorrectionRules, load_correction_rules
from procure.resources import resource_dir
from procure.workflow.definition import ROLES, WorkflowDefinition
from procure.workflow.rules import default_rules

CORRECTIONS_FILE = "corrections.yaml"


def load_corrections(folder: Path, definition: WorkflowDefinition) -> CorrectionRules:
    """Load ``folder``'s corrections.yaml, its stages and roles checked against ``definition``.

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    states = [state.code for state in definition.states]
    return load_correction_rules(folder / CORRECTIONS_FILE, states=states, roles=ROLES)


@lru_cache(maxsize=1)
def default_corrections() -> CorrectionRules:
    """The installed corrections.yaml, loaded once per process."""
    return load_corrections(resource_dir("workflows"), default_rules().definition)

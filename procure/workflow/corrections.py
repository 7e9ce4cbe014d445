"""The correction rules of ``workflows/corrections.yaml``, checked against the lifecycle."""

from __future__ import annotations

from pathlib import Path

from procure.domain.corrections import CorrectionRules, load_correction_rules
from procure.workflow.definition import WorkflowDefinition
from procure.workflow.roles import ROLES

CORRECTIONS_FILE = "corrections.yaml"


def load_corrections(folder: Path, definition: WorkflowDefinition) -> CorrectionRules | None:
    """Load ``folder``'s corrections.yaml, its stages and roles checked against ``definition``
    (None when the folder has none).

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    path = folder / CORRECTIONS_FILE
    if not path.exists():
        return None
    states = [state.code for state in definition.states]
    return load_correction_rules(path, states=states, roles=ROLES)

"""The attachment rules of ``workflows/documents.yaml``, checked against the lifecycle."""

from __future__ import annotations

from pathlib import Path

from procure.domain.documents import DOCUMENTS_FILE, DocumentRules, load_document_rules
from procure.workflow.definition import WorkflowDefinition
from procure.workflow.roles import ROLES


def load_documents(folder: Path, definition: WorkflowDefinition) -> DocumentRules | None:
    """Load ``folder``'s documents.yaml, its states and roles checked against ``definition``
    (None when the folder has none).

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    path = folder / DOCUMENTS_FILE
    if not path.exists():
        return None
    states = [state.code for state in definition.states]
    return load_document_rules(path, states=states, roles=ROLES)

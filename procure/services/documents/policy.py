"""The rules of ``workflows/documents.yaml``, loaded once per process and checked against the
lifecycle's states and roles."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from procure.domain.documents import DOCUMENTS_FILE, DocumentRules, load_document_rules
from procure.resources import resource_dir
from procure.workflow.definition import ROLES
from procure.workflow.rules import default_rules


def load_rules(folder: Path) -> DocumentRules:
    """Load ``documents.yaml`` of the workflows ``folder``.

    Raises:
        ConfigError: naming the file and key of the first problem.
    """
    states = [state.code for state in default_rules().definition.states]
    return load_document_rules(folder / DOCUMENTS_FILE, states=states, roles=ROLES)


@lru_cache(maxsize=1)
def document_rules() -> DocumentRules:
    """The installed ``workflows/documents.yaml``."""
    return load_rules(resource_dir("workflows"))

"""The rules of ``workflows/documents.yaml``, as loaded (and checked) with the rest of the
workflows folder."""

from __future__ import annotations

from procure.domain.documents import DOCUMENTS_FILE, DocumentRules
from procure.domain.errors import ConfigError
from procure.workflow.rules import default_rules


def document_rules() -> DocumentRules:
    """The installed ``workflows/documents.yaml``.

    Raises:
        ConfigError: the workflows folder has no documents.yaml.
    """
    rules = default_rules().documents
    if rules is None:
        raise ConfigError(f"{DOCUMENTS_FILE} is missing from the workflows folder")
    return rules

"""Documents attached to a project's facts: which facts carry files, who may attach them and
until when, and how large they may be (``workflows/documents.yaml``).

A file belongs to one fact (:data:`KINDS`: a proposal, the contract, an amendment, an
inspection, the rectification, an assessment sheet, the organization's comment, an
objection). Who sees it follows the fact it belongs to: each kind names the fact kind of
``workflows/visibility.yaml`` that decides it (:data:`SEEN_AS`). Who may attach it, and in
which states of the project, is data; a file that names an unknown kind, role or state, or
a limit that is not a positive number of megabytes, is refused at load with a
:class:`ConfigError` naming the file and key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from procure.domain.config import check_keys, config_text, load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.language import N_, both, pgettext
from procure.domain.text import quoted

DOCUMENTS_FILE = "documents.yaml"
ATTACH_TRIGGER = "attach"
"""The trigger of an upload's audit trail row."""
ATTACH_ZH = "上传附件"
"""How the history and the audit pages name an upload, in Chinese (see :data:`ATTACH_NAME`)."""
ATTACH_NAME = N_("Upload an attachment")
"""How the history and the audit pages name an upload (translated where it is shown)."""

MEGABYTE = 1024 * 1024
DEFAULT_FILE_BYTES = 20 * MEGABYTE
DEFAULT_PROJECT_BYTES = 200 * MEGABYTE

KINDS: dict[str, str] = {
    "proposal": "申报方案",
    "contract": "合同",
    "amendment": "合同变更",
    "inspection": "监管检查",
    "rectification": "整改",
    "assessment": "考核评分表",
    "comment": "承接方意见",
    "objection": "质疑",
}
"""Every kind of fact a file may belong to, with its Chinese name (see :func:`kind_name`)."""


def kind_name(kind: str) -> str:
    """A kind of fact by its name in the language in use, as said inside a sentence."""
    names = {
        "proposal": pgettext("fact kind", "proposal"),
        "contract": pgettext("fact kind", "contract"),
        "amendment": pgettext("fact kind", "contract amendment"),
        "inspection": pgettext("fact kind", "inspection"),
        "rectification": pgettext("fact kind", "rectification"),
        "assessment": pgettext("fact kind", "assessment sheet"),
        "comment": pgettext("fact kind", "organization's comment"),
        "objection": pgettext("fact kind", "objection"),
    }
    return names.get(kind, kind)


def kind_title(kind: str) -> str:
    """A kind of fact by its name in the language in use, as a heading says it."""
    name = kind_name(kind)
    return name[:1].upper() + name[1:]


SEEN_AS: dict[str, str] = {
    "proposal": "proposal_documents",
    "contract": "contract_documents",
    "amendment": "contract_documents",
    "inspection": "inspection_documents",
    "rectification": "inspection_documents",
    "assessment": "assessment_documents",
    "comment": "comment_documents",
    "objection": "objection_documents",
}
"""The fact kind of the visibility policy that decides who sees a file of each kind."""

FACT_SEEN_AS: dict[str, str] = {
    "proposal": "proposal",
    "contract": "contract",
    "amendment": "amendment",
    "inspection": "inspection",
    "rectification": "inspection",
    "assessment": "assessment",
    "comment": "organization_comment",
    "objection": "objection",
}
"""The fact kind of the visibility policy that decides who sees the fact itself (one may not
attach a file to a fact one may not see: it is answered as missing)."""

PROJECT_LEVEL = frozenset({"contract", "rectification"})
"""Kinds of which a project has one: a file names no fact id (the project's own)."""

_TOP_KEYS = ("version", "limits", "kinds")
_LIMIT_KEYS = ("file_megabytes", "project_megabytes")
_KIND_KEYS = ("zh", "en", "roles", "states", "basis")


@dataclass(frozen=True)
class AttachRule:
    """Who may attach files of one kind, and in which states of the project."""

    kind: str
    zh: str
    roles: tuple[str, ...]
    states: tuple[str, ...]
    basis: str
    en: str = ""

    @property
    def label(self) -> str:
        """What the kind's files are, in the language in use."""
        return both(self.zh, self.en or self.zh)


@dataclass(frozen=True)
class DocumentRules:
    """The whole of ``documents.yaml``: the size limits and each kind's rule."""

    kinds: Mapping[str, AttachRule]
    file_bytes: int = DEFAULT_FILE_BYTES
    project_bytes: int = DEFAULT_PROJECT_BYTES

    def rule(self, kind: str) -> AttachRule | None:
        """The rule of ``kind`` (None: files of that kind may not be attached)."""
        return self.kinds.get(kind)


def load_document_rules(
    path: Path, *, states: Collection[str], roles: Collection[str]
) -> DocumentRules:
    """Load and check ``path`` against the lifecycle's ``states`` and ``roles``.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = path.name
    data = load_yaml_mapping(path)
    check_keys(data, _TOP_KEYS, file)
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise ConfigError(f"{file}: limits: must be a mapping of {', '.join(_LIMIT_KEYS)}")
    check_keys(limits, _LIMIT_KEYS, f"{file}: limits")
    file_bytes = _megabytes(limits, "file_megabytes", DEFAULT_FILE_BYTES, file)
    project_bytes = _megabytes(limits, "project_megabytes", DEFAULT_PROJECT_BYTES, file)
    if project_bytes < file_bytes:
        raise ConfigError(f"{file}: limits.project_megabytes: smaller than file_megabytes")
    kinds = data.get("kinds")
    if not isinstance(kinds, dict):
        raise ConfigError(f"{file}: kinds: must be a mapping of kinds of fact")
    unknown = [str(kind) for kind in kinds if kind not in KINDS]
    if unknown:
        raise ConfigError(
            f"{file}: kinds: unknown kind {', '.join(map(quoted, unknown))}; "
            f"expected {', '.join(KINDS)}"
        )
    rules = {
        str(kind): _rule(str(kind), raw, f"{file}: kinds.{kind}", states, roles)
        for kind, raw in kinds.items()
    }
    return DocumentRules(rules, file_bytes, project_bytes)


def _megabytes(limits: Mapping[str, object], key: str, default: int, file: str) -> int:
    value = limits.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{file}: limits.{key}: must be a positive number, got {quoted(value)}")
    return int(value * MEGABYTE)


def _rule(
    kind: str, raw: object, where: str, states: Collection[str], roles: Collection[str]
) -> AttachRule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping with {', '.join(_KIND_KEYS)}")
    check_keys(raw, _KIND_KEYS, where)
    return AttachRule(
        kind=kind,
        zh=config_text(raw, "zh", f"{where}."),
        roles=_names(raw.get("roles"), f"{where}.roles", roles, "role"),
        states=_names(raw.get("states"), f"{where}.states", states, "state"),
        basis=config_text(raw, "basis", f"{where}."),
        en=config_text(raw, "en", f"{where}.") if "en" in raw else "",
    )


def _names(raw: object, where: str, known: Collection[str], what: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(n, str) for n in raw):
        raise ConfigError(f"{where}: must be a non-empty list of {what}s, got {quoted(raw)}")
    for name in raw:
        if name not in known:
            raise ConfigError(f"{where}: unknown {what} {quoted(name)} (known: {', '.join(known)})")
    return tuple(raw)


def size_text(size: int) -> str:
    """A file's size as a person reads it: 812 B, 14.2 KB, 3.5 MB."""
    if size < 1024:
        return f"{size} B"
    if size < MEGABYTE:
        return f"{size / 1024:.1f} KB"
    return f"{size / MEGABYTE:.1f} MB"

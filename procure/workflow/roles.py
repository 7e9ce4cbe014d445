"""The roles of the lifecycle, and how people name them."""

from __future__ import annotations

from procure.domain.language import N_, _

ROLES: tuple[str, ...] = (
    "officer",
    "leader",
    "reviewer",
    "assessor",
    "supervisor",
    "auditor",
    "admin",
    "organization",
)
READ_ONLY_ROLES: frozenset[str] = frozenset({"auditor"})
ROLE_ZH: dict[str, str] = {
    "officer": "项目干事",
    "leader": "分管领导",
    "reviewer": "评审专家",
    "assessor": "考核人员",
    "supervisor": "监管人员",
    "auditor": "审计",
    "admin": "管理员",
    "organization": "承接方",
}
"""Each role as people name it in Chinese (see :func:`role_label` for the language in use)."""
ROLE_NAMES: dict[str, str] = {
    "officer": N_("Project officer"),
    "leader": N_("Leader in charge"),
    "reviewer": N_("Review expert"),
    "assessor": N_("Assessor"),
    "supervisor": N_("Supervisor"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
    "organization": N_("Service organization"),
}
"""Each role as people name it, in English (the catalogs give the Chinese)."""


def role_label(role: str) -> str:
    """A role as people name it in the language in use (pages show this, never the code)."""
    name = ROLE_NAMES.get(role)
    return _(name) if name else role

"""Who sees which fact of a project, and from when: ``workflows/visibility.yaml`` as data.

The policy is a table: for each kind of fact (:data:`FACT_KINDS`) and each relation of a
viewer to the project and the fact (:data:`RELATIONS`), the moment (:data:`WHEN`) from which
the viewer may see it. Every cell must be decided; a file that leaves one out, names an
unknown fact, relation or moment, or carries no basis for a fact is refused at load with a
:class:`ConfigError` naming the file and key, e.g.
``visibility.yaml: facts.review_sheet.visible.panel: 'later' is not one of always, ...``.

Nothing here reads the database: :meth:`VisibilityPolicy.allows` answers for the moments
that have passed (:class:`Moments`), which the gate in :mod:`procure.services.visibility`
works out for a viewer and a project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from procure.domain.config import check_keys, config_text, load_yaml_mapping
from procure.domain.errors import ConfigError, NotFound
from procure.domain.language import _, both, pgettext
from procure.domain.text import quoted

VISIBILITY_FILE = "visibility.yaml"

FACT_KINDS: dict[str, str] = {
    "proposal": "申报方案及报价",
    "proposal_documents": "申报文件（附件）",
    "contract_documents": "合同扫描件及变更文件（附件）",
    "inspection_documents": "监管检查与整改材料（附件）",
    "assessment_documents": "考核材料（附件）",
    "comment_documents": "承接方意见附件",
    "objection_documents": "质疑函（附件）",
    "reviewer_identity": "评审专家身份",
    "review_sheet": "评审表（逐项评分与总分）",
    "panel_result": "评审总分与排名",
    "spread_flags": "评分分歧标记",
    "recusal": "回避声明",
    "award": "中选结果",
    "contract": "合同",
    "payment": "资金拨付",
    "inspection": "监管检查与整改",
    "assessment": "考核评分表、分数与评语",
    "assessment_result": "年度考核结果（总分、等级与续约决定）",
    "organization_comment": "承接方意见",
    "objection": "质疑与答复",
    "correction": "更正记录",
    "amendment": "合同变更",
    "evaluation_record": "绩效评价记录（考核档案）",
    "audit_row": "审计轨迹（办理记录）",
    "job_result": "后台任务结果",
}
"""Every kind of fact the policy decides, with its Chinese name (the policy must cover all)."""

STAFF_RELATIONS = ("officer", "leader", "supervisor", "assessor", "auditor", "admin")
"""The purchaser's staff, one relation per role a grant gives on the project."""

RELATIONS: dict[str, str] = {
    "officer": "财务干事",
    "leader": "分管领导",
    "supervisor": "监管人员",
    "assessor": "考核人员",
    "auditor": "审计人员",
    "admin": "管理员",
    "author": "撰写该评审的专家",
    "panel": "本项目其他评审专家",
    "own_organization": "事实所涉的承接方本身",
    "winner": "中选的承接方",
    "other_bidder": "其他投标的承接方",
    "public": "公众",
}
"""Every relation of a viewer to a project and a fact, with its Chinese name."""

RELATIONS_EN: dict[str, str] = {
    "officer": "Officer",
    "leader": "Leader",
    "supervisor": "Supervisor",
    "assessor": "Assessor",
    "auditor": "Auditor",
    "admin": "Administrator",
    "author": "The reviewer who wrote it",
    "panel": "Other reviewers of the project",
    "own_organization": "The organization it is about",
    "winner": "The awarded organization",
    "other_bidder": "Other bidding organizations",
    "public": "The public",
}
"""The same relations' English names."""

ALWAYS = "always"
AFTER_OWN_SHEET = "after_own_sheet"
AFTER_AWARD = "after_award"
AFTER_CONTRACT = "after_contract"
NEVER = "never"

WHEN: dict[str, str] = {
    ALWAYS: "始终可见",
    AFTER_OWN_SHEET: "提交本人评分后",
    AFTER_AWARD: "中选结果公示后",
    AFTER_CONTRACT: "合同签订后",
    NEVER: "不可见",
}
"""Every moment a cell may name, with its Chinese wording."""

WHEN_EN: dict[str, str] = {
    ALWAYS: "Always",
    AFTER_OWN_SHEET: "After submitting their own scores",
    AFTER_AWARD: "After the award notice",
    AFTER_CONTRACT: "After the contract is signed",
    NEVER: "Never",
}
"""The same moments' English wording."""

RECORD_FACTS = (
    "proposal",
    "reviewer_identity",
    "review_sheet",
    "panel_result",
    "spread_flags",
    "recusal",
    "award",
    "contract",
    "payment",
    "inspection",
    "assessment",
    "assessment_result",
    "organization_comment",
    "objection",
    "correction",
    "amendment",
)
"""What the evaluation record shows: it is one signed document, the same bytes for each of
its readers, so whoever may see the record must see each of these once the contract is
signed (the loader refuses a policy that says otherwise)."""

_TOP_KEYS = ("version", "facts")
_FACT_KEYS = ("zh", "en", "basis", "basis_en", "visible")


@dataclass(frozen=True)
class Moments:
    """Which moments have passed for one viewer on one project."""

    own_sheets_done: bool = False
    awarded: bool = False
    contracted: bool = False

    def passed(self, when: str) -> bool:
        """Whether the moment ``when`` (one of :data:`WHEN`) has come."""
        if when == ALWAYS:
            return True
        if when == AFTER_OWN_SHEET:
            return self.own_sheets_done
        if when == AFTER_AWARD:
            return self.awarded
        if when == AFTER_CONTRACT:
            return self.contracted
        return False


@dataclass(frozen=True)
class FactRule:
    """One kind of fact: its name, why, and from when each relation sees it (name and
    reason in Chinese and in English)."""

    kind: str
    zh: str
    basis: str
    visible: Mapping[str, str]
    en: str = ""
    basis_en: str = ""

    @property
    def name(self) -> str:
        """The fact's name in the language in use."""
        return both(self.zh, self.en)

    @property
    def reason(self) -> str:
        """Its basis in the language in use."""
        return both(self.basis, self.basis_en)


@dataclass(frozen=True)
class VisibilityPolicy:
    """The whole table: one :class:`FactRule` per kind of fact."""

    facts: Mapping[str, FactRule]

    def when(self, kind: str, relation: str) -> str:
        """From when ``relation`` sees facts of ``kind`` (a :data:`WHEN` code)."""
        return self.facts[kind].visible[relation]

    def allows(self, kind: str, relations: Iterable[str], moments: Moments) -> bool:
        """Whether a viewer standing in any of ``relations`` sees a fact of ``kind`` now."""
        rule = self.facts[kind]
        return any(moments.passed(rule.visible[relation]) for relation in relations)


def load_visibility(path: Path) -> VisibilityPolicy:
    """Load and check ``path``: every fact kind and every relation decided, nothing unknown.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = path.name
    data = load_yaml_mapping(path)
    check_keys(data, _TOP_KEYS, file)
    facts = data.get("facts")
    if not isinstance(facts, dict):
        raise ConfigError(f"{file}: facts: must be a mapping of fact kinds")
    unknown = [str(kind) for kind in facts if kind not in FACT_KINDS]
    if unknown:
        raise ConfigError(
            f"{file}: facts: unknown fact kind {', '.join(map(quoted, unknown))}; "
            f"expected {', '.join(FACT_KINDS)}"
        )
    missing = [kind for kind in FACT_KINDS if kind not in facts]
    if missing:
        raise ConfigError(f"{file}: facts: no rule for {', '.join(missing)}")
    policy = VisibilityPolicy(
        {kind: _fact(kind, facts[kind], f"{file}: facts.{kind}") for kind in FACT_KINDS}
    )
    _check_record(policy, file)
    return policy


def _check_record(policy: VisibilityPolicy, file: str) -> None:
    """Refuse a policy that gives someone the evaluation record but hides from them a fact it
    shows: the record and the pages would tell that reader different things."""
    contracted = Moments(awarded=True, contracted=True)
    for relation, when in policy.facts["evaluation_record"].visible.items():
        if when == NEVER:
            continue
        seen = {relation, "public"}
        hidden = [k for k in RECORD_FACTS if not policy.allows(k, seen, contracted)]
        if hidden:
            raise ConfigError(
                f"{file}: facts.evaluation_record.visible.{relation}: the evaluation record "
                f"is one signed document and shows {', '.join(hidden)}, which {relation} "
                "may not see once the contract is signed; let it see them, or set "
                f"evaluation_record.visible.{relation} to never"
            )


def _fact(kind: str, item: object, where: str) -> FactRule:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping with zh, en, basis, basis_en and visible")
    check_keys(item, _FACT_KEYS, where)
    zh = config_text(item, "zh", f"{where}.")
    en = config_text(item, "en", f"{where}.")
    basis = config_text(item, "basis", f"{where}.")
    basis_en = config_text(item, "basis_en", f"{where}.")
    visible = item.get("visible")
    if not isinstance(visible, dict):
        raise ConfigError(f"{where}.visible: must map each relation to a moment")
    unknown = [str(r) for r in visible if r not in RELATIONS]
    if unknown:
        raise ConfigError(
            f"{where}.visible: unknown relation {', '.join(map(quoted, unknown))}; "
            f"expected {', '.join(RELATIONS)}"
        )
    missing = [relation for relation in RELATIONS if relation not in visible]
    if missing:
        raise ConfigError(f"{where}.visible: no moment for {', '.join(missing)}")
    for relation, when in visible.items():
        if when not in WHEN:
            raise ConfigError(
                f"{where}.visible.{relation}: {quoted(when)} is not one of {', '.join(WHEN)}"
            )
    visible_at = {relation: str(visible[relation]) for relation in RELATIONS}
    return FactRule(kind, zh, basis, visible_at, en, basis_en)


def policy_table(policy: VisibilityPolicy) -> tuple[list[str], list[list[str]]]:
    """The policy as a table in the language in use: a heading per relation, a row per
    kind of fact."""
    names = [both(RELATIONS[relation], RELATIONS_EN[relation]) for relation in RELATIONS]
    headings = [pgettext("visibility", "Fact"), *names]
    rows = [
        [rule.name, *(both(WHEN[rule.visible[r]], WHEN_EN[rule.visible[r]]) for r in RELATIONS)]
        for rule in policy.facts.values()
    ]
    return headings, rows


def unknown_project(code: object) -> NotFound:
    """The one answer for a project code nobody registered and for a project the reader may
    not see: the same sentence in each language, so that a hidden project reads exactly as a
    missing one."""
    return NotFound(_("unknown project %(code)s", code=quoted(code)))

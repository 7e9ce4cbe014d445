"""An assessor's sheet from a browser form or an uploaded .xlsx, checked field by field.

The form is generated from the assessment scorecard: criteria grouped by dimension, a
score for a judged criterion (``n/a`` where the scorecard allows it), planned and actual
for an attainment criterion, respondents and satisfied for a survey; a narrative per
dimension, an overall narrative, and one checkbox per configured veto item (一票否决).

Every value is checked on its own first, so that each bad one is named beside its own
field in the language in use and nothing is stored; then the sheet is recorded through the
``record_assessment`` trigger like ``procure assess score`` records a file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.criteria import ATTAINMENT, JUDGED, SATISFACTION, Criterion, score_criterion
from procure.domain.errors import InvalidInput, ProcureError
from procure.domain.language import both
from procure.domain.language import gettext as _
from procure.domain.renewal import VetoItem
from procure.domain.scorecard import Scorecard
from procure.domain.text import check_typed_text
from procure.services.accounts.authorization import authorize, project_scope
from procure.services.lifecycle.fire import TransitionResult, perform
from procure.services.lifecycle.project_actions import FormInvalid
from procure.services.scoring.sheet_layout import NarrativeInvalid, SheetInput
from procure.store import queries
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

MAX_UPLOAD_BYTES = 2 * 2**20
"""The largest sheet accepted from a browser (a filled template is a few kilobytes)."""

INPUTS = {
    JUDGED: ("score",),
    ATTAINMENT: ("planned", "actual"),
    SATISFACTION: ("respondents", "satisfied"),
}
"""The inputs a criterion of each kind takes on the form (price criteria take none)."""


@dataclass(frozen=True)
class DimensionForm:
    """One dimension of the sheet: its criteria and the narrative field."""

    code: str
    label: str
    """The dimension's name in the language in use."""
    weight: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class SheetForm:
    """What the assessor's form shows: the scorecard by dimension and the veto items."""

    scorecard: str
    dimensions: tuple[DimensionForm, ...]
    veto_items: tuple[VetoItem, ...]

    def veto_label(self, item: VetoItem) -> str:
        """A veto item's name in the language in use."""
        return both(item.label_zh, item.label_en)


def criterion_field(code: str, name: str) -> str:
    """The form field of one input of criterion ``code``: ``c.outcomes.score``."""
    return f"c.{code}.{name}"


def narrative_field(dimension: str) -> str:
    """The form field of a dimension's narrative: ``n.finance``."""
    return f"n.{dimension}"


def veto_field(code: str) -> str:
    """The checkbox of one veto item: ``veto.fraud``."""
    return f"veto.{code}"


def sheet_form(rules: Rules | None = None) -> SheetForm:
    """The assessment scorecard as a form, criteria grouped by dimension."""
    rules = rules or default_rules()
    card = rules.assessment
    placed: set[str] = set()
    dimensions = []
    for dimension in card.dimensions:
        criteria = tuple(c for c in card.criteria if c.code in dimension.criteria)
        placed.update(c.code for c in criteria)
        dimensions.append(
            DimensionForm(dimension.code, dimension.label, _plain(dimension.weight), criteria)
        )
    for criterion in card.criteria:  # a criterion outside every dimension stands alone
        if criterion.code not in placed:
            dimensions.append(
                DimensionForm(
                    criterion.code, criterion.label, _plain(criterion.weight), (criterion,)
                )
            )
    return SheetForm(
        _("%(title)s, version %(version)s", title=card.title, version=card.version),
        tuple(dimensions),
        tuple(rules.renewal.veto_items.values()),
    )


def _plain(number: object) -> str:
    text = str(number)
    return text[:-3] if text.endswith(".00") else text


def sheet_params(form: Mapping[str, str], rules: Rules | None = None) -> dict[str, Any]:
    """The ``record_assessment`` params of a posted form.

    Raises:
        FormInvalid: every bad value, each under its own field; nothing is recorded.
    """
    rules = rules or default_rules()
    card = rules.assessment
    errors: dict[str, str] = {}
    scores: dict[str, Any] = {}
    for criterion in card.criteria:
        names = INPUTS.get(criterion.kind)
        if names is None:
            continue  # computed (price): never typed
        given = {
            name: form.get(criterion_field(criterion.code, name), "").strip() for name in names
        }
        value: Any = given["score"] if criterion.kind == JUDGED else given
        message = _criterion_error(criterion, value, given)
        if message:
            errors[f"c.{criterion.code}"] = message
        else:
            scores[criterion.code] = value
    narratives = {}
    for dimension in card.dimensions:
        name = narrative_field(dimension.code)
        text = form.get(name, "").strip()
        message = _text_error(text, dimension.label)
        if message:
            errors[name] = message
        elif text:
            narratives[dimension.code] = text
    overall = form.get("narrative", "").strip()
    message = _text_error(overall, _("Overall narrative"))
    if message:
        errors["narrative"] = message
    unknown = sorted(
        key[len("veto.") :]
        for key in form
        if key.startswith("veto.") and key[len("veto.") :] not in rules.renewal.veto_items
    )
    if unknown:
        errors["veto"] = _("Unknown veto item: %(codes)s", codes=", ".join(unknown))
    veto = [code for code in rules.renewal.veto_items if form.get(veto_field(code))]
    if not errors and scores and all(_is_na(v) for v in scores.values()):
        errors["sheet"] = _("At least one criterion must be scored (not n/a)")
    if errors:
        raise FormInvalid(errors)
    params: dict[str, Any] = {"scores": scores, "veto": veto, "narratives": narratives}
    if overall:
        params["narrative"] = overall
    return params


def _is_na(value: object) -> bool:
    return isinstance(value, str) and value.casefold() in {"n/a", "不适用"}


def _criterion_error(criterion: Criterion, value: Any, given: Mapping[str, str]) -> str:
    hint = _hint(criterion)
    missing = [name for name, text in given.items() if not text]
    if missing:
        return _("Required: %(hint)s", hint=hint)
    try:
        score_criterion(criterion, value, None)
    except ProcureError as exc:
        return _("%(hint)s: %(reason)s", hint=hint, reason=exc)
    return ""


def _hint(criterion: Criterion) -> str:
    weight = _plain(criterion.weight)
    if criterion.kind == ATTAINMENT:
        if criterion.unit:
            return _(
                "Give the planned and the actual number, both whole, the planned above 0 "
                "(counted in %(unit)s)",
                unit=criterion.unit_label,
            )
        return _("Give the planned and the actual number, both whole, the planned above 0")
    if criterion.kind == SATISFACTION:
        return _(
            "Give the respondents and the satisfied, both whole, the respondents above 0 and "
            "the satisfied no more than the respondents"
        )
    if criterion.allow_na:
        return _("Give a score from 0 to %(maximum)s, or n/a if not applicable", maximum=weight)
    return _("Give a score from 0 to %(maximum)s", maximum=weight)


def _text_error(text: str, label: str) -> str:
    try:
        check_typed_text(text, label)
    except InvalidInput as exc:
        return _("Remove the invisible control characters from the text: %(reason)s", reason=exc)
    return ""


def record_sheet(
    session: Session,
    code: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
    trigger: str = "record_assessment",
) -> TransitionResult:
    """Record ``user``'s assessment sheet from a posted form (no commit); with ``trigger``
    ``replace_assessment``, replace their own sheet (until the assessment is finalized).

    Raises:
        FormInvalid: bad values, each under its field; nothing changed.
        Refused: ``user`` may not record a sheet on this project now (the rule says why).
    """
    rules = rules or default_rules()
    may_act(session, code, user, "assessor", trigger)
    params = sheet_params(form, rules)
    return _record(session, code, user, params, rules, trigger=trigger)


def template_bytes(rules: Rules | None = None) -> bytes:
    """The blank .xlsx sheet of the assessment scorecard (as ``procure scorecard template``
    writes it), with its 评语 and 一票否决 worksheets."""
    from procure.services.scoring.sheet_xlsx import write_template

    rules = rules or default_rules()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(rules.assessment, path, rules.renewal.veto_items)
        return path.read_bytes()


def upload_params(data: bytes, filename: str, rules: Rules | None = None) -> dict[str, Any]:
    """The ``record_assessment`` params of an uploaded template (.xlsx).

    Raises:
        FormInvalid: under ``upload``, the file's problem with its worksheet and row.
    """
    rules = rules or default_rules()
    name = Path(filename or "").name or "sheet.xlsx"
    if not name.lower().endswith(".xlsx"):
        raise FormInvalid(
            {"upload": _("Upload the .xlsx template of the assessment scorecard, filled in")}
        )
    if not data:
        raise FormInvalid({"upload": _("The file is empty")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise FormInvalid(
            {"upload": _("The file is larger than %(size)s MB", size=MAX_UPLOAD_BYTES // 2**20)}
        )
    from procure.services.scoring.sheet_xlsx import read_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet.xlsx"
        path.write_bytes(data)
        try:
            found = read_xlsx(path, rules.assessment)
        except InvalidInput as exc:
            raise FormInvalid({"upload": _in_file(str(exc), name)}) from exc
    try:
        _check_upload(found, rules.assessment)
    except InvalidInput as exc:
        located = found.locate(exc, name, rules.assessment)
        raise FormInvalid({"upload": _in_file(str(located), name)}) from exc
    params: dict[str, Any] = {
        "scores": found.scores,
        "veto": found.veto,
        "narratives": found.narratives,
    }
    if found.narrative:
        params["narrative"] = found.narrative
    return params


def _in_file(message: str, name: str) -> str:
    return _("The file has a problem: %(reason)s", reason=message.replace("sheet.xlsx", name))


def _check_upload(found: SheetInput, card: Scorecard) -> None:
    """Score the sheet once so that a wrong row is named before anything is recorded."""
    card.score_sheet(found.scores)
    names = {d.code: d.label for d in card.dimensions}
    for code, text in found.narratives.items():
        try:
            check_typed_text(
                text, _("The narrative of %(dimension)s", dimension=names.get(code, code))
            )
        except InvalidInput as exc:
            raise NarrativeInvalid(str(exc)) from exc


def record_upload(
    session: Session,
    code: str,
    user: User,
    upload: dict[str, Any] | FormInvalid,
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record ``user``'s assessment sheet from an uploaded template (no commit).

    Args:
        upload: what :func:`read_upload` made of the file before the transaction (so no
            write lock is held while a file is parsed): the params, or the refusal.

    Raises:
        FormInvalid: the file's problem under ``upload``; nothing changed.
        Refused: ``user`` may not record a sheet on this project now.
    """
    rules = rules or default_rules()
    may_act(session, code, user, "assessor", "record_assessment")
    if isinstance(upload, FormInvalid):
        raise FormInvalid(upload.errors)
    return _record(session, code, user, upload, rules, field="upload")


def read_upload(
    data: bytes, filename: str, rules: Rules | None = None
) -> dict[str, Any] | FormInvalid:
    """The params of an uploaded template, or the refusal, read outside any transaction."""
    try:
        return upload_params(data, filename, rules)
    except FormInvalid as refusal:
        return refusal


def may_act(session: Session, code: str, user: User, role: str, trigger: str) -> None:
    """Refuse before reading a form or a file when ``user`` holds no ``role`` grant on the
    project (the trigger checks it again, with its other rules, when it fires).

    Raises:
        Refused: naming the grant missing.
    """
    project = queries.project_by_code(session, code)
    scope = project_scope(session, project)
    entries = default_rules().engine.definition.transitions_for(trigger)
    action = entries[0].label if entries else trigger
    authorize(session, Actor(user.login, role), scope, action, allow_setup=False)


def _record(
    session: Session,
    code: str,
    user: User,
    params: Mapping[str, Any],
    rules: Rules,
    *,
    field: str = "sheet",
    trigger: str = "record_assessment",
) -> TransitionResult:
    """Fire ``trigger`` as ``user`` the assessor; a value the trigger still
    refuses (a veto item the policy does not know) is put under ``field``."""
    try:
        return perform(
            session,
            code,
            trigger,
            Actor(user.login, "assessor"),
            params=params,
            rules=rules,
        )
    except FormInvalid:
        raise
    except InvalidInput as exc:
        raise FormInvalid({field: _("The sheet was refused: %(reason)s", reason=exc)}) from exc

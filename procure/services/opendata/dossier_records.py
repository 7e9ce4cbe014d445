"""Check one record PDF of a dossier against the dossier itself (no database).

A record must be what procure printed (its embedded data hashes to the code on its
pages), carry a checkpoint that holds (signed with the dossier's key, its head in the
trail), belong where the manifest says (year, purchaser, project list, file name) and
show what its project's trail rows imply (:mod:`procure.services.opendata.record_trail`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from procure.domain.checkpoint import checkpoint_problems, from_mapping
from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.text import quoted
from procure.reports.data import verification_code
from procure.reports.unreadable import reading_record
from procure.reports.verify import page_check, read_embedded
from procure.services.opendata.dossier_format import RECORDS
from procure.services.opendata.record_trail import (
    IN_RECORD,
    MISSING_FROM_RECORD,
    record_trail_differences,
    replay_project,
)
from procure.services.trail.check import ROW, TrailDifference
from procure.store.models import TransitionLog


@dataclass
class RecordContext:
    """What every record is checked against: the manifest, the trail, the key."""

    manifest: dict[str, Any]
    rows: list[TransitionLog]
    at_rows: dict[int, tuple[str, int]]
    key: str | None
    check_pages: bool = False
    by_project: dict[str, list[TransitionLog]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_project = defaultdict(list)
        for row in self.rows:
            if row.project_code is not None:
                self.by_project[row.project_code].append(row)


def check_record(name: str, data: bytes, context: RecordContext) -> tuple[list[str], str]:
    """Every problem of the record file ``name``, and the line said when there is none."""
    try:
        embedded = read_embedded(data, file=name)
    except InvalidInput as exc:
        return [str(exc)], ""
    record = embedded.record
    project = record.get("project")
    code = str(project.get("code", "?")) if isinstance(project, dict) else "?"
    problems = []
    if verification_code(record) != embedded.code:
        problems.append(
            _(
                "its data does not hash to the verification code printed on it: "
                "edited after printing"
            )
        )
    problems += _placement_problems(name, record, code, context.manifest)
    carried = _("no checkpoint (printed without a key)")
    if embedded.checkpoint is not None:
        held_problems, carried = _checkpoint_problems(name, embedded.checkpoint, context)
        problems += held_problems
    rows = context.by_project.get(code, [])
    if not rows:
        problems.append(_("the trail holds no row of project %(code)s", code=code))
    else:
        differences = record_trail_differences(record, replay_project(rows))
        problems += [_said(difference) for difference in differences]
    if context.check_pages and not problems:
        try:
            with reading_record(name):
                _resaved, page_problems = page_check(data, record, embedded.checkpoint)
        except InvalidInput as exc:
            page_problems = [str(exc)]
        problems += page_problems
    pages = "; pages re-rendered identically" if context.check_pages else ""
    passed = f"{code}: code, trail ({len(rows)} rows) and {carried} agree{pages}"
    return problems, passed


def _placement_problems(
    name: str, record: dict[str, Any], code: str, manifest: dict[str, Any]
) -> list[str]:
    """The record belongs to the dossier's year, purchaser and projects, under its own name."""
    problems = []
    project = record.get("project") or {}
    year = project.get("year")
    if manifest.get("year") is not None and year != manifest.get("year"):
        problems.append(
            _(
                "project %(code)s is of %(year)s, the dossier of %(dossier)s",
                code=code,
                year=year,
                dossier=manifest.get("year"),
            )
        )
    purchaser = (record.get("purchaser") or {}).get("code")
    wanted = manifest.get("purchaser")
    if wanted is not None and purchaser != wanted:
        problems.append(
            _(
                "project %(code)s is %(purchaser)s's, the dossier %(wanted)s's",
                code=code,
                purchaser=purchaser,
                wanted=wanted,
            )
        )
    listed = manifest.get("projects")
    if isinstance(listed, list) and code not in listed:
        problems.append(_("project %(code)s is not among the manifest's projects", code=code))
    uscc = (record.get("organization") or {}).get("uscc")
    expected = f"{RECORDS}{year}/{uscc}-{code}.pdf"
    if name != expected:
        problems.append(
            _("the record of %(code)s should be named %(name)s", code=code, name=expected)
        )
    return problems


def _checkpoint_problems(
    name: str, carried: dict[str, Any], context: RecordContext
) -> tuple[list[str], str]:
    try:
        held = from_mapping(carried, source=_("the checkpoint carried by %(file)s", file=name))
    except InvalidInput as exc:
        return [str(exc)], _("its checkpoint")
    trusted = {context.key} if context.key else {"(no valid key shipped)"}
    source = _("carried by %(file)s", file=name)
    return checkpoint_problems(held, source, trusted, context.at_rows), held.name


def _said(difference: TrailDifference) -> str:
    where = f"{difference.table} {difference.row}"
    if difference.field == ROW and difference.stored_value == IN_RECORD:
        return _("%(where)s: in the record, no trail row explains it", where=where)
    if difference.field == ROW and difference.stored_value == MISSING_FROM_RECORD:
        return _("%(where)s: in the trail, missing from the record", where=where)
    return _(
        "%(where)s: %(field)s is %(trail)s in the trail, %(record)s in the record",
        where=where,
        field=difference.field,
        trail=quoted(difference.trail_value),
        record=quoted(difference.stored_value),
    )

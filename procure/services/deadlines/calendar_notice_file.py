"""Read a year's holiday notice as entered by an administrator: YAML or CSV, with lines.

YAML::

    title: 国务院办公厅关于2027年部分节假日安排的通知
    published_on: 2026-11-10
    days_off:                       # 放假 ranges, both ends included
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
    makeup_workdays: [2027-02-20]   # 调休上班 (Saturdays and Sundays)

CSV (a header line, then one row each; the kinds may be written in Chinese)::

    kind,name,from,to
    title,国务院办公厅关于2027年部分节假日安排的通知,,
    published_on,2026-11-10,,
    off,元旦,2027-01-01,2027-01-03
    work,,2027-02-20,

Every refusal names the line; :func:`parse_notice` only reads, the checks against the law
and the year are :func:`procure.domain.holiday_law.check_notice`'s.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from procure.domain.errors import InvalidInput
from procure.domain.holiday_law import MakeupDay, OffRange
from procure.domain.language import _, pgettext

MAX_NOTICE_BYTES = 64 * 1024
_KINDS = {
    "title": "title",
    "标题": "title",
    "通知": "title",
    "published_on": "published_on",
    "发布日期": "published_on",
    "off": "off",
    "放假": "off",
    "work": "work",
    "上班": "work",
    "调休上班": "work",
}
_YAML_KEYS = ("year", "title", "published_on", "days_off", "makeup_workdays")
_RANGE_KEYS = ("name", "from", "to")


@dataclass(frozen=True)
class NoticeFile:
    """A notice as written in the file: not yet checked against the year or the law."""

    title: str
    published_on: date
    ranges: tuple[OffRange, ...]
    makeup: tuple[MakeupDay, ...]
    year: int | None = None  # when the file names it


def _refuse(where: str, line: int, problem: str) -> InvalidInput:
    return InvalidInput(
        _("%(where)s line %(line)s: %(problem)s", where=where, line=line, problem=problem)
    )


def _date(text: str, where: str, line: int, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(
            where,
            line,
            _(
                "%(what)s %(text)s is not a date (write it as 2027-01-01)",
                what=what,
                text=repr(text.strip()),
            ),
        ) from None


def _published() -> str:
    return pgettext("notice file", "Publication date")


def _title(text: str, where: str, line: int) -> str:
    title = " ".join(text.split())
    if not title or len(title) > 200:
        raise _refuse(
            where, line, _("The notice's title may not be empty or longer than 200 characters")
        )
    return title


def parse_notice(content: bytes, where: str) -> NoticeFile:
    """Read ``content`` (YAML, or CSV when ``where`` ends in ``.csv``).

    Raises:
        InvalidInput: naming ``where`` and the line of the first problem.
    """
    if len(content) > MAX_NOTICE_BYTES:
        raise InvalidInput(
            _(
                "%(where)s: the file is over %(size)s KB, too large for a holiday notice",
                where=where,
                size=MAX_NOTICE_BYTES // 1024,
            )
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("%(where)s: not UTF-8 text (%(reason)s)", where=where, reason=exc.reason)
        ) from None
    if where.lower().endswith(".csv"):
        return _csv(text, where)
    return _yaml(text, where)


def _csv(text: str, where: str) -> NoticeFile:
    reader = csv.reader(io.StringIO(text))
    title: str | None = None
    published: date | None = None
    ranges: list[OffRange] = []
    makeup: list[MakeupDay] = []
    header = True
    for row in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in row] + ["", "", "", ""]
        if not any(cells):
            continue
        if header:
            header = False
            if cells[0].lower() in ("kind", "类型"):
                continue
        kind = _KINDS.get(cells[0].lower())
        if kind is None:
            raise _refuse(
                where,
                line,
                _(
                    "Unknown kind %(kind)s (it should be title, published_on, off or work)",
                    kind=repr(cells[0]),
                ),
            )
        if kind == "title":
            title = _title(cells[1], where, line)
        elif kind == "published_on":
            published = _date(
                cells[1] or cells[2], where, line, pgettext("notice file", "Publication date")
            )
        elif kind == "off":
            first = _date(cells[2], where, line, pgettext("notice file", "First day off"))
            last = _date(cells[3] or cells[2], where, line, pgettext("notice file", "Last day off"))
            ranges.append(OffRange(first, last, line, cells[1]))
        else:
            makeup.append(
                MakeupDay(
                    _date(
                        cells[2] or cells[1],
                        where,
                        line,
                        pgettext("notice file", "Make-up working day"),
                    ),
                    line,
                )
            )
    return _whole(where, title, published, ranges, makeup, None)


def _scalar(node: Node, where: str, what: str) -> str:
    if not isinstance(node, ScalarNode):
        raise _refuse(
            where, node.start_mark.line + 1, _("%(what)s should be a single value", what=what)
        )
    return str(node.value)


def _yaml(text: str, where: str) -> NoticeFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise _refuse(
            where, line, _("Not valid YAML (%(problem)s)", problem=getattr(exc, "problem", exc))
        ) from None
    if not isinstance(root, MappingNode):
        raise InvalidInput(
            _(
                "%(where)s: should be a mapping with title, published_on, days_off and "
                "makeup_workdays",
                where=where,
            )
        )
    title: str | None = None
    published: date | None = None
    year: int | None = None
    ranges: list[OffRange] = []
    makeup: list[MakeupDay] = []
    for key_node, value in root.value:
        key, line = (
            _scalar(key_node, where, pgettext("notice file", "Key")),
            key_node.start_mark.line + 1,
        )
        if key not in _YAML_KEYS:
            raise _refuse(
                where,
                line,
                _(
                    "Unknown key %(key)s (known: %(keys)s)",
                    key=repr(key),
                    keys=pgettext("list", ", ").join(_YAML_KEYS),
                ),
            )
        if key == "title":
            title = _title(_scalar(value, where, "title"), where, line)
        elif key == "published_on":
            published = _date(
                _scalar(value, where, "published_on"),
                where,
                line,
                pgettext("notice file", "Publication date"),
            )
        elif key == "year":
            text_year = _scalar(value, where, "year")
            if not text_year.isdigit():
                raise _refuse(
                    where, line, _("The year %(year)s is not a year", year=repr(text_year))
                )
            year = int(text_year)
        elif key == "days_off":
            ranges = [_range(item, where) for item in _items(value, where, key)]
        else:
            makeup = [
                MakeupDay(
                    _date(
                        _scalar(item, where, pgettext("notice file", "Make-up working day")),
                        where,
                        item.start_mark.line + 1,
                        pgettext("notice file", "Make-up working day"),
                    ),
                    item.start_mark.line + 1,
                )
                for item in _items(value, where, key)
            ]
    return _whole(where, title, published, ranges, makeup, year)


def _items(node: Node, where: str, key: str) -> list[Node]:
    if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
        return []
    if not isinstance(node, SequenceNode):
        raise _refuse(where, node.start_mark.line + 1, _("%(key)s should be a list", key=key))
    return list(node.value)


def _range(node: Node, where: str) -> OffRange:
    line = node.start_mark.line + 1
    if not isinstance(node, MappingNode):
        raise _refuse(
            where, line, _("A range of days off is written {name: NAME, from: DATE, to: DATE}")
        )
    fields: dict[str, str] = {}
    for key_node, value in node.value:
        key = _scalar(key_node, where, pgettext("notice file", "Key"))
        if key not in _RANGE_KEYS:
            raise _refuse(
                where,
                line,
                _(
                    "Unknown key %(key)s in a range of days off (known: name, from, to)",
                    key=repr(key),
                ),
            )
        fields[key] = _scalar(value, where, key)
    if "from" not in fields:
        raise _refuse(where, line, _("The range of days off has no from (its first day)"))
    first = _date(fields["from"], where, line, pgettext("notice file", "First day off"))
    last = _date(
        fields.get("to", fields["from"]), where, line, pgettext("notice file", "Last day off")
    )
    return OffRange(first, last, line, fields.get("name", ""))


def _whole(
    where: str,
    title: str | None,
    published: date | None,
    ranges: list[OffRange],
    makeup: list[MakeupDay],
    year: int | None,
) -> NoticeFile:
    if title is None:
        raise InvalidInput(_("%(where)s: the notice's title (title) is missing", where=where))
    if published is None:
        raise InvalidInput(
            _("%(where)s: the notice's publication date (published_on) is missing", where=where)
        )
    if not ranges:
        raise InvalidInput(
            _("%(where)s: there is no range of days off (days_off / off)", where=where)
        )
    return NoticeFile(title, published, tuple(ranges), tuple(makeup), year)

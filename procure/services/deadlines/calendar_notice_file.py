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
    return InvalidInput(f"{where} 第{line}行：{problem}")


def _date(text: str, where: str, line: int, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(
            where, line, f"{what} {text.strip()!r} 不是日期（应写作 2027-01-01）"
        ) from None


def _title(text: str, where: str, line: int) -> str:
    title = " ".join(text.split())
    if not title or len(title) > 200:
        raise _refuse(where, line, "通知标题不能为空，且不超过200字")
    return title


def parse_notice(content: bytes, where: str) -> NoticeFile:
    """Read ``content`` (YAML, or CSV when ``where`` ends in ``.csv``).

    Raises:
        InvalidInput: naming ``where`` and the line of the first problem.
    """
    if len(content) > MAX_NOTICE_BYTES:
        raise InvalidInput(f"{where}：文件超过 {MAX_NOTICE_BYTES // 1024} KB，不像一份放假通知")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{where}：不是 UTF-8 文本（{exc.reason}）") from None
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
                where, line, f"未知的类型 {cells[0]!r}（应为 title、published_on、off 或 work）"
            )
        if kind == "title":
            title = _title(cells[1], where, line)
        elif kind == "published_on":
            published = _date(cells[1] or cells[2], where, line, "发布日期")
        elif kind == "off":
            first = _date(cells[2], where, line, "放假起日")
            last = _date(cells[3] or cells[2], where, line, "放假止日")
            ranges.append(OffRange(first, last, line, cells[1]))
        else:
            makeup.append(MakeupDay(_date(cells[2] or cells[1], where, line, "调休上班日"), line))
    return _whole(where, title, published, ranges, makeup, None)


def _scalar(node: Node, where: str, what: str) -> str:
    if not isinstance(node, ScalarNode):
        raise _refuse(where, node.start_mark.line + 1, f"{what} 应为一个值")
    return str(node.value)


def _yaml(text: str, where: str) -> NoticeFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise _refuse(where, line, f"不是有效的 YAML（{getattr(exc, 'problem', exc)}）") from None
    if not isinstance(root, MappingNode):
        raise InvalidInput(
            f"{where}：应为一个映射，含 title、published_on、days_off、makeup_workdays"
        )
    title: str | None = None
    published: date | None = None
    year: int | None = None
    ranges: list[OffRange] = []
    makeup: list[MakeupDay] = []
    for key_node, value in root.value:
        key, line = _scalar(key_node, where, "键"), key_node.start_mark.line + 1
        if key not in _YAML_KEYS:
            raise _refuse(where, line, f"未知的键 {key!r}（可用：{'、'.join(_YAML_KEYS)}）")
        if key == "title":
            title = _title(_scalar(value, where, "title"), where, line)
        elif key == "published_on":
            published = _date(_scalar(value, where, "published_on"), where, line, "发布日期")
        elif key == "year":
            text_year = _scalar(value, where, "year")
            if not text_year.isdigit():
                raise _refuse(where, line, f"年份 {text_year!r} 不是一个年份")
            year = int(text_year)
        elif key == "days_off":
            ranges = [_range(item, where) for item in _items(value, where, key)]
        else:
            makeup = [
                MakeupDay(
                    _date(
                        _scalar(item, where, "调休上班日"),
                        where,
                        item.start_mark.line + 1,
                        "调休上班日",
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
        raise _refuse(where, node.start_mark.line + 1, f"{key} 应为一个列表")
    return list(node.value)


def _range(node: Node, where: str) -> OffRange:
    line = node.start_mark.line + 1
    if not isinstance(node, MappingNode):
        raise _refuse(where, line, "放假范围应写作 {name: 元旦, from: 日期, to: 日期}")
    fields: dict[str, str] = {}
    for key_node, value in node.value:
        key = _scalar(key_node, where, "键")
        if key not in _RANGE_KEYS:
            raise _refuse(where, line, f"放假范围中未知的键 {key!r}（可用：name、from、to）")
        fields[key] = _scalar(value, where, key)
    if "from" not in fields:
        raise _refuse(where, line, "放假范围缺少 from（起日）")
    first = _date(fields["from"], where, line, "放假起日")
    last = _date(fields.get("to", fields["from"]), where, line, "放假止日")
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
        raise InvalidInput(f"{where}：缺少通知标题（title）")
    if published is None:
        raise InvalidInput(f"{where}：缺少通知发布日期（published_on）")
    if not ranges:
        raise InvalidInput(f"{where}：没有任何放假范围（days_off / off）")
    return NoticeFile(title, published, tuple(ranges), tuple(makeup), year)

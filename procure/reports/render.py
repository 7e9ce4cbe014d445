"""Render an evaluation record: Jinja2 to HTML, WeasyPrint to a reproducible PDF.

Templates get plain data only, with autoescaping on and ``StrictUndefined``, so a name
such as ``<script>`` or ``{{7*7}}`` prints literally and a missing field is an error.
The PDF is PDF/A-3b with the record's data attached as JSON; its dates and file
identifier come from the record, never the clock, so the same data gives the same bytes.
Jinja2 and WeasyPrint are imported only when a record is rendered.
"""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from procure.domain.audit_chain import canonical_json
from procure.domain.checkpoint import fingerprint
from procure.domain.dates import chinese_date
from procure.domain.money import format_yuan
from procure.reports.data import verification_code
from procure.reports.fonts import font_setup
from procure.resources import resource_dir

if TYPE_CHECKING:
    from jinja2 import Environment
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

_LOGGER = logging.getLogger(__name__)
ATTACHMENT_NAME = "evaluation-record.json"
CHECKPOINT_KEY = "checkpoint"
TEMPLATE = "reports/record.html"
_CHART = {"width": 470.0, "left": 120.0, "label_right": 112.0, "row": 22.0, "top": 4.0}
_BAR_SPACE = 300.0  # points of bar for the widest dimension
# Headings and bold text print in the sans family (黑体), body text in the serif (宋体): every
# bold selector of record.css is here, so no serif bold face is embedded (each CJK face
# embedded adds some 150 kB to the file and 0.05 s to its printing).
_SANS = (
    "h1",
    "h2",
    "h3",
    "th",
    "strong",
    "b",
    "tr.total td",
    "tr.awarded td",
    "td.capitals",
    "p.veto",
    ".band-fail",
    ".seal .role",
    ".conclusion td.grade",
    ".conclusion td.decision",
    "p.dim-head .dim-name",
    "p.narrative .by",
    "p.comment .by",
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment for reports: autoescaped, strict about missing fields."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = lambda amount: format_yuan(Decimal(str(amount)))
    env.filters["zh_date"] = _zh_date
    return env


class _Printer(NamedTuple):
    """What every render in a process shares: the parsed stylesheets and the fonts."""

    stylesheets: list[CSS]
    font_config: FontConfiguration


@lru_cache(maxsize=1)
def printer() -> _Printer:
    """Parse the record's stylesheet and load the fonts, once per process.

    Raises:
        PrintingUnavailable: no CJK font is installed.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = font_setup()
    font_config = FontConfiguration()
    folder = resource_dir("templates") / "reports"
    record_css = CSS(filename=str(folder / "record.css"), font_config=font_config)
    font_css = CSS(
        string=(
            f'html, svg text {{ font-family: "{fonts.serif}", serif; }}\n'
            f'@page {{ font-family: "{fonts.serif}", serif; }}\n'
            f'{", ".join(_SANS)} {{ font-family: "{fonts.sans}", "{fonts.serif}", sans-serif; }}\n'
        ),
        font_config=font_config,
    )
    return _Printer([record_css, font_css], font_config)


def _zh_date(value: str) -> str:
    """ISO date or date-time text -> 2019年3月1日."""
    return chinese_date(date.fromisoformat(str(value)[:10]))


def chart(record: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the bar chart of dimension scores against their maxima (plain data).

    A dimension answered "not applicable" keeps its outline, hatched, labelled 不适用.
    """
    assessment = record["assessment"]
    dimensions = assessment["dimensions"] if assessment else []
    widest = max((Decimal(d["weight"]) for d in dimensions), default=Decimal(1))
    scale = _BAR_SPACE / float(widest)
    top, row = _CHART["top"], _CHART["row"]
    bars = []
    for i, dimension in enumerate(dimensions):
        weight = float(Decimal(dimension["weight"]))
        score = float(Decimal(dimension["score"])) if dimension["score"] is not None else 0.0
        text = (
            f"{dimension['score']} / {dimension['weight']}"
            if dimension["score"] is not None
            else f"不适用 / {dimension['weight']}"
        )
        bars.append(
            {
                "label": dimension["label_zh"],
                "y": round(top + i * row, 2),
                "max_width": round(weight * scale, 2),
                "score_width": round(score * scale, 2),
                "not_applicable": dimension["score"] is None,
                "text": text,
                "text_x": round(_CHART["left"] + weight * scale + 4, 2),
            }
        )
    bottom = round(top + len(dimensions) * row, 2)
    step = 5
    ticks = [
        {"x": round(_CHART["left"] + points * scale, 2), "label": str(points)}
        for points in range(0, int(widest) + 1, step)
    ]
    return {**_CHART, "bars": bars, "bottom": bottom, "height": bottom + 16, "ticks": ticks}


def render_html(
    record: dict[str, Any],
    code: str | None = None,
    *,
    stylesheet_link: bool = True,
    checkpoint: dict[str, Any] | None = None,
) -> str:
    """Fill the record template with the record's data.

    ``stylesheet_link`` links ``record.css`` from the page (for a browser); the PDF is
    rendered without it, with the stylesheet parsed once per process instead.
    ``checkpoint`` (its exported form) is printed as a line on the last page.

    Raises:
        jinja2.UndefinedError: the record lacks a field the template prints.
    """
    template = environment().get_template(TEMPLATE)
    return template.render(
        record=record,
        code=code or verification_code(record),
        chart=chart(record),
        fonts={"body": font_setup().serif},
        stylesheet_link=stylesheet_link,
        checkpoint=checkpoint,
        key_fingerprint=fingerprint(str(checkpoint["public_key"])) if checkpoint else "",
    )


def render_pdf(record: dict[str, Any], checkpoint: dict[str, Any] | None = None) -> bytes:
    """Render a record as PDF bytes; the same record and checkpoint always give the same bytes.

    The attached data is the record with the checkpoint beside it (key ``checkpoint``); the
    verification code hashes the record alone (see :func:`attached_data`).

    Raises:
        PrintingUnavailable: no CJK font is installed.
    """
    from weasyprint import HTML, Attachment

    shared = printer()
    code = verification_code(record)
    stamp = _record_moment(record)
    attachment = Attachment(
        string=canonical_json(attached_data(record, checkpoint)),
        name=ATTACHMENT_NAME,
        description="绩效评价记录数据 (procure evaluation record data, canonical JSON)",
        created=stamp,
        modified=stamp,
        relationship="Data",
    )
    html = HTML(
        string=render_html(record, code, stylesheet_link=False, checkpoint=checkpoint),
        base_url=str(resource_dir("templates") / "reports"),
    )
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for PDF/A and never closes it; the file is
        # freed within this call, so only its ResourceWarning is silenced, only here.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf: bytes = html.write_pdf(
            stylesheets=shared.stylesheets,
            font_config=shared.font_config,
            attachments=[attachment],
            pdf_variant="pdf/a-3b",
            pdf_identifier=file_identifier(code).encode(),
        )
    return pdf


def attached_data(record: dict[str, Any], checkpoint: dict[str, Any] | None) -> dict[str, Any]:
    """What travels inside the PDF: the record, and the audit checkpoint taken as it was printed.

    The checkpoint sits outside the verification code: the code names the record's content,
    which does not change when unrelated steps move the audit chain's head; the checkpoint
    is signed on its own, and the page comparison of ``procure report verify`` binds it to
    the file.
    """
    return {**record, CHECKPOINT_KEY: checkpoint}


def file_identifier(code: str) -> str:
    """The PDF file identifier of a record with verification code ``code`` (its first 32 hex
    digits): it sits in the file's trailer, where a batch re-run reads it cheaply."""
    return code[:32]


def warm_up() -> None:
    """Load WeasyPrint, the stylesheet and every face a record uses, so that the next render
    in this process is a warm one (a batch's workers call it once as they start)."""
    from weasyprint import HTML

    shared = printer()
    sample = (
        '<h1>标题</h1><p>正文 <strong>粗体</strong> <span class="mono">0123abcdef</span></p>'
        '<svg width="20" height="10"><text x="0" y="8">分</text></svg>'
    )
    HTML(string=sample).write_pdf(stylesheets=shared.stylesheets, font_config=shared.font_config)


def _record_moment(record: dict[str, Any]) -> datetime:
    """The record's own moment (its last recorded step), in UTC, for the PDF's dates."""
    return datetime.fromisoformat(record["as_of"]).astimezone(UTC).replace(tzinfo=None)

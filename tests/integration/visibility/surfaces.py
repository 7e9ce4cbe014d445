"""Every surface the matrix renders, as one viewer reads it: pages, exports and commands.

A reader answers with a status and the text a person gets (HTML, JSON, the cells of an
xlsx, the text of a PDF); a refusal's text is its error message, which must be the one a
project (or job) that does not exist gets.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import load_workbook
from sqlalchemy import Engine

from procure.domain.visibility import RECORD_FACTS
from tests.e2e.cli import procure
from tests.integration.records import pdf_text
from tests.integration.visibility.conftest import Browsers
from tests.integration.visibility.world import AWARDED_ONLY, FINISHED, REVIEWING

UNKNOWN = "SM-2099-999"
SHOWN = 200


@dataclass(frozen=True)
class Answer:
    """What a viewer got: a status (200: shown; else the refusal's) and its text."""

    status: int
    text: str


Reader = Callable[[Browsers, Engine, str, str], Answer]


@dataclass(frozen=True)
class Surface:
    """A page, export or command, the kinds of fact it shows at all, how to read it as a
    viewer, and what shows or refuses it whole."""

    name: str
    shows: frozenset[str]
    read: Reader
    organizations_only: bool = False  # the organization's own page: its own facts, all projects
    listing: bool = False  # a list of every project in reach: never refused
    whole: str | None = None  # a page that is one fact of this kind: refused without it
    exists_on: frozenset[str] = frozenset({REVIEWING, AWARDED_ONLY, FINISHED})
    only: frozenset[str] = frozenset()  # the facts (by name) it can show, when not all of them


@functools.cache
def _pdf_text(pdf: bytes) -> str:
    """The text of a PDF, read once per file (every reader of a record gets the same bytes)."""
    return pdf_text(pdf)


def _page(suffix: str, *, pdf: bool = False) -> Reader:
    def read(browsers: Browsers, _world: Engine, login: str, code: str) -> Answer:
        response = browsers.get(login, f"/projects/{code}{suffix}")
        if response.status_code != SHOWN:
            return Answer(response.status_code, str(response.text))
        return Answer(SHOWN, _pdf_text(response.content) if pdf else str(response.text))

    return read


def _mine(browsers: Browsers, _world: Engine, login: str, _code: str) -> Answer:
    response = browsers.get(login, "/mine")
    return Answer(response.status_code, str(response.text))


def _xlsx(browsers: Browsers, _world: Engine, login: str, _code: str) -> Answer:
    response = browsers.get(login, "/projects.xlsx")
    if response.status_code != SHOWN:
        return Answer(response.status_code, str(response.text))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return Answer(SHOWN, "\n".join(cells))


def _csv(browsers: Browsers, _world: Engine, login: str, _code: str) -> Answer:
    response = browsers.get(login, "/projects.csv")
    return Answer(response.status_code, str(response.text))


def _command(name: str) -> Reader:
    def read(_browsers: Browsers, world: Engine, login: str, code: str) -> Answer:
        db = world.url.render_as_string(hide_password=False)
        run = procure(name, code, "--by", login, "--json", db=db)
        if run.code != 0:
            return Answer(run.code, run.stderr)
        return Answer(SHOWN, json.dumps(run.json(), ensure_ascii=False))

    return read


PANEL_FACTS = {"proposal", "review_sheet", "reviewer_identity", "panel_result", "spread_flags"}
DETAIL_FACTS = {"proposal", "review_sheet", "reviewer_identity", "panel_result", "contract"}
CONTRACT_LIFE = {"payment", "inspection", "assessment"}
CHANGES = {"correction", "amendment"}
FILES = frozenset(
    {"proposal_documents", "contract_documents", "inspection_documents"}
    | {"assessment_documents", "comment_documents", "objection_documents"}
)
"""The attached files' kinds: only the surfaces that list files show them."""
SURFACES = (
    Surface(
        "project page",
        frozenset(DETAIL_FACTS | CONTRACT_LIFE | CHANGES | {"audit_row", "objection_documents"}),
        _page(""),  # the objection's letters are listed with the objection
    ),
    Surface("panel page", frozenset(PANEL_FACTS | {"recusal"}), _page("/panel")),
    Surface("documents tab", FILES, _page("/documents")),
    Surface(
        "evaluation record (PDF text)",
        frozenset(RECORD_FACTS) | FILES - {"objection_documents"},
        _page("/record", pdf=True),
        whole="evaluation_record",
        exists_on=frozenset({FINISHED}),
    ),
    Surface(
        "procure show --json --by",
        frozenset(DETAIL_FACTS | CONTRACT_LIFE | CHANGES),
        _command("show"),
    ),
    Surface(
        "procure history --json --by",
        frozenset(
            {"proposal", "review_sheet", "reviewer_identity", "recusal", "contract"}
            | CONTRACT_LIFE
            | CHANGES
            | {"organization_comment", "objection", "audit_row"}
            | FILES  # each upload's row of the trail names its file
        ),
        _command("history"),
    ),
    Surface(
        "我的项目 /mine",
        frozenset({"proposal", "contract", "payment", "inspection"}),
        _mine,
        organizations_only=True,
    ),
    Surface(
        "project list (CSV)",
        frozenset({"contract"}),
        _csv,
        listing=True,
        only=frozenset({"the contract's amount"}),
    ),
    Surface(
        "project list (xlsx)",
        frozenset({"contract"}),
        _xlsx,
        listing=True,
        only=frozenset({"the contract's amount"}),
    ),
)


def unknown_answer(surface: Surface, browsers: Browsers, world: Engine, login: str) -> Answer:
    """What ``login`` gets from ``surface`` for a project code that does not exist."""
    return surface.read(browsers, world, login, UNKNOWN)


def same_refusal(hidden: Answer, missing: Answer, code: str) -> bool:
    """Whether a refusal says exactly what the unknown code's does, but for the code."""
    return hidden.status == missing.status != SHOWN and hidden.text.replace(
        code, UNKNOWN
    ) == missing.text.replace(code, UNKNOWN)

"""Searching projects by part of a code or title: through the trigram index from three
characters on (Chinese included), by a plain scan for one or two, the same projects
either way, and new projects found at once."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from procure.services.browse import listing
from procure.services.browse.listing import ProjectFilters, list_page
from procure.services.browse.visibility import viewer_scope
from procure.store.models import Project
from tests.integration.browse_world import build_world
from tests.integration.builders import AUDITOR, Plan, create_project

SEARCHES = (
    "职工成长方程式",  # a whole Chinese title
    "职工心理",  # part of one
    "成长",  # two characters: no trigram, a scan
    "爱",  # one
    "加油站",
    "sm-wc-2019",  # a code, in small letters
    "SM-",
    "2020",
    "Social Work",
    "social work 社工",
    "WORK 社",
    '"社工"',  # quotes are text, not search syntax
    "100%",
    "a_b",
    "不存在的项目",
)


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    create_project(session, Plan(code="SM-2019-002"), title="Social Work 社工服务")
    create_project(session, Plan(code="SM-2019-003"), title="职工心理健康关爱")
    return session


def found(session: Session, searched: str) -> list[str]:
    page = list_page(session, viewer_scope(session, AUDITOR.name), ProjectFilters(q=searched))
    return [row.code for row in page.rows]


def holding(session: Session, searched: str) -> list[str]:
    """The projects whose code or title holds ``searched`` (ignoring case), read plainly."""
    wanted = searched.strip().casefold()
    return sorted(
        project.code
        for project in session.exec(select(Project))
        if wanted in project.code.casefold() or wanted in project.title.casefold()
    )


@pytest.mark.parametrize("narrow", [0, 2000])
def test_a_search_finds_every_project_holding_the_text_and_no_other(
    world: Session, monkeypatch: pytest.MonkeyPatch, narrow: int
) -> None:
    monkeypatch.setattr(listing, "SEARCH_NARROW", narrow)  # few matches, or many

    for searched in SEARCHES:
        assert found(world, searched) == holding(world, searched), searched
    assert found(world, "职工心理") == ["SM-2019-003", "SM-ZS-2019-001"]
    assert found(world, "成长") == ["HL-2019-001", "SM-2019-001", "SM-WC-2019-001"]


def test_a_new_project_is_found_at_once(world: Session) -> None:
    create_project(world, Plan(code="SM-2019-004"), title="新就业形态劳动者暖心驿站")

    assert found(world, "暖心驿站") == ["SM-2019-004"]
    assert found(world, "sm-2019-004") == ["SM-2019-004"]


def test_a_search_of_three_characters_reads_the_trigram_index(
    world: Session, engine: Engine
) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            matched = connection.execute(
                text("SELECT rowid FROM project_search WHERE project_search MATCH :q"),
                {"q": '"心理健"'},
            ).all()
            assert len(matched) == 1
            return
        connection.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: force the index
        plan = connection.execute(
            text("EXPLAIN SELECT id FROM project WHERE title LIKE :title OR code LIKE :code"),
            {"title": "%心理健%", "code": "%SM-2%"},
        ).all()
    shown = "\n".join(row[0] for row in plan)
    assert "ix_project_title_trgm" in shown and "ix_project_code_trgm" in shown

"""Loading a fixture file: all of it or nothing, and a bad entry is named with its problem."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.language import Language, use_language
from procure.domain.uscc import make_uscc
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.loading.fixture import load_fixture
from procure.store import queries
from procure.store.audit import verify_chain
from tests.integration.builders import ADMIN, REVIEW_GOOD, setup_registry, snapshot


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


ANHE = make_uscc("52350203MJ0700001")
HEXIE = make_uscc("52350203MJ0700002")


def good_fixture() -> dict[str, Any]:
    """A small consistent fixture: one station, two organizations, one project in service."""
    reviews = [{"reviewer": name, "scores": dict(REVIEW_GOOD)} for name in ("甲", "乙", "丙")]
    return {
        "format": "procure-fixture/1",
        "year": 2019,
        "people": {"officer": "李秀梅", "leader": "张志远", "supervisor": "王丽华"},
        "purchasers": [{"code": "SM-FX", "name": "测试街道工会", "annual_funds": "500000.00"}],
        "organizations": [
            {"uscc": ANHE, "name": "安和社工中心"},
            {"uscc": HEXIE, "name": "和谐社工中心"},
        ],
        "projects": [
            {
                "code": "SM-FX-2019-001",
                "purchaser": "SM-FX",
                "title": "职工关爱服务",
                "budget": "300000.00",
                "proposals": [{"organization": ANHE, "price": "290000.00", "reviews": reviews}],
                "award": ANHE,
                "contract": {
                    "number": "HT-FX-1",
                    "amount": "290000.00",
                    "start": date(2019, 3, 1),
                    "end": date(2019, 12, 31),
                    "signed_on": date(2019, 2, 25),
                },
                "payments": [{"amount": "145000.00", "paid_on": date(2019, 3, 5)}],
                "inspections": [{"inspected_on": date(2019, 6, 1), "findings": "台账齐全"}],
            }
        ],
    }


def write(tmp_path: Path, document: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_a_consistent_fixture_loads_every_entry(session: Session, tmp_path: Path) -> None:
    summary = load_fixture(session, write(tmp_path, good_fixture(), "good.yaml"), SETUP_ACTOR)

    assert (summary.purchasers, summary.organizations, summary.projects) == (1, 2, 1)
    assert queries.project_by_code(session, "SM-FX-2019-001").state == "in_service"
    assert verify_chain(session).ok


Mutation = Callable[[dict[str, Any]], None]


def _unknown_top_key(doc: dict[str, Any]) -> None:
    doc["budgets"] = []


def _unknown_project_key(doc: dict[str, Any]) -> None:
    doc["projects"][0]["budjet"] = "1.00"


def _invalid_uscc(doc: dict[str, Any]) -> None:
    good = doc["organizations"][1]["uscc"]
    doc["organizations"][1]["uscc"] = good[:17] + ("0" if good[17] != "0" else "1")


def _unknown_purchaser(doc: dict[str, Any]) -> None:
    doc["projects"][0]["purchaser"] = "SM-NOPE"


def _duplicate_project(doc: dict[str, Any]) -> None:
    second = copy.deepcopy(doc["projects"][0])
    second["contract"]["number"] = "HT-FX-2"
    doc["projects"].append(second)


def _award_without_proposal(doc: dict[str, Any]) -> None:
    doc["projects"][0]["award"] = HEXIE


BAD_FIXTURES: list[tuple[str, Mutation, str]] = [
    ("unknown-top-level-key", _unknown_top_key, r"bad\.yaml: \(top level\): unknown key 'budgets'"),
    (
        "unknown-project-key",
        _unknown_project_key,
        r"bad\.yaml: projects\[0\] \(SM-FX-2019-001\): entry: unknown key 'budjet'",
    ),
    (
        "invalid-uscc",
        _invalid_uscc,
        r"bad\.yaml: organizations\[1\] \(\w{18}\)：统一社会信用代码 \w{18}：校验码为 \w，"
        r"应为 \w",
    ),
    (
        "unknown-purchaser",
        _unknown_purchaser,
        r"bad\.yaml: projects\[0\] \(SM-FX-2019-001\): unknown purchaser 'SM-NOPE'",
    ),
    (
        "duplicate-project-code",
        _duplicate_project,
        r"bad\.yaml: projects\[1\] \(SM-FX-2019-001\)：项目 SM-FX-2019-001 已存在",
    ),
    (
        "award-without-proposal",
        _award_without_proposal,
        r"bad\.yaml: projects\[0\] \(SM-FX-2019-001\)：不能办理「确定中选组织」："
        r"和谐社工中心 未就 SM-FX-2019-001 提交申报方案",
    ),
]


IN_CHINESE = {"invalid-uscc", "duplicate-project-code", "award-without-proposal"}
"""The cases whose message is asserted in Chinese, the default (the others in English)."""


@pytest.mark.parametrize(
    ("mutate", "message", "language"),
    [
        pytest.param(m, msg, "zh_CN" if name in IN_CHINESE else "en", id=name)
        for name, m, msg in BAD_FIXTURES
    ],
)
def test_a_bad_fixture_names_file_entry_and_problem_and_loads_nothing(
    session: Session,
    engine: Engine,
    tmp_path: Path,
    mutate: Mutation,
    message: str,
    language: Language,
) -> None:
    setup_registry(session)  # something already stored, which must stay as it was
    document = good_fixture()
    mutate(document)
    path = write(tmp_path, document)
    before = snapshot(session, engine)

    with use_language(language), pytest.raises(InvalidInput) as refused:
        load_fixture(session, path, ADMIN)

    assert re.match(message, str(refused.value)), str(refused.value)
    assert snapshot(session, engine) == before


def test_a_fixture_that_is_not_yaml_is_named(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("projects: [\n", encoding="utf-8")

    with pytest.raises(InvalidInput, match=r"broken\.yaml: not valid YAML at line"):
        load_fixture(session, path, SETUP_ACTOR)


def test_a_fixture_of_another_format_is_refused(session: Session, tmp_path: Path) -> None:
    document = good_fixture()
    document["format"] = "procure-fixture/9"

    with pytest.raises(InvalidInput, match=r"bad\.yaml: format: expected 'procure-fixture/1'"):
        load_fixture(session, write(tmp_path, document), SETUP_ACTOR)


def test_the_same_fixture_loads_the_same_trail_accounts_included(tmp_path: Path) -> None:
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade
    from procure.store.models import AuditHead

    heads = []
    for run in ("first", "second"):
        engine = make_engine(f"sqlite:///{tmp_path}/{run}.db")
        upgrade(engine)
        with new_session(engine) as session:
            summary = load_fixture(session, write(tmp_path, good_fixture()), SETUP_ACTOR)
            head = session.get(AuditHead, 1)
            assert head is not None
            heads.append((head.seq, head.last_hash))
        engine.dispose()
        assert summary.accounts > 0  # registered as the steps met them

    assert heads[0] == heads[1]

"""A scorecard version's content is pinned by the first sheet scored on it: an edit without a new
version is refused, a new version is accepted and earlier sheets keep theirs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.workflow.context import Actor
from procure.workflow.rules import default_rules
from tests.integration.builders import (
    CODE,
    QIHANG,
    REVIEW_GOOD,
    project_at,
    snapshot,
)
from tests.integration.test_scoring_panel import (
    CHEN,
    LABEL_EDIT,
    VERSION_BUMP,
    WEIGHT_SPLIT,
    ZHOU,
    edited_rules,
    pinned,
    reviews,
)


def test_the_first_sheet_pins_the_content_of_the_scorecard_version(session: Session) -> None:
    project_at(session, "reviewing")
    assert pinned(session) == []

    lc.record_review(session, CODE, CHEN, organization=QIHANG, scores=REVIEW_GOOD)
    lc.record_review(session, CODE, ZHOU, organization=QIHANG, scores=REVIEW_GOOD)

    (row,) = pinned(session)
    source = default_rules().sources["review"]
    assert (row.version, row.digest, row.definition) == (2, source.digest, source.definition)
    assert json.loads(row.definition)["criteria"][0]["code"] == "price"


@pytest.mark.parametrize(
    "edits", [(LABEL_EDIT,), WEIGHT_SPLIT], ids=["a_label", "the_weight_split"]
)
def test_a_scorecard_edited_without_a_new_version_is_refused_once_used(
    session: Session, engine: Engine, tmp_path: Path, edits: tuple[tuple[str, str], ...]
) -> None:
    project_at(session, "reviewed")
    rules = edited_rules(tmp_path, *edits)
    before = snapshot(session, engine)

    with pytest.raises(Refused) as refused:
        lc.record_review(
            session,
            CODE,
            Actor("郑丽娟", "reviewer"),
            organization=QIHANG,
            scores={**REVIEW_GOOD, "service_plan": 15},
            rules=rules,
        )

    message = str(refused.value)
    assert "评审评分表（第 2 版）在首次使用" in message and "后被修改" in message
    assert "请给修改后的文件一个新版本号" in message
    assert snapshot(session, engine) == before


def test_an_edit_with_a_new_version_is_accepted_and_earlier_sheets_keep_theirs(
    session: Session, tmp_path: Path
) -> None:
    project_at(session, "reviewed")
    earlier = {
        (r.reviewer, r.proposal_id): (r.total, r.scorecard_version) for r in reviews(session)
    }
    rules = edited_rules(tmp_path, *WEIGHT_SPLIT, VERSION_BUMP)
    scores = {**REVIEW_GOOD, "needs_analysis": 14, "service_plan": 14}  # 66 judged

    lc.record_review(
        session, CODE, Actor("郑丽娟", "reviewer"), organization=QIHANG, scores=scores, rules=rules
    )

    session.expire_all()
    rows = reviews(session)
    new = next(r for r in rows if r.reviewer == "郑丽娟")
    assert (new.total, new.scorecard_version) == (Decimal("86.00"), 3)
    kept = {(r.reviewer, r.proposal_id): (r.total, r.scorecard_version) for r in rows if r != new}
    assert kept == earlier
    assert set(kept.values()) == {(Decimal("85.00"), 2), (Decimal("84.73"), 2)}
    assert [(row.version, row.digest) for row in pinned(session)] == [
        (2, default_rules().sources["review"].digest),
        (3, rules.sources["review"].digest),
    ]

"""Every step by an active account holding the role for the project's purchaser."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR, SETUP_LOGIN
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.services.trail import audit_views
from procure.services.trail.audit_views import AuditReach, TrailFilter
from procure.store import audit
from procure.store.models import OrganizationComment
from procure.store.trust_models import User
from procure.workflow.context import Actor
from tests.integration.builders import (
    ADMIN,
    OFFICER,
    PURCHASER,
    QIHANG,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    project_at,
    setup_registry,
    snapshot,
)
from tests.passwords import INSTALLED_HASHER

STATION = "SM-WC"


def _station(session: Session) -> None:
    registry.add_purchaser(
        session, registry.PurchaserCreate(STATION, "梧村街道工会", "2000000.00", PURCHASER), ADMIN
    )
    session.commit()


def _person(session: Session, login: str, name: str, role: str, purchaser: str | None) -> Actor:
    accounts.add_user(session, login, name, ADMIN)
    accounts.grant(session, login, role, ADMIN, purchaser=purchaser)
    session.commit()
    return Actor(login, role)


def test_a_grant_on_another_purchaser_is_refused_naming_what_is_missing(
    session: Session, engine: Engine
) -> None:
    setup_registry(session)
    _station(session)
    plan = create_project(session, Plan(purchaser=STATION, code="SM-2019-101"))
    drive(session, plan, "proposed")
    wangwu = _person(session, "wangwu", "王五", "officer", PURCHASER)
    before = snapshot(session, engine)

    with pytest.raises(Refused) as refused:
        lc.approve(session, plan.code, Actor("wangwu", "leader"))

    assert str(refused.value) == (
        "批准立项 被拒绝：wangwu（王五）没有覆盖 SM-WC 的分管领导授权"
        "（现有授权：项目干事（SM-FED））"
    )
    with use_language("en"), pytest.raises(Refused) as refused:
        lc.approve(session, plan.code, Actor("wangwu", "leader"))
    assert str(refused.value) == (
        "Approve refused: wangwu (王五) holds no Leader in charge grant for SM-WC "
        "(grants: Project officer for SM-FED)"
    )
    assert snapshot(session, engine) == before
    assert wangwu.role == "officer"


def test_a_grant_on_a_federation_covers_the_stations_below_it(session: Session) -> None:
    setup_registry(session)
    _station(session)
    plan = create_project(session, Plan(purchaser=STATION, code="SM-2019-102"))
    drive(session, plan, "proposed")
    leader = _person(session, "zhaoliu", "赵六", "leader", PURCHASER)

    assert lc.approve(session, plan.code, leader).to_state == "approved"


def test_a_grant_on_a_station_does_not_cover_its_federation(session: Session) -> None:
    plan = project_at(session, "proposed", Plan(code="SM-2019-103"))
    _station(session)
    leader = _person(session, "sunqi", "孙七", "leader", STATION)

    with pytest.raises(Refused, match="sunqi（孙七）没有覆盖 SM-FED 的分管领导授权"):
        lc.approve(session, plan.code, leader)


def test_an_unknown_login_is_refused(session: Session) -> None:
    plan = project_at(session, "proposed")
    with pytest.raises(Refused, match="没有账号 'nobody'"):
        lc.approve(session, plan.code, Actor("nobody", "leader"))


def test_a_deactivated_account_can_no_longer_act(session: Session, engine: Engine) -> None:
    plan = project_at(session, "proposed")
    leader = _person(session, "qianba", "钱八", "leader", PURCHASER)
    accounts.deactivate(session, "qianba", ADMIN)
    session.commit()
    before = snapshot(session, engine)

    with pytest.raises(Refused, match="账号 qianba（钱八）已停用"):
        lc.approve(session, plan.code, leader)
    assert snapshot(session, engine) == before


def test_a_revoked_grant_no_longer_allows_the_step(session: Session) -> None:
    plan = project_at(session, "proposed")
    leader = _person(session, "zhoujiu", "周九", "leader", PURCHASER)
    accounts.revoke(session, "zhoujiu", "leader", ADMIN, purchaser=PURCHASER)
    session.commit()

    with pytest.raises(Refused, match="没有覆盖 SM-FED 的分管领导授权（现有授权：无）"):
        lc.approve(session, plan.code, leader)


def test_one_reviewer_under_a_spacing_variant_is_still_one_reviewer(session: Session) -> None:
    plan = project_at(session, "reviewing")
    first = REVIEWERS[0]
    lc.record_review(session, plan.code, first, organization=QIHANG, scores=REVIEW_GOOD)

    for variant in (f"{first.name} ", f"{first.name}\u3000", f" {first.name}"):
        with pytest.raises(Refused, match="已为.*的申报方案评分"):
            lc.record_review(
                session,
                plan.code,
                Actor(variant, "reviewer"),
                organization=QIHANG,
                scores=REVIEW_GOOD,
            )


def test_a_zero_width_variant_of_a_reviewer_is_refused(session: Session) -> None:
    plan = project_at(session, "reviewing")
    with pytest.raises(InvalidInput, match="含有不可见字符或控制字符"):
        lc.record_review(
            session,
            plan.code,
            Actor("陈\u200b建华", "reviewer"),
            organization=QIHANG,
            scores=REVIEW_GOOD,
        )


def test_a_recusal_names_a_registered_reviewer(session: Session) -> None:
    plan = project_at(session, "reviewing")
    with pytest.raises(Refused, match="没有账号 '评审甲'：回避须写明评审专家的账号"):
        lc.record_recusal(
            session, plan.code, OFFICER, organization=QIHANG, reviewer="评审甲", reason="亲属"
        )


def test_only_the_organization_itself_may_acknowledge_its_assessment(session: Session) -> None:
    plan = project_at(session, "assessment_recorded")

    with pytest.raises(Refused, match="没有覆盖 .* 的承接方授权"):
        lc.record_comment(
            session, plan.code, organization_actor(TONGXIN), text="无异议", acknowledged=True
        )
    with pytest.raises(Refused, match="项目干事代为录入承接方意见时，须写明来函文号"):
        lc.record_comment(session, plan.code, OFFICER, text="无异议", acknowledged=True)

    lc.record_comment(
        session, plan.code, organization_actor(QIHANG), text="无异议", acknowledged=True
    )
    stored = session.exec(select(OrganizationComment)).one()
    assert (stored.recorded_by, stored.recorded_role, stored.document_ref) == (
        QIHANG.lower(),
        "organization",
        None,
    )


def test_an_officer_records_an_acknowledgement_with_the_letters_reference(
    session: Session,
) -> None:
    plan = project_at(session, "assessment_recorded")
    lc.advance(
        session,
        plan.code,
        "record_comment",
        OFFICER,
        params={"text": "无异议", "acknowledged": True, "document": "启航函〔2019〕12号"},
    )
    stored = session.exec(select(OrganizationComment)).one()
    assert (stored.recorded_role, stored.document_ref) == ("officer", "启航函〔2019〕12号")


def test_the_setup_actor_works_only_until_there_is_an_administrator(session: Session) -> None:
    accounts.add_user(session, "root", "管理员", SETUP_ACTOR)
    accounts.grant(session, "root", "admin", SETUP_ACTOR)
    session.commit()

    with pytest.raises(Refused, match="请写明办理的账号"):
        accounts.add_user(session, "intruder", "入侵者", SETUP_ACTOR)
    accounts.add_user(session, "someone", "某人", Actor("root", "admin"))


def test_only_an_administrator_manages_accounts(session: Session) -> None:
    setup_registry(session)
    with pytest.raises(Refused, match="管理账号需要管理员角色"):
        accounts.add_user(session, "friend", "朋友", OFFICER)
    with pytest.raises(Refused, match="的管理员授权"):
        accounts.grant(session, OFFICER.name, "leader", Actor(OFFICER.name, "admin"))


def test_account_changes_are_audited_with_login_and_display_name(session: Session) -> None:
    setup_registry(session)
    _person(session, "wangwu", "王五", "leader", PURCHASER)
    rows = [r for r in lc.audit.iter_log(session) if r.trigger.startswith("user_")][-2:]
    assert [(r.trigger, r.actor) for r in rows] == [("user_add", "admin"), ("user_grant", "admin")]
    assert '"actor_name":"系统管理员"' in rows[1].data
    assert '"role":"leader"' in rows[1].data and '"purchaser":"SM-FED"' in rows[1].data


def test_a_password_is_stored_only_as_an_argon2_hash(session: Session) -> None:
    setup_registry(session)
    accounts.set_password(session, OFFICER.name, "correct horse battery", ADMIN)
    session.commit()
    stored = session.exec(select(User).where(User.login == OFFICER.name)).one()

    assert stored.password_hash is not None and stored.password_hash.startswith("$argon2id$")
    assert "correct horse" not in stored.password_hash
    assert accounts.check_password(session, OFFICER.name, "correct horse battery")
    assert not accounts.check_password(session, OFFICER.name, "wrong horse battery")
    with pytest.raises(InvalidInput, match="密码至少需要 10 个字符"):
        accounts.set_password(session, OFFICER.name, "short", ADMIN)


def test_the_app_hashes_a_password_with_argon2id_at_the_recommended_cost() -> None:
    # the tests hash at the lowest cost (tests/passwords.py); the app itself never does
    hasher = INSTALLED_HASHER()
    hashed = hasher.hash("correct horse battery")

    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hasher.verify("correct horse battery", hashed)
    assert not hasher.verify("wrong horse battery", hashed)


def test_granting_to_an_unknown_account_is_refused(session: Session) -> None:
    setup_registry(session)
    with pytest.raises(NotFound, match="没有此账号：'ghost'"):
        accounts.grant(session, "ghost", "officer", ADMIN, purchaser=PURCHASER)


def test_the_setup_actor_is_recorded_by_its_login_and_named_in_the_reader_s_language(
    session: Session,
) -> None:
    accounts.add_user(session, "root", "管理员", SETUP_ACTOR)
    # a row of an older trail, which recorded the setup actor's name in both languages at once
    audit.append(
        session,
        audit.AuditEntry(
            SETUP_LOGIN, "admin", "user_add", datetime(2019, 1, 2, tzinfo=UTC),
            data={"login": "old"}, actor_name="初始设置 setup",
        ),
    )  # fmt: skip
    session.commit()

    new, old = [row for row in audit.iter_log(session) if row.actor == SETUP_LOGIN]
    assert "actor_name" not in json.loads(new.data)
    assert audit.verify_chain(session).ok
    for language, label in (("zh_CN", "初始设置"), ("en", "Initial setup")):
        with use_language(language):
            rows = audit_views.trail_page(session, AuditReach(everything=True), TrailFilter()).rows
        assert [(row.actor_name, row.shows_login) for row in rows] == [(label, False)] * 2

"""The trail explains the data: a direct edit of any business table is named by the replay."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text, update
from sqlmodel import Session, col, select

from procure import renew_year
from procure.resources import fixture_file
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.loading.demo import DEMO_OFFICER, SIMING_FIXTURE, decision_meeting
from procure.services.loading.fixture import load_fixture
from procure.services.trail.check import MISSING, PRESENT, ROW, TrailDifference, trail_differences
from procure.store import audit, queries
from procure.store.models import (
    Assessment,
    Contract,
    Organization,
    OrganizationComment,
    Project,
    Purchaser,
    Recusal,
    Review,
)
from procure.workflow.context import Actor

pytestmark = pytest.mark.skipif(
    not fixture_file(SIMING_FIXTURE).is_file(), reason=f"fixtures/{SIMING_FIXTURE} not written yet"
)

RENEWED, RECTIFYING, VETOED = "SM-2019-001", "SM-2019-004", "SM-2019-006"


@pytest.fixture
def siming(session: Session, starts_from_demo: None) -> Session:
    """The Siming 2019 year, loaded and decided (the demo), committed (a copy of the
    session's demo database, see tests/databases.py)."""
    return session


def edit(session: Session, statement: str, **params: object) -> None:
    """Change the database behind the services' back, as anyone with write access could."""
    session.connection().execute(text(statement), params)
    session.commit()


def project_id(session: Session, code: str) -> int:
    found = queries.project_by_code(session, code).id
    assert found is not None
    return found


def only(session: Session) -> TrailDifference:
    differences = trail_differences(session)
    assert len(differences) == 1, [str(d) for d in differences]
    return differences[0]


def test_a_clean_siming_year_reports_nothing(siming: Session) -> None:
    assert audit.verify_chain(siming).ok
    assert trail_differences(siming) == []


def test_a_projects_own_comparison_reports_nothing_on_a_clean_year(siming: Session) -> None:
    for code in (RENEWED, RECTIFYING, VETOED, "SM-2020-001"):
        assert trail_differences(siming, project_code=code) == [], code


def test_an_edited_contract_amount_is_named_with_both_amounts(siming: Session) -> None:
    contract = queries.contract_of(siming, queries.project_by_code(siming, RENEWED))
    assert contract is not None
    before, number = contract.amount, contract.number
    edit(siming, "UPDATE contract SET amount = amount + 5000000 WHERE id = :id", id=contract.id)
    found = only(siming)
    assert found == TrailDifference(
        "contract", number, "amount", str(before), str(before + Decimal("50000.00"))
    )
    assert str(found) == (
        f"contract {number}: amount is {before} in the trail, "
        f"{before + Decimal('50000.00')} in the database"
    )


def test_an_edited_project_state_is_named(siming: Session) -> None:
    edit(siming, "UPDATE project SET state = 'renewed' WHERE code = :code", code=RECTIFYING)
    assert only(siming) == TrailDifference("project", RECTIFYING, "state", "rectifying", "renewed")


def test_an_edited_project_version_is_named(siming: Session) -> None:
    version = queries.project_by_code(siming, RENEWED).version
    edit(siming, "UPDATE project SET version = version + 1 WHERE code = :code", code=RENEWED)
    assert only(siming) == TrailDifference(
        "project", RENEWED, "version", str(version), str(version + 1)
    )


def test_a_deleted_bar_is_named_as_missing(siming: Session) -> None:
    edit(siming, "DELETE FROM bar WHERE project_id = :id", id=project_id(siming, VETOED))
    found = only(siming)
    assert (found.table, found.field, found.trail_value, found.stored_value) == (
        "bar",
        ROW,
        PRESENT,
        MISSING,
    )
    project = queries.project_by_code(siming, VETOED)
    contract = queries.contract_of(siming, project)
    assert contract is not None
    uscc = siming.get(Organization, contract.organization_id).uscc  # type: ignore[union-attr]
    purchaser = siming.get(Purchaser, project.purchaser_id).code  # type: ignore[union-attr]
    assert found.row == f"{uscc} barred from {purchaser} {project.year + 1}"
    assert str(found).endswith("in the trail, missing from the database")


def test_a_cleared_veto_is_named_with_the_veto_item(siming: Session) -> None:
    pid = project_id(siming, VETOED)
    final = siming.exec(
        select(Assessment).where(Assessment.project_id == pid, col(Assessment.final))
    ).one()
    vetoed = final.veto
    assert vetoed
    siming.connection().execute(
        update(Assessment).where(col(Assessment.id) == final.id).values(veto=[])
    )
    siming.commit()
    assert only(siming) == TrailDifference(
        "assessment",
        f"{VETOED} final assessment",
        "veto",
        '["' + '","'.join(sorted(vetoed)) + '"]',
        "[]",
    )


def test_a_deleted_payment_is_named_by_its_tranche(siming: Session) -> None:
    contract = queries.contract_of(siming, queries.project_by_code(siming, RENEWED))
    assert contract is not None
    edit(siming, "DELETE FROM payment WHERE contract_id = :id AND tranche = 2", id=contract.id)
    assert only(siming) == TrailDifference(
        "payment", f"{RENEWED} payment #2", ROW, PRESENT, MISSING
    )


def test_an_inserted_payment_is_named_as_unexplained(siming: Session) -> None:
    contract = queries.contract_of(siming, queries.project_by_code(siming, RENEWED))
    assert contract is not None
    tranches = len(queries.payments_of(siming, contract))
    edit(
        siming,
        "INSERT INTO payment (contract_id, tranche, amount, paid_on, note) "
        "VALUES (:id, :tranche, 10000000, '2019-12-30', '')",
        id=contract.id,
        tranche=tranches + 1,
    )
    found = only(siming)
    assert found == TrailDifference(
        "payment", f"{RENEWED} payment #{tranches + 1}", ROW, MISSING, PRESENT
    )
    assert str(found).endswith("in the database, no trail row explains it")


def test_a_swapped_awarded_organization_is_named_by_both_usccs(siming: Session) -> None:
    project = queries.project_by_code(siming, RENEWED)
    awarded = siming.get(Organization, project.awarded_organization_id)
    other = siming.exec(
        select(Organization).where(col(Organization.id) != project.awarded_organization_id)
    ).first()
    assert awarded is not None and other is not None
    edit(
        siming,
        "UPDATE project SET awarded_organization_id = :other WHERE code = :code",
        other=other.id,
        code=RENEWED,
    )
    assert only(siming) == TrailDifference("project", RENEWED, "awarded", awarded.uscc, other.uscc)


def test_a_changed_review_score_is_named(siming: Session) -> None:
    review = siming.exec(select(Review).order_by(col(Review.id))).first()
    assert review is not None
    scores = dict(review.scores)
    criterion = next(code for code, value in scores.items() if value is not None)
    changed = {**scores, criterion: "0.00"}
    siming.connection().execute(
        update(Review).where(col(Review.id) == review.id).values(scores=changed)
    )
    siming.commit()
    found = only(siming)
    assert (found.table, found.field) == ("review", "scores")
    assert found.row.endswith(f"by {review.reviewer}")
    assert f'"{criterion}":"{scores[criterion]}"' in str(found.trail_value)
    assert f'"{criterion}":"0.00"' in str(found.stored_value)


def test_a_deleted_recusal_is_named_as_missing(siming: Session) -> None:
    recusal = siming.exec(select(Recusal)).first()
    assert recusal is not None
    edit(siming, "DELETE FROM recusal WHERE id = :id", id=recusal.id)
    found = only(siming)
    assert (found.table, found.field, found.stored_value) == ("recusal", ROW, MISSING)
    assert f"recusal of {recusal.reviewer} on" in found.row


def test_a_changed_comment_is_named_with_both_texts(siming: Session) -> None:
    comment = siming.exec(select(OrganizationComment).order_by(col(OrganizationComment.id))).first()
    assert comment is not None
    code = siming.get(Project, comment.project_id).code  # type: ignore[union-attr]
    edit(siming, "UPDATE organizationcomment SET text = '无异议' WHERE id = :id", id=comment.id)
    assert only(siming) == TrailDifference(
        "comment", f"{code} comment #1", "text", comment.text, "无异议"
    )


def test_changed_purchaser_funds_are_named(siming: Session) -> None:
    purchaser = siming.exec(select(Purchaser).where(Purchaser.code == "SM-WJ")).one()
    before = purchaser.annual_funds
    edit(siming, "UPDATE purchaser SET annual_funds = annual_funds + 100 WHERE code = 'SM-WJ'")
    assert only(siming) == TrailDifference(
        "purchaser", "SM-WJ", "annual_funds", str(before), str(before + 1)
    )


def test_a_changed_organization_name_is_named(siming: Session) -> None:
    organization = siming.exec(select(Organization).order_by(col(Organization.id))).first()
    assert organization is not None
    edit(
        siming,
        "UPDATE organization SET name = '某某协会' WHERE id = :id",
        id=organization.id,
    )
    assert only(siming) == TrailDifference(
        "organization", organization.uscc, "name", organization.name, "某某协会"
    )


def test_a_renewal_runs_bulk_rows_explain_the_year(session: Session) -> None:
    load_fixture(session, fixture_file(SIMING_FIXTURE), SETUP_ACTOR)
    run = renew_year(session, 2019, apply=True, actor=DEMO_OFFICER, at=decision_meeting(session))
    assert run.changed >= 3
    assert session.exec(select(Project).where(col(Project.previous_project_id).is_not(None))).all()
    assert trail_differences(session) == []


def test_a_bulk_renewal_successor_with_edited_carried_terms_is_named(session: Session) -> None:
    load_fixture(session, fixture_file(SIMING_FIXTURE), SETUP_ACTOR)
    renew_year(session, 2019, apply=True, actor=DEMO_OFFICER, at=decision_meeting(session))
    successor = session.exec(
        select(Project).where(col(Project.previous_project_id).is_not(None))
    ).first()
    assert successor is not None and successor.carried_amount is not None
    edit(
        session,
        "UPDATE project SET carried_amount = carried_amount + 100 WHERE id = :id",
        id=successor.id,
    )
    assert only(session) == TrailDifference(
        "project",
        successor.code,
        "carried_amount",
        str(successor.carried_amount),
        str(successor.carried_amount + 1),
    )


def test_generated_years_are_explained_by_their_generate_rows(session: Session) -> None:
    from procure.services.loading.generate import generate_year

    generate_year(session, year=2019, organizations=20, projects=60)
    assert trail_differences(session) == []
    contract = session.exec(select(Contract).order_by(col(Contract.id))).first()
    assert contract is not None
    edit(session, "UPDATE contract SET end_on = '2019-11-30' WHERE id = :id", id=contract.id)
    found = only(session)
    assert (found.table, found.row, found.field) == ("contract", contract.number, "end")
    assert (found.trail_value, found.stored_value) == ("2019-12-31", "2019-11-30")


def test_a_payment_recorded_without_a_note_is_explained(session: Session) -> None:
    from tests.integration.builders import project_at

    project_at(session, "in_service")  # the payment's note left out, as a blank form field is
    assert trail_differences(session) == []


def test_account_changes_through_the_services_are_explained(siming: Session) -> None:
    from procure.services.accounts import manage as accounts

    admin = Actor("admin", "admin")

    accounts.add_user(siming, "wangwu", "王五", admin)
    accounts.grant(siming, "wangwu", "leader", admin, purchaser="SM-WJ")
    accounts.revoke(siming, "wangwu", "leader", admin, purchaser="SM-WJ")
    accounts.grant(siming, "wangwu", "leader", admin, purchaser="SM-WJ")
    accounts.set_password(siming, "wangwu", "a long enough secret", admin)
    accounts.deactivate(siming, "wangwu", admin)
    siming.commit()
    assert trail_differences(siming) == []


def test_a_renamed_account_is_named(siming: Session) -> None:
    login = DEMO_OFFICER.name
    edit(siming, 'UPDATE "user" SET name = :name WHERE login = :login', name="某人", login=login)
    found = only(siming)
    assert found == TrailDifference("user", login, "name", "李秀梅", "某人")


def test_a_grant_revoked_or_added_behind_the_services_back_is_named(siming: Session) -> None:
    login = DEMO_OFFICER.name
    edit(
        siming,
        "UPDATE role_grant SET revoked_at = granted_at WHERE user_id = "
        '(SELECT id FROM "user" WHERE login = :login)',
        login=login,
    )
    edit(
        siming,
        "INSERT INTO role_grant (user_id, role, granted_by, granted_at) "
        "SELECT id, 'admin', 'mallory', created_at FROM \"user\" WHERE login = :login",
        login=login,
    )
    differences = {
        (d.row, d.field, d.trail_value, d.stored_value) for d in trail_differences(siming)
    }
    assert differences == {
        (f"{login}: officer for purchaser SM-FED", "held", "1", "0"),
        (f"{login}: officer for purchaser SM-FED", "revoked", "0", "1"),
        (f"{login}: admin for every purchaser", ROW, MISSING, PRESENT),
    }

"""The database of the attachment pages' tests: a call for proposals with each bidder's
files, another purchaser's reviewer (on no panel of this call), a second project.

:func:`build_soliciting` makes it once (SM-2019-001 taking proposals: QIHANG's plan as a PDF
and a .docx, TONGXIN's as a PDF); :func:`build_reviewing` copies it and closes the call, so
that the panel reads the files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from procure.services.accounts import manage as accounts
from procure.services.documents.attach import attach
from procure.services.lifecycle import registry
from procure.store import queries
from procure.store.db import make_engine, new_session
from procure.store.document_models import Attachment, DocumentBlob
from procure.store.models import Organization, Proposal
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.databases import SqliteTemplates
from tests.hostile_documents import docx
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    CODE,
    OFFICER,
    QIHANG,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf
from tests.integration.web.support import set_passwords

PLAN = Plan(winner=TONGXIN)
OTHER_CODE = "SM-2019-002"
OUTSIDER = "外区评审专家"
"""A reviewer of another purchaser: on no panel of SM-2019-001."""
FILES = {QIHANG: ("启航-服务方案.pdf", "启航-预算表说明.docx"), TONGXIN: ("同心-服务方案.pdf",)}


def build_soliciting(templates: SqliteTemplates, path: Path) -> None:
    """SM-2019-001 taking proposals, each bidder's files attached by its own account."""
    templates.copy_to("migrated", path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        project_at(session, "soliciting", PLAN)
        create_project(session, Plan(code=OTHER_CODE), title="另一个项目")
        registry.add_purchaser(
            session, registry.PurchaserCreate("HL-FED", "湖里区总工会", "100000.00"), OFFICER
        )
        accounts.add_user(session, OUTSIDER, OUTSIDER, ADMIN)
        accounts.grant(session, OUTSIDER, "reviewer", ADMIN, purchaser="HL-FED")
        session.commit()
        for uscc, names in FILES.items():
            for name in names:
                data = pdf(name) if name.endswith(".pdf") else docx()
                attach(
                    session, project_code=CODE, fact_kind="proposal",
                    fact_id=proposal_id(session, uscc), name=name, data=data,
                    by=organization_actor(uscc),
                )  # fmt: skip
        logins = [OFFICER.name, AUDITOR.name, OUTSIDER, *(r.name for r in REVIEWERS)]
        set_passwords(session, *logins, *(organization_actor(u).name for u in FILES))
    engine.dispose()


def build_reviewing(soliciting: Path, path: Path) -> None:
    """A copy of the soliciting database, the call closed: the panel reviews."""
    shutil.copy(soliciting, path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        drive(session, PLAN, "reviewing", start="soliciting")
    engine.dispose()


def proposal_id(session: Session, uscc: str, code: str = CODE) -> int:
    """The id of ``uscc``'s proposal on project ``code``."""
    project = queries.project_by_code(session, code)
    organization = session.exec(select(Organization).where(Organization.uscc == uscc)).one()
    statement = select(Proposal.id).where(
        Proposal.project_id == project.id, Proposal.organization_id == organization.id
    )
    return int(session.exec(statement).one())


def file_ids(path: Path) -> dict[str, int]:
    """Each attached file's id, by its name."""
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        found = {row.name: int(row.id or 0) for row in session.exec(select(Attachment))}
    engine.dispose()
    return found


def stored(path: Path) -> tuple[int, int]:
    """How many attachments and how many stored files (blobs) the database holds."""
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        rows = session.exec(select(func.count()).select_from(Attachment)).one()
        blobs = session.exec(select(func.count()).select_from(DocumentBlob)).one()
    engine.dispose()
    return int(rows), int(blobs)


@contextmanager
def browsing(path: Path) -> Iterator[TestClient]:
    """A browser on the app serving the database at ``path``."""
    app = create_app(
        WebSettings(f"sqlite:///{path}", allowed_hosts=("testserver",)), clock=pinned_clock()
    )
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()

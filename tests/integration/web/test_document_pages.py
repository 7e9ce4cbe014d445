"""Attached files in the browser (issue 22): the panel reads each proposal's files beside
its scorecard; files are served in a sandbox, never as a page; a file one may not see answers
as a missing one; an upload is refused whole (nothing stored) without its token, for another
project, by the wrong person, unconfirmed, or for any hostile file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.store.db import make_engine, new_session
from procure.store.document_models import Attachment
from tests.databases import SqliteTemplates
from tests.hostile_documents import hostile, png
from tests.integration.builders import (
    ASSESSOR,
    CODE,
    OFFICER,
    QIHANG,
    REVIEWERS,
    TONGXIN,
    Plan,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf
from tests.integration.web.documents_world import (
    OTHER_CODE,
    OUTSIDER,
    browsing,
    build_reviewing,
    build_soliciting,
    file_ids,
    proposal_id,
    stored,
)
from tests.integration.web.support import set_passwords, sign_in

QIHANG_PDF, QIHANG_DOCX, TONGXIN_PDF = (
    "启航-服务方案.pdf",
    "启航-预算表说明.docx",
    "同心-服务方案.pdf",
)


@pytest.fixture(scope="module")
def soliciting(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    path = tmp_path_factory.mktemp("documents-web") / "soliciting.db"
    build_soliciting(sqlite_templates, path)
    return path


@pytest.fixture(scope="module")
def reviewing(soliciting: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("documents-web") / "reviewing.db"
    build_reviewing(soliciting, path)
    return path


@pytest.fixture
def fresh(soliciting: Path, tmp_path: Path) -> Path:
    """A copy of the soliciting database, for a test that uploads."""
    path = tmp_path / "procure.db"
    shutil.copy(soliciting, path)
    return path


def _not_found_body(text: str, attachment_id: int) -> str:
    """The page less the number asked for: in its sentence, and in the language switch,
    which goes back to the address asked for."""
    back = f'name="next" value="/attachments/{attachment_id}'
    return text.replace(f"没有附件 {attachment_id}", "没有附件 ID").replace(
        back, 'name="next" value="/attachments/ID'
    )


def test_a_panel_reviewer_finds_each_proposals_files_beside_its_scorecard(reviewing: Path) -> None:
    ids = file_ids(reviewing)
    with browsing(reviewing) as client:
        sign_in(client, REVIEWERS[0].name)
        page = client.get(f"/projects/{CODE}/panel/sheet")
    assert page.status_code == 200
    for uscc, names in ((QIHANG, (QIHANG_PDF, QIHANG_DOCX)), (TONGXIN, (TONGXIN_PDF,))):
        section = re.search(rf'id="sheet-{uscc}">(.*?)</section>', page.text, re.S)
        assert section is not None
        for name in names:
            assert name in section.group(1)
            assert f'href="/attachments/{ids[name]}/download"' in section.group(1)
    assert f'href="/attachments/{ids[QIHANG_PDF]}" target="_blank"' in page.text  # read inline
    assert f'href="/attachments/{ids[QIHANG_DOCX]}" target' not in page.text  # only downloaded
    assert 'name="fact"' not in page.text  # a reviewer adds no file


def test_a_pdf_opens_inline_in_a_sandbox_and_downloads_under_its_own_name(reviewing: Path) -> None:
    ids = file_ids(reviewing)
    with browsing(reviewing) as client:
        sign_in(client, REVIEWERS[1].name)
        shown = client.get(f"/attachments/{ids[QIHANG_PDF]}")
        saved = client.get(f"/attachments/{ids[QIHANG_PDF]}/download")
        word = client.get(f"/attachments/{ids[QIHANG_DOCX]}")
    assert shown.status_code == saved.status_code == word.status_code == 200
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.content.startswith(b"%PDF-") and shown.content == saved.content
    assert shown.headers["content-disposition"].startswith("inline;")
    assert f"filename*=UTF-8''{quote(QIHANG_PDF)}" in shown.headers["content-disposition"]
    assert saved.headers["content-disposition"].startswith("attachment;")
    assert word.headers["content-disposition"].startswith("attachment;")  # .docx: never inline
    assert word.headers["content-type"].startswith("application/vnd.openxmlformats")
    for response in (shown, saved, word):
        policy = response.headers["content-security-policy"]
        assert policy.startswith("sandbox;") and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert "html" not in response.headers["content-type"]


@pytest.mark.parametrize(
    "login",
    [
        pytest.param(organization_actor(TONGXIN).name, id="another bidder"),
        pytest.param(OUTSIDER, id="a reviewer on no panel of this call"),
    ],
)
def test_a_file_one_may_not_see_answers_exactly_as_a_missing_one(
    reviewing: Path, login: str
) -> None:
    rival = file_ids(reviewing)[QIHANG_PDF]
    with browsing(reviewing) as client:
        sign_in(client, login)
        for path in (f"/attachments/{rival}", f"/attachments/{rival}/download"):
            hidden, missing = client.get(path), client.get(path.replace(str(rival), "987654"))
            assert hidden.status_code == missing.status_code == 404
            assert _not_found_body(hidden.text, rival) == _not_found_body(missing.text, 987654)
            assert b"%PDF" not in hidden.content
        listed = client.get(f"/projects/{CODE}/documents")
    assert QIHANG_PDF not in listed.text and "启航" not in listed.text


def test_the_public_is_sent_to_sign_in_for_a_file_as_for_a_missing_one(reviewing: Path) -> None:
    existing = file_ids(reviewing)[QIHANG_PDF]
    with browsing(reviewing) as client:
        answers = [
            client.get(f"/attachments/{number}", follow_redirects=False)
            for number in (existing, 987654)
        ]
        page = client.get(f"/projects/{CODE}/documents", follow_redirects=False)
    assert [a.status_code for a in answers] == [303, 303] and page.status_code == 303
    assert all(a.headers["location"].startswith("/signin?next=") for a in answers)
    assert all(b"%PDF" not in a.content for a in answers)


def test_a_bidder_lists_its_own_files_and_may_add_to_its_own_proposal_only(
    soliciting: Path,
) -> None:
    with browsing(soliciting) as client:
        sign_in(client, organization_actor(QIHANG).name)
        page = client.get(f"/projects/{CODE}/documents")
    assert page.status_code == 200
    assert QIHANG_PDF in page.text and QIHANG_DOCX in page.text
    assert TONGXIN_PDF not in page.text and "同心" not in page.text
    assert re.findall(r'name="fact" value="([^"]+)"', page.text) == [
        f"proposal-{_proposal(soliciting, QIHANG)}"
    ]


def _proposal(path: Path, uscc: str, code: str = CODE) -> int:
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        found = proposal_id(session, uscc, code)
    engine.dispose()
    return found


def _upload(
    client: TestClient,
    token: str,
    fact: str,
    name: str,
    data: bytes,
    *,
    code: str = CODE,
    permanent: bool = True,
) -> object:
    fields = {"csrf_token": token, "fact": fact, "back": f"/projects/{code}/panel/sheet"}
    if permanent:
        fields["permanent"] = "1"
    if not token:
        del fields["csrf_token"]
    return client.post(
        f"/projects/{code}/documents",
        data=fields,
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def test_an_organization_uploads_a_file_to_its_proposal_and_finds_it_listed(fresh: Path) -> None:
    fact = f"proposal-{_proposal(fresh, QIHANG)}"
    name = "资质证书 <img src=x onerror=alert(1)>甲级.pdf"  # shown escaped; an encoded header
    before = stored(fresh)
    with browsing(fresh) as client:
        token = sign_in(client, organization_actor(QIHANG).name)
        sent = _upload(client, token, fact, name, pdf("资质"))
        assert sent.status_code == 303, sent.text  # type: ignore[attr-defined]
        where = sent.headers["location"]  # type: ignore[attr-defined]
        assert where == f"/projects/{CODE}/panel/sheet?attached=4#files-{fact}"
        page = client.get(f"/projects/{CODE}/documents")
        new_id = file_ids(fresh)[name]
        opened = client.get(f"/attachments/{new_id}/download")
    assert stored(fresh) == (before[0] + 1, before[1] + 1)
    assert "资质证书 &lt;img src=x onerror=alert(1)&gt;甲级.pdf" in page.text
    assert "<img" not in page.text
    row = re.search(
        r"<tr[^>]*>\s*<td class=\"name\"[^>]*>(?:(?!</tr>).)*甲级(?:(?!</tr>).)*</tr>",
        page.text,
        re.S,
    )
    assert row is not None and "PDF 文件" in row.group(0)
    assert re.search(r'data-label="大小">\d+(\.\d)? (B|KB)<', row.group(0))
    assert "启航" in row.group(0)  # who: the organization's account
    assert f"filename*=UTF-8''{quote(name, safe='')}" in opened.headers["content-disposition"]


@pytest.mark.parametrize(
    ("case", "status"),
    [
        pytest.param("no CSRF token", 403, id="forged: no token"),
        pytest.param("another project", 404, id="forged: a proposal of another project"),
        pytest.param("a rival's proposal", 404, id="another bidder's proposal"),  # as missing
        pytest.param("a reviewer", 403, id="a panel reviewer"),
        pytest.param("unconfirmed", 400, id="the box not ticked"),
        pytest.param("the public", 303, id="the public: sent to sign in"),
    ],
)
def test_a_refused_upload_stores_nothing(fresh: Path, case: str, status: int) -> None:
    own, rival = _proposal(fresh, QIHANG), _proposal(fresh, TONGXIN)
    login = REVIEWERS[0].name if case == "a reviewer" else organization_actor(QIHANG).name
    before = stored(fresh)
    with browsing(fresh) as client:
        token = sign_in(client, login) if case != "the public" else "forged"
        if case in ("no CSRF token", "the public"):
            answer = _upload(
                client, "" if token != "forged" else token, f"proposal-{own}", "方案.pdf", pdf()
            )
        elif case == "another project":
            answer = _upload(client, token, f"proposal-{own}", "方案.pdf", pdf(), code=OTHER_CODE)
        elif case == "a rival's proposal":
            answer = _upload(client, token, f"proposal-{rival}", "方案.pdf", pdf())
        elif case == "a reviewer":
            answer = _upload(client, token, f"proposal-{own}", "方案.pdf", pdf())
        else:
            answer = _upload(client, token, f"proposal-{own}", "方案.pdf", pdf(), permanent=False)
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    if status == 303:
        assert answer.headers["location"].startswith("/signin?")  # type: ignore[attr-defined]
    assert stored(fresh) == before


WEB_HARMLESS = {
    "newline_name": "a header cannot carry it raw: a browser sends %0A, a plain character",
    "windows_path_name": "the form parser keeps only what follows a drive's last backslash",
}
"""Hostile names that never reach the service as such through a form (the unit tests send
them to :func:`inspect_upload` directly)."""


def _raw_upload(client: TestClient, token: str, fact: str, name: str, data: bytes) -> object:
    """An upload whose file name goes into the request as it is (a browser would percent-
    encode a control character; a hand-made request need not)."""
    boundary = "----procure-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in (("csrf_token", token), ("fact", fact), ("permanent", "1"))
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(
        f"/projects/{CODE}/documents",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        follow_redirects=False,
    )


def test_every_hostile_file_class_is_refused_through_the_web_with_nothing_stored(
    fresh: Path,
) -> None:
    fact = f"proposal-{_proposal(fresh, QIHANG)}"
    before = stored(fresh)
    with browsing(fresh) as client:
        token = sign_in(client, organization_actor(QIHANG).name)
        answers = {
            case: _raw_upload(client, token, fact, name, data)
            for case, (name, data) in hostile().items()
            if case not in WEB_HARMLESS
        }
        oversize = _raw_upload(client, token, fact, "大.pdf", b"%PDF-1.7\n" + bytes(20 * 2**20))
    for case, answer in answers.items():
        assert answer.status_code in (400, 403), case  # type: ignore[attr-defined]
        text = answer.text  # type: ignore[attr-defined]
        assert "已拒绝" in text or "请选择要上传的文件" in text, case
    assert oversize.status_code == 400  # type: ignore[attr-defined]
    assert "超过单个文件上限 20.0 MB" in oversize.text  # type: ignore[attr-defined]
    assert stored(fresh) == before


def test_an_officer_may_attach_to_every_proposal(fresh: Path) -> None:
    with browsing(fresh) as client:
        sign_in(client, OFFICER.name)
        page = client.get(f"/projects/{CODE}/documents")
    facts = re.findall(r'name="fact" value="([^"]+)"', page.text)
    assert sorted(facts) == sorted(
        f"proposal-{_proposal(fresh, uscc)}" for uscc in (QIHANG, TONGXIN)
    )


def test_a_bidder_attaches_its_objection_letter_on_the_objection_page_unseen_by_the_winner(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded", Plan(award_now=True))  # 启航 wins; its objection window open
    set_passwords(session, organization_actor(TONGXIN).name, organization_actor(QIHANG).name)
    page = f"/projects/{CODE}/objection"
    token = sign_in(client, organization_actor(TONGXIN).name)
    lodged = client.post(
        page,
        data={"csrf_token": token, "organization": TONGXIN, "text": "评分有误"},
        follow_redirects=False,
    )
    assert lodged.status_code == 303
    form = client.get(page).text
    fact = re.search(r'name="fact" value="(objection-\d+)"', form)
    assert fact is not None and f'name="back" value="{page}"' in form

    sent = client.post(
        f"/projects/{CODE}/documents",
        data={"csrf_token": token, "fact": fact.group(1), "back": page, "permanent": "1"},
        files={"file": ("质疑函.pdf", pdf("质疑函"), "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{page}?attached=1#files-{fact.group(1)}"
    shown = client.get(sent.headers["location"]).text
    assert "质疑函.pdf" in shown and "附件已上传" in shown

    sign_in(client, organization_actor(QIHANG).name)
    assert "质疑函.pdf" not in client.get(page).text


def test_a_row_whose_type_was_edited_to_html_is_served_as_bytes_to_download(
    reviewing: Path, tmp_path: Path
) -> None:
    path = tmp_path / "edited.db"
    shutil.copy(reviewing, path)
    target = file_ids(path)[QIHANG_PDF]
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        row = session.get(Attachment, target)
        assert row is not None
        row.media_type = "text/html"  # as if the table were edited behind the service's back
        session.add(row)
        session.commit()
    engine.dispose()
    with browsing(path) as client:
        sign_in(client, REVIEWERS[0].name)
        served = client.get(f"/attachments/{target}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-security-policy"].startswith("sandbox;")


def test_an_assessor_attaches_evidence_to_its_sheet_on_the_assessment_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")
    set_passwords(session, ASSESSOR.name, organization_actor(TONGXIN).name)
    page = f"/projects/{CODE}/assessment"
    token = sign_in(client, ASSESSOR.name)
    form = client.get(page).text
    fact = re.search(r'name="fact" value="(assessment-\d+)"', form)
    assert fact is not None and f'name="back" value="{page}"' in form
    sent = client.post(
        f"/projects/{CODE}/documents",
        data={"csrf_token": token, "fact": fact.group(1), "back": page, "permanent": "1"},
        files={"file": ("现场照片.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    shown = client.get(sent.headers["location"]).text
    assert "现场照片.png" in shown and "PNG 图片" in shown

    sign_in(client, organization_actor(TONGXIN).name)  # a losing bidder: not its project
    assert client.get(page).status_code == 404

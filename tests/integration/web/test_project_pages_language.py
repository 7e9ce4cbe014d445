"""The projects part in one language at a time: the dashboard, the projects list, a project's
page (its forms, the steps others take, the history) and 我的项目, each read in Chinese and in
English by the roles that see it, on the Siming demo year (one copy for the module)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from procure.domain.errors import Refused
from procure.domain.language import Language, use_language
from procure.services.browse.organization import my_projects
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.project_actions import field_errors, fire_form
from procure.store.db import make_engine, new_session
from procure.store.trust_models import User
from procure.web.app import create_app
from procure.web.settings import WebSettings
from procure.workflow.rules import default_rules
from tests.clock import pinned_clock
from tests.databases import DEMO, SqliteTemplates
from tests.integration.web.support import csrf_of, set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text

OFFICER, LEADER, AUDITOR, QIHANG = "李秀梅", "张志远", "何静", "qihang"
SIGNING = "SM-2020-001"  # awarded: the officer signs the contract (a form of several fields)

PAGES = [
    (OFFICER, "/dashboard"),
    (OFFICER, "/dashboard?year=all"),
    (OFFICER, "/projects"),
    (OFFICER, "/projects?state=renewed&sort=-budget"),
    (OFFICER, "/projects?state=approved"),  # no project matches
    (OFFICER, "/projects/SM-2019-001"),  # renewed: contract, payments, inspections, history
    (OFFICER, "/projects/SM-2019-004"),  # rectifying: its steps, and the other roles'
    (OFFICER, f"/projects/{SIGNING}"),
    (OFFICER, f"/projects/{SIGNING}?done=sign_contract"),
    (LEADER, "/dashboard"),
    (LEADER, "/projects/SM-2019-004"),
    (AUDITOR, "/projects/SM-2019-005"),
    (QIHANG, "/mine"),
    (QIHANG, "/mine?done=withdrawn"),
]

_WRITTEN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2}(:\d{2})?)?")
"""A date or moment as the ``day``/``moment`` filters write it (procure/web/pages.py, the
frame's part, which writes them in the language in use once it lands): taken out of an
English page here, so that this test checks the projects part's own words."""
_CHANGES = re.compile(r'<section id="changes">.*?</section>', re.S)
"""The corrections and amendments a project page includes (templates/web/_changes.html, the
documents part's, checked with its own pages): left out here for the same reason."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    """The Siming demo year, with a password for everyone who reads a page here."""
    path = tmp_path_factory.mktemp("projects-language") / "siming.db"
    sqlite_templates.copy_to(DEMO, path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        set_passwords(session, OFFICER, LEADER, AUDITOR, QIHANG)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def data(demo: Path) -> set[str]:
    """What people wrote into the demo (names, titles, reasons), in their own language."""
    engine = make_engine(f"sqlite:///{demo}")
    with new_session(engine) as session:
        found = world_text(session)
        purchasers = [name for (name,) in session.execute(text("SELECT name FROM purchaser"))]
    engine.dispose()
    # the spending chart draws a long purchaser name cut short ("厦门市思明区…")
    return found | {name[:cut] for name in purchasers for cut in range(2, len(name))}


@pytest.fixture
def browse(demo: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A browser on a copy of the demo (a failed form changes nothing, but a copy is cheap)."""
    path = tmp_path / "siming.db"
    shutil.copy(demo, path)
    app = create_app(
        WebSettings(f"sqlite:///{path}", allowed_hosts=("testserver",)), clock=pinned_clock()
    )
    with TestClient(app) as client:
        yield client
    app.state.writer.dispose()
    app.state.reader.dispose()


def read_in(client: TestClient, language: Language) -> None:
    """Read the next pages in ``language``: the one ``lang`` cookie (signing in sets the
    account's own choice, under the server's name, which a cookie set beside it would not
    replace)."""
    client.cookies.delete("lang")
    client.cookies.set("lang", language)


def leftovers(html: str, data: set[str], language: Language) -> list[str]:
    """The words of the other language on a page read in ``language``."""
    text = page_text(_CHANGES.sub("", html))
    if language == "zh_CN":
        return english_words(text, data)
    return chinese_runs(_WRITTEN_DATE.sub(" ", text), data)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_each_page_of_the_projects_part_speaks_one_language(
    browse: TestClient, data: set[str], language: Language
) -> None:
    browse.cookies.set("lang", language)
    found: dict[str, list[str]] = {}
    signed_in = ""
    for login, path in PAGES:
        if login != signed_in:
            browse.cookies.clear()
            sign_in(browse, login)
            read_in(browse, language)
            signed_in = login
        page = browse.get(path)
        assert page.status_code in (200, 400), (path, page.status_code)
        if words := leftovers(page.text, data, language):
            found[f"{login} {path}"] = words
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


SAID = {
    "zh_CN": (
        "由其他角色办理：登记监管检查（监管人员）",
        "草拟项目",
        "草拟 → 立项申报",
        "李秀梅（项目干事）",
        "462,000.00 元",
    ),
    "en": (
        "Taken by other roles: Record an inspection (Supervisor)",
        "Draft the project",
        "Draft → Proposed",
        "李秀梅 (Project officer)",
        "462,000.00 yuan",
    ),
}
"""Lines of SM-2019-004's page in each language: the steps others take, the history (a step
and its states by their labels, a role by its name), an amount."""


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_projects_steps_states_and_roles_are_named_never_coded(
    browse: TestClient, language: Language
) -> None:
    sign_in(browse, OFFICER)
    read_in(browse, language)
    text = " ".join(page_text(browse.get("/projects/SM-2019-004").text).split())
    for line in SAID[language]:
        assert line in text
    assert "draft → proposed" not in text and "(officer)" not in text and "（officer）" not in text


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_form_sent_back_with_its_errors_speaks_one_language(
    browse: TestClient, data: set[str], language: Language
) -> None:
    sign_in(browse, OFFICER)
    read_in(browse, language)
    token = csrf_of(browse)
    sent = browse.post(
        f"/projects/{SIGNING}/do/sign_contract", data={"csrf_token": token, "number": ""}
    )
    assert sent.status_code == 400
    assert (
        "必填：请填写合同编号" if language == "zh_CN" else "Required: fill in Contract number"
    ) in (sent.text)
    assert leftovers(sent.text, data, language) == []


@pytest.mark.parametrize(
    ("language", "refusals"),
    [
        (
            "zh_CN",
            ("此项目现在不能办理「签订合同」", "这个页面只给承接方账号", "必填：请填写合同编号"),
        ),
        (
            "en",
            (
                "This project cannot take the step “Sign the contract” now",
                "Only an organization's own account has this page",
                "Required: fill in Contract number",
            ),
        ),
    ],
)
def test_the_refusals_of_a_step_and_of_a_page_are_said_in_the_language_in_use(
    demo: Path, language: Language, refusals: tuple[str, ...]
) -> None:
    engine = make_engine(f"sqlite:///{demo}")
    with new_session(engine) as session, use_language(language):
        officer = session.exec(select(User).where(User.login == OFFICER)).one()
        with pytest.raises(Refused) as late:  # SM-2019-001 was renewed long ago
            fire_form(session, "SM-2019-001", "sign_contract", officer, {})
        with pytest.raises(Refused) as not_an_organization:
            my_projects(session, officer, now_utc())
        entry = default_rules().engine.definition.transitions_for("sign_contract")[0]
        missing = field_errors(entry, {})
    engine.dispose()
    assert (str(late.value), str(not_an_organization.value), missing["number"]) == refusals


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("zh_CN", "按续约政策续约"),
        ("en", "the policy renews the contract"),
    ],
)
def test_a_renewal_reason_the_trail_recorded_reads_in_the_readers_language(
    browse: TestClient, language: Language, said: str
) -> None:
    sign_in(browse, OFFICER)
    read_in(browse, language)
    text = " ".join(page_text(browse.get("/projects/SM-2019-001").text).split())
    assert said in text
    assert "): policy renews" not in text  # the trail's own wording, kept in the trail

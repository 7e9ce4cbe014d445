"""One world per module: the demo with SM-2020-010 under review, a browser on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from procure.domain.visibility import VISIBILITY_FILE, VisibilityPolicy, load_visibility
from procure.resources import resource_dir
from procure.services.loading.demo import DEMO_PASSWORD
from procure.services.visibility import gate
from procure.store.db import new_session
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.visibility.world import drive_to_review
from tests.integration.web.support import sign_in


@pytest.fixture(scope="module")
def world(siming: Engine) -> Engine:
    """The demo database (a copy for this module) with SM-2020-010 under review."""
    with new_session(siming) as session:
        drive_to_review(session)
    return siming


@pytest.fixture(scope="module")
def app_client(world: Engine) -> Iterator[TestClient]:
    """A browser on the app serving the world (sign in with ``as_account``)."""
    url = world.url.render_as_string(hide_password=False)
    app = create_app(WebSettings(url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


class Browsers:
    """One signed-in session per account on the same app, signed in once each."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.jars: dict[str, dict[str, str]] = {}

    def get(self, login: str | None, path: str) -> Any:
        """GET ``path`` as ``login`` (``None``: not signed in)."""
        self.client.cookies.clear()
        if login is not None:
            if login not in self.jars:
                sign_in(self.client, login, DEMO_PASSWORD)
                self.jars[login] = dict(self.client.cookies.items())
            for name, value in self.jars[login].items():
                self.client.cookies.set(name, value)
        return self.client.get(path, follow_redirects=False)


@pytest.fixture(scope="module")
def browsers(app_client: TestClient) -> Browsers:
    """Pages as each account sees them."""
    return Browsers(app_client)


EDITS: dict[str, list[tuple[str, str, str]]] = {
    "installed": [],
    "one line changed": [
        # in the fact's block, the first `old` becomes `new`: panels visible to reviewers
        # only after the award, and payments to every bidder
        ("review_sheet", "panel: after_own_sheet", "panel: after_award"),
        ("payment", "other_bidder: never", "other_bidder: always"),
        ("reviewer_identity", "public: after_award", "public: never"),
        ("objection", "public: always", "public: never"),
        ("inspection", "auditor: always", "auditor: never"),
        # an auditor who may not see inspections may not have the record that shows them
        ("evaluation_record", "auditor: always", "auditor: never"),
        # the public no longer sees the year's assessment results (pages and open data)
        ("assessment_result", "public: always", "public: never"),
        # a reviewer and the auditor no longer see the correction of a recusal; the losing bidder
        # (and the public) no longer see the contract's amendments
        ("correction", "author: always", "author: never"),
        ("correction", "auditor: always", "auditor: never"),
        ("amendment", "other_bidder: after_contract", "other_bidder: never"),
        ("amendment", "public: after_contract", "public: never"),
        # the losing bidder sees the rival's plan; the auditor no longer sees the contract's scan
        ("proposal_documents", "other_bidder: never", "other_bidder: always"),
        ("contract_documents", "auditor: always", "auditor: never"),
    ],
}


def edited_policy(text: str, edits: list[tuple[str, str, str]]) -> str:
    """The policy's text with each edit made in its fact's block."""
    for fact, old, new in edits:
        block = text.index(f"\n  {fact}:\n")
        at = text.index(old, block)
        text = text[:at] + new + text[at + len(old) :]
    return text


@pytest.fixture(params=list(EDITS), scope="module")
def policy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VisibilityPolicy]:
    """The installed policy, then the same with lines changed: every surface follows it,
    with no code changed."""
    with installed_policy(EDITS[request.param], tmp_path_factory.mktemp("policy")) as loaded:
        yield loaded


@contextmanager
def installed_policy(edits: list[tuple[str, str, str]], folder: Path) -> Iterator[VisibilityPolicy]:
    """The installed policy with ``edits`` made (see :func:`edited_policy`), applied by
    every gate until the block ends."""
    text = (resource_dir("workflows") / VISIBILITY_FILE).read_text(encoding="utf-8")
    path = folder / VISIBILITY_FILE
    path.write_text(edited_policy(text, edits), encoding="utf-8")
    loaded = load_visibility(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gate, "current_policy", lambda: loaded)
        yield loaded

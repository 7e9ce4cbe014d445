"""The public pages under a hostile Host header: links come from the configured public URL,
and a host the app does not serve is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.web.app import create_app
from procure.web.settings import WebSettings, public_url, web_settings
from tests.clock import pinned_clock
from tests.integration.web.test_public_pages import awarded

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://procure.example.org/siming"


@pytest.fixture
def public_app(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """The app as deployed: reached at PUBLIC, and on this machine at 127.0.0.1."""
    settings = WebSettings(database_url, public_url=PUBLIC)
    app = create_app(settings, clock=pinned_clock())
    with TestClient(app, base_url="http://127.0.0.1") as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


def test_the_feed_is_refused_for_a_host_the_app_does_not_serve(
    public_app: TestClient, session: Session
) -> None:
    awarded(session)
    session.commit()
    refused = public_app.get("/public/feed.atom", headers={"host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.text
    assert "public" not in refused.headers.get("cache-control", "")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "procure.example.org"])
def test_the_feeds_links_are_built_on_the_public_url_whatever_host_is_named(
    public_app: TestClient, session: Session, host: str
) -> None:
    awarded(session)
    session.commit()
    feed = public_app.get("/public/feed.atom", headers={"host": host})
    assert feed.status_code == 200
    root = ElementTree.fromstring(feed.content)
    links = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    assert links and all(link.startswith(f"{PUBLIC}/public/") for link in links), links


def test_the_allowed_hosts_and_public_url_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROCURE_PUBLIC_URL", "https://procure.example.org/")
    monkeypatch.delenv("PROCURE_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("PROCURE_SERVE_HOST", raising=False)
    settings = web_settings(f"sqlite:///{tmp_path}/unused.db")
    assert settings.public_url == "https://procure.example.org"
    assert settings.hosts == ["localhost", "127.0.0.1", "::1", "procure.example.org"]
    monkeypatch.setenv("PROCURE_ALLOWED_HOSTS", "intranet.local, *.union.example")
    assert web_settings(f"sqlite:///{tmp_path}/unused.db").hosts == [
        "intranet.local",
        "*.union.example",
        "procure.example.org",
    ]


@pytest.mark.parametrize("text", ["procure.example.org", "javascript:alert(1)", "https://"])
def test_a_public_url_that_is_not_an_http_address_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="PROCURE_PUBLIC_URL"):
        public_url(text)

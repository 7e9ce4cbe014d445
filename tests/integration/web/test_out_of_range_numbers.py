"""A number too large for any column, in a URL, is a clean refusal, never a server error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.integration.builders import ADMIN
from tests.integration.web.support import set_passwords, sign_in

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/jobs/{HUGE}",
        f"/jobs/{HUGE}/download",
        "/jobs/٣",
        f"/projects?year={HUGE}",
        f"/dashboard?year={HUGE}",
        "/dashboard?year=²⁰¹⁹",
        f"/audit?before={HUGE}",
        f"/purchasers/SM-FED?year={HUGE}",
    ],
)
def test_an_out_of_range_number_in_a_url_is_refused_with_a_4xx_page(
    registered: Session, path: str, database_url: str
) -> None:
    from procure.web.app import create_app
    from procure.web.settings import WebSettings
    from tests.clock import pinned_clock

    set_passwords(registered, ADMIN.name)
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app, raise_server_exceptions=False) as browser:
        sign_in(browser, ADMIN.name)
        response = browser.get(path)
    app.state.writer.dispose()
    app.state.reader.dispose()
    assert 400 <= response.status_code < 500, (response.status_code, response.text[-300:])
    assert "Traceback" not in response.text and "OverflowError" not in response.text

"""`procure serve --workers N`: each worker builds the app from the factory, on the same data."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from tests.e2e.web.server import served
from tests.e2e.web.site import Site


def test_two_workers_serve_the_sign_in_page_and_its_own_stylesheet(
    site: Site, tmp_path: Path
) -> None:
    with served(site.url, tmp_path / "serve.log", "--workers", "2") as base:
        with urllib.request.urlopen(f"{base}/signin", timeout=5) as response:
            page = response.read().decode()
            assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "<h1>登录</h1>" in page
        linked = re.findall(r'(?:href|src)="([^"]+)"', page)
        assert linked and all(url.startswith(("/", "#")) for url in linked), linked  # this host
        with urllib.request.urlopen(f"{base}/static/app.css", timeout=5) as response:
            assert response.status == 200
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log))) == 2, log

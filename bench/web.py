"""Benchmark: the web pages of a 100,000-project province, against a trivial page.

Builds a province with ``procure fixtures generate``'s generator (100,000 assessed
contracts by default), starts the web server in a process of its own, signs in as
the province's officer, and times each page over keep-alive HTTP: the dashboard,
the projects list (first page, a deep page, a filtered search), a project page and
a sign-in, each against ``/healthz`` (reads nothing) measured in the same run. It
prints p50 and p95 in milliseconds and the ratio of each p95 to the trivial p95.
With ``PROCURE_BENCH_POSTGRES_URL`` naming a server, the same runs on PostgreSQL.
Targets: every page's p95 ≤ 50 ms and ≤ 10× the trivial route. No assertion.

    python bench/web.py [--projects 100000] [--requests 40]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

YEAR = 2019
PASSWORD = "bench-password-2019"
WARMUP = 3


def build(url: str, projects: int) -> str:
    """Migrate, generate the province, give its officer a password; return a deep cursor."""
    from procure.services.accounts import manage as accounts
    from procure.services.browse.listing import encode_cursor
    from procure.services.loading.generate import generate_year
    from procure.services.loading.generated_projects import ADMIN_LOGIN, OFFICER_LOGIN
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade
    from procure.store.models import Project
    from procure.workflow.context import Actor

    engine = make_engine(url)
    try:
        upgrade(engine)
        with new_session(engine) as session:
            generate_year(
                session, year=YEAR, organizations=max(projects // 10, 1), projects=projects
            )
            accounts.set_password(session, OFFICER_LOGIN, PASSWORD, Actor(ADMIN_LOGIN, "admin"))
            session.commit()
        if engine.dialect.name == "postgresql":
            # a server's autovacuum analyzes a bulk load within a minute: measure the
            # plans its statistics give, not those of a table it has never looked at
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        with new_session(engine) as session:
            from sqlmodel import col, select

            deep = session.exec(
                select(Project).order_by(col(Project.code)).offset(int(projects * 0.9)).limit(1)
            ).one()
            assert deep.id is not None
            return encode_cursor("code", deep.code, deep.id)
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from procure.web.app import create_app\n"
        "from procure.web.settings import WebSettings\n"
        f"uvicorn.run(create_app(WebSettings({url!r})), host='127.0.0.1', port={port}, "
        "log_level='warning')\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the web server did not start within 60 s")


class Browser:
    """A keep-alive HTTP client that keeps the session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status}")
        return text

    def sign_in(self, login: str) -> None:
        page = self.request("GET", "/signin")
        found = re.search(r'name="signin_token" value="([^"]+)"', page)
        assert found is not None
        self.request(
            "POST",
            "/signin",
            {"login": login, "password": PASSWORD, "signin_token": found.group(1), "next": "/"},
        )


def timings(run: object, requests: int) -> list[float]:
    for _ in range(WARMUP):
        run()  # type: ignore[operator]
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(label: str, url: str, projects: int, requests: int) -> None:
    from procure.services.loading.generated_projects import OFFICER_LOGIN

    started = time.perf_counter()
    deep = build(url, projects)
    print(f"\n{label}: {projects:,} projects built in {time.perf_counter() - started:.0f} s")
    port = free_port()
    server = start_server(url, port)
    try:
        browser = Browser(port)
        browser.sign_in(OFFICER_LOGIN)
        first = browser.request("GET", "/projects")
        code = re.search(r'href="/projects/([^"?]+)"', first)
        assert code is not None
        pages = {
            "trivial /healthz": "/healthz",
            "dashboard": "/dashboard",
            "projects, first page": "/projects",
            "projects, deep page (90%)": "/projects?" + urlencode({"after": deep}),
            "projects, filtered search": "/projects?"
            + urlencode({"year": YEAR, "state": "assessed", "q": "心理"}),
            "project page": f"/projects/{code.group(1)}",
        }
        results = {
            name: timings(lambda path=path: browser.request("GET", path), requests)
            for name, path in pages.items()
        }
        signer = Browser(port)
        results["sign-in (Argon2)"] = timings(lambda: signer.sign_in(OFFICER_LOGIN), requests // 4)
        floor = p95(results["trivial /healthz"])
        print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'p95 / trivial':>14}")
        for name, samples in results.items():
            worst = p95(samples)
            print(
                f"{name:32} {statistics.median(samples):8.1f} {worst:8.1f} {worst / floor:13.1f}×"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "web.db"
        measure("SQLite", f"sqlite:///{database}", options.projects, options.requests)
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL")
    if server:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        from sqlalchemy import create_engine, text

        admin = create_engine(server)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in server else "?"
        try:
            url = f"{server}{separator}options=-csearch_path%3D{schema}"
            measure("PostgreSQL", url, options.projects, options.requests)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        print("\nPostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to measure it)")


if __name__ == "__main__":
    main()

"""Benchmark: the dashboard right after a write, a filtered search and a project page, each
timed interleaved with the trivial ``/healthz`` route, at 100,000 projects.

Builds a province with ``procure fixtures generate``'s generator (or reuses one kept
with ``--keep-sqlite FILE`` / ``--postgres-schema NAME``), starts the web server in a
process of its own, signs in as the province's officer and, for every sample, requests
``/healthz`` then the page, so a busy machine slows both alike. "Dashboard after a
write" records a payment through the services (its own transaction and audit row, as
another officer would) before each request. Prints p50 and p95 in milliseconds and each
p95's ratio to the trivial route's p95 (measured in the same pairs). Targets (issue 25):
p95 ≤ 50 ms and ≤ 10× the trivial route. With ``PROCURE_BENCH_POSTGRES_URL`` naming a
server, the same runs on PostgreSQL.

    python bench/pages.py [--projects 100000] [--requests 60] [--keep-sqlite FILE]
        [--postgres-schema NAME] [--no-sqlite]
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
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

YEAR = 2019
PASSWORD = "bench-password-2019"
WARMUP = 3


def build(url: str, projects: int) -> None:
    """Migrate and generate the province; give its officer a password."""
    from procure.services.accounts import manage as accounts
    from procure.services.loading.generate import generate_year
    from procure.services.loading.generated_projects import ADMIN_LOGIN, OFFICER_LOGIN
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade
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
            with engine.begin() as connection:  # what autovacuum does within a minute
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def prepared(url: str, projects: int) -> None:
    """Build the province unless the database holds one (then only migrate it)."""
    from sqlalchemy import inspect

    from procure.store.db import make_engine
    from procure.store.migrate import upgrade

    engine = make_engine(url)
    try:
        built = inspect(engine).has_table("project")
        if built:
            upgrade(engine)
            with engine.begin() as connection:
                count = connection.exec_driver_sql("SELECT count(*) FROM project").scalar_one()
            print(f"  reusing {count:,} projects")
            if engine.dialect.name == "postgresql":
                with engine.begin() as connection:
                    connection.exec_driver_sql("ANALYZE")
            return
    finally:
        engine.dispose()
    started = time.perf_counter()
    build(url, projects)
    print(f"  {projects:,} projects built in {time.perf_counter() - started:.0f} s")


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


class Payer:
    """Records one-fen payments on assessed projects, as another officer would."""

    def __init__(self, url: str) -> None:
        from sqlmodel import col, select

        from procure.store.db import make_engine, new_session
        from procure.store.models import Project

        self.engine = make_engine(url)
        with new_session(self.engine) as session:
            statement = select(Project.code).where(col(Project.state) == "assessed").limit(500)
            self.codes = list(session.exec(statement))
        self.turn = 0

    def pay(self) -> None:
        from procure.services.lifecycle import fire as lc
        from procure.services.loading.generated_projects import OFFICER_LOGIN
        from procure.store.db import new_session
        from procure.workflow.context import Actor

        code = self.codes[self.turn % len(self.codes)]
        self.turn += 1
        with new_session(self.engine) as session:
            actor = Actor(OFFICER_LOGIN, "officer")
            lc.record_payment(session, code, actor, amount=Decimal("0.01"), paid_on=f"{YEAR}-12-01")
            session.commit()


def paired(
    trivial: Callable[[], object],
    page: Callable[[], object],
    requests: int,
    before: Callable[[], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Time ``trivial`` and ``page`` alternately (``before`` runs untimed ahead of each page)."""

    def timed(call: Callable[[], object]) -> float:
        start = time.perf_counter()
        call()
        return (time.perf_counter() - start) * 1000

    for _ in range(WARMUP):
        trivial()
        if before is not None:
            before()
        page()
    floor, samples = [], []
    for _ in range(requests):
        floor.append(timed(trivial))
        if before is not None:
            before()
        samples.append(timed(page))
    return floor, samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(label: str, url: str, projects: int, requests: int) -> None:
    from procure.services.loading.generated_projects import OFFICER_LOGIN

    print(f"\n{label}:")
    prepared(url, projects)
    payer = Payer(url)
    port = free_port()
    server = start_server(url, port)
    try:
        browser = Browser(port)
        browser.sign_in(OFFICER_LOGIN)
        code = payer.codes[len(payer.codes) // 2]

        def get(path: str) -> Callable[[], object]:
            return lambda: browser.request("GET", path)

        search = "/projects?" + urlencode({"year": YEAR, "state": "assessed", "q": "心理"})
        cases: dict[str, tuple[str, Callable[[], object] | None]] = {
            "dashboard, cached": ("/dashboard", None),
            "dashboard, right after a write": ("/dashboard", payer.pay),
            "projects, right after a write": ("/projects", payer.pay),
            "projects, filtered search": (search, None),
            "projects, search 2 characters": ("/projects?" + urlencode({"q": "心理"}), None),
            "projects, search title words": ("/projects?" + urlencode({"q": "职工心理"}), None),
            "project page": (f"/projects/{code}", None),
        }
        print(f"  {'page':34} {'p50 ms':>8} {'p95 ms':>8} {'trivial p95':>12} {'ratio':>7}")
        for name, (path, before) in cases.items():
            floor, samples = paired(get("/healthz"), get(path), requests, before)
            worst, base = p95(samples), p95(floor)
            print(
                f"  {name:34} {statistics.median(samples):8.1f} {worst:8.1f} {base:12.2f} "
                f"{worst / base:6.1f}×"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        payer.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--keep-sqlite", type=Path, help="build the SQLite database here once")
    parser.add_argument("--postgres-schema", help="build the PostgreSQL schema once, keep it")
    parser.add_argument("--no-sqlite", action="store_true")
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    if not options.no_sqlite:
        if options.keep_sqlite is not None:
            measure(
                "SQLite", f"sqlite:///{options.keep_sqlite}", options.projects, options.requests
            )
        else:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'pages.db'}"
                measure("SQLite", url, options.projects, options.requests)
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL")
    if not server:
        print("\nPostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to measure it)")
        return
    from sqlalchemy import create_engine, text

    schema = options.postgres_schema or f"bench_pages_{os.getpid()}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
        measure("PostgreSQL", url, options.projects, options.requests)
    finally:
        if options.postgres_schema is None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()

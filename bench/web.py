"""Benchmark: the web pages of a 100,000-project province, against a trivial page.

Builds a province with ``procure fixtures generate``'s generator (100,000 assessed
contracts by default), starts the web server in a process of its own, signs in as
the province's officer, and times each page over keep-alive HTTP: the dashboard,
the projects list (first page, a deep page, a filtered search), a project page and
a sign-in. Each request is paired with a ``/healthz`` request (reads nothing) timed just
before it, the pages in a shuffled order each round, so the trivial baseline sees the
same moments of a shared, busy machine. The dashboard and the list are timed again
right after a write (a payment recorded through the services by another process
appends to the trail, so nothing cached on the old head is reused); the other pages are
timed in the steady state (requested once, untimed, when a write came since their last
request). It prints each
page's p50 and p95 in milliseconds, the p95 of its paired trivial requests, and the
ratio of its p95 to the trivial p95 pooled over every pair of the run. With
``PROCURE_BENCH_POSTGRES_URL`` (else ``PROCURE_TEST_POSTGRES_URL``) naming a server, the
same runs on PostgreSQL. Targets: every page's p95 ≤ 50 ms and
≤ 10× the trivial route. No assertion.

    python bench/web.py [--projects 100000] [--requests 40] [--quick] [--sqlite-only]

``--quick`` builds 5,000 projects and times 20 rounds (a minute, not the half hour of
the province). Lines starting with ``»`` are the summary ``make bench`` shows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
    """A keep-alive HTTP client that keeps the session cookie (and connects again when the
    server closed an idle connection: uvicorn keeps one 5 s)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
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


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


class Writer:
    """Records a payment of 1 yuan on a project of the province, a different one each time,
    through the services (another process than the server, as another officer would)."""

    def __init__(self, url: str) -> None:
        from sqlmodel import col, select

        from procure.store.db import make_engine, new_session
        from procure.store.models import Project

        self.engine = make_engine(url)
        with new_session(self.engine) as session:
            self.codes = list(
                session.exec(select(Project.code).order_by(col(Project.code)).limit(500)).all()
            )
        self.made = 0

    def write(self) -> None:
        from procure.services.lifecycle.fire import record_payment
        from procure.services.loading.generated_projects import OFFICER_LOGIN
        from procure.store.db import new_session
        from procure.workflow.context import Actor

        code = self.codes[self.made % len(self.codes)]
        self.made += 1
        with new_session(self.engine) as session:
            record_payment(
                session,
                code,
                Actor(OFFICER_LOGIN, "officer"),
                amount="1.00",
                paid_on=f"{YEAR}-12-20",
                note="bench",
            )

    def close(self) -> None:
        self.engine.dispose()


def measure(label: str, url: str, projects: int, requests: int) -> list[str]:
    """Build, serve and time the pages; print the table and return the summary lines."""
    from procure.services.loading.generated_projects import OFFICER_LOGIN

    started = time.perf_counter()
    deep = build(url, projects)
    print(f"\n{label}: {projects:,} projects built in {time.perf_counter() - started:.0f} s")
    port = free_port()
    server = start_server(url, port)
    writer = Writer(url)
    try:
        browser = Browser(port)
        browser.sign_in(OFFICER_LOGIN)
        first = browser.request("GET", "/projects")
        code = re.search(r'href="/projects/([^"?]+)"', first)
        assert code is not None
        pages = {
            "dashboard": "/dashboard",
            "projects, first page": "/projects",
            "projects, deep page (90%)": "/projects?" + urlencode({"after": deep}),
            "projects, filtered search": "/projects?"
            + urlencode({"year": YEAR, "state": "assessed", "q": "心理"}),
            "project page": f"/projects/{code.group(1)}",
        }
        after_write = {
            "dashboard, after a write": "/dashboard",
            "projects, after a write": "/projects",
        }
        signer = Browser(port)

        def trivial() -> object:
            return browser.request("GET", "/healthz")

        runs = {name: getter(browser, path) for name, path in pages.items()}
        runs["sign-in (Argon2)"] = lambda: signer.sign_in(OFFICER_LOGIN)
        for path in after_write.values():
            browser.request("GET", path)  # warm
        for run in [trivial, *runs.values()] * WARMUP:
            run()
        samples: dict[str, list[float]] = {name: [] for name in [*runs, *after_write]}
        paired: dict[str, list[float]] = {name: [] for name in samples}
        order = random.Random(0)
        stale: set[str] = set()  # pages requested last before the latest write
        for round_ in range(requests):
            names = list(runs) + list(after_write)
            order.shuffle(names)
            for name in names:
                if name == "sign-in (Argon2)" and round_ % 4:
                    continue  # Argon2 is slow by design: a quarter of the rounds
                if name in after_write:
                    writer.write()
                    stale = set(runs)
                    run = getter(browser, after_write[name])
                else:
                    if name in stale:  # the steady case: what a write left to redo, done
                        runs[name]()
                        stale.discard(name)
                    run = runs[name]
                paired[name].append(timed(trivial))
                samples[name].append(timed(run))
        everything = [t for name in paired for t in paired[name]]
        floor = p95(everything)
        print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: read the ratios)")
        print(f"{'page':28} {'p50 ms':>7} {'p95 ms':>7} {'paired trivial p95':>19} {'ratio':>7}")
        print(f"{'trivial /healthz (pooled)':28} {statistics.median(everything):7.1f} {floor:7.1f}")
        summary = []
        for name, taken in samples.items():
            worst = p95(taken)
            print(
                f"{name:28} {statistics.median(taken):7.1f} {worst:7.1f} "
                f"{p95(paired[name]):19.1f} {worst / floor:6.1f}×"
            )
            if name != "sign-in (Argon2)":
                summary.append((name, worst, worst / floor))
        slowest = max(summary, key=lambda item: item[2])
        over = [name for name, worst, ratio in summary if worst > 50 or ratio > 10]
        line = (
            f"» web {label} {projects:,}: trivial p95 {floor:.1f} ms; worst "
            f"{slowest[0]} p95 {slowest[1]:.1f} ms = {slowest[2]:.1f}× trivial; "
            f"over target (50 ms or 10×): {', '.join(over) if over else 'none'}"
        )
        print(line)
        return [line]
    finally:
        writer.close()
        server.terminate()
        server.wait(timeout=30)


def getter(browser: Browser, path: str) -> Callable[[], object]:
    return lambda: browser.request("GET", path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="5,000 projects, 20 rounds")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    options = parser.parse_args()
    if options.quick:
        options.projects, options.requests = 5_000, 20
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "web.db"
        measure("SQLite", f"sqlite:///{database}", options.projects, options.requests)
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL") or os.environ.get(
        "PROCURE_TEST_POSTGRES_URL"
    )
    if server and not options.sqlite_only:
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
        print("\n» web PostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to measure it)")


if __name__ == "__main__":
    main()

"""Benchmark: the web pages of a 100,000-project province, against a trivial page.

Builds a province with ``procure fixtures generate``'s generator (100,000 assessed
contracts by default; or reuses one kept with ``--keep-sqlite FILE`` /
``--postgres-schema NAME``), starts the web server in a process of its own, signs in as
the province's officer, and times each page over keep-alive HTTP: the dashboard, the
projects list (first page, a deep page, a filtered search), a project page, its panel and
assessment pages and a sign-in. Each request is paired with a ``/healthz`` request (reads
nothing) timed just before it, the pages in a shuffled order each round, so the trivial
baseline sees the same moments of a shared, busy machine. The dashboard and the list are
timed again right after a write (a payment recorded through the services by another
process appends to the trail, so nothing cached on the old head is reused); the other
pages are timed in the steady state (requested once, untimed, when a write came since
their last request). It prints each page's p50 and p95 in milliseconds, the p95 of its
paired trivial requests, the ratio of its p95 to the trivial p95 pooled over every pair of
the run, and the server's median CPU milliseconds per request of the page (from
``/proc/PID/schedstat``: what a busy machine inflates least). With
``PROCURE_BENCH_POSTGRES_URL`` (else ``PROCURE_TEST_POSTGRES_URL``) naming a server, the
same runs on PostgreSQL. Targets: every page's p95 ≤ 50 ms and ≤ 10× the trivial route.
No assertion. ``bench/pages.py`` times its own set of pages with the same machinery.

    python bench/web.py [--projects 100000] [--requests 100] [--quick] [--sqlite-only]
        [--keep-sqlite FILE] [--postgres-schema NAME]

``--quick`` builds 5,000 projects and times 20 rounds (a minute, not the half hour of
the province). Lines starting with ``»`` are the summary ``make bench`` shows.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))

from serving import (  # noqa: E402
    PASSWORD,
    YEAR,
    Browser,
    Writer,
    cpu_ms,
    free_port,
    getter,
    p95,
    start_server,
    timed,
)

WARMUP = 3
ROUNDS = 100
"""Rounds timed by default: a p95 of 40 samples is their second slowest, which one
autovacuum pass or one list worked out again (:mod:`procure.services.browse.waiting_cache`)
decides; of 100 it is the sixth slowest, the page as a user meets it 19 times in 20."""


def build(url: str, projects: int) -> None:
    """Migrate, generate the province and give its officer a password, unless the database
    holds a province already (then migrate it only)."""
    from sqlalchemy import inspect

    from procure.services.accounts import manage as accounts
    from procure.services.loading.generate import generate_year
    from procure.services.loading.generated_projects import ADMIN_LOGIN, OFFICER_LOGIN
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade
    from procure.workflow.context import Actor

    engine = make_engine(url)
    try:
        built = inspect(engine).has_table("project")
        upgrade(engine)
        if built:
            with engine.begin() as connection:
                count = connection.exec_driver_sql("SELECT count(*) FROM project").scalar_one()
            print(f"  reusing {count:,} projects")
        else:
            started = time.perf_counter()
            with new_session(engine) as session:
                generate_year(
                    session, year=YEAR, organizations=max(projects // 10, 1), projects=projects
                )
                login = Actor(ADMIN_LOGIN, "admin")
                accounts.set_password(session, OFFICER_LOGIN, PASSWORD, login)
                session.commit()
            print(f"  {projects:,} projects built in {time.perf_counter() - started:.0f} s")
        if engine.dialect.name == "postgresql":
            # a server's autovacuum analyzes a bulk load within a minute: measure the
            # plans its statistics give, not those of a table it has never looked at
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def deep_cursor(url: str) -> str:
    """The list's cursor 90% of the way down the projects."""
    from sqlmodel import col, func, select

    from procure.services.browse.listing import encode_cursor
    from procure.store.db import make_engine, new_session
    from procure.store.models import Project

    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            count = session.exec(select(func.count(col(Project.id)))).one()
            deep = session.exec(
                select(Project).order_by(col(Project.code)).offset(int(count * 0.9)).limit(1)
            ).one()
            assert deep.id is not None
            return encode_cursor("code", deep.code, deep.id)
    finally:
        engine.dispose()


Pages = Callable[["Browser", "Writer"], tuple[dict[str, Callable[[], object]], set[str]]]
"""Given the signed-in browser and the writer: each page's request by name, and the names
to time right after a write (the writer writes first, untimed)."""


def province_pages(url: str) -> Pages:
    """The pages of :func:`main`: the dashboard, the list, a project and its panel and
    assessment pages, a sign-in."""
    deep = deep_cursor(url)

    def pages(browser: Browser, writer: Writer) -> tuple[dict[str, Callable[[], object]], set[str]]:
        from procure.services.loading.generated_projects import OFFICER_LOGIN

        first = browser.request("GET", "/projects")
        found = re.search(r'href="/projects/([^"?]+)"', first)
        assert found is not None
        code = found.group(1)
        signer = Browser(browser.port)
        paths = {
            "dashboard": "/dashboard",
            "projects, first page": "/projects",
            "projects, deep page (90%)": "/projects?" + urlencode({"after": deep}),
            "projects, filtered search": "/projects?"
            + urlencode({"year": YEAR, "state": "assessed", "q": "心理"}),
            "project page": f"/projects/{code}",
            "panel page": f"/projects/{code}/panel",
            "assessment page": f"/projects/{code}/assessment",
            "dashboard, after a write": "/dashboard",
            "projects, after a write": "/projects",
        }
        runs = {name: getter(browser, path) for name, path in paths.items()}
        runs["sign-in (Argon2)"] = lambda: signer.sign_in(OFFICER_LOGIN)
        return runs, {"dashboard, after a write", "projects, after a write"}

    return pages


def measure(label: str, url: str, projects: int, requests: int, pages: Pages) -> list[str]:
    """Serve and time the pages; print the table and return the summary lines."""
    from procure.services.loading.generated_projects import OFFICER_LOGIN

    port = free_port()
    server = start_server(url, port)
    writer = Writer(url)
    try:
        browser = Browser(port)
        browser.sign_in(OFFICER_LOGIN)
        runs, after_write = pages(browser, writer)

        def trivial() -> object:
            return browser.request("GET", "/healthz")

        for run in [trivial, *runs.values()] * WARMUP:
            run()
        samples: dict[str, list[float]] = {name: [] for name in runs}
        paired: dict[str, list[float]] = {name: [] for name in samples}
        cpu: dict[str, list[float]] = {name: [] for name in [*samples, "trivial"]}
        order = random.Random(0)
        stale: set[str] = set()  # pages requested last before the latest write
        for round_ in range(requests):
            names = list(runs)
            order.shuffle(names)
            for name in names:
                if name.startswith("sign-in") and round_ % 4:
                    continue  # Argon2 is slow by design: a quarter of the rounds
                if name in after_write:
                    writer.write()
                    stale = set(runs) - after_write
                elif name in stale:  # the steady case: what a write left to redo, done
                    runs[name]()
                    stale.discard(name)
                before = cpu_ms(server.pid)
                paired[name].append(timed(trivial))
                cpu["trivial"].append(cpu_ms(server.pid) - before)
                before = cpu_ms(server.pid)
                samples[name].append(timed(runs[name]))
                cpu[name].append(cpu_ms(server.pid) - before)
        return report(label, projects, samples, paired, cpu)
    finally:
        writer.close()
        server.terminate()
        server.wait(timeout=30)


def report(
    label: str,
    projects: int,
    samples: dict[str, list[float]],
    paired: dict[str, list[float]],
    cpu: dict[str, list[float]],
) -> list[str]:
    """Print each page's figures; return the summary line."""
    everything = [t for name in paired for t in paired[name]]
    floor = p95(everything)
    load = os.getloadavg()
    shown = " ".join(f"{value:.2f}" for value in load)
    print(f"load average {shown} (2 cores shared: read the ratios)")
    print(
        f"{'page':28} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'paired trivial p95':>19} "
        f"{'ratio':>7} {'server CPU ms':>14}"
    )
    print(
        f"{'trivial /healthz (pooled)':28} {statistics.median(everything):7.1f} {floor:7.1f} "
        f"{max(everything):7.1f} {'':19} {'':7} {statistics.median(cpu['trivial']):14.1f}"
    )
    summary = []
    for name, taken in samples.items():  # (the sign-in's Argon2 runs in a thread of its own)
        worst = p95(taken)
        print(
            f"{name:28} {statistics.median(taken):7.1f} {worst:7.1f} {max(taken):7.1f} "
            f"{p95(paired[name]):19.1f} {worst / floor:6.1f}× {statistics.median(cpu[name]):14.1f}"
        )
        if not name.startswith("sign-in"):
            summary.append((name, worst, worst / floor))
    slowest = max(summary, key=lambda item: item[2])
    over = [name for name, worst, ratio in summary if worst > 50 or ratio > 10]
    line = (
        f"» web {label} {projects:,}: trivial p95 {floor:.1f} ms; worst "
        f"{slowest[0]} p95 {slowest[1]:.1f} ms = {slowest[2]:.1f}× trivial; "
        f"over target (50 ms or 10×): {', '.join(over) if over else 'none'}; load {load[0]:.1f}; "
        f"server CPU per request: trivial {statistics.median(cpu['trivial']):.1f} ms, worst "
        f"{max(statistics.median(cpu[n]) for n, _, _ in summary):.1f} ms"
    )
    print(line)
    return [line]


def run_both(options: argparse.Namespace, pages: Callable[[str], Pages]) -> None:
    """Build (or reuse) the province on SQLite and, when a server is named, PostgreSQL;
    time ``pages(url)`` on each."""
    if not getattr(options, "no_sqlite", False):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{options.keep_sqlite or Path(folder) / 'web.db'}"
            print("\nSQLite:")
            build(url, options.projects)
            measure("SQLite", url, options.projects, options.requests, pages(url))
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL") or os.environ.get(
        "PROCURE_TEST_POSTGRES_URL"
    )
    if not server or options.sqlite_only:
        print("\n» web PostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to measure it)")
        return
    from sqlalchemy import create_engine, text

    schema = options.postgres_schema or f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
        print("\nPostgreSQL:")
        build(url, options.projects)
        measure("PostgreSQL", url, options.projects, options.requests, pages(url))
    finally:
        if options.postgres_schema is None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def arguments(description: str, requests: int) -> argparse.ArgumentParser:
    """The options :func:`run_both` reads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--keep-sqlite", type=Path, help="build the SQLite database here once")
    parser.add_argument("--postgres-schema", help="build the PostgreSQL schema once, keep it")
    return parser


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], ROUNDS)
    parser.add_argument("--quick", action="store_true", help="5,000 projects, 20 rounds")
    options = parser.parse_args()
    if options.quick:
        options.projects, options.requests = 5_000, 20
    run_both(options, province_pages)


if __name__ == "__main__":
    main()

"""Benchmark: the browse services (projects list, dashboard, waiting) at 100,000 projects.

Builds five generated years of 20,000 projects each (``procure fixtures generate``'s
generator), then spreads a third of them over the early states and pays half of every
contract with raw SQL (a bench database, not a trail to verify), and adds a city-level
auditor and an organization account. Times, in this process, p50 and p95 over
``--runs`` calls of each service call a page makes, for the province officer (grant on
the province: every project), a city auditor (one city's share) and an organization;
prints the query plans of the main queries with ``--explain``. On SQLite, and on
PostgreSQL when ``PROCURE_BENCH_POSTGRES_URL`` (else ``PROCURE_TEST_POSTGRES_URL``)
names a server (a fresh schema, dropped afterwards). No assertion: the figures go in
the notes. Target (issue 11, with rendering): every page's p95 ≤ 50 ms.

    python bench/browse.py [--runs N] [--explain] [--keep FILE.db] [--no-sqlite] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.browse.dashboard import dashboard, waiting_for
from procure.services.browse.listing import ProjectFilters, encode_cursor, list_page
from procure.services.browse.visibility import viewer_scope
from procure.services.loading.generate import generate_year
from procure.services.loading.generated_projects import ADMIN_LOGIN, OFFICER_LOGIN
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from procure.workflow.context import Actor

YEARS = range(2020, 2025)
PER_YEAR = 20_000
EARLY = ("draft", "proposed", "approved", "soliciting", "reviewing", "awarded", "contracted")
CITY_AUDITOR = "lz-auditor"


def build(engine: Engine) -> str:
    """Fill a migrated database; return the login of one organization account."""
    upgrade(engine)
    with new_session(engine) as session:
        for year in YEARS:
            generate_year(session, year=year, organizations=2000, projects=PER_YEAR, seed=year)
        spread = " ".join(f"WHEN {n} THEN '{state}'" for n, state in enumerate(EARLY))
        session.connection().execute(
            text(f"UPDATE project SET state = CASE id % 21 {spread} ELSE state END")
        )
        session.connection().execute(
            text(
                "INSERT INTO payment (contract_id, tranche, amount, paid_on, note) "
                "SELECT id, 1, amount / 2, start_on, '' FROM contract"
            )
        )
        admin = Actor(ADMIN_LOGIN, "admin")
        accounts.add_user(session, CITY_AUDITOR, "兰州市总工会审计", admin)
        accounts.grant(session, CITY_AUDITOR, "auditor", admin, purchaser="GS-LZ")
        uscc = session.connection().execute(text("SELECT uscc FROM organization LIMIT 1")).one()[0]
        accounts.add_user(session, uscc.lower(), "组织账号", admin)
        accounts.grant(session, uscc.lower(), "organization", admin, organization=uscc)
        session.commit()
    if engine.dialect.name == "postgresql":  # what autovacuum would have done by now
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return str(uscc.lower())


def cases(session: Session, organization: str) -> dict[str, Callable[[], object]]:
    """The calls each page makes, by name."""
    officer = viewer_scope(session, OFFICER_LOGIN)
    city = viewer_scope(session, CITY_AUDITOR)
    org = viewer_scope(session, organization)
    none = ProjectFilters()
    deep = _deep_cursor(session)
    return {
        "scope (officer)": lambda: viewer_scope(session, OFFICER_LOGIN),
        "list first page": lambda: list_page(session, officer, none),
        "list deep page (~90,000th row)": lambda: list_page(session, officer, none, after=deep),
        "list -budget first page": lambda: list_page(session, officer, none, sort="-budget"),
        "list title first page": lambda: list_page(session, officer, none, sort="title"),
        "list search q=心理 2023": lambda: list_page(
            session, officer, ProjectFilters(year=2023, q="心理")
        ),
        "list search q=GS-LZ-2024-0001": lambda: list_page(
            session, officer, ProjectFilters(q="GS-LZ-2024-0001")
        ),
        "list state=proposed": lambda: list_page(
            session, officer, ProjectFilters(state="proposed")
        ),
        "list organization name": lambda: list_page(
            session, officer, ProjectFilters(organization="兰州市第1社会")
        ),
        "list city auditor": lambda: list_page(session, city, none),
        "list city auditor -year": lambda: list_page(session, city, none, sort="-year"),
        "list organization account": lambda: list_page(session, org, none),
        "dashboard officer all years": lambda: dashboard(session, officer),
        "dashboard officer 2024": lambda: dashboard(session, officer, year=2024),
        "dashboard city 2024": lambda: dashboard(session, city, year=2024),
        "waiting officer": lambda: waiting_for(session, officer, OFFICER_LOGIN),
    }


def _deep_cursor(session: Session) -> str:
    row = (
        session.connection()
        .execute(text("SELECT code, id FROM project ORDER BY code, id LIMIT 1 OFFSET 90000"))
        .one()
    )
    return encode_cursor("code", row[0], row[1])


def measure(call: Callable[[], object], runs: int) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def explain(engine: Engine, session: Session, call: Callable[[], object]) -> None:
    with captured(engine) as statements:
        call()
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    for statement, params in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        cursor = raw.cursor()
        cursor.execute(prefix + statement, params)
        print("    " + "\n    ".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))
        cursor.close()


def run(engine: Engine, label: str, runs: int, show_plans: bool, *, built: bool = False) -> None:
    start = time.perf_counter()
    if built:  # a kept database: reuse it (after any new migration)
        upgrade(engine)
        with engine.connect() as connection:
            query = "SELECT login FROM \"user\" WHERE login LIKE '52%'"
            organization = connection.execute(text(query)).scalar_one()
    else:
        organization = build(engine)
    elapsed = time.perf_counter() - start
    print(f"{label}: {len(YEARS) * PER_YEAR:,} projects ready in {elapsed:.0f} s")
    worst = ("", 0.0)
    with new_session(engine) as session:
        for name, call in cases(session, organization).items():
            p50, p95 = measure(call, runs)
            print(f"  {name:34} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
            worst = max(worst, (name, p95), key=lambda item: item[1])
            if show_plans:
                explain(engine, session, call)
    print(f"» browse {label}: slowest service call {worst[0]} p95 {worst[1]:.1f} ms")


@contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the SQLite database here once, reuse it")
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    if options.keep is not None:
        built = options.keep.exists()
        engine = make_engine(f"sqlite:///{options.keep}")
        run(engine, "SQLite (kept)", options.runs, options.explain, built=built)
        engine.dispose()
    elif not options.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'province.db'}")
            run(engine, "SQLite", options.runs, options.explain)
            engine.dispose()
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL") or os.environ.get(
        "PROCURE_TEST_POSTGRES_URL"
    )
    if options.no_postgres or not server:
        print("PostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to a server URL)")
        return
    with postgres_schema(server) as url:
        engine = make_engine(url)
        run(engine, "PostgreSQL", options.runs, options.explain)
        engine.dispose()


if __name__ == "__main__":
    main()

"""Benchmark: the year-end renewal run against raw SQL doing the same writes.

Builds 10,000 assessed contracts (``procure fixtures generate``'s generator) and
times, in this process (start-up excluded), the dry run and ``--apply``. The
floor is the same writes as raw SQL with the ``sqlite3`` module in one
transaction (UPDATE the states, INSERT the audit rows, the next-year projects
and the bars, the values computed beforehand), on a copy of the same database.
Then 100,000 contracts are renewed in a fresh process whose peak memory (max RSS,
interpreter included) is printed. No assertion: the figures go in the notes.
Targets: --apply of 10,000 ≤ 1.0 s on SQLite, ≤ 20× the floor; 100,000 ≤ 300 MB.
"""

from __future__ import annotations

import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2019
CPU: dict[bool, float] = {}  # CPU seconds of the last dry run / apply (robust to a busy host)


def build(path: Path, projects: int, organizations: int) -> None:
    """Create a migrated SQLite database with ``projects`` assessed contracts."""
    from procure.services.generate import generate_year
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with new_session(engine) as session:
            generate_year(session, year=YEAR, organizations=organizations, projects=projects)
    finally:
        engine.dispose()


def timed_run(path: Path, apply: bool) -> tuple[float, object]:
    """Time one renew_year call on an open session (engine built outside the timing)."""
    from procure import renew_year
    from procure.store.db import make_engine, new_session

    engine = make_engine(f"sqlite:///{path}")
    try:
        with new_session(engine) as session:
            start, cpu = time.perf_counter(), time.process_time()
            run = renew_year(session, YEAR, apply=apply)
            CPU[apply] = time.process_time() - cpu
            return time.perf_counter() - start, run
    finally:
        engine.dispose()


def raw_sql_floor(path: Path, batch_id: str) -> float:
    """The run's writes replayed as raw SQL in one transaction, values precomputed."""
    source = sqlite3.connect(path)
    audit_rows = source.execute(
        "SELECT seq + 1000000, at, actor, role, project_code, trigger, from_state, to_state,"
        " reason, data, batch_id, prev_hash, hash FROM transition_log WHERE batch_id = ?",
        (batch_id,),
    ).fetchall()
    moves = source.execute(
        "SELECT state, id FROM project WHERE year = ? AND state != 'assessed'", (YEAR,)
    ).fetchall()
    following = source.execute(
        "SELECT code || 'X', year, title, purpose, purchaser_id, budget, state, version,"
        " awarded_organization_id, carried_amount, carried_start_on, carried_end_on"
        " FROM project WHERE year = ?",
        (YEAR + 1,),
    ).fetchall()
    bars = source.execute(
        "SELECT organization_id, purchaser_id, year + 100, project_id, reason FROM bar"
    ).fetchall()
    source.close()
    copy = path.with_name("floor.db")
    shutil.copy(path.with_name("before.db"), copy)
    connection = sqlite3.connect(copy, isolation_level=None)
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "UPDATE project SET state = ?, version = version + 1 WHERE id = ?",
        moves,
    )
    connection.executemany(
        "INSERT INTO transition_log (seq, at, actor, role, project_code, trigger, from_state,"
        " to_state, reason, data, batch_id, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        audit_rows,
    )
    connection.executemany(
        "INSERT INTO project (code, year, title, purpose, purchaser_id, budget, state, version,"
        " awarded_organization_id, carried_amount, carried_start_on, carried_end_on)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        following,
    )
    connection.executemany(
        "INSERT INTO bar (organization_id, purchaser_id, year, project_id, reason)"
        " VALUES (?,?,?,?,?)",
        bars,
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def ten_thousand(folder: Path) -> None:
    """Dry run and --apply of 10,000 contracts, and the raw-SQL floor."""
    path = folder / "renewal.db"
    build(path, 10_000, 1000)
    shutil.copy(path, folder / "before.db")
    timed_run(path, apply=False)  # warm: rules loaded, code imported
    dry, plan = timed_run(path, apply=False)
    applied, run = timed_run(path, apply=True)
    floor = raw_sql_floor(path, run.batch_id)  # type: ignore[attr-defined]
    changed = run.changed  # type: ignore[attr-defined]
    print(f"10,000 contracts: plan {plan.counts}")  # type: ignore[attr-defined]
    print(f"  dry run  {dry:7.3f} s ({CPU[False]:.3f} s CPU)  {10_000 / dry:9.0f} contracts/s")
    print(
        f"  --apply  {applied:7.3f} s ({CPU[True]:.3f} s CPU)  {10_000 / applied:9.0f} contracts/s"
    )
    print(f"  raw SQL floor  {floor:7.3f} s   (the writes of the {changed} changed contracts)")
    print(f"  ratio --apply / floor: {applied / floor:.1f}x")


def hundred_thousand(folder: Path) -> None:
    """--apply of 100,000 contracts in a fresh process; its peak memory."""
    path = folder / "province.db"
    build(path, 100_000, 5000)
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout)
    print(
        f"100,000 contracts: --apply {figures['seconds']:.2f} s, changed {figures['changed']}, "
        f"peak memory {figures['peak_mb']:.0f} MB (max RSS, interpreter included)"
    )


def child(path: Path) -> None:
    """Run in the fresh process: renew the 100,000 and print seconds and peak memory."""
    seconds, run = timed_run(path, apply=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    changed = run.changed  # type: ignore[attr-defined]
    print(json.dumps({"seconds": seconds, "changed": changed, "peak_mb": peak_kb / 1024}))


def main() -> None:
    """Measure and print."""
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        ten_thousand(Path(folder))
        hundred_thousand(Path(folder))


if __name__ == "__main__":
    main()

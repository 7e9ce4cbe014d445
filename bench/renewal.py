"""Benchmark: the year-end renewal run against raw SQL doing the same writes.

Builds 10,000 assessed contracts (``procure fixtures generate``'s generator) and
times, in this process (start-up excluded), the dry run and ``--apply``. The
floor is the same writes as raw SQL with the ``sqlite3`` module in one
transaction (UPDATE the states, INSERT the audit rows, the next-year projects
and the bars, the values computed beforehand), on a copy of the same database.
Then 100,000 contracts are renewed in a fresh process whose peak memory (max RSS,
interpreter included, and the peaks of its anonymous and file-backed parts) is printed,
once as ``procure renew --apply`` reads (no memory map, a bulk writer) and once through
the 1 GiB map the other commands use (its mapped pages count in RSS). No assertion:
the figures go in the notes.
With a PostgreSQL server named (``PROCURE_BENCH_POSTGRES_URL``), the same 10,000
are renewed there too and the PostgreSQL / SQLite ratio printed. ``--no-province``
skips the 100,000. Targets: --apply of 10,000 ≤ 1.0 s on SQLite, ≤ 20× the floor;
on PostgreSQL ≤ 1.3× SQLite; 100,000 ≤ 300 MB.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

YEAR = 2019
CPU: dict[bool, float] = {}  # CPU seconds of the last dry run / apply (robust to a busy host)


def build(path: Path | str, projects: int, organizations: int) -> None:
    """Create a migrated database (a SQLite file, or a URL) with ``projects`` assessed contracts."""
    from procure.services.loading.generate import generate_year
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade

    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    try:
        upgrade(engine)
        with new_session(engine) as session:
            generate_year(session, year=YEAR, organizations=organizations, projects=projects)
    finally:
        engine.dispose()


def timed_run(path: Path | str, apply: bool, mmap_bytes: int | None = None) -> tuple[float, object]:
    """Time one renew_year call on an open session (engine built outside the timing), read
    as ``procure renew`` reads (``mmap_bytes``: SQLite's memory map instead)."""
    from procure import renew_year
    from procure.services.loading.generated_projects import OFFICER_LOGIN
    from procure.store.db import BULK_MMAP_BYTES, SQLITE_MMAP_BYTES, make_engine, new_session
    from procure.workflow.context import Actor

    mapped = (
        mmap_bytes if mmap_bytes is not None else BULK_MMAP_BYTES if apply else SQLITE_MMAP_BYTES
    )
    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}", mmap_bytes=mapped)
    try:
        with new_session(engine) as session:
            start, cpu = time.perf_counter(), time.process_time()
            run = renew_year(session, YEAR, apply=apply, actor=Actor(OFFICER_LOGIN, "officer"))
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
    print(
        f"» renewal 10,000: --apply {applied:.2f} s ({CPU[True]:.2f} s CPU) = "
        f"{applied / floor:.1f}× the raw SQL floor ({floor:.3f} s)"
    )
    APPLIED["sqlite"] = applied


APPLIED: dict[str, float] = {}  # seconds of --apply of 10,000, per database


def postgres_ten_thousand() -> None:
    """--apply of the same 10,000 contracts on PostgreSQL, and its ratio to SQLite.

    Runs when ``PROCURE_BENCH_POSTGRES_URL`` (else ``PROCURE_TEST_POSTGRES_URL``)
    names a server; the data goes in a fresh schema, dropped afterwards.
    Target: within 1.3x of SQLite.
    """
    server = os.environ.get("PROCURE_BENCH_POSTGRES_URL") or os.environ.get(
        "PROCURE_TEST_POSTGRES_URL"
    )
    if not server:
        print("PostgreSQL: skipped (set PROCURE_BENCH_POSTGRES_URL to a server URL)")
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    url = f"{server}{separator}options=-csearch_path%3D{schema}"
    try:
        build(url, 10_000, 1000)
        timed_run(url, apply=False)  # warm
        applied, run = timed_run(url, apply=True)
        print(
            f"PostgreSQL 10,000 contracts: --apply {applied:7.3f} s ({CPU[True]:.3f} s CPU), "
            f"changed {run.changed}"  # type: ignore[attr-defined]
        )
        if "sqlite" in APPLIED:
            ratio = applied / APPLIED["sqlite"]
            print(f"  ratio PostgreSQL / SQLite --apply: {ratio:.2f}x")
            print(f"» renewal 10,000 PostgreSQL: --apply {applied:.2f} s = {ratio:.2f}× SQLite")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def hundred_thousand(folder: Path) -> None:
    """--apply of 100,000 contracts in a fresh process, without and with the memory map;
    each one's peak memory."""
    from procure.store.db import BULK_MMAP_BYTES, SQLITE_MMAP_BYTES

    path = folder / "province.db"
    build(path, 100_000, 5000)
    shutil.copy(path, folder / "province-before.db")
    for label, mapped in (("no map (as renew)", BULK_MMAP_BYTES), ("1 GiB map", SQLITE_MMAP_BYTES)):
        shutil.copy(folder / "province-before.db", path)
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(path), str(mapped)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(child.stdout)
        print(
            f"» renewal 100,000, {label}: --apply {figures['seconds']:.2f} s "
            f"({figures['cpu']:.2f} s CPU), changed {figures['changed']}, peak RSS "
            f"{figures['peak_mb']:.0f} MB (anonymous {figures['anon_mb']:.0f} MB, "
            f"file pages {figures['file_mb']:.0f} MB; target 300 MB)"
        )


def _sample_memory(peaks: dict[str, int]) -> None:
    """Keep the peaks of the process's anonymous and file-backed resident memory (kB)."""
    while True:
        with open("/proc/self/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in peaks:
                    peaks[name] = max(peaks[name], int(value.split()[0]))
        time.sleep(0.02)


def _peak_kb() -> int:
    """This process's peak RSS: VmHWM, not ru_maxrss (which keeps the peak of the parent that
    spawned it, here the builder of the province)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: Path, mmap_bytes: int) -> None:
    """Run in the fresh process: renew the 100,000 and print seconds and peak memory."""
    peaks = {"RssAnon": 0, "RssFile": 0}
    if Path("/proc/self/status").exists():
        threading.Thread(target=_sample_memory, args=(peaks,), daemon=True).start()
    seconds, run = timed_run(path, apply=True, mmap_bytes=mmap_bytes)
    time.sleep(0.05)  # one more sample
    peak_kb = _peak_kb()
    changed = run.changed  # type: ignore[attr-defined]
    figures = {
        "seconds": seconds,
        "cpu": CPU[True],
        "changed": changed,
        "peak_mb": peak_kb / 1024,
        "anon_mb": peaks["RssAnon"] / 1024,
        "file_mb": peaks["RssFile"] / 1024,
    }
    print(json.dumps(figures))


def main() -> None:
    """Measure and print."""
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]), int(sys.argv[3]))
        return
    with tempfile.TemporaryDirectory() as folder:
        ten_thousand(Path(folder))
        postgres_ten_thousand()
        if sys.argv[1:2] != ["--no-province"]:
            hundred_thousand(Path(folder))


if __name__ == "__main__":
    main()

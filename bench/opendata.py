"""Benchmark: the OCDS export of a province's year, its time and its memory at two sizes.

Builds a year of generated contracts (``procure fixtures generate``'s generator) at two
sizes (default 5,000 and 50,000 projects) and exports each in a fresh process, as
``procure export ocds`` does (streamed to a file, SQLite read through no memory map). It
prints the seconds (and CPU seconds: the machine may be shared), the releases per
second, the peak memory the export added (the process's peak RSS, VmHWM, less its RSS
before the export, engine and code loaded) and the tracemalloc peak of Python objects
(in a second run: it slows the export). The floor, measured in the same process just
before, reads the same rows with the ``sqlite3`` module (projects, their trail rows, contracts,
payments, final assessments), and the export's time is printed against it.
Targets: 50,000 projects under 30 s; memory flat between the sizes. No assertion.

    python bench/opendata.py [--sizes 5000 50000]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

YEAR = 2019


def build(path: Path, projects: int) -> None:
    from procure.services.loading.generate import generate_year
    from procure.store.db import make_engine, new_session
    from procure.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with new_session(engine) as session:
            generate_year(
                session, year=YEAR, organizations=max(projects // 10, 1), projects=projects
            )
    finally:
        engine.dispose()


def floor(path: Path) -> float:
    """Read the rows the export reads, raw, in one pass each."""
    connection = sqlite3.connect(path)
    start = time.perf_counter()
    for query in (
        "SELECT * FROM project WHERE year = ? ORDER BY code",
        "SELECT t.* FROM transition_log t JOIN project p ON p.code = t.project_code"
        " WHERE p.year = ? ORDER BY t.seq",
        "SELECT c.* FROM contract c JOIN project p ON p.id = c.project_id WHERE p.year = ?",
        "SELECT y.* FROM payment y JOIN contract c ON c.id = y.contract_id"
        " JOIN project p ON p.id = c.project_id WHERE p.year = ?",
        "SELECT a.* FROM assessment a JOIN project p ON p.id = a.project_id"
        " WHERE p.year = ? AND a.final",
    ):
        connection.execute(query, (YEAR,)).fetchall()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def child(path: Path, traced: bool) -> None:
    """In a fresh process: export the year to a file; print seconds and memory."""
    from procure.services.opendata.ocds import write_package
    from procure.store.db import BULK_MMAP_BYTES, make_engine, new_session

    engine = make_engine(f"sqlite:///{path}", readonly=True, mmap_bytes=BULK_MMAP_BYTES)
    with new_session(engine) as session:
        before_kb = _status_kb("VmRSS")
        if traced:
            tracemalloc.start()
        start, cpu = time.perf_counter(), time.process_time()
        with (path.parent / "ocds.json").open("wb") as target:
            releases = write_package(session, target, YEAR)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    engine.dispose()
    peak_kb = _status_kb("VmHWM")  # not ru_maxrss: it keeps the spawning parent's peak
    print(
        json.dumps(
            {
                "releases": releases,
                "seconds": seconds,
                "cpu": cpu,
                "added_mb": (peak_kb - before_kb) / 1024,
                "traced_mb": traced_peak / 1024**2,
                "bytes": (path.parent / "ocds.json").stat().st_size,
            }
        )
    )


def _status_kb(name: str) -> int:
    """A figure of this process's /proc status, in kB (its RSS, or its peak: VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    return 0


def run_child(path: Path, traced: bool) -> dict[str, float]:
    flags = ["--traced"] if traced else []
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]), traced="--traced" in sys.argv)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    options = parser.parse_args()
    print(f"» ocds {'projects':>9} {'export s':>9} {'CPU s':>7} {'rel/s':>7} {'floor s':>8} "
          f"{'ratio':>6} {'+RSS MB':>8} {'traced MB':>10} {'file MB':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes:
            path = Path(folder) / f"ocds-{size}.db"
            build(path, size)
            raw = floor(path)
            timed = run_child(path, traced=False)
            traced = run_child(path, traced=True)
            print(
                f"» ocds {size:9,} {timed['seconds']:9.2f} {timed['cpu']:7.2f} "
                f"{timed['releases'] / timed['seconds']:7.0f} {raw:8.3f} "
                f"{timed['seconds'] / raw:5.0f}× {timed['added_mb']:8.1f} "
                f"{traced['traced_mb']:10.1f} {timed['bytes'] / 1024**2:8.1f}"
            )
            path.unlink()


if __name__ == "__main__":
    main()

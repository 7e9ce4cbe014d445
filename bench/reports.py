"""Benchmark: printing evaluation records (the Siming 2019 year, 7 records).

Prints the median seconds to render one record in one process; records per second of
a batch on every core against the same batch in one process, and their ratio; and the
time of a re-run with nothing changed (every file skipped) against a full print. No
assertion: the figures go in the closing note of the work that changes them.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from procure.reports.batch import print_year, year_codes
from procure.reports.data import build_record
from procure.reports.fonts import font_setup
from procure.reports.render import render_pdf
from procure.services.demo import run_demo
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade

ROUNDS = 3


def _demo_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with new_session(engine) as session:
            run_demo(session)
    finally:
        engine.dispose()
    return url


def _timed_batch(url: str, codes: list[str], out: Path, jobs: int, force: bool) -> float:
    start = time.perf_counter()
    outcomes = print_year(url, codes, out, jobs=jobs, force=force)
    elapsed = time.perf_counter() - start
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise SystemExit(f"bench failed: {failed[0].project}: {failed[0].message}")
    return elapsed


def main() -> None:
    """Measure and print."""
    setup = font_setup()
    for warning in setup.warnings():
        print(warning)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        url = _demo_database(Path(folder))
        codes = year_codes(url, 2019, None)
        engine = make_engine(url)
        with new_session(engine) as session:
            records = [build_record(session, code) for code in codes]
        engine.dispose()
        start = time.perf_counter()
        render_pdf(records[0])
        cold = time.perf_counter() - start
        per_record = []
        for _ in range(ROUNDS):
            for record in records:
                start = time.perf_counter()
                render_pdf(record)
                per_record.append(time.perf_counter() - start)
        out = Path(folder) / "records"
        one = _timed_batch(url, codes, out, 1, True)
        many = _timed_batch(url, codes, out, cores, True)
        rerun = _timed_batch(url, codes, out, cores, False)
    n = len(codes)
    print(f"records                               {n}")
    print(f"fonts                                 {', '.join(setup.families)}")
    print(f"fast subsetting (libharfbuzz-subset)  {setup.fast_subsetting}")
    print(f"first render in a process (cold)      {cold:7.3f} s")
    print(f"median render, one process (warm)     {statistics.median(per_record):7.3f} s/record")
    print(f"batch, 1 process                      {n / one:7.2f} records/s ({one:.2f} s)")
    print(f"batch, {cores} processes (all cores)     {n / many:7.2f} records/s ({many:.2f} s)")
    print(f"ratio all cores / one process         {one / many:7.2f}x")
    share = rerun / many
    print(f"re-run, nothing changed               {rerun:7.3f} s ({share:.2f} of a full print)")


if __name__ == "__main__":
    main()

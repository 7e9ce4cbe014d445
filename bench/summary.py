"""Run every benchmark and print a one-screen summary: the lines each marks with ``»``.

Each benchmark runs in its own process, one after the other; its whole output goes to a
log file (named at the end) and only its summary lines to the screen, with the load
average before each (the machine may be shared: read the ratios, each measured against a
baseline of the same run). ``--quick`` runs the small sizes (a few minutes in all).

    python bench/summary.py [--quick] [--log bench.log]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent

BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    # script, arguments, arguments for --quick
    ("cli_startup.py", [], []),
    ("renewal.py", [], ["--no-province"]),
    ("reports.py", [], ["--records", "20"]),
    ("opendata.py", [], ["--sizes", "2000", "5000"]),
    ("browse.py", [], ["--runs", "10"]),
    ("web.py", [], ["--quick"]),
    ("hidden.py", [], ["--rounds", "60"]),
    ("documents.py", [], ["--sizes", "1", "5", "--runs", "2"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small sizes")
    parser.add_argument("--log", type=Path, default=Path("bench.log"))
    options = parser.parse_args()
    failed = []
    with options.log.open("w") as log:
        for script, arguments, quick in BENCHMARKS:
            chosen = quick if options.quick else arguments
            load = os.getloadavg()[0]
            print(f"{script} (load {load:.1f})", flush=True)
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, str(HERE / script), *chosen],
                capture_output=True,
                text=True,
            )
            log.write(f"== {script} {' '.join(chosen)}\n{done.stdout}{done.stderr}\n")
            for line in done.stdout.splitlines():
                if line.startswith("»"):
                    print(f"  {line[1:].strip()}")
            if done.returncode != 0:
                failed.append(script)
                print(f"  FAILED (exit {done.returncode}): see {options.log}")
            print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"whole output: {options.log}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

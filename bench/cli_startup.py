"""Benchmark: start-up time of ``procure --help`` against a bare Python start.

Prints the median wall time of each over several runs and their ratio; both are
measured in the same run, so the ratio holds across machines. No assertion: the
figures go in the closing note of the work that changes them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def median_seconds(command: list[str]) -> float:
    """Return the median wall time of ``command`` over ``RUNS`` runs (after one warm-up)."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Measure and print."""
    script = Path(sys.executable).parent / "procure"
    baseline = median_seconds([sys.executable, "-c", "pass"])
    imports = median_seconds([sys.executable, "-c", "import sqlalchemy, click"])
    cli = median_seconds([str(script), "--help"])
    print(f"python -c pass                 {baseline * 1000:7.1f} ms")
    print(f"python -c 'import sqlalchemy'  {imports * 1000:7.1f} ms")
    print(f"procure --help                 {cli * 1000:7.1f} ms")
    print(f"ratio procure --help / bare python: {cli / baseline:.1f}x")
    print(f"» start-up: procure --help {cli * 1000:.0f} ms = {cli / baseline:.1f}× bare python")


if __name__ == "__main__":
    main()

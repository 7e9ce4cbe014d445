"""Benchmark: a fact one may not see is answered in the time of one that does not exist.

Runs the Siming demo (``procure demo``, its accounts with the demo password) into a scratch
folder and serves the app in this process. For each case, a viewer requests a page it may
not see (a project outside its reach, or a page that is one fact the policy hides from it)
and the same page for a project code that does not exist, in pairs whose order is drawn at
random each round, so a busy machine slows both alike. Prints, per case, the p50 of each and
the median of the paired ratios hidden/missing (1.0: indistinguishable). No assertion: the
issue's rule is "the same status and timing", and the status and body are asserted by the
visibility tests; this measures the timing.

    python bench/hidden.py [--rounds 200]

Lines starting with ``»`` are the summary ``make bench`` shows.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MISSING = "SM-2099-999"
CASES = (
    # (what, viewer, path with {code}, the hidden project's code)
    ("a project outside the reach", "renhe", "/projects/{code}", "SM-2019-001"),
    ("a panel outside the reach", "renhe", "/projects/{code}/panel", "SM-2019-001"),
    ("a record hidden from a reviewer", "陈建华", "/projects/{code}/record", "SM-2019-002"),
    ("an assessment hidden from a bidder", "renhe", "/projects/{code}/assessment", "SM-2019-002"),
)


def build(folder: Path) -> str:
    """The demo's database in ``folder`` (its accounts hold the demo password); its URL."""
    subprocess.run(
        [sys.executable, "-m", "procure", "demo", "--dir", str(folder), "--no-records", "--json"],
        check=True,
        capture_output=True,
    )
    return f"sqlite:///{folder / 'demo.db'}"


def sign_in(client: object, login: str, password: str) -> None:
    """Sign ``login`` in on the test client."""
    page = client.get("/signin")  # type: ignore[attr-defined]
    token = re.search(r'name="signin_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(  # type: ignore[attr-defined]
        "/signin",
        data={"login": login, "password": password, "signin_token": token.group(1)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise SystemExit(f"cannot sign in as {login}: {response.status_code}")


def timed(client: object, path: str) -> tuple[float, int]:
    """One GET's wall time in milliseconds, and its status."""
    start = time.perf_counter()
    response = client.get(path, follow_redirects=False)  # type: ignore[attr-defined]
    return (time.perf_counter() - start) * 1000, int(response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from procure.services.loading.demo import DEMO_PASSWORD
    from procure.web.app import create_app
    from procure.web.settings import WebSettings

    with tempfile.TemporaryDirectory(prefix="procure-bench-hidden-") as folder:
        url = build(Path(folder))
        app = create_app(WebSettings(url, allowed_hosts=("testserver",)))
        with TestClient(app) as client:
            print(f"demo database, {args.rounds} pairs per case, order drawn each round")
            for what, login, path, code in CASES:
                client.cookies.clear()
                sign_in(client, login, DEMO_PASSWORD)
                hidden_path, missing_path = path.format(code=code), path.format(code=MISSING)
                for _ in range(5):  # warm up both
                    timed(client, hidden_path)
                    timed(client, missing_path)
                hidden, missing, ratios = [], [], []
                statuses = set()
                for _ in range(args.rounds):
                    order = [hidden_path, missing_path]
                    random.shuffle(order)
                    got = {p: timed(client, p) for p in order}
                    statuses |= {got[hidden_path][1], got[missing_path][1]}
                    hidden.append(got[hidden_path][0])
                    missing.append(got[missing_path][0])
                    ratios.append(got[hidden_path][0] / got[missing_path][0])
                print(
                    f"» {what} ({login}): hidden p50 {statistics.median(hidden):.2f} ms, "
                    f"missing p50 {statistics.median(missing):.2f} ms, "
                    f"hidden/missing {statistics.median(ratios):.2f}× (paired median), "
                    f"statuses {sorted(statuses)}"
                )
        app.state.writer.dispose()
        app.state.reader.dispose()


if __name__ == "__main__":
    main()

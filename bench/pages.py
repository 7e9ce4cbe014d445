"""Benchmark: the dashboard cached and right after a write, the list right after a write,
the searches (filtered, two characters, title words) and a project page, each timed
interleaved with the trivial ``/healthz`` route, at 100,000 projects.

The pages of issue 25's items 2–3, timed by ``bench/web.py``'s machinery (the province,
the server in its own process, each request paired with a trivial one in shuffled rounds,
a payment recorded by another process before each "after a write" request, the server's
CPU per request); see there. Targets (issue 25): p95 ≤ 50 ms and ≤ 10× the trivial
route. With ``PROCURE_BENCH_POSTGRES_URL`` naming a server, the same runs on PostgreSQL.

    python bench/pages.py [--projects 100000] [--requests 100] [--keep-sqlite FILE]
        [--postgres-schema NAME] [--no-sqlite] [--sqlite-only]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))

from serving import YEAR, Browser, Writer, getter  # noqa: E402
from web import Pages, arguments, run_both  # noqa: E402


def search_pages(_url: str) -> Pages:
    """The pages of items 2–3 of issue 25."""

    def pages(browser: Browser, writer: Writer) -> tuple[dict[str, Callable[[], object]], set[str]]:
        code = writer.codes[len(writer.codes) // 2]
        paths = {
            "dashboard, cached": "/dashboard",
            "dashboard, right after a write": "/dashboard",
            "projects, right after a write": "/projects",
            "projects, filtered search": "/projects?"
            + urlencode({"year": YEAR, "state": "assessed", "q": "心理"}),
            "projects, search 2 characters": "/projects?" + urlencode({"q": "心理"}),
            "projects, search title words": "/projects?" + urlencode({"q": "职工心理"}),
            "project page": f"/projects/{code}",
        }
        runs = {name: getter(browser, path) for name, path in paths.items()}
        return runs, {"dashboard, right after a write", "projects, right after a write"}

    return pages


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], 100)
    parser.add_argument("--no-sqlite", action="store_true")
    run_both(parser.parse_args(), search_pages)


if __name__ == "__main__":
    main()

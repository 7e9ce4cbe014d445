"""Benchmark: printing evaluation records, on a year of 200 full records.

The 200 records are the Siming 2019 fixture's seven contracted projects replayed under
new codes (SM-2019-001 becomes SM-2019-001, SM-2019-101, SM-2019-201, …; contract
numbers likewise), so every record has the fixture's review panel, inspections,
payments, two-assessor narratives, n/a and veto cases, and prints on 3-4 pages.

Prints the machine's load average, the median seconds to render one record in one
process (warm) and its page count; records per second of the 200-record batch on every
core against the same batch in one process, and their ratio; and the time of a re-run
with nothing changed (every file skipped) against the first full print. No assertion:
the figures go in the closing note of the work that changes them.

With ``--profile`` it also splits one warm render's CPU time into its stages (the
template, WeasyPrint's parse, cascade and layout, then drawing and writing the PDF with
its font subsets) and prints the functions that take most of it (cProfile).

    python bench/reports.py [--records N] [--skip-single] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from procure.reports.batch import print_year, year_codes
from procure.reports.data import build_record
from procure.reports.fonts import font_setup
from procure.reports.render import render_pdf
from procure.resources import fixture_file
from procure.services.loading.demo import SIMING_FIXTURE, run_demo
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade

RECORDS = 200
MEASURED = ("SM-2019-006", "SM-2019-001")  # a 3-page record, and the longest (4 pages)
WARM_RENDERS = 9


def _fixture(folder: Path, records: int) -> Path:
    """The Siming fixture with its contracted projects repeated to give ``records`` records."""
    document: dict[str, Any] = yaml.safe_load(fixture_file(SIMING_FIXTURE).read_text("utf-8"))
    contracted = [p for p in document["projects"] if "contract" in p]
    others = [p for p in document["projects"] if "contract" not in p]
    copies = -(-records // len(contracted))
    projects = []
    for i in range(records):
        source, round_ = contracted[i % len(contracted)], i // len(contracted)
        project = copy.deepcopy(source)
        serial = int(source["code"].rsplit("-", 1)[1]) + 100 * round_
        project["code"] = f"SM-2019-{serial:03d}"
        if round_:
            project["contract"]["number"] = f"{source['contract']['number']}-{round_}"
        projects.append(project)
    document["projects"] = projects + others
    for purchaser in document["purchasers"]:  # the funds must cover every copy
        purchaser["annual_funds"] = str(Decimal(str(purchaser["annual_funds"])) * copies)
    path = folder / "bench-fixture.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _database(folder: Path, records: int) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with new_session(engine) as session:
            run_demo(session, fixture=_fixture(folder, records))
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
    if not force and any(o.status != "skipped" for o in outcomes):
        raise SystemExit("bench failed: a re-run with nothing changed printed a record")
    return elapsed


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def profile(record: dict[str, Any]) -> None:
    """One warm render's CPU seconds by stage (medians of five), and its cProfile."""
    import cProfile
    import pstats
    import warnings

    from weasyprint import HTML

    from procure.reports.render import printer, render_html
    from procure.resources import resource_dir

    shared = printer()
    base = str(resource_dir("templates") / "reports")
    stages: list[tuple[float, float, float]] = []
    for _ in range(5):
        start = time.process_time()
        text = render_html(record, stylesheet_link=False)
        templated = time.process_time()
        document = HTML(string=text, base_url=base).render(
            stylesheets=shared.stylesheets, font_config=shared.font_config, pdf_variant="pdf/a-3b"
        )
        laid_out = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            document.write_pdf(pdf_variant="pdf/a-3b")
        stages.append((templated - start, laid_out - templated, time.process_time() - laid_out))
    template, layout, pdf = (statistics.median(stage) for stage in zip(*stages, strict=True))
    print(
        f"» record stages (CPU s): template {template:.3f}, parse + cascade + layout "
        f"{layout:.3f}, draw + PDF + font subsets {pdf:.3f}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    render_pdf(record)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--skip-single", action="store_true", help="only the batch figures")
    parser.add_argument("--profile", action="store_true", help="one render's stages and profile")
    options = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at start                 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    setup = font_setup()
    for warning in setup.warnings():
        print(warning)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        url = _database(Path(folder), options.records)
        built = time.perf_counter() - start
        codes = year_codes(url, 2019, None)
        print(f"records                               {len(codes)} (database: {built:.1f} s)")
        print(f"fonts                                 {', '.join(setup.families)}")
        print(f"fast subsetting (libharfbuzz-subset)  {setup.fast_subsetting}")
        if not options.skip_single:
            engine = make_engine(url)
            with new_session(engine) as session:
                records = [build_record(session, code) for code in MEASURED]
            engine.dispose()
            start = time.perf_counter()
            render_pdf(records[0])
            cold = time.perf_counter() - start
            print(f"first render in a process (cold)      {cold:7.3f} s")
            for code, record in zip(MEASURED, records, strict=True):
                pdf = render_pdf(record)
                warm = []
                for _ in range(WARM_RENDERS):
                    start = time.perf_counter()
                    render_pdf(record)
                    warm.append(time.perf_counter() - start)
                print(
                    f"median render, one process (warm)     {statistics.median(warm):7.3f} "
                    f"s/record ({code}, {_pages(pdf)} pages)"
                )
                if options.profile and code == MEASURED[-1]:
                    profile(record)
                print(
                    f"» record {code}: render {statistics.median(warm):.3f} s warm (min "
                    f"{min(warm):.3f} s), {cold:.3f} s cold; target 0.3 s"
                )
        out_one, out_all = Path(folder) / "one", Path(folder) / "all"
        one = _timed_batch(url, codes, out_one, 1, True)
        many = _timed_batch(url, codes, out_all, cores, True)
        rerun = _timed_batch(url, codes, out_all, cores, False)
    n = len(codes)
    print(f"batch, 1 process                      {n / one:7.2f} records/s ({one:.2f} s)")
    print(f"batch, {cores} processes (all cores)     {n / many:7.2f} records/s ({many:.2f} s)")
    print(f"ratio all cores / one process         {one / many:7.2f}x")
    print(
        f"» records batch of {n}: {n / one:.2f}/s one process, {n / many:.2f}/s on {cores} "
        f"({one / many:.2f}×); load average {os.getloadavg()[0]:.2f}"
    )
    share = rerun / many
    print(f"re-run, nothing changed               {rerun:7.3f} s ({share:.1%} of the first run)")
    load = os.getloadavg()
    print(f"load average at end                   {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()

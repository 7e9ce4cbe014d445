"""Attached files: what an upload, a download and the trail check cost, by file size.

On the Siming demo (SQLite, or PostgreSQL with ``--url``), files of 1, 5 and 19 MB are
attached to SM-2019-004's contract (the demo leaves it under rectification). Each upload is
measured against a baseline of the same run: the bytes written to the store alone
(``DatabaseStore.put`` of the same size, rolled back), so the ratio is what inspecting,
the policy, the numbering and the audit row add. A download (``open_as_seen``: the gate,
the read, the hash check) is measured against the read alone. The trail check of the
project (``procure audit verify --project``) is measured before and after, since it
re-hashes every stored file.

    python bench/documents.py [--url URL] [--sizes 1 5 19] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from procure.services.documents.attach import attach
from procure.services.documents.blobs import file_store
from procure.services.documents.reading import open_as_seen
from procure.services.loading.demo import run_demo
from procure.services.trail.check import trail_differences, upgrade_database
from procure.store.db import make_engine, new_session
from procure.workflow.context import Actor

CODE = "SM-2019-004"
OFFICER = Actor("李秀梅", "officer")


def pdf_of(megabytes: int) -> bytes:
    """A one-page PDF of about ``megabytes`` MB (an incompressible comment in its page)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b"% " + os.urandom(megabytes * 2**19).hex().encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def best(runs: int, work: Callable[[], object]) -> float:
    """The median of ``runs`` timings of ``work``, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 19])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade_database(engine)
        with new_session(engine) as session:
            run_demo(session)
            session.commit()
            measure(session, options.sizes, options.runs, url.split(":")[0])
        engine.dispose()


def measure(session: Session, sizes: list[int], runs: int, backend: str) -> None:
    before = best(runs, lambda: trail_differences(session, project_code=CODE))
    total = sum(one_size(session, megabytes, runs, backend) for megabytes in sizes)
    after = best(runs, lambda: trail_differences(session, project_code=CODE))
    print(
        f"» {backend} trail check of {CODE}: {after:.0f} ms with {total / 2**20:.0f} MB of "
        f"files, {after / before:.1f}× without them ({before:.0f} ms)"
    )


def one_size(session: Session, megabytes: int, runs: int, backend: str) -> int:
    """Measure uploads and downloads of files of ``megabytes``; the bytes attached."""
    files = iter([pdf_of(megabytes) for _ in range(2 * runs)])
    size = megabytes

    def put_alone() -> None:  # the baseline: the same bytes written and committed, no more
        file_store(session).put(next(files))
        session.commit()

    store = best(runs, put_alone)
    attached = []

    def upload() -> None:
        data = next(files)
        attached.append(
            attach(
                session,
                project_code=CODE,
                fact_kind="contract",
                fact_id=None,
                name="合同.pdf",
                data=data,
                by=OFFICER,
            )  # fmt: skip
        )

    upload_ms = best(runs, upload)
    first = attached[0]
    read = best(runs, lambda: file_store(session).open(first.sha256))
    download = best(runs, lambda: open_as_seen(session, first.id, OFFICER.name))
    print(
        f"» {backend} upload {size} MB: {upload_ms:.0f} ms, "
        f"{upload_ms / store:.2f}× the store's write alone ({store:.0f} ms)"
    )
    print(
        f"» {backend} download {size} MB: {download:.0f} ms, "
        f"{download / read:.2f}× the read alone ({read:.0f} ms)"
    )
    return sum(file.size for file in attached)


if __name__ == "__main__":
    main()

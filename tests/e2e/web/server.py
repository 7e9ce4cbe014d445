"""Start ``procure serve`` in a subprocess on a free port, as a person would, and stop it.

The server runs at the tests' pinned moment (tests/pinned_procure.py), as its job worker does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tests.e2e.cli import PINNED_PROCURE

START_SECONDS = 30.0


def free_port() -> int:
    """A TCP port nothing listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(
    url: str, log: Path, *options: str, at: datetime | None = None, port: int | None = None
) -> Iterator[str]:
    """Run ``procure --db URL serve`` (plus ``options``) until the block ends.

    Args:
        at: the moment the server starts at (default: the tests' pinned moment).
        port: the port to serve on (default: a free one).

    Yields:
        The base URL (``http://127.0.0.1:PORT``), once the sign-in page answers.
    """
    port = port or free_port()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PROCURE_DB", None)
    if at is not None:
        env["PROCURE_TESTS_PINNED_AT"] = at.isoformat()  # read by tests/pinned_procure.py
    command = [*PINNED_PROCURE, "--db", url, "serve", "--port", str(port), *options]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, base, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"procure serve exited with {process.returncode}:\n{_text(log)}")
        try:
            with urllib.request.urlopen(f"{base}/signin", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"procure serve did not answer within {START_SECONDS}s:\n{_text(log)}")


def _text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")

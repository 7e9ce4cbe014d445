"""What the web benchmarks share: the server in a process of its own, a keep-alive browser,
another officer's writes, and the timers (wall milliseconds, the server's CPU milliseconds).
"""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

YEAR = 2019
PASSWORD = "bench-password-2019"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn\n"
        "from procure.web.app import create_app\n"
        "from procure.web.settings import WebSettings\n"
        f"uvicorn.run(create_app(WebSettings({url!r})), host='127.0.0.1', port={port}, "
        "log_level='warning')\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the web server did not start within 60 s")


class Browser:
    """A keep-alive HTTP client that keeps the session cookie (and connects again when the
    server closed an idle connection: uvicorn keeps one 5 s)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status}")
        return text

    def sign_in(self, login: str) -> None:
        page = self.request("GET", "/signin")
        found = re.search(r'name="signin_token" value="([^"]+)"', page)
        assert found is not None
        self.request(
            "POST",
            "/signin",
            {"login": login, "password": PASSWORD, "signin_token": found.group(1), "next": "/"},
        )


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else max(samples)


class Writer:
    """Records a payment of 1 yuan on a project of the province, a different one each time,
    through the services (another process than the server, as another officer would)."""

    def __init__(self, url: str) -> None:
        from sqlmodel import col, select

        from procure.store.db import make_engine, new_session
        from procure.store.models import Project

        self.engine = make_engine(url)
        with new_session(self.engine) as session:
            self.codes = list(
                session.exec(select(Project.code).order_by(col(Project.code)).limit(500)).all()
            )
        self.made = 0

    def write(self) -> None:
        from procure.services.lifecycle.fire import record_payment
        from procure.services.loading.generated_projects import OFFICER_LOGIN
        from procure.store.db import new_session
        from procure.workflow.context import Actor

        code = self.codes[self.made % len(self.codes)]
        self.made += 1
        with new_session(self.engine) as session:
            record_payment(
                session,
                code,
                Actor(OFFICER_LOGIN, "officer"),
                amount="1.00",
                paid_on=f"{YEAR}-12-20",
                note="bench",
            )

    def close(self) -> None:
        self.engine.dispose()


def cpu_ms(pid: int) -> float:
    """The CPU milliseconds process ``pid`` has run, all its threads (Linux's schedstat, in
    nanoseconds; a thread ended meanwhile is left out, so read the median)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1e6


def getter(browser: Browser, path: str) -> Callable[[], object]:
    return lambda: browser.request("GET", path)

"""Print each raced case's figures (attempts, successes, refusals, raw errors) at the end."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.integration.concurrency.race import FIGURES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("concurrency figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def backend(engine: Engine) -> str:
    """The database the race runs on: ``sqlite`` or ``postgresql``."""
    return engine.dialect.name

"""A test run leaves nothing new in the checkout's root: a test writes into a temporary
folder (``tmp_path``), never beside the sources (a stray ``unused.db`` once did).

The hooks run in the controlling process only (with xdist, the workers' files are seen
when the controller finishes); build and cache folders are ignored.
"""

from __future__ import annotations

import pytest

IGNORED = {
    ".git", ".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
    "__pycache__", "build", "dist", ".coverage",
}  # fmt: skip
_BEFORE = pytest.StashKey[set[str]]()


def _listing(config: pytest.Config) -> set[str]:
    return {
        entry.name
        for entry in config.rootpath.iterdir()
        if entry.name not in IGNORED
        and not entry.name.endswith(".egg-info")
        and not entry.name.startswith(".coverage")
    }


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _controller(session.config):
        session.config.stash[_BEFORE] = _listing(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if not _controller(config) or _BEFORE not in config.stash:
        return
    left = sorted(_listing(config) - config.stash[_BEFORE])
    if not left:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    message = (
        f"the test run left new files in the checkout's root: {', '.join(left)} "
        "(write them under tmp_path)"
    )
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(message, red=True, bold=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED

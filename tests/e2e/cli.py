"""Helpers for the end-to-end tier: run the ``procure`` command line as a person does.

:func:`procure` runs it in this process through :func:`procure.cli.main`, as the console
script does (arguments, environment, working folder, exit code, stdout and stderr apart),
with the database chosen by ``PROCURE_DB``: a fresh interpreter per command cost seconds
each, mostly imports. The tests whose subject is the process itself (the installed
script, what it imports, ``serve``, a run killed mid-way) start one with
:func:`procure_process`. Fixture files are written by the tests themselves, so this tier
does not depend on the sample data in ``fixtures/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import create_engine

from procure.cli import main
from procure.domain.uscc import make_uscc
from procure.services.lifecycle.clock import using_clock
from tests.clock import pinned_clock
from tests.support import dump_database

PROCURE = Path(sys.executable).parent / "procure"
"""The installed console script (its own tests run it; the others run :data:`PINNED_PROCURE`)."""
PINNED_PROCURE = (sys.executable, str(Path(__file__).parent.parent / "pinned_procure.py"))
"""``procure`` started at the tests' pinned moment (tests/pinned_procure.py)."""
ENGLISH = "en_US.UTF-8"
"""The ``LANG`` this tier runs ``procure`` in unless a test names another: its assertions read
English lines (a test of the Chinese, the default, passes ``lang=CHINESE``)."""
CHINESE = "C.UTF-8"
"""A ``LANG`` that names neither language: ``procure`` speaks Chinese, its default."""
IN_ENGLISH: dict[str, str | None] = {"LANG": ENGLISH, "LC_ALL": None, "LC_MESSAGES": None}
"""The environment of a run in English, for a test's own ``CliRunner``."""
YEAR = 2024
CODE = f"SM-{YEAR}-001"
DRAFT_CODE = f"SM-{YEAR}-002"
PURCHASER = "SM-FED"
OFFICER, LEADER, SUPERVISOR, ASSESSOR = "李秀梅", "张志远", "王丽华", "刘建国"
REVIEWERS = ("陈建华", "林晓燕", "黄志明")
CONTRACT_NUMBER = f"思总工购〔{YEAR}〕1号"
QIHANG = make_uscc("52350203MJ0000001")
TONGXIN = make_uscc("52350203MJ0000002")
LAOXIE = make_uscc("51350203MJ0000003")
REVIEW_SCORES = {
    "needs_analysis": "9",
    "service_plan": "18",
    "outputs_outcomes": "9",
    "management_risk": "8.5",
    "team": "9",
    "past_performance": "8",
    "budget_reasonableness": "8",
}
ASSESSMENT_SCORES = {
    "project_management": "19",
    "financial_management": "14",
    "output_activities.planned": "80",
    "output_activities.actual": "96",
    "output_person_times.planned": "3000",
    "output_person_times.actual": "3120",
    "outcomes": "18",
    "satisfaction.respondents": "200",
    "satisfaction.satisfied": "186",
    "impact_capacity": "4.5",
}  # 19 + 14 + 10 + 15 + 18 + 13.95 + 4.5 = 94.45
NARRATIVES = {
    "management": "台账齐全，按月报送进度。",
    "finance": "资金专款专用，票据规范。",
    "outputs": "全年开展活动96场（计划80场），服务职工3,120人次。",
    "outcomes": "参训职工取得技能证书42人。",
    "satisfaction": "随机回访200人，满意186人。",
    "impact": "培育职工志愿者骨干15名。",
}


@dataclass(frozen=True)
class Run:
    """What one ``procure`` invocation did."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Parse stdout as JSON."""
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"procure {' '.join(self.args)} -> {self.code}\n{self.stdout}{self.stderr}"


def procure(
    *args: str,
    db: str | None = None,
    cwd: Path | None = None,
    at: datetime | None = None,
    lang: str = ENGLISH,
    stdin: str | bytes | None = None,
) -> Run:
    """Run ``procure ARGS`` in this process with ``PROCURE_DB=db`` (unset when ``db`` is
    None), in the folder ``cwd``, at the tests' pinned moment (tests/conftest.py) or at
    ``at``, in the language of ``LANG=lang`` (English unless told), reading ``stdin`` as its
    standard input (a password fed as a script would). An error ``main`` lets through ends
    as the interpreter would end it: a traceback on stderr and exit code 1."""
    env = {"COLUMNS": "240", "PROCURE_DB": db, "LANG": lang, "LC_ALL": None, "LC_MESSAGES": None}
    with contextlib.ExitStack() as stack:
        out, err, _ = stack.enter_context(CliRunner().isolation(input=stdin, env=env))
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        if at is not None:
            stack.enter_context(using_clock(pinned_clock(at)))
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except Exception:
            traceback.print_exc(file=sys.stderr)
            code = 1
        return Run(tuple(args), code, out.getvalue().decode(), err.getvalue().decode())


def procure_process(
    *args: str,
    db: str | None = None,
    cwd: Path | None = None,
    at: datetime | None = None,
    lang: str = ENGLISH,
) -> Run:
    """Run ``procure ARGS`` in a fresh interpreter (tests/pinned_procure.py) with
    ``PROCURE_DB=db`` (unset when ``db`` is None), at the tests' pinned moment or at
    ``at``, with ``LANG=lang``: for the tests whose subject is the process itself."""
    env = {**os.environ, "COLUMNS": "240", "PYTHONIOENCODING": "utf-8", "LANG": lang}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    if at is not None:
        env["PROCURE_TESTS_PINNED_AT"] = at.isoformat()
    env.pop("PROCURE_DB", None)
    if db is not None:
        env["PROCURE_DB"] = db
    completed = subprocess.run(
        [*PINNED_PROCURE, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    return Run(tuple(args), completed.returncode, completed.stdout, completed.stderr)


def ok(
    *args: str,
    db: str | None = None,
    cwd: Path | None = None,
    at: datetime | None = None,
    lang: str = ENGLISH,
) -> Run:
    """Run ``procure ARGS`` and fail the test, showing its output, unless it exits 0."""
    run = procure(*args, db=db, cwd=cwd, at=at, lang=lang)
    assert run.code == 0, str(run)
    assert not run.stderr, str(run)
    return run


def sets(prefix: str = "", **facts: str) -> list[str]:
    """Spell facts as ``--set KEY=VALUE`` options (``prefix`` for nested keys: ``scores.``)."""
    options: list[str] = []
    for key, value in facts.items():
        options += ["--set", f"{prefix}{key}={value}"]
    return options


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file."""
    return f"sqlite:///{path}"


def dump(url: str) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of the database at ``url`` (see tests/support.py)."""
    engine = create_engine(url)
    try:
        return dump_database(engine)
    finally:
        engine.dispose()


def fixture(*projects: str, registry: bool = True, funds: str = "2000000.00") -> str:
    """A fixture file: the purchaser and three organizations (unless ``registry`` is false),
    then the ``projects`` given (see :func:`project_entry`)."""
    text = f"""\
format: procure-fixture/1
year: {YEAR}
people:
  officer: {OFFICER}
  leader: {LEADER}
"""
    if registry:
        text += (
            users_section()
            + f"""\
purchasers:
  - {{code: {PURCHASER}, name: 厦门市思明区总工会, annual_funds: {funds}}}
organizations:
  - {{uscc: {QIHANG}, name: 厦门市思明区启航社会工作服务中心}}
  - {{uscc: {TONGXIN}, name: 厦门市思明区同心社会组织发展中心}}
  - {{uscc: {LAOXIE}, name: 厦门市思明区劳动关系协调促进会}}
"""
        )
    if projects:
        text += "projects:\n" + "".join(projects)
    return text


ADMIN = "admin"
ORGANIZATION_LOGINS = {QIHANG: "qihang", TONGXIN: "tongxin", LAOXIE: "laoxie"}


def users_section() -> str:
    """The ``users:`` of a test fixture: an admin, the cast with their roles for the purchaser,
    and each organization's own account."""
    cast = [
        (OFFICER, "officer"),
        (LEADER, "leader"),
        (SUPERVISOR, "supervisor"),
        (ASSESSOR, "assessor"),
        ("陈敏", "assessor"),
        *((reviewer, "reviewer") for reviewer in REVIEWERS),
    ]
    lines = [
        f"  - {{login: {ADMIN}, name: 系统管理员, "
        f"grants: [{{role: admin, purchaser: {PURCHASER}}}]}}"
    ]
    lines += [
        f"  - {{login: {login}, name: {login}, grants: [{{role: {role}, purchaser: {PURCHASER}}}]}}"
        for login, role in cast
    ]
    lines += [
        f"  - {{login: {login}, name: {login}, "
        f"grants: [{{role: organization, organization: {uscc}}}]}}"
        for uscc, login in ORGANIZATION_LOGINS.items()
    ]
    return "users:\n" + "\n".join(lines) + "\n"


def project_entry(
    code: str, *, budget: str = "900000.00", stop_after: str | None = "create", history: str = ""
) -> str:
    """One ``projects[]`` entry; by default it stays in ``draft``. ``history`` is more YAML
    (indented four spaces) such as proposals, award, contract and payments."""
    stop = f"    stop_after: {stop_after}\n" if stop_after else ""
    return f"""\
  - code: {code}
    purchaser: {PURCHASER}
    title: 职工成长方程式
    purpose: 面向楼宇职工的讲座、咨询和小组服务
    budget: {budget}
{stop}{history}"""


def in_service_history() -> str:
    """Proposals by QIHANG and TONGXIN, three review sheets each, award to QIHANG, a contract
    of 850,000.00 and one payment of 340,000.00: the project ends ``in_service``."""
    scores = ", ".join(f"{key}: {value}" for key, value in REVIEW_SCORES.items())
    reviews = "".join(
        f"          - {{reviewer: {reviewer}, scores: {{{scores}}}}}\n" for reviewer in REVIEWERS
    )
    return f"""\
    proposals:
      - organization: {QIHANG}
        price: 850000.00
        reviews:
{reviews}      - organization: {TONGXIN}
        price: 800000.00
        reviews:
{reviews}    award: {QIHANG}
    contract:
      number: {CONTRACT_NUMBER}
      amount: 850000.00
      start: {YEAR}-03-01
      end: {YEAR}-12-31
    payments:
      - {{amount: 340000.00, paid_on: {YEAR}-03-15, note: 首期款}}
"""

"""The award notice's days and the public pages' settings (workflows/notices.yaml)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from procure.domain.errors import ConfigError
from procure.domain.notices import NoticeRules, load_notice_rules
from procure.resources import resource_dir
from procure.workflow.rules import load_rules


class Weekdays:
    """A calendar without holidays: Monday to Friday work."""

    def add_working_days(self, start: date, n: int) -> date:
        day = start
        while n:
            day += timedelta(days=1)
            n -= day.weekday() < 5
        return day


def test_a_notice_published_on_a_friday_counts_its_days_from_the_monday() -> None:
    dates = NoticeRules().dates(Weekdays(), date(2024, 3, 1))

    assert dates.notice_ends_on == date(2024, 3, 8)  # 5 working days
    assert dates.objections_close_on == date(2024, 3, 12)  # 7 working days


def test_the_installed_rules_take_the_objection_window_from_the_deadlines() -> None:
    notices = load_rules().notices

    assert (notices.notice_working_days, notices.objection_working_days) == (5, 7)
    assert notices.answer_working_days == 7 and notices.cache_seconds == 300


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notice_working_days: -1\n", "must not be negative"),
        (
            "reviewer_names: after_award\n",
            r"reviewer_names: no longer read here; .*visibility.yaml "
            r"\(facts.reviewer_identity.visible.public\)",
        ),
        (
            "assessment_narratives: false\n",
            r"assessment_narratives: no longer read here; .*"
            r"\(facts.assessment.visible.public\)",
        ),
        ("objection_working_days: 7\n", "unknown key objection_working_days"),
    ],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_wrong_notices_file_is_refused_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "notices.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")

    with pytest.raises(ConfigError, match=message):
        load_notice_rules(path)


def test_an_objection_window_in_calendar_days_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    source = resource_dir("workflows")
    for file in source.rglob("*.yaml"):
        target = folder / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    deadlines = folder / "deadlines.yaml"
    text = deadlines.read_text(encoding="utf-8")
    deadlines.write_text(
        text.replace(
            "from: {trigger: award}\n    working_days: 7",
            "from: {trigger: award}\n    calendar_days: 7",
        ),
        encoding="utf-8",
    )

    with pytest.raises(ConfigError, match="objection_window：须按工作日计算"):
        load_rules(folder)

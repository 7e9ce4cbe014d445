"""Rules for dates shown to people and dates typed in."""

from datetime import date, datetime

import pytest

from procure.domain.dates import chinese_date, chinese_period, parse_date
from procure.domain.errors import InvalidInput


def test_chinese_date_has_no_zero_padding() -> None:
    assert chinese_date(date(2019, 3, 1)) == "2019年3月1日"
    assert chinese_date(date(2025, 12, 31)) == "2025年12月31日"


def test_chinese_period_joins_both_ends_with_zhi() -> None:
    assert chinese_period(date(2019, 3, 1), date(2019, 12, 31)) == "2019年3月1日至2019年12月31日"


def test_a_one_day_period_is_allowed() -> None:
    assert chinese_period(date(2019, 3, 1), date(2019, 3, 1)) == "2019年3月1日至2019年3月1日"


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ends on 2019-02-28, before it starts on 2019-03-01"):
        chinese_period(date(2019, 3, 1), date(2019, 2, 28))


def test_iso_text_and_dates_are_parsed() -> None:
    assert parse_date(" 2019-03-01 ", field="service start") == date(2019, 3, 1)
    assert parse_date(date(2019, 3, 1), field="service start") == date(2019, 3, 1)


@pytest.mark.parametrize("text", ["2019-02-30", "2019/03/01", "20190301", "2019-W01-1", "", "soon"])
def test_text_that_is_not_an_iso_date_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput, match="service start"):
        parse_date(text, field="service start")


def test_a_datetime_is_refused_so_the_time_is_not_dropped_silently() -> None:
    with pytest.raises(InvalidInput, match="signed on .* has a time of day"):
        parse_date(datetime(2019, 3, 1, 9, 30), field="signed on")


def test_other_types_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="signed on 20190301 is of type int"):
        parse_date(20190301, field="signed on")


def test_a_date_and_a_moment_are_written_in_the_language_in_use() -> None:
    from procure.domain.dates import day_text, moment_text
    from procure.domain.language import use_language

    assert day_text(date(2019, 10, 15)) == "2019年10月15日"
    assert moment_text("2019-03-01T08:00:00Z") == "2019年03月01日 16:00:00"
    with use_language("en"):
        assert day_text(date(2019, 10, 15)) == "15 Oct 2019"
        assert moment_text("2019-03-01T08:00:00Z") == "1 Mar 2019 16:00:00"  # Beijing time
        assert moment_text("not a moment") == "not a moment"

"""Rules for the review panel: recusal, quorum, trimming, spread flags and ranking."""

from decimal import Decimal
from pathlib import Path
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure.domain.panel import (
    TRIM_FROM,
    PanelSheet,
    ProposalKey,
    ProposalPanel,
    SpreadFlag,
    aggregate_panel,
    panel_score,
    rank_proposals,
)
from procure.domain.scorecard import load_scorecard

REVIEW = load_scorecard(Path(__file__).resolve().parents[2] / "workflows/scorecards/review.yaml")


def totals(*values: str) -> list[Decimal]:
    return [Decimal(value) for value in values]


def sheets(*values: str) -> list[PanelSheet]:
    """Valid sheets with these totals, recorded in the order given."""
    return [PanelSheet(f"reviewer{i}", Decimal(v), {}, order=i) for i, v in enumerate(values)]


def statuses(panel: ProposalPanel) -> list[tuple[str, str]]:
    return [(s.reviewer, s.status) for s in panel.sheets]


def team(*points: str) -> list[PanelSheet]:
    """Sheets that differ only in their points for team (weight 10)."""
    return [
        PanelSheet(f"reviewer{i}", Decimal(80), {"team": Decimal(p)}, order=i)
        for i, p in enumerate(points)
    ]


def test_trimming_starts_at_five_sheets() -> None:
    assert TRIM_FROM == 5


def test_one_sheet_is_the_score() -> None:
    result = panel_score(totals("82.50"))

    assert (result.score, result.valid_sheets, result.trimmed) == (Decimal("82.50"), 1, False)


def test_below_five_sheets_the_plain_average_counts() -> None:
    result = panel_score(totals("60", "70", "80", "98"))

    assert result.score == Decimal("77.00")
    assert result.valid_sheets == 4
    assert result.trimmed is False


def test_at_exactly_five_sheets_the_highest_and_lowest_are_dropped() -> None:
    result = panel_score(totals("40", "80", "82", "84", "100"))

    assert result.score == Decimal("82.00")
    assert result.valid_sheets == 5
    assert result.trimmed is True


def test_above_five_sheets_only_one_highest_and_one_lowest_are_dropped() -> None:
    result = panel_score(totals("50", "50", "80", "90", "100", "100"))

    assert result.score == Decimal("80.00")
    assert result.valid_sheets == 6
    assert result.trimmed is True


def test_the_score_always_has_two_places() -> None:
    assert str(panel_score(totals("80")).score) == "80.00"


def test_halves_of_a_fen_round_up() -> None:
    assert panel_score(totals("80.00", "80.01")).score == Decimal("80.01")
    assert panel_score(totals("80.02", "80.03")).score == Decimal("80.03")


def test_a_repeating_average_rounds_to_the_nearest_fen() -> None:
    assert panel_score(totals("80", "80", "81")).score == Decimal("80.33")
    assert panel_score(totals("80", "81", "81")).score == Decimal("80.67")


def test_a_panel_without_a_valid_sheet_is_refused() -> None:
    with pytest.raises(ValueError, match="needs at least one valid review sheet"):
        panel_score([])


sheet_totals = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)


@given(sheet_totals)
def test_the_score_lies_between_the_lowest_and_highest_sheet(values: list[Decimal]) -> None:
    result = panel_score(values)

    assert min(values) <= result.score <= max(values)
    assert result.valid_sheets == len(values)
    assert result.trimmed is (len(values) >= TRIM_FROM)


@given(sheet_totals, st.randoms(use_true_random=False))
def test_the_score_does_not_depend_on_the_order_of_sheets(
    values: list[Decimal], random: Random
) -> None:
    shuffled = list(values)
    random.shuffle(shuffled)

    assert panel_score(shuffled) == panel_score(values)


# --- aggregate_panel: recusal, quorum, trimming -------------------------------------------


def test_the_review_scorecard_trims_from_five_with_a_quorum_of_three() -> None:
    assert (REVIEW.panel.quorum, REVIEW.panel.trim_from) == (3, 5)


def test_at_exactly_five_valid_sheets_one_highest_and_one_lowest_are_trimmed() -> None:
    panel = aggregate_panel(sheets("40", "80", "82", "84", "100"), REVIEW)

    assert panel.score == Decimal("82.00")
    assert panel.trimmed is True
    assert statuses(panel) == [
        ("reviewer0", "trimmed_low"),
        ("reviewer1", "counted"),
        ("reviewer2", "counted"),
        ("reviewer3", "counted"),
        ("reviewer4", "trimmed_high"),
    ]


def test_at_four_valid_sheets_nothing_is_trimmed() -> None:
    panel = aggregate_panel(sheets("40", "80", "82", "100"), REVIEW)

    assert panel.score == Decimal("75.50")
    assert panel.trimmed is False
    assert {status for _, status in statuses(panel)} == {"counted"}


def test_recused_sheets_do_not_count_towards_trimming_and_keep_their_reason() -> None:
    recused = PanelSheet("陈建华", Decimal(0), {}, recused=True, recusal_reason="亲属关系", order=9)
    panel = aggregate_panel([*sheets("40", "80", "82", "100"), recused], REVIEW)

    assert panel.valid_sheets == 4
    assert panel.trimmed is False
    assert panel.score == Decimal("75.50")
    assert panel.sheets[-1].status == "recused"
    assert panel.sheets[-1].recusal_reason == "亲属关系"


def test_of_equal_highest_totals_the_later_recorded_sheet_is_trimmed() -> None:
    panel = aggregate_panel(sheets("90", "70", "80", "90", "70"), REVIEW)

    assert statuses(panel) == [
        ("reviewer0", "counted"),
        ("reviewer1", "counted"),
        ("reviewer2", "counted"),
        ("reviewer3", "trimmed_high"),
        ("reviewer4", "trimmed_low"),
    ]
    assert panel.score == Decimal("80.00")


def test_when_all_totals_are_equal_two_different_sheets_are_trimmed() -> None:
    panel = aggregate_panel(sheets("80", "80", "80", "80", "80"), REVIEW)

    assert [status for _, status in statuses(panel)][-2:] == ["trimmed_low", "trimmed_high"]
    assert panel.score == Decimal("80.00")


def test_below_quorum_the_score_shows_but_does_not_pass() -> None:
    panel = aggregate_panel(sheets("95", "95"), REVIEW)

    assert panel.score == Decimal("95.00")
    assert panel.quorum_met is False
    assert panel.passes is False


def test_at_quorum_a_score_at_the_pass_mark_passes() -> None:
    assert aggregate_panel(sheets("60", "60", "60"), REVIEW).passes is True
    assert aggregate_panel(sheets("59.97", "60", "60"), REVIEW).passes is False


def test_without_a_valid_sheet_there_is_no_score() -> None:
    recused = PanelSheet("甲", Decimal(90), {}, recused=True, recusal_reason="利益冲突")
    panel = aggregate_panel([recused], REVIEW)

    assert (panel.score, panel.valid_sheets, panel.quorum_met, panel.passes) == (
        None,
        0,
        False,
        False,
    )


# --- spread flags: max − min above 20% of the weight ---------------------------------------


def test_a_spread_of_exactly_20_percent_is_not_flagged() -> None:
    assert aggregate_panel(team("6", "8", "7"), REVIEW).flags == ()


def test_a_spread_just_above_20_percent_is_flagged() -> None:
    panel = aggregate_panel(team("6", "8.01", "7"), REVIEW)

    assert panel.flags == (
        SpreadFlag("team", Decimal("6"), Decimal("8.01"), Decimal("2.01"), Decimal("2.000")),
    )


def test_trimmed_sheets_still_count_for_the_spread() -> None:
    low = PanelSheet("low", Decimal(50), {"team": Decimal(2)}, order=-1)
    panel = aggregate_panel([low, *team("7", "7", "7", "7")], REVIEW)

    assert panel.sheets[0].status == "trimmed_low"
    assert [flag.criterion for flag in panel.flags] == ["team"]


def test_not_applicable_and_recused_answers_are_left_out_of_the_spread() -> None:
    sheets_ = [
        PanelSheet("a", Decimal(80), {"past_performance": None}, order=1),
        PanelSheet("b", Decimal(80), {"past_performance": Decimal(9)}, order=2),
        PanelSheet("c", Decimal(80), {"past_performance": Decimal(8)}, order=3),
        PanelSheet("d", Decimal(80), {"past_performance": Decimal(0)}, recused=True, order=4),
    ]
    assert aggregate_panel(sheets_, REVIEW).flags == ()


# --- ranking (财政部令第87号) ---------------------------------------------------------------


def _entry(
    organization: str, price: str, order: int, *totals_: str
) -> tuple[ProposalKey, ProposalPanel]:
    return ProposalKey(organization, Decimal(price), order), aggregate_panel(
        sheets(*totals_), REVIEW
    )


def test_proposals_rank_by_score_then_lower_price_then_earlier_registration() -> None:
    ranked = rank_proposals(
        [
            _entry("丁", "90000", 4),
            _entry("甲", "100000", 1, "85", "85", "85"),
            _entry("乙", "95000", 2, "85", "85", "85"),
            _entry("丙", "95000", 3, "85", "85", "85"),
            _entry("戊", "99000", 5, "90", "90", "90"),
        ]
    )

    assert [(r.rank, r.key.organization) for r in ranked] == [
        (1, "戊"),
        (2, "乙"),
        (3, "丙"),
        (4, "甲"),
        (None, "丁"),
    ]


sheet_specs = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=0, max_value=10, places=1, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=9,
)


def _sheets(specs: list[tuple[Decimal, Decimal]]) -> list[PanelSheet]:
    return [
        PanelSheet(f"r{i}", total, {"team": points}, order=i)
        for i, (total, points) in enumerate(specs)
    ]


@given(sheet_specs)
def test_a_panel_score_lies_between_the_lowest_and_highest_valid_totals(
    specs: list[tuple[Decimal, Decimal]],
) -> None:
    panel = aggregate_panel(_sheets(specs), REVIEW)
    values = [total for total, _ in specs]

    assert panel.score is not None
    assert min(values) <= panel.score <= max(values)


@given(sheet_specs, st.randoms(use_true_random=False))
def test_a_panel_does_not_depend_on_the_order_sheets_are_given(
    specs: list[tuple[Decimal, Decimal]], random: Random
) -> None:
    given_sheets = _sheets(specs)
    shuffled = list(given_sheets)
    random.shuffle(shuffled)

    assert aggregate_panel(shuffled, REVIEW) == aggregate_panel(given_sheets, REVIEW)


@given(
    sheet_specs,
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-5, max_value=20),
)
def test_adding_a_recused_sheet_changes_nothing(
    specs: list[tuple[Decimal, Decimal]], total: Decimal, order: int
) -> None:
    before = aggregate_panel(_sheets(specs), REVIEW)
    recused = PanelSheet("recused", total, {"team": Decimal(0)}, True, "利益冲突", order)
    after = aggregate_panel([*_sheets(specs), recused], REVIEW)

    assert [s for s in after.sheets if s.status != "recused"] == list(before.sheets)
    assert (after.score, after.valid_sheets, after.trimmed, after.quorum_met, after.passes) == (
        before.score,
        before.valid_sheets,
        before.trimmed,
        before.quorum_met,
        before.passes,
    )
    assert after.flags == before.flags

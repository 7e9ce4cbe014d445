"""Rules for the facts a trigger takes: ``--set KEY=VALUE`` pairs and their validation."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.services.lifecycle.params import parse_assignments, parse_params
from procure.workflow.definition import TransitionDef, WorkflowDefinition, load_workflow
from procure.workflow.guards import GUARDS

WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "service_project.yaml"
USCC = "91350100M000100Y43"


@pytest.fixture(scope="module")
def workflow() -> WorkflowDefinition:
    return load_workflow(WORKFLOW, known_guards=GUARDS)


@pytest.fixture
def english() -> Iterator[None]:
    """The command line's own syntax errors, asserted as an English reader sees them."""
    with use_language("en"):
        yield


def entry(workflow: WorkflowDefinition, trigger: str) -> TransitionDef:
    return workflow.transitions_for(trigger)[0]


def contract(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "number": "SM-2019-007",
        "amount": "360000.00",
        "start": "2019-03-01",
        "end": "2019-12-31",
    }
    facts.update(overrides)
    return facts


# --- parse_assignments ------------------------------------------------------------------


def test_key_value_pairs_become_a_mapping_of_text() -> None:
    assert parse_assignments(["amount=1200.50", "paid_on=2019-06-30"]) == {
        "amount": "1200.50",
        "paid_on": "2019-06-30",
    }


def test_dotted_keys_nest_one_level() -> None:
    assert parse_assignments(["scores.team=8", "scores.plan=7.5", "narrative=良好"]) == {
        "scores": {"team": "8", "plan": "7.5"},
        "narrative": "良好",
    }


def test_every_dot_nests_so_attainment_facts_can_be_given() -> None:
    assert parse_assignments(
        ["scores.outputs.planned=80", "scores.outputs.actual=96", "scores.team=8"]
    ) == {"scores": {"outputs": {"planned": "80", "actual": "96"}, "team": "8"}}


@pytest.mark.usefixtures("english")
def test_a_plain_value_cannot_also_be_a_group() -> None:
    with pytest.raises(InvalidInput, match="^--set scores.team.x: scores.team was already given"):
        parse_assignments(["scores.team=8", "scores.team.x=1"])


def test_only_the_first_equals_sign_separates_key_and_value() -> None:
    assert parse_assignments(["note=a=b", "findings="]) == {"note": "a=b", "findings": ""}


def test_spaces_around_a_key_are_ignored() -> None:
    assert parse_assignments([" amount =5"]) == {"amount": "5"}


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("pair", ["amount", "=5", "  =5"])
def test_a_pair_without_key_and_equals_sign_is_refused(pair: str) -> None:
    with pytest.raises(InvalidInput, match=f"^--set {pair!r}: expected KEY=VALUE$"):
        parse_assignments([pair])


@pytest.mark.usefixtures("english")
def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="^--set amount: given twice$"):
        parse_assignments(["amount=1", "amount=2"])


@pytest.mark.usefixtures("english")
def test_a_dotted_key_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^--set scores\.team: given twice$"):
        parse_assignments(["scores.team=8", "scores.team=9"])


@pytest.mark.usefixtures("english")
def test_a_plain_value_cannot_then_be_nested() -> None:
    with pytest.raises(
        InvalidInput, match=r"^--set scores\.team: scores was already given as a plain value$"
    ):
        parse_assignments(["scores=8", "scores.team=8"])


@pytest.mark.usefixtures("english")
def test_a_nested_key_cannot_then_be_given_a_plain_value() -> None:
    with pytest.raises(InvalidInput, match="^--set scores: given twice$"):
        parse_assignments(["scores.team=8", "scores=8"])


def test_no_pairs_give_no_facts() -> None:
    assert parse_assignments([]) == {}


# --- parse_params: which facts --------------------------------------------------------


def test_facts_are_typed_by_what_the_trigger_declares(workflow: WorkflowDefinition) -> None:
    values = parse_params(
        entry(workflow, "sign_contract"), contract(number=" SM-2019-007 ", signed_on="2019-02-20")
    )

    assert values == {
        "number": "SM-2019-007",
        "amount": Decimal("360000.00"),
        "start": date(2019, 3, 1),
        "end": date(2019, 12, 31),
        "signed_on": date(2019, 2, 20),
    }


def test_an_optional_fact_left_out_is_absent(workflow: WorkflowDefinition) -> None:
    values = parse_params(entry(workflow, "sign_contract"), contract())

    assert "signed_on" not in values


@pytest.mark.parametrize("fact", ["amount", "signed_on"])
@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_an_optional_fact_given_empty_is_refused_not_taken_as_left_out(
    workflow: WorkflowDefinition, fact: str, blank: str
) -> None:
    label = {"amount": "合同金额", "signed_on": "签订日期"}[fact]
    with pytest.raises(
        InvalidInput, match=f"^签订合同：{label}已填写但为空；请填写内容，或不填此项$"
    ):
        parse_params(entry(workflow, "sign_contract"), contract(**{fact: blank}))


def test_an_unknown_fact_is_refused_naming_what_the_trigger_takes(
    workflow: WorkflowDefinition,
) -> None:
    with pytest.raises(
        InvalidInput,
        match=r"^登记申报方案：未知事项 'amount'（可填写：organization, price）$",
    ):
        parse_params(entry(workflow, "add_proposal"), {"organization": USCC, "amount": "1"})


def test_a_trigger_that_takes_no_facts_says_so(workflow: WorkflowDefinition) -> None:
    with pytest.raises(
        InvalidInput, match=r"^提交立项申报：未知事项 'budget'（可填写：无需填写事项）$"
    ):
        parse_params(entry(workflow, "submit"), {"budget": "1"})


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_a_missing_required_fact_is_named_by_its_label_in_the_language_in_use(
    workflow: WorkflowDefinition, missing: str | None
) -> None:
    facts = contract(number=missing)

    with pytest.raises(InvalidInput, match=r"^签订合同须填写合同编号$"):
        parse_params(entry(workflow, "sign_contract"), facts)
    with (
        use_language("en"),
        pytest.raises(InvalidInput, match=r"^Sign the contract needs Contract number$"),
    ):
        parse_params(entry(workflow, "sign_contract"), facts)


def test_contract_terms_may_be_left_out_for_the_carried_ones(workflow: WorkflowDefinition) -> None:
    values = parse_params(entry(workflow, "sign_contract"), {"number": "HT-1"})

    assert values == {"number": "HT-1"}


def test_a_trigger_without_facts_takes_an_empty_mapping(workflow: WorkflowDefinition) -> None:
    assert parse_params(entry(workflow, "submit"), {}) == {}


# --- parse_params: money, dates, USCC ----------------------------------------------------


def test_money_becomes_a_decimal_with_two_places(workflow: WorkflowDefinition) -> None:
    values = parse_params(entry(workflow, "add_proposal"), {"organization": USCC, "price": "98000"})

    assert values["price"] == Decimal("98000.00")
    assert str(values["price"]) == "98000.00"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("98,00", r"报价 '98,00'：千位分隔符应每三位数字一个"),
        ("¥98000", r"报价 '¥98000' 不是金额"),
        ("1.005", r"报价 1\.005 的小数超过 2 位"),
        ("-5", r"报价不能为负数"),
        (98000.5, r"报价 98000\.5 的类型是 float"),
    ],
)
def test_malformed_money_is_refused_naming_the_fact(
    workflow: WorkflowDefinition, price: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^{message}"):
        parse_params(entry(workflow, "add_proposal"), {"organization": USCC, "price": price})


@pytest.mark.parametrize("start", ["2019/03/01", "2019-02-30", "1 March"])
def test_malformed_dates_are_refused_naming_the_fact_by_its_label(
    workflow: WorkflowDefinition, start: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^服务开始日期 '{start}'"):
        parse_params(entry(workflow, "sign_contract"), contract(start=start))
    with use_language("en"), pytest.raises(InvalidInput, match=f"^Service start date '{start}'"):
        parse_params(entry(workflow, "sign_contract"), contract(start=start))


def test_a_uscc_is_normalized(workflow: WorkflowDefinition) -> None:
    values = parse_params(entry(workflow, "award"), {"organization": f" {USCC.lower()} "})

    assert values == {"organization": USCC}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (USCC[:17] + "4", f"中选组织：统一社会信用代码 {USCC[:17]}4：校验码为 4，应为 3"),
        (USCC[:16], f"中选组织：统一社会信用代码 {USCC[:16]}：须为 18 位，实为 16 位"),
        (USCC[:5] + "O" + USCC[6:], "含有不允许的字符 'O'"),
    ],
)
def test_a_bad_uscc_is_refused_saying_what_is_wrong(
    workflow: WorkflowDefinition, code: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_params(entry(workflow, "award"), {"organization": code})


# --- parse_params: bool, list, scores ---------------------------------------------------


def review(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"organization": USCC, "scores": {"team": "8"}}
    facts.update(overrides)
    return facts


@pytest.mark.parametrize("word", ["true", "Yes", "y", "1", "是", " TRUE ", True])
def test_yes_words_mean_true(workflow: WorkflowDefinition, word: object) -> None:
    values = parse_params(entry(workflow, "record_review"), review(conflict=word))

    assert values["conflict"] is True


@pytest.mark.parametrize("word", ["false", "No", "n", "0", "否", False])
def test_no_words_mean_false(workflow: WorkflowDefinition, word: object) -> None:
    values = parse_params(entry(workflow, "record_review"), review(conflict=word))

    assert values["conflict"] is False


def test_another_word_for_a_bool_is_refused(workflow: WorkflowDefinition) -> None:
    with pytest.raises(InvalidInput, match=r"^利益冲突回避须为“是”或“否”，而给出的是 'maybe'$"):
        parse_params(entry(workflow, "record_review"), review(conflict="maybe"))


def assessment(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"scores": {"delivery": "18"}, "narrative": "基本完成"}
    facts.update(overrides)
    return facts


def test_a_list_is_split_on_commas_and_trimmed(workflow: WorkflowDefinition) -> None:
    values = parse_params(
        entry(workflow, "record_assessment"), assessment(veto=" safety , fraud,,")
    )

    assert values["veto"] == ["safety", "fraud"]


def test_a_list_may_be_given_as_a_list(workflow: WorkflowDefinition) -> None:
    values = parse_params(entry(workflow, "record_assessment"), assessment(veto=["safety"]))

    assert values["veto"] == ["safety"]


def test_a_list_of_non_text_is_refused(workflow: WorkflowDefinition) -> None:
    with pytest.raises(InvalidInput, match=r"^一票否决事项须为一组代码$"):
        parse_params(entry(workflow, "record_assessment"), assessment(veto=[1, 2]))


def test_a_sheet_keeps_its_answers_as_text_for_the_scorecard_to_judge(
    workflow: WorkflowDefinition,
) -> None:
    values = parse_params(
        entry(workflow, "record_review"),
        review(scores={"team": "8", "plan": " 7.5 ", "cost": 9, "past": "n/a"}),
    )

    assert values["scores"] == {"team": "8", "plan": " 7.5 ", "cost": 9, "past": "n/a"}


def test_a_sheet_score_given_as_a_float_is_refused(workflow: WorkflowDefinition) -> None:
    with pytest.raises(
        InvalidInput, match="^各项评分 plan须为以文本书写的十进制数，而给出的是 7.5$"
    ):
        parse_params(entry(workflow, "record_review"), review(scores={"plan": 7.5}))


def test_a_float_nested_in_an_attainment_answer_is_refused(workflow: WorkflowDefinition) -> None:
    with pytest.raises(InvalidInput, match="^各项评分 outputs.actual须为以文本书写的十进制数"):
        parse_params(
            entry(workflow, "record_review"),
            review(scores={"outputs": {"planned": "80", "actual": 96.0}}),
        )


@pytest.mark.parametrize("scores", ["8", {}])
def test_scores_must_name_each_criterion(workflow: WorkflowDefinition, scores: object) -> None:
    with pytest.raises(
        InvalidInput,
        match=r"^各项评分须逐项给出评分，例如 --set scores\.team=8$",
    ):
        parse_params(entry(workflow, "record_review"), review(scores=scores))


def test_assignments_from_the_command_line_parse_into_a_review(
    workflow: WorkflowDefinition,
) -> None:
    raw = parse_assignments(
        [f"organization={USCC}", "scores.team=8", "scores.plan=7.5", "conflict=否"]
    )

    values = parse_params(entry(workflow, "record_review"), raw)

    assert values == {
        "organization": USCC,
        "scores": {"team": "8", "plan": "7.5"},
        "conflict": False,
    }

"""Pure grading of every type, with the edge cases Moodle users hit."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from quizzes import grading as g


@dataclass
class C:
    id: int
    text: str
    fraction: Decimal
    feedback: str = ""


@dataclass
class N:
    value: float
    tolerance: float
    fraction: Decimal
    feedback: str = ""


@dataclass
class P:
    id: int
    left: str
    right: str


@dataclass
class Item:
    id: int
    position: int


SINGLE = [C(1, "a", Decimal(100), "yes"), C(2, "b", Decimal(0), "no"), C(3, "c", Decimal(-50))]
MULTI = [
    C(1, "a", Decimal(50)),
    C(2, "b", Decimal(50)),
    C(3, "c", Decimal(-50)),
    C(4, "d", Decimal(-100)),
]


def test_single_right_wrong_and_empty():
    assert g.grade_single(SINGLE, 1).fraction == 1
    assert g.grade_single(SINGLE, 1).feedback == ["yes"]
    assert g.grade_single(SINGLE, "2").fraction == 0
    assert g.grade_single(SINGLE, None) == g.NO_ANSWER
    assert g.grade_single(SINGLE, 99).fraction == 0


def test_single_negative_choice_floors_at_zero():
    assert g.grade_single(SINGLE, 3).fraction == 0


def test_truefalse():
    tf = [C(7, "True", Decimal(0)), C(8, "False", Decimal(100))]
    assert g.grade_truefalse(tf, 8).state == "correct"
    assert g.grade_truefalse(tf, 7).state == "incorrect"


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        ([1, 2], "1"),
        ([1], "0.5"),
        ([1, 3], "0"),
        ([1, 2, 3], "0.5"),
        ([3, 4], "0"),
        ([1, 2, 3, 4], "0"),
    ],
)
def test_multi_partial_credit_wrong_picks_subtract_floor_zero(picked, expected):
    assert g.grade_multi(MULTI, picked).fraction == Decimal(expected)


def test_multi_empty_is_no_answer():
    assert g.grade_multi(MULTI, []) == g.NO_ANSWER
    assert g.grade_multi(MULTI, "1") == g.NO_ANSWER


SHORT = [
    C(1, "ReLU", Decimal(100), "exact"),
    C(2, "rectif*", Decimal(80), "wild"),
    C(3, "*", Decimal(0), "catch"),
]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("relu", "1"),
        ("  ReLU\t", "1"),
        ("  R e L U ", "0"),  # whitespace is collapsed, never removed
        ("Rectified linear unit", "0.8"),
        ("rectif", "0.8"),
        ("sigmoid", "0"),
        ("RELUX", "0"),
    ],
)
def test_short_case_space_insensitive_and_wildcard(response, expected):
    assert g.grade_short(SHORT, response).fraction == Decimal(expected)


def test_short_wildcard_is_not_regex():
    answers = [C(1, "a.c", Decimal(100))]
    assert g.grade_short(answers, "abc").fraction == 0
    assert g.grade_short(answers, "a.c").fraction == 1


def test_short_first_match_wins_over_catch_all_and_empty():
    assert g.grade_short(SHORT, "relu").feedback == ["exact"]
    assert g.grade_short(SHORT, "tanh").feedback == ["catch"]
    assert g.grade_short(SHORT, "   ") == g.NO_ANSWER


def test_short_first_matching_answer_wins_as_in_moodle():
    answers = [C(1, "*gradient", Decimal(50), "half"), C(2, "vanishing gradient", Decimal(100))]
    assert g.grade_short(answers, "vanishing gradient").fraction == Decimal("0.5")
    assert g.grade_short(list(reversed(answers)), "vanishing gradient").fraction == 1


def test_short_whitespace_is_collapsed_not_removed():
    answers = [C(1, "vanishing gradient", Decimal(100))]
    assert g.grade_short(answers, "  vanishing \n  gradient ").fraction == 1
    assert g.grade_short(answers, "vanishinggradient").fraction == 0


def test_short_case_sensitivity_is_an_option():
    answers = [C(1, "ReLU", Decimal(100)), C(2, "relu", Decimal(50), "lower")]
    assert g.grade_short(answers, "relu").fraction == 1
    assert g.grade_short(answers, "relu", case_sensitive=True).fraction == Decimal("0.5")
    assert g.grade_short(answers, "RELU", case_sensitive=True).fraction == 0
    assert g.grade_short(answers, "ReLU", case_sensitive=True).fraction == 1


NUM = [N(26, 0, Decimal(100), "exact"), N(3.0, 0.5, Decimal(100)), N(28, 1, Decimal(25), "close")]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("26", "1"),
        (26, "1"),
        ("26.0001", "0"),
        ("2.5", "1"),
        ("3.5", "1"),
        ("3.51", "0"),
        ("2,5", "1"),
        ("27", "0.25"),
        ("29", "0.25"),
        ("29.01", "0"),
        ("abc", "0"),
        ("1e400", "0"),
    ],
)
def test_numerical_tolerance_bounds(response, expected):
    assert g.grade_numerical(NUM, response).fraction == Decimal(expected)


def test_numerical_float_noise_and_empty():
    assert g.grade_numerical([N(0.3, 0, Decimal(100))], 0.1 + 0.2).fraction == 1
    assert g.grade_numerical(NUM, "") == g.NO_ANSWER
    assert g.grade_numerical(NUM, "abc").feedback == ["That is not a number."]


PAIRS = [
    P(1, "LSTM", "cell state"),
    P(2, "CNN", "kernels"),
    P(3, "GRU", "two gates"),
    P(4, "", "no params"),
]


def test_matching_per_pair_credit_with_distractors():
    right = {"1": "cell state", "2": "kernels", "3": "two gates"}
    assert g.grade_matching(PAIRS, right).fraction == 1
    two = {"1": "cell state", "2": "kernels", "3": "no params"}
    assert g.grade_matching(PAIRS, two).fraction == Decimal(2) / 3
    assert g.grade_matching(PAIRS, {"1": "no params"}).fraction == 0
    assert g.grade_matching(PAIRS, {}) == g.NO_ANSWER
    assert g.grade_matching(PAIRS, {"1": "", "2": None}) == g.NO_ANSWER


ITEMS = [Item(10, 0), Item(11, 1), Item(12, 2), Item(13, 3), Item(14, 4)]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ([10, 11, 12, 13, 14], "1"),
        ([14, 13, 12, 11, 10], "0"),
        ([11, 10, 12, 13, 14], "0.75"),
        ([10, 11, 14, 12, 13], "0.75"),
        ([12, 13, 14, 10, 11], "0.5"),
    ],
)
def test_ordering_partial_credit(order, expected):
    assert g.grade_ordering(ITEMS, order).fraction == Decimal(expected)


def test_ordering_rejects_non_permutations_and_empty():
    assert g.grade_ordering(ITEMS, [10, 10, 12, 13, 14]).fraction == 0
    assert g.grade_ordering(ITEMS, [10, 11]).fraction == 0
    assert g.grade_ordering(ITEMS, None) == g.NO_ANSWER


def test_essay_needs_grading_and_empty_essay_scores_zero():
    assert g.grade_essay("My essay").state == "needs_grading"
    assert g.grade_essay("  ").fraction == 0


def test_interactive_penalty_floor():
    assert g.interactive_fraction(Decimal(1), tries=1, penalty=Decimal("0.25")) == 1
    assert g.interactive_fraction(Decimal(1), tries=3, penalty=Decimal("0.25")) == Decimal("0.5")
    assert g.interactive_fraction(Decimal("0.5"), tries=4, penalty=Decimal("0.25")) == 0

"""The score distribution's shape: Moodle's check_quiz_stats_for_quiz_00 figures, exactly.

Moodle (mod/quiz/report/statistics/tests) computes them on the attempts' summed marks of
results00.csv and accepts a relative error of 1.5e-5; so do we. The report shows percent scores:
skewness, kurtosis, error ratio and alpha do not change with the scale, the standard error
scales with the sd.
"""

from __future__ import annotations

import csv
import io
import statistics as pystats
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.statistics import matrix_statistics, quiz_statistics
from quizzes.statistics.distribution import (
    CentralPowers,
    powers_from_sums,
    powers_of,
    score_shape,
)
from quizzes.statistics.formulas import alpha, from_dict, to_dict

from .test_statistics import _golden_quiz, _marks

# Moodle's check_quiz_stats_for_quiz_00 (quiz graded on its summed marks, out of 7).
MOODLE_00 = {
    "median": 4.5,
    "allattemptsavg": 4.617333332,
    "allattemptscount": 25,
    "standarddeviation": 0.8117265554,
    "skewness": -0.092502502,
    "kurtosis": -0.7073968557,
    "cic": -87.2230935542,
    "errorratio": 136.8294900795,
    "standarderror": 1.1106813066,
}
PERCENT = 100 / 7


def _close(actual: float | None, expected: float, scale: float = 1.0) -> None:
    target = expected * scale
    assert actual is not None
    assert actual == pytest.approx(target, abs=abs(target) * 1.5e-5)


def test_moodle_quiz_00_from_the_summed_marks():
    marks = _marks()
    totals = [sum(row) for row in marks]
    sd = pystats.stdev(totals)
    cic = alpha(
        [pystats.variance(col) for col in zip(*marks, strict=True)], pystats.variance(totals)
    )
    shape = score_shape(powers_of(totals), cic=cic, sd=sd)
    _close(len(totals), MOODLE_00["allattemptscount"])
    _close(pystats.fmean(totals), MOODLE_00["allattemptsavg"])
    _close(pystats.median(totals), MOODLE_00["median"])
    _close(sd, MOODLE_00["standarddeviation"])
    _close(cic, MOODLE_00["cic"])
    _close(shape.skewness, MOODLE_00["skewness"])
    _close(shape.kurtosis, MOODLE_00["kurtosis"])
    _close(shape.error_ratio, MOODLE_00["errorratio"])
    _close(shape.standard_error, MOODLE_00["standarderror"])


def test_moodle_quiz_00_on_percent_scores_in_the_report():
    result = matrix_statistics(_marks())
    _close(result.mean, MOODLE_00["allattemptsavg"], PERCENT)
    _close(result.sd, MOODLE_00["standarddeviation"], PERCENT)
    _close(result.alpha, MOODLE_00["cic"])
    _close(result.skewness, MOODLE_00["skewness"])
    _close(result.kurtosis, MOODLE_00["kurtosis"])
    _close(result.error_ratio, MOODLE_00["errorratio"])
    _close(result.standard_error, MOODLE_00["standarderror"], PERCENT)
    again = from_dict(to_dict(result))  # the stored result keeps them
    assert (again.skewness, again.standard_error) == (result.skewness, result.standard_error)


@pytest.mark.django_db
def test_moodle_quiz_00_from_the_database(student):
    # Scores are stored to 0.001 percent; Moodle's tolerance still holds.
    result = quiz_statistics(quiz=_golden_quiz(student))
    _close(result.skewness, MOODLE_00["skewness"])
    _close(result.kurtosis, MOODLE_00["kurtosis"])
    _close(result.error_ratio, MOODLE_00["errorratio"])
    _close(result.standard_error, MOODLE_00["standarderror"], PERCENT)


def test_raw_sums_give_the_central_powers_exactly():
    totals = [Decimal("66.667"), Decimal("50"), Decimal("100"), Decimal("0"), Decimal("83.333")]
    sums = [sum(t**k for t in totals) for k in range(1, 5)]
    from_sums = powers_from_sums(len(totals), *sums)
    direct = powers_of([float(t) for t in totals])
    for a, b in zip(
        (from_sums.p2, from_sums.p3, from_sums.p4), (direct.p2, direct.p3, direct.p4), strict=True
    ):
        assert a == pytest.approx(b, rel=1e-12)


def test_undefined_figures_are_none():
    assert score_shape(CentralPowers(2, 1.0, 0.0, 1.0), cic=None, sd=1.0).skewness is None
    three = score_shape(powers_of([1.0, 2.0, 4.0]), cic=50.0, sd=None)
    assert three.skewness is not None and three.kurtosis is None  # kurtosis needs 4
    assert three.error_ratio == pytest.approx(100 * 0.5**0.5) and three.standard_error is None
    same = score_shape(powers_of([3.0] * 5), cic=None, sd=0.0)
    assert same == score_shape(CentralPowers(5, 0.0, 0.0, 0.0), cic=None, sd=0.0)
    assert same.skewness is None and same.kurtosis is None and same.error_ratio is None
    assert powers_from_sums(0, *(Decimal(0),) * 4).n == 0
    assert from_dict({**to_dict(matrix_statistics([])), "skewness": None}).kurtosis is None


@pytest.mark.django_db
def test_report_page_and_csv_show_the_shape(student, instructor_client):
    quiz = _golden_quiz(student)
    page = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    html = page.content.decode()
    assert 'data-figure="skewness">-0.0925<' in html
    assert 'data-figure="kurtosis">-0.7074<' in html
    assert 'data-figure="error_ratio">136.8%<' in html
    assert 'data-figure="standard_error">15.9%<' in html  # 1.1107 of 7 marks, in percent
    response = instructor_client.get(reverse("quizzes:report-statistics-csv", args=[quiz.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[-2:]
    figures = dict(zip(header, row, strict=True))
    assert float(figures["skewness"]) == pytest.approx(MOODLE_00["skewness"], rel=1e-4)
    assert float(figures["standard error %"]) == pytest.approx(
        MOODLE_00["standarderror"] * PERCENT, rel=1e-4
    )

"""The shape of a quiz's score distribution with Moodle's formulas
(mod/quiz/report/statistics calculator): skewness and kurtosis from the k-statistics, and the
error ratio and standard error from the coefficient of internal consistency.

Pure functions on numbers, from the score sums a database can give (n, Σt, Σt², Σt³, Σt⁴) or
from a list of totals. Skewness, kurtosis and the error ratio do not depend on the scale of the
scores; the standard error is on the scale of `sd` (the report uses percent scores).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext


@dataclass(frozen=True)
class CentralPowers:
    """n and the sums of the 2nd, 3rd and 4th powers of the deviations from the mean."""

    n: int
    p2: float
    p3: float
    p4: float


@dataclass(frozen=True)
class ScoreShape:
    skewness: float | None
    kurtosis: float | None
    error_ratio: float | None  # percent
    standard_error: float | None  # on the scale of the sd given


def powers_of(totals: Sequence[float]) -> CentralPowers:
    n = len(totals)
    mean = sum(totals) / n if n else 0.0
    deviations = [t - mean for t in totals]
    return CentralPowers(
        n,
        sum(d**2 for d in deviations),
        sum(d**3 for d in deviations),
        sum(d**4 for d in deviations),
    )


def powers_from_sums(n: int, s1: Decimal, s2: Decimal, s3: Decimal, s4: Decimal) -> CentralPowers:
    """The central sums from raw power sums. Exact in Decimal (PostgreSQL sums numerics
    exactly), so the cancellation that would cost a float its digits costs nothing here."""
    if n == 0:
        return CentralPowers(0, 0.0, 0.0, 0.0)
    with localcontext() as context:
        context.prec = 60  # Σt⁴ of percent scores has many digits; keep them all
        count = Decimal(n)
        mean = s1 / count
        p2 = s2 - count * mean**2
        p3 = s3 - 3 * mean * s2 + 3 * mean**2 * s1 - count * mean**3
        p4 = s4 - 4 * mean * s3 + 6 * mean**2 * s2 - 4 * mean**3 * s1 + count * mean**4
        return CentralPowers(n, float(p2), float(p3), float(p4))


def score_shape(powers: CentralPowers, *, cic: float | None, sd: float | None) -> ScoreShape:
    """Moodle: m_k = p_k / s; k2 = s m2 / (s-1); k3 = s² m3 / ((s-1)(s-2));
    k4 = s² ((s+1) m4 - 3 (s-1) m2²) / ((s-1)(s-2)(s-3)); skewness = k3 / k2^1.5 (s > 2),
    kurtosis = k4 / k2² (s > 3); error ratio = 100 √(1 - cic/100); standard error =
    error ratio × sd / 100. Undefined figures (too few attempts, every score equal) are None."""
    s = powers.n
    skewness = kurtosis = None
    m2, m3, m4 = (p / s if s else 0.0 for p in (powers.p2, powers.p3, powers.p4))
    k2 = s * m2 / (s - 1) if s > 1 else 0.0
    if s > 2 and k2 > 0:
        k3 = s * s * m3 / ((s - 1) * (s - 2))
        skewness = k3 / k2**1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / (k2 * k2)
    error_ratio = standard_error = None
    if cic is not None and cic <= 100:
        error_ratio = 100 * math.sqrt(1 - cic / 100)
        if sd is not None:
            standard_error = error_ratio * sd / 100
    return ScoreShape(skewness, kurtosis, error_ratio, standard_error)

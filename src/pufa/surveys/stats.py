"""The statistics of the results pages, in plain Python (no SciPy on the machines): means, standard
deviations, and the difference of two means with its 95% confidence interval by Welch's t method.

Why Welch: the pre and post groups are different residents of different sizes and spreads (the device
cookie links no one across them), so the two-sample interval must not assume equal variances. The t
quantile is found by bisection on the Student t distribution function, computed from the regularised
incomplete beta function (continued fraction, Numerical Recipes §6.4): exact to 1e-9, no table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation (n − 1); None below two values


@dataclass(frozen=True)
class Comparison:
    """后测 − 前测: the change of a mean with its 95% confidence interval (None when a group has < 2 values)."""

    before: Summary
    after: Summary
    difference: float | None
    low: float | None
    high: float | None
    df: float | None

    @property
    def significant(self) -> bool:
        """The interval excludes 0: the change is unlikely to be chance at the 5% level."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def summarise(values: Sequence[float | Decimal]) -> Summary:
    xs = [float(v) for v in values]
    n = len(xs)
    if n == 0:
        return Summary(0, None, None)
    mean = math.fsum(xs) / n
    if n < 2:
        return Summary(n, mean, None)
    var = math.fsum((x - mean) ** 2 for x in xs) / (n - 1)
    return Summary(n, mean, math.sqrt(var))


def from_sums(n: int, total: int, squares: int, unit: int = 100) -> Summary:
    """The same summary from a count, a sum and a sum of squares kept as integers in 1/`unit` (and 1/unit²),
    as the results' tally keeps them: the variance (n·Σx² − (Σx)²) / (n(n − 1)) is computed exactly in
    integers before the one division, so equal values give a standard deviation of exactly 0."""
    if n <= 0:
        return Summary(0, None, None)
    mean = total / unit / n
    if n < 2:
        return Summary(n, mean, None)
    spread = max(n * squares - total * total, 0)
    return Summary(n, mean, math.sqrt(spread / (n * (n - 1))) / unit)


def _betacf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-12:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T ≤ t) = p (0.5 < p < 1), by bisection."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-10:
            break
    return (low + high) / 2.0


def welch(before: Sequence[float | Decimal], after: Sequence[float | Decimal]) -> Comparison:
    """The change of the mean from `before` to `after`, with Welch's 95% confidence interval."""
    return welch_summaries(summarise(before), summarise(after))


def welch_summaries(a: Summary, b: Summary) -> Comparison:
    """`welch` from the two groups' summaries (`summarise` or `from_sums`)."""
    if a.mean is None or b.mean is None:
        return Comparison(a, b, None, None, None, None)
    diff = b.mean - a.mean
    if a.sd is None or b.sd is None:
        return Comparison(a, b, diff, None, None, None)
    va, vb = a.sd**2 / a.n, b.sd**2 / b.n
    se = math.sqrt(va + vb)
    if se == 0:
        return Comparison(a, b, diff, diff, diff, float(a.n + b.n - 2))
    df = (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))
    half = t_quantile(0.975, df) * se
    return Comparison(a, b, diff, diff - half, diff + half, df)

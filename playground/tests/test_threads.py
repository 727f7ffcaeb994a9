"""The thread policy cannot collapse: more threads win only when clearly faster as measured,
the counts are timed in turn (a burst of load cannot hit one count only), and TORCH_THREADS
skips the measurement. The speeds on a real busy machine are in bench/busy_train.py."""

from __future__ import annotations

import itertools

import pytest

from playground import threads


def _fake(monkeypatch, speeds: dict[int, list[float]]) -> list[int]:
    calls: list[int] = []
    series = {t: itertools.cycle(v) for t, v in speeds.items()}

    def images_per_s(t: int) -> float:
        calls.append(t)
        return next(series[t])

    monkeypatch.setattr(threads, "images_per_s", images_per_s)
    monkeypatch.setattr(threads, "cores", lambda: 2)
    return calls


@pytest.mark.parametrize(
    ("one", "two", "chosen"),
    [
        ([1000.0], [1800.0], 2),  # quiet machine: two threads clearly faster
        ([1000.0], [1050.0], 1),  # a near tie goes to the count that cannot collapse
        ([1000.0], [80.0], 1),  # busy machine: OpenMP barriers wait for a descheduled thread
    ],
)
def test_the_faster_count_wins_only_clearly(monkeypatch, one, two, chosen):
    _fake(monkeypatch, {1: one, 2: two})
    best, speed = threads.choose()
    assert best == chosen and set(speed) == {1, 2}


def test_counts_are_timed_in_turn_and_keep_their_best(monkeypatch):
    # A burst of load during the first 2-thread try must not decide against 2 threads.
    calls = _fake(monkeypatch, {1: [1000.0, 1000.0], 2: [300.0, 1900.0]})
    best, speed = threads.choose()
    assert calls == [1, 2, 1, 2]
    assert best == 2 and speed == {1: 1000.0, 2: 1900.0}


def test_torch_threads_setting_skips_the_measurement(monkeypatch, settings):
    settings.TORCH_THREADS = 1
    calls = _fake(monkeypatch, {1: [1.0], 2: [1.0]})
    monkeypatch.setattr(threads, "_chosen", {})
    assert threads.ensure() == 1 and calls == []


@pytest.mark.slow  # times real training steps at two thread counts
def test_a_real_measurement_gives_both_counts_a_speed():
    best, speed = threads.choose(rounds=1)
    assert best in speed and all(v > 0 for v in speed.values())

"""Cheap live drawing: thinned curves keep every peak; auto-ranges step instead of following."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pianoscope.gui.live.live_plot import SteppedRange, peak_envelope, stepped_span


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(3, 5000),
    columns=st.integers(10, 2000),
    seed=st.integers(0, 2**32 - 1),
)
def test_thinned_curve_keeps_each_columns_peak_and_no_more_points_than_columns(size, columns, seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, size))
    y = rng.normal(size=size)
    low, high = 2.0, 7.0
    thin_x, thin_y = peak_envelope(x, y, (low, high), columns)
    assert thin_x.size <= columns + 3  # one per column, one beyond each edge
    assert np.all(np.diff(thin_x) >= 0)
    inside = (x >= low) & (x <= high)
    if inside.any():
        assert thin_y.max() >= y[inside].max()
        assert set(thin_y) <= set(y)


def test_single_points_on_the_sparse_end_of_a_log_axis_are_kept_exactly():
    freq_hz = np.arange(1, 4097) * 44_100 / 8192
    x, y = np.log10(freq_hz), -np.arange(freq_hz.size, dtype=float)
    thin_x, thin_y = peak_envelope(x, y, (np.log10(27.5), np.log10(8000.0)), 1000)
    sparse = (freq_hz >= 27.5) & (freq_hz < 200.0)
    assert set(x[sparse]) <= set(thin_x)
    assert set(y[sparse]) <= set(thin_y)
    assert thin_x.size < 1000


def test_stepped_span_rounds_up_to_the_next_step():
    assert stepped_span(0.001, 0.01) == 0.01
    assert stepped_span(0.01, 0.01) == 0.01
    assert np.isclose(stepped_span(0.0142, 0.01), 0.02)
    assert np.isclose(stepped_span(0.013, 0.01), 0.01 * np.sqrt(2))


def test_range_grows_at_once_but_shrinks_only_after_the_hold():
    auto = SteppedRange(0.01, hold_s=1.0)
    assert auto.update(0.5, time_s=0.0)
    grown = auto.span
    assert grown >= 0.5
    assert not auto.update(0.05, time_s=0.1)
    assert not auto.update(0.05, time_s=0.9)
    assert auto.span == grown
    assert auto.update(0.05, time_s=1.2)
    assert 0.05 <= auto.span < grown
    assert auto.update(0.9, time_s=1.3)

"""Harmonic numbers: one partial per harmonic, the closest winning when two compete."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.inharmonicity import _assign, fit_harmonics


def test_two_partials_near_one_harmonic_leave_it_to_the_closer():
    freq_hz = np.array([100.0, 195.0, 201.0, 300.0, 310.0])
    numbers = _assign(freq_hz, 100.0, 0.0, 8)
    assert numbers.tolist() == [1, 0, 2, 3, 0]


def test_equally_close_rivals_leave_the_harmonic_to_the_first():
    numbers = _assign(np.array([100.0, 190.0, 210.0]), 100.0, 0.0, 8)
    assert numbers.tolist() == [1, 2, 0]


def test_a_stretched_string_is_fitted_and_every_partial_labelled():
    n = np.arange(1, 25)
    freq_hz = n * 55.0 * np.sqrt(1.0 + 4e-4 * n**2)
    fit = fit_harmonics(freq_hz, np.ones(n.size), 55.3)
    assert fit.harmonics == tuple(n.tolist())
    assert np.isclose(fit.f0_hz, 55.0, rtol=1e-6)
    assert np.isclose(fit.inharmonicity_b, 4e-4, rtol=1e-4)

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.stft import (
    frequencies_hz,
    peak_hold,
    smooth_power,
    smoothing_coefficient,
    stft_db,
)
from pianoscope.dsp.windows import WINDOW_NAMES, window

SAMPLE_RATE_HZ = 44_100


@pytest.mark.parametrize("window_name", WINDOW_NAMES)
@pytest.mark.parametrize("fft_size", [1024, 8192, 32768])
def test_full_scale_sine_on_a_bin_reads_zero_dbfs(window_name: str, fft_size: int) -> None:
    bin_hz = SAMPLE_RATE_HZ / fft_size
    freq_hz = 40 * bin_hz
    samples = np.sin(2 * np.pi * freq_hz * np.arange(fft_size * 3) / SAMPLE_RATE_HZ)
    frames_db = stft_db(samples, fft_size=fft_size, hop=fft_size // 2, window_name=window_name)
    assert frames_db.shape == (5, fft_size // 2 + 1)
    peak_bins = frames_db.argmax(axis=1)
    assert np.all(peak_bins == 40)
    np.testing.assert_allclose(frames_db[:, 40], 0.0, atol=0.01)
    assert frequencies_hz(fft_size, SAMPLE_RATE_HZ)[40] == pytest.approx(freq_hz)


def test_blackman_harris_leaks_far_less_than_hann_or_rectangular() -> None:
    fft_size = 8192
    freq_hz = 1000.37
    samples = 0.5 * np.sin(2 * np.pi * freq_hz * np.arange(fft_size) / SAMPLE_RATE_HZ)
    near_bins = slice(192, 206)  # 6 to 20 bins above the tone (bin 185.8)
    leak = {
        name: float(
            stft_db(samples, fft_size=fft_size, hop=fft_size, window_name=name)[0][near_bins].max()
        )
        for name in WINDOW_NAMES
    }
    print("leakage 6-20 bins away, dBFS:", {k: round(v, 1) for k, v in leak.items()})
    assert leak["blackman-harris"] < leak["hann"] - 20 < leak["rectangular"] - 40


def test_windows_are_periodic_and_peak_at_one() -> None:
    for name in ("hann", "blackman-harris"):
        w = window(name, 1024)
        assert w[512] == pytest.approx(1.0, abs=1e-6)
        assert w[0] == pytest.approx(0.0, abs=1e-3)
    with pytest.raises(ValueError, match="unknown window"):
        window("kaiser", 1024)
    with pytest.raises(ValueError, match="power of two"):
        stft_db(np.zeros(5000), fft_size=3000, hop=100)


def test_smoothing_reaches_63_percent_of_a_step_after_one_response_time() -> None:
    hop_s = 0.005
    coefficient = smoothing_coefficient(0.125, hop_s)
    smoothed = np.zeros(1)
    for _ in range(round(0.125 / hop_s)):
        smoothed = smooth_power(smoothed, np.ones(1), coefficient)
    assert smoothed[0] == pytest.approx(1 - np.exp(-1), abs=0.01)


def test_peak_hold_keeps_the_maximum_and_decays_at_the_given_rate() -> None:
    held = peak_hold(None, np.array([-10.0]), decay_db_per_s=20.0, hop_s=0.1)
    for _ in range(5):
        held = peak_hold(held, np.array([-60.0]), decay_db_per_s=20.0, hop_s=0.1)
    assert held[0] == pytest.approx(-20.0)
    assert peak_hold(held, np.array([-5.0]), decay_db_per_s=20.0, hop_s=0.1)[0] == -5.0

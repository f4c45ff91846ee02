from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.corrected_spectrum import (
    Partial,
    corrected_spectrum_db,
    display_axis_hz,
    estimate_partials,
)
from pianoscope.dsp.peaks import parabolic_frequency_hz
from pianoscope.dsp.pitch import estimate_pitch
from pianoscope.dsp.stft import stft_db

SAMPLE_RATE_HZ = 44_100
FFT_SIZE = 8192
BIN_HZ = SAMPLE_RATE_HZ / FFT_SIZE
TIME_S = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
CENTRE_S = FFT_SIZE / 2 / SAMPLE_RATE_HZ


def damped_sinusoid(
    freq_hz: float, decay_per_s: float, amplitude: float, phase: float
) -> np.ndarray:
    """Amplitude `amplitude` at the frame centre, decaying as exp(-decay t)."""
    envelope = amplitude * np.exp(-decay_per_s * (TIME_S - CENTRE_S))
    return envelope * np.cos(2 * np.pi * freq_hz * TIME_S + phase)


def with_noise(signal: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    noise_rms = np.sqrt(np.mean(signal**2)) * 10 ** (-snr_db / 20)
    return signal + rng.normal(0.0, noise_rms, signal.size)


def strongest(partials: tuple[Partial, ...]) -> Partial:
    return max(partials, key=lambda p: p.amp_db)


def test_damped_sinusoids_at_40_db_snr_give_frequency_decay_and_amplitude() -> None:
    rng = np.random.default_rng(7)
    freq_errors_bins, parabolic_errors_bins, decay_errors, amp_errors_db = [], [], [], []
    for _ in range(200):
        freq_hz = rng.uniform(60.0, 5000.0)
        decay_per_s = rng.uniform(0.5, 20.0)  # T60 from 14 s down to 0.35 s
        amplitude = 10 ** rng.uniform(-2.5, -0.5)
        frame = with_noise(
            damped_sinusoid(freq_hz, decay_per_s, amplitude, rng.uniform(0, 2 * np.pi)), 40.0, rng
        )
        partial = strongest(estimate_partials(frame, SAMPLE_RATE_HZ))
        freq_errors_bins.append(abs(partial.freq_hz - freq_hz) / BIN_HZ)
        decay_errors.append(abs(partial.decay_rate_per_s - decay_per_s) / decay_per_s)
        amp_errors_db.append(abs(partial.amp_db - 20 * np.log10(amplitude)))
        level_db = stft_db(frame, fft_size=FFT_SIZE, hop=FFT_SIZE)[0]
        peak = int(level_db.argmax())
        parabolic_errors_bins.append(
            abs(parabolic_frequency_hz(level_db, peak, BIN_HZ) - freq_hz) / BIN_HZ
        )
    print(
        f"\nmedian |freq error| {np.median(freq_errors_bins):.5f} bin "
        f"(parabolic {np.median(parabolic_errors_bins):.4f} bin); "
        f"max {np.max(freq_errors_bins):.5f} bin\n"
        f"decay error median {100 * np.median(decay_errors):.2f} %, "
        f"95th pct {100 * np.percentile(decay_errors, 95):.2f} %\n"
        f"amplitude error median {np.median(amp_errors_db):.3f} dB, "
        f"max {np.max(amp_errors_db):.3f} dB"
    )
    assert np.median(freq_errors_bins) <= 0.05
    assert np.percentile(decay_errors, 95) <= 0.10
    assert np.max(amp_errors_db) <= 0.5


def test_inharmonic_tones_recover_b_within_20_percent() -> None:
    rng = np.random.default_rng(3)
    errors = []
    for f0_hz, b in [(55.0, 2e-4), (110.0, 1.5e-4), (220.0, 3e-4), (440.0, 6e-4), (880.0, 1.5e-3)]:
        frame = np.zeros(FFT_SIZE)
        for n in range(1, 40):
            freq_hz = n * f0_hz * np.sqrt(1 + b * n * n)
            if freq_hz > 8000:
                break
            frame += damped_sinusoid(freq_hz, 1.0 + 0.3 * n, 0.3 / n, rng.uniform(0, 2 * np.pi))
        pitch = estimate_pitch(estimate_partials(with_noise(frame, 40.0, rng), SAMPLE_RATE_HZ))
        assert pitch is not None
        errors.append(abs(pitch.inharmonicity_b - b) / b)
        print(f"f0 {f0_hz:6.1f} Hz  B true {b:.2e}  fitted {pitch.inharmonicity_b:.4e}")
    print(f"max relative B error {100 * max(errors):.3f} %")
    assert max(errors) <= 0.20


def test_corrected_spectrum_peaks_at_the_partial_amplitude_and_falls_as_one_over_distance() -> None:
    partial = Partial(freq_hz=440.0, amp_db=-12.0, a1_hz=0.5)
    axis_hz = display_axis_hz(np.array([100.0, 430.0, 490.0, 1000.0]), [partial])
    level_db = corrected_spectrum_db([partial], axis_hz)
    assert level_db[np.searchsorted(axis_hz, 440.0)] == pytest.approx(-12.0, abs=1e-6)
    assert level_db[np.searchsorted(axis_hz, 440.5)] == pytest.approx(-15.01, abs=0.01)
    tail_10_hz, tail_50_hz = corrected_spectrum_db([partial], np.array([450.0, 490.0]))
    # Far from the peak the magnitude falls as 1/distance: 5x further is 14 dB lower.
    assert tail_10_hz - tail_50_hz == pytest.approx(20 * np.log10(5), abs=0.02)


def test_partials_report_t60_and_none_for_growing_tones() -> None:
    assert Partial(freq_hz=100.0, amp_db=0.0, a1_hz=1.0).t60_s == pytest.approx(1.0995, abs=1e-3)
    assert Partial(freq_hz=100.0, amp_db=0.0, a1_hz=-0.2).t60_s is None


def test_silence_has_no_partials() -> None:
    assert estimate_partials(np.zeros(FFT_SIZE), SAMPLE_RATE_HZ) == ()

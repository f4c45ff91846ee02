"""The noise floor follows coloured room noise, so rumble peaks are not shown as partials."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st
from support.synthetic_recordings import SAMPLE_RATE_HZ, piano_like

from pianoscope.dsp.frame import analyse_frame
from pianoscope.dsp.noise_floor import NOISE_BAND_MIN_BINS, NOISE_LOWEST_HZ, noise_floor_db
from pianoscope.dsp.stft import frequencies_hz

FFT_SIZE = 8192


def room_noise(kind: str, rms: float, rng: np.random.Generator) -> np.ndarray:
    """White hiss, or rumble: white noise through a 200 Hz second-order low-pass."""
    noise = rng.normal(0.0, 1.0, 4 * FFT_SIZE)
    if kind == "rumble":
        noise = scipy.signal.lfilter(*scipy.signal.butter(2, 200 / (SAMPLE_RATE_HZ / 2)), noise)
    noise = noise[-FFT_SIZE:]
    return noise / np.std(noise) * rms


def note_in_noise(midi: int, kind: str, rms: float, rng: np.random.Generator) -> np.ndarray:
    tone = piano_like(midi, 0.5)[4410 : 4410 + FFT_SIZE]
    return (tone + room_noise(kind, rms, rng)).astype(np.float32)


def test_the_floor_of_white_noise_is_flat_and_moves_with_its_level() -> None:
    rng = np.random.default_rng(1)
    freq_hz = frequencies_hz(FFT_SIZE, SAMPLE_RATE_HZ)
    quiet, loud = (
        analyse_frame(room_noise("white", rms, rng).astype(np.float32), SAMPLE_RATE_HZ)
        for rms in (1e-4, 1e-2)
    )
    band = (freq_hz > 100) & (freq_hz < 15_000)
    assert np.ptp(quiet.noise_floor_db[band]) < 5.0
    difference = loud.noise_floor_db[band] - quiet.noise_floor_db[band]
    assert np.median(difference) == pytest.approx(40.0, abs=0.5)
    assert np.all(np.abs(difference - 40.0) < 4.0)  # each band's estimate, from 16+ bins


def test_the_floor_follows_rumble_down_the_spectrum() -> None:
    samples = room_noise("rumble", 1e-2, np.random.default_rng(2))
    frame = analyse_frame(samples.astype(np.float32), SAMPLE_RATE_HZ)
    at_hz = [frame.floor_at(f) for f in (60.0, 1_000.0, 8_000.0)]
    assert at_hz[0] - at_hz[1] > 20.0 and at_hz[1] - at_hz[2] > 20.0


def test_a_single_global_floor_would_let_rumble_peaks_through() -> None:
    """The reason for a floor per third of an octave: rumble fills `partials` with peaks."""
    frame = analyse_frame(note_in_noise(69, "rumble", 1e-2, np.random.default_rng(3)), 44_100)
    assert sum(p.harmonic is None for p in frame.partials) >= 10
    assert all(p.harmonic is not None for p in frame.shown_partials)


def test_noise_peaks_are_left_out_and_the_note_s_partials_kept_over_many_rooms() -> None:
    """Tones from A1 to A5 in hiss and rumble at three levels, 10 seeds: 300 frames."""
    rng = np.random.default_rng(4)
    noise_peaks_shown, frames_missing_a_low_harmonic, frames = 0, 0, 0
    for _ in range(10):
        for kind in ("white", "rumble"):
            for rms in (1e-3, 1e-2, 3e-2):
                for midi in (33, 45, 57, 69, 81):
                    frame = analyse_frame(note_in_noise(midi, kind, rms, rng), SAMPLE_RATE_HZ)
                    shown = frame.shown_partials
                    noise_peaks_shown += sum(p.harmonic is None for p in shown)
                    harmonics = {p.harmonic for p in shown}
                    frames_missing_a_low_harmonic += not {1, 2, 3, 4, 5, 6} <= harmonics
                    frames += 1
    assert noise_peaks_shown <= 2
    assert frames_missing_a_low_harmonic / frames < 0.06


def test_the_floor_has_one_value_per_frequency_for_every_fft_size() -> None:
    for fft_size in (1024, 4096, 32768):
        freq_hz = frequencies_hz(fft_size, SAMPLE_RATE_HZ)
        floor = noise_floor_db(np.zeros(freq_hz.size), freq_hz)
        assert floor.shape == freq_hz.shape and np.all(floor == 0.0)


def reference_floor_db(spectrum_db: np.ndarray, freq_hz: np.ndarray) -> np.ndarray:
    """The floor written plainly: np.percentile band by band, interpolated in log2 frequency."""
    bin_hz = freq_hz[1]
    edges, upper_hz = [0], NOISE_LOWEST_HZ
    while (upper_hz := upper_hz * 2 ** (1 / 3)) / bin_hz < freq_hz.size:
        if int(upper_hz / bin_hz) - edges[-1] >= NOISE_BAND_MIN_BINS:
            edges.append(int(upper_hz / bin_hz))
    if freq_hz.size - edges[-1] < NOISE_BAND_MIN_BINS:
        edges[-1] = freq_hz.size
    else:
        edges.append(freq_hz.size)
    bands = list(itertools.pairwise(edges))
    levels = [np.percentile(spectrum_db[lo:hi], 25) for lo, hi in bands]
    centres = [np.log2(max((lo + hi - 1) / 2 * bin_hz, NOISE_LOWEST_HZ)) for lo, hi in bands]
    return np.interp(np.log2(np.maximum(freq_hz, NOISE_LOWEST_HZ)), centres, levels)


@settings(max_examples=60, deadline=None)
@given(fft_size=st.sampled_from([1024, 2048, 8192, 32768]), seed=st.integers(0, 2**32 - 1))
def test_the_one_sort_floor_equals_percentiles_band_by_band(fft_size, seed) -> None:
    freq_hz = frequencies_hz(fft_size, SAMPLE_RATE_HZ)
    spectrum_db = np.random.default_rng(seed).normal(-80.0, 15.0, freq_hz.size)
    expected = reference_floor_db(spectrum_db, freq_hz)
    assert np.allclose(noise_floor_db(spectrum_db, freq_hz), expected, atol=1e-9)

from __future__ import annotations

import librosa
import numpy as np
import pytest

from pianoscope.dsp.features import (
    DEFAULT_CONFIG,
    FLOOR_DB,
    N_MELS,
    SAMPLE_RATE_HZ,
    frame_count,
    log_mel,
    mel_band_centers_hz,
    mel_filterbank,
    samples_for_frames,
)


def _tone(freq_hz: float, amplitude: float = 1.0, duration_s: float = 1.0) -> np.ndarray:
    time_s = np.arange(int(duration_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    return (amplitude * np.sin(2 * np.pi * freq_hz * time_s)).astype(np.float32)


def test_two_seconds_give_169_frames_of_64_bands() -> None:
    features = log_mel(np.zeros(2 * SAMPLE_RATE_HZ, dtype=np.float32))
    assert features.shape == (169, N_MELS)
    assert features.dtype == np.float32
    assert frame_count(samples_for_frames(169)) == 169


def test_audio_shorter_than_one_frame_gives_no_frames() -> None:
    assert log_mel(np.zeros(100, dtype=np.float32)).shape == (0, N_MELS)


def test_1_khz_tone_lands_in_the_band_centred_nearest_1_khz() -> None:
    features = log_mel(_tone(1000.0))
    expected_band = int(np.argmin(np.abs(mel_band_centers_hz() - 1000.0)))
    assert int(np.argmax(features.mean(axis=0))) == expected_band


def test_full_scale_tone_at_band_centre_is_about_minus_3_db() -> None:
    centre_hz = float(mel_band_centers_hz()[30])
    peak_db = float(log_mel(_tone(centre_hz)).mean(axis=0).max())
    assert peak_db == pytest.approx(-3.0, abs=0.6)


def test_level_is_kept_halving_amplitude_lowers_features_by_6_db() -> None:
    loud = log_mel(_tone(440.0))
    soft = log_mel(_tone(440.0, amplitude=0.5))
    band = int(np.argmax(loud.mean(axis=0)))
    assert float(np.mean(loud[:, band] - soft[:, band])) == pytest.approx(6.02, abs=0.05)


def test_silence_sits_on_the_floor() -> None:
    np.testing.assert_allclose(log_mel(np.zeros(SAMPLE_RATE_HZ, dtype=np.float32)), FLOOR_DB)


def test_features_are_deterministic_and_frames_do_not_depend_on_context() -> None:
    noise = np.random.default_rng(0).standard_normal(3 * SAMPLE_RATE_HZ).astype(np.float32)
    whole = log_mel(noise)
    np.testing.assert_array_equal(whole, log_mel(noise.copy()))
    hop = DEFAULT_CONFIG.hop_length
    tail = log_mel(noise[10 * hop :])
    np.testing.assert_allclose(tail, whole[10 : 10 + tail.shape[0]], atol=1e-3)


def test_filterbank_matches_librosa_slaney_scale_with_unit_peaks() -> None:
    expected = librosa.filters.mel(
        sr=SAMPLE_RATE_HZ, n_fft=2048, n_mels=64, fmin=30.0, fmax=16_000.0, norm=None
    )
    np.testing.assert_allclose(mel_filterbank(), expected, atol=1e-6)


def test_log_mel_matches_a_librosa_pipeline_on_noise() -> None:
    noise = np.random.default_rng(1).standard_normal(SAMPLE_RATE_HZ).astype(np.float64) * 0.1
    spectrum = np.abs(librosa.stft(noise, n_fft=2048, hop_length=512, center=False)) ** 2
    mel = librosa.feature.melspectrogram(
        S=spectrum, sr=SAMPLE_RATE_HZ, n_mels=64, fmin=30.0, fmax=16_000.0, norm=None
    )
    window = np.hanning(2049)[:-1]
    expected_db = 10 * np.log10(np.maximum(mel * 2 / (2048 * np.sum(window**2)), 1e-10)).T
    np.testing.assert_allclose(log_mel(noise.astype(np.float32)), expected_db, atol=1e-3)


def test_stereo_input_is_refused() -> None:
    with pytest.raises(ValueError, match="mono"):
        log_mel(np.zeros((2, 4096), dtype=np.float32))

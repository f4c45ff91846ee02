from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.frame import analyse_frame
from pianoscope.dsp.levels import LevelMeter, a_weighting_gain, dynamic_range_db, rms_db
from pianoscope.dsp.transcription import signal_onsets_and_tempo

SAMPLE_RATE_HZ = 44_100


def sine(freq_hz: float, level_dbfs: float, seconds: float) -> np.ndarray:
    time_s = np.arange(round(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    return (10 ** (level_dbfs / 20) * np.sin(2 * np.pi * freq_hz * time_s)).astype(np.float32)


def test_a_full_scale_reference_and_the_a_curve_at_known_points() -> None:
    assert rms_db(sine(1000.0, -20.0, 1.0)) == pytest.approx(-20.0, abs=0.01)
    gains_db = 20 * np.log10(a_weighting_gain(np.array([100.0, 1000.0, 4000.0])))
    np.testing.assert_allclose(gains_db, [-19.1, 0.0, 1.0], atol=0.1)  # IEC 61672 table


def test_level_meter_a_weights_in_time_and_the_frame_in_frequency() -> None:
    meter = LevelMeter(SAMPLE_RATE_HZ, frame_s=0.1)
    tone = sine(100.0, -10.0, 2.0)
    levels = [meter.feed(tone[:30_000]), meter.feed(tone[30_000:])]
    rms = np.concatenate([lv.rms_db for lv in levels])
    a_weighted = np.concatenate([lv.a_weighted_db for lv in levels])
    assert rms.size == 20
    np.testing.assert_allclose(rms, -10.0, atol=0.05)
    np.testing.assert_allclose(a_weighted[2:], -29.1, atol=0.2)
    frame = analyse_frame(tone[:8192], SAMPLE_RATE_HZ)
    assert frame.a_weighted_db == pytest.approx(-29.1, abs=0.2)


def test_dynamic_range_is_loud_minus_soft_ignoring_silence() -> None:
    levels = np.concatenate([np.full(50, -10.0), np.full(50, -30.0), np.full(50, -90.0)])
    assert dynamic_range_db(levels) == pytest.approx(20.0)
    assert dynamic_range_db(np.full(10, -100.0)) == 0.0


@pytest.mark.parametrize("gain_db", [-20.0, -12.0, -6.0, 6.0, 12.0, 20.0])
def test_dynamic_range_does_not_depend_on_the_microphone_gain(gain_db: float) -> None:
    """The same playing recorded quieter or louder has the same dynamic range (within 0.5 dB):
    a fixed dBFS silence floor once blamed the student for a lower gain."""
    from pianoscope.audio.fileio import load_audio
    from pianoscope.resources_path import demo_recording_path

    demo = load_audio(demo_recording_path())
    meter_frame_s = 0.1
    plain = LevelMeter(SAMPLE_RATE_HZ, meter_frame_s).feed(demo).rms_db
    scaled = demo * np.float32(10 ** (gain_db / 20))
    shifted = LevelMeter(SAMPLE_RATE_HZ, meter_frame_s).feed(scaled).rms_db
    assert dynamic_range_db(plain) > 20.0
    assert dynamic_range_db(shifted) == pytest.approx(dynamic_range_db(plain), abs=0.5)


def test_frames_far_below_the_loudest_are_silence_whatever_the_level() -> None:
    levels = np.concatenate([np.full(50, -40.0), np.full(50, -60.0), np.full(50, -120.0)])
    assert dynamic_range_db(levels) == pytest.approx(20.0)


def test_onsets_and_tempo_of_a_steady_pulse() -> None:
    bpm = 96.0
    beat_s = 60.0 / bpm
    onsets_s = 0.5 + beat_s * np.arange(24)
    samples = np.zeros(round((onsets_s[-1] + 1.0) * SAMPLE_RATE_HZ), dtype=np.float32)
    time_s = np.arange(round(0.5 * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    for i, onset_s in enumerate(onsets_s):
        f0_hz = (261.63, 329.63, 392.0)[i % 3]
        tone = sum(
            0.1 / n * np.exp(-4 * time_s) * np.sin(2 * np.pi * n * f0_hz * time_s)
            for n in range(1, 8)
        )
        start = round(onset_s * SAMPLE_RATE_HZ)
        samples[start : start + tone.size] += tone * np.clip((0.5 - time_s) / 0.05, 0, 1)
    onset_times_s, tempo_bpm = signal_onsets_and_tempo(samples, SAMPLE_RATE_HZ)
    errors_ms = 1000 * np.abs(onset_times_s - onsets_s)
    print(f"\nonset errors: max {errors_ms.max():.1f} ms; tempo {tempo_bpm:.2f} BPM")
    assert onset_times_s.size == onsets_s.size
    assert errors_ms.max() <= 20.0
    assert tempo_bpm == pytest.approx(bpm, rel=0.02)

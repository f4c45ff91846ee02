from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pianoscope.dsp.features import SAMPLE_RATE_HZ, log_mel
from pianoscope.model.calibration import playing_level_db
from pianoscope.model.training.augment import (
    ROOM_AND_MICROPHONE,
    AugmentConfig,
    augment,
    out_of_tune_unisons,
)

IN_A_ROOM = AugmentConfig(
    gain_db=0.0,
    room_probability=1.0,
    rt60_s=(0.6, 1.5),
    distance_m=(2.0, 5.0),
    tilt_probability=1.0,
    noise_probability=0.0,
    hum_probability=0.0,
)


def _struck_notes() -> np.ndarray:
    """Eight short decaying piano-like notes, 0.35 s apart (like the mf calibration phrase)."""
    time_s = np.arange(3 * SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ
    audio = np.zeros_like(time_s)
    for i in range(8):
        start_s, f0_hz = 0.05 + 0.35 * i, 130.8 * 2.0 ** (i / 4)
        t = np.clip(time_s - start_s, 0.0, None)
        tone = sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, 8))
        audio += np.where(time_s >= start_s, tone * np.exp(-t / 0.25), 0.0)
    return (0.02 * audio).astype(np.float32)


def _level_db(audio: np.ndarray) -> float:
    return playing_level_db(log_mel(audio))


def test_a_clip_calibrated_in_its_room_reads_its_dry_level() -> None:
    notes = _struck_notes()
    calibrated = replace(IN_A_ROOM, calibrated_level=True)
    moved, kept = [], []
    for seed in range(6):
        heard = augment(notes, np.random.default_rng(seed), IN_A_ROOM)
        heard_calibrated = augment(notes, np.random.default_rng(seed), calibrated, reference=notes)
        moved.append(abs(_level_db(heard) - _level_db(notes)))
        kept.append(abs(_level_db(heard_calibrated) - _level_db(notes)))
    assert max(moved) > 2.0  # the room moves the level ...
    assert max(kept) < 0.1  # ... and the calibration in that room puts it back


def test_calibration_scales_the_clip_and_draws_the_same_room() -> None:
    rng = np.random.default_rng(3)
    clip = (0.05 * rng.standard_normal(2 * SAMPLE_RATE_HZ)).astype(np.float32)
    reference = _struck_notes()
    for seed in range(4):
        plain = augment(clip, np.random.default_rng(seed), ROOM_AND_MICROPHONE, pedalled=True)
        calibrated = augment(
            clip,
            np.random.default_rng(seed),
            ROOM_AND_MICROPHONE,
            pedalled=True,
            reference=reference,
        )
        ratio = calibrated[plain != 0] / plain[plain != 0]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-4)


def test_without_a_reference_nothing_is_calibrated() -> None:
    notes = _struck_notes()
    calibrated = replace(IN_A_ROOM, calibrated_level=True)
    np.testing.assert_array_equal(
        augment(notes, np.random.default_rng(1), calibrated),
        augment(notes, np.random.default_rng(1), IN_A_ROOM),
    )


def _partial(power: np.ndarray, near_hz: float, resolution_hz: float) -> tuple[float, float]:
    """Frequency of the largest bin within 2 Hz of `near_hz` and the amplitude of the partial
    there (the root of the power summed over its Hann main lobe, which no bin offset changes)."""
    lo, hi = int((near_hz - 2.0) / resolution_hz), int((near_hz + 2.0) / resolution_hz)
    index = lo + int(np.argmax(power[lo:hi]))
    return index * resolution_hz, float(np.sqrt(power[index - 2 : index + 3].sum()))


def test_out_of_tune_unisons_add_a_second_string_cents_away() -> None:
    seconds = 4
    time_s = np.arange(seconds * SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ
    tone = np.sin(2 * np.pi * 440.0 * time_s).astype(np.float32)
    detuned = out_of_tune_unisons(tone, cents=20.0, share=0.3)
    assert detuned.shape == tone.shape and detuned.dtype == np.float32
    heard = detuned[: 3 * SAMPLE_RATE_HZ]
    power = np.abs(np.fft.rfft(heard * np.hanning(heard.size))) ** 2
    resolution_hz = 1.0 / 3.0
    sharp_hz = 440.0 * 2.0 ** (20.0 / 1200.0)  # 445.1 Hz
    in_tune, in_tune_amplitude = _partial(power, 440.0, resolution_hz)
    drifted, drifted_amplitude = _partial(power, sharp_hz, resolution_hz)
    assert abs(in_tune - 440.0) <= resolution_hz
    assert abs(drifted - sharp_hz) <= resolution_hz
    assert drifted_amplitude / in_tune_amplitude == pytest.approx(0.3 / 0.7, rel=0.05)


def test_unisons_in_tune_leave_the_sound_alone() -> None:
    notes = _struck_notes()
    np.testing.assert_allclose(out_of_tune_unisons(notes, 0.0, 0.4), notes, atol=1e-7)
    np.testing.assert_array_equal(out_of_tune_unisons(notes, 15.0, 0.0), notes)


def test_out_of_tune_unisons_are_drawn_only_when_asked_for() -> None:
    notes = _struck_notes()
    always = replace(IN_A_ROOM, unison_detune_probability=1.0)
    never = replace(IN_A_ROOM, unison_detune_probability=0.0)
    for seed in range(3):
        # The old settings draw nothing new: data made before them is made exactly as it was.
        np.testing.assert_array_equal(
            augment(notes, np.random.default_rng(seed), never),
            augment(notes, np.random.default_rng(seed), IN_A_ROOM),
        )
        assert not np.allclose(
            augment(notes, np.random.default_rng(seed), always),
            augment(notes, np.random.default_rng(seed), never),
        )

"""Calibrations: mf offset and three passages, their JSON, and what they do to a window."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.model.calibration import (
    REFERENCE_LEVEL_DB,
    REFERENCE_PASSAGE_LEVELS_DB,
    REFERENCE_PASSAGE_TILTS_DB,
    Calibration,
    CalibrationValueError,
    PassageCalibration,
    calibrate_passages,
    playing_level_db,
    spectral_tilt_db,
)

RATE = 44_100


def _notes(level: float, brightness: float, seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Notes with `brightness` weighting their upper partials, at amplitude `level`."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.4 * RATE)) / RATE
    notes = []
    for _ in range(int(seconds / 0.4)):
        f0 = 130.0 * 2 ** (rng.integers(0, 24) / 12)
        tone = sum(brightness ** (k - 1) * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 12))
        notes.append(level * tone * np.exp(-4 * t))
    return np.concatenate(notes).astype(np.float32)


def _window_db(audio: np.ndarray) -> np.ndarray:
    from pianoscope.dsp.features import log_mel

    return log_mel(audio)


def test_three_passages_map_the_pianos_range_and_brightness_onto_the_training_pianos() -> None:
    soft, medium, loud = _notes(0.01, 0.4), _notes(0.03, 0.45), _notes(0.06, 0.5)
    calibration = calibrate_passages(soft, medium, loud)
    assert calibration.kind == "passages"
    levels = [playing_level_db(_window_db(p)) for p in (soft, medium, loud)]
    assert calibration.passages.levels_db == pytest.approx(levels)
    for passage, level_db, tilt_db in zip(
        (soft, medium, loud), REFERENCE_PASSAGE_LEVELS_DB, REFERENCE_PASSAGE_TILTS_DB, strict=True
    ):
        own = _window_db(passage)
        mapped = calibration.apply(own)
        assert playing_level_db(mapped) == pytest.approx(level_db, abs=0.3)
        own_change = spectral_tilt_db(own) - calibration.passages.tilts_db[1]
        assert spectral_tilt_db(mapped) - spectral_tilt_db(own) == pytest.approx(
            tilt_db - own_change, abs=0.05
        )
    batch = np.stack([_window_db(soft)[:100], _window_db(loud)[:100]])
    assert np.allclose(calibration.apply(batch)[1], calibration.apply(batch[1]))


def test_the_medium_passage_keeps_its_spectrum_and_reads_as_mf() -> None:
    soft, medium, loud = _notes(0.01, 0.4), _notes(0.03, 0.45), _notes(0.06, 0.5)
    calibration = calibrate_passages(soft, medium, loud)
    own = _window_db(medium)
    mapped = calibration.apply(own)
    assert playing_level_db(mapped) == pytest.approx(REFERENCE_LEVEL_DB, abs=0.1)
    assert np.allclose(mapped - own, (mapped - own)[0, 0], atol=1e-3)  # a pure gain


@pytest.mark.parametrize("levels", [(0.03, 0.03, 0.06), (0.01, 0.03, 0.03), (0.06, 0.03, 0.01)])
def test_passages_that_do_not_get_louder_are_refused_with_advice(levels) -> None:
    with pytest.raises(ValueError, match="not louder"):
        calibrate_passages(*(_notes(level, 0.45, seed=i) for i, level in enumerate(levels)))


def test_calibrations_round_trip_through_json_and_damage_is_refused() -> None:
    passages = Calibration(-7.25, PassageCalibration((-45.0, -37.25, -31.0), (-1.0, 0.5, 1.2)))
    scale = Calibration(2.5, key_levels_db=tuple(-40.0 + k / 8 for k in range(88)))
    for calibration in (Calibration(), Calibration(4.5), passages, scale):
        assert Calibration.from_json(calibration.to_json()) == calibration
    assert passages.to_json()["kind"] == "passages" and Calibration(4.5).kind == "mf"
    assert scale.to_json()["kind"] == "scale"
    for bad in (
        [1.0],
        {"offset_db": "loud"},
        {"offset_db": float("nan")},
        {"offset_db": 1e9},
        {"offset_db": 0.0, "levels_db": [1.0, 2.0], "tilts_db": [0, 0, 0]},
        {"offset_db": 0.0, "levels_db": [3.0, 2.0, 1.0], "tilts_db": [0, 0, 0]},
        {"offset_db": 0.0, "levels_db": [1.0, 2.0, 3.0]},
        {"offset_db": 0.0, "key_levels_db": [-30.0] * 87},
        {"offset_db": 0.0, "key_levels_db": [-30.0] * 87 + [float("inf")]},
    ):
        with pytest.raises(CalibrationValueError):
            Calibration.from_json(bad)


def test_each_calibration_says_which_it_is_and_its_offset() -> None:
    passages = Calibration(-7.25, PassageCalibration((-45.0, -37.25, -31.0), (-1.0, 0.5, 1.2)))
    scale = Calibration(2.5, key_levels_db=(-40.0,) * 88)
    assert Calibration().describe() == "not calibrated"
    assert Calibration(4.5).describe() == "calibrated: mf notes, mf +4.5 dB"
    assert passages.describe() == "calibrated: soft/medium/loud, mf -7.2 dB"
    assert scale.describe() == "calibrated: chromatic scale, mf +2.5 dB"


@pytest.mark.fluidsynth
def test_the_passage_targets_are_what_the_training_pianos_play() -> None:
    from pianoscope.model.training.passage_reference import measure_reference_passages

    levels_db, tilts_db = measure_reference_passages()
    assert levels_db == pytest.approx(REFERENCE_PASSAGE_LEVELS_DB, abs=0.02)
    assert tilts_db == pytest.approx(REFERENCE_PASSAGE_TILTS_DB, abs=0.02)

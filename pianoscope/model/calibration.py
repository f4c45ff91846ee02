"""Calibration: intensity is read relative to the piano, room and microphone it is heard through.

Training convention: every training instrument is scaled so that the calibration phrase (single
mf notes, velocity 72, from C3 to E5) reads `REFERENCE_LEVEL_DB` as its playing level. Three
calibrations move a teacher's input to that convention:

- mf (`calibrate`): the teacher plays a few mf notes; every window is moved by one offset, so
  their level reads as the training's mf. Louder and softer playing keep their distance from it.
- three passages (`calibrate_passages`): the teacher plays a soft, a medium and a loud passage.
  A window's level is then mapped, piecewise linearly between the three, onto the levels the
  training pianos play p, mf and f at (`REFERENCE_PASSAGE_LEVELS_DB`), so a piano with a narrow
  or wide dynamic range is stretched to the training's; and its brightness (spectral tilt, dB
  per octave) is given the change from mf that the training piano whose timbre follows
  velocity shows at that dynamic (`REFERENCE_PASSAGE_TILTS_DB`), instead of its own. At the
  piano's own mf its spectrum is left as it is, so the piano is still recognised as itself.
- scale (`pianoscope.transcription.scale_calibration`): the teacher plays a chromatic scale mf.
  It is the mf calibration of that scale, which also keeps each key's level
  (`key_levels_db`), so the note velocities are read against each key's own
  (`pianoscope.transcription.key_balance`).

Uncalibrated input is assumed to follow the convention already (offset 0 dB). A calibration is
stored with every take it was in force for (`to_json` / `from_json`), so later analyses of the
take read intensity exactly as the live view did.

Intensity is the one label that needs this: which piano plays, and how, does not change with
the microphone's gain. For those a take is its own reference (`take_gain_db`): its audio is
scaled so that its loudest 100 ms lies where a take played p to f in the convention has it,
so a recording 40 dB too quiet or too loud is read exactly like one at the convention's level
(scaling the audio, not shifting the features, keeps the features' -100 dB floor where it was).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.features import log_mel, mel_band_centers_hz

REFERENCE_LEVEL_DB = -30.0
# Where a take's loudest 100 ms (`pianoscope.dsp.levels.reference_level_db`, dBFS) lies in the
# convention when it is played from p to f: the bundled demo, whose mf passage calibrates to
# 0 dB, reads -17.6 dBFS.
TAKE_LOUDEST_DB = -17.5
# Frames louder than this percentile define the playing level: onsets and sustained tones count,
# rests and decays between notes do not.
PLAYING_LEVEL_PERCENTILE = 95.0
# The three passages' targets: what the training pianos' calibration phrase reads at velocities
# 50 (p), 72 (mf) and 95 (f), in the training convention (mean of the four known pianos), and
# the spectral tilt of MuseScore_General_Lite's grand (the training piano whose samples brighten
# with velocity) relative to its mf. Measured by
# `pianoscope.model.training.passage_reference.measure_reference_passages`; a test re-measures.
REFERENCE_PASSAGE_LEVELS_DB = (-35.92, -30.0, -25.2)
REFERENCE_PASSAGE_TILTS_DB = (-0.23, 0.0, 1.51)
PASSAGES = ("soft", "medium", "loud")
# The MIDI velocities the passages are played at (p, mf, f): what the targets above were
# measured at, and what the note velocities read in them are mapped onto
# (`pianoscope.transcription.intensity`).
PASSAGE_VELOCITIES = (50, 72, 95)
MIN_PASSAGE_STEP_DB = 2.0  # each passage at least this much louder than the one before
# The tilt is measured and applied over these bands, turning about this frequency.
TILT_BAND_HZ = (100.0, 8000.0)
TILT_PIVOT_HZ = 1000.0
KEY_COUNT = 88  # keys of a scale calibration's levels, MIDI 21-108


class CalibrationValueError(ValueError):
    """Stored calibration data that cannot be a calibration (damaged sidecar or library)."""


@dataclass(frozen=True)
class PassageCalibration:
    """The piano's playing level (dB, uncalibrated) and spectral tilt (dB per octave) in the
    soft, medium and loud passages the teacher played, and the median velocity the note network
    read in each (`pianoscope.transcription.intensity.calibrate_passages_with_notes`; None in
    calibrations stored before it was measured)."""

    levels_db: tuple[float, float, float]
    tilts_db: tuple[float, float, float]
    note_velocities: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Calibration:
    """Offset in dB between an input's mf level and the training convention, and, from the
    three-passage calibration, the mapping of its dynamic range and brightness; or, from a
    chromatic scale played mf, each key's level (`pianoscope.transcription.key_balance`: KEY_COUNT
    values in dBFS, MIDI 21 up), against which every note's velocity is then read."""

    offset_db: float = 0.0
    passages: PassageCalibration | None = None
    key_levels_db: tuple[float, ...] | None = None

    @property
    def kind(self) -> str:
        """ "none", "mf", "passages" or "scale", for people and the JSON."""
        if self.passages is not None:
            return "passages"
        if self.key_levels_db is not None:
            return "scale"
        return "mf" if self.offset_db != 0.0 else "none"

    def describe(self) -> str:
        """What is in force, in a few words for the live window's status bar: a teacher who
        moved the microphone or changed pianos needs to see that intensity is still read
        through the old calibration (or through none)."""
        if self.kind == "none":
            return "not calibrated"
        how = {
            "mf": "mf notes",
            "passages": "soft/medium/loud",
            "scale": "chromatic scale",
        }[self.kind]
        return f"calibrated: {how}, mf {self.offset_db:+.1f} dB"

    def apply(self, features_db: np.ndarray) -> np.ndarray:
        """Features (frames, bands) or windows (windows, frames, bands) moved to the training
        convention; with passages each window is mapped by its own level."""
        if self.passages is None:
            return features_db - np.float32(self.offset_db)
        if features_db.ndim == 2:
            return self._map_window(features_db)
        return np.stack([self._map_window(window) for window in features_db])

    def _map_window(self, window_db: np.ndarray) -> np.ndarray:
        passages = self.passages
        level_db = playing_level_db(window_db)
        if not math.isfinite(level_db):
            return window_db - np.float32(self.offset_db)
        target_db = _piecewise(level_db, passages.levels_db, REFERENCE_PASSAGE_LEVELS_DB)
        own_tilt = (
            _piecewise(level_db, passages.levels_db, passages.tilts_db) - passages.tilts_db[1]
        )
        wanted_tilt = _piecewise(level_db, passages.levels_db, REFERENCE_PASSAGE_TILTS_DB)
        tilt = np.float32(wanted_tilt - own_tilt) * _octaves_from_pivot(window_db.shape[-1])
        tilted = window_db + tilt  # then the gain, so that the tilt does not move the level
        return (tilted + np.float32(target_db - playing_level_db(tilted))).astype(np.float32)

    def to_json(self) -> dict[str, object]:
        """Plain JSON data (for sidecars, the library and settings)."""
        data: dict[str, object] = {"kind": self.kind, "offset_db": float(self.offset_db)}
        if self.passages is not None:
            data["levels_db"] = [float(v) for v in self.passages.levels_db]
            data["tilts_db"] = [float(v) for v in self.passages.tilts_db]
            if self.passages.note_velocities is not None:
                data["note_velocities"] = [float(v) for v in self.passages.note_velocities]
        if self.key_levels_db is not None:
            data["key_levels_db"] = [float(v) for v in self.key_levels_db]
        return data

    @classmethod
    def from_json(cls, data: object) -> Calibration:
        """The calibration of `to_json` data; CalibrationValueError when it is not one."""
        if not isinstance(data, dict):
            raise CalibrationValueError("the calibration is not a table")
        offset = _finite(data.get("offset_db", 0.0), "offset_db")
        if "key_levels_db" in data:
            return cls(offset, key_levels_db=_key_levels(data["key_levels_db"]))
        if "levels_db" not in data and "tilts_db" not in data:
            return cls(offset)
        levels = _three(data.get("levels_db"), "levels_db")
        tilts = _three(data.get("tilts_db"), "tilts_db")
        if not levels[0] < levels[1] < levels[2]:
            raise CalibrationValueError("the passages' levels do not rise")
        velocities = None
        if "note_velocities" in data:
            velocities = _three(data["note_velocities"], "note_velocities")
            if not velocities[0] < velocities[1] < velocities[2]:
                raise CalibrationValueError("the passages' note velocities do not rise")
        return cls(offset, PassageCalibration(levels, tilts, velocities))


def take_gain_db(take_reference_db: float) -> float:
    """The gain, dB, that places a take whose loudest 100 ms reads `take_reference_db` dBFS at
    the convention's level (see the module docstring)."""
    return TAKE_LOUDEST_DB - take_reference_db


def frame_levels_db(features_db: np.ndarray) -> np.ndarray:
    """Total power of each frame in dB, from log-mel features of shape (frames, bands)."""
    return 10.0 * np.log10(np.sum(10.0 ** (features_db.astype(np.float64) / 10.0), axis=-1))


def playing_level_db(features_db: np.ndarray) -> float:
    """Level of the playing in a window: the 95th percentile of its frame levels, in dB."""
    if features_db.shape[0] == 0:
        return float("-inf")
    return float(np.percentile(frame_levels_db(features_db), PLAYING_LEVEL_PERCENTILE))


def spectral_tilt_db(features_db: np.ndarray) -> float:
    """Brightness of the playing: the slope (dB per octave) of the power-averaged spectrum of
    the loud half of the frames over `TILT_BAND_HZ`. A tilt added to the bands changes it by
    exactly that tilt (a least-squares slope)."""
    levels = frame_levels_db(features_db)
    loud = features_db[levels >= np.median(levels)].astype(np.float64)
    spectrum_db = 10.0 * np.log10(np.mean(10.0 ** (loud / 10.0), axis=0) + 1e-20)
    octaves = _octaves_from_pivot(features_db.shape[-1]).astype(np.float64)
    inside = _tilt_bands(features_db.shape[-1])
    return float(np.polyfit(octaves[inside], spectrum_db[inside], 1)[0])


def calibrate(mf_audio: np.ndarray) -> Calibration:
    """Calibration from a recording of a few mf notes (float32 mono at 44.1 kHz, >= 0.5 s)."""
    features_db = log_mel(mf_audio)
    if features_db.shape[0] < 20:
        raise ValueError("calibration needs at least half a second of mf notes")
    return Calibration(playing_level_db(features_db) - REFERENCE_LEVEL_DB)


def calibrate_passages(soft: np.ndarray, medium: np.ndarray, loud: np.ndarray) -> Calibration:
    """Calibration from a soft, a medium and a loud passage (float32 mono at 44.1 kHz, each at
    least half a second). Raises ValueError, with what to play differently, when they are too
    short or not each louder than the one before."""
    features = [log_mel(np.asarray(p, dtype=np.float32)) for p in (soft, medium, loud)]
    for name, passage_db in zip(PASSAGES, features, strict=True):
        if passage_db.shape[0] < 20:
            raise ValueError(f"the {name} passage needs at least half a second of playing")
    levels = tuple(playing_level_db(f) for f in features)
    for step in range(2):
        (quieter, louder), (low, high) = PASSAGES[step : step + 2], levels[step : step + 2]
        if high - low < MIN_PASSAGE_STEP_DB:
            raise ValueError(
                f"the {louder} passage was not louder than the {quieter} one; play them "
                "again, clearly softer and louder"
            )
    tilts = tuple(spectral_tilt_db(f) for f in features)
    return Calibration(levels[1] - REFERENCE_LEVEL_DB, PassageCalibration(levels, tilts))


def _piecewise(
    level_db: float, from_db: tuple[float, float, float], to: tuple[float, float, float]
) -> float:
    """Piecewise-linear map through three points, continued linearly beyond the ends."""
    segment = 0 if level_db < from_db[1] else 1
    x0, x1 = from_db[segment], from_db[segment + 1]
    y0, y1 = to[segment], to[segment + 1]
    return float(y0 + (y1 - y0) * (level_db - x0) / (x1 - x0))


def _octaves_from_pivot(bands: int) -> np.ndarray:
    """Each band's octaves above `TILT_PIVOT_HZ`, zero outside `TILT_BAND_HZ` (a tilt turns
    only the bands it is measured on)."""
    octaves = np.log2(mel_band_centers_hz()[:bands] / TILT_PIVOT_HZ)
    return np.where(_tilt_bands(bands), octaves, 0.0).astype(np.float32)


def _tilt_bands(bands: int) -> np.ndarray:
    centres = mel_band_centers_hz()[:bands]
    return (centres >= TILT_BAND_HZ[0]) & (centres <= TILT_BAND_HZ[1])


def _finite(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CalibrationValueError(f"{name} is not a finite number")
    if abs(value) > 200.0:
        raise CalibrationValueError(f"{name} is beyond any microphone's range")
    return float(value)


def _key_levels(value: object) -> tuple[float, ...]:
    if not isinstance(value, list) or len(value) != KEY_COUNT:
        raise CalibrationValueError(f"key_levels_db is not {KEY_COUNT} numbers")
    return tuple(_finite(v, "key_levels_db") for v in value)


def _three(value: object, name: str) -> tuple[float, float, float]:
    if not isinstance(value, list) or len(value) != 3:
        raise CalibrationValueError(f"{name} is not three numbers")
    first, second, third = (_finite(v, name) for v in value)
    return first, second, third

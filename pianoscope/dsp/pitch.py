"""Pitch of the dominant note from a frame's partials: f0, note name, cents.

Candidates are each strong partial divided by 1..8. A candidate scores the weights of the
partials it explains minus a penalty for each of its first harmonics that is missing, which
rejects sub-octaves (they miss every odd harmonic) while tolerating a weak fundamental, common
in the bass. The winner is refined by the stiff-string fit of `inharmonicity`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.corrected_spectrum import Partial
from pianoscope.dsp.inharmonicity import HarmonicFit, fit_harmonics

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
A4_HZ = 440.0
PIANO_LOW_HZ = 26.0
PIANO_HIGH_HZ = 4300.0
# Votes grow with the square root of amplitude: strong partials lead, weak ones count less, and
# peaks more than VOTE_RANGE_DB below the strongest (noise, hammer thump) do not vote at all.
WEIGHT_EXPONENT = 0.5
VOTE_RANGE_DB = 30.0
# A partial matches harmonic n when f / (n f0) - 1 lies in [-MATCH_FLAT, MATCH_SHARP + STRETCH n²].
MATCH_FLAT = 0.015
MATCH_SHARP = 0.015
MATCH_STRETCH = 0.0005
_MAX_DIVISOR = 8
_CANDIDATE_PARTIALS = 10
_MAX_HARMONIC = 16
_MISSING_PENALTY = 0.25


@dataclass(frozen=True)
class PitchEstimate:
    """The dominant note of a frame."""

    f0_hz: float
    midi: int
    note: str
    cents: float
    inharmonicity_b: float
    fit: HarmonicFit


def hz_to_midi(freq_hz: float) -> float:
    """Fractional MIDI number of a frequency (A4 = 69 = 440 Hz)."""
    return 69.0 + 12.0 * math.log2(freq_hz / A4_HZ)


def midi_to_hz(midi: float) -> float:
    """Equal-tempered frequency of a (fractional) MIDI number, Hz."""
    return A4_HZ * 2.0 ** ((midi - 69.0) / 12.0)


def note_name(midi: int) -> str:
    """Scientific pitch name: 60 -> 'C4', 21 -> 'A0'."""
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def estimate_pitch(
    partials: Sequence[Partial],
    *,
    min_hz: float = PIANO_LOW_HZ,
    max_hz: float = PIANO_HIGH_HZ,
) -> PitchEstimate | None:
    """f0 (the first partial of the fitted string), nearest note and cents, or None if no tone."""
    if not partials:
        return None
    freq_hz = np.array([p.freq_hz for p in partials])
    level_db = np.array([p.amp_db for p in partials])
    relative_db = level_db - level_db.max()
    weights = np.where(
        relative_db >= -VOTE_RANGE_DB, 10.0 ** (relative_db * WEIGHT_EXPONENT / 20.0), 0.0
    )
    strongest = np.argsort(level_db)[::-1][:_CANDIDATE_PARTIALS]
    candidates = (freq_hz[strongest][:, None] / np.arange(1, _MAX_DIVISOR + 1)[None, :]).ravel()
    candidates = candidates[(candidates >= min_hz) & (candidates <= max_hz)]
    if candidates.size == 0:
        return None
    scores = _scores(candidates, freq_hz, weights)
    fit = fit_harmonics(freq_hz, np.maximum(weights, 1e-6), float(candidates[scores.argmax()]))
    f0_hz = fit.first_partial_hz
    midi_float = hz_to_midi(f0_hz)
    midi = round(midi_float)
    return PitchEstimate(
        f0_hz=f0_hz,
        midi=midi,
        note=note_name(midi),
        cents=100.0 * (midi_float - midi),
        inharmonicity_b=fit.inharmonicity_b,
        fit=fit,
    )


def _scores(candidates_hz: np.ndarray, freq_hz: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per candidate: explained weight minus a penalty per missing harmonic below the highest
    one matched.

    Only the first _MAX_HARMONIC harmonics vote, so that a very low candidate cannot collect
    every partial of the spectrum inside its ever wider stretched windows. All candidates are
    scored at once (candidates × partials): the live analysis thread runs this every hop.
    """
    ratio = freq_hz[None, :] / candidates_hz[:, None]
    numbers = np.rint(ratio)
    deviation = ratio / np.maximum(numbers, 1.0) - 1.0
    # Stiff strings run sharp in their upper partials: widen the window with the harmonic number.
    matched = (
        (weights[None, :] > 0.0)
        & (numbers >= 1)
        & (numbers <= _MAX_HARMONIC)
        & (deviation >= -MATCH_FLAT)
        & (deviation <= MATCH_SHARP + MATCH_STRETCH * numbers**2)
        & (np.abs(ratio - numbers) <= 0.4)
    )
    matched_weights = np.where(matched, weights[None, :], 0.0)
    explained = matched_weights.sum(axis=1)
    matched_numbers = np.where(matched, numbers, 0.0).astype(int)
    present = np.zeros((candidates_hz.size, _MAX_HARMONIC + 1), dtype=bool)
    present[np.arange(candidates_hz.size)[:, None], matched_numbers] = True
    highest = matched_numbers.max(axis=1)
    missing = highest - present[:, 1:].sum(axis=1)
    scores = explained - _MISSING_PENALTY * matched_weights.max(axis=1) * missing
    return np.where(explained > 0.0, scores, 0.0)

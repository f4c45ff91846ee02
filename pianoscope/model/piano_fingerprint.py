"""A piano's fingerprint from its strings: where each key's partials lie, beside the trunk.

Two pianos can sound alike to the classifier's trunk (csound's grand and the Steinway B
recordings do) and still be told apart by where their partials lie: each key's tuning and the
stretch of its upper partials (inharmonicity) are properties of the strings, the same whatever
is played and however loud (`pianoscope.dsp.key_partials`). The fingerprint keeps, per key and
harmonic, the median cents of the teacher's training audio. A reading of new audio (one frame's
dominant key) agrees when at least `MIN_AGREEING_SHARE` of its partials that the fingerprint
knows lie within `PARTIAL_TOLERANCE_CENTS` of it. The held-out audio (the last fifth of the
recordings) measures how often the piano's own readings agree, `agreeing_rate`; a window of
another piano agrees far less often, so its agreement is the binomial probability of seeing so
few agreeing readings were it the teacher's piano (at `AGREEING_RATE_MARGIN` times that rate),
and below `WINDOW_ALPHA` it is another piano. A window with no reading of a key the
fingerprint knows says nothing (probability 1).

The settings were chosen on six training pianos: the grands of FluidR3_GM (programs 0 and 1),
MuseScore_General_Lite and TimGM6mb, TimGM6mb's honky-tonk and the Steinway B samples, each
enrolled from 90 s of playing (the enrolment's split: training the first 72 s, held-out the
rest) and judged on 2 s windows every 0.5 s of 90 s of new music on all six. With these
settings the fingerprint alone kept 91.5 % (the Steinway) to 99.4 % of each piano's own new
windows; enrolled, the Steinway agreed with 0-3.4 % of the SoundFont grands' windows (12.4 % of
the honky-tonk's), and the SoundFont grands with 1.7-4.5 % of the Steinway's (the honky-tonk,
whose detuned unisons rarely agree even with themselves, with 40 %). SoundFont grands among
themselves are often alike in tuning (22-72 % agreeing), which the trunk tells them apart by.

Tried on the same pianos and left: consecutive frames instead of half-overlapping ones (half the
time, about 18 ms per window, but the SoundFont grands then agreed with 8.5-35 % of the
Steinway's windows), a window quantile of held-out scores instead of the binomial, the median
or mean of cents instead of agreeing partials, 16384-sample frames, a per-key tolerance from
the spread of the training readings, stricter shares or tolerances; each kept fewer own windows
or rejected fewer of the others'. Without the rate margin the Steinway kept 88 % of its own.

Only then measured, with the trunk's test, on the pianos reserved for evaluation
(`bench/bench_one_piano.py`): the enrolled Steinway calls 95.7 % of csound's grand's windows
another piano (0.8 % by the trunk alone) and keeps 90.8 % of its own; the enrolled csound grand
calls 94.5 % of the Steinway's another piano (3.2 % alone). (Consecutive frames, measured first,
gave 90.8 % and 71.9 %.) The added time is about 25-30 ms per 2 s window on one core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from pianoscope.dsp.key_partials import FRAME_SAMPLES, MAX_HARMONIC, KeyPartials, key_partials

# Frames overlap by half: twice the readings of a 2 s window for twice the time.
READING_HOP_SAMPLES = FRAME_SAMPLES // 2
KEYS = 128  # MIDI numbers: the table is indexed by the reading's key
PARTIAL_TOLERANCE_CENTS = 2.0
MIN_AGREEING_SHARE = 0.3  # of a reading's known partials within the tolerance
MIN_KNOWN_PARTIALS = 3  # a reading with fewer partials the fingerprint knows is not judged
MIN_READINGS_PER_PARTIAL = 2  # a key's harmonic enters the table once heard this often
WINDOW_ALPHA = 0.02
# Windows are judged against this much of the held-out agreeing rate: a fifth of two minutes
# measures it to a few percent, and a rate measured high would reject the teacher's own windows.
AGREEING_RATE_MARGIN = 0.8
# The agreeing rate is kept within these bounds: a piano whose own readings rarely agree
# (a honky-tonk's detuned unisons) leaves the decision to the trunk rather than reject all.
MIN_AGREEING_RATE = 0.05
MAX_AGREEING_RATE = 0.95


@dataclass(frozen=True)
class PianoFingerprint:
    """`key_cents` (KEYS, MAX_HARMONIC): median cents of each key's partial n from n times the
    key's equal-tempered pitch, NaN where not heard; `agreeing_rate`: share of the held-out
    readings that agree with it."""

    key_cents: np.ndarray
    agreeing_rate: float


def fit_fingerprint(
    train: Sequence[np.ndarray], held_out: Sequence[np.ndarray], sample_rate_hz: int
) -> PianoFingerprint:
    """The fingerprint of one piano from its training and held-out recordings (float mono)."""
    readings = _concatenate([string_readings(a, sample_rate_hz) for a in train])
    key_cents = np.full((KEYS, MAX_HARMONIC), np.nan)
    for key in np.unique(readings.midi):
        cents = readings.cents[readings.midi == key]
        heard = np.sum(~np.isnan(cents), axis=0) >= MIN_READINGS_PER_PARTIAL
        if heard.any():
            key_cents[key, heard] = np.nanmedian(cents[:, heard], axis=0)
    unlimited = PianoFingerprint(key_cents, MAX_AGREEING_RATE)
    checked = [agreeing(unlimited, string_readings(a, sample_rate_hz)) for a in held_out]
    judged = np.concatenate(checked) if checked else np.zeros(0, dtype=bool)
    rate = float(judged.mean()) if judged.size else MIN_AGREEING_RATE
    return PianoFingerprint(key_cents, float(np.clip(rate, MIN_AGREEING_RATE, MAX_AGREEING_RATE)))


def agreeing(fingerprint: PianoFingerprint, readings: KeyPartials) -> np.ndarray:
    """(judged readings,) bool: whether each reading the fingerprint can judge agrees with it."""
    if not len(readings):
        return np.zeros(0, dtype=bool)
    expected = fingerprint.key_cents[readings.midi]
    offset = np.abs(readings.cents - expected)
    known = ~np.isnan(offset)
    counts = known.sum(axis=1)
    within = np.where(known, offset <= PARTIAL_TOLERANCE_CENTS, False).sum(axis=1)
    judged = counts >= MIN_KNOWN_PARTIALS
    return within[judged] >= MIN_AGREEING_SHARE * counts[judged]


def agreement(fingerprint: PianoFingerprint, readings: KeyPartials) -> float:
    """Probability of so few agreeing readings from the teacher's own piano (1 when no reading
    can be judged); below `WINDOW_ALPHA` the audio is another piano's."""
    judged = agreeing(fingerprint, readings)
    if not judged.size:
        return 1.0
    expected_rate = AGREEING_RATE_MARGIN * fingerprint.agreeing_rate
    return float(binom.cdf(int(judged.sum()), judged.size, expected_rate))


def mine_probability(fingerprint: PianoFingerprint, readings: KeyPartials) -> float:
    """Probability-like score that the readings are the teacher's piano: 0.5 at `WINDOW_ALPHA`,
    towards 1 above it and 0 below."""
    probability = agreement(fingerprint, readings)
    return probability / (probability + WINDOW_ALPHA)


def string_readings(samples: np.ndarray, sample_rate_hz: int) -> KeyPartials:
    """The readings of `samples` the fingerprint is made from and judges."""
    return key_partials(samples, sample_rate_hz, hop_samples=READING_HOP_SAMPLES)


def _concatenate(parts: Sequence[KeyPartials]) -> KeyPartials:
    if not parts:
        return KeyPartials(np.zeros(0, dtype=np.int64), np.zeros((0, MAX_HARMONIC)))
    return KeyPartials(
        np.concatenate([p.midi for p in parts]), np.concatenate([p.cents for p in parts])
    )

"""Where a sounding key's partials lie: in each short frame, the dominant key and each of its
partials' cents from the ideal harmonic of the key's equal-tempered pitch (A4 = 440 Hz).

These cents are a property of the piano's strings, not of the music or the level: the first
partial's says how the key is tuned, the higher ones add how stiff its strings are
(inharmonicity stretches partial n by about 866 B n² cents), and the same key played again,
louder or softer, puts its partials there again. Partials and harmonic numbers come from the
analysis the live view uses (`corrected_spectrum.estimate_partials`, then
`pitch.estimate_pitch` with its stiff-string fit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.corrected_spectrum import estimate_partials
from pianoscope.dsp.frame import PARTIALS_FLOOR_DB
from pianoscope.dsp.levels import rms_db
from pianoscope.dsp.pitch import estimate_pitch, midi_to_hz

# 186 ms at 44.1 kHz: long enough to resolve a bass note's partials (5.4 Hz bins, refined by
# reassignment), short enough that a 2 s window holds ten frames (about 1.5 ms each to read).
FRAME_SAMPLES = 8192
MAX_HARMONIC = 16
# A frame is read when the pitch fit explains at least this many partials.
MIN_HARMONICS = 4


@dataclass(frozen=True)
class KeyPartials:
    """Readings of consecutive frames: `midi` (readings,) the dominant key, `cents` (readings,
    MAX_HARMONIC) partial n's cents from n times the key's pitch in column n - 1, NaN where
    the frame has no partial n."""

    midi: np.ndarray
    cents: np.ndarray

    def __len__(self) -> int:
        return int(self.midi.size)


def key_partials(
    samples: np.ndarray,
    sample_rate_hz: int,
    *,
    frame_samples: int = FRAME_SAMPLES,
    hop_samples: int = FRAME_SAMPLES,
) -> KeyPartials:
    """One reading per `frame_samples` frame of `samples` (float mono), a frame every
    `hop_samples`; quiet frames and frames without a clear note give none."""
    samples = np.asarray(samples, dtype=np.float32)
    midi: list[int] = []
    rows: list[np.ndarray] = []
    for start in range(0, samples.size - frame_samples + 1, hop_samples):
        frame = samples[start : start + frame_samples]
        if rms_db(frame) <= PARTIALS_FLOOR_DB:
            continue
        partials = estimate_partials(frame, sample_rate_hz)
        pitch = estimate_pitch(partials)
        if pitch is None or sum(h is not None for h in pitch.fit.harmonics) < MIN_HARMONICS:
            continue
        key_hz = midi_to_hz(pitch.midi)
        row = np.full(MAX_HARMONIC, np.nan)
        for partial, harmonic in zip(partials, pitch.fit.harmonics, strict=True):
            if harmonic is not None and harmonic <= MAX_HARMONIC:
                row[harmonic - 1] = 1200.0 * math.log2(partial.freq_hz / (harmonic * key_hz))
        midi.append(pitch.midi)
        rows.append(row)
    cents = np.stack(rows) if rows else np.zeros((0, MAX_HARMONIC))
    return KeyPartials(np.array(midi, dtype=np.int64), cents)

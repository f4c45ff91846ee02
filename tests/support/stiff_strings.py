"""A synthetic piano of stiff strings whose tuning and inharmonicity are known exactly.

Key k's partial n lies at n · f0 · sqrt(1 + B n²) with f0 the equal-tempered pitch moved by
the piano's own cents for that key, so tests can ask whether what is measured from the audio
is that piano's and not another's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.pitch import midi_to_hz

SAMPLE_RATE_HZ = 44_100
PARTIALS = 12
NOTE_S = 0.75
KEYS = range(48, 73)  # C3 to C5


@dataclass(frozen=True)
class StiffStringPiano:
    """`inharmonicity_b` for every string, `detune_cents` (128,) per MIDI key."""

    inharmonicity_b: float
    detune_cents: np.ndarray

    def partial_hz(self, midi: int, harmonic: int) -> float:
        f0_hz = midi_to_hz(midi) * 2.0 ** (self.detune_cents[midi] / 1200.0)
        return harmonic * f0_hz * float(np.sqrt(1.0 + self.inharmonicity_b * harmonic**2))

    def note(self, midi: int, gain: float = 0.1) -> np.ndarray:
        """One decaying note, partial n at amplitude 1/n (float32 mono)."""
        t = np.arange(round(NOTE_S * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
        tone = sum(
            np.sin(2 * np.pi * self.partial_hz(midi, n) * t) / n for n in range(1, PARTIALS + 1)
        )
        return (gain * tone * np.exp(-2.0 * t)).astype(np.float32)

    def melody(self, seed: int, notes: int, gain: float = 0.1) -> np.ndarray:
        """`notes` random keys of `KEYS` one after another."""
        rng = np.random.default_rng(seed)
        keys = rng.choice(np.array(KEYS), size=notes)
        return np.concatenate([self.note(int(k), gain) for k in keys])


def stiff_string_piano(inharmonicity_b: float, seed: int) -> StiffStringPiano:
    """A piano whose keys are each tuned a few cents off equal temperament, seeded."""
    detune = np.random.default_rng(seed).uniform(-4.0, 4.0, size=128)
    return StiffStringPiano(inharmonicity_b, detune)

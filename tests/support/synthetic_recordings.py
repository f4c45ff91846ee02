"""Recordings with known content, synthesised in numpy (no FluidSynth needed)."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.pitch import midi_to_hz

SAMPLE_RATE_HZ = 44_100
# (onset s, midi): a C major arpeggio up and down, 0.5 s apart, then 2.2 s of silence.
PLAYED = tuple((0.25 + 0.5 * i, midi) for i, midi in enumerate([60, 64, 67, 72, 67, 64, 60]))
SILENT_TAIL_S = 2.2


def piano_like(midi: int, duration_s: float, amplitude: float = 0.2) -> np.ndarray:
    """A stiff-string tone: 12 partials with B = 3e-4, faster decay for higher partials."""
    time_s = np.arange(round(duration_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    f0_hz = midi_to_hz(midi) / np.sqrt(1 + 3e-4)
    tone = np.zeros(time_s.size)
    for n in range(1, 13):
        tone += (
            amplitude
            / n
            * np.exp(-(1.5 + 0.4 * n) * time_s)
            * np.sin(2 * np.pi * n * f0_hz * np.sqrt(1 + 3e-4 * n * n) * time_s)
        )
    release = np.clip((duration_s - time_s) / 0.05, 0.0, 1.0)
    return (tone * release).astype(np.float32)


def arpeggio() -> np.ndarray:
    total_s = PLAYED[-1][0] + 0.5 + SILENT_TAIL_S
    samples = np.zeros(round(total_s * SAMPLE_RATE_HZ), dtype=np.float32)
    for onset_s, midi in PLAYED:
        tone = piano_like(midi, 0.48)
        start = round(onset_s * SAMPLE_RATE_HZ)
        samples[start : start + tone.size] += tone
    rng = np.random.default_rng(0)
    return samples + rng.normal(0, 1e-4, samples.size).astype(np.float32)

"""A simple physically modelled piano, a new instrument for every seed: unlimited variety of pianos
that share only what every piano shares. Each note is a sum of string partials f_n = n · f0 ·
√(1 + B·n²) (stiff-string inharmonicity B, larger in the treble and on small pianos), struck at
a fraction β of the string's length, so partial n starts with amplitude |sin(π·n·β)| / n^p. The
hammer's felt hardens with velocity: p falls from `soft` to `hard` as velocity rises, so loud
notes are brighter (what distinguishes ff from pp on a real piano besides level). Each partial
decays exponentially, faster for higher partials and higher notes; two detuned strings per key
beat against each other. A short burst of filtered noise is the hammer hitting the string,
louder and brighter at higher velocity. The damper ends a note within about 0.1 s when key and
pedal are up (`sampler.sounding_ends`). A random body response (a few broad resonances) colours
the whole instrument.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter, resample_poly

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.model.training.pianos.sampler import (
    RELEASE_TAIL_S,
    UNDAMPED_FROM,
    lowpass,
    midi_hz,
    sounding_ends,
    stretch_tuning,
)

MAX_PARTIAL_HZ = 10_000.0
MAX_PARTIALS = 24
MAX_NOTE_S = 3.0


@dataclass(frozen=True)
class PhysicalPiano:
    """One modelled piano; every field is drawn from `seed` by `PhysicalPiano.from_seed`."""

    seed: int
    inharmonicity_scale: float  # × the typical B of a grand
    strike_position: float  # β, fraction of the string length
    soft_exponent: float  # spectral slope p at velocity 0
    hard_exponent: float  # ... and at velocity 127
    decay_scale: float  # × the typical T60 of each note
    unison_detune_cents: float
    hammer_noise_db: float  # hammer noise level at ff, re the note
    damping_s: float
    stretch: float  # stretch tuning, × a grand's typical curve
    body_peaks_hz: tuple[float, ...]
    body_gains_db: tuple[float, ...]

    @classmethod
    def from_seed(cls, seed: int) -> PhysicalPiano:
        rng = np.random.default_rng([seed, 77])
        peaks = np.sort(rng.uniform(80.0, 4000.0, size=4))
        return cls(
            seed=seed,
            inharmonicity_scale=float(np.exp(rng.uniform(np.log(0.4), np.log(4.0)))),
            strike_position=float(rng.uniform(1 / 9, 1 / 7)),
            soft_exponent=float(rng.uniform(1.8, 2.6)),
            hard_exponent=float(rng.uniform(0.7, 1.3)),
            decay_scale=float(rng.uniform(0.5, 1.6)),
            unison_detune_cents=float(rng.uniform(0.2, 3.0)),
            hammer_noise_db=float(rng.uniform(-40.0, -20.0)),
            damping_s=float(rng.uniform(0.04, 0.15)),
            stretch=float(rng.uniform(0.5, 1.5)),
            body_peaks_hz=tuple(float(p) for p in peaks),
            body_gains_db=tuple(float(g) for g in rng.uniform(-6.0, 6.0, size=4)),
        )


def render_phrase(piano: PhysicalPiano, phrase: Phrase, *, detune_cents: float) -> np.ndarray:
    """The phrase played on `piano`: float32 mono at 44.1 kHz, `phrase.duration_s` long."""
    total = round(phrase.duration_s * SAMPLE_RATE_HZ)
    out = np.zeros(total, dtype=np.float64)
    cents = stretch_tuning(piano.stretch, detune_cents)
    rng = np.random.default_rng([piano.seed, len(phrase.notes), total])
    for note, end_s in zip(phrase.notes, sounding_ends(phrase), strict=True):
        first = round(note.start_s * SAMPLE_RATE_HZ)
        if first >= total:
            continue
        damped_s = None if note.pitch >= UNDAMPED_FROM else end_s - note.start_s
        freq_hz = midi_hz(note.pitch + cents(note.pitch) / 100.0)
        voiced = note_audio(piano, note, freq_hz, damped_s, total - first, rng)
        out[first : first + voiced.size] += voiced
    return body_response(piano, out).astype(np.float32)


def note_audio(
    piano: PhysicalPiano,
    note: Note,
    freq_hz: float,
    damped_s: float | None,
    room: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """One struck key: partials with their decays and beats, hammer noise, damping.

    The strings are summed at half the output rate (all partials are below `MAX_PARTIAL_HZ`)
    and each partial only until it has decayed by 60 dB, then brought to 44.1 kHz."""
    limit_s = MAX_NOTE_S if damped_s is None else min(MAX_NOTE_S, damped_s + RELEASE_TAIL_S)
    length = min(room, round(limit_s * SAMPLE_RATE_HZ))
    half = (length + 1) // 2
    velocity = note.velocity / 127.0
    # B of a typical grand: about 1e-4 at A4, growing about 3× per octave upwards.
    b = 1e-4 * piano.inharmonicity_scale * 2.0 ** (1.6 * (note.pitch - 69) / 12.0)
    n = np.arange(1, MAX_PARTIALS + 1)
    partial_hz = n * freq_hz * np.sqrt(1.0 + b * n**2)
    n, partial_hz = n[partial_hz < MAX_PARTIAL_HZ], partial_hz[partial_hz < MAX_PARTIAL_HZ]
    exponent = piano.soft_exponent + (piano.hard_exponent - piano.soft_exponent) * velocity
    amplitude = np.abs(np.sin(np.pi * n * piano.strike_position)) / n**exponent
    # T60 of the fundamental: ~15 s in the bass to ~1 s in the treble; partials decay faster.
    t60_s = piano.decay_scale * 15.0 * 2.0 ** (-(note.pitch - 33) / 18.0)
    partial_t60_s = np.maximum(t60_s / (1.0 + (partial_hz / 1500.0) ** 1.3), 0.05)
    beat_hz = partial_hz * (2.0 ** (piano.unison_detune_cents / 1200.0) - 1.0)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(2, n.size))
    rate_hz = SAMPLE_RATE_HZ / 2
    strings = np.zeros(half, dtype=np.float32)
    for i in range(n.size):
        count = min(half, int(partial_t60_s[i] * rate_hz) + 1)
        time_s = np.arange(count, dtype=np.float32) / np.float32(rate_hz)
        omega = np.float32(2.0 * np.pi * partial_hz[i])
        unison = np.cos(omega * time_s + phases[0, i]) + 0.8 * np.cos(
            (omega + np.float32(2.0 * np.pi * beat_hz[i])) * time_s + phases[1, i]
        )
        envelope = np.exp(np.float32(-6.91 / partial_t60_s[i]) * time_s)
        strings[:count] += np.float32(amplitude[i]) * envelope * unison
    audio = resample_poly(strings, 2, 1)[:length].astype(np.float64)
    audio += hammer_noise(piano, velocity, length, rng) * np.max(np.abs(audio))
    audio *= velocity**2 / (1.8 * np.sum(amplitude) + 1e-9)
    if damped_s is not None:
        held = round(damped_s * SAMPLE_RATE_HZ)
        if held < length:
            audio[held:] *= np.exp(-np.arange(length - held) / (piano.damping_s * SAMPLE_RATE_HZ))
    return audio


def hammer_noise(
    piano: PhysicalPiano, velocity: float, length: int, rng: np.random.Generator
) -> np.ndarray:
    """A few milliseconds of low-passed noise: the felt hitting the string, brighter when hard."""
    burst = min(length, round(0.012 * SAMPLE_RATE_HZ))
    noise = np.zeros(length)
    envelope = np.exp(-np.arange(burst) / (0.003 * SAMPLE_RATE_HZ))
    level = 10.0 ** ((piano.hammer_noise_db - 20.0 * (1.0 - velocity)) / 20.0)
    noise[:burst] = rng.standard_normal(burst) * envelope * level
    return lowpass(noise, 1000.0 + 7000.0 * velocity)


def body_response(piano: PhysicalPiano, audio: np.ndarray) -> np.ndarray:
    """The soundboard and case: a few broad peaks and dips (peaking filters, Q about 1)."""
    for centre_hz, gain_db in zip(piano.body_peaks_hz, piano.body_gains_db, strict=True):
        b, a = _peaking(centre_hz, gain_db, q=1.0)
        audio = lfilter(b, a, audio)
    return audio


def _peaking(centre_hz: float, gain_db: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """RBJ audio-EQ-cookbook peaking filter."""
    amplitude = 10.0 ** (gain_db / 40.0)
    omega = 2.0 * np.pi * centre_hz / SAMPLE_RATE_HZ
    alpha = np.sin(omega) / (2.0 * q)
    b = np.array([1 + alpha * amplitude, -2 * np.cos(omega), 1 - alpha * amplitude])
    a = np.array([1 + alpha / amplitude, -2 * np.cos(omega), 1 - alpha / amplitude])
    return b / a[0], a / a[0]

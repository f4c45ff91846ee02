"""Play a phrase on a set of recorded key samples, the way a simple sample-player piano does.

Each note takes the sample whose key range holds its pitch, resampled (linear interpolation) to
the note's frequency, which includes the clip's detuning and the piano's stretch tuning. A
sample too short for the note repeats its loop, decaying on as the recorded note did.

Velocity: a single dynamic layer (the Steinway B's ff, the freepats' one layer) cannot brighten
with velocity by itself, so softer playing is derived physically. A soft felt hammer stays
longer on the string and excites fewer upper partials: the note is low-passed (two poles, 12 dB
per octave) at `f0 · (2 + 40 · (velocity / 127)²)`, so at velocity 30 the 10th partial loses
about 16 dB and at 127 (the recorded ff) about 0.5 dB; and its amplitude follows velocity² (the
General MIDI curve, 32 dB from velocity 20 to 127). Release: when both key and sustain pedal are
up the damper stops the string, an exponential decay of `DAMPING_S`; keys from `UNDAMPED_FROM`
up have no damper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.midi_gen import Note, Phrase

DAMPING_S = 0.08
UNDAMPED_FROM = 89  # F6: the top strings of a piano have no dampers
RELEASE_TAIL_S = 8 * DAMPING_S


@dataclass(frozen=True)
class KeySample:
    """One recorded note: float32 mono audio at `rate_hz`, its pitch and the keys it covers."""

    audio: np.ndarray
    rate_hz: int
    root_hz: float
    low_hz: float
    high_hz: float
    loop: tuple[int, int] | None = None  # [start, end) in samples, repeated past the end


@dataclass(frozen=True)
class SampleSet:
    """A sampled piano: its name and its key samples."""

    name: str
    samples: tuple[KeySample, ...]

    def sample_for(self, freq_hz: float) -> KeySample:
        """The sample whose key range holds `freq_hz`, else the one with the nearest root."""
        for sample in self.samples:
            if sample.low_hz <= freq_hz <= sample.high_hz:
                return sample
        return min(self.samples, key=lambda s: abs(np.log(s.root_hz / freq_hz)))


def midi_hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)


def sounding_ends(phrase: Phrase) -> list[float]:
    """When each note's damper falls: its key release, or the next pedal release after it if
    the sustain pedal is down then (and the clip's end if it is never released)."""
    ends = []
    for note in phrase.notes:
        released_s = note.start_s + note.duration_s
        ends.append(_pedal_release_after(phrase, released_s))
    return ends


def _pedal_release_after(phrase: Phrase, time_s: float) -> float:
    down = False
    for change_s, is_down in phrase.pedal_changes:
        if change_s > time_s:
            return change_s if down and not is_down else time_s
        down = is_down
    return phrase.duration_s if down else time_s


def render_phrase(
    sample_set: SampleSet,
    phrase: Phrase,
    *,
    cents_for_pitch: Callable[[int], float] = lambda pitch: 0.0,
) -> np.ndarray:
    """The phrase played on `sample_set`: float32 mono at 44.1 kHz, `phrase.duration_s` long.
    `cents_for_pitch` gives each key's tuning (detuning plus stretch) in cents."""
    total = round(phrase.duration_s * SAMPLE_RATE_HZ)
    out = np.zeros(total, dtype=np.float64)
    for note, end_s in zip(phrase.notes, sounding_ends(phrase), strict=True):
        first = round(note.start_s * SAMPLE_RATE_HZ)
        if first >= total:
            continue
        freq_hz = midi_hz(note.pitch + cents_for_pitch(note.pitch) / 100.0)
        damped_s = None if note.pitch >= UNDAMPED_FROM else end_s - note.start_s
        voiced = play_note(sample_set.sample_for(freq_hz), freq_hz, note, damped_s, total - first)
        out[first : first + voiced.size] += voiced
    return out.astype(np.float32)


def play_note(
    sample: KeySample, freq_hz: float, note: Note, damped_s: float | None, room: int
) -> np.ndarray:
    """One note: resampled, looped if need be, voiced for its velocity and damped."""
    limit_s = RELEASE_TAIL_S + (damped_s if damped_s is not None else room / SAMPLE_RATE_HZ)
    length = min(room, round(limit_s * SAMPLE_RATE_HZ))
    step = freq_hz / sample.root_hz * sample.rate_hz / SAMPLE_RATE_HZ
    positions = _positions(np.arange(length) * step, sample)
    audio = np.interp(positions, np.arange(sample.audio.size), sample.audio, right=0.0)
    velocity = note.velocity / 127.0
    cutoff_hz = freq_hz * (2.0 + 40.0 * velocity**2)
    audio = lowpass(lowpass(audio, cutoff_hz), cutoff_hz) * velocity**2
    if damped_s is not None:
        held = round(damped_s * SAMPLE_RATE_HZ)
        if held < length:
            audio[held:] *= np.exp(-np.arange(length - held) / (DAMPING_S * SAMPLE_RATE_HZ))
    return audio


def _positions(positions: np.ndarray, sample: KeySample) -> np.ndarray:
    """Positions past a looped sample's end fold back into its loop."""
    if sample.loop is None:
        return positions
    start, end = sample.loop
    beyond = positions >= end
    positions[beyond] = start + np.mod(positions[beyond] - start, max(end - start, 1))
    return positions


def lowpass(audio: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """One-pole low-pass (6 dB per octave above `cutoff_hz`), unity gain at 0 Hz."""
    if cutoff_hz >= 0.45 * SAMPLE_RATE_HZ:
        return audio
    pole = float(np.exp(-2.0 * np.pi * cutoff_hz / SAMPLE_RATE_HZ))
    return lfilter([1.0 - pole], [1.0, -pole], audio)


def stretch_tuning(amount: float, detune_cents: float) -> Callable[[int], float]:
    """Railsback-like stretch: 0 cents at A4, `amount` × about -25 cents at A0 and +35 at C8
    (a grand's typical curve at amount 1), plus the clip's overall `detune_cents`."""

    def cents(pitch: int) -> float:
        above = (pitch - 69) / 39.0
        return detune_cents + amount * (35.0 * above**3 if above > 0 else 25.0 * above**3)

    return cents

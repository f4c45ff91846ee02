"""Seeded random piano content for each playing form, intensity, register, tempo and pedalling.

Every phrase draws a key (major or minor), a register (centre note from E2 to C6), a tempo
(60-160 bpm), a start delay and whether the sustain pedal is used, then plays its form:

- legato: one mostly stepwise line, each note held 5-35 % past the next onset (overlapping);
- staccato: one line of short notes (40-200 ms, at most 40 % of the inter-onset interval);
- chords: block chords of 3-6 notes struck together (within 15 ms), held for most of the beat;
- arpeggio: broken chords, chord tones one after another over up to two octaves, each held on.

Velocities are drawn inside the intensity class: a phrase level uniform in the class, each note
jittered around it by up to a quarter of the class width and clipped to the class, so every
note's velocity, and therefore the label, is inside the class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.model.labels import FORM_LABELS, velocity_range

LOWEST_PITCH = 21
HIGHEST_PITCH = 108
MAJOR = (0, 2, 4, 5, 7, 9, 11)
NATURAL_MINOR = (0, 2, 3, 5, 7, 8, 10)
HARMONIC_MINOR = (0, 2, 3, 5, 7, 8, 11)
# Probability that the sustain pedal is used, per form. Staccato is never pedalled here: with the
# dampers lifted the short notes ring on, the articulation that defines staccato is not in the
# sound any more, and such clips would teach the model labels it cannot hear.
PEDAL_PROBABILITY = {"legato": 0.5, "staccato": 0.0, "chords": 0.5, "arpeggio": 0.6}


@dataclass(frozen=True)
class Note:
    """One key press: onset and held duration in seconds, MIDI pitch and velocity."""

    start_s: float
    duration_s: float
    pitch: int
    velocity: int


@dataclass(frozen=True)
class Phrase:
    """A few seconds of generated playing and its labels."""

    form: str
    intensity: str
    notes: tuple[Note, ...]
    pedal_changes: tuple[tuple[float, bool], ...]  # (time_s, pedal down?) in time order
    tempo_bpm: float
    duration_s: float


def generate_phrase(
    rng: np.random.Generator, form: str, intensity: str, duration_s: float = 3.0
) -> Phrase:
    """A random phrase of `form` at `intensity` lasting `duration_s`; all notes end inside it."""
    if form not in FORM_LABELS:
        raise ValueError(f"unknown form {form!r}")
    tempo_bpm = float(rng.uniform(60.0, 160.0))
    beat_s = 60.0 / tempo_bpm
    scale = _scale_pitches(rng)
    centre = int(rng.integers(40, 85))
    start_s = float(rng.uniform(0.0, 0.15))
    generator = _FORM_GENERATORS[form]
    raw = generator(rng, scale, centre, beat_s, start_s, duration_s)
    velocities = _velocities(rng, intensity, len(raw))
    notes = tuple(
        Note(start, min(length, duration_s - start), pitch, int(velocity))
        for (start, length, pitch), velocity in zip(raw, velocities, strict=True)
        if start < duration_s - 0.05
    )
    pedal = _pedal_changes(rng, form, notes, beat_s, duration_s)
    return Phrase(form, intensity, notes, pedal, tempo_bpm, duration_s)


_RawNote = tuple[float, float, int]  # (start_s, duration_s, pitch)


def _scale_pitches(rng: np.random.Generator) -> np.ndarray:
    """All piano pitches of a random key (major, natural or harmonic minor)."""
    modes = (MAJOR, NATURAL_MINOR, HARMONIC_MINOR)
    mode = modes[int(rng.integers(len(modes)))]
    tonic = int(rng.integers(12))
    pitches = [p for p in range(LOWEST_PITCH, HIGHEST_PITCH + 1) if (p - tonic) % 12 in mode]
    return np.array(pitches)


def _nearest_index(scale: np.ndarray, pitch: int) -> int:
    return int(np.argmin(np.abs(scale - pitch)))


def _line(
    rng: np.random.Generator, scale: np.ndarray, centre: int, leap_probability: float
) -> list[int]:
    """64 pitches of a melodic line in the key, wandering within an octave of `centre`."""
    index = _nearest_index(scale, centre)
    low = _nearest_index(scale, centre - 12)
    high = _nearest_index(scale, centre + 12)
    pitches = []
    for _ in range(64):
        pitches.append(int(scale[index]))
        if rng.random() < leap_probability:
            step = int(rng.choice([-5, -4, -3, 3, 4, 5]))
        else:
            step = int(rng.choice([-2, -1, -1, 1, 1, 2]))
        index = index + step if low <= index + step <= high else index - step
    return pitches


def _legato(
    rng: np.random.Generator,
    scale: np.ndarray,
    centre: int,
    beat_s: float,
    start_s: float,
    duration_s: float,
) -> list[_RawNote]:
    ioi_s = beat_s * float(rng.choice([0.5, 2 / 3, 1.0]))
    ioi_s = max(ioi_s, 0.15)
    notes = []
    time_s = start_s
    for pitch in _line(rng, scale, centre, leap_probability=0.1):
        if time_s >= duration_s:
            break
        this_ioi = ioi_s * float(rng.choice([1.0, 1.0, 1.0, 2.0, 0.5])) if ioi_s > 0.3 else ioi_s
        notes.append((time_s, this_ioi * float(rng.uniform(1.05, 1.35)), pitch))
        time_s += this_ioi
    return notes


def _staccato(
    rng: np.random.Generator,
    scale: np.ndarray,
    centre: int,
    beat_s: float,
    start_s: float,
    duration_s: float,
) -> list[_RawNote]:
    ioi_s = max(beat_s * float(rng.choice([0.5, 0.5, 1.0, 1 / 3])), 0.12)
    notes = []
    time_s = start_s
    for pitch in _line(rng, scale, centre, leap_probability=0.35):
        if time_s >= duration_s:
            break
        length_s = min(float(rng.uniform(0.04, 0.2)), 0.4 * ioi_s)
        notes.append((time_s, max(length_s, 0.04), pitch))
        time_s += ioi_s * float(rng.choice([1.0, 1.0, 2.0]))
    return notes


def _chord_pitches(rng: np.random.Generator, scale: np.ndarray, centre: int) -> list[int]:
    """A triad or seventh chord of the key near `centre`, in a random inversion and spacing."""
    root = _nearest_index(scale, centre - 5) + int(rng.integers(-3, 4))
    degrees = [0, 2, 4, 6] if rng.random() < 0.3 else [0, 2, 4]
    inversion = int(rng.integers(len(degrees)))
    degrees = degrees[inversion:] + [d + 7 for d in degrees[:inversion]]
    indices = [min(max(root + d, 0), scale.size - 1) for d in degrees]
    pitches = [int(scale[i]) for i in indices]
    if rng.random() < 0.5 and pitches[0] - 12 >= LOWEST_PITCH:
        pitches.insert(0, pitches[0] - 12)
    if rng.random() < 0.3 and pitches[-1] + 12 <= HIGHEST_PITCH:
        pitches.append(pitches[1] + 12 if len(pitches) > 1 else pitches[0] + 12)
    return sorted(set(pitches))


def _chords(
    rng: np.random.Generator,
    scale: np.ndarray,
    centre: int,
    beat_s: float,
    start_s: float,
    duration_s: float,
) -> list[_RawNote]:
    ioi_s = max(beat_s * float(rng.choice([1.0, 1.0, 2.0, 0.5])), 0.3)
    notes = []
    time_s = start_s
    while time_s < duration_s:
        length_s = ioi_s * float(rng.uniform(0.7, 1.0))
        for pitch in _chord_pitches(rng, scale, centre):
            notes.append((time_s + float(rng.uniform(0.0, 0.015)), length_s, pitch))
        time_s += ioi_s
    return notes


def _arpeggio(
    rng: np.random.Generator,
    scale: np.ndarray,
    centre: int,
    beat_s: float,
    start_s: float,
    duration_s: float,
) -> list[_RawNote]:
    ioi_s = max(beat_s * float(rng.choice([0.25, 1 / 3, 0.5])), 0.07)
    notes_per_chord = int(rng.choice([4, 6, 8]))
    pattern = str(rng.choice(["up", "down", "updown", "alberti"]))
    notes = []
    time_s = start_s
    while time_s < duration_s:
        chord = _chord_pitches(rng, scale, centre - 5)
        tones = sorted({*chord, *(p + 12 for p in chord if p + 12 <= HIGHEST_PITCH)})
        order = _arpeggio_order(pattern, tones, notes_per_chord)
        held_s = ioi_s * notes_per_chord
        for position, pitch in enumerate(order):
            onset_s = time_s + position * ioi_s
            notes.append((onset_s, max(held_s - position * ioi_s, ioi_s * 1.5), pitch))
        time_s += held_s
    return notes


def _arpeggio_order(pattern: str, tones: list[int], count: int) -> list[int]:
    if pattern == "down":
        cycle = tones[::-1]
    elif pattern == "updown":
        cycle = tones + tones[-2:0:-1]
    elif pattern == "alberti":
        low, middle, high = tones[0], tones[len(tones) // 2], tones[-1]
        cycle = [low, high, middle, high]
    else:
        cycle = tones
    return [cycle[i % len(cycle)] for i in range(count)]


_FORM_GENERATORS = {
    "legato": _legato,
    "staccato": _staccato,
    "chords": _chords,
    "arpeggio": _arpeggio,
}


def _velocities(rng: np.random.Generator, intensity: str, count: int) -> np.ndarray:
    low, high = velocity_range(intensity)
    level = rng.uniform(low, high + 1)
    jitter = (high - low + 1) / 4
    values = np.rint(level + rng.uniform(-jitter, jitter, size=count))
    return np.clip(values, low, high).astype(int)


def _pedal_changes(
    rng: np.random.Generator,
    form: str,
    notes: tuple[Note, ...],
    beat_s: float,
    duration_s: float,
) -> tuple[tuple[float, bool], ...]:
    """Sustain pedal down shortly after the first note, changed at chord / beat changes."""
    if not notes or rng.random() >= PEDAL_PROBABILITY[form]:
        return ()
    changes: list[tuple[float, bool]] = [(notes[0].start_s + 0.03, True)]
    change_every_s = beat_s * float(rng.choice([1.0, 2.0, 4.0]))
    onsets = sorted({round(note.start_s, 3) for note in notes})
    next_change_s = notes[0].start_s + change_every_s
    for onset_s in onsets:
        if onset_s >= next_change_s and onset_s + 0.06 < duration_s:
            changes += [(onset_s + 0.01, False), (onset_s + 0.06, True)]
            next_change_s = onset_s + change_every_s
    changes.append((duration_s, False))
    return tuple(changes)

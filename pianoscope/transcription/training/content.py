"""Seeded piano content for training and measuring the note model, and its reference notes.

Each clip strings together passages of the kinds a transcription gets wrong most often:
held notes and chords of 1-8 s (one key press must stay one note however its partials beat),
fast repeated notes (60-150 ms apart, each one a note), block and rolled chords, runs and a
melody over a bass, with the sustain pedal down over part of the clip. Velocities span 20-127.

Training clips may also draw from EMPHASIS_PASSAGES, the content the network missed most
(measured on validation clips: recall 0.58 below C3, 0.54 below velocity 60, chords worst):
bass figures down to A0, and soft notes struck while louder ones sound. The measuring sets
keep the plain PASSAGES, so their content stays what it was.

The reference ("sounding") notes follow the convention of the MAESTRO data set: a key released
while the sustain pedal is down sounds on until the pedal comes up or the key is struck again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.transcription.key_balance import SCALE_VELOCITY
from pianoscope.transcription.spectrogram import KEY_COUNT, LOWEST_MIDI

PASSAGES = ("held", "repeats", "chords", "run", "melody_bass")
EMPHASIS_PASSAGES = (
    *PASSAGES,
    "bass",
    "bass",
    "soft_under_loud",
    "soft_under_loud",
    "octaves",
    "octaves",
)

# The fine-tuning content (the second phase of `train.train`): chords held 0.8-6 s that double
# a note in octaves at the same dynamic, beside held notes and the octaves passage. The network
# trained on the emphasis content alone lost the played octave of chords (the C5 of C-E-G-C,
# the G4 of G2-G3-G4): there an octave is doubled at a softer or louder velocity, here at the
# chord's own.
FINE_TUNE_PASSAGES = ("octave_chords", "octave_chords", "held", "octaves")
# Chord shapes (semitones over the root) of the octave-chords passage: octaves and double
# octaves, triads with the root doubled on top, open fifths and tenths, and plain triads so an
# octave is not always there.
OCTAVE_CHORD_SHAPES = (
    (0, 12), (0, 12, 24), (0, 4, 7, 12), (0, 3, 7, 12), (0, 7, 12), (0, 12, 19),
    (0, 7, 12, 16), (0, 4, 7, 12, 16), (0, 12, 16, 19), (0,), (0, 4, 7), (0, 3, 8, 12),
)  # fmt: skip


HELD_CHORD_ONSET_S = 0.3
SCALE_START_S = 0.2
SCALE_STEP_S = 0.4  # one key after another, each held SCALE_NOTE_S
SCALE_NOTE_S = 0.35


@dataclass(frozen=True)
class SoundingNote:
    """A reference note: onset and offset (s, offset pedal-extended), MIDI key, velocity."""

    onset_s: float
    offset_s: float
    midi: int
    velocity: int


def generate_clip(
    rng: np.random.Generator, duration_s: float = 10.0, passages: Sequence[str] = PASSAGES
) -> Phrase:
    """A clip of `duration_s` made of passages drawn from `passages`, pedalled over part of
    it."""
    notes: list[Note] = []
    time_s = float(rng.uniform(0.1, 0.4))
    while time_s < duration_s - 1.0:
        kind = str(rng.choice(passages))
        passage, length_s = _PASSAGE_MAKERS[kind](rng, time_s, duration_s - 0.3 - time_s)
        notes += passage
        time_s += length_s + float(rng.uniform(0.0, 0.3))
    notes = [n for n in notes if n.start_s < duration_s - 0.3]
    return Phrase(
        form="mixed",
        intensity="mixed",
        notes=_trimmed(notes, duration_s),
        pedal_changes=_pedal(rng, duration_s),
        tempo_bpm=0.0,
        duration_s=duration_s,
    )


def _trimmed(notes: list[Note], duration_s: float) -> tuple[Note, ...]:
    """Notes in time order, each released before the clip ends and before its key is struck
    again (a MIDI note-off after the next note-on of the same key would silence the new note)."""
    ordered = sorted(notes, key=lambda n: (n.start_s, n.pitch))
    result = []
    for index, note in enumerate(ordered):
        end_s = duration_s - 0.2
        again = [n.start_s for n in ordered[index + 1 :] if n.pitch == note.pitch]
        if again:
            end_s = min(end_s, again[0] - 0.01)
        length_s = min(note.duration_s, end_s - note.start_s)
        if length_s >= 0.02:
            result.append(Note(note.start_s, length_s, note.pitch, note.velocity))
    return tuple(result)


def held_chord(
    pitches: tuple[int, ...], held_s: float, *, velocity: int = 80, pedal_after_s: float = 0.0
) -> Phrase:
    """Keys pressed together at HELD_CHORD_ONSET_S and held `held_s`; with `pedal_after_s`,
    the keys are released after that long but the sustain pedal holds them for the whole
    `held_s` (the held-note test and `bench/bench_held_notes.py`)."""
    key_s = pedal_after_s if pedal_after_s else held_s
    notes = tuple(Note(HELD_CHORD_ONSET_S, key_s, pitch, velocity) for pitch in pitches)
    pedal = ((0.2, True), (HELD_CHORD_ONSET_S + held_s, False)) if pedal_after_s else ()
    return Phrase("held", "mf", notes, pedal, 0.0, held_s + 1.5)


def chromatic_scale() -> Phrase:
    """Every key from A0 to C8 once at the scale calibration's velocity, one after another, as
    a teacher plays the scale calibration (`pianoscope.transcription.scale_calibration`)."""
    notes = tuple(
        Note(SCALE_START_S + SCALE_STEP_S * i, SCALE_NOTE_S, midi, SCALE_VELOCITY)
        for i, midi in enumerate(range(LOWEST_MIDI, LOWEST_MIDI + KEY_COUNT))
    )
    return Phrase("legato", "mf", notes, (), 120.0, notes[-1].start_s + 1.0)


def sounding_notes(phrase: Phrase) -> list[SoundingNote]:
    """The phrase's notes with offsets extended by the sustain pedal, cut at a re-strike."""
    pedal_up_times = [t for t, down in phrase.pedal_changes if not down] + [phrase.duration_s]

    def pedal_down_at(time_s: float) -> bool:
        state = False
        for change_s, down in phrase.pedal_changes:
            if change_s > time_s:
                break
            state = down
        return state

    result = []
    ordered = sorted(phrase.notes, key=lambda n: n.start_s)
    for index, note in enumerate(ordered):
        release_s = note.start_s + note.duration_s
        if pedal_down_at(release_s):
            release_s = min(t for t in pedal_up_times if t > release_s)
        again = [n.start_s for n in ordered[index + 1 :] if n.pitch == note.pitch]
        if again:
            release_s = min(release_s, again[0])
        result.append(SoundingNote(note.start_s, release_s, note.pitch, note.velocity))
    return result


def _velocity(rng: np.random.Generator) -> int:
    return int(np.clip(rng.normal(75, 25), 20, 127))


def velocity_near(rng: np.random.Generator, velocity: int, spread: int = 10) -> int:
    """`velocity` moved by up to `spread` steps either way, kept in 15-127: the notes of one
    figure played at one dynamic, not all alike."""
    return int(np.clip(velocity + rng.integers(-spread, spread + 1), 15, 127))


def _held(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """A single note or a chord of up to 5 notes, held 1-8 s."""
    length_s = float(min(rng.uniform(1.0, 8.0), max(room_s, 0.5)))
    root = int(rng.integers(28, 96))
    count = int(rng.choice([1, 1, 2, 3, 4, 5]))
    pitches = {root, *(root + int(s) for s in rng.choice([3, 4, 5, 7, 9, 12, 16], count - 1))}
    velocity = _velocity(rng)
    return [
        Note(start_s, length_s, min(p, 108), int(np.clip(velocity + rng.integers(-8, 9), 15, 127)))
        for p in sorted(pitches)
    ], length_s


def _repeats(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """One key struck 3-10 times, 60-150 ms apart (fast repeated notes)."""
    step_s = float(rng.uniform(0.06, 0.15))
    count = int(min(rng.integers(3, 11), max(1, room_s // step_s)))
    pitch = int(rng.integers(33, 100))
    velocity = _velocity(rng)
    return [
        Note(
            start_s + k * step_s,
            step_s * float(rng.uniform(0.4, 0.9)),
            pitch,
            velocity_near(rng, velocity),
        )
        for k in range(count)
    ], count * step_s


def _chords(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """2-5 block or rolled chords of 3-6 notes, 0.25-1 s apart."""
    notes: list[Note] = []
    time_s = start_s
    for _ in range(int(rng.integers(2, 6))):
        step_s = float(rng.uniform(0.25, 1.0))
        if time_s + step_s > start_s + room_s:
            break
        root = int(rng.integers(30, 80))
        shape = np.cumsum(rng.choice([3, 4, 5, 7], int(rng.integers(2, 6))))
        roll_s = float(rng.choice([0.0, 0.0, 0.02, 0.05]))
        velocity = _velocity(rng)
        for k, pitch in enumerate([root, *(root + int(s) for s in shape)]):
            if pitch <= 108:
                notes.append(
                    Note(
                        time_s + k * roll_s,
                        step_s * float(rng.uniform(0.5, 1.0)),
                        pitch,
                        velocity_near(rng, velocity),
                    )
                )
        time_s += step_s
    return notes, time_s - start_s


def _run(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """A scale-like run of 6-24 notes, 70-250 ms apart, legato or detached."""
    step_s = float(rng.uniform(0.07, 0.25))
    count = int(min(rng.integers(6, 25), max(1, room_s // step_s)))
    pitch = int(rng.integers(36, 90))
    direction = int(rng.choice([-1, 1]))
    hold = float(rng.uniform(0.3, 1.3))
    notes = []
    for k in range(count):
        notes.append(Note(start_s + k * step_s, step_s * hold, pitch, _velocity(rng)))
        pitch = int(np.clip(pitch + direction * rng.choice([1, 2, 2, 3]), 21, 108))
    return notes, count * step_s


def _melody_bass(
    rng: np.random.Generator, start_s: float, room_s: float
) -> tuple[list[Note], float]:
    """A melody in the treble over a held bass note changing every 2-4 melody notes."""
    step_s = float(rng.uniform(0.15, 0.5))
    count = int(min(rng.integers(6, 16), max(1, room_s // step_s)))
    melody = int(rng.integers(60, 86))
    notes = []
    for k in range(count):
        if k % int(rng.integers(2, 5)) == 0:
            notes.append(
                Note(start_s + k * step_s, 2.0 * step_s, int(rng.integers(28, 55)), _velocity(rng))
            )
        notes.append(Note(start_s + k * step_s, step_s * 0.9, melody, _velocity(rng)))
        melody = int(np.clip(melody + rng.integers(-4, 5), 55, 100))
    return notes, count * step_s


def _bass(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """A bass figure from A0 to E3: single notes, octaves or fifths, 0.15-0.8 s apart, held
    on or detached, at any dynamic (the fundamentals are narrower than a 4096-point FFT bin)."""
    step_s = float(rng.uniform(0.15, 0.8))
    count = int(min(rng.integers(3, 9), max(1, room_s // step_s)))
    hold = float(rng.uniform(0.5, 2.0))
    velocity = _velocity(rng)
    notes = []
    for k in range(count):
        root = int(rng.integers(21, 53))
        shape = [0, *([int(rng.choice([7, 12]))] if rng.random() < 0.4 else [])]
        for interval in shape:
            notes.append(
                Note(
                    start_s + k * step_s,
                    step_s * hold,
                    min(root + interval, 108),
                    velocity_near(rng, velocity, 15),
                )
            )
    return notes, count * step_s


def _soft_under_loud(
    rng: np.random.Generator, start_s: float, room_s: float
) -> tuple[list[Note], float]:
    """A loud chord or note held 1-3 s, and 2-8 soft notes (velocity 15-55) struck while it
    sounds, anywhere from the bass to the treble, some of them together."""
    length_s = float(min(rng.uniform(1.0, 3.0), max(room_s, 0.5)))
    root = int(rng.integers(28, 80))
    loud = {root, *(root + int(s) for s in rng.choice([3, 4, 7, 12], int(rng.integers(0, 4))))}
    notes = [Note(start_s, length_s, min(p, 108), int(rng.integers(85, 128))) for p in sorted(loud)]
    for _ in range(int(rng.integers(2, 9))):
        onset_s = start_s + float(rng.uniform(0.05, 0.9)) * length_s
        notes.append(
            Note(
                onset_s,
                float(rng.uniform(0.1, 1.0)),
                int(rng.integers(21, 100)),
                int(rng.integers(15, 56)),
            )
        )
    return notes, length_s


def _octaves(rng: np.random.Generator, start_s: float, room_s: float) -> tuple[list[Note], float]:
    """2-4 notes held 0.5-4 s, each alone, with its fifth, or doubled an octave (and two) up
    at a velocity from much softer to a little louder: a played octave and the octave partial
    of the note below are the same key's level, told apart only by how much of it the lower
    note's partial explains (the network trained without these lost the G4 of G2-G3-G4)."""
    shapes = ((0,), (0, 7), (0, 12), (0, 12), (0, 12, 24), (0, 7, 12))

    def velocity_of(velocity: int, interval: int, pitch: int) -> int | None:
        offset = 0 if interval == 0 else int(rng.integers(-30, 11))
        return int(np.clip(velocity + offset, 15, 127)) if pitch <= 108 else None

    return _held_shapes(
        rng, start_s, room_s, counts=(2, 5), lengths_s=(0.5, 4.0), roots=(28, 85),
        shapes=shapes, velocity_of=velocity_of, gaps_s=(0.4, 1.5),
    )  # fmt: skip


def _octave_chords(
    rng: np.random.Generator, start_s: float, room_s: float
) -> tuple[list[Note], float]:
    """1-3 chords of OCTAVE_CHORD_SHAPES on roots E1-B5, held 0.8-6 s, every note within 8 of the
    chord's velocity, the next one 0.8-3 s later."""

    def velocity_of(velocity: int, interval: int, pitch: int) -> int | None:
        return int(np.clip(velocity + rng.integers(-8, 9), 15, 127)) if pitch <= 108 else None

    return _held_shapes(
        rng, start_s, room_s, counts=(1, 4), lengths_s=(0.8, 6.0), roots=(28, 84),
        shapes=OCTAVE_CHORD_SHAPES, velocity_of=velocity_of, gaps_s=(0.8, 3.0),
    )  # fmt: skip


def _held_shapes(
    rng: np.random.Generator,
    start_s: float,
    room_s: float,
    *,
    counts: tuple[int, int],
    lengths_s: tuple[float, float],
    roots: tuple[int, int],
    shapes: Sequence[Sequence[int]],
    velocity_of: Callable[[int, int, int], int | None],
    gaps_s: tuple[float, float],
) -> tuple[list[Note], float]:
    """Chords of `shapes` (semitones over a root drawn from `roots`) struck together and held,
    each note's velocity from `velocity_of(chord velocity, interval, pitch)` (None: left out),
    the next chord a gap from `gaps_s` later or when the chord ends, whichever is first."""
    notes: list[Note] = []
    time_s = start_s
    for _ in range(int(rng.integers(*counts))):
        length_s = float(rng.uniform(*lengths_s))
        if time_s + min(length_s, 1.0) > start_s + room_s:
            break
        root = int(rng.integers(*roots))
        shape = shapes[int(rng.integers(0, len(shapes)))]
        velocity = _velocity(rng)
        for interval in shape:
            note_velocity = velocity_of(velocity, interval, root + interval)
            if note_velocity is not None:
                notes.append(Note(time_s, length_s, root + interval, note_velocity))
        time_s += min(length_s, float(rng.uniform(*gaps_s)))
    return notes, time_s - start_s


_PASSAGE_MAKERS = {
    "held": _held,
    "repeats": _repeats,
    "chords": _chords,
    "run": _run,
    "melody_bass": _melody_bass,
    "bass": _bass,
    "soft_under_loud": _soft_under_loud,
    "octaves": _octaves,
    "octave_chords": _octave_chords,
}


def _pedal(rng: np.random.Generator, duration_s: float) -> tuple[tuple[float, bool], ...]:
    """Pedal down over 0-2 random stretches of the clip."""
    changes: list[tuple[float, bool]] = []
    time_s = 0.0
    for _ in range(int(rng.choice([0, 1, 1, 2]))):
        down_s = time_s + float(rng.uniform(0.2, 3.0))
        up_s = down_s + float(rng.uniform(1.0, 4.0))
        if up_s >= duration_s - 0.3:
            break
        changes += [(down_s, True), (up_s, False)]
        time_s = up_s
    return tuple(changes)

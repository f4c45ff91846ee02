"""Each note's velocity read against its own key, from a chromatic scale played mf.

A piano's keys do not all sound equally loud at the same velocity, and a microphone hears the
registers unevenly: the Salamander grand's A3 (MIDI 57) reads about 6 dB under its A2 and A4
at the same velocity, a third of the 13 dB its velocity layers span. A reader of level alone,
or the note network (which reads the attack relative to the take's loudest band), then ranks
notes of different keys by their keys as much as by how hard they were struck.

The scale calibration measures each key once: the teacher plays a chromatic scale mf over the
keys they use, and each key's level (`note_levels_db`) is kept (`key_levels_of_scale`; keys
not heard take their neighbours' level, interpolated, the nearest one beyond the scale's
ends). A note of a take is then read twice: by its own level against its key's, on the
General MIDI curve (40 dB a decade of velocity, mf at SCALE_VELOCITY), and by the network
(calibrated by the scale's mf level like any mf calibration); its velocity is the geometric
mean of the two (`balanced_velocities`). That is the reading of weights without a velocity
reader: the shipped weights carry one (`pianoscope.transcription.velocity_reader`), which
reads the same level against the key with the network's reading and what sounds around the
note, and ranks the notes better on every piano family left out of its fitting.

A note's level is the loudest summed power, over the frames from ATTACK_FRAMES_BEFORE before
its onset frame to ATTACK_FRAMES_AFTER after it, of the bands (within a third of a semitone) of
its first HARMONICS harmonics. Chosen on validation clips of the five training pianos (seeds
20 000 on, 4 clips each in a room, notes the transcriber found, Spearman between played and
read velocity; never the pianos the bench reports): the network alone 0.880 / 0.952 / 0.926 /
0.956 / 0.925 (FluidR3, MuseScore, TimGM6mb, freepats grand, bright); the key-balanced level
alone with 2 harmonics 0.892 / 0.922 / 0.956 / 0.931 / 0.958 (with 1: 0.789-0.925); the
geometric mean of it and the network 0.929 / 0.959 / 0.961 / 0.974 / 0.970, the best on every
piano (with 4 harmonics the level alone reads a little better, mean 0.938 against 0.932, the
mean with the network a little worse, 0.955 against 0.959; weighing the level 0.3-0.7 instead
of a half moves
none by more than 0.01; the level added at the attack over the frames before it instead of
the level at the attack, 0.863-0.947; the network's own readings of the scale as the key
balance instead, as `bench/bench_velocity_ceiling.py` does: 0.832-0.921, below the network
alone; both balances and the network: 0.923-0.953). Measured on the pianos never trained on
in `bench/bench_transcription.py` (the "scale" rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, KEY_COUNT, LOWEST_MIDI

HARMONICS = 2
ATTACK_FRAMES_BEFORE = 1
ATTACK_FRAMES_AFTER = 3
SCALE_VELOCITY = 64
VELOCITY_DB_PER_DECADE = 40.0  # General MIDI: amplitude grows with velocity squared
# A scale calibration needs at least this many keys heard (a chromatic octave).
MIN_SCALE_KEYS = 12
_HARMONIC_SEMITONES = tuple(round(12.0 * np.log2(h)) for h in range(1, HARMONICS + 1))


def harmonic_levels_db(
    key_levels_db: np.ndarray, semitones: Sequence[int] = _HARMONIC_SEMITONES
) -> np.ndarray:
    """Each key's summed power in dB of the keys `semitones` above it (by default its first
    HARMONICS harmonics), frame by frame (frames, keys as `key_levels_db`; a key above the
    highest adds nothing)."""
    power = 10.0 ** (key_levels_db.astype(np.float64) / 10.0)
    summed = np.zeros_like(power)
    for step in semitones:
        summed[:, : power.shape[1] - step] += power[:, step:]
    return 10.0 * np.log10(summed + 1e-20)


def note_levels_db(key_levels_db: np.ndarray, notes: Sequence[NoteEvent]) -> np.ndarray:
    """Each note's level at its attack (see the module docstring), dB as `key_levels_db`
    (frames, keys from MIDI 21 and above: `pianoscope.transcription.network.key_levels`)."""
    frames = key_levels_db.shape[0]
    levels = np.empty(len(notes))
    for index, note in enumerate(notes):
        onset = round(note.onset_s * FRAME_RATE_HZ)
        first = min(max(0, onset - ATTACK_FRAMES_BEFORE), frames - 1)
        last = max(first + 1, min(frames, onset + ATTACK_FRAMES_AFTER + 1))
        attack_db = harmonic_levels_db(key_levels_db[first:last])
        levels[index] = attack_db[:, note.midi - LOWEST_MIDI].max()
    return levels


def key_levels_of_scale(notes: Sequence[NoteEvent], levels_db: np.ndarray) -> tuple[float, ...]:
    """Every key's mf level from the notes heard in a scale and their levels: the loudest
    reading of each key heard (a partial taken for a note reads softer than the key played),
    the others interpolated between their neighbours, the nearest beyond the ends. Raises
    ValueError when fewer than MIN_SCALE_KEYS keys were heard."""
    loudest: dict[int, float] = {}
    for note, level_db in zip(notes, levels_db, strict=True):
        loudest[note.midi] = max(loudest.get(note.midi, -np.inf), float(level_db))
    if len(loudest) < MIN_SCALE_KEYS:
        raise ValueError(
            f"only {len(loudest)} different keys were heard; play a chromatic scale over at "
            f"least {MIN_SCALE_KEYS} keys, one after another, medium loud"
        )
    heard = sorted(loudest)
    every_key = np.arange(LOWEST_MIDI, LOWEST_MIDI + KEY_COUNT)
    filled = np.interp(every_key, heard, [loudest[midi] for midi in heard])
    return tuple(round(float(level_db), 3) for level_db in filled)


def balanced_velocities(
    notes: Sequence[NoteEvent], levels_db: np.ndarray, key_levels_db: Sequence[float]
) -> tuple[NoteEvent, ...]:
    """The notes with each velocity the geometric mean of the network's and of the note's
    level against its key's (see the module docstring), within 1-127."""
    balanced = []
    for note, level_db in zip(notes, levels_db, strict=True):
        above_db = float(level_db) - key_levels_db[note.midi - LOWEST_MIDI]
        by_level = SCALE_VELOCITY * 10.0 ** (above_db / VELOCITY_DB_PER_DECADE)
        velocity = np.sqrt(by_level * note.velocity)
        balanced.append(replace(note, velocity=int(np.clip(round(velocity), 1, 127))))
    return tuple(balanced)

"""Each note's velocity read by boosted trees from its level against its key's, the network's
reading and what sounds around it.

The scale calibration's geometric mean (`key_balance.balanced_velocities`: the note's level
against its key's, and the network's velocity) reads a note alone well, but a note's level
also holds what else sounds in its key's bands: the key still ringing from before (pedal), a
note struck with it whose harmonics fall on its own, a room's reverberation. The reader sees
those too (VELOCITY_FEATURES) and learns, on the training pianos, how much of the level each
one explains. It is fitted after the peak judge, on the notes the transcriber finds in clips
nobody measures on (`pianoscope.transcription.training.velocity_fit`), predicts the played
velocity, and is stored with the network's weights as plain arrays (`boosted_trees`).

Left out one piano family at a time (fitted on the others; stop 60, 24 clips of 10 s per piano
in rooms, each read through its piano's scale calibration, dry;
`python -m pianoscope.transcription.training.velocity_fit --leave-one-out`), the Spearman
correlation between played and read velocity rose from the geometric mean's 0.922-0.936 to
0.954-0.971 on every family (FluidR3 0.929 -> 0.959, MuseScore 0.922 -> 0.954, TimGM6mb
0.934 -> 0.971, freepats 0.934-0.936 -> 0.961-0.968, the Steinway B 0.927 -> 0.963); the
level against the key alone read 0.927-0.953, the network alone 0.797-0.835. On the bench's
Salamander grand, never fitted on, 0.85 against 0.79 (docs/transcription.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.boosted_trees import BoostedTrees
from pianoscope.transcription.key_balance import (
    ATTACK_FRAMES_AFTER,
    ATTACK_FRAMES_BEFORE,
    harmonic_levels_db,
)
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, LOWEST_MIDI

ARRAY_PREFIX = "velocity_reader_"  # its arrays' names in the network's .npz
VELOCITY_FEATURES = (
    "network velocity",  # the network's reading, through the calibration's mf level
    "level over its key",  # first two harmonics at the attack, less the scale's level of the key
    "fundamental over level",  # the first harmonic alone, less the two
    "upper harmonics over level",  # harmonics 3-6 (brightness), less the two
    "before over level",  # the two harmonics over the frames BEFORE_FRAMES before, less the attack
    "struck together",  # other notes within TOGETHER_S
    "struck with one a harmonic below",
    "struck with one a harmonic above",
    "since the key's last note",  # seconds, at most LONG_AGO_S
    "onset probability",
    "key",  # MIDI
)
FUNDAMENTAL = (0,)
UPPER_HARMONICS = (19, 24, 28, 31)  # harmonics 3-6, in semitones over the key
BELOW_INTERVALS = (12, 19, 24, 28)  # a note this far below has a harmonic on this key
ABOVE_INTERVALS = (12, 19, 24)
BEFORE_FRAMES = (8, 3)  # frames 8 to 3 before the onset: the key before it is struck
TOGETHER_S = 0.04
_SLACK_S = 1e-6  # the neighbours' search reaches this much further than TOGETHER_S
LONG_AGO_S = 10.0


def velocity_features(
    notes: Sequence[NoteEvent],
    levels_db: np.ndarray,
    key_levels_db: np.ndarray,
    scale_levels_db: Sequence[float],
    onset: np.ndarray,
) -> np.ndarray:
    """VELOCITY_FEATURES of each note (network velocities), from its attack level
    (`key_balance.note_levels_db`), the take's key levels (frames, keys from MIDI 21, dB), the
    scale calibration's level of each key and the network's onset probabilities (frames,
    keys). Harmonics are summed only over the frames each note is read at, not over the take."""
    frames = key_levels_db.shape[0]
    onsets_s = np.array([note.onset_s for note in notes])
    midis = np.array([note.midi for note in notes])
    order = np.argsort(onsets_s, kind="stable")
    in_time = onsets_s[order]
    # each note's neighbours within TOGETHER_S (found in time order, then held to the exact
    # test below, so a take of many notes is read in n log n, not n squared)
    first_near = np.searchsorted(in_time, onsets_s - TOGETHER_S - _SLACK_S, side="left")
    after_near = np.searchsorted(in_time, onsets_s + TOGETHER_S + _SLACK_S, side="right")
    key_onsets = {int(midi): np.sort(onsets_s[midis == midi]) for midi in np.unique(midis)}
    rows = np.empty((len(notes), len(VELOCITY_FEATURES)))
    for index, (note, level_db) in enumerate(zip(notes, levels_db, strict=True)):
        key, frame = note.midi - LOWEST_MIDI, round(note.onset_s * FRAME_RATE_HZ)
        first = min(max(0, frame - ATTACK_FRAMES_BEFORE), frames - 1)
        attack = key_levels_db[first : max(first + 1, min(frames, frame + ATTACK_FRAMES_AFTER + 1))]
        before = key_levels_db[
            max(0, frame - BEFORE_FRAMES[0]) : max(1, frame - BEFORE_FRAMES[1] + 1)
        ]
        near = order[first_near[index] : after_near[index]]
        near = near[(near != index) & (np.abs(onsets_s[near] - note.onset_s) <= TOGETHER_S)]
        intervals = midis[near] - note.midi
        same_key = key_onsets[note.midi]
        earlier = same_key[: np.searchsorted(same_key, note.onset_s - TOGETHER_S, side="left")]
        rows[index] = (
            note.velocity,
            level_db - scale_levels_db[key],
            harmonic_levels_db(attack, FUNDAMENTAL)[:, key].max() - level_db,
            harmonic_levels_db(attack, UPPER_HARMONICS)[:, key].max() - level_db,
            harmonic_levels_db(before)[:, key].max() - level_db,
            near.size,
            np.isin(-intervals, BELOW_INTERVALS).any(),
            np.isin(intervals, ABOVE_INTERVALS).any(),
            min(note.onset_s - earlier.max(), LONG_AGO_S) if earlier.size else LONG_AGO_S,
            onset[min(frame, onset.shape[0] - 1), key],
            note.midi,
        )
    return rows


def read_velocities(
    notes: Sequence[NoteEvent], features: np.ndarray, reader: BoostedTrees
) -> tuple[NoteEvent, ...]:
    """The notes with the velocities `reader` reads from their `features`, within 1-127."""
    if not notes:
        return ()
    velocities = velocities_read(features, reader)
    return tuple(
        replace(note, velocity=int(velocity))
        for note, velocity in zip(notes, velocities, strict=True)
    )


def velocities_read(features: np.ndarray, reader: BoostedTrees) -> np.ndarray:
    """The MIDI velocities (1-127, int) `reader` reads from rows of `features`."""
    return np.clip(np.round(reader.sums(features)), 1, 127).astype(int)

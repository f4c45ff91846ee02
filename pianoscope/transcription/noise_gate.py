"""A note stands out of the room's noise: notes no louder than the quietest moment of their key
are the network's reading of noise, not of a piano. (A floor over time, per key; the partial
table's floor across one spectrum's frequencies is `pianoscope.dsp.noise_floor`.)

The network's input is relative to the loudest band of what it was given (so a take reads the
same at any gain). Given noise alone (a live stream before the first note, a recording of an
empty room) it therefore reads the noise as loud, and takes its ripples for notes: 6 s of white
or pink noise at any level gave 22-28 notes, live and offline (stop 49). With a piano in the
take the noise is far under its loudest band and gives none.

So each note's level at its attack (`key_balance.note_levels_db`: its first two harmonics) is
compared with its key's floor: the quietest level those harmonics reached, over everything
heard (smoothed over FLOOR_SMOOTHING_FRAMES, digital silence left out). Measured on 48
validation clips of the six training pianos in rooms (seeds of `tuning`, 10 s each, the
shipped network): the notes it found rightly stood 17.6 dB or more over their key's floor
(1193 notes, the lowest 0.1 % at 17.6 dB), the notes found in 3 s and 10 s of white, pink and
brown noise at -60 to -25 dBFS at most 12.3 dB (386 notes, 99 % under 10 dB). In 3 s windows
cut from those clips, where the floor has had less time to show, 14 of 1431 right notes stood
under NOISE_MARGIN_DB (1 %; 36 under 15 dB), in 2 s windows 23 of 1041: the classifier's 2 s
windows (`played_notes`) therefore keep every note, as they did before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.key_balance import harmonic_levels_db
from pianoscope.transcription.spectrogram import KEY_COUNT, LOWEST_MIDI, SILENT_REFERENCE_DB

NOISE_MARGIN_DB = 12.0
FLOOR_SMOOTHING_FRAMES = 5  # 100 ms: a noise band's power averaged, not its deepest dip
FLOOR_CHUNK_FRAMES = 4096


@dataclass(frozen=True)
class NoiseFloor:
    """Each key's quietest level (dB, as the key levels) over what was heard; +inf where
    nothing but digital silence was (no note can be found there)."""

    key_levels_db: np.ndarray

    @classmethod
    def unheard(cls) -> NoiseFloor:
        return cls(np.full(KEY_COUNT, np.inf))

    @classmethod
    def of(cls, key_levels_db: np.ndarray) -> NoiseFloor:
        """The floor of key levels (frames, keys from MIDI 21), FLOOR_CHUNK_FRAMES at a time
        (an hour's levels at once would take half a gigabyte)."""
        floor = np.full(KEY_COUNT, np.inf)
        frames, margin = key_levels_db.shape[0], FLOOR_SMOOTHING_FRAMES // 2
        for start in range(0, frames, FLOOR_CHUNK_FRAMES):
            first = max(0, start - margin)
            piece = key_levels_db[first : min(frames, start + FLOOR_CHUNK_FRAMES + margin)]
            levels_db = _smoothed_levels_db(piece)[
                start - first : start - first + FLOOR_CHUNK_FRAMES
            ]
            floor = np.minimum(floor, levels_db.min(axis=0)[:KEY_COUNT])
        return cls(floor)

    def joined(self, other: NoiseFloor) -> NoiseFloor:
        """The floor over both stretches of audio."""
        return NoiseFloor(np.minimum(self.key_levels_db, other.key_levels_db))

    def stands_out(self, notes: Sequence[NoteEvent], levels_db: np.ndarray) -> np.ndarray:
        """Which notes stand NOISE_MARGIN_DB or more over their key's floor, given each
        note's level at its attack (`key_balance.note_levels_db`)."""
        keys = np.array([note.midi - LOWEST_MIDI for note in notes], dtype=int)
        return np.asarray(levels_db) - self.key_levels_db[keys] >= NOISE_MARGIN_DB


def _smoothed_levels_db(key_levels_db: np.ndarray) -> np.ndarray:
    """The keys' harmonic levels smoothed over FLOOR_SMOOTHING_FRAMES; +inf at and beside
    digital silence, where averaging with it would dip under the noise."""
    harmonics_db = harmonic_levels_db(key_levels_db)
    smoothed = uniform_filter1d(10.0 ** (harmonics_db / 10.0), FLOOR_SMOOTHING_FRAMES, axis=0)
    silent = (harmonics_db < SILENT_REFERENCE_DB).astype(np.float32)
    near_silence = uniform_filter1d(silent, FLOOR_SMOOTHING_FRAMES, axis=0) > 0.0
    levels_db = 10.0 * np.log10(np.maximum(smoothed, 1e-30))
    levels_db[near_silence] = np.inf
    return levels_db

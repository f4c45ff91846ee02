"""Second opinion from the audio on score notes the transcription did not find.

Blind transcription loses some notes a score makes easy to confirm: a key struck again while
it still sounds (no new partials, so no new note), a note whose partials coincide with a
louder note's harmonics, or a note heard an octave off. Before a score note is called missed
(or wrong), the audio is asked directly: was there an attack at the time the score puts it,
and does its pitch sound just after it (`audio_evidence.pitch_sounds`)? A pitch that a
harmonic of a note held from before explains is not taken as evidence; a note doubling a
harmonic of a note struck with it cannot be told apart and counts as played, unless a wrong
pitch was heard in its place. Conversely a
weak, unsure transcribed note that the matcher took for a written one (often a neighbour's
leakage) must be confirmed the same way, and a note still missed whose neighbouring key
sounds at its time was played with the wrong pitch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.score.alignment import (
    MISSED,
    OCTAVES,
    PLAYED,
    WRONG_PITCH,
    NoteAlignment,
    is_unsure,
    pair_wrong_pitches,
)
from pianoscope.score.audio_evidence import pitch_sounds
from pianoscope.score.loading import Score
from pianoscope.score.timing import TimeMap

ONSET_TOLERANCE_S = 0.06
# A fundamental within this of another written note's harmonic 2..8 is explained by it.
HARMONIC_TOLERANCE_SEMITONES = 0.35
# A missed note whose neighbouring key sounds at its attack was played with a wrong pitch.
NEIGHBOUR_STEPS = (1, -1, 2, -2)


def verify_against_audio(
    score: Score,
    alignment: NoteAlignment,
    performed: Sequence[NoteEvent],
    onset_times_s: np.ndarray,
    samples: np.ndarray,
    sample_rate_hz: int,
    time_map: TimeMap,
) -> NoteAlignment:
    """`alignment` corrected by the audio: weak matches the audio does not confirm become
    missed, missed or wrong notes the audio confirms become played (at the detected attack),
    and what is left unmatched is paired into wrong pitches again."""
    status = list(alignment.status)
    performed_index = list(alignment.performed_index)
    heard_onset_s = list(alignment.heard_onset_s)
    heard_midi = list(alignment.heard_midi)
    onsets = np.sort(np.asarray(onset_times_s, dtype=float))
    written_onset = np.array([n.onset_beat for n in score.notes])
    written_end = written_onset + np.array([n.duration_beat for n in score.notes])
    written_midi = np.array([n.midi for n in score.notes])
    median_velocity = float(np.median([note.velocity for note in performed]))

    def confirmed(
        index: int, time_s: float, midi: int | None = None, *, strict: bool = False
    ) -> bool:
        """The key sounds at `time_s` and no held note's harmonic explains it; `strict` (a
        wrong pitch was heard instead) also rules out the notes struck with it."""
        note = score.notes[index]
        before = written_onset <= note.onset_beat if strict else written_onset < note.onset_beat
        held = before & (written_end > note.onset_beat)
        others = set(written_midi[held].tolist()) - {note.midi}
        key = note.midi if midi is None else midi
        return not _explained_by_held(key, others) and pitch_sounds(
            samples, sample_rate_hz, time_s, key
        )

    for index, note in enumerate(score.notes):
        instead = performed_index[index]
        if status[index] == PLAYED:
            match = performed[instead] if instead is not None else None
            weak = match is not None and is_unsure(match, median_velocity)
            if weak and not confirmed(index, match.onset_s):
                status[index], performed_index[index] = MISSED, None
            continue
        if instead is not None and performed[instead].midi - note.midi in OCTAVES:
            status[index] = PLAYED  # the transcription's octave error, not the student's
            continue
        attack_s = _attack_near(onsets, time_map.time_s(note.onset_beat))
        strict = status[index] == WRONG_PITCH
        if attack_s is not None and confirmed(index, attack_s, strict=strict):
            status[index], performed_index[index] = PLAYED, None
            heard_onset_s[index] = attack_s
        elif status[index] == WRONG_PITCH:
            status[index], performed_index[index] = MISSED, None
    used = {i for i in performed_index if i is not None}
    pair_wrong_pitches(score, performed, status, performed_index, used)
    for index, note in enumerate(score.notes):
        attack_s = _attack_near(onsets, time_map.time_s(note.onset_beat))
        if status[index] != MISSED or attack_s is None:
            continue
        written_then = set(written_midi[written_onset == note.onset_beat].tolist())
        for step in NEIGHBOUR_STEPS:
            if note.midi + step not in written_then and confirmed(
                index, attack_s, note.midi + step
            ):
                status[index] = WRONG_PITCH
                heard_onset_s[index], heard_midi[index] = attack_s, note.midi + step
                break
    return NoteAlignment(
        status=tuple(status),
        performed_index=tuple(performed_index),
        extra_indices=tuple(i for i in range(len(performed)) if i not in used),
        heard_onset_s=tuple(heard_onset_s),
        heard_midi=tuple(heard_midi),
    )


def _attack_near(onsets: np.ndarray, time_s: float) -> float | None:
    """The detected onset within ONSET_TOLERANCE_S of `time_s`, if any."""
    if onsets.size == 0:
        return None
    position = int(np.searchsorted(onsets, time_s))
    nearest = onsets[max(position - 1, 0) : position + 1]
    best = float(nearest[np.argmin(np.abs(nearest - time_s))])
    return best if abs(best - time_s) <= ONSET_TOLERANCE_S else None


def _explained_by_held(midi: int, held: set[int]) -> bool:
    """True when `midi` is a harmonic (2..8) of a note held from before."""
    for other in held:
        interval = midi - other
        for harmonic in range(2, 9):
            if abs(12 * np.log2(harmonic) - interval) < HARMONIC_TOLERANCE_SEMITONES:
                return True
    return False

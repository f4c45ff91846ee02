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
sounds at its time was played with the wrong pitch. And a written note matched to a transcribed
note far (MOVE_MIN_ERROR_BEATS) from its time whose own attack the audio confirms at its time
was played there: the transcription lost it and the matcher took a neighbouring note of the
same pitch (a melody note struck with a bass note, a re-struck held key reported at another
note's attack); that transcribed note is free again, to be paired as a wrong pitch or judged
as an extra.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.score.alignment import (
    MISSED,
    MOVE_MIN_ERROR_BEATS,
    OCTAVES,
    PLAYED,
    WRONG_PITCH,
    NoteAlignment,
    is_unsure,
    pair_wrong_pitches,
)
from pianoscope.score.audio_evidence import attack_rise_db, pitch_sounds
from pianoscope.score.loading import Score
from pianoscope.score.timing import TimeMap

ONSET_TOLERANCE_S = 0.06
# A fundamental within this of another written note's harmonic 2..8 is explained by it.
HARMONIC_TOLERANCE_SEMITONES = 0.35
# A key that a held note's harmonic may explain is taken as struck when its partial rises by
# this much at the attack. Measured on FluidR3, TimGM6mb and MuseScore Lite renderings of three
# generated pieces other than the tests' (seeds 101-103, 4096-sample frames): 94-98 % of the
# notes played on a held note's harmonic rise by more, 0-0.4 % of the unplayed harmonics that
# sound at another note's attack do (none by more than 7.2 dB, 95 % by less than 1.1 dB).
HELD_HARMONIC_RISE_DB = 5.0
# A neighbouring key heard where a written note doubles a partial of a note struck with it is
# the key struck only if it rises at the attack (a note released just before rings on: F2's
# 5th partial passes for A4 on TimGM6mb) and no partial up to this one of the notes sounding
# explains it (D2's 10th partial passes for F#5 on FluidR3).
NEIGHBOUR_HIGHEST_HARMONIC = 12
# A written note whose own key was written to sound until at most REPEAT_GAP_BEATS before it
# rings on from that note when the repeat is skipped, so its pitch sounds either way: it is
# taken as struck again when its partial rises by RESTRUCK_RISE_DB at the attack. Measured by
# bench/bench_restrike_evidence.py (pieces of seeds 101-106 in both test shapes on FluidR3,
# TimGM6mb and MuseScore Lite; 2049 repeats played, 1515 skipped): at 1.0 dB 95.6 % of the
# repeats played pass and 8.4 % of those skipped, the largest difference over 0.5-5 dB; the
# held harmonic's 5 dB would lose 22.5 % of them (the key's own ringing fills the frame before).
REPEAT_GAP_BEATS = 0.5
RESTRUCK_RISE_DB = 1.0
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
    repeats = repeated_notes(score)

    def struck_with(index: int) -> set[int]:
        """Other keys written at the same onset as note `index`."""
        note = score.notes[index]
        return set(written_midi[written_onset == note.onset_beat].tolist()) - {note.midi}

    def held_keys(index: int) -> set[int]:
        """Keys written to be held from before note `index` is struck."""
        onset = score.notes[index].onset_beat
        return set(written_midi[(written_onset < onset) & (written_end > onset)].tolist())

    def confirmed(
        index: int, time_s: float, midi: int | None = None, *, strict: bool = False
    ) -> bool:
        """The key sounds at `time_s`, and where a held note's harmonic could explain that,
        its partial rises at the attack, as it must where the key rang on from a note just
        before; `strict` (a wrong pitch was heard instead) also rules out a harmonic of the
        notes struck with it."""
        note = score.notes[index]
        key = note.midi if midi is None else midi
        if not pitch_sounds(samples, sample_rate_hz, time_s, key):
            return False
        if strict and _explained_by_held(key, struck_with(index)):
            return False
        if key == note.midi and index in repeats:
            return attack_rise_db(samples, sample_rate_hz, time_s, key) >= RESTRUCK_RISE_DB
        if _explained_by_held(key, held_keys(index) - {note.midi}):
            return attack_rise_db(samples, sample_rate_hz, time_s, key) >= HELD_HARMONIC_RISE_DB
        return True

    def neighbour_heard(index: int, time_s: float, *, strict: bool) -> int | None:
        """An unwritten key next to note `index` that sounds at `time_s`, if any."""
        note = score.notes[index]
        written_then = struck_with(index) | {note.midi}
        for step in NEIGHBOUR_STEPS:
            neighbour = note.midi + step
            if neighbour not in written_then and confirmed(index, time_s, neighbour, strict=strict):
                return neighbour
        return None

    def struck_instead(index: int, time_s: float) -> int | None:
        """Where note `index` doubles a partial of a note struck with it, its key sounds
        whether struck or not: an unwritten neighbouring key heard there, rising at the
        attack, which no partial of the notes sounding explains, is the key struck."""
        if not _explained_by_held(score.notes[index].midi, struck_with(index)):
            return None
        neighbour = neighbour_heard(index, time_s, strict=True)
        sounding = struck_with(index) | held_keys(index)
        if neighbour is None or _explained_by_held(neighbour, sounding, NEIGHBOUR_HIGHEST_HARMONIC):
            return None
        rise_db = attack_rise_db(samples, sample_rate_hz, time_s, neighbour)
        return neighbour if rise_db >= HELD_HARMONIC_RISE_DB else None

    for index, note in enumerate(score.notes):
        instead = performed_index[index]
        if status[index] != PLAYED or instead is None or performed[instead].midi != note.midi:
            continue
        expected_s = time_map.time_s(note.onset_beat)
        if abs(performed[instead].onset_s - expected_s) < (
            MOVE_MIN_ERROR_BEATS * time_map.seconds_per_beat
        ):
            continue
        attack_s = _attack_near(onsets, expected_s)
        if attack_s is not None and confirmed(index, attack_s):
            performed_index[index], heard_onset_s[index] = None, attack_s
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
            heard_onset_s[index] = attack_s
            status[index], performed_index[index] = PLAYED, None
            instead_midi = struck_instead(index, attack_s)
            if instead_midi is not None:
                status[index], heard_midi[index] = WRONG_PITCH, instead_midi
        elif status[index] == WRONG_PITCH:
            status[index], performed_index[index] = MISSED, None
    used = {i for i in performed_index if i is not None}
    pair_wrong_pitches(score, performed, status, performed_index, used)
    for index, note in enumerate(score.notes):
        attack_s = _attack_near(onsets, time_map.time_s(note.onset_beat))
        if status[index] != MISSED or attack_s is None:
            continue
        instead_midi = neighbour_heard(index, attack_s, strict=False)
        if instead_midi is not None:
            status[index] = WRONG_PITCH
            heard_onset_s[index], heard_midi[index] = attack_s, instead_midi
    return NoteAlignment(
        status=tuple(status),
        performed_index=tuple(performed_index),
        extra_indices=tuple(i for i in range(len(performed)) if i not in used),
        heard_onset_s=tuple(heard_onset_s),
        heard_midi=tuple(heard_midi),
    )


def repeated_notes(score: Score) -> frozenset[int]:
    """Indices of the written notes whose own key was written to sound until at most
    REPEAT_GAP_BEATS before them: a skipped repeat would ring on from that note."""
    onset = np.array([n.onset_beat for n in score.notes])
    end = onset + np.array([n.duration_beat for n in score.notes])
    midi = np.array([n.midi for n in score.notes])
    return frozenset(
        index
        for index in range(len(score.notes))
        if np.any(
            (midi == midi[index])
            & (onset < onset[index])
            & (end >= onset[index] - REPEAT_GAP_BEATS)
        )
    )


def _attack_near(onsets: np.ndarray, time_s: float) -> float | None:
    """The detected onset within ONSET_TOLERANCE_S of `time_s`, if any."""
    if onsets.size == 0:
        return None
    position = int(np.searchsorted(onsets, time_s))
    nearest = onsets[max(position - 1, 0) : position + 1]
    best = float(nearest[np.argmin(np.abs(nearest - time_s))])
    return best if abs(best - time_s) <= ONSET_TOLERANCE_S else None


def _explained_by_held(midi: int, held: set[int], highest_harmonic: int = 8) -> bool:
    """True when `midi` is a harmonic (2 ... highest_harmonic) of a note held from before."""
    for other in held:
        interval = midi - other
        for harmonic in range(2, highest_harmonic + 1):
            if abs(12 * np.log2(harmonic) - interval) < HARMONIC_TOLERANCE_SEMITONES:
                return True
    return False

"""Compare a take with its score: per note, per bar, and what to tell the student first.

`compare_with_score` aligns the take's transcribed notes to the score (`alignment`), asks the
audio about notes the transcription lost (`verification`), maps score beats to take time
(`timing`), then measures each note (onset deviation in beats, duration ratio, velocity) and
each bar (tempo, loudness, articulation) and turns what departs from the score into findings
(`findings`). The result is immutable and serialises to the JSON contract in docs/score.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.pitch import note_name
from pianoscope.errors import ScoreError
from pianoscope.score.alignment import PLAYED, NoteAlignment, align_notes, matched_time_map
from pianoscope.score.audio_evidence import level_db, pitch_sounds, sustain_drop_db
from pianoscope.score.findings import BarResult, Finding, bar_results, findings, headline
from pianoscope.score.loading import Score
from pianoscope.score.timing import TimeMap
from pianoscope.score.verification import verify_against_audio

log = logging.getLogger(__name__)

# Below this share of score notes played, the take is taken for another piece.
MIN_PLAYED_SHARE = 0.5
# Transcribed notes that are not reported as extra: quieter than this share of the median
# played velocity, less confident than this, an octave (twelfth) of a written note sounding, or
# (with the audio) a key whose pitch does not sound at the note's onset.
EXTRA_MIN_VELOCITY_SHARE = 0.5
EXTRA_MIN_CONFIDENCE = 0.5
HARMONIC_INTERVALS = frozenset({-24, -12, 0, 12, 19, 24})


@dataclass(frozen=True)
class NoteResult:
    """One score note as played. Deviation is in beats (positive: late) from the local beat;
    duration ratio is the transcribed length over the written length at the local tempo;
    `sustain_drop_db` is how far the note's partial fell before its written end (audio)."""

    id: str
    bar: int
    bar_index: int
    midi: int
    onset_beat: float
    status: str
    played_midi: int | None
    onset_s: float | None
    offset_s: float | None
    onset_deviation_beats: float | None
    duration_ratio: float | None
    velocity: int | None
    sustain_drop_db: float | None


@dataclass(frozen=True)
class ExtraNote:
    """A played note the score does not have (in the bar at `bar_index` of the score)."""

    bar: int
    bar_index: int
    midi: int
    onset_s: float
    offset_s: float
    velocity: int


@dataclass(frozen=True)
class ScoreComparison:
    """Everything `compare-score` reports about one take against one score."""

    score_title: str
    repeats_played: bool
    marked_bpm: float | None
    played_bpm: float | None
    played_share: float
    notes: tuple[NoteResult, ...]
    extras: tuple[ExtraNote, ...]
    bars: tuple[BarResult, ...]
    findings: tuple[Finding, ...]
    headline: tuple[str, ...]

    def to_json_dict(self) -> dict:
        """The documented JSON contract (docs/score.md)."""
        return {
            "score": {"title": self.score_title, "marked_bpm": _round(self.marked_bpm, 1)},
            "repeats_played": self.repeats_played,
            "played_bpm": _round(self.played_bpm, 1),
            "played_share": round(self.played_share, 4),
            "headline": list(self.headline),
            "bars": [bar.to_json_dict() for bar in self.bars],
            "findings": [finding.to_json_dict() for finding in self.findings],
            "notes": [_note_json(note) for note in self.notes],
            "extra_notes": [
                {
                    "bar": extra.bar,
                    "midi": extra.midi,
                    "name": note_name(extra.midi),
                    "onset_s": round(extra.onset_s, 3),
                    "offset_s": round(extra.offset_s, 3),
                    "velocity": extra.velocity,
                }
                for extra in self.extras
            ],
        }


def compare_with_score(
    score: Score,
    performed: Sequence[NoteEvent],
    *,
    onset_times_s: np.ndarray | None = None,
    samples: np.ndarray | None = None,
    sample_rate_hz: int = 44_100,
) -> ScoreComparison:
    """Compare transcribed notes with `score`. With the take's `samples` and detected
    `onset_times_s`, notes the transcription lost are checked in the audio. A score with
    repeats is compared both with and without them and the reading that fits the take better
    is kept. Raises ScoreError when the take does not play this score."""
    if not performed:
        raise ScoreError("No notes were heard in the take, so it cannot be compared with a score.")
    variants = [score] if score.with_repeats is None else [score, score.with_repeats]
    aligned = [
        _aligned(variant, performed, onset_times_s, samples, sample_rate_hz) for variant in variants
    ]
    best = max(range(len(variants)), key=lambda k: _agreement(aligned[k][0], len(performed)))
    repeats_played = best == 1
    score = variants[best]
    alignment, time_map = aligned[best]
    if alignment.played_share < MIN_PLAYED_SHARE:
        raise ScoreError(
            f"This take does not seem to be {score.title}: only "
            f"{alignment.played_share:.0%} of the score's notes were heard in it."
        )
    audio = (samples, sample_rate_hz) if samples is not None else None
    notes = _note_results(score, performed, alignment, time_map, audio)
    extras = _reportable_extras(score, performed, alignment, time_map, notes, audio)
    levels_db = None
    if samples is not None:
        levels_db = {
            index: level_db(
                samples,
                sample_rate_hz,
                time_map.time_s(bar.start_beat),
                time_map.time_s(bar.end_beat),
            )
            for index, bar in enumerate(score.bars)
        }
    bars = bar_results(score, notes, extras, time_map, levels_db)
    bar_bpms = [bar.bpm for bar in bars if bar.bpm is not None]
    played_bpm = float(np.median(bar_bpms)) if bar_bpms else None
    found = findings(score, bars, notes, played_bpm)
    log.info("%s: %d findings", score.title, len(found))
    return ScoreComparison(
        score_title=score.title,
        repeats_played=repeats_played,
        marked_bpm=score.marked_bpm,
        played_bpm=played_bpm,
        played_share=alignment.played_share,
        notes=notes,
        extras=extras,
        bars=bars,
        findings=found,
        headline=headline(found, score, played_bpm),
    )


def _aligned(
    score: Score,
    performed: Sequence[NoteEvent],
    onset_times_s: np.ndarray | None,
    samples: np.ndarray | None,
    sample_rate_hz: int,
) -> tuple[NoteAlignment, TimeMap]:
    """The alignment, checked against the audio when there is audio, and its time map."""
    alignment = align_notes(score, performed)
    time_map = matched_time_map(score, performed, alignment.performed_index)
    if samples is not None and onset_times_s is not None:
        alignment = verify_against_audio(
            score, alignment, performed, onset_times_s, samples, sample_rate_hz, time_map
        )
        time_map = matched_time_map(score, performed, alignment.performed_index)
    return alignment, time_map


def _agreement(alignment: NoteAlignment, performed_count: int) -> float:
    """F-measure of score notes played against all notes of both: how well a reading of the
    score (repeats played or not) fits the take."""
    played = sum(status == PLAYED for status in alignment.status)
    return 2 * played / max(1, len(alignment.status) + performed_count)


def _note_results(
    score: Score,
    performed: Sequence[NoteEvent],
    alignment: NoteAlignment,
    time_map: TimeMap,
    audio: tuple[np.ndarray, int] | None,
) -> tuple[NoteResult, ...]:
    results = []
    for note, status, index, heard_s, heard_midi in zip(
        score.notes,
        alignment.status,
        alignment.performed_index,
        alignment.heard_onset_s,
        alignment.heard_midi,
        strict=True,
    ):
        played = performed[index] if index is not None else None
        onset_s = played.onset_s if played is not None else heard_s
        deviation = ratio = drop_db = None
        fit = time_map.local_fit(note.onset_beat, exclude_own=True)
        seconds_per_beat = fit[1] if fit else time_map.seconds_per_beat
        written_s = note.duration_beat * seconds_per_beat
        if status == PLAYED and onset_s is not None:
            if fit is not None:
                deviation = (onset_s - fit[0]) / seconds_per_beat
            if played is not None and written_s > 0:
                ratio = (played.offset_s - played.onset_s) / written_s
            if audio is not None and written_s > 0:
                drop_db = sustain_drop_db(audio[0], audio[1], onset_s, written_s, note.midi)
        results.append(
            NoteResult(
                id=note.id,
                bar=note.bar,
                bar_index=note.bar_index,
                midi=note.midi,
                onset_beat=note.onset_beat,
                status=status,
                played_midi=played.midi if played else heard_midi,
                onset_s=onset_s,
                offset_s=played.offset_s if played else None,
                onset_deviation_beats=deviation,
                duration_ratio=ratio,
                velocity=played.velocity if played else None,
                sustain_drop_db=drop_db,
            )
        )
    return tuple(results)


def _reportable_extras(
    score: Score,
    performed: Sequence[NoteEvent],
    alignment: NoteAlignment,
    time_map: TimeMap,
    notes: Sequence[NoteResult],
    audio: tuple[np.ndarray, int] | None,
) -> tuple[ExtraNote, ...]:
    """Extra notes a listener would hear as such: loud and confident enough, not an octave
    or twelfth of a written note sounding then (the transcription's usual ghosts) and, with the
    audio, a key whose own partial sounds at the note's onset (`audio_evidence.pitch_sounds`).

    The audio check is the score's second opinion on the transcription, as for missed notes:
    on exact FluidR3 renderings of the test pieces the note model reports a few unplayed bass
    keys (mostly B-flat 2 under a played G2 or A2), none of which sounds at its onset, while
    the keys of 96-100 % of the played notes do (measured on FluidR3 and TimGM6mb; 90 % on
    MuseScore's grand, whose bass fundamentals are weak)."""
    velocities = [note.velocity for note in notes if note.velocity is not None]
    floor = EXTRA_MIN_VELOCITY_SHARE * float(np.median(velocities)) if velocities else 0.0
    onsets = np.array([n.onset_beat for n in score.notes])
    ends = onsets + np.array([n.duration_beat for n in score.notes])
    pitches = np.array([n.midi for n in score.notes])
    extras = []
    for index in alignment.extra_indices:
        note = performed[index]
        if note.velocity < floor or note.confidence < EXTRA_MIN_CONFIDENCE:
            continue
        beat = time_map.beat_at(note.onset_s)
        sounding = pitches[(onsets <= beat + 0.25) & (ends > beat)]
        if any(note.midi - pitch in HARMONIC_INTERVALS for pitch in sounding.tolist()):
            continue
        if audio is not None and not pitch_sounds(*audio, note.onset_s, note.midi):
            continue
        index = score.bar_index_of_beat(beat)
        extras.append(
            ExtraNote(
                score.bars[index].number,
                index,
                note.midi,
                note.onset_s,
                note.offset_s,
                note.velocity,
            )
        )
    return tuple(extras)


def _note_json(note: NoteResult) -> dict:
    return {
        "id": note.id,
        "bar": note.bar,
        "midi": note.midi,
        "name": note_name(note.midi),
        "onset_beat": round(note.onset_beat, 4),
        "status": note.status,
        "played_midi": note.played_midi,
        "onset_s": _round(note.onset_s, 3),
        "offset_s": _round(note.offset_s, 3),
        "onset_deviation_beats": _round(note.onset_deviation_beats, 3),
        "duration_ratio": _round(note.duration_ratio, 3),
        "velocity": note.velocity,
        "sustain_drop_db": _round(note.sustain_drop_db, 1),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)

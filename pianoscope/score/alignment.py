"""Note-by-note alignment of a take's transcribed notes to the score.

parangonar's `DualDTWNoteMatcher` (Peter, Nakamura and Widmer's dual DTW note matcher) does
the matching: a DTW of performed pitches against the score's onsets, forwards and backwards,
then a greedy note matcher inside the agreed windows. Its DTW is swapped for the vectorised,
identical `SetDTW` so that 10 minutes of playing align in seconds. parangonar only reports
matches, deletions and insertions; a deleted score note with an unmatched performed note at
its expected time (from the matched notes' time map) is a *wrong pitch*, the rest are
*missed* notes and *extra* notes.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.errors import ScoreError
from pianoscope.score.loading import INSTALL_HINT, Score
from pianoscope.score.set_dtw import SetDTW
from pianoscope.score.timing import TimeMap

log = logging.getLogger(__name__)

PLAYED = "played"
MISSED = "missed"
WRONG_PITCH = "wrong_pitch"
# A performed note counts as a wrong pitch for a deleted score note when its onset is within
# this many beats of where the time map puts the score note (but never closer than the floor).
WRONG_PITCH_WINDOW_BEATS = 0.3
WRONG_PITCH_WINDOW_FLOOR_S = 0.08
# A wrong pitch is within a major third of the written one, or an octave or twelfth away
# (which the audio check may then put down to the transcription); farther is a ghost.
WRONG_PITCH_MAX_SEMITONES = 4
OCTAVES = frozenset({-24, -12, 12, 19, 24})
# A transcribed note this unsure (confidence below, velocity below this share of the take's
# median) is often a neighbour's leakage or a harmonic, not a key struck.
UNSURE_CONFIDENCE = 0.5
UNSURE_VELOCITY_SHARE = 0.5
# A match this many beats away from where the time map puts its score note may be moved.
MOVE_MIN_ERROR_BEATS = 0.4


@dataclass(frozen=True)
class NoteAlignment:
    """Per score note (in `Score.notes` order) its status and the performed note that played
    it (for a wrong pitch, the note played instead; None when missed), plus the performed
    notes that belong to no score note. A note the transcription lost but the audio confirms
    (`verification`) has no performed note, its attack time in `heard_onset_s` and, when it
    was a wrong pitch, the pitch heard in `heard_midi`."""

    status: tuple[str, ...]
    performed_index: tuple[int | None, ...]
    extra_indices: tuple[int, ...]
    heard_onset_s: tuple[float | None, ...]
    heard_midi: tuple[int | None, ...]

    @property
    def played_share(self) -> float:
        """Share of score notes played with the right pitch."""
        return sum(s == PLAYED for s in self.status) / max(1, len(self.status))


def align_notes(score: Score, performed: Sequence[NoteEvent]) -> NoteAlignment:
    """Match `performed` (sorted or not) to `score.notes`."""
    if not performed:
        nothing = tuple(None for _ in score.notes)
        return NoteAlignment(tuple(MISSED for _ in score.notes), nothing, (), nothing, nothing)
    matches = _parangonar_matches(score, performed)
    performed_index: list[int | None] = [matches.get(i) for i in range(len(score.notes))]
    _move_displaced_matches(score, performed, performed_index)
    status = [PLAYED if index is not None else MISSED for index in performed_index]
    used = {index for index in performed_index if index is not None}
    pair_wrong_pitches(score, performed, status, performed_index, used)
    extras = tuple(i for i in range(len(performed)) if i not in used)
    nothing = tuple(None for _ in score.notes)
    return NoteAlignment(tuple(status), tuple(performed_index), extras, nothing, nothing)


def _parangonar_matches(score: Score, performed: Sequence[NoteEvent]) -> dict[int, int]:
    """Score note index -> performed note index for parangonar's matches."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from parangonar.match.matchers import DualDTWNoteMatcher, OnsetMatcherDTW
    except ImportError as error:
        raise ScoreError(f"Aligning with a score needs parangonar: {INSTALL_HINT}.") from error
    score_array = np.array(
        [
            (
                n.onset_beat,
                n.duration_beat,
                n.onset_beat,
                n.duration_beat,
                n.midi,
                f"s{i}",
                n.is_grace,
            )
            for i, n in enumerate(score.notes)
        ],
        dtype=[
            ("onset_beat", "f8"),
            ("duration_beat", "f8"),
            ("onset_quarter", "f8"),
            ("duration_quarter", "f8"),
            ("pitch", "i4"),
            ("id", "U16"),
            ("is_grace", "?"),
        ],
    )
    performance_array = np.array(
        [
            (n.onset_s, max(n.offset_s - n.onset_s, 0.0), n.midi, n.velocity, f"p{i}")
            for i, n in enumerate(performed)
        ],
        dtype=[
            ("onset_sec", "f8"),
            ("duration_sec", "f8"),
            ("pitch", "i4"),
            ("velocity", "i4"),
            ("id", "U16"),
        ],
    )
    performance_array = performance_array[np.argsort(performance_array["onset_sec"], kind="stable")]
    matcher = DualDTWNoteMatcher(onset_matcher=OnsetMatcherDTW(dtw=SetDTW()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = matcher(score_array, performance_array)
    matches = {}
    for pair in pairs:
        if pair["label"] == "match":
            matches[int(pair["score_id"][1:])] = int(pair["performance_id"][1:])
    log.info("parangonar matched %d of %d score notes", len(matches), len(score.notes))
    return matches


def _move_displaced_matches(
    score: Score, performed: Sequence[NoteEvent], performed_index: list[int | None]
) -> None:
    """Give a matched performed note to an unmatched score note of the same pitch when the time
    map puts that one closer (the greedy matcher sometimes takes a repeated pitch a beat early,
    when the transcription lost one of the repetitions)."""
    time_map = matched_time_map(score, performed, performed_index)
    if time_map.beats.size < 2:
        return
    free_by_pitch: dict[int, list[int]] = {}
    for index, played in enumerate(performed_index):
        if played is None:
            free_by_pitch.setdefault(score.notes[index].midi, []).append(index)
    for index, played in enumerate(performed_index):
        candidates = free_by_pitch.get(score.notes[index].midi)
        if played is None or not candidates:
            continue
        onset_s = performed[played].onset_s
        error_s = abs(onset_s - time_map.time_s(score.notes[index].onset_beat))
        if error_s < MOVE_MIN_ERROR_BEATS * time_map.seconds_per_beat:
            continue
        errors = [abs(onset_s - time_map.time_s(score.notes[c].onset_beat)) for c in candidates]
        best = int(np.argmin(errors))
        if errors[best] < error_s / 2:
            performed_index[candidates[best]] = played
            performed_index[index] = None
            candidates[best] = index


def pair_wrong_pitches(
    score: Score,
    performed: Sequence[NoteEvent],
    status: list[str],
    performed_index: list[int | None],
    used: set[int],
) -> None:
    """Pair each missed score note with an unused performed note at its expected time (in
    place: `status`, `performed_index` and `used` are updated)."""
    time_map = matched_time_map(score, performed, performed_index)
    if time_map.beats.size < 2:
        return
    window_s = max(WRONG_PITCH_WINDOW_BEATS * time_map.seconds_per_beat, WRONG_PITCH_WINDOW_FLOOR_S)
    median_velocity = float(np.median([note.velocity for note in performed]))
    free = np.array(
        [
            i
            for i in range(len(performed))
            if i not in used and not is_unsure(performed[i], median_velocity)
        ],
        dtype=int,
    )
    if free.size == 0:
        return
    free_onsets = np.array([performed[i].onset_s for i in free])
    for index, note in enumerate(score.notes):
        if status[index] != MISSED:
            continue
        expected_s = time_map.time_s(note.onset_beat)
        distance = np.abs(free_onsets - expected_s)
        for candidate in np.argsort(distance):
            if distance[candidate] > window_s:
                break
            performed_note = int(free[candidate])
            interval = performed[performed_note].midi - note.midi
            plausible = 0 < abs(interval) <= WRONG_PITCH_MAX_SEMITONES or interval in OCTAVES
            if performed_note not in used and plausible:
                status[index] = WRONG_PITCH
                performed_index[index] = performed_note
                used.add(performed_note)
                break


def is_unsure(note: NoteEvent, median_velocity: float) -> bool:
    """True for a transcribed note that is both unsure and quiet (see UNSURE_CONFIDENCE)."""
    return note.confidence < UNSURE_CONFIDENCE and note.velocity < (
        UNSURE_VELOCITY_SHARE * median_velocity
    )


def matched_time_map(
    score: Score, performed: Sequence[NoteEvent], performed_index: Sequence[int | None]
) -> TimeMap:
    """The time map through the score notes matched with their own pitch."""
    pairs = [
        (score.notes[i].onset_beat, performed[p].onset_s)
        for i, p in enumerate(performed_index)
        if p is not None and performed[p].midi == score.notes[i].midi
    ]
    return TimeMap.from_pairs([b for b, _ in pairs], [t for _, t in pairs])

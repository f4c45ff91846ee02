"""Follow a student through the score while they play: where they are, and which notes are wrong.

The live window feeds the notes the note model hears, in onset order, a fraction of a second
after they are struck (`pianoscope.transcription.live`). Each is matched to the next written
notes: the first onset within LOOKAHEAD_ONSETS of the current one that holds an unplayed note
of its pitch and that the time since the current onset can reach (at the student's tempo so
far, up to TEMPO_SLACK faster, plus REACH_SLACK_BEATS: an early duplicate of a later note must
not pull the place ahead). Matched notes move the position forward; notes the score does not
explain are:

- the key of a written note still held: the transcription's (it reports a held key again at
  another note's attack), ignored, before any matching;
- the key of a written note matched less than DOUBLE_REPORT_S before, by a note the
  transcription was less sure of: the transcription's (it heard the strike early, then the
  strike itself), ignored, before any matching;
- a partial of a written note sounding (an octave, a twelfth, two octaves above or below): the
  transcription's, ignored;
- a key the audio does not confirm (`confirm`, given by the live worker: the key's own partial
  must sound at the onset, as for the comparison's extra notes): the transcription's, ignored;
- a key within WRONG_PITCH_MAX_SEMITONES of a written note still to be played at the current
  or next onset: a wrong note, reported at once (the student played it in place);
- anything else, when the transcription is sure of it (FAR_WRONG_MIN_CONFIDENCE): held; when
  the next note matches where the student is, the held notes were wrong notes.

The last RECENT_NOTES notes heard (partials and notes the audio denies left out) are also kept.
When they fit the score where the student is supposed to be less well than RECENT_NOTES - 1
(a greedy in-order match, skipping at most SKIP_ONSETS written onsets between two notes),
they are fitted everywhere in the score: a place they fit at least that well, and by two notes
better, is where the student went (back to the start, a repeat, a skipped line). The place
jumps there; the notes held and the wrong notes reported among those recent notes were no
mistakes.

This is greedy, onset by onset, as a teacher listening follows a student: the offline score
comparison (`pianoscope.score.comparison`) is the careful judge, this only keeps the place.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.score.loading import Score

LOOKAHEAD_ONSETS = 6
WRONG_PITCH_MAX_SEMITONES = 2
PARTIAL_INTERVALS = frozenset({-24, -19, -12, 12, 19, 24})
# A note far from every written one is taken for a wrong note only when the transcription is
# this sure of it: the note model's unplayed keys (D#7 over FluidR3's bass, measured 0.52-0.66)
# are less sure than the notes played (median 0.97 on the test pieces).
FAR_WRONG_MIN_CONFIDENCE = 0.7
RECENT_NOTES = 8
SKIP_ONSETS = 2
# How far ahead a note may be matched, chosen with bench/bench_score_follow.py: 0.5 beat of
# slack let an added note take the place of the next written note of its key, 20 % of tempo
# slack lost the place where the transcription missed notes.
TEMPO_SLACK = 1.5
HELD_MARGIN_BEATS = 0.25
# The note network trained with the long bass frames sometimes reports a key 0.15-0.2 s before
# its strike at onset probability 0.5-0.7 (an E4 after the F4 before it, in 2 s blocks of a
# TimGM6mb rendering of the test piece), then the strike itself at 0.99.
DOUBLE_REPORT_S = 0.3
REACH_SLACK_BEATS = 0.35
# The student's seconds per beat: the median over this many recent steps from onset to onset.
TEMPO_STEPS = 8


@dataclass(frozen=True)
class WrongNote:
    """A note the score does not have where the student is."""

    time_s: float
    midi: int
    bar: int
    beat_in_bar: float


@dataclass(frozen=True)
class FollowState:
    """Where the student is: the last score onset reached (None before the first note), its
    bar and beat, when it was played; the notes matched so far and the wrong notes, newest
    last."""

    onset_index: int | None
    bar: int | None
    beat_in_bar: float | None
    time_s: float | None
    matched_notes: int
    wrong_notes: tuple[WrongNote, ...]


@dataclass(frozen=True)
class _Onset:
    beat: float
    bar_index: int
    note_indices: tuple[int, ...]


class ScoreFollower:
    """Feed transcribed notes in onset order; `state` says where in `score` the student is."""

    def __init__(
        self,
        score: Score,
        *,
        confirm: Callable[[NoteEvent], bool] | None = None,
        wrong_note_history: int = 20,
    ) -> None:
        self.score = score
        self._confirm = confirm
        groups: dict[float, list[int]] = collections.defaultdict(list)
        for index, note in enumerate(score.notes):
            groups[note.onset_beat].append(index)
        self._onsets = tuple(
            _Onset(beat, score.notes[indices[0]].bar_index, tuple(indices))
            for beat, indices in sorted(groups.items())
        )
        self._current: int | None = None
        self._current_time_s: float | None = None
        self._played: set[int] = set()
        self._matched = 0
        self._steps: collections.deque[float] = collections.deque(maxlen=TEMPO_STEPS)
        self._seconds_per_beat = 60.0 / (score.marked_bpm or 120.0)
        self._held: list[NoteEvent] = []
        self._matched_by_key: dict[int, NoteEvent] = {}
        self._recent: collections.deque[NoteEvent] = collections.deque(maxlen=RECENT_NOTES)
        self._wrong: collections.deque[WrongNote] = collections.deque(maxlen=wrong_note_history)

    @property
    def state(self) -> FollowState:
        if self._current is None:
            return FollowState(None, None, None, None, self._matched, tuple(self._wrong))
        onset = self._onsets[self._current]
        bar = self.score.bars[onset.bar_index]
        return FollowState(
            self._current,
            bar.number,
            onset.beat - bar.start_beat + 1.0,
            self._current_time_s,
            self._matched,
            tuple(self._wrong),
        )

    def feed(self, notes: list[NoteEvent] | tuple[NoteEvent, ...]) -> FollowState:
        """Take the newly heard notes (onset order) and return the state after them."""
        for note in notes:
            self._take(note)
        return self.state

    def _take(self, note: NoteEvent) -> None:
        if note.midi in self._held_pitches(note.onset_s):
            return  # a held key the transcription reports again at another note's attack
        earlier = self._matched_by_key.get(note.midi)
        if (
            earlier is not None
            and note.onset_s - earlier.onset_s < DOUBLE_REPORT_S
            and earlier.confidence < note.confidence
        ):
            return  # the strike the transcription heard early, and matched then
        found = self._match_ahead(note.midi, note.onset_s)
        if found is None and self._is_partial(note):
            return
        if found is None and self._confirm is not None and not self._confirm(note):
            return
        self._recent.append(note)
        if found is not None:
            self._play(found, note)
            self._wrong.extend(self._wrong_note(held) for held in self._held)
            self._held.clear()
        elif self._near_expected(note.midi):
            self._wrong.append(self._wrong_note(note))
        elif note.confidence >= FAR_WRONG_MIN_CONFIDENCE:
            self._held.append(note)
        self._relocalise()

    def _match_ahead(self, midi: int, time_s: float) -> tuple[int, int] | None:
        """(onset index, note index) of the first unplayed note of pitch `midi` from the
        current onset up to LOOKAHEAD_ONSETS ahead, within reach at `time_s`."""
        first = self._current if self._current is not None else 0
        reach_beat = np.inf
        if self._current is not None and self._current_time_s is not None:
            elapsed_beats = (time_s - self._current_time_s) / self._seconds_per_beat
            reach_beat = self._onsets[first].beat + TEMPO_SLACK * elapsed_beats + REACH_SLACK_BEATS
        for onset_index in range(first, min(first + LOOKAHEAD_ONSETS + 1, len(self._onsets))):
            if self._onsets[onset_index].beat > reach_beat:
                break
            for note_index in self._onsets[onset_index].note_indices:
                if note_index not in self._played and self.score.notes[note_index].midi == midi:
                    return onset_index, note_index
        return None

    def _play(self, found: tuple[int, int], note: NoteEvent) -> None:
        onset_index, note_index = found
        self._played.add(note_index)
        self._matched += 1
        self._matched_by_key[note.midi] = note
        if self._current is None or onset_index > self._current:
            if self._current is not None and self._current_time_s is not None:
                beats = self._onsets[onset_index].beat - self._onsets[self._current].beat
                self._steps.append((note.onset_s - self._current_time_s) / beats)
                self._seconds_per_beat = max(float(np.median(self._steps)), 1e-3)
            self._current, self._current_time_s = onset_index, note.onset_s

    def _expected_pitches(self, span: int) -> set[int]:
        """Pitches still to be played at the current onset and the `span` - 1 after it."""
        first = self._current if self._current is not None else 0
        return {
            self.score.notes[i].midi
            for onset in self._onsets[first : first + span]
            for i in onset.note_indices
            if i not in self._played
        }

    def _held_pitches(self, time_s: float) -> set[int]:
        """Pitches of written notes already played and written to be held at `time_s`
        (placed in the score at the student's tempo) until at least HELD_MARGIN_BEATS later:
        a key struck again just as its written note ends is a repeated note, not one held on."""
        if self._current is None or self._current_time_s is None:
            return set()
        elapsed_beats = max(time_s - self._current_time_s, 0.0) / self._seconds_per_beat
        beat = self._onsets[self._current].beat + elapsed_beats
        return {
            self.score.notes[i].midi
            for i in self._played
            if beat
            < self.score.notes[i].onset_beat + self.score.notes[i].duration_beat - HELD_MARGIN_BEATS
        }

    def _is_partial(self, note: NoteEvent) -> bool:
        """A partial of a written note sounding or about to be played."""
        held = self._held_pitches(note.onset_s)
        current = (
            {self.score.notes[i].midi for i in self._onsets[self._current].note_indices}
            if self._current is not None
            else set()
        )
        written = held | current | self._expected_pitches(2)
        return any(note.midi - p in PARTIAL_INTERVALS for p in written)

    def _near_expected(self, midi: int) -> bool:
        return any(
            0 < abs(midi - pitch) <= WRONG_PITCH_MAX_SEMITONES
            for pitch in self._expected_pitches(2)
        )

    def _wrong_note(self, note: NoteEvent) -> WrongNote:
        """The wrong note placed in the score where it was played: the current onset plus
        the time since, at the student's tempo, short of the next onset."""
        index = self._current if self._current is not None else 0
        beat = self._onsets[index].beat
        if self._current_time_s is not None and index + 1 < len(self._onsets):
            elapsed_beats = max(note.onset_s - self._current_time_s, 0.0) / self._seconds_per_beat
            next_beat = self._onsets[index + 1].beat
            beat = min(beat + elapsed_beats, beat + 0.9 * (next_beat - beat))
        bar = self.score.bars[self.score.bar_index_of_beat(beat)]
        return WrongNote(note.onset_s, note.midi, bar.number, round(beat - bar.start_beat + 1.0, 2))

    def _relocalise(self) -> None:
        """Jump to where the recent notes fit the score far better than where they are."""
        if len(self._recent) < RECENT_NOTES or self._current is None:
            return
        pitches = [note.midi for note in self._recent]
        here = range(max(0, self._current - RECENT_NOTES - SKIP_ONSETS), self._current + 1)
        fit_here = max(len(self._fit(start, pitches)) for start in here)
        if fit_here >= RECENT_NOTES - 1:
            return
        best: list[tuple[int, int]] = []
        for start in range(len(self._onsets)):
            pitches_there = {self.score.notes[i].midi for i in self._onsets[start].note_indices}
            if pitches[0] in pitches_there or pitches[1] in pitches_there:
                path = self._fit(start, pitches)
                best = path if len(path) > len(best) else best
        if len(best) < RECENT_NOTES - 1 or len(best) < fit_here + 2:
            return
        first_onset = best[0][0]
        self._played = {i for onset in self._onsets[:first_onset] for i in onset.note_indices}
        self._played |= {note_index for _, note_index in best}
        last_onset = best[-1][0]
        self._current, self._current_time_s = last_onset, self._recent[-1].onset_s
        since_s = self._recent[0].onset_s
        kept = [wrong for wrong in self._wrong if wrong.time_s < since_s]
        self._wrong.clear()
        self._wrong.extend(kept)
        self._held.clear()

    def _fit(self, start: int, pitches: list[int]) -> list[tuple[int, int]]:
        """(onset, note) indices of `pitches` matched in order from onset `start`, each note
        once, at most SKIP_ONSETS onsets past the previous match (pitches not found there are
        passed over)."""
        path: list[tuple[int, int]] = []
        used: set[int] = set()
        onset_index = start
        for pitch in pitches:
            last = min(onset_index + SKIP_ONSETS + 1, len(self._onsets))
            found = next(
                (
                    (o, i)
                    for o in range(onset_index, last)
                    for i in self._onsets[o].note_indices
                    if i not in used and self.score.notes[i].midi == pitch
                ),
                None,
            )
            if found is not None:
                path.append(found)
                used.add(found[1])
                onset_index = found[0]
        return path

"""Following a score live: a thread that transcribes the input and keeps the student's place.

Every INTERVAL_S the thread reads what the input added to the ring, feeds it to the live note
transcription (`pianoscope.transcription.live`) and the notes it settles to the score follower
(`pianoscope.score.follow`), and publishes an immutable `FollowSnapshot` the window draws. A
note the score does not explain is a wrong note only when the audio confirms its key (its own
partial sounds at the onset, `pianoscope.score.audio_evidence.pitch_sounds`) and it lies at
or above LOWEST_CONFIRMED_MIDI: below, a semitone of the measured partial is about one bin of
the check's FFT, and the note model's unplayed bass keys (G#1, B-flat 1 under a played C2)
passed it on FluidR3 renderings.

Samples lost by a reader that fell behind are skipped, not transcribed: the follower picks up
the place again from the next notes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from pianoscope.app.live.classifier_worker import MODEL_SAMPLE_RATE_HZ, to_model_rate
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.audio.worker_thread import WorkerThread
from pianoscope.dsp.notes import NoteEvent
from pianoscope.score.audio_evidence import pitch_sounds
from pianoscope.score.follow import FollowState, ScoreFollower
from pianoscope.score.loading import Score
from pianoscope.transcription.live import LiveNotes

log = logging.getLogger(__name__)

INTERVAL_S = 0.5
LOWEST_CONFIRMED_MIDI = 40


@dataclass(frozen=True)
class FollowSnapshot:
    """The follower's state, the score it follows, and the input time it has heard up to
    (seconds since following began, the clock of the state's times)."""

    score: Score
    state: FollowState
    heard_until_s: float
    problem: str | None = None


class ScoreFollowWorker:
    """Follows `score` through the audio written to `ring` on its own thread."""

    def __init__(
        self, ring: RingBuffer, sample_rate_hz: int, score: Score, *, interval_s: float = INTERVAL_S
    ) -> None:
        self._ring = ring
        self._sample_rate_hz = sample_rate_hz
        self._interval_s = interval_s
        self._notes = LiveNotes()
        self._follower = ScoreFollower(score, confirm=self._audio_confirms)
        self._snapshot = FollowSnapshot(score, self._follower.state, 0.0)
        self._worker = WorkerThread(self._run, "score-follow")

    @property
    def snapshot(self) -> FollowSnapshot:
        return self._snapshot

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self) -> None:
        reader = self._ring.reader()
        next_s = time.monotonic()
        while not self._worker.stopping.wait(max(0.0, next_s - time.monotonic())):
            next_s += self._interval_s
            read = reader.read()
            try:
                if read.lost:
                    self._notes.skip(round(read.lost * MODEL_SAMPLE_RATE_HZ / self._sample_rate_hz))
                if read.samples.size:
                    self.feed(to_model_rate(read.samples, self._sample_rate_hz))
            except Exception as error:  # any failure ends the thread: say so, never silently
                problem = f"Following the score stopped ({error})."
                log.exception("%s", problem)
                self._snapshot = FollowSnapshot(
                    self._snapshot.score, self._follower.state, self._notes.time_s, problem
                )
                return
            if time.monotonic() > next_s + self._interval_s:
                next_s = time.monotonic()

    def feed(self, samples: np.ndarray) -> FollowSnapshot:
        """Take 44.1 kHz input (the thread's step; tests call it directly). The notes of each
        live window go to the follower while that window is the one their audio is checked in."""
        for notes in self._notes.steps(samples):
            state = self._follower.feed(notes)
            self._snapshot = FollowSnapshot(self._snapshot.score, state, self._notes.time_s)
        return self._snapshot

    def _audio_confirms(self, note: NoteEvent) -> bool:
        onset_in_window_s = note.onset_s - self._notes.window_start_s
        return note.midi >= LOWEST_CONFIRMED_MIDI and pitch_sounds(
            self._notes.window, MODEL_SAMPLE_RATE_HZ, onset_in_window_s, note.midi
        )

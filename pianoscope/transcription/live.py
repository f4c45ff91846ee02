"""Notes of a live stream, each reported once, a fraction of a second after it is struck.

The note model is made for whole recordings (its input is relative to the recording's loudest
band, its decoding looks up to 200 ms past an onset). Live, it is run over the last WINDOW_S
of the stream each time new audio is fed, and a note is reported once its onset is SETTLE_S old
(its frames and the decoding's look-ahead are then inside the window, not at its edge) and
newer than everything reported before. Running the whole model over 3 s costs about 50 ms
on the shared two-core machine; fed every 0.5 s that is a tenth of a core, only while a score
is followed.

Each window's notes are held against the noise floor of the whole stream so far
(`noise_gate`), not of the window alone: before the first note the window holds only the
room's noise, which the model, reading it relative to its own loudest band, takes for notes.

The same onset seen in two windows may move by a frame; a note of the same key within
DUPLICATE_S of one already reported is the same note.

Windows end every STEP_S of the stream, counted from its first sample, however the audio
arrives: the notes then depend on the audio alone, not on how a thread happened to cut it.
Run once over whatever had arrived, a caller that fell behind (a starved thread on a busy
laptop) lost every note struck before the newest WINDOW_S, and the notes of the same take
differed from one run to the next with the windows' ends: beside a CPU-heavy process the score
follower missed the very wrong note it is there to flash, one run in ten. Audio short of the
next step waits for the next feed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.noise_gate import NoiseFloor
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ, SILENT_REFERENCE_DB
from pianoscope.transcription.transcriber import NoteTranscriber

WINDOW_S = 3.0
SETTLE_S = 0.4
STEP_S = 0.5
DUPLICATE_S = 0.06


class LiveNotes:
    """Feed 44.1 kHz mono blocks as they arrive; each call returns the notes now settled."""

    def __init__(self, weights: dict[str, np.ndarray] | None = None) -> None:
        self._weights = weights
        self._window = np.zeros(0, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._step_samples = round(STEP_S * SAMPLE_RATE_HZ)
        self._fed_samples = 0  # up to the end of the newest window (pending not counted)
        self._reported_until_s = -np.inf
        self._recent: list[NoteEvent] = []
        self._loudest_band_db = SILENT_REFERENCE_DB
        self._noise_floor = NoiseFloor.unheard()

    @property
    def time_s(self) -> float:
        """Seconds of the stream transcribed so far: the newest window's end."""
        return self._fed_samples / SAMPLE_RATE_HZ

    @property
    def window_start_s(self) -> float:
        """Time of the window's first sample."""
        return self.time_s - self._window.size / SAMPLE_RATE_HZ

    @property
    def window(self) -> np.ndarray:
        """The last WINDOW_S of audio fed (for checks against the audio itself)."""
        return self._window

    def feed(self, samples: np.ndarray) -> list[NoteEvent]:
        """Add `samples`; the notes whose onsets have settled since the last call, times in
        seconds from the first sample fed."""
        return [note for notes in self.steps(samples) for note in notes]

    def steps(self, samples: np.ndarray) -> Iterator[list[NoteEvent]]:
        """Add `samples`; for each window this completes, the notes it settled. While a
        step's notes are handled, `window` is the audio they were found in."""
        pending = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        start = 0
        while True:
            end = start + self._step_samples - self._fed_samples % self._step_samples
            if end > pending.size:
                break
            yield self._step(pending[start:end])
            start = end
        self._pending = pending[start:]

    def _step(self, samples: np.ndarray) -> list[NoteEvent]:
        self._fed_samples += samples.size
        keep = round(WINDOW_S * SAMPLE_RATE_HZ)
        self._window = np.concatenate([self._window, samples])[-keep:]
        window_start_s = self.window_start_s
        settled_s = self.time_s - SETTLE_S
        if settled_s <= self._reported_until_s or not np.any(self._window):
            self._reported_until_s = max(self._reported_until_s, settled_s)
            return []
        transcriber = NoteTranscriber(
            self._weights,
            reference_db=signal_reference_level_db(self._window, SAMPLE_RATE_HZ),
            loudest_band_db=self._loudest_band_db,
            noise_floor=self._noise_floor,
            workers=1,  # live: one thread beside the audio, the GUI and the classifier
        )
        transcriber.feed(self._window)
        found = transcriber.finish().notes
        self._loudest_band_db = transcriber.loudest_band_db
        self._noise_floor = transcriber.noise_floor
        notes = []
        for note in found:
            onset_s = note.onset_s + window_start_s
            if not self._reported_until_s < onset_s <= settled_s or self._seen(note.midi, onset_s):
                continue
            shifted = NoteEvent(
                onset_s, note.offset_s + window_start_s, note.midi, note.velocity, note.confidence
            )
            notes.append(shifted)
            self._recent.append(shifted)
        self._reported_until_s = settled_s
        self._recent = [n for n in self._recent if n.onset_s > settled_s - 2 * DUPLICATE_S]
        return notes

    def skip(self, sample_count: int) -> None:
        """Samples that never arrived (a reader fell behind): time moves on, and the window
        starts afresh after the gap."""
        self._fed_samples += self._pending.size + sample_count
        self._pending = np.zeros(0, dtype=np.float32)
        self._window = np.zeros(0, dtype=np.float32)
        self._reported_until_s = max(self._reported_until_s, self.time_s)

    def _seen(self, midi: int, onset_s: float) -> bool:
        return any(n.midi == midi and abs(n.onset_s - onset_s) <= DUPLICATE_S for n in self._recent)

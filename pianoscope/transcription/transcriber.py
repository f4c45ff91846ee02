"""Streamed transcription with the note network: feed blocks, then `finish()` for the notes.

Per block only the spectrogram frames are computed and kept (float16, 297 bands at 50 Hz:
30 kB a second, about 110 MB an hour); the network runs once at the end, when the loudest
band of the whole recording, which its input is relative to, is known. Onset strength for the
tempo comes from the spectral flux of `pianoscope.dsp.onsets`, as before, which is told the
take's reference level (`pianoscope.dsp.levels.reference_level_db`) up front.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.onsets import estimate_tempo_bpm, pick_onsets
from pianoscope.dsp.transcription import (
    ONSET_LAG_S,
    FrameStream,
    OnsetStrength,
    TranscriptionResult,
)
from pianoscope.resources_path import resource_path
from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.network import NoteActivations, forward, load_weights
from pianoscope.transcription.spectrogram import (
    BAND_COUNT,
    FFT_SIZE,
    HOP,
    SAMPLE_RATE_HZ,
    band_levels_db,
    normalise_db,
)

WEIGHTS_NAME = "note_model.npz"


@cache
def shipped_weights() -> dict[str, np.ndarray]:
    """The note network in resources/ (loaded once per process); not shipped yet: see the
    README's note transcription section."""
    return load_weights(resource_path(WEIGHTS_NAME))


class NoteTranscriber:
    """Feed 44.1 kHz mono samples block by block, then `finish()`; block size does not matter.
    `reference_db` is the take's reference level, dBFS."""

    def __init__(
        self, weights: dict[str, np.ndarray] | None = None, *, reference_db: float
    ) -> None:
        self._weights = weights if weights is not None else shipped_weights()
        self._frames = FrameStream(FFT_SIZE, HOP)
        self._onsets = OnsetStrength(SAMPLE_RATE_HZ, reference_db=reference_db)
        self._levels: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        self._levels.append(band_levels_db(self._frames.feed(samples)).astype(np.float16))
        self._onsets.feed(samples)

    def activations(self) -> NoteActivations:
        """Finish the stream and run the network: per-frame onset, frame, velocity per key."""
        self._levels.append(band_levels_db(self._frames.finish()).astype(np.float16))
        levels = np.concatenate(self._levels) if self._levels else np.zeros((0, BAND_COUNT))
        return forward(normalise_db(levels.astype(np.float32)), self._weights)

    def finish(self) -> TranscriptionResult:
        notes = decode_notes(
            self.activations(),
            onset_threshold=float(self._weights["onset_threshold"]),
            frame_threshold=float(self._weights["frame_threshold"]),
        )
        strength = self._onsets.finish()
        rate_hz = self._onsets.frame_rate_hz
        onset_times_s = np.maximum(pick_onsets(strength, rate_hz) / rate_hz - ONSET_LAG_S, 0.0)
        return TranscriptionResult(
            notes=notes,
            onset_times_s=onset_times_s,
            tempo_bpm=estimate_tempo_bpm(strength, rate_hz),
        )


def transcribe_notes(
    samples: np.ndarray, weights: dict[str, np.ndarray] | None = None
) -> TranscriptionResult:
    """Notes, onset times and tempo of a whole 44.1 kHz signal held in memory."""
    transcriber = NoteTranscriber(
        weights, reference_db=signal_reference_level_db(samples, SAMPLE_RATE_HZ)
    )
    transcriber.feed(samples)
    return transcriber.finish()

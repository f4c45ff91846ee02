"""Whole-signal or streamed transcription: onset flux and band spectrogram, then note events.

The same `Transcriber` serves a short clip (one `feed`) and a long recording fed block by block:
frames are centred on multiples of the hop from sample 0 (the stream starts with half a frame
of silence), so results do not depend on the block size. Per second it keeps 100 flux values
and 50 band frames (float32, 60 kB), so an hour of music needs about 220 MB. (The bands were
float16 once: a recording scaled by 100 overflowed them, one scaled by 0.01 lost their
resolution.)

The transcription is told the take's reference level (its loudest 100 ms,
`pianoscope.dsp.levels.reference_level_db`) up front: the onset compression and the note floor
are measured from it, which is what makes the notes independent of the recording's gain. A
file is read twice for this (`pianoscope.analysis.pipeline`); `transcribe` measures a signal in
memory itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import BAND_COUNT, NoteEvent, band_layout, detect_notes, pitch_bands
from pianoscope.dsp.onsets import (
    FLUX_LAG_FRAMES,
    MAX_FLUX_HZ,
    compressed_magnitude,
    estimate_tempo_bpm,
    pick_onsets,
    spectral_flux,
)
from pianoscope.dsp.stft import magnitude

ONSET_FFT_SIZE = 2048
ONSET_HOP_S = 0.01
PITCH_FFT_SIZE = 8192
PITCH_HOP_S = 0.02
# Flux peaks when the attack fills the front of the onset window; measured on FluidR3
# renderings the peak frame lags the true attack by this much, which is taken off.
ONSET_LAG_S = 0.01


class FrameStream:
    """Cuts a stream of blocks into frames centred on multiples of `hop` from sample 0."""

    def __init__(self, frame_size: int, hop: int) -> None:
        self.frame_size = frame_size
        self.hop = hop
        self._buffer = np.zeros(frame_size // 2, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Every frame completed by `samples`, shape (n, frame_size)."""
        buffer = np.concatenate([self._buffer, np.asarray(samples, dtype=np.float32)])
        if buffer.size < self.frame_size:
            self._buffer = buffer
            return np.zeros((0, self.frame_size), dtype=np.float32)
        count = (buffer.size - self.frame_size) // self.hop + 1
        frames = sliding_window_view(buffer, self.frame_size)[:: self.hop][:count].copy()
        self._buffer = buffer[count * self.hop :]
        return frames

    def finish(self) -> np.ndarray:
        """The frames centred before the end of the stream, padded with silence."""
        return self.feed(np.zeros(self.frame_size // 2, dtype=np.float32))


class OnsetStrength:
    """Spectral flux (onset strength, 100 values a second) of a stream fed block by block, for
    a take whose reference level is `reference_db` dBFS."""

    def __init__(self, sample_rate_hz: int = 44_100, *, reference_db: float) -> None:
        self.reference_db = reference_db
        self.hop = round(ONSET_HOP_S * sample_rate_hz)
        self.frame_rate_hz = sample_rate_hz / self.hop
        self._frames = FrameStream(ONSET_FFT_SIZE, self.hop)
        self._flux_bins = int(MAX_FLUX_HZ * ONSET_FFT_SIZE / sample_rate_hz)
        self._previous: np.ndarray | None = None
        self._flux: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        self._consume(self._frames.feed(samples))

    def finish(self) -> np.ndarray:
        """The whole stream's onset strength, float32."""
        self._consume(self._frames.finish())
        return np.concatenate(self._flux) if self._flux else np.zeros(0, dtype=np.float32)

    def _consume(self, frames: np.ndarray) -> None:
        if frames.shape[0]:
            compressed = compressed_magnitude(
                magnitude(frames)[:, : self._flux_bins], self.reference_db
            )
            self._flux.append(spectral_flux(compressed, self._previous))
            self._previous = np.concatenate(
                [self._previous, compressed] if self._previous is not None else [compressed]
            )[-FLUX_LAG_FRAMES:]


class Transcriber:
    """Feed samples block by block, then `finish()` for the note events and tempo.

    `reference_db` is the whole take's reference level in dBFS (see the module docstring).
    """

    def __init__(self, sample_rate_hz: int = 44_100, *, reference_db: float) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.reference_db = reference_db
        self.pitch_hop = round(PITCH_HOP_S * sample_rate_hz)
        self._onsets = OnsetStrength(sample_rate_hz, reference_db=reference_db)
        self._pitch_frames = FrameStream(PITCH_FFT_SIZE, self.pitch_hop)
        self._layout = band_layout(PITCH_FFT_SIZE, sample_rate_hz)
        self._bands: list[np.ndarray] = []

    @property
    def onset_frame_rate_hz(self) -> float:
        return self._onsets.frame_rate_hz

    @property
    def band_frame_rate_hz(self) -> float:
        return self.sample_rate_hz / self.pitch_hop

    def feed(self, samples: np.ndarray) -> None:
        self._onsets.feed(samples)
        self._consume(self._pitch_frames.feed(samples))

    def finish(self) -> TranscriptionResult:
        strength = self._onsets.finish()
        self._consume(self._pitch_frames.finish())
        bands = (
            np.concatenate(self._bands)
            if self._bands
            else np.zeros((0, BAND_COUNT), dtype=np.float32)
        )
        onset_times_s = pick_onsets(strength, self.onset_frame_rate_hz) / self.onset_frame_rate_hz
        onset_times_s = np.maximum(onset_times_s - ONSET_LAG_S, 0.0)
        return TranscriptionResult(
            notes=detect_notes(
                onset_times_s, bands, self.band_frame_rate_hz, reference_db=self.reference_db
            ),
            onset_times_s=onset_times_s,
            tempo_bpm=estimate_tempo_bpm(strength, self.onset_frame_rate_hz),
        )

    def _consume(self, pitch_frames: np.ndarray) -> None:
        if pitch_frames.shape[0]:
            self._bands.append(pitch_bands(magnitude(pitch_frames), self._layout))


@dataclass(frozen=True)
class TranscriptionResult:
    """Notes, onset times (s) and tempo (BPM, None without a steady beat) of a signal."""

    notes: tuple[NoteEvent, ...]
    onset_times_s: np.ndarray
    tempo_bpm: float | None


def transcribe(samples: np.ndarray, sample_rate_hz: int = 44_100) -> TranscriptionResult:
    """Note events of a whole signal held in memory, relative to its own reference level."""
    transcriber = Transcriber(
        sample_rate_hz, reference_db=signal_reference_level_db(samples, sample_rate_hz)
    )
    transcriber.feed(samples)
    return transcriber.finish()

"""The streamed parts of a transcription that are plain DSP: frames and onset strength.

`FrameStream` cuts a stream fed block by block into frames centred on multiples of the hop
from sample 0 (the stream starts with half a frame of silence), so results do not depend on
the block size; the note network's spectrogram (`pianoscope.transcription`) is cut with it.
`OnsetStrength` is the spectral flux (100 values a second) that onset times and the tempo come
from, told the take's reference level (its loudest 100 ms,
`pianoscope.dsp.levels.reference_level_db`) up front, so the onsets do not depend on the
recording's gain; `signal_onsets_and_tempo` measures a signal in memory itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import NoteEvent
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


@dataclass(frozen=True)
class TranscriptionResult:
    """Notes, onset times (s) and tempo (BPM, None without a steady beat) of a signal."""

    notes: tuple[NoteEvent, ...]
    onset_times_s: np.ndarray
    tempo_bpm: float | None


def onsets_and_tempo(strength: np.ndarray, frame_rate_hz: float) -> tuple[np.ndarray, float | None]:
    """Onset times (s, the flux's lag taken off) and tempo (BPM, None without a steady beat)
    from an onset strength curve."""
    onset_times_s = pick_onsets(strength, frame_rate_hz) / frame_rate_hz - ONSET_LAG_S
    return np.maximum(onset_times_s, 0.0), estimate_tempo_bpm(strength, frame_rate_hz)


def signal_onsets_and_tempo(
    samples: np.ndarray, sample_rate_hz: int = 44_100
) -> tuple[np.ndarray, float | None]:
    """Onset times and tempo of a whole signal held in memory, relative to its own level."""
    onsets = OnsetStrength(
        sample_rate_hz, reference_db=signal_reference_level_db(samples, sample_rate_hz)
    )
    onsets.feed(samples)
    return onsets_and_tempo(onsets.finish(), onsets.frame_rate_hz)

"""Slower playback without a lower pitch: streaming WSOLA (waveform-similarity overlap-add).

Frames of `WINDOW` samples are taken from the input every `hop * speed` samples and laid down
every `hop` samples; each frame is shifted by up to `TOLERANCE` samples to the position whose
waveform best continues the previous frame, which avoids the phasing of plain overlap-add.
Good enough to practise along at 0.5x-1x; not a studio-grade stretcher.
"""

from __future__ import annotations

import numpy as np

WINDOW = 2048
HOP = WINDOW // 4
TOLERANCE = 256
# A periodic Hann window at a quarter-window hop sums to 2.
_OVERLAP_GAIN = 2.0


class TimeStretcher:
    """Feed input blocks, get output blocks `1 / speed` times as long at the same pitch."""

    def __init__(self, speed: float) -> None:
        if not 0.25 <= speed <= 1.0:
            raise ValueError(f"speed must be within 0.25..1, not {speed}")
        self.speed = speed
        self._analysis_hop = HOP * speed
        self._window = np.hanning(WINDOW + 1)[:-1].astype(np.float32)
        self._buffer = np.zeros(TOLERANCE, dtype=np.float32)
        self._position = float(TOLERANCE)
        self._previous: int | None = None
        self._accumulator = np.zeros(WINDOW, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        self._buffer = np.concatenate([self._buffer, np.asarray(samples, dtype=np.float32)])
        out: list[np.ndarray] = []
        while round(self._position) + WINDOW + TOLERANCE <= self._buffer.size:
            start = self._best_start(round(self._position))
            self._accumulator += self._buffer[start : start + WINDOW] * self._window
            out.append(self._accumulator[:HOP] / _OVERLAP_GAIN)
            self._accumulator = np.concatenate(
                [self._accumulator[HOP:], np.zeros(HOP, dtype=np.float32)]
            )
            self._previous = start
            self._position += self._analysis_hop
        drop = max(0, min(round(self._position) - TOLERANCE, (self._previous or 0) + HOP))
        if drop:
            self._buffer = self._buffer[drop:]
            self._position -= drop
            if self._previous is not None:
                self._previous -= drop
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    def _best_start(self, nominal: int) -> int:
        """The start near `nominal` whose frame best continues the previously laid frame."""
        if self._previous is None:
            return nominal
        natural = self._buffer[self._previous + HOP : self._previous + HOP + WINDOW // 2]
        lo = max(0, nominal - TOLERANCE)
        candidates = self._buffer[lo : nominal + TOLERANCE + natural.size]
        if natural.size < WINDOW // 2 or candidates.size < natural.size:
            return nominal
        scores = np.correlate(candidates, natural, mode="valid")
        return lo + int(np.argmax(scores))

"""Time `compare_takes` (levels, chroma, banded DTW) on takes of 1, 3 and 5 minutes.

The take is the reference played 10 % slower in its first half and 10 % faster in its second;
the script prints the time and the recovered tempo ratios against the true ones.
"""

from __future__ import annotations

import time

import numpy as np

from pianoscope.app.library.compare import COMPARE_SAMPLE_RATE_HZ, compare_takes

RATE_HZ = COMPARE_SAMPLE_RATE_HZ


def tones(pitches: np.ndarray, note_s: np.ndarray) -> np.ndarray:
    """Decaying harmonic tones, one per pitch, each lasting its own note_s."""
    parts = []
    for pitch, length_s in zip(pitches, note_s, strict=True):
        time_s = np.arange(round(length_s * RATE_HZ)) / RATE_HZ
        freq_hz = 440.0 * 2 ** ((pitch - 69) / 12)
        parts.append(
            sum(0.2 / n * np.sin(2 * np.pi * n * freq_hz * time_s) for n in range(1, 5))
            * np.exp(-2.0 * time_s)
        )
    return np.concatenate(parts).astype(np.float32)


def main() -> None:
    rng = np.random.default_rng(0)
    for minutes in (1, 3, 5):
        count = round(minutes * 60 / 0.4)
        pitches = rng.integers(40, 88, size=count)
        reference = tones(pitches, np.full(count, 0.4))
        half = count // 2
        take = tones(pitches, np.r_[np.full(half, 0.4 / 0.9), np.full(count - half, 0.4 / 1.1)])
        started = time.perf_counter()
        comparison = compare_takes(reference, take, RATE_HZ, section_s=minutes * 30.0)
        elapsed = time.perf_counter() - started
        ratios = ", ".join(f"{s.tempo_ratio:.3f}" for s in comparison.sections)
        print(
            f"{minutes} min vs {take.size / RATE_HZ / 60:.2f} min: {elapsed:5.2f} s "
            f"({minutes * 60 / elapsed:.0f}x real time); section tempo ratios {ratios} "
            f"(true 0.900, 1.100)"
        )


if __name__ == "__main__":
    main()

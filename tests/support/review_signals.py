"""Recordings with known content for the review tests, written to a folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import write_audio

RATE = 44_100


def tone(freq_hz: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def write(path: Path, samples: np.ndarray) -> Path:
    write_audio(path, samples, RATE)
    return path

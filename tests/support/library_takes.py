"""Short takes written on the fly for the library tests, with an optional sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import write_audio

SAMPLE_RATE_HZ = 44_100


def write_take(path: Path, *, seconds: float = 0.5, freq_hz: float = 440.0, **sidecar) -> Path:
    """A short tone as WAV/FLAC (by extension), with a sidecar when metadata is given."""
    time_s = np.arange(round(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    path.parent.mkdir(parents=True, exist_ok=True)
    write_audio(path, 0.3 * np.sin(2 * np.pi * freq_hz * time_s), SAMPLE_RATE_HZ)
    if sidecar:
        document = {
            "started_at": "2026-11-20T15:30:00+00:00",
            "device": "pulse",
            "sample_rate_hz": SAMPLE_RATE_HZ,
            "format": "FLAC" if path.suffix == ".flac" else "WAV",
            "state": "complete",
            "duration_s": seconds,
            **sidecar,
        }
        path.with_name(path.name + ".json").write_text(json.dumps(document))
    return path

"""`pianoscope spectrum`: the corrected-spectrum analysis of one window of a recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pianoscope.audio.fileio import SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.dsp.corrected_spectrum import Partial
from pianoscope.dsp.frame import FrameAnalysis, analyse_frame
from pianoscope.errors import AnalysisError


def analyse_window_at(
    path: str | Path, time_s: float, *, fft_size: int = 8192, window_name: str = "hann"
) -> FrameAnalysis:
    """Analyse the `fft_size` samples starting at `time_s` (zero-padded past the end)."""
    info = probe_audio(path)
    if not 0.0 <= time_s < info.duration_s:
        raise AnalysisError(
            f"{Path(path).name} lasts {info.duration_s:.2f} s; --at {time_s:g} is outside it."
        )
    return analyse_frame(
        read_window(path, time_s, fft_size), SAMPLE_RATE_HZ, window_name=window_name
    )


def read_window(path: str | Path, start_s: float, size: int) -> np.ndarray:
    """`size` samples at 44.1 kHz from `start_s`, reading only the blocks up to them."""
    start = round(start_s * SAMPLE_RATE_HZ)
    window = np.zeros(size, dtype=np.float32)
    position = 0
    for block in iter_audio_blocks(path, sample_rate_hz=SAMPLE_RATE_HZ, block_s=1.0):
        lo, hi = max(start, position), min(start + size, position + block.size)
        if lo < hi:
            window[lo - start : hi - start] = block[lo - position : hi - position]
        position += block.size
        if position >= start + size:
            break
    return window


def spectrum_json(frame: FrameAnalysis, time_s: float) -> dict[str, Any]:
    """The DESIGN.md `spectrum` contract: the dominant note and its partials."""
    pitch = frame.pitch
    return {
        "time_s": round(time_s, 3),
        "fft_size": int((frame.freq_hz.size - 1) * 2),
        "f0_hz": None if pitch is None else round(pitch.f0_hz, 3),
        "note": None if pitch is None else pitch.note,
        "cents": None if pitch is None else round(pitch.cents, 1),
        "partials": [_partial_json(p) for p in frame.note_partials],
        "inharmonicity_b": None if pitch is None else float(f"{pitch.inharmonicity_b:.3g}"),
        "rms_db": round(frame.rms_db, 1),
        "a_weighted_db": round(frame.a_weighted_db, 1),
    }


def _partial_json(partial: Partial) -> dict[str, Any]:
    t60 = partial.t60_s
    return {
        "freq_hz": round(partial.freq_hz, 3),
        "amp_db": round(partial.amp_db, 1),
        "a1_hz": round(partial.a1_hz, 4),
        "t60_s": None if t60 is None else round(t60, 2),
        "harmonic": partial.harmonic,
        "cents_from_harmonic": round(partial.cents_from_harmonic or 0.0, 1),
    }

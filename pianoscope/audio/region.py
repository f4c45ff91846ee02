"""Read part of a recording at its own sample rate, without decoding what comes before it.

The review window needs random access (a spectrum at 41:07, the spectrogram of the visible
minute, playback from the cursor); `fileio.iter_audio_blocks` always starts at the beginning
and resamples, which is right for the analysis but too slow for a click in a long take.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from pianoscope.errors import AudioFileError


def read_frames(path: str | Path, start_frame: int, frames: int) -> np.ndarray:
    """`frames` float32 mono samples from `start_frame`, zero-padded past either end."""
    out = np.zeros(max(frames, 0), dtype=np.float32)
    first = max(start_frame, 0)
    with _open(path) as handle:
        last = min(start_frame + frames, handle.frames)
        if last > first:
            handle.seek(first)
            data = handle.read(last - first, dtype="float32", always_2d=True)
            out[first - start_frame : first - start_frame + data.shape[0]] = _mono(data)
    return out


def read_windows(path: str | Path, start_frames: np.ndarray, frames: int) -> np.ndarray:
    """Windows of `frames` samples at each start (zero-padded past the ends), one file open."""
    out = np.zeros((len(start_frames), frames), dtype=np.float32)
    with _open(path) as handle:
        for row, start_frame in enumerate(start_frames):
            first, last = max(int(start_frame), 0), min(int(start_frame) + frames, handle.frames)
            if last > first:
                handle.seek(first)
                data = handle.read(last - first, dtype="float32", always_2d=True)
                offset = first - int(start_frame)
                out[row, offset : offset + data.shape[0]] = _mono(data)
    return out


def iter_frames(
    path: str | Path, start_frame: int, frames: int, *, block_frames: int, dtype: str = "float32"
) -> Iterator[np.ndarray]:
    """Consecutive mono blocks of `block_frames` covering [start_frame, +frames).

    `dtype` "int16" reads integer PCM about three times faster (full scale is 32768; a mix
    of several channels comes as float32 on that scale); enough for drawing a waveform.
    """
    with _open(path) as handle:
        handle.seek(max(0, start_frame))
        remaining = max(0, min(frames, handle.frames - start_frame))
        while remaining > 0:
            data = handle.read(min(block_frames, remaining), dtype=dtype, always_2d=True)
            if data.shape[0] == 0:
                return
            remaining -= data.shape[0]
            yield _mono(data)


def _mono(data: np.ndarray) -> np.ndarray:
    if data.shape[1] == 1:
        return data[:, 0]
    return data.mean(axis=1, dtype=np.float32)


def _open(path: str | Path) -> sf.SoundFile:
    try:
        return sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioFileError(f"{Path(path).name} cannot be read any more ({error}).") from error

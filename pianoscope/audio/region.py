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

SALVAGE_STEP_FRAMES = 1024  # a damaged block is re-read in steps this small


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

    A damaged file ends where its damage starts (a truncated FLAC claims more frames than it
    holds); the caller sees fewer frames than asked for.

    `dtype` "int16" reads integer PCM about three times faster (full scale is 32768; a mix
    of several channels comes as float32 on that scale); enough for drawing a waveform.
    """
    with _open(path) as handle:
        remaining = max(0, min(frames, handle.frames - start_frame))
        if remaining == 0:  # past the end: seeking there fails on short files
            return
        try:
            handle.seek(max(0, start_frame))
        except (sf.LibsndfileError, RuntimeError):
            return  # the file is damaged before this point
        while remaining > 0:
            wanted = min(block_frames, remaining)
            data = _read_up_to_damage(handle, wanted, dtype)
            if data.shape[0] > 0:
                remaining -= data.shape[0]
                yield _mono(data)
            if data.shape[0] < wanted:
                return


def _read_up_to_damage(handle: sf.SoundFile, frames: int, dtype: str) -> np.ndarray:
    """Read `frames` frames; if the decoder fails, re-read in small steps up to the damage
    (a failed read leaves libsndfile's position undefined, so it restarts from the block)."""
    start = handle.tell()
    try:
        return handle.read(frames, dtype=dtype, always_2d=True)
    except (sf.LibsndfileError, RuntimeError):
        pass
    good: list[np.ndarray] = []
    read = 0
    try:
        handle.seek(start)
        while read < frames:
            part = handle.read(min(SALVAGE_STEP_FRAMES, frames - read), dtype=dtype, always_2d=True)
            if part.shape[0] == 0:
                break
            good.append(part)
            read += part.shape[0]
    except (sf.LibsndfileError, RuntimeError):
        pass
    if not good:
        return np.zeros((0, handle.channels), dtype=dtype)
    return np.concatenate(good)


def _mono(data: np.ndarray) -> np.ndarray:
    if data.shape[1] == 1:
        return data[:, 0]
    return data.mean(axis=1, dtype=np.float32)


def _open(path: str | Path) -> sf.SoundFile:
    try:
        return sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioFileError(f"{Path(path).name} cannot be read any more ({error}).") from error

"""A disk cache of waveform pyramids, so a long take opens at once the second time.

Decoding an hour of FLAC takes one to two seconds on a small machine; the pyramid's finest
level (float16, about 10 MB per hour) is kept in the user's cache folder under a key made of
the recording's path, size and modification time, so an edited or replaced file is never shown
with a stale waveform. Cache problems are logged, never shown: the cache is only a shortcut.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from pianoscope.app.review.waveform_pyramid import WaveformPyramid, build_pyramid, pyramid_from_base
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

CACHE_VERSION = 1


def default_cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pianoscope" / "waveforms"


def cache_file(recording: str | Path, folder: Path) -> Path:
    recording = Path(recording).resolve()
    stat = recording.stat()
    key = f"{CACHE_VERSION}|{recording}|{stat.st_size}|{stat.st_mtime_ns}"
    return folder / (hashlib.sha1(key.encode()).hexdigest() + ".npz")


def load_cached(recording: str | Path, folder: Path) -> WaveformPyramid | None:
    path = cache_file(recording, folder)
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            return pyramid_from_base(
                int(data["sample_rate_hz"]),
                int(data["frames"]),
                data["low"].astype(np.float32),
                data["high"].astype(np.float32),
            )
    except (OSError, ValueError, KeyError) as error:
        log.warning("ignoring damaged waveform cache %s: %s", path.name, error)
        return None


def save(recording: str | Path, pyramid: WaveformPyramid, folder: Path) -> None:
    path = cache_file(recording, folder)
    temporary = path.with_name(path.stem + ".tmp.npz")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(
            temporary,
            sample_rate_hz=pyramid.sample_rate_hz,
            frames=pyramid.frames,
            low=pyramid.lows[0].astype(np.float16),
            high=pyramid.highs[0].astype(np.float16),
        )
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        log.warning("waveform cache not written: %s", error)


def cached_pyramid(
    recording: str | Path,
    folder: Path | None,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> WaveformPyramid:
    """The cached pyramid, or a new one (then cached); `folder` None disables the cache."""
    if folder is not None and (pyramid := load_cached(recording, folder)) is not None:
        progress(1.0)
        return pyramid
    pyramid = build_pyramid(recording, progress=progress, cancel=cancel)
    if folder is not None and pyramid.damage is None:  # a damaged file is re-read, and re-told
        save(recording, pyramid, folder)
    return pyramid

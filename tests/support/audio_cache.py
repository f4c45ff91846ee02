"""Rendered test audio kept between test runs (renders take seconds to minutes each)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

TEST_CACHE = Path(
    os.environ.get("PIANOSCOPE_TEST_CACHE", Path.home() / ".cache" / "pianoscope-tests")
)


def cached_audio(path: Path, render: Callable[[], np.ndarray]) -> np.ndarray:
    """The audio saved at `path` (.npy), else `render()`'s, saved whole or not at all."""
    if path.is_file():
        return np.load(path)
    audio = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npy")
    np.save(partial, audio)
    partial.replace(path)
    return audio

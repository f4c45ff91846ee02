"""Held notes and chords, rendered dry on every allowed piano once per session."""

from __future__ import annotations

from functools import cache

import numpy as np

from pianoscope.transcription.training.held_cases import rendered_cases


@cache
def held_renderings(piano: str) -> dict[str, np.ndarray]:
    """Case name -> its dry rendering on `piano`, rendered once per session."""
    return rendered_cases(piano)

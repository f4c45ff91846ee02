"""Fixtures for DSP tests: FluidR3 renderings (cached on disk, see fluidr3_renders)."""

from __future__ import annotations

import numpy as np
import pytest
from support.fluidr3_renders import Note, keyboard_notes, render_cached


@pytest.fixture(scope="session")
def keyboard_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Note], np.ndarray]:
    """Every piano key rendered with FluidR3 grand in one file, with the notes played."""
    notes = keyboard_notes()
    return notes, render_cached(notes, tmp_path_factory.mktemp("keyboard"))

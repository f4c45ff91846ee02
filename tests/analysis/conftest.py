"""Fixtures for analysis tests: a synthesised recording written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.synthetic_recordings import SAMPLE_RATE_HZ, arpeggio

from pianoscope.audio.fileio import write_audio


@pytest.fixture(scope="session")
def arpeggio_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("recordings") / "arpeggio.flac"
    write_audio(path, arpeggio(), SAMPLE_RATE_HZ)
    return path

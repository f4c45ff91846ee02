"""Shared test set-up: offscreen Qt, one PulseAudio runtime folder, cached renderings."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/pianoscope-xdg")

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PIANOSCOPE_TEST_CACHE", Path.home() / ".cache" / "pianoscope-tests"))


@pytest.fixture(scope="session")
def test_cache() -> Path:
    """A folder for expensive generated data (renderings) that survives between test runs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return CACHE


@pytest.fixture(scope="session")
def virtual_mic() -> str:
    """Start the PulseAudio null-sink microphone (scripts/virtual_mic.sh); returns its device."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("PulseAudio is not installed: run `make install` (or .ci/run) first.")
    subprocess.run([str(REPO / "scripts" / "virtual_mic.sh"), "start"], check=True)
    return "pulse"

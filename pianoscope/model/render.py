"""Render MIDI to audio with FluidSynth and the three Debian SoundFonts (the training sources).

FluidSynth's own reverb and chorus are switched off so that renderings are dry and deterministic;
room sound is added later, under a seed, by augmentation.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import load_audio
from pianoscope.errors import PianoscopeError

SAMPLE_RATE_HZ = 44_100

SOUNDFONT_DIRS = (Path("/usr/share/sounds/sf2"), Path("/usr/share/sounds/sf3"))
FLUIDR3 = "FluidR3_GM.sf2"
MUSESCORE_LITE = "MuseScore_General_Lite.sf3"
TIMGM = "TimGM6mb.sf2"


class RenderError(PianoscopeError):
    """FluidSynth or a SoundFont is missing, or the rendering failed."""


@dataclass(frozen=True)
class Instrument:
    """A General MIDI program of one SoundFont."""

    soundfont: str
    program: int


PIANOS: dict[str, Instrument] = {
    "grand-fluidr3": Instrument(FLUIDR3, 0),
    "grand-musescore": Instrument(MUSESCORE_LITE, 0),
    "grand-timgm": Instrument(TIMGM, 0),
    "honkytonk-fluidr3": Instrument(FLUIDR3, 3),
}


def soundfont_path(name: str) -> Path:
    """Absolute path of a SoundFont installed by the Debian packages named in the README."""
    for folder in SOUNDFONT_DIRS:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise RenderError(
        f"SoundFont {name} is not installed. Install the Debian packages fluid-soundfont-gm, "
        "musescore-general-soundfont-small and timgm6mb-soundfont (make install does this)."
    )


def render_midi(
    midi_path: Path, soundfont: str, *, gain: float = 0.5, sample_rate_hz: int = SAMPLE_RATE_HZ
) -> np.ndarray:
    """Render a MIDI file dry with FluidSynth; returns float32 mono samples at `sample_rate_hz`."""
    executable = shutil.which("fluidsynth")
    if executable is None:
        raise RenderError("FluidSynth is not installed (Debian package fluidsynth).")
    with tempfile.TemporaryDirectory(prefix="pianoscope-render-") as tmp:
        wav_path = Path(tmp) / "render.wav"
        command = [
            executable,
            "-ni",
            "-q",
            "-R",
            "0",
            "-C",
            "0",
            "-g",
            str(gain),
            "-r",
            str(sample_rate_hz),
            "-F",
            str(wav_path),
            "-O",
            "float",
            str(soundfont_path(soundfont)),
            str(midi_path),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        if result.returncode != 0 or not wav_path.is_file():
            raise RenderError(f"FluidSynth failed on {midi_path.name}: {result.stderr.strip()}")
        return load_audio(wav_path, sample_rate_hz=sample_rate_hz)

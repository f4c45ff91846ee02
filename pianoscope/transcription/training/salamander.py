"""Render notes with the Salamander Grand Piano V3 (a Yamaha C5 recorded by Alexander Holm,
CC BY 3.0), the recorded piano reserved for evaluating the note model: never trained, tuned or
thresholded on.

The samples come from the npm packages `@audio-samples/piano-velocity<N>` (stereo OGG Vorbis,
48 kHz): every third key from A0 to C8 (A, C, D#, F#), in all 16 velocity layers (78 MB,
installed by `scripts/dev.sh install`). A note plays the layer nearest its velocity, layer n
standing for velocity 127 n / 16, its level moved by LEVEL_DB_PER_VELOCITY for each step of
velocity away from the layer's, the slope of the layers themselves: their loudest 100 ms rise
13.1 dB from layer 4 to 16 (mean over the 30 sampled keys), so velocities within a layer do
not all sound alike. The timbre comes from the layer, so unlike the Steinway's single layer no
low-pass stands in for a soft hammer. (With four layers, 4, 8, 12 and 16, velocities 1-47 all
played layer 4; the note model's velocity Spearman was 0.53 then and 0.55 with all 16, so the
missing layers were not why it reads this piano's velocities poorly.) The nearest sampled key
(at most a semitone away) is resampled to the note's pitch, mixed to mono and damped after the
sounding note's offset as the Steinway's notes are.

Nothing is downloaded here: the samples are looked for under PIANOSCOPE_SALAMANDER_DIR (the
`npm install --prefix` folder), by default `.cache/salamander` in the checkout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from pianoscope.errors import PianoscopeError
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.steinway import RING_OUT_S, SAMPLE_RATE_HZ, damped

LAYER_COUNT = 16
LAYERS = tuple(range(1, LAYER_COUNT + 1))
LEVEL_DB_PER_VELOCITY = 0.14
LOWEST_SAMPLED_MIDI = 21  # A0; then every third key up to C8 (108)
HIGHEST_SAMPLED_MIDI = 108
PACKAGE_VERSION = "1.0.5"
_NAMES = {0: "C", 3: "D#", 6: "F#", 9: "A"}
# Kaiser-windowed polyphase filters of resample_poly take about 20 taps per output sample
# whatever up and down are; 200 keeps their length down to 4 000 taps and every pitch within
# 0.05 cent.
_RATIO_DENOMINATOR_LIMIT = 200
# Input samples beyond a note's end given to the resampler, so its filter does not run off the
# end of what it is given: the filter reaches about 10 input samples either side.
_RESAMPLE_MARGIN = 64


class SalamanderMissingError(PianoscopeError):
    """The Salamander Grand Piano samples (npm packages, for evaluation only) are not installed."""


def samples_dir() -> Path:
    """The `npm install --prefix` folder of the samples: PIANOSCOPE_SALAMANDER_DIR, by default
    `.cache/salamander` in the checkout."""
    default = Path(__file__).resolve().parents[3] / ".cache" / "salamander"
    return Path(os.environ.get("PIANOSCOPE_SALAMANDER_DIR", default))


def layer_for(velocity: int) -> int:
    """The layer whose velocity (127 n / 16 for layer n) is nearest `velocity`."""
    return min(LAYERS, key=lambda layer: abs(velocity - layer_velocity(layer)))


def layer_velocity(layer: int) -> float:
    """The MIDI velocity layer `layer` (1-16) stands for."""
    return 127.0 * layer / LAYER_COUNT


def sampled_key(midi: int) -> int:
    """The sampled key nearest `midi`, at most a semitone away (A0-C8 in minor thirds)."""
    sampled = LOWEST_SAMPLED_MIDI + 3 * round((midi - LOWEST_SAMPLED_MIDI) / 3)
    if not LOWEST_SAMPLED_MIDI <= sampled <= HIGHEST_SAMPLED_MIDI:
        raise ValueError(f"MIDI key {midi} is outside the piano (A0-C8)")
    return sampled


@cache
def key_recording(midi: int, layer: int) -> tuple[np.ndarray, int]:
    """The recording of sampled key `midi` in `layer`: mono float32 samples and their rate (Hz)."""
    name = f"{_NAMES[midi % 12]}{midi // 12 - 1}v{layer}.ogg"
    path = samples_dir() / "node_modules" / "@audio-samples" / f"piano-velocity{layer}" / "audio"
    if not (path / name).is_file():
        packages = " ".join(f"@audio-samples/piano-velocity{n}@{PACKAGE_VERSION}" for n in LAYERS)
        raise SalamanderMissingError(
            f"The Salamander Grand Piano samples are not installed in {samples_dir()} "
            f"({name} is missing). Install them with `bash scripts/dev.sh install`, or "
            f"`npm install --prefix {samples_dir()} --no-save {packages}` "
            "(PIANOSCOPE_SALAMANDER_DIR names another folder)."
        )
    data, rate = sf.read(path / name, dtype="float32", always_2d=True)
    return data.mean(axis=1), rate


def render_notes(notes: Sequence[SoundingNote], duration_s: float) -> np.ndarray:
    """Mix the sounding notes into `duration_s` of mono float32 audio at 44.1 kHz."""
    total = round(duration_s * SAMPLE_RATE_HZ)
    out = np.zeros(total, dtype=np.float64)
    for note in notes:
        first = round(note.onset_s * SAMPLE_RATE_HZ)
        held = round((note.offset_s - note.onset_s) * SAMPLE_RATE_HZ)
        wanted = min(held + round(RING_OUT_S * SAMPLE_RATE_HZ), total - first)
        if wanted <= 0:
            continue
        layer = layer_for(note.velocity)
        sound = _pitched(note.midi, layer, wanted)
        gain = 10.0 ** (LEVEL_DB_PER_VELOCITY * (note.velocity - layer_velocity(layer)) / 20.0)
        out[first : first + sound.size] += damped(sound, held) * gain
    return out.astype(np.float32)


def _pitched(midi: int, layer: int, length: int) -> np.ndarray:
    """Up to `length` samples at 44.1 kHz of key `midi`, from the nearest sampled key.

    resample_poly rather than linear interpolation: interpolating dulls the top octave and
    mirrors it back as inharmonic images, so the third of the keys that are shifted would
    sound unlike the sampled two thirds. The sample rate conversion and the pitch shift are one
    rational ratio (exact for a sampled key: 147/160 from 48 kHz).
    """
    sampled = sampled_key(midi)
    recording, rate_hz = key_recording(sampled, layer)
    ratio = Fraction(SAMPLE_RATE_HZ / rate_hz * 2.0 ** ((sampled - midi) / 12))
    ratio = ratio.limit_denominator(_RATIO_DENOMINATOR_LIMIT)
    source = recording[: int(np.ceil(length / ratio)) + _RESAMPLE_MARGIN]
    return resample_poly(source, ratio.numerator, ratio.denominator)[:length]

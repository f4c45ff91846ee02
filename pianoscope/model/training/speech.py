"""Speech for the "not a piano" class: a teacher talking, made by Debian's `espeak-ng`.

Each clip is a random sentence from a small vocabulary, spoken by a seeded choice of language,
voice variant, speed and pitch, resampled to 44.1 kHz and cut or padded to the clip's length.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.render import RenderError

LANGUAGES = ("en", "en-us", "de", "fr", "es", "it", "nl", "pl", "pt", "sv", "cs", "fi")
VARIANTS = ("", "+m1", "+m3", "+m5", "+f1", "+f2", "+f3", "+f4", "+croak", "+klatt")
_SENTENCES = (
    "again slower please listen here the left hand softer now one two three four bar",
    "start from the beginning keep the tempo lift your wrist relax the shoulders try once",
    "more good that was much better watch the rhythm count out loud this phrase crescendo",
    "to the top of the line then diminuendo and breathe before the next entry the pedal",
    "changes with the harmony play it legato without the pedal first very nice let us",
    "stop there and look at the score together what do you hear in this passage",
)
WORDS = tuple(word for sentence in _SENTENCES for word in sentence.split(" "))


def speech_clip(seed: int, duration_s: float) -> np.ndarray:
    """`duration_s` of seeded speech, float32 mono at 44.1 kHz, peak about 0.5."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise RenderError("espeak-ng is not installed (Debian package espeak-ng).")
    rng = np.random.default_rng([seed, 3])
    words = rng.choice(WORDS, size=int(rng.integers(12, 24)))
    voice = str(rng.choice(LANGUAGES)) + str(rng.choice(VARIANTS))
    command = [
        executable,
        "-v",
        voice,
        "-s",
        str(int(rng.integers(120, 200))),
        "-p",
        str(int(rng.integers(20, 80))),
        "--stdout",
        " ".join(words),
    ]
    result = subprocess.run(command, capture_output=True, check=False, timeout=60)
    if result.returncode != 0:
        raise RenderError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
    audio, rate = sf.read(io.BytesIO(result.stdout), dtype="float64")
    audio = resample_poly(audio, SAMPLE_RATE_HZ, rate)
    size = round(duration_s * SAMPLE_RATE_HZ)
    start = int(rng.integers(0, max(1, audio.size - size)))
    clip = np.zeros(size)
    part = audio[start : start + size]
    offset = int(rng.integers(0, size - part.size + 1))
    clip[offset : offset + part.size] = part
    return (0.5 * clip / (np.max(np.abs(clip)) + 1e-9)).astype(np.float32)

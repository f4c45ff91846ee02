"""Real-world augmentation of rendered clips: gain, a little room reverb, noise and mains hum.

FluidSynth renders dry, noiseless audio; a microphone in a teaching room adds all of these. Each
is drawn from the clip's own generator, so a clip's augmentation is reproducible by its seed.
Detuning is not done here: it is applied exactly at rendering time by the MIDI pitch wheel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve

from pianoscope.dsp.features import SAMPLE_RATE_HZ


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random augmentations (uniform draws) and how often each is applied."""

    gain_db: float = 1.0  # ± range: what is left of the level after calibration
    reverb_probability: float = 0.5
    rt60_s: tuple[float, float] = (0.2, 0.8)
    reverb_wet: tuple[float, float] = (0.1, 0.4)
    noise_probability: float = 0.6
    snr_db: tuple[float, float] = (15.0, 50.0)
    hum_probability: float = 0.25
    hum_below_signal_db: tuple[float, float] = (25.0, 50.0)


def augment(
    samples: np.ndarray, rng: np.random.Generator, config: AugmentConfig = AugmentConfig()
) -> np.ndarray:
    """A randomly gained, reverberated, noisy, humming copy of `samples` (float32)."""
    out = samples.astype(np.float64)
    if rng.random() < config.reverb_probability:
        out = add_reverb(
            out, rng, float(rng.uniform(*config.rt60_s)), float(rng.uniform(*config.reverb_wet))
        )
    signal_rms = _rms(out)
    if rng.random() < config.noise_probability:
        noise = coloured_noise(rng, out.size, str(rng.choice(["white", "pink", "brown"])))
        out += noise * signal_rms * 10.0 ** (-float(rng.uniform(*config.snr_db)) / 20.0)
    if rng.random() < config.hum_probability:
        hum = mains_hum(rng, out.size)
        out += hum * signal_rms * 10.0 ** (-float(rng.uniform(*config.hum_below_signal_db)) / 20.0)
    out *= 10.0 ** (float(rng.uniform(-config.gain_db, config.gain_db)) / 20.0)
    return out.astype(np.float32)


def add_reverb(
    samples: np.ndarray, rng: np.random.Generator, rt60_s: float, wet: float
) -> np.ndarray:
    """Add a small room: exponentially decaying noise as impulse response, `wet` times the dry."""
    length = int(rt60_s * SAMPLE_RATE_HZ)
    time_s = np.arange(length) / SAMPLE_RATE_HZ
    impulse = rng.standard_normal(length) * np.exp(-6.9 * time_s / rt60_s)
    impulse /= np.sqrt(np.sum(impulse**2))
    return samples + wet * fftconvolve(samples, impulse)[: samples.size]


def coloured_noise(rng: np.random.Generator, size: int, colour: str) -> np.ndarray:
    """Unit-RMS white, pink (1/f power) or brown (1/f² power) noise."""
    white = rng.standard_normal(size)
    if colour == "white":
        return white
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(size)
    freqs[0] = freqs[1]
    exponent = 0.5 if colour == "pink" else 1.0
    shaped = np.fft.irfft(spectrum / freqs**exponent, n=size)
    return shaped / _rms(shaped)


def mains_hum(rng: np.random.Generator, size: int) -> np.ndarray:
    """Unit-RMS 50 or 60 Hz hum with a few decaying harmonics at random phases."""
    mains_hz = float(rng.choice([50.0, 60.0]))
    time_s = np.arange(size) / SAMPLE_RATE_HZ
    hum = sum(
        np.sin(2 * np.pi * mains_hz * k * time_s + rng.uniform(0, 2 * np.pi)) / k
        for k in range(1, 6)
    )
    return hum / _rms(hum)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) + 1e-12

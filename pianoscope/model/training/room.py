"""What a room and a microphone do to a piano: reverberation with early reflections, distance,
the microphone's tilt, and the strings that ring along when the pedal is down.

- `room_impulse`: a synthetic room impulse response. The direct sound, then 6-20 early
  reflections within the first 5-40 ms (each weaker by its extra path and a wall's absorption,
  of either sign), then a diffuse tail of noise decaying with the room's RT60 (0.2-1.5 s), the
  treble decaying twice as fast as the bass (air and soft furnishings absorb high frequencies).
  The microphone's distance sets the direct-to-reverberant ratio (20·log10(critical distance /
  distance)) and a gentle air low-pass. The response is scaled to unit energy, so the room does
  not move the level convention.
- `tilt_eq`: a microphone or laptop response: a spectral tilt of up to ±6 dB at the ends of
  100 Hz-10 kHz around 1 kHz, and a low cut (80-300 Hz, a small capsule's bass roll-off).
- `string_resonance`: with the dampers lifted every string rings along with the partials that
  match its own: the sound convolved with a bank of lightly damped resonators at the partials of
  all 88 strings, mixed 20-35 dB below the dry sound.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.signal import butter, fftconvolve, sosfilt

from pianoscope.dsp.features import SAMPLE_RATE_HZ

RESONANCE_VARIANTS = 6
RESONANCE_S = 1.5


def room_impulse(rng: np.random.Generator, rt60_s: float, distance_m: float) -> np.ndarray:
    """A room's impulse response at a microphone `distance_m` from the piano (unit energy)."""
    length = int(rt60_s * SAMPLE_RATE_HZ)
    impulse = np.zeros(length)
    critical_m = float(rng.uniform(0.7, 1.8))
    direct = 1.0
    for _ in range(int(rng.integers(6, 21))):
        delay = int(rng.uniform(0.005, 0.04) * SAMPLE_RATE_HZ)
        impulse[delay] += rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 0.7) * direct
    time_s = np.arange(length) / SAMPLE_RATE_HZ
    noise = rng.standard_normal(length)
    bass = sosfilt(butter(2, 1500.0, "low", fs=SAMPLE_RATE_HZ, output="sos"), noise)
    treble = noise - bass
    tail = bass * np.exp(-6.91 * time_s / rt60_s) + treble * np.exp(-13.8 * time_s / rt60_s)
    tail[: int(0.005 * SAMPLE_RATE_HZ)] = 0.0
    reverberant = np.sqrt(np.sum(impulse**2) + np.sum(tail**2))
    ratio = critical_m / distance_m  # direct-to-reverberant amplitude ratio
    impulse = impulse + tail
    impulse *= 1.0 / (ratio * reverberant + 1e-12)
    impulse[0] += 1.0
    air_hz = 18_000.0 / (1.0 + 0.15 * distance_m)
    impulse = sosfilt(butter(1, air_hz, "low", fs=SAMPLE_RATE_HZ, output="sos"), impulse)
    return impulse / np.sqrt(np.sum(impulse**2))


def add_room(samples: np.ndarray, impulse: np.ndarray) -> np.ndarray:
    """`samples` heard through `impulse` (same length as `samples`)."""
    return fftconvolve(samples, impulse)[: samples.size]


def tilt_eq(samples: np.ndarray, tilt_db: float, low_cut_hz: float) -> np.ndarray:
    """A spectral tilt of `tilt_db` at 10 kHz (and -`tilt_db` at 100 Hz) around 1 kHz, and a
    second-order high-pass at `low_cut_hz`; unit power gain for a pink-ish spectrum."""
    spectrum = np.fft.rfft(samples)
    freqs_hz = np.maximum(np.fft.rfftfreq(samples.size, 1.0 / SAMPLE_RATE_HZ), 1.0)
    octaves = np.clip(np.log10(freqs_hz / 1000.0), -1.0, 1.0)
    gain = 10.0 ** (tilt_db * octaves / 20.0)
    shaped = np.fft.irfft(spectrum * gain, n=samples.size)
    shaped = sosfilt(butter(2, low_cut_hz, "high", fs=SAMPLE_RATE_HZ, output="sos"), shaped)
    return shaped * (_rms(samples) / _rms(shaped))


def string_resonance(samples: np.ndarray, variant: int, below_db: float) -> np.ndarray:
    """Add the sympathetic ringing of undamped strings (one of `RESONANCE_VARIANTS` string
    sets), `below_db` under the dry sound."""
    impulse = _resonance_impulse(variant)
    ringing = fftconvolve(samples, impulse)[: samples.size]
    return samples + ringing * (_rms(samples) / _rms(ringing)) * 10.0 ** (-below_db / 20.0)


@cache
def _resonance_impulse(variant: int) -> np.ndarray:
    """Decaying sinusoids at the first six partials of every string A0-C8 (slightly inharmonic
    and detuned per variant), built in the frequency domain as the sum of their exact DFTs."""
    rng = np.random.default_rng([variant, 64])
    length = int(RESONANCE_S * SAMPLE_RATE_HZ)
    pitches = np.arange(21, 109)
    f0 = 440.0 * 2.0 ** ((pitches - 69 + rng.uniform(-0.05, 0.05, pitches.size)) / 12.0)
    n = np.arange(1, 7)
    freqs_hz = (n[None, :] * f0[:, None] * np.sqrt(1 + 3e-4 * n[None, :] ** 2)).ravel()
    freqs_hz = freqs_hz[freqs_hz < 8000.0]
    decay = 6.91 / rng.uniform(0.4, 1.5, freqs_hz.size)  # 1/s
    bins = np.arange(length // 2 + 1)
    spectrum = np.zeros(bins.size, dtype=np.complex128)
    for freq_hz, rate in zip(freqs_hz, decay, strict=True):
        z = np.exp((-rate + 2j * np.pi * freq_hz) / SAMPLE_RATE_HZ)
        spectrum += (1.0 - z**length) / (1.0 - z * np.exp(-2j * np.pi * bins / length))
    impulse = np.fft.irfft(spectrum, n=length)
    return impulse / np.sqrt(np.sum(impulse**2))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) + 1e-12

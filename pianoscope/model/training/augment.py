"""Real-world augmentation of rendered clips: gain, room, microphone, noise and mains hum.

FluidSynth renders dry, noiseless audio; a microphone in a teaching room adds all of these. Each
is drawn from the clip's own generator, so a clip's augmentation is reproducible by its seed.
A whole piano out of tune is not done here: it is applied exactly at rendering time by the
MIDI pitch wheel. Unisons out of tune are (`out_of_tune_unisons`, off unless asked for): a
part of the sound a few cents away from the rest, as a key's strings drift apart between
tunings and beat against each other.

Two rooms exist: the small noise-tail reverb the shipped classifier was trained with, and the
room of `pianoscope.model.training.room` (early reflections, RT60 0.2-1.5 s with a faster treble
decay, microphone distance), with the microphone's tilt and low cut and the strings' sympathetic
ringing under the pedal. The latter are off unless a config asks for them (`ROOM_AND_MICROPHONE`),
so data made with the old settings stays exactly as it was.

A room and a microphone move the playing level (a unit-energy response spreads the attacks, the
distance changes the direct sound), by several dB, while the intensity classes lie about 5 dB
apart. A teacher calibrates in their own room, so with `calibrated_level` each clip is scaled
as that calibration would: by the gain that brings its piano's mf calibration phrase, heard
along the same path, back to its dry level (`AcousticPath.calibration_gain`). The random draws
do not depend on it, so a calibrated clip is the uncalibrated one times that gain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.features import SAMPLE_RATE_HZ, log_mel
from pianoscope.model.calibration import playing_level_db
from pianoscope.model.training.room import (
    RESONANCE_VARIANTS,
    add_room,
    room_impulse,
    string_resonance,
    tilt_eq,
)


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
    # The room and microphone of `room.py` (0: never drawn, see the module docstring).
    room_probability: float = 0.0
    distance_m: tuple[float, float] = (0.3, 5.0)
    tilt_probability: float = 0.0
    tilt_db: float = 6.0
    low_cut_hz: tuple[float, float] = (60.0, 300.0)
    resonance_probability: float = 0.0  # of a pedalled clip
    resonance_below_db: tuple[float, float] = (20.0, 35.0)
    # Bring each clip to the level a calibration in its own room and microphone would give.
    calibrated_level: bool = False
    # Unisons out of tune (`out_of_tune_unisons`), drawn first and only when asked for.
    unison_detune_probability: float = 0.0
    unison_detune_cents: tuple[float, float] = (3.0, 25.0)
    unison_detune_share: tuple[float, float] = (0.3, 0.5)


# The classifier's room and microphone: a room in 70 % of clips (RT60 0.2-1.5 s), the old noise
# reverb in half the others, a microphone tilt in 70 %, sympathetic ringing in 80 % of pedalled
# clips; noise and hum as before; each clip at the level of a calibration in its room.
ROOM_AND_MICROPHONE = AugmentConfig(
    rt60_s=(0.2, 1.5),
    room_probability=0.7,
    tilt_probability=0.7,
    resonance_probability=0.8,
    calibrated_level=True,
)


@dataclass(frozen=True)
class AcousticPath:
    """The linear part of a clip's way from the strings to the microphone, as drawn for it:
    sympathetic ringing (variant, dB under the dry sound), a room or small reverb (impulse
    response, dry sound included), a microphone tilt (dB, low cut Hz). None: not drawn."""

    resonance: tuple[int, float] | None = None
    impulse: np.ndarray | None = None
    tilt: tuple[float, float] | None = None

    def apply(self, samples: np.ndarray, *, resonance: bool = True) -> np.ndarray:
        """`samples` (float64) heard along the path; `resonance` False leaves out the ringing
        of undamped strings (a calibration is played without the pedal)."""
        out = samples
        if resonance and self.resonance is not None:
            out = string_resonance(out, *self.resonance)
        if self.impulse is not None:
            out = add_room(out, self.impulse)
        if self.tilt is not None:
            out = tilt_eq(out, *self.tilt)
        return out

    def calibration_gain(self, reference: np.ndarray) -> float:
        """The gain a teacher's calibration in this room applies: the one that brings the mf
        `reference` (the same piano, dry, at the level convention) heard along this path back to
        its dry playing level."""
        dry_db = playing_level_db(log_mel(reference))
        heard = self.apply(reference.astype(np.float64), resonance=False).astype(np.float32)
        return 10.0 ** ((dry_db - playing_level_db(log_mel(heard))) / 20.0)


def draw_path(
    rng: np.random.Generator, config: AugmentConfig, *, pedalled: bool = False
) -> AcousticPath:
    """The random acoustic path of one clip (the first draws of `augment`, in its order)."""
    resonance = None
    if (
        pedalled
        and config.resonance_probability > 0
        and rng.random() < config.resonance_probability
    ):
        below_db = float(rng.uniform(*config.resonance_below_db))
        resonance = (int(rng.integers(RESONANCE_VARIANTS)), below_db)
    if config.room_probability > 0 and rng.random() < config.room_probability:
        rt60_s, distance_m = (
            float(rng.uniform(*config.rt60_s)),
            float(rng.uniform(*config.distance_m)),
        )
        impulse = room_impulse(rng, rt60_s, distance_m)
    elif rng.random() < config.reverb_probability:
        rt60_s, wet = float(rng.uniform(*config.rt60_s)), float(rng.uniform(*config.reverb_wet))
        impulse = reverb_impulse(rng, rt60_s, wet)
    else:
        impulse = None
    tilt = None
    if config.tilt_probability > 0 and rng.random() < config.tilt_probability:
        tilt_db = float(rng.uniform(-config.tilt_db, config.tilt_db))
        tilt = (tilt_db, float(rng.uniform(*config.low_cut_hz)))
    return AcousticPath(resonance, impulse, tilt)


def augment(
    samples: np.ndarray,
    rng: np.random.Generator,
    config: AugmentConfig = AugmentConfig(),
    *,
    pedalled: bool = False,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """A randomly gained, reverberated, noisy, humming copy of `samples` (float32);
    `pedalled`: the sustain pedal was down, so undamped strings may ring along. With
    `config.calibrated_level` and the piano's mf `reference` (dry, at the level convention) the
    copy is also brought to the level a calibration in its room would give (see the module
    docstring); the random draws are the same either way."""
    if config.unison_detune_probability > 0 and rng.random() < config.unison_detune_probability:
        cents = float(rng.uniform(*config.unison_detune_cents)) * float(rng.choice([-1.0, 1.0]))
        share = float(rng.uniform(*config.unison_detune_share))
        samples = out_of_tune_unisons(samples, cents, share)
    path = draw_path(rng, config, pedalled=pedalled)
    out = path.apply(samples.astype(np.float64))
    signal_rms = _rms(out)
    if rng.random() < config.noise_probability:
        noise = coloured_noise(rng, out.size, str(rng.choice(["white", "pink", "brown"])))
        out += noise * signal_rms * 10.0 ** (-float(rng.uniform(*config.snr_db)) / 20.0)
    if rng.random() < config.hum_probability:
        hum = mains_hum(rng, out.size)
        out += hum * signal_rms * 10.0 ** (-float(rng.uniform(*config.hum_below_signal_db)) / 20.0)
    out *= 10.0 ** (float(rng.uniform(-config.gain_db, config.gain_db)) / 20.0)
    if config.calibrated_level and reference is not None:
        out *= path.calibration_gain(reference)
    return out.astype(np.float32)


def out_of_tune_unisons(samples: np.ndarray, cents: float, share: float) -> np.ndarray:
    """`samples` with `share` of their sound played `cents` sharp (flat when negative), as a
    piano sounds whose every key has one string drifted that far from the others: the two beat.
    The shifted copy is a linear resampling (so also that much shorter: 1 % at 20 cents),
    silent where it runs out."""
    positions = np.arange(samples.size) * 2.0 ** (cents / 1200.0)
    shifted = np.interp(positions, np.arange(samples.size), samples, right=0.0)
    return ((1.0 - share) * samples + share * shifted).astype(np.float32)


def add_reverb(
    samples: np.ndarray, rng: np.random.Generator, rt60_s: float, wet: float
) -> np.ndarray:
    """Add a small room: exponentially decaying noise as impulse response, `wet` times the dry."""
    return add_room(samples, reverb_impulse(rng, rt60_s, wet))


def reverb_impulse(rng: np.random.Generator, rt60_s: float, wet: float) -> np.ndarray:
    """A small room: the dry sound plus exponentially decaying noise, `wet` times the dry."""
    length = int(rt60_s * SAMPLE_RATE_HZ)
    time_s = np.arange(length) / SAMPLE_RATE_HZ
    tail = rng.standard_normal(length) * np.exp(-6.9 * time_s / rt60_s)
    impulse = wet * tail / np.sqrt(np.sum(tail**2))
    impulse[0] += 1.0
    return impulse


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
